"""The local truncation error of a finite-difference scheme for a PDE the document states.

Lecture notes on numerical PDEs write a scheme with grid samples, state the equation it solves
and its order: *We solve* ``u_t = \\alpha u_{xx}`` *on* ``x_j = j\\Delta x``, ``t_n = n\\Delta
t``; the scheme ``u_j^{n+1} = u_j^n + \\frac{\\alpha\\Delta t}{\\Delta x^2}(u_{j+1}^n - 2u_j^n +
u_{j-1}^n)`` *has local truncation error* ``O(\\Delta t + \\Delta x^2)``. The claim is judged
as its definition says (LeVeque, *Finite Difference Methods*, §9.1, §8.2):

* each sample ``u_{j+a}^{n+b}`` is the exact solution at ``(x + a\\Delta x, t + b\\Delta t)``,
  expanded about ``(x, t)`` (a Taylor polynomial with its remainder, see below);
* the residual ``R = (left side) − (right side)`` is normalised as the scheme approximates the
  PDE: divided by the lowest term of the coefficient of ``u_t`` (``\\Delta t`` for a scheme
  written as an update, 1 for one written with difference quotients): ``τ``;
* time derivatives are replaced through the PDE (``u_t = \\alpha u_{xx}``, so ``u_{tt} =
  \\alpha^2 u_{xxxx}``): what remains is what the scheme gets wrong;
* ``τ = O(\\Delta t^a + \\Delta x^b)`` holds when every term ``\\Delta t^p \\Delta x^q`` of τ
  has ``p, q \\ge 0`` and ``p/a + q/b \\ge 1`` (both steps tend to 0 independently).

Right when τ is of the claimed order; wrong only when even ``τ\\Delta t`` (the residual of the
update form, which some texts call the truncation error) is not; unverified in between, and
wherever the PDE, the grids or the scheme are not read (a nonlinear PDE, a grid not uniform).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symconv.check import nodes
from symconv.check.context import DocumentContext, ProblemContext, claim_id, claim_scope
from symconv.check.judges.grid_points import time_level_names, uniform_grids
from symconv.check.judges.resolve import resolve
from symconv.check.judges.verdicts import right, unverified, wrong
from symconv.check.model import Claim, Judgement
from symconv.check.shown import show
from symconv.core.safe import as_sympy

__all__ = ["judge_scheme_order", "pde_of", "truncation_terms"]

#: Highest total degree of a Taylor polynomial expanded (the remainder is checked beyond it).
MAX_DEGREE = 9


def pde_of(lhs: Any, rhs: Any, name: str) -> tuple[str, str, dict[int, Any]] | None:
    """``(t, x, {k: c_k})`` for a linear PDE with constant coefficients, first order in time,
    written with subscript derivatives of ``name``: ``u_t = Σ c_k ∂_x^k u`` (``u_t = α u_{xx}``
    read ``u[t] = α u[x, x]``; ``u_t + c u_x = 0``). None for anything else.

    >>> u, t, x, a = sp.IndexedBase("u"), *sp.symbols("t x alpha")
    >>> pde_of(u[t], a * u[x, x], "u")
    ('t', 'x', {2: alpha})
    >>> pde_of(u[t] + 3 * u[x], sp.Integer(0), "u"), pde_of(u[t], u[x] ** 2, "u")
    (('t', 'x', {1: -3}), None)
    """
    if not (isinstance(lhs, sp.Expr) and isinstance(rhs, sp.Expr)):
        return None
    relation = sp.expand(lhs - rhs)
    entries = [e for e in relation.atoms(sp.Indexed) if str(e.base.label) == name]
    if not entries or any(not all(isinstance(i, sp.Symbol) for i in e.indices) for e in entries):
        return None
    single = [e for e in entries if len(e.indices) == 1]
    letters = {str(i) for e in entries for i in e.indices}
    if len(letters) != 2:
        return None
    dummies = {e: sp.Dummy() for e in entries}
    plain = relation.xreplace(dummies)
    if (
        not plain.is_polynomial(*dummies.values())
        or sp.Poly(plain, *dummies.values()).total_degree() != 1
    ):
        return None
    if plain.xreplace({d: 0 for d in dummies.values()}) != 0:
        return None
    for time in sorted(letters):
        (space,) = letters - {time}
        first = [e for e in single if str(e.indices[0]) == time]
        others = [e for e in entries if e not in first]
        if len(first) != 1 or any({str(i) for i in e.indices} != {space} for e in others):
            continue
        lead = plain.coeff(dummies[first[0]])
        if lead == 0 or lead.free_symbols & {d for d in dummies.values()}:
            continue
        coefficients: dict[int, Any] = {}
        for entry in others:
            coefficient = sp.simplify(-plain.coeff(dummies[entry]) / lead)
            if coefficient.has(sp.Indexed) or coefficient.free_symbols & set(dummies.values()):
                return None
            order = len(entry.indices)
            coefficients[order] = coefficients.get(order, 0) + coefficient
        return time, space, coefficients
    return None


def _derivative(p: int, q: int) -> sp.Symbol:
    """The symbol of ``∂_x^p ∂_t^q u``."""
    return sp.Symbol(f"D_{{{p},{q}}}")


def truncation_terms(
    sides: Sequence[Any],
    name: str,
    indices: tuple[Any, Any],
    steps: tuple[Any, Any],
    degrees: tuple[int, int],
) -> Any:
    """The residual ``left − right`` of a scheme with each sample ``u[j+a]**(n+b)`` replaced by
    the Taylor polynomial of ``u(x + aΔx, t + bΔt)`` about ``(x, t)`` of degrees ``(M, K)`` in
    space and time (in the symbols ``D_{p,q}`` of ``∂_x^p ∂_t^q u``).

    >>> u, j, n, dx, dt = sp.IndexedBase("u"), *sp.symbols("j n dx dt")
    >>> truncation_terms([u[j] ** (n + 1), u[j] ** n], "u", (j, n), (dx, dt), (2, 2))
    D_{0,1}*dt + D_{0,2}*dt**2/2
    """
    j, n = indices
    dx, dt = steps
    space, time = degrees
    replacements = {}
    for side in sides:
        for power in side.atoms(sp.Pow):
            base = power.base
            if not (isinstance(base, sp.Indexed) and str(base.base.label) == name):
                continue
            a, b = sp.expand(base.indices[0] - j), sp.expand(power.exp - n)
            if not (a.is_Integer and b.is_Integer):
                raise ValueError(f"{name}_{{{base.indices[0]}}}^{{{power.exp}}}")
            replacements[power] = sum(
                (a * dx) ** p
                * (b * dt) ** q
                / (math.factorial(p) * math.factorial(q))
                * _derivative(p, q)
                for p in range(space + 1)
                for q in range(time + 1)
            )
    left, right_side = (side.xreplace(replacements) for side in sides)
    return sp.expand(left - right_side)


def _through_pde(residual: Any, coefficients: dict[int, Any], degrees: tuple[int, int]) -> Any:
    """``residual`` with every time derivative ``∂_x^p ∂_t^q u`` replaced through the PDE
    ``u_t = Σ c_k ∂_x^k u``: ``Σ`` over the terms of ``(Σ c_k X^k)^q X^p``."""
    operator = sp.Symbol("X")
    spatial = sum(c * operator**k for k, c in coefficients.items())
    replacements = {}
    for p in range(degrees[0] + 1):
        for q in range(degrees[1] + 1):
            power = sp.Poly(sp.expand(spatial**q * operator**p), operator)
            replacements[_derivative(p, q)] = sum(
                c * _derivative(int(m[0]), 0) for m, c in power.terms()
            )
    return sp.expand(residual.xreplace(replacements))


def _monomials(expr: Any, steps: tuple[Any, Any]) -> dict[tuple[int, int], Any]:
    """``(q, p) → coefficient`` of the monomials ``Δx^q Δt^p`` of ``expr`` (a Laurent
    polynomial in the steps); coefficients that cancel are left out."""
    dx, dt = steps
    found: dict[tuple[int, int], Any] = {}
    for term in sp.Add.make_args(sp.expand(expr)):
        powers = term.as_powers_dict()
        q, p = powers.get(dx, 0), powers.get(dt, 0)
        if not (sp.Integer(q).is_Integer and sp.Integer(p).is_Integer):
            raise ValueError("a step to a power that is not an integer")
        coefficient = term / (dx**q * dt**p)
        if coefficient.has(dx, dt):
            raise ValueError("a step inside a coefficient")
        key = (int(q), int(p))
        found[key] = found.get(key, 0) + coefficient
    return {k: c for k, c in found.items() if sp.simplify(c) != 0}


def _claimed(order: Any, steps: tuple[Any, Any]) -> tuple[float, float] | None:
    """``(b, a)`` of ``O(Δx^b + Δt^a)`` (an exponent ``inf`` for a step the order omits);
    None for an order with a mixed term (``O(ΔtΔx)``) or anything else."""
    dx, dt = steps
    exponents = {dx: math.inf, dt: math.inf}
    for term in sp.Add.make_args(sp.expand(order)):
        _, factors = term.as_coeff_Mul()
        powers = factors.as_powers_dict()
        if len(powers) != 1:
            return None
        ((base, exponent),) = powers.items()
        if base not in exponents or not (exponent.is_Integer and exponent > 0):
            return None
        exponents[base] = min(exponents[base], int(exponent))
    if exponents[dx] == math.inf and exponents[dt] == math.inf:
        return None
    return exponents[dx], exponents[dt]


def _dominated(q: int, p: int, claimed: tuple[float, float]) -> bool:
    """Whether ``Δx^q Δt^p = O(Δx^b + Δt^a)`` as both steps tend to 0 independently."""
    b, a = claimed
    return (
        q >= 0 and p >= 0 and (q / b if b != math.inf else 0) + (p / a if a != math.inf else 0) >= 1
    )


def _scheme_before(claim: Claim, context: DocumentContext) -> Claim | None:
    """The latest scheme of the section before ``claim`` within a few lines: an equation of
    grid samples of one time-level name, with no function applied."""
    order, scope = claim_id(claim), claim_scope(claim)
    for earlier in reversed(context.claims_before(order=order, scope=scope, within_lines=6)):
        sides = [s for s in earlier.sides if isinstance(s, sp.Basic)]
        if earlier.relation != "=" or len(sides) != 2 or any(s.atoms(AppliedUndef) for s in sides):
            continue
        if any(isinstance(p.base, sp.Indexed) for s in sides for p in s.atoms(sp.Pow)):
            return earlier
    return None


def _document_exprs(context: DocumentContext) -> list[Any]:
    exprs = [side for c in context.claims.values() for side in c.sides]
    return exprs + [e for a in context.assumptions for e in (a.lhs, a.rhs)]


def _relations(claim: Claim, context: DocumentContext) -> list[tuple[Any, Any]]:
    order, scope = claim_id(claim), claim_scope(claim)
    relations = [(a.lhs, a.rhs) for a in context.assumptions_before(order=order, scope=scope)]
    for earlier in context.claims_before(order=order, scope=scope):
        if len(earlier.sides) == 2 and earlier.relation == "=":
            relations.append((earlier.sides[0], earlier.sides[1]))
    return relations


def judge_scheme_order(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Judgement | None:
    """Judge ``O(Δt + Δx^2)`` stated as the local truncation error of the scheme written just
    before (module docstring); None where no scheme is there to refer to."""
    if not claim.sides or not isinstance(claim.sides[0], nodes.BigO):
        return None
    scheme = _scheme_before(claim, context)
    if scheme is None:
        return None
    names = time_level_names(_document_exprs(context), _relations(claim, context))
    sides = [
        resolve(side, scheme, context, problem)[0] if isinstance(side, sp.Basic) else side
        for side in scheme.sides
    ]
    sampled = {
        str(p.base.base.label)
        for side in sides
        for p in side.atoms(sp.Pow)
        if isinstance(p.base, sp.Indexed)
    }
    if len(sampled) != 1 or not sampled <= names:
        return None
    (name,) = sampled
    where = f"the scheme on line {scheme.line}"
    pde = None
    for lhs, rhs in _relations(claim, context):
        pde = pde_of(lhs, rhs, name) or pde
    if pde is None:
        return unverified(claim, f"the equation {where} solves is not stated (such as u_t = αu_xx)")
    time, space, coefficients = pde
    grids = uniform_grids(_relations(claim, context))
    dx, dt = grids.get(space), grids.get(time)
    if dx is None or dt is None:
        return unverified(claim, f"the grids of {where} are not uniform grids the text defines")
    claimed = _claimed(claim.sides[0].args[0], (dx, dt))
    if claimed is None:
        return unverified(claim, f"an order in {show(dx)} and {show(dt)} that is not read here")
    powers = [p for side in sides for p in side.atoms(sp.Pow) if isinstance(p.base, sp.Indexed)]
    bare = [
        p
        for p in powers
        if isinstance(p.base.indices[0], sp.Symbol) and isinstance(p.exp, sp.Symbol)
    ]
    indices = {(p.base.indices[0], p.exp) for p in bare}
    if len(indices) != 1:
        return unverified(claim, f"the base point of {where} is not read")
    (base,) = indices
    # r in u_j^{n+1} = u_j^n + r(…) with no r = αΔt/Δx² before: how r scales is not known
    constants = {s for c in coefficients.values() for s in as_sympy(c).free_symbols}
    known = constants | {dx, dt, *base}
    unknown = (
        {s for side in sides if isinstance(side, sp.Basic) for s in side.free_symbols}
        - known
        - {p.base.base.label for p in powers}
    )
    unknown = {s for s in unknown if isinstance(s, sp.Symbol)}
    if any(str(s) not in {str(k) for k in known} for s in unknown):
        shown = ", ".join(sorted(str(s) for s in unknown))
        return unverified(
            claim, f"{where} holds {shown}, which the text does not relate to the steps"
        )
    try:
        return _judged(claim, sides, name, base, (dx, dt), coefficients, claimed, where)
    except (ValueError, sp.PolynomialError) as error:
        return unverified(claim, f"{where} is not read as a linear scheme ({error})")


def _judged(
    claim: Claim,
    sides: Sequence[Any],
    name: str,
    base: tuple[Any, Any],
    steps: tuple[Any, Any],
    coefficients: dict[int, Any],
    claimed: tuple[float, float],
    where: str,
) -> Judgement:
    dx, dt = steps
    largest = int(max(e for e in claimed if e != math.inf))
    samples = _samples(sides, name, base)
    for extra in range(2, 6):
        degrees = (largest + 2 * extra, largest + extra)
        residual = truncation_terms(sides, name, base, steps, degrees)
        scale_terms = _monomials(residual.coeff(_derivative(0, 1)), steps)
        if not scale_terms:
            return unverified(claim, f"{where} does not hold a time derivative")
        low = min(scale_terms, key=lambda k: (k[0] + k[1], k))
        scale = dx ** low[0] * dt ** low[1]
        tau = _through_pde(sp.expand(residual / scale), coefficients, degrees)
        terms = _monomials(tau, steps)
        if not _remainder_dominated(samples, steps, degrees, scale, claimed):
            continue
        bad = sorted(
            (k for k in terms if not _dominated(*k, claimed)), key=lambda k: (k[0] + k[1], k)
        )
        shown = _leading(terms, steps, claimed, name)
        if not bad:
            return right(claim, f"{where} has τ = {shown} + … (with the equation it solves)")
        # wrong only where the residual as written (undivided, which some texts call the
        # truncation error of an update) is not of that order either, through a term that
        # every Taylor term below it makes up in full; and only for an order in both steps
        # (O(Δx^2) alone may mean with Δt tied to Δx^2, as a stability limit ties them)
        for q, p in bad if math.inf not in claimed else ():
            if _dominated(q + low[0], p + low[1], claimed) or not _complete(
                (q, p), samples, steps, degrees, scale
            ):
                continue
            term = _leading({(q, p): terms[(q, p)]}, steps, claimed, name)
            return wrong(
                claim,
                f"{where} has τ = {shown} + …: its term {term} is not of the order claimed",
                witness=f"τ holds {term}",
            )
        if math.inf in claimed:
            return unverified(
                claim,
                f"{where} has τ = {shown} + …: an order in one step holds only with the other "
                "tied to it",
            )
        return unverified(
            claim,
            f"{where} has τ = {shown} + … (the residual divided by {show(scale)}): the order "
            "depends on whether the error is divided by the time step",
        )
    return unverified(claim, f"{where} was not expanded far enough to decide")


def _samples(sides: Sequence[Any], name: str, base: tuple[Any, Any]) -> list[tuple[int, int, Any]]:
    """``(a, b, weight)`` of each sample ``u_{j+a}^{n+b}`` of the scheme ``left − right``."""
    j, n = base
    residual = sp.expand(sides[0] - sides[1])
    powers = [
        p
        for p in residual.atoms(sp.Pow)
        if isinstance(p.base, sp.Indexed) and str(p.base.base.label) == name
    ]
    dummies = {power: sp.Dummy() for power in powers}
    plain = residual.xreplace(dummies)
    found = []
    for power, dummy in dummies.items():
        a, b = sp.expand(power.base.indices[0] - j), sp.expand(power.exp - n)
        found.append((int(a), int(b), sp.expand(plain.coeff(dummy))))
    return found


def _first_moment(weights: Sequence[tuple[int, Any]], limit: int) -> int:
    """The least ``r`` with ``Σ w_i a_i^r ≠ 0`` (``limit`` if none below it): the power of
    ``Δx`` that ``Σ w_i g(x + a_i Δx)`` is of, for a smooth ``g``."""
    for r in range(limit):
        if sp.simplify(sum(w * sp.Integer(a) ** r for a, w in weights)) != 0:
            return r
    return limit


def _remainder_dominated(
    samples: Sequence[tuple[int, int, Any]],
    steps: tuple[Any, Any],
    degrees: tuple[int, int],
    scale: Any,
    claimed: tuple[float, float],
) -> bool:
    """Whether every term the Taylor polynomials of degrees ``(M, K)`` leave out is of the
    claimed order (after division by ``scale``):

    * in space, each sample's weight times ``Δx^{M+1} Δt^k`` (``k ≤ K``; none for a sample at
      the base's point in space);
    * in time, the samples of one time level ``b ≠ 0`` together (their remainders share one
      integral kernel): ``Δt^{K+1}`` times ``Δx^r`` (``r`` their first moment that does not
      vanish, :func:`_first_moment`) times each of their weights."""
    space, time = degrees
    for a, _, weight in samples:
        if a == 0:
            continue
        for qc, pc in _monomials(sp.expand(weight / scale), steps):
            if not _dominated(qc + space + 1, pc, claimed):
                return False
    # one group for each time level and each power of the steps in the weights: Σ over
    # monomials μ of μ · Σ_i c_{i,μ} R_i, each inner sum of the order of its first moment
    groups: dict[tuple[int, int, int], list[tuple[int, Any]]] = {}
    for a, b, weight in samples:
        if b == 0:
            continue
        for (qc, pc), c in _monomials(sp.expand(weight / scale), steps).items():
            groups.setdefault((b, qc, pc), []).append((a, c))
    for (_, qc, pc), group in groups.items():
        r = _first_moment(group, space + 1)
        if not _dominated(qc + r, pc + time + 1, claimed):
            return False
    return True


def _complete(
    term: tuple[int, int],
    samples: Sequence[tuple[int, int, Any]],
    steps: tuple[Any, Any],
    degrees: tuple[int, int],
    scale: Any,
) -> bool:
    """Whether the monomial ``term`` of τ holds every Taylor term that makes it up (each of
    degree at most ``M`` in space and ``K`` in time)."""
    q, p = term
    for a, b, weight in samples:
        for qc, pc in _monomials(sp.expand(weight / scale), steps):
            m, k = q - qc, p - pc
            if m < 0 or k < 0 or (m > 0 and a == 0) or (k > 0 and b == 0):
                continue
            if m > degrees[0] or k > degrees[1]:
                return False
    return True


def _leading(
    terms: dict[tuple[int, int], Any],
    steps: tuple[Any, Any],
    claimed: tuple[float, float],
    name: str,
) -> str:
    """The terms of τ of lowest weight ``q/b + p/a`` (the leading ones against the claimed
    order), shown with the derivatives of ``name`` written out."""
    if not terms:
        return "0"
    dx, dt = steps
    b, a = claimed

    def weight(key: tuple[int, int]) -> float:
        q, p = key
        return (q / b if b != math.inf else 0) + (p / a if a != math.inf else 0) + 1e-9 * (q + p)

    low = min(weight(k) for k in terms)
    x, t = sp.symbols("x t")
    function = sp.Function(name)(x, t)
    derivatives = {}
    for c in terms.values():
        for symbol in c.free_symbols:
            if isinstance(symbol, sp.Symbol) and symbol.name.startswith("D_{"):
                order = int(symbol.name[3:].split(",")[0])
                derivatives[symbol] = sp.Derivative(function, (x, order)) if order else function
    kept = [
        (c.xreplace(derivatives)) * dx**q * dt**p
        for (q, p), c in sorted(terms.items())
        if weight((q, p)) <= low + 1e-6
    ]
    return show(sp.Add(*kept))
