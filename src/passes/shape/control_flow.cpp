// Control flow: If (the outputs are the branch outputs where the two
// branches agree, with their data when both give the same values; the taken
// branch's shapes and data when the condition is a constant), Loop and Scan
// (the final states are the initial states where the body's outputs agree
// with them; the scan outputs are the body's per-iteration outputs stacked
// along a new axis of the iteration count).
//
// The pass infers a body before the node that owns it, from the body's
// declared input shapes; a Loop or Scan body input declared without a shape
// takes the node's outer shape of the first iteration (propagate.cpp).
#include <fmt/format.h>

#include "passes/shape/merge.h"
#include "passes/shape/misc_common.h"
#include "passes/shape/ops.h"
#include "passes/shape/ops_misc.h"
#include "shapelint/ir/expr.h"
#include "shapelint/passes/pass.h"

namespace shapelint::passes::shape {
namespace {

const ir::Graph* branch(InferContext& ctx, const char* name) {
  const ir::Attribute* a = ctx.attr(name);
  if (!a || a->type != ir::Attribute::Type::kGraph || a->graphs().empty()) return nullptr;
  return a->graphs().front().get();
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

// The shape of body output i as the pass sees it downstream.
ir::Shape bodyShape(const ir::Graph& g, size_t i) {
  const ir::Value* v = branchOutput(g, i);
  return v ? effectiveShape(*v, true) : ir::Shape();
}

int32_t bodyType(const ir::Graph& g, size_t i) {
  const ir::Value* v = branchOutput(g, i);
  return v ? v->elemType : ir::kUndefined;
}

// A loop-carried state: the initial value's shape where the body's output
// agrees with it (the body may run zero times, or change the state's shape).
ir::Shape carried(const ir::Shape& initial, const ir::Shape& body) {
  if (!initial.rankKnown()) return ir::Shape();
  return mergeBranches(initial, body);
}

// `shape` with `dim` inserted at `axis` (which may be rank, or negative
// from the end of the rank + 1 result); std::nullopt when out of range.
std::optional<ir::Shape> insertAxis(const ir::Shape& shape, int64_t axis, const ir::Dim& dim) {
  if (!shape.rankKnown()) return ir::Shape();
  std::optional<size_t> a = normalizeAxis(axis, shape.rank() + 1);
  if (!a) return std::nullopt;
  ir::Shape out = shape;
  out.dims().insert(out.dims().begin() + static_cast<std::ptrdiff_t>(*a), dim);
  return out;
}

bool requireBody(InferContext& ctx, const ir::Graph* body) {
  if (body) return true;
  ctx.report(diag::RuleId::kMalformedNode)
      .message(fmt::format("{} needs a graph attribute 'body'", ctx.node().opType))
      .help("re-export the model; a loop without a body cannot run");
  return false;
}

// The If's condition when known at check time (a one-element constant).
std::optional<bool> knownCondition(const InferContext& ctx) {
  if (!ctx.hasInput(0)) return std::nullopt;
  const ir::ConstData* data = ctx.inputData(0);
  if (!data || data->size() != 1) return std::nullopt;
  const ir::Dim d = data->dimAt(0);
  if (data->isReal && !data->symbolic) return data->reals[0] != 0.0;
  if (!d.isValue()) return std::nullopt;
  return d.value() != 0;
}

bool sameData(const ir::ConstData& a, const ir::ConstData& b) {
  if (a.symbolic != b.symbolic || a.isReal != b.isReal) return false;
  if (a.symbolic) return a.dims == b.dims;
  return a.isReal ? a.reals == b.reals : a.ints == b.ints;
}

}  // namespace

void inferLoop(InferContext& ctx) {
  const ir::Graph* body = branch(ctx, "body");
  if (!requireBody(ctx, body)) return;
  // Inputs: M, cond, N states. Body: (iteration_num, cond, N states) ->
  // (cond, N states, K scan outputs). Outputs: N states, K scan outputs.
  const size_t states = ctx.numInputs() >= 2 ? ctx.numInputs() - 2 : 0;
  if (body->inputs.size() != states + 2 || body->outputs.size() < states + 1 ||
      ctx.numOutputs() != body->outputs.size() - 1) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("Loop has {} inputs and {} outputs, its body {} inputs and {} outputs; expected the body "
                             "to take (iteration_num, cond, {} states) and yield (cond, {} states, scan outputs), one "
                             "Loop output per body output but cond",
                             ctx.numInputs(), ctx.numOutputs(), body->inputs.size(), body->outputs.size(), states,
                             states))
        .help("re-export the model with a body that matches the Loop's inputs and outputs");
    return;
  }
  for (size_t i = 0; i < states; ++i) {
    ctx.setOutput(i, carried(ctx.inputShape(i + 2), bodyShape(*body, i + 1)),
                  ctx.inputType(i + 2) != ir::kUndefined ? ctx.inputType(i + 2) : bodyType(*body, i + 1));
  }
  // Scan outputs: one slice per iteration. The iteration count is M when M
  // is a constant and there is no condition; else it is known only at run time.
  ir::Dim iterations;
  if (!ctx.hasInput(1)) {
    if (std::optional<int64_t> m = misc::constScalar(ctx, 0); m && *m >= 0) iterations = ir::Dim::value(*m);
  }
  for (size_t k = states; k < ctx.numOutputs(); ++k) {
    std::optional<ir::Shape> out = insertAxis(bodyShape(*body, k + 1), 0, iterations);
    ctx.setOutput(k, out.value_or(ir::Shape()), bodyType(*body, k + 1));
  }
}

void inferScan(InferContext& ctx) {
  const ir::Graph* body = branch(ctx, "body");
  if (!requireBody(ctx, body)) return;
  // Opset 8: input 0 is sequence_lens and every tensor has a batch axis 0
  // in front of the scan axis; the body sees neither.
  const bool batched = ctx.opset() < 9;
  const size_t first = batched ? 1 : 0;
  const int64_t scanInputs = ctx.attrInt("num_scan_inputs", -1);
  const size_t total = ctx.numInputs() >= first ? ctx.numInputs() - first : 0;
  if (scanInputs < 1 || static_cast<size_t>(scanInputs) > total || body->inputs.size() != total ||
      body->outputs.size() != ctx.numOutputs() || body->outputs.size() < total - static_cast<size_t>(scanInputs)) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("Scan has {} state and scan inputs (num_scan_inputs = {}) and {} outputs, its body {} "
                             "inputs and {} outputs; expected one body input per Scan input and one body output per "
                             "Scan output",
                             total, scanInputs, ctx.numOutputs(), body->inputs.size(), body->outputs.size()))
        .help("re-export the model with a body that matches the Scan's inputs and outputs");
    return;
  }
  const size_t m = static_cast<size_t>(scanInputs);
  const size_t states = total - m;
  const std::vector<int64_t> inputAxes =
      batched ? std::vector<int64_t>() : ctx.attrInts("scan_input_axes").value_or(std::vector<int64_t>());
  const std::vector<int64_t> outputAxes =
      batched ? std::vector<int64_t>() : ctx.attrInts("scan_output_axes").value_or(std::vector<int64_t>());
  // The sequence length: the scan axis of every scan input, all equal.
  ir::Dim batch = batched ? ir::Dim() : ir::Dim::value(1);
  ir::Dim length;
  bool haveLength = false;
  for (size_t j = 0; j < m; ++j) {
    const size_t in = first + states + j;
    const ir::Shape& s = ctx.inputShape(in);
    if (!s.rankKnown()) continue;
    const int64_t axis = batched ? 1 : (j < inputAxes.size() ? inputAxes[j] : 0);
    std::optional<size_t> a = normalizeAxis(axis, s.rank());
    if (!a || (batched && s.rank() < 2)) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("scan axis {} is out of range for scan input {}", axis, describeInput(ctx, in)))
          .help("pick a scan axis within the scan input's rank");
      return;
    }
    std::optional<ir::Dim> d = haveLength ? misc::mergeEqual(ctx, length, s[*a],
                                                             fmt::format("the scan axes of the scan inputs ({} on "
                                                                         "scan input {})",
                                                                         s[*a].str(), describeInput(ctx, in)))
                                          : std::optional<ir::Dim>(s[*a]);
    if (!d) return;
    length = *d;
    haveLength = true;
    if (batched) {
      std::optional<ir::Dim> b =
          misc::mergeEqual(ctx, batch.isUnknown() ? s[0] : batch, s[0],
                           fmt::format("the batch axes of the inputs ({})", describeInput(ctx, in)));
      if (!b) return;
      batch = *b;
    }
  }
  for (size_t i = 0; i < states; ++i) {
    ir::Shape initial = ctx.inputShape(first + i);
    ir::Shape bodyOut = bodyShape(*body, i);
    if (batched) {
      std::optional<ir::Shape> withBatch = insertAxis(bodyOut, 0, misc::dimOf(ctx, first + i, 0));
      bodyOut = withBatch.value_or(ir::Shape());
    }
    ctx.setOutput(i, carried(initial, bodyOut), ctx.inputType(first + i));
  }
  for (size_t k = states; k < ctx.numOutputs(); ++k) {
    const size_t j = k - states;
    std::optional<ir::Shape> out;
    if (batched) {
      out = insertAxis(bodyShape(*body, k), 0, length);
      if (out) out = insertAxis(*out, 0, batch);
    } else {
      const int64_t axis = j < outputAxes.size() ? outputAxes[j] : 0;
      out = insertAxis(bodyShape(*body, k), axis, length);
      if (!out) {
        ctx.report(diag::RuleId::kInvalidAttribute)
            .message(fmt::format("scan_output_axes[{}] = {} is out of range for scan output '{}' of rank {}", j, axis,
                                 ctx.node().outputs[k], bodyShape(*body, k).rank() + 1))
            .help("pick an output axis within the scan output's rank");
        return;
      }
    }
    ctx.setOutput(k, out.value_or(ir::Shape()), bodyType(*body, k));
  }
}

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
  // A condition known at check time takes one branch: its outputs pass
  // through, shape and data.
  if (std::optional<bool> cond = knownCondition(ctx)) {
    const ir::Graph& taken = *cond ? *thenG : *elseG;
    for (size_t i = 0; i < ctx.numOutputs(); ++i) {
      const ir::Value* v = branchOutput(taken, i);
      if (!v) continue;
      ctx.setOutput(i, effectiveShape(*v, true), v->elemType);
      if (v->data) ctx.setOutputData(i, *v->data);
    }
    return;
  }
  for (size_t i = 0; i < ctx.numOutputs(); ++i) {
    const ir::Value* t = branchOutput(*thenG, i);
    const ir::Value* e = branchOutput(*elseG, i);
    if (!t || !e) continue;
    ir::Shape merged = mergeBranches(effectiveShape(*t, true), effectiveShape(*e, true));
    const bool sameShape = merged == effectiveShape(*t, true) && merged == effectiveShape(*e, true);
    ctx.setOutput(i, std::move(merged), t->elemType);
    // Both branches give the same values: so does the If.
    if (sameShape && t->elemType == e->elemType && t->data && e->data && sameData(*t->data, *e->data))
      ctx.setOutputData(i, *t->data);
  }
}

}  // namespace shapelint::passes::shape
