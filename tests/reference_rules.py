"""Naive loop references for the rule table's forward passes. Imports nothing from symconv
(STYLE.md, point 4).

Every forward is written from its textbook definition with explicit Python loops, over NumPy
arrays whose entries are floats *or* SymPy expressions: the arithmetic goes through an ``ops``
namespace (:data:`FLOAT_OPS` with ``math``, :data:`SYMPY_OPS` with SymPy), so the same loop
gives the numeric forward (for central differences) and the explicit forward over entry symbols
(for ``sympy.diff``). Out-of-range reads are zero (zero padding).

Signature of each reference: ``reference(tensors, sizes, ops) -> np.ndarray`` with ``tensors``
by the rule's tensor names and ``sizes`` the case's sizes and parameters by name.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from itertools import product
from types import SimpleNamespace
from typing import Any

import numpy as np
import sympy as sp


def _first_argmax_float(values: Sequence[Any]) -> int:
    best = 0
    for position, value in enumerate(values):
        if value > values[best]:
            best = position
    return best


def _first_argmax_sympy(values: Sequence[Any]) -> Any:
    pieces = []
    for position, value in enumerate(values):
        earlier = [value > other for other in values[:position]]
        later = [value >= other for other in values[position + 1 :]]
        pieces.append((sp.Integer(position), sp.And(*earlier, *later)))
    pieces[-1] = (pieces[-1][0], True)
    return sp.Piecewise(*pieces)


FLOAT_OPS = SimpleNamespace(
    exp=math.exp,
    log=math.log,
    sqrt=math.sqrt,
    tanh=math.tanh,
    max=lambda *values: max(values),
    argmax=_first_argmax_float,
    zero=0.0,
)
SYMPY_OPS = SimpleNamespace(
    exp=sp.exp,
    log=sp.log,
    sqrt=sp.sqrt,
    tanh=sp.tanh,
    max=sp.Max,
    argmax=_first_argmax_sympy,
    zero=sp.Integer(0),
)

Reference = Callable[[Mapping[str, np.ndarray], Mapping[str, Any], Any], np.ndarray]


def _empty(shape: Sequence[int]) -> np.ndarray:
    return np.empty(tuple(shape), dtype=object)


def _read(array: np.ndarray, index: Sequence[int], ops: Any) -> Any:
    if all(0 <= i < n for i, n in zip(index, array.shape, strict=True)):
        return array[tuple(index)]
    return ops.zero


# ----------------------------------------------------------------------------------------------
# Activations and losses
# ----------------------------------------------------------------------------------------------
def pointwise(function: Callable[[Any, Any, Mapping[str, Any]], Any]) -> Reference:
    def reference(t: Mapping[str, np.ndarray], v: Mapping[str, Any], ops: Any) -> np.ndarray:
        z = t["Z"]
        out = _empty(z.shape)
        for index in np.ndindex(*z.shape):
            out[index] = function(z[index], ops, v)
        return out

    return reference


def sigmoid_value(z: Any, ops: Any, v: Mapping[str, Any]) -> Any:
    return 1 / (1 + ops.exp(-z))


def tanh_value(z: Any, ops: Any, v: Mapping[str, Any]) -> Any:
    return ops.tanh(z)


def relu_value(z: Any, ops: Any, v: Mapping[str, Any]) -> Any:
    return ops.max(ops.zero, z)


def leaky_relu_value(z: Any, ops: Any, v: Mapping[str, Any]) -> Any:
    slope = v["a"]
    return ops.max(z, slope * z)  # 0 < a < 1: z for z > 0, a z below


def softmax(t: Mapping[str, np.ndarray], v: Mapping[str, Any], ops: Any) -> np.ndarray:
    x = t["X"]
    out = _empty(x.shape)
    for i in range(x.shape[0]):
        total = sum(ops.exp(x[i, k]) for k in range(x.shape[1]))
        for c in range(x.shape[1]):
            out[i, c] = ops.exp(x[i, c]) / total
    return out


def mse(t: Mapping[str, np.ndarray], v: Mapping[str, Any], ops: Any) -> np.ndarray:
    y, target = t["Y"], t["T"]
    out = _empty((y.shape[0],))
    for i in range(y.shape[0]):
        out[i] = sum((y[i, c] - target[i, c]) ** 2 for c in range(y.shape[1])) / y.shape[1]
    return out


def cross_entropy(t: Mapping[str, np.ndarray], v: Mapping[str, Any], ops: Any) -> np.ndarray:
    y, target = t["Y"], t["T"]
    out = _empty((y.shape[0],))
    for i in range(y.shape[0]):
        out[i] = -sum(target[i, c] * ops.log(y[i, c]) for c in range(y.shape[1]))
    return out


def softmax_cross_entropy(
    t: Mapping[str, np.ndarray], v: Mapping[str, Any], ops: Any
) -> np.ndarray:
    probabilities = softmax({"X": t["X"]}, v, ops)
    return cross_entropy({"Y": probabilities, "T": t["T"]}, v, ops)


# ----------------------------------------------------------------------------------------------
# Structural
# ----------------------------------------------------------------------------------------------
def flatten(order: str) -> Reference:
    def reference(t: Mapping[str, np.ndarray], v: Mapping[str, Any], ops: Any) -> np.ndarray:
        x = t["X"]
        batch, channels, height, width = x.shape
        out = _empty((batch, channels * height * width))
        for i, c, h, w in product(range(batch), range(channels), range(height), range(width)):
            row_major = (c * height + h) * width + w
            column_major = c + channels * (h + height * w)
            out[i, row_major if order == "C" else column_major] = x[i, c, h, w]
        return out

    return reference


def reshape(t: Mapping[str, np.ndarray], v: Mapping[str, Any], ops: Any) -> np.ndarray:
    f = t["F"]
    channels, height, width = v["C"], v["H"], v["W"]
    out = _empty((f.shape[0], channels, height, width))
    for i, c, h, w in product(range(f.shape[0]), range(channels), range(height), range(width)):
        out[i, c, h, w] = f[i, (c * height + h) * width + w]
    return out


def concat(t: Mapping[str, np.ndarray], v: Mapping[str, Any], ops: Any) -> np.ndarray:
    a, b = t["A"], t["B"]
    out = _empty((a.shape[0], a.shape[1] + b.shape[1], a.shape[2]))
    for i, c, h in np.ndindex(*out.shape):
        out[i, c, h] = a[i, c, h] if c < a.shape[1] else b[i, c - a.shape[1], h]
    return out


def residual_add(t: Mapping[str, np.ndarray], v: Mapping[str, Any], ops: Any) -> np.ndarray:
    x, r = t["X"], t["R"]
    out = _empty(x.shape)
    for index in np.ndindex(*x.shape):
        out[index] = x[index] + r[index]
    return out


def upsample_nearest(t: Mapping[str, np.ndarray], v: Mapping[str, Any], ops: Any) -> np.ndarray:
    x, scale = t["X"], v["s"]
    batch, channels, height, width = x.shape
    out = _empty((batch, channels, scale * height, scale * width))
    for i, c, h, w in np.ndindex(*out.shape):
        out[i, c, h, w] = x[i, c, h // scale, w // scale]
    return out


# ----------------------------------------------------------------------------------------------
# Pooling
# ----------------------------------------------------------------------------------------------
def _windows(
    x: np.ndarray, kernel: tuple[int, int], stride: int
) -> tuple[tuple[int, int], Callable[[int, int, int, int], list[Any]]]:
    rows = (x.shape[2] - kernel[0]) // stride + 1
    cols = (x.shape[3] - kernel[1]) // stride + 1

    def window(i: int, c: int, a: int, b: int) -> list[Any]:
        return [
            x[i, c, stride * a + p, stride * b + q]
            for p in range(kernel[0])
            for q in range(kernel[1])
        ]

    return (rows, cols), window


def max_pool2d(t: Mapping[str, np.ndarray], v: Mapping[str, Any], ops: Any) -> np.ndarray:
    x = t["X"]
    (rows, cols), window = _windows(x, (v["K_1"], v["K_2"]), v["s"])
    out = _empty((x.shape[0], x.shape[1], rows, cols))
    for i, c, a, b in np.ndindex(*out.shape):
        out[i, c, a, b] = ops.max(*window(i, c, a, b))
    return out


def avg_pool2d(t: Mapping[str, np.ndarray], v: Mapping[str, Any], ops: Any) -> np.ndarray:
    x = t["X"]
    (rows, cols), window = _windows(x, (v["K_1"], v["K_2"]), v["s"])
    out = _empty((x.shape[0], x.shape[1], rows, cols))
    for i, c, a, b in np.ndindex(*out.shape):
        values = window(i, c, a, b)
        out[i, c, a, b] = sum(values) / sp.Integer(len(values))
    return out


def global_avg_pool(t: Mapping[str, np.ndarray], v: Mapping[str, Any], ops: Any) -> np.ndarray:
    x = t["X"]
    out = _empty(x.shape[:2])
    for i, c in np.ndindex(*out.shape):
        out[i, c] = sum(x[i, c].ravel()) / sp.Integer(x.shape[2] * x.shape[3])
    return out


def subsample2d(t: Mapping[str, np.ndarray], v: Mapping[str, Any], ops: Any) -> np.ndarray:
    x, stride = t["X"], v["s"]
    rows, cols = (x.shape[2] - 1) // stride + 1, (x.shape[3] - 1) // stride + 1
    out = _empty((x.shape[0], x.shape[1], rows, cols))
    for i, c, a, b in np.ndindex(*out.shape):
        out[i, c, a, b] = x[i, c, stride * a, stride * b]
    return out


def vector_max(t: Mapping[str, np.ndarray], v: Mapping[str, Any], ops: Any) -> np.ndarray:
    x = t["X"]
    out = _empty((x.shape[0],))
    for i in range(x.shape[0]):
        out[i] = ops.max(*x[i])
    return out


def argmax(t: Mapping[str, np.ndarray], v: Mapping[str, Any], ops: Any) -> np.ndarray:
    x = t["X"]
    out = _empty((x.shape[0],))
    for i in range(x.shape[0]):
        out[i] = ops.argmax(list(x[i]))
    return out


# ----------------------------------------------------------------------------------------------
# Normalisation (training mode: batch statistics, biased variance)
# ----------------------------------------------------------------------------------------------
def _standardise(values: Sequence[Any], epsilon: Any, ops: Any) -> list[Any]:
    count = len(values)
    mean = sum(values) / sp.Integer(count)
    variance = sum((value - mean) ** 2 for value in values) / sp.Integer(count)
    deviation = ops.sqrt(variance + epsilon)
    return [(value - mean) / deviation for value in values]


def batch_norm(t: Mapping[str, np.ndarray], v: Mapping[str, Any], ops: Any) -> np.ndarray:
    x, gamma, beta = t["X"], t["gamma"], t["beta"]
    out = _empty(x.shape)
    for c in range(x.shape[1]):
        normalised = _standardise([x[i, c] for i in range(x.shape[0])], v["epsilon"], ops)
        for i in range(x.shape[0]):
            out[i, c] = gamma[c] * normalised[i] + beta[c]
    return out


def layer_norm(t: Mapping[str, np.ndarray], v: Mapping[str, Any], ops: Any) -> np.ndarray:
    x, gamma, beta = t["X"], t["gamma"], t["beta"]
    out = _empty(x.shape)
    for i in range(x.shape[0]):
        normalised = _standardise([x[i, c] for c in range(x.shape[1])], v["epsilon"], ops)
        for c in range(x.shape[1]):
            out[i, c] = gamma[c] * normalised[c] + beta[c]
    return out


def group_norm(t: Mapping[str, np.ndarray], v: Mapping[str, Any], ops: Any) -> np.ndarray:
    x, gamma, beta = t["X"], t["gamma"], t["beta"]
    groups = v["G"]
    batch, channels, length = x.shape
    per_group = channels // groups
    out = _empty(x.shape)
    for i, g in product(range(batch), range(groups)):
        members = [(c, p) for c in range(g * per_group, (g + 1) * per_group) for p in range(length)]
        normalised = _standardise([x[i, c, p] for c, p in members], v["epsilon"], ops)
        for (c, p), value in zip(members, normalised, strict=True):
            out[i, c, p] = gamma[c] * value + beta[c]
    return out


# ----------------------------------------------------------------------------------------------
# Linear layers
# ----------------------------------------------------------------------------------------------
def conv(
    x: np.ndarray,
    w: np.ndarray,
    bias: np.ndarray | None,
    *,
    stride: Sequence[int],
    padding: Sequence[int],
    dilation: Sequence[int],
    groups: int = 1,
    flip: bool = False,
    ops: Any = FLOAT_OPS,
) -> np.ndarray:
    """``Z[i, m, j] = b[m] + Σ_{n<C/G} Σ_k W[m, n, k] X[i, g·C/G + n, s j + d k̃ − p]`` on
    NCHW data and OIHW weights, any number of spatial axes; ``flip``: true convolution
    (``k̃ = K − 1 − k``)."""
    batch = x.shape[0]
    outputs, per_group = w.shape[:2]
    kernel = w.shape[2:]
    spatial = x.shape[2:]
    sizes = [
        (size + 2 * p - d * (k - 1) - 1) // s + 1
        for size, k, s, p, d in zip(spatial, kernel, stride, padding, dilation, strict=True)
    ]
    out = _empty((batch, outputs, *sizes))
    per_output_group = outputs // groups
    for i, m in product(range(batch), range(outputs)):
        group = m // per_output_group
        for j in product(*map(range, sizes)):
            total = bias[m] if bias is not None else ops.zero
            for n in range(per_group):
                for k in product(*map(range, kernel)):
                    tap = [kk - 1 - a if flip else a for a, kk in zip(k, kernel, strict=True)]
                    position = [
                        s * jj + d * tt - p
                        for jj, tt, s, p, d in zip(j, tap, stride, padding, dilation, strict=True)
                    ]
                    total += w[(m, n, *k)] * _read(x[i, group * per_group + n], position, ops)
            out[(i, m, *j)] = total
    return out


def conv_layer(
    dims: int,
    *,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: Any = 1,
    flip: bool = False,
    layout: str = "NCHW",
    batch: bool = True,
    channels: bool = True,
) -> Reference:
    """A reference for a conv rule; a string option (``"s"``) is read from the case's sizes."""

    def value(option: Any, v: Mapping[str, Any]) -> int:
        return int(v[option]) if isinstance(option, str) else int(option)

    def reference(t: Mapping[str, np.ndarray], v: Mapping[str, Any], ops: Any) -> np.ndarray:
        x, w, bias = t["X"], t["W"], t.get("b")
        if not batch:
            x = x[None]
        if not channels:
            x, w = x[:, None], w[None, None]
        if layout == "NHWC":
            x = np.moveaxis(x, -1, 1)
            w = np.moveaxis(np.moveaxis(w, -1, 0), -1, 1)  # HWIO -> OIHW
        result = conv(
            x,
            w,
            bias,
            stride=[value(stride, v)] * dims,
            padding=[value(padding, v)] * dims,
            dilation=[value(dilation, v)] * dims,
            groups=value(groups, v),
            flip=flip,
            ops=ops,
        )
        if layout == "NHWC":
            result = np.moveaxis(result, 1, -1)
        if not channels:
            result = result[:, 0]
        if not batch:
            result = result[0]
        return result

    return reference


def depthwise(t: Mapping[str, np.ndarray], v: Mapping[str, Any], ops: Any) -> np.ndarray:
    x, w, bias = t["X"], t["W"], t["b"]
    one = [1, 1]
    return conv(
        x, w[:, None], bias, stride=one, padding=[0, 0], dilation=one, groups=x.shape[1], ops=ops
    )


def separable(t: Mapping[str, np.ndarray], v: Mapping[str, Any], ops: Any) -> np.ndarray:
    x, depth, point, bias = t["X"], t["D"], t["P"], t["b"]
    one = [1, 1]
    spread = conv(
        x,
        depth[:, None],
        None,
        stride=one,
        padding=[0, 0],
        dilation=one,
        groups=x.shape[1],
        ops=ops,
    )
    mixing = point[:, :, None, None]
    return conv(spread, mixing, bias, stride=one, padding=[0, 0], dilation=one, ops=ops)


def conv_transpose1d(t: Mapping[str, np.ndarray], v: Mapping[str, Any], ops: Any) -> np.ndarray:
    """The scatter: every input entry adds ``X[i, m, j] W[m, n, k]`` at ``s j + d k − p``."""
    x, w = t["X"], t["W"]
    stride, padding, dilation = v["s"], v["p"], v["d"]
    batch, inputs, length = x.shape
    outputs, kernel = w.shape[1], w.shape[2]
    size = stride * (length - 1) - 2 * padding + dilation * (kernel - 1) + 1
    out = _empty((batch, outputs, size))
    out[...] = ops.zero
    for i, m, j, n, k in product(
        range(batch), range(inputs), range(length), range(outputs), range(kernel)
    ):
        u = stride * j + dilation * k - padding
        if 0 <= u < size:
            out[i, n, u] = out[i, n, u] + x[i, m, j] * w[m, n, k]
    return out


def dense(t: Mapping[str, np.ndarray], v: Mapping[str, Any], ops: Any) -> np.ndarray:
    x, w, bias = t["X"], t["W"], t["b"]
    out = _empty((x.shape[0], w.shape[0]))
    for i, o in np.ndindex(*out.shape):
        out[i, o] = bias[o] + sum(w[o, k] * x[i, k] for k in range(x.shape[1]))
    return out


#: The reference of every rule of the table, by rule name.
REFERENCES: dict[str, Reference] = {
    "sigmoid": pointwise(sigmoid_value),
    "tanh": pointwise(tanh_value),
    "relu": pointwise(relu_value),
    "leaky_relu": pointwise(leaky_relu_value),
    "softmax": softmax,
    "mse": mse,
    "cross_entropy": cross_entropy,
    "softmax_cross_entropy": softmax_cross_entropy,
    "flatten": flatten("C"),
    "flatten_column_major": flatten("F"),
    "reshape": reshape,
    "concat": concat,
    "residual_add": residual_add,
    "upsample_nearest": upsample_nearest,
    "max_pool2d": max_pool2d,
    "avg_pool2d": avg_pool2d,
    "global_avg_pool": global_avg_pool,
    "subsample2d": subsample2d,
    "max": vector_max,
    "argmax": argmax,
    "batch_norm": batch_norm,
    "layer_norm": layer_norm,
    "group_norm": group_norm,
    "conv1d": conv_layer(1),
    "conv2d": conv_layer(2),
    "conv3d": conv_layer(3),
    "conv2d_strided": conv_layer(2, stride="s", padding="p", dilation="d"),
    "conv1d_strided": conv_layer(1, stride="s", padding="p", dilation="d"),
    "conv1d_grouped": conv_layer(1, groups="G"),
    "convolution2d": conv_layer(2, stride=2, flip=True),
    "conv2d_nhwc": conv_layer(2, layout="NHWC"),
    "correlate2d": conv_layer(2, batch=False, channels=False),
    "depthwise_conv2d": depthwise,
    "separable_conv2d": separable,
    "conv_transpose1d": conv_transpose1d,
    "dense": dense,
}
