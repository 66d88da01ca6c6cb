#!/usr/bin/python3
"""Writes the loader's test models to tests/models/loader/.

Each model is either one way a file can fail to load (the loader must answer
with one clear LoadError line; the expected reason is in tests/unit/onnx/) or
a valid model exercising something the loader must accept. The output is
deterministic: rerunning the script rewrites identical bytes.

Run with Debian's python3-onnx:  /usr/bin/python3 tools/gen_models_loader.py
"""

import pathlib
import struct

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT_DIR = pathlib.Path(__file__).resolve().parent.parent / "tests" / "models" / "loader"

IR_VERSION = 8
OPSET = 17
FLOAT = TensorProto.FLOAT
INT64 = TensorProto.INT64


def tensor_input(name, elem_type, shape):
    return helper.make_tensor_value_info(name, elem_type, shape)


def make_model(nodes, inputs, outputs, initializers=(), ir_version=IR_VERSION, opset=OPSET, value_info=()):
    graph = helper.make_graph(list(nodes), "g", list(inputs), list(outputs), list(initializers),
                              value_info=list(value_info))
    return helper.make_model(graph, ir_version=ir_version, opset_imports=[helper.make_opsetid("", opset)],
                             producer_name="gen_models_loader")


def relu_model():
    """A valid one-node model: y = Relu(x)."""
    return make_model([helper.make_node("Relu", ["x"], ["y"], name="relu")],
                      [tensor_input("x", FLOAT, [1, 4])], [tensor_input("y", FLOAT, [1, 4])])


def raw_tensor(name, elem_type, dims):
    """A TensorProto built field by field, bypassing helper's validation."""
    tensor = TensorProto()
    tensor.name = name
    tensor.data_type = elem_type
    tensor.dims.extend(dims)
    return tensor


# --- files that are not models at all -------------------------------------------------------

def empty():
    return b""


def lfs_pointer():
    return (b"version https://git-lfs.github.com/spec/v1\n"
            b"oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
            b"size 102400\n")


def text_file():
    return b"# resnet50\n\nThis directory holds the model; see the README for how to download it.\n"


def binary_garbage():
    # 0xff bytes make an over-long varint: protobuf rejects it at the first byte.
    return b"\xff" * 32


def unknown_fields_only():
    # A well-formed protobuf with only field 100 (varint 1): parses as a
    # ModelProto with no graph, no opset import and ir_version 0.
    return b"\xa0\x06\x01"


def truncated():
    weights = numpy_helper.from_array(np.arange(1024, dtype=np.float32).reshape(4, 256), "w")
    model = make_model([helper.make_node("MatMul", ["x", "w"], ["y"], name="matmul")],
                       [tensor_input("x", FLOAT, [1, 4])], [tensor_input("y", FLOAT, [1, 256])], [weights])
    data = model.SerializeToString()
    return data[: len(data) // 2]


# --- ModelProtos missing a required part ------------------------------------------------------

def no_graph():
    model = onnx.ModelProto()
    model.ir_version = IR_VERSION
    model.opset_import.append(helper.make_opsetid("", OPSET))
    return model


def no_opset():
    model = relu_model()
    del model.opset_import[:]
    return model


# --- names defined twice ----------------------------------------------------------------------

def duplicate_node_output():
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="first"),
             helper.make_node("Neg", ["x"], ["y"], name="second")]
    return make_model(nodes, [tensor_input("x", FLOAT, [4])], [tensor_input("y", FLOAT, [4])])


def output_is_graph_input():
    nodes = [helper.make_node("Relu", ["x"], ["z"], name="relu")]
    return make_model(nodes, [tensor_input("x", FLOAT, [4]), tensor_input("z", FLOAT, [4])],
                      [tensor_input("z", FLOAT, [4])])


def output_is_initializer():
    w = numpy_helper.from_array(np.ones([4], dtype=np.float32), "w")
    nodes = [helper.make_node("Relu", ["x"], ["w"], name="relu")]
    return make_model(nodes, [tensor_input("x", FLOAT, [4])], [tensor_input("w", FLOAT, [4])], [w])


def duplicate_initializer():
    w1 = numpy_helper.from_array(np.ones([4], dtype=np.float32), "w")
    w2 = numpy_helper.from_array(np.zeros([4], dtype=np.float32), "w")
    nodes = [helper.make_node("Add", ["x", "w"], ["y"], name="add")]
    return make_model(nodes, [tensor_input("x", FLOAT, [4])], [tensor_input("y", FLOAT, [4])], [w1, w2])


def duplicate_graph_input():
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    return make_model(nodes, [tensor_input("x", FLOAT, [4]), tensor_input("x", FLOAT, [4])],
                      [tensor_input("y", FLOAT, [4])])


# --- broken dataflow --------------------------------------------------------------------------

def unproduced_input():
    nodes = [helper.make_node("Add", ["x", "ghost"], ["y"], name="add")]
    return make_model(nodes, [tensor_input("x", FLOAT, [4])], [tensor_input("y", FLOAT, [4])])


def cycle():
    # entry -> a -> b -> c -> a: entry is fine, a, b and c form the cycle.
    nodes = [helper.make_node("Relu", ["x"], ["e"], name="entry"),
             helper.make_node("Add", ["e", "c_out"], ["a_out"], name="a"),
             helper.make_node("Relu", ["a_out"], ["b_out"], name="b"),
             helper.make_node("Neg", ["b_out"], ["c_out"], name="c")]
    return make_model(nodes, [tensor_input("x", FLOAT, [4])], [tensor_input("c_out", FLOAT, [4])])


def if_node(name, then_nodes, then_out, else_nodes, else_out, outputs):
    then_graph = helper.make_graph(then_nodes, "then", [], [tensor_input(then_out, FLOAT, [4])])
    else_graph = helper.make_graph(else_nodes, "else", [], [tensor_input(else_out, FLOAT, [4])])
    return helper.make_node("If", ["cond"], outputs, name=name,
                            then_branch=then_graph, else_branch=else_graph)


def subgraph_unproduced_input():
    node = if_node("if",
                   [helper.make_node("Add", ["x", "ghost"], ["t"], name="then_add")], "t",
                   [helper.make_node("Identity", ["x"], ["e"], name="else_id")], "e", ["y"])
    return make_model([node], [tensor_input("cond", TensorProto.BOOL, []), tensor_input("x", FLOAT, [4])],
                      [tensor_input("y", FLOAT, [4])])


# --- invalid tensors --------------------------------------------------------------------------

def negative_initializer_dim():
    w = raw_tensor("w", FLOAT, [2, -3])
    nodes = [helper.make_node("Relu", ["w"], ["y"], name="relu")]
    return make_model(nodes, [], [tensor_input("y", FLOAT, None)], [w])


def overflowing_initializer_dims():
    w = raw_tensor("w", FLOAT, [2 ** 32, 2 ** 32])
    nodes = [helper.make_node("Relu", ["w"], ["y"], name="relu")]
    return make_model(nodes, [], [tensor_input("y", FLOAT, None)], [w])


def negative_constant_dim():
    node = helper.make_node("Constant", [], ["c"], name="const", value=raw_tensor("", FLOAT, [-1]))
    return make_model([node], [], [tensor_input("c", FLOAT, None)])


# --- valid models the loader must accept ------------------------------------------------------

def ir3_initializer_is_input():
    # Before IR 4 every initializer is also listed as a graph input.
    w = numpy_helper.from_array(np.ones([2, 3], dtype=np.float32), "w")
    nodes = [helper.make_node("Add", ["x", "w"], ["y"], name="add")]
    return make_model(nodes, [tensor_input("x", FLOAT, [2, 3]), tensor_input("w", FLOAT, [2, 3])],
                      [tensor_input("y", FLOAT, [2, 3])], [w], ir_version=3, opset=8)


def absent_optional_input():
    # Clip(x, min absent, max).
    hi = numpy_helper.from_array(np.array(6.0, dtype=np.float32), "hi")
    nodes = [helper.make_node("Clip", ["x", "", "hi"], ["y"], name="clip")]
    return make_model(nodes, [tensor_input("x", FLOAT, ["N", 4])], [tensor_input("y", FLOAT, ["N", 4])], [hi])


def if_outer_scope():
    # The If node comes first in the node list, but its then-branch reads 'r',
    # which the second node produces: the topological order must put it first.
    node = if_node("if",
                   [helper.make_node("Add", ["r", "r"], ["t"])], "t",
                   [helper.make_node("Identity", ["x"], ["e"])], "e", ["y"])
    nodes = [node, helper.make_node("Relu", ["x"], ["r"], name="relu")]
    return make_model(nodes, [tensor_input("cond", TensorProto.BOOL, []), tensor_input("x", FLOAT, [4])],
                      [tensor_input("y", FLOAT, [4])])


def external_data():
    weights = raw_tensor("weights", FLOAT, [64, 3, 7, 7])
    weights.data_location = TensorProto.EXTERNAL
    entries = (("location", "missing_weights.bin"), ("offset", "0"), ("length", str(64 * 3 * 7 * 7 * 4)))
    for key, value in entries:
        entry = weights.external_data.add()
        entry.key = key
        entry.value = value
    nodes = [helper.make_node("Conv", ["x", "weights"], ["y"], name="conv",
                              strides=[2, 2], pads=[3, 3, 3, 3])]
    return make_model(nodes, [tensor_input("x", FLOAT, [1, 3, 224, 224])],
                      [tensor_input("y", FLOAT, [1, 64, 112, 112])], [weights])


def out_of_order():
    # Listed as second, first, third; 'second' reads what 'first' writes.
    nodes = [helper.make_node("Relu", ["a"], ["y"], name="second"),
             helper.make_node("Relu", ["x"], ["a"], name="first"),
             helper.make_node("Neg", ["x"], ["z"], name="third")]
    return make_model(nodes, [tensor_input("x", FLOAT, [4])],
                      [tensor_input("y", FLOAT, [4]), tensor_input("z", FLOAT, [4])])


def unnamed_nodes():
    nodes = [helper.make_node("Relu", ["x"], ["a"]),
             helper.make_node("Neg", ["a"], ["b"]),
             helper.make_node("Abs", ["b"], ["y"], name="named")]
    return make_model(nodes, [tensor_input("x", FLOAT, [4])], [tensor_input("y", FLOAT, [4])])


def constants():
    shape_raw = numpy_helper.from_array(np.array([1, -1, 4, 2], dtype=np.int64), "shape_raw")
    shape_typed = helper.make_tensor("shape_typed", INT64, [2], [2, 3])
    big_float = numpy_helper.from_array(np.arange(2048, dtype=np.float32), "big_float")
    half = numpy_helper.from_array(np.array([1.5, -2.0], dtype=np.float16), "half")
    small_float = helper.make_tensor("small_float", FLOAT, [2], [0.5, 2.0])
    flags = helper.make_tensor("flags", TensorProto.BOOL, [2], [True, False])
    bytes_u8 = numpy_helper.from_array(np.array([0, 200, 255], dtype=np.uint8), "bytes_u8")
    # raw_data of 5 bytes for three int64s: the values are unknown, not an error.
    bad_raw = raw_tensor("bad_raw", INT64, [3])
    bad_raw.raw_data = struct.pack("<5B", 1, 2, 3, 4, 5)
    initializers = [shape_raw, shape_typed, big_float, half, small_float, flags, bytes_u8, bad_raw]
    nodes = [helper.make_node("Constant", [], ["c_tensor"],
                              value=helper.make_tensor("", INT64, [3], [7, 8, 9])),
             helper.make_node("Constant", [], ["c_ints"], value_ints=[3, 4]),
             helper.make_node("Reshape", ["x", "shape_raw"], ["y"], name="reshape")]
    return make_model(nodes, [tensor_input("x", FLOAT, [2, 4, 2])], [tensor_input("y", FLOAT, [1, 2, 4, 2])],
                      initializers)


MODELS = {
    "empty": empty,
    "lfs_pointer": lfs_pointer,
    "text_file": text_file,
    "binary_garbage": binary_garbage,
    "unknown_fields_only": unknown_fields_only,
    "truncated": truncated,
    "no_graph": no_graph,
    "no_opset": no_opset,
    "duplicate_node_output": duplicate_node_output,
    "output_is_graph_input": output_is_graph_input,
    "output_is_initializer": output_is_initializer,
    "duplicate_initializer": duplicate_initializer,
    "duplicate_graph_input": duplicate_graph_input,
    "unproduced_input": unproduced_input,
    "cycle": cycle,
    "subgraph_unproduced_input": subgraph_unproduced_input,
    "negative_initializer_dim": negative_initializer_dim,
    "overflowing_initializer_dims": overflowing_initializer_dims,
    "negative_constant_dim": negative_constant_dim,
    "ir3_initializer_is_input": ir3_initializer_is_input,
    "absent_optional_input": absent_optional_input,
    "if_outer_scope": if_outer_scope,
    "external_data": external_data,
    "out_of_order": out_of_order,
    "unnamed_nodes": unnamed_nodes,
    "constants": constants,
}


def main():
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name, make in MODELS.items():
        result = make()
        data = result if isinstance(result, bytes) else result.SerializeToString()
        (OUT_DIR / f"{name}.onnx").write_bytes(data)
    print(f"wrote {len(MODELS)} models to {OUT_DIR}")


if __name__ == "__main__":
    main()
