// Parsing a ModelProto without its weights: a walk over the protobuf wire
// format that descends only into the messages that can hold tensors, hands
// every other field to protobuf to merge, and skips the payload of each
// tensor that cannot be a small constant without reading it. Graph nodes
// can be read straight into the IR instead (SkimmedNodes). Private to
// src/onnx.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "proto_io.h"
#include "tensor.h"

namespace shapelint::onnx {

struct SkimmedNodes;  // graph_builder.h

// A payload field (raw_data, float_data ...) longer than this is skipped
// whatever the dims: a tensor small enough to keep never needs as much.
inline constexpr uint64_t kMaxKeptPayloadBytes = 16 * 1024;
// Floating-point tensors with more elements than this have their payload
// skipped: shape computations read scales and scalars, never weights.
inline constexpr int64_t kMaxKeptRealElements = 64;

// True when skimming keeps the payload of a tensor of element type `type`
// with `count` elements (ir::kMaxConstElements for integer types).
bool skimKeepsValues(int32_t type, int64_t count);

// The field numbers the skimmer takes as known for the message named
// `fullName` ("onnx.NodeProto"), sorted; empty for a message it does not
// walk. Fields with other numbers are skipped as unknown.
std::vector<int> skimmedFieldNumbers(std::string_view fullName);

// Like parseFile into `model`, but tensor payloads that cannot be a small
// constant are skipped: a regular file is read with pread at the offsets
// needed, so their bytes are neither copied nor read (pipes are read whole).
// The tensors so skipped are added to `elided`. Fields unknown to the ONNX
// schema, and groups, are skipped too (a full parse keeps them as unknown
// fields, which nothing reads). Files over 2 GiB are fine. Rejects what protobuf's parse
// rejects, except malformed varints inside a skipped packed payload; a
// subgraph nested deeper than kMaxSubgraphDepth is a failure naming its node.
//
// With `nodes`, the nodes of every graph are read straight into IR form
// there (graph_builder.h) instead of into the GraphProtos, which then have
// none: no NodeProto is built, no node field copied twice.
ParseOutcome skimFile(const std::string& path, ::onnx::ModelProto& model, ElidedTensors& elided,
                      SkimmedNodes* nodes = nullptr);

// The same over bytes in memory. Bytes of skipped payloads are never read,
// so they may lie on inaccessible pages.
ParseOutcome skimBytes(std::string_view bytes, ::onnx::ModelProto& model, ElidedTensors& elided,
                       SkimmedNodes* nodes = nullptr);

}  // namespace shapelint::onnx
