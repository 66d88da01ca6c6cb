// Reductions and per-axis selections: Reduce*, ArgMax/ArgMin, TopK,
// Hardmax, CumSum.
#include <fmt/format.h>

#include "passes/shape/merge.h"
#include "passes/shape/op_attributes.h"
#include "passes/shape/ops_tensor.h"
#include "passes/shape/tensor_common.h"

namespace shapelint::passes::shape {
namespace {

using tensor::requireInput;

// The opset from which a Reduce op takes its axes as input 1 (and has
// noop_with_empty_axes): 13 for ReduceSum, 18 for the others.
int64_t axesInputSince(const std::string& opType) { return opType == "ReduceSum" ? 13 : 18; }

// The reduced shape: reduced axes become 1 (keepdims) or are dropped.
ir::Shape reduced(const ir::Shape& x, const std::vector<bool>& reduce, bool keepdims) {
  std::vector<ir::Dim> dims;
  for (size_t a = 0; a < x.rank(); ++a) {
    if (!reduce[a])
      dims.push_back(x[a]);
    else if (keepdims)
      dims.push_back(ir::Dim::value(1));
  }
  return ir::Shape(std::move(dims));
}

// keepdims (and the like): 0 or 1, SL301 otherwise.
std::optional<bool> flag(InferContext& ctx, const char* name, bool fallback) {
  std::optional<int64_t> v = ctx.attrInt(name);
  if (!v) {
    if (ctx.attr(name)) return std::nullopt;
    return fallback;
  }
  if (*v != 0 && *v != 1) {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("{} is {}, expected 0 or 1", name, *v))
        .help(fmt::format("set {} to 0 or 1", name));
    return std::nullopt;
  }
  return *v == 1;
}

}  // namespace

// ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceProd, ReduceL1,
// ReduceL2, ReduceLogSum, ReduceLogSumExp, ReduceSumSquare: the axes
// attribute until ReduceSum-13 / the others' 18, then the optional axes
// input with noop_with_empty_axes (no axes: identity instead of all axes).
void inferReduce(InferContext& ctx) {
  const int64_t since = axesInputSince(ctx.node().opType);
  const bool axesInput = ctx.opset() >= since;
  const bool defined = axesInput ? checkAttributesDefined(ctx, {{"keepdims"}, {"noop_with_empty_axes"}})
                                 : checkAttributesDefined(ctx, {{"axes"}, {"keepdims"}});
  if (!defined || !requireInput(ctx, 0, "data") ||
      !tensor::checkInputCount(
          ctx, axesInput ? 2 : 1,
          fmt::format("{}: axes is an attribute before opset {}, an input from {}", ctx.node().opType, since, since)))
    return;
  std::optional<bool> keepdims = flag(ctx, "keepdims", true);
  std::optional<bool> noop = flag(ctx, "noop_with_empty_axes", false);
  if (!keepdims || !noop) return;
  std::optional<std::vector<int64_t>> axes;
  bool known = true;
  if (axesInput) {
    axes = tensor::constInts(ctx, 1, known);
  } else {
    axes = ctx.attrInts("axes");
    if (!axes && ctx.attr("axes")) return;
  }
  const ir::Shape& x = ctx.inputShape(0);
  const int32_t type = ctx.inputType(0);
  if (!x.rankKnown()) return;
  if (!known) {
    // Axes known at run time: keepdims keeps the rank; else the rank drops
    // by the number of axes when that is known and not 0.
    if (*keepdims) {
      ctx.setOutput(0, ir::Shape::unknownDims(x.rank()), type);
      return;
    }
    const ir::Shape& axesShape = ctx.inputShape(1);
    if (axesShape.rankKnown() && axesShape.rank() == 1 && axesShape[0].isValue() && axesShape[0].value() > 0 &&
        static_cast<size_t>(axesShape[0].value()) <= x.rank())
      ctx.setOutput(0, ir::Shape::unknownDims(x.rank() - static_cast<size_t>(axesShape[0].value())), type);
    return;
  }
  std::vector<bool> reduce(x.rank(), false);
  if (!axes || axes->empty()) {
    if (*noop) {
      ctx.setOutput(0, x, type);
      return;
    }
    reduce.assign(x.rank(), true);
  } else {
    std::optional<std::vector<size_t>> normalized = tensor::axesOrReport(ctx, *axes, x.rank(), "axes", true);
    if (!normalized) return;
    for (size_t a : *normalized) reduce[a] = true;
  }
  ctx.setOutput(0, reduced(x, reduce, *keepdims), type);
}

// ArgMax, ArgMin: one axis (default 0) reduced, keepdims; int64 indices.
// select_last_index since opset 12 changes only the values.
void inferArgMinMax(InferContext& ctx) {
  if (!checkAttributesDefined(ctx, {{"axis"}, {"keepdims"}, {"select_last_index", 12}}) ||
      !requireInput(ctx, 0, "data"))
    return;
  std::optional<bool> keepdims = flag(ctx, "keepdims", true);
  std::optional<bool> last = flag(ctx, "select_last_index", false);
  std::optional<int64_t> axisAttr = ctx.attrInt("axis");
  if (!keepdims || !last || (!axisAttr && ctx.attr("axis"))) return;
  const ir::Shape& x = ctx.inputShape(0);
  if (!x.rankKnown()) return;
  std::optional<size_t> axis = tensor::axisOrReport(ctx, axisAttr.value_or(0), x.rank(), "axis", true);
  if (!axis) return;
  std::vector<bool> reduce(x.rank(), false);
  reduce[*axis] = true;
  ctx.setOutput(0, reduced(x, reduce, *keepdims), ir::kInt64);
}

// TopK: the axis (default -1) becomes k: the k attribute before opset 10,
// the K input (a 1-element tensor) since; Values and int64 Indices.
void inferTopK(InferContext& ctx) {
  const int64_t opset = ctx.opset();
  const bool defined = opset < 10 ? checkAttributesDefined(ctx, {{"axis"}, {"k"}})
                                  : checkAttributesDefined(ctx, {{"axis"}, {"largest", 11}, {"sorted", 11}});
  if (!defined || !requireInput(ctx, 0, "X") ||
      !tensor::checkInputCount(ctx, opset < 10 ? 1 : 2, "TopK: k is an attribute before opset 10, an input from 10"))
    return;
  std::optional<int64_t> axisAttr = ctx.attrInt("axis");
  if (!axisAttr && ctx.attr("axis")) return;
  std::optional<int64_t> k;
  bool kFromInput = opset >= 10;
  if (!kFromInput) {
    k = ctx.attrInt("k");
    if (!k) {
      if (!ctx.attr("k"))
        ctx.report(diag::RuleId::kInvalidAttribute)
            .message(fmt::format("TopK has no k attribute, expected one at opset {}", opset))
            .help("give k, the number of elements to keep");
      return;
    }
  } else {
    if (!requireInput(ctx, 1, "K")) return;
    const ir::Shape& kShape = ctx.inputShape(1);
    if (kShape.rankKnown() && (kShape.rank() != 1 || provablyNotEqual(kShape[0], ir::Dim::value(1)))) {
      ctx.report(diag::RuleId::kMalformedNode)
          .message(fmt::format("K {} has shape {}, expected [1] (a 1-D tensor of one value)", describeInput(ctx, 1),
                               kShape.str()))
          .help("give K as a 1-element int64 tensor");
      return;
    }
    bool known = true;
    std::optional<std::vector<int64_t>> values = tensor::constInts(ctx, 1, known);
    if (known && values && values->size() == 1) k = (*values)[0];
  }
  const ir::Shape& x = ctx.inputShape(0);
  if (!x.rankKnown()) return;
  std::optional<size_t> axis = tensor::axisOrReport(ctx, axisAttr.value_or(-1), x.rank(), "axis", true);
  if (!axis) return;
  ir::Shape out = x;
  out[*axis] = ir::Dim::unknown();
  if (k) {
    const diag::RuleId rule = kFromInput ? diag::RuleId::kMalformedNode : diag::RuleId::kInvalidAttribute;
    if (*k < 0) {
      ctx.report(rule).message(fmt::format("k is {}, expected >= 0", *k)).help("give a non-negative k");
      return;
    }
    if (x[*axis].isValue() && *k > x[*axis].value()) {
      ctx.report(rule)
          .message(fmt::format("k is {}, more than the {} elements of axis {} of {}", *k, x[*axis].value(), *axis,
                               describeInput(ctx, 0)))
          .help(fmt::format("take at most {} elements", x[*axis].value()));
      return;
    }
    out[*axis] = ir::Dim::value(*k);
  }
  ctx.setOutput(0, out, ctx.inputType(0));
  if (ctx.hasOutput(1)) ctx.setOutput(1, out, ir::kInt64);
}

// Hardmax: X's shape; axis default 1 before opset 13 (the 2-D coercion
// point, which may equal the rank), -1 since.
void inferHardmax(InferContext& ctx) {
  if (!checkAttributesDefined(ctx, {{"axis"}}) || !requireInput(ctx, 0, "input")) return;
  std::optional<int64_t> axisAttr = ctx.attrInt("axis");
  if (!axisAttr && ctx.attr("axis")) return;
  const ir::Shape& x = ctx.inputShape(0);
  if (x.rankKnown()) {
    const bool coerced = ctx.opset() < 13;
    const int64_t axis = axisAttr.value_or(coerced ? 1 : -1);
    const auto r = static_cast<int64_t>(x.rank());
    const bool inRange = coerced ? (axis >= -r && axis <= r) : (axis >= -r && axis < r);
    if (!inRange && !(coerced && !axisAttr)) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("axis is {}, expected {} to {} for an input of rank {}", axis, -r, coerced ? r : r - 1,
                               x.rank()))
          .help("pick an axis of the input");
      return;
    }
  }
  ctx.setOutput(0, x, ctx.inputType(0));
}

// CumSum: X's shape; the axis input (a scalar) must name an axis of X.
void inferCumSum(InferContext& ctx) {
  if (!checkAttributesDefined(ctx, {{"exclusive"}, {"reverse"}}) || !requireInput(ctx, 0, "x") ||
      !requireInput(ctx, 1, "axis"))
    return;
  const ir::Shape& x = ctx.inputShape(0);
  bool known = true;
  std::optional<std::vector<int64_t>> axis = tensor::constInts(ctx, 1, known);
  if (x.rankKnown() && known && axis && axis->size() == 1 &&
      !tensor::axisOrReport(ctx, (*axis)[0], x.rank(), "axis", true))
    return;
  ctx.setOutput(0, x, ctx.inputType(0));
}

}  // namespace shapelint::passes::shape
