#include "passes/shape/tensor_common.h"

#include <fmt/format.h>

#include <set>

#include "passes/shape/merge.h"

namespace shapelint::passes::shape::tensor {

bool requireInput(InferContext& ctx, size_t i, const char* role) {
  if (ctx.hasInput(i)) return true;
  ctx.report(diag::RuleId::kMalformedNode)
      .message(fmt::format("{} has no input {} (input {}), expected one", ctx.node().opType, role, i))
      .help(fmt::format("connect the {} input", role));
  return false;
}

bool checkInputCount(InferContext& ctx, size_t max, const std::string& why) {
  size_t last = 0;
  for (size_t i = 0; i < ctx.numInputs(); ++i)
    if (ctx.hasInput(i)) last = i + 1;
  if (last <= max) return true;
  ctx.report(diag::RuleId::kMalformedNode)
      .message(
          fmt::format("{} has {} inputs at opset {}, expected at most {}", ctx.node().opType, last, ctx.opset(), max))
      .detail(why)
      .help(fmt::format("drop the extra inputs, or import the opset that defines them"));
  return false;
}

bool requireRank(InferContext& ctx, size_t i, const char* role, size_t minRank, size_t maxRank, const char* why) {
  const ir::Shape& s = ctx.inputShape(i);
  if (!s.rankKnown() || (s.rank() >= minRank && s.rank() <= maxRank)) return true;
  const std::string expected = minRank == maxRank    ? fmt::format("{}", minRank)
                               : maxRank == SIZE_MAX ? fmt::format("at least {}", minRank)
                                                     : fmt::format("{} to {}", minRank, maxRank);
  ctx.report(diag::RuleId::kMalformedNode)
      .message(fmt::format("{} {} has rank {}, expected {}", role, describeInput(ctx, i), s.rank(), expected))
      .detail(fmt::format("{}: {}", ctx.node().opType, why))
      .help(fmt::format("give {} a tensor of rank {}", ctx.node().opType, expected));
  return false;
}

std::optional<std::vector<double>> attrFloats(InferContext& ctx, const std::string& name, bool& ok) {
  const ir::Attribute* a = ctx.attr(name);
  if (!a) return std::nullopt;
  if (a->type != ir::Attribute::Type::kFloats) {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("attribute '{}' is {}, expected floats", name, ir::attributeTypeName(a->type)))
        .help(fmt::format("give '{}' as a list of floats", name));
    ok = false;
    return std::nullopt;
  }
  return a->floats();
}

std::optional<std::vector<int64_t>> constInts(InferContext& ctx, size_t i, bool& known) {
  known = true;
  if (!ctx.hasInput(i)) return std::nullopt;
  const ir::ConstData* data = ctx.inputData(i);
  if (!data || data->isReal) {
    known = false;
    return std::nullopt;
  }
  return data->ints;
}

std::optional<std::vector<double>> constReals(InferContext& ctx, size_t i, bool& known) {
  known = true;
  if (!ctx.hasInput(i)) return std::nullopt;
  const ir::ConstData* data = ctx.inputData(i);
  if (!data) {
    known = false;
    return std::nullopt;
  }
  if (data->isReal) return data->reals;
  return std::vector<double>(data->ints.begin(), data->ints.end());
}

std::optional<size_t> axisOrReport(InferContext& ctx, int64_t axis, size_t rank, const char* what,
                                   bool negativeAllowed) {
  std::optional<size_t> a = negativeAllowed || axis >= 0 ? normalizeAxis(axis, rank) : std::nullopt;
  if (a) return a;
  const auto r = static_cast<int64_t>(rank);
  ctx.report(diag::RuleId::kInvalidAttribute)
      .message(fmt::format("{} is {}, expected {} to {} for an input of rank {}", what, axis, negativeAllowed ? -r : 0,
                           r - 1, rank))
      .help(rank == 0 ? fmt::format("{} has no axis to pick on a scalar", ctx.node().opType)
                      : fmt::format("pick an axis between {} and {}", negativeAllowed ? -r : 0, r - 1));
  return std::nullopt;
}

std::optional<std::vector<size_t>> axesOrReport(InferContext& ctx, const std::vector<int64_t>& axes, size_t rank,
                                                const char* what, bool negativeAllowed) {
  std::set<size_t> seen;
  std::vector<size_t> out;
  for (int64_t axis : axes) {
    std::optional<size_t> a = negativeAllowed || axis >= 0 ? normalizeAxis(axis, rank) : std::nullopt;
    if (!a) {
      const auto r = static_cast<int64_t>(rank);
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("{} [{}] has {}, expected {} to {} for an input of rank {}", what, fmt::join(axes, ", "),
                               axis, negativeAllowed ? -r : 0, r - 1, rank))
          .help(fmt::format("pick axes between {} and {}", negativeAllowed ? -r : 0, r - 1));
      return std::nullopt;
    }
    if (!seen.insert(*a).second) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("{} [{}] names axis {} twice, expected distinct axes", what, fmt::join(axes, ", "), *a))
          .help("list each axis once");
      return std::nullopt;
    }
    out.push_back(*a);
  }
  return out;
}

std::optional<ir::Dim> addConstant(const ir::Dim& d, int64_t k) {
  if (k >= 0) return ir::add(d, ir::Dim::value(k));
  if (k == INT64_MIN) return std::nullopt;
  return ir::sub(d, ir::Dim::value(-k));
}

}  // namespace shapelint::passes::shape::tensor
