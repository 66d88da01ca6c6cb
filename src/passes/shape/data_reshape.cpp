// Reshape, Expand and Tile: output shapes from shape values, which may be
// symbolic (a Reshape target assembled from Shape -> Gather -> Concat).
#include <algorithm>
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

// The product of dims, symbolic; unknown when a dim is or on overflow.
ir::Dim product(const std::vector<ir::Dim>& dims) {
  std::optional<ir::Dim> p = ir::Dim::value(1);
  for (const ir::Dim& d : dims) p = ir::mul(p, d);
  return p ? *p : ir::Dim::unknown();
}

std::string dimList(const std::vector<ir::Dim>& dims) {
  std::vector<std::string> parts;
  for (const ir::Dim& d : dims) parts.push_back(d.str());
  return fmt::format("[{}]", fmt::join(parts, ", "));
}

// The -1 of a Reshape target: the input's element count divided by the
// product of the other target dims. Known factors cancel first, so
// (N*64*H*W) / N = 64*H*W. Sets `indivisible` when both totals are
// concrete and do not divide.
ir::Dim inferredDim(const std::vector<ir::Dim>& input, const std::vector<ir::Dim>& others, bool& indivisible,
                    int64_t& inTotal, int64_t& outTotal) {
  indivisible = false;
  std::vector<ir::Dim> rest = input;
  int64_t known = 1;  // product of the target's values
  bool cancelled = true;
  for (const ir::Dim& t : others) {
    if (t.isUnknown()) return ir::Dim::unknown();
    if (t.isValue()) {
      std::optional<int64_t> next = ir::checkedMul(known, t.value());
      if (!next) return ir::Dim::unknown();
      known = *next;
      continue;
    }
    auto it = std::find_if(rest.begin(), rest.end(), [&](const ir::Dim& d) { return ir::provablyEqual(d, t); });
    if (it == rest.end()) {
      cancelled = false;
      continue;
    }
    rest.erase(it);
  }
  if (known == 0) return ir::Dim::unknown();  // -1 with a 0 dim: no unique answer
  if (!cancelled) {
    // Symbolic target factors the input does not have: exact division only.
    const ir::Dim total = product(input);
    const ir::Dim divisor = product(others);
    if (!divisor.isValue() || divisor.value() <= 0) return ir::Dim::unknown();
    std::optional<ir::Dim> q = ir::floorDiv(total, divisor.value());
    if (q && ir::provablyEqual(product({*q, divisor}), total)) return *q;
    return ir::Dim::unknown();
  }
  int64_t values = 1;
  std::vector<ir::Dim> symbols;
  for (const ir::Dim& d : rest) {
    if (d.isUnknown()) return ir::Dim::unknown();
    if (!d.isValue()) {
      symbols.push_back(d);
      continue;
    }
    std::optional<int64_t> next = ir::checkedMul(values, d.value());
    if (!next) return ir::Dim::unknown();
    values = *next;
  }
  if (values % known == 0) {
    symbols.push_back(ir::Dim::value(values / known));
    return product(symbols);
  }
  if (symbols.empty()) {
    indivisible = true;
    inTotal = values;
    outTotal = known;
    return ir::Dim::unknown();
  }
  const ir::Dim total = product(rest);
  std::optional<ir::Dim> q = ir::floorDiv(total, known);
  if (q && ir::provablyEqual(product({*q, ir::Dim::value(known)}), total)) return *q;
  return ir::Dim::unknown();
}

}  // namespace

void inferReshape(InferContext& ctx) {
  const bool fromAttribute = ctx.opset() < 5;
  if (!requireInputs(ctx, fromAttribute ? 1 : 2)) return;
  const int32_t type = ctx.inputType(0);
  const ir::Shape& x = ctx.inputShape(0);
  std::vector<ir::Dim> target;
  if (fromAttribute) {
    std::optional<std::vector<int64_t>> shape = ctx.attrInts("shape");
    if (!shape) {
      if (!ctx.attr("shape"))
        ctx.report(diag::RuleId::kInvalidAttribute)
            .message(fmt::format("Reshape has no 'shape' attribute, expected it at opset {}", ctx.opset()))
            .help("give Reshape its target shape");
      return;
    }
    for (int64_t v : *shape) target.push_back(ir::Dim::value(v));
  } else {
    std::optional<std::vector<Elem>> elems = inputElems(ctx, 1);
    if (!elems) {
      const ir::Shape& s = ctx.inputShape(1);
      if (s.rankKnown() && s.rank() == 1 && s[0].isValue() && s[0].value() <= ir::kMaxConstElements)
        ctx.setOutput(0, ir::Shape::unknownDims(static_cast<size_t>(s[0].value())), type);
      else ctx.setOutput(0, ir::Shape::unknownRank(), type);
      return;
    }
    for (const Elem& e : *elems) target.push_back(e.dim);
  }
  const bool allowZero = ctx.opset() >= 14 && ctx.attrInt("allowzero", 0) != 0;
  const std::string targetText = dimList(target);

  // 0 copies the input's dim (unless allowzero); one -1 is inferred. A
  // symbolic element (N, 64*H*W) is taken as the size it names: sizes
  // computed from shapes are 0 only for empty tensors.
  std::optional<size_t> inferred;
  bool hasZero = false;
  std::vector<ir::Dim> out;
  for (size_t i = 0; i < target.size(); ++i) {
    const ir::Dim& t = target[i];
    if (t.isValue() && t.value() == -1) {
      if (inferred) {
        ctx.report(diag::RuleId::kInvalidAttribute)
            .message(fmt::format("Reshape's target shape {} has -1 at "
                                 "positions {} and {}, expected at most one",
                                 targetText, *inferred, i))
            .help("let at most one dim be inferred (-1)");
        return;
      }
      inferred = i;
      out.push_back(ir::Dim::unknown());
    } else if (t.isValue() && t.value() == 0 && !allowZero) {
      if (x.rankKnown() && i >= x.rank()) {
        ctx.report(diag::RuleId::kInvalidAttribute)
            .message(fmt::format("Reshape's target shape {} has 0 (copy the "
                                 "input's dim) at position {}, but input "
                                 "{} has rank {}",
                                 targetText, i, describeInput(ctx, 0), x.rank()))
            .help("copy only dims the input has, or give the size");
        return;
      }
      out.push_back(x.rankKnown() ? x[i] : ir::Dim::unknown());
    } else if (t.isValue() && t.value() < 0) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("Reshape's target shape {} has {} at position "
                               "{}, expected a size >= 0, 0 or -1",
                               targetText, t.value(), i))
          .help("use -1 for the one inferred dim");
      return;
    } else {
      hasZero = hasZero || (t.isValue() && t.value() == 0);
      out.push_back(t);
    }
  }
  if (allowZero && hasZero && inferred) {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("Reshape's target shape {} has both 0 and -1 with "
                             "allowzero = 1, which the spec forbids",
                             targetText))
        .help(
            "with allowzero = 1 a 0 is a real size: give the size of the "
            "inferred dim instead of -1");
    return;
  }
  const bool inputKnown =
      x.rankKnown() && std::none_of(x.dims().begin(), x.dims().end(), [](const ir::Dim& d) { return d.isUnknown(); });
  if (inferred && inputKnown) {
    std::vector<ir::Dim> others;
    for (size_t i = 0; i < out.size(); ++i)
      if (i != *inferred) others.push_back(out[i]);
    bool indivisible = false;
    int64_t inTotal = 0;
    int64_t outTotal = 0;
    out[*inferred] = inferredDim(x.dims(), others, indivisible, inTotal, outTotal);
    if (indivisible) {
      auto builder = ctx.report(diag::RuleId::kIndivisibleDim);
      builder
          .message(fmt::format("cannot reshape {} to {}: its {} elements do "
                               "not divide by {}, the product of the "
                               "other target dims",
                               describeInput(ctx, 0), targetText, inTotal, outTotal))
          .detail(fmt::format("Reshape: the -1 dim is the element count / "
                              "product of the other dims = {} / {}",
                              inTotal, outTotal))
          .help("give a target shape whose element count equals the input's");
      noteProducer(builder, ctx, 0);
      return;
    }
  } else if (!inferred && inputKnown) {
    const ir::Dim in = product(x.dims());
    const ir::Dim total = product(out);
    if (!in.isUnknown() && !total.isUnknown() && ir::provablyNotEqual(in, total)) {
      auto builder = ctx.report(diag::RuleId::kIncompatibleMerge);
      builder
          .message(fmt::format("cannot reshape {} ({} elements) to {} ({} elements)", describeInput(ctx, 0), in.str(),
                               dimList(out), total.str()))
          .detail("Reshape keeps the number of elements")
          .help("give a target shape whose element count equals the input's");
      noteProducer(builder, ctx, 0);
      return;
    }
  }
  ir::Shape shape(std::move(out));
  ctx.setOutput(0, shape, type);
  std::optional<std::vector<Elem>> elems = inputElems(ctx, 0);
  const std::optional<bool> real = realType(type, ctx.inputSymbolicData(0));
  if (elems && real) setOutputElems(ctx, 0, shape, *elems, *real);
}

void inferExpand(InferContext& ctx) {
  if (!requireInputs(ctx, 2)) return;
  const int32_t type = ctx.inputType(0);
  const ir::Shape& x = ctx.inputShape(0);
  std::optional<std::vector<Elem>> target = inputElems(ctx, 1);
  if (!target || !x.rankKnown()) {
    const ir::Shape& s = ctx.inputShape(1);
    if (x.rankKnown() && s.rankKnown() && s.rank() == 1 && s[0].isValue() && s[0].value() <= ir::kMaxConstElements)
      ctx.setOutput(0, ir::Shape::unknownDims(std::max(x.rank(), static_cast<size_t>(s[0].value()))), type);
    else ctx.setOutput(0, ir::Shape::unknownRank(), type);
    return;
  }
  std::vector<ir::Dim> shapeDims;
  for (const Elem& e : *target) shapeDims.push_back(e.dim);
  const size_t rank = std::max(x.rank(), shapeDims.size());
  std::vector<ir::Dim> out(rank);
  for (size_t a = 0; a < rank; ++a) {
    // Right-aligned, numpy style; a missing dim is 1.
    const size_t fromEnd = rank - a;
    const ir::Dim xd = fromEnd <= x.rank() ? x[x.rank() - fromEnd] : ir::Dim::value(1);
    const ir::Dim sd = fromEnd <= shapeDims.size() ? shapeDims[shapeDims.size() - fromEnd] : ir::Dim::value(1);
    if (sd.isValue() && sd.value() < 0) {
      ctx.report(diag::RuleId::kAbsurdDim)
          .message(fmt::format("Expand's shape {} has {}, expected sizes >= 0", dimList(shapeDims), sd.value()))
          .help("compute a non-negative target shape");
      return;
    }
    std::optional<ir::Dim> d = broadcastDim(xd, sd);
    if (!d) {
      auto builder = ctx.report(diag::RuleId::kIncompatibleMerge);
      builder
          .message(fmt::format("cannot expand {} to {}: axis {} has {} and {}", describeInput(ctx, 0),
                               dimList(shapeDims), a, xd.str(), sd.str()))
          .detail(
              "Expand broadcasts the input and the shape numpy-style: each "
              "pair of dims is equal or one is 1")
          .help("make each dim of the input equal to the target's or 1");
      noteProducer(builder, ctx, 0);
      return;
    }
    out[a] = *d;
  }
  ir::Shape shape(std::move(out));
  ctx.setOutput(0, shape, type);
  std::optional<std::vector<Elem>> elems = inputElems(ctx, 0);
  const std::optional<bool> real = realType(type, ctx.inputSymbolicData(0));
  std::optional<int64_t> count = elementCount(shape);
  if (elems && real && count && *count <= ir::kMaxConstElements)
    setOutputElems(ctx, 0, shape, broadcastElems(*elems, x, shape), *real);
}

void inferTile(InferContext& ctx) {
  const int32_t type = ctx.inputType(0);
  const ir::Shape& x = ctx.inputShape(0);
  if (ctx.opset() < 6) {
    // Tile-1: input, tiles (scalar count), axis (scalar): x[axis] *= tiles.
    if (!requireInputs(ctx, 3)) return;
    std::optional<std::vector<int64_t>> tiles = inputInts(ctx, 1);
    std::optional<std::vector<int64_t>> axis = inputInts(ctx, 2);
    if (!x.rankKnown()) {
      ctx.setOutput(0, ir::Shape::unknownRank(), type);
      return;
    }
    ir::Shape out = x;
    if (!tiles || !axis || tiles->size() != 1 || axis->size() != 1) {
      if (!axis || axis->size() != 1) out = ir::Shape::unknownDims(x.rank());
      else if (std::optional<size_t> a = normalizeAxis((*axis)[0], x.rank())) out[*a] = ir::Dim::unknown();
      ctx.setOutput(0, out, type);
      return;
    }
    std::optional<size_t> a = normalizeAxis((*axis)[0], x.rank());
    if (!a || (*tiles)[0] < 0) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("Tile's axis {} and tiles {}, expected an axis "
                               "of the rank-{} input and tiles >= 0",
                               (*axis)[0], (*tiles)[0], x.rank()))
          .help("tile along an axis of the input a non-negative number of times");
      return;
    }
    std::optional<ir::Dim> d = ir::mul(x[*a], (*tiles)[0]);
    out[*a] = d ? *d : ir::Dim::unknown();
    ctx.setOutput(0, out, type);
    return;
  }
  if (!requireInputs(ctx, 2)) return;
  if (!x.rankKnown()) {
    ctx.setOutput(0, ir::Shape::unknownRank(), type);
    return;
  }
  std::optional<std::vector<Elem>> repeats = inputElems(ctx, 1);
  if (!repeats) {
    ctx.setOutput(0, ir::Shape::unknownDims(x.rank()), type);
    return;
  }
  if (repeats->size() != x.rank()) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("Tile's repeats has {} values for input {}, "
                             "expected one per axis ({})",
                             repeats->size(), describeInput(ctx, 0), x.rank()))
        .help("give one repeat count per input axis");
    return;
  }
  std::vector<ir::Dim> out;
  for (size_t a = 0; a < x.rank(); ++a) {
    const ir::Dim& r = (*repeats)[a].dim;
    if (r.isValue() && r.value() < 0) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("Tile's repeats has {} for axis {}, expected a count >= 0", r.value(), a))
          .help("repeat each axis a non-negative number of times");
      return;
    }
    std::optional<ir::Dim> d = ir::mul(x[a], r);
    out.push_back(d ? *d : ir::Dim::unknown());
  }
  ctx.setOutput(0, ir::Shape(std::move(out)), type);
}

}  // namespace shapelint::passes::shape
