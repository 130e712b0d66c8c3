"""The forward maps a document writes for itself, read from its own displays.

Checked without a problem set, a derivation can still be judged against what the document itself
defined: the entries of a convolution's output written out (``h_{12} = \\sum_{i,j} k_{ij}
a_{i,j+1}``, a matrix of such sums), the input and kernel written as matrices of entries
(``a_{11} … a_{44}``), the order it flattens them in (a column ``a_{11}, a_{12}, …, a_{44}``)
and what it says in words of a convolution it displays (its stride, its dilation). From these
the engine derives what the document's later rows claim: the matrix ``W`` of the map (its rows
``∂h/∂a``), its transpose, the gradients ``∂F/∂a = Σ ∂F/∂h · ∂h/∂a`` and ``∂F/∂k``.

Entries are read in the document's own indices (a 1-based ``a_{11}`` is position (0, 0) of a
tensor whose base is 1): :func:`entry_of` names an entry symbol, a bracket entry with integer
indices or a gradient entry ``∂F/∂h_{12}``; :func:`canonical` spells them all alike.

    >>> import sympy as sp
    >>> from symconv.check.parser import parse_expression
    >>> cell = parse_expression(r"\\sum_{i=1}^2 \\sum_{j=1}^2 k_{ij} a_{i,j+1}")
    >>> terms = bilinear_terms(canonical(cell.doit()))
    >>> sorted((str(a), str(b)) for _, a, b in terms)[:2]
    [('a_{12}', 'k_{11}'), ('a_{13}', 'k_{12}')]
    >>> entry_of(parse_expression(r"\\frac{\\partial F}{\\partial h_{21}}"))
    ('∂F/∂h', (2, 1))
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from symconv.check.matrix_cells import CellKind, Display, WrittenMatrix, operator_between
from symconv.check.star_words import declared_by_segment
from symconv.check.symbols import entry_indices
from symconv.core.patterns import lazy_compile
from symconv.core.safe import as_sympy

__all__ = [
    "DocumentModel",
    "Forward",
    "Geometry",
    "TensorLiteral",
    "bilinear_terms",
    "canonical",
    "entry_of",
    "entry_symbol",
    "flattened_name",
    "flattening_orders",
    "forward_of_matrix",
    "operation_readings",
    "stands_alone",
    "stated_geometry",
    "tensor_literal",
]

#: An entry of a tensor: its name (``a``, or ``∂F/∂h`` for a gradient entry) and its indices as
#: written.
EntryKey = tuple[str, tuple[int, ...]]


def entry_symbol(name: str, indices: Sequence[int]) -> sp.Symbol:
    """The one spelling of an entry: ``a_{12}``, ``a_{1,10}`` (commas once an index has two
    digits)."""
    separator = "," if any(not 0 <= i <= 9 for i in indices) else ""
    return sp.Symbol(f"{name}_{{{separator.join(str(i) for i in indices)}}}")


def entry_of(atom: Any) -> EntryKey | None:
    """The tensor and indices of an entry atom: ``a_{12}`` and ``a[1, 2]`` (integer indices, as
    written) give ``("a", (1, 2))``; ``∂F/∂h_{12}`` gives ``("∂F/∂h", (1, 2))``; None for
    anything else."""
    if isinstance(atom, sp.Symbol):
        return entry_indices(atom.name)
    if isinstance(atom, sp.Indexed):
        if all(isinstance(index, sp.Integer) for index in atom.indices):
            return str(atom.base.label), tuple(int(index) for index in atom.indices)
        return None
    if isinstance(atom, sp.Derivative) and isinstance(atom.expr, sp.Symbol):
        variables = atom.variable_count
        if len(variables) == 1 and variables[0][1] == 1:
            inner = entry_of(variables[0][0])
            if inner is not None:
                return f"∂{atom.expr.name}/∂{inner[0]}", inner[1]
    return None


def gradient_entry(scalar: str, name: str, indices: Sequence[int]) -> sp.Expr:
    """``∂scalar/∂name_{indices}`` as the document's gradient entries are spelled."""
    return sp.Derivative(sp.Symbol(scalar), entry_symbol(name, indices))


def atom_of(key: EntryKey) -> sp.Expr:
    """The canonical atom of an entry key (the inverse of :func:`entry_of`)."""
    name, indices = key
    found = re.fullmatch(r"∂(.+)/∂(.+)", name)
    if found is not None:
        return gradient_entry(found.group(1), found.group(2), indices)
    return entry_symbol(name, indices)


def evaluated(expr: Any) -> Any:
    """``expr`` with its sums over written bounds worked out (derivatives left as written: a
    gradient entry ``∂F/∂h_{11}`` is a name, not 0).

    >>> from symconv.check.parser import parse_expression
    >>> evaluated(parse_expression(r"\\sum_{i=1}^{2} x_{i} + \\frac{\\partial F}{\\partial h_{1}}"))
    Derivative(F, h_1) + x[1] + x[2]
    """
    if not isinstance(expr, sp.Basic):
        return as_sympy(expr)
    if not expr.has(sp.Sum):
        return expr
    return expr.replace(lambda e: isinstance(e, sp.Sum), _summed)


#: Most terms a sum over written integer bounds is worked out into, term by term.
MAX_SUM_TERMS = 10_000


def _summed(total: sp.Sum) -> Any:
    """A sum over integer bounds as the sum of its terms (SymPy's ``doit`` is slow on indexed
    terms); other sums as ``doit`` gives them."""
    limits = total.limits
    if not all(low.is_Integer and high.is_Integer for _, low, high in limits):
        return total.doit()
    ranges = [range(int(low), int(high) + 1) for _, low, high in limits]
    count = 1
    for values in ranges:
        count *= len(values)
    if count > MAX_SUM_TERMS:
        return total.doit()
    variables = [variable for variable, _, _ in limits]
    function = evaluated(total.function)
    return sp.Add(
        *(
            function.xreplace(dict(zip(variables, values, strict=True)))
            for values in itertools.product(*ranges)
        )
    )


def canonical(expr: Any) -> Any:
    """``expr`` with every entry spelled by :func:`entry_symbol` (bracket entries with integer
    indices, ``a_1`` and ``a_{1}`` alike)."""
    if not isinstance(expr, sp.Basic):
        return expr
    mapping: dict[Any, Any] = {}
    for atom in expr.atoms(sp.Symbol, sp.Indexed):
        key = entry_of(atom)
        if key is not None:
            spelled = atom_of(key)  # ∂F/∂h[1, 1] is the gradient entry ∂F/∂h_{11}
            if spelled != atom:
                mapping[atom] = spelled
    return expr.xreplace(mapping) if mapping else expr


def entries_in(expr: Any) -> dict[sp.Expr, EntryKey]:
    """The entry atoms of ``expr`` (gradient entries whole), with their keys."""
    found: dict[sp.Expr, EntryKey] = {}
    if not isinstance(expr, sp.Basic):
        return found
    for atom in expr.atoms(sp.Derivative):
        key = entry_of(atom)
        if key is not None:
            found[atom] = key
    inside = {v for derivative in found for v in derivative.variables}  # h_{11} of ∂F/∂h_{11}
    for atom in expr.atoms(sp.Symbol, sp.Indexed):
        if atom in inside:
            continue
        key = entry_of(atom)
        if key is not None:
            found[atom] = key
    return found


def bilinear_terms(expr: Any) -> list[tuple[sp.Expr, sp.Expr, sp.Expr]] | None:
    """``expr`` as a sum of ``c · u · v`` with u, v entries of two different tensors and c a
    number (``[(c, u, v), …]``, u's tensor name first alphabetically); None if it is not such a
    sum (a constant term, a square, a third factor). 0 is the empty sum."""
    expr = sp.expand(expr)
    if expr == 0:
        return []
    terms = []
    for term in sp.Add.make_args(expr):
        coefficient, factors = term.as_coeff_mul()
        if not coefficient.is_Rational:
            return None
        if len(factors) != 2:
            return None
        keys = [entry_of(f) for f in factors]
        if keys[0] is None or keys[1] is None or keys[0][0] == keys[1][0]:
            return None
        u, v = sorted(factors, key=lambda f: entry_of(f)[0])  # type: ignore[index]
        terms.append((coefficient, u, v))
    return terms


def tensors_of(expr: Any) -> frozenset[str]:
    """The names of the tensors whose entries ``expr`` holds."""
    return frozenset(key[0] for key in entries_in(expr).values())


# ----------------------------------------------------------------------------------------------
# Tensors written as matrices of their entries
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TensorLiteral:
    """A tensor written as the matrix of its entries (``a_{11} … a_{44}``): its name, shape,
    index base and the lines of the display."""

    name: str
    shape: tuple[int, int]
    base: int
    line: int
    end_line: int

    def position(self, indices: Sequence[int]) -> tuple[int, int] | None:
        """0-based position of the entry with these written indices (None outside)."""
        if len(indices) != 2:
            return None
        row, column = (index - self.base for index in indices)
        if 0 <= row < self.shape[0] and 0 <= column < self.shape[1]:
            return row, column
        return None

    def atom(self, row: int, column: int) -> sp.Symbol:
        return entry_symbol(self.name, (row + self.base, column + self.base))

    def atoms(self) -> sp.Matrix:
        return sp.Matrix(self.shape[0], self.shape[1], lambda r, c: self.atom(r, c))


def tensor_literal(matrix: WrittenMatrix) -> TensorLiteral | None:
    """The tensor a complete matrix of plain entries writes (cell (r, c) the entry ``(r + b,
    c + b)`` of one name, b the base 0 or 1), or None.

    >>> from symconv.check.matrix_cells import read_display
    >>> shown = read_display(r"\\begin{bmatrix} a_{11} & a_{12} \\\\ a_{21} & a_{22}\\end{bmatrix}")
    >>> tensor_literal(shown.matrices[0])
    TensorLiteral(name='a', shape=(2, 2), base=1, line=1, end_line=1)
    """
    values = matrix.values()
    if values is None or len(values) < 1:
        return None
    keys = [[entry_of(v) if isinstance(v, sp.Basic) else None for v in row] for row in values]
    first = keys[0][0]
    if first is None or len(first[1]) != 2 or first[1][0] != first[1][1]:
        return None
    name, base = first[0], first[1][0]
    if base not in (0, 1):
        return None
    for r, row in enumerate(keys):
        for c, key in enumerate(row):
            if key != (name, (r + base, c + base)):
                return None
    shape = (len(values), len(values[0]))
    return TensorLiteral(name, shape, base, matrix.line, matrix.end_line)


# ----------------------------------------------------------------------------------------------
# Forward maps
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Operand:
    """One tensor a forward map reads: its name, shape and index base."""

    name: str
    shape: tuple[int, ...]
    base: int

    def keys(self, order: str = "C") -> list[EntryKey]:
        """Its entries flattened row by row (``"C"``) or column by column (``"F"``)."""
        if len(self.shape) == 1:
            return [(self.name, (i + self.base,)) for i in range(self.shape[0])]
        rows, columns = self.shape[0], self.shape[1]
        if order == "C":
            pairs = [(r, c) for r in range(rows) for c in range(columns)]
        else:
            pairs = [(r, c) for c in range(columns) for r in range(rows)]
        return [(self.name, (r + self.base, c + self.base)) for r, c in pairs]

    def position(self, indices: Sequence[int]) -> tuple[int, ...] | None:
        position = tuple(index - self.base for index in indices)
        if len(position) != len(self.shape):
            return None
        if all(0 <= p < size for p, size in zip(position, self.shape, strict=True)):
            return position
        return None


@dataclass(frozen=True)
class Forward:
    """One reading of a forward map the document writes: output entry ``(r, c)`` (0-based) is
    ``entries[r, c]``, a bilinear form in the entries of two operands.

    ``output`` is the name the document gives the output (None if it names none), with the index
    base of its entries; ``reading`` says how the map was read ("as written on lines 131–134",
    "the cross-correlation of a and k, stride 2")."""

    entries: sp.ImmutableMatrix
    operands: tuple[Operand, Operand]
    line: int
    end_line: int
    reading: str
    output: str | None = None
    output_base: int = 1
    #: The line of the display that defines the map: readings of one display share it.
    source: int = 0
    #: The bias added to every output entry (``y_{11} = x_{11}w_{11} + … + b``): ``entries``
    #: hold the bilinear part only. A map with a bias is in :attr:`DocumentModel.affine`,
    #: never in :attr:`DocumentModel.forwards` (whose judges read the map as linear).
    bias: sp.Symbol | None = None

    @property
    def output_shape(self) -> tuple[int, int]:
        return self.entries.shape

    def operand(self, name: str) -> Operand | None:
        return next((o for o in self.operands if o.name == name), None)

    def output_keys(self, order: str = "C") -> list[tuple[int, int]]:
        """0-based output positions flattened row by row or column by column."""
        rows, columns = self.output_shape
        if order == "C":
            return [(r, c) for r in range(rows) for c in range(columns)]
        return [(r, c) for c in range(columns) for r in range(rows)]

    @functools.cached_property
    def coefficients(self) -> dict[tuple[int, int], dict[sp.Expr, sp.Expr]]:
        """``∂out_q/∂x`` for every output position q and every entry x it reads: each entry is
        a sum of ``c·u·v`` (bilinear), so its derivative by u is the sum of the ``c·v``."""
        found: dict[tuple[int, int], dict[sp.Expr, sp.Expr]] = {}
        rows, columns = self.output_shape
        for r in range(rows):
            for c in range(columns):
                by_atom: dict[sp.Expr, sp.Expr] = {}
                for coefficient, u, v in bilinear_terms(self.entries[r, c]) or ():
                    by_atom[u] = by_atom.get(u, sp.Integer(0)) + coefficient * v
                    by_atom[v] = by_atom.get(v, sp.Integer(0)) + coefficient * u
                found[(r, c)] = by_atom
        return found

    def derivative(self, position: tuple[int, int], atom: sp.Expr) -> sp.Expr:
        """``∂out_position/∂atom`` (0 for an entry the output does not read)."""
        return self.coefficients[position].get(atom, sp.Integer(0))

    def jacobian(
        self, name: str, outputs: Sequence[tuple[int, int]], inputs: Sequence[EntryKey]
    ) -> sp.Matrix:
        """``∂out/∂name``: one row per output position, one column per entry of ``name``."""
        symbols = [entry_symbol(*key) for key in inputs]
        return sp.Matrix([[self.derivative(q, s) for s in symbols] for q in outputs])

    def gradient(self, name: str, error: Mapping[tuple[int, int], Any]) -> sp.Matrix:
        """``∂F/∂name`` as a matrix of ``name``'s shape, given ``∂F/∂out`` at each output
        position (``error``): the chain rule ``Σ_q ∂F/∂out_q · ∂out_q/∂x`` entry by entry."""
        operand = self.operand(name)
        assert operand is not None and len(operand.shape) == 2
        rows, columns = operand.shape

        def entry(r: int, c: int) -> Any:
            symbol = entry_symbol(name, (r + operand.base, c + operand.base))
            return sp.expand(
                sp.Add(*(value * self.derivative(q, symbol) for q, value in error.items()))
            )

        return sp.Matrix(rows, columns, entry)


def _operands(
    entries: sp.Matrix, literals: Sequence[TensorLiteral]
) -> tuple[Operand, Operand] | None:
    """The two tensors a matrix of bilinear forms reads, with their shapes: from a literal of
    the same name that holds every index used, else from the indices used (base 1 unless an
    index 0 is used); the larger tensor (the input) first."""
    names: dict[str, list[tuple[int, ...]]] = {}
    for value in entries:
        terms = bilinear_terms(value)
        if terms is None:
            return None
        for _, u, v in terms:
            for atom in (u, v):
                key = entry_of(atom)
                assert key is not None
                names.setdefault(key[0], []).append(key[1])
    if len(names) != 2:
        return None
    found = []
    for name, used in names.items():
        if any(name.startswith("∂") for name in names):
            return None
        literal = next(
            (
                t
                for t in reversed(literals)
                if t.name == name and all(t.position(i) is not None for i in used)
            ),
            None,
        )
        if literal is not None:
            found.append(Operand(name, literal.shape, literal.base))
            continue
        axes = {len(i) for i in used}
        if len(axes) != 1:
            return None
        base = 0 if any(0 in i for i in used) else 1
        shape = tuple(max(i[a] for i in used) - base + 1 for a in range(axes.pop()))
        found.append(Operand(name, shape, base))
    first, second = sorted(found, key=lambda o: -_size(o.shape))
    return first, second


def _size(shape: Sequence[int]) -> int:
    size = 1
    for s in shape:
        size *= s
    return size


def forward_of_matrix(
    values: Sequence[Sequence[Any]],
    literals: Sequence[TensorLiteral],
    line: int,
    end_line: int,
    output: str | None = None,
) -> Forward | None:
    """The forward map a matrix of bilinear forms writes (a matrix of sums ``Σ k_{ij}
    a_{i+1,j}``, evaluated), or None if it is not one (a constant term, three tensors, one
    entry only)."""
    try:
        entries = sp.Matrix([[canonical(evaluated(v)) for v in row] for row in values])
    except (TypeError, ValueError, sp.SympifyError):
        return None
    if entries.rows * entries.cols < 2:
        return None
    operands = _operands(entries, literals)
    if operands is None:
        return None
    span = f"line {line}" if line == end_line else f"lines {line}–{end_line}"
    return Forward(
        sp.ImmutableMatrix(entries),
        operands,
        line,
        end_line,
        f"as written on {span}",
        output,
        source=line,
    )


# ----------------------------------------------------------------------------------------------
# Convolutions written as an operation (A * K)
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Geometry:
    """What the words around a display say of a convolution (None: not said)."""

    stride: int | None = None
    dilation: int | None = None
    padding: int | None = None
    kernel: int | None = None


_NUMBER = r"\$?\s*\(?\s*(\d+)\s*(?:,\s*\1\s*)?\)?\s*\$?"
_GEOMETRY_WORDS = {
    "stride": r"(?:stride|strides|步长|步幅)",
    "dilation": r"(?:dilation|dilation rate|膨胀率|空洞率)",
    "padding": r"(?:padding|zero[- ]padding|填充)",
    "kernel": r"(?:kernel size|filter size|window size|pool size|卷积核大小|核大小)",
}


def stated_geometry(text: str) -> Geometry:
    """The stride, dilation, padding and kernel size the words of ``text`` state.

    >>> stated_geometry("with a stride of 1 but a dilation of 2.")
    Geometry(stride=1, dilation=2, padding=None, kernel=None)
    >>> stated_geometry("卷积步长为$(1,1)$").stride, stated_geometry("the stride is $1$").stride
    (1, 1)
    """
    found: dict[str, int] = {}
    for fact, word in _GEOMETRY_WORDS.items():
        pattern = re.compile(
            word + r"\s*(?:used\s+)?(?:of|is|was|=|为|是|:|\uff1a)?\s*(?:a\s+|an\s+)?" + _NUMBER,
            re.IGNORECASE,
        )
        values = {int(m.group(1)) for m in pattern.finditer(text)}
        if len(values) == 1:
            found[fact] = values.pop()
    return Geometry(**found)


@dataclass(frozen=True)
class OperationReading:
    """One reading of ``A * B``: its result and the words for it."""

    result: sp.ImmutableMatrix
    op: str
    stride: int
    dilation: int

    @property
    def words(self) -> str:
        what = "cross-correlation" if self.op == "correlation" else "true convolution"
        extra = f", stride {self.stride}"
        if self.dilation != 1:
            extra += f", dilation {self.dilation}"
        return what + extra


def operation_readings(
    left: sp.Matrix,
    right: sp.Matrix,
    geometry: Geometry,
    ops: Iterable[str] = ("correlation", "convolution"),
) -> list[OperationReading]:
    """Every reading of ``left * right`` the document leaves open: a cross-correlation or a
    true convolution (``ops``), with the stride and dilation stated (else strides 1 to 3 and
    no dilation), valid (the padding, if any, is written as zeros)."""
    strides = (geometry.stride,) if geometry.stride else (1, 2, 3)
    dilations = (geometry.dilation,) if geometry.dilation else (1,)
    return list(
        _readings(
            sp.ImmutableMatrix(left), sp.ImmutableMatrix(right), strides, dilations, tuple(ops)
        )
    )


@functools.lru_cache(maxsize=64)
def _readings(
    left: sp.ImmutableMatrix,
    right: sp.ImmutableMatrix,
    strides: tuple[int, ...],
    dilations: tuple[int, ...],
    ops: tuple[str, ...],
) -> tuple[OperationReading, ...]:
    from symconv.conv.forms import convolve, correlate
    from symconv.errors import SymconvError

    readings = []
    for op in ops:
        function = correlate if op == "correlation" else convolve
        for stride in strides:
            for dilation in dilations:
                extent = dilation * (right.rows - 1) + 1, dilation * (right.cols - 1) + 1
                if extent[0] > left.rows or extent[1] > left.cols:
                    continue
                if stride > 1 and any(
                    (size - k) % stride for size, k in zip(left.shape, extent, strict=True)
                ):
                    continue  # windows that do not tile the input: not what a writer shows
                try:
                    result = function(left, right, stride=stride, dilation=dilation)
                except SymconvError:
                    continue
                expanded = sp.ImmutableMatrix(sp.Matrix(result).applyfunc(sp.expand))
                readings.append(OperationReading(expanded, op, stride, dilation))
    return tuple(readings)


# ----------------------------------------------------------------------------------------------
# Flattening orders
# ----------------------------------------------------------------------------------------------
def vector_cells(matrix: WrittenMatrix) -> list[Any] | None:
    """The cells of a one-column or one-row matrix (elisions kept), or None."""
    if all(len(row) == 1 for row in matrix.rows):
        return [row[0] for row in matrix.rows]
    if len(matrix.rows) == 1:
        return list(matrix.rows[0])
    return None


def flattening_orders(matrix: WrittenMatrix, operand: Operand) -> frozenset[str]:
    """The orders (``"C"`` row by row, ``"F"`` column by column) a written vector of
    ``operand``'s entries is consistent with: each written entry where its position is certain
    (before the first elision from the start, after the last from the end). Empty if the
    vector is not one of ``operand``'s entries.

    >>> from symconv.check.matrix_cells import read_display
    >>> shown = r"\\begin{bmatrix} a_{11} \\\\ a_{12} \\\\ \\vdots \\\\ a_{22}\\end{bmatrix}"
    >>> column = read_display(shown)
    >>> sorted(flattening_orders(column.matrices[0], Operand("a", (2, 2), 1)))
    ['C']
    """
    cells = vector_cells(matrix)
    if cells is None:
        return frozenset()
    size = _size(operand.shape)
    gaps = [i for i, cell in enumerate(cells) if cell.elided]
    if not gaps and len(cells) != size:
        return frozenset()
    placed: dict[int, Any] = {}
    first = gaps[0] if gaps else len(cells)
    last = gaps[-1] if gaps else len(cells)
    if first + (len(cells) - last - 1) > size:
        return frozenset()
    for i, cell in enumerate(cells):
        if i < first:
            placed[i] = cell
        elif i > last:
            placed[size - (len(cells) - i)] = cell
    orders = set()
    for order in ("C", "F"):
        keys = operand.keys(order)
        if all(
            cell.kind == CellKind.VALUE and entry_of(canonical(cell.value)) == keys[i]
            for i, cell in placed.items()
        ):
            orders.add(order)
    return frozenset(orders) if placed else frozenset()


# ----------------------------------------------------------------------------------------------
# Displays in order, with the words around them
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlacedDisplay:
    """A display of the document with its position, section and the words around it."""

    display: Display
    index: int  # the segment's index
    line: int
    end_line: int
    scope: int
    words_before: str = ""
    words_after: str = ""
    segment: Any = field(default=None, compare=False)

    def operators(self) -> list[str | None]:
        """The operator between each pair of consecutive matrices."""
        items = self.display.items
        found = []
        for i, item in enumerate(items):
            if isinstance(item, str) and 0 < i < len(items) - 1:
                found.append(operator_between(item))
        return found


def displays_of(segments: Sequence[Any]) -> Iterator[PlacedDisplay]:
    """The math segments holding a matrix environment, with the prose just before (its last
    sentence) and just after (up to the next display) and their section."""
    from symconv.check.matrix_cells import read_display

    scope = 0
    for index, segment in enumerate(segments):
        if segment.kind == "text" and _HEADING.match(segment.text):
            scope += 1
        if segment.kind != "math" or "\\begin" not in segment.text:
            continue
        display = read_display(segment.text, segment.line)
        if not display.matrices:
            continue
        before = _prose(segments, index, -1)
        after = _prose(segments, index, 1)
        yield PlacedDisplay(
            display, index, segment.line, segment.end_line, scope, before, after, segment
        )


_HEADING = lazy_compile(r"^\s{0,3}#{1,6}\s|\\(?:sub)*section\*?\s*\{")


def _prose(segments: Sequence[Any], index: int, step: int) -> str:
    """The words next to segment ``index`` (inline math included), up to a display, a heading
    or a blank gap; before it, only the last sentence."""
    pieces: list[str] = []
    position = index + step
    previous_line = segments[index].line if step < 0 else segments[index].end_line
    while 0 <= position < len(segments):
        segment = segments[position]
        if segment.kind == "math" and segment.display:
            break
        if segment.kind == "text" and _HEADING.match(segment.text):
            break
        gap = previous_line - segment.end_line if step < 0 else segment.line - previous_line
        if gap > 3:  # a blank line and an environment's \begin line between
            break
        pieces.append(segment.text)
        previous_line = segment.line if step < 0 else segment.end_line
        position += step
    if step < 0:
        pieces.reverse()
        text = " ".join(pieces)
        sentences = re.split("(?<=[.!?\u3002\uff01\uff1f])\\s+", text.strip())
        return sentences[-1] if sentences else ""
    return " ".join(pieces)


# ----------------------------------------------------------------------------------------------
# The document's model: its tensors, forward maps, flattening orders and its "*"
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EntryStatement:
    """``h_{12} = \\sum_{i,j} k_{ij} a_{i,j+1}``: an output entry stated on its own (the
    segment's index and lines), with its value evaluated."""

    index: int
    line: int
    end_line: int
    name: str
    indices: tuple[int, ...]
    value: sp.Expr
    text: str
    #: The bias the statement adds to its bilinear ``value`` (None: none).
    bias: sp.Symbol | None = None
    #: Its display or the words right after it say the entries go on unwritten (``\\dots``,
    #: *and so on*): the entries stated are not the whole map.
    goes_on: bool = False


#: An elision in a display of entries (``y_{12} = … \\\\ \\vdots``) or the words after it
#: (*and so on*, *etc.*): more entries than those written.
_GOES_ON = lazy_compile(
    r"\\(?:dots|ldots|cdots|vdots|ddots)(?![A-Za-z])|…|⋯|⋮|\.\.\.|\band\s+so\s+(?:on|forth)\b|"
    r"\betc\b|以此类推|依此类推|等等",
    re.IGNORECASE,
)


def _goes_on_after(segments: Sequence[Any], index: int) -> bool:
    """The math segment ``index`` elides entries, or the first sentence after it says more
    follow."""
    if _GOES_ON.search(segments[index].text):
        return True
    following = segments[index + 1] if index + 1 < len(segments) else None
    if following is not None and following.kind == "math" and following.display:
        return _GOES_ON.fullmatch(following.text.strip()) is not None  # $$\vdots$$ alone
    after = _prose(segments, index, 1).strip()
    first = re.split(r"(?<=[.!?。])\s+", after)[0] if after else ""
    return _GOES_ON.search(first) is not None


@dataclass(frozen=True)
class DocumentModel:
    """What a document writes for itself: its displays, the tensors it writes as matrices of
    entries, the forward maps it defines (each with the name of its output, when the document
    names it), the orders it flattens tensors in, the readings of ``*`` its own results fix, and
    the output entries it states one by one."""

    displays: tuple[PlacedDisplay, ...]
    literals: tuple[TensorLiteral, ...]
    forwards: tuple[Forward, ...]
    orders: Mapping[str, frozenset[str]]
    star: frozenset[str]
    statements: tuple[EntryStatement, ...] = ()
    #: The names the document gives a matrix of its own (``W = [...]``).
    defined: frozenset[str] = frozenset()
    #: ``h = W a`` statements: the matrix's name, with the output's and the operand's names.
    linear: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    #: Maps defined entry by entry with one bias added to every entry (``y_{11} = … + b``):
    #: only the judges of gradients read them (a bias changes no gradient of an operand).
    affine: tuple[Forward, ...] = ()
    #: Names of an output's gradient (``\\delta_{ij} = \\frac{\\partial J}{\\partial z_{ij}}``):
    #: ``delta`` with ``("J", "z")``.
    errors: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    #: The document says entries outside a tensor are zero (*w_{kl} = 0 outside the kernel*,
    #: *out-of-range entries are taken as zero*): a formula reading past an edge reads 0.
    zero_outside: bool = False

    def literals_before(self, line: int) -> list[TensorLiteral]:
        return [t for t in self.literals if t.end_line < line]

    def forwards_before(self, line: int) -> list[Forward]:
        return [f for f in self.forwards if f.end_line < line]

    def affine_before(self, line: int) -> list[Forward]:
        return [f for f in self.affine if f.end_line < line]

    def order_of(self, name: str) -> str | None:
        """The one order the document flattens ``name`` in (None if it shows none, or two)."""
        orders = self.orders.get(name)
        return next(iter(orders)) if orders is not None and len(orders) == 1 else None


def read_model(segments: Sequence[Any], parses: Mapping[int, Any]) -> DocumentModel:
    """The :class:`DocumentModel` of a document (its segments and the parse of each math
    segment)."""
    displays = tuple(displays_of(segments))
    literals: list[TensorLiteral] = []
    forwards: list[Forward] = []
    for placed in displays:
        for matrix in placed.display.matrices:
            literal = tensor_literal(matrix)
            if literal is not None:
                literals.append(literal)
                continue
            values = matrix.values()
            if values is None or not stands_alone(placed, matrix):
                continue
            if _gradient_shaped(values, literals):
                continue  # ∂L/∂a written out: a gradient, not a new map
            output = _named_before(placed.display.before(matrix))
            forward = forward_of_matrix(
                values, literals, matrix.line, matrix.end_line, output=output
            )
            if forward is not None:
                forwards.append(forward)
    statements = tuple(_entry_statements(segments, parses))
    linear_statements = [s for s in statements if s.bias is None]
    forwards = [_named(forward, linear_statements) for forward in forwards]
    declared = declared_by_segment(segments)
    operations = list(_declared_operations(displays, declared))
    forwards += [f for f in operations if f.bias is None]
    written = [*forwards, *operations]
    forwards += _forwards_of_entries(linear_statements, written, literals)
    affine = [f for f in operations if f.bias is not None]
    affine += _forwards_of_entries([s for s in statements if s.bias is not None], written, literals)
    star = _star_convention(displays, forwards, literals)
    if declared:
        # what the words say * is, where the document's results leave both readings
        said = frozenset.intersection(*declared.values())
        star = star & said if said else star
    forwards += _forwards_of_operations(displays, forwards, star)
    forwards.sort(key=lambda f: f.line)
    orders = _orders(displays, forwards, literals)
    defined = frozenset(_matrix_names(parses))
    linear = dict(_linear_statements(parses))
    return DocumentModel(
        displays,
        tuple(literals),
        tuple(forwards),
        orders,
        star,
        statements,
        defined,
        linear,
        tuple(affine),
        dict(_error_names(parses)),
        _says_zero_outside(segments),
    )


#: Words that make a read past a tensor's edge zero: *entries outside the kernel are zero*,
#: *w_{kl} = 0 for indices out of range*, *treated as zero outside*, *越界的元素取 0*.
_ZERO_OUTSIDE = lazy_compile(
    r"(?:\boutside\b|\bout[-\s]of[-\s](?:range|bounds)|\bbeyond\b|\binvalid\s+ind)"
    r"[^.;]{0,80}?(?:\bzeros?\b|=\s*0\b|\$0\$)"
    r"|(?:\bzeros?\b|=\s*0\b|\$0\$)[^.;]{0,40}?(?:\boutside\b|\bout[-\s]of[-\s](?:range|bounds))"
    r"|越界[^。\uff1b]{0,20}?(?:为|取|是)\s*(?:0|零)",
    re.IGNORECASE,
)
#: Words that deny it (*not zero outside*).
_NOT_ZERO = lazy_compile(r"\bnot\s+(?:taken\s+as\s+|treated\s+as\s+)?zero\b", re.IGNORECASE)


def _says_zero_outside(segments: Sequence[Any]) -> bool:
    """The document's prose (inline math written back) says entries outside a tensor are
    zero.

    >>> from symconv.check.markdown import split_document
    >>> _says_zero_outside(split_document("where $w_{kl} = 0$ for indices outside the kernel."))
    True
    >>> _says_zero_outside(split_document("The output is 2x2, with no padding."))
    False
    """
    prose = [s for s in segments if s.kind == "text" or (s.kind == "math" and not s.display)]
    pieces = [f"${s.text}$" if s.kind == "math" else s.text for s in prose]
    text = " ".join(pieces)
    return any(
        _NOT_ZERO.search(sentence) is None and _ZERO_OUTSIDE.search(sentence) is not None
        for sentence in re.split(r"(?<=[.!?。])\s+", text)
    )


def _error_names(parses: Mapping[int, Any]) -> Iterator[tuple[str, tuple[str, str]]]:
    """``\\delta_{ij} = \\frac{\\partial J}{\\partial z_{ij}}`` (``e_{ij} = ∂L/∂y_{ij}``): the
    name of an entry of a gradient, the same indices on both sides, as ``(name, (J, z))``. A
    name given two meanings is none."""
    from symconv.check.parsed import Chain

    found: dict[str, set[tuple[str, str]]] = {}
    for parsed in parses.values():
        for statement in getattr(parsed, "statements", ()):
            if not isinstance(statement, Chain) or statement.relations not in (("=",), (":=",)):
                continue
            lhs, rhs = (side.expr if side is not None else None for side in statement.sides)
            if isinstance(lhs, sp.KroneckerDelta):  # \delta_{ij} read as Kronecker's
                name, indices = "delta", tuple(lhs.args)
            elif isinstance(lhs, sp.Indexed):
                name, indices = str(lhs.base.label), tuple(lhs.indices)
            else:
                continue
            if not isinstance(rhs, sp.Indexed) or tuple(rhs.indices) != indices:
                continue
            quotient = re.fullmatch(r"∂([A-Za-z])/∂([A-Za-z])", str(rhs.base.label))
            if quotient is None or not all(isinstance(i, sp.Symbol) for i in indices):
                continue
            found.setdefault(name, set()).add((quotient.group(1), quotient.group(2)))
    for name, meanings in found.items():
        if len(meanings) == 1:
            yield name, meanings.pop()


def flattened_name(expr: Any) -> sp.Symbol | None:
    """``h`` for ``h`` and for ``vec(h)`` (``flatten(h)``): the tensor a vector names."""
    if isinstance(expr, sp.Symbol):
        return expr
    if isinstance(expr, sp.Function) and len(expr.args) == 1:
        name = type(expr).__name__
        if name in ("vec", "flatten", "flat") and isinstance(expr.args[0], sp.Symbol):
            return expr.args[0]
    return None


def _linear_statements(parses: Mapping[int, Any]) -> Iterator[tuple[str, tuple[str, str]]]:
    """``h = W a`` (and ``\\mathbf{h} = W \\mathbf{a}``): ``W`` with ``(h, a)``."""
    from symconv.check.parsed import Chain

    for parsed in parses.values():
        for statement in getattr(parsed, "statements", ()):
            if not isinstance(statement, Chain) or statement.relations != ("=",):
                continue
            lhs, rhs = (side.expr if side is not None else None for side in statement.sides)
            lhs = flattened_name(lhs)
            if lhs is None or not isinstance(rhs, sp.Mul):
                continue
            factors = [f for f in (flattened_name(arg) for arg in rhs.args) if f is not None]
            if len(factors) == 2 == len(rhs.args):
                # a product of two names prints in SymPy's order; the matrix is the upper-case one
                first, second = sorted(factors, key=lambda f: (not f.name[:1].isupper(), f.name))
                if first.name[:1].isupper() and not second.name[:1].isupper():
                    yield first.name, (lhs.name, second.name)


def _matrix_names(parses: Mapping[int, Any]) -> Iterator[str]:
    """``W`` of ``W = \\begin{bmatrix}…``: names the document sets equal to a matrix."""
    from symconv.check.parsed import Chain

    for parsed in parses.values():
        for statement in getattr(parsed, "statements", ()):
            if not isinstance(statement, Chain) or "=" not in statement.relations:
                continue
            sides = [side for side in statement.sides if side is not None]
            if not any(isinstance(side.expr, sp.MatrixBase) for side in sides):
                continue
            for side in sides:
                if isinstance(side.expr, sp.Symbol):
                    yield side.expr.name


def _gradient_shaped(values: Sequence[Sequence[Any]], literals: Sequence[TensorLiteral]) -> bool:
    """A matrix of the shape of a written tensor ``x`` whose entries read two other tensors
    ``w`` and ``δ``, ``δ`` of the shape of a valid convolution of ``x`` by ``w`` (some
    stride): the gradient ``∂L/∂x`` written out, not the definition of a new map."""
    shape = (len(values), len(values[0]))
    try:
        names = set().union(*(tensors_of(canonical(as_sympy(v))) for row in values for v in row))
    except (TypeError, ValueError, sp.SympifyError):
        return False
    by_name = {literal.name: literal for literal in literals}
    for literal in literals:
        if literal.shape != shape or literal.name in names:
            continue
        for kernel_name in names:
            kernel, error = by_name.get(kernel_name), None
            others = names - {kernel_name}
            if kernel is None or len(others) != 1:
                continue
            error = by_name.get(next(iter(others)))
            if error is not None and _valid_output(shape, kernel.shape, error.shape):
                return True
    return False


def _valid_output(shape: Sequence[int], kernel: Sequence[int], output: Sequence[int]) -> bool:
    """Some stride gives a valid convolution of ``shape`` by ``kernel`` the shape ``output``."""
    if len(shape) != len(kernel) or len(shape) != len(output):
        return False
    for stride in range(1, max(shape) + 1):
        if all(
            size >= k and (size - k) // stride + 1 == out
            for size, k, out in zip(shape, kernel, output, strict=True)
        ):
            return True
    return False


def _forwards_of_entries(
    statements: Sequence[EntryStatement],
    forwards: Sequence[Forward],
    literals: Sequence[TensorLiteral],
) -> list[Forward]:
    """A map the document defines entry by entry (``h_{11} = …``, ``h_{12} = …``, … every entry
    of a grid from index 0 or 1), when no displayed map has that name."""
    from dataclasses import replace

    named = {f.output for f in forwards if f.output is not None}
    by_name: dict[str, dict[tuple[int, ...], EntryStatement]] = {}
    for statement in statements:
        if len(statement.indices) == 2 and statement.name not in named:
            by_name.setdefault(statement.name, {}).setdefault(statement.indices, statement)
    found = []
    for name, entries in by_name.items():
        biases = {s.bias for s in entries.values()}
        if len(biases) != 1:
            continue  # y_{11} = … + b, y_{12} = … + c: no one map
        base = min(min(i) for i in entries)
        rows = max(i[0] for i in entries) - base + 1
        columns = max(i[1] for i in entries) - base + 1
        grid = [(r + base, c + base) for r in range(rows) for c in range(columns)]
        if base not in (0, 1) or len(entries) != len(grid) or set(entries) != set(grid):
            continue
        shapes = {t.shape for t in literals if t.name == name}
        if shapes - {(rows, columns)}:
            continue  # y_{11}, y_{12} of a 2×2 y the document writes: the first entries only
        if not shapes and any(s.goes_on for s in entries.values()):
            continue  # y_{11} = …, y_{12} = …, "and so on": the entries are not all written
        values = [
            [entries[(r + base, c + base)].value for c in range(columns)] for r in range(rows)
        ]
        first = min(s.line for s in entries.values())
        last = max(s.end_line for s in entries.values())
        forward = forward_of_matrix(values, literals, first, last, output=name)
        if forward is not None:
            found.append(replace(forward, output_base=base, bias=biases.pop()))
    return found


#: The text between the operands of ``X * W + b = Y`` and its result: ``=``, or a bias added.
_BIAS_EQUALS = lazy_compile(r"^(?:\+(?P<bias>[A-Za-z]))?=$")


def _declared_operations(
    displays: Sequence[PlacedDisplay], declared: Mapping[int, frozenset[str]]
) -> Iterator[Forward]:
    """``[X] * [W] + b = [Y]`` (or ``[Y] = [X] * [W] + b``) of three written tensors, after
    words that say what ``*`` is (*Here $*$ denotes cross-correlation*,
    :mod:`symconv.check.star_words`): the map from X and W to Y, when the declared meaning,
    the stride (stated or the only one that fits) and Y's written shape leave one reading. The
    map is the document's definition of Y: its entries stated one by one after it are judged
    against it (an entry restated), never a second map. Undeclared, or left with two readings,
    the display defines nothing here."""
    for placed in displays:
        ops = declared.get(placed.index)
        items = placed.display.items
        if ops is None or len(placed.display.matrices) != 3:
            continue
        texts = [re.sub(r"\\(?:left|right)|\s", "", t) if isinstance(t, str) else None
                 for t in items]  # fmt: skip
        pattern = [isinstance(t, str) for t in items]
        if pattern != [True, False, True, False, True, False, True]:
            continue
        if texts[2] in ("*", "\\ast") and texts[0] == "" and texts[6] == "":
            left, right, result = items[1], items[3], items[5]
            bias = _BIAS_EQUALS.match(texts[4] or "")
        elif texts[4] in ("*", "\\ast") and texts[2] == "=" and texts[0] == "":
            result, left, right = items[1], items[3], items[5]
            bias = re.fullmatch(r"(?:\+(?P<bias>[A-Za-z]))?", texts[6] or "")
        else:
            continue
        if bias is None:
            continue
        assert isinstance(left, WrittenMatrix) and isinstance(right, WrittenMatrix)
        assert isinstance(result, WrittenMatrix)
        operands = [tensor_literal(m) for m in (left, right, result)]
        if any(o is None for o in operands) or len({o.name for o in operands if o}) != 3:
            continue
        x, w, y = (o for o in operands if o is not None)
        readings = [
            r
            for r in operation_readings(x.atoms(), w.atoms(), geometry_around(placed), sorted(ops))
            if r.result.shape == y.shape
        ]
        if len(readings) != 1:
            continue
        yield Forward(
            sp.ImmutableMatrix(readings[0].result),
            (Operand(x.name, x.shape, x.base), Operand(w.name, w.shape, w.base)),
            placed.line,
            placed.end_line,
            f"{x.name} * {w.name} as a {readings[0].words}",
            y.name,
            y.base,
            source=placed.line,
            bias=sp.Symbol(bias.group("bias")) if bias.group("bias") else None,
        )


def _forwards_of_operations(
    displays: Sequence[PlacedDisplay], forwards: Sequence[Forward], star: frozenset[str]
) -> list[Forward]:
    """A convolution written as an operation of two written tensors (``A * K``, with its stride
    in words or not) and no map written after it: the map it is under each reading the document
    leaves open (what its ``*`` means, the stride), all with the display as their source."""
    found: list[Forward] = []
    with_results = {id(placed) for placed, *_ in _operations(displays, forwards)}
    for placed in displays:
        matrices = placed.display.matrices
        if (
            len(matrices) != 2
            or placed.operators() != ["convolution"]
            or id(placed) in with_results
        ):
            continue
        left, right = (tensor_literal(m) for m in matrices)
        if left is None or right is None or "∂" in left.name + right.name:
            continue  # a gradient convolved: a step of a backward pass, not a forward map
        operands = (
            Operand(left.name, left.shape, left.base),
            Operand(right.name, right.shape, right.base),
        )
        output = _named_before(placed.display.before(matrices[0]))
        geometry = geometry_around(placed)
        for reading in operation_readings(left.atoms(), right.atoms(), geometry, sorted(star)):
            found.append(
                Forward(
                    sp.ImmutableMatrix(reading.result),
                    operands,
                    placed.line,
                    placed.end_line,
                    f"{left.name} * {right.name} as a {reading.words}",
                    output,
                    source=placed.line,
                )
            )
    return found


def stands_alone(placed: PlacedDisplay, matrix: WrittenMatrix) -> bool:
    """Not an operand of a product or an operation written next to it."""
    items = placed.display.items
    index = items.index(matrix)
    for neighbour in (index - 1, index + 1):
        if 0 < neighbour < len(items) - 1:
            text = items[neighbour]
            if isinstance(text, str) and operator_between(text) in ("product", "convolution"):
                return False
    return True


_NAME_BEFORE = lazy_compile(
    r"(?:^|[\s,;])([A-Za-z])(?:_\{?[A-Za-z]\}?)?\s*(?::=|=)\s*(?:\\left\s*)?[\[(]?\s*$"
)


def _named_before(text: str) -> str | None:
    """``h`` of ``h = \\begin{bmatrix}…``: a one-letter name before an equals sign."""
    found = _NAME_BEFORE.search(text)
    return found.group(1) if found is not None else None


def _entry_statements(
    segments: Sequence[Any], parses: Mapping[int, Any]
) -> Iterator[EntryStatement]:
    from symconv.check.parsed import Chain

    for index, parsed in parses.items():
        statements = getattr(parsed, "statements", ())
        for statement in statements:
            if not isinstance(statement, Chain) or statement.relations not in (("=",), (":=",)):
                continue
            lhs, rhs = statement.sides
            if lhs is None or rhs is None:
                continue
            key = entry_of(canonical(lhs.expr))
            if key is None or key[0].startswith("∂"):
                continue
            try:
                value = canonical(evaluated(rhs.expr))
            except (TypeError, ValueError, sp.SympifyError):
                continue
            bias = None
            if bilinear_terms(value) is None:
                split = _with_bias(value)
                if split is None:
                    continue
                value, bias = split
            segment = segments[index]
            yield EntryStatement(
                index,
                segment.line,
                segment.end_line,
                key[0],
                key[1],
                value,
                statement.text,
                bias,
                _goes_on_after(segments, index),
            )


def _with_bias(value: Any) -> tuple[sp.Expr, sp.Symbol] | None:
    """``(bilinear part, b)`` of a bilinear form plus one name ``b`` (``x_{11}w_{11} + … + b``:
    a term that is a name alone, no entry of a tensor the form reads), else None.

    >>> x, w, b = sp.symbols("x_{11} w_{11} b")
    >>> _with_bias(x * w + b)
    (w_{11}*x_{11}, b)
    >>> _with_bias(x * w + 2 * b) is None, _with_bias(x * w + x) is None
    (True, True)
    """
    terms = sp.Add.make_args(sp.expand(value))
    alone = [t for t in terms if isinstance(t, sp.Symbol)]
    if len(alone) != 1:
        return None
    bias = alone[0]
    rest = sp.Add(*(t for t in terms if t is not bias))
    found = bilinear_terms(rest)
    if not found:
        return None
    key = entry_of(bias)
    if key is not None and key[0] in tensors_of(rest):
        return None
    return rest, bias


def _named(forward: Forward, statements: Sequence[EntryStatement]) -> Forward:
    """The forward with its output's name: the name written before its matrix, else the name
    of the entries the document states equal to its entries (``h_{12} = …`` is entry (1, 2) of
    a 1-based output, or (0, 1)... of a 0-based one: the base that makes every stated entry
    one of the map's)."""
    from dataclasses import replace

    if forward.output is not None:
        return forward
    for base in (1, 0):
        names = set()
        for statement in statements:
            position = tuple(i - base for i in statement.indices)
            rows, columns = forward.output_shape
            if len(position) != 2 or not (0 <= position[0] < rows and 0 <= position[1] < columns):
                continue
            if sp.expand(forward.entries[position] - statement.value) == 0:
                names.add(statement.name)
        if len(names) == 1:
            return replace(forward, output=names.pop(), output_base=base)
    return forward


def _orders(
    displays: Sequence[PlacedDisplay],
    forwards: Sequence[Forward],
    literals: Sequence[TensorLiteral],
) -> dict[str, frozenset[str]]:
    """For each tensor the document writes as a vector, the orders every such vector is
    consistent with (two vectors in different orders: none)."""
    operands: dict[str, Operand] = {}
    for forward in forwards:
        for operand in forward.operands:
            operands.setdefault(operand.name, operand)
        if forward.output is not None:
            rows, columns = forward.output_shape
            out = Operand(forward.output, (rows, columns), forward.output_base)
            operands.setdefault(forward.output, out)
    for literal in literals:
        operands.setdefault(literal.name, Operand(literal.name, literal.shape, literal.base))
    found: dict[str, frozenset[str]] = {}
    for placed in displays:
        for matrix in placed.display.matrices:
            cells = vector_cells(matrix)
            if cells is None or len(cells) < 2:
                continue
            names = {
                key[0]
                for cell in cells
                if cell.kind == CellKind.VALUE
                and (key := entry_of(canonical(cell.value))) is not None
            }
            if len(names) != 1:
                continue
            name = names.pop()
            plain = re.sub(r"^∂.+/∂", "", name)
            known = operands.get(plain)
            if known is None:
                continue
            orders = flattening_orders(matrix, Operand(name, known.shape, known.base))
            if orders:
                found[plain] = found.get(plain, frozenset({"C", "F"})) & orders
    return found


def _star_convention(
    displays: Sequence[PlacedDisplay],
    forwards: Sequence[Forward],
    literals: Sequence[TensorLiteral],
) -> frozenset[str]:
    """What ``*`` means in the document, fixed by its own results: each operation ``A * K`` of
    two written tensors followed by the map the document writes as its result is a
    cross-correlation, a true convolution, or both (a symmetric kernel) — the readings all such
    pairs agree on (both when nothing fixes it)."""
    agreed = {"correlation", "convolution"}
    for operation in operations_with_results(displays, forwards):
        left, right, result, geometry = operation
        ops = {
            reading.op
            for reading in operation_readings(left.atoms(), right.atoms(), geometry)
            if reading.result.shape == result.entries.shape
            and (reading.result - result.entries).applyfunc(sp.expand).is_zero_matrix
        }
        if ops:
            agreed &= ops
    return frozenset(agreed)


def operations_with_results(
    displays: Sequence[PlacedDisplay], forwards: Sequence[Forward]
) -> Iterator[tuple[TensorLiteral, TensorLiteral, Forward, Geometry]]:
    """Each display ``A * K`` of two written tensors followed (in the next display) by a map
    the document writes over their entries: the operands, the map and the words around the
    operation."""
    for _, left, right, forward, geometry in _operations(displays, forwards):
        yield left, right, forward, geometry


def _operations(
    displays: Sequence[PlacedDisplay], forwards: Sequence[Forward]
) -> Iterator[tuple[PlacedDisplay, TensorLiteral, TensorLiteral, Forward, Geometry]]:
    for position, placed in enumerate(displays):
        matrices = placed.display.matrices
        operators = placed.operators()
        if len(matrices) != 2 or operators != ["convolution"]:
            continue
        left, right = (tensor_literal(m) for m in matrices)
        if left is None or right is None or position + 1 >= len(displays):
            continue
        following = displays[position + 1]
        for forward in forwards:
            names = {o.name for o in forward.operands}
            if forward.source != forward.line:
                continue  # a reading of an operation, not a map written out
            if following.line <= forward.line <= following.end_line and names == {
                left.name,
                right.name,
            }:
                geometry = geometry_around(placed)
                yield placed, left, right, forward, geometry


def geometry_around(placed: PlacedDisplay) -> Geometry:
    """What the words around a display say of its convolution: the words right after it when
    they describe it (``with a stride of 1 but a dilation of 2``), else the sentence before."""
    after = placed.words_after.lstrip()
    if re.match(r"(?i)(?:with|where|using|here)\b", after):
        stated = stated_geometry(re.split(r"(?<=[.!?。])\s", after)[0])
        if stated != Geometry():
            return stated
    return stated_geometry(placed.words_before)
