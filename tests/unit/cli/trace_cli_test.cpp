// `shapelint check` on a failed merge (SL102) with a floor upstream: the
// trace notes (the strided layer, the output_padding arithmetic) and the fix
// in the help line. Expected numbers are worked by hand from the ONNX
// formulas below and agree with torch (tests/models/sizes/expected.txt).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/run_binary.h"

namespace shapelint::cli {
namespace {

class TraceCliTest : public testing::BinaryTest {
 protected:
  static testing::BinaryRun run(std::vector<std::string> args) {
    args.insert(args.begin(), "check");
    return testing::runShapelint(tempDir(), args);
  }
};

std::string lineWith(const std::string& out, const std::string& prefix) {
  size_t pos = out.find(prefix);
  if (pos == std::string::npos) return "";
  return out.substr(pos, out.find('\n', pos) - pos);
}

// unet_skip_odd: x is 65x65; MaxPool k=2 s=2: floor((65 - 2)/2) + 1 = 32;
// ConvTranspose k=2 s=2: 2(32 - 1) + 0 + 2 = 64 != 65. With a = 1:
// 2(32 - 1) + 1 + 2 = 65, and 1 < max(s, d) = 2. `shapelint sizes` (and torch
// for this architecture) accepts H % 4 == 0: nearest 64 and 68. torch agrees:
// MaxPool2d(2) on 65x65 gives 32x32, ConvTranspose2d(8, 8, 2, stride=2,
// output_padding=1) on 32x32 gives 65x65.
TEST_F(TraceCliTest, StaticUnetGetsFloorNoteOutputPaddingAndNearestSizes) {
  const auto r = run({"tests/models/demo/unet_skip_odd.onnx"});
  EXPECT_EQ(r.exitCode, 1);
  // The existing first line is unchanged.
  EXPECT_NE(r.out.find("error[SL102 incompatible-merge]: cannot concatenate [1, 8, 64, 64] with [1, 8, 65, 65] on "
                       "axis 1: axis 2 has 64 and 65\n"),
            std::string::npos);
  EXPECT_NE(r.out.find("note: node 'maxpool0': floors upstream (SL204): relationship 7: o = floor((i + pb + pe - "
                       "k)/s) + 1 = floor((65 + 0 + 0 - 2)/2) + 1 = 32 on axis 2"),
            std::string::npos);
  EXPECT_NE(r.out.find("note: node 'convtranspose1': output_padding=[1, 1] restores the size the merge needs: axis 2: "
                       "o' = s(i' - 1) + a + ke - pb - pe = 2(32 - 1) + 1 + 2 - 0 - 0 = 65 (with a = 0: 64)"),
            std::string::npos);
  const std::string help = lineWith(r.out, "  help: make 'convtranspose1'");
  EXPECT_NE(help.find("set output_padding=[1, 1] on 'convtranspose1'"), std::string::npos) << help;
  EXPECT_NE(help.find("x[2] = 64 or 68, x[3] = 64 or 68 (the nearest valid input sizes to 65, 65"), std::string::npos)
      << help;
}

// Depth-3 U-Net with nearest Upsample (Resize) on the way up: no
// ConvTranspose, so no output_padding can restore the size; the help names
// only the sizes. H = 100: 100 -> 50 -> 25 -> 12 (floor((25 - 2)/2) + 1), up
// 2*12 = 24 != 25. torch runs it only at H % 8 == 0: nearest 96 and 104; W = 64 is valid.
TEST_F(TraceCliTest, UpsampleUnetGetsOnlyNearestSizes) {
  const auto r = run({"tests/models/sizes/unet_pool_up_d3.onnx", "--input-shape", "x:1x1x100x64"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.out.find("cannot concatenate [1, 2, 24, 16] with [1, 2, 25, 16] on axis 1: axis 2 has 24 and 25"),
            std::string::npos);
  EXPECT_NE(r.out.find("note: node '/down.2/MaxPool': floors upstream (SL204): relationship 7: o = floor((i + pb + "
                       "pe - k)/s) + 1 = floor((25 + 0 + 0 - 2)/2) + 1 = 12 on axis 2"),
            std::string::npos);
  EXPECT_EQ(r.out.find("output_padding"), std::string::npos);
  const std::string help = lineWith(r.out, "  help: make '/up.0/Resize_output_0'");
  EXPECT_NE(help.find("fix: feed the model at x[2] = 96 or 104 (the nearest valid input sizes to 100;"),
            std::string::npos)
      << help;
  EXPECT_EQ(help.find("x[3]"), std::string::npos) << help;
}

// The same depth-3 U-Net with ConvTranspose (k=2 s=2) up: 12 -> 2(12 - 1) + 0
// + 2 = 24 != 25; a = 1 gives 25 (torch: ConvTranspose2d(2, 2, 2, stride=2,
// output_padding=(1, 0)) on 12x8 gives 25x16).
TEST_F(TraceCliTest, DynamicUnetAtGivenSizeGetsOutputPaddingFix) {
  const auto r = run({"tests/models/sizes/unet_pool_ct_d3.onnx", "--input-shape", "x:1x1x100x64"});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.out.find("2(12 - 1) + 1 + 2 - 0 - 0 = 25 (with a = 0: 24)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("x[2] = 96 or 104 (the nearest valid input sizes to 100;"), std::string::npos) << r.out;
}

// A model with no failed merge is unchanged: no trace notes.
TEST_F(TraceCliTest, ValidSizeHasNoTrace) {
  const auto r = run({"tests/models/sizes/unet_pool_ct_d3.onnx", "--input-shape", "x:1x1x96x64"});
  EXPECT_EQ(r.out.find("floors upstream"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("SL102"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace shapelint::cli
