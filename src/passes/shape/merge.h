// Merging dims of several inputs: numpy broadcasting (elementwise ops, Gemm's
// C), equality (Concat's non-axis dims, Gemm's inner dim), and the SL102
// findings they give when two dims provably cannot agree.
//
// Symbolic dims: equal symbols agree; a symbol against another symbol or a
// value is never an error, only provably different values are.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "shapelint/ir/dim.h"
#include "shapelint/passes/shape_fn.h"

namespace shapelint::passes::shape {

// The dim two broadcast dims give: if one is 1 the other, if both are equal
// that one; a known value other than 1 is the only size a valid broadcast
// with a symbol or unknown can give, so it is taken; else unknown.
// std::nullopt when the two are provably incompatible (values, neither 1, unequal).
std::optional<ir::Dim> broadcastDim(const ir::Dim& a, const ir::Dim& b);

// The dim two dims that must be equal give: a known value wins over a
// symbol or unknown, equal symbols stay; else unknown. std::nullopt when
// they are provably different.
std::optional<ir::Dim> equalDim(const ir::Dim& a, const ir::Dim& b);

// Multidirectional (numpy) broadcasting of the given inputs' shapes. Absent
// inputs are skipped. Reports SL102 for the first provably incompatible
// pair and returns std::nullopt; returns an unknown-rank shape when some
// input's rank is unknown.
std::optional<ir::Shape> broadcastInputs(InferContext& ctx, const std::vector<size_t>& inputs);

// "'x' [1, 64, 56, 56]": input i's name and shape, for messages.
std::string describeInput(const InferContext& ctx, size_t i);

// Adds a note naming the node that produces input i (or saying that no node
// does), so a user can find the upstream layer.
void noteProducer(diag::DiagBuilder& builder, const InferContext& ctx, size_t i);

// An axis attribute in [-rank, rank - 1] (or [-rank, rank] when
// `allowRank`), made non-negative; std::nullopt when out of range.
std::optional<size_t> normalizeAxis(int64_t axis, size_t rank, bool allowRank = false);

// The product of dims: a value when all are values (overflow: unknown), the
// one symbol when the rest are 1, 0 when any is 0; else unknown.
ir::Dim dimProduct(const std::vector<ir::Dim>& dims);

}  // namespace shapelint::passes::shape
