#include "shapelint/ir/dim.h"

#include <fmt/format.h>

#include <atomic>
#include <mutex>
#include <ostream>
#include <string_view>
#include <unordered_set>

#include "expr_node.h"
#include "shapelint/ir/expr.h"

namespace shapelint::ir {

struct Dim::ExprBox {
  std::shared_ptr<const detail::Poly> poly;
  mutable std::atomic<int64_t> refs{1};
};

std::string Dim::str() const {
  switch (kind_) {
    case Kind::kValue:
      return std::to_string(bits_);
    case Kind::kSymbol:
      return symbol();
    case Kind::kExpr:
      return strWithNames(*this, [](const std::string& name) { return name; });
    case Kind::kUnknown:
      break;
  }
  return "?";
}

size_t Dim::hash() const {
  switch (kind_) {
    case Kind::kValue:
      return std::hash<int64_t>()(bits_) ^ 0x9e3779b97f4a7c15ULL;
    case Kind::kSymbol:
      return std::hash<std::string>()(symbol());
    case Kind::kExpr:
      return box().poly->hash;
    case Kind::kUnknown:
      break;
  }
  return 0x51ed270b;
}

static_assert(sizeof(Dim) == 16, "a Dim is a kind and a value, symbol address or expression box address");

Dim Dim::fromCanonicalExpr(std::shared_ptr<const detail::Poly> poly) {
  Dim d;
  d.kind_ = Kind::kExpr;
  d.bits_ = static_cast<int64_t>(reinterpret_cast<intptr_t>(new ExprBox{std::move(poly)}));
  return d;
}

const std::shared_ptr<const detail::Poly>& Dim::expr() const { return box().poly; }

void Dim::retain() const { box().refs.fetch_add(1, std::memory_order_relaxed); }

void Dim::release() {
  if (box().refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
    delete reinterpret_cast<ExprBox*>(static_cast<intptr_t>(bits_));
}

const std::string* Dim::internSymbol(std::string_view name) {
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>()(text); }
  };
  // Leaked on purpose: dims in static storage may outlive any destructor.
  static auto* names = new std::unordered_set<std::string, Hash, std::equal_to<>>();
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = names->find(name);
  if (it == names->end()) it = names->emplace(name).first;
  return &*it;  // set nodes never move
}

bool Dim::exprEqual(const Dim& a, const Dim& b) { return detail::polyEqual(*a.expr(), *b.expr()); }

std::ostream& operator<<(std::ostream& os, const Dim& d) { return os << d.str(); }

bool provablyEqual(const Dim& a, const Dim& b) { return provablyEqual(a, b, Assume{}); }

bool provablyNotEqual(const Dim& a, const Dim& b) { return provablyNotEqual(a, b, Assume{}); }

Shape Shape::ofValues(const std::vector<int64_t>& values) {
  std::vector<Dim> dims;
  dims.reserve(values.size());
  for (int64_t v : values) dims.push_back(Dim::value(v));
  return Shape(std::move(dims));
}

bool Shape::fullyKnown() const {
  if (!rankKnown_) return false;
  for (const Dim& d : dims_)
    if (!d.isValue()) return false;
  return true;
}

bool Shape::anyKnown() const {
  if (!rankKnown_) return false;
  for (const Dim& d : dims_)
    if (!d.isUnknown()) return true;
  return false;
}

std::ostream& operator<<(std::ostream& os, const Shape& s) { return os << s.str(); }

std::string Shape::str() const {
  if (!rankKnown_) return "?";
  std::string out = "[";
  for (size_t i = 0; i < dims_.size(); ++i) {
    if (i) out += ", ";
    out += dims_[i].str();
  }
  out += "]";
  return out;
}

}  // namespace shapelint::ir
