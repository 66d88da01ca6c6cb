// Elementwise ops on propagated small tensors: integer and real arithmetic
// of shape values (Shape -> Gather -> Mul -> Concat, Shape -> Cast(float) ->
// Mul(scale) -> Floor -> Cast(int64)), exact or unknown, never guessed.
#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "passes/shape/data_values.h"
#include "shapelint/ir/checked.h"
#include "shapelint/ir/expr.h"

namespace shapelint::passes::shape {
namespace {

ir::Dim orUnknown(const std::optional<ir::Dim>& d) { return d ? *d : ir::Dim::unknown(); }

// A dim provably >= 0: a value >= 0 or a symbol (symbols are sizes).
bool nonNegative(const ir::Dim& d) { return (d.isValue() && d.value() >= 0) || d.isSymbol(); }

ir::Dim maxDim(const ir::Dim& a, const ir::Dim& b, bool isMax) {
  if (a.isValue() && b.isValue())
    return ir::Dim::value(isMax ? std::max(a.value(), b.value()) : std::min(a.value(), b.value()));
  if (!a.isUnknown() && ir::provablyEqual(a, b)) return a;
  // A value <= 0 against a size (>= 0).
  auto sizeVsNonPositive = [&](const ir::Dim& size, const ir::Dim& v) -> std::optional<ir::Dim> {
    if (nonNegative(size) && v.isValue() && v.value() <= 0) return isMax ? size : v;
    return std::nullopt;
  };
  if (auto r = sizeVsNonPositive(a, b)) return *r;
  if (auto r = sizeVsNonPositive(b, a)) return *r;
  return ir::Dim::unknown();
}

// 1 / 0 / unknown for a comparison of two elements.
ir::Dim compareDims(const std::string& op, const ir::Dim& a, const ir::Dim& b) {
  if (a.isValue() && b.isValue()) {
    const int64_t x = a.value();
    const int64_t y = b.value();
    bool r = false;
    if (op == "Equal") r = x == y;
    else if (op == "Less") r = x < y;
    else if (op == "Greater") r = x > y;
    else if (op == "LessOrEqual") r = x <= y;
    else if (op == "GreaterOrEqual") r = x >= y;
    else return ir::Dim::unknown();
    return ir::Dim::value(r ? 1 : 0);
  }
  if (op == "Equal") {
    if (ir::provablyEqual(a, b)) return ir::Dim::value(1);
    if (ir::provablyNotEqual(a, b)) return ir::Dim::value(0);
  }
  return ir::Dim::unknown();
}

std::optional<bool> compareReals(const std::string& op, double x, double y) {
  if (op == "Equal") return x == y;
  if (op == "Less") return x < y;
  if (op == "Greater") return x > y;
  if (op == "LessOrEqual") return x <= y;
  if (op == "GreaterOrEqual") return x >= y;
  return std::nullopt;
}

bool isCompare(const std::string& op) {
  return op == "Equal" || op == "Less" || op == "Greater" || op == "LessOrEqual" || op == "GreaterOrEqual";
}

// a op b on integers (as dims).
ir::Dim intBinary(const std::string& op, const ir::Dim& a, const ir::Dim& b) {
  if (op == "Add" || op == "Sum") return orUnknown(ir::add(a, b));
  if (op == "Sub") return orUnknown(ir::sub(a, b));
  if (op == "Mul") return orUnknown(ir::mul(a, b));
  if (op == "Div") return truncDiv(a, b);
  if (op == "Max" || op == "Min") return maxDim(a, b, op == "Max");
  return ir::Dim::unknown();
}

// a op b on reals of type `type`: concrete in floating point, symbolic only
// where the result is an exact integer.
Elem realBinary(const std::string& op, const Elem& a, const Elem& b, int32_t type) {
  Elem r;
  if (a.real && b.real) {
    const double x = *a.real;
    const double y = *b.real;
    double v = 0;
    if (op == "Add" || op == "Sum") v = x + y;
    else if (op == "Sub") v = x - y;
    else if (op == "Mul") v = x * y;
    else if (op == "Div") v = x / y;
    else if (op == "Max") v = std::max(x, y);
    else if (op == "Min") v = std::min(x, y);
    else return r;
    r.real = roundTo(type, v);
    if (std::optional<int64_t> i = exactInt(*r.real)) r.dim = ir::Dim::value(*i);
    return r;
  }
  // Symbolic: both operands integers (dim known), the result an exact integer.
  if (a.dim.isUnknown() || b.dim.isUnknown()) return r;
  if (op == "Div") {
    if (!b.dim.isValue() || b.dim.value() <= 0) return r;
    std::optional<ir::Dim> q = ir::floorDiv(a.dim, b.dim.value());
    if (q && ir::provablyEqual(orUnknown(ir::mul(*q, b.dim.value())), a.dim)) r.dim = *q;
  } else {
    r.dim = intBinary(op, a.dim, b.dim);
  }
  if (r.dim.isValue()) r.real = static_cast<double>(r.dim.value());
  return r;
}

Elem unary(const std::string& op, const Elem& a, bool real, int32_t type) {
  Elem r;
  if (real && a.real) {
    double v = *a.real;
    if (op == "Neg") v = -v;
    else if (op == "Abs") v = std::fabs(v);
    else if (op == "Floor") v = std::floor(v);
    else if (op == "Ceil") v = std::ceil(v);
    else if (op != "Identity") return r;
    r.real = roundTo(type, v);
    if (std::optional<int64_t> i = exactInt(*r.real)) r.dim = ir::Dim::value(*i);
    return r;
  }
  if (op == "Neg") r.dim = orUnknown(ir::mul(a.dim, -1));
  else if (op == "Abs")
    r.dim = a.dim.isValue()
                ? (a.dim.value() == INT64_MIN ? ir::Dim::unknown() : ir::Dim::value(std::llabs(a.dim.value())))
                : (nonNegative(a.dim) ? a.dim : ir::Dim::unknown());
  else if (op == "Floor" || op == "Ceil" || op == "Identity") r.dim = a.dim;  // an integer already
  else if (op == "Not" && a.dim.isValue()) r.dim = ir::Dim::value(a.dim.value() == 0 ? 1 : 0);
  if (real && r.dim.isValue()) r.real = static_cast<double>(r.dim.value());
  return r;
}

}  // namespace

std::optional<bool> realType(int32_t elemType, const ir::ConstData* data) {
  if (elemType == ir::kFloat || elemType == ir::kDouble) return true;
  if (ir::isFloatingType(elemType)) return std::nullopt;
  if (elemType == ir::kUndefined) return data ? std::optional<bool>(data->isReal) : std::nullopt;
  if (elemType == ir::kString) return std::nullopt;
  return false;
}

double roundTo(int32_t elemType, double r) {
  return elemType == ir::kFloat ? static_cast<double>(static_cast<float>(r)) : r;
}

ir::Dim truncDiv(const ir::Dim& a, const ir::Dim& b) {
  if (!b.isValue() || b.value() == 0) return ir::Dim::unknown();
  const int64_t k = b.value();
  if (a.isValue()) {
    if (a.value() == INT64_MIN && k == -1) return ir::Dim::unknown();
    return ir::Dim::value(a.value() / k);  // C++ truncates toward zero, as ONNX
  }
  if (k < 0) {
    // trunc(a / k) = -trunc(a / -k)
    if (k == INT64_MIN) return ir::Dim::unknown();
    return orUnknown(ir::mul(truncDiv(a, ir::Dim::value(-k)), -1));
  }
  std::optional<ir::Dim> q = ir::floorDiv(a, k);
  if (!q) return ir::Dim::unknown();
  // Floor equals truncation when the division is exact or a >= 0.
  if (nonNegative(a) || ir::provablyEqual(orUnknown(ir::mul(*q, k)), a)) return *q;
  return ir::Dim::unknown();
}

void propagateElementwiseData(InferContext& ctx, const std::vector<size_t>& inputs, const ir::Shape& out,
                              int32_t outType) {
  std::optional<int64_t> count = elementCount(out);
  if (!count || *count > ir::kMaxConstElements) return;
  std::vector<std::vector<Elem>> args;
  for (size_t i : inputs) {
    std::optional<std::vector<Elem>> e = inputElems(ctx, i);
    if (!e) return;
    args.push_back(broadcastElems(*e, ctx.inputShape(i), out));
  }
  if (args.empty()) return;
  const std::string& op = ctx.node().opType;
  const size_t n = static_cast<size_t>(*count);
  std::vector<Elem> result(n);

  if (op == "Where") {
    const std::optional<bool> real = realType(outType, ctx.inputSymbolicData(1));
    if (!real || args.size() != 3) return;
    for (size_t k = 0; k < n; ++k) {
      const ir::Dim& c = args[0][k].dim;
      if (c.isValue()) result[k] = c.value() != 0 ? args[1][k] : args[2][k];
      else if (!args[1][k].dim.isUnknown() && args[1][k].dim == args[2][k].dim) result[k] = args[1][k];
    }
    setOutputElems(ctx, 0, out, result, *real);
    return;
  }

  // The operands' domain: the inputs' element type.
  const std::optional<bool> inReal = realType(ctx.inputType(inputs[0]), ctx.inputSymbolicData(inputs[0]));
  if (!inReal) return;
  const int32_t inType = ctx.inputType(inputs[0]);
  if (args.size() == 1) {
    for (size_t k = 0; k < n; ++k) result[k] = unary(op, args[0][k], *inReal, inType);
    setOutputElems(ctx, 0, out, result, *inReal);
    return;
  }
  if (isCompare(op)) {
    if (args.size() != 2) return;
    for (size_t k = 0; k < n; ++k) {
      const Elem& a = args[0][k];
      const Elem& b = args[1][k];
      if (*inReal && a.real && b.real) {
        if (std::optional<bool> r = compareReals(op, *a.real, *b.real)) result[k].dim = ir::Dim::value(*r ? 1 : 0);
      } else if (*inReal && (a.real || b.real) && !(a.real ? a : b).dim.isValue()) {
        // A non-integral real against an integer: unequal, but order unknown
        // here.
        if (op == "Equal" && !(a.real ? b : a).dim.isUnknown()) result[k].dim = ir::Dim::value(0);
      } else {
        result[k].dim = compareDims(op, a.dim, b.dim);
      }
    }
    setOutputElems(ctx, 0, out, result, false);
    return;
  }
  // Binary and variadic ops fold left to right.
  result = args[0];
  for (size_t j = 1; j < args.size(); ++j) {
    for (size_t k = 0; k < n; ++k) {
      if (*inReal) result[k] = realBinary(op, result[k], args[j][k], inType);
      else result[k] = Elem{intBinary(op, result[k].dim, args[j][k].dim), std::nullopt};
    }
  }
  if (op == "Mean") return;
  setOutputElems(ctx, 0, out, result, *inReal);
}

}  // namespace shapelint::passes::shape
