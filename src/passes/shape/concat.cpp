// Concat: every input has the same rank; the dims off the axis agree; the
// axis dim is the sum.
#include <fmt/format.h>

#include "passes/shape/data_values.h"
#include "passes/shape/merge.h"
#include "passes/shape/ops.h"
#include "shapelint/ir/expr.h"

namespace shapelint::passes::shape {
namespace {

constexpr const char* kConcatRule =
    "Concat: all inputs have the same rank and equal dims on every axis but the concatenation axis";

void reportMismatch(InferContext& ctx, size_t first, size_t other, const std::string& why, size_t axis) {
  auto builder = ctx.report(diag::RuleId::kIncompatibleMerge);
  builder
      .message(fmt::format("cannot concatenate {} with {} on axis {}: {}", ctx.inputShape(first).str(),
                           ctx.inputShape(other).str(), axis, why))
      .detail(kConcatRule)
      .help(fmt::format("make '{}' and '{}' agree off axis {}; check the layers that produce them",
                        ctx.node().inputs[first], ctx.node().inputs[other], axis));
  noteProducer(builder, ctx, first);
  noteProducer(builder, ctx, other);
}

}  // namespace

void inferConcat(InferContext& ctx) {
  if (ctx.numInputs() == 0) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message("Concat has no inputs, expected at least 1")
        .help("connect the tensors to concatenate");
    return;
  }
  // axis: optional (default 1) before opset 4, required since; negative since 11.
  std::optional<int64_t> axisAttr = ctx.attrInt("axis");
  if (!axisAttr && ctx.attr("axis")) return;  // wrong type, reported by the reader
  if (!axisAttr && ctx.opset() >= 4) {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("axis is missing, expected it at opset {} (required since opset 4)", ctx.opset()))
        .help("add the axis attribute");
    return;
  }
  const int64_t axisValue = axisAttr.value_or(1);

  // The first input of known rank fixes the rank.
  std::optional<size_t> first;
  for (size_t i = 0; i < ctx.numInputs(); ++i)
    if (ctx.hasInput(i) && ctx.inputShape(i).rankKnown()) {
      first = i;
      break;
    }
  const int32_t type = ctx.inputType(0);
  if (!first) {
    ctx.setOutput(0, ir::Shape::unknownRank(), type);
    return;
  }
  const size_t rank = ctx.inputShape(*first).rank();
  std::optional<size_t> axis = ctx.opset() >= 11 || axisValue >= 0 ? normalizeAxis(axisValue, rank) : std::nullopt;
  if (!axis) {
    const auto r = static_cast<int64_t>(rank);
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("axis is {}, expected {} to {} for inputs of rank {}", axisValue,
                             ctx.opset() >= 11 ? -r : 0, r - 1, rank))
        .help(fmt::format("pick an axis of the rank-{} inputs", rank));
    return;
  }

  ir::Shape out = ctx.inputShape(*first);
  bool allKnown = true;
  for (size_t i = 0; i < ctx.numInputs(); ++i) {
    if (i == *first) continue;
    const ir::Shape& s = ctx.inputShape(i);
    if (!ctx.hasInput(i) || !s.rankKnown()) {
      allKnown = false;
      continue;
    }
    if (s.rank() != rank) {
      reportMismatch(ctx, *first, i, fmt::format("ranks {} and {}", rank, s.rank()), *axis);
      return;
    }
    for (size_t a = 0; a < rank; ++a) {
      if (a == *axis) continue;
      if (!equalDim(out[a], s[a])) {
        reportMismatch(ctx, *first, i, fmt::format("axis {} has {} and {}", a, out[a].str(), s[a].str()), *axis);
        return;
      }
      // Not provably different: mergeEqual adds SL103 when the dims agree
      // only for some sizes of one symbol.
      std::optional<ir::Dim> d = mergeEqual(ctx, out[a], s[a], MergeSite{*first, i, a, kConcatRule});
      if (!d) return;
      out[a] = *d;
    }
  }

  // The axis dim: the sum of the inputs' (symbolic: N + M; unknown when
  // some input's is, or on overflow).
  std::optional<ir::Dim> total = ir::Dim::value(0);
  for (size_t i = 0; allKnown && total && i < ctx.numInputs(); ++i) total = ir::add(total, ctx.inputShape(i)[*axis]);
  out[*axis] = allKnown && total ? *total : ir::Dim::unknown();
  ctx.setOutput(0, out, type);

  // Data of 1-D tensors (shape vectors being assembled), concrete or symbolic.
  if (rank != 1) return;
  std::vector<Elem> elems;
  for (size_t i = 0; i < ctx.numInputs(); ++i) {
    std::optional<std::vector<Elem>> e = inputElems(ctx, i);
    if (!e) return;
    elems.insert(elems.end(), e->begin(), e->end());
  }
  const std::optional<bool> real = realType(type, ctx.inputSymbolicData(0));
  if (real) setOutputElems(ctx, 0, out, elems, *real);
}

}  // namespace shapelint::passes::shape
