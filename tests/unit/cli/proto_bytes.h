// Protobuf wire encoding by hand, for hostile models built at test time:
// sizes no committed file should have (a million inputs, rank 10 000,
// nesting 10 000 deep) and bytes no ONNX writer would produce (wrong wire
// types, absurd length prefixes). Field numbers are onnx.proto's.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shapelint::cli::testing {

class Pb {
 public:
  // A varint field (wire type 0).
  Pb& varint(uint32_t field, uint64_t value) {
    key(field, 0);
    raw(value);
    return *this;
  }
  // A length-delimited field (wire type 2): a string, bytes or a message.
  Pb& bytes(uint32_t field, std::string_view value) {
    key(field, 2);
    raw(value.size());
    out_.append(value);
    return *this;
  }
  Pb& message(uint32_t field, const Pb& value) { return bytes(field, value.str()); }
  // A field key with any wire type, and a bare varint: for malformed input.
  Pb& key(uint32_t field, uint32_t wireType) {
    raw((uint64_t{field} << 3) | wireType);
    return *this;
  }
  Pb& raw(uint64_t value) {
    while (value >= 0x80) {
      out_.push_back(static_cast<char>((value & 0x7f) | 0x80));
      value >>= 7;
    }
    out_.push_back(static_cast<char>(value));
    return *this;
  }
  Pb& append(std::string_view bytes) {
    out_.append(bytes);
    return *this;
  }
  const std::string& str() const { return out_; }

 private:
  std::string out_;
};

// onnx.proto field numbers used by the tests.
namespace onnxf {
inline constexpr uint32_t kModelIrVersion = 1, kModelGraph = 7, kModelOpsetImport = 8;
inline constexpr uint32_t kOpsetVersion = 2;
inline constexpr uint32_t kGraphNode = 1, kGraphName = 2, kGraphInitializer = 5, kGraphInput = 11, kGraphOutput = 12;
inline constexpr uint32_t kNodeInput = 1, kNodeOutput = 2, kNodeName = 3, kNodeOpType = 4, kNodeAttribute = 5;
inline constexpr uint32_t kAttrName = 1, kAttrI = 3, kAttrG = 6, kAttrInts = 8, kAttrType = 20;
inline constexpr uint32_t kAttrTypeInt = 2, kAttrTypeGraph = 5, kAttrTypeInts = 7;
inline constexpr uint32_t kValueInfoName = 1, kValueInfoType = 2;
inline constexpr uint32_t kTypeTensor = 1, kTensorTypeElem = 1, kTensorTypeShape = 2;
inline constexpr uint32_t kShapeDim = 1, kDimValue = 1, kDimParam = 2;
inline constexpr uint32_t kTensorDims = 1, kTensorDataType = 2, kTensorName = 8, kTensorRawData = 9,
                          kTensorExternalData = 13, kTensorDataLocation = 14;
inline constexpr uint32_t kEntryKey = 1, kEntryValue = 2;
inline constexpr uint32_t kFloat = 1, kBool = 9, kExternal = 1;
}  // namespace onnxf

// A value_info: `name`, float (or `elemType`), with `dims` (a dim < 0 is written
// as the symbol "N"); no shape at all when `shaped` is false.
inline Pb valueInfo(std::string_view name, const std::vector<int64_t>& dims, bool shaped = true,
                    uint32_t elemType = onnxf::kFloat) {
  using namespace onnxf;
  Pb shape;
  for (int64_t d : dims) {
    Pb dim;
    if (d < 0)
      dim.bytes(kDimParam, "N");
    else
      dim.varint(kDimValue, static_cast<uint64_t>(d));
    shape.message(kShapeDim, dim);
  }
  Pb tensorType;
  tensorType.varint(kTensorTypeElem, elemType);
  if (shaped) tensorType.message(kTensorTypeShape, shape);
  Pb type;
  type.message(kTypeTensor, tensorType);
  Pb info;
  info.bytes(kValueInfoName, name);
  info.message(kValueInfoType, type);
  return info;
}

// A model around `graph` at opset 13 (IR version 7).
inline std::string modelBytes(const Pb& graph, uint64_t opset = 13) {
  using namespace onnxf;
  Pb opsetImport;
  opsetImport.varint(kOpsetVersion, opset);
  Pb model;
  model.varint(kModelIrVersion, 7);
  model.message(kModelGraph, graph);
  model.message(kModelOpsetImport, opsetImport);
  return model.str();
}

}  // namespace shapelint::cli::testing
