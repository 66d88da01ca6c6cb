// The shapelint command line: a thin layer over checkModelFile and the
// reporters.
//
//   shapelint check MODEL... [--format text|json|sarif|github] [--output FILE] [--statistics]
//                   [--input-shape NAME:DIMS]...
//                   [--fail-on error|warning|note] [-q|--quiet] [--color auto|always|never]
//                   [--target onnx|onnxruntime|pytorch|all]
//                   [--select RULES]... [--ignore RULES]... [--severity RULE=LEVEL]... [--exit-zero]
//                   [--config FILE | --isolated] [--baseline FILE] [--write-baseline FILE] [-j N]
//   shapelint explain conv|convtranspose|maxpool|avgpool --input I --kernel K [--stride S]
//                   [--dilation D] [--pad P | --pads B,E] [--auto-pad notset|valid|same_upper|same_lower]
//                   [--output-padding A] [--output-shape O] [--ceil-mode] [--format text|json]
//   shapelint infer MODEL -o OUT.onnx [--input-shape NAME:DIMS]... [-q|--quiet]
//   shapelint sizes MODEL [--dim H=LO..HI]... [--input-shape NAME:DIMS]... [--format text|json]
//   shapelint --version
//
// Exit codes: 0 no finding at or above --fail-on (or --exit-zero, or
// --write-baseline), 1 some finding is, 2 usage error (also an invalid
// configuration or baseline file) or a model could not be loaded. explain: 0, or 2 for a usage error.
// infer: 0 written without error findings, 1 written with error findings
// (printed on stderr), 2 usage error, or the model could not be loaded or
// written (nothing is written then). sizes: 0 every given size valid, 1 a
// given size invalid or no valid size, 2 usage or load error.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "malloc_tuning.h"
#include "shapelint/diag/rule_docs.h"
#include "shapelint/diag/rules.h"
#include "shapelint/driver.h"
#include "shapelint/driver/check_run.h"
#include "shapelint/driver/input_shape.h"
#include "shapelint/explain.h"
#include "shapelint/ir/dim.h"
#include "shapelint/passes/target.h"
#include "shapelint/report/report.h"
#include "shapelint/sizes.h"

#ifndef SHAPELINT_VERSION
#error "SHAPELINT_VERSION must be defined by the build"
#endif

namespace shapelint::cli {
namespace {

constexpr int kExitClean = 0;
constexpr int kExitFindings = 1;
constexpr int kExitError = 2;

constexpr std::string_view kModelExtension = ".onnx";

// A problem with the command line: one line on stderr, exit 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// --format, --output, --statistics: how `check` writes its report.
struct ReportCliOptions {
  std::string format = "text";
  std::string output;  // empty: standard output
  bool statistics = false;
};

struct CheckOptions {
  std::vector<std::string> models;
  ReportCliOptions report;
  std::vector<std::string> inputShapes;
  std::string failOn = "error";
  bool quiet = false;
  std::string color = "auto";
  std::string target = "all";
  struct CheckPolicyOptions* policy = nullptr;  // addCheckPolicyOptions
};

struct InferOptions {
  std::string model;
  std::string output;
  std::vector<std::string> inputShapes;
  bool quiet = false;
};

struct SizesCliOptions {
  std::string model;
  std::vector<std::string> dims;  // H=LO..HI
  std::vector<std::string> inputShapes;
  std::string format = "text";
};

// --target: one name, or several separated by commas.
constexpr std::pair<std::string_view, passes::Target> kTargets[] = {
    {"onnx", passes::Target::kOnnx},
    {"onnxruntime", passes::Target::kOnnxRuntime},
    {"pytorch", passes::Target::kPyTorch},
    {"all", passes::Target::kAll},
};

// The explain subcommands: name, op, summary.
struct ExplainCommand {
  std::string_view name;
  passes::ExplainOp op;
  std::string_view summary;
};
constexpr ExplainCommand kExplainCommands[] = {
    {"conv", passes::ExplainOp::kConv, "Conv: output size, floor, the output_padding that restores the input"},
    {"convtranspose", passes::ExplainOp::kConvTranspose,
     "ConvTranspose: output size, the conv it transposes, reachable output_shape"},
    {"maxpool", passes::ExplainOp::kMaxPool, "MaxPool: output size, floor or ceil_mode and where runtimes differ"},
    {"avgpool", passes::ExplainOp::kAveragePool,
     "AveragePool: output size, floor or ceil_mode and where runtimes differ"},
};

constexpr std::string_view kExplainFooter =
    "The arithmetic is per spatial axis: every axis is computed alone, by the same rule, so explain takes the "
    "numbers of one axis; run it once per axis.\nExample: shapelint explain conv --input 6 --kernel 3 --stride 2 "
    "--pad 1\n";

// --auto-pad values, in the lower case the command line uses.
constexpr std::pair<std::string_view, passes::ExplainPadding> kAutoPads[] = {
    {"notset", passes::ExplainPadding::kNotSet},
    {"valid", passes::ExplainPadding::kValid},
    {"same_upper", passes::ExplainPadding::kSameUpper},
    {"same_lower", passes::ExplainPadding::kSameLower},
};

struct ExplainOptions {
  int64_t input = 0;
  int64_t kernel = 0;
  int64_t stride = 1;
  int64_t dilation = 1;
  std::optional<int64_t> pad;
  std::string pads;
  std::string autoPad = "notset";
  int64_t outputPadding = 0;
  std::optional<int64_t> outputShape;
  bool ceilMode = false;
  std::string format = "text";
};

// "NAME:1x3x224x224" or "NAME:[1, 3, 224, 224]" (see shapelint/driver/input_shape.h).
std::pair<std::string, ir::Shape> parseInputShape(const std::string& spec) {
  try {
    return parseInputShapeSpec(spec);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--input-shape ") + e.what());
  }
}

std::map<std::string, ir::Shape> parseInputShapes(const std::vector<std::string>& specs) {
  std::map<std::string, ir::Shape> shapes;
  for (const std::string& spec : specs) {
    auto [name, shape] = parseInputShape(spec);
    if (!shapes.emplace(name, std::move(shape)).second) {
      throw UsageError("--input-shape: input '" + name + "' is given more than once");
    }
  }
  return shapes;
}

// A file stays as given; a directory becomes its *.onnx files, searched
// recursively and sorted. Anything else is passed on, so the loader reports
// it ("no such file") like any other model that cannot be loaded.
std::vector<std::string> expandModelPaths(const std::vector<std::string>& args) {
  namespace fs = std::filesystem;
  std::vector<std::string> paths;
  for (const std::string& arg : args) {
    std::error_code ec;
    if (!fs::is_directory(arg, ec)) {
      paths.push_back(arg);
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(arg, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const fs::path& p = it->path();
      if (p.extension() == kModelExtension && it->is_regular_file(ec)) found.push_back(p.string());
    }
    if (ec) throw UsageError("cannot search directory '" + arg + "': " + ec.message());
    if (found.empty()) throw UsageError("no " + std::string(kModelExtension) + " files under '" + arg + "'");
    std::sort(found.begin(), found.end());
    paths.insert(paths.end(), found.begin(), found.end());
  }
  return paths;
}

// --color auto: only on a terminal, and not when NO_COLOR is set (no-color.org).
bool useColor(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* noColor = std::getenv("NO_COLOR");
  if (noColor && *noColor) return false;
  return isatty(STDOUT_FILENO) == 1;
}

void writeStdout(const std::string& text) {
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
    throw std::runtime_error(std::string("cannot write the report: ") + std::strerror(errno));
  }
}

// One line on stderr, whatever the message holds (paths and specs come from
// the user, but may still contain newlines or escape sequences).
void printError(const std::string& message) {
  const std::string line = "shapelint: error: " + report::escapeForTerminal(message) + "\n";
  std::fputs(line.c_str(), stderr);
}

passes::Target parseTarget(const std::string& text) {
  unsigned selected = 0;
  for (std::string_view name : splitAt(text, ',')) {
    const auto* found = std::find_if(std::begin(kTargets), std::end(kTargets),
                                     [&](const auto& entry) { return entry.first == trimSpaces(name); });
    if (found == std::end(kTargets)) {
      throw UsageError("--target: unknown target '" + std::string(trimSpaces(name)) +
                       "' (expected onnx, onnxruntime, pytorch or all, or several separated by commas)");
    }
    selected |= static_cast<unsigned>(found->second);
  }
  return static_cast<passes::Target>(selected);
}

// --- check: the report's format and destination (--format, --output, --statistics) ---

constexpr std::string_view kFormatText = "text";
constexpr std::string_view kFormatJson = "json";
constexpr std::string_view kFormatSarif = "sarif";
constexpr std::string_view kFormatGithub = "github";

void addReportOptions(CLI::App& check, ReportCliOptions& options) {
  check
      .add_option("--format", options.format,
                  "Output format: text, json, sarif (SARIF 2.1.0, for GitHub code scanning) or github (GitHub "
                  "Actions annotations) (default: text)")
      ->check(CLI::IsMember(
          {std::string(kFormatText), std::string(kFormatJson), std::string(kFormatSarif), std::string(kFormatGithub)}));
  check.add_option("--output", options.output,
                   "Write the report to this file instead of standard output (replaced atomically)");
  check.add_flag("--statistics", options.statistics,
                 "Count the findings per rule: a table after the report (text, github), a \"statistics\" object "
                 "(json, sarif)");
}

// --output must name a file in an existing folder; checked before any model is.
void validateReportOutput(const ReportCliOptions& options) {
  namespace fs = std::filesystem;
  if (options.output.empty()) return;
  const fs::path path(options.output);
  const fs::path folder = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::error_code ec;
  if (path.filename().empty() || fs::is_directory(path, ec))
    throw UsageError("--output '" + options.output + "': not a file name");
  if (!fs::is_directory(folder, ec))
    throw UsageError("--output '" + options.output + "': folder '" + folder.string() + "' does not exist");
}

std::string renderCheckReport(const std::vector<report::ModelReport>& reports, const CheckOptions& options,
                              const BaselineOutcome* baseline) {
  const ReportCliOptions& out = options.report;
  if (out.format == kFormatJson) {
    report::JsonOptions jsonOptions;
    jsonOptions.statistics = out.statistics;
    std::string json = report::renderJson(reports, jsonOptions);
    return baseline ? addBaselineToJson(json, *baseline) : json;
  }
  if (out.format == kFormatSarif) {
    report::SarifOptions sarifOptions;
    sarifOptions.toolVersion = SHAPELINT_VERSION;
    sarifOptions.statistics = out.statistics;
    return report::renderSarif(reports, sarifOptions);
  }
  std::string text;
  if (out.format == kFormatGithub) {
    text = report::renderGithub(reports);
  } else {
    report::TextOptions textOptions;
    textOptions.quiet = options.quiet;
    // A file is not a terminal: --color auto colours standard output only.
    textOptions.color = out.output.empty() ? useColor(options.color) : options.color == "always";
    text = report::renderText(reports, textOptions);
    if (baseline && !options.quiet) text += renderBaselineText(*baseline);
  }
  if (out.statistics) text += report::renderStatisticsText(reports);
  return text;
}

void writeCheckReport(const std::vector<report::ModelReport>& reports, const CheckOptions& options,
                      const BaselineOutcome* baseline) {
  const std::string text = renderCheckReport(reports, options, baseline);
  if (options.report.output.empty()) {
    writeStdout(text);
  } else if (std::optional<std::string> error = report::writeFileAtomically(options.report.output, text)) {
    throw UsageError("--output '" + options.report.output + "': " + *error);
  }
}

// --- end of the report options ---

// --- check: selection, severity, configuration, baselines, jobs ----------
// --select/--ignore/--severity/--exit-zero, --config/--isolated,
// --baseline/--write-baseline and -j/--jobs; see shapelint/driver/check_run.h.
struct CheckPolicyOptions {
  std::vector<std::string> select;
  std::vector<std::string> ignore;
  std::vector<std::string> severity;  // CODE_OR_NAME=LEVEL
  bool exitZero = false;
  std::string config;
  bool isolated = false;
  std::string baseline;
  std::string writeBaseline;
  unsigned jobs = 0;
  const CLI::App* command = nullptr;  // tells a flag given from its default
};

void addCheckPolicyOptions(CLI::App& check, CheckOptions& options, CheckPolicyOptions& policy) {
  options.policy = &policy;
  policy.command = &check;
  check
      .add_option("--select", policy.select,
                  "Report only these rules: codes (SL102), names (incompatible-merge) or code prefixes (SL1, SL); "
                  "comma-separated or repeated")
      ->allow_extra_args(false);
  check
      .add_option("--ignore", policy.ignore,
                  "Do not report these rules (codes, names or prefixes; wins over --select); comma-separated or "
                  "repeated")
      ->allow_extra_args(false);
  check
      .add_option("--severity", policy.severity,
                  "Report a rule at another severity: CODE_OR_NAME=error|warning|note; repeatable")
      ->allow_extra_args(false);
  check.add_flag("--exit-zero", policy.exitZero, "Exit 0 even with findings (2 still for usage and load errors)");
  CLI::Option* config = check.add_option(
      "--config", policy.config, "Use this shapelint.toml (or pyproject.toml) for every model instead of searching");
  check.add_flag("--isolated", policy.isolated, "Ignore every configuration file")->excludes(config);
  check.add_option("--baseline", policy.baseline,
                   "Report only findings not recorded in this baseline file, and list recorded ones now gone");
  check.add_option("--write-baseline", policy.writeBaseline,
                   "Record the findings reported in this baseline file (and exit 0 unless a model cannot be loaded)");
  check.add_option("-j,--jobs", policy.jobs, "Models checked in parallel (default: one per core)")
      ->check(CLI::Range(1u, 4096u));
}

RuleSet parseRuleSelectors(const std::vector<std::string>& args, const std::string& flag) {
  RuleSet rules;
  for (const std::string& arg : args) {
    for (const std::string& entry : splitRuleList(arg)) {
      const std::optional<RuleSet> found = matchRules(entry);
      if (!found) {
        throw UsageError(flag + ": unknown rule '" + entry +
                         "' (expected a code such as SL204, a name such as floor-truncation, or a code prefix such "
                         "as SL2; 'shapelint rules' lists them)");
      }
      rules |= *found;
    }
  }
  return rules;
}

CheckRequest makeCheckRequest(const CheckOptions& options) {
  const CheckPolicyOptions& policy = *options.policy;
  CheckRequest request;
  CliSettings& cli = request.cli;
  if (policy.command->count("--fail-on") > 0) {
    cli.failOn = diag::parseSeverity(options.failOn);
    if (!cli.failOn) throw UsageError("--fail-on: unknown severity '" + options.failOn + "'");
  }
  if (policy.command->count("--target") > 0) cli.target = parseTarget(options.target);
  cli.inputShapes = parseInputShapes(options.inputShapes);
  if (policy.command->count("--select") > 0) cli.selection.select = parseRuleSelectors(policy.select, "--select");
  cli.selection.ignore = parseRuleSelectors(policy.ignore, "--ignore");
  for (const std::string& spec : policy.severity) {
    const size_t eq = spec.rfind('=');
    const std::optional<diag::Severity> level =
        eq == std::string::npos ? std::nullopt : diag::parseSeverity(trimSpaces(std::string_view(spec).substr(eq + 1)));
    if (!level) {
      throw UsageError("--severity '" + spec + "': expected CODE_OR_NAME=error|warning|note, e.g. SL204=error");
    }
    const std::optional<RuleSet> rules = matchRules(std::string_view(spec).substr(0, eq));
    if (!rules) throw UsageError("--severity '" + spec + "': unknown rule '" + spec.substr(0, eq) + "'");
    cli.selection.severity.emplace_back(*rules, *level);
  }
  if (!policy.config.empty()) request.configFile = policy.config;
  request.isolated = policy.isolated;
  request.jobs = policy.jobs;
  if (!policy.baseline.empty()) request.baselineFile = policy.baseline;
  if (!policy.writeBaseline.empty()) request.writeBaselineFile = policy.writeBaseline;
  request.paths = expandModelPaths(options.models);
  request.valueShapes = options.report.format == kFormatJson;
  request.exitsAfter = true;
  return request;
}

// Configuration and baseline problems are usage errors (exit 2). A
// configuration error is one compiler-style line, FILE:LINE:COL: error: ...
std::optional<CheckRun> runChecksForCli(const CheckRequest& request) {
  try {
    return runChecks(request);
  } catch (const ConfigError& e) {
    std::fputs((report::escapeForTerminal(e.what()) + "\n").c_str(), stderr);
    return std::nullopt;
  } catch (const BaselineError& e) {
    throw UsageError(e.what());
  }
}

// Also says, on stderr, what --write-baseline recorded.
int checkExitCode(const CheckRun& run, const CheckOptions& options) {
  if (!options.policy->writeBaseline.empty() && !options.quiet) {
    std::fputs(
        fmt::format("shapelint: {} finding{} recorded in {}\n", run.baselineWritten,
                    run.baselineWritten == 1 ? "" : "s", report::escapeForTerminal(options.policy->writeBaseline))
            .c_str(),
        stderr);
  }
  if (run.anyLoadError()) return kExitError;
  if (!options.policy->writeBaseline.empty() || options.policy->exitZero) return kExitClean;
  return run.anyFailing() ? kExitFindings : kExitClean;
}
// --- end of check policy --------------------------------------------------

int runCheck(const CheckOptions& options) {
  validateReportOutput(options.report);
  std::optional<CheckRun> checked = runChecksForCli(makeCheckRequest(options));
  if (!checked) return kExitError;
  CheckRun& run = *checked;
  const std::vector<report::ModelReport>& reports = run.reports;

  writeCheckReport(reports, options, run.baseline ? &*run.baseline : nullptr);
  return checkExitCode(run, options);
}

// Findings go to stderr (stdout is kept for the one-line summary), as
// `check --quiet` prints them.
int runInfer(const InferOptions& options) {
  passes::PassOptions passOptions;
  passOptions.inputShapes = parseInputShapes(options.inputShapes);
  const InferOutcome outcome = inferModelFile(options.model, options.output, passOptions);
  if (outcome.report.loadError) {
    printError(*outcome.report.loadError);
    return kExitError;
  }
  report::TextOptions textOptions;
  textOptions.quiet = true;
  const std::string findings = report::renderText({outcome.report}, textOptions);
  std::fputs(findings.c_str(), stderr);
  if (outcome.writeError) {
    printError(*outcome.writeError);
    return kExitError;
  }
  if (!options.quiet) {
    writeStdout(report::escapeForTerminal(options.output) +
                fmt::format(": written with {} new value_info, {} declared type{} completed, {} kept as declared\n",
                            outcome.valueInfosAdded, outcome.typesFilled, outcome.typesFilled == 1 ? "" : "s",
                            outcome.declarationsKept));
  }
  for (const diag::Diagnostic& d : outcome.report.diagnostics)
    if (d.severity >= diag::Severity::kError) return kExitFindings;
  return kExitClean;
}

// --pads B,E: two integers (each may be negative, which explain rejects with its reason).
std::pair<int64_t, int64_t> parsePads(const std::string& text) {
  const std::vector<std::string_view> parts = splitAt(text, ',');
  int64_t values[2] = {0, 0};
  bool ok = parts.size() == 2;
  for (size_t j = 0; ok && j < 2; ++j) {
    const std::string_view token = trimSpaces(parts[j]);
    const char* end = token.data() + token.size();
    auto [stop, ec] = std::from_chars(token.data(), end, values[j]);
    ok = !token.empty() && ec == std::errc() && stop == end;
  }
  if (!ok) throw UsageError("--pads '" + text + "': expected two integers BEGIN,END, e.g. --pads 1,2");
  return {values[0], values[1]};
}

int runExplain(passes::ExplainOp op, const ExplainOptions& options) {
  passes::ExplainRequest request;
  request.op = op;
  request.input = options.input;
  request.kernel = options.kernel;
  request.stride = options.stride;
  request.dilation = options.dilation;
  if (options.pad && !options.pads.empty()) throw UsageError("give --pad or --pads, not both");
  if (options.pad) {
    request.padBegin = request.padEnd = *options.pad;
    request.explicitPads = true;
  } else if (!options.pads.empty()) {
    std::tie(request.padBegin, request.padEnd) = parsePads(options.pads);
    request.explicitPads = true;
  }
  for (const auto& [name, padding] : kAutoPads)
    if (name == options.autoPad) request.padding = padding;
  request.outputPadding = options.outputPadding;
  request.outputShape = options.outputShape;
  request.ceilMode = options.ceilMode;

  std::variant<passes::Explanation, passes::ExplainError> result = passes::explain(request);
  if (const auto* error = std::get_if<passes::ExplainError>(&result)) throw UsageError(error->message);
  const passes::Explanation& explanation = std::get<passes::Explanation>(result);
  writeStdout(options.format == "json" ? report::renderExplainJson(explanation)
                                       : report::renderExplainText(explanation));
  return kExitClean;
}

// The flags of one explain subcommand; all of them write into `options`
// (only one subcommand is parsed).
void addExplainOptions(CLI::App& command, passes::ExplainOp op, ExplainOptions& options) {
  command.add_option("--input", options.input, "Input size i of this axis (ConvTranspose: its input i')")->required();
  command.add_option("--kernel", options.kernel, "Kernel size k")->required();
  command.add_option("--stride", options.stride, "Stride s (default: 1)");
  command.add_option("--dilation", options.dilation, "Dilation d (default: 1)");
  command.add_option("--pad", options.pad, "The same pad at the begin and the end (default: 0)");
  command.add_option("--pads", options.pads, "Begin and end pads: B,E");
  std::vector<std::string> autoPads;
  for (const auto& entry : kAutoPads) autoPads.emplace_back(entry.first);
  command.add_option("--auto-pad", options.autoPad, "auto_pad (default: notset, use the pads)")
      ->check(CLI::IsMember(autoPads));
  if (op == passes::ExplainOp::kConvTranspose) {
    command.add_option("--output-padding", options.outputPadding, "output_padding a (default: 0)");
    command.add_option("--output-shape", options.outputShape, "output_shape O for this axis (the pads are derived)");
  }
  if (op == passes::ExplainOp::kMaxPool || op == passes::ExplainOp::kAveragePool) {
    command.add_flag("--ceil-mode", options.ceilMode, "ceil_mode 1 (default: 0, floor)");
  }
  command.add_option("--format", options.format, "Output format (default: text)")
      ->check(CLI::IsMember({"text", "json"}));
}

// `shapelint rules`: the rule table; `shapelint rules CODE|NAME`: one rule's doc.
int runRules(const std::string& which) {
  if (which.empty()) {
    std::string out;
    for (const diag::Rule& r : diag::allRules())
      out += fmt::format("{}  {:<34} {:<8} {}\n", r.code, r.name, diag::severityName(r.severity), r.summary);
    std::fputs(out.c_str(), stdout);
    return kExitClean;
  }
  const diag::Rule* rule = diag::findRule(which);
  if (!rule) throw UsageError("no rule '" + which + "'; 'shapelint rules' lists them");
  std::fputs(std::string(diag::ruleDoc(*rule)).c_str(), stdout);
  return kExitClean;
}

// `shapelint sizes`: 0 every given size valid, 1 a given size invalid or no
// valid size, 2 usage or load error.
int runSizes(const SizesCliOptions& options) {
  SizesOptions sizesOptions;
  sizesOptions.inputShapes = parseInputShapes(options.inputShapes);
  for (const std::string& spec : options.dims) {
    const size_t eq = spec.find('='), dots = spec.find("..");
    int64_t lo = 0, hi = 0;
    const char* end = spec.data() + spec.size();
    if (eq == std::string::npos || eq == 0 || dots == std::string::npos || dots < eq ||
        std::from_chars(spec.data() + eq + 1, spec.data() + dots, lo).ptr != spec.data() + dots ||
        std::from_chars(spec.data() + dots + 2, end, hi).ptr != end || lo < 0 || hi < lo)
      throw UsageError("--dim '" + spec + "': expected NAME=LO..HI with 0 <= LO <= HI, e.g. H=32..1024");
    sizesOptions.ranges[spec.substr(0, eq)] = {lo, hi};
  }
  const SizesReport report = sizesOfModelFile(options.model, sizesOptions);
  if (report.loadError && options.format == "text") {
    printError(*report.loadError);
    return kExitError;
  }
  writeStdout(options.format == "json" ? renderSizesJson(report) : renderSizesText(report));
  return report.exitCode();
}

int run(int argc, char** argv) {
  CLI::App app("shapelint: finds tensor shape problems in ONNX models before they run", "shapelint");
  app.set_version_flag("--version", std::string("shapelint ") + SHAPELINT_VERSION);
  app.require_subcommand(1);

  // Only the subcommand named first gets its options: CLI11 builds every
  // option when it is added, a seventh of the instructions of checking a
  // small model. The others keep their name and summary, all that the
  // top-level help and the lookup of a subcommand read. When the first
  // argument names no subcommand (--help, --version, a typo), or a later
  // one names one, every subcommand is set up.
  constexpr std::string_view kCommands[] = {"check", "infer", "sizes", "explain", "rules"};
  auto isCommand = [&](std::string_view arg) {
    return std::find(std::begin(kCommands), std::end(kCommands), arg) != std::end(kCommands);
  };
  const std::string_view first = argc > 1 ? argv[1] : "";
  bool setUpAll = !isCommand(first);
  for (int i = 2; i < argc; ++i) setUpAll = setUpAll || isCommand(argv[i]);
  auto setUp = [&](std::string_view command) { return setUpAll || first == command; };

  CheckOptions options;
  CheckPolicyOptions checkPolicy;
  CLI::App* check = app.add_subcommand("check", "Check ONNX models (files, or directories searched for *.onnx)");
  if (setUp("check")) {
    check->add_option("models", options.models, "Model files or directories")->required();
    addReportOptions(*check, options.report);
    check
        ->add_option("--input-shape", options.inputShapes,
                     "Override a graph input's shape: NAME:1x3x224x224 or NAME:[1,3,224,224]; "
                     "dims are integers, symbol names or ?; repeatable")
        ->allow_extra_args(false);
    check->add_option("--fail-on", options.failOn, "Lowest severity that makes the exit code 1 (default: error)")
        ->check(CLI::IsMember({"error", "warning", "note"}));
    check->add_flag("-q,--quiet", options.quiet, "Print findings only, no summary line (text format)");
    check->add_option("--color", options.color, "Colour the text output (default: auto)")
        ->check(CLI::IsMember({"auto", "always", "never"}));
    check->add_option("--target", options.target,
                      "Whose portability findings to report: onnx, onnxruntime, pytorch or all (default: all); "
                      "several separated by commas");
    addCheckPolicyOptions(*check, options, checkPolicy);
  }

  InferOptions inferOptions;
  CLI::App* infer = app.add_subcommand("infer", "Write a copy of a model with the inferred shapes as value_info");
  if (setUp("infer")) {
    infer->footer(
        "Exit code: 0 written, 1 written but with error findings (printed on stderr), 2 nothing written.\n"
        "Example: shapelint infer model.onnx -o model.shapes.onnx --input-shape x:[N,3,224,224]\n");
    infer->add_option("model", inferOptions.model, "The model file")->required();
    infer->add_option("-o,--output", inferOptions.output, "The model to write (not the input; replaced atomically)")
        ->required();
    infer
        ->add_option("--input-shape", inferOptions.inputShapes,
                     "Infer for this graph-input shape, written into the model: NAME:1x3x224x224 or "
                     "NAME:[1,3,224,224]; dims are integers, symbol names or ?; repeatable")
        ->allow_extra_args(false);
    infer->add_flag("-q,--quiet", inferOptions.quiet, "No summary line on stdout (findings still go to stderr)");
  }

  SizesCliOptions sizesOptions;
  CLI::App* sizes = app.add_subcommand(
      "sizes", "Which input sizes the model accepts (exit 1: a given size is invalid, or no size is valid)");
  if (setUp("sizes")) {
    sizes->add_option("model", sizesOptions.model, "The model file")->required();
    sizes->add_option("--dim", sizesOptions.dims, "Solve a symbol over a range: H=32..1024 (default 1..4096)")
        ->allow_extra_args(false);
    sizes
        ->add_option("--input-shape", sizesOptions.inputShapes,
                     "Judge these input sizes: NAME:1x3x500x375 or NAME:[1,3,500,375]; repeatable")
        ->allow_extra_args(false);
    sizes->add_option("--format", sizesOptions.format, "Output format (default: text)")
        ->check(CLI::IsMember({"text", "json"}));
  }

  ExplainOptions explainOptions;
  CLI::App* explain = app.add_subcommand(
      "explain", "Explain the window arithmetic of Conv, ConvTranspose, MaxPool or AveragePool on one spatial axis");
  std::optional<passes::ExplainOp> explainOp;
  if (setUp("explain")) {
    explain->require_subcommand(1);
    explain->footer(std::string(kExplainFooter));
    for (const ExplainCommand& command : kExplainCommands) {
      CLI::App* sub = explain->add_subcommand(std::string(command.name), std::string(command.summary));
      sub->footer(std::string(kExplainFooter));
      addExplainOptions(*sub, command.op, explainOptions);
      sub->callback([&explainOp, op = command.op] { explainOp = op; });
    }
  }

  std::string ruleName;
  CLI::App* rules = app.add_subcommand("rules", "List the rules, or print one rule's documentation");
  if (setUp("rules")) rules->add_option("rule", ruleName, "A rule code (SL204) or name (floor-truncation)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);  // --help, --version
    // Point at the help of the deepest subcommand that was reached.
    std::string help = "shapelint";
    for (const CLI::App* at = &app; at != nullptr;) {
      const CLI::App* next = nullptr;
      for (const CLI::App* sub : at->get_subcommands()) {
        next = sub;
        help += " " + sub->get_name();
      }
      at = next;
    }
    printError(std::string(e.what()) + " (see '" + help + " --help')");
    return kExitError;
  }
  try {
    if (explainOp) return runExplain(*explainOp, explainOptions);
    if (rules->parsed()) return runRules(ruleName);
    if (infer->parsed()) return runInfer(inferOptions);
    if (sizes->parsed()) return runSizes(sizesOptions);
    return runCheck(options);
  } catch (const UsageError& e) {
    printError(e.what());
    return kExitError;
  }
}

}  // namespace
}  // namespace shapelint::cli

int main(int argc, char** argv) {
  shapelint::cli::tuneMalloc(argc, argv);
  try {
    return shapelint::cli::run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "shapelint: internal error: %s\n", shapelint::report::escapeForTerminal(e.what()).c_str());
  } catch (...) {
    std::fprintf(stderr, "shapelint: internal error: unknown exception\n");
  }
  return shapelint::cli::kExitError;
}
