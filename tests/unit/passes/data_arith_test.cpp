// Elementwise ops on propagated shape values: integer arithmetic (ONNX
// integer Div truncates toward zero), comparisons, Where, Max/Min, and the
// real chain torch exports for interpolate with recompute_scale_factor
// (Shape -> Gather -> Cast(float) -> Mul(2.0) -> Cast -> Floor).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/data_test_util.h"
#include "shapelint/ir/expr.h"

namespace shapelint::testing {
namespace {

using ::testing::IsEmpty;

// Shape of x = [N, 64, H, W] gathered at `index` into scalar `out`.
void dimOf(ModelBuilder& b, const std::string& out, int64_t index) {
  constScalar(b, out + "_i", index);
  b.node("Gather", {"shape", out + "_i"}, {out});
}

ModelBuilder withShape(int64_t opset = 13) {
  ModelBuilder b(opset);
  b.input("x", {"N", 64, "H", "W"});
  b.node("Shape", {"x"}, {"shape"});
  return b;
}

TEST(DataArith, add_sub_mul_of_dims) {
  ModelBuilder b = withShape();
  dimOf(b, "h", 2);
  dimOf(b, "w", 3);
  constScalar(b, "two", 2);
  b.node("Mul", {"h", "two"}, {"h2"});
  b.node("Add", {"h", "w"}, {"hw"});
  b.node("Sub", {"h2", "two"}, {"hm"});
  b.node("Mul", {"h", "w"}, {"area"});
  Inferred r = infer(b);
  EXPECT_EQ(dataStr(r, "h2"), "[" + ir::parseDim("2*H")->str() + "]");
  EXPECT_EQ(dataStr(r, "hw"), "[" + ir::parseDim("H + W")->str() + "]");
  EXPECT_EQ(dataStr(r, "hm"), "[" + ir::parseDim("2*H - 2")->str() + "]");
  EXPECT_EQ(dataStr(r, "area"), "[" + ir::parseDim("H*W")->str() + "]");
}

TEST(DataArith, vector_broadcast_with_scalar) {
  // Shape [N, 64, H, W] * 2 = [2*N, 128, 2*H, 2*W].
  ModelBuilder b = withShape();
  constScalar(b, "two", 2);
  b.node("Mul", {"shape", "two"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({4}));
  EXPECT_EQ(dataStr(r, "y"), "[2*N, 128, 2*H, 2*W]");
}

TEST(DataArith, integer_div_truncates_toward_zero) {
  // ONNX integer Div truncates: 7 / 2 = 3, -7 / 2 = -3, 7 / -2 = -3, -1 / 4 =
  // 0.
  ModelBuilder b;
  constInts(b, "a", {7, -7, 7, -1});
  constInts(b, "d", {2, 2, -2, 4});
  b.node("Div", {"a", "d"}, {"q"});
  Inferred r = infer(b);
  EXPECT_EQ(dataStr(r, "q"), "[3, -3, -3, 0]");
}

TEST(DataArith, symbolic_div_exact_or_non_negative) {
  // 2*H / 2 = H exactly; H / 2 = H // 2 (H >= 0: floor = truncation);
  // (2*H - 3) / 2 may be negative and is inexact: unknown.
  ModelBuilder b = withShape();
  dimOf(b, "h", 2);
  constScalar(b, "two", 2);
  constScalar(b, "three", 3);
  b.node("Mul", {"h", "two"}, {"h2"});
  b.node("Div", {"h2", "two"}, {"back"});
  b.node("Div", {"h", "two"}, {"half"});
  b.node("Sub", {"h2", "three"}, {"odd"});
  b.node("Div", {"odd", "two"}, {"oddHalf"});
  Inferred r = infer(b);
  EXPECT_EQ(dataStr(r, "back"), "[H]");
  EXPECT_EQ(dataStr(r, "half"), "[" + ir::parseDim("H // 2")->str() + "]");
  EXPECT_EQ(dataStr(r, "oddHalf"), "none");
}

TEST(DataArith, neg_max_min_equal_where) {
  ModelBuilder b = withShape();
  dimOf(b, "n", 0);
  dimOf(b, "c", 1);
  constScalar(b, "zero", 0);
  constScalar(b, "sixty4", 64);
  b.node("Neg", {"n"}, {"neg"});
  b.node("Max", {"n", "zero"}, {"mx"});
  b.node("Min", {"c", "sixty4"}, {"mn"});
  b.node("Equal", {"c", "sixty4"}, {"eq"});
  b.node("Equal", {"n", "n"}, {"same"});
  b.node("Where", {"eq", "n", "zero"}, {"w"});
  Inferred r = infer(b);
  EXPECT_EQ(dataStr(r, "neg"), "[-N]");
  EXPECT_EQ(dataStr(r, "mx"), "[N]");
  EXPECT_EQ(dataStr(r, "mn"), "[64]");
  EXPECT_EQ(r.typeOf("eq"), ir::kBool);
  EXPECT_EQ(dataStr(r, "eq"), "[1]");
  EXPECT_EQ(dataStr(r, "same"), "[1]");
  EXPECT_EQ(dataStr(r, "w"), "[N]");
}

TEST(DataArith, where_replaces_minus_one_entries) {
  // torch's reshape exports: Where(Equal(target, -1), 1, target) with target
  // [N, -1, 4].
  ModelBuilder b = withShape();
  dimOf(b, "n", 0);
  constInts(b, "axes", {0});
  b.node("Unsqueeze", {"n", "axes"}, {"n1"});
  constInts(b, "rest", {-1, 4});
  b.node("Concat", {"n1", "rest"}, {"t"}, {intAttr("axis", 0)});
  constScalar(b, "m1", -1);
  constScalar(b, "one", 1);
  b.node("Equal", {"t", "m1"}, {"isNeg"});
  b.node("Where", {"isNeg", "one", "t"}, {"w"});
  Inferred r = infer(b);
  // N is a size (>= 0), so N == -1 is provably false.
  EXPECT_EQ(dataStr(r, "isNeg"), "[0, 1, 0]");
  EXPECT_EQ(dataStr(r, "w"), "[N, 1, 4]");
}

TEST(DataArith, interpolate_chain_exact_scale) {
  // H -> float -> * 2.0 -> float -> Floor -> int64: 2*H exactly.
  ModelBuilder b = withShape(11);
  dimOf(b, "h", 2);
  b.node("Cast", {"h"}, {"hf"}, {intAttr("to", ir::kFloat)});
  constReal(b, "scale", 2.0);
  b.node("Mul", {"hf", "scale"}, {"hs"});
  b.node("Cast", {"hs"}, {"hs2"}, {intAttr("to", ir::kFloat)});
  b.node("Floor", {"hs2"}, {"hfl"});
  b.node("Cast", {"hfl"}, {"hi"}, {intAttr("to", ir::kInt64)});
  Inferred r = infer(b);
  EXPECT_EQ(dataStr(r, "hs"), "real[2*H]");
  EXPECT_EQ(dataStr(r, "hfl"), "real[2*H]");
  EXPECT_EQ(dataStr(r, "hi"), "[2*H]");
}

TEST(DataArith, interpolate_chain_inexact_scale_is_unknown_unless_concrete) {
  // 1.5 * H is not an integer expression: unknown. For a concrete 7:
  // floor(7 * 1.5) = floor(10.5) = 10.
  ModelBuilder b(11);
  b.input("x", {1, 3, "H", 7});
  b.node("Shape", {"x"}, {"shape"});
  dimOf(b, "h", 2);
  dimOf(b, "w", 3);
  constReal(b, "scale", 1.5);
  for (const char* v : {"h", "w"}) {
    const std::string s(v);
    b.node("Cast", {s}, {s + "f"}, {intAttr("to", ir::kFloat)});
    b.node("Mul", {s + "f", "scale"}, {s + "m"});
    b.node("Floor", {s + "m"}, {s + "fl"});
    b.node("Cast", {s + "fl"}, {s + "i"}, {intAttr("to", ir::kInt64)});
  }
  Inferred r = infer(b);
  EXPECT_EQ(dataStr(r, "hi"), "none");
  EXPECT_EQ(dataStr(r, "wm"), "[10.5]");
  EXPECT_EQ(dataStr(r, "wi"), "[10]");
}

TEST(DataArith, ceil_and_float32_rounding) {
  // Ceil(7 / 2.0) = 4. float32: 0.1f * 30 = 3.0 exactly after rounding
  // (numpy: np.float32(0.1) * np.float32(30) == 3.0), so Ceil is 3; in
  // double the same product is 3.0000000447 and its Ceil would be 4.
  ModelBuilder b;
  constReal(b, "seven", 7.0);
  constReal(b, "two", 2.0);
  b.node("Div", {"seven", "two"}, {"q"});
  b.node("Ceil", {"q"}, {"c"});
  b.node("Constant", {}, {"tenth"}, {floatAttr("value_float", 0.1)});
  constReal(b, "thirty", 30.0);
  b.node("Mul", {"tenth", "thirty"}, {"p"});
  b.node("Ceil", {"p"}, {"pc"});
  Inferred r = infer(b);
  EXPECT_EQ(dataStr(r, "q"), "[3.5]");
  EXPECT_EQ(dataStr(r, "c"), "[4]");
  EXPECT_EQ(dataStr(r, "pc"), "[3]");
}

TEST(DataArith, large_tensors_are_not_propagated) {
  ModelBuilder b;
  b.input("x", {2000});
  b.node("Shape", {"x"}, {"s"});
  b.node("ConstantOfShape", {"s"}, {"z"}, {tensorAttr("value", {1}, {1})});
  b.node("Add", {"z", "z"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({2000}));
  EXPECT_EQ(dataStr(r, "z"), "none");
  EXPECT_EQ(dataStr(r, "y"), "none");
}

TEST(DataArith, concat_and_squeeze_of_shape_values) {
  ModelBuilder b = withShape(11);
  constInts(b, "two", {2});
  dimOf(b, "h", 2);
  b.node("Unsqueeze", {"h"}, {"h1"}, {ints("axes", {0})});
  b.node("Squeeze", {"h1"}, {"h0"}, {ints("axes", {0})});
  b.node("Concat", {"h1", "two", "h1"}, {"cat"}, {intAttr("axis", 0)});
  Inferred r = infer(b);
  EXPECT_EQ(dataStr(r, "h0"), "[H]");
  EXPECT_EQ(r.shapeOf("h0"), kScalar);
  EXPECT_EQ(dataStr(r, "cat"), "[H, 2, H]");
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

}  // namespace
}  // namespace shapelint::testing
