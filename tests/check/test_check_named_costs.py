"""A cost's definition that the sentence names (:mod:`symconv.check.judges.named_costs`): the
standard forms are right, a formula off in a way no convention allows is wrong, any other form
stays unverified; documents written for these tests. Each decided verdict is checked against the
cost computed in plain Python at a few points."""

from __future__ import annotations

import math

import pytest

from tests.check_keys import judge_document


def _judged(text: str, line: int) -> list:
    return [j for j in judge_document(text) if j.claim.line == line]


# (words, formula, verdict, the formula at (y, t) = (0.2, 1.0) with one term, in plain Python)
SQUARED = [
    ("The cost is the squared error:", "J = (y - t)^2", "right", (0.2 - 1.0) ** 2),
    ("The cost is the squared error:", "J = \\frac{1}{2}(t - y)^2", "right", 0.5 * 0.8**2),
    ("We take one-half the squared error as loss:", "L = \\frac{1}{2}(y - t)^2", "right", 0.32),
    ("We take one-half the squared error as loss:", "L = (y - t)^2", "wrong", 0.64),
    ("We use the (one-half) squared error:", "E = \\frac{1}{2}(y - t)", "wrong", -0.4),
    ("The loss is the squared error:", "L = 2 (y - t)^2", "wrong", 1.28),
]


@pytest.mark.parametrize("words,formula,verdict,value", SQUARED)
def test_a_squared_error_by_its_name(words, formula, verdict, value):
    (judgement,) = _judged(f"{words}\n\n$${formula}$$\n", 3)
    assert judgement.verdict == verdict, judgement.message
    # the plain-Python value against the squared error (or its half) at the same point
    conventional = {(0.2 - 1.0) ** 2, 0.5 * (0.2 - 1.0) ** 2}
    if "half" in words:
        conventional = {0.5 * (0.2 - 1.0) ** 2}
    assert any(math.isclose(value, c) for c in conventional) == (verdict == "right")


@pytest.mark.parametrize(
    "formula,verdict",
    [
        ("E = \\frac{1}{n}\\sum_{i=1}^{n} (y_i - t_i)^2", "right"),
        ("E = \\frac{1}{2n}\\sum_{i=1}^{n} (y_i - t_i)^2", "right"),
        ("E = \\sum_{i=1}^{n} (y_i - t_i)^2", "wrong"),  # the mean without its 1/n
        ("E = \\frac{1}{n}\\sum_{i} (y_i - t_i)^2", "unverified"),  # n terms? not stated
    ],
)
def test_a_mean_squared_error(formula, verdict):
    (judgement,) = _judged(f"The mean squared error:\n\n$${formula}$$\n", 3)
    assert judgement.verdict == verdict, judgement.message


def test_a_norm_squared_is_a_squared_error():
    (judgement,) = _judged("The loss is the squared error:\n\n$$L = \\frac12\\|y - t\\|^2$$\n", 3)
    assert judgement.verdict == "right"


def _cross_entropy(t: float, y: float, minus: bool) -> float:
    value = t * math.log(y) + (1 - t) * math.log(1 - y)
    return -value if minus else value


@pytest.mark.parametrize(
    "formula,minus",
    [
        ("L = -(t \\log y + (1 - t)\\log(1 - y))", True),
        ("L = -t\\log y - (1 - t)\\log(1 - y)", True),
        ("L = t \\log y + (1 - t)\\log(1 - y)", False),
    ],
)
def test_a_binary_cross_entropy_by_its_name(formula, minus):
    (judgement,) = _judged(f"The loss is the binary cross-entropy:\n\n$${formula}$$\n", 3)
    assert judgement.verdict == ("right" if minus else "wrong"), judgement.message
    # never negative for t in [0, 1], y in (0, 1) exactly when the minus sign is there
    values = [_cross_entropy(t, y, minus) for t in (0.0, 0.3, 1.0) for y in (0.1, 0.5, 0.9)]
    assert all(v >= 0 for v in values) == minus
    if not minus:
        assert "minus sign" in judgement.message and "never negative" in judgement.witness


@pytest.mark.parametrize(
    "formula,verdict",
    [
        ("L = -\\sum_k t_k \\log y_k", "right"),
        ("L = -\\frac{1}{N}\\sum_{k=1}^{N} t_k \\log y_k", "right"),
        ("L = \\sum_k t_k \\log y_k", "wrong"),
        ("L = -\\sum_k \\log y_k", "unverified"),  # no target: not this form
        ("L = -\\frac{1}{3}\\sum_{k} t_k \\log y_k", "unverified"),  # a mean over how many?
    ],
)
def test_a_categorical_cross_entropy(formula, verdict):
    (judgement,) = _judged(f"We minimise the cross-entropy:\n\n$${formula}$$\n", 3)
    assert judgement.verdict == verdict, judgement.message


@pytest.mark.parametrize(
    "text",
    [
        # the sentence names two costs: which one is the formula?
        "Unlike the squared error, the cross-entropy is\n\n$$L = (y - t)$$\n",
        # the name defined is no cost's
        "We fit the squared error with\n\n$$\\hat{y} = w x + b$$\n",
        # no cost named
        "The loss is\n\n$$L = (y - t)$$\n",
    ],
)
def test_no_named_cost_no_verdict_from_the_name(text):
    assert all(j.verdict != "wrong" for j in judge_document(text))


def test_a_cost_with_another_term_is_not_compared():
    """Weight decay added to the squared error: not the named form, unverified."""
    text = (
        "The cost is the squared error plus weight decay:\n\n"
        "$$J = \\frac12 (y - t)^2 + \\frac{\\lambda}{2} w^2$$\n"
    )
    (judgement,) = _judged(text, 3)
    assert judgement.verdict == "unverified"


def test_a_named_cost_is_still_a_definition_for_later_lines():
    text = (
        "We define the cost as the (one-half) squared error:\n\n"
        "$$E = \\frac{1}{2}(t - o)^2$$\n\n"
        "$$\\frac{\\partial E}{\\partial o} = o - t$$\n"
    )
    verdicts = {j.claim.line: j.verdict for j in judge_document(text)}
    assert verdicts == {3: "right", 5: "right"}
