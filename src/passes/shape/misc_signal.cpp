// Signal and linear-algebra ops: the window functions (HannWindow,
// HammingWindow, BlackmanWindow), DFT, STFT, MelWeightMatrix (opset 17+;
// their sizes are input values, known here only when constant), Det, and
// the region-of-interest pools RoiAlign and MaxRoiPool.
#include <fmt/format.h>

#include "passes/shape/merge.h"
#include "passes/shape/misc_common.h"
#include "passes/shape/ops.h"
#include "passes/shape/ops_misc.h"
#include "shapelint/ir/expr.h"

namespace shapelint::passes::shape {
namespace {

// A size read from constant input i: a value >= `min`, else SL202 and
// std::nullopt (also when not constant: `known` then false).
std::optional<int64_t> sizeInput(InferContext& ctx, size_t i, const char* role, int64_t min, bool& known) {
  known = false;
  std::optional<int64_t> v = misc::constScalar(ctx, i);
  if (!v) return std::nullopt;
  known = true;
  if (*v < min) {
    ctx.report(diag::RuleId::kNonPositiveOutput)
        .message(fmt::format("{} = {}, expected at least {}", role, *v, min))
        .help(fmt::format("give {} a value of at least {}", role, min));
    return std::nullopt;
  }
  return v;
}

const ir::Shape kScalar{std::vector<ir::Dim>{}};

}  // namespace

void inferWindow(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 1)) return;
  const auto type = static_cast<int32_t>(ctx.attrInt("output_datatype", ir::kFloat));
  bool known = false;
  std::optional<int64_t> size = sizeInput(ctx, 0, "size", 1, known);
  if (known && !size) return;
  ctx.setOutput(0, ir::Shape({size ? ir::Dim::value(*size) : ir::Dim()}), type);
}

void inferMelWeightMatrix(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 5)) return;
  const auto type = static_cast<int32_t>(ctx.attrInt("output_datatype", ir::kFloat));
  bool knownBins = false;
  bool knownLength = false;
  std::optional<int64_t> bins = sizeInput(ctx, 0, "num_mel_bins", 1, knownBins);
  std::optional<int64_t> length = sizeInput(ctx, 1, "dft_length", 1, knownLength);
  if ((knownBins && !bins) || (knownLength && !length)) return;
  // [floor(dft_length / 2) + 1, num_mel_bins]
  ctx.setOutput(
      0, ir::Shape({length ? ir::Dim::value(*length / 2 + 1) : ir::Dim(), bins ? ir::Dim::value(*bins) : ir::Dim()}),
      type);
}

void inferDFT(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 1) || !misc::requireMinRank(ctx, 0, 2, "input")) return;
  const int32_t type = ctx.inputType(0);
  const ir::Shape& x = ctx.inputShape(0);
  const bool onesided = ctx.attrInt("onesided", 0) != 0;
  const bool inverse = ctx.attrInt("inverse", 0) != 0;
  if (onesided && inverse) {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message("onesided = 1 and inverse = 1 together, expected at most one")
        .help("a onesided inverse DFT is not defined; drop one of the two");
    return;
  }
  if (!x.rankKnown()) return;
  const ir::Dim last = misc::dimOf(ctx, 0, x.rank() - 1);
  if (last.isValue() && last.value() != 1 && last.value() != 2) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("input {} has {} on its last axis, expected 1 (real) or 2 (complex)",
                             describeInput(ctx, 0), last.value()))
        .help("give the signal a last axis of 1 (real) or 2 (complex)");
    return;
  }
  // The axis: an attribute (default 1) before opset 20, a constant input
  // (default -2) from 20 on; it may not be the last (complex) axis.
  int64_t axis = 1;
  if (ctx.opset() >= 20) {
    axis = -2;
    if (ctx.hasInput(2)) {
      std::optional<int64_t> a = misc::constScalar(ctx, 2);
      if (!a) {
        ctx.setOutput(0, ir::Shape::unknownDims(x.rank()), type);
        return;
      }
      axis = *a;
    }
  } else {
    axis = ctx.attrInt("axis", 1);
  }
  std::optional<size_t> a = normalizeAxis(axis, x.rank());
  if (!a || *a == x.rank() - 1) {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("axis = {} for input {}: expected a signal axis (not the last, complex axis)", axis,
                             describeInput(ctx, 0)))
        .help(fmt::format("pick an axis between {} and {}", -static_cast<int64_t>(x.rank()), x.rank() - 2));
    return;
  }
  ir::Shape out = x;
  out[x.rank() - 1] = ir::Dim::value(2);
  if (ctx.hasInput(1)) {
    bool known = false;
    std::optional<int64_t> length = sizeInput(ctx, 1, "dft_length", 1, known);
    if (known && !length) return;
    out[*a] = length ? ir::Dim::value(*length) : ir::Dim();
  }
  if (onesided) {
    // floor(n / 2) + 1 unique bins
    out[*a] = ir::add(ir::floorDiv(out[*a], 2), ir::Dim::value(1)).value_or(ir::Dim());
  }
  ctx.setOutput(0, std::move(out), type);
}

void inferSTFT(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 2) || !misc::requireRank(ctx, 0, 3, "signal")) return;
  const int32_t type = ctx.inputType(0);
  const bool onesided = ctx.attrInt("onesided", 1) != 0;
  bool known = false;
  std::optional<int64_t> step = sizeInput(ctx, 1, "frame_step", 1, known);
  if (known && !step) return;
  // frame_length: the input, else the window's length.
  ir::Dim frameLength;
  if (ctx.hasInput(3)) {
    std::optional<int64_t> length = sizeInput(ctx, 3, "frame_length", 1, known);
    if (known && !length) return;
    if (length) frameLength = ir::Dim::value(*length);
  }
  if (ctx.hasInput(2)) {
    if (!misc::requireRank(ctx, 2, 1, "window")) return;
    std::optional<ir::Dim> d =
        misc::mergeEqual(ctx, frameLength.isUnknown() ? misc::dimOf(ctx, 2, 0) : frameLength, misc::dimOf(ctx, 2, 0),
                         fmt::format("frame_length and the length of window {}", describeInput(ctx, 2)));
    if (!d) return;
    frameLength = *d;
  }
  const ir::Dim signal = misc::dimOf(ctx, 0, 1);
  // frames = floor((signal_length - frame_length) / frame_step) + 1
  ir::Dim frames;
  if (step && !frameLength.isUnknown() && !signal.isUnknown()) {
    std::optional<ir::Dim> span = ir::sub(signal, frameLength);
    if (span && span->isValue() && span->value() < 0) {
      ctx.report(diag::RuleId::kNonPositiveOutput)
          .message(fmt::format("frame_length {} is longer than the signal ({} samples of {})", frameLength.str(),
                               signal.str(), describeInput(ctx, 0)))
          .help("use a frame no longer than the signal");
      return;
    }
    frames = ir::add(ir::floorDiv(span, *step), ir::Dim::value(1)).value_or(ir::Dim());
  }
  const ir::Dim bins =
      onesided ? ir::add(ir::floorDiv(frameLength, 2), ir::Dim::value(1)).value_or(ir::Dim()) : frameLength;
  ctx.setOutput(0, ir::Shape({misc::dimOf(ctx, 0, 0), frames, bins, ir::Dim::value(2)}), type);
}

void inferDet(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 1) || !misc::requireMinRank(ctx, 0, 2, "X")) return;
  const ir::Shape& x = ctx.inputShape(0);
  if (!x.rankKnown()) return;
  const size_t r = x.rank();
  if (!misc::mergeEqual(ctx, x[r - 2], x[r - 1],
                        fmt::format("the last two dims of X {} (square matrices)", describeInput(ctx, 0))))
    return;
  ctx.setOutput(0, ir::Shape(std::vector<ir::Dim>(x.dims().begin(), x.dims().end() - 2)), ctx.inputType(0));
}

void inferRoiAlign(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 3) || !misc::requireRank(ctx, 0, 4, "X") || !misc::requireRank(ctx, 1, 2, "rois") ||
      !misc::requireRank(ctx, 2, 1, "batch_indices"))
    return;
  if (!misc::mergeEqual(ctx, misc::dimOf(ctx, 1, 1), ir::Dim::value(4),
                        fmt::format("axis 1 of rois {} and 4 (x1, y1, x2, y2)", describeInput(ctx, 1))))
    return;
  std::optional<ir::Dim> rois = misc::mergeEqual(
      ctx, misc::dimOf(ctx, 1, 0), misc::dimOf(ctx, 2, 0),
      fmt::format("the number of rois {} and of batch_indices {}", describeInput(ctx, 1), describeInput(ctx, 2)));
  if (!rois) return;
  const int64_t h = ctx.attrInt("output_height", 1);
  const int64_t w = ctx.attrInt("output_width", 1);
  if (!misc::checkAttrRange(ctx, "output_height", h, 1, INT64_MAX) ||
      !misc::checkAttrRange(ctx, "output_width", w, 1, INT64_MAX))
    return;
  ctx.setOutput(0, ir::Shape({*rois, misc::dimOf(ctx, 0, 1), ir::Dim::value(h), ir::Dim::value(w)}), ctx.inputType(0));
}

void inferMaxRoiPool(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 2) || !misc::requireRank(ctx, 0, 4, "X") || !misc::requireRank(ctx, 1, 2, "rois"))
    return;
  if (!misc::mergeEqual(ctx, misc::dimOf(ctx, 1, 1), ir::Dim::value(5),
                        fmt::format("axis 1 of rois {} and 5 (batch_id, x1, y1, x2, y2)", describeInput(ctx, 1))))
    return;
  std::optional<std::vector<int64_t>> pooled = ctx.attrInts("pooled_shape");
  if (!pooled || pooled->size() != 2 || (*pooled)[0] < 1 || (*pooled)[1] < 1) {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message("pooled_shape must be two sizes >= 1 (height, width)")
        .help("set pooled_shape to [pooled_height, pooled_width]");
    return;
  }
  ctx.setOutput(0,
                ir::Shape({misc::dimOf(ctx, 1, 0), misc::dimOf(ctx, 0, 1), ir::Dim::value((*pooled)[0]),
                           ir::Dim::value((*pooled)[1])}),
                ctx.inputType(0));
}

}  // namespace shapelint::passes::shape
