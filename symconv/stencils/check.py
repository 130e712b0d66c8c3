"""Checks of a stencil: polynomial exactness (exact), observed order of convergence, numeric twin.

*Polynomial exactness.* A stencil of accuracy ``p`` for an operator of order ``n`` reproduces
``L x^α`` exactly for every monomial of degree ``|α| ≤ n + p − 1`` and fails for some monomial of
degree ``n + p``. We evaluate both sides at a point ``x₀`` with rational coordinates and ``h = 1``
in ``fractions.Fraction``: the stencil side as ``Σ_j w_j (x₀ + o_j)^α`` and the exact side as
``Σ_β c_β ∂^β x^α |_{x₀} = Σ_β c_β Π_i α_i!/(α_i − β_i)! x₀_i^{α_i − β_i}`` — a route that does not
go through the moments the stencil was built from (shifted monomials span the same polynomials).

*Observed order.* On ``f(x) = exp(a·x)``,
``D_h f − L f = E h^p e^{a·x₀} (1 + (E'/E) h^{q−p} + …)`` with ``E = Σ_{|α|=n+p} m_α a^α`` and
``E'`` the next nonzero error coefficient, both exact. We take ``h₁``
where the next term is 1 % of the leading one (and ``h₁ max|o| ≤ 1/2``), ``h₂ = h₁/2``, and the
observed order ``log₂(e(h₁)/e(h₂))``. Round-off grows like ``Σ|w_j| ε / hⁿ`` (fd-stencils.md: for
the 9-point ``d⁴`` stencil it meets the truncation error near ``h ≈ 0.07``); when float64 would
put ``h₂`` below that floor, the sums are done in ``mpmath`` with enough digits instead.

*Numeric twin.* The kernel applied by :func:`symconv.conv.numeric.conv_forward` (a correlation)
equals a plain loop ``h^{-n} Σ_j w_j F[i + o_j]`` over the grid.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from itertools import product
from typing import TYPE_CHECKING, Any

import mpmath  # type: ignore[import-untyped]
import numpy as np
import sympy as sp

from symconv.core.derivation import CheckResult, NumericTwin
from symconv.errors import UnsupportedError
from symconv.stencils.taylor import DiffOperator, monomials_up_to, multi_indices

if TYPE_CHECKING:
    from symconv.stencils.weights import RationalFamily, Stencil

#: Rational evaluation point of the exactness check, one coordinate per axis.
EXACTNESS_POINT = (Fraction(3, 7), Fraction(2, 5), Fraction(5, 11), Fraction(7, 13))
#: Candidate exponents ``a`` of the test function ``exp(a·x)``.
TEST_EXPONENTS = (
    (Fraction(1), Fraction(3, 5), Fraction(2, 5), Fraction(1, 3)),
    (Fraction(1), Fraction(1, 2), Fraction(1, 4), Fraction(1, 8)),
)
#: Relative size of the next error term at the larger step, and the tolerance on the order.
NEXT_TERM_SHARE = 0.01
ORDER_TOLERANCE = 0.1


def _point(dims: int) -> tuple[Fraction, ...]:
    return tuple(EXACTNESS_POINT[i % len(EXACTNESS_POINT)] / (1 + i // 4) for i in range(dims))


def _stencil_side(
    family_offsets: Sequence[Sequence[Fraction]],
    weights: Sequence[Fraction],
    alpha: Sequence[int],
    x0: Sequence[Fraction],
) -> Fraction:
    total = Fraction(0)
    for offset, weight in zip(family_offsets, weights, strict=True):
        if weight:
            value = weight
            for c, o, a in zip(x0, offset, alpha, strict=True):
                value *= (c + o) ** a
            total += value
    return total


def _exact_side(operator: DiffOperator, alpha: Sequence[int], x0: Sequence[Fraction]) -> Fraction:
    total = Fraction(0)
    for beta, coefficient in operator.terms:
        if any(b > a for a, b in zip(alpha, beta, strict=True)):
            continue
        value = Fraction(coefficient)
        for c, a, b in zip(x0, alpha, beta, strict=True):
            value *= Fraction(math.factorial(a), math.factorial(a - b)) * c ** (a - b)
        total += value
    return total


def exactness_residuals(
    stencil: Stencil, degree: int
) -> list[tuple[tuple[int, ...], list[Fraction]]]:
    """For each monomial of ``degree``: the residual of the particular member, then of each
    family direction (a direction must annihilate polynomials: its exact side is 0)."""
    family = _family(stencil)
    x0 = _point(stencil.dims)
    rows = []
    for alpha in multi_indices(degree, stencil.dims):
        residual = _stencil_side(family.offsets, family.particular, alpha, x0) - _exact_side(
            stencil.operator, alpha, x0
        )
        directions = [_stencil_side(family.offsets, v, alpha, x0) for v in family.basis]
        rows.append((alpha, [residual, *directions]))
    return rows


def _family(stencil: Stencil) -> RationalFamily:
    if stencil.family is None:
        raise UnsupportedError(
            f"the checks need a stencil on rational offsets; this one has {list(stencil.offsets)}"
            ": substitute numbers for the spacings first"
        )
    return stencil.family


def exactness_check(stencil: Stencil) -> Callable[[np.random.Generator], CheckResult]:
    """Exact for every monomial of degree ≤ n + p − 1, not for some monomial of degree n + p."""

    def check(_: np.random.Generator) -> CheckResult:
        top = stencil.order + stencil.accuracy - 1
        count = 0
        for degree in range(top + 1):
            for alpha, residuals in exactness_residuals(stencil, degree):
                count += 1
                if any(residuals):
                    return CheckResult(
                        "polynomial exactness",
                        False,
                        f"x^{alpha} (degree {degree} ≤ {top}) at x0 = {_point(stencil.dims)}: "
                        f"residuals {[str(r) for r in residuals]} instead of 0",
                    )
        failing = [
            alpha for alpha, residuals in exactness_residuals(stencil, top + 1) if any(residuals)
        ]
        if not failing:
            return CheckResult(
                "polynomial exactness",
                False,
                f"every monomial of degree {top + 1} is reproduced too: the accuracy is higher "
                f"than the claimed {stencil.accuracy}",
            )
        return CheckResult(
            "polynomial exactness",
            True,
            f"exact on all {count} monomials of degree ≤ {top}; fails on x^{failing[0]} "
            f"(degree {top + 1}), as accuracy {stencil.accuracy} says",
        )

    return check


def symbolic_exactness_check(stencil: Stencil) -> Callable[[np.random.Generator], CheckResult]:
    """The same test for offsets carrying symbolic spacings (1-D), each residual cancelled by
    SymPy: exact up to degree n + p − 1, not identically exact at degree n + p."""

    def residual(degree: int) -> sp.Expr:
        x0 = EXACTNESS_POINT[0]
        point = sp.Rational(x0.numerator, x0.denominator)
        applied = sum(
            (
                w * (point + o[0]) ** degree
                for w, o in zip(stencil.weights, stencil.offsets, strict=True)
            ),
            sp.Integer(0),
        )
        n = stencil.order
        exact = sp.ff(degree, n) * point ** (degree - n) if degree >= n else sp.Integer(0)
        coefficient = stencil.operator.terms[0][1]
        return sp.cancel(
            applied - sp.Rational(coefficient.numerator, coefficient.denominator) * exact
        )

    def check(_: np.random.Generator) -> CheckResult:
        top = stencil.order + stencil.accuracy - 1
        for degree in range(top + 1):
            value = residual(degree)
            if value != 0:
                return CheckResult(
                    "polynomial exactness", False, f"x^{degree} leaves the residual {value}"
                )
        if residual(top + 1) == 0:
            return CheckResult(
                "polynomial exactness", False, f"x^{top + 1} is reproduced too: accuracy is higher"
            )
        return CheckResult(
            "polynomial exactness",
            True,
            f"exact on x^0 … x^{top} for all spacings; x^{top + 1} is not, as accuracy "
            f"{stencil.accuracy} says",
        )

    return check


# ----------------------------------------------------------------------------------------------
# Observed order of convergence
# ----------------------------------------------------------------------------------------------
def _error_coefficient(stencil: Stencil, degree: int, a: Sequence[Fraction]) -> Fraction:
    """``Σ_{|α|=degree} (m_α − c_α) a^α`` of the particular member, exactly."""
    family = _family(stencil)
    total = Fraction(0)
    for alpha in multi_indices(degree, stencil.dims):
        moment = Fraction(0)
        for offset, weight in zip(family.offsets, family.particular, strict=True):
            if weight:
                term = weight
                for c, k in zip(offset, alpha, strict=True):
                    term *= c**k
                moment += term
        moment /= math.prod(math.factorial(k) for k in alpha)
        moment -= stencil.operator.coefficient(alpha)
        total += moment * math.prod(
            (x**k for x, k in zip(a, alpha, strict=True)), start=Fraction(1)
        )
    return total


def observed_order(stencil: Stencil) -> tuple[float, str]:
    """The observed order of convergence and a sentence on how it was measured."""
    family = _family(stencil)
    n, p, dims = stencil.order, stencil.accuracy, stencil.dims
    a: tuple[Fraction, ...] = ()
    leading = Fraction(0)
    for candidate in TEST_EXPONENTS:
        a = tuple(candidate[i % len(candidate)] for i in range(dims))
        leading = _error_coefficient(stencil, n + p, a)
        if leading:
            break
    q = stencil.error_next_order
    radius = max(float(max(abs(c) for c in o)) for o in family.offsets) or 1.0
    h1 = 0.5 / radius
    if q is not None:
        following = _error_coefficient(stencil, n + q, a)
        if following:
            h1 = min(h1, (NEXT_TERM_SHARE * abs(leading / following)) ** (1 / (q - p)))
    h2 = h1 / 2
    total_weight = float(sum(abs(w) for w in family.particular))
    roundoff = total_weight * 2.0**-52 / h2**n
    truncation = abs(float(leading)) * h2**p
    x0 = [0.3 / (i + 1) for i in range(dims)]
    if truncation > 1e4 * roundoff:
        digits = 0
        errors = [_error_float(stencil, a, x0, h) for h in (h1, h2)]
    else:
        digits = math.ceil(math.log10(1e4 * roundoff / truncation)) + 20
        errors = [_error_mp(stencil, a, x0, h, digits) for h in (h1, h2)]
    order = math.log2(abs(errors[0] / errors[1]))
    how = f"f = exp(a·x), a = {tuple(str(c) for c in a)}, h = {h1:.3g} and {h2:.3g}, " + (
        "float64" if not digits else f"{digits}-digit mpmath (float64 round-off floor)"
    )
    return order, how


def _error_float(stencil: Stencil, a: Sequence[Fraction], x0: Sequence[float], h: float) -> float:
    family = _family(stencil)
    af = [float(c) for c in a]
    base = sum(c * x for c, x in zip(af, x0, strict=True))
    total = 0.0
    for offset, weight in zip(family.offsets, family.particular, strict=True):
        exponent = base + h * sum(c * float(o) for c, o in zip(af, offset, strict=True))
        total += float(weight) * math.exp(exponent)
    exact = float(stencil.operator.symbol(a)) * math.exp(base)
    return total / h**stencil.order - exact


def _error_mp(
    stencil: Stencil, a: Sequence[Fraction], x0: Sequence[float], h: float, digits: int
) -> float:
    family = _family(stencil)
    with mpmath.workdps(digits):

        def exact(value: Fraction) -> Any:
            return mpmath.mpf(value.numerator) / value.denominator

        hm = mpmath.mpf(h)
        base = mpmath.fsum(exact(c) * mpmath.mpf(x) for c, x in zip(a, x0, strict=True))
        total = mpmath.mpf(0)
        for offset, weight in zip(family.offsets, family.particular, strict=True):
            shift = mpmath.fsum(exact(c) * exact(o) for c, o in zip(a, offset, strict=True))
            total += exact(weight) * mpmath.exp(base + hm * shift)
        error = total / hm**stencil.order - exact(stencil.operator.symbol(a)) * mpmath.exp(base)
        return float(error)


def convergence_check(stencil: Stencil) -> Callable[[np.random.Generator], CheckResult]:
    """The observed order on a smooth function matches the claimed accuracy (± 0.1)."""

    def check(_: np.random.Generator) -> CheckResult:
        order, how = observed_order(stencil)
        passed = abs(order - stencil.accuracy) < ORDER_TOLERANCE
        return CheckResult(
            "observed order", passed, f"observed {order:.3f}, claimed {stencil.accuracy} ({how})"
        )

    return check


# ----------------------------------------------------------------------------------------------
# The numeric twin: kernel correlation vs a plain loop
# ----------------------------------------------------------------------------------------------
def apply_by_loop(stencil: Stencil, grid: np.ndarray, h: float) -> np.ndarray:
    """``h^{-n} Σ_j w_j F[i + q o_j]`` at every point whose stencil lies inside the grid."""
    family = _family(stencil)
    q = math.lcm(*(c.denominator for o in family.offsets for c in o))
    shifts = [tuple(int(c * q) for c in o) for o in family.offsets]
    weights = [float(w) for w in family.particular]
    radius = [max(abs(s[a]) for s in shifts) for a in range(stencil.dims)]
    shape = tuple(size - 2 * r for size, r in zip(grid.shape, radius, strict=True))
    out = np.zeros(shape)
    for index in product(*(range(s) for s in shape)):
        total = 0.0
        for shift, weight in zip(shifts, weights, strict=True):
            total += (
                weight
                * grid[tuple(i + r + s for i, r, s in zip(index, radius, shift, strict=True))]
            )
        out[index] = total / h**stencil.order
    return out


def apply_by_kernel(stencil: Stencil, grid: np.ndarray, h: float) -> np.ndarray:
    """The kernel as a valid correlation through :func:`symconv.conv.numeric.conv_forward`."""
    from symconv.conv.geometry import ConvSpec
    from symconv.conv.numeric import conv_forward

    kernel = stencil.as_kernel()
    weights = kernel.numpy()
    spec = ConvSpec.make(list(weights.shape), dims=stencil.dims, batch=False, channels=False)
    scale = stencil.scale
    value = float(scale.subs(stencil.spacing, h)) if scale.free_symbols else float(scale)
    return value * conv_forward(spec, grid, weights)


def numeric_twin(stencil: Stencil) -> NumericTwin:
    """Kernel correlation (vectorised) against the plain loop, on random grids."""
    kernel_shape = stencil.as_kernel().array.shape
    # A numeric spacing is part of the weights' scale: then h is that number, not a sample.
    fixed_h = float(stencil.spacing) if stencil.spacing.is_number else None

    def sample(rng: np.random.Generator) -> dict[str, Any]:
        shape = tuple(int(k) + 4 for k in kernel_shape)
        h = fixed_h if fixed_h is not None else float(rng.uniform(0.1, 1.0))
        return {"grid": rng.standard_normal(shape), "h": h}

    def reference(grid: np.ndarray, h: float) -> np.ndarray:
        return apply_by_loop(stencil, grid, h)

    def function(grid: np.ndarray, h: float) -> np.ndarray:
        return apply_by_kernel(stencil, grid, h)

    return NumericTwin("kernel correlation vs direct sum", function, reference, sample)


def monomial_count(degree: int, dims: int) -> int:
    """Number of monomials of degree ≤ ``degree`` in ``dims`` variables."""
    return sum(1 for _ in monomials_up_to(degree, dims))
