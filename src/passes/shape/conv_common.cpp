#include "passes/shape/conv_common.h"

#include <fmt/format.h>

#include "passes/shape/merge.h"

namespace shapelint::passes::shape {

std::optional<ConvInputs> convInputs(InferContext& ctx, const ir::Shape* x) {
  if (!ctx.hasInput(1)) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("{} has no weight input W, expected a tensor of rank {}", ctx.node().opType,
                             x ? std::to_string(x->rank()) : std::string("rank(X)")))
        .help("connect the weight");
    return std::nullopt;
  }
  const ir::Shape& w = ctx.inputShape(1);
  if (x && w.rankKnown() && w.rank() != x->rank()) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("weight {} has rank {}, expected {} like input {}", describeInput(ctx, 1), w.rank(),
                             x->rank(), describeInput(ctx, 0)))
        .help("the weight needs one dim per axis of X: output channels, input channels per group, then the kernel");
    return std::nullopt;
  }

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
  if (w.rankKnown())
    inputs.weightKernel.assign(w.dims().begin() + 2, w.dims().end());
  return inputs;
}

void checkBias(InferContext& ctx, const ir::Dim& channels, const std::string& channelsText) {
  if (!ctx.hasInput(2)) return;
  const ir::Shape& b = ctx.inputShape(2);
  if (!b.rankKnown()) return;
  if (b.rank() != 1) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("bias {} has rank {}, expected 1 (one value per output channel)", describeInput(ctx, 2),
                             b.rank()))
        .help("give the bias as a vector of output-channel values");
    return;
  }
  if (ir::provablyNotEqual(b[0], channels)) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("bias {} has {} values, expected {} ({})", describeInput(ctx, 2), b[0].str(),
                             channels.str(), channelsText))
        .help(fmt::format("give the bias {} values, one per output channel", channels.str()));
  }
}

}  // namespace shapelint::passes::shape
