"""Rows that state a number, a formula or a set of locations the problem's own derivation
names (:mod:`.named` keeps the registry): ``\\text{value} = 6``, the truncation error
``τ = h²/12 f⁽⁴⁾(x)``, the general formula ``N_mult = C K_1 K_2 M O_1 O_2`` a chain starts from,
the stencil as an operator ``D_h f(x, y) := …``, where a maximum occurs.

A number must be the same exactly; a formula the same after simplification (or at points,
where SymPy does not prove an identity), with the problem's values put in for the names the row
dropped; one name of it mistyped is wrong with the name meant. A formula in names the derivation
does not use, or the negated formula (τ as exact minus approximate), is left to the others.
"""

from __future__ import annotations

from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symconv.check.context import DocumentContext, ProblemContext
from symconv.check.judges.named import (
    NamedMatrix,
    is_locations,
    named_for,
    shown_name,
    text_key,
)
from symconv.check.judges.verdicts import right, wrong
from symconv.check.model import Claim, Judgement
from symconv.check.symbols import in_written_names, object_name_key
from symconv.core.safe import as_sympy

__all__ = ["judge_named_operator", "judge_named_value"]


def judge_named_operator(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Judgement | None:
    """The verdict on ``D_h f(x, y) := …`` where the problem's derivation writes that left side
    (its text) with a formula: the same formula, or wrong (None for any other row)."""
    lhs_text = claim.link.lhs_text if claim.link is not None else None
    if lhs_text is None or text_key(lhs_text) not in problem.named:
        return None
    return judge_named_value(claim, context, problem)


def judge_named_value(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Judgement | None:
    """The verdict on ``name = value`` where the problem's derivation states a number or a
    formula under that name (``\\text{value} = 6``, the maximum of ``Z``; the truncation error
    ``τ = h²/12 f⁽⁴⁾(x)``): the same value, exactly."""
    found = named_for(claim, context, problem)
    written = claim.sides[-1] if claim.sides else None
    if found is not None and isinstance(found[1].value, sp.Tuple):
        return _judge_locations(claim, found[0], written, found[1])
    if found is None or not isinstance(written, sp.Expr) or isinstance(written, sp.MatrixBase):
        return None
    lhs, named = found
    if named.defined or isinstance(named.value, sp.MatrixBase):
        return None
    if not named.value.is_Rational:
        return _judge_formula(claim, lhs, written, named.value, named, context, problem)
    if not isinstance(written, sp.Number):
        if named.formula is None:
            return None
        return _judge_formula(claim, lhs, written, named.formula, named, context, problem)
    shown, what = shown_name(lhs), f"{named.name} of {named.part}"
    if written == named.value:
        return right(claim, f"{shown} = {sp.latex(written)} is {what}")
    if isinstance(written, sp.Float):
        return None  # a decimal: the approximation judges say how close is close enough
    return wrong(
        claim,
        f"{shown} = {sp.latex(written)}, but {what} is {sp.latex(named.value)}",
        witness=f"{sp.latex(written)} ≠ {sp.latex(named.value)}",
        expected=named.value,
    )


# A formula row against the derivation's: ``τ = …``, ``o' = s(i' − 1) − 2p + d(k − 1) + a + 1``.
# A name the row no longer has was put in with the problem's value (``p' = k − 1 − p`` for
# ``d(k − 1) − p`` at d = 1): the derivation's formula is compared with those values in. A
# name the row keeps stays general — ``− a`` for ``+ a`` is wrong even where the problem has
# a = 0 — so only the names it dropped are substituted (the substitution judge's rule).
def _judge_formula(
    claim: Claim,
    lhs: Any,
    written: Any,
    expected: sp.Expr,
    named: NamedMatrix,
    context: DocumentContext,
    problem: ProblemContext,
) -> Judgement | None:
    """``τ = …`` against the derivation's formula: equal after simplification (with the
    problem's values for the names the row dropped), or wrong. Left alone: a formula in other
    names (the writer's notation), and the negated formula (τ taken as exact minus
    approximate, the other sign convention)."""
    shown = shown_name(lhs)
    what = f"{named.name} as derived for {named.part}, {sp.latex(expected)}"
    derived = expected
    expected = in_written_names(expected, written)  # the derivation's K_1 is the writer's K_{1}
    if not _functions(written) <= _functions(expected):
        return None
    if not written.free_symbols <= expected.free_symbols:
        # a name the derivation does not use: the writer's notation, or one name mistyped
        return _mistyped(claim, shown, what, written, expected, derived)
    expected, values = _dropped_names_put_in(expected, written, problem)
    if values is None:
        # a name dropped whose value the problem does not give: likewise
        return _mistyped(claim, shown, what, written, expected, derived)
    if values:
        stated = ", ".join(f"{name} = {sp.latex(value)}" for name, value in values.items())
        what = f"{what} with the problem's values {stated}"
    written, expected = _differentiated_as_functions(written, expected)
    try:
        difference = sp.simplify(written - expected)
        negated = sp.simplify(written + expected) == 0
    except (TypeError, ValueError, AttributeError, NotImplementedError):
        return None
    if difference == 0:
        return right(claim, f"{shown} is {what}")
    if negated:
        return None
    witness = f"the two differ by {sp.latex(difference)}"
    if not difference.has(sp.Derivative, AppliedUndef):
        # simplify does not prove every identity (max(x_1, x_2, x_3) against its Iverson
        # brackets): the two are compared at points, and differ only with a witness
        from symconv.check.judges.algebra import compare_identity

        comparison = compare_identity(written, expected, context.rng_for(claim.line, claim.text))
        if comparison.equal is None:
            return None
        if comparison.equal:
            return right(claim, f"{shown} is {what}")
        witness = comparison.witness() or witness
    return wrong(claim, f"{shown} is not {what}", witness=witness, expected=expected)


# Where a value occurs: a set of index tuples, listed in any order (0-based, as bracket
# indices are: DESIGN.md's conventions).
def _judge_locations(claim: Claim, lhs: Any, written: Any, named: NamedMatrix) -> Judgement | None:
    if not is_locations(written):
        return None
    shown = shown_name(lhs)
    what = f"the {shown} of {named.part}"
    mine, theirs = set(written), set(named.value)
    if mine == theirs and len(written) == len(named.value):
        return right(claim, f"{shown} are {what}, in any order (0-based)")
    extra = ", ".join(sp.sstr(item) for item in sorted(mine - theirs, key=str))
    missing = ", ".join(sp.sstr(item) for item in sorted(theirs - mine, key=str))
    parts = [f"{extra} not among them" if extra else "", f"{missing} missing" if missing else ""]
    return wrong(
        claim,
        f"{shown} are not {what} (0-based): " + "; ".join(p for p in parts if p),
        witness="; ".join(p for p in parts if p) or "an index tuple listed twice",
        expected=named.value,
    )


def _differentiated_as_functions(*values: Any) -> tuple[Any, ...]:
    """``values`` with each differentiated name made a function of the variables it is
    differentiated in: ``∂⁴f/∂x⁴`` is read with ``f`` a plain symbol, whose derivative SymPy
    evaluates to 0, which would make every truncation error equal.

    >>> f, x, y = sp.symbols("f x y")
    >>> _differentiated_as_functions(sp.Derivative(f, (x, 4)) + f)
    (f(x) + Derivative(f(x), (x, 4)),)
    """
    variables: dict[sp.Symbol, set[sp.Symbol]] = {}
    for value in values:
        for node in sp.preorder_traversal(value):
            if isinstance(node, sp.Derivative) and isinstance(node.expr, sp.Symbol):
                variables.setdefault(node.expr, set()).update(
                    v for v in node.variables if isinstance(v, sp.Symbol)
                )
    if not variables:
        return values
    as_function = {
        name: sp.Function(name.name)(*sorted(over, key=str)) for name, over in variables.items()
    }
    return tuple(v.xreplace(as_function) if isinstance(v, sp.Basic) else v for v in values)


def _mistyped(
    claim: Claim, shown: str, what: str, written: Any, expected: Any, derived: Any
) -> Judgement | None:
    """Wrong when one name of ``written`` put back makes it ``expected`` (``N_{mult,3}`` for
    ``N_{mult,2}``, ``x_j`` for ``w_j``); None (another notation) otherwise."""
    slip = _one_name_mistyped(written, expected)
    if slip is None:
        return None
    typed, meant = slip
    # a word of a subscript reads as a product of letters, in SymPy's order (N_{mult,3} is the
    # entry N[l·m·t·u, 3]): such a name is not shown back to the writer
    spelled = not (isinstance(typed, sp.Indexed) and any(i.is_Mul for i in typed.indices))
    slip_text = f"{sp.latex(typed)} where {sp.latex(meant)} was meant"
    if not spelled:
        slip_text = f"{sp.latex(meant)} was meant (a subscript mistyped)"
    return wrong(
        claim,
        f"{shown} is not {what}: {slip_text}",
        diagnosis=f"probable typo: {slip_text}",
        expected=derived,
    )


def _one_name_mistyped(written: Any, expected: Any) -> tuple[Any, Any] | None:
    """``(typed, meant)`` when ``written`` becomes ``expected`` with one name or entry of it
    (``x_j``, ``N_{mult,3}``) replaced by one that only ``expected`` has (``w_j``,
    ``N_{mult,2}``); None if no single replacement does."""
    kinds = (sp.Symbol, sp.Indexed)
    mine = written.atoms(*kinds) - expected.atoms(*kinds)
    theirs = expected.atoms(*kinds) - written.atoms(*kinds)
    if not theirs:  # w_1 in one place where x_1 is read elsewhere too
        theirs = {atom for atom in expected.atoms(*kinds) if type(atom) in {type(m) for m in mine}}
    if not mine or not theirs or len(mine) * len(theirs) > 24:
        return None
    for typed in sorted(mine, key=str):
        for meant in sorted(theirs, key=str):
            try:
                if sp.simplify(written.xreplace({typed: meant}) - expected) == 0:
                    return typed, meant
            except (TypeError, ValueError, AttributeError, NotImplementedError):
                return None
    return None


def _dropped_names_put_in(
    expected: sp.Expr, written: Any, problem: ProblemContext
) -> tuple[sp.Expr, dict[str, Any] | None]:
    """``expected`` with the problem's values put in for the names ``written`` does not have,
    and those values by name ({} when it has them all; None when the problem does not give
    one of them)."""
    dropped = {
        symbol
        for symbol in expected.free_symbols - written.free_symbols
        if isinstance(symbol, sp.Symbol)
    }
    if not dropped:
        return expected, {}
    for values in problem.substitutions:
        by_key = {object_name_key(name): value for name, value in values.items()}
        if all(object_name_key(symbol) in by_key for symbol in dropped):
            put_in = {
                symbol: in_written_names(as_sympy(by_key[object_name_key(symbol)]), written)
                for symbol in dropped
            }
            shown = {str(symbol): put_in[symbol] for symbol in sorted(dropped, key=str)}
            return expected.xreplace(put_in), shown
    return expected, None


def _functions(value: Any) -> set[str]:
    return {
        type(node).__name__
        for node in sp.preorder_traversal(value)
        if isinstance(node, AppliedUndef)
    }
