"""The matrix of a stencil's Taylor conditions, and its inverse, written out.

A stencil ``Σ_j a_j f_{i+o_j}`` matches the Taylor series of ``f`` term by term: the weights
solve ``Σ_j o_jᵏ a_j = k! δ_{kp} / hᵖ`` for ``k = 0 … N−1`` — the matrix ``M_{kj} = o_jᵏ``
(a Vandermonde matrix of the offsets; ``0⁰ = 1``). A text that names it (``M = [(-2)^0 …]``)
after writing the stencil states that matrix; one that then writes ``M⁻¹`` (or a matrix after
"inverting it gives") states its inverse. Both are decided exactly:

* :func:`moment_layout` — the written matrix is the stencil's ``M`` in one of the layouts texts
  use: rows by power (``o_jᵏ``) or by point (the transpose), with or without the ``1/k!`` of the
  Taylor table, the offsets ascending or descending; None if it is none of them (another
  convention is possible, so a mismatch is not called wrong);
* :func:`judge_inverse` — a matrix that words call the inverse of the matrix in force: right when
  it equals the exact inverse entry by entry; else unverified (nothing but the words says it is
  the inverse: an intermediate step of an elimination is a square matrix too);
* :func:`judge_column_recipe` — "the ``p``-th derivative is ``p!/hᵖ`` times the (p+1)-th column
  of ``M⁻¹`` times ``(f_{i-2}, …, f_{i+2})``": right when ``M`` is the Taylor matrix of those
  samples in a layout where that column holds the weights; wrong when it is the row, or the
  factor is not the one that layout needs.

    >>> import sympy as sp
    >>> written = sp.Matrix([[1, 1, 1], [-1, 0, 1], [1, 0, 1]])
    >>> moment_layout(written, (-1, 0, 1))
    'row k holds the offsets -1, 0, 1 to the power k'
    >>> moment_layout(written.T, (-1, 0, 1))
    'row j holds the powers 0 … 2 of offset j (the transpose)'
    >>> moment_layout(sp.Matrix([[1, 1], [0, 2]]), (-1, 0, 1)) is None
    True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import sympy as sp

from symconv.check.judges.verdicts import right, unverified, wrong
from symconv.check.model import Claim, Judgement
from symconv.check.shown import format_value
from symconv.check.stencil_words import ColumnRecipe
from symconv.core.safe import as_sympy

__all__ = [
    "is_numeric_square",
    "judge_column_recipe",
    "judge_inverse",
    "moment_layout",
    "moment_matrix",
    "sample_offsets",
]


def is_numeric_square(value: Any) -> bool:
    """A square matrix (at least 2 × 2) of exact numbers."""
    return (
        isinstance(value, sp.MatrixBase)
        and value.rows == value.cols >= 2
        and all(isinstance(entry, sp.Basic) and entry.is_Rational for entry in value)
    )


def moment_matrix(offsets: Sequence[int], *, factorials: bool = False) -> sp.ImmutableMatrix:
    """``M_{kj} = o_jᵏ`` (divided by ``k!`` with ``factorials``), ``k = 0 … N−1``."""
    size = len(offsets)
    return sp.ImmutableMatrix(
        size,
        size,
        lambda k, j: sp.Integer(offsets[j]) ** k / (math.factorial(k) if factorials else 1),
    )


def moment_layout(written: Any, offsets: Sequence[int]) -> str | None:
    """How ``written`` lays out the Taylor-condition matrix of a stencil on ``offsets`` (module
    docstring), or None."""
    if not is_numeric_square(written) or written.rows != len(offsets):
        return None
    shown = ", ".join(str(o) for o in offsets)
    last = len(offsets) - 1
    for order, label in ((list(offsets), ""), (list(reversed(offsets)), " (offsets descending)")):
        for factorials in (False, True):
            matrix = moment_matrix(order, factorials=factorials)
            scaled = " divided by k!" if factorials else ""
            if sp.Matrix(written) == matrix:
                return f"row k holds the offsets {shown} to the power k{scaled}{label}"
            if sp.Matrix(written) == matrix.T:
                return (
                    f"row j holds the powers 0 … {last} of offset j{scaled} (the transpose){label}"
                )
    return None


def judge_inverse(claim: Claim, written: Any, matrix: Any, name: str, line: int) -> Judgement:
    """Right when ``written`` is the exact inverse of ``matrix`` (named ``name`` on ``line``)."""
    if not is_numeric_square(written) or written.shape != matrix.shape:
        return unverified(claim, f"not a matrix of the shape of {name} (line {line})")
    if sp.Matrix(matrix).det() == 0:
        return unverified(claim, f"{name} (line {line}) has no inverse")
    inverse = sp.Matrix(matrix).inv()
    if sp.Matrix(written) == inverse:
        return right(claim, f"the inverse of {name} (line {line}), entry by entry")
    differing = next(
        (r, c)
        for r in range(inverse.rows)
        for c in range(inverse.cols)
        if written[r, c] != inverse[r, c]
    )
    r, c = differing
    return unverified(
        claim,
        f"not the inverse of {name} (line {line}): entry ({r + 1}, {c + 1}) is "
        f"{format_value(written[r, c])}, the inverse has {format_value(inverse[r, c])}; nothing "
        "but the words says this matrix is meant as the inverse",
    )


def sample_offsets(samples: Sequence[Any]) -> list[int] | None:
    """The offsets of ``(f_{i-2}, …, f_{i+2})`` in the order written (``[-2, …, 2]``): entries of
    one tensor that differ in one index, ``s + c`` with one symbol ``s``; None otherwise."""
    if not samples or not all(isinstance(e, sp.Indexed) for e in samples):
        return None
    if len({(e.base, len(e.indices)) for e in samples}) != 1:
        return None
    varying = [
        k for k in range(len(samples[0].indices)) if len({e.indices[k] for e in samples}) > 1
    ]
    if len(varying) != 1:
        return None
    indices = [e.indices[varying[0]] for e in samples]
    shared = set.intersection(*(set(index.free_symbols) for index in indices))
    if len(shared) != 1:
        return None
    symbol = next(iter(shared))
    offsets = [sp.expand(index - symbol) for index in indices]
    if not all(o.is_Integer for o in offsets) or len(set(offsets)) != len(offsets):
        return None
    return [int(o) for o in offsets]


def _step_power(factor: Any, order: sp.Symbol) -> tuple[Any, Any] | None:
    """``(c, h)`` for a factor ``c / hᵖ`` (``h`` a step symbol), or None."""
    for symbol in sorted(factor.free_symbols - {order}, key=str):
        rest = sp.simplify(factor * symbol**order)
        if symbol not in rest.free_symbols:
            return rest, symbol
    return None


def judge_column_recipe(
    claim: Claim,
    recipe: ColumnRecipe,
    order: Any,
    matrix: Any,
    name: str,
    line: int,
) -> Judgement:
    """Decide a recipe "the ``p``-th derivative is ``p!/hᵖ`` times the (p+1)-th column of
    ``M⁻¹`` times the samples" against ``M`` (``name``, written on ``line``): the weights of the
    ``p``-th derivative solve ``M a = p! e_{p+1}`` when row ``k`` of ``M`` holds the samples'
    offsets to the power ``k`` — they are ``p!`` times column ``p + 1`` of ``M⁻¹`` (row ``p + 1``
    for the transposed layout; without the ``p!`` for the Taylor table's ``1/k!`` rows)."""
    offsets = sample_offsets(recipe.samples)
    if offsets is None:
        return unverified(claim, "the vector is not a row of samples f_{i+m} of one function")
    if not is_numeric_square(matrix) or matrix.rows != len(offsets):
        return unverified(
            claim,
            f"the vector has {len(offsets)} samples and {name} (line {line}) is not "
            f"{len(offsets)} × {len(offsets)}",
        )
    layouts = {
        ("column", False): moment_matrix(offsets),
        ("row", False): moment_matrix(offsets).T,
        ("column", True): moment_matrix(offsets, factorials=True),
        ("row", True): moment_matrix(offsets, factorials=True).T,
    }
    layout = next((key for key, value in layouts.items() if sp.Matrix(matrix) == value), None)
    if layout is None:
        return unverified(
            claim,
            f"{name} (line {line}) is not the Taylor matrix of the samples "
            f"{', '.join(map(str, offsets))}",
        )
    if not isinstance(order, sp.Symbol) or sp.expand(recipe.index - order) != 1:
        return unverified(
            claim,
            f"the {recipe.axis} {recipe.index} of {name}⁻¹ is read for the derivative "
            f"{order}: the counting of {recipe.axis}s (from 0 or 1) is not said",
        )
    axis, scaled = layout
    inverse = sp.Matrix(matrix).inv()
    where = f"{name} (line {line}) has the samples' offsets to the power k in its " + (
        "row k" if axis == "column" else "column k"
    )
    if recipe.axis != axis and inverse != inverse.T:
        first = inverse.col(1) if axis == "column" else inverse.row(1)
        given = inverse.row(1) if axis == "column" else inverse.col(1)
        return wrong(
            claim,
            f"{where}: the weights of the {order}-th derivative are {axis} {order} + 1 of "
            f"{name}⁻¹, not {recipe.axis} {order} + 1",
            witness=f"{order} = 1: {recipe.axis} 2 is ({', '.join(map(format_value, given))}), "
            f"the first-derivative weights ({', '.join(map(format_value, first))})",
        )
    step = sp.Symbol("h")
    found = None if recipe.factor is None else _step_power(recipe.factor, order)
    if found is not None:
        step = found[1]
    expected = (1 if scaled else sp.factorial(order)) / step**order
    if recipe.factor is not None:
        wanted = 1 if scaled else sp.factorial(order)
        if found is None or sp.simplify(found[0] - wanted) != 0:
            shown = recipe.factor if found is None else found[0]
            return wrong(
                claim,
                f"{where}: the {recipe.axis} gives the {order}-th derivative times "
                f"{step}^{order}/{'1' if scaled else f'{order}!'}, so the factor is "
                f"{'1' if scaled else f'{order}!'}/{step}^{order}, not {recipe.factor}",
                expected=expected,
                witness=f"{order} = 2: {as_sympy(shown).subs(order, 2)} ≠ "
                f"{as_sympy(wanted).subs(order, 2)}",
            )
    factor = f"1/{step}^{order}" if scaled else f"{order}!/{step}^{order}"
    return right(
        claim,
        f"{where}, so {factor} times {axis} {order} + 1 of {name}⁻¹ are the weights of the "
        f"{order}-th derivative on the samples",
    )
