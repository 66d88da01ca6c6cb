// Rule selectors and the per-model policy (shapelint/driver/selection.h).
// Expected rule sets are read off the rule table in README.md "Rules".
#include "shapelint/driver/selection.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace shapelint {
namespace {

using diag::RuleId;
using diag::Severity;

std::set<std::string> codes(const RuleSet& rules) {
  std::set<std::string> out;
  for (const diag::Rule& r : diag::allRules())
    if (rules.test(static_cast<size_t>(r.id))) out.emplace(r.code);
  return out;
}

std::set<std::string> match(const std::string& entry) {
  const std::optional<RuleSet> rules = matchRules(entry);
  return rules ? codes(*rules) : std::set<std::string>{"<none>"};
}

RuleSet only(std::initializer_list<RuleId> ids) {
  RuleSet s;
  for (RuleId id : ids) s.set(static_cast<size_t>(id));
  return s;
}

diag::Diagnostic finding(RuleId rule, const std::string& node, const std::string& message) {
  diag::Diagnostic d;
  d.rule = rule;
  d.severity = diag::rule(rule).severity;
  d.node = node;
  d.message = message;
  d.details = {"detail of " + message};
  d.notes = {{"other", "note of " + message}};
  d.help = "help of " + message;
  return d;
}

TEST(RuleSelector, CodeNameAndPrefix) {
  EXPECT_EQ(match("SL102"), (std::set<std::string>{"SL102"}));
  EXPECT_EQ(match("sl102"), (std::set<std::string>{"SL102"}));  // codes in any case
  EXPECT_EQ(match("incompatible-merge"), (std::set<std::string>{"SL102"}));
  EXPECT_EQ(match(" floor-truncation "), (std::set<std::string>{"SL204"}));
  // README's table: SL101 to SL105 are the SL1xx rules.
  EXPECT_EQ(match("SL1"), (std::set<std::string>{"SL101", "SL102", "SL103", "SL104", "SL105"}));
  EXPECT_EQ(match("SL10"), (std::set<std::string>{"SL101", "SL102", "SL103", "SL104", "SL105"}));
  EXPECT_EQ(match("SL20"), (std::set<std::string>{"SL201", "SL202", "SL203", "SL204", "SL205", "SL206", "SL207"}));
  EXPECT_EQ(match("SL").size(), diag::allRules().size());
}

TEST(RuleSelector, UnknownEntriesMatchNothing) {
  EXPECT_EQ(match("SL9"), (std::set<std::string>{"<none>"}));
  EXPECT_EQ(match("SL1023"), (std::set<std::string>{"<none>"}));
  EXPECT_EQ(match("S"), (std::set<std::string>{"<none>"}));
  EXPECT_EQ(match("SLx"), (std::set<std::string>{"<none>"}));
  EXPECT_EQ(match("incompatible"), (std::set<std::string>{"<none>"}));  // names are not prefixes
  EXPECT_EQ(match("Incompatible-Merge"), (std::set<std::string>{"<none>"}));
  EXPECT_EQ(match(""), (std::set<std::string>{"<none>"}));
}

TEST(RuleSelector, SplitsCommaLists) {
  EXPECT_EQ(splitRuleList("SL1, floor-truncation,,SL3 "), (std::vector<std::string>{"SL1", "floor-truncation", "SL3"}));
  EXPECT_TRUE(splitRuleList("").empty());
}

TEST(ModelPolicy, IgnoreWinsOverSelectInALayer) {
  ModelPolicy policy;
  SelectionLayer layer;
  layer.select = *matchRules("SL1");
  layer.ignore = *matchRules("SL102");
  policy.apply(layer);
  EXPECT_EQ(codes(policy.enabled), (std::set<std::string>{"SL101", "SL103", "SL104", "SL105"}));
}

TEST(ModelPolicy, ALaterSelectReplacesAndALaterIgnoreRemoves) {
  ModelPolicy policy;
  SelectionLayer config;
  config.ignore = *matchRules("SL204");
  policy.apply(config);
  EXPECT_FALSE(policy.isEnabled(RuleId::kFloorTruncation));
  EXPECT_TRUE(policy.isEnabled(RuleId::kIncompatibleMerge));

  SelectionLayer cli;
  cli.select = *matchRules("SL204");  // the command line selects it again
  policy.apply(cli);
  EXPECT_EQ(codes(policy.enabled), (std::set<std::string>{"SL204"}));
}

TEST(ModelPolicy, TheMostSpecificSeverityWins) {
  ModelPolicy policy;
  SelectionLayer layer;
  layer.severity = {{*matchRules("SL204"), Severity::kError}, {*matchRules("SL2"), Severity::kNote}};
  policy.apply(layer);
  EXPECT_EQ(policy.severity[static_cast<size_t>(RuleId::kFloorTruncation)], Severity::kError);
  EXPECT_EQ(policy.severity[static_cast<size_t>(RuleId::kConvChannelMismatch)], Severity::kNote);
  EXPECT_EQ(policy.severity[static_cast<size_t>(RuleId::kIncompatibleMerge)], std::nullopt);

  // Equally specific: the later one.
  SelectionLayer again;
  again.severity = {{*matchRules("SL204"), Severity::kNote}, {*matchRules("floor-truncation"), Severity::kWarning}};
  policy.apply(again);
  EXPECT_EQ(policy.severity[static_cast<size_t>(RuleId::kFloorTruncation)], Severity::kWarning);
}

TEST(ModelPolicy, FilterDropsAndOverridesWithoutChangingTheOthers) {
  const std::vector<diag::Diagnostic> all = {
      finding(RuleId::kFloorTruncation, "encoder.pool1", "a"),
      finding(RuleId::kFloorTruncation, "decoder.pool1", "b"),
      finding(RuleId::kIncompatibleMerge, "encoder.concat", "c"),
      finding(RuleId::kConvChannelMismatch, "decoder.conv", "d"),
      finding(RuleId::kUnsupportedOp, "", "e"),
  };
  ModelPolicy policy;
  SelectionLayer layer;
  layer.ignore = only({RuleId::kUnsupportedOp});
  layer.severity = {{only({RuleId::kIncompatibleMerge}), Severity::kWarning}};
  policy.apply(layer);
  policy.ignoreNodes = {{only({RuleId::kFloorTruncation}), "encoder.*"}, {RuleSet(), "decoder.c?nv"}};

  const std::vector<diag::Diagnostic> kept = policy.filter(all);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].message, "b");  // SL204 at decoder.*: not ignored (the pattern is encoder.*)
  EXPECT_EQ(kept[0].severity, Severity::kWarning);
  EXPECT_EQ(kept[0].details, all[1].details);
  EXPECT_EQ(kept[0].help, all[1].help);
  ASSERT_EQ(kept[0].notes.size(), 1u);
  EXPECT_EQ(kept[0].notes[0].message, all[1].notes[0].message);
  EXPECT_EQ(kept[1].message, "c");                  // the SL204 ignore does not cover SL102 at encoder.concat
  EXPECT_EQ(kept[1].severity, Severity::kWarning);  // overridden from error
}

TEST(NodePattern, ShellWildcardsAcrossSlashesAndDots) {
  EXPECT_TRUE(nodeMatches("encoder.*", "encoder.layer1.conv"));
  EXPECT_TRUE(nodeMatches("/encoder/*", "/encoder/layer1/Conv"));
  EXPECT_TRUE(nodeMatches("*Pool*", "/down.0/MaxPool"));
  EXPECT_TRUE(nodeMatches("conv?", "conv3"));
  EXPECT_TRUE(nodeMatches("conv[12]", "conv2"));
  EXPECT_FALSE(nodeMatches("conv[12]", "conv3"));
  EXPECT_FALSE(nodeMatches("encoder.*", "decoder.encoder.x"));
  EXPECT_TRUE(nodeMatches("*", ""));
  EXPECT_FALSE(nodeMatches("x", ""));
}

}  // namespace
}  // namespace shapelint
