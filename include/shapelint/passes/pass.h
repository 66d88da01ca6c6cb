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

  // A node that repeats an earlier one exactly (op, opset, a shared
  // attribute list, input shapes, types and presence) takes the outputs
  // the earlier one set, without running its shape function again (see
  // ShapeMemo in propagate.cpp). Turned off only by the test that shows it
  // changes nothing.
  bool rememberRepeatedNodes = true;
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
