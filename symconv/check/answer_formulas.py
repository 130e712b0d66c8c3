"""Index-formula answers, compared with :func:`symconv.grad.compare.compare_index_formulas`: a
lint (a missing sum is named), then exact evaluation on random tensors of small random sizes (a
witness on mismatch). Sums written without limits get their ranges from the tensors, and a tensor
indexed in another axis order than the reference (``W[m, n, k_1, k_2]`` for the NYU set's
``W[k_1, k_2, n, m]``) is mapped before comparing, the order named in the verdict.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy as sp

from symconv.check.candidates import Candidate
from symconv.check.symbols import name_key

if TYPE_CHECKING:
    pass
from symconv.check.answer_task import (
    Outcome,
    PartTask,
    shown_candidate,
)


# ----------------------------------------------------------------------------------------------
# Index formulas
# ----------------------------------------------------------------------------------------------
def judge_formula(task: PartTask) -> list[Outcome]:
    lhs = task.solution.derivation.answer_lhs
    wanted = name_key(str(lhs.base.label))
    pool = [
        c
        for c in task.candidates
        if c.form == "formula"
        and isinstance(c.lhs, sp.Indexed)
        and name_key(str(c.lhs.base.label)) == wanted
        and len(c.lhs.indices) == len(lhs.indices)
    ]
    if not pool:
        return []
    return judge_chain(task, chain_rows(pool))


def chain_rows(pool: list[Candidate]) -> list[Candidate]:
    """The last formula offered, with the rows before it in its aligned chain (``∂J/∂X[…] &= A
    \\ &= B \\ &= C``: A, B and C all claim to be the entry asked for)."""
    last = pool[-1]
    head = last.data.get("chain")
    if head is None:
        return [last]
    block = last.data.get("block")
    return [c for c in pool if c.data.get("chain") == head and c.data.get("block") == block]


def judge_chain(task: PartTask, rows: list[Candidate]) -> list[Outcome]:
    """One verdict per row. A tensor has one layout in a derivation: once a row is right (with
    its axes in some written order), the later rows are compared in that order only, so
    ``W[k_2, k_1, n, m]`` after ``W[k_1, k_2, n, m]`` is wrong, not another convention."""
    outcomes = []
    layouts: dict[str, tuple[int, ...]] | None = None
    for row in rows:
        outcome = judge_index_formula(task, row, layouts=layouts)
        if layouts is None and outcome.verdict == "right":
            layouts = outcome.data.get("layouts", {})
        outcomes.append(outcome)
    return outcomes


def open_sums(expr: Any) -> Any:
    """Sums written without limits (``\\sum_{k_1}``) get ranges to be read from the tensors."""
    from symconv.grad.formula import range_placeholder

    def reopen(node: sp.Sum) -> sp.Sum:
        limits = []
        for limit in node.limits:
            if len(limit) == 3 and limit[1] == -sp.oo and limit[2] == sp.oo:
                limits.append((limit[0], 0, range_placeholder(limit[0]) - 1))
            else:
                limits.append(limit)
        return sp.Sum(node.function, *limits)

    return expr.replace(lambda node: isinstance(node, sp.Sum), reopen)


def judge_index_formula(
    task: PartTask, candidate: Candidate, *, layouts: dict[str, tuple[int, ...]] | None = None
) -> Outcome:
    """The verdict on one index formula; ``layouts`` fixed (an earlier row's) or, when None,
    inferred if the formula is not right as written. ``data["layouts"]`` holds the ones used
    by a right verdict."""
    from symconv.grad.compare import compare_index_formulas

    derivation = task.solution.derivation
    written = (candidate.lhs, open_sums(candidate.value))
    seed = task.seed(candidate.line)
    shown = shown_candidate(candidate)
    fixed = layouts is not None
    try:
        comparison = compare_index_formulas(written, derivation, seed=seed, layouts=layouts)
        if fixed or comparison.equal is True:
            pass
        else:
            layouts = infer_layouts(candidate, derivation)
            if layouts:
                other = compare_index_formulas(written, derivation, seed=seed, layouts=layouts)
                if other.equal is True:
                    comparison = other
                else:
                    layouts = None
    except Exception as error:  # the comparator cannot read this formula
        return Outcome(
            (candidate,),
            "unverified",
            f"could not compare {shown} with the answer to {task.part.id}: {error}",
            expected=derivation.answer,
        )
    if comparison.equal is True:
        convention = None
        if layouts:
            convention = "axes in the written order: " + ", ".join(
                _axis_order(candidate, name) for name in layouts
            )
        return Outcome(
            (candidate,),
            "right",
            f"{_what(candidate)} is the answer to {task.part.id} ({comparison.message})",
            expected=_formula_expected(derivation),
            convention=convention,
            data={"layouts": dict(layouts or {})},
        )
    if comparison.equal is None:
        return Outcome(
            (candidate,),
            "unverified",
            f"could not decide {_what(candidate)} for {task.part.id}: {comparison.message}",
            expected=_formula_expected(derivation),
        )
    diagnosis = "; ".join(i.message for i in comparison.issues) or None
    return Outcome(
        (candidate,),
        "wrong",
        f"{_what(candidate)} is not the answer to {task.part.id}",
        expected=_formula_expected(derivation),
        diagnosis=diagnosis,
        witness=comparison.witness.describe() if comparison.witness else None,
    )


def _what(candidate: Candidate) -> str:
    """``the formula``, or for a continuation row ``&= B`` of a derivation, what it claims."""
    if candidate.data.get("continuation"):
        return f"the row (= {candidate.lhs}, continuing line {candidate.data['chain']})"
    return "the formula"


def _formula_expected(derivation: Any) -> Any:
    return sp.Eq(derivation.answer_lhs, derivation.answer, evaluate=False)


def infer_layouts(candidate: Candidate, derivation: Any) -> dict[str, tuple[int, ...]]:
    """Axis permutations of tensors the candidate indexes in another order than the reference,
    read from which index letters sit on which axis (``W[m, n, k_1, k_2]`` against
    ``W[k_1, k_2, n, m]``)."""
    from symconv.grad.formula import tensor_name, tensor_reads

    reference_reads: dict[str, list[tuple[frozenset[str], ...]]] = {}
    for read in tensor_reads(sp.Add(derivation.answer_lhs, derivation.answer, evaluate=False)):
        reference_reads.setdefault(name_key(tensor_name(read)), []).append(_axis_names(read))
    layouts: dict[str, tuple[int, ...]] = {}
    for read in tensor_reads(sp.Add(candidate.lhs, candidate.value, evaluate=False)):
        name = tensor_name(read)
        for axes in reference_reads.get(name_key(name), []):
            mine = _axis_names(read)
            if len(mine) != len(axes) or mine == axes:
                continue
            permutation = []
            for group in mine:
                matches = [a for a, ref in enumerate(axes) if ref == group]
                if len(matches) != 1:
                    break
                permutation.append(matches[0])
            else:
                if sorted(permutation) == list(range(len(axes))):
                    layouts[name] = tuple(permutation)
    return layouts


def _axis_order(candidate: Candidate, name: str) -> str:
    """``∂J/∂W[m, n, k_1, k_2]``: how the candidate indexes a tensor."""
    from symconv.grad.formula import tensor_name, tensor_reads

    for read in tensor_reads(sp.Add(candidate.lhs, candidate.value, evaluate=False)):
        if tensor_name(read) == name:
            return str(read)
    return name


def _axis_names(read: sp.Indexed) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(name_key(s.name) for s in i.free_symbols) for i in read.indices)
