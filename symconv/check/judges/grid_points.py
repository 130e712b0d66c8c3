"""The grid a finite-difference text defines, and its numbered points read as coordinates.

A text names its grid points before it uses them: *where* ``x_k = x_0 + kh``, *let*
``x_{i+1} = x_i + h``, ``t_n = n\\Delta t``. A claim written at numbered points —
``f'(x_0) \\approx \\frac{-3 f(x_0) + 4 f(x_1) - f(x_2)}{2h}``, ``f(x_2) = f(x_0) + 2h f'(x_0) +
…`` — is a claim about one function at shifted points only through that definition, so the
points are read through it, never through a guess:

* :func:`uniform_grids` — the uniform step of each name the document's relations define
  (``x[k] = A + k s`` with ``A`` free of ``k``; ``x[i+1] = x[i] + s``, also written
  ``x_{i+1} - x_i = h``; ``s`` a step name such as ``h``, ``Δt``, ``h/2``); a name related to
  its entries in any other way (``x_{i+1} = x_i + h_i``, ``x_k = x_0 + k^2 h``) maps to None:
  its grid is not uniform, or not known to be.
* :func:`numbered_points_as_coordinates` — on a uniform grid of step ``s``, ``x_m`` (``m`` an
  integer, written ``x_1`` or ``x_{-1}``) is ``x_0 + m s``: the base point ``x_0`` is the
  document's own point 0, whatever ``A`` is (``x_m = x_0 + m s`` follows from either form).
  Sides unchanged where a derivative is taken at a point other than ``x_0`` (the expansion
  is about one point) or where no numbered point of a defined grid appears.

    >>> x, k, h, f = sp.IndexedBase("x"), sp.Symbol("k"), sp.Symbol("h"), sp.Function("f")
    >>> grids = uniform_grids([(x[k], sp.Symbol("x_0") + k * h)])
    >>> grids
    {'x': h}
    >>> x0, x1 = sp.symbols("x_0 x_1")
    >>> numbered_points_as_coordinates([sp.Derivative(f(x0), x0), (f(x1) - f(x0)) / h], grids)
    (Derivative(f(x_0), x_0), (-f(x_0) + f(h + x_0))/h)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symconv.check.judges.expansion import ExpansionError, is_step

__all__ = [
    "numbered_points_as_coordinates",
    "numbered_samples_as_functions",
    "space_time_samples_as_functions",
    "uniform_grids",
]

#: A point numbered by an integer, read as a symbol: ``x_1``, ``x_{2}``, ``t_{-1}``.
_NUMBERED = re.compile(r"(?P<name>[A-Za-z\\]+)_\{?(?P<number>-?\d+)\}?")


def uniform_grids(relations: Iterable[tuple[Any, Any]]) -> dict[str, Any]:
    """``name → step`` for each grid the relations define as uniform; ``name → None`` for a
    name whose entries a relation relates in another way (a later relation about a name
    replaces an earlier one).

    >>> x, t, i, n = sp.IndexedBase("x"), sp.IndexedBase("t"), *sp.symbols("i n")
    >>> h, dt, hi = sp.Symbol("h"), sp.Symbol("Delta t"), sp.IndexedBase("h")[sp.Symbol("i")]
    >>> uniform_grids([(x[i + 1], x[i] + h), (t[n], n * dt)])
    {'x': h, 't': Delta t}
    >>> uniform_grids([(x[i + 1] - x[i], h)]), uniform_grids([(x[i + 1], x[i] + hi)])
    ({'x': h}, {'x': None})
    >>> uniform_grids([(x[i], i**2 * h)])
    {'x': None}
    """
    grids: dict[str, Any] = {}
    for lhs, rhs in relations:
        if not (isinstance(lhs, sp.Expr) and isinstance(rhs, sp.Expr)):
            continue
        relation = sp.expand(lhs - rhs)
        entries = [
            e
            for e in relation.atoms(sp.Indexed)
            if len(e.indices) == 1
            and e.indices[0].free_symbols
            and not is_step(sp.Symbol(str(e.base.label)))  # h_i: a step, not a point
        ]
        names = {str(e.base.label) for e in entries}
        if len(names) != 1:
            continue
        (name,) = names
        grids[name] = _uniform_step(relation, entries)
    return grids


def _uniform_step(relation: Any, entries: Sequence[sp.Indexed]) -> Any:
    """The step of ``relation = 0`` read as a uniform grid of the entries, or None."""
    indices = {s for e in entries for s in e.indices[0].free_symbols}
    if len(indices) != 1 or len(entries) > 2:
        return None
    (index,) = indices
    if any(not sp.expand(e.indices[0] - index).is_Integer for e in entries):
        return None
    dummies = {e: sp.Dummy() for e in entries}
    plain = relation.xreplace(dummies)
    if not plain.is_polynomial(*dummies.values()):
        return None
    coefficients = [plain.coeff(d) for d in dummies.values()]
    if any(c.free_symbols or c == 0 for c in coefficients):
        return None
    rest = sp.expand(
        plain - sum(c * d for c, d in zip(coefficients, dummies.values(), strict=True))
    )
    if rest.has(*dummies.values()):
        return None
    if len(entries) == 1:
        # x[k + c] = A + k s: solved for the entry, linear in k with a step for slope
        value = sp.expand(-rest / coefficients[0])
        if not value.is_polynomial(index) or sp.degree(value, index) != 1:
            return None
        step = value.coeff(index, 1)
    else:
        # x[i + c₁] − x[i + c₂] = r: a constant difference between points c₁ − c₂ apart
        if coefficients[0] != -coefficients[1] or rest.has(index):
            return None
        first, second = entries
        gap = sp.expand(first.indices[0] - second.indices[0])
        step = sp.expand(-rest / coefficients[0] / gap)
    return step if _is_a_step(step) else None


def _is_a_step(step: Any) -> bool:
    """``h``, ``Δt``, ``h/2``, ``2h``: a number times one step name."""
    if not isinstance(step, sp.Expr) or step == 0:
        return False
    symbols = step.free_symbols
    return (
        len(symbols) == 1
        and all(isinstance(s, sp.Symbol) and is_step(s) for s in symbols)
        and step.as_coeff_Mul()[1] in symbols
    )


def _numbered(point: Any, grids: Mapping[str, Any]) -> tuple[str, int] | None:
    """``(name, m)`` for a point ``x_m`` (a symbol) or ``x[m]`` (an entry) of a defined grid."""
    if isinstance(point, sp.Indexed) and len(point.indices) == 1 and point.indices[0].is_Integer:
        name, number = str(point.base.label), int(point.indices[0])
    elif isinstance(point, sp.Symbol) and (found := _NUMBERED.fullmatch(point.name)):
        name, number = found.group("name"), int(found.group("number"))
    else:
        return None
    return (name, number) if grids.get(name) is not None else None


def numbered_points_as_coordinates(
    sides: Sequence[Any], grids: Mapping[str, Any]
) -> tuple[Any, ...]:
    """The sides with each numbered point ``x_m`` of a uniform grid read as ``x_n + (m − n) s``
    about the point ``x_n`` where the claim takes its derivatives (``x_0`` if it takes none):
    module docstring. Unchanged where nothing is numbered, or derivatives are taken at two
    numbered points; :class:`ExpansionError` where a function is applied at two numbered
    points of a grid the text does not define.

    >>> f, h, x0, x1, x2 = sp.Function("f"), *sp.symbols("h x_0 x_1 x_2")
    >>> numbered_points_as_coordinates([sp.Derivative(f(x1), x1), f(x2) - f(x0)], {"x": h})
    (Derivative(f(x_1), x_1), -f(-h + x_1) + f(h + x_1))
    """
    exprs = [side for side in sides if isinstance(side, sp.Basic)]
    if len(exprs) != len(sides):
        return tuple(sides)
    _undefined_grid(exprs, grids)
    numbered: dict[Any, tuple[str, int]] = {}
    for expr in exprs:
        for point in expr.atoms(sp.Symbol, sp.Indexed):
            found = _numbered(point, grids)
            if found is not None:
                numbered[point] = found
    if not numbered:
        return tuple(sides)
    at = {
        numbered[v]
        for expr in exprs
        for derivative in expr.atoms(sp.Derivative)
        for v in derivative.variables
        if v in numbered
    }
    if len(at) > 1 or len({name for name, _ in numbered.values()}) > 1:
        return tuple(sides)  # derivatives about two points, or two grids
    (name, base) = next(iter(at)) if at else (next(iter(numbered.values()))[0], 0)
    origin = sp.Symbol(f"{name}_{base}")
    replacements = {
        point: origin + (number - base) * grids[name] for point, (_, number) in numbered.items()
    }
    for expr in exprs:
        for derivative in expr.atoms(sp.Derivative):
            if any(v in numbered and replacements[v] != origin for v in derivative.variables):
                return tuple(sides)
        for substitution in expr.atoms(sp.Subs):
            substitution_points = {p for point in substitution.point for p in point.free_symbols}
            if substitution_points & set(numbered):
                return tuple(sides)  # f''(x_1) read as Subs: a derivative away from the base
    return tuple(expr.xreplace(replacements) for expr in exprs)


def _undefined_grid(exprs: Sequence[Any], grids: Mapping[str, Any]) -> None:
    """:class:`ExpansionError` where one function is applied at two numbered points of a grid
    the text does not define (``f(x_0)``, ``f(x_1)``, and no ``x_k = x_0 + kh`` before)."""
    points: dict[tuple[str, str], set[str]] = {}
    for expr in exprs:
        for application in expr.atoms(AppliedUndef):
            for argument in application.args:
                for point in argument.atoms(sp.Symbol, sp.Indexed):
                    if isinstance(point, sp.Indexed) and point.indices[0].is_Integer:
                        stem, shown = (
                            str(point.base.label),
                            f"{point.base.label}_{{{point.indices[0]}}}",
                        )
                    elif isinstance(point, sp.Symbol) and (
                        found := _NUMBERED.fullmatch(point.name)
                    ):
                        stem, shown = (
                            found.group("name"),
                            f"{found.group('name')}_{{{found.group('number')}}}",
                        )
                    else:
                        continue
                    if stem not in grids and not is_step(sp.Symbol(stem)):
                        key = (str(application.func.__name__), stem)
                        points.setdefault(key, set()).add(shown)
    for (_, stem), written in sorted(points.items()):
        if len(written) > 1:
            first, second = sorted(written)[:2]
            raise ExpansionError(
                f"{first} and {second} are points of a grid the text does not define "
                f"(such as {stem}_k = {stem}_0 + kh)"
            )


def _sample(entry: Any) -> tuple[str, int] | None:
    """``(f, m)`` for a sample ``f_m`` written as a symbol (``f_1``) or an entry (``f_{-1}``)."""
    if isinstance(entry, sp.Indexed) and len(entry.indices) == 1 and entry.indices[0].is_Integer:
        return str(entry.base.label), int(entry.indices[0])
    if isinstance(entry, sp.Symbol) and (found := _NUMBERED.fullmatch(entry.name)):
        return found.group("name"), int(found.group("number"))
    return None


def numbered_samples_as_functions(
    sides: Sequence[Any], relations: Iterable[tuple[Any, Any]]
) -> tuple[Any, ...]:
    """The samples ``f_m`` of a function ``f`` the claim applies at numbered points ``x_n``
    read as ``f(x_m)`` — ``f'(x_0) \\approx (-3f_0 + 4f_1 - f_2)/2h``: ``f_k = f(x_k)``, the
    convention of every finite-difference text, unless the document relates ``f_k`` to
    something else. :class:`ExpansionError` where the claim writes samples of ``f`` and
    applies ``f`` at no numbered point (or at points of two grids): the samples are values
    of ``f``, not independent numbers, and where they are is not known.

    >>> f, h, x0 = sp.Function("f"), *sp.symbols("h x_0")
    >>> f0, f1 = sp.symbols("f_0 f_1")
    >>> numbered_samples_as_functions([sp.Derivative(f(x0), x0), (f1 - f0) / h], [])
    (Derivative(f(x_0), x_0), (-f(x_0) + f(x_1))/h)
    """
    exprs = [side for side in sides if isinstance(side, sp.Basic)]
    if len(exprs) != len(sides):
        return tuple(sides)
    functions: dict[str, set[str]] = {}
    for expr in exprs:
        applied = set(expr.atoms(AppliedUndef))
        for application in applied:
            stems = functions.setdefault(str(application.func.__name__), set())
            for argument in application.args:
                for point in argument.free_symbols:
                    point_name = _NUMBERED.fullmatch(str(point))
                    if point_name and not is_step(point):
                        stems.add(point_name.group("name"))
    samples = {
        entry: sample
        for expr in exprs
        for entry in expr.atoms(sp.Symbol, sp.Indexed)
        if (sample := _sample(entry)) is not None and sample[0] in functions
    }
    if not samples:
        return tuple(sides)
    replacements: dict[Any, Any] = {}
    for entry, (name, number) in samples.items():
        stems = functions[name]
        if len(stems) != 1 or _sampled_otherwise(name, relations):
            shown = entry.name if isinstance(entry, sp.Symbol) else f"{name}_{{{number}}}"
            raise ExpansionError(
                f"{shown} is a value of {name}, at a grid point the text does not place"
            )
        (stem,) = stems
        replacements[entry] = sp.Function(name)(sp.Symbol(f"{stem}_{number}"))
    return tuple(expr.xreplace(replacements) for expr in exprs)


def _sampled_otherwise(name: str, relations: Iterable[tuple[Any, Any]]) -> bool:
    """Whether a relation says what the samples ``name_k`` are, other than ``f(x_k)``."""
    for lhs, rhs in relations:
        for this, that in ((lhs, rhs), (rhs, lhs)):
            if not (isinstance(this, sp.Indexed) and str(this.base.label) == name):
                continue
            at = this.indices
            if not (
                isinstance(that, AppliedUndef)
                and str(that.func.__name__) == name
                and len(that.args) == 1
                and isinstance(that.args[0], sp.Indexed)
                and that.args[0].indices == at
            ):
                return True
    return False


def _space_time_points(exprs: Sequence[Any]) -> dict[str, tuple[Any, Any]]:
    """``u → (x[j], t[n])`` for each function the sides evaluate at two grid points (an
    application ``u(x_j, t_n)`` or a derivative evaluated there), each point one entry of a
    grid name indexed by one index; a function evaluated at two different pairs is left out
    (the claim has no one base point)."""
    found: dict[str, set[tuple[Any, Any]]] = {}
    for expr in exprs:
        pairs = [(a.func.__name__, a.args) for a in expr.atoms(AppliedUndef)]
        pairs += [
            (s.expr.atoms(AppliedUndef).pop().func.__name__, s.point)
            for s in expr.atoms(sp.Subs)
            if len(s.expr.atoms(AppliedUndef)) == 1
        ]
        for name, points in pairs:
            if len(points) != 2 or not all(
                isinstance(p, sp.Indexed) and len(p.indices) == 1 for p in points
            ):
                continue
            found.setdefault(name, set()).add(tuple(points))
    based: dict[str, tuple[Any, Any]] = {}
    for name, written in found.items():
        if len(written) == 1:
            based[name] = next(iter(written))
            continue
        # u(x_j, t_{n+1}) beside u(x_j, t_n): points of the same grids, indices shifted by
        # integers — the base point is the one with the bare indices (x_j, t_n)
        bases = []
        for position in range(2):
            stems = {str(pair[position].base.label) for pair in written}
            indices = {pair[position].indices[0] for pair in written}
            symbols = {i for i in indices if isinstance(i, sp.Symbol)}
            if len(stems) != 1 or len(symbols) != 1:
                break
            (index,) = symbols
            if any(not sp.expand(i - index).is_Integer for i in indices):
                break
            bases.append(sp.IndexedBase(stems.pop())[index])
        if len(bases) == 2:
            based[name] = (bases[0], bases[1])
    return based


def space_time_samples_as_functions(
    sides: Sequence[Any], grids: Mapping[str, Any]
) -> tuple[Any, ...]:
    """The samples ``u_j^n`` of a function of space and time that the claim evaluates at grid
    points — ``\\frac{\\partial u}{\\partial t}(x_j, t_n) \\approx \\frac{u_j^{n+1} -
    u_j^n}{\\Delta t}`` — read as ``u(x_j, t_n)`` (the subscript indexes space, the
    superscript the time level: LeVeque, *Finite Difference Methods*, §9.1), and the grid
    points on the document's uniform grids ``x_j = jΔx``, ``t_n = nΔt`` as ``x + aΔx``,
    ``t + bΔt``. The reader takes the superscript for a power (``u[j]^n``): a power of an
    entry of ``u`` whose exponent is the time index shifted by an integer is a sample here.
    Sides unchanged where no function is evaluated at two grid points beside its samples;
    :class:`ExpansionError` where the document defines no uniform step for one of the grids
    (where the samples lie is then not known).

    >>> u, x, t = sp.Function("u"), sp.IndexedBase("x"), sp.IndexedBase("t")
    >>> U, j, n, dx, dt = sp.IndexedBase("u"), *sp.symbols("j n Delta_x Delta_t")
    >>> space_time_samples_as_functions([u(x[j], t[n]), U[j + 1] ** (n + 1)], {"x": dx, "t": dt})
    (u(x, t), u(Delta_x + x, Delta_t + t))
    """
    exprs = [side for side in sides if isinstance(side, sp.Basic)]
    if len(exprs) != len(sides):
        return tuple(sides)
    functions = _space_time_points(exprs)
    if not functions:
        return tuple(sides)
    replacements: dict[Any, Any] = {}
    for name, (space, time) in functions.items():
        (j,), (n,) = space.indices, time.indices
        if not (isinstance(j, sp.Symbol) and isinstance(n, sp.Symbol)) or j == n:
            continue
        samples = [
            power
            for expr in exprs
            for power in expr.atoms(sp.Pow)
            if isinstance(power.base, sp.Indexed)
            and str(power.base.base.label) == name
            and len(power.base.indices) == 1
            and sp.expand(power.base.indices[0] - j).is_Integer
            and sp.expand(power.exp - n).is_Integer
        ]
        shifted = [
            point
            for expr in exprs
            for point in expr.atoms(sp.Indexed)
            if (point.base.label, point.indices)
            not in {(p.base.label, p.indices) for p in (space, time)}
            and any(
                str(point.base.label) == str(p.base.label)
                and len(point.indices) == 1
                and sp.expand(point.indices[0] - p.indices[0]).is_Integer
                for p in (space, time)
            )
        ]
        if not samples and not shifted:
            continue
        steps = {stem: grids.get(stem) for stem in (str(space.base.label), str(time.base.label))}
        missing = [stem for stem, step in steps.items() if step is None]
        if missing and not samples:
            continue  # u(x_j, t_{n+1}) on grids the text does not define: not read
        if missing:
            raise ExpansionError(
                f"{name}_j^n is a value of {name} at grid points the text does not place "
                f"(such as {missing[0]}_k = k h)"
            )
        x, t = (sp.Symbol(stem) for stem in steps)
        sx, st = steps.values()
        for power in samples:
            shift_x = sp.expand(power.base.indices[0] - j)
            shift_t = sp.expand(power.exp - n)
            replacements[power] = sp.Function(name)(x + shift_x * sx, t + shift_t * st)
        for expr in exprs:
            for point in expr.atoms(sp.Indexed):
                if len(point.indices) != 1:
                    continue
                for stem, index, variable, step in (
                    (str(space.base.label), j, x, sx),
                    (str(time.base.label), n, t, st),
                ):
                    shift = sp.expand(point.indices[0] - index)
                    if str(point.base.label) == stem and shift.is_Integer:
                        replacements[point] = variable + shift * step
    if not replacements:
        return tuple(sides)
    return tuple(
        expr.xreplace(replacements).replace(lambda e: isinstance(e, sp.Subs), lambda e: e.doit())
        for expr in exprs
    )


def _sample_powers(expr: Any) -> list[sp.Pow]:
    """The powers of an entry of one index (``u[j]**n``: how ``u_j^n`` is read) in ``expr``."""
    if not isinstance(expr, sp.Basic):
        return []
    return [
        power
        for power in expr.atoms(sp.Pow)
        if isinstance(power.base, sp.Indexed) and len(power.base.indices) == 1
    ]


def time_level_names(exprs: Iterable[Any], relations: Iterable[tuple[Any, Any]]) -> set[str]:
    """The names whose superscript is a time level, not a power: ``u`` where the document
    writes ``u_j^{n+1}`` beside ``u_j^n`` (two superscripts an integer apart, one of them not
    a number: the levels of a scheme, or of an iteration ``x_i^{k+1}``), or ``u_j^n`` beside
    ``u`` applied at grid points (``u(x_j, t_n)``). A name the document relates to its index
    as a grid (``x_j = jΔx``) keeps its powers (``x_j^k`` in a moment condition).

    >>> u, j, n = sp.IndexedBase("u"), *sp.symbols("j n")
    >>> time_level_names([u[j] ** (n + 1) - u[j] ** n], []), time_level_names([u[j] ** 2], [])
    ({'u'}, set())
    """
    powers: dict[str, set[Any]] = {}
    applied: set[str] = set()
    for expr in exprs:
        for power in _sample_powers(expr):
            powers.setdefault(str(power.base.base.label), set()).add(power.exp)
        if isinstance(expr, sp.Basic):
            applied |= {
                str(a.func.__name__)
                for a in expr.atoms(AppliedUndef)
                if len(a.args) == 2 and all(isinstance(p, sp.Indexed) for p in a.args)
            }
    # a grid is related to its index by a step (x_j = jΔx, x_{i+1} = x_i + h_i); a scheme's
    # line relating samples, or a PDE written with subscripts (u_t = αu_xx), is none
    stepped = [
        (lhs, rhs)
        for lhs, rhs in relations
        if isinstance(lhs, sp.Basic)
        and isinstance(rhs, sp.Basic)
        and not (_sample_powers(lhs) or _sample_powers(rhs))
        and any(
            is_step(s if isinstance(s, sp.Symbol) else sp.Symbol(str(s)))
            for side in (lhs, rhs)
            for s in side.free_symbols
        )
    ]
    grids = set(uniform_grids(stepped))
    found = set()
    for name, exponents in powers.items():
        if name in grids:
            continue
        symbolic = [e for e in exponents if not e.is_number]
        levels = any(sp.expand(a - b).is_Integer and a != b for a in symbolic for b in exponents)
        if levels or (symbolic and name in applied):
            found.add(name)
    return found


def time_level_samples(text: str, names: set[str]) -> list[str]:
    """Each sample ``u_j^n`` of a time-level name (:func:`time_level_names`) as ``text``
    writes it (``u_2^0``, ``u^{n}_{j+1}``); read from the text, since the reader has already
    made ``u_2^0`` the power 1.

    >>> time_level_samples(r"u_2^0 = 0, v_1^2 = 1, u^{n}_{j+1}", {"u"})
    ['u^{n}_{j+1}', 'u_2^0']
    """
    found = set()
    for name in names:
        script = r"\s*(?:\{[^{}]*\}|\\?[A-Za-z]+|\d)"
        pattern = (
            rf"(?<![A-Za-z\\]){re.escape(name)}\s*(?:_{script}\s*\^{script}|\^{script}\s*_{script})"
        )
        found |= {match.group() for match in re.finditer(pattern, text)}
    return sorted(found)
