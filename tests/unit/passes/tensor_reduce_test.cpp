// Reduce*, ArgMax/ArgMin, TopK, Hardmax, CumSum through runShapePass.
// Expected shapes: libonnx-testdata (node/<case>/test_data_set_0/output_N.pb)
// as named, or the spec's formula worked by hand.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/tensor_test_util.h"

namespace shapelint::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// ---------------------------------------------------------------------------
// Reduce*.

TEST(Reduce, axes_attribute_keepdims) {
  // test_reduce_mean_keepdims_example (opset 13): [3, 2, 2], axes [1] -> [3, 1, 2];
  // test_reduce_mean_do_not_keepdims_example -> [3, 2].
  ModelBuilder b(13);
  b.input("x", {3, 2, 2});
  b.node("ReduceMean", {"x"}, {"k"}, {ints("axes", {1})});
  b.node("ReduceMean", {"x"}, {"d"}, {ints("axes", {1}), intAttr("keepdims", 0)});
  b.node("ReduceMax", {"x"}, {"all"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("k"), shape({3, 1, 2}));
  EXPECT_EQ(r.shapeOf("d"), shape({3, 2}));
  EXPECT_EQ(r.shapeOf("all"), shape({1, 1, 1}));  // test_reduce_max_default_axes_keepdim_example
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(Reduce, symbolic_dims_kept) {
  ModelBuilder b(11);
  b.input("x", {"N", "S", 768});
  b.node("ReduceL2", {"x"}, {"y"}, {ints("axes", {-1}), intAttr("keepdims", 0)});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({"N", "S"}));
}

TEST(Reduce, reduce_sum_axes_input_since_13) {
  // test_reduce_sum_negative_axes_keepdims_example: [3, 2, 2], axes [-2] -> [3, 1, 2].
  ModelBuilder b(13);
  b.input("x", {3, 2, 2}).constant("axes", {-2});
  b.node("ReduceSum", {"x", "axes"}, {"y"});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({3, 1, 2}));
}

TEST(Reduce, noop_with_empty_axes) {
  // test_reduce_sum_empty_axes_input_noop_example: axes [] with noop -> [3, 2, 2];
  // test_reduce_sum_default_axes_keepdims_example: axes [] without -> [1, 1, 1].
  ModelBuilder b(13);
  b.input("x", {3, 2, 2}).constant("axes", {});
  b.node("ReduceSum", {"x", "axes"}, {"noop"}, {intAttr("noop_with_empty_axes", 1)});
  b.node("ReduceSum", {"x", "axes"}, {"all"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("noop"), shape({3, 2, 2}));
  EXPECT_EQ(r.shapeOf("all"), shape({1, 1, 1}));
}

TEST(Reduce, runtime_axes) {
  ModelBuilder b(13);
  b.input("x", {"N", 2, 2}).input("axes", {1}, ir::kInt64);
  b.node("ReduceSum", {"x", "axes"}, {"k"});
  b.node("ReduceSum", {"x", "axes"}, {"d"}, {intAttr("keepdims", 0)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("k"), shape({"?", "?", "?"}));
  EXPECT_EQ(r.shapeOf("d"), shape({"?", "?"}));  // one axis removed
}

TEST(Reduce, axes_input_for_the_others_since_18) {
  ModelBuilder b(18);
  b.input("x", {3, 2, 2}).constant("axes", {0, 2});
  b.node("ReduceMean", {"x", "axes"}, {"y"}, {intAttr("keepdims", 0)});
  b.node("ReduceMean", {"x"}, {"z"}, {ints("axes", {1})}, "old_style");
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({2}));
  EXPECT_EQ(codes(r), "SL301 ");
  EXPECT_EQ(r.diagnostics[0].node, "old_style");
}

TEST(Reduce, axes_input_before_its_opset) {
  // ReduceMean takes axes as an input only from opset 18: at 13 the input is not defined.
  ModelBuilder b(13);
  b.input("x", {3, 2, 2}).constant("axes", {1});
  b.node("ReduceMean", {"x", "axes"}, {"y"}, {}, "rm");
  EXPECT_THAT(briefs(infer(b).diagnostics),
              ElementsAre("SL003 rm: ReduceMean has 2 inputs at opset 13, expected at most 1"));
}

TEST(Reduce, axis_out_of_range) {
  ModelBuilder b(13);
  b.input("x", {3, 2});
  b.node("ReduceProd", {"x"}, {"y"}, {ints("axes", {2})}, "r");
  EXPECT_THAT(briefs(infer(b).diagnostics),
              ElementsAre("SL301 r: axes [2] has 2, expected -2 to 1 for an input of rank 2"));
}

TEST(Reduce, keepdims_must_be_0_or_1) {
  ModelBuilder b(13);
  b.input("x", {3, 2});
  b.node("ReduceMin", {"x"}, {"y"}, {intAttr("keepdims", 2)});
  EXPECT_EQ(codes(infer(b)), "SL301 ");
}

// ---------------------------------------------------------------------------
// ArgMax, ArgMin.

TEST(ArgMax, default_axis_keepdims_int64) {
  // test_argmax_default_axis_example: [2, 2] -> [1, 2] int64.
  ModelBuilder b(13);
  b.input("x", {2, "W"});
  b.node("ArgMax", {"x"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, "W"}));
  EXPECT_EQ(r.typeOf("y"), ir::kInt64);
}

TEST(ArgMin, negative_axis_no_keepdims) {
  // test_argmin_no_keepdims_example: [2, 2], axis 1, keepdims 0 -> [2].
  ModelBuilder b(12);
  b.input("x", {"N", 2});
  b.node("ArgMin", {"x"}, {"y"}, {intAttr("axis", -1), intAttr("keepdims", 0), intAttr("select_last_index", 1)});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({"N"}));
}

TEST(ArgMax, select_last_index_before_opset_12) {
  ModelBuilder b(11);
  b.input("x", {2, 2});
  b.node("ArgMax", {"x"}, {"y"}, {intAttr("select_last_index", 1)});
  EXPECT_EQ(codes(infer(b)), "SL301 ");
}

// ---------------------------------------------------------------------------
// TopK.

TEST(TopK, k_input_since_opset_10) {
  // test_top_k: [3, 4], K = [3], axis 1 -> values and indices [3, 3].
  ModelBuilder b(11);
  b.input("x", {"N", 4}).constant("k", {3});
  b.node("TopK", {"x", "k"}, {"v", "i"}, {intAttr("axis", 1)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("v"), shape({"N", 3}));
  EXPECT_EQ(r.shapeOf("i"), shape({"N", 3}));
  EXPECT_EQ(r.typeOf("i"), ir::kInt64);
}

TEST(TopK, k_attribute_at_opset_1) {
  ModelBuilder b(1);
  b.input("x", {3, 4});
  b.node("TopK", {"x"}, {"v", "i"}, {intAttr("k", 2)});
  EXPECT_EQ(infer(b).shapeOf("v"), shape({3, 2}));
}

TEST(TopK, k_attribute_removed_at_opset_10) {
  ModelBuilder b(10);
  b.input("x", {3, 4}).constant("k", {2});
  b.node("TopK", {"x", "k"}, {"v", "i"}, {intAttr("k", 2)});
  EXPECT_EQ(codes(infer(b)), "SL301 ");
}

TEST(TopK, k_larger_than_axis) {
  ModelBuilder b(11);
  b.input("x", {3, 4}).constant("k", {5});
  b.node("TopK", {"x", "k"}, {"v", "i"}, {}, "t");
  EXPECT_THAT(briefs(infer(b).diagnostics),
              ElementsAre("SL003 t: k is 5, more than the 4 elements of axis 1 of 'x' [3, 4]"));
}

TEST(TopK, runtime_k) {
  ModelBuilder b(11);
  b.input("x", {"N", 4}).input("k", {1}, ir::kInt64);
  b.node("TopK", {"x", "k"}, {"v", "i"});
  EXPECT_EQ(infer(b).shapeOf("v"), shape({"N", "?"}));
}

// ---------------------------------------------------------------------------
// Hardmax, CumSum.

TEST(Hardmax, shape_of_input) {
  ModelBuilder b(13);
  b.input("x", {"N", 4, 5});
  b.node("Hardmax", {"x"}, {"y"}, {intAttr("axis", 0)});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({"N", 4, 5}));
}

TEST(Hardmax, axis_out_of_range) {
  ModelBuilder b(13);
  b.input("x", {3, 4});
  b.node("Hardmax", {"x"}, {"y"}, {intAttr("axis", 2)});
  EXPECT_EQ(codes(infer(b)), "SL301 ");
}

TEST(CumSum, shape_of_input_and_axis_checked) {
  // test_cumsum_2d_axis_1: [2, 3], axis 1 -> [2, 3].
  ModelBuilder b(14);
  b.input("x", {"N", 3}).constant("axis", {1}).constant("bad", {2});
  b.node("CumSum", {"x", "axis"}, {"y"});
  b.node("CumSum", {"x", "bad"}, {"z"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 3}));
  EXPECT_EQ(codes(r), "SL301 ");
}

}  // namespace
}  // namespace shapelint::testing
