// If passes data through: the taken branch's when the condition is a
// constant, the common values when both branches give the same.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "passes/data_test_util.h"

namespace shapelint::testing {
namespace {

using ::testing::IsEmpty;

// A branch attribute `name` from a builder whose graph reads `outer` from
// the enclosing graph.
ir::Attribute branchAttr(const char* name, ModelBuilder& body, std::vector<std::string> outer = {}) {
  ir::Model m = body.build();
  auto graph = std::make_shared<ir::Graph>(m.graph);
  graph->outerScopeNames = std::move(outer);
  ir::Attribute a;
  a.name = name;
  a.type = ir::Attribute::Type::kGraph;
  a.mutableGraphs() = {graph};
  return a;
}

TEST(IfData, constant_condition_takes_its_branch) {
  // then: [1, 2] (shape [2]); else: [3, 4, 5] (shape [3]). cond = true.
  ModelBuilder thenB(13);
  constInts(thenB, "v", {1, 2});
  thenB.output("v");
  ModelBuilder elseB(13);
  constInts(elseB, "w", {3, 4, 5});
  elseB.output("w");
  for (int64_t cond : {1, 0}) {
    ModelBuilder b(13);
    b.node("Constant", {}, {"c"}, {tensorAttr("value", {}, {cond}, ir::kBool)});
    b.node("If", {"c"}, {"y"}, {branchAttr("then_branch", thenB), branchAttr("else_branch", elseB)});
    Inferred r = infer(b);
    EXPECT_EQ(r.shapeOf("y"), shape({cond ? 2 : 3})) << cond;
    EXPECT_EQ(dataStr(r, "y"), cond ? "[1, 2]" : "[3, 4, 5]") << cond;
    EXPECT_THAT(r.diagnostics, IsEmpty());
  }
}

TEST(IfData, unknown_condition_same_values_in_both_branches) {
  // Both branches give Shape(x) of the outer x = [N, 64]; they differ in a
  // second output ([1] vs [2]), which stays without data.
  auto branchOf = [](int64_t k) {
    ModelBuilder body(13);
    body.node("Shape", {"x"}, {"s"});
    constInts(body, "k", {k});
    body.output("s").output("k");
    return body;
  };
  ModelBuilder thenB = branchOf(1);
  ModelBuilder elseB = branchOf(2);
  ModelBuilder b(13);
  b.input("x", {"N", 64}).input("c", kScalar, ir::kBool);
  b.node("If", {"c"}, {"y", "z"}, {branchAttr("then_branch", thenB, {"x"}), branchAttr("else_branch", elseB, {"x"})});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({2}));
  EXPECT_EQ(dataStr(r, "y"), "[N, 64]");
  EXPECT_EQ(r.shapeOf("z"), shape({1}));
  EXPECT_EQ(dataStr(r, "z"), "none");
}

}  // namespace
}  // namespace shapelint::testing
