// `shapelint check` end to end: --select/--ignore/--severity/--exit-zero,
// configuration files, baselines and models checked in parallel (-j).
//
// The demo model tests/models/demo/unet_skip_odd.onnx has, per README.md's
// quickstart, two SL204 warnings at 'maxpool0' and one SL102 error at
// 'concat1'; tests/models/cli/conv_channel_mismatch.onnx one SL201 at 'conv0'.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/run_binary.h"

namespace shapelint::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::BinaryRun;
using testing::countLines;
using testing::readFile;

const std::string kDemo = "tests/models/demo/unet_skip_odd.onnx";
const fs::path kSource = SHAPELINT_SOURCE_DIR;

class CheckPolicyTest : public testing::BinaryTest {
 protected:
  static BinaryRun run(const std::vector<std::string>& args) { return testing::runShapelint(tempDir(), args); }

  // check --format json ARGS: the document, after checking the exit code.
  static json runJson(std::vector<std::string> args, int expectedExit) {
    args.insert(args.begin(), {"check", "--format", "json"});
    const BinaryRun r = run(args);
    EXPECT_EQ(r.exitCode, expectedExit) << r.out << r.err;
    try {
      return json::parse(r.out);
    } catch (const json::exception& e) {
      ADD_FAILURE() << "not JSON: " << e.what() << "\n" << r.out << r.err;
      return json::object();
    }
  }

  // "SL204@maxpool0:warning" for each finding of model `index`.
  static std::vector<std::string> findings(const json& doc, size_t index = 0) {
    std::vector<std::string> out;
    for (const json& d : doc["models"][index]["diagnostics"])
      out.push_back(d["code"].get<std::string>() + "@" + d["node"].get<std::string>() + ":" +
                    d["severity"].get<std::string>());
    return out;
  }

  // How messages name a configuration file: relative to the current folder
  // when that is shorter. The binary runs in the source folder; in a clone
  // under /tmp, "../shapelint_test_X/..." is shorter than the absolute name.
  static std::string shownAs(const fs::path& path) {
    const fs::path relative = path.lexically_relative(kSource);
    return !relative.empty() && relative.native().size() < path.native().size() ? relative.string() : path.string();
  }

  // A fresh project folder (with .git, so no configuration above it is found).
  static fs::path project(const std::string& name) {
    const fs::path dir = tempDir() / name;
    fs::remove_all(dir);
    fs::create_directories(dir / ".git");
    return dir;
  }
  static void copyModel(const std::string& from, const fs::path& to) {
    fs::create_directories(to.parent_path());
    fs::copy_file(kSource / from, to, fs::copy_options::overwrite_existing);
  }
  static void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }
};

// --- selection and severity ------------------------------------------------

TEST_F(CheckPolicyTest, SelectAndIgnoreByCodeNameAndPrefix) {
  EXPECT_EQ(findings(runJson({kDemo}, 1)),
            (std::vector<std::string>{"SL204@maxpool0:warning", "SL204@maxpool0:warning", "SL102@concat1:error"}));
  EXPECT_EQ(findings(runJson({kDemo, "--select", "SL2"}, 0)),
            (std::vector<std::string>{"SL204@maxpool0:warning", "SL204@maxpool0:warning"}));
  EXPECT_EQ(findings(runJson({kDemo, "--select", "SL1,SL2", "--ignore", "floor-truncation"}, 1)),
            (std::vector<std::string>{"SL102@concat1:error"}));
  EXPECT_EQ(findings(runJson({kDemo, "--select", "incompatible-merge", "--select", "sl204"}, 1)).size(), 3u);
  EXPECT_EQ(findings(runJson({kDemo, "--ignore", "SL"}, 0)).size(), 0u);
  // --ignore wins over --select.
  EXPECT_EQ(findings(runJson({kDemo, "--select", "SL102", "--ignore", "SL1"}, 0)).size(), 0u);
}

TEST_F(CheckPolicyTest, ADroppedFindingChangesNoOther) {
  const json all = runJson({kDemo}, 1);
  const json without = runJson({kDemo, "--ignore", "SL204"}, 1);
  ASSERT_EQ(without["models"][0]["diagnostics"].size(), 1u);
  EXPECT_EQ(without["models"][0]["diagnostics"][0], all["models"][0]["diagnostics"][2]);
  EXPECT_EQ(without["models"][0]["values"], all["models"][0]["values"]);
}

TEST_F(CheckPolicyTest, SeverityOverridesAndTheExitCode) {
  EXPECT_EQ(findings(runJson({kDemo, "--severity", "SL204=error", "--ignore", "SL102"}, 1)),
            (std::vector<std::string>{"SL204@maxpool0:error", "SL204@maxpool0:error"}));
  EXPECT_EQ(findings(runJson({kDemo, "--severity", "incompatible-merge=note"}, 0)).back(), "SL102@concat1:note");
  // The most specific wins: SL2=note but SL204=error.
  EXPECT_EQ(
      findings(runJson({kDemo, "--severity", "SL204=error", "--severity", "SL2=note", "--select", "SL2"}, 1)).front(),
      "SL204@maxpool0:error");
  runJson({kDemo, "--severity", "SL204=note", "--fail-on", "warning", "--ignore", "SL102"}, 0);
  runJson({kDemo, "--severity", "SL204=warning", "--fail-on", "warning", "--ignore", "SL102"}, 1);
}

TEST_F(CheckPolicyTest, ExitZero) {
  const BinaryRun r = run({"check", kDemo, "--exit-zero"});
  EXPECT_EQ(r.exitCode, 0);
  EXPECT_NE(r.out.find("error[SL102 incompatible-merge]"), std::string::npos);
  EXPECT_EQ(run({"check", kDemo, "tests/models/cli/truncated.onnx", "--exit-zero"}).exitCode, 2);
}

TEST_F(CheckPolicyTest, UnknownEntriesAreUsageErrorsNamingTheEntry) {
  const std::map<std::vector<std::string>, std::string> cases = {
      {{"--select", "SL1,SL9"}, "'SL9'"},
      {{"--ignore", "floor-trunc"}, "'floor-trunc'"},
      {{"--severity", "nope=error"}, "'nope'"},
      {{"--severity", "SL204=fatal"}, "'SL204=fatal'"},
      {{"--severity", "SL204"}, "'SL204'"},
      {{"--jobs", "0"}, "--jobs"},
      {{"--config", "c.toml", "--isolated"}, "--isolated"},
  };
  for (const auto& [flags, named] : cases) {
    std::vector<std::string> args = {"check", kDemo};
    args.insert(args.end(), flags.begin(), flags.end());
    const BinaryRun r = run(args);
    EXPECT_EQ(r.exitCode, 2) << flags[0];
    EXPECT_EQ(r.out, "") << flags[0];
    EXPECT_EQ(countLines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find(named), std::string::npos) << r.err;
  }
}

// --- configuration ---------------------------------------------------------

TEST_F(CheckPolicyTest, ConfigIsFoundUpwardFromEachModel) {
  const fs::path dir = project("discover");
  copyModel(kDemo, dir / "models" / "seg" / "u.onnx");
  copyModel(kDemo, dir / "models" / "cls" / "u.onnx");
  copyModel("tests/models/cli/conv_channel_mismatch.onnx", dir / "other" / "c.onnx");
  write(dir / "shapelint.toml",
        "fail-on = \"warning\"\n"
        "[severity]\nSL102 = \"warning\"\n"
        "[per-path.\"models/seg/*.onnx\"]\nignore = [\"SL204\"]\n");
  // other/ has its own configuration: nearest wins, so the top one does not apply there.
  write(dir / "other" / "pyproject.toml", "[tool.shapelint]\nignore = [\"conv-channel-mismatch\"]\n");

  const json doc = runJson({(dir / "models").string(), (dir / "other").string()}, 1);
  ASSERT_EQ(doc["models"].size(), 3u);
  EXPECT_EQ(doc["models"][0]["path"], (dir / "models" / "cls" / "u.onnx").string());
  EXPECT_EQ(findings(doc, 0),
            (std::vector<std::string>{"SL204@maxpool0:warning", "SL204@maxpool0:warning", "SL102@concat1:warning"}));
  EXPECT_EQ(findings(doc, 1), (std::vector<std::string>{"SL102@concat1:warning"}));
  EXPECT_EQ(findings(doc, 2).size(), 0u);

  // fail-on = warning from the configuration; --fail-on error overrides it.
  runJson({(dir / "models").string(), "--fail-on", "error"}, 0);
  // --isolated: no configuration at all.
  EXPECT_EQ(findings(runJson({(dir / "other").string(), "--isolated"}, 1)),
            (std::vector<std::string>{"SL201@conv0:error"}));
  // --select on the command line replaces the configuration's selection, not the per-path ignore.
  EXPECT_EQ(findings(runJson({(dir / "models" / "seg").string(), "--select", "SL204"}, 0)).size(), 0u);
}

TEST_F(CheckPolicyTest, ConfigFlagAppliesOneFileToEveryModel) {
  const fs::path dir = project("configflag");
  copyModel(kDemo, dir / "a" / "u.onnx");
  write(dir / "a" / "shapelint.toml", "ignore = [\"SL1\"]\n");
  write(dir / "ci.toml", "ignore = [\"SL2\"]\n[[ignore-nodes]]\nnode = \"concat*\"\nrule = \"SL102\"\n");
  EXPECT_EQ(findings(runJson({(dir / "a").string()}, 0)).size(), 2u);
  EXPECT_EQ(findings(runJson({(dir / "a").string(), "--config", (dir / "ci.toml").string()}, 0)).size(), 0u);
  write(dir / "ci.toml", "ignore = [\"SL2\"]\n");
  EXPECT_EQ(findings(runJson({(dir / "a").string(), "--config", (dir / "ci.toml").string()}, 1)),
            (std::vector<std::string>{"SL102@concat1:error"}));
}

TEST_F(CheckPolicyTest, InvalidConfigIsOneLineNamingFileLineAndKey) {
  const fs::path dir = project("invalid");
  copyModel(kDemo, dir / "u.onnx");
  copyModel(kDemo, dir / "sub" / "v.onnx");
  write(dir / "sub" / "shapelint.toml", "select = [\"SL1\"]\n\n[per-path.\"*.onnx\"]\ndims = { H = \"big\" }\n");
  const BinaryRun r = run({"check", (dir / "u.onnx").string(), (dir / "sub" / "v.onnx").string()});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_EQ(r.out, "");  // nothing is checked
  EXPECT_EQ(r.err, shownAs(dir / "sub" / "shapelint.toml") +
                       ":4:14: error: 'per-path.\"*.onnx\".dims.H' must be an integer >= 0\n");

  write(dir / "bad.toml", "select = [\"SL1\"\n");
  const BinaryRun bad = run({"check", (dir / "u.onnx").string(), "--config", (dir / "bad.toml").string()});
  EXPECT_EQ(bad.exitCode, 2);
  EXPECT_EQ(countLines(bad.err), 1u);
  EXPECT_EQ(bad.err.rfind((dir / "bad.toml").string() + ":", 0), 0u) << bad.err;  // --config: as given
  EXPECT_NE(bad.err.find("invalid TOML"), std::string::npos) << bad.err;

  const BinaryRun missing = run({"check", (dir / "u.onnx").string(), "--config", (dir / "none.toml").string()});
  EXPECT_EQ(missing.exitCode, 2);
  EXPECT_NE(missing.err.find("none.toml: error: cannot read the configuration file"), std::string::npos) << missing.err;
}

// Symbol bindings: torch runs this depth-3 U-Net at H = 96, W = 32 and fails
// at H = 100, W = 32 (tests/models/sizes/expected.txt, written by
// tools/gen_models_sizes.py: valid H with W=32 are the multiples of 8).
TEST_F(CheckPolicyTest, ConfigDimsBindTheModelsSymbols) {
  const fs::path dir = project("dims");
  copyModel("tests/models/sizes/unet_pool_ct_d3.onnx", dir / "seg" / "unet.onnx");
  write(dir / "shapelint.toml", "[per-path.\"seg/*.onnx\"]\ndims = { H = 96, W = 32 }\n");
  const json valid = runJson({(dir / "seg").string()}, 0);
  EXPECT_EQ(valid["models"][0]["values"]["x"], json::parse("[1, 1, 96, 32]"));
  EXPECT_EQ(findings(valid).size(), 0u);  // no SL103 either: every size is known

  write(dir / "shapelint.toml", "[per-path.\"seg/*.onnx\"]\ndims = { H = 100, W = 32 }\n");
  const json invalid = runJson({(dir / "seg").string()}, 1);
  EXPECT_EQ(invalid["models"][0]["values"]["x"], json::parse("[1, 1, 100, 32]"));
  bool merge = false;
  for (const std::string& f : findings(invalid)) merge = merge || f.rfind("SL102@/Concat", 0) == 0;
  EXPECT_TRUE(merge) << invalid["models"][0]["diagnostics"].dump();

  // input-shape with a symbol, bound by dims; the command line's --input-shape wins.
  write(dir / "shapelint.toml", "input-shape = [\"x:1x1xHx32\"]\ndims = { H = 96 }\n");
  EXPECT_EQ(runJson({(dir / "seg").string()}, 0)["models"][0]["values"]["x"], json::parse("[1, 1, 96, 32]"));
  EXPECT_EQ(runJson({(dir / "seg").string(), "--input-shape", "x:1x1x104x40"}, 0)["models"][0]["values"]["x"],
            json::parse("[1, 1, 104, 40]"));
}

// --- baselines -----------------------------------------------------------

TEST_F(CheckPolicyTest, BaselineRecordsThenReportsOnlyNewFindings) {
  const fs::path dir = project("baseline");
  copyModel(kDemo, dir / "models" / "u.onnx");
  copyModel("tests/models/cli/clean_convnet.onnx", dir / "models" / "c.onnx");
  const fs::path file = dir / "ci" / "shapelint-baseline.json";
  fs::create_directories(file.parent_path());

  const BinaryRun written = run({"check", (dir / "models").string(), "--write-baseline", file.string()});
  EXPECT_EQ(written.exitCode, 0);  // recording accepts the findings
  EXPECT_EQ(written.err, "shapelint: 3 findings recorded in " + file.string() + "\n");
  const json recorded = json::parse(readFile(file));
  EXPECT_EQ(recorded["findings"], json::parse(R"([
      {"model": "../models/u.onnx", "code": "SL102", "rule": "incompatible-merge", "node": "concat1", "count": 1},
      {"model": "../models/u.onnx", "code": "SL204", "rule": "floor-truncation", "node": "maxpool0", "count": 2}])"));

  // Nothing new: clean, and the text says what the baseline hides.
  const BinaryRun again = run({"check", (dir / "models").string(), "--baseline", file.string()});
  EXPECT_EQ(again.exitCode, 0) << again.out;
  EXPECT_EQ(again.out, "no findings in 2 models\n" + file.string() + ": 3 known findings not shown\n");

  // c.onnx becomes a model with an SL201 error, u.onnx a clean one.
  copyModel("tests/models/cli/conv_channel_mismatch.onnx", dir / "models" / "c.onnx");
  copyModel("tests/models/cli/clean_convnet.onnx", dir / "models" / "u.onnx");
  const json doc = runJson({(dir / "models").string(), "--baseline", file.string()}, 1);
  EXPECT_EQ(findings(doc, 0), (std::vector<std::string>{"SL201@conv0:error"}));
  EXPECT_EQ(doc["baseline"], json::parse(R"({"file": ")" + file.string() + R"(", "suppressed": 0, "fixed": [
      {"model": "../models/u.onnx", "code": "SL102", "rule": "incompatible-merge", "node": "concat1",
       "recorded": 1, "found": 0},
      {"model": "../models/u.onnx", "code": "SL204", "rule": "floor-truncation", "node": "maxpool0",
       "recorded": 2, "found": 0}]})"));
  const BinaryRun text = run({"check", (dir / "models").string(), "--baseline", file.string(), "--ignore", "SL201"});
  EXPECT_EQ(text.exitCode, 0);
  EXPECT_NE(text.out.find(file.string() + ": 2 recorded findings no longer occur"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  ../models/u.onnx: node 'maxpool0': SL204 floor-truncation: recorded 2, found 0\n"),
            std::string::npos)
      << text.out;
}

TEST_F(CheckPolicyTest, BaselineIsAppliedAfterSelectionAndMatchesByCount) {
  const fs::path dir = project("baseline_count");
  copyModel(kDemo, dir / "u.onnx");
  const fs::path file = dir / "b.json";
  // Record one of the two SL204 at maxpool0 only.
  write(file, R"({"version": 1, "findings": [
      {"model": "u.onnx", "code": "SL204", "node": "maxpool0", "count": 1}]})");
  const json doc = runJson({(dir / "u.onnx").string(), "--baseline", file.string(), "--select", "SL2"}, 0);
  EXPECT_EQ(findings(doc), (std::vector<std::string>{"SL204@maxpool0:warning"}));
  EXPECT_EQ(doc["baseline"]["suppressed"], 1);
  EXPECT_EQ(doc["baseline"]["fixed"], json::array());

  write(file, "{\"version\": 1}");
  const BinaryRun bad = run({"check", (dir / "u.onnx").string(), "--baseline", file.string()});
  EXPECT_EQ(bad.exitCode, 2);
  EXPECT_EQ(bad.err,
            "shapelint: error: " + file.string() + ": not a shapelint baseline: expected a \"findings\" array\n");
}

// --- many models -----------------------------------------------------------

TEST_F(CheckPolicyTest, ParallelOutputEqualsSerialAndABadFileDoesNotStopTheRest) {
  const fs::path dir = project("many");
  const std::vector<std::string> sources = {kDemo,
                                            "tests/models/cli/conv_channel_mismatch.onnx",
                                            "tests/models/cli/clean_convnet.onnx",
                                            "tests/models/cli/concat_mismatch.onnx",
                                            "tests/models/cli/declared_mismatch.onnx",
                                            "tests/models/cli/unknown_dims.onnx",
                                            "tests/models/sizes/unet_pool_ct_d3.onnx"};
  for (int copy = 0; copy < 3; ++copy)
    for (size_t i = 0; i < sources.size(); ++i)
      copyModel(sources[i], dir / ("d" + std::to_string(copy)) / ("m" + std::to_string(i) + ".onnx"));
  copyModel("tests/models/cli/truncated.onnx", dir / "d1" / "m3b.onnx");

  const BinaryRun serial = run({"check", dir.string(), "-j", "1"});
  EXPECT_EQ(serial.exitCode, 2);  // one model cannot be loaded, all the others are reported
  EXPECT_NE(serial.out.find((dir / "d1" / "m3b.onnx").string() + ": error:"), std::string::npos);
  EXPECT_NE(serial.out.find("in 22 models; 1 model could not be loaded"), std::string::npos) << serial.out;
  for (const std::string jobs : {"2", "4", "16"}) {
    const BinaryRun parallel = run({"check", dir.string(), "--jobs", jobs});
    EXPECT_EQ(parallel.exitCode, 2);
    EXPECT_EQ(parallel.out, serial.out) << "-j " << jobs;
    EXPECT_EQ(parallel.err, serial.err);
  }
  const BinaryRun byDefault = run({"check", "--format", "json", dir.string()});
  EXPECT_EQ(byDefault.out, run({"check", "--format", "json", dir.string(), "-j", "1"}).out);
  const json doc = json::parse(byDefault.out);
  std::vector<std::string> paths;
  for (const json& m : doc["models"]) paths.push_back(m["path"]);
  ASSERT_EQ(paths.size(), 22u);
  EXPECT_TRUE(std::is_sorted(paths.begin(), paths.end()));
}

}  // namespace
}  // namespace shapelint::cli
