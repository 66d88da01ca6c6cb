// The window arithmetic on symbolic input dims (window_symbolic.cpp) against
// the integer arithmetic of window.cpp, which torch_window_test checks against
// PyTorch: for a grid of windows, the expression built for H, evaluated at
// every H in 1..200, must equal the integer output wherever that is at least
// 1. Then the canonical forms of chains, a 1000-layer chain, SL202 only when
// provably below 1, and models with input [N, 3, H, W] through the pass.
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/model_builder.h"
#include "passes/shape/window.h"
#include "shapelint/ir/expr.h"

namespace shapelint::passes::window {
namespace {

using ir::Dim;

constexpr int64_t kMaxH = 200;
const Dim kH = Dim::symbol("H");

AxisWindow window(int64_t k, int64_t s, int64_t d, int64_t pb, int64_t pe, Padding padding) {
  return AxisWindow{.kernel = k, .stride = s, .dilation = d, .padBegin = pb, .padEnd = pe, .padding = padding};
}

std::string describeWindow(const AxisWindow& w) {
  return "k=" + std::to_string(w.kernel) + " s=" + std::to_string(w.stride) + " d=" + std::to_string(w.dilation) +
         " pads=" + std::to_string(w.padBegin) + "," + std::to_string(w.padEnd) + " " +
         std::string(autoPadName(w.padding));
}

// Every window of the grid: k 1..5, s 1..3, d 1..2, explicit pads 0..2 each
// (or VALID / SAME_UPPER / SAME_LOWER with no pads).
std::vector<AxisWindow> windowGrid() {
  std::vector<AxisWindow> out;
  for (int64_t k = 1; k <= 5; ++k)
    for (int64_t s = 1; s <= 3; ++s)
      for (int64_t d = 1; d <= 2; ++d) {
        for (int64_t pb = 0; pb <= 2; ++pb)
          for (int64_t pe = 0; pe <= 2; ++pe) out.push_back(window(k, s, d, pb, pe, Padding::kExplicit));
        for (Padding p : {Padding::kValid, Padding::kSameUpper, Padding::kSameLower})
          out.push_back(window(k, s, d, 0, 0, p));
      }
  return out;
}

// The expression at H = v, or a sentinel when it cannot be evaluated.
int64_t at(const Dim& d, int64_t v) {
  return ir::evaluate(d, {{"H", v}}).value_or(std::numeric_limits<int64_t>::min());
}

TEST(WindowSymbolic, conv_expression_equals_the_integer_rule_at_every_size) {
  size_t checked = 0;
  for (const AxisWindow& w : windowGrid()) {
    const SymbolicAxisSize size = convAxisDim(kH, w);
    ASSERT_TRUE(size.output && !size.output->isUnknown()) << describeWindow(w);
    for (int64_t v = 1; v <= kMaxH; ++v) {
      std::optional<AxisFacts> f = convAxis(v, w);
      ASSERT_TRUE(f);
      if (f->output < 1) continue;
      ASSERT_EQ(at(*size.output, v), f->output) << describeWindow(w) << " H=" << v << ": " << size.formula;
      ++checked;
    }
  }
  EXPECT_GT(checked, 50000u);
}

TEST(WindowSymbolic, pool_expression_equals_the_integer_rule_at_every_size) {
  // Floor mode is Conv's rule; ceil mode gives an expression exactly when the
  // last-window correction never applies (ke - pe >= s), else unknown. Both
  // halves of that claim are checked against poolAxis: where an expression
  // is given it matches every size, and where none is given some size in
  // 1..200 has its output corrected (output != the uncorrected legacyOutput).
  size_t expressions = 0;
  size_t unknowns = 0;
  for (bool ceilMode : {false, true}) {
    for (const AxisWindow& w : windowGrid()) {
      const SymbolicAxisSize size = poolAxisDim(kH, w, ceilMode);
      ASSERT_TRUE(size.output) << describeWindow(w);
      bool corrected = false;
      for (int64_t v = 1; v <= kMaxH; ++v) {
        std::optional<AxisFacts> f = poolAxis(v, w, ceilMode);
        ASSERT_TRUE(f);
        if (f->output < 1) continue;
        corrected = corrected || f->output != f->legacyOutput;
        if (!size.output->isUnknown()) {
          ASSERT_EQ(at(*size.output, v), f->output)
              << describeWindow(w) << " ceil=" << ceilMode << " H=" << v << ": " << size.formula;
        }
      }
      if (size.output->isUnknown()) {
        ++unknowns;
        EXPECT_TRUE(ceilMode && corrected) << describeWindow(w) << " ceil=" << ceilMode;
      } else {
        ++expressions;
        EXPECT_FALSE(isSame(w.padding) ? false : corrected) << describeWindow(w);
      }
    }
  }
  EXPECT_GT(expressions, 500u);
  EXPECT_GT(unknowns, 50u);
}

TEST(WindowSymbolic, ceil_mode_expression_only_when_the_kernel_reaches_a_stride_past_the_end_pad) {
  // k = 3, s = 2, pe = 1: ke - pe = 2 >= s, so ceil((H + 1 + 1 - 3)/2) + 1
  // = ceil((H - 1)/2) + 1 = floor(H/2) + 1 = H // 2 + 1.
  const SymbolicAxisSize given = poolAxisDim(kH, window(3, 2, 1, 1, 1, Padding::kExplicit), true);
  ASSERT_TRUE(given.output);
  EXPECT_EQ(*given.output, *ir::parseDim("H // 2 + 1"));
  // k = 2, s = 2, pads 1 + 1: ke - pe = 1 < 2. At H = 1 (n = 1 + 2 - 2 = 1 = 0s + 1)
  // the padded input 3 gives ceil(1/2) + 1 = 2 windows, the second starting at
  // 2 = i + pb, in the right padding: corrected to 1. At H = 2 it is not (2).
  const SymbolicAxisSize unknown = poolAxisDim(kH, window(2, 2, 1, 1, 1, Padding::kExplicit), true);
  ASSERT_TRUE(unknown.output);
  EXPECT_TRUE(unknown.output->isUnknown());
  EXPECT_EQ(poolAxis(1, window(2, 2, 1, 1, 1, Padding::kExplicit), true)->output, 1);
  EXPECT_EQ(poolAxis(1, window(2, 2, 1, 1, 1, Padding::kExplicit), true)->legacyOutput, 2);
  EXPECT_EQ(poolAxis(2, window(2, 2, 1, 1, 1, Padding::kExplicit), true)->output, 2);
}

TEST(WindowSymbolic, conv_transpose_expression_equals_the_integer_rule_at_every_size) {
  size_t checked = 0;
  for (const AxisWindow& w : windowGrid()) {
    for (int64_t a = 0; a < std::max(w.stride, w.dilation); ++a) {
      const TransposeAxisWindow tw{w, a, std::nullopt};
      const SymbolicAxisSize size = convTransposeAxisDim(kH, tw);
      ASSERT_TRUE(size.output && !size.output->isUnknown()) << describeWindow(w) << " a=" << a;
      for (int64_t v = 1; v <= kMaxH; ++v) {
        std::optional<TransposeAxisFacts> f = convTransposeAxis(v, tw);
        ASSERT_TRUE(f);
        if (f->output < 1) continue;
        ASSERT_EQ(at(*size.output, v), f->output) << describeWindow(w) << " a=" << a << " H=" << v;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 50000u);
}

TEST(WindowSymbolic, conv_transpose_output_shape_is_the_value) {
  const SymbolicAxisSize size = convTransposeAxisDim(kH, {window(3, 2, 1, 1, 1, Padding::kExplicit), 0, 17});
  ASSERT_TRUE(size.output);
  EXPECT_EQ(*size.output, Dim::value(17));
}

TEST(WindowSymbolic, unpool_expression_equals_the_integer_rule_at_every_size) {
  size_t checked = 0;
  for (const AxisWindow& w : windowGrid()) {
    if (w.padding != Padding::kExplicit || w.dilation != 1) continue;
    const SymbolicAxisSize size = unpoolAxisDim(kH, w);
    ASSERT_TRUE(size.output && !size.output->isUnknown()) << describeWindow(w);
    for (int64_t v = 1; v <= kMaxH; ++v) {
      std::optional<TransposeAxisFacts> f = unpoolAxis(v, w);
      ASSERT_TRUE(f);
      if (f->output < 1) continue;
      ASSERT_EQ(at(*size.output, v), f->output) << describeWindow(w) << " H=" << v;
      ++checked;
    }
  }
  EXPECT_GT(checked, 5000u);
}

TEST(WindowSymbolic, expression_inputs_compose_like_the_integer_rule) {
  // A second layer on the first's expression equals the integer rule applied
  // twice.
  for (const AxisWindow& first : windowGrid()) {
    if (first.kernel != 3 || first.dilation != 1) continue;
    const Dim mid = *convAxisDim(kH, first).output;
    for (const AxisWindow& second : windowGrid()) {
      if (second.stride != 2 || second.dilation != 1) continue;
      const SymbolicAxisSize size = poolAxisDim(mid, second, false);
      ASSERT_TRUE(size.output && !size.output->isUnknown());
      for (int64_t v = 1; v <= kMaxH; ++v) {
        std::optional<AxisFacts> f1 = convAxis(v, first);
        if (f1->output < 1) continue;
        std::optional<AxisFacts> f2 = poolAxis(f1->output, second, false);
        if (f2->output < 1) continue;
        ASSERT_EQ(at(*size.output, v), f2->output) << describeWindow(first) << " then " << describeWindow(second);
      }
    }
  }
}

TEST(WindowSymbolic, two_strided_convs_give_the_compact_form) {
  // Conv k = 3, s = 2, p = 1 twice: floor((floor((H + 2 - 3)/2) + 1 + 2 - 3)/2)
  // + 1.
  const AxisWindow w = window(3, 2, 1, 1, 1, Padding::kExplicit);
  const Dim once = *convAxisDim(kH, w).output;
  const Dim twice = *convAxisDim(once, w).output;
  EXPECT_EQ(once.str(), "(H + 1) // 2");
  EXPECT_EQ(twice.str(), "(H + 3) // 4");
  EXPECT_EQ(twice, *ir::parseDim("(H + 3) // 4"));
  // The same chain spelt by hand: floor((floor((H - 1)/2) + 1 - 1)/2) + 1.
  const std::optional<Dim> byHand = ir::add(
      ir::floorDiv(ir::sub(ir::add(ir::floorDiv(ir::sub(kH, Dim::value(1)), 2), Dim::value(1)), Dim::value(1)), 2),
      Dim::value(1));
  ASSERT_TRUE(byHand);
  EXPECT_EQ(*byHand, twice);
  EXPECT_TRUE(ir::provablyEqual(*byHand, twice));
  // SAME with stride 2, twice: ceil(ceil(H/2)/2) = ceil(H/4).
  const AxisWindow same = window(3, 2, 1, 0, 0, Padding::kSameUpper);
  EXPECT_EQ(*convAxisDim(*convAxisDim(kH, same).output, same).output, *ir::parseDim("(H + 3) // 4"));
}

TEST(WindowSymbolic, a_thousand_strided_convs_stay_compact) {
  // Conv k = 3, s = 2, p = 1 halves rounding up: after L layers ceil(H/2^L).
  const AxisWindow w = window(3, 2, 1, 1, 1, Padding::kExplicit);
  const auto start = std::chrono::steady_clock::now();
  Dim d = kH;
  size_t maxNodes = 0;
  for (int layer = 1; layer <= 1000; ++layer) {
    const SymbolicAxisSize size = convAxisDim(d, w);
    ASSERT_TRUE(size.output && !size.output->isUnknown()) << "layer " << layer;
    d = *size.output;
    maxNodes = std::max(maxNodes, ir::nodeCount(d));
    if (layer == 10) {
      EXPECT_EQ(d, *ir::parseDim("(H + 1023) // 1024"));
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LE(maxNodes, 20u) << d.str();
  EXPECT_LT(seconds, 5.0);
  // ceil(H/2^1000) is 1 for every H in 1..INT64_MAX.
  for (int64_t v : {int64_t{1}, int64_t{2}, int64_t{1000}, int64_t{1} << 40})
    EXPECT_EQ(ir::evaluate(d, {{"H", v}}), 1) << d.str();
}

TEST(WindowSymbolic, below_one_only_when_provably_below_one_for_every_size) {
  // VALID k = 3, s = 2: o = floor((i - 1)/2); after L layers floor((H + 1)/2^L)
  // - 1, which is >= 1 at H = 2^63 - 1 exactly when 2^63 >= 2^(L + 1), i.e. L
  // <= 62.
  const AxisWindow w = window(3, 2, 1, 0, 0, Padding::kValid);
  Dim d = kH;
  int firstBelow = 0;
  for (int layer = 1; layer <= 100 && firstBelow == 0; ++layer) {
    d = *convAxisDim(d, w).output;
    if (provablyBelowOne(d)) firstBelow = layer;
    else EXPECT_LE(ir::nodeCount(d), 20u) << d.str();
  }
  EXPECT_EQ(firstBelow, 63) << d.str();
  // Not below 1: the output grows with H.
  EXPECT_FALSE(provablyBelowOne(*convAxisDim(kH, window(7, 1, 1, 0, 0, Padding::kValid)).output));  // H - 6
  EXPECT_FALSE(provablyBelowOne(*ir::parseDim("H // 1000 - 5")));
  // An input that is 0 or 1 for every H (H mod 2): a kernel of 3 never fits.
  const Dim parity = *ir::parseDim("H - 2*(H // 2)");
  const Dim o = *convAxisDim(parity, window(3, 1, 1, 0, 0, Padding::kExplicit)).output;
  EXPECT_TRUE(provablyBelowOne(o)) << o.str();
  // With pads 1 + 1 it fits whenever H is odd.
  EXPECT_FALSE(provablyBelowOne(*convAxisDim(parity, window(3, 1, 1, 1, 1, Padding::kExplicit)).output));
}

TEST(WindowSymbolic, overflowing_constants_are_no_result) {
  const int64_t big = std::numeric_limits<int64_t>::max();
  // pb + pe - ke = (2^63 - 1) + 2 - 1 does not fit.
  const SymbolicAxisSize size = convAxisDim(kH, window(1, 1, 1, big, 2, Padding::kExplicit));
  EXPECT_FALSE(size.output);
  EXPECT_EQ(size.formula, "pb + pe - ke = 9223372036854775807 + 2 - 1");
  // SAME ConvTranspose: H * (2^63 - 1) fits as a coefficient, 2H * (2^63 - 1)
  // does not.
  const TransposeAxisWindow same{window(2, big, 1, 0, 0, Padding::kSameUpper), 0, std::nullopt};
  EXPECT_TRUE(convTransposeAxisDim(kH, same).output.has_value());
  const SymbolicAxisSize twice = convTransposeAxisDim(*ir::parseDim("2*H"), same);
  EXPECT_FALSE(twice.output);
  EXPECT_EQ(twice.formula, "SAME_UPPER: o = i * s = (2*H) * 9223372036854775807");
}

}  // namespace
}  // namespace shapelint::passes::window

// ---------------------------------------------------------------------------
// Through runShapePass: a model whose input is [N, 3, H, W].

namespace shapelint::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

ir::Shape dims(std::initializer_list<const char*> texts) {
  std::vector<ir::Dim> out;
  for (const char* t : texts) out.push_back(*ir::parseDim(t));
  return ir::Shape(std::move(out));
}

TEST(WindowSymbolicModel, resnet_stem_and_friends) {
  ModelBuilder b(13);
  b.input("x", {"N", 3, "H", "W"});
  b.initializer("w1", {64, 3, 7, 7}).initializer("wt", {64, 8, 2, 2}).initializer("ws", {16, 3, 3, 3});
  // conv1 k = 7, s = 2, p = 3: floor((H + 6 - 7)/2) + 1 = (H + 1) // 2.
  b.node("Conv", {"x", "w1"}, {"c1"}, {ints("pads", {3, 3, 3, 3}), ints("strides", {2, 2})}, "conv1");
  // maxpool k = 3, s = 2, p = 1: floor(((H + 1) // 2 + 2 - 3)/2) + 1 = (H + 3)
  // // 4.
  b.node("MaxPool", {"c1"}, {"p1"}, {ints("kernel_shape", {3, 3}), ints("pads", {1, 1, 1, 1}), ints("strides", {2, 2})},
         "pool1");
  // ConvTranspose k = 2, s = 2: 2((H + 3) // 4 - 1) + 2 = 2*((H + 3) // 4).
  b.node("ConvTranspose", {"p1", "wt"}, {"up"}, {ints("strides", {2, 2})}, "up");
  // SAME_UPPER stride 2: ceil(H/2) = (H + 1) // 2.
  b.node("Conv", {"x", "ws"}, {"same"}, {stringAttr("auto_pad", "SAME_UPPER"), ints("strides", {2, 2})}, "same");
  // AveragePool k = 3, s = 2, no pads, ceil_mode: ke - pe = 3 >= 2, so
  // ceil((H - 3)/2) + 1 = floor((H - 2)/2) + 1 = H // 2.
  b.node("AveragePool", {"x"}, {"ceil"},
         {ints("kernel_shape", {3, 3}), ints("strides", {2, 2}), intAttr("ceil_mode", 1)}, "ceil");
  // MaxPool k = 2, s = 2, pads 1, ceil_mode: ke - pe = 1 < 2: the correction
  // applies for some sizes: unknown.
  b.node("MaxPool", {"x"}, {"ceil_unknown"},
         {ints("kernel_shape", {2, 2}), ints("strides", {2, 2}), ints("pads", {1, 1, 1, 1}), intAttr("ceil_mode", 1)},
         "ceil_unknown");
  // MaxUnpool k = 2, s = 2: 2((H + 3) // 4 - 1) + 2.
  b.node("MaxPool", {"p1"}, {"p2", "idx"}, {ints("kernel_shape", {2, 2}), ints("strides", {2, 2})}, "pool2");
  b.node("MaxUnpool", {"p2", "idx"}, {"unpooled"}, {ints("kernel_shape", {2, 2}), ints("strides", {2, 2})}, "unpool");
  b.node("GlobalAveragePool", {"p1"}, {"gap"}, {}, "gap");
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("c1"), dims({"N", "64", "(H + 1) // 2", "(W + 1) // 2"}));
  EXPECT_EQ(r.shapeOf("p1"), dims({"N", "64", "(H + 3) // 4", "(W + 3) // 4"}));
  EXPECT_EQ(r.shapeOf("up"), dims({"N", "8", "2*((H + 3) // 4)", "2*((W + 3) // 4)"}));
  EXPECT_EQ(r.shapeOf("same"), dims({"N", "16", "(H + 1) // 2", "(W + 1) // 2"}));
  EXPECT_EQ(r.shapeOf("ceil"), dims({"N", "3", "H // 2", "W // 2"}));
  EXPECT_EQ(r.shapeOf("ceil_unknown"), dims({"N", "3", "?", "?"}));
  // pool2: floor(((H + 3) // 4 - 2)/2) + 1 = (H + 3) // 8 (by the algebra; (H +
  // 3) // 4 // 2).
  EXPECT_EQ(r.shapeOf("p2"), dims({"N", "64", "(H + 3) // 8", "(W + 3) // 8"}));
  EXPECT_EQ(r.shapeOf("unpooled"), dims({"N", "64", "2*((H + 3) // 8)", "2*((W + 3) // 8)"}));
  EXPECT_EQ(r.shapeOf("gap"), dims({"N", "64", "1", "1"}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(WindowSymbolicModel, deep_valid_chain_reports_below_one_once_it_is_provable) {
  // k = 3, s = 2, no pads, seventy times on H: layer 63 is the first whose
  // output floor((H + 1)/2^63) - 1 is below 1 for every H
  // (below_one_only_when_provably_below_one_for_every_size above); the later
  // layers see an unknown input and say nothing.
  ModelBuilder b(13);
  b.input("x", {1, 1, "H", 1}).initializer("w", {1, 1, 3, 1});
  std::string in = "x";
  for (int layer = 1; layer <= 70; ++layer) {
    const std::string out = "y" + std::to_string(layer);
    b.node("Conv", {in, "w"}, {out}, {ints("strides", {2, 1})}, "conv" + std::to_string(layer));
    in = out;
  }
  Inferred r = infer(b);
  ASSERT_EQ(r.diagnostics.size(), 1u) << ::testing::PrintToString(briefs(r.diagnostics));
  const diag::Diagnostic& d = r.diagnostics.front();
  EXPECT_EQ(d.node, "conv63");
  EXPECT_EQ(std::string(d.ruleInfo().code), "SL202");
  EXPECT_THAT(d.message, HasSubstr("expected at least 1: it is below 1 for every H >= 1"));
  EXPECT_EQ(r.shapeOf("y62").rank(), 4u);
  EXPECT_FALSE(r.shapeOf("y62")[2].isUnknown());
  EXPECT_TRUE(r.shapeOf("y63")[2].isUnknown());
}

TEST(WindowSymbolicModel, symbolic_axes_get_no_per_size_checks) {
  // i = 6, k = 3, s = 2, p = 0 drops a row (SL204) for the concrete axis only.
  ModelBuilder b(13);
  b.input("x", {1, 1, "H", 6}).initializer("w", {1, 1, 3, 3});
  b.node("Conv", {"x", "w"}, {"y"}, {ints("strides", {2, 2})}, "conv");
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), dims({"1", "1", "(H - 1) // 2", "2"}));
  for (const diag::Diagnostic& d : r.diagnostics) EXPECT_THAT(d.message, ::testing::Not(HasSubstr("axis 2")));
}

}  // namespace
}  // namespace shapelint::testing
