// Shape functions of every op family; one row per op in op_table.cpp.
#pragma once

#include "shapelint/passes/shape_fn.h"

namespace shapelint::passes::shape {

// Control flow (control_flow.cpp)
void inferIf(InferContext& ctx);

// Convolution (conv.cpp, conv_transpose.cpp, deform_conv.cpp, col2im.cpp)
void inferConv(InferContext& ctx);
void inferConvInteger(InferContext& ctx);
void inferQLinearConv(InferContext& ctx);
void inferConvTranspose(InferContext& ctx);
void inferDeformConv(InferContext& ctx);
void inferCol2Im(InferContext& ctx);

// Pooling (pool.cpp, unpool.cpp)
void inferMaxPool(InferContext& ctx);
void inferAveragePool(InferContext& ctx);
void inferLpPool(InferContext& ctx);
void inferGlobalPool(InferContext& ctx);  // GlobalAveragePool, GlobalMaxPool, GlobalLpPool
void inferMaxUnpool(InferContext& ctx);

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

// Inserting and removing size-1 axes (squeeze.cpp)
void inferUnsqueeze(InferContext& ctx);
void inferSqueeze(InferContext& ctx);

// Neural-network layers (nn.cpp)
void inferBatchNormalization(InferContext& ctx);
void inferDropout(InferContext& ctx);
void inferFlatten(InferContext& ctx);
void inferGemm(InferContext& ctx);

}  // namespace shapelint::passes::shape
