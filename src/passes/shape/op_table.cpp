// The op table: (domain, op_type, opset range) -> shape function. Adding an
// op is one function in its family's file and one row here.
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "passes/shape/ops.h"
#include "passes/shape/ops_data.h"
#include "passes/shape/ops_misc.h"
#include "passes/shape/ops_tensor.h"

namespace shapelint::passes {
namespace {

constexpr int64_t kAnyOpset = std::numeric_limits<int64_t>::max();

struct OpEntry {
  std::string_view domain;  // "" = ai.onnx
  std::string_view opType;
  int64_t sinceVersion;     // first opset this function handles
  int64_t untilVersion;     // last opset this function handles
  ShapeFn fn;
};

// clang-format off
const OpEntry kOps[] = {
    {"", "If", 1, kAnyOpset, shape::inferIf},
    // Convolution and pooling: every version (listed after each row) up to
    // opset 22 and beyond; 22 changed only types. The shape functions check
    // which attributes each version defines.
    // conv.cpp, conv_transpose.cpp, deform_conv.cpp, col2im.cpp
    {"", "Conv", 1, kAnyOpset, shape::inferConv},                    // 1, 11, 22
    {"", "ConvInteger", 10, kAnyOpset, shape::inferConvInteger},     // 10
    {"", "QLinearConv", 10, kAnyOpset, shape::inferQLinearConv},     // 10
    {"", "ConvTranspose", 1, kAnyOpset, shape::inferConvTranspose},  // 1, 11, 22
    {"", "DeformConv", 19, kAnyOpset, shape::inferDeformConv},       // 19, 22
    {"", "Col2Im", 18, kAnyOpset, shape::inferCol2Im},               // 18
    // pool.cpp, unpool.cpp
    {"", "MaxPool", 1, kAnyOpset, shape::inferMaxPool},              // 1, 8, 10, 11, 12, 22
    {"", "AveragePool", 1, kAnyOpset, shape::inferAveragePool},      // 1, 7, 10, 11, 19, 22
    {"", "LpPool", 1, kAnyOpset, shape::inferLpPool},                // 1, 2, 11, 18, 22
    {"", "MaxUnpool", 9, kAnyOpset, shape::inferMaxUnpool},          // 9, 11, 22
    {"", "GlobalAveragePool", 1, kAnyOpset, shape::inferGlobalPool}, // 1, 22
    {"", "GlobalMaxPool", 1, kAnyOpset, shape::inferGlobalPool},     // 1, 22
    {"", "GlobalLpPool", 1, kAnyOpset, shape::inferGlobalPool},      // 1, 2, 22
    // elementwise.cpp: shape-preserving unary ops
    {"", "Abs", 1, kAnyOpset, shape::inferUnary},
    {"", "Ceil", 1, kAnyOpset, shape::inferUnary},
    {"", "Clip", 1, kAnyOpset, shape::inferUnary},
    {"", "Elu", 1, kAnyOpset, shape::inferUnary},
    {"", "Erf", 9, kAnyOpset, shape::inferUnary},
    {"", "Exp", 1, kAnyOpset, shape::inferUnary},
    {"", "Floor", 1, kAnyOpset, shape::inferUnary},
    {"", "HardSigmoid", 1, kAnyOpset, shape::inferUnary},
    {"", "HardSwish", 14, kAnyOpset, shape::inferUnary},
    {"", "LeakyRelu", 1, kAnyOpset, shape::inferUnary},
    {"", "Log", 1, kAnyOpset, shape::inferUnary},
    {"", "LogSoftmax", 1, kAnyOpset, shape::inferUnary},
    {"", "Neg", 1, kAnyOpset, shape::inferUnary},
    {"", "Not", 1, kAnyOpset, shape::inferUnary},
    {"", "PRelu", 1, kAnyOpset, shape::inferUnary},
    {"", "Reciprocal", 1, kAnyOpset, shape::inferUnary},
    {"", "Relu", 1, kAnyOpset, shape::inferUnary},
    {"", "Selu", 1, kAnyOpset, shape::inferUnary},
    {"", "Sigmoid", 1, kAnyOpset, shape::inferUnary},
    {"", "Softmax", 1, kAnyOpset, shape::inferUnary},
    {"", "Softplus", 1, kAnyOpset, shape::inferUnary},
    {"", "Softsign", 1, kAnyOpset, shape::inferUnary},
    {"", "Sqrt", 1, kAnyOpset, shape::inferUnary},
    {"", "Tanh", 1, kAnyOpset, shape::inferUnary},
    // elementwise.cpp: broadcasting (opset 1-6: the broadcast/axis attributes)
    {"", "Add", 1, 6, shape::inferLegacyBroadcast},
    {"", "Add", 7, kAnyOpset, shape::inferBroadcast},
    {"", "Sub", 1, 6, shape::inferLegacyBroadcast},
    {"", "Sub", 7, kAnyOpset, shape::inferBroadcast},
    {"", "Mul", 1, 6, shape::inferLegacyBroadcast},
    {"", "Mul", 7, kAnyOpset, shape::inferBroadcast},
    {"", "Div", 1, 6, shape::inferLegacyBroadcast},
    {"", "Div", 7, kAnyOpset, shape::inferBroadcast},
    {"", "Pow", 1, 6, shape::inferLegacyBroadcast},
    {"", "Pow", 7, kAnyOpset, shape::inferBroadcast},
    {"", "Equal", 1, 6, shape::inferLegacyCompare},
    {"", "Equal", 7, kAnyOpset, shape::inferCompare},
    {"", "Less", 1, 6, shape::inferLegacyCompare},
    {"", "Less", 7, kAnyOpset, shape::inferCompare},
    {"", "Greater", 1, 6, shape::inferLegacyCompare},
    {"", "Greater", 7, kAnyOpset, shape::inferCompare},
    {"", "LessOrEqual", 12, kAnyOpset, shape::inferCompare},
    {"", "GreaterOrEqual", 12, kAnyOpset, shape::inferCompare},
    {"", "And", 1, 6, shape::inferLegacyCompare},
    {"", "And", 7, kAnyOpset, shape::inferCompare},
    {"", "Or", 1, 6, shape::inferLegacyCompare},
    {"", "Or", 7, kAnyOpset, shape::inferCompare},
    {"", "Xor", 1, 6, shape::inferLegacyCompare},
    {"", "Xor", 7, kAnyOpset, shape::inferCompare},
    {"", "Max", 1, 7, shape::inferVariadicSameShape},
    {"", "Max", 8, kAnyOpset, shape::inferVariadic},
    {"", "Min", 1, 7, shape::inferVariadicSameShape},
    {"", "Min", 8, kAnyOpset, shape::inferVariadic},
    {"", "Sum", 1, 7, shape::inferVariadicSameShape},
    {"", "Sum", 8, kAnyOpset, shape::inferVariadic},
    {"", "Mean", 1, 7, shape::inferVariadicSameShape},
    {"", "Mean", 8, kAnyOpset, shape::inferVariadic},
    {"", "Where", 9, kAnyOpset, shape::inferWhere},
    // concat.cpp
    {"", "Concat", 1, kAnyOpset, shape::inferConcat},
    // squeeze.cpp
    {"", "Squeeze", 1, kAnyOpset, shape::inferSqueeze},
    {"", "Unsqueeze", 1, kAnyOpset, shape::inferUnsqueeze},
    // nn.cpp
    {"", "BatchNormalization", 1, kAnyOpset, shape::inferBatchNormalization},
    {"", "Dropout", 1, kAnyOpset, shape::inferDropout},
    {"", "Flatten", 1, kAnyOpset, shape::inferFlatten},
    {"", "Gemm", 1, kAnyOpset, shape::inferGemm},
// Shape computations and data propagation (ops_data.h)
#include "passes/shape/op_table_data.inc"
// Layout, reduction, matmul and normalisation ops (ops_tensor.h)
#include "passes/shape/op_table_tensor.inc"
// The rest of the standard set (ops_misc.h)
#include "passes/shape/op_table_misc.inc"
};
// clang-format on

std::string key(std::string_view domain, std::string_view opType) {
  std::string k(domain == "ai.onnx" ? std::string_view() : domain);
  k += '\0';
  k += opType;
  return k;
}

}  // namespace

ShapeFn findShapeFn(const std::string& domain, const std::string& opType, int64_t opset) {
  static const auto* index = [] {
    auto* m = new std::unordered_map<std::string, std::vector<const OpEntry*>>();
    for (const OpEntry& e : kOps) (*m)[key(e.domain, e.opType)].push_back(&e);
    return m;
  }();
  auto it = index->find(key(domain, opType));
  if (it == index->end()) return nullptr;
  for (const OpEntry* e : it->second)
    if (opset >= e->sinceVersion && opset <= e->untilVersion) return e->fn;
  return nullptr;
}

}  // namespace shapelint::passes
