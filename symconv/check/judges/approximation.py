"""Taylor expansions, ``≈`` steps, ``O(·)`` orders, and a kernel written after its stencil.

* ``x(t+h) = x(t) + h x'(t) + \\frac{h^2}{2} x''(t) + O(h^3)``: both sides are expanded in the
  small quantity (:mod:`.expansion`) and must agree below the claimed order.
* ``f'(x) \\approx \\frac{f(x+h) - f(x)}{h}``: right to leading order when the difference of the
  sides starts at a higher power of h than the left side. Where the writer has put h = 1
  (``x''(t) \\approx x(t+1) + x(t-1) - 2x(t)``) the integer offsets are re-scaled to h first.
* "has error $O(h^2)$": the order of the approximation it refers to, ``τ = (stencil) − (exact)``.
* ``w = [1, -2, 1]`` after a stencil: the kernel must repeat its weights; otherwise it is wrong,
  with the line of the stencil named and, when the kernel is no stencil of that operator for any
  scaling, a witness (``f ≡ 1: 4 ≠ 0``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symconv.check import nodes
from symconv.check.context import DocumentContext, claim_id, claim_scope
from symconv.check.judges.expansion import (
    EPSILON,
    STEP,
    Expansion,
    ExpansionError,
    Setup,
    epsilon_power,
    expand,
    order_of,
    setup_for,
)
from symconv.check.judges.functions import concrete
from symconv.check.judges.points import format_value, show
from symconv.check.judges.resolve import resolve
from symconv.check.judges.typos import diagnose
from symconv.check.judges.verdicts import latex_of, right, unverified, wrong
from symconv.check.model import Claim, Judgement
from symconv.safe import as_sympy

__all__ = [
    "error_order",
    "judge_approximation",
    "judge_kernel",
    "judge_order",
    "stencil_failure",
    "stencil_weights",
]

#: Taylor terms kept beyond what a claim needs.
EXTRA_TERMS = 3
#: Largest order of a claim expanded (a claim O(h^40) is not expanded term by term).
MAX_ORDER = 12
#: A kernel is compared with a stencil written at most this many lines above it.
STENCIL_DISTANCE = 8


def _power(setup: Setup, k: int) -> str:
    step = sorted(setup.small, key=lambda s: s.name)[0].name if setup.small else "h"
    return "1" if k == 0 else (step if k == 1 else f"{step}^{k}")


def _outside_power(exprs: Iterable[Any], setup: Setup) -> int:
    """The lowest power of ε outside the applications (``/h^2`` gives −2): an expansion with
    N terms is exact through power N + this."""
    lowest = 0
    for expr in exprs:
        if not isinstance(expr, sp.Basic):
            continue
        atoms = {
            a: sp.Dummy() for a in expr.atoms(AppliedUndef, sp.Derivative, nodes.Nabla, nodes.BigO)
        }
        plain = expr.xreplace(atoms)
        if setup.rescale:
            continue
        scaled = sp.expand(plain.xreplace({s: s * EPSILON for s in setup.small}))
        for term in sp.Add.make_args(scaled):
            lowest = min(lowest, epsilon_power(term)[0])
    return lowest


def _sides(claim: Claim, context: DocumentContext) -> tuple[Any, Any, Setup]:
    lhs, rhs = claim.sides
    setup = setup_for([lhs, rhs])
    keep = set(setup.small) | {STEP}
    lhs, _ = resolve(lhs, claim, context, keep=keep)
    rhs, _ = resolve(rhs, claim, context, keep=keep)
    lhs, _ = concrete(lhs)
    rhs, _ = concrete(rhs)
    return lhs, rhs, setup_for([lhs, rhs])


def _difference(left: Expansion, right_side: Expansion, through: int) -> dict[int, Any]:
    powers = set(left.terms) | set(right_side.terms)
    return {
        k: sp.expand(left.coefficient(k) - right_side.coefficient(k))
        for k in sorted(powers)
        if k <= through
    }


def _series_latex(expansion: Expansion, below: int, setup: Setup, order: int | None) -> str:
    body = expansion.truncated(below)
    text = latex_of(sp.expand(body)) or "0"
    if order is not None:
        text += rf" + O\left({_power(setup, order)}\right)"
    return text


def judge_approximation(claim: Claim, context: DocumentContext) -> Judgement | None:
    """Judge a Taylor expansion (``= … + O(h^n)``) or an ``≈`` step."""
    if len(claim.sides) != 2:
        return None
    try:
        lhs, rhs, setup = _sides(claim, context)
    except ExpansionError as error:
        if "no function" in str(error):
            return _known_series(claim, context)
        return unverified(claim, str(error))
    try:
        outside = _outside_power([lhs, rhs], setup)
        probe_l = expand(lhs, setup, 1)
        probe_r = expand(rhs, setup, 1)
        order = min((o for o in (probe_l.order, probe_r.order) if o is not None), default=None)
        if order is not None:
            return _with_order(claim, lhs, rhs, setup, order, outside)
        if claim.relation != "≈":
            return None
        return _leading_order(claim, lhs, rhs, setup, outside)
    except ExpansionError as error:
        return unverified(claim, str(error))


def _with_order(
    claim: Claim, lhs: Any, rhs: Any, setup: Setup, order: int, outside: int
) -> Judgement:
    if order > MAX_ORDER:
        return unverified(claim, f"an expansion to order {order} is beyond what is expanded here")
    terms = max(order - 1 - outside, 0) + 1
    left, right_side = expand(lhs, setup, terms), expand(rhs, setup, terms)
    difference = _difference(left, right_side, order - 1)
    bad = [k for k, c in difference.items() if c != 0]
    shown = f"O({_power(setup, order)})"
    if not bad:
        return right(claim, f"the expansions in {setup.step_names} agree below {shown}")
    k = bad[0]
    written, expected = right_side.coefficient(k), left.coefficient(k)

    def holds(a: Any, b: Any) -> bool | None:
        try:
            terms_a, terms_b = expand(a, setup, terms), expand(b, setup, terms)
        except ExpansionError:
            return None
        return all(c == 0 for c in _difference(terms_a, terms_b, order - 1).values())

    return wrong(
        claim,
        f"the terms in {_power(setup, k)} differ: the left side has {show(expected)}, "
        f"the right side {show(written)}",
        expected_latex=_series_latex(left, order, setup, order),
        diagnosis=diagnose(lhs, rhs, holds),
        witness=f"coefficient of {_power(setup, k)}: {show(written)} ≠ {show(expected)}",
    )


def error_order(lhs: Any, rhs: Any, setup: Setup, outside: int) -> tuple[int, int, Any] | None:
    """(order of the left side, order of the error, the leading error term τ = rhs − lhs), or
    None if the left side vanishes as far as expanded."""
    terms = 6 - outside
    left, right_side = expand(lhs, setup, terms), expand(rhs, setup, terms)
    reliable = terms + outside
    lowest = left.lowest()
    if lowest is None or lowest > reliable - 2:
        return None
    difference = _difference(right_side, left, reliable)
    nonzero = [k for k, c in difference.items() if c != 0]
    if not nonzero:
        return lowest, reliable + 1, sp.Integer(0)
    return lowest, nonzero[0], difference[nonzero[0]]


def _shifted(expr: Any, setup: Setup) -> bool:
    """True if ``expr`` applies a function at a shifted point (a stencil side)."""
    if not isinstance(expr, sp.Basic):
        return False
    for application in expr.atoms(AppliedUndef):
        base = setup.bases.get(application.func.__name__)
        if base is not None and tuple(application.args) != tuple(base):
            return True
    return False


def truncation_error(lhs: Any, rhs: Any, setup: Setup, outside: int) -> tuple[int, int, Any] | None:
    """τ = (stencil side) − (leading term of the exact side): (the order of that term, the order
    of τ, τ's leading term); None if the stencil does not reproduce the leading term.

    A central difference written ``= f'(x) + (h^2/6) f^{(3)}(x) + O(h^4)`` has
    τ = (h^2/6) f^{(3)}(x): the error of the stencil is O(h^2), whatever the series on the other
    side carries.
    """
    shifted = (_shifted(lhs, setup), _shifted(rhs, setup))
    if shifted == (True, False):
        stencil, exact = lhs, rhs
    elif shifted == (False, True):
        stencil, exact = rhs, lhs
    else:
        return error_order(lhs, rhs, setup, outside)
    terms = 6 - outside
    approximate, reference = expand(stencil, setup, terms), expand(exact, setup, terms)
    reliable = terms + outside
    lowest = reference.lowest()
    if lowest is None or lowest > reliable - 2:
        return None
    start = min([*approximate.terms, lowest])
    tau = {
        k: sp.expand(approximate.coefficient(k) - (reference.coefficient(k) if k == lowest else 0))
        for k in range(start, reliable + 1)
    }
    nonzero = [k for k, c in tau.items() if c != 0]
    if not nonzero:
        return lowest, reliable + 1, sp.Integer(0)
    if nonzero[0] <= lowest:
        return None
    return lowest, nonzero[0], tau[nonzero[0]]


def _leading_order(claim: Claim, lhs: Any, rhs: Any, setup: Setup, outside: int) -> Judgement:
    result = error_order(lhs, rhs, setup, outside)
    if result is None:
        return unverified(claim, "the left side vanishes to the order expanded")
    lowest, error, _ = result
    note = " (offsets read as multiples of h: the writer has put h = 1)" if setup.rescale else ""
    if error > lowest:
        relative = error - lowest
        return right(
            claim,
            f"agrees to leading order{note}; the error is O({_power(setup, relative)})",
        )
    left = expand(lhs, setup, 6 - outside)
    right_side = expand(rhs, setup, 6 - outside)
    k = min(error, lowest)
    written, expected = right_side.coefficient(k), left.coefficient(k)
    where = "to leading order" if k == 0 else f"to leading order ({_power(setup, k)})"
    return wrong(
        claim,
        f"{where}{note} the right side is {show(written)}, the left side {show(expected)}",
        expected_latex=latex_of(sp.expand(expected)),
        diagnosis=diagnose(claim.sides[0], claim.sides[1], _holds_to_leading_order),
        witness=_monomial_witness(lhs, rhs, setup, expected - written),
    )


def _holds_to_leading_order(lhs: Any, rhs: Any) -> bool | None:
    """True if ``lhs ≈ rhs`` holds to leading order (for typo candidates)."""
    try:
        setup = setup_for([lhs, rhs])
        result = error_order(lhs, rhs, setup, _outside_power([lhs, rhs], setup))
    except ExpansionError:
        return None
    return None if result is None else result[1] > result[0]


def _monomial_witness(lhs: Any, rhs: Any, setup: Setup, difference: Any) -> str | None:
    """A test function that tells the sides apart: the monomial of a derivative in which the
    leading terms differ, evaluated at the base point 0 (with h = 1)."""
    derivatives = sorted(
        (d for d in sp.expand(difference).atoms(sp.Derivative, AppliedUndef)), key=str
    )
    for atom in derivatives:
        application = atom.expr if isinstance(atom, sp.Derivative) else atom
        base = setup.bases.get(application.func.__name__)
        if base is None or not all(isinstance(b, sp.Symbol) for b in base):
            continue
        alpha = {b: 0 for b in base}
        if isinstance(atom, sp.Derivative):
            for variable, count in atom.variable_count:
                alpha[variable] += int(count)
        monomial = sp.Mul(*[b**a for b, a in alpha.items()])
        function = sp.Lambda(tuple(base), monomial)
        point = {b: 0 for b in base}
        point.update({s: 1 for s in setup.small})
        values = []
        for side in (lhs, rhs):
            replaced = (
                side.replace(application.func, function) if hasattr(side, "replace") else side
            )
            value = as_sympy(replaced).doit().xreplace(point)
            if isinstance(value, sp.Basic) and value.has(nodes.BigO):
                return None
            values.append(sp.nsimplify(value) if value.is_number else None)
        if None in values or values[0] == values[1]:
            continue
        shown = "1" if monomial == 1 else show(monomial)
        where = ", ".join(f"{b} = 0" for b in base)
        step = ", ".join(f"{s.name} = 1" for s in sorted(setup.small, key=str))
        return (
            f"{application.func.__name__} = {shown} at {where}"
            + (f", {step}" if step else "")
            + f": {format_value(values[1])} ≠ {format_value(values[0])}"
        )
    return None


def _known_series(claim: Claim, context: DocumentContext) -> Judgement | None:
    """``e^{h} = 1 + h + \\frac{h^2}{2} + O(h^3)``: a series of known functions in one step."""
    lhs, rhs = claim.sides
    lhs, _ = concrete(resolve(lhs, claim, context)[0])
    rhs, _ = concrete(resolve(rhs, claim, context)[0])
    orders = [
        t for side in (lhs, rhs) if isinstance(side, sp.Basic) for t in side.atoms(nodes.BigO)
    ]
    symbols = set()
    for term in orders:
        symbols |= term.args[0].free_symbols
    if len(symbols) != 1:
        return None
    (small,) = symbols
    setup = Setup(frozenset({small}))
    try:
        order = min(order_of(term, setup) for term in orders)
    except ExpansionError as error:
        return unverified(claim, str(error))
    if order > MAX_ORDER:
        return unverified(claim, f"a series to order {order} is beyond what is expanded here")
    plain = [side.xreplace({t: 0 for t in orders}) for side in (lhs, rhs)]
    try:
        series = [sp.series(side, small, 0, order).removeO() for side in plain]
    except (ValueError, NotImplementedError, TypeError) as error:
        return unverified(claim, f"could not expand in {small}: {error}")
    difference = sp.expand(series[0] - series[1])
    if difference == 0:
        return right(claim, f"the series in {small} agree below O({small}^{order})")
    return wrong(
        claim,
        f"the series in {small} differ below O({small}^{order}) by {show(difference)}",
        expected_latex=(latex_of(series[0]) or "") + rf" + O\left({sp.latex(small**order)}\right)",
    )


# ----------------------------------------------------------------------------------------------
# Orders: "has error O(h^2)"
# ----------------------------------------------------------------------------------------------
def judge_order(claim: Claim, context: DocumentContext) -> Judgement | None:
    """Judge ``O(h^q)`` stated as the error of an approximation written just before."""
    reference = claim.data.get("approximation")
    approximation = context.claims.get(reference) if isinstance(reference, int) else None
    if approximation is None or len(approximation.sides) != 2 or not claim.sides:
        return None
    try:
        lhs, rhs, setup = _sides(approximation, context)
        outside = _outside_power([lhs, rhs], setup)
        result = truncation_error(lhs, rhs, setup, outside)
        claimed = order_of(claim.sides[0], setup)
    except ExpansionError as error:
        return unverified(claim, str(error))
    if result is None:
        return unverified(
            claim,
            f"the approximation on line {approximation.line} does not approximate its "
            "exact side to leading order",
        )
    lowest, leading, tau = result
    actual = leading - lowest
    tau_text = f"τ = {show(tau)} + O({_power(setup, leading + 1)})"
    where = f"the approximation on line {approximation.line}"
    if actual == claimed:
        return right(claim, f"{where} has error O({_power(setup, actual)}): {tau_text}")
    if actual > claimed:
        return right(
            claim,
            f"O({_power(setup, claimed)}) holds for {where}",
            warnings=(f"the error is in fact O({_power(setup, actual)}): {tau_text}",),
        )
    return wrong(
        claim,
        f"{where} has error O({_power(setup, actual)}), not O({_power(setup, claimed)}): "
        f"{tau_text}",
        expected_latex=rf"O\left({_power(setup, actual)}\right)",
        witness=tau_text,
    )


# ----------------------------------------------------------------------------------------------
# A kernel written after its stencil
# ----------------------------------------------------------------------------------------------
def stencil_weights(expr: Any, setup: Setup) -> tuple[str, dict[tuple[int, ...], Any]] | None:
    """``Σ c_o f(x + o)`` (integer offsets, or offsets in units of the step) as the function's
    name and its weights by offset; None if ``expr`` is not such a combination."""
    expanded = sp.expand(expr)
    weights: dict[tuple[int, ...], Any] = {}
    name = None
    for term in sp.Add.make_args(expanded):
        applications = [f for f in sp.Mul.make_args(term) if isinstance(f, AppliedUndef)]
        if len(applications) != 1:
            return None
        application = applications[0]
        coefficient = sp.Mul(*[f for f in sp.Mul.make_args(term) if f is not application])
        if name is not None and application.func.__name__ != name:
            return None
        name = application.func.__name__
        base = setup.bases[name]
        offset = []
        for argument, point in zip(application.args, base, strict=True):
            shift = sp.expand(argument - point)
            if not setup.rescale and setup.small:
                shift = sp.expand(shift / sorted(setup.small, key=str)[0])
            if not shift.is_Integer:
                return None
            offset.append(int(shift))
        key = tuple(offset)
        weights[key] = weights.get(key, 0) + coefficient
    if name is None:
        return None
    if setup.small and not setup.rescale:
        # (f(x+h) - 2f(x) + f(x-h)) / h^2: one common power of the step, stripped.
        small = sorted(setup.small, key=str)[0]
        split = {k: as_sympy(w).as_coeff_exponent(small) for k, w in weights.items()}
        if len({power for _, power in split.values()}) != 1:
            return None
        weights = {k: coefficient for k, (coefficient, _) in split.items()}
    if not all(as_sympy(w).is_number for w in weights.values()):
        return None
    return name, weights


def _operator(expr: Any) -> tuple[str, list[tuple[int, ...]], int] | None:
    """The function and the multi-indices of a derivative operator (the Laplacian: one per
    axis), and its order."""
    if isinstance(expr, nodes.Nabla) and expr.power == 2 and isinstance(expr.operand, AppliedUndef):
        dims = len(expr.operand.args)
        alphas = [tuple(2 if a == axis else 0 for a in range(dims)) for axis in range(dims)]
        return expr.operand.func.__name__, alphas, 2
    if isinstance(expr, sp.Derivative) and isinstance(expr.expr, AppliedUndef):
        arguments = list(expr.expr.args)
        alpha = [0] * len(arguments)
        for variable, count in expr.variable_count:
            if variable not in arguments:
                return None
            alpha[arguments.index(variable)] += int(count)
        return expr.expr.func.__name__, [tuple(alpha)], sum(alpha)
    return None


def _operator_text(alphas: list[tuple[int, ...]], name: str) -> str:
    if len(alphas) > 1:
        return f"∇²{name}"
    (alpha,) = alphas
    if len(alpha) == 1:
        return f"{name}{chr(39) * alpha[0]}" if alpha[0] <= 3 else f"{name}^({alpha[0]})"
    return f"∂^{alpha}{name}"


def stencil_failure(
    weights: dict[tuple[int, ...], Any], alphas: Sequence[tuple[int, ...]], order: int
) -> tuple[str, Any, Any] | None:
    """Why the weights are no stencil of the operator ``Σ ∂^α`` (any scaling): the monomial test
    function, the weights applied to it at 0, and the operator applied to it; None if they are
    a stencil of it up to a factor.

    Taylor: Σ_o w_o f(x + o h) = Σ_β h^{|β|} (Σ_o w_o o^β / β!) ∂^β f(x), so the weights
    approximate c h^n L f iff Σ_o w_o o^β = 0 for |β| < n and = c β! [β ∈ L] for |β| = n.
    """
    dims = len(next(iter(weights)))
    scale = None
    for degree in range(order + 1):
        for beta in _indices(degree, dims):
            applied = sum(
                w * sp.Mul(*[sp.Integer(o) ** b for o, b in zip(offset, beta, strict=True)])
                for offset, w in weights.items()
            )
            factorial = math.prod(math.factorial(b) for b in beta)
            exact = sp.Integer(factorial) if beta in alphas else sp.Integer(0)
            if degree < order or exact == 0:
                if applied != 0:
                    return _monomial_text(beta), applied, exact
                continue
            ratio = sp.Rational(applied) / exact
            if scale is None:
                scale = ratio
            elif ratio != scale:
                return _monomial_text(beta), applied, exact * scale
    if scale is None or scale == 0:
        return "the leading term", sp.Integer(0), sp.Integer(1)
    return None


def _indices(degree: int, dims: int) -> list[tuple[int, ...]]:
    import itertools

    return sorted(
        (c for c in itertools.product(range(degree + 1), repeat=dims) if sum(c) == degree),
        reverse=True,
    )


def _monomial_text(beta: tuple[int, ...]) -> str:
    names = "xyzw"
    factors = [names[k] if b == 1 else f"{names[k]}^{b}" for k, b in enumerate(beta) if b and k < 4]
    return "1" if not factors else "·".join(factors)


def _kernel_matrix(weights: dict[tuple[int, ...], Any]) -> sp.ImmutableMatrix | None:
    dims = len(next(iter(weights)))
    if dims > 2:
        return None
    lows = [min(o[a] for o in weights) for a in range(dims)]
    highs = [max(o[a] for o in weights) for a in range(dims)]
    if dims == 1:
        return sp.ImmutableMatrix([[weights.get((o,), 0) for o in range(lows[0], highs[0] + 1)]])
    span = [max(-lows[a], highs[a]) for a in range(2)]
    rows = [
        [weights.get((r, c), 0) for c in range(-span[1], span[1] + 1)]
        for r in range(-span[0], span[0] + 1)
    ]
    return sp.ImmutableMatrix(rows)


def _layouts(kernel: sp.ImmutableMatrix) -> list[tuple[sp.ImmutableMatrix, str]]:
    flipped = sp.ImmutableMatrix(kernel[::-1, ::-1])
    return [
        (kernel, ""),
        (sp.ImmutableMatrix(kernel.T), "rows along the second coordinate"),
        (flipped, "flipped (a convolution kernel)"),
        (sp.ImmutableMatrix(flipped.T), "flipped, rows along the second coordinate"),
    ]


def _as_kernel(value: Any) -> sp.ImmutableMatrix | None:
    """A written kernel as numbers, its common factor (``\\frac{1}{h^2}``) set aside."""
    if not isinstance(value, sp.MatrixBase):
        return None
    if not all(e.is_number for e in value):
        nonzero = [e for e in value if e != 0]
        if not nonzero:
            return None
        factor = nonzero[0].as_coeff_Mul()[1]
        value = value.applyfunc(lambda e: sp.simplify(e / factor))
        if not all(e.is_number for e in value):
            return None
    if value.cols == 1 and value.rows > 1:
        return sp.ImmutableMatrix(value.T)
    return sp.ImmutableMatrix(value)


def judge_kernel(claim: Claim, context: DocumentContext) -> Judgement | None:
    """Judge ``w = [...]`` against a stencil the document wrote just before it."""
    if len(claim.sides) != 2 or not isinstance(claim.sides[0], sp.Symbol):
        return None
    kernel = _as_kernel(claim.sides[1])
    if kernel is None:
        return None
    candidates = context.claims_before(
        order=claim_id(claim), scope=claim_scope(claim), kind="approximation",
        within_lines=STENCIL_DISTANCE,
    )  # fmt: skip
    for approximation in reversed(candidates):
        found = _stencil_of(approximation)
        if found is not None:
            return _compare_kernel(claim, kernel, approximation, *found, context)
    return None


def _stencil_of(
    claim: Claim,
) -> tuple[dict[tuple[int, ...], Any], list[tuple[int, ...]], int, str] | None:
    if len(claim.sides) != 2:
        return None
    lhs, rhs = claim.sides
    operator = _operator(lhs)
    if operator is None:
        return None
    name, alphas, order = operator
    try:
        setup = setup_for([lhs, rhs])
    except ExpansionError:
        return None
    found = stencil_weights(rhs, setup)
    if found is None or found[0] != name:
        return None
    return found[1], alphas, order, name


def _compare_kernel(
    claim: Claim,
    kernel: sp.ImmutableMatrix,
    approximation: Claim,
    weights: dict[tuple[int, ...], Any],
    alphas: list[tuple[int, ...]],
    order: int,
    name: str,
    context: DocumentContext,
) -> Judgement:
    expected = _kernel_matrix(weights)
    line = approximation.line
    operator = _operator_text(alphas, name)
    warnings: tuple[str, ...] = ()
    if context.verdict_of(claim_id(approximation)) == "wrong":
        warnings = (f"consistent with your line {line} (error carried forward)",)
    if (expected is not None and expected.shape == kernel.shape) or (
        expected is not None and expected.shape == kernel.T.shape
    ):
        for layout, convention in _layouts(expected):
            if layout.shape == kernel.shape and layout == kernel:
                note = f" ({convention})" if convention else ""
                return right(
                    claim,
                    f"the weights of the stencil for {operator} on line {line}{note}",
                    warnings=warnings,
                )
    written = _kernel_offsets(kernel)
    failure = stencil_failure(written, alphas, order) if written else None
    against = f"disagrees with line {line}, whose stencil for {operator} has the weights "
    against += format_value(expected) if expected is not None else "written there"
    if failure is None:
        return right(
            claim,
            f"a stencil for {operator} (up to a factor)",
            warnings=(*warnings, f"it is not the stencil of line {line}: {against}"),
        )
    monomial, applied, exact = failure
    if monomial == "1":
        why = (
            f"its weights sum to {format_value(applied)} ≠ 0, so applied to {name} ≡ 1 it gives "
            f"{format_value(applied)} where {operator} = 0: no scaling makes it a stencil for "
            f"{operator}"
        )
        witness = f"{name} ≡ 1: {format_value(applied)} ≠ {format_value(exact)}"
    else:
        why = (
            f"applied to {name} = {monomial} at 0 it gives {format_value(applied)} where a "
            f"stencil for {operator} must give {format_value(exact)}"
        )
        witness = f"{name} = {monomial} at 0: {format_value(applied)} ≠ {format_value(exact)}"
    return wrong(
        claim,
        f"{against}; {why}",
        expected=expected,
        diagnosis=_entry_diagnosis(kernel, expected),
        witness=witness,
        warnings=warnings,
    )


def _kernel_offsets(kernel: sp.ImmutableMatrix) -> dict[tuple[int, ...], Any]:
    """The weights of a written kernel by offset from its centre (odd sizes only)."""
    if kernel.rows == 1:
        if kernel.cols % 2 == 0:
            return {}
        half = kernel.cols // 2
        return {(c - half,): kernel[0, c] for c in range(kernel.cols)}
    if kernel.rows % 2 == 0 or kernel.cols % 2 == 0:
        return {}
    hr, hc = kernel.rows // 2, kernel.cols // 2
    return {(r - hr, c - hc): kernel[r, c] for r in range(kernel.rows) for c in range(kernel.cols)}


def _entry_diagnosis(kernel: sp.ImmutableMatrix, expected: sp.ImmutableMatrix | None) -> str | None:
    if expected is None or expected.shape != kernel.shape:
        return None
    differing = [
        (r + 1, c + 1)
        for r in range(kernel.rows)
        for c in range(kernel.cols)
        if kernel[r, c] != expected[r, c]
    ]
    if not differing or len(differing) > 4:
        return None
    entries = ", ".join(f"({r}, {c})" for r, c in differing)
    values = {expected[r - 1, c - 1] for r, c in differing}
    if len(values) == 1:
        return f"entries {entries} should be {format_value(values.pop())}"
    return f"entries {entries} differ from the stencil"
