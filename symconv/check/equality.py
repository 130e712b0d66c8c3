"""Decide whether a written answer equals an expected one, exactly, with a witness when not.

Answers are SymPy values: numbers, tuples (shapes, locations, several numbers), matrices and
expressions in symbolic sizes. Names are matched by spelling (the document's ``N`` is the
catalog's ``N`` whatever its assumptions). Numbers and matrices of numbers are compared exactly;
an expression is equal when the difference simplifies to 0, and otherwise it is evaluated at
points until one differs. A formula with ``⌊·⌋``/``⌈·⌉`` rarely simplifies, so "equal" there
means "equal at every point searched"; a point that differs is always a proof.

The points are searched in a fixed order, so witnesses are small and reruns identical: distinct
integers ≥ 2 (so that no two symbols can be confused: a swapped ``K`` and ``D`` shows), by
increasing sum, then in the order of the symbols' names. A point counts only where the expected
value is meaningful: an integer when the expected value is a count or size, and at least 3 for an
axis of a shape (no degenerate axis of length 1 or 2).

    >>> import sympy as sp
    >>> N, s = sp.symbols("N s", integer=True, positive=True)
    >>> decision = decide_equal(sp.floor(N / s), sp.floor((N - 1) / s) + 1, shape_axis=True)
    >>> decision.equal, decision.witness
    (False, 'at N = 5, s = 2: this gives 2, the answer is 3')
    >>> decide_equal(sp.Symbol("K") * 2 - 2, 2 * (sp.Symbol("K") - 1)).equal
    True

Both the answers of the problem context (:func:`decide_equal`) and the identities the claim
judges test (:func:`compare_at_points`: simple points such as 0, 1, 2, −1, then seeded random
rational points; values that are not rational to 60 significant digits, equal when they agree
to 40) are decided by one kernel, :func:`compare`: exactly first (the difference simplifies to
0), then at exact points, with a :class:`Comparison` holding the witness.

    >>> import random
    >>> z = sp.Symbol("z")
    >>> s = 1 / (1 + sp.exp(-z))
    >>> result = compare_at_points(sp.diff(s, z), s * (1 + s), [z], random.Random(1))
    >>> result.equal, result.witness()
    (False, 'z = 0: 0.75 ≠ 0.25')
    >>> compare_at_points(sp.diff(s, z), s * (1 - s), [z], random.Random(1)).equal
    True
"""

from __future__ import annotations

import hashlib
import itertools
import random
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import chain
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symconv.check.shown import format_point, format_value
from symconv.check.symbols import name_key
from symconv.core.safe import as_sympy
from symconv.grad.conditions import Iverson

#: Largest value tried for a symbol, and most points evaluated per comparison.
MAX_VALUE = 12
MAX_POINTS = 600
#: Random points tried after the small ones, and the largest value they draw.
RANDOM_POINTS = 20
RANDOM_MAX = 10_000

#: Significant digits of a numeric evaluation, and the agreement taken as equality.
DIGITS = 60
TOLERANCE = sp.Float(10, DIGITS) ** -40
#: Simple values tried first for each variable (clear witnesses).
SIMPLE_VALUES: tuple[Any, ...] = (
    sp.Integer(0), sp.Integer(1), sp.Integer(2), sp.Integer(-1), sp.Rational(1, 2), sp.Integer(3),
)  # fmt: skip
#: At most this many simple points (the grid grows as len(SIMPLE_VALUES) ** variables).
MAX_SIMPLE_POINTS = 24
IDENTITY_RANDOM_POINTS = 6
#: Random points for a side that jumps (a bracket ``[x_2 > x_1]``, ``max``, ``|x|``, ``⌊x⌋``):
#: two such sides can differ on a small region only (``[x_2 > x_1]`` against ``[x_2 > w_1]``
#: differ where x_2 lies between x_1 and w_1), which six draws often miss.
PIECEWISE_RANDOM_POINTS = 60
#: What makes a side piecewise constant or piecewise smooth.
_JUMPS = (sp.Piecewise, sp.Heaviside, sp.Max, sp.Min, sp.Abs, sp.sign, sp.floor, sp.ceiling)
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


@dataclass(frozen=True)
class Decision:
    """``equal``: True, False or None (could not tell); ``witness`` shows a difference."""

    equal: bool | None
    witness: str | None = None
    detail: str = ""


def align_names(expr: Any, reference: Any) -> Any:
    """``expr`` with each free symbol replaced by the reference's symbol of the same name.

    >>> import sympy as sp
    >>> k = sp.Symbol("k", integer=True)
    >>> align_names(sp.Symbol("k") + 1, k - 1).free_symbols == {k}
    True
    """
    if not isinstance(expr, sp.Basic) or not isinstance(reference, sp.Basic):
        return expr
    by_name = {name_key(s.name): s for s in reference.free_symbols if isinstance(s, sp.Symbol)}
    mapping = {
        s: by_name[name_key(s.name)]
        for s in expr.free_symbols
        if isinstance(s, sp.Symbol)
        and name_key(s.name) in by_name
        and by_name[name_key(s.name)] != s
    }
    return expr.xreplace(mapping) if mapping else expr


def as_sequence(value: Any) -> tuple[Any, ...] | None:
    """A tuple, a list, or a matrix with one row or one column, as a flat tuple; else None."""
    if isinstance(value, sp.Tuple | tuple | list):
        return tuple(value)
    if isinstance(value, sp.MatrixBase) and 1 in value.shape:
        return tuple(value)
    return None


def is_number(value: Any) -> bool:
    return isinstance(value, sp.Basic) and bool(value.is_number) and not value.free_symbols


def decide_equal(
    candidate: Any,
    expected: Any,
    *,
    shape_axis: bool = False,
    max_points: int = MAX_POINTS,
    seed: int = 0,
) -> Decision:
    """Is ``candidate`` the same value as ``expected``? (see the module docstring).

    After the small points, :data:`RANDOM_POINTS` random points with values up to
    :data:`RANDOM_MAX` are tried (drawn from ``seed`` and the two expressions: reruns are
    identical), so a difference that shows only at large sizes is found too.
    """
    expected_sequence = as_sequence(expected)
    if expected_sequence is not None and not isinstance(expected, sp.MatrixBase):
        candidate_sequence = as_sequence(candidate)
        if candidate_sequence is None:
            return Decision(False, None, f"a single value where {len(expected_sequence)} belong")
        return _decide_sequence(candidate_sequence, expected_sequence, shape_axis, max_points, seed)
    if isinstance(expected, sp.MatrixBase):
        return _decide_matrix(candidate, expected, max_points)
    if isinstance(candidate, sp.MatrixBase | sp.Tuple | tuple | list):
        return Decision(False, None, "a matrix or tuple where a single value belongs")
    return _decide_scalar(candidate, expected, shape_axis, max_points, seed)


def _decide_sequence(
    candidate: Sequence[Any],
    expected: Sequence[Any],
    shape_axis: bool,
    max_points: int,
    seed: int,
) -> Decision:
    if len(candidate) != len(expected):
        return Decision(False, None, f"{len(candidate)} entries where {len(expected)} belong")
    undecided = None
    for position, (mine, theirs) in enumerate(zip(candidate, expected, strict=True)):
        decision = decide_equal(
            mine, theirs, shape_axis=shape_axis, max_points=max_points, seed=seed
        )
        if decision.equal is False:
            detail = f"entry {position + 1}: " + (decision.detail or f"{mine} ≠ {theirs}")
            return Decision(False, decision.witness, detail)
        if decision.equal is None:
            undecided = decision
    return undecided or Decision(True)


def _decide_matrix(candidate: Any, expected: sp.MatrixBase, max_points: int) -> Decision:
    if not isinstance(candidate, sp.MatrixBase):
        if is_number(candidate) and candidate == 0 and all(e == 0 for e in expected):
            return Decision(True, None, "0 stands for the zero matrix")
        return Decision(False, None, "not a matrix")
    if candidate.shape != expected.shape:
        rows, cols = candidate.shape
        return Decision(False, None, f"a {rows}×{cols} matrix where {expected.shape} belongs")
    candidate = align_names(candidate, expected)
    for row in range(expected.rows):
        for col in range(expected.cols):
            difference = sp.expand(candidate[row, col] - expected[row, col])
            if difference != 0 and sp.simplify(difference) != 0:
                return Decision(
                    False,
                    f"entry ({row + 1}, {col + 1}) is {candidate[row, col]}, "
                    f"expected {expected[row, col]}",
                    f"row {row + 1} differs",
                )
    return Decision(True)


def _decide_scalar(
    candidate: Any, expected: Any, shape_axis: bool, max_points: int, seed: int
) -> Decision:
    candidate = align_names(as_sympy(candidate), expected)
    expected = as_sympy(expected)
    if isinstance(candidate, sp.Set) or isinstance(expected, sp.Set):
        return Decision(bool(candidate == expected))
    if is_number(candidate) and is_number(expected):
        return Decision(_same_number(candidate, expected))
    symbols = sorted(
        (s for s in (candidate.free_symbols | expected.free_symbols) if isinstance(s, sp.Symbol)),
        key=lambda s: s.name,
    )
    integer_valued = all(s.is_integer for s in expected.free_symbols)
    points = chain(
        search_points(symbols, max_points), random_points(symbols, seed, candidate, expected)
    )
    valid = _validity(expected, shape_axis, integer_valued)
    result = compare(candidate, expected, points, valid=valid)
    if result.equal is False and result.point is not None:
        where = ", ".join(f"{s} = {v}" for s, v in result.point.items())
        mine, theirs = _shown(result.left), _shown(result.right)
        return Decision(False, f"at {where}: this gives {mine}, the answer is {theirs}")
    if result.equal is None:
        no_point = result.points_tried == 0 and result.reason == "no point to compare at"
        return Decision(
            None, None, _why_not_evaluated(candidate, symbols) if no_point else result.reason
        )
    if result.points_tried == 0:
        return Decision(True)
    return Decision(True, None, f"equal at {result.points_tried} points")


def _shown(value: Any) -> str:
    return str(value) if value.is_Rational else format_value(value)


def _why_not_evaluated(candidate: Any, symbols: Sequence[sp.Symbol]) -> str:
    """Why no point could compare the two: a function the document never defines, or values
    that never evaluate to a number.

    >>> n = sp.Symbol("N")
    >>> _why_not_evaluated(sp.Function("Gamma")(n), [n])
    'Gamma is not defined (a function nothing here says what it is)'
    """
    undefined = sorted({f.func.__name__ for f in candidate.atoms(AppliedUndef)})
    if undefined:
        return f"{', '.join(undefined)} is not defined (a function nothing here says what it is)"
    names = ", ".join(str(s) for s in symbols)
    return f"it gives no number at any values of {names} tried" if names else "it gives no number"


def _same_number(a: Any, b: Any) -> bool:
    if a.is_Rational and b.is_Rational:
        return bool(a == b)
    return bool(sp.simplify(a - b) == 0)


#: Functions SymPy's simplification rarely decides and that points decide well.
_PIECEWISE = (sp.floor, sp.ceiling, sp.Piecewise, sp.Max, sp.Min, sp.Mod)


def _zero_by_algebra(difference: Any) -> bool:
    """The difference is 0 by expansion, or by simplification when it is a small rational
    expression (floors and pieces are left to the points)."""
    expanded = sp.expand(difference)
    if expanded == 0:
        return True
    if expanded.has(*_PIECEWISE) or sp.count_ops(expanded) > 200:
        return False
    return bool(sp.simplify(expanded) == 0)


def _validity(expected: Any, shape_axis: bool, integer_valued: bool) -> Callable[[Any], bool]:
    def valid(value: Any) -> bool:
        if not value.is_number or value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            return False
        if integer_valued and not value.is_integer:
            return False
        return not (shape_axis and value < 3)

    return valid


def search_points(
    symbols: Sequence[sp.Symbol], max_points: int = MAX_POINTS
) -> Iterator[dict[sp.Symbol, sp.Integer]]:
    """Distinct integers ≥ 2 for the symbols, by increasing sum, then lexicographically.

    >>> a, b = sp.symbols("a b")
    >>> [tuple(p.values()) for p in search_points([a, b], 5)]
    [(2, 3), (3, 2), (2, 4), (4, 2), (2, 5)]
    """
    if not symbols:
        yield {}
        return
    count = len(symbols)
    top = max(MAX_VALUE, count + 3)
    values = list(range(2, top + 1))
    emitted = 0
    for total in range(sum(values[:count]), sum(values[-count:]) + 1):
        for combo in _tuples_with_sum(values, count, total):
            yield dict(zip(symbols, map(sp.Integer, combo), strict=True))
            emitted += 1
            if emitted >= max_points:
                return


def random_points(
    symbols: Sequence[sp.Symbol], seed: int, *expressions: Any
) -> Iterator[dict[sp.Symbol, sp.Integer]]:
    """:data:`RANDOM_POINTS` points of distinct integers in ``[2, RANDOM_MAX]``, drawn from the
    seed and the expressions compared."""
    if not symbols:
        return
    text = "\0".join(sp.srepr(e) for e in expressions)
    digest = hashlib.sha256(f"{seed}\0{text}".encode()).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))
    for _ in range(RANDOM_POINTS):
        values = rng.sample(range(2, RANDOM_MAX + 1), len(symbols))
        yield dict(zip(symbols, map(sp.Integer, values), strict=True))


def _tuples_with_sum(values: list[int], count: int, total: int) -> Iterator[tuple[int, ...]]:
    """Ordered tuples of distinct values with the given sum, in lexicographic order."""
    if count == 1:
        if total in values:
            yield (total,)
        return
    for first in values:
        rest = total - first
        if rest < (count - 1) * values[0]:
            break
        for tail in _tuples_with_sum(values, count - 1, rest):
            if first not in tail:
                yield (first, *tail)


# ----------------------------------------------------------------------------------------------
# The kernel: exactly, then at exact points
# ----------------------------------------------------------------------------------------------
def compare(
    lhs: Any,
    rhs: Any,
    points: Iterable[Mapping[Any, Any]],
    *,
    exact: bool = True,
    valid: Callable[[Any], bool] | None = None,
) -> Comparison:
    """Is ``lhs`` equal to ``rhs``? The one equality kernel of the checker: with ``exact``, equal
    when their difference simplifies to 0; otherwise evaluated at ``points`` in turn (exact
    rationals; other numbers to :data:`DIGITS` digits) until one differs — a witness. A point
    where either side is undefined, or where ``valid`` rejects the right side's value, is
    skipped. ``equal`` is None when no point could be evaluated.

        >>> x = sp.Symbol("x")
        >>> compare((x + 1) ** 2, x**2 + 2 * x + 1, []).equal
        True
        >>> result = compare(x**2, 2 * x, [{x: sp.Integer(2)}, {x: sp.Integer(3)}])
        >>> result.equal, result.points_tried, result.witness()
        (False, 2, 'x = 3: 6 ≠ 9')
    """
    if exact and _zero_by_algebra(lhs - rhs):
        return Comparison(True, reason="exactly")
    defined = 0
    for point in points:
        left = evaluate(lhs, point)
        right = evaluate(rhs, point)
        if right is not None and valid is not None and not valid(right):
            continue
        same = values_equal(left, right)
        if same is None:
            continue
        defined += 1
        if not same:
            return Comparison(False, point, left, right, defined)
    if defined == 0:
        return Comparison(None, reason="no point to compare at")
    return Comparison(True, points_tried=defined)


# ----------------------------------------------------------------------------------------------
# Identities at simple and seeded random points (the judges of claims)
# ----------------------------------------------------------------------------------------------
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
    return isinstance(side, sp.Basic) and (side.has(Iverson, *_JUMPS) or bool(side.atoms(sp.Rel)))


def compare_at_points(
    lhs: Any,
    rhs: Any,
    variables: Sequence[Any],
    rng: random.Random,
    *,
    simple: Sequence[Mapping[Any, Any]] | None = None,
    draw: Callable[[random.Random], Mapping[Any, Any]] | None = None,
    random_points: int = IDENTITY_RANDOM_POINTS,
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
    result = compare(lhs, rhs, points, exact=False)
    if result.equal is None:
        return replace(result, reason="neither side could be evaluated to a number")
    if variables and result.equal and result.points_tried < MIN_DEFINED_POINTS:
        return Comparison(
            None, points_tried=result.points_tried, reason="too few points where both are defined"
        )
    return result


def scale_between(candidate: sp.MatrixBase, expected: sp.MatrixBase) -> Any | None:
    """The number ``c`` with ``candidate = c · expected`` (entries free of symbols), or None."""
    if candidate.shape != expected.shape:
        return None
    scale = None
    for mine, theirs in zip(candidate, expected, strict=True):
        if theirs == 0:
            if mine != 0:
                return None
            continue
        ratio = sp.nsimplify(mine / theirs)
        if ratio.free_symbols:
            return None
        if scale is None:
            scale = ratio
        elif sp.simplify(ratio - scale) != 0:
            return None
    return scale


def family_member(
    candidate: sp.MatrixBase, family: sp.MatrixBase, parameters: Sequence[sp.Symbol]
) -> dict[Any, Any] | None:
    """The values of the declared ``parameters`` that make ``family`` equal ``candidate`` (a
    unique solution), or None; ``{}`` when the candidate is the family as written.

    Only the declared parameters are solved for: a symbol of the family that the candidate
    lacks is no parameter (a conv matrix with ``x_{12}`` where ``w_{12}`` belongs is not a
    "member" ``w_{12} = x_{12}``), and every other entry must match exactly. The parameters are
    solved for as fresh unknowns, so a candidate that writes the parameter's own name in some
    entries and another name in one is no member.

    >>> w, x = sp.symbols("w x")
    >>> family = sp.ImmutableMatrix([[2 * w, 1 - 4 * w]])
    >>> family_member(sp.ImmutableMatrix([[sp.Rational(1, 3), sp.Rational(1, 3)]]), family, (w,))
    {w: 1/6}
    >>> print(family_member(sp.ImmutableMatrix([[2 * x, 1 - 4 * x]]), family, ()))
    None
    >>> print(family_member(sp.ImmutableMatrix([[2 * x, 1 - 4 * w]]), family, (w,)))
    None
    >>> family_member(sp.ImmutableMatrix([[2 * w, 1 - 4 * w]]), family, (w,))
    {}
    """
    if candidate.shape != family.shape:
        return None
    unknowns = {p: sp.Dummy(p.name) for p in parameters if p in family.free_symbols}
    general = family.xreplace(unknowns)
    equations = [sp.expand(f - c) for f, c in zip(general, candidate, strict=True)]
    equations = [e for e in equations if e != 0]
    if not equations:
        return {}
    if not unknowns:
        return None
    solutions = sp.solve(equations, list(unknowns.values()), dict=True)
    if len(solutions) != 1:
        return None
    solution = solutions[0]
    if any(sp.simplify(e.xreplace(solution)) != 0 for e in equations):
        return None
    member = {p: solution.get(d, p) for p, d in unknowns.items()}
    return {} if all(value == p for p, value in member.items()) else member


def scaled_family_member(
    candidate: sp.MatrixBase, family: sp.MatrixBase, parameters: Sequence[sp.Symbol]
) -> tuple[Any, dict[Any, Any]] | None:
    """The factor ``c`` and the values of the declared ``parameters`` with ``candidate = c ·
    family`` (a unique solution, ``c`` a nonzero number), or None.

    >>> w = sp.Symbol("w")
    >>> family = sp.ImmutableMatrix([[2 * w, 1 - 4 * w, 8 * w - 4]])
    >>> scaled_family_member(sp.ImmutableMatrix([[1, 1, -8]]), family, (w,))
    (3, {w: 1/6})
    """
    if candidate.shape != family.shape:
        return None
    unknowns = {p: sp.Dummy(p.name) for p in parameters if p in family.free_symbols}
    factor = sp.Dummy("c")
    general = family.xreplace(unknowns)
    equations = [sp.expand(factor * f - c) for f, c in zip(general, candidate, strict=True)]
    equations = [e for e in equations if e != 0]
    solutions = sp.solve(equations, [factor, *unknowns.values()], dict=True)
    if len(solutions) != 1 or factor not in solutions[0]:
        return None
    solution = solutions[0]
    scale = solution[factor]
    if not is_number(scale) or scale == 0:
        return None
    if any(sp.simplify(e.xreplace(solution)) != 0 for e in equations):
        return None
    return scale, {p: solution.get(d, p) for p, d in unknowns.items()}
