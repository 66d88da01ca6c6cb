// SL405 pool-pads-not-smaller-than-kernel: the ONNX spec only requires pool
// pads >= 0, but ONNX Runtime rejects a pad that is not smaller than the
// kernel and PyTorch one above k/2 (conv-arithmetic.md, "Where runtimes
// disagree" item 3).
#include <algorithm>

#include <fmt/format.h>

#include "passes/shape/window_checks.h"

namespace shapelint::passes::window {

void checkPoolPads(InferContext& ctx, const WindowNodeFacts& node) {
  const WindowGeometry& g = *node.geometry;
  if (g.padding != Padding::kExplicit) return;
  const bool onnxRuntime = checks::targetsAny(ctx, {Target::kOnnxRuntime});
  const bool pytorch = checks::targetsAny(ctx, {Target::kPyTorch});
  if (!onnxRuntime && !pytorch) return;
  std::vector<int64_t> pads(g.padsBegin);
  pads.insert(pads.end(), g.padsEnd.begin(), g.padsEnd.end());
  const std::string padsText = attributeList(pads);
  std::vector<std::string> kernel;
  for (const ir::Dim& d : g.kernel) kernel.push_back(d.str());
  const std::string kernelText = fmt::format("[{}]", fmt::join(kernel, ","));
  for (size_t a = 0; a < g.spatialRank(); ++a) {
    if (!g.kernel[a].isValue()) continue;
    const int64_t k = g.kernel[a].value();
    const bool begin = g.padsBegin[a] >= g.padsEnd[a];
    const int64_t pad = begin ? g.padsBegin[a] : g.padsEnd[a];
    const std::string which = begin ? "begin" : "end";
    const size_t axis = a + 2;
    std::string message;
    if (pad >= k) {
      message = fmt::format("{} pad {} on axis {} is not smaller than the kernel {}: ONNX Runtime rejects the node, "
                            "and PyTorch allows at most k/2 = {}",
                            which, pad, axis, k, k / 2);
    } else if (pad > k / 2 && pytorch) {
      message = fmt::format("{} pad {} on axis {} is more than half the kernel {}: PyTorch allows at most k/2 = {}",
                            which, pad, axis, k, k / 2);
    } else {
      continue;
    }
    ctx.report(diag::RuleId::kPoolPadsNotSmallerThanKernel)
        .message(std::move(message))
        .detail(fmt::format("pads = {}, kernel_shape = {}", padsText, kernelText))
        .help(fmt::format("use pads of at most {} on axis {}, and pad further with a Pad node before the pool if the "
                          "model needs the extra border",
                          k / 2, axis));
  }
}

}  // namespace shapelint::passes::window
