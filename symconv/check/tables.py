"""Markdown pipe tables, read from a document's lines: rows of cells, with their headers.

A table is a run of lines that start with ``|`` and hold a delimiter row (``|---|:--:|``). Its
header is the row above the delimiter; a row below it whose cells are all words (no digit) and
whose first cell is empty or a word is a *sub-header*: it names the columns of the rows after it
(``|  | in_feature | out_feature |`` in the middle of a layer table), and the row above the
delimiter is then the table's title when it holds one word only (``| CNN1_2 | | |``). ``|``
inside math or a code span, or escaped (``\\|``), does not split a cell.

    >>> from symconv.check.lines import source_lines
    >>> from symconv.check.markdown import split_document
    >>> doc = ("| | kernel | stride |\\n|---|---|---|\\n| Layer_1 | (5,5) | 1 |\\n"
    ...        "| Layer_2 | $3$ | `2` |\\n")
    >>> [table] = read_tables(source_lines(split_document(doc)))
    >>> [(row.line, row.name, [(c.header, c.text) for c in row.cells[1:]]) for row in table.rows]
    [(3, 'Layer_1', [('kernel', '(5,5)'), ('stride', '1')]), (4, 'Layer_2', [('kernel', '$3$'), \
('stride', '`2`')])]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from symconv.check.lines import Piece, SourceLine
from symconv.core.patterns import lazy_compile

__all__ = ["Table", "TableCell", "TableRow", "read_tables"]

_DELIMITER_ROW = lazy_compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")


@dataclass(frozen=True)
class TableCell:
    """A cell: its text (math between ``$``, code spans in backticks), its column (0-based),
    the header of its column (lower case, spaces collapsed; ``""`` when none) and its pieces."""

    text: str
    column: int
    header: str
    pieces: tuple[Piece, ...]


@dataclass(frozen=True)
class TableRow:
    line: int
    cells: tuple[TableCell, ...]

    @property
    def name(self) -> str:
        """The row's first cell: the name of what it describes (``Layer_1``, ``CONV1``)."""
        return self.cells[0].text.strip("*_` ") if self.cells else ""

    def cell(self, column: int) -> TableCell | None:
        return self.cells[column] if 0 <= column < len(self.cells) else None


@dataclass(frozen=True)
class Table:
    """A table: its data rows (each cell knowing its header), the header row's cells, its title
    (a one-word row above the delimiter of a table whose header comes later) and its lines."""

    rows: tuple[TableRow, ...]
    headers: tuple[str, ...]
    title: str
    line: int
    end_line: int
    cell: int | None

    @property
    def lines(self) -> str:
        return (
            f"line {self.line}"
            if self.line == self.end_line
            else f"lines {self.line}–{self.end_line}"
        )


def read_tables(lines: Sequence[SourceLine]) -> list[Table]:
    """The pipe tables among ``lines`` (see the module docstring)."""
    tables = []
    run: list[SourceLine] = []
    for line in [*lines, None]:
        if (
            line is not None
            and line.text.lstrip().startswith("|")
            and (not run or (run[-1].line + 1 == line.line and run[-1].cell == line.cell))
        ):
            run.append(line)
            continue
        table = _table(run)
        if table is not None:
            tables.append(table)
        run = [line] if line is not None and line.text.lstrip().startswith("|") else []
    return tables


def _table(run: list[SourceLine]) -> Table | None:
    delimiter = next(
        (position for position, line in enumerate(run) if _DELIMITER_ROW.match(line.text)), None
    )
    if delimiter is None or delimiter == 0:
        return None
    header_cells = _split(run[delimiter - 1])
    headers = tuple(_header(cell) for cell in header_cells)
    title = ""
    rows: list[TableRow] = []
    for line in run[delimiter + 1 :]:
        cells = _split(line)
        texts = [_text(cell) for cell in cells]
        if _is_header(texts):
            if not rows and sum(1 for h in headers if h) <= 1:
                title = next((h for h in headers if h), "")
            headers = tuple(_header(cell) for cell in cells)
            continue
        rows.append(
            TableRow(
                line.line,
                tuple(
                    TableCell(
                        _text(cell).strip(),
                        column,
                        headers[column] if column < len(headers) else "",
                        tuple(cell),
                    )
                    for column, cell in enumerate(cells)
                ),
            )
        )
    if not rows:
        return None
    return Table(tuple(rows), headers, title, run[0].line, run[-1].line, run[0].cell)


def _is_header(texts: list[str]) -> bool:
    """A sub-header: at least two named cells, none holding a digit, the first empty or a word."""
    named = [text.strip() for text in texts if text.strip()]
    if len(named) < 2 or any(re.search(r"\d", text) for text in named):
        return False
    return not texts[0].strip() or re.fullmatch(r"[A-Za-z_ ]+", texts[0].strip()) is not None


def _header(cell: list[Piece]) -> str:
    return re.sub(r"\s+", " ", _text(cell).strip().strip("*_`").lower())


def _text(cell: list[Piece]) -> str:
    return "".join(piece.text for piece in cell)


def _split(line: SourceLine) -> list[list[Piece]]:
    """A row's cells, each as its pieces (a text piece cut at the ``|`` outside code spans)."""
    cells: list[list[Piece]] = [[]]
    for piece in line.pieces:
        if piece.kind != "text":
            cells[-1].append(piece)
            continue
        start = 0
        ticks = False
        text = piece.text
        for position, char in enumerate(text):
            if char == "`":
                ticks = not ticks
            elif char == "|" and not ticks and (position == 0 or text[position - 1] != "\\"):
                if position > start:
                    cells[-1].append(_sub(piece, start, position))
                cells.append([])
                start = position + 1
        if start < len(text):
            cells[-1].append(_sub(piece, start, len(text)))
    # the pipes at the ends of the row open and close it: no cell before the first or after
    # the last
    if cells and not "".join(p.text for p in cells[0]).strip():
        cells = cells[1:]
    if cells and not "".join(p.text for p in cells[-1]).strip():
        cells = cells[:-1]
    return cells


def _sub(piece: Piece, start: int, end: int) -> Piece:
    return Piece(piece.kind, piece.text[start:end], piece.segment, piece.start + start)
