// SL403 convtranspose-same-output-padding: ConvTranspose with auto_pad
// SAME_UPPER/SAME_LOWER. The spec gives o = i * s and absorbs output_padding
// into the pads; ONNX 1.12's inference pads by max(0, ke - s), giving
// s(i - 1) + a + ke - max(0, ke - s) (k=1, s=2, i=5: 9, not 10); ONNX
// Runtime gives the natural size when the SAME total padding would be
// negative (conv-arithmetic.md, "Where runtimes disagree" items 5 and 8).
#include <algorithm>

#include <fmt/format.h>

#include "passes/shape/window_checks.h"

namespace shapelint::passes::window {
namespace {

// Explicit pads and output_padding that give i * s on every axis whatever
// the input: pb + pe = ke - s when ke >= s (split like SAME), else no pads and
// output_padding s - ke. std::nullopt when a kernel is unknown.
bool explicitEquivalent(const WindowGeometry& g, std::vector<int64_t>& pads, std::vector<int64_t>& outputPadding) {
  const size_t rank = g.spatialRank();
  pads.assign(2 * rank, 0);
  outputPadding.assign(rank, 0);
  for (size_t a = 0; a < rank; ++a) {
    std::optional<AxisWindow> w = g.axis(a);
    if (!w) return false;
    std::optional<int64_t> ke = effectiveKernel(w->kernel, w->dilation);
    if (!ke) return false;
    const int64_t total = *ke - w->stride;
    if (total >= 0) {
      const int64_t small = total / 2;
      pads[a] = g.padding == Padding::kSameUpper ? small : total - small;
      pads[a + rank] = total - pads[a];
    } else {
      outputPadding[a] = -total;
    }
  }
  return true;
}

}  // namespace

void checkConvTransposeSame(InferContext& ctx, const TransposeNodeFacts& node) {
  const WindowGeometry& g = *node.geometry;
  if (!isSame(g.padding)) return;
  const bool onnx = checks::targetsAny(ctx, {Target::kOnnx});
  const bool onnxRuntime = checks::targetsAny(ctx, {Target::kOnnxRuntime});
  if (!onnx && !onnxRuntime) return;
  for (const std::optional<TransposeAxis>& axis : node.axes) {
    if (!axis) continue;
    const TransposeAxisFacts& f = axis->facts;
    const TransposeAxisWindow& tw = axis->window;
    const int64_t a = tw.outputPadding;
    std::optional<int64_t> legacy = legacySameTransposeOutput(f.input, tw);
    // ONNX Runtime: i * s when the total padding natural - i * s is >= 0, else the natural size.
    const int64_t onnxRuntimeSize = f.naturalOutput < f.output ? f.naturalOutput : f.output;
    std::vector<std::string> others;
    if (onnx && legacy && *legacy != f.output) others.push_back(fmt::format("ONNX 1.12 gives {}", *legacy));
    if (onnxRuntime && onnxRuntimeSize != f.output) {
      others.push_back(fmt::format("ONNX Runtime gives {} (the natural size: its total padding {} - {} is negative)",
                                   onnxRuntimeSize, f.naturalOutput, f.output));
    }
    if (a == 0 && others.empty()) continue;

    const std::string k = tw.window.dilation == 1 ? "k" : "ke";
    auto builder = ctx.report(diag::RuleId::kConvTransposeSameOutputPadding);
    builder
        .message(fmt::format("auto_pad {}{} on axis {}: the spec gives {} (o = i * s = {} * {}){}{}",
                             autoPadName(g.padding), a != 0 ? fmt::format(" with output_padding {}", a) : "",
                             axis->tensorAxis, f.output, f.input, tw.window.stride, others.empty() ? "" : ", ",
                             fmt::format("{}", fmt::join(others, ", "))))
        .detail(describe(f, axis->tensorAxis));
    if (legacy) {
      builder.detail(fmt::format("ONNX 1.12: o = s(i - 1) + a + {0} - max(0, {0} - s) = {1}({2} - 1) + {3} + {4} - "
                                 "max(0, {4} - {1}) = {5}",
                                 k, tw.window.stride, f.input, a, f.effectiveKernel, *legacy));
    }
    if (a != 0) {
      builder.detail(fmt::format("the spec and ONNX Runtime absorb output_padding {} into the pads; ONNX 1.12 adds it "
                                 "to the size",
                                 a));
    }
    std::vector<int64_t> pads;
    std::vector<int64_t> outputPadding;
    if (explicitEquivalent(g, pads, outputPadding)) {
      const bool anyOutputPadding =
          std::any_of(outputPadding.begin(), outputPadding.end(), [](int64_t v) { return v != 0; });
      builder.help(fmt::format("use auto_pad NOTSET with pads={}{}: o = i * s in every runtime",
                               attributeList(pads),
                               anyOutputPadding ? fmt::format(" and output_padding={}", attributeList(outputPadding))
                                                : std::string(" and no output_padding")));
    } else {
      builder.help("use auto_pad NOTSET with explicit pads (ke - s in total per axis) so that every runtime gives "
                   "i * s");
    }
  }
}

}  // namespace shapelint::passes::window
