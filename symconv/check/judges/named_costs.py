r"""A cost defined by its name: ``We define the cost function as (one-half) squared error: $J =
\frac12 (Y - h)^2$`` — the words fix what the formula must be.

The standard costs and the forms they are written in (Bishop, *Pattern Recognition and Machine
Learning*, §1.1 and §4.3.2; Goodfellow et al., *Deep Learning*, §5.5 and §6.2.2):

* **squared error**: ``c (y − t)²``, ``c Σ_k (y_k − t_k)²`` or ``c ‖y − t‖²`` with ``c = 1`` or
  ``½`` (the half is a convention that cancels the 2 of the derivative; "one-half squared error"
  says it, and then ``c = ½``), or averaged over the ``n`` terms of a stated sum (``c = 1/n``,
  ``1/(2n)``);
* **mean squared error**: the same averaged, ``(1/n) Σ_{k=1}^n (y_k − t_k)²`` (or ``1/(2n)``);
* **cross-entropy**: ``−Σ_k t_k log y_k`` (or one term, ``−t log y``), the binary form ``−(t log
  y + (1 − t) log(1 − y))``, either averaged over a stated sum.

A formula of the named shape with the allowed factor is **right**. It is **wrong** when it is
the named cost's shape but off in a way no convention allows: a squared error not squared
(``½(Y − h)``) or with another factor (``2(Y − h)²``, ``(Y − h)²`` where "one-half" was said), a
cross-entropy without its minus sign (then it is never positive, the cross-entropy never
negative). Any other form is **unverified**: the words name a cost, the formula is not written
in a form compared here.

    >>> from symconv.check.api import check
    >>> doc = ("We use the (one-half) squared error as the cost:\n\n"
    ...        "$$J = \\frac{1}{2}(y - t)^2$$\n\n"
    ...        "and the cross-entropy:\n\n$$L = \\sum_k t_k \\log y_k$$\n")
    >>> import textwrap
    >>> for j in check(doc).judgements:
    ...     print(j.claim.line, j.verdict, j.message, sep=" | ")
    ...     print(textwrap.fill(j.witness, 80)) if j.witness else None
    3 | right | J = (-t + y)^2/2 is the one-half squared error c·(y - t)^2 with c = 1/2
    7 | wrong | the cross-entropy is -Σ t log y: this is its negative (no minus sign)
    t[k] = 1, y[k] = 1/2: the formula is log(1/2) = -log 2 ≈ -0.693 < 0, a cross-
    entropy is never negative
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from symconv.check import nodes
from symconv.check.judges.verdicts import right, unverified, wrong
from symconv.check.model import Claim, Judgement
from symconv.check.shown import format_value, show
from symconv.core.safe import as_sympy

__all__ = ["NAMED_COSTS", "judge_named_cost"]

#: The cost names the extractor gives a definition's facts (:func:`~symconv.check.judges.phrases.
#: cost_in_words`).
NAMED_COSTS = frozenset(
    {"squared error", "one-half squared error", "mean squared error", "cross-entropy"}
)


@dataclass(frozen=True)
class _Shape:
    """A cost written ``factor · core``, with ``core`` summed over ``count`` terms (None: one
    term, or a sum whose range is not stated)."""

    factor: Any
    core: Any
    count: Any
    summed: bool


def _shape(expr: Any) -> _Shape:
    factor, rest = expr.as_coeff_Mul() if isinstance(expr, sp.Expr) else (1, expr)
    named = [f for f in sp.Mul.make_args(rest) if not isinstance(f, sp.Sum)]
    sums = [f for f in sp.Mul.make_args(rest) if isinstance(f, sp.Sum)]
    if len(sums) == 1 and all(not f.has(*sums[0].variables) for f in named):
        total = sums[0]
        factor = factor * sp.Mul(*named)
        count: Any = None
        if len(total.limits) == 1 and all(b.is_finite is not False for b in total.limits[0][1:]):
            _, low, high = total.limits[0]
            count = sp.simplify(high - low + 1)
        return _Shape(as_sympy(factor), total.function, count, True)
    return _Shape(as_sympy(factor), rest, None, False)


def judge_named_cost(claim: Claim, context: Any, problem: Any) -> Judgement | None:
    """The verdict on a cost's definition that the sentence names (None for any other claim)."""
    name = claim.fact
    if name not in NAMED_COSTS or len(claim.sides) != 2:
        return None
    rhs = claim.sides[1]
    if not isinstance(rhs, sp.Expr):
        return None
    if name == "cross-entropy":
        return _cross_entropy(claim, rhs)
    return _squared(claim, name, rhs)


# ----------------------------------------------------------------------------------------------
# Squared error
# ----------------------------------------------------------------------------------------------
def _difference(expr: Any) -> tuple[Any, Any] | None:
    """``(y, t)`` for ``y − t`` (two terms of opposite signs), else None."""
    if not isinstance(expr, sp.Add) or len(expr.args) != 2:
        return None
    first, second = expr.args
    signs = [term.as_coeff_Mul()[0] for term in (first, second)]
    if signs[0] * signs[1] >= 0 or abs(signs[0]) != abs(signs[1]):
        return None
    return (first, -second) if signs[0] > 0 else (second, -first)


def _squared(claim: Claim, name: str, rhs: sp.Expr) -> Judgement | None:
    shape = _shape(rhs)
    core, power = shape.core, sp.Integer(1)
    if isinstance(core, sp.Pow):
        core, power = core.base, core.exp
    if isinstance(core, nodes.Norm) and (len(core.args) == 1 or core.args[1] == 2):
        core = core.args[0]  # ‖y − t‖² is Σ_k (y_k − t_k)²
    pair = _difference(core)
    if pair is None:
        return unverified(claim, f"a {name} is c·(y - t)^2; this formula is written otherwise")
    allowed = _factors(name, shape)
    if allowed is None:
        return unverified(
            claim, f"a {name} averages its terms, and the sum's number of terms is not stated"
        )
    written = f"{show(claim.sides[0])} = {show(rhs)}"
    y, t = pair
    factor = sp.simplify(shape.factor)
    shown = ", ".join(show(a) for a in allowed)
    if power == 2 and any(sp.simplify(factor - a) == 0 for a in allowed):
        return right(
            claim,
            f"{written} is the {name} c·({show(y)} - {show(t)})^2 with c = {show(factor)}",
        )
    if power != 2 and power.is_number:
        value = _at_difference(factor, power, 2)
        return wrong(
            claim,
            f"a {name} squares the difference: {show(core)} is raised to {show(power)} here",
            expected=allowed[0] * core**2 if not shape.summed else None,
            witness=f"where {show(y)} - {show(t)} = 2: the formula is {value}, the {name} "
            f"{format_value(allowed[0] * 4 * (shape.count or 1))}",
        )
    if power == 2 and factor.is_number:
        return wrong(
            claim,
            f"a {name} is c·({show(y)} - {show(t)})^2 with c = {shown}, not c = {show(factor)}",
            witness=f"where {show(y)} - {show(t)} = 1: the formula is {format_value(factor)}, "
            f"the {name} {format_value(allowed[0])}",
        )
    return unverified(claim, f"a {name} is c·(y - t)^2 with c = {shown}; here c = {show(factor)}")


def _factors(name: str, shape: _Shape) -> list[Any] | None:
    """The factors the name allows, or None when they depend on an unstated count."""
    if name == "mean squared error":
        if shape.count is None:
            return None
        return [1 / shape.count, 1 / (2 * shape.count)]
    if name == "one-half squared error":
        return [sp.Rational(1, 2)] + ([1 / (2 * shape.count)] if shape.count is not None else [])
    allowed = [sp.Integer(1), sp.Rational(1, 2)]
    if shape.count is not None:
        allowed += [1 / shape.count, 1 / (2 * shape.count)]
    return allowed


def _at_difference(factor: Any, power: Any, value: int) -> str:
    return format_value(sp.nsimplify(factor * sp.Integer(value) ** power))


# ----------------------------------------------------------------------------------------------
# Cross-entropy
# ----------------------------------------------------------------------------------------------
def _cross_entropy(claim: Claim, rhs: sp.Expr) -> Judgement | None:
    shape = _shape(rhs)
    otherwise = "a cross-entropy is -Σ t log y; this formula is written otherwise"
    if not shape.core.atoms(sp.log):
        return unverified(claim, otherwise)
    # ±1, or ±1/N over a sum of N terms (the mean)
    per_term = sp.simplify(shape.factor * shape.count) if shape.count is not None else None
    averaged = per_term in (1, -1)
    sign = per_term if averaged else shape.factor
    if sign not in (1, -1):
        return unverified(
            claim, f"a cross-entropy is -Σ t log y, or its mean; here the factor is "
            f"{show(shape.factor)}",
        )  # fmt: skip
    terms = _log_terms(sp.expand(sign * shape.core))
    if terms is None:
        return unverified(claim, otherwise)
    sign, target, predicted = terms
    mean = " averaged over its terms" if averaged else ""
    if sign < 0:
        written = f"{show(claim.sides[0])} = {show(rhs)}"
        return right(claim, f"{written} is the cross-entropy -Σ t log y{mean}")
    return wrong(
        claim,
        "the cross-entropy is -Σ t log y: this is its negative (no minus sign)",
        witness=(
            f"{show(target)} = 1, {show(predicted)} = 1/2: the formula is log(1/2) = -log 2 "
            "≈ -0.693 < 0, a cross-entropy is never negative"
        ),
    )


def _log_terms(expr: Any) -> tuple[int, Any, Any] | None:
    """``(−1, t, y)`` for ``−t log y`` or ``−(t log y + (1 − t) log(1 − y))``, ``(1, t, y)`` for
    the same without the minus sign; None for any other form."""
    logs = sorted(expr.atoms(sp.log), key=str)
    coefficients = [expr.coeff(log) for log in logs]
    rest = sp.expand(expr - sum(c * log for c, log in zip(coefficients, logs, strict=True)))
    if rest != 0 or any(c.has(sp.log) for c in coefficients):
        return None
    if len(logs) == 1:
        (coefficient,) = coefficients
        factor, target = coefficient.as_coeff_Mul()
        if abs(factor) != 1 or not target.free_symbols:
            return None
        return int(factor), target, logs[0].args[0]
    if len(logs) != 2:
        return None
    (first, second), (a, b) = coefficients, (log.args[0] for log in logs)
    if sp.expand(a + b - 1) != 0:
        return None  # log y and log(1 − y): the binary cross-entropy
    total = sp.expand(first + second)
    if total not in (1, -1):
        return None
    predicted, target = (a, first) if len(str(a)) <= len(str(b)) else (b, second)
    if not target.free_symbols:
        return None
    return int(total), sp.expand(total * target), predicted
