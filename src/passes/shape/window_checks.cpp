#include "passes/shape/window_checks.h"

#include <fmt/format.h>

namespace shapelint::passes::window {

void runWindowChecks(InferContext& ctx, const WindowNodeFacts& node) {
  checkFloorTruncation(ctx, node);
  if (node.op == WindowOp::kPool) checkCeilModePortability(ctx, node);
  checkSameWithDilation(ctx, node);
  checkOddSamePaddingSplit(ctx, node);
  if (node.op == WindowOp::kPool) checkPoolPads(ctx, node);
}

void runTransposeChecks(InferContext& ctx, const TransposeNodeFacts& node) {
  checkConvTransposeSame(ctx, node);
  checkOddSamePaddingSplit(ctx, node);
  checkOutputShapePortability(ctx, node);
}

namespace checks {

std::string rows(int64_t n) { return fmt::format("{} row{}", n, n == 1 ? "" : "s"); }

bool targetsAny(const InferContext& ctx, std::initializer_list<Target> runtimes) {
  for (Target t : runtimes)
    if (targets(ctx.target(), t)) return true;
  return false;
}

namespace {

// The resolved pads of every axis of a node, in ONNX order; the same for
// direct windows and transposed ones.
template <typename NodeFacts>
std::optional<std::vector<int64_t>> resolvedPadsOf(const NodeFacts& node) {
  const WindowGeometry& g = *node.geometry;
  const size_t rank = g.spatialRank();
  std::vector<int64_t> pads(2 * rank, 0);
  for (size_t a = 0; a < rank; ++a) {
    if (node.axes[a]) {
      pads[a] = node.axes[a]->facts.padBegin;
      pads[a + rank] = node.axes[a]->facts.padEnd;
    } else if (isSame(g.padding)) {
      return std::nullopt;
    } else if (g.padding == Padding::kExplicit) {
      pads[a] = g.padsBegin[a];
      pads[a + rank] = g.padsEnd[a];
    }
  }
  return pads;
}

}  // namespace

std::optional<std::vector<int64_t>> resolvedPads(const WindowNodeFacts& node) { return resolvedPadsOf(node); }
std::optional<std::vector<int64_t>> resolvedPads(const TransposeNodeFacts& node) { return resolvedPadsOf(node); }

}  // namespace checks

}  // namespace shapelint::passes::window
