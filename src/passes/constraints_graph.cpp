// collectGraphConstraints: size conditions read from a propagated model for
// ops whose shape functions do not record them (Reshape, SpaceToDepth,
// DepthToSpace).
#include <optional>

#include "shapelint/ir/expr.h"
#include "shapelint/passes/constraints.h"
#include "shapelint/passes/pass.h"

namespace shapelint::passes {
namespace {

ir::Dim product(const std::vector<ir::Dim>& dims) {
  std::optional<ir::Dim> p = ir::Dim::value(1);
  for (const ir::Dim& d : dims) {
    if (d.isUnknown()) return ir::Dim::unknown();
    p = ir::mul(p, d);
  }
  return p ? *p : ir::Dim::unknown();
}

// `d == k*(d // k)`: d is divisible by k.
void divisible(std::vector<Constraint>& out, const ir::Dim& d, int64_t k, const ir::Node& node, std::string rule) {
  if (k <= 1 || d.isUnknown()) return;
  std::optional<ir::Dim> multiple = ir::mul(ir::floorDiv(d, k), k);
  if (!multiple) return;
  appendConstraint(out, {Constraint::Kind::kEqual, d, *multiple, node.name, node.opType, std::move(rule)});
}

void reshape(const ir::Graph& graph, const ir::Node& node, std::vector<Constraint>& out) {
  if (node.inputs.size() < 2) return;
  const ir::Value* x = graph.find(node.inputs[0]);
  const ir::Value* target = graph.find(node.inputs[1]);
  if (!x || !target || !target->data) return;
  const ir::Shape in = effectiveShape(*x, false);
  if (!in.rankKnown()) return;
  const ir::Attribute* allowZeroAttr = node.attr("allowzero");
  const bool allowZero = allowZeroAttr && allowZeroAttr->type == ir::Attribute::Type::kInt && allowZeroAttr->i != 0;
  std::vector<ir::Dim> others;
  bool hasMinusOne = false;
  for (size_t i = 0; i < target->data->size(); ++i) {
    ir::Dim t = target->data->dimAt(i);
    if (t.isValue() && t.value() == -1) {
      hasMinusOne = true;
      continue;
    }
    if (t.isValue() && t.value() == 0 && !allowZero) {
      if (i >= in.rank()) return;
      t = in[i];
    }
    others.push_back(t);
  }
  const ir::Dim total = product(in.dims());
  const ir::Dim rest = product(others);
  if (total.isUnknown() || rest.isUnknown()) return;
  if (!hasMinusOne) {
    appendConstraint(
        out, {Constraint::Kind::kEqual, total, rest, node.name, node.opType, "Reshape keeps the element count"});
  } else if (rest.isValue()) {
    divisible(out, total, rest.value(), node, "Reshape: the element count divides by the other target dims");
  }
}

void blocks(const ir::Graph& graph, const ir::Node& node, std::vector<Constraint>& out) {
  if (node.inputs.empty()) return;
  const ir::Value* x = graph.find(node.inputs[0]);
  const ir::Attribute* b = node.attr("blocksize");
  if (!x || !b || b->type != ir::Attribute::Type::kInt || b->i < 2) return;
  const ir::Shape in = effectiveShape(*x, false);
  if (!in.rankKnown() || in.rank() != 4) return;
  const int64_t k = b->i;
  if (node.opType == "SpaceToDepth") {
    divisible(out, in[2], k, node, "SpaceToDepth: H divides by the block size");
    divisible(out, in[3], k, node, "SpaceToDepth: W divides by the block size");
  } else if (k <= (int64_t{1} << 31)) {
    divisible(out, in[1], k * k, node, "DepthToSpace: C divides by blocksize^2");
  }
}

// Split into equal parts (no `split` input or attribute, opset < 18, where
// the spec requires the axis to divide evenly by the number of outputs).
void split(const ir::Graph& graph, const ir::Node& node, int64_t opset, std::vector<Constraint>& out) {
  if (opset >= 18 || node.inputs.empty() || node.outputs.size() < 2) return;
  if (node.attr("split") || (node.inputs.size() >= 2 && !node.inputs[1].empty())) return;
  const ir::Value* x = graph.find(node.inputs[0]);
  if (!x) return;
  const ir::Shape in = effectiveShape(*x, false);
  if (!in.rankKnown() || in.rank() == 0) return;
  const ir::Attribute* axisAttr = node.attr("axis");
  int64_t axis = axisAttr && axisAttr->type == ir::Attribute::Type::kInt ? axisAttr->i : 0;
  const auto rank = static_cast<int64_t>(in.rank());
  if (axis < -rank || axis >= rank) return;
  if (axis < 0) axis += rank;
  divisible(out, in[static_cast<size_t>(axis)], static_cast<int64_t>(node.outputs.size()), node,
            "Split: the axis divides evenly by the number of outputs");
}

void collect(const ir::Graph& graph, int64_t opset, std::vector<Constraint>& out) {
  for (size_t index : graph.topoOrder) {
    const ir::Node& node = graph.nodes[index];
    for (const ir::Attribute& a : node.attributes)
      for (const auto& g : a.graphs)
        if (g) collect(*g, opset, out);
    if (!node.domain.empty() && node.domain != "ai.onnx") continue;
    if (node.opType == "Reshape")
      reshape(graph, node, out);
    else if (node.opType == "SpaceToDepth" || node.opType == "DepthToSpace")
      blocks(graph, node, out);
    else if (node.opType == "Split")
      split(graph, node, opset, out);
  }
}

}  // namespace

void collectGraphConstraints(const ir::Model& model, std::vector<Constraint>& out) {
  collect(model.graph, model.opset(""), out);
}

}  // namespace shapelint::passes
