// SL402 same-with-dilation: auto_pad SAME_UPPER/SAME_LOWER with a dilation
// above 1. ONNX Runtime's Conv rejects it (microsoft/onnxruntime #20582);
// its pools compute the SAME pad from k instead of ke and so give another
// size (conv-arithmetic.md, "Where runtimes disagree" item 4).
#include <algorithm>

#include <fmt/format.h>

#include "passes/shape/window_checks.h"

namespace shapelint::passes::window {

void checkSameWithDilation(InferContext& ctx, const WindowNodeFacts& node) {
  const WindowGeometry& g = *node.geometry;
  if (!isSame(g.padding)) return;
  if (std::none_of(g.dilations.begin(), g.dilations.end(), [](int64_t d) { return d > 1; })) return;
  if (!checks::targetsAny(ctx, {Target::kOnnxRuntime})) return;

  const std::string setting =
      fmt::format("auto_pad {} with dilations {}", autoPadName(g.padding), fmt::format("[{}]", fmt::join(g.dilations, ", ")));
  std::vector<std::string> details;
  std::string sizes;  // pools: ", and gives 6 instead of 8 on axis 2"
  for (const std::optional<WindowAxis>& axis : node.axes) {
    if (!axis || axis->window.dilation == 1) continue;
    const AxisFacts& f = axis->facts;
    const AxisWindow& w = axis->window;
    std::string line = fmt::format("{}; ke = d(k - 1) + 1 = {}({} - 1) + 1 = {}", describe(f, axis->tensorAxis),
                                   w.dilation, w.kernel, f.effectiveKernel);
    if (node.op == WindowOp::kPool) {
      std::optional<int64_t> ort = onnxRuntimeSamePoolOutput(f.input, w);
      if (!ort) {
        line += "; ONNX Runtime's pad for k, (o - 1)s + k - i, is negative and it rejects the node";
      } else {
        line += fmt::format("; ONNX Runtime pads for k = {} and gives {}", w.kernel, *ort);
        if (*ort != f.output && sizes.empty())
          sizes = fmt::format(", and gives {} instead of {} on axis {}", *ort, f.output, axis->tensorAxis);
      }
    }
    details.push_back(line);
  }

  auto builder = ctx.report(diag::RuleId::kSameWithDilation);
  if (node.op == WindowOp::kPool) {
    builder.message(fmt::format("{}: ONNX Runtime computes the SAME pads from the kernel k, not the dilated kernel "
                                "ke{}",
                                setting, sizes));
  } else {
    builder.message(fmt::format("{}: ONNX Runtime rejects SAME padding with a dilation other than 1", setting));
  }
  for (std::string& d : details) builder.detail(std::move(d));
  std::optional<std::vector<int64_t>> pads = checks::resolvedPads(node);
  if (pads) {
    builder.help(fmt::format("use auto_pad NOTSET with pads={} (the SAME pads for this input size), which every "
                             "runtime reads alike",
                             attributeList(*pads)));
  } else {
    builder.help("use auto_pad NOTSET with explicit pads: a total of (ceil(i/s) - 1)s + ke - i per axis, the extra "
                 "one at the end for SAME_UPPER");
  }
}

}  // namespace shapelint::passes::window
