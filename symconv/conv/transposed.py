"""Transposed convolution: the map ``y ↦ Cᵀ y`` of a convolution layer, as PyTorch computes it.

The forward layer (stride s, dilation d, padding ``(p_before, p_after)``, groups G, weights
``W[m, n, k]`` mapping C → M channels) reads input position ``s·j + d·k − p_before`` for output j
and tap k. Its transpose scatters instead of gathering (Dumoulin & Visin 2016, §4, relationship 14;
PyTorch ``ConvTranspose2d``):

    x̂[g·C/G + n, i] = Σ_{m in group g} Σ_{j, k : s·j + d·k − p_before = i} W[m, n, k] · y[m, j]

which is multiplication by ``Cᵀ`` (nndl eq. 5.45; JAX's "convolution transpose rules"). Written as
a *direct* correlation it is the "fractionally strided" form: stretch y with ``s − 1`` zeros
between neighbours (``ỹ[s·j] = y[j]``), pad ``d(K−1) − p_before`` zeros before and
``d(K−1) − p_after + a`` after (a negative amount crops), and correlate, stride 1 and dilation d,
with the kernel flipped and its channel axes swapped, ``W'[g·C/G + n, m', K−1−k] = W[g·M/G + m',
n, k]``. Substituting ``i = t − d(K−1) + p_before`` and ``k' = K−1−k`` shows the two forms agree
term by term; the output size is

    o' = s(i' − 1) − p_before − p_after + d(K − 1) + a + 1,

where ``output_padding`` ``a = (i + p_before + p_after − d(K−1) − 1) mod s`` recovers the forward
input size i that a stride ``s > 1`` makes ambiguous (see :func:`transpose_output_padding`).
Here the direct form is what is computed, so that ``conv_transpose(y) == Cᵀ y`` is an identity
between two independent constructions (tests/conv/test_convmatrix.py).

    >>> conv_transpose([1, 2], [1, 10, 100])
    [1, 12, 120, 200]
    >>> import numpy as np
    >>> y = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> conv_transpose(y, np.ones((3, 3)), stride=2, padding=1, output_padding=1)
    array([[ 1.,  3.,  2.,  2.],
           [ 4., 10.,  6.,  6.],
           [ 3.,  7.,  4.,  4.],
           [ 3.,  7.,  4.,  4.]])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Unpack

import numpy as np
import sympy as sp

from symconv.conv.forms import explicit_forward, infer_spec
from symconv.conv.geometry import ConvOptions, ConvSpec, IntLike, conv_options
from symconv.conv.matrix import reject_text
from symconv.core.tensors import as_array, from_array, is_numeric_input
from symconv.errors import ShapeError


def conv_transpose(
    y: Any,
    w: Any,
    bias: Any = None,
    *,
    output_padding: IntLike | Sequence[IntLike] = 0,
    dims: int | None = None,
    **options: Unpack[ConvOptions],
) -> Any:
    """The transposed convolution of ``y`` (PyTorch's ``conv_transpose1d/2d/3d``).

    The options (:class:`~symconv.conv.geometry.ConvOptions` but ``mode`` and ``same_extra``) are
    those of the *forward* layer being transposed: ``w`` has its shape
    ``(M, C/G, K...)`` (= PyTorch's ConvTranspose weight ``(in, out/G, K...)``), ``padding`` is the
    forward padding p (not the p' of the equivalent direct convolution), ``op="convolution"``
    transposes a true (flipped) convolution. ``y`` is ``(N?, M, spatial...)`` — or the plain
    spatial tensor when ``w`` has no channel axes — and the result is ``(N?, C, spatial...)``.
    SymPy input gives an exact result (a Matrix for a 2-d Matrix), NumPy input a NumPy array.

    >>> import sympy as sp
    >>> from symconv.core.tensors import entries
    >>> conv_transpose(entries("y", (2,)), entries("w", (3,)))
    [w_{1}*y_{1}, w_{1}*y_{2} + w_{2}*y_{1}, w_{2}*y_{2} + w_{3}*y_{1}, w_{3}*y_{2}]
    >>> conv_transpose(sp.Matrix([[1, 2], [3, 4]]), sp.Matrix([[1, 0], [0, 1]]), stride=2).shape
    (4, 4)
    """
    for value, name in ((y, "y"), (w, "w"), (bias, "bias")):
        reject_text(value, name)
    numeric = is_numeric_input(y, w, bias)
    Y, W = _as_object_or_numeric(y, numeric), _as_object_or_numeric(w, numeric)
    layer = conv_options(options, "conv_transpose", refused=("mode", "same_extra"))
    spec = infer_spec(Y.ndim, W.ndim, W.shape, dims, **layer)
    if not spec.is_concrete:
        raise ShapeError("conv_transpose needs concrete stride, padding and dilation")
    dims = spec.dims
    extra = _output_padding(spec, output_padding)
    y_first = _data_channels_first(spec, Y)  # (N, M, spatial...)
    w_oihw = _weights_oihw(spec, W)  # (M, C/G, K...)
    n_out_forward, per_group_in = w_oihw.shape[:2]
    group_count = int(spec.groups)
    if y_first.shape[1] != n_out_forward or n_out_forward % group_count:
        raise ShapeError(
            f"y of shape {Y.shape} has {y_first.shape[1]} channels; w of shape {W.shape} maps to "
            f"M={n_out_forward} channels in {group_count} groups: y needs M channels, "
            "M divisible by G"
        )
    if spec.op == "convolution":
        # A true convolution is the correlation with the flipped kernel; transpose that.
        w_oihw = np.flip(w_oihw, axis=tuple(range(2, 2 + dims)))

    kernel = [int(k) for k in spec.kernel_size]
    dilations = [int(d) for d in spec.dilation]
    extended = y_first
    for axis in range(dims):
        s, d, k = int(spec.stride[axis]), dilations[axis], kernel[axis]
        p_before, p_after = (int(p) for p in spec.padding[axis])
        size = y_first.shape[2 + axis]
        out_size = s * (size - 1) - p_before - p_after + d * (k - 1) + extra[axis] + 1
        if out_size < 1:
            raise ShapeError(
                f"axis {axis}: transposed output size s(i'−1) − p_before − p_after + d(K−1) + a + 1"
                f" = {s}·({size}−1) − {p_before} − {p_after} + {d}·({k}−1) + {extra[axis]} + 1 = "
                f"{out_size} < 1"
            )
        extended = _stretch_and_pad(
            extended,
            2 + axis,
            s,
            d * (k - 1) - p_before,
            d * (k - 1) - p_after + extra[axis],
            numeric,
        )

    # W'[g·C/G + n, m', K−1−k] = W[g·M/G + m', n, k]: swap in/out within each group, flip taps.
    per_group_out = n_out_forward // group_count
    swapped = w_oihw.reshape(group_count, per_group_out, per_group_in, *kernel).swapaxes(1, 2)
    swapped = swapped.reshape(group_count * per_group_in, per_group_out, *kernel)
    swapped = np.flip(swapped, axis=tuple(range(2, 2 + dims)))

    direct = ConvSpec.make(kernel, dims=dims, dilation=dilations, groups=group_count)
    bias_vector = _bias(bias, spec, numeric)
    if numeric:
        from symconv.conv.numeric import conv_forward

        result = conv_forward(direct, extended, np.ascontiguousarray(swapped), bias_vector)
    else:
        result = _to_object(
            explicit_forward(direct, _to_sympy(extended), _to_sympy(swapped), bias_vector)
        )
    result = _data_from_channels_first(spec, result)
    if numeric:
        return result
    return from_array(_to_sympy(result), y)


def transpose_output_padding(
    input_size: int,
    kernel_size: int,
    stride: int = 1,
    padding: int | tuple[int, int] = 0,
    dilation: int = 1,
) -> int:
    """``a = (i + p_before + p_after − d(K−1) − 1) mod s``: the ``output_padding`` that makes the
    transposed convolution return the forward input size i (Dumoulin & Visin 2016, relationship 14,
    with dilation; PyTorch ``ConvTranspose`` ``output_padding``).

    >>> transpose_output_padding(4, 3, stride=2, padding=1), transpose_output_padding(5, 3, 2)
    (1, 0)
    """
    p_before, p_after = padding if isinstance(padding, tuple) else (padding, padding)
    if min(input_size, kernel_size, stride, dilation) < 1 or min(p_before, p_after) < 0:
        raise ShapeError(
            f"i={input_size}, K={kernel_size}, s={stride}, p=({p_before}, {p_after}), "
            f"d={dilation}: sizes, stride and dilation must be ≥ 1 and padding ≥ 0"
        )
    return (input_size + p_before + p_after - dilation * (kernel_size - 1) - 1) % stride


# ----------------------------------------------------------------------------------------------
# Helpers: one code path for NumPy numbers and NumPy arrays of SymPy objects
# ----------------------------------------------------------------------------------------------
def _as_object_or_numeric(value: Any, numeric: bool) -> np.ndarray:
    if numeric:
        return np.asarray(value)
    return _to_object(as_array(value))


def _to_object(array: sp.NDimArray) -> np.ndarray:
    result = np.empty(array.shape, dtype=object)
    result.reshape(-1)[:] = sp.flatten(array) if array.shape else [array[()]]
    return result


def _to_sympy(array: np.ndarray) -> sp.ImmutableDenseNDimArray:
    return sp.ImmutableDenseNDimArray(array.reshape(-1).tolist(), array.shape)


def _output_padding(spec: ConvSpec, output_padding: IntLike | Sequence[IntLike]) -> list[int]:
    values: list[Any] = (
        list(output_padding)
        if isinstance(output_padding, list | tuple)
        else [output_padding] * spec.dims
    )
    if len(values) != spec.dims:
        raise ShapeError(f"output_padding={output_padding!r}: expected 1 or {spec.dims} values")
    result = []
    for axis, value in enumerate(values):
        s, d = int(spec.stride[axis]), int(spec.dilation[axis])
        # PyTorch: "output padding must be smaller than either stride or dilation".
        if not 0 <= int(value) < max(s, d):
            raise ShapeError(
                f"output_padding={value} on axis {axis}: must satisfy 0 ≤ a < max(stride, "
                f"dilation) = max({s}, {d}); a = (i + 2p − d(K−1) − 1) mod s recovers size i"
            )
        result.append(int(value))
    return result


def _data_channels_first(spec: ConvSpec, y: np.ndarray) -> np.ndarray:
    if not spec.channels:
        y = y[np.newaxis]
    elif spec.layout == "NHWC":
        y = np.moveaxis(y, -1, 1 if spec.batch else 0)
    return y if spec.batch else y[np.newaxis]


def _data_from_channels_first(spec: ConvSpec, x: np.ndarray) -> np.ndarray:
    if not spec.batch:
        x = x[0]
    if not spec.channels:
        return np.asarray(x[0])
    if spec.layout == "NHWC":
        x = np.moveaxis(x, 1 if spec.batch else 0, -1)
    return x


def _weights_oihw(spec: ConvSpec, w: np.ndarray) -> np.ndarray:
    if not spec.channels:
        return w[np.newaxis, np.newaxis]
    if spec.weight_layout == "HWIO":
        return np.moveaxis(w, (-1, -2), (0, 1))
    return w


def _stretch_and_pad(
    array: np.ndarray, axis: int, stride: int, before: int, after: int, numeric: bool
) -> np.ndarray:
    """ỹ[s·j] = y[j] with zeros between, then ``before``/``after`` zeros (negative: crop)."""
    size = array.shape[axis]
    shape = list(array.shape)
    shape[axis] = stride * (size - 1) + 1 + max(before, 0) + max(after, 0)
    zero: Any = 0 if numeric else sp.Integer(0)
    result = np.full(shape, zero, dtype=array.dtype if numeric else object)
    target = [slice(None)] * array.ndim
    start = max(before, 0)
    target[axis] = slice(start, start + stride * (size - 1) + 1, stride)
    result[tuple(target)] = array
    keep = [slice(None)] * array.ndim
    keep[axis] = slice(max(-before, 0), shape[axis] - max(-after, 0))
    return result[tuple(keep)]


def _bias(bias: Any, spec: ConvSpec, numeric: bool) -> Any:
    if bias is None:
        return None
    if numeric:
        return np.asarray(bias).reshape(-1)
    values = as_array(bias, "bias")
    return sp.ImmutableDenseNDimArray(sp.flatten(values) if values.shape else [values[()]])


__all__ = ["conv_transpose", "transpose_output_padding"]
