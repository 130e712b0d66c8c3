"""The checker's LaTeX front end: each notation of DESIGN.md's list with its exact SymPy meaning.

Expected values are built with SymPy constructors, never by parsing, and compared with ``==``
(structural equality of exact expressions). The table is the contract: a later change that
reads one of these notations differently must change this table.
"""

from __future__ import annotations

import random
import time

import pytest
import sympy as sp

from symconv.check import nodes
from symconv.check.components import componentwise
from symconv.check.parsed import Ambiguous, Chain
from symconv.check.parser import parse_expression, parse_math, parse_shape
from symconv.check.symbols import (
    SymbolTable,
    entries_as_indexed,
    entry_indices,
    entry_to_indexed,
    indexed_to_entry,
    name_key,
)
from symconv.core.tensors import entries
from symconv.errors import ParseError, ReadTimeLimitError

a, b, c, d, h, i, j, k, m, n, p, s, t, x, y, z = sp.symbols("a b c d h i j k m n p s t x y z")
B, C, D, J, K, L, N, P = sp.symbols("B C D J K L N P")
k1, k2, j1, j2 = sp.symbols("k_1 k_2 j_1 j_2")
A_, W_, X_, Y_ = sp.symbols("A W X Y")
W, X, Z, U = (sp.IndexedBase(name) for name in "WXZU")
xb, yb, zb, tb, wb, ab = (sp.IndexedBase(name) for name in ("x", "y", "z", "t", "w", "a"))
f, g, sigma, x_fn, softmax, rot180 = (
    sp.Function(name) for name in ("f", "g", "sigma", "x", "softmax", "rot180")
)
oo = sp.oo
delta = sp.Symbol("delta")

# (LaTeX as written, its meaning)
NOTATION = [
    # application and indexing
    (r"f(x+1, y)", f(x + 1, y)),
    (r"g(x)", g(x)),
    (r"h(x+1, y)", sp.Function("h")(x + 1, y)),  # two arguments: never a product
    (r"X[i, j+k]", X[i, j + k]),
    (r"x_{i,j}", xb[i, j]),
    (r"x_{ij}", xb[i, j]),
    (r"x_i", xb[i]),
    (r"x_{t-k+1}", xb[t - k + 1]),
    (r"W[k_1,k_2,n,m]", W[k1, k2, n, m]),
    (r"y_i(\delta_{ij} - y_j)", yb[i] * (sp.KroneckerDelta(i, j) - yb[j])),
    # entry names (tensors.entries' names) and index names
    (r"x_{11}", sp.Symbol("x_{11}")),
    (r"w_{12}", entries("w", (2, 2))[0, 1]),
    (r"x_{1,10}", sp.Symbol("x_{1,10}")),
    (r"k_1", k1),
    (r"k1", k1),
    (r"C_{in}", sp.Symbol("C_{in}")),
    (r"x_{\text{out}}", sp.Symbol(r"x_{\text{out}}")),
    # numbers, exactly
    (r"5.89824e9", sp.Integer(5898240000)),
    (r"5.89824 \times 10^{9}", sp.Integer(5898240000)),
    (r"5{,}898{,}240{,}000", sp.Integer(5898240000)),
    (r"5,898,240,000", sp.Integer(5898240000)),
    (r"5\,898\,240\,000", sp.Integer(5898240000)),
    (r"0.25", sp.Rational(1, 4)),
    (r"1.5e-3", sp.Rational(3, 2000)),
    (r"3 × 4 · 2 − 1", sp.Integer(23)),
    (r"e^{-z}", sp.exp(-z)),
    (r"\exp(x) + \log y + \ln(z)", sp.exp(x) + sp.log(y) + sp.log(z)),
    (r"\pi", sp.pi),
    # partial derivatives
    (r"\frac{\partial J}{\partial U}", sp.Derivative(J, sp.Symbol("U"))),
    (r"\frac{\part J}{\part U}", sp.Derivative(J, sp.Symbol("U"))),
    (r"\partial J / \partial U", sp.Derivative(J, sp.Symbol("U"))),
    (r"\frac{\partial J}{\partial W[k_1,k_2,n,m]}", sp.IndexedBase("∂J/∂W")[k1, k2, n, m]),
    (r"\frac{\partial y}{\partial x_i}", sp.IndexedBase("∂y/∂x")[i]),
    (r"\frac{\partial y_i}{\partial z_j}", nodes.Partial(yb[i], zb[j])),
    (r"\frac{\partial^2 f}{\partial x \partial y}", sp.Derivative(sp.Symbol("f"), x, y)),
    (r"\frac{\partial^2 f}{\partial x^2}", sp.Derivative(sp.Symbol("f"), (x, 2))),
    (r"\frac{d}{dx} f(x)", sp.Derivative(f(x), x)),
    (r"\frac{dy}{dx}", sp.Derivative(y, x)),
    (r"\frac{d^2 y}{dx^2}", sp.Derivative(y, (x, 2))),
    (r"\frac{\partial}{\partial x}\left(x^2 y\right)", sp.Derivative(x**2 * y, x)),
    (r"\partial_x f(x, y)", sp.Derivative(f(x, y), x)),
    # derivatives of functions: primes and orders; a primed name alone is a name
    (r"f^{(4)}(x)", sp.Derivative(f(x), (x, 4))),
    (r"f''(x)", sp.Derivative(f(x), (x, 2))),
    (r"f^{(n)}(x)", sp.Derivative(f(x), (x, n))),
    (r"\sigma'(z)", sp.Derivative(sigma(z), z)),
    (r"\tanh'(z)", sp.Derivative(sp.tanh(z), z)),
    (r"h x'(t)", h * sp.Derivative(x_fn(t), t)),
    (r"x'", sp.Symbol("x'")),
    (r"x^{(l)}", sp.Symbol("x^{(l)}")),
    # operators
    (r"a \cdot b", a * b),
    (r"46 \times 62 \times 10", sp.Integer(28520)),
    (r"3*3*256", sp.Integer(2304)),
    (r"W \otimes X", nodes.Convolution(W_, X_, "otimes")),
    (r"W \tilde{\otimes} X", nodes.Convolution(W_, X_, "wide")),
    (r"rot180(W) \tilde{\otimes} \delta", nodes.Convolution(rot180(W_), delta, "wide")),
    (r"A \odot B", nodes.Hadamard(A_, B)),
    (r"d^2x(t)", nodes.OperatorD(x_fn(t), 2)),
    (r"d_x^2 f(x, y)", nodes.OperatorD(f(x, y), 2, x)),
    (r"\nabla^2 f(x, y)", nodes.Nabla(f(x, y), 2)),
    (r"O(h^2)", nodes.BigO(h**2)),
    # sums and extrema
    (r"\sum_{k=0}^{K-1} W[k] X[j+k]", sp.Sum(W[k] * X[j + k], (k, 0, K - 1))),
    (r"\sum_{k=1}^{K} w_k x_{t-k+1}", sp.Sum(wb[k] * xb[t - k + 1], (k, 1, K))),
    (
        r"\sum_{k_1,k_2,n} W[k_1,k_2,n,m]",
        sp.Sum(W[k1, k2, n, m], (k1, -oo, oo), (k2, -oo, oo), (n, -oo, oo)),
    ),
    (r"\sum_{i}\sum_{j} a_{ij}", sp.Sum(sp.Sum(ab[i, j], (j, -oo, oo)), (i, -oo, oo))),
    (r"\sum_i t_i \log y_i", sp.Sum(tb[i] * sp.log(yb[i]), (i, -oo, oo))),
    (r"\sum_{0 \le k < K} x_k", sp.Sum(xb[k], (k, 0, K - 1))),
    (r"\sum_{k \in \{0, 1, 2\}} x_k", sp.Sum(xb[k], (k, 0, 2))),
    (r"\max(0, z)", sp.Max(0, z)),
    (r"\max_{j=0..p-1} X[sk+j]", nodes.MaxOver(X[s * k + j], (j, 0, p - 1))),
    (r"\max_{j=0,\dots,p-1} X[i, sk+j, n]", nodes.MaxOver(X[i, s * k + j, n], (j, 0, p - 1))),
    (r"\arg\max_j x_j", nodes.ArgMaxOver(xb[j], (j, -oo, oo))),
    (r"\lim_{h \to 0} \frac{f(x+h)-f(x)}{h}", sp.Limit((f(x + h) - f(x)) / h, h, 0)),
    # floors, ceilings, absolute values, roots, fractions
    (r"\lfloor N/s \rfloor", sp.floor(N / s)),
    (r"\left\lceil N/s \right\rceil", sp.ceiling(N / s)),
    (r"Ceil(N/s)", sp.ceiling(N / s)),
    (r"|x - y|", sp.Abs(x - y)),
    (r"\|x\|_2^2", nodes.Norm(x, 2) ** 2),
    (r"\sqrt{x} + \sqrt[3]{8}", sp.sqrt(x) + 2),
    (r"\frac{1}{2} + \dfrac{1}{3} + \tfrac16", sp.Integer(1)),
    (r"\frac12", sp.Rational(1, 2)),
    (r"\binom{5}{2} + 3!", sp.Integer(16)),
    (r"\frac{(K-1)(1+D)}{2}", (K - 1) * (1 + D) / 2),
    # names, fonts, Greek letters, spacing, brackets
    (r"\mathbf y", y),
    (r"\mathbf{y}", y),
    (r"\mathrm{softmax}(z)", softmax(z)),
    (r"\operatorname{softmax}(z)", softmax(z)),
    (r"\alpha + \beta", sp.Symbol("alpha") + sp.Symbol("beta")),
    (r"σ(z) + Δt", sigma(z) + sp.Symbol(r"\Delta t")),
    (r"\Delta t + \Delta", sp.Symbol(r"\Delta t") + sp.Symbol("Delta")),
    (r"\hat{y} - y", sp.Symbol(r"\hat{y}") - y),
    (r"\left( a + b \right)^2", (a + b) ** 2),
    (r"a\,b\;c", a * b * c),
    (r"\tanh^2(z)", sp.tanh(z) ** 2),
    (r"\sigma(z)(1 - \sigma(z))", sigma(z) * (1 - sigma(z))),
    # vectors, matrices, tuples, sets, patterns
    (r"[a, b]^T", sp.ImmutableMatrix([[a], [b]])),
    (r"[1, -2, 1]", sp.ImmutableMatrix([[1, -2, 1]])),
    (r"x^{\top} + y^T", nodes.Transposed(x) + nodes.Transposed(y)),
    (
        r"\begin{bmatrix} 1 & 1 & 1 \\ 1 & -4 & 1 \\ 1 & 1 & 1 \end{bmatrix}",
        sp.ImmutableMatrix([[1, 1, 1], [1, -4, 1], [1, 1, 1]]),
    ),
    (r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", sp.ImmutableMatrix([[a, b], [c, d]])),
    (r"[0, \dots, 1, \dots, 0]^T", nodes.ListPattern([0, nodes.Dots(), 1, nodes.Dots(), 0], True)),
    (r"(B, N, C)", sp.Tuple(B, N, C)),
    (r"(100,256,256,3)", sp.Tuple(100, 256, 256, 3)),
    (r"(100,256,256)", sp.Tuple(100, 256, 256)),
    (r"(B, \lfloor N/s \rfloor, C)", sp.Tuple(B, sp.floor(N / s), C)),
    (r"\{0, 1\}", sp.FiniteSet(0, 1)),
    (r"\{0, 1, \dots, 9\}", sp.Range(0, 10)),
    (r"x_1 + \dots + x_n", sp.Symbol("x_1") + nodes.Dots() + xb[n]),
    (
        r"\begin{cases} 1 & \text{if } i = j \\ 0 & \text{otherwise} \end{cases}",
        sp.Piecewise((1, sp.Eq(i, j)), (0, True)),
    ),
    (r"\mathbb{R}^{m \times n}", nodes.TensorSpace(sp.Reals, sp.Tuple(m, n))),
    # half-open intervals, also with ISO 80000-2's reversed brackets
    (r"[0, n)", sp.Interval(0, n, right_open=True)),
    (r"\left[0, N - 1\right)", sp.Interval(0, N - 1, right_open=True)),
    (r"(0, n]", sp.Interval(0, n, left_open=True)),
    (r"[0, n[", sp.Interval(0, n, right_open=True)),
    (r"\sum_{i \in [0, n)} x_i", sp.Sum(xb[i], (i, 0, n - 1))),
]


@pytest.mark.parametrize(("text", "meaning"), NOTATION, ids=[t for t, _ in NOTATION])
def test_notation_has_its_exact_meaning(text: str, meaning: object) -> None:
    assert parse_expression(text) == meaning


def test_the_table_covers_at_least_sixty_notations() -> None:
    assert len(NOTATION) >= 60


# ----------------------------------------------------------------------------------------------
# Chains: each link is a claim
# ----------------------------------------------------------------------------------------------
def test_iso_intervals_after_in_and_a_bracket_that_indexes() -> None:
    chain = parse_math(r"k \in ]0, K]").single()
    assert chain.sides[1] is not None and chain.sides[1].expr == sp.Interval(0, K, left_open=True)
    # a '[' that opens an index is no interval's end
    assert parse_expression("[a, b[k]]") == sp.ImmutableMatrix([[a, sp.IndexedBase("b")[k]]])


def test_chain_keeps_every_side_and_relation() -> None:
    chain = parse_math(r"a = b \approx c \le 2").single()
    assert [side.expr for side in chain.sides if side] == [a, b, c, 2]
    assert chain.relations == ("=", "≈", "≤")
    assert [(link.lhs.text, link.relation, link.rhs.text) for link in chain.links()] == [
        ("a", "=", "b"),
        ("b", "≈", "c"),
        ("c", "≤", "2"),
    ]


def test_arithmetic_claim_keeps_both_values() -> None:
    chain = parse_math(r"3 \times 3 \times 10 \times 20 + 20 = 1830").single()
    assert (chain.sides[0].expr, chain.sides[1].expr) == (1820, 1830)


def test_continuation_row_has_no_left_side() -> None:
    chain = parse_math(
        r"&= h^2 x''(t) + O(h^4)", symbols=SymbolTable.declare(functions="x")
    ).single()
    assert chain.is_continuation and chain.relations == ("=",)
    assert chain.sides[1].expr == h**2 * sp.Derivative(x_fn(t), (t, 2)) + nodes.BigO(h**4)


def test_alignment_marks_are_ignored_and_offsets_are_exact() -> None:
    text = r"x(t+h) &= x(t) + h x'(t)"
    chain = parse_math(text).single()
    lhs, rhs = chain.sides
    assert text[lhs.start : lhs.end] == lhs.text == "x(t+h)"
    assert text[rhs.start : rhs.end] == rhs.text == "x(t) + h x'(t)"
    assert lhs.expr == x_fn(t + h)  # the prime in the same line shows that x is a function


def test_statements_are_separated_by_commas_quads_and_text() -> None:
    parsed = parse_math(r"x = 1, \quad y = 2 \text{ and } z \in \{0, 1\}")
    assert [s.relations for s in parsed.chains] == [("=",), ("=",), ("∈",)]
    assert [s.lead for s in parsed.chains] == [None, r", \quad", r"\text{ and }"]


def test_definitions_with_colon_equals_and_overset() -> None:
    assert parse_math(r"w := [1, -2, 1]").single().relations == (":=",)
    assert parse_math(r"a \overset{\text{def}}{=} b").single().relations == (":=",)
    assert parse_math(r"a \stackrel{(1)}{=} b").single().relations == ("=",)


def test_aligned_block_rows_are_statements() -> None:
    parsed = parse_math(r"\begin{aligned} a &= b \\ &= c \end{aligned}")
    first, second = parsed.chains
    assert first.relations == ("=",) and second.is_continuation


# ----------------------------------------------------------------------------------------------
# Shapes on request
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "shape"),
    [
        (r"46 \times 62 \times 10", (46, 62, 10)),
        (r"[5\times4]", (5, 4)),
        (r"(B, N, C)", (B, N, C)),
        (r"(40, 2400, 80)", (40, 2400, 80)),
        (r"32 \times 300 \times 512 \times 512 \times 3", (32, 300, 512, 512, 3)),
        (r"m \times n", (m, n)),
        (r"46 \cdot 62 \cdot 10", (46, 62, 10)),  # a paraphrase of \times (issue 17)
    ],
)
def test_shape_reading(text: str, shape: tuple[object, ...]) -> None:
    assert parse_shape(text) == shape


def test_product_is_a_number_and_still_offers_its_factors() -> None:
    side = parse_math(r"46\times62\times10 = 28520").single().sides[0]
    assert side.expr == 28520 and side.as_shape() == (46, 62, 10)
    assert parse_math(r"2 \cdot 3").single().sides[0].as_shape() == (2, 3)
    assert parse_math(r"2 + 3").single().sides[0].as_shape() is None
    with pytest.raises(ParseError, match="not a shape"):
        parse_shape("a + b")


# ----------------------------------------------------------------------------------------------
# Ambiguity: never a silent guess
# ----------------------------------------------------------------------------------------------
def test_application_or_product_is_ambiguous_without_context() -> None:
    statement = parse_math("y = x(t+1)").statements[0]
    assert isinstance(statement, Ambiguous)
    readings = [reading.sides[1].expr for reading in statement.readings]
    assert readings == [x_fn(t + 1), x * (t + 1)]
    assert "x" in statement.message and "Declare" in statement.message


@pytest.mark.parametrize(
    ("table", "meaning"),
    [
        (SymbolTable.declare(functions="x"), x_fn(t + 1)),
        (SymbolTable.declare(scalars="x"), x * (t + 1)),
        (SymbolTable.declare(tensors="x"), x * (t + 1)),
    ],
)
def test_declarations_decide_application_or_product(table: SymbolTable, meaning: object) -> None:
    assert parse_expression("x(t+1)", symbols=table) == meaning


def test_the_segment_itself_can_show_a_function() -> None:
    parsed = parse_math(r"x(t+1) + x(t-1) - 2x(t) \approx x''(t)")
    assert isinstance(parsed.statements[0], Chain)
    assert parsed.functions == frozenset({"x"})
    assert parsed.learned().kind_of("x") == "function"


def test_a_variable_of_differentiation_is_a_quantity() -> None:
    chain = parse_math(r"U(1-U) = \frac{\partial J}{\partial U}").single()
    assert chain.sides[0].expr == sp.Symbol("U") * (1 - sp.Symbol("U"))


def test_tensors_written_without_indices_are_read_at_the_left_indices() -> None:
    chain = parse_math(
        r"\frac{\partial J}{\partial Z[i,j]} = \frac{\partial J}{\partial U}\, U (1 - U)"
    ).single()
    lhs, rhs = (side.expr for side in chain.sides)
    assert lhs == sp.IndexedBase("∂J/∂Z")[i, j]
    assert componentwise(rhs, lhs.indices, tensors={"U"}) == (
        sp.IndexedBase("∂J/∂U")[i, j] * U[i, j] * (1 - U[i, j])
    )


def test_conventional_functions_can_be_turned_off() -> None:
    assert parse_expression("f(x)") == f(x)
    statement = parse_math("f(x)", symbols=SymbolTable(conventional=False)).statements[0]
    assert isinstance(statement, Ambiguous)


def test_star_between_tensors_is_ambiguous_between_scalars_a_product() -> None:
    tensors = SymbolTable.declare(tensors="W X")
    statement = parse_math("W * X", symbols=tensors).statements[0]
    assert isinstance(statement, Ambiguous)
    assert [r.sides[0].expr for r in statement.readings] == [
        W_ * X_,
        nodes.Convolution(W_, X_, "star"),
    ]
    assert parse_expression("a * b") == a * b
    star = SymbolTable.declare(tensors="W X", star="convolution")
    assert parse_expression("W * X", symbols=star) == nodes.Convolution(W_, X_, "star")


def test_slash_before_a_product_is_ambiguous() -> None:
    statement = parse_math("1/2h").statements[0]
    assert isinstance(statement, Ambiguous)
    assert [r.sides[0].expr for r in statement.readings] == [1 / (2 * h), h / 2]
    assert parse_expression("N/s") == N / s


def test_plus_minus_gives_both_formulas() -> None:
    statement = parse_math(r"x \pm h").statements[0]
    assert isinstance(statement, Ambiguous)
    assert [r.sides[0].expr for r in statement.readings] == [x + h, x - h]


def test_operator_d_is_never_multiplied_out() -> None:
    chain = parse_math(r"d^2x(t) = d(dx(t))").single()
    assert chain.sides[1].expr == nodes.OperatorD(nodes.OperatorD(x_fn(t)))
    assert parse_expression("d x", symbols=SymbolTable.declare(scalars="d")) == d * x


# ----------------------------------------------------------------------------------------------
# Symbol table objects, gradient naming and entry names
# ----------------------------------------------------------------------------------------------
def test_declared_objects_are_used() -> None:
    k_int = sp.Symbol("k", integer=True)
    Wshaped = sp.IndexedBase("W", shape=(3,))
    table = SymbolTable.declare(objects={"k": k_int, "W": Wshaped})
    assert parse_expression(r"\sum_{k=0}^{2} W[k]", symbols=table) == sp.Sum(
        Wshaped[k_int], (k_int, 0, 2)
    )


def test_gradient_base_factory_is_used() -> None:
    made = []

    def factory(of: str, wrt: str) -> sp.IndexedBase:
        made.append((of, wrt))
        return sp.IndexedBase(f"d{of}_d{wrt}")

    table = SymbolTable.declare(gradient_base=factory)
    value = parse_expression(r"\frac{\partial L}{\partial Z[i]}", symbols=table)
    assert value == sp.IndexedBase("dL_dZ")[i] and made == [("L", "Z")]


def test_entry_names_map_to_brackets_and_back() -> None:
    assert entry_indices("x_{11}") == ("x", (1, 1))
    assert entry_indices("k") is None
    assert entry_to_indexed(sp.Symbol("x_{23}"), base=1) == xb[1, 2]
    assert entry_to_indexed(sp.Symbol("w_{00}"), base=0) == wb[0, 0]
    assert indexed_to_entry(xb[0, 9], shape=(1, 10)) == sp.Symbol("x_{1,10}")
    w11, w12 = sp.symbols("w_{11} w_{12}")
    assert entries_as_indexed(w11 * x + w12 + k1, names={"w"}) == wb[0, 0] * x + wb[0, 1] + k1
    assert name_key(r"\sigma_{1}") == name_key("σ_1") == "sigma_1"


def test_matrix_literals_report_row_offsets() -> None:
    text = "C = \\begin{bmatrix}\na & b \\\\\nc & d\n\\end{bmatrix}"
    parsed = parse_math(text)
    (literal,) = parsed.matrices
    assert literal.value == sp.ImmutableMatrix([[a, b], [c, d]])
    assert [text[start:end].strip() for start, end in literal.row_spans] == ["a & b", "c & d"]


# ----------------------------------------------------------------------------------------------
# Bad input: ParseError (with the column and what was expected), fast, never anything else
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "message"),
    [
        (r"\frac{1}{2", "ends too early"),
        (r"a = (b + c", r"expected (?:one of )?'\)'"),
        (r"a + + b", "column 5"),
        (r"\foo x", r"unknown command \\foo"),
        (r"\int f dx", r"unknown command \\int"),
        (r"x^2^3", "double superscript"),
        (r"\sum x_i", "without an index"),
        (r"\partial J + 1", "outside a derivative"),
        (r"1e99999", "exponent 99999"),
        (r"\begin{bmatrix} 1 & 2 \\ 3 \end{bmatrix}", "different lengths"),
        (r"\sqrt{\{1, 2\}}", "not a number or a formula"),
        (r"f'(x, y)", "which argument"),
        ("", "holds 0 statements"),
    ],
)
def test_bad_input_raises_parse_error(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_expression(text)


@pytest.mark.parametrize(
    "text",
    [
        "{" * 10_000 + "x" + "}" * 10_000,
        "(" * 10_000,
        r"\left(" * 5_000,
        r"\frac" * 5_000,
        r"\sum_i" * 5_000 + "x",
        "x" + "^x" * 5_000,
        "a+" * 30_000 + "a",
    ],
    ids=["braces", "parens", "left", "frac", "sums", "powers", "too-long"],
)
def test_deep_or_huge_input_fails_fast(text: str) -> None:
    started = time.perf_counter()
    with pytest.raises(ParseError):
        parse_math(text)
    assert time.perf_counter() - started < 2.0


def test_a_long_but_allowed_formula_is_read_in_linear_time() -> None:
    text = "+".join(f"x_{{{index}}}" for index in range(2000))
    value = parse_expression(text)
    assert len(value.args) == 2000


def test_big_numbers_stay_unevaluated_instead_of_hanging() -> None:
    value = parse_expression(r"10^{10^{10}}")
    assert isinstance(value, sp.Pow) and value.exp == 10**10
    with pytest.raises(ParseError, match="power 1500"):
        parse_expression(r"\begin{bmatrix} a & b \\ c & d \end{bmatrix}^{1500}")


_FUZZ_TOKENS = [
    "x", "2", "(", ")", "{", "}", "[", "]", r"\frac", r"\sum", "_", "^", "=", "+", "-", r"\cdot",
    "|", "&", r"\\", r"\left(", r"\right)", "'", r"\partial", r"\begin{bmatrix}",
    r"\end{bmatrix}", ",", r"\dots", "e", "d", r"\text{a}", " ", r"\sqrt", r"\mathbf", "!", "/",
    "*", r"\times", r"\in", r"\{", r"\}", r"\lfloor", r"\rfloor", "1.5e3", "10,000,000",
    r"\max", "f", "W", r"\otimes", r"\nabla", "^T", r"\approx", r"\begin{cases}",
    r"\end{cases}", r"\sigma", r"\mathbb{R}", "k_1", r"\|", r"\pm", r"\Delta", r"\top",
]  # fmt: skip


def test_random_token_soup_raises_only_parse_error() -> None:
    generator = random.Random(20240531)
    for _ in range(1500):
        text = "".join(generator.choice(_FUZZ_TOKENS) for _ in range(generator.randint(1, 14)))
        try:
            parse_math(text)
        except ParseError as error:
            assert "could not read" not in str(error), f"internal failure on {text!r}: {error}"


def test_a_row_labelled_with_a_word_is_a_statement_of_its_own():
    # "\text{value} &= 6" after "Z &= [...]": the word names the row, it does not continue Z
    chain = parse_math(r"\text{value} &= 6").single()
    assert not chain.is_continuation
    assert (chain.sides[0].text, chain.sides[0].expr, chain.sides[1].expr) == (
        r"\text{value}",
        sp.Symbol("value"),
        6,
    )
    # a connective still continues the chain before it
    assert parse_math(r"\text{so} &= 6").single().is_continuation
    assert parse_math(r"&= 6").single().is_continuation


def test_the_word_if_before_a_bracket_in_a_condition_is_not_a_function():
    cases = r"\begin{cases} 1 & \text{if } (x + 1) > 0 \\ 0 & \text{otherwise} \end{cases}"
    assert parse_expression(cases) == sp.Piecewise((1, sp.Symbol("x") > -1), (0, True))
    assert str(parse_expression(r"\text{softmax}(z)")) == "softmax(z)"


def test_reading_a_formula_runs_under_its_time_limit():
    # the ceiling asks SymPy for the integer part of exp(10^30): 10^30 digits
    with pytest.raises(ReadTimeLimitError, match=r"took longer than its limit of 0\.5 s"):
        parse_math(r"y = \lceil \exp(10^{30}) \rceil", seconds=0.5)


def test_rows_that_continue_one_expression_are_read_as_one() -> None:
    """``\\\\`` only breaks the line when the next row continues with an operator (after an
    alignment mark, or with no relation of its own) or the row ends on one."""
    joined = parse_math(r"S = W_1 \\ &\quad + W_2 \\ &= 3").statements
    assert [[s.expr if s else None for s in c.sides] for c in joined] == [
        [sp.Symbol("S"), sp.Symbol("W_1") + sp.Symbol("W_2")],
        [None, 3],
    ]
    assert parse_math(r"a = b + \\ c").single().sides[1].expr == sum(sp.symbols("b c"))
    assert parse_math(r"&\; 1 \\ &+ 2 \\ &= 3").single().relations == ("=",)
    inside = parse_math(r"\begin{aligned} S &= a \\ &+ b \end{aligned}").single()
    assert inside.sides[1] is not None and inside.sides[1].expr == sum(sp.symbols("a b"))
    apart = parse_math(r"a = 1 \\ -b = 2").statements
    assert len(apart) == 2
    matrix = parse_math(r"\begin{bmatrix} 1 \\ -1 \end{bmatrix}").single().sides[0].expr
    assert matrix == sp.Matrix([1, -1])


def test_a_label_after_a_row_break_names_its_row() -> None:
    # rows of an aligned block written in $$ … $$ without the environment read as the rows do
    _, second = parse_math(r"Z = 1 \\ \text{value} &= 6").statements
    assert isinstance(second, Chain) and not second.is_continuation
    assert second.sides[0] is not None and second.sides[0].expr == sp.Symbol("value")
    assert parse_math(r"Z = 1 \\ \text{so} &= 1").statements[1].is_continuation


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        (r"\left.\frac{df}{dx}\right|_{x_0}", r"\frac{df}{dx}(x_0)"),
        (r"\frac{d^2 f}{dx^2}\Big|_{x=x_0}", r"\frac{d^2 f}{dx^2}(x_0)"),
        (r"f'(x)\bigg|_{x = x_0}", r"f'(x_0)"),
        (r"\left.\frac{\partial u}{\partial t}\right|_{(x_j, t_n)}",
         r"\frac{\partial u}{\partial t}(x_j, t_n)"),
    ],
)  # fmt: skip
def test_a_derivative_before_an_evaluation_bar_is_taken_at_its_point(written, plain):
    assert parse_expression(written) == parse_expression(plain)


@pytest.mark.parametrize(
    "written",
    # a bar on another variable than the derivative's, or a point list: not read
    [r"\frac{df}{dx}\Big|_{t=0}", r"\left.\frac{df}{dx}\right|_{x_0, x_1}"],
)
def test_an_evaluation_bar_that_does_not_fit_its_derivative_is_not_read(written):
    with pytest.raises(ParseError):
        parse_expression(written)


def test_a_struck_out_term_is_read_only_when_kept_and_left_out_agree() -> None:
    # \cancel{…} marks a cancellation: read kept and left out (a summand as 0, a factor or a
    # whole group as 1); the same meaning both ways reads, different meanings are refused
    kept = parse_math(r"\frac{\cancel{(x+1)}(x-1)}{\cancel{(x+1)}} = x - 1").single()
    assert [s.expr for s in kept.sides] == [sp.Symbol("x") - 1, sp.Symbol("x") - 1]
    assert parse_math(r"x \cancelto{1}{\frac{y}{y}} + 2 = 2 + x + \cancel{a} - \cancel{a}").single()
    for unclear in (r"\frac{3 + \cancel{x}}{3} = 1 + \frac{x}{3}", r"2\cancel{x} + 3 = 5"):
        with pytest.raises(ParseError, match="struck-out term"):
            parse_math(unclear)


def test_spacing_inside_a_transpose_superscript_is_kerning() -> None:
    # ^{\!\top} (a common \newcommand{\tr}{^{\!\top}}) was "T outside a superscript"
    spaced = parse_math(r"A^{\!\top} = B^{\,\top}").single()
    plain = parse_math(r"A^\top = B^\top").single()
    assert [s.expr for s in spaced.sides] == [s.expr for s in plain.sides]
