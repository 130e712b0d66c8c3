"""The convolution identities, in general form (stride, padding, dilation, groups, layouts):

* ``∂J/∂x = Cᵀ g`` with the convolution matrix C (nndl 5-7; ``symconv.conv.matrix``);
* ``∂J/∂W`` is the valid correlation of the (padded) input with δ — read at dilation s, stride d;
* ``∂J/∂X`` is the full convolution of δ dilated by s − 1 zeros with W (dilation d), cropped by
  the padding p; input rows no window reaches get zero: the last max(0, a − p) with
  a = (i + 2p − d(k − 1) − 1) mod s, and those skipped between windows when s > d(k − 1) + 1;
* the explicit-range-conditions form of ∂J/∂X equals the "full correlation with the rotated
  kernel" form and the differentiator's output (for symbolic s, p, d, G: random values);
* the transposed convolution is the gradient of the convolution;
* the generated NumPy backward equals ``symconv.conv.numeric.conv_backward``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pytest
import sympy as sp

from symconv.conv.forms import convolve, correlate, index_form_of
from symconv.conv.geometry import ConvSpec
from symconv.conv.matrix import conv_matrix
from symconv.conv.numeric import conv_backward
from symconv.conv.transposed import conv_transpose
from symconv.grad.compare import compare_index_formulas
from symconv.rules import conv_gradients, conv_rule, get_rule
from symconv.rules.conv import concrete_spec
from symconv.rules.conv_backward import (
    input_gradient,
    input_gradient_full_correlation,
    skipped_between_windows,
    trailing_unreached_count,
    unreached_input_positions,
)

S = sp.Symbol("s", integer=True, positive=True)
P = sp.Symbol("p", integer=True, nonnegative=True)
D = sp.Symbol("d", integer=True, positive=True)
G = sp.Symbol("G", integer=True, positive=True)


def ints(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    values = rng.integers(-4, 5, size=shape)
    return np.vectorize(sp.Integer, otypes=[object])(values) if shape else values


def as_list(array: Any) -> list[Any]:
    return list(sp.flatten(array.tolist())) if hasattr(array, "tolist") else list(array)


# One-channel 1-d layers without batch: (size, kernel, stride, padding, dilation).
GEOMETRIES_1D = [
    (5, 2, 1, 0, 1),
    (7, 2, 2, 1, 2),
    (7, 2, 3, 0, 1),  # s > d(k − 1) + 1: gaps between windows
    (6, 3, 2, 2, 1),
    (8, 2, 2, 0, 2),  # dilation sharing a factor with the stride: holes no window fills
    (9, 3, 4, 1, 1),
    (6, 1, 3, 0, 1),
]


@cache
def single_channel_rule(dims: int, stride: int, padding: int, dilation: int, kernel: int) -> Any:
    spec = ConvSpec.make(
        [kernel] * dims,
        dims=dims,
        stride=stride,
        padding=padding,
        dilation=dilation,
        batch=False,
        channels=False,
    )
    return conv_rule(spec)


def closed_form(rule: Any, wrt: str, tensors: dict[str, Any], sizes: dict[str, int]) -> list[Any]:
    return as_list(rule.backward_formula(wrt).evaluate(tensors, sizes))


# ---------------------------------------------------------------------------------------------
# ∂J/∂x = Cᵀ g, ∂J/∂W = correlation of x with δ, ∂J/∂X = full convolution of the dilated δ
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("size", "kernel", "stride", "padding", "dilation"), GEOMETRIES_1D)
def test_input_gradient_is_c_transpose_g(
    size: int, kernel: int, stride: int, padding: int, dilation: int
) -> None:
    rng = np.random.default_rng(size * 10 + stride)
    rule = single_channel_rule(1, stride, padding, dilation, kernel)
    out = (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1
    w, g = ints(rng, (kernel,)), ints(rng, (out,))
    C = conv_matrix((size,), list(w), stride=stride, padding=padding, dilation=dilation)
    expected = list(C.T * sp.Matrix(list(g)))
    x = ints(rng, (size,))
    got = closed_form(rule, "X", {"X": x, "W": w, "∂J/∂Z": g}, {"I": size})
    assert got == expected


def test_input_gradient_is_c_transpose_g_with_channels_groups_and_nhwc() -> None:
    rng = np.random.default_rng(3)
    for layout, weight_layout, groups in (("NCHW", "OIHW", 2), ("NHWC", "HWIO", 1)):
        spec = ConvSpec.make(
            (2, 2), dims=2, stride=2, padding=1, groups=groups, layout=layout,
            weight_layout=weight_layout, batch=False,
        )  # fmt: skip
        rule = conv_rule(spec)
        channels, outputs, size = 2, 2, (4, 3)
        x_shape = (channels, *size) if layout == "NCHW" else (*size, channels)
        w_shape = (
            (outputs, channels // groups, 2, 2)
            if weight_layout == "OIHW"
            else (2, 2, channels // groups, outputs)
        )
        x, w = ints(rng, x_shape), ints(rng, w_shape)
        C = conv_matrix(
            x_shape, sp.Array(w.tolist()), stride=2, padding=1, groups=groups, layout=layout,
            weight_layout=weight_layout,
        )  # fmt: skip
        g = ints(rng, (C.rows,)).reshape(-1)
        z_shape = rule.forward_formula.output_shape(
            rule.forward_formula.value_map({"C": channels, "M": outputs, "I_1": 4, "I_2": 3})
        )
        expected = list(C.T * sp.Matrix(list(g)))
        got = closed_form(
            rule,
            "X",
            {"X": x, "W": w, "∂J/∂Z": g.reshape(z_shape)},
            {"C": channels, "M": outputs, "I_1": 4, "I_2": 3},
        )
        assert got == expected, (layout, groups)


@pytest.mark.parametrize(("size", "kernel", "stride", "padding", "dilation"), GEOMETRIES_1D)
def test_weight_gradient_is_the_valid_correlation_of_x_with_delta(
    size: int, kernel: int, stride: int, padding: int, dilation: int
) -> None:
    """∂J/∂W[k] = Σ_j δ[j] x_p[s j + d k]: x zero-padded by p, correlated with δ read at
    dilation s, the result taken at stride d."""
    rng = np.random.default_rng(size + 7 * stride)
    rule = single_channel_rule(1, stride, padding, dilation, kernel)
    out = (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1
    x, w, g = ints(rng, (size,)), ints(rng, (kernel,)), ints(rng, (out,))
    padded = [sp.Integer(0)] * padding + list(x) + [sp.Integer(0)] * padding
    expected = list(correlate(padded, list(g), stride=dilation, dilation=stride))[:kernel]
    got = closed_form(rule, "W", {"X": x, "W": w, "∂J/∂Z": g}, {"I": size})
    assert got == expected
    if (stride, padding, dilation) == (1, 0, 1):
        assert got == list(correlate(list(x), list(g)))  # the textbook valid correlation


@pytest.mark.parametrize(("size", "kernel", "stride", "padding", "dilation"), GEOMETRIES_1D)
def test_input_gradient_is_the_full_convolution_of_the_dilated_delta(
    size: int, kernel: int, stride: int, padding: int, dilation: int
) -> None:
    """∂J/∂X = full convolution of δ dilated by s − 1 zeros with W (dilation d), cropped by p
    (padding crops), zero past the end (rows no window reaches)."""
    rng = np.random.default_rng(size + 13 * kernel)
    rule = single_channel_rule(1, stride, padding, dilation, kernel)
    out = (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1
    x, w, g = ints(rng, (size,)), ints(rng, (kernel,)), ints(rng, (out,))
    dilated = [sp.Integer(0)] * (stride * (out - 1) + 1)
    dilated[::stride] = list(g)
    full = list(convolve(dilated, list(w), mode="full", dilation=dilation))
    cropped = (full + [sp.Integer(0)] * size)[padding : padding + size]
    got = closed_form(rule, "X", {"X": x, "W": w, "∂J/∂Z": g}, {"I": size})
    assert got == cropped
    if (stride, padding, dilation) == (1, 0, 1):
        assert got == list(convolve(list(g), list(w), mode="full"))


def test_two_dimensional_identities() -> None:
    rng = np.random.default_rng(11)
    rule = get_rule("correlate2d")
    x, w, g = ints(rng, (4, 5)), ints(rng, (2, 3)), ints(rng, (3, 3))
    sizes = {"I_1": 4, "I_2": 5, "K_1": 2, "K_2": 3}
    tensors = {"X": x, "W": w, "∂J/∂Z": g}
    assert closed_form(rule, "W", tensors, sizes) == as_list(correlate(x.tolist(), g.tolist()))
    full = convolve(g.tolist(), w.tolist(), mode="full")
    assert closed_form(rule, "X", tensors, sizes) == as_list(full)


# ---------------------------------------------------------------------------------------------
# Rows no window reaches
# ---------------------------------------------------------------------------------------------
def valid_geometries() -> list[tuple[int, int, int, int, int]]:
    found = []
    for size in range(3, 10):
        for kernel in range(1, 4):
            for stride in range(1, 5):
                for padding in range(0, 3):
                    for dilation in range(1, 4):
                        extent = dilation * (kernel - 1) + 1
                        if size + 2 * padding >= extent and padding < extent:
                            found.append((size, kernel, stride, padding, dilation))
    return found


def test_unreached_rows_get_zero_gradient_and_the_formulas_count_them() -> None:
    rng = np.random.default_rng(0)
    checked_gaps = checked_trailing = 0
    for size, kernel, stride, padding, dilation in valid_geometries():
        spec = ConvSpec.make(
            kernel, dims=1, stride=stride, padding=padding, dilation=dilation,
            batch=False, channels=False,
        )  # fmt: skip
        out = spec.output_size(0, size)
        x, w = rng.standard_normal(size), rng.standard_normal(kernel) + 3.0
        dx = conv_backward(spec, x, w, rng.standard_normal(int(out)) + 3.0)[0]
        unreached = unreached_input_positions(size, kernel, stride, padding, dilation)
        zero_rows = tuple(int(u) for u in np.flatnonzero(dx == 0.0))
        assert zero_rows == unreached, (size, kernel, stride, padding, dilation)
        # the last max(0, a − p) rows
        trailing = trailing_unreached_count(size, kernel, stride, padding, dilation)
        last = size - trailing
        assert all(u in unreached for u in range(last, size))
        assert last - 1 not in unreached or last - 1 in skipped_between_windows(
            size, kernel, stride, padding, dilation
        )
        checked_trailing += trailing > 0
        # rows skipped between windows: s > d(k − 1) + 1, no dilation holes
        skipped = skipped_between_windows(size, kernel, stride, padding, dilation)
        if dilation == 1 or kernel == 1:
            extent = dilation * (kernel - 1) + 1
            gaps = {
                stride * j - padding + extent + r
                for j in range(int(out) - 1)
                for r in range(max(0, stride - extent))
            }
            assert set(skipped) == {u for u in gaps if 0 <= u < size}
            checked_gaps += bool(gaps)
        assert set(unreached) == set(skipped) | set(range(last, size))
    assert checked_gaps > 10 and checked_trailing > 10


def test_unreached_rows_are_zero_in_the_closed_form_too() -> None:
    rng = np.random.default_rng(1)
    for size, kernel, stride, padding, dilation in [(7, 2, 3, 0, 1), (8, 2, 2, 0, 2)]:
        rule = single_channel_rule(1, stride, padding, dilation, kernel)
        out = (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1
        w, g = ints(rng, (kernel,)), ints(rng, (out,))
        got = closed_form(rule, "X", {"X": ints(rng, (size,)), "W": w, "∂J/∂Z": g}, {"I": size})
        for u in unreached_input_positions(size, kernel, stride, padding, dilation):
            assert got[u] == 0


# ---------------------------------------------------------------------------------------------
# Explicit range conditions == full correlation with the rotated kernel == the differentiator
# ---------------------------------------------------------------------------------------------
SPD = {"stride": S, "padding": P, "dilation": D}
NYU_LAYOUT = {"layout": "NHWC", "weight_layout": "HWIO"}
FORM_CASES = [
    ("1-d, symbolic s, p, d", {"dims": 1, **SPD}),
    ("2-d, symbolic s, p, d", {"dims": 2, "batch": False, **SPD}),
    ("1-d groups G", {"dims": 1, "groups": G}),
    ("1-d true convolution, stride 2", {"dims": 1, "op": "convolution", "stride": 2}),
    ("2-d NHWC/HWIO, stride 2", {"dims": 2, "stride": 2, **NYU_LAYOUT}),
    ("1-d no channels, padding 2", {"dims": 1, "channels": False, "padding": 2}),
]


@pytest.mark.parametrize(("label", "options"), FORM_CASES, ids=[c[0] for c in FORM_CASES])
def test_explicit_range_form_equals_full_correlation_form(label: str, options: dict) -> None:
    from symconv.conv.forms import conv_index_form
    from symconv.rules.conv import default_cases
    from symconv.rules.proof import evaluate_backward, rational_tensors

    form = conv_index_form(**options)
    rule = conv_rule(form.spec, bias=form.b is not None)
    engine = rule.engine_derivation("X")
    explicit = input_gradient(form)
    full, definitions = input_gradient_full_correlation(form)
    # exactly, at valid sizes (M and C divisible by G), on random rational tensors
    rng = np.random.default_rng(7)
    for case in default_cases(form):
        tensors = rational_tensors(rule, case, rng)
        z_shape = rule.forward_formula.output_shape(rule.forward_formula.value_map(case))
        tensors["∂J/∂Z"] = ints(rng, z_shape)
        reference = evaluate_backward(engine.details["backward"], (), tensors, case)
        assert (evaluate_backward(explicit, (), tensors, case) == reference).all(), label
        assert (evaluate_backward(full, definitions, tensors, case) == reference).all(), label
    if form.spec.groups != 1:
        return  # the comparator draws M and G independently; a grouped layer needs G | M
    # and by the comparator, at random sizes (stride, padding, dilation drawn too)
    for candidate, extra in ((explicit, ()), (full, definitions)):
        result = compare_index_formulas(
            candidate, engine, seed=5, definitions=extra, max_size=3, time_budget=30
        )
        assert result.equal is True, (label, result.message)


def test_full_correlation_form_prints_the_rotated_kernel_and_the_dilated_delta() -> None:
    form = index_form_of(ConvSpec.make(3, dims=1, stride=2, padding=1, batch=False))
    full, (dilated, rotated) = input_gradient_full_correlation(form)
    assert str(rotated.rhs) == "W[m, n, 2 - r]"
    assert str(dilated.rhs) == "∂J/∂Z[m, floor(t/2)]*[Eq(Mod(t, 2), 0)]"
    assert str(full.rhs) == "Sum(Dtilde[m, j + r - 1]*Wrot[m, n, r], (m, 0, M - 1), (r, 0, 2))"


# ---------------------------------------------------------------------------------------------
# The transposed convolution is the gradient of the convolution
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("size", "kernel", "stride", "padding", "dilation"), GEOMETRIES_1D)
def test_transposed_convolution_is_the_input_gradient(
    size: int, kernel: int, stride: int, padding: int, dilation: int
) -> None:
    rng = np.random.default_rng(size * kernel + padding)
    rule = single_channel_rule(1, stride, padding, dilation, kernel)
    out = (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1
    w, g = ints(rng, (kernel,)), ints(rng, (out,))
    extra = (size + 2 * padding - dilation * (kernel - 1) - 1) % stride
    transposed = conv_transpose(
        list(g), list(w), stride=stride, padding=padding, dilation=dilation, output_padding=extra
    )
    got = closed_form(rule, "X", {"X": ints(rng, (size,)), "W": w, "∂J/∂Z": g}, {"I": size})
    assert got == list(transposed)


def test_the_tables_transposed_convolution_is_the_strided_convolutions_gradient() -> None:
    """conv_transpose1d's forward on (δ, W) == conv1d_strided's ∂J/∂X on (δ, W), over the rows
    the transposed output covers; the rows past it are the unreached ones (zero)."""
    transposed, strided = get_rule("conv_transpose1d"), get_rule("conv1d_strided")
    rng = np.random.default_rng(2)
    for size, kernel, s, p, d in [(7, 2, 2, 1, 2), (6, 3, 3, 0, 1), (5, 2, 1, 2, 3)]:
        out = (size + 2 * p - d * (kernel - 1) - 1) // s + 1
        w, delta = ints(rng, (2, 1, kernel)), ints(rng, (1, 2, out))
        sizes = {"s": s, "p": p, "d": d}
        forward = as_list(transposed.forward_formula.evaluate({"X": delta, "W": w}, sizes))
        gradient = strided.backward_formula("X").evaluate(
            {"X": ints(rng, (1, 1, size)), "W": w, "∂J/∂Z": delta}, {**sizes, "I": size}
        )
        gradient_list = as_list(gradient)
        assert gradient_list[: len(forward)] == forward
        assert all(v == 0 for v in gradient_list[len(forward) :])


# ---------------------------------------------------------------------------------------------
# The generated NumPy backward == symconv.conv.numeric.conv_backward
# ---------------------------------------------------------------------------------------------
NUMERIC_RULES = [
    "conv1d", "conv2d", "conv3d", "conv2d_strided", "conv1d_strided", "conv1d_grouped",
    "convolution2d", "conv2d_nhwc", "correlate2d",
]  # fmt: skip


@pytest.mark.parametrize("name", NUMERIC_RULES)
def test_generated_backward_equals_numeric_conv_backward(name: str) -> None:
    rule = get_rule(name)
    rng = np.random.default_rng(4)
    from symconv.rules.proof import float_tensors, output_shape

    conv_spec = _spec_of(name)
    for case in rule.cases:
        tensors = float_tensors(rule, case, rng)
        g = rng.standard_normal(output_shape(rule, case))
        got = rule.export(case).backward(g, **tensors)
        layer = concrete_spec(conv_spec, case)
        dx, dw, db = conv_backward(layer, tensors["X"], tensors["W"], g)
        assert np.allclose(got["X"], dx) and np.allclose(got["W"], dw)
        if "b" in got:
            assert np.allclose(got["b"], db)


def _spec_of(name: str) -> ConvSpec:
    from symconv.conv.forms import conv_index_form

    options = {
        "conv1d": {"dims": 1},
        "conv2d": {"dims": 2},
        "conv3d": {"dims": 3},
        "conv2d_strided": {"dims": 2, "stride": S, "padding": P, "dilation": D},
        "conv1d_strided": {"dims": 1, "stride": S, "padding": P, "dilation": D},
        "conv1d_grouped": {"dims": 1, "groups": G},
        "convolution2d": {"dims": 2, "op": "convolution", "stride": 2},
        "conv2d_nhwc": {"dims": 2, "layout": "NHWC", "weight_layout": "HWIO"},
        "correlate2d": {"dims": 2, "batch": False, "channels": False},
    }[name]
    return conv_index_form(**options).spec


# ---------------------------------------------------------------------------------------------
# conv_gradients: notation and the NYU answers
# ---------------------------------------------------------------------------------------------
def test_conv_gradients_bracket_notation_nyu_layout() -> None:
    grads = conv_gradients(2, layout="NHWC", weight_layout="HWIO")
    assert sorted(grads) == ["W", "X", "b"]
    assert (
        grads["W"]
        .answer_latex()
        .startswith(r"\frac{\partial J}{\partial W[k_{1}, k_{2}, n, m]} = ")
    )
    assert (
        grads["X"]
        .answer_latex()
        .startswith(r"\frac{\partial J}{\partial X[i, j_{1}, j_{2}, n]} = ")
    )
    reasons = [step.reason for step in grads["X"].steps]
    assert reasons[0].startswith("chain rule") and "Kronecker deltas fix" in reasons[2]


NYU_ANSWERS = {
    "W": "dJ/dW[k1,k2,n,m] = sum_{i,j1,j2} dJ/dZ[i,j1,j2,m] X[i,j1+k1,j2+k2,n]",
    "X": "dJ/dX[i,j1,j2,n] = sum_{k1,k2,m} dJ/dZ[i,j1-k1,j2-k2,m] W[k1,k2,n,m]",
    "b": "dJ/db[m] = sum_{i,j1,j2} dJ/dZ[i,j1,j2,m]",
}


@pytest.mark.parametrize("wrt", sorted(NYU_ANSWERS))
def test_conv_gradients_match_the_nyu_textbook_answers(wrt: str) -> None:
    derivation = conv_gradients(2, layout="NHWC", weight_layout="HWIO")[wrt]
    result = compare_index_formulas(NYU_ANSWERS[wrt], derivation, seed=3)
    assert result.equal is True, result.message


def test_conv_gradients_subscript_notation_uses_nndl_names() -> None:
    grads = conv_gradients(2, batch=False, channels=False, notation="subscript")
    assert sorted(grads) == ["W", "X"]
    assert grads["X"].answer_latex().startswith(r"\frac{\partial J}{\partial x_{i,j}} = ")
    assert "w_{u,v}" in grads["X"].answer_latex()
    assert grads["W"].notation == "subscript"


def test_conv_gradients_checks_pass() -> None:
    grads = conv_gradients(1, stride=2, padding=1, groups=2)
    for wrt, derivation in grads.items():
        report = derivation.check(np.random.default_rng(0))
        assert report.passed, (wrt, report.summary())
