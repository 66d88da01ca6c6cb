// Normalisation layers: InstanceNormalization, LayerNormalization,
// GroupNormalization, LRN, MeanVarianceNormalization. (BatchNormalization
// is in nn.cpp.)
#include <fmt/format.h>

#include "passes/shape/merge.h"
#include "passes/shape/op_attributes.h"
#include "passes/shape/ops_tensor.h"
#include "passes/shape/tensor_common.h"

namespace shapelint::passes::shape {
namespace {

using tensor::requireInput;

// SL003 unless input i (a per-channel or per-group parameter) is a vector
// of `count` values.
bool checkVector(InferContext& ctx, size_t i, const char* role, const ir::Dim& count, const std::string& of) {
  if (!ctx.hasInput(i)) return true;
  const ir::Shape& s = ctx.inputShape(i);
  if (!s.rankKnown()) return true;
  if (s.rank() != 1) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(
            fmt::format("{} {} has rank {}, expected 1 (one value per {})", role, describeInput(ctx, i), s.rank(), of))
        .help(fmt::format("give {} as a vector of {} values", role, count.str()));
    return false;
  }
  if (ir::provablyNotEqual(s[0], count)) {
    auto builder = ctx.report(diag::RuleId::kMalformedNode);
    builder
        .message(fmt::format("{} {} has {} values, expected {} (one per {} of {})", role, describeInput(ctx, i),
                             s[0].str(), count.str(), of, describeInput(ctx, 0)))
        .help(fmt::format("give {} one value per {} ({})", role, of, count.str()));
    noteProducer(builder, ctx, i);
    return false;
  }
  return true;
}

}  // namespace

// InstanceNormalization: Y has X's shape (N x C x D1 ...); scale and B are
// vectors of C values.
void inferInstanceNormalization(InferContext& ctx) {
  if (!checkAttributesDefined(ctx, {{"epsilon"}, {"consumed_inputs"}})) return;
  if (!requireInput(ctx, 0, "input") || !requireInput(ctx, 1, "scale") || !requireInput(ctx, 2, "B")) return;
  if (!tensor::requireRank(ctx, 0, "input", 3, SIZE_MAX, "the input is N x C x D1 x ... (statistics per N, C)")) return;
  const ir::Shape& x = ctx.inputShape(0);
  if (x.rankKnown()) {
    const bool scaleOk = checkVector(ctx, 1, "scale", x[1], "channel");
    const bool biasOk = checkVector(ctx, 2, "B", x[1], "channel");
    if (!scaleOk || !biasOk) return;
  }
  ctx.setOutput(0, x, ctx.inputType(0));
}

// LayerNormalization (17): Y has X's shape; Mean and InvStdDev keep the axes
// before `axis` and have 1 on the normalised ones; their type is stash_type.
void inferLayerNormalization(InferContext& ctx) {
  if (!checkAttributesDefined(ctx, {{"axis"}, {"epsilon"}, {"stash_type"}})) return;
  if (!requireInput(ctx, 0, "X") || !requireInput(ctx, 1, "Scale")) return;
  std::optional<int64_t> axisAttr = ctx.attrInt("axis");
  std::optional<int64_t> stash = ctx.attrInt("stash_type");
  if ((!axisAttr && ctx.attr("axis")) || (!stash && ctx.attr("stash_type"))) return;
  const ir::Shape& x = ctx.inputShape(0);
  const auto stashType = static_cast<int32_t>(stash.value_or(ir::kFloat));
  if (!x.rankKnown()) {
    ctx.setOutput(0, x, ctx.inputType(0));
    return;
  }
  std::optional<size_t> axis = tensor::axisOrReport(ctx, axisAttr.value_or(-1), x.rank(), "axis", true);
  if (!axis) return;
  // Scale and B broadcast (numpy, onto) the normalised shape X[axis:].
  const std::vector<ir::Dim> normalized(x.dims().begin() + static_cast<std::ptrdiff_t>(*axis), x.dims().end());
  for (auto [i, role] : {std::pair<size_t, const char*>{1, "Scale"}, {2, "B"}}) {
    if (!ctx.hasInput(i) || !ctx.inputShape(i).rankKnown()) continue;
    const ir::Shape& p = ctx.inputShape(i);
    std::string why;
    // Leading axes past the normalised rank must be 1 (they broadcast away).
    const size_t extra = p.rank() > normalized.size() ? p.rank() - normalized.size() : 0;
    for (size_t j = 0; j < extra && why.empty(); ++j)
      if (p[j].isValue() && p[j].value() != 1)
        why = fmt::format("{} has rank {} > {} and {} on its axis {}", role, p.rank(), normalized.size(), p[j].value(),
                          j);
    for (size_t j = extra; j < p.rank() && why.empty(); ++j) {
      const ir::Dim& want = normalized[normalized.size() + j - p.rank()];
      const bool one = p[j].isValue() && p[j].value() == 1;
      if (!one && ir::provablyNotEqual(p[j], want))
        why = fmt::format("axis {} of X has {}, {} has {}", x.rank() + j - p.rank(), want.str(), role, p[j].str());
    }
    if (why.empty()) continue;
    auto builder = ctx.report(diag::RuleId::kMalformedNode);
    builder
        .message(fmt::format("{} {} does not fit the normalised shape {} of {} (axis = {}): {}", role,
                             describeInput(ctx, i), ir::Shape(normalized).str(), describeInput(ctx, 0), *axis, why))
        .detail("LayerNormalization: Scale and B broadcast to X[axis:], the axes normalised over")
        .help(fmt::format("give {} the shape {}, or check axis", role, ir::Shape(normalized).str()));
    noteProducer(builder, ctx, i);
    return;
  }
  ctx.setOutput(0, x, ctx.inputType(0));
  ir::Shape stats = x;
  for (size_t a = *axis; a < x.rank(); ++a) stats[a] = ir::Dim::value(1);
  if (ctx.hasOutput(1)) ctx.setOutput(1, stats, stashType);
  if (ctx.hasOutput(2)) ctx.setOutput(2, stats, stashType);
}

// GroupNormalization (18, 21): Y has X's shape; C must be divisible by
// num_groups; scale and bias have num_groups values at opset 18, C since 21.
void inferGroupNormalization(InferContext& ctx) {
  if (!checkAttributesDefined(ctx, {{"epsilon"}, {"num_groups"}, {"stash_type", 21}})) return;
  if (!requireInput(ctx, 0, "X") || !requireInput(ctx, 1, "scale") || !requireInput(ctx, 2, "bias")) return;
  std::optional<int64_t> groups = ctx.attrInt("num_groups");
  if (!groups) {
    if (!ctx.attr("num_groups"))
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message("GroupNormalization has no num_groups, expected the attribute")
          .help("give num_groups (the channels are split into that many groups)");
    return;
  }
  if (*groups < 1) {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("num_groups is {}, expected >= 1", *groups))
        .help("give a positive num_groups");
    return;
  }
  if (!tensor::requireRank(ctx, 0, "X", 2, SIZE_MAX, "the input is N x C x D1 x ...")) return;
  const ir::Shape& x = ctx.inputShape(0);
  if (x.rankKnown()) {
    const ir::Dim& c = x[1];
    if (c.isValue() && c.value() % *groups != 0) {
      ctx.report(diag::RuleId::kIndivisibleDim)
          .message(fmt::format("the {} channels of {} do not split into "
                               "num_groups = {} groups: {} mod {} = {}",
                               c.value(), describeInput(ctx, 0), *groups, c.value(), *groups, c.value() % *groups))
          .detail("GroupNormalization: each group holds C / num_groups channels")
          .help(fmt::format("pick num_groups dividing {}, or give the input a "
                            "multiple of {} channels",
                            c.value(), *groups));
      return;
    }
    const bool perChannel = ctx.opset() >= 21;
    const ir::Dim count = perChannel ? c : ir::Dim::value(*groups);
    const char* of = perChannel ? "channel" : "group";
    const bool scaleOk = checkVector(ctx, 1, "scale", count, of);
    const bool biasOk = checkVector(ctx, 2, "bias", count, of);
    if (!scaleOk || !biasOk) return;
  }
  ctx.setOutput(0, x, ctx.inputType(0));
}

// LRN: Y has X's shape; size is required.
void inferLRN(InferContext& ctx) {
  if (!checkAttributesDefined(ctx, {{"alpha"}, {"beta"}, {"bias"}, {"size"}}) || !requireInput(ctx, 0, "X")) return;
  std::optional<int64_t> size = ctx.attrInt("size");
  if (!size) {
    if (!ctx.attr("size"))
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message("LRN has no size, expected the attribute")
          .help("give size (the number of channels to sum over)");
    return;
  }
  if (*size < 1) {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("size is {}, expected >= 1", *size))
        .help("give a positive size");
    return;
  }
  ctx.setOutput(0, ctx.inputShape(0), ctx.inputType(0));
}

// MeanVarianceNormalization: Y has X's shape; axes (default [0, 2, 3]) must
// name axes of X.
void inferMeanVarianceNormalization(InferContext& ctx) {
  if (!checkAttributesDefined(ctx, {{"axes"}}) || !requireInput(ctx, 0, "X")) return;
  std::optional<std::vector<int64_t>> axes = ctx.attrInts("axes");
  if (!axes && ctx.attr("axes")) return;
  const ir::Shape& x = ctx.inputShape(0);
  if (x.rankKnown() && axes && !tensor::axesOrReport(ctx, *axes, x.rank(), "axes", true)) return;
  ctx.setOutput(0, x, ctx.inputType(0));
}

}  // namespace shapelint::passes::shape
