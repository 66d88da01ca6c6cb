#!/usr/bin/python3
"""Writes torch-exported models whose output shapes come from shape
computations (Shape -> Gather -> Unsqueeze -> Concat -> Reshape; Shape ->
Cast -> Mul -> Floor -> Resize sizes) to tests/models/data/, with the shapes
torch itself gives at a few input sizes in tests/models/data/expected.txt.

Each model has input x [N, 64, H, W] with N, H, W dynamic (dim_param) and
output y. expected.txt has one line per (model, input size):
    FILE <TAB> N,C,H,W <TAB> torch's y shape (comma-separated)
tests/unit/conformance/data_models_test.cpp checks that shapelint infers the
same shape, symbolically (evaluated at the sizes) and for concrete inputs.

Run with Debian's python3-torch:  /usr/bin/python3 tools/gen_models_data.py [--check]
"""

import io
import os
import sys
import warnings

import onnx
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model_files import write_or_check  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "models", "data")
SIZES = [(2, 64, 5, 7), (1, 64, 8, 8), (3, 64, 9, 4)]


class Flatten(torch.nn.Module):
    """x.view(x.size(0), -1): Shape -> Gather(0) -> Unsqueeze -> Concat([-1]) -> Reshape."""

    def forward(self, x):
        return x.view(x.size(0), -1)


class Interpolate(torch.nn.Module):
    """F.interpolate(x, scale_factor=2): Resize with constant scales."""

    def forward(self, x):
        return F.interpolate(x, scale_factor=2.0)


class InterpolateRecompute(torch.nn.Module):
    """recompute_scale_factor: Shape -> Gather -> Cast -> Mul(2.0) -> Cast -> Floor -> Resize sizes."""

    def forward(self, x):
        return F.interpolate(x, scale_factor=2.0, recompute_scale_factor=True)


class InterpolateSize(torch.nn.Module):
    """size from the input's shape: Shape -> Gather -> Mul(2) -> Concat -> Resize sizes."""

    def forward(self, x):
        return F.interpolate(x, size=(x.shape[2] * 2, x.shape[3] * 2))


MODELS = [
    ("flatten", Flatten, (11, 13, 17)),
    ("interpolate", Interpolate, (11, 13)),
    ("interpolate_recompute", InterpolateRecompute, (11, 13, 17)),
    ("interpolate_size", InterpolateSize, (11, 13)),
]


def export(module, opset):
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, (torch.zeros(*SIZES[0]),), buf, opset_version=opset, input_names=["x"],
                          output_names=["y"], dynamic_axes={"x": {0: "N", 2: "H", 3: "W"}, "y": {0: "N"}})
    model = onnx.load_from_string(buf.getvalue())
    model.producer_version = ""  # the bytes do not depend on the torch build
    return model.SerializeToString()


def all_files():
    files = {}
    lines = ["# FILE\tinput N,C,H,W\ttorch's y shape (written by tools/gen_models_data.py)"]
    for name, cls, opsets in MODELS:
        module = cls().eval()
        for opset in opsets:
            fname = f"{name}_opset{opset}.onnx"
            files[fname] = export(module, opset)
            for size in SIZES:
                with torch.no_grad():
                    y = module(torch.zeros(*size))
                lines.append(f"{fname}\t{','.join(map(str, size))}\t{','.join(map(str, y.shape))}")
    files["expected.txt"] = ("\n".join(lines) + "\n").encode()
    return files


def main(argv):
    check = "--check" in argv[1:]
    files = all_files()
    stale = write_or_check(OUT, files, check, remove_extra=True)
    if not check:
        print(f"wrote {len(files)} files to {os.path.relpath(OUT)}")
    if stale:
        print("stale (rerun tools/gen_models_data.py):", " ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
