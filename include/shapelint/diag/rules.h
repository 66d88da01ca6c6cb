// The rule table: the one source of every rule's code, name, default
// severity and summary. Codes and names are a contract (JSON output, CI
// configs): once released they never change; new rules are only added.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace shapelint::diag {

enum class Severity { kNote = 0, kWarning = 1, kError = 2 };

std::string_view severityName(Severity s);  // "note", "warning", "error"
std::optional<Severity> parseSeverity(std::string_view s);

enum class RuleId {
  kUnsupportedOp,
  kInputShapeUnused,
  kMalformedNode,
  kDeclaredShapeMismatch,
  kIncompatibleMerge,
  kConvChannelMismatch,
  kNonPositiveOutput,
  kInvalidAttribute,
  kAbsurdDim,
  kBiasLengthMismatch,
  kFloorTruncation,
  kOutputPaddingOutOfRange,
  kUnreachableOutputShape,
  kCeilModePortability,
  kSameWithDilation,
  kConvTransposeSameOutputPadding,
  kOddSamePaddingSplit,
  kPoolPadsNotSmallerThanKernel,
  kOutputShapePortability,
  kPossibleMergeMismatch,
  kIndivisibleDim,
  kRestrictedInputSize,
  kNoValidInputSize,
  kCount_,
};

struct Rule {
  RuleId id;
  std::string_view code;     // stable code, e.g. "SL101"
  std::string_view name;     // kebab-case name of the pattern, e.g. "declared-shape-mismatch"
  Severity severity;         // default severity
  std::string_view summary;  // one line, the first sentence of the doc
};

const Rule& rule(RuleId id);
const std::vector<Rule>& allRules();
// Looks a rule up by code ("SL101") or name ("declared-shape-mismatch").
const Rule* findRule(std::string_view codeOrName);

}  // namespace shapelint::diag
