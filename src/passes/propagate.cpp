// The shape-propagation pass: walks each graph in topological order and asks
// the op table for each node's shape function. It knows nothing about
// individual ops.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <exception>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "passes/checks/checks.h"
#include "shapelint/passes/pass.h"
#include "shapelint/passes/constraints.h"
#include "shapelint/ir/expr_limits.h"
#include "shapelint/passes/shape_fn.h"

namespace shapelint::passes {
namespace {

const ir::Shape kUnknownShape;

// Name resolution through a graph and the graphs enclosing it.
struct Scope {
  ir::Graph* graph;
  const Scope* parent;

  ir::Value* find(const std::string& name) const {
    for (const Scope* s = this; s; s = s->parent)
      if (ir::Value* v = s->graph->find(name)) return v;
    return nullptr;
  }
  // The value a node of this graph names: by its Node::valueIds entry when
  // the loader resolved it, else by name; null for an absent optional one.
  ir::Value* valueOf(const std::string& name, int32_t id) const {
    if (id >= 0) return &graph->values[static_cast<size_t>(id)];
    return name.empty() ? nullptr : find(name);
  }
  const ir::Node* producerOf(const std::string& name) const {
    for (const Scope* s = this; s; s = s->parent) {
      if (const ir::Value* v = s->graph->find(name)) {
        return v->producer >= 0 ? &s->graph->nodes[static_cast<size_t>(v->producer)] : nullptr;
      }
    }
    return nullptr;
  }
};

struct UnsupportedOp {
  std::string firstNode;
  size_t order = 0;
  int64_t opset = 0;
  size_t count = 0;
};

// The shape function and opset of the last few ops seen: models repeat a
// handful of ops many times, so most nodes skip the registry lookup.
class RecentOps {
 public:
  struct Op {
    std::string domain;
    std::string opType;
    int64_t opset = -1;
    ShapeFn fn = nullptr;
  };

  const Op& lookup(const ir::Model& model, const ir::Node& node) {
    for (size_t k = 0; k < filled_; ++k)
      if (ops_[k].opType == node.opType && ops_[k].domain == node.domain) return ops_[k];
    Op& slot = ops_[next_];
    next_ = (next_ + 1) % ops_.size();
    filled_ = std::min(filled_ + 1, ops_.size());
    slot.domain = node.domain;
    slot.opType = node.opType;
    slot.opset = model.opset(node.domain);
    slot.fn = findShapeFn(node.domain, node.opType, slot.opset);
    return slot;
  }

 private:
  std::array<Op, 4> ops_;
  size_t next_ = 0;
  size_t filled_ = 0;
};

// One setOutput call of a shape function.
struct RecordedOutput {
  size_t index;
  ir::Shape shape;
  int32_t elemType;
};

// A shape function is a function of what its InferContext shows it: the
// node's op, opset and attributes, which inputs and outputs it has, and its
// inputs' shapes, types and values (the names only appear in findings and
// size constraints).
// Nodes that repeat one exactly, as the Convs of a deep network do, take the
// outputs the first one set without running the function again. Remembered
// are only nodes whose attributes are a list other nodes share (or none) and
// whose inputs carry no constant data and have dims that are non-negative
// numbers, symbols or unknown, and only a run that set shapes and nothing
// else: no data, no finding, no size constraint (which names its node).
class ShapeMemo {
 public:
  // Builds the key of this node's run; false when the node is not one to
  // remember.
  template <typename Context>
  bool makeKey(const Context& ctx, const ir::Node& node, ShapeFn fn, int64_t opset) {
    if ((!node.attributes.empty() && !node.attributes.shared()) ||
        node.inputs.size() > kMaxInputs || node.outputs.size() > kMaxOutputs)
      return false;
    size_ = 0;
    append(fn);
    append(opset);
    append(reinterpret_cast<uintptr_t>(node.attributes.begin()));
    appendText(node.domain);
    appendText(node.opType);
    // The counts (at most 16 each) and which outputs the node has, in one word.
    uint64_t counts = node.inputs.size() | node.outputs.size() << 5;
    for (size_t k = 0; k < node.outputs.size(); ++k)
      if (ctx.hasOutput(k)) counts |= uint64_t{1} << (10 + k);
    append(counts);
    for (size_t k = 0; k < node.inputs.size(); ++k) {
      if (!ctx.hasInput(k)) {
        append(uint64_t{0});
        continue;
      }
      if (ctx.inputSymbolicData(k) != nullptr) return false;
      const ir::Shape& shape = ctx.inputShape(k);
      const size_t rank = shape.rankKnown() ? shape.rank() : 0;
      if (rank >= kMaxRank) return false;
      // Present, rank known, element type and rank in one word, then a word per dim.
      uint64_t* out = grow(1 + rank);
      *out++ = 1 | uint64_t{shape.rankKnown()} << 1 | uint64_t{static_cast<uint32_t>(ctx.inputType(k))} << 2 |
               uint64_t{rank} << 34;
      for (size_t i = 0; i < rank; ++i) {
        // A value v as v << 2 | 1, a symbol by its interned name (which
        // lives as long as the process, and is aligned) | 2, unknown as 0.
        // An expression is not remembered (its storage may be reused by
        // another expression during the run), nor a negative dim (whether
        // it is reported depends on who produced it).
        const ir::Dim& d = shape[i];
        if (d.isValue()) {
          if (d.value() < 0 || d.value() >= kMaxValue) return false;
          *out++ = static_cast<uint64_t>(d.value()) << 2 | 1;
        } else if (d.isSymbol()) {
          *out++ = reinterpret_cast<uintptr_t>(&d.symbol()) | 2;
        } else if (d.isUnknown()) {
          *out++ = 0;
        } else {
          return false;
        }
      }
      size_ += 1 + rank;
    }
    return true;
  }
  // The outputs remembered for the key last made, or null.
  const std::vector<RecordedOutput>* find() const {
    auto it = entries_.find(keyBytes());
    return it == entries_.end() ? nullptr : &it->second;
  }
  void remember(std::vector<RecordedOutput> outputs) {
    if (entries_.size() < kMaxEntries) entries_.emplace(std::string(keyBytes()), std::move(outputs));
  }

 private:
  static constexpr size_t kMaxInputs = 16;
  static constexpr size_t kMaxOutputs = 16;
  static constexpr size_t kMaxEntries = 4096;
  static constexpr size_t kMaxRank = size_t{1} << 30;
  static constexpr int64_t kMaxValue = int64_t{1} << 61;
  // The key is built as 64-bit words in key_[0, size_), compared and
  // hashed as bytes.
  uint64_t* grow(size_t words) {
    if (size_ + words > key_.size()) key_.resize(std::max(2 * key_.size(), size_ + words));
    return key_.data() + size_;
  }
  template <typename T>
  void append(const T& v) {
    static_assert(sizeof(T) <= sizeof(uint64_t));
    uint64_t word = 0;
    std::memcpy(&word, &v, sizeof v);
    *grow(1) = word;
    ++size_;
  }
  void appendText(const std::string& text) {
    const size_t words = (text.size() + sizeof(uint64_t) - 1) / sizeof(uint64_t);
    uint64_t* out = grow(1 + words);
    *out++ = text.size();
    for (size_t at = 0; at < text.size(); at += sizeof(uint64_t)) {
      uint64_t word = 0;
      std::memcpy(&word, text.data() + at, std::min(sizeof word, text.size() - at));
      *out++ = word;
    }
    size_ += 1 + words;
  }
  std::string_view keyBytes() const { return {reinterpret_cast<const char*>(key_.data()), size_ * sizeof(uint64_t)}; }
  // Keys are whole words: mixed a word at a time.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const {
      uint64_t h = 0x9e3779b97f4a7c15ULL ^ key.size();
      for (size_t at = 0; at + sizeof(uint64_t) <= key.size(); at += sizeof(uint64_t)) {
        uint64_t word = 0;
        std::memcpy(&word, key.data() + at, sizeof word);
        h = (h ^ word) * 0xff51afd7ed558ccdULL;
        h ^= h >> 29;
      }
      return static_cast<size_t>(h);
    }
  };
  std::vector<uint64_t> key_;
  size_t size_ = 0;
  std::unordered_map<std::string, std::vector<RecordedOutput>, Hash, std::equal_to<>> entries_;
};

struct RunState {
  const ir::Model& model;
  const std::map<std::string, ir::Shape>* overrides;  // null: the model's own inputs
  bool useDeclared;
  Target target;
  bool rememberRepeatedNodes;
  std::vector<diag::Diagnostic> diagnostics;
  std::map<std::pair<std::string, std::string>, UnsupportedOp> unsupported;  // (domain, op) -> first use
  RecentOps recentOps;
  ShapeMemo memo;
};

// The value's declared or inferred shape itself when effectiveShape() would
// return an equal copy of it; nullptr when declared dims fill unknown
// inferred ones (or a negative declared dim must become unknown).
const ir::Shape* effectiveShapeAsIs(const ir::Value& v) {
  auto noNegative = [](const ir::Shape& s) {
    for (const ir::Dim& d : s.dims())
      if (d.isValue() && d.value() < 0) return false;
    return true;
  };
  if (!v.inferred.rankKnown()) return noNegative(v.declared) ? &v.declared : nullptr;
  if (!v.declared.rankKnown() || v.declared.rank() != v.inferred.rank()) return &v.inferred;
  for (size_t i = 0; i < v.inferred.rank(); ++i) {
    const ir::Dim& declared = v.declared[i];
    if (v.inferred[i].isUnknown() && !(declared.isValue() && declared.value() < 0) && !declared.isUnknown())
      return nullptr;
  }
  return &v.inferred;
}

class NodeContext final : public InferContext {
 public:
  NodeContext(RunState& state, const Scope& scope, const ir::Node& node, size_t order)
      : state_(state), scope_(scope), node_(node), order_(order), inputCount_(node.inputs.size()) {
    // Most nodes have a few inputs: their lists live in the context itself.
    if (inputCount_ > kInlineInputs) {
      heapInputs_.resize(inputCount_);
      heapShapes_.resize(inputCount_);
      inputs_ = heapInputs_.data();
      shapes_ = heapShapes_.data();
    }
    for (size_t k = 0; k < inputCount_; ++k) {
      ir::Value* v = scope.valueOf(node.inputs[k], node.inputValueId(k));
      inputs_[k] = v;
      shapes_[k] = v ? &shapeOf(*v) : &kUnknownShape;
    }
  }
  NodeContext(const NodeContext&) = delete;
  NodeContext& operator=(const NodeContext&) = delete;

  const ir::Node& node() const override { return node_; }
  int64_t opset() const override { return state_.model.opset(node_.domain); }
  Target target() const override { return state_.target; }

  const ir::Shape& inputShape(size_t i) const override { return i < inputCount_ ? *shapes_[i] : kUnknownShape; }
  int32_t inputType(size_t i) const override {
    return (i < inputCount_ && inputs_[i]) ? inputs_[i]->elemType : ir::kUndefined;
  }
  const ir::ConstData* inputData(size_t i) const override {
    const ir::ConstData* data = inputSymbolicData(i);
    return data && !data->symbolic ? data : nullptr;
  }
  const ir::ConstData* inputSymbolicData(size_t i) const override {
    if (i >= inputCount_ || !inputs_[i] || !inputs_[i]->data) return nullptr;
    return &*inputs_[i]->data;
  }
  std::string inputProducer(size_t i) const override {
    if (!hasInput(i)) return "";
    if (const int32_t id = node_.inputValueId(i); id >= 0) {
      const int producer = scope_.graph->values[static_cast<size_t>(id)].producer;
      return producer >= 0 ? scope_.graph->nodes[static_cast<size_t>(producer)].name : "";
    }
    const ir::Node* p = scope_.producerOf(node_.inputs[i]);
    return p ? p->name : "";
  }

  void setOutput(size_t i, ir::Shape shape, int32_t elemType) override {
    if (recording_) recording_->push_back({i, shape, elemType});
    ir::Value* v = output(i);
    if (!v) return;
    v->inferred = std::move(shape);
    if (elemType != ir::kUndefined) v->elemType = elemType;
  }
  void setOutputData(size_t i, ir::ConstData data) override {
    recordedOnlyShapes_ = false;
    ir::Value* v = output(i);
    if (!v || data.size() > static_cast<size_t>(ir::kMaxConstElements)) return;
    if (data.symbolic) {
      bool anyKnown = false;
      for (const ir::Dim& d : data.dims) anyKnown = anyKnown || !d.isUnknown();
      if (!anyKnown) return;
    }
    v->data = std::move(data);
  }

  diag::DiagBuilder report(diag::RuleId rule) override {
    recordedOnlyShapes_ = false;
    diag::Diagnostic d;
    d.rule = rule;
    d.severity = diag::rule(rule).severity;
    d.node = node_.name;
    d.opType = node_.opType;
    d.order = order_;
    return diag::DiagBuilder(&state_.diagnostics, std::move(d));
  }

  // Keeps a copy of every setOutput call in `outputs` from now on.
  void record(std::vector<RecordedOutput>* outputs) { recording_ = outputs; }
  // False once the shape function set data or reported.
  bool recordedOnlyShapes() const { return recordedOnlyShapes_; }

 private:
  ir::Value* output(size_t i) {
    if (!hasOutput(i)) return nullptr;
    const int32_t id = node_.outputValueId(i);
    return id >= 0 ? &scope_.graph->values[static_cast<size_t>(id)] : scope_.graph->find(node_.outputs[i]);
  }

  // The shape the node sees for an input: the value's inferred shape by
  // reference, a merged copy only when declared dims fill unknown ones.
  // A value this node also writes (a malformed self-loop) is copied too, so
  // setOutput never changes an input shape under a shape function.
  const ir::Shape& shapeOf(const ir::Value& v) {
    const bool ownOutput = v.producer == static_cast<int>(node_.index);
    if (!ownOutput && (!state_.useDeclared || !v.hasDeclared)) return v.inferred;
    if (!ownOutput)
      if (const ir::Shape* same = effectiveShapeAsIs(v)) return *same;
    // At most one merged shape per input: reserved once, so the pointers
    // shapes_ holds into merged_ never move.
    if (merged_.capacity() == 0) merged_.reserve(node_.inputs.size());
    merged_.push_back(effectiveShape(v, state_.useDeclared));
    return merged_.back();
  }

  RunState& state_;
  const Scope& scope_;
  const ir::Node& node_;
  size_t order_;
  std::vector<RecordedOutput>* recording_ = nullptr;
  bool recordedOnlyShapes_ = true;
  static constexpr size_t kInlineInputs = 4;
  size_t inputCount_;
  std::array<ir::Value*, kInlineInputs> inlineInputs_{};
  std::array<const ir::Shape*, kInlineInputs> inlineShapes_{};
  std::vector<ir::Value*> heapInputs_;  // for nodes with more inputs
  std::vector<const ir::Shape*> heapShapes_;
  ir::Value** inputs_ = inlineInputs_.data();
  // Pointers into the values, or into merged_.
  const ir::Shape** shapes_ = inlineShapes_.data();
  std::vector<ir::Shape> merged_;
};

void resetGraph(ir::Graph& graph) {
  for (ir::Value& v : graph.values) {
    v.inferred = ir::Shape();
    if (!v.isInitializer) v.data.reset();
  }
  for (ir::Node& n : graph.nodes)
    for (const ir::Attribute& a : n.attributes)
      for (const auto& g : a.graphs())
        if (g) resetGraph(*g);
}

// A declared dim below 0 is no size: reported once, where it is declared
// (SL004), and treated as unknown downstream so no layer reports it again.
ir::Shape withoutNegativeDims(RunState& state, const ir::Value& v) {
  ir::Shape shape = v.declared;
  if (!shape.rankKnown()) return shape;
  for (size_t axis = 0; axis < shape.rank(); ++axis) {
    if (!shape[axis].isValue() || shape[axis].value() >= 0) continue;
    diag::Diagnostic d;
    d.rule = diag::RuleId::kAbsurdDim;
    d.severity = diag::rule(d.rule).severity;
    const char* what = v.isInitializer ? "initializer" : "graph input";
    d.message = fmt::format("{} '{}' declares dim {} on axis {} of {}: a dim is a size and must be >= 0", what, v.name,
                            shape[axis].value(), axis, v.declared.str());
    d.help = fmt::format("declare axis {} of '{}' as a size >= 0, or as a named symbol (dim_param) when it varies",
                         axis, v.name);
    state.diagnostics.push_back(std::move(d));
    shape[axis] = ir::Dim();
  }
  return shape;
}

// Seeds graph inputs and initializers: an override, else the declared shape.
void seedInputs(RunState& state, ir::Graph& graph, bool topLevel) {
  for (ir::Value& v : graph.values) {
    if (!v.isGraphInput && !v.isInitializer) continue;
    if (topLevel && state.overrides && v.isGraphInput) {
      auto it = state.overrides->find(v.name);
      if (it != state.overrides->end()) {
        v.inferred = it->second;
        continue;
      }
    }
    if (v.hasDeclared) v.inferred = withoutNegativeDims(state, v);
  }
}

using BodySeeds = std::vector<std::optional<ir::Shape>>;

void runGraph(RunState& state, ir::Graph& graph, const Scope* parent, size_t parentOrder, bool topLevel,
              const BodySeeds* seeds = nullptr);

// The shapes a Loop or Scan body's inputs take on its first iteration, from
// the node's inputs: Loop's iteration count and condition are scalars and
// its loop-carried values start as the initial values; Scan's (opset 9+)
// states start as the initial values and each scan input is one slice (the
// scan axis removed). Empty for other nodes.
BodySeeds bodySeeds(const RunState& state, const Scope& scope, const ir::Node& node) {
  auto outer = [&](size_t i) -> std::optional<ir::Shape> {
    if (i >= node.inputs.size() || node.inputs[i].empty()) return std::nullopt;
    const ir::Value* v = scope.find(node.inputs[i]);
    if (!v) return std::nullopt;
    ir::Shape s = effectiveShape(*v, state.useDeclared);
    if (!s.rankKnown()) return std::nullopt;
    return s;
  };
  BodySeeds seeds;
  if (!node.domain.empty() && node.domain != "ai.onnx") return seeds;
  if (node.isOp("Loop")) {
    seeds.push_back(ir::Shape(std::vector<ir::Dim>{}));
    seeds.push_back(ir::Shape(std::vector<ir::Dim>{}));
    for (size_t i = 2; i < node.inputs.size(); ++i) seeds.push_back(outer(i));
    return seeds;
  }
  if (!node.isOp("Scan") || state.model.opset(node.domain) < 9) return seeds;
  int64_t numScan = -1;
  std::vector<int64_t> axes;
  for (const ir::Attribute& a : node.attributes) {
    if (a.name == "num_scan_inputs" && a.type == ir::Attribute::Type::kInt) numScan = a.i;
    if (a.name == "scan_input_axes" && a.type == ir::Attribute::Type::kInts) axes = a.ints;
  }
  if (numScan < 0 || static_cast<size_t>(numScan) > node.inputs.size()) return seeds;
  const size_t states = node.inputs.size() - static_cast<size_t>(numScan);
  for (size_t i = 0; i < states; ++i) seeds.push_back(outer(i));
  for (size_t j = 0; j < static_cast<size_t>(numScan); ++j) {
    std::optional<ir::Shape> s = outer(states + j);
    const int64_t axis = j < axes.size() ? axes[j] : 0;
    const auto rank = s ? static_cast<int64_t>(s->rank()) : 0;
    if (!s || axis < -rank || axis >= rank) {
      seeds.push_back(std::nullopt);
      continue;
    }
    s->dims().erase(s->dims().begin() + (axis < 0 ? axis + rank : axis));
    seeds.push_back(std::move(s));
  }
  return seeds;
}

void runNode(RunState& state, const Scope& scope, ir::Node& node, size_t order) {
  // Subgraph bodies first: If/Loop/Scan shape functions read their outputs.
  // A Loop or Scan body's inputs declared without a shape take the outer
  // shapes of the first iteration.
  const BodySeeds seeds = bodySeeds(state, scope, node);
  for (const ir::Attribute& a : node.attributes)
    for (const auto& g : a.graphs())
      if (g) runGraph(state, *g, &scope, order, false, a.name == "body" ? &seeds : nullptr);

  NodeContext ctx(state, scope, node, order);
  const RecentOps::Op& op = state.recentOps.lookup(state.model, node);
  const int64_t opset = op.opset;  // copied: a subgraph's nodes may replace the entry
  const ShapeFn fn = op.fn;
  if (!fn) {
    auto [it, inserted] = state.unsupported.try_emplace({node.domain, node.opType});
    if (inserted) {
      it->second.firstNode = node.name;
      it->second.order = order;
      it->second.opset = opset;
    }
    ++it->second.count;
    return;
  }
  const bool memoized = state.rememberRepeatedNodes && state.memo.makeKey(ctx, node, fn, opset);
  if (memoized) {
    if (const std::vector<RecordedOutput>* outputs = state.memo.find()) {
      for (const RecordedOutput& o : *outputs) ctx.setOutput(o.index, o.shape, o.elemType);
      return;
    }
  }
  try {
    const ConstraintOrigin origin(node);  // names the node for `shapelint sizes`
    const uint64_t exprLimitHits = ir::exprLimitHits();
    const uint64_t constraints = constraintsRecorded();
    std::vector<RecordedOutput> recorded;
    if (memoized) ctx.record(&recorded);
    fn(ctx);
    if (memoized && ctx.recordedOnlyShapes() && ir::exprLimitHits() == exprLimitHits &&
        constraintsRecorded() == constraints)
      state.memo.remember(std::move(recorded));
    if (ir::exprLimitHits() != exprLimitHits)
      ctx.report(diag::RuleId::kUnsupportedOp)
          .severity(diag::Severity::kNote)
          .message(fmt::format("a symbolic dim here would take more than {} expression nodes; shapelint leaves it "
                               "unknown",
                               ir::kMaxExprNodes));
  } catch (const std::exception& e) {
    ctx.report(diag::RuleId::kUnsupportedOp)
        .severity(diag::Severity::kNote)
        .message(fmt::format("shapelint could not infer this node ({}); its outputs are unknown", e.what()));
  }
}

void runGraph(RunState& state, ir::Graph& graph, const Scope* parent, size_t parentOrder, bool topLevel,
              const BodySeeds* seeds) {
  seedInputs(state, graph, topLevel);
  for (size_t k = 0; seeds && k < seeds->size() && k < graph.inputs.size(); ++k) {
    ir::Value* v = graph.find(graph.inputs[k]);
    if (!v || !(*seeds)[k] || (v->hasDeclared && v->declared.rankKnown())) continue;
    v->inferred = *(*seeds)[k];
  }
  Scope scope{&graph, parent};
  for (size_t pos = 0; pos < graph.topoOrder.size(); ++pos) {
    ir::Node& node = graph.nodes[graph.topoOrder[pos]];
    runNode(state, scope, node, topLevel ? pos : parentOrder);
  }
}

void reportUnsupported(RunState& state) {
  for (const auto& [key, use] : state.unsupported) {
    const auto& [domain, opType] = key;
    diag::Diagnostic d;
    d.rule = diag::RuleId::kUnsupportedOp;
    d.severity = diag::rule(d.rule).severity;
    d.node = use.firstNode;
    d.opType = opType;
    d.order = use.order;
    const std::string where =
        domain.empty() ? fmt::format("opset {}", use.opset) : fmt::format("domain '{}', opset {}", domain, use.opset);
    d.message = fmt::format("no shape function for {} ({}); the outputs of {} node{} of this op are unknown", opType,
                            where, use.count, use.count == 1 ? "" : "s");
    d.help =
        "shapes downstream of these nodes are not checked; declare their output shapes in value_info to keep checking";
    state.diagnostics.push_back(std::move(d));
  }
}

std::vector<diag::Diagnostic> runOnce(ir::Model& model, const std::map<std::string, ir::Shape>* overrides,
                                      const PassOptions& options) {
  RunState state{model, overrides, overrides == nullptr, options.target, options.rememberRepeatedNodes,
                 {}, {}, {}, {}};
  resetGraph(model.graph);
  runGraph(state, model.graph, nullptr, 0, true);
  reportUnsupported(state);
  return std::move(state.diagnostics);
}

}  // namespace

ir::Shape effectiveShape(const ir::Value& value, bool useDeclared) {
  if (!useDeclared || !value.hasDeclared) return value.inferred;
  if (!value.inferred.rankKnown()) {
    if (!value.declared.rankKnown()) return value.declared;
    ir::Shape declared = value.declared;
    for (ir::Dim& d : declared.dims())
      if (d.isValue() && d.value() < 0) d = ir::Dim();
    return declared;
  }
  if (!value.declared.rankKnown() || value.declared.rank() != value.inferred.rank()) return value.inferred;
  ir::Shape merged = value.inferred;
  for (size_t i = 0; i < merged.rank(); ++i) {
    const ir::Dim& declared = value.declared[i];
    // A negative declared dim is no size (reported where declared): stays unknown.
    if (merged[i].isUnknown() && !(declared.isValue() && declared.value() < 0)) merged[i] = declared;
  }
  return merged;
}

PassResult runShapePass(ir::Model& model, const PassOptions& options) {
  PassResult result;
  if (options.inputShapes.empty()) {
    result.diagnostics = runOnce(model, nullptr, options);
    checks::checkDeclaredShapes(model.graph, result.diagnostics);
  } else {
    // Declared shapes describe the model's own inputs: check them against a
    // run on those inputs, then infer (and check everything else) for the
    // user's input shapes.
    runOnce(model, nullptr, options);
    std::vector<diag::Diagnostic> declared;
    checks::checkDeclaredShapes(model.graph, declared);
    result.diagnostics = runOnce(model, &options.inputShapes, options);
    result.diagnostics.insert(result.diagnostics.end(), declared.begin(), declared.end());
  }
  diag::sortDiagnostics(result.diagnostics);
  return result;
}

}  // namespace shapelint::passes
