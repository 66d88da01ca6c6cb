// Reading serialized protobuf messages from files or memory, and telling
// apart the ways a file can fail to be one. Private to src/onnx.
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace google::protobuf {
class MessageLite;
}

namespace shapelint::onnx {

// What came of reading and parsing one serialized message.
struct ParseOutcome {
  // Set when the input could not be read or is too large to parse, e.g.
  // "cannot open: No such file or directory"; nothing else is meaningful then.
  std::string failure;
  // The first bytes of the input (empty for an empty input), kept to explain
  // a parse failure.
  std::string head;
  bool parsed = false;
};

// Bytes of the input kept in ParseOutcome::head.
inline constexpr size_t kHeadSize = 4096;

// Opens `path` read-only and stats it. Returns the descriptor, or -1 with
// outcome.failure set ("cannot open: Is a directory") when it cannot.
int openInput(const std::string& path, ParseOutcome& outcome, struct stat& info);

// Appends everything left in `fd` to `out`. Returns 0, or the errno of a
// failed read.
int readAll(int fd, std::string& out);

// Parses `message` from the file at `path` with protobuf's stream API and a
// 2 GiB total bytes limit. Never throws.
ParseOutcome parseFile(const std::string& path, google::protobuf::MessageLite& message);

// The same for bytes already in memory.
ParseOutcome parseBytes(const std::string& bytes, google::protobuf::MessageLite& message);

// True when `head` is the start of a Git LFS pointer file.
bool isGitLfsPointer(std::string_view head);

// True when `head` reads as plain text rather than binary protobuf.
bool looksLikeText(std::string_view head);

// True when `head` is binary and starts with a field a ModelProto can hold,
// with the wire type that field uses (e.g. ir_version as a varint).
bool startsLikeModelProto(std::string_view head);

}  // namespace shapelint::onnx
