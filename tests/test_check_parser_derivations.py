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
