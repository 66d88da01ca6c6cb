// SL404 odd-same-padding-split: an auto_pad SAME_UPPER/SAME_LOWER axis whose
// total padding is odd. The spec puts the extra row at the end for
// SAME_UPPER and at the begin for SAME_LOWER, but runtimes and versions have
// disagreed on its side (ONNX Runtime <= 1.12 put ConvTranspose SAME_UPPER's
// at the head, later ones at the tail: microsoft/onnxruntime #9370, #4086,
// PR #12537; onnx/onnx #1609, #4299). Explicit pads fix the side.
#include <fmt/format.h>

#include "passes/shape/window_checks.h"

namespace shapelint::passes::window {
namespace {

struct OddAxis {
  size_t tensorAxis;
  int64_t padBegin;
  int64_t padEnd;
  std::string detail;
};

void report(InferContext& ctx, Padding padding, const OddAxis& axis,
            const std::optional<std::vector<int64_t>>& pads) {
  const int64_t total = axis.padBegin + axis.padEnd;
  const bool upper = padding == Padding::kSameUpper;
  auto builder = ctx.report(diag::RuleId::kOddSamePaddingSplit);
  builder
      .message(fmt::format("auto_pad {} pads axis {} by {} in total ({} + {}), an odd number: the spec puts the "
                           "extra row at the {}, and runtimes and versions have put it at the {}",
                           autoPadName(padding), axis.tensorAxis, total, axis.padBegin, axis.padEnd,
                           upper ? "end" : "begin", upper ? "begin" : "end"))
      .detail(axis.detail);
  if (pads) {
    builder.help(fmt::format("to fix the side, use auto_pad NOTSET with pads={}", attributeList(*pads)));
  } else {
    builder.help(fmt::format("to fix the side, use auto_pad NOTSET with explicit pads: {} at the begin and {} at the "
                             "end of axis {}",
                             axis.padBegin, axis.padEnd, axis.tensorAxis));
  }
}

}  // namespace

void checkOddSamePaddingSplit(InferContext& ctx, const WindowNodeFacts& node) {
  if (!isSame(node.geometry->padding) || !checks::targetsAny(ctx, {Target::kOnnxRuntime})) return;
  const std::optional<std::vector<int64_t>> pads = checks::resolvedPads(node);
  for (const std::optional<WindowAxis>& axis : node.axes) {
    if (!axis || (axis->facts.padBegin + axis->facts.padEnd) % 2 == 0) continue;
    report(ctx, node.geometry->padding,
           {axis->tensorAxis, axis->facts.padBegin, axis->facts.padEnd, describe(axis->facts, axis->tensorAxis)},
           pads);
  }
}

void checkOddSamePaddingSplit(InferContext& ctx, const TransposeNodeFacts& node) {
  if (!isSame(node.geometry->padding) || !checks::targetsAny(ctx, {Target::kOnnxRuntime})) return;
  const std::optional<std::vector<int64_t>> pads = checks::resolvedPads(node);
  for (const std::optional<TransposeAxis>& axis : node.axes) {
    if (!axis || (axis->facts.padBegin + axis->facts.padEnd) % 2 == 0) continue;
    report(ctx, node.geometry->padding,
           {axis->tensorAxis, axis->facts.padBegin, axis->facts.padEnd, describe(axis->facts, axis->tensorAxis)},
           pads);
  }
}

}  // namespace shapelint::passes::window
