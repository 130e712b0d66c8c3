"""Gradients derived by hand, checked against the document's own forward formula (issue 18,
"without --against"): :mod:`symconv.check.document_gradients` and
:mod:`symconv.check.judges.gradients`. Each document here is small and written for the test; the
verdicts are asserted line by line."""

from __future__ import annotations

import pytest
import sympy as sp

from symconv.check import nodes
from symconv.check.api import check
from symconv.check.document_gradients import canonical_name, layer_tag
from symconv.check.parser import parse_math


def document_of(*rows: str) -> str:
    """A document from its lines (long lines written in pieces)."""
    return "\n".join(rows)


def verdicts(document: str) -> dict[int, list[str]]:
    """Line → the verdicts of the claims that start on it."""
    found: dict[int, list[str]] = {}
    for judgement in check(document, time_limit=20).judgements:
        found.setdefault(judgement.claim.line, []).append(judgement.verdict)
    return found


def judgement_on(document: str, line: int):
    (judgement,) = [j for j in check(document, time_limit=20).judgements if j.claim.line == line]
    return judgement


# A dense layer, indices from 0, the gradient written several ways.
DENSE = document_of(
    r"The layer:",
    r"",
    r"$$h_j = \sum_{i=0}^{n-1} A_{j,i} u_i + c_j$$",
    r"",
    (
        r"$$\frac{\partial L}{\partial u_i} = \sum_j A_{j,i} \frac{\partial"
        r" L}{\partial h_j}$$"
    ),
    r"",
    (
        r"$$\frac{\partial L}{\partial u_i} = \sum_j A_{i,j} \frac{\partial"
        r" L}{\partial h_j}$$"
    ),
    r"",
    (
        r"$$\frac{\partial L}{\partial A_{j,i}} = u_i \frac{\partial"
        r" L}{\partial h_j}$$"
    ),
    r"",
    r"$$\frac{\partial L}{\partial c_j} = \frac{\partial L}{\partial h_j}$$",
    r"",
    (
        r"$$\frac{\partial L}{\partial u_i} = \frac{\partial h_j}{\partial u_i}"
        r" \frac{\partial L}{\partial h_j}$$"
    ),
    r"",
)


def test_a_dense_layers_gradients_are_judged_against_its_formula():
    found = verdicts(DENSE)
    assert found[5] == ["right"]  # Σ_j A_ji ∂L/∂h_j
    assert found[7] == ["wrong"]  # A transposed
    assert found[9] == ["right"]  # ∂L/∂A_ji = u_i ∂L/∂h_j
    assert found[11] == ["right"]  # the bias
    assert found[13] == ["wrong"]  # the chain rule with the sum over j dropped


def test_a_wrong_gradient_carries_a_witness_from_the_formula():
    transposed = judgement_on(DENSE, 7)
    assert "forward formula on line 3" in transposed.message
    assert transposed.witness is not None and " of A is " in transposed.witness
    dropped = judgement_on(DENSE, 13)
    assert "missing sum over j" in dropped.message
    narrower = judgement_on(LAYERS, 17)
    assert narrower.witness is not None and "by the forward formula on line 3" in narrower.witness


# One-based, layer tags, an error term named, an activation given one layer on.
LAYERS = document_of(
    r"## Forward",
    r"",
    r"$$x^{(l+1)}_j = \sum_{i=1}^{s_{l}} W^{(l)}_{ji} y^l_i + b^l_j$$",
    r"",
    r"$$y^{(l+1)}_j = g(x^{(l+1)}_j)$$",
    r"",
    r"## Backward",
    r"",
    (
        r"The error term is $\delta^{(L)}_j = \frac{\partial}{\partial"
        r" x^{(L)}_j} J$."
    ),
    r"",
    (
        r"$$\delta^{(l)}_i = g'(x^{(l)}_i) \sum_{j=1}^{s_{l+1}} W^{(l)}_{ji}"
        r" \delta^{(l+1)}_j$$"
    ),
    r"",
    (
        r"$$\delta^{(l)}_i = g'(x^{(l)}_i) \sum_{j=1}^{s_{l+1}} W^{(l)}_{ij}"
        r" \delta^{(l+1)}_j$$"
    ),
    r"",
    (
        r"$$\frac{\partial J}{\partial y^{(l)}_i} = \sum_{j=1}^{s_{l+1}}"
        r" W^{(l)}_{ji} \delta^{(l+1)}_j$$"
    ),
    r"",
    (
        r"$$\frac{\partial J}{\partial y^{(l)}_i} = \sum_{j=1}^{s_{l}}"
        r" W^{(l)}_{ji} \delta^{(l+1)}_j$$"
    ),
    r"",
)


def test_layer_tags_error_terms_and_activations_are_the_documents_own():
    found = verdicts(LAYERS)
    assert found[11] == ["right"]  # δ^(l) through y = g(x), one layer back; s_{l+1} one layer on
    assert found[13] == ["wrong"]  # W transposed
    assert found[15] == ["right"]


def test_a_size_of_another_layer_is_not_taken_for_this_one():
    # s_l counts layer l; summing over j of layer l+1 up to s_l is right only when the layers
    # have the same width, and the comparison draws them apart
    assert verdicts(LAYERS)[17] == ["wrong"]


# A convolution written with counts only (\sum^{F}_a): from 0 or from 1, decided both ways.
CONV = document_of(
    r"$$",
    (
        r"x^{(l+1)}_{i,j,n} = \sum^{F}_a \sum^{F}_b \sum^{C}_k W^{(l)}_{abnk}"
        r" \cdot y^{(l)}_{(i+a),(j+b),k} + b_{n}"
    ),
    r"$$",
    r"",
    (
        r"We write $\delta^{(l+1)}_{i,j,n} = \frac{\partial J}{\partial"
        r" x^{(l+1)}_{i,j,n}}$."
    ),
    r"",
    r"$$",
    (
        r"\frac{\partial J}{\partial y^{(l)}_{i,j,k}} = \sum^{F}_a \sum^{F}_b"
        r" \sum_n W^{(l)}_{abnk} \delta^{(l+1)}_{(i-a),(j-b),n}"
    ),
    r"$$",
    r"",
    r"$$",
    (
        r"\frac{\partial J}{\partial y^{(l)}_{i,j,k}} = \sum^{F}_a \sum^{F}_b"
        r" \sum_n W^{(l)}_{abnk} \delta^{(l+1)}_{(i+a),(j+b),n}"
    ),
    r"$$",
    r"",
)


def test_a_convolution_written_with_counts_is_decided_counting_from_0_and_from_1():
    found = verdicts(CONV)
    assert found[8] == ["right"]
    assert found[12] == ["wrong"]
    assert "counting indices from 0 and from 1" in judgement_on(CONV, 12).message


# Function-style maps with a stride; sums limited by the filter instead of the output.
STRIDED = document_of(
    (
        r"$Z(i, j, k) = b_k +"
        r" \sum_{p=0}^{f_h-1}\sum_{q=0}^{f_w-1}\sum_{c=0}^{n_c-1} Y(i s + p, j"
        r" s + q, c) W(p, q, c, k)$"
    ),
    r"",
    (
        r"$\frac{\partial Z(i, j, k)}{\partial W(p, q, c, k)} = Y(i s + p, j s"
        r" + q, c)$"
    ),
    r"",
    (
        r"$\frac{\partial \mathcal{L}}{\partial W(p, q, c, k)} ="
        r" \sum_{i=0}^{f_h - 1} \sum_{j=0}^{f_w - 1}\frac{\partial"
        r" \mathcal{L}}{\partial Z(i, j, k)} Y(i s + p, j s + q, c)$"
    ),
    r"",
)


def test_function_style_maps_with_a_stride():
    found = verdicts(STRIDED)
    assert found[3] == ["right"]
    assert found[5] == ["wrong"]  # the output is larger than the filter in some drawn sizes


# What the document does not fix stays unverified.
def test_an_index_clash_in_the_forward_formula_leaves_the_gradient_unverified():
    document = document_of(
        r"$$z_{n,i} = \sum_{n=1}^{K} x_{n,i+n-1} w_{n} + c$$",
        r"",
        (
            r"$$\frac{\partial L}{\partial w_{m}} = \sum_{n=1}^{N} \sum_{i=1}^{I}"
            r" \frac{\partial L}{\partial z_{n,i}} x_{n,i+m-1}$$"
        ),
        r"",
    )
    judgement = judgement_on(document, 3)
    assert judgement.verdict == "unverified"
    assert "both as an index" in judgement.message


def test_a_size_the_formula_does_not_measure_is_unverified():
    document = document_of(
        r"$$h_j = \sum_{i=0}^{n-1} A_{j,i} u_i + c_j$$",
        r"",
        (
            r"$$\frac{\partial L}{\partial u_i} = \sum_{j=0}^{M-1} A_{j,i}"
            r" \frac{\partial L}{\partial h_j}$$"
        ),
        r"",
    )
    judgement = judgement_on(document, 3)
    assert judgement.verdict == "unverified"
    assert "the size M" in judgement.message


def test_an_update_rule_is_no_gradient_claim():
    document = r"""$$h_j = \sum_{i=0}^{n-1} A_{j,i} u_i + c_j$$

$$A_{j,i} = A_{j,i} - \eta \frac{\partial L}{\partial A_{j,i}}$$
"""
    assert "wrong" not in verdicts(document).get(3, [])


def test_a_forward_formula_written_after_the_claim_is_not_used():
    document = document_of(
        (
            r"$$\frac{\partial L}{\partial u_i} = \sum_j A_{i,j} \frac{\partial"
            r" L}{\partial h_j}$$"
        ),
        r"",
        r"$$h_j = \sum_{i=0}^{n-1} A_{j,i} u_i + c_j$$",
        r"",
    )
    assert verdicts(document)[1] == ["unverified"]


# Reading
@pytest.mark.parametrize(
    "written, canonical",
    [("y^{l}", "y^{(l)}"), ("x^{(l+1)}", "x^{(l+1)}"), ("W_{abnk}^{(l)}", "W^{(l)}_{abnk}"),
     ("n^{l+1}", "n^{(l+1)}"), ("Z", "Z"), ("x'", "x'")],
)  # fmt: skip
def test_layer_tags_are_written_one_way(written, canonical):
    assert canonical_name(written) == canonical


def test_a_layer_tag_is_a_letter_and_an_offset():
    assert layer_tag("x^{(l+1)}") == ("l", 1)
    assert layer_tag("s_{l-1}") == ("l", -1)
    assert layer_tag("W^{(2)}") == ("", 2)
    assert layer_tag("k_{in}") is None


def test_a_sum_written_with_its_count_starts_at_the_documents_index_base():
    (side,) = parse_math(r"\sum^{F}_a w_a").single().sides
    (limit,) = side.expr.limits
    base = nodes.INDEX_BASE
    assert limit[1] == base and sp.simplify(limit[2] - (base + sp.Symbol("F") - 1)) == 0


def test_a_name_applied_before_is_differentiated_by_its_entry():
    document = document_of(
        r"$Y(i, j, k) = f(Z(i, j, k))$",
        r"",
        (
            r"$\frac{\partial \mathcal{L}}{\partial Z(i, j, k)} = \frac{\partial"
            r" \mathcal{L}}{\partial Y(i, j, k)} f'(Z(i, j, k))$"
        ),
        r"",
        (
            r"$\frac{\partial \mathcal{L}}{\partial Z(i, j, k)} = \frac{\partial"
            r" \mathcal{L}}{\partial Y(i, j, k)} f'(Y(i, j, k))$"
        ),
        r"",
    )
    found = verdicts(document)
    assert found[3] == ["right"]
    assert found[5] == ["unverified"]  # f'(Y) is no derivative the activation gives


def test_a_function_shown_later_is_read_as_one_earlier():
    document = r"""$$y_j = f_a(x_j)$$

$$\frac{\partial y_i}{\partial x_i} = {f_a}'(x_i)$$
"""
    assert verdicts(document)[3] == ["right"]


@pytest.mark.parametrize(
    ("rule", "verdict"),
    [
        (r"A_{j,i} = A_{j,i} - \eta \frac{\partial L}{\partial A_{j,i}}", "right"),
        # the cost written with its arguments, the layer tag written two ways
        (
            r"A^l_{j,i} = A^l_{j,i} - \alpha {\partial \over \partial A^{(l)}_{j,i}} L(A, c; Y, X)",
            "right",
        ),
        # a step up the gradient: right only to maximise L
        (r"c_{j} = c_{j} + \eta \frac{\partial L}{\partial c_{j}}", "unverified"),
        # the derivative by another entry: no gradient step of A_{j,i}
        (r"A_{j,i} = A_{j,i} - \eta \frac{\partial L}{\partial A_{i,j}}", "unverified"),
    ],
)
def test_an_update_rule_is_the_gradient_descent_step_or_not_confirmed(rule: str, verdict: str):
    document = "$$h_j = \\sum_{i=0}^{n-1} A_{j,i} u_i + c_j$$\n\n$$" + rule + "$$\n"
    assert verdicts(document)[3] == [verdict]


def test_a_tensor_read_by_another_formula_has_another_path_to_the_loss():
    # x = σ(z) and a skip connection u = x + z: ∂L/∂z has a term through u, so the activation's
    # gradient alone is no proof either way (bp18's finding: it was confirmed)
    skip = "Let $x_i = \\sigma(z_i)$ and $u_i = x_i + z_i$; the loss $L$ reads $u$.\n\n"
    claim = (
        "Then $\\frac{\\partial L}{\\partial z_i} = "
        "\\sigma'(z_i) \\frac{\\partial L}{\\partial x_i}$.\n"
    )
    judged = judgement_on(skip + claim, 3)
    assert judged.verdict == "unverified"
    assert "z is also read on line 1" in judged.message
    alone = "Let $x_i = \\sigma(z_i)$; the loss $L$ reads $x$.\n\n"
    assert judgement_on(alone + claim, 3).verdict == "right"


# Multi-letter index names (ch, oc, ic, kh, kw) written as positions of subscript lists: one
# index each, never c·h, so the forward formula and every gradient after it are judged.
MULTI_LETTER = document_of(
    r"$$O_{f,i,j} = \sum_{ch=1}^{C}\sum_{r=1}^{K}\sum_{c=1}^{K} W_{f,ch,r,c}"
    r" X_{ch,(i-1)s+r,(j-1)s+c} + b_f$$",
    r"",
    r"$$\frac{\partial L}{\partial W_{f,ch,r,c}} = \sum_{i}\sum_{j}"
    r" \frac{\partial L}{\partial O_{f,i,j}} X_{ch,(i-1)s+r,(j-1)s+c}$$",
    r"",
    r"$$\frac{\partial L}{\partial W_{f,ch,r,c}} = \sum_{i}\sum_{j}"
    r" \frac{\partial L}{\partial O_{f,i,j}} X_{ch,i+r-1,j+c-1}$$",
    r"",
    r"$$\frac{\partial L}{\partial X_{ch,p,q}} = \sum_{f}\sum_{i}\sum_{j}"
    r" \frac{\partial L}{\partial O_{f,i,j}} W_{f,ch,p-(i-1)s,q-(j-1)s}$$",
    r"",
    r"$$\frac{\partial L}{\partial X_{ch,p,q}} = \sum_{i}\sum_{j}"
    r" \frac{\partial L}{\partial O_{f,i,j}} W_{f,ch,p-(i-1)s,q-(j-1)s}$$",
)


def test_multi_letter_index_names_are_one_index_each():
    found = verdicts(MULTI_LETTER)
    assert found[1] == ["right"]
    assert found[3] == ["right"]
    assert found[5] == ["wrong"]  # the stride forgotten
    assert found[7] == ["right"]
    assert found[9] == ["wrong"]  # no sum over f


def test_multi_letter_index_beside_one_letter_positions():
    # b_{oc} is the index oc, since Y_{oc,i,j} lists oc beside one-letter positions
    document = document_of(
        r"$$Y_{oc,i,j} = \sum_{ic=0}^{C-1}\sum_{kh=0}^{K-1}\sum_{kw=0}^{K-1}"
        r" W_{oc,ic,kh,kw} X_{ic,i+kh,j+kw} + b_{oc}$$",
        r"",
        r"$$\frac{\partial L}{\partial b_{oc}} = \sum_{i,j}"
        r" \frac{\partial L}{\partial Y_{oc,i,j}}$$",
        r"",
        r"$$\frac{\partial L}{\partial b_{oc}} = \frac{\partial L}{\partial Y_{oc,i,j}}$$",
    )
    found = verdicts(document)
    assert found[1] == ["right"]
    assert found[3] == ["right"]
    assert found[5] == ["wrong"]  # no sum over the positions


def test_pairs_of_one_letter_indices_are_not_index_names():
    from symconv.check.read_names import index_words

    # the Jacobian's pairs: y_{ij} shows ij is two indices
    assert index_words([r"J_{ij,kl} = \frac{\partial y_{ij}}{\partial x_{kl}}"]) == frozenset()
    # outside a subscript a run of letters is still a product
    value = parse_math(r"W_{f,ch} = ch").single().sides[1].expr
    assert value == sp.Symbol("c") * sp.Symbol("h")


# Scalar parameters of an element-wise layer (y_i = w x_i + b, batch norm's y_i = γ x̂_i + β):
# one-entry tensors, so ∂L/∂w, ∂L/∂b are gradients like any other.
SCALAR_LAYER = document_of(
    r"$$y_i = w x_i + b$$",
    r"",
    r"$$\frac{\partial L}{\partial w} = \sum_i \frac{\partial L}{\partial y_i} x_i$$",
    r"",
    r"$$\frac{\partial L}{\partial b} = \sum_i \frac{\partial L}{\partial y_i}$$",
    r"",
    r"$$\frac{\partial L}{\partial b} = \frac{\partial L}{\partial y_i}$$",
    r"",
    r"$$\frac{\partial L}{\partial x_i} = w \frac{\partial L}{\partial y_i}$$",
    r"",
    r"$$\frac{\partial L}{\partial w} = \sum_i \frac{\partial L}{\partial y_i}$$",
)


def test_scalar_parameters_of_an_elementwise_layer():
    found = verdicts(SCALAR_LAYER)
    assert found[3] == ["right"]
    assert found[5] == ["right"]
    assert found[7] == ["wrong"]  # the sum over i missing
    assert found[9] == ["right"]
    assert found[11] == ["wrong"]  # x_i missing


def test_batch_norm_affine_part_and_its_statistics():
    document = document_of(
        r"$$\mu = \frac{1}{m}\sum_{i=1}^{m} x_i$$",
        r"",
        r"$$z_i = x_i - \mu$$",
        r"",
        r"$$\frac{\partial L}{\partial x_i} = \frac{\partial L}{\partial z_i}"
        r" - \frac{1}{m}\sum_j \frac{\partial L}{\partial z_j}$$",
        r"",
        r"$$y_i = \gamma \hat{x}_i + \beta$$",
        r"",
        r"$$\frac{\partial L}{\partial \gamma} = \sum_i \frac{\partial L}{\partial y_i}"
        r" \hat{x}_i$$",
        r"",
        r"$$\frac{\partial L}{\partial \hat{x}_i} = \gamma \frac{\partial L}{\partial y_i}$$",
    )
    found = verdicts(document)
    # μ depends on every x_j: z = x − μ is no layer with a free parameter μ
    assert found[5] == ["unverified"]
    assert found[9] == ["right"]
    assert found[11] == ["right"]
    # a statistic is never a parameter, even when the document does not define it
    shifted = document_of(
        r"$$z_i = \sigma x_i - \mu$$",
        r"",
        r"$$\frac{\partial L}{\partial x_i} = \sigma \frac{\partial L}{\partial z_i}$$",
    )
    assert verdicts(shifted)[3] == ["unverified"]


# A forward formula whose sums have no limits (Σ_{ic} Σ_{kh} Σ_{kw}): each sum runs over the
# axis its index reads bare (the kernel is zero outside it), so the gradients are judged.
OPEN_SUMS = document_of(
    r"$$Y_{oc,i,j} = \sum_{ic}\sum_{kh}\sum_{kw} W_{oc,ic,kh,kw} X_{ic,i+kh,j+kw} + b_{oc}$$",
    r"",
    r"$$\frac{\partial L}{\partial W_{oc,ic,kh,kw}} = \sum_{i,j}"
    r" \frac{\partial L}{\partial Y_{oc,i,j}} X_{ic,i+kh,j+kw}$$",
    r"",
    r"$$\frac{\partial L}{\partial W_{oc,ic,kh,kw}} = \sum_{i,j}"
    r" \frac{\partial L}{\partial Y_{oc,i,j}} X_{ic,i+kw,j+kh}$$",
    r"",
    r"$$\frac{\partial L}{\partial X_{ic,p,q}} = \sum_{oc}\sum_{kh}\sum_{kw}"
    r" \frac{\partial L}{\partial Y_{oc,p-kh,q-kw}} W_{oc,ic,kh,kw}$$",
)


def test_a_forward_formula_with_open_sums():
    found = verdicts(OPEN_SUMS)
    assert found[3] == ["right"]
    assert found[5] == ["wrong"]  # the kernel offsets swapped
    assert found[7] == ["right"]


def test_an_open_sum_over_an_index_read_only_shifted_is_not_guessed():
    document = document_of(
        r"$$y_i = \sum_k x_{i+k} + c_i$$",
        r"",
        r"$$\frac{\partial L}{\partial x_p} = \sum_k \frac{\partial L}{\partial y_{p-k}}$$",
    )
    assert verdicts(document)[3] != ["wrong"]


def test_an_elementwise_layer_with_scalars_stays_readable_as_vectors():
    # ŷ_i = w x_i + b is also an entry definition the vector reading follows: the cost's
    # gradient written out through it is still decided
    document = document_of(
        r"The model is $\hat{y}_i = w x_i + b$ and",
        r"",
        r"$$L = \frac{1}{n}\sum_{i=1}^{n} (\hat{y}_i - y_i)^2$$",
        r"",
        r"$$\frac{\partial L}{\partial w} = \frac{2}{n}\sum_{i=1}^{n} (\hat{y}_i - y_i) x_i$$",
        r"",
        r"$$\frac{\partial L}{\partial b} = \frac{2}{n}\sum_{i=1}^{n} (\hat{y}_i - y_i) x_i$$",
        r"",
        r"$$\frac{\partial L}{\partial w} = \sum_{i} \frac{\partial L}{\partial \hat{y}_i} x_i$$",
    )
    found = verdicts(document)
    assert found[5] == ["right"]
    assert found[7] == ["wrong"]
    assert found[9] == ["right"]


def test_a_sum_over_a_run_of_index_letters():
    # \sum_{ij}: the sum over i and over j, never over the product i·j
    value = parse_math(r"\sum_{ij} x_{ij}").single().value
    i, j = sp.symbols("i j")
    assert value == sp.Sum(sp.IndexedBase("x")[i, j], (i, -sp.oo, sp.oo), (j, -sp.oo, sp.oo))
    document = document_of(
        r"$$y_{ij} = \sum_{m=0}^{K-1}\sum_{n=0}^{K-1} w_{mn} x_{i+m,j+n}$$",
        r"",
        r"$$\frac{\partial L}{\partial w_{mn}} = \sum_{ij} \frac{\partial L}{\partial y_{ij}}"
        r" x_{i+m,j+n}$$",
        r"",
        r"$$\frac{\partial L}{\partial w_{mn}} = \sum_{ij} \frac{\partial L}{\partial y_{ij}}"
        r" x_{i-m,j-n}$$",
    )
    found = verdicts(document)
    assert found[3] == ["right"]
    assert found[5] == ["wrong"]
