"""Deciding ``lhs = rhs`` by evaluating both sides at points: exact where possible.

An identity between expressions in a few variables is tested at simple points first (0, 1, 2,
−1, …: a failure there is the clearest witness) and then at random rational points drawn from a
seeded generator. Rational expressions are evaluated exactly; others (``e^{-z}``, ``\\log``) with
60 significant digits, where two values agreeing to 40 digits are taken as equal (a nonzero
difference of analytic expressions does not vanish at random points; the check is repeated at
several). A point where either side is undefined (division by zero, ``\\log 0``) is skipped.

    >>> import random, sympy as sp
    >>> z = sp.Symbol("z")
    >>> s = 1 / (1 + sp.exp(-z))
    >>> result = compare_at_points(sp.diff(s, z), s * (1 + s), [z], random.Random(1))
    >>> result.equal, result.witness()
    (False, 'z = 0: 0.75 ≠ 0.25')
    >>> compare_at_points(sp.diff(s, z), s * (1 - s), [z], random.Random(1)).equal
    True
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.str import StrPrinter

from symconv.grad.conditions import Iverson

__all__ = [
    "Comparison",
    "compare_at_points",
    "conditions_where",
    "count_points",
    "display_name",
    "evaluate",
    "format_point",
    "format_value",
    "show",
    "values_equal",
]

#: Significant digits of a numeric evaluation, and the agreement taken as equality.
DIGITS = 60
TOLERANCE = sp.Float(10, DIGITS) ** -40
#: Simple values tried first for each variable (clear witnesses).
SIMPLE_VALUES: tuple[Any, ...] = (
    sp.Integer(0), sp.Integer(1), sp.Integer(2), sp.Integer(-1), sp.Rational(1, 2), sp.Integer(3),
)  # fmt: skip
#: At most this many simple points (the grid grows as len(SIMPLE_VALUES) ** variables).
MAX_SIMPLE_POINTS = 24
RANDOM_POINTS = 6
#: Random points for a side that jumps (a bracket ``[x_2 > x_1]``, ``max``, ``|x|``, ``⌊x⌋``):
#: two such sides can differ on a small region only (``[x_2 > x_1]`` against ``[x_2 > w_1]``
#: differ where x_2 lies between x_1 and w_1), which six draws often miss.
PIECEWISE_RANDOM_POINTS = 60
#: What makes a side piecewise constant or piecewise smooth.
_PIECEWISE = (sp.Piecewise, sp.Heaviside, sp.Max, sp.Min, sp.Abs, sp.sign, sp.floor, sp.ceiling)
#: Agreement at fewer defined points than this is not a verification.
MIN_DEFINED_POINTS = 3


@dataclass(frozen=True)
class Comparison:
    """The outcome: ``equal`` True (agreed at every defined point), False (a witness point), or
    None (could not evaluate: ``reason`` says why)."""

    equal: bool | None
    point: Mapping[Any, Any] | None = None
    left: Any = None
    right: Any = None
    points_tried: int = 0
    reason: str = ""

    def witness(self, written_first: bool = True) -> str | None:
        """``"z = 0: 0.75 ≠ 0.25"``: the point, then the written side's value (the right side
        unless ``written_first`` is False) and the expected one."""
        if self.equal is not False or self.point is None:
            return None
        written, expected = (self.right, self.left) if written_first else (self.left, self.right)
        where = format_point(self.point)
        prefix = f"{where}: " if where else ""
        return f"{prefix}{format_value(written)} ≠ {format_value(expected)}"


def format_value(value: Any) -> str:
    """An exact value as a person reads it: ``0.75`` for 3/4, ``1/3``, ``-6``, ``e + 1``."""
    if isinstance(value, sp.Rational) and not isinstance(value, sp.Integer):
        denominator = int(value.q)
        while denominator % 2 == 0:
            denominator //= 2
        while denominator % 5 == 0:
            denominator //= 5
        if denominator == 1 and len(str(value.q)) <= 6:
            text = f"{float(value):.10f}".rstrip("0").rstrip(".")
            if sp.Rational(text) == value:
                return text
        return f"{value.p}/{value.q}"
    if isinstance(value, sp.Float):
        return f"{float(value):.6g}"
    if isinstance(value, sp.MatrixBase):
        rows = [
            "[" + ", ".join(format_value(v) for v in value.row(r)) + "]" for r in range(value.rows)
        ]
        return "[" + ", ".join(rows) + "]" if value.rows > 1 else rows[0]
    if isinstance(value, sp.Basic) and value.is_number and not value.is_Rational:
        approx = value.evalf(8)
        if isinstance(approx, sp.Float):
            return f"{sp.sstr(value)} ≈ {float(approx):.6g}"
    return sp.sstr(value)


class _Shower(StrPrinter):
    """Messages print derivatives as the field writes them: ``f''(x)``, ``∂²f/∂x∂y``."""

    def _print_Derivative(self, expr: Any) -> str:
        inner = expr.expr
        counts = expr.variable_count
        if isinstance(inner, AppliedUndef) and len(counts) == 1 and len(inner.args) == 1:
            order = int(counts[0][1])
            name = _greek(inner.func.__name__)
            marks = "'" * order if order <= 3 else f"^({order})"
            return f"{name}{marks}({self._print(inner.args[0])})"
        order = sum(int(c) for _, c in counts)
        power = "" if order == 1 else _superscript(order)
        den = "".join(
            f"∂{self._print(v)}" + ("" if c == 1 else _superscript(int(c))) for v, c in counts
        )
        return f"∂{power}{self._print(inner)}/{den}"

    def _print_Sum(self, expr: Any) -> str:
        bounds = []
        for variable, low, high in expr.limits:
            if low == -sp.oo and high == sp.oo:
                bounds.append(self._print(variable))
            else:
                bounds.append(f"{self._print(variable)}={self._print(low)}..{self._print(high)}")
        return f"Σ_{','.join(bounds)} {self.parenthesize(expr.function, 40)}"

    def _print_KroneckerDelta(self, expr: Any) -> str:
        return f"δ({self._print(expr.args[0])}, {self._print(expr.args[1])})"

    def _print_Function(self, expr: Any) -> str:
        name = _greek(expr.func.__name__)
        return f"{name}({', '.join(self._print(a) for a in expr.args)})"


_GREEK_SHOW = {"sigma": "σ", "phi": "φ", "delta": "δ", "Delta": "Δ", "tau": "τ"}


def _greek(name: str) -> str:
    return _GREEK_SHOW.get(name, name)


def _superscript(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def display_name(name: str) -> str:
    """A name as a person writes it: ``Δt`` for ``\\Delta t``, ``σ`` for ``sigma``."""
    text = name.replace("\\", "")
    for spelled, letter in _GREEK_SHOW.items():
        if text == spelled or text.startswith(spelled + " ") or text.startswith(spelled + "_"):
            text = letter + text[len(spelled) :]
            break
    return text.replace(" ", "")


def show(expr: Any, order: str | None = None) -> str:
    """An expression as a message shows it: ``h·f''(x)/2``, ``D·(K - 1)/2``, ``x^2``
    (``order="none"`` keeps the terms in the order written)."""
    if not isinstance(expr, sp.Basic):
        return str(expr)
    text = _Shower({"order": order}).doprint(expr)
    return text.replace("**", "^").replace("*", "·")


def count_points(count: int) -> str:
    """``"1 point"``, ``"12 points"``."""
    return f"{count} point" if count == 1 else f"{count} points"


def format_point(point: Mapping[Any, Any]) -> str:
    return ", ".join(f"{sp.sstr(k)} = {format_value(v)}" for k, v in point.items())


def evaluate(expr: Any, point: Mapping[Any, Any]) -> Any:
    """``expr`` at ``point``: an exact number, a high-precision Float, a Matrix of such, or None
    where undefined (or not a number: an undefined function remains)."""
    if isinstance(expr, sp.MatrixBase):
        values = [evaluate(entry, point) for entry in expr]
        if any(v is None for v in values):
            return None
        return sp.ImmutableMatrix(expr.rows, expr.cols, values)
    if not isinstance(expr, sp.Basic):
        return None
    try:
        for kink in expr.atoms(sp.Heaviside, sp.sign):
            at = kink.args[0].xreplace(dict(point)) if point else kink.args[0]
            if at == 0:
                return None  # a kink (ReLU'(0) = θ(0)): no value to compare
        value = expr.xreplace(dict(point)) if point else expr
        if value.has(sp.Derivative, sp.Sum, sp.Subs, sp.Product):
            value = value.doit()
        if value.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.DiracDelta) or value.free_symbols:
            return None
        if value.is_Rational:
            return value
        if not value.is_number:
            return None
        number = value.evalf(DIGITS)
        if not number.is_number or number.has(sp.zoo, sp.nan) or not number.is_finite:
            return None
        if not number.is_real:
            return None
        return value if value.is_Rational else number
    except (ZeroDivisionError, TypeError, ValueError, AttributeError):
        return None


def values_equal(a: Any, b: Any) -> bool | None:
    """Exact equality of two evaluated values (None if either is missing)."""
    if a is None or b is None:
        return None
    if isinstance(a, sp.MatrixBase) or isinstance(b, sp.MatrixBase):
        if not (isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase)):
            return False
        if a.shape != b.shape:
            return False
        results = [values_equal(x, y) for x, y in zip(a, b, strict=True)]
        if any(r is False for r in results):
            return False
        return None if any(r is None for r in results) else True
    if a.is_Rational and b.is_Rational:
        return bool(a == b)
    difference = sp.Float(a, DIGITS) - sp.Float(b, DIGITS)
    scale = max(abs(sp.Float(a, DIGITS)), abs(sp.Float(b, DIGITS)), sp.Float(1, DIGITS))
    return bool(abs(difference) <= TOLERANCE * scale)


_RELATIONS: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: bool(a < b),
    ">": lambda a, b: bool(a > b),
    "≤": lambda a, b: bool(a <= b),
    "≥": lambda a, b: bool(a >= b),
    "≠": lambda a, b: values_equal(a, b) is False,
    "=": lambda a, b: values_equal(a, b) is True,
}


def conditions_where(
    conditions: Sequence[tuple[Any, str, Any]],
) -> tuple[dict[Any, Any], Callable[[Mapping[Any, Any]], bool | None] | None]:
    """A claim's conditions as a substitution (``n = 3``) and a filter on points (``z > 0``,
    ``i ≠ j``); the filter says None where a condition cannot be evaluated.

    >>> z = sp.Symbol("z")
    >>> fixed, where = conditions_where([(z, ">", sp.Integer(0))])
    >>> fixed, where({z: sp.Integer(1)}), where({z: sp.Integer(-1)})
    ({}, True, False)
    """
    fixed: dict[Any, Any] = {}
    checks = []
    for lhs, relation, rhs in conditions:
        if relation == "=" and isinstance(lhs, sp.Symbol) and getattr(rhs, "is_number", False):
            fixed[lhs] = rhs
        elif relation in _RELATIONS:
            checks.append((lhs, relation, rhs))
    if not checks:
        return fixed, None

    def where(point: Mapping[Any, Any]) -> bool | None:
        for lhs, relation, rhs in checks:
            a, b = evaluate(lhs, point), evaluate(rhs, point)
            if a is None or b is None or isinstance(a, sp.MatrixBase):
                return None
            if not _RELATIONS[relation](a, b):
                return False
        return True

    return fixed, where


def _random_value(rng: random.Random, integer: bool) -> Any:
    if integer:
        return sp.Integer(rng.randint(-9, 9))
    return sp.Rational(rng.randint(-60, 60), rng.randint(1, 13))


def _piecewise(side: Any) -> bool:
    return isinstance(side, sp.Basic) and (
        side.has(Iverson, *_PIECEWISE) or bool(side.atoms(sp.Rel))
    )


def compare_at_points(
    lhs: Any,
    rhs: Any,
    variables: Sequence[Any],
    rng: random.Random,
    *,
    simple: Sequence[Mapping[Any, Any]] | None = None,
    draw: Callable[[random.Random], Mapping[Any, Any]] | None = None,
    random_points: int = RANDOM_POINTS,
    integer: bool = False,
    where: Callable[[Mapping[Any, Any]], bool | None] | None = None,
) -> Comparison:
    """Compare ``lhs`` and ``rhs`` at simple points, then at seeded random points.

    ``simple``/``draw`` replace the default points (e.g. sizes that must be positive integers);
    ``integer`` draws random integers instead of rationals; ``where`` keeps only the points
    that satisfy the claim's conditions (``for $z > 0$``).
    """
    variables = list(variables)
    if _piecewise(lhs) or _piecewise(rhs):
        random_points = max(random_points, PIECEWISE_RANDOM_POINTS)
    if simple is None:
        grid = itertools.islice(
            itertools.product(SIMPLE_VALUES, repeat=len(variables)), MAX_SIMPLE_POINTS
        )
        simple = [dict(zip(variables, values, strict=True)) for values in grid]
        if not variables:
            simple = [{}]
    points = list(simple)
    if variables:
        for _ in range(random_points):
            if draw is not None:
                points.append(draw(rng))
            else:
                points.append({v: _random_value(rng, integer) for v in variables})
    if where is not None:
        points = [p for p in points if where(p) is True]
        if variables:
            for _ in range(4 * random_points):
                candidate = (
                    draw(rng)
                    if draw is not None
                    else {v: _random_value(rng, integer) for v in variables}
                )
                if where(candidate) is True:
                    points.append(candidate)
    defined = 0
    for point in points:
        left = evaluate(lhs, point)
        right = evaluate(rhs, point)
        same = values_equal(left, right)
        if same is None:
            continue
        defined += 1
        if not same:
            return Comparison(False, point, left, right, defined)
    if defined == 0:
        return Comparison(None, reason="neither side could be evaluated to a number")
    if variables and defined < MIN_DEFINED_POINTS:
        return Comparison(
            None, points_tried=defined, reason="too few points where both are defined"
        )
    return Comparison(True, points_tried=defined)
