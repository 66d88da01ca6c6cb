// Expression nodes behind Dim::Kind::kExpr (private to src/ir).
//
// Canonical form. An expression is a Poly:
//
//   constant + Σ coef_i · (atom_i1 · atom_i2 · …)
//
// an integer constant plus terms; a term is a non-zero int64 coefficient
// times a non-empty product of atoms sorted by atomLess (a multiset: H·H is
// two factors). Terms are sorted by termLess (more factors first, then the
// factors lexicographically) and no two have the same factors. An atom is a
// symbol or Floor(num, den): floor(num / den) with den >= 2 and num a Poly
// that floorOf() left normalised:
//   - every coefficient and the constant of num lie in [0, den) (integer
//     multiples of den are pulled out of the floor);
//   - gcd(den, coefficients of num) == 1;
//   - num has no term 1·floor(e / a) (nested floors merge into
//     floor((e + a·rest) / (a·den))), unless a·den would overflow;
//   - the floor is not constant, nor affine in its single atom, over the
//     symbol range [0, INT64_MAX] (interval bounds decide it).
// Nodes are immutable and shared (shared_ptr<const>); each caches its hash
// and size, and Floor atoms their bounds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace shapelint::ir::detail {

__extension__ typedef __int128 Int128;

// Interval bounds of an expression; kInf and -kInf stand for infinity.
inline constexpr Int128 kInf = static_cast<Int128>(1) << 120;
struct Bounds {
  Int128 lo = -kInf;
  Int128 hi = kInf;
};

struct Atom;
using AtomPtr = std::shared_ptr<const Atom>;

struct Term {
  std::vector<AtomPtr> factors;  // sorted by atomLess, non-empty
  int64_t coef = 0;              // non-zero
};

struct Poly {
  std::vector<Term> terms;  // sorted by termLess
  int64_t constant = 0;
  size_t hash = 0;   // set by finishPoly
  size_t nodes = 1;  // tree size, set by finishPoly
};
using PolyPtr = std::shared_ptr<const Poly>;

struct Atom {
  enum class Kind { kSymbol, kFloor };
  Kind kind = Kind::kSymbol;
  std::string name;  // kSymbol
  PolyPtr num;       // kFloor
  int64_t den = 0;   // kFloor, >= 2
  size_t hash = 0;
  size_t nodes = 1;
  Bounds bounds;  // over symbols in [0, INT64_MAX]
};

// Total orders: < 0, 0, > 0. Structural; pointer-equal nodes compare equal
// without descending.
int compareAtoms(const Atom& a, const Atom& b);
int compareFactors(const std::vector<AtomPtr>& a, const std::vector<AtomPtr>& b);
int comparePolys(const Poly& a, const Poly& b);
inline bool polyEqual(const Poly& a, const Poly& b) {
  return &a == &b || (a.hash == b.hash && comparePolys(a, b) == 0);
}

}  // namespace shapelint::ir::detail
