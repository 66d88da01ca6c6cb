// Recurrent layers: RNN, GRU, LSTM (opset 1, 7, 14, 22; layout since 14).
//   X: [seq, batch, input]  (layout 1: [batch, seq, input])
//   W: [num_directions, G * hidden, input], R: [num_directions, G * hidden, hidden]
//   Y: [seq, num_directions, batch, hidden]  (layout 1: [batch, seq, num_directions, hidden])
//   Y_h, Y_c: [num_directions, batch, hidden]  (layout 1: [batch, num_directions, hidden])
// with G = 1 (RNN), 3 (GRU), 4 (LSTM); num_directions is 2 for
// direction = "bidirectional", else 1.
#include <fmt/format.h>

#include "passes/shape/merge.h"
#include "passes/shape/misc_common.h"
#include "passes/shape/ops.h"
#include "passes/shape/ops_misc.h"
#include "shapelint/ir/expr.h"

namespace shapelint::passes::shape {
namespace {

void inferRecurrent(InferContext& ctx, int64_t gates) {
  if (!misc::requireInputs(ctx, 3) || !misc::requireRank(ctx, 0, 3, "X") || !misc::requireRank(ctx, 1, 3, "W") ||
      !misc::requireRank(ctx, 2, 3, "R"))
    return;
  const std::string direction = ctx.attrString("direction").value_or("forward");
  int64_t numDirections = 1;
  if (direction == "bidirectional") {
    numDirections = 2;
  } else if (direction != "forward" && direction != "reverse") {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("direction = '{}', expected 'forward', 'reverse' or 'bidirectional'", direction))
        .help("set direction to 'forward', 'reverse' or 'bidirectional'");
    return;
  }
  const int64_t layout = ctx.opset() >= 14 ? ctx.attrInt("layout", 0) : 0;
  if (!misc::checkAttrRange(ctx, "layout", layout, 0, 1)) return;
  const ir::Dim dirs = ir::Dim::value(numDirections);

  // hidden_size: the attribute, else R's last dim.
  ir::Dim hidden = misc::dimOf(ctx, 2, 2);
  if (std::optional<int64_t> h = ctx.attrInt("hidden_size")) {
    if (*h < 1) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("hidden_size = {}, expected at least 1", *h))
          .help("set hidden_size to the number of hidden units");
      return;
    }
    std::optional<ir::Dim> d = misc::mergeEqual(
        ctx, ir::Dim::value(*h), hidden, fmt::format("hidden_size and the last dim of R {}", describeInput(ctx, 2)));
    if (!d) return;
    hidden = *d;
  }
  // W and R: [num_directions, G * hidden, ...].
  for (size_t i : {size_t{1}, size_t{2}}) {
    const char* role = i == 1 ? "W" : "R";
    if (!misc::mergeEqual(ctx, misc::dimOf(ctx, i, 0), dirs,
                          fmt::format("axis 0 of {} {} and num_directions ({} for direction '{}')", role,
                                      describeInput(ctx, i), numDirections, direction)))
      return;
    if (std::optional<ir::Dim> gh = ir::mul(hidden, gates)) {
      if (!misc::mergeEqual(
              ctx, misc::dimOf(ctx, i, 1), *gh,
              fmt::format("axis 1 of {} {} and {} * hidden_size ({})", role, describeInput(ctx, i), gates, gh->str())))
        return;
    }
  }
  const size_t seqAxis = layout == 0 ? 0 : 1;
  const size_t batchAxis = layout == 0 ? 1 : 0;
  const ir::Dim seq = misc::dimOf(ctx, 0, seqAxis);
  const ir::Dim batch = misc::dimOf(ctx, 0, batchAxis);
  if (!misc::mergeEqual(
          ctx, misc::dimOf(ctx, 1, 2), misc::dimOf(ctx, 0, 2),
          fmt::format("the input size: axis 2 of W {} and of X {}", describeInput(ctx, 1), describeInput(ctx, 0))))
    return;

  const int32_t type = ctx.inputType(0);
  if (layout == 0) {
    ctx.setOutput(0, ir::Shape({seq, dirs, batch, hidden}), type);
    for (size_t i = 1; i < 3; ++i) ctx.setOutput(i, ir::Shape({dirs, batch, hidden}), type);
  } else {
    ctx.setOutput(0, ir::Shape({batch, seq, dirs, hidden}), type);
    for (size_t i = 1; i < 3; ++i) ctx.setOutput(i, ir::Shape({batch, dirs, hidden}), type);
  }
}

}  // namespace

void inferRNN(InferContext& ctx) { inferRecurrent(ctx, 1); }
void inferGRU(InferContext& ctx) { inferRecurrent(ctx, 3); }
void inferLSTM(InferContext& ctx) { inferRecurrent(ctx, 4); }

}  // namespace shapelint::passes::shape
