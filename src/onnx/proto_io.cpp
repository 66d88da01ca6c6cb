#include "proto_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/message_lite.h>

#include "limits.h"

namespace shapelint::onnx {
namespace {

namespace pbio = google::protobuf::io;

// Bytes looked at to decide whether an input is text.
constexpr size_t kTextSniffSize = 512;

std::string errnoText(int error) {
  return std::error_code(error, std::generic_category()).message();
}

// Closes a file descriptor when it goes out of scope.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() { ::close(fd_); }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;

 private:
  int fd_;
};

// Parses with kProtobufRecursionLimit and a total size limit of INT_MAX
// bytes, the most a CodedInputStream can count.
bool parseStream(pbio::ZeroCopyInputStream& stream, google::protobuf::MessageLite& message) {
  pbio::CodedInputStream coded(&stream);
  coded.SetTotalBytesLimit(INT_MAX);
  coded.SetRecursionLimit(kProtobufRecursionLimit);
  return message.ParseFromCodedStream(&coded) && coded.ConsumedEntireMessage();
}

// Reads up to kHeadSize bytes from the start of `fd` into `head`.
// Returns 0, or the errno of a failed read.
int readHead(int fd, std::string& head) {
  head.resize(kHeadSize);
  size_t filled = 0;
  while (filled < kHeadSize) {
    ssize_t got = ::read(fd, head.data() + filled, kHeadSize - filled);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return errno;
    if (got == 0) break;
    filled += static_cast<size_t>(got);
  }
  head.resize(filled);
  return 0;
}

// Decodes the varint at the start of `bytes`; nullopt when it is incomplete.
std::optional<uint64_t> leadingVarint(std::string_view bytes) {
  uint64_t result = 0;
  for (size_t i = 0; i < bytes.size() && i < 10; ++i) {
    auto byte = static_cast<uint8_t>(bytes[i]);
    result |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) return result;
  }
  return std::nullopt;
}

}  // namespace

int openInput(const std::string& path, ParseOutcome& outcome, struct stat& info) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    outcome.failure = "cannot open: " + errnoText(errno);
    return -1;
  }
  int error = 0;
  if (::fstat(fd, &info) != 0)
    error = errno;
  else if (S_ISDIR(info.st_mode))
    error = EISDIR;
  if (error != 0) {
    ::close(fd);
    outcome.failure = "cannot open: " + errnoText(error);
    return -1;
  }
  return fd;
}

int readAll(int fd, std::string& out) {
  size_t filled = out.size();
  for (;;) {
    if (filled == out.size()) out.resize(std::max<size_t>(kHeadSize, 2 * filled));
    ssize_t got = ::read(fd, out.data() + filled, out.size() - filled);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      out.resize(filled);
      return got < 0 ? errno : 0;
    }
    filled += static_cast<size_t>(got);
  }
}

ParseOutcome parseFile(const std::string& path, google::protobuf::MessageLite& message) {
  ParseOutcome outcome;
  struct stat info {};
  int fd = openInput(path, outcome, info);
  if (fd < 0) return outcome;
  FdCloser closer(fd);

  if (S_ISREG(info.st_mode) && info.st_size > INT_MAX) {
    outcome.failure = "larger than 2 GiB, the most protobuf can parse";
    return outcome;
  }

  if (int error = readHead(fd, outcome.head); error != 0) {
    outcome.failure = "cannot read: " + errnoText(error);
    return outcome;
  }
  if (outcome.head.empty()) return outcome;

  // The head is already consumed from the descriptor: parse it followed by
  // the rest of the file, so pipes work as well as regular files.
  pbio::ArrayInputStream headStream(outcome.head.data(), static_cast<int>(outcome.head.size()));
  pbio::FileInputStream restStream(fd);
  pbio::ZeroCopyInputStream* const parts[] = {&headStream, &restStream};
  pbio::ConcatenatingInputStream stream(parts, 2);
  outcome.parsed = parseStream(stream, message);
  if (restStream.GetErrno() != 0) {
    outcome.failure = "cannot read: " + errnoText(restStream.GetErrno());
    outcome.parsed = false;
  }
  return outcome;
}

ParseOutcome parseBytes(const std::string& bytes, google::protobuf::MessageLite& message) {
  ParseOutcome outcome;
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    outcome.failure = "larger than 2 GiB, the most protobuf can parse";
    return outcome;
  }
  outcome.head = bytes.substr(0, kHeadSize);
  if (bytes.empty()) return outcome;
  pbio::ArrayInputStream stream(bytes.data(), static_cast<int>(bytes.size()));
  outcome.parsed = parseStream(stream, message);
  return outcome;
}

bool isGitLfsPointer(std::string_view head) {
  return head.starts_with("version https://git-lfs.github.com/spec/v1");
}

bool looksLikeText(std::string_view head) {
  std::string_view sample = head.substr(0, kTextSniffSize);
  if (sample.empty()) return false;
  size_t printable = 0;
  for (char c : sample) {
    auto byte = static_cast<uint8_t>(c);
    bool whitespace = byte == '\t' || byte == '\n' || byte == '\r' || byte == '\f';
    if ((byte < 0x20 && !whitespace) || byte == 0x7f) return false;
    if (byte < 0x80) ++printable;
  }
  // Bytes >= 0x80 may be UTF-8, but mostly-high bytes are binary.
  return printable * 10 >= sample.size() * 7;
}

bool startsLikeModelProto(std::string_view head) {
  if (looksLikeText(head)) return false;
  std::optional<uint64_t> tag = leadingVarint(head);
  if (!tag) return false;
  constexpr uint64_t kVarint = 0;
  constexpr uint64_t kLengthDelimited = 2;
  const uint64_t wireType = *tag & 7;
  switch (*tag >> 3) {
    case 1:   // ir_version
    case 5:   // model_version
      return wireType == kVarint;
    case 2:   // producer_name
    case 3:   // producer_version
    case 4:   // domain
    case 6:   // doc_string
    case 7:   // graph
    case 8:   // opset_import
    case 14:  // metadata_props
    case 20:  // training_info
    case 25:  // functions
      return wireType == kLengthDelimited;
    default:
      return false;
  }
}

}  // namespace shapelint::onnx
