// The conv-family ops beyond Conv and ConvTranspose, against values derived
// by hand from the ONNX spec: ConvInteger, QLinearConv, DeformConv, Col2Im,
// LpPool, MaxUnpool, the global pools; attributes per opset; Squeeze and
// Unsqueeze (PyTorch's 1-D pools). Each case says how its numbers come out.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/model_builder.h"

namespace shapelint::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Findings other than notes and warnings: what a valid model must not give.
std::vector<std::string> errors(const Inferred& r) {
  std::vector<std::string> out;
  for (const diag::Diagnostic& d : r.diagnostics)
    if (d.severity == diag::Severity::kError) out.push_back(brief(d));
  return out;
}

// ---------------------------------------------------------------------------
// ConvInteger (opset 10): Conv's arithmetic, int32 output.

TEST(ConvInteger, padded_3x3_keeps_size_and_gives_int32) {
  // ONNX backend test convinteger_with_padding: 3x3 input, 2x2 kernel, pads 1: 3 + 2 - 2 + 1 = 4.
  ModelBuilder b(10);
  b.input("x", {1, 1, 3, 3}, ir::kUint8).initializer("w", {1, 1, 2, 2}, ir::kUint8);
  b.initializer("xz", {}, ir::kUint8);
  b.node("ConvInteger", {"x", "w", "xz"}, {"y"}, {ints("pads", {1, 1, 1, 1})}).output("y");
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, 1, 4, 4}));
  EXPECT_EQ(r.typeOf("y"), ir::kInt32);
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(ConvInteger, per_channel_weight_zero_point) {
  ModelBuilder b(10);
  b.input("x", {1, 2, 5, 5}, ir::kUint8).initializer("w", {4, 2, 3, 3}, ir::kUint8);
  b.initializer("xz", {}, ir::kUint8).initializer("wz", {4}, ir::kUint8).initializer("bad", {3}, ir::kUint8);
  b.node("ConvInteger", {"x", "w", "xz", "wz"}, {"y"}, {}, "ok");
  b.node("ConvInteger", {"x", "w", "xz", "bad"}, {"z"}, {}, "qconv");
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, 4, 3, 3}));
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL003 qconv: w_zero_point 'bad' [3] has 3 values, expected a scalar or a vector of 1 or 4 "
                          "values (one per output channel)"));
}

TEST(ConvInteger, not_before_opset_10) {
  ModelBuilder b(9);
  b.input("x", {1, 1, 3, 3}, ir::kUint8).initializer("w", {1, 1, 2, 2}, ir::kUint8);
  b.node("ConvInteger", {"x", "w"}, {"y"});
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre(HasSubstr("SL001")));
}

// ---------------------------------------------------------------------------
// QLinearConv (opset 10): W is input 3, B input 8; Y has y_zero_point's type.

ModelBuilder qlinearConv(std::vector<ir::Attribute> attrs, int32_t yType = ir::kInt8) {
  ModelBuilder b(10);
  b.input("x", {"N", 3, 7, 7}, ir::kUint8).initializer("xs", {}).initializer("xz", {}, ir::kUint8);
  b.initializer("w", {8, 3, 3, 3}, ir::kUint8).initializer("ws", {8}).initializer("wz", {8}, ir::kUint8);
  b.initializer("ys", {}).initializer("yz", {}, yType).initializer("b", {8}, ir::kInt32);
  b.node("QLinearConv", {"x", "xs", "xz", "w", "ws", "wz", "ys", "yz", "b"}, {"y"}, std::move(attrs), "qconv")
      .output("y");
  return b;
}

TEST(QLinearConv, strided_same_upper) {
  // SAME_UPPER, s = 2: ceil(7/2) = 4.
  Inferred r = infer(qlinearConv({ints("strides", {2, 2}), stringAttr("auto_pad", "SAME_UPPER")}));
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 8, 4, 4}));
  EXPECT_EQ(r.typeOf("y"), ir::kInt8);
  EXPECT_THAT(errors(r), IsEmpty());
}

TEST(QLinearConv, valid_dilated) {
  // ke = 2(3 - 1) + 1 = 5: 7 - 5 + 1 = 3.
  Inferred r = infer(qlinearConv({ints("dilations", {2, 2})}, ir::kUint8));
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 8, 3, 3}));
  EXPECT_EQ(r.typeOf("y"), ir::kUint8);
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(QLinearConv, channel_mismatch_reads_the_weight_at_input_3) {
  ModelBuilder b(10);
  b.input("x", {1, 4, 7, 7}, ir::kUint8).initializer("xs", {}).initializer("xz", {}, ir::kUint8);
  b.initializer("w", {8, 3, 3, 3}, ir::kUint8).initializer("ws", {}).initializer("wz", {}, ir::kUint8);
  b.initializer("ys", {}).initializer("yz", {}, ir::kUint8);
  b.node("QLinearConv", {"x", "xs", "xz", "w", "ws", "wz", "ys", "yz"}, {"y"}, {}, "qconv");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL201 qconv: input 'x' [1, 4, 7, 7] has 4 channels, expected 3 from weight 'w' [8, 3, 3, "
                          "3]"));
}

// ---------------------------------------------------------------------------
// DeformConv (opset 19): Conv's arithmetic; offset N x (og * n * prod(k)) x o...,
// mask N x (og * prod(k)) x o...

ModelBuilder deformConv(std::vector<int64_t> offset, std::vector<int64_t> mask, std::vector<ir::Attribute> attrs = {}) {
  ModelBuilder b(19);
  b.input("x", {1, 2, 5, 5}).initializer("w", {4, 2, 3, 3}).input("offset", ir::Shape::ofValues(offset));
  b.initializer("b", {4});
  std::vector<std::string> inputs = {"x", "w", "offset", "b"};
  if (!mask.empty()) {
    b.input("mask", ir::Shape::ofValues(mask));
    inputs.push_back("mask");
  }
  b.node("DeformConv", inputs, {"y"}, std::move(attrs), "deform").output("y");
  return b;
}

TEST(DeformConv, output_like_conv_with_offset_and_mask) {
  // 5 - 3 + 1 = 3; offset 1 * 2 * 3 * 3 = 18 channels, mask 1 * 9.
  Inferred r = infer(deformConv({1, 18, 3, 3}, {1, 9, 3, 3}));
  EXPECT_EQ(r.shapeOf("y"), shape({1, 4, 3, 3}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(DeformConv, offset_group_2_strided_padded) {
  // pads 1, s = 2: floor((5 + 2 - 3)/2) + 1 = 3; offset 2 * 2 * 9 = 36 channels.
  Inferred r = infer(deformConv({1, 36, 3, 3}, {1, 18, 3, 3},
                                {intAttr("offset_group", 2), ints("strides", {2, 2}), ints("pads", {1, 1, 1, 1})}));
  EXPECT_EQ(r.shapeOf("y"), shape({1, 4, 3, 3}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(DeformConv, offset_channels_and_spatial_dims_are_checked) {
  Inferred r = infer(deformConv({1, 16, 4, 3}, {1, 8, 3, 3}));
  EXPECT_THAT(
      briefs(r.diagnostics),
      ElementsAre("SL003 deform: mask 'mask' [1, 8, 3, 3] has 8 channels, expected 9 = offset_group 1 * 9 (kernel 3 x "
                  "3)",
                  "SL003 deform: offset 'offset' [1, 16, 4, 3] has 16 channels, expected 18 = offset_group 1 * 2 "
                  "(spatial axes) * 9 (kernel 3 x 3)",
                  "SL003 deform: offset 'offset' [1, 16, 4, 3] has spatial dims [4, 3], expected the output's [3, 3]"));
  // The output is still Conv's.
  EXPECT_EQ(r.shapeOf("y"), shape({1, 4, 3, 3}));
}

TEST(DeformConv, three_d_offsets_have_three_coordinates) {
  // 3-D: offset og * 3 * prod(k) = 1 * 3 * 8 = 24 channels; 4 - 2 + 1 = 3.
  ModelBuilder b(22);
  b.input("x", {1, 1, 4, 4, 4}).initializer("w", {2, 1, 2, 2, 2}).input("offset", {1, 24, 3, 3, 3});
  b.node("DeformConv", {"x", "w", "offset"}, {"y"}).output("y");
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, 2, 3, 3, 3}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(DeformConv, channels_must_divide_by_offset_group_and_auto_pad_is_not_an_attribute) {
  Inferred r = infer(deformConv({1, 54, 3, 3}, {}, {intAttr("offset_group", 3)}));
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL201 deform: input 'x' [1, 2, 5, 5] has 2 channels, expected a multiple of offset_group 3"));
  r = infer(deformConv({1, 18, 3, 3}, {}, {stringAttr("auto_pad", "SAME_UPPER")}));
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL301 deform: attribute 'auto_pad' is not defined for DeformConv (opset 19), expected one "
                          "of: dilations, group, kernel_shape, offset_group, pads, strides"));
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

// ---------------------------------------------------------------------------
// Col2Im (opset 18): [N, C * prod(block), L] -> [N, C, image...].

ModelBuilder col2im(std::vector<int64_t> input, std::vector<int64_t> image, std::vector<int64_t> block,
                    std::vector<ir::Attribute> attrs = {}) {
  ModelBuilder b(18);
  b.input("x", ir::Shape::ofValues(input)).constant("image", image).constant("block", block);
  b.node("Col2Im", {"x", "image", "block"}, {"y"}, std::move(attrs), "col2im").output("y");
  return b;
}

TEST(Col2Im, onnx_examples) {
  // col2im: block [1, 5] on [5, 5]: L = 5 * 1, C = 5/5 = 1.
  Inferred r = infer(col2im({1, 5, 5}, {5, 5}, {1, 5}));
  EXPECT_EQ(r.shapeOf("y"), shape({1, 1, 5, 5}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
  // strides 2: floor((5 - 3)/2) + 1 = 2 per axis, L = 4, C = 9/9 = 1.
  r = infer(col2im({1, 9, 4}, {5, 5}, {3, 3}, {ints("strides", {2, 2})}));
  EXPECT_EQ(r.shapeOf("y"), shape({1, 1, 5, 5}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
  // pads [0, 1, 0, 1]: 5 and floor((5 + 2 - 5)/1) + 1 = 3, L = 15.
  r = infer(col2im({1, 5, 15}, {5, 5}, {1, 5}, {ints("pads", {0, 1, 0, 1})}));
  EXPECT_EQ(r.shapeOf("y"), shape({1, 1, 5, 5}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
  // dilations [1, 5]: ke = 5(2 - 1) + 1 = 6 on axis 3: 5 * 1 = 5 blocks.
  r = infer(col2im({1, 4, 5}, {6, 6}, {2, 2}, {ints("dilations", {1, 5})}));
  EXPECT_EQ(r.shapeOf("y"), shape({1, 1, 6, 6}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
  // 3-D: block [1, 1, 5] on [3, 4, 5]: L = 3 * 4 * 1 = 12, C = 10/5 = 2.
  r = infer(col2im({1, 10, 12}, {3, 4, 5}, {1, 1, 5}));
  EXPECT_EQ(r.shapeOf("y"), shape({1, 2, 3, 4, 5}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(Col2Im, block_count_must_match) {
  Inferred r = infer(col2im({1, 9, 5}, {5, 5}, {3, 3}, {ints("strides", {2, 2})}));
  ASSERT_THAT(briefs(r.diagnostics),
              ElementsAre("SL003 col2im: input 'x' [1, 9, 5] has L = 5 blocks, expected 4 = 2 * 2 (the block "
                          "placements over image_shape [5, 5])"));
  EXPECT_THAT(r.diagnostics[0].details,
              ElementsAre("relationship 5: o = floor((i + pb + pe - k)/s) + 1 = floor((5 + 0 + 0 - 3)/2) + 1 = 2 on "
                          "axis 2",
                          "relationship 5: o = floor((i + pb + pe - k)/s) + 1 = floor((5 + 0 + 0 - 3)/2) + 1 = 2 on "
                          "axis 3"));
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

TEST(Col2Im, columns_must_hold_whole_blocks_and_blocks_must_fit) {
  Inferred r = infer(col2im({1, 10, 4}, {5, 5}, {3, 3}, {ints("strides", {2, 2})}));
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL003 col2im: input 'x' [1, 10, 4] has 10 values per column, expected a multiple of "
                          "prod(block_shape) = 9"));
  r = infer(col2im({1, 9, 1}, {2, 5}, {3, 3}));
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL202 col2im: block_shape 3 does not fit image_shape 2 on axis 2: 0 placements, expected at "
                          "least 1"));
}

TEST(Col2Im, runtime_image_shape_gives_rank_only) {
  ModelBuilder b(18);
  b.input("x", {1, 9, 4}).input("image", {2}, ir::kInt64).constant("block", {3, 3});
  b.node("Col2Im", {"x", "image", "block"}, {"y"}).output("y");
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, 1, "?", "?"}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

// ---------------------------------------------------------------------------
// LpPool and the global pools.

TEST(LpPool, opset_2_int_p_and_pads) {
  // floor((6 + 1 + 1 - 3)/2) + 1 = 3.
  ModelBuilder b(2);
  b.input("x", {1, 3, 6, 6});
  b.node("LpPool", {"x"}, {"y"},
         {ints("kernel_shape", {3, 3}), ints("strides", {2, 2}), ints("pads", {1, 1, 1, 1}), intAttr("p", 3)})
      .output("y");
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, 3, 3, 3}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(LpPool, opset_1_p_is_a_float) {
  ModelBuilder b(1);
  b.input("x", {1, 3, 6, 6});
  b.node("LpPool", {"x"}, {"y"}, {ints("kernel_shape", {2, 2}), floatAttr("p", 2.0)}).output("y");
  b.node("LpPool", {"x"}, {"z"}, {ints("kernel_shape", {2, 2}), intAttr("p", 2)}, "lp");
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, 3, 5, 5}));
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre("SL301 lp: attribute 'p' is of type int, expected float"));
  EXPECT_FALSE(r.shapeOf("z").rankKnown());
}

TEST(LpPool, ceil_mode_and_dilations_from_opset_18) {
  // ke = 2(2 - 1) + 1 = 3; ceil((7 - 3)/3) + 1 = 3; (3 - 1)3 = 6 < 7: kept.
  ModelBuilder b(18);
  b.input("x", {1, 1, 7, 7});
  b.node("LpPool", {"x"}, {"y"},
         {ints("kernel_shape", {2, 2}), ints("strides", {3, 3}), ints("dilations", {2, 2}), intAttr("ceil_mode", 1)})
      .output("y");
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, 1, 3, 3}));
  EXPECT_THAT(errors(r), IsEmpty());

  ModelBuilder old(17);
  old.input("x", {1, 1, 7, 7});
  old.node("LpPool", {"x"}, {"y"}, {ints("kernel_shape", {2, 2}), intAttr("ceil_mode", 1)}, "lp").output("y");
  r = infer(old);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL301 lp: attribute 'ceil_mode' is not defined for LpPool at opset 17, expected it only "
                          "from opset 18"));
}

TEST(LpPool, p_below_1) {
  ModelBuilder b(11);
  b.input("x", {1, 1, 7, 7});
  b.node("LpPool", {"x"}, {"y"}, {ints("kernel_shape", {2, 2}), intAttr("p", 0)}, "lp");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre("SL301 lp: p is 0, expected at least 1 (the order of the Lp norm)"));
}

TEST(GlobalPool, every_global_pool_at_opset_22) {
  ModelBuilder b(22);
  b.input("x", {"N", 16, 7, 5, 3});
  b.node("GlobalAveragePool", {"x"}, {"a"});
  b.node("GlobalMaxPool", {"x"}, {"m"});
  b.node("GlobalLpPool", {"x"}, {"l"}, {intAttr("p", 1)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("a"), shape({"N", 16, 1, 1, 1}));
  EXPECT_EQ(r.shapeOf("m"), shape({"N", 16, 1, 1, 1}));
  EXPECT_EQ(r.shapeOf("l"), shape({"N", 16, 1, 1, 1}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(GlobalPool, takes_no_kernel) {
  ModelBuilder b(13);
  b.input("x", {1, 16, 7, 7});
  b.node("GlobalMaxPool", {"x"}, {"y"}, {ints("kernel_shape", {7, 7})}, "gmp");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL301 gmp: attribute 'kernel_shape' is not defined for GlobalMaxPool (opset 13), expected "
                          "no attributes"));
}

// ---------------------------------------------------------------------------
// MaxPool and AveragePool per opset.

TEST(MaxPool, opset_1_has_no_indices_output) {
  ModelBuilder b(1);
  b.input("x", {1, 1, 4, 4});
  b.node("MaxPool", {"x"}, {"y", "i"}, {ints("kernel_shape", {2, 2})}, "pool");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL003 pool: MaxPool has 2 outputs at opset 1, expected 1 (the Indices output exists from "
                          "opset 8)"));
}

TEST(MaxPool, storage_order_is_a_flag) {
  ModelBuilder b(8);
  b.input("x", {1, 1, 4, 4});
  b.node("MaxPool", {"x"}, {"y"}, {ints("kernel_shape", {2, 2}), intAttr("storage_order", 2)}, "pool");
  b.node("MaxPool", {"x"}, {"z", "zi"}, {ints("kernel_shape", {2, 2}), intAttr("storage_order", 1)});
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre("SL301 pool: storage_order is 2, expected 0 or 1"));
  EXPECT_EQ(r.shapeOf("z"), shape({1, 1, 3, 3}));
  EXPECT_EQ(r.typeOf("zi"), ir::kInt64);
}

TEST(MaxPool, opset_22_dilated_ceil) {
  // ke = 3; ceil((8 - 3)/2) + 1 = 4; (4 - 1)2 = 6 < 8: kept.
  ModelBuilder b(22);
  b.input("x", {1, 1, 8, 8});
  b.node("MaxPool", {"x"}, {"y"},
         {ints("kernel_shape", {2, 2}), ints("strides", {2, 2}), ints("dilations", {2, 2}), intAttr("ceil_mode", 1)})
      .output("y");
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, 1, 4, 4}));
  EXPECT_THAT(errors(r), IsEmpty());
}

TEST(AveragePool, dilations_from_opset_19_only) {
  ModelBuilder b(18);
  b.input("x", {1, 1, 8, 8});
  b.node("AveragePool", {"x"}, {"y"}, {ints("kernel_shape", {2, 2}), ints("dilations", {2, 2})}, "pool");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL301 pool: attribute 'dilations' is not defined for AveragePool at opset 18, expected it "
                          "only from opset 19"));
  EXPECT_FALSE(r.shapeOf("y").rankKnown());

  ModelBuilder b19(19);
  b19.input("x", {1, 1, 8, 8});
  b19.node("AveragePool", {"x"}, {"y"}, {ints("kernel_shape", {2, 2}), ints("dilations", {2, 2})}).output("y");
  r = infer(b19);
  // ke = 3: 8 - 3 + 1 = 6.
  EXPECT_EQ(r.shapeOf("y"), shape({1, 1, 6, 6}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(AveragePool, count_include_pad_from_opset_7) {
  ModelBuilder b(1);
  b.input("x", {1, 1, 8, 8});
  b.node("AveragePool", {"x"}, {"y"}, {ints("kernel_shape", {2, 2}), intAttr("count_include_pad", 1)}, "pool");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL301 pool: attribute 'count_include_pad' is not defined for AveragePool at opset 1, "
                          "expected it only from opset 7"));
}

TEST(Conv, misspelt_attribute) {
  ModelBuilder b(23);
  b.input("x", {1, 1, 8, 8}).initializer("w", {1, 1, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"}, {ints("stride", {2, 2})}, "conv");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL301 conv: attribute 'stride' is not defined for Conv (opset 23), expected one of: "
                          "auto_pad, dilations, group, kernel_shape, pads, strides"));
}

// ---------------------------------------------------------------------------
// MaxUnpool (opset 9, 11): o = s(i - 1) + k - pb - pe, or output_shape.

ModelBuilder maxUnpool(std::vector<ir::Attribute> attrs, std::vector<int64_t> outputShape = {}, int64_t opset = 11) {
  ModelBuilder b(opset);
  b.input("x", {"N", 3, 2, 3}).input("i", {"N", 3, 2, 3}, ir::kInt64);
  std::vector<std::string> inputs = {"x", "i"};
  if (!outputShape.empty()) {
    b.constant("shape", outputShape);
    inputs.push_back("shape");
  }
  b.node("MaxUnpool", inputs, {"y"}, std::move(attrs), "unpool").output("y");
  return b;
}

TEST(MaxUnpool, without_output_shape) {
  // 2(2 - 1) + 2 = 4, 2(3 - 1) + 2 = 6.
  Inferred r = infer(maxUnpool({ints("kernel_shape", {2, 2}), ints("strides", {2, 2})}));
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 3, 4, 6}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
  // pads 1 + 0: 3(2 - 1) + 3 - 1 = 5; 3(3 - 1) + 3 - 0 - 1 = 8.
  r = infer(maxUnpool({ints("kernel_shape", {3, 3}), ints("strides", {3, 3}), ints("pads", {1, 0, 0, 1})}, {}, 9));
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 3, 5, 8}));
}

TEST(MaxUnpool, constant_output_shape_is_the_output) {
  Inferred r = infer(maxUnpool({ints("kernel_shape", {2, 2}), ints("strides", {2, 2})}, {2, 3, 5, 7}));
  EXPECT_EQ(r.shapeOf("y"), shape({2, 3, 5, 7}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
  r = infer(maxUnpool({ints("kernel_shape", {2, 2}), ints("strides", {2, 2})}, {2, 4, 5, 7}));
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL003 unpool: output_shape [2, 4, 5, 7] has 4 on axis 1, expected 3 like input 'x' [N, 3, "
                          "2, 3]"));
}

TEST(MaxUnpool, runtime_output_shape_gives_rank_only) {
  ModelBuilder b(11);
  b.input("x", {1, 3, 2, 3}).input("i", {1, 3, 2, 3}, ir::kInt64).input("shape", {4}, ir::kInt64);
  b.node("MaxUnpool", {"x", "i", "shape"}, {"y"}, {ints("kernel_shape", {2, 2})}).output("y");
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"?", "?", "?", "?"}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(MaxUnpool, checks) {
  // Pads remove more than s(i - 1) + k = 1(2 - 1) + 1 = 2.
  Inferred r = infer(maxUnpool({ints("kernel_shape", {1, 1}), ints("pads", {2, 0, 1, 0})}));
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL202 unpool: output size on axis 2 is -1, expected at least 1: the pads (2 + 1) remove "
                          "more than s(i - 1) + k = 2"));
  // Indices of another shape; dilations are not a MaxUnpool attribute.
  ModelBuilder b(11);
  b.input("x", {1, 3, 2, 3}).input("i", {1, 3, 3, 3}, ir::kInt64);
  b.node("MaxUnpool", {"x", "i"}, {"y"}, {ints("kernel_shape", {2, 2})}, "unpool");
  b.node("MaxUnpool", {"x", "x"}, {"z"}, {ints("kernel_shape", {2, 2}), ints("dilations", {1, 1})}, "unpool2");
  r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL003 unpool: indices 'i' [1, 3, 3, 3] have another shape than input 'x' [1, 3, 2, 3], "
                          "expected the same shape",
                          "SL301 unpool2: attribute 'dilations' is not defined for MaxUnpool (opset 11), expected one "
                          "of: kernel_shape, pads, strides"));
}

// ---------------------------------------------------------------------------
// Squeeze and Unsqueeze: PyTorch's AvgPool1d is Unsqueeze -> AveragePool -> Squeeze.

TEST(Squeeze, pytorch_avgpool1d) {
  ModelBuilder b(6);
  b.input("x", {2, 3, 8});
  b.node("Unsqueeze", {"x"}, {"u"}, {ints("axes", {3})});
  b.node("AveragePool", {"u"}, {"p"}, {ints("kernel_shape", {2, 1}), ints("strides", {2, 1})});
  b.node("Squeeze", {"p"}, {"y"}, {ints("axes", {3})}).output("y");
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("u"), shape({2, 3, 8, 1}));
  EXPECT_EQ(r.shapeOf("y"), shape({2, 3, 4}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(Squeeze, axes_input_from_opset_13_and_negative_axes_from_11) {
  ModelBuilder b(13);
  b.input("x", {"N", 1, 5, 1}).constant("axes", {-1, 1});
  b.node("Squeeze", {"x", "axes"}, {"y"}).output("y");
  b.node("Unsqueeze", {"x", "axes"}, {"u"}).output("u");
  b.node("Squeeze", {"x"}, {"all"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 5}));
  EXPECT_EQ(r.shapeOf("u"), shape({"N", 1, 1, 5, 1, 1}));
  EXPECT_FALSE(r.shapeOf("all").rankKnown());  // N might be 1
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(Squeeze, findings) {
  ModelBuilder b(10);
  b.input("x", {2, 1, 5});
  b.node("Squeeze", {"x"}, {"y"}, {ints("axes", {2})}, "sq");
  b.node("Squeeze", {"x"}, {"z"}, {ints("axes", {-1})}, "neg");
  b.node("Unsqueeze", {"x"}, {"u"}, {ints("axes", {1, 1})}, "twice");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL003 sq: Squeeze removes axis 2 of input 'x' [2, 1, 5], which has size 5, expected 1",
                          "SL301 neg: axes [-1] has -1, expected 0 to 2 for a rank-3 input",
                          "SL301 twice: axes [1, 1] names axis 1 twice, expected distinct axes"));
}

}  // namespace
}  // namespace shapelint::testing
