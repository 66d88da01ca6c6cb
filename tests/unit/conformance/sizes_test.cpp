// `shapelint sizes` against torch: tools/gen_models_sizes.py exported small
// encoder-decoder models (U-Nets with MaxPool / strided Conv down and
// ConvTranspose / Upsample up, an FCN head, a 1-D audio autoencoder, a
// Reshape-only model) and recorded in tests/models/sizes/expected.txt the
// sizes of one axis at which torch runs each. The valid set shapelint
// predicts must equal torch's at every size of the range.
#include "shapelint/sizes.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "shapelint/driver.h"

namespace shapelint {
namespace {

namespace fs = std::filesystem;

struct Case {
  std::string model;
  std::string symbol;
  int64_t lo = 0;
  int64_t hi = 0;
  std::string other;  // "W=32": the other spatial axis while this one varied, or "-"
  std::set<int64_t> valid;
};

std::vector<Case> readCases() {
  std::ifstream in(fs::path(SHAPELINT_SOURCE_DIR) / "tests/models/sizes/expected.txt");
  std::vector<Case> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    Case c;
    std::string sizes;
    fields >> c.model >> c.symbol >> c.lo >> c.hi >> c.other >> sizes;
    std::istringstream list(sizes == "-" ? "" : sizes);
    for (std::string item; std::getline(list, item, ',');) c.valid.insert(std::stoll(item));
    cases.push_back(c);
  }
  return cases;
}

const SymbolSizes* find(const SizesReport& r, const std::string& symbol) {
  for (const SymbolSizes& s : r.symbols)
    if (s.symbol == symbol) return &s;
  return nullptr;
}

TEST(SizesTorch, FixtureHasEveryModel) { EXPECT_EQ(readCases().size(), 14u); }

TEST(SizesTorch, PredictedValidSetEqualsTorch) {
  for (const Case& c : readCases()) {
    SCOPED_TRACE(c.model);
    SizesOptions options;
    options.ranges[c.symbol] = {c.lo, c.hi};
    const SizesReport r =
        sizesOfModelFile((fs::path(SHAPELINT_SOURCE_DIR) / "tests/models/sizes" / c.model).string(), options);
    ASSERT_FALSE(r.loadError) << *r.loadError;
    EXPECT_TRUE(r.coupled.empty());
    const SymbolSizes* s = find(r, c.symbol);
    ASSERT_NE(s, nullptr);
    ASSERT_TRUE(s->valid.has_value());
    for (int64_t v = c.lo; v <= c.hi; ++v)
      EXPECT_EQ(s->valid->contains(v), c.valid.count(v) == 1) << c.symbol << " = " << v;
    // The other axis was held at a size torch runs: shapelint must accept it too.
    if (c.other != "-") {
      const std::string other = c.other.substr(0, c.other.find('='));
      const int64_t size = std::stoll(c.other.substr(c.other.find('=') + 1));
      const SymbolSizes* o = find(r, other);
      ASSERT_NE(o, nullptr);
      ASSERT_TRUE(o->valid.has_value());
      EXPECT_TRUE(o->valid->contains(size)) << other << " = " << size;
    }
  }
}

// The bundled static U-Net exported at 65x65 (tests/models/demo/unet_skip_odd.onnx:
// MaxPool k2 s2 twice, ConvTranspose k2 s2 twice, skip Concats): its spatial
// axes become symbols; 65 is invalid (65 // 4 * 4 = 64), 64 and 68 are the
// nearest valid sizes, and the exit code is 1. unet_skip.onnx at 64 is valid.
TEST(SizesStatic, ExportedAtBadSize) {
  const SizesReport bad =
      sizesOfModelFile((fs::path(SHAPELINT_SOURCE_DIR) / "tests/models/demo/unet_skip_odd.onnx").string(), {});
  ASSERT_FALSE(bad.loadError);
  EXPECT_TRUE(bad.staticModel);
  const SymbolSizes* h = find(bad, "H");
  ASSERT_NE(h, nullptr);
  EXPECT_TRUE(h->fromStatic);
  ASSERT_TRUE(h->given);
  EXPECT_EQ(*h->given, 65);
  EXPECT_FALSE(h->givenValid());
  EXPECT_EQ(h->validBelow, 64);
  EXPECT_EQ(h->validAbove, 68);
  EXPECT_FALSE(h->excludingGiven.empty());
  EXPECT_EQ(bad.exitCode(), 1);

  const SizesReport good =
      sizesOfModelFile((fs::path(SHAPELINT_SOURCE_DIR) / "tests/models/demo/unet_skip.onnx").string(), {});
  EXPECT_EQ(good.exitCode(), 0);
}

// --input-shape gives a concrete size for a symbolic axis: judged, not fixed.
TEST(SizesGiven, InputShapeIsJudged) {
  SizesOptions options;
  options.inputShapes["x"] = ir::Shape::ofValues({1, 1, 100, 32});
  const SizesReport r =
      sizesOfModelFile((fs::path(SHAPELINT_SOURCE_DIR) / "tests/models/sizes/unet_pool_ct_d3.onnx").string(), options);
  const SymbolSizes* h = find(r, "H");
  ASSERT_NE(h, nullptr);
  ASSERT_TRUE(h->given);
  EXPECT_FALSE(h->givenValid());  // torch: depth-3 pooling U-Net needs H % 8 == 0
  EXPECT_EQ(h->validBelow, 96);
  EXPECT_EQ(h->validAbove, 104);
  EXPECT_EQ(r.exitCode(), 1);
}

// Floor truncation per layer, solved on the symbols through the upstream
// expressions, must agree with rule SL204 computed on concrete sizes by the
// integer window arithmetic (another code path: window.cpp's convAxis and
// poolAxis, the check in sl204_floor_truncation.cpp): for every fixture model
// and every size of its varied axis in 8..100 (the other axis held at the
// fixture's size), the nodes at which `check --input-shape` reports SL204 on
// that axis are exactly the layers whose `drops` set contains the size.
TEST(SizesFloors, DropsEqualConcreteSl204) {
  size_t modelsWithDrops = 0;
  for (const Case& c : readCases()) {
    SCOPED_TRACE(c.model);
    const std::string path = (fs::path(SHAPELINT_SOURCE_DIR) / "tests/models/sizes" / c.model).string();
    SizesOptions options;
    options.ranges[c.symbol] = {1, 100};
    const SizesReport r = sizesOfModelFile(path, options);
    ASSERT_FALSE(r.loadError);
    EXPECT_TRUE(r.coupledFloors.empty());
    const SymbolSizes* s = find(r, c.symbol);
    ASSERT_NE(s, nullptr);
    ASSERT_EQ(s->where.size(), 1u);
    EXPECT_TRUE(s->floorsUnsolved.empty());
    modelsWithDrops += s->drops.empty() ? 0 : 1;
    const std::string input = s->where[0].substr(0, s->where[0].find('['));
    const size_t axis = std::stoul(s->where[0].substr(s->where[0].find('[') + 1));
    const int64_t other = c.other == "-" ? 0 : std::stoll(c.other.substr(c.other.find('=') + 1));
    for (int64_t v = 8; v <= 100; ++v) {
      std::vector<int64_t> dims = {1, 1, v};
      if (axis == 2 && c.other != "-") dims.push_back(other);
      passes::PassOptions check;
      check.inputShapes[input] = ir::Shape::ofValues(dims);
      const report::ModelReport m = checkModelFile(path, check);
      std::set<std::string> concrete;
      for (const diag::Diagnostic& d : m.diagnostics)
        if (d.rule == diag::RuleId::kFloorTruncation &&
            d.message.find("of axis " + std::to_string(axis) + ":") != std::string::npos)
          concrete.insert(d.node);
      std::set<std::string> predicted;
      for (const FloorDrops& d : s->drops)
        if (r.floors[d.floor].axis == axis && d.drops.contains(v)) predicted.insert(r.floors[d.floor].node);
      EXPECT_EQ(predicted, concrete) << c.symbol << " = " << v;
      // At a valid size (every layer runs) no layer drops rows exactly where
      // noDrop holds; at an invalid one a layer that does not run "drops" nothing.
      ASSERT_TRUE(s->noDrop);
      ASSERT_TRUE(s->valid);
      if (s->valid->contains(v)) {
        EXPECT_EQ(s->noDrop->contains(v), predicted.empty()) << c.symbol << " = " << v;
      }
    }
  }
  EXPECT_GE(modelsWithDrops, 5u);  // the pooling U-Nets, FCN and the audio AE floor somewhere
}

// The depth-4 pooling U-Net: MaxPool(k2, s2) at H, H // 2, H // 4, H // 8.
// Worked by hand: r = (i - 2) mod 2 = i mod 2, gap = 0, so pool j drops a row
// when its input H // 2^j is odd; no row is dropped anywhere when H % 16 == 0.
TEST(SizesFloors, UnetDepth4ByHand) {
  SizesOptions options;
  options.ranges["H"] = {1, 64};
  options.inputShapes["x"] = ir::Shape::ofValues({1, 1, 40, 32});
  const SizesReport r =
      sizesOfModelFile((fs::path(SHAPELINT_SOURCE_DIR) / "tests/models/sizes/unet_pool_ct_d4.onnx").string(), options);
  const SymbolSizes* h = find(r, "H");
  ASSERT_NE(h, nullptr);
  ASSERT_TRUE(h->noDrop);
  EXPECT_EQ(h->noDrop->members(4), (std::vector<int64_t>{16, 32, 48, 64}));
  ASSERT_EQ(h->drops.size(), 4u);
  EXPECT_EQ(h->drops[0].drops.members(3), (std::vector<int64_t>{3, 5, 7}));     // H odd (H = 1: k2 does not fit)
  EXPECT_EQ(h->drops[1].drops.members(3), (std::vector<int64_t>{6, 7, 10}));    // H // 2 odd
  EXPECT_EQ(h->drops[3].drops.members(3), (std::vector<int64_t>{24, 25, 26}));  // H // 8 odd
  // 40: 40 -> 20 -> 10 -> 5: the fourth pool (input 5) drops a row.
  ASSERT_EQ(h->droppingGiven.size(), 1u);
  EXPECT_EQ(r.floors[h->droppingGiven[0]].node, "/down.3/MaxPool");
  const std::string text = renderSizesText(r);
  EXPECT_NE(text.find("no row dropped anywhere when H >= 16 and H <= 64 and H % 16 == 0"), std::string::npos) << text;
  EXPECT_NE(text.find("given: H = 40 drops rows at node '/down.3/MaxPool'"), std::string::npos) << text;
}

size_t countRule(const report::ModelReport& m, diag::RuleId rule) {
  size_t n = 0;
  for (const diag::Diagnostic& d : m.diagnostics) n += d.rule == rule ? 1 : 0;
  return n;
}

// `check` on the fixture models with their symbolic dims: SL104 fires exactly
// on the models where torch rejects a common size (a multiple of 8 from 32
// on, here up to the fixture's 200) at or above the smallest size torch runs,
// SL105 exactly where torch runs no size, and neither where torch runs every
// common size. One finding per symbolic dim at most; the SL103s of a reported
// dim are folded into it.
TEST(SizesCheck, RestrictedSizeFiresExactlyWhereTorchRejectsCommonSizes) {
  size_t warned = 0, silent = 0;
  for (const Case& c : readCases()) {
    SCOPED_TRACE(c.model);
    bool rejectsCommon = false;
    const int64_t first = c.valid.empty() ? 0 : *c.valid.begin();
    for (int64_t v = 32; v <= c.hi; v += 8) rejectsCommon = rejectsCommon || (v >= first && !c.valid.count(v));
    const report::ModelReport m =
        checkModelFile((fs::path(SHAPELINT_SOURCE_DIR) / "tests/models/sizes" / c.model).string(), {});
    ASSERT_FALSE(m.loadError);
    const size_t sl104 = countRule(m, diag::RuleId::kRestrictedInputSize);
    const size_t sl105 = countRule(m, diag::RuleId::kNoValidInputSize);
    std::set<std::string> messages;
    for (const diag::Diagnostic& d : m.diagnostics)
      if (d.rule == diag::RuleId::kRestrictedInputSize) {
        const std::string where = d.message.substr(0, d.message.find(')'));
        EXPECT_TRUE(messages.insert(where).second) << "two findings for " << where;
        EXPECT_TRUE(d.message.find("(H)") != std::string::npos || d.message.find("(W)") != std::string::npos ||
                    d.message.find("(L)") != std::string::npos)
            << d.message;              // a symbolic input dim
        EXPECT_FALSE(d.node.empty());  // at the binding node
      }
    if (c.valid.empty()) {
      EXPECT_EQ(sl105, 1u);
      EXPECT_EQ(sl104, 0u);
    } else if (rejectsCommon) {
      EXPECT_GE(sl104, 1u);
      ++warned;
    } else {
      EXPECT_EQ(sl104 + sl105, 0u);
      ++silent;
    }
    if (sl104 + sl105 > 0) {
      EXPECT_EQ(countRule(m, diag::RuleId::kPossibleMergeMismatch), 0u);  // folded in
    }
  }
  // unet_pool_ct_d4 (H % 16), unet_conv_ct3_op0_d2 (H % 4 == 1), audio_ae (L % 16), split_fixed (H == 40)
  EXPECT_EQ(warned, 4u);
  EXPECT_EQ(silent, 9u);
}

// The depth-4 U-Net: one SL104 per symbol (H, W) at the outermost Concat,
// stating H % 16 == 0 and a common size that fails (torch: 40 fails, 48 runs).
TEST(SizesCheck, UnetDepth4Message) {
  const report::ModelReport m =
      checkModelFile((fs::path(SHAPELINT_SOURCE_DIR) / "tests/models/sizes/unet_pool_ct_d4.onnx").string(), {});
  ASSERT_EQ(m.diagnostics.size(), 2u);
  const diag::Diagnostic& d = m.diagnostics[0];
  EXPECT_EQ(d.rule, diag::RuleId::kRestrictedInputSize);
  EXPECT_EQ(d.severity, diag::Severity::kWarning);
  EXPECT_EQ(d.node, "/Concat_3");
  EXPECT_EQ(d.message,
            "input 'x' axis 2 (H) runs only when H >= 16 and H % 16 == 0: common sizes such as H = 40, 56, 72, ... "
            "fail");
  EXPECT_NE(d.help.find("H = 40 to 48"), std::string::npos) << d.help;
  EXPECT_EQ(d.notes.size(), 3u);  // the other three Concats
}

// A concrete dim is never reported: the same U-Net with --input-shape at 48
// (valid) is silent; at 40 the merge fails (SL102), no SL104.
TEST(SizesCheck, ConcreteDimIsNeverReported) {
  const std::string path = (fs::path(SHAPELINT_SOURCE_DIR) / "tests/models/sizes/unet_pool_ct_d4.onnx").string();
  passes::PassOptions at48;
  at48.inputShapes["x"] = ir::Shape::ofValues({1, 1, 48, 48});
  EXPECT_TRUE(checkModelFile(path, at48).diagnostics.empty());
  passes::PassOptions at40;
  at40.inputShapes["x"] = ir::Shape::ofValues({1, 1, 40, 48});
  const report::ModelReport m = checkModelFile(path, at40);
  EXPECT_EQ(countRule(m, diag::RuleId::kRestrictedInputSize), 0u);
  EXPECT_GE(countRule(m, diag::RuleId::kIncompatibleMerge), 1u);
}

// The torchvision exports with dynamic N, H, W (tests/models/real): valid at
// every common size above their minimum (inception_v3 needs 75), so `check`
// stays silent about input sizes.
TEST(SizesCheck, RealDynamicExportsAreSilent) {
  size_t models = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(SHAPELINT_SOURCE_DIR) / "tests/models/real")) {
    const std::string name = entry.path().filename().string();
    if (name.find("_dyn.onnx") == std::string::npos) continue;
    ++models;
    const report::ModelReport m = checkModelFile(entry.path().string(), {});
    EXPECT_EQ(countRule(m, diag::RuleId::kRestrictedInputSize) + countRule(m, diag::RuleId::kNoValidInputSize), 0u)
        << name;
  }
  EXPECT_GE(models, 40u);
}

// The JSON adds the floor fields and keeps the valid set apart (no_drop is
// not `valid`).
TEST(SizesFloors, JsonFields) {
  SizesOptions options;
  options.ranges["H"] = {1, 64};
  const SizesReport r =
      sizesOfModelFile((fs::path(SHAPELINT_SOURCE_DIR) / "tests/models/sizes/unet_pool_ct_d4.onnx").string(), options);
  const nlohmann::json j = nlohmann::json::parse(renderSizesJson(r));
  ASSERT_EQ(j["floors"].size(), 8u);  // four MaxPools, two axes
  EXPECT_EQ(j["floors"][0]["stride"], 2);
  EXPECT_EQ(j["floors"][0]["kernel"], 2);
  EXPECT_EQ(j["floors"][0]["gap"], 0);
  const nlohmann::json& h = j["symbols"][0];
  EXPECT_EQ(h["symbol"], "H");
  EXPECT_EQ(h["no_drop"]["modulus"], 16);
  EXPECT_EQ(h["no_drop"]["residues"], nlohmann::json::array({0}));
  EXPECT_EQ(h["drops"].size(), 4u);
  EXPECT_EQ(h["drops"][0]["smallest"], nlohmann::json::array({3, 5, 7, 9, 11}));
  EXPECT_TRUE(h.contains("valid"));
  EXPECT_TRUE(j["coupled_floors"].empty());
}

TEST(SizesErrors, UnknownInputIsUsageError) {
  SizesOptions options;
  options.inputShapes["nope"] = ir::Shape::ofValues({1});
  const SizesReport r =
      sizesOfModelFile((fs::path(SHAPELINT_SOURCE_DIR) / "tests/models/sizes/audio_ae.onnx").string(), options);
  EXPECT_TRUE(r.loadError);
  EXPECT_EQ(r.exitCode(), 2);
}

}  // namespace
}  // namespace shapelint
