"""The stencil-size counts of :mod:`symconv.stencils.points`, checked against stencils solved on
explicit offsets: the engine's moment solver (:func:`symconv.stencils.weights.stencil` with
``offsets``) and the naive Vandermonde reference of ``tests/reference_stencil.py`` — never against
the count's own formula.

For each derivative order ``p`` and accuracy ``n``: the stencil with the counted number of points
reaches accuracy ``n``, and the stencil one step smaller (one point fewer one-sided, one ring fewer
centred) does not, so the count is the least one.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp

from symconv.errors import ConventionError
from symconv.stencils.points import points_needed, points_sampled, staggered_points
from symconv.stencils.weights import stencil
from tests.reference_stencil import achieved_accuracy, vandermonde_weights

ORDERS = range(1, 6)
ACCURACIES = range(1, 8)


def _accuracy(order: int, offsets: list[Fraction]) -> int:
    """The accuracy of the unique stencil on ``offsets``, from the engine's solver."""
    return stencil(order, offsets=offsets, spacing=1).accuracy


def _reference_accuracy(order: int, offsets: list[Fraction]) -> int:
    weights = vandermonde_weights(order, offsets)
    return achieved_accuracy([((order,), 1)], [(o,) for o in offsets], weights)


def _central(radius: int) -> list[Fraction]:
    return [Fraction(i) for i in range(-radius, radius + 1)]


def _staggered(pairs: int) -> list[Fraction]:
    halves = [Fraction(2 * j - 1, 2) for j in range(1, pairs + 1)]
    return sorted([-h for h in halves] + halves)


@pytest.mark.parametrize("scheme", ["forward", "backward"])
@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("accuracy", ACCURACIES)
def test_one_sided_count_is_the_least_that_reaches_the_accuracy(scheme, order, accuracy):
    count = points_needed(order, accuracy, scheme)
    sign = 1 if scheme == "forward" else -1
    offsets = [Fraction(sign * i) for i in range(count)]
    assert _accuracy(order, offsets) == accuracy
    assert _reference_accuracy(order, offsets) == accuracy
    fewer = offsets[:-1]
    if len(fewer) > order:
        assert _accuracy(order, fewer) < accuracy


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("accuracy", [2, 4, 6, 8])
def test_central_count_is_the_least_symmetric_stencil(order, accuracy):
    count = points_needed(order, accuracy, "central")
    assert count % 2 == 1
    offsets = _central((count - 1) // 2)
    assert _accuracy(order, offsets) == accuracy
    assert _reference_accuracy(order, offsets) == accuracy
    smaller = _central((count - 3) // 2)
    if len(smaller) > order:
        assert _accuracy(order, smaller) < accuracy


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("accuracy", [2, 4, 6])
def test_points_with_a_nonzero_weight(order, accuracy):
    for scheme in ("central", "forward", "backward"):
        count = points_needed(order, accuracy, scheme)
        if scheme == "central":
            offsets = _central((count - 1) // 2)
        else:
            offsets = [Fraction(i if scheme == "forward" else -i) for i in range(count)]
        weights = stencil(order, offsets=offsets, spacing=1).weights
        assert sum(1 for w in weights if w != 0) == points_sampled(order, accuracy, scheme)


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("accuracy", [2, 4, 6])
def test_staggered_count_is_the_least_half_offset_stencil(order, accuracy):
    count = staggered_points(order, accuracy)
    assert count % 2 == 0
    offsets = _staggered(count // 2)
    assert _accuracy(order, offsets) == accuracy
    smaller = _staggered(count // 2 - 1)
    if len(smaller) > order:
        assert _accuracy(order, smaller) < accuracy


def test_counts_take_a_symbolic_accuracy():
    n, p = sp.symbols("n p", positive=True, integer=True)
    assert points_needed(1, n, "central") == n + 1
    assert points_needed(4, n, "central") == n + 3
    assert points_needed(p, n, "forward") == p + n
    # a symbolic derivative order keeps its floor: odd p gives p + n, even p gives p + n − 1
    m = sp.Symbol("m", integer=True, nonnegative=True)
    central = points_needed(p, n, "central")
    assert sp.simplify(central.subs(p, 2 * m + 1) - (2 * m + 1 + n)) == 0
    assert sp.simplify(central.subs(p, 2 * m + 2) - (2 * m + 1 + n)) == 0


def test_an_unknown_scheme_is_refused_with_its_name():
    with pytest.raises(ConventionError, match="upwind"):
        points_needed(1, 2, "upwind")
