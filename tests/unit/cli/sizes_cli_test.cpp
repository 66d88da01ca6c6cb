// `shapelint sizes` end to end: exit codes, JSON fields, usage errors. The
// valid sets themselves are checked against torch in
// tests/unit/conformance/sizes_test.cpp.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/run_binary.h"

namespace shapelint::cli {
namespace {

using nlohmann::json;

class SizesCliTest : public testing::BinaryTest {
 protected:
  static testing::BinaryRun run(std::vector<std::string> args) {
    args.insert(args.begin(), "sizes");
    return testing::runShapelint(tempDir(), args);
  }
};

// Depth-3 MaxPool/ConvTranspose U-Net: torch runs it only at H % 8 == 0
// (tests/models/sizes/expected.txt).
const std::string kUnet3 = "tests/models/sizes/unet_pool_ct_d3.onnx";

TEST_F(SizesCliTest, DynamicModelWithoutGivenSizeExitsZero) {
  const auto r = run({kUnet3, "--dim", "H=8..64"});
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("H % 8 == 0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("smallest: 8, 16, 24, 32, 40, ..."), std::string::npos) << r.out;
}

TEST_F(SizesCliTest, InvalidGivenSizeExitsOneWithNearest) {
  const auto r = run({kUnet3, "--input-shape", "x:1x1x100x64"});
  EXPECT_EQ(r.exitCode, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("H = 100 is NOT valid"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("nearest valid: 96 below, 104 above"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("W = 64 is valid"), std::string::npos) << r.out;
}

TEST_F(SizesCliTest, ValidGivenSizeExitsZero) { EXPECT_EQ(run({kUnet3, "--input-shape", "x:1x1x96x64"}).exitCode, 0); }

TEST_F(SizesCliTest, StaticModelIsSolvedAndJudged) {
  const auto r = run({"tests/models/demo/unet_skip_odd.onnx", "--format", "json"});
  EXPECT_EQ(r.exitCode, 1) << r.out << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["static_model"], true);
  EXPECT_EQ(j["exit_code"], 1);
  ASSERT_EQ(j["symbols"].size(), 2u);
  const json& h = j["symbols"][0];
  EXPECT_EQ(h["symbol"], "H");
  EXPECT_EQ(h["where"], json::array({"x[2]"}));
  EXPECT_EQ(h["from_static"], true);
  EXPECT_EQ(h["given"], 65);
  EXPECT_EQ(h["given_valid"], false);
  EXPECT_EQ(h["valid_below"], 64);
  EXPECT_EQ(h["valid_above"], 68);
  EXPECT_EQ(h["valid"]["modulus"], 4);
  EXPECT_EQ(h["valid"]["residues"], json::array({0}));
  ASSERT_FALSE(h["binding"].empty());
  const json& c = j["constraints"][h["binding"][0]["constraint"].get<size_t>()];
  EXPECT_EQ(c["op"], "Concat");
  EXPECT_EQ(c["kind"], "equal");
}

// tests/models/cli/concat_mismatch.onnx: static inputs a [.., 8, 8] and b
// [.., 9, 8] concatenated on axis 1. Each input's axes become their own
// symbols, so the Concat couples H with H_1: not solved per symbol, but
// judged at the exported sizes, where 8 != 9.
TEST_F(SizesCliTest, CoupledConstraintJudgedAtGivenSizes) {
  const auto r = run({"tests/models/cli/concat_mismatch.onnx", "--format", "json"});
  EXPECT_EQ(r.exitCode, 1) << r.out << r.err;
  const json j = json::parse(r.out);
  ASSERT_EQ(j["coupled"].size(), 2u);
  ASSERT_EQ(j["coupled_violated"].size(), 1u);
  EXPECT_EQ(j["constraints"][j["coupled_violated"][0].get<size_t>()]["text"], "H == H_1");
}

TEST_F(SizesCliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(run({kUnet3, "--dim", "H=10"}).exitCode, 2);
  EXPECT_EQ(run({kUnet3, "--dim", "H=20..10"}).exitCode, 2);
  EXPECT_EQ(run({kUnet3, "--dim", "Q=1..10"}).exitCode, 2);
  EXPECT_EQ(run({kUnet3, "--input-shape", "y:1x1x8x8"}).exitCode, 2);
  EXPECT_EQ(run({kUnet3, "--input-shape", "x:1x8x8"}).exitCode, 2);
  EXPECT_EQ(run({"tests/models/sizes/no_such_model.onnx"}).exitCode, 2);
}

}  // namespace
}  // namespace shapelint::cli
