"""An undefined function stays undefined: its values and derivatives at a point are unknowns.

A write-up's activation ``f_a`` is any function: ``f_a(x)`` and ``f_a'(x)`` at an entry are two
numbers nothing fixes. Two expressions in them are equal for every function when they are equal as
expressions in these unknowns; they differ for some function when they differ at some values —
a smooth function with given values and slopes at distinct points exists (a polynomial through
them, Hermite interpolation: Burden & Faires, *Numerical Analysis*, §3.4).

    >>> x = sp.Symbol("x")
    >>> f = sp.Function("f")
    >>> (value,), unknowns = with_unknowns(f(x) * sp.Derivative(f(x), x))
    >>> value
    f'(x)*f(x)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symconv.check.shown import show
from symconv.core.safe import as_sympy

__all__ = ["Unknowns", "with_unknowns"]


@dataclass(frozen=True)
class Unknowns:
    """Each value ``f(a)`` and derivative ``f^{(n)}(a)`` of an undefined function, a symbol."""

    symbols: dict[Any, tuple[str, int, Any]]

    def realisable(self, point: dict[Any, Any]) -> bool:
        """True if a function takes the point's values: where two unknowns of one function and
        order sit at the same argument there, they agree."""
        seen: dict[tuple[str, int, Any], Any] = {}
        for symbol, (function, count, argument) in self.symbols.items():
            at = as_sympy(argument).xreplace(point)
            key = (function, count, at)
            value = point.get(symbol)
            if key in seen and seen[key] != value:
                return False
            seen[key] = value
        return True


def with_unknowns(*exprs: Any) -> tuple[list[Any], Unknowns]:
    """The expressions with each undefined function's values and derivatives as symbols."""
    table: dict[tuple[str, int, Any], sp.Symbol] = {}

    def unknown(function: Any, count: int, argument: Any) -> sp.Symbol:
        key = (function.__name__, count, argument)
        if key not in table:
            marks = "'" * count if count <= 3 else f"^({count})"
            table[key] = sp.Symbol(f"{function.__name__}{marks}({show(argument)})")
        return table[key]

    def derivative(node: Any) -> Any:
        if isinstance(node, sp.Subs):
            inner, (dummy,), (argument,) = node.expr, node.variables, node.point
            if (
                isinstance(inner, sp.Derivative)
                and isinstance(inner.expr, AppliedUndef)
                and inner.expr.args == (dummy,)
                and set(inner.variables) == {dummy}
            ):
                return unknown(inner.expr.func, len(inner.variables), argument)
        if isinstance(node, sp.Derivative) and isinstance(node.expr, AppliedUndef):
            (argument,) = node.expr.args
            if set(node.variables) == {argument}:
                return unknown(node.expr.func, len(node.variables), argument)
        return None

    results = []
    for expr in exprs:
        expr = expr.replace(lambda n: derivative(n) is not None, lambda n: derivative(n))
        expr = expr.replace(
            lambda n: isinstance(n, AppliedUndef) and len(n.args) == 1,
            lambda n: unknown(n.func, 0, n.args[0]),
        )
        results.append(expr)
    symbols = {symbol: key for key, symbol in table.items()}
    return results, Unknowns(symbols)
