"""What kind of claim a statement is, from its parsed sides (no words, no document).

:func:`kind_of` sorts a link ``lhs relation rhs`` of a chain into the kinds the judges know
(``arithmetic``, ``algebra``, ``approximation``, ``derivative``, ``index-formula``, ``matrix``,
``definition``, ``answer``); the other helpers answer the questions extraction asks about a side
(is it a value? a shape? a condition on variables? the name a definition defines?).

    >>> import sympy as sp
    >>> x, h, P, K = sp.symbols("x h P K")
    >>> kind_of(sp.Integer(4), "=", sp.Integer(4), first=True)
    'arithmetic'
    >>> kind_of(P, "=", (K - 1) / 2, first=True), kind_of(P, "=", sp.Integer(2), first=True)
    ('definition', 'answer')
    >>> kind_of(sp.Derivative(sp.Function("f")(x), x), "≈", x, first=True)
    'approximation'
    >>> is_shape(sp.Tuple(46, 62, 20)), is_shape((sp.Rational(1, 2), sp.Integer(3)))
    (True, False)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symconv.check import nodes

__all__ = [
    "defined_name",
    "defines_by_itself",
    "defines_function",
    "has_matrix",
    "is_condition_like",
    "is_gradient_entry",
    "is_shape",
    "is_stated_approximation",
    "is_value",
    "kind_of",
    "numeric_indices",
]


def kind_of(lhs: Any, relation: str, rhs: Any, *, first: bool) -> str:
    """The kind of the link ``lhs relation rhs`` (``first``: the chain's first link, where a
    bare name on the left is being defined)."""
    if relation in ("∈", "∉", "⊂", "⊆"):
        return "answer"
    if relation == "≈" or _has_order(lhs) or _has_order(rhs):
        return "approximation"
    if relation == "=" and is_stated_approximation(lhs, rhs):
        return "approximation"
    if isinstance(lhs, (sp.Derivative, nodes.Partial, sp.Subs)) or (
        isinstance(lhs, sp.Basic) and lhs.has(sp.Derivative, nodes.Partial) and not first
    ):
        return "derivative"
    if is_gradient_entry(lhs):
        return "index-formula"
    if isinstance(lhs, sp.Indexed):
        return "answer" if numeric_indices(lhs) and is_value(rhs) else "index-formula"
    if has_matrix(lhs) or has_matrix(rhs):
        if first and defined_name(lhs, relation) is not None and is_value(rhs):
            return "answer"
        return "matrix"
    if first and defined_name(lhs, relation) is not None:
        return "answer" if is_value(rhs) else "definition"
    if is_value(lhs) and is_value(rhs):
        return "arithmetic"
    return "algebra"


def _name_of(target: Any) -> str | None:
    """The name of what is sampled or differentiated: ``f`` of ``f(x)``, ``f[i]``, ``f``."""
    if isinstance(target, AppliedUndef):
        return str(target.func.__name__)
    if isinstance(target, sp.Indexed):
        return str(target.base.label)
    if isinstance(target, sp.Symbol):
        return target.name
    return None


def _differentiated(expr: Any) -> set[str]:
    """The names of the functions ``expr`` differentiates (``∂_t^2 f``, ``f''(x)``)."""
    if not isinstance(expr, sp.Basic):
        return set()
    names = {_name_of(d.expr) for d in expr.atoms(sp.Derivative)}
    return {name for name in names if name is not None}


def _shifted_samples(expr: Any) -> set[str]:
    """The names of the functions ``expr`` applies at a point that is not a bare variable,
    ``f(t + Δt)``, or samples off their base index, ``f_{i+1}``."""
    if not isinstance(expr, sp.Basic):
        return set()

    def shifted(arguments: tuple[Any, ...]) -> bool:
        return not all(isinstance(a, sp.Symbol) for a in arguments) and any(
            a.free_symbols for a in arguments
        )

    names = {str(a.func.__name__) for a in expr.atoms(AppliedUndef) if shifted(tuple(a.args))}
    return names | {str(e.base.label) for e in expr.atoms(sp.Indexed) if shifted(tuple(e.indices))}


def is_stated_approximation(lhs: Any, rhs: Any) -> bool:
    """Whether ``lhs = rhs`` equates samples of a function at shifted points (a stencil) with
    derivatives of the same function: finite-difference texts write ``=`` for an approximation
    stated without its remainder (``∂_t^2 f = (f(t+Δt) − 2f(t) + f(t−Δt))/Δt^2``), which no
    function satisfies exactly for every step, so the claim is read as an approximation.

    >>> f, g, t, h = sp.Function("f"), sp.Function("g"), sp.Symbol("t"), sp.Symbol("h")
    >>> stencil = (f(t + h) - f(t)) / h
    >>> is_stated_approximation(sp.Derivative(f(t), t), stencil)
    True
    >>> is_stated_approximation(f(t + h), f(t) + h)  # no derivative: not a stencil claim
    False
    >>> is_stated_approximation(sp.Derivative(g(t), t), stencil)  # another function's derivative
    False
    """
    sampled = _shifted_samples(lhs) | _shifted_samples(rhs) | _numbered_samples(lhs, rhs)
    return bool(sampled & (_differentiated(lhs) | _differentiated(rhs)))


#: A point numbered by an integer: ``x_0``, ``x_1``, ``t_{2}``.
_NUMBERED_POINT = re.compile(r"([A-Za-z\\]+)_\{?-?\d+\}?")


def _numbered_samples(*sides: Any) -> set[str]:
    """The names of the functions applied at two or more numbered points of one grid,
    ``f(x_0)``, ``f(x_1)``, ``f(x_2)``: samples on a grid the text numbers (what the points
    are, the judge reads from the text's definition of the grid).

    >>> f, x0, x1 = sp.Function("f"), *sp.symbols("x_0 x_1")
    >>> _numbered_samples(f(x1), f(x0)), _numbered_samples(f(x0), f(x0))
    ({'f'}, set())
    """
    points: dict[tuple[str, str], set[Any]] = {}
    for side in sides:
        if not isinstance(side, sp.Basic):
            continue
        for application in side.atoms(AppliedUndef):
            if len(application.args) != 1 or not isinstance(application.args[0], sp.Symbol):
                continue
            found = _NUMBERED_POINT.fullmatch(application.args[0].name)
            if found:
                key = (str(application.func.__name__), found.group(1))
                points.setdefault(key, set()).add(application.args[0])
    return {name for (name, _), at in points.items() if len(at) > 1}


def is_value(expr: Any) -> bool:
    """A number, tuple or matrix of numbers: nothing left to compute."""
    if isinstance(expr, sp.MatrixBase):
        return all(is_value(entry) for entry in expr)
    if isinstance(expr, (sp.Tuple, sp.FiniteSet)):
        return all(is_value(entry) for entry in expr)
    return isinstance(expr, sp.Basic) and expr.is_number is True


def is_shape(shape: Sequence[Any]) -> bool:
    for size in shape:
        if isinstance(size, sp.Integer):
            if size <= 0:
                return False
        elif not (isinstance(size, sp.Basic) and size.free_symbols and not size.is_number):
            return False
    return len(shape) >= 2 or isinstance(shape, tuple)


def defined_name(lhs: Any, relation: str) -> str | None:
    """The name a link defines: a bare symbol (``P = ...``), or a function of distinct symbols
    (``f(x) = x^2``)."""
    if relation not in ("=", ":="):
        return None
    if isinstance(lhs, sp.Symbol):
        return lhs.name
    if (
        isinstance(lhs, AppliedUndef)
        and lhs.args
        and all(isinstance(a, sp.Symbol) for a in lhs.args)
        and len(set(lhs.args)) == len(lhs.args)
    ):
        return lhs.func.__name__
    return None


def defines_by_itself(lhs: Any, rhs: Any) -> bool:
    """Whether ``lhs = rhs`` gives a function's value in terms of the same function (at other
    points, or its derivatives): ``f(x_1) = f(x_0) + h f'(x_0) + …`` (a Taylor expansion about
    a grid point), ``y(t_1) = y(t_0) + h y'(t_0)``, ``F(n) = F(n-1) + F(n-2)``. It does not say
    what the function is — ``f`` is not the map ``x_1 ↦ f(x_0) + …`` — so it is a relation to
    judge, never a definition of ``f``.

    >>> f, x0, x1, h = sp.Function("f"), *sp.symbols("x_0 x_1 h")
    >>> defines_by_itself(f(x1), f(x0) + h * sp.Derivative(f(x0), x0))
    True
    >>> defines_by_itself(f(x1), 3 * x1**2)
    False

    A sample written as an entry of the function's name, ``f_1 = f_0 + h f'(x_0) + …``, is
    the same relation (``f_1`` is ``f`` at a grid point):

    >>> defines_by_itself(sp.Symbol("f_1"), sp.Symbol("f_0") + h * sp.Derivative(f(x0), x0))
    True

    The same name with another number of arguments is another function:

    >>> J, W, b, Y = sp.Function("J"), *sp.symbols("W b Y")
    >>> defines_by_itself(J(W, b), J(W, b, Y) / 2)
    False
    """
    if not isinstance(rhs, sp.Basic):
        return False
    if isinstance(lhs, AppliedUndef):
        # J(W, b) = (1/m) Σ_k J(W, b; Y^{(k)}, X^{(k)}): the cost of the batch defined by the
        # per-sample cost, a function of other arguments under the same name (the context keeps
        # one definition per number of arguments) — a definition, not a relation to judge
        return any(
            application.func == lhs.func and len(application.args) == len(lhs.args)
            for application in rhs.atoms(AppliedUndef)
        )
    if isinstance(lhs, sp.Indexed):
        name = str(lhs.base.label)
    elif isinstance(lhs, sp.Symbol) and "_" in lhs.name:
        name = lhs.name.partition("_")[0]
    else:
        return False
    return any(str(application.func.__name__) == name for application in rhs.atoms(AppliedUndef))


def defines_function(lhs: Any) -> bool:
    """``f(x) = …`` for a function the field does not name (``σ(z) = …`` is checkable)."""
    from symconv.check.judges.functions import is_known

    return isinstance(lhs, AppliedUndef) and not is_known(lhs.func.__name__)


def is_condition_like(expr: Any) -> bool:
    """A condition is about variables and indices (``z > 0``, ``i ≠ j``, ``n = 3``), never a
    derivative or a function value: ``… for $z > 0$ and $f'(z) = 0$ for $z < 0$``."""
    if not isinstance(expr, sp.Basic):
        return False
    if expr.has(sp.Derivative, nodes.Partial, sp.Subs) or expr.atoms(AppliedUndef):
        return False
    return not any(str(e.base.label).startswith("∂") for e in expr.atoms(sp.Indexed))


def numeric_indices(entry: sp.Indexed) -> bool:
    return all(index.is_Integer for index in entry.indices)


def _has_order(expr: Any) -> bool:
    return isinstance(expr, sp.Basic) and expr.has(nodes.BigO)


def is_gradient_entry(expr: Any) -> bool:
    return isinstance(expr, sp.Indexed) and str(expr.base.label).startswith("∂")


def has_matrix(expr: Any) -> bool:
    if isinstance(expr, sp.MatrixBase):
        return True
    return isinstance(expr, sp.Basic) and (expr.has(nodes.MatrixTimes) or _contains_matrix(expr))


def _contains_matrix(expr: sp.Basic) -> bool:
    return any(isinstance(arg, sp.MatrixBase) for arg in sp.preorder_traversal(expr))
