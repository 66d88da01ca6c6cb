#include <gtest/gtest.h>

#include <limits>

#include "shapelint/ir/checked.h"
#include "shapelint/ir/dim.h"
#include "shapelint/ir/expr.h"

namespace shapelint::ir {
namespace {

TEST(Dim, kinds_and_strings) {
  EXPECT_TRUE(Dim().isUnknown());
  EXPECT_EQ(Dim().str(), "?");
  EXPECT_EQ(Dim::value(224).str(), "224");
  EXPECT_EQ(Dim::symbol("N").str(), "N");
  EXPECT_EQ(Dim::value(7).tryValue(), 7);
  EXPECT_FALSE(Dim::symbol("N").tryValue().has_value());
}

TEST(Dim, structural_equality_is_not_provable_equality) {
  // Two unknown dims are the same structure but may differ at run time.
  EXPECT_EQ(Dim(), Dim());
  EXPECT_FALSE(provablyEqual(Dim(), Dim()));
  EXPECT_FALSE(provablyNotEqual(Dim(), Dim()));
  EXPECT_TRUE(provablyEqual(Dim::symbol("H"), Dim::symbol("H")));
  EXPECT_FALSE(provablyEqual(Dim::symbol("H"), Dim::symbol("W")));
  EXPECT_FALSE(provablyNotEqual(Dim::symbol("H"), Dim::symbol("W")));
  EXPECT_FALSE(provablyNotEqual(Dim::symbol("H"), Dim::value(3)));
  EXPECT_TRUE(provablyNotEqual(Dim::value(64), Dim::value(65)));
  EXPECT_TRUE(provablyEqual(Dim::value(64), Dim::value(64)));
  EXPECT_NE(Dim::value(1), Dim::symbol("1"));
}

TEST(Dim, expression_kind) {
  const Dim h = Dim::symbol("H");
  const Dim e = *floorDiv(h, 2);
  EXPECT_TRUE(e.isExpr());
  EXPECT_EQ(e.kind(), Dim::Kind::kExpr);
  EXPECT_FALSE(e.isValue() || e.isSymbol() || e.isUnknown());
  EXPECT_FALSE(e.tryValue().has_value());
  EXPECT_EQ(e.str(), "H // 2");
  EXPECT_NE(e, h);
  EXPECT_EQ(e, *floorDiv(h, 2));  // structural, not identity
  EXPECT_TRUE(provablyEqual(e, *floorDiv(h, 2)));
  EXPECT_FALSE(provablyEqual(e, h));
  EXPECT_FALSE(provablyNotEqual(e, h));  // equal at H = 0
  // A constant result is a value, a lone symbol a symbol.
  EXPECT_TRUE(sub(add(e, Dim::value(5)), e)->isValue());
  EXPECT_TRUE(sub(add(e, h), e)->isSymbol());
  Shape s({Dim::symbol("N"), *mul(mul(h, Dim::symbol("W")), 64)});
  EXPECT_EQ(s.str(), "[N, 64*H*W]");
  EXPECT_TRUE(s.anyKnown());
  EXPECT_FALSE(s.fullyKnown());
}

TEST(Shape, unknown_rank_and_strings) {
  EXPECT_FALSE(Shape().rankKnown());
  EXPECT_EQ(Shape().str(), "?");
  Shape s({Dim::symbol("N"), Dim::value(3), Dim(), Dim::value(224)});
  EXPECT_EQ(s.str(), "[N, 3, ?, 224]");
  EXPECT_EQ(s.rank(), 4u);
  EXPECT_FALSE(s.fullyKnown());
  EXPECT_TRUE(s.anyKnown());
  EXPECT_TRUE(Shape::ofValues({1, 2}).fullyKnown());
  EXPECT_TRUE(Shape(std::vector<Dim>{}).fullyKnown());  // a scalar
  EXPECT_FALSE(Shape::unknownDims(2).anyKnown());
  EXPECT_NE(Shape(), Shape(std::vector<Dim>{}));
}

TEST(Checked, overflow_is_reported_not_wrapped) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(checkedAdd(2, 3), 5);
  EXPECT_FALSE(checkedAdd(kMax, 1).has_value());
  EXPECT_FALSE(checkedSub(std::numeric_limits<int64_t>::min(), 1).has_value());
  EXPECT_FALSE(checkedMul(kMax / 2 + 1, 2).has_value());
  EXPECT_EQ(checkedMul(-4, 5), -20);
}

TEST(Checked, floor_division_rounds_down_for_negative_numerators) {
  // C++ '/' truncates toward zero: (-1)/2 == 0 would hide a kernel larger
  // than its padded input (conv-arithmetic.md, "Negative numerator").
  EXPECT_EQ(floorDiv(-1, 2), -1);
  EXPECT_EQ(floorDiv(-4, 2), -2);
  EXPECT_EQ(floorDiv(5, 2), 2);
  EXPECT_EQ(ceilDiv(5, 2), 3);
  EXPECT_EQ(ceilDiv(-1, 2), 0);
  EXPECT_EQ(ceilDiv(4, 2), 2);
  EXPECT_EQ(floorMod(-1, 4), 3);
  EXPECT_EQ(floorMod(7, 4), 3);
}

}  // namespace
}  // namespace shapelint::ir
