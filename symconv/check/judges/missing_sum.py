"""The missing-sum lint on any equation: an index free on the right that the left side does not
have.

In index notation every index is either *free* — it names an entry, and then it appears on both
sides (``y_i = …i…``) — or *bound* by a sum or a maximum on the side that uses it
(``\\sum_j W_{ij} x_j``). An index free on the right only makes the right side a family of values
where the left is one: ``L = -t_i \\log y_i`` or ``(W * X)_{ij} = w_{u,v} x_{i-u+1, j-v+1}`` has
dropped its ``\\sum``. symconv writes every sum (DESIGN.md, the checker's problem context: "a lint
that reports any index on the right that is neither summed nor on the left (a missing sum)"), not
Einstein's implied summation over repeated indices, so such a line is wrong, and the message names
the index.

Only what is plainly an index is linted, so that a parameter is never taken for one: a name of
one letter (``i``, ``j_1``, ``i'``; not ``mult`` in ``N_{mult,1}``, not a capital, which names a
size), that stands alone, with a number as coefficient, in a subscript (``x_{i-u+1}``: ``u``; in
``X[i, s k]`` the stride ``s`` is not) of an entry (an ``Indexed``, ``(W * X)_{ij}``, a Kronecker
delta), and ties entries of two tensors together (``x_{i-u+1}`` and ``w_{u,v}``; ``t_i`` and
``y_i``) — a padding ``p`` read once in ``x_{i+k-p}`` does not, nor the label ``m`` of a step
``h_m`` however often it is read. A name the document defines before the line is a value, not an
index.

    >>> import sympy as sp
    >>> from symconv.check.model import Claim
    >>> i, j, u = sp.symbols("i j u")
    >>> t, y, w, x = map(sp.IndexedBase, "tywx")
    >>> def lint(left, right):
    ...     judgement = judge_missing_sum(Claim(1, 1, "", "algebra", sides=(left, right)))
    ...     return None if judgement is None else judgement.message
    >>> lint(sp.Symbol("L"), -t[i] * sp.log(y[i]))
    'index i on the right is neither summed nor on the left: a missing sum over i'
    >>> print(lint(sp.Symbol("L"), -sp.Sum(t[i] * sp.log(y[i]), (i, 1, 3))))
    None
    >>> lint(y[i], w[u] * x[i - u + 1])
    'index u on the right is neither summed nor on the left: a missing sum over u'
    >>> print(lint(y[i], x[sp.Symbol("s") * i + sp.Symbol("p")]))
    None
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sympy as sp

from symconv.check.context import DocumentContext, claim_id, claim_scope
from symconv.check.judges.verdicts import wrong
from symconv.check.model import Claim, Judgement
from symconv.check.nodes import Entry
from symconv.core.patterns import lazy_compile
from symconv.core.safe import as_sympy

__all__ = ["judge_missing_sum", "unsummed_indices"]

#: An index's name: one lower-case letter, then subscripts and primes (``j``, ``j_1``, ``i'``).
_INDEX_NAME = lazy_compile(r"[a-z](?:_\{?\d+\}?|')*")
#: The relations that state one value per entry on both sides.
_EQUATIONS = frozenset({"=", ":=", "\\approx"})


def judge_missing_sum(claim: Claim, context: DocumentContext | None = None) -> Judgement | None:
    """Wrong when the claim's right side has an index that is neither summed nor on its left;
    None (not this judge's to decide) otherwise."""
    if len(claim.sides) != 2 or claim.relation not in _EQUATIONS:
        return None
    left, right_side = claim.sides
    if not (isinstance(left, sp.Basic) and isinstance(right_side, sp.Basic)):
        return None
    table = claim.origin.table
    unsummed = unsummed_indices(left, right_side, table.index_words if table else frozenset())
    if context is not None:
        order, scope = claim_id(claim), claim_scope(claim)
        unsummed = [
            s for s in unsummed if context.definition_of(s, order=order, scope=scope) is None
        ]
    if not unsummed:
        return None
    names = ", ".join(s.name for s in unsummed)
    plural = "indices" if len(unsummed) > 1 else "index"
    verb = "are" if len(unsummed) > 1 else "is"
    indices = sorted(
        s.name for s in (*left.free_symbols, *_bound(right_side)) if isinstance(s, sp.Symbol)
    )
    slips = [
        f"{' or '.join(n for n in indices if _sibling_of(s.name, {n}))} mistyped as {s.name}"
        for s in unsummed
        if _sibling_of(s.name, set(indices))
    ]
    if slips:  # k_3 where k_1, k_2 are summed: a subscript mistyped, more likely than a sum
        return wrong(
            claim,
            f"{plural} {names} on the right {verb} neither summed nor on the left: "
            f"probably {'; '.join(slips)}",
            diagnosis=f"probable typo: {'; '.join(slips)}",
        )
    return wrong(
        claim,
        f"{plural} {names} on the right {verb} neither summed nor on the left: "
        f"a missing sum over {names}",
        diagnosis=f"a \\sum over {names} dropped?",
    )


def unsummed_indices(
    left: sp.Basic, right: sp.Basic, words: frozenset[str] = frozenset()
) -> list[sp.Symbol]:
    """The plain indices (see the module docstring) free on ``right`` and absent from ``left``,
    by name; ``words`` are the document's multi-letter index names (``oc`` of ``W_{oc,ic,…}``,
    :attr:`~symconv.check.symbols.SymbolTable.index_words`), indices as well.

    >>> i, j, k = sp.symbols("i j k")
    >>> W, x, y = map(sp.IndexedBase, "Wxy")
    >>> unsummed_indices(y[i], W[i, j] * x[j] + W[i, k] * x[k])
    [j, k]
    >>> unsummed_indices(y[i], sp.Sum(W[i, j] * x[j], (j, 0, 2)))
    []
    >>> k1, k2, k3 = sp.symbols("k_1 k_2 k_3")
    >>> unsummed_indices(y[i], sp.Sum(W[k1, k3] * x[i + k1], (k1, 0, 1)))
    [k_3]
    >>> H, m = sp.IndexedBase("H"), sp.Symbol("m")
    >>> unsummed_indices(y[i], sp.Sum(W[m, i] * x[i + m], (m, 1, H[k])))
    []
    """
    on_left = left.free_symbols
    # a subscripted name in a sum's limits is a size (Σ_{m=1}^{H_k}: the kernel's height),
    # not an entry whose subscript is an index
    sizes = {
        entry: sp.Symbol(f"{entry.base.label}_{{{','.join(map(str, entry.indices))}}}")
        for node in sp.preorder_traversal(right)
        if isinstance(node, sp.Sum)
        for limit in node.limits
        for bound in limit[1:]
        for entry in as_sympy(bound).atoms(sp.Indexed)
    }
    right = right.xreplace(sizes) if sizes else right
    free = right.free_symbols
    tensors: dict[sp.Symbol, set[Any]] = {}
    for tensor, subscripts, bound in _entries(right):
        for subscript in subscripts:
            for symbol in _additive_symbols(subscript) - bound:
                # an index its sum binds is no free index here, even where the same letter is
                # free outside the sum (Σ_b w_{a,b} x_{i+a,j+b} + b: b the bias)
                tensors.setdefault(symbol, set()).add(tensor)
    indices = {
        s.name for s in (*on_left, *_bound(right)) if isinstance(s, sp.Symbol) and "_" in s.name
    }
    found = [
        symbol
        for symbol, read_in in tensors.items()
        if symbol in free
        and symbol not in on_left
        and (_INDEX_NAME.fullmatch(symbol.name) or symbol.name in words)
        and (len(read_in) >= 2 or _sibling_of(symbol.name, indices))
    ]
    return sorted(found, key=lambda s: s.name)


def _bound(expr: sp.Basic) -> set[Any]:
    """The indices the sums of ``expr`` bind."""
    return {
        v
        for node in sp.preorder_traversal(expr)
        if isinstance(node, sp.Sum)
        for v in node.variables
    }


def _sibling_of(name: str, indices: set[str]) -> bool:
    """``k_3`` where ``k_1`` and ``k_2`` are the indices (summed or on the left): a subscript
    mistyped, not a parameter, even when read in one tensor only (``W_{k_1, k_3}``)."""
    stem, underscore, _ = name.partition("_")
    return bool(underscore) and any(
        other.partition("_")[0] == stem and other != name for other in indices
    )


def _entries(
    expr: Any, bound: frozenset[Any] = frozenset()
) -> Iterator[tuple[Any, tuple[Any, ...], frozenset[Any]]]:
    """The tensor and the subscripts of every entry read in ``expr``, with the indices the sums
    around it bind (each Kronecker delta is a tensor of its own: ``δ_{i,j+k} δ_{k,l}`` ties
    ``k`` across two)."""
    if isinstance(expr, sp.Sum):
        inner = bound | frozenset(expr.variables)
        yield from _entries(expr.function, inner)
        for limit in expr.limits:
            for value in limit[1:]:
                yield from _entries(value, bound)
        return
    if isinstance(expr, sp.Indexed):
        yield expr.base, expr.indices, bound
    elif isinstance(expr, Entry):
        yield expr.of, expr.indices, bound
    elif isinstance(expr, sp.KroneckerDelta):
        yield expr, expr.args, bound
    for argument in getattr(expr, "args", ()):
        if isinstance(argument, sp.Basic):
            yield from _entries(argument, bound)


def _additive_symbols(subscript: Any) -> set[sp.Symbol]:
    """The symbols of ``subscript`` that are terms of it with a number as coefficient."""
    if not isinstance(subscript, sp.Expr):
        return set()
    found = set()
    for term in sp.Add.make_args(subscript):  # (as written: expanding a power can be slow)
        _, rest = term.as_coeff_Mul()
        if isinstance(rest, sp.Symbol):
            found.add(rest)
    return found
