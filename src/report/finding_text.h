// A finding as plain text without its path, for the SARIF and GitHub
// reporters (whose locations carry the path). Private to src/report.
#pragma once

#include <string>

#include "shapelint/diag/diagnostic.h"

namespace shapelint::report {

// "node 'x' (Op): MESSAGE", then one line each "  = DETAIL",
// "  note: node 'y': MESSAGE" and "  help: HELP", joined by '\n' (no trailing
// newline). Model-supplied text goes through escapeForTerminal.
std::string findingText(const diag::Diagnostic& d);

}  // namespace shapelint::report
