"""Notation both the engines and the checker use: extrema over a range of an index.

``\\max_{j=0..p-1} X[sk+j]`` (max pooling) is written by the engines
(:mod:`symconv.problems.engines`) and read by the checker (:mod:`symconv.check.nodes` re-exports
these classes); each node is bound like a sum, never evaluates, and prints as the field writes it.

    >>> import sympy as sp
    >>> X, j, p = sp.symbols("X j p")
    >>> m = MaxOver(X * j, (j, 0, p - 1))
    >>> sorted(m.free_symbols, key=str)
    [X, p]
"""

from __future__ import annotations

from typing import Any

from sympy.concrete.expr_with_limits import ExprWithLimits

__all__ = ["ArgMaxOver", "ArgMinOver", "MaxOver", "MinOver"]


class _Extremum(ExprWithLimits):
    """``\\max_{j=0..p-1} X[sk+j]``: an extremum over a range of an index (bound like a sum)."""

    SYMBOL = r"\max"

    def _latex(self, printer: Any) -> str:
        parts = []
        for limit in self.limits:
            if len(limit) == 3:
                var, low, high = limit
                parts.append(
                    f"{printer._print(var)}={printer._print(low)},\\dots,{printer._print(high)}"
                )
            else:
                parts.append(printer._print(limit[0]))
        return f"{self.SYMBOL}_{{{', '.join(parts)}}} {printer._print(self.function)}"


class MaxOver(_Extremum):
    """The maximum over the limits."""

    #: How the exact evaluator (:mod:`symconv.grad.evaluator`) combines the terms.
    REDUCE = staticmethod(max)


class MinOver(_Extremum):
    """The minimum over the limits."""

    REDUCE = staticmethod(min)

    SYMBOL = r"\min"


class ArgMaxOver(_Extremum):
    """The index of the maximum over the limits."""

    SYMBOL = r"\arg\max"


class ArgMinOver(_Extremum):
    """The index of the minimum over the limits."""

    SYMBOL = r"\arg\min"
