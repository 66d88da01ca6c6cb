// MaxPool, AveragePool, LpPool (Y = N x C x o...) and the global pools
// (N x C x 1...). Which attributes exist depends on the opset:
//   MaxPool      1: auto_pad kernel_shape pads strides; 8: storage_order and
//                the Indices output; 10: ceil_mode, dilations
//   AveragePool  1: auto_pad kernel_shape pads strides; 7: count_include_pad;
//                10: ceil_mode; 19: dilations
//   LpPool       1: auto_pad kernel_shape pads strides p (float); 2: p is an
//                int; 18: ceil_mode, dilations
//   GlobalLpPool 1: p (float); 2: p is an int
// Opset 11, 12 and 22 changed only pads semantics or types, not shapes.
#include <fmt/format.h>

#include "passes/shape/merge.h"
#include "passes/shape/op_attributes.h"
#include "passes/shape/ops.h"
#include "passes/shape/window.h"

namespace shapelint::passes::shape {
namespace {

// The pooled output N x C x o..., or std::nullopt when unknown.
std::optional<ir::Shape> pooledShape(InferContext& ctx, const window::WindowAttributes& attributes) {
  const ir::Shape* x = window::windowDataInput(ctx);
  if (!x) return std::nullopt;
  std::optional<window::WindowGeometry> geometry = window::parseWindowGeometry(ctx, *x, {}, attributes);
  if (!geometry) return std::nullopt;
  std::vector<ir::Dim> dims = {(*x)[0], (*x)[1]};
  for (ir::Dim& d : window::windowOutputDims(ctx, *x, *geometry, window::WindowOp::kPool)) dims.push_back(d);
  return ir::Shape(std::move(dims));
}

// SL301 unless the int attribute, when present, is 0 or 1.
bool checkFlag(InferContext& ctx, const std::string& name, const char* meaning) {
  std::optional<int64_t> v = ctx.attrInt(name);
  if (!v) return !ctx.attr(name);  // absent: fine; wrong type: reported by the reader
  if (*v == 0 || *v == 1) return true;
  ctx.report(diag::RuleId::kInvalidAttribute)
      .message(fmt::format("{} is {}, expected 0 or 1", name, *v))
      .help(fmt::format("set {} to 0 or 1 ({})", name, meaning));
  return false;
}

// LpPool's and GlobalLpPool's p: a float before opset 2, an int since; at least 1.
bool checkLpNorm(InferContext& ctx) {
  if (!ctx.attr("p")) return true;
  double p = 0;
  if (ctx.opset() < 2) {
    std::optional<double> v = ctx.attrFloat("p");
    if (!v) return false;
    p = *v;
  } else {
    std::optional<int64_t> v = ctx.attrInt("p");
    if (!v) return false;
    p = static_cast<double>(*v);
  }
  if (p >= 1) return true;
  ctx.report(diag::RuleId::kInvalidAttribute)
      .message(fmt::format("p is {}, expected at least 1 (the order of the Lp norm)", p))
      .help("set p to 1 or more (2 is the default, the Euclidean norm)");
  return false;
}

}  // namespace

// MaxPool: ceil_mode and dilations since opset 10; storage_order and Indices
// (int64, the shape of Y) since 8.
void inferMaxPool(InferContext& ctx) {
  if (!checkAttributesDefined(ctx, {{"auto_pad"}, {"kernel_shape"}, {"pads"}, {"strides"}, {"storage_order", 8},
                                    {"ceil_mode", 10}, {"dilations", 10}}))
    return;
  if (ctx.opset() < 8 && ctx.numOutputs() > 1) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("MaxPool has {} outputs at opset {}, expected 1 (the Indices output exists from opset 8)",
                             ctx.numOutputs(), ctx.opset()))
        .help("drop the second output, or import opset 8 or later");
    return;
  }
  const bool flagsOk = checkFlag(ctx, "storage_order", "0 row major, 1 column major");
  const bool since10 = ctx.opset() >= 10;
  std::optional<ir::Shape> y =
      pooledShape(ctx, {.op = window::WindowOp::kPool, .ceilMode = since10, .dilations = since10});
  if (!y || !flagsOk) return;
  ctx.setOutput(0, *y, ctx.inputType(0));
  if (ctx.hasOutput(1)) ctx.setOutput(1, *y, ir::kInt64);
}

// AveragePool: count_include_pad since opset 7, ceil_mode since 10, dilations since 19.
void inferAveragePool(InferContext& ctx) {
  if (!checkAttributesDefined(ctx, {{"auto_pad"}, {"kernel_shape"}, {"pads"}, {"strides"}, {"count_include_pad", 7},
                                    {"ceil_mode", 10}, {"dilations", 19}}))
    return;
  const bool flagsOk = checkFlag(ctx, "count_include_pad", "0 averages over real values, 1 counts the pads");
  std::optional<ir::Shape> y = pooledShape(
      ctx, {.op = window::WindowOp::kPool, .ceilMode = ctx.opset() >= 10, .dilations = ctx.opset() >= 19});
  if (y && flagsOk) ctx.setOutput(0, *y, ctx.inputType(0));
}

// LpPool: p (a float at opset 1), ceil_mode and dilations since 18.
void inferLpPool(InferContext& ctx) {
  if (!checkAttributesDefined(ctx, {{"auto_pad"}, {"kernel_shape"}, {"pads"}, {"strides"}, {"p"}, {"ceil_mode", 18},
                                    {"dilations", 18}}))
    return;
  const bool flagsOk = checkLpNorm(ctx);
  const bool since18 = ctx.opset() >= 18;
  std::optional<ir::Shape> y =
      pooledShape(ctx, {.op = window::WindowOp::kPool, .ceilMode = since18, .dilations = since18});
  if (y && flagsOk) ctx.setOutput(0, *y, ctx.inputType(0));
}

// GlobalAveragePool, GlobalMaxPool, GlobalLpPool: every spatial axis becomes 1.
void inferGlobalPool(InferContext& ctx) {
  const bool lp = ctx.node().opType == "GlobalLpPool";
  if (lp ? !checkAttributesDefined(ctx, {{"p"}}) : !checkAttributesDefined(ctx, {})) return;
  if (lp && !checkLpNorm(ctx)) return;
  const ir::Shape* x = window::windowDataInput(ctx);
  if (!x) return;
  ir::Shape y = *x;
  for (size_t a = 2; a < y.rank(); ++a) y[a] = ir::Dim::value(1);
  ctx.setOutput(0, y, ctx.inputType(0));
}

}  // namespace shapelint::passes::shape
