// Input-shape specs ("x:1x3x224x224", "x:[N, 3, H, W]") and symbol
// bindings (H = 512), shared by --input-shape and the configuration file.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shapelint/ir/dim.h"
#include "shapelint/ir/graph.h"

namespace shapelint {

// "NAME:1x3x224x224" or "NAME:[1, 3, 224, 224]"; "NAME:[]" is a scalar.
// Each dim is an integer >= 0, a symbol name or `?`. The name ends at the
// last colon, so tensor names such as "x:0" work. Throws
// std::invalid_argument with a message that starts with the quoted spec.
std::pair<std::string, ir::Shape> parseInputShapeSpec(const std::string& spec);

// `s` without leading and trailing spaces.
std::string_view trimSpaces(std::string_view s);

// `text` split at every `separator` (an empty text gives one empty part).
std::vector<std::string_view> splitAt(std::string_view text, char separator);

// True for a symbol name: letters, digits and `_`, not starting with a digit.
bool isSymbolName(std::string_view s);

// Symbol name -> value.
using SymbolBindings = std::map<std::string, int64_t>;

// `shape` with every symbol dim named in `bindings` replaced by its value.
ir::Shape bindSymbols(const ir::Shape& shape, const SymbolBindings& bindings);

// The input shapes to check `graph` with: `given` (every entry, also those
// naming no input: the pass reports them), and for each other graph input
// whose declared shape has a symbol in `bindings`, the declared shape with
// the bound symbols replaced. The given shapes are bound too.
std::map<std::string, ir::Shape> boundInputShapes(const ir::Graph& graph, const std::map<std::string, ir::Shape>& given,
                                                  const SymbolBindings& bindings);

}  // namespace shapelint
