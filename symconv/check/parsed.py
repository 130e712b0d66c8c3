"""What :func:`symconv.check.parser.parse_math` returns: chains of sides joined by relations.

A math segment such as ``a = b \\approx c, \\quad k \\in \\{0, 1\\}`` holds *statements*
separated by commas, ``\\quad``, ``\\text{...}``, ``\\\\`` or ``\\Rightarrow``. Each statement is
a :class:`Chain` — its sides and the relations between consecutive sides, so that each link
``b ≈ c`` can be judged as a claim — or, when the notation admits two meanings that nothing
decides, an :class:`Ambiguous` statement holding both readings. Every side keeps its exact text
and its 0-based character offsets in the parsed text (``text[start:end]``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sympy as sp

#: Relations, normalised: ``=``, ``:=`` (a definition), ``≈``, ``≠``, ``<``, ``>``, ``≤``, ``≥``,
#: ``∈``, ``∉``, ``⊂``, ``⊆``, ``≡``, ``\\sim``, ``∝``, ``→``, ``≪``, ``≫``, ``=:``, and ``..`` (a
#: range ``0..p-1``).
RELATIONS = (
    "=", ":=", "=:", "≈", "≠", "<", ">", "≤", "≥", "∈", "∉", "⊂", "⊆", "⊃", "⊇", "≡", "\u223c", "∝",
    "→", "≪", "≫", "..",
)  # fmt: skip


@dataclass(frozen=True)
class Side:
    """One side of a chain: its meaning, its source text and where that text is.

    ``factors`` is set when the side is a bare product written with ``\\times`` (or ``×``,
    ``*``), possibly in brackets: ``46 \\times 62 \\times 10`` has ``expr`` 28520 and
    ``factors`` (46, 62, 10), so a later layer can read it as a shape when the words around
    say so.
    """

    expr: Any
    text: str
    start: int
    end: int
    factors: tuple[Any, ...] | None = None

    def as_shape(self) -> tuple[Any, ...] | None:
        """The side read as a shape: ``(B, N, C)``, ``46 \\times 62 \\times 10``, ``[5\\times4]``.

        None if the side is neither a tuple nor a product written with ``\\times``.
        """
        if self.factors is not None:
            return self.factors
        if isinstance(self.expr, sp.Tuple):
            return tuple(self.expr)
        return None


@dataclass(frozen=True)
class Link:
    """One claim of a chain: ``lhs relation rhs`` (``lhs`` None for a continuation row)."""

    lhs: Side | None
    relation: str
    rhs: Side


@dataclass(frozen=True)
class Chain:
    """``a = b ≈ c``: sides and the relations between consecutive sides.

    A continuation row of an ``aligned`` block (``&= c``) has ``sides[0]`` None: it continues
    the previous row's chain. ``lead`` is the separator text written before the statement
    (``","``, ``\\quad``, ``\\text{and}``, ``\\Rightarrow``), or None.
    """

    sides: tuple[Side | None, ...]
    relations: tuple[str, ...]
    text: str
    start: int
    end: int
    lead: str | None = None

    @property
    def is_continuation(self) -> bool:
        return self.sides[0] is None

    def links(self) -> list[Link]:
        """The claims of the chain, one per relation, in order."""
        return [
            Link(self.sides[k], self.relations[k], side)
            for k, side in enumerate(self.sides[1:])
            if side is not None
        ]

    @property
    def value(self) -> Any:
        """The meaning of a chain with a single side (no relation); ParseError otherwise."""
        if len(self.sides) != 1 or self.sides[0] is None:
            from symconv.errors import ParseError

            raise ParseError(f"{self.text!r} has relations; use .sides or .links()")
        return self.sides[0].expr


@dataclass(frozen=True)
class Ambiguous:
    """A statement with more than one reading: nothing decided between them.

    ``readings`` holds the complete alternatives (first: names applied as functions, ``a/bc``
    as ``a/(bc)``, ``*`` as a product; second: the other choice at every ambiguous point).
    ``message`` says what is ambiguous and how to decide it (declare the name).
    """

    readings: tuple[Chain, ...]
    message: str
    text: str
    start: int
    end: int
    lead: str | None = None


Statement = Chain | Ambiguous


@dataclass(frozen=True)
class MatrixLiteral:
    """A ``bmatrix``/``pmatrix``/bracketed matrix as written: its value and the text span of
    each row (so that a wrong entry can be reported on the line of its row)."""

    value: Any
    start: int
    end: int
    row_spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class MathParse:
    """The result of parsing one math segment.

    * ``statements``: chains (and ambiguous statements) in order;
    * ``functions``/``tensors``: names this segment shows to be functions (``f(x, y)``,
      ``x'(t)``) or tensors (``W[k]``), for the caller to carry to later segments;
    * ``operators``: names used as operators (``d`` in ``d^2 x(t)``);
    * ``matrices``: the matrix literals with the offsets of their rows.
    """

    text: str
    statements: tuple[Statement, ...]
    functions: frozenset[str] = frozenset()
    tensors: frozenset[str] = frozenset()
    operators: frozenset[str] = frozenset()
    matrices: tuple[MatrixLiteral, ...] = ()

    def __iter__(self) -> Iterator[Statement]:
        return iter(self.statements)

    def __len__(self) -> int:
        return len(self.statements)

    @property
    def chains(self) -> tuple[Chain, ...]:
        """The unambiguous statements."""
        return tuple(s for s in self.statements if isinstance(s, Chain))

    @property
    def ambiguous(self) -> tuple[Ambiguous, ...]:
        return tuple(s for s in self.statements if isinstance(s, Ambiguous))

    def single(self) -> Chain:
        """The one chain of a segment that holds exactly one unambiguous statement."""
        from symconv.errors import ParseError

        if len(self.statements) != 1:
            raise ParseError(f"{self.text!r} holds {len(self.statements)} statements, not one")
        statement = self.statements[0]
        if isinstance(statement, Ambiguous):
            raise ParseError(f"{self.text!r} is ambiguous: {statement.message}")
        return statement

    def learned(self) -> Any:
        """A :class:`~symconv.check.symbols.SymbolTable` of what this segment showed."""
        from symconv.check.symbols import SymbolTable

        return SymbolTable(functions=self.functions, tensors=self.tensors, operators=self.operators)
