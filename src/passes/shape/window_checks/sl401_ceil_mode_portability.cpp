// SL401 ceil-mode-portability: a pool with ceil_mode whose size differs
// between the current rule (ONNX since onnx/onnx PR #5741, PyTorch, ONNX
// Runtime 1.30: drop a last window that would start in the right padding)
// and ONNX 1.12 / older ONNX Runtime (ceil((i + P - ke)/s) + 1, no
// correction). conv-arithmetic.md, "Where runtimes disagree" item 2.
#include <algorithm>

#include <fmt/format.h>

#include "passes/shape/window_checks.h"
#include "shapelint/ir/checked.h"

namespace shapelint::passes::window {
namespace {

// Floor-mode pads that give every axis its current-rule size: the end pad
// grows to (o - 1)s + ke - i - pb where floor would give less. std::nullopt
// when an axis is not concrete under SAME (its pads are unknown).
std::optional<std::vector<int64_t>> floorModePads(const WindowNodeFacts& node, bool& changed) {
  std::optional<std::vector<int64_t>> pads = checks::resolvedPads(node);
  if (!pads) return std::nullopt;
  const size_t rank = node.geometry->spatialRank();
  changed = false;
  for (size_t a = 0; a < rank; ++a) {
    if (!node.axes[a]) continue;
    const AxisFacts& f = node.axes[a]->facts;
    // (o - 1)s + ke - i - pb; each step fits or the whole does not.
    std::optional<int64_t> needed = ir::checkedMul(f.output - 1, node.axes[a]->window.stride);
    if (needed) needed = ir::checkedAdd(*needed, f.effectiveKernel);
    if (needed) needed = ir::checkedSub(*needed, f.input);
    if (needed) needed = ir::checkedSub(*needed, f.padBegin);
    if (!needed) return std::nullopt;
    if (*needed > (*pads)[a + rank]) {
      (*pads)[a + rank] = *needed;
      changed = true;
    }
  }
  return pads;
}

}  // namespace

void checkCeilModePortability(InferContext& ctx, const WindowNodeFacts& node) {
  if (!node.geometry->ceilMode) return;
  if (!checks::targetsAny(ctx, {Target::kOnnx, Target::kOnnxRuntime})) return;
  for (const std::optional<WindowAxis>& axis : node.axes) {
    if (!axis || axis->facts.legacyOutput == axis->facts.output) continue;
    const AxisFacts& f = axis->facts;
    const AxisWindow& w = axis->window;
    const size_t a = axis->tensorAxis;
    auto builder = ctx.report(diag::RuleId::kCeilModePortability);
    builder
        .message(fmt::format("ceil_mode gives {} on axis {} in the current ONNX spec, PyTorch and ONNX Runtime 1.30, "
                             "but {} in ONNX 1.12 and older ONNX Runtime releases",
                             f.output, a, f.legacyOutput))
        .detail(describe(f, a))
        .detail(fmt::format("ONNX 1.12: o = ceil((i + pb + pe - {})/s) + 1 = ceil(({} + {} + {} - {})/{}) + 1 = {}, "
                            "keeping a last window that starts in the right padding",
                            w.dilation == 1 ? "k" : "ke", f.input, f.padBegin, f.padEnd, f.effectiveKernel, w.stride,
                            f.legacyOutput));
    bool changed = false;
    std::optional<std::vector<int64_t>> pads = floorModePads(node, changed);
    if (!pads) {
      builder.help(fmt::format("set ceil_mode=0 with explicit pads that give {} on axis {}, so that every runtime "
                               "computes the same size",
                               f.output, a));
    } else if (!changed) {
      builder.help(fmt::format("set ceil_mode=0: it gives {} on axis {} as well, in every runtime", f.output, a));
    } else {
      builder.help(fmt::format("set ceil_mode=0 with {}pads={}: it gives {} on axis {} in every runtime",
                               node.geometry->padding == Padding::kExplicit ? "" : "auto_pad NOTSET and ",
                               attributeList(*pads), f.output, a));
    }
  }
}

}  // namespace shapelint::passes::window
