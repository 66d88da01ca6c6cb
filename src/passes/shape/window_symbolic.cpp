// The window arithmetic for symbolic input dims: the formulas of window.cpp's
// integer functions, applied with the algebra of shapelint/ir/expr.h, so a
// symbol or an expression in gives an expression out (`(H + 3) // 4`). The
// constants (pads, kernel, stride) are combined with checked int64
// arithmetic first, then the algebra, itself overflow-checked, does the rest.
#include <limits>
#include <set>

#include <fmt/format.h>

#include "passes/shape/window.h"
#include "shapelint/ir/checked.h"
#include "shapelint/ir/expr.h"
#include "shapelint/passes/constraints.h"

namespace shapelint::passes::window {
namespace {

using ir::checkedAdd;
using ir::checkedSub;
using ir::Dim;

// The preconditions of the integer functions (window.cpp's isComputable)
// without the input size: parsing reports anything else.
bool isComputableWindow(const AxisWindow& w) {
  return w.kernel >= 1 && w.stride >= 1 && w.dilation >= 1 && w.padBegin >= 0 && w.padEnd >= 0;
}

// "k" when the kernel is not dilated, "ke" otherwise, as in window.cpp's
// formulas.
std::string kernelSymbol(const AxisWindow& w) { return w.dilation == 1 ? "k" : "ke"; }

// ", ke = d(k - 1) + 1 = 2(3 - 1) + 1 = 5" when the kernel is dilated.
std::string dilationNote(const AxisWindow& w, int64_t ke) {
  if (w.dilation == 1) return "";
  return fmt::format(", ke = d(k - 1) + 1 = {}({} - 1) + 1 = {}", w.dilation, w.kernel, ke);
}

// An input dim inside a formula: a symbol or value as is, an expression in
// parentheses ("(H + 1) // 2" -> "((H + 1) // 2)").
std::string operand(const Dim& d) { return d.isExpr() ? "(" + d.str() + ")" : d.str(); }

// pb + pe - ke, summed as (pb - ke) + pe so that only a real overflow fails.
std::optional<int64_t> padsMinusKernel(int64_t padBegin, int64_t padEnd, int64_t ke) {
  std::optional<int64_t> partial = checkedSub(padBegin, ke);
  return partial ? checkedAdd(*partial, padEnd) : std::nullopt;
}

SymbolicAxisSize unknownSize() { return SymbolicAxisSize{Dim::unknown(), ""}; }

SymbolicAxisSize overflowAt(std::string step) { return SymbolicAxisSize{std::nullopt, std::move(step)}; }

// SAME (Conv and the pools): o = ceil(i/s).
SymbolicAxisSize sameDim(const Dim& input, const AxisWindow& w) {
  std::optional<Dim> o = ir::ceilDiv(input, w.stride);
  const std::string text =
      fmt::format("{}: o = ceil(i/s) = ceil({}/{})", autoPadName(w.padding), operand(input), w.stride);
  if (!o) return overflowAt(text);
  return SymbolicAxisSize{o, fmt::format("{} = {}", text, o->str())};
}

// The numerator i + pb + pe - ke of the direct windows (VALID: no pads), or
// the step that overflows.
struct Numerator {
  std::optional<Dim> value;
  int64_t padBegin = 0;
  int64_t padEnd = 0;
  int64_t ke = 0;
  std::string overflowStep;  // set when value is std::nullopt
};

Numerator windowNumerator(const Dim& input, const AxisWindow& w) {
  Numerator n;
  std::optional<int64_t> ke = effectiveKernel(w.kernel, w.dilation);
  if (!ke) {
    n.overflowStep = fmt::format("ke = d(k - 1) + 1 = {}({} - 1) + 1", w.dilation, w.kernel);
    return n;
  }
  n.ke = *ke;
  if (w.padding == Padding::kExplicit) {
    n.padBegin = w.padBegin;
    n.padEnd = w.padEnd;
  }
  std::optional<int64_t> constant = padsMinusKernel(n.padBegin, n.padEnd, n.ke);
  if (!constant) {
    n.overflowStep = fmt::format("pb + pe - ke = {} + {} - {}", n.padBegin, n.padEnd, n.ke);
    return n;
  }
  n.value = ir::add(input, Dim::value(*constant));
  if (std::optional<int64_t> pads = checkedAdd(n.padBegin, n.padEnd)) {
    if (std::optional<Dim> padded = ir::add(input, Dim::value(*pads)))
      recordConstraint(Constraint::Kind::kAtLeast, *padded, Dim::value(n.ke),
                       "the padded input covers the kernel: i + pb + pe >= ke");
  }
  if (!n.value) n.overflowStep = fmt::format("i + pb + pe - ke = {} + {}", operand(input), *constant);
  return n;
}

}  // namespace

// Relationships 1-6, 15 with a symbolic i: o = floor((i + pb + pe - ke)/s) + 1;
// SAME: o = ceil(i/s).
SymbolicAxisSize convAxisDim(const Dim& input, const AxisWindow& w) {
  if (!isComputableWindow(w) || input.isUnknown()) return unknownSize();
  if (isSame(w.padding)) return sameDim(input, w);
  const Numerator n = windowNumerator(input, w);
  if (!n.value) return overflowAt(n.overflowStep);
  // Compiled formats: this runs for every Conv and pool axis of a model.
  const std::string text =
      formatFast(FMT_COMPILE("o = floor((i + pb + pe - {})/s) + 1 = floor(({} + {} + {} - {})/{}) + 1"),
                 kernelSymbol(w), operand(input), n.padBegin, n.padEnd, n.ke, w.stride);
  std::optional<Dim> o = ir::add(ir::floorDiv(*n.value, w.stride), Dim::value(1));
  if (!o) return overflowAt(text);
  return SymbolicAxisSize{o, formatFast(FMT_COMPILE("{} = {}{}"), text, o->str(), dilationNote(w, n.ke))};
}

// ceil_mode (current ONNX and PyTorch, poolAxis): o = ceil(n/s) + 1 with
// n = i + pb + pe - ke, then o -= 1 when ceil(n/s) >= ceil((i + pb)/s) (the
// last window would start in the right padding).
//
// When does that correction apply? Write c = ke - pe, so i + pb = n + c.
//  - If c >= s: ceil((n + c)/s) >= ceil((n + s)/s) = ceil(n/s) + 1 > ceil(n/s):
//    never, for any n, so o = ceil(n/s) + 1 exactly.
//  - If c <= s - 1: at n = qs + 1 (q >= 0), ceil(n/s) = q + 1 and
//    n + c <= qs + s, so ceil((n + c)/s) <= q + 1: it applies. Every large
//    enough input size i = n - pb - pe + ke has such an n, so the correction
//    applies for some sizes (and not for others): no one expression of this
//    form is the output for every size, and the dim stays unknown.
// So the expression is given exactly when ke - pe >= s, i.e. pe <= ke - s
// (e.g. k = 3, s = 2, pe <= 1; k = 2, s = 2, pe = 0).
SymbolicAxisSize poolAxisDim(const Dim& input, const AxisWindow& w, bool ceilMode) {
  if (!ceilMode) return convAxisDim(input, w);
  if (!isComputableWindow(w) || input.isUnknown()) return unknownSize();
  if (isSame(w.padding)) return sameDim(input, w);
  const Numerator n = windowNumerator(input, w);
  if (!n.value) return overflowAt(n.overflowStep);
  const std::string text = fmt::format(
      "o = floor((i + pb + pe - {0} + s - 1)/s) + 1 = floor(({1} + {2} + {3} - "
      "{4} + {5} - 1)/{5}) + 1",
      kernelSymbol(w), operand(input), n.padBegin, n.padEnd, n.ke, w.stride);
  // c = ke - pe >= s, computed without overflow: ke >= s + pe.
  std::optional<int64_t> needed = checkedAdd(w.stride, n.padEnd);
  if (!needed || n.ke < *needed) return SymbolicAxisSize{Dim::unknown(), text};
  std::optional<Dim> o = ir::add(ir::ceilDiv(*n.value, w.stride), Dim::value(1));
  if (!o) return overflowAt(text);
  return SymbolicAxisSize{o, fmt::format("{} = {}{}", text, o->str(), dilationNote(w, n.ke))};
}

// Relationships 8-14 with a symbolic i: o = s(i - 1) + a + ke - pb - pe;
// SAME: o = i * s; output_shape O: o = O.
SymbolicAxisSize convTransposeAxisDim(const Dim& input, const TransposeAxisWindow& tw) {
  const AxisWindow& w = tw.window;
  if (!isComputableWindow(w) || tw.outputPadding < 0 || input.isUnknown()) return unknownSize();
  if (tw.outputShape) {
    if (*tw.outputShape < 0) return unknownSize();
    return SymbolicAxisSize{Dim::value(*tw.outputShape), fmt::format("o = output_shape = {}", *tw.outputShape)};
  }
  if (isSame(w.padding)) {
    const std::string text = fmt::format("{}: o = i * s = {} * {}", autoPadName(w.padding), operand(input), w.stride);
    std::optional<Dim> o = ir::mul(input, w.stride);
    if (!o) return overflowAt(text);
    return SymbolicAxisSize{o, fmt::format("{} = {}", text, o->str())};
  }
  std::optional<int64_t> ke = effectiveKernel(w.kernel, w.dilation);
  if (!ke) return overflowAt(fmt::format("ke = d(k - 1) + 1 = {}({} - 1) + 1", w.dilation, w.kernel));
  const int64_t padBegin = w.padding == Padding::kValid ? 0 : w.padBegin;
  const int64_t padEnd = w.padding == Padding::kValid ? 0 : w.padEnd;
  // a + ke - pb - pe: a and ke are below max(s, d) and d(k - 1) + 1, the pads
  // non-negative.
  std::optional<int64_t> natural = checkedAdd(tw.outputPadding, *ke);
  std::optional<int64_t> afterBegin = natural ? checkedSub(*natural, padBegin) : std::nullopt;
  std::optional<int64_t> constant = afterBegin ? checkedSub(*afterBegin, padEnd) : std::nullopt;
  const std::string text =
      fmt::format("o = s(i - 1) + a + {} - pb - pe = {}({} - 1) + {} + {} - {} - {}", kernelSymbol(w), w.stride,
                  operand(input), tw.outputPadding, *ke, padBegin, padEnd);
  if (!constant) return overflowAt(text);
  std::optional<Dim> o = ir::add(ir::mul(ir::sub(input, Dim::value(1)), w.stride), Dim::value(*constant));
  if (!o) return overflowAt(text);
  recordConstraint(Constraint::Kind::kAtLeast, *o, Dim::value(1), "the output size is at least 1");
  return SymbolicAxisSize{o, fmt::format("{} = {}{}", text, o->str(), dilationNote(w, *ke))};
}

// MaxUnpool: o = s(i - 1) + k - pb - pe (ConvTranspose's rule with d = 1, a =
// 0).
SymbolicAxisSize unpoolAxisDim(const Dim& input, const AxisWindow& window) {
  AxisWindow w = window;
  w.dilation = 1;
  w.padding = Padding::kExplicit;
  SymbolicAxisSize size = convTransposeAxisDim(input, {w, 0, std::nullopt});
  const std::string text = fmt::format("o = s(i - 1) + k - pb - pe = {}({} - 1) + {} - {} - {}", w.stride,
                                       operand(input), w.kernel, w.padBegin, w.padEnd);
  if (size.output && !size.output->isUnknown()) size.formula = fmt::format("{} = {}", text, size.output->str());
  else if (!size.output) size.formula = text;
  return size;
}

bool provablyBelowOne(const Dim& d) {
  if (d.isUnknown()) return false;
  if (d.isValue()) return d.value() < 1;
  const ir::DimRange range = ir::rangeOf(d, ir::Assume{1});
  if (range.hi && *range.hi < 1) return true;
  const std::set<std::string> mentioned = ir::symbols(d);
  if (mentioned.size() != 1) return false;
  // solveAtLeast evaluates d once per residue of its period: a deep chain of
  // strided windows has a period of 2^depth, which the bounds above handle.
  constexpr int64_t kMaxPeriod = int64_t{1} << 12;
  std::optional<int64_t> period = ir::periodOf(d);
  if (!period || *period > kMaxPeriod) return false;
  std::optional<ir::ResidueSet> atLeastOne =
      ir::solveAtLeast(d, Dim::value(1), *mentioned.begin(), 1, std::numeric_limits<int64_t>::max());
  return atLeastOne && atLeastOne->empty();
}

ir::Dim checkedSymbolicOutput(InferContext& ctx, const Dim& input, const SymbolicAxisSize& size, size_t tensorAxis,
                              bool zeroAllowed, const std::string& help) {
  return checkedSymbolicOutput(ctx, input, size, tensorAxis, zeroAllowed, [&help] { return help; });
}

ir::Dim checkedSymbolicOutput(InferContext& ctx, const Dim& input, const SymbolicAxisSize& size, size_t tensorAxis,
                              bool zeroAllowed, const std::function<std::string()>& help) {
  if (!size.output) {
    reportOverflow(ctx, size.formula, tensorAxis);
    return Dim::unknown();
  }
  const Dim& o = *size.output;
  if (o.isUnknown() || zeroAllowed || !provablyBelowOne(o)) return o;
  const std::set<std::string> mentioned = ir::symbols(input);
  const std::string every = fmt::format("every {} >= 1", fmt::join(mentioned, ", "));
  const ir::DimRange range = ir::rangeOf(o, ir::Assume{1});
  const std::string most = range.hi ? fmt::format(" (at most {})", *range.hi) : std::string();
  ctx.report(diag::RuleId::kNonPositiveOutput)
      .message(fmt::format("output size on axis {} is {} for input size {}, "
                           "expected at least 1: it is below 1 for {}{}",
                           tensorAxis, o.str(), input.str(), every, most))
      .detail(fmt::format("{} on axis {}", size.formula, tensorAxis))
      .help(help());
  return Dim::unknown();
}

}  // namespace shapelint::passes::window
