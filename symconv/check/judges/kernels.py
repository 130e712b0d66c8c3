"""A kernel written after its stencil: ``w = [1, -2, 1]`` repeats the weights of the ``≈`` above.

The stencil's weights are read from the approximation the document wrote (``x''(t) ≈ x(t+1) +
x(t-1) - 2x(t)``, ``∇²f ≈ …``), by offset; the kernel must hold them in one of the usual layouts
(rows along the first coordinate or the second, correlation or flipped). Otherwise the claim is
wrong, names the line of the stencil and, when the kernel is no stencil of that operator for any
scaling, gives a witness: the lowest monomial on which it fails (``f ≡ 1: 4 ≠ 0`` for a kernel whose
weights sum to 4). A kernel that is a stencil of the operator up to a factor but not the one above
(the isotropic Laplacian after the 5-point one) is right, with a warning naming the line.

A common factor written into the kernel is set aside when it is a power of the step
(``\\frac{1}{h^2}[1, -2, 1]``); a factor in any other name (``a[1, -2, 1]``) makes the kernel
the stencil for one value of that name only, which nothing fixes: *unverified*, never right.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symconv.check import nodes
from symconv.check.context import DocumentContext, claim_id, claim_scope
from symconv.check.judges.expansion import ExpansionError, Setup, setup_for
from symconv.check.judges.verdicts import latex_of, right, unverified, wrong
from symconv.check.model import Claim, Judgement
from symconv.check.shown import format_value
from symconv.core.safe import as_sympy

__all__ = ["judge_kernel", "stencil_failure", "stencil_weights"]

#: A kernel is compared with a stencil written at most this many lines above it.
STENCIL_DISTANCE = 8


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


def _as_kernel(value: Any) -> tuple[sp.ImmutableMatrix, Any] | None:
    """A written kernel as numbers and its common symbolic factor (``\\frac{1}{h^2}``; 1 when
    there is none), set aside."""
    if not isinstance(value, sp.MatrixBase):
        return None
    factor: Any = sp.Integer(1)
    if not all(e.is_number for e in value):
        nonzero = [e for e in value if e != 0]
        if not nonzero:
            return None
        factor = nonzero[0].as_coeff_Mul()[1]
        value = value.applyfunc(lambda e: sp.simplify(e / factor))
        if not all(e.is_number for e in value):
            return None
    if value.cols == 1 and value.rows > 1:
        return sp.ImmutableMatrix(value.T), factor
    return sp.ImmutableMatrix(value), factor


def _undeclared_factor(factor: Any, steps: frozenset[str]) -> str | None:
    """The names in a kernel's common factor that are not the step (``a`` in ``a·[1, -2, 1]``):
    the kernel is the stencil only for one value of them, a guess."""
    names = sorted(str(s) for s in getattr(factor, "free_symbols", ()) if str(s) not in steps)
    return ", ".join(names) or None


def judge_kernel(claim: Claim, context: DocumentContext) -> Judgement | None:
    """Judge ``w = [...]`` against a stencil the document wrote just before it."""
    if len(claim.sides) != 2 or not isinstance(claim.sides[0], sp.Symbol):
        return None
    written = _as_kernel(claim.sides[1])
    if written is None:
        return None
    kernel, factor = written
    candidates = context.claims_before(
        order=claim_id(claim), scope=claim_scope(claim), kind="approximation",
        within_lines=STENCIL_DISTANCE,
    )  # fmt: skip
    for approximation in reversed(candidates):
        found = _stencil_of(approximation)
        if found is None:
            continue
        judgement = _compare_kernel(claim, kernel, approximation, *found[:4], context)
        undeclared = _undeclared_factor(factor, found[4])
        if judgement.verdict == "right" and undeclared:
            return unverified(
                claim,
                f"the kernel carries the factor {latex_of(factor)}, and nothing says what "
                f"{undeclared} is: it is the stencil of line {approximation.line} only for one "
                "value of it",
            )
        return judgement
    return None


def _stencil_of(
    claim: Claim,
) -> tuple[dict[tuple[int, ...], Any], list[tuple[int, ...]], int, str, frozenset[str]] | None:
    """The stencil an approximation writes: its weights by offset, the operator's multi-indices,
    order and function, and the names of the step (``h`` when the writer has put h = 1)."""
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
    steps = frozenset(s.name for s in setup.small) or frozenset({"h"})
    return found[1], alphas, order, name, steps


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
