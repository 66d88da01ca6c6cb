// The pass's memo of repeated nodes (PassOptions::rememberRepeatedNodes,
// ShapeMemo in src/passes/propagate.cpp) changes nothing: for every
// committed model and every ONNX backend test model, the check `shapelint
// check` runs gives the same findings (as JSON, with every field) and the
// same shape and type for every value with the memo as without it.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "driver/check_model.h"
#include "shapelint/report/report.h"

namespace shapelint {
namespace {

std::vector<std::string> modelFiles() {
  std::vector<std::string> files;
  for (const char* root : {SHAPELINT_SOURCE_DIR "/tests/models", SHAPELINT_TESTDATA_DIR})
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root))
      if (entry.path().extension() == ".onnx") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

// The JSON report and every value's name, shape and type after the check.
std::string checked(const std::string& path, bool remember) {
  report::ModelReport result;
  result.path = path;
  std::optional<ir::Model> model = loadForCheck(path, result);
  if (!model) return "load error: " + result.loadError.value_or("");
  passes::PassOptions options;
  options.rememberRepeatedNodes = remember;
  checkLoadedModel(*model, options, result, true);
  std::string out = report::renderJson({result});
  for (const ir::Value& v : model->graph.values)
    out += "\n" + v.name + " " + v.inferred.str() + " " + ir::elemTypeName(v.elemType);
  return out;
}

TEST(RepeatedNodes, RememberingThemChangesNoFindingAndNoShape) {
  const std::vector<std::string> files = modelFiles();
  ASSERT_GT(files.size(), 1000u);
  size_t withFindings = 0;
  for (const std::string& file : files) {
    const std::string remembered = checked(file, true);
    EXPECT_EQ(remembered, checked(file, false)) << file;
    if (remembered.find("\"rule\"") != std::string::npos) ++withFindings;
  }
  EXPECT_GT(withFindings, 10u);  // the comparison covers findings, not only clean models
}

}  // namespace
}  // namespace shapelint
