"""The convolution matrix C (vec(z) = C vec(x)) and the transposed convolution (y ↦ Cᵀ y).

Checked three ways: exactly (C·vec(x) against the explicit forward pass, and C against the
Jacobian by sympy.diff), numerically against the loop references of tests/reference_convmatrix.py,
SciPy and PyTorch, and through identities (transpose = Cᵀ, convolution = correlation with the
flipped kernel, column-major vec = permuted row-major, sparse numeric = symbolic at numbers).

Sources: nndl (Qiu Xipeng, "Neural Networks and Deep Learning"), exercise 5-5 and eq. 5.45;
Dumoulin & Visin (2016), "A guide to convolution arithmetic for deep learning", arXiv:1603.07285,
§4.1 (the 4×16 matrix) and relationship 14 (output_padding); PyTorch ConvTranspose semantics.
"""

from __future__ import annotations

from itertools import product
from typing import Any

import numpy as np
import pytest
import scipy.signal
import sympy as sp

from symconv.conv.forms import explicit_forward
from symconv.conv.geometry import ConvSpec
from symconv.conv.matrix import (
    conv_bias_vector,
    conv_matrix,
    conv_matrix_derivation,
    conv_matrix_geometry,
    conv_matrix_sparse,
    immutable_sparse,
)
from symconv.conv.transposed import conv_transpose, transpose_output_padding
from symconv.core.tensors import entries
from symconv.errors import ConventionError, ShapeError
from tests.reference_convmatrix import (
    conv_matrix_loops,
    conv_transpose_loops,
    correlate_loops,
)

try:
    import torch
except ImportError:  # pragma: no cover - torch is an optional dev dependency
    torch = None

needs_torch = pytest.mark.skipif(
    torch is None, reason="PyTorch is not installed (pip install torch==2.13.0)"
)


def vec(tensor: Any, order: str = "C") -> sp.Matrix:
    """vec of a SymPy tensor as a column (row-major by default)."""
    array = np.array(sp.Array(tensor).tolist(), dtype=object)
    return sp.Matrix(array.ravel(order=order).tolist())


def w_symbols(*names: str) -> list[sp.Symbol]:
    return [sp.Symbol(name) for name in names]


# ---------------------------------------------------------------------------------------------
# The textbook matrices, entry by entry
# ---------------------------------------------------------------------------------------------
def test_nndl_5_5_the_4x9_matrix_of_a_3x3_input_and_a_2x2_kernel():
    w11, w12, w21, w22 = w_symbols("w_{11}", "w_{12}", "w_{21}", "w_{22}")
    expected = sp.Matrix(
        [
            [w11, w12, 0, w21, w22, 0, 0, 0, 0],
            [0, w11, w12, 0, w21, w22, 0, 0, 0],
            [0, 0, 0, w11, w12, 0, w21, w22, 0],
            [0, 0, 0, 0, w11, w12, 0, w21, w22],
        ]
    )
    C = conv_matrix((3, 3), (2, 2))
    assert isinstance(C, sp.ImmutableSparseMatrix)
    assert expected == C


def test_nndl_eq_5_45_the_1d_example():
    w1, w2, w3 = w_symbols("w_{1}", "w_{2}", "w_{3}")
    expected = sp.Matrix([[w1, w2, w3, 0, 0], [0, w1, w2, w3, 0], [0, 0, w1, w2, w3]])
    assert conv_matrix((5,), (3,)) == expected


def test_dumoulin_visin_the_4x16_matrix_with_0_based_names():
    C = conv_matrix((4, 4), (3, 3), base=0)
    names = ["w_{00}", "w_{01}", "w_{02}", "w_{10}", "w_{11}", "w_{12}", "w_{20}", "w_{21}"]
    w = {name: sp.Symbol(name) for name in [*names, "w_{22}"]}
    row0 = [w["w_{00}"], w["w_{01}"], w["w_{02}"], 0, w["w_{10}"], w["w_{11}"], w["w_{12}"], 0]
    row0 += [w["w_{20}"], w["w_{21}"], w["w_{22}"], 0, 0, 0, 0, 0]
    assert C.shape == (4, 16)
    assert list(C.row(0)) == row0
    # Row r uses the columns {0,1,2,4,5,6,8,9,10} shifted by {0,1,4,5}[r], in kernel order.
    base_columns = [0, 1, 2, 4, 5, 6, 8, 9, 10]
    kernel_order = [w[f"w_{{{a}{b}}}"] for a in range(3) for b in range(3)]
    for r, shift in enumerate([0, 1, 4, 5]):
        used = {c + shift for c in base_columns}
        assert [C[r, c] for c in sorted(used)] == kernel_order
        assert all(C[r, c] == 0 for c in range(16) if c not in used)


def test_numbers_as_kernel_give_an_integer_matrix():
    C = conv_matrix((3,), [1, -1], mode="full", op="convolution")
    assert sp.Matrix([[1, 0, 0], [-1, 1, 0], [0, -1, 1], [0, 0, -1]]) == C
    assert all(isinstance(v, sp.Integer) for v in C.values())


# ---------------------------------------------------------------------------------------------
# The option grid, exactly: C vec(x) == vec(explicit forward)
# ---------------------------------------------------------------------------------------------
ASYMMETRIC = {1: ((1, 2),), 2: ((1, 0), (0, 2)), 3: ((1, 0), (0, 1), (2, 1))}
PADDINGS = ("valid", "pad1", "asymmetric", "same", "full")


def layer_options(padding: str, dims: int) -> dict[str, Any]:
    """symconv's options for a padding case of the grid."""
    if padding in ("valid", "same", "full"):
        return {"mode": padding}
    return {"padding": 1 if padding == "pad1" else ASYMMETRIC[dims]}


def reference_padding(
    padding: str, kernel: tuple[int, ...], dilation: int, same_extra: str = "end"
) -> tuple[tuple[int, int], ...]:
    """The (before, after) pairs of a padding case, from the definitions of the modes."""
    pairs = []
    for k in kernel:
        total = dilation * (k - 1)
        if padding == "valid":
            pairs.append((0, 0))
        elif padding == "pad1":
            pairs.append((1, 1))
        elif padding == "full":
            pairs.append((total, total))
        elif padding == "same":
            small, large = total // 2, total - total // 2
            pairs.append((small, large) if same_extra == "end" else (large, small))
    return tuple(pairs) if padding != "asymmetric" else ASYMMETRIC[len(kernel)]


def grid(dims_cases: list[int]) -> list[tuple[Any, ...]]:
    return [
        (dims, op, padding, stride, dilation, groups, layout)
        for dims, op, padding, stride, dilation, groups, layout in product(
            dims_cases,
            ("correlation", "convolution"),
            PADDINGS,
            (1, 2),
            (1, 2),
            (1, 2),
            ("NCHW", "NHWC"),
        )
        if not (padding == "same" and stride != 1)
    ]


SPATIAL = {1: (7,), 2: (6, 5), 3: (4, 3, 5)}
KERNEL = {1: (3,), 2: (2, 3), 3: (2, 2, 3)}
EXACT_GRID = grid([1, 2]) + [
    case
    for case in grid([3])
    if case[4] == 1 and case[6] == "NCHW" and case[2] in ("asymmetric", "same")
]


def channel_shapes(dims: int, groups: int, layout: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """x with 2 channels, w with 2 outputs of 2/groups inputs each (OIHW)."""
    spatial, kernel = SPATIAL[dims], KERNEL[dims]
    input_shape = (2, *spatial) if layout == "NCHW" else (*spatial, 2)
    return input_shape, (2, 2 // groups, *kernel)


@pytest.mark.parametrize(
    ("dims", "op", "padding", "stride", "dilation", "groups", "layout"), EXACT_GRID
)
def test_matrix_times_vec_x_equals_the_explicit_forward_pass(
    dims, op, padding, stride, dilation, groups, layout
):
    input_shape, kernel_shape = channel_shapes(dims, groups, layout)
    options = {
        "stride": stride,
        "dilation": dilation,
        "groups": groups,
        "op": op,
        "layout": layout,
        **layer_options(padding, dims),
    }
    C = conv_matrix(input_shape, kernel_shape, **options)
    x, w = entries("x", input_shape), entries("w", kernel_shape)
    spec = ConvSpec.make(KERNEL[dims], dims=dims, batch=False, **options)
    z = explicit_forward(spec, x, w)
    assert C.shape == (len(sp.flatten(z)), len(sp.flatten(x)))
    assert (C * vec(x) - vec(z)).expand() == sp.zeros(C.rows, 1)


@pytest.mark.parametrize("dims", [1, 2, 3])
@pytest.mark.parametrize("padding", ["valid", "same", "asymmetric"])
def test_without_channels_the_matrix_times_vec_x_is_the_explicit_forward_pass(dims, padding):
    spatial, kernel = SPATIAL[dims], KERNEL[dims]
    options = layer_options(padding, dims)
    C = conv_matrix(spatial, kernel, stride=2 if padding == "valid" else 1, **options)
    x, w = entries("x", spatial), entries("w", kernel)
    spec = ConvSpec.make(
        kernel,
        dims=dims,
        batch=False,
        channels=False,
        stride=2 if padding == "valid" else 1,
        **options,
    )
    z = explicit_forward(spec, x, w)
    assert (C * vec(x) - vec(z)).expand() == sp.zeros(C.rows, 1)


def test_the_matrix_is_the_jacobian_of_the_explicit_forward_pass():
    """C = ∂vec(z)/∂vec(x) by sympy.diff, at a small size with every option at once."""
    options = {"stride": 2, "padding": ((1, 0), (0, 1)), "dilation": (1, 2), "groups": 2}
    input_shape, kernel_shape = (2, 5, 5), (4, 1, 2, 2)
    x, w = entries("x", input_shape), entries("w", kernel_shape)
    spec = ConvSpec.make((2, 2), batch=False, **options)
    z = vec(explicit_forward(spec, x, w))
    jacobian = z.jacobian(vec(x))
    assert conv_matrix(input_shape, kernel_shape, **options) == jacobian


def test_bias_vector_completes_the_affine_map():
    options = {"padding": 1, "layout": "NHWC", "groups": 2}
    input_shape, kernel_shape = (3, 2, 2), (4, 1, 2, 2)
    x, w, b = entries("x", input_shape), entries("w", kernel_shape), entries("b", (4,))
    C = conv_matrix(input_shape, kernel_shape, **options)
    b_tilde = conv_bias_vector(input_shape, kernel_shape, True, **options)
    spec = ConvSpec.make((2, 2), batch=False, **options)
    z = explicit_forward(spec, x, w, b)
    assert (C * vec(x) + b_tilde - vec(z)).expand() == sp.zeros(C.rows, 1)


# ---------------------------------------------------------------------------------------------
# The option grid, numerically, against the loop references
# ---------------------------------------------------------------------------------------------
def nhwc_permutation(shape_chw: tuple[int, ...]) -> np.ndarray:
    """For each position of vec(x in NHWC), the position of the same entry in vec(x in NCHW)."""
    return np.moveaxis(np.arange(int(np.prod(shape_chw))).reshape(shape_chw), 0, -1).ravel()


NUMERIC_GRID = grid([1, 2]) + [case for case in grid([3]) if case[3] == 1 and case[5] == 1]


@pytest.mark.parametrize(
    ("dims", "op", "padding", "stride", "dilation", "groups", "layout"), NUMERIC_GRID
)
def test_sparse_matrix_matches_the_loop_reference(
    dims, op, padding, stride, dilation, groups, layout
):
    rng = np.random.default_rng(7)
    input_shape, kernel_shape = channel_shapes(dims, groups, layout)
    w = rng.standard_normal(kernel_shape)
    options = {
        "stride": stride,
        "dilation": dilation,
        "groups": groups,
        "op": op,
        "layout": layout,
        **layer_options(padding, dims),
    }
    C = conv_matrix_sparse(input_shape, w, **options)
    shape_chw = (2, *SPATIAL[dims])
    loops = dict(
        stride=(stride,) * dims,
        padding=reference_padding(padding, KERNEL[dims], dilation),
        dilation=(dilation,) * dims,
        groups=groups,
        flip=op == "convolution",
    )
    expected = conv_matrix_loops(shape_chw, w, **loops)
    if layout == "NHWC":
        z_shape = correlate_loops(np.zeros(shape_chw), w, **loops).shape
        expected = expected[nhwc_permutation(z_shape)][:, nhwc_permutation(shape_chw)]
    np.testing.assert_allclose(C.toarray(), expected, rtol=0, atol=1e-14)
    # and the product is the layer itself
    x = rng.standard_normal(shape_chw)
    z = correlate_loops(x, w, **loops)
    x_in = x if layout == "NCHW" else np.moveaxis(x, 0, -1)
    z_in = z if layout == "NCHW" else np.moveaxis(z, 0, -1)
    np.testing.assert_allclose(C @ x_in.ravel(), z_in.ravel(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("weight_layout", ["OIHW", "HWIO"])
def test_weight_layout_hwio_reads_the_same_weights(weight_layout):
    rng = np.random.default_rng(3)
    w_oihw = rng.standard_normal((4, 1, 3, 2))
    w = w_oihw if weight_layout == "OIHW" else np.transpose(w_oihw, (2, 3, 1, 0))
    C = conv_matrix_sparse((2, 5, 4), w, groups=2, weight_layout=weight_layout)
    expected = conv_matrix_loops(
        (2, 5, 4), w_oihw, stride=(1, 1), padding=((0, 0),) * 2, dilation=(1, 1), groups=2
    )
    np.testing.assert_array_equal(C.toarray(), expected)


# ---------------------------------------------------------------------------------------------
# Identities
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("input_shape", "kernel_shape", "options"),
    [
        ((4, 5), (2, 3), {}),
        ((2, 4, 4), (2, 1, 3, 2), {"groups": 2, "stride": 2, "padding": 1}),
        ((6,), (3,), {"dilation": 2, "mode": "full"}),
        ((3, 3, 4), (2, 2, 2), {"mode": "same"}),
    ],
)
def test_convolution_is_correlation_with_the_flipped_kernel(input_shape, kernel_shape, options):
    w = np.array(sp.flatten(entries("w", kernel_shape)), dtype=object).reshape(kernel_shape)
    has_channels = len(kernel_shape) > len(input_shape)
    spatial_axes = tuple(range(2 if has_channels else 0, len(kernel_shape)))
    flipped = np.flip(w, axis=spatial_axes)
    convolution = conv_matrix(input_shape, sp.Array(w.tolist()), op="convolution", **options)
    correlation = conv_matrix(input_shape, sp.Array(flipped.tolist()), **options)
    assert convolution == correlation


def permutation_matrix(shape: tuple[int, ...]) -> sp.SparseMatrix:
    """P with vec_F(t) = P vec_C(t)."""
    source = np.arange(int(np.prod(shape))).reshape(shape).ravel(order="F")
    size = len(source)
    return sp.SparseMatrix(size, size, {(r, int(c)): 1 for r, c in enumerate(source)})


@pytest.mark.parametrize(
    ("input_shape", "kernel_shape", "options"),
    [
        ((3, 4), (2, 2), {}),
        ((2, 4, 3), (3, 2, 2, 2), {"padding": 1}),
        ((4, 3, 2), (2, 2, 2, 2), {"layout": "NHWC", "stride": 2}),
        ((3, 3, 4), (2, 2, 3), {}),
    ],
)
def test_column_major_vec_is_the_permuted_row_major_matrix(input_shape, kernel_shape, options):
    C = conv_matrix(input_shape, kernel_shape, **options)
    C_F = conv_matrix(input_shape, kernel_shape, vec_order="F", **options)
    output_shape = conv_matrix_geometry(input_shape, kernel_shape, **options).output_shape
    P_z, P_x = permutation_matrix(output_shape), permutation_matrix(input_shape)
    assert P_z * C * P_x.T == C_F


def test_sparse_numeric_equals_the_symbolic_matrix_at_numbers():
    rng = np.random.default_rng(11)
    options = {"stride": (2, 1), "padding": ((0, 1), (2, 0)), "dilation": 2, "groups": 2}
    input_shape, kernel_shape = (4, 6, 7), (2, 2, 2, 3)
    symbolic = conv_matrix(input_shape, kernel_shape, **options)
    weights = rng.integers(-9, 10, kernel_shape)
    names = entries("w", kernel_shape)
    values = {s: int(v) for s, v in zip(sp.flatten(names), weights.ravel(), strict=True)}
    substituted = np.array(symbolic.xreplace(values).tolist(), dtype=np.int64)
    numeric = conv_matrix_sparse(input_shape, weights, **options)
    np.testing.assert_array_equal(numeric.toarray(), substituted)
    assert numeric.nnz == np.count_nonzero(substituted)


@pytest.mark.parametrize(
    ("mode", "same_extra", "kernel_shape"),
    [("valid", "end", (3, 3)), ("full", "end", (2, 3)), ("same", "start", (2, 4))],
)
def test_sparse_matrix_against_scipy_signal_correlate(mode, same_extra, kernel_shape):
    """scipy.signal.correlate puts the odd extra 'same' zero at the start."""
    rng = np.random.default_rng(5)
    x, w = rng.standard_normal((6, 7)), rng.standard_normal(kernel_shape)
    C = conv_matrix_sparse(x.shape, w, mode=mode, same_extra=same_extra)
    expected = scipy.signal.correlate(x, w, mode=mode)
    np.testing.assert_allclose(C @ x.ravel(), expected.ravel(), rtol=1e-12, atol=1e-12)


def test_same_mode_with_even_kernel_against_scipy_correlate2d():
    """scipy.signal.correlate2d (like PyTorch) puts the extra 'same' zero at the end."""
    rng = np.random.default_rng(6)
    x, w = rng.standard_normal((5, 6)), rng.standard_normal((2, 4))
    C = conv_matrix_sparse(x.shape, w, mode="same")
    expected = scipy.signal.correlate2d(x, w, mode="same")
    np.testing.assert_allclose(C @ x.ravel(), expected.ravel(), rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------------------------------------
# Transposed convolution = multiplication by Cᵀ
# ---------------------------------------------------------------------------------------------
CONV_ARITH_TRANSPOSES = [(4, 3, 1, 0, 0), (4, 3, 2, 1, 1), (4, 3, 2, 0, 1), (5, 3, 2, 0, 0)]


@pytest.mark.parametrize(("i", "k", "s", "p", "a"), CONV_ARITH_TRANSPOSES)
def test_conv_arith_transpose_is_multiplication_by_c_transposed(i, k, s, p, a):
    assert transpose_output_padding(i, k, stride=s, padding=p) == a
    C = conv_matrix((i, i), (k, k), stride=s, padding=p, base=0)
    o = (i + 2 * p - k) // s + 1
    y, w = entries("y", (o, o), base=0), entries("w", (k, k), base=0)
    x_hat = conv_transpose(y, w, stride=s, padding=p, output_padding=a)
    assert isinstance(x_hat, sp.MatrixBase)
    assert x_hat.shape == (i, i)
    assert (vec(x_hat) - C.T * vec(y)).expand() == sp.zeros(i * i, 1)


def test_without_output_padding_the_stride_2_transpose_is_3x3_not_4x4():
    y, w = entries("y", (2, 2)), entries("w", (3, 3))
    assert conv_transpose(y, w, stride=2, padding=1).shape == (3, 3)
    assert conv_transpose(y, w, stride=2, padding=1, output_padding=1).shape == (4, 4)


TRANSPOSE_GRID = [
    (dims, stride, padding, dilation, groups)
    for dims, stride, padding, dilation, groups in product(
        (1, 2), (1, 2, 3), (0, 1, 2), (1, 2), (1, 2)
    )
]


def transposed_case(dims, stride, padding, dilation, groups, rng):
    spatial = {1: (7,), 2: (6, 5)}[dims]
    kernel = {1: (3,), 2: (3, 2)}[dims]
    x_shape = (2, *spatial)
    w = rng.standard_normal((4, 2 // groups, *kernel))
    extra = tuple(
        transpose_output_padding(size, k, stride, padding, dilation)
        for size, k in zip(spatial, kernel, strict=True)
    )
    options = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    C = conv_matrix_sparse(x_shape, w, **options)
    z_shape = conv_matrix_geometry(x_shape, w.shape, **options).output_shape
    y = rng.standard_normal(z_shape)
    return x_shape, w, extra, options, C, y


@pytest.mark.parametrize(("dims", "stride", "padding", "dilation", "groups"), TRANSPOSE_GRID)
def test_numeric_transpose_is_c_transposed_and_the_scatter_loops(
    dims, stride, padding, dilation, groups
):
    rng = np.random.default_rng(13)
    x_shape, w, extra, options, C, y = transposed_case(dims, stride, padding, dilation, groups, rng)
    got = conv_transpose(y, w, output_padding=extra, **options)
    assert got.shape == x_shape  # output_padding recovers the input size
    np.testing.assert_allclose(got.ravel(), C.T @ y.ravel(), rtol=1e-12, atol=1e-12)
    loops = conv_transpose_loops(
        y,
        w,
        stride=(stride,) * dims,
        padding=(padding,) * dims,
        output_padding=extra,
        dilation=(dilation,) * dims,
        groups=groups,
    )
    np.testing.assert_allclose(got, loops, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "options",
    [
        {"layout": "NHWC", "stride": 2},
        {"op": "convolution", "padding": ((1, 0), (2, 1)), "dilation": 2},
        {"weight_layout": "HWIO", "groups": 2, "stride": (2, 1)},
    ],
)
def test_transpose_is_c_transposed_in_every_layout_and_op(options):
    rng = np.random.default_rng(17)
    x_shape = (7, 6, 2) if options.get("layout") == "NHWC" else (2, 7, 6)
    per_group = 2 // options.get("groups", 1)
    # a 3×2 kernel, 2 input channels, 4 output channels, in the weight layout's axis order
    w_shape = (
        (3, 2, per_group, 4) if options.get("weight_layout") == "HWIO" else (4, per_group, 3, 2)
    )
    w = rng.standard_normal(w_shape)
    geometry = conv_matrix_geometry(x_shape, w_shape, **options)
    C = conv_matrix_sparse(x_shape, w, **options)
    y = rng.standard_normal(geometry.output_shape)
    spec = geometry.spec
    extra = tuple(
        transpose_output_padding(size, int(k), int(s), (int(pb), int(pa)), int(d))
        for size, k, s, (pb, pa), d in zip(
            [7, 6], spec.kernel_size, spec.stride, spec.padding, spec.dilation, strict=True
        )
    )
    got = conv_transpose(y, w, output_padding=extra, **options)
    assert got.shape == x_shape
    np.testing.assert_allclose(got.ravel(), C.T @ y.ravel(), rtol=1e-12, atol=1e-12)


def test_batched_transpose_treats_every_sample_alike():
    rng = np.random.default_rng(19)
    y, w = rng.standard_normal((3, 2, 4, 4)), rng.standard_normal((2, 1, 3, 3))
    batched = conv_transpose(y, w, stride=2, padding=1, output_padding=1)
    for sample in range(3):
        single = conv_transpose(y[sample], w, stride=2, padding=1, output_padding=1)
        np.testing.assert_allclose(batched[sample], single, rtol=1e-14)


def test_exact_transpose_with_channels_and_bias():
    y, w, b = entries("y", (2, 2, 2)), entries("w", (2, 1, 2, 2)), entries("b", (2,))
    got = conv_transpose(y, w, b, stride=2, groups=2)
    C = conv_matrix((2, 4, 4), (2, 1, 2, 2), stride=2, groups=2)
    b_tilde = sp.Matrix([b[0]] * 16 + [b[1]] * 16)
    assert (vec(got) - C.T * vec(y) - b_tilde).expand() == sp.zeros(32, 1)


@needs_torch
@pytest.mark.parametrize(("i", "k", "s", "p", "a"), CONV_ARITH_TRANSPOSES)
def test_conv_arith_transposes_against_torch(i, k, s, p, a):
    rng = np.random.default_rng(23)
    o = (i + 2 * p - k) // s + 1
    y, w = rng.standard_normal((o, o)), rng.standard_normal((k, k))
    expected = torch.nn.functional.conv_transpose2d(
        torch.tensor(y)[None, None],
        torch.tensor(w)[None, None],
        stride=s,
        padding=p,
        output_padding=a,
    )[0, 0].numpy()
    assert expected.shape == (i, i)
    got = conv_transpose(y, w, stride=s, padding=p, output_padding=a)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    C = conv_matrix_sparse((i, i), w, stride=s, padding=p)
    np.testing.assert_allclose(C.T @ y.ravel(), expected.ravel(), rtol=1e-12, atol=1e-12)


@needs_torch
@pytest.mark.parametrize(("dims", "stride", "padding", "dilation", "groups"), TRANSPOSE_GRID)
def test_transpose_grid_against_torch(dims, stride, padding, dilation, groups):
    rng = np.random.default_rng(29)
    _, w, extra, options, _, y = transposed_case(dims, stride, padding, dilation, groups, rng)
    function = {1: torch.nn.functional.conv_transpose1d, 2: torch.nn.functional.conv_transpose2d}
    expected = function[dims](
        torch.tensor(y)[None], torch.tensor(w), output_padding=extra, **options
    )[0].numpy()
    got = conv_transpose(y, w, output_padding=extra, **options)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------------------------------------
# The derivation
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("input_shape", "kernel", "bias", "options"),
    [
        ((3, 3), (2, 2), None, {}),
        ((5,), (3,), True, {"vec_order": "F"}),
        ((2, 3, 3), (2, 1, 2, 2), True, {"groups": 2, "padding": 1, "op": "convolution"}),
        ((3, 4, 2), (2, 2, 2, 2), [1, 2], {"layout": "NHWC", "vec_order": "F", "stride": 2}),
    ],
)
def test_derivation_checks_itself_and_states_its_conventions(input_shape, kernel, bias, options):
    d = conv_matrix_derivation(input_shape, kernel, bias, **options)
    report = d.check()
    assert report.passed, report.summary()
    assert len(report.results) == 3
    assert d.answer == conv_matrix(input_shape, kernel, **options)
    order = "column-major" if options.get("vec_order") == "F" else "row-major"
    assert any(order in text for text in d.conventions)
    assert any("1-based" in text for text in d.conventions)
    assert d.to_json()["answer_srepr"].startswith("ImmutableDenseMatrix(")
    assert r"\begin{bmatrix}" in d.latex()


def test_derivation_of_nndl_5_5_shows_the_product():
    d = conv_matrix_derivation((3, 3), (2, 2))
    x11, x12, x21, x22 = w_symbols("x_{11}", "x_{12}", "x_{21}", "x_{22}")
    w11, w12, w21, w22 = w_symbols("w_{11}", "w_{12}", "w_{21}", "w_{22}")
    assert d.steps[-1].rhs[0] == w11 * x11 + w12 * x12 + w21 * x21 + w22 * x22
    rule = d.steps[1].rhs
    assert isinstance(rule, sp.Sum)
    assert any(isinstance(f, sp.KroneckerDelta) for f in rule.function.args)


def test_exactness_check_detects_a_wrong_matrix():
    from symconv.conv.matrix import _exactness_check

    geometry = conv_matrix_derivation((3,), (2,)).details["geometry"]
    flipped = conv_matrix((3,), (2,), op="convolution")  # the wrong convention
    check = _exactness_check(geometry, entries("w", (2,)), flipped, entries("x", (3,)))
    result = check(np.random.default_rng(0))
    assert not result.passed
    assert "C·vec(x) − z" in result.detail


# ---------------------------------------------------------------------------------------------
# The fast sparse constructor is SymPy's own object
# ---------------------------------------------------------------------------------------------
a, b = sp.symbols("a b")


@pytest.mark.parametrize(
    "values",
    [
        [a, b, sp.Integer(3)],
        [sp.Integer(1), sp.Integer(0), sp.Integer(-2)],
        [sp.Rational(1, 2), sp.Integer(4), sp.Integer(0)],
        [a * b + 1, sp.sqrt(2), -a, sp.Rational(-3, 4)],
        [sp.Integer(0)],
    ],
)
def test_fast_sparse_constructor_equals_sympys(values):
    rng = np.random.default_rng(len(values))
    cells = rng.permutation(30)[:12]
    rows, cols = cells // 6, cells % 6
    index = rng.integers(0, len(values), 12)
    fast = immutable_sparse(5, 6, rows, cols, values, index)
    slow = sp.ImmutableSparseMatrix(
        5,
        6,
        {(int(r), int(c)): values[i] for r, c, i in zip(rows, cols, index, strict=True)},
    )
    assert fast.args == slow.args
    assert hash(fast) == hash(slow)
    assert sp.srepr(fast) == sp.srepr(slow)
    assert fast._rep == slow._rep and fast._rep.domain == slow._rep.domain
    assert fast == slow and fast.T == slow.T


# ---------------------------------------------------------------------------------------------
# Errors carry the input and the numbers that disagree
# ---------------------------------------------------------------------------------------------
def test_kernel_rank_that_fits_no_layout_is_a_shape_error():
    with pytest.raises(ShapeError, match=r"input_shape \(3, 3\).*kernel of shape \(2, 2, 2, 2\)"):
        conv_matrix((3, 3), (2, 2, 2, 2))


def test_channel_mismatch_names_every_count():
    with pytest.raises(ShapeError, match=r"C=3.*M=2.*C/G=2.*G=1"):
        conv_matrix((3, 4, 4), (2, 2, 3, 3))


def test_kernel_larger_than_the_input_shows_the_output_size_formula():
    with pytest.raises(ShapeError, match=r"⌊\(2 \+ 0 \+ 0 − 1·\(3−1\) − 1\)/1⌋ \+ 1 = 0"):
        conv_matrix((2, 5), (3, 3))


def test_unknown_vec_order_is_a_convention_error():
    with pytest.raises(ConventionError, match="vec_order='K'"):
        conv_matrix((3, 3), (2, 2), vec_order="K")


def test_sparse_numeric_matrix_refuses_symbols():
    with pytest.raises(ShapeError, match="use conv_matrix for symbolic entries"):
        conv_matrix_sparse((3, 3), entries("w", (2, 2)))


def test_output_padding_must_be_smaller_than_stride_or_dilation():
    with pytest.raises(ShapeError, match=r"output_padding=2 on axis 0.*max\(2, 1\)"):
        conv_transpose(np.ones((3, 3)), np.ones((3, 3)), stride=2, output_padding=2)


@pytest.mark.parametrize(
    "call",
    [
        lambda: conv_matrix((3, 3), [["w1", "w2"], ["w3", "w4"]]),
        lambda: conv_matrix_sparse((3, 3), np.array([["1", "2"], ["3", "4"]])),
        lambda: conv_bias_vector((2, 3), (2, 2, 2), ["b1", "b2"]),
        lambda: conv_transpose([1, 2], ["w", 1, 2]),
    ],
)
def test_text_entries_are_refused_never_parsed(call):
    with pytest.raises(ShapeError, match="contains the text"):
        call()
