// Helpers for the data-propagation tests: Constant attributes and the
// propagated values of a value as text ("[N, 64*H*W]").
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "passes/model_builder.h"

namespace shapelint::testing {

inline ir::Attribute tensorAttr(std::string name, std::vector<int64_t> dims, std::vector<int64_t> values,
                                int32_t type = ir::kInt64) {
  ir::Attribute a;
  a.name = std::move(name);
  a.type = ir::Attribute::Type::kTensor;
  ir::TensorInfo t;
  t.elemType = type;
  t.dims = std::move(dims);
  t.data = ir::ConstData::ofInts(std::move(values));
  a.mutableTensor() = std::move(t);
  return a;
}

inline ir::Attribute realTensorAttr(std::string name, std::vector<int64_t> dims, std::vector<double> values,
                                    int32_t type = ir::kFloat) {
  ir::Attribute a = tensorAttr(std::move(name), std::move(dims), {}, type);
  a.mutableTensor()->data = ir::ConstData::ofReals(std::move(values));
  return a;
}

inline ir::Attribute intsValue(std::vector<int64_t> values) {
  ir::Attribute a = ints("value_ints", std::move(values));
  return a;
}

// A 1-D int64 Constant node `out` with these values.
inline void constInts(ModelBuilder& b, const std::string& out, std::vector<int64_t> values) {
  const auto n = static_cast<int64_t>(values.size());
  b.node("Constant", {}, {out}, {tensorAttr("value", {n}, std::move(values))});
}

// A scalar int64 Constant node.
inline void constScalar(ModelBuilder& b, const std::string& out, int64_t value) {
  b.node("Constant", {}, {out}, {tensorAttr("value", {}, {value})});
}

// A scalar float Constant node.
inline void constReal(ModelBuilder& b, const std::string& out, double value) {
  b.node("Constant", {}, {out}, {realTensorAttr("value", {}, {value})});
}

inline const ir::Shape kScalar = ir::Shape(std::vector<ir::Dim>{});

// The propagated values of `value`: "[2, N, 64*H*W]", reals as "[2.5]",
// "none" when not known.
inline std::string dataStr(const Inferred& r, const std::string& value) {
  const ir::Value* v = r.model.graph.find(value);
  if (!v || !v->data) return "none";
  const ir::ConstData& d = *v->data;
  std::ostringstream os;
  os << (d.symbolic && d.isReal ? "real[" : "[");
  for (size_t i = 0; i < d.size(); ++i) {
    if (i) os << ", ";
    if (d.isReal && !d.symbolic) os << d.reals[i];
    else os << d.dimAt(i).str();
  }
  os << "]";
  return os.str();
}

}  // namespace shapelint::testing
