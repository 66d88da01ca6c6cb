// The writer: the model re-read from its file, annotated with the IR's
// inferred shapes, written atomically. The shapes here are set by hand (this
// suite has no shape pass): what is tested is that exactly those shapes come
// back when the written model is loaded again, that the rest of the model is
// kept, and the refusals.
#include "shapelint/onnx/writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <variant>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "shapelint/ir/expr.h"
#include "shapelint/onnx/loader.h"

namespace shapelint::onnx {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

std::string sourceModel(const std::string& relative) {
  return std::string(SHAPELINT_SOURCE_DIR) + "/tests/models/" + relative + ".onnx";
}

std::string readBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

ir::Model expectLoads(const std::string& path) {
  LoadResult result = loadModel(path);
  if (const auto* error = std::get_if<LoadError>(&result)) {
    ADD_FAILURE() << "unexpected LoadError: " << error->message;
    return {};
  }
  return std::get<ir::Model>(std::move(result));
}

ir::Shape shapeOf(std::vector<ir::Dim> dims) {
  return ir::Shape(std::move(dims));
}
ir::Dim v(int64_t value) {
  return ir::Dim::value(value);
}

// The files in `dir`, names only, sorted.
std::vector<std::string> filesIn(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

class WriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "shapelint_writer_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // A copy of a model from tests/models in the scratch folder.
  fs::path copyModel(const std::string& relative, const fs::path& to) {
    fs::create_directories(to.parent_path());
    fs::copy_file(sourceModel(relative), to, fs::copy_options::overwrite_existing);
    return to;
  }

  WriteSummary expectWrites(const ir::Model& model, const fs::path& in, const fs::path& out,
                            const WriteOptions& options = {}) {
    WriteResult result = writeInferredModel(model, in.string(), out.string(), options);
    if (const auto* error = std::get_if<WriteError>(&result)) {
      ADD_FAILURE() << "unexpected WriteError: " << error->message;
      return {};
    }
    return std::get<WriteSummary>(result);
  }

  std::string expectError(const ir::Model& model, const fs::path& in, const fs::path& out) {
    WriteResult result = writeInferredModel(model, in.string(), out.string(), {});
    if (const auto* error = std::get_if<WriteError>(&result)) return error->message;
    ADD_FAILURE() << "written, but a WriteError was expected";
    return {};
  }

  fs::path dir_;
};

// classifier.onnx: x [1,3,32,32] -> conv0 -> ... -> gemm0 [1,10] (declared).
TEST_F(WriterTest, NodeOutputsGetValueInfoWithTheInferredDims) {
  const fs::path in = copyModel("demo/classifier", dir_ / "classifier.onnx");
  ir::Model model = expectLoads(in.string());
  // Conv k=3 s=2 p=1 on 32: floor((32 + 2 - 3)/2) + 1 = 16; MaxPool the same on 16: 8.
  model.graph.find("conv0")->inferred = shapeOf({v(1), v(8), v(16), v(16)});
  model.graph.find("conv0")->elemType = ir::kFloat;
  model.graph.find("maxpool0")->inferred = shapeOf({v(1), v(8), v(8), v(8)});
  model.graph.find("maxpool0")->elemType = ir::kFloat;
  model.graph.find("flatten0")->inferred = shapeOf({v(1), ir::Dim::unknown()});
  model.graph.find("relu0")->elemType = ir::kFloat;  // rank unknown

  const WriteSummary summary = expectWrites(model, in, dir_ / "out.onnx");
  EXPECT_EQ(summary.valueInfosAdded, 4u);  // conv0, maxpool0, flatten0, relu0
  EXPECT_THAT(summary.kept, IsEmpty());

  ir::Model written = expectLoads((dir_ / "out.onnx").string());
  const ir::Value* conv0 = written.graph.find("conv0");
  ASSERT_NE(conv0, nullptr);
  EXPECT_TRUE(conv0->hasDeclared);
  EXPECT_EQ(conv0->elemType, ir::kFloat);
  EXPECT_EQ(conv0->declared, shapeOf({v(1), v(8), v(16), v(16)}));
  EXPECT_EQ(written.graph.find("maxpool0")->declared, shapeOf({v(1), v(8), v(8), v(8)}));
  // An unknown dim is a dim with neither field: it loads as unknown.
  EXPECT_EQ(written.graph.find("flatten0")->declared, shapeOf({v(1), ir::Dim::unknown()}));
  EXPECT_EQ(written.graph.find("flatten0")->elemType, ir::kUndefined);
  // Unknown rank: a tensor type without a shape.
  EXPECT_TRUE(written.graph.find("relu0")->hasDeclared);
  EXPECT_FALSE(written.graph.find("relu0")->declared.rankKnown());
  EXPECT_EQ(written.graph.find("relu0")->elemType, ir::kFloat);
  // Nothing inferred: no value_info.
  EXPECT_FALSE(written.graph.find("conv1")->hasDeclared);
  // The rest of the model: the same nodes, initializers and declared output.
  ASSERT_EQ(written.graph.nodes.size(), model.graph.nodes.size());
  for (size_t i = 0; i < model.graph.nodes.size(); ++i)
    EXPECT_EQ(written.graph.nodes[i].name, model.graph.nodes[i].name);
  EXPECT_EQ(written.graph.initializers, model.graph.initializers);
  EXPECT_EQ(written.graph.find("fc.bias")->data->reals, model.graph.find("fc.bias")->data->reals);
  EXPECT_EQ(written.graph.find("gemm0")->declared, shapeOf({v(1), v(10)}));
  EXPECT_EQ(written.opsets, model.opsets);
  EXPECT_EQ(written.producerName, model.producerName);
}

TEST_F(WriterTest, SymbolicDimsAreReadableDimParams) {
  const fs::path in = copyModel("demo/classifier", dir_ / "classifier.onnx");
  ir::Model model = expectLoads(in.string());
  const ir::Dim h = ir::Dim::symbol("H");
  // floor((H + 3) / 4): the text ir::Dim::str() prints.
  const ir::Dim quarter = *ir::floorDiv(ir::add(h, v(3)), 4);
  ASSERT_EQ(quarter.str(), "(H + 3) // 4");
  model.graph.find("conv0")->inferred = shapeOf({ir::Dim::symbol("N"), v(8), quarter, h});

  expectWrites(model, in, dir_ / "out.onnx");
  ir::Model written = expectLoads((dir_ / "out.onnx").string());
  const ir::Shape& declared = written.graph.find("conv0")->declared;
  ASSERT_EQ(declared.rank(), 4u);
  EXPECT_EQ(declared[0], ir::Dim::symbol("N"));
  EXPECT_EQ(declared[1], v(8));
  // The loader reads a dim_param as a symbol named by its text.
  EXPECT_EQ(declared[2], ir::Dim::symbol("(H + 3) // 4"));
  EXPECT_EQ(*ir::parseDim(declared[2].symbol()), quarter);
  EXPECT_EQ(declared[3], h);
}

TEST_F(WriterTest, GraphOutputsAreFilledButNeverContradicted) {
  // declared_mismatch.onnx: y is declared [1, 8, 30, 30] (the conv makes 32x32).
  const fs::path in = copyModel("cli/declared_mismatch", dir_ / "m.onnx");
  ir::Model model = expectLoads(in.string());
  model.graph.find("y")->inferred = shapeOf({v(1), v(8), v(32), v(32)});
  WriteSummary summary = expectWrites(model, in, dir_ / "out.onnx");
  ASSERT_EQ(summary.kept.size(), 1u);
  EXPECT_EQ(summary.kept[0].value, "y");
  EXPECT_TRUE(summary.kept[0].graphOutput);
  EXPECT_EQ(summary.kept[0].declared, shapeOf({v(1), v(8), v(30), v(30)}));
  EXPECT_EQ(expectLoads((dir_ / "out.onnx").string()).graph.find("y")->declared, shapeOf({v(1), v(8), v(30), v(30)}));

  // Another rank: kept too.
  model.graph.find("y")->inferred = shapeOf({v(1), v(8)});
  summary = expectWrites(model, in, dir_ / "out2.onnx");
  EXPECT_EQ(summary.kept.size(), 1u);

  // A symbol where the model has 30 does not contradict it: the 30 stays.
  model.graph.find("y")->inferred = shapeOf({v(1), v(8), ir::Dim::symbol("H"), ir::Dim::unknown()});
  summary = expectWrites(model, in, dir_ / "out3.onnx");
  EXPECT_THAT(summary.kept, IsEmpty());
  EXPECT_EQ(summary.typesFilled, 0u);
  EXPECT_EQ(expectLoads((dir_ / "out3.onnx").string()).graph.find("y")->declared, shapeOf({v(1), v(8), v(30), v(30)}));
}

TEST_F(WriterTest, ExistingValueInfoIsCompletedOrKept) {
  // A first write gives the model value_info for conv0 [1, 8, 16, 16] and
  // flatten0 [1, ?]; the second run's shapes are then checked against them.
  const fs::path in = copyModel("demo/classifier", dir_ / "classifier.onnx");
  ir::Model model = expectLoads(in.string());
  model.graph.find("conv0")->inferred = shapeOf({v(1), v(8), v(16), v(16)});
  model.graph.find("flatten0")->inferred = shapeOf({v(1), ir::Dim::unknown()});
  expectWrites(model, in, dir_ / "first.onnx");

  ir::Model first = expectLoads((dir_ / "first.onnx").string());
  first.graph.find("conv0")->inferred = shapeOf({v(1), v(8), v(15), v(16)});
  first.graph.find("flatten0")->inferred = shapeOf({v(1), v(8)});
  const WriteSummary summary = expectWrites(first, dir_ / "first.onnx", dir_ / "second.onnx");
  EXPECT_EQ(summary.valueInfosAdded, 0u);
  EXPECT_EQ(summary.typesFilled, 1u);  // flatten0's unknown dim
  ASSERT_EQ(summary.kept.size(), 1u);
  EXPECT_EQ(summary.kept[0].value, "conv0");
  EXPECT_FALSE(summary.kept[0].graphOutput);
  EXPECT_EQ(summary.kept[0].declared, shapeOf({v(1), v(8), v(16), v(16)}));
  EXPECT_EQ(summary.kept[0].inferred, shapeOf({v(1), v(8), v(15), v(16)}));

  ir::Model second = expectLoads((dir_ / "second.onnx").string());
  EXPECT_EQ(second.graph.find("conv0")->declared, shapeOf({v(1), v(8), v(16), v(16)}));
  EXPECT_EQ(second.graph.find("flatten0")->declared, shapeOf({v(1), v(8)}));
}

TEST_F(WriterTest, InputShapesAreWrittenIntoTheGraphInputs) {
  const fs::path in = copyModel("demo/classifier", dir_ / "classifier.onnx");
  ir::Model model = expectLoads(in.string());
  WriteOptions options;
  options.inputShapes.emplace("x", shapeOf({ir::Dim::symbol("N"), v(3), v(64), v(64)}));
  const WriteSummary summary = expectWrites(model, in, dir_ / "out.onnx", options);
  EXPECT_EQ(summary.typesFilled, 1u);
  ir::Model written = expectLoads((dir_ / "out.onnx").string());
  EXPECT_EQ(written.graph.find("x")->declared, shapeOf({ir::Dim::symbol("N"), v(3), v(64), v(64)}));
  EXPECT_EQ(written.graph.find("x")->elemType, ir::kFloat);
}

TEST_F(WriterTest, SubgraphNodeOutputsGetValueInfo) {
  // test_loop11: a Loop whose body computes x, one, end, slice_start ... and
  // yields cond_out, y_out, scan_out.
  const fs::path in = dir_ / "loop.onnx";
  fs::copy_file(std::string(SHAPELINT_TESTDATA_DIR) + "/node/test_loop11/model.onnx", in);
  ir::Model model = expectLoads(in.string());
  const ir::Node& loop = model.graph.nodes[0];
  ASSERT_EQ(loop.opType, "Loop");
  std::vector<std::string> bodyValues;
  for (const ir::Attribute& attribute : loop.attributes)
    for (const auto& graph : attribute.graphs())
      for (ir::Node& node : graph->nodes)
        for (const std::string& output : node.outputs) {
          ir::Value* value = graph->find(output);
          if (value->isGraphOutput) continue;
          value->inferred = shapeOf({v(4)});
          bodyValues.push_back(output);
        }
  ASSERT_EQ(bodyValues.size(), 6u);
  expectWrites(model, in, dir_ / "out.onnx");
  ir::Model written = expectLoads((dir_ / "out.onnx").string());
  size_t found = 0;
  for (const ir::Attribute& attribute : written.graph.nodes[0].attributes)
    for (const auto& graph : attribute.graphs())
      for (const std::string& name : bodyValues)
        if (const ir::Value* value = graph->find(name); value && value->hasDeclared) {
          EXPECT_EQ(value->declared, shapeOf({v(4)})) << name;
          ++found;
        }
  EXPECT_EQ(found, bodyValues.size());
}

TEST_F(WriterTest, TheInputFileIsNotChanged) {
  const fs::path in = copyModel("demo/classifier", dir_ / "classifier.onnx");
  const std::string before = readBytes(in);
  struct stat statBefore {};
  ASSERT_EQ(::stat(in.c_str(), &statBefore), 0);
  ir::Model model = expectLoads(in.string());
  model.graph.find("conv0")->inferred = shapeOf({v(1), v(8), v(16), v(16)});
  expectWrites(model, in, dir_ / "out.onnx");
  struct stat statAfter {};
  ASSERT_EQ(::stat(in.c_str(), &statAfter), 0);
  EXPECT_EQ(readBytes(in), before);
  EXPECT_EQ(statAfter.st_mtim.tv_sec, statBefore.st_mtim.tv_sec);
  EXPECT_EQ(statAfter.st_mtim.tv_nsec, statBefore.st_mtim.tv_nsec);
  EXPECT_NE(readBytes(dir_ / "out.onnx"), before);
}

TEST_F(WriterTest, RefusesToOverwriteTheInput) {
  const fs::path in = copyModel("demo/classifier", dir_ / "classifier.onnx");
  const std::string before = readBytes(in);
  ir::Model model = expectLoads(in.string());

  EXPECT_THAT(expectError(model, in, in), HasSubstr("is the input model"));
  // The same path spelled another way.
  EXPECT_THAT(expectError(model, in, dir_ / "." / "classifier.onnx"), HasSubstr("is the input model"));
  fs::create_symlink(in, dir_ / "link.onnx");
  EXPECT_THAT(expectError(model, in, dir_ / "link.onnx"), HasSubstr("is the input model"));
  fs::create_hard_link(in, dir_ / "hard.onnx");
  EXPECT_THAT(expectError(model, in, dir_ / "hard.onnx"), HasSubstr("is the input model"));
  const std::string message = expectError(model, in, dir_ / "hard.onnx");
  EXPECT_THAT(message, StartsWith((dir_ / "hard.onnx").string() + ": "));
  EXPECT_EQ(message.find('\n'), std::string::npos);

  EXPECT_EQ(readBytes(in), before);
  EXPECT_EQ(filesIn(dir_), (std::vector<std::string>{"classifier.onnx", "hard.onnx", "link.onnx"}));
}

TEST_F(WriterTest, NoTemporaryFileRemainsAfterAnError) {
  const fs::path in = copyModel("demo/classifier", dir_ / "classifier.onnx");
  ir::Model model = expectLoads(in.string());
  // The model file is replaced by another model after loading: its graph no
  // longer matches the IR, so nothing is written.
  copyModel("cli/declared_mismatch", dir_ / "classifier.onnx");
  EXPECT_THAT(expectError(model, in, dir_ / "out.onnx"), HasSubstr("changed"));
  EXPECT_EQ(filesIn(dir_), std::vector<std::string>{"classifier.onnx"});

  // An output folder that does not exist.
  copyModel("demo/classifier", dir_ / "classifier.onnx");
  EXPECT_THAT(expectError(model, in, dir_ / "missing" / "out.onnx"), HasSubstr("missing"));
  EXPECT_EQ(filesIn(dir_), std::vector<std::string>{"classifier.onnx"});

  // An output that is a folder.
  fs::create_directory(dir_ / "folder.onnx");
  EXPECT_THAT(expectError(model, in, dir_ / "folder.onnx"), HasSubstr("is a folder"));
  EXPECT_EQ(filesIn(dir_), (std::vector<std::string>{"classifier.onnx", "folder.onnx"}));
  EXPECT_THAT(filesIn(dir_ / "folder.onnx"), IsEmpty());

  // A read-only output folder: the temporary file cannot be created.
  if (::geteuid() != 0) {
    fs::create_directory(dir_ / "readonly");
    fs::permissions(dir_ / "readonly", fs::perms::owner_read | fs::perms::owner_exec);
    EXPECT_THAT(expectError(model, in, dir_ / "readonly" / "out.onnx"), HasSubstr("temporary file"));
    fs::permissions(dir_ / "readonly", fs::perms::owner_all);
    EXPECT_THAT(filesIn(dir_ / "readonly"), IsEmpty());
  }
}

TEST_F(WriterTest, AnExistingOutputIsReplaced) {
  const fs::path in = copyModel("demo/classifier", dir_ / "classifier.onnx");
  ir::Model model = expectLoads(in.string());
  std::ofstream(dir_ / "out.onnx") << "old";
  expectWrites(model, in, dir_ / "out.onnx");
  EXPECT_EQ(filesIn(dir_), (std::vector<std::string>{"classifier.onnx", "out.onnx"}));
  EXPECT_EQ(expectLoads((dir_ / "out.onnx").string()).graph.nodes.size(), model.graph.nodes.size());
}

// external_data.onnx: initializer 'weights' with location "missing_weights.bin"
// (the file does not exist: the writer must never open it).
TEST_F(WriterTest, ExternalDataLocationsFollowTheOutput) {
  const fs::path in = copyModel("loader/external_data", dir_ / "model" / "m.onnx");
  ir::Model model = expectLoads(in.string());

  // The same folder: unchanged.
  expectWrites(model, in, dir_ / "model" / "out.onnx");
  EXPECT_THAT(readBytes(dir_ / "model" / "out.onnx"), HasSubstr("missing_weights.bin"));

  // A folder above: the location gains the folder's name.
  expectWrites(model, in, dir_ / "out.onnx");
  EXPECT_THAT(readBytes(dir_ / "out.onnx"), HasSubstr("model/missing_weights.bin"));
  EXPECT_TRUE(expectLoads((dir_ / "out.onnx").string()).graph.find("weights")->externalData);

  // A sibling folder: only reachable through "..", refused, nothing written.
  fs::create_directory(dir_ / "other");
  const std::string message = expectError(model, in, dir_ / "other" / "out.onnx");
  EXPECT_THAT(message, StartsWith((dir_ / "other" / "out.onnx").string() + ": tensor 'weights'"));
  EXPECT_THAT(message, HasSubstr("missing_weights.bin"));
  EXPECT_THAT(filesIn(dir_ / "other"), IsEmpty());
}

TEST_F(WriterTest, ExternalDataOutsideTheModelFolderIsRefused) {
  // The same model with its location rewritten to "../w.bin" (same length
  // as the original would not matter: protobuf strings are length-prefixed,
  // so the bytes are patched with an equally long name).
  std::string bytes = readBytes(sourceModel("loader/external_data"));
  const std::string original = "missing_weights.bin";
  const std::string escaping = "../missing_weight.b";
  ASSERT_EQ(original.size(), escaping.size());
  const size_t at = bytes.find(original);
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, original.size(), escaping);
  fs::create_directories(dir_ / "model");
  std::ofstream(dir_ / "model" / "m.onnx", std::ios::binary) << bytes;
  ir::Model model = expectLoads((dir_ / "model" / "m.onnx").string());

  const std::string message = expectError(model, dir_ / "model" / "m.onnx", dir_ / "out.onnx");
  EXPECT_THAT(message, HasSubstr("tensor 'weights'"));
  EXPECT_THAT(message, HasSubstr("../missing_weight.b"));
  EXPECT_EQ(filesIn(dir_), std::vector<std::string>{"model"});
}

}  // namespace
}  // namespace shapelint::onnx
