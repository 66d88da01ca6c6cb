// The text reporter, on hand-made ModelReports: golden strings.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "shapelint/report/report.h"

namespace shapelint::report {
namespace {

using diag::Diagnostic;
using diag::RuleId;
using diag::Severity;

Diagnostic convMismatch() {
  Diagnostic d;
  d.rule = RuleId::kConvChannelMismatch;
  d.severity = Severity::kError;
  d.node = "conv1";
  d.opType = "Conv";
  d.message = "input 'x' has 4 channels but weight 'w' expects 3 (3 per group x group 1)";
  d.details = {"weight [8, 3, 3, 3]: C_in / group = 3 / 1"};
  d.notes = {{"stem", "'x' comes from here"}, {"", "group defaults to 1"}};
  d.help = "export the weight with 4 input channels, or fix the producer of 'x'";
  return d;
}

Diagnostic graphLevelNote() {
  Diagnostic d;
  d.rule = RuleId::kInputShapeUnused;
  d.severity = Severity::kNote;
  d.message = "--input-shape names 'y', which is not an input of this model (its inputs: 'x')";
  return d;
}

ModelReport modelWith(std::string path, std::vector<Diagnostic> diags) {
  ModelReport r;
  r.path = std::move(path);
  r.diagnostics = std::move(diags);
  return r;
}

ModelReport unloadable(std::string path, std::string message) {
  ModelReport r;
  r.path = std::move(path);
  r.loadError = std::move(message);
  return r;
}

TEST(TextReport, FindingWithDetailsNotesAndHelp) {
  const std::string text = renderText({modelWith("m.onnx", {convMismatch()})}, {});
  EXPECT_EQ(text,
            "m.onnx: node 'conv1' (Conv): error[SL201 conv-channel-mismatch]: input 'x' has 4 channels but "
            "weight 'w' expects 3 (3 per group x group 1)\n"
            "  = weight [8, 3, 3, 3]: C_in / group = 3 / 1\n"
            "  note: node 'stem': 'x' comes from here\n"
            "  note: group defaults to 1\n"
            "  help: export the weight with 4 input channels, or fix the producer of 'x'\n"
            "1 error, 0 warnings, 0 notes in 1 model\n");
}

TEST(TextReport, GraphLevelFindingHasNoNode) {
  const std::string text = renderText({modelWith("m.onnx", {graphLevelNote()})}, {});
  EXPECT_EQ(text,
            "m.onnx: note[SL002 input-shape-unused]: --input-shape names 'y', which is not an input of this "
            "model (its inputs: 'x')\n"
            "0 errors, 0 warnings, 1 note in 1 model\n");
}

TEST(TextReport, NodeWithoutOpType) {
  Diagnostic d = graphLevelNote();
  d.node = "n";
  EXPECT_EQ(renderText({modelWith("m.onnx", {d})}, {.quiet = true}),
            "m.onnx: node 'n': note[SL002 input-shape-unused]: " + d.message + "\n");
}

TEST(TextReport, CleanModel) {
  EXPECT_EQ(renderText({modelWith("m.onnx", {})}, {}), "no findings in 1 model\n");
  EXPECT_EQ(renderText({modelWith("a.onnx", {}), modelWith("b.onnx", {})}, {}), "no findings in 2 models\n");
}

TEST(TextReport, QuietOmitsSummary) {
  EXPECT_EQ(renderText({modelWith("m.onnx", {})}, {.quiet = true}), "");
  const std::string text = renderText({modelWith("m.onnx", {graphLevelNote()})}, {.quiet = true});
  EXPECT_EQ(text.find("in 1 model"), std::string::npos);
  EXPECT_NE(text.find("note[SL002"), std::string::npos);
}

TEST(TextReport, LoadErrorPrintsThePathOnce) {
  const std::string text =
      renderText({unloadable("bad.onnx", "bad.onnx: not a valid ONNX model (protobuf parse failed)")}, {});
  EXPECT_EQ(text,
            "bad.onnx: error: not a valid ONNX model (protobuf parse failed)\n"
            "no findings in 1 model; 1 model could not be loaded\n");
}

TEST(TextReport, LoadErrorWithoutPathPrefix) {
  EXPECT_EQ(renderText({unloadable("bad.onnx", "file is empty")}, {.quiet = true}), "bad.onnx: error: file is empty\n");
}

TEST(TextReport, SummaryCountsEverySeverityAndPluralizes) {
  Diagnostic warning = graphLevelNote();
  warning.severity = Severity::kWarning;
  const std::vector<ModelReport> reports = {
      modelWith("a.onnx", {convMismatch(), convMismatch(), warning}),
      unloadable("b.onnx", "b.onnx: truncated"),
      unloadable("c.onnx", "c.onnx: truncated"),
      modelWith("d.onnx", {}),
  };
  const std::string text = renderText(reports, {});
  const std::string lastLine = text.substr(text.rfind('\n', text.size() - 2) + 1);
  EXPECT_EQ(lastLine, "2 errors, 1 warning, 0 notes in 4 models; 2 models could not be loaded\n");
}

TEST(TextReport, ModelsAndFindingsInInputOrder) {
  const std::string text = renderText({modelWith("b.onnx", {graphLevelNote()}), unloadable("a.onnx", "a.onnx: x"),
                                       modelWith("c.onnx", {convMismatch()})},
                                      {.quiet = true});
  const size_t b = text.find("b.onnx:");
  const size_t a = text.find("a.onnx:");
  const size_t c = text.find("c.onnx:");
  ASSERT_NE(c, std::string::npos);
  EXPECT_LT(b, a);
  EXPECT_LT(a, c);
}

TEST(TextReport, ColorOnlyWhenAsked) {
  const std::vector<ModelReport> reports = {modelWith("m.onnx", {convMismatch()})};
  EXPECT_EQ(renderText(reports, {}).find('\x1b'), std::string::npos);
  const std::string colored = renderText(reports, {.color = true});
  EXPECT_NE(colored.find("\x1b[1;31merror[SL201 conv-channel-mismatch]\x1b[0m"), std::string::npos);
  EXPECT_NE(colored.find("\x1b[1;32mhelp\x1b[0m: "), std::string::npos);
}

TEST(TextReport, ModelSuppliedTextIsEscaped) {
  Diagnostic d = convMismatch();
  d.node = "conv\x1b[2J\nfake.onnx: error: injected";
  d.opType = "Co\xffnv";
  d.message = "input 'x\x1b]0;title\x07' has 4 channels";
  d.details = {"detail\r"};
  d.notes = {{"st\nem", "from '\xc3'"}};
  d.help = "rename '\x1b[0m'";
  const std::string text = renderText({modelWith("dir\n/m.onnx", {d})}, {.quiet = true});
  EXPECT_EQ(text,
            "dir\\n/m.onnx: node 'conv\\x1b[2J\\nfake.onnx: error: injected' (Co\\xffnv): "
            "error[SL201 conv-channel-mismatch]: input 'x\\x1b]0;title\\x07' has 4 channels\n"
            "  = detail\\x0d\n"
            "  note: node 'st\\nem': from '\\xc3'\n"
            "  help: rename '\\x1b[0m'\n");
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
}

TEST(TextReport, LoadErrorIsEscaped) {
  EXPECT_EQ(renderText({unloadable("m.onnx", "m.onnx: node 'a\x1b[1m' (X) reads 'b\n'")}, {.quiet = true}),
            "m.onnx: error: node 'a\\x1b[1m' (X) reads 'b\\n'\n");
}

}  // namespace
}  // namespace shapelint::report
