#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>

#include "shapelint/diag/rules.h"

namespace shapelint::diag {
namespace {

TEST(RuleTable, rows_follow_the_enum) {
  ASSERT_EQ(allRules().size(), static_cast<size_t>(RuleId::kCount_));
  for (size_t i = 0; i < allRules().size(); ++i) {
    const auto id = static_cast<RuleId>(i);
    EXPECT_EQ(rule(id).id, id) << "row " << i << " (" << allRules()[i].code << ") is out of enum order";
  }
}

TEST(RuleTable, codes_and_names_are_unique_and_well_formed) {
  std::set<std::string_view> codes, names;
  for (const Rule& r : allRules()) {
    EXPECT_TRUE(codes.insert(r.code).second) << "duplicate code " << r.code;
    EXPECT_TRUE(names.insert(r.name).second) << "duplicate name " << r.name;
    ASSERT_EQ(r.code.size(), 5u) << r.code;
    EXPECT_EQ(r.code.substr(0, 2), "SL") << r.code;
    for (char c : r.code.substr(2)) EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(c))) << r.code;
    for (char c : r.name) EXPECT_TRUE(std::islower(static_cast<unsigned char>(c)) || c == '-') << r.name;
    EXPECT_FALSE(r.summary.empty()) << r.code;
    EXPECT_EQ(r.summary.back(), '.') << r.code << ": a summary is a sentence";
  }
}

TEST(RuleTable, lookup_by_code_or_name) {
  ASSERT_NE(findRule("SL101"), nullptr);
  EXPECT_EQ(findRule("SL101")->name, "declared-shape-mismatch");
  ASSERT_NE(findRule("conv-channel-mismatch"), nullptr);
  EXPECT_EQ(findRule("conv-channel-mismatch")->code, "SL201");
  EXPECT_EQ(findRule("SL999"), nullptr);
}

TEST(Severity, parse_and_print_round_trip) {
  for (Severity s : {Severity::kNote, Severity::kWarning, Severity::kError})
    EXPECT_EQ(parseSeverity(severityName(s)), s);
  EXPECT_FALSE(parseSeverity("fatal").has_value());
}

}  // namespace
}  // namespace shapelint::diag
