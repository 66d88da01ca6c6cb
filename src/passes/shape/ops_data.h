// Shape functions of the data family; rows in op_table_data.inc. They
// propagate small integer tensors (ir::ConstData, symbolic elements
// included) so that Reshape targets, Expand shapes, Resize sizes ...
// computed from Shape are known: Shape -> Gather -> Unsqueeze -> Concat ->
// Reshape of [N, 64, H, W] gives [N, 64*H*W].
#pragma once

#include "shapelint/passes/shape_fn.h"

namespace shapelint::passes::shape {

// data_shape.cpp
void inferConstant(InferContext& ctx);
void inferShape(InferContext& ctx);
void inferSize(InferContext& ctx);
void inferIdentity(InferContext& ctx);
void inferCast(InferContext& ctx);
void inferCastLike(InferContext& ctx);
void inferConstantOfShape(InferContext& ctx);
void inferRange(InferContext& ctx);

// data_index.cpp
void inferGather(InferContext& ctx);
void inferSlice(InferContext& ctx);

// data_reshape.cpp
void inferReshape(InferContext& ctx);
void inferExpand(InferContext& ctx);
void inferTile(InferContext& ctx);

}  // namespace shapelint::passes::shape
