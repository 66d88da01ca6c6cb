// The symbolic dimension algebra: arithmetic on Dims, evaluation, printing
// and parsing, and the exact decision procedures behind provablyEqual().
//
// A Dim of kind kExpr is a quasi-affine integer expression over symbols:
// sums of integer multiples of products of atoms, where an atom is a symbol
// or `floor(e / d)` of such an expression by a constant d >= 2. Every
// expression is kept in one canonical form (see src/ir/expr_node.h), so
// expressions built in different orders compare equal with `==`:
//
//   floorDiv(add(floorDiv(sub(H, 1), 2), 0), 2) ...  // any spelling
//   floor((floor((H - 1)/2) + 1 - 1)/2) + 1  ==  (H + 3) // 4
//
// A result that is a constant is a kValue Dim, a lone symbol a kSymbol Dim.
//
// Domain. Dims are non-negative: simplification preserves the value for
// every binding of the symbols to integers in [0, INT64_MAX] (some rules use
// those bounds), and evaluate() refuses negative bindings. provablyEqual()
// and provablyNotEqual() quantify over symbols >= Assume::symbolMin (0 by
// default; pass 1 for sizes of real inputs).
//
// Overflow. Every step is overflow-checked: an operation whose exact result
// cannot be represented returns std::nullopt, never a wrapped value. An
// operation with an unknown operand returns the unknown Dim (not nullopt).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "shapelint/ir/dim.h"

namespace shapelint::ir {

// ---- Arithmetic. std::nullopt on overflow (or d <= 0 for the divisions).
std::optional<Dim> add(const Dim& a, const Dim& b);
std::optional<Dim> sub(const Dim& a, const Dim& b);
std::optional<Dim> mul(const Dim& a, const Dim& b);
std::optional<Dim> mul(const Dim& a, int64_t k);
// floor(a / d), rounding toward negative infinity. Precondition d > 0.
std::optional<Dim> floorDiv(const Dim& a, int64_t d);
// ceil(a / d) = floor((a + d - 1) / d). Precondition d > 0.
std::optional<Dim> ceilDiv(const Dim& a, int64_t d);

// The same, chaining: a std::nullopt operand (an earlier overflow) gives
// std::nullopt, so `add(floorDiv(sub(h, 3), 2), Dim::value(1))` needs no
// checks between steps.
std::optional<Dim> add(const std::optional<Dim>& a, const std::optional<Dim>& b);
std::optional<Dim> sub(const std::optional<Dim>& a, const std::optional<Dim>& b);
std::optional<Dim> mul(const std::optional<Dim>& a, const std::optional<Dim>& b);
std::optional<Dim> mul(const std::optional<Dim>& a, int64_t k);
std::optional<Dim> floorDiv(const std::optional<Dim>& a, int64_t d);
std::optional<Dim> ceilDiv(const std::optional<Dim>& a, int64_t d);

// ---- Inspection.
using Bindings = std::map<std::string, int64_t>;
// The value under the bindings; std::nullopt when the dim is unknown, a
// symbol is unbound, a binding is negative, or a step overflows.
std::optional<int64_t> evaluate(const Dim& d, const Bindings& bindings);
// The symbol names the dim mentions (empty for values and unknown).
std::set<std::string> symbols(const Dim& d);
// Size of the expression tree (symbols, floors and terms, shared subtrees
// counted each time they occur); 1 for a value, symbol or unknown.
size_t nodeCount(const Dim& d);

// ---- Text. Dim::str() prints the Python-style form: `+ - *`, `//` for floor
// division by a positive constant, parentheses; e.g. `(H + 3) // 4`,
// `64*H*W`, `2*((H + 1) // 2) - 1`. strWithNames() prints each symbol
// through `nameOf` (e.g. the reporter's identifier-safe names).
std::string strWithNames(const Dim& d, const std::function<std::string(const std::string&)>& nameOf);

// Parses the syntax str() prints (integers, identifiers, `?` for unknown,
// `+ - *`, `//` by a positive constant, unary minus, parentheses) back into a
// canonical Dim. parseDim(d.str()) == d for every dim whose symbols are
// identifiers. On failure returns std::nullopt and, when `error` is given,
// says what was expected and what was seen.
std::optional<Dim> parseDim(std::string_view text, std::string* error = nullptr);

// ---- Deciding equalities.
// What provablyEqual/provablyNotEqual may assume about symbols.
struct Assume {
  int64_t symbolMin = 0;  // every symbol is >= symbolMin (and <= INT64_MAX)
};
// True when a == b for every binding of the symbols to integers >=
// assume.symbolMin. Exact for quasi-affine expressions whose period box is
// small (always for one symbol and periods up to 2^16); otherwise true only
// when the canonical forms coincide. Never true wrongly.
bool provablyEqual(const Dim& a, const Dim& b, const Assume& assume);
// True when a != b for every such binding. Exact for quasi-affine
// expressions in one symbol (period up to 2^16); for more symbols or
// products a sound sufficient test (bounds, gcd, monotone period box).
bool provablyNotEqual(const Dim& a, const Dim& b, const Assume& assume);

// Interval bounds of d with every symbol >= assume.symbolMin: every value d
// takes lies in [lo, hi]. Sound but not always tight (`H - 2*(H // 2)` is in
// [0, 1] but gets no bounds); a side that is unbounded, or beyond int64, is
// std::nullopt, and so are both for an unknown dim.
struct DimRange {
  std::optional<int64_t> lo;
  std::optional<int64_t> hi;
};
DimRange rangeOf(const Dim& d, const Assume& assume);

// The period T of a quasi-affine expression: shifting any one symbol by T
// changes the value by a constant. 1 for values, symbols and affine
// expressions; std::nullopt for unknown, for products of non-constant
// factors, and on overflow. `(H + 3) // 4` has period 4.
std::optional<int64_t> periodOf(const Dim& d);

// A set of sizes of one symbol inside [lo, hi], exactly:
//   { v in [lo, min) : v in below }  ∪  { v in [min, hi] : v mod modulus in residues }
// Normalised for a short description: modulus is the smallest period of the
// residue pattern, min as small as it can be. `==` compares descriptions:
// two sets equal on [lo, hi] usually, but not always, have equal fields;
// compare members() or contains() to be sure.
struct ResidueSet {
  int64_t lo = 0;
  int64_t hi = 0;
  int64_t modulus = 1;
  std::vector<int64_t> residues;  // sorted, each in [0, modulus)
  int64_t min = 0;                // lo <= min <= hi + 1
  std::vector<int64_t> below;     // sorted members in [lo, min)

  bool contains(int64_t v) const;
  bool empty() const;
  // The members in increasing order, at most `limit` of them.
  std::vector<int64_t> members(size_t limit) const;
  // "H in {3, 5} or (H >= 8 and H % 4 in {0, 1})", "H >= 1", "no H".
  std::string str(const std::string& symbol) const;
  friend bool operator==(const ResidueSet&, const ResidueSet&) = default;
};

// The sizes v of `symbol` in [lo, hi] (0 <= lo <= hi) at which a == b, or at
// which a >= b, with every other symbol absent: std::nullopt when a or b
// mentions another symbol, is unknown or not quasi-affine, or when the
// period (or the description) is too large to enumerate (2^20).
std::optional<ResidueSet> solveEqual(const Dim& a, const Dim& b, const std::string& symbol, int64_t lo,
                                     int64_t hi);
std::optional<ResidueSet> solveAtLeast(const Dim& a, const Dim& b, const std::string& symbol, int64_t lo,
                                       int64_t hi);
// Set algebra on sets over the same [lo, hi]; std::nullopt when the ranges
// differ or the combined modulus is too large.
std::optional<ResidueSet> intersect(const ResidueSet& a, const ResidueSet& b);
ResidueSet complement(const ResidueSet& a);

}  // namespace shapelint::ir
