// Dimensions and shapes of the graph IR.
//
// A dimension is a known non-negative integer, a named symbol (`N`, `batch`),
// unknown, or a symbolic expression over symbols such as `(H + 3) // 4` or
// `64*H*W` (kExpr). The arithmetic that builds expressions, evaluation,
// parsing and the decision procedures are in shapelint/ir/expr.h. Code that
// switches on kind() must handle every kind.
//
// Expressions are kept in a canonical form: a constant result is always a
// kValue dim, a lone symbol always a kSymbol dim, so a kExpr dim is never
// equal to a value or a symbol.
//
// `==` is structural (same kind, same value, symbol name or canonical
// expression) so Dims can be hashed (std::hash<Dim>) and compared in
// containers. Whether two dims are equal for every binding of their symbols
// is provablyEqual(); whether they differ for every binding is
// provablyNotEqual(). Two unknown dims are structurally equal but neither
// provably equal nor provably different.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shapelint::ir {

namespace detail {
struct Poly;  // src/ir/expr_node.h
}  // namespace detail

class Dim {
 public:
  enum class Kind { kUnknown, kValue, kSymbol, kExpr };

  Dim() = default;  // unknown
  Dim(const Dim& other) : kind_(other.kind_), bits_(other.bits_) {
    if (kind_ == Kind::kExpr) retain();
  }
  // A moved-from expression dim is unknown; a value or symbol stays as it was.
  Dim(Dim&& other) noexcept : kind_(other.kind_), bits_(other.bits_) {
    if (kind_ == Kind::kExpr) other.forget();
  }
  Dim& operator=(const Dim& other) {
    if (other.kind_ == Kind::kExpr) other.retain();  // first: `other` may be *this
    if (kind_ == Kind::kExpr) release();
    kind_ = other.kind_;
    bits_ = other.bits_;
    return *this;
  }
  Dim& operator=(Dim&& other) noexcept {
    if (this != &other) {
      if (kind_ == Kind::kExpr) release();
      kind_ = other.kind_;
      bits_ = other.bits_;
      if (kind_ == Kind::kExpr) other.forget();
    }
    return *this;
  }
  ~Dim() {
    if (kind_ == Kind::kExpr) release();
  }

  static Dim unknown() { return Dim(); }
  static Dim value(int64_t v) {
    Dim d;
    d.kind_ = Kind::kValue;
    d.bits_ = v;
    return d;
  }
  // Symbol names are interned: a symbol dim holds a pointer to the one
  // copy of its name, so dims stay small and compare in one instruction.
  static Dim symbol(std::string_view name) {
    Dim d;
    d.kind_ = Kind::kSymbol;
    d.bits_ = static_cast<int64_t>(reinterpret_cast<intptr_t>(internSymbol(name)));
    return d;
  }

  Kind kind() const { return kind_; }
  bool isUnknown() const { return kind_ == Kind::kUnknown; }
  bool isValue() const { return kind_ == Kind::kValue; }
  bool isSymbol() const { return kind_ == Kind::kSymbol; }
  bool isExpr() const { return kind_ == Kind::kExpr; }

  // Preconditions: isValue() / isSymbol().
  int64_t value() const { return bits_; }
  const std::string& symbol() const { return *reinterpret_cast<const std::string*>(static_cast<intptr_t>(bits_)); }

  // The known integer, if any.
  std::optional<int64_t> tryValue() const {
    return isValue() ? std::optional<int64_t>(bits_) : std::nullopt;
  }

  // "224", "N", "?", "(H + 3) // 4".
  std::string str() const;

  // Structural: same kind and same value, symbol or canonical expression.
  friend bool operator==(const Dim& a, const Dim& b) {
    if (a.kind_ != b.kind_) return false;
    return a.bits_ == b.bits_ || (a.kind_ == Kind::kExpr && exprEqual(a, b));
  }
  friend bool operator!=(const Dim& a, const Dim& b) { return !(a == b); }

  // Consistent with ==.
  size_t hash() const;

  // The canonical expression of a kExpr dim (src/ir/expr_node.h).
  // Precondition: isExpr().
  const std::shared_ptr<const detail::Poly>& expr() const;
  // Precondition: `poly` is canonical and neither constant nor a lone
  // symbol; the algebra in expr.h is the only caller.
  static Dim fromCanonicalExpr(std::shared_ptr<const detail::Poly> poly);

 private:
  // A kExpr dim's bits_ is the address of an ExprBox: the expression and
  // how many dims share the box. A shared_ptr member would make every dim
  // 32 bytes instead of 16, and nearly all dims are values.
  struct ExprBox;
  const ExprBox& box() const { return *reinterpret_cast<const ExprBox*>(static_cast<intptr_t>(bits_)); }
  void retain() const;
  void release();
  void forget() {  // this dim's box now belongs to another dim
    kind_ = Kind::kUnknown;
    bits_ = 0;
  }
  static bool exprEqual(const Dim& a, const Dim& b);
  // The one copy of `name`, kept for the life of the process.
  static const std::string* internSymbol(std::string_view name);

  Kind kind_ = Kind::kUnknown;
  // kValue: the value; kSymbol: the interned name's address; kExpr: the
  // ExprBox's address; else 0.
  int64_t bits_ = 0;
};

// True when a and b are equal for every binding of their symbols to
// non-negative integers. Never true wrongly; exact in one symbol (see
// expr.h for the precise scope and for a version with a symbol minimum).
bool provablyEqual(const Dim& a, const Dim& b);
// True when a and b differ for every binding of their symbols to
// non-negative integers. Never true wrongly; exact in one symbol.
bool provablyNotEqual(const Dim& a, const Dim& b);

// Writes str(), so test failures and logs show "(H + 3) // 4".
std::ostream& operator<<(std::ostream& os, const Dim& d);

// A tensor shape: a list of dims, or unknown rank.
class Shape {
 public:
  Shape() = default;  // unknown rank
  explicit Shape(std::vector<Dim> dims) : dims_(std::move(dims)), rankKnown_(true) {}
  static Shape unknownRank() { return Shape(); }
  static Shape ofValues(const std::vector<int64_t>& values);
  // A shape of known rank whose dims are all unknown.
  static Shape unknownDims(size_t rank) { return Shape(std::vector<Dim>(rank)); }

  bool rankKnown() const { return rankKnown_; }
  // Preconditions for the rest: rankKnown().
  size_t rank() const { return dims_.size(); }
  const std::vector<Dim>& dims() const { return dims_; }
  std::vector<Dim>& dims() { return dims_; }
  const Dim& operator[](size_t i) const { return dims_[i]; }
  Dim& operator[](size_t i) { return dims_[i]; }

  // Rank known and every dim a known integer.
  bool fullyKnown() const;
  // Rank known and at least one dim not unknown.
  bool anyKnown() const;
  // "[1, 3, 224, 224]", "[N, 3, ?, ?]", "?" for unknown rank.
  std::string str() const;

  friend bool operator==(const Shape& a, const Shape& b) {
    return a.rankKnown_ == b.rankKnown_ && a.dims_ == b.dims_;
  }
  friend bool operator!=(const Shape& a, const Shape& b) { return !(a == b); }

 private:
  std::vector<Dim> dims_;
  bool rankKnown_ = false;
};

// Writes str().
std::ostream& operator<<(std::ostream& os, const Shape& s);

}  // namespace shapelint::ir

template <>
struct std::hash<shapelint::ir::Dim> {
  size_t operator()(const shapelint::ir::Dim& d) const noexcept { return d.hash(); }
};
