// Conv: Y = N x M x o..., X = N x C x i..., W = M x C/group x k..., B = M.
#include <fmt/format.h>

#include "passes/shape/conv_common.h"
#include "passes/shape/merge.h"
#include "passes/shape/ops.h"
#include "passes/shape/window.h"

namespace shapelint::passes::shape {
namespace {

// SL201: C == W.shape[1] * group and M mod group == 0 (conv-arithmetic.md, "Channels").
void checkConvChannels(InferContext& ctx, const ir::Shape& x, const ir::Shape& w, int64_t group) {
  if (!w.rankKnown()) return;
  const ir::Dim& c = x[1];
  const ir::Dim& perGroup = w[1];
  if (c.isValue() && perGroup.isValue()) {
    std::optional<int64_t> expected = ir::checkedMul(perGroup.value(), group);
    if (expected && *expected != c.value()) {
      const std::string times = group == 1 ? "" : fmt::format(" ({} x group {})", perGroup.value(), group);
      ctx.report(diag::RuleId::kConvChannelMismatch)
          .message(fmt::format("input {} has {} channels, expected {}{} from weight {}", describeInput(ctx, 0),
                               c.value(), *expected, times, describeInput(ctx, 1)))
          .detail(fmt::format("C = X.shape[1] = {}; W.shape[1] * group = {} * {} = {}", c.value(), perGroup.value(),
                              group, *expected))
          .help(fmt::format("the weight expects {} input channels{}; feed {} channels or change {}", *expected, times,
                            *expected, group == 1 ? "the weight" : "group"));
    }
  }
  const ir::Dim& m = w[0];
  if (m.isValue() && m.value() % group != 0) {
    ctx.report(diag::RuleId::kConvChannelMismatch)
        .message(fmt::format("weight {} has {} output channels, expected a multiple of group {}",
                             describeInput(ctx, 1), m.value(), group))
        .detail(fmt::format("M mod group = {} mod {} = {}", m.value(), group, m.value() % group))
        .help(fmt::format("use a weight whose first dim is a multiple of {}, or change group", group));
  }
}

}  // namespace

void inferConv(InferContext& ctx) {
  const ir::Shape* x = window::windowDataInput(ctx);
  std::optional<ConvInputs> inputs = convInputs(ctx, x);
  if (!x || !inputs) return;
  const ir::Shape& w = ctx.inputShape(1);

  std::optional<window::WindowGeometry> geometry = window::parseWindowGeometry(
      ctx, *x, inputs->weightKernel, {.op = window::WindowOp::kConv, .ceilMode = false, .dilations = true});
  checkConvChannels(ctx, *x, w, inputs->group);
  const ir::Dim m = w.rankKnown() ? w[0] : ir::Dim::unknown();
  checkBias(ctx, m, "the weight's output channels M = W.shape[0]");
  if (!geometry) return;

  std::vector<ir::Dim> dims = {(*x)[0], m};
  for (ir::Dim& d : window::windowOutputDims(ctx, *x, *geometry, window::WindowOp::kConv)) dims.push_back(d);
  ctx.setOutput(0, ir::Shape(std::move(dims)), ctx.inputType(0));
}

}  // namespace shapelint::passes::shape
