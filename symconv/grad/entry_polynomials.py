"""Sparse polynomials with rational coefficients in named tensor entries (``X_{012}``,
``W_{10}``): the exact arithmetic of the gradient check when the forward pass is a polynomial in
its inputs (a convolution, a dense layer, a bilinear form — every layer without a pointwise
function).

A polynomial is a map from monomials to exact coefficients (``int`` or ``Fraction``); a monomial is
the sorted tuple of the entry names it multiplies, repeated by power (``("W_{0}", "X_{1}")``,
``("x", "x")`` for x²). A convolution's output entry holds a few such terms out of hundreds of
entries, so sums and products cost what the terms cost, not what the tensors hold (SymPy's ``Add``
and ``Mul`` re-canonicalise and query assumptions at every node). The polynomial is canonical: two
are equal exactly when their maps are equal, with no expansion or simplification to decide it.

Differentiation is read off the monomials (∂/∂v of ``c · v^k · m`` is ``k c · v^(k−1) · m``):
:meth:`EntryPolynomial.gradient` gives every partial derivative in one pass over the terms — for
a loss linear in the upstream gradient, ``∂J/∂v`` is the coefficient of ``v`` in ``J``.

    >>> x, y = EntryPolynomial.variable("x"), EntryPolynomial.variable("y")
    >>> p = 3 * x * x * y + Fraction(1, 2) * y - 1
    >>> p
    EntryPolynomial(3*x**2*y + y/2 - 1)
    >>> p.gradient(["x", "y"])
    {'x': EntryPolynomial(6*x*y), 'y': EntryPolynomial(3*x**2 + 1/2)}
    >>> (x + y) * (x - y) == x * x - y * y
    True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

import sympy as sp

Coefficient = int | Fraction
Monomial = tuple[str, ...]


class EntryPolynomial:
    """An immutable sparse polynomial with exact rational coefficients (see the module docstring).

    Supports ``+``, ``-``, ``*`` and powers by non-negative integers, with other polynomials,
    ``int`` and ``Fraction``; ``==`` compares exactly (a polynomial equals a number when it is
    that constant).
    """

    __slots__ = ("terms",)
    __hash__ = None  # type: ignore[assignment]  # (equal to numbers, and mutable-looking)

    def __init__(self, terms: Mapping[Monomial, Coefficient]) -> None:
        self.terms: dict[Monomial, Coefficient] = {m: c for m, c in terms.items() if c != 0}

    @classmethod
    def variable(cls, name: str) -> EntryPolynomial:
        """The polynomial ``name`` (one entry)."""
        return cls({(name,): 1})

    @classmethod
    def constant(cls, value: Coefficient) -> EntryPolynomial:
        return cls({(): value})

    @classmethod
    def total(cls, items: Iterable[EntryPolynomial | Coefficient]) -> EntryPolynomial:
        """The sum of many polynomials, accumulated in one map (linear in the number of terms).

        >>> EntryPolynomial.total([EntryPolynomial.variable("a"), 2, EntryPolynomial.variable("a")])
        EntryPolynomial(2*a + 2)
        """
        terms: dict[Monomial, Coefficient] = {}
        for item in items:
            for monomial, coefficient in _terms(item).items():
                terms[monomial] = terms.get(monomial, 0) + coefficient
        return cls(terms)

    # -- arithmetic ---------------------------------------------------------------------------
    def __add__(self, other: object) -> EntryPolynomial:
        if not _is_operand(other):
            return NotImplemented
        terms = dict(self.terms)
        for monomial, coefficient in _terms(other).items():  # type: ignore[arg-type]
            terms[monomial] = terms.get(monomial, 0) + coefficient
        return EntryPolynomial(terms)

    __radd__ = __add__

    def __neg__(self) -> EntryPolynomial:
        return EntryPolynomial({m: -c for m, c in self.terms.items()})

    def __sub__(self, other: object) -> EntryPolynomial:
        if not _is_operand(other):
            return NotImplemented
        return self + (-_as_polynomial(other))  # type: ignore[arg-type]

    def __rsub__(self, other: object) -> EntryPolynomial:
        if not _is_operand(other):
            return NotImplemented
        return _as_polynomial(other) + (-self)  # type: ignore[arg-type]

    def __mul__(self, other: object) -> EntryPolynomial:
        if isinstance(other, int | Fraction):
            return EntryPolynomial({m: c * other for m, c in self.terms.items()})
        if not isinstance(other, EntryPolynomial):
            return NotImplemented
        terms: dict[Monomial, Coefficient] = {}
        for left, a in self.terms.items():
            for right, b in other.terms.items():
                monomial = tuple(sorted(left + right))
                terms[monomial] = terms.get(monomial, 0) + a * b
        return EntryPolynomial(terms)

    __rmul__ = __mul__

    def __pow__(self, exponent: int) -> EntryPolynomial:
        if not isinstance(exponent, int) or isinstance(exponent, bool) or exponent < 0:
            return NotImplemented
        result = EntryPolynomial.constant(1)
        for _ in range(exponent):
            result = result * self
        return result

    def __eq__(self, other: object) -> bool:
        if not _is_operand(other):
            return NotImplemented
        return self.terms == _terms(other)  # type: ignore[arg-type]

    # -- calculus -----------------------------------------------------------------------------
    def gradient(self, names: Iterable[str]) -> dict[str, EntryPolynomial]:
        """``{v: ∂p/∂v}`` for every name ``v`` in ``names`` (zero where ``v`` does not occur),
        in one pass over the terms."""
        parts: dict[str, dict[Monomial, Coefficient]] = {name: {} for name in names}
        wanted = set(parts)
        for monomial, coefficient in self.terms.items():
            for name in set(monomial) & wanted:
                power = monomial.count(name)
                at = monomial.index(name)
                rest = monomial[:at] + monomial[at + 1 :]
                into = parts[name]
                into[rest] = into.get(rest, 0) + power * coefficient
        return {name: EntryPolynomial(terms) for name, terms in parts.items()}

    def variables(self) -> set[str]:
        return {name for monomial in self.terms for name in monomial}

    # -- display ------------------------------------------------------------------------------
    def as_expr(self) -> sp.Expr:
        """The same polynomial as a SymPy expression (entry names as plain symbols)."""
        return sp.Add(
            *(
                sp.Rational(c.numerator, c.denominator)
                * sp.Mul(*(sp.Symbol(name) for name in monomial))
                for monomial, c in self.terms.items()
            )
        )

    def __str__(self) -> str:
        return str(self.as_expr())

    def __repr__(self) -> str:
        return f"EntryPolynomial({self})"


def _is_operand(value: object) -> bool:
    return isinstance(value, EntryPolynomial | int | Fraction)


def _terms(value: EntryPolynomial | Coefficient) -> dict[Monomial, Coefficient]:
    if isinstance(value, EntryPolynomial):
        return value.terms
    return {(): value} if value != 0 else {}


def _as_polynomial(value: EntryPolynomial | Coefficient) -> EntryPolynomial:
    return value if isinstance(value, EntryPolynomial) else EntryPolynomial.constant(value)


def is_entry_polynomial(expr: Any) -> bool:
    """Whether an index expression is a polynomial in its tensor reads: built from tensor entries
    (``X[i + k]``) by sums, products, ``Sum`` over index ranges and non-negative integer powers,
    with factors free of tensor reads (Kronecker deltas, Iverson brackets, numbers) anywhere.

    >>> X, W = sp.IndexedBase("X"), sp.IndexedBase("W")
    >>> j, k = sp.symbols("j k", integer=True)
    >>> is_entry_polynomial(sp.Sum(W[k] * X[j + k] ** 2, (k, 0, 2)) + sp.Rational(1, 2))
    True
    >>> is_entry_polynomial(sp.exp(X[j])), is_entry_polynomial(1 / X[j])
    (False, False)
    """
    if isinstance(expr, sp.Indexed):
        return True
    if not isinstance(expr, sp.Basic) or not expr.has(sp.Indexed):
        return True
    if isinstance(expr, sp.Add | sp.Mul):
        return all(is_entry_polynomial(arg) for arg in expr.args)
    if isinstance(expr, sp.Pow):
        return bool(expr.exp.is_Integer and expr.exp >= 0) and is_entry_polynomial(expr.base)
    if isinstance(expr, sp.Sum):
        bounds_read_tensors = any(
            lower.has(sp.Indexed) or upper.has(sp.Indexed) for _, lower, upper in expr.limits
        )
        return not bounds_read_tensors and is_entry_polynomial(expr.function)
    return False
