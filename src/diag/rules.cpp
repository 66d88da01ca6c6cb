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
// SL2xx: convolution and pooling arithmetic; SL3xx: attribute validity;
// SL4xx: portability (runtimes that compute another size or reject the node).
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
      {RuleId::kAbsurdDim, "SL004", "absurd-dim", Severity::kError,
       "A dim is negative, or a shape computation overflows int64."},
      {RuleId::kBiasLengthMismatch, "SL203", "bias-length-mismatch", Severity::kError,
       "A convolution's bias does not have one value per output channel."},
      {RuleId::kFloorTruncation, "SL204", "floor-truncation", Severity::kWarning,
       "A strided window operator never reads the last rows of its input, more of them than the gap it skips "
       "between placements."},
      {RuleId::kOutputPaddingOutOfRange, "SL205", "output-padding-out-of-range", Severity::kError,
       "A ConvTranspose's output_padding is outside 0 to max(stride, dilation) - 1."},
      {RuleId::kUnreachableOutputShape, "SL206", "unreachable-output-shape", Severity::kError,
       "A ConvTranspose's output_shape is larger than any output_padding can reach."},
      {RuleId::kCeilModePortability, "SL401", "ceil-mode-portability", Severity::kWarning,
       "A pool with ceil_mode has another output size in ONNX 1.12 and older ONNX Runtime releases than in the "
       "current ONNX spec, PyTorch and ONNX Runtime 1.30."},
      {RuleId::kSameWithDilation, "SL402", "same-with-dilation", Severity::kWarning,
       "A window operator combines auto_pad SAME_UPPER or SAME_LOWER with a dilation above 1, which ONNX Runtime "
       "rejects (Conv) or pads for the undilated kernel (pools)."},
      {RuleId::kConvTransposeSameOutputPadding, "SL403", "convtranspose-same-output-padding", Severity::kWarning,
       "A ConvTranspose with auto_pad SAME_UPPER or SAME_LOWER has an output size that ONNX 1.12 or ONNX Runtime "
       "computes differently from the spec's input times stride."},
      {RuleId::kOddSamePaddingSplit, "SL404", "odd-same-padding-split", Severity::kNote,
       "An auto_pad SAME_UPPER or SAME_LOWER axis has an odd total padding, whose extra row runtimes and versions "
       "have put on different sides."},
      {RuleId::kPoolPadsNotSmallerThanKernel, "SL405", "pool-pads-not-smaller-than-kernel", Severity::kWarning,
       "A pool's pad is not smaller than its kernel (ONNX Runtime rejects it) or more than half of it (PyTorch "
       "rejects it)."},
      {RuleId::kOutputShapePortability, "SL406", "output-shape-portability", Severity::kWarning,
       "A ConvTranspose's output_shape lies beyond the natural output size, which PyTorch reaches with "
       "output_padding but ONNX Runtime 1.30 rejects."},
      {RuleId::kPossibleMergeMismatch, "SL103", "possible-merge-mismatch", Severity::kWarning,
       "Tensors combined by broadcasting, concatenation, matrix product or reshape have symbolic sizes that agree "
       "only for some input sizes."},
      {RuleId::kIndivisibleDim, "SL207", "indivisible-dim", Severity::kError,
       "A dim must be divisible by a block size, a split count or the rest of a reshape, and is not."},
      {RuleId::kRestrictedInputSize, "SL104", "restricted-input-size", Severity::kWarning,
       "A symbolic input dim runs the model only at some sizes, and common sizes (multiples of 8 from 32 to 1024) "
       "are not among them."},
      {RuleId::kNoValidInputSize, "SL105", "no-valid-input-size", Severity::kError,
       "A symbolic input dim has no size at which the model runs: its size constraints exclude each other."},
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
