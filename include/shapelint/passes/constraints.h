// Size constraints collected during shape propagation: each exact condition
// on the input symbols that must hold for the model to run, with the node
// that imposes it. `shapelint sizes` solves them (src/driver/sizes.cpp).
//
// Collection is off unless a ConstraintCollector is alive on the calling
// thread: the shape functions call recordConstraint() from the shared merge
// and window helpers, which is a no-op otherwise, so `check` is unchanged.
// The pass names the node being inferred with a ConstraintOrigin.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "shapelint/ir/dim.h"
#include "shapelint/ir/graph.h"

namespace shapelint::passes {

struct Constraint {
  enum class Kind {
    kEqual,      // a == b (Concat off-axis, MatMul contraction, divisibility: C ==
                 // 4*(C // 4))
    kBroadcast,  // a == b, or a == 1, or b == 1 (numpy broadcasting)
    kAtLeast,    // a >= b (a window covers its kernel, an output is at least 1)
  };
  Kind kind = Kind::kEqual;
  ir::Dim a;
  ir::Dim b;
  std::string node;  // the node that imposes it (name, may be empty)
  std::string op;    // its op type
  std::string rule;  // what the condition is, for a reader ("padded input covers
                     // the kernel")

  // "(H + 3) // 4 == H // 4" etc.
  std::string str() const;
  friend bool operator==(const Constraint&, const Constraint&) = default;
};

// Where a strided window layer (Conv, a floor-mode pool) drops real rows on
// one axis: rule SL204's condition (conv-arithmetic.md, "Floor truncation
// that matters") on a symbolic input dim i,
//   r = (i + pb + pe - ke) mod s, dropped = max(0, r - pe) > gap = max(0, s - ke),
// i.e. rows drop exactly when r > pe + gap (gap >= 0). Informational: a size
// at which a layer drops rows still runs; only a failing merge makes it invalid.
// Recorded only where some size can drop rows (pe + gap < s - 1) and i has a
// symbol; SAME never drops (its pads reach the last row), nor does a
// ceil_mode pool whose output has an expression (ke - pe >= s).
struct FloorCondition {
  ir::Dim input;       // i: the layer's input dim, over the input symbols
  size_t axis = 0;     // tensor axis (2 and up)
  int64_t kernel = 1;  // ke = d(k - 1) + 1
  int64_t stride = 1;
  int64_t padBegin = 0;
  int64_t padEnd = 0;
  std::string node;
  std::string op;

  int64_t gap() const { return stride > kernel ? stride - kernel : 0; }
  // pe + gap: the largest r that drops no row beyond the gap.
  int64_t allowed() const { return padEnd + gap(); }
  // r = n - s*(n // s), n = i + pb + pe - ke; unknown on overflow.
  ir::Dim remainder() const;
  // No row dropped: pe + gap >= r.
  Constraint noDrop() const;
  // The layer runs at all: i + pb + pe >= ke (outside it "drops" nothing).
  Constraint runs() const;
  // "(H + 1) % 2 > 0" style: "r = (i + 0 + 0 - 2) mod 2 > 0 with i = H // 2"
  std::string str() const;
  friend bool operator==(const FloorCondition&, const FloorCondition&) = default;
};

// Collects the constraints recorded on this thread while it lives (nested
// collectors: the innermost collects). Not copyable.
class ConstraintCollector {
 public:
  ConstraintCollector();
  ~ConstraintCollector();
  ConstraintCollector(const ConstraintCollector&) = delete;
  ConstraintCollector& operator=(const ConstraintCollector&) = delete;

  // In recording order, without duplicates.
  const std::vector<Constraint>& constraints() const { return constraints_; }
  // The floor conditions (recordFloor), in recording order, without duplicates.
  const std::vector<FloorCondition>& floors() const { return floors_; }

 private:
  friend void recordConstraint(Constraint::Kind, const ir::Dim&, const ir::Dim&, const std::string&);
  friend void recordFloor(const ir::Dim&, size_t, int64_t, int64_t, int64_t, int64_t);
  std::vector<Constraint> constraints_;
  std::vector<FloorCondition> floors_;
  ConstraintCollector* previous_;
};

// How many conditions a collector on this thread has been given so far
// (recordConstraint and recordFloor calls that kept one, duplicates too):
// the pass sees from it whether a shape function recorded any.
uint64_t constraintsRecorded();

// Names the node whose shape function runs while it lives (set by the pass).
class ConstraintOrigin {
 public:
  explicit ConstraintOrigin(const ir::Node& node);
  ~ConstraintOrigin();
  ConstraintOrigin(const ConstraintOrigin&) = delete;
  ConstraintOrigin& operator=(const ConstraintOrigin&) = delete;

 private:
  const ir::Node* previous_;
};

// Records a condition when a collector is alive. Conditions with no symbol,
// or with an unknown side, are dropped (nothing to solve).
void recordConstraint(Constraint::Kind kind, const ir::Dim& a, const ir::Dim& b, const std::string& rule);

// Records where a floor-mode window on tensor axis `axis` with input dim
// `input`, effective kernel `ke`, stride and resolved pads drops real rows,
// when a collector is alive, `input` has a symbol, and some size can drop
// rows (pe + max(0, s - ke) < s - 1).
void recordFloor(const ir::Dim& input, size_t axis, int64_t ke, int64_t stride, int64_t padBegin, int64_t padEnd);

// The conditions of ops whose shape functions do not record them yet, read
// from a model the pass has run on: Reshape's element count (with a -1:
// `total == k*(total // k)`, k the product of the other target dims;
// without: equal totals), SpaceToDepth (H and W divisible by the block) and
// DepthToSpace (C divisible by block^2), Split into equal parts before
// opset 18 (the axis divisible by the number of outputs), Split with
// explicit constant sizes (they add up to the axis), Gather with constant
// indices (each inside the axis: dim >= max(i + 1, -i)), Pad with constant
// negative pads (dim + pb + pe >= 0). Appended to `out`, deduplicated.
void collectGraphConstraints(const ir::Model& model, std::vector<Constraint>& out);

// Appends `c` unless it has no symbol, an unknown side, or is already in `out`.
void appendConstraint(std::vector<Constraint>& out, Constraint c);

}  // namespace shapelint::passes
