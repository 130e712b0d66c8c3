"""Naive numeric references for the checker's judges (imports nothing from symconv).

Each function computes, with plain loops and floats, what a claim says, so that a test can
confirm that a judge's verdict agrees with an independent computation.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence


def derivative(f: Callable[[float], float], x: float, h: float = 1e-5) -> float:
    """f'(x) by the central difference (f(x+h) − f(x−h)) / 2h."""
    return (f(x + h) - f(x - h)) / (2 * h)


def agree(f: Callable[[float], float], g: Callable[[float], float], points: Sequence[float],
          tolerance: float = 1e-6) -> bool:  # fmt: skip
    """True if f and g agree at every point (relative tolerance)."""
    for x in points:
        a, b = f(x), g(x)
        if abs(a - b) > tolerance * max(1.0, abs(a), abs(b)):
            return False
    return True


def observed_order(error: Callable[[float], float], h: float = 1e-2) -> float:
    """The exponent p of error(h) ≈ C h^p, from the errors at h and h/2."""
    return math.log(abs(error(h)) / abs(error(h / 2))) / math.log(2)


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def softmax(z: Sequence[float]) -> list[float]:
    top = max(z)
    exps = [math.exp(v - top) for v in z]
    total = sum(exps)
    return [e / total for e in exps]


def softmax_jacobian(z: Sequence[float], h: float = 1e-6) -> list[list[float]]:
    """J[i][j] = ∂y_i/∂z_j by central differences."""
    n = len(z)
    jacobian = [[0.0] * n for _ in range(n)]
    for j in range(n):
        up = list(z)
        down = list(z)
        up[j] += h
        down[j] -= h
        yu, yd = softmax(up), softmax(down)
        for i in range(n):
            jacobian[i][j] = (yu[i] - yd[i]) / (2 * h)
    return jacobian


def conv_matrix_names(
    input_shape: tuple[int, int], kernel_shape: tuple[int, int]
) -> list[list[str]]:
    """The valid-correlation matrix of a 2-D input (rows stacked) as entry names ``w_{ij}``
    (1-based) and ``0``, built by loops."""
    h, w = input_shape
    kh, kw = kernel_shape
    rows = []
    for i in range(h - kh + 1):
        for j in range(w - kw + 1):
            row = ["0"] * (h * w)
            for a in range(kh):
                for b in range(kw):
                    row[(i + a) * w + (j + b)] = f"w_{{{a + 1}{b + 1}}}"
            rows.append(row)
    return rows


def output_size(n: int, k: int, p: int, s: int, d: int) -> int:
    """Windows of a dilated kernel that fit in a padded input, counted one by one."""
    extent = d * (k - 1) + 1
    count = 0
    start = 0
    while start + extent <= n + 2 * p:
        count += 1
        start += s
    return count


def same_padding(k: int, d: int) -> int | None:
    """The padding p (per side) for which a stride-1 output keeps the size of an input of 20."""
    for p in range(0, 40):
        if output_size(20, k, p, 1, d) == 20:
            return p
    return None


def receptive_field(layers: int, k: int) -> int:
    """Inputs that reach one output through ``layers`` stride-1 layers of width k, by walking
    the span back layer by layer."""
    low, high = 0, 0
    for _ in range(layers):
        high += k - 1
    return high - low + 1


def average_pool_share(k1: int, k2: int) -> float:
    """∂(mean of the window)/∂(one input), by a finite difference on a window of ones."""
    window = [1.0] * (k1 * k2)
    h = 1e-6
    bumped = list(window)
    bumped[0] += h
    return (sum(bumped) / len(bumped) - sum(window) / len(window)) / h
