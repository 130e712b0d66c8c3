"""Plain-text answers around the math: "Shape is (40, 2400, 80)", "10 input channels and 20
output channels", "the maximum is 6, at (1,3)".

:func:`text_answers` finds them in one line of prose with a few cue patterns (a shape after the
word *shape*, counts before a noun of the field, a value after *value/answer/result/maximum/…
is*); a number without such a cue is not taken for an answer. The values are read with the
checker's own number and shape readers, never evaluated.

    >>> for answer in text_answers("10 input channels and 20 output channels.", SymbolTable()):
    ...     print(answer.kind, answer.values, answer.labels)
    answer [10, 20] ['input channels', 'output channels']
    >>> [a.shape for a in text_answers("so the shape is (40, 2400, 80).", SymbolTable())]
    [(40, 2400, 80)]
    >>> [a.values for a in text_answers("The maximum is 6, at (1,3).", SymbolTable())]
    [[6, (1, 3)]]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from symconv.check.claim_kinds import is_shape
from symconv.check.symbols import SymbolTable
from symconv.core.patterns import lazy_compile
from symconv.errors import ParseError

__all__ = ["TextAnswer", "text_answers", "text_shape"]

TEXT_SHAPE = lazy_compile(
    r"\bshape\s*(?:is|=|:|of)?\s*(\((?:[^()]|\([^()]*\))*\)|\[[^\[\]]*\])", re.IGNORECASE
)
TEXT_COUNT = lazy_compile(
    # the last size of a shape is no count: "3×3 filters", "3 x 3 kernels" are kernel sizes
    r"(?<![\w.$×*\\])(?<![×*xX]\s)(?<!\sby\s)(\d[\d,]*)\s+((?:input|output|in|out)\s+channels?"
    r"|multiplications|parameters|params|additions|samples|frames|filters|kernels|feature\s+maps)\b",
    re.IGNORECASE,
)
TEXT_VALUE = lazy_compile(
    r"\b(?:value|answer|result|maximum|minimum|total)\s+(?:is|=|equals)\s+(-?\d[\d,]*(?:\.\d+)?)"
    r"(?:\s*,?\s*at\s*(\([^()]*\)))?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TextAnswer:
    """An answer found in prose: its text, ``kind`` (``shape`` or ``answer``) and values."""

    text: str
    kind: str
    values: list[Any] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    shape: tuple[Any, ...] | None = None
    #: Where it is in the line of prose (offsets of its first and after its last character).
    start: int = 0
    end: int = 0

    @property
    def answer(self) -> Any:
        if self.shape is not None:
            return sp.Tuple(*self.shape)
        return self.values[0] if len(self.values) == 1 else sp.Tuple(*self.values)


def text_answers(text: str, table: SymbolTable) -> list[TextAnswer]:
    """The plain-text answers of one line of prose, in the order of the patterns."""
    found = []
    for match in TEXT_SHAPE.finditer(text):
        shape = text_shape(match.group(1), table)
        if shape is not None:
            found.append(
                TextAnswer(
                    match.group(0).strip(),
                    "shape",
                    shape=shape,
                    start=match.start(),
                    end=match.end(),
                )
            )
    counted = [m for m in TEXT_COUNT.finditer(text) if not _layer_data(text, m)]
    if counted:
        values: list[Any] = [sp.Integer(int(m.group(1).replace(",", ""))) for m in counted]
        labels = [re.sub(r"\s+", " ", m.group(2)).lower() for m in counted]
        start, end = counted[0].start(), counted[-1].end()
        found.append(
            TextAnswer(text[start:end].strip(), "answer", values, labels, None, start, end)
        )
    for match in TEXT_VALUE.finditer(text):
        values = [_number(match.group(1))]
        if match.group(2):
            location = text_shape(match.group(2), table)
            if location is not None:
                values.append(sp.Tuple(*location))
        found.append(
            TextAnswer(
                match.group(0).strip(), "answer", values, start=match.start(), end=match.end()
            )
        )
    return found


def _layer_data(text: str, match: re.Match[str]) -> bool:
    """True if a count of filters or kernels is a datum of the layer its sentence states with
    its input (*The input is 32×32×3 and we use 6 filters of 5×5*): data, not a result."""
    if not re.fullmatch(r"filters|kernels", match.group(2), re.IGNORECASE):
        return False
    from symconv.check.size_premises import read_premise

    premise = read_premise(text)
    return premise is not None and premise.input is not None and premise.layer is not None


def _number(text: str) -> sp.Rational:
    from symconv.check.vocabulary import number_value

    return number_value(text)


def text_shape(text: str, table: SymbolTable) -> tuple[Any, ...] | None:
    """``text`` read as a shape (``(40, 2400, 80)``), or None."""
    from symconv.check.parser import parse_shape

    try:
        shape = parse_shape(text, symbols=table)
    except ParseError:
        return None
    return tuple(shape) if is_shape(shape) else None
