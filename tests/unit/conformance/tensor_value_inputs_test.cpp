// The libonnx-testdata cases of the tensor ops whose output shape depends on
// the VALUES of an input that the model feeds as a graph input (Resize
// scales/sizes/roi, Pad pads, TopK K, Split split, ReduceSum axes, Upsample
// scales). testdata_test.cpp skips them; here the values of
// test_data_set_0/input_N.pb (read with python3-onnx's numpy_helper and
// copied below) are given to the pass as constants, and the inferred shape
// of every graph output must equal the expected output tensor's dims.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "shapelint/onnx/loader.h"
#include "shapelint/passes/pass.h"

namespace shapelint {
namespace {

namespace fs = std::filesystem;

struct ValueCase {
  const char* name;                                   // node/<name>
  std::map<std::string, std::vector<double>> values;  // graph input -> its values in input_N.pb
  bool real = false;                                  // float values (scales, roi), else int64
};

// Values from /usr/share/libonnx-testdata/data/node/<case>/test_data_set_0/input_N.pb.
const ValueCase kCases[] = {
    {"test_constant_pad", {{"pads", {0, 0, 1, 3, 0, 0, 2, 4}}}},
    {"test_edge_pad", {{"pads", {0, 0, 1, 1, 0, 0, 1, 1}}}},
    {"test_reflect_pad", {{"pads", {0, 0, 1, 1, 0, 0, 1, 1}}}},
    {"test_reduce_sum_default_axes_keepdims_example", {{"axes", {}}}},
    {"test_reduce_sum_default_axes_keepdims_random", {{"axes", {}}}},
    {"test_reduce_sum_do_not_keepdims_example", {{"axes", {1}}}},
    {"test_reduce_sum_do_not_keepdims_random", {{"axes", {1}}}},
    {"test_reduce_sum_empty_axes_input_noop_example", {{"axes", {}}}},
    {"test_reduce_sum_empty_axes_input_noop_random", {{"axes", {}}}},
    {"test_reduce_sum_keepdims_example", {{"axes", {1}}}},
    {"test_reduce_sum_keepdims_random", {{"axes", {1}}}},
    {"test_reduce_sum_negative_axes_keepdims_example", {{"axes", {-2}}}},
    {"test_reduce_sum_negative_axes_keepdims_random", {{"axes", {}}}},
    {"test_split_variable_parts_1d", {{"split", {2, 4}}}},
    {"test_split_variable_parts_2d", {{"split", {2, 4}}}},
    {"test_split_variable_parts_default_axis", {{"split", {2, 4}}}},
    {"test_split_zero_size_splits", {{"split", {0, 0, 0}}}},
    {"test_top_k", {{"k", {3}}}},
    {"test_top_k_negative_axis", {{"k", {3}}}},
    {"test_top_k_smallest", {{"k", {3}}}},
    {"test_upsample_nearest", {{"scales", {1.0, 1.0, 2.0, 3.0}}}, true},
    {"test_resize_downsample_scales_cubic", {{"scales", {1.0, 1.0, 0.800000011920929, 0.800000011920929}}}, true},
    {"test_resize_downsample_scales_cubic_A_n0p5_exclude_outside",
     {{"scales", {1.0, 1.0, 0.800000011920929, 0.800000011920929}}},
     true},
    {"test_resize_downsample_scales_cubic_align_corners",
     {{"scales", {1.0, 1.0, 0.800000011920929, 0.800000011920929}}},
     true},
    {"test_resize_downsample_scales_linear", {{"scales", {1.0, 1.0, 0.6000000238418579, 0.6000000238418579}}}, true},
    {"test_resize_downsample_scales_linear_align_corners",
     {{"scales", {1.0, 1.0, 0.6000000238418579, 0.6000000238418579}}},
     true},
    {"test_resize_downsample_scales_nearest", {{"scales", {1.0, 1.0, 0.6000000238418579, 0.6000000238418579}}}, true},
    {"test_resize_downsample_sizes_cubic", {{"sizes", {1, 1, 3, 3}}}},
    {"test_resize_downsample_sizes_linear_pytorch_half_pixel", {{"sizes", {1, 1, 3, 1}}}},
    {"test_resize_downsample_sizes_nearest", {{"sizes", {1, 1, 1, 3}}}},
    // roi and scales are empty tensors made by Constant nodes.
    {"test_resize_downsample_sizes_nearest_tf_half_pixel_for_nn", {{"sizes", {1, 1, 3, 2}}}},
    {"test_resize_tf_crop_and_resize",
     {{"roi", {0.0, 0.0, 0.4000000059604645, 0.6000000238418579, 1.0, 1.0, 1.2000000476837158, 1.7000000476837158}},
      {"sizes", {1, 1, 3, 3}}}},
    {"test_resize_upsample_scales_cubic", {{"scales", {1.0, 1.0, 2.0, 2.0}}}, true},
    {"test_resize_upsample_scales_cubic_A_n0p5_exclude_outside", {{"scales", {1.0, 1.0, 2.0, 2.0}}}, true},
    {"test_resize_upsample_scales_cubic_align_corners", {{"scales", {1.0, 1.0, 2.0, 2.0}}}, true},
    {"test_resize_upsample_scales_cubic_asymmetric", {{"scales", {1.0, 1.0, 2.0, 2.0}}}, true},
    {"test_resize_upsample_scales_linear", {{"scales", {1.0, 1.0, 2.0, 2.0}}}, true},
    {"test_resize_upsample_scales_linear_align_corners", {{"scales", {1.0, 1.0, 2.0, 2.0}}}, true},
    {"test_resize_upsample_scales_nearest", {{"scales", {1.0, 1.0, 2.0, 3.0}}}, true},
    {"test_resize_upsample_sizes_cubic", {{"sizes", {1, 1, 9, 10}}}},
    {"test_resize_upsample_sizes_nearest", {{"sizes", {1, 1, 7, 8}}}},
    {"test_resize_upsample_sizes_nearest_ceil_half_pixel", {{"sizes", {1, 1, 8, 8}}}},
    {"test_resize_upsample_sizes_nearest_floor_align_corners", {{"sizes", {1, 1, 8, 8}}}},
    {"test_resize_upsample_sizes_nearest_round_prefer_ceil_asymmetric", {{"sizes", {1, 1, 8, 8}}}},
};

// Test names and failure messages show the case name, not its bytes.
void PrintTo(const ValueCase& c, std::ostream* os) { *os << c.name; }

class TensorValueInputs : public ::testing::TestWithParam<ValueCase> {};

TEST_P(TensorValueInputs, shapes_match_expected_outputs) {
  const ValueCase& c = GetParam();
  const fs::path dir = fs::path(SHAPELINT_TESTDATA_DIR) / "node" / c.name;
  if (!fs::exists(dir / "model.onnx")) GTEST_SKIP() << "no " << dir;
  onnx::LoadResult loaded = onnx::loadModel((dir / "model.onnx").string());
  ASSERT_TRUE(std::holds_alternative<ir::Model>(loaded));
  ir::Model model = std::get<ir::Model>(std::move(loaded));
  for (const auto& [name, values] : c.values) {
    ir::Value* v = model.graph.find(name);
    ASSERT_NE(v, nullptr) << name;
    ir::ConstData data;
    // roi is float even in an int case (tf_crop_and_resize).
    data.isReal = c.real || name == "roi";
    for (double x : values) {
      if (data.isReal)
        data.reals.push_back(x);
      else
        data.ints.push_back(static_cast<int64_t>(x));
    }
    v->data = std::move(data);
    v->isInitializer = true;  // the pass keeps initializer values only
  }
  passes::PassResult result = passes::runShapePass(model, {});
  for (const diag::Diagnostic& d : result.diagnostics)
    EXPECT_NE(d.severity, diag::Severity::kError) << d.ruleInfo().code << " " << d.node << ": " << d.message;
  ASSERT_FALSE(model.graph.outputs.empty());
  for (size_t i = 0; i < model.graph.outputs.size(); ++i) {
    const ir::Value* out = model.graph.find(model.graph.outputs[i]);
    std::optional<std::vector<int64_t>> expected =
        onnx::readTensorDims((dir / "test_data_set_0" / ("output_" + std::to_string(i) + ".pb")).string());
    ASSERT_TRUE(expected.has_value());
    EXPECT_EQ(out->inferred, ir::Shape::ofValues(*expected)) << "output " << out->name;
  }
}

INSTANTIATE_TEST_SUITE_P(Testdata, TensorValueInputs, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<ValueCase>& param) { return std::string(param.param.name); });

}  // namespace
}  // namespace shapelint
