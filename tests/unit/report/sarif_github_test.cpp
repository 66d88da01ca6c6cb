// The SARIF, GitHub Actions and --statistics reporters on hand-made
// ModelReports: structure, escaping of model-supplied text, percent-encoded
// paths, fingerprints, statistics order; and the atomic --output write.
// (The whole documents for real models are golden files: tests/golden/.)
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "shapelint/diag/rules.h"
#include "shapelint/report/report.h"

namespace shapelint::report {
namespace {

namespace fs = std::filesystem;
using diag::Diagnostic;
using diag::RuleId;
using diag::Severity;
using nlohmann::json;

Diagnostic finding(RuleId rule, Severity severity, std::string node, std::string op, std::string message) {
  Diagnostic d;
  d.rule = rule;
  d.severity = severity;
  d.node = std::move(node);
  d.opType = std::move(op);
  d.message = std::move(message);
  return d;
}

ModelReport model(std::string path, std::vector<Diagnostic> diagnostics) {
  ModelReport r;
  r.path = std::move(path);
  r.diagnostics = std::move(diagnostics);
  return r;
}

ModelReport unloadable(std::string path) {
  ModelReport r;
  r.path = path;
  r.loadError = path + ": truncated or corrupt (protobuf parsing failed)";
  return r;
}

json sarifOf(const std::vector<ModelReport>& reports, bool statistics = false) {
  SarifOptions options;
  options.toolVersion = "9.8.7";
  options.statistics = statistics;
  return json::parse(renderSarif(reports, options));
}

// --- SARIF -------------------------------------------------------------------

TEST(SarifReport, DriverListsEveryRuleOfTheTableInOrder) {
  const json log = sarifOf({});
  EXPECT_EQ(log["version"], "2.1.0");
  const json& driver = log["runs"][0]["tool"]["driver"];
  EXPECT_EQ(driver["name"], "shapelint");
  EXPECT_EQ(driver["version"], "9.8.7");
  const std::vector<diag::Rule>& rules = diag::allRules();
  ASSERT_EQ(driver["rules"].size(), rules.size());
  for (size_t i = 0; i < rules.size(); ++i) {
    EXPECT_EQ(driver["rules"][i]["id"], std::string(rules[i].code));
    EXPECT_EQ(driver["rules"][i]["name"], std::string(rules[i].name));
    EXPECT_EQ(driver["rules"][i]["shortDescription"]["text"], std::string(rules[i].summary));
    EXPECT_EQ(driver["rules"][i]["defaultConfiguration"]["level"], std::string(diag::severityName(rules[i].severity)));
  }
  EXPECT_EQ(log["runs"][0]["results"], json::array());
  EXPECT_EQ(log["runs"][0]["invocations"], json::parse(R"([{"executionSuccessful": true}])"));
}

TEST(SarifReport, ResultNamesRuleNodeAndFile) {
  Diagnostic d = finding(RuleId::kIncompatibleMerge, Severity::kError, "concat1", "Concat", "cannot concatenate");
  d.details = {"detail one"};
  d.notes = {{"relu0", "produces 'relu0'"}, {"", "a graph input"}};
  d.help = "make them agree";
  const json result = sarifOf({model("models/unet.onnx", {d})})["runs"][0]["results"][0];
  EXPECT_EQ(result["ruleId"], "SL102");
  // ruleIndex points into tool.driver.rules, which follows the rule table.
  EXPECT_EQ(diag::allRules()[result["ruleIndex"].get<size_t>()].code, "SL102");
  EXPECT_EQ(result["level"], "error");
  EXPECT_EQ(result["message"]["text"],
            "node 'concat1' (Concat): cannot concatenate\n  = detail one\n  note: node 'relu0': produces 'relu0'\n"
            "  note: a graph input\n  help: make them agree");
  EXPECT_EQ(result["locations"][0], json::parse(R"({
    "physicalLocation": {"artifactLocation": {"uri": "models/unet.onnx", "uriBaseId": "%SRCROOT%"},
                         "region": {"startLine": 1}},
    "logicalLocations": [{"name": "concat1", "kind": "member", "properties": {"op_type": "Concat"}}]})"));
}

TEST(SarifReport, SeverityBecomesLevel) {
  const json results = sarifOf(
      {model("m.onnx", {finding(RuleId::kFloorTruncation, Severity::kWarning, "p", "MaxPool", "w"),
                        finding(RuleId::kUnsupportedOp, Severity::kNote, "q", "X", "n")})})["runs"][0]["results"];
  EXPECT_EQ(results[0]["level"], "warning");
  EXPECT_EQ(results[1]["level"], "note");
}

TEST(SarifReport, GraphLevelFindingHasNoLogicalLocation) {
  const json result = sarifOf({model(
      "m.onnx", {finding(RuleId::kInputShapeUnused, Severity::kNote, "", "", "unused")})})["runs"][0]["results"][0];
  EXPECT_EQ(result["message"]["text"], "unused");
  EXPECT_FALSE(result["locations"][0].contains("logicalLocations"));
}

TEST(SarifReport, PathsArePercentEncodedRelativeOrFileUris) {
  auto uriOf = [](const std::string& path) {
    return sarifOf(
        {model(path, {finding(RuleId::kUnsupportedOp, Severity::kNote, "n", "X",
                              "m")})})["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
  };
  EXPECT_EQ(uriOf("./models/a b.onnx"), json::parse(R"({"uri": "models/a%20b.onnx", "uriBaseId": "%SRCROOT%"})"));
  // '%', '#', '?' and a ':' that would read as a scheme are encoded; é is two UTF-8 bytes.
  EXPECT_EQ(uriOf("c:%#?\xc3\xa9.onnx")["uri"], "c%3A%25%23%3F%C3%A9.onnx");
  EXPECT_EQ(uriOf("/abs/m 1.onnx"), json::parse(R"({"uri": "file:///abs/m%201.onnx"})"));
}

TEST(SarifReport, FingerprintsAreStableAndTellRepeatsApart) {
  const Diagnostic a = finding(RuleId::kFloorTruncation, Severity::kWarning, "pool", "MaxPool", "axis 2");
  const Diagnostic b = finding(RuleId::kFloorTruncation, Severity::kWarning, "pool", "MaxPool", "axis 3");
  const json results = sarifOf({model("m.onnx", {a, b})})["runs"][0]["results"];
  const std::string first = results[0]["partialFingerprints"]["shapelintFingerprint/v1"];
  const std::string second = results[1]["partialFingerprints"]["shapelintFingerprint/v1"];
  // FNV-1a 64 of "m.onnx\0SL204\0pool", computed with Python:
  //   h = 0xcbf29ce484222325; for c in b"m.onnx\0SL204\0pool": h = ((h ^ c) * 0x100000001b3) % 2**64
  EXPECT_EQ(first, "b88df5bfb36b53f4:1");
  EXPECT_EQ(second, "b88df5bfb36b53f4:2");
  // The message is not part of it: a finding whose numbers change keeps its fingerprint.
  Diagnostic changed = a;
  changed.message = "axis 2, other numbers";
  EXPECT_EQ(
      sarifOf({model("m.onnx", {changed})})["runs"][0]["results"][0]["partialFingerprints"]["shapelintFingerprint/v1"],
      first);
}

TEST(SarifReport, LoadErrorIsAToolExecutionNotification) {
  const json run = sarifOf({unloadable("bad.onnx")})["runs"][0];
  EXPECT_EQ(run["invocations"][0]["executionSuccessful"], false);
  const json& notification = run["invocations"][0]["toolExecutionNotifications"][0];
  EXPECT_EQ(notification["level"], "error");
  EXPECT_EQ(notification["message"]["text"], "bad.onnx: truncated or corrupt (protobuf parsing failed)");
  EXPECT_EQ(notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "bad.onnx");
  EXPECT_EQ(run["results"], json::array());
}

TEST(SarifReport, ModelTextIsEscapedInMessagesAndValidUtf8Everywhere) {
  const std::string hostile = "n\x1b[2J\n\xe2\x80\xae\xff";  // ESC, newline, RIGHT-TO-LEFT OVERRIDE, invalid byte
  const std::string text = renderSarif(
      {model("m.onnx", {finding(RuleId::kUnsupportedOp, Severity::kNote, hostile, "Op", "msg " + hostile)})},
      SarifOptions{});
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  const json result = json::parse(text)["runs"][0]["results"][0];
  EXPECT_EQ(result["message"]["text"],
            "node 'n\\x1b[2J\\n\\xe2\\x80\\xae\\xff' (Op): msg n\\x1b[2J\\n\\xe2\\x80\\xae\\xff");
  // The logical location keeps the name as data: JSON-escaped, the invalid byte replaced by U+FFFD.
  EXPECT_EQ(result["locations"][0]["logicalLocations"][0]["name"], "n\x1b[2J\n\xe2\x80\xae\xef\xbf\xbd");
}

TEST(SarifReport, StatisticsGoToRunProperties) {
  const json run =
      sarifOf({model("m.onnx", {finding(RuleId::kIncompatibleMerge, Severity::kError, "c", "Concat", "m")})},
              /*statistics=*/true)["runs"][0];
  EXPECT_EQ(run["properties"]["statistics"]["rules"], json::parse(R"([{"code": "SL102", "rule": "incompatible-merge",
                                                                       "count": 1}])"));
  EXPECT_FALSE(sarifOf({})["runs"][0].contains("properties"));
}

// --- GitHub Actions -----------------------------------------------------------

TEST(GithubReport, OneCommandPerFinding) {
  Diagnostic d = finding(RuleId::kIncompatibleMerge, Severity::kError, "x", "Concat", "axis 2 has 64 and 65");
  d.details = {"a = 1"};
  d.help = "fix";
  const std::string out = renderGithub(
      {model("models/u.onnx", {d, finding(RuleId::kFloorTruncation, Severity::kWarning, "p", "MaxPool", "w"),
                               finding(RuleId::kUnsupportedOp, Severity::kNote, "q", "Q", "n")})});
  EXPECT_EQ(out,
            "::error file=models/u.onnx,title=SL102 incompatible-merge::node 'x' (Concat): axis 2 has 64 and 65"
            "%0A  = a = 1%0A  help: fix\n"
            "::warning file=models/u.onnx,title=SL204 floor-truncation::node 'p' (MaxPool): w\n"
            "::notice file=models/u.onnx,title=SL001 unsupported-op::node 'q' (Q): n\n");
}

TEST(GithubReport, EscapesDataAndProperties) {
  // GitHub's workflow-command escaping: '%' -> %25, CR -> %0D, LF -> %0A in
  // the message; in a property also ':' -> %3A and ',' -> %2C. Control
  // characters are first made visible by escapeForTerminal (\x1b, \n, \r).
  const std::string out = renderGithub({model(
      "dir,a:b%.onnx", {finding(RuleId::kUnsupportedOp, Severity::kNote, "a\x1b[31m\r\nb", "Op", "100% done")})});
  EXPECT_EQ(
      out,
      "::notice file=dir%2Ca%3Ab%25.onnx,title=SL001 unsupported-op::node 'a\\x1b[31m\\x0d\\nb' (Op): 100%25 done\n");
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
}

TEST(GithubReport, LoadErrorWithoutTheRepeatedPath) {
  EXPECT_EQ(renderGithub({unloadable("bad.onnx")}),
            "::error file=bad.onnx,title=could not load the model::truncated or corrupt (protobuf parsing failed)\n");
}

TEST(GithubReport, NothingForACleanModel) { EXPECT_EQ(renderGithub({model("ok.onnx", {})}), ""); }

// --- --statistics ---------------------------------------------------------------

std::vector<ModelReport> statisticsModels() {
  auto f = [](RuleId rule) { return finding(rule, Severity::kError, "n", "Op", "m"); };
  return {model("a.onnx", {f(RuleId::kFloorTruncation), f(RuleId::kIncompatibleMerge), f(RuleId::kUnsupportedOp)}),
          unloadable("b.onnx"),
          model("c.onnx", {f(RuleId::kFloorTruncation), f(RuleId::kIncompatibleMerge), f(RuleId::kIncompatibleMerge)})};
}

TEST(Statistics, CountDescendingThenCode) {
  const std::vector<RuleCount> counts = countByRule(statisticsModels());
  ASSERT_EQ(counts.size(), 3u);
  EXPECT_EQ(counts[0].rule->code, "SL102");  // 3
  EXPECT_EQ(counts[0].count, 3u);
  EXPECT_EQ(counts[1].rule->code, "SL204");  // 2
  EXPECT_EQ(counts[2].rule->code, "SL001");  // 1
  EXPECT_EQ(renderStatisticsText(statisticsModels()),
            "  3  SL102  incompatible-merge\n  2  SL204  floor-truncation\n  1  SL001  unsupported-op\n");
}

TEST(Statistics, TiesByCodeAndWideCountsAligned) {
  std::vector<Diagnostic> many(12, finding(RuleId::kOddSamePaddingSplit, Severity::kNote, "n", "Conv", "m"));
  many.push_back(finding(RuleId::kAbsurdDim, Severity::kError, "n", "Conv", "m"));
  many.push_back(finding(RuleId::kMalformedNode, Severity::kError, "n", "Conv", "m"));
  EXPECT_EQ(renderStatisticsText({model("m.onnx", many)}),
            "  12  SL404  odd-same-padding-split\n   1  SL003  malformed-node\n   1  SL004  absurd-dim\n");
  EXPECT_EQ(renderStatisticsText({model("m.onnx", {})}), "");
}

TEST(Statistics, JsonOnlyAddsATopLevelKey) {
  const std::vector<ModelReport> models = statisticsModels();
  JsonOptions with;
  with.statistics = true;
  json plain = json::parse(renderJson(models));
  json extended = json::parse(renderJson(models, with));
  EXPECT_EQ(renderJson(models, JsonOptions{}), renderJson(models));
  EXPECT_EQ(extended["statistics"], json::parse(R"({"models": 3, "load_errors": 1, "errors": 6, "warnings": 0,
    "notes": 0, "rules": [{"code": "SL102", "rule": "incompatible-merge", "count": 3},
                          {"code": "SL204", "rule": "floor-truncation", "count": 2},
                          {"code": "SL001", "rule": "unsupported-op", "count": 1}]})"));
  extended.erase("statistics");
  EXPECT_EQ(extended, plain);
}

// --- --output -------------------------------------------------------------------

class AtomicWrite : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "shapelint_output_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  fs::path dir_;
};

TEST_F(AtomicWrite, WritesAndReplacesLeavingNoTemporaryFile) {
  const fs::path target = dir_ / "report.sarif";
  EXPECT_EQ(writeFileAtomically(target.string(), "first\n"), std::nullopt);
  EXPECT_EQ(read(target), "first\n");
  EXPECT_EQ(writeFileAtomically(target.string(), "second\n"), std::nullopt);
  EXPECT_EQ(read(target), "second\n");
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 1u);
}

TEST_F(AtomicWrite, MissingFolderIsAnErrorAndWritesNothing) {
  const std::optional<std::string> error = writeFileAtomically((dir_ / "no/such/report.sarif").string(), "x");
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find("cannot create a temporary file"), std::string::npos) << *error;
  EXPECT_FALSE(fs::exists(dir_ / "no"));
}

}  // namespace
}  // namespace shapelint::report
