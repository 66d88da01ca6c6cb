// The shapelint binary end to end: exit codes, text and JSON output, flags.
// Runs SHAPELINT_BINARY from the source directory on the models that
// tools/gen_models_cli.py writes to tests/models/cli/.
//
// Shape-function correctness is tested elsewhere: where a message comes from
// a shape function, these tests check the rule code, the node and that the
// numbers appear, not the whole sentence.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
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
using CliResult = testing::BinaryRun;
using nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

const std::string kModels = "tests/models/cli/";

class CliTest : public testing::BinaryTest {
 protected:
  // Runs the binary in the source directory; `env` is prefixed to the
  // command ("NO_COLOR=1").
  static CliResult run(const std::vector<std::string>& args, const std::string& env = "") {
    return testing::runShapelint(tempDir(), args, env);
  }

  static json runJson(std::vector<std::string> args, int expectedExit) {
    args.insert(args.begin(), {"check", "--format", "json"});
    const CliResult r = run(args);
    EXPECT_EQ(r.exitCode, expectedExit) << r.out << r.err;
    EXPECT_EQ(r.err, "");
    try {
      return json::parse(r.out);
    } catch (const json::exception& e) {
      ADD_FAILURE() << "not JSON: " << e.what() << "\n" << r.out;
      return json::object();
    }
  }

  // The first diagnostic of a model with this code, or null.
  static json findDiagnostic(const json& model, const std::string& code) {
    for (const json& d : model["diagnostics"])
      if (d["code"] == code) return d;
    return nullptr;
  }

  // The line of text output that carries this finding head.
  static std::string lineWith(const std::string& text, const std::string& needle) {
    const size_t at = text.find(needle);
    if (at == std::string::npos) return "";
    const size_t begin = text.rfind('\n', at);
    const size_t end = text.find('\n', at);
    return text.substr(begin == std::string::npos ? 0 : begin + 1, end - (begin == std::string::npos ? 0 : begin + 1));
  }

  // A usage error: exit 2, nothing on stdout, one line on stderr.
  static void expectUsageError(const std::vector<std::string>& args, const std::string& stderrHas = "") {
    const CliResult r = run(args);
    std::string shown;
    for (const std::string& a : args) shown += a + " ";
    EXPECT_EQ(r.exitCode, 2) << shown << "\n" << r.out << r.err;
    EXPECT_EQ(r.out, "") << shown;
    EXPECT_EQ(countLines(r.err), 1u) << shown << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("shapelint: error: ", 0), 0u) << shown << "\n" << r.err;
    EXPECT_NE(r.err.find(stderrHas), std::string::npos) << shown << "\n" << r.err;
  }

};

// --- the README stays true -------------------------------------------------

// Every "$ build/shapelint ..." example in README.md is followed by the output
// the binary really prints.
TEST_F(CliTest, ReadmeExamplesAreTrue) {
  const std::string readme = readFile(fs::path(SHAPELINT_SOURCE_DIR) / "README.md");
  const std::string prompt = "$ build/shapelint ";
  size_t examples = 0;
  for (size_t at = readme.find(prompt); at != std::string::npos; at = readme.find(prompt, at + 1)) {
    const size_t lineEnd = readme.find('\n', at);
    const size_t blockEnd = readme.find("```", lineEnd);
    ASSERT_NE(blockEnd, std::string::npos);
    std::istringstream words(readme.substr(at + prompt.size(), lineEnd - at - prompt.size()));
    std::vector<std::string> args;
    for (std::string w; words >> w;) args.push_back(w);
    const CliResult r = run(args);
    EXPECT_EQ(r.out, readme.substr(lineEnd + 1, blockEnd - lineEnd - 1)) << "README example: " << prompt
                                                                          << readme.substr(at + prompt.size(), lineEnd - at - prompt.size())
        << " (tools/update_readme_examples.py rewrites the outputs)";
    ++examples;
  }
  EXPECT_GE(examples, 1u);
}

// --- shapelint rules -------------------------------------------------------

TEST_F(CliTest, RulesListsEveryRuleOfTheTable) {
  const CliResult r = run({"rules"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  for (const char* row : {"SL001  unsupported-op", "SL102  incompatible-merge", "SL204  floor-truncation"})
    EXPECT_NE(r.out.find(row), std::string::npos) << row << "\n" << r.out;
  EXPECT_GE(countLines(r.out), 19u);
}

TEST_F(CliTest, RulesPrintsOneDocByCodeOrName) {
  const std::string doc = readFile(fs::path(SHAPELINT_SOURCE_DIR) / "docs/rules/SL204.md");
  const CliResult byCode = run({"rules", "SL204"});
  EXPECT_EQ(byCode.exitCode, 0);
  EXPECT_EQ(byCode.out, doc);
  EXPECT_EQ(run({"rules", "floor-truncation"}).out, doc);
  expectUsageError({"rules", "SL999"}, "no rule 'SL999'");
}

// --- program-level flags -------------------------------------------------

TEST_F(CliTest, Version) {
  const CliResult r = run({"--version"});
  EXPECT_EQ(r.exitCode, 0);
  // "shapelint 0.1.0": the project version from CMakeLists.txt.
  EXPECT_TRUE(std::regex_match(r.out, std::regex("shapelint [0-9]+\\.[0-9]+\\.[0-9]+\n"))) << r.out;
}

TEST_F(CliTest, Help) {
  const CliResult top = run({"--help"});
  EXPECT_EQ(top.exitCode, 0);
  EXPECT_NE(top.out.find("check"), std::string::npos);
  const CliResult check = run({"check", "--help"});
  EXPECT_EQ(check.exitCode, 0);
  for (const char* flag : {"--format", "--input-shape", "--fail-on", "--quiet", "--color"})
    EXPECT_NE(check.out.find(flag), std::string::npos) << flag;
}

// Only the subcommand named first has its options set up; a later argument
// naming another subcommand sets up all of them. Either way each
// subcommand's help lists the same options.
TEST_F(CliTest, HelpIsTheSameWhenOnlyTheNamedSubcommandIsSetUp) {
  for (const std::string command : {"check", "infer", "sizes", "explain", "rules"}) {
    const CliResult alone = run({command, "--help"});
    const CliResult all = run({command, "--help", command == "check" ? "rules" : "check"});
    EXPECT_EQ(alone.exitCode, 0) << command;
    EXPECT_EQ(alone.out, all.out) << command;
    EXPECT_NE(alone.out.find("Usage: shapelint " + command), std::string::npos) << alone.out;
  }
  EXPECT_NE(run({"explain", "conv", "--help"}).out.find("--stride"), std::string::npos);
}

// --- usage errors ----------------------------------------------------------

TEST_F(CliTest, UsageErrorsExit2WithOneLine) {
  const std::string model = kModels + "clean_convnet.onnx";
  expectUsageError({});
  expectUsageError({"lint", model});
  expectUsageError({"check"});
  expectUsageError({"check", model, "--bogus"});
  expectUsageError({"check", model, "--format", "xml"}, "--format");
  expectUsageError({"check", model, "--fail-on", "fatal"}, "--fail-on");
  expectUsageError({"check", model, "--color", "sometimes"}, "--color");
}

TEST_F(CliTest, MalformedInputShapesAreUsageErrors) {
  const std::string model = kModels + "clean_convnet.onnx";
  for (const char* spec : {"x", ":1x3", "x:", "x:1xx3", "x:1x", "x:[1,3", "x:[1,,3]", "x:1x-3", "x:1.5x3",
                           "x:99999999999999999999", "x:1x3x2y-", "x:[1;3]"}) {
    expectUsageError({"check", model, "--input-shape", spec}, "--input-shape");
  }
  expectUsageError({"check", model, "--input-shape", "x:1x3", "--input-shape", "x:[1,3]"}, "more than once");
}

TEST_F(CliTest, EmptyDirectoryIsAUsageError) {
  const fs::path dir = tempDir() / "empty";
  fs::create_directories(dir);
  expectUsageError({"check", dir.string()}, "no .onnx files");
}

// --- exit codes --------------------------------------------------------------

TEST_F(CliTest, CleanModelExits0) {
  const CliResult r = run({"check", kModels + "clean_convnet.onnx"});
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "no findings in 1 model\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(CliTest, ErrorFindingExits1ForEveryFailOn) {
  const std::string model = kModels + "conv_channel_mismatch.onnx";
  EXPECT_EQ(run({"check", model}).exitCode, 1);
  for (const char* level : {"error", "warning", "note"}) EXPECT_EQ(run({"check", model, "--fail-on", level}).exitCode, 1);
}

TEST_F(CliTest, NotesFailOnlyWithFailOnNote) {
  // An --input-shape for an input the model lacks gives a note (SL002).
  const std::vector<std::string> args = {"check", kModels + "clean_convnet.onnx", "--input-shape", "nope:1x2"};
  const CliResult byDefault = run(args);
  EXPECT_EQ(byDefault.exitCode, 0) << byDefault.out;
  EXPECT_NE(byDefault.out.find("note[SL002 input-shape-unused]"), std::string::npos) << byDefault.out;

  std::vector<std::string> onWarning = args;
  onWarning.insert(onWarning.end(), {"--fail-on", "warning"});
  EXPECT_EQ(run(onWarning).exitCode, 0);

  std::vector<std::string> onNote = args;
  onNote.insert(onNote.end(), {"--fail-on", "note"});
  EXPECT_EQ(run(onNote).exitCode, 1);
}

TEST_F(CliTest, LoadErrorExits2AndOtherModelsAreStillReported) {
  const CliResult r = run({"check", kModels + "truncated.onnx", kModels + "conv_channel_mismatch.onnx"});
  EXPECT_EQ(r.exitCode, 2) << r.out << r.err;
  const std::string loadLine = lineWith(r.out, "truncated.onnx: error: ");
  ASSERT_NE(loadLine, "") << r.out;
  EXPECT_EQ(loadLine.find("truncated.onnx", loadLine.find(": error: ")), std::string::npos)
      << "path printed twice: " << loadLine;
  EXPECT_NE(r.out.find("conv_channel_mismatch.onnx: node 'conv0' (Conv): error[SL201 conv-channel-mismatch]: "),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("in 2 models; 1 model could not be loaded\n"), std::string::npos) << r.out;
}

TEST_F(CliTest, MissingFileIsALoadError) {
  const json out = runJson({kModels + "no_such_model.onnx"}, 2);
  ASSERT_EQ(out["models"].size(), 1u);
  EXPECT_EQ(out["models"][0]["status"], "load-error");
}

// --- findings ----------------------------------------------------------------

TEST_F(CliTest, ConvChannelMismatch) {
  const CliResult r = run({"check", kModels + "conv_channel_mismatch.onnx"});
  const std::string line =
      lineWith(r.out, "conv_channel_mismatch.onnx: node 'conv0' (Conv): error[SL201 conv-channel-mismatch]: ");
  ASSERT_NE(line, "") << r.out;
  EXPECT_NE(line.find('4'), std::string::npos) << line;
  EXPECT_NE(line.find('3'), std::string::npos) << line;

  const json model = runJson({kModels + "conv_channel_mismatch.onnx"}, 1)["models"][0];
  const json d = findDiagnostic(model, "SL201");
  ASSERT_FALSE(d.is_null()) << model.dump(2);
  EXPECT_EQ(d["rule"], "conv-channel-mismatch");
  EXPECT_EQ(d["severity"], "error");
  EXPECT_EQ(d["node"], "conv0");
  EXPECT_EQ(d["op_type"], "Conv");
}

TEST_F(CliTest, DeclaredShapeMismatch) {
  const json model = runJson({kModels + "declared_mismatch.onnx"}, 1)["models"][0];
  const json d = findDiagnostic(model, "SL101");
  ASSERT_FALSE(d.is_null()) << model.dump(2);
  EXPECT_EQ(d["rule"], "declared-shape-mismatch");
  EXPECT_EQ(d["severity"], "error");
  const std::string message = d["message"];
  EXPECT_NE(message.find("30"), std::string::npos) << message;
  EXPECT_NE(message.find("32"), std::string::npos) << message;
  EXPECT_EQ(model["graph_outputs"]["y"], json::parse("[1, 8, 32, 32]"));
}

TEST_F(CliTest, ConcatMergeMismatch) {
  const json model = runJson({kModels + "concat_mismatch.onnx"}, 1)["models"][0];
  const json d = findDiagnostic(model, "SL102");
  ASSERT_FALSE(d.is_null()) << model.dump(2);
  EXPECT_EQ(d["node"], "concat0");
  EXPECT_EQ(d["op_type"], "Concat");
  const std::string message = d["message"];
  EXPECT_NE(message.find('8'), std::string::npos) << message;
  EXPECT_NE(message.find('9'), std::string::npos) << message;
}

TEST_F(CliTest, UnsupportedOpIsANote) {
  const std::string model = kModels + "unknown_dims.onnx";
  const CliResult r = run({"check", model});
  EXPECT_EQ(r.exitCode, 0) << r.out;
  EXPECT_NE(r.out.find("unknown_dims.onnx: node 'mystery0' (Mystery): note[SL001 unsupported-op]: "), std::string::npos)
      << r.out;
  EXPECT_EQ(run({"check", model, "--fail-on", "note"}).exitCode, 1);
}

// --- JSON contract -------------------------------------------------------------

TEST_F(CliTest, JsonContractForABatchWithALoadError) {
  const CliResult r = run({"check", "--format", "json", kModels + "truncated.onnx", kModels + "clean_convnet.onnx"});
  EXPECT_EQ(r.exitCode, 2);
  // Parsed insertion-ordered, to check the key order the contract fixes.
  const OrderedJson out = OrderedJson::parse(r.out);
  ASSERT_TRUE(out.is_object());
  std::vector<std::string> topKeys;
  for (const auto& item : out.items()) topKeys.push_back(item.key());
  EXPECT_EQ(topKeys, (std::vector<std::string>{"version", "models"}));
  EXPECT_EQ(out["version"], 1);
  ASSERT_EQ(out["models"].size(), 2u);

  const OrderedJson& bad = out["models"][0];
  std::vector<std::string> badKeys;
  for (const auto& item : bad.items()) badKeys.push_back(item.key());
  EXPECT_EQ(badKeys, (std::vector<std::string>{"path", "status", "error", "graph_outputs", "values", "diagnostics"}));
  EXPECT_EQ(bad["path"], kModels + "truncated.onnx");
  EXPECT_EQ(bad["status"], "load-error");
  EXPECT_TRUE(bad["error"].is_string());
  EXPECT_NE(bad["error"].get<std::string>(), "");
  EXPECT_EQ(bad["graph_outputs"], OrderedJson::object());
  EXPECT_EQ(bad["values"], OrderedJson::object());
  EXPECT_EQ(bad["diagnostics"], OrderedJson::array());

  const OrderedJson& good = out["models"][1];
  std::vector<std::string> goodKeys;
  for (const auto& item : good.items()) goodKeys.push_back(item.key());
  EXPECT_EQ(goodKeys, (std::vector<std::string>{"path", "status", "graph_outputs", "values", "diagnostics"}));
  EXPECT_EQ(good["path"], kModels + "clean_convnet.onnx");
  EXPECT_EQ(good["status"], "ok");
  EXPECT_EQ(good["graph_outputs"]["y"], OrderedJson::parse("[1, 8, 16, 16]"));
  EXPECT_EQ(good["values"]["x"], OrderedJson::parse("[1, 3, 32, 32]"));
  EXPECT_EQ(good["values"]["conv0.weight"], OrderedJson::parse("[8, 3, 3, 3]"));
  EXPECT_EQ(good["values"]["relu0"], OrderedJson::parse("[1, 8, 32, 32]"));
  EXPECT_EQ(good["diagnostics"], OrderedJson::array());

  std::vector<std::string> names;
  for (const auto& item : good["values"].items()) names.push_back(item.key());
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
}

TEST_F(CliTest, JsonDimEncodingsAndSymbolRenaming) {
  const json out = runJson({kModels + "unknown_dims.onnx"}, 0);
  const json& model = out["models"][0];
  // An integer, a renamed symbol, null for an unknown dim.
  EXPECT_EQ(model["values"]["x"], json::parse(R"(["batch_size", 3, null])"));
  EXPECT_EQ(model["symbols"], json::parse(R"({"batch_size": "batch size"})"));
  // Unknown rank: the output of an op without a shape function.
  ASSERT_TRUE(model["graph_outputs"].contains("z"));
  EXPECT_TRUE(model["graph_outputs"]["z"].is_null());
  EXPECT_FALSE(model["values"].contains("z"));
  const json d = findDiagnostic(model, "SL001");
  ASSERT_FALSE(d.is_null());
  EXPECT_EQ(d["severity"], "note");
  EXPECT_EQ(d["node"], "mystery0");
}

TEST_F(CliTest, JsonSymbolicInput) {
  const json model = runJson({kModels + "colon_input.onnx"}, 0)["models"][0];
  EXPECT_EQ(model["values"]["x:0"], json::parse(R"(["N", 3, "H", "W"])"));
  EXPECT_FALSE(model.contains("symbols"));
}

// --- --input-shape -----------------------------------------------------------

TEST_F(CliTest, InputShapeSplitsAtTheLastColon) {
  for (const char* spec : {"x:0:1x3x32x32", "x:0:[1,3,32,32]", "x:0:[1, 3, 32, 32]"}) {
    const json model = runJson({kModels + "colon_input.onnx", "--input-shape", spec}, 0)["models"][0];
    EXPECT_EQ(model["values"]["x:0"], json::parse("[1, 3, 32, 32]")) << spec;
    EXPECT_EQ(model["graph_outputs"]["y:0"], json::parse("[1, 8, 32, 32]")) << spec;
    EXPECT_EQ(findDiagnostic(model, "SL002"), nullptr) << spec;
  }
}

TEST_F(CliTest, InputShapeWithSymbolsAndUnknownDims) {
  const json model = runJson({kModels + "colon_input.onnx", "--input-shape", "x:0:[B,3,?,?]"}, 0)["models"][0];
  EXPECT_EQ(model["values"]["x:0"], json::parse(R"(["B", 3, null, null])"));
  const json other = runJson({kModels + "colon_input.onnx", "--input-shape", "x:0:Bx3x?x64"}, 0)["models"][0];
  EXPECT_EQ(other["values"]["x:0"], json::parse(R"(["B", 3, null, 64])"));
}

TEST_F(CliTest, InputShapeOverridesTheDeclaredShape) {
  const json model =
      runJson({kModels + "clean_convnet.onnx", "--input-shape", "x:1x3x64x64"}, 0)["models"][0];
  EXPECT_EQ(model["values"]["x"], json::parse("[1, 3, 64, 64]"));
  EXPECT_EQ(model["graph_outputs"]["y"], json::parse("[1, 8, 32, 32]"));
  EXPECT_EQ(model["diagnostics"], json::array());  // the declared [1, 8, 16, 16] is for the model's own input
}

TEST_F(CliTest, InputShapeForAnAbsentInputGivesANote) {
  // "x" is not "x:0": the model keeps its declared input shape.
  const json model = runJson({kModels + "colon_input.onnx", "--input-shape", "x:1x3x32x32"}, 0)["models"][0];
  const json d = findDiagnostic(model, "SL002");
  ASSERT_FALSE(d.is_null()) << model.dump(2);
  EXPECT_EQ(d["rule"], "input-shape-unused");
  EXPECT_EQ(d["severity"], "note");
  EXPECT_EQ(d["node"], "");
  EXPECT_EQ(d["message"], "--input-shape names 'x', which is not an input of this model (its inputs: 'x:0')");
  EXPECT_EQ(model["values"]["x:0"], json::parse(R"(["N", 3, "H", "W"])"));
}

TEST_F(CliTest, InputShapeAppliesToEveryModelThatHasTheInput) {
  const json out = runJson({kModels + "clean_convnet.onnx", kModels + "colon_input.onnx", "--input-shape",
                            "x:1x3x64x64", "--input-shape", "x:0:2x3x8x8"},
                           0);
  ASSERT_EQ(out["models"].size(), 2u);
  EXPECT_EQ(out["models"][0]["values"]["x"], json::parse("[1, 3, 64, 64]"));
  EXPECT_EQ(out["models"][1]["values"]["x:0"], json::parse("[2, 3, 8, 8]"));
  // Each model lacks the other's input: one note each.
  EXPECT_EQ(findDiagnostic(out["models"][0], "SL002")["message"],
            "--input-shape names 'x:0', which is not an input of this model (its inputs: 'x')");
  EXPECT_EQ(findDiagnostic(out["models"][1], "SL002")["message"],
            "--input-shape names 'x', which is not an input of this model (its inputs: 'x:0')");
}

// --- model arguments -----------------------------------------------------------

TEST_F(CliTest, DirectoriesAreSearchedRecursivelyAndSorted) {
  const fs::path dir = tempDir() / "tree";
  fs::create_directories(dir / "a");
  const fs::path src = fs::path(SHAPELINT_SOURCE_DIR) / kModels;
  fs::copy_file(src / "conv_channel_mismatch.onnx", dir / "b.onnx", fs::copy_options::overwrite_existing);
  fs::copy_file(src / "clean_convnet.onnx", dir / "a" / "c.onnx", fs::copy_options::overwrite_existing);
  fs::copy_file(src / "concat_mismatch.onnx", dir / "a.onnx", fs::copy_options::overwrite_existing);
  std::ofstream(dir / "notes.txt") << "not a model\n";

  const json out = runJson({dir.string(), kModels + "clean_convnet.onnx"}, 1);
  std::vector<std::string> paths;
  for (const json& m : out["models"]) paths.push_back(m["path"]);
  EXPECT_EQ(paths, (std::vector<std::string>{(dir / "a.onnx").string(), (dir / "a" / "c.onnx").string(),
                                             (dir / "b.onnx").string(), kModels + "clean_convnet.onnx"}));
}

TEST_F(CliTest, ModelsInInputOrder) {
  const json out = runJson({kModels + "concat_mismatch.onnx", kModels + "clean_convnet.onnx"}, 1);
  ASSERT_EQ(out["models"].size(), 2u);
  EXPECT_EQ(out["models"][0]["path"], kModels + "concat_mismatch.onnx");
  EXPECT_EQ(out["models"][1]["path"], kModels + "clean_convnet.onnx");
}

// --- text output -------------------------------------------------------------------

TEST_F(CliTest, OutputIsDeterministic) {
  const std::vector<std::string> args = {"check", kModels, "--input-shape", "x:1x3x64x64"};
  const CliResult first = run(args);
  const CliResult second = run(args);
  EXPECT_EQ(first.exitCode, 2);  // the directory holds truncated.onnx
  EXPECT_EQ(first.out, second.out);
  EXPECT_EQ(first.err, second.err);
}

TEST_F(CliTest, QuietPrintsFindingsOnly) {
  EXPECT_EQ(run({"check", "-q", kModels + "clean_convnet.onnx"}).out, "");
  const CliResult r = run({"check", "--quiet", kModels + "conv_channel_mismatch.onnx"});
  EXPECT_NE(r.out.find("error[SL201"), std::string::npos);
  EXPECT_EQ(r.out.find(" in 1 model"), std::string::npos) << r.out;
}

TEST_F(CliTest, ColorFlag) {
  const std::string model = kModels + "conv_channel_mismatch.onnx";
  EXPECT_EQ(run({"check", model}).out.find('\x1b'), std::string::npos);  // auto: stdout is not a terminal
  EXPECT_EQ(run({"check", model, "--color", "never"}).out.find('\x1b'), std::string::npos);
  EXPECT_NE(run({"check", model, "--color", "always"}).out.find("\x1b[1;31merror"), std::string::npos);
  EXPECT_NE(run({"check", model, "--color", "always"}, "NO_COLOR=1").out.find('\x1b'), std::string::npos);
  EXPECT_EQ(run({"check", model, "--format", "json", "--color", "always"}).out.find('\x1b'), std::string::npos);
}

TEST_F(CliTest, ModelSuppliedNamesAreEscaped) {
  const CliResult text = run({"check", kModels + "control_chars.onnx", "--color", "never"});
  EXPECT_EQ(text.out.find('\x1b'), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("node 'mystery\\x1b[31m\\nfake.onnx: error: injected' (Mystery): note[SL001"),
            std::string::npos)
      << text.out;

  const json model = runJson({kModels + "control_chars.onnx"}, 0)["models"][0];
  EXPECT_TRUE(model["values"].contains("x\x1b[2J"));
  EXPECT_EQ(findDiagnostic(model, "SL001")["node"], "mystery\x1b[31m\nfake.onnx: error: injected");
}

// --- the generator -------------------------------------------------------------------

TEST_F(CliTest, GeneratedModelsAreUpToDate) {
  if (std::system("/usr/bin/python3 -c 'import onnx' >/dev/null 2>&1") != 0) GTEST_SKIP() << "python3-onnx missing";
  const std::string command = "cd " + shellQuote(SHAPELINT_SOURCE_DIR) + " && /usr/bin/python3 tools/gen_models_cli.py --check";
  EXPECT_EQ(std::system(command.c_str()), 0) << "rerun tools/gen_models_cli.py and commit tests/models/cli/";
}

}  // namespace
}  // namespace shapelint::cli
