#!/usr/bin/python3
"""Writes the models the CLI tests run on, in tests/models/cli/ (deterministic).

  clean_convnet.onnx          Conv(3->8, 3x3, pad 1) -> Relu -> MaxPool(2x2): clean
  declared_mismatch.onnx      the same Conv, but the model declares its output as
                              [1, 8, 30, 30] while the ops give [1, 8, 32, 32] (SL101)
  conv_channel_mismatch.onnx  a 4-channel input into a Conv whose weight expects 3 (SL201)
  concat_mismatch.onnx        Concat on axis 1 of [1, 3, 8, 8] and [1, 3, 9, 8] (SL102)
  colon_input.onnx            input 'x:0' of shape [N, 3, H, W] -> Conv -> Relu -> 'y:0'
  unknown_dims.onnx           input 'x' of shape ['batch size', 3, ?] -> Relu -> 'y', and
                              x -> Mystery (domain com.example, no shape function) -> 'z'
  control_chars.onnx          a Mystery node and an input whose names hold ESC and newlines
  truncated.onnx              the first half of clean_convnet.onnx's bytes

Run with Debian's python3-onnx: /usr/bin/python3 tools/gen_models_cli.py
`--check` regenerates in memory and exits 1 when a file on disk differs.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from model_files import write_or_check

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "models", "cli")


def weight(name, shape, seed):
    data = (np.random.default_rng(seed).standard_normal(shape) * 0.1).astype(np.float32)
    return numpy_helper.from_array(data, name)


def tensor(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def model(nodes, name, inputs, outputs, initializers=()):
    graph = helper.make_graph(nodes, name, inputs, outputs, initializer=list(initializers))
    m = helper.make_model(graph, producer_name="shapelint-test",
                          opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 7
    return m


def conv(x, out, cin, cout, seed, name="conv0"):
    """A 3x3 Conv with pad 1 (keeps H and W) and its weight and bias."""
    w = weight(name + ".weight", [cout, cin, 3, 3], seed)
    b = weight(name + ".bias", [cout], seed + 1)
    node = helper.make_node("Conv", [x, w.name, b.name], [out], name=name,
                            kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    return node, [w, b]


def clean_convnet():
    c, inits = conv("x", "conv0", 3, 8, seed=1)
    nodes = [c,
             helper.make_node("Relu", ["conv0"], ["relu0"], name="relu0"),
             helper.make_node("MaxPool", ["relu0"], ["y"], name="pool0",
                              kernel_shape=[2, 2], strides=[2, 2])]
    return model(nodes, "clean_convnet", [tensor("x", [1, 3, 32, 32])],
                 [tensor("y", [1, 8, 16, 16])], inits)


def declared_mismatch():
    c, inits = conv("x", "y", 3, 8, seed=2)
    return model([c], "declared_mismatch", [tensor("x", [1, 3, 32, 32])],
                 [tensor("y", [1, 8, 30, 30])], inits)


def conv_channel_mismatch():
    c, inits = conv("x", "y", 3, 8, seed=3)  # weight [8, 3, 3, 3]
    return model([c], "conv_channel_mismatch", [tensor("x", [1, 4, 32, 32])],
                 [tensor("y", [1, 8, 32, 32])], inits)


def concat_mismatch():
    node = helper.make_node("Concat", ["a", "b"], ["y"], name="concat0", axis=1)
    return model([node], "concat_mismatch",
                 [tensor("a", [1, 3, 8, 8]), tensor("b", [1, 3, 9, 8])], [tensor("y", [None] * 4)])


def colon_input():
    c, inits = conv("x:0", "conv0:0", 3, 8, seed=4)
    nodes = [c, helper.make_node("Relu", ["conv0:0"], ["y:0"], name="relu0")]
    return model(nodes, "colon_input", [tensor("x:0", ["N", 3, "H", "W"])],
                 [tensor("y:0", [None] * 4)], inits)


def unknown_dims():
    relu = helper.make_node("Relu", ["x"], ["y"], name="relu0")
    # An op no shape function will ever know: its output has unknown rank.
    mystery = helper.make_node("Mystery", ["x"], ["z"], name="mystery0", domain="com.example")
    m = model([relu, mystery], "unknown_dims", [tensor("x", ["batch size", 3, None])],
              [tensor("y", ["batch size", 3, None]), tensor("z", [None])])
    m.opset_import.append(helper.make_opsetid("com.example", 1))
    return m


def control_chars():
    evil = "mystery\x1b[31m\nfake.onnx: error: injected"
    node = helper.make_node("Mystery", ["x\x1b[2J"], ["z"], name=evil, domain="com.example")
    m = model([node], "control_chars", [tensor("x\x1b[2J", [1, 3])], [tensor("z", [None])])
    m.opset_import.append(helper.make_opsetid("com.example", 1))
    return m


def all_models():
    models = {
        "clean_convnet.onnx": clean_convnet(),
        "declared_mismatch.onnx": declared_mismatch(),
        "conv_channel_mismatch.onnx": conv_channel_mismatch(),
        "concat_mismatch.onnx": concat_mismatch(),
        "colon_input.onnx": colon_input(),
        "unknown_dims.onnx": unknown_dims(),
        "control_chars.onnx": control_chars(),
    }
    for m in models.values():
        onnx.checker.check_model(m)  # structurally valid: the findings are about shapes only
    files = {name: m.SerializeToString() for name, m in models.items()}
    clean = files["clean_convnet.onnx"]
    files["truncated.onnx"] = clean[: len(clean) // 2]
    return files


def main(argv):
    check = "--check" in argv[1:]
    files = all_models()
    stale = write_or_check(OUT, files, check)
    if not check:
        for name in sorted(files):
            print("wrote", os.path.relpath(os.path.join(OUT, name)))
    if stale:
        print("stale (rerun tools/gen_models_cli.py):", " ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
