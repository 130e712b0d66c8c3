"""Index-formula answers, compared with :func:`symconv.grad.compare.compare_index_formulas`: a
lint (a missing sum is named), then exact evaluation on random tensors of small random sizes (a
witness on mismatch). Sums written without limits get their ranges from the tensors, and a tensor
indexed in another axis order than the reference (``W[m, n, k_1, k_2]`` for the NYU set's
``W[k_1, k_2, n, m]``) is mapped before comparing, the order named in the verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from symconv.check.answer_task import (
    Outcome,
    PartTask,
    shown_candidate,
)
from symconv.check.candidates import Candidate
from symconv.check.refusals import SYMPY_REFUSALS, raised_by_sympy
from symconv.check.symbols import name_key
from symconv.errors import SymconvError

#: What the comparator raises on a formula it cannot read: its typed errors and SymPy's refusals.
_UNREADABLE: tuple[type[BaseException], ...] = (SymconvError, *SYMPY_REFUSALS)


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
    clock = _Clock()
    answer = pool[-1]
    chains = chains_to_judge(pool)
    alone = sum(map(len, chains)) == 1
    first = judge_index_formula(task, answer, time_budget=clock.share(1.0 if alone else 0.6))
    outcomes: list[Outcome] = []
    replaced: dict[int, Outcome] = {}
    layouts = Layouts()  # one per part: every chain and the answer read the tensors alike
    for rows in chains:
        outcomes += judge_chain(
            task, rows, clock, answer=(answer, first), replaced=replaced, layouts=layouts
        )
    outcomes.append(replaced.get(id(first), first))
    return sorted(outcomes, key=lambda o: o.candidates[0].line)  # (stable: rows in order)


#: The comparator's own bound per formula (``compare_index_formulas``' default).
FORMULA_SECONDS = 2.0
#: Kept free for wording the verdicts before the part's alarm rings.
MARGIN_SECONDS = 0.15


class _Clock:
    """The part's time left, read from the alarm the checker set (``limits.time_limit``): the
    answer is compared first, the derivation's rows share what remains, so a long chain never
    costs the answer its verdict."""

    def __init__(self) -> None:
        import signal
        import time

        self._now = time.perf_counter
        left = signal.getitimer(signal.ITIMER_REAL)[0] if hasattr(signal, "getitimer") else 0.0
        total = left - MARGIN_SECONDS if left > 0 else 2 * FORMULA_SECONDS
        self._deadline = self._now() + max(total, 0.0)

    def left(self) -> float:
        return self._deadline - self._now()

    def share(self, fraction: float) -> float:
        return min(FORMULA_SECONDS, max(self.left() * fraction, 0.0))


def chains_to_judge(pool: list[Candidate]) -> list[list[Candidate]]:
    """Every aligned chain of two rows or more (``∂J/∂X[…] &= A \\ &= B \\ &= C``: A, B and C
    all claim to be the entry asked for) and the last formula offered (the answer), in document
    order; a single formula before the last is a draft, not judged."""
    chains: dict[tuple[Any, Any], list[Candidate]] = {}
    for candidate in pool:
        key = (candidate.block, candidate.chain)
        if key[1] is None:
            key = (None, id(candidate))
        chains.setdefault(key, []).append(candidate)
    last = pool[-1]
    return [rows for rows in chains.values() if len(rows) > 1 or rows[-1] is last]


@dataclass
class Layouts:
    """The axis orders a part's rows read its tensors in, fixed by its first right row (None
    until then): a tensor has one layout in a derivation."""

    fixed: dict[str, tuple[int, ...]] | None = None


def judge_chain(
    task: PartTask,
    rows: list[Candidate],
    clock: _Clock,
    answer: tuple[Candidate, Outcome] | None = None,
    replaced: dict[int, Outcome] | None = None,
    layouts: Layouts | None = None,
) -> list[Outcome]:
    """One verdict per row but ``answer`` (a row judged already, alone: its verdict is not
    repeated; when the chain judges it again, the new verdict goes to ``replaced``). A tensor has
    one layout in a derivation: once a row is right (with its axes in some written order), the
    later rows — of this chain and of the part's later chains (``layouts``, shared) — are
    compared in that order only, so ``W[k_2, k_1, n, m]`` after ``W[k_1, k_2, n, m]`` is wrong,
    not another convention."""
    replaced = {} if replaced is None else replaced
    layouts = Layouts() if layouts is None else layouts
    outcomes = []
    # Rows with entry derivatives (``∂Z[i', …]/∂X[i, …]``, evaluated through the forward
    # formula's Kronecker deltas: slow) come last: they take only the time the others leave.
    slow = [row for row in rows if _has_entry_derivative(row.value)]
    ordered = [row for row in rows if row not in slow] + slow
    for position, row in enumerate(ordered):
        if answer is not None and row is answer[0] and _same_layouts(answer[1], layouts.fixed):
            outcome = answer[1]
        elif clock.left() < 0.05:
            outcome = Outcome(
                (row,),
                "unverified",
                f"{_what(row)} was not compared: the time for {task.part.id} was spent on its "
                f"answer and the rows before",
            )
        else:
            budget = clock.share(1 / (len(ordered) - position))
            outcome = judge_index_formula(task, row, layouts=layouts.fixed, time_budget=budget)
        if answer is not None and row is answer[0]:
            replaced[id(answer[1])] = outcome
        else:
            outcomes.append(outcome)
        if layouts.fixed is None and outcome.verdict == "right":
            layouts.fixed = outcome.layouts
    return outcomes


def _has_entry_derivative(value: Any) -> bool:
    from symconv.check.nodes import Partial

    return isinstance(value, sp.Basic) and value.has(Partial)


def _same_layouts(outcome: Outcome, layouts: dict[str, tuple[int, ...]] | None) -> bool:
    """The answer's verdict stands in its chain unless it was right only in another layout."""
    return layouts is None or outcome.verdict != "right" or outcome.layouts == layouts


def sizes_as_the_reference_names_them(written: tuple[Any, Any], derivation: Any) -> tuple[Any, Any]:
    """An entry ``N[j]`` of a tensor the derivation does not have, where the derivation has the
    size ``N_j`` (the engine names the size of ``j`` so when ``J`` is the loss): that size. The
    problem fixes what its names mean, and the engine's own write-up reads back (``\\sum_{j' =
    0}^{N_{j} - 1}``); a tensor the derivation has is never renamed.

    >>> from symconv.grad.differentiate import derive_backward
    >>> d = derive_backward("Z[i,j] = sum(W[k1,k2] * X[2*i+k1, 2*j+k2])", wrt="X")
    >>> N, j, t = sp.IndexedBase("N"), sp.Symbol("j"), sp.Symbol("t")
    >>> sizes_as_the_reference_names_them((sp.Symbol("y"), sp.Sum(t, (t, 0, N[j] - 1))), d)[1]
    Sum(t, (t, 0, N_j - 1))
    """
    lhs, rhs = written
    details = getattr(derivation, "details", None)
    if not isinstance(details, dict) or "backward" not in details or not isinstance(rhs, sp.Basic):
        return written
    parts = details.get("parts")
    formulas = [details["backward"], *getattr(parts, "definitions", ())]
    forward = getattr(parts, "forward", None)
    if forward is not None:
        formulas.append(forward)
    sizes = {name_key(s.name): s for f in formulas for s in f.size_symbols}
    tensors = {name for f in formulas for name in f.shapes}
    replacements = {}
    for entry in rhs.atoms(sp.Indexed):
        label = str(entry.base.label)
        if label in tensors or len(entry.indices) != 1:
            continue
        size = sizes.get(name_key(f"{label}_{entry.indices[0]}"))
        if size is not None:
            replacements[entry] = size
    return (lhs, rhs.xreplace(replacements)) if replacements else written


def with_plain_left_indices(lhs: Any, rhs: Any) -> tuple[Any, Any]:
    """``X[i + 1, j] = f(i, j)`` as ``X[i, j] = f(i - 1, j)``: the same claim about every entry,
    with an index name on the left (what the comparison needs); anything else unchanged.

    >>> i, j = sp.symbols("i j")
    >>> X, Y = sp.IndexedBase("X"), sp.IndexedBase("Y")
    >>> with_plain_left_indices(X[i + 1, j], Y[i, j] + i)
    (X[i, j], i + Y[i - 1, j] - 1)
    """
    if not isinstance(lhs, sp.Indexed) or not isinstance(rhs, sp.Basic):
        return lhs, rhs
    shifts = {}
    for index in lhs.indices:
        free = [s for s in index.free_symbols if isinstance(s, sp.Symbol)]
        if len(free) == 1 and not index.is_Symbol:
            offset = index - free[0]
            if offset.is_Integer:
                shifts[free[0]] = free[0] - offset
    if not shifts:
        return lhs, rhs
    return lhs.xreplace(shifts).expand(), rhs.xreplace(shifts)


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
    task: PartTask,
    candidate: Candidate,
    *,
    layouts: dict[str, tuple[int, ...]] | None = None,
    time_budget: float = FORMULA_SECONDS,
) -> Outcome:
    """The verdict on one index formula; ``layouts`` fixed (an earlier row's) or, when None,
    inferred if the formula is not right as written. ``Outcome.layouts`` holds the ones used
    by a right verdict."""
    from symconv.check.entry_derivatives import (
        NotEvaluable,
        rewrite_activations,
        rewrite_entry_derivatives,
    )
    from symconv.grad.compare import compare_index_formulas

    derivation = task.solution.derivation
    value = candidate.value
    reason = None
    forward = _forward_formula(derivation)
    if forward is not None:
        try:
            value = rewrite_activations(rewrite_entry_derivatives(value, forward), forward)
        except NotEvaluable as error:
            reason = str(error)
    written = with_plain_left_indices(candidate.lhs, open_sums(value))
    written = sizes_as_the_reference_names_them(written, derivation)
    seed = task.seed(candidate.line)
    shown = shown_candidate(candidate)
    fixed = layouts is not None
    reason = reason or not_evaluable(value)
    if reason:
        return Outcome(
            (candidate,),
            "unverified",
            f"could not compare {_what(candidate)} with the answer to {task.part.id}: {reason}",
            expected=_formula_expected(derivation),
        )
    try:
        comparison = compare_index_formulas(
            written, derivation, seed=seed, layouts=layouts, time_budget=time_budget
        )
        if fixed or comparison.equal is True:
            pass
        else:
            layouts = infer_layouts(candidate, derivation)
            layouts = _not_read_otherwise(layouts, candidate, task.candidates, derivation)
            if layouts:
                other = compare_index_formulas(
                    written, derivation, seed=seed, layouts=layouts, time_budget=time_budget
                )
                if other.equal is True:
                    comparison = other
                else:
                    layouts = None
    except _UNREADABLE as error:  # the comparator cannot read this formula
        if not isinstance(error, SymconvError) and not raised_by_sympy(error):
            raise
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
            layouts=dict(layouts or {}),
        )
    conflicts = [i for i in comparison.issues if i.kind == "size_conflict"]
    if comparison.equal is None and conflicts:
        # under no order of the axes does each index run over the size of the axis it reads
        return Outcome(
            (candidate,),
            "wrong",
            f"{_what(candidate)} is not the answer to {task.part.id}: an index reads an axis "
            "of another size",
            expected=_formula_expected(derivation),
            diagnosis="indices in another order on one tensor than on the others?",
            witness=conflicts[0].message,
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


def _forward_formula(derivation: Any) -> Any:
    """The part's forward index formula (``Z[i, j_1, j_2, m] = Σ W X + b``), if it has one."""
    details = getattr(derivation, "details", None)
    if isinstance(details, dict):
        return details.get("forward")
    return None


def not_evaluable(value: Any) -> str | None:
    """Why a formula cannot be evaluated exactly on integer tensors, or None.

    >>> from symconv.check.nodes import Partial
    >>> U, Z, i, j = sp.IndexedBase("U"), sp.IndexedBase("Z"), *sp.symbols("i j")
    >>> print(not_evaluable(Partial(U[i], Z[j]) * U[i]))
    it holds the entry derivative ∂U[i]/∂Z[j], which is not evaluated
    >>> print(not_evaluable(sp.Function("sigma")(Z[i])))  # doctest: +NORMALIZE_WHITESPACE
    sigma(Z[i]) has no exact rational value on integer tensors (the comparison is exact):
    a row written with the layer's output is compared
    >>> not_evaluable(U[i] * (1 - U[i])) is None
    True
    """
    from sympy.core.function import AppliedUndef

    from symconv.check.nodes import Partial

    for node in sp.preorder_traversal(value):
        if isinstance(node, Partial):
            top, bottom = node.args
            return f"it holds the entry derivative ∂{top}/∂{bottom}, which is not evaluated"
        if isinstance(node, AppliedUndef):
            return (
                f"{node} has no exact rational value on integer tensors (the comparison is "
                f"exact): a row written with the layer's output is compared"
            )
    return None


def _what(candidate: Candidate) -> str:
    """``the formula``, or for a continuation row ``&= B`` of a derivation, what it claims."""
    if candidate.continuation:
        return f"the row (= {candidate.lhs}, continuing line {candidate.chain})"
    return "the formula"


def _formula_expected(derivation: Any) -> Any:
    return sp.Eq(derivation.answer_lhs, derivation.answer, evaluate=False)


def infer_layouts(candidate: Candidate, derivation: Any) -> dict[str, tuple[int, ...]]:
    """Axis permutations of tensors the candidate indexes in another order than the reference,
    read from which index letters sit on which axis (``W[m, n, k_1, k_2]`` against
    ``W[k_1, k_2, n, m]``)."""
    from symconv.grad.formula import tensor_name, tensor_reads

    reference_reads = _reference_axes(derivation, name_key)
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


def _not_read_otherwise(
    layouts: dict[str, tuple[int, ...]],
    candidate: Candidate,
    others: Sequence[Candidate],
    derivation: Any,
) -> dict[str, tuple[int, ...]]:
    """``layouts`` without the tensors another row of the exercise reads in the reference's axis
    order: a writer's own layout is one they keep. ``X[j_1 + k_1, i, j_2 + k_2, n]`` in one row
    and ``∂J/∂X[i, j_1, j_2, n]`` in another are two orders, and the row that leaves the
    problem's is the one in error. A gradient ``∂J/∂X`` has the layout of ``X``, except on the
    left side, whose arrangement only another row of the same gradient contradicts."""
    from symconv.grad.formula import tensor_name, tensor_reads

    reference = _reference_axes(derivation, _layout_key)
    output = tensor_name(candidate.lhs) if isinstance(candidate.lhs, sp.Indexed) else None
    kept = {}
    for name, permutation in layouts.items():
        # the left side's own arrangement (∂J/∂W as (out, in, kh, kw)) is how the writer
        # presents the result: only another row of that same gradient contradicts it
        key_of = name_key if name == output else _layout_key
        if not any(
            _in_order(_axis_names(read), axes, permutation)
            for other in others
            if other is not candidate and other.form == "formula"
            for read in tensor_reads(sp.Add(other.lhs, other.value, evaluate=False))
            if key_of(tensor_name(read)) == key_of(name)
            for axes in reference.get(_layout_key(name), [])
        ):
            kept[name] = permutation
    return kept


def _reference_axes(
    derivation: Any, key_of: Callable[[str], str]
) -> dict[str, list[tuple[frozenset[str], ...]]]:
    """The index names on each axis of every tensor the derivation's answer reads, by key."""
    from symconv.grad.formula import tensor_name, tensor_reads

    axes: dict[str, list[tuple[frozenset[str], ...]]] = {}
    for read in tensor_reads(sp.Add(derivation.answer_lhs, derivation.answer, evaluate=False)):
        axes.setdefault(key_of(tensor_name(read)), []).append(_axis_names(read))
    return axes


def _layout_key(name: str) -> str:
    """The tensor whose layout a read follows: ``X`` for ``X`` and for ``∂J/∂X``."""
    from symconv.grad.notation import split_gradient_label

    split = split_gradient_label(name)
    return name_key(split[1] if split else name)


def _in_order(
    mine: tuple[frozenset[str], ...],
    axes: tuple[frozenset[str], ...],
    permutation: tuple[int, ...],
) -> bool:
    """``mine`` reads the axes as the reference does and not as ``permutation`` would: each of
    its axes shares an index with the reference's axis there (``j_1`` with ``j_1 + k_1``)."""

    def fits(order: Sequence[int]) -> bool:
        return len(mine) == len(order) and all(
            mine[position] & axes[axis] for position, axis in enumerate(order)
        )

    return fits(range(len(axes))) and not fits(permutation)


def _axis_order(candidate: Candidate, name: str) -> str:
    """``∂J/∂W[m, n, k_1, k_2]``: how the candidate indexes a tensor."""
    from symconv.grad.formula import tensor_name, tensor_reads

    for read in tensor_reads(sp.Add(candidate.lhs, candidate.value, evaluate=False)):
        if tensor_name(read) == name:
            return str(read)
    return name


def _axis_names(read: sp.Indexed) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(name_key(s.name) for s in i.free_symbols) for i in read.indices)
