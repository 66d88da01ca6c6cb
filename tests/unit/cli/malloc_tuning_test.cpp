// The heap tuning in tools/shapelint/malloc_tuning.cpp (a huge-page heap
// reserved in process for one model, a re-exec with glibc tunables for
// several) changes how memory is laid out, never what `check` says.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/run_binary.h"

namespace shapelint::cli::testing {
namespace {

class MallocTuningTest : public BinaryTest {
 protected:
  // `check --format json` with the tuning and with SHAPELINT_NO_REEXEC=1: same exit code, same report.
  static void expectSameWithAndWithout(const std::vector<std::string>& models) {
    std::vector<std::string> args = {"check", "--format", "json", "--jobs", "2"};
    args.insert(args.end(), models.begin(), models.end());
    const BinaryRun tuned = runShapelint(tempDir(), args, "", 120);
    const BinaryRun plain = runShapelint(tempDir(), args, "SHAPELINT_NO_REEXEC=1", 120);
    EXPECT_TRUE(tuned.exitCode == 0 || tuned.exitCode == 1) << tuned.err;
    EXPECT_EQ(tuned.exitCode, plain.exitCode) << tuned.err << plain.err;
    EXPECT_EQ(tuned.out, plain.out);
    EXPECT_EQ(tuned.err, plain.err);
    EXPECT_NE(tuned.out.find("\"diagnostics\""), std::string::npos) << tuned.out.substr(0, 200);
  }

  static uint64_t totalBytes(const std::vector<std::string>& models) {
    uint64_t total = 0;
    for (const std::string& m : models) total += fs::file_size(fs::path(SHAPELINT_SOURCE_DIR) / m);
    return total;
  }
};

// One model of 32 KiB or more: the in-process huge-page heap.
TEST_F(MallocTuningTest, OneModelChecksTheSameWithTheHugePageHeap) {
  for (const std::string model : {"tests/models/real/densenet121_op17_dyn.onnx",
                                  "tests/models/real/convnext_tiny_op13_dyn.onnx"}) {
    SCOPED_TRACE(model);
    ASSERT_GE(totalBytes({model}), 32u * 1024);
    expectSameWithAndWithout({model});
  }
}

// Several models of 1 MiB or more in total: the re-exec with GLIBC_TUNABLES.
TEST_F(MallocTuningTest, SeveralModelsCheckTheSameReexecuted) {
  std::vector<std::string> models;
  for (const auto& entry : fs::directory_iterator(fs::path(SHAPELINT_SOURCE_DIR) / "tests/models/real")) {
    if (entry.path().extension() == ".onnx") models.push_back(fs::relative(entry.path(), SHAPELINT_SOURCE_DIR));
  }
  std::sort(models.begin(), models.end());
  ASSERT_GE(totalBytes(models), 1024u * 1024);
  expectSameWithAndWithout(models);
}

}  // namespace
}  // namespace shapelint::cli::testing
