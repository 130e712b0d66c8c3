"""The document context: earlier definitions carried into later claims, errors carried forward
(reported once), contradictions with an earlier line, sections, and the problem's values.

Decision (also in symconv.check.context): a claim computed correctly from an earlier wrong value
is ``right`` with the warning "consistent with your line N (error carried forward)"; the error
itself is ``wrong`` once, on line N.
"""

from __future__ import annotations

import sympy as sp

from symconv.check.context import DocumentContext
from tests.check_keys import judge_document, verdicts


def by_line(judgements):
    return {(j.claim.line, j.claim.text): j for j in judgements}


def test_an_earlier_definition_is_used_later():
    assert verdicts("Let $N = 28$ and $K = 5$.\n\n$N - K + 1 = 24$\n\n$N - K + 1 = 23$\n") == [
        (3, "algebra", "right"),
        (5, "algebra", "wrong"),
    ]


def test_error_carried_forward_is_reported_once():
    judgements = judge_document("$P = (5 - 1)/2 = 3$\n\n$28 + 2P - 5 + 1 = 30$\n")
    first, second = judgements
    assert (first.verdict, first.expected_latex) == ("wrong", "2")
    assert second.verdict == "right"
    assert second.warnings == ("consistent with your line 1 (error carried forward)",)
    assert DocumentContext.carried_from(second) == [1]


def test_error_carried_forward_without_a_name_a_distinctive_number_reused():
    judgements = judge_document(
        "$3 \\times 3 \\times 10 \\times 20 + 20 = 1830$\n\n"
        "$1830 \\times 2 = 3660$\n\n$20 + 1 = 21$\n"
    )
    assert [j.verdict for j in judgements] == ["wrong", "right", "right"]
    assert judgements[1].warnings == ("consistent with your line 1 (error carried forward)",)
    assert judgements[2].warnings == ()  # 20 is not the wrong result


def test_error_carried_forward_along_a_chain():
    judgements = judge_document(
        "$$\n\\begin{aligned}\na &= 3 \\times 4 \\\\\n"
        "  &= 13 \\\\\n  &= 10 + 3\n\\end{aligned}\n$$\n"
    )
    assert [(j.claim.line, j.verdict) for j in judgements] == [(4, "wrong"), (5, "right")]
    assert judgements[1].warnings == ("consistent with your line 4 (error carried forward)",)


def test_a_right_computation_from_a_right_value_has_no_warning():
    (first, second) = judge_document("$P = (5 - 1)/2 = 2$\n\n$28 + 2P - 5 + 1 = 28$\n")
    assert (first.verdict, second.verdict, second.warnings) == ("right", "right", ())


def test_a_kernel_that_contradicts_the_stencil_above_names_its_line():
    doc = "$$f''(x) \\approx f(x+1) - 2f(x) + f(x-1)$$\n\nso $w = [1, 2, 1]$.\n"
    stencil, kernel = judge_document(doc)
    assert stencil.verdict == "right"
    assert kernel.verdict == "wrong" and "disagrees with line 1" in kernel.message
    assert kernel.witness == "f ≡ 1: 4 ≠ 0"


def test_a_kernel_consistent_with_a_wrong_stencil_carries_the_error():
    doc = "$$f''(x) \\approx f(x+1) + 2f(x) + f(x-1)$$\n\nso $w = [1, 2, 1]$.\n"
    stencil, kernel = judge_document(doc)
    assert stencil.verdict == "wrong"
    assert kernel.verdict == "right"
    assert kernel.warnings == ("consistent with your line 1 (error carried forward)",)


def test_definitions_stay_in_their_section():
    doc = (
        "## 1\n\nwith $h = 1$, $x''(t) \\approx x(t+1) - 2x(t) + x(t-1)$.\n\n"
        "## 2\n\n$\\frac{f(x+h) - f(x)}{h} \\approx f'(x)$\n"
    )
    assert [v for _, _, v in verdicts(doc)] == ["right", "right"]  # h is a step again in 2


def test_a_name_redefined_by_an_answer_is_not_judged_against_its_old_value():
    doc = (
        "## 5\n\n### (a)\n\n$\\mathbf{y} = [1, 3, 0, 1]$\n\n"
        "### (b)\n\n$\\mathbf{y} = [2, 3, 10, 1]$\n"
    )
    assert [v for _, _, v in verdicts(doc)] == ["unverified", "unverified"]


def test_an_assumption_holds_for_its_whole_sentence():
    doc = (
        "$\\frac{\\partial y_i}{\\partial z_j} = -y_i y_j$ for $i \\neq j$, "
        "with $y = \\mathrm{softmax}(z)$.\n"
    )
    assert verdicts(doc) == [(1, "derivative", "right")]


def test_the_problems_values_decide_entries_and_shapes():
    given = {"Z": sp.Matrix([[1, 2, 3], [4, 5, 6]])}
    doc = "$Z$ is $2 \\times 3$.\n\n$Z[1, 2] = 6$ and $Z[0, 0] = 0$.\n\n$Z$ is $3 \\times 2$.\n"
    assert [v for _, _, v in verdicts(doc, given=given)] == ["right", "right", "wrong", "wrong"]


def test_document_functions_replace_the_conventional_meaning():
    doc = "Here $\\sigma(z) = \\max(0, z)$.\n\n$\\sigma'(z) = 1$ for $z > 0$.\n"
    judgements = judge_document(doc)
    assert [j.verdict for j in judgements] == ["unverified", "right"]
