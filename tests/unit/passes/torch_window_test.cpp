// The window arithmetic against PyTorch's ground truth:
// tests/fixtures/torch_window_cases.txt (tools/gen_window_fixtures.py), one
// ONNX-style layer a line with the spatial sizes torch produced or the error
// it raised. Every case of an op this module computes must agree: the same
// sizes, or an error where shapelint reports one (SL202 for a size below 1,
// SL301 for output_padding outside [0, max(s, d))). Torch-only restrictions
// (avg_pool3d's unpadded-input check) happen to coincide with ONNX's here.
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "passes/shape/window.h"

namespace shapelint::passes::window {
namespace {

struct FixtureCase {
  int lineNumber = 0;
  std::string line;
  std::string op;
  std::map<std::string, std::string> keys;
  std::optional<std::vector<int64_t>> expected;  // absent: torch raised an error
  std::string error;                             // torch's error, first words
};

std::vector<int64_t> parseList(const std::string& text) {
  std::vector<int64_t> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(std::stoll(item));
  return out;
}

std::vector<FixtureCase> readFixture(const std::string& path) {
  std::ifstream in(path);
  std::vector<FixtureCase> cases;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    FixtureCase c;
    c.lineNumber = number;
    c.line = line;
    const size_t arrow = line.find(" -> ");
    std::stringstream lhs(line.substr(0, arrow));
    lhs >> c.op;
    std::string kv;
    while (lhs >> kv) {
      const size_t eq = kv.find('=');
      c.keys[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    const std::string result = line.substr(arrow + 4);
    if (result.rfind("out=", 0) == 0) c.expected = parseList(result.substr(4));
    else c.error = result.substr(result.find("msg=") + 4);
    cases.push_back(std::move(c));
  }
  return cases;
}

std::vector<int64_t> listOr(const FixtureCase& c, const std::string& key, size_t dims, int64_t fallback) {
  auto it = c.keys.find(key);
  return it == c.keys.end() ? std::vector<int64_t>(dims, fallback) : parseList(it->second);
}

Padding paddingOf(const FixtureCase& c) {
  auto it = c.keys.find("autopad");
  if (it == c.keys.end() || it->second == "notset") return Padding::kExplicit;
  if (it->second == "valid") return Padding::kValid;
  return Padding::kSameUpper;
}

// What shapelint computes for one case: the sizes, or std::nullopt when it
// reports an error (size below 1, invalid output_padding). `skip` gets a
// reason for ops outside this module.
std::optional<std::vector<int64_t>> compute(const FixtureCase& c, std::string& skip) {
  const size_t dims = static_cast<size_t>(std::stoll(c.keys.at("dims")));
  const std::vector<int64_t> in = parseList(c.keys.at("in"));
  const std::vector<int64_t> k = parseList(c.keys.at("k"));
  const std::vector<int64_t> s = listOr(c, "s", dims, 1);
  const std::vector<int64_t> d = listOr(c, "d", dims, 1);
  const std::vector<int64_t> pads = listOr(c, "pads", 2 * dims, 0);
  const std::vector<int64_t> opad = listOr(c, "opad", dims, 0);
  const bool ceil = c.keys.count("ceil") && c.keys.at("ceil") == "1";
  std::vector<int64_t> out;
  for (size_t a = 0; a < dims; ++a) {
    AxisWindow w{.kernel = k[a], .stride = s[a], .dilation = d[a], .padBegin = pads[a], .padEnd = pads[a + dims],
                 .padding = paddingOf(c)};
    int64_t o = 0;
    if (c.op == "conv") {
      o = convAxis(in[a], w)->output;
    } else if (c.op == "convtranspose") {
      if (!isValidOutputPadding(opad[a], s[a], d[a])) return std::nullopt;
      o = convTransposeAxis(in[a], {w, opad[a], std::nullopt})->output;
    } else if (c.op == "maxpool" || c.op == "avgpool" || c.op == "lppool") {
      o = poolAxis(in[a], w, ceil)->output;
    } else {
      skip = "MaxUnpool is not computed by the window module yet";
      return std::nullopt;
    }
    if (o < 1) return std::nullopt;
    out.push_back(o);
  }
  return out;
}

TEST(TorchWindow, every_case_agrees_with_torch) {
  const std::string path = std::string(SHAPELINT_SOURCE_DIR) + "/tests/fixtures/torch_window_cases.txt";
  const std::vector<FixtureCase> cases = readFixture(path);
  ASSERT_GT(cases.size(), 4000u) << "cannot read " << path;
  std::map<std::string, int> passed;
  std::map<std::string, int> skipped;
  for (const FixtureCase& c : cases) {
    std::string skip;
    std::optional<std::vector<int64_t>> got = compute(c, skip);
    if (!skip.empty()) {
      ++skipped[skip];
      continue;
    }
    if (got == c.expected) {
      ++passed[c.op];
      continue;
    }
    ADD_FAILURE() << "line " << c.lineNumber << ": " << c.line << "\n  shapelint: "
                  << (got ? ::testing::PrintToString(*got) : std::string("error"));
  }
  for (const auto& [op, n] : passed) std::cout << "torch fixture: " << op << ": " << n << " agree\n";
  for (const auto& [reason, n] : skipped) std::cout << "torch fixture: skipped " << n << ": " << reason << "\n";
}

}  // namespace
}  // namespace shapelint::passes::window
