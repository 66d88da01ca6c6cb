// Baselines (shapelint/driver/baseline.h): keys, the file, matching with
// counts, and the entries that no longer occur.
#include "shapelint/driver/baseline.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace shapelint {
namespace {

namespace fs = std::filesystem;
using diag::RuleId;

diag::Diagnostic finding(RuleId rule, const std::string& node, const std::string& message) {
  diag::Diagnostic d;
  d.rule = rule;
  d.severity = diag::rule(rule).severity;
  d.node = node;
  d.message = message;
  return d;
}

report::ModelReport model(const std::string& path, std::vector<diag::Diagnostic> diagnostics) {
  report::ModelReport r;
  r.path = path;
  r.diagnostics = std::move(diagnostics);
  return r;
}

std::vector<std::string> messages(const report::ModelReport& r) {
  std::vector<std::string> out;
  for (const diag::Diagnostic& d : r.diagnostics) out.push_back(d.message);
  return out;
}

TEST(Baseline, ModelKeysAreRelativeToTheBaselineFolderWithSlashes) {
  EXPECT_EQ(baselineModelKey("/repo", "/repo/models/a.onnx"), "models/a.onnx");
  EXPECT_EQ(baselineModelKey("/repo/ci", "/repo/models/./x/../a.onnx"), "../models/a.onnx");
  // A relative model path is taken from the current folder.
  const fs::path cwd = fs::current_path();
  EXPECT_EQ(baselineModelKey(cwd, "m/b.onnx"), "m/b.onnx");
}

TEST(Baseline, WriteThenReadRoundTripsWithCounts) {
  const std::vector<report::ModelReport> reports = {
      model("/repo/models/a.onnx",
            {finding(RuleId::kFloorTruncation, "pool", "axis 2"), finding(RuleId::kFloorTruncation, "pool", "axis 3"),
             finding(RuleId::kIncompatibleMerge, "concat", "m")}),
      model("/repo/models/b.onnx", {finding(RuleId::kUnsupportedOp, "", "g")}),
  };
  const Baseline written = makeBaseline(reports, "/repo/shapelint-baseline.json");
  EXPECT_EQ(written.dir, fs::path("/repo"));
  const std::string text = renderBaseline(written);
  const nlohmann::json doc = nlohmann::json::parse(text);
  EXPECT_EQ(doc["version"], 1);
  ASSERT_EQ(doc["findings"].size(), 3u);
  EXPECT_EQ(doc["findings"][0],
            nlohmann::json::parse(R"({"model": "models/a.onnx", "code": "SL102", "rule": "incompatible-merge",
                                      "node": "concat", "count": 1})"));
  EXPECT_EQ(doc["findings"][1]["count"], 2);  // the two SL204 at 'pool': one key, counted
  EXPECT_EQ(doc["findings"][2]["node"], "");
  EXPECT_EQ(text.find("axis 2"), std::string::npos);  // no message text

  const Baseline read = parseBaseline(text, "/repo/shapelint-baseline.json");
  EXPECT_EQ(read.counts, written.counts);
}

TEST(Baseline, OnlyNewFindingsAreKeptAndFewerOccurrencesAreFixed) {
  Baseline baseline;
  baseline.dir = "/repo";
  baseline.counts[{"models/a.onnx", "SL204", "pool"}] = 1;
  baseline.counts[{"models/a.onnx", "SL102", "concat"}] = 2;
  baseline.counts[{"models/a.onnx", "SL201", "conv"}] = 1;
  baseline.counts[{"models/a.onnx", "SL403", "up"}] = 1;    // a rule not selected in this run
  baseline.counts[{"models/gone.onnx", "SL102", "x"}] = 1;  // a model not in this run

  std::vector<report::ModelReport> reports = {
      model("/repo/models/a.onnx",
            {finding(RuleId::kFloorTruncation, "pool", "first"), finding(RuleId::kFloorTruncation, "pool", "second"),
             finding(RuleId::kIncompatibleMerge, "concat", "merge"),
             finding(RuleId::kFloorTruncation, "pool2", "other node")}),
  };
  RuleSet enabled = RuleSet().set();
  enabled.reset(static_cast<size_t>(RuleId::kConvTransposeSameOutputPadding));
  const BaselineOutcome outcome = applyBaseline(baseline, "b.json", reports, {enabled});
  // One SL204 at 'pool' recorded: the first is known, the second is new.
  EXPECT_EQ(messages(reports[0]), (std::vector<std::string>{"second", "other node"}));
  EXPECT_EQ(outcome.suppressed, 2u);
  ASSERT_EQ(outcome.fixed.size(), 2u);
  EXPECT_EQ(outcome.fixed[0].key, (BaselineKey{"models/a.onnx", "SL102", "concat"}));
  EXPECT_EQ(outcome.fixed[0].recorded, 2u);
  EXPECT_EQ(outcome.fixed[0].found, 1u);
  EXPECT_EQ(outcome.fixed[1].key, (BaselineKey{"models/a.onnx", "SL201", "conv"}));
  EXPECT_EQ(outcome.fixed[1].found, 0u);
}

TEST(Baseline, AModelThatDidNotLoadFixesNothing) {
  Baseline baseline;
  baseline.dir = "/repo";
  baseline.counts[{"a.onnx", "SL204", "pool"}] = 1;
  std::vector<report::ModelReport> reports = {model("/repo/a.onnx", {})};
  reports[0].loadError = "truncated";
  EXPECT_TRUE(applyBaseline(baseline, "b.json", reports, {RuleSet().set()}).fixed.empty());
}

TEST(Baseline, InvalidFilesAreErrorsNamingTheFile) {
  const auto error = [](const std::string& text) -> std::string {
    try {
      parseBaseline(text, "base.json");
    } catch (const BaselineError& e) {
      return e.what();
    }
    return "<no error>";
  };
  EXPECT_EQ(error("{\"version\": 1, \"findings\": []}"), "<no error>");
  EXPECT_EQ(error("[]"), "base.json: not a shapelint baseline: expected a JSON object");
  EXPECT_EQ(error("{\"version\": 2, \"findings\": []}"),
            "base.json: not a shapelint baseline: expected \"version\": 1");
  EXPECT_EQ(
      error("{\"version\": 1, \"findings\": [{\"model\": \"a\", \"code\": \"SL1\", \"node\": \"\", \"count\": 0}]}"),
      "base.json: not a shapelint baseline: findings[0] needs a \"count\" >= 1");
  EXPECT_EQ(error("{\"version\": 1, \"findings\": [{\"model\": \"a\", \"node\": \"\", \"count\": 1}]}"),
            "base.json: not a shapelint baseline: findings[0] needs a string \"code\"");
  EXPECT_EQ(error("{").rfind("base.json: not a shapelint baseline: invalid JSON", 0), 0u);
}

TEST(Baseline, JsonMemberIsAddedLastAndTheRestIsUnchanged) {
  const std::string json = "{\n  \"version\": 1,\n  \"models\": [\n    {\"path\": \"a\"}\n  ]\n}\n";
  BaselineOutcome outcome;
  outcome.file = "b.json";
  outcome.suppressed = 3;
  outcome.fixed.push_back(FixedEntry{{"a", "SL204", "pool"}, 2, 1});
  const std::string out = addBaselineToJson(json, outcome);
  EXPECT_EQ(out.rfind("{\n  \"version\": 1,\n  \"models\": [\n    {\"path\": \"a\"}\n  ],\n  \"baseline\": {", 0), 0u)
      << out;
  const nlohmann::ordered_json doc = nlohmann::ordered_json::parse(out);
  EXPECT_EQ(doc.back(), nlohmann::ordered_json::parse(R"({"file": "b.json", "suppressed": 3, "fixed": [
      {"model": "a", "code": "SL204", "rule": "floor-truncation", "node": "pool", "recorded": 2, "found": 1}]})"));
}

}  // namespace
}  // namespace shapelint
