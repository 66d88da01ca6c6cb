// The shared middle of `check` and `infer`. Private to src/driver.
#pragma once

#include "shapelint/ir/graph.h"
#include "shapelint/passes/pass.h"
#include "shapelint/report/report.h"

namespace shapelint {

// Runs the shape pass on a loaded model with the --input-shape overrides
// that name its graph inputs (the others become SL002 findings) and fills
// `result` with the findings and shapes. `model` keeps the inferred shapes.
void checkLoadedModel(ir::Model& model, const passes::PassOptions& options, report::ModelReport& result);

}  // namespace shapelint
