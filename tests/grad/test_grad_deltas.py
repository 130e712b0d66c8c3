"""Kronecker-delta elimination, range conditions, bound indices and the gradient notation."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symconv.core.latex import latex
from symconv.grad.binders import fresh_bound, primed, readable_bound
from symconv.grad.conditions import InRange, Iverson, as_piecewise, divides
from symconv.grad.deltas import (
    Term,
    affine_bounds,
    assemble,
    collect_terms,
    drop_implied_conditions,
    eliminate_deltas,
    linear_form,
)
from symconv.grad.differentiate import derive_backward
from symconv.grad.functions import relu, sigmoid
from symconv.grad.notation import (
    GradientIndexed,
    Partial,
    as_gradient_base,
    gradient_base,
    split_gradient_label,
)

a, j, k, p = sp.symbols("a j k p", integer=True)
Q, K, s = sp.symbols("Q K s", integer=True, positive=True)
G, W, X = sp.IndexedBase("G"), sp.IndexedBase("W"), sp.IndexedBase("X")
delta = sp.KroneckerDelta


@pytest.mark.parametrize(
    ("expr", "index", "expected"),
    [
        (2 * j + k - 1 - a, j, (2, k - 1 - a)),
        (s * j + k - a, j, (s, k - a)),
        (a - j, j, (-1, a)),
        (sp.floor(j / 2) + k, j, None),
        (j * k + a, j, (k, a)),
        (k - a, j, None),
    ],
)
def test_linear_form(expr, index, expected):
    assert linear_form(expr, index) == expected


def test_unit_coefficient_needs_no_divisibility():
    term = Term(G[j] * W[k] * delta(j + k, a), ((j, 0, Q - 1), (k, 0, K - 1)))
    solved, (substitution,) = eliminate_deltas(term, preferred=[j])
    assert substitution.index == j and substitution.value == a - k
    assert solved.conditions == (InRange(a - k, 0, Q - 1),)
    assert assemble(solved) == sp.Sum(
        G[a - k] * W[k] * Iverson(InRange(a - k, 0, Q - 1)), (k, 0, K - 1)
    )


def test_preference_decides_which_index_is_eliminated():
    term = Term(G[j] * W[k] * delta(2 * j + k, a), ((j, 0, Q - 1), (k, 0, K - 1)))
    _, (output,) = eliminate_deltas(term, preferred=[j])
    _, (inner,) = eliminate_deltas(term, preferred=[k])
    assert output.index == j and output.conditions[0] == divides(2, a - k)
    assert inner.index == k and inner.value == a - 2 * j and len(inner.conditions) == 1


def test_symbolic_stride_keeps_a_symbolic_divisibility_condition():
    term = Term(G[j] * delta(s * j + k, a), ((j, 0, Q - 1),))
    solved, (substitution,) = eliminate_deltas(term, preferred=[j])
    assert substitution.value == sp.floor((a - k) / s)
    assert sp.Eq(sp.Mod(a - k, s), 0) in solved.conditions


def test_negative_coefficient_is_normalised():
    term = Term(G[j] * delta(k - 2 * j, a), ((j, 0, Q - 1),))
    _, (substitution,) = eliminate_deltas(term, preferred=[j])
    assert substitution.value == sp.floor((k - a) / 2)


def test_an_unsolvable_delta_stays_exact():
    term = Term(G[j] * delta(sp.floor(j / 2), a), ((j, 0, Q - 1),))
    solved, substitutions = eliminate_deltas(term, preferred=[j])
    assert substitutions == () and solved.factor.has(sp.KroneckerDelta)


def test_collect_terms_distributes_over_deltas_only():
    body = G[j] * (W[k] * delta(j, a) + X[k] * delta(k, a)) * sp.Sum(W[p], (p, 0, 2))
    terms = collect_terms(sp.Sum(body, (j, 0, Q - 1), (k, 0, K - 1)))
    assert len(terms) == 2
    assert all(t.limits == ((j, 0, Q - 1), (k, 0, K - 1)) for t in terms)
    assert all(t.factor.has(sp.Sum) for t in terms)  # the delta-free sum stays whole
    assert collect_terms(sp.Integer(0)) == []


def test_implied_conditions_are_dropped_and_impossible_ones_zero_the_term():
    ranges = {a: (sp.Integer(0), K - 1)}
    kept = Term(G[a], (), (InRange(a, 0, K - 1), InRange(a - 1, 0, K - 1)))
    simplified = drop_implied_conditions(kept, ranges)
    assert simplified is not None and simplified.conditions == (InRange(a - 1, 0, sp.oo),)
    impossible = Term(G[a], (), (InRange(a + K, 0, K - 1),))
    assert drop_implied_conditions(impossible, ranges) is None
    assert affine_bounds(2 * a - 1, ranges) == (-1, 2 * K - 3)
    assert affine_bounds(sp.floor(a / 2), ranges) is None


def test_assemble_counts_unused_sums_and_pulls_out_constant_factors():
    term = Term(G[a] * W[k], ((j, 0, Q - 1), (k, 0, K - 1)))
    assert assemble(term) == Q * G[a] * sp.Sum(W[k], (k, 0, K - 1))


def test_narrow_sum_range_keeps_its_condition():
    """A sum over fewer taps than W has: the gradient of the unused taps is zero."""
    text = "Z[j] = sum_{k=0}^{1} W[k] X[j+k]; W: (K); X: (I); j < I - 1"
    derivation = derive_backward(text, wrt="W")
    assert derivation.answer.has(Iverson)
    values = derivation.details["backward"].evaluate(
        {"W": [1, 2, 3], "X": [1, 1, 1, 1], "∂J/∂Z": [1, 1, 1]}
    )
    assert list(values) == [3, 3, 0]
    assert derivation.check(np.random.default_rng(2)).passed


# -- conditions -----------------------------------------------------------------------------------
def test_in_range_decides_at_numbers_and_by_assumptions():
    assert InRange(2, 0, 3) is sp.true and InRange(4, 0, 3) is sp.false
    assert InRange(K - 1, 0, K - 1) is sp.true
    assert InRange(a, 0, sp.oo).as_relational() == sp.GreaterThan(a, 0, evaluate=False)
    assert latex(InRange(j - k, 0, Q - 1)) == r"0 \leq j - k \leq Q - 1"
    assert str(InRange(a, -sp.oo, 3)) == "InRange(a <= 3)"


def test_iverson_bracket_and_its_piecewise_form_agree():
    bracket = Iverson(sp.And(InRange(a - k, 0, Q - 1), divides(2, a - k)))
    assert Iverson(sp.true) == 1 and Iverson(sp.false) == 0
    assert bracket.diff(a) == 0
    function = sp.lambdify([a, k, Q], as_piecewise(bracket * 5), "numpy")
    for av, kv, ov in [(4, 2, 3), (4, 1, 3), (9, 1, 3), (1, 1, 3)]:
        expected = 5 if (0 <= av - kv <= ov - 1 and (av - kv) % 2 == 0) else 0
        assert function(av, kv, ov) == expected
        assert bracket.xreplace({a: av, k: kv, Q: ov}) * 5 == expected


# -- bound indices --------------------------------------------------------------------------------
def test_fresh_and_readable_bound_indices():
    expr = sp.Sum(W[k] * sp.Sum(X[k, j], (k, 0, 2)), (k, 0, 2))
    fresh = fresh_bound(expr)
    dummies = [
        lim[0]
        for node in sp.preorder_traversal(fresh)
        if isinstance(node, sp.Sum)
        for lim in node.limits
    ]
    assert len(set(dummies)) == 2 and all(isinstance(d, sp.Dummy) for d in dummies)
    assert readable_bound(fresh) == sp.Sum(
        W[k] * sp.Sum(X[sp.Symbol("k'", integer=True), j], (sp.Symbol("k'", integer=True), 0, 2)),
        (k, 0, 2),
    )
    assert (
        readable_bound(fresh_bound(sp.Sum(W[j], (j, 0, 2))), taken={"j"}).limits[0][0].name == "j'"
    )
    assert primed("j_1") == "j'_1" and primed("k") == "k'"


# -- notation and functions -----------------------------------------------------------------------
def test_gradient_notation():
    dZ = gradient_base("J", "Z")
    entry = dZ[j, k]
    assert isinstance(entry, GradientIndexed)
    assert isinstance(entry.xreplace({j: a}), GradientIndexed)
    assert latex(entry) == r"\frac{\partial J}{\partial Z[j, k]}"
    assert latex(2 * entry * W[k]) == r"2 \frac{\partial J}{\partial Z[j, k]} W[k]"
    assert split_gradient_label("∂L/∂W_1") == ("L", "W_1") and split_gradient_label("∂/∂") is None
    assert isinstance(as_gradient_base(sp.IndexedBase("∂J/∂Z")), type(dZ))
    assert latex(Partial(sp.IndexedBase("Z")[j], W[k]), notation="subscript") == (
        r"\frac{\partial Z_{j}}{\partial W_{k}}"
    )


def test_pointwise_function_derivatives():
    x = sp.Symbol("x", real=True)
    assert sp.diff(sigmoid(x), x) == sigmoid(x) * (1 - sigmoid(x))
    assert sp.simplify(sigmoid(x).rewrite(sp.exp) - 1 / (1 + sp.exp(-x))) == 0
    assert sp.diff(relu(x), x).subs(x, 0) == 0  # the libraries' subgradient at the kink
    assert relu(sp.Float(-0.5)) == 0 and float(sigmoid(sp.Float(0.0))) == 0.5
    assert float(sigmoid(sp.Integer(2)).evalf()) == pytest.approx(1 / (1 + np.exp(-2)))
