// The loader: malformed files each give one clear LoadError naming the file;
// valid models, including the awkward-but-legal ones, load into the IR.
#include "shapelint/onnx/loader.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace shapelint::onnx {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

std::string modelPath(const std::string& name) {
  return std::string(SHAPELINT_SOURCE_DIR) + "/tests/models/loader/" + name + ".onnx";
}

std::string testdataModel(const std::string& name) {
  return std::string(SHAPELINT_TESTDATA_DIR) + "/node/" + name + "/model.onnx";
}

std::string readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The model at `path`; a test failure carrying the LoadError when it does not load.
ir::Model expectLoads(const std::string& path) {
  LoadResult result = loadModel(path);
  if (const auto* error = std::get_if<LoadError>(&result)) {
    ADD_FAILURE() << "unexpected LoadError: " << error->message;
    return {};
  }
  return std::get<ir::Model>(std::move(result));
}

// The LoadError message for `result`; a test failure when it loaded.
std::string errorOf(const LoadResult& result) {
  if (const auto* error = std::get_if<LoadError>(&result)) return error->message;
  ADD_FAILURE() << "loaded, but a LoadError was expected";
  return {};
}

// One line, lower-case after the path, no trailing period.
void expectOneLine(const std::string& message, const std::string& path) {
  EXPECT_THAT(message, StartsWith(path + ": "));
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  ASSERT_FALSE(message.empty());
  EXPECT_NE(message.back(), '.') << message;
  const char first = message[path.size() + 2];
  EXPECT_FALSE(first >= 'A' && first <= 'Z') << message;
}

const ir::Attribute& attribute(const ir::Node& node, const std::string& name) {
  const ir::Attribute* found = node.attr(name);
  if (found == nullptr) throw std::runtime_error("no attribute " + name);
  return *found;
}

const ir::Value& value(const ir::Graph& graph, const std::string& name) {
  const ir::Value* found = graph.find(name);
  if (found == nullptr) throw std::runtime_error("no value " + name);
  return *found;
}

// --- one committed malformed file per error ------------------------------------------------

struct ErrorCase {
  std::string model;   // file name in tests/models/loader, without .onnx
  std::string reason;  // what the message must contain after "<path>: "
};

class MalformedModel : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(MalformedModel, FailsWithOneLineNamingFileAndReason) {
  const std::string path = modelPath(GetParam().model);
  const std::string message = errorOf(loadModel(path));
  expectOneLine(message, path);
  EXPECT_THAT(message, HasSubstr(GetParam().reason));
}

TEST_P(MalformedModel, FailsTheSameFromBytes) {
  const std::string path = modelPath(GetParam().model);
  EXPECT_EQ(errorOf(loadModelFromBytes(readBytes(path), path)), errorOf(loadModel(path)));
}

INSTANTIATE_TEST_SUITE_P(
    Loader, MalformedModel,
    ::testing::Values(
        ErrorCase{"empty", "empty file"},
        ErrorCase{"lfs_pointer", "a Git LFS pointer, not the model; run `git lfs pull`"},
        ErrorCase{"text_file", "not an ONNX protobuf (it looks like a text file)"},
        ErrorCase{"binary_garbage", "not an ONNX protobuf"},
        ErrorCase{"unknown_fields_only",
                  "not an ONNX protobuf (it has no graph, no opset import and no IR version)"},
        ErrorCase{"truncated", "truncated or corrupt"},
        ErrorCase{"no_graph", "no graph in the model"},
        ErrorCase{"no_opset", "no opset import in the model"},
        ErrorCase{"duplicate_node_output",
                  "node 'second' (Neg) writes 'y', which node 'first' (Relu) also writes"},
        ErrorCase{"output_is_graph_input", "node 'relu' (Relu) writes 'z', which is already a graph input"},
        ErrorCase{"output_is_initializer", "node 'relu' (Relu) writes 'w', which is already an initializer"},
        ErrorCase{"duplicate_initializer", "initializer 'w' is defined twice"},
        ErrorCase{"duplicate_graph_input", "graph input 'x' is listed twice"},
        ErrorCase{"unproduced_input", "node 'add' (Add) reads 'ghost', which nothing produces"},
        ErrorCase{"cycle", "node 'a' (Add) is on a cycle: 'a' -> 'b' -> 'c' -> 'a'"},
        ErrorCase{"subgraph_unproduced_input", "node 'then_add' (Add) reads 'ghost', which nothing produces"},
        ErrorCase{"negative_initializer_dim", "initializer 'w' has negative dim -3 at axis 1"},
        ErrorCase{"overflowing_initializer_dims",
                  "initializer 'w' has dims [4294967296, 4294967296] whose element count overflows int64"},
        ErrorCase{"negative_constant_dim",
                  "node 'const' (Constant) attribute 'value' has negative dim -1 at axis 0"}),
    [](const ::testing::TestParamInfo<ErrorCase>& param) { return param.param.model; });

// --- files that cannot be read -------------------------------------------------------------

TEST(LoaderFiles, MissingFile) {
  const std::string path = modelPath("does_not_exist");
  EXPECT_EQ(errorOf(loadModel(path)), path + ": cannot open: No such file or directory");
}

TEST(LoaderFiles, Directory) {
  const std::string path = std::string(SHAPELINT_SOURCE_DIR) + "/tests/models/loader";
  EXPECT_EQ(errorOf(loadModel(path)), path + ": cannot open: Is a directory");
}

TEST(LoaderFiles, UnreadableFile) {
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("shapelint_unreadable_" + std::to_string(::getpid()) + ".onnx");
  { std::ofstream(path) << "x"; }
  ::chmod(path.c_str(), 0);
  const bool readable = ::access(path.c_str(), R_OK) == 0;  // root reads anything
  const std::string message = readable ? std::string() : errorOf(loadModel(path.string()));
  std::filesystem::remove(path);
  if (readable) GTEST_SKIP() << "running as a user who can read a mode-000 file";
  EXPECT_EQ(message, path.string() + ": cannot open: Permission denied");
}

TEST(LoaderFiles, EmptyBytesNameThePath) {
  EXPECT_EQ(errorOf(loadModelFromBytes("", "in-memory.onnx")), "in-memory.onnx: empty file");
}

// Every strict prefix of a valid model is rejected cleanly, never crashes.
TEST(LoaderRobustness, EveryTruncationIsALoadError) {
  const std::string bytes = readBytes(modelPath("if_outer_scope"));
  ASSERT_FALSE(bytes.empty());
  for (size_t size = 0; size < bytes.size(); ++size) {
    const std::string message = errorOf(loadModelFromBytes(bytes.substr(0, size), "cut.onnx"));
    ASSERT_THAT(message, StartsWith("cut.onnx: ")) << "prefix of " << size << " bytes";
  }
}

// Random byte corruption of valid models either loads or fails with a
// LoadError; it never crashes or throws.
TEST(LoaderRobustness, CorruptedBytesNeverCrash) {
  std::mt19937 random(20240607);
  for (const char* name : {"if_outer_scope", "constants", "external_data"}) {
    const std::string original = readBytes(modelPath(name));
    ASSERT_FALSE(original.empty());
    std::uniform_int_distribution<size_t> position(0, original.size() - 1);
    std::uniform_int_distribution<int> byte(0, 255);
    for (int trial = 0; trial < 500; ++trial) {
      std::string bytes = original;
      for (int flips = 0; flips < 1 + trial % 4; ++flips)
        bytes[position(random)] = static_cast<char>(byte(random));
      LoadResult result = loadModelFromBytes(bytes, "fuzz.onnx");
      if (const auto* error = std::get_if<LoadError>(&result)) {
        ASSERT_THAT(error->message, StartsWith("fuzz.onnx: "));
        ASSERT_EQ(error->message.find('\n'), std::string::npos) << error->message;
      }
    }
  }
}

// --- valid models --------------------------------------------------------------------------

TEST(LoaderModel, ReadsModelFields) {
  const ir::Model model = expectLoads(modelPath("out_of_order"));
  EXPECT_EQ(model.path, modelPath("out_of_order"));
  EXPECT_EQ(model.irVersion, 8);
  EXPECT_EQ(model.producerName, "gen_models_loader");
  EXPECT_EQ(model.opset(""), 17);
  EXPECT_EQ(model.opset("ai.onnx"), 17);
  EXPECT_THAT(model.graph.inputs, ElementsAre("x"));
  EXPECT_THAT(model.graph.outputs, ElementsAre("y", "z"));
}

TEST(LoaderModel, InitializerListedAsGraphInputAtIr3) {
  const ir::Model model = expectLoads(modelPath("ir3_initializer_is_input"));
  EXPECT_EQ(model.irVersion, 3);
  EXPECT_EQ(model.opset(""), 8);
  EXPECT_THAT(model.graph.inputs, ElementsAre("x", "w"));
  EXPECT_THAT(model.graph.initializers, ElementsAre("w"));
  const ir::Value& w = value(model.graph, "w");
  EXPECT_TRUE(w.isGraphInput);
  EXPECT_TRUE(w.isInitializer);
  EXPECT_TRUE(w.hasDeclared);
  EXPECT_EQ(w.declared, ir::Shape::ofValues({2, 3}));
  EXPECT_EQ(w.producer, -1);
}

TEST(LoaderModel, AbsentOptionalInputStaysEmpty) {
  const ir::Model model = expectLoads(modelPath("absent_optional_input"));
  ASSERT_EQ(model.graph.nodes.size(), 1u);
  EXPECT_THAT(model.graph.nodes[0].inputs, ElementsAre("x", "", "hi"));
  EXPECT_EQ(model.graph.find(""), nullptr);
  const ir::Value& x = value(model.graph, "x");
  EXPECT_TRUE(x.hasDeclared);
  EXPECT_EQ(x.declared, ir::Shape({ir::Dim::symbol("N"), ir::Dim::value(4)}));
  EXPECT_EQ(x.elemType, ir::kFloat);
}

TEST(LoaderModel, SubgraphReadsOuterScope) {
  const ir::Model model = expectLoads(modelPath("if_outer_scope"));
  const ir::Graph& graph = model.graph;
  ASSERT_EQ(graph.nodes.size(), 2u);
  // The If node is listed first but reads 'r' (through its then-branch),
  // which the Relu produces.
  EXPECT_THAT(graph.topoOrder, ElementsAre(1u, 0u));
  EXPECT_THAT(graph.outerScopeNames, IsEmpty());

  const ir::Node& ifNode = graph.nodes[0];
  const ir::Attribute& thenBranch = attribute(ifNode, "then_branch");
  ASSERT_EQ(thenBranch.type, ir::Attribute::Type::kGraph);
  ASSERT_EQ(thenBranch.graphs().size(), 1u);
  const ir::Graph& thenGraph = *thenBranch.graphs()[0];
  EXPECT_THAT(thenGraph.outerScopeNames, ElementsAre("r"));
  EXPECT_THAT(thenGraph.topoOrder, ElementsAre(0u));
  EXPECT_THAT(thenGraph.outputs, ElementsAre("t"));
  ASSERT_EQ(thenGraph.nodes.size(), 1u);
  EXPECT_EQ(thenGraph.nodes[0].name, "if/then_branch/Add_0");
  EXPECT_TRUE(thenGraph.nodes[0].nameSynthesised);
  EXPECT_EQ(value(thenGraph, "t").producer, 0);

  const ir::Graph& elseGraph = *attribute(ifNode, "else_branch").graphs().at(0);
  EXPECT_THAT(elseGraph.outerScopeNames, ElementsAre("x"));
  EXPECT_EQ(elseGraph.nodes.at(0).name, "if/else_branch/Identity_0");
}

TEST(LoaderModel, ExternalDataIsNeverOpened) {
  const std::string path = modelPath("external_data");
  ASSERT_FALSE(std::filesystem::exists(std::filesystem::path(path).parent_path() / "missing_weights.bin"));
  const ir::Model model = expectLoads(path);
  const ir::Value& weights = value(model.graph, "weights");
  EXPECT_TRUE(weights.isInitializer);
  EXPECT_TRUE(weights.externalData);
  EXPECT_EQ(weights.elemType, ir::kFloat);
  EXPECT_EQ(weights.declared, ir::Shape::ofValues({64, 3, 7, 7}));
  EXPECT_FALSE(weights.data.has_value());
}

TEST(LoaderModel, TopologicalOrderIsStable) {
  const ir::Model model = expectLoads(modelPath("out_of_order"));
  const ir::Graph& graph = model.graph;
  ASSERT_EQ(graph.nodes.size(), 3u);
  EXPECT_EQ(graph.nodes[0].name, "second");
  EXPECT_EQ(graph.nodes[1].name, "first");
  // 'first' and 'third' are ready at once: model order breaks the tie, and
  // 'second' (index 0) goes as soon as 'first' has run.
  EXPECT_THAT(graph.topoOrder, ElementsAre(1u, 0u, 2u));
  EXPECT_EQ(value(graph, "a").producer, 1);
  EXPECT_EQ(value(graph, "y").producer, 0);
  EXPECT_TRUE(value(graph, "y").isGraphOutput);
  EXPECT_TRUE(value(graph, "x").isGraphInput);
  for (size_t i = 0; i < graph.nodes.size(); ++i) EXPECT_EQ(graph.nodes[i].index, i);
}

TEST(LoaderModel, SynthesisesNamesForUnnamedNodes) {
  const ir::Model model = expectLoads(modelPath("unnamed_nodes"));
  const ir::Graph& graph = model.graph;
  ASSERT_EQ(graph.nodes.size(), 3u);
  EXPECT_EQ(graph.nodes[0].name, "Relu_0");
  EXPECT_TRUE(graph.nodes[0].nameSynthesised);
  EXPECT_EQ(graph.nodes[1].name, "Neg_1");
  EXPECT_TRUE(graph.nodes[1].nameSynthesised);
  EXPECT_EQ(graph.nodes[2].name, "named");
  EXPECT_FALSE(graph.nodes[2].nameSynthesised);
}

TEST(LoaderModel, ReadsAttributes) {
  const ir::Model model = expectLoads(testdataModel("test_conv_with_strides_padding"));
  const ir::Node& conv = model.graph.nodes.at(0);
  EXPECT_EQ(conv.opType, "Conv");
  EXPECT_EQ(conv.domain, "");
  const ir::Attribute& strides = attribute(conv, "strides");
  EXPECT_EQ(strides.type, ir::Attribute::Type::kInts);
  EXPECT_THAT(strides.ints, ElementsAre(2, 2));
  EXPECT_THAT(attribute(conv, "pads").ints, ElementsAre(1, 1, 1, 1));
  EXPECT_THAT(attribute(conv, "kernel_shape").ints, ElementsAre(3, 3));
}

TEST(LoaderModel, LoopBodyIsASubgraph) {
  const ir::Model model = expectLoads(testdataModel("test_loop11"));
  const ir::Node& loop = model.graph.nodes.at(0);
  const ir::Attribute& body = attribute(loop, "body");
  ASSERT_EQ(body.type, ir::Attribute::Type::kGraph);
  const ir::Graph& graph = *body.graphs().at(0);
  EXPECT_EQ(graph.name, "loop_body");
  EXPECT_EQ(graph.topoOrder.size(), graph.nodes.size());
  EXPECT_THAT(graph.inputs, ElementsAre("iter_count", "cond_in", "y_in"));
  const ir::Attribute& value = attribute(graph.nodes.at(1), "value");
  ASSERT_EQ(value.type, ir::Attribute::Type::kTensor);
  ASSERT_TRUE(value.tensor()->data.has_value());
  EXPECT_THAT(value.tensor()->data->reals, ElementsAre(1.0, 2.0, 3.0, 4.0, 5.0));
}

// The backend test models the brief names, and every other one: all are valid.
TEST(LoaderModel, BackendNodeModelsLoad) {
  for (const char* name : {"test_conv_with_strides_padding", "test_if", "test_loop11", "test_scan9_sum",
                           "test_if_seq", "test_if_opt", "test_range_float_type_positive_delta_expanded"})
    expectLoads(testdataModel(name));

  size_t loaded = 0;
  const std::string nodeDir = std::string(SHAPELINT_TESTDATA_DIR) + "/node";
  for (const auto& entry : std::filesystem::directory_iterator(nodeDir)) {
    const std::filesystem::path model = entry.path() / "model.onnx";
    if (!std::filesystem::exists(model)) continue;
    LoadResult result = loadModel(model.string());
    if (const auto* error = std::get_if<LoadError>(&result)) ADD_FAILURE() << error->message;
    ++loaded;
  }
  EXPECT_GT(loaded, 100u);
}

TEST(ReadTensorDims, ReadsBackendOutput) {
  const std::string path =
      std::string(SHAPELINT_TESTDATA_DIR) + "/node/test_conv_with_strides_padding/test_data_set_0/output_0.pb";
  std::optional<std::vector<int64_t>> dims = readTensorDims(path);
  ASSERT_TRUE(dims.has_value());
  EXPECT_THAT(*dims, ElementsAre(1, 1, 4, 3));
}

TEST(ReadTensorDims, NotATensor) {
  EXPECT_FALSE(readTensorDims(modelPath("does_not_exist")).has_value());
  EXPECT_FALSE(readTensorDims(modelPath("empty")).has_value());
  EXPECT_FALSE(readTensorDims(modelPath("text_file")).has_value());
}

}  // namespace
}  // namespace shapelint::onnx
