"""Taylor expansion of a claim's sides in its small quantity (``h``, ``Δt``), exactly.

Every application of an undefined function at a shifted point is expanded about its base point,

    f(x + a h, y + b h) = Σ_{|α| ≤ N} (a h)^{α₁} (b h)^{α₂} / (α₁! α₂!) ∂^α f(x, y),

(Taylor's theorem; the multi-index form as in Fornberg 1988 and LeVeque, *Finite Difference
Methods*, §1.1), so both sides become polynomials in a bookkeeping variable ε (each small symbol
``s`` is read as ``ε s``) with coefficients in the derivatives ``∂^α f`` at the base point. A
claim ``= … + O(h^n)`` holds when the coefficients of ε^k agree for k < n; ``≈`` holds to leading
order when the difference starts at a higher power of ε than the left side.

Where the writer has already put h = 1 (``x''(t) ≈ x(t+1) + x(t-1) - 2x(t)``), the integer
offsets are re-scaled to multiples of h and each derivative written by the writer is weighted by
h^{order}: ``x''(t)`` stands for ``h^2 x''(t)`` when offsets count steps of h.

    >>> import sympy as sp
    >>> t, h = sp.symbols("t h"); x = sp.Function("x")
    >>> setup = setup_for([x(t + h) + x(t - h) - 2 * x(t)])
    >>> sorted(map(str, setup.small)), setup.rescale
    (['h'], False)
    >>> e = expand(x(t + h) + x(t - h) - 2 * x(t), setup, 5)
    >>> e.coefficient(2), e.coefficient(4)
    (h**2*Derivative(x(t), (t, 2)), h**4*Derivative(x(t), (t, 4))/12)
    >>> setup = setup_for([sp.Derivative(x(t), (t, 2)), x(t + 1) + x(t - 1) - 2 * x(t)])
    >>> setup.rescale, expand(sp.Derivative(x(t), (t, 2)), setup, 4).lowest()
    (True, 2)
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symconv.check import nodes
from symconv.check.shown import show

__all__ = [
    "Expansion",
    "ExpansionError",
    "Setup",
    "expand",
    "grid_points_as_coordinates",
    "grid_samples_as_functions",
    "is_step",
    "order_of",
    "setup_for",
    "small_entries_as_symbols",
]

#: Names read as small steps when they appear in a shifted argument.
SMALL_NAMES = frozenset({"h", "dt", "dx", "dy", "ds", "epsilon", "varepsilon"})
EPSILON = sp.Symbol("varepsilon_expansion")
#: Step symbol introduced when the writer put h = 1.
STEP = sp.Symbol("h")


class ExpansionError(Exception):
    """The expression is outside what is expanded here (the reason is the message)."""


@dataclass(frozen=True)
class Setup:
    """What is small, where each function is expanded, and whether offsets are re-scaled."""

    small: frozenset[sp.Symbol]
    bases: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    rescale: bool = False

    @property
    def step_names(self) -> str:
        return ", ".join(sorted(s.name for s in self.small)) or "h"


@dataclass(frozen=True)
class Expansion:
    """Coefficients by power of ε, and the ``O(ε^order)`` the expression carries (if any)."""

    terms: dict[int, Any]
    order: int | None
    computed_to: int

    def coefficient(self, power: int) -> Any:
        return self.terms.get(power, sp.Integer(0))

    def lowest(self) -> int | None:
        """The lowest power with a nonzero coefficient (None: zero as far as computed)."""
        powers = [k for k, c in self.terms.items() if sp.expand(c) != 0]
        return min(powers) if powers else None

    def truncated(self, below: int) -> Any:
        """The sum of the terms of power < ``below`` (ε set to 1)."""
        return sp.Add(*[c for k, c in sorted(self.terms.items()) if k < below])


def _the_step(exprs: Sequence[Any]) -> sp.Symbol | None:
    """The one step name (``h``, ``\\Delta x``) the expressions write, or None (none, or two)."""
    steps = {
        symbol
        for expr in exprs
        for symbol in expr.free_symbols
        if isinstance(symbol, sp.Symbol) and _is_small_name(symbol)
    }
    return steps.pop() if len(steps) == 1 else None


def is_step(symbol: sp.Symbol) -> bool:
    """Whether a symbol has the name of a step: ``h``, ``h_m``, ``dt``, ``Δx``, ``δ``."""
    return _is_small_name(symbol)


def _is_small_name(symbol: sp.Symbol) -> bool:
    name = symbol.name.replace("\\", "").replace(" ", "")
    stem = name.partition("_")[0]  # h_m, h_p: the steps of a non-uniform grid
    if re.fullmatch(r"(?:Delta|delta|nabla)_\{?h\}?", name):
        return False  # δ_h, Δ_h: the difference operator of step h (δ_h f(x)), not a step
    return stem in SMALL_NAMES or name.startswith("Delta") or name.startswith("delta")


def small_entries_as_symbols(expr: Any) -> Any:
    """``expr`` with each entry of a small name (``h_{m}``, read as the entry ``h[m]``) made a
    symbol ``h_m``, so that the steps of a non-uniform grid are small like ``h``.

    >>> h, m = sp.IndexedBase("h"), sp.Symbol("m")
    >>> small_entries_as_symbols(h[m] + h[m] ** 2)
    h_m**2 + h_m
    """
    if not isinstance(expr, sp.Basic):
        return expr
    entries = {
        entry: sp.Symbol(f"{entry.base.label}_{_subscript(entry.indices)}")
        for entry in expr.atoms(sp.Indexed)
        if _is_small_name(sp.Symbol(str(entry.base.label)))
    }
    return expr.xreplace(entries) if entries else expr


def grid_samples_as_functions(sides: Sequence[Any]) -> tuple[Any, ...]:
    """The samples of a function on a uniform grid, ``f_{i+k}`` with the step ``Δx`` (and
    ``∂_x f_i``), read as ``f(x + kΔx)`` (and ``∂_x f(x)``): the convention of every
    finite-difference text, ``f_i = f(x_i)``, ``x_{i+k} = x_i + kΔx``. Sides unchanged unless
    each sample has one index, all of them the same index symbol shifted by integers, and the
    claim has one step (``Δx``, ``h``) that matches the variable of its derivatives.

    >>> f, i, x, dx = sp.IndexedBase("f"), sp.Symbol("i"), sp.Symbol("x"), sp.Symbol("Delta x")
    >>> grid_samples_as_functions([(f[i + 1] - f[i]) / dx, sp.Derivative(f[i], x)])
    ((-f(x) + f(Delta x + x))/Delta x, Derivative(f(x), x))
    """
    exprs = [side for side in sides if isinstance(side, sp.Basic)]
    if len(exprs) != len(sides):
        return tuple(sides)
    samples = {
        entry
        for expr in exprs
        for entry in expr.atoms(sp.Indexed)
        if any(index.free_symbols for index in entry.indices)  # a_{-2}: a constant, not a sample
        and not _is_small_name(sp.Symbol(str(entry.base.label)))
    }
    if not samples or any(len(entry.indices) != 1 for entry in samples):
        return tuple(sides)
    index_symbols = {s for entry in samples for s in entry.indices[0].free_symbols}
    if len(index_symbols) != 1:
        return tuple(sides)
    (index,) = index_symbols
    offsets = {entry: sp.expand(entry.indices[0] - index) for entry in samples}
    if not all(offset.is_Integer for offset in offsets.values()):
        return tuple(sides)
    step = _the_step(exprs)
    if step is None:
        return tuple(sides)
    variables = {v for expr in exprs for d in expr.atoms(sp.Derivative) for v in d.variables}
    stem = re.sub(r"^(?:\\?Delta|\\?delta|d)\s*", "", step.name.replace("\\", "")).strip()
    if len(variables) > 1 or (variables and stem and stem != "h" and
                              {str(v) for v in variables} != {stem}):  # fmt: skip
        return tuple(sides)
    coordinate = next(iter(variables)) if variables else sp.Symbol(stem if stem != "h" else "x")
    if not isinstance(coordinate, sp.Symbol) or coordinate in (index, step):
        return tuple(sides)
    replacements: dict[Any, Any] = {}
    sampled = {str(entry.base.label) for entry in samples}
    # f'_i, u''_{j+1}: a sample of a derivative of a sampled function (primes on its name)
    for entry, offset in offsets.items():
        primed = re.fullmatch(r"(.+?)('+)", str(entry.base.label))
        if primed and primed.group(1) in sampled:
            at = sp.Function(primed.group(1))(coordinate + offset * step)
            replacements[entry] = sp.Derivative(at, (coordinate, len(primed.group(2))))
    series = any(isinstance(d.expr, sp.Symbol) for e in exprs for d in e.atoms(sp.Derivative))
    for expr in exprs:
        for derivative in expr.atoms(sp.Derivative):
            inner = derivative.expr
            if isinstance(inner, sp.Symbol) and inner.name in sampled:
                # ∂_x f beside f_{i±k}: the derivative at the base point of the samples
                function, point = sp.Function(inner.name), coordinate
            elif isinstance(inner, sp.Indexed) and inner in offsets:
                function = sp.Function(str(inner.base.label))
                point = coordinate + offsets[inner] * step
            else:
                return tuple(sides)
            replacements[derivative] = sp.Derivative(function(point), *derivative.variable_count)
        if not series:
            continue
        # f_0 in a Taylor series of f_{i±k} (with ∂_x f, ∂_x^2 f): its 0-th term, the value
        # at the base point, as finite-difference texts number the points around it
        for entry in expr.atoms(sp.Indexed):
            if str(entry.base.label) in sampled and entry.indices == (0,):
                replacements[entry] = sp.Function(str(entry.base.label))(coordinate)
        for symbol in expr.free_symbols:
            stem, _, index = str(symbol).partition("_")
            if stem in sampled and index.strip("{}") == "0":
                replacements[symbol] = sp.Function(stem)(coordinate)
    for entry, offset in offsets.items():
        replacements.setdefault(
            entry, sp.Function(str(entry.base.label))(coordinate + offset * step)
        )
    return tuple(expr.xreplace(replacements) for expr in exprs)


def grid_points_as_coordinates(
    sides: Sequence[Any], grids: Mapping[str, Any] | None = None
) -> tuple[Any, ...]:
    """A function evaluated at grid points beside its samples — ``f'(x_i) ≈ (f_{i+1} −
    f_{i-1})/2h``, ``f(x_{i+1}) = f(x_i) + h f'(x_i) + …`` — read on a uniform grid: ``x_{i+k}``
    is ``x + k h`` and ``f_{i+k}`` is ``f(x_{i+k})`` (``f_i = f(x_i)``, the convention of every
    finite-difference text). Sides unchanged unless the points are entries of one name with
    one index shifted by integers, the samples are entries of a name the claim applies as a
    function with the same index, and the claim has one step. ``grids``: the steps of the
    grids the document defines (:func:`~symconv.check.judges.grid_points.uniform_grids`) — a
    grid it defines otherwise (None: not uniform), or with another step, is not read so.

    >>> f, x, i, h = sp.IndexedBase("f"), sp.IndexedBase("x"), sp.Symbol("i"), sp.Symbol("h")
    >>> xi = sp.Symbol("xi")
    >>> slope = sp.Subs(sp.Derivative(sp.Function("f")(xi), xi), xi, x[i])
    >>> grid_points_as_coordinates([slope, (f[i + 1] - f[i - 1]) / (2 * h)])
    (Derivative(f(x), x), (-f(-h + x) + f(h + x))/(2*h))
    """
    exprs = [side for side in sides if isinstance(side, sp.Basic)]
    if len(exprs) != len(sides):
        return tuple(sides)
    points: set[sp.Indexed] = set()
    functions: set[str] = set()
    for expr in exprs:
        for application in expr.atoms(AppliedUndef):
            functions.add(application.func.__name__)
            points |= {e for argument in application.args for e in argument.atoms(sp.Indexed)}
        for substitution in expr.atoms(sp.Subs):
            points |= {e for point in substitution.point for e in point.atoms(sp.Indexed)}
    if not points or any(len(e.indices) != 1 for e in points):
        return tuple(sides)
    if len({str(e.base.label) for e in points}) != 1:
        return tuple(sides)
    name = str(next(iter(points)).base.label)
    index_symbols = {s for e in points for s in e.indices[0].free_symbols}
    if len(index_symbols) != 1:
        return tuple(sides)
    (index,) = index_symbols
    samples = {e for expr in exprs for e in expr.atoms(sp.Indexed) if str(e.base.label) != name}
    entries = points | samples
    if any(len(e.indices) != 1 or not sp.expand(e.indices[0] - index).is_Integer for e in entries):
        return tuple(sides)
    if any(str(e.base.label) not in functions for e in samples):
        return tuple(sides)  # an entry of something not evaluated as a function: another meaning
    step = _the_step(exprs)
    if step is None or (grids is not None and name in grids and grids[name] != step):
        return tuple(sides)
    coordinate = sp.Symbol(name)
    replacements: dict[Any, Any] = {}
    for entry in entries:
        at = coordinate + sp.expand(entry.indices[0] - index) * step
        replacements[entry] = at if entry in points else sp.Function(str(entry.base.label))(at)
    return tuple(
        expr.xreplace(replacements).replace(lambda e: isinstance(e, sp.Subs), lambda e: e.doit())
        for expr in exprs
    )


def intermediate_points(sides: Sequence[Any]) -> dict[sp.Symbol, sp.Symbol]:
    """The intermediate points of a remainder in mean-value form: ``ξ`` in
    ``f(x+h) = f(x) + h f'(x) + \\frac{h^2}{2} f''(ξ)``, a point at which a function is
    evaluated that appears nowhere else, beside one other bare point ``x`` of the same function
    (Taylor's theorem: ξ lies between x and x + h, so ξ → x as h → 0). Maps ξ to x.

    >>> f, x, xi, h = sp.Function("f"), *sp.symbols("x xi h")
    >>> intermediate_points([f(x + h), f(x) + h**2 * sp.Derivative(f(xi), (xi, 2)) / 2])
    {xi: x}
    """
    points: dict[str, set[sp.Symbol]] = {}
    shifted: dict[str, set[sp.Symbol]] = {}
    elsewhere: set[sp.Symbol] = set()
    for side in sides:
        if not isinstance(side, sp.Basic):
            continue
        for application in side.atoms(AppliedUndef):
            name = application.func.__name__
            if len(application.args) != 1:
                return {}
            (argument,) = application.args
            if isinstance(argument, sp.Symbol):
                points.setdefault(name, set()).add(argument)
            else:
                shifted.setdefault(name, set()).update(argument.free_symbols)
        stripped = side.replace(
            lambda e: isinstance(e, sp.Derivative) and isinstance(e.expr, AppliedUndef),
            lambda e: sp.Integer(1),
        ).replace(lambda e: isinstance(e, AppliedUndef), lambda e: sp.Integer(1))
        elsewhere |= {s for s in stripped.free_symbols if isinstance(s, sp.Symbol)}
    found: dict[sp.Symbol, sp.Symbol] = {}
    for name, at in points.items():
        if len(at) != 2:
            continue
        for point in at:
            (base,) = at - {point}
            around = shifted.get(name, set())
            if base in around and point not in around and point not in elsewhere:
                found[point] = base
    return found if len(found) == 1 else {}


def differentials_as_steps(sides: Sequence[Any]) -> tuple[Any, ...]:
    """``d·x`` read as the step ``dx`` where ``x`` is a variable the function is applied at or
    differentiated by (``f(x + dx)``, ``/dx``): the reader sees the letters d and x, the writer
    meant the differential. Sides unchanged where ``d`` is not such a prefix.

    >>> f, x, d = sp.Function("f"), sp.Symbol("x"), sp.Symbol("d")
    >>> differentials_as_steps(((f(x + d * x) - f(x)) / (d * x), sp.Integer(0)))
    ((-f(x) + f(dx + x))/dx, 0)
    """
    d = sp.Symbol("d")
    exprs = [side for side in sides if isinstance(side, sp.Basic)]
    if not any(d in side.atoms(sp.Symbol) for side in exprs):  # (atoms: also under a limit)
        return tuple(sides)
    variables = _derivative_variables(exprs)
    for application in _applications(exprs):
        for argument in application.args:
            variables |= {s for s in argument.free_symbols if isinstance(s, sp.Symbol)}
    variables.discard(d)
    steps = {d * v: sp.Symbol(f"d{v.name}") for v in variables if len(v.name) == 1}

    def substituted(expr: Any) -> Any:
        if not isinstance(expr, sp.Basic):
            return expr
        # a limit's variable (d x) is bound: rebuild the limit around the step
        expr = expr.replace(
            lambda e: isinstance(e, sp.Limit),
            lambda e: sp.Limit(substituted(e.args[0]), e.args[1].subs(steps), *e.args[2:]),
        )
        # subs, not xreplace: 1/(d x) is stored as d**-1 * x**-1, which only subs sees
        return expr.subs(steps)

    replaced = [substituted(side) for side in sides]
    if any(d in side.atoms(sp.Symbol) for side in replaced if isinstance(side, sp.Basic)):
        return tuple(sides)  # d stands alone somewhere: not (only) a differential
    return tuple(replaced)


def _subscript(indices: Sequence[Any]) -> str:
    """``m`` for ``h[m]``; ``{p + 1}`` for ``h[p + 1]``."""
    if len(indices) == 1 and isinstance(indices[0], sp.Symbol | sp.Integer):
        return str(indices[0])
    return "{" + ",".join(sp.latex(index) for index in indices) + "}"


def _applications(exprs: Iterable[Any]) -> list[AppliedUndef]:
    found: set[AppliedUndef] = set()
    for expr in exprs:
        if isinstance(expr, sp.Basic):
            found |= {a for a in expr.atoms(AppliedUndef)}
    return sorted(found, key=str)


def _derivative_variables(exprs: Iterable[Any]) -> set[sp.Symbol]:
    found: set[sp.Symbol] = set()
    for expr in exprs:
        if isinstance(expr, sp.Basic):
            for derivative in expr.atoms(sp.Derivative):
                found |= {v for v in derivative.variables if isinstance(v, sp.Symbol)}
    return found


def _order_symbols(exprs: Iterable[Any]) -> set[sp.Symbol]:
    found: set[sp.Symbol] = set()
    for expr in exprs:
        if isinstance(expr, sp.Basic):
            for term in expr.atoms(nodes.BigO):
                found |= {s for s in term.args[0].free_symbols if isinstance(s, sp.Symbol)}
    return found


def setup_for(exprs: Sequence[Any]) -> Setup:
    """Find the small symbols and each function's base point in ``exprs`` (both sides)."""
    applications = _applications(exprs)
    if not applications:
        raise ExpansionError("no function of a shifted argument to expand")
    coordinates = _derivative_variables(exprs)
    for application in applications:
        coordinates |= {a for a in application.args if isinstance(a, sp.Symbol)}
    small = {s for s in _order_symbols(exprs)}
    for expr in exprs:  # lim_{h→0}: the limit's variable is a step (bound, so not a free symbol)
        if isinstance(expr, sp.Basic):
            small |= {lim.args[1] for lim in expr.atoms(sp.Limit) if lim.args[1].is_Symbol}
    for expr in exprs:
        # h, Δt, Δ: small wherever they are written (also alone in a denominator)
        for symbol in getattr(expr, "free_symbols", set()):
            if isinstance(symbol, sp.Symbol) and _is_small_name(symbol):
                small.add(symbol)
    coordinates -= small
    if not small and coordinates:
        # no step of a known name (h, Δx, dt): the one other letter of the shifts, u(s + k)
        # beside u(s) or u''(s), is the step
        others: set[sp.Symbol] = set()
        for application in applications:
            for argument in application.args:
                others |= {x for x in argument.free_symbols if isinstance(x, sp.Symbol)}
        others -= coordinates
        if len(others) == 1:
            small = others
    bases: dict[str, tuple[Any, ...]] = {}
    rescale = False
    for application in applications:
        base = []
        for argument in application.args:
            constant, rest = (
                argument.as_independent(*small, as_Add=True) if small else (argument, 0)
            )
            number, variable = sp.Add(constant).as_coeff_Add()
            if not small and number != 0:
                rescale = True
            point = variable if not small else constant
            if small and number != 0 and not rest:
                point = constant  # f(x + 1) with a step elsewhere: a real offset of 1
            if not (isinstance(point, sp.Symbol) or point == 0):
                raise ExpansionError(f"{application}: the base point {point} is not a coordinate")
            base.append(point)
        name = application.func.__name__
        previous = bases.get(name)
        if previous is not None and previous != tuple(base):
            raise ExpansionError(
                f"{name} is expanded about two points, {previous} and {tuple(base)}"
            )
        bases[name] = tuple(base)
    if rescale and small:
        rescale = False
    return Setup(
        frozenset(small) if small else frozenset({STEP}) if rescale else frozenset(), bases, rescale
    )


def _shifts(application: AppliedUndef, setup: Setup) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """The base point and the shifts (already multiplied by ε) of an application."""
    base = setup.bases[application.func.__name__]
    shifts = []
    for argument, point in zip(application.args, base, strict=True):
        shift = sp.expand(argument - point)
        if setup.rescale:
            shift = shift * STEP * EPSILON
        else:
            shift = shift.xreplace({s: s * EPSILON for s in setup.small})
        if shift.free_symbols - set(setup.small) - {EPSILON, STEP}:
            raise ExpansionError(f"{application}: the shift {argument - point} is not small")
        shifts.append(shift)
    return base, tuple(shifts)


def _derivative_atom(function: Any, base: Sequence[Any], alpha: Sequence[int]) -> Any:
    applied = function(*base)
    counts = [(point, a) for point, a in zip(base, alpha, strict=True) if a]
    if not counts:
        return applied
    if any(not isinstance(point, sp.Symbol) for point, _ in counts):
        raise ExpansionError(f"a derivative of {applied} at a point that is not a coordinate")
    return sp.Derivative(applied, *counts)


def _taylor(application: AppliedUndef, setup: Setup, alpha0: Sequence[int], terms: int) -> Any:
    base, shifts = _shifts(application, setup)
    function = application.func
    dims = len(base)
    total = []
    for degree in range(terms + 1):
        for alpha in _multi_indices(degree, dims):
            coefficient = sp.Integer(1)
            for shift, a in zip(shifts, alpha, strict=True):
                if a:
                    if shift == 0:
                        coefficient = sp.Integer(0)
                        break
                    coefficient *= shift**a / math.factorial(a)
            if coefficient == 0:
                continue
            derivative = [a + b for a, b in zip(alpha, alpha0, strict=True)]
            total.append(coefficient * _derivative_atom(function, base, derivative))
    return sp.Add(*total)


def _multi_indices(degree: int, dims: int) -> list[tuple[int, ...]]:
    return [c for c in itertools.product(range(degree + 1), repeat=dims) if sum(c) == degree]


def order_of(term: Any, setup: Setup) -> int:
    """The power of ε of ``O(term)``: the lowest total degree of ``term`` in the small symbols."""
    argument = term.args[0] if isinstance(term, nodes.BigO) else term
    scaled = sp.expand(argument.xreplace({s: s * EPSILON for s in setup.small}))
    if EPSILON not in scaled.free_symbols:
        raise ExpansionError(f"O({argument}) is not an order in {setup.step_names}")
    return min(by_power(scaled, setup))


def expand(expr: Any, setup: Setup, terms: int) -> Expansion:
    """The expansion of ``expr`` in ε with ``terms`` Taylor terms per application."""
    orders: list[int] = []
    expanded = _expand(expr, setup, terms, orders)
    result = by_power(sp.expand(expanded), setup)
    return Expansion(result, min(orders) if orders else None, terms)


def by_power(expanded: Any, setup: Setup) -> dict[int, Any]:
    """The coefficients of an expanded sum by power of ε (``collect`` without its limits on
    derivatives in several variables)."""
    result: dict[int, Any] = {}
    if isinstance(expanded, sp.MatrixBase) or (
        isinstance(expanded, sp.Basic) and expanded.has(sp.MatrixBase)
    ):
        raise ExpansionError("a matrix is not a series in a step")
    for term in sp.Add.make_args(expanded):
        power, coefficient = epsilon_power(term)
        if coefficient.has(EPSILON):
            written = show(term.xreplace({EPSILON: sp.Integer(1)}))
            raise ExpansionError(f"{written} is not a term of a series in {setup.step_names}")
        result[power] = result.get(power, 0) + coefficient
    return {k: v for k, v in result.items() if v != 0} or {0: sp.Integer(0)}


def epsilon_power(term: Any) -> tuple[int, Any]:
    """``(n, c)`` for a product term ``c ε^n`` (a factor ``1/(h_m ε (h_m ε + h_p ε))`` of a
    non-uniform grid has its ε taken out of the sum first)."""
    power = 0
    rest = []
    factors = []
    for factor in sp.Mul.make_args(term):
        if factor.has(EPSILON) and not factor.is_Symbol and not isinstance(factor, sp.Pow | sp.Mul):
            factors.append(factor)
        elif isinstance(factor, sp.Pow) and factor.base.is_Add and factor.base.has(EPSILON):
            taken_out = sp.expand_power_base(sp.factor_terms(factor), force=True)
            factors.extend(sp.Mul.make_args(taken_out))
        else:
            factors.append(factor)
    for factor in factors:
        if factor == EPSILON:
            power += 1
        elif isinstance(factor, sp.Pow) and factor.base == EPSILON and factor.exp.is_Integer:
            power += int(factor.exp)
        else:
            rest.append(factor)
    return power, sp.Mul(*rest)


def _expand(expr: Any, setup: Setup, terms: int, orders: list[int]) -> Any:
    if isinstance(expr, nodes.BigO):
        orders.append(order_of(expr, setup))
        return sp.Integer(0)
    if isinstance(expr, AppliedUndef):
        return _taylor(expr, setup, (0,) * len(expr.args), terms)
    if isinstance(expr, sp.Derivative):
        inner = expr.expr
        if isinstance(inner, sp.Symbol) and inner.name in setup.bases:
            # ∂⁴f/∂x⁴ written without the arguments: f at the point the formula expands about
            inner = sp.Function(inner.name)(*setup.bases[inner.name])
        if not isinstance(inner, AppliedUndef):
            raise ExpansionError(f"a derivative of {inner}, not of a function")
        base = setup.bases[inner.func.__name__]
        alpha0 = [0] * len(base)
        for variable, count in expr.variable_count:
            positions = [k for k, point in enumerate(base) if point == variable]
            if len(positions) != 1:
                raise ExpansionError(f"{expr}: {variable} is not one argument of {inner.func}")
            alpha0[positions[0]] += int(count)
        weight = (STEP * EPSILON) ** sum(alpha0) if setup.rescale else 1
        return weight * _taylor(inner, setup, alpha0, terms)
    if isinstance(expr, nodes.Nabla):
        operand = expr.operand
        if expr.power != 2 or not isinstance(operand, AppliedUndef) or len(expr.args) > 2:
            raise ExpansionError(f"{expr}: only the Laplacian ∇² of a function is expanded")
        dims = len(operand.args)
        weight = (STEP * EPSILON) ** 2 if setup.rescale else 1
        laplacian = []
        for axis in range(dims):
            alpha0 = [0] * dims
            alpha0[axis] = 2
            laplacian.append(_taylor(operand, setup, alpha0, terms))
        return weight * sp.Add(*laplacian)
    if isinstance(expr, sp.Symbol):
        return expr * EPSILON if expr in setup.small and not setup.rescale else expr
    if not isinstance(expr, sp.Basic) or not expr.args:
        return expr
    if isinstance(expr, tuple(c for c in nodes.NODE_CLASSES if c is not nodes.BigO)):
        raise ExpansionError(f"{type(expr).__name__} cannot be expanded")
    return expr.func(*[_expand(arg, setup, terms, orders) for arg in expr.args])
