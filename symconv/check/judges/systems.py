"""A linear system the problem's derivation solves, written with the document's own matrix: the
moment conditions ``T w = b`` of a stencil, ``T`` the Taylor table as the document defined it.

The row is a statement about the unknown ``w``: which weights satisfy it. It is right when it
has exactly the solutions of the derivation's system ``T₀ w = b₀`` — whatever order and scale
the writer gave its equations, however many redundant rows it keeps — and wrong when its
solutions differ. Two consistent systems in the same unknowns have the same solution set
exactly when their augmented matrices have the same row space (Strang, *Introduction to Linear
Algebra*, §3.3: elimination brings both to the same reduced row echelon form):

    rank [T | b] = rank [T₀ | b₀] = rank [T | b ; T₀ | b₀].

The witness is the derivation's own solution (its free parameters at 0) put into the
document's system: ``T w − b`` has a nonzero row. A table ``T`` defined with its columns in
another order (the offsets listed in another order) is compared with the derivation's columns in
that order. A system written with a table already judged wrong is left unverified: the error is
reported once, on the table's line.

    >>> import sympy as sp
    >>> from symconv.check.context import DocumentContext, ProblemContext
    >>> from symconv.check.judges.named import NamedMatrix
    >>> from symconv.check.model import Claim, LinkFacts, Origin
    >>> T, w = sp.symbols("T w")
    >>> table = sp.Matrix([[1, 1, 1], [-1, 0, 1], [sp.Rational(1, 2), 0, sp.Rational(1, 2)]])
    >>> system = NamedMatrix("T w", sp.ImmutableMatrix(table.row_join(sp.Matrix([0, 0, 1]))),
    ...                      "fd-a", False, "w")
    >>> def verdict(written_table, column):
    ...     context, problem = DocumentContext(), ProblemContext(named={"T w": system})
    ...     context.define(T, sp.Matrix(written_table), line=1, scope=1, order=1)
    ...     claim = Claim(2, 2, "", "matrix", sides=(T * w, sp.Matrix(column)), relation="=",
    ...                   facts=LinkFacts("T w", ""), origin=Origin(id=2, scope=1))
    ...     judgement = judge_system(claim, context, problem)
    ...     return judgement.verdict, judgement.message
    >>> verdict(table, [0, 0, 1])
    ('right', 'T w = [0, 0, 1] is the system T w = b of fd-a (the same solutions)')
    >>> print(verdict(table.T, [0, 0, 1])[1])  # doctest: +NORMALIZE_WHITESPACE
    T w = [0, 0, 1] is not the system T w = b of fd-a: fd-a's w = [1, -2, 1] gives
    T w = [7/2, 1, -1/2] ≠ [0, 0, 1]
    >>> print(verdict(table, [0, 1, 0])[1])  # doctest: +NORMALIZE_WHITESPACE
    T w = [0, 1, 0] is not the system T w = b of fd-a: fd-a's w = [1, -2, 1] gives
    T w = [0, 0, 1] ≠ [0, 1, 0]
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from symconv.check.context import DocumentContext, ProblemContext
from symconv.check.judges.named import (
    NamedMatrix,
    column_key,
    rows_rescaled,
    scale_free_rows,
    system_key,
)
from symconv.check.judges.resolve import resolve
from symconv.check.judges.verdicts import right, unverified, wrong
from symconv.check.model import Claim, Judgement
from symconv.check.symbols import in_written_names, object_name_key

__all__ = ["judge_system", "matrix_times_unknown"]


def matrix_times_unknown(product: Any, text: str) -> tuple[sp.Symbol, sp.Symbol] | None:
    """The two names of ``T w`` in the order ``text`` writes them (None: not a product of two
    names). The parser's product commutes; the written order says which factor is on the left."""
    if not isinstance(product, sp.Mul) or len(product.args) != 2:
        return None
    if not all(isinstance(f, sp.Symbol) for f in product.args):
        return None
    first, second = product.args
    at_first, at_second = _position(text, first), _position(text, second)
    if at_first is None or at_second is None or at_first == at_second:
        return None
    return (first, second) if at_first < at_second else (second, first)


def _position(text: str, name: sp.Symbol) -> int | None:
    """Where ``name`` is first written in ``text`` (its bare name or its key)."""
    spellings = {name.name, object_name_key(name)}
    found = [text.find(s) for s in spellings if s and text.find(s) >= 0]
    return min(found) if found else None


def judge_system(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Judgement | None:
    """The verdict on ``T w = b`` where the derivation solves a system in ``T`` and ``w``."""
    if len(claim.sides) != 2 or claim.relation != "=":
        return None
    lhs_text = claim.link.lhs_text if claim.link is not None else None
    factors = matrix_times_unknown(claim.sides[0], lhs_text or claim.text)
    if factors is None:
        return None
    table_name, unknown = factors
    system = problem.named.get(system_key(table_name, unknown))
    if system is None or system.unknown is None:
        return None
    table, used = resolve(table_name, claim, context, problem, matrices=True)
    free, _ = resolve(unknown, claim, context, problem, matrices=True)
    column, _ = resolve(claim.sides[1], claim, context, problem, matrices=True)
    if not isinstance(table, sp.MatrixBase) or isinstance(free, sp.MatrixBase):
        return None  # T not written out yet, or w already known (a product to multiply out)
    if not isinstance(column, sp.MatrixBase):
        return None
    wrong_tables = context.wrong_definitions(used)
    if wrong_tables:  # the error is reported once, where the table was written
        line = wrong_tables[0].line
        return unverified(claim, f"its table {table_name} is the one on line {line}, judged wrong")
    return _compare(claim, sp.Matrix(table), _as_column(column), system)


def _as_column(matrix: sp.MatrixBase) -> sp.Matrix:
    return sp.Matrix(matrix).T if matrix.rows == 1 else sp.Matrix(matrix)


def _compare(claim: Claim, table: sp.Matrix, column: sp.Matrix, system: NamedMatrix) -> Judgement:
    # the engine's h_m is the writer's h_{m}: the derivation's system in the written names
    written_names = sp.Tuple(sp.ImmutableMatrix(table), sp.ImmutableMatrix(column))
    expected = sp.Matrix(in_written_names(system.value, written_names))
    unknowns = expected.cols - 1
    shown = (claim.link.lhs_text if claim.link is not None else None) or system.name
    what = f"the system {system.name} = b of {system.part}"
    if table.cols != unknowns:
        hint = " (the table transposed?)" if table.rows == unknowns else ""
        return wrong(
            claim,
            f"{shown} = {_listed(column)}: the table has {table.cols} columns, but {system.part}'s "
            f"{system.unknown} has {unknowns} entries{hint}",
            diagnosis="a table of another shape" + hint,
        )
    if column.cols != 1 or column.rows != table.rows:
        return wrong(
            claim,
            f"{shown} = …: the table has {table.rows} rows and the right side "
            f"{column.rows}×{column.cols} entries",
        )
    order = _column_order(table, expected[:, :unknowns])
    if order is None:
        return unverified(claim, f"the columns of the table are not those of {what} in any order")
    expected = expected[:, [*order, unknowns]]
    written = table.row_join(column)
    if _same_row_space(written, expected):
        return right(claim, f"{shown} = {_listed(column)} is {what} (the same solutions)")
    derived = expected[:, :unknowns]
    if _same_rows_in_any_order(table, derived) and not rows_rescaled(table, derived):
        # rows rescaled and columns reordered both: which offset is which column is not known
        return unverified(claim, f"its table is that of {what} with the columns in another order")
    reason = _witness(shown, table, column, expected, system)
    return wrong(claim, f"{shown} = {_listed(column)} is not {what}: {reason}", witness=reason)


def _column_order(table: sp.Matrix, expected: sp.Matrix) -> list[int] | None:
    """The derivation's columns in the order the written table has them: as they are, or — when
    the written columns are the derivation's, each once, in another order — that order."""
    keys = [column_key(expected.col(j)) for j in range(expected.cols)]
    written = [column_key(table.col(j)) for j in range(table.cols)]
    if sorted(written) != sorted(keys) or len(set(keys)) != len(keys):
        return list(range(expected.cols))  # compared as written; row operations are allowed
    return [keys.index(key) for key in written]


def _same_rows_in_any_order(table: sp.Matrix, expected: sp.Matrix) -> bool:
    """The same rows up to the order and scale of rows and the order of columns."""
    return table.shape == expected.shape and scale_free_rows(table) == scale_free_rows(expected)


def _same_row_space(a: sp.Matrix, b: sp.Matrix) -> bool:
    rank = a.rank(simplify=True)
    return rank == b.rank(simplify=True) == a.col_join(b).rank(simplify=True)


def _witness(
    shown: str, table: sp.Matrix, column: sp.Matrix, expected: sp.Matrix, system: NamedMatrix
) -> str:
    """What is wrong with the written system: it has no solution, or the derivation's solution
    does not satisfy it, or it has more solutions."""
    if table.rank(simplify=True) != table.row_join(column).rank(simplify=True):
        return "it has no solution"
    unknowns = expected.cols - 1
    solution = _a_solution(expected[:, :unknowns], expected[:, unknowns])
    if solution is not None:
        product = (table * solution).applyfunc(sp.cancel)
        if product != column:
            return (
                f"{system.part}'s {system.unknown} = {_listed(solution)} gives {shown} = "
                f"{_listed(product)} ≠ {_listed(column)}"
            )
    return f"it has other solutions too: it does not determine {system.unknown}"


def _a_solution(table: sp.Matrix, column: sp.Matrix) -> sp.Matrix | None:
    """One solution of ``table x = column`` (free parameters set to 0), or None."""
    try:
        solution, parameters = table.gauss_jordan_solve(column)
    except ValueError:
        return None
    return solution.xreplace({p: 0 for p in parameters})


def _listed(column: sp.Matrix) -> str:
    return "[" + ", ".join(str(e) for e in column) + "]"
