// Checks shared by the shape functions of every family.
#include "passes/shape/common.h"

#include <fmt/format.h>

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

}  // namespace shapelint::passes::shape
