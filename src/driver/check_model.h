// The shared middle of `check` and `infer`. Private to src/driver.
#pragma once

#include <optional>
#include <string>

#include "shapelint/ir/graph.h"
#include "shapelint/passes/constraints.h"
#include "shapelint/passes/pass.h"
#include "shapelint/report/report.h"

namespace shapelint {

// Loads a model the way `check` and `sizes` do, skipping weight bytes: the
// model, or nullopt with `result.loadError` set.
std::optional<ir::Model> loadForCheck(const std::string& path, report::ModelReport& result);

// Runs the shape pass on a loaded model with the --input-shape overrides
// that name its graph inputs (the others become SL002 findings) and fills
// `result` with the findings and shapes (ModelReport::values only when
// `valueShapes`). `model` keeps the inferred shapes.
void checkLoadedModel(ir::Model& model, const passes::PassOptions& options, report::ModelReport& result,
                      bool valueShapes = true);

// For each SL102 incompatible merge with a floor (SL204) upstream: adds notes
// naming the strided layers and the ConvTranspose output_padding that
// restores the size (verified by re-running the pass on a copy), and the fix
// to the help (that output_padding, the nearest valid input sizes). Does
// nothing, at no cost, when no merge failed. Implemented in trace.cpp.
void traceMergeFailures(const ir::Model& model, const passes::PassOptions& options,
                        std::vector<diag::Diagnostic>& diagnostics);

// SL104 restricted-input-size / SL105 no-valid-input-size for the symbolic
// input dims of `model` (after the pass), from the size constraints recorded
// during the pass; the SL103s over a reported symbol become notes of its
// finding. Implemented in restricted_sizes.cpp.
void reportRestrictedSizes(const ir::Model& model, const passes::PassOptions& options,
                           const std::vector<passes::Constraint>& constraints,
                           std::vector<diag::Diagnostic>& diagnostics);

}  // namespace shapelint
