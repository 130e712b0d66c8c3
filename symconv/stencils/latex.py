"""Rendering a stencil: its formula, its Taylor-table derivation, and its JSON.

The formula is written as the field writes it, ``L f = D_h f − τ + O(h^q)`` (``τ`` = stencil minus
exact derivative, so it enters with a minus sign), with integer weights over a common denominator
when the weights are rational, e.g. fd-c::

    f'(x) = \\frac{-25 f(x) + 48 f(x + h) - 36 f(x + 2 h) + 16 f(x + 3 h) - 3 f(x + 4 h)}{12 h}
            + \\frac{h^{4}}{5} f^{(5)}(x) + \\mathcal{O}(h^{5})

The derivation is the Taylor table (LeVeque 2007, §1.5): ``T_{αj} = o_j^α / α!``, the moment
conditions ``T w = c`` for ``|α| < n + p``, the weights, and the first moments that do not vanish.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import sympy as sp

from symconv.core.derivation import SCHEMA_VERSION, Derivation, Step
from symconv.core.latex import latex
from symconv.stencils.taylor import (
    combination_latex,
    coordinates,
    degree_terms,
    monomials_up_to,
)

if TYPE_CHECKING:
    from symconv.stencils.weights import Stencil


def _argument_latex(stencil: Stencil, offset: tuple[sp.Expr, ...]) -> str:
    parts = []
    for coordinate, value in zip(coordinates(stencil.dims), offset, strict=True):
        shift = value if stencil.absolute else value * stencil.spacing
        name = latex(coordinate)
        if shift == 0:
            parts.append(name)
        elif shift.could_extract_minus_sign():
            parts.append(f"{name} - {latex(-shift)}")
        else:
            parts.append(f"{name} + {latex(shift)}")
    return f"f({', '.join(parts)})"


def _signed(pieces: list[tuple[bool, str]]) -> str:
    text = ""
    for index, (negative, body) in enumerate(pieces):
        if index == 0:
            text = ("-" if negative else "") + body
        else:
            text += (" - " if negative else " + ") + body
    return text or "0"


def approximation_latex(stencil: Stencil) -> str:
    """``D_h f`` written out in offset order."""
    rational = not stencil.free_parameters and all(w.is_Rational for w in stencil.weights)
    pieces: list[tuple[bool, str]] = []
    if rational:
        common = math.lcm(*(int(w.q) for w in stencil.weights))
        for offset, weight in zip(stencil.offsets, stencil.weights, strict=True):
            value = int(weight * common)
            if value:
                magnitude = abs(value)
                factor = "" if magnitude == 1 else f"{magnitude} "
                pieces.append((value < 0, factor + _argument_latex(stencil, offset)))
        denominator = stencil.scale ** (-1) * common
        numerator = _signed(pieces)
        if denominator == 1:
            return numerator
        return rf"\frac{{{numerator}}}{{{latex(denominator)}}}"
    for offset, weight in zip(stencil.offsets, stencil.weights, strict=True):
        if weight == 0:
            continue
        negative = weight.could_extract_minus_sign()
        magnitude = -weight if negative else weight
        coefficient = latex(magnitude)
        if isinstance(magnitude, sp.Add):
            coefficient = rf"\left({coefficient}\right)"
        body = _argument_latex(stencil, offset)
        pieces.append((negative, body if magnitude == 1 else f"{coefficient} {body}"))
    total = _signed(pieces)
    if stencil.scale == 1:
        return total
    return rf"\frac{{1}}{{{latex(1 / stencil.scale)}}} \left({total}\right)"


def minus_tau_latex(stencil: Stencil) -> str:
    """`` - \\frac{h^{2}}{12} f^{(4)}(x)``: ``−τ`` with the common factor taken out."""
    return error_latex(stencil, -1)


def tau_latex(stencil: Stencil) -> str:
    """``\\frac{h^{2}}{12} f^{(4)}(x)``: ``τ`` itself."""
    text = error_latex(stencil, 1).strip()
    if text.startswith("+ "):
        return text[2:]
    if text.startswith("- "):
        return "-" + text[2:]
    return text


def error_latex(stencil: Stencil, sign: int) -> str:
    """`` ± c (Σ …)``: ``sign · τ`` with the common factor taken out, as a signed summand."""
    terms = degree_terms(stencil.error, stencil.dims)
    if not terms:
        return ""
    power = sp.Integer(1)
    if not stencil.absolute:
        power = stencil.spacing**stencil.accuracy
    reduced = [(alpha, sp.cancel(c / power)) for alpha, c in terms]
    contents = [sp.Abs(c.as_content_primitive()[0]) for _, c in reduced]
    common = contents[0]
    for value in contents[1:]:
        common = sp.gcd(common, value)
    if all(c.could_extract_minus_sign() for _, c in reduced):
        common = -common
    factor = sign * common * power  # sign·τ = factor · Σ (c_α / common) ∂^α f
    inner = [(alpha, sp.expand(c / common)) for alpha, c in reduced]
    if len(inner) == 1:
        alpha, c = inner[0]
        factor = sp.factor(factor * c)
        inner = [(alpha, sp.Integer(1))]
    negative = factor.could_extract_minus_sign()
    magnitude = -factor if negative else factor
    joiner = " - " if negative else " + "
    body = combination_latex(inner)
    if len(inner) > 1:
        body = rf"\left({body}\right)"
    if magnitude == 1:
        return joiner + body
    coefficient = latex(magnitude)
    if isinstance(magnitude, sp.Add):
        coefficient = rf"\left({coefficient}\right)"
    return f"{joiner}{coefficient} {body}"


def order_latex(stencil: Stencil) -> str:
    """`` + \\mathcal{O}(h^{4})`` (or ``+ \\ldots`` when ``h`` is a number or unknown)."""
    q = stencil.error_next_order
    if q is None:
        return r" + \ldots"
    if stencil.absolute:
        symbols = sorted(
            set().union(*(c.free_symbols for o in stencil.offsets for c in o)), key=str
        )
        if not symbols:
            return r" + \ldots"
        return r" + \mathcal{O}(" + " + ".join(latex(s**q) for s in symbols) + ")"
    if stencil.spacing.is_number:
        return r" + \ldots"
    return rf" + \mathcal{{O}}({latex(stencil.spacing**q)})"


def formula_latex(stencil: Stencil) -> str:
    """``L f = D_h f − τ + O(h^q)``."""
    return (
        f"{stencil.operator.latex()} = {approximation_latex(stencil)}"
        f"{minus_tau_latex(stencil)}{order_latex(stencil)}"
    )


# ----------------------------------------------------------------------------------------------
# The derivation
# ----------------------------------------------------------------------------------------------
def _offsets_matrix(stencil: Stencil) -> sp.ImmutableMatrix:
    if stencil.dims == 1:
        return sp.ImmutableMatrix([[o[0] for o in stencil.offsets]])
    return sp.ImmutableMatrix([list(o) for o in stencil.offsets]).T


def taylor_table(stencil: Stencil) -> tuple[sp.ImmutableMatrix, list[tuple[int, ...]]]:
    """``T_{αj} = o_j^α / α!`` for ``|α| < n + p`` (rows) and the offsets (columns)."""
    rows = []
    alphas = list(monomials_up_to(stencil.order + stencil.accuracy - 1, stencil.dims))
    for alpha in alphas:
        denominator = math.prod(math.factorial(a) for a in alpha)
        rows.append(
            [
                sp.Mul(*(c**a for c, a in zip(o, alpha, strict=True))) / denominator
                for o in stencil.offsets
            ]
        )
    return sp.ImmutableMatrix(rows), alphas


def _alpha_text(alpha: tuple[int, ...]) -> str:
    return str(alpha[0]) if len(alpha) == 1 else "(" + ",".join(map(str, alpha)) + ")"


def stencil_derivation(stencil: Stencil, show_moments: bool = False) -> Derivation:
    """The Taylor-table derivation (see the module docstring).

    The Taylor table ``T`` and the moment system ``T w = b`` are steps of every derivation (a
    checker compares a student's table with them), shown in its rendering only with
    ``show_moments`` — a radius-2 cross in 2-D has a 21×9 table, which buries the weights.
    """
    from symconv.stencils.check import (
        convergence_check,
        exactness_check,
        numeric_twin,
        symbolic_exactness_check,
    )
    from symconv.stencils.weights import TAU_CONVENTION

    n, p = stencil.order, stencil.accuracy
    scale = "" if stencil.scale == 1 else rf"\frac{{1}}{{{latex(1 / stencil.scale)}}} "
    arguments = ", ".join(latex(c) for c in coordinates(stencil.dims))
    shift = r"o_j" if stencil.absolute else rf"o_j {latex(stencil.spacing)}"
    if stencil.dims > 1:
        shift = r"\mathbf{o}_j" if stencil.absolute else rf"\mathbf{{o}}_j {latex(stencil.spacing)}"
        point = rf"\mathbf{{x}} + {shift}"
    else:
        point = f"x + {shift}"
    steps: list[Step] = [
        Step(
            rf"D_h f({arguments})",
            rf"{scale}\sum_j w_j f({point})",
            ":=",
            "the stencil: weights w_j on the offsets o_j"
            + ("" if stencil.absolute else " (in units of h)"),
        ),
        Step(sp.Symbol("o"), _offsets_matrix(stencil), ":=", "the offsets, in order"),
    ]
    table, alphas = taylor_table(stencil)
    row_names = ", ".join(_alpha_text(a) for a in alphas)
    steps.append(
        Step(
            sp.Symbol("T"),
            table,
            ":=",
            "Taylor table: T[alpha, j] = o_j^alpha / alpha!, the coefficient of h^|alpha| "
            f"d^alpha f in f(x + o_j h); rows alpha = {row_names}",
            shown=show_moments,
        )
    )
    right = sp.ImmutableMatrix([[stencil.operator.coefficient(a)] for a in alphas]).applyfunc(
        lambda v: sp.Rational(v.numerator, v.denominator)
    )
    steps.append(
        Step(
            r"T w",
            right,
            "=",
            f"moment conditions for accuracy {p}: sum_j w_j o_j^alpha / alpha! equals the "
            f"operator's coefficient for every |alpha| < n + p = {n + p}",
            shown=show_moments,
        )
    )
    weights_reason = stencil.method
    if not show_moments:
        weights_reason += (
            f"; they satisfy the moment conditions for accuracy {p} ({len(alphas)} equations: "
            f"sum_j w_j o_j^alpha / alpha! equals the operator's coefficient for every "
            f"|alpha| < n + p = {n + p})"
        )
    if stencil.free_parameters:
        weights_reason += "; the system is under-determined, so the answer is this family"
    steps.append(Step(sp.Symbol("w"), stencil.answer(), "=", weights_reason))
    steps.append(
        Step(
            sp.Symbol("tau"),
            tau_latex(stencil) or "0",
            "=",
            f"first degree, n + p = {n + p}, whose moments do not vanish; {TAU_CONVENTION}",
        )
    )
    steps.append(
        Step(
            stencil.operator.latex(),
            approximation_latex(stencil) + minus_tau_latex(stencil) + order_latex(stencil),
            "=",
            f"accuracy {p}",
        )
    )
    conventions = [
        TAU_CONVENTION,
        "exact arithmetic (rationals), offsets "
        + ("carrying their spacings" if stencil.absolute else f"in units of {stencil.spacing}"),
    ]
    if stencil.dims == 1:
        conventions.append("weights without the scale 1/h^n, in offset order")
    else:
        conventions.append(
            "weights without the scale 1/h^n, as the kernel: "
            + stencil.as_kernel().layout.describe()
        )
    checks = []
    twin = None
    if stencil.family is None and stencil.dims == 1:
        checks.append(symbolic_exactness_check(stencil))
    if stencil.family is not None:
        checks.append(exactness_check(stencil))
        if not stencil.free_parameters:
            twin = numeric_twin(stencil)
            checks.append(convergence_check(stencil))
    title = f"Finite-difference stencil for {stencil.operator.name}, accuracy {p}"
    if stencil.name:
        title += f" ({stencil.name})"
    members = stencil.members if stencil.family is not None else {}
    return Derivation(
        title=title,
        steps=tuple(steps),
        answer=stencil.answer(),
        answer_lhs=sp.Symbol("w"),
        conventions=tuple(conventions),
        numeric=twin,
        checks=tuple(checks),
        # A family declares its parameters: only these are solved for when an answer is
        # compared with it (symconv.check.equality.family_member).
        details={"stencil": stencil, "members": members, "parameters": stencil.free_parameters},
    )


# ----------------------------------------------------------------------------------------------
# JSON (DESIGN.md: stencil --format json)
# ----------------------------------------------------------------------------------------------
def _offset_json(value: sp.Expr) -> int | str:
    return int(value) if value.is_Integer else str(value)


def _weights_json(stencil: Stencil) -> Any:
    from symconv.stencils.kernel import _nested_srepr

    if stencil.dims == 1:
        return [sp.srepr(w) for w in stencil.weights]
    return _nested_srepr(stencil.as_kernel().array.tolist())


def _layout_json(stencil: Stencil) -> dict[str, Any]:
    if stencil.absolute:
        return {"arrangement": "offset order", "kernel": None}
    kernel = stencil.as_kernel().layout.to_json()
    if stencil.dims == 1:
        return {"arrangement": "offset order", "kernel": kernel}
    return {"arrangement": "kernel", **kernel}


def moments_json(stencil: Stencil) -> dict[str, Any]:
    """The Taylor table and its moment system as JSON: ``{"rows": [α, ...], "table_srepr",
    "right_srepr"}`` (``T[α, j] = o_j^α / α!``; ``T w = right``).

    >>> from symconv.stencils.weights import stencil
    >>> moments_json(stencil(2))["rows"]
    [[0], [1], [2], [3]]
    """
    table, alphas = taylor_table(stencil)
    right = sp.ImmutableMatrix([[stencil.operator.coefficient(a)] for a in alphas]).applyfunc(
        lambda v: sp.Rational(v.numerator, v.denominator)
    )
    return {
        "rows": [list(alpha) for alpha in alphas],
        "table_srepr": sp.srepr(table),
        "right_srepr": sp.srepr(right),
    }


def stencil_json(stencil: Stencil) -> dict[str, Any]:
    """``{"schema_version", "derivative", "offsets", "weights_srepr", "scale_srepr", "accuracy",
    "error_srepr", "free_parameters", "layout", "latex"}`` plus ``operator`` and ``members``."""
    if stencil.dims == 1:
        offsets: list[Any] = [_offset_json(o[0]) for o in stencil.offsets]
    else:
        offsets = [[_offset_json(c) for c in o] for o in stencil.offsets]
    members = {}
    if stencil.family is not None and stencil.free_parameters:
        for name, member in stencil.members.items():
            members[name] = {
                "definition": member.definition,
                "values": {str(k): sp.srepr(v) for k, v in member.values.items()},
                "weights_srepr": _weights_json(member.stencil),
                "free_parameters": [str(s) for s in member.stencil.free_parameters],
            }
    return {
        "schema_version": SCHEMA_VERSION,
        "derivative": stencil.order,
        "operator": stencil.operator.name,
        "operator_srepr": sp.srepr(stencil.operator.applied_to_f()),
        "offsets": offsets,
        "weights_srepr": _weights_json(stencil),
        "scale_srepr": sp.srepr(stencil.scale),
        "accuracy": stencil.accuracy,
        "error_srepr": sp.srepr(stencil.error),
        "free_parameters": [str(s) for s in stencil.free_parameters],
        "layout": _layout_json(stencil),
        "latex": stencil.formula_latex(),
        "members": members,
    }
