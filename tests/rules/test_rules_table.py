"""The rule table: the three proof obligations for every rule, at every case, and the registry.

For each registered rule, each differentiable argument and each of the rule's cases:

1. **exact** — the stored backward equals, entry by entry and with ``==`` after expansion,
   ``sympy.diff`` of ``J = Σ g Z`` where Z is the naive loop reference of
   ``tests/reference_rules.py`` carried out over entry symbols (at a random rational point with
   no ties for the piecewise rules);
2. **numeric** — the generated NumPy backward vs central differences of the *reference* forward
   in floats, in a random direction (``symconv.conv.numeric.check_gradient``);
3. **engine** — the stored readable form equals what ``derive_backward`` produces from the
   forward, exactly, on random rational tensors.

Mutated rules (a dropped term, a wrong shift, the last index at a tie) must fail, so the
obligations are not vacuous.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest
import sympy as sp

from symconv.rules import FAMILIES, all_rules, get_rule
from symconv.rules.proof import engine_agreement, exact_obligation, numeric_obligation
from symconv.rules.table import Rule
from tests import reference_rules as ref

RULES = all_rules()
GRID = [
    (rule.name, wrt, index)
    for rule in RULES
    for wrt in rule.arguments
    for index in range(len(rule.cases))
]
GRID_IDS = [f"{name}-d{wrt}-case{index}" for name, wrt, index in GRID]


def symbolic_reference(name: str) -> Any:
    return lambda tensors, sizes: ref.REFERENCES[name](tensors, sizes, ref.SYMPY_OPS)


def float_reference(name: str) -> Any:
    def forward(tensors: Any, sizes: Any) -> np.ndarray:
        return np.asarray(ref.REFERENCES[name](tensors, sizes, ref.FLOAT_OPS), dtype=float)

    return forward


# ---------------------------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------------------------
def test_every_rule_has_cases_and_a_reference() -> None:
    assert len(RULES) >= 30
    for rule in RULES:
        assert rule.cases, f"{rule.name} has no cases"
        assert rule.arguments, f"{rule.name} has no backward"
        assert rule.name in ref.REFERENCES, f"{rule.name} has no naive reference"
    assert set(ref.REFERENCES) == {rule.name for rule in RULES}


def test_every_family_is_populated() -> None:
    for family in FAMILIES:
        assert all_rules(family), f"family {family} has no rule"


def test_the_issue_list_is_covered() -> None:
    names = {rule.name for rule in RULES}
    wanted = {
        "conv1d", "conv2d", "conv3d", "conv2d_strided", "conv1d_grouped", "depthwise_conv2d",
        "separable_conv2d", "convolution2d", "conv_transpose1d", "dense", "max_pool2d",
        "avg_pool2d", "global_avg_pool", "subsample2d", "upsample_nearest", "flatten",
        "flatten_column_major", "reshape", "concat", "residual_add", "batch_norm", "layer_norm",
        "group_norm", "sigmoid", "tanh", "relu", "leaky_relu", "softmax", "mse", "cross_entropy",
        "softmax_cross_entropy", "max", "argmax",
    }  # fmt: skip
    assert wanted <= names


def test_a_rule_without_cases_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one case"):
        Rule("x", "activations", "x", "x", "U[i] = Z[i]", {"Z": "dJ/dZ[i] = dJ/dU[i]"}, (), "")


def test_unknown_rule_and_argument() -> None:
    with pytest.raises(ValueError, match="no rule named"):
        get_rule("no_such_rule")
    with pytest.raises(ArithmeticError, match="no backward pass for 'Q'"):
        get_rule("dense").backward_formula("Q")


def test_latex_row_names_every_argument() -> None:
    text = get_rule("batch_norm").latex()
    assert r"\frac{\partial J}{\partial \gamma[c]}" in text
    assert r"\frac{\partial J}{\partial \beta[c]}" in text
    assert r"\hat{X}[i, c]" in text


# ---------------------------------------------------------------------------------------------
# The three obligations, for every rule
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "wrt", "index"), GRID, ids=GRID_IDS)
def test_exact_against_sympy_diff_of_the_reference(name: str, wrt: str, index: int) -> None:
    rule = get_rule(name)
    result = exact_obligation(
        rule, wrt, rule.cases[index], explicit_forward=symbolic_reference(name), seed=index
    )
    assert result.passed, result.detail


@pytest.mark.parametrize(("name", "wrt", "index"), GRID, ids=GRID_IDS)
def test_numeric_against_central_differences(name: str, wrt: str, index: int) -> None:
    rule = get_rule(name)
    result = numeric_obligation(
        rule, wrt, rule.cases[index], forward=float_reference(name), seed=10 + index
    )
    assert result.passed, result.detail


@pytest.mark.parametrize(("name", "wrt", "index"), GRID, ids=GRID_IDS)
def test_stored_form_equals_the_differentiator(name: str, wrt: str, index: int) -> None:
    rule = get_rule(name)
    result = engine_agreement(rule, wrt, rule.cases[index], seed=20 + index)
    assert result.passed, result.detail


def test_derivation_checks_run_the_obligations() -> None:
    report = get_rule("avg_pool2d").gradient("X").check(np.random.default_rng(5))
    assert report.passed, report.summary()
    assert len(report.results) == 3


# ---------------------------------------------------------------------------------------------
# The obligations catch wrong rules
# ---------------------------------------------------------------------------------------------
def mutated(name: str, wrt: str, backward: str) -> Rule:
    rule = get_rule(name)
    return replace(rule, backward={**rule.backward, wrt: backward})


MUTATIONS = [
    # batch norm that treats the statistics as constants
    ("batch_norm", "X", "dJ/dX[i,c] = gamma[c] dJ/dY[i,c] / sigma[c]"),
    # a shift with the wrong sign in the input gradient of a depthwise convolution
    ("depthwise_conv2d", "X", "dJ/dX[i,c,j1,j2] = sum_{k1,k2} dJ/dZ[i,c,j1+k1,j2+k2] W[c,k1,k2]"),
    # the softmax vector-Jacobian product without its coupling term
    ("softmax", "X", "dJ/dX[i,c] = Y[i,c] dJ/dY[i,c]"),
    # a dropped batch sum in a weight gradient
    ("dense", "W", "dJ/dW[o,k] = dJ/dY[0,o] X[0,k]"),
]


@pytest.mark.parametrize(("name", "wrt", "backward"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_each_obligation_catches_a_wrong_backward(name: str, wrt: str, backward: str) -> None:
    rule = mutated(name, wrt, backward)
    case = rule.cases[0]
    assert not exact_obligation(rule, wrt, case, explicit_forward=symbolic_reference(name)).passed
    numeric = numeric_obligation(rule, wrt, case, forward=float_reference(name), seed=1)
    assert not numeric.passed
    assert "finite difference" in numeric.detail and "seed 1" in numeric.detail
    assert not engine_agreement(rule, wrt, case, seed=1).passed


def test_a_wrong_tie_convention_is_caught() -> None:
    """Max pooling that gives the gradient to the *last* maximum: same off ties, caught at one."""
    rule = get_rule("max_pool2d")
    x = np.array([[[[1, 1], [1, 1]]]], dtype=object)
    x = np.vectorize(sp.Integer, otypes=[object])(x)
    case = {"N": 1, "C": 1, "I_1": 2, "I_2": 2, "K_1": 2, "K_2": 2, "s": 2}
    from symconv.rules.proof import evaluate_backward

    got = evaluate_backward(
        rule.backward_formula("X"),
        rule.definition_formulas,
        {"X": x, "∂J/∂Y": np.array([[[[sp.Integer(1)]]]], dtype=object)},
        case,
    )
    assert got.reshape(-1).tolist() == [1, 0, 0, 0]  # the first entry in row-major order


def test_float_reference_agrees_with_the_generated_forward() -> None:
    """The references and the exported forwards compute the same layers (a sanity check of the
    references themselves)."""
    rng = np.random.default_rng(0)
    from symconv.rules.proof import float_tensors

    for rule in RULES:
        case = rule.cases[0]
        tensors = float_tensors(rule, case, rng)
        expected = float_reference(rule.name)(tensors, case)
        got = rule.export(case).forward(**tensors)
        assert np.allclose(got, expected, rtol=1e-10, atol=1e-12), rule.name
