"""Range declarations: the values an index runs over, in the ways documents write them.

A derivation in index notation says which values its indices take, next to its formulas::

    a \\in [0, f^{(l)}),  \\quad  0 \\le i < n,  \\quad  i = 0, \\dots, n-1,  \\quad  k = 1..K

Each is the same statement — the index runs over the integers ``first … last`` — and it does more
than restate a bound: it says what a size *measures* (``i \\in [0, w^{(l+1)}_{img})`` written
under ``x^{(l+1)}_{i,j,n} = …`` makes ``w^{(l+1)}_{img}`` the number of entries of the first axis
of ``x^{(l+1)}``) and where the document counts from (0 or 1). :func:`declared_range` reads one
statement, :func:`range_runs` the comma-separated form ``i = 0, \\dots, n-1`` (three statements
to the parser: ``i = 0``, ``\\dots``, ``n-1``; never the definition ``i = 0``).

    >>> from symconv.check.parser import parse_math
    >>> declared_range(parse_math(r"a \\in [0, f^{(l)})").single())
    IndexRange(index=a, first=0, last=f^{(l)} - 1)
    >>> declared_range(parse_math(r"1 \\le k \\le K").single())
    IndexRange(index=k, first=1, last=K)
    >>> [(start, end, found) for start, end, found in
    ...  range_runs(parse_math(r"i=0,\\cdots,B-1, j = 1, 2, \\dots, C").statements)]
    [(0, 2, IndexRange(index=i, first=0, last=B - 1)), (3, 6, IndexRange(index=j, first=1, last=C))]
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from symconv.check import nodes
from symconv.check.parsed import Chain
from symconv.core.patterns import lazy_compile
from symconv.core.safe import as_sympy

__all__ = ["IndexRange", "as_sizes", "declared_range", "is_index_name", "range_runs"]

#: An index's name: a lower-case letter, then subscripts or primes (``i``, ``k_{in}``, ``i'``).
_INDEX_NAME = lazy_compile(r"^[a-z](?:_\{?[a-z0-9]+\}?|'+)*$")


def is_index_name(expr: Any) -> bool:
    """A symbol named as an index is: ``i``, ``k_1``, ``k_{in}``, ``i'`` (not ``W``, ``\\eta``)."""
    return isinstance(expr, sp.Symbol) and bool(_INDEX_NAME.match(expr.name.replace(" ", "")))


@dataclass(frozen=True)
class IndexRange:
    """The index ``index`` runs over the integers ``first … last`` (both included)."""

    index: sp.Symbol
    first: sp.Expr
    last: sp.Expr

    @property
    def count(self) -> sp.Expr:
        """How many values it takes: ``last − first + 1`` (the size it measures)."""
        return sp.expand(self.last - self.first + 1)

    def __repr__(self) -> str:
        return f"IndexRange(index={self.index}, first={self.first}, last={self.last})"


def as_sizes(expr: Any) -> Any:
    """Entries in a bound read as the sizes they name: the parser reads ``s_{l}`` and
    ``w^{(l+1)}_{img}`` as entries ``s[l]``, ``w^{(l+1)}[i, m, g]``; in a sum's limit or a
    range's end they are sizes, named canonically
    (:func:`symconv.check.document_gradients.canonical_name`: ``w^{(l+1)}_{img}``).

    >>> from symconv.check.parser import parse_expression
    >>> as_sizes(parse_expression(r"w^{(l+1)}_{img} - 1")), as_sizes(parse_expression("s_{l+1}"))
    (w^{(l+1)}_{img} - 1, s_{l+1})
    """
    from symconv.check.document_gradients import canonical_name

    if not isinstance(expr, sp.Basic) or not expr.has(sp.Indexed):
        return expr

    def named(entry: sp.Indexed) -> sp.Symbol:
        written = [str(i).replace(" ", "") for i in entry.indices]
        separator = "" if all(len(w) == 1 and w.isalpha() for w in written) else ","
        inside = separator.join(written)
        return sp.Symbol(canonical_name(f"{entry.base.label}_{{{inside}}}"))

    return expr.xreplace({entry: named(entry) for entry in expr.atoms(sp.Indexed)})


def _bound(value: Any) -> bool:
    """An end of an index range: an integer or a size (no float, no tensor, no set)."""
    if not isinstance(value, sp.Expr) or isinstance(value, (nodes.Dots, nodes.ListPattern)):
        return False
    if value.is_number:
        return bool(value.is_Integer)
    return not value.has(sp.Indexed, sp.Sum, nodes.Dots)


def _set_bounds(domain: Any) -> tuple[Any, Any] | None:
    """First and last value of an index over ``domain`` (an interval, ``[a, b]``, a range)."""
    from symconv.check.read_calculus import integer_bounds

    if isinstance(domain, sp.MatrixBase) and domain.shape == (1, 2):
        return domain[0, 0], domain[0, 1]  # [a, b]: the closed interval, as in i ∈ [1, n]
    return integer_bounds(domain)


def declared_range(chain: Chain) -> IndexRange | None:
    """The range a statement declares (``i ∈ [0, n)``, ``[1, n]``, ``\\{0, …, n-1\\}``,
    ``0 ≤ i < n``, ``i = 0..n-1``), or None."""
    if any(side is None for side in chain.sides):
        return None
    sides: list[Any] = [side.expr for side in chain.sides if side is not None]
    relations = chain.relations
    found: tuple[Any, Any, Any] | None = None
    if relations == ("∈",):
        bounds = _set_bounds(sides[1])
        if bounds is not None:
            found = (sides[0], *bounds)
    elif len(relations) == 2 and all(r in ("<", "≤") for r in relations):
        low, index, high = sides
        # 0 ≤ i < n; a < b < c relates three quantities
        if isinstance(low, sp.Integer) and _bound(high):
            first = low if relations[0] == "≤" else low + 1
            last = high if relations[1] == "≤" else high - 1
            found = (index, first, last)
    elif relations == ("=", ".."):
        found = (sides[0], sides[1], sides[2])
    if found is None:
        return None
    index, first, last = found
    first, last = as_sizes(first), as_sizes(last)
    if not (is_index_name(index) and _bound(first) and _bound(last)):
        return None
    return IndexRange(index, as_sympy(first), as_sympy(last))


def range_runs(statements: Sequence[Any]) -> Iterator[tuple[int, int, IndexRange]]:
    """``i = 0, \\dots, n-1`` (``i = 1, 2, \\ldots, n``): the positions of the first and last
    statement of each such run, with the range it declares."""
    position = 0
    count = len(statements)
    while position < count:
        head = statements[position]
        found = _run_from(statements, position) if _is_head(head) else None
        if found is None:
            position += 1
            continue
        end, declared = found
        yield position, end, declared
        position = end + 1


def _alone(statement: Any) -> Any:
    """The value of a statement of one side and no relation, else None."""
    if not isinstance(statement, Chain) or statement.relations or len(statement.sides) != 1:
        return None
    side = statement.sides[0]
    return None if side is None else side.expr


def _is_head(statement: Any) -> bool:
    return (
        isinstance(statement, Chain)
        and statement.relations == ("=",)
        and None not in statement.sides
        and is_index_name(statement.sides[0].expr)  # type: ignore[union-attr]
    )


def _run_from(statements: Sequence[Any], position: int) -> tuple[int, IndexRange] | None:
    head = statements[position]
    index = head.sides[0].expr
    first = head.sides[1].expr
    values = [first]
    end = position
    for following in statements[position + 1 :]:
        value = _alone(following)
        if value is None or following.lead is None or following.lead.strip() != ",":
            break
        values.append(value)
        end += 1
        if not isinstance(value, nodes.Dots) and any(isinstance(v, nodes.Dots) for v in values):
            break  # the value after the dots ends the run
    dots = [k for k, v in enumerate(values) if isinstance(v, nodes.Dots)]
    if not dots and len(values) > 1 and all(getattr(v, "is_Integer", False) for v in values):
        # for k = 0, 1, 2: the values listed, consecutive integers (never the definition k = 0)
        if any(sp.expand(v - first - k) != 0 for k, v in enumerate(values)):
            return None
        return end, IndexRange(index, as_sympy(first), as_sympy(values[-1]))
    if len(dots) != 1 or dots[0] == len(values) - 1 or dots[0] == 0:
        return None
    listed = [as_sizes(v) for v in values if not isinstance(v, nodes.Dots)]
    if not all(_bound(v) for v in listed):
        return None
    before = listed[: dots[0]]
    if any(sp.expand(b - first - k) != 0 for k, b in enumerate(before)):
        return None  # 0, 1, 2, …: consecutive integers; 0, 2, 4, … is no unit range
    return end, IndexRange(index, as_sympy(first), as_sympy(listed[-1]))
