// Typed attribute readers shared by every shape function.
#include <fmt/format.h>

#include "shapelint/passes/shape_fn.h"

namespace shapelint::passes {
namespace {

// Reports an attribute of the wrong type; the caller then treats it as absent.
const ir::Attribute* typed(InferContext& ctx, std::string_view name, ir::Attribute::Type want) {
  const ir::Attribute* a = ctx.attr(name);
  if (!a) return nullptr;
  if (a->type == want) return a;
  ctx.report(diag::RuleId::kInvalidAttribute)
      .message(fmt::format("attribute '{}' is of type {}, expected {}", name, ir::attributeTypeName(a->type),
                           ir::attributeTypeName(want)))
      .help(fmt::format("re-export the model with '{}' as {}", name, ir::attributeTypeName(want)));
  return nullptr;
}

}  // namespace

std::optional<int64_t> InferContext::attrInt(std::string_view name) {
  const ir::Attribute* a = typed(*this, name, ir::Attribute::Type::kInt);
  return a ? std::optional<int64_t>(a->i) : std::nullopt;
}

std::optional<double> InferContext::attrFloat(std::string_view name) {
  const ir::Attribute* a = typed(*this, name, ir::Attribute::Type::kFloat);
  return a ? std::optional<double>(a->f) : std::nullopt;
}

std::optional<std::string> InferContext::attrString(std::string_view name) {
  const ir::Attribute* a = typed(*this, name, ir::Attribute::Type::kString);
  return a ? std::optional<std::string>(a->s()) : std::nullopt;
}

const std::vector<int64_t>* InferContext::attrIntsRef(std::string_view name) {
  const ir::Attribute* a = typed(*this, name, ir::Attribute::Type::kInts);
  return a ? &a->ints : nullptr;
}

std::optional<std::vector<int64_t>> InferContext::attrInts(std::string_view name) {
  const std::vector<int64_t>* ints = attrIntsRef(name);
  return ints ? std::optional<std::vector<int64_t>>(*ints) : std::nullopt;
}

}  // namespace shapelint::passes
