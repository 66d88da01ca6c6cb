// Robustness: the binary on every hostile model tools/gen_models_robust.py
// writes to tests/models/robust/, each against the outcome the generator
// writes beside it in tests/models/robust/expected.txt. Whatever the model,
// the process exits by itself (no signal, code < 128), promptly, with at most
// one line on standard error, and with the expected outcome: exit 0 (and the
// expected shape of y), exit 1 with the named rule at the named node, or exit 2
// with a one-line load error naming the file.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/run_binary.h"

namespace shapelint::cli {
namespace {

namespace fs = std::filesystem;
using testing::countLines;
using testing::shellQuote;
using testing::readFile;
using RunResult = testing::BinaryRun;
using nlohmann::json;

const std::string kModels = "tests/models/robust/";
const std::string kExpected = "expected.txt";
// A model this small is checked in milliseconds; anything near this is a hang.
constexpr double kPromptSeconds = 10.0;
// Killed after this long, so that a hang fails the test instead of blocking it.
constexpr int kKillSeconds = 60;
constexpr uintmax_t kMaxModelBytes = 50'000;

// One line of expected.txt: FILE EXIT CODE NODE Y FRAGMENT..., '-' for none.
struct Case {
  std::string file;
  int exitCode = -1;
  std::string code;                    // exit 1: the rule code
  std::string node;                    // exit 1: the node ("" for a graph-level finding)
  std::string y;                       // exit 0: JSON shape of graph output y, or ""
  std::vector<std::string> fragments;  // exit 1: in the message; exit 2: in the load error
};

// GoogleTest names a failing case by its file, not by its bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.file; }

std::vector<std::string> splitTabs(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, '\t')) fields.push_back(field);
  return fields;
}

std::vector<Case> readCases() {
  std::vector<Case> cases;
  std::istringstream in(readFile(fs::path(SHAPELINT_SOURCE_DIR) / kModels / kExpected));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> f = splitTabs(line);
    if (f.size() < 5) continue;  // CasesCoverEveryModel reports the count mismatch
    auto field = [](const std::string& s) { return s == "-" ? std::string() : s; };
    Case c;
    c.file = f[0];
    c.exitCode = std::atoi(f[1].c_str());
    c.code = field(f[2]);
    c.node = field(f[3]);
    c.y = field(f[4]);
    c.fragments.assign(f.begin() + 5, f.end());
    cases.push_back(std::move(c));
  }
  return cases;
}

class RobustTest : public testing::BinaryTest {
 protected:
  // Runs the binary in the source directory under `timeout`: a hang is killed
  // (status 137) instead of blocking the suite.
  static RunResult run(const std::vector<std::string>& args) {
    return testing::runShapelint(tempDir(), args, "", kKillSeconds);
  }

  // The process ended by itself, promptly, with at most one line on stderr.
  static void expectWellBehaved(const RunResult& r, const std::string& what) {
    EXPECT_LT(r.exitCode, 128) << what << ": killed by a signal or by the timeout (status " << r.exitCode << ")\n"
                             << r.err;
    EXPECT_LT(r.seconds, kPromptSeconds) << what << ": took " << r.seconds << " s";
    EXPECT_LE(countLines(r.err), 1u) << what << ": stderr has more than one line:\n" << r.err;
    if (!r.err.empty()) {
      EXPECT_EQ(r.err.back(), '\n') << what << ": stderr is not one whole line:\n" << r.err;
    }
  }

};

// "rule SL301 at 'conv0': message" for each diagnostic, for failure messages.
std::string listDiagnostics(const json& model) {
  std::string text;
  for (const json& d : model.value("diagnostics", json::array())) {
    text += "  " + d.value("code", std::string("?")) + " " + d.value("severity", std::string("?")) + " at '" +
            d.value("node", std::string("?")) + "': " + d.value("message", std::string("?")) + "\n";
  }
  return text.empty() ? "  (no diagnostics)\n" : text;
}

bool containsAll(const std::string& text, const std::vector<std::string>& fragments) {
  return std::all_of(fragments.begin(), fragments.end(),
                     [&](const std::string& f) { return text.find(f) != std::string::npos; });
}

class RobustModelTest : public RobustTest, public ::testing::WithParamInterface<Case> {};

TEST_P(RobustModelTest, HasItsExpectedOutcome) {
  const Case& c = GetParam();
  const std::string path = kModels + c.file;
  const RunResult r = run({"check", "--format", "json", path});
  expectWellBehaved(r, path);
  ASSERT_EQ(r.exitCode, c.exitCode) << path << "\n" << r.out << r.err;

  json out;
  try {
    out = json::parse(r.out);
  } catch (const json::exception& e) {
    FAIL() << path << ": stdout is not JSON: " << e.what() << "\n" << r.out;
  }
  ASSERT_TRUE(out.contains("models") && out["models"].size() == 1u) << r.out;
  const json& model = out["models"][0];
  EXPECT_EQ(model["path"], path);

  if (c.exitCode == 2) {
    ASSERT_EQ(model["status"], "load-error") << r.out;
    const std::string error = model.value("error", std::string());
    EXPECT_EQ(error.find('\n'), std::string::npos) << "the load error is not one line: " << error;
    EXPECT_NE(error.find(c.file), std::string::npos) << "the load error does not name the file: " << error;
    EXPECT_TRUE(containsAll(error, c.fragments)) << "load error: " << error;
    return;
  }

  ASSERT_EQ(model["status"], "ok") << r.out;
  if (c.exitCode == 0) {
    for (const json& d : model["diagnostics"]) {
      EXPECT_NE(d["severity"], "error") << listDiagnostics(model);
    }
    if (!c.y.empty()) {
      EXPECT_EQ(model["graph_outputs"]["y"], json::parse(c.y)) << listDiagnostics(model);
    }
    return;
  }

  bool found = false;
  for (const json& d : model["diagnostics"]) {
    if (d["code"] == c.code && d["node"] == c.node && containsAll(d.value("message", std::string()), c.fragments)) {
      found = true;
      EXPECT_EQ(d["severity"], "error") << d.dump();
    }
  }
  std::string wanted = c.code + " at '" + c.node + "' with";
  for (const std::string& f : c.fragments) wanted += " \"" + f + "\"";
  EXPECT_TRUE(found) << path << ": expected " << wanted << "; got\n" << listDiagnostics(model);
}

// Text output goes through its own reporter: the same exit code, no crash.
TEST_P(RobustModelTest, TextFormatHasTheSameExitCode) {
  const Case& c = GetParam();
  const std::string path = kModels + c.file;
  const RunResult r = run({"check", "--color", "never", path});
  expectWellBehaved(r, path);
  EXPECT_EQ(r.exitCode, c.exitCode) << path << "\n" << r.out << r.err;
}

// The test is named after the model: HasItsExpectedOutcome/conv_strides_0.
std::string caseName(const ::testing::TestParamInfo<Case>& param) {
  std::string name = fs::path(param.param.file).stem().string();
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Models, RobustModelTest, ::testing::ValuesIn(readCases()), caseName);

// expected.txt names every model in the directory, once, and each model is small.
TEST_F(RobustTest, CasesCoverEveryModel) {
  const fs::path dir = fs::path(SHAPELINT_SOURCE_DIR) / kModels;
  ASSERT_TRUE(fs::exists(dir / kExpected)) << "run tools/gen_models_robust.py";
  std::set<std::string> onDisk;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".onnx") continue;
    onDisk.insert(e.path().filename().string());
    EXPECT_LT(e.file_size(), kMaxModelBytes) << e.path();
  }
  std::multiset<std::string> listed;
  for (const Case& c : readCases()) {
    listed.insert(c.file);
    EXPECT_TRUE(c.exitCode == 0 || c.exitCode == 1 || c.exitCode == 2) << c.file;
    if (c.exitCode == 1) {
      EXPECT_FALSE(c.code.empty()) << c.file << ": exit 1 names no rule";
    }
  }
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()), onDisk);
  EXPECT_EQ(listed.size(), onDisk.size()) << "a model is listed twice in expected.txt";
  EXPECT_GE(onDisk.size(), 50u);
}

// All of them in one run: one load error (exit 2), every model still reported.
TEST_F(RobustTest, WholeDirectoryInOneRun) {
  const std::vector<Case> cases = readCases();
  const RunResult r = run({"check", "--format", "json", kModels});
  expectWellBehaved(r, kModels);
  const bool anyLoadError = std::any_of(cases.begin(), cases.end(), [](const Case& c) { return c.exitCode == 2; });
  EXPECT_EQ(r.exitCode, anyLoadError ? 2 : 1);
  json out;
  try {
    out = json::parse(r.out);
  } catch (const json::exception& e) {
    FAIL() << "stdout is not JSON: " << e.what();
  }
  EXPECT_EQ(out["models"].size(), cases.size());
}

TEST_F(RobustTest, GeneratedModelsAreUpToDate) {
  if (std::system("/usr/bin/python3 -c 'import onnx' >/dev/null 2>&1") != 0) GTEST_SKIP() << "python3-onnx missing";
  const std::string command =
      "cd " + shellQuote(SHAPELINT_SOURCE_DIR) + " && /usr/bin/python3 tools/gen_models_robust.py --check";
  EXPECT_EQ(std::system(command.c_str()), 0) << "rerun tools/gen_models_robust.py and commit tests/models/robust/";
}

}  // namespace
}  // namespace shapelint::cli
