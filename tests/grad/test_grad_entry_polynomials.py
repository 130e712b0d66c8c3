"""The sparse polynomials of the exact gradient check agree with SymPy's own arithmetic and
``sympy.diff`` on random polynomials, and the check built on them refuses wrong closed forms."""

from __future__ import annotations

import dataclasses
import random
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from symconv.grad.differentiate import derive_backward
from symconv.grad.entry_polynomials import EntryPolynomial, is_entry_polynomial
from symconv.grad.verify import exact_gradient_check

NAMES = ("a", "b", "c", "x_{01}", "dJ/dy_{0}")


def _random_pair(rng: random.Random, depth: int) -> tuple[EntryPolynomial | int, sp.Expr]:
    """The same random polynomial built twice: with EntryPolynomial and with SymPy."""
    if depth == 0 or rng.random() < 0.3:
        if rng.random() < 0.5:
            value = rng.randint(-3, 3)
            return value, sp.Integer(value)
        name = rng.choice(NAMES)
        return EntryPolynomial.variable(name), sp.Symbol(name)
    left, left_expr = _random_pair(rng, depth - 1)
    right, right_expr = _random_pair(rng, depth - 1)
    operation = rng.choice("+-*^/")
    if operation == "+":
        return left + right, left_expr + right_expr
    if operation == "-":
        return left - right, left_expr - right_expr
    if operation == "*":
        return left * right, left_expr * right_expr
    if operation == "/":
        return left * Fraction(1, 3), left_expr / 3
    power = rng.randint(0, 3)
    return left**power, left_expr**power


def _as_polynomial(value: EntryPolynomial | int) -> EntryPolynomial:
    return value if isinstance(value, EntryPolynomial) else EntryPolynomial.constant(value)


@pytest.mark.parametrize("seed", range(60))
def test_arithmetic_and_gradient_match_sympy(seed: int) -> None:
    rng = random.Random(seed)
    polynomial, expr = _random_pair(rng, 4)
    polynomial = _as_polynomial(polynomial)
    assert sp.expand(polynomial.as_expr() - expr) == 0
    gradient = polynomial.gradient(NAMES)
    for name in NAMES:
        assert sp.expand(gradient[name].as_expr() - sp.diff(expr, sp.Symbol(name))) == 0


def test_equality_is_exact_and_canonical() -> None:
    x, y = EntryPolynomial.variable("x"), EntryPolynomial.variable("y")
    assert (x + y) * (x + y) == x * x + 2 * x * y + y * y
    assert (x + y) * (x + y) != x * x + y * y
    assert x - x == 0
    assert x * Fraction(1, 2) + x * Fraction(1, 2) == x
    assert EntryPolynomial.constant(3) == 3


def test_polynomial_detection() -> None:
    X = sp.IndexedBase("X")
    j, k = sp.symbols("j k", integer=True)
    assert is_entry_polynomial(sp.Sum(X[j + k] * X[k], (k, 0, 3)) + 1)
    assert not is_entry_polynomial(sp.Sum(sp.exp(X[k]), (k, 0, 3)))
    assert not is_entry_polynomial(X[j] ** sp.Rational(1, 2))
    assert not is_entry_polynomial(sp.Sum(X[k], (k, 0, X[0])))


CONVOLUTION = "Z[i,j1,j2,m] = sum(W[k1,k2,n,m] * X[i,j1+k1,j2+k2,n]) + b[m]"


@pytest.mark.parametrize("wrt", ["W", "X", "b"])
def test_exact_check_passes_the_derived_gradient(wrt: str) -> None:
    parts = derive_backward(CONVOLUTION, wrt=wrt).details["parts"]
    result = exact_gradient_check(parts)(np.random.default_rng(3))
    assert result.passed, result.detail
    assert "polynomials in the entries" in result.detail


@pytest.mark.parametrize("wrt", ["W", "X"])
def test_exact_check_refuses_a_shifted_or_scaled_gradient(wrt: str) -> None:
    parts = derive_backward(CONVOLUTION, wrt=wrt).details["parts"]
    rhs = parts.backward.rhs
    assert isinstance(rhs, sp.Sum)
    index = rhs.limits[-1][0]
    shifted = rhs.func(rhs.function.xreplace({index: index + 1}), *rhs.limits)
    for wrong in (shifted, 2 * rhs):
        broken = dataclasses.replace(parts, backward=dataclasses.replace(parts.backward, rhs=wrong))
        result = exact_gradient_check(broken, trials=3)(np.random.default_rng(0))
        assert not result.passed, result.detail
        assert "closed form" in result.detail
