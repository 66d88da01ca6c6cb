// Shape functions of the tensor family; rows in op_table_tensor.inc.
#pragma once

#include "shapelint/passes/shape_fn.h"

namespace shapelint::passes::shape {

}  // namespace shapelint::passes::shape
