// Shape functions of the misc family; rows in op_table_misc.inc.
#pragma once

#include "shapelint/passes/shape_fn.h"

namespace shapelint::passes::shape {

}  // namespace shapelint::passes::shape
