// The symbolic dimension algebra (shapelint/ir/expr.h): canonical forms,
// arithmetic, evaluation, text, and the decision procedures, each checked
// against brute force where it can be.
#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <random>
#include <unordered_set>

#include "shapelint/ir/checked.h"
#include "shapelint/ir/expr.h"

namespace shapelint::ir {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

const Dim H = Dim::symbol("H");
const Dim W = Dim::symbol("W");
Dim v(int64_t x) { return Dim::value(x); }

// Parses a dim the test knows to be well-formed.
Dim p(std::string_view text) {
  std::string error;
  std::optional<Dim> d = parseDim(text, &error);
  EXPECT_TRUE(d.has_value()) << text << ": " << error;
  return d.value_or(Dim());
}

// Conv / pool output size, relationship 6: floor((i + pb + pe - k)/s) + 1.
std::optional<Dim> convOut(const Dim& i, int64_t k, int64_t s, int64_t pads) {
  return add(floorDiv(add(i, v(pads - k)), s), v(1));
}

// ---- Canonical forms.

TEST(Expr, nested_floor_merges) {
  // floor((floor((H-1)/2) + 1 - 1)/2) + 1
  std::optional<Dim> d = add(floorDiv(sub(add(floorDiv(sub(H, v(1)), 2), v(1)), v(1)), 2), v(1));
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->isExpr());
  EXPECT_EQ(d->str(), "(H + 3) // 4");
  EXPECT_EQ(*d, p("(H + 3) // 4"));
  EXPECT_EQ(floorDiv(floorDiv(H, 3), 5), floorDiv(H, 15));
}

TEST(Expr, floor_pulls_out_multiples) {
  // floor((5H + 7)/2) = 2H + 3 + floor((H + 1)/2)
  std::optional<Dim> d = floorDiv(add(mul(H, 5), v(7)), 2);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->str(), "2*H + (H + 1) // 2 + 3");
  EXPECT_EQ(floorDiv(add(mul(H, 4), v(2)), 4), H);        // a lone symbol is a symbol dim
  EXPECT_EQ(floorDiv(mul(H, -1), 2), p("-H + H // 2"));  // coefficients into [0, d)
}

TEST(Expr, floor_constant_normalised_into_range) {
  EXPECT_EQ(floorDiv(sub(H, v(1)), 2)->str(), "(H + 1) // 2 - 1");
  EXPECT_EQ(floorDiv(add(H, v(9)), 4)->str(), "(H + 1) // 4 + 2");
}

TEST(Expr, floor_gcd_reduction) {
  EXPECT_EQ(floorDiv(add(mul(H, 2), v(3)), 4), floorDiv(add(H, v(1)), 2));
  EXPECT_EQ(floorDiv(mul(floorDiv(H, 2), 2), 2), floorDiv(H, 2));
}

TEST(Expr, ceil_is_floor_shifted) {
  EXPECT_EQ(ceilDiv(H, 2), floorDiv(add(H, v(1)), 2));
  EXPECT_EQ(ceilDiv(ceilDiv(H, 2), 2), ceilDiv(H, 4));
  EXPECT_EQ(ceilDiv(v(5), 2), v(3));
  EXPECT_EQ(ceilDiv(v(-1), 2), v(0));
}

TEST(Expr, constant_and_symbol_results_fold) {
  std::optional<Dim> three = sub(add(floorDiv(H, 2), v(3)), floorDiv(H, 2));
  ASSERT_TRUE(three);
  EXPECT_TRUE(three->isValue());
  EXPECT_EQ(*three, v(3));
  EXPECT_EQ(sub(add(H, W), W), H);
  EXPECT_TRUE(sub(add(H, W), W)->isSymbol());
  EXPECT_EQ(mul(H, 0), v(0));
  EXPECT_EQ(mul(H, 1), H);
  EXPECT_NE(add(H, v(0)), add(H, v(1)));
}

TEST(Expr, sums_are_sorted_and_like_terms_combined) {
  EXPECT_EQ(add(add(W, H), v(2)), add(v(2), add(H, W)));
  EXPECT_EQ(add(add(H, H), H), mul(H, 3));
  EXPECT_EQ(p("H + W + 2").str(), "H + W + 2");
  EXPECT_EQ(p("2 - H").str(), "-H + 2");
}

TEST(Expr, flatten_product) {
  std::optional<Dim> a = mul(mul(H, W), v(64));
  std::optional<Dim> b = mul(v(64), mul(W, H));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(std::hash<Dim>()(*a), std::hash<Dim>()(*b));
  EXPECT_EQ(a->str(), "64*H*W");
  EXPECT_EQ(evaluate(*a, {{"H", 7}, {"W", 9}}), 64 * 7 * 9);
  EXPECT_TRUE(provablyEqual(*a, *b));
}

TEST(Expr, products_distribute) {
  EXPECT_EQ(mul(add(H, v(1)), add(W, v(2))), p("H*W + 2*H + W + 2"));
  EXPECT_EQ(mul(floorDiv(H, 2), floorDiv(W, 2))->str(), "(H // 2)*(W // 2)");
  EXPECT_EQ(mul(H, H)->str(), "H*H");
}

TEST(Expr, unknown_absorbs) {
  EXPECT_TRUE(add(H, Dim())->isUnknown());
  EXPECT_TRUE(mul(Dim(), H)->isUnknown());
  EXPECT_TRUE(mul(Dim(), 0)->isUnknown());
  EXPECT_TRUE(floorDiv(Dim(), 2)->isUnknown());
  EXPECT_FALSE(evaluate(Dim(), {}).has_value());
  EXPECT_TRUE(p("H + ?").isUnknown());
}

TEST(Expr, hash_agrees_with_equality) {
  std::unordered_set<Dim> set;
  set.insert(p("(H + 3) // 4"));
  set.insert(*add(floorDiv(sub(H, v(1)), 4), v(1)));  // the same canonical form
  set.insert(*convOut(*convOut(H, 3, 2, 2), 3, 2, 2));
  set.insert(H);
  set.insert(v(4));
  set.insert(Dim::symbol("4"));
  set.insert(Dim());
  EXPECT_EQ(set.size(), 5u);
}

// ---- Window arithmetic.

TEST(Expr, conv_k3_s2_p1_twice) {
  std::optional<Dim> once = convOut(H, 3, 2, 2);
  std::optional<Dim> twice = convOut(*once, 3, 2, 2);
  ASSERT_TRUE(once && twice);
  EXPECT_EQ(once->str(), "(H + 1) // 2");
  EXPECT_EQ(twice->str(), "(H + 3) // 4");
  EXPECT_EQ(evaluate(*twice, {{"H", 224}}), 56);
  EXPECT_EQ(evaluate(*twice, {{"H", 225}}), 57);
  EXPECT_EQ(periodOf(*twice), 4);
}

TEST(Expr, unet_down_up_is_not_identity) {
  std::optional<Dim> upDown = mul(floorDiv(H, 2), 2);
  ASSERT_TRUE(upDown);
  EXPECT_EQ(upDown->str(), "2*(H // 2)");
  EXPECT_FALSE(provablyEqual(*upDown, H));
  EXPECT_FALSE(provablyNotEqual(*upDown, H));
  EXPECT_FALSE(provablyEqual(*upDown, H, Assume{.symbolMin = 1}));
  EXPECT_FALSE(provablyNotEqual(*upDown, H, Assume{.symbolMin = 1}));
  // An odd size never survives the round trip.
  EXPECT_TRUE(provablyNotEqual(*mul(floorDiv(add(mul(H, 2), v(1)), 2), 2), *add(mul(H, 2), v(1))));
}

TEST(Expr, chain_of_1000_strided_convs_stays_compact) {
  const auto start = std::chrono::steady_clock::now();
  Dim x = H;
  size_t maxNodes = 0;
  for (int step = 0; step < 1000; ++step) {
    std::optional<Dim> next = convOut(x, 3, 2, 2);
    ASSERT_TRUE(next) << "step " << step;
    x = *next;
    maxNodes = std::max(maxNodes, nodeCount(x));
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LE(maxNodes, 20u) << x.str();
  EXPECT_LT(elapsed, std::chrono::seconds(1));
  for (int64_t h : {int64_t{0}, int64_t{1}, int64_t{2}, int64_t{3}, int64_t{1000}, int64_t{1} << 40}) {
    int64_t direct = h;
    for (int step = 0; step < 1000; ++step) direct = floorDiv(direct + 2 - 3, 2) + 1;
    EXPECT_EQ(evaluate(x, {{"H", h}}), direct) << "H=" << h << " " << x.str();
  }
  // The first steps stay one floor: floor((H + 2^n - 1) / 2^n).
  Dim y = H;
  for (int step = 0; step < 10; ++step) y = *convOut(y, 3, 2, 2);
  EXPECT_EQ(y.str(), "(H + 1023) // 1024");
}

// ---- Overflow.

TEST(Expr, overflow_is_reported_not_wrapped) {
  EXPECT_FALSE(add(v(kMax), v(1)).has_value());
  EXPECT_FALSE(mul(v(kMax), v(2)).has_value());
  std::optional<Dim> big = mul(H, kMax);
  ASSERT_TRUE(big);
  EXPECT_FALSE(add(*big, H).has_value());
  EXPECT_FALSE(sub(mul(H, std::numeric_limits<int64_t>::min()), H).has_value());
  EXPECT_FALSE(mul(*big, 2).has_value());
  EXPECT_FALSE(add(add(H, v(kMax)), v(1)).has_value());
  EXPECT_FALSE(mul(mul(H, int64_t{1} << 40), mul(W, int64_t{1} << 40)).has_value());
  EXPECT_FALSE(evaluate(*big, {{"H", 2}}).has_value());
  EXPECT_EQ(evaluate(*big, {{"H", 1}}), kMax);
  EXPECT_FALSE(floorDiv(H, 0).has_value());
  EXPECT_FALSE(ceilDiv(H, -2).has_value());
  // A chain stops at the first overflow.
  EXPECT_FALSE(add(floorDiv(add(v(kMax), v(1)), 2), v(1)).has_value());
  EXPECT_FALSE(evaluate(H, {{"H", -1}}).has_value());  // dims are non-negative
  EXPECT_FALSE(evaluate(H, {}).has_value());
}

// ---- Text.

TEST(Expr, str_is_python) {
  EXPECT_EQ(p("-((H + 1) // 2) + W").str(), "W - (H + 1) // 2");
  EXPECT_EQ(sub(v(0), floorDiv(add(H, v(1)), 2))->str(), "-((H + 1) // 2)");
  EXPECT_EQ(mul(sub(floorDiv(add(H, v(1)), 2), v(1)), 2)->str(), "2*((H + 1) // 2) - 2");
  EXPECT_EQ(floorDiv(add(floorDiv(H, 3), W), 2)->str(), "(H + 3*W) // 6");  // merged
  EXPECT_EQ(floorDiv(add(mul(floorDiv(H, 3), 2), W), 3)->str(), "(W + 2*(H // 3)) // 3");
  EXPECT_EQ(floorDiv(mul(H, W), 2)->str(), "(H*W) // 2");
  EXPECT_EQ(strWithNames(p("2*H + batch_size"), [](const std::string& s) { return "<" + s + ">"; }),
            "2*<H> + <batch_size>");
  // Python precedence: unary minus binds tighter than //.
  EXPECT_EQ(p("-H // 2"), *floorDiv(mul(H, -1), 2));
  EXPECT_EQ(p("-(H // 2)"), *mul(floorDiv(H, 2), -1));
  EXPECT_EQ(p("2 * H // 4"), *floorDiv(H, 2));
}

TEST(Expr, parse_rejects_with_a_reason) {
  struct Case {
    const char* text;
    const char* error;
  };
  const Case cases[] = {
      {"H / 2", "expected '//' (floor division), not '/' at offset 2, saw '/ 2'"},
      {"H // W", "expected a positive integer divisor after '//' at offset 5, saw 'W'"},
      {"H // 0", "expected a positive integer divisor after '//' at offset 5, saw '0'"},
      {"(H + 1", "expected ')' at offset 6, saw the end"},
      {"H +", "expected a number, a name, '?' or '(' at offset 3, saw the end"},
      {"H H", "expected an operator or the end at offset 2, saw 'H'"},
      {"99999999999999999999", "integer overflow at offset 0"},
      {"9223372036854775807 + 1", "integer overflow at offset 20"},
      {"", "expected a number, a name, '?' or '(' at offset 0, saw the end"},
  };
  for (const Case& c : cases) {
    std::string error;
    EXPECT_FALSE(parseDim(c.text, &error).has_value()) << c.text;
    EXPECT_EQ(error, c.error) << c.text;
  }
  EXPECT_EQ(p("-9223372036854775808"), v(std::numeric_limits<int64_t>::min()));
}

// ---- Random expressions: an op sequence evaluated directly versus the
// simplified dim evaluated.

struct OpTree {
  enum Op { kSymbol, kConst, kAdd, kSub, kMulConst, kMul, kFloor, kCeil } op;
  std::string symbol;
  int64_t k = 0;
  std::vector<OpTree> kids;

  std::optional<int64_t> eval(const Bindings& b) const {
    switch (op) {
      case kSymbol: return b.at(symbol);
      case kConst: return k;
      case kFloor:
      case kCeil:
      case kMulConst: {
        std::optional<int64_t> x = kids[0].eval(b);
        if (!x) return std::nullopt;
        if (op == kMulConst) return checkedMul(*x, k);
        return op == kFloor ? floorDiv(*x, k) : ceilDiv(*x, k);
      }
      default: break;
    }
    std::optional<int64_t> x = kids[0].eval(b), y = kids[1].eval(b);
    if (!x || !y) return std::nullopt;
    if (op == kAdd) return checkedAdd(*x, *y);
    if (op == kSub) return checkedSub(*x, *y);
    return checkedMul(*x, *y);
  }

  std::optional<Dim> build() const {
    switch (op) {
      case kSymbol: return Dim::symbol(symbol);
      case kConst: return Dim::value(k);
      case kAdd: return add(kids[0].build(), kids[1].build());
      case kSub: return sub(kids[0].build(), kids[1].build());
      case kMulConst: return mul(kids[0].build(), k);
      case kMul: return mul(kids[0].build(), kids[1].build());
      case kFloor: return floorDiv(kids[0].build(), k);
      case kCeil: return ceilDiv(kids[0].build(), k);
    }
    return std::nullopt;
  }
};

class RandomTrees {
 public:
  RandomTrees(uint32_t seed, std::vector<std::string> symbols, bool products)
      : rng_(seed), symbols_(std::move(symbols)), products_(products) {}

  OpTree tree(int depth) {
    const int leafChance = depth <= 0 ? 100 : 25;
    if (pick(0, 99) < leafChance) {
      if (pick(0, 2) == 0) return OpTree{OpTree::kConst, "", pick(-6, 12), {}};
      return OpTree{OpTree::kSymbol, symbols_[static_cast<size_t>(pick(0, static_cast<int64_t>(symbols_.size()) - 1))], 0, {}};
    }
    switch (pick(0, products_ ? 6 : 5)) {
      case 0: return OpTree{OpTree::kAdd, "", 0, {tree(depth - 1), tree(depth - 1)}};
      case 1: return OpTree{OpTree::kSub, "", 0, {tree(depth - 1), tree(depth - 1)}};
      case 2: return OpTree{OpTree::kMulConst, "", pick(-3, 4), {tree(depth - 1)}};
      case 3:
      case 4: return OpTree{OpTree::kFloor, "", pick(1, 6), {tree(depth - 1)}};
      case 5: return OpTree{OpTree::kCeil, "", pick(1, 6), {tree(depth - 1)}};
      default: return OpTree{OpTree::kMul, "", 0, {tree(depth - 1), tree(depth - 1)}};
    }
  }

  int64_t pick(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng_); }

 private:
  std::mt19937 rng_;
  std::vector<std::string> symbols_;
  bool products_;
};

TEST(Expr, simplification_never_changes_the_value_one_symbol) {
  RandomTrees gen(1234, {"H"}, /*products=*/false);
  for (int n = 0; n < 2000; ++n) {
    const OpTree t = gen.tree(6);
    std::optional<Dim> d = t.build();
    ASSERT_TRUE(d);
    for (int64_t h = 0; h <= 200; ++h) {
      const Bindings b{{"H", h}};
      ASSERT_EQ(evaluate(*d, b), t.eval(b)) << "H=" << h << " dim " << d->str();
    }
  }
}

TEST(Expr, simplification_never_changes_the_value_with_products) {
  RandomTrees gen(99, {"H", "W"}, /*products=*/true);
  for (int n = 0; n < 1500; ++n) {
    const OpTree t = gen.tree(5);
    std::optional<Dim> d = t.build();
    ASSERT_TRUE(d);
    for (int64_t h = 0; h <= 24; ++h) {
      for (int64_t w = 0; w <= 24; w += 3) {
        const Bindings b{{"H", h}, {"W", w}};
        ASSERT_EQ(evaluate(*d, b), t.eval(b)) << "H=" << h << " W=" << w << " dim " << d->str();
      }
    }
  }
}

TEST(Expr, canonical_form_ignores_how_an_expression_was_built) {
  // Ring laws, pull-outs and ceil-as-floor hold structurally, with products
  // and several symbols.
  RandomTrees gen(31337, {"H", "W"}, /*products=*/true);
  for (int n = 0; n < 3000; ++n) {
    const std::optional<Dim> a = gen.tree(3).build(), b = gen.tree(3).build(), c = gen.tree(2).build();
    const int64_t k = gen.pick(-4, 4), d = gen.pick(1, 6);
    ASSERT_TRUE(a && b && c);
    const std::string what = a->str() + " | " + b->str() + " | " + c->str() + " | d=" + std::to_string(d);
    ASSERT_EQ(add(add(a, b), c), add(a, add(b, c))) << what;
    ASSERT_EQ(add(a, b), add(b, a)) << what;
    ASSERT_EQ(sub(add(a, b), b), a) << what;
    ASSERT_EQ(mul(add(a, b), k), add(mul(a, k), mul(b, k))) << what;
    ASSERT_EQ(mul(a, b), mul(b, a)) << what;
    ASSERT_EQ(mul(mul(a, b), c), mul(a, mul(b, c))) << what;
    ASSERT_EQ(mul(add(a, b), c), add(mul(a, c), mul(b, c))) << what;
    ASSERT_EQ(floorDiv(add(a, mul(b, d)), d), add(floorDiv(a, d), b)) << what;
    ASSERT_EQ(floorDiv(mul(a, d), d), a) << what;
    ASSERT_EQ(ceilDiv(a, d), add(floorDiv(sub(a, v(1)), d), v(1))) << what;
  }
}

TEST(Expr, nested_floors_of_window_chains) {
  // floor(floor(x/a)/b) == floor(x/(a*b)) on the output x of random chains of
  // conv, ceil-mode pool, transposed conv, upsample and SAME layers: always
  // provably equal; structurally equal unless the first division leaves two
  // floor atoms that both could merge (measured about 3%, see expr_node.h).
  std::mt19937 rng(5);
  auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  int structural = 0;
  const int kCases = 3000;
  for (int n = 0; n < kCases; ++n) {
    std::optional<Dim> x = H;
    for (int64_t layers = pick(1, 6); layers > 0; --layers) {
      const int64_t k = pick(1, 7), s = pick(1, 4), dilation = pick(1, 2), pads = pick(0, k - 1);
      const int64_t ke = dilation * (k - 1) + 1;
      switch (pick(0, 4)) {
        case 0: x = add(floorDiv(add(x, v(pads - ke)), s), v(1)); break;
        case 1: x = add(ceilDiv(add(x, v(pads - ke)), s), v(1)); break;
        case 2: x = add(mul(sub(x, v(1)), s), v(pick(0, s - 1) + ke - pads)); break;
        case 3: x = mul(x, s); break;
        default: x = ceilDiv(x, s); break;
      }
    }
    const int64_t a = pick(1, 5), b = pick(1, 5);
    std::optional<Dim> stepwise = floorDiv(floorDiv(x, a), b), direct = floorDiv(x, a * b);
    ASSERT_TRUE(stepwise && direct);
    ASSERT_TRUE(provablyEqual(*stepwise, *direct)) << x->str() << " a=" << a << " b=" << b;
    ASSERT_TRUE(provablyEqual(*ceilDiv(ceilDiv(x, a), b), *ceilDiv(x, a * b))) << x->str();
    structural += *stepwise == *direct;
  }
  EXPECT_GE(structural, kCases * 95 / 100);
}

TEST(Expr, str_parse_round_trip) {
  RandomTrees gen(7, {"H", "W", "batch_size"}, /*products=*/true);
  for (int n = 0; n < 3000; ++n) {
    std::optional<Dim> d = gen.tree(5).build();
    ASSERT_TRUE(d);
    std::string error;
    std::optional<Dim> back = parseDim(d->str(), &error);
    ASSERT_TRUE(back) << d->str() << ": " << error;
    ASSERT_EQ(*back, *d) << d->str() << " came back as " << back->str();
    ASSERT_EQ(back->str(), d->str());
  }
  for (const Dim& d : {Dim(), H, v(0), v(-7), v(std::numeric_limits<int64_t>::min()), *mul(H, kMax)})
    EXPECT_EQ(p(d.str()), d) << d.str();
}

// ---- Deciding equality: never wrong (soundness), exact in one symbol.

TEST(Expr, provably_equal_and_not_equal_are_exact_in_one_symbol) {
  // Soundness: a claim holds at every H in [lo, 5000]. Exactness: without a
  // claim, a witness (an H where they differ, resp. agree) exists; it is
  // searched for up to 10^7.
  RandomTrees gen(2024, {"H"}, /*products=*/false);
  int equal = 0, differ = 0, neither = 0;
  for (int n = 0; n < 1500; ++n) {
    std::optional<Dim> a = gen.tree(3).build(), b = gen.tree(3).build();
    if (n % 3 == 0) b = add(floorDiv(add(a, v(gen.pick(0, 3))), gen.pick(1, 3)), v(gen.pick(-2, 2)));
    ASSERT_TRUE(a && b);
    auto same = [&](int64_t h) {
      const Bindings at{{"H", h}};
      std::optional<int64_t> x = evaluate(*a, at), y = evaluate(*b, at);
      EXPECT_TRUE(x && y);
      return x == y;
    };
    for (int64_t lo : {0, 1}) {
      const Assume assume{.symbolMin = lo};
      const bool eq = provablyEqual(*a, *b, assume), ne = provablyNotEqual(*a, *b, assume);
      const std::string what = a->str() + " vs " + b->str() + " from " + std::to_string(lo);
      ASSERT_FALSE(eq && ne) << what;
      if (eq || ne) {
        for (int64_t h = lo; h <= 5000; ++h) ASSERT_EQ(same(h), eq) << what << " at H=" << h;
      } else {
        bool sawEqual = false, sawDifferent = false;
        for (int64_t h = lo; h <= 10'000'000 && !(sawEqual && sawDifferent); ++h) (same(h) ? sawEqual : sawDifferent) = true;
        ASSERT_TRUE(sawEqual && sawDifferent) << what << ": no witness for 'neither'";
      }
      if (lo == 0) (eq ? equal : ne ? differ : neither) += 1;
    }
  }
  // The generator exercised all three outcomes.
  EXPECT_GT(equal, 50);
  EXPECT_GT(differ, 50);
  EXPECT_GT(neither, 50);
}

TEST(Expr, provably_equal_and_not_equal_are_sound_with_several_symbols) {
  RandomTrees gen(77, {"H", "W"}, /*products=*/true);
  int claimedEqual = 0, claimedDiffer = 0;
  for (int n = 0; n < 3000; ++n) {
    std::optional<Dim> a = gen.tree(3).build(), b = gen.tree(3).build();
    if (n % 4 == 0) b = sub(add(a, mul(gen.tree(1).build(), gen.pick(0, 2))), v(gen.pick(-1, 1)));
    ASSERT_TRUE(a && b);
    const bool eq = provablyEqual(*a, *b), ne = provablyNotEqual(*a, *b);
    ASSERT_FALSE(eq && ne);
    claimedEqual += eq;
    claimedDiffer += ne;
    for (int64_t h = 0; h <= 40; ++h) {
      for (int64_t w = 0; w <= 40; ++w) {
        const Bindings at{{"H", h}, {"W", w}};
        const std::optional<int64_t> x = evaluate(*a, at), y = evaluate(*b, at);
        ASSERT_TRUE(x && y);
        if (eq) {
          ASSERT_EQ(*x, *y) << a->str() << " vs " << b->str() << " at H=" << h << " W=" << w;
        }
        if (ne) {
          ASSERT_NE(*x, *y) << a->str() << " vs " << b->str() << " at H=" << h << " W=" << w;
        }
      }
    }
  }
  EXPECT_GT(claimedEqual, 50);
  EXPECT_GT(claimedDiffer, 50);
}

TEST(Expr, provably_decides_identities_the_canonical_form_misses) {
  // floor((H+1)/2) + floor(H/2) == H: different trees, provably equal.
  std::optional<Dim> halves = add(floorDiv(add(H, v(1)), 2), floorDiv(H, 2));
  ASSERT_TRUE(halves);
  EXPECT_NE(*halves, H);
  EXPECT_TRUE(provablyEqual(*halves, H));
  // Two symbols, quasi-affine: floor((H+W)/2) + floor((H+W+1)/2) == H + W.
  EXPECT_TRUE(provablyEqual(*add(floorDiv(add(H, W), 2), floorDiv(add(add(H, W), v(1)), 2)), *add(H, W)));
  // Products: only the canonical form.
  EXPECT_TRUE(provablyEqual(*mul(add(H, v(1)), W), *add(mul(H, W), W)));
  // Sufficient tests for several symbols.
  EXPECT_TRUE(provablyNotEqual(*add(mul(H, 2), v(1)), *mul(W, 4)));  // parity
  EXPECT_TRUE(provablyNotEqual(*add(mul(H, W), v(1)), v(0)));        // bounds
  EXPECT_TRUE(provablyNotEqual(*add(floorDiv(H, 2), W), v(-1)));
  EXPECT_FALSE(provablyNotEqual(H, W));
  // The domain matters: 2H == H only at H = 0.
  EXPECT_FALSE(provablyNotEqual(*mul(H, 2), H));
  EXPECT_TRUE(provablyNotEqual(*mul(H, 2), H, Assume{.symbolMin = 1}));
  EXPECT_FALSE(provablyNotEqual(H, v(0)));
  EXPECT_TRUE(provablyNotEqual(H, v(0), Assume{.symbolMin = 1}));
}

// ---- Periods and solution sets (issue 6).

TEST(Expr, period_of) {
  EXPECT_EQ(periodOf(v(3)), 1);
  EXPECT_EQ(periodOf(H), 1);
  EXPECT_EQ(periodOf(*add(mul(H, 3), W)), 1);
  EXPECT_EQ(periodOf(p("(H + 3) // 4")), 4);
  EXPECT_EQ(periodOf(p("H // 4 + H // 6")), 12);
  EXPECT_EQ(periodOf(p("(H + H // 3) // 2")), 3);  // increment 4 over 3 is even already
  EXPECT_FALSE(periodOf(p("64*H*W")).has_value());
  EXPECT_FALSE(periodOf(Dim()).has_value());
}

// A U-Net of `depth` levels, the skip at every level must match the upsampled
// path: returns the sizes of H in [lo, hi] that work.
template <typename Down, typename Up>
ResidueSet unetSizes(int depth, Down down, Up up, int64_t lo, int64_t hi) {
  std::vector<Dim> levels{H};
  for (int i = 0; i < depth; ++i) levels.push_back(*down(levels.back()));
  std::optional<ResidueSet> ok = solveAtLeast(levels.back(), v(1), "H", lo, hi);
  Dim x = levels.back();
  for (int i = depth - 1; i >= 0; --i) {
    x = *up(x);
    std::optional<ResidueSet> merge = solveEqual(x, levels[static_cast<size_t>(i)], "H", lo, hi);
    EXPECT_TRUE(ok && merge);
    ok = intersect(*ok, *merge);
    x = levels[static_cast<size_t>(i)];
  }
  EXPECT_TRUE(ok);
  return ok.value_or(ResidueSet{});
}

TEST(Expr, unet_maxpool_needs_multiples_of_16) {
  // MaxPool(k=2, s=2) down, ConvTranspose(k=2, s=2) up: o = 2i.
  const ResidueSet s = unetSizes(
      4, [](const Dim& x) { return convOut(x, 2, 2, 0); }, [](const Dim& x) { return mul(x, 2); }, 1, 1000);
  EXPECT_EQ(s.modulus, 16);
  EXPECT_EQ(s.residues, std::vector<int64_t>{0});
  EXPECT_EQ(s.members(3), (std::vector<int64_t>{16, 32, 48}));
  EXPECT_TRUE(s.contains(224));
  EXPECT_FALSE(s.contains(225));
  EXPECT_EQ(s.str("H"), "H >= 16 and H <= 1000 and H % 16 == 0");
}

TEST(Expr, unet_strided_conv_needs_1_mod_16) {
  // Conv(k=3, s=2, p=1) down, ConvTranspose(k=3, s=2, p=1) up: o = 2(i - 1) + 3 - 2.
  const ResidueSet s = unetSizes(
      4, [](const Dim& x) { return convOut(x, 3, 2, 2); }, [](const Dim& x) { return add(mul(x, 2), v(-1)); },
      1, kMax);
  EXPECT_EQ(s.modulus, 16);
  EXPECT_EQ(s.residues, std::vector<int64_t>{1});
  EXPECT_EQ(s.members(3), (std::vector<int64_t>{1, 17, 33}));
  EXPECT_TRUE(s.contains(225));
  EXPECT_FALSE(s.contains(224));
  EXPECT_EQ(s.str("H"), "H % 16 == 1");
}

TEST(Expr, output_at_least_one_is_a_lower_bound) {
  // Conv(k=7, s=2, p=0): floor((H - 7)/2) + 1 >= 1 exactly when H >= 7.
  std::optional<ResidueSet> s = solveAtLeast(*convOut(H, 7, 2, 0), v(1), "H", 1, 500);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->str("H"), "H >= 7 and H <= 500");
  EXPECT_EQ(s->members(2), (std::vector<int64_t>{7, 8}));
  // Combined with a parity merge: H even and H >= 7.
  std::optional<ResidueSet> even = solveEqual(*mul(floorDiv(H, 2), 2), H, "H", 1, 500);
  std::optional<ResidueSet> both = intersect(*s, *even);
  ASSERT_TRUE(both);
  EXPECT_EQ(both->members(3), (std::vector<int64_t>{8, 10, 12}));
  EXPECT_EQ(both->str("H"), "H >= 8 and H <= 500 and H % 2 == 0");
  EXPECT_EQ(complement(complement(*both)), *both);
}

TEST(Expr, finite_solution_sets_are_explicit) {
  // H // 10 == 1 for H in 10..19 only.
  std::optional<ResidueSet> s = solveEqual(*floorDiv(H, 10), v(1), "H", 0, kMax);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->residues.empty());
  EXPECT_EQ(s->below.size(), 10u);
  EXPECT_EQ(s->str("H"), "H in {10, 11, 12, 13, 14, 15, 16, 17, 18, 19}");
  EXPECT_FALSE(solveEqual(H, v(-1), "H", 0, 100)->contains(0));
  EXPECT_TRUE(solveEqual(H, v(-1), "H", 0, 100)->empty());
  EXPECT_EQ(solveEqual(H, v(-1), "H", 0, 100)->str("H"), "no H");
  // Other symbols, products and unknown are not solved.
  EXPECT_FALSE(solveEqual(H, W, "H", 0, 100).has_value());
  EXPECT_FALSE(solveEqual(*mul(H, H), v(4), "H", 0, 100).has_value());
  EXPECT_FALSE(solveEqual(H, Dim(), "H", 0, 100).has_value());
}

TEST(Expr, solution_sets_match_brute_force) {
  RandomTrees gen(555, {"H"}, /*products=*/false);
  for (int n = 0; n < 400; ++n) {
    std::optional<Dim> a = gen.tree(3).build(), b = gen.tree(3).build();
    ASSERT_TRUE(a && b);
    const int64_t lo = gen.pick(0, 5), hi = gen.pick(30, 400);
    std::optional<ResidueSet> eq = solveEqual(*a, *b, "H", lo, hi);
    std::optional<ResidueSet> ge = solveAtLeast(*a, *b, "H", lo, hi);
    ASSERT_TRUE(eq && ge) << a->str() << " vs " << b->str();
    std::vector<int64_t> eqMembers, geMembers;
    for (int64_t h = lo; h <= hi; ++h) {
      const Bindings at{{"H", h}};
      const int64_t x = *evaluate(*a, at), y = *evaluate(*b, at);
      ASSERT_EQ(eq->contains(h), x == y) << a->str() << " == " << b->str() << " at " << h << ": " << eq->str("H");
      ASSERT_EQ(ge->contains(h), x >= y) << a->str() << " >= " << b->str() << " at " << h << ": " << ge->str("H");
      if (x == y) eqMembers.push_back(h);
      if (x >= y) geMembers.push_back(h);
    }
    ASSERT_EQ(eq->members(100000), eqMembers);
    ASSERT_EQ(ge->members(100000), geMembers);
    std::optional<ResidueSet> both = intersect(*eq, *ge);
    ASSERT_TRUE(both);
    ASSERT_EQ(both->members(100000), eqMembers);  // equal implies at least
    ASSERT_EQ(complement(complement(*ge)).members(100000), geMembers);
    std::vector<int64_t> notGe;
    for (int64_t h = lo; h <= hi; ++h)
      if (!ge->contains(h)) notGe.push_back(h);
    ASSERT_EQ(complement(*ge).members(100000), notGe);
  }
}

}  // namespace
}  // namespace shapelint::ir
