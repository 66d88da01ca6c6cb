// The per-model resource bounds of src/onnx/limits.h: each exceeded one is a
// one-line error saying which limit. Tested with lowered limits, so that no
// test builds ten million nodes; tests/unit/cli/hostile_test.cpp runs the
// binary on models past the real limits where they are cheap to build
// (a million inputs, rank 10 000).
#include "onnx/limits.h"

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <optional>
#include <string>

#include "onnx/graph_builder.h"

namespace shapelint::onnx {
namespace {

void addValue(::onnx::ValueInfoProto* info, const std::string& name, int rank) {
  info->set_name(name);
  auto* tensor = info->mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(::onnx::TensorProto::FLOAT);
  for (int i = 0; i < rank; ++i) tensor->mutable_shape()->add_dim()->set_dim_value(2);
}

void addRelu(::onnx::GraphProto& graph, const std::string& in, const std::string& out, const std::string& name) {
  ::onnx::NodeProto* node = graph.add_node();
  node->set_op_type("Relu");
  node->set_name(name);
  node->add_input(in);
  node->add_output(out);
}

// x -> `nodes` Relus -> y.
::onnx::GraphProto chain(int nodes, int rank = 2) {
  ::onnx::GraphProto graph;
  addValue(graph.add_input(), "x", rank);
  for (int i = 0; i < nodes; ++i)
    addRelu(graph, i == 0 ? "x" : "t" + std::to_string(i - 1), i == nodes - 1 ? "y" : "t" + std::to_string(i),
            "relu" + std::to_string(i));
  graph.add_output()->set_name("y");
  return graph;
}

// x -> If (then: the next level, else: Identity) -> y, `depth` Ifs deep.
::onnx::GraphProto nestedIfs(int depth) {
  auto leaf = [] {
    ::onnx::GraphProto g;
    ::onnx::NodeProto* id = g.add_node();
    id->set_op_type("Identity");
    id->add_input("x");
    id->add_output("y");
    g.add_output()->set_name("y");
    return g;
  };
  ::onnx::GraphProto inner = leaf();
  for (int level = depth - 1; level >= 0; --level) {
    ::onnx::GraphProto g;
    ::onnx::NodeProto* node = g.add_node();
    node->set_op_type("If");
    node->set_name("if" + std::to_string(level));
    node->add_input("c");
    node->add_output("y");
    ::onnx::AttributeProto* then = node->add_attribute();
    then->set_name("then_branch");
    then->set_type(::onnx::AttributeProto::GRAPH);
    *then->mutable_g() = std::move(inner);
    ::onnx::AttributeProto* otherwise = node->add_attribute();
    otherwise->set_name("else_branch");
    otherwise->set_type(::onnx::AttributeProto::GRAPH);
    *otherwise->mutable_g() = leaf();
    g.add_output()->set_name("y");
    inner = std::move(g);
  }
  addValue(inner.add_input(), "x", 2);
  addValue(inner.add_input(), "c", 0);
  return inner;
}

std::optional<std::string> build(const ::onnx::GraphProto& proto, const GraphLimits& limits) {
  ir::Graph graph;
  return buildGraph(proto, graph, limits);
}

TEST(Limits, DefaultsAreTheDocumentedOnes) {
  const GraphLimits limits;
  EXPECT_EQ(limits.maxSubgraphDepth, 64);
  EXPECT_EQ(limits.maxNodes, 10'000'000);
  EXPECT_EQ(limits.maxNodeInputs, 100'000);
  EXPECT_EQ(limits.maxRank, 1024);
}

TEST(Limits, NodeCountAtAndPastTheLimit) {
  GraphLimits limits;
  limits.maxNodes = 100;
  EXPECT_EQ(build(chain(100), limits), std::nullopt);
  EXPECT_EQ(build(chain(101), limits),
            "the model has more than 100 nodes (subgraphs included), the most shapelint accepts");
}

TEST(Limits, NodeCountIncludesSubgraphs) {
  // 10 Ifs, each with an Identity in its else branch, and the innermost
  // Identity: 10 + 10 + 1 = 21 nodes.
  GraphLimits limits;
  limits.maxNodes = 21;
  EXPECT_EQ(build(nestedIfs(10), limits), std::nullopt);
  limits.maxNodes = 20;
  EXPECT_EQ(build(nestedIfs(10), limits),
            "the model has more than 20 nodes (subgraphs included), the most shapelint accepts");
}

TEST(Limits, SubgraphDepthAtAndPastTheLimit) {
  GraphLimits limits;
  limits.maxSubgraphDepth = 8;
  EXPECT_EQ(build(nestedIfs(8), limits), std::nullopt);
  EXPECT_EQ(build(nestedIfs(9), limits),
            "node 'if8' (If) nests subgraphs more than 8 deep, the most shapelint accepts");
}

// Protobuf's own recursion limit (100 messages) stops a file long before
// the default depth of 64 Ifs; a GraphProto built in memory is not limited
// by it, and the builder's limit applies.
TEST(Limits, DefaultSubgraphDepth) {
  EXPECT_EQ(build(nestedIfs(64), GraphLimits{}), std::nullopt);
  EXPECT_EQ(build(nestedIfs(65), GraphLimits{}),
            "node 'if64' (If) nests subgraphs more than 64 deep, the most shapelint accepts");
  EXPECT_EQ(build(nestedIfs(1000), GraphLimits{}),
            "node 'if64' (If) nests subgraphs more than 64 deep, the most shapelint accepts");
}

TEST(Limits, RankOfADeclaredShape) {
  GraphLimits limits;
  limits.maxRank = 6;
  EXPECT_EQ(build(chain(2, 6), limits), std::nullopt);
  EXPECT_EQ(build(chain(2, 7), limits), "value 'x' declares rank 7, more than the 6 shapelint accepts");
}

TEST(Limits, RankOfAnInitializer) {
  GraphLimits limits;
  limits.maxRank = 6;
  ::onnx::GraphProto graph = chain(1);
  ::onnx::TensorProto* w = graph.add_initializer();
  w->set_name("w");
  w->set_data_type(::onnx::TensorProto::FLOAT);
  for (int i = 0; i < 7; ++i) w->add_dims(1);
  w->set_raw_data(std::string(4, '\0'));
  EXPECT_EQ(build(graph, limits), "initializer 'w' has rank 7, more than the 6 shapelint accepts");
}

TEST(Limits, InputsOfOneNode) {
  GraphLimits limits;
  limits.maxNodeInputs = 3;
  ::onnx::GraphProto graph;
  addValue(graph.add_input(), "x", 2);
  ::onnx::NodeProto* sum = graph.add_node();
  sum->set_op_type("Sum");
  sum->set_name("sum0");
  for (int i = 0; i < 4; ++i) sum->add_input("x");
  sum->add_output("y");
  graph.add_output()->set_name("y");
  EXPECT_EQ(build(graph, limits), "node 'sum0' (Sum) has 4 inputs, more than the 3 shapelint accepts");
  sum->mutable_input()->RemoveLast();
  EXPECT_EQ(build(graph, limits), std::nullopt);
}

}  // namespace
}  // namespace shapelint::onnx
