// MatMul, MatMulInteger, QLinearMatMul, Einsum through runShapePass.
// Expected shapes: libonnx-testdata (node/<case>/test_data_set_0) as named,
// numpy.matmul / numpy.einsum semantics worked by hand otherwise.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/tensor_test_util.h"

namespace shapelint::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// ---------------------------------------------------------------------------
// MatMul.

TEST(MatMul, testdata_2d_3d_4d) {
  // test_matmul_2d [3, 4] x [4, 3] -> [3, 3]; test_matmul_3d [2, 3, 4] x [2, 4, 3] -> [2, 3, 3];
  // test_matmul_4d [1, 2, 3, 4] x [1, 2, 4, 3] -> [1, 2, 3, 3].
  ModelBuilder b(13);
  b.input("a2", {3, 4}).input("b2", {4, 3}).input("a3", {2, 3, 4}).input("b3", {2, 4, 3});
  b.input("a4", {1, 2, 3, 4}).input("b4", {1, 2, 4, 3});
  b.node("MatMul", {"a2", "b2"}, {"y2"});
  b.node("MatMul", {"a3", "b3"}, {"y3"});
  b.node("MatMul", {"a4", "b4"}, {"y4"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y2"), shape({3, 3}));
  EXPECT_EQ(r.shapeOf("y3"), shape({2, 3, 3}));
  EXPECT_EQ(r.shapeOf("y4"), shape({1, 2, 3, 3}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(MatMul, vector_promotion_and_removal) {
  // numpy: [4] @ [4, 5] -> [5]; [3, 4] @ [4] -> [3]; [4] @ [4] -> []; [2, 3, 4] @ [4] -> [2, 3].
  ModelBuilder b(13);
  b.input("v", {4}).input("m", {4, 5}).input("n", {3, 4}).input("t", {2, 3, 4});
  b.node("MatMul", {"v", "m"}, {"vm"});
  b.node("MatMul", {"n", "v"}, {"nv"});
  b.node("MatMul", {"v", "v"}, {"vv"});
  b.node("MatMul", {"t", "v"}, {"tv"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("vm"), shape({5}));
  EXPECT_EQ(r.shapeOf("nv"), shape({3}));
  EXPECT_EQ(r.shapeOf("vv"), ir::Shape(std::vector<ir::Dim>{}));
  EXPECT_EQ(r.shapeOf("tv"), shape({2, 3}));
}

TEST(MatMul, symbolic_batch_broadcast) {
  // [N, S, 64] @ [64, 128] -> [N, S, 128]; [B, 1, S, D] @ [H, D, S] -> [B, H, S, S].
  ModelBuilder b(13);
  b.input("x", {"N", "S", 64}).initializer("w", {64, 128});
  b.input("q", {"B", 1, "S", "D"}).input("k", {"H", "D", "S"});
  b.node("MatMul", {"x", "w"}, {"y"});
  b.node("MatMul", {"q", "k"}, {"s"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", "S", 128}));
  EXPECT_EQ(r.shapeOf("s"), shape({"B", "H", "S", "S"}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(MatMul, inner_dims_differ) {
  ModelBuilder b(13);
  b.input("x", {"N", 512});
  b.node("Relu", {"x"}, {"h"}, {}, "relu1");
  b.initializer("w", {256, 10});
  b.node("MatMul", {"h", "w"}, {"y"}, {}, "fc");
  Inferred r = infer(b);
  ASSERT_EQ(codes(r), "SL102 ");
  const diag::Diagnostic& d = r.diagnostics[0];
  EXPECT_EQ(d.message, "cannot multiply A 'h' [N, 512] by B 'w' [256, 10]: A has 512 columns, B has 256 rows");
  ASSERT_EQ(d.notes.size(), 2u);
  EXPECT_EQ(d.notes[0].node, "relu1");
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

TEST(MatMul, batch_axes_differ) {
  ModelBuilder b(13);
  b.input("a", {2, 3, 4}).input("b", {3, 4, 5});
  b.node("MatMul", {"a", "b"}, {"y"}, {}, "mm");
  Inferred r = infer(b);
  ASSERT_EQ(codes(r), "SL102 ");
  EXPECT_THAT(r.diagnostics[0].message, HasSubstr("2 against 3"));
}

TEST(MatMul, scalar_operand) {
  ModelBuilder b(13);
  b.input("a", shape({})).input("b", {4, 5});
  b.node("MatMul", {"a", "b"}, {"y"});
  EXPECT_EQ(codes(infer(b)), "SL003 ");
}

TEST(MatMulInteger, int32_output) {
  // test_matmulinteger: [4, 3] x [3, 2] -> [4, 2] int32.
  ModelBuilder b(10);
  b.input("a", {4, 3}, ir::kUint8).input("b", {3, 2}, ir::kUint8);
  b.node("MatMulInteger", {"a", "b"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({4, 2}));
  EXPECT_EQ(r.typeOf("y"), ir::kInt32);
}

TEST(QLinearMatMul, b_is_input_3_and_type_of_y_zero_point) {
  // test_qlinearmatmul_3D: [2, 2, 4] x [2, 4, 3] -> [2, 2, 3] uint8.
  ModelBuilder b(10);
  b.input("a", {2, 2, 4}, ir::kUint8).initializer("as", {}).initializer("az", {}, ir::kUint8);
  b.input("b", {2, 4, 3}, ir::kUint8).initializer("bs", {}).initializer("bz", {}, ir::kUint8);
  b.initializer("ys", {}).initializer("yz", {}, ir::kUint8);
  b.node("QLinearMatMul", {"a", "as", "az", "b", "bs", "bz", "ys", "yz"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({2, 2, 3}));
  EXPECT_EQ(r.typeOf("y"), ir::kUint8);
}

// ---------------------------------------------------------------------------
// Einsum.

ir::Shape einsum(const std::string& equation, std::vector<ir::Shape> inputs, std::string* finding = nullptr) {
  ModelBuilder b(12);
  std::vector<std::string> names;
  for (size_t i = 0; i < inputs.size(); ++i) {
    names.push_back("x" + std::to_string(i));
    b.input(names.back(), inputs[i]);
  }
  b.node("Einsum", names, {"y"}, {stringAttr("equation", equation)}, "e");
  Inferred r = infer(b);
  if (finding) *finding = r.diagnostics.empty() ? "" : brief(r.diagnostics[0]);
  return r.shapeOf("y");
}

TEST(Einsum, testdata_cases) {
  // test_einsum_batch_matmul "bij, bjk -> bik": [5, 2, 3], [5, 3, 4] -> [5, 2, 4];
  // test_einsum_transpose "ij->ji": [3, 4] -> [4, 3]; test_einsum_sum "ij->i": [3, 4] -> [3];
  // test_einsum_inner_prod "i,i": [5], [5] -> []; test_einsum_batch_diagonal "...ii ->...i": [3, 5, 5] -> [3, 5].
  EXPECT_EQ(einsum("bij, bjk -> bik", {shape({5, 2, 3}), shape({5, 3, 4})}), shape({5, 2, 4}));
  EXPECT_EQ(einsum("ij->ji", {shape({3, 4})}), shape({4, 3}));
  EXPECT_EQ(einsum("ij->i", {shape({3, 4})}), shape({3}));
  EXPECT_EQ(einsum("i,i", {shape({5}), shape({5})}), ir::Shape(std::vector<ir::Dim>{}));
  EXPECT_EQ(einsum("...ii ->...i", {shape({3, 5, 5})}), shape({3, 5}));
}

TEST(Einsum, implicit_output_sorted_with_symbols) {
  // numpy: implicit output = labels used once, alphabetical: "kj,ji" -> "ik".
  EXPECT_EQ(einsum("kj,ji", {shape({"K", "J"}), shape({"J", "I"})}), shape({"I", "K"}));
  // Ellipsis first, broadcast: "...ij,...jk" with [N, 1, 2, 3] and [4, 3, 5] -> [N, 4, 2, 5].
  EXPECT_EQ(einsum("...ij,...jk", {shape({"N", 1, 2, 3}), shape({4, 3, 5})}), shape({"N", 4, 2, 5}));
}

TEST(Einsum, label_sizes_differ) {
  std::string finding;
  einsum("ij,jk->ik", {shape({2, 3}), shape({4, 5})}, &finding);
  EXPECT_EQ(finding,
            "SL102 e: label 'j' of equation 'ij,jk->ik' has size 4 on axis 0 of operand 1 'x1' [4, 5], 3 elsewhere");
}

TEST(Einsum, malformed_equations) {
  std::string finding;
  einsum("ij,jk->ik", {shape({2, 3})}, &finding);
  EXPECT_THAT(finding, HasSubstr("SL003 e: equation 'ij,jk->ik' has 2 input terms, but the node has 1 inputs"));
  einsum("ijk->ij", {shape({2, 3})}, &finding);
  EXPECT_THAT(finding, HasSubstr("SL003 e: operand 0 'x0' [2, 3] has rank 2"));
  einsum("ij->iz", {shape({2, 3})}, &finding);
  EXPECT_THAT(finding, HasSubstr("SL301"));
}

}  // namespace
}  // namespace shapelint::testing
