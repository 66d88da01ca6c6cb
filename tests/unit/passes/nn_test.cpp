// BatchNormalization, Dropout, Flatten and Gemm through runShapePass.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/model_builder.h"
#include "shapelint/ir/expr.h"

namespace shapelint::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// ---------------------------------------------------------------------------
// BatchNormalization.

TEST(BatchNormalization, y_has_x_shape) {
  ModelBuilder b(15);
  b.input("x", {"N", 64, 56, 56});
  for (const char* p : {"s", "bias", "mean", "var"}) b.initializer(p, {64});
  b.node("BatchNormalization", {"x", "s", "bias", "mean", "var"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 64, 56, 56}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(BatchNormalization, training_outputs_are_per_channel) {
  ModelBuilder b(15);
  b.input("x", {2, 3, 4, 5});
  for (const char* p : {"s", "bias", "mean", "var"}) b.initializer(p, {3});
  b.node("BatchNormalization", {"x", "s", "bias", "mean", "var"}, {"y", "running_mean", "running_var"},
         {intAttr("training_mode", 1)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({2, 3, 4, 5}));
  EXPECT_EQ(r.shapeOf("running_mean"), shape({3}));
  EXPECT_EQ(r.shapeOf("running_var"), shape({3}));
}

TEST(BatchNormalization, scale_length_mismatch) {
  ModelBuilder b(15);
  b.input("x", {1, 64, 8, 8});
  b.initializer("s", {32});
  for (const char* p : {"bias", "mean", "var"}) b.initializer(p, {64});
  b.node("BatchNormalization", {"x", "s", "bias", "mean", "var"}, {"y"}, {}, "bn");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL003 bn: scale 's' [32] has 32 values, expected 64 (the channels of 'x' [1, 64, 8, 8])"));
}

// ---------------------------------------------------------------------------
// Dropout.

TEST(Dropout, mask_is_bool_since_opset_10) {
  ModelBuilder b(13);
  b.input("x", {3, 4, 5});
  b.node("Dropout", {"x"}, {"y", "mask"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("mask"), shape({3, 4, 5}));
  EXPECT_EQ(r.typeOf("mask"), ir::kBool);
}

TEST(Dropout, mask_has_input_type_before_opset_10) {
  ModelBuilder b(7);
  b.input("x", {3, 4, 5});
  b.node("Dropout", {"x"}, {"y", "mask"});
  Inferred r = infer(b);
  EXPECT_EQ(r.typeOf("mask"), ir::kFloat);
}

// ---------------------------------------------------------------------------
// Flatten.

struct FlattenCase {
  const char* name;
  int64_t opset;
  int64_t axis;
  ir::Shape input;
  ir::Shape expected;
};

class Flatten : public ::testing::TestWithParam<FlattenCase> {};

TEST_P(Flatten, GivesExpectedShape) {
  const FlattenCase& c = GetParam();
  ModelBuilder b(c.opset);
  b.input("x", c.input);
  b.node("Flatten", {"x"}, {"y"}, {intAttr("axis", c.axis)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), c.expected) << r.shapeOf("y").str();
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(
    NN, Flatten,
    ::testing::Values(FlattenCase{"axis_1_keeps_batch_symbol", 13, 1, shape({"N", 512, 1, 1}), shape({"N", 512})},
                      FlattenCase{"axis_0", 13, 0, shape({2, 3, 4}), shape({1, 24})},
                      FlattenCase{"axis_rank", 13, 3, shape({2, 3, 4}), shape({24, 1})},
                      FlattenCase{"negative_axis", 13, -1, shape({2, 3, 4}), shape({6, 4})},
                      FlattenCase{"symbol_times_value_is_a_product", 13, 0, shape({"N", 3}),
                                  ir::Shape({ir::Dim::value(1), *ir::mul(ir::Dim::symbol("N"), 3)})},
                      FlattenCase{"zero_dim", 13, 1, shape({0, "N"}), shape({0, "N"})},
                      FlattenCase{"unknown_rank", 13, 1, ir::Shape(), shape({"?", "?"})},
                      FlattenCase{"opset_1", 1, 2, shape({2, 3, 4, 5}), shape({6, 20})}),
    [](const ::testing::TestParamInfo<FlattenCase>& testInfo) { return std::string(testInfo.param.name); });

TEST(FlattenAxis, out_of_range) {
  ModelBuilder b(13);
  b.input("x", {2, 3, 4});
  b.node("Flatten", {"x"}, {"y"}, {intAttr("axis", 4)}, "flat");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre("SL301 flat: axis is 4, expected -3 to 3 for an input of rank 3"));
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

TEST(FlattenAxis, negative_before_opset_11) {
  ModelBuilder b(9);
  b.input("x", {2, 3, 4});
  b.node("Flatten", {"x"}, {"y"}, {intAttr("axis", -1)}, "flat");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre("SL301 flat: axis is -1, expected 0 to 3 for an input of rank 3"));
}

// ---------------------------------------------------------------------------
// Gemm.

TEST(Gemm, linear_layer_with_transb) {
  ModelBuilder b;
  b.input("x", {"N", 10}).initializer("w", {8, 10}).initializer("bias", {8});
  b.node("Gemm", {"x", "w", "bias"}, {"y"}, {intAttr("transB", 1)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 8}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(Gemm, transa) {
  ModelBuilder b;
  b.input("a", {6, 3}).input("b", {6, 4});
  b.node("Gemm", {"a", "b"}, {"y"}, {intAttr("transA", 1)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({3, 4}));
}

TEST(Gemm, scalar_and_row_bias_broadcast) {
  ModelBuilder b;
  b.input("a", {2, 3}).input("b", {3, 4}).input("c0", {}).input("c1", {1, 4});
  b.node("Gemm", {"a", "b", "c0"}, {"y0"});
  b.node("Gemm", {"a", "b", "c1"}, {"y1"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y0"), shape({2, 4}));
  EXPECT_EQ(r.shapeOf("y1"), shape({2, 4}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(Gemm, inner_dims_disagree_after_flatten) {
  ModelBuilder b;
  b.input("x", {4, 256, 7, 7}).initializer("w", {10, 9216}).initializer("bias", {10});
  b.node("Flatten", {"x"}, {"flat"}, {intAttr("axis", 1)}, "flatten");
  b.node("Gemm", {"flat", "w", "bias"}, {"y"}, {intAttr("transB", 1)}, "fc");
  Inferred r = infer(b);
  ASSERT_THAT(briefs(r.diagnostics),
              ElementsAre("SL102 fc: cannot multiply A 'flat' [4, 12544] by B 'w' [10, 9216] (transB = 1): op(A) has "
                          "12544 columns, op(B) has 9216 rows"));
  EXPECT_EQ(r.diagnostics[0].notes[0].node, "flatten");
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

TEST(Gemm, bias_not_broadcastable) {
  ModelBuilder b;
  b.input("a", {2, 3}).input("b", {3, 4}).input("c", {3});
  b.node("Gemm", {"a", "b", "c"}, {"y"}, {}, "gemm");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL102 gemm: cannot broadcast C 'c' [3] to (M, N) = [2, 4]: axis 1 has 3 and 4"));
}

TEST(Gemm, opset_6_without_broadcast_needs_exact_bias) {
  ModelBuilder b(6);
  b.input("a", {2, 3}).input("b", {3, 4}).input("c", {4}).input("c2", {2, 4});
  b.node("Gemm", {"a", "b", "c"}, {"y"}, {}, "gemm");
  b.node("Gemm", {"a", "b", "c2"}, {"y2"}, {}, "gemm2");
  b.node("Gemm", {"a", "b", "c"}, {"y3"}, {intAttr("broadcast", 1)}, "gemm3");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL102 gemm: cannot broadcast C 'c' [4] to (M, N) = [2, 4]: C has rank 1"));
  EXPECT_EQ(r.shapeOf("y2"), shape({2, 4}));
  EXPECT_EQ(r.shapeOf("y3"), shape({2, 4}));
}

TEST(Gemm, rank_3_input) {
  ModelBuilder b;
  b.input("a", {2, 3, 4}).input("b", {4, 5});
  b.node("Gemm", {"a", "b"}, {"y"}, {}, "gemm");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre("SL003 gemm: input A 'a' [2, 3, 4] has rank 3, expected 2"));
}

TEST(Gemm, c_required_before_opset_11) {
  ModelBuilder b(9);
  b.input("a", {2, 3}).input("b", {3, 4});
  b.node("Gemm", {"a", "b"}, {"y"}, {}, "gemm");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL003 gemm: Gemm has no input C, expected one at opset 9 (optional since opset 11)"));
}

}  // namespace
}  // namespace shapelint::testing
