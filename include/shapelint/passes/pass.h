// The shape-propagation pass over a whole model, and the checks it runs.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "shapelint/diag/diagnostic.h"
#include "shapelint/ir/graph.h"
#include "shapelint/passes/target.h"

namespace shapelint::passes {

struct PassOptions {
  // Which runtimes' portability findings to report.
  Target target = Target::kAll;

  // Graph-input shapes given by the user (--input-shape), overriding what
  // the model declares. Declared shapes downstream of an overridden input
  // were computed for another input size: they are not used to fill unknown
  // dims and are not reported as contradictions.
  std::map<std::string, ir::Shape> inputShapes;
};

struct PassResult {
  std::vector<diag::Diagnostic> diagnostics;  // sorted
};

// Infers Value::inferred for every value of the model's graph (and of its
// subgraphs), and runs the checks.
PassResult runShapePass(ir::Model& model, const PassOptions& options);

// The shape the pass uses downstream of a value: the inferred shape, with
// unknown dims filled from the declared shape where the two agree in rank.
ir::Shape effectiveShape(const ir::Value& value, bool useDeclared);

}  // namespace shapelint::passes
