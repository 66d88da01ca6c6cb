#!/usr/bin/python3
"""Ground truth from PyTorch for conv/pool window arithmetic (deterministic).

Writes tests/fixtures/torch_window_cases.txt: one ONNX-style layer configuration a
line, with the spatial output size PyTorch actually produced (or the error it
raised).  shapelint's window arithmetic is tested against it.

  /usr/bin/python3 tools/gen_window_fixtures.py               # write the fixture
  /usr/bin/python3 tools/gen_window_fixtures.py --check-onnx  # also compare the
        hand-picked cases and a sample of 300 random ones (--onnx-sample N; 0 = all)
        against ONNX 1.12 shape inference (Debian's python3-onnx) and print every
        disagreement; the comparison is printed, never written into the fixture.
        ONNX runs in a worker subprocess, restarted if it crashes (ONNX 1.12 can die
        with SIGFPE on some invalid nodes).

Determinism: every random choice comes from random.Random(SEED); the layers run
once, batch 1, on a zero tensor, under torch.no_grad() with one thread, so the
output file depends only on SEED and the torch version (both in its header).
The one extra run is for padding='same' with an odd total pad: a seeded random
input verifies that torch puts the extra pad at the end (= ONNX SAME_UPPER)
before the case is recorded as autopad=same_upper.  Runtime: well under a
minute on 2 cores.

What is covered (1-D, 2-D and 3-D unless said):
  conv          F.conv{1,2,3}d: symmetric padding=, asymmetric pads (F.pad with
                zeros first), padding='same' (torch: stride 1 only), 'valid';
                stride 1..5 (also > kernel), dilation 1..3, groups
  convtranspose F.conv_transpose{1,2,3}d: stride, symmetric padding,
                output_padding (mostly valid, some >= max(s, d): torch's error)
  maxpool       F.max_pool{1,2,3}d: pad <= k/2, dilation, ceil_mode (many cases
                where the "last window starts in the right padding" rule applies)
  avgpool       F.avg_pool{1,2,3}d: pad <= k/2, ceil_mode, count_include_pad
  lppool        F.lp_pool{1,2}d (torch 1.13 has no lp_pool3d; no padding)
  maxunpool     F.max_unpool{1,2,3}d on indices from F.max_pool with
                return_indices, with and without output_size
The fixture's header documents the line format.
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import warnings

SEED = 20240611
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures",
                   "torch_window_cases.txt")

# Random cases per (op, dims); the hand-picked cases come on top.
COUNTS = {
    ("conv", 1): 450, ("conv", 2): 450, ("conv", 3): 300,
    ("convtranspose", 1): 250, ("convtranspose", 2): 250, ("convtranspose", 3): 200,
    ("maxpool", 1): 350, ("maxpool", 2): 350, ("maxpool", 3): 250,
    ("avgpool", 1): 250, ("avgpool", 2): 250, ("avgpool", 3): 200,
    ("lppool", 1): 200, ("lppool", 2): 200,
    ("maxunpool", 1): 150, ("maxunpool", 2): 150, ("maxunpool", 3): 100,
}

FORMAT_DOC = """\
# format: one case a line: OP key=value ... -> RESULT
#   OP is conv | convtranspose | maxpool | avgpool | lppool | maxunpool (ONNX Conv,
#   ConvTranspose, MaxPool, AveragePool, LpPool, MaxUnpool); lists are comma-separated,
#   one entry per spatial axis, in axis order (batch and channel dims are not listed)
#   dims=1|2|3   in=spatial input sizes   k=kernel_shape   s=strides   d=dilations
#   pads=ONNX pads [x1_begin, x2_begin, ..., x1_end, x2_end]
#   autopad=notset|same_upper|valid (conv only); with same_upper/valid the ONNX node has
#     no pads attribute and pads= is written as zeros
#   group=, cin= (input channels), cout= (output channels) for conv/convtranspose
#   opad=output_padding (convtranspose)   ceil=ceil_mode   cip=count_include_pad (avgpool)
#   norm=p (lppool)   outsize=output_shape's spatial part (maxunpool; absent = not given)
#   a key that is absent takes the ONNX default (d=1 for avgpool/lppool/maxunpool, pads=0
#   for lppool)
#   RESULT is `out=o1,o2,...` (spatial output dims torch produced; N and C were checked
#   against ONNX's rule by the generator) or `error msg=W` where W is the first words of
#   torch's error message (e.g. kernel larger than the padded input, output_padding not
#   smaller than max(stride, dilation), output size < 1)
# lines starting with '#' are comments; the hand-picked cases come first, then the random
# ones grouped by op and dims
# torch-specific notes: torch's max_pool1d (without return_indices) returns an empty tensor
#   instead of failing when the output size would be 0; such cases are recorded with the
#   error of the return_indices path. torch's conv padding='same' exists only for stride 1
#   (every autopad=same_upper line has s=1; torch's split of an odd total pad was verified
#   to put the extra pad at the end). Not expressible in torch, so absent: pool pads > k/2,
#   asymmetric pool pads, ConvTranspose asymmetric pads / auto_pad / output_shape,
#   SAME_LOWER, avg_pool3d with an input smaller than the kernel (even when the padded
#   input fits), lp_pool3d, LpPool pads and dilations, AveragePool dilations, MaxUnpool
#   output sizes outside torch's (default - s, default + s) range.
# note: with ceil=1 a kernel that overhangs the padded input by less than s still gives
#   one window (out=1), in torch and by the ONNX spec's ceil formula"""


# ---------------------------------------------------------------------------
# helpers

def fmt_list(v):
    return ",".join(str(x) for x in v)


def err_slug(exc):
    """First words of torch's message, up to the first number or parenthesis."""
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    head = re.split(r"[(\"]|(?<![A-Za-z_])[-0-9]", msg.replace("()", ""), maxsplit=1)[0]
    words = re.sub(r"[^A-Za-z0-9_'=]+", " ", head).split()[:6]
    return "_".join(words) or type(exc).__name__


def torch_pad_order(pads):
    """ONNX [b1..bn, e1..en] -> F.pad's (b_n, e_n, b_{n-1}, e_{n-1}, ...)."""
    n = len(pads) // 2
    out = []
    for ax in reversed(range(n)):
        out += [pads[ax], pads[n + ax]]
    return tuple(out)


def ke(k, d):
    return d * (k - 1) + 1


def case_key(c):
    """The configuration part of a line (everything before '->')."""
    op = c["op"]
    parts = [op, "dims=%d" % c["dims"], "in=" + fmt_list(c["in"]), "k=" + fmt_list(c["k"]),
             "s=" + fmt_list(c["s"])]
    if op in ("conv", "convtranspose", "maxpool"):
        parts.append("d=" + fmt_list(c["d"]))
    if op != "lppool":
        parts.append("pads=" + fmt_list(c["pads"]))
    if op == "conv":
        parts.append("autopad=" + c["autopad"])
    if op == "convtranspose":
        parts.append("opad=" + fmt_list(c["opad"]))
    if op in ("conv", "convtranspose"):
        parts += ["group=%d" % c["group"], "cin=%d" % c["cin"], "cout=%d" % c["cout"]]
    if op in ("maxpool", "avgpool", "lppool"):
        parts.append("ceil=%d" % c["ceil"])
    if op == "avgpool":
        parts.append("cip=%d" % c["cip"])
    if op == "lppool":
        parts.append("norm=%d" % c["norm"])
    if op == "maxunpool" and c.get("outsize") is not None:
        parts.append("outsize=" + fmt_list(c["outsize"]))
    return " ".join(parts)


def case_line(c):
    r = c["result"]
    if r[0] == "out":
        return case_key(c) + " -> out=" + fmt_list(r[1])
    return case_key(c) + " -> error msg=" + r[1]


def parse_line(line):
    """Inverse of case_line (used by --check-onnx on the hand-picked cases too)."""
    lhs, rhs = line.split(" -> ")
    toks = lhs.split()
    c = {"op": toks[0]}
    for t in toks[1:]:
        key, val = t.split("=")
        if key in ("dims", "group", "cin", "cout", "ceil", "cip", "norm"):
            c[key] = int(val)
        elif key == "autopad":
            c[key] = val
        else:
            c[key] = [int(x) for x in val.split(",")]
    if rhs.startswith("out="):
        c["result"] = ("out", [int(x) for x in rhs[4:].split(",")])
    else:
        c["result"] = ("error", rhs.split("msg=")[1])
    return c


def ceil_correction_applies(i, k, s, d, pb, pe):
    """The current-spec / torch rule: the last ceil_mode window starts in the right pad."""
    num = i + pb + pe - ke(k, d)
    if num < 0:
        return False
    o = (num + s - 1) // s + 1
    return (o - 1) * s >= i + pb


def spec_out(c):
    """The current ONNX spec's size (conv-arithmetic.md), for the summary's self-check:
    a list of spatial dims, or None for an invalid node."""
    n, op = c["dims"], c["op"]
    d = c.get("d", [1] * n)
    pads = c.get("pads", [0] * (2 * n))
    out = []
    for a in range(n):
        i, k, s, pb, pe = c["in"][a], c["k"][a], c["s"][a], pads[a], pads[n + a]
        e = ke(k, d[a])
        if op == "conv" and c["autopad"] == "same_upper":
            o = -(-i // s)
        elif op == "conv":
            if c["autopad"] == "valid":
                pb = pe = 0
            if i + pb + pe < e:
                return None
            o = (i + pb + pe - e) // s + 1
        elif op == "convtranspose":
            if c["opad"][a] >= max(s, d[a]):
                return None
            o = s * (i - 1) + c["opad"][a] + e - pb - pe
        elif op == "maxunpool":
            o = c["outsize"][a] if c.get("outsize") else s * (i - 1) + k - pb - pe
        else:
            # with ceil_mode a kernel overhanging the padded input by less than s
            # still gives one window (torch, and the spec's formula)
            num = i + pb + pe - e
            if c["ceil"]:
                o = (num + s - 1) // s + 1
                if (o - 1) * s >= i + pb:
                    o -= 1
            else:
                o = num // s + 1
        if o < 1:
            return None
        out.append(o)
    return out


# ---------------------------------------------------------------------------
# running torch

class TorchRunner:
    def __init__(self):
        import torch
        import torch.nn.functional as F
        torch.set_num_threads(1)
        warnings.filterwarnings("ignore")
        self.torch, self.F = torch, F
        self.gen = torch.Generator().manual_seed(SEED)
        self.same_verified = 0

    def zeros(self, *shape):
        return self.torch.zeros(*shape)

    def fn(self, name, dims):
        return getattr(self.F, "%s%dd" % (name, dims))

    def run(self, c):
        """Fills c['result']; returns False when torch's behaviour depends on values
        rather than shapes (the case is then dropped)."""
        torch = self.torch
        try:
            with torch.no_grad():
                y, expect_c = getattr(self, "run_" + c["op"])(c)
        except (RuntimeError, ValueError) as e:
            if "invalid max index" in str(e):
                return False        # value-dependent (maxunpool output_size < pre-pool size)
            if "input image" in str(e) and spec_out(c) is not None:
                return False        # avg_pool3d's own check: unpadded input >= kernel
            c["result"] = ("error", err_slug(e))
            return True
        shape = list(y.shape)
        # N and C must be what ONNX says, or the fixture would be meaningless.
        if shape[0] != 1 or shape[1] != expect_c or len(shape) != c["dims"] + 2:
            sys.exit("abort: torch gave N, C = %s for %s (ONNX: 1, %d)"
                     % (shape[:2], case_key(c), expect_c))
        spatial = shape[2:]
        if min(spatial) <= 0:
            if c["op"] == "maxpool":
                # torch's max_pool1d returns an empty tensor here; the return_indices
                # path raises the error every other pooling function raises.
                try:
                    with torch.no_grad():
                        self.run_maxpool(c, return_indices=True)
                except RuntimeError as e:
                    c["result"] = ("error", err_slug(e))
                    return True
            c["result"] = ("error", "torch_returned_an_empty_output")
            return True
        c["result"] = ("out", spatial)
        return True

    def run_conv(self, c):
        F = self.F
        x = self.zeros(1, c["cin"], *c["in"])
        w = self.zeros(c["cout"], c["cin"] // c["group"], *c["k"])
        conv = self.fn("conv", c["dims"])
        n = c["dims"]
        if c["autopad"] == "same_upper":
            self.check_same_split(c)
            padding = "same"
        elif c["autopad"] == "valid":
            padding = "valid"
        else:
            pads = c["pads"]
            if pads[:n] == pads[n:]:
                padding = tuple(pads[:n])
            else:
                x = F.pad(x, torch_pad_order(pads), mode="constant", value=0.0)
                padding = 0
        y = conv(x, w, None, tuple(c["s"]), padding, tuple(c["d"]), c["group"])
        return y, c["cout"]

    def check_same_split(self, c):
        """Verify, with values, that torch's padding='same' equals ONNX SAME_UPPER
        (the extra pad of an odd total at the end).  If not, the case is rewritten
        with the explicit pads torch used."""
        F, torch = self.F, self.torch
        n = c["dims"]
        totals = [c["d"][a] * (c["k"][a] - 1) for a in range(n)]
        if all(t % 2 == 0 for t in totals):
            return
        upper = [t // 2 for t in totals] + [t - t // 2 for t in totals]
        lower = [t - t // 2 for t in totals] + [t // 2 for t in totals]
        x = torch.randn(1, c["cin"], *c["in"], generator=self.gen)
        w = torch.randn(c["cout"], c["cin"] // c["group"], *c["k"], generator=self.gen)
        conv = self.fn("conv", n)
        try:
            ref = conv(x, w, None, tuple(c["s"]), "same", tuple(c["d"]), c["group"])
        except RuntimeError:
            return
        for pads, ok_upper in ((upper, True), (lower, False)):
            try:
                got = conv(F.pad(x, torch_pad_order(pads)), w, None, tuple(c["s"]), 0,
                           tuple(c["d"]), c["group"])
            except RuntimeError:
                continue
            if got.shape == ref.shape and torch.allclose(got, ref, atol=1e-5):
                if ok_upper:
                    self.same_verified += 1
                    return
                # torch's split is not SAME_UPPER: record explicit pads instead
                c["autopad"], c["pads"] = "notset", pads
                return
        sys.exit("abort: padding='same' matches neither split for " + case_key(c))

    def run_convtranspose(self, c):
        n = c["dims"]
        x = self.zeros(1, c["cin"], *c["in"])
        w = self.zeros(c["cin"], c["cout"] // c["group"], *c["k"])
        pads = c["pads"]
        assert pads[:n] == pads[n:]
        y = self.fn("conv_transpose", n)(x, w, None, tuple(c["s"]), tuple(pads[:n]),
                                        tuple(c["opad"]), c["group"], tuple(c["d"]))
        return y, c["cout"]

    def run_maxpool(self, c, return_indices=False):
        n = c["dims"]
        x = self.zeros(1, 2, *c["in"])
        y = self.fn("max_pool", n)(x, tuple(c["k"]), tuple(c["s"]), tuple(c["pads"][:n]),
                                   tuple(c["d"]), bool(c["ceil"]), return_indices)
        return (y[0] if return_indices else y), 2

    def run_avgpool(self, c):
        n = c["dims"]
        x = self.zeros(1, 2, *c["in"])
        y = self.fn("avg_pool", n)(x, tuple(c["k"]), tuple(c["s"]), tuple(c["pads"][:n]),
                                   bool(c["ceil"]), bool(c["cip"]))
        return y, 2

    def run_lppool(self, c):
        n = c["dims"]
        x = self.zeros(1, 2, *c["in"])
        # lp_pool1d multiplies by kernel_size, so it needs plain ints there
        k, s = (c["k"][0], c["s"][0]) if n == 1 else (tuple(c["k"]), tuple(c["s"]))
        y = self.fn("lp_pool", n)(x, float(c["norm"]), k, s, bool(c["ceil"]))
        return y, 2

    def run_maxunpool(self, c):
        n = c["dims"]
        pool_in = c.pop("pool_in")
        p = tuple(c["pads"][:n])
        x = self.zeros(1, 2, *pool_in)
        pooled, idx = self.fn("max_pool", n)(x, tuple(c["k"]), tuple(c["s"]), p, 1, False,
                                             True)
        assert list(pooled.shape[2:]) == c["in"], (pool_in, c)
        outsize = c.get("outsize")
        y = self.fn("max_unpool", n)(pooled, idx, tuple(c["k"]), tuple(c["s"]), p,
                                     tuple(outsize) if outsize is not None else None)
        return y, 2


# ---------------------------------------------------------------------------
# hand-picked cases: (comment, case, expected spatial output or "error")

def conv1(i, k, s=1, p=0, d=1, pe=None):
    return {"op": "conv", "dims": 1, "in": [i], "k": [k], "s": [s], "d": [d],
            "pads": [p, p if pe is None else pe], "autopad": "notset", "group": 1,
            "cin": 1, "cout": 1}


def convt1(i, k, s=1, p=0, a=0, d=1):
    return {"op": "convtranspose", "dims": 1, "in": [i], "k": [k], "s": [s], "d": [d],
            "pads": [p, p], "opad": [a], "group": 1, "cin": 1, "cout": 1}


def pool(op, dims, i, k, s, p=0, ceil=0, d=1):
    c = {"op": op, "dims": dims, "in": [i] * dims, "k": [k] * dims, "s": [s] * dims,
         "pads": [p] * (2 * dims), "ceil": ceil}
    if op == "maxpool":
        c["d"] = [d] * dims
    if op == "avgpool":
        c["cip"] = 0
    return c


def conv2(i, k, s, p):
    return {"op": "conv", "dims": 2, "in": [i, i], "k": [k, k], "s": [s, s], "d": [1, 1],
            "pads": [p] * 4, "autopad": "notset", "group": 1, "cin": 1, "cout": 1}


def convt2(i, k, s, p, a=0):
    return {"op": "convtranspose", "dims": 2, "in": [i, i], "k": [k, k], "s": [s, s],
            "d": [1, 1], "pads": [p] * 4, "opad": [a, a], "group": 1, "cin": 1, "cout": 1}


def hand_picked():
    H = []
    H.append(("worked example: i=5, k=3, s=2, p=1 gives 3", conv1(5, 3, 2, 1), [3]))
    H.append(("worked example: i=6 gives 3 as well (floor case)", conv1(6, 3, 2, 1), [3]))
    H.append(("worked example: i=7 gives 4", conv1(7, 3, 2, 1), [4]))
    H.append(("worked example: the transposed conv brings 3 back as 5", convt1(3, 3, 2, 1), [5]))
    H.append(("worked example: output_padding 1 restores 6", convt1(3, 3, 2, 1, 1), [6]))
    H.append(("onnx/onnx #5711: MaxPool i=12, k=1, s=2, ceil_mode: 6 in torch (7 in ONNX 1.12)",
              pool("maxpool", 1, 12, 1, 2, ceil=1), [6]))
    H.append(("onnx/onnx #5711 in 2-D", pool("maxpool", 2, 12, 1, 2, ceil=1), [6, 6]))
    H.append(("relationship 1: s=1, p=0: o = i - k + 1 (i=4, k=3)", conv1(4, 3), [2]))
    H.append(("relationship 2: s=1, any p: o = i - k + 2p + 1 (i=5, k=4, p=2)",
              conv1(5, 4, 1, 2), [6]))
    H.append(("relationship 3: half padding, k odd, p=k//2: o = i (i=5, k=3, p=1)",
              conv1(5, 3, 1, 1), [5]))
    H.append(("relationship 3 with k=5, p=2 (i=7)", conv1(7, 5, 1, 2), [7]))
    H.append(("relationship 4: full padding p=k-1: o = i + k - 1 (i=5, k=3, p=2)",
              conv1(5, 3, 1, 2), [7]))
    H.append(("relationship 5: p=0, any s: o = (i-k)//s + 1 (i=5, k=3, s=2)",
              conv1(5, 3, 2), [2]))
    H.append(("relationship 5 floor case (i=6, k=3, s=2)", conv1(6, 3, 2), [2]))
    H.append(("relationship 6: general: o = (i+2p-k)//s + 1 (i=5, k=3, s=2, p=1)",
              conv1(5, 3, 2, 1), [3]))
    H.append(("relationship 6 with asymmetric pads 1,2 (ONNX pb+pe): (6+3-3)//2+1",
              conv1(6, 3, 2, 1, pe=2), [4]))
    H.append(("relationship 7: pooling, p=0: o = (i-k)//s + 1 (max, i=5, k=3, s=1)",
              pool("maxpool", 1, 5, 3, 1), [3]))
    H.append(("relationship 7: average pooling, i=5, k=3, s=1", pool("avgpool", 1, 5, 3, 1), [3]))
    H.append(("relationship 7: i=5, k=3, s=2 (max)", pool("maxpool", 2, 5, 3, 2), [2, 2]))
    H.append(("relationship 8: transposes s=1, p=0: o' = i' + k - 1 (i'=2, k=3)",
              convt1(2, 3), [4]))
    H.append(("relationship 9: transposes s=1, p: o' = i' + k - 1 - 2p (i'=6, k=4, p=2)",
              convt1(6, 4, 1, 2), [5]))
    H.append(("relationship 10: half padding: o' = i' (i'=5, k=3, p=1)", convt1(5, 3, 1, 1), [5]))
    H.append(("relationship 11: full padding: o' = i' - (k-1) (i'=7, k=3, p=2)",
              convt1(7, 3, 1, 2), [5]))
    H.append(("relationship 12: p=0, stride s, (i-k) % s == 0: o' = s(i'-1) + k "
              "(i=5, k=3, s=2: i'=2)", convt1(2, 3, 2), [5]))
    H.append(("relationship 13: padding p, stride s: o' = s(i'-1) + k - 2p "
              "(i=5, k=3, s=2, p=1: i'=3)", convt1(3, 3, 2, 1), [5]))
    H.append(("relationship 14: a = (i+2p-k) % s: o' = s(i'-1) + a + k - 2p "
              "(i=6, k=3, s=2, p=1: i'=3, a=1)", convt1(3, 3, 2, 1, 1), [6]))
    H.append(("relationship 15: dilated: o = (i+2p-k-(k-1)(d-1))//s + 1 (i=7, k=3, d=2)",
              conv1(7, 3, 1, 0, 2), [3]))
    H.append(("relationship 15 with s=2, p=1 (i=9, k=3, d=2): (9+2-5)//2+1",
              conv1(9, 3, 2, 1, 2), [4]))
    H.append(("negative numerator: i + P < ke is an error (i=2, k=5)", conv1(2, 5), "error"))
    # U-Net, MaxPool(2,2) down / ConvTranspose(2,2) up
    for i, o in ((224, 112), (112, 56), (56, 28), (28, 14), (225, 112)):
        H.append(("U-Net MaxPool(k=2, s=2): %d -> %d" % (i, o), pool("maxpool", 2, i, 2, 2),
                  [o, o]))
    for i in (14, 28, 56, 112):
        H.append(("U-Net ConvTranspose(k=2, s=2): %d -> %d (225 is never restored)" % (i, 2 * i),
                  convt2(i, 2, 2, 0), [2 * i, 2 * i]))
    # U-Net, Conv(3,2,1) down / ConvTranspose(3,2,1,a=0) up: o -> 2o-1
    for i, o in ((225, 113), (113, 57), (57, 29), (29, 15), (224, 112), (112, 56), (56, 28),
                 (28, 14)):
        H.append(("U-Net Conv(k=3, s=2, p=1): %d -> %d" % (i, o), conv2(i, 3, 2, 1), [o, o]))
    for i in (15, 29, 57, 113, 14):
        H.append(("U-Net ConvTranspose(k=3, s=2, p=1, a=0): %d -> %d" % (i, 2 * i - 1),
                  convt2(i, 3, 2, 1), [2 * i - 1, 2 * i - 1]))
    H.append(("U-Net: restoring 224 from 112 needs output_padding 1", convt2(112, 3, 2, 1, 1),
              [224, 224]))
    H.append(("ceil_mode, last window would start in the right padding (i=5, k=2, s=2, p=1)",
              pool("maxpool", 1, 5, 2, 2, 1, ceil=1), [3]))
    H.append(("ceil_mode without that correction (i=6, k=3, s=2, p=0): 3",
              pool("avgpool", 1, 6, 3, 2, 0, ceil=1), [3]))
    H.append(("ceil_mode: a kernel overhanging the padded input by less than s still gives "
              "one window (i=4, k=5, s=3)", pool("maxpool", 1, 4, 5, 3, ceil=1), [1]))
    H.append(("the same without ceil_mode is an error", pool("maxpool", 1, 4, 5, 3), "error"))
    H.append(("output_padding must be < max(s, d): a=2 with s=2 is an error",
              convt1(3, 3, 2, 1, 2), "error"))
    H.append(("output_padding may reach d-1 when d > s (s=1, d=3, a=2)",
              convt1(3, 3, 1, 0, 2, d=3), [11]))
    return H


# ---------------------------------------------------------------------------
# random cases

def pick_d(rng):
    return rng.choices([1, 2, 3], weights=[5, 3, 2])[0]


def axis_params(rng, dims, iso, sampler):
    """Per-axis tuples from sampler(); iso repeats the first axis's."""
    if iso:
        t = sampler()
        return [t] * dims
    return [sampler() for _ in range(dims)]


def input_sizes(rng, imax, needs, iso):
    """Spatial sizes up to imax: mostly ones the (effective, padded) kernel fits in,
    needs[a] being the smallest such size on axis a; some 8% have one axis too small,
    the error case.  iso: all axes share the parameters, and often the size too."""
    ins = [rng.randint(min(max(1, m), imax), imax) for m in needs]
    if iso and rng.random() < 0.5:
        ins = [ins[0]] * len(ins)
    if rng.random() < 0.08:
        j = rng.randrange(len(ins))
        if needs[j] >= 2:
            ins[j] = rng.randint(1, min(needs[j] - 1, imax))
    return ins


def in_range(op, dims):
    if op == "convtranspose":
        return 20 if dims < 3 else 8
    return 40 if dims < 3 else 14


def make_conv(rng, dims):
    imax = in_range("conv", dims)
    iso = rng.random() < 0.5
    mode = rng.choices(["sym", "asym", "same", "valid"], weights=[45, 30, 15, 10])[0]

    def axis():
        k = rng.randint(1, 7)
        s = 1 if mode == "same" else rng.randint(1, 5)
        d = pick_d(rng)
        if mode in ("same", "valid"):
            pb = pe = 0
        elif mode == "sym":
            pb = pe = rng.randint(0, k)
        else:
            pb, pe = rng.randint(0, k), rng.randint(0, k)
        return k, s, d, pb, pe

    ax = axis_params(rng, dims, iso, axis)
    if mode == "asym" and all(a[3] == a[4] for a in ax):
        k, s, d, pb, pe = ax[0]
        ax[0] = (k, s, d, pb, pe + 1)
    if mode == "same":
        needs = [1] * dims
    elif mode == "valid":
        needs = [ke(k, d) for k, s, d, pb, pe in ax]
    else:
        needs = [ke(k, d) - pb - pe for k, s, d, pb, pe in ax]
    ins = input_sizes(rng, imax, needs, iso)
    g = rng.choice([1, 1, 1, 2, 3])
    c = {"op": "conv", "dims": dims, "in": ins, "k": [a[0] for a in ax],
         "s": [a[1] for a in ax], "d": [a[2] for a in ax],
         "pads": [a[3] for a in ax] + [a[4] for a in ax],
         "autopad": {"same": "same_upper", "valid": "valid"}.get(mode, "notset"),
         "group": g, "cin": g * rng.randint(1, 2 if g > 1 else 3),
         "cout": g * rng.randint(1, 2 if g > 1 else 3)}
    return c


def make_convtranspose(rng, dims):
    imax = in_range("convtranspose", dims)
    iso = rng.random() < 0.5
    invalid_opad = rng.random() < 0.1

    def axis():
        k = rng.randint(1, 7)
        s = rng.randint(1, 5)
        d = pick_d(rng)
        p = rng.randint(0, k) if rng.random() < 0.85 else rng.randint(0, 2 * k + 2)
        m = max(s, d)
        a = rng.randint(0, m - 1)
        return k, s, d, p, a

    ax = axis_params(rng, dims, iso, axis)
    if invalid_opad:
        j = rng.randrange(dims)
        k, s, d, p, a = ax[j]
        ax[j] = (k, s, d, p, max(s, d) + rng.randint(0, 1))
    ins = [rng.randint(1, imax) for _ in range(dims)]
    if iso and rng.random() < 0.5:
        ins = [ins[0]] * dims
    g = rng.choice([1, 1, 1, 2, 3])
    return {"op": "convtranspose", "dims": dims, "in": ins, "k": [a[0] for a in ax],
            "s": [a[1] for a in ax], "d": [a[2] for a in ax],
            "pads": [a[3] for a in ax] * 2, "opad": [a[4] for a in ax], "group": g,
            "cin": g * rng.randint(1, 2 if g > 1 else 3),
            "cout": g * rng.randint(1, 2 if g > 1 else 3)}


def make_pool(rng, dims, op):
    imax = in_range(op, dims)
    iso = rng.random() < 0.5
    ceil = int(rng.random() < 0.5)
    want_corr = ceil and rng.random() < 0.5
    has_d = op == "maxpool"
    has_p = op != "lppool"

    def axis():
        k = rng.randint(1, 7)
        s = rng.randint(1, 5)
        d = pick_d(rng) if has_d else 1
        p = rng.randint(0, k // 2) if has_p else 0
        return k, s, d, p

    for _ in range(200):
        ax = axis_params(rng, dims, iso, axis)
        ins = input_sizes(rng, imax, [ke(k, d) - 2 * p for k, s, d, p in ax], iso)
        if not want_corr:
            break
        # many ceil_mode cases where the last window would start in the right padding
        if any(ceil_correction_applies(i, k, s, d, p, p) for i, (k, s, d, p) in zip(ins, ax)):
            break
    c = {"op": op, "dims": dims, "in": ins, "k": [a[0] for a in ax], "s": [a[1] for a in ax],
         "ceil": ceil}
    if has_d:
        c["d"] = [a[2] for a in ax]
    if has_p:
        c["pads"] = [a[3] for a in ax] * 2
    if op == "avgpool":
        c["cip"] = rng.randint(0, 1)
    if op == "lppool":
        c["norm"] = rng.choice([1, 2, 2, 3])
    return c


def make_maxunpool(rng, dims):
    imax = 30 if dims < 3 else 12
    iso = rng.random() < 0.5

    def axis():
        k = rng.randint(1, 5)
        s = rng.randint(1, 4)
        p = rng.randint(0, k // 2)
        return k, s, p

    while True:
        ax = axis_params(rng, dims, iso, axis)
        X = [rng.randint(max(1, k - 2 * p), imax) for k, s, p in ax]
        pooled = [(x + 2 * p - k) // s + 1 for x, (k, s, p) in zip(X, ax)]
        # keep the unpooled default size s(i-1) + k - 2p positive
        if min(pooled) >= 1 and all(s * (i - 1) + k - 2 * p >= 1
                                    for i, (k, s, p) in zip(pooled, ax)):
            break
    c = {"op": "maxunpool", "dims": dims, "pool_in": X, "in": pooled,
         "k": [a[0] for a in ax], "s": [a[1] for a in ax], "pads": [a[2] for a in ax] * 2}
    if rng.random() < 0.5:
        outsize = []
        for x, i, (k, s, p) in zip(X, pooled, ax):
            default = s * (i - 1) + k - 2 * p
            lo, hi = default - s + 1, default + s - 1   # torch's range (exclusive bounds)
            if lo <= x <= hi and rng.random() < 0.6:
                outsize.append(x)           # the usual use: restore the pre-pool size
            else:
                outsize.append(rng.randint(max(lo, 1), hi))
        c["outsize"] = outsize
    return c


def make_case(rng, op, dims):
    if op == "conv":
        return make_conv(rng, dims)
    if op == "convtranspose":
        return make_convtranspose(rng, dims)
    if op == "maxunpool":
        return make_maxunpool(rng, dims)
    return make_pool(rng, dims, op)


# ---------------------------------------------------------------------------
# the fixture

def generate():
    import torch
    runner = TorchRunner()
    rng = random.Random(SEED)
    seen = set()
    cases = []

    hp_lines = []
    for comment, c, expect in hand_picked():
        if not runner.run(c):
            sys.exit("abort: hand-picked case depends on values: " + case_key(c))
        got = c["result"][1] if c["result"][0] == "out" else "error"
        if got != expect:
            sys.exit("abort: hand-picked case %s: torch gives %s, expected %s"
                     % (case_key(c), got, expect))
        hp_lines += ["# " + comment, case_line(c)]
        seen.add(case_key(c))
        cases.append(("hand", c))

    dropped = 0             # draws torch cannot express (see TorchRunner.run)
    rand_lines = []
    for (op, dims), n in COUNTS.items():
        made = 0
        while made < n:
            c = make_case(rng, op, dims)
            if not runner.run(c):
                dropped += 1
                continue
            key = case_key(c)
            if key in seen:
                continue
            seen.add(key)
            rand_lines.append(case_line(c))
            cases.append(("random", c))
            made += 1

    header = [
        "# torch_window_cases.txt: spatial output sizes PyTorch computes for ONNX-style",
        "# Conv/ConvTranspose/MaxPool/AveragePool/LpPool/MaxUnpool configurations",
        "# generator: tools/gen_window_fixtures.py (do not edit by hand; rerun it)",
        "# torch %s, seed %d, %d cases (%d hand-picked, %d random)"
        % (torch.__version__, SEED, len(cases), len(hp_lines) // 2, len(rand_lines)),
        FORMAT_DOC,
        "# ---- hand-picked cases: the worked examples and relationships 1-15 "
        "(Dumoulin & Visin numbering) of conv-arithmetic.md",
    ]
    body = header + hp_lines + ["# ---- random cases"] + rand_lines
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("\n".join(body) + "\n")
    return cases, runner, dropped


def summarize(cases, runner, dropped):
    from collections import Counter
    tot, err, corr = Counter(), Counter(), Counter()
    for kind, c in cases:
        key = (c["op"], c["dims"])
        tot[key] += 1
        if c["result"][0] == "error":
            err[key] += 1
        elif c["op"] in ("maxpool", "avgpool", "lppool") and c["ceil"]:
            n = c["dims"]
            pads = c.get("pads", [0] * (2 * n))
            d = c.get("d", [1] * n)
            if any(ceil_correction_applies(c["in"][a], c["k"][a], c["s"][a], d[a], pads[a],
                                           pads[n + a]) for a in range(n)):
                corr[key] += 1
    print("wrote %s (%d bytes)" % (os.path.relpath(OUT), os.path.getsize(OUT)))
    print("%-14s %4s %6s %6s %s" % ("op", "dims", "cases", "errors", "ceil-correction"))
    for key in sorted(tot):
        print("%-14s %4d %6d %6d %s" % (key[0], key[1], tot[key], err[key], corr.get(key, "")))
    print("total %d cases; padding='same' odd-total splits verified as SAME_UPPER: %d; "
          "draws dropped (torch's index error or avg_pool3d's input>=kernel check): %d"
          % (sum(tot.values()), runner.same_verified, dropped))
    mism = []
    for _, c in cases:
        spec = spec_out(c)
        got = c["result"][1] if c["result"][0] == "out" else None
        if spec != got:
            mism.append("%s | current ONNX spec: %s" % (case_line(c), spec or "error"))
    print("torch vs the current ONNX spec formulas (conv-arithmetic.md): %d mismatches"
          % len(mism))
    for m in mism:
        print("  MISMATCH " + m)
    errs = Counter(c["result"][1] for _, c in cases if c["result"][0] == "error")
    for m, n in errs.most_common():
        print("  error msg=%s: %d" % (m, n))


# ---------------------------------------------------------------------------
# --check-onnx: compare against ONNX 1.12 shape inference, in a worker process
# (ONNX 1.12 can crash with SIGFPE on some invalid nodes)

def onnx_worker():
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper, shape_inference
    F32 = TensorProto.FLOAT
    for line in sys.stdin:
        c = json.loads(line)
        attrs = {"kernel_shape": c["k"], "strides": c["s"]}
        inits = []
        op = c["op"]
        if op in ("conv", "convtranspose"):
            attrs["dilations"] = c["d"]
            attrs["group"] = c["group"]
            if op == "conv":
                wshape = [c["cout"], c["cin"] // c["group"]] + c["k"]
                if c["autopad"] == "notset":
                    attrs["pads"] = c["pads"]
                else:
                    attrs["auto_pad"] = c["autopad"].upper()
            else:
                wshape = [c["cin"], c["cout"] // c["group"]] + c["k"]
                attrs["pads"] = c["pads"]
                attrs["output_padding"] = c["opad"]
            inputs = [("X", F32, [1, c["cin"]] + c["in"]), ("W", F32, wshape)]
            onnx_op = "Conv" if op == "conv" else "ConvTranspose"
        else:
            inputs = [("X", F32, [1, 2] + c["in"])]
            if op == "maxpool":
                onnx_op = "MaxPool"
                attrs.update(pads=c["pads"], dilations=c["d"], ceil_mode=c["ceil"])
            elif op == "avgpool":
                onnx_op = "AveragePool"
                attrs.update(pads=c["pads"], ceil_mode=c["ceil"],
                             count_include_pad=c["cip"])
            elif op == "lppool":
                onnx_op = "LpPool"          # LpPool-11: no ceil_mode before opset 18
                attrs["p"] = c["norm"]
            else:
                onnx_op = "MaxUnpool"
                attrs["pads"] = c["pads"]
                inputs.append(("I", TensorProto.INT64, [1, 2] + c["in"]))
        names = [x[0] for x in inputs]
        if op == "maxunpool" and c.get("outsize"):
            names.append("S")
            inits.append(numpy_helper.from_array(np.array([1, 2] + c["outsize"], np.int64), "S"))
        node = helper.make_node(onnx_op, names, ["Y"], **attrs)
        graph = helper.make_graph(
            [node], "g", [helper.make_tensor_value_info(*x) for x in inputs],
            [helper.make_tensor_value_info("Y", F32, None)], initializer=inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        try:
            inferred = shape_inference.infer_shapes(model, strict_mode=True)
            res = None
            for v in inferred.graph.output:
                if v.name == "Y" and v.type.tensor_type.HasField("shape"):
                    dims = v.type.tensor_type.shape.dim
                    res = ["out", [d.dim_value if d.HasField("dim_value") else None
                                   for d in dims]]
            if res is None:
                res = ["noshape", None]
        except Exception as e:      # InferenceError and friends
            res = ["error", str(e).splitlines()[0][:160]]
        sys.stdout.write(json.dumps(res) + "\n")
        sys.stdout.flush()


class OnnxPool:
    def __init__(self):
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--onnx-worker"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)

    def infer(self, c):
        if self.proc is None:
            self.start()
        msg = {k: v for k, v in c.items() if k != "result"}
        try:
            self.proc.stdin.write(json.dumps(msg) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        except BrokenPipeError:
            line = ""
        if not line:
            rc = self.proc.wait()
            self.proc = None
            return ["crash", "worker died, returncode %d" % rc]
        return json.loads(line)

    def close(self):
        if self.proc is not None:
            self.proc.stdin.close()
            self.proc.wait()


def uncorrected_ceil(c):
    """ONNX 1.12's pool size: ceil((i + P - ke)/s) + 1, no last-window correction."""
    n = c["dims"]
    d = c.get("d", [1] * n)
    pads = c.get("pads", [0] * (2 * n))
    return [-(-(c["in"][a] + pads[a] + pads[n + a] - ke(c["k"][a], d[a])) // c["s"][a]) + 1
            for a in range(n)]


def classify(c, torch_res, onnx_res):
    """None when torch and ONNX 1.12 agree, else the kind of disagreement."""
    op = c["op"]
    kind, val = onnx_res
    if kind == "out":
        spatial = val[2:]
        if torch_res[0] == "out":
            if spatial == torch_res[1]:
                return None
            if op in ("maxpool", "avgpool") and c["ceil"] and spatial == uncorrected_ceil(c):
                return "ceil_mode: ONNX 1.12 lacks the last-window-in-padding correction"
            return "different size"
        if op == "convtranspose" and any(a >= max(s, d) for a, s, d in
                                         zip(c["opad"], c["s"], c["d"])):
            return "torch error (output_padding >= max(s, d)), ONNX 1.12 infers a size"
        if any(v is not None and v <= 0 for v in spatial):
            return "torch error, ONNX 1.12 infers a non-positive dim instead of failing"
        return ("torch error, ONNX 1.12 infers a positive size (C++ '/' truncates the "
                "negative numerator toward zero)")
    if kind == "noshape":
        if torch_res[0] == "out":
            return "ONNX 1.12 infers no shape"
        return "torch error, ONNX 1.12 infers no shape"
    if kind == "crash":
        return "ONNX 1.12 crashed (" + val + ")"
    if torch_res[0] == "error":
        return None
    return "ONNX 1.12 fails, torch gives a size"


def check_onnx(cases, size):
    """Hand-picked cases plus `size` random ones (stratified by op; 0 = all)."""
    from collections import Counter, defaultdict
    rng = random.Random(SEED + 1)
    weights = {"conv": 60, "convtranspose": 60, "maxpool": 60, "avgpool": 60, "lppool": 40,
               "maxunpool": 20}
    per_op = {op: w * size // sum(weights.values()) for op, w in weights.items()}
    sample = [c for kind, c in cases if kind == "hand"]
    by_op = defaultdict(list)
    for kind, c in cases:
        if kind == "random":
            if c["op"] == "lppool" and c["ceil"]:
                continue    # ONNX 1.12 (opset 17) LpPool has no ceil_mode
            by_op[c["op"]].append(c)
    for op, n in per_op.items():
        sample += rng.sample(by_op[op], n) if 0 < n < len(by_op[op]) else by_op[op]
    pool = OnnxPool()
    cats = Counter()
    checked = Counter()
    for c in sample:
        res = pool.infer(c)
        checked[c["op"]] += 1
        why = classify(c, c["result"], res)
        if why is None:
            continue
        cats[(c["op"], why)] += 1
        onnx_txt = {"out": lambda v: "out=" + fmt_list(["?" if x is None else x for x in v[2:]]),
                    "noshape": lambda v: "no shape",
                    "crash": lambda v: v,
                    "error": lambda v: "error: " + v}[res[0]](res[1])
        print("DISAGREE [%s] %s | ONNX 1.12: %s" % (why, case_line(c), onnx_txt))
    pool.close()
    print("checked %d cases against ONNX 1.12 (%s)" % (
        sum(checked.values()), ", ".join("%s %d" % kv for kv in sorted(checked.items()))))
    for (op, why), n in sorted(cats.items()):
        print("  %-14s %4d  %s" % (op, n, why))
    print("total disagreements: %d" % sum(cats.values()))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check-onnx", action="store_true",
                    help="compare a sample against ONNX 1.12 shape inference")
    ap.add_argument("--onnx-sample", type=int, default=300, metavar="N",
                    help="random cases to compare with --check-onnx (default 300, 0 = all)")
    ap.add_argument("--onnx-worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.onnx_worker:
        onnx_worker()
        return
    cases, runner, dropped = generate()
    summarize(cases, runner, dropped)
    if args.check_onnx:
        check_onnx(cases, args.onnx_sample)


if __name__ == "__main__":
    main()
