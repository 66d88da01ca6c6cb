// The skimming loader (WeightBytes::kSkip): the same IR and the same errors
// as protobuf's full parse, except that tensors whose payload it skips have
// no values; and the skipped bytes are never read.
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include "onnx/skim.h"
#include "shapelint/onnx/loader.h"

namespace shapelint::onnx {
namespace {

using ::testing::HasSubstr;

std::string readBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// --- a canonical text form of the IR, to compare two loads -----------------------------------

int64_t elementCount(const std::vector<int64_t>& dims) {
  int64_t count = 1;
  for (int64_t d : dims) count *= d;  // dims of loaded tensors are checked not to overflow
  return count;
}

std::string dumpData(const std::optional<ir::ConstData>& data, int32_t type, const std::vector<int64_t>* dims) {
  // Values the skimming loader does not keep are shown the same whether
  // the full parse kept them or not: that is the one allowed difference.
  if (dims != nullptr && !skimKeepsValues(type, elementCount(*dims))) return "not kept by skim";
  if (!data) return "none";
  if (data->symbolic) return "symbolic";
  if (data->isReal) return fmt::format("reals {}", data->reals);
  return fmt::format("ints {}", data->ints);
}

void dumpGraph(const ir::Graph& graph, std::string& out, int indent);

void dumpAttribute(const ir::Attribute& a, std::string& out, int indent) {
  out += fmt::format("{:{}}attr {} type {} i {} f {} s '{}' ints {} floats {} strings {}\n", "", indent, a.name,
                     static_cast<int>(a.type), a.i, a.f, a.s(), a.ints, a.floats(), a.strings());
  if (a.tensor())
    out += fmt::format("{:{}}  tensor {} {} ext {} data {}\n", "", indent, a.tensor()->elemType, a.tensor()->dims,
                       a.tensor()->external, dumpData(a.tensor()->data, a.tensor()->elemType, &a.tensor()->dims));
  for (const auto& g : a.graphs()) dumpGraph(*g, out, indent + 4);
}

void dumpGraph(const ir::Graph& graph, std::string& out, int indent) {
  out += fmt::format("{:{}}graph '{}' inputs {} outputs {} initializers {} topo {} outer {}\n", "", indent, graph.name,
                     graph.inputs, graph.outputs, graph.initializers, graph.topoOrder, graph.outerScopeNames);
  for (const ir::Value& v : graph.values) {
    std::vector<int64_t> dims;
    bool concrete = v.isInitializer && v.declared.rankKnown();
    for (size_t i = 0; concrete && i < v.declared.rank(); ++i)
      if (v.declared[i].isValue())
        dims.push_back(v.declared[i].value());
      else
        concrete = false;
    out +=
        fmt::format("{:{}}value '{}' kind {} type {} declared {} {} data {} producer {} in {} out {} init {} ext {}\n",
                    "", indent, v.name, static_cast<int>(v.kind), v.elemType, v.hasDeclared, v.declared.str(),
                    dumpData(v.data.toOptional(), v.elemType, concrete ? &dims : nullptr), v.producer, v.isGraphInput,
                    v.isGraphOutput, v.isInitializer, v.externalData);
  }
  for (const ir::Node& n : graph.nodes) {
    out += fmt::format("{:{}}node '{}' {} '{}' {} in {} out {}\n", "", indent, n.name, n.nameSynthesised, n.opType,
                       n.domain, n.inputs, n.outputs);
    for (const ir::Attribute& a : n.attributes) dumpAttribute(a, out, indent + 2);
  }
}

// The IR as text, or the LoadError.
std::string dump(const LoadResult& result) {
  if (const auto* error = std::get_if<LoadError>(&result)) return "error: " + error->message;
  const auto& model = std::get<ir::Model>(result);
  std::string out = fmt::format("model {} ir {} producer '{}' '{}' opsets {}\n", model.path, model.irVersion,
                                model.producerName, model.producerVersion, model.opsets);
  dumpGraph(model.graph, out, 0);
  return out;
}

std::string loadedFile(const std::string& path, WeightBytes weights) { return dump(loadModel(path, weights)); }

std::string loadedBytes(const std::string& bytes, WeightBytes weights) {
  return dump(loadModelFromBytes(bytes, "bytes.onnx", weights));
}

// --- ground truth: every committed model and the backend test models -------------------------

std::vector<std::string> modelFiles() {
  std::vector<std::string> files;
  for (const char* root : {SHAPELINT_SOURCE_DIR "/tests/models", SHAPELINT_TESTDATA_DIR})
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root))
      if (entry.path().extension() == ".onnx") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

// The skimmer's lists of known field numbers are written out (building the
// descriptors costs a millisecond per run); they must be the schema's. The
// classes linked in are generated for the lite runtime, without
// descriptors: the schema is read from the FileDescriptorSet protoc wrote
// for onnx-ml.proto at configure time.
TEST(Skim, KnownFieldNumbersAreTheSchemas) {
  google::protobuf::FileDescriptorSet set;
  ASSERT_TRUE(set.ParseFromString(readBytes(SHAPELINT_ONNX_ML_DESCRIPTOR_SET))) << SHAPELINT_ONNX_ML_DESCRIPTOR_SET;
  ASSERT_EQ(set.file_size(), 1);
  google::protobuf::DescriptorPool pool;
  const google::protobuf::FileDescriptor* file = pool.BuildFile(set.file(0));
  ASSERT_NE(file, nullptr);
  for (const char* name : {"ModelProto", "GraphProto", "NodeProto", "AttributeProto", "TensorProto",
                           "SparseTensorProto", "FunctionProto", "TrainingInfoProto"}) {
    const google::protobuf::Descriptor* d = file->FindMessageTypeByName(name);
    ASSERT_NE(d, nullptr) << name;
    std::vector<int> schema;
    for (int i = 0; i < d->field_count(); ++i) schema.push_back(d->field(i)->number());
    std::sort(schema.begin(), schema.end());
    EXPECT_EQ(skimmedFieldNumbers(d->full_name()), schema) << d->full_name();
  }
  EXPECT_TRUE(skimmedFieldNumbers("onnx.ValueInfoProto").empty());
}

TEST(Skim, SameIrAsFullParseForEveryModel) {
  size_t compared = 0;
  size_t loaded = 0;
  for (const std::string& file : modelFiles()) {
    const std::string full = loadedFile(file, WeightBytes::kParse);
    ASSERT_EQ(loadedFile(file, WeightBytes::kSkip), full) << file;
    ++compared;
    if (!full.starts_with("error:")) ++loaded;
  }
  EXPECT_GT(compared, 1200u);
  EXPECT_GT(loaded, 1100u);
}

TEST(Skim, SameErrorsAsFullParseFromBytes) {
  for (const std::string& file : modelFiles()) {
    if (file.find("/tests/models/") == std::string::npos) continue;
    const std::string bytes = readBytes(file);
    ASSERT_EQ(loadedBytes(bytes, WeightBytes::kSkip), loadedBytes(bytes, WeightBytes::kParse)) << file;
  }
}

// --- a model built here, with payloads of every kind --------------------------------------

void addFloatRaw(::onnx::GraphProto& graph, const std::string& name, std::vector<int64_t> dims, char fill) {
  ::onnx::TensorProto& t = *graph.add_initializer();
  t.set_name(name);
  t.set_data_type(::onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t.add_dims(d);
  t.set_raw_data(std::string(static_cast<size_t>(elementCount(dims)) * 4, fill));
}

// Conv(x, w, b) -> Reshape(shape) -> Add(big typed floats) -> Add(Constant)
// with big raw, packed float, packed int64 and string payloads, and small
// integer and float tensors whose values the shape pass needs.
::onnx::ModelProto payloadModel() {
  ::onnx::ModelProto model;
  model.set_ir_version(8);
  model.set_producer_name("skim_test");
  model.add_opset_import()->set_version(17);
  ::onnx::GraphProto& graph = *model.mutable_graph();
  graph.set_name("payloads");
  auto input = [](::onnx::ValueInfoProto& info, const std::string& name, std::vector<int64_t> dims) {
    info.set_name(name);
    auto& tensor = *info.mutable_type()->mutable_tensor_type();
    tensor.set_elem_type(::onnx::TensorProto::FLOAT);
    for (int64_t d : dims) tensor.mutable_shape()->add_dim()->set_dim_value(d);
  };
  input(*graph.add_input(), "x", {1, 64, 8, 8});
  graph.add_output()->set_name("out");

  addFloatRaw(graph, "w", {64, 64, 3, 3}, '\xa1');        // 147456 bytes of raw_data
  addFloatRaw(graph, "b", {64}, '\x00');                  // 256 bytes, but 64 floats: kept
  addFloatRaw(graph, "b_big", {65}, '\x00');              // 65 floats: skipped
  ::onnx::TensorProto& shape = *graph.add_initializer();  // small int64: kept
  shape.set_name("shape");
  shape.set_data_type(::onnx::TensorProto::INT64);
  shape.add_dims(2);
  shape.add_int64_data(1);
  shape.add_int64_data(-1);
  ::onnx::TensorProto& typed = *graph.add_initializer();  // packed float_data: skipped
  typed.set_name("typed");
  typed.set_data_type(::onnx::TensorProto::FLOAT);
  typed.add_dims(8192);
  float pattern = 0;
  const uint32_t bits = 0xa2a2a2a2;
  std::memcpy(&pattern, &bits, 4);
  for (int i = 0; i < 8192; ++i) typed.add_float_data(pattern);
  ::onnx::TensorProto& ids = *graph.add_initializer();  // packed int64_data of 0x7f bytes: skipped
  ids.set_name("ids");
  ids.set_data_type(::onnx::TensorProto::INT64);
  ids.add_dims(20000);
  for (int i = 0; i < 20000; ++i) ids.add_int64_data(0x7f);
  ::onnx::TensorProto& words = *graph.add_initializer();  // strings: skipped
  words.set_name("words");
  words.set_data_type(::onnx::TensorProto::STRING);
  words.add_dims(2);
  words.add_string_data(std::string(20000, '\xa3'));
  words.add_string_data("short");
  ::onnx::TensorProto& mid = *graph.add_initializer();  // 600 int32 values: kept
  mid.set_name("mid");
  mid.set_data_type(::onnx::TensorProto::INT32);
  mid.add_dims(600);
  for (int i = 0; i < 600; ++i) mid.add_int32_data(i);

  auto node = [&](const std::string& op, std::vector<std::string> inputs, const std::string& output) {
    ::onnx::NodeProto& n = *graph.add_node();
    n.set_op_type(op);
    n.set_name(output + "_node");
    for (const std::string& in : inputs) n.add_input(in);
    n.add_output(output);
    return &n;
  };
  node("Conv", {"x", "w", "b"}, "conv");
  node("Reshape", {"conv", "shape"}, "flat");
  ::onnx::NodeProto* constant = node("Constant", {}, "k");
  ::onnx::AttributeProto& value = *constant->add_attribute();
  value.set_name("value");
  value.set_type(::onnx::AttributeProto::TENSOR);
  value.mutable_t()->set_data_type(::onnx::TensorProto::FLOAT);
  value.mutable_t()->add_dims(4096);
  value.mutable_t()->set_raw_data(std::string(4096 * 4, '\xa4'));
  node("Add", {"flat", "k"}, "out");
  return model;
}

TEST(Skim, PayloadModelSameIrExceptSkippedValues) {
  const std::string bytes = payloadModel().SerializeAsString();
  const std::string full = loadedBytes(bytes, WeightBytes::kParse);
  ASSERT_THAT(full, HasSubstr("node 'out_node'"));
  EXPECT_EQ(loadedBytes(bytes, WeightBytes::kSkip), full);

  const auto skimmed = std::get<ir::Model>(loadModelFromBytes(bytes, "m.onnx", WeightBytes::kSkip));
  const auto parsed = std::get<ir::Model>(loadModelFromBytes(bytes, "m.onnx", WeightBytes::kParse));
  const ir::Graph& g = skimmed.graph;
  EXPECT_THAT(g.find("shape")->data->ints, ::testing::ElementsAre(1, -1));
  ASSERT_TRUE(g.find("b")->data.has_value());
  EXPECT_EQ(g.find("b")->data->reals, std::vector<double>(64, 0.0));
  ASSERT_TRUE(g.find("mid")->data.has_value());
  EXPECT_EQ(g.find("mid")->data->ints.size(), 600u);
  // 65 floats: the full parse keeps them (<= 1024 elements), skimming does not.
  EXPECT_TRUE(parsed.graph.find("b_big")->data.has_value());
  EXPECT_FALSE(g.find("b_big")->data.has_value());
  EXPECT_EQ(g.find("b_big")->declared, ir::Shape::ofValues({65}));
  EXPECT_EQ(g.find("w")->declared, ir::Shape::ofValues({64, 64, 3, 3}));
  EXPECT_FALSE(g.find("w")->data.has_value());
  EXPECT_FALSE(g.find("w")->externalData);
}

// The skimmed ModelProto is the full one without the skipped payloads.
TEST(Skim, ProtoEqualsFullParseWithoutSkippedPayloads) {
  ::onnx::ModelProto model = payloadModel();
  const std::string bytes = model.SerializeAsString();
  ::onnx::ModelProto skimmed;
  ElidedTensors elided;
  ParseOutcome outcome = skimBytes(bytes, skimmed, elided);
  ASSERT_TRUE(outcome.parsed);
  ASSERT_TRUE(outcome.failure.empty());

  std::vector<std::string> elidedNames;
  for (const ::onnx::TensorProto& t : skimmed.graph().initializer())
    if (elided.contains(&t)) elidedNames.push_back(t.name());
  EXPECT_THAT(elidedNames, ::testing::UnorderedElementsAre("w", "b_big", "typed", "ids", "words"));
  EXPECT_TRUE(elided.contains(&skimmed.graph().node(2).attribute(0).t()));

  for (::onnx::TensorProto& t : *model.mutable_graph()->mutable_initializer()) {
    if (std::find(elidedNames.begin(), elidedNames.end(), t.name()) == elidedNames.end()) continue;
    t.clear_raw_data();
    t.clear_float_data();
    t.clear_int64_data();
    t.clear_string_data();
  }
  model.mutable_graph()->mutable_node(2)->mutable_attribute(0)->mutable_t()->clear_raw_data();
  EXPECT_EQ(skimmed.SerializeAsString(), model.SerializeAsString());
}

// The model's bytes on pages of their own, with every page that lies inside
// a skipped payload made inaccessible: reading one kills the process.
class GuardedBytes {
 public:
  explicit GuardedBytes(const std::string& bytes) : size_(bytes.size()) {
    page_ = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    mapped_ = (size_ + page_ - 1) / page_ * page_;
    base_ = static_cast<char*>(::mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    std::memcpy(base_, bytes.data(), size_);
    // Each payload is a run of one fill byte; guard the whole pages inside.
    for (char fill : {'\xa1', '\xa2', '\x7f', '\xa3', '\xa4'}) {
      const std::string marker(1024, fill);
      const size_t start = bytes.find(marker);
      if (start == std::string::npos) continue;
      size_t end = start;
      while (end < size_ && bytes[end] == fill) ++end;
      const size_t first = (start + page_ - 1) / page_ * page_;
      const size_t last = end / page_ * page_;
      if (last > first) {
        ::mprotect(base_ + first, last - first, PROT_NONE);
        guarded_ += last - first;
      }
    }
  }
  ~GuardedBytes() { ::munmap(base_, mapped_); }
  GuardedBytes(const GuardedBytes&) = delete;
  GuardedBytes& operator=(const GuardedBytes&) = delete;

  std::string_view view() const { return {base_, size_}; }
  size_t guarded() const { return guarded_; }

 private:
  size_t size_;
  size_t page_ = 0;
  size_t mapped_ = 0;
  char* base_ = nullptr;
  size_t guarded_ = 0;
};

// How a process dies reading a PROT_NONE page: by SIGSEGV, or under
// AddressSanitizer by its SEGV handler, which reports the fault and exits 1.
#if defined(__SANITIZE_ADDRESS__)
const ::testing::ExitedWithCode kDiesOfTheFault(1);
constexpr const char* kFaultMessage = "SEGV on unknown address";
#else
const ::testing::KilledBySignal kDiesOfTheFault(SIGSEGV);
constexpr const char* kFaultMessage = "";
#endif

TEST(SkimDeathTest, SkippedPayloadBytesAreNeverRead) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const std::string bytes = payloadModel().SerializeAsString();
  GuardedBytes guarded(bytes);
  // w 144 KiB, typed 32 KiB, ids 19.5 KiB, words 19.5 KiB, k 16 KiB:
  // at least 180 KiB of whole pages.
  ASSERT_GT(guarded.guarded(), 180u * 1024);

  // The guard works: protobuf's full parse reads the payloads and dies
  // (under AddressSanitizer, its SEGV handler reports the fault and exits 1).
  EXPECT_EXIT(
      {
        ::onnx::ModelProto proto;
        std::exit(proto.ParseFromArray(guarded.view().data(), static_cast<int>(guarded.view().size())) ? 0 : 2);
      },
      kDiesOfTheFault, kFaultMessage);

  // Skimming never touches them, and finds what the full parse finds.
  EXPECT_EXIT(
      {
        ::onnx::ModelProto proto;
        ElidedTensors elided;
        ParseOutcome outcome = skimBytes(guarded.view(), proto, elided);
        std::exit(outcome.parsed && proto.graph().initializer_size() == 8 && proto.graph().node_size() == 4 &&
                          proto.graph().initializer(0).dims_size() == 4
                      ? 0
                      : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

// From a file (read with pread): the payload regions overwritten with 0xff
// make packed varints that protobuf rejects; skimming never reads them.
TEST(Skim, FileWithGarbagePayloadsLoadsLikeTheOriginal) {
  const std::string bytes = payloadModel().SerializeAsString();
  std::string garbage = bytes;
  for (char fill : {'\xa1', '\xa2', '\x7f', '\xa3', '\xa4'}) {
    size_t at = garbage.find(std::string(1024, fill));
    while (at < garbage.size() && garbage[at] == fill) garbage[at++] = '\xff';
  }
  ASSERT_NE(garbage, bytes);
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("shapelint_skim_" + std::to_string(::getpid()) + ".onnx");
  { std::ofstream(path, std::ios::binary) << garbage; }
  const std::string skimmed = dump(loadModel(path.string(), WeightBytes::kSkip));
  const std::string parsed = dump(loadModel(path.string(), WeightBytes::kParse));
  std::filesystem::remove(path);
  EXPECT_EQ(parsed, "error: " + path.string() + ": truncated or corrupt (protobuf parsing failed)");
  std::string expected = dump(loadModelFromBytes(bytes, path.string(), WeightBytes::kSkip));
  EXPECT_EQ(skimmed, expected);
  EXPECT_THAT(skimmed, HasSubstr("node 'out_node'"));
}

std::string varint(uint64_t value) {
  std::string out;
  for (; value >= 0x80; value >>= 7) out += static_cast<char>((value & 0x7f) | 0x80);
  return out + static_cast<char>(value);
}

// A 2.4 GB model, sparse on disk: two occurrences of the graph field (which
// protobuf merges), each with a 1.2 GB float initializer whose raw_data is a
// hole. Protobuf cannot parse it; skimming reads a few kilobytes.
TEST(Skim, StreamsFilesLargerThan2GiB) {
  constexpr uint64_t kPayload = 1'200'000'000;
  auto graphHead = [&](const std::string& name, bool withNode) {
    ::onnx::GraphProto graph;
    if (withNode) {
      ::onnx::NodeProto& node = *graph.add_node();
      node.set_op_type("Add");
      node.set_name("add");
      node.add_input("w1");
      node.add_input("w2");
      node.add_output("y");
      graph.add_output()->set_name("y");
    }
    ::onnx::TensorProto tensor;
    tensor.set_name(name);
    tensor.set_data_type(::onnx::TensorProto::FLOAT);
    tensor.add_dims(static_cast<int64_t>(kPayload / 4));
    const std::string tensorHead = tensor.SerializeAsString() + "\x4a" + varint(kPayload);
    const std::string head = graph.SerializeAsString() + "\x2a" + varint(tensorHead.size() + kPayload) + tensorHead;
    return "\x3a" + varint(head.size() + kPayload) + head;
  };
  ::onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(17);

  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("shapelint_skim_big_" + std::to_string(::getpid()) + ".onnx");
  {
    std::ofstream out(path, std::ios::binary);
    out << model.SerializeAsString() << graphHead("w1", true);
    out.seekp(static_cast<std::streamoff>(kPayload), std::ios::cur);
    out << graphHead("w2", false);
    out.seekp(static_cast<std::streamoff>(kPayload) - 1, std::ios::cur);
    out.put('\0');
    ASSERT_TRUE(out.good());
  }
  const uintmax_t size = std::filesystem::file_size(path);
  const LoadResult skimmed = loadModel(path.string(), WeightBytes::kSkip);
  const LoadResult parsed = loadModel(path.string(), WeightBytes::kParse);
  std::filesystem::remove(path);
  EXPECT_GT(size, uintmax_t{2} << 30);

  ASSERT_TRUE(std::holds_alternative<ir::Model>(skimmed)) << dump(skimmed);
  const ir::Graph& graph = std::get<ir::Model>(skimmed).graph;
  EXPECT_THAT(graph.initializers, ::testing::ElementsAre("w1", "w2"));
  EXPECT_EQ(graph.find("w2")->declared, ir::Shape::ofValues({300'000'000}));
  EXPECT_FALSE(graph.find("w2")->data.has_value());
  EXPECT_EQ(graph.nodes.size(), 1u);
  EXPECT_EQ(dump(parsed), "error: " + path.string() + ": larger than 2 GiB, the most protobuf can parse");
}

// --- invalid input: the same error as the full parse ----------------------------------------

TEST(Skim, EveryTruncationGivesTheFullParseError) {
  const std::string bytes = payloadModel().SerializeAsString();
  for (size_t size = 0; size < bytes.size(); size += (size < 2000 ? 1 : 997)) {
    const std::string cut = bytes.substr(0, size);
    ASSERT_EQ(loadedBytes(cut, WeightBytes::kSkip), loadedBytes(cut, WeightBytes::kParse)) << size;
  }
  const std::string ifModel = readBytes(SHAPELINT_SOURCE_DIR "/tests/models/loader/if_outer_scope.onnx");
  for (size_t size = 0; size < ifModel.size(); ++size) {
    const std::string cut = ifModel.substr(0, size);
    ASSERT_EQ(loadedBytes(cut, WeightBytes::kSkip), loadedBytes(cut, WeightBytes::kParse)) << size;
  }
}

// Random byte corruption: both loaders agree on the error, or on the IR.
TEST(Skim, CorruptedBytesGiveTheFullParseResult) {
  std::mt19937 random(20260601);
  std::vector<std::string> originals;
  for (const char* name : {"if_outer_scope", "constants", "external_data", "unnamed_nodes"})
    originals.push_back(readBytes(fmt::format("{}/tests/models/loader/{}.onnx", SHAPELINT_SOURCE_DIR, name)));
  originals.push_back(readBytes(SHAPELINT_TESTDATA_DIR "/node/test_loop11/model.onnx"));
  size_t trials = 0;
  size_t agreedLoads = 0;
  for (const std::string& original : originals) {
    ASSERT_FALSE(original.empty());
    std::uniform_int_distribution<size_t> position(0, original.size() - 1);
    std::uniform_int_distribution<int> byte(0, 255);
    for (int trial = 0; trial < 400; ++trial) {
      std::string bytes = original;
      for (int flips = 0; flips < 1 + trial % 3; ++flips) bytes[position(random)] = static_cast<char>(byte(random));
      const std::string full = loadedBytes(bytes, WeightBytes::kParse);
      ASSERT_EQ(loadedBytes(bytes, WeightBytes::kSkip), full) << "trial " << trial;
      ++trials;
      if (!full.starts_with("error:")) ++agreedLoads;
    }
  }
  EXPECT_GT(agreedLoads, trials / 10);  // the corruptions are not all fatal
}

TEST(Skim, RejectsWhatProtobufRejects) {
  const std::string valid = payloadModel().SerializeAsString();
  const std::vector<std::string> cases = {
      std::string("\x08\x08\x3a\x02\x0a", 5),                               // graph length past the end
      std::string("\x08\x08\x3a\x01\x00", 5),                               // a zero tag inside the graph
      std::string("\x08\x08\x3a\x01\x0c", 5),                               // end-group inside the graph
      std::string("\x08\x08\x3f\x00", 4),                                   // wire type 7
      std::string("\x08\x08\x0e\x00", 4),                                   // wire type 6 on field 1
      std::string("\x08\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", 12),  // an 11-byte varint
      std::string("\x3a\x80\x80\x80\x80\x08", 6),                           // a length of 2 GiB
      std::string("\x3a\x03\x2a\x01\x4a", 5),                               // raw_data crossing the tensor
      // a skipped packed float_data of 2 bytes, after dims [2000]
      std::string("\x08\x08\x3a\x09\x2a\x07\x08\xd0\x0f\x22\x02\x00\x00", 13),
      std::string("\x08\x08\x1b\x08\x01\x1c", 6),  // a valid group (field 3)
      std::string("\x1b\x08\x01\x2c", 4),          // a group ended by field 5
      std::string("\x1b\x08\x01", 3),              // a group never ended
      valid + std::string("\x00", 1),              // a trailing zero tag
  };
  for (const std::string& bytes : cases) {
    const std::string skimmed = loadedBytes(bytes, WeightBytes::kSkip);
    EXPECT_EQ(skimmed, loadedBytes(bytes, WeightBytes::kParse)) << fmt::format(
        "{::02x}", std::vector<uint8_t>(bytes.begin(), bytes.begin() + std::min<size_t>(bytes.size(), 12)));
  }
  EXPECT_THAT(loadedBytes(cases[0], WeightBytes::kSkip), HasSubstr("truncated or corrupt"));
}

// --- nodes read straight from the wire -----------------------------------------------------

std::string wireVarint(uint64_t value) {
  std::string out;
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
  return out;
}
std::string wireTag(uint32_t field, uint32_t wireType) { return wireVarint((field << 3) | wireType); }
std::string wireBytes(uint32_t field, const std::string& payload) {
  return wireTag(field, 2) + wireVarint(payload.size()) + payload;
}
std::string wireInt(uint32_t field, int64_t value) {
  return wireTag(field, 0) + wireVarint(static_cast<uint64_t>(value));
}
std::string wireFloatBits(float value) {
  uint32_t bits = 0;
  std::memcpy(&bits, &value, 4);
  std::string out;
  for (int k = 0; k < 4; ++k) out += static_cast<char>((bits >> (8 * k)) & 0xff);
  return out;
}
std::string wireFloat(uint32_t field, float value) { return wireTag(field, 5) + wireFloatBits(value); }

// A model whose one node, Identity(x) -> y, is `nodeFields` (a serialized
// NodeProto without input and output, which are added first).
std::string modelWithNode(const std::string& nodeFields) {
  ::onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(17);
  ::onnx::GraphProto graph;
  graph.set_name("g");
  auto& x = *graph.add_input();
  x.set_name("x");
  auto& tensor = *x.mutable_type()->mutable_tensor_type();
  tensor.set_elem_type(::onnx::TensorProto::FLOAT);
  tensor.mutable_shape()->add_dim()->set_dim_value(3);
  graph.add_output()->set_name("y");
  const std::string node = wireBytes(1, "x") + wireBytes(2, "y") + nodeFields;
  return model.SerializeAsString() + wireBytes(7, graph.SerializeAsString() + wireBytes(1, node));
}

std::string attribute(const std::string& fields) { return wireBytes(5, fields); }

// The skimming loader reads graph nodes itself (no NodeProto): every case
// of the wire format it handles must give the IR (or the error) of
// protobuf's full parse, and the cases carry values that show which
// occurrence of a field won.
TEST(Skim, NodesFromTheWireAsProtobufReadsThem) {
  const std::string name = wireBytes(1, "a");
  const std::string typeInt = wireInt(20, 2);
  struct Case {
    std::string label;
    std::string nodeFields;
    std::string expect;  // a line of the IR dump that must be there
  };
  const std::vector<Case> cases = {
      {"int, no type", wireBytes(4, "Identity") + attribute(name + wireInt(3, 5)), "attr a type 0 i 5 "},
      {"last int wins", wireBytes(4, "Identity") + attribute(name + typeInt + wireInt(3, 3) + wireInt(3, 7)),
       "attr a type 0 i 7 "},
      {"negative int", wireBytes(4, "Identity") + attribute(name + wireInt(3, -3)), "attr a type 0 i -3 "},
      {"unknown enum type", wireBytes(4, "Identity") + attribute(name + wireInt(20, 99) + wireFloat(2, 1.5F)),
       "attr a type 1 i 0 f 1.5 "},
      {"int keeps no floats",
       wireBytes(4, "Identity") +
           attribute(name + typeInt + wireBytes(7, wireFloatBits(1) + wireFloatBits(2)) + wireInt(3, 4)),
       "attr a type 0 i 4 f 0 s '' ints [] floats [] "},
      {"ints packed and not",
       wireBytes(4, "Identity") +
           attribute(name + wireInt(8, 1) + wireBytes(8, wireVarint(2) + wireVarint(300)) + wireInt(8, 4)),
       "ints [1, 2, 300, 4] "},
      {"floats packed and not",
       wireBytes(4, "Identity") + attribute(name + wireFloat(7, 0.5F) + wireBytes(7, wireFloatBits(2.25F))),
       "floats [0.5, 2.25] "},
      {"int of the wrong wire type", wireBytes(4, "Identity") + attribute(name + wireBytes(3, "zz") + wireInt(8, 9)),
       "attr a type 3 i 0 f 0 s '' ints [9] "},
      {"name of the wrong wire type, then a name",
       wireBytes(4, "Identity") + attribute(wireInt(1, 5) + wireBytes(1, "b") + wireInt(3, 1)), "attr b type 0 i 1 "},
      {"unknown fields and a group",
       wireBytes(4, "Identity") + attribute(name + wireInt(99, 1) + wireTag(50, 3) + wireInt(1, 2) + wireTag(50, 4) +
                                            wireBytes(9, "p") + wireBytes(9, "q")),
       "strings [\"p\", \"q\"]"},
      {"string", wireBytes(4, "Identity") + attribute(name + wireInt(20, 3) + wireBytes(4, "NOTSET")),
       "s 'NOTSET'"},
      {"declared tensor, no tensor", wireBytes(4, "Identity") + attribute(name + wireInt(20, 4)), "attr a type 6 "},
      {"declared graph, no graph", wireBytes(4, "Identity") + attribute(name + wireInt(20, 5)), "graph '' "},
      {"int before a tensor",
       wireBytes(4, "Identity") +
           attribute(name + wireInt(3, 1) + wireBytes(5, wireInt(1, 2) + wireInt(2, 7) + wireInt(7, 4) + wireInt(7, 5))),
       "attr a type 0 i 1 "},
      {"tensor", wireBytes(4, "Identity") +
                     attribute(name + wireInt(20, 4) + wireBytes(5, wireInt(1, 2) + wireInt(2, 7) + wireInt(7, 4) +
                                                                     wireInt(7, 5))),
       "tensor 7 [2] ext false data ints [4, 5]"},
      {"sparse tensor type", wireBytes(4, "Identity") + attribute(name + wireInt(20, 11)), "attr a type 9 "},
      {"node fields: last name wins, wrong wire type, ai.onnx, unknown field",
       wireBytes(3, "first") + wireInt(4, 1) + wireBytes(4, "Identity") + wireBytes(3, "second") +
           wireBytes(7, "ai.onnx") + wireInt(42, 1) + wireBytes(6, "doc"),
       "node 'second' false 'Identity'  in [\"x\"] out [\"y\"]"},
      // Nodes whose every field is short and plain are read in one pass
      // (scanPlainNode); any other node by the general walk. Both must read
      // as protobuf does.
      {"plain node: fixed fields, a non-canonical tag, a skipped doc string",
       wireBytes(4, "Identity") + wireTag(9, 5) + "abcd" + wireTag(9, 1) + "abcdefgh" + "\x9a" + std::string(1, '\0') +
           wireVarint(1) + "n" + wireBytes(6, "doc") + wireBytes(2, "y2"),
       "node 'n' false 'Identity'  in [\"x\"] out [\"y\", \"y2\"]"},
      {"walked node: a group", wireBytes(4, "Identity") + wireTag(50, 3) + wireInt(1, 2) + wireTag(50, 4) +
                                   wireBytes(3, "g") + wireBytes(2, "y2"),
       "node 'g' false 'Identity'  in [\"x\"] out [\"y\", \"y2\"]"},
      {"walked node: a three-byte tag", wireBytes(4, "Identity") + wireInt(3000, 1) + wireBytes(3, "t"),
       "node 't' false 'Identity'"},
      {"walked node: a name of 20000 bytes", wireBytes(4, "Identity") + wireBytes(3, std::string(20000, 'a')),
       "node 'aaaaaaaa"},
      {"attributes in order", wireBytes(4, "Identity") + attribute(name + wireInt(3, 1)) +
                                  attribute(wireBytes(1, "t") + wireInt(20, 4) + wireBytes(5, wireInt(2, 1))) +
                                  attribute(wireBytes(1, "c") + wireInt(3, 3)),
       "attr c type 0 i 3 "},
  };
  for (const Case& c : cases) {
    const std::string bytes = modelWithNode(c.nodeFields);
    const std::string full = loadedBytes(bytes, WeightBytes::kParse);
    EXPECT_EQ(loadedBytes(bytes, WeightBytes::kSkip), full) << c.label;
    EXPECT_THAT(full, HasSubstr(c.expect)) << c.label;
  }

  // What protobuf rejects in a node, skimming rejects too.
  const std::vector<std::pair<std::string, std::string>> invalid = {
      {"packed floats of 3 bytes", attribute(name + wireBytes(7, "abc"))},
      {"packed ints ending inside a varint", attribute(name + wireBytes(8, "\x01\x80"))},
      {"an 11-byte int", attribute(name + wireTag(3, 0) + std::string(10, '\x80') + "\x01")},
      {"a float cut short", attribute(name + wireTag(2, 5) + "ab")},
      {"an attribute past the node", wireTag(5, 2) + wireVarint(50) + name},
      {"an 11-byte varint in the node", wireTag(9, 0) + std::string(10, '\x80') + "\x01"},
      {"a varint cut short at the node's end", wireTag(9, 0) + "\x80"},
      {"field number 0 in the node", wireTag(0, 0) + wireVarint(1)},
      {"an end-group tag in the node", wireTag(9, 4)},
      {"a fixed64 cut short", wireTag(9, 1) + "abc"},
  };
  for (const auto& [label, fields] : invalid) {
    const std::string bytes = modelWithNode(wireBytes(4, "Identity") + fields);
    const std::string full = loadedBytes(bytes, WeightBytes::kParse);
    EXPECT_THAT(full, HasSubstr("error:")) << label;
    EXPECT_EQ(loadedBytes(bytes, WeightBytes::kSkip), full) << label;
  }
}

// Nodes with equal attribute lists share one list (ir::AttributeList);
// lists that differ in any value, or hold a subgraph, are their own; and
// changing a shared list changes only the node written.
TEST(Skim, EqualAttributeListsAreSharedBetweenNodes) {
  ::onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(17);
  ::onnx::GraphProto& graph = *model.mutable_graph();
  graph.set_name("g");
  auto& x = *graph.add_input();
  x.set_name("x");
  auto& tensor = *x.mutable_type()->mutable_tensor_type();
  tensor.set_elem_type(::onnx::TensorProto::FLOAT);
  tensor.mutable_shape()->add_dim()->set_dim_value(3);
  auto addNode = [&](const std::string& op, const std::string& in, const std::string& out) {
    ::onnx::NodeProto& node = *graph.add_node();
    node.set_op_type(op);
    node.add_input(in);
    node.add_output(out);
    return &node;
  };
  auto addInts = [](::onnx::NodeProto* node, const std::string& name, std::vector<int64_t> ints) {
    ::onnx::AttributeProto& a = *node->add_attribute();
    a.set_name(name);
    a.set_type(::onnx::AttributeProto::INTS);
    for (int64_t v : ints) a.add_ints(v);
  };
  auto addFloat = [](::onnx::NodeProto* node, const std::string& name, float f) {
    ::onnx::AttributeProto& a = *node->add_attribute();
    a.set_name(name);
    a.set_type(::onnx::AttributeProto::FLOAT);
    a.set_f(f);
  };
  for (const char* out : {"a", "b"}) addInts(addNode("Foo", "x", out), "perm", {0, 1, 2});
  addInts(addNode("Foo", "x", "c"), "perm", {0, 2, 1});
  addFloat(addNode("Bar", "x", "d"), "alpha", 0.0F);
  addFloat(addNode("Bar", "x", "e"), "alpha", -0.0F);
  addFloat(addNode("Bar", "x", "f"), "alpha", 0.0F);
  ::onnx::GraphProto branch;
  branch.set_name("branch");
  branch.add_output()->set_name("x");
  for (const char* out : {"g", "h"}) {
    ::onnx::NodeProto* node = addNode("If", "x", out);
    for (const char* name : {"then_branch", "else_branch"}) {
      ::onnx::AttributeProto& a = *node->add_attribute();
      a.set_name(name);
      a.set_type(::onnx::AttributeProto::GRAPH);
      *a.mutable_g() = branch;
    }
  }
  graph.add_output()->set_name("a");

  const std::string bytes = model.SerializeAsString();
  // The same IR either way, as for every other model.
  ASSERT_EQ(loadedBytes(bytes, WeightBytes::kSkip), loadedBytes(bytes, WeightBytes::kParse));
  LoadResult result = loadModelFromBytes(bytes, "bytes.onnx", WeightBytes::kSkip);
  ASSERT_TRUE(std::holds_alternative<ir::Model>(result));
  std::vector<ir::Node>& nodes = std::get<ir::Model>(result).graph.nodes;
  ASSERT_EQ(nodes.size(), 8u);
  auto sameList = [&](size_t i, size_t j) { return nodes[i].attributes.begin() == nodes[j].attributes.begin(); };
  EXPECT_TRUE(sameList(0, 1));
  EXPECT_FALSE(sameList(0, 2));  // perm differs
  EXPECT_FALSE(sameList(3, 4));  // 0.0 and -0.0 are different attributes
  EXPECT_TRUE(sameList(3, 5));
  EXPECT_FALSE(sameList(6, 7));  // subgraphs are never shared: the pass writes into them
  EXPECT_NE(nodes[6].attributes[0].graphs()[0], nodes[7].attributes[0].graphs()[0]);

  nodes[1].attributes.mutableAt(0).ints = {2, 1, 0};
  EXPECT_EQ(nodes[0].attributes[0].ints, (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(nodes[1].attributes[0].ints, (std::vector<int64_t>{2, 1, 0}));
}

// --- subgraph nesting ----------------------------------------------------------------------

// A model whose If nodes nest `depth` levels of then-branches; the
// innermost branch passes the outer 'x' through.
std::string nestedIfs(int depth) {
  ::onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(17);
  ::onnx::GraphProto inner;
  inner.set_name("leaf");
  ::onnx::NodeProto& leaf = *inner.add_node();
  leaf.set_op_type("Identity");
  leaf.set_name("leaf");
  leaf.add_input("x");
  leaf.add_output(fmt::format("y{}", depth));
  inner.add_output()->set_name(fmt::format("y{}", depth));
  for (int level = depth - 1; level >= 0; --level) {
    ::onnx::GraphProto outer;
    outer.set_name(fmt::format("g{}", level));
    ::onnx::NodeProto& node = *outer.add_node();
    node.set_op_type("If");
    node.set_name(fmt::format("if{}", level));
    node.add_input("cond");
    node.add_output(fmt::format("y{}", level));
    ::onnx::AttributeProto& branch = *node.add_attribute();
    branch.set_name("then_branch");
    branch.set_type(::onnx::AttributeProto::GRAPH);
    *branch.mutable_g() = std::move(inner);
    outer.add_output()->set_name(fmt::format("y{}", level));
    inner = std::move(outer);
  }
  inner.add_input()->set_name("cond");
  inner.add_input()->set_name("x");
  *model.mutable_graph() = std::move(inner);
  return model.SerializeAsString();
}

TEST(Skim, SubgraphsNestedDeeperThanTheLimitAreAnError) {
  const std::string deepest = nestedIfs(64);  // if0 (main graph) .. if63 (level 63), leaf at level 64
  const std::string loaded = loadedBytes(deepest, WeightBytes::kSkip);
  EXPECT_THAT(loaded, HasSubstr("node 'leaf'"));
  EXPECT_EQ(loaded, loadedBytes(deepest, WeightBytes::kParse));

  EXPECT_EQ(loadedBytes(nestedIfs(65), WeightBytes::kSkip),
            "error: bytes.onnx: subgraphs nested deeper than 64 levels at node 'if64' (If)");
}

}  // namespace
}  // namespace shapelint::onnx
