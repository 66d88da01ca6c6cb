// ir::rangeOf: interval bounds of a dim over symbols >= Assume::symbolMin,
// sound (every value lies inside) and exact for the simple cases below,
// worked by hand.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>

#include "shapelint/ir/expr.h"

namespace shapelint::ir {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

Dim p(const char* text) { return *parseDim(text); }

TEST(ExprRange, values_symbols_and_unknown) {
  EXPECT_EQ(rangeOf(Dim::value(5), Assume{}).lo, 5);
  EXPECT_EQ(rangeOf(Dim::value(5), Assume{}).hi, 5);
  EXPECT_EQ(rangeOf(p("H"), Assume{1}).lo, 1);
  EXPECT_EQ(rangeOf(p("H"), Assume{1}).hi, kMax);
  EXPECT_EQ(rangeOf(p("H"), Assume{}).lo, 0);
  EXPECT_FALSE(rangeOf(Dim::unknown(), Assume{}).lo);
  EXPECT_FALSE(rangeOf(Dim::unknown(), Assume{}).hi);
}

TEST(ExprRange, affine_and_products) {
  // -H + 2 for H >= 1: at most 1, at least 2 - INT64_MAX.
  EXPECT_EQ(rangeOf(p("2 - H"), Assume{1}).hi, 1);
  EXPECT_EQ(rangeOf(p("2 - H"), Assume{1}).lo, 2 - kMax);
  // H + 1 can reach INT64_MAX + 1: no upper bound in int64.
  EXPECT_EQ(rangeOf(p("H + 1"), Assume{1}).lo, 2);
  EXPECT_FALSE(rangeOf(p("H + 1"), Assume{1}).hi);
  // H*W >= 1 for sizes >= 1, unbounded above.
  EXPECT_EQ(rangeOf(p("H*W"), Assume{1}).lo, 1);
  EXPECT_FALSE(rangeOf(p("H*W"), Assume{1}).hi);
}

TEST(ExprRange, deep_floors_are_bounded) {
  // (H + 1) // 2^62 - 1 with H in [1, 2^63 - 1]: H + 1 in [2, 2^63], the floor in [0, 2].
  const Dim d = p("(H + 1) // 4611686018427387904 - 1");
  EXPECT_EQ(rangeOf(d, Assume{1}).lo, -1);
  EXPECT_EQ(rangeOf(d, Assume{1}).hi, 1);
  // (H + 3) // 4 >= 1 for H >= 1, and 0 at H = 0.
  EXPECT_EQ(rangeOf(p("(H + 3) // 4"), Assume{1}).lo, 1);
  EXPECT_EQ(rangeOf(p("(H + 3) // 4"), Assume{0}).lo, 0);
}

TEST(ExprRange, not_tight_for_cancelling_terms) {
  // H - 2*(H // 2) is H mod 2, in [0, 1], but interval arithmetic sees
  // [1, INT64_MAX] - [0, INT64_MAX - 1]: the documented loss.
  const DimRange r = rangeOf(p("H - 2*(H // 2)"), Assume{1});
  EXPECT_TRUE(!r.hi || *r.hi >= 1);
  EXPECT_TRUE(!r.lo || *r.lo <= 0);
}

}  // namespace
}  // namespace shapelint::ir
