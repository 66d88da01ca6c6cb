#include "passes/shape/op_attributes.h"

#include <fmt/format.h>

namespace shapelint::passes::shape {

bool checkAttributesDefined(InferContext& ctx, std::initializer_list<AttributeSince> defined) {
  const ir::Node& node = ctx.node();
  const int64_t opset = ctx.opset();
  bool ok = true;
  for (const ir::Attribute& attribute : node.attributes) {
    const AttributeSince* match = nullptr;
    for (const AttributeSince& d : defined)
      if (d.name == attribute.name) match = &d;
    if (match && match->since <= opset) continue;
    if (match) {
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("attribute '{}' is not defined for {} at opset {}, expected it only from opset {}",
                               attribute.name, node.opType, opset, match->since))
          .help(fmt::format("remove '{}', or import opset {} or later where {} has it", attribute.name, match->since,
                            node.opType));
    } else {
      std::string names;
      for (const AttributeSince& d : defined)
        if (d.since <= opset) names += fmt::format("{}{}", names.empty() ? "" : ", ", d.name);
      ctx.report(diag::RuleId::kInvalidAttribute)
          .message(fmt::format("attribute '{}' is not defined for {} (opset {}), expected {}", attribute.name,
                               node.opType, opset, names.empty() ? std::string("no attributes") : "one of: " + names))
          .help(fmt::format("remove '{}' or correct its spelling", attribute.name));
    }
    ok = false;
  }
  return ok;
}

}  // namespace shapelint::passes::shape
