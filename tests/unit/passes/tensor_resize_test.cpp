// Resize, Upsample, GridSample through runShapePass. Expected shapes:
// libonnx-testdata (node/<case>/test_data_set_0) as named, the ONNX
// operator docs' examples, or floor(d * scale) worked by hand.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/tensor_test_util.h"

namespace shapelint::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A Resize-13 node on x with the given scales (input 2).
Inferred resizeScales(ir::Shape x, std::vector<double> scales, std::vector<ir::Attribute> attrs = {},
                      int64_t opset = 13) {
  ModelBuilder b(opset);
  b.input("x", std::move(x));
  b.node("Resize", {"x", "", "scales"}, {"y"}, std::move(attrs), "rs");
  return inferWithReals(b, {{"scales", std::move(scales)}});
}

TEST(Resize, floor_of_float_scales) {
  // test_resize_downsample_scales_linear: [1, 1, 2, 4] by 0.6f -> [1, 1, 1, 2] (floor(1.2), floor(2.4)).
  Inferred r = resizeScales(shape({1, 1, 2, 4}), {1.0, 1.0, 0.6000000238418579, 0.6000000238418579});
  EXPECT_EQ(r.shapeOf("y"), shape({1, 1, 1, 2}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
  // test_resize_downsample_scales_cubic: [1, 1, 4, 4] by 0.8f -> [1, 1, 3, 3].
  EXPECT_EQ(resizeScales(shape({1, 1, 4, 4}), {1.0, 1.0, 0.800000011920929, 0.800000011920929}).shapeOf("y"),
            shape({1, 1, 3, 3}));
}

TEST(Resize, symbolic_integer_scale) {
  Inferred r = resizeScales(shape({"N", 3, "H", "W"}), {1.0, 1.0, 2.0, 3.0});
  EXPECT_EQ(r.shapeOf("y")[0], ir::Dim::symbol("N"));
  EXPECT_EQ(r.shapeOf("y")[2].str(), "2*H");
  EXPECT_EQ(r.shapeOf("y")[3].str(), "3*W");
}

TEST(Resize, symbolic_exact_fraction) {
  // 0.5 and 1.5 are exact in float: floor(H / 2), floor(3 * W / 2): H = 7 -> 3, W = 5 -> 7.
  Inferred r = resizeScales(shape({1, 3, "H", "W"}), {1.0, 1.0, 0.5, 1.5});
  EXPECT_EQ(at(r.shapeOf("y")[2], {{"H", 7}}), 3);
  EXPECT_EQ(at(r.shapeOf("y")[3], {{"W", 5}}), 7);
}

TEST(Resize, symbolic_inexact_scale_is_unknown) {
  // 0.6f is not 3/5: floor(H * 0.6f) has no exact symbolic form here.
  Inferred r = resizeScales(shape({1, 3, "H", 10}), {1.0, 1.0, 0.6000000238418579, 0.6000000238418579});
  EXPECT_EQ(r.shapeOf("y"), shape({1, 3, "?", 6}));
}

TEST(Resize, sizes_input) {
  // test_resize_upsample_sizes_nearest: [1, 1, 2, 2], sizes [1, 1, 7, 8] -> [1, 1, 7, 8].
  ModelBuilder b(13);
  b.input("x", {"N", 1, 2, 2}).constant("sizes", {1, 1, 7, 8});
  b.node("Resize", {"x", "", "", "sizes"}, {"y"});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({1, 1, 7, 8}));
}

TEST(Resize, keep_aspect_ratio_policy_opset_18) {
  // ONNX resize_upsample_sizes_nearest_not_larger: [1, 1, 2, 2], axes [2, 3], sizes [7, 8]:
  // scale = min(7/2, 8/2) = 3.5 -> [1, 1, 7, 7]; not_smaller: max = 4 -> [1, 1, 8, 8].
  for (auto [policy, expected] : {std::pair{"not_larger", 7}, std::pair{"not_smaller", 8}}) {
    ModelBuilder b(18);
    b.input("x", {1, 1, 2, 2}).constant("sizes", {7, 8});
    b.node("Resize", {"x", "", "", "sizes"}, {"y"},
           {ints("axes", {2, 3}), stringAttr("keep_aspect_ratio_policy", policy)});
    EXPECT_EQ(infer(b).shapeOf("y"), shape({1, 1, expected, expected})) << policy;
  }
  // resize_downsample_sizes_nearest_not_smaller: [1, 1, 2, 4], sizes [1, 3] on axes [2, 3]:
  // scale = max(1/2, 3/4) = 0.75 -> round(1.5) = 2, round(3) = 3.
  ModelBuilder b(18);
  b.input("x", {1, 1, 2, 4}).constant("sizes", {1, 3});
  b.node("Resize", {"x", "", "", "sizes"}, {"y"},
         {ints("axes", {2, 3}), stringAttr("keep_aspect_ratio_policy", "not_smaller")});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({1, 1, 2, 3}));
}

TEST(Resize, axes_attribute_only_from_opset_18) {
  ModelBuilder b(13);
  b.input("x", {1, 1, 2, 2}).constant("sizes", {7, 8});
  b.node("Resize", {"x", "", "", "sizes"}, {"y"}, {ints("axes", {2, 3})});
  EXPECT_EQ(codes(infer(b)), "SL301 ");
}

TEST(Resize, scales_and_sizes_both_given) {
  ModelBuilder b(13);
  b.input("x", {1, 1, 2, 2}).constant("sizes", {1, 1, 4, 4});
  b.node("Resize", {"x", "", "scales", "sizes"}, {"y"}, {}, "rs");
  Inferred r = inferWithReals(b, {{"scales", {1.0, 1.0, 2.0, 2.0}}});
  EXPECT_EQ(codes(r), "SL003 ");
}

TEST(Resize, scales_of_unknown_size_may_be_the_empty_one) {
  // libonnx-testdata test_resize_downsample_sizes_nearest_tf_half_pixel_for_nn: scales is an empty
  // tensor made by a Constant; while its size is unknown it is not "both scales and sizes".
  ModelBuilder b(13);
  b.input("x", {1, 1, 4, 4}).constant("sizes", {1, 1, 3, 2});
  b.node("Unknown", {}, {"scales"});
  b.node("Resize", {"x", "", "scales", "sizes"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, 1, 3, 2}));
  EXPECT_EQ(codes(r).find("SL003"), std::string::npos);
}

TEST(Resize, neither_scales_nor_sizes) {
  ModelBuilder b(13);
  b.input("x", {1, 1, 4, 4});
  b.node("Resize", {"x", "", "", ""}, {"y"});
  EXPECT_EQ(codes(infer(b)), "SL003 ");
}

TEST(Resize, wrong_number_of_scales) {
  Inferred r = resizeScales(shape({1, 1, 2, 2}), {2.0, 2.0});
  ASSERT_EQ(codes(r), "SL003 ");
  EXPECT_THAT(r.diagnostics[0].message, HasSubstr("has 2 values, expected 4"));
}

TEST(Resize, opset_10_scales_are_input_1) {
  // Resize-10: X, scales; nearest [1, 1, 2, 2] by [1, 1, 2, 3] -> [1, 1, 4, 6].
  ModelBuilder b(10);
  b.input("x", {1, 1, 2, 2});
  b.node("Resize", {"x", "scales"}, {"y"});
  EXPECT_EQ(inferWithReals(b, {{"scales", {1.0, 1.0, 2.0, 3.0}}}).shapeOf("y"), shape({1, 1, 4, 6}));
}

TEST(Resize, tf_crop_and_resize_uses_roi) {
  // floor(d * (end - start) * scale): 10 * (0.8 - 0.3) * 2 = 10 on axis 2, 8 * 1 * 2 = 16 on axis 3.
  ModelBuilder b(13);
  b.input("x", {1, 1, 10, 8});
  b.node("Resize", {"x", "roi", "scales"}, {"y"}, {stringAttr("coordinate_transformation_mode", "tf_crop_and_resize")});
  Inferred r = inferWithReals(b, {{"scales", {1.0, 1.0, 2.0, 2.0}}, {"roi", {0, 0, 0.3, 0, 1, 1, 0.8, 1}}});
  EXPECT_EQ(r.shapeOf("y"), shape({1, 1, 10, 16}));
}

TEST(Resize, symbolic_sizes_from_a_shape_computation) {
  // F.interpolate(scale_factor=2) as torch exports it: sizes = Shape(x) * [1, 1, 2, 2].
  ModelBuilder b(13);
  b.input("x", {"N", 64, "H", "W"}).constant("k", {1, 1, 2, 2});
  b.node("Shape", {"x"}, {"s"});
  b.node("Mul", {"s", "k"}, {"sizes"});
  b.node("Resize", {"x", "", "", "sizes"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y")[0], ir::Dim::symbol("N"));
  EXPECT_EQ(r.shapeOf("y")[1], ir::Dim::value(64));
  EXPECT_EQ(r.shapeOf("y")[2].str(), "2*H");
  EXPECT_EQ(r.shapeOf("y")[3].str(), "2*W");
}

TEST(Resize, runtime_scales_keep_rank) {
  ModelBuilder b(13);
  b.input("x", {"N", 3, 8, 8}).input("scales", {4});
  b.node("Resize", {"x", "", "scales"}, {"y"});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({"?", "?", "?", "?"}));
}

TEST(Upsample, scales_attribute_at_7_input_at_9) {
  // test_upsample_nearest (opset 9): [1, 1, 2, 2], scales [1, 1, 2, 3] -> [1, 1, 4, 6].
  ir::Attribute scales;
  scales.name = "scales";
  scales.type = ir::Attribute::Type::kFloats;
  scales.mutableFloats() = {1.0, 1.0, 2.0, 3.0};
  ModelBuilder b7(7);
  b7.input("x", {"N", 1, "H", 2});
  b7.node("Upsample", {"x"}, {"y"}, {scales});
  Inferred r7 = infer(b7);
  EXPECT_EQ(r7.shapeOf("y")[2].str(), "2*H");
  EXPECT_EQ(r7.shapeOf("y")[3], ir::Dim::value(6));

  ModelBuilder b9(9);
  b9.input("x", {1, 1, 2, 2});
  b9.node("Upsample", {"x", "scales"}, {"y"});
  EXPECT_EQ(inferWithReals(b9, {{"scales", {1.0, 1.0, 2.0, 3.0}}}).shapeOf("y"), shape({1, 1, 4, 6}));

  ModelBuilder bad(9);
  bad.input("x", {1, 1, 2, 2}).initializer("s", {4});
  bad.node("Upsample", {"x", "s"}, {"y"}, {scales});
  EXPECT_EQ(codes(infer(bad)), "SL301 ");
}

TEST(Upsample, opset_1_height_and_width_scale) {
  ModelBuilder b(1);
  b.input("x", {1, 3, 4, 5});
  b.node("Upsample", {"x"}, {"y"}, {floatAttr("height_scale", 2.0), floatAttr("width_scale", 3.0)});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({1, 3, 8, 15}));
}

TEST(GridSample, output_takes_grid_spatial_dims) {
  // test_gridsample: X [1, 1, 4, 4], grid [1, 6, 6, 2] -> [1, 1, 6, 6].
  ModelBuilder b(16);
  b.input("x", {"N", "C", 4, 4}).input("grid", {"N", 6, "W", 2});
  b.node("GridSample", {"x", "grid"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", "C", 6, "W"}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(GridSample, findings) {
  ModelBuilder b(16);
  b.input("x", {2, 3, 4, 4}).input("g3", {2, 6, 6, 3}).input("gn", {5, 6, 6, 2}).input("v", {2, 3, 4, 4, 4});
  b.input("g5", {2, 5, 5, 5, 3});
  b.node("GridSample", {"x", "g3"}, {"a"}, {}, "coords");
  b.node("GridSample", {"x", "gn"}, {"b"}, {}, "batch");
  b.node("GridSample", {"v", "g5"}, {"c"}, {}, "volume");  // 3-D only from opset 20
  Inferred r = infer(b);
  EXPECT_EQ(codes(r), "SL003 SL102 SL003 ");
}

TEST(GridSample, volumetric_from_opset_20) {
  ModelBuilder b(20);
  b.input("v", {2, 3, 4, 4, 4}).input("g", {2, 5, 6, 7, 3});
  b.node("GridSample", {"v", "g"}, {"y"}, {stringAttr("mode", "linear")});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({2, 3, 5, 6, 7}));
}

}  // namespace
}  // namespace shapelint::testing
