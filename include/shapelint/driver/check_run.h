// `shapelint check` over many models: configuration, selection, parallel
// checking and baselines. The command line parses flags into a CheckRequest;
// everything else is here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "shapelint/diag/rules.h"
#include "shapelint/driver/baseline.h"
#include "shapelint/driver/config.h"
#include "shapelint/report/report.h"

namespace shapelint {

struct CheckRequest {
  std::vector<std::string> paths;                // model files, directories already expanded
  CliSettings cli;                               // overrides every configuration
  std::optional<std::string> configFile;         // --config: this one for every model
  bool isolated = false;                         // --isolated: no configuration file
  unsigned jobs = 0;                             // threads; 0: one per core
  std::optional<std::string> baselineFile;       // --baseline
  std::optional<std::string> writeBaselineFile;  // --write-baseline
  // Fill ModelReport::values (every inferred shape, sorted by name); only
  // the JSON report prints them, and for a large graph they cost a copy of
  // every shape.
  bool valueShapes = true;
  // The process exits once the run is reported (the command line): a run
  // of one model leaves the model's memory to the exit instead of freeing
  // its millions of small allocations one by one.
  bool exitsAfter = false;
};

struct CheckRun {
  std::vector<report::ModelReport> reports;  // in the order of the paths, filtered
  std::vector<diag::Severity> failOn;        // per report
  std::optional<BaselineOutcome> baseline;
  size_t baselineWritten = 0;  // findings recorded by --write-baseline

  bool anyLoadError() const;
  // Some finding at or above its model's fail-on.
  bool anyFailing() const;
};

// Throws ConfigError or BaselineError (usage errors: nothing was checked, or
// the baseline could not be written).
CheckRun runChecks(const CheckRequest& request);

// One thread per core (at least 1).
unsigned defaultJobs();

}  // namespace shapelint
