// The configuration file, parsed with toml++, and its discovery.
#include "shapelint/driver/config.h"

#include <fmt/format.h>
#include <fnmatch.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

namespace shapelint {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kConfigName = "shapelint.toml";
constexpr std::string_view kPyproject = "pyproject.toml";

constexpr std::string_view kTopKeys[] = {"select",      "ignore", "severity",     "fail-on", "target",
                                         "input-shape", "dims",   "ignore-nodes", "per-path"};
constexpr std::string_view kPathKeys[] = {"ignore", "input-shape", "dims", "ignore-nodes"};
constexpr std::string_view kNodeIgnoreKeys[] = {"node", "rule"};

std::string quoteKey(std::string_view key) {
  const bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
  return bare ? std::string(key) : "\"" + std::string(key) + "\"";
}

template <size_t N>
std::string listKeys(const std::string_view (&keys)[N]) {
  std::string out;
  for (std::string_view k : keys) out += (out.empty() ? "" : ", ") + std::string(k);
  return out;
}

// Reads one table's keys into settings; every error names the file, the
// position and the dotted key.
class Reader {
 public:
  Reader(std::string file, std::string keyPrefix) : file_(std::move(file)), prefix_(std::move(keyPrefix)) {}

  [[noreturn]] void fail(const toml::source_region& where, const std::string& message) const {
    throw ConfigError(fmt::format("{}:{}:{}: error: {}", file_, where.begin.line, where.begin.column, message));
  }

  std::string keyName(const std::string& path) const { return "'" + prefix_ + path + "'"; }

  template <size_t N>
  void checkKeys(const toml::table& table, const std::string& path, const std::string_view (&allowed)[N]) const {
    for (const auto& [key, value] : table) {
      if (std::find(std::begin(allowed), std::end(allowed), key.str()) != std::end(allowed)) continue;
      fail(key.source(),
           fmt::format("unknown key {} (expected {})", keyName(join(path, key.str())), listKeys(allowed)));
    }
  }

  static std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? quoteKey(key) : path + "." + quoteKey(key);
  }

  const std::string& str(const toml::node& node, const std::string& path) const {
    const auto* s = node.as_string();
    if (!s) fail(node.source(), fmt::format("{} must be a string, not {}", keyName(path), typeName(node)));
    return s->get();
  }

  const toml::array& array(const toml::node& node, const std::string& path) const {
    const auto* a = node.as_array();
    if (!a) fail(node.source(), fmt::format("{} must be an array, not {}", keyName(path), typeName(node)));
    return *a;
  }

  const toml::table& table(const toml::node& node, const std::string& path) const {
    const auto* t = node.as_table();
    if (!t) fail(node.source(), fmt::format("{} must be a table, not {}", keyName(path), typeName(node)));
    return *t;
  }

  // One rule selector: code, name or code prefix.
  RuleSet rule(const toml::node& node, const std::string& path) const {
    const std::string& entry = str(node, path);
    const std::optional<RuleSet> found = matchRules(entry);
    if (!found) {
      fail(node.source(), fmt::format("{}: unknown rule '{}' (expected a code such as SL204, a name such as "
                                      "floor-truncation, or a code prefix such as SL2)",
                                      keyName(path), entry));
    }
    return *found;
  }

  RuleSet ruleList(const toml::node& node, const std::string& path) const {
    RuleSet all;
    const toml::array& entries = array(node, path);
    for (size_t i = 0; i < entries.size(); ++i) all |= rule(entries[i], fmt::format("{}[{}]", path, i));
    return all;
  }

  diag::Severity severity(const toml::node& node, const std::string& path) const {
    const std::string& text = str(node, path);
    const std::optional<diag::Severity> level = diag::parseSeverity(text);
    if (!level) {
      fail(node.source(),
           fmt::format("{}: unknown severity '{}' (expected error, warning or note)", keyName(path), text));
    }
    return *level;
  }

  passes::Target target(const toml::node& node, const std::string& path) const {
    auto one = [&](const toml::node& n, const std::string& p) {
      const std::string& name = str(n, p);
      const std::optional<passes::Target> t = parseTargetName(name);
      if (!t) {
        fail(n.source(),
             fmt::format("{}: unknown target '{}' (expected onnx, onnxruntime, pytorch or all)", keyName(p), name));
      }
      return static_cast<unsigned>(*t);
    };
    if (node.is_string()) return static_cast<passes::Target>(one(node, path));
    const toml::array& names = array(node, path);
    if (names.empty()) fail(node.source(), fmt::format("{} names no target", keyName(path)));
    unsigned selected = 0;
    for (size_t i = 0; i < names.size(); ++i) selected |= one(names[i], fmt::format("{}[{}]", path, i));
    return static_cast<passes::Target>(selected);
  }

  std::map<std::string, ir::Shape> inputShapes(const toml::node& node, const std::string& path) const {
    std::map<std::string, ir::Shape> shapes;
    const toml::array& specs = array(node, path);
    for (size_t i = 0; i < specs.size(); ++i) {
      const std::string at = fmt::format("{}[{}]", path, i);
      const std::string& spec = str(specs[i], at);
      try {
        auto [name, shape] = parseInputShapeSpec(spec);
        if (!shapes.emplace(name, std::move(shape)).second) {
          fail(specs[i].source(), fmt::format("{}: input '{}' is given more than once", keyName(at), name));
        }
      } catch (const std::invalid_argument& e) {
        fail(specs[i].source(), fmt::format("{}: {}", keyName(at), e.what()));
      }
    }
    return shapes;
  }

  SymbolBindings dims(const toml::node& node, const std::string& path) const {
    SymbolBindings bindings;
    for (const auto& [key, value] : table(node, path)) {
      const std::string at = join(path, key.str());
      if (!isSymbolName(key.str())) {
        fail(key.source(), fmt::format("{}: '{}' is not a symbol name (letters, digits and _, not starting "
                                       "with a digit)",
                                       keyName(at), key.str()));
      }
      const auto* integer = value.as_integer();
      if (!integer || integer->get() < 0) {
        fail(value.source(), fmt::format("{} must be an integer >= 0", keyName(at)));
      }
      bindings[std::string(key.str())] = integer->get();
    }
    return bindings;
  }

  std::vector<NodeIgnore> ignoreNodes(const toml::node& node, const std::string& path) const {
    std::vector<NodeIgnore> out;
    const toml::array& entries = array(node, path);
    for (size_t i = 0; i < entries.size(); ++i) {
      const std::string at = fmt::format("{}[{}]", path, i);
      const toml::table& entry = table(entries[i], at);
      checkKeys(entry, at, kNodeIgnoreKeys);
      NodeIgnore ignore;
      const toml::node* pattern = entry.get("node");
      if (!pattern) fail(entries[i].source(), fmt::format("{} needs a 'node' pattern", keyName(at)));
      ignore.nodePattern = str(*pattern, join(at, "node"));
      if (const toml::node* rule = entry.get("rule")) {
        ignore.rules = rule->is_array() ? ruleList(*rule, join(at, "rule")) : this->rule(*rule, join(at, "rule"));
        // No rules would mean every rule: say so by leaving 'rule' out.
        if (ignore.rules.none()) fail(rule->source(), fmt::format("{} names no rule", keyName(join(at, "rule"))));
      }
      out.push_back(std::move(ignore));
    }
    return out;
  }

  PathSettings pathSettings(const toml::table& table, const std::string& path, std::string pattern) const {
    checkKeys(table, path, kPathKeys);
    PathSettings settings;
    settings.pattern = std::move(pattern);
    if (const toml::node* n = table.get("ignore")) settings.ignore = ruleList(*n, join(path, "ignore"));
    if (const toml::node* n = table.get("input-shape"))
      settings.inputShapes = inputShapes(*n, join(path, "input-shape"));
    if (const toml::node* n = table.get("dims")) settings.dims = dims(*n, join(path, "dims"));
    if (const toml::node* n = table.get("ignore-nodes"))
      settings.ignoreNodes = ignoreNodes(*n, join(path, "ignore-nodes"));
    return settings;
  }

  void read(const toml::table& top, Config& config) const {
    checkKeys(top, "", kTopKeys);
    if (const toml::node* n = top.get("select")) config.selection.select = ruleList(*n, "select");
    if (const toml::node* n = top.get("ignore")) config.selection.ignore = ruleList(*n, "ignore");
    if (const toml::node* n = top.get("severity")) {
      for (const auto& [key, value] : table(*n, "severity")) {
        const std::string at = join("severity", key.str());
        const std::optional<RuleSet> rules = matchRules(key.str());
        if (!rules) {
          fail(key.source(), fmt::format("{}: unknown rule '{}' (expected a code such as SL204, a name such as "
                                         "floor-truncation, or a code prefix such as SL2)",
                                         keyName(at), key.str()));
        }
        config.selection.severity.emplace_back(*rules, severity(value, at));
      }
    }
    if (const toml::node* n = top.get("fail-on")) config.failOn = severity(*n, "fail-on");
    if (const toml::node* n = top.get("target")) config.target = target(*n, "target");
    if (const toml::node* n = top.get("input-shape")) config.inputShapes = inputShapes(*n, "input-shape");
    if (const toml::node* n = top.get("dims")) config.dims = dims(*n, "dims");
    if (const toml::node* n = top.get("ignore-nodes")) config.ignoreNodes = ignoreNodes(*n, "ignore-nodes");
    if (const toml::node* n = top.get("per-path")) {
      for (const auto& [key, value] : table(*n, "per-path")) {
        const std::string at = join("per-path", key.str());
        if (key.str().empty()) fail(key.source(), fmt::format("{}: empty path pattern", keyName(at)));
        config.perPath.push_back(pathSettings(table(value, at), at, std::string(key.str())));
      }
    }
  }

 private:
  static std::string typeName(const toml::node& node) {
    switch (node.type()) {
      case toml::node_type::table:
        return "a table";
      case toml::node_type::array:
        return "an array";
      case toml::node_type::string:
        return "a string";
      case toml::node_type::integer:
        return "an integer";
      case toml::node_type::floating_point:
        return "a float";
      case toml::node_type::boolean:
        return "a boolean";
      default:
        return "a date or time";
    }
  }

  std::string file_;
  std::string prefix_;
};

// How a configuration file is named in messages: relative to the current
// folder when that is shorter.
std::string displayPath(const fs::path& path) {
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  if (!ec) {
    const fs::path relative = path.lexically_relative(cwd);
    if (!relative.empty() && relative.native().size() < path.native().size()) return relative.string();
  }
  return path.string();
}

std::string readText(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError(file + ": error: cannot read the configuration file: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ConfigError(file + ": error: cannot read the configuration file");
  return text.str();
}

// Absolute and without "." and "..", symlinks kept: a model is found and
// keyed by the path it was given as, not by where a link points.
fs::path absoluteNormal(const fs::path& path) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec);
  return (ec ? path : absolute).lexically_normal();
}

bool matchSegments(const std::vector<std::string>& pattern, size_t p, const std::vector<std::string>& path, size_t s) {
  if (p == pattern.size()) return s == path.size();
  if (pattern[p] == "**") {
    for (size_t skip = s; skip <= path.size(); ++skip)
      if (matchSegments(pattern, p + 1, path, skip)) return true;
    return false;
  }
  if (s == path.size()) return false;
  if (fnmatch(pattern[p].c_str(), path[s].c_str(), 0) != 0) return false;
  return matchSegments(pattern, p + 1, path, s + 1);
}

std::vector<std::string> splitPath(std::string_view text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t slash = text.find('/', start);
    if (slash == std::string_view::npos) slash = text.size();
    const std::string_view part = text.substr(start, slash - start);
    if (!part.empty() && part != ".") parts.emplace_back(part);
    start = slash + 1;
  }
  return parts;
}

}  // namespace

std::optional<passes::Target> parseTargetName(std::string_view name) {
  if (name == "onnx") return passes::Target::kOnnx;
  if (name == "onnxruntime") return passes::Target::kOnnxRuntime;
  if (name == "pytorch") return passes::Target::kPyTorch;
  if (name == "all") return passes::Target::kAll;
  return std::nullopt;
}

std::optional<Config> parseConfig(std::string_view text, const std::string& file, const fs::path& dir, bool pyproject) {
  toml::table document;
  try {
    document = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    const toml::source_region& where = e.source();
    throw ConfigError(
        fmt::format("{}:{}:{}: error: invalid TOML: {}", file, where.begin.line, where.begin.column, e.description()));
  }
  Config config;
  config.file = file;
  config.dir = dir;
  if (!pyproject) {
    Reader(file, "").read(document, config);
    return config;
  }
  const toml::node* tool = document.get("tool");
  if (!tool || !tool->is_table()) return std::nullopt;
  const toml::node* section = tool->as_table()->get("shapelint");
  if (!section) return std::nullopt;
  const Reader reader(file, "tool.shapelint.");
  if (!section->is_table()) {
    const toml::source_region& where = section->source();
    throw ConfigError(
        fmt::format("{}:{}:{}: error: 'tool.shapelint' must be a table", file, where.begin.line, where.begin.column));
  }
  reader.read(*section->as_table(), config);
  return config;
}

Config loadConfigFile(const std::string& file) {
  const bool pyproject = fs::path(file).filename() == kPyproject;
  std::optional<Config> config = parseConfig(readText(file), file, absoluteNormal(file).parent_path(), pyproject);
  if (!config) throw ConfigError(file + ":1:1: error: no [tool.shapelint] table");
  return std::move(*config);
}

bool pathMatches(std::string_view pattern, std::string_view relativePath) {
  const std::vector<std::string> path = splitPath(relativePath);
  if (pattern.find('/') == std::string_view::npos) {
    return !path.empty() && fnmatch(std::string(pattern).c_str(), path.back().c_str(), 0) == 0;
  }
  return matchSegments(splitPath(pattern), 0, path, 0);
}

const Config* ConfigFinder::forModel(const std::string& modelPath) {
  return forDirectory(absoluteNormal(modelPath).parent_path());
}

const Config* ConfigFinder::forDirectory(const fs::path& dir) {
  if (auto it = byDirectory_.find(dir); it != byDirectory_.end()) return it->second.get();
  std::shared_ptr<const Config> found;
  std::error_code ec;
  const fs::path own = dir / kConfigName;
  const fs::path pyproject = dir / kPyproject;
  if (fs::is_regular_file(own, ec)) {
    found = std::make_shared<const Config>(
        *parseConfig(readText(own.string()), displayPath(own), dir, /*pyproject=*/false));
  } else if (fs::is_regular_file(pyproject, ec)) {
    std::optional<Config> config = parseConfig(readText(pyproject.string()), displayPath(pyproject), dir, true);
    if (config) found = std::make_shared<const Config>(std::move(*config));
  }
  const bool stop = fs::exists(dir / ".git", ec) || !dir.has_relative_path();
  if (!found && !stop) {
    const Config* parent = forDirectory(dir.parent_path());
    // Share the parent's entry (no copy): look it up again by its folder.
    if (parent) found = byDirectory_.at(parent->dir);
  }
  byDirectory_[dir] = found;
  return found.get();
}

ModelSettings resolveSettings(const Config* config, const std::string& modelPath, const CliSettings& cli) {
  ModelSettings settings;
  settings.pass.target = passes::Target::kAll;
  if (config) {
    settings.policy.apply(config->selection);
    if (config->failOn) settings.failOn = *config->failOn;
    if (config->target) settings.pass.target = *config->target;
    settings.pass.inputShapes = config->inputShapes;
    settings.dims = config->dims;
    settings.policy.ignoreNodes = config->ignoreNodes;
  }
  settings.policy.apply(cli.selection);
  if (cli.failOn) settings.failOn = *cli.failOn;
  if (cli.target) settings.pass.target = *cli.target;
  if (config && !config->perPath.empty()) {
    const std::string relative = absoluteNormal(modelPath).lexically_relative(config->dir).generic_string();
    for (const PathSettings& p : config->perPath) {
      if (!pathMatches(p.pattern, relative)) continue;
      for (const auto& [name, shape] : p.inputShapes) settings.pass.inputShapes[name] = shape;
      for (const auto& [name, value] : p.dims) settings.dims[name] = value;
      settings.policy.enabled &= ~p.ignore;
      settings.policy.ignoreNodes.insert(settings.policy.ignoreNodes.end(), p.ignoreNodes.begin(), p.ignoreNodes.end());
    }
  }
  for (const auto& [name, shape] : cli.inputShapes) settings.pass.inputShapes[name] = shape;
  return settings;
}

}  // namespace shapelint
