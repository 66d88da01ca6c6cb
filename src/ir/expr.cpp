// The symbolic dimension algebra: canonical construction of expressions
// (expr_node.h describes the canonical form), arithmetic on Dims,
// evaluation, printing and parsing. The decision procedures are in
// expr_decide.cpp.
#include "shapelint/ir/expr.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <numeric>

#include "expr_internal.h"
#include "shapelint/ir/expr_limits.h"
#include "shapelint/ir/checked.h"

namespace shapelint::ir {
namespace detail {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

size_t mixHash(size_t h, size_t v) { return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)); }

int compareInts(int64_t a, int64_t b) { return a < b ? -1 : (a > b ? 1 : 0); }

// Terms with more factors come first, then by factors.
int compareTermFactors(const std::vector<AtomPtr>& a, const std::vector<AtomPtr>& b) {
  if (a.size() != b.size()) return a.size() > b.size() ? -1 : 1;
  return compareFactors(a, b);
}

struct TermFactorsLess {
  bool operator()(const std::vector<AtomPtr>& a, const std::vector<AtomPtr>& b) const {
    return compareTermFactors(a, b) < 0;
  }
};

bool atomLess(const AtomPtr& a, const AtomPtr& b) { return compareAtoms(*a, *b) < 0; }

// ---- Interval bounds with saturation at +-kInf (see expr_node.h).

Int128 asLower(Int128 v) {
  if (v <= -kInf) return -kInf;
  return v >= kInf ? kInf - 1 : v;
}

Int128 asUpper(Int128 v) {
  if (v >= kInf) return kInf;
  return v <= -kInf ? -kInf + 1 : v;
}

int signOf(Int128 v) { return v < 0 ? -1 : (v > 0 ? 1 : 0); }

// x * y where either may be +-kInf (infinite); saturates to +-kInf.
Int128 mulSaturating(Int128 x, Int128 y) {
  if (x == 0 || y == 0) return 0;
  const int sign = signOf(x) * signOf(y);
  if (x == kInf || x == -kInf || y == kInf || y == -kInf) return sign * kInf;
  Int128 r;
  if (__builtin_mul_overflow(x, y, &r) || r >= kInf || r <= -kInf) return sign * kInf;
  return r;
}

Bounds mulBounds(const Bounds& a, const Bounds& b) {
  const Int128 c[4] = {mulSaturating(a.lo, b.lo), mulSaturating(a.lo, b.hi), mulSaturating(a.hi, b.lo),
                       mulSaturating(a.hi, b.hi)};
  return Bounds{asLower(*std::min_element(c, c + 4)), asUpper(*std::max_element(c, c + 4))};
}

Bounds addBounds(const Bounds& a, const Bounds& b) {
  const Int128 lo = (a.lo == -kInf || b.lo == -kInf) ? -kInf : asLower(a.lo + b.lo);
  const Int128 hi = (a.hi == kInf || b.hi == kInf) ? kInf : asUpper(a.hi + b.hi);
  return Bounds{lo, hi};
}

Int128 floorDiv128(Int128 a, Int128 b) {
  Int128 q = a / b;
  if ((a % b != 0) && (a < 0)) --q;
  return q;
}

Bounds floorBounds(const Bounds& n, int64_t d) {
  return Bounds{n.lo == -kInf ? -kInf : floorDiv128(n.lo, d), n.hi == kInf ? kInf : floorDiv128(n.hi, d)};
}

bool finite(const Bounds& b) { return b.lo != -kInf && b.hi != kInf; }

bool fitsInt64(Int128 v) {
  return v >= std::numeric_limits<int64_t>::min() && v <= std::numeric_limits<int64_t>::max();
}

// ---- Node construction.

AtomPtr makeSymbolAtom(const std::string& name) {
  auto atom = std::make_shared<Atom>();
  atom->kind = Atom::Kind::kSymbol;
  atom->name = name;
  atom->hash = mixHash(0x5bd1e995, std::hash<std::string>()(name));
  atom->nodes = 1;
  atom->bounds = Bounds{0, kInt64Max};
  return atom;
}

AtomPtr makeFloorAtom(PolyPtr num, int64_t den) {
  auto atom = std::make_shared<Atom>();
  atom->kind = Atom::Kind::kFloor;
  atom->hash = mixHash(mixHash(0x27d4eb2f, num->hash), std::hash<int64_t>()(den));
  atom->nodes = 1 + num->nodes;
  atom->bounds = floorBounds(boundsOf(*num, 0), den);
  atom->num = std::move(num);
  atom->den = den;
  return atom;
}

// Accumulates a polynomial; any overflow poisons the result.
class PolyBuilder {
 public:
  void addConstant(int64_t c) {
    std::optional<int64_t> s = checkedAdd(constant_, c);
    if (!s) overflow_ = true;
    else constant_ = *s;
  }
  void addTerm(const std::vector<AtomPtr>& factors, int64_t coef) {
    if (coef == 0) return;
    auto [it, inserted] = terms_.try_emplace(factors, coef);
    if (inserted) return;
    std::optional<int64_t> s = checkedAdd(it->second, coef);
    if (!s) overflow_ = true;
    else it->second = *s;
  }
  // this += k * p
  void addPoly(const Poly& p, int64_t k) {
    if (k == 0) return;
    for (const Term& t : p.terms) {
      std::optional<int64_t> c = checkedMul(t.coef, k);
      if (!c) {
        overflow_ = true;
        return;
      }
      addTerm(t.factors, *c);
    }
    std::optional<int64_t> c = checkedMul(p.constant, k);
    if (!c) overflow_ = true;
    else addConstant(*c);
  }
  // nullptr on overflow.
  PolyPtr finish() const {
    if (overflow_) return nullptr;
    Poly p;
    for (const auto& [factors, coef] : terms_)
      if (coef != 0) p.terms.push_back(Term{factors, coef});
    p.constant = constant_;
    return finishPoly(std::move(p));
  }

 private:
  std::map<std::vector<AtomPtr>, int64_t, TermFactorsLess> terms_;
  int64_t constant_ = 0;
  bool overflow_ = false;
};

PolyPtr constantPoly(int64_t c) {
  Poly p;
  p.constant = c;
  return finishPoly(std::move(p));
}

std::vector<AtomPtr> mergeFactors(const std::vector<AtomPtr>& a, const std::vector<AtomPtr>& b) {
  std::vector<AtomPtr> out;
  out.reserve(a.size() + b.size());
  std::merge(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out), atomLess);
  return out;
}

}  // namespace

int compareAtoms(const Atom& a, const Atom& b) {
  if (&a == &b) return 0;
  if (a.kind != b.kind) return a.kind == Atom::Kind::kSymbol ? -1 : 1;
  if (a.kind == Atom::Kind::kSymbol) {
    const int c = a.name.compare(b.name);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (int c = compareInts(a.den, b.den)) return c;
  return comparePolys(*a.num, *b.num);
}

int compareFactors(const std::vector<AtomPtr>& a, const std::vector<AtomPtr>& b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i)
    if (int c = compareAtoms(*a[i], *b[i])) return c;
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

int comparePolys(const Poly& a, const Poly& b) {
  if (&a == &b) return 0;
  const size_t n = std::min(a.terms.size(), b.terms.size());
  for (size_t i = 0; i < n; ++i) {
    if (int c = compareTermFactors(a.terms[i].factors, b.terms[i].factors)) return c;
    if (int c = compareInts(a.terms[i].coef, b.terms[i].coef)) return c;
  }
  if (a.terms.size() != b.terms.size()) return a.terms.size() < b.terms.size() ? -1 : 1;
  return compareInts(a.constant, b.constant);
}

PolyPtr finishPoly(Poly p) {
  size_t h = std::hash<int64_t>()(p.constant);
  size_t nodes = 1;
  for (const Term& t : p.terms) {
    size_t th = std::hash<int64_t>()(t.coef);
    nodes += 1;
    for (const AtomPtr& f : t.factors) {
      th = mixHash(th, f->hash);
      nodes += f->nodes;
    }
    h = mixHash(h, th);
  }
  p.hash = h;
  p.nodes = nodes;
  return std::make_shared<const Poly>(std::move(p));
}

Bounds boundsOf(const Atom& a, int64_t symbolMin) {
  if (a.kind == Atom::Kind::kSymbol) return Bounds{symbolMin, kInt64Max};
  if (symbolMin == 0) return a.bounds;
  return floorBounds(boundsOf(*a.num, symbolMin), a.den);
}

Bounds boundsOf(const Poly& p, int64_t symbolMin) {
  Bounds sum{p.constant, p.constant};
  for (const Term& t : p.terms) {
    Bounds product{1, 1};
    for (const AtomPtr& f : t.factors) product = mulBounds(product, boundsOf(*f, symbolMin));
    sum = addBounds(sum, mulBounds(product, Bounds{t.coef, t.coef}));
  }
  return sum;
}

PolyPtr polyOf(const Dim& d) {
  switch (d.kind()) {
    case Dim::Kind::kValue:
      return constantPoly(d.value());
    case Dim::Kind::kSymbol: {
      Poly p;
      p.terms.push_back(Term{{makeSymbolAtom(d.symbol())}, 1});
      return finishPoly(std::move(p));
    }
    case Dim::Kind::kExpr:
      return d.expr();
    case Dim::Kind::kUnknown:
      break;
  }
  return nullptr;
}

Dim dimOf(PolyPtr p) {
  if (p->terms.empty()) return Dim::value(p->constant);
  const Term& t = p->terms.front();
  if (p->terms.size() == 1 && p->constant == 0 && t.coef == 1 && t.factors.size() == 1 &&
      t.factors.front()->kind == Atom::Kind::kSymbol)
    return Dim::symbol(t.factors.front()->name);
  return Dim::fromCanonicalExpr(std::move(p));
}

PolyPtr addPolys(const Poly& a, int64_t ka, const Poly& b, int64_t kb) {
  PolyBuilder out;
  out.addPoly(a, ka);
  out.addPoly(b, kb);
  return out.finish();
}

PolyPtr mulPolys(const Poly& a, const Poly& b) {
  PolyBuilder out;
  for (const Term& ta : a.terms) {
    for (const Term& tb : b.terms) {
      std::optional<int64_t> c = checkedMul(ta.coef, tb.coef);
      if (!c) return nullptr;
      out.addTerm(mergeFactors(ta.factors, tb.factors), *c);
    }
  }
  out.addPoly(Poly{a.terms, 0, 0, 0}, b.constant);  // a's terms times b's constant
  out.addPoly(Poly{b.terms, 0, 0, 0}, a.constant);
  std::optional<int64_t> c = checkedMul(a.constant, b.constant);
  if (!c) return nullptr;
  out.addConstant(*c);
  return out.finish();
}

// floor(p / d) in canonical form; nullptr on overflow. Precondition d >= 1.
PolyPtr floorOf(const Poly& p, int64_t d) {
  if (d == 1) return finishPoly(p);
  if (p.terms.empty()) return constantPoly(floorDiv(p.constant, d));

  // Pull integer multiples of d out: floor((q*d + r)*m / d) = q*m + floor(r*m / d).
  PolyBuilder outside;
  std::vector<Term> inside;
  for (const Term& t : p.terms) {
    const int64_t q = floorDiv(t.coef, d);
    const int64_t r = floorMod(t.coef, d);
    if (q != 0) outside.addTerm(t.factors, q);
    if (r != 0) inside.push_back(Term{t.factors, r});
  }
  outside.addConstant(floorDiv(p.constant, d));
  int64_t rest = floorMod(p.constant, d);
  if (inside.empty()) return outside.finish();  // floor(rest / d) == 0

  // gcd reduction: floor((g*x + c) / (g*e)) = floor((x + floor(c/g)) / e).
  int64_t g = d;
  for (const Term& t : inside) g = std::gcd(g, t.coef);
  if (g > 1) {
    for (Term& t : inside) t.coef /= g;
    rest /= g;
    d /= g;
  }
  Poly numerator;
  numerator.terms = std::move(inside);
  numerator.constant = rest;
  PolyPtr num = finishPoly(std::move(numerator));

  // Constant over the symbol range: fold.
  const Bounds nb = boundsOf(*num, 0);
  if (finite(nb) && floorDiv128(nb.lo, d) == floorDiv128(nb.hi, d)) {
    const Int128 v = floorDiv128(nb.lo, d);
    if (!fitsInt64(v)) return nullptr;
    outside.addConstant(static_cast<int64_t>(v));
    return outside.finish();
  }

  // Affine in its single atom over that atom's (small) range: replace.
  if (num->terms.size() == 1 && num->terms.front().factors.size() == 1) {
    const AtomPtr& atom = num->terms.front().factors.front();
    const Bounds ab = atom->bounds;
    constexpr Int128 kSmall = static_cast<Int128>(1) << 62;
    if (finite(ab) && ab.hi - ab.lo <= 7 && ab.lo > -kSmall && ab.hi < kSmall) {
      const Int128 k = num->terms.front().coef;
      auto f = [&](Int128 v) { return floorDiv128(k * v + num->constant, d); };
      const Int128 slope = ab.hi > ab.lo ? f(ab.lo + 1) - f(ab.lo) : 0;
      bool affine = true;
      for (Int128 v = ab.lo; v <= ab.hi; ++v) affine = affine && f(v) == f(ab.lo) + slope * (v - ab.lo);
      const Int128 intercept = f(ab.lo) - slope * ab.lo;
      if (affine && fitsInt64(slope) && fitsInt64(intercept)) {
        outside.addTerm({atom}, static_cast<int64_t>(slope));
        outside.addConstant(static_cast<int64_t>(intercept));
        return outside.finish();
      }
    }
  }

  // Nested floors merge: floor((floor(e/a) + x) / d) = floor((e + a*x) / (a*d)).
  for (size_t i = 0; i < num->terms.size(); ++i) {
    const Term& t = num->terms[i];
    if (t.coef != 1 || t.factors.size() != 1 || t.factors.front()->kind != Atom::Kind::kFloor) continue;
    const Atom& inner = *t.factors.front();
    std::optional<int64_t> merged = checkedMul(inner.den, d);
    if (!merged) continue;
    PolyBuilder numerator2;
    numerator2.addPoly(*inner.num, 1);
    for (size_t j = 0; j < num->terms.size(); ++j) {
      if (j == i) continue;
      std::optional<int64_t> c = checkedMul(num->terms[j].coef, inner.den);
      if (!c) {
        merged.reset();
        break;
      }
      numerator2.addTerm(num->terms[j].factors, *c);
    }
    std::optional<int64_t> c = checkedMul(num->constant, inner.den);
    if (!merged || !c) continue;
    numerator2.addConstant(*c);
    PolyPtr n2 = numerator2.finish();
    if (!n2) continue;
    PolyPtr sub = floorOf(*n2, *merged);
    if (!sub) continue;
    outside.addPoly(*sub, 1);
    return outside.finish();
  }

  outside.addTerm({makeFloorAtom(std::move(num), d)}, 1);
  return outside.finish();
}

namespace {

std::optional<int64_t> evaluateAtom(const Atom& a, const Bindings& bindings) {
  if (a.kind == Atom::Kind::kSymbol) {
    auto it = bindings.find(a.name);
    if (it == bindings.end() || it->second < 0) return std::nullopt;
    return it->second;
  }
  std::optional<int64_t> n = evaluate(*a.num, bindings);
  if (!n) return std::nullopt;
  return floorDiv(*n, a.den);
}

}  // namespace

std::optional<int64_t> evaluate(const Poly& p, const Bindings& bindings) {
  int64_t sum = p.constant;
  for (const Term& t : p.terms) {
    int64_t product = t.coef;
    for (const AtomPtr& f : t.factors) {
      std::optional<int64_t> v = evaluateAtom(*f, bindings);
      if (!v) return std::nullopt;
      std::optional<int64_t> m = checkedMul(product, *v);
      if (!m) return std::nullopt;
      product = *m;
    }
    std::optional<int64_t> s = checkedAdd(sum, product);
    if (!s) return std::nullopt;
    sum = *s;
  }
  return sum;
}

void collectSymbols(const Poly& p, std::set<std::string>& out) {
  for (const Term& t : p.terms) {
    for (const AtomPtr& f : t.factors) {
      if (f->kind == Atom::Kind::kSymbol) out.insert(f->name);
      else collectSymbols(*f->num, out);
    }
  }
}

}  // namespace detail

using detail::PolyPtr;

// ---- Arithmetic.

namespace {

thread_local uint64_t exprLimitHitCount = 0;

std::optional<Dim> resultOf(PolyPtr p) {
  if (!p) return std::nullopt;
  if (p->nodes > kMaxExprNodes) {
    ++exprLimitHitCount;
    return Dim::unknown();
  }
  return detail::dimOf(std::move(p));
}

}  // namespace

uint64_t exprLimitHits() { return exprLimitHitCount; }

std::optional<Dim> add(const Dim& a, const Dim& b) {
  if (a.isUnknown() || b.isUnknown()) return Dim::unknown();
  if (a.isValue() && b.isValue()) {
    std::optional<int64_t> s = checkedAdd(a.value(), b.value());
    return s ? std::optional<Dim>(Dim::value(*s)) : std::nullopt;
  }
  return resultOf(detail::addPolys(*detail::polyOf(a), 1, *detail::polyOf(b), 1));
}

std::optional<Dim> sub(const Dim& a, const Dim& b) {
  if (a.isUnknown() || b.isUnknown()) return Dim::unknown();
  if (a.isValue() && b.isValue()) {
    std::optional<int64_t> s = checkedSub(a.value(), b.value());
    return s ? std::optional<Dim>(Dim::value(*s)) : std::nullopt;
  }
  return resultOf(detail::addPolys(*detail::polyOf(a), 1, *detail::polyOf(b), -1));
}

std::optional<Dim> mul(const Dim& a, int64_t k) {
  if (a.isUnknown()) return Dim::unknown();
  if (a.isValue()) {
    std::optional<int64_t> m = checkedMul(a.value(), k);
    return m ? std::optional<Dim>(Dim::value(*m)) : std::nullopt;
  }
  detail::Poly zero;
  return resultOf(detail::addPolys(*detail::polyOf(a), k, zero, 0));
}

std::optional<Dim> mul(const Dim& a, const Dim& b) {
  if (a.isUnknown() || b.isUnknown()) return Dim::unknown();
  if (b.isValue()) return mul(a, b.value());
  if (a.isValue()) return mul(b, a.value());
  return resultOf(detail::mulPolys(*detail::polyOf(a), *detail::polyOf(b)));
}

std::optional<Dim> floorDiv(const Dim& a, int64_t d) {
  if (d <= 0) return std::nullopt;
  if (a.isUnknown()) return Dim::unknown();
  if (a.isValue()) return Dim::value(floorDiv(a.value(), d));
  return resultOf(detail::floorOf(*detail::polyOf(a), d));
}

std::optional<Dim> ceilDiv(const Dim& a, int64_t d) {
  if (d <= 0) return std::nullopt;
  if (a.isUnknown()) return Dim::unknown();
  if (a.isValue()) return Dim::value(ceilDiv(a.value(), d));
  return floorDiv(add(a, Dim::value(d - 1)), d);
}

std::optional<Dim> add(const std::optional<Dim>& a, const std::optional<Dim>& b) {
  return a && b ? add(*a, *b) : std::nullopt;
}
std::optional<Dim> sub(const std::optional<Dim>& a, const std::optional<Dim>& b) {
  return a && b ? sub(*a, *b) : std::nullopt;
}
std::optional<Dim> mul(const std::optional<Dim>& a, const std::optional<Dim>& b) {
  return a && b ? mul(*a, *b) : std::nullopt;
}
std::optional<Dim> mul(const std::optional<Dim>& a, int64_t k) { return a ? mul(*a, k) : std::nullopt; }
std::optional<Dim> floorDiv(const std::optional<Dim>& a, int64_t d) { return a ? floorDiv(*a, d) : std::nullopt; }
std::optional<Dim> ceilDiv(const std::optional<Dim>& a, int64_t d) { return a ? ceilDiv(*a, d) : std::nullopt; }

// ---- Inspection.

std::optional<int64_t> evaluate(const Dim& d, const Bindings& bindings) {
  switch (d.kind()) {
    case Dim::Kind::kValue:
      return d.value();
    case Dim::Kind::kSymbol: {
      auto it = bindings.find(d.symbol());
      if (it == bindings.end() || it->second < 0) return std::nullopt;
      return it->second;
    }
    case Dim::Kind::kExpr:
      return detail::evaluate(*d.expr(), bindings);
    case Dim::Kind::kUnknown:
      break;
  }
  return std::nullopt;
}

std::set<std::string> symbols(const Dim& d) {
  std::set<std::string> out;
  if (d.isSymbol()) out.insert(d.symbol());
  if (d.isExpr()) detail::collectSymbols(*d.expr(), out);
  return out;
}

size_t nodeCount(const Dim& d) { return d.isExpr() ? d.expr()->nodes : 1; }

// ---- Printing.

namespace {

using NameOf = std::function<std::string(const std::string&)>;

std::string printPoly(const detail::Poly& p, const NameOf& nameOf);

// The magnitude of v as text, also for INT64_MIN.
std::string magnitude(int64_t v) {
  const uint64_t m = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  return std::to_string(m);
}

std::string printFloor(const detail::Atom& a, const NameOf& nameOf) {
  const detail::Poly& n = *a.num;
  const bool loneSymbol = n.constant == 0 && n.terms.size() == 1 && n.terms.front().coef == 1 &&
                          n.terms.front().factors.size() == 1 &&
                          n.terms.front().factors.front()->kind == detail::Atom::Kind::kSymbol;
  const std::string num = loneSymbol ? nameOf(n.terms.front().factors.front()->name) : "(" + printPoly(n, nameOf) + ")";
  return num + " // " + std::to_string(a.den);
}

// |coef| * factors; `bare` lets a lone floor factor go without parentheses.
std::string printTerm(const detail::Term& t, bool bare, const NameOf& nameOf) {
  const bool unit = t.coef == 1 || t.coef == -1;
  std::string out = unit ? "" : magnitude(t.coef);
  const bool alone = unit && t.factors.size() == 1;
  for (const detail::AtomPtr& f : t.factors) {
    if (!out.empty()) out += "*";
    if (f->kind == detail::Atom::Kind::kSymbol) out += nameOf(f->name);
    else if (alone && bare) out += printFloor(*f, nameOf);
    else out += "(" + printFloor(*f, nameOf) + ")";
  }
  return out;
}

std::string printPoly(const detail::Poly& p, const NameOf& nameOf) {
  std::string out;
  for (const detail::Term& t : p.terms) {
    if (out.empty()) {
      // Python's unary minus binds tighter than `//`: `-(x // 2)` needs the parentheses.
      out = t.coef < 0 ? "-" + printTerm(t, false, nameOf) : printTerm(t, true, nameOf);
    } else {
      out += t.coef < 0 ? " - " : " + ";
      out += printTerm(t, true, nameOf);
    }
  }
  if (p.constant != 0 || out.empty()) {
    if (out.empty()) out = std::to_string(p.constant);
    else out += (p.constant < 0 ? " - " : " + ") + magnitude(p.constant);
  }
  return out;
}

}  // namespace

std::string strWithNames(const Dim& d, const std::function<std::string(const std::string&)>& nameOf) {
  switch (d.kind()) {
    case Dim::Kind::kValue:
      return std::to_string(d.value());
    case Dim::Kind::kSymbol:
      return nameOf(d.symbol());
    case Dim::Kind::kExpr:
      return printPoly(*d.expr(), nameOf);
    case Dim::Kind::kUnknown:
      break;
  }
  return "?";
}

// ---- Parsing: expr := term (('+'|'-') term)*; term := unary (('*'|'//') unary)*;
// unary := '-' unary | primary; primary := INT | NAME | '?' | '(' expr ')'.

namespace {

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  std::optional<Dim> parse(std::string* error) {
    std::optional<Dim> d = expression();
    skipSpace();
    if (d && pos_ != text_.size()) fail("expected an operator or the end");
    if (!error_.empty()) {
      if (error) *error = error_;
      return std::nullopt;
    }
    return d;
  }

 private:
  void skipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool accept(std::string_view token) {
    skipSpace();
    if (text_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }
  std::string seen() const {
    if (pos_ >= text_.size()) return "the end";
    return "'" + std::string(text_.substr(pos_, 8)) + "'";
  }
  std::optional<Dim> fail(const std::string& expected) {
    if (error_.empty()) error_ = expected + " at offset " + std::to_string(pos_) + ", saw " + seen();
    return std::nullopt;
  }
  std::optional<Dim> overflow(size_t at) {
    if (error_.empty()) error_ = "integer overflow at offset " + std::to_string(at);
    return std::nullopt;
  }

  std::optional<Dim> expression() {
    std::optional<Dim> acc = term();
    while (acc) {
      skipSpace();
      const size_t at = pos_;
      if (accept("+")) {
        std::optional<Dim> rhs = term();
        if (!rhs) return std::nullopt;
        acc = add(*acc, *rhs);
      } else if (accept("-")) {
        std::optional<Dim> rhs = term();
        if (!rhs) return std::nullopt;
        acc = sub(*acc, *rhs);
      } else {
        break;
      }
      if (!acc) return overflow(at);
    }
    return acc;
  }

  std::optional<Dim> term() {
    std::optional<Dim> acc = unary();
    while (acc) {
      skipSpace();
      const size_t at = pos_;
      if (accept("//")) {
        skipSpace();
        const size_t divisorAt = pos_;
        std::optional<Dim> rhs = unary();
        if (!rhs) return std::nullopt;
        if (!rhs->isValue() || rhs->value() <= 0) {
          pos_ = divisorAt;
          return fail("expected a positive integer divisor after '//'");
        }
        acc = floorDiv(*acc, rhs->value());
      } else if (accept("*")) {
        std::optional<Dim> rhs = unary();
        if (!rhs) return std::nullopt;
        acc = mul(*acc, *rhs);
      } else {
        skipSpace();
        if (pos_ < text_.size() && text_[pos_] == '/') return fail("expected '//' (floor division), not '/'");
        break;
      }
      if (!acc) return overflow(at);
    }
    return acc;
  }

  std::optional<Dim> unary() {
    skipSpace();
    const size_t at = pos_;
    if (accept("-")) {
      skipSpace();
      if (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_])))
        return integer(/*negative=*/true);
      std::optional<Dim> operand = unary();
      if (!operand) return std::nullopt;
      std::optional<Dim> r = mul(*operand, -1);
      return r ? r : overflow(at);
    }
    return primary();
  }

  // An integer literal; with `negative`, the literal after a unary minus
  // (so INT64_MIN parses).
  std::optional<Dim> integer(bool negative) {
    const size_t at = pos_;
    int64_t v = 0;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
      std::optional<int64_t> m = checkedMul(v, 10);
      const int64_t digit = text_[pos_] - '0';
      std::optional<int64_t> s = m ? (negative ? checkedSub(*m, digit) : checkedAdd(*m, digit)) : std::nullopt;
      if (!s) return overflow(at);
      v = *s;
      ++pos_;
    }
    return Dim::value(v);
  }

  std::optional<Dim> primary() {
    skipSpace();
    if (pos_ >= text_.size()) return fail("expected a number, a name, '?' or '('");
    const char c = text_[pos_];
    if (std::isdigit(static_cast<unsigned char>(c))) return integer(/*negative=*/false);
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      const size_t start = pos_;
      while (pos_ < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
        ++pos_;
      return Dim::symbol(std::string(text_.substr(start, pos_ - start)));
    }
    if (accept("?")) return Dim::unknown();
    if (accept("(")) {
      std::optional<Dim> inner = expression();
      if (!inner) return std::nullopt;
      if (!accept(")")) return fail("expected ')'");
      return inner;
    }
    return fail("expected a number, a name, '?' or '('");
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace

std::optional<Dim> parseDim(std::string_view text, std::string* error) { return Parser(text).parse(error); }

}  // namespace shapelint::ir
