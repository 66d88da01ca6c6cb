// The configuration file: shapelint.toml, or [tool.shapelint] in
// pyproject.toml, found upward from each model's folder (see README.md
// "Configuration"), and how it combines with the command line into the
// settings one model is checked with.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "shapelint/diag/rules.h"
#include "shapelint/driver/input_shape.h"
#include "shapelint/driver/selection.h"
#include "shapelint/ir/dim.h"
#include "shapelint/passes/pass.h"
#include "shapelint/passes/target.h"

namespace shapelint {

// An invalid configuration. what() is one line, "FILE:LINE:COL: error:
// MESSAGE" naming the key ("FILE: error: MESSAGE" when it cannot be read).
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// [per-path."GLOB"]: settings for the models whose path (relative to the
// configuration file's folder, '/'-separated) matches GLOB.
struct PathSettings {
  std::string pattern;
  std::map<std::string, ir::Shape> inputShapes;
  SymbolBindings dims;
  RuleSet ignore;
  std::vector<NodeIgnore> ignoreNodes;
};

struct Config {
  std::string file;           // as printed in messages
  std::filesystem::path dir;  // absolute folder of the file: per-path globs are relative to it
  SelectionLayer selection;   // select, ignore, [severity]
  std::optional<diag::Severity> failOn;
  std::optional<passes::Target> target;
  std::map<std::string, ir::Shape> inputShapes;
  SymbolBindings dims;
  std::vector<NodeIgnore> ignoreNodes;
  std::vector<PathSettings> perPath;  // in file order
};

// Parses a configuration's text. With `pyproject`, the settings are the
// [tool.shapelint] table, and nullopt is returned when there is none.
// `file` names the file in messages; `dir` is its folder. Throws ConfigError.
std::optional<Config> parseConfig(std::string_view text, const std::string& file, const std::filesystem::path& dir,
                                  bool pyproject);

// Reads and parses `file` (a pyproject.toml when its name is, then it must
// have [tool.shapelint]). Throws ConfigError, also when it cannot be read.
Config loadConfigFile(const std::string& file);

// Matches a '/'-separated relative path against a glob: `*` and `?` stay
// within one path segment, `**` matches any number of segments, `[...]` a
// character class. A pattern without '/' matches the file name in any folder.
bool pathMatches(std::string_view pattern, std::string_view relativePath);

// Finds the configuration of each model: in the model's folder and then its
// parents, the first shapelint.toml, or pyproject.toml with
// [tool.shapelint], stopping after the filesystem root or a folder that
// holds .git. Each file is parsed once. Not thread-safe.
class ConfigFinder {
 public:
  // nullptr when none applies. Throws ConfigError.
  const Config* forModel(const std::string& modelPath);

 private:
  const Config* forDirectory(const std::filesystem::path& dir);
  std::map<std::filesystem::path, std::shared_ptr<const Config>> byDirectory_;
};

// The settings the command line gives; a setting left unset keeps the
// configuration's.
struct CliSettings {
  SelectionLayer selection;
  std::optional<diag::Severity> failOn;
  std::optional<passes::Target> target;
  std::map<std::string, ir::Shape> inputShapes;
};

// How one model is checked and what is reported for it.
struct ModelSettings {
  passes::PassOptions pass;  // target and input shapes (before binding)
  SymbolBindings dims;
  ModelPolicy policy;
  diag::Severity failOn = diag::Severity::kError;
};

// Combines, in order: the configuration (nullptr: none), its per-path
// tables matching `modelPath`, and the command line, which overrides both.
// Per-path and node ignores apply whatever the command line selects.
ModelSettings resolveSettings(const Config* config, const std::string& modelPath, const CliSettings& cli);

// "onnx", "onnxruntime", "pytorch", "all".
std::optional<passes::Target> parseTargetName(std::string_view name);

}  // namespace shapelint
