// Shape functions of every op family; one row per op in op_table.cpp.
#pragma once

#include "shapelint/passes/shape_fn.h"

namespace shapelint::passes::shape {

// Control flow (control_flow.cpp)
void inferIf(InferContext& ctx);

// Convolution (conv.cpp, conv_transpose.cpp)
void inferConv(InferContext& ctx);
void inferConvTranspose(InferContext& ctx);

// Pooling (pool.cpp)
void inferMaxPool(InferContext& ctx);
void inferAveragePool(InferContext& ctx);
void inferGlobalPool(InferContext& ctx);

// Elementwise (elementwise.cpp)
void inferUnary(InferContext& ctx);              // Y has X's shape and type
void inferBroadcast(InferContext& ctx);          // numpy broadcasting, opset >= 7
void inferLegacyBroadcast(InferContext& ctx);    // opset 1-6: broadcast/axis attributes
void inferCompare(InferContext& ctx);            // numpy broadcasting, bool output
void inferLegacyCompare(InferContext& ctx);      // opset 1-6, bool output
void inferVariadic(InferContext& ctx);           // Max/Min/Sum/Mean >= 8
void inferVariadicSameShape(InferContext& ctx);  // Max/Min/Sum/Mean 1-7
void inferWhere(InferContext& ctx);

// Concatenation (concat.cpp)
void inferConcat(InferContext& ctx);

// Neural-network layers (nn.cpp)
void inferBatchNormalization(InferContext& ctx);
void inferDropout(InferContext& ctx);
void inferFlatten(InferContext& ctx);
void inferGemm(InferContext& ctx);

}  // namespace shapelint::passes::shape
