// sizesOfModelFile: load -> propagate with symbolic input sizes while
// collecting size constraints -> solve them per symbol.
#include "shapelint/sizes.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <variant>

#include "shapelint/onnx/loader.h"
#include "shapelint/passes/pass.h"

namespace shapelint {
namespace {

constexpr int64_t kMaxScan = int64_t{1} << 20;  // nearest-size search bound

std::optional<ir::ResidueSet> unite(const ir::ResidueSet& a, const ir::ResidueSet& b) {
  std::optional<ir::ResidueSet> neither = ir::intersect(ir::complement(a), ir::complement(b));
  if (!neither) return std::nullopt;
  return ir::complement(*neither);
}

std::set<std::string> symbolsOf(const passes::Constraint& c) {
  std::set<std::string> s = ir::symbols(c.a);
  for (const std::string& n : ir::symbols(c.b)) s.insert(n);
  return s;
}

// The sizes of `symbol` in [lo, hi] at which the constraint holds.
std::optional<ir::ResidueSet> solve(const passes::Constraint& c, const std::string& symbol, int64_t lo, int64_t hi) {
  using Kind = passes::Constraint::Kind;
  switch (c.kind) {
    case Kind::kEqual:
      return ir::solveEqual(c.a, c.b, symbol, lo, hi);
    case Kind::kAtLeast:
      return ir::solveAtLeast(c.a, c.b, symbol, lo, hi);
    case Kind::kBroadcast: {
      std::optional<ir::ResidueSet> eq = ir::solveEqual(c.a, c.b, symbol, lo, hi);
      std::optional<ir::ResidueSet> aOne = ir::solveEqual(c.a, ir::Dim::value(1), symbol, lo, hi);
      std::optional<ir::ResidueSet> bOne = ir::solveEqual(c.b, ir::Dim::value(1), symbol, lo, hi);
      if (!eq || !aOne || !bOne) return std::nullopt;
      std::optional<ir::ResidueSet> u = unite(*eq, *aOne);
      return u ? unite(*u, *bOne) : std::nullopt;
    }
  }
  return std::nullopt;
}

ir::ResidueSet everything(int64_t lo, int64_t hi) {
  ir::ResidueSet all;
  all.lo = lo;
  all.hi = hi;
  all.modulus = 1;
  all.residues = {0};
  all.min = lo;
  return all;
}

// "H", "W" / "L" / "D", "H", "W" for the spatial axes of a static input;
// later inputs get the input's position as a suffix.
std::string spatialName(size_t rank, size_t axis, size_t inputPos) {
  static const char* const k3[] = {"L"};
  static const char* const k4[] = {"H", "W"};
  static const char* const k5[] = {"D", "H", "W"};
  std::string base;
  if (rank == 3)
    base = k3[axis - 2];
  else if (rank == 4)
    base = k4[axis - 2];
  else if (rank == 5)
    base = k5[axis - 2];
  else
    base = fmt::format("S{}", axis);
  return inputPos == 0 ? base : fmt::format("{}_{}", base, inputPos);
}

void solveSymbol(SymbolSizes& sym, const std::vector<passes::Constraint>& constraints) {
  std::vector<ir::ResidueSet> sets;
  std::vector<size_t> solvedIdx;
  for (size_t i : sym.constraints) {
    std::optional<ir::ResidueSet> s = solve(constraints[i], sym.symbol, sym.lo, sym.hi);
    if (!s) {
      sym.unsolved.push_back(i);
      continue;
    }
    sets.push_back(*s);
    solvedIdx.push_back(i);
  }
  // valid = the intersection; prefix/suffix intersections for "all but one".
  const size_t n = sets.size();
  std::vector<std::optional<ir::ResidueSet>> prefix(n + 1), suffix(n + 1);
  prefix[0] = everything(sym.lo, sym.hi);
  for (size_t i = 0; i < n; ++i) prefix[i + 1] = prefix[i] ? ir::intersect(*prefix[i], sets[i]) : std::nullopt;
  suffix[n] = everything(sym.lo, sym.hi);
  for (size_t i = n; i-- > 0;) suffix[i] = suffix[i + 1] ? ir::intersect(*suffix[i + 1], sets[i]) : std::nullopt;
  if (!prefix[n] || !sym.unsolved.empty()) return;  // not exact: no valid set
  sym.valid = prefix[n];
  for (size_t i = 0; i < n; ++i) {
    if (!prefix[i] || !suffix[i + 1]) continue;
    std::optional<ir::ResidueSet> others = ir::intersect(*prefix[i], *suffix[i + 1]);
    if (!others) continue;
    std::optional<ir::ResidueSet> onlyThis = ir::intersect(*others, ir::complement(sets[i]));
    if (onlyThis && !onlyThis->empty()) sym.binding.push_back({solvedIdx[i], onlyThis->members(3)});
  }
  if (sym.given) {
    for (size_t i = 0; i < n; ++i)
      if (!sets[i].contains(*sym.given)) sym.excludingGiven.push_back(solvedIdx[i]);
    for (int64_t v = *sym.given - 1, steps = 0; v >= sym.lo && steps < kMaxScan; --v, ++steps)
      if (sym.valid->contains(v)) {
        sym.validBelow = v;
        break;
      }
    for (int64_t v = *sym.given + 1, steps = 0; v <= sym.hi && steps < kMaxScan; ++v, ++steps)
      if (sym.valid->contains(v)) {
        sym.validAbove = v;
        break;
      }
  }
}

// The floor conditions on one symbol: per layer the sizes at which it runs
// and drops rows, and the sizes at which no layer's r exceeds pe + gap.
void solveFloors(SymbolSizes& sym, const std::vector<passes::FloorCondition>& floors) {
  std::optional<ir::ResidueSet> none = everything(sym.lo, sym.hi);
  for (size_t i : sym.floors) {
    const passes::FloorCondition& f = floors[i];
    const std::optional<ir::ResidueSet> ok = solve(f.noDrop(), sym.symbol, sym.lo, sym.hi);
    const std::optional<ir::ResidueSet> runs = solve(f.runs(), sym.symbol, sym.lo, sym.hi);
    std::optional<ir::ResidueSet> drops = ok && runs ? ir::intersect(ir::complement(*ok), *runs) : std::nullopt;
    if (!drops) {
      sym.floorsUnsolved.push_back(i);
      continue;
    }
    none = none ? ir::intersect(*none, *ok) : std::nullopt;
    if (drops->empty()) continue;
    if (sym.given && drops->contains(*sym.given)) sym.droppingGiven.push_back(i);
    sym.drops.push_back({i, std::move(*drops)});
  }
  if (sym.floorsUnsolved.empty()) sym.noDrop = none;
}

}  // namespace

int SizesReport::exitCode() const {
  if (loadError) return 2;
  if (!coupledViolated.empty()) return 1;
  for (const SymbolSizes& s : symbols) {
    if (s.valid && s.valid->empty()) return 1;
    if (s.given && s.valid && !s.valid->contains(*s.given)) return 1;
  }
  return 0;
}

SymbolSizes solveSymbolSizes(const std::string& symbol, const std::vector<passes::Constraint>& constraints,
                             int64_t lo, int64_t hi) {
  SymbolSizes sym;
  sym.symbol = symbol;
  sym.lo = lo;
  sym.hi = hi;
  for (size_t i = 0; i < constraints.size(); ++i) {
    const std::set<std::string> syms = symbolsOf(constraints[i]);
    if (syms.size() == 1 && *syms.begin() == symbol) sym.constraints.push_back(i);
  }
  solveSymbol(sym, constraints);
  return sym;
}

SizesReport sizesOfModelFile(const std::string& path, const SizesOptions& options) {
  SizesReport report;
  report.path = path;
  onnx::LoadResult loaded = onnx::loadModel(path, onnx::WeightBytes::kSkip);
  if (const auto* error = std::get_if<onnx::LoadError>(&loaded)) {
    report.loadError = error->message;
    return report;
  }
  return sizesOfModel(std::get<ir::Model>(loaded), options, path);
}

SizesReport sizesOfModel(ir::Model& model, const SizesOptions& options, const std::string& path) {
  SizesReport report;
  report.path = path;
  for (const auto& [name, shape] : options.inputShapes) {
    const ir::Value* v = model.graph.find(name);
    if (!v || !v->isGraphInput || v->isInitializer) {
      report.loadError = fmt::format("--input-shape names '{}', which is not a graph input of the model", name);
      return report;
    }
  }

  // The symbolic input shapes, and the given size of each symbol.
  passes::PassOptions passOptions;
  std::vector<std::string> order;  // symbols in the order the inputs name them
  std::map<std::string, SymbolSizes> bySymbol;
  size_t inputPos = 0;
  for (const std::string& name : model.graph.inputs) {
    const ir::Value* v = model.graph.find(name);
    if (!v || v->isInitializer || !v->hasDeclared || !v->declared.rankKnown()) continue;
    const auto user = options.inputShapes.find(name);
    const ir::Shape* given = user == options.inputShapes.end() ? nullptr : &user->second;
    if (given && (!given->rankKnown() || given->rank() != v->declared.rank())) {
      report.loadError = fmt::format("--input-shape for '{}' has rank {}, but the model declares {}", name,
                                     given->rankKnown() ? std::to_string(given->rank()) : "?", v->declared.str());
      return report;
    }
    ir::Shape shape = v->declared;
    bool changed = false;
    // A statically exported input (no symbolic spatial axis): its spatial axes become symbols.
    bool spatialSymbolic = false;
    for (size_t axis = 2; axis < shape.rank(); ++axis) spatialSymbolic = spatialSymbolic || shape[axis].isSymbol();
    for (size_t axis = 0; axis < shape.rank(); ++axis) {
      const ir::Dim declared = shape[axis];
      const ir::Dim* userDim = given ? &(*given)[axis] : nullptr;
      std::string symbol;
      bool fromStatic = false;
      if (declared.isSymbol()) {
        symbol = declared.symbol();
      } else if (shape.rank() >= 3 && axis >= 2 && !spatialSymbolic) {
        symbol = spatialName(shape.rank(), axis, inputPos);
        fromStatic = declared.isValue();
        shape[axis] = ir::Dim::symbol(symbol);
        changed = true;
      } else {
        if (userDim && !userDim->isUnknown()) {
          shape[axis] = *userDim;
          changed = true;
        }
        continue;
      }
      auto [it, inserted] = bySymbol.try_emplace(symbol);
      SymbolSizes& sym = it->second;
      if (inserted) {
        order.push_back(symbol);
        sym.symbol = symbol;
      }
      sym.where.push_back(fmt::format("{}[{}]", name, axis));
      sym.fromStatic = sym.fromStatic || fromStatic;
      report.staticModel = report.staticModel || fromStatic;
      if (!sym.given) {
        if (userDim && userDim->isValue())
          sym.given = userDim->value();
        else if (fromStatic)
          sym.given = declared.value();
      }
    }
    if (changed) passOptions.inputShapes[name] = shape;
    ++inputPos;
  }

  {
    passes::ConstraintCollector collector;
    passes::runShapePass(model, passOptions);
    report.constraints = collector.constraints();
    report.floors = collector.floors();
  }
  passes::collectGraphConstraints(model, report.constraints);

  for (size_t i = 0; i < report.constraints.size(); ++i) {
    const std::set<std::string> syms = symbolsOf(report.constraints[i]);
    if (syms.size() != 1) {
      report.coupled.push_back(i);
      continue;
    }
    const std::string& s = *syms.begin();
    auto [it, inserted] = bySymbol.try_emplace(s);
    if (inserted) {
      order.push_back(s);
      it->second.symbol = s;
    }
    it->second.constraints.push_back(i);
  }

  for (size_t i = 0; i < report.floors.size(); ++i) {
    const std::set<std::string> syms = ir::symbols(report.floors[i].input);
    if (syms.size() != 1) {
      report.coupledFloors.push_back(i);
      continue;
    }
    const auto it = bySymbol.find(*syms.begin());
    if (it != bySymbol.end()) it->second.floors.push_back(i);  // a symbol the inputs name
  }

  for (const std::string& s : order) {
    SymbolSizes sym = bySymbol[s];
    const auto range = options.ranges.find(s);
    sym.lo = range != options.ranges.end() ? range->second.first : options.defaultLo;
    sym.hi = range != options.ranges.end() ? range->second.second : options.defaultHi;
    if (sym.given) {
      sym.lo = std::min(sym.lo, *sym.given);
      sym.hi = std::max(sym.hi, *sym.given);
    }
    solveSymbol(sym, report.constraints);
    solveFloors(sym, report.floors);
    report.symbols.push_back(std::move(sym));
  }
  // A coupled constraint is judged when every symbol it mentions has a given size.
  ir::Bindings given;
  for (const SymbolSizes& sym : report.symbols)
    if (sym.given) given[sym.symbol] = *sym.given;
  for (size_t i : report.coupled) {
    const passes::Constraint& c = report.constraints[i];
    const std::optional<int64_t> a = ir::evaluate(c.a, given);
    const std::optional<int64_t> b = ir::evaluate(c.b, given);
    if (!a || !b) continue;
    bool holds = c.kind == passes::Constraint::Kind::kAtLeast ? *a >= *b : *a == *b;
    if (c.kind == passes::Constraint::Kind::kBroadcast) holds = holds || *a == 1 || *b == 1;
    if (!holds) report.coupledViolated.push_back(i);
  }
  for (const auto& [s, range] : options.ranges)
    if (!bySymbol.count(s)) {
      report.loadError = fmt::format("--dim names '{}', which is not a symbolic input dim of the model", s);
      return report;
    }
  return report;
}

}  // namespace shapelint
