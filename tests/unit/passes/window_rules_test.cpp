// The window rules, table-style: for each rule the cases that must fire sit
// beside the cases that must not. A case names its model, the --target
// selection, and every finding of the rule under test it expects (rule,
// node and message, exactly), with the help of the first one. Findings of
// other rules are not this table's business.
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/model_builder.h"

namespace shapelint::testing {
namespace {

using passes::Target;
using ::testing::ElementsAreArray;

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

struct RuleCase {
  const char* name;
  const char* code;                    // the rule under test
  std::function<ModelBuilder()> model;
  std::vector<std::string> expected;   // "CODE node: message" of every finding of `code`
  std::string help;                    // of the first one; "" to skip
  Target target = Target::kAll;
  std::vector<std::string> details = {};  // of the first one; empty to skip
};

struct CaseName {
  std::string operator()(const ::testing::TestParamInfo<RuleCase>& info) const { return info.param.name; }
};

class WindowRule : public ::testing::TestWithParam<RuleCase> {};

TEST_P(WindowRule, FindingsAreExactlyTheExpectedOnes) {
  const RuleCase& c = GetParam();
  Inferred r = infer(c.model(), c.target);
  std::vector<const diag::Diagnostic*> found;
  for (const diag::Diagnostic& d : r.diagnostics)
    if (d.ruleInfo().code == c.code) found.push_back(&d);
  std::vector<std::string> got;
  for (const diag::Diagnostic* d : found) got.push_back(brief(*d));
  EXPECT_THAT(got, ElementsAreArray(c.expected)) << "all findings:\n" << ::testing::PrintToString(briefs(r.diagnostics));
  if (!found.empty() && !c.help.empty()) {
    EXPECT_EQ(found[0]->help, c.help);
  }
  if (!found.empty() && !c.details.empty()) {
    EXPECT_THAT(found[0]->details, ElementsAreArray(c.details));
  }
}

// ---------------------------------------------------------------------------
// Models.

// x [1, C, dims...] -> Conv(w [M, C, k...]) -> y
std::function<ModelBuilder()> conv(std::vector<int64_t> x, std::vector<int64_t> w, std::vector<ir::Attribute> attrs,
                                   int64_t opset = 13) {
  return [=] {
    ModelBuilder b(opset);
    b.input("x", ir::Shape::ofValues(x)).initializer("w", w);
    b.node("Conv", {"x", "w"}, {"y"}, attrs, "conv").output("y");
    return b;
  };
}

std::function<ModelBuilder()> convTranspose(std::vector<int64_t> x, std::vector<int64_t> w,
                                            std::vector<ir::Attribute> attrs) {
  return [=] {
    ModelBuilder b(13);
    b.input("x", ir::Shape::ofValues(x)).initializer("w", w);
    b.node("ConvTranspose", {"x", "w"}, {"y"}, attrs, "up").output("y");
    return b;
  };
}

std::function<ModelBuilder()> pool(const char* op, std::vector<int64_t> x, std::vector<ir::Attribute> attrs,
                                   int64_t opset = 12) {
  return [=] {
    ModelBuilder b(opset);
    b.input("x", ir::Shape::ofValues(x));
    b.node(op, {"x"}, {"y"}, attrs, "pool").output("y");
    return b;
  };
}

std::function<ModelBuilder()> symbolicConv(std::vector<ir::Attribute> attrs) {
  return [=] {
    ModelBuilder b(13);
    b.input("x", {1, 1, "H", "W"}).initializer("w", {1, 1, 3, 3});
    b.node("Conv", {"x", "w"}, {"y"}, attrs, "conv").output("y");
    return b;
  };
}

ir::Attribute strides(std::vector<int64_t> v) { return ints("strides", std::move(v)); }
ir::Attribute pads(std::vector<int64_t> v) { return ints("pads", std::move(v)); }
ir::Attribute kernel(std::vector<int64_t> v) { return ints("kernel_shape", std::move(v)); }
ir::Attribute dilations(std::vector<int64_t> v) { return ints("dilations", std::move(v)); }
ir::Attribute autoPad(const char* v) { return stringAttr("auto_pad", v); }

// ---------------------------------------------------------------------------
// SL204 floor-truncation: max(0, r - pe) > max(0, s - ke).

INSTANTIATE_TEST_SUITE_P(
    SL204, WindowRule,
    ::testing::Values(
        // The U-Net example: MaxPool(k=2, s=2) on 225 never reads row 225.
        RuleCase{"maxpool_225", "SL204", pool("MaxPool", {1, 1, 225, 224}, {kernel({2, 2}), strides({2, 2})}),
                 {"SL204 pool: floor drops the last 1 row of axis 2: r = (i + pb + pe - k) mod s = (225 + 0 + 0 - 2) "
                  "mod 2 = 1, real rows max(0, r - pe) = 1 > gap max(0, s - k) = 0"},
                 "use input 224 or 226 on axis 2 (no row dropped), or pads=[0,0,1,0] to cover the last 1 row",
                 Target::kAll,
                 {"relationship 7: o = floor((i + pb + pe - k)/s) + 1 = floor((225 + 0 + 0 - 2)/2) + 1 = 112 on axis 2",
                  "input sizes 224 to 225 all give 112 on axis 2: the layer cannot tell them apart"}},
        // k=3, s=3 on 8: two rows dropped; 6 and 9 drop none.
        RuleCase{"conv_k3_s3_drops_2", "SL204", conv({1, 1, 8, 9}, {1, 1, 3, 3}, {strides({3, 3})}),
                 {"SL204 conv: floor drops the last 2 rows of axis 2: r = (i + pb + pe - k) mod s = (8 + 0 + 0 - 3) "
                  "mod 3 = 2, real rows max(0, r - pe) = 2 > gap max(0, s - k) = 0"},
                 "use input 6 or 9 on axis 2 (no row dropped), or pads=[0,0,1,0] to cover the last 2 rows"},
        // s=4 > k=3 skips 1 row between placements: 12 drops 2 (fires), 11 drops 1 (the gap: silent).
        RuleCase{"conv_beyond_the_gap", "SL204",
                 conv({1, 1, 12, 11}, {1, 1, 3, 3}, {strides({4, 4}), pads({1, 1, 1, 1})}),
                 {"SL204 conv: floor drops the last 2 rows of axis 2: r = (i + pb + pe - k) mod s = (12 + 1 + 1 - 3) "
                  "mod 4 = 3, real rows max(0, r - pe) = 2 > gap max(0, s - k) = 1"},
                 "use input 10 or 13 on axis 2 (no row dropped), or pads=[1,1,2,1] to cover the last 2 rows"},
        // VALID with a dilated kernel: ke = 5.
        RuleCase{"valid_dilated", "SL204",
                 conv({1, 1, 8, 9}, {1, 1, 3, 3}, {strides({2, 2}), dilations({2, 2}), autoPad("VALID")}),
                 {"SL204 conv: floor drops the last 1 row of axis 2: r = (i + pb + pe - ke) mod s = (8 + 0 + 0 - 5) "
                  "mod 2 = 1, real rows max(0, r - pe) = 1 > gap max(0, s - ke) = 0"},
                 "use input 7 or 9 on axis 2 (no row dropped), or auto_pad NOTSET with pads=[0,0,1,0] to cover the "
                 "last 1 row"},
        RuleCase{"averagepool_3d", "SL204",
                 pool("AveragePool", {1, 1, 5, 4, 4}, {kernel({2, 2, 2}), strides({2, 2, 2})}, 11),
                 {"SL204 pool: floor drops the last 1 row of axis 2: r = (i + pb + pe - k) mod s = (5 + 0 + 0 - 2) mod "
                  "2 = 1, real rows max(0, r - pe) = 1 > gap max(0, s - k) = 0"},
                 "use input 4 or 6 on axis 2 (no row dropped), or pads=[0,0,0,1,0,0] to cover the last 1 row"},
        // Must not fire.
        // ResNet's 1x1 stride-2 downsample: the row lost at the end is the regular gap.
        RuleCase{"resnet_1x1_stride_2", "SL204", conv({1, 1, 56, 56}, {1, 1, 1, 1}, {strides({2, 2})}), {}, ""},
        // The uncovered position is the end pad, not a real row.
        RuleCase{"worked_example_6", "SL204", conv({1, 1, 6, 6}, {1, 1, 3, 3}, {strides({2, 2}), pads({1, 1, 1, 1})}),
                 {}, ""},
        // ResNet's stem: 224, k=7, s=2, p=3.
        RuleCase{"resnet_stem", "SL204", conv({1, 3, 224, 224}, {64, 3, 7, 7}, {strides({2, 2}), pads({3, 3, 3, 3})}),
                 {}, ""},
        RuleCase{"exact_division", "SL204", pool("MaxPool", {1, 1, 224, 224}, {kernel({2, 2}), strides({2, 2})}), {},
                 ""},
        // ceil_mode gives the last rows a window of their own.
        RuleCase{"ceil_mode_covers", "SL204",
                 pool("MaxPool", {1, 1, 225, 225}, {kernel({2, 2}), strides({2, 2}), intAttr("ceil_mode", 1)}), {},
                 ""},
        RuleCase{"same_upper_never_drops", "SL204",
                 conv({1, 1, 8, 9}, {1, 1, 3, 3}, {strides({3, 3}), autoPad("SAME_UPPER")}), {}, ""},
        RuleCase{"symbolic_dims", "SL204", symbolicConv({strides({3, 3})}), {}, ""},
        RuleCase{"stride_1", "SL204", conv({1, 1, 8, 9}, {1, 1, 3, 3}, {}), {}, ""}),
    CaseName());

// ---------------------------------------------------------------------------
// SL401 ceil-mode-portability: the current rule and ONNX 1.12 differ.

INSTANTIATE_TEST_SUITE_P(
    SL401, WindowRule,
    ::testing::Values(
        // onnx/onnx #5711: i=12, k=1, s=2: 6 now, 7 in ONNX 1.12; ceil_mode=0 gives 6 too.
        RuleCase{"onnx_5711", "SL401",
                 pool("MaxPool", {1, 1, 12, 3}, {kernel({1, 1}), strides({2, 1}), intAttr("ceil_mode", 1)}),
                 {"SL401 pool: ceil_mode gives 6 on axis 2 in the current ONNX spec, PyTorch and ONNX Runtime 1.30, "
                  "but 7 in ONNX 1.12 and older ONNX Runtime releases"},
                 "set ceil_mode=0: it gives 6 on axis 2 as well, in every runtime", Target::kAll,
                 {"relationship 7: o = floor((i + pb + pe - k + s - 1)/s) + 1 = floor((12 + 0 + 0 - 1 + 2 - 1)/2) + 1 "
                  "= 7, minus 1 because the last window would start in the right padding ((o - 1)s = 12 >= i + pb = "
                  "12): o = 6 on axis 2",
                  "ONNX 1.12: o = ceil((i + pb + pe - k)/s) + 1 = ceil((12 + 0 + 0 - 1)/2) + 1 = 7, keeping a last "
                  "window that starts in the right padding"}},
        // Axis 3 needs ceil (6, k=3, s=2: 3, floor 2), so the fix adds an end pad there.
        RuleCase{"fix_needs_an_end_pad", "SL401",
                 pool("MaxPool", {1, 1, 12, 6}, {kernel({1, 3}), strides({2, 2}), intAttr("ceil_mode", 1)}),
                 {"SL401 pool: ceil_mode gives 6 on axis 2 in the current ONNX spec, PyTorch and ONNX Runtime 1.30, "
                  "but 7 in ONNX 1.12 and older ONNX Runtime releases"},
                 "set ceil_mode=0 with pads=[0,0,0,1]: it gives 6 on axis 2 in every runtime"},
        // With pads: the 4th window of 5, k=2, s=2, p=1 would start at 6 = i + pb.
        RuleCase{"averagepool_with_pads", "SL401",
                 pool("AveragePool", {1, 1, 5, 4}, {kernel({2, 1}), strides({2, 1}), pads({1, 0, 1, 0}),
                                                    intAttr("ceil_mode", 1)},
                      11),
                 {"SL401 pool: ceil_mode gives 3 on axis 2 in the current ONNX spec, PyTorch and ONNX Runtime 1.30, "
                  "but 4 in ONNX 1.12 and older ONNX Runtime releases"},
                 "set ceil_mode=0: it gives 3 on axis 2 as well, in every runtime"},
        RuleCase{"lppool_18", "SL401",
                 pool("LpPool", {1, 1, 2, 3}, {kernel({1, 1}), strides({2, 1}), intAttr("ceil_mode", 1)}, 18),
                 {"SL401 pool: ceil_mode gives 1 on axis 2 in the current ONNX spec, PyTorch and ONNX Runtime 1.30, "
                  "but 2 in ONNX 1.12 and older ONNX Runtime releases"},
                 ""},
        // Must not fire.
        RuleCase{"rules_agree", "SL401",
                 pool("MaxPool", {1, 1, 4, 4}, {kernel({3, 3}), strides({2, 2}), intAttr("ceil_mode", 1)}), {}, ""},
        RuleCase{"floor_mode", "SL401", pool("MaxPool", {1, 1, 12, 12}, {kernel({1, 1}), strides({2, 2})}), {}, ""},
        RuleCase{"pytorch_target_only", "SL401",
                 pool("MaxPool", {1, 1, 12, 4}, {kernel({1, 1}), strides({2, 2}), intAttr("ceil_mode", 1)}), {}, "",
                 Target::kPyTorch}),
    CaseName());

// ---------------------------------------------------------------------------
// SL402 same-with-dilation.

INSTANTIATE_TEST_SUITE_P(
    SL402, WindowRule,
    ::testing::Values(
        RuleCase{"conv", "SL402", conv({1, 1, 7, 7}, {1, 1, 3, 3}, {autoPad("SAME_UPPER"), dilations({2, 2})}),
                 {"SL402 conv: auto_pad SAME_UPPER with dilations [2, 2]: ONNX Runtime rejects SAME padding with a "
                  "dilation other than 1"},
                 "use auto_pad NOTSET with pads=[2,2,2,2] (the SAME pads for this input size), which every runtime "
                 "reads alike"},
        // ONNX Runtime's pool: pad (7 - 1) + 3 - 7 = 2 for k, then floor((7 + 2 - 5)/1) + 1 = 5, not 7.
        RuleCase{"maxpool", "SL402",
                 pool("MaxPool", {1, 1, 7, 8}, {kernel({3, 3}), autoPad("SAME_UPPER"), dilations({2, 2})}),
                 {"SL402 pool: auto_pad SAME_UPPER with dilations [2, 2]: ONNX Runtime computes the SAME pads from the "
                  "kernel k, not the dilated kernel ke, and gives 5 instead of 7 on axis 2"},
                 "", Target::kAll,
                 {"SAME_UPPER: o = ceil(i/s) = ceil(7/1) = 7, pads 2 + 2 on axis 2; ke = d(k - 1) + 1 = 2(3 - 1) + 1 "
                  "= 5; ONNX Runtime pads for k = 3 and gives 5",
                  "SAME_UPPER: o = ceil(i/s) = ceil(8/1) = 8, pads 2 + 2 on axis 3; ke = d(k - 1) + 1 = 2(3 - 1) + 1 "
                  "= 5; ONNX Runtime pads for k = 3 and gives 6"}},
        RuleCase{"symbolic_input", "SL402", symbolicConv({autoPad("SAME_LOWER"), dilations({1, 3})}),
                 {"SL402 conv: auto_pad SAME_LOWER with dilations [1, 3]: ONNX Runtime rejects SAME padding with a "
                  "dilation other than 1"},
                 "use auto_pad NOTSET with explicit pads: a total of (ceil(i/s) - 1)s + ke - i per axis, the extra one "
                 "at the end for SAME_UPPER"},
        // Must not fire.
        RuleCase{"no_dilation", "SL402", conv({1, 1, 7, 7}, {1, 1, 3, 3}, {autoPad("SAME_UPPER")}), {}, ""},
        RuleCase{"explicit_pads", "SL402", conv({1, 1, 7, 7}, {1, 1, 3, 3}, {pads({2, 2, 2, 2}), dilations({2, 2})}),
                 {}, ""},
        RuleCase{"onnx_target_only", "SL402",
                 conv({1, 1, 7, 7}, {1, 1, 3, 3}, {autoPad("SAME_UPPER"), dilations({2, 2})}), {}, "", Target::kOnnx}),
    CaseName());

// ---------------------------------------------------------------------------
// SL403 convtranspose-same-output-padding.

INSTANTIATE_TEST_SUITE_P(
    SL403, WindowRule,
    ::testing::Values(
        // Item 5: k=1, s=2, i=5: the spec gives 10, ONNX 1.12 9; ONNX Runtime the natural 9 (item 8).
        RuleCase{"k1_s2", "SL403", convTranspose({1, 1, 5}, {1, 1, 1}, {autoPad("SAME_UPPER"), strides({2})}),
                 {"SL403 up: auto_pad SAME_UPPER on axis 2: the spec gives 10 (o = i * s = 5 * 2), ONNX 1.12 gives 9, "
                  "ONNX Runtime gives 9 (the natural size: its total padding 9 - 10 is negative)"},
                 "use auto_pad NOTSET with pads=[0,0] and output_padding=[1]: o = i * s in every runtime",
                 Target::kAll,
                 {"SAME_UPPER: o = i * s = 5 * 2 = 10 on axis 2",
                  "ONNX 1.12: o = s(i - 1) + a + k - max(0, k - s) = 2(5 - 1) + 0 + 1 - max(0, 1 - 2) = 9"}},
        RuleCase{"output_padding", "SL403",
                 convTranspose({1, 1, 3}, {1, 1, 3}, {autoPad("SAME_UPPER"), strides({2}), ints("output_padding", {1})}),
                 {"SL403 up: auto_pad SAME_UPPER with output_padding 1 on axis 2: the spec gives 6 (o = i * s = 3 * 2), "
                  "ONNX 1.12 gives 7"},
                 "use auto_pad NOTSET with pads=[0,1] and no output_padding: o = i * s in every runtime"},
        RuleCase{"k1_s2_onnx_only", "SL403",
                 convTranspose({1, 1, 5}, {1, 1, 1}, {autoPad("SAME_LOWER"), strides({2})}),
                 {"SL403 up: auto_pad SAME_LOWER on axis 2: the spec gives 10 (o = i * s = 5 * 2), ONNX 1.12 gives 9"},
                 "", Target::kOnnx},
        // Must not fire: ke >= s and no output_padding, every runtime gives i * s.
        RuleCase{"k3_s2", "SL403", convTranspose({1, 1, 3, 5}, {1, 1, 3, 3}, {autoPad("SAME_UPPER"), strides({2, 2})}),
                 {}, ""},
        RuleCase{"explicit_pads", "SL403", convTranspose({1, 1, 5}, {1, 1, 1}, {strides({2}), ints("output_padding", {1})}),
                 {}, ""},
        RuleCase{"pytorch_target_only", "SL403",
                 convTranspose({1, 1, 5}, {1, 1, 1}, {autoPad("SAME_UPPER"), strides({2})}), {}, "",
                 Target::kPyTorch}),
    CaseName());

// ---------------------------------------------------------------------------
// SL404 odd-same-padding-split.

INSTANTIATE_TEST_SUITE_P(
    SL404, WindowRule,
    ::testing::Values(
        // (3 - 1)2 + 3 - 6 = 1 on axis 2; (3 - 1)2 + 3 - 5 = 2 on axis 3.
        RuleCase{"conv_even_input", "SL404",
                 conv({1, 1, 6, 5}, {1, 1, 3, 3}, {autoPad("SAME_UPPER"), strides({2, 2})}),
                 {"SL404 conv: auto_pad SAME_UPPER pads axis 2 by 1 in total (0 + 1), an odd number: the spec puts the "
                  "extra row at the end, and runtimes and versions have put it at the begin"},
                 "to fix the side, use auto_pad NOTSET with pads=[0,1,1,1]"},
        RuleCase{"same_lower_pool", "SL404",
                 pool("AveragePool", {1, 1, 32, 31}, {kernel({2, 2}), strides({2, 2}), autoPad("SAME_LOWER")}, 11),
                 {"SL404 pool: auto_pad SAME_LOWER pads axis 3 by 1 in total (1 + 0), an odd number: the spec puts the "
                  "extra row at the begin, and runtimes and versions have put it at the end"},
                 "to fix the side, use auto_pad NOTSET with pads=[0,1,0,0]"},
        // ConvTranspose: total 2(3 - 1) + 3 - 6 = 1.
        RuleCase{"convtranspose", "SL404",
                 convTranspose({1, 1, 3, 5}, {1, 1, 3, 3}, {autoPad("SAME_UPPER"), strides({2, 2})}),
                 {"SL404 up: auto_pad SAME_UPPER pads axis 2 by 1 in total (0 + 1), an odd number: the spec puts the "
                  "extra row at the end, and runtimes and versions have put it at the begin",
                  "SL404 up: auto_pad SAME_UPPER pads axis 3 by 1 in total (0 + 1), an odd number: the spec puts the "
                  "extra row at the end, and runtimes and versions have put it at the begin"},
                 "to fix the side, use auto_pad NOTSET with pads=[0,0,1,1]"},
        // Must not fire.
        RuleCase{"even_totals", "SL404", conv({1, 1, 5, 7}, {1, 1, 3, 3}, {autoPad("SAME_UPPER"), strides({2, 2})}),
                 {}, ""},
        RuleCase{"valid", "SL404", conv({1, 1, 6, 6}, {1, 1, 2, 2}, {autoPad("VALID")}), {}, ""},
        RuleCase{"pytorch_target_only", "SL404",
                 conv({1, 1, 6, 5}, {1, 1, 3, 3}, {autoPad("SAME_UPPER"), strides({2, 2})}), {}, "",
                 Target::kPyTorch}),
    CaseName());

// ---------------------------------------------------------------------------
// SL405 pool-pads-not-smaller-than-kernel.

INSTANTIATE_TEST_SUITE_P(
    SL405, WindowRule,
    ::testing::Values(
        RuleCase{"both_limits", "SL405", pool("MaxPool", {1, 1, 8, 8}, {kernel({3, 2}), pads({2, 2, 0, 1})}),
                 {"SL405 pool: begin pad 2 on axis 2 is more than half the kernel 3: PyTorch allows at most k/2 = 1",
                  "SL405 pool: begin pad 2 on axis 3 is not smaller than the kernel 2: ONNX Runtime rejects the node, "
                  "and PyTorch allows at most k/2 = 1"},
                 "use pads of at most 1 on axis 2, and pad further with a Pad node before the pool if the model needs "
                 "the extra border"},
        RuleCase{"end_pad", "SL405",
                 pool("AveragePool", {1, 1, 8, 8}, {kernel({4, 4}), pads({0, 0, 4, 1})}, 11),
                 {"SL405 pool: end pad 4 on axis 2 is not smaller than the kernel 4: ONNX Runtime rejects the node, "
                  "and PyTorch allows at most k/2 = 2"},
                 ""},
        // ONNX Runtime alone does not mind k/2 < pad < k.
        RuleCase{"onnxruntime_target_only", "SL405",
                 pool("MaxPool", {1, 1, 8, 8}, {kernel({3, 2}), pads({2, 2, 0, 1})}),
                 {"SL405 pool: begin pad 2 on axis 3 is not smaller than the kernel 2: ONNX Runtime rejects the node, "
                  "and PyTorch allows at most k/2 = 1"},
                 "", Target::kOnnxRuntime},
        // Must not fire.
        RuleCase{"half_kernel", "SL405", pool("MaxPool", {1, 1, 8, 8}, {kernel({3, 3}), pads({1, 1, 1, 1})}), {}, ""},
        RuleCase{"onnx_target_only", "SL405", pool("MaxPool", {1, 1, 8, 8}, {kernel({3, 2}), pads({2, 2, 0, 1})}), {},
                 "", Target::kOnnx},
        RuleCase{"conv_is_not_a_pool", "SL405", conv({1, 1, 8, 8}, {1, 1, 2, 2}, {pads({2, 2, 2, 2})}), {}, ""}),
    CaseName());

// ---------------------------------------------------------------------------
// SL406 output-shape-portability, SL206 unreachable-output-shape, SL205
// output-padding-out-of-range.

INSTANTIATE_TEST_SUITE_P(
    SL406, WindowRule,
    ::testing::Values(
        // Item 6: k=3, s=2, i=8: natural 17, PyTorch's range 17-18.
        RuleCase{"one_beyond_natural", "SL406",
                 convTranspose({1, 1, 8, 8}, {1, 1, 3, 3}, {strides({2, 2}), ints("output_shape", {18, 17})}),
                 {"SL406 up: output_shape on axis 2 is 18, 1 beyond the natural size 17 (s(i - 1) + a + k = 2(8 - 1) + "
                  "0 + 3): ONNX Runtime 1.30 rejects it and older releases clamp the pads to 0"},
                 "use output_padding 1 on axis 2 instead of output_shape: s(i - 1) + a + k = 18 in every runtime",
                 Target::kAll,
                 {"o = output_shape = 18, total padding s(i - 1) + a + k - O = 2(8 - 1) + 0 + 3 - 18 = -1 on axis "
                  "2",
                  "PyTorch reaches 18 with output_padding 1 (below max(s, d) = 2)"}},
        // Must not fire.
        RuleCase{"natural", "SL406",
                 convTranspose({1, 1, 8, 8}, {1, 1, 3, 3}, {strides({2, 2}), ints("output_shape", {17, 15})}), {}, ""},
        RuleCase{"pytorch_target_only", "SL406",
                 convTranspose({1, 1, 8, 8}, {1, 1, 3, 3}, {strides({2, 2}), ints("output_shape", {18, 17})}), {}, "",
                 Target::kPyTorch}),
    CaseName());

INSTANTIATE_TEST_SUITE_P(
    SL206, WindowRule,
    ::testing::Values(
        RuleCase{"beyond_reach", "SL206",
                 convTranspose({1, 1, 8, 8}, {1, 1, 3, 3}, {strides({2, 2}), ints("output_shape", {21, 17})}),
                 {"SL206 up: output_shape on axis 2 is 21, expected at most 18 (natural size 17 + max(stride, "
                  "dilation) - 1)"},
                 "set output_shape on axis 2 between 1 and 18: sizes up to the natural 17 come from the pads, larger "
                 "ones from output_padding; beyond that, raise the stride or the input size"},
        // A dilation of 3 reaches natural + 2: 7 + 7 + 2 = 16 (ke = 3(3 - 1) + 1 = 7).
        RuleCase{"dilation_widens_the_reach", "SL206",
                 convTranspose({1, 1, 8}, {1, 1, 3}, {dilations({3}), ints("output_shape", {16})}), {}, ""}),
    CaseName());

INSTANTIATE_TEST_SUITE_P(
    SL205, WindowRule,
    ::testing::Values(
        RuleCase{"not_below_stride", "SL205",
                 convTranspose({1, 1, 3, 3}, {1, 1, 3, 3}, {strides({2, 2}), ints("output_padding", {2, 0})}),
                 {"SL205 up: output_padding on axis 2 is 2, expected 0 to 1 (below max(stride 2, dilation 1))"},
                 "set output_padding on axis 2 between 0 and 1"},
        RuleCase{"negative", "SL205",
                 convTranspose({1, 1, 3, 3}, {1, 1, 3, 3}, {strides({2, 2}), ints("output_padding", {0, -1})}),
                 {"SL205 up: output_padding on axis 3 is -1, expected 0 to 1 (below max(stride 2, dilation 1))"}, ""},
        // max(s, d): a dilation of 3 allows output_padding 2 with stride 1.
        RuleCase{"below_dilation", "SL205",
                 convTranspose({1, 1, 3}, {1, 1, 3}, {dilations({3}), ints("output_padding", {2})}), {}, ""}),
    CaseName());

// ---------------------------------------------------------------------------
// SL203 bias-length-mismatch.

std::function<ModelBuilder()> qlinearConv(std::vector<int64_t> bias) {
  return [=] {
    ModelBuilder b(13);
    b.input("x", {1, 2, 5, 5}, ir::kUint8).initializer("xs", {}).initializer("xz", {}, ir::kUint8);
    b.initializer("w", {4, 2, 3, 3}, ir::kUint8).initializer("ws", {}).initializer("wz", {}, ir::kUint8);
    b.initializer("ys", {}).initializer("yz", {}, ir::kUint8).initializer("b", bias, ir::kInt32);
    b.node("QLinearConv", {"x", "xs", "xz", "w", "ws", "wz", "ys", "yz", "b"}, {"y"}, {}, "qconv").output("y");
    return b;
  };
}

INSTANTIATE_TEST_SUITE_P(
    SL203, WindowRule,
    ::testing::Values(
        RuleCase{"convtranspose_group", "SL203",
                 [] {
                   ModelBuilder b(13);
                   b.input("x", {1, 4, 3, 3}).initializer("w", {4, 2, 2, 2}).initializer("b", {2});
                   b.node("ConvTranspose", {"x", "w", "b"}, {"y"}, {intAttr("group", 2)}, "up").output("y");
                   return b;
                 },
                 {"SL203 up: bias 'b' [2] has 2 values, expected 4 (the output channels W.shape[1] * group)"},
                 "give the bias 4 values, one per output channel"},
        RuleCase{"qlinearconv", "SL203", qlinearConv({3}),
                 {"SL203 qconv: bias 'b' [3] has 3 values, expected 4 (the weight's output channels M = W.shape[0])"},
                 ""},
        RuleCase{"qlinearconv_matching", "SL203", qlinearConv({4}), {}, ""}),
    CaseName());

// ---------------------------------------------------------------------------
// SL004 absurd-dim: negative dims and int64 overflow, never a silent unknown.

INSTANTIATE_TEST_SUITE_P(
    SL004, WindowRule,
    ::testing::Values(
        RuleCase{"pads_max", "SL004", conv({1, 3, 8, 8}, {4, 3, 3, 3}, {pads({kMax, 0, 0, 0})}),
                 {"SL004 conv: output size on axis 2 overflows int64: i + pb + pe - ke = 8 + 9223372036854775807 + 0 - "
                  "3 is outside int64's range (at most 9223372036854775807)"},
                 "a size or attribute this large is an exporter bug: check the input's dims and the node's kernel, "
                 "strides, dilations and pads"},
        RuleCase{"input_max_padded", "SL004", conv({1, 3, kMax, 8}, {4, 3, 3, 3}, {pads({2, 0, 2, 0})}),
                 {"SL004 conv: output size on axis 2 overflows int64: i + pb + pe - ke = 9223372036854775807 + 2 + 2 - "
                  "3 is outside int64's range (at most 9223372036854775807)"},
                 ""},
        RuleCase{"dilations_max", "SL004", pool("MaxPool", {1, 1, 8, 8}, {kernel({3, 3}), dilations({kMax, 1})}),
                 {"SL004 pool: output size on axis 2 overflows int64: ke = d(k - 1) + 1 = 9223372036854775807(3 - 1) + "
                  "1 is outside int64's range (at most 9223372036854775807)"},
                 ""},
        RuleCase{"convtranspose_strides_max", "SL004",
                 convTranspose({1, 1, 8, 8}, {1, 1, 3, 3}, {strides({kMax, 1})}),
                 {"SL004 up: output size on axis 2 overflows int64: s(i - 1) = 9223372036854775807(8 - 1) is outside "
                  "int64's range (at most 9223372036854775807)"},
                 ""},
        RuleCase{"group_max", "SL004", conv({1, 3, 8, 8}, {4, 3, 3, 3}, {intAttr("group", kMax)}),
                 {"SL004 conv: input channels expected from weight 'w' [4, 3, 3, 3] overflow int64: W.shape[1] * group "
                  "= 3 * 9223372036854775807 is outside int64's range"},
                 ""},
        // Must not fire: a huge but representable size.
        RuleCase{"input_max_fits", "SL004", conv({1, 3, kMax, 8}, {4, 3, 3, 3}, {}), {}, ""},
        RuleCase{"strides_max_fits", "SL004", conv({1, 3, 8, 8}, {4, 3, 3, 3}, {strides({kMax, kMax})}), {}, ""}),
    CaseName());

// A negative dim is reported (at the graph input that declares it, or at
// the conv/pool node that receives it) and never used as a size.
TEST(WindowRules, negative_input_dims_are_reported_never_computed) {
  for (const auto& [model, axis] : {std::pair{conv({1, 3, -1, 8}, {4, 3, 3, 3}, {}), size_t{2}},
                                    std::pair{pool("MaxPool", {1, -3, 8, 8}, {kernel({2, 2})}), size_t{1}}}) {
    Inferred r = infer(model());
    std::vector<std::string> absurd;
    for (const diag::Diagnostic& d : r.diagnostics) {
      EXPECT_TRUE(d.rule == diag::RuleId::kAbsurdDim) << brief(d);
      if (d.rule == diag::RuleId::kAbsurdDim) absurd.push_back(d.message);
    }
    ASSERT_FALSE(absurd.empty());
    EXPECT_THAT(absurd, ::testing::Each(::testing::HasSubstr(fmt::format("on axis {}", axis))));
    const ir::Shape& y = r.shapeOf("y");
    EXPECT_TRUE(!y.rankKnown() || !y[axis].isValue()) << y.str();
  }
}

// The node-level check itself: a negative dim that reaches a node from a
// declared intermediate shape (value_info), which fills an unknown dim.
// A negative dim declared for an intermediate value is reported once, at its
// producer; downstream it is unknown, so the conv reads an unknown H.
TEST(WindowRules, negative_declared_dim_of_an_intermediate_is_reported_once) {
  ModelBuilder b(13);
  b.input("x", {1, 3, "?", 8}).initializer("w", {4, 3, 3, 3});
  b.node("Identity", {"x"}, {"mid"});
  b.node("Conv", {"mid", "w"}, {"y"}, {}, "conv").output("y");
  ir::Model m = b.build();
  ir::Value* mid = m.graph.find("mid");
  mid->hasDeclared = true;
  mid->declared = shape({1, 3, -1, 8});
  std::vector<diag::Diagnostic> diagnostics = passes::runShapePass(m, {}).diagnostics;
  EXPECT_THAT(briefs(diagnostics),
              ::testing::ElementsAre("SL004 Identity_0: value_info 'mid' declares dim -1 on axis 2 of [1, 3, -1, 8]: "
                                     "a dim is a size and must be >= 0"));
  EXPECT_EQ(m.graph.find("y")->inferred, shape({1, 4, "?", 6}));
}

// The sizes behind SL004: the output stays unknown, the other axes are kept.
TEST(WindowRules, overflow_leaves_the_axis_unknown) {
  Inferred r = infer(conv({1, 3, 8, 8}, {4, 3, 3, 3}, {pads({kMax, 0, 0, 0})})());
  EXPECT_EQ(r.shapeOf("y"), shape({1, 4, "?", 6}));
  r = infer(conv({1, 3, kMax, 8}, {4, 3, 3, 3}, {})());
  EXPECT_EQ(r.shapeOf("y"), shape({1, 4, kMax - 2, 6}));
  r = infer(conv({1, 3, 8, 8}, {4, 3, 3, 3}, {strides({kMax, kMax})})());
  EXPECT_EQ(r.shapeOf("y"), shape({1, 4, 1, 1}));
}

// Portability findings never change the propagated size (the current spec's).
TEST(WindowRules, portability_findings_keep_the_spec_size) {
  Inferred r = infer(pool("MaxPool", {1, 1, 12, 4}, {kernel({1, 1}), strides({2, 2}), intAttr("ceil_mode", 1)})());
  EXPECT_EQ(r.shapeOf("y"), shape({1, 1, 6, 2}));
  r = infer(convTranspose({1, 1, 5}, {1, 1, 1}, {autoPad("SAME_UPPER"), strides({2})})());
  EXPECT_EQ(r.shapeOf("y"), shape({1, 1, 10}));
  r = infer(convTranspose({1, 1, 8, 8}, {1, 1, 3, 3}, {strides({2, 2}), ints("output_shape", {18, 17})})());
  EXPECT_EQ(r.shapeOf("y"), shape({1, 1, 18, 17}));
}

}  // namespace
}  // namespace shapelint::testing
