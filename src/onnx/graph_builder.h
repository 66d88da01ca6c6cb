// GraphProto -> ir::Graph, validated. Private to src/onnx.
#pragma once

#include <onnx/onnx_pb.h>

#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>
#include <string>
#include <string_view>

#include "limits.h"
#include "shapelint/ir/graph.h"

namespace shapelint::onnx {

// The nodes of one GraphProto as the skimming loader reads them (skim.h):
// ir::Nodes with opType, domain and name as the model spells them, inputs,
// outputs and attributes. An attribute that holds a tensor or a graph is a
// default ir::Attribute here, to be read from its AttributeProto.
struct SkimmedGraph {
  struct ProtoAttribute {
    size_t node = 0;       // index in nodes
    size_t attribute = 0;  // index in that node's attributes
    const ::onnx::AttributeProto* proto = nullptr;
  };
  std::vector<ir::Node> nodes;
  std::vector<ProtoAttribute> protoAttributes;  // in the model's order
};

// Every graph's skimmed nodes, by the GraphProto they belong to (a graph
// with no nodes has no entry), and the AttributeProtos they point to.
struct SkimmedNodes {
  std::unordered_map<const ::onnx::GraphProto*, SkimmedGraph> graphs;
  std::vector<std::unique_ptr<::onnx::AttributeProto>> attributes;
};

// Builds `graph` from a model's main graph, subgraphs included, and checks
// that every name is defined once, that every node input is produced, and
// that the nodes have a topological order, within `limits` (src/onnx/limits.h).
// The nodes are the GraphProtos' own, or, for a graph `skimmed` has nodes
// for, those (moved out of it). Returns why the graph is invalid (one line,
// without the file name), or nullopt.
std::optional<std::string> buildGraph(const ::onnx::GraphProto& proto, ir::Graph& graph,
                                      const GraphLimits& limits = GraphLimits{}, SkimmedNodes* skimmed = nullptr);

// Text from the model as a message shows it: control characters as \xNN.
std::string escapeModelText(std::string_view text);

}  // namespace shapelint::onnx
