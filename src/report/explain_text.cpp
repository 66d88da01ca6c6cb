// `shapelint explain` as text: formats a passes::Explanation, computes nothing.
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "shapelint/explain.h"

namespace shapelint::report {
namespace {

using passes::CellKind;
using passes::Diagram;
using passes::ExplainOp;
using passes::ExplainPadding;
using passes::Explanation;
using passes::ExplainRequest;

std::string_view onnxName(ExplainOp op) {
  switch (op) {
    case ExplainOp::kConv: return "Conv";
    case ExplainOp::kConvTranspose: return "ConvTranspose";
    case ExplainOp::kMaxPool: return "MaxPool";
    case ExplainOp::kAveragePool: return "AveragePool";
  }
  return "Conv";
}

bool isSame(ExplainPadding p) { return p == ExplainPadding::kSameUpper || p == ExplainPadding::kSameLower; }

// "k" or "ke" in formulas, as window.h writes them.
std::string kernelSymbol(const ExplainRequest& r) { return r.dilation == 1 ? "k" : "ke"; }

std::string plural(int64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// Prose wrapped at kWidth columns, every line indented by `indent` spaces.
constexpr size_t kWidth = 100;

// Words joined by " = " stay on one line ("pb = 1").
std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  bool glueNext = false;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    const bool equals = word == "=";
    if ((equals || glueNext) && !out.empty()) {
      out.back() += " " + word;
    } else {
      out.push_back(std::move(word));
    }
    glueNext = equals;
  }
  return out;
}

std::string wrap(const std::string& text, size_t indent = 2) {
  std::string out;
  std::string line(indent, ' ');
  bool empty = true;
  for (const std::string& word : words(text)) {
    if (!empty && line.size() + 1 + word.size() > kWidth) {
      out += line + "\n";
      line = std::string(indent, ' ');
      empty = true;
    }
    if (!empty) line += ' ';
    line += word;
    empty = false;
  }
  if (!empty) out += line + "\n";
  return out;
}

// A formula on a line of its own, never wrapped.
std::string formulaLine(const std::string& formula) { return "    " + formula + "\n"; }

// "relationship 6 (any padding, any stride)", or the ONNX rule with no number.
std::string relationshipText(const passes::Relationship& rel) {
  return fmt::format("relationship {} ({})", rel.number, rel.setting);
}

// "Conv, one spatial axis: input i = 6, kernel k = 3, stride s = 2, pads pb = 1, pe = 1"
std::string header(const Explanation& e) {
  const ExplainRequest& r = e.request;
  const bool transpose = r.op == ExplainOp::kConvTranspose;
  std::vector<std::string> parts;
  parts.push_back(fmt::format("input {} = {}", transpose ? "i'" : "i", r.input));
  parts.push_back(fmt::format("kernel k = {}", r.kernel));
  parts.push_back(fmt::format("stride s = {}", r.stride));
  if (r.dilation != 1) parts.push_back(fmt::format("dilation d = {}", r.dilation));
  if (r.padding == ExplainPadding::kNotSet) {
    if (!r.outputShape) parts.push_back(fmt::format("pads pb = {}, pe = {}", r.padBegin, r.padEnd));
  } else {
    parts.push_back(fmt::format("auto_pad {}", passes::explainPaddingName(r.padding)));
  }
  if (transpose) parts.push_back(fmt::format("output_padding a = {}", r.outputPadding));
  if (r.outputShape) parts.push_back(fmt::format("output_shape O = {}", *r.outputShape));
  if (r.ceilMode) parts.push_back("ceil_mode 1");
  return fmt::format("{}, one spatial axis: {}\n", onnxName(r.op), fmt::join(parts, ", "));
}

// "ke = d(k - 1) + 1 = 2(3 - 1) + 1 = 5: 3 taps, 2 cells apart"
std::string dilationLine(const Explanation& e) {
  const ExplainRequest& r = e.request;
  return wrap(fmt::format("The effective kernel is ke = d(k - 1) + 1 = {}({} - 1) + 1 = {} cells: {} taps, {} apart.",
                          r.dilation, r.kernel, e.effectiveKernel, r.kernel, plural(r.dilation, "cell", "cells")));
}

// The SAME padding split: which side gets the extra one.
std::string samePadsLine(const Explanation& e) {
  const ExplainRequest& r = e.request;
  const int64_t total = *e.sameTotalPad;
  std::string split;
  if (total % 2 == 0) {
    split = fmt::format("{}, split equally: pb = {}, pe = {}.", total, e.padBegin, e.padEnd);
  } else {
    split = fmt::format("{}, odd: {} puts the extra one at the {}: pb = {}, pe = {}.", total,
                        passes::explainPaddingName(r.padding),
                        r.padding == ExplainPadding::kSameUpper ? "end" : "begin", e.padBegin, e.padEnd);
  }
  return wrap("The padding: total = max(0, (o - 1)s + " + kernelSymbol(r) + " - i) = " +
              fmt::format("max(0, ({} - 1){} + {} - {}) = ", e.output, r.stride, e.effectiveKernel, r.input) + split);
}

// --- the diagram ---------------------------------------------------------

constexpr size_t kLabelWidth = 14;

std::string label(const std::string& text) { return "  " + text + std::string(kLabelWidth - text.size(), ' '); }

std::string rstrip(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// One diagram row: a character per cell, separated by spaces.
std::string row(const std::string& name, const std::vector<char>& cells) {
  std::string line = label(name);
  for (size_t c = 0; c < cells.size(); ++c) {
    if (c > 0) line += ' ';
    line += cells[c];
  }
  return rstrip(line) + "\n";
}

std::string diagramText(const Explanation& e) {
  const Diagram& d = e.diagram;
  const ExplainRequest& r = e.request;
  const bool transpose = r.op == ExplainOp::kConvTranspose;
  const int64_t rows = transpose ? e.output : r.input;
  if (!d.shown) {
    if (d.cellCount != e.paddedSize) {
      return fmt::format("\nno diagram: it would be {} cells wide, more than {}\n", d.cellCount, Diagram::kMaxCells);
    }
    return fmt::format("\nno diagram: the padded {} has {} cells, more than {}\n", transpose ? "output" : "input",
                       d.cellCount, Diagram::kMaxCells);
  }
  const bool digits = rows <= 10;
  const size_t n = static_cast<size_t>(d.cellCount);
  const auto has = [&](CellKind kind) { return std::find(d.cells.begin(), d.cells.end(), kind) != d.cells.end(); };
  const bool gaps = r.dilation > 1 && r.kernel > 1;
  const bool legacy = std::any_of(d.placements.begin(), d.placements.end(),
                                  [](const passes::Placement& p) { return p.legacyOnly; });

  std::string out;
  if (d.kernelDoesNotFit) {
    out += fmt::format("\nthe kernel at the left edge of the padded {}:\n", transpose ? "output" : "input");
  } else if (transpose) {
    out += "\nwhere each input element goes: it writes k cells, s apart, and the pads are cropped:\n";
  } else {
    out += "\nkernel placements over the padded input:\n";
  }
  // The legend: only the symbols that appear.
  std::vector<std::string> legend;
  if (has(CellKind::kPadding)) legend.push_back(transpose ? "'.' a cropped pad" : "'.' padding");
  legend.push_back(fmt::format("{} the {} rows", digits ? "digits" : "'x'", transpose ? "output" : "input"));
  legend.push_back(transpose ? "'#' a cell the input element writes" : "'#' a cell the kernel covers");
  if (gaps) legend.push_back("'-' a cell the dilation skips");
  if (has(CellKind::kDropped)) {
    legend.push_back(transpose ? "'!' an output row no input element writes (it holds the bias only)"
                               : "'!' an input row no placement covers");
  }
  if (legacy) legend.push_back("'*' a window only ONNX 1.12 and older ONNX Runtime place");
  out += wrap(fmt::format("{}", fmt::join(legend, ", ")));

  if (!digits) {
    // Row numbers above every tenth row.
    std::string ruler = label(transpose ? "output row" : "input row");
    for (int64_t row0 = 0; row0 < rows; row0 += 10) {
      const size_t column = kLabelWidth + 2 + 2 * static_cast<size_t>(d.firstReal + row0);
      if (ruler.size() < column) ruler += std::string(column - ruler.size(), ' ');
      ruler += std::to_string(row0);
    }
    out += ruler + "\n";
  }
  std::vector<char> top(n, ' ');
  for (size_t c = 0; c < n; ++c) {
    const int64_t index = static_cast<int64_t>(c) - d.firstReal;
    switch (d.cells[c]) {
      case CellKind::kPadding: top[c] = '.'; break;
      case CellKind::kReal: top[c] = digits ? static_cast<char>('0' + index) : 'x'; break;
      case CellKind::kDropped: top[c] = '!'; break;
      case CellKind::kBeyond: top[c] = ' '; break;
    }
  }
  out += row(transpose ? "padded output" : "padded input", top);

  for (size_t j = 0; j < d.placements.size(); ++j) {
    const passes::Placement& p = d.placements[j];
    std::vector<char> cells(n, ' ');
    for (int64_t t = 0; t < d.kernel; ++t) {
      const int64_t c = p.start + t * d.dilation;
      cells[static_cast<size_t>(c)] = '#';
      if (t + 1 < d.kernel) {
        for (int64_t g = c + 1; g < c + d.dilation; ++g) cells[static_cast<size_t>(g)] = '-';
      }
    }
    std::string name;
    if (d.kernelDoesNotFit) name = "the kernel";
    else if (transpose) name = fmt::format("input {}", j);
    else name = fmt::format("placement {}{}", j + 1, p.legacyOnly ? "*" : "");
    out += row(name, cells);
  }

  if (!d.kernelDoesNotFit && e.uncoveredCells > 0) {
    std::vector<char> marks(n, ' ');
    for (int64_t c = e.paddedSize - e.uncoveredCells; c < e.paddedSize; ++c) marks[static_cast<size_t>(c)] = '^';
    out += row(transpose ? "not written" : "not covered", marks);
  }
  return out;
}

// --- the output ------------------------------------------------------------

// How the placements are counted: the formula in words.
std::string countingText(const Explanation& e) {
  const ExplainRequest& r = e.request;
  const int64_t room = e.paddedSize - e.effectiveKernel;
  std::string text = fmt::format(
      "The kernel ({}) starts at the left edge of the padded input (pb + i + pe = {} cells) and moves {} at a "
      "time while it fits. After the first placement {} - {} = {} cells are left, ",
      plural(e.effectiveKernel, "cell", "cells"), e.paddedSize, plural(r.stride, "cell", "cells"), e.paddedSize,
      e.effectiveKernel, room);
  if (r.ceilMode) {
    text += fmt::format("and with ceil_mode a move into a window that only partly fits counts too, unless that "
                        "window would start in the end padding: {}, one per output element.",
                        plural(e.output, "placement", "placements"));
  } else {
    text += fmt::format("room for floor({}/{}) = {} more {}: {}, one per output element.", room, r.stride,
                        e.output - 1, e.output - 1 == 1 ? "move" : "moves", plural(e.output, "placement", "placements"));
  }
  return wrap(text);
}

std::string outputSection(const Explanation& e) {
  const ExplainRequest& r = e.request;
  const bool transpose = r.op == ExplainOp::kConvTranspose;
  const std::string o = transpose ? "o'" : "o";
  std::string out;
  if (!e.fits) {
    out += fmt::format("\nno output: {} = {}, below 1\n", o, e.output);
  } else if (e.legacyOutput) {
    out += fmt::format("\noutput {} = {} (the current ONNX spec, PyTorch, ONNX Runtime 1.30); {} in ONNX 1.12 and "
                       "older ONNX Runtime\n",
                       o, e.output, *e.legacyOutput);
  } else {
    out += fmt::format("\noutput {} = {}\n", o, e.output);
  }
  if (e.relationship.number != 0) {
    out += fmt::format("  {}{}:\n", relationshipText(e.relationship), r.ceilMode ? ", with ceil_mode" : "");
  } else if (isSame(r.padding) && !r.outputShape) {
    out += fmt::format("  auto_pad {}, an ONNX rule with no number in the guide:\n",
                       passes::explainPaddingName(r.padding));
  } else {
    out += "  output_shape, an ONNX rule with no number in the guide:\n";
  }
  out += formulaLine(e.formula);
  if (e.legacyOutput) {
    out += "  ONNX 1.12 and older ONNX Runtime round up with no correction:\n" + formulaLine(e.legacyFormula);
  }
  if (r.dilation != 1) out += dilationLine(e);
  if (r.padding == ExplainPadding::kValid) out += "  auto_pad VALID: no padding, pb = pe = 0.\n";

  if (transpose) {
    if (e.sameTotalPad) {
      if (*e.sameTotalPad >= 0) {
        out += wrap(fmt::format("The padding: total = s(i' - 1) + a + {} - o' = {} - {} = {}, split pb = {}, pe = {}{}.",
                                kernelSymbol(r), e.naturalOutput, e.output, *e.sameTotalPad, e.padBegin, e.padEnd,
                                r.padding == ExplainPadding::kSameUpper ? " (SAME_UPPER: the larger half at the end)"
                                                                        : " (the larger half at the begin)"));
      } else {
        out += wrap(fmt::format("The padding: total = {} - {} = {} is negative: no pads, and the output is {} longer "
                                "than the natural size.",
                                e.naturalOutput, e.output, *e.sameTotalPad,
                                plural(-*e.sameTotalPad, "cell", "cells")));
      }
      if (!e.resolvedFormula.empty()) {
        out += fmt::format("  with those pads, {}:\n", relationshipText(e.resolvedRelationship)) +
               formulaLine(e.resolvedFormula);
      }
    }
    out += wrap(fmt::format("The natural size, nothing cropped: s(i' - 1) + a + {} = {}({} - 1) + {} + {} = {}.",
                            kernelSymbol(r), r.stride, r.input, r.outputPadding, e.effectiveKernel, e.naturalOutput));
  }
  if (transpose && e.fits) {
    std::string beyond;
    if (e.maxReachableOutput == e.naturalOutput + 1) {
      beyond = fmt::format("{} only in PyTorch", e.maxReachableOutput);
    } else if (e.maxReachableOutput > e.naturalOutput) {
      beyond = fmt::format("{} to {} only in PyTorch", e.naturalOutput + 1, e.maxReachableOutput);
    }
    out += wrap(fmt::format("An output_shape O up to {} is reached by deriving the pads from it{} (natural + max(s, "
                            "d) - 1 = {}); ONNX Runtime 1.30 rejects anything above {}.",
                            e.naturalOutput, beyond.empty() ? "" : "; " + beyond, e.maxReachableOutput,
                            e.naturalOutput));
  }
  if (!transpose) {
    if (e.sameTotalPad) {
      out += samePadsLine(e);
      if (!e.resolvedFormula.empty()) {
        out += fmt::format("  with those pads, {}:\n", relationshipText(e.resolvedRelationship)) +
               formulaLine(e.resolvedFormula);
      }
    }
    if (e.fits) out += countingText(e);
  }
  if (!e.fits) {
    if (transpose) {
      out += wrap(fmt::format("The pads crop more than the {} the input elements write. The smallest input that "
                              "works is {}.",
                              plural(e.naturalOutput, "cell", "cells"), e.minInput));
    } else {
      out += wrap(fmt::format("The kernel spans {} but the padded input has only {} (pb + i + pe = {} + {} + {}): "
                              "not one placement fits. The smallest input that works is {}.",
                              plural(e.effectiveKernel, "cell", "cells"), plural(e.paddedSize, "cell", "cells"),
                              e.padBegin, r.input, e.padEnd, e.minInput));
    }
  }
  return out;
}

// "Inputs 5 and 6 both give 3"
std::string sameSetText(int64_t from, int64_t to, int64_t output) {
  const uint64_t count = static_cast<uint64_t>(to) - static_cast<uint64_t>(from) + 1;
  if (count == 1) return fmt::format("Only input {} gives {}", from, output);
  if (count == 2) return fmt::format("Inputs {} and {} both give {}", from, to, output);
  if (count <= 5) {
    std::vector<std::string> sizes;
    for (int64_t i = from; i < to; ++i) sizes.push_back(std::to_string(i));
    return fmt::format("Inputs {} and {} all give {}", fmt::join(sizes, ", "), to, output);
  }
  return fmt::format("The {} inputs from {} to {} all give {}", count, from, to, output);
}

std::string neighbourText(int64_t size, int64_t output) {
  if (output < 1) return fmt::format("{} gives none", size);
  return fmt::format("{} gives {}", size, output);
}

// What the cells after the last placement are: padding, dropped rows, and
// whether the loss exceeds the regular gap.
std::string leftoverText(const Explanation& e) {
  const ExplainRequest& r = e.request;
  const int64_t padding = e.uncoveredCells - e.droppedRows;
  if (e.droppedRows == 0) {
    return e.uncoveredCells == 1 ? "That cell is padding: no input row is lost."
                                 : "Those cells are padding: no input row is lost.";
  }
  const int64_t first = r.input - e.droppedRows;
  const std::string which =
      e.droppedRows == 1 ? fmt::format("input row {}", first) : fmt::format("input rows {} to {}", first, r.input - 1);
  std::string text;
  if (padding == 0) {
    text = fmt::format("{} {}, which {} dropped: the output never sees {}.", e.uncoveredCells == 1 ? "It is" : "They are",
                       which, e.droppedRows == 1 ? "is" : "are", e.droppedRows == 1 ? "it" : "them");
  } else {
    text = fmt::format("Of those, {} {} padding and {} ({}) {} dropped: the output never sees {}.",
                       plural(padding, "cell", "cells"), padding == 1 ? "is" : "are",
                       plural(e.droppedRows, "is an input row", "are input rows"), which,
                       e.droppedRows == 1 ? "which is" : "which are", e.droppedRows == 1 ? "it" : "them");
  }
  const std::string k = kernelSymbol(r);
  if (e.lossExceedsGap) {
    text += fmt::format(" That is more than the regular gap between placements, max(0, s - {}) = {}: data is lost "
                        "that the stride alone would not skip (the floor-truncation rule of thumb).",
                        k, e.regularGap);
  } else {
    text += fmt::format(" That is no more than the regular gap between placements, max(0, s - {}) = {}: the stride "
                        "skips as many rows between placements anyway.",
                        k, e.regularGap);
  }
  return text;
}

// The floor (or the ceiling) of a conv or pool, and the inputs sharing the output.
std::string floorSection(const Explanation& e) {
  const ExplainRequest& r = e.request;
  const std::string k = kernelSymbol(r);
  std::string out;
  if (r.ceilMode) {
    out += "\nthe ceiling (ceil_mode):\n";
    if (e.overhangCells > 0) {
      out += wrap(fmt::format("The last placement hangs {} past the end of the padded input; the pool ignores {}.",
                              plural(e.overhangCells, "cell", "cells"), e.overhangCells == 1 ? "it" : "them"));
    }
    if (e.uncoveredCells > 0) {
      out += wrap(fmt::format("{} of the padded input {} covered by no placement. {}",
                              e.uncoveredCells == 1 ? std::string("The last cell")
                                                    : fmt::format("The last {} cells", e.uncoveredCells),
                              e.uncoveredCells == 1 ? "is" : "are", leftoverText(e)));
    }
  } else {
    const int64_t room = e.paddedSize - e.effectiveKernel;
    out += fmt::format("\nthe floor: r = (i + pb + pe - {}) mod s = ({} + {} + {} - {}) mod {} = {} mod {} = {}\n", k,
                       r.input, e.padBegin, e.padEnd, e.effectiveKernel, r.stride, room, r.stride, e.remainder);
    if (r.stride == 1) {
      out += wrap("Stride 1: the kernel stops at every position, nothing is rounded down.");
    } else if (e.remainder == 0) {
      out += wrap(fmt::format("{} is a multiple of s = {}: the last placement ends exactly at the right edge, "
                              "nothing is left over.",
                              room, r.stride));
    } else {
      out += wrap(fmt::format("After the last placement {} left over, fewer than the s = {} a next placement "
                              "needs, so the division rounds down. {}",
                              plural(e.remainder, "cell is", "cells are"), r.stride, leftoverText(e)));
    }
  }
  std::string how;
  if (isSame(r.padding)) {
    how = fmt::format(": every i from (o - 1)s + 1 = {} to o * s = {}, as the SAME pads adapt", e.sameFrom, e.sameTo);
  } else if (!r.ceilMode && r.stride > 1) {
    how = fmt::format(": every i from (o - 1)s + {} - pb - pe = {} to that + s - 1 = {}", k, e.sameFrom, e.sameTo);
  }
  std::vector<std::string> neighbours;
  if (e.belowOutput) neighbours.push_back(neighbourText(e.sameFrom - 1, *e.belowOutput));
  if (e.aboveOutput) neighbours.push_back(neighbourText(e.sameTo + 1, *e.aboveOutput));
  std::string text = sameSetText(e.sameFrom, e.sameTo, e.output) + how;
  if (!neighbours.empty()) text += fmt::format(" ({})", fmt::join(neighbours, ", "));
  return out + wrap(text + ".");
}

// The restores list: one line each, "…" where sizes are skipped.
std::string restoreLines(const Explanation& e, bool transpose) {
  std::string out;
  for (size_t j = 0; j < e.restores.size(); ++j) {
    const passes::Restore& restore = e.restores[j];
    if (j > 0 && restore.input != e.restores[j - 1].input + 1) out += "    …\n";
    const std::string mark = restore.current ? (transpose ? "   <- this layer" : "   <- this input") : "";
    if (transpose) {
      out += fmt::format("    output_padding {} restores {}: o' = {}{}\n", restore.outputPadding, restore.input,
                         restore.formula, mark);
    } else if (restore.reachable) {
      out += fmt::format("    to restore {}: output_padding {}, o' = {}{}\n", restore.input, restore.outputPadding,
                         restore.formula, mark);
    } else {
      out += fmt::format("    to restore {}: no output_padding does (a would be {}, outside 0 <= a < max(s, d)); "
                         "give output_shape {}{}\n",
                         restore.input, restore.outputPadding, restore.input, mark);
    }
  }
  return out;
}

std::string restoreSection(const Explanation& e) {
  const ExplainRequest& r = e.request;
  std::string out = "\nback to the input size with a ConvTranspose of the same k, s and pads:\n";
  if (e.sameTransposeOutput) {
    std::string text = fmt::format("With auto_pad {} it gives o' = i' * s = {} * {} = {}: it restores {} only",
                                   passes::explainPaddingName(r.padding), e.output, r.stride, *e.sameTransposeOutput,
                                   *e.sameTransposeOutput);
    if (r.input != *e.sameTransposeOutput) text += fmt::format("; for {}, give it output_shape {}", r.input, r.input);
    return out + wrap(text + ".");
  }
  out += fmt::format("  relationship 14: {}\n", e.transposeFormula);
  return out + restoreLines(e, false);
}

std::string directConvSection(const Explanation& e) {
  const ExplainRequest& r = e.request;
  std::string out = fmt::format("\nthe direct conv it transposes: a Conv with the same k, s, d and pads {} + {}\n",
                                e.padBegin, e.padEnd);
  out += fmt::format("  {}, fed o' = {}:\n", relationshipText(e.directRelationship), e.output) +
         formulaLine(e.directFormula);
  if (e.directOutput != r.input) {
    return out + wrap(fmt::format("It gives {}, not i' = {}: this layer is not the exact inverse of that conv.",
                                  e.directOutput, r.input));
  }
  std::string text = sameSetText(e.sameFrom, e.sameTo, e.directOutput) + " there";
  if (e.sameFrom == e.sameTo) return out + wrap(text + ".");
  if (r.outputShape) return out + wrap(text + fmt::format("; output_shape picks {}.", e.output));
  if (isSame(r.padding)) {
    return out + wrap(text + fmt::format("; auto_pad {} picks {}.", passes::explainPaddingName(r.padding), e.output));
  }
  out += wrap(text + ", so the transposed conv must be told which one to restore: output_padding picks it "
                     "(relationship 14, " + e.transposeFormula + ").");
  return out + restoreLines(e, true);
}

std::string portabilitySection(const Explanation& e) {
  if (e.portability.empty()) return "";
  std::string out = "\nwhere runtimes disagree:\n";
  for (const std::string& p : e.portability) {
    std::string item = wrap(p, 4);
    item[2] = '-';
    out += item;
  }
  return out;
}

}  // namespace

std::string renderExplainText(const Explanation& e) {
  const bool transpose = e.request.op == ExplainOp::kConvTranspose;
  std::string out = header(e);
  out += outputSection(e);
  if (e.fits || !transpose) out += diagramText(e);
  if (e.fits) {
    if (transpose) {
      out += directConvSection(e);
    } else {
      out += floorSection(e);
      out += restoreSection(e);
    }
  }
  out += portabilitySection(e);
  return out;
}

}  // namespace shapelint::report
