#include "skim.h"

#include <fmt/format.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "limits.h"
#include "shapelint/ir/checked.h"
#include "shapelint/ir/graph.h"

namespace shapelint::onnx {
namespace {

namespace pb = google::protobuf;

constexpr uint32_t kVarint = 0;
constexpr uint32_t kFixed64 = 1;
constexpr uint32_t kLengthDelimited = 2;
constexpr uint32_t kStartGroup = 3;
constexpr uint32_t kEndGroup = 4;
constexpr uint32_t kFixed32 = 5;

// protobuf rejects lengths this close to INT_MAX (ParseContext::kSlopBytes).
constexpr uint64_t kMaxLength = INT_MAX - 16;

// Mapped pages this far behind the cursor are dropped from the process, so
// that resident memory stays bounded when metadata fills most pages.
constexpr size_t kReleaseStride = size_t{2} << 20;

// TensorProto field numbers (onnx.proto).
constexpr uint32_t kTensorDims = 1;
constexpr uint32_t kTensorDataType = 2;
constexpr uint32_t kTensorFloatData = 4;
constexpr uint32_t kTensorDoubleData = 10;

bool isTensorPayload(uint32_t number) {
  switch (number) {
    case 4:   // float_data
    case 5:   // int32_data
    case 6:   // string_data
    case 7:   // int64_data
    case 9:   // raw_data
    case 10:  // double_data
    case 11:  // uint64_data
      return true;
    default:
      return false;
  }
}

// The field numbers a message type's schema knows.
class KnownFields {
 public:
  explicit KnownFields(const pb::Descriptor* descriptor) {
    for (int i = 0; i < descriptor->field_count(); ++i) {
      const auto number = static_cast<size_t>(descriptor->field(i)->number());
      if (number >= known_.size()) known_.resize(number + 1, false);
      known_[number] = true;
    }
  }
  bool contains(uint32_t number) const { return number < known_.size() && known_[number]; }

 private:
  std::vector<bool> known_;
};

template <typename Message>
const KnownFields& knownFieldsOf() {
  static const KnownFields known(Message::descriptor());
  return known;
}

// Text from the model as a message shows it: control characters escaped.
std::string escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f)
      out += fmt::format("\\x{:02x}", byte);
    else
      out += c;
  }
  return out;
}

// What a field handler did with a field.
enum class Action {
  kMerge,     // leave it to protobuf: the field's bytes are merged into the message
  kSkip,      // drop it unread
  kConsumed,  // the handler walked it
  kFail,      // the input is invalid
};

// One field of a message being walked.
struct Field {
  uint32_t number = 0;
  uint32_t wireType = 0;
  const uint8_t* begin = nullptr;    // its tag
  const uint8_t* payload = nullptr;  // after the tag (and the length)
  const uint8_t* end = nullptr;      // the payload's end, for length-delimited fields
};

// What the dims and type read so far say about a tensor's payload.
class TensorSizing {
 public:
  void addDim(uint64_t raw) {
    const auto dim = static_cast<int64_t>(raw);
    if (dim == 0) zero_ = true;
    if (dim < 0) invalid_ = true;
    if (invalid_ || dim == 0) return;
    std::optional<int64_t> product = ir::checkedMul(count_, dim);
    if (product)
      count_ = *product;
    else
      invalid_ = true;
  }
  void setType(uint64_t raw) { type_ = static_cast<int32_t>(raw); }

  // Whether a payload field of `bytes` bytes is kept.
  bool keeps(uint64_t bytes) {
    if (elided_ || invalid_ || bytes > kMaxKeptPayloadBytes - keptBytes_) return false;
    if (type_ != ir::kUndefined && !skimKeepsValues(type_, zero_ ? 0 : count_)) return false;
    if (type_ == ir::kUndefined && !zero_ && count_ > ir::kMaxConstElements) return false;
    keptBytes_ += bytes;
    return true;
  }
  void elide() { elided_ = true; }

 private:
  int32_t type_ = ir::kUndefined;
  int64_t count_ = 1;     // product of the non-zero dims
  bool zero_ = false;     // a dim is 0
  bool invalid_ = false;  // a dim is negative, or the count overflows
  bool elided_ = false;
  uint64_t keptBytes_ = 0;
};

// Walks a serialized ModelProto in [begin, end).
class Skimmer {
 public:
  Skimmer(const uint8_t* begin, const uint8_t* end, bool mapped, ElidedTensors& elided)
      : base_(begin),
        p_(begin),
        end_(end),
        mapped_(mapped),
        elided_(elided),
        scratch_(static_cast<size_t>(kProtobufRecursionLimit) + 2) {}

  bool skimModel(::onnx::ModelProto& model) {
    return walk(model, knownFieldsOf<::onnx::ModelProto>(), end_, 0, [&](const Field& f) {
      if (f.wireType != kLengthDelimited) return Action::kMerge;
      switch (f.number) {
        case 7:
          return consumed(skimGraph(*model.mutable_graph(), f.end, 1, 0, true));
        case 20:
          return consumed(skimTrainingInfo(*model.add_training_info(), f.end, 1));
        case 25:
          return consumed(skimFunction(*model.add_functions(), f.end, 1));
        default:
          return Action::kMerge;
      }
    });
  }

  // Why the input is rejected though it is valid protobuf; empty otherwise.
  const std::string& failure() const { return failure_; }

 private:
  static Action consumed(bool ok) { return ok ? Action::kConsumed : Action::kFail; }

  // A GraphProto at protobuf nesting `level` and subgraph nesting `depth`;
  // `wantValues`: its tensors may be read for values.
  bool skimGraph(::onnx::GraphProto& graph, const uint8_t* limit, int level, int depth, bool wantValues) {
    int nodeIndex = 0;
    return walk(graph, knownFieldsOf<::onnx::GraphProto>(), limit, level, [&](const Field& f) {
      if (f.wireType != kLengthDelimited) return Action::kMerge;
      bool ok = true;
      switch (f.number) {
        case 1:
          ok = skimNode(*graph.add_node(), f.end, level + 1, depth, wantValues, nodeIndex++);
          break;
        case 5:
          ok = skimTensor(*graph.add_initializer(), f.end, level + 1, wantValues);
          break;
        case 15:
          ok = skimSparseTensor(*graph.add_sparse_initializer(), f.end, level + 1);
          break;
        default:
          return Action::kMerge;
      }
      releaseBehind();
      return consumed(ok);
    });
  }

  bool skimNode(::onnx::NodeProto& node, const uint8_t* limit, int level, int depth, bool wantValues, int index) {
    std::string_view name;
    std::string_view opType;
    return walk(node, knownFieldsOf<::onnx::NodeProto>(), limit, level, [&](const Field& f) {
      if (f.wireType != kLengthDelimited) return Action::kMerge;
      auto text = [&] { return std::string_view(reinterpret_cast<const char*>(f.payload), f.end - f.payload); };
      switch (f.number) {
        case 3:
          name = text();
          return Action::kMerge;
        case 4:
          opType = text();
          return Action::kMerge;
        case 5: {
          auto describe = [&] {
            if (!name.empty()) return fmt::format("node '{}' ({})", escaped(name), escaped(opType));
            return fmt::format("unnamed node {} ({})", index, escaped(opType));
          };
          return consumed(skimAttribute(*node.add_attribute(), f.end, level + 1, depth, wantValues, describe));
        }
        default:
          return Action::kMerge;
      }
    });
  }

  template <typename Describe>
  bool skimAttribute(::onnx::AttributeProto& attribute, const uint8_t* limit, int level, int depth, bool wantValues,
                     const Describe& describeNode) {
    auto subgraph = [&](::onnx::GraphProto& graph, const uint8_t* end) {
      if (depth + 1 > kMaxSubgraphDepth) {
        failure_ = fmt::format("subgraphs nested deeper than {} levels at {}", kMaxSubgraphDepth, describeNode());
        return false;
      }
      return skimGraph(graph, end, level + 1, depth + 1, wantValues);
    };
    return walk(attribute, knownFieldsOf<::onnx::AttributeProto>(), limit, level, [&](const Field& f) {
      if (f.wireType != kLengthDelimited) return Action::kMerge;
      switch (f.number) {
        case 5:
          return consumed(skimTensor(*attribute.mutable_t(), f.end, level + 1, wantValues));
        case 6:
          return consumed(subgraph(*attribute.mutable_g(), f.end));
        case 10:
          return consumed(skimTensor(*attribute.add_tensors(), f.end, level + 1, false));
        case 11:
          return consumed(subgraph(*attribute.add_graphs(), f.end));
        case 22:
          return consumed(skimSparseTensor(*attribute.mutable_sparse_tensor(), f.end, level + 1));
        case 23:
          return consumed(skimSparseTensor(*attribute.add_sparse_tensors(), f.end, level + 1));
        default:
          return Action::kMerge;
      }
    });
  }

  bool skimFunction(::onnx::FunctionProto& function, const uint8_t* limit, int level) {
    int nodeIndex = 0;
    return walk(function, knownFieldsOf<::onnx::FunctionProto>(), limit, level, [&](const Field& f) {
      if (f.wireType != kLengthDelimited || f.number != 7) return Action::kMerge;
      return consumed(skimNode(*function.add_node(), f.end, level + 1, 0, false, nodeIndex++));
    });
  }

  bool skimTrainingInfo(::onnx::TrainingInfoProto& info, const uint8_t* limit, int level) {
    return walk(info, knownFieldsOf<::onnx::TrainingInfoProto>(), limit, level, [&](const Field& f) {
      if (f.wireType != kLengthDelimited) return Action::kMerge;
      switch (f.number) {
        case 1:
          return consumed(skimGraph(*info.mutable_initialization(), f.end, level + 1, 0, false));
        case 2:
          return consumed(skimGraph(*info.mutable_algorithm(), f.end, level + 1, 0, false));
        default:
          return Action::kMerge;
      }
    });
  }

  bool skimSparseTensor(::onnx::SparseTensorProto& sparse, const uint8_t* limit, int level) {
    return walk(sparse, knownFieldsOf<::onnx::SparseTensorProto>(), limit, level, [&](const Field& f) {
      if (f.wireType != kLengthDelimited) return Action::kMerge;
      switch (f.number) {
        case 1:
          return consumed(skimTensor(*sparse.mutable_values(), f.end, level + 1, false));
        case 2:
          return consumed(skimTensor(*sparse.mutable_indices(), f.end, level + 1, false));
        default:
          return Action::kMerge;
      }
    });
  }

  // A TensorProto: its payload fields are kept only while the dims and type
  // read so far allow a small constant (and `wantValues`).
  bool skimTensor(::onnx::TensorProto& tensor, const uint8_t* limit, int level, bool wantValues) {
    TensorSizing sizing;
    if (!wantValues) sizing.elide();
    const bool ok = walk(tensor, knownFieldsOf<::onnx::TensorProto>(), limit, level, [&](const Field& f) {
      if (f.number == kTensorDims) {
        const uint8_t* q = f.payload;
        uint64_t dim = 0;
        if (f.wireType == kVarint && readVarint(q, limit, dim)) sizing.addDim(dim);
        if (f.wireType == kLengthDelimited)
          while (q < f.end && readVarint(q, f.end, dim)) sizing.addDim(dim);
        return Action::kMerge;
      }
      if (f.number == kTensorDataType) {
        const uint8_t* q = f.payload;
        uint64_t type = 0;
        if (f.wireType == kVarint && readVarint(q, limit, type)) sizing.setType(type);
        return Action::kMerge;
      }
      if (!isTensorPayload(f.number)) return Action::kMerge;
      // Unpacked elements and wrongly typed fields are at most a few bytes;
      // their size is known once they are skipped.
      const uint64_t bytes = f.wireType == kLengthDelimited ? static_cast<uint64_t>(f.end - f.payload) : 16;
      if (sizing.keeps(bytes)) return Action::kMerge;
      sizing.elide();
      elided_.insert(&tensor);
      // protobuf rejects a packed float or double field of a partial element.
      if (f.wireType == kLengthDelimited && f.number == kTensorFloatData && bytes % 4 != 0) return Action::kFail;
      if (f.wireType == kLengthDelimited && f.number == kTensorDoubleData && bytes % 8 != 0) return Action::kFail;
      return Action::kSkip;
    });
    if (!wantValues) elided_.insert(&tensor);
    return ok;
  }

  // Walks the fields of `message` up to `limit`, calling `onField` for the
  // fields its schema knows. Fields left to protobuf are merged in one parse
  // at the end: the walked messages have no oneofs, so only the order within
  // a field matters, and that is kept.
  template <typename OnField>
  bool walk(pb::MessageLite& message, const KnownFields& known, const uint8_t* limit, int level,
            const OnField& onField) {
    if (level > kProtobufRecursionLimit) return false;
    std::string& pending = scratch_[static_cast<size_t>(level)];
    pending.clear();
    while (p_ < limit) {
      Field f;
      f.begin = p_;
      uint32_t tag = 0;
      if (!readTag(limit, tag)) return false;
      f.number = tag >> 3;
      f.wireType = tag & 7;
      if (f.number == 0 || f.wireType == kEndGroup || f.wireType > kFixed32) return false;
      if (f.wireType == kLengthDelimited) {
        uint64_t length = 0;
        if (!readLength(limit, length)) return false;
        f.end = p_ + length;
      }
      f.payload = p_;
      Action action = known.contains(f.number) ? onField(f) : Action::kSkip;
      switch (action) {
        case Action::kFail:
          return false;
        case Action::kConsumed:
          break;
        case Action::kSkip:
          if (!skipField(f, limit, level)) return false;
          break;
        case Action::kMerge:
          if (!skipField(f, limit, level)) return false;
          pending.append(reinterpret_cast<const char*>(f.begin), static_cast<size_t>(p_ - f.begin));
          break;
      }
    }
    return merge(message, pending, level);
  }

  // Parses `bytes`, whole fields of `message`, into it with protobuf: the
  // same merge as a full parse, and the same recursion budget.
  static bool merge(pb::MessageLite& message, const std::string& bytes, int level) {
    if (bytes.empty()) return true;
    if (bytes.size() > kMaxLength) return false;
    pb::io::CodedInputStream input(reinterpret_cast<const uint8_t*>(bytes.data()), static_cast<int>(bytes.size()));
    input.SetRecursionLimit(kProtobufRecursionLimit - level);
    return message.MergePartialFromCodedStream(&input) && input.ConsumedEntireMessage();
  }

  // Moves past the field whose tag (and length) were read.
  bool skipField(const Field& f, const uint8_t* limit, int level) {
    uint64_t ignored = 0;
    switch (f.wireType) {
      case kVarint:
        return readVarint(p_, limit, ignored);
      case kFixed64:
        return advance(limit, 8);
      case kFixed32:
        return advance(limit, 4);
      case kLengthDelimited:
        p_ = f.end;
        return true;
      case kStartGroup:
        return skipGroup(f.number, limit, level + 1);
      default:
        return false;
    }
  }

  // Skips a group's fields up to its end tag, as protobuf's parse of an
  // unknown group does.
  bool skipGroup(uint32_t number, const uint8_t* limit, int level) {
    if (level > kProtobufRecursionLimit) return false;
    while (p_ < limit) {
      uint32_t tag = 0;
      if (!readTag(limit, tag)) return false;
      Field f;
      f.number = tag >> 3;
      f.wireType = tag & 7;
      if (f.wireType == kEndGroup) return f.number == number;
      if (f.number == 0 || f.wireType > kFixed32) return false;
      if (f.wireType == kLengthDelimited) {
        uint64_t length = 0;
        if (!readLength(limit, length)) return false;
        f.end = p_ + length;
      }
      if (!skipField(f, limit, level)) return false;
    }
    return false;  // no end tag
  }

  bool advance(const uint8_t* limit, size_t bytes) {
    if (static_cast<size_t>(limit - p_) < bytes) return false;
    p_ += bytes;
    return true;
  }

  // A tag as protobuf reads it: at most 5 bytes, kept modulo 2^32.
  bool readTag(const uint8_t* limit, uint32_t& tag) {
    uint32_t value = 0;
    for (int i = 0; i < 5 && p_ < limit; ++i) {
      const uint8_t byte = *p_++;
      value |= static_cast<uint32_t>(byte & 0x7f) << (7 * i);
      if (byte < 0x80) {
        tag = value;
        return true;
      }
    }
    return false;
  }

  // A varint: at most 10 bytes, kept modulo 2^64.
  static bool readVarint(const uint8_t*& q, const uint8_t* limit, uint64_t& out) {
    uint64_t value = 0;
    for (int i = 0; i < 10 && q < limit; ++i) {
      const uint8_t byte = *q++;
      value |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
      if (byte < 0x80) {
        out = value;
        return true;
      }
    }
    return false;
  }

  // A length as protobuf reads it (at most 5 bytes, below 2 GiB), which
  // must fit before `limit`.
  bool readLength(const uint8_t* limit, uint64_t& length) {
    uint64_t value = 0;
    for (int i = 0; i < 5 && p_ < limit; ++i) {
      const uint8_t byte = *p_++;
      if (i == 4 && byte >= 8) return false;
      value |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
      if (byte < 0x80) {
        length = value;
        return value <= kMaxLength && value <= static_cast<uint64_t>(limit - p_);
      }
    }
    return false;
  }

  // Drops mapped pages well behind the cursor: everything kept was copied.
  void releaseBehind() {
    if (!mapped_) return;
    const auto page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    const size_t done = static_cast<size_t>(p_ - base_) / page * page;
    if (done - released_ < kReleaseStride) return;
    ::madvise(const_cast<uint8_t*>(base_) + released_, done - released_, MADV_DONTNEED);
    released_ = done;
  }

  const uint8_t* base_;
  const uint8_t* p_;
  const uint8_t* end_;
  bool mapped_;
  size_t released_ = 0;
  ElidedTensors& elided_;
  std::vector<std::string> scratch_;  // per nesting level: the fields left to protobuf
  std::string failure_;
};

ParseOutcome skimSpan(const uint8_t* data, size_t size, bool mapped, ::onnx::ModelProto& model, ElidedTensors& elided) {
  ParseOutcome outcome;
  outcome.head.assign(reinterpret_cast<const char*>(data), std::min(size, kHeadSize));
  if (size == 0) return outcome;
  Skimmer skimmer(data, data + size, mapped, elided);
  outcome.parsed = skimmer.skimModel(model);
  if (!skimmer.failure().empty()) {
    outcome.failure = skimmer.failure();
    outcome.parsed = false;
  }
  return outcome;
}

// Unmaps a mapping when it goes out of scope.
class Mapping {
 public:
  Mapping(void* base, size_t size) : base_(base), size_(size) {}
  ~Mapping() { ::munmap(base_, size_); }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;

 private:
  void* base_;
  size_t size_;
};

}  // namespace

bool skimKeepsValues(int32_t type, int64_t count) {
  if (ir::isFloatingType(type)) return count <= kMaxKeptRealElements;
  if (ir::isIntegerType(type)) return count <= ir::kMaxConstElements;
  return false;
}

ParseOutcome skimFile(const std::string& path, ::onnx::ModelProto& model, ElidedTensors& elided) {
  ParseOutcome outcome;
  struct stat info {};
  const int fd = openInput(path, outcome, info);
  if (fd < 0) return outcome;
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};

  if (S_ISREG(info.st_mode) && info.st_size > 0) {
    const auto size = static_cast<size_t>(info.st_size);
    void* base = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (base != MAP_FAILED) {
      Mapping mapping(base, size);
      return skimSpan(static_cast<const uint8_t*>(base), size, true, model, elided);
    }
  }
  // Pipes, and files that cannot be mapped, are read whole.
  std::string bytes;
  if (int error = readAll(fd, bytes); error != 0) {
    outcome.failure = "cannot read: " + std::error_code(error, std::generic_category()).message();
    return outcome;
  }
  return skimBytes(bytes, model, elided);
}

ParseOutcome skimBytes(std::string_view bytes, ::onnx::ModelProto& model, ElidedTensors& elided) {
  return skimSpan(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), false, model, elided);
}

}  // namespace shapelint::onnx
