"""Stencils as kernels: correlation vs convolution, explicit layouts, and the convolution matrix.

fd-stencils.md's kernel pitfall: cross-correlation (np.correlate, scipy.ndimage.correlate, torch
conv2d) applies a stencil as written; true convolution (np.convolve, scipy.ndimage.convolve)
flips it, so an odd-order derivative kernel changes sign.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.ndimage
import sympy as sp

from symconv.conv.forms import correlate
from symconv.conv.matrix import conv_matrix
from symconv.errors import ConventionError, DerivationError, UnsupportedError
from symconv.stencils.nd import box
from symconv.stencils.weights import stencil
from tests.reference_stencil import correlate_loop

h = sp.Symbol("h")
RNG = np.random.default_rng(7)


@pytest.mark.parametrize(("order", "accuracy"), [(1, 2), (1, 4), (3, 2), (3, 6)])
def test_odd_order_kernels_against_numpy_correlate_and_convolve(order: int, accuracy: int) -> None:
    s = stencil(order, accuracy)
    correlation = s.as_kernel("correlation").numpy()
    convolution = s.as_kernel("convolution").numpy()
    # Antisymmetric weights: the flipped kernel is the negated one.
    np.testing.assert_array_equal(convolution, -correlation)
    signal = RNG.standard_normal(40)
    expected = correlate_loop(signal, correlation)
    radius = len(correlation) // 2
    valid = slice(radius, len(signal) - radius)
    np.testing.assert_allclose(np.correlate(signal, correlation, "same")[valid], expected)
    np.testing.assert_allclose(np.convolve(signal, convolution, "same")[valid], expected)
    # Handing the correlation kernel to a true convolution flips the sign: the pitfall.
    np.testing.assert_allclose(np.convolve(signal, correlation, "same")[valid], -expected)


def test_kernel_derivative_of_a_sampled_function() -> None:
    # d/dx sin on a grid, through np.correlate with the stated layout (axis 0 = x increasing).
    spacing = 0.01
    grid = np.arange(0, 2, spacing)
    s = stencil(1, 4)
    kernel = s.as_kernel()
    derivative = np.correlate(np.sin(grid), kernel.scaled_numpy(spacing), "same")
    np.testing.assert_allclose(derivative[3:-3], np.cos(grid[3:-3]), atol=1e-9)


def test_forward_stencil_kernel_is_centred() -> None:
    kernel = stencil(1, 2, scheme="forward").as_kernel()
    assert list(kernel.array) == [0, 0, R(-3, 2), 2, R(-1, 2)]
    assert kernel.layout.origin == (2,)


R = sp.Rational

LAYOUTS = [
    ("ij", 0, 1, 1, 1),
    ("cartesian", 1, 0, 1, -1),
    (("y", "x"), 1, 0, 1, 1),
    (("-x", "-y"), 0, 1, -1, -1),
]


@pytest.mark.parametrize(("layout", "x_axis", "y_axis", "x_sign", "y_sign"), LAYOUTS)
@pytest.mark.parametrize("derivative", [(1, 1), (1, 0), (0, 3)])
def test_2d_kernels_against_scipy_ndimage(
    layout, x_axis: int, y_axis: int, x_sign: int, y_sign: int, derivative
) -> None:
    # Sample f on a grid laid out as the layout says (axis, direction), apply scipy's
    # correlate/convolve with our kernels, and compare with the exact derivative.
    spacing = 0.05
    s = stencil(derivative, 4)
    count = 41
    coordinates = np.arange(count) * spacing
    values = {
        "x": coordinates if x_sign > 0 else coordinates[::-1],
        "y": coordinates if y_sign > 0 else coordinates[::-1],
    }
    if x_axis == 0:
        xs, ys = np.meshgrid(values["x"], values["y"], indexing="ij")
    else:
        ys, xs = np.meshgrid(values["y"], values["x"], indexing="ij")
    sample = np.sin(xs + 0.3) * np.exp(0.5 * ys)
    dx, dy = derivative
    exact = np.sin(xs + 0.3 + dx * np.pi / 2) * 0.5**dy * np.exp(0.5 * ys)
    scale = spacing ** (-(dx + dy))
    correlated = scale * scipy.ndimage.correlate(
        sample, s.as_kernel("correlation", layout).numpy(), mode="constant"
    )
    convolved = scale * scipy.ndimage.convolve(
        sample, s.as_kernel("convolution", layout).numpy(), mode="constant"
    )
    inner = (slice(4, -4), slice(4, -4))
    np.testing.assert_allclose(correlated[inner], exact[inner], atol=1e-4)
    np.testing.assert_allclose(convolved[inner], exact[inner], atol=1e-4)


def test_layout_is_stated_in_the_object_and_its_latex() -> None:
    kernel = stencil((1, 1)).as_kernel(layout="cartesian")
    assert kernel.layout.axes == ("-y", "x")
    assert "axis 0 = y (offset +1 at the top, decreasing downward)" in kernel.layout.describe()
    text = kernel.latex()
    assert r"\begin{bmatrix}" in text and "axis 0 = y" in text and "correlation" in text
    # fd-e in the ij layout: row = x offset (−1 at the top), column = y offset (−1 at the left).
    assert stencil((1, 1)).as_kernel().array[0, 0] == R(1, 4)


def test_kernel_errors() -> None:
    with pytest.raises(ConventionError):
        stencil(2).as_kernel("conv")
    with pytest.raises(ConventionError):
        stencil(2, dims=2).as_kernel(layout=("x", "x"))
    with pytest.raises(ConventionError):
        stencil(2).as_kernel(layout="cartesian")
    with pytest.raises(DerivationError, match="free parameters"):
        stencil(2, offsets=box(1, 2)).as_kernel().numpy()
    with pytest.raises(UnsupportedError):
        stencil(2, offsets=[-sp.Symbol("h_m"), 0, sp.Symbol("h_p")]).as_kernel()


@pytest.mark.parametrize("mode", ["same", "valid"])
@pytest.mark.parametrize(("derivative", "accuracy"), [(2, 2), (1, 4), (3, 2)])
def test_differentiation_matrix_is_the_convolution_matrix(
    mode: str, derivative: int, accuracy: int
) -> None:
    s = stencil(derivative, accuracy)
    kernel = s.as_kernel()
    size = 9
    expected = kernel.scale * conv_matrix((size,), kernel.array, mode=mode)
    assert s.differentiation_matrix(size, mode) == expected
    # ... and the same through the convolution's own explicit form on entry symbols.
    values = sp.symbols(f"x0:{size}")
    applied = correlate(sp.Array(values), kernel.array, mode=mode)
    direct = s.differentiation_matrix(size, mode) * sp.Matrix(values)
    assert [sp.expand(kernel.scale * v) for v in applied] == [sp.expand(v) for v in direct]


def test_2d_differentiation_matrix_is_the_convolution_matrix() -> None:
    s = stencil(2, offsets=box(1, 2)).member("isotropic")
    kernel = s.as_kernel()
    expected = kernel.scale * conv_matrix((5, 4), kernel.array, mode="same")
    assert s.differentiation_matrix((5, 4), "same") == expected


def test_numeric_twin_matches_conv_forward() -> None:
    from symconv.conv.geometry import ConvSpec
    from symconv.conv.numeric import conv_forward

    s = stencil(2, 4, dims=2)
    kernel = s.as_kernel()
    grid = RNG.standard_normal((12, 11))
    spec = ConvSpec.make([5, 5], dims=2, batch=False, channels=False)
    np.testing.assert_allclose(
        conv_forward(spec, grid, kernel.numpy()), correlate_loop(grid, kernel.numpy())
    )
    report = s.check()
    assert report.passed, report.summary()
