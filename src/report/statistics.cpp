// --statistics: findings counted per rule, as a text table or a JSON object.
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "shapelint/diag/rules.h"
#include "shapelint/report/report.h"
#include "statistics_json.h"

namespace shapelint::report {

std::vector<RuleCount> countByRule(const std::vector<ModelReport>& reports) {
  const std::vector<diag::Rule>& rules = diag::allRules();
  std::vector<size_t> counts(rules.size(), 0);  // indexed by RuleId
  for (const ModelReport& r : reports)
    for (const diag::Diagnostic& d : r.diagnostics) ++counts[static_cast<size_t>(d.rule)];
  std::vector<RuleCount> out;
  for (size_t i = 0; i < rules.size(); ++i)
    if (counts[i] > 0) out.push_back({&rules[i], counts[i]});
  std::sort(out.begin(), out.end(), [](const RuleCount& a, const RuleCount& b) {
    if (a.count != b.count) return a.count > b.count;
    return a.rule->code < b.rule->code;
  });
  return out;
}

std::string renderStatisticsText(const std::vector<ModelReport>& reports) {
  const std::vector<RuleCount> counts = countByRule(reports);
  if (counts.empty()) return "";
  const size_t width = std::to_string(counts.front().count).size();  // the largest count comes first
  std::string out;
  for (const RuleCount& c : counts)
    out += fmt::format("  {:>{}}  {}  {}\n", c.count, width, c.rule->code, c.rule->name);
  return out;
}

nlohmann::ordered_json statisticsToJson(const std::vector<ModelReport>& reports) {
  std::array<size_t, 3> bySeverity = {0, 0, 0};  // indexed by Severity
  size_t loadErrors = 0;
  for (const ModelReport& r : reports) {
    if (r.loadError) ++loadErrors;
    for (const diag::Diagnostic& d : r.diagnostics) ++bySeverity[static_cast<size_t>(d.severity)];
  }
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  out["models"] = reports.size();
  out["load_errors"] = loadErrors;
  out["errors"] = bySeverity[static_cast<size_t>(diag::Severity::kError)];
  out["warnings"] = bySeverity[static_cast<size_t>(diag::Severity::kWarning)];
  out["notes"] = bySeverity[static_cast<size_t>(diag::Severity::kNote)];
  nlohmann::ordered_json rules = nlohmann::ordered_json::array();
  for (const RuleCount& c : countByRule(reports)) {
    nlohmann::ordered_json entry = nlohmann::ordered_json::object();
    entry["code"] = std::string(c.rule->code);
    entry["rule"] = std::string(c.rule->name);
    entry["count"] = c.count;
    rules.push_back(std::move(entry));
  }
  out["rules"] = std::move(rules);
  return out;
}

}  // namespace shapelint::report
