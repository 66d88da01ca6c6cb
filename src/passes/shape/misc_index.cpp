// Indexing ops: GatherElements, GatherND, Scatter, ScatterElements,
// ScatterND, OneHot and ReverseSequence.
#include <fmt/format.h>

#include "passes/shape/merge.h"
#include "passes/shape/misc_common.h"
#include "passes/shape/ops.h"
#include "passes/shape/ops_misc.h"

namespace shapelint::passes::shape {
namespace {

// The node's `axis` attribute made non-negative against `rank`; SL301 when
// out of range.
std::optional<size_t> axisAttr(InferContext& ctx, int64_t fallback, size_t rank) {
  const int64_t axis = ctx.attrInt("axis", fallback);
  std::optional<size_t> a = normalizeAxis(axis, rank);
  if (!a) {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("axis = {} is out of range for rank {}", axis, rank))
        .help(fmt::format("pick an axis between {} and {}", -static_cast<int64_t>(rank), rank - 1));
  }
  return a;
}

// SL003 unless inputs a and b have the same rank; false after a finding.
bool sameRank(InferContext& ctx, size_t a, size_t b, const char* roleA, const char* roleB) {
  const ir::Shape& sa = ctx.inputShape(a);
  const ir::Shape& sb = ctx.inputShape(b);
  if (!sa.rankKnown() || !sb.rankKnown() || sa.rank() == sb.rank()) return true;
  ctx.report(diag::RuleId::kMalformedNode)
      .message(fmt::format("{} {} and {} {} must have the same rank", roleA, describeInput(ctx, a), roleB,
                           describeInput(ctx, b)))
      .help(fmt::format("give {} the rank of {}", roleB, roleA));
  return false;
}

// The merged shape of inputs a and b that must be equal (unknown rank when
// either's is); std::nullopt after SL102.
std::optional<ir::Shape> equalShapes(InferContext& ctx, size_t a, size_t b, const char* roleA, const char* roleB) {
  const ir::Shape& sa = ctx.inputShape(a);
  const ir::Shape& sb = ctx.inputShape(b);
  if (!sa.rankKnown()) return sb;
  if (!sb.rankKnown()) return sa;
  if (!sameRank(ctx, a, b, roleA, roleB)) return std::nullopt;
  ir::Shape out = sa;
  for (size_t i = 0; i < sa.rank(); ++i) {
    std::optional<ir::Dim> d = misc::mergeEqual(
        ctx, sa[i], sb[i],
        fmt::format("axis {} of {} {} and {} {}", i, roleA, describeInput(ctx, a), roleB, describeInput(ctx, b)));
    if (!d) return std::nullopt;
    out[i] = *d;
  }
  return out;
}

}  // namespace

void inferGatherElements(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 2) || !misc::requireMinRank(ctx, 0, 1, "data")) return;
  if (!sameRank(ctx, 0, 1, "data", "indices")) return;
  const ir::Shape& data = ctx.inputShape(0);
  if (data.rankKnown() && !axisAttr(ctx, 0, data.rank())) return;
  ctx.setOutput(0, ctx.inputShape(1), ctx.inputType(0));
}

void inferGatherND(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 2) || !misc::requireMinRank(ctx, 0, 1, "data") ||
      !misc::requireMinRank(ctx, 1, 1, "indices"))
    return;
  const ir::Shape& data = ctx.inputShape(0);
  const ir::Shape& indices = ctx.inputShape(1);
  const int64_t batchDims = ctx.opset() >= 12 ? ctx.attrInt("batch_dims", 0) : 0;
  if (!data.rankKnown() || !indices.rankKnown()) return;
  const auto r = static_cast<int64_t>(data.rank());
  const auto q = static_cast<int64_t>(indices.rank());
  if (!misc::checkAttrRange(ctx, "batch_dims", batchDims, 0, std::min(r, q) - 1)) return;
  const auto b = static_cast<size_t>(batchDims);
  ir::Shape out(std::vector<ir::Dim>(indices.dims().begin(), indices.dims().end() - 1));
  for (size_t i = 0; i < b; ++i) {
    std::optional<ir::Dim> d =
        misc::mergeEqual(ctx, data[i], indices[i], fmt::format("batch axis {} of data and indices", i));
    if (!d) return;
    out[i] = *d;
  }
  const ir::Dim& last = indices[indices.rank() - 1];
  if (!last.isValue()) {
    ctx.setOutput(0, ir::Shape(), ctx.inputType(0));
    return;
  }
  if (last.value() < 1 || last.value() > r - batchDims) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(
            fmt::format("indices {} index {} dims per entry, expected 1 to {} (data {} has rank {}, batch_dims {})",
                        describeInput(ctx, 1), last.value(), r - batchDims, describeInput(ctx, 0), r, batchDims))
        .help("the last dim of indices is how many leading data dims (after the batch dims) each entry indexes");
    return;
  }
  for (auto i = static_cast<size_t>(batchDims + last.value()); i < data.rank(); ++i) out.dims().push_back(data[i]);
  ctx.setOutput(0, std::move(out), ctx.inputType(0));
}

void inferScatterElements(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 3) || !misc::requireMinRank(ctx, 0, 1, "data")) return;
  if (!sameRank(ctx, 0, 1, "data", "indices") || !equalShapes(ctx, 1, 2, "indices", "updates")) return;
  const ir::Shape& data = ctx.inputShape(0);
  if (data.rankKnown() && !axisAttr(ctx, 0, data.rank())) return;
  ctx.setOutput(0, data, ctx.inputType(0));
}

void inferScatterND(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 3) || !misc::requireMinRank(ctx, 0, 1, "data") ||
      !misc::requireMinRank(ctx, 1, 1, "indices"))
    return;
  const ir::Shape& data = ctx.inputShape(0);
  const ir::Shape& indices = ctx.inputShape(1);
  const ir::Shape& updates = ctx.inputShape(2);
  if (data.rankKnown() && indices.rankKnown() && indices[indices.rank() - 1].isValue()) {
    const int64_t k = indices[indices.rank() - 1].value();
    const auto r = static_cast<int64_t>(data.rank());
    if (k < 1 || k > r) {
      ctx.report(diag::RuleId::kMalformedNode)
          .message(fmt::format("indices {} index {} dims per entry, expected 1 to {} (the rank of data {})",
                               describeInput(ctx, 1), k, r, describeInput(ctx, 0)))
          .help("the last dim of indices is how many leading data dims each entry indexes");
      return;
    }
    // updates.shape = indices.shape[0:q-1] ++ data.shape[k:r]
    std::vector<ir::Dim> want(indices.dims().begin(), indices.dims().end() - 1);
    for (auto i = static_cast<size_t>(k); i < data.rank(); ++i) want.push_back(data[i]);
    if (updates.rankKnown()) {
      bool bad = updates.rank() != want.size();
      for (size_t i = 0; !bad && i < want.size(); ++i) bad = ir::provablyNotEqual(updates[i], want[i]);
      if (bad) {
        ctx.report(diag::RuleId::kIncompatibleMerge)
            .message(fmt::format("updates {} must have shape {} (indices' dims but the last, then data's from axis {})",
                                 describeInput(ctx, 2), ir::Shape(want).str(), k))
            .help("give updates one slice of data per index entry");
        return;
      }
    }
  }
  ctx.setOutput(0, data, ctx.inputType(0));
}

void inferOneHot(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 3)) return;
  const ir::Shape& indices = ctx.inputShape(0);
  const int32_t type = ctx.inputType(2);
  if (!misc::requireRank(ctx, 2, 1, "values")) return;
  if (!indices.rankKnown()) {
    ctx.setOutput(0, ir::Shape(), type);
    return;
  }
  const int64_t axis = ctx.attrInt("axis", -1);
  std::optional<size_t> a = normalizeAxis(axis, indices.rank() + 1);
  if (!a) {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("axis = {} is out of range for the rank-{} output", axis, indices.rank() + 1))
        .help(fmt::format("pick an axis between {} and {}", -static_cast<int64_t>(indices.rank()) - 1, indices.rank()));
    return;
  }
  // depth: a scalar (or one-element tensor) of any numeric type; a fractional
  // value is cast to int64 (truncated).
  ir::Dim depth;
  if (const ir::ConstData* d = ctx.inputData(1); d && d->size() == 1) {
    const int64_t v = d->isReal ? static_cast<int64_t>(d->reals[0]) : d->ints[0];
    if (v < 1) {
      ctx.report(diag::RuleId::kNonPositiveOutput)
          .message(fmt::format("depth = {}, expected at least 1", v))
          .help("give OneHot a positive depth (the number of classes)");
      return;
    }
    depth = ir::Dim::value(v);
  }
  ir::Shape out = indices;
  out.dims().insert(out.dims().begin() + static_cast<std::ptrdiff_t>(*a), depth);
  ctx.setOutput(0, std::move(out), type);
}

void inferReverseSequence(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 2) || !misc::requireMinRank(ctx, 0, 2, "input") ||
      !misc::requireRank(ctx, 1, 1, "sequence_lens"))
    return;
  const ir::Shape& x = ctx.inputShape(0);
  if (x.rankKnown()) {
    const int64_t batchAxis = ctx.attrInt("batch_axis", 1);
    const int64_t timeAxis = ctx.attrInt("time_axis", 0);
    if (!misc::checkAttrRange(ctx, "batch_axis", batchAxis, 0, 1) ||
        !misc::checkAttrRange(ctx, "time_axis", timeAxis, 0, 1))
      return;
    if (batchAxis == timeAxis) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("batch_axis and time_axis are both {}, expected different axes", batchAxis))
          .help("set one of batch_axis, time_axis to 0 and the other to 1");
      return;
    }
    if (!misc::mergeEqual(ctx, misc::dimOf(ctx, 1, 0), x[static_cast<size_t>(batchAxis)],
                          fmt::format("the length of sequence_lens {} and the batch dim of input {}",
                                      describeInput(ctx, 1), describeInput(ctx, 0))))
      return;
  }
  ctx.setOutput(0, x, ctx.inputType(0));
}

}  // namespace shapelint::passes::shape
