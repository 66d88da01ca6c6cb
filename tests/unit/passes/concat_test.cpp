// Concat through runShapePass, and the U-Net example of conv-arithmetic.md
// end to end.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/model_builder.h"
#include "shapelint/ir/expr.h"

namespace shapelint::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(Concat, channel_axis_sums) {
  ModelBuilder b;
  b.input("a", {1, 64, 56, 56}).input("c", {1, 32, 56, 56});
  b.node("Concat", {"a", "c"}, {"y"}, {intAttr("axis", 1)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, 96, 56, 56}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(Concat, negative_axis) {
  ModelBuilder b;
  b.input("a", {2, 3}).input("c", {2, 4});
  b.node("Concat", {"a", "c"}, {"y"}, {intAttr("axis", -1)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({2, 7}));
}

TEST(Concat, symbols_off_the_axis_agree) {
  ModelBuilder b;
  b.input("a", {"N", 64, "H", "W"}).input("c", {"N", 32, "H", "W"});
  b.node("Concat", {"a", "c"}, {"y"}, {intAttr("axis", 1)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 96, "H", "W"}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(Concat, symbolic_axis_dims_add) {
  ModelBuilder b;
  b.input("a", {"N", 3}).input("c", {"M", 3}).input("d", {"?", 3});
  b.node("Concat", {"a", "c", "a"}, {"y"}, {intAttr("axis", 0)});
  b.node("Concat", {"a", "d"}, {"z"}, {intAttr("axis", 0)});
  Inferred r = infer(b);
  // N + M + N along the axis; with an unknown dim the sum is unknown.
  EXPECT_EQ(r.shapeOf("y"), ir::Shape({*ir::parseDim("2*N + M"), ir::Dim::value(3)}));
  EXPECT_EQ(r.shapeOf("z"), shape({"?", 3}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(Concat, different_symbol_and_value_do_not_fire) {
  ModelBuilder b;
  b.input("a", {"H", 3}).input("c", {5, 4});
  b.node("Concat", {"a", "c"}, {"y"}, {intAttr("axis", 1)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({5, 7}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(Concat, off_axis_equal_only_for_some_sizes_is_sl103) {
  // 2*((H + 1) // 2) is H rounded up to even (a ceil-mode pool then a 2x
  // upsampling): by hand H = 1 -> 2, 2 -> 2, 3 -> 4, 4 -> 4, so it equals H
  // exactly for even H and the concat fails for H = 1, 3, 5, ...
  ModelBuilder b(13);
  b.input("skip", ir::Shape({ir::Dim::symbol("N"), ir::Dim::value(32), ir::Dim::symbol("H")}));
  b.input("up", ir::Shape({ir::Dim::symbol("N"), ir::Dim::value(16), *ir::parseDim("2*((H + 1) // 2)")}));
  b.node("Concat", {"skip", "up"}, {"y"}, {intAttr("axis", 1)}, "cat");
  Inferred r = infer(b);
  ASSERT_THAT(briefs(r.diagnostics),
              ElementsAre("SL103 cat: 'skip' [N, 32, H] and 'up' [N, 16, 2*((H + 1) // 2)] may differ on axis 2: H "
                          "and 2*((H + 1) // 2) are equal only when H % 2 == 0"));
  EXPECT_THAT(r.diagnostics[0].details, ElementsAre("they differ for H = 1, 3, 5, ...",
                                                    "Concat: all inputs have the same rank and equal dims on every "
                                                    "axis but the concatenation axis"));
  // Merged where the node can run: H.
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 48, "H"}));
}

TEST(Concat, off_axis_unrelated_symbols_do_not_fire) {
  ModelBuilder b(13);
  b.input("a", {"N", 32, "H"}).input("c", {"N", 16, "W"});
  b.node("Concat", {"a", "c"}, {"y"}, {intAttr("axis", 1)}, "cat");
  Inferred r = infer(b);
  EXPECT_THAT(r.diagnostics, IsEmpty());
  EXPECT_EQ(r.shapeOf("y").rank(), 3u);
  EXPECT_EQ(r.shapeOf("y")[1], ir::Dim::value(48));
}

TEST(Concat, mismatch_off_the_axis) {
  ModelBuilder b;
  b.input("a", {1, 64, 56, 56}).input("c", {1, 64, 55, 55});
  b.node("Concat", {"a", "c"}, {"y"}, {intAttr("axis", 1)}, "cat");
  Inferred r = infer(b);
  ASSERT_THAT(briefs(r.diagnostics),
              ElementsAre("SL102 cat: cannot concatenate [1, 64, 56, 56] with [1, 64, 55, 55] on axis 1: axis 2 has "
                          "56 and 55"));
  EXPECT_EQ(r.diagnostics[0].notes.size(), 2u);
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

TEST(Concat, rank_mismatch) {
  ModelBuilder b;
  b.input("a", {2, 3}).input("c", {2, 3, 1});
  b.node("Concat", {"a", "c"}, {"y"}, {intAttr("axis", 0)}, "cat");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL102 cat: cannot concatenate [2, 3] with [2, 3, 1] on axis 0: ranks 2 and 3"));
}

TEST(Concat, axis_out_of_range) {
  ModelBuilder b;
  b.input("a", {2, 3}).input("c", {2, 3});
  b.node("Concat", {"a", "c"}, {"y"}, {intAttr("axis", 2)}, "cat");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre("SL301 cat: axis is 2, expected -2 to 1 for inputs of rank 2"));
}

TEST(Concat, axis_required_since_opset_4) {
  ModelBuilder b(13);
  b.input("a", {2, 3}).input("c", {2, 3});
  b.node("Concat", {"a", "c"}, {"y"}, {}, "cat");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL301 cat: axis is missing, expected it at opset 13 (required since opset 4)"));
}

TEST(Concat, axis_defaults_to_1_at_opset_1) {
  ModelBuilder b(1);
  b.input("a", {2, 3}).input("c", {2, 3});
  b.node("Concat", {"a", "c"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({2, 6}));
}

// conv-arithmetic.md worked example: four MaxPool(k=2, s=2) down and four
// ConvTranspose(k=2, s=2) up concatenate equal skips only for sizes that are
// multiples of 16. 224 works; 225 fails at the outermost merge (224 vs 225).
ModelBuilder unet(int64_t size) {
  ModelBuilder b(13);
  b.input("x", {1, 1, size, size});
  b.initializer("w", {1, 1, 2, 2});
  std::string level = "x";
  for (int i = 1; i <= 4; ++i) {
    const std::string next = "down" + std::to_string(i);
    b.node("MaxPool", {level}, {next}, {ints("kernel_shape", {2, 2}), ints("strides", {2, 2})},
           "pool" + std::to_string(i));
    level = next;
  }
  const char* skips[] = {"down3", "down2", "down1", "x"};
  for (int i = 1; i <= 4; ++i) {
    const std::string up = "up" + std::to_string(i);
    b.node("ConvTranspose", {level, "w"}, {up}, {ints("strides", {2, 2})}, "upconv" + std::to_string(i));
    const std::string merged = "cat" + std::to_string(i);
    b.node("Concat", {up, skips[i - 1]}, {merged}, {intAttr("axis", 1)}, merged);
    level = up;
  }
  return b;
}

TEST(Concat, unet_224_merges_cleanly) {
  Inferred r = infer(unet(224));
  EXPECT_THAT(r.diagnostics, IsEmpty());
  EXPECT_EQ(r.shapeOf("cat4"), shape({1, 2, 224, 224}));
}

TEST(Concat, unet_225_fails_at_the_outermost_merge) {
  Inferred r = infer(unet(225));
  // The first pool already says why (SL204): it never reads row 225.
  ASSERT_THAT(briefs(r.diagnostics),
              ElementsAre(HasSubstr("SL204 pool1: floor drops the last 1 row of axis 2"),
                          HasSubstr("SL204 pool1: floor drops the last 1 row of axis 3"),
                          "SL102 cat4: cannot concatenate [1, 1, 224, 224] with [1, 1, 225, 225] on axis 1: axis 2 "
                          "has 224 and 225"));
  EXPECT_EQ(r.diagnostics[0].help,
            "use input 224 or 226 on axis 2 (no row dropped), or pads=[0,0,1,0] to cover the "
            "last 1 row");
  ASSERT_EQ(r.diagnostics[2].notes.size(), 2u);
  EXPECT_EQ(r.diagnostics[2].notes[0].node, "upconv4");
  EXPECT_EQ(r.shapeOf("down4"), shape({1, 1, 14, 14}));
}

}  // namespace
}  // namespace shapelint::testing
