// MaxPool, AveragePool (Y = N x C x o...) and the global pools (N x C x 1...).
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

}  // namespace

// MaxPool: ceil_mode and dilations since opset 10; Indices (int64, the shape of Y) since 8.
void inferMaxPool(InferContext& ctx) {
  const bool since10 = ctx.opset() >= 10;
  std::optional<ir::Shape> y =
      pooledShape(ctx, {.op = window::WindowOp::kPool, .ceilMode = since10, .dilations = since10});
  if (!y) return;
  ctx.setOutput(0, *y, ctx.inputType(0));
  if (ctx.hasOutput(1)) ctx.setOutput(1, *y, ir::kInt64);
}

// AveragePool: ceil_mode since opset 10, dilations since 19.
void inferAveragePool(InferContext& ctx) {
  std::optional<ir::Shape> y = pooledShape(
      ctx, {.op = window::WindowOp::kPool, .ceilMode = ctx.opset() >= 10, .dilations = ctx.opset() >= 19});
  if (y) ctx.setOutput(0, *y, ctx.inputType(0));
}

// GlobalAveragePool, GlobalMaxPool, GlobalLpPool: every spatial axis becomes 1.
void inferGlobalPool(InferContext& ctx) {
  const ir::Shape* x = window::windowDataInput(ctx);
  if (!x) return;
  ir::Shape y = *x;
  for (size_t a = 2; a < y.rank(); ++a) y[a] = ir::Dim::value(1);
  ctx.setOutput(0, y, ctx.inputType(0));
}

}  // namespace shapelint::passes::shape
