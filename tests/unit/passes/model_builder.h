// Builds small ir::Models in code for shape-function tests: graph inputs,
// initializers with dims, nodes with attributes, in topological order.
//
//   ModelBuilder b(13);
//   b.input("x", {1, 3, 8, 8}).initializer("w", {4, 3, 3, 3});
//   b.node("Conv", {"x", "w"}, {"y"}, {ints("pads", {1, 1, 1, 1})}, "conv1");
//   ir::Model m = b.build();
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "shapelint/diag/diagnostic.h"
#include "shapelint/ir/graph.h"
#include "shapelint/passes/pass.h"

namespace shapelint::testing {

// One dim of a test shape: 224, "N" (a symbol) or "?" (unknown).
class TestDim {
 public:
  TestDim(int v) : dim_(ir::Dim::value(v)) {}  // NOLINT: implicit on purpose
  TestDim(int64_t v) : dim_(ir::Dim::value(v)) {}  // NOLINT
  TestDim(const char* s) : dim_(std::string(s) == "?" ? ir::Dim::unknown() : ir::Dim::symbol(s)) {}  // NOLINT
  const ir::Dim& dim() const { return dim_; }

 private:
  ir::Dim dim_;
};

inline ir::Shape shape(std::initializer_list<TestDim> dims) {
  std::vector<ir::Dim> out;
  for (const TestDim& d : dims) out.push_back(d.dim());
  return ir::Shape(std::move(out));
}

inline ir::Attribute ints(std::string name, std::vector<int64_t> values) {
  ir::Attribute a;
  a.name = std::move(name);
  a.type = ir::Attribute::Type::kInts;
  a.ints = std::move(values);
  return a;
}

inline ir::Attribute intAttr(std::string name, int64_t value) {
  ir::Attribute a;
  a.name = std::move(name);
  a.type = ir::Attribute::Type::kInt;
  a.i = value;
  return a;
}

inline ir::Attribute floatAttr(std::string name, double value) {
  ir::Attribute a;
  a.name = std::move(name);
  a.type = ir::Attribute::Type::kFloat;
  a.f = value;
  return a;
}

inline ir::Attribute stringAttr(std::string name, std::string value) {
  ir::Attribute a;
  a.name = std::move(name);
  a.type = ir::Attribute::Type::kString;
  a.mutableS() = std::move(value);
  return a;
}

class ModelBuilder {
 public:
  explicit ModelBuilder(int64_t opset = 13) { model_.opsets[""] = opset; }

  // A graph input declared with `s` (unknown rank when default-constructed).
  ModelBuilder& input(const std::string& name, ir::Shape s, int32_t type = ir::kFloat) {
    ir::Value& v = model_.graph.getOrAdd(name);
    v.isGraphInput = true;
    v.elemType = type;
    v.hasDeclared = s.rankKnown();
    v.declared = std::move(s);
    model_.graph.inputs.push_back(name);
    return *this;
  }
  ModelBuilder& input(const std::string& name, std::initializer_list<TestDim> dims, int32_t type = ir::kFloat) {
    return input(name, shape(dims), type);
  }

  // An initializer of these dims (its values are not needed for shapes).
  ModelBuilder& initializer(const std::string& name, std::vector<int64_t> dims, int32_t type = ir::kFloat) {
    ir::Value& v = model_.graph.getOrAdd(name);
    v.isInitializer = true;
    v.elemType = type;
    v.hasDeclared = true;
    v.declared = ir::Shape::ofValues(dims);
    model_.graph.initializers.push_back(name);
    return *this;
  }

  // A 1-D int64 initializer whose values the pass can read (a shape input
  // such as MaxUnpool's output_shape or Col2Im's image_shape).
  ModelBuilder& constant(const std::string& name, std::vector<int64_t> values) {
    initializer(name, {static_cast<int64_t>(values.size())}, ir::kInt64);
    ir::ConstData data;
    data.ints = std::move(values);
    model_.graph.find(name)->data = std::move(data);
    return *this;
  }

  // A node; its outputs become values produced by it. The name defaults to "<op>_<index>".
  ModelBuilder& node(const std::string& opType, std::vector<std::string> inputs, std::vector<std::string> outputs,
                     std::vector<ir::Attribute> attributes = {}, std::string name = "") {
    ir::Node n;
    n.opType = opType;
    n.index = model_.graph.nodes.size();
    n.name = name.empty() ? opType + "_" + std::to_string(n.index) : std::move(name);
    n.inputs = std::move(inputs);
    n.outputs = std::move(outputs);
    n.attributes = std::move(attributes);
    for (const std::string& out : n.outputs) {
      if (out.empty()) continue;
      model_.graph.getOrAdd(out).producer = static_cast<int>(n.index);
    }
    model_.graph.topoOrder.push_back(n.index);
    model_.graph.nodes.push_back(std::move(n));
    return *this;
  }

  ModelBuilder& output(const std::string& name) {
    model_.graph.getOrAdd(name).isGraphOutput = true;
    model_.graph.outputs.push_back(name);
    return *this;
  }

  ir::Model build() const { return model_; }

 private:
  ir::Model model_;
};

// The result of running the pass on a model built in a test.
struct Inferred {
  ir::Model model;
  std::vector<diag::Diagnostic> diagnostics;

  const ir::Shape& shapeOf(const std::string& value) const { return model.graph.find(value)->inferred; }
  int32_t typeOf(const std::string& value) const { return model.graph.find(value)->elemType; }
};

inline Inferred infer(const ModelBuilder& builder, passes::Target target = passes::Target::kAll) {
  Inferred r{builder.build(), {}};
  passes::PassOptions options;
  options.target = target;
  r.diagnostics = passes::runShapePass(r.model, options).diagnostics;
  return r;
}

// "SL201 conv1: message", for matching diagnostics in tests.
inline std::string brief(const diag::Diagnostic& d) {
  return std::string(d.ruleInfo().code) + " " + d.node + ": " + d.message;
}

inline std::vector<std::string> briefs(const std::vector<diag::Diagnostic>& diags) {
  std::vector<std::string> out;
  for (const diag::Diagnostic& d : diags) out.push_back(brief(d));
  return out;
}

}  // namespace shapelint::testing
