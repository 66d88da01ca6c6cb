// InstanceNormalization, LayerNormalization, GroupNormalization, LRN,
// MeanVarianceNormalization, and BatchNormalization's opset-14 outputs.
// Expected shapes: libonnx-testdata (node/<case>/test_data_set_0) as named,
// or the spec's output description worked by hand.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/tensor_test_util.h"

namespace shapelint::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(LayerNormalization, statistics_keep_leading_axes) {
  // test_layer_normalization_3d_axis1_epsilon: X [2, 3, 5], axis 1 -> Y [2, 3, 5], Mean and
  // InvStdDev [2, 1, 1].
  ModelBuilder b(17);
  b.input("x", {"N", 3, 5}).initializer("s", {3, 5}).initializer("bias", {3, 5});
  b.node("LayerNormalization", {"x", "s", "bias"}, {"y", "mean", "inv"}, {intAttr("axis", 1)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 3, 5}));
  EXPECT_EQ(r.shapeOf("mean"), shape({"N", 1, 1}));
  EXPECT_EQ(r.shapeOf("inv"), shape({"N", 1, 1}));
  EXPECT_EQ(r.typeOf("mean"), ir::kFloat);  // stash_type default 1 (float)
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(LayerNormalization, default_axis_is_last) {
  // test_layer_normalization_default_axis: [2, 3, 4, 5] -> Mean [2, 3, 4, 1].
  ModelBuilder b(17);
  b.input("x", {2, 3, 4, 5}).initializer("s", {5});
  b.node("LayerNormalization", {"x", "s"}, {"y", "mean"});
  EXPECT_EQ(infer(b).shapeOf("mean"), shape({2, 3, 4, 1}));
}

TEST(LayerNormalization, scale_of_another_hidden_size) {
  ModelBuilder b(17);
  b.input("x", {"N", "S", 1024}).initializer("s", {768}).initializer("bias", {1, 1024});
  b.node("LayerNormalization", {"x", "s", "bias"}, {"y"}, {}, "ln");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL003 ln: Scale 's' [768] does not fit the normalised shape [1024] of 'x' [N, S, 1024] "
                          "(axis = 2): axis 2 of X has 1024, Scale has 768"));
}

TEST(LayerNormalization, scale_and_bias_broadcast) {
  // [1, 1024] and [1024] both broadcast onto X[2:] = [1024]; [S, 1024] against X[1:] = [S, 1024].
  ModelBuilder b(17);
  b.input("x", {"N", "S", 1024}).initializer("s", {1024}).initializer("bias", {1, 1024});
  b.input("s2", {"S", 1024});
  b.node("LayerNormalization", {"x", "s", "bias"}, {"y"});
  b.node("LayerNormalization", {"x", "s2"}, {"z"}, {intAttr("axis", 1)});
  Inferred r = infer(b);
  EXPECT_THAT(r.diagnostics, IsEmpty());
  EXPECT_EQ(r.shapeOf("z"), shape({"N", "S", 1024}));
}

TEST(LayerNormalization, axis_out_of_range) {
  ModelBuilder b(17);
  b.input("x", {2, 3}).initializer("s", {3});
  b.node("LayerNormalization", {"x", "s"}, {"y"}, {intAttr("axis", 2)});
  EXPECT_EQ(codes(infer(b)), "SL301 ");
}

TEST(GroupNormalization, channels_not_divisible_by_groups) {
  ModelBuilder b(18);
  b.input("x", {"N", 6, 8, 8}).initializer("s", {4}).initializer("bias", {4});
  b.node("GroupNormalization", {"x", "s", "bias"}, {"y"}, {intAttr("num_groups", 4)}, "gn");
  Inferred r = infer(b);
  ASSERT_EQ(codes(r), "SL207 ");
  EXPECT_EQ(r.diagnostics[0].message,
            "the 6 channels of 'x' [N, 6, 8, 8] do not split into num_groups = 4 groups: 6 mod 4 = 2");
}

TEST(GroupNormalization, scale_per_group_at_18_per_channel_at_21) {
  // Opset 18: scale and bias have num_groups values; 21: C values.
  ModelBuilder b18(18);
  b18.input("x", {"N", 6, "H", "W"}).initializer("s", {2}).initializer("bias", {2});
  b18.node("GroupNormalization", {"x", "s", "bias"}, {"y"}, {intAttr("num_groups", 2)});
  Inferred r18 = infer(b18);
  EXPECT_EQ(r18.shapeOf("y"), shape({"N", 6, "H", "W"}));
  EXPECT_THAT(r18.diagnostics, IsEmpty());

  ModelBuilder b21(21);
  b21.input("x", {"N", 6, "H", "W"}).initializer("s", {2}).initializer("bias", {6});
  b21.node("GroupNormalization", {"x", "s", "bias"}, {"y"}, {intAttr("num_groups", 2)}, "gn");
  EXPECT_THAT(briefs(infer(b21).diagnostics),
              ElementsAre("SL003 gn: scale 's' [2] has 2 values, expected 6 (one per channel of 'x' [N, 6, H, W])"));
}

TEST(InstanceNormalization, shape_and_per_channel_scale) {
  // test_instancenorm_example: x [1, 2, 1, 3], scale [2], B [2] -> [1, 2, 1, 3].
  ModelBuilder b(6);
  b.input("x", {"N", 2, 1, 3}).initializer("s", {2}).initializer("bias", {3});
  b.node("InstanceNormalization", {"x", "s", "bias"}, {"y"}, {}, "in");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL003 in: B 'bias' [3] has 3 values, expected 2 (one per channel of 'x' [N, 2, 1, 3])"));
}

TEST(LRN, shape_and_required_size) {
  // test_lrn: [5, 5, 5, 5], size 3 -> [5, 5, 5, 5].
  ModelBuilder b(13);
  b.input("x", {"N", 5, 5, 5});
  b.node("LRN", {"x"}, {"y"}, {intAttr("size", 3)});
  b.node("LRN", {"x"}, {"z"}, {}, "nosize");
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 5, 5, 5}));
  EXPECT_EQ(codes(r), "SL301 ");
}

TEST(MeanVarianceNormalization, shape_and_axes) {
  // test_mvn: [3, 3, 3, 1] -> [3, 3, 3, 1].
  ModelBuilder b(13);
  b.input("x", {3, 3, 3, 1});
  b.node("MeanVarianceNormalization", {"x"}, {"y"});
  b.node("MeanVarianceNormalization", {"x"}, {"z"}, {ints("axes", {0, 4})});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({3, 3, 3, 1}));
  EXPECT_EQ(codes(r), "SL301 ");
}

TEST(BatchNormalization, opset_14_statistics_only_in_training_mode) {
  ModelBuilder b(15);
  b.input("x", {2, 3, 4, 5});
  for (const char* p : {"s", "bias", "mean", "var"}) b.initializer(p, {3});
  b.node("BatchNormalization", {"x", "s", "bias", "mean", "var"}, {"y", "rm", "rv"}, {}, "bn");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL003 bn: BatchNormalization has 3 outputs with training_mode = 0, expected 1 (Y) at "
                          "opset 15"));
}

TEST(BatchNormalization, opset_9_keeps_saved_statistics) {
  ModelBuilder b(9);
  b.input("x", {2, 3, 4, 5});
  for (const char* p : {"s", "bias", "mean", "var"}) b.initializer(p, {3});
  b.node("BatchNormalization", {"x", "s", "bias", "mean", "var"}, {"y", "m", "v", "sm", "sv"});
  Inferred r = infer(b);
  EXPECT_THAT(r.diagnostics, IsEmpty());
  EXPECT_EQ(r.shapeOf("sv"), shape({3}));
}

}  // namespace
}  // namespace shapelint::testing
