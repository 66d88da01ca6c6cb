#!/usr/bin/python3
"""Side by side: ONNX's own shape inference and `shapelint infer`, counted the same way.

Run from the repository root, after building build/shapelint, with Debian's
python3-onnx:

    /usr/bin/python3 tools/compare_inference.py                      # the default groups
    /usr/bin/python3 tools/compare_inference.py --shapelint build/shapelint \\
        tests/models/real /usr/share/libonnx-testdata/data/simple    # chosen folders
    /usr/bin/python3 tools/compare_inference.py --failures           # also list every failure

Default groups: tests/models/real (split into its static and dynamic exports)
and the libonnx-testdata suites node, pytorch-converted, pytorch-operator and
simple (each case's model.onnx).

For each model both tools get the same normalised input: value_info removed
and the graph outputs' shapes cleared (their element type kept), so nothing
declared is counted as inferred. Then
  ONNX      onnx.shape_inference.infer_shapes(model, strict_mode=True,
            data_prop=True), in a forked child with a timeout (Debian's ONNX
            1.12 may crash the process on some invalid nodes); an error (or a
            crash, or the timeout) means nothing inferred for that model;
  shapelint `shapelint infer MODEL -o OUT -q`: exit 0 or 1 (written, with
            error findings) count; exit 2 or no output means nothing inferred.
The same counting code reads both output models:
  outputs   graph outputs fully inferred: every dim a dim_value, or a
            dim_param that is a symbol or an expression of the model's input
            symbols (ONNX's anonymous `unk__N` dims do not count);
  rank      node outputs (not graph outputs) with a known rank;
  all dims  node outputs with every dim known in that sense;
  symbolic  dims (of node and graph outputs) kept symbolic -- a named input
            symbol or an expression of them -- and, after the slash, dims
            that are anonymous (unk__N, or any other dim_param that is not
            built from the input symbols).
Prints one Markdown table (per group and in total) and the models where a
tool failed.
"""
import argparse
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import traceback

import onnx

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
TESTDATA = "/usr/share/libonnx-testdata/data"
DEFAULT_DIRS = [os.path.join(ROOT, "tests", "models", "real")] + [
    os.path.join(TESTDATA, s) for s in ("node", "pytorch-converted", "pytorch-operator", "simple")]
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
EXPR_CHARS = re.compile(r"^[A-Za-z0-9_ +\-*/()]+$")


def find_models(path):
    """[(group, model path)] for a folder (of .onnx files, or of test cases
    with a model.onnx each) or a single .onnx file."""
    if os.path.isfile(path):
        return [(os.path.basename(os.path.dirname(path)), path)]
    group = os.path.basename(os.path.normpath(path))
    found = []
    for name in sorted(os.listdir(path)):
        full = os.path.join(path, name)
        if name.endswith(".onnx"):
            sub = group
            if group == "real":
                sub = "real (dynamic)" if name.endswith("_dyn.onnx") else "real (static)"
            found.append((sub, full))
        elif os.path.isfile(os.path.join(full, "model.onnx")):
            found.append((group, os.path.join(full, "model.onnx")))
    return found


def normalise(model):
    """value_info removed, graph output shapes cleared (element type kept)."""
    del model.graph.value_info[:]
    for out in model.graph.output:
        if out.type.HasField("tensor_type"):
            out.type.tensor_type.ClearField("shape")
    return model


def input_symbols(model):
    init = {t.name for t in model.graph.initializer}
    syms = set()
    for inp in model.graph.input:
        if inp.name in init or not inp.type.HasField("tensor_type"):
            continue
        for d in inp.type.tensor_type.shape.dim:
            if d.HasField("dim_param") and d.dim_param:
                syms.add(d.dim_param)
    return syms


def dim_kind(dim, symbols):
    """'value', 'symbolic' (input symbol or expression of them), 'anonymous'
    (another dim_param) or 'unknown'."""
    if dim.HasField("dim_value"):
        return "value"
    if not dim.HasField("dim_param") or not dim.dim_param:
        return "unknown"
    p = dim.dim_param
    names = set(IDENT.findall(p))
    if names and names <= symbols and EXPR_CHARS.match(p):
        return "symbolic"
    return "anonymous"


class Counts:
    FIELDS = ("models", "failed", "outputs", "outputs_known", "values", "rank_known", "dims_known",
              "symbolic", "anonymous")

    def __init__(self):
        for f in self.FIELDS:
            setattr(self, f, 0)

    def add(self, other):
        for f in self.FIELDS:
            setattr(self, f, getattr(self, f) + getattr(other, f))


def count(original, inferred):
    """Counts on the tool's output model `inferred` (None: the tool failed),
    over the values of `original`."""
    c = Counts()
    c.models = 1
    symbols = input_symbols(original)
    outputs = [o.name for o in original.graph.output]
    output_set = set(outputs)
    values = [o for n in original.graph.node for o in n.output if o and o not in output_set]
    c.outputs = len(outputs)
    c.values = len(values)
    if inferred is None:
        c.failed = 1
        return c
    types = {}
    for vi in inferred.graph.value_info:
        types.setdefault(vi.name, vi.type)
    for out in inferred.graph.output:
        if out.type.HasField("tensor_type") and out.type.tensor_type.HasField("shape"):
            types[out.name] = out.type

    def shape_of(name):
        t = types.get(name)
        if t is None or not t.HasField("tensor_type") or not t.tensor_type.HasField("shape"):
            return None
        return t.tensor_type.shape

    def tally(shape):
        kinds = [dim_kind(d, symbols) for d in shape.dim]
        c.symbolic += kinds.count("symbolic")
        c.anonymous += kinds.count("anonymous")
        return all(k in ("value", "symbolic") for k in kinds)

    for name in outputs:
        shape = shape_of(name)
        if shape is not None and tally(shape):
            c.outputs_known += 1
    for name in values:
        shape = shape_of(name)
        if shape is None:
            continue
        c.rank_known += 1
        if tally(shape):
            c.dims_known += 1
    return c


def _onnx_child(src, dst):
    from onnx import shape_inference
    try:
        model = onnx.load(src)
        out = shape_inference.infer_shapes(model, strict_mode=True, data_prop=True)
        onnx.save(out, dst)
        os._exit(0)
    except Exception as e:  # the error text goes to the parent through a file
        with open(dst + ".err", "w") as f:
            f.write(f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}")
        os._exit(3)


def run_onnx(src, dst, timeout):
    """The inferred model, or (None, why)."""
    proc = multiprocessing.get_context("fork").Process(target=_onnx_child, args=(src, dst))
    proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return None, f"timed out after {timeout}s"
    if proc.exitcode != 0:
        if os.path.exists(dst + ".err"):
            with open(dst + ".err") as f:
                return None, f.read()
        return None, f"crashed (exit {proc.exitcode})"
    return onnx.load(dst), ""


def run_shapelint(binary, src, dst, timeout):
    try:
        r = subprocess.run([binary, "infer", src, "-o", dst, "-q"], capture_output=True, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout}s"
    if r.returncode not in (0, 1) or not os.path.exists(dst):
        lines = (r.stderr or r.stdout).strip().splitlines()
        return None, f"exit {r.returncode}: {lines[0] if lines else ''}"
    note = ""
    if r.returncode == 1:
        lines = r.stderr.strip().splitlines()
        errors = [line for line in lines if "error[" in line] or lines
        note = "error findings: " + (errors[0].replace(src + ": ", "") if errors else "")
    return onnx.load(dst), note


def pct(part, whole):
    return f"{part}/{whole} ({100 * part / whole:.0f}%)" if whole else "-"


def table(groups, order):
    rows = ["| group | models | tool | failed | outputs fully inferred | values with rank | values with all dims"
            " | symbolic dims kept / anonymous |",
            "|---|---:|---|---:|---:|---:|---:|---:|"]
    total = {"onnx": Counts(), "shapelint": Counts()}
    for g in order + ["total"]:
        for tool in ("onnx", "shapelint"):
            if g == "total":
                c = total[tool]
            else:
                c = groups[g][tool]
                total[tool].add(c)
            label = f"**{g}**" if g == "total" else g
            tool_name = "ONNX 1.12" if tool == "onnx" else "shapelint"
            rows.append(f"| {label} | {c.models} | {tool_name} | {c.failed} | {pct(c.outputs_known, c.outputs)}"
                        f" | {pct(c.rank_known, c.values)} | {pct(c.dims_known, c.values)}"
                        f" | {c.symbolic} / {c.anonymous} |")
    return "\n".join(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("paths", nargs="*", help="folders of models or of test cases, or .onnx files")
    parser.add_argument("--shapelint", default=os.path.join(ROOT, "build", "shapelint"), help="the binary")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per model and tool")
    parser.add_argument("--failures", action="store_true", help="list every failure (default: the first 20 "
                                                                 "per tool)")
    args = parser.parse_args()
    if not os.access(args.shapelint, os.X_OK):
        sys.exit(f"no shapelint binary at {args.shapelint}: build it (cmake --build build --target shapelint)")
    models = []
    for p in args.paths or DEFAULT_DIRS:
        if os.path.exists(p):
            models += find_models(p)
        else:
            print(f"note: {p} does not exist, skipped", file=sys.stderr)

    groups, order = {}, []
    failures = {"onnx": [], "shapelint": []}
    notes = []
    with tempfile.TemporaryDirectory(prefix="compare_inference_") as tmp:
        for i, (group, path) in enumerate(models):
            if group not in groups:
                groups[group] = {"onnx": Counts(), "shapelint": Counts()}
                order.append(group)
            label = os.path.relpath(path, ROOT) if path.startswith(ROOT) else os.path.relpath(path, TESTDATA)
            try:
                original = normalise(onnx.load(path))
            except Exception as e:
                notes.append(f"{label}: cannot be read by onnx ({e}); not counted")
                continue
            src = os.path.join(tmp, f"in{i}.onnx")
            onnx.save(original, src)
            out_onnx, why_onnx = run_onnx(src, os.path.join(tmp, f"onnx{i}.onnx"), args.timeout)
            out_sl, why_sl = run_shapelint(args.shapelint, src, os.path.join(tmp, f"sl{i}.onnx"), args.timeout)
            if out_onnx is None:
                failures["onnx"].append(f"{label}: {why_onnx}")
            if out_sl is None:
                failures["shapelint"].append(f"{label}: {why_sl}")
            elif why_sl:
                notes.append(f"{label}: shapelint {why_sl}")
            groups[group]["onnx"].add(count(original, out_onnx))
            groups[group]["shapelint"].add(count(original, out_sl))
            for f in os.listdir(tmp):
                os.remove(os.path.join(tmp, f))
            if (i + 1) % 100 == 0:
                print(f"... {i + 1} of {len(models)} models", file=sys.stderr, flush=True)

    print(table(groups, order))
    print()
    for tool, name in (("onnx", "ONNX"), ("shapelint", "shapelint")):
        items = failures[tool]
        print(f"{name} failed on {len(items)} model(s)" + (":" if items else ""))
        for line in items if args.failures else items[:20]:
            print(f"  {line}")
        if len(items) > 20 and not args.failures:
            print(f"  ... and {len(items) - 20} more (--failures lists all)")
    if notes:
        print(f"notes ({len(notes)}):")
        for line in notes if args.failures else notes[:20]:
            print(f"  {line}")
        if len(notes) > 20 and not args.failures:
            print(f"  ... and {len(notes) - 20} more (--failures lists all)")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception:
        traceback.print_exc()
        sys.exit(2)
