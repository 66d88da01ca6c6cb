// MaxPool, AveragePool and the global pools through runShapePass.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/model_builder.h"

namespace shapelint::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(Pool, maxpool_2x2_stride_2) {
  ModelBuilder b(12);
  b.input("x", {"N", 64, 112, 112});
  b.node("MaxPool", {"x"}, {"y"}, {ints("kernel_shape", {2, 2}), ints("strides", {2, 2})});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 64, 56, 56}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(Pool, maxpool_indices_are_int64) {
  ModelBuilder b(12);
  b.input("x", {1, 1, 5, 5});
  b.node("MaxPool", {"x"}, {"y", "z"}, {ints("kernel_shape", {5, 5}), ints("pads", {2, 2, 2, 2})});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, 1, 5, 5}));
  EXPECT_EQ(r.shapeOf("z"), shape({1, 1, 5, 5}));
  EXPECT_EQ(r.typeOf("y"), ir::kFloat);
  EXPECT_EQ(r.typeOf("z"), ir::kInt64);
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

// conv-arithmetic.md "Where runtimes disagree" item 2: 6 now, 7 in ONNX 1.12.
TEST(Pool, ceil_mode_drops_window_starting_in_padding) {
  ModelBuilder b(12);
  b.input("x", {1, 1, 12, 4});
  b.node("MaxPool", {"x"}, {"y"}, {ints("kernel_shape", {1, 3}), ints("strides", {2, 2}), intAttr("ceil_mode", 1)},
         "pool");
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, 1, 6, 2}));
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL401 pool: ceil_mode gives 6 on axis 2 in the current ONNX spec, PyTorch and ONNX Runtime "
                          "1.30, but 7 in ONNX 1.12 and older ONNX Runtime releases"));
}

TEST(Pool, ceil_mode_before_opset_10_is_not_an_attribute) {
  // MaxPool-8 has no ceil_mode: runtimes disagree on such a node, so it is
  // invalid and the output stays unknown.
  ModelBuilder b(8);
  b.input("x", {1, 1, 6, 6});
  b.node("MaxPool", {"x"}, {"y"}, {ints("kernel_shape", {3, 3}), ints("strides", {2, 2}), intAttr("ceil_mode", 1)},
         "pool");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL301 pool: attribute 'ceil_mode' is not defined for MaxPool at opset 8, expected it only "
                          "from opset 10"));
  EXPECT_EQ(r.diagnostics[0].help, "remove 'ceil_mode', or import opset 10 or later where MaxPool has it");
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

TEST(Pool, maxpool_dilations) {
  ModelBuilder b(12);
  b.input("x", {1, 1, 4, 4});
  b.node("MaxPool", {"x"}, {"y"}, {ints("kernel_shape", {2, 2}), ints("dilations", {2, 2})});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, 1, 2, 2}));
}

TEST(Pool, averagepool_same_lower) {
  ModelBuilder b(11);
  b.input("x", {1, 3, 32, 31});
  b.node("AveragePool", {"x"}, {"y"},
         {ints("kernel_shape", {2, 2}), ints("strides", {2, 2}), stringAttr("auto_pad", "SAME_LOWER")}, "pool");
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, 3, 16, 16}));
  // Axis 3: total padding (16 - 1)2 + 2 - 31 = 1, odd.
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre(HasSubstr("SL404 pool: auto_pad SAME_LOWER pads axis 3 by 1")));
}

TEST(Pool, averagepool_kernel_larger_than_input) {
  ModelBuilder b(11);
  b.input("x", {1, 3, 7, 7});
  b.node("AveragePool", {"x"}, {"y"}, {ints("kernel_shape", {8, 7})}, "pool");
  Inferred r = infer(b);
  ASSERT_THAT(briefs(r.diagnostics),
              ElementsAre("SL202 pool: output size on axis 2 is 0, expected at least 1: the kernel spans 8 but the "
                          "padded input is 7 (7 + 0 + 0)"));
  EXPECT_THAT(r.diagnostics[0].details,
              ElementsAre("relationship 7: o = floor((i + pb + pe - k)/s) + 1 = floor((7 + 0 + 0 - 8)/1) + 1 = 0 on "
                          "axis 2"));
  EXPECT_EQ(r.diagnostics[0].help, "use an input of at least 8 on axis 2, or pad by at least 1 more in total");
  EXPECT_EQ(r.shapeOf("y"), shape({1, 3, "?", 1}));
}

TEST(Pool, missing_kernel_shape) {
  ModelBuilder b(11);
  b.input("x", {1, 3, 7, 7});
  b.node("AveragePool", {"x"}, {"y"}, {}, "pool");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL301 pool: kernel_shape is missing, expected 2 values (one per spatial axis)"));
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

TEST(Pool, unknown_auto_pad) {
  ModelBuilder b(11);
  b.input("x", {1, 3, 7, 7});
  b.node("MaxPool", {"x"}, {"y"}, {ints("kernel_shape", {3, 3}), stringAttr("auto_pad", "same_upper")}, "pool");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL301 pool: auto_pad is 'same_upper', expected NOTSET, VALID, SAME_UPPER or SAME_LOWER"));
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

TEST(Pool, ceil_mode_not_boolean) {
  ModelBuilder b(12);
  b.input("x", {1, 3, 7, 7});
  b.node("MaxPool", {"x"}, {"y"}, {ints("kernel_shape", {3, 3}), intAttr("ceil_mode", 2)}, "pool");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre("SL301 pool: ceil_mode is 2, expected 0 or 1"));
}

TEST(Pool, rank_2_input) {
  ModelBuilder b(12);
  b.input("x", {3, 7});
  b.node("MaxPool", {"x"}, {"y"}, {ints("kernel_shape", {3})}, "pool");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL003 pool: input 'x' [3, 7] has rank 2, expected at least 3 (N x C x D1 x ...)"));
}

TEST(Pool, global_pools_reduce_spatial_axes_to_1) {
  ModelBuilder b(13);
  b.input("x", {"N", 512, 7, "W"});
  b.node("GlobalAveragePool", {"x"}, {"y"});
  b.node("GlobalMaxPool", {"x"}, {"z"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 512, 1, 1}));
  EXPECT_EQ(r.shapeOf("z"), shape({"N", 512, 1, 1}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

}  // namespace
}  // namespace shapelint::testing
