// Training ops of the ai.onnx.preview.training domain (opset 1: Gradient,
// Adagrad, Adam, Momentum) and the string ops StringNormalizer (10) and
// TfIdfVectorizer (9).
#include <fmt/format.h>

#include <algorithm>

#include "passes/shape/merge.h"
#include "passes/shape/misc_common.h"
#include "passes/shape/ops.h"
#include "passes/shape/ops_misc.h"

namespace shapelint::passes::shape {
namespace {

// The merged shape of inputs that must all have the same shape; std::nullopt after SL102.
std::optional<ir::Shape> sameShapes(InferContext& ctx, const std::vector<size_t>& inputs) {
  ir::Shape out;
  size_t first = 0;
  for (size_t i : inputs) {
    const ir::Shape& s = ctx.inputShape(i);
    if (!s.rankKnown()) continue;
    if (!out.rankKnown()) {
      out = s;
      first = i;
      continue;
    }
    bool bad = s.rank() != out.rank();
    for (size_t a = 0; !bad && a < s.rank(); ++a) {
      std::optional<ir::Dim> d = equalDim(out[a], s[a]);
      if (!d)
        bad = true;
      else
        out[a] = *d;
    }
    if (bad) {
      ctx.report(diag::RuleId::kIncompatibleMerge)
          .message(fmt::format("{} and {} must have the same shape", describeInput(ctx, first), describeInput(ctx, i)))
          .help("an optimizer updates each tensor with its own gradient and accumulators, all of its shape");
      return std::nullopt;
    }
  }
  return out;
}

// Adagrad (groups = 3: X, G, H -> X_new, H_new), Momentum (3: X, G, V ->
// X_new, V_new) and Adam (4: X, G, V, H -> X_new, V_new, H_new), after the
// scalar inputs R (learning rate) and T (step).
void inferOptimizer(InferContext& ctx, size_t groups) {
  if (ctx.numInputs() < 2 + groups || (ctx.numInputs() - 2) % groups != 0) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("{} has {} inputs, expected R, T and {} groups of n tensors", ctx.node().opType,
                             ctx.numInputs(), groups))
        .help("give one tensor, gradient and accumulator per optimized tensor");
    return;
  }
  const size_t n = (ctx.numInputs() - 2) / groups;
  for (size_t i = 0; i < n; ++i) {
    std::vector<size_t> inputs;
    for (size_t g = 0; g < groups; ++g) inputs.push_back(2 + g * n + i);
    std::optional<ir::Shape> s = sameShapes(ctx, inputs);
    if (!s) return;
    // Outputs: X_new, then one per accumulator (skipping G).
    ctx.setOutput(i, *s, ctx.inputType(2 + i));
    for (size_t g = 2; g < groups; ++g) ctx.setOutput((g - 1) * n + i, *s, ctx.inputType(2 + g * n + i));
  }
}

}  // namespace

void inferAdagrad(InferContext& ctx) { inferOptimizer(ctx, 3); }
void inferMomentum(InferContext& ctx) { inferOptimizer(ctx, 3); }
void inferAdam(InferContext& ctx) { inferOptimizer(ctx, 4); }

void inferGradient(InferContext& ctx) {
  // Output i is the gradient of y with respect to xs[i], fed as input i.
  std::optional<std::vector<std::string>> xs;
  if (const ir::Attribute* a = ctx.attr("xs"); a && a->type == ir::Attribute::Type::kStrings) xs = a->strings();
  if (!xs) return;
  for (size_t i = 0; i < xs->size() && i < ctx.numOutputs(); ++i)
    if (ctx.hasInput(i)) ctx.setOutput(i, ctx.inputShape(i), ctx.inputType(i));
}

void inferStringNormalizer(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 1)) return;
  const ir::Shape& x = ctx.inputShape(0);
  if (!x.rankKnown()) return;
  if (x.rank() != 1 && x.rank() != 2) return void(misc::requireRank(ctx, 0, 1, "X ([C] or [1, C])"));
  if (x.rank() == 2 &&
      !misc::mergeEqual(ctx, x[0], ir::Dim::value(1),
                        fmt::format("axis 0 of X {} and 1 (X is [C] or [1, C])", describeInput(ctx, 0))))
    return;
  // Stop words drop an unknown number of strings (and an all-dropped input
  // gives one empty string); without stop words every string stays.
  const ir::Attribute* stop = ctx.attr("stopwords");
  const bool dropsWords = stop && !stop->strings().empty();
  ir::Shape out = x;
  if (dropsWords) out[x.rank() - 1] = ir::Dim();
  ctx.setOutput(0, std::move(out), ir::kString);
}

void inferTfIdfVectorizer(InferContext& ctx) {
  if (!misc::requireInputs(ctx, 1)) return;
  const ir::Shape& x = ctx.inputShape(0);
  std::optional<std::vector<int64_t>> indexes = ctx.attrInts("ngram_indexes");
  if (!indexes || indexes->empty() || std::any_of(indexes->begin(), indexes->end(), [](int64_t i) { return i < 0; })) {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message("ngram_indexes must be a non-empty list of indexes >= 0")
        .help("give every n-gram of the pool its output coordinate in ngram_indexes");
    return;
  }
  // [C] -> [max(ngram_indexes) + 1], [N, C] -> [N, max(ngram_indexes) + 1]
  const ir::Dim size = ir::Dim::value(*std::max_element(indexes->begin(), indexes->end()) + 1);
  if (!x.rankKnown()) return;
  if (x.rank() == 1) {
    ctx.setOutput(0, ir::Shape({size}), ir::kFloat);
  } else if (x.rank() == 2) {
    ctx.setOutput(0, ir::Shape({x[0], size}), ir::kFloat);
  } else {
    misc::requireRank(ctx, 0, 2, "X ([C] or [N, C])");
  }
}

}  // namespace shapelint::passes::shape
