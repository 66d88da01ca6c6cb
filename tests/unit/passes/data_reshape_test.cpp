// Reshape, Expand and Tile, and the chains exporters build for them: the
// spec's 0 / -1 / allowzero examples, and torch's flatten export
// ([N, 64, H, W] -> Shape -> Gather(0) -> Unsqueeze -> Concat with [-1] ->
// Reshape gives [N, 64*H*W]).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/data_test_util.h"
#include "shapelint/ir/expr.h"

namespace shapelint::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

ir::Dim dim(const char* text) { return *ir::parseDim(text); }

Inferred reshape(int64_t opset, ir::Shape x, std::vector<int64_t> target, int64_t allowzero = -1) {
  ModelBuilder b(opset);
  b.input("x", std::move(x));
  b.constant("shape", std::move(target));
  std::vector<ir::Attribute> attrs;
  if (allowzero >= 0) attrs.push_back(intAttr("allowzero", allowzero));
  b.node("Reshape", {"x", "shape"}, {"y"}, attrs, "reshape");
  return infer(b);
}

// The spec's Reshape examples on data of shape [2, 3, 4].
TEST(DataReshape, spec_examples) {
  EXPECT_EQ(reshape(14, shape({2, 3, 4}), {4, 2, 3}).shapeOf("y"), shape({4, 2, 3}));         // reordered_all_dims
  EXPECT_EQ(reshape(14, shape({2, 3, 4}), {2, 12}).shapeOf("y"), shape({2, 12}));             // reduced_dims
  EXPECT_EQ(reshape(14, shape({2, 3, 4}), {2, 3, 2, 2}).shapeOf("y"), shape({2, 3, 2, 2}));   // extended_dims
  EXPECT_EQ(reshape(14, shape({2, 3, 4}), {24}).shapeOf("y"), shape({24}));                   // one_dim
  EXPECT_EQ(reshape(14, shape({2, 3, 4}), {2, -1, 2}).shapeOf("y"), shape({2, 6, 2}));        // negative_dim
  EXPECT_EQ(reshape(14, shape({2, 3, 4}), {-1, 2, 3, 4}).shapeOf("y"), shape({1, 2, 3, 4}));  // negative_extended
  EXPECT_EQ(reshape(14, shape({2, 3, 4}), {2, 0, 4, 1}).shapeOf("y"), shape({2, 3, 4, 1}));   // zero_dim
  EXPECT_EQ(reshape(14, shape({2, 3, 4}), {2, 0, 1, -1}).shapeOf("y"), shape({2, 3, 1, 4}));  // zero_and_negative
}

TEST(DataReshape, allowzero_spec_example) {
  // allowzero = 1: input [0, 3, 4] to [3, 4, 0] is [3, 4, 0]; without it the
  // 0 would copy axis 2 (4), and 0 elements != 48 elements.
  EXPECT_EQ(reshape(14, shape({0, 3, 4}), {3, 4, 0}, 1).shapeOf("y"), shape({3, 4, 0}));
  Inferred r = reshape(14, shape({0, 3, 4}), {3, 4, 0});
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre(HasSubstr("SL102 reshape: cannot reshape")));
}

TEST(DataReshape, allowzero_with_minus_one_is_invalid) {
  Inferred r = reshape(14, shape({2, 3}), {0, -1}, 1);
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre(HasSubstr("SL301 reshape: Reshape's target shape [0, -1] has both")));
}

TEST(DataReshape, two_minus_ones_are_invalid) {
  Inferred r = reshape(13, shape({2, 3}), {-1, -1});
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre(HasSubstr("has -1 at positions 0 and 1")));
}

TEST(DataReshape, indivisible_minus_one) {
  // 2*3*5 = 30 elements into [4, -1]: 30 / 4 is not exact.
  Inferred r = reshape(13, shape({2, 3, 5}), {4, -1});
  ASSERT_THAT(briefs(r.diagnostics), ElementsAre("SL207 reshape: cannot reshape 'x' [2, 3, 5] to [4, "
                                                 "-1]: its 30 elements do not divide by 4, "
                                                 "the product of the other target dims"));
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

TEST(DataReshape, element_count_mismatch) {
  Inferred r = reshape(13, shape({2, 3}), {4, 2});
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre("SL102 reshape: cannot reshape 'x' [2, 3] (6 "
                                                 "elements) to [4, 2] (8 elements)"));
}

TEST(DataReshape, symbolic_copy_and_minus_one) {
  // [N, 64, H, W] to [0, -1]: -1 = (N*64*H*W) / N = 64*H*W.
  Inferred r = reshape(13, shape({"N", 64, "H", "W"}), {0, -1});
  EXPECT_EQ(r.shapeOf("y"), ir::Shape({dim("N"), dim("64*H*W")}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
  // [N, 64, H, W] to [0, 16, -1]: (64*H*W) / 16 = 4*H*W.
  EXPECT_EQ(reshape(13, shape({"N", 64, "H", "W"}), {0, 16, -1}).shapeOf("y"),
            ir::Shape({dim("N"), ir::Dim::value(16), dim("4*H*W")}));
  // [N, 6, H] to [0, 4, -1]: 6*H / 4 is exact only for even H: unknown, no
  // finding.
  Inferred odd = reshape(13, shape({"N", 6, "H"}), {0, 4, -1});
  EXPECT_EQ(odd.shapeOf("y"), shape({"N", 4, "?"}));
  EXPECT_THAT(odd.diagnostics, IsEmpty());
}

TEST(DataReshape, opset_1_shape_attribute) {
  ModelBuilder b(1);
  b.input("x", {2, 3, 4});
  b.node("Reshape", {"x"}, {"y"}, {ints("shape", {-1, 4})});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({6, 4}));
}

TEST(DataReshape, unknown_target_values_give_rank) {
  ModelBuilder b(13);
  b.input("x", {2, 3, 4}).input("s", {3}, ir::kInt64);
  b.node("Reshape", {"x", "s"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"?", "?", "?"}));
}

// torch.onnx's export of x.view(x.size(0), -1) at opset 11 (Unsqueeze axes
// attribute) and 13 (axes input).
void flattenChain(ModelBuilder& b, int64_t opset) {
  b.input("x", {"N", 64, "H", "W"});
  b.node("Shape", {"x"}, {"shape"});
  constScalar(b, "zero", 0);
  b.node("Gather", {"shape", "zero"}, {"n"}, {intAttr("axis", 0)});
  if (opset < 13) {
    b.node("Unsqueeze", {"n"}, {"n1"}, {ints("axes", {0})});
  } else {
    constInts(b, "axes", {0});
    b.node("Unsqueeze", {"n", "axes"}, {"n1"});
  }
  constInts(b, "minus1", {-1});
  b.node("Concat", {"n1", "minus1"}, {"target"}, {intAttr("axis", 0)});
  b.node("Reshape", {"x", "target"}, {"y"});
}

TEST(DataReshape, torch_flatten_chain_opset_11_and_13) {
  for (int64_t opset : {11, 13, 17}) {
    ModelBuilder b(opset);
    flattenChain(b, opset);
    Inferred r = infer(b);
    EXPECT_EQ(dataStr(r, "n"), "[N]") << opset;
    EXPECT_EQ(r.shapeOf("n1"), shape({1})) << opset;
    EXPECT_EQ(dataStr(r, "n1"), "[N]") << opset;
    EXPECT_EQ(dataStr(r, "target"), "[N, -1]") << opset;
    EXPECT_EQ(r.shapeOf("y"), ir::Shape({dim("N"), dim("64*H*W")})) << opset;
    EXPECT_THAT(r.diagnostics, IsEmpty()) << opset;
  }
}

TEST(DataReshape, chain_inside_if_branch) {
  // The flatten chain in an If's then-branch reading x from the outer graph.
  ModelBuilder body(13);
  body.node("Shape", {"x"}, {"shape"});
  constScalar(body, "zero", 0);
  body.node("Gather", {"shape", "zero"}, {"n"});
  constInts(body, "axes", {0});
  body.node("Unsqueeze", {"n", "axes"}, {"n1"});
  constInts(body, "minus1", {-1});
  body.node("Concat", {"n1", "minus1"}, {"target"}, {intAttr("axis", 0)});
  body.node("Reshape", {"x", "target"}, {"t"});
  body.output("t");
  ir::Model bodyModel = body.build();
  auto graph = std::make_shared<ir::Graph>(bodyModel.graph);
  graph->outerScopeNames = {"x"};
  ir::Attribute thenBranch;
  thenBranch.name = "then_branch";
  thenBranch.type = ir::Attribute::Type::kGraph;
  thenBranch.mutableGraphs() = {graph};
  ir::Attribute elseBranch = thenBranch;
  elseBranch.name = "else_branch";
  ModelBuilder b(13);
  b.input("x", {"N", 64, "H", "W"}).input("c", kScalar, ir::kBool);
  b.node("If", {"c"}, {"y"}, {thenBranch, elseBranch});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), ir::Shape({dim("N"), dim("64*H*W")}));
}

TEST(DataExpand, symbolic_broadcast) {
  // [3, 1] expanded by Shape([N, 1, 4]) = [N, 1, 4]: numpy broadcast [N, 3, 4].
  ModelBuilder b(13);
  b.input("x", {3, 1}).input("z", {"N", 1, 4});
  b.node("Shape", {"z"}, {"s"});
  b.node("Expand", {"x", "s"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 3, 4}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(DataExpand, spec_example_and_data) {
  // The spec's example: [3, 1] to [2, 1, 6] gives [2, 3, 6]; values broadcast.
  ModelBuilder b(13);
  b.node("Constant", {}, {"x"}, {tensorAttr("value", {3, 1}, {1, 2, 3})});
  b.constant("s", {2, 1, 6});
  b.node("Expand", {"x", "s"}, {"y"});
  b.constant("s2", {3, 2});
  b.node("Expand", {"x", "s2"}, {"y2"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({2, 3, 6}));
  EXPECT_EQ(r.shapeOf("y2"), shape({3, 2}));
  EXPECT_EQ(dataStr(r, "y2"), "[1, 1, 2, 2, 3, 3]");
}

TEST(DataExpand, incompatible) {
  ModelBuilder b(13);
  b.input("x", {3, 2});
  b.constant("s", {4, 5});
  b.node("Expand", {"x", "s"}, {"y"}, {}, "expand");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre(HasSubstr("SL102 expand: cannot expand 'x' [3, 2] to [4, 5]")));
}

TEST(DataTile, repeats_multiply_dims) {
  ModelBuilder b(13);
  b.input("x", {"N", 3, "H"});
  b.constant("r", {2, 1, 3});
  b.node("Tile", {"x", "r"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), ir::Shape({dim("2*N"), ir::Dim::value(3), dim("3*H")}));
}

TEST(DataTile, repeats_length_must_match_rank) {
  ModelBuilder b(13);
  b.input("x", {2, 3});
  b.constant("r", {2});
  b.node("Tile", {"x", "r"}, {"y"}, {}, "tile");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre(HasSubstr("SL003 tile: Tile's repeats has 1 values")));
}

TEST(DataTile, opset_1_tiles_and_axis_inputs) {
  // Tile-1: tiles copies along axis: [N, 3] tiled 4 times on axis 1 is [N, 12].
  ModelBuilder b(1);
  b.input("x", {"N", 3});
  constScalar(b, "tiles", 4);
  constScalar(b, "axis", 1);
  b.node("Tile", {"x", "tiles", "axis"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 12}));
}

TEST(DataSymbolic, symbolic_values_are_hidden_from_concrete_readers) {
  // Unsqueeze-13 reads its axes as concrete values (InferContext::inputData):
  // axes computed from a symbolic shape are unknown to it, never an empty list.
  ModelBuilder b(13);
  b.input("x", {"N", 3}).input("z", {"K"});
  b.node("Shape", {"z"}, {"axes"});
  b.node("Unsqueeze", {"x", "axes"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(dataStr(r, "axes"), "[K]");
  EXPECT_EQ(r.shapeOf("y"), shape({"?", "?", "?"}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(DataSymbolic, unsqueeze_and_squeeze_data_opset_13) {
  ModelBuilder b(13);
  b.input("x", {"N", 3});
  b.node("Shape", {"x"}, {"s"});
  constInts(b, "ax", {-1});
  b.node("Unsqueeze", {"s", "ax"}, {"col"});
  constInts(b, "ax1", {1});
  b.node("Squeeze", {"col", "ax1"}, {"back"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("col"), shape({2, 1}));
  EXPECT_EQ(dataStr(r, "col"), "[N, 3]");
  EXPECT_EQ(r.shapeOf("back"), shape({2}));
  EXPECT_EQ(dataStr(r, "back"), "[N, 3]");
}

}  // namespace
}  // namespace shapelint::testing
