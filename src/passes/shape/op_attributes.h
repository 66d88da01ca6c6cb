// Which attributes an operator defines at each opset. An attribute the op
// does not define at the model's opset (ceil_mode on MaxPool-8, dilations on
// AveragePool-11, a misspelt name) is SL301: ONNX's checker rejects it and
// runtimes either reject it or silently ignore it, so the model means
// different things in different places.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "shapelint/passes/shape_fn.h"

namespace shapelint::passes::shape {

// An attribute and the first opset of the op that defines it.
struct AttributeSince {
  std::string_view name;
  int64_t since = 1;
};

// SL301 for every attribute of the node that its op does not define at the
// model's opset; the message names the opset. Returns false when it reported.
bool checkAttributesDefined(InferContext& ctx, std::initializer_list<AttributeSince> defined);

}  // namespace shapelint::passes::shape
