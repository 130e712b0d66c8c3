"""The conv-arith catalog reproduces the fifteen relationships of Dumoulin & Visin (2016).

Expected answers are written here from the table in shared/problems/conv-arith.md, independently
of the engine, and compared exactly (``srepr`` of the bare answer).
"""

from __future__ import annotations

import pytest
import sympy as sp

from derivations import catalog
from symconv.problems.model import select

pos = {"integer": True, "positive": True}
nonneg = {"integer": True, "nonnegative": True}
i, k, s, d, i_t = (sp.Symbol(n, **pos) for n in ("i", "k", "s", "d", "i'"))
p, t, a = (sp.Symbol(n, **nonneg) for n in ("p", "t", "a"))

EXPECTED = {
    1: i - k + 1,
    2: i - k + 2 * p + 1,
    3: i,
    4: i + k - 1,
    5: sp.floor((i - k) / s) + 1,
    6: sp.floor((i + 2 * p - k) / s) + 1,
    7: sp.floor((i - k) / s) + 1,
    8: i_t + k - 1,
    9: i_t + k - 1 - 2 * p,
    10: i_t,
    11: i_t - k + 1,
    12: s * (i_t - 1) + k,
    13: s * (i_t - 1) + k - 2 * p,
    14: s * (i_t - 1) + a + k - 2 * p,
    15: sp.floor((i + 2 * p - k - (k - 1) * (d - 1)) / s) + 1,
}


@pytest.mark.parametrize("number", sorted(EXPECTED))
def test_relationship(number):
    ((_exercise, parts),) = select(catalog(), f"conv-arith-{number}").exercises
    part = parts[0]
    # Exact: identical expression trees once both are expanded into SymPy's canonical form.
    answer = part.solution.derivation.answer
    assert sp.srepr(sp.expand(answer)) == sp.srepr(sp.expand(EXPECTED[number]))
    assert part.solution.derivation.check().passed
    json_part = part.to_json()
    assert json_part["answer_srepr"] == sp.srepr(part.solution.derivation.answer)


def test_equivalent_padding_of_the_transposes():
    # Rows 8–11 of the table: p' = k − 1, k − p − 1, p (half), 0 (full).
    expected = {8: k - 1, 9: k - p - 1, 10: t, 11: sp.Integer(0)}
    for number, padding in expected.items():
        ((_, parts),) = select(catalog(), f"conv-arith-{number}").exercises
        details = parts[0].solution.derivation.details
        assert sp.simplify(details["equivalent_padding"] - padding) == 0


def test_misconceptions_differ_from_the_answer():
    for part in next(s for s in catalog() if s.id == "conv-arith").parts():
        for wrong in part.solution.misconceptions:
            assert sp.simplify(wrong.answer - part.solution.derivation.answer) != 0, part.id
