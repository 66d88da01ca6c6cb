// Merging dims of several inputs: numpy broadcasting (elementwise ops, Gemm's
// C), equality (Concat's non-axis dims, Gemm's inner dim), and the findings
// they give: SL102 when two dims provably cannot agree, SL103 when they agree
// only for some sizes of a symbol.
//
// Symbolic dims are compared with ir::provablyEqual / ir::provablyNotEqual
// over sizes >= 1 (ir::Assume{1}: every size of a real input is at least 1),
// so `(H + 3) // 4` built in two ways agrees, and `H + 1` vs `H` differs. Two
// dims that are neither, and that mention one common symbol and no other
// (`H` vs `2*((H + 1) // 2)`), agree exactly for the sizes ir::solveEqual
// gives: SL103 names them. Dims over unrelated symbols (`H` vs `W`, `N` vs
// `M`), a symbol against a value, and unknown dims are never a finding.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "shapelint/ir/dim.h"
#include "shapelint/ir/expr.h"
#include "shapelint/passes/shape_fn.h"

namespace shapelint::passes::shape {

// The dim two broadcast dims give: if one is 1 the other, if both are
// provably equal that one; a known value other than 1 is the only size a
// valid broadcast with a symbol or unknown can give, so it is taken; for two
// dims over one symbol that agree only for some sizes, the one that is the
// result at every such size, if any; else unknown. std::nullopt when the two
// are provably incompatible: for every size they differ and neither is 1.
std::optional<ir::Dim> broadcastDim(const ir::Dim& a, const ir::Dim& b);

// The dim two dims that must be equal give: a known value wins over a
// symbol or unknown, provably equal dims stay; two dims over one symbol that
// are equal only for some sizes give `a` (their size whenever the node can
// run); else unknown. std::nullopt when they are provably different.
std::optional<ir::Dim> equalDim(const ir::Dim& a, const ir::Dim& b);

// Where two dims over one symbol agree, for SL103. Sizes of `symbol` in
// [1, INT64_MAX].
struct PartialAgreement {
  std::string symbol;
  ir::ResidueSet equal;  // a == b
  ir::ResidueSet agree;  // the merge works: a == b, or (broadcasting) a == 1 or b == 1
};

// For two dims that both mention `symbol` and no other symbol: the sizes at
// which they agree (broadcasting: also where one of them is 1).
// std::nullopt for anything else (values, unknown, unrelated or several
// symbols, a period above 2^16, or no exact solution), which is never a
// finding.
std::optional<PartialAgreement> partialAgreement(const ir::Dim& a, const ir::Dim& b, bool broadcasting);

// Where two merged dims come from, for the messages of mergeEqual.
struct MergeSite {
  size_t inputA = 0;  // the inputs the dims belong to (named, with their producers)
  size_t inputB = 0;
  size_t axis = 0;   // the axis the message names
  std::string rule;  // the merge rule, a detail line ("Concat: equal dims off the concatenation axis")
};

// equalDim with its findings at the node: SL102 (and std::nullopt) when the
// dims are provably different; SL103 when they mention one common symbol and
// are equal only for some of its sizes ("equal only when H % 2 == 0", the
// smallest sizes that fail), naming both inputs and their producers.
std::optional<ir::Dim> mergeEqual(InferContext& ctx, const ir::Dim& a, const ir::Dim& b, const MergeSite& site);

// Multidirectional (numpy) broadcasting of the given inputs' shapes. Absent
// inputs are skipped. Reports SL102 for the first provably incompatible
// pair and returns std::nullopt; reports SL103 for each pair and axis that
// broadcasts only for some sizes of a symbol; returns an unknown-rank shape
// when some input's rank is unknown.
std::optional<ir::Shape> broadcastInputs(InferContext& ctx, const std::vector<size_t>& inputs);

// "'x' [1, 64, 56, 56]": input i's name and shape, for messages.
std::string describeInput(const InferContext& ctx, size_t i);

// Adds a note naming the node that produces input i (or saying that no node
// does), so a user can find the upstream layer.
void noteProducer(diag::DiagBuilder& builder, const InferContext& ctx, size_t i);

// An axis attribute in [-rank, rank - 1] (or [-rank, rank] when
// `allowRank`), made non-negative; std::nullopt when out of range.
std::optional<size_t> normalizeAxis(int64_t axis, size_t rank, bool allowRank = false);

// The product of dims: 0 when any is 0; unknown when any is unknown or the
// product overflows; else the product with the algebra of
// shapelint/ir/expr.h: a value, a symbol, or an expression (`64*H*W`).
ir::Dim dimProduct(const std::vector<ir::Dim>& dims);

}  // namespace shapelint::passes::shape
