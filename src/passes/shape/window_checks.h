// The checks of window operators that need the arithmetic's facts: one rule
// per function, each in its own file under window_checks/ (named after its
// code). Finding and reporting are separate steps: window.cpp computes the
// per-axis facts once, these functions only decide and report.
//
// Portability findings (SL4xx) are reported only when the --target selection
// includes a runtime they concern. Sizes are never changed here: the shape
// functions propagate the current ONNX spec's size.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "passes/shape/window.h"
#include "shapelint/passes/shape_fn.h"

namespace shapelint::passes::window {

// One spatial axis whose input size is a known integer and whose output is at least 1.
struct WindowAxis {
  size_t tensorAxis = 0;
  AxisWindow window;
  AxisFacts facts;
};

// What the checks of a Conv-like node (Conv, ConvInteger, QLinearConv,
// DeformConv: op kConv) or a pool (kPool) see.
struct WindowNodeFacts {
  WindowOp op = WindowOp::kConv;
  const WindowGeometry* geometry = nullptr;
  const ir::Shape* input = nullptr;
  std::vector<std::optional<WindowAxis>> axes;  // per spatial axis; empty when not concrete
};

// Every check below that applies to the node's op, in rule-code order.
void runWindowChecks(InferContext& ctx, const WindowNodeFacts& node);

void checkFloorTruncation(InferContext& ctx, const WindowNodeFacts& node);      // SL204
void checkCeilModePortability(InferContext& ctx, const WindowNodeFacts& node);  // SL401, pools
void checkSameWithDilation(InferContext& ctx, const WindowNodeFacts& node);     // SL402
void checkOddSamePaddingSplit(InferContext& ctx, const WindowNodeFacts& node);  // SL404
void checkPoolPads(InferContext& ctx, const WindowNodeFacts& node);             // SL405, pools

// One spatial axis of a ConvTranspose whose input size is a known integer.
struct TransposeAxis {
  size_t tensorAxis = 0;
  TransposeAxisWindow window;
  TransposeAxisFacts facts;
};

struct TransposeNodeFacts {
  const WindowGeometry* geometry = nullptr;
  std::vector<int64_t> outputPadding;           // per spatial axis
  std::vector<std::optional<TransposeAxis>> axes;  // per spatial axis; empty when not concrete
};

// Every ConvTranspose check below, in rule-code order.
void runTransposeChecks(InferContext& ctx, const TransposeNodeFacts& node);

void checkConvTransposeSame(InferContext& ctx, const TransposeNodeFacts& node);       // SL403
void checkOddSamePaddingSplit(InferContext& ctx, const TransposeNodeFacts& node);     // SL404
void checkOutputShapePortability(InferContext& ctx, const TransposeNodeFacts& node);  // SL406

// Helpers shared by the checks.
namespace checks {

// "1 row", "3 rows".
std::string rows(int64_t n);
// True when the --target selection includes any of the runtimes.
bool targetsAny(const InferContext& ctx, std::initializer_list<Target> runtimes);
// The pads of every axis as ONNX writes them ([b1, b2, ..., e1, e2, ...]):
// the resolved pads of concrete axes, the explicit ones elsewhere.
// std::nullopt when an axis has no known pads (SAME on a symbolic dim).
std::optional<std::vector<int64_t>> resolvedPads(const WindowNodeFacts& node);
std::optional<std::vector<int64_t>> resolvedPads(const TransposeNodeFacts& node);

}  // namespace checks

}  // namespace shapelint::passes::window
