"""A name the document defined earlier, stated again: confirmed when the two values agree.

``$a^{[2]} = 2z$`` with ``z = 3``, then "so $a^{[2]} = 6$": the second statement claims the value
the definition gives. It is *right* when the earlier value, with the definitions in force when
it was made, equals the new one (``= 6``); a different value is not wrong here, since documents
reuse names (a new quiz question, a new layer), and other judges decide it.

    >>> from symconv.check.api import check
    >>> [j.verdict for j in check("Let $z = 3$ and $a^{[2]} = 2 z$. So $a^{[2]} = 6$.").judgements]
    ['right']
    >>> [j.verdict for j in check("Let $n = 28$. For the next layer, $n = 14$.").judgements]
    ['unverified']
    >>> matrix = r"\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}"
    >>> doc = f"$$A = {matrix}$$\\n\\nso $$A = {matrix}$$\\n"
    >>> [j.message for j in check(doc).judgements if j.verdict == "right"]
    ['as defined on line 1: the same matrix, entry by entry']
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sympy as sp

from symconv.check.context import DocumentContext, ProblemContext, claim_id, claim_scope
from symconv.check.judges.verdicts import right
from symconv.check.model import Claim, Judgement, LinkFacts
from symconv.check.symbols import name_key

__all__ = ["judge_restated_definition"]


def _names(value: Any) -> set[str]:
    if not isinstance(value, sp.Basic):
        return set()
    names = {name_key(s.name) for s in value.free_symbols if isinstance(s, sp.Symbol)}
    return names | {name_key(str(e.base.label)) for e in value.atoms(sp.Indexed)}


def judge_restated_definition(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Judgement | None:
    """Right when ``name = value`` restates an earlier definition of ``name`` with an equal
    value; None otherwise (see the module's docstring)."""
    facts = claim.facts
    if not isinstance(facts, LinkFacts) or facts.defines is None or len(claim.sides) != 2:
        return None
    order, scope = claim_id(claim), claim_scope(claim)
    definition = context.definition_of(sp.Symbol(facts.defines), order=order, scope=scope)
    if (
        definition is None
        or definition.claim == order
        or isinstance(definition.value, sp.Lambda)
        or definition.value == claim.sides[0]
    ):
        return None
    # the earlier value is read with the definitions of its own time: none of its names may
    # have been given another value since
    since = {
        d.name
        for d in context.definitions
        if definition.order < d.order < order and d.claim != order
    }
    if _names(definition.value) & since:
        return None
    earlier, now = definition.value, claim.sides[1]
    if isinstance(earlier, sp.MatrixBase) or isinstance(now, sp.MatrixBase):
        # a matrix restated: the same entries (a different one may be a new matrix of the name)
        same = (
            isinstance(earlier, sp.MatrixBase)
            and isinstance(now, sp.MatrixBase)
            and earlier.shape == now.shape
            and all(sp.simplify(a - b) == 0 for a, b in zip(earlier, now, strict=True))
        )
        if not same:
            return None
        return right(
            claim, f"as defined on line {definition.line}: the same matrix, entry by entry"
        )
    from symconv.check.judges.algebra import judge_algebra
    from symconv.check.judges.arithmetic import judge_arithmetic

    restated = replace(
        claim,
        sides=(definition.value, claim.sides[1]),
        facts=replace(facts, defines=None),
    )
    for judge in (judge_arithmetic, judge_algebra):
        judgement = judge(restated, context, problem)
        if judgement is not None:
            if judgement.verdict != "right":
                return None
            return right(
                claim, f"as defined on line {definition.line}: {judgement.message}".rstrip(": ")
            )
    return None
