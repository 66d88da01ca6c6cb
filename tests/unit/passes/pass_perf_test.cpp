// What the pass's speed-ups (issue 8) must not change: the help line of a
// symbolic SL202, formatted only when it is reported; input shapes handed to
// shape functions by reference, with declared dims still filling unknown
// ones; a node that reads its own output.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "passes/model_builder.h"

namespace shapelint::passes {
namespace {

using ::testing::HasSubstr;
using testing::Inferred;
using testing::ints;
using testing::ModelBuilder;
using testing::shape;

TEST(PassPerf, symbolic_below_one_keeps_its_help_line) {
  // k = 3, s = 2, no pads, 63 times on H: conv63's output
  // floor((H + 1)/2^63) - 1 is below 1 for every H (see
  // WindowSymbolicModel.deep_valid_chain_reports_below_one_once_it_is_provable).
  ModelBuilder b(13);
  b.input("x", {1, 1, "H", 1}).initializer("w", {1, 1, 3, 1});
  std::string in = "x";
  for (int layer = 1; layer <= 63; ++layer) {
    const std::string out = "y" + std::to_string(layer);
    b.node("Conv", {in, "w"}, {out}, {ints("strides", {2, 1})}, "conv" + std::to_string(layer));
    in = out;
  }
  Inferred r = testing::infer(b);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  const std::string input = r.shapeOf("y62")[2].str();
  EXPECT_EQ(r.diagnostics.front().help,
            "the kernel spans 3 but the padded input " + input +
                " + 0 + 0 is smaller for every size: feed a larger input on axis 2, pad more, or use a smaller "
                "kernel or dilation");
}

TEST(PassPerf, declared_dims_fill_unknown_inferred_dims_of_an_input) {
  // x [N, ?] declared, y =
  // Relu(x) inferred [N, ?]; y's value_info declares [N, 7], so z = Relu(y)
  // sees [N, 7] (declared fills the unknown dim).
  ModelBuilder b(13);
  b.input("x", {"N", "?"});
  b.node("Relu", {"x"}, {"y"});
  b.node("Relu", {"y"}, {"z"});
  ir::Model m = b.build();
  ir::Value* y = m.graph.find("y");
  y->hasDeclared = true;
  y->declared = shape({"N", 7});
  PassOptions options;
  runShapePass(m, options);
  EXPECT_EQ(m.graph.find("y")->inferred, shape({"N", "?"}));
  EXPECT_EQ(m.graph.find("z")->inferred, shape({"N", 7}));
}

TEST(PassPerf, node_reading_its_own_output_sees_the_shape_from_before_it_ran) {
  // A malformed graph the loader would reject (a cycle), built in the IR:
  // Concat(x, y) -> y on axis 0 with y seeded [1, 3] as if declared. The
  // node sees y as [1, 3] for the whole call: output [2 + 1, 3].
  ModelBuilder b(13);
  b.input("x", {2, 3});
  b.node("Concat", {"x", "y"}, {"y"}, {testing::intAttr("axis", 0)});
  ir::Model m = b.build();
  ir::Value* y = m.graph.find("y");
  y->hasDeclared = true;
  y->declared = shape({1, 3});
  PassOptions options;
  runShapePass(m, options);
  EXPECT_EQ(m.graph.find("y")->inferred, shape({3, 3}));
}

// Nodes sharing one attribute list (as the loader gives repeated Convs)
// with equal inputs take the outputs of the first without running the shape
// function again (PassOptions::rememberRepeatedNodes); anything that differs
// (input shape, type, an extra input) runs it. Every shape and type is the
// same as with the memo off.
TEST(PassPerf, repeated_nodes_give_what_running_each_gives) {
  ModelBuilder b(13);
  b.input("x", {"N", 2, 8, 8}).input("x2", {"N", 2, 6, 6}).input("xh", {"N", 2, 8, 8}, ir::kFloat16);
  b.initializer("w", {4, 2, 3, 3}).initializer("bias", {4}).initializer("wh", {4, 2, 3, 3}, ir::kFloat16);
  b.initializer("w4", {4, 4, 3, 3});
  const std::vector<ir::Attribute> attrs = {ints("pads", {1, 1, 1, 1}), ints("kernel_shape", {3, 3})};
  b.node("Conv", {"x", "w"}, {"c1"}, attrs, "conv1");
  b.node("Conv", {"x", "w"}, {"c2"}, attrs, "conv2");
  b.node("Conv", {"x2", "w"}, {"c3"}, attrs, "conv3");
  b.node("Conv", {"x", "w", "bias"}, {"c4"}, attrs, "conv4");
  b.node("Conv", {"xh", "wh"}, {"c5"}, attrs, "conv5");
  b.node("Conv", {"c1", "w4"}, {"c6"}, attrs, "conv6");
  auto run = [&](bool remember) {
    ir::Model m = b.build();
    for (ir::Node& n : m.graph.nodes) n.attributes = m.graph.nodes[0].attributes;  // one shared list
    EXPECT_TRUE(m.graph.nodes[0].attributes.shared());
    PassOptions options;
    options.rememberRepeatedNodes = remember;
    std::vector<diag::Diagnostic> diagnostics = runShapePass(m, options).diagnostics;
    EXPECT_TRUE(diagnostics.empty()) << (diagnostics.empty() ? "" : testing::brief(diagnostics[0]));
    std::vector<std::string> out;
    for (const ir::Value& v : m.graph.values) out.push_back(v.name + " " + v.inferred.str() + " " + ir::elemTypeName(v.elemType));
    return out;
  };
  const std::vector<std::string> remembered = run(true);
  EXPECT_EQ(remembered, run(false));
  auto has = [&](const std::string& line) {
    return std::find(remembered.begin(), remembered.end(), line) != remembered.end();
  };
  EXPECT_TRUE(has("c1 [N, 4, 8, 8] float"));
  EXPECT_TRUE(has("c2 [N, 4, 8, 8] float"));
  EXPECT_TRUE(has("c3 [N, 4, 6, 6] float"));
  EXPECT_TRUE(has("c4 [N, 4, 8, 8] float"));
  EXPECT_TRUE(has("c5 [N, 4, 8, 8] float16"));
  EXPECT_TRUE(has("c6 [N, 4, 8, 8] float"));
}

// A node whose shape function reports a finding is not remembered: each
// repeated node reports its own (here SL204: 10 rows, kernel 3, stride 2
// leave the last row out).
TEST(PassPerf, repeated_nodes_each_report_their_own_findings) {
  ModelBuilder b(13);
  b.input("x", {1, 1, 10, 10}).initializer("w", {1, 1, 3, 3});
  const std::vector<ir::Attribute> attrs = {ints("strides", {2, 2})};
  b.node("Conv", {"x", "w"}, {"a"}, attrs, "conv_a");
  b.node("Conv", {"x", "w"}, {"b"}, attrs, "conv_b");
  ir::Model m = b.build();
  m.graph.nodes[1].attributes = m.graph.nodes[0].attributes;
  PassOptions options;
  const std::vector<diag::Diagnostic> diagnostics = runShapePass(m, options).diagnostics;
  std::vector<std::string> nodes;
  for (const diag::Diagnostic& d : diagnostics)
    if (std::string(d.ruleInfo().code) == "SL204") nodes.push_back(d.node);
  EXPECT_EQ(nodes, (std::vector<std::string>{"conv_a", "conv_a", "conv_b", "conv_b"}));  // two axes each
  EXPECT_EQ(m.graph.find("a")->inferred, shape({1, 1, 4, 4}));
  EXPECT_EQ(m.graph.find("b")->inferred, shape({1, 1, 4, 4}));
}

}  // namespace
}  // namespace shapelint::passes
