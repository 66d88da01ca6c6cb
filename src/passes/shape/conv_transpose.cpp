// ConvTranspose: Y = N x (W.shape[1] * group) x o..., X = N x C x i...,
// W = C x M/group x k..., B = M.
#include <algorithm>

#include <fmt/format.h>

#include "passes/shape/conv_common.h"
#include "passes/shape/merge.h"
#include "passes/shape/ops.h"
#include "passes/shape/window.h"

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

// output_padding and output_shape, validated (SL301). std::nullopt when invalid.
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
        ctx.report(diag::RuleId::kInvalidAttribute)
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

// SL301 for an unreachable output_shape, SL202 for a non-positive size.
// Returns the output dim, unknown after a finding.
ir::Dim checkedOutput(InferContext& ctx, const TransposeAxisFacts& f, bool fromOutputShape, size_t tensorAxis,
                      bool& attributeOk) {
  if (fromOutputShape && f.output > f.maxReachableOutput) {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("output_shape on axis {} is {}, expected at most {} (natural size {} + max(stride, "
                             "dilation) - 1)",
                             tensorAxis, f.output, f.maxReachableOutput, f.naturalOutput))
        .detail(window::describe(f, tensorAxis))
        .help(fmt::format("set output_shape on axis {} to at most {}, or raise the stride or output_padding",
                          tensorAxis, f.maxReachableOutput));
    attributeOk = false;
    return ir::Dim::unknown();
  }
  if (f.output < 1) {
    ctx.report(diag::RuleId::kNonPositiveOutput)
        .message(fmt::format("output size on axis {} is {}, expected at least 1: the pads ({} + {}) remove more than "
                             "the natural size {}",
                             tensorAxis, f.output, f.padBegin, f.padEnd, f.naturalOutput))
        .detail(window::describe(f, tensorAxis))
        .help(fmt::format("reduce the pads on axis {} by at least {} in total", tensorAxis, 1 - f.output));
    return ir::Dim::unknown();
  }
  return ir::Dim::value(f.output);
}

}  // namespace

void inferConvTranspose(InferContext& ctx) {
  const ir::Shape* x = window::windowDataInput(ctx);
  std::optional<ConvInputs> inputs = convInputs(ctx, x);
  if (!x || !inputs) return;
  const ir::Shape& w = ctx.inputShape(1);

  std::optional<WindowGeometry> geometry = window::parseWindowGeometry(
      ctx, *x, inputs->weightKernel, {.op = window::WindowOp::kConvTranspose, .ceilMode = false, .dilations = true});
  checkTransposeChannels(ctx, *x, w, inputs->group);
  ir::Dim m = ir::Dim::unknown();
  if (w.rankKnown()) m = dimProduct({w[1], ir::Dim::value(inputs->group)});
  checkBias(ctx, m, "the output channels W.shape[1] * group");
  if (!geometry) return;
  std::optional<TransposeAttributes> attributes = readTransposeAttributes(ctx, *geometry);
  if (!attributes) return;

  std::vector<ir::Dim> dims = {(*x)[0], m};
  bool attributeOk = true;
  for (size_t a = 0; a < geometry->spatialRank(); ++a) {
    const ir::Dim& i = (*x)[a + 2];
    std::optional<window::AxisWindow> aw = geometry->axis(a);
    std::optional<int64_t> target;
    if (attributes->outputShape) target = (*attributes->outputShape)[a];
    std::optional<TransposeAxisFacts> f;
    if (i.isValue() && aw) f = window::convTransposeAxis(i.value(), {*aw, attributes->outputPadding[a], target});
    if (f) {
      dims.push_back(checkedOutput(ctx, *f, target.has_value(), a + 2, attributeOk));
    } else {
      // output_shape fixes the size whatever the input; otherwise it is unknown.
      dims.push_back(target ? ir::Dim::value(*target) : ir::Dim::unknown());
    }
  }
  if (!attributeOk) return;
  ctx.setOutput(0, ir::Shape(std::move(dims)), ctx.inputType(0));
}

}  // namespace shapelint::passes::shape
