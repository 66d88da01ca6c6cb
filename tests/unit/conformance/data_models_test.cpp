// Models torch.onnx exported (tools/gen_models_data.py writes them to
// tests/models/data/ with torch's own output shapes in expected.txt): the
// output shape comes from shape computations (Shape -> Gather -> Unsqueeze
// -> Concat -> Reshape for x.view(x.size(0), -1); Shape -> Cast -> Mul ->
// Floor -> Concat into Resize's sizes for F.interpolate). shapelint must
// infer torch's shape for each input size, from the symbolic shapes
// (evaluated at N, H, W) and from concrete input shapes.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "shapelint/ir/expr.h"
#include "shapelint/onnx/loader.h"
#include "shapelint/passes/pass.h"

namespace shapelint {
namespace {

const std::string kDir = std::string(SHAPELINT_SOURCE_DIR) + "/tests/models/data/";

struct TorchCase {
  std::vector<int64_t> input;  // N, C, H, W
  std::vector<int64_t> y;      // torch's output shape
};

std::vector<int64_t> parseInts(const std::string& text) {
  std::vector<int64_t> out;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) out.push_back(std::stoll(part));
  return out;
}

// expected.txt: FILE <TAB> N,C,H,W <TAB> y shape.
std::map<std::string, std::vector<TorchCase>> readExpected() {
  std::map<std::string, std::vector<TorchCase>> cases;
  std::ifstream in(kDir + "expected.txt");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::stringstream fields(line);
    std::string file, input, y;
    std::getline(fields, file, '\t');
    std::getline(fields, input, '\t');
    std::getline(fields, y, '\t');
    cases[file].push_back({parseInts(input), parseInts(y)});
  }
  return cases;
}

// The dims as evaluated at the bindings ("?" for a dim that does not evaluate).
std::string evaluated(const std::vector<ir::Dim>& dims, const ir::Bindings& bindings) {
  std::string out;
  for (const ir::Dim& d : dims) {
    std::optional<int64_t> v = ir::evaluate(d, bindings);
    out += (out.empty() ? "" : ",") + (v ? std::to_string(*v) : "?(" + d.str() + ")");
  }
  return out;
}

std::string joined(const std::vector<int64_t>& v) {
  std::string out;
  for (int64_t x : v) out += (out.empty() ? "" : ",") + std::to_string(x);
  return out;
}

// What the pass infers for output y, and, when a Resize makes y from a
// sizes input, the values of that input (the shape Resize gives).
struct Inferred {
  std::optional<std::vector<ir::Dim>> y;
  std::optional<std::vector<ir::Dim>> sizes;
};

Inferred inferredY(ir::Model& model, const passes::PassOptions& options, std::string& errors) {
  passes::PassResult result = passes::runShapePass(model, options);
  for (const diag::Diagnostic& d : result.diagnostics)
    if (d.severity == diag::Severity::kError) errors += std::string(d.ruleInfo().code) + " " + d.message + "\n";
  Inferred out;
  const ir::Value* y = model.graph.find("y");
  if (y && y->inferred.rankKnown()) out.y = y->inferred.dims();
  for (const ir::Node& n : model.graph.nodes) {
    if (n.opType != "Resize" || n.outputs.empty() || n.outputs[0] != "y" || n.inputs.size() < 4) continue;
    const ir::Value* sizes = model.graph.find(n.inputs[3]);
    if (!sizes || !sizes->data || sizes->data->isReal) continue;
    out.sizes.emplace();
    for (size_t i = 0; i < sizes->data->size(); ++i) out.sizes->push_back(sizes->data->dimAt(i));
  }
  return out;
}

TEST(TorchDataModels, inferred_output_shape_equals_torchs) {
  const auto expected = readExpected();
  ASSERT_GE(expected.size(), 10u) << "tests/models/data/expected.txt: rerun tools/gen_models_data.py";
  size_t checked = 0;
  for (const auto& [file, cases] : expected) {
    SCOPED_TRACE(file);
    onnx::LoadResult loaded = onnx::loadModel(kDir + file);
    ASSERT_TRUE(std::holds_alternative<ir::Model>(loaded)) << file;
    ir::Model model = std::get<ir::Model>(std::move(loaded));
    // F.interpolate with sizes computed from the shape: the sizes input must be known.
    const bool computesSizes = file.rfind("interpolate_", 0) == 0 && file.rfind("interpolate_opset", 0) != 0;

    // Symbolic: x is [N, 64, H, W].
    std::string errors;
    Inferred symbolic = inferredY(model, {}, errors);
    EXPECT_EQ(errors, "");
    ASSERT_TRUE(symbolic.y) << "output y has unknown rank";
    if (computesSizes) {
      ASSERT_TRUE(symbolic.sizes) << "Resize's sizes input is unknown";
    }
    for (const TorchCase& c : cases) {
      const ir::Bindings at{{"N", c.input[0]}, {"H", c.input[2]}, {"W", c.input[3]}};
      if (symbolic.sizes) {
        EXPECT_EQ(evaluated(*symbolic.sizes, at), joined(c.y)) << "sizes at " << joined(c.input);
      }
      // y itself: Resize carries symbolic sizes through.
      EXPECT_EQ(evaluated(*symbolic.y, at), joined(c.y)) << "input " << joined(c.input);

      // Concrete: the user's input shape overrides the declared one.
      passes::PassOptions options;
      options.inputShapes["x"] = ir::Shape::ofValues(c.input);
      std::string concreteErrors;
      Inferred concrete = inferredY(model, options, concreteErrors);
      EXPECT_EQ(concreteErrors, "");
      ASSERT_TRUE(concrete.y) << "input " << joined(c.input);
      EXPECT_EQ(evaluated(*concrete.y, {}), joined(c.y)) << "input " << joined(c.input);
      ++checked;
    }
  }
  // 10 models, 3 sizes each.
  EXPECT_EQ(checked, 30u);
}

TEST(TorchDataModels, flatten_is_n_by_64hw) {
  for (const char* file : {"flatten_opset11.onnx", "flatten_opset13.onnx", "flatten_opset17.onnx"}) {
    onnx::LoadResult loaded = onnx::loadModel(kDir + file);
    ASSERT_TRUE(std::holds_alternative<ir::Model>(loaded)) << file;
    ir::Model model = std::get<ir::Model>(std::move(loaded));
    passes::runShapePass(model, {});
    EXPECT_EQ(model.graph.find("y")->inferred, ir::Shape({ir::Dim::symbol("N"), *ir::parseDim("64*H*W")})) << file;
  }
}

}  // namespace
}  // namespace shapelint
