"""A document's lines as written, rebuilt from its segments: what the size readers scan.

:func:`~symconv.check.markdown.split_document` cuts a line into text and math segments; a reader
of tables, labelled lists and questions needs the line whole (its ``|`` cells, its ``Label: value``)
and, for each piece of it, the segment it came from (to reuse the math segment's one parse). A
:class:`SourceLine` is that: its pieces in order, inline math written back between ``$`` (plain
computations as they stand), a heading's text as it is. Display math that spans lines and code
blocks are not lines of prose (:func:`source_lines` skips them); a display on one line is a
line of its own, between ``$$``.

    >>> from symconv.check.markdown import split_document
    >>> doc = "| CONV | $28$ | (28+2*0-7)/3+1=8 |\\n\\n$$a = b$$\\n\\n$$\\nc\\n= d\\n$$\\n"
    >>> [line.text for line in source_lines(split_document(doc))]
    ['| CONV | $28$ | (28+2*0-7)/3+1=8 |', '$$a = b$$']
    >>> [(piece.kind, piece.text) for piece in source_lines(split_document(doc))[0].pieces]
    [('text', '| CONV | '), ('math', '$28$'), ('text', ' | '), ('math', '(28+2*0-7)/3+1=8'), \
('text', ' |')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from symconv.check.markdown import Segment
from symconv.core.patterns import lazy_compile

__all__ = ["Piece", "SourceLine", "heading_level", "source_lines"]


@dataclass(frozen=True)
class Piece:
    """A piece of a line: ``text`` as written (inline math between its ``$``), its ``kind``
    (``text`` or ``math``), the index of its segment and where it starts in the line."""

    kind: str
    text: str
    segment: int
    start: int


@dataclass(frozen=True)
class SourceLine:
    """One line of prose (a paragraph line, a list item, a table row, a heading)."""

    line: int
    cell: int | None
    pieces: tuple[Piece, ...]

    @property
    def text(self) -> str:
        return "".join(piece.text for piece in self.pieces)

    @property
    def heading(self) -> int | None:
        """The level of the heading this line is (Markdown ``##``, TeX ``\\section``), or None."""
        return heading_level(self.text)

    def piece_at(self, offset: int) -> Piece | None:
        """The piece holding character ``offset`` of :attr:`text`."""
        for piece in self.pieces:
            if piece.start <= offset < piece.start + len(piece.text):
                return piece
        return None


def source_lines(segments: Sequence[Segment]) -> list[SourceLine]:
    """The lines of prose of a document, in order, each with its pieces."""
    grouped: dict[tuple[int | None, int], list[tuple[int, Segment]]] = {}
    order: list[tuple[int | None, int]] = []
    for index, segment in enumerate(segments):
        if segment.kind == "code" or segment.end_line != segment.line:
            continue
        key = (segment.cell, segment.line)
        if key not in grouped:
            grouped[key] = []
            order.append(key)
        grouped[key].append((index, segment))
    lines = []
    for key in order:
        pieces: list[Piece] = []
        position = 0
        for index, segment in sorted(grouped[key], key=lambda item: item[1].offset):
            text = segment.text
            if segment.kind == "math" and segment.display:
                text = f"$${text}$$"
            elif segment.kind == "math" and segment.delimiter != "plain":
                opening = segment.delimiter if segment.delimiter in ("$", "\\(") else "$"
                closing = {"$": "$", "\\(": "\\)"}.get(opening, "$")
                text = f"{opening}{text}{closing}"
            pieces.append(Piece(segment.kind, text, index, position))
            position += len(text)
        lines.append(SourceLine(key[1], key[0], tuple(pieces)))
    return lines


_MARKDOWN_HEADING = lazy_compile(r"^\s{0,3}(#{1,6})\s")
_TEX_HEADING = lazy_compile(r"^\s*\\(section|subsection|subsubsection|paragraph)\*?\s*\{")
_TEX_LEVELS = {"section": 2, "subsection": 3, "subsubsection": 4, "paragraph": 5}


def heading_level(text: str) -> int | None:
    """``2`` for ``## Problem 2`` and for ``\\section{Problem 2}``; None for other lines.

    >>> heading_level("### 4. You have"), heading_level("\\\\subsection*{b}"), heading_level("a")
    (3, 3, None)
    """
    match = _MARKDOWN_HEADING.match(text)
    if match is not None:
        return len(match.group(1))
    tex = _TEX_HEADING.match(text)
    return _TEX_LEVELS[tex.group(1)] if tex is not None else None
