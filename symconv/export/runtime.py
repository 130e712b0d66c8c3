"""The few NumPy helpers generated code calls (copied verbatim into an exported module's source).

Every value of a compiled index expression is an array whose axes are *named* by one letter per
index (``"imj"``: axes i, m, j). These helpers line such arrays up, read tensors at broadcast index
arrays with zero outside (zero padding), and turn conditions into 0/1 arrays. They import only
NumPy, so an exported module runs without symconv.

    >>> import numpy as np
    >>> _align(np.arange(6).reshape(2, 3), "ab", "bca").shape
    (3, 1, 2)
    >>> _read(np.array([10.0, 20.0, 30.0]), (np.array([-1, 0, 2, 3]),))
    array([ 0., 10., 30.,  0.])
    >>> _iverson(np.array([True, False]))
    array([1, 0])
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _align(array: Any, labels: str, target: str) -> Any:
    """The array whose axes are named ``labels``, transposed and given size-1 axes so that its
    axes are named ``target`` (every label must appear in ``target``)."""
    array = np.asarray(array)
    order = sorted(range(len(labels)), key=lambda axis: target.index(labels[axis]))
    if order != list(range(len(labels))):
        array = np.transpose(array, order)
    present = "".join(labels[axis] for axis in order)
    shape = [array.shape[present.index(name)] if name in present else 1 for name in target]
    return array.reshape(shape)


def _read(tensor: Any, positions: Any) -> Any:
    """``tensor[positions]`` for broadcast integer index arrays, 0 where a position is outside
    the tensor (the zero padding every index formula assumes): one flat gather from the tensor
    with a zero appended, out-of-range positions sent to that zero."""
    tensor = np.asarray(tensor)
    flat: Any = 0
    inside: Any = True
    step = 1
    for axis in reversed(range(tensor.ndim)):
        position = np.asarray(positions[axis])
        if position.dtype.kind == "f":
            position = np.rint(position).astype(np.int64)
        size = tensor.shape[axis]
        inside = inside & (position >= 0) & (position < size)
        flat = flat + position * step
        step *= size
    index = np.where(inside, flat, tensor.size)
    padded = np.concatenate([tensor.reshape(-1), np.zeros(1, dtype=tensor.dtype)])
    return padded[index]


def _iverson(condition: Any) -> Any:
    """The Iverson bracket: 1 where the condition holds, 0 elsewhere."""
    return np.where(condition, 1, 0)


def _sigmoid(x: Any) -> Any:
    """The logistic function, without overflow for large |x|."""
    x = np.asarray(x, dtype=float) if np.asarray(x).dtype.kind in "iub" else np.asarray(x)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _erf(x: Any) -> Any:
    """The error function, element by element (NumPy has none; ``math.erf`` on each entry)."""
    import math

    return np.vectorize(math.erf, otypes=[float])(np.asarray(x, dtype=float))


def _floor_div(numerator: Any, denominator: Any) -> Any:
    """``⌊a/b⌋`` for integer arrays (exact), for floats through ``np.floor``."""
    a, b = np.asarray(numerator), np.asarray(denominator)
    if a.dtype.kind in "iu" and b.dtype.kind in "iu":
        return np.floor_divide(a, b)
    return np.floor(a / b)


def _dtype(*arrays: Any) -> Any:
    """The floating dtype of a result: that of the floating inputs (float64 if none)."""
    floats = [np.asarray(a).dtype for a in arrays if np.asarray(a).dtype.kind == "f"]
    return np.result_type(*floats) if floats else np.dtype(np.float64)


#: The helpers, in the order an exported module defines them.
HELPERS = (_align, _read, _iverson, _sigmoid, _erf, _floor_div, _dtype)
