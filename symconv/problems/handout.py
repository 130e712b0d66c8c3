"""What one write-up holds: a set, the exercises and parts chosen from it, their check reports and
the output knobs — one :class:`Handout` per document, whatever its format.

``symconv solve nyu-cnn-3 nyu-cnn-4b`` asks for one document: :func:`gather` merges the
selections of one set into one handout, in the set's own order.

    >>> from symconv.problems.model import Exercise, Part, ProblemSet, select
    >>> parts = [Part(f"s-1{x}", "q", build=lambda: None) for x in "ab"]  # type: ignore
    >>> problem_set = ProblemSet("s", "S", "src", [Exercise("s-1", "One", "", parts)])
    >>> [handout] = gather([(i, select([problem_set], i)) for i in ("s-1b", "s-1a")])
    >>> handout.name, [p.id for _, chosen in handout.exercises for p in chosen]
    ('s', ['s-1a', 's-1b'])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from symconv.core.derivation import CheckReport
from symconv.problems.model import Exercise, Part, ProblemSet, Selection


@dataclass(frozen=True)
class RenderOptions:
    """Output knobs (DESIGN.md): notation, number format, matrix elision, answers or not."""

    notation: str | None = None
    number_format: str = "grouped"
    no_answers: bool = False
    max_matrix_size: int | None = None

    def settings(self) -> dict[str, Any]:
        options: dict[str, Any] = {
            "number_format": self.number_format,
            "max_matrix_size": self.max_matrix_size,
        }
        if self.notation is not None:
            options["notation"] = self.notation
        return options


@dataclass(frozen=True)
class Handout:
    """One document: the set, its chosen exercises (each with its chosen parts), their reports.

    ``name`` is the document's file stem: the id asked for when it names one exercise or part,
    the set's id otherwise.
    """

    problem_set: ProblemSet
    exercises: tuple[tuple[Exercise, tuple[Part, ...]], ...]
    options: RenderOptions = RenderOptions()
    reports: Mapping[str, CheckReport] = field(default_factory=dict)
    name: str = ""

    @property
    def parts(self) -> tuple[Part, ...]:
        return tuple(part for _exercise, parts in self.exercises for part in parts)


def gather(
    requests: Sequence[tuple[str, Selection]], options: RenderOptions = RenderOptions()
) -> list[Handout]:
    """One handout per set the requests name (``(id, what it selects)``), each exercise and part
    once, in the set's order; a handout asked for by one id alone is named after it."""
    chosen: dict[str, dict[str, set[str]]] = {}
    sets: dict[str, ProblemSet] = {}
    names: dict[str, list[str]] = {}
    for identifier, selection in requests:
        set_id = selection.problem_set.id
        sets.setdefault(set_id, selection.problem_set)
        per_exercise = chosen.setdefault(set_id, {})
        for exercise, parts in selection.exercises:
            per_exercise.setdefault(exercise.id, set()).update(part.id for part in parts)
        names.setdefault(set_id, [])
        if identifier not in names[set_id]:
            names[set_id].append(identifier)
    handouts = []
    for set_id, per_exercise in chosen.items():
        problem_set = sets[set_id]
        exercises = tuple(
            (exercise, tuple(p for p in exercise.parts if p.id in per_exercise[exercise.id]))
            for exercise in problem_set.exercises
            if exercise.id in per_exercise
        )
        name = names[set_id][0] if len(names[set_id]) == 1 else set_id
        handouts.append(Handout(problem_set, exercises, options, name=name))
    return handouts
