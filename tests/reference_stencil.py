"""Naive reference for finite-difference stencils: no symconv imports, plain loops and Fractions.

* ``vandermonde_weights``: the 1-D weights from the Vandermonde system ``Σ_j w_j o_j^k = k! δ_{kn}``
  (k = 0 … N−1), solved by Gauss–Jordan elimination in ``fractions.Fraction``.
* ``achieved_accuracy``: apply the stencil to monomials at a rational point and find the first
  degree it gets wrong (polynomial exactness), in N dimensions.
* ``leading_error``: the Taylor coefficients of the first inexact degree.
* ``correlate_loop``: apply a kernel to a grid by loops (valid region).
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction


def gauss_jordan(matrix: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction]:
    """Solve a square nonsingular system exactly (row swaps for zero pivots)."""
    size = len(matrix)
    rows = [[*map(Fraction, row), Fraction(value)] for row, value in zip(matrix, rhs, strict=True)]
    for column in range(size):
        pivot = next(r for r in range(column, size) if rows[r][column] != 0)
        rows[column], rows[pivot] = rows[pivot], rows[column]
        lead = rows[column][column]
        rows[column] = [value / lead for value in rows[column]]
        for r in range(size):
            if r != column and rows[r][column] != 0:
                factor = rows[r][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[column], strict=True)]
    return [row[-1] for row in rows]


def vandermonde_weights(order: int, offsets: list[Fraction]) -> list[Fraction]:
    """Weights of d^order/dx^order on ``offsets`` (units of h), exact for degree < N."""
    size = len(offsets)
    matrix = [[Fraction(o) ** k for o in offsets] for k in range(size)]
    rhs = [Fraction(math.factorial(order)) if k == order else Fraction(0) for k in range(size)]
    return gauss_jordan(matrix, rhs)


def monomials(degree: int, dims: int) -> list[tuple[int, ...]]:
    return [a for a in itertools.product(range(degree + 1), repeat=dims) if sum(a) == degree]


def stencil_on_monomial(offsets, weights, alpha, point) -> Fraction:
    """Σ_j w_j Π_i (x0_i + o_ji)^α_i  (h = 1)."""
    total = Fraction(0)
    for offset, weight in zip(offsets, weights, strict=True):
        value = Fraction(weight)
        for x, o, a in zip(point, offset, alpha, strict=True):
            value *= (Fraction(x) + Fraction(o)) ** a
        total += value
    return total


def operator_on_monomial(terms, alpha, point) -> Fraction:
    """Σ_β c_β ∂^β x^α at the point, differentiating the monomial by hand."""
    total = Fraction(0)
    for beta, coefficient in terms:
        value = Fraction(coefficient)
        for x, a, b in zip(point, alpha, beta, strict=True):
            if b > a:
                value = Fraction(0)
                break
            value *= Fraction(math.factorial(a), math.factorial(a - b)) * Fraction(x) ** (a - b)
        total += value
    return total


def achieved_accuracy(terms, offsets, weights, *, limit: int = 80) -> int:
    """First degree d whose monomials are not all reproduced, minus the order n."""
    order = sum(terms[0][0])
    dims = len(terms[0][0])
    point = [Fraction(3, 7), Fraction(2, 5), Fraction(5, 11), Fraction(7, 13)][:dims]
    for degree in range(limit):
        for alpha in monomials(degree, dims):
            if stencil_on_monomial(offsets, weights, alpha, point) != operator_on_monomial(
                terms, alpha, point
            ):
                return degree - order
    raise AssertionError("no inexact degree found")


def leading_error(terms, offsets, weights) -> dict[tuple[int, ...], Fraction]:
    """{α: m_α} for |α| = n + p: the coefficients of h^p ∂^α f in τ."""
    order = sum(terms[0][0])
    dims = len(terms[0][0])
    degree = order + achieved_accuracy(terms, offsets, weights)
    result = {}
    for alpha in monomials(degree, dims):
        # The stencil applied to x^α/α! at 0 with h = 1 is exactly the moment m_α.
        value = stencil_on_monomial(offsets, weights, alpha, [0] * dims)
        value /= math.prod(math.factorial(a) for a in alpha)
        if value:
            result[alpha] = value
    return result


def correlate_loop(grid, kernel):
    """Valid cross-correlation of nested lists / arrays by loops: out[i] = Σ_a K[a] F[i + a]."""
    import numpy as np

    grid = np.asarray(grid, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    shape = tuple(g - k + 1 for g, k in zip(grid.shape, kernel.shape, strict=True))
    out = np.zeros(shape)
    for index in itertools.product(*(range(s) for s in shape)):
        total = 0.0
        for tap in itertools.product(*(range(k) for k in kernel.shape)):
            total += kernel[tap] * grid[tuple(i + t for i, t in zip(index, tap, strict=True))]
        out[index] = total
    return out


def laplacian_terms(dims: int) -> list[tuple[tuple[int, ...], int]]:
    return [(tuple(2 if i == a else 0 for i in range(dims)), 1) for a in range(dims)]
