// libFuzzer target: bytes -> load (both loaders) -> propagate -> every report format.
// Built by `make fuzz` (clang, -fsanitize=fuzzer,address,undefined).
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "shapelint/onnx/loader.h"
#include "shapelint/passes/pass.h"
#include "shapelint/report/report.h"

namespace {

void checkAndReport(const std::string& bytes, shapelint::onnx::WeightBytes weights) {
  using namespace shapelint;
  report::ModelReport result;
  result.path = "fuzz.onnx";
  onnx::LoadResult loaded = onnx::loadModelFromBytes(bytes, result.path, weights);
  if (auto* error = std::get_if<onnx::LoadError>(&loaded)) {
    result.loadError = error->message;
  } else {
    ir::Model& model = std::get<ir::Model>(loaded);
    result.diagnostics = passes::runShapePass(model, passes::PassOptions{}).diagnostics;
    for (const std::string& name : model.graph.outputs)
      if (const ir::Value* v = model.graph.find(name)) result.graphOutputs.emplace_back(name, v->inferred);
    for (const ir::Value& v : model.graph.values)
      if (v.inferred.rankKnown()) result.values.emplace_back(v.name, v.inferred);
  }
  const std::vector<report::ModelReport> reports{result};
  (void)report::renderText(reports, report::TextOptions{});
  (void)report::renderJson(reports);
  (void)report::renderSarif(reports, report::SarifOptions{});
  (void)report::renderGithub(reports);
}

}  // namespace

// Both loaders: the full protobuf parse (infer) and the skimming one that
// reads nodes straight from the wire (check).
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  checkAndReport(bytes, shapelint::onnx::WeightBytes::kSkip);
  checkAndReport(bytes, shapelint::onnx::WeightBytes::kParse);
  return 0;
}
