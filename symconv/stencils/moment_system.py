"""The Taylor-moment system of a stencil, solved exactly, with its whole solution family.

For offsets ``o_j`` (rational, ``d`` dimensions) and an operator ``L = Σ_{|β|=n} c_β ∂^β``, a
stencil of accuracy ``p`` is a solution of the linear system (see :mod:`symconv.stencils.taylor`)

    Σ_j w_j o_j^α / α! = c_α      for every multi-index |α| < n + p,

one equation per ``α`` (the rows of the Taylor table; LeVeque 2007, §1.5). When the system has
rank below the number of offsets, the solutions form an affine family
``w = w⁰ + Σ_k t_k v_k``; we return all of it — never one member chosen silently. The free
parameters are the weights at the non-pivot offsets of the row echelon form (pivots are taken
left to right in the given offset order), so ``t_k`` *is* the weight at its offset.

Elimination is exact (``fractions.Fraction``) and incremental: degree ``d`` is added only if the
system stays consistent, so asking for the highest accuracy adds degrees until one fails
(the approach of pystencils' ``FiniteDifferenceStencilDerivation``, here in exact rationals).

    >>> from symconv.stencils.taylor import DiffOperator
    >>> solution = solve_moment_system([(-1,), (0,), (1,)], DiffOperator.from_spec(2))
    >>> solution.accuracy, solution.particular
    (2, [Fraction(1, 1), Fraction(-2, 1), Fraction(1, 1)])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from symconv.errors import DerivationError
from symconv.stencils.taylor import DiffOperator, MultiIndex, factorial_of, multi_indices

Row = list[Fraction]


@dataclass
class EchelonSystem:
    """A consistent linear system kept in row echelon form, one exact row at a time.

    Each stored row is normalised (pivot entry 1) and has zeros in the pivot columns of the rows
    stored before it; ``rhs`` holds the right-hand sides.
    """

    columns: int
    rows: list[Row] = field(default_factory=list)
    rhs: list[Fraction] = field(default_factory=list)
    pivots: list[int] = field(default_factory=list)

    def copy(self) -> EchelonSystem:
        return EchelonSystem(self.columns, [r[:] for r in self.rows], self.rhs[:], self.pivots[:])

    def add(self, row: Sequence[Fraction], value: Fraction) -> bool:
        """Add ``row · w = value``; False (and nothing stored) if it contradicts the system."""
        reduced = list(row)
        target = value
        for stored, stored_value, pivot in zip(self.rows, self.rhs, self.pivots, strict=True):
            factor = reduced[pivot]
            if factor:
                for column in range(pivot, self.columns):
                    if stored[column]:
                        reduced[column] -= factor * stored[column]
                target -= factor * stored_value
        first = next((c for c in range(self.columns) if reduced[c]), None)
        if first is None:
            return target == 0
        pivot = first
        scale = reduced[pivot]
        if scale != 1:
            reduced = [entry / scale for entry in reduced]
            target /= scale
        self.rows.append(reduced)
        self.rhs.append(target)
        self.pivots.append(pivot)
        return True

    def solve(self) -> tuple[Row, list[Row], list[int]]:
        """Back substitution: a particular solution (free weights 0), a null-space basis
        (one vector per free column, 1 at that column) and the free columns."""
        free = [c for c in range(self.columns) if c not in set(self.pivots)]
        order = sorted(range(len(self.rows)), key=lambda i: self.pivots[i], reverse=True)

        def back_substitute(values: Row, rhs: Sequence[Fraction]) -> Row:
            for i in order:
                row, pivot = self.rows[i], self.pivots[i]
                total = rhs[i]
                for column in range(pivot + 1, self.columns):
                    if row[column] and values[column]:
                        total -= row[column] * values[column]
                values[pivot] = total
            return values

        zero = Fraction(0)
        particular = back_substitute([zero] * self.columns, self.rhs)
        basis = []
        for column in free:
            start = [zero] * self.columns
            start[column] = Fraction(1)
            basis.append(back_substitute(start, [zero] * len(self.rows)))
        return particular, basis, free


def moment_row(offsets: Sequence[Sequence[Fraction]], alpha: MultiIndex) -> Row:
    """The Taylor-table row of ``α``: ``o_j^α / α!`` for every offset."""
    denominator = factorial_of(alpha)
    row = []
    for offset in offsets:
        value = Fraction(1, denominator)
        for coordinate, power in zip(offset, alpha, strict=True):
            if power:
                value *= coordinate**power
        row.append(value)
    return row


@dataclass(frozen=True)
class MomentSolution:
    """``w = particular + Σ_k t_k basis[k]``, ``t_k`` the weight at offset ``free[k]``;
    every member has accuracy at least ``accuracy``."""

    accuracy: int
    particular: Row
    basis: list[Row]
    free: list[int]
    rank: int
    equations: int


def solve_moment_system(
    offsets: Sequence[Sequence[Fraction]],
    operator: DiffOperator,
    accuracy: int | None = None,
    *,
    constraints: Sequence[tuple[Row, Fraction]] = (),
) -> MomentSolution:
    """Solve the moment system for ``accuracy`` (or the highest accuracy the offsets reach).

    ``constraints`` are extra linear conditions ``row · w = value`` imposed first (symmetry,
    zero weights). Raises :class:`DerivationError` naming the degree that fails.
    """
    n, dims = operator.order, operator.dims
    system = EchelonSystem(len(offsets))
    for row, value in constraints:
        if not system.add(row, value):
            raise DerivationError("the extra constraints on the weights contradict each other")
    equations = len(constraints)
    target_degree = None if accuracy is None else n + accuracy
    degree = 0
    bound = n + 2 * len(offsets) + 2
    while target_degree is None or degree < target_degree:
        trial = system.copy()
        consistent = True
        alphas = multi_indices(degree, dims)
        for alpha in alphas:
            if not trial.add(moment_row(offsets, alpha), operator.coefficient(alpha)):
                consistent = False
                break
        if not consistent:
            if degree <= n:
                raise DerivationError(
                    f"the offsets {format_offsets(offsets)} cannot approximate {operator.name}: "
                    f"the Taylor-moment equations of degree {degree} have no solution"
                )
            if target_degree is not None:
                raise DerivationError(
                    f"the offsets {format_offsets(offsets)} reach accuracy {degree - n} at most "
                    f"for {operator.name} (the moment equations of degree {degree} contradict the "
                    f"lower ones); accuracy {accuracy} was asked for"
                )
            break
        system = trial
        equations += len(alphas)
        degree += 1
        if degree > bound:
            raise DerivationError(
                f"the moment system for {operator.name} on {format_offsets(offsets)} stays "
                f"consistent beyond degree {bound}: the weights vanish"
            )
    particular, basis, free = system.solve()
    return MomentSolution(degree - n, particular, basis, free, len(system.pivots), equations)


def format_offsets(offsets: Sequence[Sequence[Fraction]]) -> str:
    """``[-1, 0, 1]`` in 1-D, ``[(-1, 0), (0, 0), …]`` in N-D, fractions as ``1/2``."""
    if all(len(o) == 1 for o in offsets):
        return "[" + ", ".join(str(o[0]) for o in offsets) + "]"
    return "[" + ", ".join("(" + ", ".join(str(c) for c in o) + ")" for o in offsets) + "]"
