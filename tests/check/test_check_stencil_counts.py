"""Counts of stencil points stated in words: confirmed when they are the engine's counts, caught
with a witness when no reading of "points" makes them true, unverified when the sentence leaves
the kind, the derivative or the order open (or only bounds, denies or supposes a count).

The documents are written here (no corpus text); each verdict is asserted on the sentence's
line. The counts themselves are checked against solved stencils in
``tests/stencils/test_stencil_points.py``.
"""

from __future__ import annotations

import pytest

from symconv.check.model import Judgement
from symconv.check.runner import check_text


def _on(doc: str, line: int, kind: str = "md") -> list[Judgement]:
    return [
        j for j in check_text(doc, kind=kind).judgements if j.claim.line <= line <= j.claim.end_line
    ]


def _verdict(doc: str, line: int, kind: str = "md") -> str | None:
    found = [j for j in _on(doc, line, kind) if j.claim.kind == "fact"]
    assert len(found) <= 1, found
    return found[0].verdict if found else None


RIGHT = [
    "A centred stencil for the $p$th derivative with error $O(h^n)$ has "
    "$2\\lfloor (p+1)/2 \\rfloor - 1 + n$ points.",
    "A central difference approximation of the second derivative accurate to $O(h^4)$ needs a "
    "five-point stencil.",
    "For the first derivative, a forward difference accurate to second order uses 3 points.",
    "A backward stencil for the $p$th derivative with error $O(h^n)$ has $p+n$ points.",
    "A centred stencil of order $O(h^{n})$ for the first derivative has $n+1$ points.",
    "The 3-point central stencil for the second derivative is second-order accurate.",
    "The centered difference for $f'$ with error $O(\\Delta x^2)$ uses two points.",
    "With centred differences, the second derivative needs the same number of points as the "
    "first derivative.",
    "With forward differences, the second derivative needs one more point than the first "
    "derivative.",
    "A one-sided approximation of the third derivative accurate to $O(h^{2})$ requires a stencil "
    "of size 5.",
]


@pytest.mark.parametrize("sentence", RIGHT)
def test_true_counts_are_confirmed(sentence):
    assert _verdict(f"Some notes.\n\n{sentence}\n", 3) == "right"


WRONG = [
    (
        "The centered approximation of $f'$ to $O(h^n)$ requires $2n+1$ grid points.",
        "n = 2: 3 points (2 of them with a nonzero weight), not 5",
    ),
    (
        "A forward difference for the second derivative accurate to $O(h^2)$ needs 3 points.",
        "4 points, not 3",
    ),
    ("A 5-point centred stencil for the first derivative is second-order accurate.", None),
    (
        "With forward differences, the second derivative needs the same number of points as "
        "the first derivative.",
        "with error O(h^1): 3 points, and 2 for the first derivative",
    ),
    (
        "A backward stencil for the $p$th derivative with error $O(h^n)$ has $p+n-1$ points.",
        "n = 1, p = 1: 2 points, not 1",
    ),
]


@pytest.mark.parametrize(("sentence", "witness"), WRONG)
def test_false_counts_are_caught_with_a_witness(sentence, witness):
    (judgement,) = [j for j in _on(f"Some notes.\n\n{sentence}\n", 3) if j.claim.kind == "fact"]
    assert judgement.verdict == "wrong", judgement.message
    assert judgement.witness
    if witness is not None:
        assert judgement.witness == witness


UNDECIDED = [
    # right for odd p; for even p only a staggered stencil has p + n points
    "A centred stencil for the $p$th derivative with error $O(h^n)$ has $p+n$ points.",
    # no kind of difference
    "A stencil for the first derivative to $O(h^4)$ needs 5 points.",
    # no order of accuracy
    "A centred stencil for the first derivative has 5 points.",
    # only a staggered stencil has 4 points for the second derivative at second order
    "A centred stencil for the second derivative with error $O(h^2)$ has 4 points.",
    # a bound, a possibility, a denial
    "A centred first-derivative stencil to $O(h^4)$ needs at least 3 points.",
    "The forward first derivative to $O(h^2)$ can be computed with 7 points.",
    "A centred stencil for the first derivative to $O(h^4)$ does not have 9 points.",
]


@pytest.mark.parametrize("sentence", UNDECIDED)
def test_counts_the_sentence_does_not_fix_stay_unverified(sentence):
    assert _verdict(f"Some notes.\n\n{sentence}\n", 3) == "unverified"


@pytest.mark.parametrize(
    "sentence",
    [
        "How many points does a centred stencil for the second derivative to $O(h^4)$ need?",
        "We want a forward stencil of 4 points for the first derivative to $O(h^3)$.",
        "Consider a centred 7-point stencil for the second derivative to $O(h^2)$.",
    ],
)
def test_questions_intents_and_premises_are_not_claims(sentence):
    assert _verdict(f"Some notes.\n\n{sentence}\n", 3) is None


def test_the_kind_comes_from_the_section_and_the_task_from_the_sentence_before():
    doc = (
        "## Forward differences\n\n"
        "We now build the approximation of the first derivative to $O(h^4)$. "
        "This requires a stencil of 5 points.\n\n"
        "## Centred differences\n\n"
        "We now build the approximation of the first derivative to $O(h^4)$. "
        "This requires a stencil of 7 points.\n"
    )
    assert _verdict(doc, 3) == "right"
    wrong = [j for j in _on(doc, 7) if j.claim.kind == "fact"]
    assert [j.verdict for j in wrong] == ["wrong"]
    assert wrong[0].witness == "5 points (4 of them with a nonzero weight), not 7"


def test_a_sentence_that_does_not_point_back_does_not_inherit_the_order():
    doc = (
        "## Forward differences\n\n"
        "We now build the approximation of the first derivative to $O(h^4)$.\n\n"
        "A stencil for the second derivative has 4 points.\n"
    )
    assert _verdict(doc, 5) == "unverified"


def test_a_count_relative_to_the_stencil_written_above():
    doc = (
        "\\subsection{Forward differences}\n\n"
        "\\begin{equation}\n"
        "\\partial_x u_k = \\frac{-3u_{k} + 4u_{k+1} - u_{k+2}}{2h} + \\mathcal{O}(h^2)\n"
        "\\end{equation}\n\n"
        "For the second derivative with the same accuracy we would need a stencil larger than "
        "the one we use by 1.\n\n"
        "For the third derivative with the same accuracy we would need one more point than the "
        "stencil we use.\n"
    )
    (right,) = [j for j in _on(doc, 7, "tex") if j.claim.kind == "fact"]
    assert right.verdict == "right"
    assert "one more than the 3 of the stencil on line 4" in right.message
    (caught,) = [j for j in _on(doc, 9, "tex") if j.claim.kind == "fact"]
    assert caught.verdict == "wrong"
    assert caught.witness == "5 points, not 4"


def test_the_order_term_of_a_count_is_not_left_as_a_claim_of_its_own():
    doc = "Notes.\n\nA centred stencil for the first derivative to $O(h^4)$ has 5 points.\n"
    kinds = [j.claim.kind for j in check_text(doc).judgements]
    assert kinds == ["fact"]


@pytest.mark.parametrize(
    "doc",
    [
        # true of the 2-D five-point Laplacian, false of a 1-D stencil
        "Notes.\n\nThe 2D Laplacian uses a 5-point central stencil, second-order accurate for the "
        "second derivatives.\n",
        "## Poisson equation in two dimensions\n\nThe central stencil for the second derivative "
        "to $O(h^2)$ has 5 points.\n",
        "Notes.\n\nA centred stencil for $\\frac{\\partial^2 u}{\\partial x \\partial y}$ to "
        "$O(h^2)$ has 9 points.\n",
        # true of compact (Padé) schemes
        "Notes.\n\nThe compact fourth-order central scheme for the first derivative uses a "
        "3-point stencil.\n",
        # "second derivatives": several variables
        "Notes.\n\nWe discretise the equation with the five-point central stencil, second-order "
        "accurate for the second derivatives.\n",
        # a count beside two derivatives: the three points are the first-order second derivative's
        "Notes.\n\nThe forward second derivative uses the same three points as the second-order "
        "forward first derivative.\n",
        # an odd order for a centred stencil: the order is likely the derivative's
        "Notes.\n\nThe first-order central difference for $f'$ uses 3 points.\n",
        # a time-stepping method, not a stencil
        "Notes.\n\nThe forward Euler method for $y' = f(y)$ is first-order accurate for the first "
        "derivative and uses three points.\n",
    ],
)
def test_other_dimensions_and_schemes_are_left_unverified(doc):
    verdicts = [j.verdict for j in check_text(doc).judgements]
    assert verdicts == ["unverified"]


def test_points_in_other_prose_are_no_claim():
    doc = "Notes.\n\nThe receptive field covers 9 points after two layers of forward passes.\n"
    assert [j for j in check_text(doc).judgements if j.claim.kind == "fact"] == []


def test_a_count_that_goes_on_from_the_display_before_it():
    doc = (
        "## Centred differences\n\n"
        "For the second derivative we have\n"
        "$$f''(x_i) = \\frac{f_{i+1} - 2f_i + f_{i-1}}{h^2} + O(h^2),$$\n"
        "a three-point stencil.\n\n"
        "For the first derivative we have\n"
        "$$f'(x_i) = \\frac{f_{i+1} - f_{i-1}}{2h} + O(h^2),$$\n"
        "a five-point stencil.\n"
    )
    facts = {j.claim.line: j.verdict for j in check_text(doc).judgements if j.claim.kind == "fact"}
    assert facts == {5: "right", 9: "wrong"}


def test_someone_elses_claim_is_not_the_writers():
    doc = (
        "Notes.\n\nA student might claim that the fourth-order central stencil for $f''$ needs "
        "seven points.\n\nThe central stencil for $f'$ to $O(h^2)$ is wrongly said to need 5 "
        "points.\n"
    )
    assert all(j.verdict != "wrong" for j in check_text(doc).judgements)


def test_an_order_term_after_derivative_of_order_is_the_accuracy():
    doc = (
        "Notes.\n\nIn general, a central difference for the $m$-th derivative of order $O(h^p)$ "
        "needs $2\\lfloor (m+1)/2 \\rfloor - 1 + p$ points.\n"
    )
    assert [j.verdict for j in check_text(doc).judgements] == ["right"]
