// Size constraints recorded during propagation (shapelint/passes/constraints.h).
#include "shapelint/passes/constraints.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "passes/model_builder.h"
#include "shapelint/ir/expr.h"

namespace shapelint::testing {
namespace {

using passes::Constraint;

// x [1, 1, H, 8] -> MaxPool(k2, s2) -> [1, 1, H // 2, 4] -> ConvTranspose(k2, s2)
// -> [1, 1, 2*(H // 2), 8] (spec: o = s(i - 1) + k = 2(H // 2 - 1) + 2) -> Concat
// with x on axis 1, which needs 2*(H // 2) == H: H even.
ir::Model poolUpConcat() {
  ModelBuilder b(13);
  b.input("x", {1, 1, "H", 8}).initializer("w", {1, 1, 2, 2});
  b.node("MaxPool", {"x"}, {"p"}, {ints("kernel_shape", {2, 2}), ints("strides", {2, 2})}, "pool");
  b.node("ConvTranspose", {"p", "w"}, {"u"}, {ints("kernel_shape", {2, 2}), ints("strides", {2, 2})}, "up");
  b.node("Concat", {"u", "x"}, {"y"}, {intAttr("axis", 1)}, "cat");
  b.output("y");
  return b.build();
}

const Constraint* findOp(const std::vector<Constraint>& cs, const std::string& op) {
  auto it = std::find_if(cs.begin(), cs.end(), [&](const Constraint& c) { return c.op == op; });
  return it == cs.end() ? nullptr : &*it;
}

TEST(Constraints, PoolUpConcatRecordsEachCondition) {
  ir::Model m = poolUpConcat();
  passes::ConstraintCollector collector;
  passes::runShapePass(m, {});
  const std::vector<Constraint>& cs = collector.constraints();

  const Constraint* pool = findOp(cs, "MaxPool");  // padded input covers the kernel: H + 0 >= 2
  ASSERT_NE(pool, nullptr);
  EXPECT_EQ(pool->kind, Constraint::Kind::kAtLeast);
  EXPECT_EQ(pool->node, "pool");
  EXPECT_EQ(pool->str(), "H >= 2");

  const Constraint* up = findOp(cs, "ConvTranspose");  // output at least 1
  ASSERT_NE(up, nullptr);
  EXPECT_EQ(up->str(), "2*(H // 2) >= 1");

  const Constraint* cat = findOp(cs, "Concat");
  ASSERT_NE(cat, nullptr);
  EXPECT_EQ(cat->kind, Constraint::Kind::kEqual);
  EXPECT_EQ(cat->node, "cat");
  std::optional<ir::ResidueSet> set = ir::solveEqual(cat->a, cat->b, "H", 1, 20);
  ASSERT_TRUE(set);
  EXPECT_EQ(set->members(5), (std::vector<int64_t>{2, 4, 6, 8, 10}));

  // Static dims give no constraint (W = 8 pools to 4 and comes back as 8).
  for (const Constraint& c : cs) EXPECT_FALSE(ir::symbols(c.a).empty() && ir::symbols(c.b).empty()) << c.str();
}

// Without a collector nothing is recorded and the findings are the same.
TEST(Constraints, CheckIsUnchangedWithoutCollector) {
  ir::Model plain = poolUpConcat();
  const passes::PassResult without = passes::runShapePass(plain, {});
  ir::Model collected = poolUpConcat();
  passes::ConstraintCollector collector;
  const passes::PassResult with = passes::runShapePass(collected, {});
  ASSERT_EQ(with.diagnostics.size(), without.diagnostics.size());
  for (size_t i = 0; i < with.diagnostics.size(); ++i)
    EXPECT_EQ(with.diagnostics[i].message, without.diagnostics[i].message);
  passes::recordConstraint(Constraint::Kind::kEqual, ir::Dim::symbol("H"), ir::Dim::value(3), "test");
  EXPECT_EQ(collector.constraints().back().str(), "H == 3");
}

// Reshape [1, 1, H, 3] to [1, -1, 4]: the 3*H elements divide by 4.
TEST(Constraints, ReshapeElementCountFromGraph) {
  ModelBuilder b(13);
  b.input("x", {1, 1, "H", 3}).constant("s", {1, -1, 4});
  b.node("Reshape", {"x", "s"}, {"y"}, {}, "flat");
  b.output("y");
  ir::Model m = b.build();
  passes::runShapePass(m, {});
  std::vector<Constraint> cs;
  passes::collectGraphConstraints(m, cs);
  ASSERT_EQ(cs.size(), 1u);
  EXPECT_EQ(cs[0].node, "flat");
  std::optional<ir::ResidueSet> set = ir::solveEqual(cs[0].a, cs[0].b, "H", 1, 20);
  ASSERT_TRUE(set);
  EXPECT_EQ(set->members(5), (std::vector<int64_t>{4, 8, 12, 16, 20}));
}

// SpaceToDepth(blocksize 2) on [1, C, H, 6]: H even; W = 6 is static.
TEST(Constraints, SpaceToDepthDivisibility) {
  ModelBuilder b(13);
  b.input("x", {1, 4, "H", 6});
  b.node("SpaceToDepth", {"x"}, {"y"}, {intAttr("blocksize", 2)}, "s2d");
  b.output("y");
  ir::Model m = b.build();
  passes::runShapePass(m, {});
  std::vector<Constraint> cs;
  passes::collectGraphConstraints(m, cs);
  ASSERT_EQ(cs.size(), 1u);
  EXPECT_EQ(cs[0].str(), "H == 2*(H // 2)");
}

// Split (opset 13, no split input) into 3 outputs along axis 2 of [1, 2, L]:
// the spec requires L divisible by 3.
TEST(Constraints, EqualSplitDivisibility) {
  ModelBuilder b(13);
  b.input("x", {1, 2, "L"});
  b.node("Split", {"x"}, {"a", "b", "c"}, {intAttr("axis", -1)}, "split3");
  ir::Model m = b.build();
  passes::runShapePass(m, {});
  std::vector<Constraint> cs;
  passes::collectGraphConstraints(m, cs);
  ASSERT_EQ(cs.size(), 1u);
  std::optional<ir::ResidueSet> set = ir::solveEqual(cs[0].a, cs[0].b, "L", 1, 12);
  ASSERT_TRUE(set);
  EXPECT_EQ(set->members(5), (std::vector<int64_t>{3, 6, 9, 12}));
}

// Constants on a symbolic axis (ONNX spec): Gather's indices lie in
// [-dim, dim - 1] (indices 2 and -4 on L: L >= max(3, 4) = 4); Pad with pads
// [0, 0, -3, 0, 0, -2] (begin then end per axis) leaves L - 5 >= 0 rows; Split
// with sizes [2, 3] on L needs L == 5 (torch ground truth for Split and Gather:
// tests/models/sizes split_fixed and gather_index).
TEST(Constraints, GatherPadSplitConstants) {
  ModelBuilder b(13);
  b.input("x", {1, 2, "L"}).constant("idx", {2, -4}).constant("pads", {0, 0, -3, 0, 0, -2}).constant("sizes", {2, 3});
  b.node("Gather", {"x", "idx"}, {"g"}, {intAttr("axis", 2)}, "gather");
  b.node("Pad", {"x", "pads"}, {"p"}, {}, "crop");
  b.node("Split", {"x", "sizes"}, {"s0", "s1"}, {intAttr("axis", 2)}, "split");
  ir::Model m = b.build();
  passes::runShapePass(m, {});
  std::vector<Constraint> cs;
  passes::collectGraphConstraints(m, cs);
  auto solved = [&](const std::string& op) {
    const Constraint* c = findOp(cs, op);
    EXPECT_NE(c, nullptr) << op;
    if (!c) return std::vector<int64_t>{};
    std::optional<ir::ResidueSet> set = c->kind == Constraint::Kind::kEqual ? ir::solveEqual(c->a, c->b, "L", 1, 8)
                                                                            : ir::solveAtLeast(c->a, c->b, "L", 1, 8);
    return set ? set->members(10) : std::vector<int64_t>{};
  };
  EXPECT_EQ(solved("Gather"), (std::vector<int64_t>{4, 5, 6, 7, 8}));
  EXPECT_EQ(solved("Pad"), (std::vector<int64_t>{5, 6, 7, 8}));
  EXPECT_EQ(solved("Split"), (std::vector<int64_t>{5}));
}

// Floor conditions (SL204's): MaxPool k2 s2 on H records r = (H - 2) mod 2 > 0
// (gap 0, pe 0); Conv k3 s2 p1 records nothing: r = (i - 1) mod 2 <= 1 = pe,
// it never drops a row; SAME never drops either.
TEST(Constraints, FloorConditionsOnlyWhereRowsCanDrop) {
  ModelBuilder b(13);
  b.input("x", {1, 1, "H", 8}).initializer("w", {1, 1, 3, 3});
  b.node("MaxPool", {"x"}, {"p"}, {ints("kernel_shape", {2, 2}), ints("strides", {2, 2})}, "pool");
  b.node("Conv", {"p", "w"}, {"c"}, {ints("strides", {2, 2}), ints("pads", {1, 1, 1, 1})}, "conv");
  b.node("Conv", {"c", "w"}, {"s"}, {ints("strides", {2, 2}), stringAttr("auto_pad", "SAME_UPPER")}, "same");
  b.node("Conv", {"s", "w"}, {"v"}, {ints("strides", {3, 3})}, "valid");
  b.output("v");
  ir::Model m = b.build();
  passes::ConstraintCollector collector;
  passes::runShapePass(m, {});
  const std::vector<passes::FloorCondition>& fs = collector.floors();
  ASSERT_EQ(fs.size(), 2u);
  EXPECT_EQ(fs[0].node, "pool");
  EXPECT_EQ(fs[0].axis, 2u);
  EXPECT_EQ(fs[0].str(), "(H + 0 + 0 - 2) mod 2 > 0");
  // VALID k3 s3 on the SAME output ceil(((H // 2 + 1) // 2) / 2): r = (i - 3) mod 3, gap 0.
  EXPECT_EQ(fs[1].node, "valid");
  EXPECT_EQ(fs[1].allowed(), 0);
  // Solved by hand: pool drops when H is odd (and H >= 2 so it runs).
  std::optional<ir::ResidueSet> ok = ir::solveAtLeast(fs[0].noDrop().a, fs[0].noDrop().b, "H", 1, 12);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->members(6), (std::vector<int64_t>{2, 4, 6, 8, 10, 12}));
}

}  // namespace
}  // namespace shapelint::testing
