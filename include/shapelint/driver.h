// Load -> propagate -> report for one model file. The command line is a
// thin layer over this; the core knows nothing of flags.
#pragma once

#include <string>

#include "shapelint/passes/pass.h"
#include "shapelint/report/report.h"

namespace shapelint {

report::ModelReport checkModelFile(const std::string& path, const passes::PassOptions& options);

}  // namespace shapelint
