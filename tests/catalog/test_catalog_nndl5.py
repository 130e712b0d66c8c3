"""The nndl-5 catalog reproduces the expected answers of shared/problems/nndl-ch5.md
(Qiu Xipeng, Neural Networks and Deep Learning, 2020, chapter 5 exercises)."""

from __future__ import annotations

import pytest
import sympy as sp

from derivations import catalog
from symconv.core.tensors import entries
from symconv.problems.model import select


def _solution(identifier: str):
    ((_exercise, parts),) = select(catalog(), identifier).exercises
    return parts[0].solution


def test_5_1_kernels():
    assert _solution("nndl-5-1.1").derivation.answer == sp.ImmutableMatrix([[1, -2, 1]])
    laplacian = _solution("nndl-5-1.2")
    five_point = sp.ImmutableMatrix([[0, 1, 0], [1, -4, 1], [0, 1, 0]])
    assert laplacian.derivation.answer == five_point
    accepted = [a.answer for a in laplacian.accepted]
    assert -five_point in accepted
    assert sp.ImmutableMatrix([[1, 4, 1], [4, -20, 4], [1, 4, 1]]) / 6 in accepted
    assert sp.ImmutableMatrix([[1, 1, 1], [1, -8, 1], [1, 1, 1]]) in accepted


def test_5_2_proof_checks_exactly():
    derivation = _solution("nndl-5-2").derivation
    report = derivation.check()
    assert report.passed and "exact at small sizes" in report.summary()


def test_5_3_cost_of_a_one_by_one_layer():
    D, P, M, N = (sp.Symbol(n, integer=True, positive=True) for n in "DPMN")
    assert _solution("nndl-5-3").derivation.answer == sp.Tuple(D * P + P, M * N * D * P)


@pytest.mark.parametrize(
    ("identifier", "time", "spaces"),
    [
        ("nndl-5-4.1", 5898240000, (589824, 590080, 5709824)),
        ("nndl-5-4.2", 1638400000, (163840, 164160, 5923840)),
    ],
)
def test_5_4_time_and_every_space_convention(identifier, time, spaces):
    solution = _solution(identifier)
    answers = [solution.derivation.answer, *(a.answer for a in solution.accepted)]
    assert [a[0] for a in answers] == [time] * 3
    assert tuple(a[1] for a in answers) == spaces
    assert solution.derivation.check().passed


def test_5_5_matrix():
    w = entries("w", (2, 2))
    row = [w[0, 0], w[0, 1], 0, w[1, 0], w[1, 1], 0, 0, 0, 0]
    expected = sp.ImmutableMatrix(
        [row, [0, *row[:-1]], [0, 0, 0, *row[:-3]], [0, 0, 0, 0, *row[:-4]]]
    )
    assert _solution("nndl-5-5").derivation.answer == expected


def test_5_6_max_is_one_hot_and_argmax_is_zero():
    max_answer = _solution("nndl-5-6.1").derivation.answer
    x1, x2, x3 = sorted(max_answer.free_symbols, key=str)
    assert [x1.name, x2.name, x3.name] == ["x_{1}", "x_{2}", "x_{3}"]
    assert max_answer.subs({x1: 1, x2: 5, x3: 2}) == sp.Matrix([0, 1, 0])
    assert max_answer.subs({x1: 5, x2: 5, x3: 2}) == sp.Matrix([1, 0, 0])  # tie: first index
    assert _solution("nndl-5-6.2").derivation.answer == sp.zeros(3, 1)


def test_5_7_backward_is_the_transpose():
    assert _solution("nndl-5-7").derivation.check().passed


def test_5_8_padding_of_an_equal_width_dilated_convolution():
    K, D = (sp.Symbol(n, integer=True, positive=True) for n in "KD")
    solution = _solution("nndl-5-8")
    assert solution.derivation.answer == D * (K - 1) / 2
    assert solution.misconceptions[0].answer == (K - 1) / 2
