// Shape functions of the data family; rows in op_table_data.inc.
#pragma once

#include "shapelint/passes/shape_fn.h"

namespace shapelint::passes::shape {

}  // namespace shapelint::passes::shape
