// SL101 declared-shape-mismatch, and SL004 for a negative declared dim of a
// node's output (graph inputs and initializers: propagate.cpp).
#include <string>
#include <vector>

#include <fmt/format.h>

#include "passes/checks/checks.h"

namespace shapelint::passes::checks {
namespace {

void checkGraph(const ir::Graph& graph, size_t parentOrder, bool topLevel, std::vector<diag::Diagnostic>& out) {
  std::vector<size_t> orderOf(graph.nodes.size(), 0);
  for (size_t pos = 0; pos < graph.topoOrder.size(); ++pos) orderOf[graph.topoOrder[pos]] = topLevel ? pos : parentOrder;

  for (const ir::Value& v : graph.values) {
    if (!v.hasDeclared || v.isGraphInput || v.isInitializer || v.producer < 0) continue;
    if (!v.declared.rankKnown()) continue;
    const ir::Node& producer = graph.nodes[static_cast<size_t>(v.producer)];
    // SL004: a negative declared dim is no size; downstream it is unknown.
    for (size_t i = 0; i < v.declared.rank(); ++i) {
      if (!v.declared[i].isValue() || v.declared[i].value() >= 0) continue;
      diag::Diagnostic d;
      d.rule = diag::RuleId::kAbsurdDim;
      d.severity = diag::rule(d.rule).severity;
      d.node = producer.name;
      d.opType = producer.opType;
      d.order = orderOf[producer.index];
      d.message = fmt::format("{} '{}' declares dim {} on axis {} of {}: a dim is a size and must be >= 0",
                              v.isGraphOutput ? "graph output" : "value_info", v.name, v.declared[i].value(), i,
                              v.declared.str());
      d.help = fmt::format("declare axis {} of '{}' as a size >= 0, or as a named symbol (dim_param)", i, v.name);
      out.push_back(std::move(d));
    }
    if (!v.inferred.rankKnown()) continue;
    const std::string what = v.isGraphOutput ? "graph output" : "value_info";

    diag::Diagnostic d;
    d.rule = diag::RuleId::kDeclaredShapeMismatch;
    d.severity = diag::rule(d.rule).severity;
    d.node = producer.name;
    d.opType = producer.opType;
    d.order = orderOf[producer.index];
    if (v.declared.rank() != v.inferred.rank()) {
      d.message = fmt::format("{} '{}' is declared {} (rank {}) but {} produces {} (rank {})", what, v.name,
                              v.declared.str(), v.declared.rank(), producer.opType, v.inferred.str(), v.inferred.rank());
    } else {
      std::vector<std::string> axes;
      for (size_t i = 0; i < v.declared.rank(); ++i)
        if (ir::provablyNotEqual(v.declared[i], v.inferred[i]))
          axes.push_back(fmt::format("axis {} is declared {} but computed {}", i, v.declared[i].str(), v.inferred[i].str()));
      if (axes.empty()) continue;
      d.message = fmt::format("{} '{}' is declared {} but {} produces {}: {}", what, v.name, v.declared.str(),
                              producer.opType, v.inferred.str(), fmt::join(axes, ", "));
    }
    d.help = v.isGraphOutput
                 ? "the declared output shape is stale or the layers changed: re-export the model, or fix the layer that produces it"
                 : "remove or correct the stale value_info entry, or fix the layer that produces it";
    out.push_back(std::move(d));
  }

  for (const ir::Node& n : graph.nodes)
    for (const ir::Attribute& a : n.attributes)
      for (const auto& g : a.graphs())
        if (g) checkGraph(*g, orderOf[n.index], false, out);
}

}  // namespace

void checkDeclaredShapes(const ir::Graph& graph, std::vector<diag::Diagnostic>& out) { checkGraph(graph, 0, true, out); }

}  // namespace shapelint::passes::checks
