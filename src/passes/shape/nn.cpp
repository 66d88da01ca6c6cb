// BatchNormalization, Dropout, Flatten and Gemm.
#include <fmt/format.h>

#include "passes/shape/merge.h"
#include "passes/shape/ops.h"

namespace shapelint::passes::shape {
namespace {

// SL003: BatchNormalization's per-channel input i (scale, B, mean, var) must
// be a vector of C elements.
void checkPerChannel(InferContext& ctx, size_t i, const char* role, const ir::Dim& channels) {
  if (!ctx.hasInput(i)) return;
  const ir::Shape& s = ctx.inputShape(i);
  if (!s.rankKnown()) return;
  if (s.rank() != 1) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("{} {} has rank {}, expected 1 (one value per channel)", role, describeInput(ctx, i),
                             s.rank()))
        .help(fmt::format("give {} as a vector of {} values", role, channels.str()));
    return;
  }
  if (ir::provablyNotEqual(s[0], channels)) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("{} {} has {} values, expected {} (the channels of {})", role, describeInput(ctx, i),
                             s[0].str(), channels.str(), describeInput(ctx, 0)))
        .help(fmt::format("give {} one value per channel ({})", role, channels.str()));
  }
}

// Gemm's op(A) or op(B): (rows, cols) after the optional transpose.
struct Matrix {
  ir::Dim rows;
  ir::Dim cols;
};

Matrix transposed(const ir::Shape& s, bool transpose) {
  return transpose ? Matrix{s[1], s[0]} : Matrix{s[0], s[1]};
}

// SL003 unless input i is present with rank 2 (or unknown rank).
bool requireMatrix(InferContext& ctx, size_t i, const char* role) {
  if (!ctx.hasInput(i)) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("Gemm has no input {}, expected a matrix", role))
        .help(fmt::format("connect input {}", role));
    return false;
  }
  const ir::Shape& s = ctx.inputShape(i);
  if (s.rankKnown() && s.rank() != 2) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("input {} {} has rank {}, expected 2", role, describeInput(ctx, i), s.rank()))
        .help("flatten the input to a matrix first (Flatten), or use MatMul for batched products");
    return false;
  }
  return true;
}

// C unidirectionally broadcastable to (M, N); before opset 7 without
// broadcast = 1, exactly (M, N). SL102 when provably not.
bool checkGemmBias(InferContext& ctx, const ir::Dim& m, const ir::Dim& n) {
  if (!ctx.hasInput(2)) return true;
  const ir::Shape& c = ctx.inputShape(2);
  if (!c.rankKnown()) return true;
  const bool exact = ctx.opset() < 7 && ctx.attrInt("broadcast", 0) == 0;
  const ir::Shape target({m, n});
  std::string why;
  if (c.rank() > 2 || (exact && c.rank() != 2)) {
    why = fmt::format("C has rank {}", c.rank());
  } else {
    const size_t offset = 2 - c.rank();
    for (size_t a = 0; a < c.rank() && why.empty(); ++a) {
      const ir::Dim& t = target[a + offset];
      const bool one = c[a].isValue() && c[a].value() == 1;
      if ((exact || !one) && ir::provablyNotEqual(c[a], t))
        why = fmt::format("axis {} has {} and {}", a + offset, c[a].str(), t.str());
    }
  }
  if (why.empty()) return true;
  auto builder = ctx.report(diag::RuleId::kIncompatibleMerge);
  builder
      .message(fmt::format("cannot broadcast C {} to (M, N) = {}: {}", describeInput(ctx, 2), target.str(), why))
      .detail(exact ? "Gemm before opset 7 without broadcast = 1: C must be exactly M x N"
                    : "Gemm: C must be unidirectionally broadcastable to M x N")
      .help(fmt::format("give C the shape {} (or 1 on an axis to broadcast it)", target.str()));
  noteProducer(builder, ctx, 2);
  return false;
}

}  // namespace

// Y is X's shape. The other outputs (training statistics: mean, var, and
// before opset 14 saved_mean, saved_var) are per-channel vectors.
void inferBatchNormalization(InferContext& ctx) {
  if (!ctx.hasInput(0)) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message("BatchNormalization has no input X, expected a tensor N x C x ...")
        .help("connect the data input");
    return;
  }
  const ir::Shape& x = ctx.inputShape(0);
  if (x.rankKnown() && x.rank() < 2) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("input {} has rank {}, expected at least 2 (N x C x ...)", describeInput(ctx, 0),
                             x.rank()))
        .help("BatchNormalization normalises per channel: give it an N x C x ... tensor");
    return;
  }
  // spatial = 0 (before opset 9) gives per-element statistics of shape C x D1 x ...
  const bool spatial = ctx.opset() >= 9 || ctx.attrInt("spatial", 1) == 1;
  // Opset 14+: Y alone, or with training_mode = 1 at most Y, running_mean
  // and running_var (ONNX's checker rejects other counts).
  if (ctx.opset() >= 14) {
    std::optional<int64_t> training = ctx.attrInt("training_mode");
    if (!training && ctx.attr("training_mode")) return;
    size_t outputs = 0;
    for (size_t out = 0; out < ctx.numOutputs(); ++out) outputs += ctx.hasOutput(out) ? 1 : 0;
    const bool train = training.value_or(0) != 0;
    if (train ? ctx.numOutputs() > 3 : outputs > 1) {
      ctx.report(diag::RuleId::kMalformedNode)
          .message(fmt::format("BatchNormalization has {} outputs with training_mode = {}, expected {} at opset {}",
                               train ? ctx.numOutputs() : outputs, train ? 1 : 0, train ? "at most 3" : "1 (Y)",
                               ctx.opset()))
          .detail("BatchNormalization-14: running_mean and running_var are outputs only when training_mode = 1; "
                  "saved_mean and saved_var were removed")
          .help(train ? "drop the outputs after running_var" : "drop the statistics outputs, or set training_mode = 1");
      return;
    }
  }
  const ir::Dim channels = x.rankKnown() ? x[1] : ir::Dim::unknown();
  if (spatial && x.rankKnown()) {
    checkPerChannel(ctx, 1, "scale", channels);
    checkPerChannel(ctx, 2, "bias", channels);
    checkPerChannel(ctx, 3, "mean", channels);
    checkPerChannel(ctx, 4, "var", channels);
  }
  ctx.setOutput(0, x, ctx.inputType(0));
  for (size_t out = 1; out < ctx.numOutputs() && out <= 4; ++out) {
    if (!ctx.hasOutput(out)) continue;
    const size_t statistic = out % 2 == 1 ? 3 : 4;  // mean-like outputs follow input mean, var-like input var
    const int32_t type = ctx.inputType(statistic) != ir::kUndefined ? ctx.inputType(statistic) : ctx.inputType(0);
    ir::Shape shape = spatial && x.rankKnown() ? ir::Shape({channels}) : ctx.inputShape(statistic);
    ctx.setOutput(out, std::move(shape), type);
  }
}

// Y is X's shape; the mask too, bool since opset 10 (X's type before).
void inferDropout(InferContext& ctx) {
  if (!ctx.hasInput(0)) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message("Dropout has no input data")
        .help("connect the data input");
    return;
  }
  ctx.setOutput(0, ctx.inputShape(0), ctx.inputType(0));
  if (ctx.hasOutput(1)) ctx.setOutput(1, ctx.inputShape(0), ctx.opset() >= 10 ? ir::kBool : ctx.inputType(0));
}

// Flatten: [d0 * ... * d(axis-1), d(axis) * ... * d(r-1)]; axis in [0, r]
// (default 1), negative since opset 11.
void inferFlatten(InferContext& ctx) {
  if (!ctx.hasInput(0)) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message("Flatten has no input")
        .help("connect the input");
    return;
  }
  std::optional<int64_t> axisAttr = ctx.attrInt("axis");
  if (!axisAttr && ctx.attr("axis")) return;  // wrong type, reported by the reader
  const int64_t axisValue = axisAttr.value_or(1);
  const ir::Shape& x = ctx.inputShape(0);
  if (!x.rankKnown()) {
    ctx.setOutput(0, ir::Shape::unknownDims(2), ctx.inputType(0));
    return;
  }
  const bool negativeAllowed = ctx.opset() >= 11;
  std::optional<size_t> axis =
      negativeAllowed || axisValue >= 0 ? normalizeAxis(axisValue, x.rank(), true) : std::nullopt;
  if (!axis) {
    const auto r = static_cast<int64_t>(x.rank());
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("axis is {}, expected {} to {} for an input of rank {}", axisValue,
                             negativeAllowed ? -r : 0, r, x.rank()))
        .help(fmt::format("pick an axis between {} and {}", negativeAllowed ? -r : 0, r));
    return;
  }
  const auto split = x.dims().begin() + static_cast<std::ptrdiff_t>(*axis);
  const ir::Dim outer = dimProduct(std::vector<ir::Dim>(x.dims().begin(), split));
  const ir::Dim inner = dimProduct(std::vector<ir::Dim>(split, x.dims().end()));
  ctx.setOutput(0, ir::Shape({outer, inner}), ctx.inputType(0));
}

// Gemm: Y = alpha * op(A) * op(B) + beta * C, op(A) M x K, op(B) K x N, C
// broadcastable to M x N.
void inferGemm(InferContext& ctx) {
  const bool aOk = requireMatrix(ctx, 0, "A");
  const bool bOk = requireMatrix(ctx, 1, "B");
  if (!aOk || !bOk) return;
  if (ctx.opset() < 11 && !ctx.hasInput(2)) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("Gemm has no input C, expected one at opset {} (optional since opset 11)", ctx.opset()))
        .help("connect C (a zero bias), or import opset 11 or later");
    return;
  }
  std::optional<int64_t> transA = ctx.attrInt("transA");
  std::optional<int64_t> transB = ctx.attrInt("transB");
  if ((!transA && ctx.attr("transA")) || (!transB && ctx.attr("transB"))) return;  // reported by the reader
  const ir::Shape& a = ctx.inputShape(0);
  const ir::Shape& b = ctx.inputShape(1);
  const int32_t type = ctx.inputType(0);
  if (!a.rankKnown() || !b.rankKnown()) {
    ir::Shape out = ir::Shape::unknownDims(2);
    if (a.rankKnown()) out[0] = transposed(a, transA.value_or(0) != 0).rows;
    if (b.rankKnown()) out[1] = transposed(b, transB.value_or(0) != 0).cols;
    ctx.setOutput(0, out, type);
    return;
  }
  const Matrix opA = transposed(a, transA.value_or(0) != 0);
  const Matrix opB = transposed(b, transB.value_or(0) != 0);
  if (!equalDim(opA.cols, opB.rows)) {
    auto builder = ctx.report(diag::RuleId::kIncompatibleMerge);
    builder
        .message(fmt::format("cannot multiply A {}{} by B {}{}: op(A) has {} columns, op(B) has {} rows",
                             describeInput(ctx, 0), transA.value_or(0) ? " (transA = 1)" : "", describeInput(ctx, 1),
                             transB.value_or(0) ? " (transB = 1)" : "", opA.cols.str(), opB.rows.str()))
        .detail(fmt::format("Gemm: op(A) is M x K = {} x {}, op(B) is K x N = {} x {}; the two K must be equal",
                            opA.rows.str(), opA.cols.str(), opB.rows.str(), opB.cols.str()))
        .help(fmt::format("make the inner dims agree: the layer feeding A produces {} features, B expects {}",
                          opA.cols.str(), opB.rows.str()));
    noteProducer(builder, ctx, 0);
    noteProducer(builder, ctx, 1);
    return;
  }
  if (!checkGemmBias(ctx, opA.rows, opB.cols)) return;
  ctx.setOutput(0, ir::Shape({opA.rows, opB.cols}), type);
}

}  // namespace shapelint::passes::shape
