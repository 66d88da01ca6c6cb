// `shapelint check` over many models: each model's settings are resolved
// first (configuration discovery reads files and may fail), then the models
// are checked on a pool of threads, each writing only its own slot of the
// results, so the output is in path order whatever the scheduling.
#include "shapelint/driver/check_run.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <variant>

#include "check_model.h"
#include "shapelint/driver/input_shape.h"
#include "shapelint/onnx/loader.h"
#include "shapelint/passes/shape_fn.h"

namespace shapelint {
namespace {

// Keeps `model` alive until the process exits (CheckRequest::exitsAfter):
// reachable from a static, so leak checkers do not count it. Called only for
// a run of one model, so from one thread.
void keepUntilExit(ir::Model&& model) {
  static auto* kept = new std::vector<std::unique_ptr<ir::Model>>();
  kept->push_back(std::make_unique<ir::Model>(std::move(model)));
}

// Load, bind the configured symbols, run the pass, keep the selected findings.
report::ModelReport checkOne(const std::string& path, const ModelSettings& settings, bool valueShapes,
                             bool keepModel) {
  report::ModelReport result;
  result.path = path;
  try {
    std::optional<ir::Model> model = loadForCheck(path, result);
    if (!model) return result;
    passes::PassOptions options = settings.pass;
    options.inputShapes = boundInputShapes(model->graph, settings.pass.inputShapes, settings.dims);
    checkLoadedModel(*model, options, result, valueShapes);
    result.diagnostics = settings.policy.filter(std::move(result.diagnostics));
    if (keepModel) keepUntilExit(std::move(*model));
  } catch (const std::exception& e) {
    // A failure inside one model's check must not lose the others' results.
    report::ModelReport failed;
    failed.path = path;
    failed.loadError = path + ": internal error while checking the model: " + e.what();
    return failed;
  }
  return result;
}

}  // namespace

unsigned defaultJobs() { return std::max(1u, std::thread::hardware_concurrency()); }

bool CheckRun::anyLoadError() const {
  return std::any_of(reports.begin(), reports.end(), [](const report::ModelReport& r) { return r.loadError; });
}

bool CheckRun::anyFailing() const {
  for (size_t i = 0; i < reports.size(); ++i)
    for (const diag::Diagnostic& d : reports[i].diagnostics)
      if (d.severity >= failOn[i]) return true;
  return false;
}

CheckRun runChecks(const CheckRequest& request) {
  // Settings first, serially: every configuration error is reported before
  // anything is checked.
  std::vector<ModelSettings> settings;
  settings.reserve(request.paths.size());
  std::optional<Config> given;
  if (request.configFile && !request.isolated) given = loadConfigFile(*request.configFile);
  ConfigFinder finder;
  for (const std::string& path : request.paths) {
    const Config* config = nullptr;
    if (given) {
      config = &*given;
    } else if (!request.isolated) {
      config = finder.forModel(path);
    }
    settings.push_back(resolveSettings(config, path, request.cli));
  }
  std::optional<Baseline> baseline;
  if (request.baselineFile) baseline = loadBaseline(*request.baselineFile);

  // The pass's function-local statics (the rule table, the op index) are
  // initialised thread-safely by the language; touching them here first also
  // lets race detectors (valgrind --tool=helgrind) see them initialised
  // before the threads start. Nothing else in the pass is shared.
  (void)diag::allRules();
  (void)passes::findShapeFn("", "Conv", 1);

  CheckRun run;
  run.reports.resize(request.paths.size());
  const unsigned threads = std::min<unsigned>(request.jobs == 0 ? defaultJobs() : request.jobs,
                                              static_cast<unsigned>(std::max<size_t>(1, request.paths.size())));
  std::atomic<size_t> next{0};
  const bool keepModel = request.exitsAfter && request.paths.size() == 1;
  auto worker = [&] {
    for (size_t i = next++; i < request.paths.size(); i = next++)
      run.reports[i] = checkOne(request.paths[i], settings[i], request.valueShapes, keepModel);
  };
  if (threads <= 1) {
    worker();
  } else {
    std::vector<std::jthread> pool;
    pool.reserve(threads);
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);
  }  // the jthreads join here

  for (const ModelSettings& s : settings) run.failOn.push_back(s.failOn);
  if (request.writeBaselineFile) {
    const Baseline written = makeBaseline(run.reports, *request.writeBaselineFile);
    for (const auto& [key, count] : written.counts) run.baselineWritten += count;
    writeBaseline(written, *request.writeBaselineFile);
  }
  if (baseline) {
    std::vector<RuleSet> enabled;
    for (const ModelSettings& s : settings) enabled.push_back(s.policy.enabled);
    run.baseline = applyBaseline(*baseline, *request.baselineFile, run.reports, enabled);
  }
  return run;
}

}  // namespace shapelint
