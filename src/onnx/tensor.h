// TensorProto -> ir::TensorInfo. Private to src/onnx.
#pragma once

#include <optional>
#include <string>

#include <onnx/onnx_pb.h>

#include "shapelint/ir/graph.h"

namespace shapelint::onnx {

// Ranks above this (of tensors and of declared shapes) are rejected, to bound
// the memory a hostile model can make the IR take.
inline constexpr int kMaxRank = 1'000'000;

// Reads a tensor's element type and dims, and its values when it is small
// (ir::kMaxConstElements elements or fewer), has an integer, bool or floating
// element type and its data is consistent with its dims. Weight bytes are
// never copied and external data is never opened.
//
// Returns why the tensor is invalid, phrased to follow the tensor's name
// ("has negative dim -3 at axis 1"), or nullopt.
std::optional<std::string> readTensor(const ::onnx::TensorProto& proto, ir::TensorInfo& info);

}  // namespace shapelint::onnx
