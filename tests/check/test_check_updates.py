"""Update rules (``w ← w − η ∂L/∂w``): read in every way people write them, judged as the
gradient-descent step — right when the step is exactly the parameter minus a step size times the
objective's derivative with respect to that same parameter, wrong with a witness when the sign
climbs the gradient the text minimises or the derivative is with respect to another parameter,
unverified otherwise."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from symconv.check.api import check
from symconv.check.model import Judgement


def update_judgements(document: str) -> list[Judgement]:
    return [j for j in check(document).judgements if j.claim.kind == "update"]


@dataclass(frozen=True)
class Case:
    name: str
    document: str
    verdict: str
    shows: str  # a part of the message (right, unverified) or the witness (wrong)


MINIMISE = "We train by minimising the cost with gradient descent.\n\n"
MAXIMISE = "We fit the model by maximising the log-likelihood $\\ell$.\n\n"

CASES = [
    # right: the step written every way
    Case("leftarrow", MINIMISE + "$$\\theta \\leftarrow \\theta - \\alpha "
         "\\frac{\\partial C}{\\partial \\theta}$$\n", "right", "gradient-descent step"),
    Case("gets and a bold name", "Then $\\mathbf{v} \\gets \\mathbf{v} - \\lambda "
         "\\frac{\\partial E}{\\partial \\mathbf{v}}$.\n", "right", "gradient-descent step"),
    Case("coloneqq", "$$u \\coloneqq u - 0.05 \\, \\frac{\\partial R}{\\partial u}$$\n", "right",
         "minus the step 1/20"),
    Case("minus-equals", "In place: $q \\mathrel{-}= \\mu \\nabla_q G$.\n", "right",
         "derivative of G with respect to q"),
    Case("assignment written with =", MINIMISE + "$$V^{[2]}_{mn} = V^{[2]}_{mn} - \\gamma "
         "\\frac{\\partial}{\\partial V^{[2]}_{mn}} E(V)$$\n", "right", "gradient-descent step"),
    Case("layer superscript two ways", "$$U^k_{rs} = U^k_{rs} - \\gamma \\frac{\\partial Q}"
         "{\\partial U^{(k)}_{rs}}$$\n", "right", "gradient-descent step"),
    Case("iteration", "$$x_{t+1} = x_t - \\beta \\nabla g(x_t)$$\n", "right", "gradient of g"),
    Case("nabla with its variable", "$$\\phi := \\phi - \\epsilon \\nabla_{\\phi} "
         "H(\\phi)$$\n", "right", "gradient-descent step"),
    Case("ascent where the text maximises", MAXIMISE + "$$\\psi \\leftarrow \\psi + \\rho "
         "\\frac{\\partial \\ell}{\\partial \\psi}$$\n", "right", "gradient-ascent step"),
    Case("step over a batch size", "$$k \\leftarrow k - \\frac{\\nu}{m} \\frac{\\partial S}"
         "{\\partial k}$$\n", "right", "gradient-descent step"),
    # wrong: with a witness
    Case("plus while minimising", MINIMISE + "$$\\theta \\leftarrow \\theta + \\alpha "
         "\\frac{\\partial C}{\\partial \\theta}$$\n", "wrong", "L grows from 1/2 to 9/8"),
    Case("minus while maximising", MAXIMISE + "$$\\psi \\leftarrow \\psi - \\rho "
         "\\frac{\\partial \\ell}{\\partial \\psi}$$\n", "wrong", "L falls from −1/2 to −9/8"),
    Case("derivative with respect to another parameter", MINIMISE + "$$a \\leftarrow a - "
         "\\alpha \\frac{\\partial C}{\\partial c}$$\n", "wrong", "∂L/∂c = 0, so a does not move"),
    # unverified: with a reason
    Case("plus without words", "$$\\theta \\leftarrow \\theta + \\alpha "
         "\\frac{\\partial C}{\\partial \\theta}$$\n", "unverified", "gradient ascent"),
    Case("momentum", "$$\\theta \\leftarrow \\theta - \\alpha \\frac{\\partial C}"
         "{\\partial \\theta} + \\beta m$$\n", "unverified", "not a step times one derivative"),
    Case("nabla without a variable", "$$\\theta \\leftarrow \\theta - \\alpha \\nabla C$$\n",
         "unverified", "does not say with respect to what"),
    Case("same letter, other indices", "$$V_{mn} \\leftarrow V_{mn} - \\gamma "
         "\\frac{\\partial E}{\\partial V_{nm}}$$\n", "unverified", "the same parameter only if"),
    Case("coefficient of unknown sign", "$$r \\leftarrow r - (\\alpha - \\beta) "
         "\\frac{\\partial C}{\\partial r}$$\n", "unverified", "not a step size"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_update_rules_are_judged_as_the_gradient_step(case: Case):
    (judgement,) = update_judgements(case.document)
    assert judgement.verdict == case.verdict, judgement.message
    shown = judgement.witness if case.verdict == "wrong" else judgement.message
    assert case.shows in (shown or ""), shown


def test_a_wrong_step_says_what_it_should_be():
    (judgement,) = update_judgements(
        MINIMISE + "$$a \\leftarrow a + \\alpha \\frac{\\partial C}{\\partial a}$$\n"
    )
    assert judgement.expected_latex == "a = a - \\alpha \\frac{\\partial C}{\\partial a}"


def test_two_updates_in_one_display_are_two_claims():
    document = (
        "$$W \\leftarrow W - \\eta \\frac{\\partial L}{\\partial W}, \\quad "
        "c \\leftarrow c - \\eta \\frac{\\partial L}{\\partial c}$$\n"
    )
    judgements = update_judgements(document)
    assert [j.verdict for j in judgements] == ["right", "right"]
    assert {j.claim.text for j in judgements} == {
        "W \\leftarrow W - \\eta \\frac{\\partial L}{\\partial W}",
        "c \\leftarrow c - \\eta \\frac{\\partial L}{\\partial c}",
    }


def test_rows_of_an_aligned_block_are_read_one_by_one():
    document = (
        "$$\n\\begin{aligned}\nW &\\leftarrow W - \\eta \\frac{\\partial L}{\\partial W} \\\\\n"
        "c &\\leftarrow c + \\eta \\frac{\\partial L}{\\partial c}\n\\end{aligned}\n$$\n"
    )
    judgements = update_judgements("We minimise L.\n\n" + document)
    assert [(j.claim.line, j.verdict) for j in judgements] == [(5, "right"), (6, "wrong")]


def test_an_assignment_that_differentiates_nothing_is_no_update():
    assert update_judgements("$$h \\leftarrow h \\cdot g$$\n") == []
    assert update_judgements("$$a = a + 0$$\n") == []


def test_a_self_referential_update_defines_nothing_for_later_lines():
    """``w = w − η ∂L/∂w`` is a claim, not what ``w`` is: a later line that uses ``w`` is not
    rewritten through it."""
    document = (
        "$$w = w - \\eta \\frac{\\partial L}{\\partial w}$$\n\nWith $w = 2$ we get $3 w = 6$.\n"
    )
    report = check(document)
    verdicts = {(j.claim.line, j.claim.kind): j.verdict for j in report.judgements}
    assert verdicts[(1, "update")] == "right"
    assert "wrong" not in verdicts.values()


def test_the_change_of_a_parameter_written_alone():
    """``Δw = −η ∂E/∂w``: the update as the change it makes."""
    right_form = "$$\\Delta w_{ij} = -\\eta \\frac{\\partial E}{\\partial w_{ij}}$$\n"
    (right,) = update_judgements(MINIMISE + right_form)
    assert right.verdict == "right"
    (climbing,) = update_judgements(MINIMISE + right_form.replace("-\\eta", "\\eta"))
    assert climbing.verdict == "wrong"
    assert (
        climbing.expected_latex == "\\Delta w_{ij} = -\\eta \\frac{\\partial E}{\\partial w_{ij}}"
    )


def test_an_iteration_written_with_superscripts():
    document = "$$\\mathbf{w}^{(k+1)} = \\mathbf{w}^{(k)} - \\eta \\nabla E(\\mathbf{w}^{(k)})$$\n"
    (judgement,) = update_judgements(document)
    assert judgement.verdict == "right"
    assert "the gradient of E at w^{(k)}" in judgement.message
    (elsewhere,) = update_judgements(document.replace("E(\\mathbf{w}^{(k)})", "E(\\mathbf{v})"))
    assert elsewhere.verdict == "unverified"


def test_a_likelihood_maximised_elsewhere_says_nothing_of_the_loss_minimised_here():
    document = (
        "We maximise the likelihood of the data. Equivalently, we train on the negative "
        "log-likelihood $N$.\n\n$$w \\leftarrow w - \\eta \\frac{\\partial N}{\\partial w}$$\n"
    )
    (judgement,) = update_judgements(document)
    assert judgement.verdict == "right"
    tied = document.replace("We maximise the likelihood of the data.", "We maximise $N$.")
    (judgement,) = update_judgements(tied)
    assert judgement.verdict == "wrong"


def test_a_chain_rule_written_into_the_update_is_not_another_parameter():
    """``w ← w − η x ∂L/∂z`` is ∂L/∂w = x ∂L/∂z for z = w x: not a step times ∂L/∂z."""
    document = MINIMISE + "$$w \\leftarrow w - \\eta x \\frac{\\partial L}{\\partial z}$$\n"
    (judgement,) = update_judgements(document)
    assert judgement.verdict == "unverified"
    assert "not a step size" in judgement.message
