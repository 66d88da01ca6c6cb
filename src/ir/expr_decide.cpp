// Deciding (in)equalities of quasi-affine dims: provablyEqual,
// provablyNotEqual, periodOf and the exact solution sets of issue 6.
//
// The argument. A quasi-affine expression f has a period T: shifting any one
// symbol s by T changes f by a constant inc_s, for every integer binding
// (floor(e/d) shifts by inc_e/d once the shift makes inc_e a multiple of d).
// So on the orthant x >= m, f(r + q*T) = f(r) + Σ q_s*inc_s with r in the box
// [m, m+T)^k and q >= 0: f is zero everywhere iff every inc_s is 0 and f is
// zero on the box, and the zeros (or the non-negative values) of f in one
// symbol form, per residue class mod T, an interval of q — which makes the
// solution set eventually periodic and exactly computable.
#include <algorithm>
#include <limits>
#include <map>
#include <numeric>

#include "expr_internal.h"
#include "shapelint/ir/checked.h"
#include "shapelint/ir/expr.h"

namespace shapelint::ir {
namespace {

using detail::Atom;
using detail::Int128;
using detail::Periodic;
using detail::periodicOf;
using detail::Poly;
using detail::PolyPtr;

constexpr int64_t kMaxBox = int64_t{1} << 16;    // evaluations for provably*
constexpr int64_t kMaxSolve = int64_t{1} << 20;  // period / explicit members for solve*

// Precondition a, b > 0.
std::optional<int64_t> checkedLcm(int64_t a, int64_t b) { return checkedMul(a / std::gcd(a, b), b); }

uint64_t magnitude(int64_t v) { return v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v); }

// gcd of |a| and |b| without std::gcd's undefined behaviour at INT64_MIN.
uint64_t gcdOf(uint64_t a, int64_t b) { return std::gcd(a, magnitude(b)); }

// Whether d divides v; d != 0 (no INT64_MIN % -1).
bool divides(int64_t d, Int128 v) { return v % d == 0; }

}  // namespace

namespace detail {

static std::optional<Periodic> periodicOf(const Atom& a) {
  if (a.kind == Atom::Kind::kSymbol) return Periodic{1, {{a.name, 1}}};
  std::optional<Periodic> n = periodicOf(*a.num);
  if (!n) return std::nullopt;
  // Shift by period*m with m = den/g: the numerator moves by inc*m, a multiple
  // of den, so the floor moves by inc*m/den = inc/g.
  uint64_t gu = static_cast<uint64_t>(a.den);
  for (const auto& [s, inc] : n->increment) gu = gcdOf(gu, inc);
  const auto g = static_cast<int64_t>(gu);  // <= den
  std::optional<int64_t> period = checkedMul(n->period, a.den / g);
  if (!period) return std::nullopt;
  Periodic out{*period, {}};
  for (const auto& [s, inc] : n->increment) out.increment[s] = inc / g;
  return out;
}

std::optional<Periodic> periodicOf(const Poly& p) {
  std::vector<Periodic> parts;
  int64_t period = 1;
  for (const detail::Term& t : p.terms) {
    if (t.factors.size() != 1) return std::nullopt;  // a product: not quasi-affine
    std::optional<Periodic> part = periodicOf(*t.factors.front());
    if (!part) return std::nullopt;
    std::optional<int64_t> l = checkedLcm(period, part->period);
    if (!l) return std::nullopt;
    period = *l;
    parts.push_back(std::move(*part));
  }
  Periodic out{period, {}};
  for (size_t i = 0; i < parts.size(); ++i) {
    const int64_t repeats = period / parts[i].period;
    for (const auto& [s, inc] : parts[i].increment) {
      std::optional<int64_t> d = checkedMul(inc, repeats);
      std::optional<int64_t> scaled = d ? checkedMul(*d, p.terms[i].coef) : std::nullopt;
      std::optional<int64_t> sum = scaled ? checkedAdd(out.increment[s], *scaled) : std::nullopt;
      if (!sum) return std::nullopt;
      out.increment[s] = *sum;
    }
  }
  return out;
}

}  // namespace detail

namespace {

// Calls visit(bindings) for every point of [lo, lo+period)^k over the
// symbols of `per`, stopping (and returning false) when visit returns false.
// nullopt when the box has more than kMaxBox points or lo + period overflows.
template <typename Visit>
std::optional<bool> forEachBoxPoint(const Periodic& per, int64_t lo, Visit visit) {
  int64_t points = 1;
  for (size_t i = 0; i < per.increment.size(); ++i) {
    std::optional<int64_t> m = checkedMul(points, per.period);
    if (!m || *m > kMaxBox) return std::nullopt;
    points = *m;
  }
  if (!checkedAdd(lo, per.period)) return std::nullopt;
  Bindings bindings;
  for (const auto& [s, inc] : per.increment) bindings[s] = lo;
  for (int64_t n = 0; n < points; ++n) {
    if (!visit(bindings)) return false;
    for (auto& [s, v] : bindings) {  // odometer
      if (++v < lo + per.period) break;
      v = lo;
    }
  }
  return true;
}

// a - b as a poly; nullptr when unknown or on overflow.
PolyPtr differenceOf(const Dim& a, const Dim& b) {
  if (a.isUnknown() || b.isUnknown()) return nullptr;
  std::optional<Dim> diff = sub(a, b);
  return diff ? detail::polyOf(*diff) : nullptr;
}

}  // namespace

bool provablyEqual(const Dim& a, const Dim& b, const Assume& assume) {
  if (a.isUnknown() || b.isUnknown()) return false;
  if (a == b) return true;  // the same canonical expression
  PolyPtr p = differenceOf(a, b);
  if (!p) return false;
  if (p->terms.empty()) return p->constant == 0;
  const int64_t lo = std::max<int64_t>(assume.symbolMin, 0);
  const detail::Bounds bounds = detail::boundsOf(*p, lo);
  if (bounds.lo == 0 && bounds.hi == 0) return true;
  std::optional<Periodic> per = periodicOf(*p);
  if (!per) return false;
  for (const auto& [s, inc] : per->increment)
    if (inc != 0) return false;  // f grows along s
  std::optional<bool> allZero = forEachBoxPoint(*per, lo, [&](const Bindings& at) {
    std::optional<int64_t> v = detail::evaluate(*p, at);
    return v && *v == 0;
  });
  return allZero.value_or(false);
}

bool provablyNotEqual(const Dim& a, const Dim& b, const Assume& assume) {
  if (a.isUnknown() || b.isUnknown() || a == b) return false;
  PolyPtr p = differenceOf(a, b);
  if (!p) return false;
  if (p->terms.empty()) return p->constant != 0;
  const int64_t lo = std::max<int64_t>(assume.symbolMin, 0);

  // Bounds exclude zero.
  const detail::Bounds bounds = detail::boundsOf(*p, lo);
  if (bounds.lo > 0 || bounds.hi < 0) return true;
  // Every term is an integer: zero needs gcd(coefficients) | constant.
  uint64_t g = 0;
  for (const detail::Term& t : p->terms) g = gcdOf(g, t.coef);
  if (g > 1 && magnitude(p->constant) % g != 0) return true;

  std::optional<Periodic> per = periodicOf(*p);
  if (!per) return false;
  bool allFlat = true, allUp = true, allDown = true;
  uint64_t incGcd = 0;
  for (const auto& [s, inc] : per->increment) {
    allFlat = allFlat && inc == 0;
    allUp = allUp && inc >= 0;
    allDown = allDown && inc <= 0;
    incGcd = gcdOf(incGcd, inc);
  }
  const bool oneSymbol = per->increment.size() == 1;
  const int64_t inc = oneSymbol ? per->increment.begin()->second : 0;
  std::optional<bool> neverZero = forEachBoxPoint(*per, lo, [&](const Bindings& at) {
    std::optional<int64_t> v = detail::evaluate(*p, at);
    if (!v) return false;
    if (allFlat) return *v != 0;
    // Is there q >= 0 (per symbol) with v + Σ q_s*inc_s == 0?
    if (*v == 0) return false;
    if (oneSymbol) return !divides(inc, *v) || (*v > 0) == (inc > 0);
    if ((*v > 0 && allUp) || (*v < 0 && allDown)) return true;
    return magnitude(*v) % incGcd != 0;
  });
  return neverZero.value_or(false);
}

DimRange rangeOf(const Dim& d, const Assume& assume) {
  PolyPtr p = detail::polyOf(d);
  if (!p) return {};
  const detail::Bounds b = detail::boundsOf(*p, std::max<int64_t>(assume.symbolMin, 0));
  auto side = [](Int128 v) -> std::optional<int64_t> {
    if (v <= -detail::kInf || v >= detail::kInf) return std::nullopt;
    if (v < std::numeric_limits<int64_t>::min() || v > std::numeric_limits<int64_t>::max()) return std::nullopt;
    return static_cast<int64_t>(v);
  };
  return DimRange{side(b.lo), side(b.hi)};
}

std::optional<int64_t> periodOf(const Dim& d) {
  if (d.isUnknown()) return std::nullopt;
  if (!d.isExpr()) return 1;
  std::optional<Periodic> per = periodicOf(*d.expr());
  if (!per) return std::nullopt;
  return per->period;
}

// ---- ResidueSet.

namespace {

bool hasResidue(const ResidueSet& s, int64_t v) {
  return std::binary_search(s.residues.begin(), s.residues.end(), floorMod(v, s.modulus));
}

// Short description: when the residue part says nothing inside [lo, hi]
// (min > hi), it is rebuilt from the last `modulus` sizes of the range, so a
// set that ends at hi reads "H >= 8" rather than a list; then the smallest
// modulus for the residue pattern, then the smallest min.
void normalise(ResidueSet& s) {
  if (s.min > s.hi) {
    s.residues.clear();
    const int64_t span = s.hi - s.lo + 1;
    if (s.modulus > span) s.modulus = 1;
    for (int64_t v = s.hi - s.modulus + 1; v <= s.hi; ++v)
      if (std::binary_search(s.below.begin(), s.below.end(), v)) s.residues.push_back(floorMod(v, s.modulus));
    std::sort(s.residues.begin(), s.residues.end());
  }
  for (int64_t p = 1; p < s.modulus; ++p) {
    if (s.modulus % p != 0) continue;
    bool periodic = true;
    for (int64_t r = 0; r < s.modulus && periodic; ++r) periodic = hasResidue(s, r) == hasResidue(s, r % p);
    if (!periodic) continue;
    std::vector<int64_t> residues;
    for (int64_t r : s.residues)
      if (r < p) residues.push_back(r);
    s.residues = std::move(residues);
    s.modulus = p;
    break;
  }
  while (s.min > s.lo) {
    const int64_t v = s.min - 1;
    const bool explicitMember = !s.below.empty() && s.below.back() == v;
    if (explicitMember != hasResidue(s, v)) break;
    if (explicitMember) s.below.pop_back();
    --s.min;
  }
}

enum class Relation { kEqual, kAtLeast };

std::optional<ResidueSet> solve(const Dim& a, const Dim& b, const std::string& symbol, int64_t lo, int64_t hi,
                                Relation relation) {
  if (lo < 0 || lo > hi) return std::nullopt;
  PolyPtr p = differenceOf(a, b);
  if (!p) return std::nullopt;
  std::set<std::string> mentioned;
  detail::collectSymbols(*p, mentioned);
  if (mentioned.size() > 1 || (mentioned.size() == 1 && *mentioned.begin() != symbol)) return std::nullopt;
  std::optional<Periodic> per = periodicOf(*p);
  if (!per || per->period > kMaxSolve) return std::nullopt;
  const int64_t period = per->period;
  const int64_t inc = per->increment.count(symbol) ? per->increment.at(symbol) : 0;

  // Per residue class r = lo + j: the values are v + q*inc at lo + j + q*period.
  // Members form an interval of q; from `transition` on, membership is `eventually`.
  struct Class {
    Int128 v;
    bool eventually;
    Int128 transition;
  };
  std::vector<Class> classes;
  classes.reserve(static_cast<size_t>(period));
  Int128 min = lo;
  for (int64_t j = 0; j < period; ++j) {
    const Int128 r = static_cast<Int128>(lo) + j;
    std::optional<int64_t> value =
        r <= std::numeric_limits<int64_t>::max()
            ? detail::evaluate(*p, Bindings{{symbol, static_cast<int64_t>(r)}})
            : std::nullopt;
    if (!value) return std::nullopt;
    const Int128 v = *value;
    Class c{v, false, r};
    if (relation == Relation::kEqual) {
      if (inc == 0) {
        c.eventually = v == 0;
      } else if (divides(inc, v) && -v / inc >= 0) {
        c.transition = r + (-v / inc + 1) * period;
      }
    } else if (inc == 0) {
      c.eventually = v >= 0;
    } else if (inc > 0) {
      c.eventually = true;
      if (v < 0) c.transition = r + ((-v + inc - 1) / inc) * period;
    } else if (v >= 0) {
      c.transition = r + (v / -inc + 1) * period;
    }
    min = std::max(min, c.transition);
    classes.push_back(c);
  }

  ResidueSet out;
  out.lo = lo;
  out.hi = hi;
  out.modulus = period;
  for (int64_t j = 0; j < period; ++j)
    if (classes[static_cast<size_t>(j)].eventually) out.residues.push_back(floorMod(lo + j, period));
  std::sort(out.residues.begin(), out.residues.end());
  const Int128 end = std::min<Int128>(min, static_cast<Int128>(hi) + 1);
  if (end - lo > kMaxSolve) return std::nullopt;
  out.min = static_cast<int64_t>(end);
  for (int64_t h = lo; h < out.min; ++h) {
    const Class& c = classes[static_cast<size_t>((h - lo) % period)];
    const Int128 value = c.v + static_cast<Int128>((h - lo) / period) * inc;
    if (relation == Relation::kEqual ? value == 0 : value >= 0) out.below.push_back(h);
  }
  normalise(out);
  return out;
}

}  // namespace

bool ResidueSet::contains(int64_t v) const {
  if (v < lo || v > hi) return false;
  if (v < min) return std::binary_search(below.begin(), below.end(), v);
  return hasResidue(*this, v);
}

bool ResidueSet::empty() const { return members(1).empty(); }

std::vector<int64_t> ResidueSet::members(size_t limit) const {
  std::vector<int64_t> out;
  for (int64_t v : below) {
    if (out.size() >= limit) return out;
    out.push_back(v);
  }
  if (residues.empty()) return out;
  for (int64_t v = min; v <= hi && out.size() < limit; ++v) {
    if (hasResidue(*this, v)) out.push_back(v);
    if (v == hi) break;  // v + 1 would overflow at INT64_MAX
  }
  return out;
}

std::string ResidueSet::str(const std::string& symbol) const {
  auto list = [](const std::vector<int64_t>& values) {
    std::string out = "{";
    for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + std::to_string(values[i]);
    return out + "}";
  };
  std::vector<std::string> parts;
  if (!below.empty()) parts.push_back(symbol + " in " + list(below));
  if (!residues.empty() && min <= hi) {
    std::vector<std::string> conditions;
    // The first member of the residue part: no member lies in [min, first).
    int64_t first = min;
    while (first < hi && !hasResidue(*this, first)) ++first;
    if (first > lo) conditions.push_back(symbol + " >= " + std::to_string(first));
    if (hi != std::numeric_limits<int64_t>::max()) conditions.push_back(symbol + " <= " + std::to_string(hi));
    if (modulus > 1) {
      conditions.push_back(residues.size() == 1 ? symbol + " % " + std::to_string(modulus) + " == " +
                                                      std::to_string(residues.front())
                                                : symbol + " % " + std::to_string(modulus) + " in " + list(residues));
    }
    std::string joined;
    for (size_t i = 0; i < conditions.size(); ++i) joined += (i ? " and " : "") + conditions[i];
    if (joined.empty()) joined = "any " + symbol;
    parts.push_back(parts.empty() || conditions.size() < 2 ? joined : "(" + joined + ")");
  }
  if (parts.empty()) return "no " + symbol;
  return parts.size() == 1 ? parts[0] : parts[0] + " or " + parts[1];
}

std::optional<ResidueSet> solveEqual(const Dim& a, const Dim& b, const std::string& symbol, int64_t lo,
                                     int64_t hi) {
  return solve(a, b, symbol, lo, hi, Relation::kEqual);
}

std::optional<ResidueSet> solveAtLeast(const Dim& a, const Dim& b, const std::string& symbol, int64_t lo,
                                       int64_t hi) {
  return solve(a, b, symbol, lo, hi, Relation::kAtLeast);
}

std::optional<ResidueSet> intersect(const ResidueSet& a, const ResidueSet& b) {
  if (a.lo != b.lo || a.hi != b.hi) return std::nullopt;
  std::optional<int64_t> modulus = checkedLcm(a.modulus, b.modulus);
  if (!modulus || *modulus > kMaxSolve) return std::nullopt;
  ResidueSet out;
  out.lo = a.lo;
  out.hi = a.hi;
  out.modulus = *modulus;
  for (int64_t r = 0; r < *modulus; ++r)
    if (hasResidue(a, r) && hasResidue(b, r)) out.residues.push_back(r);
  out.min = std::max(a.min, b.min);
  for (int64_t v = out.lo; v < out.min; ++v)
    if (a.contains(v) && b.contains(v)) out.below.push_back(v);
  normalise(out);
  return out;
}

ResidueSet complement(const ResidueSet& a) {
  ResidueSet out;
  out.lo = a.lo;
  out.hi = a.hi;
  out.modulus = a.modulus;
  for (int64_t r = 0; r < a.modulus; ++r)
    if (!hasResidue(a, r)) out.residues.push_back(r);
  out.min = a.min;
  for (int64_t v = a.lo; v < a.min; ++v)
    if (!a.contains(v)) out.below.push_back(v);
  normalise(out);
  return out;
}

}  // namespace shapelint::ir
