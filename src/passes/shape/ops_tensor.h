// Shape functions of the tensor family; rows in op_table_tensor.inc.
#pragma once

#include "shapelint/passes/shape_fn.h"

namespace shapelint::passes::shape {

// Layout (tensor_layout.cpp)
void inferTranspose(InferContext& ctx);
void inferSplit(InferContext& ctx);
void inferPad(InferContext& ctx);
void inferDepthToSpace(InferContext& ctx);
void inferSpaceToDepth(InferContext& ctx);

// Resampling (tensor_resize.cpp)
void inferResize(InferContext& ctx);
void inferUpsample(InferContext& ctx);
void inferGridSample(InferContext& ctx);

// Reductions and per-axis selections (tensor_reduce.cpp)
void inferReduce(InferContext& ctx);  // every Reduce* op
void inferArgMinMax(InferContext& ctx);
void inferTopK(InferContext& ctx);
void inferHardmax(InferContext& ctx);
void inferCumSum(InferContext& ctx);

// Matrix products (tensor_matmul.cpp)
void inferMatMul(InferContext& ctx);
void inferMatMulInteger(InferContext& ctx);
void inferQLinearMatMul(InferContext& ctx);
void inferEinsum(InferContext& ctx);

// Normalisation (tensor_norm.cpp; BatchNormalization is in nn.cpp)
void inferInstanceNormalization(InferContext& ctx);
void inferLayerNormalization(InferContext& ctx);
void inferGroupNormalization(InferContext& ctx);
void inferLRN(InferContext& ctx);
void inferMeanVarianceNormalization(InferContext& ctx);

}  // namespace shapelint::passes::shape
