"""A hand convolution with numbers, checked against the document's own forward formula.

Writers who derive a layer in NumPy terms give its data as slices — ``a[0,1,:,:] = [[9, 1, …]]``,
``w[1,0,:,:] = [[5, 6], [9, 3]]``, ``b = [1, 2]`` — and its forward pass as a formula over
slices, ``z[i,j,:,:] = \\sum_{k=0}^{2} a[i,k,:,:] * w[j,k,:,:] + b[j]``; then they write the
output maps they computed, ``z[0,0,:,:] = [[296, 250, 288], …]``. Each written map is checked
against the formula on the document's own data (:func:`judge_numeric_forward`), row by row,
on the line each row is written: ``*`` read as a cross-correlation and as a true convolution (the
formula does not say which), at the stride the words state (else every stride that gives the
map's size); a row is wrong only if it is wrong under every reading, right under the one
reading the whole map is consistent with.

    >>> from symconv.check.markdown import split_document
    >>> from symconv.check.claims import read_claims
    >>> from symconv.check.document_forward import read_model
    >>> from symconv.check.model import Claim
    >>> doc = ('$$a[0,0,:,:] = \\\\begin{bmatrix} 1 & 2 \\\\\\\\ 3 & 4 \\\\end{bmatrix}, '
    ...        'w[0,0,:,:] = \\\\begin{bmatrix} 1 & 0 \\\\\\\\ 0 & 1 \\\\end{bmatrix}$$\\n\\n'
    ...        '$z[i,j,:,:] = \\\\sum_{k=0}^{0} a[i,k,:,:] * w[j,k,:,:]$\\n\\n'
    ...        '$$z[0,0,:,:] = \\\\begin{bmatrix} 6 \\\\end{bmatrix}$$\\n')
    >>> segments = split_document(doc)
    >>> reading = read_claims(segments)
    >>> model = read_model(segments, reading.parses)
    >>> numeric = read_numeric(model, segments, reading.parses)
    >>> make = lambda placed, line, end, text: Claim(line, end, text, "matrix")
    >>> for j in judge_numeric_forward(model.displays[-1], numeric, make):
    ...     print(j.claim.line, j.verdict, j.message)
    5 wrong entry 1 of row 1 is 6; row 1 of z[0,0,:,:] has 5 there
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from symconv.check.document_forward import (
    DocumentModel,
    PlacedDisplay,
    operation_readings,
    stated_geometry,
)
from symconv.check.judges.linear_maps import MapReading, Target, judge_rows
from symconv.check.matrix_cells import WrittenMatrix
from symconv.check.model import Claim, Judgement
from symconv.core.patterns import lazy_compile

__all__ = ["NumericModel", "judge_numeric_forward", "read_numeric"]

ClaimMaker = Callable[[PlacedDisplay, int, int, str], Claim]

#: ``a[0,1,:,:] =`` right before a matrix: a slice of a tensor, its leading indices fixed.
_SLICE = lazy_compile(
    r"([A-Za-z]\w*)\s*\[\s*((?:\d+\s*,\s*)+)(:\s*,\s*:)\s*\]\s*=\s*(?:\\left\s*)?[\[(]?\s*$"
)
_BLOCK = r"(\w+)\s*\[\s*(\w+)\s*,\s*(\w+)\s*,\s*:\s*,\s*:\s*\]"
_LIMITS = (
    r"\\sum\s*(?:\^\s*\{?\s*(?P<hi1>\d+)\s*\}?\s*_\s*\{\s*(?P<k1>\w+)\s*=\s*(?P<lo1>\d+)\s*\}"
    r"|_\s*\{\s*(?P<k2>\w+)\s*=\s*(?P<lo2>\d+)\s*\}\s*\^\s*\{?\s*(?P<hi2>\d+)\s*\}?)"
)
#: ``z[i,j,:,:] = \\sum_{k=0}^{2} a[i,k,:,:] * w[j,k,:,:] + b[j]``: a layer over channel slices.
_FORMULA = lazy_compile(
    r"^\s*" + _BLOCK.replace("(\\w+)", "(?P<out>\\w+)", 1) + r"\s*=\s*" + _LIMITS + r"\s*"
    + _BLOCK.replace("(\\w+)", "(?P<inp>\\w+)", 1) + r"\s*(?:\*|\\ast|\\star|\\otimes)\s*"
    + _BLOCK.replace("(\\w+)", "(?P<ker>\\w+)", 1)
    + r"\s*(?:\+\s*(?P<bias>\w+)\s*\[\s*(?P<bias_index>\w+)\s*\])?\s*$"
)  # fmt: skip


@dataclass(frozen=True)
class ChannelForward:
    """``out[n, m] = Σ_{c=lo}^{hi} in[n, c] * ker[m, c] + bias[m]`` as the document wrote it."""

    output: str
    inputs: str
    kernel: str
    bias: str | None
    channels: range
    line: int
    text: str


@dataclass(frozen=True)
class NumericModel:
    """The numeric slices a document writes (``name -> {fixed indices: (matrix, line)}``), its
    vectors (``b = [1, 2]``) and its channel forward formulas."""

    slices: Mapping[str, Mapping[tuple[int, ...], tuple[sp.Matrix, int]]]
    vectors: Mapping[str, tuple[list[Any], int]]
    formulas: tuple[ChannelForward, ...]
    displays: tuple[PlacedDisplay, ...] = ()

    def words_between(self, first: int, last: int) -> str:
        """The words around the displays from line ``first`` to line ``last``."""
        return " ".join(
            d.words_before + " " + d.words_after
            for d in self.displays
            if first <= d.end_line and d.line <= last
        )


def _slice_of(placed: PlacedDisplay, matrix: WrittenMatrix) -> tuple[str, tuple[int, ...]] | None:
    found = _SLICE.search(placed.display.before(matrix))
    if found is None:
        return None
    fixed = tuple(int(part) for part in found.group(2).split(",") if part.strip())
    return found.group(1), fixed


def read_numeric(
    model: DocumentModel, segments: Sequence[Any], parses: Mapping[int, Any]
) -> NumericModel:
    """The numeric slices, vectors and channel formulas of a document."""
    slices: dict[str, dict[tuple[int, ...], tuple[sp.Matrix, int]]] = {}
    for placed in model.displays:
        for matrix in placed.display.matrices:
            named = _slice_of(placed, matrix)
            values = matrix.values()
            if named is None or values is None:
                continue
            if not all(isinstance(v, sp.Basic) and v.is_Rational for row in values for v in row):
                continue
            slices.setdefault(named[0], {})[named[1]] = (sp.Matrix(values), matrix.line)
    vectors: dict[str, tuple[list[Any], int]] = {}
    formulas: list[ChannelForward] = []
    for index, segment in enumerate(segments):
        if segment.kind != "math":
            continue
        formula = _formula(segment.text, segment.line)
        if formula is not None:
            formulas.append(formula)
        for name, values in _vectors(parses.get(index)):
            vectors[name] = (values, segment.line)
    return NumericModel(slices, vectors, tuple(formulas), model.displays)


def _formula(text: str, line: int) -> ChannelForward | None:
    found = _FORMULA.match(text.replace("\n", " "))
    if found is None:
        return None
    groups = found.groupdict()
    # the block indices in the order written: out[n, m], in[n, c], ker[m, c], bias[m]
    blocks = re.findall(_BLOCK, text)
    if len(blocks) != 3:
        return None
    (_, n, m), (_, n2, c), (_, m2, c2) = blocks
    summed = groups["k1"] or groups["k2"]
    if not (n == n2 and m == m2 and c == c2 == summed and n != m):
        return None
    if groups["bias"] is not None and groups["bias_index"] != m:
        return None
    low = int(groups["lo1"] or groups["lo2"])
    high = int(groups["hi1"] or groups["hi2"])
    return ChannelForward(
        groups["out"], groups["inp"], groups["ker"], groups["bias"], range(low, high + 1),
        line, text.strip(),
    )  # fmt: skip


def _vectors(parsed: Any) -> Iterator[tuple[str, list[Any]]]:
    """``b = [1, 2]``: a name and a row of numbers."""
    from symconv.check.parsed import Chain

    for statement in getattr(parsed, "statements", ()):
        if not isinstance(statement, Chain) or statement.relations != ("=",):
            continue
        lhs, rhs = statement.sides
        if lhs is None or rhs is None or not isinstance(lhs.expr, sp.Symbol):
            continue
        value = rhs.expr
        if isinstance(value, sp.Basic) and value.is_Rational and rhs.text.strip()[:1] == "[":
            yield lhs.expr.name, [value]  # b = [5]: a vector of one entry
        elif isinstance(value, sp.MatrixBase) and 1 in value.shape:
            entries = list(value)
            if all(isinstance(v, sp.Basic) and v.is_Rational for v in entries):
                yield lhs.expr.name, entries


def judge_numeric_forward(
    placed: PlacedDisplay, numeric: NumericModel, make_claim: ClaimMaker
) -> list[Judgement]:
    """Each output map the display writes (``z[0,0,:,:] = …``), row by row, against the
    document's channel formula on its own data; and each im2col matrix of its input."""
    judgements: list[Judgement] = []
    for matrix in placed.display.matrices:
        named = _slice_of(placed, matrix)
        if named is None and matrix.values() is not None:
            judgements.extend(_im2col(placed, matrix, numeric, make_claim))
            continue
        if named is None or matrix.values() is None:
            continue
        for formula in numeric.formulas:
            if formula.output != named[0] or formula.line > matrix.line or len(named[1]) != 2:
                continue
            readings = _readings(formula, named[1], numeric, placed, matrix)
            if readings:
                n, m = named[1]
                what = f"{formula.output}[{n},{m},:,:]"
                target = Target(what, tuple(readings))
                judgements.extend(
                    judge_rows(
                        matrix,
                        target,
                        make_claim=lambda piece: make_claim(
                            placed, piece.line, piece.line, piece.text
                        ),
                    )
                )
                break
    return judgements


def _readings(
    formula: ChannelForward,
    fixed: tuple[int, ...],
    numeric: NumericModel,
    placed: PlacedDisplay,
    matrix: WrittenMatrix,
) -> list[MapReading]:
    n, m = fixed
    inputs = numeric.slices.get(formula.inputs, {})
    kernels = numeric.slices.get(formula.kernel, {})
    blocks = []
    for c in formula.channels:
        if (n, c) not in inputs or (m, c) not in kernels:
            return []
        blocks.append((inputs[(n, c)][0], kernels[(m, c)][0]))
    bias = sp.Integer(0)
    if formula.bias is not None:
        vector = numeric.vectors.get(formula.bias)
        if vector is None or m >= len(vector[0]):
            return []
        bias = vector[0][m]
    written = matrix.values()
    assert written is not None
    shape = (len(written), len(written[0]))
    first_line = min(line for _, line in inputs.values())
    geometry = stated_geometry(numeric.words_between(first_line, matrix.line))
    readings = []
    for op in ("correlation", "convolution"):
        totals: dict[tuple[int, int], sp.Matrix] = {}
        for left, right in blocks:
            for reading in operation_readings(left, right, geometry, (op,)):
                key = (reading.stride, reading.dilation)
                totals[key] = totals.get(key, sp.zeros(*reading.result.shape)) + reading.result
        for (stride, _), total in totals.items():
            if total.shape != shape:
                continue
            label = "cross-correlation" if op == "correlation" else "true convolution"
            label += f", stride {stride}"
            expected = total + sp.ones(*shape) * bias
            readings.append(MapReading(label, expected))
    return readings


# ----------------------------------------------------------------------------------------------
# im2col: the input's windows as the rows of a matrix
# ----------------------------------------------------------------------------------------------
#: ``a_t[0] =`` or ``a_{col} =`` right before a matrix: a name made from the input's name.
_DERIVED_NAME = lazy_compile(
    r"([A-Za-z])_\{?\s*([A-Za-z]+)\s*\}?\s*(?:\[\s*(\d+)\s*\])?\s*=\s*(?:\\left\s*)?[\[(]?\s*$"
)
_AXES = {"c": "channel", "u": "row", "v": "column"}


def _im2col(
    placed: PlacedDisplay, matrix: WrittenMatrix, numeric: NumericModel, make_claim: ClaimMaker
) -> list[Judgement]:
    """``a_t[0] = [[…]]``: a matrix named after the input ``a`` of a channel formula, one row per
    window of the kernel over sample 0 (``[0]``), one column per value of the window. Each row
    against the window it stands for — windows in row or column order, each flattened in any
    order of (channel, row, column): the readings a writer may take; a row is wrong only under
    every reading, right under the one the whole matrix is consistent with."""
    found = _DERIVED_NAME.search(placed.display.before(matrix))
    values = matrix.values()
    if found is None or values is None:
        return []
    stem, sample = found.group(1), int(found.group(3) or 0)
    for formula in numeric.formulas:
        if formula.inputs != stem or formula.line > matrix.line:
            continue
        readings = _window_readings(formula, sample, numeric, placed, matrix)
        if not readings:
            continue
        target = Target(f"the windows of {stem}[{sample}]", tuple(readings))
        return judge_rows(
            matrix,
            target,
            make_claim=lambda piece: make_claim(placed, piece.line, piece.line, piece.text),
        )
    return []


def _window_readings(
    formula: ChannelForward,
    sample: int,
    numeric: NumericModel,
    placed: PlacedDisplay,
    matrix: WrittenMatrix,
) -> list[MapReading]:
    import itertools

    inputs = numeric.slices.get(formula.inputs, {})
    kernels = numeric.slices.get(formula.kernel, {})
    channels = list(formula.channels)
    if not all((sample, c) in inputs for c in channels):
        return []
    kernel_shapes = {block.shape for (_, _), (block, _) in kernels.items()}
    if len(kernel_shapes) != 1:
        return []
    kh, kw = next(iter(kernel_shapes))
    blocks = [inputs[(sample, c)][0] for c in channels]
    height, width = blocks[0].shape
    values = matrix.values()
    assert values is not None
    first_line = min(line for _, line in inputs.values())
    geometry = stated_geometry(numeric.words_between(first_line, matrix.line))
    stride = geometry.stride or 1
    rows = (height - kh) // stride + 1
    columns = (width - kw) // stride + 1
    if (len(values), len(values[0])) != (rows * columns, len(channels) * kh * kw):
        return []
    readings = []
    for window_order in ("row", "column"):
        windows = (
            [(r, c) for r in range(rows) for c in range(columns)]
            if window_order == "row"
            else [(r, c) for c in range(columns) for r in range(rows)]
        )
        for axes in itertools.permutations("cuv"):
            sizes = {"c": len(channels), "u": kh, "v": kw}
            ranges = [range(sizes[a]) for a in axes]

            def flattened(
                r: int, c: int, axes: tuple[str, ...] = axes, ranges: list[range] = ranges
            ) -> list[Any]:
                found = []
                for index in itertools.product(*ranges):
                    at = dict(zip(axes, index, strict=True))
                    block = blocks[at["c"]]
                    found.append(block[r * stride + at["u"], c * stride + at["v"]])
                return found

            expected = sp.Matrix([flattened(r, c) for r, c in windows])
            words = ", ".join(_AXES[a] for a in axes)
            label = f"windows in {window_order} order, each flattened by {words}"
            readings.append(MapReading(label, expected))
    return readings
