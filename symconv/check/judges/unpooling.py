"""Max pooling and max unpooling written as ``A → P`` and ``P → U`` with named entries.

A writer shows max pooling on symbols: the input ``a_{ij}``, the maximum of each window marked
(``\\mathbf{a_{14}}``), and the pooled map ``P`` of the maxima; then the backward pass, or the
"unpooling" of the values, puts each entry of ``P`` back where it came from — the entry named
``a_{14}`` (or its gradient ``∂F/∂a_{14}``) at row 1, column 4 of a map of the input's shape —
with zeros elsewhere. Both are decided by the names alone (:func:`judge_unpooling`):

* **pooled map**: entry ``(r, c)`` of ``P`` must be an entry of window ``(r, c)`` of the input
  (the windows of the kernel and stride the words state, else of every kernel and stride that
  give ``P``'s size: wrong only if it is outside the window under each), and, when the window has
  one entry marked bold, that entry — right only then;
* **unpooled map**: the entry at the position of each named maximum is that name, every other
  entry 0 (a ``\\cdot`` is a place left unfilled, not judged).

Each written line is one judgement.

    >>> from symconv.check.document_forward import displays_of, read_model
    >>> from symconv.check.markdown import split_document
    >>> from symconv.check.model import Claim
    >>> doc = ("$$\\\\begin{bmatrix} a_{12} & a_{14} \\\\end{bmatrix} \\\\rightarrow "
    ...        "\\\\begin{bmatrix} 0 & a_{12} & 0 & a_{14} \\\\\\\\ "
    ...        "0 & 0 & 0 & a_{41} \\\\end{bmatrix}$$")
    >>> segments = split_document(doc)
    >>> model = read_model(segments, {})
    >>> for j in judge_unpooling(model.displays[0], model,
    ...                          lambda p, line, end, text: Claim(line, end, text, "matrix")):
    ...     print(j.verdict, j.message)
    right row 1 of the unpooled map: 0, a_{12}, 0, a_{14} (each maximum at its place)
    wrong entry 4 of row 2 is a_{41}; row 2 of the unpooled map has 0 there
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from symconv.check.document_forward import (
    DocumentModel,
    PlacedDisplay,
    canonical,
    entry_of,
    geometry_around,
    tensor_literal,
)
from symconv.check.judges.linear_maps import MapReading, Target, judge_rows
from symconv.check.judges.verdicts import right, unverified, wrong
from symconv.check.matrix_cells import Cell, CellKind, WrittenMatrix
from symconv.check.model import Claim, Judgement
from symconv.check.shown import show

__all__ = ["judge_unpooling"]

ClaimMaker = Callable[[PlacedDisplay, int, int, str], Claim]


@dataclass(frozen=True)
class _Named:
    """An entry of a small map naming an entry of the input: the input's name (``a`` for both
    ``a_{14}`` and ``∂F/∂a_{14}``) and the written indices."""

    value: Any
    tensor: str
    indices: tuple[int, ...]


def _named(cell: Cell) -> _Named | None:
    if cell.kind != CellKind.VALUE:
        return None
    value = canonical(cell.value)
    key = entry_of(value)
    if key is None or len(key[1]) != 2:
        return None
    name = key[0].rpartition("/∂")[2] if key[0].startswith("∂") else key[0]
    return _Named(value, name, key[1])


def _names(matrix: WrittenMatrix) -> list[list[_Named]] | None:
    """The named entries of a complete matrix, or None if one is not a named entry."""
    if not matrix.complete:
        return None
    rows = [[_named(cell) for cell in row] for row in matrix.rows]
    if any(n is None for row in rows for n in row):
        return None
    return [[n for n in row if n is not None] for row in rows]


def judge_unpooling(
    placed: PlacedDisplay, model: DocumentModel, make_claim: ClaimMaker
) -> list[Judgement]:
    """The judgements on the steps ``A → P`` (pooling) and ``P → U`` (unpooling) of a
    display's chain of arrows."""
    matrices = placed.display.matrices
    operators = placed.operators()
    judgements: list[Judgement] = []
    small: tuple[WrittenMatrix, list[list[_Named]]] | None = None
    source: WrittenMatrix | None = None
    for k, matrix in enumerate(matrices):
        arrived = k > 0 and operators[k - 1] == "maps to"
        if not arrived:
            small, source = None, None
        names = _names(matrix)
        literal = tensor_literal(matrix)
        if arrived and literal is None and names is not None and source is not None:
            judgements.extend(_pooled(placed, model, source, matrix, names, make_claim))
        if literal is not None:
            source = matrix
        if names is not None and literal is None:
            small = (matrix, names)
            continue
        if arrived and small is not None and literal is None:
            judgements.extend(_unpooled(placed, model, small[1], matrix, make_claim))
    return judgements


def _input_shape(matrix: WrittenMatrix) -> tuple[int, int] | None:
    widths = {len(row) for row in matrix.rows if row}
    if len(widths) != 1 or any(cell.elided for cell in matrix.cells):
        return None
    return len([row for row in matrix.rows if row]), widths.pop()


def _base(
    model: DocumentModel, tensor: str, shape: tuple[int, int], used: Sequence[tuple[int, ...]]
) -> int | None:
    """The index base of ``tensor``: a written matrix of its entries says it; else an index 0
    (0-based) or an index equal to a size (1-based)."""
    for literal in model.literals:
        if literal.name == tensor and literal.shape == shape:
            return literal.base
    zero = any(0 in indices for indices in used)
    top = any(i[0] == shape[0] or i[1] == shape[1] for i in used)
    if zero != top:
        return 0 if zero else 1
    return None


def _unpooled(
    placed: PlacedDisplay,
    model: DocumentModel,
    small: list[list[_Named]],
    matrix: WrittenMatrix,
    make_claim: ClaimMaker,
) -> list[Judgement]:
    shape = _input_shape(matrix)
    named = [n for row in small for n in row]
    tensors = {n.tensor for n in named}
    if shape is None or len(tensors) != 1 or shape[0] * shape[1] <= len(named):
        return []
    tensor = tensors.pop()
    if not _placement(matrix, tensor, [n.value for n in named]):
        return []  # an upsampling that repeats values, or another map: not a placement
    base = _base(model, tensor, shape, [n.indices for n in named])
    if base is None:
        return []
    expected = sp.zeros(*shape)
    for n in named:
        r, c = (i - base for i in n.indices)
        if not (0 <= r < shape[0] and 0 <= c < shape[1]):
            return []
        expected[r, c] = n.value
    target = Target("the unpooled map", (MapReading("each maximum at its place", expected),))
    return judge_rows(
        matrix,
        target,
        make_claim=lambda piece: make_claim(placed, piece.line, piece.line, piece.text),
    )


def _placement(matrix: WrittenMatrix, tensor: str, pooled: Sequence[Any]) -> bool:
    """The map puts values in place: each nonzero entry an entry of ``tensor`` (or its
    gradient) written once, some of them the pooled map's; the rest 0 or left unfilled (an
    upsampling that repeats each value is another map)."""
    seen: list[Any] = []
    for cell in matrix.cells:
        if cell.kind == CellKind.PLACEHOLDER or (cell.kind == CellKind.VALUE and cell.value == 0):
            continue
        named = _named(cell)
        if named is None or named.tensor != tensor or named.value in seen:
            return False
        seen.append(named.value)
    return any(value in seen for value in pooled)


def _windows(
    placed: PlacedDisplay, size: tuple[int, int], pooled: tuple[int, int]
) -> list[tuple[int, int]]:
    """``(kernel, stride)`` of the pooling: as the words state it, else every pair giving
    ``pooled`` from ``size`` along both axes."""
    geometry = geometry_around(placed)
    if geometry.kernel is not None and geometry.stride is not None:
        return [(geometry.kernel, geometry.stride)]
    found = []
    for kernel in range(1, max(size) + 1):
        for stride in range(1, kernel + 1):
            if all(
                n >= kernel and (n - kernel) % stride == 0 and (n - kernel) // stride + 1 == p
                for n, p in zip(size, pooled, strict=True)
            ):
                found.append((kernel, stride))
    return found


def _pooled(
    placed: PlacedDisplay,
    model: DocumentModel,
    source: WrittenMatrix,
    matrix: WrittenMatrix,
    names: list[list[_Named]],
    make_claim: ClaimMaker,
) -> list[Judgement]:
    literal = tensor_literal(source)
    assert literal is not None
    pooled = (len(names), len(names[0]))
    if any(n.tensor != literal.name for row in names for n in row):
        return []
    windows = _windows(placed, literal.shape, pooled)
    if not windows:
        return []
    bold = {(r, c) for r, row in enumerate(source.rows) for c, cell in enumerate(row) if cell.bold}
    judgements = []
    for r, row in enumerate(names):
        cells = matrix.rows[r]
        line = cells[0].line
        verdicts = [
            _pooled_entry(literal.base, n, (r, c), windows, bold) for c, n in enumerate(row)
        ]
        claim = make_claim(placed, line, cells[-1].line, " & ".join(cell.text for cell in cells))
        wrongs = [v for v in verdicts if v[0] == "wrong"]
        if wrongs:
            judgements.append(wrong(claim, wrongs[0][1], witness=wrongs[0][2]))
        elif all(v[0] == "right" for v in verdicts):
            judgements.append(
                right(claim, f"row {r + 1} of the pooled map: the maximum marked in each window")
            )
        else:
            judgements.append(unverified(claim, next(v[1] for v in verdicts if v[0] != "right")))
    return judgements


def _pooled_entry(
    base: int,
    named: _Named,
    position: tuple[int, int],
    windows: Sequence[tuple[int, int]],
    bold: set[tuple[int, int]],
) -> tuple[str, str, str]:
    place = (named.indices[0] - base, named.indices[1] - base)
    r, c = position
    inside = []
    marked = []
    for kernel, stride in windows:
        rows = range(r * stride, r * stride + kernel)
        columns = range(c * stride, c * stride + kernel)
        inside.append(place[0] in rows and place[1] in columns)
        marked.append({(i, j) for i in rows for j in columns} & bold)
    shown = show(named.value)
    if not any(inside):
        return (
            "wrong",
            f"entry ({r + 1}, {c + 1}) of the pooled map is {shown}, which is not in window "
            f"({r + 1}, {c + 1}) of the input",
            f"{shown} is at row {place[0] + 1}, column {place[1] + 1}",
        )
    if all(inside) and all(m == {place} for m in marked):
        return ("right", "", "")
    if all(len(m) == 1 and m != {place} for m in marked) and all(inside):
        (other,) = marked[0]
        return (
            "wrong",
            f"entry ({r + 1}, {c + 1}) of the pooled map is {shown}, but the maximum marked in "
            f"its window is the entry at row {other[0] + 1}, column {other[1] + 1}",
            f"window ({r + 1}, {c + 1}): marked ({other[0] + 1}, {other[1] + 1}), pooled "
            f"({place[0] + 1}, {place[1] + 1})",
        )
    return ("unverified", f"entry ({r + 1}, {c + 1}): no single maximum marked in its window", "")
