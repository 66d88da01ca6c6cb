#include "tensor.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "shapelint/ir/checked.h"

namespace shapelint::onnx {
namespace {

// The tensors of the current ElidedTensorsScope on this thread.
thread_local const ElidedTensors* currentElided = nullptr;

bool isElided(const ::onnx::TensorProto& proto) {
  return currentElided != nullptr && currentElided->contains(&proto);
}

// Bytes per element in raw_data; 0 for types whose values we never keep.
size_t rawElementSize(int32_t type) {
  switch (type) {
    case ir::kUint8: case ir::kInt8: case ir::kBool:
      return 1;
    case ir::kUint16: case ir::kInt16: case ir::kFloat16: case ir::kBfloat16:
      return 2;
    case ir::kFloat: case ir::kInt32: case ir::kUint32:
      return 4;
    case ir::kDouble: case ir::kInt64: case ir::kUint64:
      return 8;
    default:
      return 0;
  }
}

// IEEE 754 binary16 bits -> double.
double halfToDouble(uint16_t bits) {
  const bool negative = (bits & 0x8000) != 0;
  const int exponent = (bits >> 10) & 0x1f;
  const int mantissa = bits & 0x3ff;
  double magnitude;
  if (exponent == 0) {
    magnitude = std::ldexp(mantissa, -24);  // zero or subnormal
  } else if (exponent == 0x1f) {
    magnitude = mantissa == 0 ? std::numeric_limits<double>::infinity()
                              : std::numeric_limits<double>::quiet_NaN();
  } else {
    magnitude = std::ldexp(mantissa + 1024, exponent - 25);
  }
  return negative ? -magnitude : magnitude;
}

// bfloat16 bits -> double: the upper half of a float.
double bfloat16ToDouble(uint16_t bits) {
  return std::bit_cast<float>(static_cast<uint32_t>(bits) << 16);
}

// Accumulates decoded elements into ConstData; remembers when an element
// cannot be represented (a uint64 above INT64_MAX), which makes the whole
// tensor's values unknown.
class ValueSink {
 public:
  ValueSink(int32_t type, int64_t count) {
    data_.isReal = ir::isFloatingType(type);
    if (data_.isReal)
      data_.reals.reserve(static_cast<size_t>(count));
    else
      data_.ints.reserve(static_cast<size_t>(count));
  }

  void addInt(int64_t v) { data_.ints.push_back(v); }
  void addReal(double v) { data_.reals.push_back(v); }
  void addUnsigned(uint64_t v) {
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      representable_ = false;
    else
      data_.ints.push_back(static_cast<int64_t>(v));
  }

  std::optional<ir::ConstData> take() {
    if (!representable_) return std::nullopt;
    return std::move(data_);
  }

 private:
  ir::ConstData data_;
  bool representable_ = true;
};

// Adds one element given as little-endian bits of the type's width.
void addBits(ValueSink& sink, int32_t type, uint64_t bits) {
  switch (type) {
    case ir::kFloat: sink.addReal(std::bit_cast<float>(static_cast<uint32_t>(bits))); break;
    case ir::kDouble: sink.addReal(std::bit_cast<double>(bits)); break;
    case ir::kFloat16: sink.addReal(halfToDouble(static_cast<uint16_t>(bits))); break;
    case ir::kBfloat16: sink.addReal(bfloat16ToDouble(static_cast<uint16_t>(bits))); break;
    case ir::kInt8: sink.addInt(static_cast<int8_t>(static_cast<uint8_t>(bits))); break;
    case ir::kInt16: sink.addInt(static_cast<int16_t>(static_cast<uint16_t>(bits))); break;
    case ir::kInt32: sink.addInt(static_cast<int32_t>(static_cast<uint32_t>(bits))); break;
    case ir::kInt64: sink.addInt(static_cast<int64_t>(bits)); break;
    case ir::kBool: sink.addInt(bits != 0 ? 1 : 0); break;
    default: sink.addUnsigned(bits); break;  // uint8, uint16, uint32, uint64
  }
}

// raw_data holds `count` elements, little-endian, back to back.
std::optional<ir::ConstData> decodeRaw(int32_t type, const std::string& raw, int64_t count) {
  const size_t width = rawElementSize(type);
  if (width == 0 || raw.size() != static_cast<size_t>(count) * width) return std::nullopt;
  ValueSink sink(type, count);
  for (size_t offset = 0; offset < raw.size(); offset += width) {
    uint64_t bits = 0;
    for (size_t b = 0; b < width; ++b)
      bits |= static_cast<uint64_t>(static_cast<uint8_t>(raw[offset + b])) << (8 * b);
    addBits(sink, type, bits);
  }
  return sink.take();
}

template <typename Field>
bool hasCount(const Field& field, int64_t count) {
  return static_cast<int64_t>(field.size()) == count;
}

// The typed repeated fields: int32_data also carries the 8- and 16-bit
// integer types, bool, and the bits of float16 and bfloat16.
std::optional<ir::ConstData> decodeTyped(const ::onnx::TensorProto& proto, int64_t count) {
  const int32_t type = proto.data_type();
  ValueSink sink(type, count);
  switch (type) {
    case ir::kInt64:
      if (!hasCount(proto.int64_data(), count)) return std::nullopt;
      for (int64_t v : proto.int64_data()) sink.addInt(v);
      break;
    case ir::kInt32: case ir::kInt16: case ir::kInt8:
    case ir::kUint16: case ir::kUint8:
      if (!hasCount(proto.int32_data(), count)) return std::nullopt;
      for (int32_t v : proto.int32_data()) sink.addInt(v);
      break;
    case ir::kBool:
      if (!hasCount(proto.int32_data(), count)) return std::nullopt;
      for (int32_t v : proto.int32_data()) sink.addInt(v != 0 ? 1 : 0);
      break;
    case ir::kFloat16: case ir::kBfloat16:
      if (!hasCount(proto.int32_data(), count)) return std::nullopt;
      for (int32_t v : proto.int32_data()) addBits(sink, type, static_cast<uint32_t>(v) & 0xffff);
      break;
    case ir::kFloat:
      if (!hasCount(proto.float_data(), count)) return std::nullopt;
      for (float v : proto.float_data()) sink.addReal(v);
      break;
    case ir::kDouble:
      if (!hasCount(proto.double_data(), count)) return std::nullopt;
      for (double v : proto.double_data()) sink.addReal(v);
      break;
    case ir::kUint32: case ir::kUint64:
      if (!hasCount(proto.uint64_data(), count)) return std::nullopt;
      for (uint64_t v : proto.uint64_data()) sink.addUnsigned(v);
      break;
    default:
      return std::nullopt;
  }
  return sink.take();
}

// The values of a small, self-contained tensor, or nullopt when they are not
// kept (wrong type, segmented, or data inconsistent with the dims).
std::optional<ir::ConstData> readValues(const ::onnx::TensorProto& proto, int64_t count) {
  const int32_t type = proto.data_type();
  if (!ir::isIntegerType(type) && !ir::isFloatingType(type)) return std::nullopt;
  if (proto.has_segment()) return std::nullopt;
  if (proto.has_raw_data()) return decodeRaw(type, proto.raw_data(), count);
  return decodeTyped(proto, count);
}

// The product of non-negative dims, or nullopt when it overflows int64.
std::optional<int64_t> elementCount(const std::vector<int64_t>& dims) {
  for (int64_t dim : dims)
    if (dim == 0) return 0;
  int64_t count = 1;
  for (int64_t dim : dims) {
    std::optional<int64_t> product = ir::checkedMul(count, dim);
    if (!product) return std::nullopt;
    count = *product;
  }
  return count;
}

}  // namespace

ElidedTensorsScope::ElidedTensorsScope(const ElidedTensors& elided) { currentElided = &elided; }

ElidedTensorsScope::~ElidedTensorsScope() { currentElided = nullptr; }

std::optional<std::string> readTensor(const ::onnx::TensorProto& proto, ir::TensorInfo& info) {
  info.elemType = proto.data_type();
  if (proto.dims_size() > kMaxRank)
    return fmt::format("has rank {}, more than the {} shapelint accepts", proto.dims_size(), kMaxRank);
  info.dims.assign(proto.dims().begin(), proto.dims().end());

  for (size_t axis = 0; axis < info.dims.size(); ++axis)
    if (info.dims[axis] < 0) return fmt::format("has negative dim {} at axis {}", info.dims[axis], axis);
  std::optional<int64_t> count = elementCount(info.dims);
  if (!count)
    return fmt::format("has dims [{}] whose element count overflows int64", fmt::join(info.dims, ", "));

  info.external = proto.data_location() == ::onnx::TensorProto_DataLocation_EXTERNAL;
  if (!info.external && !isElided(proto) && *count <= ir::kMaxConstElements)
    info.data = readValues(proto, *count);
  return std::nullopt;
}

}  // namespace shapelint::onnx
