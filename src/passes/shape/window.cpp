#include "passes/shape/window.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "passes/shape/window_checks.h"
#include "shapelint/ir/checked.h"
#include "shapelint/passes/constraints.h"

namespace shapelint::passes::window {

using ir::checkedAdd;
using ir::checkedMul;
using ir::checkedSub;

std::optional<Padding> parseAutoPad(std::string_view autoPad) {
  // An empty string is read as NOTSET by ONNX Runtime and ONNX's inference alike.
  if (autoPad == "NOTSET" || autoPad.empty()) return Padding::kExplicit;
  if (autoPad == "VALID") return Padding::kValid;
  if (autoPad == "SAME_UPPER") return Padding::kSameUpper;
  if (autoPad == "SAME_LOWER") return Padding::kSameLower;
  return std::nullopt;
}

std::string_view autoPadName(Padding padding) {
  switch (padding) {
    case Padding::kExplicit: return "NOTSET";
    case Padding::kValid: return "VALID";
    case Padding::kSameUpper: return "SAME_UPPER";
    case Padding::kSameLower: return "SAME_LOWER";
  }
  return "NOTSET";
}

namespace {

// Sum of several checked terms.
std::optional<int64_t> sum(std::initializer_list<std::optional<int64_t>> terms) {
  int64_t total = 0;
  for (const std::optional<int64_t>& t : terms) {
    if (!t) return std::nullopt;
    std::optional<int64_t> next = checkedAdd(total, *t);
    if (!next) return std::nullopt;
    total = *next;
  }
  return total;
}

// "k" when the kernel is not dilated, "ke" otherwise, for formula text.
std::string kernelSymbol(const AxisWindow& w) { return w.dilation == 1 ? "k" : "ke"; }

// ", ke = d(k - 1) + 1 = 2(3 - 1) + 1 = 5" when the kernel is dilated.
std::string dilationNote(const AxisWindow& w, int64_t ke) {
  if (w.dilation == 1) return "";
  return fmt::format(", ke = d(k - 1) + 1 = {}({} - 1) + 1 = {}", w.dilation, w.kernel, ke);
}

// Which of the paper's relationships a conv axis instance is (1-6, 15).
int convRelationship(const AxisWindow& w, int64_t pb, int64_t pe) {
  if (w.dilation > 1) return 15;
  const bool noPad = pb == 0 && pe == 0;
  if (w.stride == 1) {
    if (noPad) return 1;
    if (pb == pe && w.kernel % 2 == 1 && pb == w.kernel / 2) return 3;
    if (pb == pe && pb == w.kernel - 1) return 4;
    return 2;
  }
  return noPad ? 5 : 6;
}

// The pooling relationship: 7 without padding, else the conv one it equals.
int poolRelationship(const AxisWindow& w, int64_t pb, int64_t pe) {
  if (w.dilation > 1) return 15;
  if (pb == 0 && pe == 0) return 7;
  return convRelationship(w, pb, pe);
}

// SAME pads: total = max(0, (o - 1)s + ke - i); the odd pad goes to the end
// for SAME_UPPER, to the begin for SAME_LOWER (conv-arithmetic.md, ONNX Conv details).
std::optional<std::pair<int64_t, int64_t>> samePads(int64_t input, int64_t output, int64_t stride, int64_t ke,
                                                    Padding padding) {
  std::optional<int64_t> span = checkedMul(std::max<int64_t>(output - 1, 0), stride);
  std::optional<int64_t> total = sum({span, ke, -input});
  if (!total) return std::nullopt;
  const int64_t t = std::max<int64_t>(0, *total);
  const int64_t small = t / 2;
  return padding == Padding::kSameUpper ? std::pair{small, t - small} : std::pair{t - small, small};
}

// The pads a floor/ceil axis uses: explicit, or zero for VALID (SAME: samePads).
struct ResolvedPads {
  int64_t begin = 0;
  int64_t end = 0;
};

// Inversion (conv-arithmetic.md, "Where runtimes disagree" item 9): every i in
// [(o - 1)s + ke - P, (o - 1)s + ke - P + s - 1] gives the same floor-mode o.
void setFloorRange(AxisFacts& f, int64_t stride) {
  if (f.output < 1) {
    // Every input below ke - P gives a non-positive output.
    f.sameOutputFrom = 0;
    f.sameOutputTo = std::max<int64_t>(0, f.minInput - 1);
    return;
  }
  std::optional<int64_t> span = checkedMul(f.output - 1, stride);
  std::optional<int64_t> from = sum({span, f.effectiveKernel, -f.padBegin, -f.padEnd});
  std::optional<int64_t> to = sum({from, stride, -1});
  f.sameOutputFrom = from ? std::max<int64_t>(0, *from) : f.input;
  f.sameOutputTo = to ? *to : f.input;
}

// Floor remainder and dropped real rows: r = (i + P - ke) mod s, max(0, r - pe).
void setRemainder(AxisFacts& f, int64_t numerator, int64_t stride) {
  f.remainder = numerator >= 0 ? ir::floorMod(numerator, stride) : 0;
  f.droppedRows = std::max<int64_t>(0, f.remainder - f.padEnd);
}

// i + pb + pe - ke, summed as (i - ke) + pb + pe: the pads are non-negative,
// so a partial sum overflows only when the whole does.
std::optional<int64_t> windowNumerator(int64_t input, int64_t padBegin, int64_t padEnd, int64_t ke) {
  return sum({input, -ke, padBegin, padEnd});
}

// The smallest and largest input sizes for which a monotone size function
// gives `output`, searching around `input` (where it does).
template <typename SizeFn>
void setSearchedRange(AxisFacts& f, int64_t stride, SizeFn size) {
  int64_t lo = 0;
  int64_t hi = f.input;  // lowest i with size(i) >= output is in [0, input]
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    std::optional<int64_t> o = size(mid);
    if (o && *o >= f.output) hi = mid;
    else lo = mid + 1;
  }
  f.sameOutputFrom = lo;
  // The output grows by at least 1 every 2s input rows, so the last input
  // giving `output` lies in [input, input + 2s].
  lo = f.input;
  std::optional<int64_t> twoStrides = checkedMul(2, stride);
  hi = twoStrides ? checkedAdd(f.input, *twoStrides).value_or(f.input) : f.input;
  while (lo < hi) {
    const int64_t mid = hi - (hi - lo) / 2;
    std::optional<int64_t> o = size(mid);
    if (o && *o <= f.output) lo = mid;
    else hi = mid - 1;
  }
  f.sameOutputTo = lo;
}

// The SAME rule shared by Conv and the pools: o = ceil(i/s).
std::optional<AxisFacts> sameAxis(int64_t input, const AxisWindow& w, int64_t ke) {
  AxisFacts f;
  f.input = input;
  f.effectiveKernel = ke;
  f.output = ir::ceilDiv(input, w.stride);
  auto pads = samePads(input, f.output, w.stride, ke, w.padding);
  if (!pads) return std::nullopt;
  f.padBegin = pads->first;
  f.padEnd = pads->second;
  f.relationship = (w.stride == 1 && w.dilation == 1 && w.kernel % 2 == 1) ? 3 : 0;
  std::optional<int64_t> numerator = windowNumerator(input, f.padBegin, f.padEnd, ke);
  if (!numerator) return std::nullopt;
  if (f.output >= 1) setRemainder(f, *numerator, w.stride);
  // Every i in [(o - 1)s + 1, o*s] has ceil(i/s) = o.
  f.sameOutputFrom = f.output >= 1 ? (f.output - 1) * w.stride + 1 : 0;
  f.sameOutputTo = f.output >= 1 ? checkedMul(f.output, w.stride).value_or(input) : 0;
  f.legacyOutput = f.output;
  f.minInput = 1;
  f.rule = AxisFacts::Rule::kSame;
  f.window = w;
  return f;
}

// The preconditions of the per-axis functions: sizes and pads non-negative,
// kernel, stride and dilation positive. Anything else (which attribute
// parsing reports) has no output: it is never divided by.
bool isComputable(int64_t input, const AxisWindow& w) {
  return input >= 0 && w.kernel >= 1 && w.stride >= 1 && w.dilation >= 1 && w.padBegin >= 0 && w.padEnd >= 0;
}

ResolvedPads explicitPads(const AxisWindow& w) {
  if (w.padding == Padding::kValid) return {};
  return {w.padBegin, w.padEnd};
}

}  // namespace

// ke = d(k - 1) + 1 (relationship 15).
std::optional<int64_t> effectiveKernel(int64_t kernel, int64_t dilation) {
  std::optional<int64_t> spread = checkedMul(dilation, kernel - 1);
  return spread ? checkedAdd(*spread, 1) : std::nullopt;
}

// Relationships 1-6, 15: o = floor((i + pb + pe - ke)/s) + 1; SAME: o = ceil(i/s).
std::optional<AxisFacts> convAxis(int64_t input, const AxisWindow& w) {
  if (!isComputable(input, w)) return std::nullopt;
  std::optional<int64_t> ke = effectiveKernel(w.kernel, w.dilation);
  if (!ke) return std::nullopt;
  if (isSame(w.padding)) return sameAxis(input, w, *ke);

  const ResolvedPads pads = explicitPads(w);
  std::optional<int64_t> numerator = windowNumerator(input, pads.begin, pads.end, *ke);
  if (!numerator) return std::nullopt;
  std::optional<int64_t> output = checkedAdd(ir::floorDiv(*numerator, w.stride), 1);
  if (!output) return std::nullopt;
  AxisFacts f;
  f.input = input;
  f.effectiveKernel = *ke;
  f.padBegin = pads.begin;
  f.padEnd = pads.end;
  f.output = *output;
  f.legacyOutput = f.output;
  // i + P - ke >= 0
  f.minInput = std::max<int64_t>(0, sum({*ke, -pads.begin, -pads.end}).value_or(0));
  f.relationship = convRelationship(w, pads.begin, pads.end);
  setRemainder(f, *numerator, w.stride);
  setFloorRange(f, w.stride);
  f.rule = AxisFacts::Rule::kFloor;
  f.window = w;
  return f;
}

std::optional<AxisFacts> poolAxis(int64_t input, const AxisWindow& w, bool ceilMode) {
  if (!isComputable(input, w)) return std::nullopt;
  if (!ceilMode) {
    std::optional<AxisFacts> f = convAxis(input, w);
    if (f && !isSame(w.padding)) f->relationship = poolRelationship(w, f->padBegin, f->padEnd);
    return f;
  }
  std::optional<int64_t> ke = effectiveKernel(w.kernel, w.dilation);
  if (!ke) return std::nullopt;
  if (isSame(w.padding)) {
    std::optional<AxisFacts> f = sameAxis(input, w, *ke);
    if (!f) return std::nullopt;
    // ONNX 1.12 applies ceil to the SAME-padded size with no correction.
    std::optional<int64_t> numerator = windowNumerator(input, f->padBegin, f->padEnd, *ke);
    std::optional<int64_t> legacy = numerator ? checkedAdd(ir::ceilDiv(*numerator, w.stride), 1) : std::nullopt;
    if (!legacy) return std::nullopt;
    f->legacyOutput = *legacy;
    return f;
  }

  const ResolvedPads pads = explicitPads(w);
  // Current ONNX and PyTorch: o = floor((i + P - ke + s - 1)/s) + 1 (computed
  // as ceil((i + P - ke)/s) + 1, which cannot overflow on the way), then
  // o -= 1 if (o - 1)s >= i + pb (the last window would start in the right
  // padding), tested as o - 1 >= ceil((i + pb)/s).
  auto currentRule = [&](int64_t i) -> std::optional<int64_t> {
    std::optional<int64_t> numerator = windowNumerator(i, pads.begin, pads.end, *ke);
    std::optional<int64_t> rightPadStart = checkedAdd(i, pads.begin);
    if (!numerator || !rightPadStart) return std::nullopt;
    std::optional<int64_t> o = checkedAdd(ir::ceilDiv(*numerator, w.stride), 1);
    if (!o) return std::nullopt;
    if (*o - 1 >= ir::ceilDiv(*rightPadStart, w.stride)) --*o;
    return o;
  };
  std::optional<int64_t> numerator = windowNumerator(input, pads.begin, pads.end, *ke);
  std::optional<int64_t> output = currentRule(input);
  if (!numerator || !output) return std::nullopt;

  AxisFacts f;
  f.input = input;
  f.effectiveKernel = *ke;
  f.padBegin = pads.begin;
  f.padEnd = pads.end;
  f.output = *output;
  // ONNX 1.12 and older ONNX Runtime: o = ceil((i + P - ke)/s + 1), no correction.
  const int64_t raw = ir::ceilDiv(*numerator, w.stride) + 1;  // fits: currentRule checked it
  f.legacyOutput = raw;
  f.relationship = poolRelationship(w, pads.begin, pads.end);
  // o >= 1 needs i + P - ke + s - 1 >= 0, and the one window must start before i + pb.
  f.minInput = std::max<int64_t>(
      {0, sum({*ke, -pads.begin, -pads.end, -w.stride, 1}).value_or(0), 1 - pads.begin});
  if (f.output >= 1) {
    // The windows cover the padded input up to (o - 1)s + ke; what lies
    // beyond is uncovered, and its part before the end pad is real rows.
    // i + P - ((o - 1)s + ke) = (i + P - ke) - (o - 1)s.
    std::optional<int64_t> lastStart = checkedMul(f.output - 1, w.stride);
    if (lastStart) {
      f.remainder = std::max<int64_t>(0, *numerator - *lastStart);
      f.droppedRows = std::max<int64_t>(0, f.remainder - f.padEnd);
    }
  }
  setSearchedRange(f, w.stride, currentRule);
  f.rule = AxisFacts::Rule::kCeil;
  f.window = w;
  f.ceilRawOutput = raw;
  return f;
}

// ConvTranspose: default o = s(i - 1) + a + ke - pb - pe (relationships 8-14);
// output_shape O: total = s(i - 1) + a + ke - O split into pads; SAME: o = i*s.
std::optional<TransposeAxisFacts> convTransposeAxis(int64_t input, const TransposeAxisWindow& tw) {
  const AxisWindow& w = tw.window;
  if (!isComputable(input, w) || tw.outputPadding < 0 || (tw.outputShape && *tw.outputShape < 0))
    return std::nullopt;
  std::optional<int64_t> ke = effectiveKernel(w.kernel, w.dilation);
  if (!ke) return std::nullopt;
  std::optional<int64_t> span = checkedMul(w.stride, input - 1);
  std::optional<int64_t> natural = sum({span, tw.outputPadding, *ke});
  if (!natural) return std::nullopt;
  std::optional<int64_t> reachable = sum({natural, std::max(w.stride, w.dilation), -1});

  TransposeAxisFacts f;
  f.input = input;
  f.effectiveKernel = *ke;
  f.naturalOutput = *natural;
  f.maxReachableOutput = reachable.value_or(std::numeric_limits<int64_t>::max());
  const std::string naturalText =
      fmt::format("s(i - 1) + a + {} = {}({} - 1) + {} + {}", kernelSymbol(w), w.stride, input, tw.outputPadding, *ke);

  if (tw.outputShape || isSame(w.padding)) {
    std::optional<int64_t> target = tw.outputShape;
    if (!target) target = checkedMul(input, w.stride);
    if (!target) return std::nullopt;
    f.output = *target;
    std::optional<int64_t> totalPad = checkedSub(*natural, *target);
    if (!totalPad) return std::nullopt;
    const int64_t total = *totalPad;
    if (total >= 0) {
      // SAME_UPPER puts the larger half at the end, otherwise at the begin.
      const int64_t small = total / 2;
      f.padBegin = w.padding == Padding::kSameUpper ? small : total - small;
      f.padEnd = total - f.padBegin;
    }
    if (tw.outputShape) {
      f.formula = fmt::format("o = output_shape = {}, total padding s(i - 1) + a + {} - O = {}({} - 1) + {} + {} - {} = {}",
                              f.output, kernelSymbol(w), w.stride, input, tw.outputPadding, *ke, f.output, total);
    } else {
      f.formula = fmt::format("{}: o = i * s = {} * {} = {}", autoPadName(w.padding), input, w.stride, f.output);
    }
    return f;
  }

  const ResolvedPads pads = explicitPads(w);
  std::optional<int64_t> output = sum({*natural, -pads.begin, -pads.end});
  if (!output) return std::nullopt;
  f.output = *output;
  f.padBegin = pads.begin;
  f.padEnd = pads.end;
  const bool symmetric = pads.begin == pads.end;
  if (w.stride == 1) {
    if (pads.begin == 0 && pads.end == 0) f.relationship = 8;
    else if (symmetric && *ke % 2 == 1 && pads.begin == *ke / 2) f.relationship = 10;
    else if (symmetric && pads.begin == *ke - 1) f.relationship = 11;
    else f.relationship = 9;
  } else if (tw.outputPadding == 0) {
    f.relationship = (pads.begin == 0 && pads.end == 0) ? 12 : 13;
  } else {
    f.relationship = 14;
  }
  f.formula = fmt::format("o = s(i - 1) + a + {} - pb - pe = {}({} - 1) + {} + {} - {} - {} = {}{}",
                          kernelSymbol(w), w.stride, input, tw.outputPadding, *ke, pads.begin, pads.end, f.output,
                          dilationNote(w, *ke));
  return f;
}

// MaxUnpool: o = s(i - 1) + k - pb - pe, ConvTranspose's rule with d = 1, a = 0.
std::optional<TransposeAxisFacts> unpoolAxis(int64_t input, const AxisWindow& window) {
  AxisWindow w = window;
  w.dilation = 1;
  w.padding = Padding::kExplicit;
  std::optional<TransposeAxisFacts> f = convTransposeAxis(input, {w, 0, std::nullopt});
  if (!f) return std::nullopt;
  f->formula = fmt::format("o = s(i - 1) + k - pb - pe = {}({} - 1) + {} - {} - {} = {}", w.stride, input, w.kernel,
                           w.padBegin, w.padEnd, f->output);
  return f;
}

std::string overflowingStep(int64_t input, const AxisWindow& w) {
  if (!isComputable(input, w)) return "";
  std::optional<int64_t> ke = effectiveKernel(w.kernel, w.dilation);
  if (!ke) return fmt::format("ke = d(k - 1) + 1 = {}({} - 1) + 1", w.dilation, w.kernel);
  if (isSame(w.padding)) {
    const int64_t o = ir::ceilDiv(input, w.stride);
    if (!samePads(input, o, w.stride, *ke, w.padding))
      return fmt::format("total padding (o - 1)s + ke - i = ({} - 1){} + {} - {}", o, w.stride, *ke, input);
  }
  const ResolvedPads pads = isSame(w.padding) ? ResolvedPads{} : explicitPads(w);
  std::optional<int64_t> numerator = windowNumerator(input, pads.begin, pads.end, *ke);
  if (!numerator)
    return fmt::format("i + pb + pe - ke = {} + {} + {} - {}", input, pads.begin, pads.end, *ke);
  if (!checkedAdd(ir::ceilDiv(*numerator, w.stride), 1))
    return fmt::format("o = (i + pb + pe - ke)/s + 1 = {}/{} + 1", *numerator, w.stride);
  if (!checkedAdd(input, pads.begin)) return fmt::format("i + pb = {} + {}", input, pads.begin);
  return "";
}

std::string overflowingStep(int64_t input, const TransposeAxisWindow& tw) {
  const AxisWindow& w = tw.window;
  if (!isComputable(input, w) || tw.outputPadding < 0 || (tw.outputShape && *tw.outputShape < 0)) return "";
  std::optional<int64_t> ke = effectiveKernel(w.kernel, w.dilation);
  if (!ke) return fmt::format("ke = d(k - 1) + 1 = {}({} - 1) + 1", w.dilation, w.kernel);
  std::optional<int64_t> span = checkedMul(w.stride, input - 1);
  if (!span) return fmt::format("s(i - 1) = {}({} - 1)", w.stride, input);
  std::optional<int64_t> natural = sum({span, tw.outputPadding, *ke});
  if (!natural) return fmt::format("s(i - 1) + a + ke = {} + {} + {}", *span, tw.outputPadding, *ke);
  if (tw.outputShape) {
    if (!checkedSub(*natural, *tw.outputShape))
      return fmt::format("total padding s(i - 1) + a + ke - O = {} - {}", *natural, *tw.outputShape);
    return "";
  }
  if (isSame(w.padding)) {
    if (!checkedMul(input, w.stride)) return fmt::format("o = i * s = {} * {}", input, w.stride);
    return "";
  }
  const ResolvedPads pads = explicitPads(w);
  if (!sum({*natural, -pads.begin, -pads.end}))
    return fmt::format("o = s(i - 1) + a + ke - pb - pe = {} - {} - {}", *natural, pads.begin, pads.end);
  return "";
}

// Item 5: ONNX 1.12 pads SAME by total = max(0, ke - s).
std::optional<int64_t> legacySameTransposeOutput(int64_t input, const TransposeAxisWindow& tw) {
  const AxisWindow& w = tw.window;
  if (!isComputable(input, w) || tw.outputPadding < 0) return std::nullopt;
  std::optional<int64_t> ke = effectiveKernel(w.kernel, w.dilation);
  if (!ke) return std::nullopt;
  const int64_t total = std::max<int64_t>(0, *ke - w.stride);
  return sum({checkedMul(w.stride, input - 1), tw.outputPadding, *ke, -total});
}

// Item 4: ONNX Runtime's pools pad SAME for k, then slide the dilated kernel.
std::optional<int64_t> onnxRuntimeSamePoolOutput(int64_t input, const AxisWindow& w) {
  if (!isComputable(input, w)) return std::nullopt;
  std::optional<int64_t> ke = effectiveKernel(w.kernel, w.dilation);
  if (!ke) return std::nullopt;
  const int64_t target = ir::ceilDiv(input, w.stride);
  std::optional<int64_t> pad = sum({checkedMul(std::max<int64_t>(target - 1, 0), w.stride), w.kernel, -input});
  if (!pad || *pad < 0) return std::nullopt;
  std::optional<int64_t> numerator = sum({input, -*ke, *pad});
  if (!numerator) return std::nullopt;
  return checkedAdd(ir::floorDiv(*numerator, w.stride), 1);
}

std::string attributeList(const std::vector<int64_t>& values) { return fmt::format("[{}]", fmt::join(values, ",")); }

std::optional<AxisWindow> WindowGeometry::axis(size_t a) const {
  if (a >= kernel.size() || !kernel[a].isValue()) return std::nullopt;
  AxisWindow w;
  w.kernel = kernel[a].value();
  w.stride = strides[a];
  w.dilation = dilations[a];
  w.padBegin = padsBegin[a];
  w.padEnd = padsEnd[a];
  w.padding = padding;
  return w;
}

std::string AxisFacts::formula() const {
  const AxisWindow& w = window;
  switch (rule) {
    case Rule::kSame:
      return fmt::format("{}: o = ceil(i/s) = ceil({}/{}) = {}, pads {} + {}", autoPadName(w.padding), input,
                         w.stride, output, padBegin, padEnd);
    case Rule::kFloor:
      return fmt::format("o = floor((i + pb + pe - {})/s) + 1 = floor(({} + {} + {} - {})/{}) + 1 = {}{}",
                         kernelSymbol(w), input, padBegin, padEnd, effectiveKernel, w.stride, output,
                         dilationNote(w, effectiveKernel));
    case Rule::kCeil:
      break;
  }
  std::string text = fmt::format(
      "o = floor((i + pb + pe - {0} + s - 1)/s) + 1 = floor(({1} + {2} + {3} - {4} + {5} - 1)/{5}) + 1 = {6}{7}",
      kernelSymbol(w), input, padBegin, padEnd, effectiveKernel, w.stride, ceilRawOutput,
      dilationNote(w, effectiveKernel));
  if (ceilRawOutput != output) {
    std::optional<int64_t> lastStart = checkedMul(ceilRawOutput - 1, w.stride);
    text += fmt::format(", minus 1 because the last window would start in the right padding "
                        "((o - 1)s = {} >= i + pb = {}): o = {}",
                        lastStart ? std::to_string(*lastStart) : fmt::format("{}({} - 1)", w.stride, ceilRawOutput),
                        input + padBegin, output);
  }
  return text;
}

std::string describe(const AxisFacts& facts, size_t tensorAxis) {
  if (facts.relationship == 0) return fmt::format("{} on axis {}", facts.formula(), tensorAxis);
  return fmt::format("relationship {}: {} on axis {}", facts.relationship, facts.formula(), tensorAxis);
}

std::string describe(const TransposeAxisFacts& facts, size_t tensorAxis) {
  if (facts.relationship == 0) return fmt::format("{} on axis {}", facts.formula, tensorAxis);
  return fmt::format("relationship {}: {} on axis {}", facts.relationship, facts.formula, tensorAxis);
}

const ir::Shape* windowDataInput(InferContext& ctx) {
  if (!ctx.hasInput(0)) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("{} has no input X, expected a tensor N x C x D1 x ...", ctx.node().opType))
        .help("connect the data input");
    return nullptr;
  }
  const ir::Shape& x = ctx.inputShape(0);
  if (!x.rankKnown()) return nullptr;
  if (x.rank() < 3) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("input {} has rank {}, expected at least 3 (N x C x D1 x ...)",
                             fmt::format("'{}' {}", ctx.node().inputs[0], x.str()), x.rank()))
        .help("add the batch and channel axes (Unsqueeze) or use an op for this rank");
    return nullptr;
  }
  if (!checkNonNegativeDims(ctx, 0)) return nullptr;
  return &x;
}

bool checkNonNegativeDims(InferContext& ctx, size_t i) {
  if (!ctx.hasInput(i)) return true;
  const ir::Shape& shape = ctx.inputShape(i);
  if (!shape.rankKnown()) return true;
  bool ok = true;
  for (size_t a = 0; a < shape.rank(); ++a) {
    if (!shape[a].isValue() || shape[a].value() >= 0) continue;
    ok = false;
    // A graph input's or initializer's declaration is reported once, where
    // it is declared (propagate.cpp); a node only refuses to compute with it.
    if (ctx.inputProducer(i).empty()) continue;
    ctx.report(diag::RuleId::kAbsurdDim)
        .message(fmt::format("input '{}' {} has dim {} on axis {}, expected at least 0", ctx.node().inputs[i],
                             shape.str(), shape[a].value(), a))
        .help("a dim is a size: give the model a non-negative dim_value, or a dim_param for a size known only at "
              "run time");
  }
  return ok;
}

namespace {

// SL202: the kernel does not fit the padded input.
void reportNonPositive(InferContext& ctx, const AxisFacts& f, size_t tensorAxis) {
  const int64_t padded = f.input + f.padBegin + f.padEnd;
  ctx.report(diag::RuleId::kNonPositiveOutput)
      .message(fmt::format("output size on axis {} is {}, expected at least 1: the kernel spans {} but the padded "
                           "input is {} ({} + {} + {})",
                           tensorAxis, f.output, f.effectiveKernel, padded, f.input, f.padBegin, f.padEnd))
      .detail(describe(f, tensorAxis))
      .help(fmt::format("use an input of at least {} on axis {}, or pad by at least {} more in total", f.minInput,
                        tensorAxis, f.minInput - f.input));
}

// The output dim of an axis whose input is a symbol or an expression; SAME
// maps an empty input to an empty output, as for values.
ir::Dim symbolicOutputDim(InferContext& ctx, const ir::Dim& i, const AxisWindow& w, bool ceilMode, WindowOp op,
                          size_t tensorAxis) {
  const SymbolicAxisSize size = op == WindowOp::kPool ? poolAxisDim(i, w, ceilMode) : convAxisDim(i, w);
  // SL204's condition on the symbols, for `shapelint sizes` (a no-op
  // otherwise). SAME and ceil_mode with an expression never drop rows.
  if (!isSame(w.padding) && !(op == WindowOp::kPool && ceilMode))
    if (std::optional<int64_t> ke = effectiveKernel(w.kernel, w.dilation)) {
      const ResolvedPads pads = explicitPads(w);
      recordFloor(i, tensorAxis, *ke, w.stride, pads.begin, pads.end);
    }
  // The help line is formatted only when SL202 is reported; one captured
  // pointer keeps the std::function from allocating.
  struct HelpArgs {
    const ir::Dim& i;
    const AxisWindow& w;
    size_t tensorAxis;
  } args{i, w, tensorAxis};
  auto help = [a = &args] {
    const ResolvedPads pads = explicitPads(a->w);
    return fmt::format("the kernel spans {} but the padded input {} + {} + {} is smaller for every size: feed a "
                       "larger input on axis {}, pad more, or use a smaller kernel or dilation",
                       effectiveKernel(a->w.kernel, a->w.dilation).value_or(a->w.kernel), a->i.str(), pads.begin,
                       pads.end, a->tensorAxis);
  };
  return checkedSymbolicOutput(ctx, i, size, tensorAxis, isSame(w.padding), std::function<std::string()>(help));
}

}  // namespace

// SL004: a step of the size computation does not fit in int64.
void reportOverflow(InferContext& ctx, const std::string& step, size_t tensorAxis) {
  ctx.report(diag::RuleId::kAbsurdDim)
      .message(fmt::format("output size on axis {} overflows int64: {} is outside int64's range (at most {})",
                           tensorAxis, step.empty() ? std::string("an intermediate value") : step,
                           std::numeric_limits<int64_t>::max()))
      .help("a size or attribute this large is an exporter bug: check the input's dims and the node's kernel, "
            "strides, dilations and pads");
}

std::vector<ir::Dim> windowOutputDims(InferContext& ctx, const ir::Shape& input, const WindowGeometry& geometry,
                                      WindowOp op) {
  std::vector<ir::Dim> out(geometry.spatialRank());
  WindowNodeFacts node{op, &geometry, &input, std::vector<std::optional<WindowAxis>>(geometry.spatialRank())};
  for (size_t a = 0; a < geometry.spatialRank(); ++a) {
    const ir::Dim& i = input[a + 2];
    std::optional<AxisWindow> w = geometry.axis(a);
    if (w && (i.isSymbol() || i.isExpr())) {
      out[a] = symbolicOutputDim(ctx, i, *w, geometry.ceilMode, op, a + 2);
      continue;
    }
    if (!i.isValue() || !w) continue;
    std::optional<AxisFacts> f =
        op == WindowOp::kPool ? poolAxis(i.value(), *w, geometry.ceilMode) : convAxis(i.value(), *w);
    if (!f) {
      reportOverflow(ctx, overflowingStep(i.value(), *w), a + 2);
      continue;
    }
    const bool emptyInput = i.value() == 0 && isSame(w->padding);  // SAME maps 0 to 0
    if (f->output < 1 && !emptyInput) {
      reportNonPositive(ctx, *f, a + 2);
      continue;
    }
    out[a] = ir::Dim::value(f->output);
    if (f->output >= 1) node.axes[a] = WindowAxis{a + 2, *w, *f};
  }
  runWindowChecks(ctx, node);
  return out;
}

// ---------------------------------------------------------------------------
// Attribute parsing.

namespace {

// "1 value", "3 values".
std::string countText(size_t n) { return fmt::format("{} value{}", n, n == 1 ? "" : "s"); }

std::string listText(const std::vector<int64_t>& v) { return fmt::format("[{}]", fmt::join(v, ", ")); }

std::string dimsText(const std::vector<ir::Dim>& dims) {
  std::vector<std::string> parts;
  for (const ir::Dim& d : dims) parts.push_back(d.str());
  return fmt::format("[{}]", fmt::join(parts, ", "));
}

// Reads an ints attribute. `ok` turns false when it is present with the wrong
// type (already reported by the reader): the caller must not fall back to a default.
const std::vector<int64_t>* readInts(InferContext& ctx, std::string_view name, bool& ok) {
  const std::vector<int64_t>* v = ctx.attrIntsRef(name);
  if (!v && ctx.attr(name)) ok = false;
  return v;
}

// A per-axis list attribute: one value per spatial axis, each >= minimum.
std::vector<int64_t> readPerAxis(InferContext& ctx, std::string_view name, size_t rank, int64_t fallback,
                                 int64_t minimum, bool& ok) {
  const std::vector<int64_t>* v = readInts(ctx, name, ok);
  if (!v) return std::vector<int64_t>(rank, fallback);
  if (v->size() != rank) {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("{} has {}, expected {} (one per spatial axis of a rank-{} input)", name,
                             countText(v->size()), rank, rank + 2))
        .help(fmt::format("give {} exactly {} values", name, rank));
    ok = false;
    return std::vector<int64_t>(rank, fallback);
  }
  for (size_t a = 0; a < rank; ++a) {
    if ((*v)[a] < minimum) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("{} on axis {} is {}, expected at least {}", name, a + 2, (*v)[a], minimum))
          .detail(fmt::format("{} = {}", name, listText(*v)))
          .help(fmt::format("set every value of {} to at least {}", name, minimum));
      ok = false;
    }
  }
  return *v;
}

// The size one axis would get under a geometry, for messages comparing two.
std::optional<int64_t> axisSize(WindowOp op, int64_t input, const AxisWindow& w, bool ceilMode) {
  if (op == WindowOp::kConvTranspose) {
    std::optional<TransposeAxisFacts> f = convTransposeAxis(input, {w, 0, std::nullopt});
    return f ? std::optional<int64_t>(f->output) : std::nullopt;
  }
  std::optional<AxisFacts> f = op == WindowOp::kPool ? poolAxis(input, w, ceilMode) : convAxis(input, w);
  return f ? std::optional<int64_t>(f->output) : std::nullopt;
}

// Per axis, the size under auto_pad and the size under the explicit pads,
// where they differ: "axis 2: auto_pad SAME_UPPER gives 4, the explicit pads give 3".
std::vector<std::string> padsVersusAutoPad(const ir::Shape& input, const WindowGeometry& g,
                                           const std::vector<int64_t>& pads, WindowOp op) {
  std::vector<std::string> lines;
  for (size_t a = 0; a < g.spatialRank(); ++a) {
    std::optional<AxisWindow> w = g.axis(a);
    const ir::Dim& i = input[a + 2];
    if (!w || !i.isValue()) continue;
    AxisWindow withPads = *w;
    withPads.padding = Padding::kExplicit;
    withPads.padBegin = pads[a];
    withPads.padEnd = pads[a + g.spatialRank()];
    std::optional<int64_t> autoSize = axisSize(op, i.value(), *w, g.ceilMode);
    std::optional<int64_t> padSize = axisSize(op, i.value(), withPads, g.ceilMode);
    if (autoSize && padSize && *autoSize != *padSize) {
      lines.push_back(fmt::format("axis {}: auto_pad {} gives {}, the explicit pads give {} (ONNX 1.12 uses the pads)",
                                  a + 2, autoPadName(g.padding), *autoSize, *padSize));
    }
  }
  return lines;
}

// The pads attribute together with SAME/VALID: the spec forbids it, and
// ONNX 1.12's inference silently uses the pads. Reported when a pad is
// non-zero, or when zero pads give another size than SAME (conv-arithmetic.md
// "Where runtimes disagree" item 3: i = 7, k = 3, s = 2, pads 0: 3, SAME: 4).
// `withSizes` is false when the geometry is incomplete (another attribute is
// invalid). Returns true when it reported.
bool checkPadsWithAutoPad(InferContext& ctx, const ir::Shape& input, const WindowGeometry& g,
                          const std::vector<int64_t>& pads, WindowOp op, bool withSizes) {
  const bool anyNonZero = std::any_of(pads.begin(), pads.end(), [](int64_t p) { return p != 0; });
  const std::vector<std::string> differences =
      withSizes ? padsVersusAutoPad(input, g, pads, op) : std::vector<std::string>();
  if (!anyNonZero && differences.empty()) return false;
  auto builder = ctx.report(diag::RuleId::kInvalidAttribute);
  builder.message(fmt::format("pads {} are given with auto_pad {}, expected no pads attribute{}", listText(pads),
                              autoPadName(g.padding), anyNonZero ? " (or all zero)" : ""))
      .help(fmt::format("remove pads to keep auto_pad {}, or set auto_pad to NOTSET to use the pads",
                        autoPadName(g.padding)));
  for (const std::string& line : differences) builder.detail(line);
  return true;
}

}  // namespace

std::optional<WindowGeometry> parseWindowGeometry(InferContext& ctx, const ir::Shape& input,
                                                  const std::vector<ir::Dim>& weightKernel,
                                                  const WindowAttributes& attributes) {
  const size_t rank = input.rank() - 2;
  bool ok = true;
  WindowGeometry g;

  // kernel_shape: required for pools, else the weight's spatial dims.
  const std::vector<int64_t>* kernel = readInts(ctx, "kernel_shape", ok);
  if (kernel) {
    std::vector<int64_t> checked = readPerAxis(ctx, "kernel_shape", rank, 1, 1, ok);
    if (ok && weightKernel.size() == rank) {
      for (size_t a = 0; a < rank; ++a) {
        if (ir::provablyNotEqual(weightKernel[a], ir::Dim::value(checked[a]))) {
          ctx.report(diag::RuleId::kInvalidAttribute)
              .message(fmt::format("kernel_shape {} contradicts the weight's kernel {}: axis {} has {} and {}",
                                   listText(checked), dimsText(weightKernel), a + 2, checked[a],
                                   weightKernel[a].str()))
              .help("drop kernel_shape (it defaults to the weight's spatial dims) or make it match the weight");
          ok = false;
          break;
        }
      }
    }
    g.kernel.reserve(rank);
    for (int64_t k : checked) g.kernel.push_back(ir::Dim::value(k));
  } else if (attributes.op == WindowOp::kPool) {
    if (ok) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("kernel_shape is missing, expected {} (one per spatial axis)", countText(rank)))
          .help("a pool needs kernel_shape; add it");
    }
    ok = false;
  } else if (weightKernel.size() == rank) {
    g.kernel = weightKernel;
  } else {
    g.kernel.assign(rank, ir::Dim::unknown());
  }

  g.strides = readPerAxis(ctx, "strides", rank, 1, 1, ok);
  g.dilations = attributes.dilations ? readPerAxis(ctx, "dilations", rank, 1, 1, ok) : std::vector<int64_t>(rank, 1);

  if (attributes.ceilMode) {
    std::optional<int64_t> ceil = ctx.attrInt("ceil_mode");
    if (!ceil && ctx.attr("ceil_mode")) ok = false;
    if (ceil && *ceil != 0 && *ceil != 1) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("ceil_mode is {}, expected 0 or 1", *ceil))
          .help("set ceil_mode to 0 (floor) or 1 (ceil)");
      ok = false;
    }
    g.ceilMode = ceil.value_or(0) == 1;
  }

  // auto_pad: a closed set; any other string is rejected, never read as NOTSET.
  std::optional<std::string> autoPad;
  if (attributes.autoPad) autoPad = ctx.attrString("auto_pad");
  if (attributes.autoPad && !autoPad && ctx.attr("auto_pad")) ok = false;
  if (autoPad) {
    std::optional<Padding> padding = parseAutoPad(*autoPad);
    if (!padding) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("auto_pad is '{}', expected NOTSET, VALID, SAME_UPPER or SAME_LOWER", *autoPad))
          .help("use one of the four ONNX auto_pad values (spelled in upper case), or drop auto_pad and give pads");
      ok = false;
    } else {
      g.padding = *padding;
    }
  }

  // pads: begin values for every axis, then end values.
  g.padsBegin.assign(rank, 0);
  g.padsEnd.assign(rank, 0);
  const std::vector<int64_t>* pads = readInts(ctx, "pads", ok);
  if (pads) {
    if (pads->size() != 2 * rank) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("pads has {}, expected {} (a begin and an end pad for each of {} spatial axes)",
                               countText(pads->size()), 2 * rank, rank))
          .detail(fmt::format("pads = {}", listText(*pads)))
          .help(fmt::format("give pads as [begin_1, ..., begin_{0}, end_1, ..., end_{0}]", rank));
      ok = false;
    } else {
      bool negative = false;
      for (size_t j = 0; j < pads->size(); ++j) {
        if ((*pads)[j] < 0) {
          ctx.report(diag::RuleId::kInvalidAttribute)
              .message(fmt::format("{} pad on axis {} is {}, expected at least 0", j < rank ? "begin" : "end",
                                   j % rank + 2, (*pads)[j]))
              .detail(fmt::format("pads = {}", listText(*pads)))
              .help("pads must be non-negative; crop with Slice instead of a negative pad");
          negative = true;
        }
      }
      if (negative) ok = false;
      if (!negative && g.padding != Padding::kExplicit) {
        if (checkPadsWithAutoPad(ctx, input, g, *pads, attributes.op, ok)) ok = false;
      } else if (g.padding == Padding::kExplicit) {
        std::copy(pads->begin(), pads->begin() + static_cast<std::ptrdiff_t>(rank), g.padsBegin.begin());
        std::copy(pads->begin() + static_cast<std::ptrdiff_t>(rank), pads->end(), g.padsEnd.begin());
      }
    }
  }

  if (!ok) return std::nullopt;
  return g;
}

}  // namespace shapelint::passes::window
