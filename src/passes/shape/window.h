// Window arithmetic of Conv, ConvTranspose and the pools, written once.
//
// The relationships are those of /work/shared/conv-arithmetic.md (Dumoulin &
// Visin numbering, generalised to ONNX's begin/end pads); each function
// quotes the formula and relationship it applies. Everything here is pure and
// overflow-checked: a computation whose exact result does not fit in int64
// returns std::nullopt (an unknown dim), never a wrapped number, and so does
// an argument outside its domain (a negative size or pad, a kernel, stride or
// dilation below 1: parsing reports those), so nothing divides by zero. Division is
// floor division, so a kernel larger than its padded input gives an output
// below 1, which the caller reports (SL202) instead of seeing 0 or 1.
//
// The per-axis functions take integers and compute every fact the checks
// need. For an input dim that is a symbol or an expression, the *AxisDim
// functions (window_symbolic.cpp) apply the same formulas with the algebra of
// shapelint/ir/expr.h and give the output as an expression (`(H + 3) // 4`);
// an unknown input dim gives an unknown output.
#pragma once

#include <cstdint>
#include <functional>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "shapelint/ir/dim.h"
#include "shapelint/passes/shape_fn.h"

namespace shapelint::passes::window {

// fmt::format for the formulas built for every window axis of a model:
// formatted into a stack buffer, then one string allocation (fmt::format
// with a compiled format grows the string step by step).
template <typename Format, typename... Args>
std::string formatFast(const Format& format, const Args&... args) {
  fmt::memory_buffer buffer;
  fmt::format_to(std::back_inserter(buffer), format, args...);
  return std::string(buffer.data(), buffer.size());
}

// auto_pad, parsed once. NOTSET is kExplicit (the `pads` attribute applies).
enum class Padding { kExplicit, kValid, kSameUpper, kSameLower };

// "NOTSET" (and "", which every runtime reads as NOTSET) -> kExplicit ...;
// std::nullopt for any other string: an unknown value is never NOTSET.
std::optional<Padding> parseAutoPad(std::string_view autoPad);
// The ONNX spelling: "NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER".
std::string_view autoPadName(Padding padding);
inline bool isSame(Padding p) { return p == Padding::kSameUpper || p == Padding::kSameLower; }

// The window of one spatial axis. Pads are the explicit ones (zero unless
// padding is kExplicit); the functions below resolve SAME and VALID.
struct AxisWindow {
  int64_t kernel = 1;
  int64_t stride = 1;
  int64_t dilation = 1;
  int64_t padBegin = 0;
  int64_t padEnd = 0;
  Padding padding = Padding::kExplicit;
};

// Everything the arithmetic of one axis found, for the shape and for checks.
struct AxisFacts {
  int64_t input = 0;            // i
  int64_t output = 0;           // o; below 1 when the kernel does not fit
  int relationship = 0;         // conv-arithmetic.md number; 0: an ONNX rule it has none for (SAME)
  int64_t effectiveKernel = 0;  // ke = d(k - 1) + 1
  int64_t padBegin = 0;         // resolved pb (SAME computed, VALID 0)
  int64_t padEnd = 0;           // resolved pe
  int64_t remainder = 0;        // r = (i + pb + pe - ke) mod s: padded positions no window covers
  int64_t droppedRows = 0;      // max(0, r - pe): real input rows no window covers
  int64_t sameOutputFrom = 0;   // every input size in [sameOutputFrom, sameOutputTo] gives this
  int64_t sameOutputTo = 0;     //   output (inversion, item 9); for an output below 1, every
                                //   input size giving an output below 1
  int64_t legacyOutput = 0;     // pools: the ONNX 1.12 / older ORT size (== output where the rules agree)
  int64_t minInput = 0;         // the smallest input size with an output of at least 1

  // The formula with the numbers plugged in, "o = ... = 3". Formatted on
  // demand: it is text for a diagnostic or `explain`, and most axes of a
  // model never need it.
  std::string formula() const;

  // What formula() reads besides the facts above: set by convAxis and poolAxis.
  enum class Rule { kFloor, kSame, kCeil };
  Rule rule = Rule::kFloor;
  AxisWindow window;
  int64_t ceilRawOutput = 0;  // kCeil: the size before the last-window correction
};

// ke = d(k - 1) + 1 (relationship 15's dilated kernel).
std::optional<int64_t> effectiveKernel(int64_t kernel, int64_t dilation);

// Conv, per axis: relationships 1-6 and 15; SAME: o = ceil(i/s).
std::optional<AxisFacts> convAxis(int64_t input, const AxisWindow& window);

// MaxPool/AveragePool/LpPool, per axis: relationship 7 (and 6, 15 with pads
// and dilation). ceilMode applies the current ONNX/PyTorch rule: a last window
// that would start in the right padding is dropped. legacyOutput holds the
// ONNX 1.12 size, which has no such correction. With ceilMode, remainder is
// the padded positions after the last window's end and droppedRows the real
// rows among them (max(0, i + pb - ((o - 1)s + ke))).
std::optional<AxisFacts> poolAxis(int64_t input, const AxisWindow& window, bool ceilMode);

// ConvTranspose, per axis.
struct TransposeAxisWindow {
  AxisWindow window;
  int64_t outputPadding = 0;               // a
  std::optional<int64_t> outputShape;      // output_shape[axis], when given
};

struct TransposeAxisFacts {
  int64_t input = 0;            // i'
  int64_t output = 0;           // o'
  int relationship = 0;         // 8-14; 0: an ONNX rule with no number (SAME, output_shape)
  int64_t effectiveKernel = 0;  // ke
  int64_t padBegin = 0;         // resolved (derived from output_shape when given)
  int64_t padEnd = 0;
  int64_t naturalOutput = 0;    // s(i' - 1) + a + ke: the size with no padding
  // output_shape beyond the natural size: the largest reachable size,
  // natural + max(s, d) - 1 (PyTorch's output_size range).
  int64_t maxReachableOutput = 0;
  std::string formula;
};

// output_padding a must satisfy 0 <= a < max(s, d): ONNX Runtime and PyTorch
// both reject any other value (conv-arithmetic.md, relationship 14).
inline bool isValidOutputPadding(int64_t outputPadding, int64_t stride, int64_t dilation) {
  return outputPadding >= 0 && outputPadding < (stride > dilation ? stride : dilation);
}

// default: o = s(i - 1) + a + ke - pb - pe; output_shape O: o = O with
// total = s(i - 1) + a + ke - O split into pads; SAME: o = i * s.
// maxReachableOutput saturates at INT64_MAX instead of failing.
std::optional<TransposeAxisFacts> convTransposeAxis(int64_t input, const TransposeAxisWindow& window);

// MaxUnpool without output_shape, per axis: o = s(i - 1) + k - pb - pe, the
// transposed relationships 8-13 with d = 1 and a = 0 (window.dilation and
// window.padding are ignored).
std::optional<TransposeAxisFacts> unpoolAxis(int64_t input, const AxisWindow& window);

// The output size of one axis for a symbolic input dim (a symbol or an
// expression; a value works too), with the formula of the integer function of
// the same name and the algebra of shapelint/ir/expr.h.
struct SymbolicAxisSize {
  // std::nullopt when a step does not fit in int64 (overflow); unknown when
  // the output has no exact expression (a pool's ceil_mode whose last-window
  // correction applies for some sizes) or an argument is outside the domain.
  std::optional<ir::Dim> output;
  // The formula with the numbers plugged in, "o = floor((i + pb + pe - k)/s)
  // + 1 = floor((H + 1 + 1 - 3)/2) + 1 = (H + 1) // 2" (without the result
  // when it overflows or is unknown).
  std::string formula;
};

// Conv: floor((i + pb + pe - ke)/s) + 1; VALID: floor((i - ke)/s) + 1; SAME: ceil(i/s).
SymbolicAxisSize convAxisDim(const ir::Dim& input, const AxisWindow& window);
// Pools: convAxisDim without ceilMode. With ceilMode: SAME ceil(i/s); else
// ceil((i + pb + pe - ke)/s) + 1 when the last-window correction never
// applies (ke - pe >= s, see the derivation at poolAxisDim), unknown otherwise.
SymbolicAxisSize poolAxisDim(const ir::Dim& input, const AxisWindow& window, bool ceilMode);
// ConvTranspose: s(i - 1) + a + ke - pb - pe; SAME: i * s; output_shape O: O.
SymbolicAxisSize convTransposeAxisDim(const ir::Dim& input, const TransposeAxisWindow& window);
// MaxUnpool: s(i - 1) + k - pb - pe.
SymbolicAxisSize unpoolAxisDim(const ir::Dim& input, const AxisWindow& window);

// True when d is below 1 for every binding of its symbols to sizes >= 1:
// a value below 1, an interval upper bound below 1 (ir::rangeOf), or, for one
// symbol and a period up to 4096, no size at all with d >= 1
// (ir::solveAtLeast). Never true wrongly.
bool provablyBelowOne(const ir::Dim& d);

// The checked output dim of a symbolic axis: SL004 when `size` overflowed,
// SL202 when its output is provably below 1 (unless `zeroAllowed`: SAME maps
// an empty input to an empty output); unknown after a finding. `help` is
// SL202's help line.
ir::Dim checkedSymbolicOutput(InferContext& ctx, const ir::Dim& input, const SymbolicAxisSize& size,
                              size_t tensorAxis, bool zeroAllowed, const std::string& help);
// The same with the help line written only when SL202 is reported.
ir::Dim checkedSymbolicOutput(InferContext& ctx, const ir::Dim& input, const SymbolicAxisSize& size,
                              size_t tensorAxis, bool zeroAllowed, const std::function<std::string()>& help);

// Why convAxis/poolAxis (or convTransposeAxis) gave no result for arguments
// in their domain: the first step whose exact value does not fit in int64,
// with the numbers plugged in ("i + pb + pe = 9223372036854775807 + 2 + 2").
// Empty when every step fits or an argument is outside the domain.
std::string overflowingStep(int64_t input, const AxisWindow& window);
std::string overflowingStep(int64_t input, const TransposeAxisWindow& window);

// ONNX 1.12's ConvTranspose SAME size: total = max(0, ke - s), so
// o = s(i - 1) + a + ke - total (conv-arithmetic.md, item 5).
std::optional<int64_t> legacySameTransposeOutput(int64_t input, const TransposeAxisWindow& window);

// ONNX Runtime's pool SAME size with a dilated kernel: it pads for k, not ke
// (item 4): pad = (ceil(i/s) - 1)s + k - i, o = floor((i + pad - ke)/s) + 1.
// std::nullopt on overflow or when that pad is negative (ONNX Runtime then
// rejects the node: "padding values must be non-negative", item 8).
std::optional<int64_t> onnxRuntimeSamePoolOutput(int64_t input, const AxisWindow& window);

// The attributes of a window op, parsed and validated once.
struct WindowGeometry {
  std::vector<ir::Dim> kernel;  // per spatial axis; unknown when it comes from a weight of unknown shape
  std::vector<int64_t> strides;
  std::vector<int64_t> dilations;
  Padding padding = Padding::kExplicit;
  std::vector<int64_t> padsBegin;  // explicit pads; all zero unless padding is kExplicit
  std::vector<int64_t> padsEnd;
  bool ceilMode = false;

  size_t spatialRank() const { return strides.size(); }
  // The window of spatial axis `axis`; std::nullopt when its kernel is not a known integer.
  std::optional<AxisWindow> axis(size_t axis) const;
};

// The op whose attributes are parsed: what is required and how SAME sizes.
enum class WindowOp { kConv, kConvTranspose, kPool };

// Which attributes the op defines at the model's opset.
struct WindowAttributes {
  WindowOp op = WindowOp::kConv;
  bool ceilMode = false;   // MaxPool and AveragePool >= 10, LpPool >= 18
  bool dilations = true;   // Conv and ConvTranspose always, MaxPool >= 10, AveragePool >= 19, LpPool >= 18
  bool autoPad = true;     // all but DeformConv and MaxUnpool
};

// Reads kernel_shape, strides, dilations, auto_pad, pads and ceil_mode for an
// input of shape `input` (rank known and >= 3). `weightKernel` is the
// weight's spatial dims (Conv, ConvTranspose: kernel_shape defaults to them),
// empty for pools, where kernel_shape is required. Every invalid attribute is
// reported (SL301) and then std::nullopt is returned: the outputs must stay
// unknown, never guessed.
std::optional<WindowGeometry> parseWindowGeometry(InferContext& ctx, const ir::Shape& input,
                                                  const std::vector<ir::Dim>& weightKernel,
                                                  const WindowAttributes& attributes);

// The data input X of Conv, ConvTranspose and the pools, when it can be
// used: present (else SL003), rank known, rank >= 3 (else SL003), no
// negative dim (else SL004). Null otherwise: the outputs stay unknown.
const ir::Shape* windowDataInput(InferContext& ctx);

// False when input `i` has a negative dim (a declared -1 is not "unknown" in
// ONNX: dim_value must be >= 0): reported here (SL004) when a node produced
// it, and where it is declared for a graph input or initializer.
bool checkNonNegativeDims(InferContext& ctx, size_t i);

// The spatial output dims of Conv (op kConv) or a pool (kPool) for input X.
// A symbolic input dim gives an expression (convAxisDim, poolAxisDim); an
// unknown input dim or an unknown kernel gives an unknown dim; a size below 1
// (SL202: for a symbolic dim only when provably below 1 for every size) or an
// overflow (SL004) is reported and left unknown.
// Then runs the window checks on the axes with concrete sizes: floor
// truncation (SL204), ceil_mode portability (SL401, pools), SAME with
// dilation (SL402), odd SAME padding (SL404), pool pads (SL405, pools).
std::vector<ir::Dim> windowOutputDims(InferContext& ctx, const ir::Shape& input, const WindowGeometry& geometry,
                                      WindowOp op);

// SL004: computing the output size on `tensorAxis` overflows int64 at
// `step` (overflowingStep's text).
void reportOverflow(InferContext& ctx, const std::string& step, size_t tensorAxis);

// "[1,1,2,2]": an attribute value as it is written in a help line.
std::string attributeList(const std::vector<int64_t>& values);

// "relationship 6: o = ... = 3 on axis 2", the detail line of a diagnostic.
std::string describe(const AxisFacts& facts, size_t tensorAxis);
std::string describe(const TransposeAxisFacts& facts, size_t tensorAxis);

}  // namespace shapelint::passes::window
