"""A link between two index expressions (``Σ_{u,v} w_{u,v} x_{i-u+1,j-v+1} = Σ_{a,b}
w_{i-a+1,j-b+1} x_{a,b}``), judged by evaluating both sides exactly on random tensors.

Each side is a number for given values of its free indices (``i``, ``j``) and sizes (``U``,
``M``: capitalised names), so the link is checked the way DESIGN.md has the problem context check
an index formula: at random small sizes and indices, on random integer tensors, with
:func:`symconv.grad.evaluator.compile_expression` (sums as loops, Kronecker deltas and Iverson
brackets as integer comparisons; exact). Points where a written sum runs over fewer than zero
terms (``\\sum_{i'=0}^{I_1-K_1}`` at ``I_1 < K_1 - 1``) are not sizes the writer meant, and are
skipped.

Two readings of a tensor, in turn:

1. *unbounded*: every entry a random number, at any index. A link true here is true whatever the
   tensors' extents are (reindexing a sum, eliminating a Kronecker delta): **right**;
   Without a sum, a bracket or a size in the link, extents cannot matter: a difference here is
   **wrong** (``y_i + 1 = 1 + y_{i+1}``).
2. *zero outside its extent*: the extent of each axis read by a bare summation index
   (``w_{u,v}`` under ``\\sum_{1 \\le u \\le U}``) is that index's range, and entries outside read
   zero (the convention of DESIGN.md). Changing the summation variable to the other tensor's
   index (``a = i - u + 1``) needs this reading. An axis read under two ranges (``w_{v,u}``
   beside ``w_{u,v}``) is tried under each. Right if the sides agree in one reading; **wrong**,
   with a witness, if they agree in none. When some axis has no written range, a link that
   needs this reading is *unverified*.

    >>> import sympy as sp
    >>> from symconv.check.context import NO_PROBLEM, DocumentContext
    >>> from symconv.check.model import Claim
    >>> i, u, a, U, M = sp.symbols("i u a U M")
    >>> w, x = sp.IndexedBase("w"), sp.IndexedBase("x")
    >>> by_kernel = sp.Sum(w[u] * x[i - u + 1], (u, 1, U))
    >>> by_input = sp.Sum(w[i - a + 1] * x[a], (a, 1, M))
    >>> def link(left, right):
    ...     claim = Claim(3, 3, "", "algebra", sides=(left, right))
    ...     judgement = judge_index_identity(claim, DocumentContext(), NO_PROBLEM)
    ...     return judgement.verdict, judgement.message
    >>> link(by_kernel, by_input)[0]
    'right'
    >>> verdict, message = link(by_kernel, sp.Sum(w[i - a] * x[a], (a, 1, M)))
    >>> verdict, message.split(":")[0]
    ('wrong', 'the two sides differ on random tensors zero outside w[1..U], x[1..M]')
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Mapping, Sequence
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symconv.check.context import DocumentContext, ProblemContext
from symconv.check.judges.resolve import resolve
from symconv.check.judges.verdicts import right, unverified, wrong
from symconv.check.model import Claim, Judgement
from symconv.check.nodes import Entry, Partial
from symconv.check.shown import format_value
from symconv.check.symbols import is_size_name
from symconv.core.safe import as_sympy
from symconv.errors import SymconvError
from symconv.grad.conditions import Iverson
from symconv.grad.evaluator import compile_expression
from symconv.grad.formula import summation_indices

__all__ = ["judge_index_identity"]

#: Points tried in each reading where a side is not zero (at most :data:`DRAWS` drawn: most
#: draws put a free index outside every range, where both sides are zero and prove nothing).
TRIALS = 12
DRAWS = 300
#: Sizes and indices are drawn from these ranges (small: the sums are loops).
SIZES = (1, 4)
INDICES = (-1, 5)
#: Every read is shifted by this much, so that an unbounded tensor is read at a non-negative
#: position of an array-like of this extent (twice the shift) per axis.
SHIFT = 64
#: Tensor entries are drawn from these integers (0 excluded: a zero entry hides a wrong read).
ENTRIES = (*range(-6, 0), *range(1, 7))
#: The most readings of the extents tried (an axis read under two ranges doubles them).
MAX_READINGS = 16
#: The largest power evaluated (a larger one, or a symbolic one, leaves the link to others).
MAX_EXPONENT = 64
#: The most loop iterations one side may take at one point.
MAX_TERMS = 20_000


class _Tensor:
    """A random integer tensor read by the evaluator: ``shape`` and ``[point]``; entries drawn
    on first read and kept, zero outside ``extent`` (per axis, inclusive, before the shift)."""

    def __init__(self, rank: int, rng: random.Random, extent: list[tuple[int, int]] | None):
        self.shape = (2 * SHIFT,) * rank
        self._rng = rng
        self._extent = extent
        self._entries: dict[tuple[int, ...], int] = {}

    def __getitem__(self, point: tuple[int, ...]) -> int:
        if self._extent is not None and not all(
            low <= p - SHIFT <= high for p, (low, high) in zip(point, self._extent, strict=True)
        ):
            return 0
        if point not in self._entries:
            self._entries[point] = self._rng.choice(ENTRIES)
        return self._entries[point]


def _dependent_tensors(left: Any, right: Any, problem: ProblemContext) -> tuple[str, str] | None:
    """A tensor of the link that the exercise computes from another one of the link (``U`` and
    ``Z`` with ``U = σ(Z)``): random independent tensors would be a misreading of the link."""
    read = {str(entry.base.label) for side in (left, right) for entry in side.atoms(sp.Indexed)}
    for output, inputs in problem.defined_from:
        shared = sorted(inputs & read)
        if output in read and shared:
            return output, ", ".join(shared)
    return None


def judge_index_identity(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Judgement | None:
    """Judge ``left = right`` when both sides are index expressions that evaluate to numbers
    (None otherwise: another judge's claim)."""
    if len(claim.sides) != 2 or claim.relation != "=":
        return None
    sides = [resolve(side, claim, context, problem)[0] for side in claim.sides]
    if not all(_evaluable(side) and side.has(sp.Indexed) for side in sides):
        return None
    left, right_side = sides
    ranks = _ranks(left, right_side)
    if ranks is None:
        return None
    dependent = _dependent_tensors(left, right_side, problem)
    if dependent is not None:
        output, inputs = dependent
        return unverified(
            claim,
            f"{output} is computed from {inputs} in this exercise: the two sides are not "
            "compared as if they were independent tensors",
        )
    variables = sorted(
        (left.free_symbols | right_side.free_symbols) - _reads(left, right_side), key=str
    )
    if not all(isinstance(v, sp.Symbol) for v in variables):
        return None
    shifted = [_shift(side) for side in sides]
    try:
        runs = [compile_expression(side) for side in shifted]
    except (SymconvError, TypeError, ValueError) as error:
        return unverified(claim, f"the index expressions cannot be evaluated: {error}")
    rng = context.rng_for(claim.line, claim.text)
    points = _points(variables, sides, rng)
    if not points:
        return unverified(claim, "no sizes make every written sum range non-negative")
    unbounded, tried = _first_difference(runs, ranks, points, None, rng)
    if unbounded is None:
        if not tried:
            return unverified(claim, "both sides are zero at every point tried")
        return right(
            claim,
            f"the two sides agree on random tensors at {tried} values of "
            f"{_names(variables)} (exactly, whatever the tensors' extents)",
        )
    if not any(side.has(sp.Sum, Iverson, sp.Piecewise) for side in sides) and not any(
        is_size_name(v.name) for v in variables
    ):
        # No sum, bracket or size: extents cannot enter (``y_i + 1 = 1 + y_{i+1}``).
        return wrong(
            claim, f"the two sides differ on random tensors {unbounded}", witness=unbounded
        )
    readings = _extents(left, right_side, ranks)
    if isinstance(readings, str):
        # an axis no range of this link bounds: the other links of its chain describe the same
        # quantity (x summed over 1 ≤ a ≤ M two rows later bounds x here too); the sizes those
        # ranges bring (M, N) are drawn with the others
        chained = _extents(left, right_side, ranks, _chain_sides(claim, context))
        if not isinstance(chained, str):
            readings = chained
            sizes = {
                s
                for reading in chained
                for axes in reading.values()
                for bounds in axes
                for bound in bounds
                for s in bound.free_symbols
            }
            variables = sorted(set(variables) | sizes, key=str)
            points = _points(variables, sides, rng)
    if isinstance(readings, str):
        return unverified(
            claim,
            f"the two sides differ for unbounded tensors ({unbounded}), and whether they agree "
            f"within the tensors' extents is not decided: {readings}",
        )
    first: tuple[str, str] | None = None
    for extents in readings:
        shown = ", ".join(
            f"{name}[{', '.join(f'{sp.sstr(lo)}..{sp.sstr(hi)}' for lo, hi in axes)}]"
            for name, axes in sorted(extents.items())
        )
        bounded, tried = _first_difference(runs, ranks, points, extents, rng)
        if bounded is None and tried:
            return right(
                claim,
                f"the two sides agree on random tensors zero outside {shown} at {tried} "
                f"values of {_names(variables)} (exactly)",
            )
        if bounded is not None and first is None:
            first = (shown, bounded)
    if first is None:
        return unverified(claim, "both sides are zero at every point tried")
    shown, bounded = first
    alternatives = "" if len(readings) == 1 else f" (nor in {len(readings) - 1} other readings)"
    return wrong(
        claim,
        f"the two sides differ on random tensors zero outside {shown}{alternatives}: {bounded}",
        witness=bounded,
    )


def _evaluable(side: Any) -> bool:
    """An expression of numbers, symbols, tensor reads at indices linear in their symbols
    (``N_{mult,1}`` names a number, not the entry ``m·u·l·t``), finite sums, deltas and
    brackets."""
    if not isinstance(side, sp.Expr) or side.has(Partial, Entry, sp.Derivative, AppliedUndef):
        return False
    if not all(_linear(index) for read in side.atoms(sp.Indexed) for index in read.indices):
        return False
    if any(not _small_exponent(power.exp) for power in side.atoms(sp.Pow)):
        return False  # x_i^{10^9} at an integer: a number too long to compute
    return all(
        all(bound.is_finite is not False for limit in node.limits for bound in limit[1:])
        for node in sp.preorder_traversal(side)
        if isinstance(node, sp.Sum)
    )


def _small_exponent(exponent: Any) -> bool:
    return bool(exponent.is_Rational and abs(exponent) <= MAX_EXPONENT)


def _linear(index: Any) -> bool:
    symbols = sorted(index.free_symbols, key=str) if isinstance(index, sp.Expr) else []
    if not symbols:
        return True
    polynomial = index.as_poly(*symbols)
    return polynomial is not None and polynomial.total_degree() <= 1


def _reads(*sides: sp.Expr) -> set[Any]:
    found: set[Any] = set()
    for side in sides:
        for read in side.atoms(sp.Indexed):
            found |= {read, read.base, read.base.label}
    return found


def _ranks(*sides: sp.Expr) -> dict[str, int] | None:
    """Each tensor's rank; None if one is read with two ranks (not one tensor)."""
    ranks: dict[str, int] = {}
    for side in sides:
        for read in side.atoms(sp.Indexed):
            name = str(read.base.label)
            if ranks.setdefault(name, len(read.indices)) != len(read.indices):
                return None
    return ranks


def _shift(side: sp.Expr) -> sp.Expr:
    return side.replace(
        lambda node: isinstance(node, sp.Indexed),
        lambda node: node.base[tuple(index + SHIFT for index in node.indices)],
    )


def _points(
    variables: list[sp.Symbol], sides: list[sp.Expr], rng: random.Random
) -> list[dict[sp.Symbol, sp.Integer]]:
    """The points of :data:`DRAWS` draws where every written sum has a range of zero terms or
    more and costs at most :data:`MAX_TERMS` iterations."""
    sums = [n for side in sides for n in sp.preorder_traversal(side) if isinstance(n, sp.Sum)]
    points = []
    for _ in range(DRAWS):
        point = {
            v: sp.Integer(rng.randint(*(SIZES if is_size_name(v.name) else INDICES)))
            for v in variables
        }
        if all(_fits(total, point) for total in sums):
            points.append(point)
    return points


def _fits(total: sp.Sum, point: Mapping[sp.Symbol, sp.Integer]) -> bool:
    terms = 1
    for _, low, high in total.limits:
        low, high = low.xreplace(point), high.xreplace(point)
        if not (low.is_Integer and high.is_Integer):
            return True  # a range that depends on an outer summation index: its loop decides
        count = int(high) - int(low) + 1
        if count < 0:
            return False
        terms *= max(count, 1)
    return terms <= MAX_TERMS


def _first_difference(
    runs: list[Any],
    ranks: Mapping[str, int],
    points: list[dict[sp.Symbol, sp.Integer]],
    extents: Mapping[str, list[tuple[sp.Expr, sp.Expr]]] | None,
    rng: random.Random,
) -> tuple[str | None, int]:
    """The first point where the sides differ, shown (None if they agree), and the number of
    points tried where a side is not zero (at most :data:`TRIALS`)."""
    tried = 0
    for point in points:
        tensors = {}
        for name, rank in ranks.items():
            extent = None
            if extents is not None:
                extent = [(int(lo.xreplace(point)), int(hi.xreplace(point)))
                          for lo, hi in extents[name]]  # fmt: skip
            tensors[name] = _Tensor(rank, rng, extent)
        left, right_side = (run(tensors, point) for run in runs)
        if left == 0 and right_side == 0:
            continue
        if any(as_sympy(v).has(sp.zoo, sp.nan, sp.oo, -sp.oo) for v in (left, right_side)):
            continue  # a point where a side divides by zero (Δx = 0) compares nothing
        if sp.simplify(left - right_side) != 0:
            at = ", ".join(f"{sp.sstr(k)} = {v}" for k, v in point.items())
            return f"at {at}: {format_value(left)} ≠ {format_value(right_side)}", tried
        tried += 1
        if tried == TRIALS:
            break
    return None, tried


def _chain_sides(claim: Claim, context: DocumentContext) -> tuple[Any, ...]:
    """The sides of every other link of the chain ``claim`` belongs to (``a = b`` then ``= c``:
    claims joined by ``LinkFacts.previous``, the id of the link before), as written."""
    following = {
        other.link.previous: other
        for other in context.claims.values()
        if other.link is not None and other.link.previous is not None
    }
    links: list[Claim] = []
    seen = {id(claim)}
    for step in (
        lambda c: context.claims.get(c.link.previous) if c.link and c.link.previous else None,
        lambda c: following.get(c.id),
    ):
        link = step(claim)
        while link is not None and id(link) not in seen:
            seen.add(id(link))
            links.append(link)
            link = step(link)
    return tuple(side for link in links for side in link.sides if side is not None)


def _extents(
    left: sp.Expr,
    right_side: sp.Expr,
    ranks: Mapping[str, int],
    also: Sequence[Any] = (),
) -> list[dict[str, list[tuple[sp.Expr, sp.Expr]]]] | str:
    """The readings of the tensors' extents: each axis's range, read where a bare summation
    index reads it (in the two sides, and in ``also``: the other links of the chain) — one
    reading per choice where an axis is read under two ranges (at most :data:`MAX_READINGS`);
    the reason when an axis has none, or the choices are too many."""
    found: dict[str, list[set[tuple[sp.Expr, sp.Expr]]]] = {
        name: [set() for _ in range(rank)] for name, rank in ranks.items()
    }
    for side in (left, right_side, *(s for s in also if isinstance(s, sp.Basic))):
        for total in (n for n in sp.preorder_traversal(side) if isinstance(n, sp.Sum)):
            ranges = {
                symbol: (low, high)
                for symbol, low, high in total.limits
                if not ((low.free_symbols | high.free_symbols) & summation_indices(side))
            }
            for read in total.function.atoms(sp.Indexed):
                for axis, index in enumerate(read.indices):
                    if index in ranges:
                        axes = found.get(str(read.base.label), [])
                        if axis < len(axes):  # (a tensor of another link: not read here)
                            axes[axis].add(ranges[index])
    for name, axes in found.items():
        missing = [str(k) for k, axis in enumerate(axes) if not axis]
        if missing:
            return f"no written range bounds axis {', '.join(missing)} of {name}"
    slots = [(name, axis) for name, axes in sorted(found.items()) for axis in range(len(axes))]
    choices = [sorted(found[name][axis], key=str) for name, axis in slots]
    if math.prod(len(c) for c in choices) > MAX_READINGS:
        return "the axes are read under too many different ranges to try each"
    readings = []
    for chosen in itertools.product(*choices):
        reading: dict[str, list[tuple[sp.Expr, sp.Expr]]] = {name: [] for name in found}
        for (name, _), extent in zip(slots, chosen, strict=True):
            reading[name].append(extent)
        readings.append(reading)
    return readings


def _names(variables: list[sp.Symbol]) -> str:
    return ", ".join(v.name for v in variables) or "nothing"
