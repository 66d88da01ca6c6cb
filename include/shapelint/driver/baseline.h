// Baselines: the findings a project has accepted for now. --write-baseline
// records the current findings; --baseline reports only findings not in it
// and lists the recorded ones that no longer occur. A finding is keyed by
// the model's path (relative to the baseline file's folder, '/'-separated),
// its rule code and its node name, not by its message, so a baseline
// survives rewording; each key has a count, so duplicates are matched one
// for one.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "shapelint/driver/selection.h"
#include "shapelint/report/report.h"

namespace shapelint {

// A baseline file that cannot be read, parsed or written; what() is one line
// naming the file.
class BaselineError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct BaselineKey {
  std::string model;  // relative to the baseline file's folder, '/'-separated
  std::string code;   // "SL204"
  std::string node;   // "" for a finding about the whole graph
  friend auto operator<=>(const BaselineKey&, const BaselineKey&) = default;
};

struct Baseline {
  std::filesystem::path dir;  // absolute folder of the baseline file
  std::map<BaselineKey, size_t> counts;
};

// How a model path given on the command line is keyed in a baseline whose
// file is in `dir`: relative to it, '/'-separated (absolute when the model
// is on another root).
std::string baselineModelKey(const std::filesystem::path& dir, const std::string& modelPath);

// The findings of `reports` (models that could not be loaded have none),
// keyed for a baseline file at `file`.
Baseline makeBaseline(const std::vector<report::ModelReport>& reports, const std::string& file);
std::string renderBaseline(const Baseline& baseline);                    // the JSON file's text
Baseline parseBaseline(std::string_view text, const std::string& file);  // throws BaselineError
Baseline loadBaseline(const std::string& file);                          // throws BaselineError
void writeBaseline(const Baseline& baseline, const std::string& file);   // throws BaselineError

// A recorded key that now occurs fewer times (or not at all).
struct FixedEntry {
  BaselineKey key;
  size_t recorded = 0;
  size_t found = 0;
};

struct BaselineOutcome {
  std::string file;       // as given
  size_t suppressed = 0;  // findings dropped because the baseline has them
  std::vector<FixedEntry> fixed;
};

// Drops from `reports` the findings the baseline records (per key, at most
// as many as recorded, the first in report order), and lists the recorded
// keys that occur less often now. Only keys of models in `reports` that
// were loaded, and of rules enabled for them (`enabled[i]` for reports[i]),
// can be fixed: a run on fewer models or rules does not call the others
// fixed.
BaselineOutcome applyBaseline(const Baseline& baseline, const std::string& file,
                              std::vector<report::ModelReport>& reports, const std::vector<RuleSet>& enabled);

// Text lines for the end of the text report ("" when there is nothing to say).
std::string renderBaselineText(const BaselineOutcome& outcome);
// `json` (a JSON document with an object at the top) with a "baseline"
// member added last: {"file", "suppressed", "fixed": [{"model", "code",
// "rule", "node", "recorded", "found"}]}.
std::string addBaselineToJson(const std::string& json, const BaselineOutcome& outcome);

}  // namespace shapelint
