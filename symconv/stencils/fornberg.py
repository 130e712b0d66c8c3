"""Fornberg's recursion: 1-D finite-difference weights on arbitrary points, exactly.

Fornberg (1988), "Generation of finite difference formulas on arbitrarily spaced grids", Math.
Comp. 51(184), 699–706, Table 1 (the same algorithm as SymPy's ``finite_diff_weights``). With
points ``α_0 … α_{N-1}`` and expansion point ``x₀``, ``δ^m_{k,ν}`` is the weight of ``f(α_ν)`` in
the ``m``-th derivative built on the first ``k+1`` points:

    δ^0_{0,0} = 1,   c₁ = 1
    for k = 1 … N-1:   c₂ = Π_{ν<k} (α_k − α_ν)
        for ν < k:   δ^m_{k,ν} = ((α_k − x₀) δ^m_{k−1,ν} − m δ^{m−1}_{k−1,ν}) / (α_k − α_ν)
        δ^m_{k,k} = (c₁/c₂) (m δ^{m−1}_{k−1,k−1} − (α_{k−1} − x₀) δ^m_{k−1,k−1})
        c₁ = c₂

Only ``+ − × ÷`` are used, so the same code runs on ``fractions.Fraction`` (fast, exact) and on
SymPy expressions (symbolic spacings such as ``h_m``, ``h_p``).

    >>> from fractions import Fraction
    >>> [str(w) for w in fornberg_weights(2, [Fraction(-1), Fraction(0), Fraction(1)])]
    ['1', '-2', '1']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def fornberg_weights(order: int, points: Sequence[Any], center: Any = 0) -> list[Any]:
    """Weights of the ``order``-th derivative at ``center`` on ``points`` (all of them used).

    The result is the unique stencil that is exact for polynomials of degree ``len(points) - 1``;
    it needs ``len(points) > order`` distinct points.
    """
    count = len(points)
    # weights[m][nu]: the current row δ^m_{k,ν}, for m ≤ order (updated in place, m descending).
    weights: list[list[Any]] = [[0] * count for _ in range(order + 1)]
    weights[0][0] = 1
    c1: Any = 1
    for k in range(1, count):
        c2: Any = 1
        top = min(k, order)
        for nu in range(k):
            c3 = points[k] - points[nu]
            c2 = c2 * c3
            if nu == k - 1:
                # The new diagonal δ^m_{k,k} reads δ_{k−1,k−1} before that column is updated.
                shift = points[k - 1] - center
                for m in range(top, -1, -1):
                    previous = weights[m - 1][k - 1] if m else 0
                    weights[m][k] = c1 * (m * previous - shift * weights[m][k - 1]) / c2
            for m in range(top, -1, -1):
                previous = weights[m - 1][nu] if m else 0
                weights[m][nu] = ((points[k] - center) * weights[m][nu] - m * previous) / c3
        c1 = c2
    return weights[order]


def integer_weights(order: int, points: Sequence[int]) -> tuple[list[int], list[int]]:
    """The same weights in closed form on integer points: ``w_j = numerators[j] / denominators[j]``.

    The weights are those of the interpolating polynomial differentiated ``order`` times at 0
    (Fornberg 1988, §2): with ``P(x) = Π_k (x − o_k)`` and ``Q_j(x) = P(x)/(x − o_j)``,

        w_j = L_j^{(m)}(0) = m! [x^m] Q_j(x) / Q_j(o_j),      Q_j(o_j) = Π_{k≠j} (o_j − o_k),

    computed by synthetic division and Horner's rule in Python integers (no fractions until the
    end; the fast path for the usual integer offsets).

    >>> integer_weights(2, [-1, 0, 1])       # 2/2, 2/(-1), 2/2
    ([2, 2, 2], [2, -1, 2])
    """
    # Coefficients of P, lowest degree first: multiply out Π_k (x − o_k).
    poly = [1]
    for root in points:
        shifted = [0, *poly]
        for i, c in enumerate(poly):
            shifted[i] -= root * c
        poly = shifted
    factorial = 1
    for i in range(2, order + 1):
        factorial *= i
    numerators, denominators = [], []
    degree = len(points)
    for root in points:
        # Q = P / (x − root): q_{i-1} = p_i + root·q_i, from the top down.
        quotient = [0] * degree
        carry = 0
        for i in range(degree, 0, -1):
            carry = poly[i] + root * carry
            quotient[i - 1] = carry
        value = 0
        for c in reversed(quotient):
            value = value * root + c
        numerators.append(factorial * quotient[order] if order < degree else 0)
        denominators.append(value)
    return numerators, denominators
