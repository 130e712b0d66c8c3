"""Claim extraction: what a hand-written solution claims, where, and of which kind."""

from __future__ import annotations

import sympy as sp

from symconv.check.claims import KINDS, extract_claims
from symconv.check.context import DocumentContext
from symconv.check.markdown import split_document
from symconv.check.symbols import SymbolTable


def claims_of(text: str, kind: str = "md", context: DocumentContext | None = None):
    return extract_claims(split_document(text, kind), context=context)


def summary(text: str, kind: str = "md"):
    return [(c.line, c.end_line, c.kind, c.text) for c in claims_of(text, kind)]


def test_every_link_of_a_chain_is_a_claim():
    (first, second) = claims_of("$2 + 2 = 4 = 2^2$\n")
    assert (first.text, second.text) == ("2 + 2 = 4", "4 = 2^2")
    assert (first.kind, second.kind) == ("arithmetic", "arithmetic")
    assert second.link.previous == first.id
    assert first.answer is None and second.answer == 4


def test_rows_of_an_aligned_block_span_their_own_lines():
    doc = (
        "$$\n\\begin{aligned}\n"
        "a &= 3 \\times 4 \\\\\n"
        "  &= 12 \\\\\n"
        "  &= 10 + 2\n"
        "\\end{aligned}\n$$\n"
    )
    claims = claims_of(doc)
    # the first row defines a (continued below): not a claim of its own
    assert [(c.line, c.end_line, c.text) for c in claims] == [
        (4, 4, "3 \\times 4 = 12"),
        (5, 5, "12 = 10 + 2"),
    ]
    assert claims[-1].answer == 12


def test_a_display_over_several_lines_spans_them_and_keeps_its_matrix_rows():
    doc = (
        "$$z = \\begin{bmatrix}\n1 & 2 \\\\\n3 & 4\n\\end{bmatrix}\n"
        "\\begin{bmatrix} 1 \\\\ 1 \\end{bmatrix}$$\n"
    )
    (claim,) = claims_of(doc)
    assert (claim.line, claim.end_line, claim.kind) == (1, 5, "answer")
    literal, rows = claim.matrices[0]
    assert literal == sp.Matrix([[1, 2], [3, 4]]) and rows == (2, 3)


def test_a_shape_after_shape_words_and_a_product_with_its_value():
    shape, product = claims_of(
        "$Z$ and $U$ have shape $46 \\times 62 \\times 20$.\n\n$46\\times62\\times10 = 28520$\n"
    )
    assert (shape.kind, shape.facts.shape, shape.facts.subjects) == (
        "shape", (46, 62, 20), ("Z", "U"),
    )  # fmt: skip
    assert (product.kind, product.sides) == ("arithmetic", (28520, 28520))


def test_shape_stated_with_is_after_a_name():
    (shape, *arithmetic) = claims_of("$Z$ is $5 \\times 4$ because $6 - 2 + 1 = 5$.\n")
    assert shape.kind == "shape" and shape.facts.shape == (5, 4)
    assert [c.kind for c in arithmetic] == ["arithmetic"]


def test_plain_text_answers_around_the_math():
    claims = claims_of(
        "Shape is (100, 256, 256, 3): images.\n\n"
        "10 input channels and 20 output channels.\n\n"
        "The maximum is 6, at (1,3).\n\n"
        "$\\mathbf{y} = [1, 3, 0, 1]$\n"
    )
    assert [c.kind for c in claims] == ["shape", "answer", "answer", "answer"]
    assert claims[0].facts.shape == (100, 256, 256, 3)
    assert claims[1].facts.values == (10, 20)
    assert claims[1].facts.labels == ("input channels", "output channels")
    assert claims[2].facts.values == (6, sp.Tuple(1, 3))
    assert claims[3].answer == sp.Matrix([[1, 3, 0, 1]])


def test_the_last_size_of_a_kernel_is_no_count():
    # "3×3 filters", "3 x 3 kernels", "5 by 5 filters": kernel sizes, not 3 filters
    for text in ("We use 3×3 filters.", "We use 3 x 3 kernels.", "We use 5 by 5 filters."):
        assert [c.kind for c in claims_of(text + "\n")] == []
    assert [c.facts.values for c in claims_of("There are 16 filters.\n")] == [(16,)]
    # a layer's data stated with its input, not a result
    data = "The input is 32×32×3 and we use 6 filters of 5×5, stride 1."
    assert [c.kind for c in claims_of(data + "\n")] == []
    assert [c.facts.values for c in claims_of("The layer has 16 kernels of size 3.\n")] == [(16,)]


def test_one_line_arithmetic_and_a_candidate_answer():
    (claim,) = claims_of("(d) $3 \\times 3 \\times 10 \\times 20 + 10 = 1810$\n")
    assert claim.kind == "arithmetic" and claim.sides == (1810, 1810)
    assert claim.answer == 1810  # for the problem-context layer to compare


def test_assumptions_and_conditions_are_recorded_not_claimed():
    context = DocumentContext()
    doc = (
        "so with $h = 1$, $x''(t) \\approx x(t+1) + x(t-1) - 2x(t)$.\n\n"
        "For $y = \\mathrm{softmax}(z)$ and $\\sum_i t_i = 1$: "
        "$\\frac{\\partial L}{\\partial z} = y - t$.\n\n"
        "$\\frac{\\partial y}{\\partial x_i} = 1$ if $i = j$.\n"
    )
    claims = claims_of(doc, context=context)
    assert [(c.line, c.kind) for c in claims] == [
        (1, "approximation"), (3, "derivative"), (5, "index-formula"),
    ]  # fmt: skip
    assert [(d.name, d.value, d.assumed) for d in context.definitions] == [
        ("h", 1, True),
        ("y", sp.Function("softmax")(sp.Symbol("z")), True),
    ]
    (assumption,) = context.assumptions
    assert assumption.rhs == 1 and isinstance(assumption.lhs, sp.Sum)
    assert claims[2].link.conditions == ((sp.Symbol("i"), "=", sp.Symbol("j")),)


def test_conditions_after_a_claim_stop_at_the_next_claim():
    first, second = claims_of(
        "$\\mathrm{ReLU}'(z) = 1$ for $z > 0$ and $\\mathrm{ReLU}'(z) = 0$ for $z < 0$.\n"
    )
    z = sp.Symbol("z")
    assert first.link.conditions == ((z, ">", 0),)
    assert second.link.conditions == ((z, "<", 0),)


def test_a_list_of_assumptions_continues_after_commas():
    context = DocumentContext()
    claims = claims_of(
        "With $L = -\\sum_k t_k \\log y_k$, $y = \\mathrm{softmax}(z)$ and $\\sum_k t_k = 1$:\n"
        "$\\frac{\\part L}{\\part z_j} = y_j - t_j$.\n",
        context=context,
    )
    assert [c.line for c in claims] == [2]
    assert [d.name for d in context.definitions] == ["L", "y"]


def test_kinds_of_claims():
    doc = (
        "$x(t+h) = x(t) + h x'(t) + O(h^2)$\n\n"
        "$\\sigma'(z) = \\sigma(z)(1 - \\sigma(z))$\n\n"
        "$\\frac{\\partial J}{\\partial W[k]} = "
        "\\sum_i \\frac{\\partial J}{\\partial Z[i]} X[i+k]$\n\n"
        "$\\begin{pmatrix}1&0\\\\0&1\\end{pmatrix}\\begin{pmatrix}a\\\\b\\end{pmatrix} = "
        "\\begin{pmatrix}a\\\\c\\end{pmatrix}$\n\n"
        "$(a + b)^2 = a^2 + 2ab + b^2$\n\n"
        "The forward difference $\\frac{f(x+h) - f(x)}{h} \\approx f'(x)$ has error $O(h)$.\n\n"
        "The effective kernel size is $D(K-1)+1$.\n\n"
        "$k_1 \\in \\{0, 1\\}$\n"
    )
    claims = claims_of(doc)
    assert [c.kind for c in claims] == [
        "approximation", "derivative", "index-formula", "matrix", "algebra", "approximation",
        "order", "fact", "definition",
    ]  # fmt: skip
    assert claims[6].facts.approximation == claims[5].id
    assert claims[7].fact == "effective kernel size"
    assert set(kind for kind in (c.kind for c in claims)) <= set(KINDS)


def test_ambiguous_and_unreadable_formulas_are_claims_to_report():
    ambiguous, answer, unparsed = claims_of(
        "$y = u(a+1) + 2$\n\nThe result is $u(a+1)$.\n\n$a = \\frac{1}{2$\n"
    )
    assert ambiguous.kind == "ambiguous" and "u applied to" in ambiguous.facts.reason
    assert answer.kind == "ambiguous"
    assert unparsed.kind == "unparsed" and "ends too early" in unparsed.facts.reason


def test_a_quantity_named_in_words_or_defined_is_not_a_function():
    (claim,) = claims_of("With a dilation $D$ the padding is $P = D(K-1)/2$.\n")
    assert claim.sides[1] == sp.Symbol("D") * (sp.Symbol("K") - 1) / 2
    (claim,) = claims_of("The receptive field is $r = 1 + L(K-1)$ where $L = 3$ layers.\n")
    assert claim.sides[1] == 1 + sp.Symbol("L") * (sp.Symbol("K") - 1)


def test_declared_symbols_decide_application():
    symbols = SymbolTable.declare(functions="u")
    context = DocumentContext(symbols=symbols)
    claims = extract_claims(split_document("$y = u(a+1) + 2$\n"), symbols, context)
    assert claims == []  # a definition nothing can judge: recorded, not claimed
    (definition,) = context.definitions
    assert definition.value == sp.Function("u")(sp.Symbol("a") + 1) + 2


def test_formula_definitions_are_claims_when_something_can_judge_them():
    doc = "$y = W x + b$\n\nThe padding is $P = (K-1)/2$.\n\n$\\sigma(z) = 1/(1+e^{-z})$\n"
    assert [(c.line, c.kind) for c in claims_of(doc)] == [(3, "definition"), (5, "definition")]


def test_sections_number_the_scopes_and_chinese_headings_count():
    context = DocumentContext()
    claims = claims_of(
        "# 作业\n\n## 习题 1\n\n$h = 1$\n\n## 习题 2\n\n$1 + 1 = 2$\n", context=context
    )
    assert [(c.line, c.origin.scope, c.origin.heading) for c in claims] == [(5, 1, 3), (9, 2, 7)]
    assert context.definitions[0].scope == 1


def test_latex_sections_and_align_rows():
    doc = (
        "\\section{One}\n\\begin{align}\na &= 1 + 1 \\\\\n  &= 2\n\\end{align}\n"
        "\\section{Two}\n$3 - 1 = 2$\n"
    )
    claims = claims_of(doc, "tex")
    assert [(c.line, c.text, c.origin.scope) for c in claims] == [
        (4, "1 + 1 = 2", 1),
        (7, "3 - 1 = 2", 2),
    ]


def test_notebook_cells_number_their_own_lines():
    import json

    notebook = {
        "cells": [
            {"cell_type": "markdown", "source": ["## 1\n", "$2 + 2 = 5$ and"]},
            {"cell_type": "code", "source": ["x = 1"]},
            {
                "cell_type": "markdown",
                "source": ["$$f''(x) \\approx f(x+1) - 2f(x) + f(x-1)$$\n", "so $w = [1, -2, 1]$"],
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    claims = claims_of(json.dumps(notebook), "ipynb")
    assert [(c.origin.cell, c.line, c.kind) for c in claims] == [
        (1, 2, "arithmetic"),
        (3, 1, "approximation"),
        (3, 2, "answer"),
    ]
    assert claims[1].origin.words_before == ""  # the sentence of cell 1 does not go on


def test_a_row_that_cannot_be_read_ends_the_chain_it_was_on():
    # conv-arith-8's write-up: the o' row is ambiguous (s(i' - 1): product or application?); the
    # next row was compared with p' = k - 1 from the chain above it (a false alarm).
    doc = (
        "$$\n\\begin{aligned}\n"
        "p &= 2 \\cdot 3 \\\\\n"
        "&= 6 \\\\\n"
        "o &= s \\left(i - 1\\right) \\\\\n"
        "&= 1 \\cdot \\left(i - 1\\right) \\\\\n"
        "&= i - 1\n"
        "\\end{aligned}\n$$\n"
    )
    texts = [(c.kind, c.text) for c in claims_of(doc)]
    assert ("arithmetic", "2 \\cdot 3 = 6") in texts
    assert not any(text.startswith("6 ") for _, text in texts)
    assert texts[-1][1] == "1 \\cdot \\left(i - 1\\right) = i - 1"


def test_a_formula_that_ends_a_question_is_not_claimed() -> None:
    # "Is $2 + 2 = 5$?" asks (it was called wrong); the same formula stated is judged
    from symconv.check.api import check

    asked = check("Is $2 + 2 = 5$? We get $2 + 2 = 4$, not $2 + 2 = 5$.\n").judgements
    assert [j.verdict for j in asked] == ["unverified", "right", "wrong"]
    assert asked[0].message == "not verified: a question (it ends in ?), not a claim that it holds"


def test_an_equation_the_line_solves_uses_its_own_unknown_not_an_earlier_value() -> None:
    # part (b) solves for p again: with part (a)'s p = 2 its equation was called wrong and its
    # (wrong) p = 2 right "as defined on line 1"; the line's p is its own unknown. Part (a),
    # with no earlier p, reads as it always did (its p = 2 an answer --against compares)
    from symconv.check.api import check

    doc = (
        "(a) $\\frac{32 - 5 + 2p}{1} + 1 = 32 \\implies p = 2$.\n\n"
        "(b) $\\frac{28 - 3 + 2p}{1} + 1 = 28 \\Rightarrow p = 2$.\n\n"
        "(c) Then $2 + 2 = 4 \\implies 4 \\cdot 2 = 8$.\n"
    )
    judged = [(j.claim.line, j.verdict) for j in check(doc).judgements]
    assert judged[:4] == [(1, "unverified")] * 2 + [(3, "unverified")] * 2
    assert [v for line, v in judged if line == 5] == ["right", "right"]
    assert "an answer" in check(doc).judgements[1].message
    solving = check(doc).judgements[2].message
    assert solving.startswith("not verified: an equation this line solves for p")
