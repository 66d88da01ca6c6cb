// What the convolution ops share: the weight, group, channel and bias checks,
// and the whole shape rule of the Conv-like ops (Conv, ConvInteger,
// QLinearConv, DeformConv: Y = N x M x o..., the output arithmetic of Conv).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "passes/shape/window.h"
#include "shapelint/ir/checked.h"
#include "shapelint/ir/dim.h"
#include "shapelint/passes/shape_fn.h"

namespace shapelint::passes::shape {

struct ConvInputs {
  int64_t group = 1;
  std::vector<ir::Dim> weightKernel;  // W's spatial dims; empty when W's rank is unknown
};

// Checks W (input `weight`: present, else SL003; rank equal to X's, else
// SL003; no negative dim, else SL004) and group (>= 1: SL301). std::nullopt
// when the node cannot be inferred. `x` is the data input when usable
// (windowDataInput), else null: W is still checked.
std::optional<ConvInputs> convInputs(InferContext& ctx, const ir::Shape* x, size_t weight = 1);

// The optional bias (input `bias`) must be a vector (SL003) of `channels`
// elements (SL203 bias-length-mismatch).
void checkBias(InferContext& ctx, size_t bias, const ir::Dim& channels, const std::string& channelsText);

// Where a Conv-like op has its operands.
struct ConvOperands {
  size_t weight = 1;
  std::optional<size_t> bias = 2;
  bool autoPad = true;  // DeformConv has no auto_pad
};

// A Conv-like node once checked: Y's shape and the parsed window.
struct ConvOutput {
  ir::Shape shape;
  window::WindowGeometry geometry;
};

// Checks a Conv-like node: X and W (SL003, SL004), the window attributes
// (SL301), channels and group (SL201: C == W.shape[1] * group, M mod group ==
// 0), the bias (SL203); then Y = N x M x o... with the window checks of
// windowOutputDims. std::nullopt when Y stays unknown.
std::optional<ConvOutput> inferConvLike(InferContext& ctx, const ConvOperands& operands);

}  // namespace shapelint::passes::shape
