// renderSizesText: `shapelint sizes` as text.
#include <fmt/format.h>

#include <algorithm>

#include "shapelint/report/report.h"
#include "shapelint/sizes.h"

namespace shapelint {
namespace {

std::string origin(const passes::Constraint& c) {
  return fmt::format("node '{}' ({})", report::escapeForTerminal(c.node), report::escapeForTerminal(c.op));
}

std::string list(const std::vector<int64_t>& v) { return fmt::format("{}", fmt::join(v, ", ")); }

std::string floorOrigin(const passes::FloorCondition& f) {
  return fmt::format("node '{}' ({})", report::escapeForTerminal(f.node), report::escapeForTerminal(f.op));
}

// "H = 1, 3, 5, ...": the smallest members of a set.
std::string smallest(const ir::ResidueSet& set, const std::string& symbol) {
  const std::vector<int64_t> m = set.members(4);
  const size_t shown = std::min<size_t>(3, m.size());
  return fmt::format("{} = {}{}", symbol, fmt::join(m.begin(), m.begin() + static_cast<std::ptrdiff_t>(shown), ", "),
                     m.size() > shown ? ", ..." : "");
}

constexpr size_t kMaxFloorLines = 8;

// The floor-truncation block of one symbol: informational, apart from the valid set.
void floorLines(std::string& out, const SizesReport& r, const SymbolSizes& s) {
  if (s.floors.empty()) return;
  const std::string name = report::escapeForTerminal(s.symbol);
  out += "    floor truncation (informational: a size at which a layer drops rows still runs):\n";
  if (s.noDrop) {
    if (s.drops.empty())
      out += fmt::format("      no row dropped anywhere at any size in {}..{}\n", s.lo, s.hi);
    else if (s.noDrop->empty())
      out += fmt::format("      some layer drops rows at every size in {}..{}\n", s.lo, s.hi);
    else
      out += fmt::format("      no row dropped anywhere when {} ({})\n",
                         report::escapeForTerminal(s.noDrop->str(s.symbol)), smallest(*s.noDrop, name));
  }
  for (size_t k = 0; k < s.drops.size() && k < kMaxFloorLines; ++k) {
    const FloorDrops& d = s.drops[k];
    const passes::FloorCondition& f = r.floors[d.floor];
    out += fmt::format("      {} axis {} (k{} s{} pads {},{}): drops rows when {} ({})\n", floorOrigin(f), f.axis,
                       f.kernel, f.stride, f.padBegin, f.padEnd, report::escapeForTerminal(d.drops.str(s.symbol)),
                       smallest(d.drops, name));
  }
  if (s.drops.size() > kMaxFloorLines)
    out +=
        fmt::format("      ... and {} more layers (--format json lists every one)\n", s.drops.size() - kMaxFloorLines);
  for (size_t i : s.floorsUnsolved)
    out += fmt::format("      {} axis {}: drops rows when {} (not solved exactly)\n", floorOrigin(r.floors[i]),
                       r.floors[i].axis, report::escapeForTerminal(r.floors[i].str()));
  if (s.given) {
    if (s.droppingGiven.empty()) {
      out += fmt::format("      given: {} = {} drops no row\n", name, *s.given);
    } else {
      std::vector<std::string> nodes;
      for (size_t i : s.droppingGiven) nodes.push_back(floorOrigin(r.floors[i]));
      out += fmt::format("      given: {} = {} drops rows at {}\n", name, *s.given, fmt::join(nodes, ", "));
    }
  }
}

}  // namespace

std::string renderSizesText(const SizesReport& r) {
  std::string out;
  const std::string path = report::escapeForTerminal(r.path);
  if (r.loadError) return fmt::format("{}: error: {}\n", path, report::escapeForTerminal(*r.loadError));
  out += fmt::format("{}: input sizes\n", path);
  if (r.staticModel)
    out +=
        "  note: the model is static: its spatial input axes (2 and up of "
        "rank >= 3 inputs) are solved as "
        "symbols, and the exported size is judged\n";
  if (r.symbols.empty()) out += "  no symbolic input dims\n";
  for (const SymbolSizes& s : r.symbols) {
    const std::string name = report::escapeForTerminal(s.symbol);
    out += fmt::format("  {}{}{}, sizes {}..{}:\n", name, s.where.empty() ? "" : " at ",
                       report::escapeForTerminal(fmt::format("{}", fmt::join(s.where, ", "))), s.lo, s.hi);
    if (!s.valid) {
      out += fmt::format(
          "    valid: not solved exactly ({} constraint(s) not "
          "quasi-affine or too large):\n",
          s.unsolved.size());
      for (size_t i : s.unsolved)
        out += fmt::format("      {}: {}\n", origin(r.constraints[i]), r.constraints[i].str());
      floorLines(out, r, s);
      continue;
    }
    if (s.constraints.empty()) {
      out += "    valid: every size (no constraint mentions it)\n";
    } else if (ir::complement(*s.valid).empty()) {
      out += "    valid: every size in the range\n";
    } else if (s.valid->empty()) {
      out += fmt::format("    valid: none: no size in {}..{} satisfies every constraint\n", s.lo, s.hi);
    } else {
      const std::vector<int64_t> first = s.valid->members(6);
      const bool more = first.size() > 5;
      std::vector<int64_t> shown(first.begin(),
                                 first.begin() + static_cast<std::ptrdiff_t>(std::min<size_t>(5, first.size())));
      out += fmt::format("    valid: {}\n", report::escapeForTerminal(s.valid->str(s.symbol)));
      out += fmt::format("    smallest: {}{}\n", list(shown), more ? ", ..." : "");
    }
    for (const BindingConstraint& b : s.binding) {
      const passes::Constraint& c = r.constraints[b.constraint];
      out += fmt::format("    binding: {}: {} ({}); alone excludes {} = {}{}\n", origin(c),
                         report::escapeForTerminal(c.str()), c.rule, name, list(b.excludes),
                         b.excludes.size() >= 3 ? ", ..." : "");
    }
    floorLines(out, r, s);
    if (s.given) {
      if (s.valid->contains(*s.given)) {
        out += fmt::format("    given: {} = {} is valid\n", name, *s.given);
      } else {
        out += fmt::format("    given: {} = {} is NOT valid", name, *s.given);
        if (!s.excludingGiven.empty()) {
          const passes::Constraint& c = r.constraints[s.excludingGiven.front()];
          out += fmt::format(": first violated at {}: {}", origin(c), report::escapeForTerminal(c.str()));
        }
        out += "\n";
        out += fmt::format("    nearest valid: {} below, {} above\n",
                           s.validBelow ? std::to_string(*s.validBelow) : "none",
                           s.validAbove ? std::to_string(*s.validAbove) : "none");
      }
    }
  }
  if (!r.coupledFloors.empty()) {
    out += "  floor truncation over several symbols (not solved per symbol):\n";
    for (size_t i : r.coupledFloors) {
      const passes::FloorCondition& f = r.floors[i];
      out += fmt::format("    {} axis {}: drops rows when {}\n", floorOrigin(f), f.axis,
                         report::escapeForTerminal(f.str()));
    }
  }
  if (!r.coupled.empty()) {
    out += "  constraints that couple several symbols (not solved per symbol):\n";
    for (size_t i : r.coupled) {
      const bool violated = std::find(r.coupledViolated.begin(), r.coupledViolated.end(), i) != r.coupledViolated.end();
      out += fmt::format("    {}: {}{}\n", origin(r.constraints[i]), report::escapeForTerminal(r.constraints[i].str()),
                         violated ? "  -- NOT satisfied by the given sizes" : "");
    }
  }
  return out;
}

}  // namespace shapelint
