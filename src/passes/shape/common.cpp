// Checks shared by the shape functions of every family.
#include "passes/shape/common.h"

#include <fmt/format.h>

#include "passes/shape/merge.h"

namespace shapelint::passes::shape {

bool requireInputs(InferContext& ctx, size_t count, Arity arity) {
  bool ok = true;
  for (size_t i = 0; i < count; ++i) {
    if (ctx.hasInput(i)) continue;
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("{} has no input {}, expected {}{} inputs", ctx.node().opType, i,
                             arity == Arity::kAtLeast ? "at least " : "", count))
        .help(fmt::format("connect input {}", i));
    ok = false;
  }
  return ok;
}

std::optional<size_t> axisOfInput(InferContext& ctx, int64_t axis, size_t input) {
  const size_t rank = ctx.inputShape(input).rank();
  std::optional<size_t> a = normalizeAxis(axis, rank);
  if (!a) {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("axis = {} is out of range for input {}", axis, describeInput(ctx, input)))
        .help(fmt::format("pick an axis between {} and {}", -static_cast<int64_t>(rank), rank - 1));
  }
  return a;
}

}  // namespace shapelint::passes::shape
