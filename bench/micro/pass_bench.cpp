// Microbenchmarks of the shape pass alone (no loader, no reporter): graphs
// built in memory with the IR, one family of ops per benchmark, with
// concrete and symbolic input dims, and graph-size scaling.
//
//   cmake -S . -B build-bench -DSHAPELINT_BENCH=ON && cmake --build build-bench --target shapelint_bench
//   build-bench/shapelint_bench --benchmark_filter=Conv
//
// Each benchmark reports items_per_second = nodes per second, so time per
// node can be read across sizes (Scaling/*: 1k, 10k, 100k nodes).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "passes/model_builder.h"
#include "shapelint/passes/pass.h"

namespace {

using shapelint::ir::Model;
using shapelint::testing::intAttr;
using shapelint::testing::ints;
using shapelint::testing::ModelBuilder;
using shapelint::testing::TestDim;

constexpr int64_t kChannels = 8;

// [1, 8, 32, 32] or [N, 8, H, W].
ModelBuilder& addInput(ModelBuilder& b, bool symbolic) {
  if (symbolic) return b.input("x", {"N", kChannels, "H", "W"});
  return b.input("x", {1, kChannels, 32, 32});
}

std::string v(const char* prefix, int64_t i) { return prefix + std::to_string(i); }

// Conv(3x3, pads 1) + Relu pairs, one shared weight.
Model convChain(int64_t nodes, bool symbolic) {
  ModelBuilder b(13);
  addInput(b, symbolic).initializer("w", {kChannels, kChannels, 3, 3});
  std::string prev = "x";
  for (int64_t i = 0; i < nodes / 2; ++i) {
    b.node("Conv", {prev, "w"}, {v("c", i)}, {ints("kernel_shape", {3, 3}), ints("pads", {1, 1, 1, 1})});
    b.node("Relu", {v("c", i)}, {v("r", i)});
    prev = v("r", i);
  }
  return b.output(prev).build();
}

// MaxPool(3x3, stride 1, pads 1) + AveragePool(2x2, stride 1, pads 0/1):
// spatial size preserved so the chain can be long.
Model poolChain(int64_t nodes, bool symbolic) {
  ModelBuilder b(13);
  addInput(b, symbolic);
  std::string prev = "x";
  for (int64_t i = 0; i < nodes / 2; ++i) {
    b.node("MaxPool", {prev}, {v("m", i)},
           {ints("kernel_shape", {3, 3}), ints("pads", {1, 1, 1, 1}), ints("strides", {1, 1})});
    b.node("AveragePool", {v("m", i)}, {v("a", i)},
           {ints("kernel_shape", {2, 2}), ints("pads", {0, 0, 1, 1}), ints("strides", {1, 1})});
    prev = v("a", i);
  }
  return b.output(prev).build();
}

// Broadcasting elementwise ops: x * scale[C,1,1] + bias[1,C,1,1], Sigmoid.
Model elementwiseChain(int64_t nodes, bool symbolic) {
  ModelBuilder b(13);
  addInput(b, symbolic).initializer("scale", {kChannels, 1, 1}).initializer("bias", {1, kChannels, 1, 1});
  std::string prev = "x";
  for (int64_t i = 0; i < nodes / 3; ++i) {
    b.node("Mul", {prev, "scale"}, {v("m", i)});
    b.node("Add", {v("m", i), "bias"}, {v("a", i)});
    b.node("Sigmoid", {v("a", i)}, {v("s", i)});
    prev = v("s", i);
  }
  return b.output(prev).build();
}

// Data propagation through shape computations, the pattern exporters emit
// for flatten/unflatten: Shape -> Gather(0) -> Unsqueeze -> Concat([-1]) ->
// Reshape(x, [N, -1]) -> Reshape back to x's shape via Shape(x).
Model reshapeChain(int64_t nodes, bool symbolic) {
  ModelBuilder b(13);
  addInput(b, symbolic).constant("zero", {0}).constant("minus1", {-1}).constant("axes0", {0});
  std::string prev = "x";
  for (int64_t i = 0; i < nodes / 7; ++i) {
    b.node("Shape", {prev}, {v("sh", i)});
    b.node("Gather", {v("sh", i), "zero"}, {v("g", i)}, {intAttr("axis", 0)});
    b.node("Concat", {v("g", i), "minus1"}, {v("t", i)}, {intAttr("axis", 0)});
    b.node("Reshape", {prev, v("t", i)}, {v("flat", i)});
    b.node("Shape", {prev}, {v("back", i)});
    b.node("Reshape", {v("flat", i), v("back", i)}, {v("un", i)});
    b.node("Identity", {v("un", i)}, {v("id", i)});
    prev = v("id", i);
  }
  return b.output(prev).build();
}

// Split along channels and Concat back.
Model concatChain(int64_t nodes, bool symbolic) {
  ModelBuilder b(13);
  addInput(b, symbolic).constant("halves", {kChannels / 2, kChannels / 2});
  std::string prev = "x";
  for (int64_t i = 0; i < nodes / 2; ++i) {
    b.node("Split", {prev, "halves"}, {v("p", i), v("q", i)}, {intAttr("axis", 1)});
    b.node("Concat", {v("q", i), v("p", i)}, {v("c", i)}, {intAttr("axis", 1)});
    prev = v("c", i);
  }
  return b.output(prev).build();
}

using Builder = Model (*)(int64_t, bool);

void runPass(benchmark::State& state, Builder build, int64_t nodes, bool symbolic) {
  Model model = build(nodes, symbolic);
  const auto count = static_cast<int64_t>(model.graph.nodes.size());
  shapelint::passes::PassOptions options;
  // One run outside the timing: the output must be known (the pass worked).
  shapelint::passes::runShapePass(model, options);
  if (!model.graph.find(model.graph.outputs.front())->inferred.rankKnown())
    throw std::runtime_error("benchmark graph: output shape not inferred");
  for (auto _ : state) {
    auto result = shapelint::passes::runShapePass(model, options);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations() * count);
  state.counters["nodes"] = static_cast<double>(count);
}

// Per op family, 10k nodes, concrete (arg 0) and symbolic (arg 1) dims.
void familyArgs(benchmark::internal::Benchmark* b) {
  b->ArgNames({"symbolic"})->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
}

void BM_ConvRelu(benchmark::State& s) { runPass(s, convChain, 10000, s.range(0) != 0); }
void BM_Pool(benchmark::State& s) { runPass(s, poolChain, 10000, s.range(0) != 0); }
void BM_ElementwiseBroadcast(benchmark::State& s) { runPass(s, elementwiseChain, 10000, s.range(0) != 0); }
void BM_ReshapeDataProp(benchmark::State& s) { runPass(s, reshapeChain, 10000, s.range(0) != 0); }
void BM_SplitConcat(benchmark::State& s) { runPass(s, concatChain, 10000, s.range(0) != 0); }
BENCHMARK(BM_ConvRelu)->Apply(familyArgs);
BENCHMARK(BM_Pool)->Apply(familyArgs);
BENCHMARK(BM_ElementwiseBroadcast)->Apply(familyArgs);
BENCHMARK(BM_ReshapeDataProp)->Apply(familyArgs);
BENCHMARK(BM_SplitConcat)->Apply(familyArgs);

// Graph size scaling: time per node (1 / items_per_second) should stay flat.
void scalingArgs(benchmark::internal::Benchmark* b) {
  b->ArgNames({"nodes", "symbolic"})->ArgsProduct({{1000, 10000, 100000}, {0, 1}})->Unit(benchmark::kMillisecond);
}
void BM_Scaling_ConvRelu(benchmark::State& s) { runPass(s, convChain, s.range(0), s.range(1) != 0); }
void BM_Scaling_ReshapeDataProp(benchmark::State& s) { runPass(s, reshapeChain, s.range(0), s.range(1) != 0); }
BENCHMARK(BM_Scaling_ConvRelu)->Apply(scalingArgs);
BENCHMARK(BM_Scaling_ReshapeDataProp)->Apply(scalingArgs);

}  // namespace

BENCHMARK_MAIN();
