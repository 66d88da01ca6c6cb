// Rule selectors, severity overrides and node-name ignores.
#include "shapelint/driver/selection.h"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>

namespace shapelint {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// "SL", "SL1", "SL10", "SL102": the letters of the code and then digits only.
bool isCodePrefix(std::string_view s) {
  if (s.size() < 2 || s.substr(0, 2) != "SL") return false;
  return std::all_of(s.begin() + 2, s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::optional<RuleSet> matchRules(std::string_view entry) {
  entry = trim(entry);
  if (entry.empty()) return std::nullopt;
  RuleSet rules;
  const std::string code = upper(entry);
  const bool prefix = isCodePrefix(code);
  for (const diag::Rule& r : diag::allRules()) {
    if (r.name == entry || (prefix && r.code.substr(0, code.size()) == code)) {
      rules.set(static_cast<size_t>(r.id));
    }
  }
  if (rules.none()) return std::nullopt;
  return rules;
}

std::vector<std::string> splitRuleList(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    const std::string_view part = trim(text.substr(start, comma - start));
    if (!part.empty()) out.emplace_back(part);
    start = comma + 1;
  }
  return out;
}

bool nodeMatches(std::string_view pattern, std::string_view nodeName) {
  const std::string p(pattern), n(nodeName);
  return fnmatch(p.c_str(), n.c_str(), 0) == 0;
}

void ModelPolicy::apply(const SelectionLayer& layer) {
  if (layer.select) enabled = *layer.select;
  enabled &= ~layer.ignore;
  // Broadest first, so the most specific selector is applied last and wins;
  // stable, so among equals the later one wins.
  std::vector<std::pair<RuleSet, diag::Severity>> overrides = layer.severity;
  std::stable_sort(overrides.begin(), overrides.end(),
                   [](const auto& a, const auto& b) { return a.first.count() > b.first.count(); });
  for (const auto& [rules, level] : overrides)
    for (size_t i = 0; i < rules.size(); ++i)
      if (rules.test(i)) severity[i] = level;
}

std::vector<diag::Diagnostic> ModelPolicy::filter(std::vector<diag::Diagnostic> diagnostics) const {
  std::vector<diag::Diagnostic> kept;
  kept.reserve(diagnostics.size());
  for (diag::Diagnostic& d : diagnostics) {
    const size_t index = static_cast<size_t>(d.rule);
    if (!enabled.test(index)) continue;
    const bool nodeIgnored = std::any_of(ignoreNodes.begin(), ignoreNodes.end(), [&](const NodeIgnore& ignore) {
      return (ignore.rules.none() || ignore.rules.test(index)) && nodeMatches(ignore.nodePattern, d.node);
    });
    if (nodeIgnored) continue;
    if (severity[index]) d.severity = *severity[index];
    kept.push_back(std::move(d));
  }
  return kept;
}

}  // namespace shapelint
