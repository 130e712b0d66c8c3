"""Probable typos: a wrong claim that becomes right after one plausible change of a token.

Candidates, each tried with the judge's own test (``holds``):

* a name for a related name present in the claim or the document: ``Δ`` ↔ ``Δt`` (one name is
  the other plus a letter), ``j`` ↔ ``j_1`` (plus a subscript), ``x_{12}`` ↔ ``w_{12}`` (the same
  entry of another tensor);
* a sign flip of one term of a sum (``σ(1 + σ)`` for ``σ(1 − σ)``), or of a whole side.

The claim stays *wrong*; the diagnosis names the likely intent.

    >>> import sympy as sp
    >>> w11, w12, x12, x13 = sp.symbols("w_{11} w_{12} x_{12} x_{13}")
    >>> holds = lambda lhs, rhs: sp.expand(lhs - rhs) == 0
    >>> diagnose(w11 * x12 + w12 * x13, w11 * x12 + x12 * x13, holds)
    'probable typo: x_{12} where w_{12} was meant'
    >>> s = sp.Symbol("s")
    >>> diagnose(s * (1 - s), s * (1 + s), holds)
    'probable sign error: 1 + s where 1 - s was meant'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import sympy as sp

from symconv.check.shown import display_name, show
from symconv.check.symbols import entry_indices, name_key

__all__ = ["diagnose", "related_names"]

#: Candidates tried at most (each costs one evaluation of the claim).
MAX_CANDIDATES = 40

Holds = Callable[[Any, Any], "bool | None"]


def related_names(a: str, b: str) -> bool:
    """True if ``b`` is a plausible slip for ``a`` or back: ``Δ``/``Δt``, ``j``/``j_1``,
    ``x_{12}``/``w_{12}``.

    >>> related_names("Delta", "\\\\Delta t"), related_names("j", "j_1"), related_names("x", "y")
    (True, True, False)
    """
    if a == b:
        return False
    ka, kb = name_key(a), name_key(b)
    entry_a, entry_b = entry_indices(a), entry_indices(b)
    if entry_a and entry_b:
        return entry_a[1] == entry_b[1] and entry_a[0] != entry_b[0]
    short, long = sorted((ka, kb), key=len)
    if long.startswith(short) and len(long) > len(short):
        suffix = long[len(short) :]
        return re.fullmatch(r"_?\w|_\d+|[a-zA-Z]", suffix) is not None
    return False


def _symbols(expr: Any) -> set[sp.Symbol]:
    if isinstance(expr, sp.MatrixBase):
        return {s for entry in expr for s in _symbols(entry)}
    return {s for s in getattr(expr, "free_symbols", set()) if isinstance(s, sp.Symbol)}


def _occurrences(expr: Any, old: Any) -> int:
    """Occurrences as written: ``x_{12} x_{12}`` (SymPy's ``x_{12}**2``) is two."""
    if isinstance(expr, sp.MatrixBase):
        return sum(_occurrences(entry, old) for entry in expr)
    if expr == old:
        return 1
    if _is_repeated(expr, old):
        return int(expr.exp)
    return sum(_occurrences(arg, old) for arg in getattr(expr, "args", ()))


def _is_repeated(expr: Any, old: Any) -> bool:
    return (
        isinstance(expr, sp.Pow)
        and expr.base == old
        and expr.exp.is_Integer
        and 2 <= int(expr.exp) <= 4
    )


def _replace_nth(expr: Any, old: Any, new: Any, n: int) -> Any:
    """``expr`` with only the ``n``-th occurrence (preorder) of ``old`` replaced by ``new``."""
    counter = [n]

    def walk(node: Any) -> Any:
        if counter[0] < 0:
            return node
        if node == old:
            counter[0] -= 1
            return new if counter[0] == -1 else node
        if _is_repeated(node, old):
            power = int(node.exp)
            if counter[0] < power:
                counter[0] = -1
                return new * old ** (power - 1)
            counter[0] -= power
            return node
        if not getattr(node, "args", ()) or isinstance(node, (sp.Symbol, sp.Number)):
            return node
        args = [walk(arg) for arg in node.args]
        return (
            node.func(*args)
            if any(a is not b for a, b in zip(args, node.args, strict=True))
            else node
        )

    if isinstance(expr, sp.MatrixBase):
        entries = [walk(entry) for entry in expr]
        return sp.ImmutableMatrix(expr.rows, expr.cols, entries)
    return walk(expr)


def _sign_flips(expr: Any) -> Iterable[tuple[Any, str]]:
    """``expr`` with one term of one sum negated, with a description."""
    if not isinstance(expr, sp.Basic) or isinstance(expr, sp.MatrixBase):
        return
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Add):
            for term in node.args:
                flipped = sp.Add(*[(-t if t is term else t) for t in node.args])
                written = _show(node)
                if len(written) <= 30:
                    description = f"{written} where {_show(flipped)} was meant"
                else:
                    description = f"the sign of the term {_show(term)}"
                yield expr.xreplace({node: flipped}), description


def _show(expr: Any) -> str:
    return show(expr, order="none")


def diagnose(
    lhs: Any,
    rhs: Any,
    holds: Holds,
    pool: Iterable[sp.Symbol] = (),
    limit: int = MAX_CANDIDATES,
) -> str | None:
    """The likely intent of a wrong ``lhs = rhs``, if one change makes it hold.

    ``pool`` adds names from the document (the claim's own names are always candidates).
    """
    names = _symbols(lhs) | _symbols(rhs) | set(pool)
    tried = 0
    # A name for a related name, on either side (the written one is more often the slip: rhs).
    for side_index, side in ((1, rhs), (0, lhs)):
        for symbol in sorted(_symbols(side), key=lambda s: s.name):
            for other in sorted(names, key=lambda s: s.name):
                if not related_names(symbol.name, other.name):
                    continue
                for n in range(min(_occurrences(side, symbol), 4)):
                    tried += 1
                    if tried > limit:
                        return None
                    changed = _replace_nth(side, symbol, other, n)
                    pair = (lhs, changed) if side_index == 1 else (changed, rhs)
                    if holds(*pair) is True:
                        written, meant = display_name(symbol.name), display_name(other.name)
                        return f"probable typo: {written} where {meant} was meant"
    for side_index, side in ((1, rhs), (0, lhs)):
        for changed, description in _sign_flips(side):
            tried += 1
            if tried > limit:
                return None
            pair = (lhs, changed) if side_index == 1 else (changed, rhs)
            if holds(*pair) is True:
                return f"probable sign error: {description}"
    if (
        isinstance(rhs, sp.Basic)
        and not isinstance(rhs, sp.MatrixBase)
        and holds(lhs, -rhs) is True
    ):
        return "probable sign error: the whole right side has the wrong sign"
    return None
