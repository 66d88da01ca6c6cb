// `shapelint explain --format json`: the facts of a passes::Explanation as
// one JSON object. Formatting only.
#include <string>

#include <nlohmann/json.hpp>

#include "shapelint/explain.h"

namespace shapelint::report {
namespace {

using nlohmann::ordered_json;
using passes::CellKind;
using passes::Explanation;

ordered_json relationshipJson(const passes::Relationship& r) {
  return ordered_json{{"number", r.number}, {"setting", r.setting}};
}

std::string cellName(CellKind kind) {
  switch (kind) {
    case CellKind::kPadding: return "padding";
    case CellKind::kReal: return "row";
    case CellKind::kDropped: return "dropped";
    case CellKind::kBeyond: return "beyond";
  }
  return "row";
}

}  // namespace

std::string renderExplainJson(const Explanation& e) {
  const passes::ExplainRequest& r = e.request;
  const bool transpose = r.op == passes::ExplainOp::kConvTranspose;
  ordered_json request{{"op", std::string(passes::explainOpName(r.op))},
                       {"input", r.input},
                       {"kernel", r.kernel},
                       {"stride", r.stride},
                       {"dilation", r.dilation},
                       {"pads", {r.padBegin, r.padEnd}},
                       {"auto_pad", std::string(passes::explainPaddingName(r.padding))}};
  if (transpose) {
    request["output_padding"] = r.outputPadding;
    request["output_shape"] = r.outputShape ? ordered_json(*r.outputShape) : ordered_json(nullptr);
  } else if (r.op != passes::ExplainOp::kConv) {
    request["ceil_mode"] = r.ceilMode;
  }

  ordered_json out{{"request", request},
                   {"output", e.output},
                   {"fits", e.fits},
                   {"relationship", relationshipJson(e.relationship)},
                   {"formula", e.formula},
                   {"effective_kernel", e.effectiveKernel},
                   {"pads", {e.padBegin, e.padEnd}},
                   {"padded_size", e.paddedSize},
                   {"min_input", e.minInput}};
  if (e.sameTotalPad) {
    out["total_pad"] = *e.sameTotalPad;
    if (!e.resolvedFormula.empty()) {
      out["resolved"] = {{"relationship", relationshipJson(e.resolvedRelationship)}, {"formula", e.resolvedFormula}};
    }
  }
  if (e.legacyOutput) out["legacy"] = {{"output", *e.legacyOutput}, {"formula", e.legacyFormula}};
  if (transpose) {
    out["natural_output"] = e.naturalOutput;
    out["max_reachable_output"] = e.maxReachableOutput;
    if (e.fits) {
      out["direct"] = {{"relationship", relationshipJson(e.directRelationship)},
                       {"formula", e.directFormula},
                       {"output", e.directOutput}};
    }
  }
  if (e.fits) {
    out["remainder"] = e.remainder;
    out["uncovered_cells"] = e.uncoveredCells;
    out["overhang_cells"] = e.overhangCells;
    out["dropped_rows"] = e.droppedRows;
    out["regular_gap"] = e.regularGap;
    out["loss_exceeds_gap"] = e.lossExceedsGap;
    out["same_output_inputs"] = {e.sameFrom, e.sameTo};
    ordered_json restores = ordered_json::array();
    for (const passes::Restore& restore : e.restores) {
      restores.push_back({{"input", restore.input},
                          {"output_padding", restore.outputPadding},
                          {"reachable", restore.reachable},
                          {"current", restore.current},
                          {"formula", restore.formula}});
    }
    out["restores"] = restores;
    out["restores_truncated"] = e.restoresTruncated;
    if (e.sameTransposeOutput) out["same_transpose_output"] = *e.sameTransposeOutput;
  }
  out["portability"] = e.portability;
  if (e.diagram.shown) {
    ordered_json cells = ordered_json::array();
    for (CellKind kind : e.diagram.cells) cells.push_back(cellName(kind));
    ordered_json starts = ordered_json::array();
    ordered_json legacyStarts = ordered_json::array();
    for (const passes::Placement& p : e.diagram.placements) (p.legacyOnly ? legacyStarts : starts).push_back(p.start);
    out["diagram"] = {{"cells", cells},
                      {"first_row", e.diagram.firstReal},
                      {"kernel", e.diagram.kernel},
                      {"dilation", e.diagram.dilation},
                      {"kernel_does_not_fit", e.diagram.kernelDoesNotFit},
                      {"placement_starts", starts},
                      {"legacy_placement_starts", legacyStarts}};
  } else {
    out["diagram"] = nullptr;
  }
  return out.dump(2) + "\n";
}

}  // namespace shapelint::report
