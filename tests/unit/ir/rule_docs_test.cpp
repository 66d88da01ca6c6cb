// docs/rules/ is checked against the rule table: one page per rule, fixed
// sections, and the summary is the first sentence of "What it does".
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "shapelint/diag/rule_docs.h"
#include "shapelint/diag/rules.h"

namespace shapelint::diag {
namespace {

const std::filesystem::path kDocs = std::filesystem::path(SHAPELINT_SOURCE_DIR) / "docs" / "rules";

std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(RuleDocs, every_rule_has_a_page_with_the_fixed_sections) {
  for (const Rule& r : allRules()) {
    const auto path = kDocs / (std::string(r.code) + ".md");
    ASSERT_TRUE(std::filesystem::exists(path)) << "missing " << path;
    const std::string doc = readFile(path);
    const std::string title = "# " + std::string(r.code) + " " + std::string(r.name) + "\n";
    EXPECT_EQ(doc.rfind(title, 0), 0u) << path << " must start with '" << title << "'";
    EXPECT_NE(doc.find("Default severity: " + std::string(severityName(r.severity)) + "\n"), std::string::npos)
        << path;
    for (const char* section : {"## What it does\n", "## Why is this bad?\n", "## Example\n", "## How to fix\n"})
      EXPECT_NE(doc.find(section), std::string::npos) << path << " lacks " << section;
    const std::string what = "## What it does\n" + std::string(r.summary);
    EXPECT_NE(doc.find(what), std::string::npos) << path << ": 'What it does' must open with the summary: " << r.summary;
  }
}

TEST(RuleDocs, every_page_belongs_to_a_rule) {
  for (const auto& entry : std::filesystem::directory_iterator(kDocs)) {
    const std::string stem = entry.path().stem().string();
    EXPECT_NE(findRule(stem), nullptr) << entry.path() << " documents no rule in the table";
  }
}

TEST(RuleDocs, the_binary_embeds_every_page_as_it_is_in_the_tree) {
  for (const Rule& r : allRules()) {
    const std::string page = readFile(kDocs / (std::string(r.code) + ".md"));
    EXPECT_EQ(ruleDoc(r), page) << r.code << ": the embedded page is stale";
  }
  EXPECT_TRUE(ruleDoc(Rule{RuleId::kCount_, "SL999", "none", Severity::kNote, ""}).empty());
}

}  // namespace
}  // namespace shapelint::diag
