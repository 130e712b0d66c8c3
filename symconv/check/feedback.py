"""Feedback for a student: what the checker says of each part, for a file or an LMS.

* :func:`part_feedback` — the verdicts on one part's statements, each with the student's own line,
  what the checker says, the expected value (unless ``--no-reveal``), the diagnosis and the witness:
  the ``output`` of a Gradescope test or a PrairieLearn test;
* :func:`feedback_document` — ``--feedback-dir``: one Markdown file per submission, a table of the
  parts (verdict, points, expected answer) above the student's own document annotated line by line
  (:func:`symconv.check.render.render_markdown`); a LaTeX source is shown in a fence with its
  annotations as ``%`` comments, a notebook as its Markdown cells;
* :func:`error_feedback` — the same file for a submission that could not be read, saying why.

Math is written as LaTeX (``$…$``) for Markdown renderers that typeset it (the feedback file), or
through :func:`~symconv.check.plain.plain_math` (Gradescope renders Markdown, not math).

    >>> from symconv.check.model import Claim, Judgement
    >>> claim = Claim(2, 2, "N = 1200", "answer", part="s-1")
    >>> wrong = Judgement(claim, "wrong", "1200 is not the answer to s-1", "1216",
    ...                   diagnosis="bias omitted")
    >>> print(part_feedback([wrong], "# Lab\\n$N = 1200$\\n"))
    - line 2: `$N = 1200$`
      - ✘ **wrong** — 1200 is not the answer to s-1
      - expected: 1216
      - diagnosis: bias omitted
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from symconv.check.gradebook import AnswerKey, PartGrade, StudentGrade, number
from symconv.check.model import Judgement, Report
from symconv.check.plain import plain_math

if TYPE_CHECKING:
    from symconv.check.documents import Document

_SYMBOL = {"right": "✔", "wrong": "✘", "unverified": "?"}
_GRADE_SYMBOL = {"correct": "✔", "incorrect": "✘", "unverified": "?", "blank": "–", "error": "✘"}


def part_feedback(
    judgements: Sequence[Judgement],
    source: str,
    *,
    math: Callable[[str], str] = plain_math,
) -> str:
    """The verdicts on a part's statements as a Markdown list (module docstring). The judgements
    are shown as given: pass a redacted report's (``--no-reveal``) to leave the expected values
    and witnesses out."""
    lines = source.splitlines()
    out: list[str] = []
    for judgement in sorted(judgements, key=lambda j: (j.claim.line, j.claim.end_line)):
        number_ = judgement.claim.line
        quoted = lines[number_ - 1].strip() if 0 < number_ <= len(lines) else ""
        where = f"line {number_}" + (f": {_code(quoted)}" if quoted else "")
        out.append(f"- {where}")
        verdict = judgement.verdict
        out.append(f"  - {_SYMBOL[verdict]} **{verdict}** — {math(judgement.message)}")
        if judgement.expected_latex and verdict == "wrong":
            out.append(f"  - expected: {_math(judgement.expected_latex, math)}")
        if judgement.diagnosis:
            out.append(f"  - diagnosis: {math(judgement.diagnosis)}")
        if judgement.witness:
            out.append(f"  - witness: {math(judgement.witness)}")
        out.extend(f"  - note: {math(warning)}" for warning in judgement.warnings)
    return "\n".join(out)


def _code(text: str) -> str:
    """A line quoted as inline code (in double backticks when it holds one).

    >>> print(_code("$x$"), _code("a `b` c"))
    `$x$` `` a `b` c ``
    """
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _math(latex: str, math: Callable[[str], str]) -> str:
    return f"${latex}$" if math is _latex else math(latex)


def _latex(text: str) -> str:
    """Keep LaTeX as it is (for Markdown that typesets ``$…$``)."""
    return text


def grade_line(part: PartGrade) -> str:
    """A part's verdict and points in a few words.

    >>> from decimal import Decimal
    >>> grade_line(PartGrade("s-1", "incorrect", Decimal(0), Decimal(2)))
    '✘ incorrect — 0 / 2 points'
    >>> grade_line(PartGrade("s-1", "unverified", None, Decimal(1)))
    '? unverified — to be graded by a person (1 point)'
    """
    verdict = part.verdict or "not graded"
    symbol = _GRADE_SYMBOL.get(verdict, "")
    unit = "point" if part.max_points == 1 else "points"
    if part.points is None:
        return f"{symbol} {verdict} — to be graded by a person ({number(part.max_points)} {unit})"
    return f"{symbol} {verdict} — {number(part.points)} / {number(part.max_points)} {unit}"


def total_line(grade: StudentGrade) -> str:
    """The student's total in words.

    >>> from decimal import Decimal
    >>> parts = (PartGrade("s-1", "correct", Decimal(2), Decimal(2)),
    ...          PartGrade("s-2", "unverified", None, Decimal(1)))
    >>> total_line(StudentGrade("alice", "alice.md", parts, Decimal(3)))
    '2 / 3 points (s-2 to be graded by a person)'
    """
    if grade.error is not None:
        return f"not graded: {grade.error}"
    waiting = [part.part for part in grade.graded if part.verdict == "unverified"]
    note = f" ({', '.join(waiting)} to be graded by a person)" if waiting else ""
    return f"{number(grade.points)} / {number(grade.max_points)} points{note}"


# ----------------------------------------------------------------------------------------------
# --feedback-dir
# ----------------------------------------------------------------------------------------------
def feedback_document(
    report: Report,
    document: Document,
    grade: StudentGrade,
    key: AnswerKey | None,
    reveal: bool = True,
) -> str:
    """A student's feedback file (module docstring): the parts' table, then the document."""
    from symconv.check.render import redacted, render_markdown

    shown = report if reveal else redacted(report)
    lines = [f"# Feedback: {grade.student}", ""]
    lines += _checked_against(report.file, key)
    if key is not None and grade.graded:
        lines += [f"**Score: {total_line(grade)}**", ""]
        lines += _parts_table(grade, key, reveal)
    summary = report.summary()
    lines += [
        f"Statements checked: {summary['right']} right, {summary['wrong']} wrong, "
        f"{summary['unverified']} unverified.",
        "",
    ]
    lines += [f"> **warning:** {warning}" for warning in shown.warnings]
    if shown.warnings:
        lines.append("")
    lines += ["## Your solution, annotated", ""]
    annotated = render_markdown(
        report, document.text, reveal=reveal, kind=document.kind, cells=document.cells
    )
    if document.kind == "tex":
        fence = "````" if "```" in annotated else "```"
        annotated = f"{fence}latex\n{annotated.rstrip()}\n{fence}\n"
    lines.append(annotated.rstrip("\n"))
    return "\n".join(lines) + "\n"


def error_feedback(grade: StudentGrade, key: AnswerKey | None) -> str:
    """The feedback file of a submission that could not be read or checked.

    >>> from decimal import Decimal
    >>> grade = StudentGrade("erin", "hw/erin.pdf", (), Decimal(8), error="a PDF, not a text file")
    >>> print(error_feedback(grade, None))
    # Feedback: erin
    <BLANKLINE>
    File: `hw/erin.pdf`
    <BLANKLINE>
    **Your submission could not be checked:** a PDF, not a text file.
    <BLANKLINE>
    Nothing was graded. Submit the solution's source (Markdown `.md`, LaTeX `.tex`, plain text \
`.txt` or a Jupyter notebook `.ipynb`) and ask for it to be checked again.
    <BLANKLINE>
    """
    lines = [f"# Feedback: {grade.student}", ""]
    lines += _checked_against(grade.file, key)
    reason = (grade.error or "").rstrip(".")
    lines += [
        f"**Your submission could not be checked:** {reason}.",
        "",
        "Nothing was graded. Submit the solution's source (Markdown `.md`, LaTeX `.tex`, plain "
        "text `.txt` or a Jupyter notebook `.ipynb`) and ask for it to be checked again.",
        "",
    ]
    return "\n".join(lines)


def _checked_against(file: str, key: AnswerKey | None) -> list[str]:
    if key is None:
        return [f"File: `{file}`", ""]
    title = f" — {key.title}" if key.title else ""
    variant = f" · {key.variant}" if key.variant else ""
    return [f"File: `{file}` · checked against `{key.name}`{title}{variant}", ""]


def _parts_table(grade: StudentGrade, key: AnswerKey, reveal: bool) -> list[str]:
    header = "| part | verdict | points | diagnosis |" + (" expected |" if reveal else "")
    rule = "|---|---|---|---|" + ("---|" if reveal else "")
    rows = [header, rule]
    for part in grade.graded:
        key_part = key.part(part.part)
        points = "?" if part.points is None else number(part.points)
        cells = [
            part.part,
            f"{_GRADE_SYMBOL.get(part.verdict or '', '')} {part.verdict}",
            f"{points} / {number(part.max_points)}",
            _cell(part.diagnosis or ("" if part.verdict != "unverified" else part.message)),
        ]
        if reveal:
            expected = key_part.expected_latex if key_part is not None else ""
            cells.append(_cell(f"${expected}$") if expected else "")
        rows.append("| " + " | ".join(cells) + " |")
    return [*rows, ""]


def _cell(text: str) -> str:
    """Text for a Markdown table cell: one line, its pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")
