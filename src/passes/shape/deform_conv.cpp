// DeformConv (opset 19, 22): X = N x C x i..., W = M x C/group x k...,
// offset = N x (offset_group * n * prod(k)) x o..., optional B = M and
// mask = N x (offset_group * prod(k)) x o... (n spatial axes; for 2-D data
// offset has offset_group * 2 * kH * kW channels). Y = N x M x o... by
// Conv's arithmetic; it has no auto_pad.
#include <fmt/format.h>

#include "passes/shape/conv_common.h"
#include "passes/shape/merge.h"
#include "passes/shape/op_attributes.h"
#include "passes/shape/ops.h"

namespace shapelint::passes::shape {
namespace {

// offset_group >= 1 (SL301); C mod offset_group == 0 (SL201).
std::optional<int64_t> offsetGroup(InferContext& ctx) {
  std::optional<int64_t> g = ctx.attrInt("offset_group");
  if (!g && ctx.attr("offset_group")) return std::nullopt;
  if (g && *g < 1) {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("offset_group is {}, expected at least 1", *g))
        .help("set offset_group to 1, or to the number of offset groups (a divisor of the input channels)");
    return std::nullopt;
  }
  return g.value_or(1);
}

// SL003 when offset or mask (input i) is not N x channels x o...
void checkSamplingInput(InferContext& ctx, size_t i, const char* role, const ir::Shape& y,
                        const std::optional<int64_t>& channels, const std::string& channelsText) {
  if (!ctx.hasInput(i)) return;
  const ir::Shape& s = ctx.inputShape(i);
  if (!s.rankKnown()) return;
  if (s.rank() != y.rank()) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("{} {} has rank {}, expected {} (N x channels x the output's spatial dims)", role,
                             describeInput(ctx, i), s.rank(), y.rank()))
        .help(fmt::format("give {} one dim per axis of the output", role));
    return;
  }
  if (ir::provablyNotEqual(s[0], y[0])) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("{} {} has batch {}, expected {} like input {}", role, describeInput(ctx, i), s[0].str(),
                             y[0].str(), describeInput(ctx, 0)))
        .help(fmt::format("give {} the batch size of X", role));
  }
  if (channels && ir::provablyNotEqual(s[1], ir::Dim::value(*channels))) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("{} {} has {} channels, expected {} = {}", role, describeInput(ctx, i), s[1].str(),
                             *channels, channelsText))
        .help(fmt::format("give {} {} channels", role, *channels));
  }
  bool differs = false;
  for (size_t a = 2; a < y.rank(); ++a) differs = differs || ir::provablyNotEqual(s[a], y[a]);
  if (differs) {
    std::vector<ir::Dim> expected(y.dims().begin() + 2, y.dims().end());
    std::vector<ir::Dim> got(s.dims().begin() + 2, s.dims().end());
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("{} {} has spatial dims {}, expected the output's {}", role, describeInput(ctx, i),
                             ir::Shape(got).str(), ir::Shape(expected).str()))
        .help(fmt::format("{} holds one entry per output position: compute it for the output size {}", role,
                          ir::Shape(expected).str()));
  }
}

}  // namespace

void inferDeformConv(InferContext& ctx) {
  if (!checkAttributesDefined(ctx, {{"dilations"}, {"group"}, {"kernel_shape"}, {"offset_group"}, {"pads"},
                                    {"strides"}}))
    return;
  std::optional<int64_t> groups = offsetGroup(ctx);
  if (!groups) return;
  if (!ctx.hasInput(2)) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message("DeformConv has no offset input, expected a tensor N x (offset_group * n * prod(kernel)) x o...")
        .help("connect the offset input (input 2)");
    return;
  }
  if (!window::checkNonNegativeDims(ctx, 2) || !window::checkNonNegativeDims(ctx, 4)) return;
  std::optional<ConvOutput> y = inferConvLike(ctx, {.weight = 1, .bias = 3, .autoPad = false});

  const ir::Shape& x = ctx.inputShape(0);
  if (x.rankKnown() && x.rank() >= 2 && x[1].isValue() && x[1].value() % *groups != 0) {
    ctx.report(diag::RuleId::kConvChannelMismatch)
        .message(fmt::format("input {} has {} channels, expected a multiple of offset_group {}", describeInput(ctx, 0),
                             x[1].value(), *groups))
        .detail(fmt::format("C mod offset_group = {} mod {} = {}", x[1].value(), *groups, x[1].value() % *groups))
        .help(fmt::format("feed a multiple of {} channels, or change offset_group", *groups));
  }
  if (!y) return;

  // offset channels: offset_group * n * prod(k); mask channels: offset_group * prod(k).
  const window::WindowGeometry& g = y->geometry;
  std::optional<int64_t> positions = 1;
  std::vector<std::string> kernelText;
  for (const ir::Dim& k : g.kernel) {
    kernelText.push_back(k.str());
    positions = (positions && k.isValue()) ? ir::checkedMul(*positions, k.value()) : std::nullopt;
  }
  std::optional<int64_t> maskChannels = positions ? ir::checkedMul(*groups, *positions) : std::nullopt;
  std::optional<int64_t> offsetChannels =
      maskChannels ? ir::checkedMul(*maskChannels, static_cast<int64_t>(g.spatialRank())) : std::nullopt;
  if (positions && (!maskChannels || !offsetChannels)) {
    ctx.report(diag::RuleId::kAbsurdDim)
        .message(fmt::format("offset channels offset_group * {} * prod(kernel) = {} * {} * {} are outside int64's "
                             "range",
                             g.spatialRank(), *groups, g.spatialRank(), *positions))
        .help("check offset_group and the kernel: values this large are an exporter bug");
  }
  const std::string kernel = fmt::format("{}", fmt::join(kernelText, " x "));
  checkSamplingInput(ctx, 2, "offset", y->shape, offsetChannels,
                     fmt::format("offset_group {} * {} (spatial axes) * {} (kernel {})", *groups, g.spatialRank(),
                                 positions.value_or(0), kernel));
  checkSamplingInput(ctx, 4, "mask", y->shape, maskChannels,
                     fmt::format("offset_group {} * {} (kernel {})", *groups, positions.value_or(0), kernel));
  ctx.setOutput(0, std::move(y->shape), ctx.inputType(0));
}

}  // namespace shapelint::passes::shape
