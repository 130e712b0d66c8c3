"""Numeric twins: vectorised NumPy versions of symconv's results.

Index forms become sliding-window views and one tensor contraction, generated from the layer's
:class:`~symconv.geometry.ConvSpec` — never a lambdified explicit expression (DESIGN.md).

For a correlation (NCHW, OIHW), with ``Xp`` the zero-padded input,
``Z[i, m, j] = Σ_{n,k} W[m, n, k] Xp[i, n, s j + d k]``: the view ``V[i, n, j, k] = Xp[i, n, s j + d k]``
is ``sliding_window_view`` over the dilated extent ``d(K−1)+1``, sliced by ``s`` along ``j`` and by
``d`` along ``k``; then ``Z = einsum('inJK,mnK->imJ', V, W)`` per group. Convolution flips W.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from symconv.errors import ShapeError
from symconv.geometry import ConvSpec


def _to_channels_first(spec: ConvSpec, x: np.ndarray) -> np.ndarray:
    """(N?, C?, spatial) in NCHW, adding size-1 batch/channel axes where the spec has none."""
    if not spec.channels:
        x = x[np.newaxis]
    elif spec.layout == "NHWC":
        x = np.moveaxis(x, -1, 1 if spec.batch else 0)
    if not spec.batch:
        x = x[np.newaxis]
    return x


def _from_channels_first(spec: ConvSpec, z: np.ndarray) -> np.ndarray:
    if not spec.batch:
        z = z[0]
    if not spec.channels:
        return z[0]
    if spec.layout == "NHWC":
        z = np.moveaxis(z, 1 if spec.batch else 0, -1)
    return z


def _weights_oihw(spec: ConvSpec, w: np.ndarray) -> np.ndarray:
    if not spec.channels:
        return w[np.newaxis, np.newaxis]
    if spec.weight_layout == "HWIO":
        return np.moveaxis(w, (-1, -2), (0, 1))
    return w


def conv_forward(
    spec: ConvSpec, x: np.ndarray, w: np.ndarray, bias: np.ndarray | None = None
) -> np.ndarray:
    """The layer of ``spec`` on NumPy arrays (in the spec's layouts), vectorised.

    >>> spec = ConvSpec.make(2, dims=1, batch=False, channels=False, stride=2, padding=1)
    >>> conv_forward(spec, np.array([1.0, 2, 3, 4, 5]), np.array([1.0, -1]))
    array([-1., -1., -1.])
    """
    if not spec.is_concrete:
        raise ShapeError("the numeric twin needs concrete stride, padding, dilation and kernel")
    dims = spec.dims
    x = np.asarray(x)
    w = np.asarray(w)
    dtype = np.result_type(x, w, np.float32)
    xc = _to_channels_first(spec, x.astype(dtype, copy=False))
    wc = _weights_oihw(spec, w.astype(dtype, copy=False))
    if xc.ndim != dims + 2 or wc.ndim != dims + 2:
        raise ShapeError(f"x of shape {x.shape} and w of shape {w.shape} do not fit a {dims}-d spec")
    groups = int(spec.groups)
    n_batch, n_in = xc.shape[:2]
    n_out, per_group_in = wc.shape[:2]
    if n_in != per_group_in * groups or n_out % groups:
        raise ShapeError(
            f"x has C={n_in} channels, w has M={n_out} outputs of C/G={per_group_in} inputs, "
            f"groups G={groups}: need C = (C/G)·G and M divisible by G"
        )
    if spec.op == "convolution":
        wc = np.flip(wc, axis=tuple(range(2, 2 + dims)))
    kernel = [int(k) for k in spec.kernel_size]
    strides = [int(s) for s in spec.stride]
    dilations = [int(d) for d in spec.dilation]
    pads = [(int(before), int(after)) for before, after in spec.padding]
    spatial = xc.shape[2:]
    for axis in range(dims):
        spec.output_size(axis, spatial[axis])  # raises a ShapeError with the formula
    xp = np.pad(xc, [(0, 0), (0, 0), *pads]) if any(any(p) for p in pads) else xc
    extents = [d * (k - 1) + 1 for k, d in zip(kernel, dilations, strict=True)]
    windows = np.lib.stride_tricks.sliding_window_view(xp, extents, axis=tuple(range(2, 2 + dims)))
    slicer = (
        (slice(None), slice(None))
        + tuple(slice(None, None, s) for s in strides)
        + tuple(slice(None, None, d) for d in dilations)
    )
    windows = windows[slicer]  # (N, C, O..., K...)
    out_spatial = windows.shape[2 : 2 + dims]
    windows = windows.reshape(n_batch, groups, per_group_in, *out_spatial, *kernel)
    wg = wc.reshape(groups, n_out // groups, per_group_in, *kernel)
    letters = "abc"[:dims]
    taps = "xyz"[:dims]
    subscripts = f"ngc{letters}{taps},gmc{taps}->ngm{letters}"
    z = np.einsum(subscripts, windows, wg, optimize=True)
    z = z.reshape(n_batch, n_out, *out_spatial)
    if bias is not None:
        b = np.asarray(bias, dtype=dtype)
        z = z + (b.reshape(1, -1, *([1] * dims)) if spec.channels else b)
    return _from_channels_first(spec, z)


def to_float_array(value: Any) -> np.ndarray:
    """A SymPy tensor of numbers (or nested lists) as a float64 NumPy array."""
    return np.array(np.asarray(value, dtype=object).tolist(), dtype=float)
