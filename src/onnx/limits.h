// Bounds on what the loader accepts, shared by the parsers and the graph
// builder. Private to src/onnx.
#pragma once

namespace shapelint::onnx {

// Subgraphs (If/Loop/Scan bodies) nested deeper than this are rejected; the
// main graph is level 0.
inline constexpr int kMaxSubgraphDepth = 64;

// protobuf's recursion limit when parsing a model: its default of 100, plus
// the three message levels (GraphProto, NodeProto, AttributeProto) that each
// level of subgraph nesting adds, so that kMaxSubgraphDepth levels parse.
inline constexpr int kProtobufRecursionLimit = 100 + 3 * kMaxSubgraphDepth;

}  // namespace shapelint::onnx
