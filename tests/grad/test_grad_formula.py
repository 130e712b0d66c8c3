"""``IndexFormula`` and the inference of sizes and ranges."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symconv.conv.forms import conv_index_form, explicit_forward
from symconv.core.tensors import entries
from symconv.errors import ParseError, ShapeError
from symconv.grad.formula import IndexFormula, as_index_formula, index_symbol, open_sum, size_symbol
from symconv.grad.inference import AutoSum, infer_formula

i, j, k, m, n = (index_symbol(name) for name in "ijkmn")
X, W, V, Z, b, y = (sp.IndexedBase(name) for name in ("X", "W", "V", "Z", "b", "y"))


def test_sizes_follow_bare_indices_and_avoid_the_loss_name():
    formula = IndexFormula.parse("Z[i,m,j] = b[m] + sum(W[m,n,k] * X[i,n,j+k])")
    batch, M, N, K = (size_symbol(s) for s in "IMNK")
    # j only reads X shifted: its size is the output's, N_j (J is the loss of ∂J/∂Z).
    assert formula.ranges == ((i, 0, batch - 1), (m, 0, M - 1), (j, 0, size_symbol("N_j") - 1))
    assert formula.shapes["W"] == (M, N, K)
    assert formula.shapes["X"] == (batch, N, size_symbol("n^X_2"))
    assert formula.shapes["b"] == (M,)


def test_nested_automatic_sums_split_their_indices():
    formula = infer_formula(y[i], AutoSum(X[i, j] * AutoSum(V[j, k] * X[i, k])))
    outer = formula.rhs
    assert isinstance(outer, sp.Sum) and [lim[0] for lim in outer.limits] == [j]
    inner = outer.function.atoms(sp.Sum).pop()
    assert [lim[0] for lim in inner.limits] == [k]


def test_sympy_equations_with_open_sums():
    formula = IndexFormula.from_equation(
        sp.Eq(Z[i, m, j], open_sum(W[m, n, k] * X[i, n, j + k], n, k))
    )
    assert formula.rhs == sp.Sum(
        W[m, n, k] * X[i, n, j + k], (n, 0, size_symbol("N") - 1), (k, 0, size_symbol("K") - 1)
    )
    with pytest.raises(ParseError, match="distinct index names"):
        IndexFormula.from_equation((Z[i, i], X[i]))


def test_conv_index_form_keeps_the_foundation_sizes():
    form = conv_index_form(2, stride=2, padding=1, groups=2)
    formula = as_index_formula(form)
    assert formula.lhs == form.output and formula.rhs == form.expression
    assert formula.shapes["W"][1] == form.sizes["C"] / 2
    assert [r[2] + 1 for r in formula.ranges] == [size for _, size in form.free_ranges]


def test_evaluate_reproduces_the_explicit_forward():
    form = conv_index_form(1, stride=2, padding=1, dilation=2)
    formula = as_index_formula(form)
    x, w, bias = (
        entries("x", (2, 2, 7), base=0),
        entries("w", (3, 2, 2), base=0),
        entries("b", (3,), base=0),
    )
    got = formula.evaluate({"X": x, "W": w, "b": bias})
    expected = explicit_forward(
        form.spec.__class__.make(2, dims=1, stride=2, padding=1, dilation=2), x, w, bias
    )
    assert got == expected
    assert formula.evaluate({"X": x, "W": w, "b": bias}, engine="sympy") == expected


def test_evaluate_checks_shapes_against_the_formula():
    formula = IndexFormula.parse("Z[j] = sum_k W[k] X[j + k]; X: (I); j < I - K + 1")
    with pytest.raises(ShapeError, match="has shape"):
        formula.evaluate({"X": [1, 2, 3], "W": [[1, 2]]})
    with pytest.raises(ShapeError, match="bind its sizes"):
        formula.index_points({})


def test_random_sizes_are_valid_and_reproducible():
    formula = IndexFormula.parse(
        "Z[i,m,j] = sum(W[m,n,k] * X[i,n,j+k]); X: (N, C, I); j < I - K + 1"
    )
    first = formula.random_sizes(np.random.default_rng(4), 1, 3)
    assert first == formula.random_sizes(np.random.default_rng(4), 1, 3)
    for _ in range(20):
        values = formula.random_sizes(np.random.default_rng(_), 1, 3)
        assert all(v >= 1 for v in formula.output_shape(values))
    impossible = IndexFormula.parse("Z[j] = X[j]; j < I - 5")
    with pytest.raises(ShapeError, match="could not draw sizes"):
        impossible.random_sizes(np.random.default_rng(0), 1, 3)


def test_substitute_and_value_map_by_name():
    formula = IndexFormula.parse("Z[j] = sum_k W[k] X[s*j + k]")
    bound = formula.substitute({"s": 3})
    assert "3*j" in str(bound.rhs)
    assert formula.parameters == (sp.Symbol("s", integer=True, nonnegative=True),)
    assert bound.parameters == ()


def test_as_index_formula_rejects_other_objects():
    with pytest.raises(ShapeError, match="cannot read"):
        as_index_formula(42)


def test_entry_tensors_name_entries_after_the_tensors():
    formula = IndexFormula.parse("dJ/dW[k] = sum_j dJ/dZ[j] X[j + k]")
    tensors = formula.entry_tensors({"K": 2, "N_j": 2, "n^X_0": 3})
    assert str(tensors["∂J/∂Z"][0]) == "dJ/dZ_{0}"
    assert str(tensors["X"][2]) == "X_{2}"
