// collectGraphConstraints: size conditions read from a propagated model for
// ops whose shape functions do not record them (Reshape, SpaceToDepth,
// DepthToSpace).
#include <algorithm>
#include <limits>
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
  if (node.isOp("SpaceToDepth")) {
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

// The axis attribute of `node` normalised for rank `rank`, or std::nullopt.
std::optional<size_t> axisOf(const ir::Node& node, size_t rank, int64_t fallback) {
  const ir::Attribute* a = node.attr("axis");
  int64_t axis = a && a->type == ir::Attribute::Type::kInt ? a->i : fallback;
  const auto r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r) return std::nullopt;
  return static_cast<size_t>(axis < 0 ? axis + r : axis);
}

// The constant integers of input `i` (all known), or std::nullopt.
std::optional<std::vector<int64_t>> constInts(const ir::Graph& graph, const ir::Node& node, size_t i) {
  if (node.inputs.size() <= i || node.inputs[i].empty()) return std::nullopt;
  const ir::Value* v = graph.find(node.inputs[i]);
  if (!v || !v->data) return std::nullopt;
  std::vector<int64_t> out;
  for (size_t k = 0; k < v->data->size(); ++k) {
    const ir::Dim d = v->data->dimAt(k);
    if (!d.isValue()) return std::nullopt;
    out.push_back(d.value());
  }
  return out;
}

// Split with explicit sizes (the `split` attribute before opset 13, the
// second input from 13 on): the sizes add up to the axis.
void splitSizes(const ir::Graph& graph, const ir::Node& node, int64_t opset, std::vector<Constraint>& out) {
  if (node.inputs.empty()) return;
  std::optional<std::vector<int64_t>> sizes;
  if (opset < 13) {
    const ir::Attribute* a = node.attr("split");
    if (a && a->type == ir::Attribute::Type::kInts) sizes = a->ints;
  } else {
    sizes = constInts(graph, node, 1);
  }
  if (!sizes || sizes->empty()) return;
  const ir::Value* x = graph.find(node.inputs[0]);
  if (!x) return;
  const ir::Shape in = effectiveShape(*x, false);
  if (!in.rankKnown() || in.rank() == 0) return;
  const std::optional<size_t> axis = axisOf(node, in.rank(), 0);
  if (!axis) return;
  std::optional<ir::Dim> total = ir::Dim::value(0);
  for (int64_t k : *sizes) total = k < 0 ? std::nullopt : ir::add(total, ir::Dim::value(k));
  if (!total) return;
  appendConstraint(out, {Constraint::Kind::kEqual, in[*axis], *total, node.name, node.opType,
                         "Split: the split sizes add up to the axis"});
}

// Gather with constant indices on an axis: every index must lie in
// [-dim, dim - 1], so dim >= max(index + 1, -index).
void gatherIndices(const ir::Graph& graph, const ir::Node& node, std::vector<Constraint>& out) {
  if (node.inputs.size() < 2) return;
  std::optional<std::vector<int64_t>> indices = constInts(graph, node, 1);
  const ir::Value* x = graph.find(node.inputs[0]);
  if (!indices || indices->empty() || !x) return;
  const ir::Shape in = effectiveShape(*x, false);
  if (!in.rankKnown() || in.rank() == 0) return;
  const std::optional<size_t> axis = axisOf(node, in.rank(), 0);
  if (!axis) return;
  int64_t need = 1;
  for (int64_t i : *indices) {
    if (i == std::numeric_limits<int64_t>::min() || i == std::numeric_limits<int64_t>::max()) return;
    need = std::max(need, i >= 0 ? i + 1 : -i);
  }
  appendConstraint(out, {Constraint::Kind::kAtLeast, in[*axis], ir::Dim::value(need), node.name, node.opType,
                         "Gather: every constant index lies inside the axis"});
}

// Pad with constant negative pads (opset 11+: the second input; before: the
// `pads` attribute): the axis plus its pads is not negative.
void negativePads(const ir::Graph& graph, const ir::Node& node, int64_t opset, std::vector<Constraint>& out) {
  if (node.inputs.empty()) return;
  std::optional<std::vector<int64_t>> pads;
  if (opset < 11) {
    const ir::Attribute* a = node.attr(opset < 2 ? "paddings" : "pads");
    if (a && a->type == ir::Attribute::Type::kInts) pads = a->ints;
  } else {
    pads = constInts(graph, node, 1);
  }
  const ir::Value* x = graph.find(node.inputs[0]);
  if (!pads || !x) return;
  const ir::Shape in = effectiveShape(*x, false);
  // Only the plain form (no `axes` input): one begin and one end pad per axis.
  if (!in.rankKnown() || pads->size() != 2 * in.rank() || (node.inputs.size() >= 4 && !node.inputs[3].empty())) return;
  for (size_t a = 0; a < in.rank(); ++a) {
    const int64_t begin = (*pads)[a];
    const int64_t end = (*pads)[a + in.rank()];
    if (begin >= 0 && end >= 0) continue;
    std::optional<ir::Dim> padded = ir::add(ir::add(in[a], ir::Dim::value(begin)), ir::Dim::value(end));
    if (!padded) continue;
    appendConstraint(out, {Constraint::Kind::kAtLeast, *padded, ir::Dim::value(0), node.name, node.opType,
                           "Pad: negative pads remove no more than the axis holds"});
  }
}

void collect(const ir::Graph& graph, int64_t opset, std::vector<Constraint>& out) {
  for (size_t index : graph.topoOrder) {
    const ir::Node& node = graph.nodes[index];
    for (const ir::Attribute& a : node.attributes)
      for (const auto& g : a.graphs())
        if (g) collect(*g, opset, out);
    if (!node.domain.empty() && node.domain != "ai.onnx") continue;
    if (node.isOp("Reshape"))
      reshape(graph, node, out);
    else if (node.isOp("SpaceToDepth") || node.isOp("DepthToSpace"))
      blocks(graph, node, out);
    else if (node.isOp("Split")) {
      split(graph, node, opset, out);
      splitSizes(graph, node, opset, out);
    } else if (node.isOp("Gather"))
      gatherIndices(graph, node, out);
    else if (node.isOp("Pad"))
      negativePads(graph, node, opset, out);
  }
}

}  // namespace

void collectGraphConstraints(const ir::Model& model, std::vector<Constraint>& out) {
  collect(model.graph, model.opset(""), out);
}

}  // namespace shapelint::passes
