// Selecting elements: Gather and Slice, on shapes and on propagated data
// (Shape -> Gather(0), Shape -> Slice(2, 4)).
#include <algorithm>
#include <set>
#include <string>

#include <fmt/format.h>

#include "passes/shape/common.h"
#include "passes/shape/data_values.h"
#include "passes/shape/merge.h"
#include "passes/shape/ops_data.h"
#include "shapelint/ir/checked.h"
#include "shapelint/ir/expr.h"

namespace shapelint::passes::shape {
namespace {

// Row-major strides of a fully known shape.
std::vector<int64_t> stridesOf(const ir::Shape& s) {
  std::vector<int64_t> strides(s.rank(), 1);
  for (size_t a = s.rank(); a-- > 1;) strides[a - 1] = strides[a] * s[a].value();
  return strides;
}

// Elements of `in` (fully known shape `inShape`) at the cartesian product of
// per-axis index lists, row-major.
std::vector<Elem> pick(const std::vector<Elem>& in, const ir::Shape& inShape,
                       const std::vector<std::vector<int64_t>>& indices) {
  const std::vector<int64_t> strides = stridesOf(inShape);
  std::vector<Elem> out;
  std::vector<size_t> pos(indices.size(), 0);
  for (const auto& list : indices)
    if (list.empty()) return out;
  while (true) {
    int64_t offset = 0;
    for (size_t a = 0; a < indices.size(); ++a) offset += indices[a][pos[a]] * strides[a];
    out.push_back(in[static_cast<size_t>(offset)]);
    size_t a = indices.size();
    while (a-- > 0) {
      if (++pos[a] < indices[a].size()) break;
      pos[a] = 0;
    }
    if (a == static_cast<size_t>(-1)) break;
  }
  return out;
}

// One axis of a slice with the spec's effective start, end and step.
struct AxisSlice {
  int64_t start = 0;
  int64_t step = 1;
  int64_t size = 0;
};

// The spec's clamping for a dim of known size n: negative starts and ends
// have n added; start is clamped into [0, n] for positive steps and
// [0, n - 1] for negative ones; end into [0, n] or [-1, n - 1].
AxisSlice sliceAxis(int64_t n, int64_t start, int64_t end, int64_t step) {
  if (n == 0) return AxisSlice{0, step, 0};
  if (start < 0) start += n;  // start >= INT64_MIN + 0: no overflow as n >= 0
  if (end < 0) end += n;
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, n);
    end = std::clamp<int64_t>(end, 0, n);
  } else {
    start = std::clamp<int64_t>(start, 0, n - 1);
    end = std::clamp<int64_t>(end, -1, n - 1);
  }
  AxisSlice s{start, step, 0};
  // size = max(0, ceil((end - start) / step)); |end - start| <= n + 1.
  if (step > 0 && end > start) s.size = ir::ceilDiv(end - start, step);
  if (step < 0 && start > end) s.size = ir::ceilDiv(start - end, -step);
  return s;
}

constexpr int64_t kFar = int64_t{1} << 62;  // INT_MAX-like bounds ("to the end")

// A symbolic dim sliced: only slices that provably cover the whole axis
// (from the first or last element to beyond the other end) have a size,
// ceil(dim / |step|).
ir::Dim symbolicSliceSize(const ir::Dim& d, int64_t start, int64_t end, int64_t step) {
  if (d.isUnknown()) return d;
  const bool forward = step > 0 && (start == 0 || start <= -kFar) && end >= kFar;
  const bool backward = step < 0 && (start == -1 || start >= kFar) && end <= -kFar;
  if (!forward && !backward) return ir::Dim::unknown();
  std::optional<ir::Dim> size = ir::ceilDiv(d, step > 0 ? step : (step == INT64_MIN ? kFar : -step));
  return size ? *size : ir::Dim::unknown();
}

struct SliceArgs {
  std::vector<int64_t> starts, ends, axes, steps;
};

}  // namespace

void inferGather(InferContext& ctx) {
  if (!requireInputs(ctx, 2, Arity::kAtLeast)) return;
  const ir::Shape& data = ctx.inputShape(0);
  const ir::Shape& indices = ctx.inputShape(1);
  const int32_t type = ctx.inputType(0);
  const int64_t axisValue = ctx.attrInt("axis", 0);
  if (!data.rankKnown() || !indices.rankKnown()) {
    ctx.setOutput(0, ir::Shape::unknownRank(), type);
    return;
  }
  if (data.rank() == 0) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("Gather's data {} is a scalar, expected rank >= 1", describeInput(ctx, 0)))
        .help("gather from a tensor of rank 1 or more");
    return;
  }
  std::optional<size_t> axis = normalizeAxis(axisValue, data.rank());
  if (!axis) {
    const auto r = static_cast<int64_t>(data.rank());
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("axis is {}, expected {} to {} for data of rank {}", axisValue, -r, r - 1, data.rank()))
        .help(fmt::format("pick an axis of the rank-{} data", data.rank()));
    return;
  }
  // output = data[:axis] + indices + data[axis + 1:]
  std::vector<ir::Dim> dims(data.dims().begin(), data.dims().begin() + static_cast<std::ptrdiff_t>(*axis));
  dims.insert(dims.end(), indices.dims().begin(), indices.dims().end());
  dims.insert(dims.end(), data.dims().begin() + static_cast<std::ptrdiff_t>(*axis) + 1, data.dims().end());
  ir::Shape out(std::move(dims));
  ctx.setOutput(0, out, type);

  // Indices in [-s, s - 1] on an axis of size s; negative ones count from the
  // back.
  std::optional<std::vector<int64_t>> idx = inputInts(ctx, 1);
  if (!idx || elementCount(indices) != static_cast<int64_t>(idx->size())) return;
  const ir::Dim& s = data[*axis];
  for (int64_t& i : *idx) {
    if (!s.isValue()) {
      if (i < 0) return;  // counts from an unknown end
      continue;
    }
    if (i < -s.value() || i >= s.value()) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("Gather index {} is out of range for axis {} of "
                               "{}, expected {} to {}",
                               i, *axis, describeInput(ctx, 0), -s.value(), s.value() - 1))
          .help("gather indices within the axis");
      return;
    }
    if (i < 0) i += s.value();
  }
  std::optional<std::vector<Elem>> elems = inputElems(ctx, 0);
  const std::optional<bool> real = realType(type, ctx.inputSymbolicData(0));
  if (!elems || !real) return;
  std::optional<int64_t> count = elementCount(out);
  if (!count || *count > ir::kMaxConstElements) return;
  // data[outer..., indices..., inner...] with the index list on `axis`.
  std::vector<std::vector<int64_t>> lists;
  for (size_t a = 0; a < data.rank(); ++a) {
    std::vector<int64_t> list;
    if (a == *axis) list = *idx;
    else
      for (int64_t k = 0; k < data[a].value(); ++k) list.push_back(k);
    lists.push_back(std::move(list));
  }
  setOutputElems(ctx, 0, out, pick(*elems, data, lists), *real);
}

void inferSlice(InferContext& ctx) {
  if (!requireInputs(ctx, 1, Arity::kAtLeast)) return;
  const ir::Shape& x = ctx.inputShape(0);
  const int32_t type = ctx.inputType(0);
  SliceArgs args;
  bool known = true;
  bool axesKnown = true;
  if (ctx.opset() < 10) {
    std::optional<std::vector<int64_t>> starts = ctx.attrInts("starts");
    std::optional<std::vector<int64_t>> ends = ctx.attrInts("ends");
    if (!starts || !ends) {
      if (!ctx.attr("starts") || !ctx.attr("ends"))
        ctx.report(diag::RuleId::kInvalidAttribute)
            .message(fmt::format("Slice has no '{}' attribute, expected starts "
                                 "and ends at opset {}",
                                 ctx.attr("starts") ? "ends" : "starts", ctx.opset()))
            .help("give Slice its starts and ends");
      return;
    }
    args.starts = *starts;
    args.ends = *ends;
    if (std::optional<std::vector<int64_t>> axes = ctx.attrInts("axes")) args.axes = *axes;
    else if (ctx.attr("axes")) return;
  } else {
    if (!requireInputs(ctx, 3, Arity::kAtLeast)) return;
    std::optional<std::vector<int64_t>> starts = inputInts(ctx, 1);
    std::optional<std::vector<int64_t>> ends = inputInts(ctx, 2);
    known = starts && ends;
    if (known) {
      args.starts = *starts;
      args.ends = *ends;
    }
    if (ctx.hasInput(3)) {
      std::optional<std::vector<int64_t>> axes = inputInts(ctx, 3);
      if (axes) args.axes = *axes;
      else axesKnown = false;
    }
    if (ctx.hasInput(4)) {
      std::optional<std::vector<int64_t>> steps = inputInts(ctx, 4);
      if (steps) args.steps = *steps;
      else known = false;
    }
  }
  if (!x.rankKnown()) {
    ctx.setOutput(0, ir::Shape::unknownRank(), type);
    return;
  }
  if (!known || !axesKnown) {
    // The rank stays; the sliced axes (all of them when axes are unknown) are
    // unknown.
    ir::Shape out = x;
    std::set<size_t> sliced;
    if (axesKnown && ctx.hasInput(3))
      for (int64_t a : args.axes)
        if (std::optional<size_t> n = normalizeAxis(a, x.rank())) sliced.insert(*n);
    for (size_t a = 0; a < x.rank(); ++a)
      if (!axesKnown || !ctx.hasInput(3) || sliced.count(a)) out[a] = ir::Dim::unknown();
    ctx.setOutput(0, out, type);
    return;
  }
  const size_t n = args.starts.size();
  if (args.axes.empty() && !(ctx.opset() >= 10 && ctx.hasInput(3)))
    for (size_t a = 0; a < n; ++a) args.axes.push_back(static_cast<int64_t>(a));
  if (args.steps.empty()) args.steps.assign(n, 1);
  if (args.ends.size() != n || args.axes.size() != n || args.steps.size() != n) {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("Slice has {} starts, {} ends, {} axes and {} "
                             "steps, expected equal lengths",
                             n, args.ends.size(), args.axes.size(), args.steps.size()))
        .help("give one start, end, axis and step per sliced axis");
    return;
  }
  if (n > x.rank()) {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("Slice slices {} axes of {}, expected at most {}", n, describeInput(ctx, 0), x.rank()))
        .help("slice each axis of the input at most once");
    return;
  }
  ir::Shape out = x;
  std::vector<std::optional<AxisSlice>> slices(x.rank());
  std::set<size_t> seen;
  const bool negativeAxes = ctx.opset() >= 10;
  for (size_t k = 0; k < n; ++k) {
    std::optional<size_t> axis =
        negativeAxes || args.axes[k] >= 0 ? normalizeAxis(args.axes[k], x.rank()) : std::nullopt;
    if (!axis || !seen.insert(*axis).second) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("Slice axes [{}] has {}, expected distinct axes "
                               "of the rank-{} input",
                               fmt::join(args.axes, ", "), args.axes[k], x.rank()))
          .help("list each sliced axis once, within the input's rank");
      return;
    }
    const int64_t step = args.steps[k];
    if (step == 0) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("Slice steps [{}] has 0 for axis {}, expected a non-zero step",
                               fmt::join(args.steps, ", "), *axis))
          .help("use step 1 to take every element");
      return;
    }
    const ir::Dim& d = x[*axis];
    if (d.isValue()) {
      slices[*axis] = sliceAxis(d.value(), args.starts[k], args.ends[k], step);
      out[*axis] = ir::Dim::value(slices[*axis]->size);
    } else {
      out[*axis] = symbolicSliceSize(d, args.starts[k], args.ends[k], step);
    }
  }
  ctx.setOutput(0, out, type);

  std::optional<std::vector<Elem>> elems = inputElems(ctx, 0);
  const std::optional<bool> real = realType(type, ctx.inputSymbolicData(0));
  std::optional<int64_t> count = elementCount(out);
  if (!elems || !real || !count || *count > ir::kMaxConstElements) return;
  std::vector<std::vector<int64_t>> lists;
  for (size_t a = 0; a < x.rank(); ++a) {
    std::vector<int64_t> list;
    if (slices[a])
      for (int64_t i = 0; i < slices[a]->size; ++i) list.push_back(slices[a]->start + i * slices[a]->step);
    else
      for (int64_t i = 0; i < x[a].value(); ++i) list.push_back(i);
    lists.push_back(std::move(list));
  }
  setOutputElems(ctx, 0, out, *count == 0 ? std::vector<Elem>() : pick(*elems, x, lists), *real);
}

}  // namespace shapelint::passes::shape
