// traceMergeFailures: for an SL102 incompatible merge, trace the chain that
// led to it and the fix. Runs only when a merge failed: the floor-truncation
// findings (SL204) upstream of the merge become notes; each ConvTranspose
// upstream is tried with every other valid output_padding (0 <= a < max(s, d))
// on a copy of the model, and one whose re-run clears the merge is suggested;
// the sizes machinery (shapelint/sizes.h) gives the nearest valid input sizes.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "check_model.h"
#include "shapelint/diag/diagnostic.h"
#include "shapelint/passes/pass.h"
#include "shapelint/sizes.h"

namespace shapelint {
namespace {

constexpr size_t kMaxTrials = 64;  // re-runs of the pass per failed merge

// A copy whose subgraphs are copies too (Attribute::graphs are shared
// pointers): re-running the pass on it leaves `model` as it is.
void cloneSubgraphs(ir::Graph& graph) {
  for (ir::Node& n : graph.nodes)
    for (size_t k = 0; k < n.attributes.size(); ++k) {
      // Only lists with subgraphs are written (lists without are shared).
      if (n.attributes[k].graphs().empty()) continue;
      for (std::shared_ptr<ir::Graph>& g : n.attributes.mutableAt(k).mutableGraphs())
        if (g) {
          g = std::make_shared<ir::Graph>(*g);
          cloneSubgraphs(*g);
        }
    }
}

ir::Model deepCopy(const ir::Model& model) {
  ir::Model copy = model;
  cloneSubgraphs(copy.graph);
  return copy;
}

const ir::Node* findNode(const ir::Graph& graph, const diag::Diagnostic& d) {
  for (const ir::Node& n : graph.nodes)
    if (n.name == d.node && n.opType == d.opType) return &n;
  return nullptr;
}

// Node indices upstream of `node` (not itself).
std::set<size_t> ancestors(const ir::Graph& graph, const ir::Node& node) {
  std::set<size_t> seen;
  std::vector<const ir::Node*> work{&node};
  while (!work.empty()) {
    const ir::Node* n = work.back();
    work.pop_back();
    for (const std::string& in : n->inputs) {
      const ir::Value* v = graph.find(in);
      if (!v || v->producer < 0) continue;
      if (seen.insert(static_cast<size_t>(v->producer)).second) work.push_back(&graph.nodes[v->producer]);
    }
  }
  return seen;
}

std::vector<int64_t> intsAttr(const ir::Node& n, const char* name, size_t count, int64_t fallback) {
  const ir::Attribute* a = n.attr(name);
  if (a && a->ints.size() >= count) return a->ints;
  return std::vector<int64_t>(count, fallback);
}

std::string joinInts(const std::vector<int64_t>& v) {
  std::string out;
  for (int64_t x : v) out += (out.empty() ? "" : ", ") + std::to_string(x);
  return "[" + out + "]";
}

bool mergeFails(const std::vector<diag::Diagnostic>& diags, const diag::Diagnostic& merge) {
  for (const diag::Diagnostic& d : diags)
    if (d.rule == merge.rule && d.node == merge.node && d.opType == merge.opType) return true;
  return false;
}

bool hasErrorAt(const std::vector<diag::Diagnostic>& diags, const std::string& node) {
  for (const diag::Diagnostic& d : diags)
    if (d.node == node && d.severity == diag::Severity::kError) return true;
  return false;
}

struct PaddingFix {
  std::string note;  // the arithmetic
  std::string help;
};

// Tries the other output_padding values of one ConvTranspose (every axis
// combination, at most kMaxTrials re-runs); the first that clears the merge
// without an error at the ConvTranspose, with the fewest changed axes.
std::optional<PaddingFix> tryOutputPadding(const ir::Model& model, const passes::PassOptions& options,
                                           const ir::Node& ct, const diag::Diagnostic& merge, size_t& trials) {
  if (ct.attr("output_shape")) return std::nullopt;
  const ir::Attribute* autoPad = ct.attr("auto_pad");
  const bool explicitPads = !autoPad || autoPad->s().empty() || autoPad->s() == "NOTSET";
  if (ct.inputs.empty() || ct.outputs.empty()) return std::nullopt;
  const ir::Value* x = model.graph.find(ct.inputs[0]);
  const ir::Value* w = ct.inputs.size() > 1 ? model.graph.find(ct.inputs[1]) : nullptr;
  const ir::Value* y = model.graph.find(ct.outputs[0]);
  if (!x || !y || !x->inferred.rankKnown() || x->inferred.rank() < 3) return std::nullopt;
  const size_t rank = x->inferred.rank(), spatial = rank - 2;
  const std::vector<int64_t> strides = intsAttr(ct, "strides", spatial, 1);
  const std::vector<int64_t> dilations = intsAttr(ct, "dilations", spatial, 1);
  const std::vector<int64_t> current = intsAttr(ct, "output_padding", spatial, 0);
  std::vector<int64_t> limit(spatial);
  size_t combos = 1;
  for (size_t i = 0; i < spatial; ++i) {
    limit[i] = std::max(strides[i], dilations[i]);
    if (limit[i] < 1 || limit[i] > 16) return std::nullopt;
    combos *= static_cast<size_t>(limit[i]);
    if (combos > kMaxTrials) return std::nullopt;
  }
  // Candidates ordered by the number of changed axes, then by value.
  std::vector<std::vector<int64_t>> candidates;
  for (size_t c = 0; c < combos; ++c) {
    std::vector<int64_t> a(spatial);
    size_t rest = c;
    for (size_t i = 0; i < spatial; ++i) {
      a[i] = static_cast<int64_t>(rest % static_cast<size_t>(limit[i]));
      rest /= static_cast<size_t>(limit[i]);
    }
    if (a != current) candidates.push_back(a);
  }
  auto changed = [&](const std::vector<int64_t>& a) {
    size_t n = 0;
    for (size_t i = 0; i < spatial; ++i) n += a[i] != current[i];
    return n;
  };
  std::stable_sort(candidates.begin(), candidates.end(),
                   [&](const auto& l, const auto& r) { return changed(l) < changed(r); });
  for (const std::vector<int64_t>& a : candidates) {
    if (trials++ >= kMaxTrials) return std::nullopt;
    ir::Model copy = deepCopy(model);
    ir::Node& node = copy.graph.nodes[ct.index];
    const auto it = std::find_if(node.attributes.begin(), node.attributes.end(),
                                 [](const ir::Attribute& at) { return at.name == "output_padding"; });
    const auto slot = static_cast<size_t>(it - node.attributes.begin());
    if (it == node.attributes.end()) {
      ir::Attribute at;
      at.name = "output_padding";
      at.type = ir::Attribute::Type::kInts;
      node.attributes.push_back(at);
    }
    ir::Attribute& outputPadding = node.attributes.mutableAt(slot);
    outputPadding.ints = a;
    const passes::PassResult rerun = passes::runShapePass(copy, options);
    if (mergeFails(rerun.diagnostics, merge) || hasErrorAt(rerun.diagnostics, ct.name)) continue;
    const ir::Value* newY = copy.graph.find(ct.outputs[0]);
    PaddingFix fix;
    // The arithmetic per changed axis, from the attributes: o' = s(i' - 1) + a + ke - pb - pe.
    std::vector<std::string> axes;
    const std::vector<int64_t> pads = intsAttr(ct, "pads", 2 * spatial, 0);
    const std::vector<int64_t> kernel = [&] {
      if (const ir::Attribute* k = ct.attr("kernel_shape"); k && k->ints.size() == spatial) return k->ints;
      std::vector<int64_t> k;
      if (w && w->inferred.rankKnown() && w->inferred.rank() == rank)
        for (size_t i = 2; i < rank; ++i)
          if (w->inferred[i].isValue()) k.push_back(w->inferred[i].value());
      return k;
    }();
    for (size_t i = 0; i < spatial; ++i) {
      if (a[i] == current[i]) continue;
      const ir::Dim in = x->inferred[i + 2];
      const ir::Dim before = y->inferred.rankKnown() ? y->inferred[i + 2] : ir::Dim::unknown();
      const ir::Dim after = newY && newY->inferred.rankKnown() ? newY->inferred[i + 2] : ir::Dim::unknown();
      if (explicitPads && kernel.size() == spatial && in.isValue() && before.isValue() && after.isValue()) {
        const int64_t ke = dilations[i] * (kernel[i] - 1) + 1;
        const int64_t s = strides[i], pb = pads[i], pe = pads[i + spatial];
        const int64_t computed = s * (in.value() - 1) + a[i] + ke - pb - pe;
        if (computed != after.value()) continue;  // the formula and the pass disagree: say nothing numeric
        axes.push_back(
            fmt::format("axis {}: o' = s(i' - 1) + a + ke - pb - pe = {}({} - 1) + {} + {} - {} - {} = {} "
                        "(with a = {}: {})",
                        i + 2, s, in.value(), a[i], ke, pb, pe, after.value(), current[i], before.value()));
      } else {
        axes.push_back(fmt::format("axis {}: {} instead of {}", i + 2, after.str(), before.str()));
      }
    }
    fix.note =
        fmt::format("output_padding={} restores the size the merge needs: {}", joinInts(a), fmt::join(axes, "; "));
    fix.help = fmt::format("set output_padding={} on '{}' (re-checked: the merge then succeeds)", joinInts(a), ct.name);
    return fix;
  }
  return std::nullopt;
}

// "x[2] = 64 or 68, x[3] = 64 or 68 (nearest valid sizes to 65, 65)", or
// empty when the given sizes are not what fails this merge.
std::string nearestSizes(const ir::Model& model, const passes::PassOptions& options, const diag::Diagnostic& merge,
                         std::optional<SizesReport>& cache) {
  if (!cache) {  // one symbolic re-run for all the failed merges of the model
    ir::Model copy = deepCopy(model);
    SizesOptions sizesOptions;
    sizesOptions.inputShapes = options.inputShapes;
    cache = sizesOfModel(copy, sizesOptions, model.path);
  }
  const SizesReport& report = *cache;
  if (report.loadError) return "";
  std::vector<std::string> parts, given;
  for (const SymbolSizes& sym : report.symbols) {
    if (!sym.given || !sym.valid || sym.valid->contains(*sym.given)) continue;
    bool here = false;
    for (size_t i : sym.excludingGiven) here = here || report.constraints[i].node == merge.node;
    if (!here) continue;
    std::vector<std::string> options2;
    if (sym.validBelow) options2.push_back(std::to_string(*sym.validBelow));
    if (sym.validAbove) options2.push_back(std::to_string(*sym.validAbove));
    if (options2.empty()) continue;
    parts.push_back(fmt::format("{} = {}", fmt::join(sym.where, " = "), fmt::join(options2, " or ")));
    given.push_back(std::to_string(*sym.given));
  }
  if (parts.empty()) return "";
  return fmt::format("feed the model at {} (the nearest valid input sizes to {}; `shapelint sizes` lists all)",
                     fmt::join(parts, ", "), fmt::join(given, ", "));
}

}  // namespace

void traceMergeFailures(const ir::Model& model, const passes::PassOptions& options,
                        std::vector<diag::Diagnostic>& diagnostics) {
  std::vector<size_t> merges;
  for (size_t i = 0; i < diagnostics.size(); ++i)
    if (diagnostics[i].rule == diag::RuleId::kIncompatibleMerge) merges.push_back(i);
  if (merges.empty()) return;
  std::optional<SizesReport> sizes;
  for (size_t m : merges) {
    const diag::Diagnostic merge = diagnostics[m];
    const ir::Node* node = findNode(model.graph, merge);
    if (!node) continue;
    const std::set<size_t> upstream = ancestors(model.graph, *node);
    std::vector<diag::Note> notes;
    for (const diag::Diagnostic& d : diagnostics) {
      if (d.rule != diag::RuleId::kFloorTruncation) continue;
      const ir::Node* floored = findNode(model.graph, d);
      if (!floored || !upstream.count(floored->index)) continue;
      std::string text = "floors upstream (SL204): " + (d.details.empty() ? d.message : d.details[0]);
      if (d.details.size() > 1) text += "; " + d.details[1];
      notes.push_back({d.node, text});
    }
    if (notes.empty()) continue;  // no floor upstream: not a size problem this traces
    std::vector<std::string> fixes;
    size_t trials = 0;
    // Nearest ConvTranspose first (latest in topological order).
    std::vector<size_t> order(model.graph.topoOrder.rbegin(), model.graph.topoOrder.rend());
    for (size_t idx : order) {
      if (!upstream.count(idx)) continue;
      const ir::Node& ct = model.graph.nodes[idx];
      if (ct.opType != "ConvTranspose" || !ct.domain.empty()) continue;
      if (std::optional<PaddingFix> fix = tryOutputPadding(model, options, ct, merge, trials)) {
        notes.push_back({ct.name, fix->note});
        fixes.push_back(fix->help);
        break;
      }
    }
    const std::string nearest = nearestSizes(model, options, merge, sizes);
    if (!nearest.empty()) fixes.push_back(nearest);
    diag::Diagnostic& out = diagnostics[m];
    out.notes.insert(out.notes.end(), notes.begin(), notes.end());
    if (!fixes.empty()) out.help += fmt::format("; fix: {}", fmt::join(fixes, ", or "));
  }
}

}  // namespace shapelint
