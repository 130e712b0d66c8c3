"""Finite-difference stencils: symconv side by side with SymPy, findiff and pystencils.

    python benchmarks/bench_stencil.py [--quick]

Cases are the ``fd`` table of shared/problems/fd-stencils.md. Each timing is the best of several
repeats of a batch, the peers interleaved in one process, so the ratios (symconv time / peer time;
below 1 means symconv is faster) are comparable. What each side computes:

* symconv ``stencil(...)``: exact weights, the achieved accuracy and the leading truncation error
  ``τ`` as SymPy objects (more than the peers return);
* SymPy ``finite_diff_weights``: exact 1-D weights (every order and sub-stencil up to the asked
  one), unreduced for symbolic spacings;
* findiff ``coefficients(..., symbolic=True)``: exact weights and a reported accuracy
  (central, forward and backward at once); findiff ``Stencil``: float weights on an N-D offset set;
* pystencils ``FiniteDifferenceStencilDerivation``: exact weights on an offset set, the family's
  free weights, optionally the isotropic member (``isotropic=True``).

Besides speed it reports correctness facts of the peers (fd-stencils.md, "known defects"):
findiff's reported accuracy over the 48-case grid, findiff's float solve on wide stencils, and
findiff's ``Stencil`` on the full 3×3 set.
"""

from __future__ import annotations

import argparse
import itertools
import timeit
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import sympy as sp

from symconv.stencils.nd import box
from symconv.stencils.weights import stencil

try:
    import findiff
    from findiff.stencils import Stencil as FindiffStencil
except ImportError:  # pragma: no cover - optional peer
    findiff = None

try:
    from pystencils.fd.derivation import FiniteDifferenceStencilDerivation
except ImportError:  # pragma: no cover - optional peer
    FiniteDifferenceStencilDerivation = None


def best_time(function: Callable[[], Any], repeat: int, number: int) -> float:
    """Best seconds per call over ``repeat`` batches of ``number`` calls, after a warm-up batch
    (first calls fill SymPy's caches and the interpreter's, in every library alike)."""
    timeit.timeit(function, number=number)
    return min(timeit.repeat(function, number=number, repeat=repeat)) / number


def fmt(seconds: float) -> str:
    return f"{seconds * 1e6:9.1f} µs" if seconds < 1e-3 else f"{seconds * 1e3:9.2f} ms"


def row(name: str, ours: float, peers: dict[str, float | None]) -> None:
    parts = [f"{name:<34} symconv {fmt(ours)}"]
    for peer, seconds in peers.items():
        if seconds is None:
            parts.append(f"{peer}: n/a")
        else:
            parts.append(f"{peer} {fmt(seconds)} (ratio {ours / seconds:5.2f}×)")
    print(" | ".join(parts))


def pystencils_1d(order: int, offsets: list[int]) -> Callable[[], Any] | None:
    if FiniteDifferenceStencilDerivation is None:
        return None
    points = [(o,) for o in offsets]
    return lambda: FiniteDifferenceStencilDerivation((0,) * order, points).get_stencil()


def one_dimensional(repeat: int) -> None:
    print("1-D (fd-a, fd-b, fd-c): weights, and for symconv also accuracy and τ")
    cases = [
        ("fd-a  d2 central acc 2", 2, 2, "central", [-1, 0, 1]),
        ("fd-b  d4 central acc 6", 4, 6, "central", list(range(-4, 5))),
        ("fd-c  d1 forward acc 4", 1, 4, "forward", list(range(5))),
    ]
    for name, order, accuracy, scheme, offsets in cases:
        ours = best_time(lambda o=order, a=accuracy, s=scheme: stencil(o, a, scheme=s), repeat, 200)
        sympy_time = best_time(
            lambda o=order, p=offsets: sp.finite_diff_weights(o, p, 0)[o][-1], repeat, 50
        )
        findiff_time = None
        if findiff is not None:
            findiff_time = best_time(
                lambda o=order, p=offsets: findiff.coefficients(deriv=o, offsets=p, symbolic=True),
                repeat,
                20,
            )
        py = pystencils_1d(order, offsets)
        pystencils_time = best_time(py, repeat, 5) if py else None
        row(
            name,
            ours,
            {"SymPy": sympy_time, "findiff": findiff_time, "pystencils": pystencils_time},
        )


def non_uniform(repeat: int) -> None:
    h_m, h_p = sp.symbols("h_m h_p")
    points = [-h_m, 0, h_p]
    ours = best_time(lambda: stencil(2, offsets=points), repeat, 20)
    raw = best_time(lambda: sp.finite_diff_weights(2, points, 0)[2][-1], repeat, 50)
    reduced = best_time(
        lambda: [sp.factor(w) for w in sp.finite_diff_weights(2, points, 0)[2][-1]], repeat, 10
    )
    print("fd-f d2 on (x − h_m, x, x + h_p): symconv gives reduced weights and τ; SymPy raw")
    row("fd-f  symbolic spacings", ours, {"SymPy raw": raw, "SymPy + factor": reduced})


def pystencils_family(isotropic: bool) -> Callable[[], Any] | None:
    if FiniteDifferenceStencilDerivation is None:
        return None
    points = box(1, 2)

    def run() -> Any:
        # The Laplacian: ∂xx and ∂yy stencils on the 3×3 set (pystencils derives them apart).
        return [
            FiniteDifferenceStencilDerivation(axes, points).get_stencil(isotropic=isotropic)
            for axes in ((0, 0), (1, 1))
        ]

    return run


def two_dimensional(repeat: int) -> None:
    print("\n2-D on the 3×3 set (fd-d2 family, fd-e family), fd-d1 and fd-d3 tensor products")
    square = box(1, 2)
    family = best_time(lambda: stencil(2, offsets=square), repeat, 20)
    family_iso = best_time(lambda: stencil(2, offsets=square).member("isotropic"), repeat, 10)
    family_all = best_time(lambda: stencil(2, offsets=square).members, repeat, 5)
    peer_family = pystencils_family(False)
    peer_iso = pystencils_family(True)
    findiff_time = None
    if findiff is not None:
        findiff_time = best_time(
            lambda: FindiffStencil(square, {(2, 0): 1, (0, 2): 1}).values, repeat, 5
        )
    row(
        "fd-d2 Laplacian family (3×3)",
        family,
        {
            "pystencils": best_time(peer_family, repeat, 3) if peer_family else None,
            "findiff Stencil": findiff_time,
        },
    )
    row(
        "fd-d2 family + isotropic member",
        family_iso,
        {"pystencils isotropic": best_time(peer_iso, repeat, 3) if peer_iso else None},
    )
    print(f"{'fd-d2 family + every named member':<34} symconv {fmt(family_all)}")
    mixed = best_time(lambda: stencil((1, 1), offsets=square), repeat, 20)
    peer_mixed = None
    if FiniteDifferenceStencilDerivation is not None:
        peer_mixed = best_time(
            lambda: FiniteDifferenceStencilDerivation((0, 1), square).get_stencil(), repeat, 3
        )
    row("fd-e ∂²/∂x∂y family (3×3)", mixed, {"pystencils": peer_mixed})
    row("fd-d1 5-point (tensor product)", best_time(lambda: stencil(2, dims=2), repeat, 50), {})
    row("fd-d3 radius-2 cross, acc 4", best_time(lambda: stencil(2, 4, dims=2), repeat, 50), {})
    row("3-D 27-point family", best_time(lambda: stencil(2, offsets=box(1, 3)), repeat, 3), {})


def findiff_accuracy_grid() -> None:
    print("\nReported accuracy over derivative 1–4 × accuracy 2,4,6,8 × central/forward/backward")
    grid = list(itertools.product(range(1, 5), (2, 4, 6, 8), ("central", "forward", "backward")))
    ours_wrong = 0
    peer_wrong = {True: 0, False: 0}
    for order, accuracy, scheme in grid:
        ours = stencil(order, accuracy, scheme=scheme)
        # Independent truth: exact on monomials up to degree n + p − 1, wrong at n + p.
        truth = exactness_accuracy(order, [int(o[0]) for o in ours.offsets], ours.weights)
        ours_wrong += ours.accuracy != truth
        if findiff is None:
            continue
        key = {"central": "center"}.get(scheme, scheme)
        for symbolic in (True, False):
            reported = findiff.coefficients(deriv=order, acc=accuracy, symbolic=symbolic)[key]
            peer_wrong[symbolic] += reported["accuracy"] != truth
    print(f"  symconv wrong: {ours_wrong} of {len(grid)}")
    if findiff is not None:
        print(f"  findiff symbolic=True wrong: {peer_wrong[True]} of {len(grid)}")
        print(f"  findiff symbolic=False wrong: {peer_wrong[False]} of {len(grid)}")


def exactness_accuracy(order: int, offsets: list[int], weights: Any) -> int:
    exact = [Fraction(int(w.p), int(w.q)) for w in weights]
    point = Fraction(3, 7)
    for degree in range(order + 2 * len(offsets) + 3):
        applied = sum(w * (point + o) ** degree for w, o in zip(exact, offsets, strict=True))
        falling = 1
        for k in range(order):
            falling *= degree - k
        target = falling * point ** (degree - order) if degree >= order else 0
        if applied != target:
            return degree - order
    raise AssertionError("no inexact degree")


def wide_stencils() -> None:
    print("\nWide central stencils: max relative error of the weights against exact")
    for points in (21, 31, 41):
        radius = points // 2
        offsets = list(range(-radius, radius + 1))
        for order in (1, 2, 4):
            exact = stencil(order, offsets=offsets).weights
            same_as_sympy = list(exact) == list(
                sp.finite_diff_weights(order, offsets, 0)[order][-1]
            )
            line = f"  {points} points, d{order}: symconv exact (== SymPy: {same_as_sympy})"
            if findiff is not None:
                floats = findiff.coefficients(deriv=order, offsets=offsets)["coefficients"]
                worst = max(
                    abs(float(f) - float(e)) / abs(float(e))
                    for f, e in zip(floats, exact, strict=True)
                    if e
                )
                line += f"; findiff float {worst:.1e}"
            print(line)


def defects() -> None:
    if findiff is None:
        return
    print("\nfindiff Stencil on the full 3×3 offset set for the Laplacian:")
    values = FindiffStencil(box(1, 2), {(2, 0): 1, (0, 2): 1}).values
    print(f"  {dict(values)} — the 5-point stencil, the family's free weight silently fixed")
    print(f"  symconv: free parameters {stencil(2, offsets=box(1, 2)).free_parameters}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    repeat = 3 if args.quick else 7
    print(
        "peers: SymPy",
        sp.__version__,
        "| findiff",
        getattr(findiff, "__version__", "missing"),
        "| pystencils",
        "present" if FiniteDifferenceStencilDerivation else "missing",
    )
    one_dimensional(repeat)
    non_uniform(repeat)
    two_dimensional(repeat)
    findiff_accuracy_grid()
    wide_stencils()
    defects()


if __name__ == "__main__":
    main()
