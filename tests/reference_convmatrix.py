"""Naive loop references for the convolution matrix and the transposed convolution.

Imports nothing from symconv (STYLE.md, point 4). Everything is per sample, channels first:
x is ``(C, spatial...)``, the weights ``(M, C/G, K...)``, and ``vec`` is row-major. From the
definition of the layer (nndl eq. 5.45; Dumoulin & Visin 2016, §4.1):

    z[m, j] = Σ_{n < C/G} Σ_k W[m, n, k] · x[g·C/G + n, s·j + d·k − p_before],  g = m // (M/G)

(convolution reads the tap K−1−k), so C[row(m, j), col(g·C/G + n, s·j + d·k − p_before)] =
W[m, n, k] for every in-range position; the transposed convolution scatters ``W[m, n, k]·y[m, j]``
back to that input position.
"""

from __future__ import annotations

from itertools import product

import numpy as np


def output_size(size: int, kernel: int, stride: int, pad: tuple[int, int], dilation: int) -> int:
    return (size + pad[0] + pad[1] - dilation * (kernel - 1) - 1) // stride + 1


def _row_major(index: tuple[int, ...], shape: tuple[int, ...]) -> int:
    flat = 0
    for i, size in zip(index, shape, strict=True):
        flat = flat * size + i
    return flat


def conv_matrix_loops(
    input_shape: tuple[int, ...],
    w: np.ndarray,
    *,
    stride: tuple[int, ...],
    padding: tuple[tuple[int, int], ...],
    dilation: tuple[int, ...],
    groups: int = 1,
    flip: bool = False,
) -> np.ndarray:
    """Dense C for x of shape ``(C, spatial...)`` and OIHW ``w``, entry by entry."""
    spatial = input_shape[1:]
    n_out, per_group_in = w.shape[:2]
    kernel = w.shape[2:]
    outs = tuple(
        output_size(spatial[a], kernel[a], stride[a], padding[a], dilation[a])
        for a in range(len(spatial))
    )
    out_shape = (n_out, *outs)
    matrix = np.zeros((int(np.prod(out_shape)), int(np.prod(input_shape))), dtype=w.dtype)
    for m in range(n_out):
        group = m // (n_out // groups)
        for j in product(*(range(o) for o in outs)):
            row = _row_major((m, *j), out_shape)
            for n in range(per_group_in):
                for k in product(*(range(size) for size in kernel)):
                    position = []
                    for a in range(len(spatial)):
                        tap = kernel[a] - 1 - k[a] if flip else k[a]
                        position.append(stride[a] * j[a] + dilation[a] * tap - padding[a][0])
                    if all(0 <= p < spatial[a] for a, p in enumerate(position)):
                        col = _row_major((group * per_group_in + n, *position), input_shape)
                        matrix[row, col] += w[(m, n, *k)]
    return matrix


def correlate_loops(
    x: np.ndarray,
    w: np.ndarray,
    *,
    stride: tuple[int, ...],
    padding: tuple[tuple[int, int], ...],
    dilation: tuple[int, ...],
    groups: int = 1,
    flip: bool = False,
) -> np.ndarray:
    """z for x of shape ``(C, spatial...)`` and OIHW ``w``, by the defining sum."""
    spatial = x.shape[1:]
    n_out, per_group_in = w.shape[:2]
    kernel = w.shape[2:]
    outs = tuple(
        output_size(spatial[a], kernel[a], stride[a], padding[a], dilation[a])
        for a in range(len(spatial))
    )
    z = np.zeros((n_out, *outs), dtype=np.result_type(x, w))
    for m in range(n_out):
        group = m // (n_out // groups)
        for j in product(*(range(o) for o in outs)):
            total = 0.0
            for n in range(per_group_in):
                for k in product(*(range(size) for size in kernel)):
                    position = [
                        stride[a] * j[a]
                        + dilation[a] * (kernel[a] - 1 - k[a] if flip else k[a])
                        - padding[a][0]
                        for a in range(len(spatial))
                    ]
                    if all(0 <= p < spatial[a] for a, p in enumerate(position)):
                        total += w[(m, n, *k)] * x[(group * per_group_in + n, *position)]
            z[(m, *j)] = total
    return z


def conv_transpose_loops(
    y: np.ndarray,
    w: np.ndarray,
    *,
    stride: tuple[int, ...],
    padding: tuple[int, ...],
    output_padding: tuple[int, ...],
    dilation: tuple[int, ...],
    groups: int = 1,
) -> np.ndarray:
    """PyTorch's transposed convolution of y ``(M, spatial...)`` with ``w`` ``(M, C/G, K...)``,
    by scattering every product to its input position."""
    n_out, per_group_in = w.shape[:2]
    kernel = w.shape[2:]
    spatial = y.shape[1:]
    sizes = [
        stride[a] * (spatial[a] - 1)
        - 2 * padding[a]
        + dilation[a] * (kernel[a] - 1)
        + output_padding[a]
        + 1
        for a in range(len(spatial))
    ]
    x = np.zeros((per_group_in * groups, *sizes), dtype=np.result_type(y, w))
    for m in range(n_out):
        group = m // (n_out // groups)
        for j in product(*(range(size) for size in spatial)):
            for n in range(per_group_in):
                for k in product(*(range(size) for size in kernel)):
                    position = [
                        stride[a] * j[a] + dilation[a] * k[a] - padding[a]
                        for a in range(len(spatial))
                    ]
                    if all(0 <= p < sizes[a] for a, p in enumerate(position)):
                        x[(group * per_group_in + n, *position)] += w[(m, n, *k)] * y[(m, *j)]
    return x
