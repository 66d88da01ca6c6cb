// Layout ops: Transpose, Split, Pad, DepthToSpace, SpaceToDepth.
#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "passes/shape/merge.h"
#include "passes/shape/op_attributes.h"
#include "passes/shape/ops_tensor.h"
#include "passes/shape/tensor_common.h"
#include "shapelint/ir/checked.h"

namespace shapelint::passes::shape {
namespace {

using tensor::addConstant;
using tensor::requireInput;

// Split: the sizes of the pieces along `axis` given explicitly.
void setSplitOutputs(InferContext& ctx, const ir::Shape& x, size_t axis, const std::vector<ir::Dim>& sizes) {
  for (size_t o = 0; o < sizes.size() && o < ctx.numOutputs(); ++o) {
    ir::Shape out = x;
    out[axis] = sizes[o];
    ctx.setOutput(o, std::move(out), ctx.inputType(0));
  }
}

// Explicit split sizes: one per output, non-negative, summing to the dim.
void splitExplicit(InferContext& ctx, const ir::Shape& x, size_t axis, const std::vector<int64_t>& split,
                   bool fromInput) {
  const diag::RuleId rule = fromInput ? diag::RuleId::kMalformedNode : diag::RuleId::kInvalidAttribute;
  const char* what = fromInput ? "split input" : "split attribute";
  if (split.size() != ctx.numOutputs()) {
    ctx.report(rule)
        .message(fmt::format("{} [{}] has {} sizes, expected {} (one per output)", what, fmt::join(split, ", "),
                             split.size(), ctx.numOutputs()))
        .help("give one size per output");
    return;
  }
  int64_t sum = 0;
  for (int64_t s : split) {
    if (s < 0) {
      ctx.report(rule)
          .message(fmt::format("{} [{}] has {}, expected sizes >= 0", what, fmt::join(split, ", "), s))
          .help("give non-negative sizes");
      return;
    }
    std::optional<int64_t> next = ir::checkedAdd(sum, s);
    if (!next) return;
    sum = *next;
  }
  if (ir::provablyNotEqual(x[axis], ir::Dim::value(sum))) {
    ctx.report(rule)
        .message(fmt::format("{} [{}] sums to {}, expected {} (axis {} of {})", what, fmt::join(split, ", "), sum,
                             x[axis].str(), axis, describeInput(ctx, 0)))
        .help(fmt::format("make the sizes sum to {}", x[axis].str()));
    return;
  }
  std::vector<ir::Dim> sizes;
  for (int64_t s : split) sizes.push_back(ir::Dim::value(s));
  setSplitOutputs(ctx, x, axis, sizes);
}

// Pad's mode attribute: constant, reflect, edge; wrap since opset 19.
bool checkPadMode(InferContext& ctx) {
  std::optional<std::string> mode = ctx.attrString("mode");
  if (!mode) return !ctx.attr("mode");
  if (*mode == "constant" || *mode == "reflect" || *mode == "edge" || (*mode == "wrap" && ctx.opset() >= 19))
    return true;
  ctx.report(diag::RuleId::kInvalidAttribute)
      .message(fmt::format("mode is '{}', expected constant, reflect, edge{} at opset {}", *mode,
                           ctx.opset() >= 19 ? " or wrap" : "", ctx.opset()))
      .help(*mode == "wrap" ? "import opset 19 or later for wrap" : "use one of the listed modes");
  return false;
}

// DepthToSpace and SpaceToDepth's blocksize: required, >= 1.
std::optional<int64_t> blocksize(InferContext& ctx) {
  std::optional<int64_t> b = ctx.attrInt("blocksize");
  if (!b) {
    if (!ctx.attr("blocksize"))
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("{} has no blocksize, expected the attribute", ctx.node().opType))
          .help("give blocksize (the side of each block, e.g. 2)");
    return std::nullopt;
  }
  if (*b < 1) {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("blocksize is {}, expected >= 1", *b))
        .help("give a positive blocksize");
    return std::nullopt;
  }
  return b;
}

// SL207 unless dim is divisible by `by` (values only; symbols can't be
// decided).
bool checkDivisible(InferContext& ctx, const ir::Dim& dim, int64_t by, size_t axis, const std::string& why) {
  if (!dim.isValue() || dim.value() % by == 0) return true;
  ctx.report(diag::RuleId::kIndivisibleDim)
      .message(fmt::format("axis {} of {} is {}, not divisible by {}: {} mod {} = {}", axis, describeInput(ctx, 0),
                           dim.value(), by, dim.value(), by, dim.value() % by))
      .detail(why)
      .help(fmt::format("make axis {} a multiple of {} (e.g. {} or {})", axis, by, dim.value() / by * by,
                        (dim.value() / by + 1) * by));
  return false;
}

}  // namespace

// Transpose: output axis i is input axis perm[i]; perm defaults to reversed.
void inferTranspose(InferContext& ctx) {
  if (!checkAttributesDefined(ctx, {{"perm"}})) return;
  if (!requireInput(ctx, 0, "data")) return;
  std::optional<std::vector<int64_t>> perm = ctx.attrInts("perm");
  if (!perm && ctx.attr("perm")) return;
  const ir::Shape& x = ctx.inputShape(0);
  if (!x.rankKnown()) {
    if (perm) ctx.setOutput(0, ir::Shape::unknownDims(perm->size()), ctx.inputType(0));
    return;
  }
  std::vector<int64_t> p(x.rank());
  if (perm) {
    p = *perm;
  } else {
    for (size_t a = 0; a < x.rank(); ++a) p[a] = static_cast<int64_t>(x.rank() - 1 - a);
  }
  std::vector<int64_t> sorted = p;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int64_t> identity(x.rank());
  std::iota(identity.begin(), identity.end(), 0);
  if (sorted != identity) {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("perm [{}] is not a permutation of 0 to {} (input {} has rank {})", fmt::join(p, ", "),
                             static_cast<int64_t>(x.rank()) - 1, describeInput(ctx, 0), x.rank()))
        .help(fmt::format("list each axis 0 to {} exactly once", static_cast<int64_t>(x.rank()) - 1));
    return;
  }
  std::vector<ir::Dim> dims;
  for (int64_t a : p) dims.push_back(x[static_cast<size_t>(a)]);
  ctx.setOutput(0, ir::Shape(std::move(dims)), ctx.inputType(0));
}

// Split: sizes from the split attribute (opset 1-12; at opset 1 also an
// optional input), the split input (13+), num_outputs (18+: pieces of
// ceil(d / n), the last smaller), or equal pieces.
void inferSplit(InferContext& ctx) {
  const int64_t opset = ctx.opset();
  const bool defined = opset < 13   ? checkAttributesDefined(ctx, {{"axis"}, {"split"}})
                       : opset < 18 ? checkAttributesDefined(ctx, {{"axis"}})
                                    : checkAttributesDefined(ctx, {{"axis"}, {"num_outputs"}});
  if (!defined || !requireInput(ctx, 0, "input") ||
      !tensor::checkInputCount(ctx, opset >= 2 && opset < 13 ? 1 : 2,
                               "Split: split is an input at opset 1 and from 13, an attribute at 2 to 12"))
    return;
  std::optional<int64_t> axisAttr = ctx.attrInt("axis");
  if (!axisAttr && ctx.attr("axis")) return;
  const ir::Shape& x = ctx.inputShape(0);
  if (!x.rankKnown()) return;
  std::optional<size_t> axis = tensor::axisOrReport(ctx, axisAttr.value_or(0), x.rank(), "axis", true);
  if (!axis) return;

  // Explicit sizes.
  std::optional<std::vector<int64_t>> split;
  bool fromInput = false;
  if (opset < 13) split = ctx.attrInts("split");
  if (!split && ctx.attr("split")) return;
  if (!split && (opset >= 13 || opset == 1) && ctx.hasInput(1)) {
    bool known = true;
    split = tensor::constInts(ctx, 1, known);
    fromInput = true;
    if (!known) {
      // Sizes known at run time: every output keeps the other axes.
      std::vector<ir::Dim> unknown(ctx.numOutputs());
      setSplitOutputs(ctx, x, *axis, unknown);
      return;
    }
  }
  if (split && opset >= 18 && ctx.attr("num_outputs")) {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message("Split has both the split input and num_outputs, expected only one")
        .help("drop num_outputs, or drop the split input");
    return;
  }
  if (split) {
    splitExplicit(ctx, x, *axis, *split, fromInput);
    return;
  }

  const ir::Dim& d = x[*axis];
  const auto n = static_cast<int64_t>(ctx.numOutputs());
  if (opset >= 18) {
    std::optional<int64_t> numOutputs = ctx.attrInt("num_outputs");
    if (!numOutputs) {
      if (!ctx.attr("num_outputs"))
        ctx.report(diag::RuleId::kMalformedNode)
            .message(fmt::format("Split has neither the split input nor "
                                 "num_outputs, expected one at opset {}",
                                 opset))
            .help(fmt::format("add num_outputs = {} (the number of outputs)", n));
      return;
    }
    if (*numOutputs != n || n < 1) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("num_outputs is {}, expected {} (the node's number of outputs)", *numOutputs, n))
          .help(fmt::format("set num_outputs = {}, or give the node {} outputs", n, *numOutputs));
      return;
    }
    // Opset 18: every piece ceil(d / n), the last d - (n - 1) * ceil(d / n).
    std::optional<ir::Dim> chunk = ir::ceilDiv(d, n);
    std::optional<ir::Dim> last = ir::sub(d, ir::mul(chunk, n - 1));
    if (!chunk || !last) return;
    if (last->isValue() && last->value() < 0) {
      ctx.report(diag::RuleId::kIndivisibleDim)
          .message(fmt::format("axis {} of {} is {}, too small for {} pieces: "
                               "{} - ({} - 1) * ceil({} / {}) = {}",
                               *axis, describeInput(ctx, 0), d.str(), n, d.str(), n, d.str(), n, last->value()))
          .detail(
              "Split (opset 18): each piece is ceil(d / num_outputs), the "
              "last one smaller")
          .help("use fewer outputs, or give the split sizes");
      return;
    }
    std::vector<ir::Dim> sizes(static_cast<size_t>(n), *chunk);
    sizes.back() = *last;
    setSplitOutputs(ctx, x, *axis, sizes);
    return;
  }
  if (n < 1) return;
  if (!checkDivisible(ctx, d, n, *axis, fmt::format("Split without split sizes cuts the axis into {} equal pieces", n)))
    return;
  std::optional<ir::Dim> piece = ir::floorDiv(d, n);
  if (!piece) return;
  setSplitOutputs(ctx, x, *axis, std::vector<ir::Dim>(static_cast<size_t>(n), *piece));
}

// Pad: out = d + begin + end on each padded axis (negative pads crop). The
// pads are the paddings attribute at opset 1, pads 2-10, input 1 from 11;
// the axes input (18+) picks the axes the pads apply to.
void inferPad(InferContext& ctx) {
  const int64_t opset = ctx.opset();
  const bool defined = opset < 2    ? checkAttributesDefined(ctx, {{"mode"}, {"paddings"}, {"value"}})
                       : opset < 11 ? checkAttributesDefined(ctx, {{"mode"}, {"pads"}, {"value"}})
                                    : checkAttributesDefined(ctx, {{"mode"}});
  if (!defined || !requireInput(ctx, 0, "data") || !checkPadMode(ctx) ||
      !tensor::checkInputCount(ctx,
                               opset < 11   ? 1
                               : opset < 18 ? 3
                                            : 4,
                               "Pad: pads and constant_value are inputs from opset 11, axes from 18"))
    return;
  const char* padsName = opset < 2 ? "paddings" : "pads";
  std::optional<std::vector<int64_t>> pads;
  bool known = true;
  if (opset < 11) {
    pads = ctx.attrInts(padsName);
    if (!pads) {
      if (!ctx.attr(padsName))
        ctx.report(diag::RuleId::kInvalidAttribute)
            .message(fmt::format("Pad has no {} attribute, expected one at opset {}", padsName, opset))
            .help(fmt::format("give {} (begin and end of every axis)", padsName));
      return;
    }
  } else {
    if (!requireInput(ctx, 1, "pads")) return;
    pads = tensor::constInts(ctx, 1, known);
  }
  const ir::Shape& x = ctx.inputShape(0);
  if (!x.rankKnown()) return;

  // The axes the pads apply to.
  std::vector<size_t> axes(x.rank());
  std::iota(axes.begin(), axes.end(), size_t{0});
  bool axesKnown = true;
  if (opset >= 18 && ctx.hasInput(3)) {
    bool axesValuesKnown = true;
    std::optional<std::vector<int64_t>> raw = tensor::constInts(ctx, 3, axesValuesKnown);
    if (!axesValuesKnown) {
      axesKnown = false;
    } else {
      std::optional<std::vector<size_t>> normalized = tensor::axesOrReport(ctx, *raw, x.rank(), "axes", true);
      if (!normalized) return;
      axes = *normalized;
    }
  }
  if (!axesKnown) {
    ctx.setOutput(0, ir::Shape::unknownDims(x.rank()), ctx.inputType(0));
    return;
  }
  ir::Shape out = x;
  if (!known) {
    for (size_t a : axes) out[a] = ir::Dim::unknown();
    ctx.setOutput(0, std::move(out), ctx.inputType(0));
    return;
  }
  const size_t k = axes.size();
  if (pads->size() != 2 * k) {
    ctx.report(opset < 11 ? diag::RuleId::kInvalidAttribute : diag::RuleId::kMalformedNode)
        .message(fmt::format("{} [{}] has {} values, expected {} (begin and "
                             "end of each of {} axes)",
                             padsName, fmt::join(*pads, ", "), pads->size(), 2 * k, k))
        .help(fmt::format("give {} values: all begins, then all ends", 2 * k));
    return;
  }
  for (size_t j = 0; j < k; ++j) {
    const size_t a = axes[j];
    const int64_t begin = (*pads)[j];
    const int64_t end = (*pads)[j + k];
    std::optional<ir::Dim> padded = addConstant(x[a], begin);
    padded = padded ? addConstant(*padded, end) : std::nullopt;
    if (!padded) {
      out[a] = ir::Dim::unknown();
      continue;
    }
    if (padded->isValue() && padded->value() < 0) {
      ctx.report(diag::RuleId::kNonPositiveOutput)
          .message(fmt::format("axis {} of {} is {}, padded by {} and {}: {} + {} + {} = {} < 0", a,
                               describeInput(ctx, 0), x[a].str(), begin, end, x[a].str(), begin, end, padded->value()))
          .detail("Pad: out = d + begin + end; negative pads crop")
          .help("crop less than the axis holds");
      return;
    }
    out[a] = *padded;
  }
  ctx.setOutput(0, std::move(out), ctx.inputType(0));
}

// DepthToSpace: [N, C, H, W] -> [N, C / b^2, H * b, W * b]; mode DCR or CRD
// (the mode attribute since opset 11) changes only the order of values.
void inferDepthToSpace(InferContext& ctx) {
  if (!checkAttributesDefined(ctx, {{"blocksize"}, {"mode", 11}}) || !requireInput(ctx, 0, "input")) return;
  std::optional<int64_t> b = blocksize(ctx);
  if (!b) return;
  if (std::optional<std::string> mode = ctx.attrString("mode"); mode && *mode != "DCR" && *mode != "CRD") {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("mode is '{}', expected DCR or CRD", *mode))
        .help("use DCR (depth-column-row, the default) or CRD");
    return;
  }
  if (!tensor::requireRank(ctx, 0, "input", 4, 4, "the input is N x C x H x W")) return;
  const ir::Shape& x = ctx.inputShape(0);
  if (!x.rankKnown()) {
    ctx.setOutput(0, ir::Shape::unknownDims(4), ctx.inputType(0));
    return;
  }
  std::optional<int64_t> area = ir::checkedMul(*b, *b);
  if (!area) return;
  if (!checkDivisible(ctx, x[1], *area, 1,
                      fmt::format("DepthToSpace moves blocks of {} x {} = {} channels into space", *b, *b, *area)))
    return;
  std::optional<ir::Dim> c = ir::floorDiv(x[1], *area);
  std::optional<ir::Dim> h = ir::mul(x[2], *b);
  std::optional<ir::Dim> w = ir::mul(x[3], *b);
  ctx.setOutput(
      0,
      ir::Shape({x[0], c.value_or(ir::Dim::unknown()), h.value_or(ir::Dim::unknown()), w.value_or(ir::Dim::unknown())}),
      ctx.inputType(0));
}

// SpaceToDepth: [N, C, H, W] -> [N, C * b^2, H / b, W / b].
void inferSpaceToDepth(InferContext& ctx) {
  if (!checkAttributesDefined(ctx, {{"blocksize"}}) || !requireInput(ctx, 0, "input")) return;
  std::optional<int64_t> b = blocksize(ctx);
  if (!b) return;
  if (!tensor::requireRank(ctx, 0, "input", 4, 4, "the input is N x C x H x W")) return;
  const ir::Shape& x = ctx.inputShape(0);
  if (!x.rankKnown()) {
    ctx.setOutput(0, ir::Shape::unknownDims(4), ctx.inputType(0));
    return;
  }
  const std::string why = fmt::format("SpaceToDepth moves {} x {} blocks of space into channels", *b, *b);
  const bool hOk = checkDivisible(ctx, x[2], *b, 2, why);
  const bool wOk = checkDivisible(ctx, x[3], *b, 3, why);
  if (!hOk || !wOk) return;
  std::optional<int64_t> area = ir::checkedMul(*b, *b);
  if (!area) return;
  std::optional<ir::Dim> c = ir::mul(x[1], *area);
  std::optional<ir::Dim> h = ir::floorDiv(x[2], *b);
  std::optional<ir::Dim> w = ir::floorDiv(x[3], *b);
  ctx.setOutput(
      0,
      ir::Shape({x[0], c.value_or(ir::Dim::unknown()), h.value_or(ir::Dim::unknown()), w.value_or(ir::Dim::unknown())}),
      ctx.inputType(0));
}

}  // namespace shapelint::passes::shape
