#include "shapelint/diag/diagnostic.h"

#include <algorithm>
#include <tuple>

namespace shapelint::diag {

void sortDiagnostics(std::vector<Diagnostic>& diags) {
  std::stable_sort(diags.begin(), diags.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.order, a.ruleInfo().code, a.node, a.message) <
           std::tie(b.order, b.ruleInfo().code, b.node, b.message);
  });
  diags.erase(std::unique(diags.begin(), diags.end(),
                          [](const Diagnostic& a, const Diagnostic& b) {
                            return a.rule == b.rule && a.node == b.node && a.message == b.message;
                          }),
              diags.end());
}

}  // namespace shapelint::diag
