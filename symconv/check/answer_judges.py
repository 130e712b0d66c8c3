"""Judge one part's answer: pick the document's candidate(s) that fit the expected answer's form and
compare them with the part's answer, its ``accepted`` answers and its ``misconceptions``.

One function per form of answer (the catalog's ``Derivation.answer``):

* a number (``5133600``), a symbolic expression (``D (K − 1)/2``);
* a tuple: a shape (``(46, 62, 20)``, NCHW or NHWC with the axes named), several numbers of one
  part (time and space of nndl 5-4, each on its own line), a value and its location
  (``(6, (1, 3))``, any location of the value accepted, claims evaluated on the exercise's data),
  the sets of a sum's limits;
* a matrix: a kernel (a member of a family — the parameter is solved for exactly —, a scalar
  multiple only with the scale stated, the negated kernel where accepted), a convolution matrix
  (witness: the row of ``(C' − C) x`` that differs), conditions (one-hot gradients of a maximum);
* an index formula (compared with :func:`symconv.grad.compare.compare_index_formulas`: a lint,
  then exact evaluation on random tensors; a witness on mismatch; tensor layouts mapped).

Numbers, expressions, tuples and sets are judged here; locations in
:mod:`symconv.check.answer_locations`, matrices and conditions in
:mod:`symconv.check.answer_matrices`, index formulas in :mod:`symconv.check.answer_formulas`. Each
returns :class:`~symconv.check.answer_task.Outcome` objects — a verdict on a candidate — and never
reveals the expected answer in ``message`` (it goes to ``expected``; counter-examples go to
``witness``), so that ``--no-reveal`` can drop both.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import sympy as sp

from symconv.check.candidates import Candidate
from symconv.check.equality import (
    as_sequence,
    decide_equal,
    is_number,
)
from symconv.check.symbols import name_key

if TYPE_CHECKING:
    from symconv.problems.model import Solution
from symconv.check.answer_formulas import judge_formula
from symconv.check.answer_locations import judge_location, location_candidates, location_value
from symconv.check.answer_matrices import judge_conditions, judge_matrix
from symconv.check.answer_task import (
    Outcome,
    PartTask,
    Variant,
    also_judged,
    by_variants,
    message_right,
    outcome_for,
    shown_candidate,
    shown_value,
)
from symconv.check.slips import dropped_term
from symconv.errors import SymconvError


# ----------------------------------------------------------------------------------------------
# Kinds of answer
# ----------------------------------------------------------------------------------------------
def answer_kind(solution: Solution) -> str:
    """``formula``, ``location``, ``sets``, ``tuple``, ``conditions``, ``matrix``, ``number``,
    ``expression`` or ``proof`` (nothing to compare)."""
    answer = solution.derivation.answer
    lhs = solution.derivation.answer_lhs
    if isinstance(lhs, sp.Indexed):
        return "formula"
    if isinstance(answer, sp.Tuple):
        items = tuple(answer)
        if len(items) == 2 and is_number(items[0]) and isinstance(items[1], sp.Tuple):
            return "location"
        if items and all(isinstance(item, sp.Tuple) for item in items):
            return "sets"
        return "tuple"
    if isinstance(answer, sp.MatrixBase):
        from symconv.grad.conditions import Iverson

        conditions = (sp.logic.boolalg.BooleanFunction, sp.core.relational.Relational, Iverson)
        if any(e.atoms(*conditions) or isinstance(e, conditions) for e in answer):
            return "conditions"
        return "matrix"
    if isinstance(answer, sp.Basic) and answer.is_number:
        return "number"
    if isinstance(answer, sp.Expr) and not answer.has(sp.Sum):
        return "expression"
    return "proof"


def judge_part(task: PartTask) -> list[Outcome]:
    """The outcomes for one part (empty when the document offers no candidate of the right form).

    A candidate with several readings (an ambiguous statement) is judged in each: a reading that
    gives a right answer is used, and named; otherwise the first reading's verdict stands (every
    reading being wrong, the verdict does not depend on the choice).
    """
    kind = answer_kind(task.solution)
    judge = _JUDGES.get(kind)
    if judge is None:
        return []
    outcomes = judge(task)
    result = []
    for outcome in outcomes:
        ambiguous = [c for c in outcome.candidates if c.alternatives]
        if outcome.verdict == "right" or not ambiguous:
            result.append(outcome)
            continue
        result.append(_other_reading(task, judge, outcome, ambiguous[0]) or outcome)
    if not outcomes:
        result = _only_other_readings(task, judge)
    return result


def _other_reading(
    task: PartTask,
    judge: Callable[[PartTask], list[Outcome]],
    outcome: Outcome,
    candidate: Candidate,
) -> Outcome | None:
    for alternative in candidate.alternatives:
        pool = [alternative if c is candidate else c for c in task.candidates]
        for other in judge(replace(task, candidates=pool)):
            if other.verdict == "right" and alternative in other.candidates:
                note = f"read as {shown_value(alternative.value)} (the text is ambiguous)"
                return replace(other, warnings=(*other.warnings, note))
    return None


def _only_other_readings(
    task: PartTask, judge: Callable[[PartTask], list[Outcome]]
) -> list[Outcome]:
    """No candidate fits in its first reading: try the others (``P = D(K-1)/2`` read with D
    applied to K − 1 is no expression in K and D)."""
    swapped = [c.alternatives[0] if c.alternatives else c for c in task.candidates]
    if swapped == list(task.candidates):
        return []
    outcomes = judge(replace(task, candidates=swapped))
    noted = []
    for outcome in outcomes:
        readings = [c for c in outcome.candidates if c in swapped and c not in task.candidates]
        if readings:
            note = f"read as {shown_value(readings[0].value)} (the text is ambiguous)"
            outcome = replace(outcome, warnings=(*outcome.warnings, note))
        noted.append(outcome)
    return noted


# ----------------------------------------------------------------------------------------------
# Numbers and expressions
# ----------------------------------------------------------------------------------------------
def _judge_number(task: PartTask) -> list[Outcome]:
    written = [c for c in task.candidates if c.form == "number"]
    words = [c for c in task.candidates if c.form == "text-number"]
    for pool in (written, words):
        for candidate in reversed(pool):
            variant, _ = by_variants(task, candidate.value)
            if variant is not None:
                chosen = outcome_for(
                    task, (candidate,), candidate.value, shown_candidate(candidate)
                )
                return _with_named_others(task, [chosen], written)
    stated_words = [c for c in words if c.stated]
    if not written and not stated_words:
        return []
    # the last number written in math, else the last one prose states as the answer (an
    # **Answer:** line): a wrong value in words is judged as one in math is; a number in prose
    # without that cue ("10 input channels") is never taken for this part's answer
    pool = written or stated_words
    final = pool[-1]
    outcome = outcome_for(task, (final,), final.value, shown_candidate(final))
    return _with_named_others(task, [_with_slip(outcome, final, task)], pool)


def _with_named_others(
    task: PartTask,
    judged: list[Outcome],
    pool: Sequence[Candidate],
    value_of: Callable[[Candidate], Any] = lambda candidate: candidate.value,
    *,
    shape_axis: bool = False,
) -> list[Outcome]:
    """The judged outcomes, and one for every other candidate of the pool that the document gives
    the answer's name (``N_{params} = 1830`` on an **Answer:** line after a chain that ends in
    1820) or states as an answer (the only one of its form on an **Answer:** line, or in a list
    of accepted answers): a value stated as the answer is judged even when another one is
    right."""
    taken = {id(candidate) for outcome in judged for candidate in outcome.candidates}
    others = [
        outcome_for(task, (c,), value_of(c), shown_candidate(c), shape_axis=shape_axis)
        for c in pool
        if id(c) not in taken and also_judged(c, pool, task.answer_name)
    ]
    return sorted([*judged, *others], key=lambda outcome: outcome.first_line)


def _with_slip(outcome: Outcome, candidate: Candidate, task: PartTask) -> Outcome:
    """A wrong final value whose own computation gives the answer: an arithmetic slip; else one
    the derivation's general formula gives with one term left out (a missing − 1, a dropped
    bias), named as the probable slip (:mod:`symconv.check.slips`)."""
    if outcome.verdict != "wrong":
        return outcome
    if candidate.derived_from is None:
        return _with_dropped_term(outcome, candidate, task)
    from symconv.check.parser import parse_expression

    try:
        computed = parse_expression(candidate.derived_from)
    except SymconvError:  # the computation it was written after is not readable: no slip named
        return outcome
    if is_number(computed) and decide_equal(computed, task.answer).equal:
        return Outcome(
            outcome.candidates,
            "wrong",
            f"{shown_candidate(candidate)} is not the answer to {task.part.id}, though the "
            f"expression {candidate.derived_from} is right: an arithmetic slip",
            expected=outcome.expected,
            diagnosis="arithmetic slip: the expression is right, its value is not",
            witness=outcome.witness,
        )
    return _with_dropped_term(outcome, candidate, task)


def _with_dropped_term(outcome: Outcome, candidate: Candidate, task: PartTask) -> Outcome:
    if outcome.diagnosis is not None:
        return outcome  # a declared misconception or a re-reading says more than a guess
    slip = dropped_term(task.solution.derivation, candidate.value)
    return outcome if slip is None else replace(outcome, diagnosis=slip.diagnosis)


def _judge_expression(task: PartTask) -> list[Outcome]:
    lhs = task.solution.derivation.answer_lhs
    wanted = name_key(str(lhs)).lower() if lhs is not None else None
    named = [
        c
        for c in task.candidates
        if c.form in ("expression", "number") and c.name and name_key(c.name).lower() == wanted
    ]
    expected_names = {name_key(s.name) for s in task.answer.free_symbols}
    pool = named or [
        c
        for c in task.candidates
        if c.form == "expression"
        and {name_key(s.name) for s in c.value.free_symbols} <= expected_names | {"h"}
        and c.value.free_symbols
    ]
    if not pool:
        return []
    for candidate in reversed(pool):
        variant, _ = by_variants(task, candidate.value)
        if variant is not None and variant.right:
            chosen = outcome_for(task, (candidate,), candidate.value, shown_candidate(candidate))
            return _with_named_others(task, [chosen], pool)
    final = pool[-1]
    outcome = outcome_for(task, (final,), final.value, shown_candidate(final))
    return _with_named_others(task, [outcome], pool)


# ----------------------------------------------------------------------------------------------
# Tuples
# ----------------------------------------------------------------------------------------------
def _judge_location(task: PartTask) -> list[Outcome]:
    """The location the judge chose, and every other one the document states as its answer
    (an **Answer:** line after a list of right ones is judged too)."""
    outcomes = judge_location(task)
    if not outcomes:
        return outcomes
    return _with_named_others(task, outcomes, location_candidates(task), location_value)


def _judge_tuple(task: PartTask) -> list[Outcome]:
    expected = tuple(task.answer)
    size = len(expected)
    whole = [
        c
        for c in task.candidates
        if c.form in ("tuple", "matrix")
        and (seq := as_sequence(c.value)) is not None
        and len(seq) == size
    ]
    if whole:
        for candidate in reversed(whole):
            variant, _ = by_variants(task, _as_tuple(candidate.value), shape_axis=True)
            if variant is not None:
                break
        else:
            candidate = whole[-1]
        value = _as_tuple(candidate.value)
        outcome = outcome_for(
            task, (candidate,), value, shown_candidate(candidate), shape_axis=True
        )
        return _with_named_others(
            task, [outcome], whole, lambda c: _as_tuple(c.value), shape_axis=True
        )
    finals = [c for c in task.candidates if c.form in ("number", "expression")]
    if len(finals) < size:
        finals = _prose_numbers(task)
    if len(finals) < size or size < 2:
        return []
    chosen = finals[-size:]
    return _componentwise(task, chosen)


def _prose_numbers(task: PartTask) -> list[Candidate]:
    """The numbers written in the part's prose, less the lines that only restate the question: a
    line whose every number is one of the question's ("A batch of 40 recordings, each with 80
    channels …" copied above the answer) gives the problem's data, not an answer. A line stated
    as the answer (**Answer:**) always counts."""
    given = {int(n) for n in re.findall(r"\d+", task.part.question)}
    by_line: dict[int, list[Candidate]] = {}
    for candidate in task.candidates:
        if candidate.form == "text-number":
            by_line.setdefault(candidate.line, []).append(candidate)
    kept = []
    for line_numbers in by_line.values():
        restated = all(c.value in given for c in line_numbers)
        kept += [c for c in line_numbers if c.stated or not restated]
    return kept


def _as_tuple(value: Any) -> sp.Tuple:
    sequence = as_sequence(value)
    return sp.Tuple(*(sequence if sequence is not None else (value,)))


def _componentwise(task: PartTask, chosen: Sequence[Candidate]) -> list[Outcome]:
    """Several numbers of one part (time and space), each judged on its own line; the variant
    they agree on names the convention the part used."""
    variants = task.variants()
    matching: list[set[str]] = []
    for index, candidate in enumerate(chosen):
        labels = set()
        for variant in variants:
            sequence = as_sequence(variant.value)
            if sequence is not None and decide_equal(candidate.value, sequence[index]).equal:
                labels.add(variant.label)
        matching.append(labels)
    common = set.intersection(*matching) if matching else set()
    right_labels = {v.label for v in variants if v.right}
    outcomes = []
    for index, candidate in enumerate(chosen):
        outcome = outcome_for(
            task, (candidate,), candidate.value, shown_candidate(candidate), component=index
        )
        if outcome.verdict == "right" and right_labels <= matching[index]:
            # the same under every convention (the time of nndl 5-4): no convention to name
            outcome = replace(
                outcome,
                convention=None,
                variant="answer",
                message=f"{shown_candidate(candidate)} is right for {task.part.id}",
            )
        elif outcome.verdict == "right" and common:
            label = _preferred(common, variants)
            variant = next(v for v in variants if v.label == label)
            outcome = replace(
                outcome,
                message=message_right(task, shown_candidate(candidate), variant),
                convention=variant.note,
                variant=variant.label,
            )
        outcomes.append(outcome)
    return outcomes


def _preferred(labels: set[str], variants: Sequence[Variant]) -> str:
    for variant in variants:
        if variant.label in labels and variant.right:
            return variant.label
    return next(iter(sorted(labels)))


def _as_sets(task: PartTask, value: Any) -> list[sp.Set]:
    """The sets an answer of sets names: each entry's values, or, where the derivation declares
    its entries index ``ranges`` (first, last), every index in the range."""
    pairs = all(
        isinstance(item, sp.Tuple) and len(item) == 2 and all(is_number(b) for b in item)
        for item in value
    )
    if "ranges" in task.solution.derivation.details and pairs:
        return [sp.FiniteSet(*range(int(first), int(last) + 1)) for first, last in value]
    return [sp.FiniteSet(*item) for item in value]


def _judge_sets(task: PartTask) -> list[Outcome]:
    expected = _as_sets(task, task.answer)
    # the misreadings the part anticipates (declared, or re-readings of the set's conventions)
    anticipated = []
    for variant in task.variants():
        sequence = as_sequence(variant.value)
        if not variant.right and sequence is not None and len(sequence) == len(expected):
            anticipated.append((variant.label, _as_sets(task, sequence)))
    sets = [c for c in task.candidates if c.form == "set"]
    # an **Answer:** line of pairs is judged too, beside the sets the working states
    pairs = _stated_pairs(task, expected)
    if len(sets) < len(expected):
        return pairs
    chosen = sets[-len(expected) :]
    outcomes = []
    for index, candidate in enumerate(chosen):
        shown = shown_candidate(candidate)
        misread = next(
            (label for label, read in anticipated if candidate.value == read[index]), None
        )
        if candidate.value == expected[index]:
            outcomes.append(
                Outcome(
                    (candidate,),
                    "right",
                    f"{shown} is right for {task.part.id}",
                    expected=task.answer,
                    component=index,
                )
            )
        else:
            outcomes.append(
                Outcome(
                    (candidate,),
                    "wrong",
                    f"{shown} is not the answer to {task.part.id}"
                    + (": a known misreading" if misread else ""),
                    expected=task.answer,
                    diagnosis=misread,
                    witness=f"{candidate.value} ≠ {expected[index]}",
                    component=index,
                )
            )
    return sorted([*outcomes, *pairs], key=lambda outcome: outcome.first_line)


def _stated_pairs(task: PartTask, expected: Sequence[sp.Set]) -> list[Outcome]:
    """A tuple of pairs stated as the answer (``**Answer:** ((0, 1), (0, 1))`` for the limits of
    two sums), one pair per set: each pair read both as the range first … last and as the set
    {first, last}. Right when both readings give every set, wrong when neither gives one of
    them (a witness whichever way it is read), else no verdict."""
    stated = [
        c
        for c in task.candidates
        if c.form == "tuple"
        and c.stated
        and (seq := as_sequence(c.value)) is not None
        and len(seq) == len(expected)
        and all(
            isinstance(pair, sp.Tuple) and len(pair) == 2 and all(e.is_Integer for e in pair)
            for pair in seq
        )
    ]
    if not stated:
        return []
    candidate = stated[-1]
    pairs = as_sequence(candidate.value)
    assert pairs is not None
    shown = shown_candidate(candidate)
    readings = [
        (
            sp.FiniteSet(*range(int(first), int(last) + 1)),
            sp.FiniteSet(first, last),
        )
        for first, last in pairs
    ]
    if all(
        as_range == want and as_set == want
        for (as_range, as_set), want in zip(readings, expected, strict=True)
    ):
        return [
            Outcome(
                (candidate,), "right", f"{shown} is right for {task.part.id}", expected=task.answer
            )
        ]
    for index, ((as_range, as_set), want) in enumerate(zip(readings, expected, strict=True)):
        if as_range != want and as_set != want:
            return [
                Outcome(
                    (candidate,),
                    "wrong",
                    f"{shown} is not the answer to {task.part.id}",
                    expected=task.answer,
                    witness=f"entry {index + 1}: {pairs[index]} gives {as_range} read as a range "
                    f"and {as_set} read as a set, not {want}",
                )
            ]
    return []


_JUDGES: dict[str, Callable[[PartTask], list[Outcome]]] = {
    "number": _judge_number,
    "expression": _judge_expression,
    "tuple": _judge_tuple,
    "sets": _judge_sets,
    "location": _judge_location,
    "matrix": judge_matrix,
    "conditions": judge_conditions,
    "formula": judge_formula,
}
