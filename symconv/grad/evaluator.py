"""A compiled, exact evaluator of index expressions — same semantics as
:func:`symconv.core.indexing.evaluate`, built once per expression and run with Python integers and
fractions.

A comparison evaluates the same formula at hundreds of index values; walking the SymPy tree and
rebuilding SymPy numbers at every node each time is what makes that slow. Here the tree is turned
once into nested Python closures: sums become loops over their (inclusive) limits, tensor reads
become array look-ups that read zero out of range, Kronecker deltas, Iverson brackets, range and
divisibility conditions become integer comparisons. Rationals stay exact (``fractions.Fraction``);
functions without an exact rational value (``exp``, ``σ``, ...) and symbolic tensor entries fall
back to SymPy, so the result is exact in every case.

    >>> import sympy as sp

    >>> X, W = sp.IndexedBase("X"), sp.IndexedBase("W")
    >>> j, k = sp.symbols("j k", integer=True)
    >>> run = compile_expression(sp.Sum(W[k] * X[j + k - 1], (k, 0, 2)) / 2)
    >>> [run({"X": [1, 2, 3], "W": [1, -2, 1]}, {j: value}) for value in range(3)]
    [0, 0, -2]
    >>> run({"X": [sp.Symbol("x")], "W": [1, 1, 1]}, {j: 0})
    x/2
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import sympy as sp
from sympy.concrete.expr_with_limits import ExprWithLimits

from symconv.core.indexing import as_lookup
from symconv.core.numpy_values import is_ndarray, is_numpy_scalar
from symconv.core.safe import as_sympy
from symconv.errors import DerivationError, ShapeError
from symconv.grad.conditions import InRange, Iverson
from symconv.grad.entry_polynomials import EntryPolynomial

#: A compiled node: ``(tensors, env) -> value``.
Node = Callable[[Mapping[str, Any], dict[Any, Any]], Any]


def compile_expression(expr: Any) -> Callable[[Mapping[Any, Any], Mapping[Any, Any]], Any]:
    """Compile ``expr``; the result takes ``tensors`` (by name or ``IndexedBase``) and ``env``
    (index symbol → integer) and returns an exact SymPy value."""
    run_raw = compile_raw(expr)
    # The tensors of the last call, made lookups once: callers evaluate one expression at many
    # index values on the same tensors. Kept only for tensors that cannot change in place
    # (immutable SymPy arrays; NumPy arrays are read as they are), keyed by their identities,
    # which the cache keeps alive (so an identity is never reused by another object meanwhile).
    last: list[Any] = [None, None, None]

    def run(tensors: Mapping[Any, Any], env: Mapping[Any, Any]) -> Any:
        if not all(_stable(value) for value in tensors.values()):
            return to_sympy(run_raw(lookups(tensors), env))
        key = tuple((str(name), id(value)) for name, value in tensors.items())
        if key != last[0]:
            last[:] = [key, list(tensors.values()), lookups(tensors)]
        return to_sympy(run_raw(last[2], env))

    return run


def compile_raw(expr: Any) -> Callable[[Mapping[str, Any], Mapping[Any, Any]], Any]:
    """Compile ``expr`` for many evaluations on the same tensors: the result takes ``tensors``
    already made :func:`lookups` and returns the value as the arithmetic left it (a Python
    ``int`` or ``Fraction`` where it is rational, else what the entries' own arithmetic gives —
    SymPy for SymPy entries, an :class:`~symconv.grad.entry_polynomials.EntryPolynomial` for
    polynomial entries).

    >>> import sympy as sp
    >>> X = sp.IndexedBase("X")
    >>> k = sp.Symbol("k", integer=True)
    >>> compile_raw(sp.Sum(X[k], (k, 0, 2)) / 2)(lookups({"X": [1, 2, 4]}), {})
    Fraction(7, 2)
    """
    node = _compile(as_sympy(expr))

    def run_raw(tensors: Mapping[str, Any], env: Mapping[Any, Any]) -> Any:
        bound = {symbol: _to_python(as_sympy(value)) for symbol, value in env.items()}
        return node(tensors, bound)

    return run_raw


def lookups(tensors: Mapping[Any, Any]) -> dict[str, Any]:
    """Tensors by name, each as an array read by a tuple in constant time: SymPy arrays and
    matrices and nested lists become NumPy object arrays of their entries (a SymPy ``Array``'s own
    ``__getitem__`` validates every index with SymPy comparisons), NumPy arrays stay as they are."""
    return {_name(key): _fast(as_lookup(value)) for key, value in tensors.items()}


#: Tensors whose lookups can be reused between calls: they cannot change in place, or (NumPy) are
#: read as they are.
def _stable(tensor: Any) -> bool:
    return is_ndarray(tensor) or isinstance(
        tensor, sp.ImmutableDenseNDimArray | sp.ImmutableSparseNDimArray | sp.ImmutableMatrix
    )


def _fast(tensor: Any) -> Any:
    if isinstance(tensor, sp.NDimArray):
        import numpy as np  # loaded when a formula is evaluated (core/numpy_values.py)

        shape = tuple(int(size) for size in tensor.shape)
        values = _flatten(tensor.tolist(), len(shape)) if shape else [tensor[()]]
        flat = np.empty(len(values), dtype=object)
        flat[:] = values
        return flat.reshape(shape)
    return tensor


def _flatten(nested: Any, rank: int) -> list[Any]:
    if rank == 1:
        return list(nested)
    return [value for row in nested for value in _flatten(row, rank - 1)]


def _name(key: Any) -> str:
    return str(key.label) if isinstance(key, sp.IndexedBase) else str(key)


def _to_python(value: Any) -> Any:
    if isinstance(value, sp.Integer):
        return int(value)
    if isinstance(value, sp.Rational):
        return Fraction(int(value.p), int(value.q))
    return value


def to_sympy(value: Any) -> Any:
    """A value of the compiled arithmetic as SymPy (``int``, ``Fraction``, ``float`` → SymPy)."""
    if isinstance(value, bool):
        return sp.Integer(int(value))
    if isinstance(value, int) or (is_numpy_scalar(value) and value.dtype.kind in "iu"):
        return sp.Integer(int(value))
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, float) or (is_numpy_scalar(value) and value.dtype.kind == "f"):
        return sp.Float(float(value))
    return as_sympy(value)


def _as_index(value: Any, where: sp.Basic) -> int:
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction) and value.denominator == 1:
        return int(value)
    if isinstance(value, sp.Basic) and value.is_Integer:
        return int(value)
    raise DerivationError(f"{where}: index {value} is not a concrete integer")


def _compile(expr: sp.Basic) -> Node:
    if isinstance(expr, sp.Indexed):  # (Indexed reports is_Atom: test it first)
        return _compile_indexed(expr)
    if isinstance(expr, sp.Integer):
        constant_int = int(expr)
        return lambda tensors, env: constant_int
    if isinstance(expr, sp.Rational):
        constant_fraction = Fraction(int(expr.p), int(expr.q))
        return lambda tensors, env: constant_fraction
    if isinstance(expr, sp.Symbol):
        return lambda tensors, env: env.get(expr, expr)
    if expr is sp.true or expr is sp.false:
        truth = bool(expr)
        return lambda tensors, env: truth
    if expr is sp.S.Infinity or expr is sp.S.NegativeInfinity:
        infinite = math.inf if expr is sp.S.Infinity else -math.inf
        return lambda tensors, env: infinite
    if expr.is_Atom:
        return lambda tensors, env: expr
    if isinstance(expr, sp.Sum):
        return _compile_sum(expr)
    reduce = getattr(type(expr), "REDUCE", None)
    if isinstance(expr, ExprWithLimits) and reduce is not None:
        return _compile_sum(expr, reduce)
    args = [_compile(arg) for arg in expr.args]
    if isinstance(expr, sp.Add):

        def add(tensors: Mapping[str, Any], env: dict[Any, Any]) -> Any:
            total: Any = 0  # summed from 0 in order, as sum() does
            for a in args:
                total = total + a(tensors, env)
            return total

        return add
    if isinstance(expr, sp.Mul):

        def multiply(tensors: Mapping[str, Any], env: dict[Any, Any]) -> Any:
            product: Any = 1
            for a in args:
                product = product * a(tensors, env)
                if isinstance(product, int) and product == 0:
                    return 0
            return product

        return multiply
    if isinstance(expr, sp.Pow):
        base, exponent = args
        return lambda tensors, env: _power(base(tensors, env), exponent(tensors, env))
    if isinstance(expr, sp.KroneckerDelta):
        left, right = args
        return lambda tensors, env: _delta(left(tensors, env), right(tensors, env), expr)
    if isinstance(expr, Iverson):
        condition = args[0]
        return lambda tensors, env: 1 if _truth(condition(tensors, env), expr) else 0
    if isinstance(expr, InRange):
        value, lower, upper = args
        return lambda tensors, env: _in_range(
            value(tensors, env), lower(tensors, env), upper(tensors, env)
        )
    if isinstance(expr, sp.And):
        return lambda tensors, env: all(_truth(a(tensors, env), expr) for a in args)
    if isinstance(expr, sp.Or):
        return lambda tensors, env: any(_truth(a(tensors, env), expr) for a in args)
    if isinstance(expr, sp.Not):
        return lambda tensors, env: not _truth(args[0](tensors, env), expr)
    if isinstance(expr, sp.core.relational.Relational):
        return _compile_relation(expr, args)
    if isinstance(expr, sp.Mod):
        dividend, divisor = args
        return lambda tensors, env: _exact_or_sympy(
            dividend(tensors, env), divisor(tensors, env), lambda a, b: a % b, sp.Mod
        )
    if isinstance(expr, sp.floor | sp.ceiling):
        rounding = math.floor if isinstance(expr, sp.floor) else math.ceil
        return lambda tensors, env: _round(args[0](tensors, env), rounding, expr.func)
    if isinstance(expr, sp.Max | sp.Min):
        pick = max if isinstance(expr, sp.Max) else min
        return lambda tensors, env: _extreme([a(tensors, env) for a in args], pick, expr.func)
    if isinstance(expr, sp.Piecewise):
        return _compile_piecewise(expr)
    if isinstance(expr, _relu_class()):
        return lambda tensors, env: _relu(args[0](tensors, env))
    # Any other function: exact SymPy on the evaluated arguments.
    return lambda tensors, env: expr.func(*(to_sympy(a(tensors, env)) for a in args))


def _compile_indexed(expr: sp.Indexed) -> Node:
    name = str(expr.base.label)
    indices = [_compile(index) for index in expr.indices]
    rank = len(indices)

    def read(tensors: Mapping[str, Any], env: dict[Any, Any]) -> Any:
        tensor = tensors.get(name)
        positions = [index(tensors, env) for index in indices]
        if tensor is None:
            return expr.base[tuple(to_sympy(p) for p in positions)]
        shape = tensor.shape
        if len(shape) != rank:
            raise ShapeError(f"{expr}: {rank} indices for a tensor {name} of shape {tuple(shape)}")
        point = tuple([p if type(p) is int else _as_index(p, expr) for p in positions])
        for p, size in zip(point, shape, strict=True):
            if not 0 <= p < size:
                return 0
        value = tensor[point]
        if is_numpy_scalar(value):
            return value.item()
        return _to_python(value) if isinstance(value, sp.Rational) else value

    return read


def _compile_sum(expr: ExprWithLimits, combine: Callable[[Any, Any], Any] | None = None) -> Node:
    """A sum (``combine`` None) or another reduction over the limits — ``max``, ``min`` for
    the extremum nodes that name one as ``REDUCE`` (``\\max_{j=0..p-1} X[sk+j]``, max pooling);
    an extremum over no terms is 0, as the sum is."""
    body = _compile(expr.function)
    limits = [(symbol, _compile(low), _compile(high)) for symbol, low, high in expr.limits]

    def loop(tensors: Mapping[str, Any], env: dict[Any, Any], depth: int) -> Any:
        if depth == len(limits):
            return body(tensors, env)
        symbol, low, high = limits[depth]
        start = _as_index(low(tensors, env), expr)
        stop = _as_index(high(tensors, env), expr)
        saved = env.get(symbol, _MISSING)
        total: Any = 0 if combine is None else _MISSING
        for value in range(start, stop + 1):
            env[symbol] = value
            term = loop(tensors, env, depth + 1)
            if combine is None:
                total = total + term
            else:
                total = term if total is _MISSING else combine(total, term)
        if saved is _MISSING:
            env.pop(symbol, None)
        else:
            env[symbol] = saved
        return 0 if total is _MISSING else total

    return lambda tensors, env: loop(tensors, env, 0)


_MISSING = object()


def _compile_relation(expr: sp.Basic, args: list[Node]) -> Node:
    operators: dict[str, Callable[[Any, Any], bool]] = {
        "==": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
    }
    operator = operators[expr.rel_op]
    left, right = args

    def relation(tensors: Mapping[str, Any], env: dict[Any, Any]) -> Any:
        a, b = left(tensors, env), right(tensors, env)
        if _comparable(a) and _comparable(b):
            return operator(a, b)
        return expr.func(to_sympy(a), to_sympy(b))

    return relation


def _compile_piecewise(expr: sp.Piecewise) -> Node:
    pieces = [(_compile(value), _compile(condition)) for value, condition in expr.args]

    def piecewise(tensors: Mapping[str, Any], env: dict[Any, Any]) -> Any:
        for value, condition in pieces:
            if _truth(condition(tensors, env), expr):
                return value(tensors, env)
        return 0

    return piecewise


def _comparable(value: Any) -> bool:
    return isinstance(value, int | Fraction | float) or (
        isinstance(value, sp.Basic) and value.is_number and value.is_real is True
    )


def _truth(value: Any, where: sp.Basic) -> bool:
    if isinstance(value, bool | int):
        return bool(value)
    if value is sp.true or value is sp.false:
        return bool(value)
    raise DerivationError(f"{where}: condition {value} is not decided at these values")


def _in_range(value: Any, lower: Any, upper: Any) -> bool:
    return bool(lower <= value <= upper)


def _delta(left: Any, right: Any, where: sp.Basic) -> Any:
    if _comparable(left) and _comparable(right):
        return 1 if left == right else 0
    return sp.KroneckerDelta(to_sympy(left), to_sympy(right))


def _power(base: Any, exponent: Any) -> Any:
    if isinstance(base, int | Fraction) and isinstance(exponent, int):
        if base == 0 and exponent < 0:
            return sp.zoo
        return Fraction(base) ** exponent if exponent < 0 else base**exponent
    if isinstance(base, EntryPolynomial) and isinstance(exponent, int) and exponent >= 0:
        return base**exponent
    return to_sympy(base) ** to_sympy(exponent)


def _round(value: Any, rounding: Callable[[Any], int], func: Any) -> Any:
    if isinstance(value, int | Fraction):
        return rounding(value)
    return func(to_sympy(value))


def _extreme(values: list[Any], pick: Callable[..., Any], func: Any) -> Any:
    if all(_comparable(v) for v in values):
        return pick(values)
    return func(*(to_sympy(v) for v in values))


def _relu_class() -> Any:
    """The registry's ``relu``, imported when a node is compiled: building the registry of
    elementwise functions costs a one-line ``symconv check`` a fiftieth of a second, and an
    expression can hold a ``relu`` only once the registry exists."""
    from symconv.grad.functions import relu

    return relu


def _relu(value: Any) -> Any:
    if _comparable(value):
        return value if value > 0 else 0
    return _relu_class()(to_sympy(value))


def _exact_or_sympy(a: Any, b: Any, exact: Callable[[Any, Any], Any], func: Any) -> Any:
    if isinstance(a, int | Fraction) and isinstance(b, int | Fraction) and b != 0:
        return exact(a, b)
    return func(to_sympy(a), to_sympy(b))
