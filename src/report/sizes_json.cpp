// renderSizesJson: `shapelint sizes --format json` (fields in README.md).
#include <nlohmann/json.hpp>

#include "shapelint/sizes.h"

namespace shapelint {
namespace {

const char* kindName(passes::Constraint::Kind k) {
  switch (k) {
    case passes::Constraint::Kind::kEqual:
      return "equal";
    case passes::Constraint::Kind::kBroadcast:
      return "broadcast";
    case passes::Constraint::Kind::kAtLeast:
      return "at_least";
  }
  return "";
}

nlohmann::json optionalInt(const std::optional<int64_t>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

}  // namespace

std::string renderSizesJson(const SizesReport& r) {
  nlohmann::json out;
  out["path"] = r.path;
  out["exit_code"] = r.exitCode();
  if (r.loadError) {
    out["error"] = *r.loadError;
    return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }
  out["static_model"] = r.staticModel;
  nlohmann::json constraints = nlohmann::json::array();
  for (const passes::Constraint& c : r.constraints)
    constraints.push_back({{"kind", kindName(c.kind)},
                           {"a", c.a.str()},
                           {"b", c.b.str()},
                           {"text", c.str()},
                           {"node", c.node},
                           {"op", c.op},
                           {"rule", c.rule}});
  out["constraints"] = constraints;
  nlohmann::json floors = nlohmann::json::array();
  for (const passes::FloorCondition& f : r.floors)
    floors.push_back({{"node", f.node},
                      {"op", f.op},
                      {"axis", f.axis},
                      {"input", f.input.str()},
                      {"kernel", f.kernel},
                      {"stride", f.stride},
                      {"pads", {f.padBegin, f.padEnd}},
                      {"gap", f.gap()},
                      {"text", f.str()}});
  out["floors"] = floors;
  out["coupled_floors"] = r.coupledFloors;
  out["coupled"] = r.coupled;
  out["coupled_violated"] = r.coupledViolated;
  nlohmann::json symbols = nlohmann::json::array();
  for (const SymbolSizes& s : r.symbols) {
    nlohmann::json j;
    j["symbol"] = s.symbol;
    j["where"] = s.where;
    j["from_static"] = s.fromStatic;
    j["range"] = {s.lo, s.hi};
    j["constraints"] = s.constraints;
    j["unsolved"] = s.unsolved;
    j["exact"] = s.valid.has_value();
    if (s.valid) {
      j["valid"] = {{"formula", s.valid->str(s.symbol)},
                    {"empty", s.valid->empty()},
                    {"smallest", s.valid->members(5)},
                    {"modulus", s.valid->modulus},
                    {"residues", s.valid->residues},
                    {"min", s.valid->min},
                    {"below", s.valid->below}};
    } else {
      j["valid"] = nullptr;
    }
    nlohmann::json binding = nlohmann::json::array();
    for (const BindingConstraint& b : s.binding)
      binding.push_back({{"constraint", b.constraint}, {"excludes", b.excludes}});
    j["binding"] = binding;
    j["given"] = optionalInt(s.given);
    if (s.given) {
      j["given_valid"] = s.givenValid();
      j["excluding_given"] = s.excludingGiven;
      j["valid_below"] = optionalInt(s.validBelow);
      j["valid_above"] = optionalInt(s.validAbove);
    }
    j["floors"] = s.floors;
    j["floors_unsolved"] = s.floorsUnsolved;
    if (s.noDrop)
      j["no_drop"] = {{"formula", s.noDrop->str(s.symbol)},
                      {"empty", s.noDrop->empty()},
                      {"smallest", s.noDrop->members(5)},
                      {"modulus", s.noDrop->modulus},
                      {"residues", s.noDrop->residues}};
    else
      j["no_drop"] = nullptr;
    nlohmann::json drops = nlohmann::json::array();
    for (const FloorDrops& d : s.drops)
      drops.push_back({{"floor", d.floor}, {"formula", d.drops.str(s.symbol)}, {"smallest", d.drops.members(5)}});
    j["drops"] = drops;
    if (s.given) j["dropping_given"] = s.droppingGiven;
    symbols.push_back(j);
  }
  out["symbols"] = symbols;
  return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace shapelint
