// RNN/GRU/LSTM, Loop and Scan through runShapePass. Expected shapes are the
// ONNX spec's formulas worked by hand (in comments).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "passes/model_builder.h"

namespace shapelint::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> codes(const Inferred& r) {
  std::vector<std::string> out;
  for (const diag::Diagnostic& d : r.diagnostics) out.emplace_back(d.ruleInfo().code);
  return out;
}

ir::Attribute graphAttr(std::string name, const ModelBuilder& body) {
  ir::Attribute a;
  a.name = std::move(name);
  a.type = ir::Attribute::Type::kGraph;
  a.mutableGraphs().push_back(std::make_shared<ir::Graph>(body.build().graph));
  return a;
}

// ---------------------------------------------------------------------------
// Recurrent layers.

TEST(MiscRnn, lstm_bidirectional_layout_1) {
  // X [B, T, 10], hidden 8, G = 4: W [2, 32, 10], R [2, 32, 8].
  // layout 1: Y [B, T, 2, 8], Y_h and Y_c [B, 2, 8]
  ModelBuilder b(14);
  b.input("x", {"B", "T", 10}).initializer("w", {2, 32, 10}).initializer("r", {2, 32, 8});
  b.node("LSTM", {"x", "w", "r"}, {"y", "yh", "yc"},
         {intAttr("hidden_size", 8), stringAttr("direction", "bidirectional"), intAttr("layout", 1)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"B", "T", 2, 8}));
  EXPECT_EQ(r.shapeOf("yh"), shape({"B", 2, 8}));
  EXPECT_EQ(r.shapeOf("yc"), shape({"B", 2, 8}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(MiscRnn, rnn_layout_0_hidden_from_r) {
  // no hidden_size attribute: R's last dim (16). Y [T, 1, B, 16], Y_h [1, B, 16]
  ModelBuilder b(7);
  b.input("x", {"T", "B", 4}).initializer("w", {1, 16, 4}).initializer("r", {1, 16, 16});
  b.node("RNN", {"x", "w", "r"}, {"y", "yh"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"T", 1, "B", 16}));
  EXPECT_EQ(r.shapeOf("yh"), shape({1, "B", 16}));
}

TEST(MiscRnn, gru_gate_rows_mismatch) {
  // GRU: W's axis 1 must be 3 * hidden_size = 21, here 24
  ModelBuilder b(14);
  b.input("x", {5, 2, 4}).initializer("w", {1, 24, 4}).initializer("r", {1, 24, 7});
  b.node("GRU", {"x", "w", "r"}, {"y"}, {intAttr("hidden_size", 7)});
  EXPECT_THAT(codes(infer(b)), ElementsAre("SL102"));
}

TEST(MiscRnn, directions_mismatch) {
  ModelBuilder b(14);
  b.input("x", {5, 2, 4}).initializer("w", {1, 12, 4}).initializer("r", {1, 12, 3});
  b.node("RNN", {"x", "w", "r"}, {"y"}, {intAttr("hidden_size", 12), stringAttr("direction", "bidirectional")});
  EXPECT_THAT(codes(infer(b)), ElementsAre("SL102"));
}

TEST(MiscRnn, input_size_mismatch) {
  ModelBuilder b(14);
  b.input("x", {5, 2, 6}).initializer("w", {1, 3, 4}).initializer("r", {1, 3, 3});
  b.node("RNN", {"x", "w", "r"}, {"y"}, {intAttr("hidden_size", 3)});
  EXPECT_THAT(codes(infer(b)), ElementsAre("SL102"));
}

TEST(MiscRnn, bad_direction) {
  ModelBuilder b(14);
  b.input("x", {5, 2, 4}).initializer("w", {1, 3, 4}).initializer("r", {1, 3, 3});
  b.node("RNN", {"x", "w", "r"}, {"y"}, {stringAttr("direction", "sideways")});
  EXPECT_THAT(codes(infer(b)), ElementsAre("SL301"));
}

// ---------------------------------------------------------------------------
// Loop.

// Body: (i, cond, x [N, 3]) -> (cond, x + x, relu(x)).
ModelBuilder loopBody() {
  ModelBuilder body(13);
  body.input("i", shape({}), ir::kInt64).input("c", shape({}), ir::kBool).input("x_in", {"N", 3});
  body.node("Identity", {"c"}, {"c_out"});
  body.node("Add", {"x_in", "x_in"}, {"x_out"});
  body.node("Relu", {"x_in"}, {"scan"});
  body.output("c_out").output("x_out").output("scan");
  return body;
}

TEST(MiscLoop, constant_trip_count_without_condition) {
  // M = 5, no cond: 5 iterations; the scan output stacks 5 slices [N, 3]
  ModelBuilder b(13);
  b.constant("m", {5}).input("x", {"N", 3});
  b.node("Loop", {"m", "", "x"}, {"x_final", "scans"}, {graphAttr("body", loopBody())});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("x_final"), shape({"N", 3}));
  EXPECT_EQ(r.shapeOf("scans"), shape({5, "N", 3}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(MiscLoop, condition_makes_iteration_count_unknown) {
  ModelBuilder b(13);
  b.constant("m", {5}).input("cond", shape({}), ir::kBool).input("x", {"N", 3});
  b.node("Loop", {"m", "cond", "x"}, {"x_final", "scans"}, {graphAttr("body", loopBody())});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("scans"), shape({"?", "N", 3}));
}

TEST(MiscLoop, state_whose_shape_changes_keeps_only_agreeing_dims) {
  // the initial state is [2, 3]; the body yields [N, 3]: N may differ from 2
  ModelBuilder b(13);
  b.constant("m", {5}).input("x", {2, 3});
  b.node("Loop", {"m", "", "x"}, {"x_final", "scans"}, {graphAttr("body", loopBody())});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("x_final"), shape({"?", 3}));
}

TEST(MiscLoop, body_arity_mismatch) {
  ModelBuilder b(13);
  b.constant("m", {5}).input("x", {"N", 3}).input("z", {1});
  b.node("Loop", {"m", "", "x", "z"}, {"x_final", "scans"}, {graphAttr("body", loopBody())});
  EXPECT_THAT(codes(infer(b)), ElementsAre("SL003"));
}

// ---------------------------------------------------------------------------
// Scan.

// Body: (s [2], x [2]) -> (s + x, x).
ModelBuilder scanBody() {
  ModelBuilder body(11);
  body.input("s_in", {2}).input("x_in", {2});
  body.node("Add", {"s_in", "x_in"}, {"s_out"});
  body.node("Identity", {"x_in"}, {"y"});
  body.output("s_out").output("y");
  return body;
}

TEST(MiscScan, scan_output_stacks_along_axis_0) {
  // xs [T, 2] scanned on axis 0: T iterations, ys [T, 2]
  ModelBuilder b(11);
  b.input("s", {2}).input("xs", {"T", 2});
  b.node("Scan", {"s", "xs"}, {"s_final", "ys"}, {graphAttr("body", scanBody()), intAttr("num_scan_inputs", 1)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("s_final"), shape({2}));
  EXPECT_EQ(r.shapeOf("ys"), shape({"T", 2}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(MiscScan, input_and_output_axes) {
  // xs [2, T] scanned on axis 1 (T iterations); ys stacked on axis 1: [2, T]
  ModelBuilder b(11);
  b.input("s", {2}).input("xs", {2, "T"});
  b.node("Scan", {"s", "xs"}, {"s_final", "ys"},
         {graphAttr("body", scanBody()), intAttr("num_scan_inputs", 1), ints("scan_input_axes", {1}),
          ints("scan_output_axes", {1})});
  EXPECT_EQ(infer(b).shapeOf("ys"), shape({2, "T"}));
}

TEST(MiscScan, opset_8_batch_axis) {
  // opset 8: [B, T, 2] scan inputs; ys [B, T, 2], states [B, 2]
  ModelBuilder b(8);
  b.input("s", {"B", 2}).input("xs", {"B", "T", 2});
  b.node("Scan", {"", "s", "xs"}, {"s_final", "ys"}, {graphAttr("body", scanBody()), intAttr("num_scan_inputs", 1)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("s_final"), shape({"B", 2}));
  EXPECT_EQ(r.shapeOf("ys"), shape({"B", "T", 2}));
}

TEST(MiscScan, scan_lengths_disagree) {
  ModelBuilder body(11);
  body.input("s_in", {2}).input("a", {2}).input("c", {2});
  body.node("Add", {"a", "c"}, {"y"});
  body.node("Identity", {"s_in"}, {"s_out"});
  body.output("s_out").output("y");
  ModelBuilder b(11);
  b.input("s", {2}).input("xa", {4, 2}).input("xc", {5, 2});
  b.node("Scan", {"s", "xa", "xc"}, {"s_final", "ys"}, {graphAttr("body", body), intAttr("num_scan_inputs", 2)});
  EXPECT_THAT(codes(infer(b)), ElementsAre("SL102"));
}

}  // namespace
}  // namespace shapelint::testing
