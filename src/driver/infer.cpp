// inferModelFile: load -> propagate -> write the model with the inferred
// shapes.
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "check_model.h"
#include "shapelint/diag/diagnostic.h"
#include "shapelint/driver.h"
#include "shapelint/onnx/loader.h"
#include "shapelint/onnx/writer.h"

namespace shapelint {
namespace {

// True when the pass already reported this declaration as SL101 (its messages
// start "value_info 'y' is declared" or "graph output 'y' is declared").
bool alreadyReported(const std::vector<diag::Diagnostic>& diagnostics, const onnx::KeptDeclaration& kept) {
  const std::string head =
      fmt::format("{} '{}' is declared", kept.graphOutput ? "graph output" : "value_info", kept.value);
  for (const diag::Diagnostic& d : diagnostics)
    if (d.rule == diag::RuleId::kDeclaredShapeMismatch && d.message.starts_with(head)) return true;
  return false;
}

// A declared type the written model keeps although the pass contradicts it,
// as an SL101 finding (the pass reports most of these itself; not those
// computed for an --input-shape, nor second value_info entries of a value).
diag::Diagnostic keptFinding(const onnx::KeptDeclaration& kept, bool inputShapesGiven) {
  diag::Diagnostic d;
  d.rule = diag::RuleId::kDeclaredShapeMismatch;
  d.severity = diag::rule(d.rule).severity;
  d.message = fmt::format(
      "{} '{}'{} is declared {} but shapelint infers {}{}; the "
      "written model keeps the declared shape",
      kept.graphOutput ? "graph output" : "value_info", kept.value, kept.topLevel ? "" : " (in a subgraph)",
      kept.declared.str(), kept.inferred.str(), inputShapesGiven ? " for the given --input-shape" : "");
  d.help = inputShapesGiven ? "the declared shape was computed for other input "
                              "shapes: remove the stale value_info "
                              "or re-export the model at these input shapes"
                            : "remove or correct the stale declaration, or fix "
                              "the layer that produces the value";
  return d;
}

}  // namespace

InferOutcome inferModelFile(const std::string& path, const std::string& outputPath,
                            const passes::PassOptions& options) {
  InferOutcome outcome;
  outcome.report.path = path;
  if (std::optional<onnx::WriteError> error = onnx::checkOutputPath(path, outputPath)) {
    outcome.writeError = error->message;
    return outcome;
  }

  onnx::LoadResult loaded = onnx::loadModel(path);
  if (const auto* error = std::get_if<onnx::LoadError>(&loaded)) {
    outcome.report.loadError = error->message;
    return outcome;
  }
  ir::Model& model = std::get<ir::Model>(loaded);
  checkLoadedModel(model, options, outcome.report);

  onnx::WriteOptions writeOptions;
  for (const auto& [name, shape] : options.inputShapes) {
    const ir::Value* value = model.graph.find(name);
    if (value != nullptr && value->isGraphInput) writeOptions.inputShapes.emplace(name, shape);
  }
  onnx::WriteResult written = onnx::writeInferredModel(model, path, outputPath, writeOptions);
  if (const auto* error = std::get_if<onnx::WriteError>(&written)) {
    outcome.writeError = error->message;
    return outcome;
  }
  const onnx::WriteSummary& summary = std::get<onnx::WriteSummary>(written);
  outcome.valueInfosAdded = summary.valueInfosAdded;
  outcome.typesFilled = summary.typesFilled;
  outcome.declarationsKept = summary.kept.size();

  std::vector<diag::Diagnostic>& diagnostics = outcome.report.diagnostics;
  std::vector<diag::Diagnostic> added;
  for (const onnx::KeptDeclaration& kept : summary.kept)
    if (!alreadyReported(diagnostics, kept)) added.push_back(keptFinding(kept, !writeOptions.inputShapes.empty()));
  diagnostics.insert(diagnostics.end(), added.begin(), added.end());
  diag::sortDiagnostics(diagnostics);
  return outcome;
}

}  // namespace shapelint
