"""Explicit tensors over named entry symbols, and conversions between SymPy and NumPy.

Entry names follow the source being answered: 1-based in the nndl book (``x_{11}``), 0-based in
Dumoulin & Visin (``w_{00}``). A comma separates the indices if and only if one of them can reach
10, so that ``x_{1,10}`` is never confused with ``x_{110}``.

    >>> entries("w", (2, 2), base=0)
    Matrix([
    [w_{00}, w_{01}],
    [w_{10}, w_{11}]])
    >>> entries("x", (1, 10))[0, 9]
    x_{1,10}
    >>> entries("b", (3,))
    [b_{1}, b_{2}, b_{3}]
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product
from typing import Any

import sympy as sp

from symconv.core.numpy_values import is_ndarray
from symconv.errors import ConventionError, ShapeError


def entry_name(name: str, index: Sequence[int], shape: Sequence[int], base: int = 1) -> str:
    """``x_{12}`` or ``x_{1,10}``: the comma appears iff some index can reach 10."""
    if base not in (0, 1):
        raise ConventionError(f"index base {base!r}: expected 0 or 1")
    largest = max((size - 1 + base for size in shape), default=0)
    separator = "," if largest >= 10 else ""
    return f"{name}_{{{separator.join(str(i + base) for i in index)}}}"


def entries(name: str, shape: Sequence[int], base: int = 1) -> Any:
    """A tensor of entry symbols: a ``Matrix`` for 2 axes, an ``Array`` otherwise."""
    shape = tuple(int(size) for size in shape)
    if any(size < 1 for size in shape):
        raise ShapeError(f"shape {shape} of {name!r}: every size must be ≥ 1")
    symbols = [
        sp.Symbol(entry_name(name, index, shape, base)) for index in product(*map(range, shape))
    ]
    if len(shape) == 2:
        return sp.Matrix(shape[0], shape[1], symbols)
    return sp.Array(symbols, shape)


def as_array(value: Any, name: str = "tensor") -> sp.ImmutableDenseNDimArray:
    """Any of Matrix, Array, nested lists or a NumPy array, as an immutable SymPy Array.

    Python ints and fractions become exact SymPy numbers; floats stay floats (numeric input).
    """
    if isinstance(value, sp.NDimArray):
        return sp.ImmutableDenseNDimArray(value)
    if isinstance(value, sp.MatrixBase):
        return sp.ImmutableDenseNDimArray(value.tolist())
    if is_ndarray(value):
        if value.dtype == object:
            return sp.ImmutableDenseNDimArray(value.tolist(), value.shape)
        return sp.ImmutableDenseNDimArray(value.tolist(), value.shape)
    try:
        return sp.ImmutableDenseNDimArray(value)
    except (TypeError, ValueError) as error:
        raise ShapeError(f"{name}: could not read {value!r} as a tensor ({error})") from error


def from_array(array: sp.NDimArray, like: Any) -> Any:
    """Return ``array`` in the type of ``like``: a Matrix for a Matrix, an Array otherwise."""
    if isinstance(like, sp.MatrixBase) and array.rank() == 2:
        return sp.Matrix(array.tolist())
    if isinstance(like, list) and array.rank() == 2:
        return sp.Matrix(array.tolist())
    return array


def is_numeric_input(*values: Any) -> bool:
    """True when every value is a NumPy array of a numeric dtype (the numeric twin applies)."""
    return all(is_ndarray(v) and v.dtype != object for v in values if v is not None)
