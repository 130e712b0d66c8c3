"""The numeric twin of a convolution layer: forward, backward and the gradient checker.

Checked three ways: against the naive loops of ``tests/reference_numeric.py`` (which import
nothing from symconv) over the option grid, against independent libraries (SciPy's
``correlate``/``convolve``; PyTorch autograd where it imports), and through identities (the two
algorithms agree; ⟨Z − b, δ⟩ = ⟨X, dX⟩ = ⟨W, dW⟩ for the bilinear layer; convolution is
correlation with the flipped kernel; finite differences of the loss).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from itertools import product
from typing import Any

import numpy as np
import pytest
import scipy.signal

from symconv.conv.geometry import ConvSpec
from symconv.conv.numeric import (
    assert_gradient,
    check_gradient,
    conv_backward,
    conv_forward,
    to_float_array,
)
from symconv.core.derivation import CheckResult
from symconv.errors import ConventionError, ShapeError, VerificationError
from tests.reference_numeric import (
    conv_backward_loops,
    conv_forward_loops,
    sigmoid_loops,
    softmax_cross_entropy_loops,
)

ALGORITHMS = ("shift", "im2col", "auto")
TORCH_MISSING = importlib.util.find_spec("torch") is None
TORCH_REASON = "PyTorch is not installed (pip install torch==2.13.0 runs these comparisons)"


# ---------------------------------------------------------------------------------------------
# Cases: one layer, its arrays in the spec's layouts, and the loop reference on NCHW/OIHW
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    spec: ConvSpec
    x: np.ndarray
    w: np.ndarray
    bias: np.ndarray | None
    grad: np.ndarray
    z: np.ndarray
    dx: np.ndarray
    dw: np.ndarray
    db: np.ndarray


def _to_spec_layout(spec: ConvSpec, nchw: np.ndarray) -> np.ndarray:
    out = nchw
    if spec.channels and spec.layout == "NHWC":
        out = np.moveaxis(out, 1, -1)
    if not spec.channels:
        out = out[:, 0]
    if not spec.batch:
        out = out[0]
    return np.ascontiguousarray(out)


def _weights_to_spec(spec: ConvSpec, oihw: np.ndarray) -> np.ndarray:
    if not spec.channels:
        return np.ascontiguousarray(oihw[0, 0])
    if spec.weight_layout == "HWIO":
        return np.ascontiguousarray(np.moveaxis(oihw, (0, 1), (-1, -2)))
    return oihw


def _ints(values: Any) -> tuple[int, ...]:
    return tuple(int(v) for v in values)


def make_case(
    spec: ConvSpec,
    spatial: tuple[int, ...],
    channels: int = 4,
    outputs: int = 4,
    batch: int = 2,
    seed: int = 0,
    bias: bool = True,
) -> Case:
    """Random arrays for ``spec`` and the loop reference's answers, in the spec's layouts."""
    rng = np.random.default_rng(seed)
    n = batch if spec.batch else 1
    c, m = (channels, outputs) if spec.channels else (1, 1)
    groups = int(spec.groups)
    kernel = _ints(spec.kernel_size)
    x = rng.standard_normal((n, c, *spatial))
    w = rng.standard_normal((m, c // groups, *kernel))
    b = rng.standard_normal(m) if bias else None
    options = {
        "stride": _ints(spec.stride),
        "padding": tuple(_ints(pair) for pair in spec.padding),
        "dilation": _ints(spec.dilation),
        "groups": groups,
        "flip": spec.op == "convolution",
    }
    z = conv_forward_loops(x, w, b, **options)
    g = rng.standard_normal(z.shape)
    dx, dw, db = conv_backward_loops(x, w, g, **options)
    return Case(
        spec=spec,
        x=_to_spec_layout(spec, x),
        w=_weights_to_spec(spec, w),
        bias=None if b is None else (b if spec.channels else b[0]),
        grad=_to_spec_layout(spec, g),
        z=_to_spec_layout(spec, z),
        dx=_to_spec_layout(spec, dx),
        dw=_weights_to_spec(spec, dw),
        db=db if spec.channels else db[0],
    )


def assert_matches(case: Case, algorithm: str) -> None:
    z = conv_forward(case.spec, case.x, case.w, case.bias, algorithm=algorithm)
    assert z.shape == case.z.shape
    np.testing.assert_allclose(z, case.z, rtol=1e-11, atol=1e-11)
    dx, dw, db = conv_backward(case.spec, case.x, case.w, case.grad, algorithm=algorithm)
    assert (dx.shape, dw.shape, db.shape) == (case.x.shape, case.w.shape, np.shape(case.db))
    np.testing.assert_allclose(dx, case.dx, rtol=1e-11, atol=1e-11)
    np.testing.assert_allclose(dw, case.dw, rtol=1e-11, atol=1e-11)
    np.testing.assert_allclose(db, case.db, rtol=1e-11, atol=1e-11)


# ---------------------------------------------------------------------------------------------
# The option grid (2-d): op × padding × stride × dilation × groups, layouts in rotation
# ---------------------------------------------------------------------------------------------
PADDINGS = (0, 1, ((2, 0), (0, 1)))
STRIDES = (1, 2, (2, 1))
LAYOUTS = (("NCHW", "OIHW"), ("NHWC", "HWIO"), ("NHWC", "OIHW"), ("NCHW", "HWIO"))
GRID = [
    (op, padding, stride, dilation, groups, LAYOUTS[index % len(LAYOUTS)])
    for index, (op, padding, stride, dilation, groups) in enumerate(
        product(("correlation", "convolution"), PADDINGS, STRIDES, (1, 2), (1, 2))
    )
]


@pytest.mark.parametrize(("op", "padding", "stride", "dilation", "groups", "layouts"), GRID)
def test_option_grid_matches_loops(op, padding, stride, dilation, groups, layouts):
    spec = ConvSpec.make(
        (3, 2),
        stride=stride,
        padding=padding,
        dilation=dilation,
        groups=groups,
        op=op,
        layout=layouts[0],
        weight_layout=layouts[1],
    )
    case = make_case(spec, (6, 5), seed=len(GRID))
    for algorithm in ALGORITHMS:
        assert_matches(case, algorithm)


# 1-d and 3-d layers, and layers without batch or channel axes.
SHAPES = [
    # (kernel, spatial, options)
    ((3,), (9,), {}),
    ((2,), (8,), {"stride": 3, "padding": ((2, 1),), "op": "convolution"}),
    ((3,), (7,), {"dilation": 2, "padding": 2, "groups": 2, "layout": "NHWC"}),
    ((4,), (6,), {"mode": "full", "weight_layout": "HWIO"}),
    ((2, 2, 2), (4, 3, 5), {"padding": 1}),
    ((3, 1, 2), (5, 4, 4), {"stride": (2, 1, 1), "dilation": (1, 1, 2), "op": "convolution"}),
    ((2, 3, 2), (3, 5, 4), {"padding": ((1, 0), (0, 2), (1, 1)), "groups": 2, "layout": "NHWC"}),
    ((3, 3), (5, 6), {"batch": False}),
    ((3, 3), (5, 6), {"batch": False, "layout": "NHWC", "weight_layout": "HWIO", "stride": 2}),
    ((2, 3), (5, 6), {"channels": False, "mode": "same"}),
    ((2, 3), (5, 6), {"channels": False, "batch": False, "mode": "full", "op": "convolution"}),
    ((3,), (7,), {"channels": False, "batch": False, "stride": 2, "dilation": 2}),
    ((1, 1), (3, 4), {"stride": 2}),
    ((5, 5), (5, 5), {}),  # one output position
    ((3, 3), (4, 4), {"padding": 4}),  # padding beyond the kernel: border outputs read zeros
    ((1,), (1,), {"padding": 2, "stride": 3}),  # no window reaches the input: dX = 0
]


@pytest.mark.parametrize(("kernel", "spatial", "options"), SHAPES)
def test_dimensions_and_axes_match_loops(kernel, spatial, options):
    spec = ConvSpec.make(kernel, dims=len(kernel), **options)
    case = make_case(spec, spatial, seed=len(spatial))
    for algorithm in ALGORITHMS:
        assert_matches(case, algorithm)


def test_chunked_batches_match_loops(monkeypatch):
    """A workspace smaller than one image forces one image per chunk (and reuse of buffers)."""
    import symconv.conv.numeric as numeric

    monkeypatch.setattr(numeric, "WORKSPACE_BYTES", 1)
    spec = ConvSpec.make((3, 3), padding=((1, 0), (2, 1)), dilation=(1, 2), groups=2)
    case = make_case(spec, (5, 6), batch=3)
    for algorithm in ALGORITHMS:
        assert_matches(case, algorithm)


def test_stride_larger_than_kernel_leaves_unread_inputs_at_zero_gradient():
    """With stride 3 and a 2-tap kernel, every third input is read by no window: dX = 0 there."""
    spec = ConvSpec.make(2, dims=1, stride=3, batch=False, channels=False)
    x, w = np.arange(8.0), np.array([1.0, 2.0])
    for algorithm in ALGORITHMS:
        dx, _, _ = conv_backward(spec, x, w, np.ones(3), algorithm=algorithm)
        np.testing.assert_array_equal(dx, [1.0, 2.0, 0.0, 1.0, 2.0, 0.0, 1.0, 2.0])


# ---------------------------------------------------------------------------------------------
# SciPy: 2-d single-channel correlate/convolve in modes valid/same/full
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("function", "mode", "kernel"),
    list(product(("correlate", "convolve"), ("valid", "same", "full"), ((3, 3), (2, 4), (1, 2)))),
)
def test_matches_scipy_signal(function, mode, kernel):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((7, 8))
    w = rng.standard_normal(kernel)
    # scipy.signal's 'same' centres the 'full' result: the odd extra zero goes first.
    spec = ConvSpec.make(
        kernel,
        mode=mode,
        same_extra="start",
        op="correlation" if function == "correlate" else "convolution",
        batch=False,
        channels=False,
    )
    expected = getattr(scipy.signal, function)(x, w, mode=mode, method="direct")
    for algorithm in ALGORITHMS:
        np.testing.assert_allclose(
            conv_forward(spec, x, w, algorithm=algorithm), expected, rtol=1e-12, atol=1e-12
        )


def test_weight_gradient_is_scipy_correlation_of_input_with_delta():
    """dW = X ⋆ δ (valid correlation) for a single-channel, stride-1, unpadded layer."""
    rng = np.random.default_rng(3)
    x, w, g = rng.standard_normal((7, 8)), rng.standard_normal((3, 2)), rng.standard_normal((5, 7))
    spec = ConvSpec.make((3, 2), batch=False, channels=False)
    dx, dw, _ = conv_backward(spec, x, w, g)
    np.testing.assert_allclose(dw, scipy.signal.correlate(x, g, mode="valid"), rtol=1e-12)
    np.testing.assert_allclose(dx, scipy.signal.convolve(g, w, mode="full"), rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# Identities
# ---------------------------------------------------------------------------------------------
IDENTITY_SPECS = [
    ConvSpec.make((3, 3), padding=1),
    ConvSpec.make((3, 2), stride=(2, 3), padding=((0, 2), (1, 0)), dilation=(2, 1), groups=2),
    ConvSpec.make((2, 2, 3), stride=2, padding=1, layout="NHWC", weight_layout="HWIO"),
    ConvSpec.make((5,), dims=1, dilation=3, padding=6, op="convolution"),
]


@pytest.mark.parametrize("spec", IDENTITY_SPECS, ids=range(len(IDENTITY_SPECS)))
def test_adjoint_identity_of_the_bilinear_layer(spec):
    """Z − b is linear in X and in W, so ⟨Z − b, δ⟩ = ⟨X, dX⟩ = ⟨W, dW⟩ and Σ δ = Σ db."""
    spatial = (7, 8, 6)[: spec.dims]
    case = make_case(spec, spatial, seed=11)
    z = conv_forward(spec, case.x, case.w)
    dx, dw, db = conv_backward(spec, case.x, case.w, case.grad)
    pairing = float(np.sum(z * case.grad))
    assert np.isclose(pairing, float(np.sum(case.x * dx)), rtol=1e-11)
    assert np.isclose(pairing, float(np.sum(case.w * dw)), rtol=1e-11)
    assert np.isclose(float(np.sum(case.grad)), float(np.sum(db)), rtol=1e-11)


@pytest.mark.parametrize("spec", IDENTITY_SPECS, ids=range(len(IDENTITY_SPECS)))
def test_convolution_is_correlation_with_the_flipped_kernel(spec):
    spatial = (7, 8, 6)[: spec.dims]
    case = make_case(spec, spatial, seed=5)
    other = ConvSpec.make(
        _ints(spec.kernel_size),
        dims=spec.dims,
        stride=_ints(spec.stride),
        padding=tuple(_ints(pair) for pair in spec.padding),
        dilation=_ints(spec.dilation),
        groups=int(spec.groups),
        op="convolution" if spec.op == "correlation" else "correlation",
        layout=spec.layout,
        weight_layout=spec.weight_layout,
    )
    kernel_axes = (
        tuple(range(2, 2 + spec.dims)) if spec.weight_layout == "OIHW" else tuple(range(spec.dims))
    )
    flipped = np.flip(case.w, axis=kernel_axes)
    np.testing.assert_allclose(
        conv_forward(other, case.x, flipped), conv_forward(spec, case.x, case.w), rtol=1e-12
    )
    dx, dw, _ = conv_backward(other, case.x, flipped, case.grad)
    reference_dx, reference_dw, _ = conv_backward(spec, case.x, case.w, case.grad)
    np.testing.assert_allclose(dx, reference_dx, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.flip(dw, axis=kernel_axes), reference_dw, rtol=1e-12)


@pytest.mark.parametrize("spec", IDENTITY_SPECS, ids=range(len(IDENTITY_SPECS)))
def test_backward_passes_the_finite_difference_check(spec):
    """L(X, W, b) = ⟨conv(X, W, b), δ⟩ has gradient (dX, dW, db) — one random direction."""
    spatial = (7, 8, 6)[: spec.dims]
    case = make_case(spec, spatial, seed=2)

    def loss(x, w, b):
        return float(np.sum(conv_forward(spec, x, w, b) * case.grad))

    def gradient(x, w, b):
        return conv_backward(spec, x, w, case.grad)

    result = assert_gradient(loss, (case.x, case.w, case.bias), gradient, seed=4)
    assert result.passed and abs(result.directional) > 1e-3


# ---------------------------------------------------------------------------------------------
# dtypes
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_float32_stays_float32(algorithm):
    spec = ConvSpec.make((3, 3), padding=1, stride=(1, 2))
    case = make_case(spec, (6, 7))
    x32, w32, b32, g32 = (a.astype(np.float32) for a in (case.x, case.w, case.bias, case.grad))
    z = conv_forward(spec, x32, w32, b32, algorithm=algorithm)
    dx, dw, db = conv_backward(spec, x32, w32, g32, algorithm=algorithm)
    assert {z.dtype, dx.dtype, dw.dtype, db.dtype} == {np.dtype(np.float32)}
    np.testing.assert_allclose(z, case.z, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(dx, case.dx, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(dw, case.dw, rtol=1e-4, atol=1e-4)


def test_integer_inputs_compute_in_float64():
    spec = ConvSpec.make(2, dims=1, batch=False, channels=False)
    z = conv_forward(spec, np.array([1, 2, 3]), np.array([1, -1]))
    assert z.dtype == np.float64
    np.testing.assert_array_equal(z, [-1.0, -1.0])
    mixed = conv_forward(spec, np.array([1, 2, 3], np.float32), np.array([1.0, -1.0]))
    assert mixed.dtype == np.float64


def test_to_float_array_reads_exact_numbers():
    import sympy as sp

    array = to_float_array(sp.Matrix([[sp.Rational(1, 4), 2]]))
    assert array.dtype == np.float64
    np.testing.assert_array_equal(array, [[0.25, 2.0]])


# ---------------------------------------------------------------------------------------------
# Errors carry the user's shapes
# ---------------------------------------------------------------------------------------------
def test_errors_name_the_shapes_that_disagree():
    spec = ConvSpec.make((3, 3), padding=1)
    x, w = np.zeros((2, 4, 5, 5)), np.zeros((6, 4, 3, 3))
    with pytest.raises(ShapeError, match=r"x of shape \(4, 5, 5\).*\(N, C, H, W\)"):
        conv_forward(spec, x[0], w)
    with pytest.raises(ShapeError, match=r"kernel \(2, 2\).*kernel is \(3, 3\)"):
        conv_forward(spec, x, w[:, :, :2, :2])
    with pytest.raises(ShapeError, match=r"C=4 channels.*C/G=3"):
        conv_forward(spec, x, w[:, :3])
    with pytest.raises(ShapeError, match=r"bias has shape \(4,\); this layer needs shape \(6,\)"):
        conv_forward(spec, x, w, np.zeros(4))
    with pytest.raises(ShapeError, match=r"grad_output has shape \(2, 6, 4, 5\).*\(2, 6, 5, 5\)"):
        conv_backward(spec, x, w, np.zeros((2, 6, 4, 5)))
    with pytest.raises(ShapeError, match=r"⌊\(2 \+ 0 \+ 0 − 1·\(3−1\) − 1\)/1⌋ \+ 1 = 0"):
        conv_forward(ConvSpec.make((3, 3)), np.zeros((1, 1, 2, 2)), np.zeros((1, 1, 3, 3)))
    with pytest.raises(ConventionError, match="algorithm='winograd'"):
        conv_forward(spec, x, w, algorithm="winograd")


def test_symbolic_spec_is_refused():
    import sympy as sp

    spec = ConvSpec.make((3, 3), stride=sp.Symbol("s", positive=True, integer=True))
    with pytest.raises(ShapeError, match="concrete"):
        conv_forward(spec, np.zeros((1, 1, 5, 5)), np.zeros((1, 1, 3, 3)))


# ---------------------------------------------------------------------------------------------
# PyTorch autograd (an independent implementation of forward and backward)
# ---------------------------------------------------------------------------------------------
TORCH_CASES = [
    ((3, 3), (9, 8), {"padding": 1}),
    ((3, 2), (9, 8), {"stride": (2, 3), "padding": ((2, 0), (1, 1)), "dilation": (1, 2)}),
    ((3, 3), (8, 8), {"groups": 2, "op": "convolution", "layout": "NHWC"}),
    ((4,), (11,), {"stride": 2, "dilation": 2, "padding": ((0, 3),)}),
    ((2, 3, 2), (5, 6, 4), {"stride": (1, 2, 1), "padding": 1, "weight_layout": "HWIO"}),
]


@pytest.mark.skipif(TORCH_MISSING, reason=TORCH_REASON)
@pytest.mark.parametrize(("kernel", "spatial", "options"), TORCH_CASES)
def test_matches_torch_autograd(kernel, spatial, options):
    import torch
    import torch.nn.functional as F

    spec = ConvSpec.make(kernel, dims=len(kernel), **options)
    case = make_case(spec, spatial, seed=13)
    dims = spec.dims
    x = torch.tensor(_channels_first_x(spec, case.x), requires_grad=True)
    w_oihw = _oihw(spec, case.w)
    if spec.op == "convolution":
        w_oihw = np.flip(w_oihw, axis=tuple(range(2, 2 + dims))).copy()
    w = torch.tensor(w_oihw, requires_grad=True)
    b = torch.tensor(case.bias, requires_grad=True)
    pads = [int(v) for pair in reversed(spec.padding) for v in pair]
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[dims]
    z = conv(
        F.pad(x, pads),
        w,
        b,
        stride=_ints(spec.stride),
        dilation=_ints(spec.dilation),
        groups=int(spec.groups),
    )
    grad = torch.tensor(_channels_first_x(spec, case.grad))
    z.backward(grad)
    ours_z = conv_forward(spec, case.x, case.w, case.bias)
    dx, dw, db = conv_backward(spec, case.x, case.w, case.grad)
    np.testing.assert_allclose(_channels_first_x(spec, ours_z), z.detach().numpy(), rtol=1e-11)
    np.testing.assert_allclose(_channels_first_x(spec, dx), x.grad.numpy(), rtol=1e-10, atol=1e-12)
    torch_dw = w.grad.numpy()
    if spec.op == "convolution":
        torch_dw = np.flip(torch_dw, axis=tuple(range(2, 2 + dims)))
    np.testing.assert_allclose(_oihw(spec, dw), torch_dw, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(db, b.grad.numpy(), rtol=1e-12)


def _channels_first_x(spec: ConvSpec, x: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.moveaxis(x, -1, 1) if spec.layout == "NHWC" else x)


def _oihw(spec: ConvSpec, w: np.ndarray) -> np.ndarray:
    if spec.weight_layout == "HWIO":
        return np.ascontiguousarray(np.moveaxis(w, (-1, -2), (0, 1)))
    return w


# ---------------------------------------------------------------------------------------------
# check_gradient: passes on right gradients, fails on wrong ones
# ---------------------------------------------------------------------------------------------
def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def softmax_cross_entropy(logits: np.ndarray, labels: np.ndarray) -> float:
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-log_probabilities[np.arange(len(labels)), labels].sum())


def softmax_cross_entropy_grad(logits: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """∂L/∂z = softmax(z) − onehot(y)."""
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    onehot = np.eye(logits.shape[1])[labels]
    return probabilities - onehot


def test_numpy_losses_agree_with_the_loop_reference():
    rng = np.random.default_rng(0)
    z, labels = rng.standard_normal((4, 5)), np.array([0, 3, 4, 1])
    np.testing.assert_allclose(sigmoid(z), sigmoid_loops(z), rtol=1e-14)
    assert np.isclose(softmax_cross_entropy(z, labels), softmax_cross_entropy_loops(z, labels))


RIGHT_AND_WRONG = {
    # name: (f, point, right gradient, wrong gradient)
    "sigmoid": (
        lambda z: float(np.sum(sigmoid(z) * np.linspace(-1, 2, z.size).reshape(z.shape))),
        np.random.default_rng(1).standard_normal((3, 4)),
        lambda z: sigmoid(z) * (1 - sigmoid(z)) * np.linspace(-1, 2, z.size).reshape(z.shape),
        # dropped term: σ' written as σ
        lambda z: sigmoid(z) * np.linspace(-1, 2, z.size).reshape(z.shape),
    ),
    "softmax-ce": (
        lambda z: softmax_cross_entropy(z, np.array([0, 2, 1])),
        np.random.default_rng(2).standard_normal((3, 4)),
        lambda z: softmax_cross_entropy_grad(z, np.array([0, 2, 1])),
        # dropped term: the −onehot(y)
        lambda z: softmax_cross_entropy_grad(z, np.array([0, 2, 1])) + np.eye(4)[[0, 2, 1]],
    ),
}


@pytest.mark.parametrize("name", list(RIGHT_AND_WRONG))
def test_check_gradient_passes_right_and_fails_wrong(name):
    f, point, right, wrong = RIGHT_AND_WRONG[name]
    good = check_gradient(f, point, right)
    assert isinstance(good, CheckResult) and good.passed, good.detail
    bad = check_gradient(f, point, wrong)
    assert not bad.passed
    assert abs(bad.finite_difference - good.finite_difference) < 1e-12


def _conv_loss_and_gradients(transposed_kernel: bool) -> tuple[Any, Any, Any]:
    spec = ConvSpec.make((3, 3), padding=1, stride=2)
    case = make_case(spec, (7, 6), seed=9)

    def loss(x, w):
        return float(np.sum(conv_forward(spec, x, w) * case.grad))

    def gradient(x, w):
        used = np.swapaxes(w, -1, -2) if transposed_kernel else w
        dx, dw, _ = conv_backward(spec, x, used, case.grad)
        return dx, dw

    return loss, (case.x, case.w), gradient


def test_check_gradient_catches_a_transposed_kernel():
    loss, point, gradient = _conv_loss_and_gradients(transposed_kernel=False)
    assert check_gradient(loss, point, gradient).passed
    loss, point, gradient = _conv_loss_and_gradients(transposed_kernel=True)
    result = check_gradient(loss, point, gradient)
    assert not result.passed
    assert result.tolerance < abs(result.finite_difference - result.directional)


def test_raising_variant_reports_both_numbers_the_point_eps_and_seed():
    f, point, _, wrong = RIGHT_AND_WRONG["sigmoid"]
    with pytest.raises(VerificationError) as raised:
        assert_gradient(f, point, wrong, seed=17, eps=1e-5)
    message = str(raised.value)
    result = check_gradient(f, point, wrong, seed=17, eps=1e-5)
    assert repr(result.finite_difference) in message
    assert repr(result.directional) in message
    assert "ε = 1e-05" in message and "seed 17" in message
    assert "at x = [[" in message and "..." not in message.split("at x =")[0]
    big = np.arange(1000.0) / 1000
    with pytest.raises(
        VerificationError, match=r"at x = \[0\.\s*, 0\.001, \.\.\., 0\.998, 0\.999\]"
    ):
        assert_gradient(lambda x: float(np.sum(x**2)), big, big)


def test_check_gradient_takes_dicts_tuples_and_callables():
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal(4), rng.standard_normal((2, 2))

    def f(a, b):
        return float(np.sum(a**2) * np.sum(b))

    right = (2 * a * np.sum(b), np.full(b.shape, np.sum(a**2)))
    assert check_gradient(f, (a, b), right).passed
    assert check_gradient(f, {"a": a, "b": b}, {"a": right[0], "b": right[1]}).passed
    assert check_gradient(f, {"a": a, "b": b}, lambda a, b: {"a": right[0], "b": right[1]}).passed
    assert not check_gradient(f, (a, b), (right[0], 2 * right[1])).passed


def test_check_gradient_is_reproducible_and_seeded():
    f, point, right, _ = RIGHT_AND_WRONG["softmax-ce"]
    first, again = check_gradient(f, point, right, seed=5), check_gradient(f, point, right, seed=5)
    assert first == again
    other = check_gradient(f, point, right, seed=6)
    assert other.directional != first.directional


def test_check_gradient_on_float32_uses_a_wider_step():
    x = np.linspace(-1, 1, 6, dtype=np.float32)
    result = check_gradient(lambda x: float(np.sum(np.tanh(x))), x, lambda x: 1 - np.tanh(x) ** 2)
    assert result.passed and result.eps > 1e-3
    assert not check_gradient(
        lambda x: float(np.sum(np.tanh(x))), x, lambda x: 1 - np.tanh(x)
    ).passed


def test_check_gradient_refuses_bad_shapes():
    with pytest.raises(ShapeError, match="scalar"):
        check_gradient(lambda x: x, np.ones(3), np.ones(3))
    with pytest.raises(
        ShapeError, match=r"grad has shapes \[\(2,\)\]; the point has shapes \[\(3,\)\]"
    ):
        check_gradient(lambda x: float(np.sum(x)), np.ones(3), np.ones(2))
