// Every misc-family shape function on malformed nodes (missing inputs,
// scalars, empty and unknown shapes): findings or unknown outputs, never a
// crash or an exception.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "passes/model_builder.h"

namespace shapelint::testing {
namespace {

const char* const kOps[] = {
    "Acos",
    "Mod",
    "IsNaN",
    "Bernoulli",
    "RandomUniformLike",
    "RandomUniform",
    "Trilu",
    "EyeLike",
    "QuantizeLinear",
    "DequantizeLinear",
    "DynamicQuantizeLinear",
    "GatherElements",
    "GatherND",
    "ScatterElements",
    "ScatterND",
    "OneHot",
    "ReverseSequence",
    "NegativeLogLikelihoodLoss",
    "SoftmaxCrossEntropyLoss",
    "RNN",
    "GRU",
    "LSTM",
    "HannWindow",
    "MelWeightMatrix",
    "DFT",
    "STFT",
    "Det",
    "RoiAlign",
    "MaxRoiPool",
    "NonZero",
    "Unique",
    "Compress",
    "NonMaxSuppression",
    "Loop",
    "Scan",
    "StringNormalizer",
    "TfIdfVectorizer",
    "Multinomial",
    "SequenceLength",
    "OptionalHasElement",
    "RegexFullMatch",
    "StringConcat",
    "StringSplit",
    "AffineGrid",
    "CenterCropPad",
    "ImageDecoder",
};

// The shapes every input of a node gets in one run.
const ir::Shape kShapes[] = {ir::Shape(std::vector<ir::Dim>{}), ir::Shape::ofValues({0}), ir::Shape(),
                             ir::Shape::ofValues({1, 0, 2, 3, 4, 5}), shape({"N", "?", 3})};

TEST(MiscRobust, malformed_nodes_give_findings_not_crashes) {
  for (const char* op : kOps) {
    for (size_t arity = 0; arity <= 6; ++arity) {
      for (const ir::Shape& s : kShapes) {
        ModelBuilder b(20);
        std::vector<std::string> inputs;
        for (size_t i = 0; i < arity; ++i) {
          inputs.push_back("in" + std::to_string(i));
          b.input(inputs.back(), s);
        }
        b.node(op, inputs, {"o0", "o1", "o2", "o3"}, {ints("shape", {-2}), intAttr("axis", 9)}, "n");
        Inferred r = infer(b);
        for (const diag::Diagnostic& d : r.diagnostics)
          EXPECT_EQ(d.message.find("could not infer"), std::string::npos)
              << op << " with " << arity << " inputs of shape " << s.str() << ": " << d.message;
        for (const char* out : {"o0", "o1", "o2", "o3"}) {
          const ir::Shape& o = r.shapeOf(out);
          if (!o.rankKnown()) continue;
          for (const ir::Dim& d : o.dims())
            EXPECT_FALSE(d.isValue() && d.value() < 0) << op << " output " << out << " " << o.str();
        }
      }
    }
  }
}

}  // namespace
}  // namespace shapelint::testing
