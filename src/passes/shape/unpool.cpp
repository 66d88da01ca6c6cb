// MaxUnpool (opset 9, 11, 22): X = N x C x i..., I (the Indices of the
// MaxPool it inverts, X's shape), optional output_shape (a 1-D tensor of the
// whole output shape). Without output_shape, per axis
// o = s(i - 1) + k - pb - pe (the transposed relationships with d = 1, a = 0;
// an expression for a symbolic i);
// with it, the output is its values when they are known constants, else
// unknown (they come at run time).
#include <fmt/format.h>

#include "passes/shape/merge.h"
#include "passes/shape/op_attributes.h"
#include "passes/shape/ops.h"
#include "passes/shape/window.h"

namespace shapelint::passes::shape {
namespace {

// SL003 when the indices I do not have X's shape.
bool checkIndices(InferContext& ctx, const ir::Shape& x) {
  if (!ctx.hasInput(1)) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("MaxUnpool has no input I, expected the indices of the MaxPool it inverts (shape {})",
                             x.str()))
        .help("connect MaxPool's Indices output");
    return false;
  }
  const ir::Shape& indices = ctx.inputShape(1);
  if (!indices.rankKnown()) return true;
  bool differs = indices.rank() != x.rank();
  for (size_t a = 0; !differs && a < x.rank(); ++a) differs = ir::provablyNotEqual(indices[a], x[a]);
  if (!differs) return true;
  ctx.report(diag::RuleId::kMalformedNode)
      .message(fmt::format("indices {} have another shape than input {}, expected the same shape",
                           describeInput(ctx, 1), describeInput(ctx, 0)))
      .help("feed the Indices output of the MaxPool that produced X");
  return false;
}

// The output_shape input: its values when known (checked against X), an
// unknown shape of X's rank otherwise; std::nullopt after a finding.
std::optional<ir::Shape> givenOutputShape(InferContext& ctx, const ir::Shape& x) {
  const ir::Shape& shape = ctx.inputShape(2);
  if (shape.rankKnown() && shape.rank() != 1) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("output_shape {} has rank {}, expected 1 (the output's dims)", describeInput(ctx, 2),
                             shape.rank()))
        .help("give output_shape as a 1-D int64 tensor");
    return std::nullopt;
  }
  const ir::ConstData* data = ctx.inputData(2);
  const bool lengthKnown = shape.rankKnown() && shape[0].isValue();
  if (lengthKnown && shape[0].value() != static_cast<int64_t>(x.rank())) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("output_shape {} has {} values, expected {} (one per dim of X)", describeInput(ctx, 2),
                             shape[0].value(), x.rank()))
        .help(fmt::format("give output_shape as the whole output shape, {} values", x.rank()));
    return std::nullopt;
  }
  if (!data || data->isReal) return ir::Shape::unknownDims(x.rank());
  const std::vector<int64_t>& values = data->ints;
  if (values.size() != x.rank()) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("output_shape {} has {} values, expected {} (one per dim of X)", describeInput(ctx, 2),
                             values.size(), x.rank()))
        .help(fmt::format("give output_shape as the whole output shape, {} values", x.rank()));
    return std::nullopt;
  }
  for (size_t a = 0; a < values.size(); ++a) {
    if (values[a] < 0) {
      ctx.report(diag::RuleId::kAbsurdDim)
          .message(fmt::format("output_shape [{}] has {} on axis {}, expected at least 0", fmt::join(values, ", "),
                               values[a], a))
          .help("give non-negative output sizes");
      return std::nullopt;
    }
  }
  for (size_t a = 0; a < 2; ++a) {
    if (x[a].isValue() && x[a].value() != values[a]) {
      ctx.report(diag::RuleId::kMalformedNode)
          .message(fmt::format("output_shape [{}] has {} on axis {}, expected {} like input {}",
                               fmt::join(values, ", "), values[a], a, x[a].value(), describeInput(ctx, 0)))
          .help("MaxUnpool keeps the batch and channel dims: give them unchanged in output_shape");
      return std::nullopt;
    }
  }
  return ir::Shape::ofValues(values);
}

}  // namespace

void inferMaxUnpool(InferContext& ctx) {
  if (!checkAttributesDefined(ctx, {{"kernel_shape"}, {"pads"}, {"strides"}})) return;
  const ir::Shape* x = window::windowDataInput(ctx);
  if (!x) return;
  const bool indicesOk = checkIndices(ctx, *x);
  std::optional<window::WindowGeometry> geometry = window::parseWindowGeometry(
      ctx, *x, {}, {.op = window::WindowOp::kPool, .ceilMode = false, .dilations = false, .autoPad = false});
  if (!geometry || !indicesOk) return;

  if (ctx.hasInput(2)) {
    std::optional<ir::Shape> y = givenOutputShape(ctx, *x);
    if (y) ctx.setOutput(0, std::move(*y), ctx.inputType(0));
    return;
  }

  std::vector<ir::Dim> dims = {(*x)[0], (*x)[1]};
  for (size_t a = 0; a < geometry->spatialRank(); ++a) {
    const ir::Dim& i = (*x)[a + 2];
    std::optional<window::AxisWindow> w = geometry->axis(a);
    dims.emplace_back();
    if (w && (i.isSymbol() || i.isExpr())) {
      dims.back() = window::checkedSymbolicOutput(
          ctx, i, window::unpoolAxisDim(i, *w), a + 2, /*zeroAllowed=*/false,
          fmt::format("the pads remove more than s(i - 1) + k for every size: reduce the pads on axis {}", a + 2));
      continue;
    }
    if (!i.isValue() || !w) continue;
    std::optional<window::TransposeAxisFacts> f = window::unpoolAxis(i.value(), *w);
    if (!f) {
      window::reportOverflow(ctx, window::overflowingStep(i.value(), window::TransposeAxisWindow{*w, 0, std::nullopt}),
                             a + 2);
      continue;
    }
    if (f->output < 1) {
      ctx.report(diag::RuleId::kNonPositiveOutput)
          .message(fmt::format("output size on axis {} is {}, expected at least 1: the pads ({} + {}) remove more "
                               "than s(i - 1) + k = {}",
                               a + 2, f->output, f->padBegin, f->padEnd, f->naturalOutput))
          .detail(fmt::format("{} on axis {}", f->formula, a + 2))
          // 1 - o in unsigned arithmetic: exact even for o = -INT64_MAX.
          .help(fmt::format("reduce the pads on axis {} by at least {} in total", a + 2,
                            uint64_t{1} - static_cast<uint64_t>(f->output)));
      continue;
    }
    dims.back() = ir::Dim::value(f->output);
  }
  ctx.setOutput(0, ir::Shape(std::move(dims)), ctx.inputType(0));
}

}  // namespace shapelint::passes::shape
