// Times protobuf's full parse of an ONNX model, nothing else:
// ParseFromCodedStream of a ModelProto from the file (read through a
// FileInputStream, as a loader would), weights included.
//
//   proto_parse MODEL.onnx     prints "parse_ms <ms>"; exit 1 when the parse fails
#include <fcntl.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <onnx/onnx_pb.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: proto_parse MODEL.onnx\n");
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
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
  const auto end = std::chrono::steady_clock::now();
  ::close(fd);
  if (!ok) {
    std::fprintf(stderr, "%s: protobuf parse failed\n", argv[1]);
    return 1;
  }
  std::printf("parse_ms %.3f nodes %d\n", std::chrono::duration<double, std::milli>(end - start).count(),
              model.graph().node_size());
  return 0;
}
