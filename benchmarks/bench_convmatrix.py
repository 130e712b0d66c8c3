"""Building the convolution matrix C (vec(z) = C vec(x)): symconv against the naive ways.

Peers, side by side in one process:

* symbolic C for an n×n input and a 3×3 kernel (valid cross-correlation, (n−2)² × n²):
  ``symconv.conv.matrix.conv_matrix`` (direct index placement) against the naive way, the SymPy
  Jacobian ``Matrix(vec(z)).jacobian(vec(x))`` of the explicit forward pass;
* numeric sparse C at 256×256: ``conv_matrix_sparse`` (vectorised NumPy index arithmetic) against
  a Python loop that places every entry and then builds the same CSR matrix.

Run ``python benchmarks/bench_convmatrix.py`` (the 32×32 Jacobian alone takes about 30 s) or with
``--quick`` to skip the 32×32 naive run. Targets: ≥ 1000× faster than the Jacobian at 32×32, and
the 64×64 symbolic build under 0.1 s.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse
import sympy as sp

from symconv.conv.forms import correlate
from symconv.conv.matrix import conv_matrix, conv_matrix_sparse
from symconv.core.tensors import entries


def best_time(function: Callable[[], Any], repeats: int) -> tuple[float, float, Any]:
    """(first run, best of ``repeats`` runs, result) in seconds."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return times[0], min(times), result


def naive_jacobian(n: int) -> tuple[float, float, sp.Matrix]:
    """(forward time, Jacobian time, C) the way one would without symconv."""
    x, w = entries("x", (n, n)), entries("w", (3, 3))
    start = time.perf_counter()
    z = correlate(x, w)
    forward = time.perf_counter() - start
    start = time.perf_counter()
    jacobian = sp.Matrix(list(z)).jacobian(list(x))
    return forward, time.perf_counter() - start, jacobian


def naive_sparse(n: int, w: np.ndarray) -> scipy.sparse.csr_matrix:
    """Place every entry of the valid correlation matrix with a Python loop."""
    k = w.shape[0]
    o = n - k + 1
    rows, cols, values = [], [], []
    for j1 in range(o):
        for j2 in range(o):
            for k1 in range(k):
                for k2 in range(k):
                    rows.append(j1 * o + j2)
                    cols.append((j1 + k1) * n + j2 + k2)
                    values.append(w[k1, k2])
    return scipy.sparse.csr_matrix((values, (rows, cols)), shape=(o * o, n * n))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 32×32 naive Jacobian")
    args = parser.parse_args()

    print("symbolic C, n×n input, 3×3 kernel, valid cross-correlation")
    print(
        f"{'n':>4} {'C shape':>12} {'symconv first':>14} {'symconv best':>13} "
        f"{'naive forward':>14} {'naive jacobian':>15} {'ratio':>9}"
    )
    sizes = [16] if args.quick else [16, 32]
    for n in sizes:
        first, best, C = best_time(lambda n=n: conv_matrix((n, n), (3, 3)), repeats=5)
        forward, jacobian_time, jacobian = naive_jacobian(n)
        assert jacobian == C, f"symconv's C differs from the Jacobian at n={n}"
        naive = forward + jacobian_time
        print(
            f"{n:>4} {f'{C.rows}×{C.cols}':>12} {first:>13.4f}s {best:>12.4f}s "
            f"{forward:>13.3f}s {jacobian_time:>14.3f}s {naive / best:>8.0f}×"
        )
    if args.quick:
        print("  (32×32 naive run skipped: --quick)")

    for n in (64, 128):
        first, best, C = best_time(lambda n=n: conv_matrix((n, n), (3, 3)), repeats=5)
        print(
            f"symconv conv_matrix {n}×{n} ({C.rows}×{C.cols}, {C.nnz()} nonzeros): "
            f"first {first:.4f} s, best {best:.4f} s"
            + (f"  [target < 0.1 s: {'met' if best < 0.1 else 'NOT met'}]" if n == 64 else "")
        )

    n = 256
    w = np.random.default_rng(0).standard_normal((3, 3))
    first, best, C_sparse = best_time(lambda: conv_matrix_sparse((n, n), w), repeats=5)
    loop_first, _, C_loop = best_time(lambda: naive_sparse(n, w), repeats=1)
    assert (C_sparse != C_loop).nnz == 0
    print(
        f"numeric sparse C {n}×{n} ({C_sparse.shape[0]}×{C_sparse.shape[1]}, "
        f"{C_sparse.nnz} nonzeros): conv_matrix_sparse best {best:.4f} s (first {first:.4f} s), "
        f"Python loop {loop_first:.3f} s, ratio {loop_first / best:.0f}×"
    )


if __name__ == "__main__":
    main()
