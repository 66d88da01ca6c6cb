// Helpers shared by the misc family's shape functions.
#include "passes/shape/misc_common.h"

#include <fmt/format.h>

#include "passes/shape/merge.h"

namespace shapelint::passes::shape::misc {

namespace {

bool reportRank(InferContext& ctx, size_t i, const std::string& role, const std::string& expected) {
  auto builder = ctx.report(diag::RuleId::kMalformedNode);
  builder
      .message(fmt::format("{} {} has rank {}, expected {}", role, describeInput(ctx, i), ctx.inputShape(i).rank(),
                           expected))
      .help(fmt::format("give {} of {} the rank the operator defines", role, ctx.node().opType));
  noteProducer(builder, ctx, i);
  return false;
}

}  // namespace

bool requireRank(InferContext& ctx, size_t i, size_t rank, const std::string& role) {
  const ir::Shape& s = ctx.inputShape(i);
  if (!s.rankKnown() || s.rank() == rank) return true;
  return reportRank(ctx, i, role, std::to_string(rank));
}

bool requireMinRank(InferContext& ctx, size_t i, size_t minRank, const std::string& role) {
  const ir::Shape& s = ctx.inputShape(i);
  if (!s.rankKnown() || s.rank() >= minRank) return true;
  return reportRank(ctx, i, role, fmt::format("at least {}", minRank));
}

ir::Dim dimOf(const InferContext& ctx, size_t i, size_t axis) {
  const ir::Shape& s = ctx.inputShape(i);
  if (!s.rankKnown() || axis >= s.rank()) return ir::Dim();
  return s[axis];
}

std::optional<std::vector<int64_t>> constInts(const InferContext& ctx, size_t i) {
  if (!ctx.hasInput(i)) return std::nullopt;
  const ir::ConstData* data = ctx.inputData(i);
  if (!data || data->isReal) return std::nullopt;
  return data->ints;
}

std::optional<int64_t> constScalar(const InferContext& ctx, size_t i) {
  std::optional<std::vector<int64_t>> v = constInts(ctx, i);
  if (!v || v->size() != 1) return std::nullopt;
  return v->front();
}

std::optional<ir::Dim> mergeEqual(InferContext& ctx, const ir::Dim& a, const ir::Dim& b, const std::string& what) {
  std::optional<ir::Dim> d = equalDim(a, b);
  if (!d) {
    ctx.report(diag::RuleId::kIncompatibleMerge)
        .message(fmt::format("{} must be equal, got {} and {}", what, a.str(), b.str()))
        .help(fmt::format("make {} agree", what));
  }
  return d;
}

bool checkAttrRange(InferContext& ctx, const std::string& name, int64_t value, int64_t lo, int64_t hi) {
  if (value >= lo && value <= hi) return true;
  ctx.report(diag::RuleId::kInvalidAttribute)
      .message(fmt::format("attribute {} = {}, expected {} to {}", name, value, lo, hi))
      .help(fmt::format("set {} between {} and {}", name, lo, hi));
  return false;
}

}  // namespace shapelint::passes::shape::misc
