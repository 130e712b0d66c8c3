"""Exact arithmetic in symbolic spacings: the field ``Q(h_m, h_p, …)`` of rational functions.

Non-uniform offsets such as ``-h_m, 0, h_p`` make every weight a rational function of the
spacings. SymPy's ``FracField`` (``sympy.polys.fields``) keeps each element as a reduced
fraction of sparse polynomials, so ``+ − × ÷`` cancel as they go and ``== 0`` is an exact test
— no ``simplify``/``cancel`` of expression trees. Elements go back to SymPy expressions with the
denominator factored (``2/(h_m*(h_m + h_p))``), the form the field's textbooks print.

    >>> import sympy as sp
    >>> hm, hp = sp.symbols("h_m h_p")
    >>> field = spacing_field((hm, hp))
    >>> a, b = to_field(field, -hm), to_field(field, hp)
    >>> to_expression(2 / ((b - a) * (0 - a)))
    2/(h_m*(h_m + h_p))
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import sympy as sp
from sympy.polys.fields import FracField, field

from symconv.core.safe import as_sympy
from symconv.errors import UnsupportedError


@cache
def spacing_field(symbols: tuple[sp.Symbol, ...]) -> FracField:
    """``Q(symbols)``, built once per tuple of symbols."""
    built, *_ = field(symbols, sp.QQ)
    return built


def to_field(target: FracField, expression: Any) -> Any:
    """A SymPy expression (a rational function of the field's symbols) as a field element.

    ``c·s`` and numbers are mapped directly; anything else goes through ``from_expr``."""
    value = as_sympy(expression)
    if value.is_Rational:
        return target(value)
    coefficient, rest = value.as_coeff_Mul()
    if rest in target.symbols:
        generator = target.gens[target.symbols.index(rest)]
        return generator * target(coefficient)
    return target.from_expr(value)


def to_expression(element: Any) -> sp.Expr:
    """A field element as SymPy: expanded numerator over a factored denominator."""
    numerator = element.numer.as_expr()
    denominator = element.denom
    if denominator.is_ground:
        return numerator / denominator.as_expr()
    constant, factors = denominator.factor_list()
    product = sp.Mul(as_sympy(constant), *(f.as_expr() ** e for f, e in factors))
    return numerator / product


def points_in_field(points: Sequence[sp.Expr]) -> tuple[FracField, list[Any]]:
    """The field of the points' symbols and the points in it."""
    symbols = tuple(sorted(set().union(*(as_sympy(p).free_symbols for p in points)), key=str))
    target = spacing_field(symbols)
    return target, [to_field(target, p) for p in points]


@dataclass(frozen=True)
class InterpolationWeights:
    """The weights ``w_j = n_j / d_j`` of the ``order``-th derivative at 0 on polynomial points
    ``p_j``, in the closed form (Fornberg 1988, §2)

        w_j = m! [x^m] Q_j(x) / Q_j(p_j),   Q_j(x) = Π_{k≠j} (x − p_k),   d_j = Π_{k≠j} (p_j − p_k),

    kept as polynomials: with the Vandermonde product ``V = Π_{i<k} (p_k − p_i)`` every ``d_j``
    divides ``V``, so ``Σ_j w_j p_j^k = S_k / V`` with ``S_k = Σ_j n_j (V/d_j) p_j^k`` a polynomial
    — moments are ring arithmetic and ``== 0`` tests, with one reduced fraction per nonzero one.
    """

    target: FracField
    points: tuple[Any, ...]
    numerators: tuple[Any, ...]
    differences: tuple[tuple[Any, ...], ...]
    cofactors: tuple[Any, ...]
    vandermonde: Any

    def expressions(self) -> list[sp.Expr]:
        """Each weight as SymPy, its denominator the product of the (uncancelled) differences."""
        result = []
        for numerator, differences in zip(self.numerators, self.differences, strict=True):
            constant, numerator = numerator.primitive()
            factor = as_sympy(constant)
            kept = []
            for difference in differences:
                quotient, remainder = numerator.div(difference)
                if remainder == 0 and not numerator.is_ground:
                    numerator = quotient
                    continue
                # Each kept factor primitive with a positive leading coefficient: h_m + h_p.
                content, primitive = difference.primitive()
                if primitive.LC < 0:
                    content, primitive = -content, -primitive
                factor /= as_sympy(content)
                kept.append(primitive.as_expr())
            result.append(factor * numerator.as_expr() / sp.Mul(*kept))
        return result

    def moment_sum(self, power: int) -> Any:
        """``Σ_j w_j p_j^power`` as a reduced field element."""
        ring = self.target.ring
        total = ring(0)
        for point, numerator, cofactor in zip(
            self.points, self.numerators, self.cofactors, strict=True
        ):
            if numerator:
                total += numerator * cofactor * (point**power if power else ring(1))
        if total == 0:
            return self.target(0)
        return self.target.new(total, self.vandermonde)


def interpolation_weights(
    order: int, points: Sequence[Any], target: FracField
) -> InterpolationWeights:
    """:class:`InterpolationWeights` on ``points`` (field elements with constant denominators)."""
    if any(not p.denom.is_ground for p in points):
        raise UnsupportedError(
            "symbolic offsets must be polynomials in the spacing symbols (such as -h_m, 2*h); "
            f"got {[p.as_expr() for p in points]}"
        )
    ring = target.ring
    values = [p.numer.quo_ground(p.denom.LC) for p in points]
    poly = [ring(1)]
    for root in values:
        shifted = [ring(0), *poly]
        for i, c in enumerate(poly):
            shifted[i] = shifted[i] - root * c
        poly = shifted
    factorial = math.factorial(order)
    degree = len(values)
    vandermonde = ring(1)
    for k in range(degree):
        for i in range(k):
            vandermonde *= values[k] - values[i]
    numerators, differences, cofactors = [], [], []
    for j, root in enumerate(values):
        quotient = [ring(0)] * degree
        carry = ring(0)
        for i in range(degree, 0, -1):
            carry = poly[i] + root * carry
            quotient[i - 1] = carry
        numerators.append(quotient[order] * factorial if order < degree else ring(0))
        these = tuple(root - other for k, other in enumerate(values) if k != j)
        differences.append(these)
        denominator = ring(1)
        for difference in these:
            denominator *= difference
        cofactors.append(vandermonde.exquo(denominator))
    return InterpolationWeights(
        target,
        tuple(values),
        tuple(numerators),
        tuple(differences),
        tuple(cofactors),
        vandermonde,
    )
