"""Naive loop references for the forward and backward pass of a convolution layer.

Imports nothing from symconv (STYLE.md, point 4). Written from the definitions with explicit
Python loops on NCHW data and OIHW weights, batch and channel axes always present, any number of
spatial axes:

    Z[i, m, j] = b[m] + Σ_{n < C/G} Σ_k W[m, n, k] · X[i, g·C/G + n, s·j + d·k − p_before]

(correlation; convolution reads the tap K−1−k), out-of-range X reads zero. The backward pass is
the chain rule applied term by term to the same loop: every product ``W · X`` that reaches
``Z[i, m, j]`` sends ``δ · X`` to ``dW`` and ``δ · W`` to ``dX``, and ``δ`` itself to ``db``.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import product

import numpy as np


def _output_sizes(
    spatial: tuple[int, ...],
    kernel: tuple[int, ...],
    stride: tuple[int, ...],
    padding: tuple[tuple[int, int], ...],
    dilation: tuple[int, ...],
) -> list[int]:
    sizes = []
    for axis, size in enumerate(spatial):
        before, after = padding[axis]
        extent = dilation[axis] * (kernel[axis] - 1) + 1
        sizes.append((size + before + after - extent) // stride[axis] + 1)
    return sizes


def _terms(
    x_shape: tuple[int, ...],
    w_shape: tuple[int, ...],
    stride: tuple[int, ...],
    padding: tuple[tuple[int, int], ...],
    dilation: tuple[int, ...],
    groups: int,
    flip: bool,
) -> Iterator[tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]]:
    """Every (output index, weight index, input index) of a product W·X in the layer."""
    n_batch = x_shape[0]
    n_out, per_group_in = w_shape[:2]
    spatial, kernel = x_shape[2:], w_shape[2:]
    out_sizes = _output_sizes(spatial, kernel, stride, padding, dilation)
    per_group_out = n_out // groups
    for i in range(n_batch):
        for m in range(n_out):
            group = m // per_group_out
            for out in product(*(range(o) for o in out_sizes)):
                for n in range(per_group_in):
                    for tap in product(*(range(k) for k in kernel)):
                        position = []
                        for axis in range(len(spatial)):
                            used = kernel[axis] - 1 - tap[axis] if flip else tap[axis]
                            position.append(
                                stride[axis] * out[axis] + dilation[axis] * used - padding[axis][0]
                            )
                        if all(0 <= p < spatial[a] for a, p in enumerate(position)):
                            channel = group * per_group_in + n
                            yield (i, m, *out), (m, n, *tap), (i, channel, *position)


def conv_forward_loops(
    x: np.ndarray,
    w: np.ndarray,
    bias: np.ndarray | None,
    *,
    stride: tuple[int, ...],
    padding: tuple[tuple[int, int], ...],
    dilation: tuple[int, ...],
    groups: int = 1,
    flip: bool = False,
) -> np.ndarray:
    """Z by loops (float64)."""
    out_sizes = _output_sizes(x.shape[2:], w.shape[2:], stride, padding, dilation)
    z = np.zeros((x.shape[0], w.shape[0], *out_sizes))
    if bias is not None:
        for m in range(w.shape[0]):
            z[:, m] = bias[m]
    for out, weight, inp in _terms(x.shape, w.shape, stride, padding, dilation, groups, flip):
        z[out] += float(w[weight]) * float(x[inp])
    return z


def conv_backward_loops(
    x: np.ndarray,
    w: np.ndarray,
    grad_output: np.ndarray,
    *,
    stride: tuple[int, ...],
    padding: tuple[tuple[int, int], ...],
    dilation: tuple[int, ...],
    groups: int = 1,
    flip: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dX, dW, db) by loops (float64): each product W·X passes δ back to both factors."""
    dx = np.zeros(x.shape)
    dw = np.zeros(w.shape)
    db = np.zeros(w.shape[0])
    for out, weight, inp in _terms(x.shape, w.shape, stride, padding, dilation, groups, flip):
        delta = float(grad_output[out])
        dx[inp] += delta * float(w[weight])
        dw[weight] += delta * float(x[inp])
    for m in range(w.shape[0]):
        db[m] = float(np.sum(grad_output[:, m]))
    return dx, dw, db


def sigmoid_loops(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1/(1 + e^(−z)) entry by entry."""
    flat = [1.0 / (1.0 + np.exp(-float(v))) for v in z.ravel()]
    return np.array(flat).reshape(z.shape)


def softmax_cross_entropy_loops(logits: np.ndarray, labels: np.ndarray) -> float:
    """−Σ_i log softmax(z_i)[y_i], one row at a time."""
    total = 0.0
    for row, label in zip(logits, labels, strict=True):
        largest = max(float(v) for v in row)
        log_norm = largest + np.log(sum(np.exp(float(v) - largest) for v in row))
        total -= float(row[label]) - log_norm
    return total
