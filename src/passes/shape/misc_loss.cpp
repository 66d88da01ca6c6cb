// Loss ops: NegativeLogLikelihoodLoss (opset 12, 13, 22) and
// SoftmaxCrossEntropyLoss (12, 13). The input is (N, C, d1, ..., dk), the
// target (N, d1, ..., dk); reduction 'none' keeps the target's shape,
// 'sum' and 'mean' give a scalar. SoftmaxCrossEntropyLoss's optional
// second output (log_prob) has the scores' shape.
#include <fmt/format.h>

#include "passes/shape/merge.h"
#include "passes/shape/misc_common.h"
#include "passes/shape/ops.h"
#include "passes/shape/ops_misc.h"

namespace shapelint::passes::shape {
namespace {

// The loss's shape per element (N, d1, ..., dk), merged from input and
// target; std::nullopt after a finding.
std::optional<ir::Shape> perElementShape(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 2) || !misc::requireMinRank(ctx, 0, 2, "input")) return std::nullopt;
  const ir::Shape& x = ctx.inputShape(0);
  const ir::Shape& t = ctx.inputShape(1);
  if (x.rankKnown() && t.rankKnown() && t.rank() + 1 != x.rank()) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("target {} has rank {}, expected {} (input {} is (N, C, d1, ..., dk), target (N, d1, "
                             "..., dk))",
                             describeInput(ctx, 1), t.rank(), x.rank() - 1, describeInput(ctx, 0)))
        .help("drop the class axis from the target: it holds one class index per element");
    return std::nullopt;
  }
  ir::Shape out;
  if (x.rankKnown()) {
    std::vector<ir::Dim> dims{x[0]};
    for (size_t i = 2; i < x.rank(); ++i) dims.push_back(x[i]);
    out = ir::Shape(std::move(dims));
  }
  if (t.rankKnown()) {
    if (!out.rankKnown()) return t;
    for (size_t i = 0; i < t.rank(); ++i) {
      std::optional<ir::Dim> d =
          misc::mergeEqual(ctx, out[i], t[i],
                           fmt::format("axis {} of target {} and axis {} of input {}", i, describeInput(ctx, 1),
                                       i == 0 ? 0 : i + 1, describeInput(ctx, 0)));
      if (!d) return std::nullopt;
      out[i] = *d;
    }
  }
  // weight: one per class.
  if (ctx.hasInput(2)) {
    if (!misc::requireRank(ctx, 2, 1, "weight")) return std::nullopt;
    if (!misc::mergeEqual(ctx, misc::dimOf(ctx, 2, 0), misc::dimOf(ctx, 0, 1),
                          fmt::format("the length of weight {} and the classes (axis 1) of input {}",
                                      describeInput(ctx, 2), describeInput(ctx, 0))))
      return std::nullopt;
  }
  return out;
}

void setLoss(InferContext& ctx, ir::Shape perElement) {
  const std::string reduction = ctx.attrString("reduction").value_or("mean");
  const int32_t type = ctx.inputType(0);
  if (reduction == "none") {
    ctx.setOutput(0, std::move(perElement), type);
  } else if (reduction == "sum" || reduction == "mean") {
    ctx.setOutput(0, ir::Shape(std::vector<ir::Dim>{}), type);
  } else {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("reduction = '{}', expected 'none', 'sum' or 'mean'", reduction))
        .help("set reduction to 'none', 'sum' or 'mean'");
  }
}

}  // namespace

void inferNegativeLogLikelihoodLoss(InferContext& ctx) {
  std::optional<ir::Shape> perElement = perElementShape(ctx);
  if (perElement) setLoss(ctx, std::move(*perElement));
}

void inferSoftmaxCrossEntropyLoss(InferContext& ctx) {
  std::optional<ir::Shape> perElement = perElementShape(ctx);
  if (!perElement) return;
  setLoss(ctx, std::move(*perElement));
  ctx.setOutput(1, ctx.inputShape(0), ctx.inputType(0));
}

}  // namespace shapelint::passes::shape
