"""Rows that state a matrix the problem's own derivation names: the offsets ``o`` and the Taylor
table ``T`` of a stencil, the convolution matrix ``C``, the output ``Z`` of a given convolution.

The problem context (``--against``) knows, for each part, the matrices its derivation names
(:class:`NamedMatrix`, one per step ``name = matrix`` or ``name := matrix`` that is not the
part's answer). A row of the document giving the same name a matrix is compared with it:

* a **result** (``C = …``, ``Z = …``: the derivation's ``=``) must be the same matrix: right, or
  wrong with the first entry that differs (or the shape). A matrix with the same rows and
  columns in another order (``C`` under another ``vec`` ordering) is left to the other judges;
* a **definition** (``T := …``, ``o := …``: the derivation's ``:=``) is notation the writer
  chooses: any order of the equations, any scale of each one, and the transposed arrangement
  describe the same table (Fornberg's or LeVeque's Taylor tables differ in exactly these ways).
  It is right when one of those arrangements is the derivation's matrix, and wrong only when no
  arrangement — rows and columns in any order, rows at any scale, either orientation — can be:
  the multiset of its rows, each taken up to order and scale, differs;
* a defined matrix that no system of the derivation reads is a **list of points**, one per
  column (the offsets ``o``): right listed in any order, down or across, at one common scale
  (``h·o``); wrong when a coordinate row is rescaled alone or two rows are swapped.

A row whose left side is not a name the derivation uses is judged as the first side of the chain
of equalities it ends: ``vec(δx) = Cᵀ vec(δz) = [column]`` states the column of ``vec(δx)``.
The derivation's numbers (``\\text{value} = 6``, the maximum of ``Z``) and the formulas it writes
as rows (the truncation error ``τ = h²/12 f⁽⁴⁾(x)``) are judged the same way by
:func:`symconv.check.judges.named_values.judge_named_value`.

    >>> import sympy as sp
    >>> from symconv.check.context import DocumentContext, ProblemContext
    >>> from symconv.check.model import Claim
    >>> T = sp.Symbol("T")
    >>> table = NamedMatrix("T", sp.Matrix([[1, 1, 1], [-1, 0, 1], [1, 0, 1]]), "fd-a", True)
    >>> context, problem = DocumentContext(), ProblemContext(named={"T": table})
    >>> def verdict(rows):
    ...     claim = Claim(1, 1, "", "definition", sides=(T, sp.Matrix(rows)), relation=":=")
    ...     judgement = judge_named_matrix(claim, context, problem)
    ...     return judgement.verdict, judgement.message
    >>> verdict([[1, 1, 1], [-1, 0, 1], [sp.Rational(1, 2), 0, sp.Rational(1, 2)]])
    ('right', 'T is the matrix T of fd-a, its rows in another order or scale')
    >>> verdict([[1, -1, 1], [1, 0, 0], [1, 1, 1]])
    ('right', 'T is the matrix T of fd-a, transposed')
    >>> verdict([[1, 1, 1], [-1, 0, 1], [1, 4, 1]])
    ('wrong', 'T is not the matrix T of fd-a in any order of rows and columns or scale of rows')
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import sympy as sp

from symconv.check.context import DocumentContext, ProblemContext
from symconv.check.judges.verdicts import right, wrong
from symconv.check.model import Claim, Judgement
from symconv.check.symbols import in_written_names, object_name_key
from symconv.core.safe import as_sympy

__all__ = [
    "NamedMatrix",
    "column_key",
    "is_locations",
    "judge_named_matrix",
    "named_at",
    "named_for",
    "named_matrices",
    "system_key",
]


@dataclass(frozen=True)
class NamedMatrix:
    """A matrix a part's derivation names: its name, value, part, and whether the derivation
    defines it (``:=``, notation: rows may be reordered and rescaled, the table transposed)."""

    name: str
    value: sp.ImmutableMatrix | sp.Expr
    part: str
    defined: bool
    #: For a system ``A x = b`` the derivation solves (named ``"A x"``): the unknown's key, and
    #: ``value`` is the augmented matrix ``[A | b]`` (see :mod:`.systems`).
    unknown: str | None = None
    #: A defined matrix no system of the derivation reads is a list of points, one per column
    #: (the offsets ``o``): listed in any order, down or across, at one scale (in units of h
    #: or not) — but a coordinate row rescaled or two rows swapped are other points.
    points: bool = False
    #: The general formula the derivation first gives the name (``N_mult = C K_1 K_2 M O_1 O_2``,
    #: ``o' = s(i' − 1) − 2p + d(k − 1) + a + 1``) when ``value`` is the number it comes to.
    formula: sp.Expr | None = None

    @property
    def gives_formula(self) -> bool:
        """True when the derivation gives the name a general formula, not only a matrix or a
        number."""
        value = self.value
        if isinstance(value, sp.Tuple):  # a list of locations
            return False
        return self.formula is not None or (
            not isinstance(value, sp.MatrixBase) and not value.is_Rational
        )


def named_matrices(part_id: str, derivation: Any) -> dict[str, NamedMatrix]:
    """The matrices ``derivation`` names in its steps, by name key, its answer left out (the
    answer is judged as the answer, a family by its members: ``w`` of a stencil family)."""
    answer_key = _key(getattr(derivation, "answer_lhs", None))
    answer = getattr(derivation, "answer", None)
    # a family's declared parameters (fd-e's corner weight c): a matrix in them is the family,
    # judged by its members as an answer, never entry by entry as if c were fixed (a formula in
    # them, τ with c, is compared as written)
    parameters = set(getattr(derivation, "details", {}).get("parameters", ()))
    found: dict[str, NamedMatrix] = {}
    formulas: dict[str, sp.Expr] = {}
    head: Any = None  # the left side a continuation step (lhs None) goes on from
    for step in getattr(derivation, "steps", ()):
        if step.lhs is not None:
            head = step.lhs
        elif head is None or step.relation != "=":
            continue
        system = _system(step, found, part_id)
        if system is not None:
            found[system.name] = system
            continue
        operator = _operator(step, part_id)
        if operator is not None:
            found[text_key(operator.name)] = operator
            continue
        if step.relation not in ("=", ":=") or not _nameable(head):
            continue
        value = step.value
        key = _key(head)
        if isinstance(value, str) and step.lhs is not None and step.relation == "=":
            value = _formula(value)  # τ = h²/12 f⁽⁴⁾(x): the derivation's own LaTeX
        if is_locations(value) and key is not None and key != answer_key:
            found[key] = NamedMatrix(shown_name(head), value, part_id, False)  # ((1, 3), (2, 3))
            continue
        if not isinstance(value, (sp.MatrixBase, sp.Expr)) or key is None:
            continue
        if (
            not isinstance(value, sp.MatrixBase)
            and not value.is_Rational
            and not isinstance(step.value, str)
        ):
            if step.lhs is not None and step.relation in ("=", ":="):
                formulas.setdefault(key, value)  # N_mult = C K_1 K_2 M O_1 O_2, then its number
            continue
        if key == answer_key:
            continue
        if isinstance(value, sp.MatrixBase) and value.free_symbols & parameters:
            continue
        if (
            isinstance(answer, sp.MatrixBase)
            and isinstance(value, sp.MatrixBase)
            and answer.shape == value.shape
            and answer == value
        ):
            continue
        if isinstance(value, sp.MatrixBase):
            value = sp.ImmutableMatrix(value)
        defined = step.lhs is not None and step.relation == ":="
        found[key] = NamedMatrix(shown_name(head), value, part_id, defined)
    for key, formula in formulas.items():
        if key not in found:  # the answer's own general formula (o' = s(i' − 1) − 2p + …)
            found[key] = NamedMatrix(str(key), formula, part_id, False)
        elif not isinstance(found[key].value, sp.MatrixBase):
            found[key] = replace(found[key], formula=formula)
    tables = {
        key.removesuffix(f" {named.unknown}") for key, named in found.items() if named.unknown
    }
    return {
        key: replace(named, points=True) if named.defined and key not in tables else named
        for key, named in found.items()
    }


def _system(step: Any, found: Mapping[str, NamedMatrix], part_id: str) -> NamedMatrix | None:
    """The step ``T w = [column]`` (its left side the LaTeX of a named matrix times an unknown)
    as the augmented matrix ``[T | b]`` of a linear system, or None."""
    if not isinstance(step.lhs, str) or step.relation != "=":
        return None
    if not isinstance(step.value, sp.MatrixBase):
        return None
    from symconv.check.judges.systems import matrix_times_unknown  # (systems imports this)

    factors = matrix_times_unknown(_formula(step.lhs), step.lhs)
    if factors is None:
        return None
    table = found.get(object_name_key(factors[0]))
    if table is None or not isinstance(table.value, sp.MatrixBase) or table.unknown:
        return None
    column = sp.Matrix(step.value)
    column = column.T if column.rows == 1 else column
    if column.cols != 1 or column.rows != table.value.rows:
        return None
    augmented = sp.ImmutableMatrix(sp.Matrix.hstack(sp.Matrix(table.value), column))
    unknown = object_name_key(factors[1])
    return NamedMatrix(system_key(*factors), augmented, part_id, False, unknown)


def text_key(latex: str) -> str:
    """The key of a left side named by its LaTeX (``D_h f(x, y)``, which reads as a product):
    its text without spaces and braces, never a name's key."""
    return "text:" + re.sub(r"\s|[{}]", "", latex)


def _operator(step: Any, part_id: str) -> NamedMatrix | None:
    r"""A step ``D_h f(x, y) := \frac{1}{h^2} \sum_j w_j f(\mathbf{x} + \mathbf{o}_j h)``
    (the stencil as an operator: its left side the LaTeX of an application) as a formula keyed
    by that text, or None."""
    if not (isinstance(step.lhs, str) and isinstance(step.value, str)):
        return None
    if step.relation not in ("=", ":="):
        return None
    value = _formula(step.value)
    if not isinstance(value, sp.Expr) or isinstance(value, sp.MatrixBase) or value.is_number:
        return None
    return NamedMatrix(step.lhs, value, part_id, False)


def _formula(latex: str) -> Any:
    """A derivation's formula row read as the checker reads the writer's (None if it cannot)."""
    from symconv.check.parser import parse_expression
    from symconv.errors import ParseError

    try:
        return parse_expression(latex)
    except ParseError:
        return None


def _nameable(lhs: Any) -> bool:
    """A name (``C``) or a function of names (``vec(δx)``), not an entry or a formula."""
    if isinstance(lhs, sp.Symbol):
        return True
    return isinstance(lhs, sp.Function) and bool(lhs.args) and all(_a_name(arg) for arg in lhs.args)


def _a_name(arg: Any) -> bool:
    """``x``, or ``δx`` read as the product of two names."""
    if isinstance(arg, sp.Symbol):
        return True
    return isinstance(arg, sp.Mul) and all(isinstance(f, sp.Symbol) for f in arg.args)


def _key(name: Any) -> str | None:
    if name is None or (isinstance(name, sp.Basic) and not _nameable(name)):
        return None
    return object_name_key(name)


def judge_named_matrix(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Judgement | None:
    """The verdict on ``name = matrix`` where the problem's derivation names the matrix (None:
    not such a row, or an arrangement the judge cannot tell from the derivation's)."""
    found = named_for(claim, context, problem)
    written = claim.sides[-1] if claim.sides else None
    if found is None or not isinstance(written, sp.MatrixBase):
        return None
    lhs, named = found
    if not isinstance(named.value, sp.MatrixBase):
        return None
    expected = sp.Matrix(in_written_names(named.value, written))
    written = sp.Matrix(written)
    what = f"the matrix {named.name} of {named.part}"
    shown = shown_name(lhs)
    if named.points:
        return _judge_points(claim, shown, written, expected, what)
    if named.defined:
        return _judge_definition(claim, shown, written, expected, what)
    return _judge_result(claim, shown, written, expected, what)


def is_locations(value: Any) -> bool:
    """A tuple of index tuples (``((1, 3), (2, 3), (3, 3))``: where a maximum occurs)."""
    return (
        isinstance(value, sp.Tuple)
        and len(value) > 0
        and all(
            isinstance(item, sp.Tuple) and all(isinstance(i, sp.Integer) for i in item)
            for item in value
        )
    )


def named_for(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> tuple[Any, NamedMatrix] | None:
    """The name a row states a value of, with what the derivation names so (None if nothing):
    its left side, or the head of the chain of equalities it ends."""
    if len(claim.sides) != 2 or claim.relation not in ("=", ":="):
        return None
    lhs = claim.sides[0]
    key = _key(lhs)
    lhs_text = claim.link.lhs_text if claim.link is not None else None
    named = problem.named
    if key is None and lhs_text is not None and text_key(lhs_text) in named:
        # D_h f(x, y) := …: named by its text (shown as written)
        return sp.Symbol(lhs_text.strip()), named[text_key(lhs_text)]
    if key not in named and claim.relation == "=":
        lhs = _chain_head(claim, context)  # vec(δx) = Cᵀ vec(δz) = [column]: the column is vec(δx)
        key = _key(lhs)
    if key is None or key not in named:
        return None
    return lhs, named[key]


def _chain_head(claim: Claim, context: DocumentContext) -> Any:
    """The first side of the chain of equalities ``claim`` ends (None if a link is not ``=``)."""
    link = claim
    seen = {id(claim)}
    while link.link is not None and (previous := link.link.previous) is not None:
        earlier = context.claims.get(previous)
        if earlier is None or earlier.relation != "=" or id(earlier) in seen:
            return None
        seen.add(id(earlier))
        link = earlier
    if link is claim or not link.sides:
        return None
    return link.sides[0]


def shown_name(lhs: Any) -> str:
    return lhs.name if isinstance(lhs, sp.Symbol) else sp.latex(lhs)


def _judge_result(
    claim: Claim, shown: str, written: sp.Matrix, expected: sp.Matrix, what: str
) -> Judgement | None:
    if written.shape != expected.shape:
        rows, cols = written.shape
        return wrong(
            claim,
            f"{shown} is {rows}×{cols}; {what} is {expected.rows}×{expected.cols}",
            diagnosis="a matrix of another shape (transposed?)"
            if written.T.shape == expected.shape
            else None,
        )
    differing = [
        (i, j)
        for i in range(expected.rows)
        for j in range(expected.cols)
        if not _same(written[i, j], expected[i, j])
    ]
    if not differing:
        return right(claim, f"{shown} is {what}")
    if _rows_and_columns(written) == _rows_and_columns(expected):
        return None  # the same entries in another order of rows and columns: another vec order?
    i, j = differing[0]
    return wrong(
        claim,
        f"{shown} is not {what}: {len(differing)} "
        f"{'entry differs' if len(differing) == 1 else 'entries differ'}, the first at row "
        f"{i + 1}, column {j + 1}",
        witness=f"row {i + 1}, column {j + 1}: {sp.latex(written[i, j])} ≠ "
        f"{sp.latex(expected[i, j])}",
        expected=expected,
    )


def _judge_definition(
    claim: Claim, shown: str, written: sp.Matrix, expected: sp.Matrix, what: str
) -> Judgement | None:
    orientations = [(expected, ""), (expected.T, ", transposed")]
    for target, note in orientations:
        if written.shape != target.shape:
            continue
        if all(_same(a, b) for a, b in zip(written, target, strict=True)):
            return right(claim, f"{shown} is {what}{note}")
        if rows_rescaled(written, target):
            scaled = note or ", its rows in another order or scale"
            return right(claim, f"{shown} is {what}{scaled}")
        if _columns_reordered(written, target):
            return right(claim, f"{shown} is {what}{note}, its columns in another order")
    shaped = [target for target, _ in orientations if written.shape == target.shape]
    if not shaped:
        return None  # another size of table (more Taylor rows?): nothing to compare with
    mine = scale_free_rows(written)
    if any(mine == scale_free_rows(target) for target in shaped):
        return None  # rows the same up to order and scale, columns in another order
    return wrong(
        claim,
        f"{shown} is not {what} in any order of rows and columns or scale of rows",
        expected=expected,
    )


# A list of points, one per column (the offsets o_j of a stencil, Fornberg 1988): the same list
# whatever the order of the points, written down the columns or along the rows, and at one
# common scale (o in units of h, or h·o). Each coordinate row keeps its own meaning: a row
# rescaled alone, or two rows swapped, moves the points.
def _judge_points(
    claim: Claim, shown: str, written: sp.Matrix, expected: sp.Matrix, what: str
) -> Judgement:
    for target, note in ((expected, ""), (expected.T, ", its points listed as rows")):
        if written.shape != target.shape:
            continue
        if all(_same(a, b) for a, b in zip(written, target, strict=True)):
            return right(claim, f"{shown} is {what}{note}")
        scale = _common_scale(written, target)
        if scale is not None:
            order = ", its points in another order" if scale == 1 else f", times {scale}"
            return right(claim, f"{shown} is {what}{note}{order}")
    return wrong(
        claim,
        f"{shown} is not {what} in any order of its points, down or across",
        expected=expected,
        witness=f"its columns {_shown_columns(written)} against {_shown_columns(expected)}",
    )


def _common_scale(written: sp.Matrix, target: sp.Matrix) -> Any:
    """``c`` with ``written`` the columns of ``c · target`` in some order (None if none)."""
    candidates = {sp.cancel(as_sympy(w) / t) for w in written for t in target if t != 0}
    for scale in sorted(candidates, key=lambda c: (str(c).startswith("-"), str(c))):
        if scale != 0 and _column_keys(written) == _column_keys(sp.Matrix(scale * target)):
            return scale
    return None


def _shown_columns(matrix: sp.Matrix) -> str:
    return ", ".join(
        "(" + ", ".join(sp.latex(e) for e in matrix.col(j)) + ")" for j in range(matrix.cols)
    )


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(sp.cancel(as_sympy(a) - as_sympy(b)) == 0)
    except (TypeError, ValueError, sp.PolynomialError):
        return False


def _proportional(row: Sequence[Any], other: Sequence[Any]) -> bool:
    """``row = c · other`` for a nonzero c (same zeros; cross-multiplied, exactly)."""
    if any((a == 0) != (b == 0) for a, b in zip(row, other, strict=True)):
        return False
    pivot = next((k for k, a in enumerate(row) if a != 0), None)
    if pivot is None:
        return True
    return all(_same(row[k] * other[pivot], other[k] * row[pivot]) for k in range(len(row)))


def rows_rescaled(written: sp.Matrix, target: sp.Matrix) -> bool:
    """Every row of ``written`` a nonzero multiple of its own row of ``target``, in any order."""
    unused = [list(target.row(i)) for i in range(target.rows)]
    for i in range(written.rows):
        row = list(written.row(i))
        match = next((k for k, other in enumerate(unused) if _proportional(row, other)), None)
        if match is None:
            return False
        unused.pop(match)
    return True


def _columns_reordered(written: sp.Matrix, target: sp.Matrix) -> bool:
    """The same columns in another order (the offsets listed in another order)."""
    return _column_keys(written) == _column_keys(target)


def _column_keys(matrix: sp.Matrix) -> list[tuple[str, ...]]:
    return sorted(column_key(matrix.col(j)) for j in range(matrix.cols))


def column_key(column: sp.Matrix) -> tuple[str, ...]:
    """A column's entries, each in lowest terms: equal keys, equal columns."""
    return tuple(str(sp.cancel(e)) for e in column)


def system_key(matrix: Any, unknown: Any) -> str:
    """The key of the system ``matrix · unknown = b`` (``"T w"``): never a name's key."""
    return f"{object_name_key(matrix)} {object_name_key(unknown)}"


def _rows_and_columns(matrix: sp.Matrix) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """Each row and each column as a sorted multiset: unchanged by any order of both."""
    rows = sorted(tuple(sorted(str(e) for e in matrix.row(i))) for i in range(matrix.rows))
    columns = sorted(tuple(sorted(str(e) for e in matrix.col(j))) for j in range(matrix.cols))
    return rows, columns


def scale_free_rows(matrix: sp.Matrix) -> list[tuple[str, ...]]:
    """Each row up to the order and the scale of its entries: the least, over its nonzero
    entries p, of the sorted entries divided by p. Unchanged by any order of rows and columns
    and any nonzero scale of each row."""
    keys = []
    for i in range(matrix.rows):
        row = list(matrix.row(i))
        pivots = [p for p in row if p != 0]
        if not pivots:
            keys.append(tuple("0" for _ in row))
            continue
        keys.append(min(tuple(sorted(str(sp.cancel(e / p)) for e in row)) for p in pivots))
    return sorted(keys)


def named_at(
    part: str | None, by_part: Mapping[str, Mapping[str, NamedMatrix]]
) -> dict[str, NamedMatrix]:
    """The named matrices a row sees: those of its part; outside any part, those the parts of
    its exercise (``by_part``) agree on."""
    if part is not None and part in by_part:
        return dict(by_part[part])
    merged: dict[str, NamedMatrix] = {}
    conflicting: set[str] = set()
    for named in by_part.values():
        for key, matrix in named.items():
            if key in merged and merged[key].value != matrix.value:
                conflicting.add(key)
            merged.setdefault(key, matrix)
    return {key: matrix for key, matrix in merged.items() if key not in conflicting}
