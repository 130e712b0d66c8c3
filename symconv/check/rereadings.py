"""Re-readings of a set's conventions: the part's answer as a document would give it that reads
the set's symbols otherwise, so that such an answer is *wrong for this part* with the re-reading
named as its diagnosis.

Checked against a problem set, the set's statement, data and conventions fix what its symbols
mean. A document that counts positions from 1 where the set counts from 0, or writes the channel
axis first where the set writes it last, answers another question. Each re-reading is built from
a convention the set (or the part's derivation) declares and from the engine's own answer —
shifted by one, or permuted — never from one exercise's text:

* **1-based re-reading of a 0-indexed set**: a location answer (a value and where it occurs)
  with every index one larger, for the answer and every accepted location; index ranges (a
  derivation that declares its answer ``ranges``) with every bound one larger;
* **channels-first re-reading of a channels-last set**: a shape answer (its derivation names
  the axes) with its last axis, the channels, moved to the front, or to just after the first
  (batch) axis.

The re-readings come after every declared variant (:meth:`PartTask.variants`), so a reading the
set accepts (a TOML ``[[exercise.part.accepted]]`` entry such as ``permute``) stays right, a
misconception the set declares for the same answer keeps its own diagnosis, and an answer that
is right under the set's own reading (a 1-based location that happens to be a valid 0-based
one) is right. The verdict rests on the exact comparison with every declared variant; the
re-reading only says why the answer differs.

    >>> import sympy as sp
    >>> [v.value for v in shifted_locations([sp.Tuple(6, sp.Tuple(1, 3)), sp.Integer(6)])]
    [(6, (2, 4))]
    >>> [v.value for v in shifted_ranges(sp.Tuple(sp.Tuple(0, 2), sp.Tuple(0, 1)))]
    [((1, 3), (1, 2))]
    >>> [v.value for v in channels_first(sp.Tuple(100, 256, 256, 3))]
    [(3, 100, 256, 256), (100, 3, 256, 256)]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import sympy as sp

from symconv.core.patterns import lazy_compile

if TYPE_CHECKING:
    from symconv.check.answer_task import PartTask, Variant

ONE_BASED = "1-based re-reading of a 0-indexed set"
CHANNELS_FIRST = "channels-first re-reading of a channels-last set"

#: How a set or a derivation declares its index base and its tensor layout.
_ZERO_BASED = lazy_compile(r"\b(?:0|zero)[- ]?(?:based|indexed)\b", re.I)
_CHANNELS_LAST = lazy_compile(r"\bchannels?[- ]last\b", re.I)


def declares_zero_based(conventions: Iterable[str]) -> bool:
    """True if a declared convention counts indices from 0 ("arrays are 0-indexed",
    "0-based (row, column)").

    >>> declares_zero_based(["arrays are 0-indexed"]), declares_zero_based(["1-based subscripts"])
    (True, False)
    """
    return any(_ZERO_BASED.search(convention) for convention in conventions)


def declares_channels_last(conventions: Iterable[str]) -> bool:
    """True if a declared convention puts the channel axis last ("tensors are channels-last").

    >>> declares_channels_last(["tensors are channels-last (Keras)"])
    True
    """
    return any(_CHANNELS_LAST.search(convention) for convention in conventions)


def rereadings(task: PartTask, declared: Sequence[Variant]) -> list[Variant]:
    """The re-readings of the part's answer that the set's conventions make possible, less any
    that a declared variant already is (the set accepts it, or names the misreading itself)."""
    from symconv.check.answer_judges import answer_kind

    derivation = task.solution.derivation
    conventions = (*task.conventions, *derivation.conventions)
    kind = answer_kind(task.solution)
    found: list[Variant] = []
    if kind == "location" and declares_zero_based(conventions):
        found += shifted_locations(v.value for v in declared if v.right)
    if kind == "sets" and "ranges" in derivation.details and declares_zero_based(conventions):
        found += shifted_ranges(derivation.answer)
    if kind == "tuple" and "axes" in derivation.details and declares_channels_last(conventions):
        found += channels_first(derivation.answer)
    taken = [v.value for v in declared]
    return [v for v in found if v.value not in taken]


def shifted_locations(locations: Iterable[Any]) -> list[Variant]:
    """Each location ``(value, (i, j))`` counted from 1: ``(value, (i + 1, j + 1))``."""
    from symconv.check.answer_task import Variant

    found = []
    for location in locations:
        if not _is_location(location):
            continue
        value, position = location
        shifted = sp.Tuple(value, sp.Tuple(*(index + 1 for index in position)))
        found.append(
            Variant(
                shifted,
                False,
                f"{ONE_BASED}: the location's indices start at one, where the set's start at zero",
            )
        )
    return found


def _is_location(value: Any) -> bool:
    """``(value, (i, j, …))`` with integer indices."""
    return (
        isinstance(value, sp.Tuple)
        and len(value) == 2
        and isinstance(value[1], sp.Tuple)
        and all(isinstance(index, sp.Integer) for index in value[1])
    )


def shifted_ranges(ranges: sp.Tuple) -> list[Variant]:
    """Index ranges ``((first, last), …)`` counted from 1: every bound one larger."""
    from symconv.check.answer_task import Variant

    if not all(isinstance(pair, sp.Tuple) and len(pair) == 2 for pair in ranges):
        return []
    shifted = sp.Tuple(*(sp.Tuple(first + 1, last + 1) for first, last in ranges))
    label = f"{ONE_BASED}: the indices start at one, where the set's start at zero"
    return [Variant(shifted, False, label)]


def channels_first(shape: sp.Tuple) -> list[Variant]:
    """The shape with its last axis (the channels) moved to the front, and to second place
    (after a batch axis); nothing for fewer than 3 axes, where no axis is singled out."""
    from symconv.check.answer_task import Variant

    axes = tuple(shape)
    if len(axes) < 3:
        return []
    found = []
    for place, where in ((0, "first"), (1, "second, after the first axis")):
        moved = sp.Tuple(*axes[:place], axes[-1], *axes[place:-1])
        found.append(
            Variant(
                moved,
                False,
                f"{CHANNELS_FIRST}: the channel axis written {where}, where the set puts it last",
            )
        )
    return found
