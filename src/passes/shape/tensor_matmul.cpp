// Matrix products: MatMul, MatMulInteger, QLinearMatMul (numpy matmul) and
// Einsum.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "passes/shape/merge.h"
#include "passes/shape/op_attributes.h"
#include "passes/shape/ops_tensor.h"
#include "passes/shape/tensor_common.h"
#include "shapelint/ir/expr.h"

namespace shapelint::passes::shape {
namespace {

using tensor::requireInput;

// SL103 when the contraction dims k1 and k2 are expressions of the same
// one symbol that agree for some of its values only (e.g. H and
// 2*((H + 1) // 2): only for even H), as merge.h's partialAgreement finds.
void warnPossibleMismatch(InferContext& ctx, size_t ia, size_t ib, const ir::Dim& k1, const ir::Dim& k2) {
  if (ir::provablyEqual(k1, k2, ir::Assume{.symbolMin = 1})) return;
  std::optional<PartialAgreement> p = partialAgreement(k1, k2, /*broadcasting=*/false);
  if (!p || p->equal.empty() || ir::complement(p->equal).empty()) return;
  const std::string& symbol = p->symbol;
  auto builder = ctx.report(diag::RuleId::kPossibleMergeMismatch);
  builder
      .message(fmt::format("the inner dims of {} and {} are {} and {}, equal only when {}", describeInput(ctx, ia),
                           describeInput(ctx, ib), k1.str(), k2.str(), p->equal.str(symbol)))
      .detail(fmt::format("{} (numpy matmul): [..., M, K] x [..., K, N]; the two K must be equal", ctx.node().opType))
      .help(fmt::format("make both paths give the same size for every {}, or accept only the sizes above", symbol));
  noteProducer(builder, ctx, ia);
  noteProducer(builder, ctx, ib);
}

// numpy matmul of inputs a and b: a 1-D operand is promoted to a matrix
// ([K] -> [1, K] for a, [K, 1] for b) and the added axis removed from the
// result; the batch axes broadcast; a's last dim must equal b's second last.
void inferMatMulOf(InferContext& ctx, size_t ia, size_t ib, int32_t type) {
  const char* nameA = ia == 0 ? "A" : "a";
  const char* nameB = ia == 0 ? "B" : "b";
  if (!requireInput(ctx, ia, nameA) || !requireInput(ctx, ib, nameB)) return;
  const ir::Shape& a = ctx.inputShape(ia);
  const ir::Shape& b = ctx.inputShape(ib);
  for (auto [i, s, name] : {std::tuple{ia, &a, nameA}, std::tuple{ib, &b, nameB}}) {
    if (s->rankKnown() && s->rank() == 0) {
      ctx.report(diag::RuleId::kMalformedNode)
          .message(
              fmt::format("input {} {} is a scalar, expected a tensor of rank 1 or more", name, describeInput(ctx, i)))
          .detail(
              "MatMul (numpy matmul) multiplies vectors and matrices, not "
              "scalars")
          .help("use Mul for a product with a scalar");
      return;
    }
  }
  if (!a.rankKnown() || !b.rankKnown()) {
    ctx.setOutput(0, ir::Shape(), type);
    return;
  }
  const bool vecA = a.rank() == 1;
  const bool vecB = b.rank() == 1;
  std::vector<ir::Dim> da = a.dims();
  std::vector<ir::Dim> db = b.dims();
  if (vecA) da.insert(da.begin(), ir::Dim::value(1));
  if (vecB) db.push_back(ir::Dim::value(1));
  const ir::Dim& k1 = da[da.size() - 1];
  const ir::Dim& k2 = db[db.size() - 2];
  if (!equalDim(k1, k2)) {
    auto builder = ctx.report(diag::RuleId::kIncompatibleMerge);
    builder
        .message(fmt::format("cannot multiply {} {} by {} {}: {} has {} columns, {} has {} rows", nameA,
                             describeInput(ctx, ia), nameB, describeInput(ctx, ib), nameA, k1.str(), nameB, k2.str()))
        .detail(fmt::format("{} (numpy matmul): [..., M, K] x [..., K, N]; the "
                            "last dim of {} ({}) must equal "
                            "{} of {} ({})",
                            ctx.node().opType, nameA, k1.str(), vecB ? "the only dim" : "the second last dim", nameB,
                            k2.str()))
        .help(fmt::format("make the inner dims agree: the layer feeding {} "
                          "produces {} features, {} expects {}",
                          nameA, k1.str(), nameB, k2.str()));
    noteProducer(builder, ctx, ia);
    noteProducer(builder, ctx, ib);
    return;
  }
  warnPossibleMismatch(ctx, ia, ib, k1, k2);
  // Batch axes: numpy broadcasting of everything before the last two.
  const size_t batchA = da.size() - 2;
  const size_t batchB = db.size() - 2;
  const size_t batch = std::max(batchA, batchB);
  std::vector<ir::Dim> out;
  for (size_t j = 0; j < batch; ++j) {
    const ir::Dim one = ir::Dim::value(1);
    const ir::Dim& x = j + batchA >= batch ? da[j + batchA - batch] : one;
    const ir::Dim& y = j + batchB >= batch ? db[j + batchB - batch] : one;
    std::optional<ir::Dim> d = broadcastDim(x, y);
    if (!d) {
      auto builder = ctx.report(diag::RuleId::kIncompatibleMerge);
      builder
          .message(fmt::format("cannot broadcast the batch axes of {} {} and "
                               "{} {}: {} against {}",
                               nameA, describeInput(ctx, ia), nameB, describeInput(ctx, ib), x.str(), y.str()))
          .detail(
              "numpy matmul: the axes before the last two broadcast "
              "(equal, or one of them 1)")
          .help(
              "make the batch axes equal (or 1); check the layers that "
              "produce them");
      noteProducer(builder, ctx, ia);
      noteProducer(builder, ctx, ib);
      return;
    }
    out.push_back(*d);
  }
  if (!vecA) out.push_back(da[da.size() - 2]);
  if (!vecB) out.push_back(db[db.size() - 1]);
  ctx.setOutput(0, ir::Shape(std::move(out)), type);
}

// One term of an Einsum equation: its letters, and where "..." stands
// (npos when absent).
struct Term {
  std::string letters;
  size_t ellipsis = std::string::npos;
};

// Parses "ab,bc->ac" (spaces allowed, "..." for the broadcast axes).
// std::nullopt and `error` when malformed.
std::optional<Term> parseTerm(const std::string& text, std::string& error) {
  Term t;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ') continue;
    if (c == '.') {
      if (text.compare(i, 3, "...") != 0 || t.ellipsis != std::string::npos) {
        error = fmt::format("'{}' has a '.' that is not one '...'", text);
        return std::nullopt;
      }
      t.ellipsis = t.letters.size();
      i += 2;
      continue;
    }
    if (!std::isalpha(static_cast<unsigned char>(c))) {
      error = fmt::format("'{}' has '{}', expected letters and '...'", text, c);
      return std::nullopt;
    }
    t.letters += c;
  }
  return t;
}

}  // namespace

void inferMatMul(InferContext& ctx) {
  if (!checkAttributesDefined(ctx, {})) return;
  inferMatMulOf(ctx, 0, 1, ctx.inputType(0));
}

// MatMulInteger: int32 output; the zero points (inputs 2, 3) only shift values.
void inferMatMulInteger(InferContext& ctx) {
  if (!checkAttributesDefined(ctx, {})) return;
  inferMatMulOf(ctx, 0, 1, ir::kInt32);
}

// QLinearMatMul: a, a_scale, a_zero_point, b, b_scale, b_zero_point,
// y_scale, y_zero_point; the output has y_zero_point's type.
void inferQLinearMatMul(InferContext& ctx) {
  if (!checkAttributesDefined(ctx, {})) return;
  inferMatMulOf(ctx, 0, 3, ctx.inputType(7));
}

// Einsum: each input's axes are labelled by a term of the equation; equal
// labels must have equal sizes; the output is the explicit right-hand side,
// or (implicit) the broadcast axes followed by the labels used once, in
// alphabetical order.
void inferEinsum(InferContext& ctx) {
  if (!checkAttributesDefined(ctx, {{"equation"}})) return;
  std::optional<std::string> equation = ctx.attrString("equation");
  if (!equation) {
    if (!ctx.attr("equation"))
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message("Einsum has no equation, expected the attribute")
          .help("give the equation, e.g. 'ij,jk->ik'");
    return;
  }
  auto malformed = [&](const std::string& why) {
    ctx.report(diag::RuleId::kInvalidAttribute)
        .message(fmt::format("equation '{}' is malformed: {}", *equation, why))
        .help(
            "write one term per input, separated by ',', optionally '->' and "
            "the output term");
  };
  std::string lhs = *equation;
  std::optional<std::string> rhs;
  if (size_t arrow = equation->find("->"); arrow != std::string::npos) {
    lhs = equation->substr(0, arrow);
    rhs = equation->substr(arrow + 2);
  }
  std::vector<Term> terms;
  std::string error;
  size_t start = 0;
  while (true) {
    const size_t comma = lhs.find(',', start);
    std::optional<Term> t =
        parseTerm(lhs.substr(start, comma == std::string::npos ? std::string::npos : comma - start), error);
    if (!t) {
      malformed(error);
      return;
    }
    terms.push_back(*t);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (terms.size() != ctx.numInputs()) {
    ctx.report(diag::RuleId::kMalformedNode)
        .message(fmt::format("equation '{}' has {} input terms, but the node has {} inputs", *equation, terms.size(),
                             ctx.numInputs()))
        .help("give one term per input");
    return;
  }
  std::optional<Term> outTerm;
  if (rhs) {
    outTerm = parseTerm(*rhs, error);
    if (!outTerm) {
      malformed(error);
      return;
    }
  }

  std::map<char, ir::Dim> sizes;  // label -> size
  std::map<char, int> uses;
  std::vector<ir::Dim> ellipsisDims;
  bool allKnown = true;
  bool anyEllipsis = false;
  for (size_t i = 0; i < terms.size(); ++i) {
    const Term& t = terms[i];
    for (char c : t.letters) ++uses[c];
    if (t.ellipsis != std::string::npos) anyEllipsis = true;
    if (!requireInput(ctx, i, fmt::format("operand {}", i).c_str())) return;
    const ir::Shape& s = ctx.inputShape(i);
    if (!s.rankKnown()) {
      allKnown = false;
      continue;
    }
    const bool hasEllipsis = t.ellipsis != std::string::npos;
    if (hasEllipsis ? s.rank() < t.letters.size() : s.rank() != t.letters.size()) {
      ctx.report(diag::RuleId::kMalformedNode)
          .message(fmt::format("operand {} {} has rank {}, but its term in "
                               "'{}' labels {}{} axes",
                               i, describeInput(ctx, i), s.rank(), *equation, hasEllipsis ? "at least " : "",
                               t.letters.size()))
          .help(
              "give the term one letter per axis, or '...' for the leading "
              "axes");
      return;
    }
    const size_t extra = s.rank() - t.letters.size();
    // The ellipsis axes broadcast against the others, aligned from the right.
    if (hasEllipsis) {
      std::vector<ir::Dim> mine(s.dims().begin() + static_cast<std::ptrdiff_t>(t.ellipsis),
                                s.dims().begin() + static_cast<std::ptrdiff_t>(t.ellipsis + extra));
      const size_t r = std::max(mine.size(), ellipsisDims.size());
      std::vector<ir::Dim> merged(r);
      for (size_t j = 0; j < r; ++j) {
        const ir::Dim one = ir::Dim::value(1);
        const ir::Dim& x = j + mine.size() >= r ? mine[j + mine.size() - r] : one;
        const ir::Dim& y = j + ellipsisDims.size() >= r ? ellipsisDims[j + ellipsisDims.size() - r] : one;
        std::optional<ir::Dim> d = broadcastDim(x, y);
        if (!d) {
          auto builder = ctx.report(diag::RuleId::kIncompatibleMerge);
          builder
              .message(fmt::format("cannot broadcast the '...' axes of operand "
                                   "{} {}: {} against {}",
                                   i, describeInput(ctx, i), x.str(), y.str()))
              .detail(fmt::format("Einsum '{}': the axes under '...' broadcast "
                                  "across the operands",
                                  *equation))
              .help("make the broadcast axes equal (or 1)");
          noteProducer(builder, ctx, i);
          return;
        }
        merged[j] = *d;
      }
      ellipsisDims = std::move(merged);
    }
    for (size_t j = 0; j < t.letters.size(); ++j) {
      const char c = t.letters[j];
      const size_t axis = hasEllipsis && j >= t.ellipsis ? j + extra : j;
      const ir::Dim& d = s[axis];
      auto it = sizes.find(c);
      if (it == sizes.end()) {
        sizes.emplace(c, d);
        continue;
      }
      std::optional<ir::Dim> m = equalDim(it->second, d);
      if (!m) {
        auto builder = ctx.report(diag::RuleId::kIncompatibleMerge);
        builder
            .message(fmt::format("label '{}' of equation '{}' has size {} on "
                                 "axis {} of operand {} {}, {} elsewhere",
                                 c, *equation, d.str(), axis, i, describeInput(ctx, i), it->second.str()))
            .detail(
                "Einsum: every axis with the same label must have the same "
                "size")
            .help(fmt::format("make the axes labelled '{}' agree; check the "
                              "layers that produce the operands",
                              c));
        for (size_t p = 0; p <= i; ++p) noteProducer(builder, ctx, p);
        return;
      }
      it->second = *m;
    }
  }

  // The output term.
  Term out;
  if (outTerm) {
    out = *outTerm;
    for (size_t j = 0; j < out.letters.size(); ++j) {
      const char c = out.letters[j];
      if (!uses.count(c) || out.letters.find(c, j + 1) != std::string::npos) {
        malformed(fmt::format("output label '{}' {}", c, uses.count(c) ? "appears twice" : "labels no input axis"));
        return;
      }
    }
    if (out.ellipsis != std::string::npos && !anyEllipsis) {
      malformed("the output has '...' but no input has");
      return;
    }
  } else {
    for (const auto& [c, n] : uses)
      if (n == 1) out.letters += c;
    // Implicit mode: upper-case letters sort before lower-case (ASCII), as
    // numpy.
    std::sort(out.letters.begin(), out.letters.end());
    if (anyEllipsis) out.ellipsis = 0;
  }
  if (!allKnown) {
    if (!anyEllipsis) ctx.setOutput(0, ir::Shape::unknownDims(out.letters.size()), ctx.inputType(0));
    return;
  }
  std::vector<ir::Dim> dims;
  for (size_t j = 0; j <= out.letters.size(); ++j) {
    if (j == out.ellipsis) dims.insert(dims.end(), ellipsisDims.begin(), ellipsisDims.end());
    if (j < out.letters.size()) dims.push_back(sizes[out.letters[j]]);
  }
  ctx.setOutput(0, ir::Shape(std::move(dims)), ctx.inputType(0));
}

}  // namespace shapelint::passes::shape
