"""Eliminate Kronecker deltas from a sum of products, keeping the range conditions.

Differentiating ``Z[j] = Σ_k W[k] X[s j + k − p]`` with respect to ``X[a]`` gives
``∂X[s j + k − p]/∂X[a] = δ(s j + k − p, a)``; summed over the output index ``j`` (chain rule),
the delta keeps one value of ``j`` — if there is one: the equation ``s j + k − p − a = 0`` is
solved for ``j`` exactly when ``s`` divides ``a + p − k``, and the term counts only when the
solution lies in ``j``'s range. So (Graham, Knuth & Patashnik, *Concrete Mathematics*, §2.1,
"Σ_k [k = a] f(k) = f(a)" with an Iverson range condition)::

    Σ_{j=0}^{O−1} δ(s j + k − p, a) f(j)
        = [s | a + p − k] · [0 ≤ (a + p − k)/s ≤ O − 1] · f((a + p − k)/s)

The quotient is written ``⌊(a + p − k)/s⌋`` — equal to it wherever the bracket is 1 — so that
every index stays an integer and the expression can be evaluated with out-of-range reads as zero.

A derivative is first split into :class:`Term` s (one product under one multiple sum, plus the
conditions met so far); :func:`eliminate_deltas` solves the deltas of a term one by one, preferring
the indices it is told to (the output indices of the chain rule, for the textbook form) and
coefficients ±1; :func:`drop_implied_conditions` removes the brackets the ranges of the remaining
indices already guarantee; :func:`assemble` writes the term back, with the factors that do not
depend on a summation index outside its sum.

    >>> import sympy as sp
    >>> j, k, a = sp.symbols("j k a", integer=True)
    >>> O, K, I = sp.symbols("O K I", integer=True, positive=True)
    >>> G, W = sp.IndexedBase("G"), sp.IndexedBase("W")
    >>> delta = sp.KroneckerDelta(2 * j + k - 1, a)
    >>> term = Term(G[j] * W[k] * delta, ((j, 0, O - 1), (k, 0, K - 1)))
    >>> solved, steps = eliminate_deltas(term, preferred=[j])
    >>> steps[0].index, steps[0].value
    (j, floor(a/2 - k/2 + 1/2))
    >>> assemble(solved)
    Sum(G[floor(a/2 - k/2 + 1/2)]*W[k]*[Eq(Mod(a - k + 1, 2), 0) &
        InRange(0 <= floor(a/2 - k/2 + 1/2) <= O - 1)], (k, 0, K - 1))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import product
from typing import Any

import sympy as sp
from sympy.logic.boolalg import Boolean

from symconv.core.safe import as_sympy
from symconv.grad.conditions import InRange, Iverson, divides

Limit = tuple[sp.Symbol, sp.Expr, sp.Expr]


@dataclass(frozen=True)
class Term:
    """``Σ_{limits} [conditions] · factor`` — one product under one multiple sum."""

    factor: sp.Expr
    limits: tuple[Limit, ...] = ()
    conditions: tuple[Boolean, ...] = ()

    def __post_init__(self) -> None:
        limits = tuple((lim[0], as_sympy(lim[1]), as_sympy(lim[2])) for lim in self.limits)
        object.__setattr__(self, "limits", limits)
        object.__setattr__(self, "factor", as_sympy(self.factor))

    def times(self, other: Term) -> Term:
        return Term(
            self.factor * other.factor,
            self.limits + other.limits,
            self.conditions + other.conditions,
        )

    @property
    def indices(self) -> tuple[sp.Symbol, ...]:
        return tuple(limit[0] for limit in self.limits)

    def as_expr(self) -> sp.Expr:
        """The term as one expression, conditions as an Iverson bracket (no rearranging)."""
        body = self.factor * Iverson(sp.And(*self.conditions)) if self.conditions else self.factor
        return sp.Sum(body, *self.limits) if self.limits else body


@dataclass(frozen=True)
class Substitution:
    """One delta eliminated: ``index = value``, valid under ``conditions``."""

    delta: sp.Expr
    index: sp.Symbol
    value: sp.Expr
    conditions: tuple[Boolean, ...]


# ----------------------------------------------------------------------------------------------
# Splitting into terms
# ----------------------------------------------------------------------------------------------
def collect_terms(expr: Any) -> list[Term]:
    """Split ``expr`` into terms, pulling every sum that holds a Kronecker delta to the top.

    Bound indices must be unique (see :func:`symconv.grad.binders.fresh_bound`). Sums and
    factors without deltas are kept whole (they are constants of the elimination).
    """
    expr = as_sympy(expr)
    if not expr.has(sp.KroneckerDelta):
        return [Term(expr)] if expr != 0 else []
    if isinstance(expr, sp.Add):
        return [term for arg in expr.args for term in collect_terms(arg)]
    if isinstance(expr, sp.Mul):
        terms = [Term(sp.Integer(1))]
        for arg in expr.args:
            terms = [left.times(right) for left, right in product(terms, collect_terms(arg))]
        return terms
    if isinstance(expr, sp.Sum):
        limits = tuple((lim[0], lim[1], lim[2]) for lim in expr.limits)
        return [replace(t, limits=limits + t.limits) for t in collect_terms(expr.function)]
    if (
        isinstance(expr, sp.Pow)
        and isinstance(expr.base, sp.KroneckerDelta)
        and expr.exp.is_positive
    ):
        return [Term(expr.base)]
    return [Term(expr)]


# ----------------------------------------------------------------------------------------------
# Solving the deltas
# ----------------------------------------------------------------------------------------------
def linear_form(expr: sp.Expr, index: sp.Symbol) -> tuple[sp.Expr, sp.Expr] | None:
    """``(c, r)`` with ``expr = c·index + r`` and neither depending on ``index``; else ``None``."""
    coefficient: sp.Expr = sp.Integer(0)
    rest: sp.Expr = sp.Integer(0)
    for part in sp.Add.make_args(sp.expand(expr)):
        factor, dependent = part.as_independent(index, as_Add=False)
        if dependent == 1:
            rest += part
        elif dependent == index:
            coefficient += factor
        else:
            return None
    if coefficient == 0:
        return None
    return coefficient, rest


def _solution(coefficient: sp.Expr, rest: sp.Expr) -> tuple[sp.Expr, tuple[Boolean, ...]] | None:
    """Solve ``c·u + r = 0`` over the integers: ``u = −r/c`` when ``c | r``."""
    if coefficient.is_number:
        if not coefficient.is_integer:
            return None
        if coefficient < 0:
            coefficient, rest = -coefficient, -rest
    elif coefficient.is_negative:
        coefficient, rest = -coefficient, -rest
    elif not (coefficient.is_positive or coefficient.is_nonnegative):
        return None
    if coefficient == 1:
        return -rest, ()
    return sp.floor(-rest / coefficient), (divides(coefficient, -rest),)


def eliminate_deltas(
    term: Term, preferred: Iterable[sp.Symbol] = ()
) -> tuple[Term, tuple[Substitution, ...]]:
    """Solve the term's deltas for its summation indices, one at a time.

    The index solved for is, in order of preference: one of ``preferred``; one with coefficient
    ±1; the first found. A delta none of whose summation indices appears linearly is left as it
    is (it is still exact; it only stays visible).
    """
    preferred = list(preferred)
    substitutions: list[Substitution] = []
    while True:
        choice = _best_choice(term, preferred)
        if choice is None:
            return term, tuple(substitutions)
        delta, index, value, divisibility = choice
        limit = next(lim for lim in term.limits if lim[0] == index)
        in_range = InRange(value, limit[1], limit[2])
        new_conditions = (*divisibility, in_range)
        mapping = {index: value}
        factors = list(sp.Mul.make_args(term.factor))
        factors.remove(delta)
        term = Term(
            factor=sp.Mul(*factors).xreplace(mapping),
            limits=tuple(
                (lim[0], lim[1].xreplace(mapping), lim[2].xreplace(mapping))
                for lim in term.limits
                if lim[0] != index
            ),
            conditions=tuple(c.xreplace(mapping) for c in term.conditions) + new_conditions,
        )
        substitutions.append(Substitution(delta, index, value, new_conditions))


def _best_choice(
    term: Term, preferred: Sequence[sp.Symbol]
) -> tuple[sp.Expr, sp.Symbol, sp.Expr, tuple[Boolean, ...]] | None:
    indices = term.indices
    best: tuple[tuple[int, int, int], Any] | None = None
    order = 0
    for factor in sp.Mul.make_args(term.factor):
        if not isinstance(factor, sp.KroneckerDelta):
            continue
        equation = factor.args[0] - factor.args[1]
        for index in indices:
            if index not in equation.free_symbols:
                continue
            form = linear_form(equation, index)
            if form is None:
                continue
            coefficient, rest = form
            if coefficient.free_symbols & set(indices):
                continue
            solved = _solution(coefficient, rest)
            if solved is None:
                continue
            value, divisibility = solved
            key = (0 if index in preferred else 1, 0 if not divisibility else 1, order)
            order += 1
            if best is None or key < best[0]:
                best = (key, (factor, index, value, divisibility))
    return None if best is None else best[1]


# ----------------------------------------------------------------------------------------------
# Conditions the ranges already guarantee
# ----------------------------------------------------------------------------------------------
def affine_bounds(
    expr: sp.Expr, ranges: Mapping[sp.Symbol, tuple[sp.Expr, sp.Expr]]
) -> tuple[sp.Expr, sp.Expr] | None:
    """Smallest and largest value of ``expr`` over the box ``ranges`` when ``expr`` is affine in
    the ranged symbols with coefficients of known sign; else ``None``."""
    low: sp.Expr = sp.Integer(0)
    high: sp.Expr = sp.Integer(0)
    for part in sp.Add.make_args(sp.expand(expr)):
        ranged = [s for s in part.free_symbols if s in ranges]
        if not ranged:
            low, high = low + part, high + part
            continue
        if len(ranged) > 1:
            return None
        symbol = ranged[0]
        coefficient, dependent = part.as_independent(symbol, as_Add=False)
        if dependent != symbol:
            return None
        lower, upper = ranges[symbol]
        if coefficient.is_nonnegative:
            low, high = low + coefficient * lower, high + coefficient * upper
        elif coefficient.is_nonpositive:
            low, high = low + coefficient * upper, high + coefficient * lower
        else:
            return None
    return low, high


def simplify_condition(
    condition: Boolean, ranges: Mapping[sp.Symbol, tuple[sp.Expr, sp.Expr]]
) -> Boolean:
    """Drop the sides of a range condition the ranges imply; ``false`` if they exclude it."""
    if isinstance(condition, sp.And):
        return sp.And(*(simplify_condition(c, ranges) for c in condition.args))
    if not isinstance(condition, InRange):
        return condition
    bounds = affine_bounds(condition.expr, ranges)
    if bounds is None:
        return condition
    low, high = bounds
    lower, upper = condition.lower, condition.upper
    if lower is not sp.S.NegativeInfinity:
        if (high - lower).is_negative:
            return sp.false
        if (low - lower).is_nonnegative:
            lower = sp.S.NegativeInfinity
    if upper is not sp.S.Infinity:
        if (upper - low).is_negative:
            return sp.false
        if (upper - high).is_nonnegative:
            upper = sp.S.Infinity
    return InRange(condition.expr, lower, upper)


def drop_implied_conditions(
    term: Term, free_ranges: Mapping[sp.Symbol, tuple[sp.Expr, sp.Expr]]
) -> Term | None:
    """The term without the conditions implied by the ranges of its free indices and of its own
    summation indices; ``None`` when a condition can never hold."""
    ranges = dict(free_ranges)
    for index, lower, upper in term.limits:
        if not ((lower.free_symbols | upper.free_symbols) & set(term.indices)):
            ranges[index] = (lower, upper)
    kept = []
    for condition in term.conditions:
        simplified = simplify_condition(condition, ranges)
        if simplified is sp.false:
            return None
        if simplified is not sp.true:
            kept.append(simplified)
    return replace(term, conditions=tuple(kept))


# ----------------------------------------------------------------------------------------------
# Writing a term back
# ----------------------------------------------------------------------------------------------
def assemble(term: Term) -> sp.Expr:
    """The term as an expression: factors and conditions free of the summation indices outside
    the sum, the others inside; a sum whose index nothing uses becomes its count."""
    indices = set(term.indices)
    factors = sp.Mul.make_args(term.factor)
    inside = [f for f in factors if f.free_symbols & indices]
    outside = [f for f in factors if not f.free_symbols & indices]
    inner_conditions = [c for c in term.conditions if c.free_symbols & indices]
    outer_conditions = [c for c in term.conditions if not c.free_symbols & indices]
    body = sp.Mul(*inside)
    if inner_conditions:
        body = body * Iverson(sp.And(*inner_conditions))
    limits = []
    count: sp.Expr = sp.Integer(1)
    for index, lower, upper in term.limits:
        used = index in body.free_symbols or any(
            index in (lim[1].free_symbols | lim[2].free_symbols) for lim in term.limits
        )
        if used:
            limits.append((index, lower, upper))
        else:
            count *= upper - lower + 1
    summed = sp.Sum(body, *limits) if limits else body
    outer = sp.Mul(*outside) * count
    if outer_conditions:
        outer = outer * Iverson(sp.And(*outer_conditions))
    return outer * summed
