// Shape functions of every op family; one row per op in op_table.cpp.
#pragma once

#include "shapelint/passes/shape_fn.h"

namespace shapelint::passes::shape {

// Control flow (control_flow.cpp)
void inferIf(InferContext& ctx);

}  // namespace shapelint::passes::shape
