// Misc-family shape functions through runShapePass: symbolic dims carried
// through and invalid input reported. Expected shapes are the ONNX spec's
// formulas worked by hand (in comments); libonnx-testdata (test_conformance)
// covers the concrete cases.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/model_builder.h"

namespace shapelint::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// A scalar int64 initializer with a value the pass can read.
void scalar(ModelBuilder& b, const std::string& name, int64_t value) { b.constant(name, {value}); }

// Runs the pass on b's model with its last node moved to the training domain.
Inferred inferTraining(const ModelBuilder& b) {
  Inferred r{b.build(), {}};
  r.model.opsets["ai.onnx.preview.training"] = 1;
  r.model.graph.nodes.back().domain = "ai.onnx.preview.training";
  r.diagnostics = passes::runShapePass(r.model, {}).diagnostics;
  return r;
}

std::vector<std::string> codes(const Inferred& r) {
  std::vector<std::string> out;
  for (const diag::Diagnostic& d : r.diagnostics) out.emplace_back(d.ruleInfo().code);
  return out;
}

// ---------------------------------------------------------------------------
// Elementwise.

TEST(MiscElementwise, trig_keeps_symbolic_shape) {
  ModelBuilder b(13);
  b.input("x", {"N", 3, "?"});
  b.node("Acosh", {"x"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 3, "?"}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(MiscElementwise, isinf_is_bool) {
  ModelBuilder b(20);
  b.input("x", {"N", 4});
  b.node("IsInf", {"x"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 4}));
  EXPECT_EQ(r.typeOf("y"), ir::kBool);
}

TEST(MiscElementwise, mod_broadcasts) {
  // [N, 1, 5] % [4, 1] -> [N, 4, 5]
  ModelBuilder b(13);
  b.input("a", {"N", 1, 5}, ir::kInt32).input("b", {4, 1}, ir::kInt32);
  b.node("Mod", {"a", "b"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 4, 5}));
}

TEST(MiscElementwise, bitshift_incompatible_is_sl102) {
  ModelBuilder b(13);
  b.input("a", {3, 4}, ir::kUint8).input("b", {5}, ir::kUint8);
  b.node("BitShift", {"a", "b"}, {"y"}, {stringAttr("direction", "LEFT")});
  Inferred r = infer(b);
  EXPECT_THAT(codes(r), ElementsAre("SL102"));
}

TEST(MiscElementwise, trilu_needs_a_matrix) {
  ModelBuilder b(14);
  b.input("x", {5});
  b.node("Trilu", {"x"}, {"y"}, {}, "tri");
  Inferred r = infer(b);
  EXPECT_THAT(briefs(r.diagnostics), ElementsAre("SL003 tri: input 'x' [5] has rank 1, expected at least 2"));
}

TEST(MiscElementwise, eyelike_dtype) {
  ModelBuilder b(9);
  b.input("x", {"N", "M"}, ir::kInt32);
  b.node("EyeLike", {"x"}, {"y"}, {intAttr("dtype", ir::kDouble)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", "M"}));
  EXPECT_EQ(r.typeOf("y"), ir::kDouble);
}

TEST(MiscElementwise, random_uniform_shape_attribute) {
  ModelBuilder b(13);
  b.node("RandomUniform", {}, {"y"}, {ints("shape", {2, 0, 7})});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({2, 0, 7}));
  EXPECT_EQ(r.typeOf("y"), ir::kFloat);
}

TEST(MiscElementwise, random_normal_negative_dim_is_sl004) {
  ModelBuilder b(13);
  b.node("RandomNormal", {}, {"y"}, {ints("shape", {2, -1})});
  Inferred r = infer(b);
  EXPECT_THAT(codes(r), ElementsAre("SL004"));
  EXPECT_FALSE(r.shapeOf("y").rankKnown());
}

TEST(MiscElementwise, quantize_linear_type_from_zero_point) {
  ModelBuilder b(13);
  b.input("x", {"N", 3}).initializer("s", {}).initializer("zp", {}, ir::kInt8);
  b.node("QuantizeLinear", {"x", "s", "zp"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 3}));
  EXPECT_EQ(r.typeOf("y"), ir::kInt8);
}

TEST(MiscElementwise, quantize_linear_per_axis_length_mismatch) {
  // per-axis scale: one value per element of axis 1 (3), here 4
  ModelBuilder b(13);
  b.input("x", {"N", 3}).initializer("s", {4});
  b.node("QuantizeLinear", {"x", "s"}, {"y"});
  Inferred r = infer(b);
  EXPECT_THAT(codes(r), ElementsAre("SL102"));
}

TEST(MiscElementwise, dynamic_quantize_linear_outputs) {
  ModelBuilder b(11);
  b.input("x", {"N", 5});
  b.node("DynamicQuantizeLinear", {"x"}, {"y", "scale", "zp"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 5}));
  EXPECT_EQ(r.typeOf("y"), ir::kUint8);
  EXPECT_EQ(r.shapeOf("scale"), shape({}));
  EXPECT_EQ(r.shapeOf("zp"), shape({}));
}

// ---------------------------------------------------------------------------
// Indexing.

TEST(MiscIndex, gather_elements_takes_indices_shape) {
  ModelBuilder b(13);
  b.input("data", {"N", 5}).input("idx", {"N", "K"}, ir::kInt64);
  b.node("GatherElements", {"data", "idx"}, {"y"}, {intAttr("axis", 1)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", "K"}));
}

TEST(MiscIndex, gather_elements_rank_mismatch) {
  ModelBuilder b(13);
  b.input("data", {2, 5}).input("idx", {2}, ir::kInt64);
  b.node("GatherElements", {"data", "idx"}, {"y"});
  EXPECT_THAT(codes(infer(b)), ElementsAre("SL003"));
}

TEST(MiscIndex, gather_nd_batch_dims) {
  // data [B, 4, 5, 6], indices [B, 7, 2], batch_dims 1:
  // out = indices[0:2] ++ data[1 + 2:] = [B, 7, 6]
  ModelBuilder b(13);
  b.input("data", {"B", 4, 5, 6}).input("idx", {"B", 7, 2}, ir::kInt64);
  b.node("GatherND", {"data", "idx"}, {"y"}, {intAttr("batch_dims", 1)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"B", 7, 6}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(MiscIndex, gather_nd_index_too_long) {
  // indices index 4 dims per entry, data has 3 after the batch dim
  ModelBuilder b(13);
  b.input("data", {2, 4, 5, 6}).input("idx", {2, 7, 4}, ir::kInt64);
  b.node("GatherND", {"data", "idx"}, {"y"}, {intAttr("batch_dims", 1)});
  EXPECT_THAT(codes(infer(b)), ElementsAre("SL003"));
}

TEST(MiscIndex, gather_nd_unknown_last_dim_gives_unknown_rank) {
  ModelBuilder b(13);
  b.input("data", {2, 4}).input("idx", {3, "?"}, ir::kInt64);
  b.node("GatherND", {"data", "idx"}, {"y"});
  EXPECT_FALSE(infer(b).shapeOf("y").rankKnown());
}

TEST(MiscIndex, scatter_nd_updates_shape_checked) {
  // updates must be indices[0:q-1] ++ data[k:] = [3] ++ [6] = [3, 6]
  ModelBuilder b(13);
  b.input("data", {"N", 6}).input("idx", {3, 1}, ir::kInt64).input("upd", {3, 5});
  b.node("ScatterND", {"data", "idx", "upd"}, {"y"});
  Inferred r = infer(b);
  EXPECT_THAT(codes(r), ElementsAre("SL102"));
}

TEST(MiscIndex, scatter_elements_keeps_data_shape) {
  ModelBuilder b(13);
  b.input("data", {"N", 6}).input("idx", {"N", 2}, ir::kInt64).input("upd", {"N", 2});
  b.node("ScatterElements", {"data", "idx", "upd"}, {"y"}, {intAttr("axis", 1)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 6}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(MiscIndex, onehot_depth_at_axis) {
  // indices [N, 3], depth 10, axis 1 -> [N, 10, 3]
  ModelBuilder b(11);
  b.input("idx", {"N", 3}, ir::kInt64).input("values", {2});
  scalar(b, "depth", 10);
  b.node("OneHot", {"idx", "depth", "values"}, {"y"}, {intAttr("axis", 1)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 10, 3}));
  EXPECT_EQ(r.typeOf("y"), ir::kFloat);
}

TEST(MiscIndex, onehot_runtime_depth_is_unknown_dim) {
  ModelBuilder b(11);
  b.input("idx", {"N"}, ir::kInt64).input("depth", {1}, ir::kInt64).input("values", {2});
  b.node("OneHot", {"idx", "depth", "values"}, {"y"});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({"N", "?"}));
}

TEST(MiscIndex, reverse_sequence_batch_length) {
  ModelBuilder b(10);
  b.input("x", {"T", 4, 8}).input("lens", {3}, ir::kInt64);
  b.node("ReverseSequence", {"x", "lens"}, {"y"});
  EXPECT_THAT(codes(infer(b)), ElementsAre("SL102"));
}

// ---------------------------------------------------------------------------
// Losses.

TEST(MiscLoss, nll_none_keeps_target_shape) {
  // input (N, C, d1), target (N, d1) -> (N, d1)
  ModelBuilder b(13);
  b.input("x", {"N", 5, "D"}).input("t", {"N", "D"}, ir::kInt64);
  b.node("NegativeLogLikelihoodLoss", {"x", "t"}, {"loss"}, {stringAttr("reduction", "none")});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("loss"), shape({"N", "D"}));
}

TEST(MiscLoss, nll_mean_is_scalar) {
  ModelBuilder b(13);
  b.input("x", {"N", 5}).input("t", {"N"}, ir::kInt64);
  b.node("NegativeLogLikelihoodLoss", {"x", "t"}, {"loss"});
  EXPECT_EQ(infer(b).shapeOf("loss"), shape({}));
}

TEST(MiscLoss, nll_weight_length) {
  ModelBuilder b(13);
  b.input("x", {"N", 5}).input("t", {"N"}, ir::kInt64).initializer("w", {4});
  b.node("NegativeLogLikelihoodLoss", {"x", "t", "w"}, {"loss"});
  EXPECT_THAT(codes(infer(b)), ElementsAre("SL102"));
}

TEST(MiscLoss, nll_target_rank) {
  ModelBuilder b(13);
  b.input("x", {"N", 5, 3}).input("t", {"N"}, ir::kInt64);
  b.node("NegativeLogLikelihoodLoss", {"x", "t"}, {"loss"});
  EXPECT_THAT(codes(infer(b)), ElementsAre("SL003"));
}

TEST(MiscLoss, sce_log_prob_output) {
  ModelBuilder b(13);
  b.input("x", {"N", 5, 2}).input("t", {"N", 2}, ir::kInt64);
  b.node("SoftmaxCrossEntropyLoss", {"x", "t"}, {"loss", "log_prob"}, {stringAttr("reduction", "sum")});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("loss"), shape({}));
  EXPECT_EQ(r.shapeOf("log_prob"), shape({"N", 5, 2}));
}

TEST(MiscLoss, sce_bad_reduction) {
  ModelBuilder b(13);
  b.input("x", {"N", 5}).input("t", {"N"}, ir::kInt64);
  b.node("SoftmaxCrossEntropyLoss", {"x", "t"}, {"loss"}, {stringAttr("reduction", "max")});
  EXPECT_THAT(codes(infer(b)), ElementsAre("SL301"));
}

// ---------------------------------------------------------------------------
// Signal, linear algebra, regions of interest.

TEST(MiscSignal, hann_window_constant_size) {
  ModelBuilder b(17);
  scalar(b, "size", 10);
  b.node("HannWindow", {"size"}, {"y"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({10}));
  EXPECT_EQ(r.typeOf("y"), ir::kFloat);
}

TEST(MiscSignal, window_runtime_size_is_unknown_dim) {
  ModelBuilder b(17);
  b.input("size", {}, ir::kInt64);
  b.node("HammingWindow", {"size"}, {"y"});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({"?"}));
}

TEST(MiscSignal, dft_onesided_symbolic) {
  // axis 1 of [B, L, 1], onesided: floor(L / 2) + 1 bins, last axis 2
  ModelBuilder b(17);
  b.input("x", {"B", "L", 1});
  b.node("DFT", {"x"}, {"y"}, {intAttr("onesided", 1)});
  Inferred r = infer(b);
  ASSERT_TRUE(r.shapeOf("y").rankKnown());
  EXPECT_EQ(r.shapeOf("y")[0], ir::Dim::symbol("B"));
  EXPECT_EQ(r.shapeOf("y")[1].str(), "L // 2 + 1");
  EXPECT_EQ(r.shapeOf("y")[2], ir::Dim::value(2));
}

TEST(MiscSignal, dft_length_constant) {
  // dft_length 16 on axis 1, not onesided: [B, 16, 2]
  ModelBuilder b(17);
  b.input("x", {"B", 10, 2});
  scalar(b, "n", 16);
  b.node("DFT", {"x", "n"}, {"y"});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({"B", 16, 2}));
}

TEST(MiscSignal, stft_frames) {
  // signal [1, 128, 1], frame_step 8, window [16], onesided:
  // frames = floor((128 - 16) / 8) + 1 = 15, bins = 16 // 2 + 1 = 9
  ModelBuilder b(17);
  b.input("x", {1, 128, 1}).initializer("w", {16});
  scalar(b, "step", 8);
  b.node("STFT", {"x", "step", "w"}, {"y"});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({1, 15, 9, 2}));
}

TEST(MiscSignal, melweightmatrix) {
  // [floor(256 / 2) + 1, 8] = [129, 8]
  ModelBuilder b(17);
  scalar(b, "bins", 8);
  scalar(b, "n", 256);
  scalar(b, "rate", 16000);
  b.initializer("lo", {}).initializer("hi", {});
  b.node("MelWeightMatrix", {"bins", "n", "rate", "lo", "hi"}, {"y"});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({129, 8}));
}

TEST(MiscSignal, det_batch_dims) {
  ModelBuilder b(13);
  b.input("x", {"B", 3, 3});
  b.node("Det", {"x"}, {"y"});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({"B"}));
}

TEST(MiscSignal, det_non_square_is_sl102) {
  ModelBuilder b(13);
  b.input("x", {3, 4});
  b.node("Det", {"x"}, {"y"});
  EXPECT_THAT(codes(infer(b)), ElementsAre("SL102"));
}

TEST(MiscSignal, roi_align) {
  ModelBuilder b(16);
  b.input("x", {"N", 256, 32, 32}).input("rois", {"R", 4}).input("bi", {"R"}, ir::kInt64);
  b.node("RoiAlign", {"x", "rois", "bi"}, {"y"}, {intAttr("output_height", 7), intAttr("output_width", 5)});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({"R", 256, 7, 5}));
}

TEST(MiscSignal, roi_align_rois_count_mismatch) {
  ModelBuilder b(16);
  b.input("x", {1, 8, 32, 32}).input("rois", {3, 4}).input("bi", {2}, ir::kInt64);
  b.node("RoiAlign", {"x", "rois", "bi"}, {"y"});
  EXPECT_THAT(codes(infer(b)), ElementsAre("SL102"));
}

TEST(MiscSignal, max_roi_pool) {
  ModelBuilder b(13);
  b.input("x", {"N", 16, 32, 32}).input("rois", {"R", 5});
  b.node("MaxRoiPool", {"x", "rois"}, {"y"}, {ints("pooled_shape", {6, 6})});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({"R", 16, 6, 6}));
}

// ---------------------------------------------------------------------------
// Data-dependent ops: the rank and value-independent dims only.

TEST(MiscDataDependent, nonzero) {
  ModelBuilder b(13);
  b.input("x", {"N", 4, 5});
  b.node("NonZero", {"x"}, {"y"});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({3, "?"}));
}

TEST(MiscDataDependent, unique_with_axis) {
  ModelBuilder b(13);
  b.input("x", {4, "C"});
  b.node("Unique", {"x"}, {"y", "idx", "inv", "counts"}, {intAttr("axis", 0)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"?", "C"}));
  EXPECT_EQ(r.shapeOf("inv"), shape({4}));
  EXPECT_EQ(r.shapeOf("counts"), shape({"?"}));
}

TEST(MiscDataDependent, unique_flattened_inverse_has_every_element) {
  ModelBuilder b(13);
  b.input("x", {4, 6});
  b.node("Unique", {"x"}, {"y", "idx", "inv"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"?"}));
  EXPECT_EQ(r.shapeOf("inv"), shape({24}));
}

TEST(MiscDataDependent, compress_axis) {
  ModelBuilder b(13);
  b.input("x", {"N", 6}).input("c", {6}, ir::kBool);
  b.node("Compress", {"x", "c"}, {"y"}, {intAttr("axis", 1)});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({"N", "?"}));
}

TEST(MiscDataDependent, nms_box_count_mismatch) {
  ModelBuilder b(13);
  b.input("boxes", {1, 6, 4}).input("scores", {1, 2, 5});
  b.node("NonMaxSuppression", {"boxes", "scores"}, {"sel"});
  EXPECT_THAT(codes(infer(b)), ElementsAre("SL102"));
}

// ---------------------------------------------------------------------------
// Training and string ops.

TEST(MiscTraining, adam_outputs) {
  // R, T, X1, X2, G1, G2, V1, V2, H1, H2 -> X1', X2', V1', V2', H1', H2'
  ModelBuilder b(13);
  b.input("r", {}).input("t", {}, ir::kInt64);
  for (const char* p : {"x1", "g1", "v1", "h1"}) b.input(p, {"N", 3});
  for (const char* p : {"x2", "g2", "v2", "h2"}) b.input(p, {7});
  b.node("Adam", {"r", "t", "x1", "x2", "g1", "g2", "v1", "v2", "h1", "h2"},
         {"nx1", "nx2", "nv1", "nv2", "nh1", "nh2"});
  Inferred r = inferTraining(b);
  EXPECT_EQ(r.shapeOf("nx1"), shape({"N", 3}));
  EXPECT_EQ(r.shapeOf("nv2"), shape({7}));
  EXPECT_EQ(r.shapeOf("nh1"), shape({"N", 3}));
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(MiscTraining, momentum_gradient_shape_mismatch) {
  ModelBuilder b(13);
  b.input("r", {}).input("t", {}, ir::kInt64).input("x", {3}).input("g", {4}).input("v", {3});
  b.node("Momentum", {"r", "t", "x", "g", "v"}, {"nx", "nv"});
  EXPECT_THAT(codes(inferTraining(b)), ElementsAre("SL102"));
}

TEST(MiscString, tfidf_output_size) {
  // [N, C] -> [N, max(ngram_indexes) + 1] = [N, 7]
  ModelBuilder b(9);
  b.input("x", {"N", 12}, ir::kInt64);
  b.node("TfIdfVectorizer", {"x"}, {"y"}, {ints("ngram_indexes", {0, 6, 2}), stringAttr("mode", "TF")});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({"N", 7}));
}

TEST(MiscString, string_normalizer_stopwords_drop_unknown_count) {
  ModelBuilder b(10);
  b.input("x", {1, 4}, ir::kString);
  ir::Attribute stop;
  stop.name = "stopwords";
  stop.type = ir::Attribute::Type::kStrings;
  stop.mutableStrings() = {"a"};
  b.node("StringNormalizer", {"x"}, {"y"}, {stop});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({1, "?"}));
}

// ---------------------------------------------------------------------------
// Smaller ops.

TEST(MiscMore, multinomial) {
  ModelBuilder b(13);
  b.input("x", {"B", 10});
  b.node("Multinomial", {"x"}, {"y"}, {intAttr("sample_size", 4)});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"B", 4}));
  EXPECT_EQ(r.typeOf("y"), ir::kInt32);
}

TEST(MiscMore, affine_grid_2d) {
  // theta [N, 2, 3], size (N, C, H, W) = (2, 3, 5, 7) -> grid [2, 5, 7, 2]
  ModelBuilder b(20);
  b.input("theta", {2, 2, 3});
  b.constant("size", {2, 3, 5, 7});
  b.node("AffineGrid", {"theta", "size"}, {"grid"});
  EXPECT_EQ(infer(b).shapeOf("grid"), shape({2, 5, 7, 2}));
}

TEST(MiscMore, affine_grid_3d_theta_with_2d_size) {
  ModelBuilder b(20);
  b.input("theta", {2, 3, 4});
  b.constant("size", {2, 3, 5, 7});
  b.node("AffineGrid", {"theta", "size"}, {"grid"});
  EXPECT_THAT(codes(infer(b)), ElementsAre("SL102"));
}

TEST(MiscMore, center_crop_pad_axes) {
  // axes [1, 2] of [N, 10, 12, 3] to shape (8, 14) -> [N, 8, 14, 3]
  ModelBuilder b(18);
  b.input("x", {"N", 10, 12, 3});
  b.constant("s", {8, 14});
  b.node("CenterCropPad", {"x", "s"}, {"y"}, {ints("axes", {1, -2})});
  EXPECT_EQ(infer(b).shapeOf("y"), shape({"N", 8, 14, 3}));
}

TEST(MiscMore, string_split_adds_data_dependent_axis) {
  ModelBuilder b(20);
  b.input("x", {"N", 2}, ir::kString);
  b.node("StringSplit", {"x"}, {"y", "z"});
  Inferred r = infer(b);
  EXPECT_EQ(r.shapeOf("y"), shape({"N", 2, "?"}));
  EXPECT_EQ(r.shapeOf("z"), shape({"N", 2}));
}

}  // namespace
}  // namespace shapelint::testing
