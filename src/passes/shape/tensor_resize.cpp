// Resampling: Resize, Upsample, GridSample.
#include <fmt/format.h>

#include <cmath>

#include "passes/shape/merge.h"
#include "passes/shape/op_attributes.h"
#include "passes/shape/ops_tensor.h"
#include "passes/shape/tensor_common.h"

namespace shapelint::passes::shape {
namespace {

using tensor::requireInput;

// floor(v) as a dim; unknown when negative, not a number or past int64.
ir::Dim fromFloor(double v) {
  const double floored = std::floor(v);
  if (!(floored >= 0.0) || floored > 9.0e18) return ir::Dim::unknown();
  return ir::Dim::value(static_cast<int64_t>(floored));
}

// floor(d * scale) as ONNX computes it (float arithmetic). For a symbolic
// d: d * k for an integer scale k, floor(d * num / 2^p) for a scale that is
// exactly such a fraction (0.5, 0.75, 1.5 ...); else unknown.
ir::Dim scaledDim(const ir::Dim& d, double scale) {
  if (d.isValue()) {
    const float product = static_cast<float>(d.value()) * static_cast<float>(scale);
    return fromFloor(static_cast<double>(product));
  }
  if (d.isUnknown() || !(scale > 0.0)) return ir::Dim::unknown();
  for (int64_t den = 1; den <= (int64_t{1} << 16); den *= 2) {
    const double num = scale * static_cast<double>(den);
    if (num != std::floor(num) || num > 1.0e9) continue;
    std::optional<ir::Dim> r = ir::floorDiv(ir::mul(d, static_cast<int64_t>(num)), den);
    return r.value_or(ir::Dim::unknown());
  }
  return ir::Dim::unknown();
}

// SL003 unless every scale is > 0; SL003 unless there is one per axis.
bool checkScales(InferContext& ctx, const std::vector<double>& scales, size_t count, const char* what,
                 diag::RuleId rule) {
  if (scales.size() != count) {
    ctx.report(rule)
        .message(fmt::format("{} [{}] has {} values, expected {} (one per {}axis of {})", what, fmt::join(scales, ", "),
                             scales.size(), count, ctx.attr("axes") ? "listed " : "", describeInput(ctx, 0)))
        .help(fmt::format("give {} values", count));
    return false;
  }
  for (double s : scales) {
    if (s > 0.0) continue;
    ctx.report(rule)
        .message(fmt::format("{} [{}] has {}, expected values > 0", what, fmt::join(scales, ", "), s))
        .help("give positive scales (1 keeps an axis)");
    return false;
  }
  return true;
}

// Whether Resize's scales or sizes input i is used: Resize passes "" or an
// empty tensor for the one it does not use. kMaybe when the input's size is
// not known yet (e.g. an unresolved Constant).
enum class Given { kNo, kYes, kMaybe };

Given given(InferContext& ctx, size_t i) {
  if (!ctx.hasInput(i)) return Given::kNo;
  if (const ir::ConstData* data = ctx.inputData(i)) return data->size() == 0 ? Given::kNo : Given::kYes;
  const ir::Shape& s = ctx.inputShape(i);
  if (!s.rankKnown() || s.rank() != 1 || !s[0].isValue()) return Given::kMaybe;
  return s[0].value() == 0 ? Given::kNo : Given::kYes;
}

bool checkStringAttr(InferContext& ctx, const char* name, std::initializer_list<const char*> allowed) {
  std::optional<std::string> v = ctx.attrString(name);
  if (!v) return !ctx.attr(name);
  std::string list;
  for (const char* a : allowed) {
    if (*v == a) return true;
    list += fmt::format("{}{}", list.empty() ? "" : ", ", a);
  }
  ctx.report(diag::RuleId::kInvalidAttribute)
      .message(fmt::format("{} is '{}', expected one of {} at opset {}", name, *v, list, ctx.opset()))
      .help(fmt::format("use one of: {}", list));
  return false;
}

// Upsample and Resize with scales: out = floor(d * scale) on each axis.
ir::Shape scaledShape(const ir::Shape& x, const std::vector<size_t>& axes, const std::vector<double>& scales) {
  ir::Shape out = x;
  for (size_t j = 0; j < axes.size(); ++j) out[axes[j]] = scaledDim(x[axes[j]], scales[j]);
  return out;
}

}  // namespace

// Resize: out = floor(d * scale) (tf_crop_and_resize: floor(d * (end -
// start) * scale) with the roi), or the sizes input; at opset 18
// keep_aspect_ratio_policy scales all axes by one factor, and axes picks
// the axes scales/sizes/roi apply to.
void inferResize(InferContext& ctx) {
  const int64_t opset = ctx.opset();
  if (!checkAttributesDefined(ctx, {{"mode"},
                                    {"coordinate_transformation_mode", 11},
                                    {"cubic_coeff_a", 11},
                                    {"exclude_outside", 11},
                                    {"extrapolation_value", 11},
                                    {"nearest_mode", 11},
                                    {"antialias", 18},
                                    {"axes", 18},
                                    {"keep_aspect_ratio_policy", 18}}))
    return;
  if (!requireInput(ctx, 0, "X") ||
      !tensor::checkInputCount(ctx, opset < 11 ? 2 : 4, "Resize: X and scales at opset 10; roi and sizes from 11"))
    return;
  const bool modesOk =
      (opset < 11 ? checkStringAttr(ctx, "mode", {"nearest", "linear"})
                  : checkStringAttr(ctx, "mode", {"nearest", "linear", "cubic"})) &&
      (opset < 19 ? checkStringAttr(ctx, "coordinate_transformation_mode",
                                    {"half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
                                     "tf_half_pixel_for_nn", "tf_crop_and_resize"})
                  : checkStringAttr(ctx, "coordinate_transformation_mode",
                                    {"half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners",
                                     "asymmetric", "tf_half_pixel_for_nn", "tf_crop_and_resize"})) &&
      checkStringAttr(ctx, "nearest_mode", {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"}) &&
      checkStringAttr(ctx, "keep_aspect_ratio_policy", {"stretch", "not_larger", "not_smaller"});
  if (!modesOk) return;
  const size_t scalesIndex = opset < 11 ? 1 : 2;
  if (opset < 11 && !requireInput(ctx, 1, "scales")) return;
  const Given scalesGiven = given(ctx, scalesIndex);
  const Given sizesGiven = opset >= 11 ? given(ctx, 3) : Given::kNo;
  if (opset >= 11 && scalesGiven == sizesGiven && scalesGiven != Given::kMaybe) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(scalesGiven == Given::kYes ? "Resize has both scales and sizes, expected exactly one"
                                            : "Resize has neither scales nor sizes, expected exactly one")
        .help("give the output size either as scales (input 2) or as sizes (input 3)");
    return;
  }
  // One of them is used; which one, when the other may be empty.
  const bool hasScales =
      opset < 11 || scalesGiven == Given::kYes || (scalesGiven == Given::kMaybe && sizesGiven == Given::kNo);
  const bool hasSizes = !hasScales && (sizesGiven == Given::kYes || scalesGiven == Given::kNo);
  std::optional<std::vector<int64_t>> axesAttr = ctx.attrInts("axes");
  if (!axesAttr && ctx.attr("axes")) return;
  const ir::Shape& x = ctx.inputShape(0);
  const int32_t type = ctx.inputType(0);
  if (!x.rankKnown()) {
    // Without axes the scales or sizes give the rank.
    const ir::Shape& s = ctx.inputShape(hasScales ? scalesIndex : 3);
    if (!axesAttr && (hasScales || hasSizes) && s.rankKnown() && s.rank() == 1 && s[0].isValue() && s[0].value() > 0 &&
        s[0].value() <= ir::kMaxConstElements)
      ctx.setOutput(0, ir::Shape::unknownDims(static_cast<size_t>(s[0].value())), type);
    return;
  }
  std::vector<size_t> axes;
  if (axesAttr) {
    std::optional<std::vector<size_t>> normalized = tensor::axesOrReport(ctx, *axesAttr, x.rank(), "axes", true);
    if (!normalized) return;
    axes = *normalized;
  } else {
    for (size_t a = 0; a < x.rank(); ++a) axes.push_back(a);
  }
  ir::Shape unknownOnAxes = x;
  for (size_t a : axes) unknownOnAxes[a] = ir::Dim::unknown();

  if (!hasScales && !hasSizes) {
    ctx.setOutput(0, unknownOnAxes, type);
    return;
  }
  if (hasScales) {
    bool known = true;
    std::optional<std::vector<double>> scales = tensor::constReals(ctx, scalesIndex, known);
    if (!known || !scales) {
      ctx.setOutput(0, unknownOnAxes, type);
      return;
    }
    if (!checkScales(ctx, *scales, axes.size(), "scales", diag::RuleId::kMalformedNode)) return;
    if (ctx.attrString("coordinate_transformation_mode").value_or("") == "tf_crop_and_resize") {
      // floor(d * (roi_end - roi_start) * scale), the roi [starts, ends].
      bool roiKnown = true;
      std::optional<std::vector<double>> roi = tensor::constReals(ctx, 1, roiKnown);
      if (!roiKnown || !roi || roi->size() != 2 * axes.size()) {
        if (roi && roiKnown)
          ctx.report(diag::RuleId::kMalformedNode)
              .message(fmt::format("roi [{}] has {} values, expected {} "
                                   "(starts and ends of {} axes)",
                                   fmt::join(*roi, ", "), roi->size(), 2 * axes.size(), axes.size()))
              .help("give the roi as all starts, then all ends");
        else
          ctx.setOutput(0, unknownOnAxes, type);
        return;
      }
      ir::Shape out = x;
      for (size_t j = 0; j < axes.size(); ++j) {
        const double extent = static_cast<double>(static_cast<float>((*roi)[j + axes.size()] - (*roi)[j]));
        const ir::Dim& d = x[axes[j]];
        if (d.isValue()) {
          const float product =
              static_cast<float>(d.value()) * static_cast<float>(extent) * static_cast<float>((*scales)[j]);
          out[axes[j]] = fromFloor(static_cast<double>(product));
        } else {
          out[axes[j]] = extent == 1.0 ? scaledDim(d, (*scales)[j]) : ir::Dim::unknown();
        }
      }
      ctx.setOutput(0, std::move(out), type);
      return;
    }
    ctx.setOutput(0, scaledShape(x, axes, *scales), type);
    return;
  }

  bool known = true;
  std::optional<std::vector<int64_t>> sizes = tensor::constInts(ctx, 3, known);
  if (!known || !sizes) {
    // Sizes from a shape computation (Shape -> Mul -> Concat ...) may be
    // symbolic dims: taken as they are with the stretch policy.
    const ir::ConstData* symbolic = ctx.inputSymbolicData(3);
    const bool stretch = ctx.attrString("keep_aspect_ratio_policy").value_or("stretch") == "stretch";
    ir::Shape out = unknownOnAxes;
    if (symbolic && stretch && symbolic->size() == axes.size())
      for (size_t j = 0; j < axes.size(); ++j) out[axes[j]] = symbolic->dimAt(j);
    ctx.setOutput(0, std::move(out), type);
    return;
  }
  if (sizes->size() != axes.size()) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("sizes [{}] has {} values, expected {} (one per {}axis of {})", fmt::join(*sizes, ", "),
                             sizes->size(), axes.size(), axesAttr ? "listed " : "", describeInput(ctx, 0)))
        .help(fmt::format("give {} sizes", axes.size()));
    return;
  }
  for (int64_t s : *sizes) {
    if (s >= 0) continue;
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("sizes [{}] has {}, expected sizes >= 0", fmt::join(*sizes, ", "), s))
        .help("give non-negative sizes");
    return;
  }
  const std::string policy = ctx.attrString("keep_aspect_ratio_policy").value_or("stretch");
  ir::Shape out = x;
  if (policy == "stretch") {
    for (size_t j = 0; j < axes.size(); ++j) out[axes[j]] = ir::Dim::value((*sizes)[j]);
    ctx.setOutput(0, std::move(out), type);
    return;
  }
  // not_larger / not_smaller: scale = min / max of sizes[i] / d[i] over the
  // axes; out = round_half_up(scale * d[i]).
  std::optional<double> scale;
  for (size_t j = 0; j < axes.size(); ++j) {
    const ir::Dim& d = x[axes[j]];
    if (!d.isValue() || d.value() == 0) {
      ctx.setOutput(0, unknownOnAxes, type);
      return;
    }
    const double r = static_cast<double>(static_cast<float>((*sizes)[j]) / static_cast<float>(d.value()));
    if (!scale)
      scale = r;
    else
      scale = policy == "not_larger" ? std::min(*scale, r) : std::max(*scale, r);
  }
  for (size_t a : axes) {
    out[a] = fromFloor(*scale * static_cast<double>(x[a].value()) + 0.5);
  }
  ctx.setOutput(0, std::move(out), type);
}

// Upsample: out = floor(d * scale). Opset 1: height_scale and width_scale
// on a 4-D input; 7: the scales attribute; 9 (and the deprecated 10): the
// scales input.
void inferUpsample(InferContext& ctx) {
  const int64_t opset = ctx.opset();
  const bool defined = opset < 7   ? checkAttributesDefined(ctx, {{"height_scale"}, {"width_scale"}, {"mode"}})
                       : opset < 9 ? checkAttributesDefined(ctx, {{"scales"}, {"mode"}})
                                   : checkAttributesDefined(ctx, {{"mode"}});
  if (!defined || !requireInput(ctx, 0, "X") ||
      !tensor::checkInputCount(ctx, opset < 9 ? 1 : 2,
                               "Upsample: scales is an attribute before opset 9, an input from 9"))
    return;
  if (!checkStringAttr(ctx, "mode",
                       opset < 7 ? std::initializer_list<const char*>{"nearest", "bilinear"}
                                 : std::initializer_list<const char*>{"nearest", "linear", "bilinear"}))
    return;
  const ir::Shape& x = ctx.inputShape(0);
  const int32_t type = ctx.inputType(0);
  std::optional<std::vector<double>> scales;
  bool known = true;
  bool ok = true;
  diag::RuleId rule = diag::RuleId::kInvalidAttribute;
  if (opset < 7) {
    std::optional<double> h = ctx.attrFloat("height_scale");
    std::optional<double> w = ctx.attrFloat("width_scale");
    if (!h || !w) {
      if (!(ctx.attr("height_scale") && !h) && !(ctx.attr("width_scale") && !w))
        ctx.report(diag::RuleId::kInvalidAttribute)
            .message(
                "Upsample-1 needs height_scale and width_scale, expected "
                "both attributes")
            .help("give height_scale and width_scale");
      return;
    }
    if (!tensor::requireRank(ctx, 0, "X", 4, 4, "opset 1 scales the H and W of an N x C x H x W input")) return;
    scales = std::vector<double>{1.0, 1.0, *h, *w};
  } else if (opset < 9) {
    scales = tensor::attrFloats(ctx, "scales", ok);
    if (!ok) return;
    if (!scales) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("Upsample has no scales attribute, expected one at opset {}", opset))
          .help("give scales (one per axis of X)");
      return;
    }
  } else {
    if (!requireInput(ctx, 1, "scales")) return;
    rule = diag::RuleId::kMalformedNode;
    scales = tensor::constReals(ctx, 1, known);
  }
  if (!x.rankKnown()) return;
  if (!known || !scales) {
    ctx.setOutput(0, ir::Shape::unknownDims(x.rank()), type);
    return;
  }
  if (!checkScales(ctx, *scales, x.rank(), "scales", rule)) return;
  std::vector<size_t> axes;
  for (size_t a = 0; a < x.rank(); ++a) axes.push_back(a);
  ctx.setOutput(0, scaledShape(x, axes, *scales), type);
}

// GridSample: X [N, C, D1 ... Dr] sampled at grid [N, D1' ... Dr', r] gives
// [N, C, D1' ... Dr']; r = 2 at opset 16, any since 20.
void inferGridSample(InferContext& ctx) {
  if (!checkAttributesDefined(ctx, {{"align_corners"}, {"mode"}, {"padding_mode"}})) return;
  if (!requireInput(ctx, 0, "X") || !requireInput(ctx, 1, "grid")) return;
  const bool nd = ctx.opset() >= 20;
  const bool modesOk = (nd ? checkStringAttr(ctx, "mode", {"linear", "nearest", "cubic"})
                           : checkStringAttr(ctx, "mode", {"bilinear", "nearest", "bicubic"})) &&
                       checkStringAttr(ctx, "padding_mode", {"zeros", "border", "reflection"});
  if (!modesOk) return;
  const size_t maxRank = nd ? SIZE_MAX : 4;
  const size_t minRank = nd ? 3 : 4;
  const char* why = nd ? "X is N x C x D1 x ... x Dr, grid N x D1' x ... x Dr' x r"
                       : "X is N x C x H x W, grid N x H' x W' x 2 (N-D from opset 20)";
  if (!tensor::requireRank(ctx, 0, "X", minRank, maxRank, why) ||
      !tensor::requireRank(ctx, 1, "grid", minRank, maxRank, why))
    return;
  const ir::Shape& x = ctx.inputShape(0);
  const ir::Shape& grid = ctx.inputShape(1);
  if (!grid.rankKnown()) {
    if (x.rankKnown()) {
      ir::Shape out = ir::Shape::unknownDims(x.rank());
      out[0] = x[0];
      out[1] = x[1];
      ctx.setOutput(0, std::move(out), ctx.inputType(0));
    }
    return;
  }
  const size_t r = grid.rank() - 2;
  if (x.rankKnown() && x.rank() != grid.rank()) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("X {} has rank {} but grid {} has rank {}, expected equal ranks", describeInput(ctx, 0),
                             x.rank(), describeInput(ctx, 1), grid.rank()))
        .detail(fmt::format("GridSample: {}", why))
        .help(
            "give the grid one axis per spatial axis of X, plus N and the "
            "coordinate axis");
    return;
  }
  if (ir::provablyNotEqual(grid[grid.rank() - 1], ir::Dim::value(static_cast<int64_t>(r)))) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("grid {} has {} coordinates per point, expected "
                             "{} (one per spatial axis)",
                             describeInput(ctx, 1), grid[grid.rank() - 1].str(), r))
        .detail(fmt::format("GridSample: {}", why))
        .help(fmt::format("give the grid's last axis size {}", r));
    return;
  }
  ir::Dim n = grid[0];
  ir::Dim c;
  if (x.rankKnown()) {
    std::optional<ir::Dim> merged = equalDim(x[0], grid[0]);
    if (!merged) {
      auto builder = ctx.report(diag::RuleId::kIncompatibleMerge);
      builder
          .message(fmt::format("X {} has batch {}, grid {} has batch {}, expected equal", describeInput(ctx, 0),
                               x[0].str(), describeInput(ctx, 1), grid[0].str()))
          .detail("GridSample samples each image at its own grid")
          .help("give X and grid the same batch size");
      noteProducer(builder, ctx, 0);
      noteProducer(builder, ctx, 1);
      return;
    }
    n = *merged;
    c = x[1];
  }
  std::vector<ir::Dim> dims{n, c};
  for (size_t a = 1; a <= r; ++a) dims.push_back(grid[a]);
  ctx.setOutput(0, ir::Shape(std::move(dims)), ctx.inputType(0));
}

}  // namespace shapelint::passes::shape
