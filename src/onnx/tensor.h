// TensorProto -> ir::TensorInfo. Private to src/onnx.
#pragma once

#include <optional>
#include <string>
#include <unordered_set>

#include <onnx/onnx_pb.h>

#include "shapelint/ir/graph.h"

namespace shapelint::onnx {

// Ranks above this (of tensors and of declared shapes) are rejected, to bound
// the memory a hostile model can make the IR take.
inline constexpr int kMaxRank = 1'000'000;

// Tensors whose payload the skimming loader (skim.h) left unread: their
// dims and type are known, their values are not.
using ElidedTensors = std::unordered_set<const ::onnx::TensorProto*>;

// While alive, readTensor on this thread treats the tensors in `elided` like
// external ones: dims and type read, values unknown. Scopes do not nest.
class ElidedTensorsScope {
 public:
  explicit ElidedTensorsScope(const ElidedTensors& elided);
  ~ElidedTensorsScope();
  ElidedTensorsScope(const ElidedTensorsScope&) = delete;
  ElidedTensorsScope& operator=(const ElidedTensorsScope&) = delete;
};

// Reads a tensor's element type and dims, and its values when it is small
// (ir::kMaxConstElements elements or fewer), has an integer, bool or floating
// element type and its data is consistent with its dims. Weight bytes are
// never copied and external data is never opened. An elided tensor (see
// ElidedTensorsScope) has no values.
//
// Returns why the tensor is invalid, phrased to follow the tensor's name
// ("has negative dim -3 at axis 1"), or nullopt.
std::optional<std::string> readTensor(const ::onnx::TensorProto& proto, ir::TensorInfo& info);

}  // namespace shapelint::onnx
