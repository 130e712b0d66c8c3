"""The notation of derivation rows, as symconv's own write-ups print it (``symconv solve``).

Sums over several ranges (``\\sum_{\\substack{...}}``), Kronecker deltas of two indices set apart
by a space, Iverson brackets of chained inequalities and ``\\mathcal{O}`` order terms: each with
its exact SymPy meaning, built with constructors and compared with ``==``.
"""

from __future__ import annotations

import pytest
import sympy as sp

from symconv.check import nodes
from symconv.check.parsed import Chain
from symconv.check.parser import parse_expression, parse_math
from symconv.check.symbols import SymbolTable
from symconv.errors import ParseError
from symconv.grad.conditions import Iverson

i, j, k, m, n, u, v, h = sp.symbols("i j k m n u v h")
I, J, K, M, U, V = sp.symbols("I J K M U V")  # noqa: E741 (the sizes as written)
i_, m_, n_ = sp.symbols("i' m' n'")
j1, j1_, k1, J1 = sp.symbols("j_1 j_1' k_1 J_1")
f = sp.Symbol("f")
x = sp.IndexedBase("x")
w = sp.IndexedBase("w")
hb = sp.IndexedBase("h")


def le(a: object, b: object) -> sp.Basic:
    return sp.Le(a, b, evaluate=False)


# -- 1. sums over several ranges ------------------------------------------------------------------
SUMS = [
    (
        r"\sum_{\substack{0 \leq i' \leq I - 1\\0 \leq j'_{1} \leq J_{1} - 1}} f",
        sp.Sum(f, (j1_, 0, J1 - 1), (i_, 0, I - 1)),
    ),
    (
        r"\sum_{\substack{0 \le i < I\\1 < j \leq J}} f",
        sp.Sum(f, (j, 2, J), (i, 0, I - 1)),
    ),
    (r"\sum_{0 \le k \le K-1} x_{k}", sp.Sum(x[k], (k, 0, K - 1))),
    (r"\sum_{0 \le k < K} x_{k}", sp.Sum(x[k], (k, 0, K - 1))),
    (r"\sum\limits_{0 \le k \le K-1} x_{k}", sp.Sum(x[k], (k, 0, K - 1))),
    (r"\sum\limits_{\substack{0 \le k \le K-1}} x_{k}", sp.Sum(x[k], (k, 0, K - 1))),
    (
        r"\sum_{\substack{1 \leq u \leq U\\1 \leq v \leq V}} w_{u,v} x_{i - u + 1,j - v + 1}",
        sp.Sum(w[u, v] * x[i - u + 1, j - v + 1], (v, 1, V), (u, 1, U)),
    ),
]


@pytest.mark.parametrize(("text", "meaning"), SUMS)
def test_sums_over_several_ranges(text: str, meaning: object) -> None:
    assert parse_expression(text) == meaning


def test_substack_rows_read_as_the_nested_sums() -> None:
    stacked = parse_expression(
        r"\sum_{\substack{0 \leq i' \leq I - 1\\0 \leq j'_{1} \leq J_{1} - 1}} f"
    )
    nested = parse_expression(r"\sum_{i'=0}^{I-1}\sum_{j'_1=0}^{J_1-1} f")
    assert stacked == nested


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (r"\substack{a}", "outside the limits of a sum"),
        (r"\sum_{\substack{0 \le i \le 3 \\ j}} f", "mixed bounded and unbounded"),
        (r"\sum_{\substack{0 \le i \le 3 \\ 0 \le 2 i \le 3}} f", "is not a name"),
        (r"\sum_{\substack{0 \le i \le 3 \\ 0 \le j \le 3}}^{4} f", "an upper limit"),
    ],
)
def test_bad_substack_limits_are_refused(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_expression(text)


# -- 2. Kronecker deltas of two indices set apart by a space ---------------------------------------
DELTAS = [
    (r"\delta_{i i'}", sp.KroneckerDelta(i, i_)),
    (r"\delta_{j'_{1} j_{1}}", sp.KroneckerDelta(j1_, j1)),
    (r"\delta_{m m'}", sp.KroneckerDelta(m, m_)),
    (r"\delta_{n n'}", sp.KroneckerDelta(n, n_)),
    (r"\delta_{ij}", sp.KroneckerDelta(i, j)),
    (r"\delta_{i j}", sp.KroneckerDelta(i, j)),
    (r"\delta_{j_{1}, j'_{1} + k_{1}}", sp.KroneckerDelta(j1, j1_ + k1)),
    # three factors or a number are still an index product, as before
    (r"\delta_{2 i}", sp.IndexedBase("delta")[2 * i]),
]


@pytest.mark.parametrize(("text", "meaning"), DELTAS)
def test_kronecker_delta_of_two_spaced_indices(text: str, meaning: object) -> None:
    assert parse_expression(text) == meaning


def test_a_declared_delta_is_not_kronecker() -> None:
    table = SymbolTable.declare(tensors="delta")
    assert parse_expression(r"\delta_{i i'}", symbols=table) == sp.IndexedBase("delta")[i * i_]


# -- 3. Iverson brackets ---------------------------------------------------------------------------
IVERSON = [
    (
        r"\left[0 \leq i \leq I - 1 \wedge 0 \leq j_{1} - k_{1} \leq J_{1} - 1\right]",
        Iverson(sp.And(le(0, i), le(i, I - 1), le(0, j1 - k1), le(j1 - k1, J1 - 1))),
    ),
    (r"[0 \le i \land i < 3]", Iverson(sp.And(le(0, i), sp.Lt(i, 3, evaluate=False)))),
    (r"\left[0 \leq j_1 - k_1\right]", Iverson(le(0, j1 - k1))),
    (r"[0 \le 2]", Iverson(le(0, 2))),  # not decided while reading
    (
        r"[i \le j \vee j = k]",
        Iverson(sp.Or(le(i, j), sp.Eq(j, k, evaluate=False))),
    ),
    (
        r"x_{1} \left[x_{1} \geq x_{2} \wedge x_{1} \geq x_{3}\right]",
        sp.Symbol("x_1")
        * Iverson(
            sp.And(
                sp.Ge(sp.Symbol("x_1"), sp.Symbol("x_2"), evaluate=False),
                sp.Ge(sp.Symbol("x_1"), sp.Symbol("x_3"), evaluate=False),
            )
        ),
    ),
    # words in a bracket are not a condition: the bracket groups as before
    (r"[x_{i} \text{ is the first maximum}]", x[i]),
]


@pytest.mark.parametrize(("text", "meaning"), IVERSON)
def test_iverson_brackets(text: str, meaning: object) -> None:
    assert parse_expression(text) == meaning


def test_iverson_relations_stay_unevaluated() -> None:
    value = parse_expression(r"\left[0 \leq 2 \wedge 1 \leq 3\right]")
    assert isinstance(value, Iverson)
    assert all(isinstance(arg, sp.Le) for arg in value.condition.args)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (r"[a \le b, b \le c]", "join conditions"),
        (r"[a \le b \wedge c]", "expected a condition"),
        (r"[a \le b \wedge]", "a condition is missing"),
    ],
)
def test_bad_iverson_brackets_are_refused(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_expression(text)


# -- 4. \mathcal{O} -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "meaning"),
    [
        (r"\mathcal{O}(h^{4})", nodes.BigO(h**4)),
        (r"\mathcal{O}(h_{m}^{2} + h_{p}^{2})", nodes.BigO(hb[m] ** 2 + hb[sp.Symbol("p")] ** 2)),
    ],
)
def test_calligraphic_o_is_the_order_term(text: str, meaning: object) -> None:
    statement = parse_math(text).statements[0]
    assert isinstance(statement, Chain)
    assert statement.sides[0] is not None
    assert statement.sides[0].expr == meaning
    assert parse_expression(text) == parse_expression(text.replace(r"\mathcal{O}", "O"))


def test_calligraphic_o_is_the_order_term_even_when_o_is_a_size() -> None:
    table = SymbolTable.declare(scalars="O")
    assert parse_expression(r"\mathcal{O}(h^{4})", symbols=table) == nodes.BigO(h**4)


# -- entries of a bracketed formula, annotations, long matrices -----------------------------------
def test_an_entry_of_a_convolution_is_read() -> None:
    W_, X_ = sp.symbols("W X")
    rot180 = sp.Function("rot180")
    assert parse_expression(r"(\mathrm{rot180}(W) \tilde{\otimes} X)_{ij}") == nodes.Entry(
        nodes.Convolution(rot180(W_), X_, "wide"), i, j
    )
    assert parse_expression(r"(W \otimes X)_{i,j+1}") == nodes.Entry(
        nodes.Convolution(W_, X_, "otimes"), i, j + 1
    )
    assert parse_expression(r"(W * X)_{ij}") == nodes.Entry(W_ * X_, i, j)


@pytest.mark.parametrize("text", [r"(x)_{i}", r"(2+3)_i", r"((W*X)_{i})_{j}"])
def test_a_subscript_on_a_number_or_a_bracketed_name_is_refused(text: str) -> None:
    with pytest.raises(ParseError, match="a subscript on"):
        parse_expression(text)


@pytest.mark.parametrize(
    "row",
    [
        r"k_{1} &= \left\{0, 1\right\} && \text{0 } \leq \text{ k\_1 } \leq \text{ 2 } - \text{ 1}",
        r"&= \left\lceil{\frac{N}{s}}\right\rceil && \text{equal for every N } \geq \text{ 1}",
        r"w &= 2 c && \text{rank 8 of 9 unknowns; free: w\_\{1,1\}); the answer is this family}",
    ],
)
def test_an_annotation_that_is_not_math_is_left_out(row: str) -> None:
    annotation = row.index("&&")
    chain = parse_math(row).single()
    assert chain.end <= annotation
    assert parse_math(row[:annotation]).single().sides == chain.sides


def test_a_readable_annotation_is_kept_as_before() -> None:
    row = r"a &= b && \text{by the chain rule} \\ &= c"
    parsed = parse_math(row)
    assert [type(s).__name__ for s in parsed.statements] == ["Chain", "Chain"]
    assert parsed.statements[1].lead is not None
    assert "chain rule" in parsed.statements[1].lead


def test_a_matrix_of_many_fractions_is_not_too_deep() -> None:
    row = r" \\ ".join(" & ".join([r"\frac{1}{2}"] * 9) for _ in range(9))
    value = parse_expression(r"\begin{bmatrix}" + row + r"\end{bmatrix}")
    assert value == sp.ImmutableMatrix(9, 9, [sp.Rational(1, 2)] * 81)


# -- 5. every math segment of the catalog's derivation write-ups is read --------------------------
DERIVATION_WRITEUPS = ("nyu-cnn-4", "nndl-5-5", "nndl-5-7", "nndl-5-2", "nyu-cnn-5")


def _writeup_math(exercise_id: str) -> list[str]:
    from derivations import catalog
    from symconv.check.documents import Document
    from symconv.problems.writeup import RenderOptions, exercise_markdown

    for problem_set in catalog():
        for exercise in problem_set.exercises:
            if exercise.id != exercise_id:
                continue
            parts = list(exercise.parts)
            reports = {part.id: part.solution.derivation.check() for part in parts}
            text = exercise_markdown(problem_set, exercise, parts, reports, RenderOptions())
            document = Document.from_text(text, exercise_id, "md")
            return [s.text for s in document.segments if s.kind == "math"]
    raise AssertionError(f"no exercise {exercise_id} in the catalog")


@pytest.mark.parametrize("exercise_id", DERIVATION_WRITEUPS)
def test_every_row_of_a_derivation_writeup_is_read(exercise_id: str) -> None:
    segments = _writeup_math(exercise_id)
    assert segments
    unread = []
    for text in segments:
        try:
            parse_math(text)
        except ParseError as error:
            unread.append(f"{text}\n    {error}")
    assert not unread, "\n".join(unread)
