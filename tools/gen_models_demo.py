#!/usr/bin/python3
"""Writes the bundled example models in tests/models/demo/ (deterministic).

  classifier.onnx      a small clean image classifier
  unet_skip.onnx       a two-level encoder-decoder with skip connections, at 64x64
  unet_skip_odd.onnx   the same network exported at 65x65: the skip Concat fails,
                       because MaxPool(k=2, s=2) floors 65 to 32 and the
                       ConvTranspose(k=2, s=2) brings it back as 64, not 65

Run with Debian's python3-onnx: /usr/bin/python3 tools/gen_models_demo.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "models", "demo")


class Net:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits = [], []
        self.count = {}

    def name(self, op):
        n = self.count.get(op, 0)
        self.count[op] = n + 1
        return f"{op.lower()}{n}"

    def weight(self, name, shape):
        data = (self.rng.standard_normal(shape) * 0.1).astype(np.float32)
        self.inits.append(numpy_helper.from_array(data, name))
        return name

    def conv(self, x, cin, cout, k, stride=1, pad=0, op="Conv"):
        n = self.name(op)
        wshape = [cout, cin, k, k] if op == "Conv" else [cin, cout, k, k]
        w = self.weight(n + ".weight", wshape)
        b = self.weight(n + ".bias", [cout])
        self.nodes.append(helper.make_node(op, [x, w, b], [n], name=n, kernel_shape=[k, k],
                                           strides=[stride, stride], pads=[pad] * 4))
        return n

    def op(self, op, inputs, **attrs):
        n = self.name(op)
        self.nodes.append(helper.make_node(op, inputs, [n], name=n, **attrs))
        return n

    def model(self, graph_name, x_shape, out, out_shape):
        graph = helper.make_graph(
            self.nodes, graph_name,
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
            [helper.make_tensor_value_info(out, TensorProto.FLOAT, out_shape)],
            initializer=self.inits)
        m = helper.make_model(graph, producer_name="shapelint-demo",
                              opset_imports=[helper.make_opsetid("", 13)])
        m.ir_version = 7
        return m


def unet(size):
    net = Net(seed=1)
    e1 = net.op("Relu", [net.conv("x", 3, 8, 3, pad=1)])            # 8 x s x s
    p1 = net.op("MaxPool", [e1], kernel_shape=[2, 2], strides=[2, 2])
    e2 = net.op("Relu", [net.conv(p1, 8, 16, 3, pad=1)])             # 16 x s/2
    p2 = net.op("MaxPool", [e2], kernel_shape=[2, 2], strides=[2, 2])
    mid = net.op("Relu", [net.conv(p2, 16, 16, 3, pad=1)])           # 16 x s/4
    u2 = net.conv(mid, 16, 16, 2, stride=2, op="ConvTranspose")      # 16 x 2*(s/4)
    c2 = net.op("Concat", [u2, e2], axis=1)                          # 32
    d2 = net.op("Relu", [net.conv(c2, 32, 8, 3, pad=1)])
    u1 = net.conv(d2, 8, 8, 2, stride=2, op="ConvTranspose")
    c1 = net.op("Concat", [u1, e1], axis=1)                          # 16
    d1 = net.op("Relu", [net.conv(c1, 16, 8, 3, pad=1)])
    out = net.conv(d1, 8, 2, 1)
    return net.model("unet_skip", [1, 3, size, size], out, [1, 2, size, size])


def classifier():
    net = Net(seed=2)
    h = net.conv("x", 3, 8, 3, stride=2, pad=1)
    mean = net.weight("bn.mean", [8])
    var = net.weight("bn.var", [8])
    scale = net.weight("bn.scale", [8])
    bias = net.weight("bn.bias", [8])
    h = net.op("BatchNormalization", [h, scale, bias, mean, var])
    h = net.op("Relu", [h])
    h = net.op("MaxPool", [h], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    r = net.op("Relu", [net.conv(h, 8, 8, 3, pad=1)])
    h = net.op("Add", [h, r])
    h = net.op("GlobalAveragePool", [h])
    h = net.op("Flatten", [h], axis=1)
    w = net.weight("fc.weight", [10, 8])
    b = net.weight("fc.bias", [10])
    out = net.op("Gemm", [h, w, b], transB=1)
    return net.model("classifier", [1, 3, 32, 32], out, [1, 10])


def save(model, name):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        f.write(model.SerializeToString())
    print("wrote", os.path.relpath(path))


if __name__ == "__main__":
    save(classifier(), "classifier.onnx")
    good = unet(64)
    onnx.checker.check_model(good, full_check=True)
    save(good, "unet_skip.onnx")
    save(unet(65), "unet_skip_odd.onnx")
