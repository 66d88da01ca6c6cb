// Helpers shared by the misc family's shape functions (misc_*.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "passes/shape/common.h"
#include "shapelint/passes/shape_fn.h"

namespace shapelint::passes::shape::misc {

// SL003 for each of the first `count` inputs that is absent ("expected at
// least N inputs"); false when any is.
inline bool requireInputs(InferContext& ctx, size_t count) { return shape::requireInputs(ctx, count, Arity::kAtLeast); }

// SL003 when input i's rank is known and not `rank`; false after a finding.
bool requireRank(InferContext& ctx, size_t i, size_t rank, const std::string& role);
// SL003 when input i's rank is known and below `minRank`; false after a finding.
bool requireMinRank(InferContext& ctx, size_t i, size_t minRank, const std::string& role);

// Dim `axis` of input i, or unknown when its rank is unknown or too small.
ir::Dim dimOf(const InferContext& ctx, size_t i, size_t axis);

// The integer values of input i when known at check time (integer type).
std::optional<std::vector<int64_t>> constInts(const InferContext& ctx, size_t i);
// The single integer value of input i (a scalar or one-element tensor), when known.
std::optional<int64_t> constScalar(const InferContext& ctx, size_t i);

// The equalDim merge of dims a and b that must be equal; SL102 naming
// `what` when they provably differ (returns std::nullopt).
std::optional<ir::Dim> mergeEqual(InferContext& ctx, const ir::Dim& a, const ir::Dim& b, const std::string& what);

// SL301 for an int attribute whose value is outside [lo, hi]; false after a finding.
bool checkAttrRange(InferContext& ctx, const std::string& name, int64_t value, int64_t lo, int64_t hi);

}  // namespace shapelint::passes::shape::misc
