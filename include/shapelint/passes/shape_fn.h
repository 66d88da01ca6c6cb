// The interface between the propagation pass and per-op shape functions.
//
// The pass knows nothing about individual ops: it walks the graph in
// topological order and, for each node, calls the shape function registered
// for (domain, op_type, opset). A shape function reads input shapes, small
// constant inputs and attributes from the InferContext, sets output shapes,
// and reports findings at its node. Leaving an output unset means unknown,
// which is a valid result, never an error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shapelint/diag/diagnostic.h"
#include "shapelint/ir/graph.h"
#include "shapelint/passes/target.h"

namespace shapelint::passes {

class InferContext {
 public:
  virtual ~InferContext() = default;

  virtual const ir::Node& node() const = 0;
  // Opset of the node's domain in this model.
  virtual int64_t opset() const = 0;
  // The runtimes whose portability findings are wanted (--target).
  virtual Target target() const = 0;

  size_t numInputs() const { return node().inputs.size(); }
  size_t numOutputs() const { return node().outputs.size(); }
  // Input i is present (i < numInputs() and its name is not empty).
  bool hasInput(size_t i) const { return i < numInputs() && !node().inputs[i].empty(); }
  bool hasOutput(size_t i) const { return i < numOutputs() && !node().outputs[i].empty(); }

  // Shape of input i as known so far (unknown rank when absent or unknown).
  virtual const ir::Shape& inputShape(size_t i) const = 0;
  // Element type of input i (kUndefined when absent or unknown).
  virtual int32_t inputType(size_t i) const = 0;
  // Values of input i when known at check time (small constants and
  // propagated shape computations), else null. Never symbolic data: an
  // input some of whose elements are symbolic gives null here.
  virtual const ir::ConstData* inputData(size_t i) const = 0;
  // The same, but also an integer tensor whose elements are symbolic dims
  // (ir::ConstData::symbolic), for shape functions that handle them.
  // Contexts that never hold symbolic data need not override it.
  virtual const ir::ConstData* inputSymbolicData(size_t i) const { return inputData(i); }
  // Name of the node that produces input i, empty for graph inputs/initializers.
  virtual std::string inputProducer(size_t i) const = 0;

  virtual void setOutput(size_t i, ir::Shape shape, int32_t elemType) = 0;
  // Values of output i, which has the shape set by setOutput. Data of more
  // than ir::kMaxConstElements elements, or with no known element, is dropped.
  virtual void setOutputData(size_t i, ir::ConstData data) = 0;

  // Starts a finding at this node with the rule's default severity.
  virtual diag::DiagBuilder report(diag::RuleId rule) = 0;

  // Typed attribute readers. A present attribute of the wrong type is
  // reported once (kInvalidAttribute) and treated as absent.
  const ir::Attribute* attr(std::string_view name) const { return node().attr(name); }
  std::optional<int64_t> attrInt(std::string_view name);
  std::optional<double> attrFloat(std::string_view name);
  std::optional<std::string> attrString(std::string_view name);
  std::optional<std::vector<int64_t>> attrInts(std::string_view name);
  // attrInts without the copy: the node's own list, or null.
  const std::vector<int64_t>* attrIntsRef(std::string_view name);
  int64_t attrInt(std::string_view name, int64_t fallback) { return attrInt(name).value_or(fallback); }
};

using ShapeFn = void (*)(InferContext& ctx);

// Registry lookup: the shape function of (domain, opType) valid at this
// opset, or null when there is none.
ShapeFn findShapeFn(const std::string& domain, const std::string& opType, int64_t opset);

}  // namespace shapelint::passes
