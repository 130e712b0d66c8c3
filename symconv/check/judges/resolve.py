"""Reading a claim in its document: earlier definitions and the problem's values substituted.

A claim sees the definitions made before it in its section (``with $h = 1$``, ``P = 1``,
``f(x) = x^2``) and the values the problem gives (``Z`` of the exercise: ``Z[0, 3]`` is read as
that entry, 0-based as brackets are). :func:`resolve` substitutes them and says which
definitions it used, so that a right result built on a wrong definition can say so.

    >>> import sympy as sp
    >>> from symconv.check.context import DocumentContext, ProblemContext
    >>> from symconv.check.model import Claim, Origin
    >>> K, P = sp.symbols("K P")
    >>> context = DocumentContext()
    >>> problem = ProblemContext(given={"Z": sp.Matrix([[1, 2], [3, 4]])})
    >>> context.define(P, sp.Integer(1), line=1, scope=1, order=1)
    >>> claim = Claim(2, 2, "", "algebra", origin=Origin(id=2, scope=1))
    >>> resolved, used = resolve(K + 2 * P + sp.IndexedBase("Z")[1, 0], claim, context, problem)
    >>> resolved, [d.name for d in used]
    (K + 5, ['P'])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symconv.check import nodes
from symconv.check.context import (
    Definition,
    DocumentContext,
    ProblemContext,
    claim_id,
    claim_scope,
)
from symconv.check.model import Claim
from symconv.core.safe import as_sympy

__all__ = ["free_names", "resolve", "undefined_functions"]

#: Definitions referring to definitions are substituted at most this deep.
MAX_DEPTH = 6


def resolve(
    expr: Any,
    claim: Claim,
    context: DocumentContext,
    problem: ProblemContext,
    *,
    keep: Iterable[Any] = (),
    matrices: bool = False,
) -> tuple[Any, list[Definition]]:
    """``expr`` with the definitions in force at ``claim`` (``context``) and the problem's values
    (``problem``) substituted.

    Names in ``keep`` stay (e.g. the step ``h`` of an expansion). Matrix values replace a name
    only when ``matrices`` is true (a scalar formula mentioning ``w`` is not about the kernel).
    """
    if not isinstance(expr, (sp.Basic, sp.MatrixBase)):
        return expr, []
    kept = {getattr(k, "name", str(k)) for k in keep} | _bound_names(expr)
    # The name a claim defines (``y = [2, 3, 10, 1]``) is not replaced by an earlier
    # definition of it; the problem's value of it still applies. A name restated in its own
    # aligned block (``y &:= … \\ y &= …``) is: the row claims the two values agree.
    link = claim.link
    redefined = None if link is None or link.restated else link.defines
    order, scope = claim_id(claim), claim_scope(claim)
    used: list[Definition] = []
    current = expr
    for _ in range(MAX_DEPTH):
        mapping: dict[Any, Any] = {}
        functions: dict[Any, Any] = {}
        for symbol in _symbols(current):
            if symbol.name in kept:
                continue
            definition = None
            if symbol.name != redefined:
                definition = context.definition_of(symbol, order=order, scope=scope)
            if definition is not None:
                value = definition.value
                if _usable(value, matrices) and value != symbol:
                    mapping[symbol] = value
                    used.append(definition)
                continue
            given = problem.given_value(symbol.name)
            if given is not None and _usable(given, matrices):
                mapping[symbol] = as_sympy(given) if isinstance(given, int) else given
        for applied in _applications(current):
            definition = context.definition_of(
                applied.func.__name__, order=order, scope=scope, arity=len(applied.args)
            )
            if definition is not None and isinstance(definition.value, sp.Lambda):
                functions[applied] = definition.value(*applied.args)
                used.append(definition)
        entries = _given_entries(current, problem)
        mapping.update(entries)
        mapping.update(functions)
        if not mapping:
            break
        current = _substitute(current, mapping)
    return current, _unique(used)


def _bound_names(expr: Any) -> set[str]:
    """Variables of derivatives (``f'(x)``: x stays x even if the document set x = 3)."""
    if not isinstance(expr, sp.Basic):
        return set()
    names = set()
    for derivative in expr.atoms(sp.Derivative):
        names |= {v.name for v in derivative.variables if isinstance(v, sp.Symbol)}
    return names


def _symbols(expr: Any) -> list[sp.Symbol]:
    symbols: set[Any] = getattr(expr, "free_symbols", set())
    return sorted((s for s in symbols if isinstance(s, sp.Symbol)), key=lambda s: s.name)


def _applications(expr: Any) -> list[Any]:
    if isinstance(expr, sp.MatrixBase):
        return [a for entry in expr for a in _applications(entry)]
    if not isinstance(expr, sp.Basic):
        return []
    return sorted(expr.atoms(AppliedUndef), key=str)


def _usable(value: Any, matrices: bool) -> bool:
    if isinstance(value, sp.Lambda):
        return False
    if isinstance(value, (sp.MatrixBase, sp.NDimArray, sp.Tuple, sp.Set, nodes.ListPattern)):
        return matrices
    return isinstance(value, (sp.Basic, int))


def _given_entries(expr: Any, problem: ProblemContext) -> dict[Any, Any]:
    """``Z[0, 3]`` → the entry of the problem's ``Z`` (0-based), where the indices are numbers."""
    if not problem.given or not isinstance(expr, sp.Basic):
        return {}
    found = {}
    for entry in expr.atoms(sp.Indexed):
        value = problem.given_value(str(entry.base.label))
        if value is None or not all(index.is_Integer for index in entry.indices):
            continue
        indices = tuple(int(index) for index in entry.indices)
        try:
            shape = value.shape
            if len(indices) != len(shape) or any(
                not 0 <= i < n for i, n in zip(indices, shape, strict=True)
            ):
                continue
            found[entry] = value[indices]
        except (AttributeError, IndexError, TypeError):
            continue
    return found


def _substitute(expr: Any, mapping: dict[Any, Any]) -> Any:
    """Scalars everywhere; a matrix only for a whole side (``A B`` with named matrices is not
    multiplied out: the parser's symbols commute, so the order of the product is lost)."""
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(lambda entry: _substitute(entry, mapping))
    if expr in mapping:
        return mapping[expr]
    power = _matrix_power(expr, mapping)
    if power is not None:
        return power
    scalar = {k: v for k, v in mapping.items() if not isinstance(v, (sp.MatrixBase, sp.Tuple))}
    return replaced(expr, scalar) if scalar else expr


def replaced(expr: Any, mapping: Mapping[Any, Any]) -> Any:
    """``expr.xreplace(mapping)``, with a derivative by a replaced name taken at the new value:
    ``σ'(z)`` with ``z = wx + b`` is ``σ'(ξ)`` at ``ξ = wx + b`` (SymPy refuses a derivative by
    ``wx + b``, and the line went unjudged with SymPy's error as its reason).

    >>> z, w, x, b = sp.symbols("z w x b")
    >>> sigma = sp.Function("sigma")
    >>> replaced(sp.Derivative(sigma(z), z) * x, {z: w * x + b})
    x*Subs(Derivative(sigma(_z), _z), _z, b + w*x)
    """
    if not isinstance(expr, sp.Basic):
        return expr
    keys = set(mapping)

    def at_point(derivative: sp.Derivative) -> Any:
        moved = [v for v in derivative.variables if v in keys]
        if not moved:
            return derivative
        dummies = {v: sp.Dummy(str(v)) for v in dict.fromkeys(moved)}
        return sp.Subs(derivative.xreplace(dummies), tuple(dummies.values()), tuple(dummies.keys()))

    if keys and expr.has(sp.Derivative):
        expr = expr.replace(lambda node: isinstance(node, sp.Derivative), at_point)
    return expr.xreplace(dict(mapping))


def _matrix_power(expr: Any, mapping: dict[Any, Any]) -> sp.ImmutableMatrix | None:
    """``M^{-1}``, ``M^2`` for a named square matrix, computed exactly (one matrix: its powers
    do not depend on an order of factors); None for anything else or a singular ``M^{-1}``."""
    if not (isinstance(expr, sp.Pow) and expr.exp.is_Integer):
        return None
    value = mapping.get(expr.base)
    if not isinstance(value, sp.MatrixBase) or not value.is_square:
        return None
    if expr.exp < 0 and value.det() == 0:
        return None
    return sp.ImmutableMatrix(value**expr.exp)


def _unique(definitions: list[Definition]) -> list[Definition]:
    seen: set[tuple[str, int]] = set()
    unique = []
    for definition in definitions:
        key = (definition.name, definition.order)
        if key not in seen:
            seen.add(key)
            unique.append(definition)
    return unique


def free_names(expr: Any) -> list[str]:
    """The free symbols' names, sorted."""
    return sorted(getattr(s, "name", str(s)) for s in getattr(expr, "free_symbols", ()))


def undefined_functions(expr: Any) -> list[str]:
    """Names of functions applied but not known (``f(x)``, ``x(t)``)."""
    return sorted({a.func.__name__ for a in _applications(expr)})
