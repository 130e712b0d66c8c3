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

Each returns :class:`Outcome` objects — a verdict on a candidate — and never reveals the expected
answer in ``message`` (it goes to ``expected``; counter-examples go to ``witness``), so that
``--no-reveal`` can drop both.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise, permutations
from typing import TYPE_CHECKING, Any

import sympy as sp

from symconv.check.candidates import Candidate
from symconv.check.equality import (
    Decision,
    as_sequence,
    decide_equal,
    family_member,
    is_number,
    scale_between,
)
from symconv.check.symbols import entry_indices, name_key

if TYPE_CHECKING:
    from symconv.problems import Part, Solution

#: Words that say a written kernel is scaled on purpose (with the factor written nearby).
_SCALE_WORDS = re.compile(r"scal|times|multiple|×|\\times|h\^2|h²|\\nabla|∇|negat|minus|−∇", re.I)
_AXIS_WORDS = re.compile(
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
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def first_line(self) -> int:
        return self.line if self.line is not None else self.candidates[0].line


@dataclass(frozen=True)
class Variant:
    """One answer the part admits or anticipates: the answer itself, an accepted one (with its
    convention) or a misconception (with its diagnosis)."""

    value: Any
    right: bool
    label: str
    note: str | None = None


@dataclass(frozen=True)
class PartTask:
    """What is known when one part is judged."""

    part: Part
    solution: Solution
    candidates: Sequence[Candidate]
    region_text: str
    exercise_context: Mapping[str, Any]
    seed: Callable[[int], int]

    @property
    def answer(self) -> Any:
        return self.solution.derivation.answer

    def variants(self) -> list[Variant]:
        derivation = self.solution.derivation
        variants = [Variant(derivation.answer, True, "answer", _primary_convention(self.solution))]
        variants += [
            Variant(a.answer, True, a.convention, a.convention) for a in self.solution.accepted
        ]
        variants += [
            Variant(m.answer, False, m.diagnosis, m.diagnosis) for m in self.solution.misconceptions
        ]
        return variants


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
    from symconv.latex import latex

    try:
        return latex(value)
    except Exception:  # a value the printer does not know: its SymPy text
        return str(value)


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
                note = f"read as {_shown_value(alternative.value)} (the text is ambiguous)"
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
            note = f"read as {_shown_value(readings[0].value)} (the text is ambiguous)"
            outcome = replace(outcome, warnings=(*outcome.warnings, note))
        noted.append(outcome)
    return noted


def _shown_value(value: Any) -> str:
    return str(value)


def _by_variants(
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
            candidate_value, expected, shape_axis=shape_axis, seed=_seed_of(task)
        )
        if variant.label == "answer":
            main_decision = decision
        if decision.equal:
            return variant, (main_decision if not variant.right and main_decision else decision)
    return None, main_decision or Decision(False)


def _seed_of(task: PartTask) -> int:
    """The seed of the part's random evaluations: from the file and the line of its answer."""
    return task.seed(task.candidates[0].line) if task.candidates else task.seed(0)


def _message_right(task: PartTask, shown: str, variant: Variant) -> str:
    if variant.label == "answer":
        return f"{shown} is the answer to {task.part.id}"
    return f"{shown} is right for {task.part.id} under the convention: {variant.label}"


def _outcome_for(
    task: PartTask,
    candidates: tuple[Candidate, ...],
    value: Any,
    shown: str,
    *,
    shape_axis: bool = False,
    component: int | None = None,
    expected: Any = None,
) -> Outcome:
    variant, decision = _by_variants(task, value, shape_axis=shape_axis, component=component)
    main = task.answer
    if component is not None:
        sequence = as_sequence(main)
        main = sequence[component] if sequence is not None else main
    expected = main if expected is None else expected
    if variant is not None and variant.right:
        warnings: tuple[str, ...] = ()
        named = "axes named" in variant.label and _AXIS_WORDS.search(task.region_text)
        if variant.label != "answer" and "axes named" in variant.label and not named:
            warnings = ("name the axes: this order is right only with the axes named",)
        return Outcome(
            candidates,
            "right",
            _message_right(task, shown, variant),
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
            witness=decision.witness,
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
        f"{shown} is not the answer to {task.part.id}{_without_values(detail)}",
        expected=expected,
        witness=decision.witness,
        component=component,
    )


def _without_values(detail: str) -> str:
    """A detail that names only counts and positions (``3 entries where 4 belong``), never the
    expected values: those stay out of the message for ``--no-reveal``."""
    return detail if not re.search(r"≠", detail) else ""


# ----------------------------------------------------------------------------------------------
# Numbers and expressions
# ----------------------------------------------------------------------------------------------
def _judge_number(task: PartTask) -> list[Outcome]:
    written = [c for c in task.candidates if c.form == "number"]
    words = [c for c in task.candidates if c.form == "text-number"]
    for pool in (written, words):
        for candidate in reversed(pool):
            variant, _ = _by_variants(task, candidate.value)
            if variant is not None:
                return [_outcome_for(task, (candidate,), candidate.value, _shown(candidate))]
    if not written:
        return []
    final = written[-1]
    outcome = _outcome_for(task, (final,), final.value, _shown(final))
    return [_with_slip(outcome, final, task)]


def _with_slip(outcome: Outcome, candidate: Candidate, task: PartTask) -> Outcome:
    """A wrong final value whose own computation gives the answer: an arithmetic slip."""
    if outcome.verdict != "wrong" or candidate.derived_from is None:
        return outcome
    from symconv.check.parser import parse_expression

    try:
        computed = parse_expression(candidate.derived_from)
    except Exception:
        return outcome
    if is_number(computed) and decide_equal(computed, task.answer).equal:
        return Outcome(
            outcome.candidates,
            "wrong",
            f"{_shown(candidate)} is not the answer to {task.part.id}, though the expression "
            f"{candidate.derived_from} is right: an arithmetic slip",
            expected=outcome.expected,
            diagnosis="arithmetic slip: the expression is right, its value is not",
            witness=outcome.witness,
        )
    return outcome


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
        variant, _ = _by_variants(task, candidate.value)
        if variant is not None and variant.right:
            return [_outcome_for(task, (candidate,), candidate.value, _shown(candidate))]
    final = pool[-1]
    return [_outcome_for(task, (final,), final.value, _shown(final))]


# ----------------------------------------------------------------------------------------------
# Tuples
# ----------------------------------------------------------------------------------------------
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
            variant, _ = _by_variants(task, _as_tuple(candidate.value), shape_axis=True)
            if variant is not None:
                break
        else:
            candidate = whole[-1]
        value = _as_tuple(candidate.value)
        return [_outcome_for(task, (candidate,), value, _shown(candidate), shape_axis=True)]
    finals = [c for c in task.candidates if c.form in ("number", "expression")]
    if len(finals) < size:
        finals = [c for c in task.candidates if c.form == "text-number"]
    if len(finals) < size or size < 2:
        return []
    chosen = finals[-size:]
    return _componentwise(task, chosen)


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
        outcome = _outcome_for(
            task, (candidate,), candidate.value, _shown(candidate), component=index
        )
        if outcome.verdict == "right" and right_labels <= matching[index]:
            # the same under every convention (the time of nndl 5-4): no convention to name
            outcome = replace(
                outcome,
                convention=None,
                variant="answer",
                message=f"{_shown(candidate)} is right for {task.part.id}",
            )
        elif outcome.verdict == "right" and common:
            label = _preferred(common, variants)
            variant = next(v for v in variants if v.label == label)
            outcome = replace(
                outcome,
                message=_message_right(task, _shown(candidate), variant),
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


def _judge_sets(task: PartTask) -> list[Outcome]:
    expected = [sp.FiniteSet(*item) for item in task.answer]
    sets = [c for c in task.candidates if c.form == "set"]
    if len(sets) < len(expected):
        return []
    chosen = sets[-len(expected) :]
    outcomes = []
    for index, candidate in enumerate(chosen):
        shown = _shown(candidate)
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
                    f"{shown} is not the answer to {task.part.id}",
                    expected=task.answer,
                    component=index,
                )
            )
    return outcomes


# ----------------------------------------------------------------------------------------------
# A value and its location, with the exercise's data
# ----------------------------------------------------------------------------------------------
def _judge_location(task: PartTask) -> list[Outcome]:
    pool = [c for c in task.candidates if c.form == "location"]
    if not pool:
        pool = list(_located_in_words(task.candidates, len(tuple(task.answer)[1])))
    if not pool:
        return []
    for candidate in reversed(pool):
        value = _location_value(candidate)
        variant, _ = _by_variants(task, value)
        if variant is not None:
            break
    else:
        candidate = pool[-1]
    value = _location_value(candidate)
    shown = _shown(candidate)
    variant, _decision = _by_variants(task, value)
    if variant is not None:
        outcome = _outcome_for(task, (candidate,), value, shown)
        return [outcome]
    fact = evaluate_location(candidate, task.exercise_context)
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
        )
    ]


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
        shape = getattr(tensor, "shape", (len(tensor),))
        return Outcome(
            (candidate,),
            "wrong",
            f"{candidate.text}: index {indices} is outside {name}, of shape "
            f"{' × '.join(map(str, shape))} (0-based)",
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


# ----------------------------------------------------------------------------------------------
# Matrices
# ----------------------------------------------------------------------------------------------
def _judge_matrix(task: PartTask) -> list[Outcome]:
    expected: sp.MatrixBase = task.answer
    if all(e == 0 for e in expected):
        zeros = [c for c in task.candidates if c.form == "number" and c.value == 0]
        if zeros:
            candidate = zeros[-1]
            return [
                Outcome(
                    (candidate,),
                    "right",
                    f"0 is the answer to {task.part.id} (every entry is 0)",
                    expected=expected,
                )
            ]
    pool = [c for c in task.candidates if c.form == "matrix" and isinstance(c.value, sp.MatrixBase)]
    same_shape = [c for c in pool if c.value.shape == expected.shape]
    if not same_shape:
        if pool and expected.rows > 1 and expected.cols > 1:
            candidate = pool[-1]
            rows, cols = candidate.value.shape
            return [
                Outcome(
                    (candidate,),
                    "wrong",
                    f"a {rows}×{cols} matrix where {task.part.id} asks for "
                    f"{expected.rows}×{expected.cols}",
                    expected=expected,
                )
            ]
        return []
    for candidate in reversed(same_shape):
        if _matrix_variant(task, candidate)[0] is not None:
            break
    else:
        candidate = same_shape[-1]
    return [_matrix_outcome(task, candidate)]


def _matrix_variant(
    task: PartTask, candidate: Candidate
) -> tuple[Variant | None, dict[Any, Any] | None]:
    for variant in [v for v in task.variants() if v.right] + [
        v for v in task.variants() if not v.right
    ]:
        if not isinstance(variant.value, sp.MatrixBase):
            continue
        family = sp.ImmutableMatrix(variant.value)
        parameters = {s for s in family.free_symbols if s not in candidate.value.free_symbols}
        if parameters:
            member = family_member(candidate.value, family)
            if member is not None:
                return variant, member
        elif decide_equal(candidate.value, family).equal:
            return variant, {}
    return None, None


def _matrix_outcome(task: PartTask, candidate: Candidate) -> Outcome:
    shown = _shown(candidate)
    variant, member = _matrix_variant(task, candidate)
    expected = task.answer
    if variant is not None:
        where = ""
        if member:
            where = " (the member " + ", ".join(f"{k} = {v}" for k, v in member.items()) + ")"
        if variant.right:
            label = variant.label if variant.label != "answer" else None
            message = f"{shown} is the answer to {task.part.id}{where}"
            if label:
                message = (
                    f"{shown} is right for {task.part.id} under the convention: {label}{where}"
                )
            if "scale stated" in variant.label and not _scale_stated(task, candidate, None):
                return Outcome(
                    (candidate,),
                    "wrong",
                    f"{shown} is a scaled kernel for {task.part.id}, right only with the scale "
                    "stated",
                    expected=expected,
                    diagnosis="scale not stated: " + variant.label,
                )
            return Outcome(
                (candidate,), "right", message, expected=expected, convention=variant.note,
                variant=variant.label,
            )  # fmt: skip
        return Outcome(
            (candidate,),
            "wrong",
            f"{shown} is not the answer to {task.part.id}: a known misreading",
            expected=expected,
            diagnosis=variant.label,
        )
    scaled = _scaled_member(task, candidate)
    if scaled is not None:
        factor, variant = scaled
        if _scale_stated(task, candidate, factor):
            return Outcome(
                (candidate,),
                "right",
                f"{shown} is {factor} × the answer to {task.part.id}, with the scale stated",
                expected=expected,
                convention=f"scaled by {factor} (stated)",
            )
        return Outcome(
            (candidate,),
            "wrong",
            f"{shown} is a multiple of the answer to {task.part.id}, with no scale stated",
            expected=expected,
            diagnosis=f"scaled by {factor} without saying so",
        )
    line, witness = _matrix_witness(task, candidate)
    return Outcome(
        (candidate,),
        "wrong",
        f"{shown} is not the answer to {task.part.id}",
        expected=expected,
        witness=witness,
        line=line,
    )


def _scaled_member(task: PartTask, candidate: Candidate) -> tuple[Any, Variant] | None:
    for variant in task.variants():
        if not variant.right or not isinstance(variant.value, sp.MatrixBase):
            continue
        if variant.value.free_symbols - candidate.value.free_symbols:
            continue
        factor = scale_between(candidate.value, sp.ImmutableMatrix(variant.value))
        if factor is not None and factor not in (0, 1):
            return factor, variant
    return None


def _scale_stated(task: PartTask, candidate: Candidate, factor: Any) -> bool:
    """The words near the matrix say it is scaled (``3h^2 \\nabla^2``, "scaled by 3"), with the
    factor written outside the matrix itself."""
    text = re.sub(r"\\begin\{([bpvBV]?matrix)\}.*?\\end\{\1\}", " ", task.region_text, flags=re.S)
    if not _SCALE_WORDS.search(text):
        return False
    if factor is None:
        return bool(re.search(r"\d", text))
    shown = {str(factor), str(abs(factor)), latex_of(factor), latex_of(abs(factor))}
    if factor == -1:
        return bool(re.search(r"negat|minus|−\s*∇|-\s*\\nabla|−\s*\\nabla", text, re.I))
    return any(re.search(rf"(?<![\d.]){re.escape(s)}(?![\d.])", text) for s in shown)


def _matrix_witness(task: PartTask, candidate: Candidate) -> tuple[int | None, str | None]:
    """The first row that differs, with a concrete difference: for a convolution matrix the row
    of ``(C' − C) x`` (x the input's entries); for a stencil ``f ≡ 1`` when the weights' sums
    differ; otherwise the first differing entry."""
    written = candidate.value
    expected = sp.ImmutableMatrix(task.answer)
    written = sp.ImmutableMatrix(written).xreplace(
        {s: t for s in written.free_symbols for t in expected.free_symbols if s.name == t.name}
    )
    difference = written - expected
    rows = [r for r in range(difference.rows) if any(e != 0 for e in difference.row(r))]
    if not rows:
        return None, None
    row = rows[0]
    line = candidate.row_lines[row] if row < len(candidate.row_lines) else candidate.line
    details = task.solution.derivation.details
    geometry = details.get("geometry")
    if geometry is not None:
        from symconv.tensors import entries

        base = 1 if task.solution.derivation.notation == "subscript" else 0
        inputs = entries("x", tuple(geometry.input_shape), base=base)
        vector = sp.Matrix(
            list(sp.flatten(inputs.tolist() if hasattr(inputs, "tolist") else inputs))
        )
        if vector.rows == difference.cols:
            value = sp.factor((difference.row(row) * vector)[0])
            return line, f"row {row + 1} of (C_written − C) x is {value}, not 0"
    if "stencil" in details:
        total_written, total_expected = sum(written), sum(expected)
        if sp.simplify(total_written - total_expected) != 0:
            return line, (
                f"on f ≡ 1 the kernel gives {total_written} (the sum of its weights), "
                f"a Laplacian gives {total_expected}"
            )
    col = next(c for c in range(difference.cols) if difference[row, c] != 0)
    return (
        line,
        f"entry ({row + 1}, {col + 1}) is {written[row, col]}, expected {expected[row, col]}",
    )


# ----------------------------------------------------------------------------------------------
# Conditions: the one-hot gradient of a maximum
# ----------------------------------------------------------------------------------------------
def _judge_conditions(task: PartTask) -> list[Outcome]:
    pool = [c for c in task.candidates if c.form == "piecewise"]
    if not pool:
        return []
    candidate = pool[-1]
    expected = list(task.answer)
    symbols = sorted(
        {s for e in expected for s in e.free_symbols},
        key=lambda s: (entry_indices(s.name) or ("", (0,)))[1],
    )
    if len(symbols) != len(expected):
        return []
    decided = _compare_conditions(candidate, expected, symbols)
    shown = _shown(candidate)
    if decided is None:
        return [
            Outcome(
                (candidate,),
                "unverified",
                f"could not evaluate {shown} for {task.part.id}",
                expected=task.answer,
            )
        ]
    if decided == "":
        return [
            Outcome(
                (candidate,),
                "right",
                f"{shown} is the answer to {task.part.id} (checked at every ordering of "
                f"{len(symbols)} distinct entries; at a tie it is a subgradient)",
                expected=task.answer,
            )
        ]
    return [
        Outcome(
            (candidate,),
            "wrong",
            f"{shown} is not the answer to {task.part.id}",
            expected=task.answer,
            witness=decided,
        )
    ]


def _compare_conditions(
    candidate: Candidate, expected: Sequence[Any], symbols: Sequence[sp.Symbol]
) -> str | None:
    """'' when the written piecewise value equals the expected conditions at every ordering of
    distinct entries, a witness when not, None when it cannot be evaluated."""
    value, (left, right), other = candidate.value
    lhs = candidate.lhs
    index = lhs.indices[0] if isinstance(lhs, sp.Indexed) and len(lhs.indices) == 1 else None
    if index is None:
        return None
    bases = [entry_indices(s.name) for s in symbols]
    if any(b is None for b in bases):
        return None
    positions = [b[1][0] for b in bases if b is not None]
    for ordering in permutations(range(1, len(symbols) + 1)):
        point = dict(zip(symbols, map(sp.Integer, ordering), strict=True))
        values = {p: point[s] for p, s in zip(positions, symbols, strict=True)}
        for position, condition in zip(positions, expected, strict=True):
            want = _indicator(condition.xreplace(point))
            if want is None:
                return None
            holds = _evaluate_test(left, right, index, position, values)
            if holds is None:
                return None
            got = value if holds else other
            if got != want:
                entries = ", ".join(f"{s} = {v}" for s, v in point.items())
                return f"at {entries}: the entry {position} is {got} by the text, {want} expected"
    return ""


def _indicator(value: Any) -> Any:
    """1 or 0 for a condition or bracket evaluated at a point; None if it did not evaluate."""
    if value in (sp.true, sp.false):
        return sp.Integer(1 if value == sp.true else 0)
    if is_number(value):
        return value
    return None


def _evaluate_test(
    left: Any, right: Any, index: Any, position: int, values: dict[int, Any]
) -> bool | None:
    from symconv.check.nodes import ArgMaxOver, ArgMinOver

    def value_of(expr: Any) -> Any:
        if expr == index:
            return sp.Integer(position)
        if isinstance(expr, ArgMaxOver | ArgMinOver):
            pick = max if isinstance(expr, ArgMaxOver) else min
            return sp.Integer(pick(values, key=lambda p: values[p]))
        if is_number(expr):
            return expr
        return None

    a, b = value_of(left), value_of(right)
    if a is None or b is None:
        return None
    return bool(a == b)


# ----------------------------------------------------------------------------------------------
# Index formulas
# ----------------------------------------------------------------------------------------------
def _judge_formula(task: PartTask) -> list[Outcome]:
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
    candidate = pool[-1]
    return [judge_index_formula(task, candidate)]


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


def judge_index_formula(task: PartTask, candidate: Candidate) -> Outcome:
    from symconv.grad.compare import compare_index_formulas

    derivation = task.solution.derivation
    written = (candidate.lhs, open_sums(candidate.value))
    seed = task.seed(candidate.line)
    shown = _shown(candidate)
    try:
        comparison = compare_index_formulas(written, derivation, seed=seed)
        layouts = None
        if comparison.equal is not True:
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
            f"the formula is the answer to {task.part.id} ({comparison.message})",
            expected=_formula_expected(derivation),
            convention=convention,
        )
    if comparison.equal is None:
        return Outcome(
            (candidate,),
            "unverified",
            f"could not decide the formula for {task.part.id}: {comparison.message}",
            expected=_formula_expected(derivation),
        )
    diagnosis = "; ".join(i.message for i in comparison.issues) or None
    return Outcome(
        (candidate,),
        "wrong",
        f"the formula is not the answer to {task.part.id}",
        expected=_formula_expected(derivation),
        diagnosis=diagnosis,
        witness=comparison.witness.describe() if comparison.witness else None,
    )


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


def _shown(candidate: Candidate) -> str:
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


_JUDGES: dict[str, Callable[[PartTask], list[Outcome]]] = {
    "number": _judge_number,
    "expression": _judge_expression,
    "tuple": _judge_tuple,
    "sets": _judge_sets,
    "location": _judge_location,
    "matrix": _judge_matrix,
    "conditions": _judge_conditions,
    "formula": _judge_formula,
}
