// The op table: (domain, op_type, opset range) -> shape function. Adding an
// op is one function in its family's file and one row here.
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "passes/shape/ops.h"

namespace shapelint::passes {
namespace {

constexpr int64_t kAnyOpset = std::numeric_limits<int64_t>::max();

struct OpEntry {
  std::string_view domain;  // "" = ai.onnx
  std::string_view opType;
  int64_t sinceVersion;     // first opset this function handles
  int64_t untilVersion;     // last opset this function handles
  ShapeFn fn;
};

// clang-format off
const OpEntry kOps[] = {
    {"", "If", 1, kAnyOpset, shape::inferIf},
};
// clang-format on

std::string key(std::string_view domain, std::string_view opType) {
  std::string k(domain == "ai.onnx" ? std::string_view() : domain);
  k += '\0';
  k += opType;
  return k;
}

}  // namespace

ShapeFn findShapeFn(const std::string& domain, const std::string& opType, int64_t opset) {
  static const auto* index = [] {
    auto* m = new std::unordered_map<std::string, std::vector<const OpEntry*>>();
    for (const OpEntry& e : kOps) (*m)[key(e.domain, e.opType)].push_back(&e);
    return m;
  }();
  auto it = index->find(key(domain, opType));
  if (it == index->end()) return nullptr;
  for (const OpEntry* e : it->second)
    if (opset >= e->sinceVersion && opset <= e->untilVersion) return e->fn;
  return nullptr;
}

}  // namespace shapelint::passes
