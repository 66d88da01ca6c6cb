// Unsqueeze and Squeeze: insert or remove size-1 axes. The axes are an
// attribute before opset 13 (non-negative only before 11) and an optional
// constant input since 13. Needed to check the 1-D pools PyTorch exports as
// Unsqueeze -> 2-D pool -> Squeeze.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "passes/shape/data_values.h"
#include "passes/shape/merge.h"
#include "passes/shape/ops.h"

namespace shapelint::passes::shape {
namespace {

// The axes of the node: the attribute before opset 13, input 1 from 13 on.
// `known` turns false when they come from a runtime input (unknown values).
// std::nullopt when absent; `ok` false after a wrong attribute type.
std::optional<std::vector<int64_t>> readAxes(InferContext& ctx, bool& known, bool& ok) {
  known = true;
  ok = true;
  if (ctx.opset() < 13) {
    std::optional<std::vector<int64_t>> axes = ctx.attrInts("axes");
    if (!axes && ctx.attr("axes")) ok = false;
    return axes;
  }
  if (!ctx.hasInput(1)) return std::nullopt;
  const ir::ConstData* data = ctx.inputData(1);
  if (!data || data->isReal) {
    known = false;
    return std::vector<int64_t>();
  }
  return data->ints;
}

// Normalizes every axis against `rank` (SL301 when out of range or repeated).
std::optional<std::vector<size_t>> normalizeAxes(InferContext& ctx, const std::vector<int64_t>& axes, size_t rank) {
  const bool negativeAllowed = ctx.opset() >= 11;
  const auto r = static_cast<int64_t>(rank);
  std::set<size_t> seen;
  std::vector<size_t> out;
  for (int64_t axis : axes) {
    std::optional<size_t> a = negativeAllowed || axis >= 0 ? normalizeAxis(axis, rank) : std::nullopt;
    if (!a) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("axes [{}] has {}, expected {} to {} for a rank-{} {}", fmt::join(axes, ", "), axis,
                               negativeAllowed ? -r : 0, r - 1, rank,
                               ctx.node().opType == "Unsqueeze" ? "output" : "input"))
          .help(fmt::format("pick axes between {} and {}", negativeAllowed ? -r : 0, r - 1));
      return std::nullopt;
    }
    if (!seen.insert(*a).second) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("axes [{}] names axis {} twice, expected distinct axes", fmt::join(axes, ", "), *a))
          .help("list each axis once");
      return std::nullopt;
    }
    out.push_back(*a);
  }
  return out;
}

// The same elements in another shape (axes of size 1 inserted or removed).
void passDataThrough(InferContext& ctx, const ir::Shape& out) {
  std::optional<std::vector<Elem>> elems = inputElems(ctx, 0);
  if (!elems) return;
  const std::optional<bool> real = realType(ctx.inputType(0), ctx.inputSymbolicData(0));
  if (real) setOutputElems(ctx, 0, out, *elems, *real);
}

}  // namespace

void inferUnsqueeze(InferContext& ctx) {
  bool known = true;
  bool ok = true;
  std::optional<std::vector<int64_t>> axes = readAxes(ctx, known, ok);
  if (!ok) return;
  if (!axes) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("Unsqueeze has no axes, expected {}",
                             ctx.opset() < 13 ? "the axes attribute" : "the axes input (input 1)"))
        .help("give the axes to insert");
    return;
  }
  const ir::Shape& x = ctx.inputShape(0);
  if (!x.rankKnown()) return;
  if (!known) {
    // The output rank is known when the number of axes is (a sane one).
    const ir::Shape& axesShape = ctx.inputShape(1);
    if (axesShape.rankKnown() && axesShape.rank() == 1 && axesShape[0].isValue() && axesShape[0].value() >= 0 &&
        axesShape[0].value() <= ir::kMaxConstElements)
      ctx.setOutput(0, ir::Shape::unknownDims(x.rank() + static_cast<size_t>(axesShape[0].value())),
                    ctx.inputType(0));
    return;
  }
  const size_t rank = x.rank() + axes->size();
  std::optional<std::vector<size_t>> inserted = normalizeAxes(ctx, *axes, rank);
  if (!inserted) return;
  std::vector<ir::Dim> dims;
  size_t next = 0;
  for (size_t a = 0; a < rank; ++a) {
    if (std::find(inserted->begin(), inserted->end(), a) != inserted->end()) dims.push_back(ir::Dim::value(1));
    else dims.push_back(x[next++]);
  }
  ir::Shape out(std::move(dims));
  ctx.setOutput(0, out, ctx.inputType(0));
  passDataThrough(ctx, out);
}

void inferSqueeze(InferContext& ctx) {
  bool known = true;
  bool ok = true;
  std::optional<std::vector<int64_t>> axes = readAxes(ctx, known, ok);
  if (!ok || !known) return;
  const ir::Shape& x = ctx.inputShape(0);
  if (!x.rankKnown()) return;
  std::vector<bool> removed(x.rank(), false);
  if (!axes) {
    // Every axis of size 1; unknown when some size is not a known value.
    for (size_t a = 0; a < x.rank(); ++a) {
      if (!x[a].isValue()) return;
      removed[a] = x[a].value() == 1;
    }
  } else {
    std::optional<std::vector<size_t>> squeezed = normalizeAxes(ctx, *axes, x.rank());
    if (!squeezed) return;
    for (size_t a : *squeezed) {
      if (x[a].isValue() && x[a].value() != 1) {
        ctx.report(diag::RuleId::kMalformedNode)
            .message(fmt::format("Squeeze removes axis {} of input {}, which has size {}, expected 1", a,
                                 describeInput(ctx, 0), x[a].value()))
            .help(fmt::format("drop axis {} from axes, or make it size 1 first", a));
        return;
      }
      removed[a] = true;
    }
  }
  std::vector<ir::Dim> dims;
  for (size_t a = 0; a < x.rank(); ++a)
    if (!removed[a]) dims.push_back(x[a]);
  ir::Shape out(std::move(dims));
  ctx.setOutput(0, out, ctx.inputType(0));
  passDataThrough(ctx, out);
}

}  // namespace shapelint::passes::shape
