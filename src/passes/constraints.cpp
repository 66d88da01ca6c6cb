#include "shapelint/passes/constraints.h"

#include <fmt/format.h>

#include <algorithm>

#include "shapelint/ir/checked.h"
#include "shapelint/ir/expr.h"

namespace shapelint::passes {

namespace {
thread_local ConstraintCollector* tCollector = nullptr;
thread_local const ir::Node* tNode = nullptr;
}  // namespace

std::string Constraint::str() const {
  switch (kind) {
    case Kind::kEqual:
      return a.str() + " == " + b.str();
    case Kind::kBroadcast:
      return a.str() + " == " + b.str() + " (or either is 1)";
    case Kind::kAtLeast:
      return a.str() + " >= " + b.str();
  }
  return "";
}

ir::Dim FloorCondition::remainder() const {
  // n = i + (pb + pe - ke): pads and kernel are bounded by the parser, the sum is checked.
  const std::optional<int64_t> pads = ir::checkedAdd(padBegin, padEnd);
  const std::optional<int64_t> constant = pads ? ir::checkedSub(*pads, kernel) : std::nullopt;
  if (!constant) return ir::Dim::unknown();
  const std::optional<ir::Dim> n = ir::add(input, ir::Dim::value(*constant));
  const std::optional<ir::Dim> r = ir::sub(n, ir::mul(ir::floorDiv(n, stride), stride));
  return r ? *r : ir::Dim::unknown();
}

Constraint FloorCondition::noDrop() const {
  return {Constraint::Kind::kAtLeast,
          ir::Dim::value(allowed()),
          remainder(),
          node,
          op,
          "no real row dropped beyond the gap: pe + max(0, s - ke) >= (i + pb + pe - ke) mod s"};
}

Constraint FloorCondition::runs() const {
  const std::optional<int64_t> pads = ir::checkedAdd(padBegin, padEnd);
  const std::optional<ir::Dim> padded = pads ? ir::add(input, ir::Dim::value(*pads)) : std::nullopt;
  return {Constraint::Kind::kAtLeast,
          padded ? *padded : ir::Dim::unknown(),
          ir::Dim::value(kernel),
          node,
          op,
          "the padded input covers the kernel: i + pb + pe >= ke"};
}

std::string FloorCondition::str() const {
  const std::string i = input.isExpr() ? "(" + input.str() + ")" : input.str();
  return fmt::format("({} + {} + {} - {}) mod {} > {}", i, padBegin, padEnd, kernel, stride, allowed());
}

ConstraintCollector::ConstraintCollector() : previous_(tCollector) { tCollector = this; }
ConstraintCollector::~ConstraintCollector() { tCollector = previous_; }

ConstraintOrigin::ConstraintOrigin(const ir::Node& node) : previous_(tNode) { tNode = &node; }
ConstraintOrigin::~ConstraintOrigin() { tNode = previous_; }

namespace {

// Conditions recorded on this thread (constraintsRecorded).
thread_local uint64_t tRecorded = 0;

bool worthKeeping(const Constraint& c) {
  if (c.a.isUnknown() || c.b.isUnknown()) return false;
  if (ir::symbols(c.a).empty() && ir::symbols(c.b).empty()) return false;
  return c.a != c.b;  // equal: holds at every size, nothing to solve (and most merges are this)
}

}  // namespace

uint64_t constraintsRecorded() { return tRecorded; }

void appendConstraint(std::vector<Constraint>& out, Constraint c) {
  if (!worthKeeping(c)) return;
  if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(std::move(c));
}

void recordConstraint(Constraint::Kind kind, const ir::Dim& a, const ir::Dim& b, const std::string& rule) {
  if (!tCollector) return;
  Constraint c;
  c.kind = kind;
  c.a = a;
  c.b = b;
  c.rule = rule;
  if (tNode) {
    c.node = tNode->name;
    c.op = tNode->opType;
  }
  if (!worthKeeping(c)) return;
  ++tRecorded;
  appendConstraint(tCollector->constraints_, std::move(c));
}

void recordFloor(const ir::Dim& input, size_t axis, int64_t ke, int64_t stride, int64_t padBegin, int64_t padEnd) {
  if (!tCollector || input.isUnknown() || ir::symbols(input).empty()) return;
  if (ke < 1 || stride < 2 || padBegin < 0 || padEnd < 0) return;
  FloorCondition f;
  f.input = input;
  f.axis = axis;
  f.kernel = ke;
  f.stride = stride;
  f.padBegin = padBegin;
  f.padEnd = padEnd;
  // r <= s - 1 always: no size drops rows when pe + gap >= s - 1.
  if (f.padEnd >= stride - 1 || f.allowed() >= stride - 1) return;
  if (tNode) {
    f.node = tNode->name;
    f.op = tNode->opType;
  }
  ++tRecorded;
  std::vector<FloorCondition>& out = tCollector->floors_;
  if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(std::move(f));
}

}  // namespace shapelint::passes
