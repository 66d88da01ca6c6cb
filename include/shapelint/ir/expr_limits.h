// The size bound on symbolic expressions (src/ir/expr.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace shapelint::ir {

// An arithmetic operation (add, sub, mul, floorDiv, ceilDiv in expr.h) whose
// canonical result would have more than kMaxExprNodes nodes (nodeCount)
// returns the unknown Dim instead, so that no model can make expressions grow
// without bound: repeated squaring of a sum of symbols doubles its size each
// time. Real models stay far below; a 1000-layer chain of strided convs on a
// symbolic H stays under 20 nodes.
inline constexpr size_t kMaxExprNodes = 256;

// How many operations on this thread gave the unknown Dim because of
// kMaxExprNodes since the thread started. The shape pass compares it before
// and after a node to say why that node's dims are unknown.
uint64_t exprLimitHits();

}  // namespace shapelint::ir
