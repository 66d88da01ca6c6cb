// The runtimes whose behaviour portability findings compare against.
#pragma once

namespace shapelint::passes {

// Whose behaviour the portability findings compare against (--target).
// Sizes are always propagated by the current ONNX spec, which PyTorch and
// ONNX Runtime 1.30 follow; a portability finding reports where a target
// computes another size or rejects the node.
enum class Target : unsigned {
  kOnnx = 1u << 0,         // ONNX 1.12's reference shape inference (Debian's)
  kOnnxRuntime = 1u << 1,  // ONNX Runtime, current and older releases
  kPyTorch = 1u << 2,
  kAll = kOnnx | kOnnxRuntime | kPyTorch,
};
inline bool targets(Target selected, Target t) {
  return (static_cast<unsigned>(selected) & static_cast<unsigned>(t)) != 0;
}

}  // namespace shapelint::passes
