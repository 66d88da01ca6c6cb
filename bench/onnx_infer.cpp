// Times ONNX's C++ shape inference alone: parses the model and builds the
// op schema registry (untimed), then times one
// onnx::shape_inference::InferShapes call on it (Debian's libonnx).
//
//   onnx_infer MODEL.onnx      prints "parse_ms <ms> infer_ms <ms>" (parse_ms: open + parse); exit 1 on failure
#include <fcntl.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: onnx_infer MODEL.onnx\n");
    return 2;
  }
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const int fd = ::open(argv[1], O_RDONLY);
  if (fd < 0) {
    std::perror(argv[1]);
    return 1;
  }
  onnx::ModelProto model;
  bool ok = false;
  {
    google::protobuf::io::FileInputStream file(fd);
    google::protobuf::io::CodedInputStream coded(&file);
    coded.SetTotalBytesLimit(INT_MAX);
    ok = model.ParseFromCodedStream(&coded);
  }
  ::close(fd);
  const auto parseEnd = Clock::now();
  if (!ok) {
    std::fprintf(stderr, "%s: protobuf parse failed\n", argv[1]);
    return 1;
  }
  // The schema registry is built on first use (~100 ms): build it before
  // the clock starts, so only the inference itself is timed.
  (void)onnx::OpSchemaRegistry::Schema("Relu", 13, "");
  const auto parsed = Clock::now();
  try {
    onnx::shape_inference::InferShapes(model);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: InferShapes failed: %s\n", argv[1], e.what());
    return 1;
  }
  const auto inferred = Clock::now();
  std::printf("parse_ms %.3f infer_ms %.3f value_info %d\n",
              std::chrono::duration<double, std::milli>(parseEnd - start).count(),
              std::chrono::duration<double, std::milli>(inferred - parsed).count(), model.graph().value_info_size());
  return 0;
}
