"""Code export: index formulas compiled to vectorised NumPy, exported layers (NumPy functions,
a standalone module's source, a ``torch.autograd.Function`` whose backward is the derived
formula, checked with ``torch.autograd.gradcheck`` in float64)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sympy as sp

from symconv.errors import ShapeError, UnsupportedError
from symconv.export import compile_formula, export_layer, torch_available
from symconv.export.compiler import python_name
from symconv.grad.differentiate import derive_backward, derive_gradients
from symconv.grad.formula import IndexFormula
from symconv.rules import get_rule
from symconv.rules.proof import float_tensors, output_shape

needs_torch = pytest.mark.skipif(
    not torch_available(), reason="PyTorch is not installed (pip install torch==2.13.0)"
)

GATED = "Y[i,j] = X[i,j] * sigmoid(sum(V[j,k] * X[i,k]))"
CAUSAL = "y[t] = sum_k w[k] x[t - 2*k]; x: (T); 0 <= t < T"
BILINEAR = "y[i] = sum(X[i,j] * A[j,k] * X[i,k])"


# ---------------------------------------------------------------------------------------------
# The compiler agrees with the exact evaluator, construct by construct
# ---------------------------------------------------------------------------------------------
FORMULAS = [
    ("shift and stride", "Z[j] = sum_k W[k] X[2*j + k - 1]; X: (I); 0 <= j < 3", {}),
    ("contraction", "Y[i,o] = b[o] + sum_k W[o,k] X[i,k]", {}),
    ("nested sums", "Y[i,c] = (X[i,c] - sum_k X[k,c]/N)^2 / sum_k X[k,c]^2; X: (N, C)", {}),
    ("functions", "Y[i] = sigmoid(X[i]) + tanh(X[i]) + relu(X[i]) + exp(-X[i]^2)", {}),
    ("max", "Y[i] = max(X[i], 0.5 * X[i], -1)", {}),
    ("floor", "Y[j] = X[floor(j/2)]; X: (I); 0 <= j < 2*I", {}),
]


def exact_values(formula: IndexFormula, tensors: dict[str, np.ndarray], values: dict) -> Any:
    rational = {k: np.vectorize(sp.Rational, otypes=[object])(v) for k, v in tensors.items()}
    result = formula.evaluate(rational, values)
    return np.array(np.asarray(result.tolist(), dtype=object).tolist(), dtype=float)


@pytest.mark.parametrize(("label", "text", "values"), FORMULAS, ids=[f[0] for f in FORMULAS])
def test_compiled_formula_equals_the_exact_evaluator(label: str, text: str, values: dict) -> None:
    formula = IndexFormula.parse(text)
    rng = np.random.default_rng(len(label))
    sizes = formula.random_sizes(rng, 2, 4)
    bound = {str(k): int(v) for k, v in sizes.items()}
    tensors = {
        name: rng.integers(-4, 5, size=formula.shape(name, bound)).astype(float) / 2
        for name in formula.tensors
    }
    program = compile_formula(formula)
    got = program(tensors, bound)
    assert np.allclose(got, exact_values(formula, tensors, bound)), label


def test_compiled_conditions_and_deltas() -> None:
    """Iverson brackets with divisibility, Kronecker deltas and index-dependent sum bounds (the
    differentiator's outputs)."""
    derivation = derive_backward("Z[j] = sum_k W[k] X[2*j + k]; X: (I); 0 <= j < 2", wrt="X")
    backward = derivation.details["backward"]
    rng = np.random.default_rng(0)
    tensors = {
        "X": rng.standard_normal(5),
        "W": rng.standard_normal(3),
        "∂J/∂Z": rng.standard_normal(2),
    }
    got = compile_formula(backward, arguments=["X", "W", "∂J/∂Z"])(tensors)
    expected = np.zeros(5)
    for j in range(2):
        for k in range(3):
            expected[2 * j + k] += tensors["∂J/∂Z"][j] * tensors["W"][k]
    assert np.allclose(got, expected)
    flatten = get_rule("flatten").engine_derivation("X").details["backward"]  # KroneckerDelta
    g = rng.standard_normal((2, 12))
    sizes = {"N": 2, "C": 2, "H": 3, "W": 2}
    dx = compile_formula(flatten, arguments=["∂J/∂F"], parameters=None)({"∂J/∂F": g}, sizes)
    assert np.array_equal(dx, g.reshape(2, 2, 3, 2))


def test_program_source_is_plain_numpy() -> None:
    program = compile_formula(IndexFormula.parse("Y[i,o] = b[o] + sum_k W[o,k] X[i,k]"))
    source = program.source("dense")
    assert source.startswith("def dense(b, W, X):")
    assert "np.einsum('bc,ac->ba', W, X, optimize=True)" in source


def test_python_names() -> None:
    taken: set[str] = set()
    assert python_name("∂J/∂Z", taken) == "dJ_dZ"
    assert python_name("∂J/∂Z", taken) == "dJ_dZ_1"
    assert python_name("X'") == "X_"


# ---------------------------------------------------------------------------------------------
# Exported layers
# ---------------------------------------------------------------------------------------------
EXPORTED = [
    ("conv2d_strided", {"s": 2, "p": 1, "d": 2}),
    ("max_pool2d", {"s": 2, "K_1": 2, "K_2": 2}),
    ("batch_norm", {"epsilon": 1e-5}),
    ("softmax_cross_entropy", {}),
    ("upsample_nearest", {"s": 2}),
    ("group_norm", {"G": 2, "epsilon": 1e-5}),
]
SHAPES = {
    "conv2d_strided": {"N": 2, "C": 2, "M": 3, "I_1": 6, "I_2": 5, "K_1": 2, "K_2": 3},
    "max_pool2d": {"N": 2, "C": 2, "I_1": 5, "I_2": 4},
    "batch_norm": {"N": 4, "C": 3},
    "softmax_cross_entropy": {"N": 3, "C": 4},
    "upsample_nearest": {"N": 1, "C": 2, "H": 2, "W": 3},
    "group_norm": {"N": 2, "C": 4, "L": 3},
}


def sample(name: str, values: dict, seed: int = 0) -> tuple[dict[str, np.ndarray], np.ndarray]:
    rule = get_rule(name)
    case = {**SHAPES[name], **values}
    rng = np.random.default_rng(seed)
    return float_tensors(rule, case, rng), rng.standard_normal(output_shape(rule, case))


def import_module(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("name", "values"), EXPORTED, ids=[e[0] for e in EXPORTED])
def test_written_module_computes_what_the_layer_computes(
    name: str, values: dict, tmp_path: Path
) -> None:
    layer = get_rule(name).export(values)
    module = import_module(layer.write_module(tmp_path / f"{name}_layer.py"))
    tensors, g = sample(name, values)
    assert np.allclose(module.forward(**tensors), layer.forward(**tensors))
    written, direct = (
        module.backward(**tensors, **{layer.upstream_argument: g}),
        layer.backward(g, **tensors),
    )
    assert written.keys() == direct.keys()
    for key in direct:
        assert np.allclose(written[key], direct[key]), key
    assert (
        "import numpy as np" in layer.source() and "symconv" not in layer.source().split('"""')[2]
    )


def test_export_keeps_float32() -> None:
    layer = get_rule("conv2d").export()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 2, 4, 4)).astype(np.float32)
    w = rng.standard_normal((3, 2, 2, 2)).astype(np.float32)
    b = np.zeros(3, dtype=np.float32)
    z = layer.forward(X=x, W=w, b=b)
    assert z.dtype == np.float32
    assert layer.backward(np.ones_like(z), X=x, W=w, b=b)["W"].dtype == np.float32


def test_export_of_derivations_and_formulas() -> None:
    single = export_layer(derive_backward(BILINEAR, wrt="X"))
    assert single.differentiable == ("X",)
    several = export_layer(derive_gradients(BILINEAR))
    assert set(several.differentiable) == {"X", "A"}
    from_text = export_layer(BILINEAR, wrt=["A"])
    assert from_text.differentiable == ("A",)
    rng = np.random.default_rng(1)
    x, a = rng.standard_normal((2, 3)), rng.standard_normal((3, 3))
    assert np.allclose(several.forward(X=x, A=a), np.einsum("ij,jk,ik->i", x, a, x))
    g = rng.standard_normal(2)
    assert np.allclose(several.backward(g, X=x, A=a)["A"], x.T @ np.diag(g) @ x)


def test_export_errors_name_the_problem() -> None:
    layer = get_rule("dense").export()
    with pytest.raises(ShapeError, match="missing"):
        layer.forward(X=np.ones((2, 3)))
    with pytest.raises(ShapeError, match=r"X has shape \(2, 3\): axis 1 is 3.*needs D = 4"):
        layer.forward(X=np.ones((2, 3)), W=np.ones((2, 4)), b=np.ones(2))
    with pytest.raises(ShapeError, match="pass values=\\{'s'"):
        get_rule("subsample2d").export().forward(X=np.ones((1, 1, 3, 3)))
    with pytest.raises(ShapeError, match="reads no tensor Q"):
        export_layer(BILINEAR, wrt=["Q"])
    with pytest.raises(UnsupportedError, match="no backward pass for \\['Q'\\]"):
        export_layer(derive_gradients(BILINEAR), wrt=["Q"])
    weird = IndexFormula.from_equation(
        (
            sp.IndexedBase("Y")[sp.Symbol("i", integer=True)],
            sp.gamma(sp.IndexedBase("X")[sp.Symbol("i", integer=True)]),
        )
    )
    with pytest.raises(UnsupportedError, match="cannot export gamma"):
        compile_formula(weird)


# ---------------------------------------------------------------------------------------------
# PyTorch: the derived backward, checked by torch.autograd.gradcheck in float64
# ---------------------------------------------------------------------------------------------
def gradcheck(layer: Any, arrays: dict[str, np.ndarray], differentiable: set[str]) -> bool:
    import torch

    function = layer.torch_function()
    inputs = tuple(
        torch.tensor(arrays[name], dtype=torch.float64, requires_grad=name in differentiable)
        for name in layer.inputs
    )
    return bool(torch.autograd.gradcheck(function.apply, inputs, eps=1e-6, atol=1e-6))


@needs_torch
@pytest.mark.parametrize(("name", "values"), EXPORTED, ids=[e[0] for e in EXPORTED])
def test_torch_function_passes_gradcheck(name: str, values: dict) -> None:
    layer = get_rule(name).export(values)
    tensors, _ = sample(name, values, seed=3)
    assert gradcheck(layer, tensors, set(layer.differentiable))


CUSTOM = [
    ("gated unit", GATED, {"X": (2, 3), "V": (3, 3)}),
    ("dilated causal convolution", CAUSAL, {"x": (6,), "w": (3,)}),
    ("bilinear form", BILINEAR, {"X": (2, 3), "A": (3, 3)}),
]


@needs_torch
@pytest.mark.parametrize(("label", "text", "shapes"), CUSTOM, ids=[c[0] for c in CUSTOM])
def test_derived_custom_layers_pass_gradcheck(label: str, text: str, shapes: dict) -> None:
    layer = export_layer(text)
    rng = np.random.default_rng(7)
    arrays = {name: rng.standard_normal(shape) for name, shape in shapes.items()}
    assert gradcheck(layer, arrays, set(layer.differentiable)), label


@needs_torch
def test_torch_function_backward_is_the_derived_formula_not_autograd() -> None:
    """A deliberately wrong 'derived' backward is used as is — and gradcheck catches it."""
    import torch

    rule = get_rule("dense")
    from dataclasses import replace

    wrong = replace(
        rule, backward={**rule.backward, "X": "dJ/dX[i,k] = sum_o dJ/dY[i,o] W[o,k] * 2"}
    )
    layer = wrong.export()
    rng = np.random.default_rng(0)
    arrays = {
        "b": rng.standard_normal(2),
        "W": rng.standard_normal((2, 3)),
        "X": rng.standard_normal((2, 3)),
    }
    with pytest.raises(RuntimeError, match="Jacobian mismatch"):
        gradcheck(layer, arrays, {"X"})
    del torch
