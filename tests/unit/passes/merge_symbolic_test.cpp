// Merging symbolic dims (merge.cpp): broadcasting and equality decided with
// provablyEqual / provablyNotEqual over sizes >= 1, SL102 for dims that
// differ for every size, SL103 for dims over one symbol that agree only for
// some sizes, nothing for unrelated symbols; and dimProduct of symbols.
//
// Every expected set below is worked by hand: 2*((H + 1) // 2) is H rounded up
// to even, so it equals H exactly when H is even, and is never 1.
#include <optional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/model_builder.h"
#include "passes/shape/merge.h"
#include "shapelint/ir/expr.h"

namespace shapelint::testing {
namespace {

using passes::shape::broadcastDim;
using passes::shape::dimProduct;
using passes::shape::equalDim;
using passes::shape::partialAgreement;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

ir::Dim p(const char* text) { return *ir::parseDim(text); }

ir::Shape dims(std::initializer_list<const char*> texts) {
  std::vector<ir::Dim> out;
  for (const char* t : texts) out.push_back(p(t));
  return ir::Shape(std::move(out));
}

// ---------------------------------------------------------------------------
// The pure merges.

TEST(MergeSymbolic, equal_expressions_built_differently_agree) {
  // Two stride-2 convs (k = 3, p = 1) and one SAME stride-4 conv: (H + 3) // 4
  // both.
  const ir::Dim twice = *ir::add(ir::floorDiv(ir::add(ir::floorDiv(ir::sub(p("H"), p("1")), 2), p("0")), 2), p("1"));
  const ir::Dim same = *ir::ceilDiv(p("H"), 4);
  EXPECT_EQ(broadcastDim(twice, same), p("(H + 3) // 4"));
  EXPECT_EQ(equalDim(twice, same), p("(H + 3) // 4"));
}

TEST(MergeSymbolic, provably_different_dims_do_not_merge) {
  // 2H and 2H + 1 differ in parity and neither is ever 1 (H >= 1).
  EXPECT_EQ(broadcastDim(p("2*H"), p("2*H + 1")), std::nullopt);
  EXPECT_EQ(equalDim(p("2*H"), p("2*H + 1")), std::nullopt);
  // H vs H + 1 never are equal, but broadcast at H = 1.
  EXPECT_EQ(equalDim(p("H"), p("H + 1")), std::nullopt);
  EXPECT_EQ(broadcastDim(p("H"), p("H + 1")), p("H + 1"));
  // H vs 0: sizes of real inputs are at least 1.
  EXPECT_EQ(equalDim(p("H"), p("0")), std::nullopt);
}

TEST(MergeSymbolic, unrelated_symbols_and_values_stay_as_before) {
  EXPECT_EQ(broadcastDim(p("H"), p("W")), ir::Dim::unknown());
  EXPECT_EQ(equalDim(p("N"), p("M")), ir::Dim::unknown());
  EXPECT_EQ(broadcastDim(p("N"), p("5")), p("5"));
  EXPECT_EQ(equalDim(p("N"), p("5")), p("5"));
  EXPECT_EQ(broadcastDim(p("(H + 1) // 2"), p("1")), p("(H + 1) // 2"));
  EXPECT_EQ(partialAgreement(p("H"), p("W"), true), std::nullopt);
  EXPECT_EQ(partialAgreement(p("H"), p("5"), true), std::nullopt);
  EXPECT_EQ(partialAgreement(p("H + W"), p("H"), false), std::nullopt);
}

TEST(MergeSymbolic, partial_agreement_of_a_skip_and_an_upsampled_path) {
  std::optional<passes::shape::PartialAgreement> eq = partialAgreement(p("H"), p("2*((H + 1) // 2)"), false);
  ASSERT_TRUE(eq);
  EXPECT_EQ(eq->symbol, "H");
  EXPECT_EQ(eq->equal.members(3), (std::vector<int64_t>{2, 4, 6}));
  EXPECT_EQ(eq->agree.members(3), (std::vector<int64_t>{2, 4, 6}));
  // Broadcasting also works at H = 1 (H is 1 there).
  std::optional<passes::shape::PartialAgreement> bc = partialAgreement(p("H"), p("2*((H + 1) // 2)"), true);
  ASSERT_TRUE(bc);
  EXPECT_EQ(bc->agree.members(4), (std::vector<int64_t>{1, 2, 4, 6}));
  // The result: where they broadcast, 2*((H + 1) // 2) is the output (at H = 1:
  // 2).
  EXPECT_EQ(broadcastDim(p("H"), p("2*((H + 1) // 2)")), p("2*((H + 1) // 2)"));
  // Equality: H, their size whenever the node runs.
  EXPECT_EQ(equalDim(p("H"), p("2*((H + 1) // 2)")), p("H"));
}

TEST(MergeSymbolic, dim_product_multiplies_symbols) {
  EXPECT_EQ(dimProduct({p("64"), p("H"), p("W")}), p("64*H*W"));
  EXPECT_EQ(dimProduct({p("64"), p("H"), p("W")}).str(), "64*H*W");
  EXPECT_EQ(dimProduct({p("N"), p("1")}), p("N"));
  EXPECT_EQ(dimProduct({p("2"), p("(H + 1) // 2")}), p("2*((H + 1) // 2)"));
  EXPECT_EQ(dimProduct({p("N"), p("0"), ir::Dim::unknown()}), p("0"));
  EXPECT_EQ(dimProduct({p("N"), ir::Dim::unknown()}), ir::Dim::unknown());
  EXPECT_EQ(dimProduct({}), p("1"));
  // Overflow: 2^62 * 4 * H does not fit a coefficient.
  EXPECT_EQ(dimProduct({p("4611686018427387904"), p("4"), p("H")}), ir::Dim::unknown());
  EXPECT_EQ(dimProduct({p("4611686018427387904"), p("H"), p("4")}), ir::Dim::unknown());
}

// ---------------------------------------------------------------------------
// mergeEqual, the reporting form of equalDim (for Concat and the ops whose
// dims must be equal), on a node with two inputs.

class TwoInputContext : public passes::InferContext {
 public:
  TwoInputContext(ir::Shape a, ir::Shape b) : shapes_{std::move(a), std::move(b)} {
    node_.opType = "Concat";
    node_.name = "cat";
    node_.inputs = {"skip", "up"};
    node_.outputs = {"y"};
  }
  const ir::Node& node() const override { return node_; }
  int64_t opset() const override { return 13; }
  passes::Target target() const override { return passes::Target::kAll; }
  const ir::Shape& inputShape(size_t i) const override { return shapes_[i]; }
  int32_t inputType(size_t) const override { return ir::kFloat; }
  const ir::ConstData* inputData(size_t) const override { return nullptr; }
  const ir::ConstData* inputSymbolicData(size_t) const override { return nullptr; }
  std::string inputProducer(size_t i) const override { return i == 1 ? "upsample" : ""; }
  void setOutput(size_t, ir::Shape, int32_t) override {}
  void setOutputData(size_t, ir::ConstData) override {}
  diag::DiagBuilder report(diag::RuleId rule) override {
    diag::Diagnostic d;
    d.rule = rule;
    d.severity = diag::rule(rule).severity;
    d.node = node_.name;
    d.opType = node_.opType;
    return diag::DiagBuilder(&diagnostics, std::move(d));
  }
  std::vector<diag::Diagnostic> diagnostics;

 private:
  ir::Node node_;
  std::vector<ir::Shape> shapes_;
};

const passes::shape::MergeSite kConcatSite{0, 1, 2, "Concat: equal dims off the concatenation axis"};

TEST(MergeEqual, partial_agreement_is_sl103_and_merges) {
  TwoInputContext ctx(dims({"N", "32", "H"}), dims({"N", "16", "2*((H + 1) // 2)"}));
  EXPECT_EQ(passes::shape::mergeEqual(ctx, p("H"), p("2*((H + 1) // 2)"), kConcatSite), p("H"));
  ASSERT_EQ(ctx.diagnostics.size(), 1u);
  const diag::Diagnostic& d = ctx.diagnostics[0];
  EXPECT_EQ(brief(d),
            "SL103 cat: 'skip' [N, 32, H] and 'up' [N, 16, 2*((H + "
            "1) // 2)] may differ on axis 2: H and "
            "2*((H + 1) // 2) are equal only when H % 2 == 0");
  EXPECT_THAT(d.details,
              ElementsAre("they differ for H = 1, 3, 5, ...", "Concat: equal dims off the concatenation axis"));
  ASSERT_EQ(d.notes.size(), 2u);
  EXPECT_EQ(d.notes[1].node, "upsample");
  EXPECT_EQ(d.notes[1].message, "produces 'up' [N, 16, 2*((H + 1) // 2)]");
  EXPECT_FALSE(d.help.empty());
}

TEST(MergeEqual, finite_agreement_lists_the_sizes) {
  // H // 4 + 1 == H // 2 exactly for H in {2, 3, 4, 5}, by hand: H = 1: 1 vs 0,
  // 2: 1 vs 1, 3: 1 vs 1, 4: 2 vs 2, 5: 2 vs 2, 6: 2 vs 3, 7: 2 vs 3, then
  // apart.
  TwoInputContext ctx(dims({"N", "1", "H // 4 + 1"}), dims({"N", "1", "H // 2"}));
  EXPECT_EQ(passes::shape::mergeEqual(ctx, p("H // 4 + 1"), p("H // 2"), kConcatSite), p("H // 4 + 1"));
  ASSERT_EQ(ctx.diagnostics.size(), 1u);
  EXPECT_THAT(ctx.diagnostics[0].message, ::testing::HasSubstr("are equal only when H in {2, 3, 4, 5}"));
  EXPECT_EQ(ctx.diagnostics[0].details[0], "they differ for H = 1, 6, 7, ...");
}

TEST(MergeEqual, provably_different_is_sl102) {
  TwoInputContext ctx(dims({"N", "1", "2*H"}), dims({"N", "1", "2*H + 1"}));
  EXPECT_EQ(passes::shape::mergeEqual(ctx, p("2*H"), p("2*H + 1"), kConcatSite), std::nullopt);
  ASSERT_EQ(ctx.diagnostics.size(), 1u);
  EXPECT_EQ(brief(ctx.diagnostics[0]),
            "SL102 cat: 'skip' [N, 1, 2*H] and 'up' [N, 1, 2*H + 1] must agree "
            "on axis 2, expected equal dims: 2*H "
            "and 2*H + 1 differ for every size");
}

TEST(MergeEqual, different_values_are_sl102) {
  TwoInputContext ctx(dims({"N", "1", "3"}), dims({"N", "1", "5"}));
  EXPECT_EQ(passes::shape::mergeEqual(ctx, p("3"), p("5"), kConcatSite), std::nullopt);
  ASSERT_EQ(ctx.diagnostics.size(), 1u);
  EXPECT_EQ(brief(ctx.diagnostics[0]),
            "SL102 cat: 'skip' [N, 1, 3] and 'up' [N, 1, 5] must agree on axis 2, expected equal dims: 3 and 5 differ");
}

TEST(MergeEqual, equal_unrelated_and_values_are_silent) {
  TwoInputContext ctx(dims({"H", "W"}), dims({"H", "W"}));
  EXPECT_EQ(passes::shape::mergeEqual(ctx, p("(H + 3) // 4"), *ir::ceilDiv(p("H"), 4), kConcatSite), p("(H + 3) // 4"));
  EXPECT_EQ(passes::shape::mergeEqual(ctx, p("H"), p("W"), kConcatSite), ir::Dim::unknown());
  EXPECT_EQ(passes::shape::mergeEqual(ctx, p("H"), p("5"), kConcatSite), p("5"));
  EXPECT_EQ(passes::shape::mergeEqual(ctx, p("N"), p("M"), kConcatSite), ir::Dim::unknown());
  EXPECT_THAT(ctx.diagnostics, IsEmpty());
}

// ---------------------------------------------------------------------------
// Through runShapePass: Add of a skip path and an upsampled path.

// x [N, 64, H, W] -> Conv k = 3, s = 2, p = 1 -> (H + 1) // 2 -> ConvTranspose
// k = 2, s = 2 -> 2*((H + 1) // 2) -> Add with x.
ModelBuilder skipAndUpsampled() {
  ModelBuilder b(13);
  b.input("x", {"N", 64, "H", "W"});
  b.initializer("wd", {64, 64, 3, 3}).initializer("wu", {64, 64, 2, 2});
  b.node("Conv", {"x", "wd"}, {"down"}, {ints("pads", {1, 1, 1, 1}), ints("strides", {2, 2})}, "down");
  b.node("ConvTranspose", {"down", "wu"}, {"up"}, {ints("strides", {2, 2})}, "up");
  b.node("Add", {"x", "up"}, {"sum"}, {}, "skip_add").output("sum");
  return b;
}

TEST(MergeSymbolicModel, skip_add_with_an_upsampled_path_may_mismatch) {
  Inferred r = infer(skipAndUpsampled());
  EXPECT_EQ(r.shapeOf("up"), dims({"N", "64", "2*((H + 1) // 2)", "2*((W + 1) // 2)"}));
  // Where they broadcast, the output is the upsampled size (also at H = 1).
  EXPECT_EQ(r.shapeOf("sum"), dims({"N", "64", "2*((H + 1) // 2)", "2*((W + 1) // 2)"}));
  ASSERT_EQ(r.diagnostics.size(), 2u) << ::testing::PrintToString(briefs(r.diagnostics));
  const diag::Diagnostic& d = r.diagnostics[0];
  EXPECT_EQ(brief(d),
            "SL103 skip_add: 'x' [N, 64, H, W] and 'up' [N, 64, "
            "2*((H + 1) // 2), 2*((W + 1) // 2)] may not "
            "broadcast: axis 2 has H and 2*((H + 1) // 2), which are "
            "equal only when H % 2 == 0 (one of them is 1 "
            "when H == 1)");
  EXPECT_EQ(d.severity, diag::Severity::kWarning);
  EXPECT_THAT(d.details, ElementsAre("they fail for H = 3, 5, 7, ...",
                                     "numpy broadcasting: aligned from the "
                                     "last axis, each pair of dims must be "
                                     "equal or one of them 1"));
  ASSERT_EQ(d.notes.size(), 2u);
  EXPECT_EQ(d.notes[0].node, "");
  EXPECT_EQ(d.notes[0].message,
            "'x' [N, 64, H, W] is a graph input or "
            "initializer, not produced by a node");
  EXPECT_EQ(d.notes[1].node, "up");
  EXPECT_EQ(d.notes[1].message, "produces 'up' [N, 64, 2*((H + 1) // 2), 2*((W + 1) // 2)]");
  EXPECT_EQ(d.help,
            "make 'x' and 'up' the same size for every H: crop or pad "
            "one path (Slice, Pad) or resize it to the "
            "other's size; if the model only ever sees sizes where "
            "they agree, give H such a fixed size");
  EXPECT_EQ(brief(r.diagnostics[1]),
            "SL103 skip_add: 'x' [N, 64, H, W] and 'up' [N, 64, 2*((H + 1) // "
            "2), 2*((W + 1) // 2)] may not "
            "broadcast: axis 3 has W and 2*((W + 1) // 2), which are equal "
            "only when W % 2 == 0 (one of them is 1 "
            "when W == 1)");
}

TEST(MergeSymbolicModel, unrelated_symbols_are_never_a_finding) {
  ModelBuilder b(13);
  b.input("a", {"N", 64, "H", "W"}).input("c", {"M", 64, "W", "H"});
  b.node("Add", {"a", "c"}, {"y"}, {}, "add").output("y");
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"?", 64, "?", "?"}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(MergeSymbolicModel, equal_paths_built_differently_agree) {
  // Two stride-2 convs vs one SAME stride-4 conv: (H + 3) // 4 on both paths.
  ModelBuilder b(13);
  b.input("x", {"N", 8, "H", "W"});
  b.initializer("w", {8, 8, 3, 3}).initializer("w4", {8, 8, 1, 1});
  b.node("Conv", {"x", "w"}, {"a1"}, {ints("pads", {1, 1, 1, 1}), ints("strides", {2, 2})}, "a1");
  b.node("Conv", {"a1", "w"}, {"a2"}, {ints("pads", {1, 1, 1, 1}), ints("strides", {2, 2})}, "a2");
  b.node("Conv", {"x", "w4"}, {"b"}, {stringAttr("auto_pad", "SAME_UPPER"), ints("strides", {4, 4})}, "b");
  b.node("Add", {"a2", "b"}, {"y"}, {}, "add").output("y");
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), dims({"N", "8", "(H + 3) // 4", "(W + 3) // 4"}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(MergeSymbolicModel, provably_different_paths_are_sl102) {
  // ConvTranspose s = 2: k = 2 gives 2H, k = 3 gives 2(H - 1) + 3 = 2H + 1.
  ModelBuilder b(13);
  b.input("x", {1, 4, "H", 5});
  b.initializer("w2", {4, 4, 2, 1}).initializer("w3", {4, 4, 3, 1});
  b.node("ConvTranspose", {"x", "w2"}, {"even"}, {ints("strides", {2, 1})}, "even");
  b.node("ConvTranspose", {"x", "w3"}, {"odd"}, {ints("strides", {2, 1})}, "odd");
  b.node("Add", {"even", "odd"}, {"y"}, {}, "add").output("y");
  Inferred r = infer(b);
  ASSERT_EQ(r.diagnostics.size(), 1u) << ::testing::PrintToString(briefs(r.diagnostics));
  EXPECT_EQ(brief(r.diagnostics[0]),
            "SL102 add: cannot broadcast [1, 4, 2*H, 5] with [1, 4, 2*H + 1, "
            "5]: axis 2 has 2*H and 2*H + 1");
  EXPECT_THAT(r.diagnostics[0].details, ElementsAre("numpy broadcasting: aligned from the last axis, each pair "
                                                    "of dims must be equal or one "
                                                    "of them 1",
                                                    "2*H and 2*H + 1 differ, and neither is 1, for every size"));
}

TEST(MergeSymbolicModel, flatten_multiplies_symbolic_dims) {
  ModelBuilder b(13);
  b.input("x", {"N", 64, "H", "W"});
  b.node("Flatten", {"x"}, {"y"}, {intAttr("axis", 1)}, "flatten").output("y");
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), dims({"N", "64*H*W"}));
}

}  // namespace
}  // namespace shapelint::testing
