// Which findings are reported, and at what severity: --select, --ignore,
// --severity, the configuration file's select/ignore/severity/ignore-nodes.
// Applied after the shape pass, per model, so a dropped finding never
// changes another one; reporters and the exit code see the filtered set.
#pragma once

#include <bitset>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shapelint/diag/diagnostic.h"
#include "shapelint/diag/rules.h"

namespace shapelint {

// A set of rules, indexed by RuleId.
using RuleSet = std::bitset<static_cast<size_t>(diag::RuleId::kCount_)>;

// The rules one selector names: a code ("SL102", any case), a name
// ("incompatible-merge") or a code prefix ("SL1", "SL"). nullopt when it
// names no rule.
std::optional<RuleSet> matchRules(std::string_view entry);

// Splits "SL1,floor-truncation" (spaces around entries allowed, empty
// entries skipped).
std::vector<std::string> splitRuleList(std::string_view text);

// One source of selection settings: the configuration file, or the command
// line. `select` replaces the set chosen so far; `ignore` then removes
// rules from it (ignore wins over select within a layer).
struct SelectionLayer {
  std::optional<RuleSet> select;
  RuleSet ignore;
  // Severity overrides, in the order given. The override whose selector
  // names the fewest rules wins (SL204=error beats SL2=note); on a tie the
  // later one.
  std::vector<std::pair<RuleSet, diag::Severity>> severity;
};

// A finding of `rules` (all rules when empty) at a node whose name matches
// the shell-style pattern `nodePattern` (`*`, `?`, `[...]`; `*` also matches
// `/` and `.`).
struct NodeIgnore {
  RuleSet rules;  // none set: every rule
  std::string nodePattern;
};

bool nodeMatches(std::string_view pattern, std::string_view nodeName);

// What is reported for one model.
struct ModelPolicy {
  RuleSet enabled = RuleSet().set();
  std::vector<std::optional<diag::Severity>> severity =
      std::vector<std::optional<diag::Severity>>(static_cast<size_t>(diag::RuleId::kCount_));
  std::vector<NodeIgnore> ignoreNodes;

  bool isEnabled(diag::RuleId id) const { return enabled.test(static_cast<size_t>(id)); }
  // Applies the layers in order (configuration first, command line last).
  void apply(const SelectionLayer& layer);
  // The findings kept, with their severity overridden; order is kept.
  std::vector<diag::Diagnostic> filter(std::vector<diag::Diagnostic> diagnostics) const;
};

}  // namespace shapelint
