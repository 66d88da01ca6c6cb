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

// Makes model-supplied text safe for a terminal: control characters
// (including ESC and newlines) and invalid UTF-8 become \xNN / \n escapes.
std::string escapeForTerminal(const std::string& text);

}  // namespace shapelint::report
