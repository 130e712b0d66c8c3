"""Entries written with function-style indices, decided over the whole document.

Notes on convolutional layers often index a tensor the way a function is applied: ``Y(i, j,
k_{in})``, ``Z(i', j', k)``, ``W(i - i', j - j', k_{in}, k)``. Applied to two or more indices,
such a name is either a function of those integers or a tensor's entry — the same thing for a
name nothing else defines, but only an entry can be differentiated by, be a tensor of a forward
formula, or carry a gradient. The document says which once it differentiates by the name
(``\\partial \\mathcal{L} / \\partial W(i', j', k_{in}, k)``): then ``W`` is a tensor of that many
indices, and every application of ``W`` to that many index expressions, on any line, before or
after, is an entry of it (:attr:`SymbolTable.entry_calls`).

A name is left alone when the document also applies it, with that many arguments, to something
that is no index (``W(X, Y)`` of quantities, ``f(Z(i, j, k))`` of an entry): then it is a function
somewhere, and which application means what is not for the reader to guess.

    >>> from symconv.check.parser import parse_math
    >>> parses = [parse_math(r"Z(i', j') = W(i - i', j - j') Y(i, j)"),
    ...           parse_math(r"\\frac{\\partial L}{\\partial W(a, b)} = 0")]
    >>> sorted(entry_calls(parses))
    [('W', 2)]
    >>> parses.append(parse_math(r"W(X, Y) = X Y"))
    >>> sorted(entry_calls(parses))
    []
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symconv.check import nodes
from symconv.check.parsed import Ambiguous, MathParse
from symconv.check.read_names import indices_only
from symconv.check.symbols import name_key
from symconv.grad.notation import split_gradient_label

__all__ = ["applies_as_function", "entry_calls"]


def entry_calls(parses: Iterable[MathParse]) -> frozenset[tuple[str, int]]:
    """The ``(name, count)`` pairs the document differentiates by (an entry of ``count``
    indices, ``count`` ≥ 2) and never applies to ``count`` arguments that are not indices."""
    differentiated: set[tuple[str, int]] = set()
    not_indices: set[tuple[str, int]] = set()
    for parsed in parses:
        for expr in _expressions(parsed):
            differentiated |= _differentiated_entries(expr)
            for call in expr.atoms(AppliedUndef):
                if not indices_only(call.args):
                    not_indices.add((name_key(call.func.__name__), len(call.args)))
    return frozenset(
        (name, count)
        for name, count in differentiated
        if count >= 2 and (name, count) not in not_indices
    )


def applies_as_function(parsed: MathParse, calls: frozenset[tuple[str, int]]) -> bool:
    """The segment read some application ``W(...)`` of ``calls`` as a function's value (it was
    read before the document showed that W is a tensor): read it again.

    >>> from symconv.check.parser import parse_math
    >>> applies_as_function(parse_math("Z(a, b) = W(a, b) + 1"), frozenset({("W", 2)}))
    True
    >>> applies_as_function(parse_math("Z(a) = W(a) + 1"), frozenset({("W", 2)}))
    False
    """
    for expr in _expressions(parsed):
        for call in expr.atoms(AppliedUndef):
            key = (name_key(call.func.__name__), len(call.args))
            if key in calls and indices_only(call.args):
                return True
    return False


def _expressions(parsed: MathParse) -> Iterator[sp.Basic]:
    """Every side of every reading of the segment."""
    for statement in parsed.statements:
        chains = statement.readings if isinstance(statement, Ambiguous) else (statement,)
        for chain in chains:
            for side in chain.sides:
                expr = side.expr if side is not None else None
                if isinstance(expr, sp.Basic):
                    yield expr


def _differentiated_entries(expr: sp.Basic) -> set[tuple[str, int]]:
    """``(W, 4)`` for ``∂J/∂W[i', j', k_in, k]`` and for ``∂Z[…]/∂W[i', j', k_in, k]``."""
    found: set[tuple[str, int]] = set()
    for entry in expr.atoms(sp.Indexed):
        parts = split_gradient_label(str(entry.base.label))
        if parts is not None:
            found.add((name_key(parts[1]), len(entry.indices)))
    for node in expr.atoms(nodes.Partial):
        for variable in _variables(node):
            if isinstance(variable, sp.Indexed):
                found.add((name_key(str(variable.base.label)), len(variable.indices)))
    return found


def _variables(node: Any) -> tuple[Any, ...]:
    """What a :class:`~symconv.check.nodes.Partial` differentiates by (all but its first)."""
    return tuple(node.args[1:])
