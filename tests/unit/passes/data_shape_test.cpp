// Constant, Shape, Size, Identity, Cast, CastLike, ConstantOfShape and
// Range: shapes and propagated values, concrete and symbolic. Expected
// values are the spec's examples or its formula worked by hand.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/data_test_util.h"

namespace shapelint::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(DataConstant, tensor_value) {
  ModelBuilder b;
  b.node("Constant", {}, {"c"}, {tensorAttr("value", {2, 2}, {1, 2, 3, 4})});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("c"), shape({2, 2}));
  EXPECT_EQ(r.typeOf("c"), ir::kInt64);
  EXPECT_EQ(dataStr(r, "c"), "[1, 2, 3, 4]");
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(DataConstant, value_int_and_ints_and_floats_at_opset_12) {
  ModelBuilder b(12);
  b.node("Constant", {}, {"i"}, {intAttr("value_int", 7)});
  b.node("Constant", {}, {"is"}, {ints("value_ints", {3, -1})});
  b.node("Constant", {}, {"f"}, {floatAttr("value_float", 0.5)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("i"), kScalar);
  EXPECT_EQ(dataStr(r, "i"), "[7]");
  EXPECT_EQ(r.shapeOf("is"), shape({2}));
  EXPECT_EQ(dataStr(r, "is"), "[3, -1]");
  EXPECT_EQ(r.typeOf("f"), ir::kFloat);
  EXPECT_EQ(dataStr(r, "f"), "[0.5]");
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(DataConstant, value_ints_before_opset_12_is_invalid) {
  ModelBuilder b(11);
  b.node("Constant", {}, {"is"}, {ints("value_ints", {3})}, "c");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre(HasSubstr("SL301 c: attribute 'value_ints' is not defined")));
  EXPECT_FALSE(r.shapeOf("is").rankKnown());
}

TEST(DataConstant, two_values_are_invalid) {
  ModelBuilder b(13);
  b.node("Constant", {}, {"c"}, {intAttr("value_int", 1), floatAttr("value_float", 1.0)}, "c");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre("SL301 c: Constant has 2 value attributes "
                                                 "(value_int, value_float), expected exactly one"));
}

TEST(DataConstant, sparse_value_is_unknown) {
  ModelBuilder b(13);
  ir::Attribute sparse;
  sparse.name = "sparse_value";
  b.node("Constant", {}, {"c"}, {sparse});
  Inferred r = infer(b);
  EXPECT_FALSE(r.shapeOf("c").rankKnown());
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(DataShape, symbolic_dims_become_data) {
  ModelBuilder b;
  b.input("x", {"N", 64, "H", "?"});
  b.node("Shape", {"x"}, {"s"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("s"), shape({4}));
  EXPECT_EQ(r.typeOf("s"), ir::kInt64);
  EXPECT_EQ(dataStr(r, "s"), "[N, 64, H, ?]");
}

TEST(DataShape, start_end_spec_examples_opset_15) {
  // The spec's examples on [2, 3, 4]: start -1 -> [4]; end -1 -> [2, 3];
  // start 1, end 2 -> [3]; end 10 clamps to the rank; start -10 to 0.
  ModelBuilder b(15);
  b.input("x", {2, 3, 4});
  b.node("Shape", {"x"}, {"a"}, {intAttr("start", -1)});
  b.node("Shape", {"x"}, {"b"}, {intAttr("end", -1)});
  b.node("Shape", {"x"}, {"c"}, {intAttr("start", 1), intAttr("end", 2)});
  b.node("Shape", {"x"}, {"d"}, {intAttr("start", -10), intAttr("end", 10)});
  b.node("Shape", {"x"}, {"e"}, {intAttr("start", 2), intAttr("end", 1)});
  Inferred r = infer(b);
  EXPECT_EQ(dataStr(r, "a"), "[4]");
  EXPECT_EQ(dataStr(r, "b"), "[2, 3]");
  EXPECT_EQ(dataStr(r, "c"), "[3]");
  EXPECT_EQ(dataStr(r, "d"), "[2, 3, 4]");
  EXPECT_EQ(r.shapeOf("e"), shape({0}));
  EXPECT_EQ(dataStr(r, "e"), "[]");
}

TEST(DataShape, unknown_rank_gives_1d_unknown) {
  ModelBuilder b;
  b.input("x", ir::Shape());
  b.node("Shape", {"x"}, {"s"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("s"), shape({"?"}));
  EXPECT_EQ(dataStr(r, "s"), "none");
}

TEST(DataSize, symbolic_product) {
  ModelBuilder b;
  b.input("x", {"N", 64, "H", "W"}).input("z", {2, 3, 4});
  b.node("Size", {"x"}, {"s"});
  b.node("Size", {"z"}, {"t"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("s"), kScalar);
  EXPECT_EQ(dataStr(r, "s"), "[64*H*N*W]");
  EXPECT_EQ(dataStr(r, "t"), "[24]");
}

TEST(DataIdentity, passes_shape_type_and_data) {
  ModelBuilder b;
  b.input("x", {"N", 3});
  b.node("Shape", {"x"}, {"s"});
  b.node("Identity", {"s"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({2}));
  EXPECT_EQ(r.typeOf("y"), ir::kInt64);
  EXPECT_EQ(dataStr(r, "y"), "[N, 3]");
}

TEST(DataCast, int_to_float_and_back_keeps_symbols) {
  ModelBuilder b;
  b.input("x", {"N", 3});
  b.node("Shape", {"x"}, {"s"});
  b.node("Cast", {"s"}, {"f"}, {intAttr("to", ir::kFloat)});
  b.node("Cast", {"f"}, {"i"}, {intAttr("to", ir::kInt32)});
  Inferred r = infer(b);
  EXPECT_EQ(r.typeOf("f"), ir::kFloat);
  EXPECT_EQ(dataStr(r, "f"), "real[N, 3]");
  EXPECT_EQ(r.typeOf("i"), ir::kInt32);
  EXPECT_EQ(dataStr(r, "i"), "[N, 3]");
}

TEST(DataCast, float_to_int_truncates_toward_zero) {
  // static_cast semantics: 2.7 -> 2, -2.7 -> -2.
  ModelBuilder b;
  b.node("Constant", {}, {"f"}, {realTensorAttr("value", {2}, {2.7, -2.7})});
  b.node("Cast", {"f"}, {"i"}, {intAttr("to", ir::kInt64)});
  Inferred r = infer(b);
  EXPECT_EQ(dataStr(r, "i"), "[2, -2]");
}

TEST(DataCast, opset_1_names_the_type) {
  ModelBuilder b(1);
  b.node("Constant", {}, {"c"}, {tensorAttr("value", {2}, {1, 0})});
  b.node("Cast", {"c"}, {"f"}, {stringAttr("to", "FLOAT")});
  b.node("Cast", {"c"}, {"g"}, {stringAttr("to", "float32")}, "bad");
  Inferred r = infer(b);
  EXPECT_EQ(r.typeOf("f"), ir::kFloat);
  EXPECT_EQ(dataStr(r, "f"), "[1, 0]");
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre(HasSubstr("SL301 bad: Cast's 'to' is 'float32'")));
}

TEST(DataCast, out_of_range_for_int8_is_not_propagated) {
  // 300 wraps or saturates by runtime: that element is unknown, 5 stays.
  ModelBuilder b;
  b.node("Constant", {}, {"c"}, {tensorAttr("value", {2}, {5, 300})});
  b.node("Cast", {"c"}, {"i"}, {intAttr("to", ir::kInt8)});
  Inferred r = infer(b);
  EXPECT_EQ(dataStr(r, "i"), "[5, ?]");
}

TEST(DataCastLike, takes_the_type_of_input_1) {
  ModelBuilder b(15);
  b.input("x", {"N", 2}).input("like", {1}, ir::kFloat);
  b.node("Shape", {"x"}, {"s"});
  b.node("CastLike", {"s", "like"}, {"f"});
  Inferred r = infer(b);
  EXPECT_EQ(r.typeOf("f"), ir::kFloat);
  EXPECT_EQ(r.shapeOf("f"), shape({2}));
  EXPECT_EQ(dataStr(r, "f"), "real[N, 2]");
}

TEST(DataConstantOfShape, shape_from_symbolic_data) {
  ModelBuilder b;
  b.input("x", {"N", 3});
  b.node("Shape", {"x"}, {"s"});
  b.node("ConstantOfShape", {"s"}, {"y"}, {tensorAttr("value", {1}, {1})});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 3}));
  EXPECT_EQ(r.typeOf("y"), ir::kInt64);
  EXPECT_EQ(dataStr(r, "y"), "none");
}

TEST(DataConstantOfShape, default_float_zero_with_data) {
  ModelBuilder b;
  b.constant("s", {2, 3});
  b.node("ConstantOfShape", {"s"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({2, 3}));
  EXPECT_EQ(r.typeOf("y"), ir::kFloat);
  EXPECT_EQ(dataStr(r, "y"), "[0, 0, 0, 0, 0, 0]");
}

TEST(DataConstantOfShape, negative_size_is_absurd) {
  ModelBuilder b;
  b.constant("s", {2, -1});
  b.node("ConstantOfShape", {"s"}, {"y"}, {}, "cos");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre(HasSubstr("SL004 cos: ConstantOfShape's shape input")));
}

TEST(DataRange, spec_examples) {
  // Example 1: start 3, limit 9, delta 3 -> [3, 6]; example 2: 10, 4, -2 ->
  // [10, 8, 6].
  ModelBuilder b(11);
  constScalar(b, "s1", 3);
  constScalar(b, "l1", 9);
  constScalar(b, "d1", 3);
  b.node("Range", {"s1", "l1", "d1"}, {"r1"});
  constScalar(b, "s2", 10);
  constScalar(b, "l2", 4);
  constScalar(b, "d2", -2);
  b.node("Range", {"s2", "l2", "d2"}, {"r2"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("r1"), shape({2}));
  EXPECT_EQ(dataStr(r, "r1"), "[3, 6]");
  EXPECT_EQ(r.shapeOf("r2"), shape({3}));
  EXPECT_EQ(dataStr(r, "r2"), "[10, 8, 6]");
}

TEST(DataRange, float_ceil_and_empty) {
  // max(ceil((2.0 - 0.0) / 0.5), 0) = 4: [0, 0.5, 1, 1.5]; limit below start
  // with a positive delta: max(ceil(-1), 0) = 0.
  ModelBuilder b(11);
  constReal(b, "s", 0.0);
  constReal(b, "l", 2.0);
  constReal(b, "d", 0.5);
  b.node("Range", {"s", "l", "d"}, {"r"});
  b.node("Range", {"l", "s", "l"}, {"e"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("r"), shape({4}));
  EXPECT_EQ(dataStr(r, "r"), "[0, 0.5, 1, 1.5]");
  EXPECT_EQ(r.shapeOf("e"), shape({0}));
}

TEST(DataRange, zero_delta_is_invalid) {
  ModelBuilder b(11);
  constScalar(b, "s", 0);
  constScalar(b, "l", 4);
  constScalar(b, "d", 0);
  b.node("Range", {"s", "l", "d"}, {"r"}, {}, "range");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre("SL301 range: Range's delta is 0, expected a non-zero step"));
}

TEST(DataRange, unknown_values_give_1d) {
  ModelBuilder b(11);
  b.input("s", kScalar, ir::kInt64).input("l", kScalar, ir::kInt64).input("d", kScalar, ir::kInt64);
  b.node("Range", {"s", "l", "d"}, {"r"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("r"), shape({"?"}));
}

}  // namespace
}  // namespace shapelint::testing
