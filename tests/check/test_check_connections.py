"""Sentences saying which two entries a weight connects ("$W_{ji}$ is the weight between $y_i$ and
$x_j$"), decided by the document's own forward formula: the derivative of the output entry by the
input entry must be that weight at every value of the indices. Documents written for the test."""

from __future__ import annotations

import pytest

from symconv.check.api import check

CONV = (
    r"$$x_{i,j,n} = \sum_{a=0}^{F-1} \sum_{b=0}^{F-1} \sum_{k=0}^{C-1}"
    r" W_{a,b,n,k} y_{i+a,j+b,k} + c_n$$"
)


def judgement_on(document: str, line: int):
    found = [j for j in check(document, time_limit=20).judgements if j.claim.line == line]
    facts = [j for j in found if j.claim.kind == "fact"]
    assert len(facts) == 1, [j.claim.text for j in found]
    return facts[0]


@pytest.mark.parametrize(
    "sentence",
    [
        r"$W_{a,b,n,k}$ is the weight between $y_{i+a,j+b,k}$ and $x_{i,j,n}$.",
        r"$W_{a,b,n,k}$ is the weight between $x_{i,j,n}$ and $y_{i+a,j+b,k}$.",  # either order
        r"$W_{a,b,n,k}$ connects $y_{i+a,j+b,k}$ to $x_{i,j,n}$.",
        r"The weight between $y_{i+a,j+b,k}$ and $x_{i,j,n}$ is $W_{a,b,n,k}$.",
        r"* $W_{a,b,n,k}$ - propagation weight joining $y_{i+a,j+b,k}$ and $x_{i,j,n}$",
    ],
)
def test_a_weight_between_the_entries_it_multiplies_is_right(sentence: str):
    judgement = judgement_on(CONV + "\n\n" + sentence + "\n", 3)
    assert judgement.verdict == "right", judgement.message
    assert "forward formula on line 1" in judgement.message


@pytest.mark.parametrize(
    ("sentence", "general"),
    [
        # the offset on the wrong side: y_{i,j,k} feeds x_{i−a,j−b,n}
        (
            r"$W_{a,b,n,k}$ is the weight between $y_{i,j,k}$ and $x_{i+a,j+b,n}$.",
            "W[-a, -b, n, k]",
        ),
        # the channels swapped in the weight's index
        (r"$W_{a,b,k,n}$ connects $y_{i+a,j+b,k}$ to $x_{i,j,n}$.", "W[a, b, n, k]"),
    ],
)
def test_a_weight_between_other_entries_is_wrong_with_a_witness(sentence: str, general: str):
    judgement = judgement_on(CONV + "\n\n" + sentence + "\n", 3)
    assert judgement.verdict == "wrong"
    assert general in judgement.message
    assert judgement.witness is not None and "the forward formula gives" in judgement.witness


def test_a_dense_layer_counted_from_one():
    document = "\n".join(
        [
            r"$$h_j = \sum_{i=1}^{m} A_{j,i} u_i + d_j$$",
            "",
            r"Here $A_{j,i}$ is the weight connecting $u_i$ to $h_j$.",
            "",
            r"Also $A_{i,j}$ joins $u_i$ and $h_j$.",
            "",
        ]
    )
    assert judgement_on(document, 3).verdict == "right"
    transposed = judgement_on(document, 5)
    assert transposed.verdict == "wrong"
    assert "A[j, i]" in transposed.message  # in the document's own counting


def test_without_a_formula_relating_the_entries_it_stays_unverified():
    document = "\n".join(
        [
            r"$$q_t = \sum_{m=0}^{K-1} v_{m} s_{t+m} s_{t+m}$$",  # not linear in s
            "",
            r"The weight between $s_{t+m}$ and $q_t$ is $v_m$.",
            "",
            r"And $G_{p}$ is the weight between $r_p$ and $o_p$.",  # no formula at all
            "",
        ]
    )
    assert judgement_on(document, 3).verdict == "unverified"
    assert judgement_on(document, 5).verdict == "unverified"


def test_words_that_name_no_connection_are_no_claim():
    document = (
        CONV + "\n\n" + r"$W_{a,b,n,k}$ is a weight, and $y_{i,j,k}$ and $x_{i,j,n}$ too." + "\n"
    )
    assert [j for j in check(document).judgements if j.claim.kind == "fact"] == []
