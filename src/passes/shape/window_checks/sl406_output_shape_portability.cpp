// SL406 output-shape-portability: a ConvTranspose output_shape O between the
// natural size + 1 and natural + max(s, d) - 1 (natural = s(i - 1) + a + ke).
// The spec gives O; PyTorch reaches it by choosing output_padding; ONNX
// Runtime 1.30 rejects it ("Explicit output_shape is inconsistent with input
// spatial dimensions"); older ONNX Runtime releases clamped the pads to 0
// (conv-arithmetic.md, "Where runtimes disagree" item 6).
#include <algorithm>

#include <fmt/format.h>

#include "passes/shape/window_checks.h"

namespace shapelint::passes::window {

void checkOutputShapePortability(InferContext& ctx, const TransposeNodeFacts& node) {
  if (!checks::targetsAny(ctx, {Target::kOnnxRuntime})) return;
  for (const std::optional<TransposeAxis>& axis : node.axes) {
    if (!axis || !axis->window.outputShape) continue;
    const TransposeAxisFacts& f = axis->facts;
    const TransposeAxisWindow& tw = axis->window;
    if (f.output <= f.naturalOutput || f.output > f.maxReachableOutput) continue;
    const int64_t beyond = f.output - f.naturalOutput;
    const size_t a = axis->tensorAxis;
    const int64_t bound = std::max(tw.window.stride, tw.window.dilation);
    const int64_t outputPadding = tw.outputPadding + beyond;
    auto builder = ctx.report(diag::RuleId::kOutputShapePortability);
    builder
        .message(fmt::format("output_shape on axis {} is {}, {} beyond the natural size {} (s(i - 1) + a + {} = "
                             "{}({} - 1) + {} + {}): ONNX Runtime 1.30 rejects it and older releases clamp the pads to "
                             "0",
                             a, f.output, beyond, f.naturalOutput, tw.window.dilation == 1 ? "k" : "ke",
                             tw.window.stride, f.input, tw.outputPadding, f.effectiveKernel))
        .detail(describe(f, a));
    if (outputPadding < bound) {
      builder.detail(fmt::format("PyTorch reaches {} with output_padding {} (below max(s, d) = {})", f.output,
                                 outputPadding, bound));
      builder.help(fmt::format("use output_padding {} on axis {} instead of output_shape: s(i - 1) + a + {} = {} in "
                               "every runtime",
                               outputPadding, a, tw.window.dilation == 1 ? "k" : "ke", f.output));
    } else {
      builder.detail(fmt::format("PyTorch cannot reach {} either: it would need output_padding {}, not below max(s, "
                                 "d) = {}",
                                 f.output, outputPadding, bound));
      builder.help(fmt::format("set output_shape on axis {} to at most the natural size {}", a, f.naturalOutput));
    }
  }
}

}  // namespace shapelint::passes::window
