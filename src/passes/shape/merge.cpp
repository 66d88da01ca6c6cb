#include "passes/shape/merge.h"

#include <algorithm>

#include <fmt/format.h>

#include "shapelint/ir/checked.h"

namespace shapelint::passes::shape {

std::optional<ir::Dim> broadcastDim(const ir::Dim& a, const ir::Dim& b) {
  if (a.isValue() && a.value() == 1) return b;
  if (b.isValue() && b.value() == 1) return a;
  if (a.isValue() && b.isValue()) {
    if (a.value() != b.value()) return std::nullopt;
    return a;
  }
  if (a.isValue()) return a;
  if (b.isValue()) return b;
  if (ir::provablyEqual(a, b)) return a;
  return ir::Dim::unknown();
}

std::optional<ir::Dim> equalDim(const ir::Dim& a, const ir::Dim& b) {
  if (ir::provablyNotEqual(a, b)) return std::nullopt;
  if (a.isValue()) return a;
  if (b.isValue()) return b;
  if (ir::provablyEqual(a, b)) return a;
  return ir::Dim::unknown();
}

std::string describeInput(const InferContext& ctx, size_t i) {
  return fmt::format("'{}' {}", ctx.node().inputs[i], ctx.inputShape(i).str());
}

void noteProducer(diag::DiagBuilder& builder, const InferContext& ctx, size_t i) {
  const std::string producer = ctx.inputProducer(i);
  if (producer.empty()) {
    builder.note("", fmt::format("{} is a graph input or initializer, not produced by a node", describeInput(ctx, i)));
  } else {
    builder.note(producer, fmt::format("produces {}", describeInput(ctx, i)));
  }
}

namespace {

// Input dim aligned to output axis `axis` of a broadcast of rank `rank`, or
// null when the input is too short to reach it.
const ir::Dim* alignedDim(const ir::Shape& shape, size_t rank, size_t axis) {
  const size_t offset = rank - shape.rank();
  return axis < offset ? nullptr : &shape[axis - offset];
}

}  // namespace

std::optional<ir::Shape> broadcastInputs(InferContext& ctx, const std::vector<size_t>& inputs) {
  std::vector<size_t> present;
  for (size_t i : inputs)
    if (ctx.hasInput(i)) present.push_back(i);

  size_t rank = 0;
  bool allRanksKnown = true;
  for (size_t i : present) {
    const ir::Shape& s = ctx.inputShape(i);
    if (s.rankKnown()) rank = std::max(rank, s.rank());
    else allRanksKnown = false;
  }

  // Pairwise, so the finding names the two inputs that disagree.
  for (size_t p = 0; p < present.size(); ++p) {
    for (size_t q = p + 1; q < present.size(); ++q) {
      const ir::Shape& a = ctx.inputShape(present[p]);
      const ir::Shape& b = ctx.inputShape(present[q]);
      if (!a.rankKnown() || !b.rankKnown()) continue;
      const size_t pairRank = std::max(a.rank(), b.rank());
      for (size_t axis = 0; axis < pairRank; ++axis) {
        const ir::Dim* da = alignedDim(a, pairRank, axis);
        const ir::Dim* db = alignedDim(b, pairRank, axis);
        if (!da || !db || broadcastDim(*da, *db)) continue;
        auto builder = ctx.report(diag::RuleId::kIncompatibleMerge);
        builder
            .message(fmt::format("cannot broadcast {} with {}: axis {} has {} and {}", a.str(), b.str(),
                                 axis, da->value(), db->value()))
            .detail("numpy broadcasting: aligned from the last axis, each pair of dims must be equal or one of them 1")
            .help(fmt::format("make axis {} of '{}' and '{}' equal (or 1); check the layers that produce them",
                              axis, ctx.node().inputs[present[p]], ctx.node().inputs[present[q]]));
        noteProducer(builder, ctx, present[p]);
        noteProducer(builder, ctx, present[q]);
        return std::nullopt;
      }
    }
  }

  if (!allRanksKnown) return ir::Shape::unknownRank();
  ir::Shape out = ir::Shape::unknownDims(rank);
  for (size_t axis = 0; axis < rank; ++axis) {
    std::optional<ir::Dim> dim = ir::Dim::value(1);
    for (size_t i : present) {
      const ir::Dim* d = alignedDim(ctx.inputShape(i), rank, axis);
      if (d) dim = broadcastDim(*dim, *d);
    }
    out[axis] = dim.value_or(ir::Dim::unknown());
  }
  return out;
}

std::optional<size_t> normalizeAxis(int64_t axis, size_t rank, bool allowRank) {
  const auto r = static_cast<int64_t>(rank);
  const int64_t upper = allowRank ? r : r - 1;
  if (axis < -r || axis > upper) return std::nullopt;
  return static_cast<size_t>(axis < 0 ? axis + r : axis);
}

ir::Dim dimProduct(const std::vector<ir::Dim>& dims) {
  int64_t product = 1;
  const ir::Dim* symbol = nullptr;
  bool unknown = false;
  for (const ir::Dim& d : dims) {
    if (d.isValue() && d.value() == 0) return ir::Dim::value(0);
  }
  for (const ir::Dim& d : dims) {
    if (d.isValue()) {
      std::optional<int64_t> next = ir::checkedMul(product, d.value());
      if (!next) return ir::Dim::unknown();
      product = *next;
    } else if (d.isSymbol() && !symbol) {
      symbol = &d;
    } else {
      unknown = true;
    }
  }
  if (unknown) return ir::Dim::unknown();
  if (symbol) return product == 1 ? *symbol : ir::Dim::unknown();
  return ir::Dim::value(product);
}

}  // namespace shapelint::passes::shape
