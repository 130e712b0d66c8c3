"""Rows in index notation that restate a step of the problem's derivation: the chain rule
``∂J/∂x_{i,j} = Σ_{i',j'} ∂J/∂z_{i',j'} ∂z_{i',j'}/∂x_{i,j}`` of a gradient the part does not
ask for as its answer (nndl 5-7 asks for the matrix ``δx``; the index form is a step on the way).

The problem context knows, for each part, the tensors its derivation defines by index formulas
(:class:`IndexStep`: each step ``T[i, …] = …`` with its continuations, the last one its closed
form; a tensor defined twice — sub-sampling, then max pooling, both ``Y[i, k, n] := …`` — keeps
both definitions; the part's answer is left out, the answer judges compare it). A row of the
document with the same tensor on its left is compared with each closed form by the engine's
comparator (:func:`symconv.grad.compare.compare_index_formulas`: exact evaluation on random
tensors of the problem's shapes, out-of-range reads zero), after its entry derivatives
``∂z_{i',j'}/∂x_{i,j}`` are replaced by their coefficients in the step's forward formula
(``z_{i,j} := Σ w_{u,v} x_{i+u,j+v}``, :mod:`symconv.check.entry_derivatives`). Equal to one:
right; differing from each (a witness entry, or a tensor read with its axes against the problem's
sizes): wrong; a tensor the steps do not read, whose renaming makes it equal: a probable typo;
anything else: left to the other judges.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from symconv.check.context import DocumentContext, ProblemContext
from symconv.check.judges.verdicts import right, wrong
from symconv.check.model import Claim, Judgement
from symconv.check.symbols import name_key
from symconv.errors import SymconvError

__all__ = ["IndexStep", "index_step_key", "index_steps", "judge_index_step"]

#: Seconds the comparator may spend on one row, and its trials (more than the answer's 3: a
#: step is often small — ``y[k] := max_j x[j + 2k]`` — and a window shifted past the end of
#: x reads zeros that a few draws of x can match).
STEP_SECONDS = 1.0
STEP_TRIALS = 8


@dataclass(frozen=True)
class IndexStep:
    """A tensor a part's derivation defines by one index formula: its left side, its closed
    form (the last continuation), and the forward formula its entry derivatives come from."""

    lhs: sp.Indexed
    closed: sp.Expr
    part: str
    forward: Any = None
    #: Other definitions of the same tensor in the part (sub-sampling, then max pooling, both
    #: ``Y[i, k, n] := …``): a row is right when it is any of them.
    others: tuple[tuple[sp.Indexed, sp.Expr], ...] = ()

    @property
    def value(self) -> sp.Expr:
        """The closed form (what two parts' steps of one tensor are compared by)."""
        return self.closed

    @property
    def forms(self) -> tuple[tuple[sp.Indexed, sp.Expr], ...]:
        return ((self.lhs, self.closed), *self.others)


def index_step_key(tensor: Any) -> str:
    """The key of a tensor's index step in the named mapping (never a name's key)."""
    return "index:" + name_key(str(tensor))


def index_steps(part_id: str, derivation: Any) -> dict[str, IndexStep]:
    """The tensors ``derivation`` defines by index formulas (each definition with its
    continuations, the last one its closed form), by :func:`index_step_key`, the part's answer
    left out."""
    from symconv.grad.formula import IndexFormula

    heads: dict[str, list[tuple[sp.Indexed, str, Any]]] = {}
    current: str | None = None
    for step in getattr(derivation, "steps", ()):
        if isinstance(step.lhs, sp.Indexed):
            key = index_step_key(step.lhs.base.label)
            heads.setdefault(key, []).append((step.lhs, step.relation, step.value))
            current = key
        elif step.lhs is None and current is not None and step.relation == "=":
            lhs, relation, _ = heads[current][-1]
            heads[current][-1] = (lhs, relation, step.value)  # the closed form so far
        else:
            current = None
    answers = _answer_keys(derivation)
    forwards = {}
    for key, found in heads.items():
        if len(found) == 1 and found[0][1] == ":=" and isinstance(found[0][2], sp.Expr):
            lhs, _, value = found[0]
            try:
                forwards[key] = IndexFormula.from_equation((lhs, value))
            except (SymconvError, TypeError, ValueError, NotImplementedError):
                # a definition the formula reader refuses (ShapeError, or SymPy on odd input):
                # no forward from it
                continue
    steps = {}
    for key, found in heads.items():
        forms = [(lhs, value) for lhs, _, value in found if isinstance(value, sp.Expr)]
        if key in answers or len(forms) != len(found):
            continue
        forward = next((f for k, f in forwards.items() if k != key), None)
        (lhs, closed), *others = forms
        steps[key] = IndexStep(lhs, closed, part_id, forward, tuple(others))
    return steps


def _answer_keys(derivation: Any) -> set[str]:
    """The keys of the tensor the part answers with (its answer's left side, the output of its
    derived backward formula): the answer judges compare those rows."""
    keys = set()
    answer = getattr(derivation, "answer_lhs", None)
    value = getattr(derivation, "answer", None)
    if isinstance(answer, sp.Indexed):
        answer = answer.base.label
    explicit = isinstance(value, sp.MatrixBase | sp.Tuple | tuple | list) or (
        isinstance(value, sp.Expr) and value.is_number
    )  # y = (1, 3, 0, 1): the index formula for y is a step, not the answer
    if isinstance(answer, sp.Symbol | sp.IndexedBase) and not explicit:
        keys.add(index_step_key(answer))
    details = getattr(derivation, "details", None)
    backward = details.get("backward") if isinstance(details, dict) else None
    if backward is not None:
        keys.add(index_step_key(backward.output.label))
    return keys


def judge_index_step(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Judgement | None:
    """The verdict on ``T[i, …] = formula`` where the part's derivation defines ``T`` by index
    formulas: right when it is one of them, wrong when the comparator shows it differs from
    each (None: no such step, or not decided)."""
    from symconv.check.entry_derivatives import NotEvaluable, rewrite_entry_derivatives

    if len(claim.sides) != 2 or claim.relation not in ("=", ":="):
        return None
    lhs, written = claim.sides
    if not isinstance(lhs, sp.Indexed) or not isinstance(written, sp.Expr):
        return None
    step = problem.named.get(index_step_key(lhs.base.label))
    if not isinstance(step, IndexStep) or len(step.lhs.indices) != len(lhs.indices):
        return None
    seed = context.rng_for(claim.line, claim.text).randrange(2**32)
    what = f"{lhs.base.label} as derived for {step.part}"
    try:
        if step.forward is not None:
            written = rewrite_entry_derivatives(written, step.forward)
        comparisons = [_compare(lhs, written, form, seed) for form in step.forms]
    except (NotEvaluable, ArithmeticError, TypeError, ValueError, AttributeError):
        return None
    for comparison in comparisons:
        if comparison.equal is True:
            return right(claim, f"the row is {what} ({comparison.message})")
    # differs: a witness entry, or a tensor read with its axes against the problem's sizes
    # (X[n, j + ks, i] where the step reads X[i, j + ks, n]: a size conflict)
    differing = [
        c.witness.describe()
        if c.witness is not None
        else next(i.message for i in c.issues if i.kind == "size_conflict")
        for c in comparisons
        if (c.equal is False and c.witness is not None)
        or any(i.kind == "size_conflict" for i in c.issues)
    ]
    if len(differing) == len(comparisons):
        others = f" (nor any of its {len(comparisons)} definitions)" if len(comparisons) > 1 else ""
        return wrong(claim, f"the row is not {what}{others}: {differing[0]}", witness=differing[0])
    if any(i.kind == "unknown_tensor" for c in comparisons for i in c.issues):
        return _tensor_mistyped(claim, lhs, written, step, what, seed)
    return None


def _compare(lhs: sp.Indexed, written: Any, form: tuple[sp.Indexed, sp.Expr], seed: int) -> Any:
    from symconv.check.answer_formulas import open_sums
    from symconv.grad.compare import compare_index_formulas

    reference_lhs, closed = form
    return compare_index_formulas(
        (lhs, open_sums(written)),
        (reference_lhs, open_sums(closed)),
        seed=seed,
        layouts={},
        trials=STEP_TRIALS,
        time_budget=STEP_SECONDS,
    )


def _tensor_mistyped(
    claim: Claim, lhs: sp.Indexed, written: sp.Expr, step: IndexStep, what: str, seed: int
) -> Judgement | None:
    """Wrong when the row reads a tensor the derivation's step does not (``w[2k]``) and reading
    one the step does in its place (``x[2k]``) makes it the step's formula: a probable typo."""
    from symconv.grad.formula import tensor_name, tensor_reads

    mine = {tensor_name(r) for r in tensor_reads(written)}
    for form in step.forms:
        theirs = {tensor_name(r) for r in tensor_reads(form[1])}
        for typed in sorted(mine - theirs):
            for meant in sorted(theirs - mine):
                renamed = written.replace(
                    lambda node, typed=typed: (
                        isinstance(node, sp.Indexed) and tensor_name(node) == typed
                    ),
                    lambda node, meant=meant: sp.IndexedBase(meant)[node.indices],
                )
                if _compare(lhs, renamed, form, seed).equal is True:
                    slip = f"{typed} where {meant} was meant"
                    return wrong(
                        claim, f"the row is not {what}: {slip}", diagnosis=f"probable typo: {slip}"
                    )
    return None
