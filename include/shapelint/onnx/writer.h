// IR shapes -> a new ONNX model file: the input model with a value_info for
// every node output the shape pass inferred. The only part of shapelint
// that writes models; like the loader, its implementation is the only code
// that sees protobuf or ONNX headers.
//
// The model is re-read from its file, so everything the IR does not keep
// (weights, doc strings, metadata, functions ...) is written back as it was.
// What changes:
//   - each node output (main graph and subgraphs) that is not a graph output
//     gets a value_info with its inferred type and shape, or, when the model
//     already has one, that value_info gets the dims it leaves unknown;
//   - graph outputs (main graph and subgraphs) get the dims they leave
//     unknown and a missing element type;
//   - graph inputs named in WriteOptions::inputShapes get that shape;
//   - external-data locations are rewritten relative to the output's folder.
// A declared type the pass contradicts (another rank, or a dim provably
// different) is kept as the model has it and listed in WriteSummary::kept.
//
// Dims are written as dim_value (integers), dim_param (symbols and symbolic
// expressions, as ir::Dim::str() prints them: "N", "(H + 3) // 4"), or a dim
// with neither field (unknown). An unknown rank is a tensor type without a
// shape.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "shapelint/ir/dim.h"
#include "shapelint/ir/graph.h"

namespace shapelint::onnx {

struct WriteOptions {
  // Graph inputs of the main graph whose type gets this shape (--input-shape).
  std::map<std::string, ir::Shape> inputShapes;
};

// A declared type kept although the pass infers a contradicting one.
struct KeptDeclaration {
  std::string value;
  bool graphOutput = false;  // a graph output rather than a value_info
  bool topLevel = true;      // in the main graph rather than a subgraph
  ir::Shape declared;
  ir::Shape inferred;
};

struct WriteSummary {
  size_t valueInfosAdded = 0;  // new value_info entries
  size_t typesFilled = 0;      // existing value_info or graph outputs given more dims or a type
  std::vector<KeptDeclaration> kept;
};

struct WriteError {
  // One line naming the file at fault, e.g. "out.onnx: is the input model
  // (the same file); write to another path".
  std::string message;
};

using WriteResult = std::variant<WriteSummary, WriteError>;

// Writes the annotated model to `outputPath` atomically: a temporary file in
// the output's folder, fsync, rename. `model` is what loadModel(inputPath)
// returned, after the shape pass. Refuses an output that is the input file
// (the same path, or the same device and inode through a link). On any error
// and on SIGINT, SIGTERM or SIGHUP during the write no temporary file remains
// and an existing `outputPath` is left as it was. Never throws on bad input.
// External-data files are never opened.
WriteResult writeInferredModel(const ir::Model& model, const std::string& inputPath, const std::string& outputPath,
                               const WriteOptions& options);

// Why `outputPath` cannot be the output for `inputPath` (it is the input
// file, by path or by device and inode; it is a folder), or nullopt. Cheap:
// lets a caller refuse before doing any work; writeInferredModel checks too.
std::optional<WriteError> checkOutputPath(const std::string& inputPath, const std::string& outputPath);

// The annotated model's bytes, without writing anything (for tests);
// external-data locations are rewritten for a file at `outputPath`.
std::variant<std::string, WriteError> inferredModelBytes(const ir::Model& model, const std::string& inputPath,
                                                         const std::string& outputPath, const WriteOptions& options,
                                                         WriteSummary& summary);

}  // namespace shapelint::onnx
