"""Naive loop references for convolution; imports nothing from symconv (STYLE.md, point 4).

Everything here is written from the textbook definitions with explicit Python loops, on NCHW data
and OIHW weights, with batch and channel axes always present:

    Z[i, m, j...] = b[m] + Σ_{n < C/G} Σ_{k...} W[m, n, k...] · X[i, g·C/G + n, s·j + d·k − p_b]

(correlation; convolution uses the kernel tap K−1−k), out-of-range X reads zero.
"""

from __future__ import annotations

from itertools import product

import numpy as np


def conv_nd(
    x: np.ndarray,
    w: np.ndarray,
    bias: np.ndarray | None = None,
    *,
    stride: tuple[int, ...],
    padding: tuple[tuple[int, int], ...],
    dilation: tuple[int, ...],
    groups: int = 1,
    flip: bool = False,
) -> np.ndarray:
    """Correlation (or convolution if ``flip``) of NCHW ``x`` with OIHW ``w``, by loops."""
    n_batch = x.shape[0]
    n_out, per_group_in = w.shape[:2]
    spatial = x.shape[2:]
    kernel = w.shape[2:]
    dims = len(spatial)
    out_sizes = []
    for axis in range(dims):
        before, after = padding[axis]
        extent = dilation[axis] * (kernel[axis] - 1) + 1
        out_sizes.append((spatial[axis] + before + after - extent) // stride[axis] + 1)
    per_group_out = n_out // groups
    z = np.zeros((n_batch, n_out, *out_sizes), dtype=np.result_type(x, w, float))
    for i in range(n_batch):
        for m in range(n_out):
            group = m // per_group_out
            for out in product(*(range(o) for o in out_sizes)):
                total = 0.0 if bias is None else bias[m]
                for n in range(per_group_in):
                    for tap in product(*(range(k) for k in kernel)):
                        position = []
                        for axis in range(dims):
                            used_tap = kernel[axis] - 1 - tap[axis] if flip else tap[axis]
                            position.append(
                                stride[axis] * out[axis]
                                + dilation[axis] * used_tap
                                - padding[axis][0]
                            )
                        if all(0 <= p < spatial[a] for a, p in enumerate(position)):
                            channel = group * per_group_in + n
                            total += w[(m, n, *tap)] * x[(i, channel, *position)]
                z[(i, m, *out)] = total
    return z


def mode_padding(
    kernel: tuple[int, ...], dilation: tuple[int, ...], mode: str, same_extra: str = "end"
) -> tuple[tuple[int, int], ...]:
    """Padding of the modes: valid none, full d(K−1) both sides, same d(K−1) split."""
    pads = []
    for k, d in zip(kernel, dilation, strict=True):
        total = d * (k - 1)
        if mode == "valid":
            pads.append((0, 0))
        elif mode == "full":
            pads.append((total, total))
        else:
            small, large = total // 2, total - total // 2
            pads.append((small, large) if same_extra == "end" else (large, small))
    return tuple(pads)


def subsample_1d(x: list, stride: int, offset: int = 0) -> list:
    """y[k] = x[s·k + offset] for every k that stays inside x."""
    out = []
    k = 0
    while stride * k + offset < len(x):
        out.append(x[stride * k + offset])
        k += 1
    return out


def max_pool_1d(x: list, size: int, stride: int) -> list:
    """y[k] = max of the window x[s·k : s·k + p], windows running past the end truncated."""
    out = []
    k = 0
    while stride * k < len(x):
        out.append(max(x[stride * k : stride * k + size]))
        k += 1
    return out
