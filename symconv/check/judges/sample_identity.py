"""An entry equated to a weighted sum of samples, decided as the identity it is written as.

A finite-difference text multiplies a column of weights into the samples and writes what comes
out: ``\\frac{0!}{\\Delta x^0}(0 f_{i-2} + 0 f_{i-1} + 1 f_i + 0 f_{i+1} + 0 f_{i+2}) = f_i``. The
left side *is* ``f_i`` as written — no definition is made and none is needed: the samples
``f_{i+m}`` of any function are independent numbers, so the two sides are equal for every
function exactly when they are the same combination of samples.

* The two sides (with the document's definitions substituted) are the same expression:
  **right**, an identity.
* An entry equated to a multiple of itself (``f_i = 0 f_{i-1} + 2 f_i``: the weights leave
  ``2 f_i``): **wrong** — the entry's name stands on both sides, so nothing is being defined,
  and with ``f_i = 1`` (any nonzero sample) the sides differ.
* Anything else — a name defined by a combination of other samples (``g_i = f_{i+1} - f_i``),
  a recurrence (``s_i = s_{i-1} + a_i``), an update (``w_i = w_i - \\eta g_i``), a discrete
  equation (``u_i = (u_{i-1} + u_i + u_{i+1})/3``) — is not an identity claim: left to the other
  judges (None).

    >>> from symconv.check.context import NO_PROBLEM, DocumentContext
    >>> from symconv.check.model import Claim
    >>> f, i = sp.IndexedBase("f"), sp.Symbol("i")
    >>> def verdict(left, right_side):
    ...     claim = Claim(4, 4, "", "index-formula", sides=(left, right_side))
    ...     found = judge_sample_identity(claim, DocumentContext(), NO_PROBLEM)
    ...     return None if found is None else (found.verdict, found.witness)
    >>> verdict(0 * f[i - 1] + 1 * f[i] + 0 * f[i + 1], f[i])
    ('right', None)
    >>> verdict(f[i], 0 * f[i - 1] + 2 * f[i])
    ('wrong', 'f[i] = 1: 2 ≠ 1')
    >>> verdict(sp.IndexedBase("g")[i], f[i + 1] - f[i]) is None
    True
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from symconv.check import nodes
from symconv.check.context import DocumentContext, ProblemContext
from symconv.check.judges.resolve import resolve
from symconv.check.judges.verdicts import right, wrong
from symconv.check.model import Claim, Judgement
from symconv.check.shown import format_value, show

__all__ = ["judge_sample_identity"]

#: What makes a side more than a combination of samples (a derivative, an order term, a sum, a
#: function of the samples): such claims belong to other judges.
_NOT_SAMPLES = (
    sp.Derivative,
    sp.Sum,
    sp.Integral,
    sp.Limit,
    sp.Function,
    sp.MatrixBase,
    nodes.BigO,
    nodes.Partial,
)


def _is_sample_combination(expr: Any) -> bool:
    """Numbers, names and entries joined by ``+ − × ÷`` and integer powers, with an entry."""
    if not isinstance(expr, sp.Expr) or not expr.has(sp.Indexed):
        return False
    if expr.has(*_NOT_SAMPLES):
        return False
    return all(power.exp.is_Integer for power in expr.atoms(sp.Pow) if power.base.has(sp.Indexed))


def judge_sample_identity(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Judgement | None:
    """Right when the two sides are the same combination of samples, wrong when an entry is
    equated to another multiple of itself, None otherwise (see the module's docstring)."""
    if len(claim.sides) != 2 or claim.relation != "=":
        return None
    left, right_side = (resolve(side, claim, context, problem)[0] for side in claim.sides)
    if not (_is_sample_combination(left) and _is_sample_combination(right_side)):
        return None
    if sp.expand(left - right_side) == 0:
        return right(
            claim,
            f"an identity: both sides are {show(sp.expand(left))} as written, for any samples",
        )
    entry = claim.sides[0]
    if not isinstance(entry, sp.Indexed) or entry != left:
        return None
    if not any(index.free_symbols for index in entry.indices):
        return None  # c_0 = -c_0: a step of solving for a weight, not an identity in samples
    multiple = sp.expand(right_side)
    coefficient = sp.expand(multiple / entry)
    if not (coefficient.is_Rational and multiple.has(entry)):
        return None
    # the right side is c·entry with c ≠ 1 (else the sides would be equal): the entry stands on
    # both sides, so it is not being defined, and at entry = 1 the sides are 1 and c
    return wrong(
        claim,
        f"the right side is {show(multiple)}, not {show(entry)}: the two sides differ for "
        f"every nonzero {show(entry)}",
        expected=entry,
        witness=f"{show(entry)} = 1: {format_value(coefficient)} ≠ 1",
    )
