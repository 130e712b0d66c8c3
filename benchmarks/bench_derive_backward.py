"""Time of ``derive_backward`` for a 2-d convolution with stride, padding and dilation.

Peers, side by side in one process:

* ``derive_backward`` on the foundation's index form (symbolic sizes: valid for every size);
* ``derive_backward`` on the string form (parsing included);
* element-wise ``sympy.diff`` of the explicit forward at one small concrete size (N=1, C=2, M=2,
  6×6 input, 3×3 kernel) — what one does without the differentiator, for one size only;
* the derivation's own checks (exact vs ``sympy.diff`` and numeric, at random small sizes).

Run: ``python benchmarks/bench_derive_backward.py``. Prints the best of several runs and ratios.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import product

import numpy as np
import sympy as sp

from symconv import ConvSpec, entries
from symconv.conv.forms import conv_index_form, explicit_forward
from symconv.grad.differentiate import derive_backward

STRIDE, PADDING, DILATION = 2, 1, 2
TEXT = (
    "Z[i,m,j1,j2] = b[m] + sum_{n,k1,k2} W[m,n,k1,k2] "
    f"X[i,n,{STRIDE}*j1+{DILATION}*k1-{PADDING},{STRIDE}*j2+{DILATION}*k2-{PADDING}]"
)


def best_of(function: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def explicit_gradients() -> None:
    spec = ConvSpec.make((3, 3), stride=STRIDE, padding=PADDING, dilation=DILATION)
    x, w = entries("x", (1, 2, 6, 6), base=0), entries("w", (2, 2, 3, 3), base=0)
    bias = entries("b", (2,), base=0)
    z = explicit_forward(spec, x, w, bias)
    g = entries("g", z.shape, base=0)
    loss = sum((g[i] * z[i] for i in product(*map(range, z.shape))), sp.Integer(0))
    for tensor in (x, w, bias):
        for index in product(*map(range, tensor.shape)):
            sp.diff(loss, tensor[index])


def main() -> None:
    form = conv_index_form(2, stride=STRIDE, padding=PADDING, dilation=DILATION)
    rows: list[tuple[str, float]] = []
    for wrt in ("X", "W", "b"):
        rows.append(
            (
                f"derive_backward(index form), d{wrt}",
                best_of(lambda wrt=wrt: derive_backward(form, wrt=wrt), 5),
            )
        )
    symbolic_total = sum(t for _, t in rows)
    rows.append(("derive_backward, dX + dW + db (index form)", symbolic_total))
    text_total = sum(
        best_of(lambda wrt=wrt: derive_backward(TEXT, wrt=wrt), 5) for wrt in ("X", "W", "b")
    )
    rows.append(("derive_backward, dX + dW + db (string form)", text_total))
    explicit = best_of(explicit_gradients, 2)
    rows.append(("sympy.diff of the explicit forward, one size (N=1,C=2,M=2,6x6,3x3)", explicit))
    derivation = derive_backward(form, wrt="X")
    checks = best_of(lambda: derivation.check(np.random.default_rng(0)), 2)
    rows.append(("dX's own checks (exact + numeric, random small sizes)", checks))

    width = max(len(name) for name, _ in rows)
    print(f"conv2d, stride {STRIDE}, padding {PADDING}, dilation {DILATION} (NCHW, OIHW, bias)")
    for name, seconds in rows:
        print(f"  {name:<{width}}  {seconds * 1000:9.1f} ms")
    print("ratios:")
    print(f"  string form / index form            {text_total / symbolic_total:6.2f}x")
    print(f"  explicit sympy.diff (1 size) / derive {explicit / symbolic_total:6.2f}x")
    print(f"  dX checks / derive dX               {checks / rows[0][1]:6.2f}x")


if __name__ == "__main__":
    main()
