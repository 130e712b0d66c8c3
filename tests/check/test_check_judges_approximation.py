"""Taylor expansions, ≈ steps (also with h = 1), O(·) orders and kernels after their stencils.

Orders are checked three ways: the judge's verdict, the engine's analysis of the same weights
(:func:`symconv.stencils.weights.from_weights`), and the order observed numerically in floats
(tests/reference_check.py).
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from symconv.check.runner import check_text
from symconv.stencils.weights import from_weights
from tests import reference_check as ref
from tests.check_keys import judge_document


def verdict_list(doc):
    return [j.verdict for j in judge_document(doc)]


def test_taylor_expansions_to_the_claimed_order():
    doc = (
        "$$x(t+h) = x(t) + h x'(t) + \\frac{h^2}{2} x''(t) + O(h^3)$$\n\n"
        "$$x(t+h) = x(t) + h x'(t) + \\frac{h^2}{2} x''(t) + O(h^4)$$\n\n"
        "$$x(t-h) = x(t) - h x'(t) + \\frac{h^2}{2} x''(t) - \\frac{h^3}{6} x'''(t) + O(h^4)$$\n\n"
        "$$x(t-h) = x(t) - h x'(t) - \\frac{h^2}{2} x''(t) + O(h^3)$$\n\n"
        "$$x(t+h) + x(t-h) - 2x(t) = h^2 x''(t) + O(h^4)$$\n\n"
        "$$x(t+h) + x(t-h) - 2x(t) = h^2 x''(t) + O(h^5)$$\n"
    )
    assert verdict_list(doc) == ["right", "wrong", "right", "wrong", "right", "wrong"]


def test_a_wrong_term_is_named():
    (judgement,) = judge_document("$$x(t-h) = x(t) - h x'(t) - \\frac{h^2}{2} x''(t) + O(h^3)$$\n")
    assert judgement.message.startswith("the terms in h^2 differ")
    assert judgement.diagnosis == "probable sign error: the sign of the term -h^2·x''(t)/2"


def test_two_dimensional_expansions():
    doc = (
        "$$f(x+h, y+h) = f(x, y) + h \\frac{\\partial f(x, y)}{\\partial x} "
        "+ h \\frac{\\partial f(x, y)}{\\partial y} + O(h^2)$$\n\n"
        "$$f(x+h, y+h) = f(x, y) + h \\frac{\\partial f(x, y)}{\\partial x} + O(h^2)$$\n"
    )
    right, wrong = judge_document(doc)
    assert (right.verdict, wrong.verdict) == ("right", "wrong")
    assert "∂f(x, y)/∂y" in wrong.message


@pytest.mark.parametrize(
    ("formula", "verdict"),
    [
        # u_t, u_{xx}: partial derivatives in subscript notation, the arguments' letters
        ("u(x, t+\\Delta t) = u(x,t) + \\Delta t\\, u_t(x,t) + O(\\Delta t^2)", "right"),
        ("u(x+h, t) - 2u(x,t) + u(x-h, t) = h^2 u_{xx}(x,t) + O(h^4)", "right"),
        ("u(x+h, t) - u(x,t) = \\frac{h}{2} u_{xx}(x,t) + O(h^2)", "wrong"),
        ("f(x + h, y) = f(x, y) + h f_y(x, y) + O(h^2)", "wrong"),
        # a subscript that is no argument's letter is not a derivative: not read so
        ("u(x+h, t) = u(x,t) + h u_k(x,t) + O(h^2)", "unverified"),
    ],
)
def test_subscript_partial_derivatives_of_a_function_of_several_variables(formula, verdict):
    assert verdict_list(f"$${formula}$$\n") == [verdict]


def test_steps_with_h_equal_to_one_are_rescaled():
    doc = (
        "with $h = 1$, $x''(t) \\approx x(t+1) + x(t-1) - 2x(t)$.\n\n"
        "$x''(t) \\approx x(t+1) - x(t)$\n\n"
        "$2 x''(t) \\approx x(t+1) + x(t-1) - 2x(t)$\n\n"
        "$\\nabla^2 f(x, y) \\approx f(x+1, y) + f(x-1, y) + f(x, y+1) + f(x, y-1) - 4 f(x, y)$\n\n"
        "$x'(t) \\approx \\frac{x(t+1) - x(t-1)}{2}$\n"
    )
    assert verdict_list(doc) == ["right", "wrong", "wrong", "right", "right"]


def test_leading_order_with_a_step():
    doc = (
        "$$f'(x) \\approx \\frac{f(x+h) - f(x)}{h}$$\n\n"
        "$$f'(x) \\approx \\frac{f(x+h) - f(x-h)}{h}$$\n\n"
        "$$f''(x) \\approx \\frac{f(x+h) - 2f(x) + f(x-h)}{h^2}$$\n"
    )
    assert verdict_list(doc) == ["right", "wrong", "right"]


def test_delta_for_delta_t_is_a_probable_typo():
    (judgement,) = judge_document("$$u'(t) \\approx \\frac{u(t + \\Delta t) - u(t)}{\\Delta}$$\n")
    assert judgement.verdict == "wrong"
    assert judgement.diagnosis == "probable typo: Δ where Δt was meant"


# (stencil as written, offsets, weights, derivative order, the orders people claim)
STENCILS = [
    (r"\frac{f(x+h) - f(x)}{h}", [0, 1], [-1, 1], 1),
    (r"\frac{f(x) - f(x-h)}{h}", [-1, 0], [-1, 1], 1),
    (r"\frac{f(x+h) - f(x-h)}{2h}", [-1, 1], [Fraction(-1, 2), Fraction(1, 2)], 1),
    (r"\frac{-3f(x) + 4f(x+h) - f(x+2h)}{2h}", [0, 1, 2], [Fraction(-3, 2), 2, Fraction(-1, 2)], 1),
    (r"\frac{f(x+h) - 2f(x) + f(x-h)}{h^2}", [-1, 0, 1], [1, -2, 1], 2),
]


def numeric_order(offsets, weights, derivative):
    def f(x):
        return math.exp(math.sin(x))

    exact = {1: lambda x: math.cos(x) * f(x), 2: lambda x: (math.cos(x) ** 2 - math.sin(x)) * f(x)}

    def error(h):
        pairs = zip(offsets, weights, strict=True)
        value = sum(float(w) * f(0.3 + o * h) for o, w in pairs) / h**derivative
        return value - exact[derivative](0.3)

    return round(ref.observed_order(error, 1e-2))


@pytest.mark.parametrize("stencil,offsets,weights,derivative", STENCILS)
@pytest.mark.parametrize("claimed", [1, 2, 3])
def test_error_orders_agree_with_the_engine_and_with_floats(
    stencil, offsets, weights, derivative, claimed
):
    lhs = "f'(x)" if derivative == 1 else "f''(x)"
    order = "h" if claimed == 1 else f"h^{claimed}"
    doc = f"The stencil ${lhs} \\approx {stencil}$ has error $O({order})$.\n"
    approximation, claim = judge_document(doc)
    accuracy = from_weights(derivative, offsets, weights).accuracy
    assert accuracy == numeric_order(offsets, weights, derivative)
    assert approximation.verdict == "right"
    # claiming a higher order than the true one is wrong; a lower one holds (with a warning)
    assert claim.verdict == ("wrong" if claimed > accuracy else "right"), claim.message
    if claimed < accuracy:
        assert claim.warnings and f"O(h^{accuracy})" in claim.warnings[0]


def test_order_of_a_central_difference_written_as_an_equality():
    doc = (
        "$$\\frac{f(x+h) - f(x-h)}{2h} = f'(x) + \\frac{h^2}{6} f'''(x) + O(h^4)$$\n\n"
        "so the error is $O(h^2)$.\n"
    )
    expansion, order = judge_document(doc)
    assert (expansion.verdict, order.verdict) == ("right", "right")
    assert "τ = h^2·f'''(x)/6" in order.message


def test_series_of_known_functions():
    doc = (
        "$e^{h} = 1 + h + \\frac{h^2}{2} + O(h^3)$\n\n"
        "$\\sin h = h - \\frac{h^3}{6} + O(h^5)$\n\n"
        "$\\cos h = 1 - h^2 + O(h^4)$\n"
    )
    assert verdict_list(doc) == ["right", "right", "wrong"]


def test_a_kernel_after_its_stencil():
    doc = (
        "$$\\nabla^2 u(x, y) \\approx "
        "\\frac{u(x+h,y) + u(x-h,y) + u(x,y+h) + u(x,y-h) - 4u(x,y)}{h^2}$$\n\n"
        "so $w = \\frac{1}{h^2}\\begin{bmatrix} 0 & 1 & 0 \\\\ 1 & -4 & 1 \\\\ 0 & 1 & 0 "
        "\\end{bmatrix}$,\n"
        "or $w' = \\frac{1}{6}\\begin{bmatrix} 1 & 4 & 1 \\\\ 4 & -20 & 4 \\\\ 1 & 4 & 1 "
        "\\end{bmatrix}$,\n"
        "or $w'' = \\begin{bmatrix} 1 & 1 & 1 \\\\ 1 & -8 & 1 \\\\ 1 & 1 & 1 \\end{bmatrix}$.\n"
    )
    stencil, kernel, isotropic, nine = judge_document(doc)
    assert (stencil.verdict, kernel.verdict) == ("right", "right")
    for other in (isotropic, nine):  # Laplacians up to a factor, but not the stencil of line 1
        assert other.verdict == "right"
        assert other.warnings and "not the stencil of line 1" in other.warnings[0]


def test_a_kernel_that_is_no_stencil_of_the_operator_at_any_scale():
    doc = (
        "$\\nabla^2 f(x, y) \\approx f(x+1, y) + f(x-1, y) + f(x, y+1) + f(x, y-1) - 4 f(x, y)$\n\n"
        "$w = \\begin{bmatrix} 0 & 1 & 0 \\\\ 2 & -6 & 2 \\\\ 0 & 1 & 0 \\end{bmatrix}$\n"
    )
    _, kernel = judge_document(doc)
    assert kernel.verdict == "wrong"
    # weights sum to 0, but f = x^2 (first axis: rows) and f = y^2 disagree
    assert kernel.witness.startswith("f = ") and "≠" in kernel.witness


# ----------------------------------------------------------------------------------------------
# Approximations stated with "=" and no remainder, written series, limits, d-operator steps
# ----------------------------------------------------------------------------------------------
STATED_WITHOUT_REMAINDER = [
    # a stencil equated with the derivative it approximates: right, the error named
    ("$$u''(s) = \\frac{u(s+k) - 2u(s) + u(s-k)}{k^2}$$", "right"),
    # the same stencil over k (not k^2): false whatever the reading
    ("$$u''(s) = \\frac{u(s+k) - 2u(s) + u(s-k)}{k}$$", "wrong"),
    # a series written through Δ^2: the terms written must all be right ...
    ("$$u(s+2k) - 2u(s+k) = -u(s) + \\frac{k^2}{2}(4-2)u''(s)$$", "right"),
    # ... a wrong coefficient in a written term is wrong, though the leading terms agree
    ("$$u(s+2k) - 2u(s+k) = -u(s) + \\frac{k^2}{2}(4-3)u''(s)$$", "wrong"),
    # "≈" with a written series: the same rule
    ("$$u(s+k) \\approx u(s) + k u'(s) + k^2 u''(s)$$", "wrong"),
]


@pytest.mark.parametrize(("line", "expected"), STATED_WITHOUT_REMAINDER)
def test_stated_approximations_hold_through_the_terms_they_write(line, expected):
    (judgement,) = judge_document(line + "\n")
    assert judgement.verdict == expected, judgement.message
    if expected == "right" and "=" in line and "approx" not in line:
        assert "= read as an approximation" in judgement.message


def test_the_error_left_out_of_a_stated_series_is_named():
    doc = "$$u(s+2k) - 2u(s+k) = -u(s) + \\frac{k^2}{2}(4-2)u''(s)$$\n"
    (judgement,) = judge_document(doc)
    # u(s+2k) − 2u(s+k) = −u + k²u'' + k³u'''(8−2)/6 + …: the k^3 term is the first left out
    assert judgement.message.endswith("the first term left out is O(k^3)")


def test_limits_of_difference_quotients_are_taken_exactly():
    doc = (
        "$$\\frac{dg}{dy} = \\lim_{dy \\to 0} \\frac{g(y+dy) - g(y)}{dy}$$\n\n"
        "$$\\frac{dg}{dy} = \\lim_{k \\to 0} \\frac{g(y+k) - g(y-k)}{k}$$\n\n"
        "$$\\frac{dg}{dy} = \\lim_{k \\to 0} \\frac{g(y+k) - g(y-k)}{2k}$$\n"
    )
    verdicts = [(j.verdict, j.message) for j in judge_document(doc)]
    assert [v for v, _ in verdicts] == ["right", "wrong", "right"], verdicts
    assert "2·g'(y)" in verdicts[1][1]


def test_d_letter_steps_are_differentials():
    # f(x + dx) is read with the step dx (not d times x)
    (judgement,) = judge_document("$$\\frac{dg}{dy} \\approx \\frac{g(y+dy) - g(y)}{dy}$$\n")
    assert judgement.verdict == "right"
    assert "O(dy)" in judgement.message


def test_taylor_remainders_in_mean_value_form():
    doc = (
        "For some $\\eta$ between $s$ and $s+k$,\n\n"
        "$$u(s+k) = u(s) + k u'(s) + \\frac{k^2}{2} u''(\\eta)$$\n\n"
        "$$u(s+k) = u(s) + k u'(s) + k^2 u''(\\eta)$$\n"
    )
    first, second = judge_document(doc)
    assert (first.verdict, second.verdict) == ("right", "wrong")
    assert "mean-value form (η → s" in first.message
    assert "terms in k^2 differ" in second.message


def test_a_series_that_ends_on_dots_is_judged_through_its_last_written_term():
    # "+ \cdots" after the last term is the unwritten remainder; it was once a term of its own,
    # and a true Taylor expansion read as wrong.
    doc = (
        "$$g(t+k) = g(t) + k g'(t) + \\frac{k^2}{2} g''(t) + \\frac{k^3}{6} g'''(t) + \\cdots$$\n\n"
        "$$g(t+k) = g(t) + k g'(t) + \\frac{k^2}{3} g''(t) + \\ldots$$\n\n"
        "$$g(t-k) = g(t) - k g'(t) + \\dots + \\frac{k^2}{2} g''(t)$$\n"
    )
    first, second, third = judge_document(doc)
    assert (first.verdict, second.verdict, third.verdict) == ("right", "wrong", "unverified")
    assert "⋯ read as the terms of higher order" in first.message
    assert "through the k^3 term" in first.message
    assert "terms in k^2 differ" in second.message
    assert "dots (⋯) stand for terms the line does not write" in third.message


@pytest.mark.parametrize(
    ("claimed", "verdict"),
    [("O(h^4)", "right"), ("O(h^2)", "right"), ("O(h^6)", "wrong")],
)
def test_the_error_of_a_truncation_error_written_out_is_its_first_term(claimed, verdict):
    # τ = stencil − f'(x) written out: its error is its own first term, h^4 (before: the gap
    # between its first two terms, h^6 − h^4, and a true O(h^4) was called wrong)
    doc = (
        "Notes.\n\n$$\\frac{-f(x+2h) + 8f(x+h) - 8f(x-h) + f(x-2h)}{12h} - f'(x) = "
        "-\\frac{h^4}{30} f^{(5)}(x) + O(h^6)$$\n\n"
        f"so the error is ${claimed}$.\n"
    )
    assert verdict_list(doc) == ["right", verdict]


def test_a_named_operator_is_shown_as_written_not_as_internals():
    # f'(x) ≈ D_h f(x): the operator is no term of a series in h; the reason shows it plainly
    doc = "Notes.\n\n$$f'(x) \\approx D_h f(x) = T_h$$\n"
    first = judge_document(doc)[0]
    assert first.verdict == "unverified"
    assert "varepsilon" not in first.message and "D[h]" in first.message


RICHARDSON = "Take $N_1(h) = \\frac{f(x_0+h)-f(x_0-h)}{2h}$ and $D(h) = \\frac{f(x+h) - f(x)}{h}$."


@pytest.mark.parametrize(
    ("formula", "verdict"),
    [
        # a name the text defines as a function of h is applied, never multiplied (was
        # "ambiguous: N_1 applied to (h), or N_1 times it?")
        ("N_1(h) = f'(x_0) + \\frac{h^2}{6} f'''(x_0) + O(h^4)", "right"),
        ("N_1(h) = f'(x_0) + \\frac{h^2}{3} f'''(x_0) + O(h^4)", "wrong"),
        ("\\frac{4 N_1(h/2) - N_1(h)}{3} = f'(x_0) + O(h^4)", "right"),
        ("\\frac{4 N_1(h/2) - N_1(h)}{3} = f'(x_0) + O(h^6)", "wrong"),
        ("\\frac{2 N_1(h/2) - N_1(h)}{3} = f'(x_0) + O(h^2)", "wrong"),
        ("2D(h/2) - D(h) = f'(x) + O(h^2)", "right"),
    ],
)
def test_richardson_extrapolation_of_a_defined_step_function(formula, verdict):
    judgements = [
        j for j in check_text(f"{RICHARDSON}\n\n$${formula}$$\n").judgements if j.claim.line == 3
    ]
    assert [j.verdict for j in judgements] == [verdict], [j.message for j in judgements]


def test_a_value_not_holding_the_argument_defines_no_function():
    from symconv.check.claims import defined_functions

    assert defined_functions("D(h) = \\frac{f(x+h) - f(x)}{h}") == {"D"}
    assert defined_functions("P(A) = 0.5") == set()
    assert defined_functions("L(K-1) = 6") == set()


@pytest.mark.parametrize(
    ("formula", "verdict"),
    [
        # an operator the chain's next link writes out: A ≈ B = C says A ≈ C (was unverified)
        ("f'(x) \\approx D_h f(x) = \\frac{f(x+h)-f(x)}{h}", "right"),
        ("f''(x) \\approx D_h^2 f(x) = \\frac{f(x+h)-f(x)}{h^2}", "wrong"),
        ("f'(x) \\approx \\delta_h f(x) = \\frac{f(x+h)-f(x-h)}{2h}", "right"),
        # the next link says nothing an expansion reads: not decided
        ("f'(x) \\approx D_h f(x) = T_h", "unverified"),
        # δ_h is the operator of step h, not a step: alone, not decided (was wrong)
        ("f'(x) \\approx \\delta_h f(x)", "unverified"),
    ],
)
def test_an_approximation_through_the_operator_the_next_link_defines(formula, verdict):
    judgements = check_text(f"Notes.\n\n$${formula}$$\n").judgements
    assert judgements[0].verdict == verdict, judgements[0].message


def test_an_order_refers_to_the_math_of_its_own_sentence():
    # "D = … has error O(h^4)": D's definition, not the expansion of D(h) a line above (was
    # judged against that one and called wrong)
    doc = (
        "Let $D(h) = \\frac{f(x+h) - f(x-h)}{2h}$. Then "
        "$D(h) = f'(x) + \\frac{h^2}{6} f'''(x) + O(h^4)$.\n\n"
        "The extrapolated value $D = \\frac{4 D(h/2) - D(h)}{3}$ has error $O(h^4)$.\n"
    )
    judgements = [j for j in check_text(doc).judgements if j.claim.line == 3]
    assert [j.verdict for j in judgements] == ["unverified"], [j.message for j in judgements]


def test_an_operators_label_is_no_weight_of_an_ansatz():
    doc = (
        "$$f'(x) \\approx D_h f(x) = \\frac{f(x+h)-f(x)}{h}$$\n\n"
        "With $D(h) = \\frac{f(x+h) - f(x-h)}{2h}$, take $$D = \\frac{4 D(h/2) - D(h)}{3}$$\n"
    )
    assert not any("ansatz" in j.message for j in check_text(doc).judgements)


_GRID = "Let $x_k = x_0 + kh$.\n\n"
_ANSATZ = "a f(x_0) + b f(x_1) + c f(x_2) = f'(x_0) + O(h^2)"


@pytest.mark.parametrize(
    ("values", "verdict"),
    [
        # every weight stated after "where" / 其中: the ansatz is judged with them
        ("where $a = -\\frac{3}{2h}$, $b = \\frac{2}{h}$, $c = -\\frac{1}{2h}$.", "right"),
        ("其中 $a = -\\frac{3}{2h}$, $b = \\frac{2}{h}$, $c = -\\frac{1}{2h}$。", "right"),
        ("其中 $a = -\\frac{3}{2h}$, $b = \\frac{2}{h}$, $c = -\\frac{1}{h}$。", "wrong"),
        # a weight left unstated may depend on the step: no proof that it fails
        ("where $a = -\\frac{3}{2h}$.", "unverified"),
    ],
)
def test_an_ansatz_with_the_weights_its_glossary_states(values, verdict):
    doc = _GRID + f"Solving, ${_ANSATZ}$, {values}\n"
    judgements = [j for j in check_text(doc).judgements if "f(x_0)" in j.claim.text]
    assert [j.verdict for j in judgements] == [verdict], [j.message for j in judgements]


@pytest.mark.parametrize(
    ("formula", "verdict"),
    [
        # what the samples stand for: notation, no error order (was "right, O(h^7)")
        ("u_j^n \\approx u(x_j, t_n)", "unverified"),
        ("f_i = f(x_i)", "unverified"),
        ("\\frac{\\partial u}{\\partial t}(x_j, t_n) \\approx \\frac{u_j^{n+1} - u_j^n}{\\Delta t}",
         "right"),
    ],
)  # fmt: skip
def test_a_line_that_says_what_the_samples_are_is_notation(formula, verdict):
    doc = f"Let $x_j = j\\Delta x$ and $t_n = n\\Delta t$.\n\nWe use $${formula}$$\n"
    judgements = [j for j in check_text(doc).judgements if j.claim.line == 3]
    assert [j.verdict for j in judgements] == [verdict], [j.message for j in judgements]


@pytest.mark.parametrize(
    ("formula", "verdict"),
    [
        ("\\left.\\frac{df}{dx}\\right|_{x_0} \\approx \\frac{f(x_0+h) - f(x_0)}{h}", "right"),
        ("\\left.\\frac{df}{dx}\\right|_{x_0} \\approx \\frac{f(x_0+h) - f(x_0-h)}{h}", "wrong"),
        ("\\frac{d^2f}{dx^2}\\Big|_{x=x_0} \\approx "
         "\\frac{f(x_0+h) - 2f(x_0) + f(x_0-h)}{h^2}", "right"),
    ],
)  # fmt: skip
def test_a_derivative_at_an_evaluation_bar(formula, verdict):
    judgements = check_text(f"Notes.\n\n$${formula}$$\n").judgements
    assert [j.verdict for j in judgements] == [verdict], [j.message for j in judgements]


_OPERATORS = (
    "Define $$D_+ f(x) = \\frac{f(x+h) - f(x)}{h}, \\quad D_- f(x) = \\frac{f(x) - f(x-h)}{h}, "
    "\\quad D_0 f(x) = \\frac{f(x+h) - f(x-h)}{2h}.$$\n\n"
)


@pytest.mark.parametrize(
    ("formula", "verdict"),
    [
        ("D_+ f(x) = f'(x) + O(h)", "right"),
        ("D_0 f(x) = f'(x) + O(h^2)", "right"),
        ("D_- f(x) = f'(x) + O(h^2)", "wrong"),
        ("D_+ D_- f(x) = \\frac{f(x+h) - 2f(x) + f(x-h)}{h^2}", "right"),
        ("D_+ D_- f(x) = \\frac{f(x+h) - f(x) + f(x-h)}{h^2}", "wrong"),
    ],
)
def test_operators_with_a_sign_are_read_through_their_definition(formula, verdict):
    judgements = check_text(_OPERATORS + f"$${formula}$$\n").judgements
    definitions = [j for j in judgements if j.claim.line == 1]
    assert definitions and all("notation" in j.message for j in definitions)
    (judgement,) = [j for j in judgements if j.claim.line == 3]
    assert judgement.verdict == verdict, judgement.message


def test_an_operator_of_the_step_defined_on_its_own_line():
    doc = (
        "$$D_h f(x) = \\frac{f(x+h)-f(x)}{h}$$\n\n"
        "$$D_h f(x) = f'(x) + \\frac{h}{2} f''(x) + O(h^2)$$\n\n"
        "$$D_h f(x) = f'(x) + h f''(x) + O(h^2)$$\n"
    )
    verdicts = [j.verdict for j in check_text(doc).judgements]
    assert verdicts == ["unverified", "right", "wrong"]


def test_an_order_speaks_of_the_math_in_its_own_clause() -> None:
    # "…, while the forward difference $\frac{f(x+h) - f(x)}{h}$ has error $O(h)$": the O(h) is
    # the forward difference's, never the central difference's written before it
    doc = (
        "The central difference\n$$f'(x) \\approx \\frac{f(x+h) - f(x-h)}{2h}$$\nhas error "
        "$O(h^2)$, while the forward difference $\\frac{f(x+h) - f(x)}{h}$ has error $O(h)$.\n"
    )
    found = [(j.claim.line, j.claim.text, j.verdict, j.warnings) for j in judge_document(doc)]
    assert [(line, text, verdict) for line, text, verdict, _ in found] == [
        (2, "f'(x) \\approx \\frac{f(x+h) - f(x-h)}{2h}", "right"),
        (3, "O(h^2)", "right"),
        (3, "O(h)", "unverified"),
    ]
    # the order after the approximation in its own clause is still judged
    doc = "The central difference $f'(x) \\approx \\frac{f(x+h) - f(x-h)}{2h}$ has error $O(h)$.\n"
    assert [j.verdict for j in judge_document(doc)][-1] == "right"


def test_a_derivative_of_a_known_function_at_a_number_is_its_value_and_an_unknown_one_is_not():
    # σ'(2) ≈ 0.105 (a value the field's σ gives) was unverified; f'(2) ≈ 0.2 with f never
    # defined was called wrong, with a made-up f as the witness
    from symconv.check.api import check

    doc = (
        "We get $\\sigma'(2) \\approx 0.105$, not $\\sigma'(2) \\approx 0.2$; "
        "also $f'(2) \\approx 0.2$.\n"
    )
    judged = check(doc).judgements
    assert [j.verdict for j in judged] == ["right", "wrong", "unverified"]
    assert "f is not defined" in judged[2].message
