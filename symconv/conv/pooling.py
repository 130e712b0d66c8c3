"""Sub-sampling and pooling along one axis, exactly (SymPy) and numerically (NumPy).

Definitions (NYU Intro to ML, unit 10, problem 5; Goodfellow et al. 2016, §9.3), 0-based, for an
input ``x[j]``, ``j = 0 … N−1``, stride ``s`` and pool size ``p``:

* sub-sampling   ``y[k] = x[s k]``,                       ``k = 0 … ⌊(N−1)/s⌋``;
* max pooling    ``y[k] = max_{j=0..p−1} x[s k + j]``,     same ``k`` range, a window that runs past
  the end is truncated (``truncate=True``, the course's reading); with ``truncate=False`` only
  whole windows are kept, ``k = 0 … ⌊(N−p)/s⌋`` (PyTorch ``MaxPool1d``, ``ceil_mode=False``);
* average pooling ``y[k] = (1/p) Σ_{j=0}^{p−1} x[s k + j]`` (whole windows only).

The number of outputs ``⌊(N−1)/s⌋ + 1`` equals ``⌈N/s⌉`` for every N ≥ 1 — not ``⌊N/s⌋``, which
agrees only when s divides N.

``offset`` shifts the first sample: ``offset = s − 1`` is the 1-based misreading "every s-th
sample, starting at the s-th".

    >>> subsample([1, 2, 3, 2, 0, 10, 1, 0], 2)
    [1, 3, 0, 1]
    >>> subsample([1, 2, 3, 2, 0, 10, 1, 0], 2, offset=1)
    [2, 2, 10, 0]
    >>> max_pool([1, 2, 3, 2, 0, 10, 1, 0], 2, 2)
    [2, 3, 10, 1]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import sympy as sp

from symconv.core.safe import as_sympy
from symconv.errors import ShapeError


def _check(size: int, stride: int, pool: int = 1, offset: int = 0) -> None:
    if stride < 1:
        raise ShapeError(f"stride s={stride}: must be ≥ 1")
    if pool < 1:
        raise ShapeError(f"pool size p={pool}: must be ≥ 1")
    if not 0 <= offset < max(size, 1):
        raise ShapeError(f"offset={offset} outside the input of length N={size}")


def _whole_windows_fit(size: int, pool: int, what: str) -> None:
    if pool > size:
        raise ShapeError(f"{what}: pool size p={pool} exceeds the input length N={size}")


def output_length(size: int | sp.Expr, stride: int | sp.Expr, offset: int | sp.Expr = 0) -> Any:
    """``⌊(N − 1 − offset)/s⌋ + 1``: how many samples sub-sampling (or truncated pooling) keeps.

    >>> N, s = sp.symbols("N s", integer=True, positive=True)
    >>> output_length(N, s)
    floor((N - 1)/s) + 1
    """
    return sp.floor((as_sympy(size) - 1 - offset) / stride) + 1


def subsample(x: Sequence[Any], stride: int, *, offset: int = 0) -> list[Any]:
    """``y[k] = x[s k + offset]`` (exact: the entries are returned as they are)."""
    values = list(x)
    _check(len(values), stride, offset=offset)
    return values[offset::stride]


def max_pool(x: Sequence[Any], size: int, stride: int, *, truncate: bool = True) -> list[Any]:
    """``y[k] = max_{j<p} x[s k + j]``; see the module docstring for ``truncate``."""
    values = list(x)
    _check(len(values), stride, size)
    if not truncate:
        _whole_windows_fit(len(values), size, "max pooling without truncation")
    last = len(values) - 1 if truncate else len(values) - size
    return [sp.Max(*values[k : k + size]) for k in range(0, last + 1, stride)]


def avg_pool(x: Sequence[Any], size: int, stride: int) -> list[Any]:
    """``y[k] = (1/p) Σ_{j<p} x[s k + j]`` over whole windows, exactly."""
    values = list(x)
    _check(len(values), stride, size)
    _whole_windows_fit(len(values), size, "average pooling")
    return [
        sp.Rational(1, size) * sp.Add(*values[k : k + size])
        for k in range(0, len(values) - size + 1, stride)
    ]


# -- numeric twins (vectorised, any axis) ------------------------------------------------------
def subsample_numeric(x: np.ndarray, stride: int, *, axis: int = -1, offset: int = 0) -> np.ndarray:
    """NumPy sub-sampling along ``axis``; the same sizes as :func:`subsample` are refused, with
    the same :class:`~symconv.errors.ShapeError`.

    >>> subsample_numeric(np.arange(5.0), 2)
    array([0., 2., 4.])
    """
    _check(np.shape(x)[axis], stride, offset=offset)
    index = [slice(None)] * np.ndim(x)
    index[axis] = slice(offset, None, stride)
    return np.asarray(x)[tuple(index)]


def max_pool_numeric(
    x: np.ndarray, size: int, stride: int, *, axis: int = -1, truncate: bool = True
) -> np.ndarray:
    """NumPy max pooling along ``axis`` (truncated windows padded with −∞); the same sizes as
    :func:`max_pool` are refused, with the same :class:`~symconv.errors.ShapeError` (never
    NumPy's own ``ValueError``).

    >>> max_pool_numeric(np.array([1.0, 2, 3, 2, 0, 10, 1, 0]), 2, 2)
    array([ 2.,  3., 10.,  1.])
    >>> max_pool_numeric(np.array([1.0, 2]), 3, 1, truncate=False)
    Traceback (most recent call last):
    ...
    symconv.errors.ShapeError: max pooling without truncation: pool size p=3 exceeds the input \
length N=2
    """
    array = np.moveaxis(np.asarray(x, dtype=float), axis, -1)
    length = array.shape[-1]
    _check(length, stride, size)
    if not truncate:
        _whole_windows_fit(length, size, "max pooling without truncation")
    if truncate:
        pad = [(0, 0)] * (array.ndim - 1) + [(0, size - 1)]
        array = np.pad(array, pad, constant_values=-np.inf)
    windows = np.lib.stride_tricks.sliding_window_view(array, size, axis=-1)[..., ::stride, :]
    count = (length - 1) // stride + 1 if truncate else (length - size) // stride + 1
    return np.moveaxis(windows[..., :count, :].max(axis=-1), -1, axis)
