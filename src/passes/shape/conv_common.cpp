#include "passes/shape/conv_common.h"

#include <fmt/format.h>

#include "passes/shape/merge.h"

namespace shapelint::passes::shape {

std::optional<ConvInputs> convInputs(InferContext& ctx, const ir::Shape* x, size_t weight) {
  if (!ctx.hasInput(weight)) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("{} has no weight input W, expected a tensor of rank {}", ctx.node().opType,
                             x ? std::to_string(x->rank()) : std::string("rank(X)")))
        .help("connect the weight");
    return std::nullopt;
  }
  const ir::Shape& w = ctx.inputShape(weight);
  if (x && w.rankKnown() && w.rank() != x->rank()) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("weight {} has rank {}, expected {} like input {}", describeInput(ctx, weight), w.rank(),
                             x->rank(), describeInput(ctx, 0)))
        .help("the weight needs one dim per axis of X: output channels, input channels per group, then the kernel");
    return std::nullopt;
  }
  if (!window::checkNonNegativeDims(ctx, weight)) return std::nullopt;

  ConvInputs inputs;
  std::optional<int64_t> group = ctx.attrInt("group");
  if (!group && ctx.attr("group")) return std::nullopt;  // wrong type, reported by the reader
  inputs.group = group.value_or(1);
  if (inputs.group < 1) {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("group is {}, expected at least 1", inputs.group))
        .help("set group to 1 for a dense convolution, or to the number of channel groups");
    return std::nullopt;
  }
  if (w.rankKnown() && w.rank() >= 2) inputs.weightKernel.assign(w.dims().begin() + 2, w.dims().end());
  return inputs;
}

void checkBias(InferContext& ctx, size_t bias, const ir::Dim& channels, const std::string& channelsText) {
  if (!ctx.hasInput(bias)) return;
  const ir::Shape& b = ctx.inputShape(bias);
  if (!b.rankKnown()) return;
  if (b.rank() != 1) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("bias {} has rank {}, expected 1 (one value per output channel)",
                             describeInput(ctx, bias), b.rank()))
        .help("give the bias as a vector of output-channel values");
    return;
  }
  if (ir::provablyNotEqual(b[0], channels)) {
    ctx.report(diag::RuleId::kBiasLengthMismatch)
        .message(fmt::format("bias {} has {} values, expected {} ({})", describeInput(ctx, bias), b[0].str(),
                             channels.str(), channelsText))
        .help(fmt::format("give the bias {} values, one per output channel", channels.str()));
  }
}

namespace {

// SL201: C == W.shape[1] * group and M mod group == 0 (conv-arithmetic.md,
// "Channels"); SL004 when W.shape[1] * group overflows.
void checkConvChannels(InferContext& ctx, const ir::Shape& x, size_t weight, int64_t group) {
  const ir::Shape& w = ctx.inputShape(weight);
  if (!w.rankKnown() || w.rank() < 2) return;
  const ir::Dim& c = x[1];
  const ir::Dim& perGroup = w[1];
  if (c.isValue() && perGroup.isValue()) {
    std::optional<int64_t> expected = ir::checkedMul(perGroup.value(), group);
    if (!expected) {
      ctx.report(diag::RuleId::kAbsurdDim)
          .message(fmt::format("input channels expected from weight {} overflow int64: W.shape[1] * group = {} * {} "
                               "is outside int64's range",
                               describeInput(ctx, weight), perGroup.value(), group))
          .help("check group and the weight's dims: values this large are an exporter bug");
    } else if (*expected != c.value()) {
      const std::string times = group == 1 ? "" : fmt::format(" ({} x group {})", perGroup.value(), group);
      ctx.report(diag::RuleId::kConvChannelMismatch)
          .message(fmt::format("input {} has {} channels, expected {}{} from weight {}", describeInput(ctx, 0),
                               c.value(), *expected, times, describeInput(ctx, weight)))
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
                             describeInput(ctx, weight), m.value(), group))
        .detail(fmt::format("M mod group = {} mod {} = {}", m.value(), group, m.value() % group))
        .help(fmt::format("use a weight whose first dim is a multiple of {}, or change group", group));
  }
}

}  // namespace

std::optional<ConvOutput> inferConvLike(InferContext& ctx, const ConvOperands& operands) {
  const ir::Shape* x = window::windowDataInput(ctx);
  std::optional<ConvInputs> inputs = convInputs(ctx, x, operands.weight);
  if (!x || !inputs) return std::nullopt;
  const ir::Shape& w = ctx.inputShape(operands.weight);

  std::optional<window::WindowGeometry> geometry =
      window::parseWindowGeometry(ctx, *x, inputs->weightKernel,
                                  {.op = window::WindowOp::kConv, .ceilMode = false, .dilations = true,
                                   .autoPad = operands.autoPad});
  checkConvChannels(ctx, *x, operands.weight, inputs->group);
  const ir::Dim m = w.rankKnown() ? w[0] : ir::Dim::unknown();
  if (operands.bias) checkBias(ctx, *operands.bias, m, "the weight's output channels M = W.shape[0]");
  if (!geometry) return std::nullopt;

  std::vector<ir::Dim> spatial = window::windowOutputDims(ctx, *x, *geometry, window::WindowOp::kConv);
  std::vector<ir::Dim> dims;
  dims.reserve(2 + spatial.size());
  dims.push_back((*x)[0]);
  dims.push_back(m);
  for (ir::Dim& d : spatial) dims.push_back(std::move(d));
  return ConvOutput{ir::Shape(std::move(dims)), std::move(*geometry)};
}

}  // namespace shapelint::passes::shape
