// checkModelFile: load -> propagate -> collect what the reporters print.
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "check_model.h"
#include "shapelint/diag/diagnostic.h"
#include "shapelint/driver.h"
#include "shapelint/onnx/loader.h"

namespace shapelint {
namespace {

bool isGraphInput(const ir::Graph& graph, const std::string& name) {
  return std::find(graph.inputs.begin(), graph.inputs.end(), name) != graph.inputs.end();
}

// "'x', 'mask'": the inputs a user can give a shape to (initializers listed
// as inputs by old exporters are left out).
std::string listInputs(const ir::Graph& graph) {
  std::string out;
  for (const std::string& name : graph.inputs) {
    const ir::Value* v = graph.find(name);
    if (v && v->isInitializer) continue;
    if (!out.empty()) out += ", ";
    out += "'" + name + "'";
  }
  return out;
}

void reportUnusedInputShape(std::vector<diag::Diagnostic>& sink, const ir::Graph& graph, const std::string& name) {
  diag::Diagnostic d;
  d.rule = diag::RuleId::kInputShapeUnused;
  d.severity = diag::rule(d.rule).severity;
  const std::string inputs = listInputs(graph);
  d.message = "--input-shape names '" + name + "', which is not an input of this model";
  d.message += inputs.empty() ? " (it has no inputs)" : " (its inputs: " + inputs + ")";
  sink.push_back(std::move(d));
}

std::vector<std::pair<std::string, ir::Shape>> graphOutputShapes(const ir::Graph& graph) {
  std::vector<std::pair<std::string, ir::Shape>> out;
  for (const std::string& name : graph.outputs) {
    const ir::Value* v = graph.find(name);
    out.emplace_back(name, v ? v->inferred : ir::Shape::unknownRank());
  }
  return out;
}

// Every value of the main graph whose rank is known, sorted by name.
std::vector<std::pair<std::string, ir::Shape>> inferredValueShapes(const ir::Graph& graph) {
  std::vector<std::pair<std::string, ir::Shape>> out;
  out.reserve(graph.values.size());
  for (const ir::Value& v : graph.values)
    if (v.inferred.rankKnown()) out.emplace_back(v.name, v.inferred);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

// A graph input with a symbolic dim (after the --input-shape overrides).
bool hasSymbolicInputDim(const ir::Graph& graph, const passes::PassOptions& options) {
  for (const std::string& name : graph.inputs) {
    const ir::Value* v = graph.find(name);
    if (!v || v->isInitializer) continue;
    const auto given = options.inputShapes.find(name);
    const ir::Shape& shape = given != options.inputShapes.end() ? given->second : v->declared;
    if (!shape.rankKnown()) continue;
    for (size_t a = 0; a < shape.rank(); ++a)
      if (shape[a].isSymbol()) return true;
  }
  return false;
}

}  // namespace

void checkLoadedModel(ir::Model& model, const passes::PassOptions& options, report::ModelReport& result,
                      bool valueShapes) {
  // Only shapes for inputs this model has reach the pass; the others are
  // reported, so a typo in --input-shape does not go unnoticed.
  std::vector<diag::Diagnostic> diagnostics;
  passes::PassOptions passOptions = options;
  passOptions.inputShapes.clear();
  for (const auto& [name, shape] : options.inputShapes) {
    if (isGraphInput(model.graph, name)) {
      passOptions.inputShapes.emplace(name, shape);
    } else {
      reportUnusedInputShape(diagnostics, model.graph, name);
    }
  }

  // Size constraints are recorded only for a model with a symbolic input dim
  // (SL104/SL105, restricted_sizes.cpp).
  std::optional<passes::ConstraintCollector> collector;
  if (hasSymbolicInputDim(model.graph, passOptions)) collector.emplace();
  passes::PassResult pass = passes::runShapePass(model, passOptions);
  diagnostics.insert(diagnostics.end(), std::make_move_iterator(pass.diagnostics.begin()),
                     std::make_move_iterator(pass.diagnostics.end()));
  if (collector) {
    std::vector<passes::Constraint> constraints = collector->constraints();
    collector.reset();
    passes::collectGraphConstraints(model, constraints);
    reportRestrictedSizes(model, passOptions, constraints, diagnostics);
  }
  traceMergeFailures(model, passOptions, diagnostics);
  diag::sortDiagnostics(diagnostics);

  result.graphOutputs = graphOutputShapes(model.graph);
  if (valueShapes) result.values = inferredValueShapes(model.graph);
  result.diagnostics = std::move(diagnostics);
}

std::optional<ir::Model> loadForCheck(const std::string& path, report::ModelReport& result) {
  onnx::LoadResult loaded = onnx::loadModel(path, onnx::WeightBytes::kSkip);
  if (auto* error = std::get_if<onnx::LoadError>(&loaded)) {
    result.loadError = std::move(error->message);
    return std::nullopt;
  }
  return std::move(std::get<ir::Model>(loaded));
}

report::ModelReport checkModelFile(const std::string& path, const passes::PassOptions& options) {
  report::ModelReport result;
  result.path = path;
  if (std::optional<ir::Model> model = loadForCheck(path, result)) checkLoadedModel(*model, options, result);
  return result;
}

}  // namespace shapelint
