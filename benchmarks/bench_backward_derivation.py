"""Time to derive backward passes, and the speed of the code exported from them.

1. ``derive_backward`` on a 2-d convolution layer with symbolic stride s, padding p and
   dilation d (NCHW, OIHW, batch and channels), for X, W and b: seconds per derivation, and the
   same for the layer with numeric options (stride 2, padding 1, dilation 2).
2. The whole rule table: building every rule and deriving every backward with the
   differentiator (what the table's engine-agreement proofs need).
3. The exported NumPy backward of a convolution (generated from the index form: a gather of
   sliding windows and one ``np.einsum`` per gradient) side by side with
   ``symconv.conv.numeric.conv_backward`` (hand-vectorised shift/im2col) and PyTorch autograd (2
   threads) on a moderate layer (N=4, C=M=16, 28×28, 3×3, padding 1) in float64: ratios, not
   targets — the export favours generality over speed.

Run ``python benchmarks/bench_backward_derivation.py [--repeats R]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import sympy as sp

from symconv.conv.forms import conv_index_form
from symconv.conv.geometry import ConvSpec
from symconv.conv.numeric import conv_backward
from symconv.grad.differentiate import derive_backward


def best_of(function: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def derivation_times(repeats: int) -> None:
    s = sp.Symbol("s", integer=True, positive=True)
    p = sp.Symbol("p", integer=True, nonnegative=True)
    d = sp.Symbol("d", integer=True, positive=True)
    layers = {
        "conv2d, symbolic s, p, d": conv_index_form(2, stride=s, padding=p, dilation=d),
        "conv2d, s=2, p=1, d=2": conv_index_form(2, stride=2, padding=1, dilation=2),
    }
    print("derive_backward (best of", repeats, "runs)")
    for label, form in layers.items():
        for wrt in ("X", "W", "b"):
            seconds = best_of(lambda form=form, wrt=wrt: derive_backward(form, wrt), repeats)
            print(f"  {label:28s} ∂J/∂{wrt}: {seconds * 1e3:8.1f} ms")


def table_time() -> None:
    started = time.perf_counter()
    from symconv.rules import all_rules

    rules = all_rules()
    built = time.perf_counter()
    count = 0
    for rule in rules:
        for wrt in rule.arguments:
            rule.engine_derivation(wrt)
            rule.backward_formula(wrt)
            count += 1
    done = time.perf_counter()
    print(
        f"rule table: {len(rules)} rules imported in {built - started:.2f} s; "
        f"{count} backward passes derived and parsed in {done - built:.2f} s "
        f"({(done - built) / count * 1e3:.0f} ms each)"
    )


def export_race(repeats: int) -> None:
    from symconv.rules import conv_rule

    spec = ConvSpec.make(3, dims=2, padding=1)
    layer = conv_rule(spec).export()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 16, 28, 28))
    w = rng.standard_normal((16, 16, 3, 3))
    b = rng.standard_normal(16)
    g = rng.standard_normal((4, 16, 28, 28))
    assert np.allclose(layer.backward(g, X=x, W=w, b=b)["X"], conv_backward(spec, x, w, g)[0])
    timings = {
        "exported (gather + einsum)": best_of(lambda: layer.backward(g, X=x, W=w, b=b), repeats),
        "symconv.conv.numeric.conv_backward": best_of(
            lambda: conv_backward(spec, x, w, g), repeats
        ),
    }
    try:
        import torch

        torch.set_num_threads(2)
        tx = torch.tensor(x, requires_grad=True)
        tw = torch.tensor(w, requires_grad=True)
        tg = torch.tensor(g)

        def torch_backward() -> None:
            tx.grad = tw.grad = None
            torch.nn.functional.conv2d(tx, tw, padding=1).backward(tg)

        timings["torch autograd (fwd + bwd, 2 threads)"] = best_of(torch_backward, repeats)
    except ImportError:
        print("  (torch not installed: its row is left out)")
    reference = timings["symconv.conv.numeric.conv_backward"]
    print("backward of a conv layer, N=4, C=M=16, 28x28, 3x3, padding 1, float64")
    for label, seconds in timings.items():
        print(
            f"  {label:40s} {seconds * 1e3:8.1f} ms   ratio to numeric {seconds / reference:5.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    derivation_times(arguments.repeats)
    table_time()
    export_race(arguments.repeats)


if __name__ == "__main__":
    main()
