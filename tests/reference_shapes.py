"""Naive references for shape and cost arithmetic. Imports nothing from symconv (STYLE.md, 4).

Each function does what the quantity *means*, with loops over actual arrays, and never evaluates
a closed-form size formula:

* output sizes: pad a list, slide the (dilated) window along it, count the placements;
* pooling with ceil_mode: PyTorch's semantics stated operationally (windows may run past the end
  as long as they start inside the input or the left padding, and until the input is covered);
* transposed convolution: scatter every input entry through the kernel, crop, add output_padding;
* receptive field: push a unit impulse at each input position through a stack of 1-d
  convolutions and see which ones reach output 0;
* parameters, multiplications, additions: run a naive convolution whose arithmetic is counted.
"""

from __future__ import annotations

from itertools import product

import numpy as np


def conv_length(i: int, k: int, s: int = 1, p_before: int = 0, p_after: int = 0, d: int = 1) -> int:
    """Windows of a correlation: place the dilated window at 0, s, 2s, ... on the padded input."""
    padded = [0] * p_before + [1] * i + [0] * p_after
    count = 0
    for start in range(0, len(padded), s):
        taps = [start + d * t for t in range(k)]
        if taps[-1] < len(padded):
            count += 1
    return count


def pool_ceil_length(i: int, k: int, s: int, p: int = 0, d: int = 1) -> int:
    """PyTorch ceil_mode pooling: a window is kept while some position of the padded input is
    not yet covered by an earlier window, and only if it starts before the right padding."""
    length = i + 2 * p
    covered = 0  # positions 0 .. covered-1 are covered by the windows so far
    count = 0
    start = 0
    while covered < length:
        if count > 0 and start >= i + p:
            break
        count += 1
        covered = max(covered, min(length, start + d * (k - 1) + 1))
        start += s
    return count


def transposed_length(i_prime: int, k: int, s: int = 1, p: int = 0, d: int = 1, a: int = 0) -> int:
    """PyTorch conv_transpose1d: scatter each input through the kernel, crop p each side, add a."""
    full = np.zeros(s * (i_prime - 1) + d * (k - 1) + 1 + a)
    for j in range(i_prime):
        for t in range(k):
            full[s * j + d * t] += 1.0
    cropped = full[p : len(full) - p]
    return len(cropped)


def stretched(values: list[float], s: int) -> list[float]:
    """The input of the equivalent direct convolution: s − 1 zeros between neighbours."""
    out: list[float] = []
    for position, value in enumerate(values):
        if position:
            out.extend([0.0] * (s - 1))
        out.append(value)
    return out


def padded_or_cropped(values: list[float], before: int, after: int) -> list[float]:
    """Zeros added on each side, or entries cut where the count is negative."""
    start = [0.0] * max(before, 0) + values[max(-before, 0) :]
    return start[: max(len(start) + after, 0)] if after < 0 else start + [0.0] * after


def stride_one_windows(values: list[float], k: int, d: int) -> int:
    """Placements of a dilated k-tap window at every position of a list (stride 1)."""
    return sum(1 for start in range(len(values)) if start + d * (k - 1) < len(values))


def conv1d(x: list[float], k: int, s: int, d: int) -> list[float]:
    """Valid 1-d correlation with an all-ones kernel (no padding)."""
    out = []
    start = 0
    while start + d * (k - 1) < len(x):
        out.append(sum(x[start + d * t] for t in range(k)))
        start += s
    return out


def receptive_field(layers: list[tuple[int, ...]], width: int = 400) -> int:
    """Input positions whose unit impulse changes output 0 of the stack."""
    reached = []
    for position in range(width):
        x = [0.0] * width
        x[position] = 1.0
        for layer in layers:
            k, s = layer[0], layer[1]
            d = layer[2] if len(layer) == 3 else 1
            x = conv1d(x, k, s, d)
        if x and x[0] != 0.0:
            reached.append(position)
    return max(reached) - min(reached) + 1


def counted_conv2d(
    x: np.ndarray, w: np.ndarray, b: np.ndarray | None, stride: int, padding: int, groups: int = 1
) -> tuple[np.ndarray, int, int]:
    """NHWC input, HWIO weights; returns (output, multiplications, additions), counting every
    multiplication (padded zeros included) and every addition (bias included)."""
    height, width, channels = x.shape
    k1, k2, per_group, filters = w.shape
    padded = np.zeros((height + 2 * padding, width + 2 * padding, channels))
    padded[padding : padding + height, padding : padding + width] = x
    out_h = (padded.shape[0] - k1) // stride + 1
    out_w = (padded.shape[1] - k2) // stride + 1
    z = np.zeros((out_h, out_w, filters))
    multiplications = additions = 0
    per_group_out = filters // groups
    for j1, j2, m in product(range(out_h), range(out_w), range(filters)):
        group = m // per_group_out
        total = None
        for a1, a2, n in product(range(k1), range(k2), range(per_group)):
            term = (
                w[a1, a2, n, m] * padded[stride * j1 + a1, stride * j2 + a2, group * per_group + n]
            )
            multiplications += 1
            if total is None:
                total = term
            else:
                total = total + term
                additions += 1
        if b is not None:
            total = total + b[m]
            additions += 1
        z[j1, j2, m] = total
    return z, multiplications, additions
