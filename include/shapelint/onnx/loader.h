// ONNX ModelProto -> graph IR. The only part of shapelint that includes
// protobuf or ONNX headers is its implementation.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "shapelint/ir/graph.h"

namespace shapelint::onnx {

struct LoadError {
  // One line, naming the file (and the node, where one is at fault),
  // e.g. "model.onnx: node 'Conv_3' (Conv) reads 'x', which nothing produces".
  std::string message;
};

using LoadResult = std::variant<ir::Model, LoadError>;

// How the loader reads a model.
enum class WeightBytes {
  // protobuf parses the whole file, every weight byte included.
  kParse,
  // A wire-format walk skips the payload of every tensor that cannot be a
  // small constant (see src/onnx/skim.h): those bytes are never read, and
  // such tensors have dims and type but no values. Floating-point tensors
  // keep values only up to 64 elements. For `check` and `sizes`.
  kSkip,
};

// Reads and validates a model file. Never throws on bad input; every
// problem comes back as a LoadError. External-data files are never opened.
LoadResult loadModel(const std::string& path, WeightBytes weights = WeightBytes::kParse);

// Parses model bytes already in memory (for tests and fuzzing); `path` is
// only used in messages.
LoadResult loadModelFromBytes(const std::string& bytes, const std::string& path,
                              WeightBytes weights = WeightBytes::kParse);

// Reads a serialized TensorProto (the backend test data's output_N.pb) and
// returns its dims, or std::nullopt when the file is not a tensor.
std::optional<std::vector<int64_t>> readTensorDims(const std::string& path);

}  // namespace shapelint::onnx
