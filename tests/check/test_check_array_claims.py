"""Shapes of arrays in code-like math (symconv/check/read_arrays.py, judges/arrays.py): own small
documents, each form with a right version that is confirmed, a typical mistake that is caught
(or at least never confirmed) and a version the checker cannot decide, left unverified."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from symconv.check.api import check
from symconv.check.array_statements import ArrayFacts
from symconv.check.model import Judgement


def array_judgements(document: str) -> list[Judgement]:
    return [j for j in check(document).judgements if isinstance(j.claim.facts, ArrayFacts)]


@dataclass(frozen=True)
class Case:
    name: str
    document: str
    line: int
    verdict: str
    shows: str  # a part of the message (or of the witness, for wrong)


LAYER_EN = (
    "Suppose the input $x$ has shape $(4, 5, 10, 10)$ and the kernel $k$ has shape "
    "$(6, 5, 3, 3)$, with the bias $c$ of shape $(6)$.\n"
)
LAYER_BAD_BIAS = LAYER_EN.replace("$(6)$", "$(5)$")
GLOSSARY = (
    "$X^{(l-1)}$ input of layer $l$, of shape $(N, D^{(l-1)}, P, Q)$\n\n"
    "$Y^{(l)}$ output, of shape $(N, D^{(l)}, P', Q')$\n\n"
    "$K^{(l)}$ kernel, of shape $(D^{(l)}, D^{(l-1)}, r, r)$\n\n"
    "$u^{(l)}$ bias, of shape $(D^{(l)},)$\n"
)
IM2COL = (
    "The input $x$ has shape $(2, 4, 6, 6)$, the kernel $k$ has shape $(5, 4, 3, 3)$; stride 1, "
    "no padding. To use matrix multiplication, the kernel is reshaped into a $(36, 5)$ matrix "
    "and the input is unrolled into a $(2, 16, 36)$ matrix.\n"
)
CODE = (
    "The error $g$ has shape $(2, 3, 4, 5)$.\n\n"
    "$$g_t = g.transpose([0, 2, 3, 1]).reshape(2, 20, 3)$$\n\n"
)
GRADIENT = "The patches $p$ have shape $(2, 20, 36)$ and the error $e$ has shape $(2, 20, 5)$.\n\n"

CASES = [
    # a layer's shapes stated together
    Case("layer: input", LAYER_EN, 1, "right", "the input's 5 channels are the kernel's input"),
    Case("layer: kernel", LAYER_EN, 1, "right", "takes the 5 channels of the input"),
    Case("layer: bias", LAYER_EN, 1, "right", "one bias per filter"),
    Case("layer: a bias per input channel", LAYER_BAD_BIAS, 1, "wrong", "5 ≠ 6"),
    Case("glossary: output", GLOSSARY, 3, "right", "one channel per filter"),
    Case("glossary: bias", GLOSSARY, 7, "right", "one bias per filter"),
    Case("glossary: kernel in the other layout", GLOSSARY.replace(
        "(D^{(l)}, D^{(l-1)}, r, r)", "(r, r, E, D^{(l)})"), 5, "unverified", "in no layout"),
    # im2col
    Case("im2col: kernel", IM2COL, 1, "right", "the im2col matrix of the kernel"),
    Case("im2col: input", IM2COL.replace("$(36, 5)$", "$(5, 36)$"), 1, "right",
         "16 window positions"),
    Case("im2col: another arrangement", IM2COL.replace("$(2, 16, 36)$", "$(2, 36, 4, 4)$"), 1,
         "unverified", "another arrangement"),
    # a shape stated for code
    Case("code: stated", CODE + "So $g_t$ has shape $(2, 20, 3)$.\n", 5, "right",
         "as stated here"),
    Case("code: the shape of a reshape stated wrong", CODE + "So $g.reshape(2, 20, 3)$ has "
         "shape $(2, 3, 20)$.\n", 5, "wrong", "axis 2: 20 ≠ 3"),
    Case("code: the result's axes", "The error $g$ has shape $(2, 3, 4, 5)$.\n\n"
         "$$np.sum(g, axis=(0, 2))$$\n\nThe result has shape $(3, 1, 5)$.\n", 5, "wrong",
         "2 axes"),
    Case("code: sizes only the document could relate", "The array $v$ has shape $(B, M)$.\n\n"
         "$$v_t = v.T$$\n\nThen $v_t$ has shape $(N, B)$.\n", 5, "unverified", "agree only if"),
    # a definition and the matrix it equals
    Case("definition: the matrix written has the code's shape", "The kernel $k$ has shape "
         "$(2, 3)$.\n\n$$k_t = k.T = \\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\\\ 5 & 6 "
         "\\end{bmatrix}$$\n", 3, "unverified", "entries are not checked"),
    Case("definition: reshape(-1, M) then .T", "The kernel $k$ has shape $(2, 3, 1, 1)$.\n\n"
         "$$k_t = k.reshape(-1, 2).T = \\begin{bmatrix} 1 & 2 & 3 & 4 & 5 & 6 "
         "\\end{bmatrix}^T$$\n", 3, "wrong", "axis 1: 2 ≠ 6"),
    # a gradient written as code
    Case("gradient: shape of its variable", GRADIENT + "$$\\frac{\\partial L}{\\partial p} = "
         "np.tensordot(e, q, [(2), (0)])$$\n\nwith $q$ of shape $(5, 36)$.\n", 3, "unverified",
         "shape of q"),
    Case("gradient: the wrong axes", GRADIENT + "The matrix $q$ has shape $(5, 36)$.\n\n"
         "$$\\frac{\\partial L}{\\partial q} = np.tensordot(p, e, [(0, 1), (0, 1)])$$\n", 5,
         "wrong", "axis 1: 36 ≠ 5"),
    Case("gradient: agrees, values not checked", GRADIENT + "The matrix $q$ has shape "
         "$(5, 36)$.\n\n$$\\frac{\\partial L}{\\partial q} = np.tensordot(e, p, [(0, 1), "
         "(0, 1)])$$\n", 5, "unverified", "values are not checked"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_array_shapes_are_judged(case: Case):
    judgements = [j for j in array_judgements(case.document) if j.claim.line == case.line]
    matching = [j for j in judgements if j.verdict == case.verdict]
    assert matching, [(j.verdict, j.message) for j in judgements]
    shown = [(j.witness or "") + " " + j.message for j in matching]
    assert any(case.shows in text for text in shown), shown


def test_a_restated_shape_of_new_data_is_no_claim():
    """``a`` stated again with other sizes is a new example, not a contradiction."""
    document = (
        "The input $a$ has shape $(1, 3, 4, 4)$ and the kernel $w$ has shape $(2, 3, 2, 2)$.\n\n"
        "Now another example: the input $a$ has shape $(8, 3, 32, 32)$ and the kernel $w$ has "
        "shape $(4, 3, 5, 5)$.\n"
    )
    verdicts = {(j.claim.line, j.verdict) for j in array_judgements(document)}
    assert verdicts == {(1, "right"), (3, "right")}


def test_without_a_matrix_product_in_the_words_no_im2col_is_read():
    document = (
        "The input $x$ has shape $(2, 4, 6, 6)$, the kernel $k$ has shape $(5, 4, 3, 3)$. "
        "The kernel is reshaped into a $(36, 5)$ matrix.\n"
    )
    assert not [j for j in array_judgements(document) if "im2col" in j.message]


def test_a_definition_that_disagrees_with_later_use_is_never_blamed_on_the_use():
    """``w_t = w.reshape(-1, M).T`` has shape (M, K); the document then uses w_t as (K, M). The
    use is not flagged (the definition may be the slip): it stays unverified."""
    document = (
        "The kernel $w$ has shape $(4, 3, 2, 2)$.\n\n"
        "$$w_t = w.reshape(-1, 4).T$$\n\n"
        "The matrix $w_t$ has shape $(12, 4)$.\n"
    )
    judgements = array_judgements(document)
    assert [j.verdict for j in judgements if j.claim.line == 5] == ["unverified"]


# ----------------------------------------------------------------------------------------------
# Gradients written as code, against the document's own forward code (entry by entry)
# ----------------------------------------------------------------------------------------------
FORWARD = (
    "The patches $P$ have shape $(N, RQ, K)$, the weights $V$ have shape $(K, M)$ and the bias "
    "$c$ has shape $(M,)$. The output $Y$ has shape $(N, M, R, Q)$.\n\n"
    "$$Z = P V$$\n\n"
    "$$Y = Z.transpose([0, 2, 1]).reshape(N, M, R, Q) + c.reshape(1, -1, 1, 1)$$\n\n"
    "With the error $\\delta$ of the output:\n\n"
    "$$\\delta_Z = \\delta.transpose([0, 2, 3, 1]).reshape(N, RQ, M)$$\n\n"
)
GRADIENTS = [
    ("\\frac{\\partial L}{\\partial V} = np.tensordot(P, \\delta_Z, [(0, 1), (0, 1)])", "right"),
    ("\\frac{\\partial L}{\\partial P} = \\delta_Z @ V.T", "right"),
    ("\\frac{\\partial L}{\\partial P} = np.tensordot(\\delta_Z, V, [(2), (1)])", "right"),
    ("\\frac{\\partial L}{\\partial c} = \\delta_Z.sum(axis=(0, 1))", "right"),
    ("\\frac{\\partial L}{\\partial c} = np.sum(\\delta, axis=(0, 2, 3))", "right"),
    # mistakes: never confirmed
    ("\\frac{\\partial L}{\\partial c} = \\delta_Z.mean(axis=(0, 1))", "unverified"),
    # (K, M) against (M, K): two names the document might relate, so not proved wrong
    ("\\frac{\\partial L}{\\partial V} = np.tensordot(P, \\delta_Z, [(0, 1), (0, 1)]).T",
     "unverified"),
    ("\\frac{\\partial L}{\\partial P} = \\delta_Z @ V", "unverified"),
    ("\\frac{\\partial L}{\\partial V} = 2 * np.tensordot(P, \\delta_Z, [(0, 1), (0, 1)])",
     "unverified"),
]  # fmt: skip


@pytest.mark.parametrize("claim, verdict", GRADIENTS, ids=[g[0][28:] for g in GRADIENTS])
def test_gradients_as_code_are_checked_against_the_forward(claim: str, verdict: str):
    document = FORWARD + f"$${claim}$$\n"
    (judgement,) = [j for j in array_judgements(document) if j.claim.line == 11]
    assert judgement.verdict == verdict, judgement.message
    if verdict == "right":
        assert "equal at every entry" in judgement.message
        assert "δ taken as ∂L/∂Y" in judgement.message


def test_a_mistake_in_the_forward_layout_shows_in_the_gradient():
    """δ_Z arranged another way than Z: the gradient is not confirmed (the entry that differs
    is shown)."""
    document = FORWARD.replace("transpose([0, 2, 3, 1])", "transpose([0, 3, 2, 1])")
    document += "$$\\frac{\\partial L}{\\partial V} = np.tensordot(P, \\delta_Z, [(0,1),(0,1)])$$\n"
    (judgement,) = [j for j in array_judgements(document) if j.claim.line == 11]
    assert judgement.verdict == "unverified"
    assert "entry" in judgement.message


def test_a_gradient_with_no_forward_is_not_decided():
    document = (
        "The weights $V$ have shape $(K, M)$ and $P$ has shape $(N, K)$, the error $\\delta$ has "
        "shape $(N, M)$.\n\n$$\\frac{\\partial L}{\\partial V} = P.T @ \\delta$$\n"
    )
    (judgement,) = [j for j in array_judgements(document) if j.claim.line == 3]
    assert judgement.verdict == "unverified"
    assert "values are not checked" in judgement.message
    assert "no definition before it computes anything from V" in judgement.message


def test_a_gradient_of_another_shape_than_its_variable_is_wrong_with_numbers():
    document = (
        "The patches $P$ have shape $(2, 6, 4)$, the weights $V$ have shape $(4, 3)$ and the "
        "error $e$ has shape $(2, 6, 3)$.\n\n"
        "$$\\frac{\\partial L}{\\partial V} = np.tensordot(P, e, [(0, 1), (0, 1)]).T$$\n"
    )
    (judgement,) = [j for j in array_judgements(document) if j.claim.line == 3]
    assert judgement.verdict == "wrong"
    assert judgement.witness == "axis 1: 3 ≠ 4"


# ----------------------------------------------------------------------------------------------
# An im2col forward laid out again, and its error rearranged back
# ----------------------------------------------------------------------------------------------
IM2COL_FORWARD = (
    "The input $x$ has shape $(N, D, P, Q)$, the kernel $k$ has shape $(F, D, r, s)$, the bias "
    "$c$ has shape $(F,)$ and the output $y$ has shape $(N, F, U, V)$.\n\n"
    "We turn the convolution into a matrix multiplication:\n\n"
    "$$x_c = im2col(x), dim=(N, UV, Drs)$$\n\n"
    "$$y_c = x_c k_c$$\n\n"
    "$$y = y_c.transpose([0, 2, 1]).reshape(N, F, U, V) + c.reshape(1, -1, 1, 1)$$\n\n"
    "$$\\delta_c = \\delta.transpose([0, 2, 3, 1]).reshape(N, UV, F)$$\n"
)


def test_the_im2col_matrix_of_the_input_named_by_a_function():
    (judgement,) = [j for j in array_judgements(IM2COL_FORWARD) if j.claim.line == 5]
    assert judgement.verdict == "right"
    assert "U·V window positions" in judgement.message or "U*V window" in judgement.message


@pytest.mark.parametrize(
    "old, new, verdict",
    [
        ("", "", "right"),
        ("y_c.transpose([0, 2, 1])", "y_c", "unverified"),
        (
            "transpose([0, 2, 1]).reshape(N, F, U, V)",
            "transpose([0, 2, 1]).reshape(N, F, V, U)",
            "unverified",
        ),
    ],
)
def test_the_product_laid_out_as_the_output(old: str, new: str, verdict: str):
    document = IM2COL_FORWARD.replace(old, new) if old else IM2COL_FORWARD
    (judgement,) = [j for j in array_judgements(document) if j.claim.line == 9]
    assert judgement.verdict == verdict, judgement.message


@pytest.mark.parametrize(
    "old, new, verdict",
    [
        ("", "", "right"),
        ("[0, 2, 3, 1]).reshape(N, UV, F)", "[0, 3, 2, 1]).reshape(N, UV, F)", "unverified"),
        ("[0, 2, 3, 1]).reshape(N, UV, F)", "[0, 1, 2, 3]).reshape(N, UV, F)", "unverified"),
    ],
)
def test_the_error_rearranged_back(old: str, new: str, verdict: str):
    document = IM2COL_FORWARD.replace(old, new) if old else IM2COL_FORWARD
    (judgement,) = [j for j in array_judgements(document) if j.claim.line == 11]
    assert judgement.verdict == verdict, judgement.message
    if verdict == "right":
        assert "undoes line 9's rearrangement of y_c" in judgement.message


def test_a_transposed_convolution_or_a_dense_layer_gives_no_layer_claims():
    transposed = (
        "For the transposed convolution, the input $x$ has shape $(1, 4, 5, 5)$ and the kernel "
        "$w$ has shape $(4, 2, 3, 3)$.\n"
    )
    dense = "The input $x$ has shape $(32, 100)$ and the weights $W$ have shape $(10, 100)$.\n"
    assert array_judgements(transposed) == []
    assert array_judgements(dense) == []


def test_a_gradient_formula_of_arrays_without_shapes_is_left_to_the_derivative_judges():
    document = "$$\\frac{\\partial L}{\\partial W} = X^T \\delta$$\n"
    assert array_judgements(document) == []


def test_shapes_stated_as_real_spaces():
    document = (
        "Let the input $X \\in \\mathbb{R}^{N \\times C \\times H \\times W}$, the kernel "
        "$K \\in \\mathbb{R}^{F \\times C \\times k \\times k}$ and the bias "
        "$b \\in \\mathbb{R}^{F}$.\n"
    )
    messages = sorted(j.message for j in array_judgements(document) if j.verdict == "right")
    assert len(messages) == 3
    assert any("one bias per filter" in m for m in messages)
    other = document.replace("\\mathbb{R}^{F}$", "\\mathbb{R}^{C}$")
    verdicts = sorted(j.verdict for j in array_judgements(other))
    assert verdicts == ["right", "right", "unverified"]


def test_a_bias_is_never_wrong_under_a_layout_the_document_leaves_open():
    """(3, 3, 3, 16) is 3 filters of 3×3×3 read as (M, C, k, k), 16 filters read as (k, k, C, M):
    a bias of 16 is wrong only under the first reading, so it is not flagged."""
    document = (
        "The input $x$ has shape $(1, 3, 32, 32)$, the kernel $w$ has shape $(3, 3, 3, 16)$ "
        "and the bias $b$ has shape $(16)$.\n"
    )
    verdicts = [j.verdict for j in array_judgements(document)]
    assert "wrong" not in verdicts
    assert verdicts.count("right") == 2


@pytest.mark.parametrize(
    "document",
    [
        "The input x has shape (2, 3, 8, 8), the kernel w has shape (4, 3, 5, 5) and the bias b "
        "has shape (4,).\n",
        "输入特征图x的维度为(2, 3, 8, 8)\uff0c卷积核w的维度为(4, 3, 5, 5)\uff0c"
        "偏置b的维度为(4)。\n",
    ],
)
def test_shapes_in_plain_text(document: str):
    judgements = array_judgements(document)
    assert [j.verdict for j in judgements] == ["right", "right", "right"]
    wrong_bias = document.replace("(4,)", "(3,)").replace("(4)", "(3)")
    assert "wrong" in [j.verdict for j in array_judgements(wrong_bias)]


def test_a_chain_of_arrows_and_names_with_their_numbers():
    """``x (2, 3, 4) → x_t = x.transpose(0, 2, 1), (2, 4, 3)``: each step read on its own."""
    document = (
        "$$x (2, 3, 4) \\rightarrow x_t = x.transpose(0, 2, 1), (2, 4, 3) \\rightarrow "
        "y = x_t.reshape(2, -1), (2, 12)$$\n"
    )
    assert [j.verdict for j in array_judgements(document)] == ["right", "right"]
    slip = document.replace("(2, 12)", "(2, 13)")
    assert [j.verdict for j in array_judgements(slip)] == ["right", "wrong"]


def test_a_function_of_the_input_is_im2col_only_when_the_words_say_so():
    """``a_t = f(a), dim=(…)``: a function called im2col (or unfold) in a section that turns the
    convolution into a matrix product; any other name only where the words say it unrolls each
    window into a row. Without that, the function is unknown: unverified."""
    data = (
        "The input $a$ has shape $(B, C, H, W)$, the kernel $w$ has shape $(M, C, k, k)$ and the "
        "output $z$ has shape $(B, M, P, Q)$.\n\nWe write the convolution as a matrix "
        "multiplication:\n\n"
    )
    named = data + "$$a_t = im2col(a), dim=(B, PQ, Ckk)$$\n"
    described = (
        data + "$$a_t = patches(a), dim=(B, PQ, Ckk)$$\n\nwhere each window becomes a row.\n"
    )
    undescribed = data + "$$a_t = patches(a), dim=(B, PQ, Ckk)$$\n"
    for document, verdict in ((named, "right"), (described, "right"), (undescribed, "unverified")):
        (judgement,) = [j for j in array_judgements(document) if j.claim.line == 5]
        assert judgement.verdict == verdict, judgement.message


def test_a_shape_stated_in_another_section_proves_nothing_wrong():
    """``x`` of the first example, ``x`` of the second: the second's code is not judged wrong
    with the first's shape."""
    document = (
        "## Example 1\n\nThe input $x$ has shape $(2, 3)$.\n\n"
        "## Example 2\n\nThen $x.T$ has shape $(5, 4)$.\n"
    )
    verdicts = [j.verdict for j in array_judgements(document)]
    assert "wrong" not in verdicts
    same_section = document.replace("## Example 2\n\n", "")
    assert "wrong" in [j.verdict for j in array_judgements(same_section)]
