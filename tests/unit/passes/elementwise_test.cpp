// Elementwise ops through runShapePass: broadcasting, types, SL102.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/model_builder.h"
#include "shapelint/ir/expr.h"

namespace shapelint::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// ---------------------------------------------------------------------------
// Broadcasting that must not fire.

struct BroadcastCase {
  const char* name;
  ir::Shape a;
  ir::Shape b;
  ir::Shape expected;
};

class Broadcast : public ::testing::TestWithParam<BroadcastCase> {};

TEST_P(Broadcast, AddGivesExpectedShape) {
  const BroadcastCase& c = GetParam();
  ModelBuilder b;
  b.input("a", c.a).input("b", c.b);
  b.node("Add", {"a", "b"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), c.expected) << r.shapeOf("y").str();
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(
    Elementwise, Broadcast,
    ::testing::Values(BroadcastCase{"equal_shapes", shape({2, 3}), shape({2, 3}), shape({2, 3})},
                      BroadcastCase{"channel_bias", shape({1, 64, 56, 56}), shape({64, 1, 1}), shape({1, 64, 56, 56})},
                      BroadcastCase{"scalar", shape({2, 3}), shape({}), shape({2, 3})},
                      BroadcastCase{"both_sides_stretch", shape({4, 1}), shape({1, 5}), shape({4, 5})},
                      BroadcastCase{"equal_symbols_agree", shape({"N", 3}), shape({"N", 3}), shape({"N", 3})},
                      BroadcastCase{"one_takes_the_symbol", shape({"N", 3}), shape({1, 3}), shape({"N", 3})},
                      BroadcastCase{"different_symbols_are_unknown", shape({"N", 3}), shape({"M", 3}), shape({"?", 3})},
                      BroadcastCase{"symbol_with_value_gives_the_value", shape({"N", 3}), shape({5, 3}), shape({5, 3})},
                      BroadcastCase{"unknown_with_one_is_unknown", shape({"?", 3}), shape({1, 3}), shape({"?", 3})},
                      BroadcastCase{"zero_size", shape({0, 3}), shape({1, 3}), shape({0, 3})},
                      BroadcastCase{"unknown_rank", ir::Shape(), shape({2, 3}), ir::Shape()}),
    [](const ::testing::TestParamInfo<BroadcastCase>& testInfo) { return std::string(testInfo.param.name); });

// ---------------------------------------------------------------------------
// SL102 incompatible-merge.

TEST(Elementwise, add_incompatible_names_both_producers) {
  ModelBuilder b;
  b.input("skip", {1, 64, 56, 56}).input("x", {1, 64, 55, 55});
  b.node("Relu", {"skip"}, {"a"}, {}, "relu_skip");
  b.node("Relu", {"x"}, {"c"}, {}, "relu_main");
  b.node("Add", {"a", "c"}, {"y"}, {}, "add");
  Inferred r = infer(b);
  ASSERT_THAT(briefs(r.diagnostics),
              ElementsAre("SL102 add: cannot broadcast [1, 64, 56, 56] with [1, 64, 55, 55]: axis 2 has 56 and 55"));
  const diag::Diagnostic& d = r.diagnostics[0];
  ASSERT_EQ(d.notes.size(), 2u);
  EXPECT_EQ(d.notes[0].node, "relu_skip");
  EXPECT_EQ(d.notes[0].message, "produces 'a' [1, 64, 56, 56]");
  EXPECT_EQ(d.notes[1].node, "relu_main");
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

TEST(Elementwise, graph_inputs_are_named_as_such) {
  ModelBuilder b;
  b.input("a", {3}).input("b", {4});
  b.node("Mul", {"a", "b"}, {"y"}, {}, "mul");
  Inferred r = infer(b);
  ASSERT_THAT(briefs(r.diagnostics), ElementsAre("SL102 mul: cannot broadcast [3] with [4]: axis 0 has 3 and 4"));
  EXPECT_EQ(r.diagnostics[0].notes[0].message, "'a' [3] is a graph input or initializer, not produced by a node");
}

TEST(Elementwise, different_ranks_align_from_the_right) {
  ModelBuilder b;
  b.input("a", {2, 3, 4}).input("b", {5, 4});
  b.node("Sub", {"a", "b"}, {"y"}, {}, "sub");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL102 sub: cannot broadcast [2, 3, 4] with [5, 4]: axis 1 has 3 and 5"));
}

// ---------------------------------------------------------------------------
// Types and arities.

TEST(Elementwise, comparison_gives_bool) {
  ModelBuilder b;
  b.input("a", {2, 3}).input("b", {3});
  b.node("Less", {"a", "b"}, {"y"});
  b.node("Equal", {"a", "b"}, {"e"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({2, 3}));
  EXPECT_EQ(r.typeOf("y"), ir::kBool);
  EXPECT_EQ(r.typeOf("e"), ir::kBool);
}

TEST(Elementwise, where_broadcasts_three_inputs) {
  ModelBuilder b(16);
  b.input("c", {2, 1}, ir::kBool).input("x", {1, 3}, ir::kInt64).input("y", {});
  b.node("Where", {"c", "x", "y"}, {"z"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("z"), shape({2, 3}));
  EXPECT_EQ(r.typeOf("z"), ir::kInt64);
}

TEST(Elementwise, sum_of_three) {
  ModelBuilder b;
  b.input("a", {3}).input("b", {1}).input("c", {2, 1});
  b.node("Sum", {"a", "b", "c"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({2, 3}));
}

TEST(Elementwise, max_before_opset_8_needs_equal_shapes) {
  ModelBuilder b(6);
  b.input("a", {3, 4}).input("b", {3, 1});
  b.node("Max", {"a", "b"}, {"y"}, {}, "max");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL102 max: 'a' [3, 4] and 'b' [3, 1] must have the same shape: axis 1 has 4 and 1"));
}

TEST(Elementwise, max_before_opset_8_equal_only_for_some_sizes_is_sl103) {
  // 2*((H + 1) // 2) equals H exactly for even H (H = 1 -> 2, 2 -> 2, 3 -> 4).
  ModelBuilder b(6);
  b.input("a", ir::Shape({ir::Dim::value(3), ir::Dim::symbol("H")}));
  b.input("b", ir::Shape({ir::Dim::value(3), *ir::parseDim("2*((H + 1) // 2)")}));
  b.node("Max", {"a", "b"}, {"y"}, {}, "max");
  Inferred r = infer(b);
  ASSERT_THAT(briefs(r.diagnostics),
              ElementsAre("SL103 max: 'a' [3, H] and 'b' [3, 2*((H + 1) // 2)] may differ on axis 1: H and 2*((H + "
                          "1) // 2) are equal only when H % 2 == 0"));
  EXPECT_EQ(r.shapeOf("y"), shape({3, "H"}));
}

TEST(Elementwise, legacy_same_shape_unrelated_symbols_do_not_fire) {
  ModelBuilder b(6);
  b.input("a", {3, "H"}).input("b", {3, "W"});
  b.node("Add", {"a", "b"}, {"y"}, {}, "add");
  Inferred r = infer(b);
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(Elementwise, missing_inputs_are_sl003_each) {
  // Where takes exactly 3 inputs (condition, X, Y); inputs 0 and 2 are absent.
  ModelBuilder b(16);
  b.input("x", {2, 3});
  b.node("Where", {"", "x", ""}, {"y"}, {}, "where");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre("SL003 where: Where has no input 0, expected 3 inputs",
                                                 "SL003 where: Where has no input 2, expected 3 inputs"));
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

TEST(Elementwise, pow_keeps_base_type) {
  ModelBuilder b(15);
  b.input("x", {2, 3}, ir::kFloat).input("e", {}, ir::kInt64);
  b.node("Pow", {"x", "e"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({2, 3}));
  EXPECT_EQ(r.typeOf("y"), ir::kFloat);
}

TEST(Elementwise, unary_ops_keep_shape_and_type) {
  ModelBuilder b;
  b.input("x", {"N", 10}, ir::kDouble);
  for (const char* op : {"Relu", "Sigmoid", "Tanh", "LeakyRelu", "Elu", "Selu", "HardSigmoid", "Softplus", "Clip",
                         "Identity", "Neg", "Abs", "Exp", "Log", "Sqrt", "Erf", "Softmax", "LogSoftmax"})
    b.node(op, {"x"}, {std::string("y_") + op});
  Inferred r = infer(b);
  for (const char* op : {"Relu", "Softmax", "Erf", "Clip"}) {
    EXPECT_EQ(r.shapeOf(std::string("y_") + op), shape({"N", 10})) << op;
    EXPECT_EQ(r.typeOf(std::string("y_") + op), ir::kDouble) << op;
  }
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

// ---------------------------------------------------------------------------
// Opset 1-6: the broadcast and axis attributes.

TEST(Elementwise, legacy_broadcast_with_axis) {
  ModelBuilder b(6);
  b.input("a", {2, 3, 4, 5}).input("b", {3, 4}).input("c", {2, 1});
  b.node("Add", {"a", "b"}, {"y"}, {intAttr("broadcast", 1), intAttr("axis", 1)});
  b.node("Add", {"a", "c"}, {"z"}, {intAttr("broadcast", 1), intAttr("axis", 0)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({2, 3, 4, 5}));
  EXPECT_EQ(r.shapeOf("z"), shape({2, 3, 4, 5}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(Elementwise, legacy_broadcast_suffix_mismatch) {
  ModelBuilder b(6);
  b.input("a", {2, 3, 4, 5}).input("b", {4, 3});
  b.node("Mul", {"a", "b"}, {"y"}, {intAttr("broadcast", 1)}, "mul");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL102 mul: cannot broadcast 'b' [4, 3] to 'a' [2, 3, 4, 5]: axis 3 has 5 and 3"));
}

TEST(Elementwise, legacy_without_broadcast_needs_equal_shapes) {
  ModelBuilder b(6);
  b.input("a", {2, 3}).input("b", {3});
  b.node("Add", {"a", "b"}, {"y"}, {}, "add");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL102 add: 'a' [2, 3] and 'b' [3] must have the same shape: ranks 2 and 1"));
}

}  // namespace
}  // namespace shapelint::testing
