"""Check one document: claims extracted, judged in order under time limits, answers compared with
a problem set, all gathered in a :class:`~symconv.check.model.Report`.

The steps, each in its own module:

1. read the input (:mod:`symconv.check.documents`: size cap, UTF-8, notebook line mapping);
2. with ``against``, map headings to parts (:mod:`symconv.check.headings`);
3. read the document once (:func:`symconv.check.claims.read_claims`: each math segment parsed
   once, with the document's symbol table, into claims) and judge the claims in document
   context, each with the :class:`~symconv.check.context.ProblemContext` of its region
   (:mod:`symconv.check.judges`), under the claim time limit and within the file's budget
   (:mod:`symconv.check.limits`);
4. with ``against``, judge the answers of every part (:mod:`symconv.check.against`), read from
   the same parses, each linked to the claim it was read from; the two verdicts on one claim
   are one judgement (wrong beats right beats unverified: a mistake is counted once);
5. tally parts (answered, unanswered, unmatched) and gather warnings.

Randomised checks are seeded from a hash of the file's content and the claim's line.

    >>> doc = "## 3\\n### (d)\\n$3 \\\\times 3 \\\\times 10 \\\\times 20 + 20 = 1830$\\n"
    >>> report = check_text(doc, against="nyu-cnn")
    >>> [(j.claim.line, j.claim.part, j.verdict, j.diagnosis) for j in report.judgements
    ...  if j.claim.kind == "answer"]
    [(3, 'nyu-cnn-3d', 'wrong', 'arithmetic slip: the expression is right, its value is not')]
    >>> [p.id for p in report.parts if p.status == "answered"]
    ['nyu-cnn-3d']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from symconv.check.claims import Reading, mentions, read_claims
from symconv.check.context import NO_PROBLEM, DocumentContext, ProblemContext, claim_id
from symconv.check.documents import Document
from symconv.check.judges import judge_all
from symconv.check.limits import Budget, Limits, seed_for, time_limit
from symconv.check.mistakes import mark_repeated_mistakes
from symconv.check.model import Claim, Judgement, Report
from symconv.check.pool_words import POOL_WORDS
from symconv.check.symbols import SymbolTable
from symconv.check.task_cues import without_restated_tasks
from symconv.check.vocabulary import stated_rounding
from symconv.core.patterns import lazy_compile
from symconv.errors import SymconvError, TimeLimitError

if TYPE_CHECKING:
    from symconv.check.headings import PartMap
    from symconv.problems.model import ProblemSet

#: ``(segments, problem set or None) -> (claims, judge)``: how claims are found and judged; the
#: default uses :mod:`symconv.check.claims` and :mod:`symconv.check.judges`.
Extractor = Callable[[Sequence[Any], Any, Any], list[Claim]]


def check_path(
    path: str | Path, *, against: str | ProblemSet | None = None, limits: Limits | None = None
) -> Report:
    """Check a file (``.md``, ``.txt``, ``.tex``, ``.ipynb``); :class:`ParseError` if it cannot be
    read (missing, over the size cap, binary, not UTF-8, not a notebook)."""
    limits = limits or Limits()
    document = Document.from_path(path, limits.max_bytes)
    return check_document(document, against=against, limits=limits)


def check_text(
    text: str,
    *,
    kind: str = "md",
    name: str = "<text>",
    against: str | ProblemSet | None = None,
    limits: Limits | None = None,
) -> Report:
    """Check a document given as text (Markdown by default)."""
    limits = limits or Limits()
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        from symconv.errors import ParseError

        raise ParseError(
            f"{name}: {size:,} bytes is over the size cap of {limits.max_bytes:,} bytes"
        )
    return check_document(Document.from_text(text, name, kind), against=against, limits=limits)


def check_document(
    document: Document,
    *,
    against: str | ProblemSet | None = None,
    limits: Limits | None = None,
    judge_claims: Callable[..., list[Judgement]] | None = None,
    variant: str | None = None,
) -> Report:
    """The report on one document (module docstring). ``variant``: check against that
    student's numbers of a set with data drawn per student. ``judge_claims(document, segments,
    given, seed, run, warnings)`` replaces the default extraction and judging (for tests):
    ``given.data_at(line)`` is the data of the exercise a line answers, ``run(thunk, claim)``
    applies the time limits."""
    limits = limits or Limits()
    budget = Budget(limits.file_seconds)
    problem_set = _problem_set(against, variant)
    segments = without_restated_tasks(document.segments)
    part_map = None
    if problem_set is not None:
        from symconv.check.headings import find_markers, map_parts

        part_map = map_parts(find_markers(segments), problem_set, document.last_line)

    def seed(line: int) -> int:
        return seed_for(document.text, line)

    run = _runner(limits, budget)
    warnings: list[str] = list(_tex_primitive_warnings(document.text))
    given = _given_values(problem_set, part_map, warnings)
    context, reading = _read(segments, given, seed, budget, limits, warnings)
    judge = judge_claims or partial(_judge_claims, context=context, reading=reading)
    judgements = list(judge(document, segments, given, seed, run, warnings))
    if part_map is not None:
        judgements = [_with_part(j, part_map) for j in judgements]

    answered: frozenset[str] = frozenset()
    if problem_set is not None and part_map is not None:
        from symconv.check.against import check_against

        result = check_against(problem_set, part_map, segments, reading, seed, limits, budget)
        judgements = mark_repeated_mistakes(
            _combined(judgements, list(result.judgements)), judgements
        )
        answered = result.answered
        warnings.extend(result.warnings)
        warnings.extend(_unmatched_warnings(part_map, problem_set, judgements))
    judgements.sort(key=lambda j: (j.claim.line, j.claim.end_line))

    from symconv.check.against import part_statuses_for

    statuses = part_statuses_for(problem_set, part_map, judgements, answered)
    conventions = tuple(problem_set.conventions) if problem_set is not None else ()
    return Report(
        file=document.name,
        against=_against_name(against, problem_set),
        judgements=tuple(judgements),
        parts=statuses,
        assumed_conventions=conventions,
        warnings=tuple(dict.fromkeys(warnings)),
        variant=variant if problem_set is not None else None,
    )


#: TeX primitives that read, write or compute things: a solution's text is only read, so these
#: are never interpreted (nor anything they would load) — the report says so. The shorthand a
#: document defines (``\\newcommand``, ``\\def``, ``\\let``) is read as text, by substitution
#: (:mod:`symconv.check.tex_macros`), so it is not listed.
_TEX_PRIMITIVES = lazy_compile(
    r"\\(edef|xdef|input|include|write18|write|immediate|"
    r"openout|openin|read|catcode|usepackage)(?![A-Za-z])"
)


def _tex_primitive_warnings(text: str) -> Iterator[str]:
    """One warning per line that uses a TeX primitive symconv never interprets.

    >>> list(_tex_primitive_warnings("ok\\n\\\\input{/etc/passwd} \\\\write18{ls}"))
    ['line 2: \\\\input, \\\\write18 not interpreted (symconv reads the text; it never defines, \
loads or runs anything)']
    """
    for number, line in enumerate(text.splitlines(), start=1):
        found = list(dict.fromkeys(match.group(0) for match in _TEX_PRIMITIVES.finditer(line)))
        if found:
            yield (
                f"line {number}: {', '.join(found)} not interpreted (symconv reads the text; it "
                "never defines, loads or runs anything)"
            )


def _problem_set(against: str | ProblemSet | None, variant: str | None) -> ProblemSet | None:
    if against is None:
        return None
    if not isinstance(against, str):
        return against.for_student(variant) if variant is not None else against
    from symconv.check.against import load_problem_set

    return load_problem_set(against, variant)


def _against_name(against: Any, problem_set: ProblemSet | None) -> str | None:
    if against is None:
        return None
    return against if isinstance(against, str) else problem_set.id if problem_set else None


# ----------------------------------------------------------------------------------------------
# Time limits
# ----------------------------------------------------------------------------------------------
def _runner(
    limits: Limits, budget: Budget
) -> Callable[[Callable[[], Judgement], Claim], Judgement]:
    """``run(thunk, claim)``: the thunk's judgement, or *unverified* when it ran out of time or
    could not be checked (a :class:`~symconv.errors.SymconvError`)."""

    def run(thunk: Callable[[], Judgement], claim: Claim) -> Judgement:
        if budget.spent:
            return _unverified(
                claim, f"time budget of {limits.file_seconds:g} s for the file spent"
            )
        seconds = min(limits.claim_seconds, budget.remaining())
        try:
            with time_limit(seconds, f"line {claim.line}"):
                return thunk()
        except TimeLimitError:
            if budget.spent:
                return _unverified(claim, "time budget of the file spent during this check")
            return _unverified(claim, f"timed out after {limits.claim_seconds:g} s")
        except SymconvError as error:
            return _unverified(claim, f"could not be checked: {error}")
        # Anything else is a bug in a judge: it fails (a test), never a polite "unverified".
        # SymPy's own refusals are turned into "unverified" by the dispatcher, judge by judge.

    return run


def _unverified(claim: Claim, reason: str) -> Judgement:
    return Judgement(claim, "unverified", f"not verified: {reason}")


# ----------------------------------------------------------------------------------------------
# Context-free and document-context judging (symconv.check.claims / symconv.check.judges)
# ----------------------------------------------------------------------------------------------
def _read(
    segments: Sequence[Any],
    given: GivenData,
    seed: Callable[[int], int],
    budget: Budget,
    limits: Limits,
    warnings: list[str],
) -> tuple[DocumentContext, Reading]:
    """The one reading of the document: each math segment parsed once, with the document's
    symbol table, into claims (and, from the same parses, the answer candidates of the problem
    context); the document context holds what it defined."""
    table = SymbolTable.declare(scalars=given.quantities)
    rounding = stated_rounding(getattr(segment, "text", "") for segment in segments)
    context = DocumentContext(symbols=table, seed=seed(0), rounding=rounding)
    nothing = Reading((), {}, {})
    try:
        with time_limit(budget.remaining(), "reading the claims"):
            reading = read_claims(
                segments, table, context, limits.claim_seconds, given.document_problem()
            )
    except TimeLimitError:
        warnings.append("time budget spent while reading the claims: none was judged")
        return context, nothing
    except (SymconvError, RecursionError) as error:
        warnings.append(f"claims could not be extracted: {error}")
        return context, nothing
    return context, reading


def _judge_claims(
    document: Document,
    segments: Sequence[Any],
    given: GivenData,
    seed: Callable[[int], int],
    run: Callable[[Callable[[], Judgement], Claim], Judgement],
    warnings: list[str],
    *,
    context: DocumentContext,
    reading: Reading,
) -> list[Judgement]:
    """The first pass: every claim of the reading judged in order, each with the problem
    context of its own region (Z of nyu-cnn 2 is not Z of 3)."""
    from symconv.check.document_maps import judge_document_maps
    from symconv.check.judges.approximation import confirm_agreeing_rows

    judgements = judge_all(
        reading.claims, context, run=run, problem_at=lambda claim: given.problem_at(claim.line)
    )
    # the rows of a series that another row makes wrong, each judged by its own terms
    judgements = confirm_agreeing_rows(judgements, context)
    # the displays of matrices, row by row, against the document's own forward maps
    judgements = judge_document_maps(segments, reading, judgements, run)
    # pooling on the document's own numbers: a pooled map, the gradient it sends back
    if mentions(segments, POOL_WORDS):
        from symconv.check.document_pooling import judge_document_pooling

        judgements = judge_document_pooling(segments, reading, judgements, run)
    # the stencil under discussion: counts of points in words, its matrix and the inverse
    if not mentions(segments, STENCIL_WORDS):
        return judgements
    from symconv.check.document_stencils import judge_document_stencils

    return judge_document_stencils(segments, reading, judgements, run)


#: Words a text about a stencil holds (:mod:`symconv.check.document_stencils` reads nothing
#: in a document without one of them).
STENCIL_WORDS = lazy_compile(
    r"stencil|point|taylor|differen|accura|order|matri|invers|M\^|差分", re.IGNORECASE
)


class GivenData:
    """The data of the exercises the document answers (``Z`` of nyu-cnn 2), each visible to the
    claims in that exercise's regions only: :meth:`problem_at` is the
    :class:`~symconv.check.context.ProblemContext` of a line, built once per region."""

    def __init__(
        self,
        by_exercise: dict[str, dict[str, Any]],
        part_map: PartMap | None,
        substitutions: dict[str, tuple[Mapping[Any, Any], ...]] | None = None,
        quantities: tuple[str, ...] = (),
        named: dict[str, dict[str, dict[str, Any]]] | None = None,
        defined_from: dict[str, tuple[tuple[str, frozenset[str]], ...]] | None = None,
    ) -> None:
        from symconv.check.symbols import name_key

        self.part_map = part_map
        self.defined_from = defined_from or {}  # by exercise: tensors its forwards define
        self.named = named or {}  # by exercise, then part: the matrices its derivation names
        self.substitutions = substitutions or {}
        self.quantities = quantities
        self.by_exercise = {
            exercise: {name_key(k): v for k, v in values.items()}
            for exercise, values in by_exercise.items()
        }
        self._problems: dict[tuple[str | None, str | None], ProblemContext] = {}

    def document_problem(self) -> ProblemContext:
        """What the problem names over the whole document (for reading the claims): no data."""
        return ProblemContext(
            named_names=self.named_names(),
            formula_names=self.formula_names(),
            quantities=self.quantities,
        )

    def problem_at(self, line: int) -> ProblemContext:
        """The problem context of the region holding ``line`` (the same object for every line
        of one region)."""
        if self.part_map is None:
            return NO_PROBLEM
        region = (self.part_map.exercise_at(line), self.part_map.part_at(line))
        if region not in self._problems:
            self._problems[region] = ProblemContext(
                given=self.data_at(line),
                substitutions=self.substitutions_at(line),
                named=self.named_at(line),
                named_names=self.named_names(),
                formula_names=self.formula_names(),
                quantities=self.quantities,
                part=region[1] or region[0],
                defined_from=self.defined_from.get(region[0] or "", ()),
            )
        return self._problems[region]

    def data_at(self, line: int) -> dict[str, Any]:
        if self.part_map is None:
            return {}
        exercise = self.part_map.exercise_at(line)
        return dict(self.by_exercise.get(exercise, {})) if exercise else {}

    def substitutions_at(self, line: int) -> tuple[Mapping[Any, Any], ...]:
        if self.part_map is None:
            return ()
        exercise = self.part_map.exercise_at(line)
        return self.substitutions.get(exercise, ()) if exercise else ()

    def named_names(self) -> frozenset[str]:
        """The keys of every matrix the answered exercises' derivations name."""
        return frozenset(
            key for by_part in self.named.values() for named in by_part.values() for key in named
        )

    def formula_names(self) -> frozenset[str]:
        """The keys of the names the answered exercises' derivations give a general formula
        (``N_mult = C K_1 K_2 M O_1 O_2``, ``τ = …``), not only a matrix or a number (the
        index steps of :mod:`~symconv.check.judges.index_steps` share the mapping: not names)."""
        from symconv.check.judges.named import NamedMatrix

        return frozenset(
            key
            for by_part in self.named.values()
            for named in by_part.values()
            for key, entry in named.items()
            if isinstance(entry, NamedMatrix) and entry.gives_formula
        )

    def named_at(self, line: int) -> dict[str, Any]:
        """The matrices the derivation of the part at ``line`` names (outside a part: those the
        parts of its exercise agree on)."""
        if self.part_map is None:
            return {}
        from symconv.check.judges.named import named_at

        exercise = self.part_map.exercise_at(line)
        by_part = self.named.get(exercise, {}) if exercise else {}
        return named_at(self.part_map.part_at(line), by_part)


def _given_values(
    problem_set: ProblemSet | None, part_map: PartMap | None, warnings: list[str]
) -> GivenData:
    """The data of the exercises the document answers, by exercise."""
    if problem_set is None or part_map is None:
        return GivenData({}, None)
    answered = {r.exercise for r in part_map.regions if r.exercise}
    by_exercise: dict[str, dict[str, Any]] = {}
    substitutions: dict[str, tuple[Mapping[Any, Any], ...]] = {}
    named: dict[str, dict[str, dict[str, Any]]] = {}
    defined_from: dict[str, tuple[tuple[str, frozenset[str]], ...]] = {}
    for exercise in problem_set.exercises:
        if exercise.id not in answered:
            continue
        try:
            by_exercise[exercise.id] = dict(exercise.context)
        except SymconvError as error:
            warnings.append(f"{exercise.id}: its data could not be built ({error})")
        substitutions[exercise.id] = _substitutions_of(exercise)
        named[exercise.id] = _named_matrices_of(exercise)
        defined_from[exercise.id] = _defined_from(exercise)
    return GivenData(
        by_exercise, part_map, substitutions, problem_set.quantities, named, defined_from
    )


def _defined_from(exercise: Any) -> tuple[tuple[str, frozenset[str]], ...]:
    """``(output, inputs)`` of each forward formula the exercise's derivations start from."""
    from symconv.grad.formula import tensor_name

    found: dict[str, frozenset[str]] = {}
    for part in exercise.parts:
        derivation = getattr(getattr(part, "solution", None), "derivation", None)
        details = getattr(derivation, "details", None)
        forward = (
            getattr(details.get("parts"), "forward", None) if isinstance(details, dict) else None
        )
        if forward is not None:
            output = tensor_name(forward.output)
            found[output] = frozenset(forward.tensors) - {output}
    return tuple(found.items())


def _named_matrices_of(exercise: Any) -> dict[str, dict[str, Any]]:
    """The matrices each part's derivation names (``T``, ``o``, ``C``), by part id."""
    from symconv.check.judges.index_steps import index_steps
    from symconv.check.judges.named import named_matrices

    found: dict[str, dict[str, Any]] = {}
    for part in exercise.parts:
        derivation = getattr(getattr(part, "solution", None), "derivation", None)
        if derivation is not None:
            found[part.id] = {
                **named_matrices(part.id, derivation),
                **index_steps(part.id, derivation),
            }
    return found


def _substitutions_of(exercise: Any) -> tuple[Mapping[Any, Any], ...]:
    """The values the exercise gives the names of its general formulas: the substitutions its
    parts' derivations make (``Step.values``), each once."""
    found: list[Mapping[Any, Any]] = []
    for part in exercise.parts:
        solution = getattr(part, "solution", None)
        derivation = getattr(solution, "derivation", None)
        for step in getattr(derivation, "steps", ()):
            values = getattr(step, "values", None)
            if values and dict(values) not in found:
                found.append(dict(values))
    return tuple(found)


def _with_part(judgement: Judgement, part_map: PartMap) -> Judgement:
    claim = judgement.claim
    if claim.part is not None:
        return judgement
    part = part_map.part_at(claim.line)
    return replace(judgement, claim=replace(claim, part=part)) if part else judgement


def _combined(first: list[Judgement], problem: list[Judgement]) -> list[Judgement]:
    """The first pass's judgements and the problem context's, one judgement per claim: a
    problem-context judgement on an answer read from a claim of the document (its
    ``claim.about``) and the first pass's judgement of that claim are one verdict
    (:func:`_one_verdict`); a mistake is counted once.

    >>> from symconv.check.model import Origin
    >>> first = Judgement(Claim(3, 3, "1 + 1 = 3", "arithmetic", origin=Origin(id=4)), "wrong", "")
    >>> answer = Judgement(Claim(3, 3, "1 + 1 = 3", "answer", part="s-1", about=(4,)), "wrong",
    ...                    "not the answer", diagnosis="arithmetic slip")
    >>> for j in _combined([first], [answer]):
    ...     print(j.claim.kind, j.claim.part, j.diagnosis)
    answer s-1 arithmetic slip
    """
    by_id = {claim_id(j.claim): j for j in first if claim_id(j.claim) >= 0}
    absorbed: set[int] = set()
    decided_by_first: set[int] = set()  # a first-pass verdict stands for one answer only
    combined = []
    for judgement in problem:
        linked = [
            by_id[i] for i in judgement.claim.about if i in by_id and i not in decided_by_first
        ]
        absorbed.update(i for i in judgement.claim.about if i in by_id)
        one = _one_verdict(judgement, linked)
        if one is not judgement:
            decided_by_first.add(claim_id(one.claim))
            one = replace(one, claim=replace(one.claim, part=judgement.claim.part))
        combined.append(one)
    return [j for j in first if claim_id(j.claim) not in absorbed] + combined


_RANK = {"wrong": 2, "right": 1, "unverified": 0}


def _one_verdict(problem: Judgement, first: Sequence[Judgement]) -> Judgement:
    """One judgement of a claim judged twice: wrong beats right beats unverified; of two wrongs
    the one with a diagnosis (the more specific), else the problem's (it knows the answer); of
    two rights or two unverified, the problem's."""

    def rank(judgement: Judgement) -> tuple[int, int, int]:
        specific = judgement.verdict == "wrong" and judgement.diagnosis is not None
        return _RANK[judgement.verdict], int(specific), int(judgement is problem)

    return max([problem, *first], key=rank)


def _unmatched_warnings(
    part_map: PartMap, problem_set: ProblemSet, judgements: Sequence[Judgement]
) -> list[str]:
    """Headings that look like part labels, name no part, and hold claims."""
    found = []
    for region in part_map.unmatched:
        marker = region.marker
        if marker is None or marker.label is None:
            continue
        if not any(region.line <= j.claim.line <= region.end_line for j in judgements):
            continue
        found.append(
            f"line {marker.line}: {marker.text!r} names no part of {problem_set.id}; "
            "its claims are judged without the problem"
        )
    return found
