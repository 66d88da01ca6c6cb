// Elementwise ops of the misc family whose output is the input's shape with
// another element type (IsNaN, IsInf, Bernoulli, the *Like generators,
// quantization), Trilu and EyeLike (matrices), and the generators whose
// shape is an attribute (RandomUniform, RandomNormal).
#include <fmt/format.h>

#include "passes/shape/merge.h"
#include "passes/shape/misc_common.h"
#include "passes/shape/ops.h"
#include "passes/shape/ops_misc.h"

namespace shapelint::passes::shape {
namespace {

// The element type a `dtype` attribute names, else `fallback`.
int32_t dtypeOr(InferContext& ctx, const char* attr, int32_t fallback) {
  std::optional<int64_t> dtype = ctx.attrInt(attr);
  return dtype ? static_cast<int32_t>(*dtype) : fallback;
}

void sameShape(InferContext& ctx, int32_t type) {
  if (!misc::requireInputs(ctx, 1)) return;
  ctx.setOutput(0, ctx.inputShape(0), type);
}

// SL003 unless a quantization parameter (input i) is a scalar, or 1-D with
// the length of x's `axis` dim (per-axis, opset 13+). Blocked quantization
// (block_size, opset 21+) gives the parameter x's rank: not checked here.
bool checkQuantParam(InferContext& ctx, size_t i, const char* role) {
  if (!ctx.hasInput(i)) return true;
  const ir::Shape& p = ctx.inputShape(i);
  if (!p.rankKnown() || p.rank() == 0) return true;
  if (ctx.attrInt("block_size", 0) > 0) return true;
  if (ctx.opset() < 13 || p.rank() > 1) {
    if (p.rank() == 1 && p[0].isValue() && p[0].value() == 1) return true;
    return misc::requireRank(ctx, i, 0, fmt::format("{} (per-tensor)", role));
  }
  const ir::Shape& x = ctx.inputShape(0);
  if (!x.rankKnown()) return true;
  std::optional<size_t> axis = normalizeAxis(ctx.attrInt("axis", 1), x.rank());
  if (!axis) {
    if (p[0].isValue() && p[0].value() == 1) return true;  // 1-element: per-tensor on a scalar x
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("axis = {} is out of range for input {}", ctx.attrInt("axis", 1), describeInput(ctx, 0)))
        .help(fmt::format("pick an axis between {} and {}", -static_cast<int64_t>(x.rank()), x.rank() - 1));
    return false;
  }
  if (ir::provablyNotEqual(p[0], x[*axis]) && !(p[0].isValue() && p[0].value() == 1)) {
    ctx.report(diag::RuleId::kIncompatibleMerge)
        .message(fmt::format("{} {} has {} values, expected {} (axis {} of {})", role, describeInput(ctx, i),
                             p[0].str(), x[*axis].str(), *axis, describeInput(ctx, 0)))
        .help("give one quantization parameter per element of the quantized axis, or a scalar");
    return false;
  }
  return true;
}

}  // namespace

void inferBoolUnary(InferContext& ctx) { sameShape(ctx, ir::kBool); }

void inferBernoulli(InferContext& ctx) { sameShape(ctx, dtypeOr(ctx, "dtype", ctx.inputType(0))); }

void inferRandomLike(InferContext& ctx) { sameShape(ctx, dtypeOr(ctx, "dtype", ctx.inputType(0))); }

void inferRandom(InferContext& ctx) {
  std::optional<std::vector<int64_t>> dims = ctx.attrInts("shape");
  const int32_t type = dtypeOr(ctx, "dtype", ir::kFloat);
  if (!dims) {
    if (!ctx.attr("shape")) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("{} has no 'shape' attribute; it is required", ctx.node().opType))
          .help("give the output shape as the 'shape' attribute");
    }
    return;
  }
  for (size_t i = 0; i < dims->size(); ++i) {
    if ((*dims)[i] >= 0) continue;
    ctx.report(diag::RuleId::kAbsurdDim)
        .message(
            fmt::format("shape [{}] has {} on axis {}, expected a size >= 0", fmt::join(*dims, ", "), (*dims)[i], i))
        .help("give every dim of 'shape' as a size >= 0");
    return;
  }
  ctx.setOutput(0, ir::Shape::ofValues(*dims), type);
}

void inferTrilu(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 1) || !misc::requireMinRank(ctx, 0, 2, "input")) return;
  if (ctx.hasInput(1)) {
    const ir::Shape& k = ctx.inputShape(1);
    if (k.rankKnown() && k.rank() != 0 && !misc::requireRank(ctx, 1, 0, "k")) return;
  }
  ctx.setOutput(0, ctx.inputShape(0), ctx.inputType(0));
}

void inferEyeLike(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 1) || !misc::requireRank(ctx, 0, 2, "input")) return;
  ctx.setOutput(0, ctx.inputShape(0), dtypeOr(ctx, "dtype", ctx.inputType(0)));
}

void inferQuantizeLinear(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 2)) return;
  if (!checkQuantParam(ctx, 1, "y_scale") || !checkQuantParam(ctx, 2, "y_zero_point")) return;
  int32_t type = ctx.hasInput(2) ? ctx.inputType(2) : ir::kUndefined;
  if (type == ir::kUndefined) type = dtypeOr(ctx, "output_dtype", 0);
  if (type == ir::kUndefined) type = ir::kUint8;
  ctx.setOutput(0, ctx.inputShape(0), type);
}

void inferDequantizeLinear(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 2)) return;
  if (!checkQuantParam(ctx, 1, "x_scale") || !checkQuantParam(ctx, 2, "x_zero_point")) return;
  // Opset 19 on: y has x_scale's type; before, float.
  const int32_t type = ctx.opset() >= 19 ? ctx.inputType(1) : ir::kFloat;
  ctx.setOutput(0, ctx.inputShape(0), type);
}

void inferDynamicQuantizeLinear(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 1)) return;
  ctx.setOutput(0, ctx.inputShape(0), ir::kUint8);
  ctx.setOutput(1, ir::Shape(std::vector<ir::Dim>{}), ir::kFloat);
  ctx.setOutput(2, ir::Shape(std::vector<ir::Dim>{}), ir::kUint8);
}

}  // namespace shapelint::passes::shape
