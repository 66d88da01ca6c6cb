#include "shapelint/onnx/loader.h"

#include <new>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>

#include <google/protobuf/arena.h>
#include <onnx/onnx_pb.h>

#include "graph_builder.h"
#include "model_proto.h"
#include "proto_io.h"
#include "skim.h"
#include "tensor.h"

namespace shapelint::onnx {
namespace {

LoadError errorAt(const std::string& path, const std::string& reason) {
  return LoadError{path + ": " + reason};
}

// Why input that protobuf could not parse as a ModelProto is not a model.
std::string describeUnparsable(std::string_view head) {
  if (looksLikeText(head)) return "not an ONNX protobuf (it looks like a text file)";
  if (startsLikeModelProto(head)) return "truncated or corrupt (protobuf parsing failed)";
  return "not an ONNX protobuf";
}

ir::Model buildModel(const ::onnx::ModelProto& proto, const std::string& path) {
  ir::Model model;
  model.path = path;
  model.irVersion = proto.ir_version();
  model.producerName = proto.producer_name();
  model.producerVersion = proto.producer_version();
  for (const ::onnx::OperatorSetIdProto& opset : proto.opset_import()) {
    const std::string domain = opset.domain() == "ai.onnx" ? std::string() : opset.domain();
    model.opsets.emplace(domain, opset.version());  // the first import of a domain wins
  }
  return model;
}

// Checks a parse outcome and turns the parsed ModelProto into the IR.
// `elided`: the tensors whose payload was skipped.
// `skimmed`: the nodes the skimming loader read into IR form.
LoadResult toModel(const ParseOutcome& outcome, const ::onnx::ModelProto& proto, const std::string& path,
                   const ElidedTensors& elided = {}, SkimmedNodes* skimmed = nullptr) {
  if (std::optional<std::string> problem = whyNotAModel(outcome, proto)) return errorAt(path, *problem);

  ir::Model model = buildModel(proto, path);
  ElidedTensorsScope scope(elided);
  if (std::optional<std::string> problem = buildGraph(proto.graph(), model.graph, GraphLimits{}, skimmed))
    return errorAt(path, *problem);
  return LoadResult(std::move(model));
}

// A skimmed model is many small messages without their weights: an arena
// allocates them in large blocks and frees them at once.
google::protobuf::ArenaOptions skimArenaOptions() {
  google::protobuf::ArenaOptions options;
  options.start_block_size = 64 * 1024;
  options.max_block_size = 4 * 1024 * 1024;
  return options;
}

// Runs `load`, turning allocation failures on absurd input into a LoadError.
template <typename Load>
LoadResult guarded(const std::string& path, Load load) {
  try {
    return load();
  } catch (const std::bad_alloc&) {
    return errorAt(path, "too large to load (out of memory)");
  } catch (const std::length_error&) {
    return errorAt(path, "too large to load (out of memory)");
  }
}

}  // namespace

std::optional<std::string> whyNotAModel(const ParseOutcome& outcome, const ::onnx::ModelProto& proto) {
  if (!outcome.failure.empty()) return outcome.failure;
  if (outcome.head.empty()) return "empty file";
  if (isGitLfsPointer(outcome.head)) return "a Git LFS pointer, not the model; run `git lfs pull`";
  if (!outcome.parsed) return describeUnparsable(outcome.head);
  // Protobuf skips unknown fields, so many non-models parse; an ONNX model
  // has at least one of these.
  if (!proto.has_graph() && proto.opset_import_size() == 0 && proto.ir_version() == 0) {
    if (looksLikeText(outcome.head)) return "not an ONNX protobuf (it looks like a text file)";
    return "not an ONNX protobuf (it has no graph, no opset import and no IR version)";
  }
  if (!proto.has_graph()) return "no graph in the model";
  if (proto.opset_import_size() == 0) return "no opset import in the model";
  return std::nullopt;
}

LoadResult loadModel(const std::string& path, WeightBytes weights) {
  return guarded(path, [&] {
    if (weights == WeightBytes::kParse) {
      ::onnx::ModelProto proto;
      return toModel(parseFile(path, proto), proto, path);
    }
    google::protobuf::Arena arena(skimArenaOptions());
    auto& proto = *google::protobuf::Arena::CreateMessage<::onnx::ModelProto>(&arena);
    ElidedTensors elided;
    SkimmedNodes nodes;
    ParseOutcome outcome = skimFile(path, proto, elided, &nodes);
    return toModel(outcome, proto, path, elided, &nodes);
  });
}

LoadResult loadModelFromBytes(const std::string& bytes, const std::string& path, WeightBytes weights) {
  return guarded(path, [&] {
    if (weights == WeightBytes::kParse) {
      ::onnx::ModelProto proto;
      return toModel(parseBytes(bytes, proto), proto, path);
    }
    google::protobuf::Arena arena(skimArenaOptions());
    auto& proto = *google::protobuf::Arena::CreateMessage<::onnx::ModelProto>(&arena);
    ElidedTensors elided;
    SkimmedNodes nodes;
    ParseOutcome outcome = skimBytes(bytes, proto, elided, &nodes);
    return toModel(outcome, proto, path, elided, &nodes);
  });
}

std::optional<std::vector<int64_t>> readTensorDims(const std::string& path) {
  try {
    ::onnx::TensorProto proto;
    ParseOutcome outcome = parseFile(path, proto);
    if (!outcome.failure.empty() || !outcome.parsed) return std::nullopt;
    // Anything parses as an empty TensorProto; a tensor has a type.
    if (proto.data_type() == ir::kUndefined) return std::nullopt;
    return std::vector<int64_t>(proto.dims().begin(), proto.dims().end());
  } catch (const std::bad_alloc&) {
    return std::nullopt;
  }
}

}  // namespace shapelint::onnx
