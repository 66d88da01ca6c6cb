// What the pass's speed-ups (issue 8) must not change: the help line of a
// symbolic SL202, formatted only when it is reported; input shapes handed to
// shape functions by reference, with declared dims still filling unknown
// ones; a node that reads its own output.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "passes/model_builder.h"

namespace shapelint::passes {
namespace {

using ::testing::HasSubstr;
using testing::Inferred;
using testing::ints;
using testing::ModelBuilder;
using testing::shape;

TEST(PassPerf, symbolic_below_one_keeps_its_help_line) {
  // k = 3, s = 2, no pads, 63 times on H: conv63's output
  // floor((H + 1)/2^63) - 1 is below 1 for every H (see
  // WindowSymbolicModel.deep_valid_chain_reports_below_one_once_it_is_provable).
  ModelBuilder b(13);
  b.input("x", {1, 1, "H", 1}).initializer("w", {1, 1, 3, 1});
  std::string in = "x";
  for (int layer = 1; layer <= 63; ++layer) {
    const std::string out = "y" + std::to_string(layer);
    b.node("Conv", {in, "w"}, {out}, {ints("strides", {2, 1})}, "conv" + std::to_string(layer));
    in = out;
  }
  Inferred r = testing::infer(b);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  const std::string input = r.shapeOf("y62")[2].str();
  EXPECT_EQ(r.diagnostics.front().help,
            "the kernel spans 3 but the padded input " + input +
                " + 0 + 0 is smaller for every size: feed a larger input on axis 2, pad more, or use a smaller "
                "kernel or dilation");
}

TEST(PassPerf, declared_dims_fill_unknown_inferred_dims_of_an_input) {
  // x [N, ?] declared, y =
  // Relu(x) inferred [N, ?]; y's value_info declares [N, 7], so z = Relu(y)
  // sees [N, 7] (declared fills the unknown dim).
  ModelBuilder b(13);
  b.input("x", {"N", "?"});
  b.node("Relu", {"x"}, {"y"});
  b.node("Relu", {"y"}, {"z"});
  ir::Model m = b.build();
  ir::Value* y = m.graph.find("y");
  y->hasDeclared = true;
  y->declared = shape({"N", 7});
  PassOptions options;
  runShapePass(m, options);
  EXPECT_EQ(m.graph.find("y")->inferred, shape({"N", "?"}));
  EXPECT_EQ(m.graph.find("z")->inferred, shape({"N", 7}));
}

TEST(PassPerf, node_reading_its_own_output_sees_the_shape_from_before_it_ran) {
  // A malformed graph the loader would reject (a cycle), built in the IR:
  // Concat(x, y) -> y on axis 0 with y seeded [1, 3] as if declared. The
  // node sees y as [1, 3] for the whole call: output [2 + 1, 3].
  ModelBuilder b(13);
  b.input("x", {2, 3});
  b.node("Concat", {"x", "y"}, {"y"}, {testing::intAttr("axis", 0)});
  ir::Model m = b.build();
  ir::Value* y = m.graph.find("y");
  y->hasDeclared = true;
  y->declared = shape({1, 3});
  PassOptions options;
  runShapePass(m, options);
  EXPECT_EQ(m.graph.find("y")->inferred, shape({3, 3}));
}

}  // namespace
}  // namespace shapelint::passes
