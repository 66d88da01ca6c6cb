// The rule doc pages (docs/rules/CODE.md), embedded in the binary at build time.
#pragma once

#include <string_view>
#include <vector>

#include "shapelint/diag/rules.h"

namespace shapelint::diag {

struct RuleDoc {
  std::string_view code;      // "SL101"
  std::string_view markdown;  // the whole page
};

const std::vector<RuleDoc>& ruleDocs();

// The page of a rule, or an empty view when it has none.
std::string_view ruleDoc(const Rule& rule);

}  // namespace shapelint::diag
