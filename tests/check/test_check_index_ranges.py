"""Range declarations (``t \\in [0, T)``, ``0 \\le t < T``, ``t = 0, \\dots, T-1``): read as the
values an index runs over, they bind a size to the axis it counts and fix where the document
counts from, so that a gradient summed up to that size is decided against the document's own
forward formula. Each document here is small and written for the test."""

from __future__ import annotations

import pytest
import sympy as sp

from symconv.check.api import check
from symconv.check.index_ranges import declared_range, range_runs
from symconv.check.parser import parse_math

t, T, n, k = sp.symbols("t T n k")


def verdicts(document: str) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for judgement in check(document, time_limit=20).judgements:
        found.setdefault(judgement.claim.line, []).append(judgement.verdict)
    return found


def judgement_on(document: str, line: int):
    (judgement,) = [j for j in check(document, time_limit=20).judgements if j.claim.line == line]
    return judgement


@pytest.mark.parametrize(
    ("written", "first", "last"),
    [
        (r"t \in [0, T)", 0, T - 1),
        (r"t \in [0, T[", 0, T - 1),
        (r"t \in (0, T]", 1, T),
        (r"t \in [1, T]", 1, T),
        (r"t \in \{0, \dots, T-1\}", 0, T - 1),
        (r"0 \le t < T", 0, T - 1),
        (r"1 \leq t \leq T", 1, T),
        (r"t = 0..T-1", 0, T - 1),
    ],
)
def test_a_range_is_read_in_every_common_notation(written: str, first: object, last: object):
    declared = declared_range(parse_math(written).single())
    assert declared is not None
    assert (declared.index, declared.first, declared.last) == (t, first, last)


def test_a_range_listed_with_dots_is_one_declaration():
    statements = parse_math(r"t = 0, \dots, T-1, \quad k = 1, 2, \ldots, n").statements
    found = [(start, end, r.index, r.first, r.last) for start, end, r in range_runs(statements)]
    assert found == [(0, 2, t, 0, T - 1), (3, 6, k, 1, n)]
    # 0, 2, …: no range of consecutive values
    assert list(range_runs(parse_math(r"t = 0, 2, \dots, T").statements)) == []


def test_what_is_no_range_declaration():
    for written in (r"x \in \mathbb{R}^{n}", r"W \in [0, 1)", r"t \in [0.5, T)", r"a < b < c"):
        statement = parse_math(written).single()
        assert declared_range(statement) is None, written


def test_a_listed_range_never_defines_its_index_as_its_first_value():
    document = "Let $i = 0, \\dots, n-1$.\n\nThen $0 \\le i$ and $i + 1 \\le n$.\n"
    claims = {j.claim.text: j for j in check(document).judgements}
    assert claims["i = 0, \\dots, n-1"].claim.kind == "definition"
    # i is no number: nothing is decided by reading i as 0
    assert all(j.verdict != "right" for text, j in claims.items() if "\\le" in text)


# A 1-D convolution over a sequence of D-channel vectors, counts only in its sums; its ranges
# declared under it. Lines: 3 the formula, 5 the ranges, 7 the error term, 9… the claims.
def sequence_layer(ranges: str, *claims: str) -> str:
    rows = [
        "A layer over a sequence:",
        "",
        r"$$z_{t,c} = \sum^{K}_m \sum^{D}_d v_{m,d,c} \, u_{t+m,d} + \beta_c$$",
        "",
        f"Value ranges: {ranges}.",
        "",
        r"Let $g_{t,c} = \frac{\partial E}{\partial z_{t,c}}$.",
    ]
    for claim in claims:
        rows += ["", f"$${claim}$$"]
    return "\n".join(rows) + "\n"


BIAS = r"\frac{\partial E}{\partial \beta_c} = \sum^{N}_t g_{t,c}"
WEIGHT = r"\frac{\partial E}{\partial v_{m,d,c}} = \sum^{N}_t u_{t+m,d} \, g_{t,c}"
WEIGHT_FLIPPED = r"\frac{\partial E}{\partial v_{m,d,c}} = \sum^{N}_t u_{t-m,d} \, g_{t,c}"
BIAS_SHORT = r"\frac{\partial E}{\partial \beta_c} = \sum^{N-1}_t g_{t,c}"
BIAS_UNDECLARED = r"\frac{\partial E}{\partial \beta_c} = \sum^{M}_t g_{t,c}"

RANGES = [
    r"$t \in [0, N)$, $c \in [0, C)$, $m \in [0, K)$, $d \in [0, D)$",
    r"$0 \le t < N$, $0 \le c < C$, $0 \le m < K$, $0 \le d < D$",
    r"$t = 0, \dots, N-1$ and $m = 0, \ldots, K-1$",
]


@pytest.mark.parametrize("ranges", RANGES)
def test_a_size_a_range_declares_binds_the_axis_it_counts(ranges: str):
    document = sequence_layer(ranges, BIAS, WEIGHT, WEIGHT_FLIPPED, BIAS_SHORT)
    found = verdicts(document)
    assert found[9] == ["right"]  # Σ over the N output positions
    assert found[11] == ["right"]
    assert found[13] == ["wrong"]  # u_{t−m}: a convolution's gradient for a correlation
    assert found[15] == ["wrong"]  # one position short
    # the ranges start at 0: the document counts from 0, decided that way only
    assert "counting indices from 0 and from 1" not in judgement_on(document, 13).message


def test_a_size_no_range_declares_stays_unverified():
    document = sequence_layer(RANGES[0], BIAS_UNDECLARED)
    judgement = judgement_on(document, 9)
    assert judgement.verdict == "unverified"
    assert "the size M" in judgement.message


def test_without_the_declaration_the_size_is_unknown():
    document = sequence_layer("none written", BIAS)
    assert judgement_on(document, 9).verdict == "unverified"


UPSTREAM = r"\frac{\partial J}{\partial x^{(l+1)}_{j}}"


def test_a_bias_written_without_the_layer_tag_is_the_layers_own():
    # x^{(l+1)} = Σ W^{(l)} y^{(l)} + b: the claim's b^{(l)} is that b
    rows = [
        r"$$x^{(l+1)}_{j} = \sum_{i=0}^{s_l - 1} W^{(l)}_{j,i} y^{(l)}_{i} + b_{j}$$",
        "",
        r"$$\frac{\partial J}{\partial b^{(l)}_{j}} = " + UPSTREAM + "$$",
        "",
        r"$$\frac{\partial J}{\partial b^{(l)}_{j}} = 2 " + UPSTREAM + "$$",
        "",
    ]
    found = verdicts("\n".join(rows))
    assert found[3] == ["right"]
    assert found[5] == ["wrong"]


# A declared range is judged against the formula it is written for.
def layer_with(*ranges: str) -> str:
    rows = [
        r"Symbols: " + ", ".join(ranges[:1]) + ".",
        "",
        r"$$z_{t,c} = \sum^{K}_m \sum^{D}_d v_{m,d,c} \, u_{t+m,d} + \beta_c$$",
        "",
        r"Let $g_{t,d} = \frac{\partial E}{\partial u_{t,d}}$.",
        "",
        r"$$g_{t,d} = \sum^{K}_m \sum_c v_{m,d,c} \frac{\partial E}{\partial z_{t-m,c}}$$",
        "",
        "Value ranges: " + ", ".join(ranges[1:]) + ".",
    ]
    return "\n".join(rows) + "\n"


def test_a_declared_range_is_right_when_the_formula_gives_the_index_those_values():
    # m is summed over K values; d, under g_{t,d}, counts the D channels the layer reads of u
    document = layer_with(r"$m \in [0, K)$", r"$d \in [0, D)$")
    found = verdicts(document)
    assert found[1] == ["right"]
    assert found[9] == ["right"]
    assert "axis 2 of g" in judgement_on(document, 9).message


def test_a_declared_range_of_other_values_is_not_confirmed():
    document = layer_with(r"$m \in [0, K]$", r"$d \in [0, D+1)$")
    found = verdicts(document)
    assert found[1] == ["unverified"]  # K + 1 values: not the sum's K
    assert found[9] == ["unverified"]


def test_the_range_of_an_output_index_is_the_documents_to_choose():
    document = layer_with(r"$m \in [0, K)$", r"$t \in [0, T)$")
    judgement = judgement_on(document, 9)
    assert judgement.verdict == "unverified"
    assert "does not bound it" in judgement.message
