// The JSON reporter. Its output is a contract (README.md, "JSON output"):
// version 1, keys in a fixed order, every key always present except "error"
// (load errors only) and "symbols" (only when a symbol was renamed).
#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "shapelint/ir/expr.h"
#include "shapelint/report/report.h"
#include "statistics_json.h"

namespace shapelint::report {
namespace {

// Insertion-ordered, so keys come out in the order the contract lists them.
using Json = nlohmann::ordered_json;

constexpr int kJsonVersion = 1;

// Python keywords: a symbol spelled like one is not a usable identifier in a
// Python-style dim expression. (Soft keywords such as `match` are valid names.)
constexpr std::array<std::string_view, 35> kPythonKeywords = {
    "False", "None",   "True",    "and",      "as",       "assert", "async",  "await",    "break",
    "class", "continue", "def",   "del",      "elif",     "else",   "except", "finally",  "for",
    "from",  "global", "if",      "import",   "in",       "is",     "lambda", "nonlocal", "not",
    "or",    "pass",   "raise",   "return",   "try",      "while",  "with",   "yield"};

bool isKeyword(std::string_view name) {
  for (std::string_view k : kPythonKeywords)
    if (k == name) return true;
  return false;
}

bool isAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool isIdentifierChar(char c) { return isAsciiLetter(c) || isAsciiDigit(c) || c == '_'; }

// An ASCII Python identifier that is not a keyword.
bool isPythonIdentifier(std::string_view name) {
  if (name.empty() || isAsciiDigit(name.front())) return false;
  for (char c : name)
    if (!isIdentifierChar(c)) return false;
  return !isKeyword(name);
}

// "batch size" -> "batch_size", "1abc" -> "_1abc", "class" -> "_class":
// every other character (a whole UTF-8 sequence, or a stray byte) becomes one
// '_', then a '_' is prefixed when the result starts with a digit or is a keyword.
std::string toIdentifier(std::string_view name) {
  std::string out;
  bool previousWasNonAscii = false;
  for (char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    const bool continuation = (byte & 0xC0u) == 0x80u;
    if (isIdentifierChar(c)) {
      out += c;
    } else if (!(continuation && previousWasNonAscii)) {
      out += '_';
    }
    previousWasNonAscii = byte >= 0x80;
  }
  if (out.empty() || isAsciiDigit(out.front()) || isKeyword(out)) out.insert(out.begin(), '_');
  return out;
}

// The names a model's symbols get in its JSON: valid identifiers keep their
// name; the others are rewritten by toIdentifier and made unique with a
// "_2", "_3" ... suffix. Deterministic: depends only on the set of symbols.
class SymbolNames {
 public:
  explicit SymbolNames(const ModelReport& report) {
    std::set<std::string> symbols;
    auto collect = [&](const std::vector<std::pair<std::string, ir::Shape>>& shapes) {
      for (const auto& entry : shapes) {
        const ir::Shape& shape = entry.second;
        if (!shape.rankKnown()) continue;
        for (const ir::Dim& d : shape.dims()) {
          const std::set<std::string> mentioned = ir::symbols(d);  // a symbol's own name, an expression's symbols
          symbols.insert(mentioned.begin(), mentioned.end());
        }
      }
    };
    collect(report.graphOutputs);
    collect(report.values);

    std::set<std::string> taken;
    for (const std::string& s : symbols)
      if (isPythonIdentifier(s)) taken.insert(s);
    for (const std::string& s : symbols) {
      if (isPythonIdentifier(s)) continue;
      const std::string base = toIdentifier(s);
      std::string candidate = base;
      for (int suffix = 2; taken.count(candidate) != 0; ++suffix) candidate = base + "_" + std::to_string(suffix);
      taken.insert(candidate);
      renamed_[s] = candidate;
    }
  }

  const std::string& nameOf(const std::string& symbol) const {
    auto it = renamed_.find(symbol);
    return it == renamed_.end() ? symbol : it->second;
  }

  // {"batch_size": "batch size"}, sorted by the new name; empty when nothing
  // was renamed.
  Json mapping() const {
    std::map<std::string, std::string> byNewName;
    for (const auto& [original, renamed] : renamed_) byNewName[renamed] = original;
    Json out = Json::object();
    for (const auto& [renamed, original] : byNewName) out[renamed] = original;
    return out;
  }

 private:
  std::map<std::string, std::string> renamed_;  // original -> identifier
};

// An integer; the symbol's (identifier) name; the expression as text over
// those names ("(H + 3) // 4", Dim::str()'s syntax); or null when unknown.
Json dimToJson(const ir::Dim& d, const SymbolNames& symbols) {
  switch (d.kind()) {
    case ir::Dim::Kind::kValue: return d.value();
    case ir::Dim::Kind::kSymbol: return symbols.nameOf(d.symbol());
    case ir::Dim::Kind::kExpr:
      return ir::strWithNames(d, [&](const std::string& name) { return symbols.nameOf(name); });
    case ir::Dim::Kind::kUnknown: break;
  }
  return nullptr;
}

// A list of dims, or null when the rank is unknown.
Json shapeToJson(const ir::Shape& shape, const SymbolNames& symbols) {
  if (!shape.rankKnown()) return nullptr;
  Json dims = Json::array();
  for (const ir::Dim& d : shape.dims()) dims.push_back(dimToJson(d, symbols));
  return dims;
}

Json shapesToJson(const std::vector<std::pair<std::string, ir::Shape>>& shapes, const SymbolNames& symbols) {
  Json out = Json::object();
  for (const auto& [name, shape] : shapes) out[name] = shapeToJson(shape, symbols);
  return out;
}

Json diagnosticToJson(const diag::Diagnostic& d) {
  const diag::Rule& rule = d.ruleInfo();
  Json out = Json::object();
  out["rule"] = std::string(rule.name);
  out["code"] = std::string(rule.code);
  out["severity"] = std::string(diag::severityName(d.severity));
  out["node"] = d.node;
  out["op_type"] = d.opType;
  out["message"] = d.message;
  out["details"] = d.details;
  Json notes = Json::array();
  for (const diag::Note& n : d.notes) notes.push_back(Json{{"node", n.node}, {"message", n.message}});
  out["notes"] = std::move(notes);
  out["help"] = d.help;
  return out;
}

Json modelToJson(const ModelReport& report) {
  Json out = Json::object();
  out["path"] = report.path;
  if (report.loadError) {
    out["status"] = "load-error";
    out["error"] = *report.loadError;
    out["graph_outputs"] = Json::object();
    out["values"] = Json::object();
    out["diagnostics"] = Json::array();
    return out;
  }
  const SymbolNames symbols(report);
  out["status"] = "ok";
  out["graph_outputs"] = shapesToJson(report.graphOutputs, symbols);
  out["values"] = shapesToJson(report.values, symbols);
  Json mapping = symbols.mapping();
  if (!mapping.empty()) out["symbols"] = std::move(mapping);
  Json diagnostics = Json::array();
  for (const diag::Diagnostic& d : report.diagnostics) diagnostics.push_back(diagnosticToJson(d));
  out["diagnostics"] = std::move(diagnostics);
  return out;
}

// Model-supplied names may hold invalid UTF-8: each invalid byte becomes
// U+FFFD instead of making the library throw. Control characters are escaped
// by JSON itself (\n, \u001b).
std::string dumpScalar(const Json& value) {
  return value.dump(-1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

bool isFlat(const Json& array) {
  return std::none_of(array.begin(), array.end(), [](const Json& e) { return e.is_structured(); });
}

// Indented by two spaces, except that arrays of scalars (shapes, details)
// stay on one line: "y": [1, 8, 16, 16].
void writeJson(const Json& value, int depth, std::string& out) {
  const std::string indent(static_cast<size_t>(depth + 1) * 2, ' ');
  const std::string closingIndent(static_cast<size_t>(depth) * 2, ' ');
  if (value.is_object() && !value.empty()) {
    out += "{\n";
    bool first = true;
    for (const auto& [key, member] : value.items()) {
      if (!first) out += ",\n";
      first = false;
      out += indent + dumpScalar(Json(key)) + ": ";
      writeJson(member, depth + 1, out);
    }
    out += "\n" + closingIndent + "}";
  } else if (value.is_array() && !value.empty() && !isFlat(value)) {
    out += "[\n";
    bool first = true;
    for (const Json& element : value) {
      if (!first) out += ",\n";
      first = false;
      out += indent;
      writeJson(element, depth + 1, out);
    }
    out += "\n" + closingIndent + "]";
  } else if (value.is_array()) {
    out += "[";
    bool first = true;
    for (const Json& element : value) {
      if (!first) out += ", ";
      first = false;
      out += dumpScalar(element);
    }
    out += "]";
  } else {
    out += dumpScalar(value);  // scalars, {}
  }
}

}  // namespace

std::string renderJson(const std::vector<ModelReport>& reports) { return renderJson(reports, JsonOptions{}); }

// --statistics only adds the "statistics" key after "models": the contract
// allows new keys, never changed ones.
std::string renderJson(const std::vector<ModelReport>& reports, const JsonOptions& options) {
  Json root = Json::object();
  root["version"] = kJsonVersion;
  Json models = Json::array();
  for (const ModelReport& r : reports) models.push_back(modelToJson(r));
  root["models"] = std::move(models);
  if (options.statistics) root["statistics"] = statisticsToJson(reports);
  std::string out;
  writeJson(root, 0, out);
  out += '\n';
  return out;
}

}  // namespace shapelint::report
