"""Reports for people and programs: coloured text, JSON, the annotated document, CSV rows.

* ``text`` — each claim's line quoted with its verdict (rich; colour on a terminal only), then the
  parts and a summary;
* ``json`` — DESIGN.md's ``check --format json`` object (:meth:`Report.to_json`);
* ``md`` — the original document with a verdict after the paragraph of each claim, so a student
  reads the feedback in place (a LaTeX file gets ``%`` comments, a notebook its Markdown cells);
* CSV — one row per file and part: ``file, part, status, right, wrong, unverified,
  first_wrong_line, diagnosis`` (``status`` ``error`` for a file that could not be read).

``reveal=False`` (``--no-reveal``) leaves expected answers and witnesses out, and words a wrong
verdict without the value it should have had.

    >>> from symconv.check.model import Claim, Judgement, Report
    >>> claim = Claim(1, 1, "1 + 1 = 3", "arithmetic")
    >>> report = Report("hw.md", None, (Judgement(claim, "wrong", "1 + 1 = 2, not 3", "2"),))
    >>> print(render_markdown(report, "Sum: $1 + 1 = 3$\\n"))
    Sum: $1 + 1 = 3$
    <BLANKLINE>
    > **symconv** · line 1 · ✘ **wrong** — 1 + 1 = 2, not 3 · expected $2$
    <BLANKLINE>
    >>> print(render_markdown(report, "Sum: $1 + 1 = 3$\\n", reveal=False))
    Sum: $1 + 1 = 3$
    <BLANKLINE>
    > **symconv** · line 1 · ✘ **wrong** — this arithmetic claim is not right
    <BLANKLINE>
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from symconv.check.model import Judgement, Report
from symconv.check.plain import plain_math

CSV_COLUMNS = (
    "file", "part", "status", "right", "wrong", "unverified", "first_wrong_line", "diagnosis",
)  # fmt: skip
_SYMBOL = {"right": "✔", "wrong": "✘", "unverified": "?"}
_STYLE = {"right": "green", "wrong": "bold red", "unverified": "yellow"}


# ----------------------------------------------------------------------------------------------
# --no-reveal
# ----------------------------------------------------------------------------------------------
def redacted(report: Report) -> Report:
    """The report without expected answers or witnesses, and with wrong verdicts worded without
    the values they should have had (for feedback before the deadline)."""
    return replace(report, judgements=tuple(_redact(j) for j in report.judgements))


def _redact(judgement: Judgement) -> Judgement:
    message = judgement.message
    if judgement.verdict == "wrong" and _reveals(judgement):
        message = f"this {judgement.claim.kind.replace('-', ' ')} claim is not right"
    diagnosis = judgement.diagnosis
    if diagnosis and _numbers(diagnosis) - _numbers(judgement.claim.text):
        diagnosis = None
    return replace(
        judgement, message=message, expected_latex=None, witness=None, diagnosis=diagnosis
    )


def _numbers(text: str) -> set[str]:
    """The numbers a text shows; an index base ("1-based", "0-indexed") names a convention, not a
    value.

    >>> sorted(_numbers("1-based re-reading of a 0-indexed set: 6 at (2, 4)"))
    ['2', '4', '6']
    """
    text = re.sub(r"\b\d+-(?:based|indexed)\b", " ", text.replace("{,}", "").replace(",", ""))
    return set(re.findall(r"\d+(?:\.\d+)?", text))


def _reveals(judgement: Judgement) -> bool:
    """Does the message show a number that the claim itself does not (a value it should have)?"""
    return bool(_numbers(judgement.message) - _numbers(judgement.claim.text))


def _prepared(report: Report, reveal: bool) -> Report:
    return report if reveal else redacted(report)


# ----------------------------------------------------------------------------------------------
# JSON
# ----------------------------------------------------------------------------------------------
def render_json(report: Report, reveal: bool = True) -> str:
    return json.dumps(_prepared(report, reveal).to_json(reveal), ensure_ascii=False, indent=2)


# ----------------------------------------------------------------------------------------------
# Text (rich)
# ----------------------------------------------------------------------------------------------
def render_text(
    report: Report,
    source: str | None = None,
    *,
    reveal: bool = True,
    color: bool | None = None,
    width: int = 100,
    cells: Sequence[Any] = (),
) -> str:
    """The report as text: the quoted line of each claim and its verdicts, parts, summary.

    For a notebook (``cells``: its Markdown cells with their file lines) the quoted line is the
    cell's line, and the place reads "line L (cell C, line K)".
    """
    from rich.console import Console
    from rich.markup import escape
    from rich.text import Text

    report = _prepared(report, reveal)
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=bool(color),
        no_color=not color,
        width=width,
        highlight=False,
        emoji=False,
    )
    lines = source.splitlines() if source is not None else []
    in_cells = _cell_lines(cells)
    against = f" — checked against {report.against}" if report.against else ""
    console.print(f"[bold]{escape(report.file)}[/bold]{escape(against)}")
    if report.error:
        console.print(f"[bold red]error:[/bold red] {escape(report.error)}")
    for line, group in _by_line(report.judgements):
        parts = sorted({j.claim.part for j in group if j.claim.part})
        where = f"line {line}"
        quoted = lines[line - 1].strip() if 0 < line <= len(lines) else None
        if line in in_cells:
            cell, cell_line, quoted = _cell_place(in_cells[line], group)
            where += f" (cell {cell}, line {cell_line})" if cell_line else f" (cell {cell})"
        where += f"  ({', '.join(parts)})" if parts else ""
        console.print(f"\n[dim]{escape(where)}[/dim]")
        if quoted is not None:
            # the line as written, never read as markup (``\\\\[2pt]`` ends a TeX row)
            console.print(Text.assemble("  ", ("│", "dim"), " ", quoted.strip()))
        for judgement in group:
            style = _STYLE[judgement.verdict]
            label = f"{_SYMBOL[judgement.verdict]} {judgement.verdict}"
            console.print(f"  [{style}]{label:<12}[/{style}] {escape(_verdict_line(judgement))}")
            for key, value in _details(judgement):
                console.print(f"  {'':<12} [dim]{key}:[/dim] {escape(plain_math(value))}")
    if report.parts:
        console.print("\n[bold]Parts[/bold]")
        for part in report.parts:
            style = {"answered": "", "unanswered": "yellow", "unmatched": "dim"}[part.status]
            counts = f"{part.right} right, {part.wrong} wrong, {part.unverified} unverified"
            status = f"[{style}]{part.status}[/{style}]" if style else part.status
            console.print(f"  {escape(part.id):<24} {status:<12} {counts}")
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}")
    summary = report.summary()
    console.print(
        f"\n[bold]Summary:[/bold] [green]{summary['right']} right[/green], "
        f"[red]{summary['wrong']} wrong[/red], [yellow]{summary['unverified']} unverified"
        f"[/yellow], {summary['unanswered']} unanswered"
    )
    return buffer.getvalue()


def _verdict_line(judgement: Judgement) -> str:
    """The claim in plain math, then what the checker says of it (once, when the message
    already states the claim).

    >>> from symconv.check.model import Claim
    >>> claim = Claim(3, 3, r"N_{p} = 5 \\cdot 5 + 1 = 27", "arithmetic")
    >>> print(_verdict_line(Judgement(claim, "wrong", r"5 \\cdot 5 + 1 = 26, not 27")))
    N_p = 5 · 5 + 1 = 27 — 5 · 5 + 1 = 26, not 27
    """
    claim = plain_math(judgement.claim.text)
    message = plain_math(judgement.message)
    if not claim or message.startswith(claim):
        return message
    return f"{claim} — {message}"


def _cell_lines(cells: Sequence[Any]) -> dict[int, list[tuple[int, int, str]]]:
    """File line → [(cell, line in the cell, its text)], for a notebook's Markdown cells: one
    line, or every line of a cell whose source is one JSON string (all on one file line)."""
    found: dict[int, list[tuple[int, int, str]]] = {}
    for cell in cells:
        for number, text in enumerate(cell.source.splitlines(), start=1):
            if number <= len(cell.file_lines):
                found.setdefault(cell.file_lines[number - 1], []).append(
                    (cell.number, number, text)
                )
    return found


def _cell_place(
    candidates: Sequence[tuple[int, int, str]], group: Sequence[Judgement]
) -> tuple[int, int | None, str | None]:
    """The cell, line in the cell and quoted text of a file line's claims. A cell written as one
    JSON string has all its lines on one file line: the line is the one that holds the claims'
    text (the lines, when they sit on several), else only the cell is named (no line is
    guessed)."""
    if len(candidates) == 1:
        return candidates[0]
    texts = [j.claim.text for j in group if j.claim.text]
    held = [c for c in candidates if any(t in c[2] for t in texts)]
    if len(held) == 1:
        return held[0]
    if not held:
        return candidates[0][0], None, None
    numbers = ", ".join(str(c[1]) for c in held)
    return held[0][0], None, " ⏎ ".join(c[2].strip() for c in held) + f"  (lines {numbers})"


def _by_line(judgements: Sequence[Judgement]) -> list[tuple[int, list[Judgement]]]:
    groups: dict[int, list[Judgement]] = {}
    for judgement in judgements:
        groups.setdefault(judgement.claim.line, []).append(judgement)
    return sorted(groups.items())


def _details(judgement: Judgement) -> list[tuple[str, str]]:
    details = []
    if judgement.expected_latex and judgement.verdict == "wrong":
        details.append(("expected", judgement.expected_latex))
    if judgement.diagnosis:
        details.append(("diagnosis", judgement.diagnosis))
    if judgement.witness:
        details.append(("witness", judgement.witness))
    details.extend(("warning", w) for w in judgement.warnings)
    return details


# ----------------------------------------------------------------------------------------------
# The annotated document
# ----------------------------------------------------------------------------------------------
def render_markdown(
    report: Report, source: str, *, reveal: bool = True, kind: str = "md", cells: Any = ()
) -> str:
    """The document with a verdict after the paragraph of each claim.

    Annotations go after the paragraph (the next blank line), never inside a display formula, a
    table or a list item; LaTeX gets ``%`` comments; a notebook gives its Markdown cells, each
    headed by an HTML comment naming the cell.
    """
    report = _prepared(report, reveal)
    if kind == "ipynb":
        return _annotated_notebook(report, cells, reveal)
    comment = kind == "tex"
    lines = source.splitlines()
    return _annotate(lines, report, {n: n for n in range(1, len(lines) + 1)}, reveal, comment)


def _annotate(
    lines: Sequence[str],
    report: Report,
    file_line: dict[int, int],
    reveal: bool,
    comment: bool,
    cell: int | None = None,
) -> str:
    """``lines`` (numbered 1…) with annotations; ``file_line`` maps a position to the file's
    line numbering the report uses."""
    position_of = {v: k for k, v in file_line.items()}
    pending: dict[int, list[Judgement]] = {}
    for judgement in report.judgements:
        position = position_of.get(judgement.claim.end_line)
        if position is None:
            continue
        pending.setdefault(_paragraph_end(lines, position), []).append(judgement)
    out: list[str] = []
    for number, text in enumerate(lines, start=1):
        out.append(text)
        if number in pending:
            out.extend(_annotation_block(pending[number], comment, position_of, cell))
    return "\n".join(out) + "\n"


def _paragraph_end(lines: Sequence[str], position: int) -> int:
    """The last line of the paragraph holding ``position`` (1-based): the line before the next
    blank line that is not inside a ``$$`` block."""
    open_display = sum(line.count("$$") for line in lines[:position]) % 2
    number = position
    while number < len(lines):
        following = lines[number]
        if not following.strip() and not open_display:
            return number
        open_display = (open_display + following.count("$$")) % 2
        number += 1
    return len(lines)


def _annotation_block(
    judgements: Sequence[Judgement],
    comment: bool,
    position_of: dict[int, int] | None = None,
    cell: int | None = None,
) -> list[str]:
    block = [] if comment else [""]
    for index, judgement in enumerate(sorted(judgements, key=lambda j: j.claim.line)):
        where = None
        if cell is not None and position_of is not None:
            where = f"cell {cell}, line {position_of.get(judgement.claim.line, '?')}"
        if index and not comment:
            block.append(">")  # one paragraph per verdict inside the quote
        block.append(_annotation(judgement, comment, where))
    return block


def _annotation(judgement: Judgement, comment: bool, where: str | None = None) -> str:
    symbol = _SYMBOL[judgement.verdict]
    verdict = judgement.verdict if comment else f"**{judgement.verdict}**"
    if judgement.verdict == "right" and not comment:
        verdict = judgement.verdict
    pieces = [f"{symbol} {verdict} — {judgement.message}"]
    if judgement.expected_latex and judgement.verdict == "wrong":
        pieces.append(f"expected ${judgement.expected_latex}$")
    if judgement.diagnosis:
        pieces.append(f"diagnosis: {judgement.diagnosis}")
    if judgement.witness:
        pieces.append(f"witness: {judgement.witness}")
    pieces.extend(judgement.warnings)
    line = judgement.claim.line
    span = (
        f"line {line}"
        if judgement.claim.end_line == line
        else (f"lines {line}–{judgement.claim.end_line}")
    )
    if where is not None:
        span = f"{where} (file line {line})"
    body = " · ".join(pieces)
    if comment:
        return f"% symconv · {span} · {body}"
    return f"> **symconv** · {span} · {body}"


def _annotated_notebook(report: Report, cells: Any, reveal: bool) -> str:
    pieces = []
    for cell in cells:
        lines = cell.source.splitlines()
        mapping = {n: cell.file_lines[n - 1] for n in range(1, len(lines) + 1)}
        pieces.append(f"<!-- cell {cell.number} -->")
        annotated = _annotate(lines, report, mapping, reveal, comment=False, cell=cell.number)
        pieces.append(annotated.rstrip("\n"))
    return "\n\n".join(pieces) + "\n"


# ----------------------------------------------------------------------------------------------
# CSV
# ----------------------------------------------------------------------------------------------
def csv_rows(report: Report, reveal: bool = True) -> list[dict[str, Any]]:
    """One row per part (every part of the set, then unmatched headings); a report without a
    problem set gives one row for the whole file; a report with an error one ``error`` row."""
    if report.error is not None:
        return [error_row(report.file, report.error)]
    report = _prepared(report, reveal)
    if not report.parts:
        wrong = [j for j in report.judgements if j.verdict == "wrong"]
        return [
            {
                "file": report.file,
                "part": "",
                "status": "unmatched",
                "right": report.count("right"),
                "wrong": report.count("wrong"),
                "unverified": report.count("unverified"),
                "first_wrong_line": min((j.claim.line for j in wrong), default=""),
                "diagnosis": next((j.diagnosis for j in wrong if j.diagnosis), "") or "",
            }
        ]
    return [
        {
            "file": report.file,
            "part": part.id,
            "status": part.status,
            "right": part.right,
            "wrong": part.wrong,
            "unverified": part.unverified,
            "first_wrong_line": part.first_wrong_line if part.first_wrong_line else "",
            "diagnosis": part.diagnosis or "",
        }
        for part in report.parts
    ]


def error_row(file: str, reason: str) -> dict[str, Any]:
    return {
        "file": file,
        "part": "",
        "status": "error",
        "right": 0,
        "wrong": 0,
        "unverified": 0,
        "first_wrong_line": "",
        "diagnosis": reason,
    }
