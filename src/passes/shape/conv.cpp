// Conv, ConvInteger and QLinearConv: Y = N x M x o..., X = N x C x i...,
// W = M x C/group x k..., B = M. The three share the whole shape rule
// (conv_common.h); they differ in where W and B are and in Y's type.
#include <fmt/format.h>

#include "passes/shape/conv_common.h"
#include "passes/shape/merge.h"
#include "passes/shape/op_attributes.h"
#include "passes/shape/ops.h"

namespace shapelint::passes::shape {
namespace {

// Conv, ConvInteger and QLinearConv define the same attributes at every opset they exist.
bool checkConvAttributes(InferContext& ctx) {
  return checkAttributesDefined(ctx, {{"auto_pad"}, {"dilations"}, {"group"}, {"kernel_shape"}, {"pads"},
                                      {"strides"}});
}

// SL003: a scale or zero point is a scalar (or a 1-element vector); the
// weight's may instead hold one value per output channel M.
void checkQuantizationParameter(InferContext& ctx, size_t input, const char* role, const ir::Dim* perChannel) {
  if (!ctx.hasInput(input)) return;
  const ir::Shape& s = ctx.inputShape(input);
  if (!s.rankKnown() || s.rank() == 0) return;
  const std::string expected =
      perChannel ? fmt::format("a scalar or a vector of 1 or {} values (one per output channel)", perChannel->str())
                 : std::string("a scalar (one value for the whole tensor)");
  if (s.rank() > 1) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("{} {} has rank {}, expected {}", role, describeInput(ctx, input), s.rank(), expected))
        .help(fmt::format("give {} as {}", role, expected));
    return;
  }
  const ir::Dim& n = s[0];
  if (!n.isValue() || n.value() == 1) return;
  if (perChannel && !ir::provablyNotEqual(n, *perChannel)) return;
  ctx.report(diag::RuleId::kMalformedNode)
      .message(fmt::format("{} {} has {} values, expected {}", role, describeInput(ctx, input), n.value(), expected))
      .help(fmt::format("give {} as {}", role, expected));
}

ir::Dim outputChannels(const InferContext& ctx, size_t weight) {
  const ir::Shape& w = ctx.inputShape(weight);
  return w.rankKnown() && w.rank() >= 1 ? w[0] : ir::Dim::unknown();
}

}  // namespace

// Conv (opset 1, 11, 22: the same attributes and arithmetic).
void inferConv(InferContext& ctx) {
  if (!checkConvAttributes(ctx)) return;
  std::optional<ConvOutput> y = inferConvLike(ctx, {.weight = 1, .bias = 2});
  if (y) ctx.setOutput(0, std::move(y->shape), ctx.inputType(0));
}

// ConvInteger (opset 10): x, w, x_zero_point, w_zero_point; Y is int32.
void inferConvInteger(InferContext& ctx) {
  if (!checkConvAttributes(ctx)) return;
  std::optional<ConvOutput> y = inferConvLike(ctx, {.weight = 1, .bias = std::nullopt});
  const ir::Dim m = outputChannels(ctx, 1);
  checkQuantizationParameter(ctx, 2, "x_zero_point", nullptr);
  checkQuantizationParameter(ctx, 3, "w_zero_point", &m);
  if (y) ctx.setOutput(0, std::move(y->shape), ir::kInt32);
}

// QLinearConv (opset 10): x, x_scale, x_zero_point, w, w_scale,
// w_zero_point, y_scale, y_zero_point, B (int32, M values); Y has
// y_zero_point's type.
void inferQLinearConv(InferContext& ctx) {
  if (!checkConvAttributes(ctx)) return;
  std::optional<ConvOutput> y = inferConvLike(ctx, {.weight = 3, .bias = 8});
  const ir::Dim m = outputChannels(ctx, 3);
  checkQuantizationParameter(ctx, 1, "x_scale", nullptr);
  checkQuantizationParameter(ctx, 2, "x_zero_point", nullptr);
  checkQuantizationParameter(ctx, 4, "w_scale", &m);
  checkQuantizationParameter(ctx, 5, "w_zero_point", &m);
  checkQuantizationParameter(ctx, 6, "y_scale", nullptr);
  checkQuantizationParameter(ctx, 7, "y_zero_point", nullptr);
  if (y) ctx.setOutput(0, std::move(y->shape), ctx.inputType(7));
}

}  // namespace shapelint::passes::shape
