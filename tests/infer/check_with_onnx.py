#!/usr/bin/python3
"""`shapelint infer` checked against the onnx Python package (ctest: infer_onnx).

Usage: check_with_onnx.py SHAPELINT_BINARY [--all] [-v]

For every model under tests/models and a sample of the libonnx-testdata node
models (all of them with --all), runs `shapelint infer MODEL -o OUT` and checks:
  - a model shapelint cannot load gives exit 2 and no OUT;
  - OUT is MODEL plus value_info and completed graph-output types: with those
    removed from both, the two ModelProtos are equal (weights, metadata, doc
    strings, opsets ...), and every dim MODEL declares is still in OUT;
  - onnx.checker.check_model(OUT) passes wherever it passes on MODEL;
  - onnx.shape_inference.infer_shapes(MODEL) agrees with OUT's types wherever
    both know a dim (dim_value in both), in the main graph and subgraphs;
  - infer_shapes(OUT, strict_mode=True) raises no error that
    infer_shapes(MODEL, strict_mode=True) does not raise.
And for SYMBOLIC_CASES, `infer --input-shape` with symbols: every dim_param
written, evaluated as Python for the model's own input sizes (the syntax of
ir::Dim::str() is Python's: `+ - *`, `//`, parentheses), must equal what
infer_shapes(MODEL) gives.
Known disagreements of ONNX 1.12 (Debian's) with the current ONNX spec are
listed in EXPECTED_DIFFERENCES with the reason; any other disagreement fails.
"""

import copy
import os
import pickle
import subprocess
import sys
import tempfile

import onnx
from onnx import shape_inference

SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TESTDATA = "/usr/share/libonnx-testdata/data/node"

# model (relative to tests/models or the testdata node folder) -> reason.
# See /work/shared/conv-arithmetic.md "Where runtimes disagree".
EXPECTED_DIFFERENCES = {
    # None found so far. Candidates, from conv-arithmetic.md: ceil_mode pools
    # whose last window starts in the right padding (ONNX 1.12 lacks the
    # current spec's rule, onnx/onnx PR #5741) and ConvTranspose SAME with
    # ke >= s (ONNX 1.12 gives s*i + a); the testdata's test_maxpool_2d_ceil,
    # test_averagepool_2d_ceil and test_convtranspose_autopad_same do not hit
    # them, so they agree.
}

# Node models always in the sample: control flow (subgraphs) and the window ops.
ALWAYS = ("test_if", "test_loop", "test_scan", "test_conv", "test_maxpool", "test_averagepool", "test_globalaverage")


def dims(type_proto):
    """[int | str | None] for a tensor type with a shape, else None."""
    if type_proto.WhichOneof("value") != "tensor_type" or not type_proto.tensor_type.HasField("shape"):
        return None
    out = []
    for d in type_proto.tensor_type.shape.dim:
        if d.HasField("dim_value"):
            out.append(d.dim_value)
        elif d.HasField("dim_param") and d.dim_param:
            out.append(d.dim_param)
        else:
            out.append(None)
    return out


def subgraphs(graph):
    """(key, subgraph) for every graph attribute of graph's nodes; key names it by position."""
    for n, node in enumerate(graph.node):
        for attr in node.attribute:
            if attr.HasField("g"):
                yield (n, attr.name, 0), attr.g
            for k, g in enumerate(attr.graphs):
                yield (n, attr.name, k), g


def types_of(graph):
    """{name: dims} of value_info and graph outputs (value_info first: the first wins)."""
    out = {}
    for v in list(graph.value_info) + list(graph.output):
        if v.name not in out and dims(v.type) is not None:
            out[v.name] = dims(v.type)
    return out


def strip_types(graph):
    """Removes what infer may add: value_info, and graph outputs' types."""
    del graph.value_info[:]
    for o in graph.output:
        o.ClearField("type")
    for _, g in subgraphs(graph):
        strip_types(g)


def compare_graphs(ours, theirs, where, problems):
    """Dims both know (integers in both) must agree."""
    mine = types_of(ours)
    for name, their in types_of(theirs).items():
        if name not in mine:
            continue
        mine_dims = mine[name]
        if len(mine_dims) != len(their):
            problems.append(f"{where}'{name}': shapelint {mine_dims}, onnx {their} (rank)")
            continue
        for a, b in zip(mine_dims, their):
            if isinstance(a, int) and isinstance(b, int) and a != b:
                problems.append(f"{where}'{name}': shapelint {mine_dims}, onnx {their}")
                break
    their_subgraphs = dict(subgraphs(theirs))
    for key, g in subgraphs(ours):
        if key in their_subgraphs:
            compare_graphs(g, their_subgraphs[key], f"{where}node {key[0]} {key[1]}: ", problems)


def declared_kept(original, written, where, problems):
    """Every dim the input declares (value_info, graph outputs) is in the output."""
    mine = types_of(written)
    for name, declared in types_of(original).items():
        got = mine.get(name)
        if got is None or len(got) != len(declared):
            problems.append(f"{where}'{name}': declared {declared}, written {got}")
            continue
        for a, b in zip(declared, got):
            if a is not None and a != b:
                problems.append(f"{where}'{name}': declared {declared}, written {got}")
                break
    written_subgraphs = dict(subgraphs(written))
    for key, g in subgraphs(original):
        if key in written_subgraphs:
            declared_kept(g, written_subgraphs[key], f"{where}node {key[0]} {key[1]}: ", problems)


def in_child(work):
    """Runs work() in a forked child, since onnx's C++ code can crash on
    absurd models (stride 0: SIGFPE). Returns work()'s value, or "crash"."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            data = pickle.dumps(work())
        except BaseException as e:  # noqa: B036 - reported to the parent
            data = pickle.dumps(("exception", repr(e)))
        with os.fdopen(write_end, "wb") as w:
            w.write(data)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as r:
        data = r.read()
    _, status = os.waitpid(pid, 0)
    if not os.WIFEXITED(status) or not data:
        return "crash"
    return pickle.loads(data)


def attempt(check):
    """(True, "") when check() raises nothing, else (False, the first line of the error)."""
    try:
        check()
        return True, ""
    except Exception as e:  # onnx raises several exception types
        return False, str(e).splitlines()[0] if str(e) else type(e).__name__


def probe(path):
    """What onnx says about the model at path: checker, strict inference, inferred model bytes."""
    model = onnx.load(path, load_external_data=False)
    checker = attempt(lambda: onnx.checker.check_model(model))
    strict = attempt(lambda: shape_inference.infer_shapes(model, strict_mode=True))
    try:
        inferred = shape_inference.infer_shapes(model).SerializeToString()
    except Exception:
        inferred = None
    return {"checker": checker, "strict": strict, "inferred": inferred}


def check_model(binary, path, label, scratch):
    """Returns (status, problems): status is 'written', 'refused' or 'expected-difference'."""
    out = os.path.join(scratch, "out.onnx")
    if os.path.exists(out):
        os.remove(out)
    r = subprocess.run([binary, "infer", "-q", path, "-o", out], capture_output=True, text=True, timeout=120)
    problems = []
    leftovers = [f for f in os.listdir(scratch) if f != "out.onnx"]
    if leftovers:
        problems.append(f"files left in the output folder: {leftovers}")
    if r.returncode == 2:
        if os.path.exists(out):
            problems.append("exit 2 but the output was written")
        if r.stderr.count("\n") < 1 or "shapelint: error: " not in r.stderr:
            problems.append(f"exit 2 without an error line: {r.stderr!r}")
        return "refused", problems
    if r.returncode not in (0, 1):
        return "crashed", [f"exit {r.returncode}: {r.stderr.strip()}"]
    if not os.path.exists(out):
        return "missing", [f"exit {r.returncode} but no output"]

    model = onnx.load(path, load_external_data=False)
    written = onnx.load(out, load_external_data=False)

    # Everything but the types is the input's.
    declared_kept(model.graph, written.graph, "", problems)
    a, b = copy.deepcopy(model), copy.deepcopy(written)
    strip_types(a.graph)
    strip_types(b.graph)
    if a != b:
        problems.append("the written model differs from the input beyond value_info and graph-output types")

    before = in_child(lambda: probe(path))
    after = in_child(lambda: probe(out))
    if not isinstance(before, dict):
        return "onnx-crashes-on-input", problems
    if not isinstance(after, dict):
        return "written", problems + [f"onnx crashes on the output only ({after})"]
    if before["checker"][0] and not after["checker"][0]:
        problems.append(f"onnx.checker fails on the output only: {after['checker'][1]}")

    differences = []
    if before["inferred"] is not None:
        inferred = onnx.ModelProto()
        inferred.ParseFromString(before["inferred"])
        compare_graphs(written.graph, inferred.graph, "", differences)
    if before["strict"][0] and not after["strict"][0]:
        differences.append(f"infer_shapes(strict_mode=True) fails on the output only: {after['strict'][1]}")

    if label in EXPECTED_DIFFERENCES:
        if not differences:
            problems.append(f"listed in EXPECTED_DIFFERENCES ({EXPECTED_DIFFERENCES[label]}) but agrees: remove it")
        return ("expected-difference" if not problems else "written"), problems
    return "written", problems + differences


# (model under tests/models, --input-shape, bindings that give the model's own input shape)
SYMBOLIC_CASES = [
    ("demo/classifier.onnx", "x:[N,3,H,W]", {"N": 1, "H": 32, "W": 32}),
    ("demo/unet_skip.onnx", "x:[N,3,H,W]", {"N": 1, "H": 64, "W": 64}),
    ("demo/unet_skip_odd.onnx", "x:[N,3,H,W]", None),  # bindings read from the model
]

EXPRESSION_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ +-*/()")


def evaluate(dim, bindings):
    if isinstance(dim, int) or dim is None:
        return dim
    if not set(dim) <= EXPRESSION_CHARS:
        raise ValueError(f"dim_param {dim!r} is not an expression")
    return eval(dim, {"__builtins__": {}}, dict(bindings))  # noqa: S307 - checked characters only


def check_symbolic(binary, relative, spec, bindings, scratch):
    """Problems, and how many symbolic dims were checked."""
    path = os.path.join(SOURCE, "tests", "models", relative)
    out = os.path.join(scratch, "sym.onnx")
    r = subprocess.run([binary, "infer", "-q", path, "-o", out, "--input-shape", spec],
                       capture_output=True, text=True, timeout=120)
    if r.returncode not in (0, 1):
        return [f"{relative} --input-shape {spec}: exit {r.returncode}: {r.stderr.strip()}"], 0
    model = onnx.load(path)
    if bindings is None:
        name, symbols = spec.split(":")
        given = [d.dim_value for d in next(i for i in model.graph.input if i.name == name).type.tensor_type.shape.dim]
        bindings = {s: v for s, v in zip(symbols.strip("[]").split(","), given) if not s.isdigit()}
    theirs = types_of(shape_inference.infer_shapes(model).graph)
    problems, checked = [], 0
    for name, mine in types_of(onnx.load(out).graph).items():
        if name not in theirs or len(theirs[name]) != len(mine):
            continue
        for a, b in zip(mine, theirs[name]):
            if isinstance(a, str) and isinstance(b, int):
                checked += 1
                if evaluate(a, bindings) != b:
                    problems.append(f"{relative} --input-shape {spec}: '{name}' {mine} is {evaluate(a, bindings)} "
                                    f"at {bindings}, onnx gives {theirs[name]}")
    return problems, checked


def node_models(all_models):
    names = sorted(os.listdir(TESTDATA)) if os.path.isdir(TESTDATA) else []
    picked = []
    for i, name in enumerate(names):
        if all_models or i % 10 == 0 or name.startswith(ALWAYS) or name in EXPECTED_DIFFERENCES:
            model = os.path.join(TESTDATA, name, "model.onnx")
            if os.path.exists(model):
                picked.append((name, model))
    return picked


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    binary = os.path.abspath(args[0])
    verbose = "-v" in sys.argv

    models = []
    for root, _, files in os.walk(os.path.join(SOURCE, "tests", "models")):
        for f in sorted(files):
            if f.endswith(".onnx"):
                path = os.path.join(root, f)
                models.append((os.path.relpath(path, os.path.join(SOURCE, "tests", "models")), path))
    models.sort()
    models += node_models("--all" in sys.argv)

    counts = {}
    failures = []
    with tempfile.TemporaryDirectory(prefix="shapelint_infer_") as scratch:
        for label, path in models:
            try:
                status, problems = check_model(binary, path, label, scratch)
            except Exception as e:
                status, problems = "crashed", [f"{type(e).__name__}: {e}"]
            counts[status] = counts.get(status, 0) + 1
            if verbose:
                print(f"{status:20} {label}")
            for p in problems:
                failures.append(f"{label}: {p}")

        checked = 0
        for relative, spec, bindings in SYMBOLIC_CASES:
            problems, n = check_symbolic(binary, relative, spec, bindings, scratch)
            checked += n
            failures += problems

    print(", ".join(f"{n} {s}" for s, n in sorted(counts.items())) + f" ({len(models)} models); "
          f"{checked} symbolic dims evaluated")
    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
