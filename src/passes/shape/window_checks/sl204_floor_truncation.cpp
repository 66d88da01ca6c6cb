// SL204 floor-truncation: a strided window never reads the last rows of its
// input, more of them than the gap it skips between placements
// (conv-arithmetic.md, "Floor truncation that matters"):
//   max(0, r - pe) > max(0, s - ke),  r = (i + pb + pe - ke) mod s.
// A 1x1 stride-2 downsample (ke < s) skips a row between placements by
// design, so losing the last one is no news there.
#include <algorithm>

#include <fmt/format.h>

#include "passes/shape/window_checks.h"
#include "shapelint/ir/checked.h"

namespace shapelint::passes::window {

void checkFloorTruncation(InferContext& ctx, const WindowNodeFacts& node) {
  for (const std::optional<WindowAxis>& axis : node.axes) {
    if (!axis) continue;
    const AxisFacts& f = axis->facts;
    const AxisWindow& w = axis->window;
    const int64_t gap = std::max<int64_t>(0, w.stride - f.effectiveKernel);
    if (f.droppedRows <= gap) continue;

    const std::string k = w.dilation == 1 ? "k" : "ke";
    const size_t a = axis->tensorAxis;
    auto builder = ctx.report(diag::RuleId::kFloorTruncation);
    builder
        .message(fmt::format("floor drops the last {} of axis {}: r = (i + pb + pe - {}) mod s = ({} + {} + {} - {}) "
                             "mod {} = {}, real rows max(0, r - pe) = {} > gap max(0, s - {}) = {}",
                             checks::rows(f.droppedRows), a, k, f.input, f.padBegin, f.padEnd, f.effectiveKernel,
                             w.stride, f.remainder, f.droppedRows, k, gap))
        .detail(describe(f, a))
        .detail(fmt::format("input sizes {} to {} all give {} on axis {}: the layer cannot tell them apart",
                            f.sameOutputFrom, f.sameOutputTo, f.output, a));

    // The nearest inputs that drop nothing: i - dropped (r becomes pe) and
    // i + s - r (r becomes 0, one more placement); or an end pad that gives
    // the last rows one more placement: pe + s - r.
    std::string inputs = fmt::format("input {}", f.input - f.droppedRows);
    if (std::optional<int64_t> above = ir::checkedAdd(f.input, w.stride - f.remainder))
      inputs += fmt::format(" or {}", *above);
    std::string padsText;
    std::optional<std::vector<int64_t>> pads = checks::resolvedPads(node);
    std::optional<int64_t> newEnd = ir::checkedAdd(f.padEnd, w.stride - f.remainder);
    if (pads && newEnd) {
      (*pads)[a - 2 + node.geometry->spatialRank()] = *newEnd;
      padsText = fmt::format(", or {}pads={} to cover the last {}",
                             node.geometry->padding == Padding::kExplicit ? "" : "auto_pad NOTSET with ",
                             attributeList(*pads), checks::rows(f.droppedRows));
    }
    builder.help(fmt::format("use {} on axis {} (no row dropped){}", inputs, a, padsText));
  }
}

}  // namespace shapelint::passes::window
