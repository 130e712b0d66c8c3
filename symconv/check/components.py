"""Index formulas written with whole tensors: read them entry by entry.

DESIGN.md: inside an index formula, ``\\frac{\\partial J}{\\partial U}`` written without indices
means the component at the left side's indices. ``∂J/∂Z[i,j] = \\frac{\\partial J}{\\partial U}
\\, U (1 - U)`` is read as ``∂J/∂Z[i,j] = ∂J/∂U[i,j] U[i,j] (1 - U[i,j])`` once U is known to be a
tensor (declared, or indexed elsewhere in the document).

    >>> import sympy as sp
    >>> from symconv.check.parser import parse_math
    >>> chain = parse_math(r"\\frac{\\partial J}{\\partial Z[i,j]} = "
    ...                    r"\\frac{\\partial J}{\\partial U} U (1 - U)").single()
    >>> lhs, rhs = (side.expr for side in chain.sides)
    >>> componentwise(rhs, lhs.indices, tensors={"U"})
    (1 - U[i, j])*U[i, j]*∂J/∂U[i, j]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import sympy as sp


def componentwise(
    expr: Any,
    indices: Sequence[Any],
    *,
    tensors: Iterable[str],
    gradient_base: Callable[[str, str], Any] | None = None,
) -> Any:
    """``expr`` with each tensor written bare (``U``) read as its entry ``U[indices]``, and each
    ``∂J/∂U`` (a ``Derivative`` of a name by a bare tensor) as the gradient entry
    ``∂J/∂U[indices]`` (an ``IndexedBase`` labelled ``∂J/∂U``, or made by ``gradient_base``)."""
    names = set(tensors)
    index = tuple(indices)

    def base(of: str, wrt: str) -> Any:
        return gradient_base(of, wrt) if gradient_base else sp.IndexedBase(f"∂{of}/∂{wrt}")

    derivatives = {}
    for node in sp.preorder_traversal(expr):
        if (
            isinstance(node, sp.Derivative)
            and isinstance(node.expr, sp.Symbol)
            and len(node.variable_count) == 1
            and node.variable_count[0][1] == 1
            and isinstance(node.variables[0], sp.Symbol)
            and node.variables[0].name in names
        ):
            derivatives[node] = base(node.expr.name, node.variables[0].name)[index]
    replaced = expr.xreplace(derivatives) if derivatives else expr
    bare = {
        symbol: sp.IndexedBase(symbol.name)[index]
        for symbol in getattr(replaced, "free_symbols", ())
        if isinstance(symbol, sp.Symbol) and symbol.name in names
    }
    return replaced.xreplace(bare) if bare else replaced
