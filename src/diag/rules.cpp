#include "shapelint/diag/rules.h"

#include <array>

namespace shapelint::diag {

std::string_view severityName(Severity s) {
  switch (s) {
    case Severity::kNote: return "note";
    case Severity::kWarning: return "warning";
    case Severity::kError: return "error";
  }
  return "error";
}

std::optional<Severity> parseSeverity(std::string_view s) {
  if (s == "note") return Severity::kNote;
  if (s == "warning") return Severity::kWarning;
  if (s == "error") return Severity::kError;
  return std::nullopt;
}

namespace {

// The rule table. Order follows RuleId; codes and names never change once
// released. SL0xx: the checker itself; SL1xx: shapes that must agree;
// SL2xx: convolution and pooling arithmetic; SL3xx: attribute validity.
const std::vector<Rule>& table() {
  static const std::vector<Rule> rules = {
      {RuleId::kUnsupportedOp, "SL001", "unsupported-op", Severity::kNote,
       "An operator has no shape function in shapelint, so its outputs are unknown."},
      {RuleId::kInputShapeUnused, "SL002", "input-shape-unused", Severity::kNote,
       "An --input-shape names a graph input that this model does not have."},
      {RuleId::kMalformedNode, "SL003", "malformed-node", Severity::kError,
       "A node's inputs do not fit its operator's definition (count, rank or element type)."},
      {RuleId::kDeclaredShapeMismatch, "SL101", "declared-shape-mismatch", Severity::kError,
       "A shape the model declares contradicts the shape its operators produce."},
      {RuleId::kIncompatibleMerge, "SL102", "incompatible-merge", Severity::kError,
       "Tensors combined by broadcasting or concatenation have sizes that cannot agree."},
      {RuleId::kConvChannelMismatch, "SL201", "conv-channel-mismatch", Severity::kError,
       "A convolution's input channels do not match its weight's channels times group."},
      {RuleId::kNonPositiveOutput, "SL202", "non-positive-output", Severity::kError,
       "A window operator's kernel is larger than its padded input, so its output size is below 1."},
      {RuleId::kInvalidAttribute, "SL301", "invalid-attribute", Severity::kError,
       "An operator attribute has a value its operator forbids (stride 0, negative pads, wrong length)."},
  };
  return rules;
}

}  // namespace

const Rule& rule(RuleId id) { return table()[static_cast<size_t>(id)]; }

const std::vector<Rule>& allRules() { return table(); }

const Rule* findRule(std::string_view codeOrName) {
  for (const Rule& r : table())
    if (r.code == codeOrName || r.name == codeOrName) return &r;
  return nullptr;
}

}  // namespace shapelint::diag
