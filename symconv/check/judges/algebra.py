"""Algebraic identities: ``lhs = rhs`` for every value of the names in it.

Both sides are evaluated exactly at simple and at seeded random rational points (the kernel
:func:`symconv.check.equality.compare_at_points`); a formula with ``\\lfloor\\cdot\\rfloor``,
``\\lceil\\cdot\\rceil`` or ``\\bmod`` is about sizes and is evaluated at positive integers. A
failure is shown with the point and both values (the written right side first); a formula that
is right after one plausible token change gets a diagnosis (:mod:`symconv.check.judges.typos`).

An *equation* — one side without names (``2P + 3 = 5``) — is not an identity: it holds for
particular values, so it is left unverified rather than called wrong.

    >>> import sympy as sp
    >>> from symconv.check.context import NO_PROBLEM, DocumentContext
    >>> from symconv.check.model import Claim
    >>> K, D = sp.symbols("K D")
    >>> claim = Claim(1, 1, "", "algebra", sides=(K + (K - 1) * (D - 1), D * (K - 1) + 1))
    >>> judge_algebra(claim, DocumentContext(), NO_PROBLEM).verdict
    'right'
    >>> claim = Claim(1, 1, "", "algebra", sides=((K - 1) * D / 2, (K - 1) * (1 + D) / 2))
    >>> j = judge_algebra(claim, DocumentContext(), NO_PROBLEM)
    >>> j.verdict, j.witness
    ('wrong', 'D = 3, K = 3: 4 ≠ 3')
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symconv.check import nodes
from symconv.check.context import DocumentContext, ProblemContext
from symconv.check.equality import (
    Comparison,
    compare_at_points,
    conditions_where,
    evaluate,
    values_equal,
)
from symconv.check.judges.functions import concrete, is_known
from symconv.check.judges.resolve import resolve, undefined_functions
from symconv.check.judges.substitution import judge_substitution
from symconv.check.judges.typos import diagnose
from symconv.check.judges.verdicts import right, unverified, wrong
from symconv.check.model import Claim, Judgement
from symconv.check.shown import count_points, format_value
from symconv.check.symbols import is_size_name

__all__ = [
    "claim_conditions",
    "compare_identity",
    "judge_algebra",
    "judge_known_definition",
    "prepared_sides",
    "size_points",
]

Where = Callable[[Mapping[Any, Any]], "bool | None"]
_INTEGER_FUNCTIONS = (sp.floor, sp.ceiling, sp.Mod, sp.factorial, sp.binomial)
#: Values of size-like names tried first (a kernel of 3, a dilation of 2: typical witnesses).
_SIZE_VALUES = (3, 2, 4, 5, 1, 6, 7)


def prepared_sides(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> tuple[Any, Any, tuple[str, ...]] | None:
    """Both sides with definitions substituted and known functions made concrete, or None
    if the claim does not have two sides."""
    if len(claim.sides) != 2:
        return None
    lhs, _ = resolve(claim.sides[0], claim, context, problem)
    rhs, _ = resolve(claim.sides[1], claim, context, problem)
    lhs, notes_l = concrete(lhs)
    rhs, notes_r = concrete(rhs)
    return lhs, rhs, tuple(dict.fromkeys(notes_l + notes_r))


def _variables(*exprs: Any) -> list[sp.Symbol]:
    found: set[sp.Symbol] = set()
    for expr in exprs:
        found |= {s for s in getattr(expr, "free_symbols", set()) if isinstance(s, sp.Symbol)}
    return sorted(found, key=lambda s: s.name)


def size_points(variables: Sequence[sp.Symbol], limit: int = 40) -> list[dict[Any, Any]]:
    """Positive-integer points, typical sizes first (3, 2, 4, …)."""
    grid = itertools.islice(itertools.product(_SIZE_VALUES, repeat=len(variables)), limit)
    return [dict(zip(variables, map(sp.Integer, values), strict=True)) for values in grid]


def _draw_sizes(variables: Sequence[sp.Symbol]) -> Any:
    def draw(rng: random.Random) -> Mapping[Any, Any]:
        return {v: sp.Integer(rng.randint(1, 40)) for v in variables}

    return draw


def compare_identity(
    lhs: Any, rhs: Any, rng: random.Random, where: Where | None = None
) -> Comparison:
    """Compare two scalar expressions at points (positive integers for size formulas), keeping
    only the points ``where`` accepts (the claim's conditions)."""
    variables = _variables(lhs, rhs)
    if any(isinstance(e, sp.Basic) and e.has(*_INTEGER_FUNCTIONS) for e in (lhs, rhs)):
        return compare_at_points(
            lhs, rhs, variables, rng, simple=size_points(variables),
            draw=_draw_sizes(variables), where=where,
        )  # fmt: skip
    if variables and all(is_size_name(v.name) for v in variables):
        # K, D, N, P: sizes; a witness at K = 3, D = 2 reads better than at K = 0, D = 0.
        return compare_at_points(
            lhs, rhs, variables, rng, simple=size_points(variables, 12), where=where
        )
    return compare_at_points(lhs, rhs, variables, rng, where=where)


def claim_conditions(claim: Claim, *sides: Any) -> tuple[tuple[Any, ...], Where | None]:
    """The sides with the claim's fixed values substituted (``for $n = 3$``) and the filter of
    its other conditions (``for $z > 0$``)."""
    fixed, where = conditions_where(claim.link.conditions if claim.link is not None else ())
    if fixed:
        sides = tuple(s.xreplace(fixed) if isinstance(s, sp.Basic) else s for s in sides)
    return sides, where


def _unsupported(expr: Any) -> str | None:
    if not isinstance(expr, sp.Basic) or isinstance(expr, sp.MatrixBase):
        return "not a scalar expression"
    undefined = undefined_functions(expr)
    if undefined:
        return f"{', '.join(undefined)} is not defined (a function nothing here says what it is)"
    for kind in nodes.NODE_CLASSES:
        if expr.has(kind):
            return f"{kind.__name__} is not an algebraic expression"
    if expr.has(sp.Indexed, sp.IndexedBase):
        return "it holds indexed entries: an index formula, not an identity"
    if expr.has(sp.Derivative):
        return "a derivative of something not defined"
    return None


def judge_algebra(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Judgement | None:
    """Judge ``lhs = rhs`` as an identity (None if the claim is not of that kind)."""
    prepared = prepared_sides(claim, context, problem)
    if prepared is None:
        return None
    lhs, rhs, notes = prepared
    for side in (lhs, rhs):
        reason = _unsupported(side)
        if reason is not None:
            return unverified(claim, reason)
    if claim.relation == "≟":  # \overset{?}{=}, \overset{!}{=}
        return unverified(claim, "a question or a requirement (=? / =!), not a claim that it holds")
    if claim.relation not in ("=", "≡"):
        return unverified(claim, f"the relation {claim.relation} between formulas is not checked")
    (lhs, rhs), where = claim_conditions(claim, lhs, rhs)
    rng = context.rng_for(claim.line, claim.text)
    comparison = compare_identity(lhs, rhs, rng, where)
    names = ", ".join(s.name for s in _variables(lhs, rhs))
    suffix = f" ({'; '.join(notes)})" if notes else ""
    if comparison.equal is None:
        return unverified(claim, comparison.reason)
    if comparison.equal:
        scope = f" for every {names}" if names else ""
        if names and where is not None:
            scope += " where the stated conditions hold"
        tried = count_points(comparison.points_tried)
        return right(claim, f"the two sides agree{scope} (exactly, at {tried}){suffix}")
    substitution = judge_substitution(
        claim, lhs, rhs, context, problem, lambda a, b, rng: compare_identity(a, b, rng, where)
    )
    if substitution is not None:
        return substitution
    if not _variables(lhs) or not _variables(rhs):
        constant = _constant_value(lhs if _variables(lhs) else rhs, rng)
        if constant is None:
            if len(_variables(lhs, rhs)) > 1:
                return unverified(
                    claim,
                    f"the values of {names} are not given in the document (a substitution step?)",
                )
            return unverified(
                claim,
                f"an equation in {names}, not an identity: it holds only for particular values",
            )
        fixed = rhs if _variables(lhs) else lhs
        return wrong(
            claim,
            f"the side in {names} is {format_value(constant)} for every {names}, "
            f"never {format_value(fixed)}{suffix}",
            expected=constant,
            witness=comparison.witness(),
        )

    for side, other in ((lhs, rhs), (rhs, lhs)):
        if isinstance(side, sp.Symbol) and side not in _variables(other) and _variables(other):
            # "assume l is the layer before the last (l + 1 = L)": a name the document gives no
            # value, set equal to a formula of other names, is defined by it, not refuted by
            # random values of those names
            return unverified(
                claim,
                f"a relation that gives {side.name} its value in terms of {names}, not an identity",
            )

    def holds(a: Any, b: Any) -> bool | None:
        return compare_identity(a, b, context.rng_for(claim.line, claim.text), where).equal

    diagnosis = diagnose(lhs, rhs, holds)
    return wrong(
        claim,
        f"the two sides differ at {comparison.witness()}{suffix}",
        expected=lhs,
        diagnosis=diagnosis,
        witness=comparison.witness(),
    )


def _constant_value(expr: Any, rng: random.Random) -> Any:
    """The value of ``expr`` if it is the same at every point tried (``sin²x + cos²x``)."""
    variables = _variables(expr)
    values = []
    for _ in range(6):
        point = {v: sp.Rational(rng.randint(-40, 40), rng.randint(1, 9)) for v in variables}
        value = evaluate(expr, point)
        if value is not None:
            values.append(value)
    if len(values) < 3 or any(values_equal(values[0], v) is not True for v in values[1:]):
        return None
    exact = sp.nsimplify(values[0]) if not values[0].is_Rational else values[0]
    return exact if values_equal(exact, values[0]) else values[0]


def judge_known_definition(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Judgement | None:
    """``\\sigma(z) = \\frac{1}{1 + e^{-z}}``: a definition of a function the field names is
    checked against that function (None for any other definition)."""
    if len(claim.sides) != 2:
        return None
    lhs = claim.sides[0]
    if not (isinstance(lhs, AppliedUndef) and is_known(lhs.func.__name__)):
        return None
    judgement = judge_algebra(claim, context, problem)
    if judgement is None or judgement.verdict != "wrong":
        return judgement
    # A definition is the writer's to make: later claims use it, this one is not wrong.
    name = lhs.func.__name__
    return unverified(
        claim, f"a definition of {name} that is not the usual one; later lines use it"
    )


def judge_restated(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Judgement | None:
    """``y &:= \\max(x_1, x_2, x_3) \\\\ y &= x_1 [x_1 \\geq x_2 \\wedge …] + …``: a name its
    aligned block defined, given another value, claims the two agree (the left side reads the
    earlier value); None for any other claim."""
    if claim.link is None or not claim.link.restated:
        return None
    return judge_algebra(claim, context, problem)


def has_undefined(expr: Any) -> bool:
    return isinstance(expr, sp.Basic) and bool(expr.atoms(AppliedUndef))
