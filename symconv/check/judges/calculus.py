"""Derivative claims: the left side's derivative is computed with SymPy and compared.

* scalar: ``\\sigma'(z) = \\sigma(z)(1 - \\sigma(z))``, ``\\tanh'(z) = 1 - \\tanh^2(z)``,
  ``\\frac{d}{dx}(x^2 e^x) = …``, or the derivative of a name the document defined
  (``L = \\frac12 (y - t)^2``, then ``\\frac{\\partial L}{\\partial y} = y - t``);
* vector: ``\\frac{\\partial y_i}{\\partial z_j} = y_i(\\delta_{ij} - y_j)`` with
  ``y = \\mathrm{softmax}(z)`` and ``\\frac{\\partial L}{\\partial z} = y - t`` under
  ``\\sum_i t_i = 1``, read at length 3 (:mod:`.vectors`) for every value of the indices.

Gradient entries of an index formula (``\\frac{\\partial J}{\\partial W[k_1,k_2,n,m]}``) are not
judged here: the problem-context layer compares them with the problem's formula.

    >>> import sympy as sp
    >>> from symconv.check.context import DocumentContext
    >>> from symconv.check.model import Claim
    >>> z = sp.Symbol("z"); sigma = sp.Function("sigma")
    >>> claim = Claim(57, 57, "", "derivative", sides=(sp.Derivative(sigma(z), z),
    ...                                                 sigma(z) * (1 + sigma(z))))
    >>> j = judge_derivative(claim, DocumentContext())
    >>> j.verdict, j.witness
    ('wrong', 'z = 0: 0.75 ≠ 0.25')
    >>> print(j.expected_latex)
    \\left(1 - \\sigma{\\left(z \\right)}\\right) \\sigma{\\left(z \\right)}
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symconv.check import nodes
from symconv.check.context import DocumentContext, claim_id, claim_scope
from symconv.check.judges.algebra import compare_identity
from symconv.check.judges.functions import concrete
from symconv.check.judges.points import evaluate, format_point, format_value, show, values_equal
from symconv.check.judges.resolve import resolve, undefined_functions
from symconv.check.judges.typos import diagnose
from symconv.check.judges.vectors import VectorError, VectorSpace, index_symbols, vector_names
from symconv.check.judges.verdicts import right, unverified, wrong
from symconv.check.model import Claim, Judgement

__all__ = ["DERIVATIVE_IDENTITIES", "judge_derivative"]

#: The derivative of a known function written with the function itself (for the expected side).
DERIVATIVE_IDENTITIES: dict[str, Callable[[Any], Any]] = {
    "sigma": lambda u: sp.Function("sigma")(u) * (1 - sp.Function("sigma")(u)),
    "sigmoid": lambda u: sp.Function("sigmoid")(u) * (1 - sp.Function("sigmoid")(u)),
    "tanh": lambda u: 1 - sp.tanh(u) ** 2,
    "softplus": lambda u: sp.Function("sigma")(u),
    "exp": sp.exp,
}
#: Length at which vectors of unstated length are read.
VECTOR_SIZE = 3
RANDOM_POINTS = 3


def _is_gradient_entry(expr: Any) -> bool:
    return isinstance(expr, sp.Basic) and any(
        str(e.base.label).startswith("∂") for e in expr.atoms(sp.Indexed)
    )


def judge_derivative(claim: Claim, context: DocumentContext) -> Judgement | None:
    """Judge a claim whose left side is a derivative (None if it is not one judged here)."""
    if len(claim.sides) != 2 or claim.relation not in ("=", "≡"):
        return None
    lhs, rhs = claim.sides
    if _is_gradient_entry(lhs) or _is_gradient_entry(rhs):
        return None
    if not (isinstance(lhs, sp.Basic) and lhs.has(sp.Derivative, nodes.Partial)):
        return None
    order, scope = claim_id(claim), claim_scope(claim)
    definitions = {
        d.name: d.value
        for d in context.definitions_before(order=order, scope=scope)
        if not isinstance(d.value, (sp.MatrixBase, sp.Lambda))
    }
    vectors = vector_names([lhs, rhs]) | {
        name for name, value in definitions.items() if vector_names([value])
    }
    softmax = any(
        isinstance(v, AppliedUndef) and v.func.__name__ == "softmax" for v in definitions.values()
    )
    if vectors or lhs.has(nodes.Partial) or softmax:
        constraints = [(a.lhs, a.rhs) for a in context.assumptions_before(order=order, scope=scope)]
        return _vector(claim, context, definitions, constraints, vectors)
    return _scalar(claim, context)


# ----------------------------------------------------------------------------------------------
# Scalar derivatives
# ----------------------------------------------------------------------------------------------
def _undefined_derivative(expr: Any) -> str | None:
    for derivative in expr.atoms(sp.Derivative):
        inner = derivative.expr
        if not any(v in inner.free_symbols for v in derivative.variables):
            names = ", ".join(sorted(str(s) for s in inner.free_symbols)) or str(inner)
            return (
                f"{names} is not defined (its derivative with respect to "
                f"{', '.join(map(str, derivative.variables))} is unknown)"
            )
    return None


def _scalar(claim: Claim, context: DocumentContext) -> Judgement:
    lhs, _ = resolve(claim.sides[0], claim, context)
    rhs, _ = resolve(claim.sides[1], claim, context)
    for side in (lhs, rhs):
        if isinstance(side, sp.MatrixBase) or not isinstance(side, sp.Basic):
            return unverified(claim, "a derivative of a matrix is not checked here")
    expected_text = _expected(lhs)
    lhs, notes_l = concrete(lhs)
    rhs, notes_r = concrete(rhs)
    notes = tuple(dict.fromkeys(notes_l + notes_r))
    for side in (lhs, rhs):
        reason = _undefined_derivative(side)
        if reason is not None:
            return unverified(claim, reason)
    undefined = undefined_functions(lhs) + undefined_functions(rhs)
    if undefined:
        return unverified(claim, f"{', '.join(sorted(set(undefined)))} is not defined")
    try:
        computed = lhs.doit()
    except (ValueError, TypeError, NotImplementedError) as error:
        return unverified(claim, f"could not differentiate: {error}")
    rng = context.rng_for(claim.line, claim.text)
    comparison = compare_identity(computed, rhs, rng)
    suffix = f" ({'; '.join(notes)})" if notes else ""
    if comparison.equal is None:
        return unverified(claim, comparison.reason)
    if comparison.equal:
        return right(
            claim,
            f"the derivative, computed, agrees with the right side at "
            f"{comparison.points_tried} points{suffix}",
        )

    diagnosis = diagnose(
        claim.sides[0], claim.sides[1], lambda a, b: _holds_raw(a, b, claim, context)
    )
    return wrong(
        claim,
        f"the derivative differs from the right side at {comparison.witness()}{suffix}",
        expected=expected_text if expected_text is not None else computed,
        diagnosis=diagnosis,
        witness=comparison.witness(),
    )


def _holds_raw(lhs: Any, rhs: Any, claim: Claim, context: DocumentContext) -> bool | None:
    left, _ = concrete(resolve(lhs, claim, context)[0])
    right_side, _ = concrete(resolve(rhs, claim, context)[0])
    try:
        left = left.doit()
    except (ValueError, TypeError, NotImplementedError):
        return None
    return compare_identity(left, right_side, context.rng_for(claim.line, claim.text)).equal


def _expected(lhs: Any) -> Any:
    """``σ(z)(1 − σ(z))`` for ``σ'(z)``: the derivative of a known function in its own terms."""
    if not isinstance(lhs, sp.Derivative) or len(lhs.variable_count) != 1:
        return None
    (variable, count), inner = lhs.variable_count[0], lhs.expr
    if count != 1 or not isinstance(inner, sp.Function) or len(inner.args) != 1:
        return None
    if inner.args[0] != variable:
        return None
    identity = DERIVATIVE_IDENTITIES.get(inner.func.__name__)
    return identity(variable) if identity is not None else None


# ----------------------------------------------------------------------------------------------
# Vector derivatives
# ----------------------------------------------------------------------------------------------
def _vector(
    claim: Claim,
    context: DocumentContext,
    definitions: dict[str, Any],
    constraints: list[tuple[Any, Any]],
    vectors: set[str],
) -> Judgement:
    lhs, rhs = claim.sides
    space = VectorSpace(VECTOR_SIZE, definitions, constraints, vectors)
    indices = index_symbols([lhs, rhs])
    if len(indices) > 3:
        return unverified(claim, "more than three free indices")
    assignments = [
        dict(zip(indices, map(sp.Integer, values), strict=True))
        for values in itertools.product(range(VECTOR_SIZE), repeat=len(indices))
    ]
    try:
        pairs = [(a, space.value(lhs, a), space.value(rhs, a)) for a in assignments]
    except VectorError as error:
        return unverified(claim, str(error))
    for _, left, written in pairs:
        if isinstance(left, sp.MatrixBase) != isinstance(written, sp.MatrixBase):
            return unverified(claim, "one side is a vector, the other a scalar")
        if undefined_functions(left) or undefined_functions(written):
            names = sorted(set(undefined_functions(left) + undefined_functions(written)))
            return unverified(claim, f"{', '.join(names)} is not defined")
    variables = sorted(
        {s for _, a, b in pairs for s in _symbols(a) | _symbols(b)}, key=lambda s: s.name
    )
    rng = context.rng_for(claim.line, claim.text)
    points = [{v: sp.Integer(0) for v in variables}]
    points += [
        {v: sp.Rational(rng.randint(-30, 30), rng.randint(1, 9)) for v in variables}
        for _ in range(RANDOM_POINTS)
    ]
    checked = 0
    for point in points:
        for assignment, left, written in pairs:
            a, b = evaluate(left, point), evaluate(written, point)
            same = values_equal(a, b)
            if same is None:
                continue
            checked += 1
            if not same:
                where = _where(point, assignment)
                witness = f"{where}: {format_value(b)} ≠ {format_value(a)}"
                return wrong(
                    claim,
                    f"read at length {VECTOR_SIZE}, the sides differ at {witness}",
                    witness=witness,
                )
    if checked == 0:
        return unverified(claim, "neither side could be evaluated")
    assumed = ", ".join(f"{show(a)} = {show(b)}" for a, b in constraints)
    given = f" (with {assumed})" if assumed else ""
    return right(
        claim,
        f"read at length {VECTOR_SIZE}, the sides agree for every index value at "
        f"{len(points)} points{given}",
    )


def _symbols(value: Any) -> set[sp.Symbol]:
    if isinstance(value, sp.MatrixBase):
        return {s for entry in value for s in _symbols(entry)}
    return {s for s in getattr(value, "free_symbols", set()) if isinstance(s, sp.Symbol)}


def _where(point: dict[Any, Any], assignment: dict[Any, Any]) -> str:
    vectors: dict[str, list[str]] = {}
    scalars = {}
    for symbol, value in point.items():
        if "[" in symbol.name:
            name = symbol.name.split("[", 1)[0]
            vectors.setdefault(name, []).append(format_value(value))
        else:
            scalars[symbol] = value
    parts = [f"n = {VECTOR_SIZE}"]
    parts += [f"{name} = ({', '.join(values)}, …)" for name, values in sorted(vectors.items())]
    if scalars:
        parts.append(format_point(scalars))
    if assignment:
        parts.append(format_point(assignment))
    return ", ".join(parts)
