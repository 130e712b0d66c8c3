"""Results for learning-management systems: the JSON an autograder hands back, from a grade.

``symconv check FILE --against SET --format gradescope`` prints Gradescope's autograder
``results.json`` object; ``--format prairielearn`` PrairieLearn's external grader
``results.json``. One test per part of the set, in the set's order, with the part's points, its
verdict and the feedback on its statements (:func:`symconv.check.feedback.part_feedback`,
Markdown with plain Unicode math; without expected values or witnesses under ``--no-reveal``).

**Gradescope** (https://gradescope-autograders.readthedocs.io/en/latest/specs/, "Output
format"): top-level ``score`` (the points awarded), ``output`` and ``output_format`` (``md``),
``extra_data`` (``max_score``: the spec has no top-level maximum, the tests carry it; the set; the
verdict of each part), ``tests``: each with ``name`` (the part id and its question), ``score``,
``max_score``, ``status`` (``passed`` when correct, else ``failed``), ``output``, ``output_format``
(``md``) and ``extra_data`` (``verdict``: correct, incorrect, unverified, blank or error). A part
the checker could not decide scores 0 and says it is for a person (Gradescope lets the
instructor adjust a test's score by hand).

**PrairieLearn** (``docs/externalGrading.md`` of PrairieLearn, "Grading results"): ``gradable``,
``score`` as a fraction in [0, 1], ``message``, ``tests`` with ``name``, ``description``,
``points``, ``max_points``, ``message`` and ``output``. A submission that cannot be read is
``"gradable": false`` with the reason in ``format_errors``: PrairieLearn then awards and takes
nothing and does not count the attempt.

    >>> from decimal import Decimal
    >>> from symconv.check.gradebook import AnswerKey, KeyPart, PartGrade, StudentGrade
    >>> key = AnswerKey("s", "Set", (KeyPart("s-1", "Size?", Decimal(2), "9", "9"),))
    >>> grade = StudentGrade("alice", "alice.md", (PartGrade("s-1", "correct", Decimal(2),
    ...                                                     Decimal(2)),), Decimal(2))
    >>> results = gradescope_results(grade, key, {"s-1": "- line 3: `$o = 9$`"})
    >>> results["score"], [(t["name"], t["score"], t["max_score"], t["status"])
    ...                    for t in results["tests"]]
    (2.0, [('s-1: Size?', 2.0, 2.0, 'passed')])
    >>> prairielearn_results(grade, key, {})["score"]
    1.0
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from symconv.check.feedback import grade_line, total_line
from symconv.check.gradebook import AnswerKey, GradeVerdict, KeyPart, PartGrade, StudentGrade

#: ``--format`` values that print an LMS's results object.
LMS_FORMATS = ("gradescope", "prairielearn")
_COUNTED: tuple[GradeVerdict, ...] = ("correct", "incorrect", "unverified", "blank")


def gradescope_results(
    grade: StudentGrade, key: AnswerKey, feedback: Mapping[str, str], reveal: bool = True
) -> dict[str, Any]:
    """Gradescope's ``results.json`` object for one submission (module docstring).
    ``feedback`` maps a part id to the Markdown feedback on its statements."""
    tests = []
    verdicts: dict[str, str] = {}
    for key_part in key.parts:
        part = _part(grade, key_part)
        verdicts[key_part.id] = part.verdict or "error"
        tests.append(
            {
                "name": _name(key_part),
                "score": float(part.points or 0),
                "max_score": float(key_part.max_points),
                "status": "passed" if part.verdict == "correct" else "failed",
                "output": _output(part, key_part, feedback.get(key_part.id, ""), reveal),
                "output_format": "md",
                "extra_data": {"verdict": verdicts[key_part.id]},
            }
        )
    return {
        "score": float(grade.points or 0),
        "output": _summary(grade, key),
        "output_format": "md",
        "extra_data": {
            "max_score": float(key.max_points),
            "set": key.name,
            "file": grade.file,
            "verdicts": verdicts,
        },
        "tests": tests,
    }


def prairielearn_results(
    grade: StudentGrade, key: AnswerKey, feedback: Mapping[str, str], reveal: bool = True
) -> dict[str, Any]:
    """PrairieLearn's external-grader ``results.json`` for one submission (module docstring)."""
    if grade.error is not None:
        return {
            "gradable": False,
            "format_errors": [grade.error],
            "message": _summary(grade, key),
        }
    points = grade.points or Decimal(0)
    tests = []
    for key_part in key.parts:
        part = _part(grade, key_part)
        tests.append(
            {
                "name": key_part.id,
                "description": key_part.question,
                "points": float(part.points or 0),
                "max_points": float(key_part.max_points),
                "message": grade_line(part),
                "output": _output(part, key_part, feedback.get(key_part.id, ""), reveal),
            }
        )
    score = points / key.max_points if key.max_points else Decimal(0)
    message = _summary(grade, key)
    return {"gradable": True, "score": float(score), "message": message, "tests": tests}


def _part(grade: StudentGrade, key_part: KeyPart) -> PartGrade:
    found = next((p for p in grade.graded if p.part == key_part.id), None)
    if found is not None:
        return found
    reason = grade.error or "not checked"
    return PartGrade(key_part.id, "error", None, key_part.max_points, message=reason)


def _name(key_part: KeyPart) -> str:
    question = " ".join(key_part.question.split())
    return f"{key_part.id}: {question}" if question else key_part.id


def _output(part: PartGrade, key_part: KeyPart, statements: str, reveal: bool) -> str:
    """A test's feedback: the verdict and points, the expected answer (revealed, when not
    correct), the diagnosis, then the verdicts on the part's statements."""
    lines = [f"**{grade_line(part)}**", ""]
    if part.verdict == "error":
        lines += [f"Not graded: {part.message}", ""]
    elif part.verdict == "blank":
        lines += ["Nothing was found for this part.", ""]
    elif part.verdict == "unverified":
        lines += [f"Not decided automatically: {part.message}", ""]
    if reveal and part.verdict not in ("correct", "error") and key_part.expected:
        lines += [f"Expected: {key_part.expected}", ""]
    if part.diagnosis:
        lines += [f"Diagnosis: {part.diagnosis}", ""]
    if statements:
        lines += ["What symconv read in your solution:", "", statements, ""]
    return "\n".join(lines).rstrip("\n")


def _summary(grade: StudentGrade, key: AnswerKey) -> str:
    title = f" ({key.title})" if key.title else ""
    variant = f", {key.variant}" if key.variant else ""
    head = (
        f"symconv checked `{Path(grade.file).name}` against `{Path(key.name).name}`{title}"
        f"{variant}."
    )
    if grade.error is not None:
        return f"{head}\n\n**Your submission could not be checked:** {grade.error}"
    counts = ", ".join(f"{n} {v}" for v in _COUNTED if (n := grade.count(v)))
    return f"{head}\n\n**{total_line(grade)}** — {counts}."
