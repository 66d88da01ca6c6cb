// Checks shared by the shape functions of every family.
#pragma once

#include <cstddef>

#include "shapelint/passes/shape_fn.h"

namespace shapelint::passes::shape {

// How requireInputs states the expected count: "expected 2 inputs" for ops
// that take exactly that many, "expected at least 3 inputs" for ops with
// optional inputs after them.
enum class Arity { kExactly, kAtLeast };

// SL003 for each of the first `count` inputs that is absent ("Gather has no
// input 1, expected 2 inputs"); false when any is.
bool requireInputs(InferContext& ctx, size_t count, Arity arity = Arity::kExactly);

}  // namespace shapelint::passes::shape
