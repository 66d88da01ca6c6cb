// Golden tests: the whole output of `shapelint check` in every format, for
// models with known findings, compared byte for byte with tests/golden/NAME.out.
// The cases are listed in tests/golden/cases.txt; tests/golden/README.md says
// what is substituted before comparing and how to regenerate
// (SHAPELINT_UPDATE_GOLDEN=1).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cli/run_binary.h"

namespace shapelint::cli {
namespace {

namespace fs = std::filesystem;
using testing::readFile;

const fs::path kGoldenDir = fs::path(SHAPELINT_SOURCE_DIR) / "tests/golden";

struct GoldenCase {
  std::string name;
  int exitCode = 0;
  std::vector<std::string> args;
};

std::vector<GoldenCase> readCases() {
  std::vector<GoldenCase> cases;
  std::istringstream lines(readFile(kGoldenDir / "cases.txt"));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    GoldenCase c;
    words >> c.name >> c.exitCode;
    for (std::string w; words >> w;) c.args.push_back(w);
    cases.push_back(std::move(c));
  }
  return cases;
}

// The parts of the output that change without the findings changing: the
// release and the rule doc pages (README.md in tests/golden).
std::string normalize(const std::string& out, const std::string& version) {
  std::string text = out;
  const std::string versionKey = "\"version\": \"" + version + "\"";
  for (size_t at = text.find(versionKey); at != std::string::npos; at = text.find(versionKey, at))
    text.replace(at, versionKey.size(), "\"version\": \"@VERSION@\"");
  static const std::regex kDocPage(R"re(("markdown": )".*")re");
  return std::regex_replace(text, kDocPage, "$1\"@RULE_DOC_PAGE@\"");
}

class GoldenTest : public testing::BinaryTest {
 protected:
  static std::string version() {
    const testing::BinaryRun r = testing::runShapelint(tempDir(), {"--version"});
    const std::string prefix = "shapelint ";
    EXPECT_EQ(r.out.rfind(prefix, 0), 0u) << r.out;
    return r.out.substr(prefix.size(), r.out.size() - prefix.size() - 1);  // without the newline
  }
};

TEST_F(GoldenTest, EveryCaseMatchesItsGolden) {
  const std::vector<GoldenCase> cases = readCases();
  ASSERT_GE(cases.size(), 4u);
  const bool update = std::getenv("SHAPELINT_UPDATE_GOLDEN") != nullptr;
  const std::string ver = version();
  for (const GoldenCase& c : cases) {
    SCOPED_TRACE("golden case '" + c.name + "'");
    const testing::BinaryRun r = testing::runShapelint(tempDir(), c.args, "NO_COLOR=1");
    EXPECT_EQ(r.exitCode, c.exitCode) << r.err;
    EXPECT_EQ(r.err, "");
    const std::string actual = normalize(r.out, ver);
    const fs::path golden = kGoldenDir / (c.name + ".out");
    if (update) {
      std::ofstream(golden, std::ios::binary) << actual;
      continue;
    }
    ASSERT_TRUE(fs::exists(golden)) << golden << " is missing; SHAPELINT_UPDATE_GOLDEN=1 writes it";
    EXPECT_EQ(actual, readFile(golden)) << "stale golden " << golden
                                        << " (see tests/golden/README.md to regenerate, then review the diff)";
  }
}

// Every golden file belongs to a case, so none goes stale unnoticed.
TEST_F(GoldenTest, NoGoldenWithoutACase) {
  std::vector<std::string> names;
  for (const GoldenCase& c : readCases()) names.push_back(c.name + ".out");
  for (const fs::directory_entry& e : fs::directory_iterator(kGoldenDir)) {
    if (e.path().extension() != ".out") continue;
    EXPECT_NE(std::find(names.begin(), names.end(), e.path().filename().string()), names.end())
        << e.path() << " has no line in cases.txt";
  }
}

}  // namespace
}  // namespace shapelint::cli
