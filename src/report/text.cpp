// The text reporter: one compiler-style block per finding, then a summary.
//
//   model.onnx: node 'conv1' (Conv): error[SL201 conv-channel-mismatch]: input has 4 channels ...
//     = weight [8, 3, 3, 3] expects 3 * group (1) = 3 input channels
//     note: node 'stem': 'x' comes from here
//     help: ...
//   1 error, 0 warnings, 0 notes in 1 model
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "shapelint/diag/rules.h"
#include "shapelint/report/report.h"

namespace shapelint::report {
namespace {

// ANSI SGR sequences; used only when TextOptions::color is set.
constexpr std::string_view kBold = "\x1b[1m";
constexpr std::string_view kBoldRed = "\x1b[1;31m";
constexpr std::string_view kBoldMagenta = "\x1b[1;35m";
constexpr std::string_view kBoldCyan = "\x1b[1;36m";
constexpr std::string_view kBoldGreen = "\x1b[1;32m";
constexpr std::string_view kReset = "\x1b[0m";

class Painter {
 public:
  explicit Painter(bool enabled) : enabled_(enabled) {}

  std::string paint(std::string_view style, std::string_view text) const {
    if (!enabled_) return std::string(text);
    std::string out(style);
    out += text;
    out += kReset;
    return out;
  }

 private:
  bool enabled_;
};

std::string_view severityStyle(diag::Severity severity) {
  switch (severity) {
    case diag::Severity::kError: return kBoldRed;
    case diag::Severity::kWarning: return kBoldMagenta;
    case diag::Severity::kNote: return kBoldCyan;
  }
  return kBold;
}

// "1 error", "2 errors".
std::string countOf(size_t n, std::string_view noun) {
  std::string out = std::to_string(n);
  out += ' ';
  out += noun;
  if (n != 1) out += 's';
  return out;
}

// "model.onnx: node 'conv1' (Conv): " or "model.onnx: " for graph-level findings.
std::string locationPrefix(const std::string& path, const diag::Diagnostic& d) {
  std::string out = escapeForTerminal(path) + ": ";
  if (d.node.empty()) return out;
  out += "node '" + escapeForTerminal(d.node) + "'";
  if (!d.opType.empty()) out += " (" + escapeForTerminal(d.opType) + ")";
  out += ": ";
  return out;
}

void renderDiagnostic(std::string& out, const std::string& path, const diag::Diagnostic& d,
                      const Painter& painter) {
  const diag::Rule& rule = d.ruleInfo();
  std::string label(diag::severityName(d.severity));
  label += '[';
  label += rule.code;
  label += ' ';
  label += rule.name;
  label += ']';

  out += painter.paint(kBold, locationPrefix(path, d));
  out += painter.paint(severityStyle(d.severity), label);
  out += ": ";
  out += painter.paint(kBold, escapeForTerminal(d.message));
  out += '\n';
  for (const std::string& detail : d.details) out += "  = " + escapeForTerminal(detail) + '\n';
  for (const diag::Note& note : d.notes) {
    out += "  " + painter.paint(kBoldCyan, "note") + ": ";
    if (!note.node.empty()) out += "node '" + escapeForTerminal(note.node) + "': ";
    out += escapeForTerminal(note.message) + '\n';
  }
  if (!d.help.empty()) out += "  " + painter.paint(kBoldGreen, "help") + ": " + escapeForTerminal(d.help) + '\n';
}

// The loader's message already names the file ("model.onnx: ..."); print the
// path once.
void renderLoadError(std::string& out, const std::string& path, const std::string& message,
                     const Painter& painter) {
  std::string_view rest = message;
  const std::string prefix = path + ": ";
  if (rest.substr(0, prefix.size()) == prefix) rest.remove_prefix(prefix.size());
  out += painter.paint(kBold, escapeForTerminal(path) + ": ");
  out += painter.paint(kBoldRed, "error");
  out += ": ";
  out += painter.paint(kBold, escapeForTerminal(std::string(rest)));
  out += '\n';
}

// "2 errors, 1 warning, 0 notes in 3 models; 1 model could not be loaded",
// "no findings in 1 model".
std::string summaryLine(const std::vector<ModelReport>& reports) {
  size_t counts[3] = {0, 0, 0};  // indexed by Severity
  size_t unloaded = 0;
  for (const ModelReport& r : reports) {
    if (r.loadError) ++unloaded;
    for (const diag::Diagnostic& d : r.diagnostics) ++counts[static_cast<size_t>(d.severity)];
  }
  const size_t errors = counts[static_cast<size_t>(diag::Severity::kError)];
  const size_t warnings = counts[static_cast<size_t>(diag::Severity::kWarning)];
  const size_t notes = counts[static_cast<size_t>(diag::Severity::kNote)];

  std::string out;
  if (errors + warnings + notes == 0) {
    out = "no findings";
  } else {
    out = countOf(errors, "error") + ", " + countOf(warnings, "warning") + ", " + countOf(notes, "note");
  }
  out += " in " + countOf(reports.size(), "model");
  if (unloaded > 0) out += "; " + countOf(unloaded, "model") + " could not be loaded";
  return out;
}

}  // namespace

std::string renderText(const std::vector<ModelReport>& reports, const TextOptions& options) {
  const Painter painter(options.color);
  std::string out;
  for (const ModelReport& r : reports) {
    if (r.loadError) {
      renderLoadError(out, r.path, *r.loadError, painter);
      continue;
    }
    for (const diag::Diagnostic& d : r.diagnostics) renderDiagnostic(out, r.path, d, painter);
  }
  if (!options.quiet) out += summaryLine(reports) + '\n';
  return out;
}

}  // namespace shapelint::report
