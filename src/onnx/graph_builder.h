// GraphProto -> ir::Graph, validated. Private to src/onnx.
#pragma once

#include <onnx/onnx_pb.h>

#include <optional>
#include <string>
#include <string_view>

#include "limits.h"
#include "shapelint/ir/graph.h"

namespace shapelint::onnx {

// Builds `graph` from a model's main graph, subgraphs included, and checks
// that every name is defined once, that every node input is produced, and
// that the nodes have a topological order, within `limits` (src/onnx/limits.h).
// Returns why the graph is invalid (one line, without the file name), or nullopt.
std::optional<std::string> buildGraph(const ::onnx::GraphProto& proto, ir::Graph& graph,
                                      const GraphLimits& limits = GraphLimits{});

// Text from the model as a message shows it: control characters as \xNN.
std::string escapeModelText(std::string_view text);

}  // namespace shapelint::onnx
