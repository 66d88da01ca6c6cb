#!/usr/bin/python3
"""Ground truth for `shapelint sizes`: small encoder-decoder models built in torch,
exported to tests/models/sizes/*.onnx with dynamic spatial dims, and run in torch
at every size of one axis in a range; tests/models/sizes/expected.txt records which
sizes run. tests/unit/conformance/sizes_test.cpp checks that shapelint's predicted
valid set equals torch's exactly over the range.

Run with Debian's torch/onnx: nice -n 10 /usr/bin/python3 tools/gen_models_sizes.py
expected.txt lines:  MODEL SYMBOL LO HI OTHER=SIZE VALID_SIZES(comma separated, or -)
"""
import os
import sys

import torch
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(0)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "models", "sizes")
C = 2  # channels: tiny models


def block(cin, cout, dim=2):
    conv = nn.Conv2d if dim == 2 else nn.Conv1d
    return nn.Sequential(conv(cin, cout, 3, padding=1), nn.ReLU())


class UNet(nn.Module):
    """depth levels; down: 'pool' (MaxPool k2 s2) or 'conv' (Conv k3 s2 p1);
    up: 'ct' (ConvTranspose k2 s2), 'ct3' (ConvTranspose k3 s2 p1, output_padding op),
    'up' (nearest Upsample x2). Skip connections by Concat."""

    def __init__(self, depth, down, up, op=0):
        super().__init__()
        self.depth, self.downk, self.upk = depth, down, up
        self.enc = nn.ModuleList([block(1 if i == 0 else C, C) for i in range(depth)])
        self.down = nn.ModuleList([nn.MaxPool2d(2) if down == "pool" else nn.Conv2d(C, C, 3, 2, 1)
                                   for _ in range(depth)])
        self.mid = block(C, C)
        ups = []
        for _ in range(depth):
            if up == "ct":
                ups.append(nn.ConvTranspose2d(C, C, 2, 2))
            elif up == "ct3":
                ups.append(nn.ConvTranspose2d(C, C, 3, 2, 1, output_padding=op))
            else:
                ups.append(nn.Upsample(scale_factor=2, mode="nearest"))
        self.up = nn.ModuleList(ups)
        self.dec = nn.ModuleList([block(2 * C, C) for _ in range(depth)])
        self.head = nn.Conv2d(C, 1, 1)

    def forward(self, x):
        skips = []
        for i in range(self.depth):
            x = self.enc[i](x)
            skips.append(x)
            x = self.down[i](x)
        x = self.mid(x)
        for i in range(self.depth):
            x = self.up[i](x)
            x = self.dec[i](torch.cat([x, skips.pop()], 1))
        return self.head(x)


class FCN(nn.Module):
    """FCN-style head: a stride-8 backbone, a 1x1 classifier, upsampled x8 and
    added to a full-resolution skip score."""

    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Conv2d(1, C, 3, 2, 1), nn.ReLU(), nn.Conv2d(C, C, 3, 2, 1), nn.ReLU(),
                                      nn.Conv2d(C, C, 3, 2, 1), nn.ReLU())
        self.score = nn.Conv2d(C, 3, 1)
        self.skip = nn.Conv2d(1, 3, 1)
        self.up = nn.ConvTranspose2d(3, 3, 16, 8, 4)

    def forward(self, x):
        return self.up(self.score(self.backbone(x))) + self.skip(x)


class Audio(nn.Module):
    """1-D audio autoencoder: two Conv1d(k8, s4, p2) down, two ConvTranspose1d(k8, s4, p2) up,
    and a residual Add with the input."""

    def __init__(self):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv1d(1, C, 8, 4, 2), nn.ReLU(), nn.Conv1d(C, C, 8, 4, 2), nn.ReLU())
        self.dec = nn.Sequential(nn.ConvTranspose1d(C, C, 8, 4, 2), nn.ReLU(), nn.ConvTranspose1d(C, 1, 8, 4, 2))

    def forward(self, x):
        return self.dec(self.enc(x)) + x


class ReshapeOnly(nn.Module):
    """The only constraint: Reshape to [1, -1, 4] of a [1, 1, H, 3] input (3H % 4 == 0)."""

    def forward(self, x):
        return torch.reshape(x * 2.0, (1, -1, 4))


class Conflict(nn.Module):
    """1-D, two skip paths over the same input: MaxPool1d(2) + ConvTranspose1d(k2, s2)
    gives 2*(L // 2) (equal to L only for even L), Conv1d(k3, s2, p1) +
    ConvTranspose1d(k3, s2, p1) gives 2*((L + 1) // 2) - 1 (only odd L): no size runs."""

    def __init__(self):
        super().__init__()
        self.pool, self.up2 = nn.MaxPool1d(2), nn.ConvTranspose1d(1, 1, 2, 2)
        self.down3, self.up3 = nn.Conv1d(1, 1, 3, 2, 1), nn.ConvTranspose1d(1, 1, 3, 2, 1)

    def forward(self, x):
        a = torch.cat([self.up2(self.pool(x)), x], 1)
        b = torch.cat([self.up3(self.down3(x)), x], 1)
        return a + b


class PlainCNN(nn.Module):
    """No merge: three Conv(k3, s2, p1) and a 1x1 head; runs at every size."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(1, C, 3, 2, 1), nn.ReLU(), nn.Conv2d(C, C, 3, 2, 1), nn.ReLU(),
                                  nn.Conv2d(C, C, 3, 2, 1), nn.Conv2d(C, 1, 1))

    def forward(self, x):
        return self.body(x)


class SplitFixed(nn.Module):
    """Split of H into explicit sizes [16, 24]: runs only at H == 40."""

    def forward(self, x):
        a, b = torch.split(x, [16, 24], dim=2)
        return torch.cat([b, a], 2) * 2.0


class GatherIndex(nn.Module):
    """Constant indices 5 and -3 on H (Gather): runs from H = 6 on."""

    def forward(self, x):
        return x[:, :, 5] + x[:, :, -3]


def export_conflict(model, path):
    """torch cannot trace a model that runs at no size: write the same graph with
    onnx.helper, with the torch module's weights (L symbolic)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    w = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    inits = [numpy_helper.from_array(v, k) for k, v in w.items()]
    nodes = [
        helper.make_node("MaxPool", ["x"], ["p"], kernel_shape=[2], strides=[2], name="pool"),
        helper.make_node("ConvTranspose", ["p", "up2.weight", "up2.bias"], ["u2"], kernel_shape=[2], strides=[2],
                         name="up2"),
        helper.make_node("Concat", ["u2", "x"], ["a"], axis=1, name="cat_even"),
        helper.make_node("Conv", ["x", "down3.weight", "down3.bias"], ["d3"], kernel_shape=[3], strides=[2],
                         pads=[1, 1], name="down3"),
        helper.make_node("ConvTranspose", ["d3", "up3.weight", "up3.bias"], ["u3"], kernel_shape=[3], strides=[2],
                         pads=[1, 1], name="up3"),
        helper.make_node("Concat", ["u3", "x"], ["b"], axis=1, name="cat_odd"),
        helper.make_node("Add", ["a", "b"], ["y"], name="add"),
    ]
    graph = helper.make_graph(nodes, "conflict", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, "L"])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, "L"])], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(m)
    onnx.save(m, path)


# name, module, input shape (with the varied axis), varied axis, symbol names by axis,
# the fixed size of the other spatial axis
MODELS = [
    ("unet_pool_ct_d2", UNet(2, "pool", "ct"), 4),
    ("unet_pool_ct_d3", UNet(3, "pool", "ct"), 4),
    ("unet_pool_ct_d4", UNet(4, "pool", "ct"), 4),
    ("unet_conv_ct3_op1_d3", UNet(3, "conv", "ct3", 1), 4),
    ("unet_conv_ct3_op0_d2", UNet(2, "conv", "ct3", 0), 4),
    ("unet_pool_up_d3", UNet(3, "pool", "up"), 4),
    ("unet_conv_up_d2", UNet(2, "conv", "up"), 4),
    ("fcn8", FCN(), 4),
    ("audio_ae", Audio(), 3),
    ("reshape_only", ReshapeOnly(), 4),
    ("conflict", Conflict(), 3),
    ("plain_cnn", PlainCNN(), 4),
    ("split_fixed", SplitFixed(), 4),
    ("gather_index", GatherIndex(), 4),
]
LO, HI = 8, 200


def shape_at(name, rank, size, fixed):
    """The input shape with the varied axis at `size` (W at `fixed`, a size that runs)."""
    if name == "reshape_only":
        return (1, 1, size, 3)
    return (1, 1, size) if rank == 3 else (1, 1, size, fixed)


def runs(model, shape):
    try:
        with torch.no_grad():
            model(torch.randn(*shape))
        return True
    except RuntimeError:
        return False


def main():
    """With model names as arguments, regenerates only those (their lines in
    expected.txt are replaced, the others kept)."""
    os.makedirs(OUT, exist_ok=True)
    only = set(sys.argv[1:])
    lines = []
    kept = {}
    if only and os.path.exists(os.path.join(OUT, "expected.txt")):
        with open(os.path.join(OUT, "expected.txt")) as f:
            for line in f:
                if not line.startswith("#") and line.strip():
                    kept[line.split()[0][:-len(".onnx")]] = line.rstrip("\n")
    for name, model, rank in MODELS:
        if only and name not in only:
            if name in kept:
                lines.append(kept[name])
            continue
        model.eval()
        axes = {0: {2: "L"}} if rank == 3 else {0: {2: "H", 3: "W"}}
        if name == "reshape_only":
            axes = {0: {2: "H"}}
        # W fixed at the smallest size >= 32 at which the square input runs
        # (H and W are independent in these models).
        fixed = next((s for s in range(32, 1000) if runs(model, shape_at(name, rank, s, s))), 32)
        if name == "split_fixed":
            fixed = 32  # W is free; the square search would stop at 40
        valid = [size for size in range(LO, HI + 1) if runs(model, shape_at(name, rank, size, fixed))]
        example = torch.randn(*shape_at(name, rank, 40 if name == "split_fixed" else fixed, fixed))
        if name == "conflict":
            export_conflict(model, os.path.join(OUT, name + ".onnx"))
        else:
            torch.onnx.export(model, example, os.path.join(OUT, name + ".onnx"), opset_version=13,
                            input_names=["x"], output_names=["y"], dynamic_axes={"x": axes[0]},
                            do_constant_folding=True)
        symbol = "L" if rank == 3 else "H"
        other = "-" if rank == 3 or name == "reshape_only" else f"W={fixed}"
        lines.append(f"{name}.onnx {symbol} {LO} {HI} {other} {','.join(map(str, valid)) or '-'}")
        print(lines[-1][:120], file=sys.stderr)
    with open(os.path.join(OUT, "expected.txt"), "w") as f:
        f.write("# written by tools/gen_models_sizes.py: MODEL SYMBOL LO HI OTHER VALID_SIZES (torch "
                + torch.__version__ + ")\n")
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
