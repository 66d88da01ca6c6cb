// Conv and ConvTranspose shape functions through runShapePass: inferred
// shapes and the exact findings. Cases that must not fire sit beside those
// that must.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/model_builder.h"
#include "shapelint/ir/expr.h"

namespace shapelint::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// ---------------------------------------------------------------------------
// Conv: shapes, no findings.

TEST(Conv, half_padding_keeps_size) {
  ModelBuilder b;
  b.input("x", {1, 3, 8, 8}).initializer("w", {4, 3, 3, 3}).initializer("b", {4});
  b.node("Conv", {"x", "w", "b"}, {"y"}, {ints("pads", {1, 1, 1, 1})}, "conv").output("y");
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, 4, 8, 8}));
  EXPECT_EQ(r.typeOf("y"), ir::kFloat);
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(Conv, symbolic_batch_passes_through) {
  ModelBuilder b;
  b.input("x", {"N", 3, 224, 224}).initializer("w", {64, 3, 7, 7});
  b.node("Conv", {"x", "w"}, {"y"}, {ints("pads", {3, 3, 3, 3}), ints("strides", {2, 2})}, "conv1");
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 64, 112, 112}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(Conv, symbolic_spatial_dim_gives_an_expression) {
  // k = 3, no pads: floor((H - 3)/1) + 1 = H - 2 (window_symbolic_test checks the rule).
  ModelBuilder b;
  b.input("x", {"N", 3, "H", 32}).initializer("w", {8, 3, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), ir::Shape({ir::Dim::symbol("N"), ir::Dim::value(8),
                                       *ir::sub(ir::Dim::symbol("H"), ir::Dim::value(2)), ir::Dim::value(30)}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(Conv, floor_case_does_not_fire) {
  // i = 6, k = 3, s = 2, p = 1: 3, the same as i = 5; not a finding of this pass.
  ModelBuilder b;
  b.input("x", {1, 3, 6, 6}).initializer("w", {4, 3, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"}, {ints("pads", {1, 1, 1, 1}), ints("strides", {2, 2})});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, 4, 3, 3}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(Conv, depthwise_group_equals_channels) {
  ModelBuilder b;
  b.input("x", {1, 32, 8, 8}).initializer("w", {32, 1, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"}, {intAttr("group", 32), ints("kernel_shape", {3, 3})});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, 32, 6, 6}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(Conv, same_upper_stride_2) {
  ModelBuilder b;
  b.input("x", {1, 1, 7, 5}).initializer("w", {2, 1, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"}, {stringAttr("auto_pad", "SAME_UPPER"), ints("strides", {2, 2})});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, 2, 4, 3}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(Conv, conv1d_and_conv3d) {
  ModelBuilder b;
  b.input("x1", {2, 4, 10}).initializer("w1", {8, 4, 3});
  b.node("Conv", {"x1", "w1"}, {"y1"}, {ints("dilations", {2})});
  b.input("x3", {1, 2, 5, 6, 8}).initializer("w3", {3, 2, 2, 2, 2});
  b.node("Conv", {"x3", "w3"}, {"y3"}, {ints("strides", {1, 2, 3})});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y1"), shape({2, 8, 6}));
  EXPECT_EQ(r.shapeOf("y3"), shape({1, 3, 4, 3, 3}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(Conv, weight_of_unknown_shape_leaves_channels_and_spatial_unknown) {
  ModelBuilder b;
  b.input("x", {1, 3, 8, 8}).input("w", ir::Shape());
  b.node("Conv", {"x", "w"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, "?", "?", "?"}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

// ---------------------------------------------------------------------------
// Conv: SL201 conv-channel-mismatch.

TEST(Conv, channel_mismatch_with_group) {
  ModelBuilder b;
  b.input("x", {1, 8, 8, 8}).initializer("w", {16, 8, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"}, {intAttr("group", 2)}, "conv");
  Inferred r = infer(b);
  ASSERT_THAT(briefs(r.diagnostics),
              ElementsAre("SL201 conv: input 'x' [1, 8, 8, 8] has 8 channels, expected 16 (8 x group 2) from weight "
                          "'w' [16, 8, 3, 3]"));
  EXPECT_EQ(r.diagnostics[0].help,
            "the weight expects 16 input channels (8 x group 2); feed 16 channels or change group");
  EXPECT_THAT(r.diagnostics[0].details, ElementsAre("C = X.shape[1] = 8; W.shape[1] * group = 8 * 2 = 16"));
  // The output shape itself is well defined.
  EXPECT_EQ(r.shapeOf("y"), shape({1, 16, 6, 6}));
}

TEST(Conv, channel_mismatch_dense) {
  ModelBuilder b;
  b.input("x", {1, 3, 8, 8}).initializer("w", {16, 4, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"}, {}, "conv");
  Inferred r = infer(b);
  ASSERT_THAT(
      briefs(r.diagnostics),
      ElementsAre("SL201 conv: input 'x' [1, 3, 8, 8] has 3 channels, expected 4 from weight 'w' [16, 4, 3, 3]"));
  EXPECT_EQ(r.diagnostics[0].help, "the weight expects 4 input channels; feed 4 channels or change the weight");
}

TEST(Conv, output_channels_not_multiple_of_group) {
  ModelBuilder b;
  b.input("x", {1, 16, 8, 8}).initializer("w", {10, 4, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"}, {intAttr("group", 4)}, "conv");
  Inferred r = infer(b);
  EXPECT_THAT(
      briefs(r.diagnostics),
      ElementsAre("SL201 conv: weight 'w' [10, 4, 3, 3] has 10 output channels, expected a multiple of group 4"));
}

TEST(Conv, symbolic_channels_do_not_fire) {
  ModelBuilder b;
  b.input("x", {1, "C", 8, 8}).initializer("w", {16, 4, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"});
  Inferred r = infer(b);
  EXPECT_THAT(r.diagnostics, IsEmpty());
  EXPECT_EQ(r.shapeOf("y"), shape({1, 16, 6, 6}));
}

// ---------------------------------------------------------------------------
// Conv: SL202 non-positive-output.

TEST(Conv, kernel_larger_than_input) {
  ModelBuilder b;
  b.input("x", {1, 1, 2, 8}).initializer("w", {1, 1, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"}, {}, "conv");
  Inferred r = infer(b);
  ASSERT_THAT(briefs(r.diagnostics),
              ElementsAre("SL202 conv: output size on axis 2 is 0, expected at least 1: the kernel spans 3 but the "
                          "padded input is 2 (2 + 0 + 0)"));
  EXPECT_THAT(r.diagnostics[0].details,
              ElementsAre("relationship 1: o = floor((i + pb + pe - k)/s) + 1 = floor((2 + 0 + 0 - 3)/1) + 1 = 0 on "
                          "axis 2"));
  EXPECT_EQ(r.diagnostics[0].help, "use an input of at least 3 on axis 2, or pad by at least 1 more in total");
  // Never silently 0 or 1: the size is unknown.
  EXPECT_EQ(r.shapeOf("y"), shape({1, 1, "?", 6}));
}

TEST(Conv, negative_numerator_is_not_truncated) {
  ModelBuilder b;
  b.input("x", {1, 1, 2, 2}).initializer("w", {1, 1, 5, 5});
  b.node("Conv", {"x", "w"}, {"y"}, {ints("strides", {2, 2})}, "conv");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre(HasSubstr("output size on axis 2 is -1"), HasSubstr("output size on axis 3 is -1")));
  EXPECT_EQ(r.shapeOf("y"), shape({1, 1, "?", "?"}));
}

TEST(Conv, padding_makes_the_kernel_fit) {
  ModelBuilder b;
  b.input("x", {1, 1, 2, 2}).initializer("w", {1, 1, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"}, {ints("pads", {1, 1, 0, 0})});
  Inferred r = infer(b);
  EXPECT_THAT(r.diagnostics, IsEmpty());
  EXPECT_EQ(r.shapeOf("y"), shape({1, 1, 1, 1}));
}

// ---------------------------------------------------------------------------
// Conv: SL301 invalid-attribute leaves the output unknown.

TEST(Conv, zero_stride) {
  ModelBuilder b;
  b.input("x", {1, 1, 8, 8}).initializer("w", {1, 1, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"}, {ints("strides", {0, 1})}, "conv");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre("SL301 conv: strides on axis 2 is 0, expected at least 1"));
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

TEST(Conv, zero_dilation) {
  ModelBuilder b;
  b.input("x", {1, 1, 8, 8}).initializer("w", {1, 1, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"}, {ints("dilations", {1, 0})}, "conv");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre("SL301 conv: dilations on axis 3 is 0, expected at least 1"));
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

TEST(Conv, pads_wrong_length) {
  ModelBuilder b;
  b.input("x", {1, 1, 8, 8}).initializer("w", {1, 1, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"}, {ints("pads", {1, 1})}, "conv");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL301 conv: pads has 2 values, expected 4 (a begin and an end pad for each of 2 spatial "
                          "axes)"));
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

TEST(Conv, strides_wrong_length) {
  ModelBuilder b;
  b.input("x", {1, 1, 8, 8}).initializer("w", {1, 1, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"}, {ints("strides", {2})}, "conv");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL301 conv: strides has 1 value, expected 2 (one per spatial axis of a rank-4 input)"));
}

TEST(Conv, negative_pad) {
  ModelBuilder b;
  b.input("x", {1, 1, 8, 8}).initializer("w", {1, 1, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"}, {ints("pads", {0, -1, 0, 0})}, "conv");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre("SL301 conv: begin pad on axis 3 is -1, expected at least 0"));
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

TEST(Conv, unknown_auto_pad_is_rejected_not_notset) {
  ModelBuilder b;
  b.input("x", {1, 1, 8, 8}).initializer("w", {1, 1, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"}, {stringAttr("auto_pad", "SAME")}, "conv");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL301 conv: auto_pad is 'SAME', expected NOTSET, VALID, SAME_UPPER or SAME_LOWER"));
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

TEST(Conv, explicit_pads_with_same_report_both_sizes) {
  ModelBuilder b;
  b.input("x", {1, 1, 7, 7}).initializer("w", {1, 1, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"},
         {stringAttr("auto_pad", "SAME_UPPER"), ints("strides", {2, 2}), ints("pads", {0, 0, 0, 1})}, "conv");
  Inferred r = infer(b);
  ASSERT_THAT(briefs(r.diagnostics),
              ElementsAre("SL301 conv: pads [0, 0, 0, 1] are given with auto_pad SAME_UPPER, expected no pads "
                          "attribute (or all zero)"));
  EXPECT_THAT(r.diagnostics[0].details,
              ElementsAre("axis 2: auto_pad SAME_UPPER gives 4, the explicit pads give 3 (ONNX 1.12 uses the pads)",
                          "axis 3: auto_pad SAME_UPPER gives 4, the explicit pads give 3 (ONNX 1.12 uses the pads)"));
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

// conv-arithmetic.md item 3: i = 7, k = 3, s = 2, pads 0: ONNX 1.12 gives 3, SAME gives 4.
TEST(Conv, zero_pads_with_same_that_change_the_size) {
  ModelBuilder b;
  b.input("x", {1, 1, 7, 6}).initializer("w", {1, 1, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"},
         {stringAttr("auto_pad", "SAME_UPPER"), ints("strides", {2, 2}), ints("pads", {0, 0, 0, 0})}, "conv");
  Inferred r = infer(b);
  ASSERT_THAT(briefs(r.diagnostics),
              ElementsAre("SL301 conv: pads [0, 0, 0, 0] are given with auto_pad SAME_UPPER, expected no pads "
                          "attribute"));
  EXPECT_THAT(r.diagnostics[0].details,
              ElementsAre("axis 2: auto_pad SAME_UPPER gives 4, the explicit pads give 3 (ONNX 1.12 uses the pads)",
                          "axis 3: auto_pad SAME_UPPER gives 3, the explicit pads give 2 (ONNX 1.12 uses the pads)"));
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

TEST(Conv, zero_pads_with_same_that_keep_the_size_do_not_fire) {
  ModelBuilder b;
  b.input("x", {1, 1, 7, 7}).initializer("w", {1, 1, 1, 1});
  b.node("Conv", {"x", "w"}, {"y"}, {stringAttr("auto_pad", "SAME_LOWER"), ints("pads", {0, 0, 0, 0})});
  Inferred r = infer(b);
  EXPECT_THAT(r.diagnostics, IsEmpty());
  EXPECT_EQ(r.shapeOf("y"), shape({1, 1, 7, 7}));
}

TEST(Conv, zero_pads_with_valid_do_not_fire) {
  ModelBuilder b;
  b.input("x", {1, 1, 7, 7}).initializer("w", {1, 1, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"}, {stringAttr("auto_pad", "VALID"), ints("pads", {0, 0, 0, 0})});
  Inferred r = infer(b);
  EXPECT_THAT(r.diagnostics, IsEmpty());
  EXPECT_EQ(r.shapeOf("y"), shape({1, 1, 5, 5}));
}

TEST(Conv, kernel_shape_contradicts_weight) {
  ModelBuilder b;
  b.input("x", {1, 1, 8, 8}).initializer("w", {1, 1, 5, 5});
  b.node("Conv", {"x", "w"}, {"y"}, {ints("kernel_shape", {3, 3})}, "conv");
  Inferred r = infer(b);
  EXPECT_THAT(
      briefs(r.diagnostics),
      ElementsAre("SL301 conv: kernel_shape [3, 3] contradicts the weight's kernel [5, 5]: axis 2 has 3 and 5"));
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

TEST(Conv, zero_group) {
  ModelBuilder b;
  b.input("x", {1, 1, 8, 8}).initializer("w", {1, 1, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"}, {intAttr("group", 0)}, "conv");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre("SL301 conv: group is 0, expected at least 1"));
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

TEST(Conv, strides_of_wrong_type) {
  ModelBuilder b;
  b.input("x", {1, 1, 8, 8}).initializer("w", {1, 1, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"}, {intAttr("strides", 2)}, "conv");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre("SL301 conv: attribute 'strides' is of type int, expected ints"));
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

// ---------------------------------------------------------------------------
// Conv: SL003 malformed-node.

TEST(Conv, input_rank_below_3) {
  ModelBuilder b;
  b.input("x", {4, 8}).initializer("w", {1, 1, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"}, {}, "conv");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL003 conv: input 'x' [4, 8] has rank 2, expected at least 3 (N x C x D1 x ...)"));
}

TEST(Conv, weight_rank_differs) {
  ModelBuilder b;
  b.input("x", {1, 1, 8, 8}).initializer("w", {1, 1, 3});
  b.node("Conv", {"x", "w"}, {"y"}, {}, "conv");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL003 conv: weight 'w' [1, 1, 3] has rank 3, expected 4 like input 'x' [1, 1, 8, 8]"));
}

TEST(Conv, missing_weight) {
  ModelBuilder b;
  b.input("x", {1, 1, 8, 8});
  b.node("Conv", {"x"}, {"y"}, {}, "conv");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL003 conv: Conv has no weight input W, expected a tensor of rank 4"));
}

TEST(Conv, bias_length_mismatch) {
  ModelBuilder b;
  b.input("x", {1, 1, 8, 8}).initializer("w", {64, 1, 3, 3}).initializer("b", {32});
  b.node("Conv", {"x", "w", "b"}, {"y"}, {}, "conv");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL203 conv: bias 'b' [32] has 32 values, expected 64 (the weight's output channels M = "
                          "W.shape[0])"));
}

// ---------------------------------------------------------------------------
// ConvTranspose.

TEST(ConvTranspose, output_padding_restores_size) {
  ModelBuilder b;
  b.input("x", {1, 1, 3, 3}).initializer("w", {1, 2, 3, 3});
  b.node("ConvTranspose", {"x", "w"}, {"y"}, {ints("strides", {3, 2}), ints("output_padding", {1, 1})});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, 2, 10, 8}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(ConvTranspose, output_shape_within_reach) {
  ModelBuilder b;
  b.input("x", {"N", 1, 3, 3}).initializer("w", {1, 2, 3, 3});
  b.node("ConvTranspose", {"x", "w"}, {"y"}, {ints("strides", {3, 2}), ints("output_shape", {9, 6})});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 2, 9, 6}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(ConvTranspose, output_shape_beyond_natural_is_the_spec_size_and_a_portability_finding) {
  // Natural sizes 3(3 - 1) + 3 = 9 and 2(3 - 1) + 3 = 7: 10 and 8 are reachable
  // (PyTorch: output_padding 1) but ONNX Runtime 1.30 rejects them (SL406).
  ModelBuilder b;
  b.input("x", {"N", 1, 3, 3}).initializer("w", {1, 2, 3, 3});
  b.node("ConvTranspose", {"x", "w"}, {"y"}, {ints("strides", {3, 2}), ints("output_shape", {10, 8})}, "up");
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 2, 10, 8}));
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre(HasSubstr("SL406 up: output_shape on axis 2 is 10"),
                                                 HasSubstr("SL406 up: output_shape on axis 3 is 8")));
}

TEST(ConvTranspose, output_shape_unreachable) {
  // conv-arithmetic.md item 6: k = 3, s = 2, i = 8: natural 17, at most 18.
  ModelBuilder b;
  b.input("x", {1, 1, 8, 8}).initializer("w", {1, 1, 3, 3});
  b.node("ConvTranspose", {"x", "w"}, {"y"}, {ints("strides", {2, 2}), ints("output_shape", {21, 17})}, "up");
  Inferred r = infer(b);
  ASSERT_THAT(briefs(r.diagnostics),
              ElementsAre("SL206 up: output_shape on axis 2 is 21, expected at most 18 (natural size 17 + max(stride, "
                          "dilation) - 1)"));
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

TEST(ConvTranspose, same_upper_is_input_times_stride) {
  ModelBuilder b;
  b.input("x", {1, 1, 3, 5}).initializer("w", {1, 2, 3, 3});
  b.node("ConvTranspose", {"x", "w"}, {"y"}, {stringAttr("auto_pad", "SAME_UPPER"), ints("strides", {2, 2})}, "up");
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, 2, 6, 10}));
  // Total padding 2(3 - 1) + 3 - 6 = 1 and 2(5 - 1) + 3 - 10 = 1: odd (SL404 notes).
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre(HasSubstr("SL404 up: auto_pad SAME_UPPER pads axis 2 by 1"),
                                                 HasSubstr("SL404 up: auto_pad SAME_UPPER pads axis 3 by 1")));
}

TEST(ConvTranspose, group_multiplies_output_channels) {
  ModelBuilder b;
  b.input("x", {1, 4, 3, 3}).initializer("w", {4, 2, 2, 2});
  b.node("ConvTranspose", {"x", "w"}, {"y"}, {intAttr("group", 2), ints("strides", {2, 2})});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, 4, 6, 6}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(ConvTranspose, channel_mismatch) {
  ModelBuilder b;
  b.input("x", {1, 4, 3, 3}).initializer("w", {2, 2, 3, 3});
  b.node("ConvTranspose", {"x", "w"}, {"y"}, {}, "up");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL201 up: input 'x' [1, 4, 3, 3] has 4 channels, expected 2 from weight 'w' [2, 2, 3, 3]"));
}

TEST(ConvTranspose, channels_not_multiple_of_group) {
  ModelBuilder b;
  b.input("x", {1, 3, 3, 3}).initializer("w", {3, 1, 3, 3});
  b.node("ConvTranspose", {"x", "w"}, {"y"}, {intAttr("group", 2)}, "up");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL201 up: input 'x' [1, 3, 3, 3] has 3 channels, expected a multiple of group 2"));
}

TEST(ConvTranspose, output_padding_not_below_stride) {
  ModelBuilder b;
  b.input("x", {1, 1, 3, 3}).initializer("w", {1, 1, 3, 3});
  b.node("ConvTranspose", {"x", "w"}, {"y"}, {ints("strides", {2, 2}), ints("output_padding", {2, 0})}, "up");
  Inferred r = infer(b);
  EXPECT_THAT(
      briefs(r.diagnostics),
      ElementsAre("SL205 up: output_padding on axis 2 is 2, expected 0 to 1 (below max(stride 2, dilation 1))"));
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

TEST(ConvTranspose, pads_larger_than_natural_size) {
  ModelBuilder b;
  b.input("x", {1, 1, 1, 4}).initializer("w", {1, 1, 1, 1});
  b.node("ConvTranspose", {"x", "w"}, {"y"}, {ints("pads", {1, 0, 1, 0})}, "up");
  Inferred r = infer(b);
  ASSERT_THAT(briefs(r.diagnostics),
              ElementsAre("SL202 up: output size on axis 2 is -1, expected at least 1: the pads (1 + 1) remove more "
                          "than the natural size 1"));
  EXPECT_THAT(r.diagnostics[0].details,
              ElementsAre("relationship 9: o = s(i - 1) + a + k - pb - pe = 1(1 - 1) + 0 + 1 - 1 - 1 = -1 on axis 2"));
  EXPECT_EQ(r.shapeOf("y"), shape({1, 1, "?", 4}));
}

}  // namespace
}  // namespace shapelint::testing
