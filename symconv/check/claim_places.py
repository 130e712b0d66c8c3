"""New claims put in the place of the reading's claims of the same words.

A reader that finds a kind of statement the first reading could not (an update rule, a shape
of array code) makes a claim of it; the claims the reading made of the same math (an unparsed
formula, an index formula that was code) give up their place — and their id, so that the
:class:`~symconv.check.context.DocumentContext` and the statement's answer candidates know the
new claim under it. A new claim that covers nothing goes in document order, before the first
claim written after it. :class:`ClaimPlacer` does this once for all the claims of one reader.

    >>> from symconv.check.model import Claim, Origin
    >>> old = Claim(2, 2, "w \\\\leftarrow w", "unparsed", origin=Origin(id=1))
    >>> later = Claim(4, 4, "x = 1", "answer", origin=Origin(id=2))
    >>> placer = ClaimPlacer([old, later], {(0, 0): (old,)})
    >>> new = placer.add(lambda origin: Claim(2, 2, "w ← w", "update", origin=origin), [old])
    >>> alone = placer.add(lambda origin: Claim(3, 3, "s", "shape", origin=origin), [])
    >>> claims, by_statement = placer.result()
    >>> [(c.line, c.kind.value, c.id) for c in claims], by_statement[(0, 0)][0].kind.value
    ([(2, 'update', 1), (3, 'shape', 3), (4, 'answer', 2)], 'update')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from symconv.check.model import Claim, Origin

__all__ = ["ClaimPlacer", "origin_before"]


class ClaimPlacer:
    """The reading's claims, and new claims each in the place of the ones it covers."""

    def __init__(
        self,
        claims: Sequence[Claim],
        statement_claims: Mapping[tuple[int, int], Sequence[Claim]],
    ):
        self.claims = list(claims)
        self.by_statement = {key: tuple(found) for key, found in statement_claims.items()}
        self.replaced: dict[int, Claim] = {}  # a claim of the reading -> the claim in its place
        self.placed: list[Claim] = []  # new claims that take no claim's place
        self.used: set[int] = set()
        self.next_id = max((claim.id for claim in claims), default=0) + 1

    def add(
        self,
        make: Callable[[Origin], Claim],
        covered: Sequence[Claim],
        origin: Origin | None = None,
    ) -> Claim:
        """A new claim, made by ``make`` with its origin: the first covered claim's (its id
        too), else ``origin`` (the section of the claim before it) with a new id."""
        fresh = [claim for claim in covered if claim.id not in self.used]
        if fresh:
            place = fresh[0].origin
        else:
            place = replace(origin or Origin(), id=self.next_id)
            self.next_id += 1
        self.used.add(place.id)
        claim = make(place)
        for old in covered:
            self.replaced.setdefault(old.id, claim)
        if not fresh:
            self.placed.append(claim)
        return claim

    def result(self) -> tuple[tuple[Claim, ...], dict[tuple[int, int], tuple[Claim, ...]]]:
        """The claims in order, and the claims of each statement, new ones in their places."""
        merged: list[Claim] = []
        emitted: set[int] = set()
        placed = sorted(self.placed, key=_position)
        for claim in self.claims:
            while placed and _position(placed[0]) < _position(claim):
                merged.append(placed.pop(0))
            if claim.id not in self.replaced:
                merged.append(claim)
                continue
            new = self.replaced[claim.id]
            if id(new) not in emitted:
                emitted.add(id(new))
                merged.append(new)
        merged.extend(placed)
        by_statement = {
            key: tuple(self.replaced.get(claim.id, claim) for claim in found)
            for key, found in self.by_statement.items()
        }
        return tuple(merged), by_statement


def _position(claim: Claim) -> tuple[int, int]:
    return claim.origin.cell or 0, claim.line


def origin_before(claims: Sequence[Claim], cell: int | None, line: int) -> Origin:
    """An origin for a claim at ``line``: the section of the claim written just before it."""
    before = [c for c in claims if c.origin.cell == cell and c.line <= line]
    if before:
        near = before[-1].origin
        return Origin(scope=near.scope, heading=near.heading, cell=cell)
    return Origin(cell=cell)
