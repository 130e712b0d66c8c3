"""Activations said in words (:mod:`symconv.check.activation_words`) and the chain rule through
them: documents written for these tests, a right product, a product at the wrong entry, and
what the words do not settle."""

from __future__ import annotations

import pytest

from symconv.check.activation_words import activations_in_words
from symconv.check.markdown import split_document
from symconv.check.parser import parse_math
from tests.check_keys import judge_document


def _said(text: str) -> list[tuple[str, str, int]]:
    segments = split_document(text)
    parses = {}
    for k, segment in enumerate(segments):
        if segment.kind == "math":
            parses[k] = parse_math(segment.text)
    return [(a.output, a.input, a.rank) for a in activations_in_words(segments, parses)]


@pytest.mark.parametrize(
    "text,said",
    [
        # a dictionary: one unit's input and its activation
        (
            "* $u^{(k)}_{p}$ — the weighted input to neuron $p$ in layer $k$\n"
            "* $v^{(k)}_{p}$ — the activation of neuron $p$ in layer $k$\n",
            [("v^{(k)}", "u^{(k)}", 1)],
        ),
        (
            "* $s^{(k)}$: value of the node **before** application of the activation function\n"
            "* $o^{(k)}$: value of the node **after** application of the activation function\n",
            [("o^{(k)}", "s^{(k)}", 0)],
        ),
        # one sentence
        ("Here $h_{p}$ is $g_{p}$ passed through the activation function.\n", [("h", "g", 1)]),
        ("We note that $o$ is the activation of $s$.\n", [("o", "s", 0)]),
        ("The map $h$ is obtained by applying $\\sigma$ to each entry of $u$.\n", [("h", "u", 0)]),
        ("Applying the activation function element-wise to $u$ gives $h$.\n", [("h", "u", 0)]),
        (
            "where $u$ is the input to layer $k$ and $v$ is the same input passed through the "
            "activation function.\n",
            [("v", "u", 0)],
        ),
    ],
)
def test_activations_read_from_words(text, said):
    assert _said(text) == said


@pytest.mark.parametrize(
    "text",
    [
        # two inputs at one layer: which one is the activation's?
        "* $u_{p}$ — the input to unit $p$\n* $r_{p}$ — the net input to unit $p$\n"
        "* $v_{p}$ — the activation of unit $p$\n",
        # an activation with no input described
        "* $v_{p}$ — the activation of unit $p$\n* $w_{p}$ — a weight\n",
        # different layers
        "* $u^{(k)}_{p}$ — the input to unit $p$\n* $v^{(k+1)}_{p}$ — the activation of unit $p$\n",
        # a function of, not an activation
        "Here $h$ is a function of $u$.\n",
        # softmax anywhere: an activation whose entries read the whole vector
        "* $u_{p}$ — the input to unit $p$\n* $v_{p}$ — the activation of unit $p$\n\n"
        "The last layer is a softmax.\n",
        # applied, but not entry by entry
        "The map $h$ is obtained by applying $\\sigma$ to $u$.\n",
    ],
)
def test_no_activation_without_words_that_say_it(text):
    assert _said(text) == []


DICTIONARY = (
    "* $u^{(k)}_{p}$ — the weighted input to neuron $p$ in layer $k$\n"
    "* $v^{(k)}_{p}$ — the activation of neuron $p$ in layer $k$\n\n"
    "$$\\frac{\\partial C}{\\partial u^{(k)}_{p}} = {claim}$$\n"
)


@pytest.mark.parametrize(
    "claim,verdict",
    [
        (
            "\\frac{\\partial C}{\\partial v^{(k)}_{p}} \\frac{\\partial v^{(k)}_{p}}"
            "{\\partial u^{(k)}_{p}}",
            "right",
        ),
        # the layer pattern: the dictionary's k is any layer
        (
            "\\frac{\\partial v^{(k)}_{p}}{\\partial u^{(k)}_{p}} \\frac{\\partial C}"
            "{\\partial v^{(k)}_{p}}",
            "right",
        ),
        # the activation at another entry than the one differentiated by: its slope there is 0
        (
            "\\frac{\\partial C}{\\partial v^{(k)}_{p+1}} \\frac{\\partial v^{(k)}_{p+1}}"
            "{\\partial u^{(k)}_{p}}",
            "wrong",
        ),
    ],
)
def test_the_chain_rule_through_an_activation_said_in_words(claim, verdict):
    judgements = [
        j for j in judge_document(DICTIONARY.replace("{claim}", claim)) if j.claim.line == 4
    ]
    assert [j.verdict for j in judgements] == [verdict], [j.message for j in judgements]
    if verdict == "right":
        assert "said in words" in judgements[0].message and "lines 1–2" in judgements[0].message


def test_without_the_words_the_chain_rule_stays_unverified():
    claim = (
        "\\frac{\\partial C}{\\partial v^{(k)}_{p}} "
        "\\frac{\\partial v^{(k)}_{p}}{\\partial u^{(k)}_{p}}"
    )
    text = DICTIONARY.replace("the weighted input to neuron", "a number for neuron")
    text = text.replace("{claim}", claim)
    (judgement,) = [j for j in judge_document(text) if j.claim.line == 4]
    assert judgement.verdict == "unverified"
    assert "entry by entry" in judgement.message


def test_an_activation_said_after_the_claim_does_not_count():
    text = (
        "$$\\frac{\\partial C}{\\partial u_{p}} = \\frac{\\partial C}{\\partial v_{p}}"
        " \\frac{\\partial v_{p}}{\\partial u_{p}}$$\n\n"
        "Here $v_{p}$ is $u_{p}$ passed through the activation function.\n"
    )
    (judgement,) = [j for j in judge_document(text) if j.claim.line == 1]
    assert judgement.verdict == "unverified"


def test_a_formula_wins_over_words():
    """The words say activation; the formula computes v from u by a sum: not an activation, the
    gradient judge's (never confirmed through the words)."""
    text = (
        "* $u_{p}$ — the input to unit $p$\n* $v_{p}$ — the activation of unit $p$\n\n"
        "$$v_{p} = \\sum_{q} A_{pq} u_{q}$$\n\n"
        "$$\\frac{\\partial C}{\\partial u_{p}} = \\frac{\\partial C}{\\partial v_{p}}"
        " \\frac{\\partial v_{p}}{\\partial u_{p}}$$\n"
    )
    judgements = [j for j in judge_document(text) if j.claim.line == 6]
    assert "right" not in {j.verdict for j in judgements}


WHOLE = (
    "{said}\n\n$$\\frac{{\\partial L}}{{\\partial u}} = "
    "\\frac{{\\partial L}}{{\\partial v}} \\frac{{\\partial v}}{{\\partial u}}$$\n"
)


@pytest.mark.parametrize(
    "said,verdict",
    [
        ("The activation is $v = \\tanh(u)$.", "right"),
        ("Here $v$ is $u$ passed through the activation function.", "right"),
        # u also feeds w: the product through v alone leaves that path out
        ("The activation is $v = \\tanh(u)$ and $w = 2u$.", "unverified"),
        # nothing says how v is computed
        ("Here $v$ and $u$ are vectors.", "unverified"),
        # softmax reads every entry of u
        ("The output is $v = \\mathrm{softmax}(u)$.", "unverified"),
    ],
)
def test_the_chain_rule_for_whole_tensors_through_an_activation(said, verdict):
    text = WHOLE.format(said=said)
    (judgement,) = [j for j in judge_document(text) if j.claim.line == 3]
    assert judgement.verdict == verdict, judgement.message
