// Input-shape specs and symbol bindings.
#include "shapelint/driver/input_shape.h"

#include <algorithm>
#include <charconv>
#include <string_view>
#include <system_error>
#include <vector>

namespace shapelint {
namespace {

bool isIdentifierStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isIdentifierChar(char c) { return isIdentifierStart(c) || (c >= '0' && c <= '9'); }

// One dim: an integer >= 0, a symbol name, or `?`.
ir::Dim parseDim(std::string_view token, const std::string& spec) {
  token = trimSpaces(token);
  if (token == "?") return ir::Dim::unknown();
  if (isSymbolName(token)) return ir::Dim::symbol(std::string(token));
  int64_t value = -1;
  const char* end = token.data() + token.size();
  auto [stop, ec] = std::from_chars(token.data(), end, value);
  if (ec == std::errc() && stop == end && value >= 0) return ir::Dim::value(value);
  throw std::invalid_argument("'" + spec + "': '" + std::string(token) +
                              "' is not a dim (expected an integer >= 0, a symbol name or '?')");
}

}  // namespace

bool isSymbolName(std::string_view s) {
  return !s.empty() && isIdentifierStart(s.front()) && std::all_of(s.begin(), s.end(), isIdentifierChar);
}

std::pair<std::string, ir::Shape> parseInputShapeSpec(const std::string& spec) {
  const size_t colon = spec.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    throw std::invalid_argument("'" + spec + "': expected NAME:DIMS, e.g. x:1x3x224x224 or x:[1,3,224,224]");
  }
  const std::string name = spec.substr(0, colon);
  std::string_view dims = trimSpaces(std::string_view(spec).substr(colon + 1));
  if (dims.empty()) throw std::invalid_argument("'" + spec + "': no dims after the colon");

  std::vector<std::string_view> tokens;
  if (dims.front() == '[') {
    if (dims.back() != ']') throw std::invalid_argument("'" + spec + "': missing closing ']'");
    dims = trimSpaces(dims.substr(1, dims.size() - 2));
    if (!dims.empty()) tokens = splitAt(dims, ',');
  } else {
    tokens = splitAt(dims, 'x');
  }
  std::vector<ir::Dim> parsed;
  parsed.reserve(tokens.size());
  for (std::string_view token : tokens) parsed.push_back(parseDim(token, spec));
  return {name, ir::Shape(std::move(parsed))};
}

ir::Shape bindSymbols(const ir::Shape& shape, const SymbolBindings& bindings) {
  if (!shape.rankKnown() || bindings.empty()) return shape;
  ir::Shape out = shape;
  for (ir::Dim& d : out.dims()) {
    if (!d.isSymbol()) continue;
    const auto it = bindings.find(d.symbol());
    if (it != bindings.end()) d = ir::Dim::value(it->second);
  }
  return out;
}

std::map<std::string, ir::Shape> boundInputShapes(const ir::Graph& graph, const std::map<std::string, ir::Shape>& given,
                                                  const SymbolBindings& bindings) {
  std::map<std::string, ir::Shape> out;
  for (const auto& [name, shape] : given) out.emplace(name, bindSymbols(shape, bindings));
  if (bindings.empty()) return out;
  for (const std::string& name : graph.inputs) {
    if (out.count(name)) continue;
    const ir::Value* v = graph.find(name);
    if (!v || v->isInitializer || !v->hasDeclared) continue;
    ir::Shape bound = bindSymbols(v->declared, bindings);
    if (bound != v->declared) out.emplace(name, std::move(bound));
  }
  return out;
}

std::string_view trimSpaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> splitAt(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t pos = text.find(separator); pos != std::string_view::npos; pos = text.find(separator, start)) {
    parts.push_back(text.substr(start, pos - start));
    start = pos + 1;
  }
  parts.push_back(text.substr(start));
  return parts;
}

}  // namespace shapelint
