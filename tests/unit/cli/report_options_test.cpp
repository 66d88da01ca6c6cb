// `shapelint check` --format sarif|github, --output and --statistics end to
// end: exit codes stay those of the findings, --output replaces stdout, and
// its usage errors. (Whole outputs are golden files: tests/golden/.)
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/run_binary.h"

namespace shapelint::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::countLines;
using testing::readFile;

const std::string kConcat = "tests/models/cli/concat_mismatch.onnx";
const std::string kClean = "tests/models/cli/clean_convnet.onnx";
const std::string kTruncated = "tests/models/cli/truncated.onnx";

class ReportOptionsTest : public testing::BinaryTest {
 protected:
  static testing::BinaryRun run(const std::vector<std::string>& args) { return testing::runShapelint(tempDir(), args); }

  static void expectUsageError(const std::vector<std::string>& args, const std::string& stderrHas) {
    const testing::BinaryRun r = run(args);
    EXPECT_EQ(r.exitCode, 2) << r.out << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(countLines(r.err), 1u) << r.err;
    EXPECT_EQ(r.err.rfind("shapelint: error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(stderrHas), std::string::npos) << r.err;
  }
};

TEST_F(ReportOptionsTest, ExitCodesAreTheSameInEveryFormat) {
  for (const std::string format : {"text", "json", "sarif", "github"}) {
    SCOPED_TRACE(format);
    EXPECT_EQ(run({"check", "--format", format, kClean}).exitCode, 0);
    EXPECT_EQ(run({"check", "--format", format, kConcat}).exitCode, 1);
    EXPECT_EQ(run({"check", "--format", format, kConcat, kTruncated}).exitCode, 2);
    EXPECT_EQ(run({"check", "--format", format, "--fail-on", "note", "tests/models/cli/unknown_dims.onnx"}).exitCode,
              1);
  }
}

TEST_F(ReportOptionsTest, OutputWritesTheReportInsteadOfStdout) {
  const fs::path file = tempDir() / "report.sarif";
  const testing::BinaryRun toStdout = run({"check", "--format", "sarif", kConcat, kTruncated});
  const testing::BinaryRun toFile = run({"check", "--format", "sarif", "--output", file.string(), kConcat, kTruncated});
  EXPECT_EQ(toFile.exitCode, 2);  // as without --output: a model could not be loaded
  EXPECT_EQ(toFile.out, "");
  EXPECT_EQ(toFile.err, "");
  EXPECT_EQ(readFile(file), toStdout.out);
  EXPECT_EQ(json::parse(readFile(file))["runs"][0]["results"][0]["ruleId"], "SL102");
}

TEST_F(ReportOptionsTest, OutputReplacesAnExistingFileAndNeverColours) {
  const fs::path file = tempDir() / "report.txt";
  {
    std::ofstream(file) << "old contents that are longer than the report will be, to catch a missing truncation\n"
                        << std::string(10000, 'x');
  }
  const testing::BinaryRun r = run({"check", "--color", "auto", "--output", file.string(), kConcat});
  EXPECT_EQ(r.exitCode, 1);
  const std::string text = readFile(file);
  EXPECT_EQ(text.rfind(kConcat + ": node 'concat0' (Concat): error[SL102 incompatible-merge]", 0), 0u) << text;
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(text.find("old contents"), std::string::npos);
}

TEST_F(ReportOptionsTest, OutputUsageErrors) {
  expectUsageError({"check", "--output", (tempDir() / "no/such/dir/r.sarif").string(), kConcat}, "does not exist");
  expectUsageError({"check", "--output", tempDir().string(), kConcat}, "not a file name");
  EXPECT_FALSE(fs::exists(tempDir() / "no"));
}

TEST_F(ReportOptionsTest, UnknownFormatIsAUsageError) {
  expectUsageError({"check", "--format", "xml", kConcat}, "--format");
}

TEST_F(ReportOptionsTest, StatisticsTableFollowsTheTextReport) {
  const testing::BinaryRun r = run({"check", "--statistics", "-q", kConcat, "tests/models/demo/unet_skip_odd.onnx"});
  EXPECT_EQ(r.exitCode, 1);
  // unet_skip_odd: two SL204 on maxpool0 and one SL102; concat_mismatch: one SL102.
  const std::string table = "  2  SL102  incompatible-merge\n  2  SL204  floor-truncation\n";
  ASSERT_GE(r.out.size(), table.size());
  EXPECT_EQ(r.out.substr(r.out.size() - table.size()), table) << r.out;
}

TEST_F(ReportOptionsTest, StatisticsInJsonAndTheGithubLog) {
  const testing::BinaryRun j = run({"check", "--format", "json", "--statistics", kConcat, kTruncated});
  const json doc = json::parse(j.out);
  EXPECT_EQ(doc["statistics"]["load_errors"], 1);
  EXPECT_EQ(doc["statistics"]["rules"][0]["code"], "SL102");
  EXPECT_FALSE(json::parse(run({"check", "--format", "json", kConcat}).out).contains("statistics"));

  const testing::BinaryRun g = run({"check", "--format", "github", "--statistics", kConcat});
  EXPECT_EQ(g.out.rfind("::error file=" + kConcat + ",title=SL102 incompatible-merge::", 0), 0u) << g.out;
  EXPECT_NE(g.out.find("\n  1  SL102  incompatible-merge\n"), std::string::npos) << g.out;
}

TEST_F(ReportOptionsTest, HelpNamesTheFormatsAndOptions) {
  const testing::BinaryRun r = run({"check", "--help"});
  for (const char* word : {"sarif", "github", "--output", "--statistics"})
    EXPECT_NE(r.out.find(word), std::string::npos) << word;
}

}  // namespace
}  // namespace shapelint::cli
