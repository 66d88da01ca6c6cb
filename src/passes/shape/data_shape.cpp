// Shape computations that make small tensors: Constant, Shape, Size,
// ConstantOfShape, Range, and the data-preserving Identity, Cast, CastLike.
#include <cmath>
#include <limits>
#include <string>

#include <fmt/format.h>

#include "passes/shape/data_values.h"
#include "passes/shape/merge.h"
#include "passes/shape/op_attributes.h"
#include "passes/shape/ops_data.h"
#include "shapelint/ir/checked.h"
#include "shapelint/ir/expr.h"

namespace shapelint::passes::shape {
namespace {

bool requireInput(InferContext& ctx, size_t i, size_t count) {
  if (ctx.hasInput(i)) return true;
  ctx.report(diag::RuleId::kMalformedNode)
      .message(
          fmt::format("{} has no input {}, expected {} input{}", ctx.node().opType, i, count, count == 1 ? "" : "s"))
      .help(fmt::format("connect input {}", i));
  return false;
}

// Cast-1's `to` names a TensorProto.DataType ("FLOAT", "INT64").
int32_t typeFromName(const std::string& name) {
  static const std::pair<const char*, int32_t> kNames[] = {
      {"FLOAT", ir::kFloat},   {"UINT8", ir::kUint8},      {"INT8", ir::kInt8},     {"UINT16", ir::kUint16},
      {"INT16", ir::kInt16},   {"INT32", ir::kInt32},      {"INT64", ir::kInt64},   {"STRING", ir::kString},
      {"BOOL", ir::kBool},     {"FLOAT16", ir::kFloat16},  {"DOUBLE", ir::kDouble}, {"UINT32", ir::kUint32},
      {"UINT64", ir::kUint64}, {"BFLOAT16", ir::kBfloat16}};
  for (const auto& [n, t] : kNames)
    if (name == n) return t;
  return ir::kUndefined;
}

// The range of an integer type, for Cast: a value outside it wraps or
// saturates by runtime, so it is not propagated.
bool fitsIntType(int32_t type, int64_t v) {
  switch (type) {
    case ir::kInt8:
      return v >= INT8_MIN && v <= INT8_MAX;
    case ir::kUint8:
      return v >= 0 && v <= UINT8_MAX;
    case ir::kInt16:
      return v >= INT16_MIN && v <= INT16_MAX;
    case ir::kUint16:
      return v >= 0 && v <= UINT16_MAX;
    case ir::kInt32:
      return v >= INT32_MIN && v <= INT32_MAX;
    case ir::kUint32:
      return v >= 0 && v <= UINT32_MAX;
    case ir::kInt64:
      return true;
    case ir::kUint64:
      return v >= 0;
    default:
      return false;
  }
}

// One element cast from a tensor of `inReal` reals to type `to`.
Elem castElem(const Elem& e, bool inReal, int32_t to) {
  Elem r;
  if (to == ir::kBool) {
    if (inReal && e.real) r.dim = ir::Dim::value(*e.real != 0.0 ? 1 : 0);
    else if (e.dim.isValue()) r.dim = ir::Dim::value(e.dim.value() != 0 ? 1 : 0);
    return r;
  }
  if (to == ir::kFloat || to == ir::kDouble) {
    if (inReal && e.real) r.real = roundTo(to, *e.real);
    else if (e.dim.isValue()) r.real = roundTo(to, static_cast<double>(e.dim.value()));
    else {
      r.dim = e.dim;  // a symbolic integer, exact in a real
      return r;
    }
    if (std::optional<int64_t> i = exactInt(*r.real)) r.dim = ir::Dim::value(*i);
    return r;
  }
  // To an integer type: reals truncate toward zero.
  if (inReal && e.real) {
    if (!std::isfinite(*e.real)) return r;
    std::optional<int64_t> i = exactInt(std::trunc(*e.real));
    if (i && fitsIntType(to, *i)) r.dim = ir::Dim::value(*i);
    return r;
  }
  if (e.dim.isValue()) {
    if (fitsIntType(to, e.dim.value())) r.dim = e.dim;
    return r;
  }
  // Symbolic sizes fit every integer type wide enough to hold sizes.
  if (to == ir::kInt64 || to == ir::kInt32 || to == ir::kUint64 || to == ir::kUint32) r.dim = e.dim;
  return r;
}

void castTo(InferContext& ctx, int32_t to) {
  ctx.setOutput(0, ctx.inputShape(0), to);
  std::optional<std::vector<Elem>> elems = inputElems(ctx, 0);
  if (!elems) return;
  const std::optional<bool> inReal = realType(ctx.inputType(0), ctx.inputSymbolicData(0));
  const std::optional<bool> outReal = realType(to, nullptr);
  if (!inReal || !outReal) return;
  for (Elem& e : *elems) e = castElem(e, *inReal, to);
  setOutputElems(ctx, 0, ctx.inputShape(0), *elems, *outReal);
}

// The tensor a Constant's attribute gives, as shape, type and data.
struct ConstValue {
  ir::Shape shape;
  int32_t type = ir::kUndefined;
  std::optional<ir::ConstData> data;
};

std::optional<ConstValue> constantValue(const ir::Attribute& a) {
  ConstValue v;
  using T = ir::Attribute::Type;
  if (a.name == "value" && a.type == T::kTensor && a.tensor()) {
    v.shape = ir::Shape::ofValues(a.tensor()->dims);
    v.type = a.tensor()->elemType;
    v.data = a.tensor()->data;
  } else if (a.name == "value_int" && a.type == T::kInt) {
    v.shape = ir::Shape(std::vector<ir::Dim>{});
    v.type = ir::kInt64;
    v.data = ir::ConstData::ofInts({a.i});
  } else if (a.name == "value_ints" && a.type == T::kInts) {
    v.shape = ir::Shape::ofValues({static_cast<int64_t>(a.ints.size())});
    v.type = ir::kInt64;
    v.data = ir::ConstData::ofInts(a.ints);
  } else if (a.name == "value_float" && a.type == T::kFloat) {
    v.shape = ir::Shape(std::vector<ir::Dim>{});
    v.type = ir::kFloat;
    v.data = ir::ConstData::ofReals({roundTo(ir::kFloat, a.f)});
  } else if (a.name == "value_floats" && a.type == T::kFloats) {
    v.shape = ir::Shape::ofValues({static_cast<int64_t>(a.floats().size())});
    v.type = ir::kFloat;
    std::vector<double> reals;
    for (double f : a.floats()) reals.push_back(roundTo(ir::kFloat, f));
    v.data = ir::ConstData::ofReals(std::move(reals));
  } else if (a.name == "value_string" && a.type == T::kString) {
    v.shape = ir::Shape(std::vector<ir::Dim>{});
    v.type = ir::kString;
  } else if (a.name == "value_strings" && a.type == T::kStrings) {
    v.shape = ir::Shape::ofValues({static_cast<int64_t>(a.strings().size())});
    v.type = ir::kString;
  } else {
    return std::nullopt;
  }
  return v;
}

}  // namespace

void inferConstant(InferContext& ctx) {
  // value (1); sparse_value (11); value_float(s), value_int(s), value_string(s)
  // (12).
  if (!checkAttributesDefined(ctx, {{"value", 1},
                                    {"sparse_value", 11},
                                    {"value_float", 12},
                                    {"value_floats", 12},
                                    {"value_int", 12},
                                    {"value_ints", 12},
                                    {"value_string", 12},
                                    {"value_strings", 12}}))
    return;
  const auto& attributes = ctx.node().attributes;
  if (attributes.size() != 1) {
    std::string names;
    for (const ir::Attribute& a : attributes) names += fmt::format("{}{}", names.empty() ? "" : ", ", a.name);
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(attributes.empty() ? std::string("Constant has no value attribute, expected exactly one")
                                    : fmt::format("Constant has {} value attributes ({}), expected "
                                                  "exactly one",
                                                  attributes.size(), names))
        .help(
            "give the constant exactly one of value, value_int(s), "
            "value_float(s), value_string(s)");
    return;
  }
  if (attributes[0].name == "sparse_value") return;  // sparse tensors are not modelled: unknown
  std::optional<ConstValue> v = constantValue(attributes[0]);
  if (!v) {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("attribute '{}' is of type {}, which Constant does not accept", attributes[0].name,
                             ir::attributeTypeName(attributes[0].type)))
        .help("re-export the constant");
    return;
  }
  ctx.setOutput(0, v->shape, v->type);
  if (v->data && elementCount(v->shape) == static_cast<int64_t>(v->data->size())) ctx.setOutputData(0, *v->data);
}

void inferShape(InferContext& ctx) {
  if (!requireInput(ctx, 0, 1)) return;
  const ir::Shape& x = ctx.inputShape(0);
  // start and end (opset 15): negative counts from the back, then clamped to
  // [0, rank].
  std::optional<int64_t> start = ctx.opset() >= 15 ? ctx.attrInt("start") : std::nullopt;
  std::optional<int64_t> end = ctx.opset() >= 15 ? ctx.attrInt("end") : std::nullopt;
  if (!x.rankKnown()) {
    ctx.setOutput(0, ir::Shape::unknownDims(1), ir::kInt64);
    return;
  }
  const auto rank = static_cast<int64_t>(x.rank());
  auto clampAxis = [rank](int64_t a) {
    if (a < 0) a = a < -rank ? 0 : a + rank;
    return std::clamp<int64_t>(a, 0, rank);
  };
  const int64_t s = clampAxis(start.value_or(0));
  const int64_t e = clampAxis(end.value_or(rank));
  std::vector<ir::Dim> dims;
  for (int64_t a = s; a < e; ++a) dims.push_back(x[static_cast<size_t>(a)]);
  ctx.setOutput(0, ir::Shape::ofValues({static_cast<int64_t>(dims.size())}), ir::kInt64);
  ctx.setOutputData(0, ir::ConstData::ofDims(std::move(dims)));
}

void inferSize(InferContext& ctx) {
  if (!requireInput(ctx, 0, 1)) return;
  ctx.setOutput(0, ir::Shape(std::vector<ir::Dim>{}), ir::kInt64);
  const ir::Shape& x = ctx.inputShape(0);
  if (!x.rankKnown()) return;
  std::optional<ir::Dim> n = ir::Dim::value(1);
  for (const ir::Dim& d : x.dims()) n = ir::mul(n, d);
  if (n && !n->isUnknown()) ctx.setOutputData(0, ir::ConstData::ofDims({*n}));
}

void inferIdentity(InferContext& ctx) {
  if (!requireInput(ctx, 0, 1)) return;
  ctx.setOutput(0, ctx.inputShape(0), ctx.inputType(0));
  if (const ir::ConstData* data = ctx.inputSymbolicData(0)) ctx.setOutputData(0, *data);
}

void inferCast(InferContext& ctx) {
  if (!requireInput(ctx, 0, 1)) return;
  int32_t to = ir::kUndefined;
  if (ctx.opset() < 6) {
    std::optional<std::string> name = ctx.attrString("to");
    if (name) to = typeFromName(*name);
    if (name && to == ir::kUndefined) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("Cast's 'to' is '{}', expected a "
                               "TensorProto.DataType name such as FLOAT or INT64",
                               *name))
          .help("name the target type in capitals, e.g. INT64");
      return;
    }
  } else if (std::optional<int64_t> t = ctx.attrInt("to")) {
    to = static_cast<int32_t>(*t);
  }
  if (to == ir::kUndefined) {
    if (!ctx.attr("to"))
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message("Cast has no 'to' attribute, expected the target element type")
          .help("add the 'to' attribute");
    return;
  }
  castTo(ctx, to);
}

void inferCastLike(InferContext& ctx) {
  if (!requireInput(ctx, 0, 2) || !requireInput(ctx, 1, 2)) return;
  const int32_t to = ctx.inputType(1);
  if (to == ir::kUndefined) {
    ctx.setOutput(0, ctx.inputShape(0), ir::kUndefined);
    return;
  }
  castTo(ctx, to);
}

void inferConstantOfShape(InferContext& ctx) {
  if (!requireInput(ctx, 0, 1)) return;
  // value: a one-element tensor, default float 0.
  int32_t type = ir::kFloat;
  std::optional<Elem> fill = Elem{ir::Dim::value(0), 0.0};
  if (const ir::Attribute* value = ctx.attr("value")) {
    if (value->type != ir::Attribute::Type::kTensor || !value->tensor()) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("attribute 'value' is of type {}, expected tensor", ir::attributeTypeName(value->type)))
          .help("give 'value' as a one-element tensor");
      return;
    }
    type = value->tensor()->elemType;
    const std::optional<int64_t> count = elementCount(ir::Shape::ofValues(value->tensor()->dims));
    if (count && *count != 1) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("attribute 'value' has {} elements, expected 1", *count))
          .help("give 'value' as a one-element tensor");
      return;
    }
    fill.reset();
    if (value->tensor()->data && value->tensor()->data->size() == 1) fill = elemsOf(*value->tensor()->data)[0];
  }
  const ir::Shape& in = ctx.inputShape(0);
  std::optional<std::vector<Elem>> elems = inputElems(ctx, 0);
  if (!elems) {
    // The rank is the shape vector's length.
    if (in.rankKnown() && in.rank() == 1 && in[0].isValue() && in[0].value() <= ir::kMaxConstElements)
      ctx.setOutput(0, ir::Shape::unknownDims(static_cast<size_t>(in[0].value())), type);
    else ctx.setOutput(0, ir::Shape::unknownRank(), type);
    return;
  }
  std::vector<ir::Dim> dims;
  for (size_t k = 0; k < elems->size(); ++k) {
    const ir::Dim& d = (*elems)[k].dim;
    if (d.isValue() && d.value() < 0) {
      ctx.report(diag::RuleId::kAbsurdDim)
          .message(fmt::format("ConstantOfShape's shape input {} has {} on "
                               "axis {}, expected a size >= 0",
                               describeInput(ctx, 0), d.value(), k))
          .help("compute a non-negative shape");
      return;
    }
    dims.push_back(d);
  }
  ir::Shape out(std::move(dims));
  ctx.setOutput(0, out, type);
  std::optional<int64_t> count = elementCount(out);
  const std::optional<bool> real = realType(type, nullptr);
  if (fill && real && count && *count <= ir::kMaxConstElements)
    setOutputElems(ctx, 0, out, std::vector<Elem>(static_cast<size_t>(*count), *fill), *real);
}

void inferRange(InferContext& ctx) {
  for (size_t i = 0; i < 3; ++i)
    if (!requireInput(ctx, i, 3)) return;
  const int32_t type = ctx.inputType(0);
  for (size_t i = 0; i < 3; ++i) {
    const ir::Shape& s = ctx.inputShape(i);
    if (s.rankKnown() && s.rank() != 0 && !(s.rank() == 1 && s[0].isValue() && s[0].value() == 1)) {
      ctx.report(diag::RuleId::kMalformedNode)
          .message(fmt::format("Range's input {} is {}, expected a scalar", i, describeInput(ctx, i)))
          .help("pass start, limit and delta as scalars");
      return;
    }
  }
  ctx.setOutput(0, ir::Shape::unknownDims(1), type);
  const std::optional<bool> real = realType(type, ctx.inputData(0));
  std::optional<std::vector<Elem>> args[3];
  for (size_t i = 0; i < 3; ++i) {
    const ir::ConstData* d = ctx.inputData(i);  // only from known values
    if (!d || d->size() != 1 || !real) return;
    args[i] = elemsOf(*d);
  }
  const Elem& start = (*args[0])[0];
  const Elem& limit = (*args[1])[0];
  const Elem& delta = (*args[2])[0];
  int64_t count = 0;
  if (*real) {
    if (!start.real || !limit.real || !delta.real) return;
    // number_of_elements = max(ceil((limit - start) / delta), 0), in the
    // tensor's type.
    double n = 0;
    if (type == ir::kFloat) {
      const float q =
          (static_cast<float>(*limit.real) - static_cast<float>(*start.real)) / static_cast<float>(*delta.real);
      n = std::ceil(static_cast<double>(q));
    } else {
      n = std::ceil((*limit.real - *start.real) / *delta.real);
    }
    if (*delta.real == 0.0 || !std::isfinite(n)) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("Range's delta is {}, expected a non-zero finite step", *delta.real))
          .help("give Range a non-zero delta");
      return;
    }
    std::optional<int64_t> c = exactInt(std::max(n, 0.0));
    if (!c) return;
    count = *c;
  } else {
    if (!start.dim.isValue() || !limit.dim.isValue() || !delta.dim.isValue()) return;
    const int64_t d = delta.dim.value();
    if (d == 0) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message("Range's delta is 0, expected a non-zero step")
          .help("give Range a non-zero delta");
      return;
    }
    std::optional<int64_t> span = ir::checkedSub(limit.dim.value(), start.dim.value());
    if (!span || (d == -1 && *span == INT64_MIN)) return;
    // ceil(span / d) for either sign of d.
    int64_t q = *span / d;
    if (*span % d != 0 && ((*span > 0) == (d > 0))) ++q;
    count = std::max<int64_t>(q, 0);
  }
  ir::Shape out = ir::Shape::ofValues({count});
  ctx.setOutput(0, out, type);
  if (count > ir::kMaxConstElements) return;
  std::vector<Elem> elems;
  for (int64_t i = 0; i < count; ++i) {
    Elem e;
    if (*real) {
      // output[i] = start + i * delta
      e.real = roundTo(type, *start.real + static_cast<double>(i) * *delta.real);
      if (std::optional<int64_t> v = exactInt(*e.real)) e.dim = ir::Dim::value(*v);
    } else {
      std::optional<int64_t> step = ir::checkedMul(i, delta.dim.value());
      std::optional<int64_t> v = step ? ir::checkedAdd(start.dim.value(), *step) : std::nullopt;
      if (!v) return;
      e.dim = ir::Dim::value(*v);
    }
    elems.push_back(std::move(e));
  }
  setOutputElems(ctx, 0, out, elems, *real);
}

}  // namespace shapelint::passes::shape
