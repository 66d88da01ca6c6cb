// Graph-level checks that run after propagation. Op-local checks live in the
// shape functions, where the arithmetic is known.
#pragma once

#include <vector>

#include "shapelint/diag/diagnostic.h"
#include "shapelint/ir/graph.h"

namespace shapelint::passes::checks {

// SL101 declared-shape-mismatch: every declared shape (graph outputs,
// value_info) against the inferred one, in this graph and its subgraphs.
void checkDeclaredShapes(const ir::Graph& graph, std::vector<diag::Diagnostic>& out);

}  // namespace shapelint::passes::checks
