// Loop and Scan bodies whose inputs declare no shape are inferred from the
// node's outer shapes (the first iteration's), not left unknown.
#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/model_builder.h"

namespace shapelint::testing {
namespace {

using ::testing::IsEmpty;

const ir::Shape kNoShape;  // declared without a shape (unknown rank)

ir::Attribute graphAttr(std::string name, const ModelBuilder& body) {
  ir::Attribute a;
  a.name = std::move(name);
  a.type = ir::Attribute::Type::kGraph;
  a.mutableGraphs().push_back(std::make_shared<ir::Graph>(body.build().graph));
  return a;
}

TEST(BodySeeds, loop_carried_input_takes_the_initial_shape) {
  // Body (i, cond, x) -> (cond, x + x, relu(x)), no shapes declared; x
  // starts as [N, 3]: x + x is [N, 3] every iteration, the scan output
  // stacks 5 of them: [5, N, 3].
  ModelBuilder body(13);
  body.input("i", kNoShape, ir::kInt64).input("c", kNoShape, ir::kBool).input("x_in", kNoShape);
  body.node("Identity", {"c"}, {"c_out"});
  body.node("Add", {"x_in", "x_in"}, {"x_out"});
  body.node("Relu", {"x_in"}, {"scan"});
  body.output("c_out").output("x_out").output("scan");
  ModelBuilder b(13);
  b.constant("m", {5}).input("x", {"N", 3});
  b.node("Loop", {"m", "", "x"}, {"x_final", "scans"}, {graphAttr("body", body)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("x_final"), shape({"N", 3}));
  EXPECT_EQ(r.shapeOf("scans"), shape({5, "N", 3}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(BodySeeds, scan_input_is_one_slice) {
  // xs [2, T] scanned on axis 1: each slice is [2]; s [2]; s + x is [2].
  ModelBuilder body(11);
  body.input("s_in", kNoShape).input("x_in", kNoShape);
  body.node("Add", {"s_in", "x_in"}, {"s_out"});
  body.node("Identity", {"x_in"}, {"y"});
  body.output("s_out").output("y");
  ModelBuilder b(11);
  b.input("s", {2}).input("xs", {2, "T"});
  b.node("Scan", {"s", "xs"}, {"s_final", "ys"},
         {graphAttr("body", body), intAttr("num_scan_inputs", 1), ints("scan_input_axes", {1})});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("s_final"), shape({2}));
  EXPECT_EQ(r.shapeOf("ys"), shape({"T", 2}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

}  // namespace
}  // namespace shapelint::testing
