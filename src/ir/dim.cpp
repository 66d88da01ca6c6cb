#include "shapelint/ir/dim.h"

#include <fmt/format.h>

namespace shapelint::ir {

std::string Dim::str() const {
  switch (kind_) {
    case Kind::kValue:
      return std::to_string(value_);
    case Kind::kSymbol:
      return symbol_;
    case Kind::kUnknown:
      break;
  }
  return "?";
}

bool provablyEqual(const Dim& a, const Dim& b) {
  if (a.isValue() && b.isValue()) return a.value() == b.value();
  if (a.isSymbol() && b.isSymbol()) return a.symbol() == b.symbol();
  return false;
}

bool provablyNotEqual(const Dim& a, const Dim& b) {
  return a.isValue() && b.isValue() && a.value() != b.value();
}

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
