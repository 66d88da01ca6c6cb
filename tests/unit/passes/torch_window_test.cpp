// The window arithmetic against PyTorch's ground truth:
// tests/fixtures/torch_window_cases.txt (tools/gen_window_fixtures.py), one
// ONNX-style layer a line with the spatial sizes torch produced or the error
// it raised. Every case must agree, twice:
//  - per axis, through the window module's functions (convAxis, poolAxis,
//    convTransposeAxis, unpoolAxis): the same sizes, or a size below 1 /
//    an invalid output_padding where torch raised an error;
//  - per node, through the shape functions: a one-node model per case (Conv,
//    ConvTranspose, MaxPool, AveragePool, LpPool, MaxUnpool with its
//    output_shape as a constant input) run by the pass must infer torch's
//    sizes with no error finding, or report an error where torch raised one.
// Torch-only restrictions (avg_pool3d's unpadded-input check) happen to
// coincide with ONNX's here.
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "passes/model_builder.h"
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

// What the window module computes for one case: the sizes, or
// std::nullopt when it reports an error (size below 1, invalid output_padding).
std::optional<std::vector<int64_t>> compute(const FixtureCase& c) {
  const size_t dims = static_cast<size_t>(std::stoll(c.keys.at("dims")));
  const std::vector<int64_t> in = parseList(c.keys.at("in"));
  const std::vector<int64_t> k = parseList(c.keys.at("k"));
  const std::vector<int64_t> s = listOr(c, "s", dims, 1);
  const std::vector<int64_t> d = listOr(c, "d", dims, 1);
  const std::vector<int64_t> pads = listOr(c, "pads", 2 * dims, 0);
  const std::vector<int64_t> opad = listOr(c, "opad", dims, 0);
  const bool ceil = c.keys.count("ceil") && c.keys.at("ceil") == "1";
  const bool outsize = c.keys.count("outsize") != 0;
  const std::vector<int64_t> given = listOr(c, "outsize", dims, 0);
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
      o = outsize ? given[a] : unpoolAxis(in[a], w)->output;
    }
    if (o < 1) return std::nullopt;
    out.push_back(o);
  }
  return out;
}

std::string plural(const std::map<std::string, int>& counts) {
  std::string text;
  for (const auto& [op, n] : counts) text += (text.empty() ? "" : ", ") + op + " " + std::to_string(n);
  return text;
}

TEST(TorchWindow, every_case_agrees_with_torch) {
  const std::string path = std::string(SHAPELINT_SOURCE_DIR) + "/tests/fixtures/torch_window_cases.txt";
  const std::vector<FixtureCase> cases = readFixture(path);
  ASSERT_GT(cases.size(), 4000u) << "cannot read " << path;
  std::map<std::string, int> passed;
  for (const FixtureCase& c : cases) {
    std::optional<std::vector<int64_t>> got = compute(c);
    if (got == c.expected) {
      ++passed[c.op];
      continue;
    }
    ADD_FAILURE() << "line " << c.lineNumber << ": " << c.line << "\n  shapelint: "
                  << (got ? ::testing::PrintToString(*got) : std::string("error"));
  }
  std::cout << "torch fixture, per axis: " << cases.size() << " cases; agree: " << plural(passed) << "\n";
}

// ---------------------------------------------------------------------------
// The same cases through the shape functions.

using testing::ModelBuilder;
using testing::intAttr;
using testing::ints;
using testing::stringAttr;

// [n, c, rest...]: a tensor's dims for a test model.
std::vector<int64_t> withLeading(int64_t n, int64_t c, const std::vector<int64_t>& rest) {
  std::vector<int64_t> dims = {n, c};
  dims.insert(dims.end(), rest.begin(), rest.end());
  return dims;
}

ir::Shape batchShape(int64_t n, int64_t c, const std::vector<int64_t>& rest) {
  return ir::Shape::ofValues(withLeading(n, c, rest));
}

// The ONNX op and the opset that defines every attribute the case uses.
std::pair<std::string, int64_t> onnxOp(const FixtureCase& c) {
  if (c.op == "conv") return {"Conv", 13};
  if (c.op == "convtranspose") return {"ConvTranspose", 13};
  if (c.op == "maxpool") return {"MaxPool", 12};
  if (c.op == "avgpool") return {"AveragePool", c.keys.count("d") ? 19 : 11};
  if (c.op == "lppool") return {"LpPool", 18};
  return {"MaxUnpool", 11};
}

// A one-node model for the case: x [1, C, in...] -> op -> y.
ModelBuilder nodeModel(const FixtureCase& c) {
  const std::vector<int64_t> in = parseList(c.keys.at("in"));
  const std::vector<int64_t> k = parseList(c.keys.at("k"));
  auto has = [&](const char* key) { return c.keys.count(key) != 0; };
  auto list = [&](const char* key) { return parseList(c.keys.at(key)); };
  auto integer = [&](const char* key) { return std::stoll(c.keys.at(key)); };
  const auto [opType, opset] = onnxOp(c);
  ModelBuilder b(opset);
  std::vector<std::string> inputs = {"x"};
  std::vector<ir::Attribute> attrs;
  if (has("s")) attrs.push_back(ints("strides", list("s")));
  if (has("d")) attrs.push_back(ints("dilations", list("d")));
  const bool autoPad = has("autopad") && c.keys.at("autopad") != "notset";
  if (autoPad) attrs.push_back(stringAttr("auto_pad", c.keys.at("autopad") == "valid" ? "VALID" : "SAME_UPPER"));
  else if (has("pads")) attrs.push_back(ints("pads", list("pads")));
  if (has("ceil")) attrs.push_back(intAttr("ceil_mode", integer("ceil")));

  if (c.op == "conv" || c.op == "convtranspose") {
    const int64_t cin = integer("cin");
    const int64_t cout = integer("cout");
    const int64_t group = integer("group");
    b.input("x", batchShape(1, cin, in));
    if (c.op == "conv") {
      b.initializer("w", withLeading(cout, cin / group, k));
    } else {
      b.initializer("w", withLeading(cin, cout / group, k));
      if (has("opad")) attrs.push_back(ints("output_padding", list("opad")));
    }
    inputs.push_back("w");
    if (group != 1) attrs.push_back(intAttr("group", group));
  } else {
    b.input("x", batchShape(1, 1, in));
    attrs.push_back(ints("kernel_shape", k));
    if (has("cip")) attrs.push_back(intAttr("count_include_pad", integer("cip")));
    if (has("norm")) attrs.push_back(intAttr("p", integer("norm")));
    if (c.op == "maxunpool") {
      b.input("i", batchShape(1, 1, in), ir::kInt64);
      inputs.push_back("i");
      if (has("outsize")) {
        b.constant("output_shape", withLeading(1, 1, list("outsize")));
        inputs.push_back("output_shape");
      }
    }
  }
  b.node(opType, inputs, {"y"}, attrs, "node").output("y");
  return b;
}

TEST(TorchWindow, every_case_agrees_through_the_shape_functions) {
  const std::string path = std::string(SHAPELINT_SOURCE_DIR) + "/tests/fixtures/torch_window_cases.txt";
  const std::vector<FixtureCase> cases = readFixture(path);
  ASSERT_GT(cases.size(), 4000u) << "cannot read " << path;
  std::map<std::string, int> passed;
  std::map<std::string, int> errors;  // of them, torch errors matched by an error finding
  for (const FixtureCase& c : cases) {
    const testing::Inferred r = testing::infer(nodeModel(c));
    const ir::Shape& y = r.shapeOf("y");
    std::string findings;
    bool anyError = false;
    for (const diag::Diagnostic& d : r.diagnostics) {
      if (d.severity != diag::Severity::kError) continue;
      anyError = true;
      findings += "\n  " + testing::brief(d);
    }
    if (c.expected) {
      std::vector<int64_t> got;
      if (y.rankKnown() && y.fullyKnown())
        for (size_t a = 2; a < y.rank(); ++a) got.push_back(y[a].value());
      if (!anyError && got == *c.expected) {
        ++passed[c.op];
        continue;
      }
      ADD_FAILURE() << "line " << c.lineNumber << ": " << c.line << "\n  shapelint: " << y.str() << findings;
    } else {
      if (anyError) {
        ++passed[c.op];
        ++errors[c.op];
        continue;
      }
      ADD_FAILURE() << "line " << c.lineNumber << ": " << c.line << "\n  shapelint: " << y.str()
                    << ", no error finding";
    }
  }
  std::cout << "torch fixture, per node: " << cases.size() << " cases; agree: " << plural(passed)
            << " (torch errors matched by an error finding: " << plural(errors) << ")\n";
}

}  // namespace
}  // namespace shapelint::passes::window
