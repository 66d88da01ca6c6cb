// Tensors in the IR: dims always, values only when small and decodable,
// weight bytes never.
#include <stdexcept>
#include <string>
#include <variant>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "shapelint/onnx/loader.h"

namespace shapelint::onnx {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class ConstantsModel : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    LoadResult result = loadModel(std::string(SHAPELINT_SOURCE_DIR) + "/tests/models/loader/constants.onnx");
    if (const auto* error = std::get_if<LoadError>(&result)) FAIL() << error->message;
    model_ = new ir::Model(std::get<ir::Model>(std::move(result)));
  }
  static void TearDownTestSuite() {
    delete model_;
    model_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(model_, nullptr); }

  static const ir::Value& value(const std::string& name) {
    const ir::Value* found = model_->graph.find(name);
    if (found == nullptr) throw std::runtime_error("no value " + name);
    return *found;
  }

  static ir::Model* model_;
};

ir::Model* ConstantsModel::model_ = nullptr;

TEST_F(ConstantsModel, SmallInt64FromRawDataIsKept) {
  const ir::Value& shape = value("shape_raw");
  EXPECT_EQ(shape.elemType, ir::kInt64);
  EXPECT_EQ(shape.declared, ir::Shape::ofValues({4}));
  ASSERT_TRUE(shape.data.has_value());
  EXPECT_FALSE(shape.data->isReal);
  EXPECT_THAT(shape.data->ints, ElementsAre(1, -1, 4, 2));
}

TEST_F(ConstantsModel, SmallInt64FromInt64DataIsKept) {
  const ir::Value& shape = value("shape_typed");
  ASSERT_TRUE(shape.data.has_value());
  EXPECT_THAT(shape.data->ints, ElementsAre(2, 3));
}

TEST_F(ConstantsModel, LargeFloatValuesAreNotKept) {
  const ir::Value& big = value("big_float");
  EXPECT_EQ(big.elemType, ir::kFloat);
  EXPECT_EQ(big.declared, ir::Shape::ofValues({2048}));
  EXPECT_TRUE(big.isInitializer);
  EXPECT_FALSE(big.data.has_value());
}

TEST_F(ConstantsModel, Float16FromRawData) {
  const ir::Value& half = value("half");
  ASSERT_TRUE(half.data.has_value());
  EXPECT_TRUE(half.data->isReal);
  EXPECT_THAT(half.data->reals, ElementsAre(1.5, -2.0));
}

TEST_F(ConstantsModel, FloatFromFloatData) {
  const ir::Value& small = value("small_float");
  ASSERT_TRUE(small.data.has_value());
  EXPECT_THAT(small.data->reals, ElementsAre(0.5, 2.0));
  EXPECT_THAT(small.data->ints, IsEmpty());
}

TEST_F(ConstantsModel, BoolFromInt32Data) {
  const ir::Value& flags = value("flags");
  EXPECT_EQ(flags.elemType, ir::kBool);
  ASSERT_TRUE(flags.data.has_value());
  EXPECT_THAT(flags.data->ints, ElementsAre(1, 0));
}

TEST_F(ConstantsModel, Uint8FromRawDataIsUnsigned) {
  const ir::Value& bytes = value("bytes_u8");
  ASSERT_TRUE(bytes.data.has_value());
  EXPECT_THAT(bytes.data->ints, ElementsAre(0, 200, 255));
}

TEST_F(ConstantsModel, RawDataOfWrongSizeLeavesValuesUnknown) {
  const ir::Value& bad = value("bad_raw");
  EXPECT_EQ(bad.declared, ir::Shape::ofValues({3}));
  EXPECT_FALSE(bad.data.has_value());
}

TEST_F(ConstantsModel, ConstantValueTensorIsKept) {
  const ir::Node& constant = model_->graph.nodes.at(0);
  EXPECT_EQ(constant.name, "Constant_0");
  const ir::Attribute* attr = constant.attr("value");
  ASSERT_NE(attr, nullptr);
  ASSERT_EQ(attr->type, ir::Attribute::Type::kTensor);
  ASSERT_TRUE(attr->tensor().has_value());
  EXPECT_EQ(attr->tensor()->elemType, ir::kInt64);
  EXPECT_THAT(attr->tensor()->dims, ElementsAre(3));
  ASSERT_TRUE(attr->tensor()->data.has_value());
  EXPECT_THAT(attr->tensor()->data->ints, ElementsAre(7, 8, 9));
  // The pass, not the loader, gives Constant outputs their values.
  EXPECT_FALSE(value("c_tensor").data.has_value());
  EXPECT_EQ(value("c_tensor").producer, 0);
}

TEST_F(ConstantsModel, ConstantValueIntsIsAnOrdinaryAttribute) {
  const ir::Attribute* attr = model_->graph.nodes.at(1).attr("value_ints");
  ASSERT_NE(attr, nullptr);
  EXPECT_EQ(attr->type, ir::Attribute::Type::kInts);
  EXPECT_THAT(attr->ints, ElementsAre(3, 4));
}

TEST_F(ConstantsModel, InferredShapesAreLeftToThePass) {
  for (const ir::Value& v : model_->graph.values) EXPECT_FALSE(v.inferred.rankKnown()) << v.name;
}

}  // namespace
}  // namespace shapelint::onnx
