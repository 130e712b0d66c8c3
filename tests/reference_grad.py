"""Naive loop references for the gradient tests. Imports nothing from symconv (STYLE.md, point 4).

Forward passes written from their definitions with explicit Python loops, out-of-range reads zero:

* ``conv_nchw``:
  ``Z[i, m, j...] = b[m] + Σ_{n < C/G} Σ_k W[m, n, k] X[i, g·C/G + n, s j + d k − p]``
  (Dumoulin & Visin 2016; PyTorch ``Conv{1,2,3}d``);
* ``conv_nhwc_hwio``: the NYU set's
  ``Z[i, j1, j2, m] = Σ W[k1, k2, n, m] X[i, j1+k1, j2+k2, n] + b[m]``;
* ``gated``: ``Y[i, j] = X[i, j] σ(Σ_k V[j, k] X[i, k])``;
* ``causal``: ``y[t] = Σ_k w[k] x[t − d k]`` (a dilated causal convolution, WaveNet);
* ``bilinear``: ``y[i] = Σ_{j,k} X[i, j] A[j, k] X[i, k]``;

and the textbook forms of the convolution gradients (Goodfellow et al. 2016, §9.5; the NYU notes):
valid correlation, full convolution, dilation of the output gradient by ``s − 1`` zeros.
"""

from __future__ import annotations

from itertools import product
from math import exp

import numpy as np


def _read(array: np.ndarray, index: tuple[int, ...]) -> float:
    if all(0 <= i < n for i, n in zip(index, array.shape, strict=True)):
        return float(array[index])
    return 0.0


def conv_nchw(
    x: np.ndarray,
    w: np.ndarray,
    bias: np.ndarray | None,
    *,
    stride: tuple[int, ...],
    padding: tuple[int, ...],
    dilation: tuple[int, ...],
    groups: int,
    out_sizes: tuple[int, ...],
) -> np.ndarray:
    """Correlation of NCHW ``x`` with OIHW ``w`` by loops, output spatial sizes given."""
    n_batch = x.shape[0]
    n_out, per_group_in = w.shape[:2]
    kernel = w.shape[2:]
    per_group_out = n_out // groups
    z = np.zeros((n_batch, n_out, *out_sizes))
    for i, m in product(range(n_batch), range(n_out)):
        group = m // per_group_out
        for out in product(*(range(o) for o in out_sizes)):
            total = 0.0 if bias is None else float(bias[m])
            for n in range(per_group_in):
                for tap in product(*(range(k) for k in kernel)):
                    position = tuple(
                        stride[a] * out[a] + dilation[a] * tap[a] - padding[a]
                        for a in range(len(kernel))
                    )
                    total += w[(m, n, *tap)] * _read(x, (i, group * per_group_in + n, *position))
            z[(i, m, *out)] = total
    return z


def conv_nhwc_hwio(x: np.ndarray, w: np.ndarray, bias: np.ndarray, out_sizes: tuple[int, int]):
    """The NYU layer: ``Z[i,j1,j2,m] = Σ_{k1,k2,n} W[k1,k2,n,m] X[i,j1+k1,j2+k2,n] + b[m]``."""
    n_batch = x.shape[0]
    k1_size, k2_size, n_in, n_out = w.shape
    z = np.zeros((n_batch, *out_sizes, n_out))
    for i, j1, j2, m in product(
        range(n_batch), range(out_sizes[0]), range(out_sizes[1]), range(n_out)
    ):
        total = float(bias[m])
        for k1, k2, n in product(range(k1_size), range(k2_size), range(n_in)):
            total += w[k1, k2, n, m] * _read(x, (i, j1 + k1, j2 + k2, n))
        z[i, j1, j2, m] = total
    return z


def sigmoid(value: float) -> float:
    return 1.0 / (1.0 + exp(-value))


def gated(x: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``Y[i, j] = X[i, j] σ(Σ_k V[j, k] X[i, k])``."""
    rows, width = x.shape
    y = np.zeros((rows, width))
    for i, j in product(range(rows), range(width)):
        pre = sum(v[j, k] * x[i, k] for k in range(width))
        y[i, j] = x[i, j] * sigmoid(pre)
    return y


def causal(x: np.ndarray, w: np.ndarray, dilation: int, out_size: int) -> np.ndarray:
    """``y[t] = Σ_k w[k] x[t − d k]``, out-of-range (past) samples zero."""
    y = np.zeros(out_size)
    for t in range(out_size):
        y[t] = sum(w[k] * _read(x, (t - dilation * k,)) for k in range(len(w)))
    return y


def bilinear(x: np.ndarray, a: np.ndarray) -> np.ndarray:
    """``y[i] = Σ_{j,k} X[i, j] A[j, k] X[i, k]``."""
    rows, width = x.shape
    y = np.zeros(rows)
    for i in range(rows):
        y[i] = sum(x[i, j] * a[j, k] * x[i, k] for j in range(width) for k in range(width))
    return y


# -- the textbook forms of the convolution gradients (single channel, 2-d) -----------------------
def valid_correlation(x: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """``out[u, v] = Σ_{a,b} kernel[a, b] x[u + a, v + b]`` over the valid positions."""
    rows = x.shape[0] - kernel.shape[0] + 1
    cols = x.shape[1] - kernel.shape[1] + 1
    out = np.zeros((rows, cols))
    for u, v in product(range(rows), range(cols)):
        out[u, v] = sum(
            kernel[a, b] * x[u + a, v + b]
            for a in range(kernel.shape[0])
            for b in range(kernel.shape[1])
        )
    return out


def full_convolution(x: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """``out[u, v] = Σ_{a,b} kernel[a, b] x[u − a, v − b]`` over every overlap (kernel flipped)."""
    rows = x.shape[0] + kernel.shape[0] - 1
    cols = x.shape[1] + kernel.shape[1] - 1
    out = np.zeros((rows, cols))
    for u, v in product(range(rows), range(cols)):
        out[u, v] = sum(
            kernel[a, b] * _read(x, (u - a, v - b))
            for a in range(kernel.shape[0])
            for b in range(kernel.shape[1])
        )
    return out


def dilate(x: np.ndarray, stride: int) -> np.ndarray:
    """Insert ``stride − 1`` zeros between neighbouring entries along both axes."""
    rows = (x.shape[0] - 1) * stride + 1
    cols = (x.shape[1] - 1) * stride + 1
    out = np.zeros((rows, cols))
    out[::stride, ::stride] = x
    return out


def fit(x: np.ndarray, start: int, shape: tuple[int, int]) -> np.ndarray:
    """Rows/columns ``start ... start + shape − 1`` of ``x``, zero where ``x`` has none (crop the
    padding at the start, pad with zeros the rows no window reaches at the end)."""
    out = np.zeros(shape)
    for u, v in product(range(shape[0]), range(shape[1])):
        out[u, v] = _read(x, (u + start, v + start))
    return out


def conv_matrix_by_columns(forward, input_shape: tuple[int, ...]) -> np.ndarray:
    """The matrix of a linear map, column by column: forward(unit vector) flattened (C order)."""
    size = int(np.prod(input_shape))
    columns = []
    for position in range(size):
        unit = np.zeros(size)
        unit[position] = 1.0
        columns.append(np.asarray(forward(unit.reshape(input_shape))).ravel())
    return np.stack(columns, axis=1)
