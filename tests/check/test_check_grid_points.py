"""A function evaluated at grid points beside its samples (``f'(x_i) ≈ (f_{i+1} − f_{i-1})/2h``):
read on a uniform grid, ``x_{i+k} = x_i + kh`` and ``f_{i+k} = f(x_{i+k})``, so that true
approximations are confirmed and wrong ones caught (before, the samples and the function were
unrelated names, and a true line was called wrong)."""

from __future__ import annotations

import pytest

from symconv.check.runner import check_text

CASES = [
    ("f'(x_i) \\approx \\frac{f_{i+1} - f_{i-1}}{2h}", "right"),
    ("f'(x_i) \\approx \\frac{f_{i+1} - f_{i-1}}{h}", "wrong"),
    ("f''(x_i) = \\frac{f_{i+1} - 2f_i + f_{i-1}}{h^2} + O(h^2)", "right"),
    ("f''(x_i) = \\frac{f_{i+1} - 2f_i + f_{i-1}}{2h^2} + O(h^2)", "wrong"),
    ("f(x_{i+1}) = f(x_i) + h f'(x_i) + \\frac{h^2}{2} f''(x_i) + O(h^3)", "right"),
    ("f(x_{i-1}) = f(x_i) + h f'(x_i) + O(h^2)", "wrong"),
    ("u'(x_j) \\approx \\frac{u_{j+1} - u_{j}}{\\Delta x}", "right"),
    ("u'(x_j) = \\frac{-3u_{j} + 4u_{j+1} - u_{j+2}}{2\\Delta x} + O(\\Delta x^2)", "right"),
    # a sample of a derivative: primes on the sampled name
    ("f'_i = \\frac{f_{i+1} - f_{i-1}}{2h} + O(h^2)", "right"),
    ("u''_j \\approx \\frac{u_{j+1} - 2u_j + u_{j-1}}{h^2}", "right"),
    ("u''_j \\approx \\frac{u_{j+1} - u_j + u_{j-1}}{h^2}", "wrong"),
    ("f'_{i+1} \\approx \\frac{f_{i+2} - f_{i}}{2h}", "right"),
]


@pytest.mark.parametrize(("formula", "verdict"), CASES)
def test_functions_at_grid_points_beside_their_samples(formula, verdict):
    (judgement,) = check_text(f"Notes.\n\n$${formula}$$\n").judgements
    assert judgement.verdict == verdict, judgement.message


def test_entries_of_something_not_evaluated_as_a_function_are_left_alone():
    # w_{i+1} is not a sample of f: the link is not read on a grid
    doc = "Notes.\n\n$$f'(x_i) \\approx \\frac{w_{i+1} - w_{i-1}}{2h}$$\n"
    assert [j.verdict for j in check_text(doc).judgements] != ["right"]


@pytest.mark.parametrize(
    "formula",
    [
        "u'_j \\approx \\frac{1}{h}\\left(a u_{j-2} + b u_{j-1} + c u_j\\right)",
        "\\partial_x u_j \\approx \\frac{1}{h}\\left(a u_{j-2} + b u_{j-1} + c u_j\\right)",
        "f'(x) \\approx \\frac{a f(x+h) + b f(x)}{h}",
        "f''(x) = \\frac{\\alpha f(x-h) + \\beta f(x) + \\gamma f(x+h)}{h^2} + O(h^2)",
    ],
)
def test_an_ansatz_with_unknown_weights_is_not_wrong(formula):
    (judgement,) = check_text(f"We look for weights with\n\n$${formula}$$\n").judgements
    assert judgement.verdict == "unverified"
    assert "ansatz with unknown weights" in judgement.message


def test_an_ansatz_no_weights_can_satisfy_is_wrong():
    doc = "We look for weights with\n\n$$f'(x) \\approx \\frac{a f(x)}{h}$$\n"
    assert [j.verdict for j in check_text(doc).judgements] == ["wrong"]


def test_unknowns_on_both_sides_are_an_identity_in_them_not_an_ansatz():
    # the Taylor expansion of a weighted sum, with a sign slip in the constant term
    doc = "$$a f(x-h) + b f(x+h) = (b - a) f(x) + (b - a) h f'(x) + O(h^2)$$\n"
    assert [j.verdict for j in check_text(doc).judgements] == ["wrong"]


# --- numbered grid points x_0, x_1, x_2 read through the document's own grid -------------------

NUMBERED = [
    # (the grid the text defines, the claim, the verdict)
    (
        "where $x_k = x_0 + kh$",
        "f'(x_0) \\approx \\frac{-3 f(x_0) + 4 f(x_1) - f(x_2)}{2h}",
        "right",
    ),
    (
        "where $x_k = x_0 + kh$",
        "f'(x_0) \\approx \\frac{-3 f(x_0) + 4 f(x_1) - f(x_2)}{h}",
        "wrong",
    ),
    (
        "with $x_{i+1} = x_i + h$",
        "f''(x_1) \\approx \\frac{f(x_2) - 2f(x_1) + f(x_0)}{h^2}",
        "right",
    ),
    ("with $x_{i+1} - x_i = h$", "f(x_2) = f(x_0) + 2h f'(x_0) + 2h^2 f''(x_0) + O(h^3)", "right"),
    ("with $x_{i+1} - x_i = h$", "f(x_2) = f(x_0) + 2h f'(x_0) + h^2 f''(x_0) + O(h^3)", "wrong"),
    ("let $t_n = n\\Delta t$", "y(t_1) = y(t_0) + \\Delta t\\, y'(t_0) + O(\\Delta t^2)", "right"),
    # a half step: x_1 is x_0 + h/2, so the quotient is half the slope
    ("with $x_k = x_0 + kh/2$", "f'(x_0) \\approx \\frac{f(x_1) - f(x_0)}{h}", "wrong"),
    ("with $x_k = x_0 + kh/2$", "f'(x_0) \\approx \\frac{f(x_2) - f(x_0)}{h}", "right"),
    # the remainder in mean-value form, at numbered points
    (
        "Let $x_j = x_0 + jh$",
        "f'(x_0) = \\frac{1}{2h}\\left[f(x_1) - f(x_{-1})\\right] - \\frac{h^2}{6} f'''(\\xi)",
        "right",
    ),
    # a grid that is not uniform, or not said: no reading of x_1
    ("with $x_{i+1} = x_i + h_i$", "f'(x_0) \\approx \\frac{f(x_1) - f(x_0)}{h}", "unverified"),
    ("where $x_k = x_0 + k^2 h$", "f'(x_0) \\approx \\frac{f(x_1) - f(x_0)}{h}", "unverified"),
    ("on a grid", "f'(x_0) \\approx \\frac{-3 f(x_0) + 4 f(x_1) - f(x_2)}{h}", "unverified"),
]


@pytest.mark.parametrize(("grid", "formula", "verdict"), NUMBERED)
def test_numbered_points_are_read_through_the_grid_the_text_defines(grid, formula, verdict):
    doc = f"We work on a grid, {grid}.\n\n$${formula}$$\n"
    judgements = [j for j in check_text(doc).judgements if j.claim.line == 3]
    assert [j.verdict for j in judgements] == [verdict], [j.message for j in judgements]


def test_a_grid_not_defined_is_named_in_the_reason():
    doc = "Notes.\n\n$$f'(x_0) \\approx \\frac{f(x_1) - f(x_0)}{h}$$\n"
    (judgement,) = check_text(doc).judgements
    assert judgement.verdict == "unverified"
    assert "x_{0} and x_{1} are points of a grid the text does not define" in judgement.message


def test_a_taylor_expansion_at_a_grid_point_is_a_claim_not_a_definition_of_f():
    # before, f(x_1) = … defined f as the map x_1 ↦ …, and a later line used that "definition"
    doc = (
        "Let $x_k = x_0 + kh$.\n\n"
        "$$f(x_1) = f(x_0) + h f'(x_0) + \\frac{h^2}{2} f''(x_0) + O(h^3)$$\n\n"
        "$$f(x_2) = f(x_0) + 2h f'(x_0) + h^2 f''(x_0) + O(h^3)$$\n\n"
        "$$f''(x_i) \\approx \\frac{f(x_{i+1}) - 2 f(x_i) + f(x_{i-1})}{h^2}$$\n"
    )
    report = check_text(doc)
    assert [(j.claim.line, j.verdict) for j in report.judgements] == [
        (3, "right"),
        (5, "wrong"),
        (7, "right"),
    ]


SAMPLES = [
    # f_k = f(x_k): numbered samples of the function the claim differentiates
    ("Let $x_k = x_0 + kh$.", "f'(x_0) \\approx \\frac{-3f_0 + 4f_1 - f_2}{2h}", "right"),
    ("Let $x_k = x_0 + kh$.", "f'(x_0) \\approx \\frac{-3f_0 + 4f_1 - f_2}{h}", "wrong"),
    ("Let $x_k = x_0 + kh$.", "f'(x_1) \\approx \\frac{f_2 - f_0}{2h}", "right"),
    ("Let $x_k = x_0 + kh$.", "f_1 = f_0 + h f'(x_0) + O(h^2)", "right"),
    ("Let $x_k = x_0 + kh$.", "f_1 = f_0 + 2h f'(x_0) + O(h^2)", "wrong"),
    # the samples are values of f, not free numbers: with no grid, not decided (was wrong)
    ("Notes.", "f'(x_0) \\approx \\frac{-3f_0 + 4f_1 - f_2}{2h}", "unverified"),
    ("Notes.", "f''(x_0) \\approx \\frac{f_1 - 2f_0 + f_{-1}}{h^2}", "unverified"),
    ("Notes.", "f'(x) \\approx \\frac{f_1 - f_0}{h}", "unverified"),
]


@pytest.mark.parametrize(("grid", "formula", "verdict"), SAMPLES)
def test_numbered_samples_are_values_of_the_function(grid, formula, verdict):
    doc = f"{grid}\n\n$${formula}$$\n"
    judgements = [j for j in check_text(doc).judgements if j.claim.line == 3]
    assert [j.verdict for j in judgements] == [verdict], [j.message for j in judgements]


@pytest.mark.parametrize(
    "formula",
    [
        # bare weights (no /h written) stand for numbers over a power of h: a = -3/(2h), …
        "a f(x_0) + b f(x_1) + c f(x_2) = f'(x_0) + O(h^2)",
        "a f(x) + b f(x+h) + c f(x+2h) = f'(x) + O(h^2)",
        # no weights of the form w/h^p fit, but weights may be any functions of h
        "a f(x) + b f(x+h) = f''(x) + O(h)",
    ],
)
def test_bare_unknown_weights_are_an_ansatz_not_a_mistake(formula):
    doc = f"Let $x_k = x_0 + kh$. Find $a, b, c$ with\n\n$${formula}$$\n"
    judgements = [j for j in check_text(doc).judgements if j.claim.line == 3]
    assert [j.verdict for j in judgements] == ["unverified"]
    assert "ansatz with unknown weights" in judgements[0].message


SPACE_TIME = "Let $x_j = j\\Delta x$, $t_n = n\\Delta t$ and $u_j^n \\approx u(x_j, t_n)$."

_U_T = "\\frac{\\partial u}{\\partial t}(x_j, t_n)"

SPACE_TIME_CASES = [
    # the samples u_j^n beside u evaluated at grid points: u(x_j + aΔx, t_n + bΔt)
    (f"{_U_T} \\approx \\frac{{u_j^{{n+1}} - u_j^n}}{{\\Delta t}}", "right"),
    (f"{_U_T} \\approx \\frac{{u_j^{{n+1}} - u_j^{{n-1}}}}{{\\Delta t}}", "wrong"),
    (
        "\\frac{\\partial^2 u}{\\partial x^2}(x_j, t_n) = "
        "\\frac{u_{j+1}^n - 2u_j^n + u_{j-1}^n}{\\Delta x^2} + O(\\Delta x^2)",
        "right",
    ),
    (
        "\\frac{\\partial u}{\\partial x}(x_j, t_n) = "
        "\\frac{u_{j+1}^n - u_{j}^n}{\\Delta x} + O(\\Delta x^2)",
        "wrong",
    ),
    # subscript derivatives at grid points, u at shifted grid points (was unreadable)
    ("u(x_j, t_{n+1}) = u(x_j,t_n) + \\Delta t\\, u_t(x_j,t_n) + O(\\Delta t^2)", "right"),
    (
        "u(x_{j+1}, t_n) = u(x_j,t_n) + \\Delta x\\, u_x(x_j,t_n) "
        "+ \\Delta x^2 u_{xx}(x_j,t_n) + O(\\Delta x^3)",
        "wrong",
    ),
    # u is also the function: its Taylor expansions are read beside the samples
    ("u(x+h,t) - u(x,t) = h u_x(x,t) + O(h^2)", "right"),
    ("u(x+h,t) - u(x,t) = h u_x(x,t) + h^2 u_{xx}(x,t) + O(h^3)", "wrong"),
]


@pytest.mark.parametrize(("formula", "verdict"), SPACE_TIME_CASES)
def test_grid_samples_and_the_function_they_sample_are_both_read(formula, verdict):
    doc = f"{SPACE_TIME}\n\n$${formula}$$\n"
    judgements = [j for j in check_text(doc).judgements if j.claim.line == 3]
    assert [j.verdict for j in judgements] == [verdict], [j.message for j in judgements]


def test_a_function_at_shifted_grid_points_the_text_does_not_place_is_not_decided():
    formula = "u(x_j, t_{n+1}) = u(x_j,t_n) + 2\\Delta t\\, u_t(x_j,t_n) + O(\\Delta t^2)"
    (judgement,) = check_text(f"Notes.\n\n$${formula}$$\n").judgements
    assert judgement.verdict == "unverified", judgement.message


def test_space_time_samples_on_a_grid_the_text_does_not_define_are_not_decided():
    # where u_j^n lies is not known: was "the left side 0", wrong
    formula = f"{_U_T} \\approx \\frac{{u_j^{{n+1}}-u_j^n}}{{\\Delta t}}"
    (judgement,) = check_text(f"Notes.\n\n$${formula}$$\n").judgements
    assert judgement.verdict == "unverified"
    assert "grid points the text does not place" in judgement.message


@pytest.mark.parametrize(
    ("formula", "verdict"),
    [
        # a derivative evaluated at a point: never the derivative times the point (was wrong)
        ("\\frac{d^2 f}{dx^2}(x) = \\frac{f(x+h) - 2f(x) + f(x-h)}{h^2} + O(h^2)", "right"),
        ("\\frac{d^2 f}{dx^2}(x) = \\frac{f(x+h) - 2f(x) + f(x-h)}{2h^2} + O(h^2)", "wrong"),
        ("\\frac{d f}{dx}(x_0) \\approx \\frac{f(x_0+h) - f(x_0)}{h}", "right"),
        ("\\frac{d f}{dx}(x_0) \\approx \\frac{f(x_0+h) - f(x_0)}{2h}", "wrong"),
        # u_{xxxx}: the fourth derivative, not another function (was wrong)
        (
            "u(x+h, t) - 2u(x,t) + u(x - h, t) = h^2 u_{xx}(x,t) + "
            "\\frac{h^4}{12} u_{xxxx}(x,t) + O(h^6)",
            "right",
        ),
        (
            "u(x+h, t) - 2u(x,t) + u(x - h, t) = h^2 u_{xx}(x,t) + "
            "\\frac{h^4}{24} u_{xxxx}(x,t) + O(h^6)",
            "wrong",
        ),
    ],
)
def test_a_derivative_evaluated_at_a_point(formula, verdict):
    (judgement,) = check_text(f"Notes.\n\n$${formula}$$\n").judgements
    assert judgement.verdict == verdict, judgement.message


def test_a_derivative_times_a_bracket_that_is_no_point_stays_a_product():
    from symconv.check.parser import parse_math

    (chain,) = parse_math("\\frac{\\partial L}{\\partial z}(y - t)").statements
    assert chain.sides[0].expr.is_Mul


ANSATZ = (
    "Let $x_k = x_0 + kh$. Find $a, b, c$ with "
    "$a f(x_0) + b f(x_1) + c f(x_2) = f'(x_0) + O(h^2)$.\n\n"
)


@pytest.mark.parametrize(
    ("answer", "verdicts"),
    [
        # the stated weights are judged against the ansatz they answer (were not checked)
        (
            "The answer is $a = -\\frac{3}{2h}$, $b = \\frac{2}{h}$, $c = -\\frac{1}{2h}$.",
            ["right", "right", "right"],
        ),
        # one weight off: that one is wrong, with the weight the ansatz fixes
        (
            "The answer is $a = -\\frac{3}{2h}$, $b = \\frac{2}{h}$, $c = -\\frac{1}{h}$.",
            ["right", "right", "wrong"],
        ),
        # the step forgotten: the ansatz fails with them
        ("Answer: $a = -\\frac{3}{2}$, $b = 2$, $c = -\\frac{1}{2}$.", ["wrong"] * 3),
        # one weight alone: right when it is the one the ansatz fixes, else not decided
        ("So $a = -\\frac{3}{2h}$.", ["right"]),
        ("So $a = -\\frac{1}{h}$.", ["unverified"]),
    ],
)
def test_stated_weights_are_judged_against_their_ansatz(answer, verdicts):
    judgements = [j for j in check_text(ANSATZ + answer + "\n").judgements if j.claim.line == 3]
    assert [j.verdict for j in judgements] == verdicts, [j.message for j in judgements]
    if "wrong" in verdicts:
        assert "it fixes" in judgements[verdicts.index("wrong")].message


def test_weights_a_request_asks_for_are_unknowns_whatever_an_earlier_problem_gave_them():
    # the first section's answer (in the preamble) is not the second problem's: was wrong
    doc = (
        "# Notes\n\n" + ANSATZ + "So $a = -\\frac{3}{2h}$, $b = \\frac{2}{h}$, $c = -\\frac{1}{h}$."
        "\n\n## Problem 2\n\n" + ANSATZ + "\n## Problem 3\n\nMore.\n"
    )
    judgements = [j for j in check_text(doc).judgements if j.claim.line == 9]
    assert [j.verdict for j in judgements] == ["unverified"], [j.message for j in judgements]


def test_notation_written_with_write_and_values_listed_for_an_index():
    doc = (
        "Write $f_i = f(x_i)$ and let $x_k = x_0 + kh$ for $k = 0, 1, 2$.\n\n"
        "$$f'(x_0) \\approx \\frac{-3f_0 + 4f_1 - f_2}{2h}$$\n\n$$k + 1 = 1$$\n"
    )
    judgements = check_text(doc).judgements
    # "Write f_i = f(x_i)": notation, not an index formula waiting for --against
    assert not any("index formula" in j.message for j in judgements)
    # "for k = 0, 1, 2": the values of k, never the definition k = 0 (k + 1 = 1 was right)
    (last,) = [j for j in judgements if j.claim.line == 5]
    assert last.verdict != "right", last.message
    (scheme,) = [j for j in judgements if j.claim.line == 3]
    assert scheme.verdict == "right", scheme.message


_SCHEME = (
    "Let $x_j = j\\Delta x$ and $t_n = n\\Delta t$.\n\n"
    "$$u_j^{n+1} = u_j^n + r \\cdot (u_{j+1}^n - 2u_j^n + u_{j-1}^n)$$\n\n"
)


@pytest.mark.parametrize("line", ["$$u_j^0 = 1$$", "Here $u_2^0 = 0$.", "$$u_1^1 = u_1^0$$"])
def test_a_schemes_samples_are_never_judged_as_powers(line):
    # u_2^0 is the value at time level 0, not a power (was wrong: "u_2^0 = 1, not 0")
    judgements = [j for j in check_text(_SCHEME + line + "\n").judgements if j.claim.line == 5]
    assert judgements and all(j.verdict == "unverified" for j in judgements), [
        (j.verdict, j.message) for j in judgements
    ]


def test_powers_of_plain_entries_are_still_powers():
    doc = "Let $x_j = jh$.\n\n$$x_j^{k} x_j = x_j^{k+1}$$\n\n$$a_i^2 a_i = a_i^3$$\n"
    judgements = check_text(doc).judgements
    assert not any("time level" in j.message for j in judgements)
    assert [j.verdict for j in judgements if j.claim.line == 5] == ["right"]


def test_a_weight_stated_only_in_another_section_stays_unknown():
    # c = -1/h belongs to section 1; section 3 states a and b only: its ansatz is undecided
    doc = (
        "Let $x_k = x_0 + kh$. Solving gives $a f(x_0) + b f(x_1) + c f(x_2) = f'(x_0) + O(h^2)$ "
        "where $a = -\\frac{3}{2h}$, $b = \\frac{2}{h}$, $c = -\\frac{1}{h}$.\n\n"
        "## 3\n\n"
        "Solving gives $a f(x_0) + b f(x_1) + c f(x_2) = f'(x_0) + O(h^2)$ where "
        "$a = -\\frac{3}{2h}$, $b = \\frac{2}{h}$.\n"
    )
    report = check_text(doc)
    last = [j for j in report.judgements if j.claim.line == 5]
    assert [j.verdict for j in last] == ["unverified"]
    assert "c = -1/(2·h)" in last[0].message
