// Transpose, Split, Pad, DepthToSpace, SpaceToDepth through runShapePass.
// Expected shapes: the ONNX operator docs' examples and libonnx-testdata
// (/usr/share/libonnx-testdata/data/node/<case>/test_data_set_0/output_N.pb),
// named at each test; symbolic ones worked by hand from the spec formula.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/tensor_test_util.h"

namespace shapelint::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// ---------------------------------------------------------------------------
// Transpose.

TEST(Transpose, default_perm_reverses_symbolic_dims) {
  // Spec: perm defaults to reversing the dims (test_transpose_default: [2, 3, 4] -> [4, 3, 2]).
  ModelBuilder b(13);
  b.input("x", {"N", 3, "H", "W"});
  b.node("Transpose", {"x"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"W", "H", 3, "N"}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(Transpose, perm_from_testdata) {
  // test_transpose_all_permutations_2: [2, 3, 4] with perm [1, 0, 2] -> [3, 2, 4].
  ModelBuilder b(13);
  b.input("x", {2, 3, 4});
  b.node("Transpose", {"x"}, {"y"}, {ints("perm", {1, 0, 2})});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({3, 2, 4}));
}

TEST(Transpose, perm_not_a_permutation) {
  ModelBuilder b(13);
  b.input("x", {2, 3, 4});
  b.node("Transpose", {"x"}, {"y"}, {ints("perm", {0, 0, 2})}, "t");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics),
              ElementsAre("SL301 t: perm [0, 0, 2] is not a permutation of 0 to 2 (input 'x' [2, 3, 4] has rank 3)"));
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

// ---------------------------------------------------------------------------
// Split.

TEST(Split, equal_parts_from_output_count) {
  // test_split_equal_parts_1d: [6] into 3 outputs -> [2] each.
  ModelBuilder b(13);
  b.input("x", {6});
  b.node("Split", {"x"}, {"a", "b", "c"});
  Inferred r = infer(b);
  for (const char* o : {"a", "b", "c"}) EXPECT_EQ(r.shapeOf(o), shape({2}));
}

TEST(Split, attribute_before_opset_13) {
  // test_split_variable_parts_2d (as the opset-11 attribute): [2, 6], split [2, 4] on axis 1.
  ModelBuilder b(11);
  b.input("x", {"N", 6});
  b.node("Split", {"x"}, {"a", "c"}, {intAttr("axis", 1), ints("split", {2, 4})});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("a"), shape({"N", 2}));
  EXPECT_EQ(r.shapeOf("c"), shape({"N", 4}));
}

TEST(Split, input_since_opset_13) {
  ModelBuilder b(13);
  b.input("x", {2, 6}).constant("split", {2, 4});
  b.node("Split", {"x", "split"}, {"a", "c"}, {intAttr("axis", -1)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("a"), shape({2, 2}));
  EXPECT_EQ(r.shapeOf("c"), shape({2, 4}));
}

TEST(Split, runtime_split_keeps_other_axes) {
  ModelBuilder b(13);
  b.input("x", {"N", 6}).input("split", {2}, ir::kInt64);
  b.node("Split", {"x", "split"}, {"a", "c"}, {intAttr("axis", 1)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("a"), shape({"N", "?"}));
}

TEST(Split, attribute_removed_at_opset_13) {
  ModelBuilder b(13);
  b.input("x", {6});
  b.node("Split", {"x"}, {"a", "c"}, {ints("split", {2, 4})}, "s");
  EXPECT_EQ(codes(infer(b)), "SL301 ");
}

TEST(Split, sizes_must_sum_to_the_dim) {
  ModelBuilder b(11);
  b.input("x", {7});
  b.node("Split", {"x"}, {"a", "c"}, {ints("split", {2, 4})}, "s");
  EXPECT_THAT(briefs(infer(b).diagnostics), ElementsAre("SL301 s: split attribute [2, 4] sums to 6, expected 7 "
                                                        "(axis 0 of 'x' [7])"));
}

TEST(Split, equal_split_of_indivisible_dim) {
  // 7 into 3 equal pieces: 7 mod 3 = 1.
  ModelBuilder b(13);
  b.input("x", {2, 7});
  b.node("Split", {"x"}, {"a", "b", "c"}, {intAttr("axis", 1)}, "s");
  Inferred r = infer(b);
  ASSERT_EQ(codes(r), "SL207 ");
  EXPECT_THAT(r.diagnostics[0].message, HasSubstr("7 mod 3 = 1"));
}

TEST(Split, equal_split_of_symbol) {
  ModelBuilder b(13);
  b.input("x", {"N", "C"});
  b.node("Split", {"x"}, {"a", "c"}, {intAttr("axis", 1)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("a")[1].str(), "C // 2");
  EXPECT_EQ(r.shapeOf("a")[0], ir::Dim::symbol("N"));
}

TEST(Split, num_outputs_uneven_opset_18) {
  // ONNX test_split_2d_uneven_split_opset18: [2, 8], num_outputs 3 on axis 1 -> [2, 3], [2, 3], [2, 2].
  ModelBuilder b(18);
  b.input("x", {2, 8});
  b.node("Split", {"x"}, {"a", "b", "c"}, {intAttr("axis", 1), intAttr("num_outputs", 3)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("a"), shape({2, 3}));
  EXPECT_EQ(r.shapeOf("b"), shape({2, 3}));
  EXPECT_EQ(r.shapeOf("c"), shape({2, 2}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(Split, num_outputs_symbolic_ceil_and_rest) {
  // Pieces ceil(L / 2) and L - ceil(L / 2): L = 7 -> 4, 3; L = 8 -> 4, 4.
  ModelBuilder b(18);
  b.input("x", {"L"});
  b.node("Split", {"x"}, {"a", "c"}, {intAttr("num_outputs", 2)});
  Inferred r = infer(b);
  const ir::Dim& first = r.shapeOf("a")[0];
  const ir::Dim& last = r.shapeOf("c")[0];
  EXPECT_EQ(at(first, {{"L", 7}}), 4);
  EXPECT_EQ(at(last, {{"L", 7}}), 3);
  EXPECT_EQ(at(first, {{"L", 8}}), 4);
  EXPECT_EQ(at(last, {{"L", 8}}), 4);
}

TEST(Split, num_outputs_must_match_outputs) {
  ModelBuilder b(18);
  b.input("x", {8});
  b.node("Split", {"x"}, {"a", "c"}, {intAttr("num_outputs", 3)}, "s");
  EXPECT_EQ(codes(infer(b)), "SL301 ");
}

TEST(Split, neither_split_nor_num_outputs_at_opset_18) {
  ModelBuilder b(18);
  b.input("x", {8});
  b.node("Split", {"x"}, {"a", "c"}, {}, "s");
  EXPECT_EQ(codes(infer(b)), "SL003 ");
}

// ---------------------------------------------------------------------------
// Pad.

TEST(Pad, pads_attribute_before_opset_11) {
  // test_constant_pad: [1, 3, 4, 5], pads [0, 0, 1, 3, 0, 0, 2, 4] -> [1, 3, 7, 12].
  ModelBuilder b(2);
  b.input("x", {1, 3, 4, 5});
  b.node("Pad", {"x"}, {"y"}, {ints("pads", {0, 0, 1, 3, 0, 0, 2, 4})});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({1, 3, 7, 12}));
}

TEST(Pad, paddings_attribute_at_opset_1) {
  ModelBuilder b(1);
  b.input("x", {1, 3, 4, 5});
  b.node("Pad", {"x"}, {"y"}, {ints("paddings", {0, 0, 1, 1, 0, 0, 1, 1})});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({1, 3, 6, 7}));
}

TEST(Pad, pads_input_with_symbols) {
  // H + 1 + 2 = H + 3 (test_constant_pad's pads on a symbolic H).
  ModelBuilder b(13);
  b.input("x", {"N", 3, "H", 5}).constant("pads", {0, 0, 1, 3, 0, 0, 2, 4});
  b.node("Pad", {"x", "pads"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y")[0], ir::Dim::symbol("N"));
  EXPECT_EQ(r.shapeOf("y")[2].str(), "H + 3");
  EXPECT_EQ(r.shapeOf("y")[3], ir::Dim::value(12));
}

TEST(Pad, negative_pads_crop) {
  ModelBuilder b(13);
  b.input("x", {10, "W"}).constant("pads", {-2, -1, -3, -1});
  b.node("Pad", {"x", "pads"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y")[0], ir::Dim::value(5));
  EXPECT_EQ(at(r.shapeOf("y")[1], {{"W", 10}}), 8);
}

TEST(Pad, crop_past_the_axis) {
  ModelBuilder b(13);
  b.input("x", {3}).constant("pads", {-2, -2});
  b.node("Pad", {"x", "pads"}, {"y"}, {}, "p");
  Inferred r = infer(b);
  ASSERT_EQ(codes(r), "SL202 ");
  EXPECT_THAT(r.diagnostics[0].message, HasSubstr("3 + -2 + -2 = -1 < 0"));
}

TEST(Pad, wrong_pads_length) {
  ModelBuilder b(13);
  b.input("x", {3, 4}).constant("pads", {1, 1});
  b.node("Pad", {"x", "pads"}, {"y"}, {}, "p");
  EXPECT_EQ(codes(infer(b)), "SL003 ");
}

TEST(Pad, runtime_pads_keep_rank) {
  ModelBuilder b(13);
  b.input("x", {"N", 3, 4}).input("pads", {6}, ir::kInt64);
  b.node("Pad", {"x", "pads"}, {"y"});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({"?", "?", "?"}));
}

TEST(Pad, axes_input_opset_18) {
  // Pads apply to the listed axes only: [N, 3, 4, 5], axes [2, -1], pads [1, 1, 1, 1].
  ModelBuilder b(18);
  b.input("x", {"N", 3, 4, 5}).constant("pads", {1, 1, 1, 1}).constant("axes", {2, -1});
  b.node("Pad", {"x", "pads", "", "axes"}, {"y"});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({"N", 3, 6, 7}));
}

TEST(Pad, runtime_pads_with_axes_unknown_only_there) {
  ModelBuilder b(18);
  b.input("x", {"N", 3, 4, 5}).input("pads", {4}, ir::kInt64).constant("axes", {2, 3});
  b.node("Pad", {"x", "pads", "", "axes"}, {"y"});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({"N", 3, "?", "?"}));
}

TEST(Pad, wrap_mode_only_from_opset_19) {
  ModelBuilder b18(18);
  b18.input("x", {3}).constant("pads", {1, 1});
  b18.node("Pad", {"x", "pads"}, {"y"}, {stringAttr("mode", "wrap")});
  EXPECT_EQ(codes(infer(b18)), "SL301 ");
  ModelBuilder b19(19);
  b19.input("x", {3}).constant("pads", {1, 1});
  b19.node("Pad", {"x", "pads"}, {"y"}, {stringAttr("mode", "wrap")});
  EXPECT_EQ(infer(b19).shapeOf("y"), shape({5}));
}

// ---------------------------------------------------------------------------
// DepthToSpace and SpaceToDepth.

TEST(DepthToSpace, spec_example_and_symbols) {
  // test_depthtospace_example: [1, 8, 2, 3], blocksize 2 -> [1, 2, 4, 6].
  ModelBuilder b(13);
  b.input("x", {1, 8, 2, 3}).input("s", {"N", 8, "H", "W"});
  b.node("DepthToSpace", {"x"}, {"y"}, {intAttr("blocksize", 2), stringAttr("mode", "CRD")});
  b.node("DepthToSpace", {"s"}, {"z"}, {intAttr("blocksize", 2)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, 2, 4, 6}));
  EXPECT_EQ(r.shapeOf("z")[2].str(), "2*H");
  EXPECT_EQ(r.shapeOf("z")[1], ir::Dim::value(2));
}

TEST(DepthToSpace, channels_not_divisible) {
  ModelBuilder b(13);
  b.input("x", {1, 6, 2, 3});
  b.node("DepthToSpace", {"x"}, {"y"}, {intAttr("blocksize", 2)}, "d");
  Inferred r = infer(b);
  ASSERT_EQ(codes(r), "SL207 ");
  EXPECT_THAT(r.diagnostics[0].message, HasSubstr("6 mod 4 = 2"));
}

TEST(DepthToSpace, bad_mode) {
  ModelBuilder b(13);
  b.input("x", {1, 8, 2, 3});
  b.node("DepthToSpace", {"x"}, {"y"}, {intAttr("blocksize", 2), stringAttr("mode", "DRC")});
  EXPECT_EQ(codes(infer(b)), "SL301 ");
}

TEST(SpaceToDepth, spec_example_and_symbols) {
  // test_spacetodepth_example: [1, 1, 4, 6], blocksize 2 -> [1, 4, 2, 3].
  ModelBuilder b(13);
  b.input("x", {1, 1, 4, 6}).input("s", {"N", 3, "H", 8});
  b.node("SpaceToDepth", {"x"}, {"y"}, {intAttr("blocksize", 2)});
  b.node("SpaceToDepth", {"s"}, {"z"}, {intAttr("blocksize", 2)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({1, 4, 2, 3}));
  EXPECT_EQ(r.shapeOf("z")[1], ir::Dim::value(12));
  EXPECT_EQ(r.shapeOf("z")[2].str(), "H // 2");
}

TEST(SpaceToDepth, width_not_divisible) {
  ModelBuilder b(13);
  b.input("x", {1, 1, 4, 5});
  b.node("SpaceToDepth", {"x"}, {"y"}, {intAttr("blocksize", 2)}, "s");
  Inferred r = infer(b);
  ASSERT_EQ(codes(r), "SL207 ");
  EXPECT_THAT(r.diagnostics[0].message, HasSubstr("axis 3"));
}

TEST(SpaceToDepth, rank_must_be_4) {
  ModelBuilder b(13);
  b.input("x", {4, 6});
  b.node("SpaceToDepth", {"x"}, {"y"}, {intAttr("blocksize", 2)});
  EXPECT_EQ(codes(infer(b)), "SL003 ");
}

}  // namespace
}  // namespace shapelint::testing
