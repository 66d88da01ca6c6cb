// `shapelint explain`: the computation (passes::explain), the text renderer,
// and the binary end to end (exit codes, usage errors, JSON, --target).
//
// The worked examples are those of /work/shared/conv-arithmetic.md. The
// golden texts below are the binary's whole output for one case each; when
// the wording changes on purpose, update them from the binary's output.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "cli/run_binary.h"

#include "shapelint/explain.h"

namespace shapelint::cli {
namespace {

namespace fs = std::filesystem;
using testing::countLines;
using testing::readFile;
using RunResult = testing::BinaryRun;
using nlohmann::json;
using passes::CellKind;
using passes::ExplainOp;
using passes::ExplainPadding;
using passes::ExplainRequest;
using passes::Explanation;

// --- the computation -------------------------------------------------------

ExplainRequest conv(int64_t input, int64_t kernel, int64_t stride, int64_t pad) {
  ExplainRequest r;
  r.op = ExplainOp::kConv;
  r.input = input;
  r.kernel = kernel;
  r.stride = stride;
  r.padBegin = r.padEnd = pad;
  r.explicitPads = pad != 0;
  return r;
}

ExplainRequest withOp(ExplainRequest r, ExplainOp op) {
  r.op = op;
  return r;
}

Explanation explained(const ExplainRequest& request) {
  std::variant<Explanation, passes::ExplainError> result = passes::explain(request);
  if (const auto* error = std::get_if<passes::ExplainError>(&result)) {
    ADD_FAILURE() << "unexpected error: " << error->message;
    return {};
  }
  return std::get<Explanation>(result);
}

std::string errorOf(const ExplainRequest& request) {
  std::variant<Explanation, passes::ExplainError> result = passes::explain(request);
  if (const auto* error = std::get_if<passes::ExplainError>(&result)) return error->message;
  ADD_FAILURE() << "expected an error";
  return "";
}

std::vector<int64_t> starts(const Explanation& e, bool legacy = false) {
  std::vector<int64_t> out;
  for (const passes::Placement& p : e.diagram.placements)
    if (p.legacyOnly == legacy) out.push_back(p.start);
  return out;
}

// i = 5, k = 3, s = 2, p = 1: floor((5 + 2 - 3)/2) + 1 = 3, no floor loss.
TEST(Explain, worked_example_i5_k3_s2_p1) {
  const Explanation e = explained(conv(5, 3, 2, 1));
  EXPECT_EQ(e.output, 3);
  EXPECT_EQ(e.relationship.number, 6);
  EXPECT_EQ(e.relationship.setting, "any padding, any stride");
  EXPECT_EQ(e.formula, "o = floor((i + pb + pe - k)/s) + 1 = floor((5 + 1 + 1 - 3)/2) + 1 = 3");
  EXPECT_EQ(e.remainder, 0);
  EXPECT_EQ(e.uncoveredCells, 0);
  EXPECT_EQ(e.sameFrom, 5);
  EXPECT_EQ(e.sameTo, 6);
}

// i = 6: the floor case; restoring 6 needs output_padding 1, restoring 5 needs 0.
TEST(Explain, worked_example_i6_floor_and_output_padding) {
  const Explanation e = explained(conv(6, 3, 2, 1));
  EXPECT_EQ(e.output, 3);
  EXPECT_EQ(e.remainder, 1);
  EXPECT_EQ(e.uncoveredCells, 1);
  EXPECT_EQ(e.droppedRows, 0);  // the uncovered cell is the end pad
  EXPECT_FALSE(e.lossExceedsGap);
  EXPECT_EQ(e.sameFrom, 5);
  EXPECT_EQ(e.sameTo, 6);
  EXPECT_EQ(e.belowOutput, 2);
  EXPECT_EQ(e.aboveOutput, 4);
  ASSERT_EQ(e.restores.size(), 2u);
  EXPECT_EQ(e.restores[0].input, 5);
  EXPECT_EQ(e.restores[0].outputPadding, 0);
  EXPECT_EQ(e.restores[0].formula, "2(3 - 1) + 0 + 3 - 1 - 1 = 5");
  EXPECT_FALSE(e.restores[0].current);
  EXPECT_EQ(e.restores[1].input, 6);
  EXPECT_EQ(e.restores[1].outputPadding, 1);
  EXPECT_EQ(e.restores[1].formula, "2(3 - 1) + 1 + 3 - 1 - 1 = 6");
  EXPECT_TRUE(e.restores[1].current);
  EXPECT_TRUE(e.diagram.shown);
  EXPECT_EQ(starts(e), (std::vector<int64_t>{0, 2, 4}));
  EXPECT_EQ(e.diagram.cells.front(), CellKind::kPadding);
  EXPECT_EQ(e.diagram.cells.back(), CellKind::kPadding);
}

// Why 7 and 8 both give 4 (k = 3, s = 2, p = 1).
TEST(Explain, seven_and_eight_both_give_four) {
  for (int64_t i : {7, 8}) {
    const Explanation e = explained(conv(i, 3, 2, 1));
    EXPECT_EQ(e.output, 4) << i;
    EXPECT_EQ(e.sameFrom, 7) << i;
    EXPECT_EQ(e.sameTo, 8) << i;
    EXPECT_EQ(e.remainder, i - 7) << i;
  }
}

// No padding: the uncovered cell is real data, lost beyond the regular gap.
TEST(Explain, dropped_row_exceeds_the_gap) {
  const Explanation e = explained(conv(8, 3, 2, 0));
  EXPECT_EQ(e.relationship.number, 5);
  EXPECT_EQ(e.droppedRows, 1);
  EXPECT_EQ(e.regularGap, 0);
  EXPECT_TRUE(e.lossExceedsGap);
  EXPECT_EQ(e.diagram.cells.back(), CellKind::kDropped);
}

// A 1x1 stride-2 downsample skips every other row by design: no news.
TEST(Explain, one_by_one_stride_two_drop_is_within_the_gap) {
  const Explanation e = explained(conv(8, 1, 2, 0));
  EXPECT_EQ(e.output, 4);
  EXPECT_EQ(e.droppedRows, 1);
  EXPECT_EQ(e.regularGap, 1);
  EXPECT_FALSE(e.lossExceedsGap);
}

TEST(Explain, same_upper_odd_split_puts_the_extra_pad_at_the_end) {
  ExplainRequest r = conv(7, 4, 2, 0);
  r.padding = ExplainPadding::kSameUpper;
  const Explanation e = explained(r);
  EXPECT_EQ(e.output, 4);
  EXPECT_EQ(e.sameTotalPad, 3);
  EXPECT_EQ(e.padBegin, 1);
  EXPECT_EQ(e.padEnd, 2);
  EXPECT_EQ(e.resolvedRelationship.number, 6);
  EXPECT_EQ(e.resolvedFormula, "o = floor((i + pb + pe - k)/s) + 1 = floor((7 + 1 + 2 - 4)/2) + 1 = 4");
  EXPECT_EQ(e.sameFrom, 7);  // ceil(i/2) = 4 for i = 7, 8
  EXPECT_EQ(e.sameTo, 8);
  EXPECT_EQ(e.sameTransposeOutput, 8);

  r.padding = ExplainPadding::kSameLower;
  const Explanation lower = explained(r);
  EXPECT_EQ(lower.padBegin, 2);
  EXPECT_EQ(lower.padEnd, 1);
}

TEST(Explain, dilation_spreads_the_taps) {
  ExplainRequest r = conv(9, 3, 2, 0);
  r.dilation = 2;
  const Explanation e = explained(r);
  EXPECT_EQ(e.effectiveKernel, 5);
  EXPECT_EQ(e.relationship.number, 15);
  EXPECT_EQ(e.output, 3);
  EXPECT_EQ(e.diagram.dilation, 2);
  EXPECT_EQ(starts(e), (std::vector<int64_t>{0, 2, 4}));
  EXPECT_EQ(e.restores.size(), 2u);
}

// onnx/onnx #5711: i = 12, k = 1, s = 2, ceil_mode: 6 now, 7 in ONNX 1.12 and old ORT.
TEST(Explain, ceil_mode_disagreement) {
  ExplainRequest r = withOp(conv(12, 1, 2, 0), ExplainOp::kMaxPool);
  r.ceilMode = true;
  const Explanation e = explained(r);
  EXPECT_EQ(e.output, 6);
  ASSERT_TRUE(e.legacyOutput);
  EXPECT_EQ(*e.legacyOutput, 7);
  EXPECT_EQ(e.legacyFormula, "o = ceil((i + pb + pe - k)/s) + 1 = ceil((12 + 0 + 0 - 1)/2) + 1 = 7");
  EXPECT_EQ(e.relationship.number, 7);
  EXPECT_EQ(starts(e, true), (std::vector<int64_t>{12}));
  EXPECT_EQ(e.diagram.cells.back(), CellKind::kBeyond);

  // The same pool without ceil_mode: every runtime agrees.
  r.ceilMode = false;
  EXPECT_FALSE(explained(r).legacyOutput);
}

// A ceil_mode window that overhangs cannot be undone by output_padding.
TEST(Explain, ceil_mode_restore_needs_output_shape) {
  ExplainRequest r = withOp(conv(7, 2, 2, 0), ExplainOp::kAveragePool);
  r.ceilMode = true;
  const Explanation e = explained(r);
  EXPECT_EQ(e.output, 4);
  EXPECT_EQ(e.overhangCells, 1);
  ASSERT_EQ(e.restores.size(), 2u);
  EXPECT_EQ(e.restores[0].input, 7);
  EXPECT_EQ(e.restores[0].outputPadding, -1);
  EXPECT_FALSE(e.restores[0].reachable);
  EXPECT_TRUE(e.restores[1].reachable);
}

TEST(Explain, conv_transpose_restores_one_of_the_direct_inputs) {
  ExplainRequest r = withOp(conv(3, 3, 2, 1), ExplainOp::kConvTranspose);
  r.outputPadding = 1;
  const Explanation e = explained(r);
  EXPECT_EQ(e.output, 6);
  EXPECT_EQ(e.relationship.number, 14);
  EXPECT_EQ(e.formula, "o' = s(i' - 1) + a + k - pb - pe = 2(3 - 1) + 1 + 3 - 1 - 1 = 6");
  EXPECT_EQ(e.naturalOutput, 8);
  EXPECT_EQ(e.maxReachableOutput, 9);
  EXPECT_EQ(e.directOutput, 3);
  EXPECT_EQ(e.directRelationship.number, 6);
  EXPECT_EQ(e.sameFrom, 5);
  EXPECT_EQ(e.sameTo, 6);
  ASSERT_EQ(e.restores.size(), 2u);
  EXPECT_EQ(e.restores[0].outputPadding, 0);
  EXPECT_EQ(e.restores[1].outputPadding, 1);
  EXPECT_TRUE(e.restores[1].current);
  EXPECT_EQ(starts(e), (std::vector<int64_t>{0, 2, 4}));

  r.outputPadding = 0;  // relationship 13: (i + 2p - k) a multiple of s
  const Explanation plain = explained(r);
  EXPECT_EQ(plain.output, 5);
  EXPECT_EQ(plain.relationship.number, 13);
  EXPECT_TRUE(plain.restores[0].current);
}

// conv-arithmetic.md item 6: k = 3, s = 2, i = 8: natural 17, PyTorch up to 18, 21 unreachable.
TEST(Explain, conv_transpose_output_shape_range) {
  ExplainRequest r = withOp(conv(8, 3, 2, 0), ExplainOp::kConvTranspose);
  r.outputShape = 18;
  const Explanation e = explained(r);
  EXPECT_EQ(e.output, 18);
  EXPECT_EQ(e.naturalOutput, 17);
  EXPECT_EQ(e.maxReachableOutput, 18);
  EXPECT_EQ(e.portability.size(), 1u);
  r.outputShape = 15;
  const Explanation cropped = explained(r);
  EXPECT_EQ(cropped.padBegin, 1);
  EXPECT_EQ(cropped.padEnd, 1);
  EXPECT_TRUE(cropped.portability.empty());
  r.outputShape = 21;
  EXPECT_NE(errorOf(r).find("--output-shape 21 is unreachable"), std::string::npos);
}

// conv-arithmetic.md item 8: the SAME total would be negative.
TEST(Explain, conv_transpose_same_with_negative_total) {
  ExplainRequest r = withOp(conv(5, 1, 2, 0), ExplainOp::kConvTranspose);
  r.padding = ExplainPadding::kSameUpper;
  const Explanation e = explained(r);
  EXPECT_EQ(e.output, 10);
  EXPECT_EQ(e.naturalOutput, 9);
  EXPECT_EQ(e.sameTotalPad, -1);
  EXPECT_EQ(e.diagram.cells.back(), CellKind::kDropped);  // the bias-only row
  ASSERT_EQ(e.portability.size(), 1u);
  EXPECT_NE(e.portability[0].find("ONNX Runtime gives the natural size 9"), std::string::npos);
}

TEST(Explain, kernel_larger_than_the_padded_input) {
  const Explanation e = explained(conv(2, 5, 1, 0));
  EXPECT_FALSE(e.fits);
  EXPECT_EQ(e.output, -2);
  EXPECT_EQ(e.minInput, 5);
  EXPECT_TRUE(e.diagram.kernelDoesNotFit);
  EXPECT_TRUE(e.restores.empty());

  ExplainRequest t = withOp(conv(1, 1, 1, 1), ExplainOp::kConvTranspose);
  const Explanation cropped = explained(t);
  EXPECT_FALSE(cropped.fits);
  EXPECT_EQ(cropped.output, -1);
  EXPECT_EQ(cropped.minInput, 3);
}

TEST(Explain, wide_diagrams_are_omitted) {
  EXPECT_TRUE(explained(conv(40, 3, 1, 0)).diagram.shown);
  const Explanation e = explained(conv(40, 3, 1, 1));
  EXPECT_FALSE(e.diagram.shown);
  EXPECT_EQ(e.diagram.cellCount, 42);
  EXPECT_TRUE(e.diagram.placements.empty());
}

// A large stride lists a few restores, always including the requested input.
TEST(Explain, many_restores_are_truncated) {
  const Explanation e = explained(conv(20, 1, 64, 0));
  EXPECT_EQ(e.sameFrom, 1);
  EXPECT_EQ(e.sameTo, 64);
  EXPECT_TRUE(e.restoresTruncated);
  std::vector<int64_t> inputs;
  for (const passes::Restore& r : e.restores) inputs.push_back(r.input);
  EXPECT_EQ(inputs, (std::vector<int64_t>{1, 2, 3, 20, 64}));
}

TEST(Explain, invalid_requests_are_errors) {
  ExplainRequest r = conv(6, 3, 0, 1);
  EXPECT_EQ(errorOf(r), "--stride is 0, expected at least 1");
  r = conv(0, 3, 1, 0);
  EXPECT_EQ(errorOf(r), "--input is 0, expected at least 1");
  r = conv(6, 0, 1, 0);
  EXPECT_EQ(errorOf(r), "--kernel is 0, expected at least 1");
  r = conv(6, 3, 1, 0);
  r.dilation = 0;
  EXPECT_EQ(errorOf(r), "--dilation is 0, expected at least 1");
  r = conv(6, 3, 1, 0);
  r.padEnd = -1;
  EXPECT_NE(errorOf(r).find("expected at least 0"), std::string::npos);
  r = conv(6, 3, 1, 1);
  r.padding = ExplainPadding::kValid;
  EXPECT_NE(errorOf(r).find("cannot be given with --auto-pad VALID"), std::string::npos);
  r = withOp(conv(3, 3, 2, 1), ExplainOp::kConvTranspose);
  r.outputPadding = 2;
  EXPECT_NE(errorOf(r).find("--output-padding is 2, expected 0 <= a < max(s, d) = 2"), std::string::npos);
  r.outputPadding = -1;
  EXPECT_NE(errorOf(r).find("--output-padding is -1"), std::string::npos);
  r = conv(6, 3, 1, 0);
  r.outputPadding = 1;
  EXPECT_NE(errorOf(r).find("apply to convtranspose"), std::string::npos);
  r = conv(6, 3, 1, 0);
  r.ceilMode = true;
  EXPECT_NE(errorOf(r).find("--ceil-mode applies to maxpool and avgpool"), std::string::npos);
  r = conv(INT64_MAX, 3, 1, 5);
  EXPECT_NE(errorOf(r).find("too large"), std::string::npos);
}

// --- the renderer ----------------------------------------------------------

TEST(ExplainText, diagram_marks_dilation_gaps_and_dropped_rows) {
  ExplainRequest r = conv(10, 3, 2, 0);
  r.dilation = 2;
  const std::string text = report::renderExplainText(explained(r));
  EXPECT_NE(text.find("  padded input  0 1 2 3 4 5 6 7 8 !\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  placement 1   # - # - #\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  placement 3           # - # - #\n"), std::string::npos) << text;
  EXPECT_NE(text.find("'-' a cell the dilation skips"), std::string::npos) << text;
}

TEST(ExplainText, long_inputs_get_a_ruler) {
  const std::string text = report::renderExplainText(explained(conv(24, 3, 3, 0)));
  EXPECT_NE(text.find("  input row     0                   10                  20\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  padded input  x x x x x x x x x x x x x x x x x x x x x x x x\n"), std::string::npos)
      << text;
}

TEST(ExplainText, same_output_sets) {
  EXPECT_NE(report::renderExplainText(explained(conv(6, 3, 1, 1))).find("Only input 6 gives 6"), std::string::npos);
  EXPECT_NE(report::renderExplainText(explained(conv(6, 3, 3, 0))).find("Inputs 6, 7 and 8 all give 2"),
            std::string::npos);
}

TEST(ExplainText, prose_lines_stay_narrow) {
  ExplainRequest r = conv(8, 3, 2, 0);
  std::istringstream lines(report::renderExplainText(explained(r)));
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("    ", 0) == 0 || line.rfind("Conv,", 0) == 0) continue;  // formulas and the header
    EXPECT_LE(line.size(), 100u) << line;
  }
}

TEST(ExplainJson, carries_the_facts) {
  const json j = json::parse(report::renderExplainJson(explained(conv(6, 3, 2, 1))));
  EXPECT_EQ(j["output"], 3);
  EXPECT_EQ(j["relationship"]["number"], 6);
  EXPECT_EQ(j["same_output_inputs"], json::array({5, 6}));
  EXPECT_EQ(j["restores"][1]["output_padding"], 1);
  EXPECT_EQ(j["diagram"]["placement_starts"], json::array({0, 2, 4}));
}

// --- the binary ------------------------------------------------------------

class ExplainCli : public testing::BinaryTest {
 protected:
  // Runs the binary in the source directory.
  static RunResult run(const std::vector<std::string>& args) { return testing::runShapelint(tempDir(), args); }

  static RunResult explain(std::vector<std::string> args) {
    args.insert(args.begin(), "explain");
    return run(args);
  }

  // Exit 0, nothing on stderr, and exactly this text.
  static void expectGolden(const std::vector<std::string>& args, const std::string& golden) {
    const RunResult r = explain(args);
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.out, golden);
  }

  // A usage error: exit 2, nothing on stdout, one line on stderr.
  static void expectUsageError(const std::vector<std::string>& args, const std::string& stderrHas) {
    const RunResult r = explain(args);
    std::string shown;
    for (const std::string& a : args) shown += a + " ";
    EXPECT_EQ(r.exitCode, 2) << shown << "\n" << r.out << r.err;
    EXPECT_EQ(r.out, "") << shown;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << shown << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("shapelint: error: ", 0), 0u) << shown << "\n" << r.err;
    EXPECT_NE(r.err.find(stderrHas), std::string::npos) << shown << "\n" << r.err;
  }

};

// The README example, "$ build/shapelint explain conv --input 6 ...", is
// checked by CliTest.ReadmeExamplesAreTrue; these are the other goldens.
TEST_F(ExplainCli, golden_maxpool_ceil_mode) {
  expectGolden({"maxpool", "--input", "12", "--kernel", "1", "--stride", "2", "--ceil-mode"}, R"(MaxPool, one spatial axis: input i = 12, kernel k = 1, stride s = 2, pads pb = 0, pe = 0, ceil_mode 1

output o = 6 (the current ONNX spec, PyTorch, ONNX Runtime 1.30); 7 in ONNX 1.12 and older ONNX Runtime
  relationship 7 (any pooling, p = 0), with ceil_mode:
    o = floor((i + pb + pe - k + s - 1)/s) + 1 = floor((12 + 0 + 0 - 1 + 2 - 1)/2) + 1 = 7, minus 1 because the last window would start in the right padding ((o - 1)s = 12 >= i + pb = 12): o = 6
  ONNX 1.12 and older ONNX Runtime round up with no correction:
    o = ceil((i + pb + pe - k)/s) + 1 = ceil((12 + 0 + 0 - 1)/2) + 1 = 7
  The kernel (1 cell) starts at the left edge of the padded input (pb + i + pe = 12 cells) and moves
  2 cells at a time while it fits. After the first placement 12 - 1 = 11 cells are left, and with
  ceil_mode a move into a window that only partly fits counts too, unless that window would start in
  the end padding: 6 placements, one per output element.

kernel placements over the padded input:
  'x' the input rows, '#' a cell the kernel covers, '!' an input row no placement covers, '*' a
  window only ONNX 1.12 and older ONNX Runtime place
  input row     0                   10
  padded input  x x x x x x x x x x x !
  placement 1   #
  placement 2       #
  placement 3           #
  placement 4               #
  placement 5                   #
  placement 6                       #
  placement 7*                          #
  not covered                         ^

the ceiling (ceil_mode):
  The last cell of the padded input is covered by no placement. It is input row 11, which is
  dropped: the output never sees it. That is no more than the regular gap between placements, max(0,
  s - k) = 1: the stride skips as many rows between placements anyway.
  Inputs 11 and 12 both give 6 (10 gives 5, 13 gives 7).

back to the input size with a ConvTranspose of the same k, s and pads:
  relationship 14: o' = s(o - 1) + a + k - pb - pe, with output_padding a = i + pb + pe - k - s(o - 1)
    to restore 11: output_padding 0, o' = 2(6 - 1) + 0 + 1 - 0 - 0 = 11
    to restore 12: output_padding 1, o' = 2(6 - 1) + 1 + 1 - 0 - 0 = 12   <- this input
)");
}

TEST_F(ExplainCli, golden_convtranspose) {
  expectGolden({"convtranspose", "--input", "3", "--kernel", "3", "--stride", "2", "--pad", "1", "--output-padding",
                "1"},
               R"(ConvTranspose, one spatial axis: input i' = 3, kernel k = 3, stride s = 2, pads pb = 1, pe = 1, output_padding a = 1

output o' = 6
  relationship 14 (transposing padding p, stride s, a = (i + 2p - k) mod s):
    o' = s(i' - 1) + a + k - pb - pe = 2(3 - 1) + 1 + 3 - 1 - 1 = 6
  The natural size, nothing cropped: s(i' - 1) + a + k = 2(3 - 1) + 1 + 3 = 8.
  An output_shape O up to 8 is reached by deriving the pads from it; 9 only in PyTorch (natural +
  max(s, d) - 1 = 9); ONNX Runtime 1.30 rejects anything above 8.

where each input element goes: it writes k cells, s apart, and the pads are cropped:
  '.' a cropped pad, digits the output rows, '#' a cell the input element writes
  padded output . 0 1 2 3 4 5 .
  input 0       # # #
  input 1           # # #
  input 2               # # #
  not written                 ^

the direct conv it transposes: a Conv with the same k, s, d and pads 1 + 1
  relationship 6 (any padding, any stride), fed o' = 6:
    o = floor((i + pb + pe - k)/s) + 1 = floor((6 + 1 + 1 - 3)/2) + 1 = 3
  Inputs 5 and 6 both give 3 there, so the transposed conv must be told which one to restore:
  output_padding picks it (relationship 14, o' = s(i' - 1) + a + k - pb - pe).
    output_padding 0 restores 5: o' = 2(3 - 1) + 0 + 3 - 1 - 1 = 5
    output_padding 1 restores 6: o' = 2(3 - 1) + 1 + 3 - 1 - 1 = 6   <- this layer
)");
}

TEST_F(ExplainCli, golden_kernel_too_large) {
  expectGolden({"conv", "--input", "2", "--kernel", "5"}, R"(Conv, one spatial axis: input i = 2, kernel k = 5, stride s = 1, pads pb = 0, pe = 0

no output: o = -2, below 1
  relationship 1 (s = 1, p = 0):
    o = floor((i + pb + pe - k)/s) + 1 = floor((2 + 0 + 0 - 5)/1) + 1 = -2
  The kernel spans 5 cells but the padded input has only 2 cells (pb + i + pe = 0 + 2 + 0): not one
  placement fits. The smallest input that works is 5.

the kernel at the left edge of the padded input:
  digits the input rows, '#' a cell the kernel covers
  padded input  0 1
  the kernel    # # # # #
)");
}

TEST_F(ExplainCli, every_op_and_flag_runs) {
  const std::vector<std::vector<std::string>> cases = {
      {"conv", "--input", "7", "--kernel", "4", "--stride", "2", "--auto-pad", "same_upper"},
      {"conv", "--input", "7", "--kernel", "4", "--stride", "2", "--auto-pad", "same_lower"},
      {"conv", "--input", "7", "--kernel", "3", "--stride", "2", "--auto-pad", "valid"},
      {"conv", "--input", "9", "--kernel", "3", "--stride", "2", "--dilation", "2", "--pads", "0,1"},
      {"convtranspose", "--input", "8", "--kernel", "3", "--stride", "2", "--output-shape", "18"},
      {"convtranspose", "--input", "5", "--kernel", "1", "--stride", "2", "--auto-pad", "same_upper"},
      {"maxpool", "--input", "9", "--kernel", "3", "--dilation", "2", "--auto-pad", "same_upper"},
      {"avgpool", "--input", "7", "--kernel", "2", "--stride", "2", "--auto-pad", "valid", "--ceil-mode"},
      {"avgpool", "--input", "100", "--kernel", "3", "--stride", "2", "--pad", "1"},
  };
  for (const std::vector<std::string>& args : cases) {
    const RunResult r = explain(args);
    EXPECT_EQ(r.exitCode, 0) << args[0] << " " << args[2] << "\n" << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_NE(r.out.find("one spatial axis"), std::string::npos) << r.out;
  }
}

// The text with its prose unwrapped: every line break and indent becomes one space.
std::string unwrapped(const std::string& text) {
  std::string out;
  for (size_t at = 0; at < text.size(); ++at) {
    if (text[at] != '\n') {
      out += text[at];
      continue;
    }
    while (at + 1 < text.size() && text[at + 1] == ' ') ++at;
    out += ' ';
  }
  return out;
}

TEST_F(ExplainCli, same_upper_text_says_where_the_extra_pad_goes) {
  const RunResult r = explain({"conv", "--input", "7", "--kernel", "4", "--stride", "2", "--auto-pad", "same_upper"});
  const std::string text = unwrapped(r.out);
  EXPECT_NE(text.find("odd: SAME_UPPER puts the extra one at the end: pb = 1, pe = 2."), std::string::npos) << r.out;
  EXPECT_NE(text.find("Inputs 7 and 8 both give 4"), std::string::npos) << r.out;
}

TEST_F(ExplainCli, json_format) {
  const RunResult r = explain({"conv", "--input", "6", "--kernel", "3", "--stride", "2", "--pad", "1", "--format", "json"});
  EXPECT_EQ(r.exitCode, 0);
  const json j = json::parse(r.out);
  EXPECT_EQ(j["request"]["op"], "conv");
  EXPECT_EQ(j["output"], 3);
  EXPECT_EQ(j["remainder"], 1);
}

TEST_F(ExplainCli, usage_errors_exit_2_with_one_line) {
  const std::vector<std::string> base = {"conv", "--input", "6", "--kernel", "3"};
  const auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  expectUsageError({}, "subcommand is required");
  expectUsageError({"deconv", "--input", "6", "--kernel", "3"}, "");
  expectUsageError({"conv", "--kernel", "3"}, "--input is required");
  expectUsageError({"conv", "--input", "6"}, "--kernel is required");
  expectUsageError(with({"--stride", "0"}), "--stride is 0, expected at least 1");
  expectUsageError(with({"--dilation", "0"}), "--dilation is 0");
  expectUsageError(with({"--pad", "-1"}), "expected at least 0");
  expectUsageError(with({"--pads", "1"}), "--pads '1': expected two integers");
  expectUsageError(with({"--pads", "1,x"}), "--pads");
  expectUsageError(with({"--pad", "1", "--pads", "1,1"}), "--pad or --pads, not both");
  expectUsageError(with({"--pad", "1", "--auto-pad", "same_upper"}), "--auto-pad SAME_UPPER");
  expectUsageError(with({"--auto-pad", "SAME"}), "--auto-pad");
  expectUsageError(with({"--ceil-mode"}), "explain conv --help");
  expectUsageError(with({"--output-padding", "1"}), "--output-padding");
  expectUsageError(with({"--input", "x"}), "--input");
  expectUsageError(with({"--format", "xml"}), "--format");
  expectUsageError({"convtranspose", "--input", "3", "--kernel", "3", "--stride", "2", "--output-padding", "2"},
                   "--output-padding is 2, expected 0 <= a < max(s, d) = 2");
  expectUsageError({"convtranspose", "--input", "8", "--kernel", "3", "--stride", "2", "--output-shape", "21"},
                   "--output-shape 21 is unreachable");
  expectUsageError({"convtranspose", "--input", "8", "--kernel", "3", "--pad", "1", "--output-shape", "8"},
                   "--output-shape derives the pads");
  expectUsageError({"conv", "--input", "9223372036854775807", "--kernel", "3", "--pad", "5"}, "too large");
}

TEST_F(ExplainCli, help_says_the_arithmetic_is_per_axis) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--help"}, {"conv", "--help"}, {"convtranspose", "--help"}}) {
    const RunResult r = explain(args);
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_NE(r.out.find("per spatial axis"), std::string::npos) << r.out;
  }
  const RunResult transpose = explain({"convtranspose", "--help"});
  for (const char* flag : {"--output-padding", "--output-shape", "--dilation", "--pads", "--auto-pad"})
    EXPECT_NE(transpose.out.find(flag), std::string::npos) << flag;
  EXPECT_NE(explain({"maxpool", "--help"}).out.find("--ceil-mode"), std::string::npos);
}

// --- check --target ----------------------------------------------------------

// ONNX's own test model: a ConvTranspose whose output_shape is 1 beyond its
// natural size, which PyTorch reaches and ONNX Runtime 1.30 rejects.
TEST_F(ExplainCli, check_target_selects_portability_findings) {
  const std::string model = std::string(SHAPELINT_TESTDATA_DIR) + "/node/test_convtranspose_output_shape/model.onnx";
  if (!fs::exists(model)) GTEST_SKIP() << model << " is not installed";
  const auto count = [&](const std::string& target) {
    const RunResult r = run({"check", "--format", "json", "--target", target, model});
    EXPECT_EQ(r.err, "") << target;
    return json::parse(r.out)["models"][0]["diagnostics"].size();
  };
  const size_t all = count("all");
  EXPECT_GE(all, 1u);
  EXPECT_EQ(count("onnxruntime"), all);
  EXPECT_EQ(count("pytorch"), 0u);
  EXPECT_EQ(count("onnx,pytorch"), 0u);
  EXPECT_EQ(count("pytorch,onnxruntime"), all);
  const RunResult bad = run({"check", "--target", "tensorflow", model});
  EXPECT_EQ(bad.exitCode, 2);
  EXPECT_EQ(bad.out, "");
  EXPECT_NE(bad.err.find("--target: unknown target 'tensorflow'"), std::string::npos) << bad.err;
  EXPECT_NE(run({"check", "--help"}).out.find("--target"), std::string::npos);
}

}  // namespace
}  // namespace shapelint::cli
