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

An entry defined by an index formula (``x_j = \\sum_i W_{ji} y_i + b_j``) and written again later
is the same kind of restatement (:func:`judge_restated_formula`): right when the two formulas are
the same index formula (the same written, or equal on random tensors at every entry, as the
engine compares index formulas), whatever their free and summation indices are called.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symconv.check.context import DocumentContext, ProblemContext, claim_id, claim_scope
from symconv.check.judges.verdicts import right
from symconv.check.model import Claim, ClaimKind, Judgement, LinkFacts
from symconv.check.symbols import name_key

__all__ = ["judge_restated_definition", "judge_restated_formula"]


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


def judge_restated_formula(claim: Claim, context: DocumentContext) -> Judgement | None:
    """Right when ``entry = formula`` restates the latest earlier formula for the same tensor
    (the same index formula); None otherwise (a different formula may define a new layer)."""
    from symconv.check.document_gradients import entry_equations

    if claim.kind != ClaimKind.INDEX_FORMULA or claim.relation not in ("=", ":="):
        return None
    if not isinstance(claim.facts, LinkFacts) or claim.facts.position != 0:
        return None
    if claim.sides[0] == claim.sides[1]:
        return None  # f_i = f_i once worked out: an identity, no restated definition
    order = claim_id(claim)
    restated = _restated_activation(claim, context)
    if restated is not None:
        return restated
    equations = entry_equations(context)
    mine = next((e for e in equations if e.order == order), None)
    if mine is None:
        return None
    label, rank = mine.lhs.base.label, len(mine.lhs.indices)
    earlier = [
        e
        for e in equations
        if e.order < order and e.lhs.base.label == label and len(e.lhs.indices) == rank
    ]
    if not earlier:
        return None
    previous = earlier[-1]
    if context.verdict_of(previous.order) == "wrong":
        return None  # the same mistake again is no confirmation
    renamed = previous.rhs
    if isinstance(renamed, sp.Basic):
        renamed = _bound_renamed(renamed).xreplace(
            dict(zip(previous.lhs.indices, mine.lhs.indices, strict=True))
        )
    if _same_formula(renamed, mine.rhs, mine.lhs, claim, context):
        return right(claim, f"as on line {previous.line}: the same formula")
    return None


def _restated_activation(claim: Claim, context: DocumentContext) -> Judgement | None:
    """``y^{(l+1)}_j = f_a(x^{(l+1)}_j)`` after ``y^{(l)} = f_a(x^{(l)})``: the activation the
    document defined for whole tensors, entry by entry, at this layer (a layer tag is a
    pattern)."""
    from symconv.check.document_gradients import (
        Activation,
        activation_at,
        whole_activations,
        written_by,
    )

    mine = written_by(context, claim)
    if not isinstance(mine, Activation):
        return None
    for defined in reversed(whole_activations(context, claim_id(claim))):
        if defined.output == mine.output and defined.input != mine.input:
            return None  # the latest definition of this tensor is another one
        moved = activation_at(defined, mine.output)
        if moved is None:
            continue
        if moved.input == mine.input and moved.function == mine.function:
            layer = "" if moved is defined else ", at this layer"
            return right(
                claim,
                f"as defined on line {defined.line}: {defined.output} = "
                f"{defined.function}({defined.input}), entry by entry{layer}",
            )
        return None
    return None


def _bound_renamed(expr: sp.Basic) -> sp.Basic:
    """``expr`` with every summation index renamed by its position (``⟨1⟩``, ``⟨2⟩``, …): two
    sums that differ only in the names of their indices become the same expression."""
    counter = 0

    def rename(node: sp.Sum) -> sp.Sum:
        nonlocal counter
        mapping = {}
        limits = []
        for index, *bounds in node.limits:
            counter += 1
            fresh = sp.Symbol(f"⟨{counter}⟩")
            mapping[index] = fresh
            limits.append((fresh, *bounds))
        return sp.Sum(node.function.xreplace(mapping), *limits)

    return expr.replace(lambda n: isinstance(n, sp.Sum), rename)


def _same_formula(
    previous: Any, current: Any, lhs: sp.Indexed, claim: Claim, context: DocumentContext
) -> bool:
    """The same right side: written alike once summation indices are named by position, or
    equal at every entry on random tensors (the engine's comparator; sums in another order)."""
    if not (isinstance(previous, sp.Basic) and isinstance(current, sp.Basic)):
        return False
    if sp.expand(_bound_renamed(previous) - _bound_renamed(current)) == 0:
        return True
    from symconv.check.document_gradients import engine_reading, rebased
    from symconv.errors import SymconvError
    from symconv.grad.compare import compare_index_formulas

    if previous.has(AppliedUndef, sp.Derivative) or current.has(AppliedUndef, sp.Derivative):
        return False  # the engine compares sums of products of entries, not functions
    free = list(lhs.indices)
    seed = context.rng_for(claim.line, claim.text).randrange(2**31)
    for base in (0, 1):
        try:
            reference = engine_reading(lhs, previous, base)
            candidate = (lhs, rebased(current, base, free))
            comparison = compare_index_formulas(
                candidate, reference, seed=seed, trials=3, max_size=3, time_budget=1.0
            )
        except SymconvError:
            return False
        if comparison.equal is not True:
            return False
    return True
