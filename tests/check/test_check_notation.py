"""Issue 18, the notation real people write: each capability's regression test, written from a
synthetic example of the general form (never from a corpus document)."""

from __future__ import annotations

import pytest

from symconv.check.parser import parse_expression
from tests.check_keys import judge_document, verdicts

# --- a name followed by a bracket is an entry of that name, subscript or not --------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("z_t[0]", "z_t[0]"),
        ("h_{k}[i, j]", "h_k[i, j]"),
        ("y_{ij}[n]", "y_{ij}[n]"),
    ],
)
def test_a_subscripted_name_before_a_bracket_is_indexed(text, expected):
    assert str(parse_expression(text)) == expected


@pytest.mark.parametrize(
    "claim", [r"$z_t[0] = a_t[0]w_t$", r"$z_t[0] = 3 a_t[0] w_t$", r"$h_k[2] = 5 u_k[1]$"]
)
def test_an_entry_of_a_subscripted_tensor_is_never_right_by_a_zero_product(claim):
    assert "right" not in [v for _, _, v in verdicts(f"Then {claim}.\n")]


# --- an ansatz is a premise; an unknown's derivative is not 0 -----------------------------------


ANSATZ = r"""Consider the second derivative of $g(x)$ accurate to $O(h^2)$, and assume:

$$
\partial_{x}^{2} g_{k} = c_{-1} g_{k-1} + c_{0} g_{k} + c_{1} g_{k+1}
$$

Suppose $\partial_t u_m = b_0 u_m + b_1 u_{m+1}$ for the coefficients we seek.
"""


def test_an_ansatz_after_assume_is_a_premise_not_a_claim():
    assert [v for _, _, v in verdicts(ANSATZ) if v == "wrong"] == []
    assert all(line not in (4, 7) for line, _, _ in verdicts(ANSATZ))


def test_a_sampled_function_has_no_known_derivative_in_a_variable_it_is_not_written_in():
    text = "Then $\\partial_{x} g_{k} = c_{0} g_{k} + c_{1} g_{k+1}$.\n"
    assert [v for _, _, v in verdicts(text)] == ["unverified"]


# --- grid samples f_{i+k} with the step Δx are f(x + kΔx) ---------------------------------------


@pytest.mark.parametrize(
    ("stencil", "expected"),
    [
        (r"\frac{-3f_{i} + 4f_{i+1} - f_{i+2}}{2\Delta x} = \partial_{x}f_{i} + O(\Delta x^{2})",
         "right"),
        (r"\frac{1!}{\Delta x^{1}}\left(-\frac{3}{2}f_{i} + 2f_{i+1} - \frac{1}{2}f_{i+2}\right)"
         r" = \partial_{x}f_{i} + \mathcal{O}\left(\Delta x^{2}\right)", "right"),
        (r"\frac{u_{j+1} - 2u_{j} + u_{j-1}}{h^2} = \partial_{y}^{2}u_{j} + O(h^{2})", "right"),
        (r"\frac{f_{i+1} - f_{i-1}}{\Delta x} = \partial_{x}f_{i} + O(\Delta x^{2})", "wrong"),
        (r"\frac{f_{i+1} - 2f_{i} + f_{i-1}}{\Delta x} = \partial_{x}^{2}f_{i} + O(\Delta x^{2})",
         "wrong"),
    ],
)  # fmt: skip
def test_grid_samples_are_the_function_at_shifted_points(stencil, expected):
    text = f"Then\n\n$$\n{stencil}\n$$\n"
    assert [v for _, _, v in verdicts(text)] == [expected]


def test_a_point_where_a_side_divides_by_zero_is_no_witness():
    text = "Then $\\frac{f_{i+1} - f_{i}}{\\Delta x} = \\frac{f_{i+1}}{\\Delta x} - f_{i}$.\n"
    for judgement in judge_document(text):
        assert "zoo" not in (judgement.witness or "")


# --- a premise sentence's data redefine its names; a tuple's subject is the nearest name --------

SHAPES = (
    r"Let $x = \begin{bmatrix}1 & 2\\ 3 & 4\end{bmatrix}$ and "
    r"$w = \begin{bmatrix}1 & 0 & 1\\ 0 & 1 & 0\\ 1 & 0 & 1\end{bmatrix}$." + "\n\n"
    "The input $x$ has shape $(2, 2)$, the kernel $w$ has shape $(3, 3)$.\n\n"
    "Suppose the input $x$ has shape $(16, 3, 128, 128)$, the kernel $w$ is $(8, 3, 3, 3)$, "
    "the stride is $(1, 1)$.\n\n"
    "Then $x$ has shape $(16, 3, 128, 128)$.\n"
)


def test_each_tuple_is_the_shape_of_the_nearest_name_before_it():
    assert [(line, v) for line, kind, v in verdicts(SHAPES) if line == 3] == [
        (3, "right"),
        (3, "right"),
    ]


def test_a_premise_sentence_gives_a_new_example_data_not_claims():
    found = verdicts(SHAPES)
    assert all(line != 5 for line, _, _ in found)
    assert [v for line, _, v in found if line == 7] == ["unverified"]


def test_a_premise_in_chinese_redefines_its_names():
    text = (
        "设 $a = \\begin{bmatrix}1 & 2\\\\ 3 & 4\\end{bmatrix}$。\n\n"
        "假设输入特征图$a$维度为$(16, 3, 128, 128)$\uff0c"
        "卷积核$w$为$(8, 3, 3, 3)$\uff0c步长为$(1,1)$。\n"
    )
    assert "wrong" not in [v for _, _, v in verdicts(text)]


# --- layer superscripts are names; primes as superscripts; a row broken after its '=' ----------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x^{(l+1)}_j", "x^{(l+1)}[j]"),
        (r"W^{(l)}_{ji} \cdot \delta^{(l+1)}_j", "W^{(l)}[j, i]*delta^{(l+1)}[j]"),
        (r"a^{[l-1]}_{i}", "a^{[l-1]}[i]"),
        (r"\frac{\partial x^{(l+1)}_j}{\partial y^{(l)}_i}", "Partial(x^{(l+1)}[j], y^{(l)}[i])"),
        (r"\frac{\partial J}{\partial W^{(l)}_{ij}}", "∂J/∂W^{(l)}[i, j]"),
        (r"\frac{\partial^2 f}{\partial x^2}", "Derivative(f, (x, 2))"),
        ("i^{'} + j^{\\prime}", "i' + j'"),
        ("W(i^{'}, j^{'}, k_{in}, k)", "W(i', j', k_{in}, k)"),
        ("f^{\\prime}(x)", "Derivative(f(x), x)"),
        ("{f_a}'(x)", "Derivative(f_a(x), x)"),
        ("g_a'(z) + g_a(z)", "g_a(z) + Derivative(g_a(z), z)"),
    ],
)
def test_layer_labels_and_primes_are_read_as_written(text, expected):
    assert str(parse_expression(text)) == expected


def test_a_row_broken_after_its_equals_sign_goes_on_in_the_next():
    from symconv.check.parser import parse_math

    chain = parse_math("J =\\\\ = a b =\\\\ = c").single()
    assert [str(side.expr) for side in chain.sides] == ["J", "a*b", "c"]


# --- Unicode math italic letters, \boxed, \sfrac ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\U0001d6ff_\U0001d461 \U0001d464_\U0001d461", "delta[t]*w[t]"),  # italic δ_t w_t
        ("\U0001d44e + \U0001d41b", "a + b"),  # italic a, bold b
        (r"\sfrac{1}{2} + 1", "3/2"),
    ],
)
def test_styled_letters_and_slanted_fractions_are_read_as_plain(text, expected):
    assert str(parse_expression(text)) == expected


def test_a_boxed_result_is_the_statement_in_its_box():
    text = "So\n\n$$\n\\boxed{\\frac{f(x+h) - f(x-h)}{2h} = f'(x) + O(h^2)}\n$$\n"
    assert [v for _, _, v in verdicts(text)] == ["right"]
    wrong = "So\n\n$$\n\\boxed{\\frac{f(x+h) - f(x-h)}{h} = f'(x) + O(h^2)}\n$$\n"
    assert [v for _, _, v in verdicts(wrong)] == ["wrong"]


# --- plain TeX \over, braced operators, bare layer superscripts, sizes in sum limits ----------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"{dz \over dy} \cdot {dy \over dx}", "Derivative(y, x)*Derivative(z, y)"),
        (r"{\partial \over \partial W^{(l)}_{ji}} J", "∂J/∂W^{(l)}[j, i]"),
        (r"a_{i,j{+}1} + a_{i{-}1,j}", "a[i - 1, j] + a[i, j + 1]"),
        (r"\delta^{l+1}_j w^l", "w^{l}*delta^{l+1}[j]"),
        (r"\frac{\partial L}{\partial x^{l}_{i}}", "∂L/∂x^{l}[i]"),
        ("x^2 + x^n", "x**2 + x**n"),
    ],
)
def test_plain_tex_fractions_and_layer_letters(text, expected):
    assert str(parse_expression(text)) == expected


def test_a_subscripted_size_in_a_sum_limit_is_not_an_index_left_unsummed():
    text = (
        "Then $$\\frac{\\partial L}{\\partial x_{i}} = \\sum_{m=1}^{H_k} "
        "\\frac{\\partial L}{\\partial z_{i-m+1}} w_{m}$$\n"
    )
    assert "wrong" not in [v for _, _, v in verdicts(text)]


# --- a name set equal to a formula of other names is defined, not refuted ----------------------


@pytest.mark.parametrize(
    "text",
    [
        "Let's assume that $l$ is the layer before the last ($l + 1 = L$).\n",
        "Here $2m + j = u$ is used below.\n",
    ],
)
def test_a_relation_giving_a_new_name_its_value_is_not_wrong(text):
    assert "wrong" not in [v for _, _, v in verdicts(text)]


def test_an_identity_between_given_formulas_is_still_judged():
    assert [v for _, _, v in verdicts("So $(a + b)^2 = a^2 + b^2$.\n")] == ["wrong"]


# --- function-style indices: Z(i, j, k) differentiated by, or once shown a tensor, is an entry --


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"\frac{\partial L}{\partial Z(i, j, k)}", "∂L/∂Z[i, j, k]"),
        (r"\frac{\partial Z(i, j)}{\partial W(a, b, k)}", "Partial(Z[i, j], W[a, b, k])"),
        (r"\frac{\partial L}{\partial Z(i, j)} + Z(i + 1, j)", "Z[i + 1, j] + ∂L/∂Z[i, j]"),
        (r"\frac{\partial \sigma(z)}{\partial z}", "Derivative(sigma(z), z)"),
        (r"\frac{\partial f(x, y)}{\partial x}", "Derivative(f(x, y), x)"),
    ],
)  # fmt: skip
def test_function_style_indices_are_entries_of_a_tensor(text, expected):
    assert str(parse_expression(text)) == expected


# --- a list of bindings after a cue is assumed, and the bindings are substituted ---------------


def test_every_binding_of_a_list_after_with_is_a_premise_and_is_used():
    text = "With $u = 3, v = 4$ we have $u + v = 7$.\n\nWith $u = 3, v = 4$ we have $u + v = 8$.\n"
    assert [(line, v) for line, _, v in verdicts(text)] == [(1, "right"), (3, "wrong")]


def test_sizes_along_an_axis_are_names():
    assert (
        str(parse_expression(r"\frac{n_H + 2p_h - f_h}{s_h} + 1")) == "1 + (-f_h + n_H + 2*p_h)/s_h"
    )


def test_angles_in_degrees():
    doc = (
        "Since $\\cos45^\\circ = \\sin 45^{\\circ} = \\frac{1}{\\sqrt{2}}$,\n"
        "and $\\sin 30° = 0.5$,\n"
        "but $\\cos 60^\\circ = 0.6$.\n"
    )
    assert [v for _, _, v in verdicts(doc)] == ["right", "right", "right", "wrong"]


def test_an_indicator_function_is_the_iverson_bracket_of_its_condition():
    # \mathbb{1}[…], \mathbf{1}(…), \mathbb{1}_{\{…\}}: 1 where the condition holds, else 0
    from symconv.check.api import check

    relu = "\\frac{d}{dx}\\max(0, x)"
    for indicator in ("\\mathbb{1}[x > 0]", "\\mathbf{1}(x > 0)", "\\mathbb{1}_{\\{x > 0\\}}"):
        assert [j.verdict for j in check(f"${relu} = {indicator}$").judgements] == ["right"]
    wrong = check(f"${relu} = \\mathbb{{1}}[x < 0]$").judgements
    assert [(j.verdict, j.witness) for j in wrong] == [("wrong", "x = 1: 0 ≠ 1")]
    # \mathbf{1}(n) without a condition is no indicator: never read as one
    assert all(j.verdict != "right" for j in check("$\\mathbf{1}(n) = 1$").judgements)
