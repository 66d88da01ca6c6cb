// Conformance against ONNX's backend test data (Debian's libonnx-testdata):
// for every case whose model uses only ops of the walking skeleton, the
// shape pass's inferred shape of each graph output must equal the dims of
// the expected output tensor (test_data_set_0/output_N.pb). The pass never
// copies declared output shapes into Value::inferred, so this compares the
// shape functions alone. Valid models must also give no error finding.
//
// Counts (cases run, passed, skipped with the reason) go to stdout.
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
const std::set<std::string> kSkeletonOps = {
    "Conv", "ConvTranspose", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
    "Relu", "Sigmoid", "Tanh", "LeakyRelu", "Elu", "Selu", "HardSigmoid", "HardSwish", "Softplus", "Clip",
    "Identity", "Dropout", "Neg", "Abs", "Exp", "Log", "Sqrt", "Erf", "Softmax", "LogSoftmax",
    "BatchNormalization", "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean",
    "Equal", "Less", "Greater", "Where", "Concat", "Flatten", "Gemm",
};

const char* const kSuites[] = {"node", "pytorch-converted", "pytorch-operator"};

// Cases whose output shape depends on the values of runtime inputs, which
// shapelint does not read; none among the skeleton's ops so far.
const std::map<std::string, std::string> kValueDependent = {};

enum class Outcome { kPassed, kFailed, kSkipped };

struct CaseResult {
  Outcome outcome = Outcome::kSkipped;
  std::string reason;  // why skipped, or what failed
};

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
  if (!fs::exists(dir / "model.onnx")) return {Outcome::kSkipped, "no model.onnx"};
  onnx::LoadResult loaded = onnx::loadModel((dir / "model.onnx").string());
  if (const auto* error = std::get_if<onnx::LoadError>(&loaded)) {
    return {Outcome::kSkipped, "the loader rejects it: " + error->message};
  }
  ir::Model model = std::get<ir::Model>(std::move(loaded));
  std::string other;
  if (!usesOnlySkeletonOps(model, other)) return {Outcome::kSkipped, "uses ops outside the skeleton"};
  if (auto it = kValueDependent.find(dir.filename().string()); it != kValueDependent.end())
    return {Outcome::kSkipped, "output depends on runtime input values: " + it->second};

  passes::PassResult result = passes::runShapePass(model, {});
  std::string failures;
  for (const diag::Diagnostic& d : result.diagnostics) {
    if (d.severity == diag::Severity::kError)
      failures += "\n    unexpected finding " + std::string(d.ruleInfo().code) + " " + d.node + ": " + d.message;
  }
  for (size_t i = 0; i < model.graph.outputs.size(); ++i) {
    const ir::Value* out = model.graph.find(model.graph.outputs[i]);
    if (!out || out->kind != ir::ValueKind::kTensor) {
      return {Outcome::kSkipped, "a graph output is not a tensor (sequence or optional)"};
    }
    const fs::path expectedFile = dir / "test_data_set_0" / ("output_" + std::to_string(i) + ".pb");
    std::optional<std::vector<int64_t>> expected = onnx::readTensorDims(expectedFile.string());
    if (!expected) return {Outcome::kSkipped, "no expected output tensor " + expectedFile.filename().string()};
    if (out->inferred != ir::Shape::ofValues(*expected)) {
      failures += "\n    output '" + out->name + "': inferred " + out->inferred.str() + ", expected " +
                  dimsText(*expected);
    }
  }
  if (!failures.empty()) return {Outcome::kFailed, name + ":" + failures};
  return {Outcome::kPassed, ""};
}

TEST(Conformance, backend_testdata_shapes_match) {
  const fs::path root(SHAPELINT_TESTDATA_DIR);
  if (!fs::exists(root)) GTEST_SKIP() << "no ONNX backend test data at " << root;

  int run = 0;
  int passed = 0;
  std::map<std::string, int> skipped;
  std::vector<std::string> failures;
  for (const char* suite : kSuites) {
    std::vector<fs::path> dirs;
    for (const fs::directory_entry& e : fs::directory_iterator(root / suite))
      if (e.is_directory()) dirs.push_back(e.path());
    std::sort(dirs.begin(), dirs.end());
    for (const fs::path& dir : dirs) {
      CaseResult r = runCase(dir);
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
  for (const std::string& f : failures) ADD_FAILURE() << f;
  EXPECT_GT(run, 250) << "far fewer cases than the skeleton's ops should select";
}

}  // namespace
}  // namespace shapelint
