"""The likely slip behind a wrong value: one term of the derivation's general formula left out.

A wrong number is wrong whatever the reason; when the engine can say *why*, a student learns more.
The derivation of a size or a count states its general formula and the substitution it makes
(``o = ⌊(i + 2p − d(k − 1) − 1)/s⌋ + 1`` with ``i = 48, …``). :func:`dropped_term` leaves out
each additive term of that formula in turn — at any depth, inside a floor or a product — and
evaluates the rest with the same values, exactly. When exactly one such formula gives the
student's value, that term is the slip named in the diagnosis (a missing ``− 1``, a dropped bias
``+ M``). It never decides a verdict: the value is already wrong by exact comparison; this only
names the likely cause, and says nothing when two different omissions give the same value.

    >>> from symconv.sizes.shapes import conv_output_size
    >>> from symconv.sizes.costs import conv_params
    >>> print(dropped_term(conv_output_size(48, 3), 47).diagnosis)
    probable slip: the term − 1 of o = ⌊(− d (k − 1) + i + 2 p − 1)/s⌋ + 1 left out
    >>> print(dropped_term(conv_params(kernel=[3, 3], in_channels=10, out_channels=20), 1800).term)
    M
    >>> dropped_term(conv_output_size(48, 3, 2, 1), 25) is None  # −1 or −d(k − 1): which?
    True
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import sympy as sp

from symconv.check.plain import plain_math
from symconv.core.derivation import Derivation
from symconv.core.safe import as_sympy

__all__ = ["Slip", "dropped_term"]


@dataclass(frozen=True)
class Slip:
    """One term of ``formula`` whose omission gives the student's value."""

    name: Any
    formula: sp.Expr
    term: sp.Expr

    @property
    def diagnosis(self) -> str:
        sign = "−" if self.term.could_extract_minus_sign() else "+"
        shown = -self.term if sign == "−" else self.term
        formula = plain_math(sp.latex(self.formula))
        name = f"{plain_math(sp.latex(self.name))} = " if self.name is not None else ""
        return (
            f"probable slip: the term {sign} {plain_math(sp.latex(shown))} of {name}{formula} "
            "left out"
        )


def dropped_term(derivation: Derivation, value: Any) -> Slip | None:
    """The one term of the derivation's general formula whose omission gives ``value`` (module
    docstring), or None (no substitution step, no such term, or more than one)."""
    found = _general_formula(derivation)
    if found is None or not isinstance(value, (int, sp.Integer, sp.Rational)):
        return None
    name, formula, values = found
    target = sp.Rational(value)
    slips = []
    for term, reduced in _one_term_left_out(formula):
        reduced_value = reduced.xreplace(values)
        if reduced_value.is_number and sp.Rational(reduced_value) == target:
            slips.append(Slip(name, formula, term))
    distinct = {slip.term for slip in slips}
    return slips[0] if len(distinct) == 1 else None


def _general_formula(
    derivation: Derivation,
) -> tuple[Any, sp.Expr, Mapping[sp.Basic, sp.Basic]] | None:
    """The named formula the derivation substitutes into, and the values it substitutes."""
    name = None
    for step in derivation.steps:
        if step.lhs is not None:
            name = step.lhs
        if step.values and isinstance(step.rhs, sp.Expr):
            values = {as_sympy(k): as_sympy(v) for k, v in step.values.items()}
            if all(v.is_number for v in values.values()):
                return name, step.rhs, values
    return None


def _one_term_left_out(formula: sp.Expr) -> Iterator[tuple[sp.Expr, sp.Expr]]:
    """``(term, formula without it)`` for every additive term at any depth."""
    seen: set[sp.Basic] = set()
    for node in sp.preorder_traversal(formula):
        if not isinstance(node, sp.Add) or node in seen:
            continue
        seen.add(node)
        for term in node.args:
            rest = sp.Add(*[t for t in node.args if t is not term])
            yield term, formula.xreplace({node: rest})
