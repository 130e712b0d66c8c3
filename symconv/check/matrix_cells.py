"""Matrices of a display read cell by cell, each cell with its line, and where a cell stands.

A hand-written display of a matrix is judged where it is written: a wrong entry on the line that
holds it, a right row confirmed on its own line, even when a row of the matrix is split over two
lines or written with elisions. :func:`read_display` reads one math segment into its top-level
items — the matrix environments (``matrix``, ``bmatrix``, ``pmatrix``, ``array``, …), each a
:class:`WrittenMatrix` of :class:`Cell` s, and the text between them (``*``, ``\\rightarrow``,
``=``, nothing for a product). A cell is a value (read by the checker's parser), an elision
(``\\dots``, ``\\cdots``, ``\\vdots``, ``\\ddots``), a placeholder (``\\cdot``, an empty cell) or
unreadable; ``\\mathbf{…}`` around a whole cell marks it bold (the maximum of a pooling window,
as writers show it).

:meth:`WrittenMatrix.placed` says where each written cell stands in a matrix of a known shape:
cells before an elision from the start of their row, cells after the last one from its end, and
likewise for rows around a row of ``\\vdots``; what stands between two elisions has no certain
position and is never judged.

    >>> text = r"\\begin{bmatrix} k_{11} & k_{12} & \\dots & 0 \\\\ \\vdots \\\\ "
    >>> text += r"0 & \\dots & k_{22} \\end{bmatrix} \\begin{bmatrix} x_1 \\\\ x_2 \\end{bmatrix}"
    >>> display = read_display(text, first_line=10)
    >>> [type(item).__name__ for item in display.items]
    ['str', 'WrittenMatrix', 'str', 'WrittenMatrix', 'str']
    >>> matrix = display.matrices[0]
    >>> [[cell.text for cell in row] for row in matrix.rows]
    [['k_{11}', 'k_{12}', '\\\\dots', '0'], ['\\\\vdots'], ['0', '\\\\dots', 'k_{22}']]
    >>> for row in matrix.placed((4, 5)):
    ...     print(row.index, sorted((c, cell.text) for c, cell in row.cells.items()), row.reason)
    0 [(0, 'k_{11}'), (1, 'k_{12}'), (4, '0')] None
    3 [(0, '0'), (4, 'k_{22}')] None
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from symconv.check.symbols import SymbolTable
from symconv.core.patterns import lazy_compile
from symconv.errors import ParseError

__all__ = [
    "Cell",
    "CellKind",
    "Display",
    "PlacedRow",
    "WrittenMatrix",
    "operator_between",
    "read_display",
]


class CellKind(StrEnum):
    """What a cell of a written matrix holds."""

    VALUE = "value"
    #: ``\\dots``, ``\\cdots``, ``\\ldots``, ``…``: entries left out along the row.
    ELIDED_ROW = "elided along the row"
    #: ``\\vdots``: rows left out.
    ELIDED_COLUMN = "elided down the column"
    #: ``\\ddots``: entries left out along the diagonal.
    ELIDED_DIAGONAL = "elided along the diagonal"
    #: ``\\cdot``, ``\\bullet``, an empty cell: a place the writer leaves unfilled.
    PLACEHOLDER = "placeholder"
    #: A cell the parser cannot read.
    UNREAD = "unread"


@dataclass(frozen=True)
class Cell:
    """One cell as written: its text (without a bold wrapper), its 1-based line, what it holds
    and, for a value, the value read by the checker's parser."""

    text: str
    line: int
    kind: CellKind
    value: Any = None
    bold: bool = False
    #: Why an unread cell could not be read.
    reason: str = ""

    @property
    def elided(self) -> bool:
        return self.kind in (
            CellKind.ELIDED_ROW,
            CellKind.ELIDED_COLUMN,
            CellKind.ELIDED_DIAGONAL,
        )


@dataclass(frozen=True)
class PlacedRow:
    """A written row placed in a matrix of known shape: its row ``index`` (None when its
    position is not certain, with the ``reason``) and the cells whose column is certain."""

    written: tuple[Cell, ...]
    index: int | None
    cells: dict[int, Cell] = field(default_factory=dict)
    reason: str | None = None

    @property
    def lines(self) -> tuple[int, ...]:
        """The lines the row's cells are written on, in order."""
        return tuple(dict.fromkeys(cell.line for cell in self.written))


@dataclass(frozen=True)
class WrittenMatrix:
    """One matrix environment of a display: its written rows (a row of elisions included), its
    span in the segment's text, and whether a transpose mark (``^T``) follows it."""

    rows: tuple[tuple[Cell, ...], ...]
    start: int
    end: int
    line: int
    end_line: int
    transposed: bool = False

    @property
    def cells(self) -> Iterator[Cell]:
        for row in self.rows:
            yield from row

    @property
    def complete(self) -> bool:
        """Every cell a value, every row as long as the first: a plain matrix."""
        widths = {len(row) for row in self.rows}
        return len(widths) == 1 and all(cell.kind == CellKind.VALUE for cell in self.cells)

    def values(self) -> list[list[Any]] | None:
        """The rows of values of a complete matrix (None otherwise)."""
        if not self.complete:
            return None
        return [[cell.value for cell in row] for row in self.rows]

    def placed(self, shape: tuple[int, int]) -> list[PlacedRow]:
        """Each written row (rows of ``\\vdots`` left out) placed in a ``shape`` matrix.

        Rows before the first row of elisions are rows 0, 1, …; rows after the last one count
        from the end; rows between two rows of elisions have no certain position. Without a row
        of elisions there must be exactly ``shape[0]`` rows (otherwise no row is placed). Cells
        are placed the same way along each row.
        """
        rows, columns = shape
        written = [row for row in self.rows if row]
        gaps = [i for i, row in enumerate(written) if _is_gap_row(row)]
        placed: list[PlacedRow] = []
        if not gaps:
            if len(written) != rows:
                reason = f"{len(written)} rows written where the matrix has {rows}"
                return [PlacedRow(row, None, reason=reason) for row in written]
            positions: list[int | None] = list(range(rows))
        else:
            first, last = gaps[0], gaps[-1]
            after = len(written) - last - 1
            if first + after > rows:
                reason = f"more rows written than the {rows} of the matrix"
                return [PlacedRow(row, None, reason=reason) for row in written if row not in gaps]
            positions = []
            for i in range(len(written)):
                if i < first:
                    positions.append(i)
                elif i > last:
                    positions.append(rows - (len(written) - i))
                else:
                    positions.append(None)
        for i, row in enumerate(written):
            if i in gaps:
                continue
            index = positions[i]
            if index is None:
                placed.append(PlacedRow(row, None, reason="a row between two rows of elisions"))
                continue
            cells, why = _place_cells(row, columns)
            placed.append(PlacedRow(row, index, cells, why))
        return placed


def _is_gap_row(row: Sequence[Cell]) -> bool:
    """A row of ``\\vdots`` (or ``\\ddots``, with placeholders): rows left out."""
    kinds = {cell.kind for cell in row}
    return CellKind.ELIDED_COLUMN in kinds and kinds <= {
        CellKind.ELIDED_COLUMN,
        CellKind.ELIDED_DIAGONAL,
        CellKind.ELIDED_ROW,
        CellKind.PLACEHOLDER,
    }


def _place_cells(row: Sequence[Cell], columns: int) -> tuple[dict[int, Cell], str | None]:
    """The cells of ``row`` whose column is certain in a row of ``columns`` entries."""
    elisions = [i for i, cell in enumerate(row) if cell.elided]
    if not elisions:
        if len(row) != columns:
            return {}, f"{len(row)} entries written where the row has {columns}"
        return dict(enumerate(row)), None
    first, last = elisions[0], elisions[-1]
    after = len(row) - last - 1
    if first + after > columns:
        return {}, f"more entries written than the {columns} of the row"
    cells = {i: row[i] for i in range(first)}
    cells.update({columns - (len(row) - i): row[i] for i in range(last + 1, len(row))})
    reason = "entries between two elisions have no certain position" if last > first else None
    return cells, reason


@dataclass(frozen=True)
class Display:
    """The top-level items of one math segment: its matrices and the text between them."""

    items: tuple[WrittenMatrix | str, ...]
    text: str
    line: int

    @property
    def matrices(self) -> list[WrittenMatrix]:
        return [item for item in self.items if isinstance(item, WrittenMatrix)]

    def before(self, matrix: WrittenMatrix) -> str:
        """The text right before ``matrix`` (after the previous matrix)."""
        index = self.items.index(matrix)
        previous = self.items[index - 1] if index > 0 else ""
        return previous if isinstance(previous, str) else ""

    def after(self, matrix: WrittenMatrix) -> str:
        index = self.items.index(matrix)
        following = self.items[index + 1] if index + 1 < len(self.items) else ""
        return following if isinstance(following, str) else ""


_ENVIRONMENTS = r"(?:[pbBvV]?matrix|smallmatrix|array)"
_BEGIN = lazy_compile(r"\\begin\s*\{\s*(" + _ENVIRONMENTS + r")\s*\}(\s*\{[^{}]*\})?")
_END = lazy_compile(r"\\end\s*\{\s*" + _ENVIRONMENTS + r"\s*\}")
#: A row break (with its optional spacing argument) or ``\\cr``.
_ROW_BREAK = lazy_compile(r"\\\\(?:\s*\[[^\]]*\])?|\\cr(?![A-Za-z])")
_RULES = lazy_compile(r"\\(?:hline|midrule|toprule|bottomrule|cline\s*\{[^{}]*\})")
_BOLD = lazy_compile(r"^\\(?:mathbf|boldsymbol|bm|pmb|textbf)\s*\{(.*)\}$", re.DOTALL)
_ELISIONS = {
    CellKind.ELIDED_ROW: lazy_compile(r"^(?:\\(?:dots|ldots|cdots|dotsc|dotsb|dotsm)|\.\.\.|…|⋯)$"),
    CellKind.ELIDED_COLUMN: lazy_compile(r"^(?:\\vdots|⋮)$"),
    CellKind.ELIDED_DIAGONAL: lazy_compile(r"^(?:\\ddots|⋱)$"),
}
_PLACEHOLDER = lazy_compile(r"^(?:\\(?:cdot|bullet|circ|ast|star|square|times|cdotp)|[*·∙•?])?$")
#: Layout commands that may open a cell: they carry no meaning.
_LAYOUT = lazy_compile(
    r"\\(?:displaystyle|textstyle|scriptstyle|small|normalsize|footnotesize|large|Large)"
    r"(?![A-Za-z])|\\(?:phantom|vphantom|hphantom)\s*\{[^{}]*\}"
)


def read_display(text: str, first_line: int = 1, table: SymbolTable | None = None) -> Display:
    """The matrices of ``text`` (a math segment beginning on ``first_line``) and the text
    between them; nested environments are read as cells of the outer one."""
    items: list[WrittenMatrix | str] = []
    position = 0
    for start, end, body_start, body_end in _environments(text):
        items.append(text[position:start])
        transposed = bool(_TRANSPOSE_MARK.match(_strip_delimiters(text[end:])))
        rows = tuple(_rows(text, body_start, body_end, first_line, table))
        while rows and not rows[-1]:
            rows = rows[:-1]  # a row break before \end
        line = first_line + text.count("\n", 0, start)
        end_line = first_line + text.count("\n", 0, end)
        items.append(WrittenMatrix(rows, start, end, line, end_line, transposed))
        position = end
    items.append(text[position:])
    return Display(tuple(items), text, first_line)


_TRANSPOSE_MARK = lazy_compile(r"^\s*\^\s*(?:\{\s*)?(?:T|\\top|\\intercal|\\mathsf\{T\}|ᵀ)")


def _environments(text: str) -> Iterator[tuple[int, int, int, int]]:
    """``(start, end, body start, body end)`` of each outermost matrix environment."""
    position = 0
    while (begin := _BEGIN.search(text, position)) is not None:
        depth, cursor = 1, begin.end()
        end_match = None
        while depth:
            next_begin = _BEGIN.search(text, cursor)
            next_end = _END.search(text, cursor)
            if next_end is None:
                return
            if next_begin is not None and next_begin.start() < next_end.start():
                depth += 1
                cursor = next_begin.end()
            else:
                depth -= 1
                cursor = next_end.end()
                end_match = next_end
        assert end_match is not None
        yield begin.start(), end_match.end(), begin.end(), end_match.start()
        position = end_match.end()


def _rows(
    text: str, start: int, end: int, first_line: int, table: SymbolTable | None
) -> Iterator[tuple[Cell, ...]]:
    """The rows of the environment body ``text[start:end]``, split at top level."""
    row: list[Cell] = []
    cell_start = start
    depth = 0
    position = start
    while position < end:
        char = text[position]
        if char == "\\" and text.startswith("\\begin", position):
            depth += 1
            position += 6
            continue
        if char == "\\" and text.startswith("\\end", position):
            depth -= 1
            position += 4
            continue
        if char == "{" and text[position - 1 : position] != "\\":
            depth += 1
        elif char == "}" and text[position - 1 : position] != "\\":
            depth -= 1
        elif depth == 0 and char == "&":
            row.append(_cell(text, cell_start, position, first_line, table))
            cell_start = position + 1
        elif depth == 0 and char == "\\":
            found = _ROW_BREAK.match(text, position)
            if found is not None and found.end() <= end:
                row.append(_cell(text, cell_start, position, first_line, table))
                yield () if _is_blank_row(row) else tuple(row)
                row = []
                position = cell_start = found.end()
                continue
            position += 2  # an escaped character (\&, \{) or a command's backslash
            continue
        position += 1
    row.append(_cell(text, cell_start, end, first_line, table))
    if not _is_blank_row(row):
        yield tuple(row)


def _is_blank_row(row: Sequence[Cell]) -> bool:
    return len(row) == 1 and row[0].kind == CellKind.PLACEHOLDER and not row[0].text


def _cell(text: str, start: int, end: int, first_line: int, table: SymbolTable | None) -> Cell:
    raw = text[start:end]
    stripped = _RULES.sub(" ", _LAYOUT.sub(" ", raw)).strip()
    offset = start + (len(raw) - len(raw.lstrip()))
    line = first_line + text.count("\n", 0, offset)
    bold = False
    found = _BOLD.match(stripped)
    if found is not None and _balanced(found.group(1)):
        stripped, bold = found.group(1).strip(), True
    for kind, pattern in _ELISIONS.items():
        if pattern.match(stripped):
            return Cell(stripped, line, kind, bold=bold)
    if _PLACEHOLDER.match(stripped):
        return Cell(stripped, line, CellKind.PLACEHOLDER, bold=bold)
    try:
        value = _cell_value(stripped, table)
    except ParseError as error:
        return Cell(stripped, line, CellKind.UNREAD, bold=bold, reason=str(error))
    return Cell(stripped, line, CellKind.VALUE, value, bold)


_INTEGER = lazy_compile(r"^-?\d+$")
_ENTRY = lazy_compile(r"^([A-Za-z])_(?:\{(\d\d?)\}|(\d))$")
_GRADIENT_ENTRY = lazy_compile(
    r"^\\frac\s*\{\s*\\partial\s*([A-Za-z])\s*\}\s*\{\s*\\partial\s*([A-Za-z])_\{(\d\d?)\}\s*\}$"
)


def _cell_value(text: str, table: SymbolTable | None) -> Any:
    """The value of a cell: the common cells (``0``, ``a_{12}``, ``\\frac{\\partial F}{\\partial
    h_{12}}``) spelled as the parser spells them, without parsing; the others parsed."""
    import sympy as sp

    if _INTEGER.match(text):
        return sp.Integer(int(text))
    found = _ENTRY.match(text)
    if found is not None:
        digits = found.group(2) or found.group(3)
        name = f"{found.group(1)}_{{{digits}}}" if found.group(2) else f"{found.group(1)}_{digits}"
        return sp.Symbol(name)
    found = _GRADIENT_ENTRY.match(text)
    if found is not None:
        of, name, digits = found.groups()
        return sp.Derivative(sp.Symbol(of), sp.Symbol(f"{name}_{{{digits}}}"))
    from symconv.check.parser import parse_expression

    return parse_expression(text, symbols=table)


def _balanced(text: str) -> bool:
    depth = 0
    for index, char in enumerate(text):
        if char in "{}" and text[index - 1 : index] == "\\":
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


_DELIMITERS = lazy_compile(
    r"\\(?:left|right|bigg?|Bigg?)[lr]?\s*(?:[()\[\]|.]|\\[{}]|\\[lr]?[vV]ert|\\[lr]brack)"
    r"|\\(?:renewcommand\s*\{\\arraystretch\}\s*\{[^{}]*\}|setlength\s*\{[^{}]*\}\s*\{[^{}]*\})"
    r"|\\(?:small|normalsize|footnotesize|displaystyle|quad|qquad|[,;:! ])(?![A-Za-z])"
    r"|\\label\s*\{[^{}]*\}|\\(?:nonumber|notag)(?![A-Za-z])"
)


def _strip_delimiters(text: str) -> str:
    return _DELIMITERS.sub(" ", text).strip()


#: Operators between two matrices, by what they are read as.
_OPERATORS = (
    ("maps to", lazy_compile(r"^(?:\\(?:rightarrow|to|longrightarrow|mapsto|Rightarrow|implies)"
                           r"(?![A-Za-z])|→|⟶|⇒)$")),
    ("convolution", lazy_compile(r"^(?:\*|\\ast|\\star|∗|⋆|\\circledast|⊛|\\otimes|⊗)$")),
    ("product", lazy_compile(r"^(?:|\\cdot|\\times|·|×)$")),
    ("equals", lazy_compile(r"^=$")),
)  # fmt: skip


def operator_between(text: str) -> str | None:
    """What the text between two matrices writes: ``"product"`` (nothing, ``\\cdot``),
    ``"convolution"`` (``*``, ``\\ast``, ``\\otimes``), ``"maps to"`` (``\\rightarrow``),
    ``"equals"``, or None for anything else. Brackets, sizing, spacing and a transpose mark
    are left out.

    >>> operator_between(r"\\right] \\ast \\left["), operator_between(r"^T \\rightarrow")
    ('convolution', 'maps to')
    >>> operator_between(r"\\bigg("), operator_between("+") is None
    ('product', True)
    """
    stripped = _TRANSPOSE_MARK.sub("", _strip_delimiters(text))
    stripped = re.sub(r"\s+", "", stripped)
    for name, pattern in _OPERATORS:
        if pattern.match(stripped):
            return name
    return None
