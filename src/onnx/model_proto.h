// What the loader accepts as a model, shared with the writer, which re-reads
// the model file. Private to src/onnx.
#pragma once

#include <optional>
#include <string>

#include <onnx/onnx_pb.h>

#include "proto_io.h"

namespace shapelint::onnx {

// Why a parse outcome (parseFile or parseBytes into `proto`) is not an ONNX
// model: one line without the path, e.g. "empty file"; nullopt for a model.
std::optional<std::string> whyNotAModel(const ParseOutcome& outcome, const ::onnx::ModelProto& proto);

}  // namespace shapelint::onnx
