// `shapelint explain`: the facts of one spatial axis, from the window
// arithmetic the shape pass applies (window.h). Formatting is elsewhere
// (src/report/explain_text.cpp, explain_json.cpp).
#include "shapelint/explain.h"

#include <algorithm>

#include <fmt/format.h>

#include "passes/shape/window.h"
#include "shapelint/ir/checked.h"

namespace shapelint::passes {

namespace {

using ir::checkedAdd;
using ir::checkedMul;
using ir::checkedSub;

// An argument explain cannot use; caught in explain() and returned as ExplainError.
struct Invalid {
  std::string message;
};

const Invalid kTooLarge{"the numbers are too large to compute exactly (a size would exceed 2^63 - 1)"};

// Too large, naming the step of the window arithmetic that overflows when known.
Invalid tooLarge(const std::string& step) {
  if (step.empty()) return kTooLarge;
  return Invalid{fmt::format("the numbers are too large to compute exactly: {} exceeds 2^63 - 1", step)};
}

int64_t need(std::optional<int64_t> v) {
  if (!v) throw kTooLarge;
  return *v;
}

// The setting of each numbered relationship of conv-arithmetic.md.
std::string relationshipSetting(int number) {
  switch (number) {
    case 1: return "s = 1, p = 0";
    case 2: return "s = 1, any padding";
    case 3: return "half (\"same\") padding, s = 1";
    case 4: return "full padding, s = 1";
    case 5: return "p = 0, any stride";
    case 6: return "any padding, any stride";
    case 7: return "any pooling, p = 0";
    case 8: return "transposing s = 1, p = 0";
    case 9: return "transposing s = 1, padding p";
    case 10: return "transposing half padding";
    case 11: return "transposing full padding";
    case 12: return "transposing p = 0, stride s, (i - k) a multiple of s";
    case 13: return "transposing padding p, stride s, (i + 2p - k) a multiple of s";
    case 14: return "transposing padding p, stride s, a = (i + 2p - k) mod s";
    case 15: return "dilated";
    default: return "";
  }
}

Relationship relationship(int number) { return {number, relationshipSetting(number)}; }

// window.h writes a ConvTranspose formula in its own input i and output o;
// explain calls them i' and o', as the guide does, to keep them apart from
// the direct conv's.
std::string primed(std::string formula) {
  for (const auto& [from, to] : {std::pair<std::string_view, std::string_view>{"o = i * s", "o' = i' * s"},
                                 std::pair<std::string_view, std::string_view>{"o = ", "o' = "},
                                 std::pair<std::string_view, std::string_view>{"s(i - 1)", "s(i' - 1)"}}) {
    const size_t at = formula.find(from);
    if (at != std::string::npos) formula.replace(at, from.size(), to);
  }
  return formula;
}

bool isPool(ExplainOp op) { return op == ExplainOp::kMaxPool || op == ExplainOp::kAveragePool; }

window::Padding toWindowPadding(ExplainPadding p) {
  switch (p) {
    case ExplainPadding::kNotSet: return window::Padding::kExplicit;
    case ExplainPadding::kValid: return window::Padding::kValid;
    case ExplainPadding::kSameUpper: return window::Padding::kSameUpper;
    case ExplainPadding::kSameLower: return window::Padding::kSameLower;
  }
  return window::Padding::kExplicit;
}

bool isSame(ExplainPadding p) { return p == ExplainPadding::kSameUpper || p == ExplainPadding::kSameLower; }

void check(bool ok, std::string message) {
  if (!ok) throw Invalid{std::move(message)};
}

// Every rejection names the flag, the value seen and what is expected.
void validate(const ExplainRequest& r) {
  check(r.input >= 1, fmt::format("--input is {}, expected at least 1", r.input));
  check(r.kernel >= 1, fmt::format("--kernel is {}, expected at least 1", r.kernel));
  check(r.stride >= 1, fmt::format("--stride is {}, expected at least 1", r.stride));
  check(r.dilation >= 1, fmt::format("--dilation is {}, expected at least 1", r.dilation));
  check(r.padBegin >= 0 && r.padEnd >= 0,
        fmt::format("pads are {},{}, expected at least 0 each (crop with Slice instead of a negative pad)",
                    r.padBegin, r.padEnd));
  check(!r.explicitPads || r.padding == ExplainPadding::kNotSet,
        fmt::format("--pad/--pads cannot be given with --auto-pad {}: ONNX forbids explicit pads with SAME or VALID",
                    explainPaddingName(r.padding)));
  const bool transpose = r.op == ExplainOp::kConvTranspose;
  check(transpose || (r.outputPadding == 0 && !r.outputShape),
        fmt::format("--output-padding and --output-shape apply to convtranspose, not {}", explainOpName(r.op)));
  check(isPool(r.op) || !r.ceilMode, fmt::format("--ceil-mode applies to maxpool and avgpool, not {}",
                                                 explainOpName(r.op)));
  if (!transpose) return;
  const int64_t bound = std::max(r.stride, r.dilation);
  check(window::isValidOutputPadding(r.outputPadding, r.stride, r.dilation),
        fmt::format("--output-padding is {}, expected 0 <= a < max(s, d) = {} (ONNX Runtime and PyTorch reject "
                    "any other value)",
                    r.outputPadding, bound));
  if (r.outputShape) {
    check(*r.outputShape >= 1, fmt::format("--output-shape is {}, expected at least 1", *r.outputShape));
    check(!r.explicitPads, "--output-shape derives the pads: give it without --pad/--pads");
  }
}

window::AxisWindow axisWindow(const ExplainRequest& r) {
  window::AxisWindow w;
  w.kernel = r.kernel;
  w.stride = r.stride;
  w.dilation = r.dilation;
  w.padBegin = r.padBegin;
  w.padEnd = r.padEnd;
  w.padding = toWindowPadding(r.padding);
  return w;
}

// The same window with its pads resolved and written out (NOTSET).
window::AxisWindow explicitWindow(window::AxisWindow w, int64_t padBegin, int64_t padEnd) {
  w.padding = window::Padding::kExplicit;
  w.padBegin = padBegin;
  w.padEnd = padEnd;
  return w;
}

// The facts of a conv or pool axis for this request's op.
std::optional<window::AxisFacts> directAxis(const ExplainRequest& r, int64_t input, const window::AxisWindow& w) {
  return isPool(r.op) ? window::poolAxis(input, w, r.ceilMode) : window::convAxis(input, w);
}

// The kernel placements of a layer with `count` outputs, and the cells they
// leave uncovered; `legacyCount` > count adds the ceil_mode windows only
// ONNX 1.12 places. `rows` is the real rows between the pads.
void setCoverage(Explanation& e, int64_t rows, int64_t count, int64_t legacyCount) {
  const ExplainRequest& r = e.request;
  const int64_t padded = need(checkedAdd(need(checkedAdd(e.padBegin, rows)), e.padEnd));
  e.paddedSize = padded;
  Diagram& d = e.diagram;
  d.kernel = r.kernel;
  d.dilation = r.dilation;
  d.firstReal = e.padBegin;
  if (count < 1) {
    e.uncoveredCells = padded;
    d.kernelDoesNotFit = true;
    d.cellCount = std::max(padded, e.effectiveKernel);
    d.placements.push_back({0, false});
  } else {
    const int64_t coveredEnd = need(checkedAdd(need(checkedMul(count - 1, r.stride)), e.effectiveKernel));
    e.uncoveredCells = std::max<int64_t>(0, padded - coveredEnd);
    e.overhangCells = std::max<int64_t>(0, coveredEnd - padded);
    e.droppedRows = std::max<int64_t>(0, e.padBegin + rows - std::max(coveredEnd, e.padBegin));
    const int64_t lastCount = std::max(count, legacyCount);
    d.cellCount = std::max(padded, need(checkedAdd(need(checkedMul(lastCount - 1, r.stride)), e.effectiveKernel)));
    if (d.cellCount <= Diagram::kMaxCells) {
      for (int64_t j = 0; j < lastCount; ++j) d.placements.push_back({j * r.stride, j >= count});
    }
  }
  e.regularGap = std::max<int64_t>(0, r.stride - e.effectiveKernel);
  e.lossExceedsGap = e.droppedRows > e.regularGap;
  if (d.cellCount > Diagram::kMaxCells) {
    d.placements.clear();
    return;
  }
  d.shown = true;
  // Coverage of each cell by the placements every runtime makes.
  std::vector<bool> covered(static_cast<size_t>(d.cellCount), false);
  for (const Placement& p : d.placements) {
    if (p.legacyOnly || d.kernelDoesNotFit) continue;
    for (int64_t t = 0; t < r.kernel; ++t) covered[static_cast<size_t>(p.start + t * r.dilation)] = true;
  }
  // A real row before the last covered cell is only skipped by the stride or
  // the dilation (the regular gap); after it, it is dropped.
  int64_t lastCovered = -1;
  for (int64_t c = 0; c < d.cellCount; ++c)
    if (covered[static_cast<size_t>(c)]) lastCovered = c;
  for (int64_t c = 0; c < d.cellCount; ++c) {
    if (c >= padded) d.cells.push_back(CellKind::kBeyond);
    else if (c < e.padBegin || c >= e.padBegin + rows) d.cells.push_back(CellKind::kPadding);
    else if (count >= 1 && c > lastCovered) d.cells.push_back(CellKind::kDropped);
    else d.cells.push_back(CellKind::kReal);
  }
}

// Sizes in [from, to] to list: all of them when few, else the first three,
// `keep` and the last.
std::vector<int64_t> listedInputs(int64_t from, int64_t to, int64_t keep, bool& truncated) {
  std::vector<int64_t> out;
  const uint64_t count = static_cast<uint64_t>(to) - static_cast<uint64_t>(from) + 1;
  truncated = count > Explanation::kMaxRestores;
  if (!truncated) {
    for (int64_t i = from; i <= to; ++i) out.push_back(i);
    return out;
  }
  for (int64_t i = from; i < from + 3; ++i) out.push_back(i);
  if (keep >= from + 3 && keep < to) out.push_back(keep);
  out.push_back(to);
  return out;
}

// The ConvTranspose with the same k, s and pads, fed `transposeInput`,
// restoring `input`: a = i + pb + pe - ke - s(i' - 1) (relationship 14).
Restore restoreFor(const Explanation& e, const window::AxisWindow& w, int64_t input, int64_t transposeInput) {
  const ExplainRequest& r = e.request;
  Restore restore;
  restore.input = input;
  restore.outputPadding =
      need(checkedSub(need(checkedAdd(input, e.padBegin + e.padEnd)),
                      need(checkedAdd(e.effectiveKernel, need(checkedMul(r.stride, transposeInput - 1))))));
  restore.reachable = window::isValidOutputPadding(restore.outputPadding, r.stride, r.dilation);
  if (restore.reachable) {
    std::optional<window::TransposeAxisFacts> t =
        window::convTransposeAxis(transposeInput, {explicitWindow(w, e.padBegin, e.padEnd), restore.outputPadding,
                                                   std::nullopt});
    if (!t) throw kTooLarge;
    // The numbers of relationship 14, o' = s(i' - 1) + a + ke - pb - pe.
    restore.formula = fmt::format("{}({} - 1) + {} + {} - {} - {} = {}", r.stride, transposeInput,
                                  restore.outputPadding, e.effectiveKernel, e.padBegin, e.padEnd, t->output);
  }
  return restore;
}

// Where runtimes disagree on a conv or pool axis (conv-arithmetic.md).
void directPortability(Explanation& e, const window::AxisWindow& w) {
  const ExplainRequest& r = e.request;
  if (r.op == ExplainOp::kConv && isSame(r.padding) && r.dilation != 1) {
    e.portability.push_back(
        "ONNX Runtime rejects a Conv with auto_pad SAME and a dilation other than 1 (microsoft/onnxruntime #20582)");
  }
  if (!isPool(r.op)) return;
  if (isSame(r.padding)) {
    // ONNX Runtime's pools pad SAME for k, not ke, and reject a negative pad.
    const std::optional<int64_t> ort = window::onnxRuntimeSamePoolOutput(r.input, w);
    if (!ort) {
      e.portability.push_back(fmt::format(
          "ONNX Runtime rejects this SAME pool: it pads for k = {} and that pad, (ceil(i/s) - 1)s + k - i, is "
          "negative (\"padding values must be non-negative\")",
          r.kernel));
    } else if (*ort != e.output) {
      e.portability.push_back(fmt::format(
          "ONNX Runtime's pools compute the SAME padding from k = {}, not ke = {}, and give {}", r.kernel,
          e.effectiveKernel, *ort));
    }
  }
  if (r.padding == ExplainPadding::kNotSet && (r.padBegin > 0 || r.padEnd > 0)) {
    const int64_t largest = std::max(r.padBegin, r.padEnd);
    if (largest >= r.kernel) {
      e.portability.push_back(fmt::format(
          "ONNX Runtime's pools reject a pad ({}) not smaller than the kernel ({}); the ONNX spec allows it", largest,
          r.kernel));
    } else if (largest > r.kernel / 2) {
      e.portability.push_back(
          fmt::format("PyTorch's pools require pad <= k/2 = {}; this pad is {}", r.kernel / 2, largest));
    }
  }
  if (r.ceilMode && r.padding == ExplainPadding::kValid) {
    std::optional<window::AxisFacts> floorFacts = window::convAxis(r.input, w);
    if (floorFacts && floorFacts->output != e.output) {
      e.portability.push_back(fmt::format(
          "the ONNX spec's VALID formula ignores ceil_mode and gives {}; PyTorch and ONNX Runtime apply ceil_mode ({})",
          floorFacts->output, e.output));
    }
  }
}

void explainDirect(Explanation& e) {
  const ExplainRequest& r = e.request;
  const window::AxisWindow w = axisWindow(r);
  const window::AxisFacts f = [&] {
    std::optional<window::AxisFacts> facts = directAxis(r, r.input, w);
    if (!facts) throw tooLarge(window::overflowingStep(r.input, w));
    return *facts;
  }();
  e.output = f.output;
  e.fits = f.output >= 1;
  e.relationship = relationship(f.relationship);
  e.formula = f.formula();
  e.effectiveKernel = f.effectiveKernel;
  e.padBegin = f.padBegin;
  e.padEnd = f.padEnd;
  e.minInput = f.minInput;
  e.remainder = f.remainder;

  if (isSame(r.padding)) {
    e.sameTotalPad = f.padBegin + f.padEnd;
    std::optional<window::AxisFacts> resolved = directAxis(r, r.input, explicitWindow(w, f.padBegin, f.padEnd));
    if (resolved && resolved->output == f.output) {
      e.resolvedRelationship = relationship(resolved->relationship);
      e.resolvedFormula = resolved->formula();
    }
  }

  if (f.legacyOutput != f.output) {
    e.legacyOutput = f.legacyOutput;
    e.legacyFormula = fmt::format("o = ceil((i + pb + pe - {})/s) + 1 = ceil(({} + {} + {} - {})/{}) + 1 = {}",
                                  r.dilation == 1 ? "k" : "ke", r.input, f.padBegin, f.padEnd, f.effectiveKernel,
                                  r.stride, f.legacyOutput);
  }

  setCoverage(e, r.input, f.output, e.legacyOutput.value_or(f.output));
  directPortability(e, w);
  if (!e.fits) return;

  e.sameFrom = f.sameOutputFrom;
  e.sameTo = f.sameOutputTo;
  if (e.sameFrom > 0) {
    std::optional<window::AxisFacts> below = directAxis(r, e.sameFrom - 1, w);
    if (below) e.belowOutput = below->output;
  }
  if (std::optional<int64_t> next = checkedAdd(e.sameTo, 1)) {
    std::optional<window::AxisFacts> above = directAxis(r, *next, w);
    if (above) e.aboveOutput = above->output;
  }

  const std::string k = r.dilation == 1 ? "k" : "ke";
  if (isSame(r.padding)) {
    std::optional<window::TransposeAxisFacts> t = window::convTransposeAxis(e.output, {w, 0, std::nullopt});
    if (t) {
      e.sameTransposeOutput = t->output;
      e.sameTransposeFormula = t->formula;
    }
    return;
  }
  // With ceil_mode the last window may overhang, so a is no longer a remainder.
  e.transposeFormula =
      r.ceilMode ? fmt::format("o' = s(o - 1) + a + {0} - pb - pe, with output_padding a = i + pb + pe - {0} - s(o - 1)", k)
                 : fmt::format("o' = s(o - 1) + a + {0} - pb - pe, with output_padding a = (i + pb + pe - {0}) mod s", k);
  for (int64_t input : listedInputs(e.sameFrom, e.sameTo, r.input, e.restoresTruncated)) {
    Restore restore = restoreFor(e, w, input, e.output);
    restore.current = input == r.input;
    e.restores.push_back(std::move(restore));
  }
}

void explainTranspose(Explanation& e) {
  const ExplainRequest& r = e.request;
  const window::AxisWindow w = axisWindow(r);
  const window::TransposeAxisWindow tw{w, r.outputPadding, r.outputShape};
  std::optional<window::TransposeAxisFacts> facts = window::convTransposeAxis(r.input, tw);
  if (!facts) throw tooLarge(window::overflowingStep(r.input, tw));
  const window::TransposeAxisFacts& f = *facts;
  e.output = f.output;
  e.fits = f.output >= 1;
  e.relationship = relationship(f.relationship);
  e.formula = primed(f.formula);
  e.effectiveKernel = f.effectiveKernel;
  e.padBegin = f.padBegin;
  e.padEnd = f.padEnd;
  e.naturalOutput = f.naturalOutput;
  e.maxReachableOutput = f.maxReachableOutput;
  // o' >= 1: s(i' - 1) + a + ke - pb - pe >= 1.
  const int64_t shortfall =
      need(checkedSub(need(checkedAdd(1, need(checkedAdd(f.padBegin, f.padEnd)))),
                      need(checkedAdd(r.outputPadding, f.effectiveKernel))));
  e.minInput = std::max<int64_t>(1, ir::ceilDiv(shortfall, r.stride) + 1);

  if (r.outputShape) {
    check(*r.outputShape <= f.maxReachableOutput,
          fmt::format("--output-shape {} is unreachable: the natural size is s(i' - 1) + a + ke = {}, and no runtime "
                      "goes past natural + max(s, d) - 1 = {}",
                      *r.outputShape, f.naturalOutput, f.maxReachableOutput));
    if (*r.outputShape > f.naturalOutput) {
      e.portability.push_back(fmt::format(
          "output_shape {} is above the natural size {}: PyTorch reaches it (up to {}) by choosing output_padding; "
          "ONNX Runtime 1.30 rejects it; older ONNX Runtime releases clamp the pads to 0",
          *r.outputShape, f.naturalOutput, f.maxReachableOutput));
    }
  }
  if (r.outputShape || isSame(r.padding)) {
    e.sameTotalPad = need(checkedSub(f.naturalOutput, f.output));
    if (*e.sameTotalPad >= 0) {
      std::optional<window::TransposeAxisFacts> resolved =
          window::convTransposeAxis(r.input, {explicitWindow(w, f.padBegin, f.padEnd), r.outputPadding, std::nullopt});
      if (resolved && resolved->output == f.output) {
        e.resolvedRelationship = relationship(resolved->relationship);
        e.resolvedFormula = primed(resolved->formula);
      }
    }
  }
  if (isSame(r.padding) && !r.outputShape) {
    const std::optional<int64_t> legacy = window::legacySameTransposeOutput(r.input, tw);
    if (*e.sameTotalPad < 0) {
      e.portability.push_back(fmt::format(
          "the SAME total padding would be negative ({}): the spec says o = i * s = {}, ONNX Runtime gives the "
          "natural size {}",
          *e.sameTotalPad, f.output, f.naturalOutput));
    } else if (legacy && *legacy != f.output) {
      e.portability.push_back(fmt::format(
          "ONNX 1.12's inference takes total padding max(0, ke - s) and gives {}, not i * s = {}", *legacy, f.output));
    }
    if (*e.sameTotalPad > 0 && *e.sameTotalPad % 2 == 1) {
      e.portability.push_back(
          "the total padding is odd: ONNX Runtime up to 1.12 put the extra one at the other end for SAME_UPPER "
          "(microsoft/onnxruntime #9370)");
    }
    if (r.outputPadding != 0) {
      e.portability.push_back("ONNX Runtime absorbs output_padding into the SAME pads; ONNX 1.12 adds it to i * s");
    }
  }

  if (!e.fits) {
    e.paddedSize = need(checkedAdd(f.output, need(checkedAdd(f.padBegin, f.padEnd))));
    return;
  }
  // The direct conv with the resolved pads, fed o', gives i' (or close to it).
  const window::AxisWindow direct = explicitWindow(w, f.padBegin, f.padEnd);
  std::optional<window::AxisFacts> d = window::convAxis(f.output, direct);
  if (!d) throw kTooLarge;
  e.directOutput = d->output;
  e.directFormula = d->formula();
  e.directRelationship = relationship(d->relationship);
  e.remainder = d->remainder;
  setCoverage(e, f.output, r.input, r.input);
  if (d->output != r.input) return;
  e.sameFrom = d->sameOutputFrom;
  e.sameTo = d->sameOutputTo;
  if (r.outputShape || isSame(r.padding)) return;
  e.transposeFormula = fmt::format("o' = s(i' - 1) + a + {} - pb - pe", r.dilation == 1 ? "k" : "ke");
  for (int64_t input : listedInputs(e.sameFrom, e.sameTo, f.output, e.restoresTruncated)) {
    Restore restore = restoreFor(e, direct, input, r.input);
    restore.current = input == f.output;
    e.restores.push_back(std::move(restore));
  }
}

}  // namespace

std::variant<Explanation, ExplainError> explain(const ExplainRequest& request) {
  try {
    validate(request);
    Explanation e;
    e.request = request;
    if (request.op == ExplainOp::kConvTranspose) explainTranspose(e);
    else explainDirect(e);
    return e;
  } catch (const Invalid& invalid) {
    return ExplainError{invalid.message};
  }
}

}  // namespace shapelint::passes
