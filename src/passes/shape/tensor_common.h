// Helpers shared by the tensor family's shape functions (tensor_*.cpp):
// required inputs, axis attributes, float attributes and small constant
// inputs (Resize scales, Pad pads, TopK k, Split split, Reduce axes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "shapelint/ir/expr.h"
#include "shapelint/passes/shape_fn.h"

namespace shapelint::passes::shape::tensor {

// SL003 unless input i is present; `role` names it ("data", "pads").
bool requireInput(InferContext& ctx, size_t i, const char* role);

// SL003 when the node has a (non-empty) input past the first `max` that
// its op defines at this opset; `why` says which input moved when, e.g.
// "axes is an input from opset 18".
bool checkInputCount(InferContext& ctx, size_t max, const std::string& why);

// SL003 unless input i has unknown rank or a rank in [minRank, maxRank].
bool requireRank(InferContext& ctx, size_t i, const char* role, size_t minRank, size_t maxRank, const char* why);

// A floats attribute; std::nullopt when absent. A present attribute of
// another type is SL301 and sets `ok` false.
std::optional<std::vector<double>> attrFloats(InferContext& ctx, const std::string& name, bool& ok);

// The values of a small constant input. `known` false when the input is
// present but its values are known only at run time. std::nullopt when the
// input is absent (or runtime).
std::optional<std::vector<int64_t>> constInts(InferContext& ctx, size_t i, bool& known);
std::optional<std::vector<double>> constReals(InferContext& ctx, size_t i, bool& known);

// An axis in [-rank, rank - 1] (negative only when `negativeAllowed`), made
// non-negative; SL301 naming `what` when out of range. The tensor ops pass
// true at every opset: the specs before opset 11 do not mention negative
// axes, but exporters write them (PyTorch's Split(axis = -1) at opset 9,
// libonnx-testdata pytorch-converted/test_GLU) and runtimes accept them.
std::optional<size_t> axisOrReport(InferContext& ctx, int64_t axis, size_t rank, const char* what,
                                   bool negativeAllowed);

// Axes as above, each once (SL301 when repeated).
std::optional<std::vector<size_t>> axesOrReport(InferContext& ctx, const std::vector<int64_t>& axes, size_t rank,
                                                const char* what, bool negativeAllowed);

// A dim plus a (possibly negative) constant; std::nullopt on overflow.
std::optional<ir::Dim> addConstant(const ir::Dim& d, int64_t k);

}  // namespace shapelint::passes::shape::tensor
