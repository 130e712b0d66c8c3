"""Sentences that say which two entries a weight connects.

A derivation explains its indices in words::

    $W^{(l)}_{abnk}$ - propagation weight between $y^{(l)}_{i,j,k}$ and $x^{(l+1)}_{(i+a),(j+b),n}$
    $w_{ji}$ is the weight connecting $a_i$ to $z_j$
    the weight between $u_{t+m,d}$ and $z_{t,c}$ is $v_{m,d,c}$

Each says that the weight multiplies the one entry in the other: under the layer's forward
formula, the derivative of the output entry by the input entry is that weight, for every value of
the indices (:mod:`symconv.check.judges.connections` decides it). :func:`connection_in` reads
the sentence as the extractor has it — its words with :data:`MATH_MARK` for each piece of math,
and the math read so far — when its last piece of math is the second entry.

    >>> import sympy as sp
    >>> W, y, x = (sp.IndexedBase(n) for n in "Wyx")
    >>> i, j = sp.symbols("i j")
    >>> words = "* ⟨m⟩ - propagation weight between ⟨m⟩ and "
    >>> connection_in(words, [W[j, i], y[i]], x[j])
    Connection(weight=W[j, i], first=y[i], second=x[j], start=0, offset=2)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from symconv.check.judges.phrases import MATH_MARK
from symconv.core.patterns import lazy_compile

__all__ = ["Connection", "connection_in"]

_M = re.escape(MATH_MARK)
#: Words that say a weight joins two entries: "weight between", "weight from", "the weight
#: connecting", "connects", "joins", "links".
_LINK = (
    r"(?:\bweights?\b[^⟨]*?\b(?:between|from|connecting|joining|linking)\b"
    r"|\b(?:connects|joins|links|connecting|joining|linking)\b)"
)
#: ``W`` … weight between ``A`` and / to ``B`` (a few words may follow: "and the output").
_WEIGHT_FIRST = lazy_compile(
    rf"{_M}(?P<link>[^⟨]*?{_LINK}[^⟨]*?){_M}\s*,?\s*(?:and|to|with)(?:\s+[A-Za-z-]+){{0,3}}\s*$",
    re.IGNORECASE,
)
#: the weight between ``A`` and ``B`` is ``W``.
_WEIGHT_LAST = lazy_compile(
    rf"\bweights?\s+(?:between|connecting|joining|linking|from)\s+{_M}\s*,?\s*(?:and|to)\s+"
    rf"{_M}\s*(?:is|=|:)\s*(?:given\s+by\s+)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Connection:
    """``weight`` connects ``first`` and ``second`` (as written; either may be the output);
    ``start`` is the position, among the sentence's pieces of math, of the first one it uses."""

    weight: Any
    first: Any
    second: Any
    start: int
    #: Where the statement begins in the sentence's words (its first math, or "the weight").
    offset: int = 0


def _entry(value: Any) -> bool:
    """An entry with indices (``y_{i,j}``, or a name with a run-together subscript,
    ``W^{(l)}_{abnk}``, that the document's tensors show to be an entry)."""
    if isinstance(value, sp.Indexed):
        return True
    return isinstance(value, sp.Symbol) and "_" in value.name


def connection_in(words: str, earlier: Sequence[Any], current: Any) -> Connection | None:
    """The connection a sentence states once its math ``current`` is read: ``words`` are the
    sentence so far (:data:`MATH_MARK` for each piece of math), ``earlier`` the values of its
    earlier pieces of math, in order; None if it states none."""
    if not _entry(current) or words.count(MATH_MARK) != len(earlier):
        return None
    found = _WEIGHT_FIRST.search(words)
    if found is not None:
        weight_position = words[: found.start()].count(MATH_MARK)
        weight, first = earlier[weight_position], earlier[weight_position + 1]
        if _entry(weight) and _entry(first):
            return Connection(weight, first, current, weight_position, found.start())
        return None
    found = _WEIGHT_LAST.search(words)
    if found is not None:
        position = words[: found.start()].count(MATH_MARK)
        first, second = earlier[position], earlier[position + 1]
        if _entry(first) and _entry(second):
            return Connection(current, first, second, position, found.start())
    return None
