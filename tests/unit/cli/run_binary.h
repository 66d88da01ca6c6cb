// Running the shapelint binary from tests: one way, shared by every CLI suite.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

namespace shapelint::cli::testing {

namespace fs = std::filesystem;

struct BinaryRun {
  int exitCode = -1;  // the exit code, or 128 + signal
  double seconds = 0;
  std::string out;
  std::string err;
};

inline std::string shellQuote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

inline std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline size_t countLines(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

// Runs SHAPELINT_BINARY in the source directory with `args`, stdout and
// stderr captured through files in `scratch`. `env` is prefixed to the
// command ("NO_COLOR=1"); with killAfterSeconds > 0 a hang is killed
// (exit code 137) instead of blocking the suite.
inline BinaryRun runShapelint(const fs::path& scratch, const std::vector<std::string>& args,
                              const std::string& env = "", int killAfterSeconds = 0) {
  const fs::path out = scratch / "stdout";
  const fs::path err = scratch / "stderr";
  std::string command = "cd " + shellQuote(SHAPELINT_SOURCE_DIR) + " && " + env + " ";
  if (killAfterSeconds > 0) command += "timeout -s KILL " + std::to_string(killAfterSeconds) + " ";
  command += shellQuote(SHAPELINT_BINARY);
  for (const std::string& a : args) command += " " + shellQuote(a);
  command += " >" + shellQuote(out.string()) + " 2>" + shellQuote(err.string()) + " </dev/null";
  const auto start = std::chrono::steady_clock::now();
  const int status = std::system(command.c_str());
  BinaryRun r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = readFile(out);
  r.err = readFile(err);
  return r;
}

// A suite that runs the binary: one scratch directory per suite for the
// captured output, removed when the suite ends.
class BinaryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string pattern = (fs::temp_directory_path() / "shapelint_test_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    scratch_ = pattern;
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(scratch_, ec);
    scratch_.clear();
  }
  static const fs::path& tempDir() { return scratch_; }

 private:
  static inline fs::path scratch_;
};

}  // namespace shapelint::cli::testing
