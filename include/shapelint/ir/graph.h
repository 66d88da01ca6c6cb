// The graph IR: what the loader produces and the passes read.
//
// Nothing here depends on protobuf or ONNX headers. Weight bytes are never
// stored: a tensor keeps its element type and dims, and its values only when
// it is small (kMaxConstElements or fewer) so that shape computations
// (Reshape targets, Pad pads, Resize scales and sizes ...) can read them.
#pragma once

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shapelint/ir/boxed.h"
#include "shapelint/ir/dim.h"

namespace shapelint::ir {

// ONNX TensorProto.DataType numbers (stable in the ONNX spec).
enum ElemType : int32_t {
  kUndefined = 0,
  kFloat = 1,
  kUint8 = 2,
  kInt8 = 3,
  kUint16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kDouble = 11,
  kUint32 = 12,
  kUint64 = 13,
  kComplex64 = 14,
  kComplex128 = 15,
  kBfloat16 = 16,
};

// "float", "int64" ... ; "undefined" for 0, "type<N>" for numbers we do not name.
std::string elemTypeName(int32_t type);
bool isIntegerType(int32_t type);
bool isFloatingType(int32_t type);

// Tensors of at most this many elements keep their values in the IR.
inline constexpr int64_t kMaxConstElements = 1024;

// Values of a small tensor known at check time, row-major. Integer and bool
// element types fill `ints`; floating types fill `reals` (isReal).
//
// Values computed from shapes may be symbolic (`N`, `64*H*W`): such a tensor
// is `symbolic`, every element is in `dims` (a value, a symbol, an
// expression or unknown) and `ints` and `reals` are empty. A symbolic tensor
// with isReal holds floating values that equal their integer dims exactly
// (Shape -> Cast(float) -> Mul(2.0)). Code that reads only `ints` or `reals`
// must not be handed symbolic data (InferContext::inputData never is).
struct ConstData {
  std::vector<int64_t> ints;
  std::vector<double> reals;
  bool isReal = false;
  std::vector<Dim> dims;  // symbolic only
  bool symbolic = false;

  size_t size() const { return symbolic ? dims.size() : isReal ? reals.size() : ints.size(); }
  bool isSymbolic() const { return symbolic; }

  // Element i as a Dim: the value of an integer element, the dim of a
  // symbolic one; unknown for a concrete real that is not an integer.
  Dim dimAt(size_t i) const {
    if (symbolic) return dims[i];
    if (!isReal) return Dim::value(ints[i]);
    const double r = reals[i];
    if (r >= -9.0e18 && r <= 9.0e18 && r == static_cast<double>(static_cast<int64_t>(r)))
      return Dim::value(static_cast<int64_t>(r));
    return Dim::unknown();
  }

  static ConstData ofInts(std::vector<int64_t> values) {
    ConstData d;
    d.ints = std::move(values);
    return d;
  }
  static ConstData ofReals(std::vector<double> values) {
    ConstData d;
    d.isReal = true;
    d.reals = std::move(values);
    return d;
  }
  // Elements as dims: plain ints (or reals) when every one is a value,
  // symbolic otherwise.
  static ConstData ofDims(std::vector<Dim> elements, bool real = false) {
    ConstData d;
    d.isReal = real;
    bool allValues = true;
    for (const Dim& e : elements) allValues = allValues && e.isValue();
    if (!allValues) {
      d.symbolic = true;
      d.dims = std::move(elements);
      return d;
    }
    for (const Dim& e : elements) {
      if (real) d.reals.push_back(static_cast<double>(e.value()));
      else d.ints.push_back(e.value());
    }
    return d;
  }
};

// A tensor as the IR keeps it: element type, dims and (when small) values.
struct TensorInfo {
  int32_t elemType = kUndefined;
  std::vector<int64_t> dims;
  std::optional<ConstData> data;  // absent for large or external tensors
  bool external = false;          // data_location EXTERNAL: never opened
};

struct Graph;

// An attribute keeps the members that shape functions read on almost every
// node (name, type, i, f, ints) inline; a string, lists of floats or
// strings, a tensor and subgraphs are rare and live in one heap box, made
// on the first mutable access. An attribute is 88 bytes instead of 192,
// which matters on models of a million nodes.
struct Attribute {
  enum class Type { kInt, kFloat, kString, kInts, kFloats, kStrings, kTensor, kGraph, kGraphs, kOther };
  std::string name;
  Type type = Type::kOther;
  int64_t i = 0;
  double f = 0.0;
  std::vector<int64_t> ints;

  const std::string& s() const { return rare().s; }
  const std::vector<double>& floats() const { return rare().floats; }
  const std::vector<std::string>& strings() const { return rare().strings; }
  // kTensor: absent when the attribute holds no tensor.
  const std::optional<TensorInfo>& tensor() const { return rare().tensor; }
  // One for kGraph, many for kGraphs.
  const std::vector<std::shared_ptr<Graph>>& graphs() const { return rare().graphs; }

  std::string& mutableS() { return mutableRare().s; }
  std::vector<double>& mutableFloats() { return mutableRare().floats; }
  std::vector<std::string>& mutableStrings() { return mutableRare().strings; }
  std::optional<TensorInfo>& mutableTensor() { return mutableRare().tensor; }
  std::vector<std::shared_ptr<Graph>>& mutableGraphs() { return mutableRare().graphs; }

 private:
  struct Rare {
    std::string s;
    std::vector<double> floats;
    std::vector<std::string> strings;
    std::optional<TensorInfo> tensor;
    std::vector<std::shared_ptr<Graph>> graphs;
  };
  static const Rare& emptyRare() {
    static const Rare empty;
    return empty;
  }
  const Rare& rare() const { return rare_ ? *rare_ : emptyRare(); }
  Rare& mutableRare() { return rare_ ? *rare_ : rare_.emplace(); }

  Boxed<Rare> rare_;
};

// "int", "ints", "graph" ... for messages.
const char* attributeTypeName(Attribute::Type type);

// A node's attributes. Nodes whose attributes are equal may share one list:
// the loader gives every node whose attributes are the same bytes of
// numbers and strings (each 3x3, stride-1, pad-1 Conv of a network) the
// same list, which saves a node's largest allocations on a model of a
// million nodes, and lets the pass recognise repeated nodes by the list
// they hold. Lists with a tensor or a subgraph are never shared. Reading
// never copies; the writers below copy a shared list first (copy on
// write), so a node changed by hand changes alone. There is no non-const
// iterator, so that a loop which only reads never copies by accident.
class AttributeList {
 public:
  using value_type = Attribute;
  using const_iterator = const Attribute*;
  using iterator = const Attribute*;

  AttributeList() = default;
  AttributeList(std::initializer_list<Attribute> items);
  AttributeList(const std::vector<Attribute>& items);  // NOLINT(google-explicit-constructor): as a vector converts
  AttributeList(std::vector<Attribute>&& items);       // NOLINT(google-explicit-constructor)
  AttributeList(const AttributeList& other) noexcept;  // shares the list
  AttributeList(AttributeList&& other) noexcept : block_(other.block_) { other.block_ = nullptr; }
  AttributeList& operator=(const AttributeList& other) noexcept;
  AttributeList& operator=(AttributeList&& other) noexcept;
  ~AttributeList() { release(); }

  size_t size() const { return block_ ? block_->size : 0; }
  bool empty() const { return size() == 0; }
  const Attribute* begin() const { return block_ ? items(block_) : nullptr; }
  const Attribute* end() const { return block_ ? items(block_) + block_->size : nullptr; }
  const Attribute& operator[](size_t i) const { return items(block_)[i]; }
  // True when another list holds the same storage.
  bool shared() const { return block_ && block_->refs.load(std::memory_order_acquire) > 1; }

  // Writers (a shared list is copied first).
  Attribute& mutableAt(size_t i);
  Attribute& emplace_back();
  void push_back(Attribute attribute);
  void reserve(size_t capacity);
  void clear();

 private:
  struct alignas(Attribute) Block {
    std::atomic<uint32_t> refs;
    uint32_t size;
    uint32_t capacity;
  };
  static Attribute* items(Block* block) { return reinterpret_cast<Attribute*>(block + 1); }
  static Block* allocate(size_t capacity);
  void release() noexcept;
  // Makes this list the only holder of its storage, with room for
  // `capacity` attributes.
  void own(size_t capacity);

  Block* block_ = nullptr;
};

// Node::valueIds: a node's value indices, up to kInline of them in place
// (a Conv with a bias has 4) and more on the heap: one allocation fewer
// per node on a model of a million nodes.
class ValueIdList {
 public:
  static constexpr size_t kInline = 4;
  ValueIdList() = default;
  ValueIdList(const ValueIdList& other) { *this = other; }
  ValueIdList(ValueIdList&& other) noexcept { steal(other); }
  ValueIdList& operator=(const ValueIdList& other);
  ValueIdList& operator=(ValueIdList&& other) noexcept {
    if (this != &other) {
      free();
      steal(other);
    }
    return *this;
  }
  ~ValueIdList() { free(); }

  // `count` copies of `id`, replacing what was there.
  void assign(size_t count, int32_t id);
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  int32_t operator[](size_t k) const { return data()[k]; }
  int32_t& operator[](size_t k) { return data()[k]; }
  const int32_t* begin() const { return data(); }
  const int32_t* end() const { return data() + size_; }

 private:
  bool onHeap() const { return size_ > kInline; }
  const int32_t* data() const { return onHeap() ? heap_ : inline_; }
  int32_t* data() { return onHeap() ? heap_ : inline_; }
  void free() noexcept {
    if (onHeap()) delete[] heap_;
    size_ = 0;
  }
  void steal(ValueIdList& other) noexcept;

  union {
    int32_t inline_[kInline] = {};
    int32_t* heap_;
  };
  uint32_t size_ = 0;
};

struct Node {
  std::string opType;
  std::string domain;          // "" is the default ONNX domain (ai.onnx)
  std::string name;            // the model's name, or a synthesised one
  bool nameSynthesised = false;
  std::vector<std::string> inputs;   // "" is an absent optional input
  std::vector<std::string> outputs;  // "" is an absent optional output
  AttributeList attributes;
  size_t index = 0;            // position in Graph::nodes (the model's order)
  // Where the values named by inputs and outputs live in this node's own
  // graph (Graph::values indices), inputs first, then outputs: filled by the
  // loader so the pass does not look names up. kNoValue for an absent
  // optional input or output and for a name read from an enclosing graph;
  // empty for nodes built by hand. Either way the name is what counts, and
  // a lookup by name finds the same value.
  ValueIdList valueIds;
  static constexpr int32_t kNoValue = -1;

  const Attribute* attr(std::string_view attrName) const;
  // Whether opType is `op`: lengths first, so the pass's per-node checks
  // against literals rarely compare bytes.
  bool isOp(std::string_view op) const { return std::string_view(opType) == op; }
  int32_t inputValueId(size_t k) const {
    return valueIds.size() == inputs.size() + outputs.size() ? valueIds[k] : kNoValue;
  }
  int32_t outputValueId(size_t k) const {
    return valueIds.size() == inputs.size() + outputs.size() ? valueIds[inputs.size() + k] : kNoValue;
  }
};

enum class ValueKind { kTensor, kSequence, kMap, kOptional, kSparseTensor, kUnknown };

struct Value {
  std::string name;
  ValueKind kind = ValueKind::kTensor;
  int32_t elemType = kUndefined;

  // What the model declares: graph input/output type, value_info, or an
  // initializer's dims. hasDeclared is false when the model says nothing.
  bool hasDeclared = false;
  Shape declared;

  // What the shape pass inferred (unknown rank until the pass runs).
  Shape inferred;
  // Integer or real values known at check time (initializers, Constant,
  // and values propagated through shape computations); boxed, as most
  // values have none.
  Boxed<ConstData> data;

  int producer = -1;  // index in Graph::nodes; -1 for inputs and initializers
  bool isGraphInput = false;
  bool isGraphOutput = false;
  bool isInitializer = false;
  bool externalData = false;  // initializer whose bytes live in another file
};

// Value names -> indices in Graph::values: open addressing over 8-byte
// slots (a 32-bit hash and the index), at most half full. A graph of a
// million values takes 16 MB here where a node-based map took 70, and a
// lookup reads one slot and one name.
class ValueIndex {
 public:
  // Room for `count` names without growing.
  void reserve(size_t count);
  // The index of the value named `name`, or -1.
  int64_t find(std::string_view name, const std::vector<Value>& values) const;
  // The index of the value named `name`; when there is none, records
  // `newIndex` for it and returns -1 (the caller then appends the value
  // there). One hash and one probe sequence for both.
  int64_t findOrInsert(std::string_view name, const std::vector<Value>& values, size_t newIndex);
  // Starts loading the slot where a lookup of `name` begins: a loader that
  // knows which names it looks up next hides the cache miss of a large index.
  void prefetch(std::string_view name) const;

 private:
  static uint32_t hashOf(std::string_view name);
  void grow(size_t slots);
  // The slot holding `name` (its value's index in `index`), or the empty
  // slot where it would go (`index` -1). slots_ must not be empty.
  size_t probe(std::string_view name, uint32_t hash, const std::vector<Value>& values, int64_t& index) const;

  std::vector<uint64_t> slots_;  // 0: empty; else (hash << 32) | (index + 1)
  size_t size_ = 0;
};

struct Graph {
  std::string name;
  std::vector<Value> values;
  ValueIndex valueIndex;
  std::vector<Node> nodes;
  std::vector<std::string> inputs;        // graph inputs, in order
  std::vector<std::string> outputs;       // graph outputs, in order
  std::vector<std::string> initializers;  // initializer names, in order
  std::vector<size_t> topoOrder;          // node indices, producers first
  // Names this graph reads from an enclosing graph (subgraphs only).
  std::vector<std::string> outerScopeNames;

  Value* find(const std::string& valueName);
  const Value* find(const std::string& valueName) const;
  // Adds a value with this name, or returns the existing one.
  Value& getOrAdd(const std::string& valueName);
};

struct Model {
  std::string path;
  int64_t irVersion = 0;
  std::string producerName;
  std::string producerVersion;
  std::map<std::string, int64_t> opsets;  // domain ("" = ai.onnx) -> version
  Graph graph;

  // The imported opset version of a domain ("ai.onnx" and "" are the same),
  // or -1 when the model does not import it.
  int64_t opset(const std::string& domain) const;
};

}  // namespace shapelint::ir
