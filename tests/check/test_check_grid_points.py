"""A function evaluated at grid points beside its samples (``f'(x_i) ≈ (f_{i+1} − f_{i-1})/2h``):
read on a uniform grid, ``x_{i+k} = x_i + kh`` and ``f_{i+k} = f(x_{i+k})``, so that true
approximations are confirmed and wrong ones caught (before, the samples and the function were
unrelated names, and a true line was called wrong)."""

from __future__ import annotations

import pytest

from symconv.check.runner import check_text

CASES = [
    ("f'(x_i) \\approx \\frac{f_{i+1} - f_{i-1}}{2h}", "right"),
    ("f'(x_i) \\approx \\frac{f_{i+1} - f_{i-1}}{h}", "wrong"),
    ("f''(x_i) = \\frac{f_{i+1} - 2f_i + f_{i-1}}{h^2} + O(h^2)", "right"),
    ("f''(x_i) = \\frac{f_{i+1} - 2f_i + f_{i-1}}{2h^2} + O(h^2)", "wrong"),
    ("f(x_{i+1}) = f(x_i) + h f'(x_i) + \\frac{h^2}{2} f''(x_i) + O(h^3)", "right"),
    ("f(x_{i-1}) = f(x_i) + h f'(x_i) + O(h^2)", "wrong"),
    ("u'(x_j) \\approx \\frac{u_{j+1} - u_{j}}{\\Delta x}", "right"),
    ("u'(x_j) = \\frac{-3u_{j} + 4u_{j+1} - u_{j+2}}{2\\Delta x} + O(\\Delta x^2)", "right"),
    # a sample of a derivative: primes on the sampled name
    ("f'_i = \\frac{f_{i+1} - f_{i-1}}{2h} + O(h^2)", "right"),
    ("u''_j \\approx \\frac{u_{j+1} - 2u_j + u_{j-1}}{h^2}", "right"),
    ("u''_j \\approx \\frac{u_{j+1} - u_j + u_{j-1}}{h^2}", "wrong"),
    ("f'_{i+1} \\approx \\frac{f_{i+2} - f_{i}}{2h}", "right"),
]


@pytest.mark.parametrize(("formula", "verdict"), CASES)
def test_functions_at_grid_points_beside_their_samples(formula, verdict):
    (judgement,) = check_text(f"Notes.\n\n$${formula}$$\n").judgements
    assert judgement.verdict == verdict, judgement.message


def test_entries_of_something_not_evaluated_as_a_function_are_left_alone():
    # w_{i+1} is not a sample of f: the link is not read on a grid
    doc = "Notes.\n\n$$f'(x_i) \\approx \\frac{w_{i+1} - w_{i-1}}{2h}$$\n"
    assert [j.verdict for j in check_text(doc).judgements] != ["right"]


@pytest.mark.parametrize(
    "formula",
    [
        "u'_j \\approx \\frac{1}{h}\\left(a u_{j-2} + b u_{j-1} + c u_j\\right)",
        "\\partial_x u_j \\approx \\frac{1}{h}\\left(a u_{j-2} + b u_{j-1} + c u_j\\right)",
        "f'(x) \\approx \\frac{a f(x+h) + b f(x)}{h}",
        "f''(x) = \\frac{\\alpha f(x-h) + \\beta f(x) + \\gamma f(x+h)}{h^2} + O(h^2)",
    ],
)
def test_an_ansatz_with_unknown_weights_is_not_wrong(formula):
    (judgement,) = check_text(f"We look for weights with\n\n$${formula}$$\n").judgements
    assert judgement.verdict == "unverified"
    assert "ansatz with unknown weights" in judgement.message


def test_an_ansatz_no_weights_can_satisfy_is_wrong():
    doc = "We look for weights with\n\n$$f'(x) \\approx \\frac{a f(x)}{h}$$\n"
    assert [j.verdict for j in check_text(doc).judgements] == ["wrong"]


def test_unknowns_on_both_sides_are_an_identity_in_them_not_an_ansatz():
    # the Taylor expansion of a weighted sum, with a sign slip in the constant term
    doc = "$$a f(x-h) + b f(x+h) = (b - a) f(x) + (b - a) h f'(x) + O(h^2)$$\n"
    assert [j.verdict for j in check_text(doc).judgements] == ["wrong"]
