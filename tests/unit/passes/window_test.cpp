// The window arithmetic against hand-computed values from
// /work/shared/conv-arithmetic.md: every relationship 1-15, its worked
// examples and the runtime disagreements it lists. Each case is named after
// what it shows.
#include "passes/shape/window.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace shapelint::passes::window {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// Names each parameterised case after its `name` field.
struct CaseName {
  template <typename Case>
  std::string operator()(const ::testing::TestParamInfo<Case>& testInfo) const {
    return testInfo.param.name;
  }
};

AxisWindow explicitWindow(int64_t k, int64_t s, int64_t pb, int64_t pe, int64_t d = 1) {
  return AxisWindow{
      .kernel = k, .stride = s, .dilation = d, .padBegin = pb, .padEnd = pe, .padding = Padding::kExplicit};
}

AxisWindow autoWindow(int64_t k, int64_t s, Padding padding, int64_t d = 1) {
  return AxisWindow{.kernel = k, .stride = s, .dilation = d, .padBegin = 0, .padEnd = 0, .padding = padding};
}

// ---------------------------------------------------------------------------
// Convolution: relationships 1-6 and 15.

struct ConvCase {
  const char* name;
  int64_t i;
  AxisWindow window;
  int64_t output;
  int relationship;
};

class ConvRelationship : public ::testing::TestWithParam<ConvCase> {};

TEST_P(ConvRelationship, OutputAndRelationship) {
  const ConvCase& c = GetParam();
  std::optional<AxisFacts> f = convAxis(c.i, c.window);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->output, c.output);
  EXPECT_EQ(f->relationship, c.relationship);
}

INSTANTIATE_TEST_SUITE_P(
    Window, ConvRelationship,
    ::testing::Values(
        // 1: s = 1, p = 0: o = (i - k) + 1
        ConvCase{"rel1_no_pad_unit_stride", 4, explicitWindow(3, 1, 0, 0), 2, 1},
        // 2: s = 1, any p: o = (i - k) + 2p + 1
        ConvCase{"rel2_pad_unit_stride", 5, explicitWindow(4, 1, 2, 2), 6, 2},
        ConvCase{"rel2_asymmetric_pads", 5, explicitWindow(3, 1, 0, 1), 4, 2},
        // 3: half padding, k odd, p = floor(k/2): o = i
        ConvCase{"rel3_half_padding", 5, explicitWindow(3, 1, 1, 1), 5, 3},
        ConvCase{"rel3_half_padding_k5", 7, explicitWindow(5, 1, 2, 2), 7, 3},
        // 4: full padding p = k - 1: o = i + (k - 1)
        ConvCase{"rel4_full_padding", 5, explicitWindow(3, 1, 2, 2), 7, 4},
        // 5: p = 0, any s: o = floor((i - k)/s) + 1
        ConvCase{"rel5_no_pad_stride_2", 5, explicitWindow(3, 2, 0, 0), 2, 5},
        ConvCase{"rel5_no_pad_stride_2_odd", 6, explicitWindow(3, 2, 0, 0), 2, 5},
        // 6: the general case: o = floor((i + 2p - k)/s) + 1
        ConvCase{"rel6_worked_example_5", 5, explicitWindow(3, 2, 1, 1), 3, 6},
        ConvCase{"rel6_worked_example_6", 6, explicitWindow(3, 2, 1, 1), 3, 6},
        ConvCase{"rel6_worked_example_7", 7, explicitWindow(3, 2, 1, 1), 4, 6},
        ConvCase{"rel6_asymmetric_pads", 6, explicitWindow(3, 2, 0, 1), 3, 6},
        // 15: dilated: o = floor((i + 2p - k - (k - 1)(d - 1))/s) + 1
        ConvCase{"rel15_dilation_2", 7, explicitWindow(3, 1, 0, 0, 2), 3, 15},
        ConvCase{"rel15_dilation_2_stride_2_pad_2", 7, explicitWindow(3, 2, 2, 2, 2), 4, 15},
        // VALID ignores pads: relationship 5
        ConvCase{"valid_stride_2", 7, autoWindow(3, 2, Padding::kValid), 3, 5},
        // SAME: o = ceil(i/s); with s = 1 and k odd it is half padding
        ConvCase{"same_upper_stride_1", 5, autoWindow(3, 1, Padding::kSameUpper), 5, 3},
        ConvCase{"same_upper_stride_2", 5, autoWindow(3, 2, Padding::kSameUpper), 3, 0},
        ConvCase{"same_lower_stride_2_even", 6, autoWindow(3, 2, Padding::kSameLower), 3, 0},
        ConvCase{"same_stride_larger_than_kernel", 5, autoWindow(1, 4, Padding::kSameUpper), 2, 0},
        // The U-Net example: 225 -> 113 with Conv(k=3, s=2, p=1)
        ConvCase{"unet_conv_down_225", 225, explicitWindow(3, 2, 1, 1), 113, 6}),
    CaseName());

TEST(Window, effective_kernel) {
  EXPECT_EQ(effectiveKernel(3, 1), 3);
  EXPECT_EQ(effectiveKernel(3, 2), 5);
  EXPECT_EQ(effectiveKernel(1, 7), 1);
  EXPECT_EQ(effectiveKernel(kMax, 2), std::nullopt);
}

// The floor case: r = (i + P - ke) mod s positions are uncovered, max(0, r - pe)
// of them real rows, and s input sizes give the same output.
TEST(Window, floor_case_worked_example) {
  std::optional<AxisFacts> f = convAxis(6, explicitWindow(3, 2, 1, 1));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->remainder, 1);
  EXPECT_EQ(f->droppedRows, 0);  // the one uncovered position is the end pad
  EXPECT_EQ(f->sameOutputFrom, 5);
  EXPECT_EQ(f->sameOutputTo, 6);
  EXPECT_EQ(f->effectiveKernel, 3);
  EXPECT_EQ(f->padBegin, 1);
  EXPECT_EQ(f->padEnd, 1);
}

TEST(Window, no_floor_loss_when_exact) {
  std::optional<AxisFacts> f = convAxis(5, explicitWindow(3, 2, 1, 1));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->remainder, 0);
  EXPECT_EQ(f->droppedRows, 0);
  EXPECT_EQ(f->sameOutputFrom, 5);
  EXPECT_EQ(f->sameOutputTo, 6);
}

TEST(Window, floor_case_drops_a_real_row) {
  std::optional<AxisFacts> f = convAxis(6, explicitWindow(3, 2, 0, 0));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->output, 2);
  EXPECT_EQ(f->remainder, 1);
  EXPECT_EQ(f->droppedRows, 1);
  EXPECT_EQ(f->sameOutputFrom, 5);
  EXPECT_EQ(f->sameOutputTo, 6);
}

TEST(Window, resnet_1x1_stride_2_downsample) {
  std::optional<AxisFacts> f = convAxis(57, explicitWindow(1, 2, 0, 0));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->output, 29);
  EXPECT_EQ(f->remainder, 0);
  f = convAxis(56, explicitWindow(1, 2, 0, 0));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->output, 28);
  EXPECT_EQ(f->remainder, 1);
  EXPECT_EQ(f->droppedRows, 1);  // by design: ke < s skips rows between placements too
}

// Relationship 9 inverted: every i in [(o-1)s + ke - P, (o-1)s + ke - P + s - 1].
TEST(Window, inversion_range_stride_4) {
  std::optional<AxisFacts> f = convAxis(21, explicitWindow(5, 4, 2, 2));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->output, 6);  // floor((21 + 4 - 5)/4) + 1
  EXPECT_EQ(f->sameOutputFrom, 21);
  EXPECT_EQ(f->sameOutputTo, 24);
  for (int64_t i = f->sameOutputFrom; i <= f->sameOutputTo; ++i)
    EXPECT_EQ(convAxis(i, explicitWindow(5, 4, 2, 2))->output, 6);
  EXPECT_EQ(convAxis(20, explicitWindow(5, 4, 2, 2))->output, 5);
  EXPECT_EQ(convAxis(25, explicitWindow(5, 4, 2, 2))->output, 7);
}

// ---------------------------------------------------------------------------
// Non-positive outputs: floor division, never C++ truncation.

TEST(Window, kernel_larger_than_input_is_zero) {
  std::optional<AxisFacts> f = convAxis(2, explicitWindow(3, 1, 0, 0));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->output, 0);
  EXPECT_EQ(f->minInput, 3);
}

TEST(Window, negative_numerator_floors) {
  // (2 - 5)/2 truncates to -1 in C++ and would give 0 + 1 = 1; floor gives -2 + 1 = -1.
  std::optional<AxisFacts> f = convAxis(2, explicitWindow(5, 2, 0, 0));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->output, -1);
  EXPECT_EQ(f->minInput, 5);
}

TEST(Window, padding_rescues_a_large_kernel) {
  std::optional<AxisFacts> f = convAxis(2, explicitWindow(3, 1, 1, 0));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->output, 1);
  EXPECT_EQ(f->minInput, 2);
}

TEST(Window, dilated_kernel_larger_than_input) {
  std::optional<AxisFacts> f = convAxis(4, explicitWindow(3, 1, 0, 0, 2));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->effectiveKernel, 5);
  EXPECT_EQ(f->output, 0);
}

TEST(Window, overflow_is_unknown_never_wrapped) {
  EXPECT_FALSE(convAxis(kMax, explicitWindow(3, 1, 2, 2)).has_value());
  EXPECT_FALSE(convAxis(10, explicitWindow(kMax, 1, 0, 0, 3)).has_value());
  EXPECT_TRUE(convAxis(kMax - 4, explicitWindow(3, 1, 1, 1)).has_value());
}

TEST(Window, invalid_window_has_no_output_never_divides_by_zero) {
  EXPECT_FALSE(convAxis(5, explicitWindow(3, 0, 0, 0)).has_value());
  EXPECT_FALSE(convAxis(5, explicitWindow(0, 1, 0, 0)).has_value());
  EXPECT_FALSE(convAxis(5, explicitWindow(3, 1, 0, 0, 0)).has_value());
  EXPECT_FALSE(convAxis(5, explicitWindow(3, 1, -1, 0)).has_value());
  EXPECT_FALSE(convAxis(-1, explicitWindow(3, 1, 0, 0)).has_value());
  EXPECT_FALSE(poolAxis(5, explicitWindow(3, 0, 0, 0), true).has_value());
  EXPECT_FALSE(convAxis(5, autoWindow(3, 0, Padding::kSameUpper)).has_value());
  EXPECT_FALSE(convTransposeAxis(5, {explicitWindow(3, 0, 0, 0), 0, std::nullopt}).has_value());
  EXPECT_FALSE(convTransposeAxis(5, {explicitWindow(3, 2, 0, 0), -1, std::nullopt}).has_value());
}

// ---------------------------------------------------------------------------
// SAME pads: total = max(0, (o - 1)s + ke - i), the odd one at the end for
// SAME_UPPER, at the begin for SAME_LOWER.

TEST(Window, same_upper_stride_2) {
  std::optional<AxisFacts> f = convAxis(6, autoWindow(3, 2, Padding::kSameUpper));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->output, 3);
  EXPECT_EQ(f->padBegin, 0);
  EXPECT_EQ(f->padEnd, 1);
  EXPECT_EQ(f->sameOutputFrom, 5);
  EXPECT_EQ(f->sameOutputTo, 6);
}

TEST(Window, same_lower_stride_2) {
  std::optional<AxisFacts> f = convAxis(6, autoWindow(3, 2, Padding::kSameLower));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->output, 3);
  EXPECT_EQ(f->padBegin, 1);
  EXPECT_EQ(f->padEnd, 0);
}

TEST(Window, same_even_total_is_split) {
  std::optional<AxisFacts> f = convAxis(5, autoWindow(3, 2, Padding::kSameUpper));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->padBegin, 1);
  EXPECT_EQ(f->padEnd, 1);
}

TEST(Window, same_with_dilation_uses_effective_kernel) {
  std::optional<AxisFacts> f = convAxis(7, autoWindow(3, 1, Padding::kSameUpper, 2));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->output, 7);
  EXPECT_EQ(f->padBegin + f->padEnd, 4);  // ke - 1 = 4
}

TEST(Window, same_kernel_smaller_than_stride_pads_nothing) {
  std::optional<AxisFacts> f = convAxis(6, autoWindow(1, 4, Padding::kSameUpper));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->output, 2);
  EXPECT_EQ(f->padBegin, 0);
  EXPECT_EQ(f->padEnd, 0);
}

// conv-arithmetic.md "Where runtimes disagree" item 3: i = 7, k = 3, s = 2.
TEST(Window, same_versus_explicit_zero_pads) {
  EXPECT_EQ(convAxis(7, autoWindow(3, 2, Padding::kSameUpper))->output, 4);
  EXPECT_EQ(convAxis(7, explicitWindow(3, 2, 0, 0))->output, 3);
}

// ---------------------------------------------------------------------------
// Pooling: relationship 7, ceil_mode with the current ONNX/PyTorch correction.

struct PoolCase {
  const char* name;
  int64_t i;
  AxisWindow window;
  bool ceilMode;
  int64_t output;
  int64_t legacyOutput;  // ONNX 1.12 / older ONNX Runtime
  int relationship;
};

class PoolRelationship : public ::testing::TestWithParam<PoolCase> {};

TEST_P(PoolRelationship, OutputLegacyAndRelationship) {
  const PoolCase& c = GetParam();
  std::optional<AxisFacts> f = poolAxis(c.i, c.window, c.ceilMode);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->output, c.output);
  EXPECT_EQ(f->legacyOutput, c.legacyOutput);
  EXPECT_EQ(f->relationship, c.relationship);
}

INSTANTIATE_TEST_SUITE_P(
    Window, PoolRelationship,
    ::testing::Values(
        // 7: o = floor((i - k)/s) + 1
        PoolCase{"rel7_pool_no_pad", 5, explicitWindow(3, 2, 0, 0), false, 2, 2, 7},
        PoolCase{"rel7_pool_2x2_stride_2", 224, explicitWindow(2, 2, 0, 0), false, 112, 112, 7},
        // The U-Net example: 225 -> 112 -> 56 -> 28 -> 14
        PoolCase{"unet_pool_225", 225, explicitWindow(2, 2, 0, 0), false, 112, 112, 7},
        PoolCase{"pool_with_pads_is_rel6", 5, explicitWindow(3, 2, 1, 1), false, 3, 3, 6},
        PoolCase{"pool_dilated_is_rel15", 7, explicitWindow(2, 1, 0, 0, 2), false, 5, 5, 15},
        // ceil_mode where the rules agree (backend test maxpool_2d_ceil)
        PoolCase{"ceil_4_k3_s2", 4, explicitWindow(3, 2, 0, 0), true, 2, 2, 7},
        PoolCase{"ceil_exact_division", 5, explicitWindow(3, 2, 0, 0), true, 2, 2, 7},
        PoolCase{"ceil_rounds_up", 6, explicitWindow(3, 2, 0, 0), true, 3, 3, 7},
        // Item 2: onnx/onnx #5711, i = 12, k = 1, s = 2: 6 now, 7 in ONNX 1.12
        PoolCase{"ceil_last_window_in_padding_12", 12, explicitWindow(1, 2, 0, 0), true, 6, 7, 7},
        // ONNX backend test maxpool_2d_ceil_output_size_reduce_by_one: 2 -> 1
        PoolCase{"ceil_reduce_by_one", 2, explicitWindow(1, 2, 0, 0), true, 1, 2, 7},
        // PyTorch's correction with pads: the 4th window would start at 6 = i + pb
        PoolCase{"ceil_with_pads_correction", 5, explicitWindow(2, 2, 1, 1), true, 3, 4, 6},
        // SAME ignores ceil_mode: o = ceil(i/s)
        PoolCase{"same_upper_pool", 5, autoWindow(3, 2, Padding::kSameUpper), false, 3, 3, 0},
        PoolCase{"same_upper_pool_ceil", 6, autoWindow(1, 4, Padding::kSameUpper), true, 2, 3, 0},
        // VALID with ceil_mode: ONNX inference, PyTorch and ORT apply ceil_mode
        PoolCase{"valid_pool_ceil", 6, autoWindow(3, 2, Padding::kValid), true, 3, 3, 7}),
    CaseName());

TEST(Window, ceil_mode_range_is_searched) {
  std::optional<AxisFacts> f = poolAxis(12, explicitWindow(1, 2, 0, 0), true);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->sameOutputFrom, 11);
  EXPECT_EQ(f->sameOutputTo, 12);
}

TEST(Window, ceil_mode_kernel_larger_than_input) {
  // floor((1 + 0 - 3 + 2 - 1)/2) + 1 = 0
  std::optional<AxisFacts> f = poolAxis(1, explicitWindow(3, 2, 0, 0), true);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->output, 0);
  EXPECT_EQ(f->minInput, 2);
  // the smallest fitting input gives 1
  EXPECT_EQ(poolAxis(2, explicitWindow(3, 2, 0, 0), true)->output, 1);
}

// ---------------------------------------------------------------------------
// Transposed convolution: relationships 8-14, output_shape, SAME.

struct TransposeCase {
  const char* name;
  int64_t i;
  TransposeAxisWindow window;
  int64_t output;
  int relationship;
};

class TransposeRelationship : public ::testing::TestWithParam<TransposeCase> {};

TEST_P(TransposeRelationship, OutputAndRelationship) {
  const TransposeCase& c = GetParam();
  std::optional<TransposeAxisFacts> f = convTransposeAxis(c.i, c.window);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->output, c.output);
  EXPECT_EQ(f->relationship, c.relationship);
}

TransposeAxisWindow transposeWindow(int64_t k, int64_t s, int64_t p, int64_t a = 0) {
  return TransposeAxisWindow{explicitWindow(k, s, p, p), a, std::nullopt};
}

INSTANTIATE_TEST_SUITE_P(
    Window, TransposeRelationship,
    ::testing::Values(
        // 8: s = 1, p = 0: o' = i' + (k - 1)
        TransposeCase{"rel8_no_pad", 2, transposeWindow(3, 1, 0), 4, 8},
        // 9: s = 1, padding p: o' = i' + (k - 1) - 2p
        TransposeCase{"rel9_pad", 6, transposeWindow(4, 1, 2), 5, 9},
        // 10: half padding: o' = i'
        TransposeCase{"rel10_half_padding", 5, transposeWindow(3, 1, 1), 5, 10},
        // 11: full padding: o' = i' - (k - 1)
        TransposeCase{"rel11_full_padding", 7, transposeWindow(3, 1, 2), 5, 11},
        // 12: p = 0, stride s: o' = s(i' - 1) + k
        TransposeCase{"rel12_stride_2", 2, transposeWindow(3, 2, 0), 5, 12},
        // 13: padding p, stride s: o' = s(i' - 1) + k - 2p
        TransposeCase{"rel13_stride_2_pad_1", 3, transposeWindow(3, 2, 1), 5, 13},
        // 14: with a = output_padding: o' = s(i' - 1) + a + k - 2p; restores 6 in the worked example
        TransposeCase{"rel14_output_padding_restores_6", 3, transposeWindow(3, 2, 1, 1), 6, 14},
        // The U-Net examples: k=2 s=2 doubles; k=3 s=2 p=1 maps o to 2o - 1
        TransposeCase{"unet_up_k2_s2", 112, transposeWindow(2, 2, 0), 224, 12},
        TransposeCase{"unet_up_k3_s2_p1", 113, transposeWindow(3, 2, 1), 225, 13},
        // backend test convtranspose_pad: s = 3, a = 1, k = 3, i = 3: 10
        TransposeCase{"backend_convtranspose_pad", 3, transposeWindow(3, 3, 0, 1), 10, 14},
        // SAME: o = i * s (item 5: k=1, s=2, i=5 gives 10, not ONNX 1.12's 9)
        TransposeCase{"same_upper_k1_s2", 5, {autoWindow(1, 2, Padding::kSameUpper), 0, std::nullopt}, 10, 0},
        TransposeCase{"same_upper_k3_s2", 3, {autoWindow(3, 2, Padding::kSameUpper), 0, std::nullopt}, 6, 0},
        // output_shape: o = O
        TransposeCase{"output_shape_absorbed", 3, {explicitWindow(3, 3, 0, 0), 1, 10}, 10, 0},
        TransposeCase{"output_shape_beyond_natural", 3, {explicitWindow(3, 3, 0, 0), 0, 10}, 10, 0}),
    CaseName());

TEST(Window, transpose_same_upper_pads_at_end) {
  std::optional<TransposeAxisFacts> f = convTransposeAxis(3, {autoWindow(3, 2, Padding::kSameUpper), 0, std::nullopt});
  ASSERT_TRUE(f);
  EXPECT_EQ(f->naturalOutput, 7);
  EXPECT_EQ(f->padBegin, 0);
  EXPECT_EQ(f->padEnd, 1);
  f = convTransposeAxis(3, {autoWindow(3, 2, Padding::kSameLower), 0, std::nullopt});
  ASSERT_TRUE(f);
  EXPECT_EQ(f->padBegin, 1);
  EXPECT_EQ(f->padEnd, 0);
}

// Item 6: k = 3, s = 2, i = 8: natural 17, reachable up to 18; 21 is not.
TEST(Window, transpose_output_shape_reachable_range) {
  std::optional<TransposeAxisFacts> f = convTransposeAxis(8, {explicitWindow(3, 2, 0, 0), 0, 21});
  ASSERT_TRUE(f);
  EXPECT_EQ(f->naturalOutput, 17);
  EXPECT_EQ(f->maxReachableOutput, 18);
  EXPECT_EQ(f->output, 21);
}

TEST(Window, transpose_output_shape_derives_pads) {
  // total = s(i - 1) + a + ke - O = 2*7 + 0 + 3 - 15 = 2: 1 + 1
  std::optional<TransposeAxisFacts> f = convTransposeAxis(8, {explicitWindow(3, 2, 0, 0), 0, 15});
  ASSERT_TRUE(f);
  EXPECT_EQ(f->padBegin, 1);
  EXPECT_EQ(f->padEnd, 1);
  // odd total: the larger half at the begin unless SAME_UPPER
  f = convTransposeAxis(8, {explicitWindow(3, 2, 0, 0), 0, 16});
  ASSERT_TRUE(f);
  EXPECT_EQ(f->padBegin, 1);
  EXPECT_EQ(f->padEnd, 0);
}

TEST(Window, transpose_pads_larger_than_natural) {
  std::optional<TransposeAxisFacts> f = convTransposeAxis(1, transposeWindow(1, 1, 1));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->output, -1);
}

TEST(Window, transpose_dilated) {
  // s(i - 1) + ke - 2p with ke = 2(3 - 1) + 1 = 5: 1*(4) + 5 = 9
  std::optional<TransposeAxisFacts> f =
      convTransposeAxis(5, {explicitWindow(3, 1, 0, 0, 2), 0, std::nullopt});
  ASSERT_TRUE(f);
  EXPECT_EQ(f->output, 9);
  EXPECT_EQ(f->effectiveKernel, 5);
}

// ---------------------------------------------------------------------------
// MaxUnpool: o = s(i - 1) + k - pb - pe.

TEST(Window, unpool_axis) {
  EXPECT_EQ(unpoolAxis(2, explicitWindow(2, 2, 0, 0))->output, 4);
  EXPECT_EQ(unpoolAxis(5, explicitWindow(4, 4, 1, 1))->output, 18);  // fixture: 4(5 - 1) + 4 - 2
  EXPECT_EQ(unpoolAxis(1, explicitWindow(1, 2, 0, 0))->output, 1);
  // A dilation in the window is ignored: MaxUnpool has none.
  EXPECT_EQ(unpoolAxis(3, explicitWindow(2, 2, 0, 0, 5))->output, 6);
  EXPECT_EQ(unpoolAxis(3, explicitWindow(2, 2, 0, 0))->formula, "o = s(i - 1) + k - pb - pe = 2(3 - 1) + 2 - 0 - 0 = 6");
  EXPECT_EQ(unpoolAxis(1, explicitWindow(1, 1, 1, 1))->output, -1);
}

// ---------------------------------------------------------------------------
// Overflow: the first step that does not fit, with its numbers.

TEST(Window, overflowing_step_names_the_step) {
  EXPECT_EQ(overflowingStep(8, explicitWindow(3, 1, 0, 0, kMax)), "ke = d(k - 1) + 1 = 9223372036854775807(3 - 1) + 1");
  EXPECT_EQ(overflowingStep(kMax, explicitWindow(3, 1, 2, 2)), "i + pb + pe - ke = 9223372036854775807 + 2 + 2 - 3");
  // i + pb + pe - ke = INT64_MAX fits; o = INT64_MAX + 1 does not.
  EXPECT_EQ(overflowingStep(kMax, explicitWindow(1, 1, 0, 1)), "o = (i + pb + pe - ke)/s + 1 = 9223372036854775807/1 + 1");
  EXPECT_EQ(overflowingStep(8, explicitWindow(3, 1, 0, 0)), "");  // fits
  EXPECT_EQ(overflowingStep(8, explicitWindow(3, 0, 0, 0)), "");  // outside the domain, not an overflow
  EXPECT_EQ(overflowingStep(8, TransposeAxisWindow{explicitWindow(3, kMax, 0, 0), 0, std::nullopt}),
            "s(i - 1) = 9223372036854775807(8 - 1)");
  EXPECT_EQ(overflowingStep(1, TransposeAxisWindow{explicitWindow(kMax, 1, 0, 0), 1, std::nullopt}),
            "s(i - 1) + a + ke = 0 + 1 + 9223372036854775807");
  EXPECT_EQ(overflowingStep(kMax / 2, TransposeAxisWindow{autoWindow(1, 3, Padding::kSameUpper), 0, std::nullopt}),
            "s(i - 1) = 3(4611686018427387903 - 1)");
}

TEST(Window, huge_strides_fit) {
  // One placement: floor((8 - 3)/s) + 1 = 1, also with ceil_mode (no s - 1 added on the way).
  EXPECT_EQ(convAxis(8, explicitWindow(3, kMax, 0, 0))->output, 1);
  EXPECT_EQ(poolAxis(8, explicitWindow(3, kMax, 0, 0), true)->output, 1);
  EXPECT_EQ(poolAxis(8, explicitWindow(3, kMax, 0, 0), true)->legacyOutput, 2);
  // The output_shape reach saturates instead of failing.
  EXPECT_EQ(convTransposeAxis(1, {explicitWindow(3, kMax, 0, 0), 0, std::nullopt})->maxReachableOutput, kMax);
}

// With ceil_mode the last window covers the end: nothing real is dropped.
TEST(Window, ceil_mode_drops_no_real_row) {
  std::optional<AxisFacts> f = poolAxis(225, explicitWindow(2, 2, 0, 0), true);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->output, 113);
  EXPECT_EQ(f->droppedRows, 0);
  EXPECT_EQ(f->remainder, 0);
  f = poolAxis(225, explicitWindow(2, 2, 0, 0), false);
  EXPECT_EQ(f->droppedRows, 1);
}

// ---------------------------------------------------------------------------
// What the other runtimes compute where they disagree with the spec.

TEST(Window, legacy_same_transpose_output) {
  // Item 5: k=1, s=2, i=5: 9 in ONNX 1.12 (the spec: 10).
  EXPECT_EQ(legacySameTransposeOutput(5, {autoWindow(1, 2, Padding::kSameUpper), 0, std::nullopt}), 9);
  // ke >= s: s * i + a.
  EXPECT_EQ(legacySameTransposeOutput(3, {autoWindow(3, 2, Padding::kSameUpper), 0, std::nullopt}), 6);
  EXPECT_EQ(legacySameTransposeOutput(3, {autoWindow(3, 2, Padding::kSameUpper), 1, std::nullopt}), 7);
}

TEST(Window, onnx_runtime_same_pool_pads_for_k) {
  // pad (7 - 1) + 3 - 7 = 2, then floor((7 + 2 - 5)/1) + 1 = 5 (the spec: 7).
  EXPECT_EQ(onnxRuntimeSamePoolOutput(7, autoWindow(3, 1, Padding::kSameUpper, 2)), 5);
  // Without dilation it is the spec's ceil(i/s).
  EXPECT_EQ(onnxRuntimeSamePoolOutput(7, autoWindow(3, 2, Padding::kSameUpper)), 4);
  // Item 8: kernel < stride makes the pad negative: ONNX Runtime rejects the node.
  EXPECT_EQ(onnxRuntimeSamePoolOutput(6, autoWindow(1, 4, Padding::kSameUpper)), std::nullopt);
}

// ---------------------------------------------------------------------------
// auto_pad parsing and the detail text.

TEST(Window, auto_pad_closed_set) {
  EXPECT_EQ(parseAutoPad("NOTSET"), Padding::kExplicit);
  EXPECT_EQ(parseAutoPad(""), Padding::kExplicit);
  EXPECT_EQ(parseAutoPad("VALID"), Padding::kValid);
  EXPECT_EQ(parseAutoPad("SAME_UPPER"), Padding::kSameUpper);
  EXPECT_EQ(parseAutoPad("SAME_LOWER"), Padding::kSameLower);
  EXPECT_EQ(parseAutoPad("SAME"), std::nullopt);
  EXPECT_EQ(parseAutoPad("same_upper"), std::nullopt);
  EXPECT_EQ(parseAutoPad("NONE"), std::nullopt);
}

TEST(Window, describe_plugs_in_the_numbers) {
  EXPECT_EQ(describe(*convAxis(5, explicitWindow(3, 2, 1, 1)), 2),
            "relationship 6: o = floor((i + pb + pe - k)/s) + 1 = floor((5 + 1 + 1 - 3)/2) + 1 = 3 on axis 2");
  EXPECT_EQ(describe(*convAxis(7, explicitWindow(3, 1, 0, 0, 2)), 3),
            "relationship 15: o = floor((i + pb + pe - ke)/s) + 1 = floor((7 + 0 + 0 - 5)/1) + 1 = 3, "
            "ke = d(k - 1) + 1 = 2(3 - 1) + 1 = 5 on axis 3");
  EXPECT_EQ(describe(*convAxis(5, autoWindow(3, 2, Padding::kSameUpper)), 2),
            "SAME_UPPER: o = ceil(i/s) = ceil(5/2) = 3, pads 1 + 1 on axis 2");
  EXPECT_EQ(describe(*poolAxis(12, explicitWindow(1, 2, 0, 0), true), 2),
            "relationship 7: o = floor((i + pb + pe - k + s - 1)/s) + 1 = floor((12 + 0 + 0 - 1 + 2 - 1)/2) + 1 = 7, "
            "minus 1 because the last window would start in the right padding ((o - 1)s = 12 >= i + pb = 12): "
            "o = 6 on axis 2");
  EXPECT_EQ(describe(*convTransposeAxis(3, transposeWindow(3, 2, 1, 1)), 2),
            "relationship 14: o = s(i - 1) + a + k - pb - pe = 2(3 - 1) + 1 + 3 - 1 - 1 = 6 on axis 2");
}

}  // namespace
}  // namespace shapelint::passes::window
