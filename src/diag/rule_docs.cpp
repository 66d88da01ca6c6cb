#include "shapelint/diag/rule_docs.h"

namespace shapelint::diag {

std::string_view ruleDoc(const Rule& rule) {
  for (const RuleDoc& doc : ruleDocs())
    if (doc.code == rule.code) return doc.markdown;
  return {};
}

}  // namespace shapelint::diag
