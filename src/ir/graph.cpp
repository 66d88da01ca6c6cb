#include "shapelint/ir/graph.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <new>
#include <stdexcept>

namespace shapelint::ir {

std::string elemTypeName(int32_t type) {
  switch (type) {
    case kUndefined: return "undefined";
    case kFloat: return "float";
    case kUint8: return "uint8";
    case kInt8: return "int8";
    case kUint16: return "uint16";
    case kInt16: return "int16";
    case kInt32: return "int32";
    case kInt64: return "int64";
    case kString: return "string";
    case kBool: return "bool";
    case kFloat16: return "float16";
    case kDouble: return "double";
    case kUint32: return "uint32";
    case kUint64: return "uint64";
    case kComplex64: return "complex64";
    case kComplex128: return "complex128";
    case kBfloat16: return "bfloat16";
    default: return "type" + std::to_string(type);
  }
}

bool isIntegerType(int32_t type) {
  switch (type) {
    case kUint8: case kInt8: case kUint16: case kInt16: case kInt32:
    case kInt64: case kUint32: case kUint64: case kBool:
      return true;
    default:
      return false;
  }
}

bool isFloatingType(int32_t type) {
  switch (type) {
    case kFloat: case kFloat16: case kDouble: case kBfloat16:
      return true;
    default:
      return false;
  }
}

const char* attributeTypeName(Attribute::Type type) {
  switch (type) {
    case Attribute::Type::kInt: return "int";
    case Attribute::Type::kFloat: return "float";
    case Attribute::Type::kString: return "string";
    case Attribute::Type::kInts: return "ints";
    case Attribute::Type::kFloats: return "floats";
    case Attribute::Type::kStrings: return "strings";
    case Attribute::Type::kTensor: return "tensor";
    case Attribute::Type::kGraph: return "graph";
    case Attribute::Type::kGraphs: return "graphs";
    case Attribute::Type::kOther: break;
  }
  return "other";
}

AttributeList::AttributeList(std::initializer_list<Attribute> items) {
  own(items.size());
  for (const Attribute& a : items) push_back(a);
}

AttributeList::AttributeList(const std::vector<Attribute>& items) {
  if (items.empty()) return;
  own(items.size());
  for (const Attribute& a : items) push_back(a);
}

AttributeList::AttributeList(std::vector<Attribute>&& items) {
  if (items.empty()) return;
  own(items.size());
  for (Attribute& a : items) push_back(std::move(a));
}

AttributeList::AttributeList(const AttributeList& other) noexcept : block_(other.block_) {
  if (block_) block_->refs.fetch_add(1, std::memory_order_relaxed);
}

AttributeList& AttributeList::operator=(const AttributeList& other) noexcept {
  Block* block = other.block_;  // `other` may be this list
  if (block) block->refs.fetch_add(1, std::memory_order_relaxed);
  release();
  block_ = block;
  return *this;
}

AttributeList& AttributeList::operator=(AttributeList&& other) noexcept {
  if (this != &other) {
    release();
    block_ = other.block_;
    other.block_ = nullptr;
  }
  return *this;
}

AttributeList::Block* AttributeList::allocate(size_t capacity) {
  if (capacity > UINT32_MAX) throw std::length_error("too many attributes");
  void* memory = ::operator new(sizeof(Block) + capacity * sizeof(Attribute));
  return new (memory) Block{{1}, 0, static_cast<uint32_t>(capacity)};
}

void AttributeList::release() noexcept {
  if (!block_) return;
  if (block_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    Attribute* first = items(block_);
    for (uint32_t k = 0; k < block_->size; ++k) first[k].~Attribute();
    block_->~Block();
    ::operator delete(block_);
  }
  block_ = nullptr;
}

void AttributeList::own(size_t capacity) {
  if (block_ && !shared() && block_->capacity >= capacity) return;
  const size_t old = size();
  Block* fresh = allocate(std::max({capacity, old, size_t{1}}));
  Attribute* to = items(fresh);
  if (block_) {
    Attribute* from = items(block_);
    if (shared()) {
      for (size_t k = 0; k < old; ++k) new (to + k) Attribute(from[k]);
    } else {
      for (size_t k = 0; k < old; ++k) new (to + k) Attribute(std::move(from[k]));
    }
  }
  fresh->size = static_cast<uint32_t>(old);
  release();
  block_ = fresh;
}

Attribute& AttributeList::mutableAt(size_t i) {
  own(size());
  return items(block_)[i];
}

Attribute& AttributeList::emplace_back() {
  const size_t n = size();
  if (!block_ || shared() || block_->capacity == n) own(std::max<size_t>(4, 2 * n));
  Attribute* slot = new (items(block_) + n) Attribute();
  ++block_->size;
  return *slot;
}

void AttributeList::push_back(Attribute attribute) { emplace_back() = std::move(attribute); }

void AttributeList::reserve(size_t capacity) {
  if (capacity > (block_ ? block_->capacity : 0) || shared()) own(capacity);
}

void AttributeList::clear() {
  if (shared()) {
    release();
    return;
  }
  if (!block_) return;
  Attribute* first = items(block_);
  for (uint32_t k = 0; k < block_->size; ++k) first[k].~Attribute();
  block_->size = 0;
}

ValueIdList& ValueIdList::operator=(const ValueIdList& other) {
  if (this == &other) return *this;
  assign(other.size_, Node::kNoValue);
  std::copy(other.begin(), other.end(), data());
  return *this;
}

void ValueIdList::assign(size_t count, int32_t id) {
  if (count > UINT32_MAX) throw std::length_error("too many node inputs and outputs");
  if (count != size_) {
    free();
    if (count > kInline) heap_ = new int32_t[count];
    size_ = static_cast<uint32_t>(count);
  }
  std::fill(data(), data() + size_, id);
}

void ValueIdList::steal(ValueIdList& other) noexcept {
  size_ = other.size_;
  if (other.onHeap()) {
    heap_ = other.heap_;
  } else {
    std::copy(other.inline_, other.inline_ + kInline, inline_);
  }
  other.size_ = 0;
}

const Attribute* Node::attr(std::string_view attrName) const {
  for (const Attribute& a : attributes)
    if (a.name == attrName) return &a;
  return nullptr;
}

uint32_t ValueIndex::hashOf(std::string_view name) {
  // Most value names are short: up to 16 bytes are read as two words (which,
  // with the length, tell the names apart) and mixed by murmur3's finalizer;
  // std::hash takes the rest.
  const size_t n = name.size();
  if (n > 16) return static_cast<uint32_t>(std::hash<std::string_view>()(name));
  uint64_t a = 0;
  uint64_t b = 0;
  if (n > 8) {
    std::memcpy(&a, name.data(), 8);
    std::memcpy(&b, name.data() + n - 8, 8);
  } else if (n >= 4) {
    uint32_t lo = 0;
    uint32_t hi = 0;
    std::memcpy(&lo, name.data(), 4);
    std::memcpy(&hi, name.data() + n - 4, 4);
    a = lo;
    b = hi;
  } else if (n > 0) {
    a = static_cast<uint8_t>(name[0]) | static_cast<uint64_t>(static_cast<uint8_t>(name[n / 2])) << 8 |
        static_cast<uint64_t>(static_cast<uint8_t>(name[n - 1])) << 16;
  }
  auto mix = [](uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
  };
  return static_cast<uint32_t>(mix(a ^ mix(b ^ (n << 56))));
}

void ValueIndex::reserve(size_t count) {
  size_t slots = 16;
  while (slots < 2 * count) slots *= 2;
  if (slots > slots_.size()) grow(slots);
}

void ValueIndex::grow(size_t slots) {
  std::vector<uint64_t> old = std::move(slots_);
  slots_.assign(slots, 0);
  const size_t mask = slots - 1;
  for (uint64_t slot : old) {
    if (slot == 0) continue;
    size_t at = static_cast<size_t>(slot >> 32) & mask;
    while (slots_[at] != 0) at = (at + 1) & mask;
    slots_[at] = slot;
  }
}

size_t ValueIndex::probe(std::string_view name, uint32_t hash, const std::vector<Value>& values,
                         int64_t& index) const {
  const size_t mask = slots_.size() - 1;
  for (size_t at = hash & mask;; at = (at + 1) & mask) {
    const uint64_t slot = slots_[at];
    index = -1;
    if (slot == 0) return at;
    if (static_cast<uint32_t>(slot >> 32) != hash) continue;
    const size_t candidate = static_cast<size_t>(slot & 0xffffffffU) - 1;
    if (values[candidate].name == name) {
      index = static_cast<int64_t>(candidate);
      return at;
    }
  }
}

int64_t ValueIndex::find(std::string_view name, const std::vector<Value>& values) const {
  if (slots_.empty()) return -1;
  int64_t index = -1;
  probe(name, hashOf(name), values, index);
  return index;
}

int64_t ValueIndex::findOrInsert(std::string_view name, const std::vector<Value>& values, size_t newIndex) {
  if (newIndex >= 0xffffffffU) throw std::length_error("more than 2^32 values in one graph");
  if (2 * (size_ + 1) > slots_.size()) grow(std::max<size_t>(16, 2 * slots_.size()));
  const uint32_t hash = hashOf(name);
  int64_t index = -1;
  const size_t at = probe(name, hash, values, index);
  if (index < 0) {
    slots_[at] = (static_cast<uint64_t>(hash) << 32) | (newIndex + 1);
    ++size_;
  }
  return index;
}

void ValueIndex::prefetch(std::string_view name) const {
  if (!slots_.empty()) __builtin_prefetch(&slots_[hashOf(name) & (slots_.size() - 1)]);
}

Value* Graph::find(const std::string& valueName) {
  const int64_t index = valueIndex.find(valueName, values);
  return index < 0 ? nullptr : &values[static_cast<size_t>(index)];
}

const Value* Graph::find(const std::string& valueName) const {
  const int64_t index = valueIndex.find(valueName, values);
  return index < 0 ? nullptr : &values[static_cast<size_t>(index)];
}

Value& Graph::getOrAdd(const std::string& valueName) {
  const int64_t found = valueIndex.findOrInsert(valueName, values, values.size());
  if (found >= 0) return values[static_cast<size_t>(found)];
  values.emplace_back().name = valueName;
  return values.back();
}

int64_t Model::opset(const std::string& domain) const {
  static const std::string kDefaultDomain;
  auto it = opsets.find(domain == "ai.onnx" ? kDefaultDomain : domain);
  return it == opsets.end() ? -1 : it->second;
}

}  // namespace shapelint::ir
