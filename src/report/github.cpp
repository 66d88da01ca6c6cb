// The GitHub Actions reporter: workflow commands that the runner turns into
// annotations, one per finding and one per model that could not be loaded.
//
//   ::error file=models/unet.onnx,title=SL102 incompatible-merge::node 'concat1' (Concat): cannot concatenate ...
//
// Severity note becomes ::notice. The details, notes and help follow the
// message as further lines of the annotation (%0A). Model-supplied text goes
// through escapeForTerminal first (no control characters or escape
// sequences reach the log), then through GitHub's own escaping: '%', CR and
// LF in the message; also ':' and ',' in properties.
#include <string>
#include <string_view>
#include <vector>

#include "finding_text.h"
#include "shapelint/diag/rules.h"
#include "shapelint/report/report.h"

namespace shapelint::report {
namespace {

constexpr std::string_view kLoadErrorTitle = "could not load the model";

std::string_view command(diag::Severity severity) {
  switch (severity) {
    case diag::Severity::kError:
      return "error";
    case diag::Severity::kWarning:
      return "warning";
    case diag::Severity::kNote:
      return "notice";
  }
  return "notice";
}

// The message of a workflow command (after "::").
std::string escapeData(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A property value (file=, title=): as escapeData, and ':' and ',' too.
std::string escapeProperty(std::string_view text) {
  std::string out;
  for (char c : escapeData(text)) {
    switch (c) {
      case ':':
        out += "%3A";
        break;
      case ',':
        out += "%2C";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string workflowCommand(std::string_view name, const std::string& path, std::string_view title,
                            const std::string& message) {
  std::string out = "::";
  out += name;
  out += " file=" + escapeProperty(escapeForTerminal(path));
  out += ",title=" + escapeProperty(title);
  out += "::" + escapeData(message) + "\n";
  return out;
}

}  // namespace

std::string renderGithub(const std::vector<ModelReport>& reports) {
  std::string out;
  for (const ModelReport& r : reports) {
    if (r.loadError) {
      // The loader's message starts with the path, which file= already gives.
      std::string_view reason = *r.loadError;
      const std::string prefix = r.path + ": ";
      if (reason.substr(0, prefix.size()) == prefix) reason.remove_prefix(prefix.size());
      out += workflowCommand("error", r.path, kLoadErrorTitle, escapeForTerminal(std::string(reason)));
      continue;
    }
    for (const diag::Diagnostic& d : r.diagnostics) {
      const diag::Rule& rule = d.ruleInfo();
      const std::string title = std::string(rule.code) + " " + std::string(rule.name);
      out += workflowCommand(command(d.severity), r.path, title, findingText(d));
    }
  }
  return out;
}

}  // namespace shapelint::report
