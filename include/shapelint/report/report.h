// What reporters format: the result of checking one model. Reporters only
// format; they never compute shapes.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "shapelint/diag/diagnostic.h"
#include "shapelint/ir/dim.h"

namespace shapelint::report {

struct ModelReport {
  std::string path;                  // as given on the command line
  std::optional<std::string> loadError;  // set when the model could not be loaded
  std::vector<std::pair<std::string, ir::Shape>> graphOutputs;  // in graph order
  std::vector<std::pair<std::string, ir::Shape>> values;        // every inferred value, sorted by name
  std::vector<diag::Diagnostic> diagnostics;                    // sorted
};

struct TextOptions {
  bool quiet = false;  // -q: findings only, no summary line
  bool color = false;
};

// Compiler-style text, e.g.
//   model.onnx: node 'Conv_0' (Conv): error[SL201 conv-channel-mismatch]: ...
std::string renderText(const std::vector<ModelReport>& reports, const TextOptions& options);

// The JSON contract (version 1); see README.md "JSON output".
std::string renderJson(const std::vector<ModelReport>& reports);

struct JsonOptions {
  bool statistics = false;  // --statistics: add the top-level "statistics" object
};
std::string renderJson(const std::vector<ModelReport>& reports, const JsonOptions& options);

struct SarifOptions {
  std::string toolVersion;  // tool.driver.version, e.g. "0.1.0"
  bool statistics = false;  // --statistics: run.properties.statistics, as in the JSON
};

// SARIF 2.1.0 for GitHub code scanning and other SARIF viewers: one run,
// tool.driver.rules from the rule table and the rule docs, one result per
// finding located at the model file (region line 1) and its node; models
// that could not be loaded become toolExecutionNotifications and make
// invocations[0].executionSuccessful false. See README.md "SARIF output".
std::string renderSarif(const std::vector<ModelReport>& reports, const SarifOptions& options);

// GitHub Actions workflow commands, one per finding and per model that could
// not be loaded:
//   ::error file=PATH,title=SL102 incompatible-merge::node 'x' (Concat): MESSAGE
// (note -> ::notice). Details, notes and help follow as %0A-separated lines.
std::string renderGithub(const std::vector<ModelReport>& reports);

// How many findings each rule has, most first, then by code; rules without
// findings are left out.
struct RuleCount {
  const diag::Rule* rule = nullptr;
  size_t count = 0;
};
std::vector<RuleCount> countByRule(const std::vector<ModelReport>& reports);

// --statistics in text: one line per rule with findings, "  3  SL102  incompatible-merge";
// empty when there are no findings.
std::string renderStatisticsText(const std::vector<ModelReport>& reports);

// Writes `content` to `path` atomically: a temporary file in the same folder,
// fsynced, then renamed over `path`. Returns an error text, or nullopt.
std::optional<std::string> writeFileAtomically(const std::string& path, const std::string& content);

// Makes model-supplied text safe for a terminal: control characters
// (including ESC and newlines) and invalid UTF-8 become \xNN / \n escapes.
std::string escapeForTerminal(const std::string& text);

}  // namespace shapelint::report
