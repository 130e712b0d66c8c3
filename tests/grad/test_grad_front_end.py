"""Issue 19: the differentiator refuses what it cannot derive, its numeric check reads the text a
second, independent way, and the names it generates never collide with the user's."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symconv import SymconvError
from symconv.core.gradcheck import check_gradient
from symconv.errors import (
    ConventionError,
    FormulaError,
    RecurrenceError,
    SecondReadingError,
    UnboundIndexError,
    UnknownFunctionError,
)
from symconv.export import export_layer, torch_available
from symconv.grad.differentiate import derive_backward
from symconv.grad.second_reading import read_forward_text
from symconv.grad.verify import closed_form_gradient

# ---------------------------------------------------------------------------------------------
# Refused, with the name and a caret
# ---------------------------------------------------------------------------------------------
# text, wrt, error class, the name the message must give, the column of the caret
REFUSED = [
    ("y[i] = gelu2(x[i])", "x", UnknownFunctionError, "gelu2", 8),
    ("y[i] = 3 * mish(x[i]) + x[i]", "x", UnknownFunctionError, "mish", 12),
    ("y[i] = a (x[i] + 1)", "x", UnknownFunctionError, "a", 8),
    ("y[i] = w[k] * x[i+k]", "x", UnboundIndexError, "index k", 10),
    ("y[i] = sum(w[k]*x[i+k]) + b[j]", "x", UnboundIndexError, "index j", 29),
    ("Z[i,j1] = sum_k W[k] X[i, j2]", "X", UnboundIndexError, "index j_2", 27),
    ("y[i] = y[i-1] + x[i]", "x", RecurrenceError, "the output y", 8),
    ("h[t] = tanh(w * h[t - 1] + x[t])", "x", RecurrenceError, "the output h", 17),
]


@pytest.mark.parametrize(("text", "wrt", "error", "named", "column"), REFUSED)
def test_derive_backward_refuses_with_a_typed_error_naming_the_culprit(
    text, wrt, error, named, column
):
    with pytest.raises(SymconvError) as caught:
        derive_backward(text, wrt=wrt)
    refused = caught.value
    assert isinstance(refused, error) and isinstance(refused, FormulaError)
    assert named in str(refused)
    assert refused.text == text and refused.column == column
    assert str(refused).endswith(f"\n  {text}\n  {' ' * (column - 1)}^")


def test_messages_say_what_to_do():
    with pytest.raises(UnboundIndexError, match=r"did you mean sum\(\.\.\.\) over k"):
        derive_backward("y[i] = w[k] * x[i+k]", wrt="x")
    with pytest.raises(RecurrenceError, match=r"recurrences .* are not supported"):
        derive_backward("y[i] = y[i-1] + x[i]", wrt="x")
    with pytest.raises(UnknownFunctionError, match=r"known functions are abs, .*gelu.*register"):
        derive_backward("y[i] = gelu2(x[i])", wrt="x")


def test_sympy_input_is_refused_too():
    i, k = sp.Symbol("i", integer=True), sp.Symbol("k", integer=True)
    y, w, x = sp.IndexedBase("y"), sp.IndexedBase("w"), sp.IndexedBase("x")
    with pytest.raises(UnboundIndexError, match="index k"):
        derive_backward(sp.Eq(y[i], w[k] * x[i + k]), wrt="x")
    with pytest.raises(RecurrenceError, match="output y"):
        derive_backward(sp.Eq(y[i], y[i - 1] + x[i]), wrt="x")


def test_the_comparator_still_lints_a_missing_sum_instead_of_refusing():
    from symconv.grad.compare import compare_index_formulas

    result = compare_index_formulas(
        "dJ/dW[m,n,k] = sum_{j} dJ/dZ[i,m,j] X[i,n,j+k]",
        "dJ/dW[m,n,k] = sum_{i,j} dJ/dZ[i,m,j] X[i,n,j+k]",
        seed=1,
    )
    assert result.equal is False and [i.kind for i in result.issues] == ["missing_sum"]


# ---------------------------------------------------------------------------------------------
# The activations: gradients against central differences of a reference written here
# ---------------------------------------------------------------------------------------------
def _gelu(v: float) -> float:
    return v * 0.5 * (1 + math.erf(v / math.sqrt(2)))


ACTIVATIONS: dict[str, tuple[str, Any]] = {
    "gelu": ("gelu", _gelu),
    "softplus": ("softplus", lambda v: math.log1p(math.exp(v))),
    "silu": ("silu", lambda v: v / (1 + math.exp(-v))),
    "elu": ("elu", lambda v: v if v > 0 else 1.0 * math.expm1(v)),
    "elu alpha 0.5": ("elu(·, 0.5)", lambda v: v if v > 0 else 0.5 * math.expm1(v)),
    "leaky_relu": ("leaky_relu", lambda v: v if v > 0 else 0.01 * v),
    "leaky_relu 0.2": ("leaky_relu(·, 0.2)", lambda v: v if v > 0 else 0.2 * v),
}


def _dense_text(spelled: str) -> str:
    inner = "sum_k W[j,k] X[i,k]"
    call = spelled.replace("·", inner) if "·" in spelled else f"{spelled}({inner})"
    return f"Y[i,j] = {call}; X: (N, D); W: (M, D)"


def _reference(function: Any, x: np.ndarray, w: np.ndarray) -> np.ndarray:
    return np.vectorize(function)(x @ w.T)


def _point(seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {"X": rng.standard_normal((2, 3)), "W": rng.standard_normal((2, 3))}


def _derived(text: str, wrt: str, point: dict[str, np.ndarray], g: np.ndarray) -> np.ndarray:
    parts = derive_backward(text, wrt=wrt).details["parts"]
    tensors = {**point, str(parts.upstream.label): g}
    gradient = closed_form_gradient(parts, tensors, {})
    return np.array(gradient.tolist(), dtype=float)


@pytest.mark.parametrize("wrt", ["X", "W"])
@pytest.mark.parametrize("case", list(ACTIVATIONS))
def test_activation_gradients_match_central_differences(case, wrt):
    spelled, function = ACTIVATIONS[case]
    point = _point(len(case))
    g = np.random.default_rng(5).standard_normal((2, 2))

    def loss(value: np.ndarray) -> float:
        moved = {**point, wrt: value}
        return float(np.sum(g * _reference(function, moved["X"], moved["W"])))

    gradient = _derived(_dense_text(spelled), wrt, point, g)
    result = check_gradient(loss, point[wrt], gradient, seed=11)
    assert result.passed, result.detail


@pytest.mark.skipif(not torch_available(), reason="torch is not installed")
@pytest.mark.parametrize("wrt", ["X", "W"])
@pytest.mark.parametrize("case", list(ACTIVATIONS))
def test_activation_gradients_match_torch_autograd(case, wrt):
    import torch
    import torch.nn.functional as F

    torch_functions = {
        "gelu": F.gelu,
        "softplus": F.softplus,
        "silu": F.silu,
        "elu": F.elu,
        "elu alpha 0.5": lambda t: F.elu(t, alpha=0.5),
        "leaky_relu": F.leaky_relu,
        "leaky_relu 0.2": lambda t: F.leaky_relu(t, negative_slope=0.2),
    }
    spelled, _ = ACTIVATIONS[case]
    point = _point(len(case))
    g = np.random.default_rng(5).standard_normal((2, 2))
    x = torch.tensor(point["X"], requires_grad=True)
    w = torch.tensor(point["W"], requires_grad=True)
    (torch.tensor(g) * torch_functions[case](x @ w.T)).sum().backward()
    expected = {"X": x.grad, "W": w.grad}[wrt].numpy()
    np.testing.assert_allclose(_derived(_dense_text(spelled), wrt, point, g), expected, rtol=1e-10)


@pytest.mark.parametrize(
    ("text", "wrt", "answer"),
    [
        (
            "y[i,c] = leaky_relu(x[i,c], a[c])",
            "a",
            "Sum(∂J/∂y[i, c]*Min(0, x[i, c]), (i, 0, I - 1))",
        ),
        (
            "y[i] = elu(x[i], alpha[i])",
            "alpha",
            "(1 - Heaviside(x[i], 0))*(exp(x[i]) - 1)*∂J/∂y[i]",
        ),
    ],
)
def test_a_learnt_slope_is_differentiated_through_its_own_derivative(text, wrt, answer):
    """PReLU and a learnt ELU scale: the registry's derivative by the parameter."""
    derivation = derive_backward(text, wrt=wrt)
    assert str(derivation.answer) == answer
    assert derivation.check(np.random.default_rng(1)).passed


def test_the_issue_example_derives_gelu_and_checks_it():
    derivation = derive_backward("y[i] = gelu(x[i])", wrt="x")
    assert derivation.answer.has(sp.erf)
    report = derivation.check(np.random.default_rng(0))
    assert report.passed
    assert "read a second, independent way" in report.results[1].detail


# ---------------------------------------------------------------------------------------------
# The second reading catches a misreading the first one would confirm
# ---------------------------------------------------------------------------------------------
def test_a_misread_formula_fails_its_numeric_check():
    """The old misreading of ``gelu(x[i])`` (a symbol gelu times x[i]), kept with its text: the
    exact check differentiates the same misreading and agrees, the numeric check does not."""
    from symconv.grad.formula import IndexFormula

    honest = IndexFormula.parse("y[i] = gelu(x[i])")
    (read,) = honest.rhs.atoms(sp.Indexed)
    misread = replace(honest, rhs=sp.Symbol("gelu", real=True) * read)
    report = derive_backward(misread, wrt="x").check(np.random.default_rng(0))
    exact, numeric = report.results
    assert exact.passed and not numeric.passed


# text, the Python expression the second reading makes of its right side
NORMALISED = [
    ("y[t] = sum_k w[k] x[t - d k]; d = 2", "sum(w[k] * x[t - d * k], k)"),
    (
        "Z[i,j1,j2,m] = sum_{k1,k2,n} W[k1,k2,n,m] X[i,j1+k1,j2+k2,n] + b[m]",
        "sum(W[k1, k2, n, m] * X[i, j1 + k1, j2 + k2, n], k1, k2, n) + b[m]",
    ),
    ("Z[j] = sum_{k=1}^{K} W[k-1] X[j + k]", "sum(W[k - 1] * X[j + k], (k, 1, K))"),
    ("U[i] = tanh(X[i])^2 + X[i]^{1/2} - 0.25", "tanh(X[i]) ** 2 + X[i] ** (1 / 2) - 25 / 100"),
    ("y[i] = sum_j sum_k A[i,j] B[j,k] + 1", "sum(sum(A[i, j] * B[j, k], k), j) + 1"),
    ("U[i] = σ(X[i]) + 2j X[i]", "σ(X[i]) + 2 * j * X[i]"),
    ("Y[i,c] = g[c] (X[i,c] - m) / s", "g[c] * (X[i, c] - m) / s"),
]


@pytest.mark.parametrize(("text", "python"), NORMALISED)
def test_the_second_reading_normalises_the_text(text, python):
    assert read_forward_text(text).python == python


@pytest.mark.parametrize(
    "text",
    [
        "y[i] = __import__('os').system('true')",
        "y[i] = x[i].__class__",
        "y[i] = (lambda: 1)()",
        "y[i] = x[i] @ w[i]",
        "y[i] = {x[i]: 1}",
        "y[i] = dJ/dy[i]",
    ],
)
def test_the_second_reading_refuses_what_is_not_a_formula(text):
    with pytest.raises(SecondReadingError):
        read_forward_text(text)


def test_python_keywords_are_only_names_to_the_second_reading():
    reading = read_forward_text("y[i] = x[i] if 1 else 2")
    assert reading.python == "x[i] * if * 1 * else * 2"
    assert reading.evaluate({"x": np.ones(2)}, [(0, 1)], {"if": 3, "else": 5}).tolist() == [30, 30]


# ---------------------------------------------------------------------------------------------
# Names that never collide
# ---------------------------------------------------------------------------------------------
def test_a_generated_size_avoids_the_loss_name():
    derivation = derive_backward("y[i] = sum(w[l] * x[i+l])", wrt="x", upstream="L")
    latex = derivation.answer_latex()
    assert r"\frac{\partial L}{\partial y[i - l]}" in latex
    assert "L - 1" not in latex and "N_{l} - 1" in latex
    assert derivation.check(np.random.default_rng(0)).passed


def test_generated_sizes_avoid_tensor_names():
    derivation = derive_backward("y[i] = sum(N[n] * x[i+n])", wrt="x")
    sizes = {s.name for s in derivation.details["forward"].size_symbols}
    assert "N" not in sizes and "N_n" in sizes


def test_a_generated_gradient_index_avoids_tensor_and_loss_names():
    derivation = derive_backward("y[i] = p[i] * x[0]", wrt="x", upstream="q")
    assert str(derivation.answer_lhs) == "∂q/∂x[r]"


def test_the_loss_name_may_not_be_a_name_of_the_formula():
    with pytest.raises(ConventionError, match="upstream='N'"):
        derive_backward("y[i] = sum(N[n] * x[i+n])", wrt="x", upstream="N")


def test_export_honours_the_upstream_name():
    layer = export_layer("y[i] = sum(w[l] * x[i+l])", upstream="L", values={"I": 3})
    assert layer.upstream == "∂L/∂y" and layer.upstream_argument == "dL_dy"
    assert "dL_dy" in layer.source() and "dJ_dy" not in layer.source()
    assert "N_l" in str(layer.backward_programs["x"].formula.rhs)
    x, w = np.arange(4.0), np.array([1.0, 2.0])
    np.testing.assert_allclose(layer.backward(np.ones(3), w=w, x=x)["x"], [1, 3, 3, 2])


def test_export_renames_the_loss_of_a_rule():
    from symconv.rules import get_rule

    layer = export_layer(get_rule("sigmoid"), upstream="L")
    assert layer.upstream == "∂L/∂U"
    assert str(layer.backward_programs["Z"].formula.lhs) == "∂L/∂Z[i, j]"


def test_export_of_registry_functions_runs_and_prints(tmp_path):
    import importlib.util

    layer = export_layer("y[i] = gelu(x[i]) + elu(x[i], 0.5) + silu(x[i])")
    values = np.linspace(-2, 2, 5)
    expected = [_gelu(v) + (v if v > 0 else 0.5 * math.expm1(v)) + v / (1 + math.exp(-v))
                for v in values]  # fmt: skip
    np.testing.assert_allclose(layer.forward(x=values), expected, rtol=1e-12)
    assert "_erf" in layer.source()
    path = layer.write_module(tmp_path / "exported_gelu.py")
    spec = importlib.util.spec_from_file_location("exported_gelu", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    np.testing.assert_allclose(module.forward(values), expected, rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# The property: a typed error, or a gradient the independent reading confirms
# ---------------------------------------------------------------------------------------------
KNOWN_NAMES = [
    "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "gelu_tanh", "silu", "swish",
    "softplus", "exp", "abs",
]  # fmt: skip
UNKNOWN_NAMES = ["gelu2", "mish", "sin", "relu6"]
# valid terms several times, invalid ones (a free k or j, a recurrence) once
TERMS_1D = [
    *["x[i]", "sum(w[k] x[i+k])", "sum_k w[k] x[i+k]", "b[i] x[i]", "2"] * 3,
    *["w[k] x[i+k]", "b[j]", "y[i-1]"],
]
TERMS_2D = [
    *["x[i,j]", "sum_k w[j,k] x[i,k]", "b[j]", "sum(x[i,k] w[j,k])"] * 3,
    *["x[i,k]", "y[i,j-1]", "w[j,k]"],
]


@st.composite
def formulas(draw: Any) -> tuple[str, str]:
    """A random formula (valid or not) and a tensor it reads."""
    two_d = draw(st.booleans())
    terms = TERMS_2D if two_d else TERMS_1D
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        term = draw(st.sampled_from(terms))
        if draw(st.booleans()):
            name = draw(st.sampled_from(KNOWN_NAMES * 4 + UNKNOWN_NAMES))
            term = f"{name}({term})"
        parts.append(term)
    operators = [draw(st.sampled_from([" + ", " - ", " * "])) for _ in parts[1:]]
    rhs = parts[0] + "".join(op + part for op, part in zip(operators, parts[1:], strict=True))
    reads = sorted(set(re.findall(r"\b([xwb])\[", rhs))) or ["x"]
    return f"{'y[i,j]' if two_d else 'y[i]'} = {rhs}", draw(st.sampled_from(reads))


def _independent_agreement(text: str, wrt: str, seed: int) -> None:
    derivation = derive_backward(text, wrt=wrt)
    parts = derivation.details["parts"]
    forward = parts.forward
    rng = np.random.default_rng(seed)
    values = forward.random_sizes(rng, 1, 3)
    tensors = {t: rng.standard_normal(forward.shape(t, values)) for t in forward.tensors}
    ranges = [(int(lo.xreplace(values)), int(hi.xreplace(values))) for _, lo, hi in forward.ranges]
    upstream = rng.standard_normal([high - low + 1 for low, high in ranges])
    reading = read_forward_text(text)
    sizes = {str(s): v for s, v in values.items()}

    def loss(point: np.ndarray) -> float:
        return float(np.sum(upstream * reading.evaluate({**tensors, wrt: point}, ranges, sizes)))

    label = str(parts.upstream.label)
    gradient = closed_form_gradient(parts, {**tensors, label: upstream}, values)
    result = check_gradient(loss, tensors[wrt], np.array(gradient.tolist(), dtype=float), seed=3)
    assert result.passed, (text, wrt, result.detail)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=formulas(), seed=st.integers(0, 2**16))
def test_random_formulas_are_refused_or_confirmed_by_the_second_reading(case, seed):
    text, wrt = case
    try:
        _independent_agreement(text, wrt, seed)
    except SymconvError as error:
        # Typed: a formula error with its text, or a tensor the formula does not read.
        assert isinstance(error, FormulaError | ValueError), (text, error)
        if isinstance(error, FormulaError):
            assert error.text == text
