// The SARIF 2.1.0 reporter, for GitHub code scanning and other SARIF viewers.
//
// One run. tool.driver.rules is the whole rule table (results refer to it by
// ruleId and ruleIndex, the rule's position in diag::allRules()), with each
// rule's doc page as its help. A finding becomes a result located at the
// model file, region line 1 (GitHub needs a line region even for a binary
// file), with the node as a logical location of kind "member" (a node is a
// member of its model's graph). A model that could not be loaded becomes a
// toolExecutionNotification and makes the invocation unsuccessful.
//
// Model-supplied text in message texts goes through escapeForTerminal (as in
// the text output: SARIF viewers show it to people); names in logical
// locations stay as in the model, JSON-escaped, invalid UTF-8 replaced.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "finding_text.h"
#include "shapelint/diag/rule_docs.h"
#include "shapelint/diag/rules.h"
#include "shapelint/report/report.h"
#include "statistics_json.h"

namespace shapelint::report {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kSarifVersion = "2.1.0";
constexpr std::string_view kSarifSchema =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
constexpr std::string_view kToolName = "shapelint";
constexpr std::string_view kInformationUri = "https://git.example.com/tools/shapelint";
// Relative model paths are relative to the folder shapelint ran in; GitHub
// code scanning resolves this base to the repository checkout.
constexpr std::string_view kSourceRootBase = "%SRCROOT%";
constexpr std::string_view kNodeLocationKind = "member";
constexpr std::string_view kFingerprintKey = "shapelintFingerprint/v1";
constexpr std::string_view kLoadErrorId = "load-error";

std::string_view sarifLevel(diag::Severity severity) {
  switch (severity) {
    case diag::Severity::kError:
      return "error";
    case diag::Severity::kWarning:
      return "warning";
    case diag::Severity::kNote:
      return "note";
  }
  return "none";
}

Json text(std::string value) { return Json{{"text", std::move(value)}}; }

// The body of a "## HEADING" section of a rule page, without surrounding
// blank lines; empty when the page has no such section.
std::string section(std::string_view page, std::string_view heading) {
  const std::string marker = "## " + std::string(heading) + "\n";
  size_t start = page.find(marker);
  if (start != 0 && start != std::string_view::npos && page[start - 1] != '\n') start = std::string_view::npos;
  if (start == std::string_view::npos) return "";
  start += marker.size();
  size_t end = page.find("\n## ", start);
  std::string_view body = page.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  while (!body.empty() && (body.front() == '\n' || body.front() == ' ')) body.remove_prefix(1);
  while (!body.empty() && (body.back() == '\n' || body.back() == ' ')) body.remove_suffix(1);
  return std::string(body);
}

// tool.driver.rules[i]: id and name from the rule table; the summary as the
// short description, the doc page's "What it does" as the full one, its
// "How to fix" as the help text and the whole page as the help markdown.
Json ruleDescriptor(const diag::Rule& rule) {
  const std::string_view page = diag::ruleDoc(rule);
  std::string full = section(page, "What it does");
  if (full.empty()) full = std::string(rule.summary);
  Json out = Json::object();
  out["id"] = std::string(rule.code);
  out["name"] = std::string(rule.name);
  out["shortDescription"] = text(std::string(rule.summary));
  out["fullDescription"] = text(std::move(full));
  std::string howToFix = section(page, "How to fix");
  Json help = text(howToFix.empty() ? std::string(rule.summary) : std::move(howToFix));
  if (!page.empty()) help["markdown"] = std::string(page);
  out["help"] = std::move(help);
  out["defaultConfiguration"] = Json{{"level", std::string(sarifLevel(rule.severity))}};
  return out;
}

bool isUnreservedOrAllowed(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  // RFC 3986 unreserved, sub-delims and the path characters '/' and '@';
  // ':' is left out so that "a:b.onnx" is not read as a scheme.
  return std::string_view("-._~!$&'()*+,;=/@").find(static_cast<char>(c)) != std::string_view::npos;
}

// A file path as a URI reference: every byte outside the allowed set
// (spaces, '%', '#', '?', non-ASCII, controls) is percent-encoded.
std::string percentEncode(std::string_view path) {
  std::string out;
  for (char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (isUnreservedOrAllowed(c)) {
      out += ch;
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// The model path as given on the command line: relative paths stay relative
// to %SRCROOT% (a leading "./" is dropped), absolute ones become file: URIs.
Json artifactLocation(const std::string& path) {
  Json out = Json::object();
  if (!path.empty() && path.front() == '/') {
    out["uri"] = "file://" + percentEncode(path);
    return out;
  }
  std::string_view relative = path;
  while (relative.substr(0, 2) == "./") relative.remove_prefix(2);
  out["uri"] = percentEncode(relative);
  out["uriBaseId"] = std::string(kSourceRootBase);
  return out;
}

Json physicalLocation(const std::string& path) {
  Json out = Json::object();
  out["artifactLocation"] = artifactLocation(path);
  out["region"] = Json{{"startLine", 1}};
  return out;
}

// 64-bit FNV-1a: stable across platforms and releases, unlike std::hash.
uint64_t fnv1a(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// Identifies a finding across runs by model path, rule and node (not by its
// message, whose numbers change as the model is edited). Findings that share
// all three are told apart by their position among them: "HASH:1", "HASH:2".
class Fingerprints {
 public:
  std::string next(const std::string& path, const diag::Diagnostic& d) {
    std::string key = path;
    key += '\0';
    key += d.ruleInfo().code;
    key += '\0';
    key += d.node;
    const size_t occurrence = ++seen_[key];
    return fmt::format("{:016x}:{}", fnv1a(key), occurrence);
  }

 private:
  std::map<std::string, size_t> seen_;
};

Json result(const std::string& path, const diag::Diagnostic& d, Fingerprints& fingerprints) {
  const diag::Rule& rule = d.ruleInfo();
  Json location = Json::object();
  location["physicalLocation"] = physicalLocation(path);
  if (!d.node.empty()) {
    Json node = Json::object();
    node["name"] = d.node;
    node["kind"] = std::string(kNodeLocationKind);
    if (!d.opType.empty()) node["properties"] = Json{{"op_type", d.opType}};
    location["logicalLocations"] = Json::array({std::move(node)});
  }
  Json out = Json::object();
  out["ruleId"] = std::string(rule.code);
  out["ruleIndex"] = static_cast<size_t>(rule.id);
  out["level"] = std::string(sarifLevel(d.severity));
  out["message"] = text(findingText(d));
  out["locations"] = Json::array({std::move(location)});
  out["partialFingerprints"] = Json{{std::string(kFingerprintKey), fingerprints.next(path, d)}};
  return out;
}

Json loadErrorNotification(const std::string& path, const std::string& error) {
  Json location = Json::object();
  location["physicalLocation"] = Json{{"artifactLocation", artifactLocation(path)}};
  Json out = Json::object();
  out["level"] = "error";
  out["message"] = text(escapeForTerminal(error));
  out["locations"] = Json::array({std::move(location)});
  out["descriptor"] = Json{{"id", std::string(kLoadErrorId)}};
  return out;
}

}  // namespace

std::string renderSarif(const std::vector<ModelReport>& reports, const SarifOptions& options) {
  Json driver = Json::object();
  driver["name"] = std::string(kToolName);
  driver["version"] = options.toolVersion;
  driver["informationUri"] = std::string(kInformationUri);
  Json rules = Json::array();
  for (const diag::Rule& rule : diag::allRules()) rules.push_back(ruleDescriptor(rule));
  driver["rules"] = std::move(rules);

  Json results = Json::array();
  Json notifications = Json::array();
  Fingerprints fingerprints;
  for (const ModelReport& r : reports) {
    if (r.loadError) {
      notifications.push_back(loadErrorNotification(r.path, *r.loadError));
      continue;
    }
    for (const diag::Diagnostic& d : r.diagnostics) results.push_back(result(r.path, d, fingerprints));
  }

  Json invocation = Json::object();
  invocation["executionSuccessful"] = notifications.empty();
  if (!notifications.empty()) invocation["toolExecutionNotifications"] = std::move(notifications);

  Json run = Json::object();
  run["tool"] = Json{{"driver", std::move(driver)}};
  run["invocations"] = Json::array({std::move(invocation)});
  run["results"] = std::move(results);
  if (options.statistics) run["properties"] = Json{{"statistics", statisticsToJson(reports)}};

  Json root = Json::object();
  root["$schema"] = std::string(kSarifSchema);
  root["version"] = std::string(kSarifVersion);
  root["runs"] = Json::array({std::move(run)});
  // Invalid UTF-8 in model-supplied names becomes U+FFFD instead of an exception.
  return root.dump(2, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace) + "\n";
}

}  // namespace shapelint::report
