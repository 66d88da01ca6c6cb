// Per-model resource bounds: what a hostile model can make shapelint spend,
// shared by the parsers and the graph builder. A model past one of them is
// refused with a one-line load error saying which limit it exceeds. Private
// to src/onnx.
#pragma once

#include <cstdint>

namespace shapelint::onnx {

// Subgraphs (If/Loop/Scan bodies) nested deeper than this are rejected; the
// main graph is level 0.
inline constexpr int kMaxSubgraphDepth = 64;

// protobuf's recursion limit when parsing a model: its default of 100, plus
// the three message levels (GraphProto, NodeProto, AttributeProto) that each
// level of subgraph nesting adds, so that kMaxSubgraphDepth levels parse.
inline constexpr int kProtobufRecursionLimit = 100 + 3 * kMaxSubgraphDepth;

// Nodes in one model, the nodes of every subgraph included.
inline constexpr int64_t kMaxModelNodes = 10'000'000;
// Inputs of one node (Concat and Sum are variadic; real models stay far below).
inline constexpr int kMaxNodeInputs = 100'000;
// Rank of a declared shape, an initializer or a constant tensor. ONNX sets no
// limit; numpy's is 64, and every tensor shapelint keeps costs memory per dim.
inline constexpr int kMaxModelRank = 1024;

// The limits buildGraph enforces; tests lower them to exercise the errors
// without building models of ten million nodes.
struct GraphLimits {
  int maxSubgraphDepth = kMaxSubgraphDepth;
  int64_t maxNodes = kMaxModelNodes;
  int maxNodeInputs = kMaxNodeInputs;
  int maxRank = kMaxModelRank;
};

}  // namespace shapelint::onnx
