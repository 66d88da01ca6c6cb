// Conformance against ONNX's backend test data (Debian's libonnx-testdata):
// every case of the node, pytorch-converted, pytorch-operator and simple
// suites is loaded, the shape pass runs, and the inferred shape of each graph
// output is compared with the dims of the expected output tensor
// (test_data_set_0/output_N.pb).
//
// Only the shape functions are measured: before the pass runs, the declared
// shapes of every value that is not a graph input or initializer (value_info,
// graph outputs, in subgraphs too) are removed, so no declared shape can
// fill an unknown dim (the pass never copies declared shapes into
// Value::inferred, and here it cannot use them downstream either).
//
// Outcomes per case:
//   passed   every output's inferred shape equals the expected dims, and the
//            pass reports no error finding;
//   WRONG    some output's inferred rank or a known dim differs from the
//            expected dims, or an error finding on these valid models: a
//            test failure, always (also in cases skipped for the reasons
//            below);
//   unknown  some output is not fully inferred; counted per op: the first op
//            (walking up from the output) that has no shape function, or
//            whose inputs are all known but whose output is not;
//   skipped  with a reason: an output's shape depends on the values of a
//            runtime input (kValueInputs), a graph output is not a tensor,
//            the loader rejects the model, or there is no expected output.
//
// Value dependence: a value is "runtime" when it is computed from the values
// of a graph input that is not an initializer. Shape and Size read only a
// shape, so their outputs are not runtime; every other op's outputs are
// runtime when one of its inputs is. A case is value-dependent when a
// runtime value reaches a value input (kValueInputs) of a node of the main
// graph. Nodes inside subgraphs (If/Loop/Scan bodies) are not examined.
//
// Counts (run, passed, unknown, wrong, skipped per reason, pass rate,
// unknown per op) and the unknown and skipped cases go to stdout.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "shapelint/onnx/loader.h"
#include "shapelint/passes/pass.h"
#include "shapelint/passes/shape_fn.h"

namespace shapelint {
namespace {

namespace fs = std::filesystem;

// Raise as ops land: the number of cases whose every output is inferred
// exactly. The goal: >= 98% of the cases that are not value-dependent.
constexpr int kPassedFloor = 908;

// The convolution and pooling ops: every case that uses one and is run must
// pass.
// clang-format off
const std::set<std::string> kConvFamilyOps = {
    "Conv", "ConvTranspose", "ConvInteger", "QLinearConv", "DeformConv", "Col2Im", "MaxPool", "AveragePool",
    "LpPool", "MaxUnpool", "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool",
};
// clang-format on

// The walking skeleton's ops: every case run that uses only these must pass.
// clang-format off
const std::set<std::string> kSkeletonOps = {
    "Conv", "ConvTranspose", "ConvInteger", "QLinearConv", "DeformConv", "Col2Im", "MaxPool", "AveragePool",
    "LpPool", "MaxUnpool", "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool",
    "Relu", "Sigmoid", "Tanh", "LeakyRelu", "Elu", "Selu", "HardSigmoid", "HardSwish", "Softplus", "Clip",
    "Identity", "Dropout", "Neg", "Abs", "Exp", "Log", "Sqrt", "Erf", "Softmax", "LogSoftmax",
    "BatchNormalization", "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean",
    "Equal", "Less", "Greater", "Where", "Concat", "Flatten", "Gemm", "Squeeze", "Unsqueeze",
    // Layout, reduction, matmul and normalisation ops (ops_tensor.h).
    "Transpose", "Split", "Pad", "DepthToSpace", "SpaceToDepth", "Resize", "Upsample", "GridSample",
    "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum",
    "ReduceLogSumExp", "ReduceSumSquare", "ArgMax", "ArgMin", "TopK", "Hardmax", "CumSum",
    "MatMul", "MatMulInteger", "QLinearMatMul", "Einsum",
    "InstanceNormalization", "LayerNormalization", "GroupNormalization", "LRN", "MeanVarianceNormalization",
};
// clang-format on

const char *const kSuites[] = {"node", "pytorch-converted", "pytorch-operator", "simple"};

// A value input: its index, its role, and the opsets where the input has it.
struct ValueInput {
  size_t index;
  std::string role;
  int64_t sinceOpset = 1;
  int64_t untilOpset = 1000;
};

// Inputs whose values (not only shapes) give an output's shape (default
// domain); fed from a runtime value, the shape is known only at run time.
// Data-dependent ops (NonZero, Unique, Compress, NonMaxSuppression) list the
// inputs whose values decide their output size.
const std::map<std::string, std::vector<ValueInput>> kValueInputs = {
    {"MaxUnpool", {{2, "output_shape"}}},
    {"Col2Im", {{1, "image_shape"}, {2, "block_shape"}}},
    {"Squeeze", {{1, "axes"}}},
    {"Unsqueeze", {{1, "axes"}}},
    {"Reshape", {{1, "shape"}}},
    {"Expand", {{1, "shape"}}},
    {"Tile", {{1, "repeats"}, {2, "axis (opset 1)"}}},
    {"Slice", {{1, "starts"}, {2, "ends"}, {3, "axes"}, {4, "steps"}}},
    {"ConstantOfShape", {{0, "input"}}},
    {"Range", {{0, "start"}, {1, "limit"}, {2, "delta"}}},
    {"TopK", {{1, "K"}}},
    {"OneHot", {{1, "depth"}}},
    {"Resize", {{1, "scales", 10, 10}, {2, "scales", 11}, {3, "sizes", 11}}},
    {"Upsample", {{1, "scales"}}},
    {"Pad", {{1, "pads"}, {3, "axes"}}},
    {"Split", {{1, "split"}}},
    {"ReduceSum", {{1, "axes"}}},
    {"ReduceMean", {{1, "axes"}}},
    {"ReduceMax", {{1, "axes"}}},
    {"ReduceMin", {{1, "axes"}}},
    {"ReduceProd", {{1, "axes"}}},
    {"ReduceL1", {{1, "axes"}}},
    {"ReduceL2", {{1, "axes"}}},
    {"ReduceLogSum", {{1, "axes"}}},
    {"ReduceLogSumExp", {{1, "axes"}}},
    {"ReduceSumSquare", {{1, "axes"}}},
    {"CenterCropPad", {{1, "shape"}}},
    {"AffineGrid", {{1, "size"}}},
    {"HannWindow", {{0, "size"}}},
    {"HammingWindow", {{0, "size"}}},
    {"BlackmanWindow", {{0, "size"}}},
    {"DFT", {{1, "dft_length"}, {2, "axis"}}},
    {"STFT", {{1, "frame_step"}, {3, "frame_length"}}},
    {"MelWeightMatrix", {{0, "num_mel_bins"}, {1, "dft_length"}}},
    {"NonZero", {{0, "X (data-dependent)"}}},
    {"Unique", {{0, "X (data-dependent)"}}},
    {"Compress", {{1, "condition (data-dependent)"}}},
    {"NonMaxSuppression", {{0, "boxes (data-dependent)"}, {1, "scores (data-dependent)"}}},
    {"Loop", {{0, "M (trip count)"}, {1, "cond"}}},
    {"StringSplit", {{0, "X (data-dependent)"}}},
};

// Value inputs that give an output's shape only when the node has a
// non-empty attribute (op -> attribute, value input).
const std::map<std::string, std::pair<std::string, ValueInput>> kValueInputsWithAttribute = {
    {"StringNormalizer", {"stopwords", {0, "X (how many stop words it drops)"}}},
};

// Ops whose outputs carry none of their inputs' values, only their shapes.
const std::set<std::string> kShapeOnlyOps = {"Shape", "Size"};

enum class Outcome { kPassed, kWrong, kUnknown, kSkipped };

struct CaseResult {
  Outcome outcome = Outcome::kSkipped;
  std::string reason;             // why skipped, what is wrong, or the op blamed for an
                                  // unknown output
  std::set<std::string> convOps;  // the conv/pool ops the case uses
  bool skeletonOnly = false;      // every op is in kSkeletonOps
};

std::string opKey(const ir::Node &n) {
  return (n.domain.empty() || n.domain == "ai.onnx") ? n.opType : n.domain + "." + n.opType;
}

bool isDefaultDomain(const ir::Node &n) { return n.domain.empty() || n.domain == "ai.onnx"; }

// "Reshape's shape 'x' comes from the values of graph input 'x'", or "".
std::string valueDependence(const ir::Model &model) {
  const ir::Graph &g = model.graph;
  std::map<std::string, std::string> runtime;  // value -> the graph input its values come from
  for (const std::string &in : g.inputs) {
    const ir::Value *v = g.find(in);
    if (v && !v->isInitializer) runtime[in] = in;
  }
  const int64_t opset = model.opset("");
  for (size_t index : g.topoOrder) {
    const ir::Node &n = g.nodes[index];
    if (isDefaultDomain(n)) {
      auto it = kValueInputs.find(n.opType);
      if (it != kValueInputs.end()) {
        for (const ValueInput &vi : it->second) {
          if (opset < vi.sinceOpset || opset > vi.untilOpset) continue;
          if (vi.index >= n.inputs.size() || n.inputs[vi.index].empty()) continue;
          auto r = runtime.find(n.inputs[vi.index]);
          if (r == runtime.end()) continue;
          return n.opType + "'s " + vi.role + " '" + n.inputs[vi.index] + "' comes from the values of graph input '" +
                 r->second + "'";
        }
      }
    }
    if (isDefaultDomain(n)) {
      auto it = kValueInputsWithAttribute.find(n.opType);
      const ir::Attribute *a = it == kValueInputsWithAttribute.end() ? nullptr : n.attr(it->second.first);
      if (a && (!a->strings().empty() || !a->ints.empty() || !a->floats().empty())) {
        const ValueInput &vi = it->second.second;
        auto r = vi.index < n.inputs.size() ? runtime.find(n.inputs[vi.index]) : runtime.end();
        if (r != runtime.end())
          return n.opType + "'s " + vi.role + " '" + n.inputs[vi.index] + "' comes from the values of graph input '" +
                 r->second + "' (with attribute " + it->second.first + ")";
      }
    }
    if (isDefaultDomain(n) && kShapeOnlyOps.count(n.opType)) continue;
    std::string source;
    for (const std::string &in : n.inputs) {
      auto r = runtime.find(in);
      if (r != runtime.end()) {
        source = r->second;
        break;
      }
    }
    if (source.empty()) continue;
    for (const std::string &out : n.outputs)
      if (!out.empty()) runtime[out] = source;
  }
  return "";
}

// Removes every declared shape but those of graph inputs and initializers.
void dropDeclaredShapes(ir::Graph &g) {
  for (ir::Value &v : g.values) {
    if (v.isGraphInput || v.isInitializer) continue;
    v.hasDeclared = false;
    v.declared = ir::Shape();
  }
  for (ir::Node &n : g.nodes)
    for (const ir::Attribute &a : n.attributes)
      for (const auto &sub : a.graphs())
        if (sub) dropDeclaredShapes(*sub);
}

bool allValues(const ir::Shape &s) {
  if (!s.rankKnown()) return false;
  for (const ir::Dim &d : s.dims())
    if (!d.isValue()) return false;
  return true;
}

// The op to blame for value `name` not being fully inferred: walking up
// through producers, the first one that has no shape function, or whose
// inputs are all fully inferred while its output is not.
std::string blame(const ir::Model &model, const std::string &name, std::set<std::string> &seen) {
  const ir::Graph &g = model.graph;
  const ir::Value *v = g.find(name);
  if (!v) return "(no such value)";
  if (v->producer < 0) return "(graph input '" + name + "' not fully declared)";
  const ir::Node &n = g.nodes[static_cast<size_t>(v->producer)];
  if (!passes::findShapeFn(n.domain, n.opType, model.opset(n.domain))) return opKey(n) + " (no shape function)";
  if (!seen.insert(n.name).second) return opKey(n) + " (cycle)";
  for (const std::string &in : n.inputs) {
    if (in.empty()) continue;
    const ir::Value *iv = g.find(in);
    if (iv && iv->kind == ir::ValueKind::kTensor && !allValues(iv->inferred)) return blame(model, in, seen);
  }
  return opKey(n) + " (output left unknown)";
}

std::string dimsText(const std::vector<int64_t> &dims) { return ir::Shape::ofValues(dims).str(); }

// What is wrong with `inferred` against the expected dims ("" when nothing):
// a known rank or a known dim that differs.
std::string wrongness(const ir::Shape &inferred, const std::vector<int64_t> &expected) {
  if (!inferred.rankKnown()) return "";
  if (inferred.rank() != expected.size()) return "rank";
  for (size_t i = 0; i < expected.size(); ++i)
    if (inferred[i].isValue() && inferred[i].value() != expected[i]) return "axis " + std::to_string(i);
  return "";
}

CaseResult runCase(const fs::path &dir) {
  const std::string name = dir.parent_path().filename().string() + "/" + dir.filename().string();
  CaseResult result;
  if (!fs::exists(dir / "model.onnx")) {
    result.reason = "no model.onnx";
    return result;
  }
  onnx::LoadResult loaded = onnx::loadModel((dir / "model.onnx").string());
  if (const auto *error = std::get_if<onnx::LoadError>(&loaded)) {
    result.reason = "the loader rejects the model: " + error->message;
    return result;
  }
  ir::Model model = std::get<ir::Model>(std::move(loaded));
  result.skeletonOnly = !model.graph.nodes.empty();
  for (const ir::Node &n : model.graph.nodes) {
    if (!isDefaultDomain(n) || !kSkeletonOps.count(n.opType)) result.skeletonOnly = false;
    if (isDefaultDomain(n) && kConvFamilyOps.count(n.opType)) result.convOps.insert(n.opType);
  }
  std::string skipReason = valueDependence(model);
  if (!skipReason.empty()) skipReason = "output depends on runtime input values: " + skipReason;

  dropDeclaredShapes(model.graph);
  passes::PassResult pass = passes::runShapePass(model, {});
  std::string wrong;
  for (const diag::Diagnostic &d : pass.diagnostics) {
    if (d.severity == diag::Severity::kError)
      wrong += "\n    unexpected finding " + std::string(d.ruleInfo().code) + " " + d.node + ": " + d.message;
  }
  std::string unknownOp;
  for (size_t i = 0; i < model.graph.outputs.size(); ++i) {
    const ir::Value *out = model.graph.find(model.graph.outputs[i]);
    if (!out || out->kind != ir::ValueKind::kTensor) {
      if (skipReason.empty()) skipReason = "a graph output is not a tensor (sequence, map or optional)";
      continue;
    }
    const fs::path expectedFile = dir / "test_data_set_0" / ("output_" + std::to_string(i) + ".pb");
    std::optional<std::vector<int64_t>> expected = onnx::readTensorDims(expectedFile.string());
    if (!expected) {
      if (skipReason.empty()) skipReason = "no expected output tensor " + expectedFile.filename().string();
      continue;
    }
    if (std::string w = wrongness(out->inferred, *expected); !w.empty()) {
      wrong += "\n    output '" + out->name + "': inferred " + out->inferred.str() + ", expected " +
               dimsText(*expected) + " (" + w + " differs)";
    } else if (!allValues(out->inferred) && unknownOp.empty()) {
      std::set<std::string> seen;
      unknownOp = blame(model, out->name, seen);
    }
  }
  if (!wrong.empty()) {
    result.outcome = Outcome::kWrong;
    result.reason = name + ":" + wrong;
  } else if (!skipReason.empty()) {
    result.outcome = Outcome::kSkipped;
    result.reason = skipReason;
  } else if (!unknownOp.empty()) {
    result.outcome = Outcome::kUnknown;
    result.reason = unknownOp;
  } else {
    result.outcome = Outcome::kPassed;
  }
  return result;
}

// The kind of a skip reason, for the counts: the text before the first ':'.
std::string reasonKind(const std::string &reason) { return reason.substr(0, reason.find(':')); }

TEST(Conformance, backend_testdata_shapes_match) {
  const fs::path root(SHAPELINT_TESTDATA_DIR);
  if (!fs::exists(root)) GTEST_SKIP() << "no ONNX backend test data at " << root;

  int run = 0;
  int passed = 0;
  int skeletonRun = 0;
  int skeletonPassed = 0;
  std::vector<std::string> wrong;
  std::vector<std::string> unknown;                  // "suite/case: op"
  std::map<std::string, int> unknownPerOp;           // op blamed -> cases
  std::map<std::string, int> skippedPerKind;         // reason kind -> cases
  std::vector<std::string> skipped;                  // "suite/case: reason"
  std::map<std::string, std::pair<int, int>> perOp;  // conv/pool op -> (passed, run)
  std::vector<std::string> convNotPassed;            // conv/pool cases run but not passed
  std::vector<std::string> skeletonNotPassed;
  for (const char *suite : kSuites) {
    if (!fs::exists(root / suite)) continue;
    std::vector<fs::path> dirs;
    for (const fs::directory_entry &e : fs::directory_iterator(root / suite))
      if (e.is_directory()) dirs.push_back(e.path());
    std::sort(dirs.begin(), dirs.end());
    for (const fs::path &dir : dirs) {
      const std::string name = std::string(suite) + "/" + dir.filename().string();
      CaseResult r = runCase(dir);
      if (r.outcome == Outcome::kSkipped) {
        ++skippedPerKind[reasonKind(r.reason)];
        skipped.push_back(name + ": " + r.reason);
        continue;
      }
      ++run;
      for (const std::string &op : r.convOps) {
        ++perOp[op].second;
        if (r.outcome == Outcome::kPassed) ++perOp[op].first;
      }
      if (!r.convOps.empty() && r.outcome != Outcome::kPassed) convNotPassed.push_back(name);
      if (r.skeletonOnly) {
        ++skeletonRun;
        if (r.outcome == Outcome::kPassed)
          ++skeletonPassed;
        else
          skeletonNotPassed.push_back(name);
      }
      switch (r.outcome) {
        case Outcome::kPassed:
          ++passed;
          break;
        case Outcome::kWrong:
          wrong.push_back(r.reason);
          break;
        case Outcome::kUnknown:
          ++unknownPerOp[r.reason];
          unknown.push_back(name + ": " + r.reason);
          break;
        case Outcome::kSkipped:
          break;
      }
    }
  }

  const size_t skippedTotal = skipped.size();
  std::cout << "conformance: " << run << " cases run, " << passed << " passed, " << unknown.size() << " unknown, "
            << wrong.size() << " wrong; " << skippedTotal << " skipped\n";
  std::cout << "conformance: pass rate " << std::fixed << std::setprecision(1) << (run ? 100.0 * passed / run : 0.0)
            << "% (passed / run)\n";
  for (const auto &[kind, n] : skippedPerKind) std::cout << "  skipped " << n << ": " << kind << "\n";
  std::vector<std::pair<int, std::string>> ops;
  for (const auto &[op, n] : unknownPerOp) ops.emplace_back(-n, op);
  std::sort(ops.begin(), ops.end());
  std::cout << "conformance: unknown outputs per op (implement next):\n";
  for (const auto &[n, op] : ops) std::cout << "  " << -n << "  " << op << "\n";
  for (const auto &[op, counts] : perOp)
    std::cout << "conformance: " << op << ": " << counts.first << " of " << counts.second << " cases passed\n";
  std::cout << "conformance: skeleton-only cases: " << skeletonPassed << " of " << skeletonRun << " passed\n";
  std::cout << "conformance: unknown cases:\n";
  for (const std::string &c : unknown) std::cout << "  " << c << "\n";
  std::cout << "conformance: skipped cases:\n";
  for (const std::string &c : skipped) std::cout << "  " << c << "\n";

  for (const std::string &f : wrong) ADD_FAILURE() << "WRONG " << f;
  for (const std::string &c : convNotPassed) ADD_FAILURE() << "conv/pool case not passed: " << c;
  for (const std::string &c : skeletonNotPassed) ADD_FAILURE() << "skeleton-only case not passed: " << c;
  EXPECT_GT(run, 900) << "far fewer cases run than the test data holds";
  EXPECT_GE(perOp["Conv"].second, 30) << "the conv cases are no longer run";
  EXPECT_GE(skeletonPassed, 316) << "skeleton-only cases passed";
  EXPECT_GE(passed, kPassedFloor) << "fewer cases pass than the floor; raise the floor only";
}

}  // namespace
}  // namespace shapelint
