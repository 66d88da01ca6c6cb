// Gather and Slice: shapes and propagated values. Expected values are the
// spec's examples or its clamping rules worked by hand.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/data_test_util.h"
#include "shapelint/ir/expr.h"

namespace shapelint::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(DataGather, missing_indices_is_sl003) {
  ModelBuilder b(13);
  b.input("x", {2, 3});
  b.node("Gather", {"x", ""}, {"y"}, {}, "gather");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre("SL003 gather: Gather has no input 1, expected at least 2 inputs"));
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

TEST(DataGather, scalar_index_of_shape) {
  ModelBuilder b;
  b.input("x", {"N", 64, "H", "W"});
  b.node("Shape", {"x"}, {"s"});
  constScalar(b, "i", 0);
  b.node("Gather", {"s", "i"}, {"n"}, {intAttr("axis", 0)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("n"), kScalar);
  EXPECT_EQ(dataStr(r, "n"), "[N]");
}

TEST(DataGather, negative_indices_count_from_the_back) {
  // indices [-1, -3] on [N, 64, H, W] pick W and 64.
  ModelBuilder b(13);
  b.input("x", {"N", 64, "H", "W"});
  b.node("Shape", {"x"}, {"s"});
  constInts(b, "i", {-1, -3});
  b.node("Gather", {"s", "i"}, {"g"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("g"), shape({2}));
  EXPECT_EQ(dataStr(r, "g"), "[W, 64]");
}

TEST(DataGather, spec_example_axis_1) {
  // The spec's example 2: data [[1.0, 1.2, 1.9], [2.3, 3.4, 3.9],
  // [4.5, 5.7, 5.9]], indices [[0, 2]], axis 1 -> [[[1.0, 1.9]], [[2.3, 3.9]],
  // [[4.5, 5.9]]], shape [3, 1, 2].
  ModelBuilder b(13);
  b.node("Constant", {}, {"d"}, {realTensorAttr("value", {3, 3}, {1.0, 1.2, 1.9, 2.3, 3.4, 3.9, 4.5, 5.7, 5.9})});
  b.node("Constant", {}, {"i"}, {tensorAttr("value", {1, 2}, {0, 2})});
  b.node("Gather", {"d", "i"}, {"y"}, {intAttr("axis", 1)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({3, 1, 2}));
  EXPECT_EQ(dataStr(r, "y"), "[1, 1.9, 2.3, 3.9, 4.5, 5.9]");
}

TEST(DataGather, symbolic_data_shape) {
  ModelBuilder b(13);
  b.input("x", {"N", 5, 7}).input("i", {"K", 2}, ir::kInt64);
  b.node("Gather", {"x", "i"}, {"y"}, {intAttr("axis", -2)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", "K", 2, 7}));
}

TEST(DataGather, index_out_of_range) {
  ModelBuilder b(13);
  b.input("x", {"N", 64});
  b.node("Shape", {"x"}, {"s"});
  constScalar(b, "i", 2);
  b.node("Gather", {"s", "i"}, {"g"}, {}, "gather");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre(HasSubstr("SL301 gather: Gather index 2 is out of range for axis 0")));
}

TEST(DataSlice, spec_example_1_opset_13) {
  // data [[1, 2, 3, 4], [5, 6, 7, 8]], axes [0, 1], starts [1, 0], ends [2, 3],
  // steps [1, 2] -> [[5, 7]].
  ModelBuilder b(13);
  b.node("Constant", {}, {"d"}, {tensorAttr("value", {2, 4}, {1, 2, 3, 4, 5, 6, 7, 8})});
  constInts(b, "starts", {1, 0});
  constInts(b, "ends", {2, 3});
  constInts(b, "axes", {0, 1});
  constInts(b, "steps", {1, 2});
  b.node("Slice", {"d", "starts", "ends", "axes", "steps"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, 2}));
  EXPECT_EQ(dataStr(r, "y"), "[5, 7]");
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(DataSlice, spec_example_2_opset_13) {
  // starts [0, 1], ends [-1, 1000] -> [[2, 3, 4]].
  ModelBuilder b(13);
  b.node("Constant", {}, {"d"}, {tensorAttr("value", {2, 4}, {1, 2, 3, 4, 5, 6, 7, 8})});
  constInts(b, "starts", {0, 1});
  constInts(b, "ends", {-1, 1000});
  b.node("Slice", {"d", "starts", "ends"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, 3}));
  EXPECT_EQ(dataStr(r, "y"), "[2, 3, 4]");
}

TEST(DataSlice, spec_examples_opset_1_attributes) {
  // Slice-1 example 1: axes [0, 1], starts [1, 0], ends [2, 3] -> [[5, 6, 7]].
  ModelBuilder b(1);
  b.node("Constant", {}, {"d"}, {tensorAttr("value", {2, 4}, {1, 2, 3, 4, 5, 6, 7, 8})});
  b.node("Slice", {"d"}, {"y"}, {ints("axes", {0, 1}), ints("starts", {1, 0}), ints("ends", {2, 3})});
  b.node("Slice", {"d"}, {"z"}, {ints("starts", {0, 1}), ints("ends", {-1, 1000})});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, 3}));
  EXPECT_EQ(dataStr(r, "y"), "[5, 6, 7]");
  EXPECT_EQ(r.shapeOf("z"), shape({1, 3}));
  EXPECT_EQ(dataStr(r, "z"), "[2, 3, 4]");
}

TEST(DataSlice, negative_step_reverses) {
  // [0..5) with start -1, end INT_MIN, step -1: start = 4, end clamps to -1,
  // size ceil((4 - -1) / 1) = 5, elements 4, 3, 2, 1, 0. Step -2 from 4 to
  // -1: ceil(5 / 2) = 3 elements 4, 2, 0.
  ModelBuilder b(13);
  b.node("Constant", {}, {"d"}, {tensorAttr("value", {5}, {10, 11, 12, 13, 14})});
  constInts(b, "s", {-1});
  constInts(b, "e", {INT64_MIN});
  constInts(b, "a", {0});
  constInts(b, "m1", {-1});
  constInts(b, "m2", {-2});
  b.node("Slice", {"d", "s", "e", "a", "m1"}, {"rev"});
  b.node("Slice", {"d", "s", "e", "a", "m2"}, {"rev2"});
  Inferred r = infer(b);
  EXPECT_EQ(dataStr(r, "rev"), "[14, 13, 12, 11, 10]");
  EXPECT_EQ(dataStr(r, "rev2"), "[14, 12, 10]");
}

TEST(DataSlice, clamping_large_start_with_negative_step) {
  // start 100 clamps to n - 1 = 3 for a negative step; end 1: elements 3, 2.
  ModelBuilder b(13);
  b.node("Constant", {}, {"d"}, {tensorAttr("value", {4}, {0, 1, 2, 3})});
  constInts(b, "s", {100});
  constInts(b, "e", {1});
  constInts(b, "a", {0});
  constInts(b, "m", {-1});
  b.node("Slice", {"d", "s", "e", "a", "m"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(dataStr(r, "y"), "[3, 2]");
}

TEST(DataSlice, of_shape_keeps_symbols) {
  // torch's interpolate export: Shape(x)[0:2] of [N, 64, H, W] is [N, 64].
  ModelBuilder b(13);
  b.input("x", {"N", 64, "H", "W"});
  b.node("Shape", {"x"}, {"s"});
  constInts(b, "starts", {0});
  constInts(b, "ends", {2});
  constInts(b, "axes", {0});
  b.node("Slice", {"s", "starts", "ends", "axes"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({2}));
  EXPECT_EQ(dataStr(r, "y"), "[N, 64]");
}

TEST(DataSlice, symbolic_dim_whole_axis_and_step) {
  // x[:, ::2] of [N, H]: ceil(H / 2) = (H + 1) // 2; x[1:] of N is unknown.
  ModelBuilder b(13);
  b.input("x", {"N", "H"});
  constInts(b, "s", {0});
  constInts(b, "e", {INT64_MAX});
  constInts(b, "a", {1});
  constInts(b, "st", {2});
  b.node("Slice", {"x", "s", "e", "a", "st"}, {"y"});
  constInts(b, "s1", {1});
  constInts(b, "a0", {0});
  b.node("Slice", {"x", "s1", "e", "a0"}, {"z"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), ir::Shape({ir::Dim::symbol("N"), *ir::parseDim("(H + 1) // 2")}));
  EXPECT_EQ(r.shapeOf("z"), shape({"?", "H"}));
}

TEST(DataSlice, zero_step_is_invalid) {
  ModelBuilder b(13);
  b.input("x", {4});
  constInts(b, "s", {0});
  constInts(b, "e", {4});
  constInts(b, "a", {0});
  constInts(b, "st", {0});
  b.node("Slice", {"x", "s", "e", "a", "st"}, {"y"}, {}, "slice");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre("SL301 slice: Slice steps [0] has 0 for axis 0, "
                                                 "expected a non-zero step"));
}

TEST(DataSlice, unknown_starts_keep_unsliced_axes) {
  ModelBuilder b(13);
  b.input("x", {"N", 8, 9}).input("s", {1}, ir::kInt64);
  constInts(b, "e", {4});
  constInts(b, "a", {1});
  b.node("Slice", {"x", "s", "e", "a"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", "?", 9}));
}

}  // namespace
}  // namespace shapelint::testing
