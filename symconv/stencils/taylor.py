"""Taylor moments of a stencil: the operator it approximates, its accuracy, its truncation error.

A stencil with weights ``w_j`` on offsets ``o_j`` (in units of the spacing ``h``) approximates a
linear differential operator with constant coefficients, homogeneous of order ``n``,
``L = Σ_{|β|=n} c_β ∂^β``, by

    D_h f(x) = h^{-n} Σ_j w_j f(x + o_j h).

Taylor's theorem in ``d`` variables, ``f(x + o h) = Σ_α (o h)^α / α! ∂^α f(x)`` (``α`` a
multi-index, ``o^α = Π_i o_i^{α_i}``, ``α! = Π_i α_i!``), gives (Fornberg 1988, Math. Comp.
51(184), eq. 1.1; LeVeque 2007, *Finite Difference Methods*, §1.5 "the Taylor table")

    D_h f(x) = Σ_α h^{|α|-n} m_α ∂^α f(x),       m_α = Σ_j w_j o_j^α / α!     (the moments).

Hence ``D_h f = L f + τ`` with the truncation error (DESIGN.md's convention: stencil minus exact
derivative)

    τ = Σ_α h^{|α|-n} (m_α − c_α) ∂^α f(x),       c_α = 0 unless |α| = n.

The stencil has **accuracy** ``p`` when ``m_α = c_α`` for every ``|α| < n + p`` and not for some
``|α| = n + p``; then ``τ = h^p Σ_{|α|=n+p} m_α ∂^α f(x) + O(h^q)``, ``q`` the next degree whose
moments do not all vanish. Everything here is exact: moments are SymPy ``Rational`` s (or
expressions in symbolic spacings), never floats.

    >>> import sympy as sp
    >>> L = DiffOperator.from_spec(2)
    >>> error_series(L, [(-1,), (0,), (1,)], [1, -2, 1], sp.Symbol("h")).leading
    h**2*Derivative(f(x), (x, 4))/12
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Any

import sympy as sp

from symconv.core.safe import as_sympy
from symconv.errors import ConventionError, DerivationError

MultiIndex = tuple[int, ...]

#: The function a stencil is applied to, and the coordinates it depends on.
F = sp.Function("f")
COORDINATE_NAMES = ("x", "y", "z")


@cache
def coordinates(dims: int) -> tuple[sp.Symbol, ...]:
    """``(x,)``, ``(x, y)``, ``(x, y, z)``, then ``x_1 … x_d`` from 4 dimensions on."""
    if dims < 1:
        raise ConventionError(f"dims={dims}: a stencil needs at least one dimension")
    names = COORDINATE_NAMES[:dims] if dims <= 3 else tuple(f"x_{i + 1}" for i in range(dims))
    return tuple(sp.Symbol(name) for name in names)


@cache
def multi_indices(degree: int, dims: int) -> tuple[MultiIndex, ...]:
    """All ``α`` with ``|α| = degree``, first axis's power decreasing: ``(2,0), (1,1), (0,2)``."""
    if dims == 1:
        return ((degree,),)
    result: list[MultiIndex] = []
    for first in range(degree, -1, -1):
        result.extend((first, *rest) for rest in multi_indices(degree - first, dims - 1))
    return tuple(result)


def factorial_of(alpha: MultiIndex) -> int:
    """``α! = Π_i α_i!``."""
    return math.prod(math.factorial(a) for a in alpha)


@cache
def derivative_of_f(alpha: MultiIndex) -> sp.Expr:
    """``∂^α f(x, …)`` as a SymPy ``Derivative`` (or ``f`` itself for ``α = 0``)."""
    coords = coordinates(len(alpha))
    function = F(*coords)
    pairs = [(c, a) for c, a in zip(coords, alpha, strict=True) if a]
    return sp.Derivative(function, *pairs) if pairs else function


def derivative_latex(alpha: MultiIndex) -> str:
    """``f''(x)`` and ``f^{(4)}(x)`` in 1-D; a ``\\frac{\\partial^{2} f}{…}`` fraction in N-D.

    >>> print(derivative_latex((2,)), derivative_latex((4,)), derivative_latex((1, 1)))
    f''(x) f^{(4)}(x) \\frac{\\partial^{2} f}{\\partial x \\partial y}
    """
    coords = coordinates(len(alpha))
    if len(alpha) == 1:
        order = alpha[0]
        if order == 0:
            return "f(x)"
        return f"f{chr(39) * order}(x)" if order <= 3 else f"f^{{({order})}}(x)"
    order = sum(alpha)
    if order == 0:
        return f"f({', '.join(sp.latex(c) for c in coords)})"
    parts = []
    for coordinate, power in zip(coords, alpha, strict=True):
        if power:
            name = sp.latex(coordinate)
            parts.append(rf"\partial {name}" + (f"^{{{power}}}" if power > 1 else ""))
    top = r"\partial" + (f"^{{{order}}}" if order > 1 else "")
    return rf"\frac{{{top} f}}{{{' '.join(parts)}}}"


# ----------------------------------------------------------------------------------------------
# The operator a stencil approximates
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DiffOperator:
    """``L = Σ_β c_β ∂^β``: constant rational coefficients, every ``|β|`` equal to the order ``n``.

    >>> DiffOperator.from_spec(2, dims=2).terms
    (((2, 0), Fraction(1, 1)), ((0, 2), Fraction(1, 1)))
    >>> DiffOperator.from_spec((1, 1)).name
    'd^2/dxdy'
    """

    terms: tuple[tuple[MultiIndex, Fraction], ...]
    name: str

    @property
    def dims(self) -> int:
        return len(self.terms[0][0])

    @property
    def order(self) -> int:
        return sum(self.terms[0][0])

    def coefficient(self, alpha: MultiIndex) -> Fraction:
        for beta, value in self.terms:
            if beta == alpha:
                return value
        return Fraction(0)

    @classmethod
    def from_spec(cls, derivative: Any, dims: int = 1) -> DiffOperator:
        """Read ``derivative``: an order ``n`` (1-D ``dⁿ/dxⁿ``; in ``d`` dims, even ``n`` is
        the polyharmonic ``(∇²)^{n/2}``, so 2 is the Laplacian), a multi-index ``(1, 1)`` (a mixed
        partial), a mapping ``{multi-index: coefficient}``, or a :class:`DiffOperator`."""
        if isinstance(derivative, DiffOperator):
            return derivative
        if isinstance(derivative, bool):
            raise ConventionError(f"derivative={derivative!r}: expected an order or a multi-index")
        if isinstance(derivative, int | sp.Integer):
            return _from_order(int(derivative), dims)
        if isinstance(derivative, tuple | list):
            alpha = tuple(_as_order(a, derivative) for a in derivative)
            _check_dims(len(alpha), dims, derivative)
            if sum(alpha) == 0:
                raise ConventionError(f"derivative={derivative!r}: the order must be at least 1")
            return cls(((alpha, Fraction(1)),), _partial_name(alpha))
        if isinstance(derivative, Mapping):
            return _from_mapping(derivative, dims)
        raise ConventionError(
            f"derivative={derivative!r}: expected an int order, a multi-index tuple or a mapping "
            "{multi-index: coefficient}"
        )

    def applied_to_f(self) -> sp.Expr:
        """``L f`` as SymPy: ``Derivative(f(x, y), (x, 2)) + Derivative(f(x, y), (y, 2))``."""
        return sp.Add(*(to_sympy(c) * derivative_of_f(beta) for beta, c in self.terms))

    def latex(self) -> str:
        """``f''(x)``, ``\\nabla^{2} f(x, y)``, or the sum of its partial derivatives."""
        arguments = ", ".join(sp.latex(c) for c in coordinates(self.dims))
        if self.dims > 1 and self.name == "laplacian":
            return rf"\nabla^{{2}} f({arguments})"
        if self.dims > 1 and self.name.startswith("polyharmonic"):
            return rf"\nabla^{{{self.order}}} f({arguments})"
        return combination_latex([(beta, to_sympy(c)) for beta, c in self.terms])

    def symbol(self, xi: Sequence[Any]) -> Any:
        """The polynomial ``σ(ξ) = Σ c_β ξ^β`` (the operator's symbol, ∂ → ξ)."""
        return sum(
            (c * math.prod(x**b for x, b in zip(xi, beta, strict=True)) for beta, c in self.terms),
            Fraction(0),
        )


def _as_order(value: Any, spec: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | sp.Integer) or int(value) < 0:
        raise ConventionError(f"derivative={spec!r}: orders must be non-negative integers")
    return int(value)


def _check_dims(length: int, dims: int, spec: Any) -> None:
    if dims not in (1, length):
        raise ConventionError(f"derivative={spec!r} has {length} axes but dims={dims}")


def _partial_name(alpha: MultiIndex) -> str:
    names = coordinates(len(alpha))
    denominator = "".join(
        f"d{c}" + (f"^{a}" if a > 1 else "") for c, a in zip(names, alpha, strict=True) if a
    )
    order = sum(alpha)
    return f"d^{order}/{denominator}" if order > 1 else f"d/{denominator}"


@cache
def _from_order(order: int, dims: int) -> DiffOperator:
    if order < 1:
        raise ConventionError(f"derivative={order}: the order must be at least 1")
    if dims == 1:
        return DiffOperator((((order,), Fraction(1)),), _partial_name((order,)))
    if order % 2:
        raise ConventionError(
            f"derivative={order} with dims={dims}: an odd order has no rotation-invariant meaning "
            "in several dimensions; pass a multi-index such as (1, 0) or a mapping "
            "{multi-index: coefficient}"
        )
    # (∇²)^k = (Σ_i ∂_i²)^k = Σ_{|g|=k} k!/g! ∂^{2g} (multinomial theorem, g a multi-index).
    power = order // 2
    terms = tuple(
        (tuple(2 * g for g in gamma), Fraction(math.factorial(power), factorial_of(gamma)))
        for gamma in multi_indices(power, dims)
    )
    return DiffOperator(terms, "laplacian" if power == 1 else f"polyharmonic {order}")


def _from_mapping(mapping: Mapping[Any, Any], dims: int) -> DiffOperator:
    terms: list[tuple[MultiIndex, Fraction]] = []
    for key, value in mapping.items():
        alpha = tuple(_as_order(a, mapping) for a in key)
        coefficient = to_fraction(value, f"coefficient of {key!r}")
        if coefficient:
            terms.append((alpha, coefficient))
    if not terms:
        raise ConventionError(f"derivative={mapping!r}: the operator has no nonzero term")
    lengths = {len(alpha) for alpha, _ in terms}
    orders = {sum(alpha) for alpha, _ in terms}
    if len(lengths) != 1 or len(orders) != 1:
        raise ConventionError(
            f"derivative={mapping!r}: every term needs the same number of axes and the same order "
            f"(axes {sorted(lengths)}, orders {sorted(orders)}): a stencil has one scale 1/h^n"
        )
    _check_dims(lengths.pop(), dims, mapping)
    if orders.pop() < 1:
        raise ConventionError(f"derivative={mapping!r}: the order must be at least 1")
    terms.sort(key=lambda term: tuple(-a for a in term[0]))
    if len(terms) == 1 and terms[0][1] == 1:
        return DiffOperator(tuple(terms), _partial_name(terms[0][0]))
    return DiffOperator(tuple(terms), "operator")


# ----------------------------------------------------------------------------------------------
# Exact numbers
# ----------------------------------------------------------------------------------------------
def to_fraction(value: Any, what: str) -> Fraction:
    """An exact rational from an int, a ``Fraction`` or a SymPy ``Rational``; floats refused."""
    if isinstance(value, bool):
        raise ConventionError(f"{what}={value!r}: expected an exact number")
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, sp.Rational):
        return Fraction(int(value.p), int(value.q))
    if isinstance(value, float | sp.Float):
        raise ConventionError(
            f"{what}={value!r} is a float: exact arithmetic only; pass an int, "
            "fractions.Fraction or sympy.Rational"
        )
    raise ConventionError(f"{what}={value!r}: expected an exact rational number")


def to_sympy(value: Fraction | int) -> sp.Rational:
    """``Fraction(3, 4)`` → ``Rational(3, 4)`` (exact)."""
    if isinstance(value, int):
        return sp.Integer(value)
    if value.denominator == 1:
        return sp.Integer(value.numerator)
    return sp.Rational(value.numerator, value.denominator)


# ----------------------------------------------------------------------------------------------
# Moments and the error series
# ----------------------------------------------------------------------------------------------
def moment(offsets: Sequence[Sequence[Any]], weights: Sequence[Any], alpha: MultiIndex) -> Any:
    """``m_α = Σ_j w_j o_j^α / α!`` in whatever exact arithmetic the inputs use.

    >>> moment([(-1,), (0,), (1,)], [Fraction(1), Fraction(-2), Fraction(1)], (2,))
    Fraction(1, 1)
    """
    total: Any = 0
    for offset, weight in zip(offsets, weights, strict=True):
        term = weight
        for coordinate, power in zip(offset, alpha, strict=True):
            if power:
                term = term * coordinate**power
        total = total + term
    denominator = factorial_of(alpha)
    if isinstance(total, int):
        return Fraction(total, denominator)
    return total / denominator


#: ``moment_of(alpha) -> (m_α − c_α)`` as SymPy, and whether it is identically zero.
MomentFunction = Callable[[MultiIndex], tuple[bool, sp.Expr]]


@dataclass(frozen=True)
class ErrorSeries:
    """The start of ``τ``: the accuracy, the leading term, and the order of what follows.

    ``leading`` is ``τ`` to leading order (a SymPy expression over ``Derivative`` s of ``f``);
    ``next_order`` is ``q`` in ``τ = leading + O(h^q)`` (``None`` if no later moment was found
    nonzero within the search bound).
    """

    accuracy: int
    leading: sp.Expr
    leading_degree: int
    next_order: int | None


def error_series(
    operator: DiffOperator,
    offsets: Sequence[Sequence[Any]],
    weights: Sequence[Any],
    spacing: Any,
    *,
    absolute: bool = False,
) -> ErrorSeries:
    """Accuracy and leading truncation error of fixed weights (exact or symbolic).

    ``absolute=True`` means the offsets already carry the spacings (``-h_m, 0, h_p``): no power
    of ``h`` multiplies the moments, and the accuracy is the degree in the spacings.

    >>> import sympy as sp
    >>> hm, hp = sp.symbols("h_m h_p")
    >>> w = [2 / (hm * (hm + hp)), -2 / (hm * hp), 2 / (hp * (hm + hp))]
    >>> s = error_series(DiffOperator.from_spec(2), [(-hm,), (0,), (hp,)], w, 1, absolute=True)
    >>> s.accuracy, sp.factor(s.leading)
    (1, -(h_m - h_p)*Derivative(f(x), (x, 3))/3)
    """
    exact = all(isinstance(v, int | Fraction) for row in offsets for v in row) and all(
        isinstance(w, int | Fraction) for w in weights
    )

    def moment_of(alpha: MultiIndex) -> tuple[bool, sp.Expr]:
        value = moment(offsets, weights, alpha) - operator.coefficient(alpha)
        if exact:
            return value == 0, to_sympy(value)
        value = sp.cancel(as_sympy(value))
        return value == 0, value

    return series_from_moments(operator, moment_of, spacing, len(offsets), absolute=absolute)


def series_from_moments(
    operator: DiffOperator,
    moment_of: MomentFunction,
    spacing: Any,
    points: int,
    *,
    absolute: bool = False,
    start: int = 0,
) -> ErrorSeries:
    """Walk the degrees ``d = start, start+1, …``: the first with a nonzero ``m_α − c_α`` fixes the
    accuracy ``d − n`` and the leading term; the next such degree gives the ``O(h^q)``.

    ``start`` skips degrees already known to be exact (a solved moment system).
    """
    n, dims = operator.order, operator.dims
    # Exactness beyond 2·points + n is impossible for nonzero weights of a consistent stencil
    # (the polynomial x^n Π_j (x − o_j)² is annihilated by every point evaluation): a safe bound.
    bound = n + 2 * points + 2
    leading_degree: int | None = None
    leading: sp.Expr = sp.Integer(0)
    for degree in range(start, bound + 1):
        terms = []
        for alpha in multi_indices(degree, dims):
            zero, value = moment_of(alpha)
            if not zero:
                terms.append(value * derivative_of_f(alpha))
        if not terms:
            continue
        if leading_degree is None:
            leading_degree = degree
            power = sp.Integer(1) if absolute else as_sympy(spacing) ** (degree - n)
            leading = sp.Add(*terms) if power == 1 else power * sp.Add(*terms)
            if degree < n:
                raise DerivationError(
                    f"the stencil does not approximate {operator.name}: the moment of degree "
                    f"{degree} is {sp.Add(*terms)} instead of 0 (Taylor coefficient of "
                    f"h^{degree - n}); the weights are inconsistent"
                )
            if degree == n:
                raise DerivationError(
                    f"the stencil does not approximate {operator.name}: at degree {n} the moments "
                    f"give {sp.Add(*terms) + operator.applied_to_f()} instead of "
                    f"{operator.applied_to_f()}"
                )
            continue
        return ErrorSeries(leading_degree - n, leading, leading_degree, degree - n)
    if leading_degree is None:
        raise DerivationError(
            f"no nonzero moment up to degree {bound}: the weights vanish identically"
        )
    return ErrorSeries(leading_degree - n, leading, leading_degree, None)


def combination_latex(terms: Sequence[tuple[MultiIndex, Any]], prefix: str = "") -> str:
    """``Σ c_α ∂^α f`` as LaTeX, in the given order: ``\\frac{h^{2}}{12} f^{(4)}(x)``.

    ``prefix`` (e.g. ``h^{2}``) multiplies every coefficient.

    >>> import sympy as sp
    >>> print(combination_latex([((4, 0), sp.Rational(1, 12)), ((0, 4), sp.Rational(1, 12))]))
    \\frac{1}{12} \\frac{\\partial^{4} f}{\\partial x^{4}}
      + \\frac{1}{12} \\frac{\\partial^{4} f}{\\partial y^{4}}
    """
    pieces: list[str] = []
    for alpha, coefficient in terms:
        value = as_sympy(coefficient)
        negative = value.could_extract_minus_sign()
        magnitude = -value if negative else value
        text = derivative_latex(alpha)
        if magnitude != 1:
            coefficient_text = sp.latex(magnitude)
            if isinstance(magnitude, sp.Add):
                coefficient_text = rf"\left({coefficient_text}\right)"
            text = f"{coefficient_text} {text}"
        if prefix:
            text = f"{prefix} {text}"
        if pieces:
            pieces.append(("- " if negative else "+ ") + text)
        else:
            pieces.append(("-" if negative else "") + text)
    return " ".join(pieces) if pieces else "0"


def degree_terms(expression: sp.Expr, dims: int) -> list[tuple[MultiIndex, sp.Expr]]:
    """Split ``Σ c_α ∂^α f`` into ``[(α, c_α)]`` in :func:`multi_indices` order."""
    coords = coordinates(dims)
    found: dict[MultiIndex, sp.Expr] = {}
    for term in sp.Add.make_args(sp.expand(expression)):
        derivatives = [a for a in term.atoms(sp.Derivative) if a.expr == F(*coords)]
        plain = term.has(F(*coords)) and not derivatives
        if not derivatives and not plain:
            raise DerivationError(f"{term} is not a multiple of a derivative of f")
        alpha: MultiIndex
        if derivatives:
            derivative = derivatives[0]
            counts = dict(derivative.variable_count)
            alpha = tuple(int(counts.get(c, 0)) for c in coords)
            coefficient = term / derivative
        else:
            alpha = (0,) * dims
            coefficient = term / F(*coords)
        found[alpha] = found.get(alpha, sp.Integer(0)) + coefficient
    degrees = sorted({sum(alpha) for alpha in found})
    ordered: list[tuple[MultiIndex, sp.Expr]] = []
    for degree in degrees:
        ordered.extend(
            (alpha, sp.factor(found[alpha]))
            for alpha in multi_indices(degree, dims)
            if alpha in found and found[alpha] != 0
        )
    return ordered


def monomials_up_to(degree: int, dims: int) -> Iterator[MultiIndex]:
    """Every multi-index of degree ``0 … degree``."""
    for d in range(degree + 1):
        yield from multi_indices(d, dims)


def integer_series(
    operator: DiffOperator,
    points: Sequence[int],
    numerators: Sequence[int],
    common: int,
    grid: int,
    spacing: Any,
) -> ErrorSeries:
    """The error series of a 1-D stencil kept in integers (the fast path).

    The weights are ``w_j = c q^n W_j / D`` on the offsets ``o_j = O_j / q`` (``O_j`` integers,
    ``W_j = numerators``, ``D = common``, ``c`` the operator's coefficient, ``q = grid``). Then

        m_k = Σ_j w_j o_j^k / k! = c q^{n−k} S_k / (D k!),        S_k = Σ_j W_j O_j^k,

    so ``m_k = 0`` iff ``S_k = 0`` (``k ≠ n``) and ``m_n = c`` iff ``S_n = D n!``: every test is an
    integer comparison; only the leading coefficient becomes a ``Rational``.

    >>> integer_series(DiffOperator.from_spec(2), [-1, 0, 1], [1, -2, 1], 1, 1, sp.Symbol("h"))
    ErrorSeries(accuracy=2, leading=h**2*Derivative(f(x), (x, 4))/12, leading_degree=4,
                next_order=4)
    """
    ((alpha, coefficient),) = operator.terms
    n = alpha[0]
    terms = list(numerators)  # W_j O_j^k, updated in place
    factorial = 1
    leading_degree: int | None = None
    leading: sp.Expr = sp.Integer(0)
    bound = n + 2 * len(points) + 2
    for k in range(bound + 1):
        if k:
            factorial *= k
            terms = [t * o for t, o in zip(terms, points, strict=True)]
        total = sum(terms)
        if k == n:
            total -= common * factorial
        if not total:
            continue
        if k <= n:
            what = "its sum" if k == 0 else f"its moment of degree {k}"
            raise DerivationError(
                f"the weights do not approximate {operator.name}: {what} is off by "
                f"{Fraction(total, common * factorial)} (Taylor coefficient of h^{k - n})"
            )
        if leading_degree is not None:
            return ErrorSeries(leading_degree - n, leading, leading_degree, k - n)
        value = coefficient * Fraction(total, common * factorial) * Fraction(grid) ** (n - k)
        leading_degree = k
        leading = sp.Mul(to_sympy(value), as_sympy(spacing) ** (k - n), derivative_of_f((k,)))
    if leading_degree is None:
        raise DerivationError(f"no nonzero moment up to degree {bound}: the weights vanish")
    return ErrorSeries(leading_degree - n, leading, leading_degree, None)
