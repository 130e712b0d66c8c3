"""Algebraic identities at exact points, equations left unverified, and typo diagnoses.

The reference truth of each identity is decided independently: by expanding both sides with
Python fractions at many points (no SymPy), in :func:`holds_numerically`.
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from symconv.check.judges.typos import related_names
from tests.check_keys import judge_document


def holds_numerically(left, right, names, trials=50):
    rng = random.Random(0)
    for _ in range(trials):
        point = {n: Fraction(rng.randint(-30, 30), rng.randint(1, 7)) for n in names}
        try:
            if left(**point) != right(**point):
                return False
        except ZeroDivisionError:
            continue
    return True


# (LaTeX, Python left, Python right, names)
IDENTITIES = [
    (
        r"(a + b)^2 = a^2 + 2ab + b^2",
        lambda a, b: (a + b) ** 2,
        lambda a, b: a * a + 2 * a * b + b * b,
        "ab",
    ),
    (r"(a + b)^2 = a^2 + b^2", lambda a, b: (a + b) ** 2, lambda a, b: a * a + b * b, "ab"),
    (
        r"K + (K-1)(D-1) = (K-1) D + 1",
        lambda K, D: K + (K - 1) * (D - 1),
        lambda K, D: D * (K - 1) + 1,
        "KD",
    ),
    (r"\frac{x^2 - 1}{x - 1} = x + 1", lambda x: (x * x - 1) / (x - 1), lambda x: x + 1, "x"),
    (
        r"\frac{1}{a} + \frac{1}{b} = \frac{a + b}{ab}",
        lambda a, b: 1 / a + 1 / b,
        lambda a, b: (a + b) / (a * b),
        "ab",
    ),
    (
        r"\frac{1}{a} + \frac{1}{b} = \frac{2}{a + b}",
        lambda a, b: 1 / a + 1 / b,
        lambda a, b: 2 / (a + b),
        "ab",
    ),
]


@pytest.mark.parametrize("latex,left,right,names", IDENTITIES)
def test_identities_agree_with_a_fraction_reference(latex, left, right, names):
    (judgement,) = judge_document(f"${latex}$\n")
    truth = holds_numerically(left, right, list(names))
    assert judgement.verdict == ("right" if truth else "wrong"), judgement.message


def test_transcendental_identities():
    doc = (
        "$\\tanh(z) = 2\\sigma(2z) - 1$\n\n$e^{a + b} = e^a e^b$\n\n"
        "$\\log(ab) = \\log a + \\log b$ for $a > 0$ and $b > 0$.\n\n$\\sin^2 x + \\cos^2 x = 2$\n"
    )
    assert [j.verdict for j in judge_document(doc)] == ["right", "right", "right", "wrong"]


def test_a_wrong_identity_shows_the_point_and_both_values():
    (judgement,) = judge_document("$(a + b)^2 = a^2 + b^2$\n")
    assert judgement.witness == "a = 1, b = 1: 2 ≠ 4"  # the written side first


def test_size_formulas_are_tested_at_positive_integers():
    doc = (
        "$\\lceil N/s \\rceil = \\lfloor (N - 1)/s \\rfloor + 1$\n\n"
        "$\\lceil N/s \\rceil = \\lfloor N/s \\rfloor$\n"
    )
    right, wrong = judge_document(doc)
    assert right.verdict == "right"
    assert wrong.verdict == "wrong" and wrong.witness == "N = 3, s = 2: 1 ≠ 2"


def test_an_equation_is_not_an_identity():
    (judgement,) = judge_document("$2x + 1 = 7$\n")
    assert judgement.verdict == "unverified" and "equation in x" in judgement.message


def test_undefined_functions_are_unverified_and_index_identities_evaluated():
    doc = "$g(x) + 1 = g(x) + 1 + 0 \\cdot x$\n\n$y_i + 1 = 1 + y_i$\n\n$y_i + 1 = 1 + y_{i+1}$\n"
    assert [j.verdict for j in judge_document(doc)] == ["unverified", "right", "wrong"]


def test_typo_diagnoses():
    doc = (
        "$z_{11} = w_{11} x_{11} + w_{12} x_{12} = w_{11} x_{11} + x_{12} x_{12}$\n\n"
        "$j_1 + k_1 - k_1 + 1 = j + 1$\n\n"
        "$\\frac{\\Delta t}{\\Delta t^2} = \\frac{1}{\\Delta}$\n\n"
        "$(a - b)(a + b) = a^2 + b^2$\n"
    )
    diagnoses = [j.diagnosis for j in judge_document(doc) if j.verdict == "wrong"]
    assert diagnoses == [
        "probable typo: x_{12} where w_{12} was meant",
        "probable typo: j where j_1 was meant",
        "probable typo: Δ where Δt was meant",
        "probable sign error: a^2 + b^2 where a^2 - b^2 was meant",
    ]


def test_related_names():
    assert related_names("x_{12}", "w_{12}") and not related_names("x_{12}", "w_{21}")
    assert related_names("j", "j_1") and related_names("Delta", "\\Delta t")
    assert not related_names("a", "b") and not related_names("k", "k")


def test_an_inequality_after_for_with_or_a_premise_restricts_the_claims_it_governs() -> None:
    # "For $x > 0$ …", "With $z \le 0$, …": conditions of the sentence's claims, as "if" is;
    # "Assume $x > 0$. Then …": a premise holds for the rest of its paragraph.
    def found(doc: str) -> list[str]:
        return [j.verdict for j in judge_document(doc)]

    assert found("For $x > 0$ ReLU gives $\\max(0, x) = x$.\n") == ["right"]
    assert found("For all $x \\geq 0$ we have $|x| = x$.\n") == ["right"]
    assert found("With $z \\le 0$, $\\max(0, z) = 0$.\n") == ["right"]
    assert found("Assume $x > 0$. Then $\\max(0, x) = x$.\n") == ["right"]
    # the typical mistake is still caught where the condition holds
    assert found("For $x > 0$, $|x| = -x$.\n") == ["wrong"]
    assert found("Assume $x < 0$. Then $\\max(0, x) = x + 1$.\n") == ["wrong"]
    # a premise ends with its paragraph
    assert found("Assume $x > 0$.\n\nThen $\\max(0, x) = x$.\n") == ["wrong"]


def test_an_equality_asked_or_required_is_not_a_claim_and_def_over_it_defines():
    # 2 + 2 \overset{?}{=} 5 asks, w \overset{!}{=} 6 requires: neither says it holds (the
    # question was called wrong); \overset{\text{def}}{=} defines s, used after
    doc = (
        "Is $2 + 2 \\overset{?}{=} 5$? We need $2 + 2 \\stackrel{!}{=} 4$.\n\n"
        "Let $s(x) \\overset{\\text{def}}{=} x^2 + 1$ and $g(x) \\stackrel{\\Delta}{=} 2x$.\n\n"
        "Then $s(2) = 5$, $s(1) = 3$ and $g(3) = 6$.\n\n"
        "$$(2 + 3)^2 \\overset{(a)}{=} 25 \\overset{\\text{(b)}}{=} 24$$\n"
    )
    verdicts = [(j.claim.line, j.verdict) for j in judge_document(doc)]
    assert verdicts == [
        (1, "unverified"),
        (1, "unverified"),
        (5, "right"),
        (5, "wrong"),
        (5, "right"),
        (7, "right"),
        (7, "wrong"),
    ]
    asked = judge_document(doc)[0]
    assert "question" in asked.message


def test_brace_labels_are_notes_and_the_brace_groups_what_it_spans():
    # \underbrace{A}_{label}: the label explains A, it is not part of the formula; the brace
    # groups its content, so \overbrace{2 + 2}^{4} \cdot 3 is 12, not 2 + 2·3
    doc = (
        "$$\\underbrace{2 \\cdot 3}_{\\text{weights}} + \\underbrace{1}_{b} = 7$$\n\n"
        "$$\\overbrace{2 + 2}^{4} \\cdot 3 = 12$$\n\n"
        "$$\\overbrace{2 + 2}^{= 4} \\cdot 3 = 8$$\n"
    )
    assert [j.verdict for j in judge_document(doc)] == ["right", "right", "wrong"]


def test_a_transpose_written_with_a_font_and_a_reason_with_a_reference():
    # ^{\mathsf T} / ^{\mathrm{T}} is ^\top; \text{(by \eqref{eq:1})} is a reason (nested braces)
    doc = (
        "$$\\begin{pmatrix} 1 & 2 \\end{pmatrix}^{\\mathsf T} = "
        "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}$$\n\n"
        "$$\\begin{pmatrix} 1 & 2 \\end{pmatrix}^{\\mathrm{T}} = "
        "\\begin{pmatrix} 2 \\\\ 1 \\end{pmatrix}$$\n\n"
        "$$(2 + 3)^2 = 25 \\qquad \\text{(by \\eqref{eq:1})}$$\n"
    )
    assert [j.verdict for j in judge_document(doc)] == ["right", "wrong", "right"]


def test_a_phantom_row_continues_the_chain_and_a_parenthesised_note_is_words():
    # \phantom{z} &= … sets nothing: the row continues the chain above (it was unread);
    # \quad (\text{with biases}) is a note beside the formula (it read as empty parentheses)
    doc = (
        "$$\\begin{aligned} z &= 2 + 3 \\\\ \\phantom{z} &= 5 \\end{aligned}$$\n\n"
        "$$\\begin{aligned} z &= 2 + 3 \\\\ \\hphantom{z} &= 6 \\end{aligned}$$\n\n"
        "$$73728 + 128 = 73856 \\quad (\\text{with biases})$$\n\n"
        "$$73728 + 128 = 73865 \\quad(\\text{with biases})$$\n"
    )
    judged = [(j.claim.text, j.verdict) for j in judge_document(doc)]
    assert judged == [
        ("2 + 3 = 5", "right"),
        ("2 + 3 = 6", "wrong"),
        ("73728 + 128 = 73856", "right"),
        ("73728 + 128 = 73865", "wrong"),
    ]


def test_align_column_pairs_are_statements_of_their_own():
    # a &= 1 + 2 & b &= 3 + 4: two equations side by side (was read as 1 + 2 & b = 3 + 4)
    doc = (
        "Here $a$, $b$, $c$, $d$ are numbers.\n\n"
        "$$\\begin{aligned} 1 + 2 &= 3 & 3 + 4 &= 7 \\\\ 5 + 6 &= 11 & 7 + 9 &= 15 "
        "\\end{aligned}$$\n"
    )
    judged = [(j.claim.text, j.verdict) for j in judge_document(doc)]
    assert judged == [
        ("1 + 2 = 3", "right"),
        ("3 + 4 = 7", "right"),
        ("5 + 6 = 11", "right"),
        ("7 + 9 = 15", "wrong"),
    ]


def test_a_relation_between_differentials_is_not_a_product_with_a_number_d():
    # \mathrm{d}(x^2) = 2x\,\mathrm{d}x (and 2x\,dx) relates differentials: with a d = 16 of
    # the document's own it was read as 16·x^2 and called wrong
    doc = (
        "Let $d = 16$.\n\n$$\\mathrm{d}(x^2) = 2x\\,\\mathrm{d}x$$\n\n"
        "$$d(x^2) = 2x\\,dx$$\n\n$$\\frac{\\mathrm{d}}{\\mathrm{d}x} x^2 = 2x$$\n"
    )
    judged = judge_document(doc)
    assert [j.verdict for j in judged] == ["unverified", "unverified", "right"]
    assert "differentials" in judged[0].message
