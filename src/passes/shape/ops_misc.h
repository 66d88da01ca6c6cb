// Shape functions of the misc family; rows in op_table_misc.inc.
#pragma once

#include "shapelint/passes/shape_fn.h"

namespace shapelint::passes::shape {

// misc_elementwise.cpp
void inferBoolUnary(InferContext& ctx);       // IsNaN, IsInf: X's shape, bool
void inferBernoulli(InferContext& ctx);       // X's shape, dtype or X's type
void inferRandomLike(InferContext& ctx);      // RandomUniformLike, RandomNormalLike
void inferRandom(InferContext& ctx);          // RandomUniform, RandomNormal: the 'shape' attribute
void inferTrilu(InferContext& ctx);           // rank >= 2, X's shape
void inferEyeLike(InferContext& ctx);         // rank 2, X's shape
void inferQuantizeLinear(InferContext& ctx);  // x's shape, zero point's type
void inferDequantizeLinear(InferContext& ctx);
void inferDynamicQuantizeLinear(InferContext& ctx);

// misc_index.cpp
void inferGatherElements(InferContext& ctx);
void inferGatherND(InferContext& ctx);
void inferScatterElements(InferContext& ctx);  // also Scatter (opset 9-10)
void inferScatterND(InferContext& ctx);
void inferOneHot(InferContext& ctx);
void inferReverseSequence(InferContext& ctx);

// misc_loss.cpp
void inferNegativeLogLikelihoodLoss(InferContext& ctx);
void inferSoftmaxCrossEntropyLoss(InferContext& ctx);

// misc_rnn.cpp
void inferRNN(InferContext& ctx);
void inferGRU(InferContext& ctx);
void inferLSTM(InferContext& ctx);

// misc_signal.cpp
void inferWindow(InferContext& ctx);  // HannWindow, HammingWindow, BlackmanWindow
void inferMelWeightMatrix(InferContext& ctx);
void inferDFT(InferContext& ctx);
void inferSTFT(InferContext& ctx);
void inferDet(InferContext& ctx);
void inferRoiAlign(InferContext& ctx);
void inferMaxRoiPool(InferContext& ctx);

// misc_data_dependent.cpp: data-dependent dims left unknown
void inferNonZero(InferContext& ctx);
void inferUnique(InferContext& ctx);
void inferCompress(InferContext& ctx);
void inferNonMaxSuppression(InferContext& ctx);

// control_flow.cpp (If is in ops.h)
void inferLoop(InferContext& ctx);
void inferScan(InferContext& ctx);

// misc_training.cpp
void inferAdagrad(InferContext& ctx);
void inferMomentum(InferContext& ctx);
void inferAdam(InferContext& ctx);
void inferGradient(InferContext& ctx);
void inferStringNormalizer(InferContext& ctx);
void inferTfIdfVectorizer(InferContext& ctx);

}  // namespace shapelint::passes::shape
