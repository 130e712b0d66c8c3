"""Taylor expansions, ``≈`` steps, ``O(·)`` orders, and a kernel written after its stencil.

* ``x(t+h) = x(t) + h x'(t) + \\frac{h^2}{2} x''(t) + O(h^3)``: both sides are expanded in the
  small quantity (:mod:`.expansion`) and must agree below the claimed order.
* ``f'(x) \\approx \\frac{f(x+h) - f(x)}{h}``: right to leading order when the difference of the
  sides starts at a higher power of h than the left side. Where the writer has put h = 1
  (``x''(t) \\approx x(t+1) + x(t-1) - 2x(t)``) the integer offsets are re-scaled to h first.
* "has error $O(h^2)$": the order of the approximation it refers to, ``τ = (stencil) − (exact)``.
* a kernel written after its stencil: :mod:`.kernels`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symconv.check import nodes
from symconv.check.context import DocumentContext, ProblemContext, claim_id, claim_scope
from symconv.check.judges.expansion import (
    EPSILON,
    STEP,
    Expansion,
    ExpansionError,
    Setup,
    differentials_as_steps,
    epsilon_power,
    expand,
    grid_points_as_coordinates,
    grid_samples_as_functions,
    intermediate_points,
    is_step,
    order_of,
    setup_for,
    small_entries_as_symbols,
)
from symconv.check.judges.functions import concrete
from symconv.check.judges.grid_points import (
    numbered_points_as_coordinates,
    numbered_samples_as_functions,
    space_time_samples_as_functions,
    uniform_grids,
)
from symconv.check.judges.resolve import resolve
from symconv.check.judges.typos import diagnose
from symconv.check.judges.verdicts import latex_of, right, unverified, wrong
from symconv.check.model import Claim, Judgement, OrderFacts
from symconv.check.parser import parse_expression
from symconv.check.shown import display_name, format_value, show
from symconv.check.symbols import SymbolTable
from symconv.core.patterns import lazy_compile
from symconv.core.safe import as_sympy
from symconv.errors import ParseError

__all__ = [
    "confirm_agreeing_rows",
    "error_order",
    "judge_ansatz_answer",
    "judge_approximation",
    "judge_operator_line",
    "judge_order",
    "truncation_error",
]

#: Taylor terms kept beyond what a claim needs.
EXTRA_TERMS = 3
#: Largest order of a claim expanded (a claim O(h^40) is not expanded term by term).
MAX_ORDER = 12


def _terms_in(setup: Setup, k: int) -> str:
    """``terms in Δx^2``; ``terms without Δx`` for the power 0."""
    if k == 0:
        return f"terms without {_power(setup, 1)}"
    return f"terms in {_power(setup, k)}"


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


def _converted(
    sides: tuple[Any, ...],
    claim: Claim,
    context: DocumentContext,
    problem: ProblemContext,
    *,
    resolved: bool = True,
) -> tuple[Any, ...]:
    """Sides as the expansion reads them: grid samples as functions of a point, d-letter
    steps as steps, the document's definitions substituted (not with ``resolved=False``: the
    sides as written). (A row of a side is read together with the claim's two sides, so that
    it is read as they are.)"""
    relations = _grid_relations(claim, context)
    grids = uniform_grids(relations)
    operators = _operator_definitions(claim, context)
    converted = tuple(
        small_entries_as_symbols(_operators_written_out(side, operators)) for side in sides
    )
    converted = space_time_samples_as_functions(converted, grids)
    converted = numbered_samples_as_functions(converted, relations)
    converted = numbered_points_as_coordinates(converted, grids)
    points = _intermediate_points(claim, grids)
    converted = tuple(
        side.xreplace(points) if points and isinstance(side, sp.Basic) else side
        for side in converted
    )
    converted = grid_points_as_coordinates(converted, grids)
    converted = grid_samples_as_functions(converted)
    converted = differentials_as_steps(converted)
    if not resolved:
        return converted
    setup = setup_for(list(converted))
    keep = set(setup.small) | {STEP}
    if _REQUEST.search(claim.origin.words_before) and len(converted) == 2:
        # "find a, b, c with a f(x_0) + … = f'(x_0) + O(h^2)": the weights are the request's
        # unknowns, whatever values another problem gave the names
        unknown = _unknown_weights(converted[0], converted[1], setup)
        keep |= set(unknown[0]) if unknown is not None else set()
    elif len(converted) == 2:
        keep |= _weights_of_other_sections(converted, setup, claim, context)
    return tuple(
        concrete(resolve(side, claim, context, problem, keep=keep)[0])[0] for side in converted
    )


def _weights_of_other_sections(
    sides: tuple[Any, ...], setup: Setup, claim: Claim, context: DocumentContext
) -> set[Any]:
    """The weights of an ansatz whose values the claim's own section does not state while it
    states others: ``where a = …, b = …`` in section 3 with ``c`` given only in section 1 is no
    statement of ``c`` for section 3, so ``c`` stays unknown (taking section 1's value made a
    true ansatz wrong)."""
    unknown = _unknown_weights(sides[0], sides[1], setup)
    if unknown is None:
        return set()
    order, scope = claim_id(claim), claim_scope(claim)
    found = {w: context.definition_of(w, order=order, scope=scope) for w in unknown[0]}
    scopes = {d.scope for d in found.values() if d is not None}
    if scope not in scopes or len(scopes) < 2:
        return set()
    return {w for w, d in found.items() if d is not None and d.scope != scope}


#: The request that makes the names of the formula after it unknowns: *find* (the weights)
#: *with*, *determine*, *solve for*, *choose*, 求, 确定, 选取.
_REQUEST = lazy_compile(
    r"(?i)\b(?:find|determine|solve\s+for|choose|look\s+for|seek)\b|求|确定|选取|选择"
)


def operator_definition(lhs: Any, rhs: Any) -> tuple[Any, str, sp.Symbol, Any] | None:
    """``(D, f, x, value)`` for a line that defines a difference operator by what it does to a
    function: ``D_h f(x) = \\frac{f(x+h) - f(x)}{h}``, ``D_+ f(x) = …``, ``D_0 f(x) = …`` — the
    operator (an entry ``D[h]`` of a step, or a name ``D_+``, ``D_0``, ``δ_h`` of a difference
    operator) times ``f`` at a bare variable, the value ``f`` at points (no derivative, no
    order term, no operator). None for anything else.

    >>> f, x, h = sp.Function("f"), *sp.symbols("x h")
    >>> operator_definition(sp.Symbol("D_+") * f(x), (f(x + h) - f(x)) / h)[:3]
    (D_+, 'f', x)
    >>> operator_definition(sp.Symbol("D_+") * f(x), sp.Derivative(f(x), x)) is None
    True
    """
    if not (isinstance(lhs, sp.Mul) and isinstance(rhs, sp.Expr)) or len(lhs.args) != 2:
        return None
    applied = [a for a in lhs.args if isinstance(a, AppliedUndef)]
    others = [a for a in lhs.args if not isinstance(a, AppliedUndef)]
    if len(applied) != 1 or len(others) != 1 or len(applied[0].args) != 1:
        return None
    (function,), (operator,) = applied, others
    (variable,) = function.args
    if not isinstance(variable, sp.Symbol) or not _is_operator(operator):
        return None
    name = str(function.func.__name__)
    if (
        rhs.has(sp.Derivative, sp.Subs, nodes.BigO)
        or rhs.has(operator)
        or not any(str(a.func.__name__) == name for a in rhs.atoms(AppliedUndef))
    ):
        return None
    return operator, name, variable, rhs


def _is_operator(operator: Any) -> bool:
    """``D[h]``, ``δ[Δx]`` (an entry of a step), or ``D_+``, ``D_-``, ``D_0``, ``δ_h``: a name
    of a difference operator."""
    if isinstance(operator, sp.Indexed):
        index = operator.indices[0] if len(operator.indices) == 1 else None
        return isinstance(index, sp.Symbol) and is_step(index)
    if isinstance(operator, sp.Symbol):
        stem, _, sub = operator.name.partition("_")
        return stem in ("D", "delta", "Delta", "\\delta", "\\Delta") and sub.strip("{}") in (
            "+",
            "-",
            "0",
            "c",
            "h",
        )
    return False


def _operator_definitions(
    claim: Claim, context: DocumentContext
) -> dict[tuple[Any, str], tuple[sp.Symbol, Any]]:
    """The difference operators the section defined before ``claim`` (:func:`operator_definition`),
    ``(D, f) → (x, value)``; a later definition of the same operator replaces an earlier one."""
    order, scope = claim_id(claim), claim_scope(claim)
    found: dict[tuple[Any, str], tuple[sp.Symbol, Any]] = {}
    pairs = [(a.lhs, a.rhs) for a in context.assumptions_before(order=order, scope=scope)]
    for earlier in context.claims_before(order=order, scope=scope):
        if earlier.relation in ("=", ":=", "≡", "\\equiv") and len(earlier.sides) == 2:
            pairs.append((earlier.sides[0], earlier.sides[1]))
    for lhs, rhs in pairs:
        definition = operator_definition(lhs, rhs)
        if definition is not None:
            operator, name, variable, value = definition
            found[(operator, name)] = (variable, value)
    return found


def _operators_written_out(
    side: Any, operators: dict[tuple[Any, str], tuple[sp.Symbol, Any]]
) -> Any:
    """``side`` with each defined operator applied to its function (``D_+ f(x_0)``) replaced by
    the value its definition gives, at the point it is applied; a product of operators
    (``D_+ D_- f(x)``) applies each in turn to what the one before gives (each definition
    is a combination of shifts of ``f``: such operators are linear and commute)."""
    if not operators or not isinstance(side, sp.Basic):
        return side

    def linear(expr: Any, name: str) -> bool:
        """Whether ``expr`` is a combination of values of ``name``, each to the first power."""
        for term in sp.Add.make_args(sp.expand(expr)):
            values = [
                f
                for f in sp.Mul.make_args(term)
                if isinstance(f, AppliedUndef) and str(f.func.__name__) == name
            ]
            if len(values) != 1 or len(values[0].args) != 1:
                return False
            if (term / values[0]).has(values[0].func):
                return False
        return True

    def written_out(term: Any) -> Any:
        if not isinstance(term, sp.Mul):
            return term
        factors = list(term.args)
        for (operator, name), _ in operators.items():
            if operator not in factors:
                continue
            chain = [(op, operators[(op, name)]) for op in factors if (op, name) in operators]
            operand = sp.Mul(*(f for f in factors if (f, name) not in operators))
            if not linear(operand, name):
                return term
            for _op, (variable, value) in chain:
                if not linear(value, name):
                    return term
                operand = sp.expand(operand).replace(
                    lambda e, name=name: (
                        isinstance(e, AppliedUndef) and str(e.func.__name__) == name
                    ),
                    lambda e, variable=variable, value=value: value.xreplace({variable: e.args[0]}),
                )
            return operand
        return term

    return side.replace(lambda e: isinstance(e, sp.Mul), written_out)


def judge_operator_line(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Judgement | None:
    """``D_h f(x) = \\frac{f(x+h) - f(x)}{h}``: the definition of a difference operator is
    notation (*unverified*, never "f is not defined"); ``D_+ D_- f(x) = \\frac{f(x+h) - 2f(x) +
    f(x-h)}{h^2}`` after the definitions: both sides written out through them are compared
    exactly — equal, right; a combination of values of ``f`` that differs, wrong (the values
    at distinct points of an arbitrary ``f`` are independent). None where no defined operator
    is applied."""
    if len(claim.sides) != 2 or claim.relation not in ("=", ":=", "≡"):
        return None
    lhs, rhs = claim.sides
    operators = _operator_definitions(claim, context)
    definition = operator_definition(lhs, rhs)
    if definition is not None and (definition[0], definition[1]) not in operators:
        return unverified(
            claim,
            f"notation: it defines the operator {show(definition[0])} (what it does to "
            f"{definition[1]}); nothing to check",
        )
    if not operators:
        return None
    written = [_operators_written_out(side, operators) for side in (lhs, rhs)]
    if written == [lhs, rhs] or not all(isinstance(w, sp.Expr) for w in written):
        return None
    if any(w.has(*(op for op, _ in operators)) for w in written):
        return None
    difference = sp.expand(written[0] - written[1])
    where = ", ".join(sorted({show(op) for op, _ in operators}))
    if difference == 0:
        return right(claim, f"with {where} as the text defines them, the two sides agree")
    values = {a for a in difference.atoms(AppliedUndef)}
    names = {str(a.func.__name__) for a in values}
    plain = difference.xreplace({v: sp.Dummy() for v in values})
    if (
        len(names) == 1
        and all(len(v.args) == 1 for v in values)
        and plain.is_polynomial(*[d for d in plain.free_symbols if isinstance(d, sp.Dummy)])
        and not difference.has(sp.Derivative, sp.Subs, nodes.BigO)
    ):
        collected = sp.collect(difference, list(values), evaluate=False)
        if set(collected) <= values and any(sp.simplify(c) != 0 for c in collected.values()):
            distinct = len({sp.expand(v.args[0]) for v in values}) == len(values)
            if distinct and all(not c.has(*values) for c in collected.values()):
                return wrong(
                    claim,
                    f"with {where} as the text defines them, the sides differ by "
                    f"{show(difference)}",
                )
    return None


def _intermediate_points(claim: Claim, grids: dict[str, Any]) -> dict[sp.Symbol, sp.Symbol]:
    """The intermediate point of a remainder in mean-value form, with the claim's numbered
    grid points read as coordinates (``f(x_1) = f(x_0) + h f'(ξ)`` on ``x_k = x_0 + kh``)."""
    return intermediate_points(numbered_points_as_coordinates(claim.sides, grids))


def _grid_relations(claim: Claim, context: DocumentContext) -> list[tuple[Any, Any]]:
    """What the document said about its grid points before the claim: assumed relations
    (*where* ``x_k = x_0 + kh``, *let* ``x_{i+1} = x_i + h``) and index formulas it stated
    (*the nodes are* ``x_j = x_0 + jh``), in document order."""
    order, scope = claim_id(claim), claim_scope(claim)
    relations = [(a.lhs, a.rhs) for a in context.assumptions_before(order=order, scope=scope)]
    for earlier in context.claims_before(order=order, scope=scope, kind="index-formula"):
        if len(earlier.sides) == 2 and earlier.relation == "=":
            relations.append((earlier.sides[0], earlier.sides[1]))
    return relations


def _sides(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> tuple[Any, Any, Setup]:
    lhs, rhs = _converted(_without_trailing_dots(claim), claim, context, problem)
    return lhs, rhs, setup_for([lhs, rhs])


#: A series that ends on dots: ``f(x) + h f'(x) + \\frac{h^2}{2} f''(x) + \\cdots``.
_TRAILING_DOTS = lazy_compile(r"(?:\\[lcv]?dots|\\dotsb|…|\.\.\.)\s*[.,;]?\s*(?:\\\\)?\s*$")


def _without_trailing_dots(claim: Claim) -> tuple[Any, ...]:
    """The claim's sides with the ``+ ⋯`` a series ends on left out: the terms of higher order
    than the last one written, which is how an expansion "without its remainder" is judged
    (through the highest power written). Dots elsewhere stand for terms the line skips: the
    series cannot be compared term by term (an :class:`ExpansionError`, so *unverified*) —
    before, the dots were a term of their own and a true Taylor expansion read as wrong."""
    sides = tuple(claim.sides)
    if not any(isinstance(side, sp.Basic) and side.has(nodes.Dots) for side in sides):
        return sides
    trailing = _TRAILING_DOTS.search(claim.text) is not None
    kept = []
    for position, side in enumerate(sides):
        last = position == len(sides) - 1
        if trailing and last and isinstance(side, sp.Add) and nodes.Dots() in side.args:
            series = sp.Add(*(term for term in side.args if not isinstance(term, nodes.Dots)))
            if not series.has(nodes.Dots):
                kept.append(series)
                continue
        if isinstance(side, sp.Basic) and side.has(nodes.Dots):
            raise ExpansionError("the dots (⋯) stand for terms the line does not write")
        kept.append(side)
    return tuple(kept)


#: What may stand before a written row's term: the alignment mark, the relation, a plus sign.
_ROW_LEAD = lazy_compile(r"^(?:&|\\\\|=|\\approx|\\quad|\\qquad|\\[;,!: ]|\+|\s)+")
#: The relation of the claim, where its right side starts.
_RELATION = lazy_compile(r"(?<![<>!\\])=|\\approx")
_ROW_TAIL = lazy_compile(r"(?:\\\\|\s|&|\+|\\nonumber|\\notag)+$")


def _rows_by_power(
    claim: Claim, setup: Setup, terms: int, context: DocumentContext, problem: ProblemContext
) -> dict[int, list[int]]:
    """For each power of the step, the lines of the rows of the right side (written over
    several lines) whose term holds it; empty when the right side is on one line or a row
    cannot be read on its own. Each row is read alone and expanded with the claim's setup."""
    lines = claim.text.split("\n")
    if len(lines) < 2 or claim.end_line - claim.line != len(lines) - 1:
        return {}
    relation = next((n for n, text in enumerate(lines) if _RELATION.search(text)), None)
    if relation is None:
        return {}
    # a row read alone knows the claim's functions: u(s) in a row is u applied, as in the claim
    applied = {
        application.func.__name__
        for side in claim.sides
        if isinstance(side, sp.Basic)
        for application in side.atoms(AppliedUndef)
    }
    known = claim.origin.table or SymbolTable()
    table = replace(known, functions=known.functions | applied)
    rows: dict[int, list[int]] = {}
    for n in range(relation, len(lines)):
        text = lines[n]
        if n == relation:
            text = _RELATION.split(text, maxsplit=1)[1]
        body = _ROW_TAIL.sub("", _ROW_LEAD.sub("", text.strip()))
        if not body:
            continue
        try:
            row = parse_expression(body, symbols=table)
            _, _, row = _converted((*claim.sides, row), claim, context, problem)
            expansion = expand(row, setup, terms)
        except (ParseError, ExpansionError):
            return {}  # a row that cannot be read on its own: no localisation
        for k, c in expansion.terms.items():
            if sp.expand(c) != 0:
                rows.setdefault(k, []).append(claim.line + n)
    return rows


def _row_of(rows: dict[int, list[int]], power: int) -> int | None:
    """The one row holding ``power`` (None: none, or several)."""
    holders = rows.get(power, [])
    return holders[0] if len(holders) == 1 else None


def _at_row(claim: Claim, line: int | None) -> Claim:
    """``claim`` narrowed to the row ``line`` its verdict is about (unchanged if None)."""
    if line is None:
        return claim
    return replace(claim, line=line, end_line=line)


def _difference(left: Expansion, right_side: Expansion, through: int) -> dict[int, Any]:
    powers = set(left.terms) | set(right_side.terms)
    return {  # cancel: 2/(h_p(h_m + h_p)) + 2/(h_m(h_m + h_p)) − 2/(h_m h_p) is 0
        k: sp.expand(sp.cancel(left.coefficient(k) - right_side.coefficient(k)))
        for k in sorted(powers)
        if k <= through
    }


def _series_latex(expansion: Expansion, below: int, setup: Setup, order: int | None) -> str:
    body = expansion.truncated(below)
    text = latex_of(sp.expand(body)) or "0"
    if order is not None:
        text += rf" + O\left({_power(setup, order)}\right)"
    return text


def judge_approximation(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Judgement | None:
    """Judge a Taylor expansion (``= … + O(h^n)``) or an ``≈`` step. An ansatz — a derivative
    approximated by samples with unknown weights, ``u'_j ≈ (a u_{j-2} + b u_{j-1} + c u_j)/h``
    — that holds for some weights is not wrong: it is what fixes them (*unverified*, with them)."""
    judgement = _judge_approximation(claim, context, problem)
    if judgement is not None and judgement.verdict in ("unverified", "wrong"):
        through = _through_next_link(claim, context, problem)
        if through is not None:
            return through
    if judgement is None or judgement.verdict != "wrong":
        return judgement
    fitted = _ansatz_weights(claim, context, problem)
    if fitted is None:
        if _bare_weights(claim, context, problem):
            # weights that may be any functions of the step: none of the form w/h^p is no proof
            return unverified(
                claim,
                "an ansatz with unknown weights, which may depend on the step: none of the "
                "form w/h^p makes it hold",
            )
        return judgement
    shown = ", ".join(f"{show(unknown)} = {show(value)}" for unknown, value in fitted.items())
    return unverified(
        claim,
        f"an ansatz with unknown weights: it holds for particular values of them ({shown}), "
        "which it does not state",
    )


def _through_next_link(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Judgement | None:
    """``f'(x) \\approx D_h f(x) = \\frac{f(x+h)-f(x)}{h}``: a right side no expansion reads
    (an operator the text names, ``D_h``) that the chain's next link writes out with ``=`` —
    the link is judged with that value (a chain ``A ≈ B = C`` says ``A ≈ C``). None where the
    next link is no such equation, or the right side is read as it stands."""
    link = claim.link
    if link is None or link.position + 1 >= link.links or len(claim.sides) != 2:
        return None
    following = context.claims.get(claim_id(claim) + 1)
    if (
        following is None
        or following.link is None
        or following.link.previous != claim_id(claim)
        or following.relation != "="
        or len(following.sides) != 2
        or following.sides[0] != claim.sides[1]
    ):
        return None
    middle, value = following.sides
    if not isinstance(middle, sp.Basic) or not isinstance(value, sp.Basic):
        return None
    if not _step_operators(middle) or _step_operators(value):
        return None  # no operator of the step that only the next link says what it is
    written_out = replace(claim, sides=(claim.sides[0], value))
    judgement = _judge_approximation(written_out, context, problem)
    if judgement is None or judgement.verdict == "unverified":
        return None
    note = f"with {following.link.lhs_text} as the next link writes it out: "
    return replace(judgement, claim=claim, message=note + judgement.message)


def _step_operators(expr: Any) -> set[Any]:
    """The difference operators of a step written in ``expr``: a name subscripted by a step
    (``D_h``, ``\\delta_h``, ``D_{\\Delta x}``, read as an entry ``D[h]``) that multiplies a
    function's value (``D_h f(x)``, ``D_h^2 f(x)``).

    >>> f, x, h = sp.Function("f"), *sp.symbols("x h")
    >>> _step_operators(sp.IndexedBase("D")[h] * f(x)), _step_operators(h * f(x))
    ({D[h]}, set())
    """
    found = set()
    for term in sp.Add.make_args(sp.expand(expr)):
        factors = sp.Mul.make_args(term)
        if not any(isinstance(factor, AppliedUndef) for factor in factors):
            continue
        for factor in factors:
            base = factor.base if isinstance(factor, sp.Pow) else factor
            if (
                isinstance(base, sp.Indexed)
                and len(base.indices) == 1
                and isinstance(base.indices[0], sp.Symbol)
                and is_step(base.indices[0])
            ):
                found.add(base)
    return found


def _unknown_weights(lhs: Any, rhs: Any, setup: Setup) -> tuple[list[Any], Any] | None:
    """The unknown weights of an ansatz and the side that holds them: names that multiply the
    samples on one side only (``a``, ``a_{-2}``: not a step, a variable, a shift or an index),
    the other side a derivative. None if the claim is no such ansatz."""
    found = []
    for side, other in ((rhs, lhs), (lhs, rhs)):
        if not (isinstance(side, sp.Expr) and isinstance(other, sp.Expr)):
            return None
        inside = {
            s
            for application in side.atoms(AppliedUndef)
            for argument in application.args
            for s in argument.free_symbols
        }
        variables = {v for d in side.atoms(sp.Derivative) for v in d.variables}
        # D in D_h f(x) (read D[h]): an operator's label, no weight
        labels = {e.base.label for e in side.atoms(sp.Indexed)}
        names = [
            s
            for s in side.free_symbols
            if isinstance(s, sp.Symbol)
            and s not in setup.small | inside | variables | labels | {STEP, EPSILON}
            and not isinstance(s, sp.Dummy)
        ]
        names += [e for e in side.atoms(sp.Indexed) if all(i.is_Integer for i in e.indices)]
        if names:
            found.append((names, side, other))
    if len(found) != 1:
        return None
    names, side, other = found[0]
    if not other.has(sp.Derivative) or any(n in other.free_symbols for n in names):
        return None
    return names, side


def _ansatz_weights(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> dict[Any, Any] | None:
    """Values of an ansatz's unknown weights that make it hold (:func:`_unknown_weights`), as
    far as the claim is compared (below its order, through its written series, or to leading
    order), or None: no ansatz, or no weights make it hold.

    Weights written bare, with no step on their side (``a f(x_0) + b f(x_1) + c f(x_2) =
    f'(x_0) + O(h^2)``), stand for numbers over a power of the step (``a = -3/(2h)``): each is
    tried as ``w / h^p`` for p up to the order of the derivative on the other side."""
    try:
        lhs, rhs, setup = _sides(claim, context, problem)
        unknown = _unknown_weights(lhs, rhs, setup)
        if unknown is None:
            return None
        names, side = unknown
    except ExpansionError:
        return None
    powers = [0]
    # each weight tried as w / h^p also where other weights are stated with the step (a and b
    # given, c unknown): a fit only ever makes the ansatz undecided, never wrong
    if len(setup.small) == 1 and not setup.rescale:
        other = rhs if side is lhs else lhs
        highest = max((_derivative_order(d) for d in other.atoms(sp.Derivative)), default=0)
        powers = list(range(highest + 1))
    for power in powers:
        scale = next(iter(setup.small)) ** -power if power else sp.Integer(1)
        fitted = _weights_solving(lhs, rhs, setup, names, scale)
        if fitted is not None:
            return fitted
    return None


def _bare_weights(claim: Claim, context: DocumentContext, problem: ProblemContext) -> bool:
    """Whether the claim is an ansatz whose unknown weights are written with no step on their
    side (``a f(x) + b f(x+h) = f'(x) + O(h)``)."""
    try:
        lhs, rhs, setup = _sides(claim, context, problem)
    except ExpansionError:
        return False
    unknown = _unknown_weights(lhs, rhs, setup)
    if unknown is not None and not _step_outside(unknown[1], setup):
        return True
    # "a f(x_0) + b f(x_1) + c f(x_2) = f'(x_0) + O(h^2), where a = -3/(2h)": some weights
    # stated with the step, others left bare — the side as written has no step outside
    written = [side for side in claim.sides if isinstance(side, sp.Expr)]
    if unknown is None or len(written) != 2:
        return False
    try:
        plain = _converted(tuple(written), claim, context, problem, resolved=False)
        unresolved = _unknown_weights(plain[0], plain[1], setup_for(list(plain)))
    except ExpansionError:
        return False
    return unresolved is not None and not _step_outside(unresolved[1], setup)


def _step_outside(side: Any, setup: Setup) -> bool:
    """Whether a step is written outside the function applications of ``side`` (``/h``)."""
    atoms = {a: sp.Dummy() for a in side.atoms(AppliedUndef, sp.Derivative, nodes.BigO)}
    return bool(side.xreplace(atoms).free_symbols & setup.small)


def _derivative_order(derivative: sp.Derivative) -> int:
    return sum(int(count) for _, count in derivative.variable_count)


def _weights_solving(
    lhs: Any, rhs: Any, setup: Setup, names: list[Any], scale: Any
) -> dict[Any, Any] | None:
    """Values of the unknown ``names`` (each read as ``w · scale``) that make the sides agree,
    or None."""
    try:
        symbols = {n: sp.Dummy(str(n)) for n in names}
        lhs = lhs.xreplace({n: d * scale for n, d in symbols.items()})
        rhs = rhs.xreplace({n: d * scale for n, d in symbols.items()})
        outside = _outside_power([lhs, rhs], setup)
        probes = (expand(lhs, setup, 1).order, expand(rhs, setup, 1).order)
        order = min((o for o in probes if o is not None), default=None)
        lowest = expand(lhs, setup, max(1 - outside, 1)).lowest()
        limit: int | None
        if order is not None:
            limit = order - 1
        else:
            through = _series_written_through([lhs, rhs], setup)
            limit = through if through is not None and lowest is not None else lowest
        if limit is None or limit > MAX_ORDER:
            return None
        terms = max(limit + 3, 6) - outside
        left, right_side = expand(lhs, setup, terms), expand(rhs, setup, terms)
    except ExpansionError:
        return None
    equations = []
    for difference in _difference(left, right_side, limit).values():
        atoms = {a: sp.Dummy() for a in difference.atoms(AppliedUndef, sp.Derivative, sp.Subs)}
        plain = sp.expand(difference.xreplace(atoms))
        equations += [plain.coeff(d) for d in atoms.values()]
        equations.append(plain.xreplace({d: 0 for d in atoms.values()}))
    equations = [e for e in equations if e != 0]
    if not equations:
        return None
    solutions = sp.solve(equations, list(symbols.values()), dict=True)
    if not solutions:
        return None
    back = {dummy: name for name, dummy in symbols.items()}
    return {back[d]: v.xreplace(back) * scale for d, v in solutions[0].items() if d in back}


def _undefined_functions(exprs: Sequence[Any]) -> set[Any]:
    found: set[Any] = set()
    for expr in exprs:
        if isinstance(expr, sp.Basic):
            found |= expr.atoms(AppliedUndef)
    return found


def _judge_approximation(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Judgement | None:
    if len(claim.sides) != 2:
        return None
    try:
        lhs, rhs, setup = _sides(claim, context, problem)
    except ExpansionError as error:
        if "no function" in str(error):
            return _known_series(claim, context, problem)
        return unverified(claim, str(error))
    unknown = _undefined_functions([lhs, rhs])
    if unknown and not any(isinstance(s, sp.Basic) and s.free_symbols for s in (lhs, rhs)):
        # f'(2) ≈ 0.2 with f unknown: values at numbers, no step to expand in (the offsets
        # were read as multiples of a step h = 1, and a made-up f was the witness)
        names = ", ".join(sorted({a.func.__name__ for a in unknown}))
        return unverified(claim, f"{names} is not defined, so its value at a number is unknown")
    notation = _sample_notation(claim, lhs, rhs)
    if notation is not None:
        return unverified(claim, notation)
    try:
        if any(isinstance(side, sp.Basic) and side.has(sp.Limit) for side in (lhs, rhs)):
            return _judge_limits(claim, lhs, rhs, setup)
        outside = _outside_power([lhs, rhs], setup)
        probe_l = expand(lhs, setup, 1)
        probe_r = expand(rhs, setup, 1)
        order = min((o for o in (probe_l.order, probe_r.order) if o is not None), default=None)
        if order is not None:
            return _with_order(claim, lhs, rhs, setup, order, outside, (context, problem))
        if claim.relation not in ("≈", "="):
            return None
        through = _series_written_through([lhs, rhs], setup)
        lowest = expand(lhs, setup, max(1 - outside, 1)).lowest()
        if through is not None and lowest is not None and through > lowest:
            return _through_written_series(
                claim, lhs, rhs, setup, through, outside, (context, problem)
            )
        return _leading_order(claim, lhs, rhs, setup, outside)
    except ExpansionError as error:
        return unverified(claim, str(error))


def _sample_notation(claim: Claim, lhs: Any, rhs: Any) -> str | None:
    """``u_j^n \\approx u(x_j, t_n)``, ``f_i = f(x_i)``: a line that says what the samples
    written on the grid stand for — the very reading the claims are judged through, so
    nothing is checked (it is notation, not a fact: no error order to report). The reason,
    or None where the written sides differ after the reading or hold no sample."""
    written = [side for side in claim.sides if isinstance(side, sp.Basic)]
    if len(written) != 2 or written[0] == written[1]:
        return None
    # one side the samples alone (no function applied), the other the function at the points
    if not any(
        not side.atoms(AppliedUndef) and (side.atoms(sp.Indexed) or _numbered_symbol(side))
        for side in written
    ):
        return None
    if not (isinstance(lhs, sp.Expr) and isinstance(rhs, sp.Expr)) or lhs.has(nodes.BigO):
        return None
    if rhs.has(nodes.BigO) or sp.expand(lhs - rhs) != 0:
        return None
    return "notation: it says what the grid samples stand for (nothing to check)"


def _numbered_symbol(side: Any) -> bool:
    """Whether ``side`` holds a sample written as a numbered symbol (``f_1``)."""
    return any("_" in str(s) for s in side.free_symbols)


def _with_order(
    claim: Claim,
    lhs: Any,
    rhs: Any,
    setup: Setup,
    order: int,
    outside: int,
    where: tuple[DocumentContext, ProblemContext],
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

    rows = _rows_by_power(claim, setup, terms, *where)
    row = _row_of(rows, k)
    judgement = wrong(
        _at_row(claim, row),
        f"the {_terms_in(setup, k)} differ: the left side has {show(expected)}, "
        f"the right side {show(written)}",
        expected_latex=_series_latex(left, order, setup, order),
        diagnosis=diagnose(lhs, rhs, holds),
        witness=f"coefficient of {_power(setup, k)}: {show(written)} ≠ {show(expected)}",
    )
    return replace(judgement, rows_right=_agreeing_rows(rows, difference, order - 1, setup))


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
    side carries. A stencil side that subtracts a derivative is τ written out: its own
    first term is the error.
    """
    shifted = (_shifted(lhs, setup), _shifted(rhs, setup))
    if shifted == (True, False):
        stencil, exact = lhs, rhs
    elif shifted == (False, True):
        stencil, exact = rhs, lhs
    else:
        return error_order(lhs, rhs, setup, outside)
    terms = 6 - outside
    if stencil.has(sp.Derivative, nodes.Nabla):
        # τ written out, the stencil minus the derivative it approximates (``\frac{f(x+h) -
        # f(x)}{h} - f'(x) = \frac{h}{2} f''(x) + O(h^2)``): the error is that side itself,
        # of the order of its first term
        error = expand(stencil, setup, terms)
        first = error.lowest()
        if first is None or first > terms + outside - 1:
            return None
        return 0, first, error.coefficient(first)
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


def _limit_value(limit: sp.Limit, setup: Setup) -> Any:
    """``lim_{h→0} e``, for ``h`` a step: the ε⁰ coefficient of the expansion of ``e`` (its
    terms of positive power vanish in the limit; a term of negative power means no limit)."""
    expr, variable, point = limit.args[:3]
    if point != 0 or variable not in setup.small:
        raise ExpansionError(f"the limit {show(limit)} is not a limit of a step going to 0")
    outside = _outside_power([expr], setup)
    expansion = expand(expr, setup, 3 - outside)
    if any(k < 0 and sp.expand(c) != 0 for k, c in expansion.terms.items()):
        raise ExpansionError(f"{show(expr)} grows without bound as {variable} → 0")
    return expansion.coefficient(0)


def _judge_limits(claim: Claim, lhs: Any, rhs: Any, setup: Setup) -> Judgement:
    """A limit of a difference quotient (``f'(x) = lim_{h→0} (f(x+h) − f(x))/h``): taken
    exactly, then the two sides must be equal (no approximation is read into a limit)."""
    values = [
        side.replace(lambda e: isinstance(e, sp.Limit), lambda e: _limit_value(e, setup))
        if isinstance(side, sp.Basic)
        else side
        for side in (lhs, rhs)
    ]
    left, right_side = (expand(v, setup, 3) for v in values)
    difference = _difference(left, right_side, 3)
    bad = [k for k, c in difference.items() if c != 0]
    if not bad:
        return right(
            claim, f"the limit as {setup.step_names} → 0 is taken exactly: the sides agree"
        )
    k = bad[0]
    return wrong(
        claim,
        f"the limit as {setup.step_names} → 0 is {show(right_side.coefficient(k))}, "
        f"the other side {show(left.coefficient(k))}",
        witness=f"{show(right_side.coefficient(k))} ≠ {show(left.coefficient(k))}",
    )


#: The reading of ``=`` between a stencil and derivatives written without a remainder.
STATED = "= read as an approximation, no remainder written"


def _series_written_through(sides: Iterable[Any], setup: Setup) -> int | None:
    """The highest power of the step in a term of a series as written: a term that holds a
    derivative, or the function at its base point, and no sample at a shifted point
    (``−2f + (Δt^2/2!)(−9+16−5)∂_t^2 f`` is written through Δt^2). None: no such term."""
    highest: int | None = None
    for side in sides:
        if not isinstance(side, sp.Basic):
            continue
        for term in sp.Add.make_args(sp.expand(side)):
            applications = term.atoms(AppliedUndef)
            derivatives = term.atoms(sp.Derivative, nodes.Partial)
            if not (applications or derivatives):
                continue
            bases = [setup.bases.get(a.func.__name__) for a in applications]
            if any(
                b is None or tuple(a.args) != tuple(b)
                for a, b in zip(applications, bases, strict=True)
            ):
                continue  # a sample at a shifted point: the stencil, not the series
            atoms = {a: sp.Dummy() for a in term.atoms(AppliedUndef, sp.Derivative, nodes.Partial)}
            scaled = sp.expand(term.xreplace(atoms).xreplace({s: s * EPSILON for s in setup.small}))
            for part in sp.Add.make_args(scaled):
                power = epsilon_power(part)[0]
                highest = power if highest is None else max(highest, power)
    return highest


def _reading(claim: Claim, context: DocumentContext) -> str:
    """How a claim with no order term was read, for its verdict's message."""
    points = _intermediate_points(claim, uniform_grids(_grid_relations(claim, context)))
    if points:
        ((point, base),) = points.items()
        shown = f"{display_name(point.name)} → {display_name(base.name)}"
        return f"the remainder in mean-value form ({shown} as the step → 0): "
    if _TRAILING_DOTS.search(claim.text) is not None:
        return "the ⋯ read as the terms of higher order: "
    return f"{STATED}: " if claim.relation == "=" else ""


def _through_written_series(
    claim: Claim,
    lhs: Any,
    rhs: Any,
    setup: Setup,
    through: int,
    outside: int,
    where: tuple[DocumentContext, ProblemContext],
) -> Judgement:
    """An expansion written without its remainder must hold term by term through the highest
    power it writes; what follows is its (unwritten) error."""
    terms = max(through + 3, 6) - outside
    left, right_side = expand(lhs, setup, terms), expand(rhs, setup, terms)
    difference = _difference(left, right_side, terms + outside)
    bad = [k for k, c in difference.items() if c != 0 and k <= through]
    note = _reading(claim, where[0])
    if not bad:
        beyond = [k for k, c in difference.items() if c != 0]
        error = f"; the first term left out is O({_power(setup, beyond[0])})" if beyond else ""
        return right(
            claim,
            f"{note}the expansions in {setup.step_names} agree through the "
            f"{_power(setup, through)} term written{error}",
        )
    k = bad[0]
    written, expected = right_side.coefficient(k), left.coefficient(k)
    rows = _rows_by_power(claim, setup, terms, *where)
    row = _row_of(rows, k)
    others = [line for line in (_row_of(rows, j) for j in bad[1:]) if line is not None]
    also = f" (also wrong: line {', '.join(map(str, others))})" if others else ""
    judgement = wrong(
        _at_row(claim, row),
        f"{note}the {_terms_in(setup, k)} differ: the left side has {show(expected)}, "
        f"the right side {show(written)}{also}",
        expected_latex=latex_of(sp.expand(expected)),
        witness=f"coefficient of {_power(setup, k)}: {show(written)} ≠ {show(expected)}",
    )
    return replace(judgement, rows_right=_agreeing_rows(rows, difference, through, setup))


def _leading_order(claim: Claim, lhs: Any, rhs: Any, setup: Setup, outside: int) -> Judgement:
    result = error_order(lhs, rhs, setup, outside)
    if result is None:
        return unverified(claim, "the left side vanishes to the order expanded")
    lowest, error, _ = result
    note = " (offsets read as multiples of h: the writer has put h = 1)" if setup.rescale else ""
    if claim.relation == "=":
        note = f" ({STATED}){note}"
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


def _known_series(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Judgement | None:
    """``e^{h} = 1 + h + \\frac{h^2}{2} + O(h^3)``: a series of known functions in one step."""
    lhs, rhs = claim.sides
    lhs, _ = concrete(resolve(lhs, claim, context, problem)[0])
    rhs, _ = concrete(resolve(rhs, claim, context, problem)[0])
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


def judge_ansatz_answer(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Judgement | None:
    """``a = -\\frac{3}{2h}``, ``b = \\frac{2}{h}``, ``c = -\\frac{1}{2h}`` after *find a, b, c
    with* ``a f(x_0) + b f(x_1) + c f(x_2) = f'(x_0) + O(h^2)``: a stated weight of an earlier
    ansatz of the section (:func:`_unknown_weights`). With every weight stated, the ansatz
    with the stated values is judged as written: it holds — each value right; it fails — a
    value that differs from the weights the ansatz fixes (:func:`_ansatz_weights`, unique)
    is wrong, with the fixed one as the expected value. A value equal to the fixed one is
    right; anything else with weights left unstated is unverified (other weights may make up
    for it). None when the name is no weight of an earlier ansatz."""
    if claim.kind not in ("definition", "answer") or len(claim.sides) != 2:
        return None
    target, value = claim.sides
    if not isinstance(target, sp.Symbol) or not isinstance(value, sp.Expr):
        return None
    order, scope = claim_id(claim), claim_scope(claim)
    found = None
    for earlier in reversed(context.claims_before(order=order, scope=scope, kind="approximation")):
        try:
            lhs, rhs, setup = _sides(earlier, context, problem)
        except ExpansionError:
            continue
        unknown = _unknown_weights(lhs, rhs, setup)
        if unknown is not None and target in unknown[0]:
            found = earlier, unknown[0]
            break
    if found is None:
        return None
    ansatz, names = found
    fitted = _ansatz_weights(ansatz, context, problem)
    if fitted is not None and any(set(fitted.get(n, n).free_symbols) & set(names) for n in names):
        fitted = None  # the ansatz does not fix the weights
    expected = None if fitted is None else fitted.get(target)
    agrees = expected is not None and sp.simplify(value - expected) == 0
    stated: dict[Any, Any] = {target: value}
    for name in names:
        if name == target or not isinstance(name, sp.Symbol):
            continue
        definition = context.definition_of(name, order=sys.maxsize, scope=scope)
        if definition is not None and definition.order > claim_id(ansatz):
            stated[name] = definition.value
    where = f"the ansatz on line {ansatz.line}"
    if len(stated) < len(names):
        if agrees:
            return right(claim, f"the value {where} fixes ({_weights_shown(fitted)})")
        return unverified(claim, f"the other weights of {where} are not all stated")
    sides = tuple(
        side.xreplace(stated) if isinstance(side, sp.Basic) else side for side in ansatz.sides
    )
    judgement = _judge_approximation(replace(ansatz, sides=sides), context, problem)
    shown = _weights_shown({name: stated[name] for name in sorted(stated, key=str)})
    if judgement is not None and judgement.verdict == "right":
        return right(claim, f"with {shown}, {where} holds")
    if judgement is not None and judgement.verdict == "wrong":
        if agrees:
            return right(claim, f"the value {where} fixes ({_weights_shown(fitted)})")
        if expected is not None:
            return wrong(
                claim,
                f"with {shown}, {where} does not hold ({judgement.message}); it fixes "
                f"{_weights_shown(fitted)}",
                expected=expected,
            )
    return unverified(claim, f"with {shown}, {where} could not be decided")


def _weights_shown(weights: Any) -> str:
    return ", ".join(f"{show(name)} = {show(value)}" for name, value in weights.items())


# ----------------------------------------------------------------------------------------------
# Orders: "has error O(h^2)"
# ----------------------------------------------------------------------------------------------
def judge_order(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Judgement | None:
    """Judge ``O(h^q)`` stated as the error of an approximation written just before."""
    reference = claim.facts.approximation if isinstance(claim.facts, OrderFacts) else None
    approximation = context.claims.get(reference) if reference is not None else None
    if approximation is None and isinstance(claim.facts, OrderFacts):
        # "its local truncation error is O(Δt + Δx^2)" after a scheme u_j^{n+1} = …
        from symconv.check.judges.schemes import judge_scheme_order

        return judge_scheme_order(claim, context, problem)
    if approximation is None or len(approximation.sides) != 2 or not claim.sides:
        return None
    try:
        lhs, rhs, setup = _sides(approximation, context, problem)
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
# The rows of a series judged wrong at another row
# ----------------------------------------------------------------------------------------------
def _agreeing_rows(
    rows: dict[int, list[int]], difference: dict[int, Any], limit: int, setup: Setup
) -> tuple[tuple[int, str], ...]:
    """``(line, what)`` of each row of a series written over several rows whose every term
    agrees with the left side's expansion (``difference`` 0 at each power it holds, up to
    ``limit``), the row alone holding those powers; ``what``: "terms in \\Delta x"."""
    held: dict[int, list[int]] = {}
    for power, lines in rows.items():
        for line in lines:
            held.setdefault(line, []).append(power)
    return tuple(
        (line, " and ".join(_terms_in(setup, k) for k in sorted(powers)))
        for line, powers in sorted(held.items())
        if all(k <= limit and difference.get(k, 0) == 0 and rows[k] == [line] for k in powers)
    )


def confirm_agreeing_rows(
    judgements: Sequence[Judgement], context: DocumentContext
) -> list[Judgement]:
    """``judgements`` with a *right* judgement added for each row of a series that another row
    makes wrong, when the row's terms agree with the left side (:attr:`Judgement.rows_right`,
    found while judging): ``(-2^0 a_{-2} - …) f`` wrong on its row, ``(-2^1 a_{-2} - …) Δx ∂f``
    right on the next."""
    found: list[Judgement] = []
    for judgement in judgements:
        whole = context.claims.get(judgement.claim.id) if judgement.claim.id >= 0 else None
        if not judgement.rows_right or whole is None:
            continue
        lines = whole.text.split("\n")
        for line, what in judgement.rows_right:
            if line == judgement.claim.line or not 0 <= line - whole.line < len(lines):
                continue
            text = lines[line - whole.line].strip()
            # a claim of its own (id -1): the row, not the statement the context recorded
            origin = replace(whole.origin, id=-1)
            row = replace(whole, line=line, end_line=line, text=text, origin=origin)
            found.append(right(row, f"this row's {what} agree with the left side's expansion"))
    return [*judgements, *found]
