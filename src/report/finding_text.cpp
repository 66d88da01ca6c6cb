#include "finding_text.h"

#include <string>

#include "shapelint/report/report.h"

namespace shapelint::report {

std::string findingText(const diag::Diagnostic& d) {
  std::string out;
  if (!d.node.empty()) {
    out += "node '" + escapeForTerminal(d.node) + "'";
    if (!d.opType.empty()) out += " (" + escapeForTerminal(d.opType) + ")";
    out += ": ";
  }
  out += escapeForTerminal(d.message);
  for (const std::string& detail : d.details) out += "\n  = " + escapeForTerminal(detail);
  for (const diag::Note& note : d.notes) {
    out += "\n  note: ";
    if (!note.node.empty()) out += "node '" + escapeForTerminal(note.node) + "': ";
    out += escapeForTerminal(note.message);
  }
  if (!d.help.empty()) out += "\n  help: " + escapeForTerminal(d.help);
  return out;
}

}  // namespace shapelint::report
