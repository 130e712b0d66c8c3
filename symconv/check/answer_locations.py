"""Answers that are a value and its location (``Z[2, 3] = 6``, "the largest value is 6, at (1, 3)"),
and claims about an exercise's data evaluated on it (``Z[0, 3] = 0`` is wrong: Z[0, 3] = 3).

Locations are 0-based, as bracket indices are; any location where the value occurs is accepted
when the part says so (its ``accepted`` list). A location counted from 1 in a 0-indexed set is
wrong with that re-reading named (:mod:`symconv.check.rereadings`) and, where the exercise's data
defines the tensor, the data read the set's way as the proof (``Z[2, 1] = 1``; an index past the
tensor's shape).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from itertools import pairwise
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
    pass
from symconv.check.answer_task import (
    Outcome,
    PartTask,
    by_variants,
    outcome_for,
    shown_candidate,
)


# ----------------------------------------------------------------------------------------------
# A value and its location, with the exercise's data
# ----------------------------------------------------------------------------------------------
def location_candidates(task: PartTask) -> list[Candidate]:
    """The document's locations for a location answer: ``Z[1, 0] = -6``; else a value and its
    place written as one tuple, ``(-6, (1, 0))``, or in words, ``-6, at (1, 0)``."""
    pool = [c for c in task.candidates if c.form == "location"]
    if pool:
        return pool
    rank = len(tuple(task.answer)[1])
    written = [c for c in task.candidates if c.form == "tuple" and _is_location(c.value, rank)]
    in_words = _located_in_words(task.candidates, rank)
    return sorted([*written, *in_words], key=lambda c: (c.line, c.end_line))


def _is_location(value: Any, rank: int) -> bool:
    items = tuple(value) if isinstance(value, sp.Tuple) else ()
    return (
        len(items) == 2
        and is_number(items[0])
        and isinstance(items[1], sp.Tuple)
        and len(items[1]) == rank
        and all(is_number(i) for i in items[1])
    )


def location_value(candidate: Candidate) -> sp.Tuple:
    """The ``(value, (indices))`` a location candidate states."""
    return _location_value(candidate)


def judge_location(task: PartTask) -> list[Outcome]:
    pool = location_candidates(task)
    if not pool:
        return []
    for candidate in reversed(pool):
        value = _location_value(candidate)
        variant, _ = by_variants(task, value)
        if variant is not None:
            break
    else:
        candidate = pool[-1]
    value = _location_value(candidate)
    shown = shown_candidate(candidate)
    variant, _decision = by_variants(task, value)
    fact = evaluate_location(candidate, task.exercise_context)
    if variant is not None:
        outcome = outcome_for(task, (candidate,), value, shown)
        if outcome.verdict == "wrong" and fact is not None and fact.verdict == "wrong":
            # A re-reading or a misreading: the exercise's data, read the set's way, shows it.
            outcome = replace(outcome, witness=fact.witness)
        elif outcome.verdict == "wrong":
            outcome = replace(outcome, witness=_not_accepted(task, value) or outcome.witness)
        return [outcome]
    if fact is not None and fact.verdict == "wrong":
        return [
            Outcome(
                (candidate,),
                "wrong",
                f"{shown} does not hold for the exercise's data, so it does not answer "
                f"{task.part.id}",
                expected=task.answer,
                witness=fact.witness,
            )
        ]
    return [
        Outcome(
            (candidate,),
            "wrong",
            f"{shown} {'holds' if fact is not None else 'may hold'} for the exercise's data but is "
            f"not what {task.part.id} asks",
            expected=task.answer,
            witness=_not_accepted(task, value),
        )
    ]


def _not_accepted(task: PartTask, written: sp.Tuple) -> str | None:
    """The exact inequality that makes a location wrong: its value is not the answer's, or it
    is none of the locations the part accepts for its value."""
    value, position = written
    accepted = [
        tuple(v.value[1])
        for v in task.variants()
        if v.right and decide_equal(v.value[0], value).equal
    ]
    if not accepted:
        answer_value = task.answer[0]
        if is_number(value) and is_number(answer_value):
            return f"{value} ≠ {answer_value}"
        return None
    shown = ", ".join(f"({', '.join(map(str, p))})" for p in accepted)
    return f"({', '.join(map(str, position))}) is none of the locations of {value}: {shown}"


def _location_value(candidate: Candidate) -> sp.Tuple:
    if candidate.form == "location":
        return sp.Tuple(candidate.value, sp.Tuple(*candidate.lhs.indices))
    return candidate.value


def _located_in_words(candidates: Sequence[Candidate], rank: int) -> list[Candidate]:
    """``the largest value is 6, at (1, 3)``: a number followed by a location tuple."""
    found = []
    for first, second in pairwise(candidates):
        sequence = as_sequence(second.value) if second.form == "tuple" else None
        if (
            first.form in ("number", "text-number")
            and sequence is not None
            and len(sequence) == rank
            and all(is_number(v) for v in sequence)
            and second.line - first.line <= 1
        ):
            value = sp.Tuple(first.value, sp.Tuple(*sequence))
            found.append(
                Candidate(
                    "tuple",
                    value,
                    first.line,
                    second.end_line,
                    f"{first.text} … {second.text}",
                    claim=first.claim or second.claim,
                )
            )
    return found


def evaluate_location(candidate: Candidate, context: Mapping[str, Any]) -> Outcome | None:
    """``Z[0, 3] = 0`` evaluated on the exercise's data (0-based indices), or None if the
    exercise defines no such tensor."""
    lhs = candidate.lhs
    if candidate.form != "location" or not isinstance(lhs, sp.Indexed):
        return None
    name = name_key(str(lhs.base.label))
    tensor = next((v for k, v in context.items() if name_key(k) == name), None)
    if tensor is None:
        return None
    indices = tuple(int(i) for i in lhs.indices)
    try:
        actual = _entry(tensor, indices)
    except IndexError:
        shape = " × ".join(map(str, getattr(tensor, "shape", (len(tensor),))))
        return Outcome(
            (candidate,),
            "wrong",
            f"{candidate.text}: index {indices} is outside {name}, of shape {shape} (0-based)",
            witness=f"{name} has shape {shape}: indices {indices} are outside it (0-based)",
        )
    written = candidate.value
    if decide_equal(written, actual).equal:
        return Outcome((candidate,), "right", f"{candidate.text} holds for the exercise's data")
    return Outcome(
        (candidate,),
        "wrong",
        f"{candidate.text} does not hold for the exercise's data",
        witness=f"{name}[{', '.join(map(str, indices))}] = {actual}",
        expected=actual,
    )


def _entry(tensor: Any, indices: tuple[int, ...]) -> Any:
    if any(i < 0 for i in indices):
        raise IndexError(indices)
    if isinstance(tensor, sp.MatrixBase):
        if len(indices) != 2 or indices[0] >= tensor.rows or indices[1] >= tensor.cols:
            raise IndexError(indices)
        return tensor[indices[0], indices[1]]
    value = tensor
    for index in indices:
        value = value[index]
    return value
