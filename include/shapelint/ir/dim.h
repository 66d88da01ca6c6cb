// Dimensions and shapes of the graph IR.
//
// A dimension is a known non-negative integer, a named symbol (`N`, `batch`),
// or unknown. The representation is closed over these three kinds for now and
// is meant to grow a fourth kind, a symbolic expression such as
// `floor((H - 1)/2) + 1`; code that switches on kind() must handle every kind.
//
// `==` is structural (same kind, same value or same symbol name) so Dims can
// be hashed and compared in containers. Whether two dims are equal for every
// binding of their symbols is provablyEqual(); whether they differ for every
// binding is provablyNotEqual(). Two unknown dims are structurally equal but
// neither provably equal nor provably different.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shapelint::ir {

class Dim {
 public:
  enum class Kind { kUnknown, kValue, kSymbol };

  Dim() = default;  // unknown
  static Dim unknown() { return Dim(); }
  static Dim value(int64_t v) {
    Dim d;
    d.kind_ = Kind::kValue;
    d.value_ = v;
    return d;
  }
  static Dim symbol(std::string name) {
    Dim d;
    d.kind_ = Kind::kSymbol;
    d.symbol_ = std::move(name);
    return d;
  }

  Kind kind() const { return kind_; }
  bool isUnknown() const { return kind_ == Kind::kUnknown; }
  bool isValue() const { return kind_ == Kind::kValue; }
  bool isSymbol() const { return kind_ == Kind::kSymbol; }

  // Preconditions: isValue() / isSymbol().
  int64_t value() const { return value_; }
  const std::string& symbol() const { return symbol_; }

  // The known integer, if any.
  std::optional<int64_t> tryValue() const {
    return isValue() ? std::optional<int64_t>(value_) : std::nullopt;
  }

  // "224", "N", "?".
  std::string str() const;

  friend bool operator==(const Dim& a, const Dim& b) {
    return a.kind_ == b.kind_ && a.value_ == b.value_ && a.symbol_ == b.symbol_;
  }
  friend bool operator!=(const Dim& a, const Dim& b) { return !(a == b); }

 private:
  Kind kind_ = Kind::kUnknown;
  int64_t value_ = 0;
  std::string symbol_;
};

// True when a and b are equal for every binding of their symbols.
bool provablyEqual(const Dim& a, const Dim& b);
// True when a and b differ for every binding of their symbols.
bool provablyNotEqual(const Dim& a, const Dim& b);

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

}  // namespace shapelint::ir
