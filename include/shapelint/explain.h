// `shapelint explain`: the window arithmetic of one spatial axis of Conv,
// ConvTranspose, MaxPool or AveragePool, spelled out for a reader.
//
// passes::explain() computes an Explanation from the window arithmetic the
// shape pass uses (src/passes/shape/window.h), so what explain prints is what
// check applies; report::renderExplainText() and renderExplainJson() format it
// and compute nothing. The command line only parses flags into an
// ExplainRequest.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace shapelint::passes {

enum class ExplainOp { kConv, kConvTranspose, kMaxPool, kAveragePool };

// auto_pad; kNotSet uses the explicit pads.
enum class ExplainPadding { kNotSet, kValid, kSameUpper, kSameLower };

// "conv", "convtranspose", "maxpool", "avgpool": the subcommand names.
// Inline, so the reporters need only this header, not the passes library.
inline std::string_view explainOpName(ExplainOp op) {
  switch (op) {
    case ExplainOp::kConv: return "conv";
    case ExplainOp::kConvTranspose: return "convtranspose";
    case ExplainOp::kMaxPool: return "maxpool";
    case ExplainOp::kAveragePool: return "avgpool";
  }
  return "conv";
}

// "NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER".
inline std::string_view explainPaddingName(ExplainPadding padding) {
  switch (padding) {
    case ExplainPadding::kNotSet: return "NOTSET";
    case ExplainPadding::kValid: return "VALID";
    case ExplainPadding::kSameUpper: return "SAME_UPPER";
    case ExplainPadding::kSameLower: return "SAME_LOWER";
  }
  return "NOTSET";
}

// One spatial axis of one op, as given on the command line.
struct ExplainRequest {
  ExplainOp op = ExplainOp::kConv;
  int64_t input = 0;  // i (i' for ConvTranspose)
  int64_t kernel = 1;
  int64_t stride = 1;
  int64_t dilation = 1;
  int64_t padBegin = 0;
  int64_t padEnd = 0;
  ExplainPadding padding = ExplainPadding::kNotSet;
  bool explicitPads = false;            // --pad or --pads was given
  int64_t outputPadding = 0;            // ConvTranspose only
  std::optional<int64_t> outputShape;   // ConvTranspose only
  bool ceilMode = false;                // pools only
};

// The guide's relationship: its number in conv-arithmetic.md (0: an ONNX rule
// the guide has no number for, such as auto_pad SAME) and its setting.
struct Relationship {
  int number = 0;
  std::string setting;  // "any padding, any stride"
};

// One input size of the direct conv (or pool) and the ConvTranspose with the
// same kernel, stride and pads that gives it back (relationship 14).
struct Restore {
  int64_t input = 0;                    // i, a size of the direct layer's input
  int64_t outputPadding = 0;            // a = i + pb + pe - ke - s(o - 1)
  bool reachable = false;               // 0 <= a < max(s, d): ONNX Runtime and PyTorch accept it
  bool current = false;                 // the requested input (conv, pools) or output_padding (ConvTranspose)
  std::string formula;                  // relationship 14's numbers: "2(3 - 1) + 1 + 3 - 1 - 1 = 6"
};

// What one cell of the diagram's top row holds, in padded coordinates.
enum class CellKind {
  kPadding,  // a begin or end pad
  kReal,     // an input row (ConvTranspose: an output row) some placement covers
  kDropped,  // a real row no placement covers (ConvTranspose: one no input element writes)
  kBeyond,   // past the end of the padded input, reached only by a ceil_mode window
};

struct Placement {
  int64_t start = 0;         // padded coordinate of the first tap
  bool legacyOnly = false;   // only ONNX 1.12 and older ONNX Runtime place this ceil_mode window
};

// The kernel placements over the padded input, for a diagram. Empty cells
// (shown = false) when it would be too wide to read.
struct Diagram {
  static constexpr int64_t kMaxCells = 40;
  bool shown = false;
  bool kernelDoesNotFit = false;  // one row: the kernel at the left edge, reaching past the end
  int64_t cellCount = 0;         // pb + i + pe (+ cells past the end reached by ceil_mode)
  std::vector<CellKind> cells;   // when shown
  int64_t firstReal = 0;         // padded coordinate of row 0 (pb)
  int64_t kernel = 1;            // taps per placement
  int64_t dilation = 1;          // distance between taps
  std::vector<Placement> placements;
};

struct Explanation {
  ExplainRequest request;

  // The output size and where it comes from.
  int64_t output = 0;             // o (o'), below 1 when the kernel does not fit
  bool fits = true;               // output >= 1
  Relationship relationship;
  std::string formula;            // "o = floor((i + pb + pe - k)/s) + 1 = floor((6 + 1 + 1 - 3)/2) + 1 = 3"
  int64_t effectiveKernel = 1;    // ke = d(k - 1) + 1
  int64_t padBegin = 0;           // resolved pads
  int64_t padEnd = 0;
  int64_t paddedSize = 0;         // pb + i + pe (ConvTranspose: pb + o' + pe)
  int64_t minInput = 0;           // the smallest input whose output is at least 1

  // auto_pad SAME: the total padding and, with pads resolved, the same size
  // by the floor formula (relationship and formula).
  std::optional<int64_t> sameTotalPad;
  Relationship resolvedRelationship;
  std::string resolvedFormula;

  // The floor (direct conv and pools; for ConvTranspose, of the direct conv it transposes).
  int64_t remainder = 0;          // r = (i + pb + pe - ke) mod s
  int64_t uncoveredCells = 0;     // padded cells after the last placement
  int64_t overhangCells = 0;      // ceil_mode: cells the last placement reaches past the padded input
  int64_t droppedRows = 0;        // of those, real rows
  int64_t regularGap = 0;         // max(0, s - ke): rows skipped between placements by design
  bool lossExceedsGap = false;    // droppedRows > regularGap: the floor-truncation rule of thumb
  int64_t sameFrom = 0;           // every input in [sameFrom, sameTo] gives `output`
  int64_t sameTo = 0;
  std::optional<int64_t> belowOutput;  // the output of sameFrom - 1, when sameFrom > 0
  std::optional<int64_t> aboveOutput;  // the output of sameTo + 1

  // Pools with ceil_mode: the ONNX 1.12 / older ONNX Runtime size.
  std::optional<int64_t> legacyOutput;  // set only when it differs from `output`
  std::string legacyFormula;

  // Conv and pools: the ConvTranspose with the same k, s and pads that gives
  // back each input of [sameFrom, sameTo] (at most kMaxRestores of them).
  static constexpr size_t kMaxRestores = 8;
  std::vector<Restore> restores;
  bool restoresTruncated = false;
  std::string transposeFormula;   // the relationship-14 formula with symbols
  // auto_pad SAME: a ConvTranspose with the same auto_pad gives o * s.
  std::optional<int64_t> sameTransposeOutput;
  std::string sameTransposeFormula;

  // ConvTranspose: the direct conv it transposes.
  int64_t naturalOutput = 0;      // s(i' - 1) + a + ke
  int64_t maxReachableOutput = 0; // natural + max(s, d) - 1
  int64_t directOutput = 0;       // what the direct conv gives for input o'
  std::string directFormula;
  Relationship directRelationship;

  std::vector<std::string> portability;  // where runtimes disagree, one sentence each
  Diagram diagram;
};

// Why a request cannot be explained: a sentence for "shapelint: error: ...".
struct ExplainError {
  std::string message;
};

// Validates the request and computes the explanation.
std::variant<Explanation, ExplainError> explain(const ExplainRequest& request);

}  // namespace shapelint::passes

namespace shapelint::report {

// The explanation as text for a reader, ending with a newline.
std::string renderExplainText(const passes::Explanation& explanation);

// The same facts as one JSON object.
std::string renderExplainJson(const passes::Explanation& explanation);

}  // namespace shapelint::report
