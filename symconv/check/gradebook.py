"""The grade book: a verdict and points per student and part, from the checker's report.

``symconv check DIR --against SET --csv FILE`` writes one row per student (a file's stem) and part
of the set; ``--totals FILE`` one row per student with the total. A part's grade is read off the
checker's verdicts on that part's **answer** (the claims of kind ``answer``, one per statement the
problem context compared with the set's answer):

========================  ==============================================================
grade verdict             when
========================  ==============================================================
``incorrect``             an answer of the part is ``wrong`` (a proof: a value that differs,
                          a witness) — whatever else the part says
``correct``               an answer is ``right`` (equal to the set's answer, or to an answer the
                          set declares accepted) and none is wrong
``blank``                 nothing stated for the part (the checker's ``unanswered``)
``unverified``            something stated, but no answer confirmed or refuted: for a person
``error``                 the file could not be read or checked (one row, part empty)
========================  ==============================================================

Points: ``max_points`` of the part (``points`` in the set, 1 by default) when correct; 0 when
incorrect or blank; **empty** when unverified or error — those are a person's to give. A right
answer after a wrong step is still ``correct``; the wrong step shows in ``first_wrong_line`` and
``diagnosis`` (and in the old ``wrong`` count). Points are exact decimals (``0.5 + 0.25``).

    >>> from decimal import Decimal
    >>> from symconv.check.model import Claim, Judgement, PartStatus, Report
    >>> key = AnswerKey("s", "A set", (KeyPart("s-1", "q", Decimal(2), "o = 9", "o = 9"),
    ...                               KeyPart("s-2", "q", Decimal(1), "5", "5")))
    >>> answer = Claim(3, 3, "o = 8", "answer", part="s-1")
    >>> wrong = Judgement(answer, "wrong", "8 is not the answer to s-1", diagnosis="p omitted")
    >>> parts = (PartStatus("s-1", "answered", wrong=1, first_wrong_line=3, diagnosis="p omitted"),
    ...          PartStatus("s-2", "unanswered"))
    >>> grade = grade_report(Report("hw/alice.md", "s", (wrong,), parts), key)
    >>> [(p.part, p.verdict, p.points, p.max_points) for p in grade.parts]
    [('s-1', 'incorrect', Decimal('0'), Decimal('2')), ('s-2', 'blank', Decimal('0'), Decimal('1'))]
    >>> grade.student, grade.points, grade.max_points, grade.status
    ('alice', Decimal('0'), Decimal('3'), 'complete')
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from symconv.check.model import ClaimKind, Judgement, PartStatus, Report
from symconv.check.plain import plain_math

if TYPE_CHECKING:
    from symconv.problems.model import ProblemSet

GradeVerdict = Literal["correct", "incorrect", "unverified", "blank", "error"]
#: How complete a student's total is: every part has its points, some wait for a person, or the
#: file could not be checked.
TotalStatus = Literal["complete", "unverified", "error"]

#: The grade book's columns: the per-part tallies of the first CSV (kept, same names), then the
#: grade. Columns are only ever added.
GRADEBOOK_COLUMNS = (
    "file", "part", "status", "right", "wrong", "unverified", "first_wrong_line", "diagnosis",
    "student", "verdict", "points", "max_points", "expected", "message",
)  # fmt: skip
#: The first columns of ``--totals``; one column per part of the set follows (its points).
TOTALS_COLUMNS = (
    "student", "file", "points", "max_points", "status", "correct", "incorrect", "unverified",
    "blank", "diagnosis",
)  # fmt: skip


# ----------------------------------------------------------------------------------------------
# The answer key
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class KeyPart:
    """One part of the set as the grade book needs it: its points and its answer (plain text
    for a CSV cell, LaTeX for Markdown)."""

    id: str
    question: str
    max_points: Decimal
    expected: str
    expected_latex: str


@dataclass(frozen=True)
class AnswerKey:
    """The set's parts, in order, with their points and answers (built once per batch)."""

    name: str
    title: str
    parts: tuple[KeyPart, ...]
    #: Whose numbers the answers are, for a set with data drawn per student:
    #: ``variant alice (lab-1: i = 48, k = 5)``; empty for fixed data.
    variant: str = ""

    @property
    def max_points(self) -> Decimal:
        return sum((part.max_points for part in self.parts), Decimal(0))

    def part(self, part_id: str) -> KeyPart | None:
        return next((part for part in self.parts if part.id == part_id), None)


def answer_key(problem_set: ProblemSet, name: str | None = None) -> AnswerKey:
    """The answer key of a set (building each part's solution; a part whose solution cannot be
    built has no expected answer, and the checker says why on its rows).

    >>> from symconv.check.against import load_problem_set
    >>> key = answer_key(load_problem_set("nyu-cnn"))
    >>> key.parts[-1].id, key.parts[-1].expected, key.max_points
    ('nyu-cnn-5c', '(B, ⌊(N − 1)/s⌋ + 1, C)', Decimal('19'))
    """
    from symconv.errors import SymconvError

    parts = []
    for part in problem_set.parts():
        try:
            latex = part.solution.derivation.answer_latex()
        except SymconvError:
            latex = ""
        parts.append(
            KeyPart(part.id, part.question, _decimal(part.points), plain_math(latex), latex)
        )
    return AnswerKey(
        name or problem_set.id, problem_set.title, tuple(parts), problem_set.variant_text
    )


def variant_key(against: str, student: str) -> AnswerKey:
    """The answer key of ``student``'s variant of the set ``against`` (an id or a TOML file),
    named by ``against`` as the set's own key is; the same as the set's for fixed data."""
    from symconv.check.against import load_problem_set

    return answer_key(load_problem_set(against, student), against)


def _decimal(points: float) -> Decimal:
    """Points as an exact decimal: ``0.1`` is one tenth, not the nearest binary fraction."""
    return Decimal(str(points))


# ----------------------------------------------------------------------------------------------
# Grades
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PartGrade:
    """One student's grade on one part, with the checker's tallies it was read from.

    ``verdict`` is None on a row that is not a part of the set (a heading that names no part, or
    a check without ``--against``): those rows keep the first CSV's tallies and are not graded.
    """

    part: str
    verdict: GradeVerdict | None
    points: Decimal | None
    max_points: Decimal | None
    expected: str = ""
    message: str = ""
    diagnosis: str = ""
    first_wrong_line: int | None = None
    status: str = ""
    right: int = 0
    wrong: int = 0
    unverified: int = 0


@dataclass(frozen=True)
class StudentGrade:
    """A student's grades: one per part of the set (and unmatched headings), or the error that
    kept the file from being checked."""

    student: str
    file: str
    parts: tuple[PartGrade, ...]
    max_points: Decimal | None = None
    error: str | None = None

    @property
    def graded(self) -> tuple[PartGrade, ...]:
        return tuple(p for p in self.parts if p.verdict is not None)

    @property
    def points(self) -> Decimal | None:
        """The points awarded so far (None when the file could not be checked)."""
        if self.error is not None:
            return None
        return sum((p.points for p in self.graded if p.points is not None), Decimal(0))

    @property
    def status(self) -> TotalStatus:
        if self.error is not None:
            return "error"
        return "unverified" if any(p.verdict == "unverified" for p in self.graded) else "complete"

    def count(self, verdict: GradeVerdict) -> int:
        return sum(1 for p in self.graded if p.verdict == verdict)


def student_of(file: str) -> str:
    """The student a file belongs to: its stem.

    >>> student_of("submissions/late/alice.ipynb")
    'alice'
    """
    return Path(file).stem


def grade_report(report: Report, key: AnswerKey | None, reveal: bool = True) -> StudentGrade:
    """The grades of one checked file (module docstring). ``reveal=False`` leaves the expected
    answers out and words the messages as ``--no-reveal`` does."""
    from symconv.check.render import redacted

    if report.error is not None:
        return error_grade(report.file, report.error, key)
    shown = report if reveal else redacted(report)
    student = student_of(report.file)
    if not shown.parts:
        return StudentGrade(student, report.file, (_ungraded_file(shown),))
    grades = []
    for status in shown.parts:
        key_part = key.part(status.id) if key is not None else None
        mine = [j for j in shown.judgements if j.claim.part == status.id]
        if key_part is None or status.status == "unmatched":
            # (under --no-reveal, a diagnosis the redaction dropped stays out)
            shown_diagnoses = {j.diagnosis for j in shown.judgements}
            kept = status.diagnosis if status.diagnosis in shown_diagnoses else None
            grades.append(
                _tallies(status, verdict=None, points=None, max_points=None, diagnosis=kept or "")
            )
            continue
        grades.append(_part_grade(status, key_part, mine, reveal))
    total = key.max_points if key is not None else None
    return StudentGrade(student, report.file, tuple(grades), total)


def error_grade(file: str, reason: str, key: AnswerKey | None) -> StudentGrade:
    """The grade of a file that could not be read or checked: one ``error`` row, no points."""
    total = key.max_points if key is not None else None
    row = PartGrade(
        part="", verdict="error", points=None, max_points=total, diagnosis=reason, status="error"
    )
    return StudentGrade(student_of(file), file, (row,), total, error=reason)


def _part_grade(
    status: PartStatus, key_part: KeyPart, mine: Sequence[Judgement], reveal: bool
) -> PartGrade:
    answers = [j for j in mine if j.claim.kind == ClaimKind.ANSWER]
    wrong = [j for j in answers if j.verdict == "wrong"]
    right = [j for j in answers if j.verdict == "right"]
    verdict: GradeVerdict
    if wrong:
        verdict, chosen, points = "incorrect", wrong[0], Decimal(0)
    elif right:
        verdict, chosen, points = "correct", right[0], key_part.max_points
    elif status.status == "unanswered":
        verdict, chosen, points = "blank", None, Decimal(0)
    else:
        verdict, chosen, points = "unverified", answers[0] if answers else None, None
    message = plain_math(chosen.message) if chosen is not None else _no_answer(verdict, mine)
    diagnoses = [chosen] if chosen is not None else []
    diagnoses += sorted((j for j in mine if j.verdict == "wrong"), key=lambda j: j.claim.line)
    diagnosis = next((j.diagnosis for j in diagnoses if j.diagnosis), "")
    return _tallies(
        status,
        verdict=verdict,
        points=points,
        max_points=key_part.max_points,
        expected=key_part.expected if reveal else "",
        message=message,
        diagnosis=diagnosis,
    )


def _no_answer(verdict: GradeVerdict, mine: Sequence[Judgement]) -> str:
    if verdict == "blank":
        return "nothing stated for this part"
    if not mine:
        return "no statement of this part could be read as its answer: to be read by a person"
    counts = {v: sum(1 for j in mine if j.verdict == v) for v in ("right", "wrong", "unverified")}
    tally = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
    return f"no answer to compare found among its {len(mine)} statements ({tally})"


def _tallies(
    status: PartStatus,
    *,
    verdict: GradeVerdict | None,
    points: Decimal | None,
    max_points: Decimal | None,
    expected: str = "",
    message: str = "",
    diagnosis: str = "",
) -> PartGrade:
    return PartGrade(
        part=status.id,
        verdict=verdict,
        points=points,
        max_points=max_points,
        expected=expected,
        message=message,
        diagnosis=plain_math(diagnosis),
        first_wrong_line=status.first_wrong_line,
        status=status.status,
        right=status.right,
        wrong=status.wrong,
        unverified=status.unverified,
    )


def _ungraded_file(report: Report) -> PartGrade:
    """A file checked without a set: one row of tallies for the whole file."""
    wrong = [j for j in report.judgements if j.verdict == "wrong"]
    return PartGrade(
        part="",
        verdict=None,
        points=None,
        max_points=None,
        diagnosis=plain_math(next((j.diagnosis for j in wrong if j.diagnosis), "") or ""),
        first_wrong_line=min((j.claim.line for j in wrong), default=None),
        status="unmatched",
        right=report.count("right"),
        wrong=report.count("wrong"),
        unverified=report.count("unverified"),
    )


# ----------------------------------------------------------------------------------------------
# CSV
# ----------------------------------------------------------------------------------------------
def number(value: Decimal | None) -> str:
    """A number of points for a cell: no exponent, no trailing zeros; empty for None.

    >>> number(Decimal("2.50")), number(Decimal("10")), number(Decimal("1.0")), number(None)
    ('2.5', '10', '1', '')
    """
    if value is None:
        return ""
    return f"{value.normalize():f}"


def gradebook_rows(grade: StudentGrade) -> list[dict[str, str | int]]:
    """The grade book's rows of one student (:data:`GRADEBOOK_COLUMNS`)."""
    return [
        {
            "file": grade.file,
            "part": part.part,
            "status": part.status,
            "right": part.right,
            "wrong": part.wrong,
            "unverified": part.unverified,
            "first_wrong_line": part.first_wrong_line or "",
            "diagnosis": part.diagnosis,
            "student": grade.student,
            "verdict": part.verdict or "",
            "points": number(part.points),
            "max_points": number(part.max_points),
            "expected": part.expected,
            "message": part.message,
        }
        for part in grade.parts
    ]


def write_gradebook(path: Path, grades: Iterable[StudentGrade]) -> None:
    """The grade book, UTF-8 (``--csv FILE``)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=GRADEBOOK_COLUMNS)
        writer.writeheader()
        for grade in grades:
            writer.writerows(gradebook_rows(grade))


def totals_row(grade: StudentGrade, key: AnswerKey) -> dict[str, str | int]:
    """One student's total (:data:`TOTALS_COLUMNS`, then each part's points by its id).

    ``points`` is what the graded parts earned; with ``status`` ``unverified`` the parts named
    in ``diagnosis`` wait for a person (their cells are empty).
    """
    by_part = {part.part: part for part in grade.graded}
    waiting = [part.part for part in grade.graded if part.verdict == "unverified"]
    note = grade.error or (f"to grade by hand: {', '.join(waiting)}" if waiting else "")
    row: dict[str, str | int] = {
        "student": grade.student,
        "file": grade.file,
        "points": number(grade.points),
        "max_points": number(key.max_points),
        "status": grade.status,
        "correct": grade.count("correct"),
        "incorrect": grade.count("incorrect"),
        "unverified": grade.count("unverified"),
        "blank": grade.count("blank"),
        "diagnosis": note,
    }
    for part in key.parts:
        graded = by_part.get(part.id)
        row[part.id] = number(graded.points) if graded is not None else ""
    return row


def write_totals(path: Path, grades: Iterable[StudentGrade], key: AnswerKey) -> None:
    """One row per student with the total and each part's points (``--totals FILE``)."""
    columns = [*TOTALS_COLUMNS, *(part.id for part in key.parts if part.id not in TOTALS_COLUMNS)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for grade in grades:
            writer.writerow(totals_row(grade, key))
