// The size bound on symbolic expressions (include/shapelint/ir/expr_limits.h):
// an operation whose result would pass kMaxExprNodes gives the unknown Dim,
// counted by exprLimitHits(), and never a huge expression or a long wait.
#include "shapelint/ir/expr_limits.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>

#include "shapelint/ir/expr.h"

namespace shapelint::ir {
namespace {

// (H + W + 1)^2^k by repeated squaring: the terms are the monomials H^a W^b
// with a + b <= 2^k, (2^k + 1)(2^k + 2)/2 of them, so the size roughly
// quadruples each step and passes 256 nodes at k = 3 (45 terms, each of up
// to 8 factors).
TEST(ExprLimits, RepeatedSquaringDegradesToUnknown) {
  const auto start = std::chrono::steady_clock::now();
  const uint64_t hitsBefore = exprLimitHits();
  std::optional<Dim> d = add(add(Dim::symbol("H"), Dim::symbol("W")), Dim::value(1));
  ASSERT_TRUE(d);
  int steps = 0;
  for (; steps < 20 && !d->isUnknown(); ++steps) {
    EXPECT_LE(nodeCount(*d), kMaxExprNodes) << d->str();
    d = mul(*d, *d);
    ASSERT_TRUE(d) << "not an overflow: the coefficients stay small";
  }
  EXPECT_TRUE(d->isUnknown());
  EXPECT_GE(steps, 2);  // (H + W + 1)^2 and ^4 are kept
  EXPECT_LE(steps, 4);
  EXPECT_EQ(exprLimitHits(), hitsBefore + 1);
  // Unknown from then on: squaring it again costs nothing.
  EXPECT_TRUE(mul(*d, *d)->isUnknown());
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 5.0);
}

// (H + W + 1)^2 = H^2 + 2HW + W^2 + 2H + 2W + 1 is far below the limit and exact.
TEST(ExprLimits, SmallProductsAreExact) {
  const Dim s = *add(add(Dim::symbol("H"), Dim::symbol("W")), Dim::value(1));
  const std::optional<Dim> square = mul(s, s);
  ASSERT_TRUE(square && !square->isUnknown());
  EXPECT_EQ(evaluate(*square, {{"H", 3}, {"W", 5}}), 81);  // (3 + 5 + 1)^2
}

// A sum of many distinct symbols grows by one term per symbol: it stays
// exact until its size passes the limit, then becomes unknown.
TEST(ExprLimits, LongSumsStopAtTheLimit) {
  std::optional<Dim> sum = Dim::value(0);
  size_t lastKnownNodes = 0;
  int n = 0;
  for (; n < 1000 && !sum->isUnknown(); ++n) {
    lastKnownNodes = nodeCount(*sum);
    sum = add(*sum, Dim::symbol("s" + std::to_string(n)));
    ASSERT_TRUE(sum);
  }
  EXPECT_TRUE(sum->isUnknown());
  EXPECT_LE(lastKnownNodes, kMaxExprNodes);
  EXPECT_GT(n, 50);
}

}  // namespace
}  // namespace shapelint::ir
