// If: the outputs are the branch outputs where the two branches agree.
#include <fmt/format.h>

#include "passes/shape/ops.h"
#include "shapelint/passes/pass.h"

namespace shapelint::passes::shape {
namespace {

const ir::Graph* branch(InferContext& ctx, const char* name) {
  const ir::Attribute* a = ctx.attr(name);
  if (!a || a->type != ir::Attribute::Type::kGraph || a->graphs.empty()) return nullptr;
  return a->graphs.front().get();
}

const ir::Value* branchOutput(const ir::Graph& g, size_t i) {
  return i < g.outputs.size() ? g.find(g.outputs[i]) : nullptr;
}

// Dims the two branches agree on; unknown where they differ.
ir::Shape mergeBranches(const ir::Shape& a, const ir::Shape& b) {
  if (!a.rankKnown() || !b.rankKnown() || a.rank() != b.rank()) return ir::Shape();
  ir::Shape out = a;
  for (size_t i = 0; i < out.rank(); ++i)
    if (!ir::provablyEqual(a[i], b[i])) out[i] = ir::Dim();
  return out;
}

}  // namespace

void inferIf(InferContext& ctx) {
  const ir::Graph* thenG = branch(ctx, "then_branch");
  const ir::Graph* elseG = branch(ctx, "else_branch");
  if (!thenG || !elseG) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message("If needs graph attributes 'then_branch' and 'else_branch'")
        .help("re-export the model; an If without both branches cannot run");
    return;
  }
  if (thenG->outputs.size() != elseG->outputs.size() || thenG->outputs.size() != ctx.numOutputs()) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("If has {} outputs but then_branch yields {} and else_branch {}", ctx.numOutputs(),
                             thenG->outputs.size(), elseG->outputs.size()))
        .help("both branches must yield one value per output of the If");
    return;
  }
  for (size_t i = 0; i < ctx.numOutputs(); ++i) {
    const ir::Value* t = branchOutput(*thenG, i);
    const ir::Value* e = branchOutput(*elseG, i);
    if (!t || !e) continue;
    ir::Shape merged = mergeBranches(effectiveShape(*t, true), effectiveShape(*e, true));
    ctx.setOutput(i, std::move(merged), t->elemType);
  }
}

}  // namespace shapelint::passes::shape
