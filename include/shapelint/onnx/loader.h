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

// Reads and validates a model file. Never throws on bad input; every
// problem comes back as a LoadError. External-data files are never opened.
LoadResult loadModel(const std::string& path);

// Parses model bytes already in memory (for tests and fuzzing); `path` is
// only used in messages.
LoadResult loadModelFromBytes(const std::string& bytes, const std::string& path);

// Reads a serialized TensorProto (the backend test data's output_N.pb) and
// returns its dims, or std::nullopt when the file is not a tensor.
std::optional<std::vector<int64_t>> readTensorDims(const std::string& path);

}  // namespace shapelint::onnx
