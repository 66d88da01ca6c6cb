// Elements of propagated small tensors (data_values.h).
#include "passes/shape/data_values.h"

#include <cmath>

#include "shapelint/ir/checked.h"

namespace shapelint::passes::shape {

std::optional<int64_t> exactInt(double r) {
  if (!std::isfinite(r) || r < -9.2e18 || r > 9.2e18 || std::trunc(r) != r) return std::nullopt;
  return static_cast<int64_t>(r);
}

std::vector<Elem> elemsOf(const ir::ConstData& data) {
  std::vector<Elem> out;
  out.reserve(data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    Elem e;
    e.dim = data.dimAt(i);
    if (data.isReal && !data.symbolic) e.real = data.reals[i];
    if (data.isReal && data.symbolic && e.dim.isValue()) e.real = static_cast<double>(e.dim.value());
    out.push_back(std::move(e));
  }
  return out;
}

ir::ConstData dataOf(const std::vector<Elem>& elems, bool real) {
  if (real) {
    bool concrete = true;
    for (const Elem& e : elems) concrete = concrete && e.real.has_value();
    if (concrete) {
      std::vector<double> reals;
      reals.reserve(elems.size());
      for (const Elem& e : elems) reals.push_back(*e.real);
      return ir::ConstData::ofReals(std::move(reals));
    }
  }
  std::vector<ir::Dim> dims;
  dims.reserve(elems.size());
  for (const Elem& e : elems) dims.push_back(e.dim);
  return ir::ConstData::ofDims(std::move(dims), real);
}

std::optional<int64_t> elementCount(const ir::Shape& shape) {
  if (!shape.rankKnown()) return std::nullopt;
  int64_t count = 1;
  for (const ir::Dim& d : shape.dims()) {
    if (!d.isValue() || d.value() < 0) return std::nullopt;
    std::optional<int64_t> next = ir::checkedMul(count, d.value());
    if (!next) return std::nullopt;
    count = *next;
  }
  return count;
}

std::optional<std::vector<Elem>> inputElems(const InferContext& ctx, size_t i) {
  if (!ctx.hasInput(i)) return std::nullopt;
  const ir::ConstData* data = ctx.inputSymbolicData(i);
  if (!data) return std::nullopt;
  std::optional<int64_t> count = elementCount(ctx.inputShape(i));
  if (!count || static_cast<size_t>(*count) != data->size()) return std::nullopt;
  return elemsOf(*data);
}

std::optional<std::vector<int64_t>> inputInts(const InferContext& ctx, size_t i) {
  if (!ctx.hasInput(i)) return std::nullopt;
  const ir::ConstData* data = ctx.inputData(i);
  if (!data || data->isReal) return std::nullopt;
  return data->ints;
}

std::vector<Elem> broadcastElems(const std::vector<Elem>& in, const ir::Shape& inShape, const ir::Shape& outShape) {
  const size_t rank = outShape.rank();
  const size_t offset = rank - inShape.rank();
  const std::optional<int64_t> count = elementCount(outShape);
  std::vector<Elem> out;
  if (!count) return out;
  out.reserve(static_cast<size_t>(*count));
  std::vector<int64_t> index(rank, 0);
  for (int64_t n = 0; n < *count; ++n) {
    // Row-major position in `in`, with size-1 axes pinned to 0.
    int64_t pos = 0;
    for (size_t a = offset; a < rank; ++a) {
      const int64_t size = inShape[a - offset].value();
      pos = pos * size + (size == 1 ? 0 : index[a]);
    }
    out.push_back(in[static_cast<size_t>(pos)]);
    for (size_t a = rank; a-- > 0;) {
      if (++index[a] < outShape[a].value()) break;
      index[a] = 0;
    }
  }
  return out;
}

void setOutputElems(InferContext& ctx, size_t output, const ir::Shape& shape, const std::vector<Elem>& elems,
                    bool real) {
  std::optional<int64_t> count = elementCount(shape);
  if (!count || static_cast<size_t>(*count) != elems.size() || *count > ir::kMaxConstElements) return;
  ctx.setOutputData(output, dataOf(elems, real));
}

}  // namespace shapelint::passes::shape
