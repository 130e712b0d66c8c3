"""Problems as data: a set holds exercises, an exercise holds parts, a part holds its solution.

A part's :class:`Solution` is its engine-built :class:`~symconv.core.derivation.Derivation` plus,
because real questions admit more than one answer (DESIGN.md):

* ``accepted`` — other right answers, each with the convention under which it is right;
* ``misconceptions`` — answers a known misreading produces, each with its diagnosis.

Solutions are built lazily (on first use) so that listing a catalog costs nothing. Ids have three
levels: a set (``nyu-cnn``), an exercise (``nyu-cnn-4``) and a part (``nyu-cnn-4b``); an exercise
without sub-parts is its own single part (``nndl-5-5``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sympy as sp

from symconv.core.derivation import SCHEMA_VERSION, CheckReport, Derivation
from symconv.core.portable import portable_srepr
from symconv.errors import ConventionError

if TYPE_CHECKING:
    from symconv.problems.variants import Draw


@dataclass(frozen=True)
class Accepted:
    """Another right answer and the convention under which it is right.

    ``parameters`` are the free parameters of an answer that is a family (a stencil's corner
    weight), declared by the derivation that makes the family: a checker solves for these and
    only these; every other symbol of ``answer`` must be matched exactly.
    """

    answer: Any
    convention: str
    parameters: tuple[sp.Symbol, ...] = ()


@dataclass(frozen=True)
class Misconception:
    """A wrong answer that a known misreading produces, with its diagnosis."""

    answer: Any
    diagnosis: str


@dataclass(frozen=True)
class Solution:
    """What the engine derives for one part."""

    derivation: Derivation
    accepted: tuple[Accepted, ...] = ()
    misconceptions: tuple[Misconception, ...] = ()


@dataclass
class Part:
    """One question; ``build`` derives its :class:`Solution` with the engine (no typed answers).

    ``points`` is what the part is worth in a grade book (a problem set's ``points = 2``;
    1 by default).
    """

    id: str
    question: str
    build: Callable[[], Solution]
    points: float = 1
    _solution: Solution | None = field(default=None, repr=False)

    @property
    def solution(self) -> Solution:
        if self._solution is None:
            self._solution = self.build()
        return self._solution

    def to_json(self, report: CheckReport | None = None, **settings: Any) -> dict[str, Any]:
        """DESIGN.md's part object: steps, answer, accepted, misconceptions, checks."""
        solution = self.solution
        body = solution.derivation.to_json(report, **settings)
        return {
            "id": self.id,
            "question": self.question,
            "steps": body["steps"],
            "answer_latex": body["answer_latex"],
            "answer_srepr": body["answer_srepr"],
            "accepted": [
                {"answer_srepr": portable_srepr(a.answer), "convention": a.convention}
                for a in solution.accepted
            ],
            "misconceptions": [
                {"answer_srepr": portable_srepr(m.answer), "diagnosis": m.diagnosis}
                for m in solution.misconceptions
            ],
            "checks": body["checks"],
        }


@dataclass
class Exercise:
    """A numbered exercise: its statement and its parts."""

    id: str
    title: str
    statement: str
    parts: list[Part]
    source: str = ""
    conventions: tuple[str, ...] = ()
    #: Names the exercise defines (its data, and tensors derived from it such as the output Z),
    #: built lazily: a checker evaluates claims like ``Z[0, 3] = 0`` against them.
    build_context: Callable[[], dict[str, Any]] | None = field(default=None, repr=False)
    _context: dict[str, Any] | None = field(default=None, repr=False)
    #: The values of its variable data (a problem set's ``{ choose = ... }``), for the student
    #: they were drawn for; ``None`` for an exercise whose data is fixed.
    variant: Draw | None = None

    @property
    def variant_note(self) -> str:
        """The line a write-up shows under the heading: the student and the drawn values
        (empty for fixed data)."""
        return self.variant.note() if self.variant is not None else ""

    @property
    def context(self) -> dict[str, Any]:
        if self._context is None:
            self._context = self.build_context() if self.build_context is not None else {}
        return self._context

    def to_json(self, reports: dict[str, CheckReport] | None = None, **settings: Any) -> dict:
        """DESIGN.md's exercise object; ``variant`` (the student and the drawn data) only for an
        exercise with variable data."""
        reports = reports or {}
        document = {
            "schema_version": SCHEMA_VERSION,
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "conventions": list(self.conventions),
            "parts": [part.to_json(reports.get(part.id), **settings) for part in self.parts],
        }
        if self.variant is not None:
            document["variant"] = self.variant.to_json()
        return document


@dataclass
class ProblemSet:
    """A set of exercises from one source, with the conventions the source uses."""

    id: str
    title: str
    source: str
    exercises: list[Exercise]
    conventions: tuple[str, ...] = ()
    #: Names the set's formulas use as quantities, never as functions: with ``d`` here, a checker
    #: reads ``d \left(k - 1\right)`` as a product (without it, the reading is ambiguous).
    quantities: tuple[str, ...] = ()
    #: The student whose variant this is (``None``: the default variant, or fixed data).
    student: str | None = None
    #: Builds the set for a student, for a set with variable data (``None`` when every value
    #: is fixed: every student has the same set).
    redraw: Callable[[str], ProblemSet] | None = field(default=None, repr=False)

    def parts(self) -> Iterator[Part]:
        for exercise in self.exercises:
            yield from exercise.parts

    @property
    def has_variants(self) -> bool:
        """Whether students get different numbers (some data is drawn per student)."""
        return self.redraw is not None

    @property
    def variant_text(self) -> str:
        """Whose numbers these are and what they are, in one line (empty for fixed data):
        ``variant alice (lab-1: i = 48, k = 5)``, or ``default variant (…)`` for no student."""
        drawn = [e for e in self.exercises if e.variant is not None]
        if not drawn:
            return ""
        from symconv.problems.variants import values_text

        whose = f"variant {self.student}" if self.student is not None else "default variant"
        values = "; ".join(f"{e.id}: {values_text(e.variant.values)}" for e in drawn if e.variant)
        return f"{whose} ({values})"

    def for_student(self, student: str) -> ProblemSet:
        """The set with ``student``'s numbers (:mod:`symconv.problems.variants`); the set itself
        when its data is fixed.

        >>> fixed = ProblemSet("s", "S", "src", [])
        >>> fixed.for_student("alice") is fixed, fixed.has_variants
        (True, False)
        """
        if self.redraw is None:
            return self
        return self.redraw(student)


@dataclass(frozen=True)
class Selection:
    """What an id names: the exercises (each with the chosen parts) of one set."""

    problem_set: ProblemSet
    exercises: tuple[tuple[Exercise, tuple[Part, ...]], ...]


def select(sets: Sequence[ProblemSet], identifier: str) -> Selection:
    """Resolve a set, exercise or part id.

    >>> part = Part("s-1a", "q", build=lambda: None)  # type: ignore[arg-type,return-value]
    >>> problem_set = ProblemSet("s", "S", "src", [Exercise("s-1", "One", "", [part])])
    >>> [e.id for e, _ in select([problem_set], "s-1a").exercises]
    ['s-1']
    >>> select([problem_set], "s-2")
    Traceback (most recent call last):
    ...
    symconv.errors.ConventionError: unknown id 's-2': no set, exercise or part has it \
(sets: s; see `symconv solve --list`)
    """
    for problem_set in sets:
        if identifier == problem_set.id:
            chosen = tuple((e, tuple(e.parts)) for e in problem_set.exercises)
            return Selection(problem_set, chosen)
        for exercise in problem_set.exercises:
            if identifier == exercise.id:
                return Selection(problem_set, ((exercise, tuple(exercise.parts)),))
            for part in exercise.parts:
                if identifier == part.id:
                    return Selection(problem_set, ((exercise, (part,)),))
    known = ", ".join(s.id for s in sets)
    raise ConventionError(
        f"unknown id {identifier!r}: no set, exercise or part has it "
        f"(sets: {known}; see `symconv solve --list`)"
    )
