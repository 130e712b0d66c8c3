"""Naive references for pooling on given data, forward and backward. Imports nothing from symconv
(STYLE.md, 4).

Whole windows only (PyTorch's MaxPool2d/AvgPool2d with ceil_mode=False), one stride on both axes;
the backward routes each window's upstream value to its first maximal entry in row-major order
(PyTorch's rule at a tie) or spreads it evenly over the window. Values are exact (Fraction).
"""

from __future__ import annotations

from fractions import Fraction


def _windows(rows: int, cols: int, size: tuple[int, int], stride: int):
    for a in range((rows - size[0]) // stride + 1):
        for b in range((cols - size[1]) // stride + 1):
            cells = [
                (stride * a + r, stride * b + c) for r in range(size[0]) for c in range(size[1])
            ]
            yield a, b, cells


def pool2d(x: list[list[int]], size: tuple[int, int], stride: int, kind: str) -> list[list]:
    rows, cols = len(x), len(x[0])
    out_rows, out_cols = (rows - size[0]) // stride + 1, (cols - size[1]) // stride + 1
    y = [[Fraction(0)] * out_cols for _ in range(out_rows)]
    for a, b, cells in _windows(rows, cols, size, stride):
        values = [Fraction(x[r][c]) for r, c in cells]
        y[a][b] = max(values) if kind == "max" else sum(values) / len(values)
    return y


def pool2d_backward(
    x: list[list[int]], upstream: list[list[int]], size: tuple[int, int], stride: int, kind: str
) -> list[list]:
    rows, cols = len(x), len(x[0])
    grad = [[Fraction(0)] * cols for _ in range(rows)]
    for a, b, cells in _windows(rows, cols, size, stride):
        g = Fraction(upstream[a][b])
        if kind == "max":
            best = cells[0]
            for r, c in cells:
                if x[r][c] > x[best[0]][best[1]]:
                    best = (r, c)
            grad[best[0]][best[1]] += g
        else:
            for r, c in cells:
                grad[r][c] += g / len(cells)
    return grad
