// The JSON reporter, on hand-made ModelReports: the contract (golden text),
// dim encodings, symbol renaming and escaping.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "shapelint/ir/expr.h"
#include "shapelint/report/report.h"

namespace shapelint::report {
namespace {

using diag::Diagnostic;
using diag::RuleId;
using diag::Severity;
using ir::Dim;
using ir::Shape;
using nlohmann::json;

Shape shapeOf(std::vector<Dim> dims) { return Shape(std::move(dims)); }

ModelReport modelWithShapes(std::vector<std::pair<std::string, Shape>> values) {
  ModelReport r;
  r.path = "m.onnx";
  r.values = std::move(values);
  return r;
}

json parse(const std::string& text) { return json::parse(text); }

TEST(JsonReport, Golden) {
  ModelReport ok;
  ok.path = "models/net.onnx";
  ok.graphOutputs = {{"y", shapeOf({Dim::symbol("N"), Dim::value(8), Dim::unknown()})}};
  ok.values = {{"w", Shape::ofValues({8, 3})}, {"y", shapeOf({Dim::symbol("N"), Dim::value(8), Dim::unknown()})},
               {"z", Shape::unknownRank()}};
  Diagnostic d;
  d.rule = RuleId::kConvChannelMismatch;
  d.severity = Severity::kError;
  d.node = "conv1";
  d.opType = "Conv";
  d.message = "input has 4 channels, weight expects 3";
  d.details = {"3 * 1 = 3"};
  d.notes = {{"stem", "'x' comes from here"}};
  d.help = "fix it";
  ok.diagnostics = {d};

  ModelReport bad;
  bad.path = "bad.onnx";
  bad.loadError = "bad.onnx: truncated";

  EXPECT_EQ(renderJson({ok, bad}), R"({
  "version": 1,
  "models": [
    {
      "path": "models/net.onnx",
      "status": "ok",
      "graph_outputs": {
        "y": ["N", 8, null]
      },
      "values": {
        "w": [8, 3],
        "y": ["N", 8, null],
        "z": null
      },
      "diagnostics": [
        {
          "rule": "conv-channel-mismatch",
          "code": "SL201",
          "severity": "error",
          "node": "conv1",
          "op_type": "Conv",
          "message": "input has 4 channels, weight expects 3",
          "details": ["3 * 1 = 3"],
          "notes": [
            {
              "node": "stem",
              "message": "'x' comes from here"
            }
          ],
          "help": "fix it"
        }
      ]
    },
    {
      "path": "bad.onnx",
      "status": "load-error",
      "error": "bad.onnx: truncated",
      "graph_outputs": {},
      "values": {},
      "diagnostics": []
    }
  ]
}
)");
}

TEST(JsonReport, NoModels) { EXPECT_EQ(renderJson({}), "{\n  \"version\": 1,\n  \"models\": []\n}\n"); }

TEST(JsonReport, GraphLevelFindingHasEmptyNodeAndHelp) {
  ModelReport r = modelWithShapes({});
  Diagnostic d;
  d.rule = RuleId::kInputShapeUnused;
  d.severity = Severity::kNote;
  d.message = "m";
  r.diagnostics = {d};
  const json diag = parse(renderJson({r}))["models"][0]["diagnostics"][0];
  EXPECT_EQ(diag["severity"], "note");
  EXPECT_EQ(diag["code"], "SL002");
  EXPECT_EQ(diag["rule"], "input-shape-unused");
  EXPECT_EQ(diag["node"], "");
  EXPECT_EQ(diag["op_type"], "");
  EXPECT_EQ(diag["details"], json::array());
  EXPECT_EQ(diag["notes"], json::array());
  EXPECT_EQ(diag["help"], "");
}

TEST(JsonReport, ScalarIsAnEmptyList) {
  const json model = parse(renderJson({modelWithShapes({{"s", Shape(std::vector<Dim>{})}})}))["models"][0];
  EXPECT_EQ(model["values"]["s"], json::array());
}

TEST(JsonReport, NoSymbolsKeyWhenNoSymbolNeedsRenaming) {
  const json model =
      parse(renderJson({modelWithShapes({{"x", shapeOf({Dim::symbol("batch"), Dim::symbol("match")})}})}))["models"][0];
  EXPECT_FALSE(model.contains("symbols"));
  EXPECT_EQ(model["values"]["x"], json::parse(R"(["batch", "match"])"));
}

TEST(JsonReport, SymbolsThatAreNotIdentifiersAreRenamed) {
  ModelReport r = modelWithShapes({
      {"a", shapeOf({Dim::symbol("batch size"), Dim::symbol("1abc"), Dim::symbol("N-1")})},
      {"b", shapeOf({Dim::symbol("class"), Dim::symbol(""), Dim::symbol("gr\xc3\xb6\xc3\x9f" "e")})},
  });
  r.graphOutputs = {{"a", r.values[0].second}};
  const json model = parse(renderJson({r}))["models"][0];
  EXPECT_EQ(model["values"]["a"], json::parse(R"(["batch_size", "_1abc", "N_1"])"));
  EXPECT_EQ(model["graph_outputs"]["a"], json::parse(R"(["batch_size", "_1abc", "N_1"])"));
  EXPECT_EQ(model["values"]["b"], json::parse(R"(["_class", "_", "gr__e"])"));
  EXPECT_EQ(model["symbols"], json::parse(R"({"N_1": "N-1", "_": "", "_1abc": "1abc", "_class": "class",
                                               "batch_size": "batch size", "gr__e": "gr\u00f6\u00dfe"})"));
}

TEST(JsonReport, RenamedSymbolsAreUnique) {
  // "a_b" is already an identifier and keeps its name; "a b" and "a-b" both
  // map to "a_b" and get suffixes in the order of their original names.
  const json model = parse(renderJson({modelWithShapes({
      {"x", shapeOf({Dim::symbol("a-b"), Dim::symbol("a b"), Dim::symbol("a_b"), Dim::symbol("a_b_2")})},
  })}))["models"][0];
  EXPECT_EQ(model["values"]["x"], json::parse(R"(["a_b_4", "a_b_3", "a_b", "a_b_2"])"));
  EXPECT_EQ(model["symbols"], json::parse(R"({"a_b_3": "a b", "a_b_4": "a-b"})"));
}

TEST(JsonReport, ExpressionDimsAreStrings) {
  // Built with the algebra: floor((floor((H - 1)/2) + 1 - 1)/2) + 1, two
  // stride-2 convs (k = 3, p = 1), prints as (H + 3) // 4; 64*H*W a product.
  const Dim h = Dim::symbol("H");
  const Dim w = Dim::symbol("W");
  const Dim once = *ir::add(ir::floorDiv(ir::sub(h, Dim::value(1)), 2), Dim::value(1));
  const Dim twice = *ir::add(ir::floorDiv(ir::sub(once, Dim::value(1)), 2), Dim::value(1));
  const Dim area = *ir::mul(ir::mul(h, w), 64);
  const json model =
      parse(renderJson({modelWithShapes({{"y", shapeOf({Dim::symbol("N"), twice, area, Dim::unknown()})}})}))
          ["models"][0];
  EXPECT_EQ(model["values"]["y"], json::parse(R"(["N", "(H + 3) // 4", "64*H*W", null])"));
  EXPECT_FALSE(model.contains("symbols"));
}

TEST(JsonReport, ExpressionsUseTheRenamedSymbols) {
  // A symbol that only occurs inside an expression is renamed like any other,
  // and the expression is written with the new name.
  const Dim size = Dim::symbol("image size");
  const Dim half = *ir::floorDiv(ir::add(size, Dim::value(1)), 2);
  const json model = parse(renderJson({modelWithShapes({{"y", shapeOf({half})}})}))["models"][0];
  EXPECT_EQ(model["values"]["y"], json::parse(R"(["(image_size + 1) // 2"])"));
  EXPECT_EQ(model["symbols"], json::parse(R"({"image_size": "image size"})"));
}

TEST(JsonReport, SymbolsKeyComesAfterValues) {
  const std::string text = renderJson({modelWithShapes({{"x", shapeOf({Dim::symbol("batch size")})}})});
  EXPECT_LT(text.find("\"values\""), text.find("\"symbols\""));
  EXPECT_LT(text.find("\"symbols\""), text.find("\"diagnostics\""));
}

TEST(JsonReport, ControlCharactersAreJsonEscaped) {
  ModelReport r = modelWithShapes({{"x\x1b[31m\n", Shape::ofValues({1})}});
  Diagnostic d;
  d.node = "conv\x1b[2J\nnext";
  d.opType = "Conv";
  d.message = "bad 'x\x1b[31m\n'";
  r.diagnostics = {d};
  const std::string text = renderJson({r});
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_NE(text.find(R"("conv\u001b[2J\nnext")"), std::string::npos);
  const json model = parse(text)["models"][0];
  EXPECT_EQ(model["diagnostics"][0]["node"], "conv\x1b[2J\nnext");  // round-trips exactly
  EXPECT_TRUE(model["values"].contains("x\x1b[31m\n"));
}

TEST(JsonReport, InvalidUtf8DoesNotThrowAndIsReplaced) {
  ModelReport r = modelWithShapes({{"bad\xff name", shapeOf({Dim::symbol("n\xc3")})}});
  r.path = "p\xfe.onnx";
  Diagnostic d;
  d.node = "n\xc0\xaf";
  d.message = "m\xed\xa0\x80";
  r.diagnostics = {d};
  std::string text;
  ASSERT_NO_THROW(text = renderJson({r}));
  json parsed;
  ASSERT_NO_THROW(parsed = json::parse(text));  // nlohmann rejects invalid UTF-8 when parsing
  const json model = parsed["models"][0];
  const std::string replacement = "\xef\xbf\xbd";  // U+FFFD
  EXPECT_EQ(model["path"], "p" + replacement + ".onnx");
  EXPECT_TRUE(model["values"].contains("bad" + replacement + " name"));
  EXPECT_EQ(model["values"]["bad" + replacement + " name"][0], "n_");
  EXPECT_EQ(model["symbols"]["n_"], "n" + replacement);
  EXPECT_EQ(model["diagnostics"][0]["node"], "n" + replacement + replacement);
}

TEST(JsonReport, LoadErrorWithInvalidUtf8) {
  ModelReport r;
  r.path = "x.onnx";
  r.loadError = "x.onnx: node 'a\xff' is bad";
  const json model = parse(renderJson({r}))["models"][0];
  EXPECT_EQ(model["status"], "load-error");
  EXPECT_EQ(model["error"], "x.onnx: node 'a\xef\xbf\xbd' is bad");
}

}  // namespace
}  // namespace shapelint::report
