// `shapelint infer MODEL -o OUT`: the binary end to end. The written model is
// read back with shapelint's loader (a value_info becomes a value's declared
// shape) and, where noted, with the onnx Python package.
//
// Expected dims of tests/models/demo/classifier.onnx (x: 1x3x32x32) are
// those onnx.shape_inference.infer_shapes gives (ONNX 1.12):
//   conv0 (Conv k3 s2 p1)   [1, 8, 16, 16]   floor((32 + 2 - 3)/2) + 1 = 16
//   maxpool0 (k3 s2 p1)     [1, 8, 8, 8]     floor((16 + 2 - 3)/2) + 1 = 8
//   globalaveragepool0      [1, 8, 1, 1]
//   flatten0                [1, 8]
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "cli/run_binary.h"
#include "shapelint/onnx/loader.h"

namespace shapelint::cli {
namespace {

namespace fs = std::filesystem;
using testing::readFile;
using testing::shellQuote;

const std::string kClassifier = "tests/models/demo/classifier.onnx";

ir::Shape shapeOf(std::vector<ir::Dim> dims) {
  return ir::Shape(std::move(dims));
}
ir::Dim v(int64_t value) {
  return ir::Dim::value(value);
}

ir::Model expectLoads(const fs::path& path) {
  onnx::LoadResult result = onnx::loadModel(path.string());
  if (const auto* error = std::get_if<onnx::LoadError>(&result)) {
    ADD_FAILURE() << "unexpected LoadError: " << error->message;
    return {};
  }
  return std::get<ir::Model>(std::move(result));
}

std::vector<std::string> filesIn(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

bool havePythonOnnx() {
  return std::system("/usr/bin/python3 -c 'import onnx, numpy' >/dev/null 2>&1") == 0;
}

class InferTest : public testing::BinaryTest {
 protected:
  void SetUp() override {
    std::string pattern = (tempDir() / "infer_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }

  static testing::BinaryRun run(const std::vector<std::string>& args) {
    return testing::runShapelint(tempDir(), args, "NO_COLOR=1");
  }

  // A usage, load or write error: exit 2, nothing on stdout, one line at the end of stderr.
  static void expectError(const testing::BinaryRun& r, const std::string& stderrHas) {
    EXPECT_EQ(r.exitCode, 2) << r.out << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("shapelint: error: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(stderrHas), std::string::npos) << r.err;
    EXPECT_EQ(r.err.back(), '\n');
  }

  fs::path dir_;
};

TEST_F(InferTest, WritesValueInfoForEveryNodeOutput) {
  const fs::path out = dir_ / "out.onnx";
  const testing::BinaryRun r = run({"infer", kClassifier, "-o", out.string()});
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, out.string() +
                       ": written with 9 new value_info, 0 declared "
                       "types completed, 0 kept as declared\n");

  ir::Model written = expectLoads(out);
  EXPECT_EQ(written.graph.find("conv0")->declared, shapeOf({v(1), v(8), v(16), v(16)}));
  EXPECT_EQ(written.graph.find("maxpool0")->declared, shapeOf({v(1), v(8), v(8), v(8)}));
  EXPECT_EQ(written.graph.find("globalaveragepool0")->declared, shapeOf({v(1), v(8), v(1), v(1)}));
  EXPECT_EQ(written.graph.find("flatten0")->declared, shapeOf({v(1), v(8)}));
  EXPECT_EQ(written.graph.find("conv0")->elemType, ir::kFloat);
  // Every node output but the graph output has a value_info.
  for (const ir::Node& node : written.graph.nodes)
    for (const std::string& output : node.outputs) EXPECT_TRUE(written.graph.find(output)->hasDeclared) << output;

  // -q: no summary line.
  const testing::BinaryRun quiet = run({"infer", "-q", kClassifier, "-o", (dir_ / "quiet.onnx").string()});
  EXPECT_EQ(quiet.exitCode, 0);
  EXPECT_EQ(quiet.out, "");
  EXPECT_EQ(readFile(dir_ / "quiet.onnx"), readFile(out));
}

TEST_F(InferTest, SymbolicInputShapesGiveDimParams) {
  const fs::path out = dir_ / "out.onnx";
  const testing::BinaryRun r = run({"infer", kClassifier, "-o", out.string(), "--input-shape", "x:[N,3,32,32]"});
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
  ir::Model written = expectLoads(out);
  // The given shape is written into the graph input ...
  EXPECT_EQ(written.graph.find("x")->declared, shapeOf({ir::Dim::symbol("N"), v(3), v(32), v(32)}));
  // ... and the batch symbol is carried through as dim_param "N".
  EXPECT_EQ(written.graph.find("conv0")->declared, shapeOf({ir::Dim::symbol("N"), v(8), v(16), v(16)}));
  EXPECT_EQ(written.graph.find("flatten0")->declared, shapeOf({ir::Dim::symbol("N"), v(8)}));
  // The graph output's declared [1, 10] stays: N does not contradict 1.
  EXPECT_EQ(written.graph.find("gemm0")->declared, shapeOf({v(1), v(10)}));
}

TEST_F(InferTest, TheInputModelIsNotChanged) {
  const fs::path in = dir_ / "in.onnx";
  fs::copy_file(fs::path(SHAPELINT_SOURCE_DIR) / kClassifier, in);
  const std::string before = readFile(in);
  struct stat statBefore {};
  ASSERT_EQ(::stat(in.c_str(), &statBefore), 0);
  const testing::BinaryRun r = run({"infer", in.string(), "-o", (dir_ / "out.onnx").string()});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  struct stat statAfter {};
  ASSERT_EQ(::stat(in.c_str(), &statAfter), 0);
  EXPECT_EQ(readFile(in), before);
  EXPECT_EQ(statAfter.st_mtim.tv_sec, statBefore.st_mtim.tv_sec);
  EXPECT_EQ(statAfter.st_mtim.tv_nsec, statBefore.st_mtim.tv_nsec);
}

TEST_F(InferTest, RefusesToWriteOverTheInput) {
  const fs::path in = dir_ / "in.onnx";
  fs::copy_file(fs::path(SHAPELINT_SOURCE_DIR) / kClassifier, in);
  const std::string before = readFile(in);
  fs::create_symlink(in, dir_ / "link.onnx");

  expectError(run({"infer", in.string(), "-o", in.string()}), "is the input model");
  expectError(run({"infer", in.string(), "-o", (dir_ / "link.onnx").string()}), "is the input model");
  expectError(run({"infer", (dir_ / "link.onnx").string(), "-o", in.string()}), "is the input model");
  const testing::BinaryRun r = run({"infer", in.string(), "-o", in.string()});
  EXPECT_EQ(r.err, "shapelint: error: " + in.string() +
                       ": is the input model (the same file); write the output "
                       "to another path\n");
  EXPECT_EQ(readFile(in), before);
  EXPECT_EQ(filesIn(dir_), (std::vector<std::string>{"in.onnx", "link.onnx"}));
}

TEST_F(InferTest, NothingIsLeftAfterAnError) {
  // A model that cannot be loaded.
  expectError(run({"infer", "tests/models/cli/truncated.onnx", "-o", (dir_ / "out.onnx").string()}), "truncated");
  // An output folder that does not exist.
  expectError(run({"infer", kClassifier, "-o", (dir_ / "missing" / "out.onnx").string()}), "missing");
  // A bad --input-shape, and no -o.
  expectError(run({"infer", kClassifier, "-o", (dir_ / "out.onnx").string(), "--input-shape", "x:1x-3"}),
              "--input-shape");
  expectError(run({"infer", kClassifier}), "--output");
  EXPECT_TRUE(filesIn(dir_).empty());
}

TEST_F(InferTest, ErrorFindingsAreReportedAndTheModelStillWritten) {
  // declared_mismatch.onnx declares y [1, 8, 30, 30]; the conv makes 32x32.
  const fs::path out = dir_ / "out.onnx";
  const testing::BinaryRun r = run({"infer", "tests/models/cli/declared_mismatch.onnx", "-o", out.string()});
  EXPECT_EQ(r.exitCode, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("error[SL101 declared-shape-mismatch]"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("1 kept as declared"), std::string::npos) << r.out;
  // The model's declaration is kept.
  EXPECT_EQ(expectLoads(out).graph.find("y")->declared, shapeOf({v(1), v(8), v(30), v(30)}));
}

// With --input-shape the model's own value_info (computed for its own
// input) may contradict the new shapes: kept, and reported as SL101.
TEST_F(InferTest, ValueInfoForOtherInputShapesIsKeptAndReported) {
  const fs::path first = dir_ / "first.onnx";
  ASSERT_EQ(run({"infer", kClassifier, "-o", first.string()}).exitCode, 0);
  const fs::path out = dir_ / "out.onnx";
  const testing::BinaryRun r = run({"infer", first.string(), "-o", out.string(), "--input-shape", "x:1x3x64x64"});
  EXPECT_EQ(r.exitCode, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("error[SL101 declared-shape-mismatch]: value_info 'conv0' is "
                       "declared [1, 8, 16, 16] but "
                       "shapelint infers [1, 8, 32, 32] for the given --input-shape"),
            std::string::npos)
      << r.err;
  ir::Model written = expectLoads(out);
  EXPECT_EQ(written.graph.find("x")->declared, shapeOf({v(1), v(3), v(64), v(64)}));
  EXPECT_EQ(written.graph.find("conv0")->declared, shapeOf({v(1), v(8), v(16), v(16)}));
}

// A model whose weights live in a file next to it, written into the folder
// above: the written model still finds the same weights.
TEST_F(InferTest, ExternalDataStaysReachable) {
  if (!havePythonOnnx()) GTEST_SKIP() << "needs /usr/bin/python3 with onnx and numpy";
  const fs::path modelDir = dir_ / "model";
  fs::create_directory(modelDir);
  const std::string make =
      "import numpy as np, onnx\n"
      "from onnx import helper, TensorProto, numpy_helper\n"
      "w = numpy_helper.from_array(np.arange(8*3*3*3, "
      "dtype=np.float32).reshape(8,3,3,3), 'w')\n"
      "g = helper.make_graph([helper.make_node('Conv', ['x','w'], ['c'], "
      "pads=[1,1,1,1]),\n"
      "                       helper.make_node('Relu', ['c'], ['y'])], 'g',\n"
      "    [helper.make_tensor_value_info('x', TensorProto.FLOAT, "
      "[1,3,16,16])],\n"
      "    [helper.make_tensor_value_info('y', TensorProto.FLOAT, None)], "
      "[w])\n"
      "m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)])\n"
      "onnx.save_model(m, '" +
      (modelDir / "m.onnx").string() +
      "', save_as_external_data=True,\n"
      "    all_tensors_to_one_file=True, location='weights.bin', "
      "size_threshold=0)\n";
  ASSERT_EQ(std::system(("/usr/bin/python3 -c " + shellQuote(make)).c_str()), 0);

  const fs::path out = dir_ / "out.onnx";
  const testing::BinaryRun r = run({"infer", (modelDir / "m.onnx").string(), "-o", out.string()});
  ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
  const std::string verify =
      "import numpy as np, onnx, sys\n"
      "from onnx import numpy_helper\n"
      "m = onnx.load('" +
      out.string() +
      "', load_external_data=False)\n"
      "loc = [e.value for e in m.graph.initializer[0].external_data if e.key "
      "== 'location']\n"
      "assert loc == ['model/weights.bin'], loc\n"
      "w = numpy_helper.to_array(onnx.load('" +
      out.string() +
      "').graph.initializer[0])\n"
      "assert (w == np.arange(8*3*3*3, "
      "dtype=np.float32).reshape(8,3,3,3)).all()\n"
      "onnx.checker.check_model('" +
      out.string() +
      "')\n"
      "vi = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim] for v "
      "in m.graph.value_info}\n"
      "assert vi == {'c': [1, 8, 16, 16]}, vi\n"
      "assert [d.dim_value for d in "
      "m.graph.output[0].type.tensor_type.shape.dim] == [1, 8, 16, 16]\n";
  EXPECT_EQ(std::system(("/usr/bin/python3 -c " + shellQuote(verify)).c_str()), 0);

  // Into a sibling folder the location would need "..": refused, nothing written.
  fs::create_directory(dir_ / "other");
  const testing::BinaryRun refused =
      run({"infer", (modelDir / "m.onnx").string(), "-o", (dir_ / "other" / "o.onnx").string()});
  expectError(refused, "tensor 'w'");
  EXPECT_NE(refused.err.find("weights.bin"), std::string::npos);
  EXPECT_TRUE(filesIn(dir_ / "other").empty());
}

// SIGTERM while the output is being written: the temporary file goes away
// and no output appears. The model carries 32 MiB of weights inside the
// protobuf so that the write takes long enough to be interrupted.
TEST_F(InferTest, SigtermDuringTheWriteLeavesNoFile) {
  if (!havePythonOnnx()) GTEST_SKIP() << "needs /usr/bin/python3 with onnx and numpy";
  const fs::path in = dir_ / "big.onnx";
  const std::string make =
      "import numpy as np, onnx\n"
      "from onnx import helper, TensorProto, numpy_helper\n"
      "w = numpy_helper.from_array(np.ones(8 * 1024 * 1024, dtype=np.float32), "
      "'w')\n"
      "g = helper.make_graph([helper.make_node('Add', ['x','w'], ['y'])], "
      "'g',\n"
      "    [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1])],\n"
      "    [helper.make_tensor_value_info('y', TensorProto.FLOAT, None)], "
      "[w])\n"
      "onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid('', "
      "13)]), '" +
      in.string() + "')\n";
  ASSERT_EQ(std::system(("/usr/bin/python3 -c " + shellQuote(make)).c_str()), 0);
  const fs::path outDir = dir_ / "out";
  fs::create_directory(outDir);

  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const std::string out = (outDir / "big_out.onnx").string();
    freopen("/dev/null", "w", stdout);
    execl(SHAPELINT_BINARY, SHAPELINT_BINARY, "infer", in.c_str(), "-o", out.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait for the temporary file to appear, then stop the process.
  bool sawTemp = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!sawTemp && std::chrono::steady_clock::now() < deadline) {
    for (const std::string& name : filesIn(outDir))
      if (name.ends_with(".tmp")) sawTemp = true;
    if (!sawTemp) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  kill(pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(sawTemp);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) << "status " << status;
  EXPECT_TRUE(filesIn(outDir).empty()) << filesIn(outDir).size() << " files left";
}

}  // namespace
}  // namespace shapelint::cli
