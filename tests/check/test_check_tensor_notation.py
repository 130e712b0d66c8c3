"""Notations of backprop write-ups for tensors and derivatives (issue 18): a tensor with a tag in
parentheses and a layer (``w(f)^{l+1}_{i,j,c}``), entries written like applications (``W(i - i',
j - j')``), and chain-rule products (``∂L/∂z_i = ∂L/∂x_i ∂x_i/∂z_i``, ``dz/dx = dz/dy · dy/dx``).

Every document here is small and written for the test: a right version that must be confirmed,
a version with a typical mistake that must be caught (or at least never confirmed), and one the
checker cannot decide, which must stay unverified with its reason."""

from __future__ import annotations

import contextlib

import pytest
import sympy as sp

from symconv.check import nodes
from symconv.check.api import check
from symconv.check.claims import extract_claims
from symconv.check.context import DocumentContext
from symconv.check.judges.phrases import dependencies_in_words
from symconv.check.markdown import split_document
from symconv.check.parser import parse_math
from symconv.errors import ParseError


def document_of(*rows: str) -> str:
    return "\n".join(rows)


def judgements_on(document: str, line: int) -> list:
    return [j for j in check(document, time_limit=20).judgements if j.claim.line == line]


def verdict_on(document: str, line: int) -> tuple[str, str]:
    (judgement,) = judgements_on(document, line)
    return judgement.verdict, judgement.message


def expression(text: str):
    (statement,) = parse_math(text).statements
    assert not hasattr(statement, "readings"), statement
    (side,) = statement.sides
    return side.expr


# ----------------------------------------------------------------------------------------------
# A tensor with a tag and a layer
# ----------------------------------------------------------------------------------------------
f, i, j, c, k = sp.symbols("f i j c k")

TAGGED = [
    (r"w(f)_{i,j,c}^{l+1}", sp.IndexedBase("w^{l+1}")[f, i, j, c]),
    (r"w(f)^{l+1}_{i,j,c}", sp.IndexedBase("w^{l+1}")[f, i, j, c]),
    (r"w(f)^{(l)}_{ij}", sp.IndexedBase("w^{(l)}")[f, i, j]),
    (r"b(f)^{l}", sp.IndexedBase("b^{l}")[f]),
    (r"W(k)_{ij}", sp.IndexedBase("W")[k, i, j]),
    (r"W(2)_{i,j}", sp.IndexedBase("W")[2, i, j]),
]


@pytest.mark.parametrize(("text", "meaning"), TAGGED)
def test_a_tag_and_a_layer_make_one_tensor_whose_entry_the_subscript_names(text, meaning):
    assert expression(text) == meaning


def test_a_function_value_indexed_stays_a_function_value():
    # σ(z)_i is the i-th entry of σ(z) (σ a function), never a tensor σ read at (z, i)
    value = expression(r"\sigma(z)_i")
    assert isinstance(value, nodes.Entry)
    assert value.of == sp.Function("sigma")(sp.Symbol("z"))
    # an expression in the parentheses is no tag: a(b + c)_i stays undecided
    (statement,) = parse_math(r"a(b+c)_i").statements
    assert hasattr(statement, "readings")
    # a variable is no index: u(t)_i is the i-th component of u at t, never the tensor u[t, i]
    for text in (r"u(t)_i", r"\psi(x)_i"):
        with contextlib.suppress(ParseError):  # not read at all: unverified, never a tensor
            assert not parse_math(text).tensors
    # nor one the segment differentiates by
    with pytest.raises(ParseError, match="subscript"):
        parse_math(r"\frac{d u(t)_i}{dt} = 0")


KERNEL = document_of(
    r"Forward pass, indices from 1 (f numbers the kernel):",
    r"",
    r"$$z^{l+1}_{i,f} = \sum_{m=1}^{K} w(f)^{l+1}_{m} x^{l}_{i+m-1} + b(f)^{l+1}$$",
    r"",
    r"$$\frac{\partial L}{\partial w(f)^{l+1}_{m}} = \sum_{i} "
    r"\frac{\partial L}{\partial z^{l+1}_{i,f}} x^{l}_{i+m-1}$$",
    r"",
    r"$$\frac{\partial L}{\partial w(f)^{l+1}_{m}} = \sum_{i} "
    r"\frac{\partial L}{\partial z^{l+1}_{i,f}} x^{l}_{i+m}$$",
    r"",
    r"$$\frac{\partial L}{\partial b(f)^{l+1}} = "
    r"\sum_{i} \frac{\partial L}{\partial z^{l+1}_{i,f}}$$",
    r"",
    r"$$\frac{\partial L}{\partial x^{l}_{j}} = \sum_{f} \sum_{m} "
    r"\frac{\partial L}{\partial z^{l+1}_{j-m+1,f}} w(f)^{l+1}_{m}$$",
    r"",
    r"$$\frac{\partial L}{\partial w(f)^{l+1}_{m}} = \sum_{i=1}^{Q} "
    r"\frac{\partial L}{\partial z^{l+1}_{i,f}} x^{l}_{i+m-1}$$",
)


def test_a_tagged_kernel_is_the_forward_formula_its_gradients_are_derived_from():
    assert verdict_on(KERNEL, 5)[0] == "right"  # ∂L/∂w(f)_m = Σ_i ∂L/∂z_{i,f} x_{i+m-1}
    verdict, message = verdict_on(KERNEL, 7)  # x_{i+m}: one place off
    assert verdict == "wrong" and "forward formula on line 3" in message
    assert verdict_on(KERNEL, 9)[0] == "right"  # the bias of kernel f
    assert verdict_on(KERNEL, 11)[0] == "right"  # the input's gradient sums over the kernels f


def test_a_sum_to_a_size_the_forward_formula_does_not_measure_stays_unverified():
    verdict, message = verdict_on(KERNEL, 13)
    assert verdict == "unverified" and "Q" in message


# ----------------------------------------------------------------------------------------------
# Entries written like applications
# ----------------------------------------------------------------------------------------------
def entries_read(document: str) -> dict[int, object]:
    context = DocumentContext()
    return {c.line: c.sides for c in extract_claims(split_document(document), context=context)}


APPLIED = document_of(
    r"One output value through one weight:",
    r"",
    r"$$\frac{\partial Z(i', j')}{\partial Y(i, j)} = W(i - i', j - j')$$",
    r"",
    r"and the weights' gradient is $\frac{\partial L}{\partial W(a, b)}$.",
)


def test_an_application_is_an_entry_once_the_document_differentiates_by_it_on_any_line():
    sides = entries_read(APPLIED)[3]
    w = sp.IndexedBase("W")
    i_, j_ = sp.Symbol("i'"), sp.Symbol("j'")
    assert sides[1] == w[i - i_, j - j_]


def test_an_application_to_a_quantity_keeps_the_name_a_function():
    document = APPLIED + "\n\n$$W(X, Y) = X Y$$\n"
    sides = entries_read(document)[3]
    assert not sides[1].atoms(sp.Indexed)


ONE_TERM = document_of(
    r"Each input value meets one weight:",
    r"",
    r"$$Z(i', j') = Y(i, j) W(i - i', j - j')$$",
    r"",
    r"$$Z(i', j') = \sum_{i} \sum_{j} Y(i, j) W(i - i', j - j')$$",
    r"",
    r"$$\frac{\partial Z(i', j')}{\partial Y(i, j)} = W(i - i', j - j')$$",
    r"",
    r"$$\frac{\partial L}{\partial W(a, b)} = \sum_{i'} \sum_{j'} "
    r"\frac{\partial L}{\partial Z(i', j')} Y(i' + a, j' + b)$$",
)


def test_one_term_written_as_the_whole_sum_is_caught_and_the_sum_is_not():
    verdict, message = verdict_on(ONE_TERM, 3)
    assert verdict == "wrong" and "missing sum" in message
    assert all(j.verdict != "wrong" for j in judgements_on(ONE_TERM, 5))


FORWARD_BY_ENTRIES = document_of(
    r"The layer, indices from 0:",
    r"",
    r"$$Z(i, j) = \sum_{a=0}^{1} \sum_{b=0}^{1} W(a, b) Y(i + a, j + b)$$",
    r"",
    r"$$\frac{\partial L}{\partial Y(i, j)} = \sum_{i'} \sum_{j'} "
    r"\frac{\partial L}{\partial Z(i', j')} W(i - i', j - j')$$",
    r"",
    r"$$\frac{\partial L}{\partial Y(i, j)} = \sum_{i'} \sum_{j'} "
    r"\frac{\partial L}{\partial Z(i', j')} W(i' - i, j' - j)$$",
    r"",
    r"$$\frac{\partial L}{\partial W(a, b)} = \sum_{i} \sum_{j} "
    r"\frac{\partial L}{\partial Z(i, j)} Y(i + a, j + b)$$",
)


def test_entries_written_like_applications_are_judged_against_the_forward_formula():
    assert verdict_on(FORWARD_BY_ENTRIES, 5)[0] == "right"
    assert verdict_on(FORWARD_BY_ENTRIES, 7)[0] == "wrong"  # the flip the other way round
    assert verdict_on(FORWARD_BY_ENTRIES, 9)[0] == "right"


def test_a_derivative_before_any_forward_formula_stays_unverified():
    (judgement,) = judgements_on(APPLIED, 3)
    assert judgement.verdict == "unverified"


# ----------------------------------------------------------------------------------------------
# Chain-rule products
# ----------------------------------------------------------------------------------------------
DEPENDENCIES = [
    ("(requirement: *z* is function of *y*) and", [("z", "y")]),
    ("where u is a differentiable function of x.", [("u", "x")]),
    (" z  is a function of  y ", [("z", "y")]),
    ("z is a function of y and t", []),
    ("z is a function of several variables", []),
    ("the loss is a function of the weights", []),
]


@pytest.mark.parametrize(("words", "found"), DEPENDENCIES)
def test_a_dependency_said_in_words(words, found):
    assert dependencies_in_words(words) == found


SCALAR = document_of(
    r"We have $y = f(x)$, where $z$ is a function of $y$.",
    r"",
    r"$$\frac{dz}{dx} = \frac{dz}{dy} \frac{dy}{dx}$$",
    r"",
    r"$$\frac{dz}{dx} = \frac{dz}{dy} \frac{dx}{dy}$$",
)


def test_the_chain_rule_of_one_variable_is_right_when_the_document_says_what_depends_on_what():
    verdict, message = verdict_on(SCALAR, 3)
    assert verdict == "right"
    assert "z is a function of y (line 1)" in message and "y = f(x) (line 1)" in message


def test_a_chain_rule_with_an_inverted_factor_is_never_confirmed():
    assert verdict_on(SCALAR, 5)[0] != "right"


def test_the_chain_rule_of_names_nothing_relates_stays_unverified():
    document = document_of(
        r"We have $y = f(x)$ and some $z$.", r"", r"$$\frac{dz}{dx} = \frac{dz}{dy} \frac{dy}{dx}$$"
    )
    assert verdict_on(document, 3)[0] == "unverified"


def test_a_definition_that_reads_another_name_of_the_chain_is_not_one_path():
    document = document_of(
        r"$$y = f(x)$$",
        r"",
        r"$$z = y + x$$",
        r"",
        r"$$\frac{dz}{dx} = \frac{dz}{dy} \frac{dy}{dx}$$",
    )
    assert verdict_on(document, 5)[0] != "right"


def activation_document(*more: str) -> str:
    return document_of(r"$$x_i = \sigma(z_i)$$", r"", *more)


PRODUCT = (
    r"$$\frac{\partial L}{\partial z_i} = \frac{\partial L}{\partial x_i}"
    r" \frac{\partial x_i}{\partial z_i}$$"
)


def test_an_elementwise_activation_makes_the_product_at_the_same_entry_right():
    verdict, message = verdict_on(activation_document(PRODUCT), 3)
    assert verdict == "right" and "entry by entry (line 1)" in message
    summed = (
        r"$$\frac{\partial L}{\partial z_i} = \sum_j \frac{\partial L}{\partial x_j}"
        r" \frac{\partial x_j}{\partial z_i}$$"
    )
    assert verdict_on(activation_document(summed), 3)[0] == "right"


@pytest.mark.parametrize(
    ("product", "witness"),
    [
        (
            r"$$\frac{\partial L}{\partial z_i} = \frac{\partial L}{\partial x_{i+1}}"
            r" \frac{\partial x_{i+1}}{\partial z_i}$$",
            "i = 0",
        ),
        (
            r"$$\frac{\partial L}{\partial z_{i,j}} = \frac{\partial L}{\partial x_{j,i}}"
            r" \frac{\partial x_{j,i}}{\partial z_{i,j}}$$",
            "i = 0, j = 1",
        ),
    ],
)
def test_the_product_at_another_entry_is_wrong_with_the_entry_as_witness(product, witness):
    document = (
        activation_document(product)
        if "{i,j}" not in product
        else document_of(r"$$x_{i,j} = \sigma(z_{i,j})$$", r"", product)
    )
    (judgement,) = judgements_on(document, 3)
    assert judgement.verdict == "wrong"
    assert judgement.witness is not None and judgement.witness.startswith(f"at {witness}:")


def test_a_product_at_an_index_of_the_right_side_only_is_a_missing_sum():
    product = (
        r"$$\frac{\partial L}{\partial z_i} = \frac{\partial L}{\partial x_j}"
        r" \frac{\partial x_j}{\partial z_i}$$"
    )
    verdict, message = verdict_on(activation_document(product), 3)
    assert verdict == "wrong" and "missing sum over j" in message


@pytest.mark.parametrize(
    ("definition", "reason"),
    [
        (r"$$u_i = x_i + z_i$$", "z also feeds u (line 3)"),
        (r"$$L = \sum_i (x_i - z_i)^2$$", "L reads z directly (line 3)"),
        # function-call entries of a name defined on a bare argument are read (they once left
        # the line unread, which also made the product unverified)
        (r"$$u(i) = x(i) + z(i)$$", "z also feeds u (line 3)"),
    ],
)
def test_another_path_from_the_variable_leaves_the_product_unverified(definition, reason):
    verdict, message = verdict_on(activation_document(definition, r"", PRODUCT), 5)
    assert verdict == "unverified" and reason in message


def test_a_loss_that_reads_the_activation_only_keeps_the_product_right():
    document = activation_document(r"$$L = \sum_i (x_i - t_i)^2$$", r"", PRODUCT)
    assert verdict_on(document, 5)[0] == "right"


def test_an_intermediate_nothing_defines_leaves_the_product_unverified_with_the_reason():
    verdict, message = verdict_on(document_of(r"Let $L$ be the loss.", r"", PRODUCT), 3)
    assert verdict == "unverified"
    assert "right if x is computed from z entry by entry" in message


LAYERS = document_of(
    r"$$x^{(l)}_{i} = f(z^{(l)}_{i})$$",
    r"",
    r"$$z^{(l+1)}_j = \sum_i w^{(l+1)}_{j,i} x^{(l)}_i + b^{(l+1)}_j$$",
    r"",
    r"$$\frac{\partial L}{\partial z^{(l+1)}_{j}} = \frac{\partial L}{\partial x^{(l+1)}_{j}}"
    r" \frac{\partial x^{(l+1)}_{j}}{\partial z^{(l+1)}_{j}}$$",
)


def test_an_activation_written_for_layer_l_holds_for_every_layer():
    verdict, message = verdict_on(LAYERS, 5)
    assert verdict == "right" and "x^{(l+1)} = f(z^{(l+1)})" in message


NETWORK = document_of(
    r"$$z = w x + b$$",
    r"",
    r"$$a = \sigma(z)$$",
    r"",
    r"$$L = \frac{1}{2}(a - y)^2$$",
    r"",
    r"$$\frac{\partial L}{\partial w} = \frac{\partial L}{\partial a}"
    r" \frac{\partial a}{\partial z} \frac{\partial z}{\partial w}$$",
    r"",
    r"$$\frac{\partial L}{\partial w} = \frac{\partial L}{\partial a}"
    r" \frac{\partial a}{\partial z} \frac{\partial z}{\partial x}$$",
)


def test_a_chain_of_several_links_each_defined_is_the_chain_rule():
    verdict, message = verdict_on(NETWORK, 7)
    assert verdict == "right"
    assert message.endswith("so ∂L/∂w = ∂L/∂a · ∂a/∂z · ∂z/∂w")
    assert verdict_on(NETWORK, 9)[0] != "right"  # the last link by x, not w


def test_a_gradient_of_a_layer_no_formula_computes_says_so():
    document = document_of(
        r"$$\frac{\partial L}{\partial Y(i, j)} = \sum_{i'} \sum_{j'} "
        r"\frac{\partial L}{\partial Z(i', j')} W(i - i', j - j')$$"
    )
    verdict, message = verdict_on(document, 1)
    assert verdict == "unverified"
    assert "no formula before the line computes the tensors it differentiates" in message


def test_a_document_read_where_the_last_one_was_gets_its_own_definitions(monkeypatch):
    # two documents with as many claims; the second allocated at the first one's address (an id
    # collision, forced here) must not be judged with the first one's definitions
    import symconv.check.document_gradients as document_gradients
    import symconv.check.judges.gradients as gradients

    monkeypatch.setattr(document_gradients, "id", lambda _: 0, raising=False)
    monkeypatch.setattr(gradients, "id", lambda _: 0, raising=False)
    first = activation_document(PRODUCT)
    second = document_of(
        r"$$x_{i,j} = \sigma(z_{i,j})$$",
        r"",
        r"$$\frac{\partial L}{\partial z_{i,j}} = \frac{\partial L}{\partial x_{j,i}}"
        r" \frac{\partial x_{j,i}}{\partial z_{i,j}}$$",
    )
    assert verdict_on(first, 3)[0] == "right"
    assert verdict_on(second, 3)[0] == "wrong"
