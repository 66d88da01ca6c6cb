#include "shapelint/ir/graph.h"

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

const Attribute* Node::attr(const std::string& attrName) const {
  for (const Attribute& a : attributes)
    if (a.name == attrName) return &a;
  return nullptr;
}

Value* Graph::find(const std::string& valueName) {
  auto it = valueIndex.find(valueName);
  return it == valueIndex.end() ? nullptr : &values[it->second];
}

const Value* Graph::find(const std::string& valueName) const {
  auto it = valueIndex.find(valueName);
  return it == valueIndex.end() ? nullptr : &values[it->second];
}

Value& Graph::getOrAdd(const std::string& valueName) {
  // try_emplace: a name already there (every use of a value after the
  // first) costs a lookup, not a map node built and thrown away.
  auto [it, inserted] = valueIndex.try_emplace(valueName, values.size());
  if (inserted) {
    values.emplace_back();
    values.back().name = valueName;
  }
  return values[it->second];
}

int64_t Model::opset(const std::string& domain) const {
  static const std::string kDefaultDomain;
  auto it = opsets.find(domain == "ai.onnx" ? kDefaultDomain : domain);
  return it == opsets.end() ? -1 : it->second;
}

}  // namespace shapelint::ir
