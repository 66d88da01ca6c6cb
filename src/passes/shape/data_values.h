// Elements of the small tensors that shape computations propagate
// (ir::ConstData, possibly symbolic), for the data family and the
// elementwise, Concat and Squeeze/Unsqueeze shape functions.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "shapelint/ir/graph.h"
#include "shapelint/passes/shape_fn.h"

namespace shapelint::passes::shape {

// One element: an integer (or a real equal to an integer) as a Dim, and a
// concrete real when the tensor is floating and the value known.
struct Elem {
  ir::Dim dim;                 // unknown for a real that is not an integer
  std::optional<double> real;  // floating tensors only, when concrete
};

std::vector<Elem> elemsOf(const ir::ConstData& data);
// The data of these elements: concrete ints or reals when every element is
// known, symbolic otherwise.
ir::ConstData dataOf(const std::vector<Elem>& elems, bool real);

// The number of elements of a shape whose dims are all values (overflow:
// std::nullopt).
std::optional<int64_t> elementCount(const ir::Shape& shape);

// Input i's elements when known (concrete or symbolic) and consistent with
// its shape (rank known, every dim a value, count == size), else std::nullopt.
std::optional<std::vector<Elem>> inputElems(const InferContext& ctx, size_t i);

// Input i's concrete integer values, or std::nullopt.
std::optional<std::vector<int64_t>> inputInts(const InferContext& ctx, size_t i);

// Elements of `in` (shape `inShape`) broadcast (numpy) to `outShape`; both
// shapes fully known and `in` consistent with its shape.
std::vector<Elem> broadcastElems(const std::vector<Elem>& in, const ir::Shape& inShape, const ir::Shape& outShape);

// Sets output 0's data from elements when the output shape is fully known
// and the count matches.
void setOutputElems(InferContext& ctx, size_t output, const ir::Shape& shape, const std::vector<Elem>& elems,
                    bool real);

// Shape ops on data: the value of a real as an int64 when it is integral and
// fits.
std::optional<int64_t> exactInt(double r);

// Whether a tensor of this element type (or, when it is undefined, this
// data) holds reals; std::nullopt for floating types whose rounding the
// data functions do not model (float16, bfloat16).
std::optional<bool> realType(int32_t elemType, const ir::ConstData* data);

// Rounds a real to what a tensor of this floating type stores.
double roundTo(int32_t elemType, double r);

// ONNX integer division (truncates toward zero) of dims: exact for values;
// for a symbolic dividend by a constant only when the quotient is provably
// exact or the dividend a symbol (>= 0, where floor and truncation agree).
ir::Dim truncDiv(const ir::Dim& a, const ir::Dim& b);

// The node's elementwise op (Add, Sub, Mul, Div, Neg, Abs, Floor, Ceil,
// Max, Min, Sum, Equal, Less, Greater, LessOrEqual, GreaterOrEqual, Not,
// Where) on its inputs' data, when all are known, into output 0 of shape
// `out` and element type `outType`.
void propagateElementwiseData(InferContext& ctx, const std::vector<size_t>& inputs, const ir::Shape& out,
                              int32_t outType);

}  // namespace shapelint::passes::shape
