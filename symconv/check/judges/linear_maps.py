"""Matrices a document derives from its own forward map, judged entry by entry, line by line.

Without a problem set, a document's own forward map (:mod:`symconv.check.document_forward`:
``h_{12} = \\sum_{i,j} k_{ij} a_{i,j+1}``, a matrix of such sums, or a convolution of two written
tensors) fixes what its later matrices must be:

* **the matrix of the map**, ``W`` in ``h = Wa`` — a matrix times the column of ``a``'s entries:
  row ``q`` is ``∂h_q/∂a`` with the columns in the order the column lists ``a`` and the rows in the
  order the document flattens ``h`` (the order it shows for ``h``, else the one it uses for ``a``);
* **its transpose**, ``Wᵀ`` in ``∂F/∂a = Wᵀ ∂F/∂h`` — a matrix times the column of ``∂F/∂h``:
  row ``p`` is ``∂h/∂a_p``, in the order the document flattens ``a``;
* **a gradient written out** — a matrix of ``a``'s shape whose entries read the kernel and the
  output's error (``w_{11}δ_{12} + w_{12}δ_{11}``): entry ``p`` is ``Σ_q δ_q ∂h_q/∂a_p``;
* **a convolution giving a gradient** — ``[padded ∂F/∂h] * [flipped k]``: its result (under the
  meaning the document's own ``*`` has) against ``∂F/∂a`` or ``∂F/∂k``;
* **the result of a convolution** — the matrix of sums written after ``A * K``, against ``A * K``.

Each written row is placed where it stands (around ``\\dots`` and ``\\vdots`` only the entries whose
position is certain; :meth:`~symconv.check.matrix_cells.WrittenMatrix.placed`) and judged on each
line it is written on: a wrong entry makes its line wrong, and a right row is confirmed on its own
line whatever its neighbours hold. When the document leaves a reading open (``*`` a
cross-correlation or a true convolution, a stride it does not state), a line is *wrong* only if it
is wrong under every reading, and *right* under the reading the display is most consistent with
(the one under which the most of its lines are right; with a tie, right under each of them).

    >>> from symconv.check.model import Claim
    >>> import sympy as sp
    >>> from symconv.check.matrix_cells import read_display
    >>> text = "\\\\begin{bmatrix} x & 1 \\\\\\\\\\n y & 2 \\\\end{bmatrix}"
    >>> shown = read_display(text, first_line=5)
    >>> target = Target("M", (MapReading("as written", sp.Matrix([[sp.Symbol("x"), 1], [0, 2]])),))
    >>> for j in judge_rows(shown.matrices[0], target, make_claim=lambda p: Claim(
    ...         p.line, p.line, "", "matrix")):
    ...     print(j.claim.line, j.verdict, j.message)
    5 right row 1 of M: x, 1 (as written)
    6 wrong entry 1 of row 2 is y; row 2 of M has 0 there
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import sympy as sp

from symconv.check.document_forward import (
    DocumentModel,
    Forward,
    Operand,
    PlacedDisplay,
    TensorLiteral,
    atom_of,
    canonical,
    entry_of,
    entry_symbol,
    evaluated,
    flattening_orders,
    geometry_around,
    operation_readings,
    operations_with_results,
    stands_alone,
    stated_geometry,
    tensor_literal,
    tensors_of,
    vector_cells,
)
from symconv.check.judges.verdicts import right, unverified, wrong
from symconv.check.matrix_cells import Cell, CellKind, PlacedRow, WrittenMatrix
from symconv.check.model import Claim, Judgement
from symconv.check.shown import display_name
from symconv.check.shown import show as _plain_show
from symconv.core.patterns import lazy_compile
from symconv.core.safe import as_sympy

__all__ = [
    "MapReading",
    "Piece",
    "Target",
    "judge_display",
    "judge_rows",
]


def show(expr: Any) -> str:
    """An entry as a message shows it, Greek names as letters (``δ_13·w_22``)."""
    if isinstance(expr, sp.Basic):
        renamed = {
            symbol: sp.Symbol(display_name(symbol.name))
            for symbol in expr.atoms(sp.Symbol)
            if display_name(symbol.name) != symbol.name
        }
        expr = expr.xreplace(renamed) if renamed else expr
    return _plain_show(expr)


@dataclass(frozen=True)
class Piece:
    """The cells of one written row on one line: those whose column is certain are judged."""

    row: PlacedRow
    line: int
    cells: tuple[tuple[int, Cell], ...]
    written: tuple[Cell, ...]

    @property
    def text(self) -> str:
        return " & ".join(cell.text for cell in self.written)


@dataclass(frozen=True)
class MapReading:
    """One reading of what a written matrix must be: the words for it and the matrix."""

    words: str
    expected: sp.Matrix


@dataclass(frozen=True)
class Target:
    """What a written matrix is compared with: its name in messages, the readings the document
    leaves open, and how to name a row's and a column's meaning (``h_{11}``, ``a_{21}``)."""

    what: str
    readings: tuple[MapReading, ...]
    row_names: tuple[str, ...] = ()
    column_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Outcome:
    verdict: Literal["right", "wrong", "unknown"]
    differences: tuple[tuple[int, Any, Any], ...] = ()
    reason: str = ""


def _pieces(rows: Sequence[PlacedRow]) -> list[Piece]:
    pieces = []
    for row in rows:
        for line in row.lines:
            written = tuple(cell for cell in row.written if cell.line == line)
            cells = tuple((c, cell) for c, cell in row.cells.items() if cell.line == line)
            pieces.append(Piece(row, line, cells, written))
    return pieces


def _same(written: Any, expected: Any) -> bool:
    return sp.expand(canonical(evaluated(written)) - expected) == 0


def _outcome(piece: Piece, expected: sp.Matrix) -> _Outcome:
    if piece.row.index is None:
        return _Outcome("unknown", reason=piece.row.reason or "its position is not certain")
    if piece.row.index >= expected.rows:
        return _Outcome("unknown", reason="a row past the end of the matrix")
    differences = []
    compared = 0
    for column, cell in piece.cells:
        if cell.kind == CellKind.UNREAD:
            return _Outcome("unknown", reason=f"the entry {cell.text!r} could not be read")
        if cell.kind != CellKind.VALUE:
            continue
        want = expected[piece.row.index, column]
        compared += 1
        if not _same(cell.value, want):
            differences.append((column, cell.value, want))
    if differences:
        return _Outcome("wrong", tuple(differences))
    if not compared:
        return _Outcome("unknown", reason="no entry of this line has a certain position")
    return _Outcome("right")


def judge_rows(
    matrix: WrittenMatrix,
    target: Target,
    *,
    make_claim: Callable[[Piece], Claim],
) -> list[Judgement]:
    """Each line of each written row of ``matrix`` judged against ``target`` (see the module
    docstring for the readings)."""
    target = _distinct(target)
    shape = target.readings[0].expected.shape
    pieces = _pieces(matrix.placed(shape))
    outcomes = {
        index: [_outcome(piece, reading.expected) for piece in pieces]
        for index, reading in enumerate(target.readings)
    }
    # the readings the whole display is most consistent with: those under which the most
    # lines are right (a line is right under them only; wrong only under every reading)
    rights = {i: sum(o.verdict == "right" for o in found) for i, found in outcomes.items()}
    most = max(rights.values(), default=0)
    plausible = [i for i, count in rights.items() if count == most and count > 0]
    judgements = []
    for number, piece in enumerate(pieces):
        claim = make_claim(piece)
        mine = [outcomes[i][number] for i in outcomes]
        label = _row_label(piece, target)
        if all(o.verdict == "wrong" for o in mine):
            shown = plausible[0] if len(plausible) == 1 else 0
            judgements.append(_wrong(claim, piece, target, shown, outcomes[shown][number]))
        elif plausible and all(outcomes[i][number].verdict == "right" for i in plausible):
            words = target.readings[plausible[0]].words if len(plausible) == 1 else ""
            values = ", ".join(cell.text for _, cell in piece.cells)
            suffix = f" ({words})" if words else ""
            judgements.append(right(claim, f"{label} of {target.what}: {values}{suffix}"))
        elif any(o.verdict == "unknown" for o in mine):
            reason = next(o.reason for o in mine if o.verdict == "unknown")
            judgements.append(unverified(claim, f"{label}: {reason}"))
        else:
            right_as = [
                target.readings[i].words for i, o in enumerate(mine) if o.verdict == "right"
            ]
            wrong_as = [
                target.readings[i].words for i, o in enumerate(mine) if o.verdict == "wrong"
            ]
            judgements.append(
                unverified(
                    claim,
                    f"{label} is right read as {' or '.join(right_as)}, not as "
                    f"{' or '.join(wrong_as)}: the document does not fix which",
                )
            )
    return judgements


def _distinct(target: Target) -> Target:
    """``target`` with readings that expect the same matrix merged (the first one's words)."""
    kept: list[MapReading] = []
    for reading in target.readings:
        same = any(
            k.expected.shape == reading.expected.shape
            and (k.expected - reading.expected).applyfunc(sp.expand).is_zero_matrix
            for k in kept
        )
        if not same:
            kept.append(reading)
    return Target(target.what, tuple(kept), target.row_names, target.column_names)


def _row_label(piece: Piece, target: Target) -> str:
    index = piece.row.index
    if index is None:
        return "this row"
    return f"row {index + 1}"


def _wrong(claim: Claim, piece: Piece, target: Target, shown: int, found: _Outcome) -> Judgement:
    reading = target.readings[shown]
    index = piece.row.index
    assert index is not None
    columns = [c for c, _, _ in found.differences]
    numbers = _numbers(columns)
    written = ", ".join(show(w) for _, w, _ in found.differences)
    expected = ", ".join(show(e) for _, _, e in found.differences)
    plural = len(columns) > 1
    message = (
        f"entr{'ies' if plural else 'y'} {numbers} of row {index + 1} "
        f"{'are' if plural else 'is'} {written}; row {index + 1} of {target.what} has "
        f"{expected} there"
    )
    if target.column_names:
        names = ", ".join(target.column_names[c] for c in columns if c < len(target.column_names))
        if names:
            message += f" (the entr{'ies' if plural else 'y'} for {names})"
    if len(target.readings) > 1:
        message += f"; wrong under every reading ({reading.words} shown)"
    column, got, want = found.differences[0]
    row_name = target.row_names[index] if index < len(target.row_names) else f"row {index + 1}"
    column_name = (
        target.column_names[column] if column < len(target.column_names) else f"{column + 1}"
    )
    witness = (
        f"entry ({index + 1}, {column + 1}) [{row_name}, {column_name}]: {show(want)} ≠ {show(got)}"
    )
    return wrong(claim, message, expected=want, witness=witness)


def _numbers(columns: Sequence[int]) -> str:
    """``5–7`` for consecutive columns, ``2, 6`` otherwise (1-based)."""
    ordered = sorted(c + 1 for c in columns)
    if len(ordered) > 2 and ordered[-1] - ordered[0] == len(ordered) - 1:
        return f"{ordered[0]}–{ordered[-1]}"
    return ", ".join(str(c) for c in ordered)


# ----------------------------------------------------------------------------------------------
# What each display of the document claims
# ----------------------------------------------------------------------------------------------
ClaimMaker = Callable[[PlacedDisplay, int, int, str], Claim]


def judge_display(
    placed: PlacedDisplay, model: DocumentModel, make_claim: ClaimMaker
) -> list[Judgement]:
    """The judgements on one display: each matrix it writes that the document's own forward map
    decides (none if it writes no such matrix)."""
    judgements: list[Judgement] = []
    matrices = placed.display.matrices
    operators = placed.operators()
    claimed: set[int] = set()
    for k, operator in enumerate(operators):
        left, right_matrix = matrices[k], matrices[k + 1]
        if operator == "product" and vector_cells(right_matrix) is not None:
            found = _product(placed, model, left, right_matrix, make_claim)
            if found:
                judgements.extend(found)
                claimed.update((id(left), id(right_matrix)))
        elif operator == "convolution":
            found = _operation(placed, model, left, right_matrix, make_claim)
            if found:
                judgements.extend(found)
                claimed.update((id(left), id(right_matrix)))
    for matrix in matrices:
        if id(matrix) in claimed or not stands_alone(placed, matrix):
            continue
        judgements.extend(_result_of_operation(placed, model, matrix, make_claim))
        judgements.extend(_gradient_matrix(placed, model, matrix, make_claim))
        judgements.extend(_named_map_matrix(placed, model, matrix, make_claim))
    return judgements


#: ``W =``, ``W^T =``, ``\mathbf{C}^\top :=`` right before a matrix.
_MATRIX_NAME = lazy_compile(
    r"(?:^|[\s,;$])(?:\\(?:mathbf|boldsymbol|bm)\s*\{\s*([A-Z])\s*\}|([A-Z]))"
    r"\s*(\^\s*\{?\s*(?:T|\\top|\\intercal)\s*\}?)?\s*:?=\s*(?:\\left\s*)?[\[(]?\s*$"
)


def _named_map_matrix(
    placed: PlacedDisplay, model: DocumentModel, matrix: WrittenMatrix, make_claim: ClaimMaker
) -> list[Judgement]:
    """``W = [matrix]`` (or ``Wᵀ = [matrix]``) where the document says ``h = W a`` of its map:
    the matrix of the map (its transpose), rows and columns in the orders the document shows."""
    found = _MATRIX_NAME.search(placed.display.before(matrix))
    if found is None:
        return []
    name = found.group(1) or found.group(2)
    transposed = found.group(3) is not None or matrix.transposed
    if name not in model.linear:
        return []
    output, operand_name = model.linear[name]
    claim_of = _piece_claim(placed, make_claim)
    candidates = [
        f for f in model.forwards if f.output == output and f.operand(operand_name) is not None
    ]
    if not candidates:
        return []
    if len({f.source for f in candidates}) > 1:
        return _all_unverified(matrix, claim_of, f"more than one map of the document is {output}")
    forward = candidates[0]
    operand = forward.operand(operand_name)
    assert operand is not None
    other = next(o for o in forward.operands if o is not operand)
    if not _linear_in(matrix, other.name):
        return []
    in_order = model.order_of(operand_name)
    if in_order is None:
        return _all_unverified(
            matrix,
            claim_of,
            f"the document does not show the order it flattens {operand_name} in: which column "
            "is which entry is not said",
        )
    out_order = model.order_of(output) or in_order
    inputs = operand.keys(in_order)
    outputs = forward.output_keys(out_order)
    readings = []
    for reading in candidates:
        jacobian = reading.jacobian(operand_name, outputs, inputs)
        readings.append(MapReading(reading.reading, jacobian.T if transposed else jacobian))
    columns = tuple(show(atom_of(key)) for key in inputs)
    rows = tuple(_output_name(forward, q) for q in outputs)
    what = f"{name}{'ᵀ' if transposed else ''} = "
    what += f"{'(' if transposed else ''}∂{output}/∂{operand_name}{')ᵀ' if transposed else ''}"
    what += f" ({output} = {name} {operand_name}, the map of lines {forward.line}–"
    what += f"{forward.end_line}, {operand_name} flattened {_order_words(in_order)})"
    target = Target(
        what,
        tuple(readings),
        columns if transposed else rows,
        rows if transposed else columns,
    )
    return judge_rows(matrix, target, make_claim=claim_of)


def _piece_claim(placed: PlacedDisplay, make_claim: ClaimMaker) -> Callable[[Piece], Claim]:
    return lambda piece: make_claim(placed, piece.line, piece.line, piece.text)


def _vector_tensor(vector: WrittenMatrix) -> str | None:
    """The one tensor whose entries a written vector lists."""
    cells = vector_cells(vector) or []
    names = {
        key[0]
        for cell in cells
        if cell.kind == CellKind.VALUE and (key := entry_of(canonical(cell.value))) is not None
    }
    values = [cell for cell in cells if cell.kind == CellKind.VALUE]
    if len(names) != 1 or len(values) < 2:
        return None
    return names.pop()


def _written_tensors(matrix: WrittenMatrix) -> frozenset[str]:
    found: set[str] = set()
    for cell in matrix.cells:
        if cell.kind == CellKind.VALUE:
            found |= tensors_of(canonical(as_sympy(cell.value)))
    return frozenset(found)


def _order_words(order: str) -> str:
    return "row by row" if order == "C" else "column by column"


def _product(
    placed: PlacedDisplay,
    model: DocumentModel,
    matrix: WrittenMatrix,
    vector: WrittenMatrix,
    make_claim: ClaimMaker,
) -> list[Judgement]:
    """``W [a_{11}, …, a_{44}]ᵀ`` (the matrix of the map) or ``Wᵀ [∂F/∂h_{11}, …]ᵀ`` (its
    transpose), judged row by row."""
    name = _vector_tensor(vector)
    if name is None:
        return []
    if name.startswith("∂"):
        return _transposed_product(placed, model, matrix, vector, name, make_claim)
    candidates = []
    for forward in model.forwards_before(placed.line):
        operand = forward.operand(name)
        if operand is None:
            continue
        other = next(o for o in forward.operands if o is not operand)
        if not _linear_in(matrix, other.name):
            continue  # a matrix with other entries (1/4, another tensor): not this map's
        orders = flattening_orders(vector, operand)
        if orders:
            candidates.append((forward, operand, orders))
    if not candidates:
        return []
    claim_of = _piece_claim(placed, make_claim)
    if len({f.source for f, _, _ in candidates}) > 1:
        lines = ", ".join(sorted({f"{f.line}–{f.end_line}" for f, _, _ in candidates}))
        return _all_unverified(
            matrix, claim_of, f"more than one map of the document reads {name} (lines {lines})"
        )
    forward, operand, orders = candidates[0]
    order = next(iter(orders)) if len(orders) == 1 else model.order_of(name)
    if order is None:
        return _all_unverified(
            matrix, claim_of, f"the column does not show the order {name}'s entries are listed in"
        )
    output = forward.output or "the output"
    out_order = model.order_of(forward.output) if forward.output else None
    out_words = (
        f"{output} flattened {_order_words(out_order)}"
        if out_order
        else f"{output} flattened as {name} is"
    )
    out_order = out_order or order
    inputs = operand.keys(order)
    outputs = forward.output_keys(out_order)
    readings = tuple(
        MapReading(reading.reading, reading.jacobian(name, outputs, inputs))
        for reading, _, _ in candidates
    )
    row_names = tuple(_output_name(forward, q) for q in outputs)
    target = Target(
        f"∂{output}/∂{name} (the map of lines {forward.line}–{forward.end_line}, "
        f"{name} flattened {_order_words(order)}, {out_words})",
        readings,
        row_names,
        tuple(show(atom_of(key)) for key in inputs),
    )
    return judge_rows(matrix, target, make_claim=claim_of)


def _output_name(forward: Forward, position: tuple[int, int]) -> str:
    if forward.output is None:
        return f"output ({position[0] + 1}, {position[1] + 1})"
    base = forward.output_base
    return show(atom_of((forward.output, (position[0] + base, position[1] + base))))


def _transposed_product(
    placed: PlacedDisplay,
    model: DocumentModel,
    matrix: WrittenMatrix,
    vector: WrittenMatrix,
    name: str,
    make_claim: ClaimMaker,
) -> list[Judgement]:
    """``X [∂F/∂h_{11}, …]ᵀ``: X is ``(∂h/∂a)ᵀ`` for the operand ``a`` whose entries X does not
    read (its entries are the other operand's)."""
    scalar, _, output = name[1:].partition("/∂")
    coefficients = _written_tensors(matrix)
    claim_of = _piece_claim(placed, make_claim)
    found = []
    for forward in model.forwards_before(placed.line):
        if forward.output not in (None, output):
            continue
        if not any(_linear_in(matrix, o.name) for o in forward.operands):
            continue
        rows, columns = forward.output_shape
        out = Operand(name, (rows, columns), forward.output_base)
        orders = flattening_orders(vector, out)
        if not orders:
            continue
        for operand in forward.operands:
            other = next(o for o in forward.operands if o is not operand)
            if coefficients and coefficients <= {other.name}:
                found.append((forward, operand, orders))
    if not found:
        return []
    if len({f.source for f, _, _ in found}) > 1 or len({o.name for _, o, _ in found}) > 1:
        return _all_unverified(
            matrix, claim_of, f"more than one map of the document fits ∂{scalar}/∂{output}"
        )
    forward, operand, orders = found[0]
    out_order = next(iter(orders)) if len(orders) == 1 else model.order_of(output)
    in_order = model.order_of(operand.name)
    if out_order is None or in_order is None:
        missing = operand.name if in_order is None else output
        return _all_unverified(
            matrix,
            claim_of,
            f"the document does not show the order it flattens {missing} in: which row is which "
            "entry is not said",
        )
    inputs = operand.keys(in_order)
    outputs = forward.output_keys(out_order)
    readings = tuple(
        MapReading(reading.reading, reading.jacobian(operand.name, outputs, inputs).T)
        for reading, _, _ in found
    )
    shown = forward.output or "h"
    target = Target(
        f"(∂{shown}/∂{operand.name})ᵀ (the map of lines {forward.line}–{forward.end_line}, "
        f"{operand.name} flattened {_order_words(in_order)})",
        readings,
        tuple(show(atom_of(key)) for key in inputs),
        tuple(_output_name(forward, q) for q in outputs),
    )
    return judge_rows(matrix, target, make_claim=claim_of)


def _linear_in(matrix: WrittenMatrix, name: str) -> bool:
    """Every entry written is 0 or a number times one entry of ``name`` (``k_{21}``, ``-k_{21}``):
    the entries of a derivative of the map by its other operand, and nothing else."""
    found = False
    for cell in matrix.cells:
        if cell.kind != CellKind.VALUE:
            continue
        value = canonical(evaluated(cell.value))
        if value == 0:
            continue
        coefficient, factors = sp.expand(value).as_coeff_mul()
        keys = [entry_of(f) for f in factors]
        if not coefficient.is_Rational or len(keys) != 1 or keys[0] is None:
            return False
        if keys[0][0] != name:
            return False
        found = True
    return found


def _all_unverified(
    matrix: WrittenMatrix, claim_of: Callable[[Piece], Claim], reason: str
) -> list[Judgement]:
    rows = [PlacedRow(row, None) for row in matrix.rows if row]
    return [unverified(claim_of(piece), reason) for piece in _pieces(rows)]


# ----------------------------------------------------------------------------------------------
# Gradients: written out, or as a convolution
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Gradient:
    """``∂F/∂x`` of a forward map, given the output's error: what it is called, the matrix."""

    what: str
    expected: sp.Matrix
    reading: str
    operand: str
    source: int


def _errors_for(
    forward: Forward, names: frozenset[str], model: DocumentModel, line: int
) -> Iterator[tuple[str, dict[tuple[int, int], Any]]]:
    """The output errors among ``names``: ``∂F/∂h`` for the map's output h (or an unnamed
    output), or a tensor the document writes with the output's shape (``δ``)."""
    rows, columns = forward.output_shape
    for name in names:
        if name.startswith("∂"):
            output = name[1:].partition("/∂")[2]
            if forward.output not in (None, output):
                continue
            base = forward.output_base
            yield (
                name,
                {
                    (r, c): atom_of((name, (r + base, c + base)))
                    for r in range(rows)
                    for c in range(columns)
                },
            )
            continue
        named = model.errors.get(name)
        if named is not None and forward.output in (None, named[1]):
            # δ after δ_{ij} = ∂J/∂z_{ij}: the output's gradient under the document's name
            base = forward.output_base
            yield (
                name,
                {
                    (r, c): entry_symbol(name, (r + base, c + base))
                    for r in range(rows)
                    for c in range(columns)
                },
            )
            continue
        literal = next((t for t in reversed(model.literals_before(line)) if t.name == name), None)
        if literal is not None and literal.shape == (rows, columns):
            yield name, {(r, c): literal.atom(r, c) for r in range(rows) for c in range(columns)}


def _gradients(
    forward: Forward, shape: tuple[int, int], names: frozenset[str], model: DocumentModel, line: int
) -> Iterator[_Gradient]:
    """The gradients of ``forward`` of this shape whose entries read exactly ``names``."""
    for operand in forward.operands:
        if operand.shape != shape:
            continue
        other = next(o for o in forward.operands if o is not operand)
        for error_name, error in _errors_for(forward, names - {other.name}, model, line):
            if names != {other.name, error_name}:
                continue
            expected = forward.gradient(operand.name, error)
            what = f"∂L/∂{operand.name} for the error {_error_words(error_name)}"
            yield _Gradient(what, expected, forward.reading, operand.name, forward.source)


def _error_words(name: str) -> str:
    return name if name.startswith("∂") else f"{name} of the output"


def _implicit_forwards(
    placed: PlacedDisplay, model: DocumentModel, shape: tuple[int, int], names: frozenset[str]
) -> Iterator[Forward]:
    """The convolutions the document implies when it writes an input ``x``, a kernel ``w`` and
    an output error ``δ`` as matrices of entries and then a matrix of ``x``'s shape reading
    ``w`` and ``δ`` (``∂L/∂x``) or of ``w``'s shape reading ``x`` and ``δ`` (``∂L/∂w``): ``x``
    correlated (or convolved) with ``w``, at the stride the words state (any stride giving
    ``δ``'s shape if they state none)."""
    literals = model.literals_before(placed.line)
    latest = {literal.name: literal for literal in literals}
    for inputs in latest.values():
        for kernel in latest.values():
            if kernel is inputs or _size_of(kernel) > _size_of(inputs):
                continue
            if shape == inputs.shape and inputs.name not in names and kernel.name in names:
                error_names = names - {kernel.name}  # ∂L/∂x reads w and δ
            elif shape == kernel.shape and kernel.name not in names and inputs.name in names:
                error_names = names - {inputs.name}  # ∂L/∂w reads x and δ
            else:
                continue
            errors = [latest.get(n) for n in error_names]
            if len(errors) != 1 or errors[0] is None:
                continue
            error = errors[0]
            words = " ".join(
                d.words_before + " " + d.words_after
                for d in model.displays
                if min(inputs.line, kernel.line) <= d.line <= placed.line
            )
            geometry = stated_geometry(words)
            for reading in operation_readings(inputs.atoms(), kernel.atoms(), geometry):
                if reading.result.shape != error.shape:
                    continue
                operands = (
                    Operand(inputs.name, inputs.shape, inputs.base),
                    Operand(kernel.name, kernel.shape, kernel.base),
                )
                yield Forward(
                    sp.ImmutableMatrix(reading.result),
                    operands,
                    inputs.line,
                    inputs.end_line,
                    f"{inputs.name} by {kernel.name}, {reading.words}",
                    source=inputs.line,
                )


def _size_of(literal: TensorLiteral | None) -> int:
    return literal.shape[0] * literal.shape[1] if literal is not None else 0


def _gradient_matrix(
    placed: PlacedDisplay, model: DocumentModel, matrix: WrittenMatrix, make_claim: ClaimMaker
) -> list[Judgement]:
    """A matrix of an input's (or kernel's) shape whose entries read the other operand and the
    output's error: ``∂L/∂x`` written out, judged line by line."""
    if tensor_literal(matrix) is not None or not any(
        cell.kind == CellKind.VALUE for cell in matrix.cells
    ):
        return []
    names = _written_tensors(matrix)
    if len(names) != 2:
        return []
    if not all(
        bilinear_or_zero(cell.value) for cell in matrix.cells if cell.kind == CellKind.VALUE
    ):
        return []
    gradients: list[_Gradient] = []
    # a map with a bias too: the bias changes no gradient of an operand
    for forward in [*model.forwards_before(placed.line), *model.affine_before(placed.line)]:
        for operand in forward.operands:
            if len(operand.shape) != 2 or not _fits(matrix, operand.shape):
                continue
            shape = (operand.shape[0], operand.shape[1])
            gradients.extend(_gradients(forward, shape, names, model, placed.line))
    if not gradients:
        for shape in _shapes(matrix, model):
            for forward in _implicit_forwards(placed, model, shape, names):
                gradients.extend(_gradients(forward, shape, names, model, placed.line))
    if not gradients or len({g.expected.shape for g in gradients}) > 1:
        return []
    claim_of = _piece_claim(placed, make_claim)
    if len({g.source for g in gradients}) > 1:
        return _all_unverified(
            matrix, claim_of, "the gradient of more than one map of the document has this shape"
        )
    operands = sorted({g.operand for g in gradients})
    what = f"∂L/∂{operands[0]}" if len(operands) == 1 else "the gradient"
    readings = tuple(MapReading(g.reading, g.expected) for g in gradients)
    return judge_rows(matrix, Target(what, readings), make_claim=claim_of)


def bilinear_or_zero(value: Any) -> bool:
    from symconv.check.document_forward import bilinear_terms

    try:
        return bilinear_terms(canonical(evaluated(value))) is not None
    except (TypeError, ValueError, sp.SympifyError):
        return False


def _fits(matrix: WrittenMatrix, shape: tuple[int, ...]) -> bool:
    if len(shape) != 2:
        return False
    placed = matrix.placed((shape[0], shape[1]))
    return any(row.index is not None and row.cells for row in placed)


def _shapes(matrix: WrittenMatrix, model: DocumentModel) -> list[tuple[int, int]]:
    if matrix.complete:
        return [(len(matrix.rows), len(matrix.rows[0]))]
    return sorted({t.shape for t in model.literals if _fits(matrix, t.shape)})


def _operation(
    placed: PlacedDisplay,
    model: DocumentModel,
    left: WrittenMatrix,
    right_matrix: WrittenMatrix,
    make_claim: ClaimMaker,
) -> list[Judgement]:
    """``[padded ∂F/∂h] * [flipped k]`` or ``a * [∂F/∂h]``: a convolution whose result is a
    gradient of the document's map — right when, under the meaning the document's own ``*``
    has, it is that gradient exactly."""
    values = left.values(), right_matrix.values()
    if values[0] is None or values[1] is None:
        return []
    both_written = tensor_literal(left) is not None and tensor_literal(right_matrix) is not None
    if both_written and not any(
        n.startswith("∂") or n in model.errors for n in _written_tensors(right_matrix)
    ):
        return []  # a ∗ k of two written tensors: judged on the result written after it
    a = sp.Matrix(values[0]).applyfunc(lambda v: canonical(as_sympy(v)))
    b = sp.Matrix(values[1]).applyfunc(lambda v: canonical(as_sympy(v)))
    names = _written_tensors(left) | _written_tensors(right_matrix)
    readings = operation_readings(a, b, geometry_around(placed), sorted(model.star))
    matches: list[tuple[str, _Gradient]] = []
    candidates: list[tuple[str, _Gradient, sp.Matrix]] = []
    for forward in [*model.forwards_before(placed.line), *model.affine_before(placed.line)]:
        for reading in readings:
            shape = reading.result.shape
            for gradient in _gradients(forward, shape, names, model, placed.line):
                difference = (reading.result - gradient.expected).applyfunc(sp.expand)
                if difference.is_zero_matrix:
                    matches.append((reading.words, gradient))
                else:
                    candidates.append((reading.words, gradient, reading.result))
    text = placed.display.text[left.start : right_matrix.end]
    claim = make_claim(placed, left.line, right_matrix.end_line, text)
    if len({gradient.source for _, gradient in matches}) > 1:
        return [
            unverified(claim, "this convolution is a gradient of more than one map of the document")
        ]
    named = _gradient_named_before(placed.display.before(left))
    if named is not None and {g.operand.lower() for _, g in matches} - {named.lower()}:
        return [
            unverified(
                claim,
                f"this convolution is {matches[0][1].what}, but the line calls it "
                f"the gradient by {named}",
            )
        ]
    if matches:
        words, gradient = matches[0]
        message = f"this convolution ({words}) is {gradient.what}, entry by entry"
        return [right(claim, message)]
    if len(candidates) == 1 and len(readings) == 1:
        words, gradient, result = candidates[0]
        r, c = next(
            (r, c)
            for r in range(result.rows)
            for c in range(result.cols)
            if sp.expand(result[r, c] - gradient.expected[r, c]) != 0
        )
        return [
            wrong(
                claim,
                f"this convolution ({words}) is not {gradient.what}: entry ({r + 1}, {c + 1}) is "
                f"{show(result[r, c])} where the gradient has {show(gradient.expected[r, c])}",
                expected=gradient.expected,
                witness=f"entry ({r + 1}, {c + 1}): {show(result[r, c])} ≠ "
                f"{show(gradient.expected[r, c])}",
            )
        ]
    if candidates:
        return [
            unverified(
                claim,
                "which gradient this convolution gives, and with which stride or meaning of *, "
                "is not said",
            )
        ]
    return []


#: ``\\frac{\\partial J}{\\partial A} =`` right before a convolution: the gradient it is said to be.
_GRADIENT_BEFORE = lazy_compile(
    r"\\frac\s*\{\s*\\partial\s*[A-Za-z]\s*\}\s*\{\s*\\partial\s*([A-Za-z])\s*\}\s*=\s*"
    r"(?:\\left\s*)?$"
)


def _gradient_named_before(text: str) -> str | None:
    """``A`` of ``\\frac{\\partial J}{\\partial A} =`` ending the text before a display's
    convolution (None when the text names no gradient).

    >>> _gradient_named_before(r"\\frac{\\partial J}{\\partial K} = ")
    'K'
    """
    found = _GRADIENT_BEFORE.search(text)
    return found.group(1) if found is not None else None


def _result_of_operation(
    placed: PlacedDisplay, model: DocumentModel, matrix: WrittenMatrix, make_claim: ClaimMaker
) -> list[Judgement]:
    """The map written right after ``A * K`` (``[Σ k_{ij} a_{ij}, …]``): each line against the
    cross-correlation (or true convolution) of the two written tensors."""
    for left, kernel, forward, geometry in operations_with_results(model.displays, model.forwards):
        if not (matrix.line <= forward.line <= matrix.end_line):
            continue
        readings = [
            MapReading(reading.words, reading.result)
            for reading in operation_readings(left.atoms(), kernel.atoms(), geometry)
            if reading.result.shape == forward.entries.shape
        ]
        if not readings:
            return []
        target = Target(f"{left.name} * {kernel.name}", tuple(readings))
        return judge_rows(matrix, target, make_claim=_piece_claim(placed, make_claim))
    return []
