// Baseline files: write, read, match.
#include "shapelint/driver/baseline.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <system_error>
#include <utility>

namespace shapelint {
namespace fs = std::filesystem;
namespace {

constexpr int kBaselineVersion = 1;

// Absolute and without "." and "..", symlinks kept: a model is found and
// keyed by the path it was given as, not by where a link points.
fs::path absoluteNormal(const fs::path& path) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec);
  return (ec ? path : absolute).lexically_normal();
}

std::string ruleName(const std::string& code) {
  const diag::Rule* rule = diag::findRule(code);
  return rule ? std::string(rule->name) : std::string();
}

}  // namespace

std::string baselineModelKey(const fs::path& dir, const std::string& modelPath) {
  const fs::path model = absoluteNormal(modelPath);
  const fs::path relative = model.lexically_relative(dir);
  return (relative.empty() ? model : relative).generic_string();
}

Baseline makeBaseline(const std::vector<report::ModelReport>& reports, const std::string& file) {
  Baseline baseline;
  baseline.dir = absoluteNormal(file).parent_path();
  std::set<std::string> seen;  // a model given twice is recorded once
  for (const report::ModelReport& r : reports) {
    if (r.loadError) continue;
    const std::string model = baselineModelKey(baseline.dir, r.path);
    if (!seen.insert(model).second) continue;
    for (const diag::Diagnostic& d : r.diagnostics)
      ++baseline.counts[BaselineKey{model, std::string(d.ruleInfo().code), d.node}];
  }
  return baseline;
}

std::string renderBaseline(const Baseline& baseline) {
  nlohmann::ordered_json findings = nlohmann::ordered_json::array();
  for (const auto& [key, count] : baseline.counts) {
    findings.push_back(
        {{"model", key.model}, {"code", key.code}, {"rule", ruleName(key.code)}, {"node", key.node}, {"count", count}});
  }
  nlohmann::ordered_json doc = {{"version", kBaselineVersion}, {"tool", "shapelint"}, {"findings", findings}};
  return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

Baseline parseBaseline(std::string_view text, const std::string& file) {
  auto fail = [&](const std::string& why) -> BaselineError {
    return BaselineError(file + ": not a shapelint baseline: " + why);
  };
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw fail(std::string("invalid JSON (") + e.what() + ")");
  }
  if (!doc.is_object()) throw fail("expected a JSON object");
  if (!doc.contains("version") || doc["version"] != kBaselineVersion) throw fail("expected \"version\": 1");
  if (!doc.contains("findings") || !doc["findings"].is_array()) throw fail("expected a \"findings\" array");
  Baseline baseline;
  baseline.dir = absoluteNormal(file).parent_path();
  size_t index = 0;
  for (const nlohmann::json& entry : doc["findings"]) {
    const std::string at = fmt::format("findings[{}]", index++);
    if (!entry.is_object()) throw fail(at + " is not an object");
    for (const char* field : {"model", "code", "node"})
      if (!entry.contains(field) || !entry[field].is_string()) throw fail(at + " needs a string \"" + field + "\"");
    if (!entry.contains("count") || !entry["count"].is_number_unsigned() || entry["count"].get<size_t>() == 0)
      throw fail(at + " needs a \"count\" >= 1");
    BaselineKey key{entry["model"].get<std::string>(), entry["code"].get<std::string>(),
                    entry["node"].get<std::string>()};
    baseline.counts[std::move(key)] += entry["count"].get<size_t>();
  }
  return baseline;
}

Baseline loadBaseline(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw BaselineError(file + ": cannot read the baseline file");
  std::ostringstream text;
  text << in.rdbuf();
  return parseBaseline(text.str(), file);
}

void writeBaseline(const Baseline& baseline, const std::string& file) {
  // A temporary file in the same folder, renamed over the target: an
  // interrupted run leaves the old baseline.
  const std::string temporary = file + ".tmp" + std::to_string(getpid());
  const std::string text = renderBaseline(baseline);
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::remove(temporary.c_str());
      throw BaselineError(file + ": cannot write the baseline file");
    }
  }
  std::error_code ec;
  fs::rename(temporary, file, ec);
  if (ec) {
    std::remove(temporary.c_str());
    throw BaselineError(file + ": cannot write the baseline file: " + ec.message());
  }
}

BaselineOutcome applyBaseline(const Baseline& baseline, const std::string& file,
                              std::vector<report::ModelReport>& reports, const std::vector<RuleSet>& enabled) {
  BaselineOutcome outcome;
  outcome.file = file;
  std::set<std::string> fixedDone;  // a model given twice is compared once
  for (size_t i = 0; i < reports.size(); ++i) {
    report::ModelReport& r = reports[i];
    if (r.loadError) continue;
    const std::string model = baselineModelKey(baseline.dir, r.path);
    std::map<BaselineKey, size_t> found;
    std::vector<diag::Diagnostic> kept;
    for (diag::Diagnostic& d : r.diagnostics) {
      BaselineKey key{model, std::string(d.ruleInfo().code), d.node};
      const size_t seen = ++found[key];
      const auto recorded = baseline.counts.find(key);
      if (recorded != baseline.counts.end() && seen <= recorded->second) {
        ++outcome.suppressed;
        continue;
      }
      kept.push_back(std::move(d));
    }
    r.diagnostics = std::move(kept);
    if (!fixedDone.insert(model).second) continue;
    for (auto it = baseline.counts.lower_bound(BaselineKey{model, "", ""});
         it != baseline.counts.end() && it->first.model == model; ++it) {
      const diag::Rule* rule = diag::findRule(it->first.code);
      // A rule that is not selected now (or no longer exists) is not fixed: it is not looked for.
      if (!rule || (i < enabled.size() && !enabled[i].test(static_cast<size_t>(rule->id)))) continue;
      const auto now = found.find(it->first);
      const size_t count = now == found.end() ? 0 : now->second;
      if (count < it->second) outcome.fixed.push_back(FixedEntry{it->first, it->second, count});
    }
  }
  return outcome;
}

std::string renderBaselineText(const BaselineOutcome& outcome) {
  std::string out;
  if (outcome.suppressed > 0) {
    out += fmt::format("{}: {} known finding{} not shown\n", report::escapeForTerminal(outcome.file),
                       outcome.suppressed, outcome.suppressed == 1 ? "" : "s");
  }
  if (!outcome.fixed.empty()) {
    out += fmt::format("{}: {} recorded finding{} no longer occur{} (--write-baseline {} drops {}):\n",
                       report::escapeForTerminal(outcome.file), outcome.fixed.size(),
                       outcome.fixed.size() == 1 ? "" : "s", outcome.fixed.size() == 1 ? "s" : "",
                       report::escapeForTerminal(outcome.file), outcome.fixed.size() == 1 ? "it" : "them");
    for (const FixedEntry& f : outcome.fixed) {
      const std::string name = ruleName(f.key.code);
      const std::string where =
          f.key.node.empty() ? std::string("graph") : "node '" + report::escapeForTerminal(f.key.node) + "'";
      out += fmt::format("  {}: {}: {}{}{}: recorded {}, found {}\n", report::escapeForTerminal(f.key.model), where,
                         f.key.code, name.empty() ? "" : " ", name, f.recorded, f.found);
    }
  }
  return out;
}

std::string addBaselineToJson(const std::string& json, const BaselineOutcome& outcome) {
  nlohmann::ordered_json fixed = nlohmann::ordered_json::array();
  for (const FixedEntry& f : outcome.fixed) {
    fixed.push_back({{"model", f.key.model},
                     {"code", f.key.code},
                     {"rule", ruleName(f.key.code)},
                     {"node", f.key.node},
                     {"recorded", f.recorded},
                     {"found", f.found}});
  }
  const nlohmann::ordered_json member = {{"file", outcome.file}, {"suppressed", outcome.suppressed}, {"fixed", fixed}};
  // Insert before the closing brace of the top-level object, so the rest of
  // the document (and its layout) is byte for byte what the reporter wrote.
  const size_t close = json.find_last_of('}');
  if (close == std::string::npos) return json;
  size_t end = close;
  while (end > 0 && (json[end - 1] == '\n' || json[end - 1] == ' ')) --end;
  const bool empty = end > 0 && json[end - 1] == '{';
  std::string value = member.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  // Indent the member one level, as a top-level member.
  std::string indented;
  for (char c : value) {
    indented += c;
    if (c == '\n') indented += "  ";
  }
  return json.substr(0, end) + (empty ? "\n" : ",\n") + "  \"baseline\": " + indented + "\n" + json.substr(close);
}

}  // namespace shapelint
