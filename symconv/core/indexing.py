"""Evaluate index expressions (``IndexedBase``/``Sum``) at concrete sizes, exactly.

This is how an index form is instantiated: every ``Sum`` is expanded over its (now concrete)
range and every ``X[a, b]`` is looked up in a concrete tensor, reading zero outside the tensor —
the zero-padding convention of DESIGN.md. It never goes through ``lambdify`` or
``convert_indexed_to_array`` (see DESIGN.md's pitfall on shifted indices).

    >>> import sympy as sp
    >>> X, W = sp.IndexedBase("X"), sp.IndexedBase("W")
    >>> j, k = sp.symbols("j k", integer=True)
    >>> expr = sp.Sum(W[k] * X[j + k - 1], (k, 0, 2))
    >>> evaluate(expr, {X: [1, 2, 3], W: [1, -2, 1]}, {j: 0})
    0
    >>> evaluate(expr, {X: [1, 2, 3], W: [1, -2, 1]}, {j: 1})
    0
    >>> evaluate(expr, {X: [1, 2, 3], W: [1, -2, 1]}, {j: 2})
    -4
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

import sympy as sp

from symconv.core.numpy_values import is_ndarray, is_numpy_scalar
from symconv.core.safe import as_sympy
from symconv.errors import DerivationError, ShapeError


@runtime_checkable
class Lookup(Protocol):
    """Anything with a ``shape`` and entries read by a tuple (a NumPy array, a SymPy Array, or
    a tensor whose entries are drawn when first read)."""

    @property
    def shape(self) -> tuple[int, ...]: ...

    def __getitem__(self, point: Any) -> Any: ...


def as_lookup(tensor: Any) -> Any:
    """A tensor as something indexable by a tuple: NumPy arrays and anything else
    that is a :class:`Lookup` as they are, the rest (nested lists, matrices) as Arrays."""
    if is_ndarray(tensor) or (isinstance(tensor, Lookup) and not isinstance(tensor, sp.MatrixBase)):
        return tensor
    if isinstance(tensor, sp.MatrixBase):
        return sp.ImmutableDenseNDimArray(tensor.tolist())
    if isinstance(tensor, sp.NDimArray):
        return tensor
    return sp.ImmutableDenseNDimArray(tensor)


def _shape(tensor: Any) -> tuple[int, ...]:
    return tuple(int(size) for size in tensor.shape)


def _as_int(value: sp.Expr, where: Any) -> int:
    """``value`` as an int; ``where`` (an expression or text) is printed only on failure."""
    if not (value.is_number and value.is_integer):
        raise DerivationError(f"{where}: index {value} is not a concrete integer")
    return int(value)


def evaluate(
    expr: Any,
    tensors: Mapping[Any, Any],
    env: Mapping[sp.Symbol, Any] | None = None,
) -> Any:
    """Value of ``expr`` with index symbols bound by ``env`` and bases looked up in ``tensors``.

    ``tensors`` maps an ``IndexedBase`` (or its name) to a SymPy Array/Matrix, nested lists or a
    NumPy array. Out-of-range entries read as 0. A base with no tensor stays symbolic.
    """
    lookup = {}
    for base, tensor in tensors.items():
        label = base.label if isinstance(base, sp.IndexedBase) else sp.Symbol(str(base))
        lookup[str(label)] = as_lookup(tensor)
    bound = {sym: as_sympy(value) for sym, value in (env or {}).items()}
    return _evaluate(as_sympy(expr), lookup, bound)


def _evaluate(expr: sp.Basic, lookup: Mapping[str, Any], env: Mapping[sp.Symbol, Any]) -> Any:
    if isinstance(expr, sp.Symbol):
        return env.get(expr, expr)
    if isinstance(expr, sp.Indexed):  # (Indexed reports is_Atom: test it first)
        name = str(expr.base.label)
        indices = [_evaluate(index, lookup, env) for index in expr.indices]
        if name not in lookup:
            return expr.base[tuple(indices)]
        tensor = lookup[name]
        shape = _shape(tensor)
        if len(indices) != len(shape):
            raise ShapeError(f"{expr}: {len(indices)} indices for a tensor {name} of shape {shape}")
        position = tuple(_as_int(index, expr) for index in indices)
        if any(not 0 <= p < size for p, size in zip(position, shape, strict=True)):
            return sp.Integer(0)
        value = tensor[position]
        return as_sympy(value.item() if is_numpy_scalar(value) else value)
    if expr.is_Atom:
        return expr
    if isinstance(expr, sp.Sum):
        return _evaluate_sum(expr.function, list(expr.limits), lookup, env)
    if isinstance(expr, sp.KroneckerDelta):
        left, right = (_evaluate(arg, lookup, env) for arg in expr.args)
        return sp.KroneckerDelta(left, right)
    args = [_evaluate(arg, lookup, env) for arg in expr.args]
    return expr.func(*args)


def _evaluate_sum(
    body: sp.Basic,
    limits: list[tuple[Any, ...]],
    lookup: Mapping[str, Any],
    env: Mapping[sp.Symbol, Any],
) -> Any:
    if not limits:
        return _evaluate(body, lookup, env)
    symbol, low, high = limits[0]
    low_value = _as_int(_evaluate(low, lookup, env), f"lower limit of {symbol}")
    high_value = _as_int(_evaluate(high, lookup, env), f"upper limit of {symbol}")
    total: Any = sp.Integer(0)
    for value in range(low_value, high_value + 1):
        inner = {**env, symbol: sp.Integer(value)}
        total += _evaluate_sum(body, limits[1:], lookup, inner)
    return total
