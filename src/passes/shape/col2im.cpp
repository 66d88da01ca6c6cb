// Col2Im (opset 18): input [N, C * prod(block_shape), L], image_shape and
// block_shape 1-D int64 inputs (n values each), attributes dilations,
// strides (n values) and pads (2n). Output [N, C, image_shape...]. L must be
// the number of block placements, the product over the axes of
// floor((image + pb + pe - ke)/s) + 1 (relationship 6/15 with the block as
// the kernel).
#include <fmt/format.h>

#include "passes/shape/merge.h"
#include "passes/shape/op_attributes.h"
#include "passes/shape/ops.h"
#include "passes/shape/window.h"
#include "shapelint/ir/checked.h"

namespace shapelint::passes::shape {
namespace {

// The values of a 1-D int64 input (image_shape, block_shape) when known; n
// gets its length when known. False after a finding.
bool readShapeInput(InferContext& ctx, size_t i, const char* role, std::optional<size_t>& n,
                    std::optional<std::vector<int64_t>>& values) {
  if (!ctx.hasInput(i)) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("Col2Im has no input {}, expected a 1-D int64 tensor", role))
        .help(fmt::format("connect {}", role));
    return false;
  }
  const ir::Shape& shape = ctx.inputShape(i);
  if (shape.rankKnown() && shape.rank() != 1) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("{} {} has rank {}, expected 1", role, describeInput(ctx, i), shape.rank()))
        .help(fmt::format("give {} as a 1-D int64 tensor, one value per spatial axis", role));
    return false;
  }
  const ir::ConstData* data = ctx.inputData(i);
  if (data && !data->isReal) values = data->ints;
  std::optional<size_t> length;
  if (values) {
    length = values->size();
  } else if (shape.rankKnown() && shape[0].isValue()) {
    // One value per spatial axis: a length beyond what a constant can hold is no rank.
    if (shape[0].value() < 0 || shape[0].value() > ir::kMaxConstElements) {
      ctx.report(diag::RuleId::kAbsurdDim)
          .message(fmt::format("{} {} has {} values, expected one per spatial axis (at most {})", role,
                               describeInput(ctx, i), shape[0].value(), ir::kMaxConstElements))
          .help(fmt::format("give {} one value per spatial axis of the image", role));
      return false;
    }
    length = static_cast<size_t>(shape[0].value());
  }
  if (length && n && *length != *n) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("{} {} has {} values, expected {} like image_shape", role, describeInput(ctx, i), *length,
                             *n))
        .help("give image_shape and block_shape one value per spatial axis each");
    return false;
  }
  if (length) n = length;
  return true;
}

}  // namespace

void inferCol2Im(InferContext& ctx) {
  if (!checkAttributesDefined(ctx, {{"dilations"}, {"pads"}, {"strides"}})) return;
  if (!ctx.hasInput(0)) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message("Col2Im has no input, expected a tensor N x C*prod(block_shape) x L")
        .help("connect the column input");
    return;
  }
  const ir::Shape& in = ctx.inputShape(0);
  if (in.rankKnown() && in.rank() != 3) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("input {} has rank {}, expected 3 (N x C*prod(block_shape) x L)", describeInput(ctx, 0),
                             in.rank()))
        .help("Col2Im takes batched columns; reshape the input to N x C*prod(block_shape) x L");
    return;
  }
  if (!window::checkNonNegativeDims(ctx, 0)) return;
  std::optional<size_t> n;
  std::optional<std::vector<int64_t>> image;
  std::optional<std::vector<int64_t>> block;
  if (!readShapeInput(ctx, 1, "image_shape", n, image) || !readShapeInput(ctx, 2, "block_shape", n, block)) return;
  if (!n) return;  // the output rank is unknown
  for (const auto* values : {&image, &block}) {
    if (!*values) continue;
    for (size_t a = 0; a < (*values)->size(); ++a) {
      const int64_t v = (**values)[a];
      const bool isBlock = values == &block;
      if (v >= (isBlock ? 1 : 0)) continue;
      ctx.report(isBlock ? diag::RuleId::kMalformedNode : diag::RuleId::kAbsurdDim)
          .message(fmt::format("{} [{}] has {} on spatial axis {}, expected at least {}",
                               isBlock ? "block_shape" : "image_shape", fmt::join(**values, ", "), v, a,
                               isBlock ? 1 : 0))
          .help(isBlock ? "give every block size as at least 1" : "give non-negative image sizes");
      return;
    }
  }

  // The window: block_shape is the kernel; strides, dilations and pads are attributes.
  std::vector<ir::Dim> kernel(*n);
  if (block)
    for (size_t a = 0; a < *n; ++a) kernel[a] = ir::Dim::value((*block)[a]);
  const ir::Shape imageShape = ir::Shape::unknownDims(*n + 2);
  std::optional<window::WindowGeometry> geometry = window::parseWindowGeometry(
      ctx, imageShape, kernel, {.op = window::WindowOp::kConv, .ceilMode = false, .dilations = true, .autoPad = false});
  if (!geometry) return;

  const ir::Dim n0 = in.rankKnown() ? in[0] : ir::Dim::unknown();
  ir::Dim channels = ir::Dim::unknown();
  std::optional<int64_t> blockSize = 1;
  if (block) {
    for (int64_t b : *block) blockSize = blockSize ? ir::checkedMul(*blockSize, b) : std::nullopt;
    if (!blockSize) {
      ctx.report(diag::RuleId::kAbsurdDim)
          .message(fmt::format("prod(block_shape) = prod([{}]) is outside int64's range", fmt::join(*block, ", ")))
          .help("give block sizes whose product fits in int64");
      return;
    }
  }
  if (in.rankKnown() && in[1].isValue() && block) {
    if (in[1].value() % *blockSize != 0) {
      ctx.report(diag::RuleId::kMalformedNode)
          .message(fmt::format("input {} has {} values per column, expected a multiple of prod(block_shape) = {}",
                               describeInput(ctx, 0), in[1].value(), *blockSize))
          .detail(fmt::format("C * prod(block_shape): {} mod {} = {}", in[1].value(), *blockSize,
                              in[1].value() % *blockSize))
          .help(fmt::format("the columns must hold C * {} values for some channel count C", *blockSize));
      return;
    }
    channels = ir::Dim::value(in[1].value() / *blockSize);
  }

  // L = prod over the axes of the block placements.
  if (image && block) {
    int64_t blocks = 1;
    std::vector<std::string> counts;
    bool ok = true;
    for (size_t a = 0; a < *n && ok; ++a) {
      std::optional<window::AxisWindow> w = geometry->axis(a);
      std::optional<window::AxisFacts> f = w ? window::convAxis((*image)[a], *w) : std::nullopt;
      if (!f) {
        if (w) window::reportOverflow(ctx, window::overflowingStep((*image)[a], *w), a + 2);
        return;
      }
      if (f->output < 1) {
        ctx.report(diag::RuleId::kNonPositiveOutput)
            .message(fmt::format("block_shape {} does not fit image_shape {} on axis {}: {} placements, expected at "
                                 "least 1",
                                 f->effectiveKernel, (*image)[a], a + 2, f->output))
            .detail(window::describe(*f, a + 2))
            .help(fmt::format("use an image of at least {} on axis {}, or a smaller block", f->minInput, a + 2));
        return;
      }
      counts.push_back(std::to_string(f->output));
      std::optional<int64_t> next = ir::checkedMul(blocks, f->output);
      if (!next) {
        ctx.report(diag::RuleId::kAbsurdDim)
            .message(fmt::format("the number of blocks {} is outside int64's range", fmt::join(counts, " * ")))
            .help("check image_shape, block_shape and the strides");
        return;
      }
      blocks = *next;
    }
    if (in.rankKnown() && in[2].isValue() && in[2].value() != blocks) {
      auto builder = ctx.report(diag::RuleId::kMalformedNode);
      builder
          .message(fmt::format("input {} has L = {} blocks, expected {} = {} (the block placements over image_shape "
                               "[{}])",
                               describeInput(ctx, 0), in[2].value(), blocks, fmt::join(counts, " * "),
                               fmt::join(*image, ", ")))
          .help("L must equal the product of the per-axis block counts: check image_shape, block_shape, strides, "
                "dilations and pads against the Im2Col (Unfold) that made the columns");
      for (size_t a = 0; a < *n; ++a) {
        std::optional<window::AxisFacts> f = window::convAxis((*image)[a], *geometry->axis(a));
        builder.detail(window::describe(*f, a + 2));
      }
      return;
    }
  }

  std::vector<ir::Dim> dims = {n0, channels};
  for (size_t a = 0; a < *n; ++a) dims.push_back(image ? ir::Dim::value((*image)[a]) : ir::Dim::unknown());
  ctx.setOutput(0, ir::Shape(std::move(dims)), ctx.inputType(0));
}

}  // namespace shapelint::passes::shape
