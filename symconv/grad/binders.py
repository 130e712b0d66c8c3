"""Bound indices of sums: make them unique while deriving, give them readable names at the end.

Eliminating a Kronecker delta substitutes an index by an expression. That is safe only if the index
is bound exactly once and nowhere else — ``Σ_k W[k] σ(Σ_k V[k])`` binds ``k`` twice. So every bound
index is first renamed to a fresh ``Dummy`` (:func:`fresh_bound`); when the result is ready,
:func:`readable_bound` gives each bound index its original name again, priming it (``j'``,
``j'_1``) where that name is already free or bound by an enclosing sum.

    >>> import sympy as sp
    >>> k, j = sp.symbols("k j", integer=True)
    >>> W, V = sp.IndexedBase("W"), sp.IndexedBase("V")
    >>> expr = sp.Sum(W[k] * sp.Sum(V[k, j], (k, 0, 2)), (k, 0, 2))
    >>> fresh = fresh_bound(expr)
    >>> sorted({limit[0] for s in sp.preorder_traversal(fresh) if isinstance(s, sp.Sum)
    ...         for limit in s.limits}, key=str)  # two distinct dummies
    [_k, _k]
    >>> readable_bound(fresh)
    Sum(W[k]*Sum(V[k', j], (k', 0, 2)), (k, 0, 2))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sympy as sp
from sympy.core.sorting import default_sort_key

from symconv.core.safe import as_sympy


def fresh_bound(expr: Any, keep: Iterable[sp.Symbol] = ()) -> Any:
    """Rename every bound index of every ``Sum`` to a fresh ``Dummy`` with its name and
    assumptions (inner sums first, so that shadowing is kept); indices in ``keep`` stay.

    Differentiating can leave one dummy bound by two sums (SymPy reuses a sum's index for the
    sum of its derivative); a second pass makes them distinct again.
    """
    kept = frozenset(keep)
    expr = as_sympy(expr)
    if isinstance(expr, sp.Sum):
        body = fresh_bound(expr.function, kept)
        limits = []
        renaming: dict[sp.Symbol, sp.Symbol] = {}
        for limit in expr.limits:
            index, lower, upper = limit
            dummy = index if index in kept else sp.Dummy(index.name, **_plain_assumptions(index))
            renaming.setdefault(index, dummy)  # an index bound twice: the body reads the first
            limits.append((dummy, fresh_bound(lower, kept), fresh_bound(upper, kept)))
        body = relabel(body, renaming)  # at once: one rebuild of the body, not one per limit
        # A later limit may depend on an earlier index (triangular sums): rename there too.
        renamed = []
        for position, (dummy, lower, upper) in enumerate(limits):
            mapping = {
                original[0]: limits[earlier][0]
                for earlier, original in enumerate(expr.limits[:position])
            }
            renamed.append((dummy, lower.xreplace(mapping), upper.xreplace(mapping)))
        return sp.Sum(body, *renamed)
    return _rebuilt(expr, [fresh_bound(arg, kept) for arg in expr.args])


def relabel(expr: Any, mapping: Mapping[sp.Basic, sp.Basic]) -> Any:
    """``expr.xreplace(mapping)`` where ``mapping`` relabels symbols: each to a distinct symbol
    with the same assumptions (a fresh dummy, a readable name). Kronecker deltas are then put
    back in SymPy's canonical order (its sort key) without being decided again: relabelling
    changes no sign and no equality, so ``KroneckerDelta``'s own evaluation — two queries of
    SymPy's assumption system, a millisecond each time — could only reorder its indices. Any
    other mapping is ``xreplace``'s.

    >>> k, a = sp.Dummy("k", integer=True), sp.Dummy("a", integer=True)
    >>> j, i = sp.symbols("j i", integer=True)
    >>> relabel(sp.KroneckerDelta(k, a + 1), {k: j, a: i})
    KroneckerDelta(j, i + 1)
    >>> _ == sp.KroneckerDelta(k, a + 1).xreplace({k: j, a: i})
    True
    """
    if not mapping or not _relabels(mapping):
        return expr.xreplace(mapping)
    return _relabelled(expr, mapping)[0]


def _relabels(mapping: Mapping[sp.Basic, sp.Basic]) -> bool:
    """Whether ``mapping`` takes symbols to distinct symbols with the same assumptions."""
    if len(set(mapping.values())) != len(mapping):
        return False
    return all(
        isinstance(old, sp.Symbol)
        and isinstance(new, sp.Symbol)
        and _plain_assumptions(old) == _plain_assumptions(new)
        for old, new in mapping.items()
    )


def _relabelled(expr: Any, mapping: Mapping[sp.Basic, sp.Basic]) -> tuple[Any, bool]:
    """``(expr relabelled, whether it changed)``: ``Basic._xreplace``'s walk, deltas excepted."""
    if expr in mapping:
        return mapping[expr], True
    if type(expr)._xreplace is not sp.Basic._xreplace:  # a class with a walk of its own
        return expr._xreplace(mapping)
    args = []
    changed = False
    for arg in expr.args:
        if hasattr(arg, "_xreplace"):
            arg, arg_changed = _relabelled(arg, mapping)
            changed |= arg_changed
        args.append(arg)
    if not changed:
        return expr, False
    if type(expr) is sp.KroneckerDelta and len(args) == 2:
        return _relabelled_delta(expr, args[0], args[1]), True
    return expr.func(*args), True


def _relabelled_delta(delta: sp.KroneckerDelta, i: sp.Expr, j: sp.Expr) -> sp.Expr:
    """``KroneckerDelta(i, j)`` for a delta whose indices were relabelled: undecided before, so
    undecided now, in ``KroneckerDelta.eval``'s order (``j`` first where its sort key is
    smaller) — unless the relabelling joined two symbols of its indices (then it decides)."""
    before = delta.args[0].free_symbols | delta.args[1].free_symbols
    if len(i.free_symbols | j.free_symbols) != len(before):
        return sp.KroneckerDelta(i, j)
    if default_sort_key(j) < default_sort_key(i):
        i, j = j, i
    return sp.KroneckerDelta(i, j, evaluate=False)


def primed(name: str) -> str:
    """``j`` → ``j'``; ``j_1`` → ``j'_1`` (the prime on the letter, not on the subscript)."""
    stem, separator, subscript = name.partition("_")
    return f"{stem}'{separator}{subscript}"


def readable_bound(expr: Any, taken: Iterable[str] = ()) -> Any:
    """Give every bound ``Dummy`` a plain symbol with its name, primed where that would clash
    with a free symbol, a name in ``taken`` or an enclosing bound index."""
    expr = as_sympy(expr)
    free_names = {s.name for s in expr.free_symbols if isinstance(s, sp.Symbol)}
    return _rename(expr, frozenset(free_names | set(taken)))


def _rename(expr: sp.Basic, scope: frozenset[str]) -> sp.Basic:
    if isinstance(expr, sp.Sum):
        body = expr.function
        limits = []
        inner_scope = set(scope)
        mapping: dict[sp.Symbol, sp.Symbol] = {}
        body_symbols = [s for s in body.free_symbols if isinstance(s, sp.Symbol)]
        for index, lower, upper in expr.limits:
            lower, upper = relabel(lower, mapping), relabel(upper, mapping)
            lower = _rename(lower, frozenset(inner_scope))
            upper = _rename(upper, frozenset(inner_scope))
            name = index.name
            # A name the body uses freely (another dummy of that name) also clashes visually.
            visible = {s.name for s in body_symbols if s != index}
            while name in inner_scope or name in visible:
                name = primed(name)
            symbol = sp.Symbol(name, **_plain_assumptions(index))
            mapping[index] = symbol
            inner_scope.add(name)
            limits.append((symbol, lower, upper))
        body = _rename(relabel(body, mapping), frozenset(inner_scope))
        return sp.Sum(body, *limits)
    return _rebuilt(expr, [_rename(arg, scope) for arg in expr.args])


def _rebuilt(expr: sp.Basic, args: list[sp.Basic]) -> sp.Basic:
    """``expr`` with the arguments ``args``: ``expr`` itself where none changed (a sum-free
    subtree needs no renaming, and rebuilding it would only evaluate it again)."""
    if all(new is old for new, old in zip(args, expr.args, strict=True)):
        return expr
    return expr.func(*args)


def _plain_assumptions(symbol: sp.Symbol) -> dict[str, Any]:
    assumptions = dict(symbol.assumptions0)
    assumptions.pop("dummy", None)
    return assumptions
