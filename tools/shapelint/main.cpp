// The shapelint command line: a thin layer over checkModelFile and the
// reporters.
//
//   shapelint check MODEL... [--format text|json] [--input-shape NAME:DIMS]...
//                   [--fail-on error|warning|note] [-q|--quiet] [--color auto|always|never]
//   shapelint --version
//
// Exit codes: 0 no finding at or above --fail-on, 1 some finding is, 2 usage
// error or a model could not be loaded.
#include <unistd.h>

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
#include <vector>

#include <CLI/CLI.hpp>

#include "shapelint/diag/rules.h"
#include "shapelint/driver.h"
#include "shapelint/ir/dim.h"
#include "shapelint/report/report.h"

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

struct CheckOptions {
  std::vector<std::string> models;
  std::string format = "text";
  std::vector<std::string> inputShapes;
  std::string failOn = "error";
  bool quiet = false;
  std::string color = "auto";
};

bool isIdentifierStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isIdentifierChar(char c) { return isIdentifierStart(c) || (c >= '0' && c <= '9'); }

bool isSymbolName(std::string_view s) {
  return !s.empty() && isIdentifierStart(s.front()) && std::all_of(s.begin(), s.end(), isIdentifierChar);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// One dim of an --input-shape: an integer >= 0, a symbol name, or `?`.
ir::Dim parseDim(std::string_view token, const std::string& spec) {
  token = trim(token);
  if (token == "?") return ir::Dim::unknown();
  if (isSymbolName(token)) return ir::Dim::symbol(std::string(token));
  int64_t value = -1;
  const char* end = token.data() + token.size();
  auto [stop, ec] = std::from_chars(token.data(), end, value);
  if (ec == std::errc() && stop == end && value >= 0) return ir::Dim::value(value);
  throw UsageError("--input-shape '" + spec + "': '" + std::string(token) +
                   "' is not a dim (expected an integer >= 0, a symbol name or '?')");
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t pos = text.find(separator); pos != std::string_view::npos; pos = text.find(separator, start)) {
    parts.push_back(text.substr(start, pos - start));
    start = pos + 1;
  }
  parts.push_back(text.substr(start));
  return parts;
}

// "NAME:1x3x224x224" or "NAME:[1, 3, 224, 224]"; "NAME:[]" is a scalar. The
// name ends at the last colon, so tensor names such as "x:0" work.
std::pair<std::string, ir::Shape> parseInputShape(const std::string& spec) {
  const size_t colon = spec.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    throw UsageError("--input-shape '" + spec + "': expected NAME:DIMS, e.g. x:1x3x224x224 or x:[1,3,224,224]");
  }
  const std::string name = spec.substr(0, colon);
  std::string_view dims = trim(std::string_view(spec).substr(colon + 1));
  if (dims.empty()) throw UsageError("--input-shape '" + spec + "': no dims after the colon");

  std::vector<std::string_view> tokens;
  if (dims.front() == '[') {
    if (dims.back() != ']') throw UsageError("--input-shape '" + spec + "': missing closing ']'");
    dims = trim(dims.substr(1, dims.size() - 2));
    if (!dims.empty()) tokens = split(dims, ',');
  } else {
    tokens = split(dims, 'x');
  }
  std::vector<ir::Dim> parsed;
  parsed.reserve(tokens.size());
  for (std::string_view token : tokens) parsed.push_back(parseDim(token, spec));
  return {name, ir::Shape(std::move(parsed))};
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

int runCheck(const CheckOptions& options) {
  const std::optional<diag::Severity> failOn = diag::parseSeverity(options.failOn);
  if (!failOn) throw UsageError("--fail-on: unknown severity '" + options.failOn + "'");
  passes::PassOptions passOptions;
  passOptions.inputShapes = parseInputShapes(options.inputShapes);
  const std::vector<std::string> paths = expandModelPaths(options.models);

  std::vector<report::ModelReport> reports;
  reports.reserve(paths.size());
  for (const std::string& path : paths) {
    // A failure inside one model's check must not lose the others' results.
    try {
      reports.push_back(checkModelFile(path, passOptions));
    } catch (const std::exception& e) {
      report::ModelReport failed;
      failed.path = path;
      failed.loadError = path + ": internal error while checking the model: " + e.what();
      reports.push_back(std::move(failed));
    }
  }

  if (options.format == "json") {
    writeStdout(report::renderJson(reports));
  } else {
    report::TextOptions textOptions;
    textOptions.quiet = options.quiet;
    textOptions.color = useColor(options.color);
    writeStdout(report::renderText(reports, textOptions));
  }

  bool anyFailing = false;
  for (const report::ModelReport& r : reports) {
    if (r.loadError) return kExitError;
    for (const diag::Diagnostic& d : r.diagnostics)
      if (d.severity >= *failOn) anyFailing = true;
  }
  return anyFailing ? kExitFindings : kExitClean;
}

int run(int argc, char** argv) {
  CLI::App app("shapelint: finds tensor shape problems in ONNX models before they run", "shapelint");
  app.set_version_flag("--version", std::string("shapelint ") + SHAPELINT_VERSION);
  app.require_subcommand(1);

  CheckOptions options;
  CLI::App* check = app.add_subcommand("check", "Check ONNX models (files, or directories searched for *.onnx)");
  check->add_option("models", options.models, "Model files or directories")->required();
  check->add_option("--format", options.format, "Output format (default: text)")
      ->check(CLI::IsMember({"text", "json"}));
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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);  // --help, --version
    printError(std::string(e.what()) + " (see 'shapelint --help')");
    return kExitError;
  }
  try {
    return runCheck(options);
  } catch (const UsageError& e) {
    printError(e.what());
    return kExitError;
  }
}

}  // namespace
}  // namespace shapelint::cli

int main(int argc, char** argv) {
  try {
    return shapelint::cli::run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "shapelint: internal error: %s\n", shapelint::report::escapeForTerminal(e.what()).c_str());
  } catch (...) {
    std::fprintf(stderr, "shapelint: internal error: unknown exception\n");
  }
  return shapelint::cli::kExitError;
}
