"""The nyu-cnn catalog (a problem set written as data) reproduces the worked answers of
shared/problems/nyu-cnn.md (S. Rangan, NYU Tandon Intro to ML, unit 10 problems).

Expected values are written here from the problem file, independently of the engine.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp

from derivations import catalog
from symconv.cli import main
from symconv.grad.compare import compare_index_formulas
from symconv.problems.model import select


def _part(identifier: str):
    ((_exercise, parts),) = select(catalog(), identifier).exercises
    return parts[0]


def _tuple(*values):
    return sp.Tuple(*values)


EXACT = {
    "nyu-cnn-1a": _tuple(100, 256, 256, 3),
    "nyu-cnn-1b": _tuple(40, 2400, 80),
    "nyu-cnn-1c": _tuple(32, 300, 512, 512, 3),
    "nyu-cnn-2a": _tuple(_tuple(0, 1), _tuple(0, 1)),
    "nyu-cnn-2b": _tuple(5, 4),
    "nyu-cnn-3a": _tuple(46, 62, 20),
    "nyu-cnn-3b": _tuple(10, 20),
    "nyu-cnn-3c": sp.Integer(5133600),
    "nyu-cnn-3d": sp.Integer(1820),
    "nyu-cnn-5a": _tuple(1, 3, 0, 1),
    "nyu-cnn-5b": _tuple(2, 3, 10, 1),
}


@pytest.mark.parametrize("identifier", sorted(EXACT))
def test_exact_answers(identifier):
    part = _part(identifier)
    assert part.to_json()["answer_srepr"] == sp.srepr(EXACT[identifier])
    assert part.solution.derivation.check().passed


@pytest.mark.parametrize(
    ("identifier", "value", "locations"),
    [
        ("nyu-cnn-2c", 6, {(1, 3), (2, 3), (3, 3)}),
        ("nyu-cnn-2d", -6, {(1, 0), (2, 0), (3, 0)}),
        ("nyu-cnn-2e", 0, {(0, 1), (0, 2), (1, 1), (1, 2)}),
    ],
)
def test_extremes_and_every_location_is_accepted(identifier, value, locations):
    solution = _part(identifier).solution
    answers = [solution.derivation.answer, *(a.answer for a in solution.accepted)]
    assert {a[0] for a in answers} == {value}
    assert {tuple(int(v) for v in a[1]) for a in answers} == locations


def test_misconceptions_of_problems_3_and_5():
    assert [m.answer for m in _part("nyu-cnn-3a").solution.misconceptions] == [_tuple(46, 62, 10)]
    assert sp.Integer(1810) in [m.answer for m in _part("nyu-cnn-3d").solution.misconceptions]
    (misreading,) = _part("nyu-cnn-5a").solution.misconceptions
    assert misreading.answer == _tuple(2, 2, 10, 0)
    assert "1-based" in misreading.diagnosis
    assert _part("nyu-cnn-2d").solution.misconceptions[0].answer[0] == -1


def test_shape_of_5c_is_ceil_not_floor():
    B, N, C, s = (sp.Symbol(n, integer=True, positive=True) for n in "BNCs")
    solution = _part("nyu-cnn-5c").solution
    assert solution.derivation.answer == _tuple(B, sp.floor((N - 1) / s) + 1, C)
    assert _tuple(B, sp.ceiling(N / s), C) in [a.answer for a in solution.accepted]
    assert solution.misconceptions[0].answer == _tuple(B, sp.floor(N / s), C)


# The NYU solutions of problem 4, written by hand as a student would (renamed dummies allowed).
NYU_GRADIENTS = {
    "nyu-cnn-4b": "dJ/dW[k1,k2,n,m] = sum_{i,j1,j2} dJ/dZ[i,j1,j2,m] * X[i,j1+k1,j2+k2,n]",
    "nyu-cnn-4c": "dJ/dX[i,j1,j2,n] = sum_{k1,k2,m} dJ/dZ[i,j1-k1,j2-k2,m] * W[k1,k2,n,m]",
    "nyu-cnn-4d": "dJ/db[m] = sum_{i,j1,j2} dJ/dZ[i,j1,j2,m]",
}


@pytest.mark.parametrize("identifier", sorted(NYU_GRADIENTS))
def test_gradients_of_problem_4_match_the_course_answers(identifier):
    derivation = _part(identifier).solution.derivation
    comparison = compare_index_formulas(NYU_GRADIENTS[identifier], derivation, seed=4)
    assert comparison.equal is True, comparison.message
    assert derivation.check().passed


def test_gradient_with_the_wrong_shift_is_caught():
    derivation = _part("nyu-cnn-4c").solution.derivation
    wrong = "dJ/dX[i,j1,j2,n] = sum_{k1,k2,m} dJ/dZ[i,j1+k1,j2+k2,m] * W[k1,k2,n,m]"
    comparison = compare_index_formulas(wrong, derivation, seed=4)
    assert comparison.equal is False and comparison.witness is not None


def test_solve_nyu_cnn_4_shows_every_gradient(capsys):
    assert main(["solve", "nyu-cnn-4", "--format", "md"]) == 0
    text = capsys.readouterr().out
    for name in ("Z", "W", "b", "X"):
        assert rf"\frac{{\partial J}}{{\partial {name}[" in text
    assert r"\sum" in text


LECTURER_SET = """
id = "week10"
title = "Week 10 quiz"
source = "my notes"

[[exercise]]
id = "week10-1"
title = "Output size"
data = { i = 7, k = 3 }

[[exercise.part]]
id = "week10-1a"
question = "Valid output size?"
engine = "conv_output_size"
args = { i = "$i", k = "$k" }

[[exercise.part.misconceptions]]
engine = "conv_output_size"
args = { i = "$i", k = "$k", p = 1 }
diagnosis = "padding assumed"
"""


def test_a_lecturer_set_as_data(tmp_path: Path, capsys):
    path = tmp_path / "week10.toml"
    path.write_text(LECTURER_SET, encoding="utf-8")
    assert main(["solve", "--problems", str(path), "week10-1a", "--format", "json"]) == 0
    assert '"answer_srepr": "Integer(5)"' in capsys.readouterr().out


def test_a_bad_data_file_names_the_file_and_the_key(tmp_path: Path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text('id = "x"\n[[exercise]]\ntitle = "no id"\n', encoding="utf-8")
    assert main(["solve", "--problems", str(path), "--list"]) == 2
    assert "bad.toml" in capsys.readouterr().err


def test_exercise_context_names_the_data_and_the_output():
    nyu = next(s for s in catalog() if s.id == "nyu-cnn")
    context = next(e for e in nyu.exercises if e.id == "nyu-cnn-2").context
    assert context["Z"][0, 3] == 3 and context["Z"][1, 3] == 6
    assert context["W"] == sp.ImmutableMatrix([[1, -1], [1, -1]])
