// Elementwise ops: shape-preserving unary ops, broadcasting binary and
// variadic ops, comparisons (bool outputs) and Where.
#include <fmt/format.h>

#include "passes/shape/common.h"
#include "passes/shape/data_values.h"
#include "passes/shape/merge.h"
#include "passes/shape/ops.h"

namespace shapelint::passes::shape {
namespace {

// Multidirectional (numpy) broadcasting of the inputs; the output has
// element type `outType`, and data when every input's is known.
void broadcastOutput(InferContext& ctx, const std::vector<size_t>& inputs, int32_t outType) {
  std::optional<ir::Shape> out = broadcastInputs(ctx, inputs);
  if (!out) return;
  ctx.setOutput(0, *out, outType);
  propagateElementwiseData(ctx, inputs, *out, outType);
}

std::vector<size_t> allInputs(const InferContext& ctx) {
  std::vector<size_t> inputs;
  for (size_t i = 0; i < ctx.numInputs(); ++i) inputs.push_back(i);
  return inputs;
}

// SL102 for a pair of shapes that must be equal but are provably not.
void reportUnequal(InferContext& ctx, size_t a, size_t b, const std::string& why, const std::string& detail) {
  auto builder = ctx.report(diag::RuleId::kIncompatibleMerge);
  builder
      .message(fmt::format("{} and {} must have the same shape: {}", describeInput(ctx, a), describeInput(ctx, b), why))
      .detail(detail)
      .help(fmt::format("make the shapes equal; {} at opset {} does not broadcast", ctx.node().opType, ctx.opset()));
  noteProducer(builder, ctx, a);
  noteProducer(builder, ctx, b);
}

// The shape inputs that must all be equal give, or std::nullopt after a finding.
std::optional<ir::Shape> equalShapes(InferContext& ctx, const std::vector<size_t>& inputs, const std::string& detail) {
  std::optional<ir::Shape> merged;
  size_t first = 0;
  for (size_t i : inputs) {
    const ir::Shape& s = ctx.inputShape(i);
    if (!s.rankKnown()) continue;
    if (!merged) {
      merged = s;
      first = i;
      continue;
    }
    if (s.rank() != merged->rank()) {
      reportUnequal(ctx, first, i, fmt::format("ranks {} and {}", merged->rank(), s.rank()), detail);
      return std::nullopt;
    }
    for (size_t axis = 0; axis < s.rank(); ++axis) {
      if (!equalDim((*merged)[axis], s[axis])) {
        reportUnequal(ctx, first, i, fmt::format("axis {} has {} and {}", axis, (*merged)[axis].str(), s[axis].str()),
                      detail);
        return std::nullopt;
      }
      // Not provably different: mergeEqual adds SL103 when the dims agree
      // only for some sizes of one symbol.
      std::optional<ir::Dim> d = mergeEqual(ctx, (*merged)[axis], s[axis], MergeSite{first, i, axis, detail});
      if (!d) return std::nullopt;
      (*merged)[axis] = *d;
    }
  }
  // Inputs of unknown rank: the rank comes from those that know it.
  return merged ? *merged : ir::Shape::unknownRank();
}

// Opset 1-6 binary ops: the output is A's shape; B must equal A
// (broadcast = 0) or match a contiguous run of A's dims, from `axis` or as
// a suffix, with 1 allowed (broadcast = 1).
void legacyBroadcastOutput(InferContext& ctx, int32_t outType) {
  if (!requireInputs(ctx, 2)) return;
  const int64_t broadcast = ctx.attrInt("broadcast", 0);
  if (broadcast == 0) {
    std::optional<ir::Shape> out =
        equalShapes(ctx, {0, 1}, "opset < 7 without broadcast = 1: the inputs must have equal shapes");
    if (out) ctx.setOutput(0, *out, outType);
    return;
  }
  const ir::Shape& a = ctx.inputShape(0);
  const ir::Shape& b = ctx.inputShape(1);
  if (!a.rankKnown()) {
    ctx.setOutput(0, ir::Shape::unknownRank(), outType);
    return;
  }
  if (b.rankKnown()) {
    const std::optional<int64_t> axisAttr = ctx.attrInt("axis");
    const auto rankA = static_cast<int64_t>(a.rank());
    const auto rankB = static_cast<int64_t>(b.rank());
    int64_t start = axisAttr ? (*axisAttr < 0 ? *axisAttr + rankA : *axisAttr) : rankA - rankB;
    const std::string rule = axisAttr ? fmt::format("B's dims align with A's from axis {}", *axisAttr)
                                      : std::string("B's dims align with A's last dims");
    if (start < 0 || start + rankB > rankA) {
      auto builder = ctx.report(diag::RuleId::kIncompatibleMerge);
      builder
          .message(fmt::format("cannot broadcast {} to {}: {} dims from axis {} do not fit in rank {}",
                               describeInput(ctx, 1), describeInput(ctx, 0), rankB, start, rankA))
          .detail(fmt::format("opset < 7 broadcast = 1: {}", rule))
          .help("give B at most as many dims as A has from the broadcast axis on");
      noteProducer(builder, ctx, 0);
      noteProducer(builder, ctx, 1);
      return;
    }
    for (int64_t j = 0; j < rankB; ++j) {
      const ir::Dim& db = b[static_cast<size_t>(j)];
      const ir::Dim& da = a[static_cast<size_t>(start + j)];
      if (db.isValue() && db.value() == 1) continue;
      if (!ir::provablyNotEqual(da, db)) continue;
      auto builder = ctx.report(diag::RuleId::kIncompatibleMerge);
      builder
          .message(fmt::format("cannot broadcast {} to {}: axis {} has {} and {}", describeInput(ctx, 1),
                               describeInput(ctx, 0), start + j, da.str(), db.str()))
          .detail(fmt::format("opset < 7 broadcast = 1: {}, each equal or 1", rule))
          .help(fmt::format("make B's dim {} equal to A's axis {} ({}) or 1", j, start + j, da.str()));
      noteProducer(builder, ctx, 0);
      noteProducer(builder, ctx, 1);
      return;
    }
  }
  ctx.setOutput(0, a, outType);
}

}  // namespace

void inferUnary(InferContext& ctx) {
  if (!requireInputs(ctx, 1)) return;
  ctx.setOutput(0, ctx.inputShape(0), ctx.inputType(0));
  // Data through the ops shape computations use (Floor of a scaled size ...).
  const std::string& op = ctx.node().opType;
  if (op == "Neg" || op == "Abs" || op == "Floor" || op == "Ceil" || op == "Not")
    propagateElementwiseData(ctx, {0}, ctx.inputShape(0), ctx.inputType(0));
}

void inferBroadcast(InferContext& ctx) {
  if (requireInputs(ctx, 2)) broadcastOutput(ctx, {0, 1}, ctx.inputType(0));
}

void inferLegacyBroadcast(InferContext& ctx) { legacyBroadcastOutput(ctx, ctx.inputType(0)); }

void inferCompare(InferContext& ctx) {
  if (requireInputs(ctx, 2)) broadcastOutput(ctx, {0, 1}, ir::kBool);
}

void inferLegacyCompare(InferContext& ctx) { legacyBroadcastOutput(ctx, ir::kBool); }

void inferVariadic(InferContext& ctx) {
  if (!requireInputs(ctx, 1)) return;
  broadcastOutput(ctx, allInputs(ctx), ctx.inputType(0));
}

void inferVariadicSameShape(InferContext& ctx) {
  if (!requireInputs(ctx, 1)) return;
  std::optional<ir::Shape> out = equalShapes(ctx, allInputs(ctx), "opset < 8: all inputs must have the same shape");
  if (out) ctx.setOutput(0, *out, ctx.inputType(0));
}

void inferWhere(InferContext& ctx) {
  if (requireInputs(ctx, 3)) broadcastOutput(ctx, {0, 1, 2}, ctx.inputType(1));
}

}  // namespace shapelint::passes::shape
