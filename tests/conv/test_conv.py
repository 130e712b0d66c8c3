"""Convolution in both forms: option grid vs the naive reference, index form vs explicit form.

Sources: Dumoulin & Visin (2016), "A guide to convolution arithmetic for deep learning",
arXiv:1603.07285, fig. 1.1 (the numerical figure); PyTorch ``Conv2d`` semantics for groups/padding.
"""

from __future__ import annotations

from itertools import product

import numpy as np
import pytest
import scipy.signal
import sympy as sp

from symconv import ConvSpec, ShapeError, conv_index_form, convolve, correlate, entries
from symconv.conv.forms import conv_forward_derivation, explicit_forward, index_form_of
from symconv.conv.numeric import conv_forward
from tests.reference import conv_nd, mode_padding

DUMOULIN_INPUT = [
    [3, 3, 2, 1, 0],
    [0, 0, 1, 3, 1],
    [3, 1, 2, 2, 3],
    [2, 0, 0, 2, 2],
    [2, 0, 0, 0, 1],
]
DUMOULIN_KERNEL = [[0, 1, 2], [2, 2, 0], [0, 1, 2]]
DUMOULIN_OUTPUT = [[12, 12, 17], [10, 17, 19], [9, 6, 14]]


# ---------------------------------------------------------------------------------------------
# The option grid, numerically, against tests/reference.py
# ---------------------------------------------------------------------------------------------
PADDINGS = [("valid", 0), ("valid", 1), ("same", 0), ("full", 0)]
GRID = [
    (op, mode, pad, stride, dilation, groups, layout)
    for op, (mode, pad), stride, dilation, groups, layout in product(
        ("correlation", "convolution"), PADDINGS, (1, 2), (1, 2), (1, 2), ("NCHW", "NHWC")
    )
    if not (mode == "same" and stride != 1)
]


def _to_layout(x_nchw: np.ndarray, layout: str) -> np.ndarray:
    return x_nchw if layout == "NCHW" else np.moveaxis(x_nchw, 1, -1)


@pytest.mark.parametrize(("op", "mode", "pad", "stride", "dilation", "groups", "layout"), GRID)
def test_option_grid_matches_naive_reference(op, mode, pad, stride, dilation, groups, layout):
    rng = np.random.default_rng(len(GRID))
    kernel = (3, 2)
    x = rng.standard_normal((2, 4, 7, 6))
    w = rng.standard_normal((4, 4 // groups, *kernel))
    bias = rng.standard_normal(4)
    spec = ConvSpec.make(
        kernel,
        stride=stride,
        padding=pad,
        dilation=dilation,
        mode=mode if mode != "valid" else None,
        groups=groups,
        op=op,
        layout=layout,
    )
    padding = mode_padding(kernel, (dilation,) * 2, mode) if mode != "valid" else ((pad, pad),) * 2
    expected = conv_nd(
        x,
        w,
        bias,
        stride=(stride,) * 2,
        padding=padding,
        dilation=(dilation,) * 2,
        groups=groups,
        flip=op == "convolution",
    )
    got = conv_forward(spec, _to_layout(x, layout), w, bias)
    np.testing.assert_allclose(got, _to_layout(expected, layout), rtol=1e-12, atol=1e-12)


def test_same_mode_with_stride_is_refused():
    with pytest.raises(ShapeError, match="stride 1"):
        ConvSpec.make(3, mode="same", stride=2)


@pytest.mark.parametrize("dims", [1, 3])
def test_1d_and_3d_against_reference(dims):
    rng = np.random.default_rng(dims)
    kernel = (3,) * dims
    spatial = (6,) * dims
    x = rng.standard_normal((1, 2, *spatial))
    w = rng.standard_normal((3, 2, *kernel))
    spec = ConvSpec.make(kernel, dims=dims, stride=2, padding=1, dilation=1, op="convolution")
    expected = conv_nd(
        x, w, stride=(2,) * dims, padding=((1, 1),) * dims, dilation=(1,) * dims, flip=True
    )
    np.testing.assert_allclose(conv_forward(spec, x, w), expected, rtol=1e-12)


def test_hwio_weights_and_asymmetric_padding():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 5, 6, 3))  # NHWC
    w = rng.standard_normal((4, 4, 3, 2, 2))[0]  # (kh, kw, C, M) = (4, 3, 2, 2): HWIO
    w = rng.standard_normal((2, 3, 3, 4))  # kh=2, kw=3, C=3, M=4
    spec = ConvSpec.make((2, 3), padding=((0, 1), (2, 0)), layout="NHWC", weight_layout="HWIO")
    expected = conv_nd(
        np.moveaxis(x, -1, 1),
        np.transpose(w, (3, 2, 0, 1)),
        stride=(1, 1),
        padding=((0, 1), (2, 0)),
        dilation=(1, 1),
    )
    np.testing.assert_allclose(conv_forward(spec, x, w), np.moveaxis(expected, 1, -1), rtol=1e-12)


@pytest.mark.parametrize(
    ("mode", "same_extra"), [("valid", "end"), ("same", "start"), ("full", "end")]
)
def test_plain_2d_against_scipy(mode, same_extra):
    # scipy.signal.correlate puts the odd extra 'same' zero at the start (fd/conv-arith notes).
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((6, 7)), rng.standard_normal((2, 4))
    got = correlate(x, w, mode=mode, same_extra=same_extra)
    np.testing.assert_allclose(got, scipy.signal.correlate(x, w, mode=mode), rtol=1e-12)
    got = convolve(x, w, mode=mode, same_extra=same_extra)
    np.testing.assert_allclose(got, scipy.signal.convolve(x, w, mode=mode), rtol=1e-12)


def test_float32_stays_float32():
    x = np.ones((1, 2, 5, 5), dtype=np.float32)
    w = np.ones((3, 2, 3, 3), dtype=np.float32)
    assert correlate(x, w).dtype == np.float32


# ---------------------------------------------------------------------------------------------
# Goldens
# ---------------------------------------------------------------------------------------------
def test_dumoulin_figure_explicit_and_numeric():
    assert correlate(DUMOULIN_INPUT, DUMOULIN_KERNEL) == sp.Matrix(DUMOULIN_OUTPUT)
    numeric = correlate(np.array(DUMOULIN_INPUT, float), np.array(DUMOULIN_KERNEL, float))
    np.testing.assert_array_equal(numeric, np.array(DUMOULIN_OUTPUT, float))


def test_dumoulin_figure_from_the_index_form():
    form = conv_index_form(2, batch=False, channels=False)
    got = form.instantiate(DUMOULIN_INPUT, DUMOULIN_KERNEL)
    assert got == sp.Array(DUMOULIN_OUTPUT)


def test_explicit_entries_are_named_after_the_source():
    z = correlate(entries("x", (3, 3)), entries("w", (2, 2)))
    x12, w21, x22 = sp.symbols("x_{12} w_{21} x_{22}")
    assert w21 in z[0, 1].free_symbols and x22 in z[0, 1].free_symbols
    assert x12 in z[0, 0].free_symbols


# ---------------------------------------------------------------------------------------------
# Proof obligation: index form instantiated == explicit form, exactly, over a grid
# ---------------------------------------------------------------------------------------------
EXACT_GRID = [
    (op, pad, stride, dilation, groups, layout)
    for op, pad, stride, dilation, groups, layout in product(
        ("correlation", "convolution"), (0, 1), (1, 2), (1, 2), (1, 2), ("NCHW", "NHWC")
    )
]


@pytest.mark.parametrize(("op", "pad", "stride", "dilation", "groups", "layout"), EXACT_GRID)
def test_index_form_equals_explicit_form_exactly(op, pad, stride, dilation, groups, layout):
    spec = ConvSpec.make(
        (2, 2), stride=stride, padding=pad, dilation=dilation, groups=groups, op=op, layout=layout
    )
    x_shape = (1, 2, 5, 4) if layout == "NCHW" else (1, 5, 4, 2)
    x = entries("x", x_shape, base=0)
    w = entries("w", (2, 2 // groups, 2, 2), base=0)
    b = entries("b", (2,), base=0)
    explicit = explicit_forward(spec, x, w, b)
    instantiated = index_form_of(spec).instantiate(x, w, b)
    assert instantiated.shape == explicit.shape
    assert (sp.Array(instantiated) - sp.Array(explicit)).applyfunc(sp.expand) == sp.Array.zeros(
        *explicit.shape
    )


def test_index_form_with_symbolic_stride_instantiates():
    s = sp.Symbol("s", integer=True, positive=True)
    form = conv_index_form(1, stride=s, batch=False, channels=False, kernel_size=2)
    x, w = [1, 2, 3, 4, 5], [1, -1]
    assert form.instantiate(x, w, values={s: 2}) == sp.Array([-1, -1])


def test_convolution_is_correlation_with_flipped_kernel_exactly():
    x, w = entries("x", (4, 4)), entries("w", (3, 2))
    flipped = sp.Matrix(w[::-1, ::-1])
    assert convolve(x, w, padding=1, stride=2) == correlate(x, flipped, padding=1, stride=2)


def test_derivation_renders_and_checks():
    d = conv_forward_derivation(entries("x", (3, 3)), entries("w", (2, 2)))
    assert d.answer.shape == (2, 2)
    assert d.check().passed
    assert r"\begin{aligned}" in d.latex()
    assert d.to_json()["answer_srepr"].startswith("ImmutableDenseMatrix")


# ---------------------------------------------------------------------------------------------
# Errors carry the user's numbers
# ---------------------------------------------------------------------------------------------
def test_kernel_larger_than_input_names_the_numbers():
    with pytest.raises(ShapeError, match=r"⌊\(2 \+ 0 \+ 0 − 1·\(3−1\) − 1\)/1⌋ \+ 1 = 0"):
        correlate(np.ones((2, 2)), np.ones((3, 3)))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"stride": 0}, "never advances"),
        ({"dilation": -1}, "positive integer"),
        ({"padding": -1}, "≥ 0"),
        ({"kernel_size": 0}, "positive integer"),
    ],
)
def test_invalid_parameters(options, message):
    kernel = options.pop("kernel_size", 3)
    with pytest.raises(ShapeError, match=message):
        ConvSpec.make(kernel, **options)


def test_groups_must_divide_channels():
    with pytest.raises(ShapeError, match="groups G=2"):
        correlate(np.ones((1, 3, 4, 4)), np.ones((2, 1, 2, 2)), groups=2)
