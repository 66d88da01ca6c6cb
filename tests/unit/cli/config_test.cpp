// The configuration file (shapelint/driver/config.h): parsing, errors with
// their position and key, path globs, discovery, and how it combines with
// the command line.
#include "shapelint/driver/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace shapelint {
namespace {

namespace fs = std::filesystem;
using diag::RuleId;
using diag::Severity;

bool has(const RuleSet& rules, RuleId id) { return rules.test(static_cast<size_t>(id)); }

Config parse(const std::string& text) {
  std::optional<Config> config = parseConfig(text, "shapelint.toml", "/project", false);
  EXPECT_TRUE(config.has_value());
  return config ? *config : Config{};
}

// The one-line message of an invalid configuration.
std::string errorOf(const std::string& text, const std::string& file = "shapelint.toml") {
  try {
    parseConfig(text, file, "/project", file == "pyproject.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "<no error>";
}

const char* const kExample = R"(
select = ["SL1", "SL2", "floor-truncation"]
ignore = ["SL103"]
fail-on = "warning"
target = ["onnxruntime", "pytorch"]
input-shape = ["x:Nx3x224x224"]
dims = { N = 1 }

[severity]
SL204 = "error"
SL2 = "note"

[[ignore-nodes]]
rule = "SL204"
node = "encoder.*"

[per-path."models/seg/*.onnx"]
input-shape = ["x:1x3xHxW"]
dims = { H = 512, W = 1024 }
ignore = ["SL201"]
ignore-nodes = [{ node = "/decoder/*" }, { rule = ["SL1", "SL202"], node = "head*" }]
)";

TEST(ConfigParse, TheREADMEStyleExample) {
  const Config c = parse(kExample);
  ASSERT_TRUE(c.selection.select.has_value());
  EXPECT_TRUE(has(*c.selection.select, RuleId::kIncompatibleMerge));
  EXPECT_TRUE(has(*c.selection.select, RuleId::kIndivisibleDim));
  EXPECT_FALSE(has(*c.selection.select, RuleId::kInvalidAttribute));  // SL301
  EXPECT_TRUE(has(c.selection.ignore, RuleId::kPossibleMergeMismatch));
  EXPECT_EQ(c.selection.ignore.count(), 1u);
  EXPECT_EQ(c.failOn, Severity::kWarning);
  EXPECT_EQ(c.target, static_cast<passes::Target>(static_cast<unsigned>(passes::Target::kOnnxRuntime) |
                                                  static_cast<unsigned>(passes::Target::kPyTorch)));
  ASSERT_EQ(c.inputShapes.count("x"), 1u);
  EXPECT_EQ(c.inputShapes.at("x").str(), "[N, 3, 224, 224]");
  EXPECT_EQ(c.dims, (SymbolBindings{{"N", 1}}));
  EXPECT_EQ(c.selection.severity.size(), 2u);
  ASSERT_EQ(c.ignoreNodes.size(), 1u);
  EXPECT_EQ(c.ignoreNodes[0].nodePattern, "encoder.*");
  EXPECT_TRUE(has(c.ignoreNodes[0].rules, RuleId::kFloorTruncation));
  EXPECT_EQ(c.ignoreNodes[0].rules.count(), 1u);
  ASSERT_EQ(c.perPath.size(), 1u);
  const PathSettings& p = c.perPath[0];
  EXPECT_EQ(p.pattern, "models/seg/*.onnx");
  EXPECT_EQ(p.inputShapes.at("x").str(), "[1, 3, H, W]");
  EXPECT_EQ(p.dims, (SymbolBindings{{"H", 512}, {"W", 1024}}));
  EXPECT_TRUE(has(p.ignore, RuleId::kConvChannelMismatch));
  ASSERT_EQ(p.ignoreNodes.size(), 2u);
  EXPECT_TRUE(p.ignoreNodes[0].rules.none());     // every rule
  EXPECT_EQ(p.ignoreNodes[1].rules.count(), 6u);  // SL101 to SL105, SL202
}

TEST(ConfigParse, TargetAsOneString) {
  EXPECT_EQ(parse("target = \"onnx\"").target, passes::Target::kOnnx);
  EXPECT_EQ(parse("").target, std::nullopt);
}

TEST(ConfigParse, PyprojectReadsToolShapelintOnly) {
  const std::string text =
      "[project]\nname = \"x\"\n[tool.ruff]\nline-length = 1\n[tool.shapelint]\nignore = [\"SL204\"]\n";
  std::optional<Config> c = parseConfig(text, "pyproject.toml", "/p", true);
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(has(c->selection.ignore, RuleId::kFloorTruncation));
  EXPECT_FALSE(parseConfig("[project]\nname = \"x\"\n", "pyproject.toml", "/p", true).has_value());
  // In shapelint.toml the same table is an unknown key.
  EXPECT_EQ(errorOf("[tool.shapelint]\n"),
            "shapelint.toml:1:2: error: unknown key 'tool' (expected select, ignore, "
            "severity, fail-on, target, input-shape, dims, ignore-nodes, per-path)");
}

TEST(ConfigErrors, NameFileLineColumnAndKey) {
  EXPECT_EQ(errorOf("select = [\"SL1\",\n  \"SL9\"]\n"),
            "shapelint.toml:2:3: error: 'select[1]': unknown rule 'SL9' (expected a code such as SL204, a name such as "
            "floor-truncation, or a code prefix such as SL2)");
  EXPECT_EQ(errorOf("fail-on = 3\n"), "shapelint.toml:1:11: error: 'fail-on' must be a string, not an integer");
  EXPECT_EQ(errorOf("fail-on = \"fatal\"\n"),
            "shapelint.toml:1:11: error: 'fail-on': unknown severity 'fatal' (expected error, warning or note)");
  EXPECT_EQ(errorOf("\n\n  colour = true\n"),
            "shapelint.toml:3:3: error: unknown key 'colour' (expected select, ignore, severity, fail-on, target, "
            "input-shape, dims, ignore-nodes, per-path)");
  EXPECT_EQ(errorOf("[severity]\nfloor-trunc = \"error\"\n"),
            "shapelint.toml:2:1: error: 'severity.floor-trunc': unknown rule 'floor-trunc' (expected a code such as "
            "SL204, a name such as floor-truncation, or a code prefix such as SL2)");
  EXPECT_EQ(errorOf("[per-path.\"a/*.onnx\"]\ndims = { H = -1 }\n"),
            "shapelint.toml:2:14: error: 'per-path.\"a/*.onnx\".dims.H' must be an integer >= 0");
  EXPECT_EQ(errorOf("[per-path.\"a/*.onnx\"]\nselect = [\"SL1\"]\n"),
            "shapelint.toml:2:1: error: unknown key 'per-path.\"a/*.onnx\".select' (expected ignore, input-shape, "
            "dims, ignore-nodes)");
  EXPECT_EQ(errorOf("ignore-nodes = [{ rule = \"SL204\" }]\n"),
            "shapelint.toml:1:17: error: 'ignore-nodes[0]' needs a 'node' pattern");
  EXPECT_EQ(errorOf("ignore-nodes = [{ node = \"a\", rule = [] }]\n"),
            "shapelint.toml:1:38: error: 'ignore-nodes[0].rule' names no rule");
  EXPECT_EQ(errorOf("input-shape = [\"x:1x3\", \"x:2x3\"]\n"),
            "shapelint.toml:1:25: error: 'input-shape[1]': input 'x' is given more than once");
  EXPECT_EQ(errorOf("input-shape = [\"x:1x-3\"]\n"),
            "shapelint.toml:1:16: error: 'input-shape[0]': 'x:1x-3': '-3' is not a dim (expected an integer >= 0, a "
            "symbol name or '?')");
  EXPECT_EQ(errorOf("target = [\"onnx\", \"tensorrt\"]\n"),
            "shapelint.toml:1:19: error: 'target[1]': unknown target 'tensorrt' (expected onnx, onnxruntime, pytorch "
            "or all)");
  EXPECT_EQ(errorOf("[tool.shapelint]\nselect = \"SL1\"\n", "pyproject.toml"),
            "pyproject.toml:2:10: error: 'tool.shapelint.select' must be an array, not a string");
}

TEST(ConfigErrors, InvalidTomlNamesThePosition) {
  const std::string e = errorOf("select = [\"SL1\"\nignore = 1\n");
  EXPECT_EQ(e.rfind("shapelint.toml:2:", 0), 0u) << e;
  EXPECT_NE(e.find("error: invalid TOML: "), std::string::npos) << e;
}

TEST(PathGlob, SegmentsAndDoubleStar) {
  EXPECT_TRUE(pathMatches("models/seg/*.onnx", "models/seg/unet.onnx"));
  EXPECT_FALSE(pathMatches("models/seg/*.onnx", "models/seg/old/unet.onnx"));  // * stays in a segment
  EXPECT_FALSE(pathMatches("models/seg/*.onnx", "models/segx/unet.onnx"));
  EXPECT_TRUE(pathMatches("models/**/*.onnx", "models/a/b/c.onnx"));
  EXPECT_TRUE(pathMatches("models/**/*.onnx", "models/c.onnx"));  // ** is zero or more folders
  EXPECT_TRUE(pathMatches("legacy/**", "legacy/x/y.onnx"));
  EXPECT_FALSE(pathMatches("legacy/**", "new/legacy/y.onnx"));
  EXPECT_TRUE(pathMatches("unet_?.onnx", "deep/er/unet_3.onnx"));  // no '/': the file name anywhere
  EXPECT_FALSE(pathMatches("unet_?.onnx", "unet_33.onnx"));
  EXPECT_TRUE(pathMatches("./models/*.onnx", "models/a.onnx"));
}

// A scratch tree with a .git at its top, so discovery never leaves it.
class ConfigDiscovery : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "shapelint_config_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = fs::path(pattern);
    fs::create_directories(root_ / ".git");
  }
  void TearDown() override { fs::remove_all(root_); }
  void write(const fs::path& relative, const std::string& text) {
    fs::create_directories((root_ / relative).parent_path());
    std::ofstream(root_ / relative) << text;
  }
  std::string model(const std::string& relative) { return (root_ / relative).string(); }
  fs::path root_;
};

TEST_F(ConfigDiscovery, NearestWinsAndPyprojectWithoutTheTableIsSkipped) {
  write("shapelint.toml", "ignore = [\"SL204\"]\n");
  write("a/pyproject.toml", "[project]\nname = \"a\"\n");  // no [tool.shapelint]: look further up
  write("b/pyproject.toml", "[tool.shapelint]\nignore = [\"SL102\"]\n");
  write("b/c/shapelint.toml", "ignore = [\"SL201\"]\n");
  write("b/c/pyproject.toml", "[tool.shapelint]\nignore = [\"SL202\"]\n");  // shapelint.toml comes first
  ConfigFinder finder;
  const Config* top = finder.forModel(model("a/m.onnx"));
  ASSERT_NE(top, nullptr);
  EXPECT_TRUE(has(top->selection.ignore, RuleId::kFloorTruncation));
  EXPECT_EQ(top->dir, root_.lexically_normal());
  const Config* b = finder.forModel(model("b/d/m.onnx"));
  ASSERT_NE(b, nullptr);
  EXPECT_TRUE(has(b->selection.ignore, RuleId::kIncompatibleMerge));
  EXPECT_FALSE(has(b->selection.ignore, RuleId::kFloorTruncation));  // nearest wins, no merging
  const Config* c = finder.forModel(model("b/c/m.onnx"));
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(has(c->selection.ignore, RuleId::kConvChannelMismatch));
  EXPECT_EQ(finder.forModel(model("a/x/y/m.onnx")), top);  // parsed once, shared
}

TEST_F(ConfigDiscovery, StopsAtAFolderWithGit) {
  write("shapelint.toml", "ignore = [\"SL204\"]\n");
  fs::create_directories(root_ / "sub" / ".git");
  ConfigFinder finder;
  EXPECT_EQ(finder.forModel(model("sub/m.onnx")), nullptr);
  EXPECT_NE(finder.forModel(model("m.onnx")), nullptr);
}

TEST_F(ConfigDiscovery, AnInvalidFileIsAnError) {
  write("x/shapelint.toml", "select = [\"nope\"]\n");
  ConfigFinder finder;
  try {
    finder.forModel(model("x/m.onnx"));
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("shapelint.toml:1:11: error: 'select[0]': unknown rule 'nope'"), std::string::npos)
        << message;
  }
}

TEST_F(ConfigDiscovery, ResolveCombinesConfigPerPathAndCommandLine) {
  write("shapelint.toml", kExample);
  const Config config = loadConfigFile((root_ / "shapelint.toml").string());
  CliSettings cli;
  const ModelSettings seg = resolveSettings(&config, model("models/seg/u.onnx"), cli);
  EXPECT_EQ(seg.failOn, Severity::kWarning);
  EXPECT_EQ(seg.pass.inputShapes.at("x").str(), "[1, 3, H, W]");  // per-path replaces the top-level shape
  EXPECT_EQ(seg.dims, (SymbolBindings{{"H", 512}, {"N", 1}, {"W", 1024}}));
  EXPECT_FALSE(seg.policy.isEnabled(RuleId::kConvChannelMismatch));  // per-path ignore
  EXPECT_TRUE(seg.policy.isEnabled(RuleId::kIncompatibleMerge));
  EXPECT_FALSE(seg.policy.isEnabled(RuleId::kPossibleMergeMismatch));  // top-level ignore
  EXPECT_FALSE(seg.policy.isEnabled(RuleId::kInvalidAttribute));       // not selected
  EXPECT_EQ(seg.policy.ignoreNodes.size(), 3u);
  EXPECT_EQ(seg.policy.severity[static_cast<size_t>(RuleId::kFloorTruncation)], Severity::kError);
  EXPECT_EQ(seg.policy.severity[static_cast<size_t>(RuleId::kNonPositiveOutput)], Severity::kNote);

  const ModelSettings other = resolveSettings(&config, model("models/cls/r.onnx"), cli);
  EXPECT_EQ(other.pass.inputShapes.at("x").str(), "[N, 3, 224, 224]");
  EXPECT_TRUE(other.policy.isEnabled(RuleId::kConvChannelMismatch));
  EXPECT_EQ(other.policy.ignoreNodes.size(), 1u);

  // The command line overrides: select, fail-on, target, an input's shape;
  // the per-path ignore still applies.
  cli.selection.select = *matchRules("SL2");
  cli.failOn = Severity::kError;
  cli.target = passes::Target::kOnnx;
  cli.inputShapes.emplace("x", ir::Shape::ofValues({2, 3, 8, 8}));
  const ModelSettings overridden = resolveSettings(&config, model("models/seg/u.onnx"), cli);
  EXPECT_EQ(overridden.failOn, Severity::kError);
  EXPECT_EQ(overridden.pass.target, passes::Target::kOnnx);
  EXPECT_EQ(overridden.pass.inputShapes.at("x").str(), "[2, 3, 8, 8]");
  EXPECT_TRUE(overridden.policy.isEnabled(RuleId::kNonPositiveOutput));
  EXPECT_FALSE(overridden.policy.isEnabled(RuleId::kIncompatibleMerge));
  EXPECT_FALSE(overridden.policy.isEnabled(RuleId::kConvChannelMismatch));

  const ModelSettings none = resolveSettings(nullptr, model("m.onnx"), CliSettings{});
  EXPECT_EQ(none.failOn, Severity::kError);
  EXPECT_EQ(none.pass.target, passes::Target::kAll);
  EXPECT_TRUE(none.policy.enabled.all());
}

}  // namespace
}  // namespace shapelint
