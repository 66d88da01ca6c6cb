#include "passes/shape/merge.h"

#include <algorithm>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "shapelint/ir/checked.h"
#include "shapelint/passes/constraints.h"

namespace shapelint::passes::shape {

namespace {

constexpr ir::Assume kSizes{1};  // sizes of real inputs are at least 1
constexpr int64_t kMaxSize = std::numeric_limits<int64_t>::max();

bool isOne(const ir::Dim& d) { return d.isValue() && d.value() == 1; }

// A ∪ B over the same range: not (not A and not B).
std::optional<ir::ResidueSet> unite(const ir::ResidueSet& a, const ir::ResidueSet& b) {
  std::optional<ir::ResidueSet> neither = ir::intersect(ir::complement(a), ir::complement(b));
  if (!neither) return std::nullopt;
  return ir::complement(*neither);
}

// A \ B: the members of A that are not in B.
std::optional<ir::ResidueSet> without(const ir::ResidueSet& a, const ir::ResidueSet& b) {
  return ir::intersect(a, ir::complement(b));
}

// Broadcasting `a` with another dim over one symbol gives `a` at every size
// where they agree when a is 1 only where they are equal (a == 1 with the
// other not 1 gives the other).
bool resultEverywhere(const ir::Dim& a, const PartialAgreement& p) {
  std::optional<ir::ResidueSet> ones = ir::solveEqual(a, ir::Dim::value(1), p.symbol, 1, kMaxSize);
  if (!ones) return false;
  std::optional<ir::ResidueSet> onesUnequal = without(*ones, p.equal);
  return onesUnequal && onesUnequal->empty();
}

// The members of `set` written as sizes of a symbol ("H == 1" for one), without the bound
// `symbol >= first` that ResidueSet::str() adds when no smaller size in the
// range matches the residues anyway (sizes are at least 1, so "H % 2 == 0"
// needs no "H >= 2").
std::string describeSizes(const ir::ResidueSet& set, const std::string& symbol) {
  const std::vector<int64_t> two = set.members(2);
  if (two.size() == 1) return fmt::format("{} == {}", symbol, two.front());
  ir::ResidueSet shown = set;
  if (set.below.empty() && set.min == set.lo && !set.residues.empty()) {
    const std::vector<int64_t> first = set.members(1);
    bool smallerMatches = false;
    for (int64_t v = set.lo; !first.empty() && v < first.front() && !smallerMatches; ++v)
      smallerMatches = std::binary_search(set.residues.begin(), set.residues.end(), ir::floorMod(v, set.modulus));
    if (!first.empty() && !smallerMatches) shown.lo = shown.min = first.front();
  }
  return shown.str(symbol);
}

// "H = 3, 5, 7, ...": the smallest members of `set`, at most three.
std::string smallestSizes(const ir::ResidueSet& set, const std::string& symbol) {
  const std::vector<int64_t> members = set.members(4);
  const size_t shown = std::min<size_t>(members.size(), 3);
  return fmt::format("{} = {}{}", symbol,
                     fmt::join(members.begin(), members.begin() + static_cast<std::ptrdiff_t>(shown), ", "),
                     members.size() > shown ? ", ..." : "");
}

// "are equal only when H % 2 == 0", "are never equal".
std::string equalWhen(const PartialAgreement& p) {
  if (p.equal.empty()) return "are never equal";
  return "are equal only when " + describeSizes(p.equal, p.symbol);
}

std::string fixHelp(const PartialAgreement& p, const std::string& a, const std::string& b) {
  return fmt::format(
      "make '{}' and '{}' the same size for every {}: crop or pad one path (Slice, Pad) or resize it to "
      "the other's size; if the model only ever sees sizes where they agree, give {} such a fixed size",
      a, b, p.symbol, p.symbol);
}

}  // namespace

std::optional<PartialAgreement> partialAgreement(const ir::Dim& a, const ir::Dim& b, bool broadcasting) {
  const std::set<std::string> sa = ir::symbols(a);
  const std::set<std::string> sb = ir::symbols(b);
  if (sa.size() != 1 || sa != sb) return std::nullopt;
  // The solvers evaluate the dims once per residue of their period; beyond
  // this (16 strided layers) the cost outweighs a warning.
  constexpr int64_t kMaxPeriod = int64_t{1} << 16;
  for (const ir::Dim* d : {&a, &b}) {
    std::optional<int64_t> period = ir::periodOf(*d);
    if (!period || *period > kMaxPeriod) return std::nullopt;
  }
  PartialAgreement p;
  p.symbol = *sa.begin();
  std::optional<ir::ResidueSet> equal = ir::solveEqual(a, b, p.symbol, 1, kMaxSize);
  if (!equal) return std::nullopt;
  p.equal = *equal;
  p.agree = *equal;
  if (broadcasting) {
    for (const ir::Dim* d : {&a, &b}) {
      std::optional<ir::ResidueSet> ones = ir::solveEqual(*d, ir::Dim::value(1), p.symbol, 1, kMaxSize);
      std::optional<ir::ResidueSet> agree = ones ? unite(p.agree, *ones) : std::nullopt;
      if (!agree) return std::nullopt;
      p.agree = *agree;
    }
  }
  return p;
}

std::optional<ir::Dim> broadcastDim(const ir::Dim& a, const ir::Dim& b) {
  if (!isOne(a) && !isOne(b))
    recordConstraint(Constraint::Kind::kBroadcast, a, b, "broadcast dims are equal or one of them is 1");
  if (isOne(a)) return b;
  if (isOne(b)) return a;
  if (a.isValue() && b.isValue()) {
    if (a.value() != b.value()) return std::nullopt;
    return a;
  }
  if (ir::provablyEqual(a, b, kSizes)) return a.isValue() ? a : b.isValue() ? b : a;
  const ir::Dim one = ir::Dim::value(1);
  if (ir::provablyNotEqual(a, b, kSizes) && ir::provablyNotEqual(a, one, kSizes) &&
      ir::provablyNotEqual(b, one, kSizes))
    return std::nullopt;
  if (std::optional<PartialAgreement> p = partialAgreement(a, b, /*broadcasting=*/true)) {
    if (p->agree.empty()) return std::nullopt;
    if (resultEverywhere(a, *p)) return a;
    if (resultEverywhere(b, *p)) return b;
  }
  if (a.isValue()) return a;
  if (b.isValue()) return b;
  return ir::Dim::unknown();
}

std::optional<ir::Dim> equalDim(const ir::Dim& a, const ir::Dim& b) {
  recordConstraint(Constraint::Kind::kEqual, a, b, "merged dims are equal");
  if (ir::provablyNotEqual(a, b, kSizes)) return std::nullopt;
  if (a.isValue()) return a;
  if (b.isValue()) return b;
  if (ir::provablyEqual(a, b, kSizes)) return a;
  if (std::optional<PartialAgreement> p = partialAgreement(a, b, /*broadcasting=*/false)) {
    if (p->equal.empty()) return std::nullopt;
    return a;
  }
  return ir::Dim::unknown();
}

std::optional<ir::Dim> mergeEqual(InferContext& ctx, const ir::Dim& a, const ir::Dim& b, const MergeSite& site) {
  std::optional<ir::Dim> merged = equalDim(a, b);
  const std::string& nameA = ctx.node().inputs[site.inputA];
  const std::string& nameB = ctx.node().inputs[site.inputB];
  if (!merged) {
    auto builder = ctx.report(diag::RuleId::kIncompatibleMerge);
    builder
        .message(fmt::format("{} and {} must agree on axis {}, expected equal dims: {} and {} differ{}",
                             describeInput(ctx, site.inputA), describeInput(ctx, site.inputB), site.axis, a.str(),
                             b.str(), a.isValue() && b.isValue() ? "" : " for every size"))
        .help(fmt::format("make axis {} of '{}' and '{}' equal; check the layers that produce them", site.axis, nameA,
                          nameB));
    if (!site.rule.empty()) builder.detail(site.rule);
    noteProducer(builder, ctx, site.inputA);
    noteProducer(builder, ctx, site.inputB);
    return std::nullopt;
  }
  if (ir::provablyEqual(a, b, kSizes)) return merged;
  std::optional<PartialAgreement> p = partialAgreement(a, b, /*broadcasting=*/false);
  if (!p) return merged;
  const ir::ResidueSet differ = ir::complement(p->equal);
  if (differ.empty()) return merged;
  auto builder = ctx.report(diag::RuleId::kPossibleMergeMismatch);
  builder
      .message(fmt::format("{} and {} may differ on axis {}: {} and {} {}", describeInput(ctx, site.inputA),
                           describeInput(ctx, site.inputB), site.axis, a.str(), b.str(), equalWhen(*p)))
      .detail(fmt::format("they differ for {}", smallestSizes(differ, p->symbol)));
  if (!site.rule.empty()) builder.detail(site.rule);
  builder.help(fixHelp(*p, nameA, nameB));
  noteProducer(builder, ctx, site.inputA);
  noteProducer(builder, ctx, site.inputB);
  return merged;
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

constexpr const char* kBroadcastRule =
    "numpy broadcasting: aligned from the last axis, each pair of dims must be equal or one of them 1";

// SL103 when inputs ia and ib (dims a and b on output axis `axis`) broadcast
// only for some sizes of one symbol.
void reportPartialBroadcast(InferContext& ctx, size_t ia, size_t ib, size_t axis, const ir::Dim& a, const ir::Dim& b) {
  if (ir::provablyEqual(a, b, kSizes)) return;
  std::optional<PartialAgreement> p = partialAgreement(a, b, /*broadcasting=*/true);
  if (!p) return;
  const ir::ResidueSet fail = ir::complement(p->agree);
  if (fail.empty()) return;
  std::optional<ir::ResidueSet> onlyOne = without(p->agree, p->equal);
  const std::string ones = onlyOne && !onlyOne->empty()
                               ? fmt::format(" (one of them is 1 when {})", describeSizes(*onlyOne, p->symbol))
                               : std::string();
  auto builder = ctx.report(diag::RuleId::kPossibleMergeMismatch);
  builder
      .message(fmt::format("{} and {} may not broadcast: axis {} has {} and {}, which {}{}", describeInput(ctx, ia),
                           describeInput(ctx, ib), axis, a.str(), b.str(), equalWhen(*p), ones))
      .detail(fmt::format("they fail for {}", smallestSizes(fail, p->symbol)))
      .detail(kBroadcastRule)
      .help(fixHelp(*p, ctx.node().inputs[ia], ctx.node().inputs[ib]));
  noteProducer(builder, ctx, ia);
  noteProducer(builder, ctx, ib);
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

  // Pairwise, so the finding names the two inputs that disagree; an input
  // whose shape equals an earlier one's adds no pair. Past kMaxPairShapes
  // distinct shapes (hostile variadic nodes), a shape is paired only with the
  // first kMaxPairShapes: the work stays linear in the inputs, and a conflict
  // between two later shapes leaves the dim unknown below instead.
  constexpr size_t kMaxPairShapes = 64;
  std::vector<size_t> distinct;
  for (size_t i : present) {
    const ir::Shape& s = ctx.inputShape(i);
    if (!s.rankKnown()) continue;
    const size_t compared = std::min(distinct.size(), kMaxPairShapes);
    bool seen = false;
    for (size_t k = 0; k < compared && !seen; ++k) seen = ctx.inputShape(distinct[k]) == s;
    if (!seen) distinct.push_back(i);
  }
  for (size_t q = 1; q < distinct.size(); ++q) {
    for (size_t p = 0; p < q && p < kMaxPairShapes; ++p) {
      const ir::Shape& a = ctx.inputShape(distinct[p]);
      const ir::Shape& b = ctx.inputShape(distinct[q]);
      if (!a.rankKnown() || !b.rankKnown()) continue;
      const size_t pairRank = std::max(a.rank(), b.rank());
      for (size_t axis = 0; axis < pairRank; ++axis) {
        const ir::Dim* da = alignedDim(a, pairRank, axis);
        const ir::Dim* db = alignedDim(b, pairRank, axis);
        if (!da || !db) continue;
        if (broadcastDim(*da, *db)) {
          reportPartialBroadcast(ctx, distinct[p], distinct[q], axis, *da, *db);
          continue;
        }
        auto builder = ctx.report(diag::RuleId::kIncompatibleMerge);
        builder
            .message(fmt::format("cannot broadcast {} with {}: axis {} has {} and {}", a.str(), b.str(), axis,
                                 da->str(), db->str()))
            .detail(kBroadcastRule);
        if (!da->isValue() || !db->isValue())
          builder.detail(fmt::format("{} and {} differ, and neither is 1, for every size", da->str(), db->str()));
        builder.help(fmt::format("make axis {} of '{}' and '{}' equal (or 1); check the layers that produce them", axis,
                                 ctx.node().inputs[distinct[p]], ctx.node().inputs[distinct[q]]));
        noteProducer(builder, ctx, distinct[p]);
        noteProducer(builder, ctx, distinct[q]);
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
      if (!dim) break;
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
  for (const ir::Dim& d : dims)
    if (d.isValue() && d.value() == 0) return ir::Dim::value(0);
  std::optional<ir::Dim> product = ir::Dim::value(1);
  for (const ir::Dim& d : dims) {
    if (d.isUnknown()) return ir::Dim::unknown();
    product = ir::mul(product, d);  // std::nullopt on overflow, and from then on
  }
  return product.value_or(ir::Dim::unknown());
}

}  // namespace shapelint::passes::shape
