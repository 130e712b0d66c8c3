"""Layer tables: the network a table lists, and the sizes its cells state.

A *layer table* has a row per layer and columns that give its data (type, kernel, stride,
padding, filters, units; :mod:`symconv.check.size_words` reads the headers): the table is the
network, in row order. Its other columns state sizes, each a claim about its row:

* an *output* size or shape: from the row's own input (its *input* columns) through its own
  layer — nothing can sit between them, so a mismatch is wrong;
* an *input* size, depth or a fully connected layer's *in_feature*: what the row above puts out
  (a flatten multiplies it out, square maps when the table gives one width); a table may leave
  layers out, so a mismatch is *unverified* (:attr:`~symconv.check.networks.SizeFacts.adjacent`);
* *parameters* of the row's layer; a *receptive field* cumulated from the first row.

A table without layer data whose rows are named like the rows of an earlier layer table
(``Layer_1`` … ``Layer_4``) states sizes of those layers: *input*/*output* columns as above, and
a *receptive field* column read in the direction its rows run — from an ``Output`` row (one unit,
field 1) back through the layers, each row the field on the input of its layer, ``r = s·r' +
(k − s)``; or from an ``Input`` row forward, each row the field of one unit after its layer.

    >>> from symconv.check.lines import source_lines
    >>> from symconv.check.markdown import split_document
    >>> doc = ("| | input width | filter num | filter width | stride | padding | output width |\\n"
    ...        "|--|--|--|--|--|--|--|\\n"
    ...        "| CONV1 | 28 | 16 | 7 | 2 | 0 | (28+2*0-7)/2+1=11 |\\n"
    ...        "| CONV2 | 11 | 4 | 5 | 2 | 0 | (11+2*0-5)/2+1=5 |\\n")
    >>> found, _ = table_statements(read_tables(source_lines(split_document(doc))))
    >>> [(s.line, s.facts.quantity.value, s.facts.written) for s in found]
    [(3, 'output size', (11,)), (4, 'input size', (11,)), (4, 'output size', (5,))]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import sympy as sp

from symconv.check.networks import (
    Layer,
    LayerKind,
    Network,
    PlacedNetwork,
    Quantity,
    SizeFacts,
    SizeStatement,
    Volume,
)
from symconv.check.size_premises import three_axes
from symconv.check.size_values import read_count, read_sizes
from symconv.check.size_words import Field, column_field, is_input_name, is_output_name, layer_kind
from symconv.check.tables import Table, TableCell, TableRow, read_tables

__all__ = ["read_tables", "table_statements"]

#: Columns that give a layer's data (a table with one of them is a layer table).
_DATA = frozenset({Field.KIND, Field.KERNEL, Field.STRIDE, Field.FILTERS, Field.UNITS})


@dataclass(frozen=True)
class _Row:
    """A table row read: its layer (None for an ``Output``/``Input`` row), its stated input."""

    row: TableRow
    layer: Layer | None
    given: Volume | None


def table_statements(
    tables: Sequence[Table],
    inputs: Mapping[tuple[int | None, int], Volume] | None = None,
) -> tuple[list[SizeStatement], list[PlacedNetwork]]:
    """The sizes the tables state, in table order (see the module docstring), and the networks
    the layer tables list. A layer table takes its input from its first layer's input columns,
    else from an ``Input`` row above its layers, else from ``inputs`` (keyed by the table's cell
    and line: what the prose before it states alone, *Input: 32×32×1 image.*)."""
    found: list[SizeStatement] = []
    placed: list[PlacedNetwork] = []
    layer_tables: list[tuple[Table, Network, list[_Row]]] = []
    for table in tables:
        fields = {
            cell.column: column_field(cell.header) for row in table.rows for cell in row.cells
        }
        if any(field in _DATA for field in fields.values()):
            rows = [_read_row(row) for row in table.rows]
            layers = tuple(r.layer for r in rows if r.layer is not None)
            if not layers:
                continue
            source = f"the layer table on {table.lines}"
            first = next((r.given for r in rows if r.layer is not None), None)
            if first is None:
                first = _input_row(rows) or (inputs or {}).get((table.cell, table.line))
            network = Network(layers, first, source)
            layer_tables.append((table, network, rows))
            placed.append(PlacedNetwork(table.line, table.cell, network))
            found.extend(_layer_table(table, network, rows))
            continue
        named = _named_layers(table, layer_tables)
        if named is not None:
            found.extend(_sizes_table(table, *named))
    return found, placed


# ----------------------------------------------------------------------------------------------
# Rows
# ----------------------------------------------------------------------------------------------
def _field_cells(row: TableRow) -> dict[Field, TableCell]:
    cells: dict[Field, TableCell] = {}
    for cell in row.cells[1:]:
        field = column_field(cell.header)
        if field is not None and cell.text.strip() and field not in cells:
            cells[field] = cell
    return cells


def _read_row(row: TableRow) -> _Row:
    cells = _field_cells(row)
    given = _given(cells)
    kind_cell = cells.get(Field.KIND)
    kind = layer_kind(kind_cell.text) if kind_cell is not None else None
    # an ``Output`` row whose type column names a layer (``| Output | FC | … | 10 |``) is the
    # network's last layer; without one, it is the network's output (as an ``Input`` row)
    if is_input_name(row.name) or (is_output_name(row.name) and kind is None):
        return _Row(row, None, given)
    kind = kind or layer_kind(row.name)
    if kind is None:
        if not ({Field.KERNEL, Field.UNITS} & cells.keys()):
            return _Row(row, None, given)
        kind = LayerKind.CONV if Field.KERNEL in cells else LayerKind.DENSE
    kernel = _sizes(cells.get(Field.KERNEL))
    stride = _sizes(cells.get(Field.STRIDE))
    dilation = _sizes(cells.get(Field.DILATION))
    padding_cell = cells.get(Field.PADDING)
    padding = read_sizes(padding_cell.text) if padding_cell is not None else None
    if padding is not None and not isinstance(padding, str):
        padding = tuple(padding)
    count = cells.get(Field.FILTERS) or cells.get(Field.UNITS)
    out_channels = read_count(count.text) if count is not None else None
    if kernel is not None and stride is not None and len(stride) < len(kernel):
        stride = stride * len(kernel)
    if kernel is not None and isinstance(padding, tuple) and len(padding) < len(kernel):
        padding = padding * len(kernel)
    layer = Layer(
        kind,
        kernel=kernel,
        stride=stride,
        padding=padding,
        dilation=dilation,
        out_channels=int(out_channels) if out_channels is not None else None,
        name=row.name,
        line=row.line,
    )
    if kind is LayerKind.DENSE and Field.INPUT_FEATURES in cells:
        features = read_count(cells[Field.INPUT_FEATURES].text)
        given = Volume((), int(features)) if features is not None else given
    return _Row(row, layer, given)


def _input_row(rows: Sequence[_Row]) -> Volume | None:
    """The volume an ``Input`` row above the first layer writes in its output column (``| Input
    | | 32×32×1 |``: what the network takes), its channels where its square map shows them."""
    for read in rows:
        if read.layer is not None:
            return None
        if not is_input_name(read.row.name):
            continue
        cells = _field_cells(read.row)
        cell = cells.get(Field.OUTPUT_SHAPE) or cells.get(Field.OUTPUT_SIZE)
        sizes = _sizes(cell)
        if sizes is None or len(sizes) > 3:
            return None
        if len(sizes) == 3:
            return three_axes(sizes)
        return Volume(sizes * 2 if len(sizes) == 1 else sizes)
    return None


def _sizes(cell: TableCell | None) -> tuple[int, ...] | None:
    if cell is None:
        return None
    sizes = read_sizes(cell.text)
    return sizes if isinstance(sizes, tuple) else None


def _given(cells: dict[Field, TableCell]) -> Volume | None:
    """The input a row states: its input size (one width: a square map) and depth."""
    size = _sizes(cells.get(Field.INPUT_SIZE))
    if size is None:
        return None
    depth_cell = cells.get(Field.INPUT_CHANNELS)
    depth = read_count(depth_cell.text) if depth_cell is not None else None
    if len(size) == 3:
        # the whole volume in an input column (``32×32×1``): its channels where its square map
        # shows them; a depth column that says otherwise makes the row unread
        volume = three_axes(size)
        if volume is None or (depth is not None and int(depth) != volume.channels):
            return None
        return volume
    if len(size) > 3:
        return None
    spatial = size * 2 if len(size) == 1 else size
    return Volume(spatial, int(depth) if depth is not None else None)


def _value(cell: TableCell) -> sp.Basic | tuple[sp.Integer, ...] | None:
    sizes = read_sizes(cell.text)
    if not isinstance(sizes, tuple):
        return None
    return tuple(sp.Integer(s) for s in sizes)


def _statement(
    table: Table,
    row: TableRow,
    cell: TableCell,
    quantity: Quantity,
    network: Network,
    start: int,
    stop: int,
    given: Volume | None = None,
    *,
    adjacent: bool = False,
    written: object = None,
    about: str = "",
) -> SizeStatement | None:
    value = written if written is not None else _value(cell)
    if value is None:
        return None
    about = about or (f"{row.name}" if row.name else f"the row on line {row.line}")
    if not network.source.endswith(table.lines):
        about += f" (layers: {network.source})"
    facts = SizeFacts(quantity, value, network, start, stop, given, about=about, adjacent=adjacent)
    segments = tuple(sorted({p.segment for p in cell.pieces if p.kind == "math"}))
    return SizeStatement(row.line, row.line, cell.text, facts, table.cell, segments)


# ----------------------------------------------------------------------------------------------
# A layer table
# ----------------------------------------------------------------------------------------------
def _layer_table(table: Table, network: Network, rows: list[_Row]) -> list[SizeStatement]:
    found: list[SizeStatement] = []
    index = -1
    previous: _Row | None = None
    for read in rows:
        if read.layer is None:
            continue
        index += 1
        cells = _field_cells(read.row)
        row = read.row
        for field, cell in cells.items():
            statement = None
            if field in (Field.OUTPUT_SIZE, Field.OUTPUT_SHAPE):
                # an *output size* cell that writes the whole volume (``28×28×6``) states the
                # output's shape, channels and all
                whole = field is Field.OUTPUT_SHAPE or len(_sizes(cell) or ()) > 2
                quantity = Quantity.OUTPUT_SHAPE if whole else Quantity.OUTPUT_SIZE
                statement = _statement(table, row, cell, quantity, network, index, index + 1,
                                       read.given)  # fmt: skip
            elif field is Field.PARAMETERS:
                written = read_count(cell.text)
                statement = _statement(table, row, cell, Quantity.PARAMETERS, network, index,
                                       index + 1, read.given, written=written)  # fmt: skip
            elif field is Field.RECEPTIVE_FIELD:
                statement = _statement(table, row, cell, Quantity.RECEPTIVE_FIELD, network, 0,
                                       index + 1)  # fmt: skip
            elif previous is not None and previous.given is not None and index > 0:
                statement = _chained(table, read, cell, field, network, index, previous)
            if statement is not None:
                found.append(statement)
        previous = read
    return _column_convention(found)


#: How many other rows of a parameter column must all count one way for the column's
#: convention to hold for a row whose count is open (two agreeing rows are a convention; one
#: may be a slip).
_CONVENTION_ROWS = 2


def _column_convention(found: list[SizeStatement]) -> list[SizeStatement]:
    """A parameter column counts biases or not as its rows do: a row whose count the words
    leave open (``840`` for a layer of 840 weights and 10 biases) is read under the convention
    every other row whose two counts differ follows — with the biases where they all count
    them (then 840 is a mistake), without where none does. Rows that disagree fix nothing."""
    from symconv.check.network_sizes import SizeUnknownError, expected

    counts = [
        (position, statement)
        for position, statement in enumerate(found)
        if isinstance(statement.facts, SizeFacts)
        and statement.facts.quantity is Quantity.PARAMETERS
    ]
    follows: dict[int, bool | None] = {}
    for position, statement in counts:
        facts = statement.facts
        assert isinstance(facts, SizeFacts)
        try:
            value = expected(facts)
        except (SizeUnknownError, ArithmeticError, ValueError):
            follows[position] = None
            continue
        bare = [other for other, _ in value.open]
        if not bare or bare[0] == value.value:
            follows[position] = None  # no biases, or both counts equal: says nothing
        elif facts.written == value.value:
            follows[position] = True
        elif facts.written == bare[0]:
            follows[position] = False
        else:
            follows[position] = None
    result = list(found)
    for position, statement in counts:
        others = [way for other, way in follows.items() if other != position and way is not None]
        if len(others) < _CONVENTION_ROWS or len(set(others)) != 1:
            continue
        facts = statement.facts
        assert isinstance(facts, SizeFacts)
        layers = facts.network.layers
        weighted = 0 < facts.stop <= len(layers) and layers[facts.stop - 1].kind in (
            LayerKind.CONV,
            LayerKind.DENSE,
        )
        if facts.biases is None and weighted:
            said = "with its" if others[0] else "without its"
            about = f"{facts.about} (counted {said} biases, as the column's other rows are)"
            changed = replace(facts, biases=others[0], about=about)
            result[position] = replace(statement, facts=changed)
    return result


def _chained(
    table: Table, read: _Row, cell: TableCell, field: Field, network: Network, index: int,
    previous: _Row,
) -> SizeStatement | None:  # fmt: skip
    """An input column of a row after the first: what the row above puts out."""
    quantity = {
        Field.INPUT_SIZE: Quantity.INPUT_SIZE,
        Field.INPUT_CHANNELS: Quantity.INPUT_CHANNELS,
        Field.INPUT_FEATURES: Quantity.INPUT_FEATURES,
    }.get(field)
    if quantity is None:
        return None
    written = _value(cell) if quantity is Quantity.INPUT_SIZE else read_count(cell.text)
    if quantity is Quantity.INPUT_SIZE and isinstance(written, tuple) and len(written) == 3:
        quantity = Quantity.INPUT_SHAPE  # the whole volume in an input column: ``28×28×6``
    return _statement(table, read.row, cell, quantity, network, index - 1, index + 1,
                      previous.given, adjacent=True, written=written)  # fmt: skip


# ----------------------------------------------------------------------------------------------
# A table of sizes of the layers of an earlier table
# ----------------------------------------------------------------------------------------------
def _named_layers(
    table: Table, layer_tables: list[tuple[Table, Network, list[_Row]]]
) -> tuple[Network, dict[str, int]] | None:
    """The latest layer table whose layers this table's rows name (every layer row must)."""
    names = [
        row.name for row in table.rows if not (is_output_name(row.name) or is_input_name(row.name))
    ]
    if not names:
        return None
    for _, network, _ in reversed(layer_tables):
        index = {layer.name: position for position, layer in enumerate(network.layers)}
        if all(name in index for name in names):
            return network, index
    return None


def _sizes_table(table: Table, network: Network, index: dict[str, int]) -> list[SizeStatement]:
    found: list[SizeStatement] = []
    count = len(network.layers)
    positions = [index.get(row.name) for row in table.rows]
    named = [p for p in positions if p is not None]
    backward = len(named) > 1 and named == sorted(named, reverse=True)
    forward = len(named) > 1 and named == sorted(named)
    previous: tuple[int, Volume | None] | None = None
    for row, position in zip(table.rows, positions, strict=True):
        cells = _field_cells(row)
        given = _given(cells)
        for field, cell in cells.items():
            statement = None
            if field is Field.RECEPTIVE_FIELD:
                span = _field_span(row, position, count, backward=backward, forward=forward)
                if span is not None:
                    seen = (
                        f"one output unit seen on the input of {row.name}"
                        if backward and position is not None
                        else f"one unit of {row.name}"
                    )
                    statement = _statement(table, row, cell, Quantity.RECEPTIVE_FIELD, network,
                                           *span, about=seen)  # fmt: skip
            elif position is None:
                continue
            elif field in (Field.OUTPUT_SIZE, Field.OUTPUT_SHAPE):
                # an *output size* cell that writes the whole volume (``28×28×6``) states the
                # output's shape, channels and all
                whole = field is Field.OUTPUT_SHAPE or len(_sizes(cell) or ()) > 2
                quantity = Quantity.OUTPUT_SHAPE if whole else Quantity.OUTPUT_SIZE
                statement = _statement(table, row, cell, quantity, network, position,
                                       position + 1, given)  # fmt: skip
            elif (
                field is Field.INPUT_SIZE
                and previous is not None
                and previous[1] is not None
                and previous[0] + 1 == position
            ):
                statement = _statement(table, row, cell, Quantity.INPUT_SIZE, network,
                                       previous[0], position + 1, previous[1])  # fmt: skip
            if statement is not None:
                found.append(statement)
        if position is not None:
            previous = (position, given)
    return found


def _field_span(
    row: TableRow, position: int | None, count: int, *, backward: bool, forward: bool
) -> tuple[int, int] | None:
    """The layers a receptive-field row spans, in the direction the table runs."""
    if backward:
        if position is None:
            return (count, count) if is_output_name(row.name) else None
        return position, count
    if forward:
        if position is None:
            return (0, 0) if is_input_name(row.name) else None
        return 0, position + 1
    return None
