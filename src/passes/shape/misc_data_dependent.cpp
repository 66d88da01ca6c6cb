// Data-dependent ops: NonZero, Unique, Compress and NonMaxSuppression. How
// many elements they output depends on the input VALUES (which are
// non-zero, distinct, selected or kept), which a shape checker does not
// know even for constants it could evaluate: the rank and the dims that do
// not depend on values are inferred, the data-dependent dims are left
// unknown on purpose.
#include <fmt/format.h>

#include "passes/shape/common.h"
#include "passes/shape/merge.h"
#include "passes/shape/misc_common.h"
#include "passes/shape/ops.h"
#include "passes/shape/ops_misc.h"

namespace shapelint::passes::shape {

void inferNonZero(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 1)) return;
  const ir::Shape& x = ctx.inputShape(0);
  // [rank(X), number of non-zero elements]
  ir::Dim rank = x.rankKnown() ? ir::Dim::value(static_cast<int64_t>(x.rank())) : ir::Dim();
  ctx.setOutput(0, ir::Shape({rank, ir::Dim()}), ir::kInt64);
}

void inferUnique(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 1)) return;
  const ir::Shape& x = ctx.inputShape(0);
  const ir::Shape oneUnknown({ir::Dim()});
  std::optional<int64_t> axis = ctx.attrInt("axis");
  if (!axis) {
    // Flattened: Y, indices and counts have one entry per unique value;
    // inverse_indices one per element of X.
    ctx.setOutput(0, oneUnknown, ctx.inputType(0));
    ctx.setOutput(1, oneUnknown, ir::kInt64);
    ir::Dim total = x.rankKnown() ? dimProduct(x.dims()) : ir::Dim();
    ctx.setOutput(2, ir::Shape({total}), ir::kInt64);
    ctx.setOutput(3, oneUnknown, ir::kInt64);
    return;
  }
  if (!x.rankKnown()) return;
  std::optional<size_t> a = axisOfInput(ctx, *axis, 0);
  if (!a) return;
  ir::Shape y = x;
  y[*a] = ir::Dim();  // the number of unique slices along the axis
  ctx.setOutput(0, std::move(y), ctx.inputType(0));
  ctx.setOutput(1, oneUnknown, ir::kInt64);
  ctx.setOutput(2, ir::Shape({x[*a]}), ir::kInt64);
  ctx.setOutput(3, oneUnknown, ir::kInt64);
}

void inferCompress(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 2) || !misc::requireRank(ctx, 1, 1, "condition")) return;
  const ir::Shape& x = ctx.inputShape(0);
  std::optional<int64_t> axis = ctx.attrInt("axis");
  if (!axis) {
    ctx.setOutput(0, ir::Shape({ir::Dim()}), ctx.inputType(0));  // flattened, the selected elements
    return;
  }
  if (!x.rankKnown()) return;
  std::optional<size_t> a = axisOfInput(ctx, *axis, 0);
  if (!a) return;
  ir::Shape y = x;
  y[*a] = ir::Dim();  // the number of selected slices
  ctx.setOutput(0, std::move(y), ctx.inputType(0));
}

void inferNonMaxSuppression(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 2) || !misc::requireRank(ctx, 0, 3, "boxes") || !misc::requireRank(ctx, 1, 3, "scores"))
    return;
  // boxes [num_batches, spatial_dimension, 4], scores [num_batches, num_classes, spatial_dimension]
  if (!misc::mergeEqual(ctx, misc::dimOf(ctx, 0, 2), ir::Dim::value(4),
                        fmt::format("axis 2 of boxes {} and 4", describeInput(ctx, 0))) ||
      !misc::mergeEqual(
          ctx, misc::dimOf(ctx, 0, 0), misc::dimOf(ctx, 1, 0),
          fmt::format("the batches of boxes {} and scores {}", describeInput(ctx, 0), describeInput(ctx, 1))) ||
      !misc::mergeEqual(ctx, misc::dimOf(ctx, 0, 1), misc::dimOf(ctx, 1, 2),
                        fmt::format("the boxes of boxes {} (axis 1) and scores {} (axis 2)", describeInput(ctx, 0),
                                    describeInput(ctx, 1))))
    return;
  // [number of selected boxes, 3]: (batch_index, class_index, box_index)
  ctx.setOutput(0, ir::Shape({ir::Dim(), ir::Dim::value(3)}), ir::kInt64);
}

}  // namespace shapelint::passes::shape
