"""What judging one part's answer works with: the part, its variants (the answer, ``accepted``
answers with their conventions, ``misconceptions`` with their diagnoses), the candidates, and
:class:`Outcome` — a verdict on a candidate that never shows the expected answer in its
``message`` (it goes to ``expected``; counter-examples go to ``witness``), so that
``--no-reveal`` can drop both.

:func:`outcome_for` compares a candidate with every variant (right ones first) and words the
verdict; the judges of each form of answer (:mod:`symconv.check.answer_judges` and the modules
beside it) build on it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sympy as sp

from symconv.check.candidates import Candidate
from symconv.check.equality import (
    Decision,
    as_sequence,
    decide_equal,
    is_number,
)
from symconv.check.symbols import object_name_key
from symconv.core.patterns import lazy_compile

if TYPE_CHECKING:
    from symconv.problems.model import Part, Solution

AXIS_WORDS = lazy_compile(
    r"channel|height|width|batch|image|sample|frame|time|row|column|\b[NCHWBT]\b", re.I
)


@dataclass(frozen=True)
class Outcome:
    """A verdict on one candidate (or a group of candidates that form one answer)."""

    candidates: tuple[Candidate, ...]
    verdict: str
    message: str
    expected: Any = None
    diagnosis: str | None = None
    witness: str | None = None
    convention: str | None = None
    variant: str | None = None
    line: int | None = None
    warnings: tuple[str, ...] = ()
    component: int | None = None
    #: For an index formula judged right: the axis order of each tensor it was right in.
    layouts: dict[str, tuple[int, ...]] = field(default_factory=dict)

    @property
    def first_line(self) -> int:
        return self.line if self.line is not None else self.candidates[0].line


@dataclass(frozen=True)
class Variant:
    """One answer the part admits or anticipates: the answer itself, an accepted one (with its
    convention), a misconception (with its diagnosis) or a re-reading of the set's conventions
    (:mod:`symconv.check.rereadings`, with the re-reading named).

    ``parameters`` are the free parameters of a family, as the derivation that makes it
    declares them: a candidate is a member when these, and only these, can be solved for.
    """

    value: Any
    right: bool
    label: str
    note: str | None = None
    parameters: tuple[Any, ...] = ()


@dataclass(frozen=True)
class PartTask:
    """What is known when one part is judged."""

    part: Part
    solution: Solution
    candidates: Sequence[Candidate]
    region_text: str
    exercise_context: Mapping[str, Any]
    seed: Callable[[int], int]
    #: The conventions the set and the exercise declare ("arrays are 0-indexed", "tensors are
    #: channels-last"): they fix what the part's symbols mean (see :mod:`symconv.check`).
    conventions: tuple[str, ...] = ()

    @property
    def answer(self) -> Any:
        return self.solution.derivation.answer

    @property
    def answer_name(self) -> Any:
        """What the derivation calls its answer: ``answer_lhs``, else the left side of the last
        step that states the answer (``(C, M)`` in ``(C, M) = (10, 20)``), else None."""
        derivation = self.solution.derivation
        if derivation.answer_lhs is not None:
            return derivation.answer_lhs
        for step in reversed(derivation.steps):
            if step.lhs is not None and step.relation == "=" and step.value == derivation.answer:
                return step.lhs
        return None

    @property
    def answer_aliases(self) -> tuple[Any, ...]:
        """Other names the derivation gives its answer: the left side of a step whose value is
        the answer itself, or the family the answer is a member of, in the family's declared
        parameters (fd-e's weights ``w = [[c, 1/2 − 2c, …]]``, its kernel ``K`` at c = 1/4)."""
        derivation = self.solution.derivation
        answer = derivation.answer
        parameters = set(getattr(derivation, "details", {}).get("parameters", ()))
        aliases = []
        for step in derivation.steps:
            value = step.value
            if step.lhs is None or step.relation not in ("=", ":=") or isinstance(value, str):
                continue
            same_matrix = (
                isinstance(answer, sp.MatrixBase)
                and isinstance(value, sp.MatrixBase)
                and value.shape == answer.shape
                and (value == answer or bool(value.free_symbols & parameters))
            )
            if same_matrix and step.lhs != self.answer_name:
                aliases.append(step.lhs)
        return tuple(aliases)

    def variants(self) -> list[Variant]:
        """The answer, the accepted answers, the misconceptions, then the re-readings of the
        set's conventions that no declared variant already covers."""
        from symconv.check.rereadings import rereadings

        derivation = self.solution.derivation
        variants = [
            Variant(
                derivation.answer,
                True,
                "answer",
                _primary_convention(self.solution),
                tuple(derivation.details.get("parameters", ())),
            )
        ]
        variants += [
            Variant(a.answer, True, a.convention, a.convention, a.parameters)
            for a in self.solution.accepted
        ]
        variants += [
            Variant(m.answer, False, m.diagnosis, m.diagnosis) for m in self.solution.misconceptions
        ]
        return variants + rereadings(self, variants)


def _primary_convention(solution: Solution) -> str | None:
    """The convention of the part's own answer that its accepted alternatives vary: the one
    sharing most words with what every accepted convention talks about ("space", "weights")."""
    conventions = solution.derivation.conventions
    if not solution.accepted or not conventions:
        return None
    word_sets = [_words(a.convention) for a in solution.accepted]
    topic = set.intersection(*word_sets) if len(word_sets) > 1 else word_sets[0]

    def overlap(text: str) -> int:
        return len(topic & _words(text))

    best = max(conventions, key=overlap)
    return best if overlap(best) > 0 else None


_STOPWORDS = frozenset(("the", "a", "an", "as", "and", "of", "in", "to", "by", "is", "are", "with"))


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower())) - _STOPWORDS


def latex_of(value: Any) -> str:
    from symconv.core.latex import latex

    try:
        return latex(value)
    except (TypeError, ValueError, NotImplementedError):
        # a value SymPy's LaTeX printer refuses: its SymPy text
        return str(value)


def shown_value(value: Any) -> str:
    return str(value)


def by_variants(
    task: PartTask,
    candidate_value: Any,
    *,
    shape_axis: bool = False,
    component: int | None = None,
) -> tuple[Variant | None, Decision]:
    """The first variant equal to the candidate (right ones first), and the decision against the
    part's own answer (for its witness)."""
    variants = task.variants()
    ordered = [v for v in variants if v.right] + [v for v in variants if not v.right]
    main_decision: Decision | None = None
    for variant in ordered:
        expected = variant.value
        if component is not None:
            sequence = as_sequence(expected)
            if sequence is None or component >= len(sequence):
                continue
            expected = sequence[component]
        decision = decide_equal(
            candidate_value, expected, shape_axis=shape_axis, seed=seed_of(task)
        )
        if variant.label == "answer":
            main_decision = decision
        if decision.equal:
            return variant, (main_decision if not variant.right and main_decision else decision)
    return None, main_decision or Decision(False)


def seed_of(task: PartTask) -> int:
    """The seed of the part's random evaluations: from the file and the line of its answer."""
    return task.seed(task.candidates[0].line) if task.candidates else task.seed(0)


def message_right(task: PartTask, shown: str, variant: Variant) -> str:
    if variant.label == "answer":
        return f"{shown} is the answer to {task.part.id}"
    return f"{shown} is right for {task.part.id} under the convention: {variant.label}"


def outcome_for(
    task: PartTask,
    candidates: tuple[Candidate, ...],
    value: Any,
    shown: str,
    *,
    shape_axis: bool = False,
    component: int | None = None,
    expected: Any = None,
) -> Outcome:
    variant, decision = by_variants(task, value, shape_axis=shape_axis, component=component)
    main = task.answer
    if component is not None:
        sequence = as_sequence(main)
        main = sequence[component] if sequence is not None else main
    expected = main if expected is None else expected
    if variant is not None and variant.right:
        warnings: tuple[str, ...] = ()
        named = "axes named" in variant.label and AXIS_WORDS.search(task.region_text)
        if variant.label != "answer" and "axes named" in variant.label and not named:
            warnings = ("name the axes: this order is right only with the axes named",)
        return Outcome(
            candidates,
            "right",
            message_right(task, shown, variant),
            expected=expected,
            convention=variant.note,
            variant=variant.label,
            warnings=warnings,
            component=component,
        )
    if variant is not None:
        return Outcome(
            candidates,
            "wrong",
            f"{shown} is not the answer to {task.part.id}: a known misreading",
            expected=expected,
            diagnosis=variant.label,
            witness=proof(decision, value, expected),
            variant=variant.label,
            component=component,
        )
    if decision.equal is None:
        return Outcome(
            candidates,
            "unverified",
            f"could not compare {shown} with the answer to {task.part.id}: {decision.detail}",
            expected=expected,
            component=component,
        )
    detail = f" ({decision.detail})" if decision.detail and not decision.witness else ""
    return Outcome(
        candidates,
        "wrong",
        f"{shown} is not the answer to {task.part.id}{without_values(detail)}",
        expected=expected,
        witness=proof(decision, value, expected),
        component=component,
    )


def proof(decision: Decision, value: Any, expected: Any) -> str | None:
    """What shows a wrong value wrong: the decision's witness (a point where the two differ),
    else the exact inequality it found (``entry 2: 3 ≠ 32``; two numbers: ``1810 ≠ 1820``).
    It reveals the expected value, so it goes to ``witness``, never to ``message``.

    >>> import sympy as sp
    >>> proof(Decision(False), sp.Integer(1810), sp.Integer(1820))
    '1810 ≠ 1820'
    """
    if decision.witness:
        return decision.witness
    if decision.detail and "≠" in decision.detail:
        return decision.detail
    if is_number(value) and is_number(expected):
        return f"{value} ≠ {expected}"
    return None


def without_values(detail: str) -> str:
    """A detail that names only counts and positions (``3 entries where 4 belong``), never the
    expected values: those stay out of the message for ``--no-reveal``."""
    return detail if not re.search(r"≠", detail) else ""


def shown_candidate(candidate: Candidate) -> str:
    """How a message names the candidate: the value as written (the last side of a chain), a
    matrix by its lines, anything long shortened."""
    if candidate.form == "matrix" and not (
        candidate.value_text and 1 in getattr(candidate.value, "shape", ())
    ):
        if candidate.end_line > candidate.line:
            return f"the matrix on lines {candidate.line}–{candidate.end_line}"
        return "the matrix"
    text = candidate.value_text if candidate.value_text and candidate.form != "location" else None
    text = " ".join((text or candidate.text).split())
    return text if len(text) <= 80 else text[:77] + "…"


def also_judged(candidate: Candidate, pool: Sequence[Candidate], answer_lhs: Any) -> bool:
    """True if ``candidate`` is offered as the answer and so is judged whatever the others say:
    it has the answer's name (``N_{params} = 1830`` after a chain that ends in 1820), or the
    document states it as an answer (:func:`~symconv.check.candidates.stated_answer_lines`) and
    it is the only candidate of ``pool`` on its line (two values on one **Answer:** line are
    left to the judge's choice). A row its chain continues (``o &= A \\\\ &= B``) is not: its
    chain states the last row's value."""
    if candidate.continued:
        return False
    if names_the_answer(candidate, answer_lhs):
        return True
    alone = sum(other.line == candidate.line for other in pool) == 1
    return candidate.stated and candidate.lhs is None and alone


def names_the_answer(candidate: Candidate, answer_lhs: Any) -> bool:
    """True if the candidate's left side is the answer's name (typefaces ignored: ``\\mathbf{K}``
    and ``K``; ``\\delta x`` and ``\\delta_x`` are different names)."""
    if candidate.lhs is None or answer_lhs is None:
        return False
    return object_name_key(candidate.lhs) == object_name_key(answer_lhs)
