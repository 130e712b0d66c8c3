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
  the inverse: an intermediate step of an elimination is a square matrix too).

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

from symconv.check.judges.verdicts import right, unverified
from symconv.check.model import Claim, Judgement
from symconv.check.shown import format_value

__all__ = ["is_numeric_square", "judge_inverse", "moment_layout", "moment_matrix"]


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
