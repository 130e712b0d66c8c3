"""The string form of index formulas: what it reads, how it types names, how it fails."""

from __future__ import annotations

import pytest
import sympy as sp

from symconv.errors import ParseError, ShapeError
from symconv.grad.formula import IndexFormula, index_symbol, size_symbol
from symconv.grad.functions import relu, sigmoid
from symconv.grad.grammar import FormulaParseError, parse_index_formula, parse_size_expression
from symconv.grad.notation import GradientIndexed

i, j, k, m, n, t = (index_symbol(name) for name in "ijkmnt")
j1, j2, k1, k2 = (index_symbol(name) for name in ("j_1", "j_2", "k_1", "k_2"))
X, W, V, A, Z = (sp.IndexedBase(name) for name in "XWVAZ")

# text, the right side it must read as (sums with inferred limits)
READS = [
    (
        "Z[i,m,j] = b[m] + sum(W[m,n,k] * X[i,n,j+k])",
        "b[m] + Sum(W[m, n, k]*X[i, n, j + k], (n, 0, N - 1), (k, 0, K - 1))",
    ),
    (
        "Z[i,m,j] = sum_{n,k} W[m,n,k] X[i,n,2*j+k-1]",
        "Sum(W[m, n, k]*X[i, n, 2*j + k - 1], (n, 0, N - 1), (k, 0, K - 1))",
    ),
    (
        "Z[i,m,j] = Σ_{n,k} W[m,n,k] X[i,n,2j+k-1]",
        "Sum(W[m, n, k]*X[i, n, 2*j + k - 1], (n, 0, N - 1), (k, 0, K - 1))",
    ),
    (
        "Y[i,j] = X[i,j] * sigmoid(sum(V[j,k] * X[i,k]))",
        "sigmoid(Sum(V[j, k]*X[i, k], (k, 0, K - 1)))*X[i, j]",
    ),
    (
        "y[i] = sum(X[i,j] * A[j,k] * X[i,k])",
        "Sum(A[j, k]*X[i, j]*X[i, k], (j, 0, K - 1), (k, 0, K - 1))",
    ),
    (
        "y[i] = sum(X[i,j] * A[j,k] * X[i,k], k, j)",
        "Sum(A[j, k]*X[i, j]*X[i, k], (k, 0, K - 1), (j, 0, K - 1))",
    ),
    ("Z[j] = sum_k W[k] X[j + k] + 1", "Sum(W[k]*X[j + k], (k, 0, K - 1)) + 1"),
    ("Z[j] = sum_{k=0}^{2} W[k] X[j + k]", "Sum(W[k]*X[j + k], (k, 0, 2))"),
    ("Z[j] = sum_{k=1}^{K} W[k-1] X[j + k]", "Sum(W[k - 1]*X[j + k], (k, 1, K))"),
    (
        "Z[i,j1,j2,m] = sum_{k1,k2,n} W[k1,k2,n,m] X[i,j1+k1,j2+k2,n] + b[m]",
        "b[m] + Sum(W[k_1, k_2, n, m]*X[i, j_1 + k_1, j_2 + k_2, n], (k_1, 0, K_1 - 1), "
        "(k_2, 0, K_2 - 1), (n, 0, N - 1))",
    ),
    ("U[i] = exp(X[i]) + log(X[i]) - sqrt(X[i])", "exp(X[i]) + log(X[i]) - sqrt(X[i])"),
    ("U[i] = tanh(X[i])^2 + X[i]**3 + X[i]^{1/2}", "tanh(X[i])**2 + sqrt(X[i]) + X[i]**3"),
    (
        "U[i] = max(X[i], 0) + min(X[i], 1, 2) + abs(X[i])",
        "Abs(X[i]) + Max(0, X[i]) + Min(1, X[i])",
    ),
    ("U[i] = 0.25 X[i] + 3/4 - 1.5", "X[i]/4 - 3/4"),
    ("U[i] = relu(X[i]) + σ(X[i])", "relu(X[i]) + sigmoid(X[i])"),
    ("U[i] = -X[i] + +X[i] * -2", "-3*X[i]"),
    ("U[i] = X[floor(i/2)]", "X[floor(i/2)]"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), READS, ids=[r[0] for r in READS])
def test_reads_the_string_form(text, expected):
    formula = parse_index_formula(text)
    assert str(formula.rhs) == expected
    assert formula.text == text


def test_functions_are_the_symconv_classes_and_numbers_are_exact():
    formula = parse_index_formula("U[i] = sigmoid(X[i]) + relu(X[i]) + 0.1 X[i]")
    assert formula.rhs.has(sigmoid) and formula.rhs.has(relu)
    assert not formula.rhs.atoms(sp.Float)
    assert formula.rhs.coeff(formula.rhs.atoms(sp.Indexed).pop()) == sp.Rational(1, 10)


def test_gradient_entries_read_either_way():
    for text in (
        "dJ/dW[m,n,k] = sum_{i,j} dJ/dZ[i,m,j] X[i,n,j+k]",
        "∂J/∂W[m,n,k] = sum_{i,j} ∂J/∂Z[i,m,j] X[i,n,j+k]",
    ):
        formula = parse_index_formula(text)
        assert isinstance(formula.lhs, GradientIndexed)
        assert str(formula.lhs.base.label) == "∂J/∂W"
        assert "∂J/∂Z" in {str(b.label) for b in formula.rhs.atoms(sp.IndexedBase)}
        assert formula.shapes["∂J/∂Z"] == (size_symbol("I"), size_symbol("M"), size_symbol("N_j"))


def test_names_get_their_kinds():
    formula = parse_index_formula("Z[i,j] = a * sum_k X[i, s*j + k] W[k] ; k < K")
    rhs_symbols = {s.name: s for s in formula.rhs.free_symbols if isinstance(s, sp.Symbol)}
    assert rhs_symbols["a"].is_real and not rhs_symbols["a"].is_integer  # a scalar
    assert rhs_symbols["s"].is_integer and rhs_symbols["s"].is_nonnegative  # a parameter
    assert formula.indices == (i, j)
    assert formula.parameters == (
        sp.Symbol("a", real=True),
        sp.Symbol("s", integer=True, nonnegative=True),
    )


@pytest.mark.parametrize(
    ("text", "shapes", "ranges"),
    [
        (
            "Z[i,m,j] = b[m] + sum(W[m,n,k] * X[i,n,j+k]); X: (N, C, I); j < I - K + 1",
            {"X": "(N, C, I)", "W": "(M, C, K)", "Z": "(N, M, I - K + 1)"},
            "((i, 0, N - 1), (m, 0, M - 1), (j, 0, I - K))",
        ),
        (
            "Z[i,m,j] = b[m] + sum(W[m,n,k] * X[i,n,j+k]) where X: (N, C, I), 0 <= j < O, "
            "O = I - K + 1",
            {"X": "(N, C, I)", "Z": "(N, M, I - K + 1)"},
            "((i, 0, N - 1), (m, 0, M - 1), (j, 0, I - K))",
        ),
        (
            "y[t] = sum_k w[k] x[t - d*k]; d = 2; 1 <= t <= T",
            {"w": "(K,)", "x": "(n^x_0,)"},
            "((t, 1, T),)",
        ),
        (
            "Z[j] = sum_{k=0}^{1} W[k] X[j+k]; W: (K); X: (I); j < I - 1",
            {"W": "(K,)", "X": "(I,)", "Z": "(I - 1,)"},
            "((j, 0, I - 2),)",
        ),
    ],
)
def test_declarations(text, shapes, ranges):
    formula = parse_index_formula(text)
    for name, shape in shapes.items():
        assert str(formula.shapes[name]) == shape, name
    assert str(formula.ranges) == ranges


def test_declarations_as_keyword_arguments():
    formula = IndexFormula.parse(
        "Z[i,m,j] = sum(W[m,n,k] * X[i,n,s*j+k])",
        shapes={"X": ("N", "C", "I")},
        ranges={"j": "O"},
        bind={"s": 2, "O": "floor((I - K)/2) + 1"},
    )
    assert str(formula.rhs) == "Sum(W[m, n, k]*X[i, n, 2*j + k], (n, 0, C - 1), (k, 0, K - 1))"
    assert str(formula.ranges[2]) == "(j, 0, floor(I/2 - K/2))"


def test_size_expressions():
    assert parse_size_expression("I1 - K1 + 1") == size_symbol("I_1") - size_symbol("K_1") + 1
    assert parse_size_expression("floor((I + 2 p - K)/s) + 1").free_symbols == {
        size_symbol(name) for name in ("I", "p", "K", "s")
    }


# text, 1-based column of the error, something the message must say is expected there
ERRORS = [
    ("Z[i,j] = X[i,j +", 17, "a name"),
    ("Z[i,j] = X[i,j] +* 2", 18, "a number"),
    ("Z[i] = X[i] $ 2", 13, "'+'"),
    ("Z[i] = exp X[i]", 12, "'('"),
    ("Z[i] = sum_{k W[k]", 15, "'}'"),
    ("= X[i]", 1, "a name"),
    ("Z[i] = X[i] ; X: N", 18, "'('"),
    ("Z[i] X[i]", 6, "'='"),
]


@pytest.mark.parametrize(("text", "column", "expected"), ERRORS, ids=[e[0] for e in ERRORS])
def test_parse_errors_name_text_column_and_expectation(text, column, expected):
    with pytest.raises(FormulaParseError) as caught:
        parse_index_formula(text)
    error = caught.value
    assert isinstance(error, ParseError) and isinstance(error, ValueError)
    assert error.text == text
    assert error.column == column
    assert expected in error.expected, error.expected
    assert text in str(error) and f"column {column}" in str(error)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Z[i,i] = X[i]", "distinct index names"),
        ("Z[i] = sum(X[i])", "no index to sum over"),
        ("Z[i] = exp(X[i], 2)", "takes 1 argument"),
        ("Z[i] = max(X[i])", "two or more"),
        ("Z[i] = sum_{k,k} W[k] X[i]", "summed twice"),
        ("", "empty"),
    ],
)
def test_meaningless_formulas_are_parse_errors(text, message):
    with pytest.raises(ParseError, match=message):
        parse_index_formula(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Z[i] = X[i] + X[i, i]", "read with 1 and with 2 indices"),
        ("Z[i] = X[i]; X: (N, M)", "declared for X"),
        ("Z[i] = W[i] X[i]; W: (K); X: (I)", "but also"),
        ("Z[i] = X[i]; q = 2", "cannot bind q"),
    ],
)
def test_inconsistent_sizes_are_shape_errors(text, message):
    with pytest.raises(ShapeError, match=message):
        parse_index_formula(text)


def test_text_is_never_evaluated_as_python():
    for hostile in (
        "Z[i] = __import__('os').system('true')",
        "Z[i] = X[i].__class__",
        "Z[i] = X[i]; import os",
    ):
        with pytest.raises(ParseError):
            parse_index_formula(hostile)


def test_keywords_do_not_swallow_longer_names():
    formula = parse_index_formula("Z[i] = expo[i] + summary[i] + sigmoids[i]")
    assert {str(b.label) for b in formula.rhs.atoms(sp.IndexedBase)} == {
        "expo",
        "summary",
        "sigmoids",
    }
