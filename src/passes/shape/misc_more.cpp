// Smaller ops of the standard set: Multinomial, AffineGrid (20),
// CenterCropPad (18), the string ops of opset 20 (RegexFullMatch,
// StringConcat, StringSplit), and the scalar results of SequenceLength and
// OptionalHasElement. (Sequence and optional values carry no tensor shape in
// the IR, so SequenceAt, ConcatFromSequence and OptionalGetElement are not
// inferred.)
#include <fmt/format.h>

#include <set>

#include "passes/shape/merge.h"
#include "passes/shape/misc_common.h"
#include "passes/shape/ops.h"
#include "passes/shape/ops_misc.h"

namespace shapelint::passes::shape {
namespace {

const ir::Shape kScalar{std::vector<ir::Dim>{}};

}  // namespace

void inferMultinomial(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 1) || !misc::requireRank(ctx, 0, 2, "input ([batch_size, class_size])")) return;
  const int64_t samples = ctx.attrInt("sample_size", 1);
  if (!misc::checkAttrRange(ctx, "sample_size", samples, 1, INT64_MAX)) return;
  // [batch_size, sample_size], int32 unless dtype says int64
  ctx.setOutput(0, ir::Shape({misc::dimOf(ctx, 0, 0), ir::Dim::value(samples)}),
                static_cast<int32_t>(ctx.attrInt("dtype", ir::kInt32)));
}

void inferSequenceLength(InferContext& ctx) {
  if (misc::requireInputs(ctx, 1)) ctx.setOutput(0, kScalar, ir::kInt64);
}

void inferOptionalHasElement(InferContext& ctx) { ctx.setOutput(0, kScalar, ir::kBool); }

void inferRegexFullMatch(InferContext& ctx) {
  if (misc::requireInputs(ctx, 1)) ctx.setOutput(0, ctx.inputShape(0), ir::kBool);
}

void inferStringConcat(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 2)) return;
  std::optional<ir::Shape> out = broadcastInputs(ctx, {0, 1});
  if (out) ctx.setOutput(0, *out, ir::kString);
}

void inferStringSplit(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 1)) return;
  const ir::Shape& x = ctx.inputShape(0);
  if (!x.rankKnown()) return;
  // Y: X's shape plus the most substrings any element splits into (data-dependent, unknown); Z: X's shape.
  ir::Shape y = x;
  y.dims().push_back(ir::Dim());
  ctx.setOutput(0, std::move(y), ir::kString);
  ctx.setOutput(1, x, ir::kInt64);
}

void inferAffineGrid(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 2) || !misc::requireRank(ctx, 0, 3, "theta") || !misc::requireRank(ctx, 1, 1, "size"))
    return;
  // theta [N, 2, 3] with size (N, C, H, W) -> grid [N, H, W, 2];
  // theta [N, 3, 4] with size (N, C, D, H, W) -> grid [N, D, H, W, 3].
  ir::Dim spatial = misc::dimOf(ctx, 0, 1);
  if (std::optional<std::vector<int64_t>> size = misc::constInts(ctx, 1)) {
    if (size->size() != 4 && size->size() != 5) {
      ctx.report(diag::RuleId::kMalformedNode)
          .message(fmt::format("size has {} values, expected 4 (N, C, H, W) or 5 (N, C, D, H, W)", size->size()))
          .help("give size as the (N, C, H, W) or (N, C, D, H, W) of the output image");
      return;
    }
    const auto n = static_cast<int64_t>(size->size()) - 2;
    std::optional<ir::Dim> s =
        misc::mergeEqual(ctx, spatial, ir::Dim::value(n),
                         fmt::format("axis 1 of theta {} and the {} spatial dims of size", describeInput(ctx, 0), n));
    if (!s) return;
    std::optional<ir::Dim> batch =
        misc::mergeEqual(ctx, misc::dimOf(ctx, 0, 0), ir::Dim::value((*size)[0]),
                         fmt::format("the batch of theta {} and size[0]", describeInput(ctx, 0)));
    if (!batch) return;
    std::vector<ir::Dim> dims{*batch};
    for (size_t i = 2; i < size->size(); ++i) dims.push_back(ir::Dim::value((*size)[i]));
    dims.push_back(ir::Dim::value(n));
    ctx.setOutput(0, ir::Shape(std::move(dims)), ctx.inputType(0));
    return;
  }
  if (!spatial.isValue() || (spatial.value() != 2 && spatial.value() != 3)) return;
  std::vector<ir::Dim> dims(static_cast<size_t>(spatial.value()) + 2);
  dims.front() = misc::dimOf(ctx, 0, 0);
  dims.back() = spatial;
  ctx.setOutput(0, ir::Shape(std::move(dims)), ctx.inputType(0));
}

void inferCenterCropPad(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 2) || !misc::requireRank(ctx, 1, 1, "shape")) return;
  const ir::Shape& x = ctx.inputShape(0);
  if (!x.rankKnown()) return;
  // The axes: the attribute, else every axis.
  std::vector<size_t> axes;
  if (std::optional<std::vector<int64_t>> attr = ctx.attrInts("axes")) {
    std::set<size_t> seen;
    for (int64_t a : *attr) {
      std::optional<size_t> axis = normalizeAxis(a, x.rank());
      if (!axis || !seen.insert(*axis).second) {
        ctx.report(diag::RuleId::kInvalidAttribute)
            .message(fmt::format("axes [{}] has {}, expected distinct axes of input {}", fmt::join(*attr, ", "), a,
                                 describeInput(ctx, 0)))
            .help("list each axis of the input once");
        return;
      }
      axes.push_back(*axis);
    }
  } else {
    for (size_t i = 0; i < x.rank(); ++i) axes.push_back(i);
  }
  if (!misc::mergeEqual(ctx, misc::dimOf(ctx, 1, 0), ir::Dim::value(static_cast<int64_t>(axes.size())),
                        fmt::format("the length of shape {} and the number of axes", describeInput(ctx, 1))))
    return;
  ir::Shape out = x;
  std::optional<std::vector<int64_t>> sizes = misc::constInts(ctx, 1);
  for (size_t i = 0; i < axes.size(); ++i) {
    if (sizes && i < sizes->size() && (*sizes)[i] < 0) {
      ctx.report(diag::RuleId::kAbsurdDim)
          .message(fmt::format("shape [{}] has {}, expected sizes >= 0", fmt::join(*sizes, ", "), (*sizes)[i]))
          .help("give every cropped or padded axis a size >= 0");
      return;
    }
    out[axes[i]] = sizes && i < sizes->size() ? ir::Dim::value((*sizes)[i]) : ir::Dim();
  }
  ctx.setOutput(0, std::move(out), ctx.inputType(0));
}

}  // namespace shapelint::passes::shape
