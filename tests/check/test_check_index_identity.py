"""Links between two index expressions, evaluated on random tensors
(``symconv.check.judges.index_identity``). The right links are the catalog's own rows (nndl-5-2:
a sum reindexed, then its variable changed to the input's index; nndl-5-7: Kronecker deltas
eliminated); each wrong one is a single-token mutant of them that the mutation study
(``benchmarks/mutations.py``) found the checker leaving unverified before this judge.
"""

from __future__ import annotations

import pytest

from symconv.check.api import check

FLIPPED = (
    r"\sum_{\substack{1 \leq u \leq U\\1 \leq v \leq V}} w_{U - u + 1,V - v + 1} "
    r"x_{i + u - U,j + v - V}"
)
BY_KERNEL = r"\sum_{\substack{1 \leq u \leq U\\1 \leq v \leq V}} w_{u,v} x_{i - u + 1,j - v + 1}"
BY_INPUT = r"\sum_{\substack{1 \leq a \leq M\\1 \leq b \leq N}} w_{- a + i + 1,- b + j + 1} x_{a,b}"
DELTAS = (
    r"\sum_{\substack{0 \leq i' \leq I_{1} - K_{1}\\0 \leq j' \leq I_{2} - K_{2}}} "
    r"\frac{\partial J}{\partial z_{i',j'}} \sum_{\substack{0 \leq u \leq K_{1} - 1\\0 \leq v "
    r"\leq K_{2} - 1}} \delta_{i, i' + u} \delta_{j, j' + v} w_{u,v}"
)
ELIMINATED = (
    r"\sum_{\substack{0 \leq u \leq K_{1} - 1\\0 \leq v \leq K_{2} - 1}} \frac{\partial J}"
    r"{\partial z_{i - u,j - v}} w_{u,v} \left[0 \leq i - u \leq I_{1} - K_{1} \wedge 0 \leq "
    r"j - v \leq I_{2} - K_{2}\right]"
)


def link(first: str, second: str) -> tuple[str, str]:
    text = f"$$\n\\begin{{aligned}}\nA &= {first} \\\\\n&= {second}\n\\end{{aligned}}\n$$\n"
    judgement = check(text).judgements[-1]
    return judgement.verdict, judgement.message


def test_a_reindexed_sum_agrees_whatever_the_extents() -> None:
    verdict, message = link(FLIPPED, BY_KERNEL)
    assert verdict == "right"
    assert message.startswith("the two sides agree on random tensors at 12 values of U, V, i, j")
    assert message.endswith("(exactly, whatever the tensors' extents)")


def test_a_change_of_variable_agrees_with_tensors_zero_outside_their_sums() -> None:
    verdict, message = link(BY_KERNEL, BY_INPUT)
    assert (verdict, message.split(" at ")[0]) == (
        "right",
        "the two sides agree on random tensors zero outside w[1..U, 1..V], x[1..M, 1..N]",
    )


def test_eliminated_kronecker_deltas_agree() -> None:
    assert link(DELTAS, ELIMINATED)[0] == "right"


@pytest.mark.parametrize(
    ("first", "second", "old", "new"),
    [
        (BY_KERNEL, BY_INPUT, "x_{a,b}", "x_{b,a}"),  # swap two indices
        (BY_KERNEL, BY_INPUT, "- a + i + 1", "- a + i + 2"),  # shift an index
        (BY_KERNEL, BY_INPUT, "w_{- a", "x_{- a"),  # w for x
        (BY_KERNEL, BY_INPUT, "- b + j + 1", "b + j + 1"),  # flip a sign
        (DELTAS, ELIMINATED, "w_{u,v} \\left", "w_{v,u} \\left"),
    ],
)
def test_a_mutated_link_is_wrong_with_a_witness(
    first: str, second: str, old: str, new: str
) -> None:
    assert old in second
    verdict, message = link(first, second.replace(old, new, 1))
    assert verdict == "wrong", message
    assert message.startswith("the two sides differ on random tensors")
    assert " at " in message and " ≠ " in message


def test_a_link_that_needs_unwritten_extents_is_unverified() -> None:
    verdict, message = link(
        r"\sum_{k=0}^{K-1} w_{k} x_{i-k}", r"\sum_{k=0}^{K-1} w_{k} x_{i-k} \left[i \geq k\right]"
    )
    assert verdict == "unverified"
    assert message.endswith("no written range bounds axis 0 of x")


def test_entries_without_sums_differ_for_any_extents() -> None:
    assert link(r"y_i + 1", r"1 + y_{i}")[0] == "right"
    verdict, message = link(r"y_i + 1", r"1 + y_{i+1}")
    assert verdict == "wrong" and message.startswith("the two sides differ on random tensors at i")
