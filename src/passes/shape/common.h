// Checks shared by the shape functions of every family.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "shapelint/passes/shape_fn.h"

namespace shapelint::passes::shape {

// How requireInputs states the expected count: "expected 2 inputs" for ops
// that take exactly that many, "expected at least 3 inputs" for ops with
// optional inputs after them.
enum class Arity { kExactly, kAtLeast };

// SL003 for each of the first `count` inputs that is absent ("Gather has no
// input 1, expected 2 inputs"); false when any is.
bool requireInputs(InferContext& ctx, size_t count, Arity arity = Arity::kExactly);

// An `axis` value for input `input` (rank known) made non-negative; SL301
// ("axis = 5 is out of range for input 'x' [2, 3]", help with the valid
// range) and std::nullopt when it is out of range.
std::optional<size_t> axisOfInput(InferContext& ctx, int64_t axis, size_t input);

}  // namespace shapelint::passes::shape
