// The real-model suite: torchvision architectures exported by torch 1.13 at
// opsets 11, 13 and 17 (tests/models/real, written by
// tools/gen_models_real.py, weights stripped), checked against the output
// shapes torch itself computed (tests/models/real/expected.json).
//
// For every model: it loads, the shape pass gives no error finding, and
// every graph output is fully inferred:
//   static   every dim a value, equal to torch's output dims;
//   dynamic  every dim a value, a symbol or an expression of the input's
//            symbols (N, H, W, T) that ir::evaluate()s, under the bindings
//            recorded for each of three input sizes, to torch's dims at
//            that size.
// A per-model table goes to stdout: nodes, values left unknown, the first
// unknown value (in topological order) and the ops that turned known inputs
// into an unknown output -- where a shape function or data propagation is
// missing.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "shapelint/ir/expr.h"
#include "shapelint/onnx/loader.h"
#include "shapelint/passes/pass.h"

namespace shapelint {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kSuiteDir = fs::path(SHAPELINT_SOURCE_DIR) / "tests" / "models" / "real";

// Rank known and no dim unknown (values, symbols and expressions count).
bool allDimsKnown(const ir::Shape& s) {
  if (!s.rankKnown()) return false;
  return std::none_of(s.dims().begin(), s.dims().end(), [](const ir::Dim& d) { return d.isUnknown(); });
}

struct ModelReport {
  std::string file;
  size_t nodes = 0;
  size_t values = 0;         // node outputs (tensors)
  size_t unknownValues = 0;  // node outputs whose shape is not fully known
  std::string firstUnknown;  // "Reshape 'Reshape_12' -> '123' [?, ?]"
  // Ops with every input shape known and an output not fully known.
  std::map<std::string, int> gaps;
  std::string outputs;  // the inferred output shapes
  std::vector<std::string> failures;
};

// Counts the node outputs left unknown and finds where unknowns start.
void traceUnknowns(const ir::Model& model, ModelReport& r) {
  const ir::Graph& g = model.graph;
  r.nodes = g.nodes.size();
  for (size_t index : g.topoOrder) {
    const ir::Node& n = g.nodes[index];
    bool inputsKnown = true;
    for (const std::string& in : n.inputs) {
      if (in.empty()) continue;
      const ir::Value* v = g.find(in);
      if (!v) continue;
      ir::Shape s = passes::effectiveShape(*v, true);
      if (!allDimsKnown(s)) inputsKnown = false;
    }
    bool outputUnknown = false;
    for (const std::string& out : n.outputs) {
      if (out.empty()) continue;
      const ir::Value* v = g.find(out);
      if (!v || v->kind != ir::ValueKind::kTensor) continue;
      ++r.values;
      if (allDimsKnown(v->inferred)) continue;
      ++r.unknownValues;
      outputUnknown = true;
      if (r.firstUnknown.empty()) r.firstUnknown = n.opType + " '" + n.name + "' -> '" + out + "' " + v->inferred.str();
    }
    if (outputUnknown && inputsKnown) ++r.gaps[n.opType];
  }
}

std::string dimsText(const std::vector<int64_t>& dims) { return ir::Shape::ofValues(dims).str(); }

std::vector<int64_t> dimsOf(const json& j) { return j.get<std::vector<int64_t>>(); }

// Checks output `i` against torch's dims; appends failures.
void checkOutput(const json& entry, size_t i, const ir::Value& out, ModelReport& r) {
  const ir::Shape& s = out.inferred;
  const std::string where = "output '" + out.name + "' inferred " + s.str();
  if (!entry["dynamic"].get<bool>()) {
    std::vector<int64_t> expected = dimsOf(entry["outputs"][i]);
    if (s != ir::Shape::ofValues(expected)) r.failures.push_back(where + ", torch gives " + dimsText(expected));
    return;
  }
  if (!allDimsKnown(s)) {
    r.failures.push_back(where + ": not fully inferred");
    return;
  }
  for (const json& run : entry["runs"]) {
    std::vector<int64_t> expected = dimsOf(run["outputs"][i]);
    ir::Bindings bindings = run["bindings"].get<ir::Bindings>();
    std::string bound = run["bindings"].dump();
    if (s.rank() != expected.size()) {
      r.failures.push_back(where + ", torch gives rank " + std::to_string(expected.size()));
      return;
    }
    for (size_t axis = 0; axis < s.rank(); ++axis) {
      std::optional<int64_t> v = ir::evaluate(s[axis], bindings);
      if (v != expected[axis]) {
        r.failures.push_back(where + ": at " + bound + " dim " + std::to_string(axis) + " (" + s[axis].str() + ") is " +
                             (v ? std::to_string(*v) : std::string("not evaluable")) + ", torch gives " +
                             dimsText(expected));
        return;
      }
    }
  }
}

ModelReport runModel(const json& entry) {
  ModelReport r;
  r.file = entry["file"].get<std::string>();
  onnx::LoadResult loaded = onnx::loadModel((kSuiteDir / r.file).string());
  if (const auto* error = std::get_if<onnx::LoadError>(&loaded)) {
    r.failures.push_back("does not load: " + error->message);
    return r;
  }
  ir::Model model = std::get<ir::Model>(std::move(loaded));
  passes::PassResult result = passes::runShapePass(model, {});
  for (const diag::Diagnostic& d : result.diagnostics)
    if (d.severity == diag::Severity::kError)
      r.failures.push_back("finding " + std::string(d.ruleInfo().code) + " at " + d.node + " (" + d.opType +
                           "): " + d.message);
  traceUnknowns(model, r);
  const size_t expectedOutputs =
      entry["dynamic"].get<bool>() ? entry["runs"][0]["outputs"].size() : entry["outputs"].size();
  if (model.graph.outputs.size() != expectedOutputs) {
    r.failures.push_back("has " + std::to_string(model.graph.outputs.size()) + " outputs, torch gives " +
                         std::to_string(expectedOutputs));
    return r;
  }
  for (size_t i = 0; i < model.graph.outputs.size(); ++i) {
    const ir::Value* out = model.graph.find(model.graph.outputs[i]);
    r.outputs += (i ? " " : "") + out->inferred.str();
    checkOutput(entry, i, *out, r);
  }
  return r;
}

std::string gapsText(const std::map<std::string, int>& gaps) {
  std::string text;
  for (const auto& [op, n] : gaps) text += (text.empty() ? "" : ", ") + op + (n > 1 ? " x" + std::to_string(n) : "");
  return text;
}

json readExpected() {
  std::ifstream in(kSuiteDir / "expected.json");
  if (!in) return json();
  return json::parse(in);
}

TEST(RealModels, fixture_lists_the_suite) {
  json expected = readExpected();
  ASSERT_TRUE(expected.is_object()) << "cannot read " << (kSuiteDir / "expected.json");
  std::set<std::string> listed;
  for (const json& e : expected["models"]) {
    listed.insert(e["file"].get<std::string>());
    EXPECT_TRUE(fs::exists(kSuiteDir / e["file"].get<std::string>())) << e["file"] << " is missing";
  }
  for (const fs::directory_entry& f : fs::directory_iterator(kSuiteDir)) {
    if (f.path().extension() != ".onnx") continue;
    EXPECT_TRUE(listed.count(f.path().filename().string())) << f.path().filename() << " has no expected shapes";
  }
  EXPECT_GE(listed.size(), 60u) << "the suite should hold every architecture at three opsets";
}

TEST(RealModels, torch_output_shapes_match) {
  json expected = readExpected();
  ASSERT_TRUE(expected.is_object()) << "cannot read " << (kSuiteDir / "expected.json");

  std::vector<ModelReport> reports;
  for (const json& entry : expected["models"]) reports.push_back(runModel(entry));

  size_t width = 10;
  for (const ModelReport& r : reports) width = std::max(width, r.file.size());
  std::ostringstream table;
  table << std::left << std::setw(static_cast<int>(width)) << "model"
        << "  result  nodes  unknown  outputs / first unknown value / ops with "
           "known inputs and unknown output\n";
  int passed = 0;
  for (const ModelReport& r : reports) {
    const bool ok = r.failures.empty();
    passed += ok ? 1 : 0;
    table << std::left << std::setw(static_cast<int>(width)) << r.file << "  " << (ok ? "pass  " : "FAIL  ") << "  "
          << std::right << std::setw(5) << r.nodes << "  " << std::setw(3) << r.unknownValues << "/" << std::left
          << std::setw(4) << r.values << "  " << r.outputs;
    if (!r.firstUnknown.empty()) table << "\n" << std::string(width + 25, ' ') << "first unknown: " << r.firstUnknown;
    if (!r.gaps.empty()) table << "\n" << std::string(width + 25, ' ') << "gaps: " << gapsText(r.gaps);
    table << "\n";
  }
  std::cout << table.str();
  std::cout << "real models: " << passed << " of " << reports.size() << " pass\n";
  std::map<std::string, int> gapModels;  // op -> models where it is a gap
  for (const ModelReport& r : reports)
    for (const auto& [op, n] : r.gaps) ++gapModels[op];
  for (const auto& [op, n] : gapModels)
    std::cout << "  " << op << " turns known inputs into an unknown output in " << n << " models\n";
  for (const json& s : expected["static_only"])
    std::cout << "  static only: " << s["arch"].get<std::string>() << " opset " << s["opset"] << ": "
              << s["reason"].get<std::string>() << "\n";
  for (const ModelReport& r : reports)
    for (const std::string& f : r.failures) ADD_FAILURE() << r.file << ": " << f;
}

}  // namespace
}  // namespace shapelint
