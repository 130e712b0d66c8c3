"""The registry of elementwise functions: every derivative proven against ``sympy.diff`` of its
forward (exactly, and numerically by central differences), the grammar's names, registration."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from symconv import SymconvError
from symconv.errors import FormulaError, FunctionRegistrationError, UnknownFunctionError
from symconv.grad.differentiate import derive_backward
from symconv.grad.functions import (
    BUILTIN_FUNCTIONS,
    ElementwiseFunction,
    function_entry,
    register_function,
    registered_functions,
    unregister_function,
)
from symconv.grad.grammar import FormulaParseError, parse_index_formula

X, ALPHA = sp.Symbol("x", real=True), sp.Symbol("alpha", real=True)

#: (entry, argument): one row per derivative the registry states.
DERIVATIVES = [
    (entry.name, argument)
    for entry in BUILTIN_FUNCTIONS
    for argument in range(1 + len(entry.parameters))
]


def _arguments(entry: ElementwiseFunction) -> tuple[sp.Symbol, ...]:
    return (X, ALPHA)[: 1 + len(entry.parameters)]


def _points(entry: ElementwiseFunction, count: int = 5) -> list[sp.Rational]:
    """Rational points of the entry's domain, away from its kinks."""
    rng = np.random.default_rng(len(entry.name))
    low, high = entry.domain
    points: list[sp.Rational] = []
    while len(points) < count:
        point = sp.Rational(int(rng.integers(int(low * 10), int(high * 10) + 1)), 10)
        if all(abs(point - kink) > sp.Rational(1, 20) for kink in entry.kinks):
            points.append(point)
    return points


def _explicit(expr: sp.Expr) -> sp.Expr:
    """σ written with exp, so that both sides are in the same functions."""
    return expr.rewrite(sp.exp) if expr.has(function_entry("sigmoid").function) else expr


@pytest.mark.parametrize(
    ("name", "argument"), DERIVATIVES, ids=[f"{n}-{a}" for n, a in DERIVATIVES]
)
def test_derivative_equals_sympy_diff_exactly(name, argument):
    entry = function_entry(name)
    args = _arguments(entry)
    expected = sp.diff(entry.forward(*args), args[argument])
    stated = entry.derivatives[argument](*args)
    alpha = {ALPHA: sp.Rational(3, 10)}
    for point in _points(entry):
        at = {X: point, **alpha}
        difference = _explicit(stated.xreplace(at)) - _explicit(expected.xreplace(at))
        assert sp.simplify(difference) == 0, (name, argument, point, difference)


@pytest.mark.parametrize(
    ("name", "argument"), DERIVATIVES, ids=[f"{n}-{a}" for n, a in DERIVATIVES]
)
def test_derivative_matches_central_differences(name, argument):
    entry = function_entry(name)
    args = _arguments(entry)
    stated = entry.derivatives[argument](*args)
    for point in _points(entry):
        values = [float(point), 0.3][: len(args)]
        step = 1e-6
        up, down = list(values), list(values)
        up[argument] += step
        down[argument] -= step
        difference = (entry.numeric(*up) - entry.numeric(*down)) / (2 * step)
        at = {X: point, ALPHA: sp.Rational(3, 10)}
        assert math.isclose(float(stated.xreplace(at)), difference, rel_tol=1e-6, abs_tol=1e-8)


@pytest.mark.parametrize("name", [entry.name for entry in BUILTIN_FUNCTIONS])
def test_the_function_in_formulas_differentiates_through_its_entry(name):
    entry = function_entry(name)
    args = _arguments(entry)
    applied = entry.apply(*args)
    for argument in range(len(args)):
        got = sp.diff(applied, args[argument])
        stated = entry.derivative(argument, *args)
        assert sp.simplify(got - stated) == 0, (name, argument)


@pytest.mark.parametrize("entry", BUILTIN_FUNCTIONS, ids=lambda e: e.name)
def test_every_entry_has_latex_and_source(entry):
    assert entry.latex and entry.source
    assert len(entry.derivatives) == 1 + len(entry.parameters) == len(_arguments(entry))


@pytest.mark.parametrize("name", [*(entry.name for entry in BUILTIN_FUNCTIONS), "swish", "σ"])
def test_every_builtin_name_is_a_function_of_the_grammar(name):
    """Written without parentheses, a function name is an error, never a scalar factor."""
    with pytest.raises(FormulaParseError, match="expected one of '\\('"):
        parse_index_formula(f"y[i] = {name} x[i]")
    written = parse_index_formula(f"y[i] = {name}(x[i])").rhs
    (read,) = written.atoms(sp.Indexed)
    assert written == function_entry(name).apply(read)


def test_parameters_default_and_can_be_written():
    assert str(parse_index_formula("y[i] = leaky_relu(x[i])").rhs) == "leaky_relu(x[i], 1/100)"
    assert str(parse_index_formula("y[i] = elu(x[i], 0.5)").rhs) == "elu(x[i], 1/2)"
    with pytest.raises(FormulaParseError, match=r"takes 1 to 2 arguments, got 3"):
        parse_index_formula("y[i] = elu(x[i], 1, 2)")


def test_unknown_name_lists_the_known_ones_with_a_caret():
    with pytest.raises(UnknownFunctionError) as caught:
        parse_index_formula("y[i] = 2*swishy(x[i])")
    error = caught.value
    assert isinstance(error, SymconvError) and isinstance(error, FormulaError)
    assert error.name == "swishy" and "gelu" in error.known and "swish" in error.known
    assert error.column == 10
    assert str(error).endswith("  y[i] = 2*swishy(x[i])\n           ^")


def test_a_registered_function_is_read_and_differentiated():
    def mish(u: sp.Expr) -> sp.Expr:
        return u * sp.tanh(sp.log(1 + sp.exp(u)))

    def mish_derivative(u: sp.Expr) -> sp.Expr:
        softplus = sp.log(1 + sp.exp(u))
        return sp.tanh(softplus) + u * (1 - sp.tanh(softplus) ** 2) / (1 + sp.exp(-u))

    register_function("mish", mish, mish_derivative, latex=r"\operatorname{mish}")
    try:
        assert "mish" in registered_functions()
        derivation = derive_backward("y[i] = mish(sum_k w[k] x[i, k])", wrt="x")
        assert derivation.check(np.random.default_rng(0)).passed
    finally:
        unregister_function("mish")
    with pytest.raises(UnknownFunctionError, match="unknown function mish"):
        parse_index_formula("y[i] = mish(x[i])")


@pytest.mark.parametrize(
    ("name", "forward", "derivative", "message"),
    [
        ("twice", lambda u: 2 * u, lambda u: 3, "is not d/dx of the forward"),
        ("gelu", lambda u: u, lambda u: 1, "built-in"),
        ("sum", lambda u: u, lambda u: 1, "grammar's own"),
        ("sum_sq", lambda u: u**2, lambda u: 2 * u, "grammar's own"),
        ("swish", lambda u: u, lambda u: 1, "grammar's own"),
        ("2x", lambda u: u, lambda u: 1, "a letter"),
        ("shifted", lambda u: u + sp.Symbol("c"), lambda u: 1, "argument only"),
        ("root", sp.sqrt, lambda u: 1 / (2 * sp.sqrt(u)), "not both real"),
    ],
)
def test_registration_is_validated(name, forward, derivative, message):
    with pytest.raises(FunctionRegistrationError, match=message):
        register_function(name, forward, derivative)
    assert name not in registered_functions() or name == "gelu"


def test_public_names_of_the_old_module_still_work():
    from symconv.grad import relu, sigmoid
    from symconv.grad.functions import FUNCTIONS
    from symconv.rules.activations import LEAKY_RELU, RELU, SIGMOID, TANH

    assert sp.diff(sigmoid(X), X) == sigmoid(X) * (1 - sigmoid(X))
    assert sp.diff(relu(X), X) == sp.Heaviside(X, 0)
    assert FUNCTIONS["σ"] is sigmoid and FUNCTIONS["max"] is sp.Max
    assert {rule.name for rule in (SIGMOID, TANH, RELU, LEAKY_RELU)} == {
        "sigmoid",
        "tanh",
        "relu",
        "leaky_relu",
    }
