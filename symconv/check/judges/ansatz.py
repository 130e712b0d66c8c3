"""Equations in the unknown weights of a stencil ansatz, with the weights the ansatz determines.

A finite-difference text assumes ``∂_x f_i = a_{-2} f_{i-2} + … + a_2 f_{i+2}`` (an *ansatz*:
the ``a_m`` are unknowns) and then writes the equations they satisfy (``0 = a_{-2} + a_{-1} + a_0
+ a_1 + a_2``, ``1 = -2a_{-2} - a_{-1} + a_1 + 2a_2``, …). The ansatz determines its weights: the
``N`` weights of an ``N``-point stencil of the ``p``-th derivative that make it exact for
polynomials of degree ``N − 1`` are unique (Fornberg 1988, :func:`~symconv.stencils.fornberg.
fornberg_weights`), ``a_m = w_m / Δx^p``. An equation in the ``a_m`` alone is then decided
exactly:

* it holds with ``a_m = w_m s`` for every scale ``s`` (a homogeneous equation the weights
  satisfy): *right*;
* it holds for the weights per unit step (``s = 1``, the equations of such texts are written
  "absorbing the powers of Δx"): *right*, saying so;
* it holds for no positive scale: *wrong*, the weights are the witness;
* it holds only for another step: *unverified* (the reading of the step decides).

    >>> ansatz = read_ansatz(*_example())
    >>> ansatz.derivative, ansatz.weights
    (1, {a[-1]: -1/2, a_0: 0, a_1: 1/2})
    >>> print(ansatz.describe())
    a_{-1} = -0.5, a_{0} = 0, a_{1} = 0.5 (per unit step)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from symconv.check import nodes
from symconv.check.context import DocumentContext, ProblemContext, claim_id, claim_scope
from symconv.check.judges.verdicts import right, unverified, wrong
from symconv.check.model import Claim, Judgement
from symconv.check.shown import format_value
from symconv.stencils.fornberg import fornberg_weights

__all__ = ["Ansatz", "judge_ansatz_equation", "read_ansatz"]


@dataclass(frozen=True)
class Ansatz:
    """An assumed stencil: the derivative it approximates, its unknowns by offset, and the
    weights (per unit step) that the unknowns take."""

    derivative: int
    offsets: dict[Any, int]  # unknown → offset m of f_{i+m}
    weights: dict[Any, sp.Rational]  # unknown → w_m (a_m = w_m / Δx^p)
    line: int

    def describe(self) -> str:
        ordered = sorted(self.offsets, key=lambda unknown: self.offsets[unknown])
        shown = ", ".join(f"{_unknown_name(u)} = {format_value(self.weights[u])}" for u in ordered)
        return f"{shown} (per unit step)"


def _unknown_name(unknown: Any) -> str:
    if isinstance(unknown, sp.Indexed):
        return f"{unknown.base.label}_{{{', '.join(map(str, unknown.indices))}}}"
    stem, _, index = str(unknown).partition("_")
    return f"{stem}_{{{index.strip('{}')}}}" if index else stem


def _derivative_order(lhs: Any) -> tuple[int, Any] | None:
    """``(p, sample)`` for ``∂_x^p f_i`` (the derivative of one grid sample, or of ``f``)."""
    if isinstance(lhs, sp.Derivative) and len(lhs.variables) >= 1:
        return len(lhs.variables), lhs.expr
    if isinstance(lhs, nodes.Partial):
        return None
    return None


def _is_unknown(factor: Any) -> bool:
    """A weight's name: ``a_1`` (a symbol) or ``a_{-1}`` (an entry with a constant index)."""
    if isinstance(factor, sp.Symbol):
        return True
    return isinstance(factor, sp.Indexed) and all(
        isinstance(index, sp.Integer) for index in factor.indices
    )


def read_ansatz(lhs: Any, rhs: Any, line: int = 0) -> Ansatz | None:
    """The ansatz ``∂_x^p f_i = Σ_m a_m f_{i+m}``, or None if ``lhs = rhs`` is not one (each
    term one unknown times one sample of the differentiated function at a distinct integer
    offset, more samples than the derivative's order)."""
    found = _derivative_order(lhs)
    if found is None or not isinstance(rhs, sp.Add):
        return None
    derivative, sample = found
    if not isinstance(sample, sp.Indexed) or len(sample.indices) != 1:
        return None
    (base_index,) = sample.indices
    if not isinstance(base_index, sp.Symbol):
        return None
    offsets: dict[Any, int] = {}
    for term in rhs.args:
        samples = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.Indexed)]
        points = [f for f in samples if f.base == sample.base]
        rest = [f for f in sp.Mul.make_args(term) if f not in points]
        if len(points) != 1 or len(rest) != 1 or not _is_unknown(rest[0]):
            return None
        offset = sp.expand(points[0].indices[0] - base_index)
        if not offset.is_Integer or rest[0] in offsets or int(offset) in offsets.values():
            return None  # a weight or a point written twice: not a stencil to solve
        offsets[rest[0]] = int(offset)
    if len(offsets) <= derivative:
        return None
    ordered = sorted(offsets, key=lambda unknown: offsets[unknown])
    weights = fornberg_weights(derivative, [sp.Integer(offsets[u]) for u in ordered])
    return Ansatz(
        derivative,
        offsets,
        {u: sp.Rational(w) for u, w in zip(ordered, weights, strict=True)},
        line,
    )


def _example() -> tuple[Any, Any]:
    f, a, i, x = sp.IndexedBase("f"), sp.IndexedBase("a"), sp.Symbol("i"), sp.Symbol("x")
    a0, a1 = sp.Symbol("a_0"), sp.Symbol("a_1")
    return sp.Derivative(f[i], x), a[-1] * f[i - 1] + a0 * f[i] + a1 * f[i + 1]


def _ansatz_for(claim: Claim, context: DocumentContext) -> Ansatz | None:
    """The latest ansatz assumed before ``claim`` whose unknowns the claim uses."""
    names = claim.sides
    used: set[Any] = set()
    for side in names:
        if isinstance(side, sp.Basic):
            used |= side.free_symbols | set(side.atoms(sp.Indexed))
    for assumption in reversed(
        context.assumptions_before(order=claim_id(claim), scope=claim_scope(claim))
    ):
        ansatz = read_ansatz(assumption.lhs, assumption.rhs, assumption.line)
        if ansatz is not None and used & set(ansatz.offsets):
            return ansatz
    return None


def judge_ansatz_equation(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Judgement | None:
    """Decide an equation in an ansatz's unknowns alone, of numbers or of matrices (``(0, 1,
    0)^T = M (a_{-1}, a_0, a_1)^T``), entry by entry (see the module's docstring)."""
    if len(claim.sides) != 2 or claim.relation != "=":
        return None
    ansatz = _ansatz_for(claim, context)
    if ansatz is None:
        return None
    scale = sp.Dummy("s", positive=True)
    values = {u: w * scale for u, w in ansatz.weights.items()}
    sides = []
    for side in claim.sides:
        if isinstance(side, sp.MatrixBase):
            sides.append(sp.Matrix(side).xreplace(values))
        elif isinstance(side, sp.Expr):
            sides.append(sp.Matrix([[side.xreplace(values)]]))
        else:
            return None
    lhs, rhs = sides
    if lhs.shape != rhs.shape:
        return None
    entries = [sp.expand(entry) for entry in lhs - rhs]
    if any(entry.free_symbols - {scale} for entry in entries):
        return None  # other unknowns or names: not an equation in the weights alone
    weights = f"the weights the ansatz of line {ansatz.line} determines, {ansatz.describe()}"
    if all(entry == 0 for entry in entries):
        return right(claim, f"holds for {weights}, whatever the step")
    if all(entry.xreplace({scale: 1}) == 0 for entry in entries):
        return right(
            claim,
            f"holds for {weights}, as the equation is written without the step (Δx = 1)",
        )
    steps: set[Any] | None = None
    for entry in entries:
        if entry != 0:
            roots = {r for r in sp.solve(entry, scale) if r.is_positive}
            steps = roots if steps is None else steps & roots
    at_unit = [(lhs[k], rhs[k]) for k in range(len(entries)) if entries[k].xreplace({scale: 1})]
    left, right_side = (sp.nsimplify(v.xreplace({scale: 1})) for v in at_unit[0])
    where = ""
    if lhs.shape != (1, 1):
        k = next(k for k in range(len(entries)) if entries[k].xreplace({scale: 1}) != 0)
        where = f"entry {k // lhs.shape[1] + 1}, {k % lhs.shape[1] + 1}: "
    if not steps:
        return wrong(
            claim,
            f"false for {weights}: {where}the left side is {format_value(left)}, "
            f"the right side {format_value(right_side)}, and no step makes them equal",
            witness=f"{ansatz.describe()}: {format_value(right_side)} ≠ {format_value(left)}",
        )
    step = format_value(1 / next(iter(steps)))
    return unverified(
        claim,
        f"holds for the weights of the ansatz of line {ansatz.line} only with a step "
        f"{step}; the equation does not say which step it means",
    )
