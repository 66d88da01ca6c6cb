#!/usr/bin/python3
"""Writes the real-model suite in tests/models/real/: torchvision architectures
with random weights, exported by torch at opsets 11, 13 and 17, and the output
shapes torch computes for them (expected.json).

Run with Debian's torch (python3-torch, python3-torchvision, python3-onnx):

    nice -n 10 /usr/bin/python3 tools/gen_models_real.py            # (re)write
    nice -n 10 /usr/bin/python3 tools/gen_models_real.py --only resnet18,vgg11
    nice -n 10 /usr/bin/python3 tools/gen_models_real.py --check   # exit 1 if stale

Nothing is downloaded: every model is built with weights=None and seeded
random weights. `make test` never needs torch: it reads the committed files.

Each architecture is exported
  static   <arch>_op<opset>_static.onnx  batch 1 at one fixed size;
  dynamic  <arch>_op<opset>_dyn.onnx     N, H, W (and T for video) as
           dynamic_axes named N, H, W, T; the output's batch (and the
           segmentation map's H, W) named the same,
unless torch 1.13 cannot export it with dynamic sizes (vgg's adaptive pooling
to 7x7 needs a static input size): then expected.json lists the architecture
under "static_only" with torch's reason.

The weight payloads are stripped: a float initializer (or Constant) with more
than 1024 elements keeps its dims and data_type but loses raw_data /
float_data. Small tensors keep their data (integer shape constants, and small
float ones such as Resize scales). value_info is removed, so every
intermediate shape is left to the tool under test. The stripped models are
small (7.5 MB for the 93 models and expected.json), under the suite's 15 MB
budget, so they are committed uncompressed and the test reads them in place.

expected.json: for each model file, for a static model the output shapes at
its fixed size; for a dynamic model torch's output shapes at three input
sizes, each with the bindings of the model's input dim_params (as named in the
exported model) to that size.

Determinism: weights are seeded and torch's exporter names nodes
deterministically; with the same torch build, re-exporting gives the same
bytes (checked for resnet18 and mobilenet_v3_small), so --check works. Another
torch build may number or fold differently: then review the diff of
expected.json (the shapes must not change). A full run takes about 35 minutes
on two busy cores (vgg11's 130M random weights and densenet121, convnext_tiny,
r3d_18 the longest); --only re-exports single architectures.

Cross-check: ONNX 1.12's own inference (strict, data_prop), with the input
fixed to each recorded size, agrees with torch on every output it fully
infers (150 of 183 model-size pairs; it leaves the segmentation models'
Resize and the dynamic shufflenet's outputs unknown).
"""
import argparse
import io
import json
import os
import sys
import time
import traceback

import onnx
import torch
import torchvision
from onnx import TensorProto

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model_files import write_or_check  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "models", "real")
OPSETS = (11, 13, 17)
STRIP_ABOVE = 1024  # elements
FLOAT_TYPES = {TensorProto.FLOAT, TensorProto.DOUBLE, TensorProto.FLOAT16, TensorProto.BFLOAT16}

tv = torchvision.models

# Image models take (N, 3, H, W); sizes are (N, H, W).
IMAGE_AXES = {0: "N", 2: "H", 3: "W"}
IMAGE_SIZES = [(1, 224, 224), (2, 97, 81), (1, 64, 96)]  # small: torch runs them on one thread
VIDEO_AXES = {0: "N", 2: "T", 3: "H", 4: "W"}
VIDEO_SIZES = [(1, 8, 112, 112), (2, 5, 57, 71), (1, 4, 48, 64)]


class SegOut(torch.nn.Module):
    """torchvision's segmentation models return {'out': ...}; export the tensor."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x)["out"]


def classifier(ctor, size=224, sizes=IMAGE_SIZES):
    return dict(build=ctor, static=(1, 3, size, size), axes=IMAGE_AXES, sizes=sizes,
                out_axes={0: "N"})


# name -> how to build it, its static input, its dynamic axes and sizes.
ARCHS = {
    "resnet18": classifier(lambda: tv.resnet18(weights=None)),
    "resnet50": classifier(lambda: tv.resnet50(weights=None)),
    "mobilenet_v2": classifier(lambda: tv.mobilenet_v2(weights=None)),
    "mobilenet_v3_small": classifier(lambda: tv.mobilenet_v3_small(weights=None)),
    "efficientnet_b0": classifier(lambda: tv.efficientnet_b0(weights=None)),
    "densenet121": classifier(lambda: tv.densenet121(weights=None)),
    "squeezenet1_1": classifier(lambda: tv.squeezenet1_1(weights=None)),
    "shufflenet_v2_x1_0": classifier(lambda: tv.shufflenet_v2_x1_0(weights=None)),
    "vgg11": classifier(lambda: tv.vgg11(weights=None)),
    "googlenet": classifier(lambda: tv.googlenet(weights=None, aux_logits=False, init_weights=False)),
    # inception_v3 needs H, W >= 75.
    "inception_v3": classifier(lambda: tv.inception_v3(weights=None, aux_logits=False, init_weights=False),
                               size=299, sizes=[(1, 299, 299), (2, 97, 81), (1, 80, 96)]),
    "regnet_y_400mf": classifier(lambda: tv.regnet_y_400mf(weights=None)),
    "convnext_tiny": classifier(lambda: tv.convnext_tiny(weights=None)),
    "lraspp_mobilenet_v3_large": dict(
        build=lambda: SegOut(tv.segmentation.lraspp_mobilenet_v3_large(weights=None, weights_backbone=None)),
        static=(1, 3, 224, 224), axes=IMAGE_AXES, sizes=IMAGE_SIZES, out_axes={0: "N", 2: "H", 3: "W"}),
    "fcn_resnet50": dict(
        build=lambda: SegOut(tv.segmentation.fcn_resnet50(weights=None, weights_backbone=None, aux_loss=False)),
        static=(1, 3, 224, 224), axes=IMAGE_AXES, sizes=IMAGE_SIZES, out_axes={0: "N", 2: "H", 3: "W"}),
    "r3d_18": dict(build=lambda: tv.video.r3d_18(weights=None), static=(1, 3, 8, 112, 112), axes=VIDEO_AXES,
                   sizes=VIDEO_SIZES, out_axes={0: "N"}),
}


def input_shape(arch, size):
    """(N, H, W) or (N, T, H, W) -> the full input shape with 3 channels."""
    return (size[0], 3) + tuple(size[1:])


def export(model, example, opset, dynamic):
    f = io.BytesIO()
    kwargs = {}
    if dynamic:
        kwargs["dynamic_axes"] = {"input": dynamic["axes"], "output": dynamic["out_axes"]}
    torch.onnx.export(model, example, f, opset_version=opset, input_names=["input"], output_names=["output"],
                      do_constant_folding=True, **kwargs)
    return onnx.load_from_string(f.getvalue())


def element_count(tensor):
    count = 1
    for d in tensor.dims:
        count *= d
    return count


def strip_tensor(tensor):
    if tensor.data_type in FLOAT_TYPES and element_count(tensor) > STRIP_ABOVE:
        tensor.ClearField("raw_data")
        tensor.ClearField("float_data")
        tensor.ClearField("double_data")
        tensor.ClearField("int32_data")


def strip(model):
    """Removes weight payloads (keeping dims and type) and value_info."""
    graph = model.graph
    for tensor in graph.initializer:
        strip_tensor(tensor)
    for node in graph.node:
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.TENSOR:
                strip_tensor(attr.t)
    del graph.value_info[:]
    model.producer_name = "shapelint gen_models_real.py (torch " + torch.__version__.split("a")[0] + ")"
    return model


def input_dim_names(model):
    """The input's dims as exported: dim_param names or None (a value)."""
    dims = model.graph.input[0].type.tensor_type.shape.dim
    return [d.dim_param if d.HasField("dim_param") else None for d in dims]


def torch_outputs(model, shape):
    with torch.no_grad():
        out = model(torch.randn(*shape))
    return [list(out.shape)]


def run_arch(name, spec, files, entries, static_only):
    t0 = time.time()
    torch.manual_seed(0)
    model = spec["build"]().eval()
    static_in = spec["static"]
    static_out = torch_outputs(model, static_in)
    dyn_runs = []
    for size in spec["sizes"]:
        shape = input_shape(name, size)
        dyn_runs.append((shape, static_out if shape == static_in else torch_outputs(model, shape)))
    for opset in OPSETS:
        fname = f"{name}_op{opset}_static.onnx"
        m = strip(export(model, torch.randn(*static_in), opset, None))
        files[fname] = m.SerializeToString()
        entries.append({"file": fname, "arch": name, "opset": opset, "dynamic": False,
                        "input": list(static_in), "outputs": static_out})
        fname = f"{name}_op{opset}_dyn.onnx"
        try:
            m = strip(export(model, torch.randn(*static_in), opset, spec))
        except Exception as e:  # torch cannot export it with dynamic sizes
            reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            reason = reason.split(" Please feel free")[0].split(" [Caused by")[0]
            static_only.append({"arch": name, "opset": opset, "reason": reason})
            print(f"  {name} opset {opset}: static only: {reason}")
            continue
        names = input_dim_names(m)
        runs = []
        for shape, outs in dyn_runs:
            bindings = {n: v for n, v in zip(names, shape) if n}
            runs.append({"input": list(shape), "bindings": bindings, "outputs": outs})
        files[fname] = m.SerializeToString()
        entries.append({"file": fname, "arch": name, "opset": opset, "dynamic": True,
                        "input_dims": [n if n else v for n, v in zip(names, static_in)], "runs": runs})
    print(f"{name}: {time.time() - t0:.0f}s", flush=True)


def expected_json(expected):
    """One model (and one static-only case) a line, for readable diffs."""
    lines = ["{"]
    for key in ("comment", "torch", "torchvision"):
        lines.append(f" {json.dumps(key)}: {json.dumps(expected[key])},")
    for key in ("models", "static_only"):
        items = [" " + json.dumps(item) for item in expected[key]]
        lines.append(f" {json.dumps(key)}: [\n" + ",\n".join(items) + "\n ]" + ("," if key == "models" else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated architectures to re-export (the others keep their "
                                       "files and expected.json entries)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a committed file "
                                                             "differs from what the export gives")
    args = parser.parse_args()
    torch.set_num_threads(1)
    archs = list(ARCHS)
    if args.only:
        archs = args.only.split(",")
        unknown = [a for a in archs if a not in ARCHS]
        if unknown:
            sys.exit(f"unknown architecture(s): {', '.join(unknown)}; known: {', '.join(ARCHS)}")

    expected_path = os.path.join(OUT, "expected.json")
    entries, static_only = [], []
    files = {}
    if args.only and os.path.exists(expected_path):
        with open(expected_path) as f:
            old = json.load(f)
        entries = [e for e in old["models"] if e["arch"] not in archs]
        static_only = [s for s in old["static_only"] if s["arch"] not in archs]
        for e in entries:
            with open(os.path.join(OUT, e["file"]), "rb") as f:
                files[e["file"]] = f.read()
    for name in archs:
        try:
            run_arch(name, ARCHS[name], files, entries, static_only)
        except Exception:
            traceback.print_exc()
            sys.exit(f"{name}: export failed")
        if not args.check:
            save(files, entries, static_only, remove_extra=False)  # keep what is done
    stale = save(files, entries, static_only, remove_extra=not args.only, check=args.check)
    if stale:
        print("stale (regenerate with tools/gen_models_real.py):\n  " + "\n  ".join(stale))
        sys.exit(1)


def save(files, entries, static_only, remove_extra, check=False):
    order = {a: i for i, a in enumerate(ARCHS)}
    entries.sort(key=lambda e: (order[e["arch"]], e["opset"], e["dynamic"]))
    static_only.sort(key=lambda s: (order[s["arch"]], s["opset"]))
    expected = {
        "comment": "written by tools/gen_models_real.py: torch's output shapes for each model",
        "torch": torch.__version__, "torchvision": torchvision.__version__,
        "models": entries, "static_only": static_only,
    }
    files["expected.json"] = expected_json(expected).encode()
    stale = write_or_check(OUT, files, check=check, remove_extra=remove_extra)
    total = sum(len(d) for d in files.values())
    verb = "checked" if check else "wrote"
    print(f"{verb} {len(files)} files, {total / 1e6:.1f} MB in all, in {os.path.relpath(OUT)}")
    return stale


if __name__ == "__main__":
    main()
