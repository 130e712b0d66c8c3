"""``derive_backward``: the three proof obligations for every case, and the derivation itself.

For each forward pass and each tensor it reads, the derived closed form is
(a) instantiated at small concrete sizes and compared **exactly** with element-wise ``sympy.diff``
    of the explicit forward pass (``symconv.conv.forms.explicit_forward`` for convolutions, loops
    over entry symbols for the other layers), with a symbolic upstream gradient ``g``;
(b) evaluated numerically and compared with central differences of the naive loop reference
    (``tests/reference_grad.py``) in a random direction (``symconv.conv.numeric.check_gradient``);
(c) checked against identities: ``dX = Cᵀ g`` (nndl 5-7; ``symconv.conv.matrix.conv_matrix``),
    ``dW`` = valid correlation of X with δ, ``dX`` = full convolution of δ with W, and with stride
    s the full convolution of δ dilated by s − 1 zeros (Goodfellow et al. 2016, §9.5; Dumoulin &
    Visin 2016, §4); matrix forms for the layers that are not convolutions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from itertools import product
from typing import Any

import numpy as np
import pytest
import sympy as sp

from symconv import ConvSpec, entries
from symconv.conv.forms import conv_index_form, convolve, correlate, explicit_forward
from symconv.conv.matrix import conv_matrix
from symconv.conv.numeric import check_gradient
from symconv.core.derivation import Derivation
from symconv.grad.compare import compare_index_formulas
from symconv.grad.differentiate import derive_backward, derive_gradients
from symconv.grad.functions import sigmoid
from tests import reference_grad as ref

S, P, D = (
    sp.Symbol("s", integer=True, positive=True),
    sp.Symbol("p", integer=True, nonnegative=True),
    sp.Symbol("d", integer=True, positive=True),
)


# ---------------------------------------------------------------------------------------------
# The convolution cases: data, one row per case
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ConvCase:
    name: str
    dims: int
    spatial: tuple[int, ...]
    kernel: tuple[int, ...]
    batch: int = 2
    channels_in: int = 2
    channels_out: int = 2
    options: dict[str, Any] = field(default_factory=dict)
    values: dict[sp.Symbol, int] = field(default_factory=dict)  # symbolic parameters' values

    @property
    def has_channels(self) -> bool:
        return self.options.get("channels", True)

    @property
    def has_batch(self) -> bool:
        return self.options.get("batch", True)

    def concrete(self, option: str, default: Any) -> Any:
        value = self.options.get(option, default)
        return sp.sympify(value).xreplace(self.values) if isinstance(value, sp.Expr) else value


CONV_CASES = [
    ConvCase("1d", 1, (5,), (2,)),
    ConvCase("1d stride 2 padding 1", 1, (6,), (3,), options={"stride": 2, "padding": 1}),
    ConvCase("1d dilation 2", 1, (6,), (2,), options={"dilation": 2}),
    ConvCase("1d groups 2", 1, (4,), (2,), channels_in=4, channels_out=2, options={"groups": 2}),
    ConvCase("1d depthwise", 1, (4,), (2,), channels_in=2, channels_out=2, options={"groups": 2}),
    ConvCase(
        "1d symbolic s p d",
        1,
        (7,),
        (2,),
        batch=1,
        options={"stride": S, "padding": P, "dilation": D},
        values={S: 2, P: 1, D: 2},
    ),
    ConvCase(
        "1d true convolution stride 2", 1, (6,), (3,), options={"op": "convolution", "stride": 2}
    ),
    ConvCase("2d", 2, (4, 3), (2, 2), batch=1),
    ConvCase(
        "2d stride 2 padding 1 dilation 2",
        2,
        (5, 4),
        (2, 2),
        batch=1,
        channels_out=1,
        options={"stride": 2, "padding": 1, "dilation": 2},
    ),
    ConvCase(
        "2d NHWC HWIO (NYU)",
        2,
        (4, 3),
        (2, 2),
        batch=2,
        channels_in=2,
        channels_out=1,
        options={"layout": "NHWC", "weight_layout": "HWIO"},
    ),
    ConvCase(
        "2d no batch no channels", 2, (4, 4), (2, 3), options={"batch": False, "channels": False}
    ),
    ConvCase("3d", 3, (3, 3, 2), (2, 2, 1), batch=1, channels_in=1, channels_out=1),
]
CONV_IDS = [case.name for case in CONV_CASES]


@cache
def conv_form(index: int) -> Any:
    case = CONV_CASES[index]
    return conv_index_form(case.dims, **case.options)


@cache
def conv_derivation(index: int, wrt: str) -> Derivation:
    return derive_backward(conv_form(index), wrt=wrt)


def conv_targets(case: ConvCase) -> list[str]:
    return ["X", "W", "b"] if case.has_channels else ["X", "W"]


CONV_GRID = [(index, wrt) for index, case in enumerate(CONV_CASES) for wrt in conv_targets(case)]
CONV_GRID_IDS = [f"{CONV_CASES[i].name} d{w}" for i, w in CONV_GRID]


def concrete_spec(case: ConvCase) -> ConvSpec:
    return ConvSpec.make(
        case.kernel,
        dims=case.dims,
        stride=case.concrete("stride", 1),
        padding=case.concrete("padding", 0),
        dilation=case.concrete("dilation", 1),
        groups=case.options.get("groups", 1),
        op=case.options.get("op", "correlation"),
        layout=case.options.get("layout", "NCHW"),
        weight_layout=case.options.get("weight_layout", "OIHW"),
        batch=case.has_batch,
        channels=case.has_channels,
    )


def conv_shapes(case: ConvCase) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Shapes of x and w in the case's layouts."""
    spec = concrete_spec(case)
    x_shape: list[int] = [case.batch] if case.has_batch else []
    w_shape: list[int] = []
    groups = case.options.get("groups", 1)
    if case.has_channels:
        if spec.layout == "NCHW":
            x_shape += [case.channels_in, *case.spatial]
        else:
            x_shape += [*case.spatial, case.channels_in]
        per_group = case.channels_in // groups
        if spec.weight_layout == "OIHW":
            w_shape = [case.channels_out, per_group, *case.kernel]
        else:
            w_shape = [*case.kernel, per_group, case.channels_out]
    else:
        x_shape += list(case.spatial)
        w_shape = list(case.kernel)
    return tuple(x_shape), tuple(w_shape)


def out_sizes(case: ConvCase) -> tuple[int, ...]:
    """Output sizes from the textbook formula ⌊(I + 2p − d(K − 1) − 1)/s⌋ + 1."""
    stride, padding, dilation = (
        case.concrete(o, v) for o, v in (("stride", 1), ("padding", 0), ("dilation", 1))
    )
    return tuple(
        (size + 2 * int(padding) - int(dilation) * (kernel - 1) - 1) // int(stride) + 1
        for size, kernel in zip(case.spatial, case.kernel, strict=True)
    )


def gradient_tensors(case: ConvCase, x: Any, w: Any, bias: Any, g: Any) -> dict[str, Any]:
    tensors = {"X": x, "W": w, "∂J/∂Z": g}
    if bias is not None:
        tensors["b"] = bias
    return tensors


def closed_form(case_index: int, wrt: str, tensors: dict[str, Any]) -> sp.NDimArray:
    case = CONV_CASES[case_index]
    backward = conv_derivation(case_index, wrt).details["backward"]
    return backward.evaluate(tensors, {str(k): v for k, v in case.values.items()})


# ---------------------------------------------------------------------------------------------
# (a) exact: the closed form == element-wise sympy.diff of the explicit forward
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("index", "wrt"), CONV_GRID, ids=CONV_GRID_IDS)
def test_conv_gradient_equals_sympy_diff_of_explicit_forward(index, wrt):
    case = CONV_CASES[index]
    spec = concrete_spec(case)
    x_shape, w_shape = conv_shapes(case)
    x, w = entries("x", x_shape, base=0), entries("w", w_shape, base=0)
    bias = entries("b", (case.channels_out,), base=0) if case.has_channels else None
    z = explicit_forward(spec, x, w, bias)
    g = entries("g", z.shape, base=0)
    g_array = sp.ImmutableDenseNDimArray(g.tolist() if isinstance(g, sp.MatrixBase) else g)
    loss = sum((g_array[i] * z[i] for i in product(*map(range, z.shape))), sp.Integer(0))
    target = {"X": x, "W": w, "b": bias}[wrt]
    got = closed_form(index, wrt, gradient_tensors(case, x, w, bias, g))
    expected_shape = (case.channels_out,) if wrt == "b" else tuple(np.shape(target))
    assert got.shape == expected_shape
    for position in product(*map(range, expected_shape)):
        expected = sp.diff(loss, target[position])
        assert sp.expand(got[position] - expected) == 0, (case.name, wrt, position)


# ---------------------------------------------------------------------------------------------
# (b) numeric: the closed form vs central differences of the naive loop reference
# ---------------------------------------------------------------------------------------------
def reference_forward(case: ConvCase, x: np.ndarray, w: np.ndarray, bias: np.ndarray | None):
    """The naive NCHW/OIHW reference, with the case's layouts converted around it."""
    spec = concrete_spec(case)
    xc, wc = x, w
    if not case.has_channels:
        xc, wc = xc[np.newaxis], wc[np.newaxis, np.newaxis]
    elif spec.layout == "NHWC":
        xc = np.moveaxis(xc, -1, 1 if case.has_batch else 0)
    if case.has_channels and spec.weight_layout == "HWIO":
        wc = np.moveaxis(wc, (-1, -2), (0, 1))
    if not case.has_batch:
        xc = xc[np.newaxis]
    if spec.op == "convolution":
        wc = np.flip(wc, axis=tuple(range(2, 2 + case.dims)))
    stride, padding, dilation = (
        int(case.concrete(o, v)) for o, v in (("stride", 1), ("padding", 0), ("dilation", 1))
    )
    z = ref.conv_nchw(
        xc,
        wc,
        bias,
        stride=(stride,) * case.dims,
        padding=(padding,) * case.dims,
        dilation=(dilation,) * case.dims,
        groups=case.options.get("groups", 1),
        out_sizes=out_sizes(case),
    )
    if not case.has_batch:
        z = z[0]
    if not case.has_channels:
        return z[0]
    if spec.layout == "NHWC":
        z = np.moveaxis(z, 1 if case.has_batch else 0, -1)
    return z


@pytest.mark.parametrize(("index", "wrt"), CONV_GRID, ids=CONV_GRID_IDS)
def test_conv_gradient_matches_central_differences_of_reference(index, wrt):
    case = CONV_CASES[index]
    rng = np.random.default_rng(index)
    x_shape, w_shape = conv_shapes(case)
    point = {"X": rng.standard_normal(x_shape), "W": rng.standard_normal(w_shape)}
    if case.has_channels:
        point["b"] = rng.standard_normal(case.channels_out)
    z = reference_forward(case, point["X"], point["W"], point.get("b"))
    g = rng.standard_normal(z.shape)

    def loss(value: np.ndarray) -> float:
        moved = {**point, wrt: value}
        return float(np.sum(g * reference_forward(case, moved["X"], moved["W"], moved.get("b"))))

    gradient = as_float(
        closed_form(index, wrt, gradient_tensors(case, point["X"], point["W"], point.get("b"), g))
    )
    result = check_gradient(loss, point[wrt], gradient, seed=index)
    assert result.passed, result.detail


def as_float(array: sp.NDimArray) -> np.ndarray:
    return np.array([float(array[i]) for i in product(*map(range, array.shape))]).reshape(
        array.shape
    )


# ---------------------------------------------------------------------------------------------
# (c) identities
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "index",
    [i for i, c in enumerate(CONV_CASES) if c.has_channels],
    ids=[c.name for c in CONV_CASES if c.has_channels],
)
def test_conv_dX_is_transposed_conv_matrix_times_upstream(index):
    """nndl 5-7: forward z = C x, backward δx = Cᵀ δz, per sample (exact)."""
    case = CONV_CASES[index]
    spec = concrete_spec(case)
    x_shape, w_shape = conv_shapes(case)
    w = entries("w", w_shape, base=0)
    x = entries("x", x_shape, base=0)
    z_shape = explicit_forward(spec, x, w).shape
    g = entries("g", z_shape, base=0)
    got = closed_form(index, "X", gradient_tensors(case, x, w, None, g))
    sample_shape = x_shape[1:] if case.has_batch else x_shape
    C = conv_matrix(
        sample_shape,
        w,
        stride=spec.stride,
        padding=[p for p, _ in spec.padding],
        dilation=spec.dilation,
        groups=int(spec.groups),
        op=spec.op,
        layout=spec.layout,
        weight_layout=spec.weight_layout,
    )
    samples = range(case.batch) if case.has_batch else [None]
    g_array = sp.ImmutableDenseNDimArray(g)
    for sample in samples:

        def part(array: Any, shape: tuple[int, ...], sample=sample) -> list[Any]:
            prefix = () if sample is None else (sample,)
            return [array[(*prefix, *i)] for i in product(*map(range, shape))]

        z_sample = z_shape[1:] if case.has_batch else z_shape
        expected = C.T * sp.Matrix(part(g_array, z_sample))
        assert list(expected) == part(got, sample_shape), (case.name, sample)


def test_dW_is_valid_correlation_of_X_with_delta_and_dX_full_convolution():
    """Stride 1, one channel (Goodfellow et al. 2016, eq. 9.11-9.13): dW = X ⋆ δ (valid
    correlation), dX = δ * W (full convolution) — exactly, on entry symbols."""
    index = CONV_IDS.index("2d no batch no channels")
    x, w = entries("x", (4, 4), base=0), entries("w", (2, 3), base=0)
    g = entries("g", (3, 2), base=0)
    tensors = {"X": x, "W": w, "∂J/∂Z": g}
    dW = closed_form(index, "W", tensors)
    dX = closed_form(index, "X", tensors)
    assert sp.Matrix(dW.tolist()) == correlate(x, g)
    assert sp.Matrix(dX.tolist()) == convolve(g, w, mode="full")


@pytest.mark.parametrize(
    ("stride", "padding", "dilation", "size", "kernel"),
    [
        (1, 0, 1, 6, 3),
        (2, 0, 1, 7, 3),
        (2, 1, 1, 6, 3),
        (3, 0, 1, 6, 2),
        (2, 1, 2, 7, 2),
        (3, 2, 1, 8, 3),
    ],
)
def test_dX_is_full_convolution_of_dilated_delta(stride, padding, dilation, size, kernel):
    """With stride s, δ dilated by s − 1 zeros, fully convolved with W (dilated by d − 1 zeros),
    cropped by the padding; rows no window reaches (s > d(K − 1) + 1, or past the last window)
    get zero gradient. Single channel, 2-d, numeric against the naive reference."""
    form = conv_index_form(
        2, stride=stride, padding=padding, dilation=dilation, batch=False, channels=False
    )
    derivation = derive_backward(form, wrt="X")
    rng = np.random.default_rng(stride * 100 + padding * 10 + dilation)
    x = rng.standard_normal((size, size))
    w = rng.standard_normal((kernel, kernel))
    out = (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1
    g = rng.standard_normal((out, out))
    got = as_float(derivation.details["backward"].evaluate({"X": x, "W": w, "∂J/∂Z": g}))
    w_dilated = ref.dilate(w, dilation)
    expected = ref.fit(ref.full_convolution(ref.dilate(g, stride), w_dilated), padding, x.shape)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    reached = {stride * j + dilation * k - padding for j in range(out) for k in range(kernel)}
    for row in set(range(size)) - reached:
        assert np.all(got[row] == 0) and np.all(got[:, row] == 0)


# ---------------------------------------------------------------------------------------------
# Three layers that are in no rule table
# ---------------------------------------------------------------------------------------------
GATED = "Y[i,j] = X[i,j] * sigmoid(sum(V[j,k] * X[i,k]))"
CAUSAL = "y[t] = sum_k w[k] x[t - d*k]; d = 2"
BILINEAR = "y[i] = sum(X[i,j] * A[j,k] * X[i,k])"


def explicit_gated(x: sp.Matrix, v: sp.Matrix) -> sp.Matrix:
    rows, width = x.shape
    return sp.Matrix(
        rows, width, lambda i, j: x[i, j] * sigmoid(sum(v[j, k] * x[i, k] for k in range(width)))
    )


def explicit_causal(x: Any, w: Any, out_size: int) -> list[Any]:
    return [
        sum((w[k] * x[t - 2 * k] for k in range(len(w)) if 0 <= t - 2 * k < len(x)), sp.Integer(0))
        for t in range(out_size)
    ]


def explicit_bilinear(x: sp.Matrix, a: sp.Matrix) -> list[Any]:
    rows, width = x.shape
    return [
        sum(x[i, j] * a[j, k] * x[i, k] for j in range(width) for k in range(width))
        for i in range(rows)
    ]


@cache
def custom_derivation(text: str, wrt: str) -> Derivation:
    return derive_backward(text, wrt=wrt)


CUSTOM_GRID = [
    (GATED, "X"),
    (GATED, "V"),
    (CAUSAL, "x"),
    (CAUSAL, "w"),
    (BILINEAR, "X"),
    (BILINEAR, "A"),
]
CUSTOM_IDS = ["gated dX", "gated dV", "causal dx", "causal dw", "bilinear dX", "bilinear dA"]


def custom_setup(text: str, kind: str) -> tuple[dict[str, Any], Any, dict[str, int]]:
    """Entry tensors, the explicit output, and the size bindings the shapes do not fix."""
    if text == GATED:
        x, v = entries("x", (2, 3), base=0), entries("v", (3, 3), base=0)
        return {"X": x, "V": v}, list(explicit_gated(x, v)), {}
    if text == CAUSAL:
        x, w = entries("x", (6,), base=0), entries("w", (3,), base=0)
        return {"x": x, "w": w}, explicit_causal(x, w, 5), {"T": 5}
    x, a = entries("x", (2, 3), base=0), entries("a", (3, 3), base=0)
    return {"X": x, "A": a}, explicit_bilinear(x, a), {}


@pytest.mark.parametrize(("text", "wrt"), CUSTOM_GRID, ids=CUSTOM_IDS)
def test_custom_layer_gradient_equals_sympy_diff(text, wrt):
    tensors, z, sizes = custom_setup(text, wrt)
    g = sp.symbols(f"g_0:{len(z)}")
    upstream = sp.Matrix(2, 3, g) if text == GATED else list(g)
    loss = sum(gi * zi for gi, zi in zip(g, z, strict=True))
    derivation = custom_derivation(text, wrt)
    label = str(derivation.details["parts"].upstream.label)
    got = derivation.details["backward"].evaluate({**tensors, label: upstream}, sizes)
    target = tensors[wrt]
    for position in product(*map(range, got.shape)):
        expected = sp.diff(loss, target[position])
        assert sp.expand(got[position] - expected) == 0, (text, wrt, position)


def custom_reference(text: str, tensors: dict[str, np.ndarray]) -> np.ndarray:
    if text == GATED:
        return ref.gated(tensors["X"], tensors["V"])
    if text == CAUSAL:
        return ref.causal(tensors["x"], tensors["w"], dilation=2, out_size=5)
    return ref.bilinear(tensors["X"], tensors["A"])


@pytest.mark.parametrize(("text", "wrt"), CUSTOM_GRID, ids=CUSTOM_IDS)
def test_custom_layer_gradient_matches_central_differences(text, wrt):
    rng = np.random.default_rng(len(text))
    shapes = {
        GATED: {"X": (3, 4), "V": (4, 4)},
        CAUSAL: {"x": (6,), "w": (3,)},
        BILINEAR: {"X": (3, 4), "A": (4, 4)},
    }[text]
    point = {name: rng.standard_normal(shape) for name, shape in shapes.items()}
    g = rng.standard_normal(custom_reference(text, point).shape)

    def loss(value: np.ndarray) -> float:
        return float(np.sum(g * custom_reference(text, {**point, wrt: value})))

    derivation = custom_derivation(text, wrt)
    label = str(derivation.details["parts"].upstream.label)
    sizes = {"T": 5} if text == CAUSAL else {}
    gradient = as_float(derivation.details["backward"].evaluate({**point, label: g}, sizes))
    result = check_gradient(loss, point[wrt], gradient, seed=7)
    assert result.passed, result.detail


def test_custom_layer_identities_in_matrix_form():
    """Matrix forms, computed with NumPy: bilinear dX[i] = g_i (A + Aᵀ) x_i and dA = Xᵀ diag(g) X;
    gated unit with Â = X Vᵀ: dX = g ⊙ σ(Â) + (g ⊙ X ⊙ σ'(Â)) V and dV = (g ⊙ X ⊙ σ'(Â))ᵀ X;
    the causal convolution is linear in x and in w: dx = Cᵀ g, dw = Bᵀ g for their matrices."""
    rng = np.random.default_rng(3)
    x, a, g = rng.standard_normal((3, 4)), rng.standard_normal((4, 4)), rng.standard_normal(3)
    tensors = {"X": x, "A": a, "∂J/∂y": g}
    dX = as_float(custom_derivation(BILINEAR, "X").details["backward"].evaluate(tensors))
    dA = as_float(custom_derivation(BILINEAR, "A").details["backward"].evaluate(tensors))
    np.testing.assert_allclose(dX, g[:, None] * (x @ (a + a.T)), rtol=1e-12)
    np.testing.assert_allclose(dA, x.T @ np.diag(g) @ x, rtol=1e-12)

    v, gy = rng.standard_normal((4, 4)), rng.standard_normal((3, 4))
    tensors = {"X": x, "V": v, "∂J/∂Y": gy}
    pre = x @ v.T
    s = 1 / (1 + np.exp(-pre))
    dX = as_float(custom_derivation(GATED, "X").details["backward"].evaluate(tensors))
    dV = as_float(custom_derivation(GATED, "V").details["backward"].evaluate(tensors))
    np.testing.assert_allclose(dX, gy * s + (gy * x * s * (1 - s)) @ v, rtol=1e-10)
    np.testing.assert_allclose(dV, (gy * x * s * (1 - s)).T @ x, rtol=1e-10)

    xs, ws, gs = rng.standard_normal(6), rng.standard_normal(3), rng.standard_normal(5)
    tensors = {"x": xs, "w": ws, "∂J/∂y": gs}
    dx = as_float(custom_derivation(CAUSAL, "x").details["backward"].evaluate(tensors, {"T": 5}))
    dw = as_float(custom_derivation(CAUSAL, "w").details["backward"].evaluate(tensors, {"T": 5}))
    C = ref.conv_matrix_by_columns(lambda u: ref.causal(u, ws, 2, 5), (6,))
    B = ref.conv_matrix_by_columns(lambda u: ref.causal(xs, u, 2, 5), (3,))
    np.testing.assert_allclose(dx, C.T @ gs, rtol=1e-12)
    np.testing.assert_allclose(dw, B.T @ gs, rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# The derivation as a write-up: nyu-cnn problem 4, and its options
# ---------------------------------------------------------------------------------------------
NYU = "Z[i,j1,j2,m] = sum_{k1,k2,n} W[k1,k2,n,m] X[i,j1+k1,j2+k2,n] + b[m]"


def test_nyu_problem_4_answers_in_latex():
    gradients = derive_gradients(NYU)
    assert gradients["W"].answer_latex() == (
        r"\frac{\partial J}{\partial W[k_{1}, k_{2}, n, m]} = "
        r"\sum_{\substack{0 \leq i \leq I - 1\\0 \leq j_{1} \leq J_{1} - 1\\"
        r"0 \leq j_{2} \leq J_{2} - 1}} \frac{\partial J}{\partial Z[i, j_{1}, j_{2}, m]} "
        r"X[i, j_{1} + k_{1}, j_{2} + k_{2}, n]"
    )
    assert gradients["b"].answer_latex() == (
        r"\frac{\partial J}{\partial b[m]} = \sum_{\substack{0 \leq i \leq I - 1\\"
        r"0 \leq j_{1} \leq J_{1} - 1\\0 \leq j_{2} \leq J_{2} - 1}} "
        r"\frac{\partial J}{\partial Z[i, j_{1}, j_{2}, m]}"
    )
    dX = gradients["X"].answer_latex()
    assert dX.startswith(r"\frac{\partial J}{\partial X[i, j_{1}, j_{2}, n]} = ")
    assert r"\frac{\partial J}{\partial Z[i, j_{1} - k_{1}, j_{2} - k_{2}, m]}" in dX
    assert (
        r"\left[0 \leq j_{1} - k_{1} \leq J_{1} - 1 \wedge 0 \leq j_{2} - k_{2} \leq J_{2} - 1"
        r"\right]" in dX
    )
    dZ = derive_backward("U[i,j1,j2,m] = sigmoid(Z[i,j1,j2,m])", wrt="Z")
    assert dZ.answer_latex() == (
        r"\frac{\partial J}{\partial Z[i, j_{1}, j_{2}, m]} = \left(1 - U[i, j_{1}, j_{2}, m]"
        r"\right) \frac{\partial J}{\partial U[i, j_{1}, j_{2}, m]} U[i, j_{1}, j_{2}, m]"
    )


def test_derivation_steps_show_chain_rule_delta_and_reindexing():
    derivation = derive_gradients(NYU, ["X"])["X"]
    reasons = [step.reason for step in derivation.steps]
    assert reasons[0].startswith("chain rule")
    assert "Kronecker" in reasons[1]
    assert reasons[2].startswith("Kronecker deltas fix") and "j'_1 = j_1 - k_1" in reasons[2]
    assert isinstance(derivation.steps[1].rhs, sp.Expr)
    assert derivation.steps[1].rhs.has(sp.KroneckerDelta)
    assert not derivation.answer.has(sp.KroneckerDelta)
    assert (
        r"\frac{\partial Z[i', j'_{1}, j'_{2}, m]}{\partial X[i, j_{1}, j_{2}, n]}"
        in derivation.latex()
    )
    assert derivation.to_json()["answer_srepr"].startswith("Sum(")
    assert derivation.check(np.random.default_rng(0)).passed


def test_subscript_notation_renders_the_fraction_with_subscripts():
    derivation = derive_backward(
        "y[i] = sum(X[i,j] * A[j,k] * X[i,k])", wrt="A", notation="subscript"
    )
    assert derivation.answer_latex() == (
        r"\frac{\partial J}{\partial A_{j,k}} = \sum_{i=0}^{I - 1} "
        r"\frac{\partial J}{\partial y_{i}} X_{i,j} X_{i,k}"
    )


@pytest.mark.parametrize(
    "index",
    [
        CONV_IDS.index("1d stride 2 padding 1"),
        CONV_IDS.index("2d stride 2 padding 1 dilation 2"),
        CONV_IDS.index("1d symbolic s p d"),
    ],
)
def test_inner_elimination_is_the_same_gradient(index):
    """Solving the deltas for the kernel taps instead of the output positions gives the other
    textbook form (a sum over output positions); the comparator finds them equal."""
    case = CONV_CASES[index]
    inner = derive_backward(conv_form(index), wrt="X", eliminate="inner")
    output = conv_derivation(index, "X")
    assert inner.answer != output.answer
    bound = {str(k): v for k, v in case.values.items()}
    comparison = compare_index_formulas(
        inner.details["backward"].substitute(bound),
        output.details["backward"].substitute(bound),
        seed=index,
        time_budget=30,
    )
    assert comparison.equal, comparison.message


def test_stride_gradient_keeps_divisibility_condition():
    derivation = derive_backward("Z[j] = sum_k W[k] X[2*j + k]", wrt="X")
    text = str(derivation.answer)
    assert "Mod" in text and "floor" in text
    assert derivation.check(np.random.default_rng(1)).passed


def test_symbolic_stride_keeps_the_size_symbols():
    derivation = conv_derivation(CONV_IDS.index("1d symbolic s p d"), "X")
    free = {s.name for s in derivation.answer.free_symbols if isinstance(s, sp.Symbol)}
    assert {"s", "p", "d"} <= free


def test_accepts_sympy_equations_and_indexed_bases():
    form = conv_index_form(1, batch=False, channels=False)
    derivation = derive_backward(form.equation(), wrt=form.W)
    assert derivation.answer_lhs.base.label == sp.Symbol("∂J/∂W")
    assert derivation.check(np.random.default_rng(0)).passed


@pytest.mark.parametrize(
    ("forward", "wrt", "error", "message"),
    [
        ("Z[i] = X[i]", "W", ValueError, "reads no tensor W"),
        ("Z[i] = X[i] + Z[i]", "Z", ValueError, r"recurrences .* are not supported"),
        ("Z[i] = X[i]", "X", ArithmeticError, "expected 'output' or 'inner'"),
    ],
)
def test_derive_backward_refuses_what_it_cannot_do(forward, wrt, error, message):
    options = {"eliminate": "rows"} if "expected" in message else {}
    with pytest.raises(error, match=message):
        derive_backward(forward, wrt=wrt, **options)


def test_function_without_derivative_is_a_derivation_error():
    f = sp.Function("f")
    i = sp.Symbol("i", integer=True)
    X, Z = sp.IndexedBase("X"), sp.IndexedBase("Z")
    with pytest.raises(ArithmeticError, match=r"Derivative\(f\(X\[i\]\), X\[i\]\)"):
        derive_backward(sp.Eq(Z[i], f(X[i])), wrt="X")


@pytest.mark.parametrize("wrt", ["X", "W", "b"])
def test_nyu_string_form_passes_the_three_obligations(wrt):
    """The NYU layer written as text: (a) exact against sympy.diff of the foundation's explicit
    NHWC/HWIO forward, (b) numeric against the naive NHWC loop, (c) dX = Cᵀ g per sample."""
    derivation = derive_gradients(NYU, [wrt])[wrt]
    backward = derivation.details["backward"]
    spec = ConvSpec.make((2, 2), layout="NHWC", weight_layout="HWIO")
    x, w, bias = (
        entries("x", (2, 4, 3, 2), base=0),
        entries("w", (2, 2, 2, 3), base=0),
        entries("b", (3,), base=0),
    )
    z = explicit_forward(spec, x, w, bias)
    g = entries("g", z.shape, base=0)
    sizes = {"J_1": 3, "J_2": 2}
    got = backward.evaluate({"X": x, "W": w, "b": bias, "∂J/∂Z": g}, sizes)
    loss = sum((g[i] * z[i] for i in product(*map(range, z.shape))), sp.Integer(0))
    target = {"X": x, "W": w, "b": bias}[wrt]
    for position in product(*map(range, got.shape)):
        assert sp.expand(got[position] - sp.diff(loss, target[position])) == 0

    rng = np.random.default_rng(17)
    point = {
        "X": rng.standard_normal((2, 4, 3, 2)),
        "W": rng.standard_normal((2, 2, 2, 3)),
        "b": rng.standard_normal(3),
    }
    upstream = rng.standard_normal((2, 3, 2, 3))

    def loss_numeric(value: np.ndarray) -> float:
        moved = {**point, wrt: value}
        z = ref.conv_nhwc_hwio(moved["X"], moved["W"], moved["b"], (3, 2))
        return float(np.sum(upstream * z))

    gradient = as_float(backward.evaluate({**point, "∂J/∂Z": upstream}, sizes))
    assert check_gradient(loss_numeric, point[wrt], gradient, seed=3).passed

    if wrt == "X":
        C = conv_matrix((4, 3, 2), w, layout="NHWC", weight_layout="HWIO")
        g_array = sp.ImmutableDenseNDimArray(g)
        for sample in range(2):
            upstream_sample = [g_array[(sample, *i)] for i in product(range(3), range(2), range(3))]
            expected = C.T * sp.Matrix(upstream_sample)
            assert list(expected) == [
                got[(sample, *i)] for i in product(range(4), range(3), range(2))
            ]


SELF_CHECKED = [
    ("softmax", "S[i,j] = exp(Z[i,j]) / sum_k exp(Z[i,k])", "Z"),
    ("softmax + cross-entropy", "L[i] = -sum_j Y[i,j] log(exp(Z[i,j]) / sum_k exp(Z[i,k]))", "Z"),
    ("mean squared error", "L[i] = sum_j (P[i,j] - Y[i,j])^2 / 4", "P"),
    ("max pooling, window 2, stride 2", "y[k] = max(x[2k], x[2k+1])", "x"),
    ("tanh", "U[i,j] = tanh(Z[i,j])", "Z"),
    ("relu", "U[i] = relu(Z[i])", "Z"),
    ("dense", "Y[i,m] = b[m] + sum_n W[m,n] X[i,n]", "W"),
]


@pytest.mark.parametrize(
    ("forward", "wrt"), [c[1:] for c in SELF_CHECKED], ids=[c[0] for c in SELF_CHECKED]
)
def test_other_layers_pass_their_own_checks(forward, wrt):
    """The derivation's attached checks (exact vs sympy.diff, numeric vs central differences) at
    random small sizes, for layers beyond convolution."""
    derivation = derive_backward(forward, wrt=wrt)
    for seed in range(2):
        report = derivation.check(np.random.default_rng(seed))
        assert report.passed, [r.detail for r in report.results]


def test_pointwise_derivative_written_with_the_output():
    assert str(derive_backward("U[i,j] = tanh(Z[i,j])", wrt="Z").answer) == (
        "(1 - U[i, j]**2)*∂J/∂U[i, j]"
    )
    raw = derive_backward("U[i,j] = tanh(Z[i,j])", wrt="Z", express_with_output=False)
    assert str(raw.answer) == "(1 - tanh(Z[i, j])**2)*∂J/∂U[i, j]"
