// `shapelint sizes`: which input sizes a model accepts. Loads the model,
// runs the shape pass with its input dims symbolic while collecting the size
// constraints (shapelint/passes/constraints.h), and solves them per symbol:
// the exact set of valid sizes in a range, as a union of residue classes
// above a bound (ir::ResidueSet), with the constraints that bind it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "shapelint/ir/dim.h"
#include "shapelint/ir/expr.h"
#include "shapelint/ir/graph.h"
#include "shapelint/passes/constraints.h"

namespace shapelint {

struct SizesOptions {
  // --dim H=LO..HI: the range each symbol is solved over.
  std::map<std::string, std::pair<int64_t, int64_t>> ranges;
  int64_t defaultLo = 1;
  int64_t defaultHi = 4096;
  // --input-shape NAME:DIMS: concrete sizes to judge (values at the model's
  // symbolic axes, or at the spatial axes of a static model).
  std::map<std::string, ir::Shape> inputShapes;
};

// A constraint that excludes sizes the others allow.
struct BindingConstraint {
  size_t constraint = 0;          // index into SizesReport::constraints
  std::vector<int64_t> excludes;  // the smallest sizes only it excludes (at most 3)
};

// Where one strided layer drops real rows (SL204's condition), as sizes of
// one symbol. Informational: those sizes are valid unless a merge fails.
struct FloorDrops {
  size_t floor = 0;      // index into SizesReport::floors
  ir::ResidueSet drops;  // the sizes in [lo, hi] at which it drops rows (and runs)
};

struct SymbolSizes {
  std::string symbol;
  std::vector<std::string> where;  // "x[2]": the input axes that carry it
  bool fromStatic = false;         // a static spatial axis made symbolic
  int64_t lo = 1, hi = 1;
  // The valid sizes in [lo, hi] given the constraints on this symbol alone;
  // std::nullopt when some constraint could not be solved exactly (see
  // unsolved).
  std::optional<ir::ResidueSet> valid;
  std::vector<size_t> constraints;  // the one-symbol constraints on it
  std::vector<size_t> unsolved;     // constraints on it alone that are not exactly solvable
  std::vector<BindingConstraint> binding;
  // The size given by --input-shape or by the static model.
  std::optional<int64_t> given;
  std::vector<size_t> excludingGiven;  // constraints the given size violates
  std::optional<int64_t> validBelow;   // nearest valid sizes (in [lo, hi])
  std::optional<int64_t> validAbove;
  bool givenValid() const { return given && valid && valid->contains(*given); }

  // Floor truncation (informational, kept apart from `valid`): the
  // one-symbol floor conditions on it, the sizes at which no layer drops rows
  // (std::nullopt when one was not solved exactly), and per layer the sizes
  // at which it drops some (layers that drop at no size in [lo, hi] left out).
  std::vector<size_t> floors;
  std::vector<size_t> floorsUnsolved;
  std::optional<ir::ResidueSet> noDrop;
  std::vector<FloorDrops> drops;
  std::vector<size_t> droppingGiven;  // floor conditions under which the given size drops rows
};

struct SizesReport {
  std::string path;
  std::optional<std::string> loadError;  // or a usage error (unknown input, bad range)
  std::vector<passes::Constraint> constraints;
  std::vector<SymbolSizes> symbols;
  std::vector<size_t> coupled;  // constraints that mention several symbols
  // Floor truncation (passes::FloorCondition), informational.
  std::vector<passes::FloorCondition> floors;
  std::vector<size_t> coupledFloors;  // floor conditions whose input mentions several symbols
  // Coupled constraints that every symbol of has a given size, and that are
  // false at those sizes (evaluated, not solved).
  std::vector<size_t> coupledViolated;
  bool staticModel = false;  // some static spatial axis was made symbolic
  // 0: every given size valid (or none given and no empty set);
  // 1: a given size invalid, a coupled constraint false at the given sizes,
  // or a valid set empty; 2: load or usage error.
  int exitCode() const;
};

SizesReport sizesOfModelFile(const std::string& path, const SizesOptions& options);
// The same on a loaded model (its inferred shapes are overwritten); `path`
// only names it in the report.
SizesReport sizesOfModel(ir::Model& model, const SizesOptions& options, const std::string& path = "");

// The valid sizes of one symbol in [lo, hi] under the constraints that
// mention it alone (symbol, lo, hi, constraints, unsolved, valid, binding set;
// no given size). `check` uses it for SL104/SL105.
SymbolSizes solveSymbolSizes(const std::string& symbol, const std::vector<passes::Constraint>& constraints,
                             int64_t lo, int64_t hi);

std::string renderSizesText(const SizesReport& report);
std::string renderSizesJson(const SizesReport& report);

}  // namespace shapelint
