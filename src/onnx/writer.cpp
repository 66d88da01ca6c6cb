#include "shapelint/onnx/writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <filesystem>
#include <functional>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <onnx/onnx_pb.h>

#include "atomic_file.h"
#include "model_proto.h"
#include "proto_io.h"

namespace shapelint::onnx {
namespace {

namespace fs = std::filesystem;
using Problem = std::optional<std::string>;

std::string errnoText(int error) {
  return std::error_code(error, std::generic_category()).message();
}

// A name as messages show it: control characters escaped, in single quotes.
std::string quotedName(std::string_view name) {
  std::string out = "'";
  for (char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    } else {
      out += c;
    }
  }
  return out + "'";
}

// ---------------------------------------------------------------------------
// Types: IR value -> TypeProto.

ir::Dim readDim(const ::onnx::TensorShapeProto::Dimension& dim) {
  if (dim.has_dim_value()) return ir::Dim::value(dim.dim_value());
  if (dim.has_dim_param() && !dim.dim_param().empty()) return ir::Dim::symbol(dim.dim_param());
  return ir::Dim::unknown();
}

ir::Shape readShape(const ::onnx::TensorShapeProto& shape) {
  std::vector<ir::Dim> dims;
  dims.reserve(static_cast<size_t>(shape.dim_size()));
  for (const auto& dim : shape.dim()) dims.push_back(readDim(dim));
  return ir::Shape(std::move(dims));
}

bool isUnknownDim(const ::onnx::TensorShapeProto::Dimension& dim) {
  return !dim.has_dim_value() && (!dim.has_dim_param() || dim.dim_param().empty());
}

// Integers as dim_value, symbols and expressions as dim_param ("(H + 3) // 4"),
// unknown as neither. A denotation the dim has is kept.
void writeDim(const ir::Dim& dim, ::onnx::TensorShapeProto::Dimension& out) {
  switch (dim.kind()) {
    case ir::Dim::Kind::kValue:
      if (dim.value() >= 0) {
        out.set_dim_value(dim.value());
      } else {
        out.clear_dim_value();
        out.clear_dim_param();
      }
      break;
    case ir::Dim::Kind::kSymbol:
    case ir::Dim::Kind::kExpr: out.set_dim_param(dim.str()); break;
    case ir::Dim::Kind::kUnknown:
      out.clear_dim_value();
      out.clear_dim_param();
      break;
  }
}

void writeShape(const ir::Shape& shape, ::onnx::TensorShapeProto& out) {
  out.clear_dim();
  for (const ir::Dim& dim : shape.dims()) writeDim(dim, *out.add_dim());
}

// Something to write: a known element type or a known rank.
bool knowsAnything(const ir::Value& value) {
  return value.kind == ir::ValueKind::kTensor && (value.elemType != ir::kUndefined || value.inferred.rankKnown());
}

enum class Fill { kUnchanged, kFilled, kKept };

// Fills what `type` leaves unknown from what the pass inferred for `value`:
// a missing element type, a missing shape, dims with neither field. A type
// the pass contradicts (another rank, a dim provably different) is kept.
Fill fillType(const ir::Value& value, ::onnx::TypeProto& type, ir::Shape& declared) {
  if (value.kind != ir::ValueKind::kTensor) return Fill::kUnchanged;
  // Sequences, maps, optionals and sparse tensors stay as the model has them.
  if (type.value_case() != ::onnx::TypeProto::kTensorType && type.value_case() != ::onnx::TypeProto::VALUE_NOT_SET)
    return Fill::kUnchanged;
  if (type.value_case() == ::onnx::TypeProto::VALUE_NOT_SET && !knowsAnything(value)) return Fill::kUnchanged;
  ::onnx::TypeProto::Tensor& tensor = *type.mutable_tensor_type();
  const ir::Shape& inferred = value.inferred;
  if (tensor.has_shape() && inferred.rankKnown()) {
    declared = readShape(tensor.shape());
    if (declared.rank() != inferred.rank()) return Fill::kKept;
    for (size_t i = 0; i < declared.rank(); ++i)
      if (ir::provablyNotEqual(declared[i], inferred[i])) return Fill::kKept;
  }
  bool changed = false;
  if (tensor.elem_type() == ir::kUndefined && value.elemType != ir::kUndefined) {
    tensor.set_elem_type(value.elemType);
    changed = true;
  }
  if (inferred.rankKnown()) {
    if (!tensor.has_shape()) {
      writeShape(inferred, *tensor.mutable_shape());
      changed = true;
    } else {
      for (int i = 0; i < tensor.shape().dim_size(); ++i) {
        ::onnx::TensorShapeProto::Dimension& dim = *tensor.mutable_shape()->mutable_dim(i);
        const ir::Dim& dimInferred = inferred[static_cast<size_t>(i)];
        if (!isUnknownDim(dim) || dimInferred.isUnknown()) continue;
        if (dimInferred.isValue() && dimInferred.value() < 0) continue;
        writeDim(dimInferred, dim);
        changed = true;
      }
    }
  }
  return changed ? Fill::kFilled : Fill::kUnchanged;
}

// Ops whose outputs may be sequences, optionals or maps: a value_info is
// written for them only when the pass knows a rank (which only tensors have).
bool mayYieldNonTensor(const ::onnx::NodeProto& node) {
  if (!node.domain().empty() && node.domain() != "ai.onnx") return true;
  const std::string& op = node.op_type();
  return op == "If" || op == "Loop" || op.starts_with("Sequence") || op == "SplitToSequence" ||
         op.starts_with("Optional");
}

// ---------------------------------------------------------------------------
// Walking the proto and the IR together.

class Annotator {
 public:
  Annotator(const WriteOptions& options, WriteSummary& summary) : options_(options), summary_(summary) {}

  // `graph` is what buildGraph made of `proto`: the same nodes in the same
  // order, the same attributes, subgraphs in attribute order.
  Problem annotate(::onnx::GraphProto& proto, const ir::Graph& graph, bool topLevel) {
    if (static_cast<size_t>(proto.node_size()) != graph.nodes.size()) return changedOnDisk();
    if (topLevel) setInputShapes(proto, graph);

    std::unordered_map<std::string, std::vector<int>> valueInfos;
    for (int i = 0; i < proto.value_info_size(); ++i) valueInfos[proto.value_info(i).name()].push_back(i);

    for (int n = 0; n < proto.node_size(); ++n) {
      ::onnx::NodeProto& node = *proto.mutable_node(n);
      const ir::Node& irNode = graph.nodes[static_cast<size_t>(n)];
      if (node.op_type() != irNode.opType || static_cast<size_t>(node.output_size()) != irNode.outputs.size() ||
          static_cast<size_t>(node.attribute_size()) != irNode.attributes.size())
        return changedOnDisk();
      if (Problem problem = annotateSubgraphs(node, irNode)) return problem;
      for (const std::string& output : node.output()) {
        const ir::Value* value = output.empty() ? nullptr : graph.find(output);
        if (value == nullptr || value->isGraphOutput) continue;
        auto existing = valueInfos.find(output);
        if (existing != valueInfos.end()) {
          for (int index : existing->second)
            fill(*value, *proto.mutable_value_info(index)->mutable_type(), false, topLevel);
          continue;
        }
        if (!knowsAnything(*value) || (!value->inferred.rankKnown() && mayYieldNonTensor(node))) continue;
        ::onnx::ValueInfoProto& info = *proto.add_value_info();
        info.set_name(output);
        ir::Shape unused;
        fillType(*value, *info.mutable_type(), unused);
        valueInfos[output].push_back(proto.value_info_size() - 1);
        ++summary_.valueInfosAdded;
      }
    }
    for (::onnx::ValueInfoProto& output : *proto.mutable_output()) {
      const ir::Value* value = graph.find(output.name());
      if (value != nullptr) fill(*value, *output.mutable_type(), true, topLevel);
    }
    return std::nullopt;
  }

 private:
  Problem annotateSubgraphs(::onnx::NodeProto& node, const ir::Node& irNode) {
    for (int a = 0; a < node.attribute_size(); ++a) {
      ::onnx::AttributeProto& attribute = *node.mutable_attribute(a);
      const ir::Attribute& irAttribute = irNode.attributes[static_cast<size_t>(a)];
      if (attribute.name() != irAttribute.name) return changedOnDisk();
      if (irAttribute.type == ir::Attribute::Type::kGraph) {
        if (irAttribute.graphs().size() != 1 || !irAttribute.graphs()[0]) return changedOnDisk();
        if (Problem problem = annotate(*attribute.mutable_g(), *irAttribute.graphs()[0], false)) return problem;
      } else if (irAttribute.type == ir::Attribute::Type::kGraphs) {
        if (static_cast<size_t>(attribute.graphs_size()) != irAttribute.graphs().size()) return changedOnDisk();
        for (int g = 0; g < attribute.graphs_size(); ++g) {
          const auto& subgraph = irAttribute.graphs()[static_cast<size_t>(g)];
          if (!subgraph) return changedOnDisk();
          if (Problem problem = annotate(*attribute.mutable_graphs(g), *subgraph, false)) return problem;
        }
      }
    }
    return std::nullopt;
  }

  void setInputShapes(::onnx::GraphProto& proto, const ir::Graph& graph) {
    for (::onnx::ValueInfoProto& input : *proto.mutable_input()) {
      auto given = options_.inputShapes.find(input.name());
      if (given == options_.inputShapes.end()) continue;
      const ir::Value* value = graph.find(input.name());
      if (value != nullptr && value->isInitializer) continue;
      ::onnx::TypeProto& type = *input.mutable_type();
      if (type.value_case() != ::onnx::TypeProto::kTensorType && type.value_case() != ::onnx::TypeProto::VALUE_NOT_SET)
        continue;
      ::onnx::TypeProto::Tensor& tensor = *type.mutable_tensor_type();
      if (given->second.rankKnown()) {
        writeShape(given->second, *tensor.mutable_shape());
      } else {
        tensor.clear_shape();
      }
      ++summary_.typesFilled;
    }
  }

  void fill(const ir::Value& value, ::onnx::TypeProto& type, bool graphOutput, bool topLevel) {
    ir::Shape declared;
    switch (fillType(value, type, declared)) {
      case Fill::kUnchanged: break;
      case Fill::kFilled: ++summary_.typesFilled; break;
      case Fill::kKept:
        summary_.kept.push_back(KeptDeclaration{value.name, graphOutput, topLevel, declared, value.inferred});
        break;
    }
  }

  static std::string changedOnDisk() {
    return "the model file changed while shapelint read it (its graph is not "
           "the one checked); run again";
  }

  const WriteOptions& options_;
  WriteSummary& summary_;
};

// ---------------------------------------------------------------------------
// External data: locations are relative to the model's folder.

struct Folders {
  fs::path input;   // the input model's folder, canonical
  fs::path output;  // the output model's folder, canonical
  bool same = false;
};

std::string folderOf(const std::string& file) {
  const fs::path parent = fs::path(file).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

bool sameFile(const std::string& a, const std::string& b) {
  struct stat sa {};
  struct stat sb {};
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

std::variant<Folders, std::string> resolveFolders(const std::string& inputPath, const std::string& outputPath) {
  Folders folders;
  const std::string inputDir = folderOf(inputPath);
  const std::string outputDir = folderOf(outputPath);
  folders.same = sameFile(inputDir, outputDir);
  std::error_code ec;
  folders.input = fs::canonical(inputDir, ec);
  if (ec) return "cannot resolve the folder '" + inputDir + "': " + ec.message();
  folders.output = fs::canonical(outputDir, ec);
  if (ec) return "cannot resolve the folder '" + outputDir + "': " + ec.message();
  return folders;
}

class ExternalData {
 public:
  explicit ExternalData(const Folders& folders) : folders_(folders) {}

  Problem relocate(::onnx::ModelProto& model) {
    if (folders_.same) return std::nullopt;
    if (Problem problem = graph(*model.mutable_graph())) return problem;
    for (::onnx::FunctionProto& function : *model.mutable_functions())
      for (::onnx::NodeProto& node : *function.mutable_node())
        if (Problem problem = nodeAttributes(node)) return problem;
    for (::onnx::TrainingInfoProto& training : *model.mutable_training_info()) {
      if (training.has_initialization())
        if (Problem problem = graph(*training.mutable_initialization())) return problem;
      if (training.has_algorithm())
        if (Problem problem = graph(*training.mutable_algorithm())) return problem;
    }
    return std::nullopt;
  }

 private:
  Problem graph(::onnx::GraphProto& proto) {
    for (::onnx::TensorProto& tensor : *proto.mutable_initializer())
      if (Problem problem = this->tensor(tensor)) return problem;
    for (::onnx::SparseTensorProto& sparse : *proto.mutable_sparse_initializer())
      if (Problem problem = sparseTensor(sparse)) return problem;
    for (::onnx::NodeProto& node : *proto.mutable_node())
      if (Problem problem = nodeAttributes(node)) return problem;
    return std::nullopt;
  }

  Problem nodeAttributes(::onnx::NodeProto& node) {
    for (::onnx::AttributeProto& attribute : *node.mutable_attribute()) {
      if (attribute.has_t())
        if (Problem problem = tensor(*attribute.mutable_t())) return problem;
      for (::onnx::TensorProto& t : *attribute.mutable_tensors())
        if (Problem problem = tensor(t)) return problem;
      if (attribute.has_sparse_tensor())
        if (Problem problem = sparseTensor(*attribute.mutable_sparse_tensor())) return problem;
      for (::onnx::SparseTensorProto& s : *attribute.mutable_sparse_tensors())
        if (Problem problem = sparseTensor(s)) return problem;
      if (attribute.has_g())
        if (Problem problem = graph(*attribute.mutable_g())) return problem;
      for (::onnx::GraphProto& g : *attribute.mutable_graphs())
        if (Problem problem = graph(g)) return problem;
    }
    return std::nullopt;
  }

  Problem sparseTensor(::onnx::SparseTensorProto& sparse) {
    if (sparse.has_values())
      if (Problem problem = tensor(*sparse.mutable_values())) return problem;
    if (sparse.has_indices())
      if (Problem problem = tensor(*sparse.mutable_indices())) return problem;
    return std::nullopt;
  }

  Problem tensor(::onnx::TensorProto& tensor) {
    if (tensor.data_location() != ::onnx::TensorProto::EXTERNAL) return std::nullopt;
    ::onnx::StringStringEntryProto* location = nullptr;
    for (::onnx::StringStringEntryProto& entry : *tensor.mutable_external_data())
      if (entry.key() == "location") location = &entry;
    const std::string what = "tensor " + quotedName(tensor.name());
    if (location == nullptr || location->value().empty())
      return what +
             " has external data without a location; cannot keep it "
             "valid in another folder";
    const fs::path given(location->value());
    if (given.is_absolute()) return std::nullopt;  // names the same file from anywhere
    for (const fs::path& part : given)
      if (part == "..")
        return what + " keeps its data at " + quotedName(location->value()) +
               ", outside the model's folder; write the output into the "
               "model's folder";
    const fs::path target = (folders_.input / given).lexically_normal();
    const fs::path relative = target.lexically_relative(folders_.output);
    if (relative.empty() || *relative.begin() == "..")
      return what + " keeps its data in " + quotedName(target.string()) + ", which is not inside the output's folder " +
             quotedName(folders_.output.string()) +
             " (a location must be relative to it); write the output into the "
             "model's folder or a folder above it";
    location->set_value(relative.generic_string());
    return std::nullopt;
  }

  const Folders& folders_;
};

// ---------------------------------------------------------------------------

WriteError errorAt(const std::string& path, const std::string& reason) {
  return WriteError{path + ": " + reason};
}

// Re-reads the input model and annotates it for a file at `outputPath`.
Problem buildProto(const ir::Model& model, const std::string& inputPath, const std::string& outputPath,
                   const WriteOptions& options, ::onnx::ModelProto& proto, WriteSummary& summary, std::string& at) {
  at = inputPath;
  ParseOutcome outcome = parseFile(inputPath, proto);
  if (Problem problem = whyNotAModel(outcome, proto)) return problem;
  if (Problem problem = Annotator(options, summary).annotate(*proto.mutable_graph(), model.graph, true)) return problem;
  at = outputPath;
  std::variant<Folders, std::string> folders = resolveFolders(inputPath, outputPath);
  if (const auto* problem = std::get_if<std::string>(&folders)) return *problem;
  return ExternalData(std::get<Folders>(folders)).relocate(proto);
}

// Runs `work`, turning allocation failures on huge models into an error.
template <typename Result, typename Work>
Result guarded(const std::string& path, Work work) {
  try {
    return work();
  } catch (const std::bad_alloc&) {
    return errorAt(path, "too large to write (out of memory)");
  } catch (const std::length_error&) {
    return errorAt(path, "too large to write (out of memory)");
  }
}

constexpr std::string_view kTooLarge = "the annotated model is larger than 2 GiB, the most protobuf can write";

}  // namespace

std::variant<std::string, WriteError> inferredModelBytes(const ir::Model& model, const std::string& inputPath,
                                                         const std::string& outputPath, const WriteOptions& options,
                                                         WriteSummary& summary) {
  using Result = std::variant<std::string, WriteError>;
  return guarded<Result>(outputPath, [&]() -> Result {
    ::onnx::ModelProto proto;
    std::string at;
    if (Problem problem = buildProto(model, inputPath, outputPath, options, proto, summary, at))
      return errorAt(at, *problem);
    if (proto.ByteSizeLong() > static_cast<size_t>(INT_MAX)) return errorAt(outputPath, std::string(kTooLarge));
    std::string bytes;
    if (!proto.SerializeToString(&bytes)) return errorAt(outputPath, "cannot serialize the model");
    return bytes;
  });
}

std::optional<WriteError> checkOutputPath(const std::string& inputPath, const std::string& outputPath) {
  struct stat out {};
  if (::stat(outputPath.c_str(), &out) == 0) {
    if (S_ISDIR(out.st_mode)) return errorAt(outputPath, "is a folder; give the output model's file name");
    if (sameFile(inputPath, outputPath))
      return errorAt(outputPath,
                     "is the input model (the same file); write "
                     "the output to another path");
  } else if (errno != ENOENT) {
    return errorAt(outputPath, "cannot write: " + errnoText(errno));
  }
  if (fs::path(inputPath).lexically_normal() == fs::path(outputPath).lexically_normal())
    return errorAt(outputPath, "is the input model (the same path); write the output to another path");
  return std::nullopt;
}

WriteResult writeInferredModel(const ir::Model& model, const std::string& inputPath, const std::string& outputPath,
                               const WriteOptions& options) {
  if (std::optional<WriteError> error = checkOutputPath(inputPath, outputPath)) return *error;

  return guarded<WriteResult>(outputPath, [&]() -> WriteResult {
    WriteSummary summary;
    ::onnx::ModelProto proto;
    std::string at;
    if (Problem problem = buildProto(model, inputPath, outputPath, options, proto, summary, at))
      return errorAt(at, *problem);
    if (proto.ByteSizeLong() > static_cast<size_t>(INT_MAX)) return errorAt(outputPath, std::string(kTooLarge));
    Problem problem = writeFileAtomically(outputPath, [&](int fd) -> Problem {
      google::protobuf::io::FileOutputStream stream(fd);
      const bool serialized = proto.SerializeToZeroCopyStream(&stream);
      const bool flushed = stream.Flush();
      if (stream.GetErrno() != 0) return "cannot write: " + errnoText(stream.GetErrno());
      if (!serialized || !flushed) return std::string("cannot serialize the model");
      return std::nullopt;
    });
    if (problem) return errorAt(outputPath, *problem);
    return summary;
  });
}

}  // namespace shapelint::onnx
