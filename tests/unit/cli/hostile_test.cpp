// Hostile input built at test time (issue 9, item 1), for the cases no
// committed file should hold: sizes (a million inputs, rank 10 000, nesting
// 10 000 deep, a 2 GiB + 1 file), byte-level damage (truncation at every
// offset, random bytes, wrong wire types, an absurd length prefix), names
// that try to break the output, and external-data locations that must never
// be opened. tests/unit/cli/robust_test.cpp runs the committed cases
// (tests/models/robust, tools/gen_models_robust.py).
//
// Every run must end by itself (no signal), promptly, with at most one line
// on stderr, and with the outcome the test states: exit 2 with a one-line
// load error naming the file, or a specific diagnostic.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "cli/proto_bytes.h"
#include "cli/run_binary.h"

namespace shapelint::cli {
namespace {

namespace fs = std::filesystem;
using namespace testing::onnxf;
using nlohmann::json;
using testing::BinaryRun;
using testing::modelBytes;
using testing::Pb;
using testing::valueInfo;

constexpr double kPromptSeconds = 20.0;
constexpr int kKillSeconds = 60;

void writeFile(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

Pb node(std::string_view op, const std::vector<std::string>& inputs, const std::vector<std::string>& outputs,
        std::string_view name) {
  Pb n;
  for (const std::string& i : inputs) n.bytes(kNodeInput, i);
  for (const std::string& o : outputs) n.bytes(kNodeOutput, o);
  n.bytes(kNodeName, name);
  n.bytes(kNodeOpType, op);
  return n;
}

Pb intsAttribute(std::string_view name, const std::vector<int64_t>& values) {
  Pb a;
  a.bytes(kAttrName, name);
  for (int64_t v : values) a.varint(kAttrInts, static_cast<uint64_t>(v));
  a.varint(kAttrType, kAttrTypeInts);
  return a;
}

// x [1, 3, 8, 8] -> nodes -> y (declared without a shape).
std::string netBytes(const std::vector<Pb>& nodes, const std::vector<Pb>& initializers = {},
                     const std::vector<int64_t>& xDims = {1, 3, 8, 8}) {
  Pb graph;
  for (const Pb& n : nodes) graph.message(kGraphNode, n);
  graph.bytes(kGraphName, "hostile");
  for (const Pb& t : initializers) graph.message(kGraphInitializer, t);
  graph.message(kGraphInput, valueInfo("x", xDims));
  graph.message(kGraphOutput, valueInfo("y", {}, false));
  return modelBytes(graph);
}

// A float initializer with `dims`, its data external at `location`.
Pb externalWeight(std::string_view name, const std::vector<int64_t>& dims, std::string_view location) {
  Pb t;
  for (int64_t d : dims) t.varint(kTensorDims, static_cast<uint64_t>(d));
  t.varint(kTensorDataType, kFloat);
  t.bytes(kTensorName, name);
  Pb entry;
  entry.bytes(kEntryKey, "location").bytes(kEntryValue, location);
  t.message(kTensorExternalData, entry);
  t.varint(kTensorDataLocation, kExternal);
  return t;
}

// x -> If (then: the next level; else: Identity(x)) -> y, `depth` Ifs deep;
// every branch reads x from the main graph.
std::string nestedIfBytes(int depth) {
  auto identityBranch = [] {
    Pb g;
    g.message(kGraphNode, node("Identity", {"x"}, {"y"}, "leaf"));
    g.bytes(kGraphName, "leaf");
    g.message(kGraphOutput, valueInfo("y", {}, false));
    return g;
  };
  Pb inner = identityBranch();
  for (int level = depth - 1; level >= 0; --level) {
    Pb thenAttr;
    thenAttr.bytes(kAttrName, "then_branch").message(kAttrG, inner).varint(kAttrType, kAttrTypeGraph);
    Pb elseAttr;
    elseAttr.bytes(kAttrName, "else_branch").message(kAttrG, identityBranch()).varint(kAttrType, kAttrTypeGraph);
    Pb ifNode = node("If", {"c"}, {"y"}, "if" + std::to_string(level));
    ifNode.message(kNodeAttribute, thenAttr).message(kNodeAttribute, elseAttr);
    Pb g;
    g.message(kGraphNode, ifNode);
    g.bytes(kGraphName, "level" + std::to_string(level));
    g.message(kGraphOutput, valueInfo("y", {}, false));
    inner = std::move(g);
  }
  // `inner` is now the main graph: give it its inputs.
  inner.message(kGraphInput, valueInfo("x", {1, 3, 8, 8}));
  inner.message(kGraphInput, valueInfo("c", {}, true, kBool));
  return modelBytes(inner);
}

class HostileTest : public testing::BinaryTest {
 protected:
  static BinaryRun run(const std::vector<std::string>& args, const std::string& env = "") {
    return testing::runShapelint(tempDir(), args, env, kKillSeconds);
  }

  static void expectWellBehaved(const BinaryRun& r, const std::string& what) {
    EXPECT_LT(r.exitCode, 128) << what << ": killed by a signal or the timeout (status " << r.exitCode << ")\n"
                               << r.err.substr(0, 2000);
    EXPECT_LT(r.seconds, kPromptSeconds) << what << ": took " << r.seconds << " s";
    EXPECT_LE(testing::countLines(r.err), 1u) << what << ": stderr has more than one line:\n" << r.err.substr(0, 2000);
  }

  // Writes `bytes` to a fresh file in the scratch directory; its path.
  static std::string write(const std::string& name, const std::string& bytes) {
    const fs::path path = tempDir() / name;
    writeFile(path, bytes);
    return path.string();
  }

  // Runs `check --format json` on `path` (a file or directory) and parses it.
  static json checkJson(const std::string& path, int expectedExit, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"check", "--format", "json", path};
    args.insert(args.end(), extra.begin(), extra.end());
    const BinaryRun r = run(args);
    expectWellBehaved(r, path);
    EXPECT_EQ(r.exitCode, expectedExit) << path << "\n" << r.out.substr(0, 2000) << r.err.substr(0, 2000);
    try {
      return json::parse(r.out);
    } catch (const json::exception& e) {
      ADD_FAILURE() << path << ": stdout is not JSON: " << e.what();
      return json::object();
    }
  }

  // The one model at `path` fails to load with a one-line error naming the
  // file and containing `fragment`.
  static void expectLoadError(const std::string& path, const std::string& fragment) {
    const json out = checkJson(path, 2);
    ASSERT_TRUE(out.contains("models") && out["models"].size() == 1u) << out.dump().substr(0, 2000);
    const json& model = out["models"][0];
    ASSERT_EQ(model.value("status", ""), "load-error") << model.dump().substr(0, 2000);
    const std::string error = model.value("error", "");
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    EXPECT_NE(error.find(fs::path(path).filename().string()), std::string::npos) << error;
    EXPECT_NE(error.find(fragment), std::string::npos) << "expected \"" << fragment << "\" in: " << error;
    EXPECT_LT(error.size(), 1000u) << error.substr(0, 2000);
  }

  // Every model in `dir` fails to load, each reported with its own path.
  static void expectAllLoadErrors(const fs::path& dir, size_t count) {
    const json out = checkJson(dir.string(), 2);
    ASSERT_TRUE(out.contains("models")) << out.dump().substr(0, 2000);
    ASSERT_EQ(out["models"].size(), count);
    for (const json& model : out["models"]) {
      const std::string path = model.value("path", "");
      EXPECT_EQ(model.value("status", ""), "load-error") << path << ": " << model.dump().substr(0, 500);
      const std::string error = model.value("error", "");
      EXPECT_EQ(error.find('\n'), std::string::npos) << error;
      EXPECT_NE(error.find(fs::path(path).filename().string()), std::string::npos) << error;
    }
  }
};

// --- bytes that are not a model -------------------------------------------------------

TEST_F(HostileTest, EmptyFile) { expectLoadError(write("empty.onnx", ""), "empty file"); }

TEST_F(HostileTest, RandomBytes) {
  const fs::path dir = tempDir() / "random";
  fs::create_directories(dir);
  std::mt19937_64 rng(20261125);
  const size_t sizes[] = {1, 2, 3, 7, 16, 100, 1000, 4096, 65536};
  size_t count = 0;
  for (int seed = 0; seed < 4; ++seed) {
    for (size_t size : sizes) {
      std::string bytes(size, '\0');
      for (char& c : bytes) c = static_cast<char>(rng());
      writeFile(dir / ("random_" + std::to_string(seed) + "_" + std::to_string(size) + ".onnx"), bytes);
      ++count;
    }
  }
  expectAllLoadErrors(dir, count);
}

// Every proper prefix of a valid model (1237 bytes) is a load error; the whole model is not.
TEST_F(HostileTest, TruncatedAtEveryOffset) {
  const std::string whole = testing::readFile(fs::path(SHAPELINT_SOURCE_DIR) / "tests/models/cli/clean_convnet.onnx");
  ASSERT_GT(whole.size(), 1000u);
  const fs::path dir = tempDir() / "truncated";
  fs::create_directories(dir);
  for (size_t n = 1; n < whole.size(); ++n)
    writeFile(dir / ("prefix_" + std::to_string(n) + ".onnx"), whole.substr(0, n));
  expectAllLoadErrors(dir, whole.size() - 1);
  fs::remove_all(dir);
  checkJson(write("whole.onnx", whole), 0);
}

// A length prefix of 2 GiB + 1 for the graph, then 16 bytes.
TEST_F(HostileTest, LengthPrefixOf2GiBPlus1) {
  Pb model;
  model.varint(kModelIrVersion, 7).key(kModelGraph, 2).raw((uint64_t{1} << 31) + 1).append(std::string(16, 'x'));
  expectLoadError(write("size_header.onnx", model.str()), "");
}

// A (sparse) file of 2 GiB + 1 bytes. `check` streams files of any size (it
// skips the weights), so the content decides: the zero bytes after the IR
// version are no protobuf field. `infer` parses the whole model with
// protobuf, which cannot take more than 2 GiB: refused by its size, before
// any byte is read.
TEST_F(HostileTest, FileOf2GiBPlus1) {
  const std::string path = (tempDir() / "huge.onnx").string();
  {
    Pb model;
    model.varint(kModelIrVersion, 7);
    writeFile(path, model.str());
  }
  ASSERT_EQ(::truncate(path.c_str(), (off_t{1} << 31) + 1), 0);
  expectLoadError(path, "truncated or corrupt");
  const std::string out = (tempDir() / "huge_out.onnx").string();
  const BinaryRun r = run({"infer", path, "-o", out});
  EXPECT_EQ(r.exitCode, 2) << r.err;
  EXPECT_NE(r.err.find("larger than 2 GiB"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
  fs::remove(path);
}

// Fields with the wrong wire type. Protobuf keeps a known field with the
// wrong wire type as an unknown field (and parses on), so what follows
// decides: a model without its graph is refused, a complete model after the
// bad field loads, a bad dim is unknown. Wire types 3, 4 (groups) without
// their end and 6, 7 (undefined) fail the parse.
TEST_F(HostileTest, WrongWireTypes) {
  const std::string valid = netBytes({node("Relu", {"x"}, {"y"}, "relu0")});
  {
    Pb opset;
    opset.varint(kOpsetVersion, 13);
    Pb model;
    model.varint(kModelIrVersion, 7).varint(kModelGraph, 5).message(kModelOpsetImport, opset);
    expectLoadError(write("graph_varint.onnx", model.str()), "no graph in the model");
  }
  {
    const json out = checkJson(write("ir_version_string.onnx", Pb().bytes(kModelIrVersion, "seven").str() + valid), 0);
    EXPECT_EQ(out["models"][0]["graph_outputs"]["y"], json::parse("[1, 3, 8, 8]")) << out.dump().substr(0, 2000);
  }
  {
    Pb dim;
    dim.bytes(kDimValue, "8");
    Pb shape;
    shape.message(kShapeDim, dim);
    Pb tt;
    tt.varint(kTensorTypeElem, kFloat).message(kTensorTypeShape, shape);
    Pb type;
    type.message(kTypeTensor, tt);
    Pb x;
    x.bytes(kValueInfoName, "x").message(kValueInfoType, type);
    Pb g;
    g.message(kGraphNode, node("Relu", {"x"}, {"y"}, "relu0")).message(kGraphInput, x);
    const json out = checkJson(write("dim_value_string.onnx", modelBytes(g)), 0);
    EXPECT_EQ(out["models"][0]["values"]["x"], json::parse("[null]")) << out.dump().substr(0, 2000);
  }
  const fs::path dir = tempDir() / "wire";
  fs::create_directories(dir);
  for (uint32_t wire : {3u, 4u, 6u, 7u})
    writeFile(dir / ("wire_type_" + std::to_string(wire) + ".onnx"), Pb().key(kModelGraph, wire).str() + valid);
  expectAllLoadErrors(dir, 4);
}

// An attribute whose protobuf type is valid but not what the op takes:
// strides as one INT and kernel_shape as a GRAPH. A finding, or ignored; never a crash.
TEST_F(HostileTest, AttributesOfTheWrongType) {
  Pb strides;
  strides.bytes(kAttrName, "strides").varint(kAttrI, 2).varint(kAttrType, kAttrTypeInt);
  Pb kernel;
  kernel.bytes(kAttrName, "kernel_shape")
      .message(kAttrG, Pb().bytes(kGraphName, "g"))
      .varint(kAttrType, kAttrTypeGraph);
  Pb pool = node("MaxPool", {"x"}, {"y"}, "maxpool0");
  pool.message(kNodeAttribute, strides).message(kNodeAttribute, intsAttribute("pads", {0, 0, 0, 0}));
  const json out = checkJson(write("strides_int.onnx", netBytes({pool})), 1);
  bool found = false;
  for (const json& d : out["models"][0]["diagnostics"])
    if (d.value("code", "") == "SL301" && d.value("node", "") == "maxpool0") found = true;
  EXPECT_TRUE(found) << out.dump().substr(0, 2000);

  Pb pool2 = node("MaxPool", {"x"}, {"y"}, "maxpool0");
  pool2.message(kNodeAttribute, kernel);
  const BinaryRun r = run({"check", "--format", "json", write("kernel_graph.onnx", netBytes({pool2}))});
  expectWellBehaved(r, "kernel_graph.onnx");
  EXPECT_TRUE(r.exitCode == 1 || r.exitCode == 2) << r.out.substr(0, 2000);
}

// --- graphs that are not DAGs ---------------------------------------------------------

TEST_F(HostileTest, SelfLoop) {
  expectLoadError(write("self_loop.onnx", netBytes({node("Relu", {"y"}, {"y"}, "relu0")})),
                  "node 'relu0' (Relu) is on a cycle: 'relu0' -> 'relu0'");
}

TEST_F(HostileTest, NodeReadsItsOwnOutput) {
  expectLoadError(
      write("own_output.onnx", netBytes({node("Add", {"x", "a"}, {"a"}, "add0"), node("Relu", {"a"}, {"y"}, "relu0")})),
      "node 'add0' (Add) is on a cycle: 'add0' -> 'add0'");
}

TEST_F(HostileTest, LongCycleIsShownElided) {
  std::vector<Pb> nodes;
  const int n = 1000;
  for (int i = 0; i < n; ++i)
    nodes.push_back(
        node("Relu", {"t" + std::to_string((i + n - 1) % n)}, {"t" + std::to_string(i)}, "r" + std::to_string(i)));
  nodes.push_back(node("Relu", {"t0"}, {"y"}, "out"));
  expectLoadError(write("long_cycle.onnx", netBytes(nodes)), "is on a cycle: 'r0' -> 'r1' ->");
}

// --- sizes ----------------------------------------------------------------------------

TEST_F(HostileTest, MillionInputsOnOneNode) {
  const std::vector<std::string> inputs(1'000'000, "x");
  Pb concat = node("Concat", inputs, {"y"}, "concat0");
  Pb axis;
  axis.bytes(kAttrName, "axis").varint(kAttrI, 1).varint(kAttrType, kAttrTypeInt);
  concat.message(kNodeAttribute, axis);
  expectLoadError(write("million_inputs.onnx", netBytes({concat})),
                  "node 'concat0' (Concat) has 1000000 inputs, more than the 100000 shapelint accepts");
}

// At the limit, variadic ops still finish promptly: y = Sum of 100 000 x.
TEST_F(HostileTest, HundredThousandInputsFinish) {
  const std::vector<std::string> inputs(100'000, "x");
  const json out = checkJson(write("sum_100k.onnx", netBytes({node("Sum", inputs, {"y"}, "sum0")})), 0);
  EXPECT_EQ(out["models"][0]["graph_outputs"]["y"], json::parse("[1, 3, 8, 8]")) << out.dump().substr(0, 2000);
}

TEST_F(HostileTest, Rank10000) {
  expectLoadError(
      write("rank_10000.onnx", netBytes({node("Relu", {"x"}, {"y"}, "relu0")}, {}, std::vector<int64_t>(10'000, 1))),
      "value 'x' declares rank 10000, more than the 1024 shapelint accepts");
}

// Rank 1024, the most accepted, through a chain of 100 ops: prompt.
TEST_F(HostileTest, Rank1024Chain) {
  std::vector<Pb> nodes;
  for (int i = 0; i < 100; ++i)
    nodes.push_back(node("Relu", {i == 0 ? "x" : "t" + std::to_string(i - 1)},
                         {i == 99 ? "y" : "t" + std::to_string(i)}, "r" + std::to_string(i)));
  const json out = checkJson(write("rank_1024.onnx", netBytes(nodes, {}, std::vector<int64_t>(1024, 2))), 0);
  EXPECT_EQ(out["models"][0]["graph_outputs"]["y"].size(), 1024u);
}

// Subgraphs nested up to the limit of 64 load (the parser raises protobuf's
// recursion limit for them); past it, at any depth, a load error naming the
// file (and the limit, where the parse gets that far).
TEST_F(HostileTest, SubgraphsNestedPastTheLimit) {
  for (int depth : {20, 64}) {
    const json ok = checkJson(write("nested_" + std::to_string(depth) + ".onnx", nestedIfBytes(depth)), 0);
    EXPECT_EQ(ok["models"][0]["graph_outputs"]["y"], json::parse("[1, 3, 8, 8]")) << ok.dump().substr(0, 2000);
  }
  expectLoadError(write("nested_65.onnx", nestedIfBytes(65)), "64");
  // Past protobuf's raised recursion limit (about 97 If levels) the parse
  // itself fails: still one line naming the file.
  expectLoadError(write("nested_100.onnx", nestedIfBytes(100)), "");
  // 1000 levels: far past both limits (the test builds the bytes level by
  // level, quadratic in the depth, so not 10 000 under the sanitizers).
  expectLoadError(write("nested_1000.onnx", nestedIfBytes(1'000)), "");
}

// x [H, W] -> Shape -> H + W + 1, squared three times through Mul: the
// third square would have 285 expression nodes (the monomials H^a W^b with
// a + b <= 8), past the 256 of expr_limits.h. That value becomes unknown with
// a note at its node, quickly, instead of an expression that keeps growing.
TEST_F(HostileTest, ExpressionBlowUpIsANoteAndUnknown) {
  auto int64Scalar = [](std::string_view name, int64_t value) {
    Pb t;
    t.varint(kTensorDataType, 7).bytes(kTensorName, name);  // INT64, rank 0
    std::string raw(8, '\0');
    for (int i = 0; i < 8; ++i) raw[static_cast<size_t>(i)] = static_cast<char>((value >> (8 * i)) & 0xff);
    t.bytes(kTensorRawData, raw);
    return t;
  };
  Pb graph;
  graph.message(kGraphNode, node("Shape", {"x"}, {"s"}, "shape0"));
  graph.message(kGraphNode, node("Gather", {"s", "i0"}, {"h"}, "gather_h"));
  graph.message(kGraphNode, node("Gather", {"s", "i1"}, {"w"}, "gather_w"));
  graph.message(kGraphNode, node("Add", {"h", "w"}, {"hw"}, "add0"));
  graph.message(kGraphNode, node("Add", {"hw", "one"}, {"p1"}, "add1"));
  graph.message(kGraphNode, node("Mul", {"p1", "p1"}, {"p2"}, "square1"));
  graph.message(kGraphNode, node("Mul", {"p2", "p2"}, {"p4"}, "square2"));
  graph.message(kGraphNode, node("Mul", {"p4", "p4"}, {"y"}, "square3"));
  graph.bytes(kGraphName, "squares");
  graph.message(kGraphInitializer, int64Scalar("i0", 0));
  graph.message(kGraphInitializer, int64Scalar("i1", 1));
  graph.message(kGraphInitializer, int64Scalar("one", 1));
  Pb x = valueInfo("x", {});
  {
    Pb h, w, shape, tt, type;
    h.bytes(kDimParam, "H");
    w.bytes(kDimParam, "W");
    shape.message(kShapeDim, h).message(kShapeDim, w);
    tt.varint(kTensorTypeElem, kFloat).message(kTensorTypeShape, shape);
    type.message(kTypeTensor, tt);
    x = Pb();
    x.bytes(kValueInfoName, "x").message(kValueInfoType, type);
  }
  graph.message(kGraphInput, x);
  graph.message(kGraphOutput, valueInfo("y", {}, false));
  const json out = checkJson(write("squares.onnx", modelBytes(graph)), 0, {"--fail-on", "error"});
  bool note = false;
  for (const json& d : out["models"][0]["diagnostics"]) {
    EXPECT_NE(d.value("node", ""), "square2") << "(H + W + 1)^4 has 55 nodes and is kept: " << d.dump();
    if (d.value("node", "") == "square3" && d.value("code", "") == "SL001" && d.value("severity", "") == "note" &&
        d.value("message", "").find("more than 256 expression nodes") != std::string::npos)
      note = true;
  }
  EXPECT_TRUE(note) << out.dump(2).substr(0, 3000);
}

// --- names that try to break the output -----------------------------------------------

// ESC sequences, newlines, CR, a forged diagnostic line and invalid UTF-8 in a
// node name, a value name and an op type, through every output format.
class HostileNames : public HostileTest {
 protected:
  static constexpr const char* kEvilNode = "conv\x1b[31m\nevil.onnx: error: forged\r\xff\xfe";
  static constexpr const char* kEvilValue = "x\x1b[2J\xc3\x28";

  static std::string findingModel() {
    // x -> Conv with an 11 x 11 kernel over 8 x 8 -> y: SL202 at the evil node.
    Pb w;
    for (int64_t d : {4, 3, 11, 11}) w.varint(kTensorDims, static_cast<uint64_t>(d));
    w.varint(kTensorDataType, kFloat)
        .bytes(kTensorName, "w")
        .bytes(kTensorRawData, std::string(4 * 3 * 11 * 11 * 4, '\0'));
    Pb graph;
    graph.message(kGraphNode, node("Conv", {kEvilValue, "w"}, {"y"}, kEvilNode));
    graph.bytes(kGraphName, "evil");
    graph.message(kGraphInitializer, w);
    graph.message(kGraphInput, valueInfo(kEvilValue, {1, 3, 8, 8}));
    graph.message(kGraphOutput, valueInfo("y", {}, false));
    return modelBytes(graph);
  }

  // No raw control byte but the line breaks, and no forged line.
  static void expectInert(const std::string& out, const std::string& what) {
    EXPECT_EQ(out.find('\x1b'), std::string::npos) << what << ":\n" << out.substr(0, 2000);
    EXPECT_EQ(out.find('\r'), std::string::npos) << what << ":\n" << out.substr(0, 2000);
    EXPECT_EQ(out.find("\nevil.onnx: error: forged"), std::string::npos) << what << ":\n" << out.substr(0, 2000);
    EXPECT_EQ(out.find('\xff'), std::string::npos) << what << ":\n" << out.substr(0, 2000);
  }
};

TEST_F(HostileNames, TextOutputEscapesThem) {
  const std::string path = write("evil_names.onnx", findingModel());
  const BinaryRun r = run({"check", "--color", "never", path});
  expectWellBehaved(r, path);
  EXPECT_EQ(r.exitCode, 1) << r.out.substr(0, 2000);
  expectInert(r.out, "text");
  EXPECT_NE(r.out.find("SL202"), std::string::npos) << r.out.substr(0, 2000);
  EXPECT_NE(r.out.find("\\x1b[31m\\nevil.onnx"), std::string::npos) << r.out.substr(0, 2000);
}

TEST_F(HostileNames, JsonOutputIsValidAndKeepsTheNames) {
  const std::string path = write("evil_names.onnx", findingModel());
  const json out = checkJson(path, 1);  // json::parse rejects invalid UTF-8
  ASSERT_TRUE(out.contains("models")) << out.dump();
  bool found = false;
  for (const json& d : out["models"][0]["diagnostics"]) {
    if (d.value("code", "") != "SL202") continue;
    found = true;
    // The escapes survive as text; the invalid bytes are replaced, not dropped silently into raw bytes.
    EXPECT_NE(d.value("node", "").find("conv\x1b[31m\nevil.onnx: error: forged\r"), std::string::npos) << d.dump();
  }
  EXPECT_TRUE(found) << out.dump().substr(0, 2000);
  const BinaryRun raw = run({"check", "--format", "json", path});
  expectInert(raw.out, "json");
}

// SARIF is JSON: valid (json::parse rejects invalid UTF-8), inert, with the
// node name in a result.
TEST_F(HostileNames, SarifOutputIsValidAndInert) {
  const std::string path = write("evil_names.onnx", findingModel());
  const BinaryRun r = run({"check", "--format", "sarif", path});
  expectWellBehaved(r, path);
  EXPECT_EQ(r.exitCode, 1);
  expectInert(r.out, "sarif");
  json sarif;
  try {
    sarif = json::parse(r.out);
  } catch (const json::exception& e) {
    FAIL() << "SARIF is not JSON: " << e.what() << "\n" << r.out.substr(0, 2000);
  }
  EXPECT_NE(sarif.dump().find("SL202"), std::string::npos) << r.out.substr(0, 2000);
  EXPECT_NE(sarif.dump().find("evil.onnx: error: forged"), std::string::npos) << r.out.substr(0, 2000);
}

// GitHub workflow commands: one `::error ...::` line per finding, and no
// name can end the command early or start a forged one on a new line.
TEST_F(HostileNames, GithubOutputIsOneCommandPerLine) {
  const std::string path = write("evil_names.onnx", findingModel());
  const BinaryRun r = run({"check", "--format", "github", path});
  expectWellBehaved(r, path);
  EXPECT_EQ(r.exitCode, 1);
  expectInert(r.out, "github");
  std::istringstream lines(r.out);
  int errors = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("::", 0) == 0) {
      EXPECT_EQ(line.rfind("::error ", 0), 0u) << line;
      ++errors;
    }
    EXPECT_NE(line.rfind("evil.onnx", 0), 0u) << "a forged line: " << line;
  }
  EXPECT_GE(errors, 2) << r.out.substr(0, 2000);  // SL202 on axes 2 and 3
}

TEST_F(HostileNames, LoadErrorsEscapeThem) {
  const std::string path = write("evil_cycle.onnx", netBytes({node("Relu", {"y"}, {"y"}, kEvilNode)}));
  const BinaryRun text = run({"check", "--color", "never", path});
  expectWellBehaved(text, path);
  EXPECT_EQ(text.exitCode, 2);
  expectInert(text.out + text.err, "text load error");
  const json out = checkJson(path, 2);
  EXPECT_EQ(out["models"][0].value("error", "\n").find('\n'), std::string::npos) << out.dump();
}

// --- external data: never opened -----------------------------------------------------

// The weight of x -> Conv -> y lives in external data at `location`: the
// shape comes from its dims alone, and the file is never opened. `location`
// points at a FIFO with no writer, which blocks any open() for reading
// forever (the kill timeout would end the run and the test would fail); strace,
// where installed, also shows every open of the run.
class ExternalData : public HostileTest {
 protected:
  static void SetUpTestSuite() {
    HostileTest::SetUpTestSuite();
    modelDir_ = tempDir() / "models";
    fs::create_directories(modelDir_);
    fifo_ = tempDir() / "weights.fifo";
    ASSERT_EQ(::mkfifo(fifo_.c_str(), 0600), 0);
    fs::create_symlink(fifo_, modelDir_ / "link.bin");
  }

  static void expectNeverOpened(const std::string& file, const std::string& location) {
    Pb conv = node("Conv", {"x", "w"}, {"y"}, "conv0");
    const std::string path = (modelDir_ / file).string();
    writeFile(path, netBytes({conv}, {externalWeight("w", {4, 3, 3, 3}, location)}));
    // 3 x 3 over 8 x 8, no pads: 8 - 3 + 1 = 6.
    const json out = checkJson(path, 0);
    EXPECT_EQ(out["models"][0]["graph_outputs"]["y"], json::parse("[1, 4, 6, 6]")) << out.dump().substr(0, 2000);

    if (std::system("command -v strace >/dev/null 2>&1") != 0) return;
    const fs::path trace = tempDir() / "trace.txt";
    const std::string command = "timeout -s KILL 60 strace -f -qq -e trace=open,openat,openat2,creat -o " +
                                testing::shellQuote(trace.string()) + " " + testing::shellQuote(SHAPELINT_BINARY) +
                                " check " + testing::shellQuote(path) + " >/dev/null 2>&1";
    const int status = std::system(command.c_str());
    if (!fs::exists(trace) || fs::file_size(trace) == 0) {
      GTEST_LOG_(INFO) << "strace could not trace here (status " << status << ")";
      return;
    }
    const std::string calls = testing::readFile(trace);
    EXPECT_NE(calls.find(file), std::string::npos) << "the trace does not show the model being opened";
    for (const std::string& name :
         {std::string("weights.fifo"), std::string("link.bin"), std::string("/dev/zero"), std::string("/etc/passwd")})
      EXPECT_EQ(calls.find(name), std::string::npos) << name << " was opened:\n" << calls;
  }

  static inline fs::path modelDir_;
  static inline fs::path fifo_;
};

TEST_F(ExternalData, AbsoluteLocation) { expectNeverOpened("absolute.onnx", fifo_.string()); }
TEST_F(ExternalData, DotDotLocation) { expectNeverOpened("dotdot.onnx", "../weights.fifo"); }
TEST_F(ExternalData, ThroughASymlink) { expectNeverOpened("symlink.onnx", "link.bin"); }
TEST_F(ExternalData, AtADevice) { expectNeverOpened("device.onnx", "/dev/zero"); }
TEST_F(ExternalData, AtASecret) { expectNeverOpened("secret.onnx", "../../../../../../../../etc/passwd"); }

}  // namespace
}  // namespace shapelint::cli
