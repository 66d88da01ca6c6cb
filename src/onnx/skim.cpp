#include "skim.h"

#include <fmt/format.h>
#include <google/protobuf/io/coded_stream.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "graph_builder.h"
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

// The first read after a skip is this small, so that little of the next
// payload is read with the header before it; reads in a row grow to
// kMaxReadSize.
constexpr size_t kMinReadSize = 4096;
constexpr size_t kMaxReadSize = 256 * 1024;

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

// The field numbers a message type's schema declares, from the generated
// kXxxFieldNumber constants (the lite runtime's classes have no
// descriptors, and building them cost a million instructions on every
// run). skimmedFieldNumbers() shows them to the test that compares them
// with the schema as protoc reads it.
template <typename Message>
std::vector<int> fieldNumbersOf();
template <>
std::vector<int> fieldNumbersOf<::onnx::ModelProto>() {
  using P = ::onnx::ModelProto;
  return {P::kIrVersionFieldNumber,       P::kOpsetImportFieldNumber, P::kProducerNameFieldNumber,
          P::kProducerVersionFieldNumber, P::kDomainFieldNumber,      P::kModelVersionFieldNumber,
          P::kDocStringFieldNumber,       P::kGraphFieldNumber,       P::kMetadataPropsFieldNumber,
          P::kTrainingInfoFieldNumber,    P::kFunctionsFieldNumber};
}
template <>
std::vector<int> fieldNumbersOf<::onnx::GraphProto>() {
  using P = ::onnx::GraphProto;
  return {P::kNodeFieldNumber,
          P::kNameFieldNumber,
          P::kInitializerFieldNumber,
          P::kSparseInitializerFieldNumber,
          P::kDocStringFieldNumber,
          P::kInputFieldNumber,
          P::kOutputFieldNumber,
          P::kValueInfoFieldNumber,
          P::kQuantizationAnnotationFieldNumber};
}
template <>
std::vector<int> fieldNumbersOf<::onnx::NodeProto>() {
  using P = ::onnx::NodeProto;
  return {P::kInputFieldNumber,  P::kOutputFieldNumber,    P::kNameFieldNumber,     P::kOpTypeFieldNumber,
          P::kDomainFieldNumber, P::kAttributeFieldNumber, P::kDocStringFieldNumber};
}
template <>
std::vector<int> fieldNumbersOf<::onnx::AttributeProto>() {
  using P = ::onnx::AttributeProto;
  return {P::kNameFieldNumber,
          P::kRefAttrNameFieldNumber,
          P::kDocStringFieldNumber,
          P::kTypeFieldNumber,
          P::kFFieldNumber,
          P::kIFieldNumber,
          P::kSFieldNumber,
          P::kTFieldNumber,
          P::kGFieldNumber,
          P::kSparseTensorFieldNumber,
          P::kTpFieldNumber,
          P::kFloatsFieldNumber,
          P::kIntsFieldNumber,
          P::kStringsFieldNumber,
          P::kTensorsFieldNumber,
          P::kGraphsFieldNumber,
          P::kSparseTensorsFieldNumber,
          P::kTypeProtosFieldNumber};
}
template <>
std::vector<int> fieldNumbersOf<::onnx::TensorProto>() {
  using P = ::onnx::TensorProto;
  return {P::kDimsFieldNumber,       P::kDataTypeFieldNumber,     P::kSegmentFieldNumber,
          P::kFloatDataFieldNumber,  P::kInt32DataFieldNumber,    P::kStringDataFieldNumber,
          P::kInt64DataFieldNumber,  P::kNameFieldNumber,         P::kDocStringFieldNumber,
          P::kRawDataFieldNumber,    P::kExternalDataFieldNumber, P::kDataLocationFieldNumber,
          P::kDoubleDataFieldNumber, P::kUint64DataFieldNumber};
}
template <>
std::vector<int> fieldNumbersOf<::onnx::SparseTensorProto>() {
  using P = ::onnx::SparseTensorProto;
  return {P::kValuesFieldNumber, P::kIndicesFieldNumber, P::kDimsFieldNumber};
}
template <>
std::vector<int> fieldNumbersOf<::onnx::FunctionProto>() {
  using P = ::onnx::FunctionProto;
  return {P::kNameFieldNumber, P::kInputFieldNumber,     P::kOutputFieldNumber,      P::kAttributeFieldNumber,
          P::kNodeFieldNumber, P::kDocStringFieldNumber, P::kOpsetImportFieldNumber, P::kDomainFieldNumber};
}
template <>
std::vector<int> fieldNumbersOf<::onnx::TrainingInfoProto>() {
  using P = ::onnx::TrainingInfoProto;
  return {P::kInitializationFieldNumber, P::kAlgorithmFieldNumber, P::kInitializationBindingFieldNumber,
          P::kUpdateBindingFieldNumber};
}

// The field numbers a message type's schema knows.
class KnownFields {
 public:
  explicit KnownFields(const std::vector<int>& numbers) {
    for (const int n : numbers) {
      const auto number = static_cast<size_t>(n);
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
  static const KnownFields known(fieldNumbersOf<Message>());
  return known;
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
  uint64_t end = 0;  // the payload's end, for length-delimited fields
  // The tag and length bytes as read.
  uint8_t header[16] = {};
  size_t headerSize = 0;
};

// The input, read forward: a file read with pread at the offsets needed, so
// that skipped bytes are never read, or bytes in memory.
class Source {
 public:
  Source(int fd, uint64_t size) : fd_(fd), size_(size) {}
  Source(const uint8_t* data, uint64_t size) : data_(data), size_(size), bufferSize_(size) {}

  uint64_t pos() const { return pos_; }
  uint64_t size() const { return size_; }
  // The errno of a failed read, or 0.
  int error() const { return error_; }

  // The byte at pos(), which must be below size(); false when it cannot be read.
  bool next(uint8_t& byte) {
    if (pos_ - bufferStart_ >= bufferSize_ && !refill()) return false;
    byte = data_[pos_ - bufferStart_];
    ++pos_;
    return true;
  }

  // The buffered bytes from pos() on, at most up to `limit`: a pointer to
  // them and their count (0 when none are buffered; next() then reads).
  const uint8_t* buffered(uint64_t limit, uint64_t& count) const {
    const uint64_t end = std::min(limit, bufferStart_ + bufferSize_);
    count = pos_ >= bufferStart_ && end > pos_ ? end - pos_ : 0;
    return count > 0 ? data_ + (pos_ - bufferStart_) : nullptr;
  }
  // The bytes from pos() to `end` when all of them are buffered (and there
  // is at least one), else null.
  const uint8_t* bufferedTo(uint64_t end) const {
    uint64_t count = 0;
    const uint8_t* bytes = buffered(end, count);
    return count == end - pos_ ? bytes : nullptr;
  }
  // Moves past `count` bytes that buffered() showed.
  void advance(uint64_t count) { pos_ += count; }

  // Moves forward to `to` (at most size()) without reading.
  void skipTo(uint64_t to) { pos_ = to; }

  // Appends the `count` bytes at pos() to `out`.
  bool append(uint64_t count, std::string& out) {
    while (count > 0) {
      if (pos_ - bufferStart_ >= bufferSize_ && !refill()) return false;
      const uint64_t available = std::min(count, bufferStart_ + bufferSize_ - pos_);
      out.append(reinterpret_cast<const char*>(data_ + (pos_ - bufferStart_)), available);
      pos_ += available;
      count -= available;
    }
    return true;
  }

 private:
  // Reads from pos(): little right after a skip, more when reads follow.
  // A skip of less than kMinReadSize past the buffer (small messages
  // stepped over, as countNodes does) counts as following: the bytes
  // skipped are still not read, but the reads keep growing instead of
  // falling back to the smallest size each time.
  bool refill() {
    if (fd_ < 0 || pos_ >= size_) return false;
    const uint64_t bufferEnd = bufferStart_ + bufferSize_;
    const bool sequential = bufferSize_ > 0 && pos_ >= bufferEnd && pos_ - bufferEnd < kMinReadSize;
    readSize_ = sequential ? std::min(readSize_ * 2, kMaxReadSize) : kMinReadSize;
    if (!buffer_) {
      // Uninitialized, and no larger than the file: pread fills what is used.
      buffer_.reset(new uint8_t[static_cast<size_t>(std::min<uint64_t>(kMaxReadSize, size_))]);
    }
    const auto wanted = static_cast<size_t>(std::min<uint64_t>(readSize_, size_ - pos_));
    ssize_t got = -1;
    do {
      got = ::pread(fd_, buffer_.get(), wanted, static_cast<off_t>(pos_));
    } while (got < 0 && errno == EINTR);
    if (got <= 0) {  // an error, or the file shrank
      if (got < 0) error_ = errno;
      return false;
    }
    data_ = buffer_.get();
    bufferStart_ = pos_;
    bufferSize_ = static_cast<uint64_t>(got);
    return true;
  }

  int fd_ = -1;
  const uint8_t* data_ = nullptr;
  uint64_t size_ = 0;
  uint64_t pos_ = 0;
  uint64_t bufferStart_ = 0;  // the offset of data_[0]
  uint64_t bufferSize_ = 0;
  std::unique_ptr<uint8_t[]> buffer_;
  size_t readSize_ = kMinReadSize;
  int error_ = 0;
};

// Decodes a varint from `bytes` at `offset`; false when it is incomplete.
bool decodeVarint(std::string_view bytes, size_t& offset, uint64_t& out) {
  uint64_t value = 0;
  for (int i = 0; i < 10 && offset < bytes.size(); ++i) {
    const auto byte = static_cast<uint8_t>(bytes[offset++]);
    value |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if (byte < 0x80) {
      out = value;
      return true;
    }
  }
  return false;
}

// Ignores the fields merged into a message.
struct IgnoreMerged {
  void operator()(const Field&, std::string_view) const {}
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

// A length-delimited field of a NodeProto that the IR reads (scanPlainNode):
// its number and its payload, as offsets from the node's first byte.
struct PlainField {
  uint32_t number = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
};

// Walks a serialized ModelProto.
class Skimmer {
  // Per nesting level: the lists of the node or attribute being read there.
  struct LevelScratch {
    // A plain node's string and attribute fields (scanPlainNode).
    std::vector<PlainField> fields;
    // A node's attributes in order: a remembered attribute, or null for
    // the next of `attributes` (readNodeAttribute).
    std::vector<const ir::Attribute*> entries;
    std::vector<ir::Attribute> attributes;
    std::vector<int64_t> ints;
  };

 public:
  Skimmer(Source& source, ElidedTensors& elided, SkimmedNodes* nodes)
      : src_(source),
        elided_(elided),
        nodes_(nodes),
        scratch_(static_cast<size_t>(kProtobufRecursionLimit) + 2),
        levelScratch_(static_cast<size_t>(kProtobufRecursionLimit) + 2) {}

  bool skimModel(::onnx::ModelProto& model) {
    return walk(&model, knownFieldsOf<::onnx::ModelProto>(), src_.size(), 0, [&](const Field& f) {
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
  bool skimGraph(::onnx::GraphProto& graph, uint64_t limit, int level, int depth, bool wantValues) {
    int nodeIndex = 0;
    SkimmedGraph* skimmed = nullptr;  // this graph's entry, looked up once (map entries do not move)
    if (nodes_ != nullptr) {
      if (const size_t count = countNodes(limit); count > 0) {
        skimmed = &nodes_->graphs[&graph];
        skimmed->nodes.reserve(std::min<size_t>(count, kMaxModelNodes + 1));
      }
    }
    return walk(&graph, knownFieldsOf<::onnx::GraphProto>(), limit, level, [&](const Field& f) {
      if (f.wireType != kLengthDelimited) return Action::kMerge;
      switch (f.number) {
        case 1:
          if (nodes_ != nullptr) {
            if (skimmed == nullptr) skimmed = &nodes_->graphs[&graph];
            return consumed(readNode(*skimmed, f.end, level + 1, depth, wantValues, nodeIndex++));
          }
          return consumed(skimNode(*graph.add_node(), f.end, level + 1, depth, wantValues, nodeIndex++));
        case 5:
          return consumed(skimTensor(*graph.add_initializer(), f.end, level + 1, wantValues));
        case 15:
          return consumed(skimSparseTensor(*graph.add_sparse_initializer(), f.end, level + 1));
        default:
          return Action::kMerge;
      }
    });
  }

  bool skimNode(::onnx::NodeProto& node, uint64_t limit, int level, int depth, bool wantValues, int index) {
    std::string name;
    std::string opType;
    auto describe = [&] {
      if (!name.empty()) return fmt::format("node '{}' ({})", escapeModelText(name), escapeModelText(opType));
      return fmt::format("unnamed node {} ({})", index, escapeModelText(opType));
    };
    auto onField = [&](const Field& f) {
      if (f.wireType != kLengthDelimited || f.number != 5) return Action::kMerge;
      return consumed(skimAttribute(*node.add_attribute(), f.end, level + 1, depth, wantValues, describe));
    };
    auto onMerged = [&](const Field& f, std::string_view payload) {
      if (f.wireType != kLengthDelimited) return;
      if (f.number == 3) name = payload;
      if (f.number == 4) opType = payload;
    };
    return walk(&node, knownFieldsOf<::onnx::NodeProto>(), limit, level, onField, onMerged);
  }

  // How many nodes the GraphProto from pos() to `limit` holds, from its
  // tags and lengths alone (no payload is read), so that they are stored
  // without growing: at a million nodes, growing by doubling maps and
  // clears twice the memory the nodes need. Returns to pos(); stops at
  // anything malformed or unusual (a group), which the walk then meets.
  size_t countNodes(uint64_t limit) {
    const uint64_t start = src_.pos();
    size_t count = 0;
    while (src_.pos() < limit) {
      Field f;
      uint32_t tag = 0;
      if (!readTag(limit, tag, f)) break;
      const uint32_t wireType = tag & 7;
      uint64_t ignored = 0;
      if (wireType == kLengthDelimited) {
        if (!readLength(limit, ignored, nullptr)) break;
        if ((tag >> 3) == 1) ++count;
        src_.skipTo(src_.pos() + ignored);
      } else if (wireType == kVarint) {
        if (!readVarint(limit, ignored)) break;
      } else if (wireType == kFixed64 || wireType == kFixed32) {
        if (!advance(limit, wireType == kFixed64 ? 8 : 4)) break;
      } else {
        break;
      }
    }
    src_.skipTo(start);
    return count;
  }

  // A NodeProto read straight into an ir::Node appended to `graph`: the
  // fields the IR keeps, as protobuf's parse would set them (a repeated
  // field appends, a singular one takes the last value; a field of the
  // wrong wire type is unknown and skipped).
  bool readNode(SkimmedGraph& graph, uint64_t limit, int level, int depth, bool wantValues, int index) {
    if (level > kProtobufRecursionLimit) return false;
    const size_t nodeIndex = graph.nodes.size();
    ir::Node& node = graph.nodes.emplace_back();
    LevelScratch& scratch = levelScratch_[static_cast<size_t>(level)];
    scratch.attributes.clear();
    scratch.entries.clear();
    auto describe = [&] {
      if (!node.name.empty())
        return fmt::format("node '{}' ({})", escapeModelText(node.name), escapeModelText(node.opType));
      return fmt::format("unnamed node {} ({})", index, escapeModelText(node.opType));
    };
    // Most nodes are buffered whole and plain: their fields are found in one
    // pass over the bytes, the lists are sized once, and the strings are
    // copied straight in.
    const uint64_t start = src_.pos();
    const uint8_t* bytes = src_.bufferedTo(limit);
    if (bytes != nullptr && scanPlainNode(bytes, bytes + (limit - start), scratch.fields)) {
      size_t inputs = 0;
      size_t outputs = 0;
      for (const PlainField& f : scratch.fields) {
        inputs += f.number == 1 ? 1 : 0;
        outputs += f.number == 2 ? 1 : 0;
      }
      node.inputs.reserve(inputs);
      node.outputs.reserve(outputs);
      for (const PlainField& f : scratch.fields) {
        const uint64_t end = start + f.offset + f.size;
        src_.skipTo(start + f.offset);
        bool ok = true;
        switch (f.number) {
          case 1:
            ok = appendBytes(end, node.inputs);
            break;
          case 2:
            ok = appendBytes(end, node.outputs);
            break;
          case 3:
            ok = readBytes(end, node.name);
            break;
          case 4:
            ok = readBytes(end, node.opType);
            break;
          case 5:
            ok = readNodeAttribute(graph, nodeIndex, scratch, end, level + 1, depth, wantValues, describe);
            break;
          default:  // 7
            ok = readBytes(end, node.domain);
            break;
        }
        if (!ok) return false;
      }
      src_.skipTo(limit);
      takeAttributes(scratch, node.attributes);
      return true;
    }
    const bool ok = walk(nullptr, knownFieldsOf<::onnx::NodeProto>(), limit, level, [&](const Field& f) {
      if (f.wireType != kLengthDelimited) return Action::kSkip;
      switch (f.number) {
        case 1:
          return appendBytes(f.end, node.inputs) ? Action::kConsumed : Action::kFail;
        case 2:
          return appendBytes(f.end, node.outputs) ? Action::kConsumed : Action::kFail;
        case 3:
          return readString(f, node.name);
        case 4:
          return readString(f, node.opType);
        case 5:
          return consumed(readNodeAttribute(graph, nodeIndex, scratch, f.end, level + 1, depth, wantValues, describe));
        case 7:
          return readString(f, node.domain);
        default:
          return Action::kSkip;
      }
    });
    // After a failure the list may lack the attribute that failed; the
    // load fails anyway.
    if (ok) takeAttributes(scratch, node.attributes);
    return ok;
  }

  // An attribute of a node. One whose bytes equal those of an attribute
  // read before is that attribute again, unread: a network repeats its
  // kernel, stride and pad attributes byte for byte. Only attributes of
  // numbers and strings are remembered, which read the same wherever they
  // are; tensors and subgraphs are read every time. The node's list is
  // kept as LevelScratch::entries until the node ends (takeAttributes).
  template <typename Describe>
  bool readNodeAttribute(SkimmedGraph& graph, size_t nodeIndex, LevelScratch& scratch, uint64_t limit, int level,
                         int depth, bool wantValues, const Describe& describeNode) {
    const size_t position = scratch.entries.size();
    const uint8_t* bytes = src_.bufferedTo(limit);
    const uint64_t count = limit - src_.pos();
    // Past the recursion limit the read fails, as protobuf's does, and the
    // failure is not to be skipped.
    if (bytes == nullptr || count > kMaxRememberedAttributeBytes || level > kProtobufRecursionLimit) {
      scratch.entries.push_back(nullptr);
      return readAttribute(graph, nodeIndex, scratch.attributes, position, limit, level, depth, wantValues,
                           describeNode);
    }
    const std::string_view key(reinterpret_cast<const char*>(bytes), count);
    if (auto it = rememberedAttributes_.find(key); it != rememberedAttributes_.end()) {
      src_.skipTo(limit);
      scratch.entries.push_back(&it->second);
      return true;
    }
    std::string copy(key);  // the buffer may move on while the attribute is read
    const size_t protoAttributes = graph.protoAttributes.size();
    const size_t before = scratch.attributes.size();
    scratch.entries.push_back(nullptr);
    if (!readAttribute(graph, nodeIndex, scratch.attributes, position, limit, level, depth, wantValues,
                       describeNode))
      return false;
    if (graph.protoAttributes.size() == protoAttributes && scratch.attributes.size() == before + 1 &&
        rememberedAttributes_.size() < kMaxRememberedAttributes) {
      auto it = rememberedAttributes_.emplace(std::move(copy), std::move(scratch.attributes.back())).first;
      scratch.attributes.pop_back();
      scratch.entries.back() = &it->second;
    }
    return true;
  }

  // The node's attributes from this level's scratch. Nodes whose lists are
  // the same remembered attributes in the same order share one list
  // (ir::AttributeList): a million 3x3 Convs hold one.
  void takeAttributes(LevelScratch& scratch, ir::AttributeList& to) {
    if (scratch.entries.empty()) return;
    const bool allRemembered = scratch.attributes.empty();
    if (allRemembered) {
      if (auto it = sharedLists_.find(scratch.entries); it != sharedLists_.end()) {
        to = it->second;
        return;
      }
    }
    to.reserve(scratch.entries.size());
    auto own = scratch.attributes.begin();
    for (const ir::Attribute* a : scratch.entries) to.push_back(a != nullptr ? *a : std::move(*own++));
    scratch.attributes.clear();
    if (allRemembered && sharedLists_.size() < kMaxSharedLists) sharedLists_.emplace(scratch.entries, to);
  }

  // An AttributeProto of node `nodeIndex` of `graph`. Numbers, strings and
  // their lists are read into an ir::Attribute typed as the graph builder
  // types an AttributeProto; an attribute with a tensor, graph or type
  // field (or declared TENSOR, GRAPH or GRAPHS) is read again from its
  // start into an AttributeProto that the graph builder reads. The
  // attribute is appended to `attributes`; `position` is its place in the
  // node's list.
  template <typename Describe>
  bool readAttribute(SkimmedGraph& graph, size_t nodeIndex, std::vector<ir::Attribute>& attributes, size_t position,
                     uint64_t limit, int level, int depth, bool wantValues, const Describe& describeNode) {
    using Proto = ::onnx::AttributeProto;
    const uint64_t start = src_.pos();
    std::string name;
    int type = Proto::UNDEFINED;
    std::optional<float> f;
    std::optional<int64_t> i;
    std::optional<std::string> s;
    std::vector<double> floats;
    // ONNX's proto2 schema writes ints unpacked, one field each: they are
    // gathered in this level's scratch list, then copied at their size.
    std::vector<int64_t>& ints = levelScratch_[static_cast<size_t>(level)].ints;
    ints.clear();
    std::vector<std::string> strings;
    bool needsProto = false;
    const bool ok = walk(nullptr, knownFieldsOf<Proto>(), limit, level, [&](const Field& field) {
      switch (field.number) {
        case 1:
          return field.wireType == kLengthDelimited ? readString(field, name) : Action::kSkip;
        case 2:
          if (field.wireType != kFixed32) return Action::kSkip;
          return readFloat(limit, f.emplace()) ? Action::kConsumed : Action::kFail;
        case 3: {
          if (field.wireType != kVarint) return Action::kSkip;
          uint64_t raw = 0;
          if (!readVarint(limit, raw)) return Action::kFail;
          i = static_cast<int64_t>(raw);
          return Action::kConsumed;
        }
        case 4:
          return field.wireType == kLengthDelimited ? readString(field, s.emplace()) : Action::kSkip;
        case 7:
          return readFloats(field, limit, floats);
        case 8:
          return readInts(field, limit, ints);
        case 9:
          return field.wireType == kLengthDelimited ? readString(field, strings.emplace_back()) : Action::kSkip;
        case 20: {
          if (field.wireType != kVarint) return Action::kSkip;
          uint64_t raw = 0;
          if (!readVarint(limit, raw)) return Action::kFail;
          // An enum value the schema does not know is an unknown field.
          if (Proto::AttributeType_IsValid(static_cast<int>(raw))) type = static_cast<int>(raw);
          return Action::kConsumed;
        }
        case 5:   // t
        case 6:   // g
        case 10:  // tensors
        case 11:  // graphs
        case 14:  // tp
        case 15:  // type_protos
        case 22:  // sparse_tensor
        case 23:  // sparse_tensors
          if (field.wireType != kLengthDelimited) return Action::kSkip;
          needsProto = true;
          return Action::kFail;  // stops the walk; read again below
        default:
          return Action::kSkip;
      }
    });
    if (!ok && !needsProto) return false;
    // The type as the graph builder's attributeType() finds it.
    if (type == Proto::UNDEFINED) {
      if (f) {
        type = Proto::FLOAT;
      } else if (i) {
        type = Proto::INT;
      } else if (s) {
        type = Proto::STRING;
      } else if (!floats.empty()) {
        type = Proto::FLOATS;
      } else if (!ints.empty()) {
        type = Proto::INTS;
      } else if (!strings.empty()) {
        type = Proto::STRINGS;
      }
    }
    if (needsProto || type == Proto::TENSOR || type == Proto::GRAPH || type == Proto::GRAPHS) {
      src_.skipTo(start);
      Proto& proto = *nodes_->attributes.emplace_back(std::make_unique<Proto>());
      if (!skimAttribute(proto, limit, level, depth, wantValues, describeNode)) return false;
      graph.protoAttributes.push_back({nodeIndex, position, &proto});
      attributes.emplace_back();
      return true;
    }
    ir::Attribute& attribute = attributes.emplace_back();
    attribute.name = std::move(name);
    using Type = ir::Attribute::Type;
    switch (type) {
      case Proto::FLOAT:
        attribute.type = Type::kFloat;
        attribute.f = f.value_or(0.0F);
        break;
      case Proto::INT:
        attribute.type = Type::kInt;
        attribute.i = i.value_or(0);
        break;
      case Proto::STRING:
        attribute.type = Type::kString;
        attribute.mutableS() = std::move(s).value_or(std::string());
        break;
      case Proto::FLOATS:
        attribute.type = Type::kFloats;
        attribute.mutableFloats() = std::move(floats);
        break;
      case Proto::INTS:
        attribute.type = Type::kInts;
        attribute.ints.assign(ints.begin(), ints.end());
        break;
      case Proto::STRINGS:
        attribute.type = Type::kStrings;
        attribute.mutableStrings() = std::move(strings);
        break;
      default:  // sparse tensors, type protos, tensor lists
        attribute.type = Type::kOther;
        break;
    }
    return true;
  }

  // The fields of the NodeProto bytes from `p` to `end` that the IR reads
  // (inputs 1, outputs 2, name 3, op_type 4, attributes 5, domain 7, each
  // length-delimited), in order, when every field is plain: a tag of at
  // most two bytes with a valid number and wire type (no groups), a length
  // of at most two bytes within the node, a varint of at most ten. Such a
  // node reads as the general walk reads it, which skips the other fields;
  // false sends anything else to that walk.
  static bool scanPlainNode(const uint8_t* p, const uint8_t* end, std::vector<PlainField>& fields) {
    fields.clear();
    const uint8_t* const first = p;
    auto shortVarint = [&](uint64_t& out) {  // at most two bytes
      if (p == end) return false;
      out = *p++;
      if (out < 0x80) return true;
      if (p == end || *p >= 0x80) return false;
      out = (out & 0x7f) | static_cast<uint64_t>(*p++) << 7;
      return true;
    };
    while (p < end) {
      uint64_t tag = 0;
      if (!shortVarint(tag)) return false;
      const auto number = static_cast<uint32_t>(tag >> 3);
      const auto wireType = static_cast<uint32_t>(tag & 7);
      if (number == 0) return false;
      switch (wireType) {
        case kLengthDelimited: {
          uint64_t size = 0;
          if (!shortVarint(size) || size > static_cast<uint64_t>(end - p)) return false;
          if ((number >= 1 && number <= 5) || number == 7)
            fields.push_back({number, static_cast<uint64_t>(p - first), size});
          p += size;
          break;
        }
        case kVarint: {
          int i = 0;
          while (i < 10 && p < end && *p >= 0x80) ++p, ++i;
          if (i == 10 || p == end) return false;
          ++p;
          break;
        }
        case kFixed64:
        case kFixed32: {
          const uint64_t size = wireType == kFixed64 ? 8 : 4;
          if (size > static_cast<uint64_t>(end - p)) return false;
          p += size;
          break;
        }
        default:
          return false;
      }
    }
    return true;
  }

  // The payload of a length-delimited field, replacing `out`.
  Action readString(const Field& f, std::string& out) {
    return readBytes(f.end, out) ? Action::kConsumed : Action::kFail;
  }

  // The bytes from pos() to `end`, replacing `out`.
  bool readBytes(uint64_t end, std::string& out) {
    if (const uint8_t* bytes = src_.bufferedTo(end)) {
      const uint64_t count = end - src_.pos();
      out = std::string(reinterpret_cast<const char*>(bytes), count);
      src_.advance(count);
      return true;
    }
    out.clear();
    return src_.append(end - src_.pos(), out);
  }

  // The bytes from pos() to `end`, appended to `list` (built in place when
  // buffered).
  bool appendBytes(uint64_t end, std::vector<std::string>& list) {
    if (const uint8_t* bytes = src_.bufferedTo(end)) {
      const uint64_t count = end - src_.pos();
      list.emplace_back(reinterpret_cast<const char*>(bytes), count);
      src_.advance(count);
      return true;
    }
    return readBytes(end, list.emplace_back());
  }

  bool readFloat(uint64_t limit, float& out) {
    if (limit - src_.pos() < 4) return false;
    uint32_t bits = 0;
    for (int k = 0; k < 4; ++k) {
      uint8_t byte = 0;
      if (!src_.next(byte)) return false;
      bits |= static_cast<uint32_t>(byte) << (8 * k);
    }
    std::memcpy(&out, &bits, sizeof out);
    return true;
  }

  // A repeated float: one fixed32, or packed (a whole number of them).
  Action readFloats(const Field& f, uint64_t limit, std::vector<double>& out) {
    float value = 0;
    if (f.wireType == kFixed32) {
      if (!readFloat(limit, value)) return Action::kFail;
      out.push_back(value);
      return Action::kConsumed;
    }
    if (f.wireType != kLengthDelimited) return Action::kSkip;
    if ((f.end - src_.pos()) % 4 != 0) return Action::kFail;
    while (src_.pos() < f.end) {
      if (!readFloat(f.end, value)) return Action::kFail;
      out.push_back(value);
    }
    return Action::kConsumed;
  }

  // A repeated int64: one varint, or packed (varints filling the payload).
  Action readInts(const Field& f, uint64_t limit, std::vector<int64_t>& out) {
    uint64_t raw = 0;
    if (f.wireType == kVarint) {
      if (!readVarint(limit, raw)) return Action::kFail;
      out.push_back(static_cast<int64_t>(raw));
      return Action::kConsumed;
    }
    if (f.wireType != kLengthDelimited) return Action::kSkip;
    // When the whole payload is buffered, reserve its count (a byte below
    // 0x80 ends a varint).
    if (const uint8_t* bytes = src_.bufferedTo(f.end)) {
      const auto ends = std::count_if(bytes, bytes + (f.end - src_.pos()), [](uint8_t b) { return b < 0x80; });
      out.reserve(out.size() + static_cast<size_t>(ends));
    }
    while (src_.pos() < f.end) {
      if (!readVarint(f.end, raw)) return Action::kFail;
      out.push_back(static_cast<int64_t>(raw));
    }
    return Action::kConsumed;
  }

  template <typename Describe>
  bool skimAttribute(::onnx::AttributeProto& attribute, uint64_t limit, int level, int depth, bool wantValues,
                     const Describe& describeNode) {
    auto subgraph = [&](::onnx::GraphProto& graph, uint64_t end) {
      if (depth + 1 > kMaxSubgraphDepth) {
        failure_ = fmt::format("subgraphs nested deeper than {} levels at {}", kMaxSubgraphDepth, describeNode());
        return false;
      }
      return skimGraph(graph, end, level + 1, depth + 1, wantValues);
    };
    return walk(&attribute, knownFieldsOf<::onnx::AttributeProto>(), limit, level, [&](const Field& f) {
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

  bool skimFunction(::onnx::FunctionProto& function, uint64_t limit, int level) {
    int nodeIndex = 0;
    return walk(&function, knownFieldsOf<::onnx::FunctionProto>(), limit, level, [&](const Field& f) {
      if (f.wireType != kLengthDelimited || f.number != 7) return Action::kMerge;
      return consumed(skimNode(*function.add_node(), f.end, level + 1, 0, false, nodeIndex++));
    });
  }

  bool skimTrainingInfo(::onnx::TrainingInfoProto& info, uint64_t limit, int level) {
    return walk(&info, knownFieldsOf<::onnx::TrainingInfoProto>(), limit, level, [&](const Field& f) {
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

  bool skimSparseTensor(::onnx::SparseTensorProto& sparse, uint64_t limit, int level) {
    return walk(&sparse, knownFieldsOf<::onnx::SparseTensorProto>(), limit, level, [&](const Field& f) {
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
  bool skimTensor(::onnx::TensorProto& tensor, uint64_t limit, int level, bool wantValues) {
    TensorSizing sizing;
    if (!wantValues) sizing.elide();
    auto onField = [&](const Field& f) {
      if (!isTensorPayload(f.number)) return Action::kMerge;
      // Unpacked elements and wrongly typed fields are a few bytes.
      const uint64_t bytes = f.wireType == kLengthDelimited ? f.end - src_.pos() : 16;
      if (sizing.keeps(bytes)) return Action::kMerge;
      sizing.elide();
      elided_.insert(&tensor);
      // protobuf rejects a packed float or double field of a partial element.
      if (f.wireType == kLengthDelimited && f.number == kTensorFloatData && bytes % 4 != 0) return Action::kFail;
      if (f.wireType == kLengthDelimited && f.number == kTensorDoubleData && bytes % 8 != 0) return Action::kFail;
      return Action::kSkip;
    };
    auto onMerged = [&](const Field& f, std::string_view payload) {
      size_t offset = 0;
      uint64_t value = 0;
      if (f.number == kTensorDims && f.wireType == kVarint && decodeVarint(payload, offset, value))
        sizing.addDim(value);
      if (f.number == kTensorDims && f.wireType == kLengthDelimited)
        while (offset < payload.size() && decodeVarint(payload, offset, value)) sizing.addDim(value);
      if (f.number == kTensorDataType && f.wireType == kVarint && decodeVarint(payload, offset, value))
        sizing.setType(value);
    };
    const bool ok = walk(&tensor, knownFieldsOf<::onnx::TensorProto>(), limit, level, onField, onMerged);
    if (!wantValues) elided_.insert(&tensor);
    return ok;
  }

  // Walks the fields of `message` up to `limit`, calling `onField` for the
  // fields its schema knows, and `onMerged` with the payload of those it
  // leaves to protobuf. Those are merged in one parse at the end: the walked
  // messages have no oneofs, so only the order within a field matters, and
  // that is kept. Groups and unknown fields are skipped: a full parse keeps
  // them as unknown fields, which nothing reads.
  template <typename OnField, typename OnMerged = IgnoreMerged>
  bool walk(pb::MessageLite* message, const KnownFields& known, uint64_t limit, int level, const OnField& onField,
            const OnMerged& onMerged = {}) {
    if (level > kProtobufRecursionLimit) return false;
    std::string& pending = scratch_[static_cast<size_t>(level)];
    pending.clear();
    while (src_.pos() < limit) {
      Field f;
      uint32_t tag = 0;
      if (!readTag(limit, tag, f)) return false;
      f.number = tag >> 3;
      f.wireType = tag & 7;
      if (f.number == 0 || f.wireType == kEndGroup || f.wireType > kFixed32) return false;
      if (f.wireType == kLengthDelimited) {
        uint64_t length = 0;
        if (!readLength(limit, length, &f)) return false;
        f.end = src_.pos() + length;
      }
      const Action action = known.contains(f.number) && f.wireType != kStartGroup ? onField(f) : Action::kSkip;
      switch (action) {
        case Action::kFail:
          return false;
        case Action::kConsumed:
          break;
        case Action::kSkip:
          if (!skipField(f, limit, level)) return false;
          break;
        case Action::kMerge: {
          pending.append(reinterpret_cast<const char*>(f.header), f.headerSize);
          const size_t payloadStart = pending.size();
          if (!copyField(f, limit, pending)) return false;
          onMerged(f, std::string_view(pending).substr(payloadStart));
          break;
        }
      }
      if (src_.pos() > limit) return false;
    }
    return merge(message, pending, level);
  }

  // Parses `bytes`, whole fields of `message`, into it with protobuf: the
  // same merge as a full parse, and the same recursion budget. A walk
  // without a message (whose handler reads every field itself) merges nothing.
  static bool merge(pb::MessageLite* message, const std::string& bytes, int level) {
    if (bytes.empty()) return true;
    if (message == nullptr || bytes.size() > kMaxLength) return false;
    pb::io::CodedInputStream input(reinterpret_cast<const uint8_t*>(bytes.data()), static_cast<int>(bytes.size()));
    input.SetRecursionLimit(kProtobufRecursionLimit - level);
    return message->MergePartialFromCodedStream(&input) && input.ConsumedEntireMessage();
  }

  // Appends the payload of a (non-group) field whose tag (and length) were read.
  bool copyField(const Field& f, uint64_t limit, std::string& out) {
    switch (f.wireType) {
      case kVarint:
        for (int i = 0; i < 10 && src_.pos() < limit; ++i) {
          uint8_t byte = 0;
          if (!src_.next(byte)) return false;
          out += static_cast<char>(byte);
          if (byte < 0x80) return true;
        }
        return false;
      case kFixed64:
        return limit - src_.pos() >= 8 && src_.append(8, out);
      case kFixed32:
        return limit - src_.pos() >= 4 && src_.append(4, out);
      case kLengthDelimited:
        return src_.append(f.end - src_.pos(), out);
      default:
        return false;
    }
  }

  // Moves past the field whose tag (and length) were read.
  bool skipField(const Field& f, uint64_t limit, int level) {
    switch (f.wireType) {
      case kVarint: {
        uint64_t ignored = 0;
        return readVarint(limit, ignored);
      }
      case kFixed64:
        return advance(limit, 8);
      case kFixed32:
        return advance(limit, 4);
      case kLengthDelimited:
        src_.skipTo(f.end);
        return true;
      case kStartGroup:
        return skipGroup(f.number, limit, level + 1);
      default:
        return false;
    }
  }

  // Skips a group's fields up to its end tag, as protobuf's parse of an
  // unknown group does.
  bool skipGroup(uint32_t number, uint64_t limit, int level) {
    if (level > kProtobufRecursionLimit) return false;
    while (src_.pos() < limit) {
      Field f;
      uint32_t tag = 0;
      if (!readTag(limit, tag, f)) return false;
      f.number = tag >> 3;
      f.wireType = tag & 7;
      if (f.wireType == kEndGroup) return f.number == number;
      if (f.number == 0 || f.wireType > kFixed32) return false;
      if (f.wireType == kLengthDelimited) {
        uint64_t length = 0;
        if (!readLength(limit, length, &f)) return false;
        f.end = src_.pos() + length;
      }
      if (!skipField(f, limit, level)) return false;
    }
    return false;  // no end tag
  }

  bool advance(uint64_t limit, uint64_t bytes) {
    if (limit - src_.pos() < bytes) return false;
    src_.skipTo(src_.pos() + bytes);
    return true;
  }

  // A tag as protobuf reads it: at most 5 bytes, kept modulo 2^32. The
  // common case, a one-byte tag (field numbers up to 15) already buffered,
  // is inlined; the rest is readTagSlow.
  [[gnu::always_inline]] bool readTag(uint64_t limit, uint32_t& tag, Field& f) {
    uint64_t count = 0;
    const uint8_t* bytes = src_.buffered(limit, count);
    if (count > 0 && bytes[0] < 0x80) [[likely]] {
      f.header[f.headerSize++] = bytes[0];
      tag = bytes[0];
      src_.advance(1);
      return true;
    }
    return readTagSlow(limit, tag, f);
  }

  [[gnu::noinline]] bool readTagSlow(uint64_t limit, uint32_t& tag, Field& f) {
    uint32_t value = 0;
    for (int i = 0; i < 5 && src_.pos() < limit; ++i) {
      uint8_t byte = 0;
      if (!src_.next(byte)) return false;
      f.header[f.headerSize++] = byte;
      value |= static_cast<uint32_t>(byte & 0x7f) << (7 * i);
      if (byte < 0x80) {
        tag = value;
        return true;
      }
    }
    return false;
  }

  // A varint: at most 10 bytes, kept modulo 2^64.
  bool readVarint(uint64_t limit, uint64_t& out) {
    // Fast path: the whole varint is buffered.
    uint64_t count = 0;
    const uint8_t* bytes = src_.buffered(limit, count);
    uint64_t fast = 0;
    for (uint64_t i = 0; i < 10 && i < count; ++i) {
      fast |= static_cast<uint64_t>(bytes[i] & 0x7f) << (7 * i);
      if (bytes[i] < 0x80) {
        out = fast;
        src_.advance(i + 1);
        return true;
      }
    }
    uint64_t value = 0;
    for (int i = 0; i < 10 && src_.pos() < limit; ++i) {
      uint8_t byte = 0;
      if (!src_.next(byte)) return false;
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
  // The common case, a one-byte length (below 128) already buffered, is
  // inlined; the rest is readLengthSlow.
  [[gnu::always_inline]] bool readLength(uint64_t limit, uint64_t& length, Field* f) {
    uint64_t count = 0;
    const uint8_t* bytes = src_.buffered(limit, count);
    if (count > 0 && bytes[0] < 0x80) [[likely]] {
      if (f != nullptr) f->header[f->headerSize++] = bytes[0];
      src_.advance(1);
      length = bytes[0];
      return length <= limit - src_.pos();
    }
    return readLengthSlow(limit, length, f);
  }

  [[gnu::noinline]] bool readLengthSlow(uint64_t limit, uint64_t& length, Field* f) {
    uint64_t value = 0;
    for (int i = 0; i < 5 && src_.pos() < limit; ++i) {
      uint8_t byte = 0;
      if (!src_.next(byte)) return false;
      if (f != nullptr) f->header[f->headerSize++] = byte;
      if (i == 4 && byte >= 8) return false;
      value |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
      if (byte < 0x80) {
        length = value;
        return value <= kMaxLength && value <= limit - src_.pos();
      }
    }
    return false;
  }

  Source& src_;
  ElidedTensors& elided_;
  SkimmedNodes* nodes_;  // graph nodes read into the IR; null: into the GraphProtos
  std::vector<std::string> scratch_;  // per nesting level: the fields left to protobuf
  std::vector<LevelScratch> levelScratch_;
  // Attributes read before, by their bytes (readNodeAttribute).
  struct BytesHash {
    using is_transparent = void;
    size_t operator()(std::string_view bytes) const { return std::hash<std::string_view>()(bytes); }
  };
  static constexpr uint64_t kMaxRememberedAttributeBytes = 256;
  static constexpr size_t kMaxRememberedAttributes = 4096;
  std::unordered_map<std::string, ir::Attribute, BytesHash, std::equal_to<>> rememberedAttributes_;
  // Lists of remembered attributes that nodes share (takeAttributes).
  struct EntriesHash {
    size_t operator()(const std::vector<const ir::Attribute*>& entries) const {
      size_t h = entries.size();
      for (const ir::Attribute* a : entries) h = h * 31 + std::hash<const ir::Attribute*>()(a);
      return h;
    }
  };
  static constexpr size_t kMaxSharedLists = 4096;
  std::unordered_map<std::vector<const ir::Attribute*>, ir::AttributeList, EntriesHash> sharedLists_;
  std::string failure_;
};

ParseOutcome skimSource(Source& source, std::string head, ::onnx::ModelProto& model, ElidedTensors& elided,
                        SkimmedNodes* nodes) {
  ParseOutcome outcome;
  outcome.head = std::move(head);
  if (source.size() == 0) return outcome;
  Skimmer skimmer(source, elided, nodes);
  outcome.parsed = skimmer.skimModel(model);
  if (!skimmer.failure().empty()) {
    outcome.failure = skimmer.failure();
    outcome.parsed = false;
  }
  if (source.error() != 0) {
    outcome.failure = "cannot read: " + std::error_code(source.error(), std::generic_category()).message();
    outcome.parsed = false;
  }
  return outcome;
}

}  // namespace

std::vector<int> skimmedFieldNumbers(std::string_view fullName) {
  const std::pair<std::string_view, std::vector<int> (*)()> messages[] = {
      {"onnx.ModelProto", fieldNumbersOf<::onnx::ModelProto>},
      {"onnx.GraphProto", fieldNumbersOf<::onnx::GraphProto>},
      {"onnx.NodeProto", fieldNumbersOf<::onnx::NodeProto>},
      {"onnx.AttributeProto", fieldNumbersOf<::onnx::AttributeProto>},
      {"onnx.TensorProto", fieldNumbersOf<::onnx::TensorProto>},
      {"onnx.SparseTensorProto", fieldNumbersOf<::onnx::SparseTensorProto>},
      {"onnx.FunctionProto", fieldNumbersOf<::onnx::FunctionProto>},
      {"onnx.TrainingInfoProto", fieldNumbersOf<::onnx::TrainingInfoProto>},
  };
  std::vector<int> numbers;
  for (const auto& [name, numbersOf] : messages)
    if (name == fullName) numbers = numbersOf();
  std::sort(numbers.begin(), numbers.end());
  return numbers;
}

bool skimKeepsValues(int32_t type, int64_t count) {
  if (ir::isFloatingType(type)) return count <= kMaxKeptRealElements;
  if (ir::isIntegerType(type)) return count <= ir::kMaxConstElements;
  return false;
}

ParseOutcome skimFile(const std::string& path, ::onnx::ModelProto& model, ElidedTensors& elided,
                      SkimmedNodes* nodes) {
  ParseOutcome outcome;
  struct stat info {};
  const int fd = openInput(path, outcome, info);
  if (fd < 0) return outcome;
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};

  if (S_ISREG(info.st_mode) && info.st_size > 0) {
    Source source(fd, static_cast<uint64_t>(info.st_size));
    std::string head;
    for (uint8_t byte = 0; head.size() < kHeadSize && source.next(byte);) head += static_cast<char>(byte);
    if (source.error() != 0) {
      outcome.failure = "cannot read: " + std::error_code(source.error(), std::generic_category()).message();
      return outcome;
    }
    source.skipTo(0);
    return skimSource(source, std::move(head), model, elided, nodes);
  }
  // Pipes, and files whose size is not known, are read whole.
  std::string bytes;
  if (int error = readAll(fd, bytes); error != 0) {
    outcome.failure = "cannot read: " + std::error_code(error, std::generic_category()).message();
    return outcome;
  }
  return skimBytes(bytes, model, elided, nodes);
}

ParseOutcome skimBytes(std::string_view bytes, ::onnx::ModelProto& model, ElidedTensors& elided,
                       SkimmedNodes* nodes) {
  Source source(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  return skimSource(source, std::string(bytes.substr(0, kHeadSize)), model, elided, nodes);
}

}  // namespace shapelint::onnx
