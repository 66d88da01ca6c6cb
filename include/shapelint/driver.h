// Load -> propagate -> report for one model file. The command line is a
// thin layer over this; the core knows nothing of flags.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "shapelint/passes/pass.h"
#include "shapelint/report/report.h"

namespace shapelint {

report::ModelReport checkModelFile(const std::string& path, const passes::PassOptions& options);

// What `shapelint infer` did with one model.
struct InferOutcome {
  // The findings, as `check` reports them (loadError: nothing was written).
  report::ModelReport report;
  // Why the output was not written (one line naming the file), when it was not.
  std::optional<std::string> writeError;
  size_t valueInfosAdded = 0;  // new value_info entries
  size_t typesFilled = 0;      // declared types given more dims, and inputs given an --input-shape
  size_t declarationsKept = 0; // declared types kept although the pass contradicts them

  bool written() const { return !report.loadError && !writeError; }
};

// Load -> propagate -> write the model with the inferred shapes to
// `outputPath` (see shapelint/onnx/writer.h for what is written). Declared
// types the pass contradicts are kept and reported as SL101 findings.
InferOutcome inferModelFile(const std::string& path, const std::string& outputPath,
                            const passes::PassOptions& options);

}  // namespace shapelint
