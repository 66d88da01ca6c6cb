// A finding attached to one node of one model.
//
// Messages are lower-case, without a trailing period or newline, and state
// both the expected and the observed numbers. `details` carry the arithmetic
// (the formula with the numbers plugged in), `notes` point at related nodes,
// `help` says what to change.
#pragma once

#include <string>
#include <vector>

#include "shapelint/diag/rules.h"

namespace shapelint::diag {

struct Note {
  std::string node;     // related node, may be empty
  std::string message;
};

struct Diagnostic {
  RuleId rule = RuleId::kMalformedNode;
  Severity severity = Severity::kError;
  std::string node;    // node name; empty for graph-level findings
  std::string opType;  // op of that node; empty for graph-level findings
  std::string message;
  std::vector<std::string> details;
  std::vector<Note> notes;
  std::string help;
  size_t order = 0;  // position of the node in topological order, for sorting

  const Rule& ruleInfo() const { return diag::rule(rule); }
};

// Deterministic order: by topological position, then rule code, then message.
void sortDiagnostics(std::vector<Diagnostic>& diags);

// Builds a diagnostic in one fluent call and appends it to a sink when it
// goes out of scope:
//   report(sink, RuleId::kConvChannelMismatch, node)
//       .message("...").detail("...").help("...");
class DiagBuilder {
 public:
  DiagBuilder(std::vector<Diagnostic>* sink, Diagnostic diag) : sink_(sink), diag_(std::move(diag)) {}
  DiagBuilder(const DiagBuilder&) = delete;
  DiagBuilder& operator=(const DiagBuilder&) = delete;
  DiagBuilder(DiagBuilder&& other) noexcept : sink_(other.sink_), diag_(std::move(other.diag_)) {
    other.sink_ = nullptr;
  }
  ~DiagBuilder() {
    if (sink_) sink_->push_back(std::move(diag_));
  }

  DiagBuilder& message(std::string m) {
    diag_.message = std::move(m);
    return *this;
  }
  DiagBuilder& detail(std::string d) {
    diag_.details.push_back(std::move(d));
    return *this;
  }
  DiagBuilder& note(std::string node, std::string m) {
    diag_.notes.push_back({std::move(node), std::move(m)});
    return *this;
  }
  DiagBuilder& help(std::string h) {
    diag_.help = std::move(h);
    return *this;
  }
  DiagBuilder& severity(Severity s) {
    diag_.severity = s;
    return *this;
  }

 private:
  std::vector<Diagnostic>* sink_;
  Diagnostic diag_;
};

}  // namespace shapelint::diag
