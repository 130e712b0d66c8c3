"""The compiled evaluator gives exactly what ``symconv.core.indexing.evaluate`` gives."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
import sympy as sp

from symconv.conv.forms import conv_index_form
from symconv.core.indexing import evaluate
from symconv.errors import DerivationError
from symconv.grad.conditions import InRange, Iverson
from symconv.grad.differentiate import derive_backward
from symconv.grad.evaluator import compile_expression
from symconv.grad.functions import relu, sigmoid

j, k = sp.symbols("j k", integer=True)
X, W = sp.IndexedBase("X"), sp.IndexedBase("W")

FORWARDS = [
    (
        "conv 1-d stride 2 padding 1 dilation 2",
        conv_index_form(1, stride=2, padding=1, dilation=2),
        ["X", "W", "b"],
    ),
    ("conv 1-d groups 2", conv_index_form(1, groups=2), ["X", "W"]),
    ("gated", "Y[i,j] = X[i,j] * sigmoid(sum(V[j,k] * X[i,k]))", ["X", "V"]),
    ("causal", "y[t] = sum_k w[k] x[t - d*k]; d = 2", ["x", "w"]),
]


@cache
def backward(index: int, wrt: str):
    return derive_backward(FORWARDS[index][1], wrt=wrt).details["backward"]


@pytest.mark.parametrize(
    ("index", "wrt"),
    [(i, w) for i, case in enumerate(FORWARDS) for w in case[2]],
    ids=[f"{case[0]} d{w}" for case in FORWARDS for w in case[2]],
)
def test_compiled_and_sympy_evaluation_agree_on_derived_gradients(index, wrt):
    formula = backward(index, wrt)
    rng = np.random.default_rng(index)
    values = formula.random_sizes(rng, 1, 3)
    tensors = {
        name: rng.integers(-3, 4, size=formula.shape(name, values)) for name in formula.tensors
    }
    compiled = formula.evaluate(tensors, values)
    reference = formula.evaluate(tensors, values, engine="sympy")
    for point in np.ndindex(*compiled.shape):
        assert sp.simplify(compiled[point] - reference[point]) == 0


@pytest.mark.parametrize(
    "expr",
    [
        sp.Sum(W[k] * X[j + k - 1], (k, 0, 2)) / 3,
        sp.Sum(Iverson(sp.And(InRange(j - k, 0, 1), sp.Eq(sp.Mod(j - k, 2), 0))) * X[k], (k, 0, 2)),
        sp.Piecewise((X[j], j > 1), (W[j], True)) + sp.KroneckerDelta(j, 1),
        sp.Max(X[j], W[j]) + sp.Min(X[j], 0) + relu(X[j] - 2) + sp.floor(sp.Rational(7, 2) * j),
        X[j] ** 2 + X[j] ** -1 + sigmoid(X[j]),
        sp.Sum(X[k], (k, j, 1)),  # an empty range when j > 1
    ],
)
def test_compiled_evaluator_matches_sympy_node_by_node(expr):
    run = compile_expression(expr)
    tensors = {"X": [1, -2, 3], "W": [sp.Rational(1, 2), 5, -1]}
    for value in range(3):
        assert run(tensors, {j: value}) == evaluate(expr, tensors, {j: value})


def test_compiled_evaluator_reports_non_integer_indices():
    run = compile_expression(X[j / 2])
    with pytest.raises(DerivationError, match="not a concrete integer"):
        run({"X": [1, 2]}, {j: 1})


def test_an_extremum_over_a_range_is_reduced_with_its_operation():
    # max pooling written \max_{j=0..1} x[j + 2k] (symconv.check.nodes.MaxOver names max as its
    # REDUCE); an empty range gives 0, like an empty sum
    from symconv.check.nodes import MaxOver, MinOver

    x = sp.IndexedBase("x")
    j, k = sp.symbols("j k", integer=True)
    data = {"x": [4, -1, 3, 9]}
    pooled = compile_expression(MaxOver(x[j + 2 * k], (j, 0, 1)))
    assert [pooled(data, {k: value}) for value in (0, 1)] == [4, 9]
    smallest = compile_expression(MinOver(x[j + 2 * k], (j, 0, 1)))
    assert [smallest(data, {k: value}) for value in (0, 1)] == [-1, 3]
    assert compile_expression(MaxOver(x[j], (j, 2, 1)))(data, {}) == 0
