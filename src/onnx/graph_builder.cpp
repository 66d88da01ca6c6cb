#include "graph_builder.h"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <functional>
#include <memory>
#include <queue>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "limits.h"
#include "tensor.h"

namespace shapelint::onnx {
namespace {

using Problem = std::optional<std::string>;
using ::onnx::AttributeProto;

// A cycle longer than this is shown with its middle elided.
constexpr size_t kMaxCycleShown = 8;
// How many nodes ahead the builder prefetches the name-index slots it will
// look up: on a million-value graph the index is megabytes, and each lookup
// would otherwise wait for memory.
constexpr size_t kPrefetchAhead = 8;
// Below this many nodes the index fits in the core's cache, and a prefetch
// would only hash each name twice.
constexpr size_t kPrefetchMinNodes = 32768;

// What every graph of one model shares while it is built: the limits, and
// the nodes counted so far in all of its graphs.
struct BuildState {
  const GraphLimits& limits;
  SkimmedNodes* skimmed = nullptr;
  int64_t nodes = 0;
};

// A graph and the graphs enclosing it, innermost first: where the names a
// subgraph reads from outer scopes are looked up.
struct Scope {
  const ir::Graph* graph = nullptr;
  const Scope* parent = nullptr;
};

// Defined in its graph: a graph input, an initializer or a node output, as
// opposed to a name only declared by value_info or listed as a graph output.
bool isDefined(const ir::Value& value) { return value.producer >= 0 || value.isGraphInput || value.isInitializer; }

bool isDefinedIn(const ir::Graph& graph, const std::string& name) {
  const ir::Value* value = graph.find(name);
  return value != nullptr && isDefined(*value);
}

bool isDefinedInScopes(const Scope* scope, const std::string& name) {
  for (; scope != nullptr; scope = scope->parent)
    if (isDefinedIn(*scope->graph, name)) return true;
  return false;
}

// A name as messages show it: escaped, in single quotes.
std::string quoted(std::string_view name) { return "'" + escapeModelText(name) + "'"; }

std::string describeNode(const ir::Node& node) {
  return fmt::format("node {} ({})", quoted(node.name), escapeModelText(node.opType));
}

// The attribute's type; models that leave `type` unset get the type of the
// field that holds a value.
AttributeProto::AttributeType attributeType(const AttributeProto& proto) {
  if (proto.type() != AttributeProto::UNDEFINED) return proto.type();
  if (proto.has_f()) return AttributeProto::FLOAT;
  if (proto.has_i()) return AttributeProto::INT;
  if (proto.has_s()) return AttributeProto::STRING;
  if (proto.has_t()) return AttributeProto::TENSOR;
  if (proto.has_g()) return AttributeProto::GRAPH;
  if (proto.floats_size() > 0) return AttributeProto::FLOATS;
  if (proto.ints_size() > 0) return AttributeProto::INTS;
  if (proto.strings_size() > 0) return AttributeProto::STRINGS;
  if (proto.graphs_size() > 0) return AttributeProto::GRAPHS;
  return AttributeProto::UNDEFINED;
}

ir::Shape readShape(const ::onnx::TensorShapeProto& proto) {
  std::vector<ir::Dim> dims;
  dims.reserve(static_cast<size_t>(proto.dim_size()));
  for (const ::onnx::TensorShapeProto::Dimension& dim : proto.dim()) {
    if (dim.has_dim_value())
      dims.push_back(ir::Dim::value(dim.dim_value()));
    else if (dim.has_dim_param() && !dim.dim_param().empty())
      dims.push_back(ir::Dim::symbol(dim.dim_param()));
    else
      dims.push_back(ir::Dim::unknown());
  }
  return ir::Shape(std::move(dims));
}

// Records a type the model declares for `value` (graph input or output,
// value_info). The first declared shape wins; an initializer's dims, set
// elsewhere, take precedence over all of them.
Problem declareType(const ::onnx::TypeProto& type, ir::Value& value, int maxRank) {
  ir::ValueKind kind = ir::ValueKind::kUnknown;
  int32_t elemType = ir::kUndefined;
  const ::onnx::TensorShapeProto* shape = nullptr;
  switch (type.value_case()) {
    case ::onnx::TypeProto::kTensorType:
      kind = ir::ValueKind::kTensor;
      elemType = type.tensor_type().elem_type();
      if (type.tensor_type().has_shape()) shape = &type.tensor_type().shape();
      break;
    case ::onnx::TypeProto::kSparseTensorType:
      kind = ir::ValueKind::kSparseTensor;
      elemType = type.sparse_tensor_type().elem_type();
      if (type.sparse_tensor_type().has_shape()) shape = &type.sparse_tensor_type().shape();
      break;
    case ::onnx::TypeProto::kSequenceType:
      kind = ir::ValueKind::kSequence;
      break;
    case ::onnx::TypeProto::kMapType:
      kind = ir::ValueKind::kMap;
      break;
    case ::onnx::TypeProto::kOptionalType:
      kind = ir::ValueKind::kOptional;
      break;
    case ::onnx::TypeProto::kOpaqueType:
      kind = ir::ValueKind::kUnknown;
      break;
    case ::onnx::TypeProto::VALUE_NOT_SET:
      return std::nullopt;
  }
  if (shape != nullptr && shape->dim_size() > maxRank)
    return fmt::format("value {} declares rank {}, more than the {} shapelint accepts", quoted(value.name),
                       shape->dim_size(), maxRank);

  if (!value.hasDeclared) {
    value.hasDeclared = true;
    value.kind = kind;
  }
  if (value.elemType == ir::kUndefined) value.elemType = elemType;
  if (shape != nullptr && !value.declared.rankKnown()) value.declared = readShape(*shape);
  return std::nullopt;
}

// The nodes the skimming loader read for `proto`, if any.
SkimmedGraph* skimmedGraph(const ::onnx::GraphProto& proto, const BuildState& state) {
  if (state.skimmed == nullptr) return nullptr;
  auto it = state.skimmed->graphs.find(&proto);
  return it == state.skimmed->graphs.end() ? nullptr : &it->second;
}

// Builds one graph; subgraphs are built by nested GraphBuilders that see this
// graph as their enclosing scope.
class GraphBuilder {
 public:
  // `label` names a subgraph in messages and prefixes the synthesised names
  // of its unnamed nodes ("If_0/then_branch"); it is empty for the main graph.
  GraphBuilder(const ::onnx::GraphProto& proto, const Scope* outer, std::string label, ir::Graph& graph,
               BuildState& state, int depth)
      : proto_(proto),
        outer_(outer),
        label_(std::move(label)),
        graph_(graph),
        scope_{&graph, outer},
        state_(state),
        depth_(depth),
        skimmed_(skimmedGraph(proto, state)) {}

  Problem build() {
    graph_.name = proto_.name();
    state_.nodes += static_cast<int64_t>(nodeCount());
    if (state_.nodes > state_.limits.maxNodes)
      return fmt::format("the model has more than {} nodes (subgraphs included), the most shapelint accepts",
                         state_.limits.maxNodes);
    reserveValues();
    if (Problem problem = addGraphInputs()) return problem;
    if (Problem problem = addInitializers()) return problem;
    if (Problem problem = addNodes()) return problem;
    if (Problem problem = addAttributes()) return problem;
    if (Problem problem = resolveInputs()) return problem;
    if (Problem problem = addDeclaredTypes()) return problem;
    return sortTopologically();
  }

 private:
  // Room for every value the inputs, initializers and node outputs define,
  // so that neither the values nor the name index grow while building.
  void reserveValues() {
    size_t count = static_cast<size_t>(proto_.input_size()) + static_cast<size_t>(proto_.initializer_size()) +
                   static_cast<size_t>(proto_.sparse_initializer_size());
    if (skimmed_ != nullptr) {
      for (const ir::Node& node : skimmed_->nodes) count += node.outputs.size();
    } else {
      for (const ::onnx::NodeProto& node : proto_.node()) count += static_cast<size_t>(node.output_size());
    }
    graph_.values.reserve(count);
    graph_.valueIndex.reserve(count);
  }

  Problem addGraphInputs() {
    for (const ::onnx::ValueInfoProto& input : proto_.input()) {
      ir::Value& value = graph_.getOrAdd(input.name());
      if (value.isGraphInput) return inThisGraph(fmt::format("graph input {} is listed twice", quoted(input.name())));
      value.isGraphInput = true;
      graph_.inputs.push_back(input.name());
      if (input.has_type())
        if (Problem problem = declareType(input.type(), value, state_.limits.maxRank)) return inThisGraph(*problem);
    }
    return std::nullopt;
  }

  Problem addInitializers() {
    for (const ::onnx::TensorProto& tensor : proto_.initializer()) {
      ir::TensorInfo info;
      if (Problem problem = readTensor(tensor, info))
        return inThisGraph(fmt::format("initializer {} {}", quoted(tensor.name()), *problem));
      if (Problem problem = rankProblem(info))
        return inThisGraph(fmt::format("initializer {} {}", quoted(tensor.name()), *problem));
      ir::Value* value = addInitializerValue(tensor.name());
      if (value == nullptr) return inThisGraph(fmt::format("initializer {} is defined twice", quoted(tensor.name())));
      value->kind = ir::ValueKind::kTensor;
      value->elemType = info.elemType;
      value->declared = ir::Shape::ofValues(info.dims);
      value->data = std::move(info.data);
      value->externalData = info.external;
    }
    for (const ::onnx::SparseTensorProto& sparse : proto_.sparse_initializer()) {
      const std::string& name = sparse.values().name();
      ir::TensorInfo info;
      ::onnx::TensorProto shapeOnly;
      shapeOnly.set_data_type(sparse.values().data_type());
      shapeOnly.mutable_dims()->CopyFrom(sparse.dims());
      if (Problem problem = readTensor(shapeOnly, info))
        return inThisGraph(fmt::format("sparse initializer {} {}", quoted(name), *problem));
      if (Problem problem = rankProblem(info))
        return inThisGraph(fmt::format("sparse initializer {} {}", quoted(name), *problem));
      ir::Value* value = addInitializerValue(name);
      if (value == nullptr) return inThisGraph(fmt::format("initializer {} is defined twice", quoted(name)));
      value->kind = ir::ValueKind::kSparseTensor;
      value->elemType = info.elemType;
      value->declared = ir::Shape::ofValues(info.dims);
    }
    return std::nullopt;
  }

  // Why a tensor's rank is past the limit, phrased like readTensor's problems.
  Problem rankProblem(const ir::TensorInfo& info) const {
    if (info.dims.size() <= static_cast<size_t>(state_.limits.maxRank)) return std::nullopt;
    return fmt::format("has rank {}, more than the {} shapelint accepts", info.dims.size(), state_.limits.maxRank);
  }

  // The value of a new initializer, or nullptr when the name is taken by
  // another initializer. (Also being a graph input is allowed.)
  ir::Value* addInitializerValue(const std::string& name) {
    ir::Value& value = graph_.getOrAdd(name);
    if (value.isInitializer) return nullptr;
    value.isInitializer = true;
    value.hasDeclared = true;
    graph_.initializers.push_back(name);
    return &value;
  }

  size_t nodeCount() const {
    return skimmed_ != nullptr ? skimmed_->nodes.size() : static_cast<size_t>(proto_.node_size());
  }

  Problem addNodes() {
    if (skimmed_ != nullptr) {
      graph_.nodes = std::move(skimmed_->nodes);  // reserved to size by the skimmer (countNodes)
    } else {
      graph_.nodes.reserve(static_cast<size_t>(proto_.node_size()));
      for (const ::onnx::NodeProto& proto : proto_.node()) {
        ir::Node& node = graph_.nodes.emplace_back();
        node.opType = proto.op_type();
        node.domain = proto.domain();
        node.name = proto.name();
        if (proto.input_size() > state_.limits.maxNodeInputs) break;  // reported below, before the copy
        node.inputs.assign(proto.input().begin(), proto.input().end());
        node.outputs.assign(proto.output().begin(), proto.output().end());
      }
    }
    const bool prefetch = graph_.nodes.size() >= kPrefetchMinNodes;
    for (size_t i = 0; i < graph_.nodes.size(); ++i) {
      if (prefetch && i + kPrefetchAhead < graph_.nodes.size())
        for (const std::string& output : graph_.nodes[i + kPrefetchAhead].outputs) graph_.valueIndex.prefetch(output);
      ir::Node& node = graph_.nodes[i];
      node.index = i;
      if (node.domain == "ai.onnx") node.domain.clear();
      if (node.name.empty()) {
        node.name = synthesisedName(node);
        node.nameSynthesised = true;
      }
      const size_t inputs = skimmed_ != nullptr ? node.inputs.size()
                                                : static_cast<size_t>(proto_.node(static_cast<int>(i)).input_size());
      if (inputs > static_cast<size_t>(state_.limits.maxNodeInputs))
        return fmt::format("{} has {} inputs, more than the {} shapelint accepts", describeNode(node), inputs,
                           state_.limits.maxNodeInputs);
      node.valueIds.assign(node.inputs.size() + node.outputs.size(), ir::Node::kNoValue);
      for (size_t k = 0; k < node.outputs.size(); ++k)
        if (Problem problem = defineNodeOutput(node, k)) return problem;
    }
    return std::nullopt;
  }

  std::string synthesisedName(const ir::Node& node) const {
    std::string local = fmt::format("{}_{}", node.opType, node.index);
    return label_.empty() ? local : label_ + "/" + local;
  }

  // The index of a value of this graph, as Node::valueIds holds it.
  int32_t idOf(const ir::Value& value) const {
    const auto index = &value - graph_.values.data();
    return index <= INT32_MAX ? static_cast<int32_t>(index) : ir::Node::kNoValue;
  }

  Problem defineNodeOutput(ir::Node& node, size_t k) {
    const std::string& output = node.outputs[k];
    if (output.empty()) return std::nullopt;  // an absent optional output
    ir::Value& value = graph_.getOrAdd(output);
    node.valueIds[node.inputs.size() + k] = idOf(value);
    if (value.isGraphInput)
      return fmt::format("{} writes {}, which is already a graph input", describeNode(node), quoted(output));
    if (value.isInitializer)
      return fmt::format("{} writes {}, which is already an initializer", describeNode(node), quoted(output));
    if (value.producer >= 0) {
      const ir::Node& other = graph_.nodes[static_cast<size_t>(value.producer)];
      if (other.index == node.index) return fmt::format("{} writes {} twice", describeNode(node), quoted(output));
      return fmt::format("{} writes {}, which {} also writes", describeNode(node), quoted(output), describeNode(other));
    }
    value.producer = static_cast<int>(node.index);
    return std::nullopt;
  }

  // Attributes are read once every name of this graph is defined, so that
  // subgraphs can resolve the names they read from this scope.
  Problem addAttributes() {
    implicitInputs_.clear();
    if (skimmed_ != nullptr) {
      // The other attributes were read with the node.
      for (const SkimmedGraph::ProtoAttribute& a : skimmed_->protoAttributes) {
        ir::Node& node = graph_.nodes[a.node];
        if (Problem problem = readAttribute(*a.proto, node, node.attributes.mutableAt(a.attribute))) return problem;
      }
      return std::nullopt;
    }
    for (int i = 0; i < proto_.node_size(); ++i) {
      ir::Node& node = graph_.nodes[static_cast<size_t>(i)];
      node.attributes.reserve(static_cast<size_t>(proto_.node(i).attribute_size()));
      for (const AttributeProto& proto : proto_.node(i).attribute()) {
        ir::Attribute& attribute = node.attributes.emplace_back();
        if (Problem problem = readAttribute(proto, node, attribute)) return problem;
      }
    }
    return std::nullopt;
  }

  Problem readAttribute(const AttributeProto& proto, const ir::Node& node, ir::Attribute& attribute) {
    using Type = ir::Attribute::Type;
    attribute.name = proto.name();
    switch (attributeType(proto)) {
      case AttributeProto::FLOAT:
        attribute.type = Type::kFloat;
        attribute.f = proto.f();
        break;
      case AttributeProto::INT:
        attribute.type = Type::kInt;
        attribute.i = proto.i();
        break;
      case AttributeProto::STRING:
        attribute.type = Type::kString;
        attribute.mutableS() = proto.s();
        break;
      case AttributeProto::FLOATS:
        attribute.type = Type::kFloats;
        attribute.mutableFloats().assign(proto.floats().begin(), proto.floats().end());
        break;
      case AttributeProto::INTS:
        attribute.type = Type::kInts;
        attribute.ints.assign(proto.ints().begin(), proto.ints().end());
        break;
      case AttributeProto::STRINGS:
        attribute.type = Type::kStrings;
        attribute.mutableStrings().assign(proto.strings().begin(), proto.strings().end());
        break;
      case AttributeProto::TENSOR: {
        attribute.type = Type::kTensor;
        ir::TensorInfo info;
        if (Problem problem = readTensor(proto.t(), info))
          return fmt::format("{} attribute {} {}", describeNode(node), quoted(attribute.name), *problem);
        if (Problem problem = rankProblem(info))
          return fmt::format("{} attribute {} {}", describeNode(node), quoted(attribute.name), *problem);
        attribute.mutableTensor() = std::move(info);
        break;
      }
      case AttributeProto::GRAPH:
        attribute.type = Type::kGraph;
        return addSubgraph(proto.g(), node, node.name + "/" + attribute.name, attribute);
      case AttributeProto::GRAPHS:
        attribute.type = Type::kGraphs;
        for (int i = 0; i < proto.graphs_size(); ++i) {
          std::string label = fmt::format("{}/{}[{}]", node.name, attribute.name, i);
          if (Problem problem = addSubgraph(proto.graphs(i), node, label, attribute)) return problem;
        }
        break;
      default:  // sparse tensors, type protos, tensor lists
        attribute.type = Type::kOther;
        break;
    }
    return std::nullopt;
  }

  Problem addSubgraph(const ::onnx::GraphProto& proto, const ir::Node& node, std::string label,
                      ir::Attribute& attribute) {
    if (depth_ + 1 > state_.limits.maxSubgraphDepth)
      return fmt::format("{} nests subgraphs more than {} deep, the most shapelint accepts", describeNode(node),
                         state_.limits.maxSubgraphDepth);
    auto subgraph = std::make_shared<ir::Graph>();
    if (Problem problem = GraphBuilder(proto, &scope_, std::move(label), *subgraph, state_, depth_ + 1).build())
      return problem;
    // What the subgraph reads from outside is an input of its node.
    std::vector<std::string>& implicit = implicitInputs_[node.index];
    implicit.insert(implicit.end(), subgraph->outerScopeNames.begin(), subgraph->outerScopeNames.end());
    attribute.mutableGraphs().push_back(std::move(subgraph));
    return std::nullopt;
  }

  // What node `index`'s subgraphs read from outside (none for most nodes).
  const std::vector<std::string>& implicitInputsOf(size_t index) const {
    static const std::vector<std::string> kNone;
    const auto it = implicitInputs_.find(index);
    return it == implicitInputs_.end() ? kNone : it->second;
  }

  Problem resolveInputs() {
    inDegree_.assign(graph_.nodes.size(), 0);
    const bool prefetch = graph_.nodes.size() >= kPrefetchMinNodes;
    for (ir::Node& node : graph_.nodes) {
      if (prefetch && node.index + kPrefetchAhead < graph_.nodes.size())
        for (const std::string& input : graph_.nodes[node.index + kPrefetchAhead].inputs)
          graph_.valueIndex.prefetch(input);
      for (size_t k = 0; k < node.inputs.size(); ++k) {
        const std::string& input = node.inputs[k];
        if (input.empty()) continue;  // an absent optional input
        if (!resolve(input, node.index, &node.valueIds[k]))
          return fmt::format("{} reads {}, which nothing produces", describeNode(node), quoted(input));
      }
      // Each subgraph already checked that the names it reads exist.
      for (const std::string& input : implicitInputsOf(node.index)) resolve(input, node.index, nullptr);
    }
    return std::nullopt;
  }

  // Records that node `consumer` reads `name`: an edge from its producer in
  // this graph (and, when `id` is given, the value's index there), or an
  // outer-scope name. False when no scope defines it.
  bool resolve(const std::string& name, size_t consumer, int32_t* id) {
    if (const ir::Value* value = graph_.find(name); value != nullptr && isDefined(*value)) {
      if (id != nullptr) *id = idOf(*value);
      if (value->producer >= 0) {
        edges_.push_back({static_cast<size_t>(value->producer), consumer});
        ++inDegree_[consumer];
      }
      return true;
    }
    if (!isDefinedInScopes(outer_, name)) return false;
    if (outerNamesSeen_.insert(name).second) graph_.outerScopeNames.push_back(name);
    return true;
  }

  Problem addDeclaredTypes() {
    for (const ::onnx::ValueInfoProto& output : proto_.output()) {
      ir::Value& value = graph_.getOrAdd(output.name());
      value.isGraphOutput = true;
      graph_.outputs.push_back(output.name());
      if (output.has_type())
        if (Problem problem = declareType(output.type(), value, state_.limits.maxRank)) return inThisGraph(*problem);
      // A subgraph may pass an outer value straight through.
      if (!isDefined(value) && isDefinedInScopes(outer_, output.name()) && outerNamesSeen_.insert(output.name()).second)
        graph_.outerScopeNames.push_back(output.name());
    }
    for (const ::onnx::ValueInfoProto& info : proto_.value_info()) {
      if (!info.has_type()) continue;
      if (Problem problem = declareType(info.type(), graph_.getOrAdd(info.name()), state_.limits.maxRank))
        return inThisGraph(*problem);
    }
    return std::nullopt;
  }

  // Kahn's algorithm; among ready nodes the earliest in the model goes first,
  // so the order is stable and equals the model's order when that is valid.
  Problem sortTopologically() {
    // The edges grouped by producer: consumers of node p are
    // consumers_[consumerStart_[p] .. consumerStart_[p + 1]).
    consumerStart_.assign(graph_.nodes.size() + 1, 0);
    for (const auto& [producer, consumer] : edges_) ++consumerStart_[producer + 1];
    for (size_t i = 0; i < graph_.nodes.size(); ++i) consumerStart_[i + 1] += consumerStart_[i];
    consumers_.resize(edges_.size());
    std::vector<size_t> fill(consumerStart_.begin(), consumerStart_.end() - 1);
    for (const auto& [producer, consumer] : edges_) consumers_[fill[producer]++] = consumer;
    edges_ = {};

    std::vector<size_t> waiting = inDegree_;
    std::priority_queue<size_t, std::vector<size_t>, std::greater<>> ready;
    for (size_t i = 0; i < waiting.size(); ++i)
      if (waiting[i] == 0) ready.push(i);
    graph_.topoOrder.reserve(waiting.size());
    while (!ready.empty()) {
      size_t next = ready.top();
      ready.pop();
      graph_.topoOrder.push_back(next);
      for (size_t e = consumerStart_[next]; e < consumerStart_[next + 1]; ++e)
        if (--waiting[consumers_[e]] == 0) ready.push(consumers_[e]);
    }
    if (graph_.topoOrder.size() == graph_.nodes.size()) return std::nullopt;
    return describeCycle(waiting);
  }

  // A node that never became ready waits for a producer that never became
  // ready either; walking such producers backwards must revisit a node, and
  // the walk from that node back to itself is a cycle.
  std::string describeCycle(const std::vector<size_t>& waiting) const {
    size_t current = 0;
    while (waiting[current] == 0) ++current;
    std::vector<size_t> walk;
    std::vector<bool> visited(waiting.size(), false);
    while (!visited[current]) {
      visited[current] = true;
      walk.push_back(current);
      current = waitingProducer(current, waiting);
    }
    // The cycle is walk[from..] in reverse (the walk went against the edges).
    std::vector<size_t> cycle(std::find(walk.begin(), walk.end(), current), walk.end());
    std::reverse(cycle.begin(), cycle.end());
    std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());

    std::string path;
    for (size_t i = 0; i < cycle.size(); ++i) {
      if (i == kMaxCycleShown - 1 && cycle.size() > kMaxCycleShown) {
        path += "... -> ";
        break;
      }
      path += quoted(graph_.nodes[cycle[i]].name) + " -> ";
    }
    path += quoted(graph_.nodes[cycle.front()].name);
    return fmt::format("{} is on a cycle: {}", describeNode(graph_.nodes[cycle.front()]), path);
  }

  // A producer in this graph of one of node `index`'s inputs (explicit or
  // read by a subgraph) that never became ready.
  size_t waitingProducer(size_t index, const std::vector<size_t>& waiting) const {
    auto waitingProducerOf = [&](const std::string& name) -> std::optional<size_t> {
      const ir::Value* value = name.empty() ? nullptr : graph_.find(name);
      if (value == nullptr || value->producer < 0) return std::nullopt;
      auto producer = static_cast<size_t>(value->producer);
      if (waiting[producer] == 0) return std::nullopt;
      return producer;
    };
    for (const std::string& input : graph_.nodes[index].inputs)
      if (std::optional<size_t> producer = waitingProducerOf(input)) return *producer;
    for (const std::string& input : implicitInputsOf(index))
      if (std::optional<size_t> producer = waitingProducerOf(input)) return *producer;
    return index;  // unreachable: a waiting node has a waiting producer
  }

  // Places a problem that names no node in its subgraph.
  std::string inThisGraph(std::string problem) const {
    if (label_.empty()) return problem;
    return fmt::format("in subgraph {}, {}", quoted(label_), problem);
  }

  const ::onnx::GraphProto& proto_;
  const Scope* outer_;
  std::string label_;
  ir::Graph& graph_;
  Scope scope_;  // this graph and its enclosing scopes, for subgraphs
  BuildState& state_;
  int depth_;  // 0 for the main graph, 1 for its subgraphs, ...
  SkimmedGraph* skimmed_;  // this graph's nodes as the skimming loader read them, or null
  // Per node with subgraphs (by index): the names they read from this
  // graph or further out.
  std::unordered_map<size_t, std::vector<std::string>> implicitInputs_;
  std::unordered_set<std::string> outerNamesSeen_;
  // The dependency edges between this graph's nodes: (producer, consumer)
  // as found, then grouped by producer for the sort.
  std::vector<std::pair<size_t, size_t>> edges_;
  std::vector<size_t> consumers_;
  std::vector<size_t> consumerStart_;
  std::vector<size_t> inDegree_;
};

}  // namespace

std::optional<std::string> buildGraph(const ::onnx::GraphProto& proto, ir::Graph& graph, const GraphLimits& limits,
                                      SkimmedNodes* skimmed) {
  BuildState state{limits, skimmed};
  return GraphBuilder(proto, nullptr, "", graph, state, 0).build();
}

std::string escapeModelText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f)
      out += fmt::format("\\x{:02x}", byte);
    else
      out += c;
  }
  return out;
}

}  // namespace shapelint::onnx
