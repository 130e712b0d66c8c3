"""Vector claims read at a small concrete size: ``y = \\mathrm{softmax}(z)``, ``∂y_i/∂z_j``.

A claim about vectors of unstated length n (``\\frac{\\partial y_i}{\\partial z_j} =
y_i(\\delta_{ij} - y_j)``, ``\\frac{\\partial L}{\\partial z} = y - t``) is checked at n = 3: each
vector becomes three component symbols, definitions made earlier in the document
(``y = \\mathrm{softmax}(z)``, ``L = -\\sum_i t_i \\log y_i``) are written out in them, a sum
over an unstated range runs over the three components, and an assumed ``\\sum_i t_i = 1``
fixes the last component of t. Every index of the claim then takes every value 0..n−1, and both
sides are compared at random points.

    >>> import sympy as sp
    >>> z, y = sp.IndexedBase("z"), sp.IndexedBase("y")
    >>> i = sp.Symbol("i")
    >>> space = VectorSpace(2, {"y": sp.Function("softmax")(sp.Symbol("z"))}, [], vectors={"z"})
    >>> space.value(y[i], {i: 0})
    exp(z[0])/(exp(z[0]) + exp(z[1]))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symconv.check import nodes
from symconv.check.judges.functions import ELEMENTWISE
from symconv.core.safe import as_sympy

__all__ = [
    "StatedRanges",
    "VectorError",
    "VectorSpace",
    "index_symbols",
    "stated_ranges",
    "vector_names",
]


class VectorError(Exception):
    """The claim is outside what is instantiated here (the message says why)."""


def vector_names(exprs: Iterable[Any]) -> set[str]:
    """Names used as vectors: indexed (``y_i``), or the argument of softmax."""
    names: set[str] = set()
    for expr in exprs:
        if not isinstance(expr, sp.Basic):
            continue
        for entry in expr.atoms(sp.Indexed):
            if not str(entry.base.label).startswith("∂"):
                names.add(str(entry.base.label))
        for applied in expr.atoms(AppliedUndef):
            if applied.func.__name__ == "softmax":
                names |= {a.name for a in applied.args if isinstance(a, sp.Symbol)}
    return names


def index_symbols(exprs: Iterable[Any]) -> list[sp.Symbol]:
    """Free symbols used as indices (in an entry or a Kronecker delta), not bound by a sum."""
    found: set[sp.Symbol] = set()
    for expr in exprs:
        if not isinstance(expr, sp.Basic):
            continue
        bound = set()
        for total in expr.atoms(sp.Sum):
            bound |= {limit[0] for limit in total.limits}
        for entry in expr.atoms(sp.Indexed):
            for index in entry.indices:
                found |= {s for s in index.free_symbols if isinstance(s, sp.Symbol)}
        for delta in expr.atoms(sp.KroneckerDelta):
            for index in delta.args:
                found |= {s for s in index.free_symbols if isinstance(s, sp.Symbol)}
        found -= bound
    return sorted(found, key=lambda s: s.name)


@dataclass(frozen=True)
class StatedRanges:
    """Sums over stated ranges that all run over whole vectors: where the indices start and
    the names of the lengths (``Σ_{n=1}^{N}``: base 1, lengths {N})."""

    base: int
    lengths: frozenset[sp.Symbol]


def stated_ranges(exprs: Iterable[Any]) -> StatedRanges | None:
    """The reading of the stated ranges of ``exprs``' sums as whole vectors, or None.

    ``Σ_{n=1}^{N}`` and ``Σ_{k=0}^{K-1}`` run over a vector of length N (or K) indexed from 1
    (or 0). A claim read at length 3 then sets N to 3 and its indices run 1 … 3: the same
    representative reading as a sum over an unstated range. Every stated range must have one
    base and a name for its length; anything else (``Σ_{n=2}^{N}``, a number as the bound,
    bases mixed) is no such reading (None), and such a sum stays uninstantiated.

    >>> n, N, k, K = sp.symbols("n N k K")
    >>> y = sp.IndexedBase("y")
    >>> stated_ranges([sp.Sum(y[n], (n, 1, N)) / N])
    StatedRanges(base=1, lengths=frozenset({N}))
    >>> stated_ranges([sp.Sum(y[k], (k, 0, K - 1))]).base
    0
    >>> stated_ranges([sp.Sum(y[n], (n, 1, N)), sp.Sum(y[k], (k, 0, K - 1))]) is None
    True
    >>> stated_ranges([sp.Sum(y[n], (n, 2, N))]) is None
    True
    """
    bases: set[int] = set()
    lengths: set[sp.Symbol] = set()
    for expr in exprs:
        if not isinstance(expr, sp.Basic):
            continue
        for total in expr.atoms(sp.Sum):
            for _, low, high in total.limits:
                if low == -sp.oo and high == sp.oo:
                    continue
                if not (low.is_Integer and int(low) in (0, 1)):
                    return None
                length = sp.expand(high - low + 1)
                if not isinstance(length, sp.Symbol):
                    return None
                bases.add(int(low))
                lengths.add(length)
    if len(bases) != 1:
        return None
    return StatedRanges(bases.pop(), frozenset(lengths))


class VectorSpace:
    """Vectors of length ``size`` as component symbols, with the document's definitions
    (``name → value``) and assumed sums (``Σ_i t_i = 1``)."""

    def __init__(
        self,
        size: int,
        definitions: Mapping[str, Any],
        constraints: Sequence[tuple[Any, Any]],
        vectors: Iterable[str] = (),
        ranges: StatedRanges | None = None,
    ) -> None:
        self.size = size
        #: Where indices start (1 for ``Σ_{n=1}^{N}``) and the size names set to ``size``.
        self.base = ranges.base if ranges is not None else 0
        self.lengths = ranges.lengths if ranges is not None else frozenset()
        self.definitions = dict(definitions)
        self.vectors = set(vectors) | {
            name for name, value in self.definitions.items() if _is_vector_value(value)
        }
        for value in self.definitions.values():
            self.vectors |= vector_names([value])
        self.free: dict[str, list[sp.Symbol]] = {}
        self.fixed: dict[sp.Symbol, Any] = {}
        self._cache: dict[str, Any] = {}
        for lhs, rhs in constraints:
            self._constrain(lhs, rhs)

    # -- components ----------------------------------------------------------------------------
    def components(self, name: str) -> list[Any]:
        if name in self._cache:
            return list(self._cache[name])
        definition = self.definitions.get(name)
        if isinstance(definition, sp.Lambda):  # p_k = e^{z_k} / Σ_j e^{z_j}, entry by entry
            (index,) = definition.variables
            values = [self.value(definition.expr, {index: sp.Integer(k)}) for k in self.indices()]
            if any(isinstance(v, sp.MatrixBase) for v in values):
                raise VectorError(f"an entry of {name} is defined as a vector")
            self._cache[name] = values
            return list(values)
        if name in self.definitions:
            value = self.value(self.definitions[name], {})
            if not isinstance(value, sp.MatrixBase):
                raise VectorError(f"{name} is defined as a scalar, used as a vector")
            values = list(value)
        else:
            symbols = self.free.setdefault(
                name, [sp.Symbol(f"{name}[{k}]") for k in range(self.size)]
            )
            values = [self.fixed.get(s, s) for s in symbols]
        self._cache[name] = values
        return list(values)

    def variables(self) -> list[sp.Symbol]:
        """The free component symbols (those not fixed by a constraint)."""
        return [s for symbols in self.free.values() for s in symbols if s not in self.fixed]

    def _constrain(self, lhs: Any, rhs: Any) -> None:
        """``Σ_i t_i = c`` fixes the last component of t."""
        if not (
            isinstance(lhs, sp.Sum)
            and len(lhs.limits) == 1
            and isinstance(lhs.function, sp.Indexed)
        ):
            return
        entry = lhs.function
        if entry.indices != (lhs.limits[0][0],):
            return
        name = str(entry.base.label)
        symbols = self.free.setdefault(name, [sp.Symbol(f"{name}[{k}]") for k in range(self.size)])
        self.fixed[symbols[-1]] = rhs - sp.Add(*symbols[:-1])

    # -- values --------------------------------------------------------------------------------
    def value(self, expr: Any, env: Mapping[Any, Any]) -> Any:
        """The value of ``expr`` with the indices in ``env``: a scalar or a column vector."""
        if isinstance(expr, sp.Number):
            return expr
        if isinstance(expr, sp.Symbol):
            return self._symbol(expr, env)
        if isinstance(expr, sp.Indexed):
            return self._entry(expr, env)
        if isinstance(expr, sp.KroneckerDelta):
            a, b = (self._index(arg, env) for arg in expr.args)
            return sp.Integer(1 if a == b else 0)
        if isinstance(expr, sp.Sum):
            return self._sum(expr, env)
        if isinstance(expr, nodes.Partial):
            of, *wrt = expr.args
            value = self.value(of, env)
            for variable in wrt:
                component = self.value(variable, env)
                if not isinstance(component, sp.Symbol):
                    raise VectorError(f"∂/∂{variable}: not a component")
                value = sp.diff(value, component)
            return value
        if isinstance(expr, sp.Derivative):
            return self._derivative(expr, env)
        if isinstance(expr, AppliedUndef):
            return self._apply(expr, env)
        if isinstance(expr, (sp.Add, sp.Mul, sp.Pow)) or (
            isinstance(expr, sp.Function) and len(expr.args) == 1
        ):
            return self._operation(expr, env)
        raise VectorError(f"{type(expr).__name__} is not instantiated here")

    def _symbol(self, symbol: sp.Symbol, env: Mapping[Any, Any]) -> Any:
        if symbol in env:
            return env[symbol]
        if symbol in self.lengths:
            return sp.Integer(self.size)
        name = symbol.name
        if name in self.definitions or name in self.free or name in self._vector_like():
            if name in self.definitions and not _is_vector_value(self.definitions[name]):
                return self.value(self.definitions[name], env)
            return sp.Matrix(self.components(name))
        return symbol

    def _vector_like(self) -> set[str]:
        return set(self.free) | self.vectors

    def _index(self, index: Any, env: Mapping[Any, Any]) -> int:
        value = as_sympy(as_sympy(index).xreplace({k: as_sympy(v) for k, v in env.items()}))
        if not value.is_Integer:
            raise VectorError(f"the index {index} has no value")
        return int(value)

    def _entry(self, entry: sp.Indexed, env: Mapping[Any, Any]) -> Any:
        if len(entry.indices) != 1:
            raise VectorError(f"{entry}: only vectors (one index) are instantiated")
        position = self._index(entry.indices[0], env) - self.base
        values = self.components(str(entry.base.label))
        if not 0 <= position < self.size:
            return sp.Integer(0)
        return values[position]

    def _sum(self, total: sp.Sum, env: Mapping[Any, Any]) -> Any:
        body = total.function
        assignments: list[dict[Any, Any]] = [dict(env)]
        for variable, low, high in total.limits:
            if (low == -sp.oo and high == sp.oo) or self._runs_over_all(low, high):
                values = range(self.base, self.base + self.size)
            else:
                raise VectorError("a sum with a stated range is not instantiated at a size")
            assignments = [{**a, variable: sp.Integer(v)} for a in assignments for v in values]
        terms = [self.value(body, a) for a in assignments]
        result = terms[0]
        for term in terms[1:]:
            result = result + term
        return result

    def _runs_over_all(self, low: Any, high: Any) -> bool:
        """Whether a stated range is all of a vector: ``n = 1 … N`` with N a size name read as
        the length (see :func:`stated_ranges`)."""
        return low == self.base and any(high == length + self.base - 1 for length in self.lengths)

    def indices(self) -> range:
        """The values an index takes: ``base … base + size − 1``."""
        return range(self.base, self.base + self.size)

    def _derivative(self, derivative: sp.Derivative, env: Mapping[Any, Any]) -> Any:
        value = self.value(derivative.expr, env)
        for variable, count in derivative.variable_count:
            target = self.value(variable, env)
            for _ in range(int(count)):
                if isinstance(target, sp.MatrixBase):
                    if isinstance(value, sp.MatrixBase):
                        raise VectorError("a Jacobian written as ∂y/∂z is not instantiated")
                    value = sp.Matrix([sp.diff(value, c) for c in target])
                elif isinstance(target, sp.Symbol):
                    if target not in _symbols_of(value) and _symbols_of(value):
                        # ∂_x f_i with f a sampled function the document never writes in x:
                        # its derivative is unknown, not 0
                        raise VectorError(
                            f"{derivative.expr} is not defined in terms of {variable} (its "
                            f"derivative with respect to {variable} is unknown)"
                        )
                    value = sp.diff(value, target)
                else:
                    raise VectorError(f"∂/∂{variable}: not a variable")
        return value

    def _apply(self, applied: AppliedUndef, env: Mapping[Any, Any]) -> Any:
        name = applied.func.__name__
        arguments = [self.value(a, env) for a in applied.args]
        # softmax(z)_i = e^{z_i} / Σ_k e^{z_k} (Goodfellow et al., *Deep Learning*, §6.2.2.3)
        if name == "softmax" and len(arguments) == 1 and isinstance(arguments[0], sp.MatrixBase):
            exps = [sp.exp(c) for c in arguments[0]]
            total = sp.Add(*exps)
            return sp.Matrix([e / total for e in exps])
        if name in ELEMENTWISE and len(arguments) == 1:
            function = ELEMENTWISE[name][0]
            argument = arguments[0]
            if isinstance(argument, sp.MatrixBase):
                return argument.applyfunc(function)
            return function(argument)
        raise VectorError(f"{name} is not defined")

    def _operation(self, expr: Any, env: Mapping[Any, Any]) -> Any:
        arguments = [self.value(a, env) for a in expr.args]
        vectors = [a for a in arguments if isinstance(a, sp.MatrixBase)]
        if isinstance(expr, sp.Add):
            if vectors and len(vectors) != len(arguments):
                raise VectorError(f"{expr}: a vector plus a scalar")
            result = arguments[0]
            for argument in arguments[1:]:
                result = result + argument
            return result
        if isinstance(expr, sp.Mul):
            if len(vectors) > 1:
                raise VectorError(f"{expr}: a product of two vectors (which product?)")
            result = sp.Integer(1)
            for argument in arguments:
                result = (
                    argument * result if isinstance(argument, sp.MatrixBase) else result * argument
                )
            return result
        if vectors:
            if isinstance(expr, sp.Pow):
                raise VectorError(f"{expr}: a power of a vector")
            return vectors[0].applyfunc(expr.func)
        return expr.func(*arguments)


def _symbols_of(value: Any) -> set[Any]:
    if isinstance(value, sp.MatrixBase):
        return {s for entry in value for s in getattr(entry, "free_symbols", set())}
    return set(getattr(value, "free_symbols", set()))


def _is_vector_value(value: Any) -> bool:
    if isinstance(value, sp.MatrixBase | sp.Lambda):  # a Lambda: a vector entry by entry
        return True
    return isinstance(value, AppliedUndef) and value.func.__name__ == "softmax"
