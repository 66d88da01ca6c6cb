#!/usr/bin/python3
"""Writes the robustness models to tests/models/robust/ (deterministic), and
tests/models/robust/expected.txt: the outcome each one must have.

One small model per hostile case: every conv/pool attribute at 0, -1 and
INT64_MAX, kernels larger than the padded input or of the wrong rank, invalid
auto_pad, pads with SAME_UPPER, output_padding out of range, input dims of
INT64_MAX, -1 and 0 (the -1 also into a lone Relu), weights whose dims are
absurd, an initializer whose element count overflows int64.
tests/unit/cli/robust_test.cpp runs the binary on each and checks the outcome
written here beside the case: never a crash, never a hang.

Every net is x [1, 3, 8, 8] -> one window op -> y (y declared without a shape,
so no SL101), unless the case says otherwise:
  Conv           conv0           W [4, 3, 3, 3], B [4]
  ConvTranspose  convtranspose0  W [3, 4, 3, 3], B [4]   (natural output 7 + 3 = 10)
  MaxPool        maxpool0        kernel_shape [3, 3]
  AveragePool    averagepool0    kernel_shape [3, 3]     (dilations only at opset 19)
Opset 13, except the AveragePool dilation cases (opset 19, where AveragePool
has dilations).

expected.txt, one case per line, tab-separated:
  FILE  EXIT  CODE  NODE  Y  FRAGMENT...
EXIT 1: a diagnostic CODE at node NODE ("" for a graph-level finding, written
'-') whose message contains every FRAGMENT. EXIT 2: a load error whose one-line
message names the file and contains every FRAGMENT. EXIT 0: no error; Y, when
not '-', is the JSON shape of graph output y. Lines starting with '#' are
comments (the case's description).

ONNX 1.12's onnx.shape_inference.infer_shapes kills the process (SIGFPE) on
conv_strides_0, maxpool_strides_0 and averagepool_strides_0, and returns
garbage shapes for many others: the table is in the comment under the imports.

Run with Debian's python3-onnx: /usr/bin/python3 tools/gen_models_robust.py
`--check` regenerates in memory and exits 1 when a file on disk differs or is
missing, or when the directory holds a file the generator does not write.
`--probe-onnx` runs ONNX 1.12's shape inference on every written model in a
subprocess and prints which ones it kills (and with which signal).
"""
import os
import signal
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from model_files import write_or_check

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "models", "robust")
EXPECTED = "expected.txt"

MAX = 2 ** 63 - 1  # INT64_MAX
FLOAT = TensorProto.FLOAT

# ONNX 1.12 (Debian 12's python3-onnx 1.12.0), onnx.shape_inference.infer_shapes(model)
# in default (non-strict) mode, one subprocess per model (`--probe-onnx` reruns it):
#
# Killed by a signal (SIGFPE, integer division by zero in convPoolShapeInference):
#   conv_strides_0.onnx, maxpool_strides_0.onnx, averagepool_strides_0.onnx
# ConvTranspose with strides [0, 0] does not crash: it never divides by the stride
# (y comes back as [1, 4, 3, 3]). No other model crashes it.
#
# It returns normally on every other model, often with a wrong or negative shape
# for y and no warning; the opset-19 AveragePool dilation models get the
# opset-11 schema's shape, dilations ignored ("no shape": it hit an error, which non-strict
# mode swallows, and left y without a shape). What it gives y:
#   averagepool_auto_pad_same.onnx             y [1, 3, 6, 6]
#   averagepool_dilations_0.onnx               y [1, 3, 6, 6]
#   averagepool_dilations_max.onnx             y [1, 3, 6, 6]
#   averagepool_dilations_neg.onnx             y [1, 3, 6, 6]
#   averagepool_kernel_0.onnx                  y [1, 3, 9, 9]
#   averagepool_kernel_max.onnx                y [1, 3, -9223372036854775798, -9223372036854775798]
#   averagepool_kernel_neg.onnx                y [1, 3, 10, 10]
#   averagepool_kernel_rank3.onnx              y no shape
#   averagepool_kernel_too_large.onnx          y [1, 3, 0, 0]
#   averagepool_pads_max.onnx                  y [1, 3, 4, 4]
#   averagepool_pads_neg.onnx                  y [1, 3, 4, 4]
#   averagepool_pads_with_same_upper.onnx      y [1, 3, 8, 8]
#   averagepool_strides_0.onnx                 killed by SIGFPE
#   averagepool_strides_max.onnx               y [1, 3, 1, 1]
#   averagepool_strides_neg.onnx               y [1, 3, -4, -4]
#   conv_auto_pad_same.onnx                    y [1, 4, 6, 6]
#   conv_dilations_0.onnx                      y [1, 4, 8, 8]
#   conv_dilations_max.onnx                    y [1, 4, 10, 10]
#   conv_dilations_neg.onnx                    y [1, 4, 10, 10]
#   conv_group_0.onnx                          y [1, 4, 6, 6]
#   conv_group_neg.onnx                        y [1, 4, 6, 6]
#   conv_kernel_0.onnx                         y [1, 4, 9, 9]
#   conv_kernel_max.onnx                       y [1, 4, -9223372036854775798, -9223372036854775798]
#   conv_kernel_neg.onnx                       y [1, 4, 10, 10]
#   conv_kernel_rank3.onnx                     y no shape
#   conv_kernel_too_large.onnx                 y [1, 4, 0, 0]
#   conv_pads_max.onnx                         y [1, 4, 4, 4]
#   conv_pads_neg.onnx                         y [1, 4, 4, 4]
#   conv_pads_with_same_upper.onnx             y [1, 4, 8, 8]
#   conv_strides_0.onnx                        killed by SIGFPE
#   conv_strides_max.onnx                      y [1, 4, 1, 1]
#   conv_strides_neg.onnx                      y [1, 4, -4, -4]
#   convtranspose_auto_pad_same.onnx           y [1, 4, 10, 10]
#   convtranspose_dilations_0.onnx             y [1, 4, 8, 8]
#   convtranspose_dilations_max.onnx           y [1, 4, 6, 6]
#   convtranspose_dilations_neg.onnx           y [1, 4, 6, 6]
#   convtranspose_group_0.onnx                 y [1, 0, 10, 10]
#   convtranspose_group_neg.onnx               y [1, -4, 10, 10]
#   convtranspose_kernel_0.onnx                y [1, 4, 7, 7]
#   convtranspose_kernel_max.onnx              y [1, 4, -9223372036854775802, -9223372036854775802]
#   convtranspose_kernel_neg.onnx              y [1, 4, 6, 6]
#   convtranspose_kernel_rank3.onnx            y no shape
#   convtranspose_kernel_too_large.onnx        y [1, 4, 18, 18]
#   convtranspose_output_padding_5.onnx        y [1, 4, 22, 22]
#   convtranspose_pads_exceed_output.onnx      y [1, 4, -2, -2]
#   convtranspose_pads_max.onnx                y [1, 4, 12, 12]
#   convtranspose_pads_neg.onnx                y [1, 4, 12, 12]
#   convtranspose_pads_with_same_upper.onnx    y no shape
#   convtranspose_strides_0.onnx               y [1, 4, 3, 3]
#   convtranspose_strides_max.onnx             y [1, 4, 9223372036854775804, 9223372036854775804]
#   convtranspose_strides_neg.onnx             y [1, 4, -4, -4]
#   initializer_dims_overflow.onnx             y [1, 4, -9223372036854775798, -9223372036854775798]
#   input_dim_0.onnx                           y [1, 4, -2, 6]
#   input_dim_max.onnx                         y [1, 4, 9223372036854775805, 6]
#   input_dim_max_padded.onnx                  y [1, 4, -9223372036854775807, 10]
#   input_dim_neg.onnx                         y [1, 4, -3, 6]  (shapelint: [1, 4, ?, 6] and SL004 on x)
#   input_dim_neg_relu.onnx                    y [1, 3, -1, 8]
#   maxpool_auto_pad_same.onnx                 y [1, 3, 6, 6]
#   maxpool_dilations_0.onnx                   y [1, 3, 8, 8]
#   maxpool_dilations_max.onnx                 y [1, 3, 10, 10]
#   maxpool_dilations_neg.onnx                 y [1, 3, 10, 10]
#   maxpool_kernel_0.onnx                      y [1, 3, 9, 9]
#   maxpool_kernel_max.onnx                    y [1, 3, -9223372036854775798, -9223372036854775798]
#   maxpool_kernel_neg.onnx                    y [1, 3, 10, 10]
#   maxpool_kernel_rank3.onnx                  y no shape
#   maxpool_kernel_too_large.onnx              y [1, 3, 0, 0]
#   maxpool_pads_max.onnx                      y [1, 3, 4, 4]
#   maxpool_pads_neg.onnx                      y [1, 3, 4, 4]
#   maxpool_pads_with_same_upper.onnx          y [1, 3, 8, 8]
#   maxpool_strides_0.onnx                     killed by SIGFPE
#   maxpool_strides_max.onnx                   y [1, 3, 1, 1]
#   maxpool_strides_neg.onnx                   y [1, 3, -4, -4]
#   weight_one_element_absurd_channels.onnx    y [1, 9223372036854775807, 8, 8]
#   weight_one_element_absurd_kernel.onnx      y [1, 1, -9223372036854775798, 8]
#   weight_one_element_absurd_transpose.onnx   y [1, 1, -9223372036854775802, 8]


# --- expectations -------------------------------------------------------------------------

class Expect:
    def __init__(self, exit_code, code="-", node="-", y="-", fragments=()):
        self.exit_code = exit_code
        self.code = code
        self.node = node
        self.y = y
        self.fragments = list(fragments)
        self.why = ""  # one line for expected.txt: what the model is, and why this outcome

    def line(self, file):
        for text in [self.code, self.node, self.y] + self.fragments:
            assert "\t" not in text and "\n" not in text, text
        return "\t".join([file, str(self.exit_code), self.code, self.node, self.y] + self.fragments)


def finding(code, node, *fragments):
    """Exit 1 with rule `code` at `node` ("" for the graph), message containing every fragment."""
    return Expect(1, code, node if node else "-", "-", fragments)


def clean(y):
    """Exit 0; graph output y has shape `y`."""
    return Expect(0, y="[" + ", ".join(str(d) for d in y) + "]")


def load_error(*fragments):
    """Exit 2: the file does not load; the one-line reason contains every fragment."""
    return Expect(2, fragments=fragments)


# --- model building -----------------------------------------------------------------------

def weight(name, shape, seed):
    data = (np.random.default_rng(seed).standard_normal(shape) * 0.1).astype(np.float32)
    return numpy_helper.from_array(data, name)


def one_element_tensor(name, dims):
    """A float tensor whose dims say `dims` but whose raw_data holds one element."""
    t = TensorProto()
    t.name = name
    t.data_type = FLOAT
    t.dims.extend(dims)
    t.raw_data = np.float32(0.5).tobytes()
    return t


def tensor(name, shape):
    return helper.make_tensor_value_info(name, FLOAT, shape)


def model(nodes, name, x_shape, initializers=(), opset=13):
    graph = helper.make_graph(nodes, name, [tensor("x", x_shape)], [tensor("y", None)],
                              initializer=list(initializers))
    m = helper.make_model(graph, producer_name="shapelint-test",
                          opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 9 if opset >= 19 else 7
    return m


OPS = {
    # op: (node name, short file prefix)
    "Conv": ("conv0", "conv"),
    "ConvTranspose": ("convtranspose0", "convtranspose"),
    "MaxPool": ("maxpool0", "maxpool"),
    "AveragePool": ("averagepool0", "averagepool"),
}


def window_net(op, attrs, x_shape=(1, 3, 8, 8), kernel=(3, 3), opset=None, seed=1):
    """x -> op -> y. Conv and ConvTranspose get a weight with spatial dims
    `kernel` and a bias; the pools get kernel_shape `kernel` unless attrs set it."""
    node_name, _ = OPS[op]
    attrs = dict(attrs)
    inits = []
    inputs = ["x"]
    cin = x_shape[1]
    if op in ("Conv", "ConvTranspose"):
        w_shape = [4, cin] if op == "Conv" else [cin, 4]
        w = weight(node_name + ".weight", w_shape + list(kernel), seed)
        b = weight(node_name + ".bias", [4], seed + 1)
        inits = [w, b]
        inputs += [w.name, b.name]
    else:
        attrs.setdefault("kernel_shape", list(kernel))
    node = helper.make_node(op, inputs, ["y"], name=node_name, **attrs)
    return model([node], node_name, list(x_shape), inits, opset or 13)


# --- the cases ----------------------------------------------------------------------------

def attribute_cases():
    """Every conv/pool attribute at 0, -1 and INT64_MAX, and the other invalid settings."""
    cases = {}

    for op, (node, prefix) in OPS.items():
        pool = op in ("MaxPool", "AveragePool")
        transpose = op == "ConvTranspose"

        def add(suffix, attrs, expect, why="", op=op, prefix=prefix, **net):
            file = f"{prefix}_{suffix}.onnx"
            assert file not in cases, file
            shown = ", ".join(f"{k}={v!r}" for k, v in attrs.items())
            if "kernel" in net:
                shown += (", " if shown else "") + f"weight kernel {list(net['kernel'])}"
            if net.get("opset"):
                shown += f" (opset {net['opset']})"
            expect.why = f"{op} {shown}" + (f": {why}" if why else "")
            cases[file] = (lambda: window_net(op, attrs, **net), expect)

        # strides: 0 and -1 are invalid; INT64_MAX is valid for Conv and the pools
        # (one placement) and overflows s(i - 1) for ConvTranspose.
        add("strides_0", {"strides": [0, 0]}, finding("SL301", node, "strides on axis 2 is 0, expected at least 1"),
            "" if transpose else "kills ONNX 1.12's shape inference (SIGFPE)")
        add("strides_neg", {"strides": [-1, -1]},
            finding("SL301", node, "strides on axis 2 is -1, expected at least 1"))
        if transpose:
            add("strides_max", {"strides": [MAX, MAX]}, finding("SL004", node, "overflows int64", str(MAX)),
                "o = s(i - 1) + k = INT64_MAX * 7 + 3 overflows int64")
        else:
            add("strides_max", {"strides": [MAX, MAX]}, clean([1, 3 if pool else 4, 1, 1]),
                "valid, one placement: o = floor((8 - 3)/INT64_MAX) + 1 = 1")

        # dilations: AveragePool has them only since opset 19.
        opset = 19 if op == "AveragePool" else None
        extra = {"opset": opset} if opset else {}
        add("dilations_0", {"dilations": [0, 0]},
            finding("SL301", node, "dilations on axis 2 is 0, expected at least 1"), **extra)
        add("dilations_neg", {"dilations": [-1, -1]},
            finding("SL301", node, "dilations on axis 2 is -1, expected at least 1"), **extra)
        add("dilations_max", {"dilations": [MAX, MAX]}, finding("SL004", node, "overflows int64", str(MAX)),
            "ke = d(k - 1) + 1 = INT64_MAX * 2 + 1 overflows int64", **extra)

        # pads: -1 is invalid; INT64_MAX overflows i + pb + pe (ConvTranspose: 10 - pb - pe).
        add("pads_neg", {"pads": [-1, -1, -1, -1]},
            finding("SL301", node, "begin pad on axis 2 is -1, expected at least 0"))
        add("pads_max", {"pads": [MAX] * 4}, finding("SL004", node, "overflows int64", str(MAX)),
            "o = s(i - 1) + k - pb - pe = 10 - 2 * INT64_MAX overflows int64" if transpose
            else "i + pb + pe = 8 + 2 * INT64_MAX overflows int64")

        # kernel_shape: 0 and -1 are invalid. INT64_MAX contradicts a Conv
        # weight's 3 x 3; a pool's window of INT64_MAX does not fit 8 (SL202).
        add("kernel_0", {"kernel_shape": [0, 0]},
            finding("SL301", node, "kernel_shape on axis 2 is 0, expected at least 1"))
        add("kernel_neg", {"kernel_shape": [-1, -1]},
            finding("SL301", node, "kernel_shape on axis 2 is -1, expected at least 1"))
        if pool:
            add("kernel_max", {"kernel_shape": [MAX, MAX]},
                finding("SL202", node, "output size on axis 2 is -9223372036854775798",
                        f"the kernel spans {MAX} but the padded input is 8"),
                "o = floor((8 - INT64_MAX)/1) + 1 = -9223372036854775798")
        else:
            add("kernel_max", {"kernel_shape": [MAX, MAX]},
                finding("SL301", node, f"kernel_shape [{MAX}, {MAX}] contradicts the weight's kernel [3, 3]"))

        # A kernel larger than the padded input: 11 > 8 + 1 + 1, o = floor(-1/1) + 1 = 0.
        # ConvTranspose has no such limit (o = 7 + 11 = 18); its analogue is
        # pads that remove more than the natural size: 10 - 6 - 6 = -2.
        too_large = finding("SL202", node, "output size on axis 2 is 0, expected at least 1",
                            "the kernel spans 11 but the padded input is 10 (8 + 1 + 1)")
        if transpose:
            add("kernel_too_large", {}, clean([1, 4, 18, 18]), "valid: o = 1 * (8 - 1) + 11 = 18", kernel=(11, 11))
            add("pads_exceed_output", {"pads": [6, 6, 6, 6]}, finding("SL202", node, "output size on axis 2 is -2"),
                "o = 1 * (8 - 1) + 3 - 6 - 6 = -2")
        elif pool:
            add("kernel_too_large", {"kernel_shape": [11, 11], "pads": [1, 1, 1, 1]}, too_large,
                "o = floor((8 + 1 + 1 - 11)/1) + 1 = 0")
        else:
            add("kernel_too_large", {"pads": [1, 1, 1, 1]}, too_large, "o = floor((8 + 1 + 1 - 11)/1) + 1 = 0",
                kernel=(11, 11))

        add("kernel_rank3", {"kernel_shape": [3, 3, 3]}, finding("SL301", node, "kernel_shape has 3 values, expected 2"),
            "3 kernel dims for a rank-4 input (2 spatial axes)")

        if not pool:
            add("group_0", {"group": 0}, finding("SL301", node, "group is 0, expected at least 1"))
            add("group_neg", {"group": -1}, finding("SL301", node, "group is -1, expected at least 1"))

        if transpose:
            add("output_padding_5", {"strides": [2, 2], "output_padding": [5, 5]},
                finding("SL205", node, "output_padding on axis 2 is 5"),
                "output_padding must be below max(stride, dilation) = 2 (relationship 14)")

        add("auto_pad_same", {"auto_pad": "SAME"},
            finding("SL301", node, "auto_pad is 'SAME', expected NOTSET, VALID, SAME_UPPER or SAME_LOWER"),
            "not an ONNX auto_pad value (SAME_UPPER and SAME_LOWER are)")
        add("pads_with_same_upper", {"auto_pad": "SAME_UPPER", "pads": [1, 1, 1, 1]},
            finding("SL301", node, "pads [1, 1, 1, 1] are given with auto_pad SAME_UPPER"),
            "the spec forbids explicit pads with SAME/VALID")
    return cases


def conv_relu(x_shape, pads, w=None, bias=True):
    """x -> Conv(conv0, pads) -> Relu(relu0) -> y; W [4, C, 3, 3] unless given."""
    if w is None:
        w = weight("conv0.weight", [4, x_shape[1], 3, 3], 7)
    inits = [w]
    inputs = ["x", w.name]
    if bias:
        b = weight("conv0.bias", [4], 8)
        inits.append(b)
        inputs.append(b.name)
    nodes = [helper.make_node("Conv", inputs, ["conv0_out"], name="conv0", pads=list(pads)),
             helper.make_node("Relu", ["conv0_out"], ["y"], name="relu0")]
    return model(nodes, "conv_relu", list(x_shape), inits)


def absurd_weight_transpose():
    """x [1, 1, 8, 8] -> ConvTranspose with a one-element W of dims [1, 1, INT64_MAX, 1]."""
    w = one_element_tensor("convtranspose0.weight", [1, 1, MAX, 1])
    node = helper.make_node("ConvTranspose", ["x", w.name], ["y"], name="convtranspose0")
    return model([node], "absurd_weight_transpose", [1, 1, 8, 8], [w])


def relu_only_negative():
    """x [1, 3, -1, 8] -> Relu -> y."""
    return model([helper.make_node("Relu", ["x"], ["y"], name="relu0")], "relu_only", [1, 3, -1, 8])


def because(expect, why):
    expect.why = why
    return expect


def dims_cases():
    """Absurd dims in the declared input shape and in initializers. The net is
    x -> Conv conv0 (3 x 3) -> Relu relu0 -> y."""
    return {
        "input_dim_max.onnx": (
            lambda: conv_relu([1, 3, MAX, 8], [0, 0, 0, 0]),
            because(clean([1, 4, MAX - 2, 6]),
                    "x [1, 3, INT64_MAX, 8], no pads: valid, o = INT64_MAX - 3 + 1 fits")),
        "input_dim_max_padded.onnx": (
            lambda: conv_relu([1, 3, MAX, 8], [2, 2, 2, 2]),
            because(finding("SL004", "conv0", "overflows int64", str(MAX)),
                    "x [1, 3, INT64_MAX, 8], pads 2: o = INT64_MAX + 2 + 2 - 3 + 1 overflows int64")),
        "input_dim_neg.onnx": (
            lambda: conv_relu([1, 3, -1, 8], [0, 0, 0, 0]),
            because(finding("SL004", "", "graph input 'x'", "dim -1 on axis 2"),
                    "x [1, 3, -1, 8]: a negative dim_value in the declared input, reported once where it is "
                    "declared (graph-level); downstream the dim is unknown")),
        "input_dim_neg_relu.onnx": (
            relu_only_negative,
            because(finding("SL004", "", "'x'", "dim -1 on axis 2"),
                    "x [1, 3, -1, 8] -> Relu relu0 -> y: the same negative dim with no window op to read it; "
                    "a graph-level finding about the declared input")),
        "input_dim_0.onnx": (
            lambda: conv_relu([1, 3, 0, 8], [0, 0, 0, 0]),
            because(finding("SL202", "conv0", "output size on axis 2 is -2"),
                    "x [1, 3, 0, 8]: o = floor((0 - 3)/1) + 1 = -2")),
        "weight_one_element_absurd_kernel.onnx": (
            lambda: conv_relu([1, 1, 8, 8], [0, 0, 0, 0],
                              w=one_element_tensor("conv0.weight", [1, 1, MAX, 1]), bias=False),
            because(finding("SL202", "conv0", f"the kernel spans {MAX} but the padded input is 8"),
                    "W holds one element but has dims [1, 1, INT64_MAX, 1]: a kernel of INT64_MAX rows over 8")),
        "weight_one_element_absurd_channels.onnx": (
            lambda: conv_relu([1, 1, 8, 8], [0, 0, 0, 0],
                              w=one_element_tensor("conv0.weight", [MAX, 1, 1, 1]), bias=False),
            because(clean([1, MAX, 8, 8]),
                    "W holds one element but has dims [INT64_MAX, 1, 1, 1]: INT64_MAX output channels, valid")),
        "weight_one_element_absurd_transpose.onnx": (
            absurd_weight_transpose,
            because(finding("SL004", "convtranspose0", "overflows int64", str(MAX)),
                    "x [1, 1, 8, 8] -> ConvTranspose, W one element of dims [1, 1, INT64_MAX, 1]: "
                    "o = 1 * (8 - 1) + INT64_MAX overflows int64")),
        "initializer_dims_overflow.onnx": (
            lambda: conv_relu([1, 3, 8, 8], [0, 0, 0, 0],
                              w=one_element_tensor("conv0.weight", [4, 3, MAX, MAX])),
            because(load_error("initializer 'conv0.weight'", "overflows int64"),
                    "W dims [4, 3, INT64_MAX, INT64_MAX]: its element count overflows int64, the loader refuses it")),
    }


def all_cases():
    cases = attribute_cases()
    for name, case in dims_cases().items():
        assert name not in cases, name
        cases[name] = case
    return cases


def all_files():
    files = {}
    lines = ["# Generated by tools/gen_models_robust.py: the outcome each model in this directory must have.",
             "# FILE\tEXIT\tCODE\tNODE\tY\tFRAGMENT... ('-': none; see the generator's docstring)"]
    for name, (build, expect) in sorted(all_cases().items()):
        data = build().SerializeToString()
        assert len(data) < 50_000, (name, len(data))
        files[name] = data
        assert expect.why, name
        lines.append("# " + expect.why)
        lines.append(expect.line(name))
    files[EXPECTED] = ("\n".join(lines) + "\n").encode()
    return files


# --- ONNX 1.12 probe ----------------------------------------------------------------------

PROBE = ("import sys, onnx\n"
         "m = onnx.load(sys.argv[1])\n"
         "try:\n"
         "    g = onnx.shape_inference.infer_shapes(m).graph\n"
         "except Exception as e:\n"
         "    print('raises ' + type(e).__name__ + ': ' + str(e).splitlines()[0][:150])\n"
         "    sys.exit(0)\n"
         "t = [v for v in g.output if v.name == 'y'][0].type.tensor_type\n"
         "dims = [d.dim_value if d.HasField('dim_value') else '?' for d in t.shape.dim]\n"
         "print('y ' + (str(dims) if t.HasField('shape') else 'no shape'))\n")


def probe_onnx():
    """Runs ONNX's shape inference (default, non-strict mode) on each written model in a subprocess."""
    crashed = []
    for name in sorted(n for n in os.listdir(OUT) if n.endswith(".onnx")):
        p = subprocess.run([sys.executable, "-c", PROBE, os.path.join(OUT, name)],
                           capture_output=True, text=True, timeout=120)
        if p.returncode < 0:
            outcome = "killed by " + signal.Signals(-p.returncode).name
            crashed.append((name, outcome))
        elif p.returncode != 0:
            outcome = f"exit {p.returncode}: " + (p.stderr.strip().splitlines() or [""])[-1][:150]
        else:
            outcome = p.stdout.strip()
        print(f"{name}\t{outcome}")
    print(f"# onnx {onnx.__version__}: {len(crashed)} of the models kill the process", file=sys.stderr)
    return 0


def main(argv):
    if "--probe-onnx" in argv[1:]:
        return probe_onnx()
    check = "--check" in argv[1:]
    files = all_files()
    stale = write_or_check(OUT, files, check, remove_extra=True)
    if not check:
        print(f"wrote {len(files)} files to {os.path.relpath(OUT)}")
    if stale:
        print("stale (rerun tools/gen_models_robust.py):", " ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
