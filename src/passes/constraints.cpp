#include "shapelint/passes/constraints.h"

#include <algorithm>

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

ConstraintCollector::ConstraintCollector() : previous_(tCollector) { tCollector = this; }
ConstraintCollector::~ConstraintCollector() { tCollector = previous_; }

ConstraintOrigin::ConstraintOrigin(const ir::Node& node) : previous_(tNode) { tNode = &node; }
ConstraintOrigin::~ConstraintOrigin() { tNode = previous_; }

void appendConstraint(std::vector<Constraint>& out, Constraint c) {
  if (c.a.isUnknown() || c.b.isUnknown()) return;
  if (ir::symbols(c.a).empty() && ir::symbols(c.b).empty()) return;
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
  appendConstraint(tCollector->constraints_, std::move(c));
}

}  // namespace shapelint::passes
