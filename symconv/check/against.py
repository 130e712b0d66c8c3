"""Problem context (``check --against SET|FILE``): the document's answers compared with the catalog.

For each part of the set, the regions of the document mapped to it (:mod:`symconv.check.headings`)
offer candidate answers (:mod:`symconv.check.candidates`); the ones whose form fits the part's
expected answer are judged (:mod:`symconv.check.answer_judges`) against the part's answer, its
``accepted`` answers (right, with the convention named) and its ``misconceptions`` (wrong, with
the diagnosis). Beyond single answers:

* claims about the exercise's data (``Z[0, 3] = 0`` in nyu-cnn 2) are evaluated on it;
* a wrong answer computed correctly from an earlier wrong answer of the document is marked
  *error carried forward* (its written computation, with the earlier value corrected, gives the
  expected answer);
* parts answered under different accepted conventions within one exercise (space counted as
  weights only in one part, with the biases in the next) get a warning naming what one of them
  left out;
* parts with nothing in the document are *unanswered*; headings that name no part are
  *unmatched*.

Every part's check runs under the claim time limit and the file's budget.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from symconv.check.answer_judges import answer_kind, judge_part
from symconv.check.answer_locations import evaluate_location
from symconv.check.answer_task import Outcome, PartTask, latex_of
from symconv.check.candidates import Candidate, extract_candidates
from symconv.check.context import claim_id
from symconv.check.equality import as_sequence, decide_equal, is_number
from symconv.check.headings import PartMap, Region
from symconv.check.limits import Budget, Limits, time_limit
from symconv.check.model import AnswerFacts, Claim, ClaimKind, Judgement, PartStatus, Verdict
from symconv.errors import SymconvError, TimeLimitError

if TYPE_CHECKING:
    from symconv.check.claims import Reading
    from symconv.check.markdown import Segment
    from symconv.problems.model import Exercise, Part, ProblemSet

#: Kinds of the claims this module adds.
ANSWER_KIND, VALUE_KIND = ClaimKind.ANSWER, ClaimKind.VALUE


@dataclass(frozen=True)
class AgainstResult:
    """What the problem context adds to a report."""

    judgements: tuple[Judgement, ...]
    answered: frozenset[str]
    warnings: tuple[str, ...]


def check_against(
    problem_set: ProblemSet,
    part_map: PartMap,
    segments: Sequence[Segment],
    reading: Reading,
    seed: Callable[[int], int],
    limits: Limits,
    budget: Budget,
) -> AgainstResult:
    """Judge every part of ``problem_set`` that the document answers (module docstring)."""
    try:
        with time_limit(budget.remaining(), "reading the answers"):
            candidates = extract_candidates(segments, reading)
    except TimeLimitError:
        message = "time budget spent while reading the answers: no part was compared"
        return AgainstResult((), frozenset(), (message,))
    by_region: dict[int, list[Candidate]] = {}
    for candidate in candidates:
        region = part_map.region_at(candidate.line)
        if region is not None:
            by_region.setdefault(region.line, []).append(candidate)
    region_text = _region_texts(part_map, segments)
    content = _regions_with_content(part_map, segments)

    judgements: list[Judgement] = []
    answered: set[str] = set()
    warnings: list[str] = []
    used: set[int] = set()
    wrong_answers: list[tuple[str, int, Outcome]] = []
    for exercise in problem_set.exercises:
        regions = part_map.regions_of(exercise.id)
        if not regions:
            continue
        context = _exercise_context(exercise, warnings)
        variants_used: dict[str, Outcome] = {}
        for part in exercise.parts:
            own = [r for r in regions if r.part == part.id]
            shared = [r for r in regions if r.part is None and r.matched]
            if any(r.line in content for r in own):
                answered.add(part.id)
            try:
                solution = part.solution
            except SymconvError as error:
                warnings.append(f"{part.id}: the catalog could not build its answer ({error})")
                continue
            kind = answer_kind(solution)
            pool_regions = regions if kind == "formula" else (own or shared)
            pool = [c for r in pool_regions for c in by_region.get(r.line, [])]
            if not pool:
                continue
            task = PartTask(
                part,
                solution,
                pool,
                "\n".join(region_text.get(r.line, "") for r in pool_regions),
                context,
                seed,
                tuple(dict.fromkeys((*problem_set.conventions, *exercise.conventions))),
            )
            outcomes = _judge_in_time(task, limits, budget)
            if not own and kind != "formula":
                outcomes = [o for o in outcomes if o.verdict == "right" or o.diagnosis]
            for outcome in outcomes:
                answered.add(part.id)
                used.update(id(c) for c in outcome.candidates)
                judgement = _judgement(part.id, outcome)
                judgements.append(judgement)
                if outcome.verdict == "wrong":
                    wrong_answers.append((part.id, judgement.claim.line, outcome))
                if outcome.verdict == "right" and outcome.convention and solution.accepted:
                    variants_used.setdefault(part.id, outcome)
        warnings.extend(_convention_warnings(exercise, variants_used))
        if context:
            judgements.extend(_data_claims(exercise, regions, by_region, context, used, part_map))
    judgements = _carried_forward(judgements, wrong_answers)
    return AgainstResult(tuple(judgements), frozenset(answered), tuple(warnings))


def _judge_in_time(task: PartTask, limits: Limits, budget: Budget) -> list[Outcome]:
    if budget.spent:
        return [_unjudged(task, "time budget of the file spent before this part was checked")]
    try:
        with time_limit(min(limits.claim_seconds, budget.remaining()), f"checking {task.part.id}"):
            return judge_part(task)
    except TimeLimitError:
        reason = "time budget" if budget.spent else "timed out"
        return [_unjudged(task, f"{reason}: the answer to {task.part.id} was not checked in time")]
    except (SymconvError, ValueError, TypeError, ArithmeticError, RecursionError) as error:
        return [_unjudged(task, f"the answer to {task.part.id} could not be checked: {error}")]


def _unjudged(task: PartTask, message: str) -> Outcome:
    last = task.candidates[-1]
    return Outcome((last,), "unverified", message)


def _judgement(part_id: str, outcome: Outcome) -> Judgement:
    first = outcome.candidates[0]
    last = outcome.candidates[-1]
    line = outcome.first_line
    end_line = line if outcome.line is not None else max(c.end_line for c in outcome.candidates)
    text = " … ".join(" ".join(c.text.split()) for c in outcome.candidates)
    facts = AnswerFacts(
        form=first.form,
        convention=outcome.convention or None,
        variant=outcome.variant or None,
        component=outcome.component,
        derived_from=last.derived_from or None,
    )
    claim = Claim(
        line=line,
        end_line=max(line, end_line),
        text=text,
        kind=ANSWER_KIND,
        part=part_id,
        sides=tuple(c.value for c in outcome.candidates),
        relation="=",
        facts=facts,
        about=_claims_read(outcome.candidates),
    )
    verdict: Verdict = outcome.verdict  # type: ignore[assignment]
    return Judgement(
        claim=claim,
        verdict=verdict,
        message=outcome.message,
        expected_latex=_expected_latex(outcome) if verdict != "right" else None,
        diagnosis=outcome.diagnosis,
        witness=outcome.witness,
        warnings=outcome.warnings,
    )


def _claims_read(candidates: Sequence[Candidate]) -> tuple[int, ...]:
    """The ids of the document's claims the candidates were read from, each once."""
    ids = (claim_id(c.claim) for c in candidates if c.claim is not None)
    return tuple(dict.fromkeys(i for i in ids if i >= 0))


def _expected_latex(outcome: Outcome) -> str | None:
    if outcome.expected is None:
        return None
    return latex_of(outcome.expected)


# ----------------------------------------------------------------------------------------------
# The exercise's data
# ----------------------------------------------------------------------------------------------
def _exercise_context(exercise: Exercise, warnings: list[str]) -> dict[str, Any]:
    try:
        return dict(exercise.context)
    except SymconvError as error:
        warnings.append(f"{exercise.id}: its data could not be built ({error})")
        return {}


def _data_claims(
    exercise: Exercise,
    regions: Sequence[Region],
    by_region: dict[int, list[Candidate]],
    context: dict[str, Any],
    used: set[int],
    part_map: PartMap,
) -> list[Judgement]:
    """Claims such as ``Z[2, 3] = 6`` that no answer used, evaluated on the exercise's data."""
    judgements = []
    for region in regions:
        for candidate in by_region.get(region.line, []):
            if candidate.form != "location" or id(candidate) in used:
                continue
            fact = evaluate_location(candidate, context)
            if fact is None:
                continue
            claim = Claim(
                candidate.line,
                candidate.end_line,
                " ".join(candidate.text.split()),
                VALUE_KIND,
                part=part_map.part_at(candidate.line),
                sides=(candidate.lhs, candidate.value),
                about=_claims_read([candidate]),
            )
            verdict: Verdict = fact.verdict  # type: ignore[assignment]
            judgements.append(
                Judgement(
                    claim,
                    verdict,
                    fact.message,
                    expected_latex=latex_of(fact.expected) if fact.expected is not None else None,
                    witness=fact.witness,
                )
            )
    return judgements


# ----------------------------------------------------------------------------------------------
# Error carried forward
# ----------------------------------------------------------------------------------------------
def _carried_forward(
    judgements: list[Judgement], wrong: list[tuple[str, int, Outcome]]
) -> list[Judgement]:
    """Mark a wrong answer whose written computation, with an earlier wrong value of the document
    corrected, gives the expected answer."""
    corrections: list[tuple[str, int, Any, Any]] = []
    for part_id, line, outcome in wrong:
        for written, expected in _wrong_numbers(outcome):
            corrections.append((part_id, line, written, expected))
    if not corrections:
        return judgements
    result = []
    for judgement in judgements:
        facts = judgement.claim.facts
        derived = facts.derived_from if isinstance(facts, AnswerFacts) else None
        if judgement.verdict != "wrong" or not derived or judgement.diagnosis:
            result.append(judgement)
            continue
        source = _carried_from(judgement, derived, corrections)
        if source is None:
            result.append(judgement)
            continue
        part_id, line, written, _right = source
        message = (
            f"{judgement.message}; computed correctly from your earlier {written} "
            f"({part_id}, line {line}): error carried forward"
        )
        result.append(
            replace(
                judgement,
                message=message,
                diagnosis=f"error carried forward from {part_id} (line {line})",
            )
        )
    return result


def _wrong_numbers(outcome: Outcome) -> list[tuple[Any, Any]]:
    """(written, expected) pairs of the numbers where a wrong answer differs."""
    if outcome.expected is None:
        return []
    written = outcome.candidates[-1].value
    if outcome.candidates[-1].form == "location":
        return []
    expected = outcome.expected
    pairs = []
    written_sequence, expected_sequence = as_sequence(written), as_sequence(expected)
    if written_sequence is not None and expected_sequence is not None:
        if len(written_sequence) == len(expected_sequence):
            pairs = list(zip(written_sequence, expected_sequence, strict=True))
    elif is_number(written) and is_number(expected):
        pairs = [(written, expected)]
    return [(w, e) for w, e in pairs if is_number(w) and is_number(e) and w != e and w.is_Integer]


def _carried_from(
    judgement: Judgement, derived: str, corrections: list[tuple[str, int, Any, Any]]
) -> tuple[str, int, Any, Any] | None:
    from symconv.check.parser import parse_expression

    target = _target_of(judgement)
    if target is None:
        return None
    for part_id, line, written, right in corrections:
        if line >= judgement.claim.line:
            continue
        pattern = re.compile(rf"(?<![\d.]){re.escape(str(written))}(?![\d.])")
        matches = list(pattern.finditer(derived))
        variants = [pattern.sub(str(right), derived)] + [
            derived[: m.start()] + str(right) + derived[m.end() :] for m in matches
        ]
        for text in variants if matches else []:
            try:
                value = parse_expression(text)
            except SymconvError:
                continue
            if decide_equal(value, target).equal:
                return part_id, line, written, right
    return None


def _target_of(judgement: Judgement) -> Any:
    """The expected value of an answer judgement, read back from its expected LaTeX."""
    from symconv.check.parser import parse_expression

    if judgement.expected_latex is None:
        return None
    try:
        return parse_expression(judgement.expected_latex)
    except SymconvError:
        return None


# ----------------------------------------------------------------------------------------------
# Conventions used the same way in every part
# ----------------------------------------------------------------------------------------------
_FILLER = frozenset(
    ("space", "counted", "counts", "count", "as", "the", "and", "plus", "with", "only", "a", "an",
     "of", "in", "to", "by", "is", "are", "weights")
)  # fmt: skip


def _convention_warnings(exercise: Exercise, used: dict[str, Outcome]) -> list[str]:
    """Parts of one exercise answered under different accepted conventions (nndl 5-4: space as
    weights only in one part, weights and biases in the next)."""
    signatures: dict[str, tuple[str, ...]] = {}
    for part in exercise.parts:
        if part.id in used:
            signatures[part.id] = tuple(sorted(a.convention for a in part.solution.accepted))
    groups: dict[tuple[str, ...], list[str]] = {}
    for part_id, signature in signatures.items():
        groups.setdefault(signature, []).append(part_id)
    warnings = []
    for members in groups.values():
        if len(members) > 1:
            warnings += _differing_conventions(
                exercise, {p: used[p].convention or "" for p in members}
            )
    return warnings


def _differing_conventions(exercise: Exercise, labels: dict[str, str]) -> list[str]:
    distinct = sorted(set(labels.values()))
    if len(distinct) < 2:
        return []
    words = {label: set(re.findall(r"[a-z]+", label.lower())) - _FILLER for label in distinct}
    parts = ", ".join(f"{part} ({label})" for part, label in labels.items())
    missing = []
    for part, label in labels.items():
        others = set().union(*(words[o] for o in distinct if o != label))
        left_out = sorted(others - words[label])
        if left_out:
            missing.append(f"{part} left out the {' and '.join(left_out)}")
    detail = "; ".join(missing) if missing else "the conventions differ"
    return [
        f"{exercise.id}: the parts use different conventions: {parts}; {detail}. "
        "Count the same way in every part."
    ]


# ----------------------------------------------------------------------------------------------
# Regions
# ----------------------------------------------------------------------------------------------
def _region_texts(part_map: PartMap, segments: Sequence[Segment]) -> dict[int, str]:
    texts: dict[int, list[str]] = {}
    for segment in segments:
        region = part_map.region_at(segment.line)
        if region is not None:
            texts.setdefault(region.line, []).append(segment.text)
    return {line: " ".join(parts) for line, parts in texts.items()}


def _regions_with_content(part_map: PartMap, segments: Sequence[Segment]) -> set[int]:
    """Regions holding something besides their own heading."""
    lines = set()
    for segment in segments:
        region = part_map.region_at(segment.line)
        if region is None or segment.kind == "code":
            continue
        if segment.kind == "text" and segment.line == region.line and segment.column == 1:
            rest = segment.text.strip()
            if region.marker is not None:
                rest = rest.replace(region.marker.text, "", 1)
            if not re.sub(r"[#*_()\s:.]", "", rest):
                continue
        lines.add(region.line)
    return lines


def part_statuses_for(
    problem_set: ProblemSet | None,
    part_map: PartMap | None,
    judgements: Sequence[Judgement],
    answered: frozenset[str],
) -> tuple[PartStatus, ...]:
    """Every part of the set (answered or unanswered), then every region that names no part and
    holds claims (unmatched), each with its tallies."""
    statuses: list[PartStatus] = []
    if problem_set is not None:
        for part in problem_set.parts():
            mine = [j for j in judgements if j.claim.part == part.id]
            status = "answered" if part.id in answered or mine else "unanswered"
            statuses.append(_status(part.id, status, mine))
    if part_map is not None:
        for region in part_map.regions:
            if region.matched or region.marker is None:
                continue
            mine = [
                j
                for j in judgements
                if j.claim.part is None and region.line <= j.claim.line <= region.end_line
            ]
            if mine:
                statuses.append(_status(region.name, "unmatched", mine))
    return tuple(statuses)


def _status(identifier: str, status: str, mine: Sequence[Judgement]) -> PartStatus:
    wrong = [j for j in mine if j.verdict == "wrong"]
    return PartStatus(
        id=identifier,
        status=status,  # type: ignore[arg-type]
        right=sum(1 for j in mine if j.verdict == "right"),
        wrong=sum(1 for j in wrong if not j.carried_from),  # a repeated mistake counts once
        unverified=sum(1 for j in mine if j.verdict == "unverified"),
        first_wrong_line=min((j.claim.line for j in wrong), default=None),
        diagnosis=next((j.diagnosis for j in sorted(wrong, key=_line) if j.diagnosis), None),
    )


def _line(judgement: Judgement) -> int:
    return judgement.claim.line


def load_problem_set(against: str, variant: str | None = None) -> ProblemSet:
    """A built-in set (``nyu-cnn``), or a TOML file (``--against my-set.toml``); with
    ``variant``, the set with that student's numbers (:mod:`symconv.problems.variants`; a set
    whose data is fixed is the same for every student).

    A built-in set is loaded from its own provider module when the module is named after it
    (``derivations.nyu_cnn``), so checking against one set does not import the others; sets are
    cached, so their solutions are built once per process (a batch reuses them), and so are the
    last variants drawn.
    """
    from pathlib import Path

    path = Path(against)
    if path.suffix.lower() == ".toml" or path.is_file():
        mtime = path.stat().st_mtime if path.exists() else 0
        if variant is not None:
            return _variant_of_file(str(path.resolve()), mtime, variant)
        return _problem_set_file(str(path.resolve()), mtime)
    problem_set = _builtin_problem_set(against)
    return problem_set.for_student(variant) if variant is not None else problem_set


@lru_cache(maxsize=64)
def _variant_of_file(path: str, mtime: float, variant: str) -> ProblemSet:
    return _problem_set_file(path, mtime).for_student(variant)


@cache
def _problem_set_file(path: str, mtime: float) -> ProblemSet:
    from symconv.problems.problemset import load_problem_set as load_file

    return load_file(path)


def _builtin_problem_set(set_id: str) -> ProblemSet:
    from derivations import problem_set
    from symconv.errors import ConventionError, ParseError

    try:
        return problem_set(set_id)
    except ConventionError as error:
        raise ParseError(f"--against {set_id!r}: {error}; or give a .toml file") from error


def part_for(problem_set: ProblemSet, part_id: str) -> Part | None:
    for part in problem_set.parts():
        if part.id == part_id:
            return part
    return None
