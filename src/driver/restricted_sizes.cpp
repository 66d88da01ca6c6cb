// reportRestrictedSizes: SL104 restricted-input-size and SL105
// no-valid-input-size in `check`, from the size constraints the pass recorded
// (shapelint/passes/constraints.h) solved per symbolic input dim
// (solveSymbolSizes, shapelint/sizes.h).
//
// "Common sizes" (docs/rules/SL104.md): the multiples of 8 from 32 to 1024.
// SL104 fires for a symbolic input dim whose exact valid set excludes a
// common size at or above its smallest valid size (a minimum size alone is
// not reported: SL202 reports the sizes a window provably cannot take), or
// that has no valid size up to 1024. SL105 fires when the set is empty
// although every constraint alone can be met (a constraint that alone is
// never met is already an SL102 or SL202 at its node). Never for a concrete
// dim, a symbol with a constraint the solver cannot decide exactly, or a
// condition that couples several symbols.
//
// The SL103 warnings at merges over that symbol state the same fact per
// merge: they are folded into the SL104/SL105 finding as notes.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "check_model.h"
#include "shapelint/ir/expr.h"
#include "shapelint/sizes.h"

namespace shapelint {
namespace {

constexpr int64_t kCommonLo = 32;
constexpr int64_t kCommonHi = 1024;
constexpr int64_t kCommonStep = 8;
constexpr int64_t kMaxSize = std::numeric_limits<int64_t>::max();
// The solver evaluates a constraint once per residue of its period; SL103
// stops at the same bound.
constexpr int64_t kMaxPeriod = int64_t{1} << 16;
constexpr size_t kMaxNotes = 8;

struct InputAxis {
  std::string input;
  size_t axis = 0;
};

std::string whereText(const std::vector<InputAxis>& where) {
  std::vector<std::string> parts;
  for (const InputAxis& w : where) parts.push_back(fmt::format("'{}' axis {}", w.input, w.axis));
  return fmt::format("{}", fmt::join(parts, ", "));
}

// The symbolic dims of the graph inputs as `check` runs them (--input-shape
// overrides applied), in input order.
std::vector<std::pair<std::string, std::vector<InputAxis>>> symbolicInputDims(const ir::Graph& graph,
                                                                              const passes::PassOptions& options) {
  std::vector<std::pair<std::string, std::vector<InputAxis>>> out;
  for (const std::string& name : graph.inputs) {
    const ir::Value* v = graph.find(name);
    if (!v || v->isInitializer) continue;
    const auto given = options.inputShapes.find(name);
    const ir::Shape& shape = given != options.inputShapes.end() ? given->second : v->declared;
    if ((given == options.inputShapes.end() && !v->hasDeclared) || !shape.rankKnown()) continue;
    for (size_t axis = 0; axis < shape.rank(); ++axis) {
      if (!shape[axis].isSymbol()) continue;
      const std::string& s = shape[axis].symbol();
      auto it = std::find_if(out.begin(), out.end(), [&](const auto& e) { return e.first == s; });
      if (it == out.end()) it = out.insert(out.end(), {s, {}});
      it->second.push_back({name, axis});
    }
  }
  return out;
}

bool smallPeriod(const passes::Constraint& c) {
  for (const ir::Dim* d : {&c.a, &c.b}) {
    if (d->isValue()) continue;
    const std::optional<int64_t> p = ir::periodOf(*d);
    if (!p || *p > kMaxPeriod) return false;
  }
  return true;
}

std::optional<ir::ResidueSet> solveOne(const passes::Constraint& c, const std::string& symbol) {
  return solveSymbolSizes(symbol, {c}, 1, kMaxSize).valid;
}

// The common sizes (multiples of kCommonStep in [max(kCommonLo, from), kCommonHi]) not in `set`.
std::vector<int64_t> excludedCommon(const ir::ResidueSet& set, int64_t from) {
  std::vector<int64_t> out;
  for (int64_t v = kCommonLo; v <= kCommonHi; v += kCommonStep)
    if (v >= from && !set.contains(v)) out.push_back(v);
  return out;
}

std::string firstFew(const std::vector<int64_t>& v, size_t n) {
  const size_t shown = std::min(n, v.size());
  return fmt::format("{}{}", fmt::join(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(shown), ", "),
                     v.size() > shown ? ", ..." : "");
}

size_t nodeOrder(const ir::Graph& graph, const passes::Constraint& c) {
  for (size_t i = 0; i < graph.topoOrder.size(); ++i) {
    const ir::Node& n = graph.nodes[graph.topoOrder[i]];
    if (n.name == c.node && n.opType == c.op) return i;
  }
  return graph.topoOrder.size();
}

// An SL103 at the node of `c` that states c's condition ("A and B" in its message).
bool restates(const diag::Diagnostic& d, const passes::Constraint& c) {
  if (d.rule != diag::RuleId::kPossibleMergeMismatch || d.node != c.node || d.opType != c.op) return false;
  const std::string a = c.a.str();
  const std::string b = c.b.str();
  return d.message.find(a + " and " + b) != std::string::npos || d.message.find(b + " and " + a) != std::string::npos;
}

}  // namespace

void reportRestrictedSizes(const ir::Model& model, const passes::PassOptions& options,
                           const std::vector<passes::Constraint>& constraints,
                           std::vector<diag::Diagnostic>& diagnostics) {
  if (constraints.empty()) return;
  std::vector<diag::Diagnostic> found;
  std::vector<size_t> folded;  // indices into `diagnostics` of SL103s that a finding restates
  for (const auto& [symbol, where] : symbolicInputDims(model.graph, options)) {
    SymbolSizes sym = solveSymbolSizes(symbol, constraints, 1, kMaxSize);
    if (sym.constraints.empty()) continue;
    if (!std::all_of(sym.constraints.begin(), sym.constraints.end(),
                     [&](size_t i) { return smallPeriod(constraints[i]); }))
      continue;
    if (!sym.valid) continue;  // some constraint not decided exactly: say nothing
    const ir::ResidueSet& valid = *sym.valid;

    // Each constraint alone, for the binding one and the notes.
    std::map<size_t, ir::ResidueSet> alone;
    bool aloneEmpty = false;
    for (size_t i : sym.constraints) {
      std::optional<ir::ResidueSet> s = solveOne(constraints[i], symbol);
      if (!s) continue;
      aloneEmpty = aloneEmpty || s->empty();
      alone.emplace(i, *s);
    }

    const std::vector<int64_t> firstValid = valid.members(6);
    std::vector<int64_t> excluded;
    bool error = false;
    if (valid.empty()) {
      if (aloneEmpty) continue;  // SL102 / SL202 at that constraint's node says it
      error = true;
    } else {
      excluded = excludedCommon(valid, firstValid.front());
      if (excluded.empty() && firstValid.front() <= kCommonHi) continue;
    }

    // The binding constraint: the one that alone excludes the most of the
    // common sizes the set excludes (then the most sizes up to 1024).
    std::vector<size_t> excluding;
    size_t binding = sym.constraints.front();
    std::pair<size_t, size_t> best{0, 0};
    for (const auto& [i, s] : alone) {
      size_t common = 0, all = 0;
      for (int64_t v : excluded) common += s.contains(v) ? 0 : 1;
      for (int64_t v = 1; v <= kCommonHi; ++v) all += s.contains(v) ? 0 : 1;
      if (common == 0 && all == 0) continue;
      if (!error && common == 0 && firstValid.front() <= kCommonHi) continue;
      // A constraint that is only a minimum size is no part of the story.
      const std::vector<int64_t> first = s.members(1);
      bool minimumOnly = !first.empty() && first.front() <= kCommonHi;
      for (int64_t v = first.empty() ? 0 : first.front(); minimumOnly && v <= kCommonHi; ++v)
        minimumOnly = s.contains(v);
      if (minimumOnly) continue;
      excluding.push_back(i);
      if (std::pair{common, all} > best) {
        best = {common, all};
        binding = i;
      }
    }
    const passes::Constraint& c = constraints[binding];

    diag::Diagnostic d;
    d.rule = error ? diag::RuleId::kNoValidInputSize : diag::RuleId::kRestrictedInputSize;
    d.severity = diag::rule(d.rule).severity;
    d.node = c.node;
    d.opType = c.op;
    d.order = nodeOrder(model.graph, c);
    const std::string at = fmt::format("input {} ({})", whereText(where), symbol);
    if (error) {
      d.message = fmt::format("no size of {} runs the model: its size constraints exclude each other", at);
    } else if (excluded.empty()) {
      d.message = fmt::format("{} runs only from {} = {} on, above every common size (multiples of {} from {} to {})",
                              at, symbol, firstValid.front(), kCommonStep, kCommonLo, kCommonHi);
    } else {
      d.message = fmt::format("{} runs only when {}: common sizes such as {} = {} fail", at, valid.str(symbol), symbol,
                              firstFew(excluded, 3));
      d.details.push_back(fmt::format("valid sizes: {}", firstFew(firstValid, 5)));
      // Common sizes from the smallest valid size on (below it is a minimum size, not reported).
      int64_t from = kCommonLo;
      while (from < firstValid.front()) from += kCommonStep;
      d.details.push_back(fmt::format("{} of the {} common sizes (multiples of {} from {} to {}) fail", excluded.size(),
                                      (kCommonHi - from) / kCommonStep + 1, kCommonStep, from, kCommonHi));
    }
    d.details.push_back(fmt::format("{}: {}: {}", error ? "constraint" : "binding constraint", c.rule, c.str()));
    for (size_t i : excluding) {
      if (i == binding || d.notes.size() >= kMaxNotes) continue;
      const passes::Constraint& o = constraints[i];
      d.notes.push_back({o.node, fmt::format("also requires {} ({}: {})", alone.at(i).str(symbol), o.rule, o.str())});
    }
    if (error) {
      d.help = fmt::format(
          "the model cannot run at any {}: fix the layers named above so that their conditions can hold together "
          "(`shapelint sizes` lists each)",
          symbol);
    } else {
      const int64_t bad = excluded.empty() ? kCommonHi : excluded.front();
      std::optional<int64_t> next;
      for (int64_t v = bad + 1; v <= bad + (int64_t{1} << 20) && !next; ++v)
        if (valid.contains(v)) next = v;
      d.help = fmt::format(
          "feed only such sizes (pad or resize the input to a valid size{}), or make the merge agree for every {} "
          "(crop, pad or resize one path to the other's size); `shapelint sizes` lists the valid sizes",
          next ? fmt::format(", e.g. {} = {} to {}", symbol, bad, *next) : "", symbol);
    }
    for (size_t k = 0; k < diagnostics.size(); ++k)
      for (size_t i : sym.constraints)
        if (restates(diagnostics[k], constraints[i]) && std::find(folded.begin(), folded.end(), k) == folded.end()) {
          folded.push_back(k);
          if (diagnostics[k].node == d.node && diagnostics[k].opType == d.opType) d.order = diagnostics[k].order;
          if (i != binding && d.notes.size() < kMaxNotes &&
              std::find(excluding.begin(), excluding.end(), i) == excluding.end())
            d.notes.push_back({constraints[i].node,
                               fmt::format("also requires {} ({}: {})", alone.count(i) ? alone.at(i).str(symbol) : "?",
                                           constraints[i].rule, constraints[i].str())});
        }
    found.push_back(std::move(d));
  }
  std::sort(folded.begin(), folded.end());
  for (size_t k = folded.size(); k-- > 0;)
    diagnostics.erase(diagnostics.begin() + static_cast<std::ptrdiff_t>(folded[k]));
  diagnostics.insert(diagnostics.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
}

}  // namespace shapelint
