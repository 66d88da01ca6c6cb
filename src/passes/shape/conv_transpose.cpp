// ConvTranspose: Y = N x (W.shape[1] * group) x o..., X = N x C x i...,
// W = C x M/group x k..., B = M.
#include <algorithm>

#include <fmt/format.h>

#include "passes/shape/conv_common.h"
#include "passes/shape/merge.h"
#include "passes/shape/op_attributes.h"
#include "passes/shape/ops.h"
#include "passes/shape/window.h"
#include "passes/shape/window_checks.h"

namespace shapelint::passes::shape {
namespace {

using window::TransposeAxisFacts;
using window::TransposeAxisWindow;
using window::WindowGeometry;

// SL201: C == W.shape[0] and C mod group == 0 (conv-arithmetic.md, "Channels").
void checkTransposeChannels(InferContext& ctx, const ir::Shape& x, const ir::Shape& w, int64_t group) {
  const ir::Dim& c = x[1];
  if (w.rankKnown() && ir::provablyNotEqual(c, w[0])) {
    ctx.report(diag::RuleId::kConvChannelMismatch)
        .message(fmt::format("input {} has {} channels, expected {} from weight {}", describeInput(ctx, 0), c.str(),
                             w[0].str(), describeInput(ctx, 1)))
        .detail(fmt::format("ConvTranspose: C = X.shape[1] = {} must equal W.shape[0] = {}", c.str(), w[0].str()))
        .help(fmt::format("the weight expects {} input channels; feed {} channels or change the weight", w[0].str(),
                          w[0].str()));
    return;
  }
  if (c.isValue() && c.value() % group != 0) {
    ctx.report(diag::RuleId::kConvChannelMismatch)
        .message(fmt::format("input {} has {} channels, expected a multiple of group {}", describeInput(ctx, 0),
                             c.value(), group))
        .detail(fmt::format("C mod group = {} mod {} = {}", c.value(), group, c.value() % group))
        .help(fmt::format("feed a multiple of {} channels, or change group", group));
  }
}

// output_padding (SL205 outside [0, max(s, d)), SL301 wrong length) and
// output_shape (SL301), validated. std::nullopt when invalid.
struct TransposeAttributes {
  std::vector<int64_t> outputPadding;
  std::optional<std::vector<int64_t>> outputShape;
};

std::optional<TransposeAttributes> readTransposeAttributes(InferContext& ctx, const WindowGeometry& g) {
  const size_t rank = g.spatialRank();
  TransposeAttributes t;
  bool ok = true;
  std::optional<std::vector<int64_t>> padding = ctx.attrInts("output_padding");
  if (!padding && ctx.attr("output_padding")) ok = false;
  t.outputPadding.assign(rank, 0);
  if (padding && padding->size() != rank) {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("output_padding has {} values, expected {} (one per spatial axis)", padding->size(), rank))
        .help(fmt::format("give output_padding exactly {} values", rank));
    ok = false;
  } else if (padding) {
    t.outputPadding = *padding;
    for (size_t a = 0; a < rank; ++a) {
      const int64_t bound = std::max(g.strides[a], g.dilations[a]);
      if (!window::isValidOutputPadding(t.outputPadding[a], g.strides[a], g.dilations[a])) {
        ctx.report(diag::RuleId::kOutputPaddingOutOfRange)
            .message(
                fmt::format("output_padding on axis {} is {}, expected 0 to {} (below max(stride {}, dilation {}))",
                            a + 2, t.outputPadding[a], bound - 1, g.strides[a], g.dilations[a]))
            .detail(
                "output_padding picks which of the s input sizes a strided conv maps to one size to restore "
                "(relationship 14); ONNX Runtime and PyTorch reject values outside [0, max(s, d))")
            .help(fmt::format("set output_padding on axis {} between 0 and {}", a + 2, bound - 1));
        ok = false;
      }
    }
  }
  std::optional<std::vector<int64_t>> shape = ctx.attrInts("output_shape");
  if (!shape && ctx.attr("output_shape")) ok = false;
  if (shape) {
    if (shape->size() != rank) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("output_shape has {} values, expected {} (one per spatial axis)", shape->size(), rank))
          .help(fmt::format("give output_shape as the {} spatial output sizes", rank));
      ok = false;
    } else if (std::any_of(shape->begin(), shape->end(), [](int64_t v) { return v < 1; })) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("output_shape is [{}], expected every size at least 1", fmt::join(*shape, ", ")))
          .help("give positive spatial output sizes");
      ok = false;
    } else {
      t.outputShape = shape;
    }
  }
  if (!ok) return std::nullopt;
  return t;
}

// SL206 for an unreachable output_shape, SL202 for a non-positive size.
// Returns the output dim, unknown after a finding.
ir::Dim checkedOutput(InferContext& ctx, const TransposeAxisFacts& f, bool fromOutputShape, size_t tensorAxis,
                      bool& attributeOk) {
  if (fromOutputShape && f.output > f.maxReachableOutput) {
    ctx.report(diag::RuleId::kUnreachableOutputShape)
        .message(fmt::format("output_shape on axis {} is {}, expected at most {} (natural size {} + max(stride, "
                             "dilation) - 1)",
                             tensorAxis, f.output, f.maxReachableOutput, f.naturalOutput))
        .detail(window::describe(f, tensorAxis))
        .help(fmt::format("set output_shape on axis {} between 1 and {}: sizes up to the natural {} come from the "
                          "pads, larger ones from output_padding; beyond that, raise the stride or the input size",
                          tensorAxis, f.maxReachableOutput, f.naturalOutput));
    attributeOk = false;
    return ir::Dim::unknown();
  }
  if (f.output < 1) {
    ctx.report(diag::RuleId::kNonPositiveOutput)
        .message(fmt::format("output size on axis {} is {}, expected at least 1: the pads ({} + {}) remove more than "
                             "the natural size {}",
                             tensorAxis, f.output, f.padBegin, f.padEnd, f.naturalOutput))
        .detail(window::describe(f, tensorAxis))
        // 1 - o in unsigned arithmetic: exact even for o = -INT64_MAX.
        .help(fmt::format("reduce the pads on axis {} by at least {} in total", tensorAxis,
                          uint64_t{1} - static_cast<uint64_t>(f.output)));
    return ir::Dim::unknown();
  }
  return ir::Dim::value(f.output);
}

// Output channels W.shape[1] * group; SL004 when the product overflows.
ir::Dim outputChannels(InferContext& ctx, const ir::Shape& w, int64_t group) {
  if (!w.rankKnown() || w.rank() < 2) return ir::Dim::unknown();
  if (!w[1].isValue()) return group == 1 ? w[1] : ir::Dim::unknown();
  std::optional<int64_t> m = ir::checkedMul(w[1].value(), group);
  if (!m) {
    ctx.report(diag::RuleId::kAbsurdDim)
        .message(fmt::format("output channels overflow int64: W.shape[1] * group = {} * {} is outside int64's range",
                             w[1].value(), group))
        .help("check group and the weight's dims: values this large are an exporter bug");
    return ir::Dim::unknown();
  }
  return ir::Dim::value(*m);
}

}  // namespace

// ConvTranspose (opset 1, 11, 22: the same attributes and arithmetic).
void inferConvTranspose(InferContext& ctx) {
  if (!checkAttributesDefined(ctx, {{"auto_pad"}, {"dilations"}, {"group"}, {"kernel_shape"}, {"output_padding"},
                                    {"output_shape"}, {"pads"}, {"strides"}}))
    return;
  const ir::Shape* x = window::windowDataInput(ctx);
  std::optional<ConvInputs> inputs = convInputs(ctx, x);
  if (!x || !inputs) return;
  const ir::Shape& w = ctx.inputShape(1);

  std::optional<WindowGeometry> geometry = window::parseWindowGeometry(
      ctx, *x, inputs->weightKernel, {.op = window::WindowOp::kConvTranspose, .ceilMode = false, .dilations = true});
  checkTransposeChannels(ctx, *x, w, inputs->group);
  const ir::Dim m = outputChannels(ctx, w, inputs->group);
  checkBias(ctx, 2, m, "the output channels W.shape[1] * group");
  if (!geometry) return;
  std::optional<TransposeAttributes> attributes = readTransposeAttributes(ctx, *geometry);
  if (!attributes) return;

  std::vector<ir::Dim> dims = {(*x)[0], m};
  bool attributeOk = true;
  window::TransposeNodeFacts node{&*geometry, attributes->outputPadding,
                                  std::vector<std::optional<window::TransposeAxis>>(geometry->spatialRank())};
  for (size_t a = 0; a < geometry->spatialRank(); ++a) {
    const ir::Dim& i = (*x)[a + 2];
    std::optional<window::AxisWindow> aw = geometry->axis(a);
    std::optional<int64_t> target;
    if (attributes->outputShape) target = (*attributes->outputShape)[a];
    if (aw && !target && (i.isSymbol() || i.isExpr())) {
      const TransposeAxisWindow tw{*aw, attributes->outputPadding[a], std::nullopt};
      dims.push_back(window::checkedSymbolicOutput(
          ctx, i, window::convTransposeAxisDim(i, tw), a + 2, window::isSame(aw->padding),
          fmt::format("the pads remove more than the natural size s(i - 1) + a + ke for every size: reduce the pads "
                      "on axis {}",
                      a + 2)));
      continue;
    }
    if (!i.isValue() || !aw) {
      // output_shape fixes the size whatever the input; otherwise it is unknown.
      dims.push_back(target ? ir::Dim::value(*target) : ir::Dim::unknown());
      continue;
    }
    const TransposeAxisWindow tw{*aw, attributes->outputPadding[a], target};
    std::optional<TransposeAxisFacts> f = window::convTransposeAxis(i.value(), tw);
    if (!f) {
      window::reportOverflow(ctx, window::overflowingStep(i.value(), tw), a + 2);
      dims.push_back(ir::Dim::unknown());
      continue;
    }
    dims.push_back(checkedOutput(ctx, *f, target.has_value(), a + 2, attributeOk));
    if (dims.back().isValue()) node.axes[a] = window::TransposeAxis{a + 2, tw, *f};
  }
  if (!attributeOk) return;
  window::runTransposeChecks(ctx, node);
  ctx.setOutput(0, ir::Shape(std::move(dims)), ctx.inputType(0));
}

}  // namespace shapelint::passes::shape
