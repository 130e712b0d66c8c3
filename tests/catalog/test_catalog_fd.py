"""The fd catalog reproduces the goldens of shared/problems/fd-stencils.md exactly
(Fornberg 1988, Table 1; SymPy finite_diff_weights; pystencils), error terms included."""

from __future__ import annotations

import pytest
import sympy as sp

from derivations import catalog
from symconv.problems.model import select

R = sp.Rational
h = sp.Symbol("h")
f = sp.Function("f")
x = sp.Symbol("x")


def _solution(identifier: str):
    ((_exercise, parts),) = select(catalog(), identifier).exercises
    return parts[0].solution


WEIGHTS = {
    "fd-a": [[1, -2, 1]],
    "fd-b": [[R(7, 240), R(-2, 5), R(169, 60), R(-122, 15), R(91, 8), R(-122, 15), R(169, 60),
              R(-2, 5), R(7, 240)]],
    "fd-c": [[R(-25, 12), 4, -3, R(4, 3), R(-1, 4)]],
    "fd-d1": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "fd-d3": [[0, 0, R(-1, 12), 0, 0], [0, 0, R(4, 3), 0, 0],
              [R(-1, 12), R(4, 3), -5, R(4, 3), R(-1, 12)], [0, 0, R(4, 3), 0, 0],
              [0, 0, R(-1, 12), 0, 0]],
    "fd-e": [[R(1, 4), 0, R(-1, 4)], [0, 0, 0], [R(-1, 4), 0, R(1, 4)]],
}  # fmt: skip


@pytest.mark.parametrize("identifier", sorted(WEIGHTS))
def test_weights_exactly(identifier):
    solution = _solution(identifier)
    assert sp.srepr(solution.derivation.answer) == sp.srepr(sp.ImmutableMatrix(WEIGHTS[identifier]))
    assert solution.derivation.check().passed


@pytest.mark.parametrize(
    ("identifier", "tau"),
    [
        ("fd-a", h**2 / 12 * sp.Derivative(f(x), (x, 4))),
        ("fd-b", R(41, 7560) * h**6 * sp.Derivative(f(x), (x, 10))),
        ("fd-c", -R(1, 5) * h**4 * sp.Derivative(f(x), (x, 5))),
    ],
)
def test_error_terms(identifier, tau):
    stencil = _solution(identifier).derivation.details["stencil"]
    assert stencil.error == tau


def test_laplacian_family_and_named_members():
    w = sp.Symbol("w")
    solution = _solution("fd-d2")
    family = sp.ImmutableMatrix(
        [[2 * w, 1 - 4 * w, 2 * w], [1 - 4 * w, 8 * w - 4, 1 - 4 * w], [2 * w, 1 - 4 * w, 2 * w]]
    )
    assert solution.derivation.answer == family
    members = {a.convention: a.answer for a in solution.accepted}
    isotropic = sp.ImmutableMatrix([[1, 4, 1], [4, -20, 4], [1, 4, 1]]) / 6
    assert members["the isotropic member of the family"] == isotropic
    assert members["the 5-point member of the family"] == family.subs(w, 0)
    assert members["the Oono-Puri member of the family"] == family.subs(w, R(1, 8))
    assert solution.derivation.check().passed


def test_mixed_derivative_family():
    c = sp.Symbol("c")
    solution = _solution("fd-e")
    family = sp.ImmutableMatrix(
        [[c, R(1, 2) - 2 * c, c - R(1, 2)], [R(1, 2) - 2 * c, 4 * c - 1, R(1, 2) - 2 * c],
         [c - R(1, 2), R(1, 2) - 2 * c, c]]
    )  # fmt: skip
    assert solution.accepted[0].answer == family
    assert family.subs(c, R(1, 4)) == solution.derivation.answer


def test_non_uniform_second_derivative():
    h_m, h_p = sp.symbols("h_m h_p", positive=True)
    stencil = _solution("fd-f").derivation.details["stencil"]
    expected = [2 / (h_m * (h_m + h_p)), -2 / (h_m * h_p), 2 / (h_p * (h_m + h_p))]
    assert all(sp.cancel(a - b) == 0 for a, b in zip(stencil.weights, expected, strict=True))
    assert sp.expand(stencil.error - (h_p - h_m) / 3 * sp.Derivative(f(x), (x, 3))) == 0
    at_grid = [w.subs({h_m: R(3, 20), h_p: R(1, 5)}) for w in stencil.weights]
    assert at_grid == [R(800, 21), R(-200, 3), R(200, 7)]
