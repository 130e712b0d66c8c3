"""A number of stencil points stated in words, decided with the engine's counts.

The count of the smallest stencil for the ``p``-th derivative with error ``O(hⁿ)`` is
:func:`symconv.stencils.points.points_needed` (Fornberg 1988): ``2⌊(p+1)/2⌋ − 1 + n`` grid points
centred (``n`` even), ``p + n`` one-sided. A claim names the kind, the derivative and the accuracy
(:mod:`symconv.check.stencil_words`) and states a count — a number, a formula in a symbolic
order (``2n + 1``), or a count relative to another stencil (*the same size as the first
derivative's*, *one more point than the one we use*).

Readings of "points", all exact counts of a real stencil:

* the grid points the stencil spans (the centre of a central odd derivative counted);
* the points with a nonzero weight (one fewer for a central odd derivative: the centred first
  difference is the 3-point and the 2-point formula);
* a staggered central stencil (offsets ``±1/2, ±3/2, …``): a claim that only fits it is
  *unverified* (nothing says the grid is staggered).

A claim true in the first or second reading is **right**. A symbolic order is compared as a
polynomial (``n = 2k`` centred); a claim false in every reading is **wrong**, with the smallest
order where it fails as the witness (``n = 2: 3 points, not 5``). A relative count without an
order is decided only when it holds, or fails, for every order.

    >>> import sympy as sp
    >>> from symconv.check.model import Claim
    >>> n = sp.Symbol("n")
    >>> claim = Claim(6, 6, "needs a stencil of size 2n+1", "fact")
    >>> j = judge_stencil_count(claim, StencilCount("central", (1,), n, points=2 * n + 1))
    >>> j.verdict, j.witness
    ('wrong', 'n = 2: 3 points (2 of them with a nonzero weight), not 5')
    >>> for part in j.message.split(" has "):
    ...     print(part)
    a centred stencil for the first derivative with error O(h^n)
    n + 1 points (n even), not 2n + 1
    >>> j = judge_stencil_count(claim, StencilCount("forward", (1,), 6, points=7))
    >>> j.verdict, j.message
    ('right', 'a forward stencil for the first derivative with error O(h^6) has 1 + 6 = 7 points')
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp
from sympy.printing.str import StrPrinter

from symconv.check.judges.verdicts import right, unverified, wrong
from symconv.check.model import Claim, Judgement
from symconv.check.stencil_words import CURRENT
from symconv.core.safe import as_sympy
from symconv.stencils.points import ONE_SIDED, points_needed, points_sampled, staggered_points

__all__ = ["StencilCount", "judge_stencil_count", "reason_unjudged"]


@dataclass(frozen=True)
class StencilCount:
    """A count of stencil points claimed, with what fixes it: the ``scheme``, the orders of the
    ``derivatives`` it is claimed for, the ``accuracy`` ``n`` (a number, a formula, or None: any
    order), and the count — ``points``, or ``more`` points than the stencil of the derivative
    ``reference`` (an order) or than the stencil in use (``reference`` :data:`CURRENT`, with its
    ``current`` points, written on ``current_line``)."""

    scheme: str
    derivatives: tuple[Any, ...]
    accuracy: Any
    points: Any = None
    more: Any = None
    reference: Any = None
    current: Any = None
    current_line: int | None = None


_ORDINAL_WORDS = (
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
)
_SCHEME_WORDS = {"central": "centred", "one-sided": "one-sided"}
#: Orders of accuracy tried for a witness (per symbol of a symbolic order).
_TRIED = range(1, 9)


def _ordinal(order: Any) -> str:
    if isinstance(order, (sp.Integer, int)):
        value = int(order)
        return _ORDINAL_WORDS[value] if 0 <= value < len(_ORDINAL_WORDS) else f"{value}th"
    return f"{order}-th"


class _CountPrinter(StrPrinter):
    """``2n + 1``, ``2⌊(p + 1)/2⌋ + n - 1``: a count as a reader writes it."""

    def _print_floor(self, expr: Any) -> str:
        inner = sp.together(expr.args[0])
        return f"⌊{self._print(inner)}⌋"

    def _print_Mul(self, expr: Any) -> str:
        return super()._print_Mul(expr).replace("*", "")


def _show(value: Any) -> str:
    return _CountPrinter().doprint(as_sympy(value))


def _describe(scheme: str, order: Any, accuracy: Any) -> str:
    kind = _SCHEME_WORDS.get(scheme, scheme)
    error = "" if accuracy is None else f" with error O(h^{_show(accuracy)})"
    return f"a {kind} stencil for the {_ordinal(order)} derivative{error}"


# ----------------------------------------------------------------------------------------------
# Readings and cases
# ----------------------------------------------------------------------------------------------
Count = Callable[[Any, Any], Any]


def _readings(scheme: str) -> list[tuple[str, Count]]:
    """``(name, count(p, n))`` of each reading of "points" (module docstring)."""
    found: list[tuple[str, Count]] = [
        ("grid", lambda p, n: points_needed(p, n, scheme)),
        ("sampled", lambda p, n: points_sampled(p, n, scheme)),
    ]
    if scheme == "central":
        found.append(("staggered", staggered_points))
    return found


@dataclass(frozen=True)
class _Case:
    """Values of the symbols of a claim, as expressions in integer parameters: ``n = 2k``
    (centred), ``p = 2m + 1`` or ``p = 2m + 2`` (a symbolic order, centred)."""

    substitution: dict[Any, Any]
    parameters: tuple[sp.Symbol, ...]


def _cases(scheme: str, accuracy: Any, orders: Sequence[Any]) -> list[_Case] | None:
    k = sp.Symbol("k", integer=True, positive=True)
    m = sp.Symbol("m", integer=True, nonnegative=True)
    substitution: dict[Any, Any] = {}
    parameters: list[sp.Symbol] = []
    if isinstance(accuracy, sp.Symbol):
        substitution[accuracy] = 2 * k if scheme == "central" else k
        parameters.append(k)
    elif isinstance(accuracy, sp.Expr) and accuracy.free_symbols:
        if len(accuracy.free_symbols) != 1:
            return None
        parameters.append(next(iter(accuracy.free_symbols)))
    letters = [p for p in orders if isinstance(p, sp.Symbol)]
    if len(letters) > 1:
        return None
    if not letters:
        return [_Case(substitution, tuple(parameters))]
    letter = letters[0]
    if scheme != "central":
        return [_Case(substitution, (*parameters, letter))]
    return [
        _Case({**substitution, letter: 2 * m + 1}, (*parameters, m)),
        _Case({**substitution, letter: 2 * m + 2}, (*parameters, m)),
    ]


def _points_of(case: _Case) -> list[dict[sp.Symbol, int]]:
    ranges = [
        range(0, 6) if s.is_nonnegative and not s.is_positive else _TRIED for s in case.parameters
    ]
    return [
        dict(zip(case.parameters, values, strict=True)) for values in itertools.product(*ranges)
    ]


def _valid(scheme: str, accuracy: Any, orders: Sequence[Any], at: dict[Any, Any]) -> bool:
    """The substituted accuracy is a positive integer (even centred), the orders positive."""
    if accuracy is not None:
        value = as_sympy(accuracy).subs(at)
        if not (value.is_Integer and value >= 1):
            return False
        if scheme == "central" and value % 2:
            return False
    return all(as_sympy(p).subs(at).is_Integer and as_sympy(p).subs(at) >= 1 for p in orders)


# ----------------------------------------------------------------------------------------------
# Judging
# ----------------------------------------------------------------------------------------------
def reason_unjudged(
    scheme: str | None, orders: Sequence[Any], accuracy: Any, *, relative: bool
) -> str | None:
    """Why a count cannot be judged (what the sentence leaves unsaid), or None."""
    if scheme is None:
        return (
            "a number of stencil points stated without the kind of difference (centred, "
            "forward or backward)"
        )
    if not orders:
        return "a number of stencil points stated without the derivative it is for"
    if accuracy is None and not relative:
        return "a number of stencil points stated without the order of accuracy"
    return None


def _claimed(count: StencilCount, reading: Count, order: Any, accuracy: Any) -> Any:
    if count.points is not None:
        return count.points
    if count.reference == CURRENT:
        return None if count.current is None else count.current + count.more
    return reading(count.reference, accuracy) + count.more


def judge_stencil_count(claim: Claim, count: StencilCount) -> Judgement:
    """The verdict on a count of points (module docstring)."""
    scheme = "one-sided" if count.scheme in ONE_SIDED else count.scheme
    orders = tuple(as_sympy(p) for p in count.derivatives)
    if any(not (isinstance(p, sp.Symbol) or (p.is_Integer and p >= 1)) for p in orders):
        return unverified(claim, "the derivative's order is not a positive whole number")
    relative = count.points is None
    if count.reference == CURRENT and count.current is None:
        return unverified(
            claim, "a count relative to the stencil in use, which no line before fixes"
        )
    written = as_sympy(count.accuracy) if count.accuracy is not None else None
    if scheme == "central" and written is not None and written.is_Integer and written % 2:
        return unverified(
            claim,
            f"a centred stencil of odd order {count.accuracy}: centred stencils have even orders "
            "(is the order the derivative's?)",
        )
    any_order = count.accuracy is None
    # any order: a letter of its own (a claim's own n is a different symbol, with no assumptions)
    accuracy = (
        sp.Symbol("n", integer=True, positive=True) if any_order else as_sympy(count.accuracy)
    )
    allowed = set(accuracy.free_symbols) | {p for p in orders if isinstance(p, sp.Symbol)}
    if relative and count.reference not in (None, CURRENT):
        reference = as_sympy(count.reference)
        if not (reference.is_Integer and reference >= 1):
            return unverified(claim, "the derivative compared with has no whole-number order")
    claimed_symbols = (
        set(as_sympy(count.points).free_symbols) if count.points is not None else set()
    )
    if claimed_symbols - allowed:
        names = ", ".join(sorted(str(s) for s in claimed_symbols - allowed))
        return unverified(
            claim,
            f"the count uses {names}, which the sentence does not tie to the "
            "derivative or the order of accuracy",
        )
    cases = _cases(scheme, accuracy, orders)
    if cases is None:
        return unverified(claim, "the count has more than one letter for the orders")
    readings = _readings(count.scheme if count.scheme == "central" else scheme)
    if count.reference == CURRENT:
        readings = readings[:1]  # the stencil in use is counted on its grid

    def difference(reading: Count, order: Any, case: _Case) -> Any:
        claimed = _claimed(count, reading, order, accuracy)
        truth = reading(order, accuracy)
        return sp.expand(as_sympy(claimed - truth).subs(case.substitution))

    holds: dict[str, bool] = {}
    for name, reading in readings:
        holds[name] = all(
            difference(reading, order, case) == 0 for order in orders for case in cases
        )
    if holds["grid"] or holds.get("sampled"):
        return right(
            claim,
            _right_message(
                count, scheme, orders, accuracy, any_order, "grid" if holds["grid"] else "sampled"
            ),
        )
    if holds.get("staggered"):
        return unverified(
            claim,
            "the count of a staggered stencil (offsets ±1/2, ±3/2, …); a centred stencil on the "
            "grid points has "
            + ", ".join(_show(points_needed(p, accuracy, "central")) for p in orders)
            + " points",
        )
    witness = _witness(count, scheme, orders, accuracy, cases, readings)
    if witness is None:
        return unverified(
            claim,
            "the count holds for some of the orders it covers and not for others (or only for a "
            "staggered stencil there)",
        )
    order, at, constant = witness
    if any_order and not constant:
        return unverified(
            claim,
            "the count holds for some orders of accuracy only, and the sentence does not say "
            "which order it means",
        )
    return _wrong(claim, count, scheme, order, accuracy, any_order, at)


def _witness(
    count: StencilCount,
    scheme: str,
    orders: Sequence[Any],
    accuracy: Any,
    cases: Sequence[_Case],
    readings: Sequence[tuple[str, Count]],
) -> tuple[Any, dict[Any, Any], bool] | None:
    """``(order, values, constant)``: a point where the claim fails in every reading (the first
    one, orders of accuracy ascending); ``constant``: it fails by the same amount everywhere."""
    for order in orders:
        for case in cases:
            differences = []
            for _, reading in readings:
                claimed = _claimed(count, reading, order, accuracy)
                truth = reading(order, accuracy)
                differences.append(sp.expand(as_sympy(claimed - truth).subs(case.substitution)))
            constant = all(d.is_number and d != 0 for d in differences)
            for point in _points_of(case):
                values = {**{s: v.subs(point) for s, v in case.substitution.items()}, **point}
                if not _valid(scheme, accuracy, orders, values):
                    continue
                if all(as_sympy(d).subs(point) != 0 for d in differences):
                    return order, values, constant
    return None


def _at(value: Any, values: dict[Any, Any]) -> Any:
    return as_sympy(value).subs(values)


def _right_message(
    count: StencilCount,
    scheme: str,
    orders: Sequence[Any],
    accuracy: Any,
    any_order: bool,
    reading: str,
) -> str:
    shown_accuracy = None if any_order else accuracy
    parts = []
    for order in orders:
        needed = points_needed(order, accuracy, scheme)
        sampled = points_sampled(order, accuracy, scheme)
        text = f"{_describe(count.scheme, order, shown_accuracy)} has "
        if accuracy.is_Integer and order.is_Integer:
            if scheme == "central":
                text += f"{_show(needed)} points"
            else:
                text += f"{order} + {accuracy} = {_show(needed)} points"
        else:
            parity = " (n even)" if scheme == "central" and not any_order else ""
            text += f"{_show(needed)} points{parity}"
        if reading == "sampled" and needed != sampled:
            text += f", {_show(sampled)} of them with a nonzero weight (the centre's weight is 0)"
        parts.append(text)
    message = "; ".join(parts)
    if count.points is None:
        if count.reference == CURRENT:
            line = f" on line {count.current_line}" if count.current_line else ""
            message += f": {_more_words(count.more)} the {count.current} of the stencil{line}"
        else:
            reference = as_sympy(count.reference)
            counter = points_needed if reading == "grid" else points_sampled
            theirs = counter(reference, accuracy, scheme)
            message += f", {_more_words(count.more)} for the {_ordinal(reference)} derivative"
            message += f" ({_show(theirs)})"
            if any_order:
                message += ", whatever the order of accuracy n"
    return message


def _more_words(more: Any) -> str:
    value = int(more)
    if value == 0:
        return "as many as"
    word = {1: "one", 2: "two", 3: "three"}.get(abs(value), str(abs(value)))
    return f"{word} {'more' if value > 0 else 'fewer'} than"


def _claimed_words(more: Any) -> str:
    """``the same number``, ``one more``, ``two fewer``: a relative count as claimed."""
    if int(more) == 0:
        return "the same number"
    return _more_words(more).removesuffix(" than")


def _wrong(
    claim: Claim,
    count: StencilCount,
    scheme: str,
    order: Any,
    accuracy: Any,
    any_order: bool,
    at: dict[Any, Any],
) -> Judgement:
    needed = points_needed(order, accuracy, scheme)
    sampled = points_sampled(order, accuracy, scheme)
    grid_claim = _claimed(count, lambda p, n: points_needed(p, n, scheme), order, accuracy)
    symbolic = not (as_sympy(accuracy).is_Integer and as_sympy(order).is_Integer)
    describe = _describe(count.scheme, order, None if any_order else accuracy)
    parity = " (n even)" if scheme == "central" and symbolic and not any_order else ""
    if count.points is not None:
        message = f"{describe} has {_show(needed)} points{parity}, not {_show(count.points)}"
    elif count.reference == CURRENT:
        message = (
            f"{describe} has {_show(needed)} points{parity}, not {_show(grid_claim)} "
            f"({_more_words(count.more)} the {count.current} of the stencil in use)"
        )
    else:
        reference = as_sympy(count.reference)
        theirs = points_needed(reference, accuracy, scheme)
        gap = sp.expand(needed - theirs)
        how = f"{_more_words(gap)} for" if gap.is_Integer else "against"
        message = (
            f"{describe} has {_show(needed)} points{parity}, {how} the {_ordinal(reference)} "
            f"derivative ({_show(theirs)}), not {_claimed_words(count.more)}"
        )
    shown_needed, shown_sampled = _at(needed, at), _at(sampled, at)
    nonzero = (
        f" ({shown_sampled} of them with a nonzero weight)" if shown_sampled != shown_needed else ""
    )
    claimed_here = _at(grid_claim, at)
    if count.points is None and count.reference != CURRENT:
        theirs_here = _at(points_needed(as_sympy(count.reference), accuracy, scheme), at)
        derivative = _ordinal(count.reference)
        found = f"{shown_needed} points, and {theirs_here} for the {derivative} derivative"
    else:
        found = f"{shown_needed} points{nonzero}, not {claimed_here}"
    if any_order:
        witness = f"with error O(h^{_at(accuracy, at)}): {found}"
    elif symbolic:
        letters = as_sympy(accuracy).free_symbols | as_sympy(order).free_symbols
        named = ", ".join(f"{s} = {v}" for s, v in sorted(at.items(), key=str) if s in letters)
        witness = f"{named or f'n = {_at(accuracy, at)}'}: {found}"
    else:
        witness = found
    return wrong(claim, message, expected=needed, witness=witness)
