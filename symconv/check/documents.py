"""A document to check: its text, kind and segments, with line numbers of the file itself.

Markdown (``.md``, ``.txt``) and LaTeX (``.tex``) segments carry the lines of the file. A
notebook (``.ipynb``) is JSON: its Markdown cells are split cell by cell, and each segment's lines
are mapped to **the lines of the .ipynb file** where that source text sits — in the usual layout
(nbformat writes a cell's source as a list of strings, one per line) a cell's line ``k`` is the
file line of the ``k``-th string, so every reported line can be opened in an editor or found
with ``grep -n``; a cell whose source is one JSON string maps all its lines to that string's
line. ``Document.cell_of(line)`` gives the cell number (1-based, counting every cell, as Jupyter
numbers them) and the line within the cell, for messages and the annotated Markdown.

    >>> import json
    >>> notebook = json.dumps({"cells": [
    ...     {"cell_type": "code", "source": ["x = 1\\n"]},
    ...     {"cell_type": "markdown", "source": ["## 3\\n", "\\n", "$1 + 1 = 2$\\n"]}]}, indent=1)
    >>> document = Document.from_text(notebook, "hw.ipynb")
    >>> [(s.kind, s.line, document.cell_of(s.line)) for s in document.segments]
    [('text', 12, (2, 1)), ('math', 14, (2, 3))]
    >>> notebook.splitlines()[14 - 1].strip()
    '"$1 + 1 = 2$\\\\n"'
"""

from __future__ import annotations

import json
import json.scanner
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from symconv.check.limits import DEFAULT_MAX_BYTES, read_text
from symconv.check.markdown import Segment, document_kind, split_document
from symconv.errors import ParseError

#: File suffixes a batch picks up.
SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".tex", ".ipynb")


@dataclass(frozen=True)
class Cell:
    """A Markdown cell of a notebook: its number, source and the file line of each line."""

    number: int
    source: str
    file_lines: tuple[int, ...]


@dataclass(frozen=True)
class Document:
    """One input: ``name`` (the path as given), ``kind`` (md, tex, ipynb), the text and its
    segments (lines of the file)."""

    name: str
    kind: str
    text: str
    segments: tuple[Segment, ...]
    cells: tuple[Cell, ...] = field(default=())

    @classmethod
    def from_text(cls, text: str, name: str = "<text>", kind: str | None = None) -> Document:
        kind = kind or (document_kind(name) if name != "<text>" else "md")
        if kind == "ipynb":
            cells = notebook_cells(text, name)
            segments = _notebook_segments(text, cells)
            return cls(name, kind, text, tuple(segments), tuple(cells))
        return cls(name, kind, text, tuple(split_document(text, kind)))

    @classmethod
    def from_path(cls, path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
        path = Path(path)
        kind = document_kind(path)
        return cls.from_text(read_text(path, max_bytes), str(path), kind)

    @property
    def last_line(self) -> int:
        return max(1, len(self.text.splitlines()))

    def cell_of(self, line: int) -> tuple[int, int] | None:
        """``(cell number, line within the cell)`` of a file line of a notebook, else None."""
        for cell in self.cells:
            if line in cell.file_lines:
                return cell.number, cell.file_lines.index(line) + 1
        return None


def notebook_cells(text: str, name: str = "<notebook>") -> list[Cell]:
    """The Markdown cells of a notebook, each with the file line of each of its lines."""
    try:
        notebook = _decode_with_offsets(text)
    except json.JSONDecodeError as error:
        raise ParseError(
            f"{name}: not a notebook (invalid JSON at line {error.lineno}): {error.msg}"
        ) from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise ParseError(f"{name}: not a notebook: no list of 'cells'")
    found = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        pieces = source if isinstance(source, list) else [source]
        lines: list[int] = []
        for piece in pieces:
            offset = getattr(piece, "offset", None)
            file_line = text.count("\n", 0, offset) + 1 if offset is not None else 0
            lines.extend([file_line] * (str(piece).count("\n") + 1))
            if str(piece).endswith("\n"):
                lines.pop()
        joined = "".join(str(p) for p in pieces)
        if not lines:
            lines = [0]
        while len(lines) < joined.count("\n") + 1:
            lines.append(lines[-1])
        found.append(Cell(number, joined, tuple(lines)))
    return found


def _notebook_segments(text: str, cells: list[Cell]) -> list[Segment]:
    segments: list[Segment] = []
    blocks = 0
    for cell in cells:
        lines = cell.file_lines
        last_block = -1
        for segment in split_document(cell.source, "md"):
            block = None if segment.block is None else segment.block + blocks
            if segment.block is not None:
                last_block = max(last_block, segment.block)
            segments.append(
                replace(
                    segment,
                    line=lines[min(segment.line, len(lines)) - 1],
                    end_line=lines[min(segment.end_line, len(lines)) - 1],
                    cell=cell.number,
                    block=block,
                )
            )
        blocks += last_block + 1
    return segments


class _Located(str):
    """A JSON string that remembers where it starts in the file."""

    offset: int

    def __new__(cls, value: str, offset: int) -> _Located:
        instance = super().__new__(cls, value)
        instance.offset = offset
        return instance


def _decode_with_offsets(text: str) -> Any:
    """``json.loads`` whose string values remember their offset (keys stay plain strings)."""
    decoder: Any = json.JSONDecoder()
    scanstring: Any = getattr(json.decoder, "scanstring")  # noqa: B009 (untyped in typeshed)

    def parse_string(source: str, end: int, strict: bool = True) -> tuple[str, int]:
        value, stop = scanstring(source, end, strict)
        return _Located(value, end - 1), stop

    decoder.parse_string = parse_string
    decoder.scan_once = getattr(json.scanner, "py_make_scanner")(decoder)  # noqa: B009
    start = len(text) - len(text.lstrip(" \t\n\r"))
    value, end = decoder.raw_decode(text, start)
    if text[end:].strip():
        raise json.JSONDecodeError("extra data after the notebook", text, end)
    return value


def supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES
