"""Matrix claims: equalities of matrices, ``C x`` forms, and conv matrices written by hand.

* ``A B = C`` with literal matrices (the parser multiplies literals out) and any equality of two
  explicit matrices: entry by entry, exactly (symbolic entries as identities at points).
* ``z = w \\otimes x = C x``: the matrix is compared with the conv matrix the engine builds
  (:func:`symconv.conv.matrix.conv_matrix`) for the sizes the written matrix implies — kernel
  entries ``w_{ij}`` give the kernel size, columns the input size, rows the output size — as a
  correlation (the nndl book's ⊗) or, accepted with the convention named, a true convolution.
* :func:`judge_conv_matrix_claim` compares a written conv matrix with an expected one (the
  problem-context layer knows which matrix was asked): the differing rows, a diagnosis (two
  entries swapped, a transposed or flipped matrix) and a witness, e.g. for nndl 5-5:
  ``row 4 of (C − C')x = (w_{11} − w_{12})(x_{22} − x_{23})``.

    >>> import sympy as sp
    >>> from symconv.conv.matrix import conv_matrix
    >>> expected = sp.Matrix(conv_matrix((3, 3), (2, 2)))
    >>> written = expected.copy(); written[3, 4], written[3, 5] = written[3, 5], written[3, 4]
    >>> result = judge_conv_matrix_claim(written, expected)
    >>> result.equal, result.diagnosis
    (False, 'row 4: w_{12} and w_{11} are swapped (columns 5 and 6)')
    >>> print(result.witness)  # doctest: +NORMALIZE_WHITESPACE
    row 4 of (C − C')x = (w_{11} - w_{12})·(x_{22} - x_{23}), where C is the conv matrix and
    C' yours
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import sympy as sp

from symconv.check import nodes
from symconv.check.context import DocumentContext, ProblemContext
from symconv.check.judges.algebra import compare_identity
from symconv.check.judges.resolve import resolve
from symconv.check.judges.typos import related_names
from symconv.check.judges.verdicts import latex_of, right, unverified, wrong
from symconv.check.model import Claim, Judgement
from symconv.check.shown import show
from symconv.check.symbols import entry_indices
from symconv.core.safe import as_sympy

__all__ = ["MatrixComparison", "compare_matrices", "judge_conv_matrix_claim", "judge_matrix"]


@dataclass(frozen=True)
class MatrixComparison:
    """A written matrix against the expected one."""

    equal: bool
    message: str
    expected_latex: str | None = None
    diagnosis: str | None = None
    witness: str | None = None
    differing: tuple[tuple[int, int], ...] = ()
    convention: str | None = None

    def judgement(self, claim: Claim) -> Judgement:
        """This comparison as the verdict on ``claim``."""
        if self.equal:
            return right(claim, self.message)
        return wrong(
            claim,
            self.message,
            expected_latex=self.expected_latex,
            diagnosis=self.diagnosis,
            witness=self.witness,
        )


def _entries_differ(a: Any, b: Any) -> bool:
    difference = sp.expand(as_sympy(a) - as_sympy(b))
    return difference != 0


def _input_names(columns: int, shape: Sequence[int] | None, base: int = 1) -> list[sp.Symbol]:
    from symconv.core.tensors import entries

    if shape is None:
        side = math.isqrt(columns)
        shape = (side, side) if side * side == columns else (columns,)
    return list(entries("x", tuple(shape), base=base))


def compare_matrices(
    written: Any,
    expected: Any,
    *,
    row_lines: Sequence[int] | None = None,
    input_shape: Sequence[int] | None = None,
    what: str = "the expected matrix",
    applied: bool = False,
) -> MatrixComparison:
    """Entry-wise comparison with a diagnosis and a witness: for a matrix applied to x
    (``applied``, a conv matrix) the row of ``(C − C')x``, otherwise the first wrong entry."""
    written = sp.Matrix(written)
    expected = sp.Matrix(expected)
    if written.shape != expected.shape:
        if written.shape == expected.T.shape and not any(
            _entries_differ(a, b) for a, b in zip(written, expected.T, strict=True)
        ):
            return MatrixComparison(
                False,
                f"this is the transpose of {what} ({expected.rows}×{expected.cols})",
                latex_of(expected),
                diagnosis="transposed",
            )
        return MatrixComparison(
            False,
            f"the matrix is {written.rows}×{written.cols}; {what} is "
            f"{expected.rows}×{expected.cols}",
            latex_of(expected),
        )
    differing = tuple(
        (r, c)
        for r in range(written.rows)
        for c in range(written.cols)
        if _entries_differ(written[r, c], expected[r, c])
    )
    if not differing:
        return MatrixComparison(True, f"equal to {what}, entry by entry")
    rows = sorted({r for r, _ in differing})
    first = rows[0]
    line = ""
    if row_lines is not None and first < len(row_lines):
        line = f" (line {row_lines[first]})"
    if applied:
        expected_row = " ".join(show(e) for e in expected.row(first))
        message = f"row {first + 1}{line} differs from {what}: it should be {expected_row}"
        if len(rows) > 1:
            message += f" ({len(rows)} rows differ: {', '.join(str(r + 1) for r in rows)})"
        witness = _witness(written, expected, first, input_shape)
    else:
        r, c = differing[0]
        entry = f"entry ({r + 1}, {c + 1})"
        message = f"{entry}{line} is {show(written[r, c])} where {what} has {show(expected[r, c])}"
        if len(differing) > 1:
            message += f" ({len(differing)} entries differ)"
        witness = f"{entry}: {show(written[r, c])} ≠ {show(expected[r, c])}"
    return MatrixComparison(
        False,
        message,
        latex_of(expected),
        diagnosis=_diagnosis(written, expected, differing),
        witness=witness,
        differing=differing,
    )


def _diagnosis(
    written: sp.Matrix, expected: sp.Matrix, differing: Sequence[tuple[int, int]]
) -> str | None:
    if len(differing) == 2:
        (r, a), (q, b) = differing
        if not _entries_differ(written[r, a], expected[q, b]) and not _entries_differ(
            written[q, b], expected[r, a]
        ):
            pair = f"{show(written[r, a])} and {show(written[q, b])} are swapped"
            if r == q:
                return f"row {r + 1}: {pair} (columns {a + 1} and {b + 1})"
            return f"{pair} (entries ({r + 1}, {a + 1}) and ({q + 1}, {b + 1}))"
    if len(differing) == 1:
        ((r, c),) = differing
        got, want = written[r, c], expected[r, c]
        if (
            isinstance(got, sp.Symbol)
            and isinstance(want, sp.Symbol)
            and related_names(got.name, want.name)
        ):
            return f"probable typo: {got.name} where {want.name} was meant (row {r + 1})"
        if not _entries_differ(got, -want):
            return f"sign of the entry in row {r + 1}, column {c + 1}"
    flipped = expected[:, ::-1]
    if all(not _entries_differ(a, b) for a, b in zip(written, flipped, strict=True)):
        return "columns in reverse order (the kernel flipped?)"
    return None


def _witness(
    written: sp.Matrix, expected: sp.Matrix, row: int, input_shape: Sequence[int] | None
) -> str | None:
    x = _input_names(written.cols, input_shape)
    difference = sum(
        (as_sympy(expected[row, c]) - as_sympy(written[row, c])) * x[c] for c in range(written.cols)
    )
    value = sp.factor(sp.expand(difference))
    if value == 0:
        return None
    return f"row {row + 1} of (C − C')x = {show(value)}, where C is the conv matrix and C' yours"


def judge_conv_matrix_claim(
    matrix: Any,
    expected: Any,
    claim: Claim | None = None,
    *,
    row_lines: Sequence[int] | None = None,
    input_shape: Sequence[int] | None = None,
) -> MatrixComparison:
    """Compare a written conv matrix with the expected one (for the problem-context layer).

    ``row_lines`` (the line of each written row, ``claim.matrices``) lets the message name
    the line of the first wrong row; ``input_shape`` names the entries of x in the witness
    (default: square if the number of columns is a square). Call ``.judgement(claim)`` for the
    verdict.
    """
    if row_lines is None and claim is not None:
        literals = claim.matrices
        for value, lines in literals:
            if sp.Matrix(value).shape == sp.Matrix(matrix).shape:
                row_lines = lines
    return compare_matrices(
        matrix, expected, row_lines=row_lines, input_shape=input_shape, what="the conv matrix",
        applied=True,
    )  # fmt: skip


# ----------------------------------------------------------------------------------------------
# The context-free judge
# ----------------------------------------------------------------------------------------------
def judge_matrix(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Judgement | None:
    """Judge an equality with matrices on both sides, or ``w ⊗ x = C x``."""
    if len(claim.sides) != 2:
        return None
    for conv, other in (claim.sides, claim.sides[::-1]):
        if isinstance(conv, nodes.Convolution):
            return _conv_form(claim, conv, other)
    lhs, _ = resolve(claim.sides[0], claim, context, problem, matrices=True)
    rhs, _ = resolve(claim.sides[1], claim, context, problem, matrices=True)
    collapsed = _scalar_if_1x1(lhs), _scalar_if_1x1(rhs)
    if collapsed != (lhs, rhs) and not any(isinstance(v, sp.MatrixBase) for v in collapsed):
        from symconv.check.judges.algebra import judge_algebra
        from symconv.check.judges.arithmetic import judge_arithmetic

        scalar = replace(claim, sides=collapsed)
        return judge_arithmetic(scalar, context, problem) or judge_algebra(scalar, context, problem)
    if isinstance(lhs, sp.MatrixBase) and isinstance(rhs, sp.MatrixBase):
        if claim.relation not in ("=", "≡"):
            return unverified(claim, f"the relation {claim.relation} between matrices")
        return _explicit(claim, context, lhs, rhs)
    if claim.kind == "matrix":
        return unverified(claim, "a matrix formula whose sides are not both explicit matrices")
    return None


def _scalar_if_1x1(value: Any) -> Any:
    """A row times a column is a number: ``[1, 2][x, y]^T = x + 2y``."""
    if isinstance(value, sp.MatrixBase) and value.shape == (1, 1):
        return value[0, 0]
    return value


def _explicit(claim: Claim, context: DocumentContext, lhs: Any, rhs: Any) -> Judgement:
    lines = _row_lines(claim, rhs)
    comparison = compare_matrices(rhs, lhs, row_lines=lines, what="the left side")
    if not comparison.equal and not comparison.differing:
        return comparison.judgement(claim)
    symbolic = [(r, c) for r, c in comparison.differing if (lhs[r, c] - rhs[r, c]).free_symbols]
    if symbolic:
        # Symbolic entries: an identity per entry (expand can miss e.g. trigonometric ones).
        rng = context.rng_for(claim.line, claim.text)
        still = []
        for r, c in comparison.differing:
            result = compare_identity(lhs[r, c], rhs[r, c], rng)
            if result.equal is None:
                return unverified(claim, f"entry ({r + 1}, {c + 1}): {result.reason}")
            if not result.equal:
                still.append((r, c))
        if not still:
            return right(claim, "equal entry by entry")
    return comparison.judgement(claim)


def _row_lines(claim: Claim, value: Any) -> Sequence[int] | None:
    for literal, lines in claim.matrices:
        if sp.Matrix(literal).shape == sp.Matrix(value).shape:
            return lines
    return None


def _conv_form(claim: Claim, conv: nodes.Convolution, other: Any) -> Judgement:
    """``w ⊗ x = C x``: the written C against the conv matrix of the sizes it implies."""
    literals = claim.matrices
    if not literals:
        return unverified(claim, "a convolution written without its matrix")
    if any(isinstance(operand, sp.MatrixBase) for operand in conv.args[:2]):
        # [X] * [W] = [y_{11} …]: the written tensors' convolution names the result's entries
        # (the document's map, read with what its words say * is: document_forward)
        return unverified(
            claim, "a convolution of written matrices that names its result: it defines them"
        )
    matrix, lines = literals[-1]
    matrix = sp.Matrix(matrix)
    kernel_name = str(conv.args[0])
    kernel = _kernel_shape(matrix, kernel_name)
    if kernel is None:
        return unverified(
            claim,
            f"the matrix's entries do not name the kernel {kernel_name} as {kernel_name}_{{ij}}",
        )
    shapes = _input_shapes(matrix.rows, matrix.cols, kernel)
    if not shapes:
        return unverified(
            claim,
            f"no input size gives a {matrix.rows}×{matrix.cols} conv matrix for a "
            f"{'×'.join(map(str, kernel))} kernel (stride 1, no padding)",
        )
    from symconv.conv.matrix import conv_matrix

    base = 1 if all(i >= 1 for i in _kernel_indices(matrix, kernel_name)) else 0
    results = []
    # Every input shape the matrix's size allows (3×4 and 4×3 both give 6×12 for a 2×2
    # kernel), as a correlation (the book's ⊗) and as a true convolution.
    for shape in shapes:
        for op in ("correlation", "convolution"):
            expected = sp.Matrix(conv_matrix(shape, kernel, op=op, base=base))
            expected = expected.xreplace(_renamed(expected, kernel_name, matrix))
            comparison = compare_matrices(
                matrix, expected, row_lines=lines, input_shape=shape,
                what=f"the conv matrix ({op})", applied=True,
            )  # fmt: skip
            if comparison.equal:
                convention = (
                    "" if op == "correlation" else " (true convolution: the kernel flipped)"
                )
                return right(claim, f"the conv matrix of {_sizes(shape, kernel)}{convention}")
            results.append(comparison)
    best = min(results, key=lambda c: len(c.differing) if c.differing else 10**6)
    return best.judgement(claim)


def _sizes(shape: Sequence[int], kernel: Sequence[int]) -> str:
    if len(shape) == 1:
        return f"an input of length {shape[0]} and a kernel of length {kernel[0]}"
    return f"a {'×'.join(map(str, shape))} input and a {'×'.join(map(str, kernel))} kernel"


def _renamed(matrix: sp.Matrix, name: str, written: sp.Matrix) -> dict[Any, Any]:
    """The engine's kernel entries (``w_{12}``, ``w_{1}``) spelled as the writer spells them
    (``k_{12}``, ``w_1``): the same base and indices."""
    spelled = {}
    for symbol in written.free_symbols:
        parsed = entry_indices(symbol.name) if isinstance(symbol, sp.Symbol) else None
        if parsed is not None:
            spelled[parsed] = symbol
    mapping = {}
    for symbol in matrix.free_symbols:
        parsed = entry_indices(symbol.name) if isinstance(symbol, sp.Symbol) else None
        if parsed is None or parsed[0] != "w":
            continue
        target = spelled.get((name, parsed[1]))
        mapping[symbol] = target if target is not None else sp.Symbol(name + symbol.name[1:])
    return mapping


def _kernel_indices(matrix: sp.Matrix, name: str) -> list[int]:
    found: list[int] = []
    for entry in matrix:
        for symbol in entry.free_symbols:
            parsed = entry_indices(symbol.name) if isinstance(symbol, sp.Symbol) else None
            if parsed is not None and parsed[0] == name:
                found.extend(parsed[1])
    return found


def _kernel_shape(matrix: sp.Matrix, name: str) -> tuple[int, ...] | None:
    indices = []
    for entry in matrix:
        for symbol in entry.free_symbols:
            parsed = entry_indices(symbol.name) if isinstance(symbol, sp.Symbol) else None
            if parsed is not None and parsed[0] == name:
                indices.append(parsed[1])
    if not indices or len({len(i) for i in indices}) != 1:
        return None
    lows = [min(i[a] for i in indices) for a in range(len(indices[0]))]
    highs = [max(i[a] for i in indices) for a in range(len(indices[0]))]
    if any(low not in (0, 1) for low in lows):
        return None
    return tuple(high - low + 1 for low, high in zip(lows, highs, strict=True))


def _input_shapes(rows: int, cols: int, kernel: Sequence[int]) -> list[tuple[int, ...]]:
    """The input shapes whose valid correlation with ``kernel`` has ``rows`` outputs and whose
    size is ``cols``."""
    if len(kernel) == 1:
        return [(cols,)] if cols - kernel[0] + 1 == rows else []
    if len(kernel) != 2:
        return []
    return [
        (h, cols // h)
        for h in range(1, cols + 1)
        if cols % h == 0
        and (h - kernel[0] + 1) * (cols // h - kernel[1] + 1) == rows
        and h >= kernel[0]
        and cols // h >= kernel[1]
    ]
