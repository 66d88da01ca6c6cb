#include "shapelint/ir/graph.h"

#include <algorithm>
#include <functional>
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

const Attribute* Node::attr(std::string_view attrName) const {
  for (const Attribute& a : attributes)
    if (a.name == attrName) return &a;
  return nullptr;
}

uint32_t ValueIndex::hashOf(std::string_view name) {
  return static_cast<uint32_t>(std::hash<std::string_view>()(name));
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
