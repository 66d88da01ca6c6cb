// Conformance against ONNX's backend test data (Debian's libonnx-testdata):
// for every case whose model uses only ops of the walking skeleton, the
// shape pass's inferred shape of each graph output must equal the dims of
// the expected output tensor (test_data_set_0/output_N.pb). The pass never
// copies declared output shapes into Value::inferred, so this compares the
// shape functions alone. Valid models must also give no error finding.
//
// Every case that uses a convolution or pooling op (kConvFamilyOps) is run
// unless its output depends on the values of a runtime input (MaxUnpool's
// output_shape or Col2Im's image_shape fed as a graph input); the others are
// listed by name with the reason they are skipped.
//
// Counts (cases run, passed, skipped with the reason; per conv/pool op) go to stdout.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "shapelint/onnx/loader.h"
#include "shapelint/passes/pass.h"

namespace shapelint {
namespace {

namespace fs = std::filesystem;

// The ops whose shape functions this test covers (default domain).
const std::set<std::string> kConvFamilyOps = {
    "Conv", "ConvTranspose", "ConvInteger", "QLinearConv", "DeformConv", "Col2Im", "MaxPool", "AveragePool",
    "LpPool", "MaxUnpool", "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool",
};

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

const char* const kSuites[] = {"node", "pytorch-converted", "pytorch-operator"};

// Inputs whose values (not only shapes) give the output shape; fed as a
// graph input, they are known only at run time.
const std::map<std::string, std::map<size_t, std::string>> kValueInputs = {
    {"MaxUnpool", {{2, "output_shape"}}},
    {"Col2Im", {{1, "image_shape"}, {2, "block_shape"}}},
    {"Squeeze", {{1, "axes"}}},
    {"Unsqueeze", {{1, "axes"}}},
    {"Split", {{1, "split"}}},
    {"Pad", {{1, "pads"}, {3, "axes"}}},
    {"Resize", {{1, "roi"}, {2, "scales"}, {3, "sizes"}}},
    {"Upsample", {{1, "scales"}}},
    {"TopK", {{1, "K"}}},
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
};

enum class Outcome { kPassed, kFailed, kSkipped };

struct CaseResult {
  Outcome outcome = Outcome::kSkipped;
  std::string reason;             // why skipped, or what failed
  std::set<std::string> convOps;  // the conv/pool ops the case uses
};

// "MaxUnpool's output_shape 'output_shape' is a graph input", or "" when
// every value input of the model's nodes is a constant.
std::string valueDependence(const ir::Model& model) {
  for (const ir::Node& n : model.graph.nodes) {
    auto it = kValueInputs.find(n.opType);
    if (it == kValueInputs.end()) continue;
    for (const auto& [index, role] : it->second) {
      if (index >= n.inputs.size() || n.inputs[index].empty()) continue;
      const ir::Value* v = model.graph.find(n.inputs[index]);
      if (v && v->isGraphInput && !v->isInitializer)
        return n.opType + "'s " + role + " '" + n.inputs[index] + "' is a graph input";
    }
  }
  return "";
}

std::set<std::string> convOpsOf(const ir::Model& model) {
  std::set<std::string> ops;
  for (const ir::Node& n : model.graph.nodes)
    if ((n.domain.empty() || n.domain == "ai.onnx") && kConvFamilyOps.count(n.opType)) ops.insert(n.opType);
  return ops;
}

bool usesOnlySkeletonOps(const ir::Model& model, std::string& firstOther) {
  for (const ir::Node& n : model.graph.nodes) {
    if ((!n.domain.empty() && n.domain != "ai.onnx") || !kSkeletonOps.count(n.opType)) {
      firstOther = n.domain.empty() ? n.opType : n.domain + "." + n.opType;
      return false;
    }
  }
  return !model.graph.nodes.empty();
}

std::string dimsText(const std::vector<int64_t>& dims) { return ir::Shape::ofValues(dims).str(); }

CaseResult runCase(const fs::path& dir) {
  const std::string name = dir.parent_path().filename().string() + "/" + dir.filename().string();
  if (!fs::exists(dir / "model.onnx")) return {Outcome::kSkipped, "no model.onnx", {}};
  onnx::LoadResult loaded = onnx::loadModel((dir / "model.onnx").string());
  if (const auto* error = std::get_if<onnx::LoadError>(&loaded)) {
    return {Outcome::kSkipped, "the loader rejects it: " + error->message, {}};
  }
  ir::Model model = std::get<ir::Model>(std::move(loaded));
  const std::set<std::string> convOps = convOpsOf(model);
  std::string other;
  if (!usesOnlySkeletonOps(model, other))
    return {Outcome::kSkipped, convOps.empty() ? "uses ops outside the skeleton" : "uses " + other, convOps};
  if (std::string dependence = valueDependence(model); !dependence.empty())
    return {Outcome::kSkipped, "output depends on runtime input values: " + dependence, convOps};

  passes::PassResult result = passes::runShapePass(model, {});
  std::string failures;
  for (const diag::Diagnostic& d : result.diagnostics) {
    if (d.severity == diag::Severity::kError)
      failures += "\n    unexpected finding " + std::string(d.ruleInfo().code) + " " + d.node + ": " + d.message;
  }
  for (size_t i = 0; i < model.graph.outputs.size(); ++i) {
    const ir::Value* out = model.graph.find(model.graph.outputs[i]);
    if (!out || out->kind != ir::ValueKind::kTensor) {
      return {Outcome::kSkipped, "a graph output is not a tensor (sequence or optional)", convOps};
    }
    const fs::path expectedFile = dir / "test_data_set_0" / ("output_" + std::to_string(i) + ".pb");
    std::optional<std::vector<int64_t>> expected = onnx::readTensorDims(expectedFile.string());
    if (!expected)
      return {Outcome::kSkipped, "no expected output tensor " + expectedFile.filename().string(), convOps};
    if (out->inferred != ir::Shape::ofValues(*expected)) {
      failures += "\n    output '" + out->name + "': inferred " + out->inferred.str() + ", expected " +
                  dimsText(*expected);
    }
  }
  if (!failures.empty()) return {Outcome::kFailed, name + ":" + failures, convOps};
  return {Outcome::kPassed, "", convOps};
}

TEST(Conformance, backend_testdata_shapes_match) {
  const fs::path root(SHAPELINT_TESTDATA_DIR);
  if (!fs::exists(root)) GTEST_SKIP() << "no ONNX backend test data at " << root;

  int run = 0;
  int passed = 0;
  std::map<std::string, int> skipped;
  std::vector<std::string> failures;
  std::map<std::string, std::pair<int, int>> perOp;  // conv/pool op -> (passed, run)
  std::vector<std::string> convSkipped;              // "suite/case: reason"
  for (const char* suite : kSuites) {
    std::vector<fs::path> dirs;
    for (const fs::directory_entry& e : fs::directory_iterator(root / suite))
      if (e.is_directory()) dirs.push_back(e.path());
    std::sort(dirs.begin(), dirs.end());
    for (const fs::path& dir : dirs) {
      CaseResult r = runCase(dir);
      for (const std::string& op : r.convOps) {
        if (r.outcome == Outcome::kSkipped) continue;
        ++perOp[op].second;
        if (r.outcome == Outcome::kPassed) ++perOp[op].first;
      }
      if (r.outcome == Outcome::kSkipped && !r.convOps.empty())
        convSkipped.push_back(std::string(suite) + "/" + dir.filename().string() + ": " + r.reason);
      switch (r.outcome) {
        case Outcome::kPassed:
          ++run;
          ++passed;
          break;
        case Outcome::kFailed:
          ++run;
          failures.push_back(r.reason);
          break;
        case Outcome::kSkipped:
          ++skipped[r.reason];
          break;
      }
    }
  }

  int skippedTotal = 0;
  for (const auto& [reason, n] : skipped) skippedTotal += n;
  std::cout << "conformance: " << run << " cases run, " << passed << " passed, " << failures.size()
            << " failed, " << skippedTotal << " skipped\n";
  for (const auto& [reason, n] : skipped) std::cout << "  skipped " << n << ": " << reason << "\n";
  for (const auto& [op, counts] : perOp)
    std::cout << "conformance: " << op << ": " << counts.first << " of " << counts.second << " cases passed\n";
  std::cout << "conformance: " << convSkipped.size() << " conv/pool cases skipped:\n";
  for (const std::string& c : convSkipped) std::cout << "  " << c << "\n";
  for (const std::string& f : failures) ADD_FAILURE() << f;
  EXPECT_GT(run, 250) << "far fewer cases than the skeleton's ops should select";
  EXPECT_GE(perOp["Conv"].second, 30) << "the conv cases are no longer selected";
}

}  // namespace
}  // namespace shapelint
