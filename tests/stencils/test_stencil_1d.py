"""1-D stencils: the goldens of shared/problems/fd-stencils.md, the accuracy grid, wide stencils.

Goldens (exact) from fd-stencils.md, which takes them from SymPy's ``finite_diff_weights``
(Fornberg 1988, Math. Comp. 51(184), Table 1) and re-derives them; error convention
τ = (stencil applied to f) − (exact derivative).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
import sympy as sp

from symconv.errors import ConventionError, DerivationError, UnsupportedError
from symconv.stencils.fornberg import fornberg_weights, integer_weights
from symconv.stencils.weights import Stencil, from_weights, scheme_offsets, stencil
from tests.reference_stencil import achieved_accuracy, leading_error, vandermonde_weights

h, x, a = sp.symbols("h x a")
f = sp.Function("f")
R = sp.Rational


def derivative(order: int) -> sp.Expr:
    return sp.Derivative(f(x), (x, order))


# ----------------------------------------------------------------------------------------------
# Goldens (fd-stencils.md)
# ----------------------------------------------------------------------------------------------
def test_fd_a_second_derivative_central_accuracy_2() -> None:
    # fd-a: [1, −2, 1]; τ = (h²/12) f⁽⁴⁾ (fd-stencils.md).
    s = stencil(2, 2)
    assert s.weights == (1, -2, 1)
    assert s.offsets == ((-1,), (0,), (1,))
    assert s.scale == h**-2
    assert s.accuracy == 2
    assert s.error == R(1, 12) * h**2 * derivative(4)
    assert s.error_next_order == 4
    assert s.answer() == sp.ImmutableMatrix([[1, -2, 1]])


def test_fd_b_fourth_derivative_central_accuracy_6() -> None:
    # fd-b: offsets −4..4; τ = (41/7560) h⁶ f⁽¹⁰⁾ (fd-stencils.md).
    s = stencil(4, 6)
    golden = [
        R(7, 240),
        R(-2, 5),
        R(169, 60),
        R(-122, 15),
        R(91, 8),
        R(-122, 15),
        R(169, 60),
        R(-2, 5),
        R(7, 240),
    ]
    assert list(s.weights) == golden
    assert [o[0] for o in s.offsets] == list(range(-4, 5))
    assert s.accuracy == 6
    assert s.error == R(41, 7560) * h**6 * derivative(10)


def test_fd_c_first_derivative_forward_accuracy_4() -> None:
    # fd-c: offsets 0..4, [−25/12, 4, −3, 4/3, −1/4]; τ = −(1/5) h⁴ f⁽⁵⁾ (fd-stencils.md).
    s = stencil(1, 4, scheme="forward")
    assert list(s.weights) == [R(-25, 12), 4, -3, R(4, 3), R(-1, 4)]
    assert [o[0] for o in s.offsets] == [0, 1, 2, 3, 4]
    assert s.error == -R(1, 5) * h**4 * derivative(5)


def test_forward_difference_error_convention() -> None:
    # fd-stencils.md: for (f(x+h) − f(x))/h, τ = +(h/2) f''(x) + O(h²).
    s = stencil(1, scheme="forward")
    assert s.weights == (-1, 1)
    assert s.error == h / 2 * derivative(2)
    assert s.error_next_order == 2


def test_fd_f_non_uniform_symbolic_spacings() -> None:
    # fd-f: [2/(h_m(h_m+h_p)), −2/(h_m h_p), 2/(h_p(h_m+h_p))]; τ = ((h_p − h_m)/3) f''' + …
    hm, hp = sp.symbols("h_m h_p")
    s = stencil(2, offsets=[-hm, 0, hp])
    golden = [2 / (hm * (hm + hp)), -2 / (hm * hp), 2 / (hp * (hm + hp))]
    assert all(sp.cancel(w - g) == 0 for w, g in zip(s.weights, golden, strict=True))
    assert s.scale == 1
    assert s.accuracy == 1
    assert sp.expand(s.error - (hp - hm) / 3 * derivative(3)) == 0
    # ... at the grid (0.1, 0.25, 0.45) about 0.25: h_m = 3/20, h_p = 1/5 → [800/21, −200/3, 200/7]
    values = {hm: R(3, 20), hp: R(1, 5)}
    assert [w.subs(values) for w in s.weights] == [R(800, 21), R(-200, 3), R(200, 7)]
    numeric = stencil(2, offsets=[R(1, 10) - R(1, 4), 0, R(9, 20) - R(1, 4)], spacing=1)
    assert list(numeric.weights) == [R(800, 21), R(-200, 3), R(200, 7)]
    assert numeric.error == (R(1, 5) - R(3, 20)) / 3 * derivative(3)


def test_symbolic_offsets_agree_with_the_rational_stencil_at_numbers() -> None:
    # Four non-uniform points: the symbolic weights and τ at h_m = 3/20, h_p = 1/5 equal the
    # stencil computed directly on the rational offsets (two independent code paths).
    hm, hp = sp.symbols("h_m h_p")
    symbolic = stencil(2, offsets=[-hm, 0, hp, 2 * hp])
    values = {hm: R(3, 20), hp: R(1, 5)}
    numeric = stencil(2, offsets=[R(-3, 20), 0, R(1, 5), R(2, 5)], spacing=1)
    assert [w.subs(values) for w in symbolic.weights] == list(numeric.weights)
    assert symbolic.accuracy == numeric.accuracy == 2
    assert sp.expand(symbolic.error.subs(values)) == sp.expand(numeric.error)


def test_symbolic_offsets_must_be_polynomials() -> None:
    hm = sp.Symbol("h_m")
    with pytest.raises(UnsupportedError, match="polynomials"):
        stencil(2, offsets=[-1 / hm, 0, hm])


def test_fd_f_error_against_a_cubic() -> None:
    # On f = x³ only the f''' term of τ survives: D f − f'' = τ exactly, computed with sympy.diff.
    hm, hp = sp.symbols("h_m h_p")
    s = stencil(2, offsets=[-hm, 0, hp])
    cubic = x**3
    applied = sum(w * cubic.subs(x, x + o[0]) for w, o in zip(s.weights, s.offsets, strict=True))
    tau = sp.cancel(applied - sp.diff(cubic, x, 2))
    assert sp.expand(tau - s.error.subs(f(x), cubic).doit()) == 0


# ----------------------------------------------------------------------------------------------
# The accuracy grid: derivative 1–4 × accuracy 2,4,6,8 × central/forward/backward (48 cases)
# plus odd accuracies 1,3,5,7 of the one-sided schemes, against polynomial exactness.
# ----------------------------------------------------------------------------------------------
GRID = [
    (order, accuracy, scheme)
    for order, accuracy, scheme in itertools.product(
        range(1, 5), range(1, 9), ("central", "forward", "backward")
    )
    if not (scheme == "central" and accuracy % 2)
]


def test_grid_has_48_even_cases_and_32_odd() -> None:
    assert sum(1 for _, p, _ in GRID if p % 2 == 0) == 48
    assert sum(1 for _, p, _ in GRID if p % 2) == 32


@pytest.mark.parametrize(("order", "accuracy", "scheme"), GRID)
def test_reported_accuracy_is_the_achieved_one(order: int, accuracy: int, scheme: str) -> None:
    s = stencil(order, accuracy, scheme=scheme)
    offsets = [o[0] for o in s.offsets]
    reference_weights = vandermonde_weights(order, [Fraction(int(o.p), int(o.q)) for o in offsets])
    assert list(s.weights) == [sp.Rational(w.numerator, w.denominator) for w in reference_weights]
    terms = [((order,), 1)]
    # Exact up to degree n + p − 1 and wrong one degree above, in the reference's own terms.
    achieved = achieved_accuracy(terms, [(o,) for o in offsets], reference_weights)
    assert s.accuracy == achieved == accuracy
    expected = leading_error(terms, [(o,) for o in offsets], reference_weights)
    ((alpha, coefficient),) = expected.items()
    assert s.error == sp.Rational(coefficient.numerator, coefficient.denominator) * h**accuracy * (
        derivative(alpha[0])
    )


def test_central_odd_accuracy_is_refused_with_the_reason() -> None:
    with pytest.raises(DerivationError, match="even accuracy only"):
        stencil(2, 3)


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_wide_41_point_stencils_stay_exact(order: int) -> None:
    offsets = list(range(-20, 21))
    s = stencil(order, offsets=offsets)
    reference = vandermonde_weights(order, [Fraction(o) for o in offsets])
    assert list(s.weights) == [sp.Rational(w.numerator, w.denominator) for w in reference]
    # Symmetric 41 points: exact to degree 41 (odd/even cancellation), so accuracy 42 − n
    # rounded down to the parity of the stencil.
    assert s.accuracy == achieved_accuracy([((order,), 1)], [(o,) for o in offsets], reference)
    assert s.accuracy in (40 - order, 41 - order, 42 - order)


def test_fornberg_recursion_and_integer_closed_form_agree_with_sympy() -> None:
    for order in range(5):
        for points in ([-1, 0, 1], [0, 1, 2, 3, 4], [-3, -1, 0, 2, 7], list(range(-6, 7))):
            if order >= len(points):
                continue
            recursion = fornberg_weights(order, [Fraction(p) for p in points])
            numerators, denominators = integer_weights(order, points)
            closed = [Fraction(n, d) for n, d in zip(numerators, denominators, strict=True)]
            expected = list(sp.finite_diff_weights(order, points, 0)[order][-1])
            assert [sp.Rational(w.numerator, w.denominator) for w in recursion] == expected
            assert [sp.Rational(w.numerator, w.denominator) for w in closed] == expected


@pytest.mark.parametrize(
    ("order", "accuracy", "scheme"),
    [(1, 2, "central"), (3, 4, "central"), (2, 3, "forward"), (4, 2, "backward")],
)
def test_error_term_matches_a_sympy_series(order: int, accuracy: int, scheme: str) -> None:
    # τ on f = exp(a x): Σ w_j e^{a(x + o_j h)}/hⁿ − aⁿ e^{ax}, expanded in h by SymPy.
    s = stencil(order, accuracy, scheme=scheme)
    g = sp.exp(a * x)
    applied = sum(w * g.subs(x, x + o[0] * h) for w, o in zip(s.weights, s.offsets, strict=True))
    series = sp.series(applied / h**order - sp.diff(g, x, order), h, 0, accuracy + 1).removeO()
    assert sp.simplify(series - s.error.subs(f(x), g).doit()) == 0


def test_rational_offsets_half_step() -> None:
    # Staggered first derivative on x ± h/2: (f(x+h/2) − f(x−h/2))/h, τ = h²/24 f'''.
    s = stencil(1, offsets=[R(-1, 2), R(1, 2)])
    assert s.weights == (-1, 1)
    assert s.error == h**2 / 24 * derivative(3)
    kernel = s.as_kernel()
    assert kernel.layout.step == h / 2
    assert list(kernel.array) == [-1, 0, 1]


def test_numeric_spacing_scales_error() -> None:
    s = stencil(2, spacing=R(1, 10))
    assert s.scale == 100
    assert s.error == R(1, 1200) * derivative(4)


def test_symbolic_spacing_name() -> None:
    dx = sp.Symbol("dx")
    s = stencil(2, spacing=dx)
    assert s.scale == dx**-2
    assert s.error == dx**2 / 12 * derivative(4)


def test_scheme_offsets_table() -> None:
    assert scheme_offsets(1, 2, "central") == [-1, 0, 1]
    assert scheme_offsets(3, 2, "central") == [-2, -1, 0, 1, 2]
    assert scheme_offsets(2, 1, "backward") == [-2, -1, 0]


# ----------------------------------------------------------------------------------------------
# Under-determined systems are returned as families, never resolved silently
# ----------------------------------------------------------------------------------------------
def test_lower_accuracy_on_many_points_is_a_family() -> None:
    s = stencil(2, 2, offsets=range(-2, 3))
    assert s.is_family
    assert s.free_parameters == (sp.Symbol("w_{2}"),)
    assert s.accuracy == 2
    w2 = sp.Symbol("w_{2}")
    # Every member: exact to degree 3 (the reference checks a few members exactly).
    for value in (0, R(-1, 12), 5):
        member = s.substitute({w2: value})
        weights = [Fraction(int(w.p), int(w.q)) for w in member.weights]
        achieved = achieved_accuracy([((2,), 1)], [(o,) for o in range(-2, 3)], weights)
        assert achieved >= 2
        assert member.accuracy == achieved
    # The member w₂ = −1/12 is the accuracy-4 stencil: a member may beat its family.
    assert s.substitute({w2: R(-1, 12)}).accuracy == 4
    assert s.member("central").weights == (0, 1, -2, 1, 0)


def test_unreachable_accuracy_names_the_limit() -> None:
    with pytest.raises(DerivationError, match="reach accuracy 2"):
        stencil(2, 4, offsets=[-1, 0, 1])


def test_too_few_points() -> None:
    with pytest.raises(DerivationError, match="at least 3"):
        stencil(2, offsets=[0, 1])


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"derivative": 2, "offsets": [-1, 0.0, 1]}, ConventionError),
        ({"derivative": 2, "offsets": [-1, 0, 0]}, ConventionError),
        ({"derivative": 2, "accuracy": 0}, ConventionError),
        ({"derivative": 2, "scheme": "upwind"}, ConventionError),
        ({"derivative": 2, "scheme": "forward", "offsets": [0, 1, 2]}, ConventionError),
        ({"derivative": 0}, ConventionError),
        ({"derivative": 2, "spacing": 0.1}, ConventionError),
    ],
)
def test_bad_input_raises_typed_errors(kwargs: dict, error: type) -> None:
    with pytest.raises(error):
        stencil(**kwargs)


def test_symbolic_offsets_with_a_lower_accuracy_are_unsupported() -> None:
    hm, hp, hq = sp.symbols("h_m h_p h_q")
    with pytest.raises(UnsupportedError):
        stencil(1, 1, offsets=[-hm, 0, hp, hq])


def test_from_weights_reads_a_hand_written_stencil() -> None:
    s = from_weights(2, [-1, 0, 1], [1, -2, 1])
    assert isinstance(s, Stencil)
    assert (s.accuracy, s.error) == (2, h**2 / 12 * derivative(4))
    with pytest.raises(DerivationError, match="instead of"):
        from_weights(2, [-1, 0, 1], [1, -1, 1])
