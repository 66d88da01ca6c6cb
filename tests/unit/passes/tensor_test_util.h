// Helpers for the tensor family's tests (tensor_*_test.cpp): float
// constants (Resize scales and roi) and dims evaluated at symbol values.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "passes/model_builder.h"
#include "shapelint/ir/expr.h"

namespace shapelint::testing {

// Runs the pass on the builder's model with these 1-D float initializers
// whose values the pass can read.
inline Inferred inferWithReals(const ModelBuilder& builder, const std::map<std::string, std::vector<double>>& reals) {
  Inferred r{builder.build(), {}};
  for (const auto& [name, values] : reals) {
    ir::Value& v = r.model.graph.getOrAdd(name);
    v.isInitializer = true;
    v.elemType = ir::kFloat;
    v.hasDeclared = true;
    v.declared = ir::Shape::ofValues({static_cast<int64_t>(values.size())});
    ir::ConstData data;
    data.isReal = true;
    data.reals = values;
    v.data = std::move(data);
    r.model.graph.initializers.push_back(name);
  }
  r.diagnostics = passes::runShapePass(r.model, {}).diagnostics;
  return r;
}

// The dim's value when its symbols take these values (-1: not computable).
inline int64_t at(const ir::Dim& d, const ir::Bindings& bindings) { return ir::evaluate(d, bindings).value_or(-1); }

// "SL207 SL003 ": the rule codes of the findings, in order.
inline std::string codes(const Inferred& r) {
  std::string out;
  for (const diag::Diagnostic& d : r.diagnostics) out += std::string(d.ruleInfo().code) + " ";
  return out;
}

}  // namespace shapelint::testing
