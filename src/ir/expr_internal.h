// Operations on expression nodes shared by expr.cpp and expr_decide.cpp
// (private to src/ir). Functions returning PolyPtr return nullptr on
// overflow.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "expr_node.h"
#include "shapelint/ir/dim.h"
#include "shapelint/ir/expr.h"

namespace shapelint::ir::detail {

// Freezes a poly whose terms are already canonical: sets hash and size.
PolyPtr finishPoly(Poly p);
// The poly of a value, symbol or expression dim; nullptr for unknown.
PolyPtr polyOf(const Dim& d);
// The dim of a canonical poly: a value, a symbol, or an expression.
Dim dimOf(PolyPtr p);

PolyPtr addPolys(const Poly& a, int64_t ka, const Poly& b, int64_t kb);  // ka*a + kb*b
PolyPtr mulPolys(const Poly& a, const Poly& b);
PolyPtr floorOf(const Poly& p, int64_t d);  // floor(p / d), d >= 1

// Bounds with every symbol in [symbolMin, INT64_MAX].
Bounds boundsOf(const Poly& p, int64_t symbolMin);
Bounds boundsOf(const Atom& a, int64_t symbolMin);

std::optional<int64_t> evaluate(const Poly& p, const Bindings& bindings);

// Shifting any one symbol s by `period` changes a quasi-affine poly by
// increment[s] (every symbol of the poly has an entry, possibly 0).
struct Periodic {
  int64_t period = 1;
  std::map<std::string, int64_t> increment;
};
// std::nullopt for products of non-constant factors and on overflow.
std::optional<Periodic> periodicOf(const Poly& p);

void collectSymbols(const Poly& p, std::set<std::string>& out);

}  // namespace shapelint::ir::detail
