// What Conv and ConvTranspose share: the weight and group checks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "shapelint/ir/checked.h"
#include "shapelint/ir/dim.h"
#include "shapelint/passes/shape_fn.h"

namespace shapelint::passes::shape {

struct ConvInputs {
  int64_t group = 1;
  std::vector<ir::Dim> weightKernel;  // W's spatial dims; empty when W's rank is unknown
};

// Checks W (present: SL003; rank equal to X's: SL003) and group (>= 1:
// SL301). std::nullopt when the node cannot be inferred. `x` is the data
// input when usable (windowDataInput), else null: W is still checked.
std::optional<ConvInputs> convInputs(InferContext& ctx, const ir::Shape* x);

// SL003: the optional bias B (input 2) must be a vector of `channels` elements.
void checkBias(InferContext& ctx, const ir::Dim& channels, const std::string& channelsText);

}  // namespace shapelint::passes::shape
