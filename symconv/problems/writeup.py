"""Write-ups of solved exercises: Markdown (GitHub/Jupyter MathJax), a standalone LaTeX document
(article + amsmath, compiles with pdflatex), and JSON (DESIGN.md's schema).

Each part is checked before it is printed; the report goes into the write-up (a ``checked:`` line
in Markdown and LaTeX, the ``checks`` list in JSON). ``no_answers=True`` prints the problem sheet
alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from symconv.core.derivation import CheckReport, render
from symconv.problems.model import Exercise, Part, ProblemSet

#: Unicode that appears in statements and conventions, and its LaTeX (pdflatex has no glyphs
#: for most of these in its default fonts).
_TEX_TEXT = {
    "×": r"$\times$",
    "−": "-",
    "–": "--",
    "—": "---",
    "·": r"$\cdot$",
    "⌊": r"$\lfloor$",
    "⌋": r"$\rfloor$",
    "⌈": r"$\lceil$",
    "⌉": r"$\rceil$",
    "≤": r"$\leq$",
    "≥": r"$\geq$",
    "≈": r"$\approx$",
    "Σ": r"$\Sigma$",
    "σ": r"$\sigma$",
    "δ": r"$\delta$",
    "τ": r"$\tau$",
    "∂": r"$\partial$",
    "∇": r"$\nabla$",
    "²": r"$^2$",
    "³": r"$^3$",
    "⁴": r"$^4$",
    "ᵀ": r"$^T$",
    "…": r"\ldots{}",
    "→": r"$\to$",
    "\u201c": "``",  # left double quotation mark
    "\u201d": "''",
    "\u2018": "`",
    "\u2019": "'",
    "⊗": r"$\otimes$",
    "∈": r"$\in$",
    "✓": r"$\checkmark$",
    "✗": r"$\times$",
}
_TEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")


def tex_text(text: str) -> str:
    """Escape plain text for pdflatex; CJK characters are left out (no CJK font in pdflatex).

    >>> print(tex_text("3×3 kernel, 50% of x_1 (宽卷积)"))
    3$\\times$3 kernel, 50\\% of x\\_1 ()
    """
    text = _CJK.sub("", text)
    out = []
    for char in text:
        if char in _TEX_SPECIAL:
            out.append(_TEX_SPECIAL[char])
        elif char in _TEX_TEXT:
            out.append(_TEX_TEXT[char])
        elif ord(char) < 128:
            out.append(char)
        else:
            out.append("?")
    return "".join(out)


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


def _report_for(part: Part, reports: Mapping[str, CheckReport]) -> CheckReport | None:
    return reports.get(part.id)


# -- Markdown ----------------------------------------------------------------------------------
def exercise_markdown(
    problem_set: ProblemSet,
    exercise: Exercise,
    parts: Sequence[Part],
    reports: Mapping[str, CheckReport],
    options: RenderOptions,
) -> str:
    lines = [f"# {exercise.id}: {exercise.title}", ""]
    if problem_set.source:
        lines += [f"*Source: {problem_set.source}*", ""]
    if exercise.variant_note:
        lines += [f"*{exercise.variant_note}*", ""]
    if exercise.statement:
        lines += [exercise.statement.strip(), ""]
    for part in parts:
        lines += [f"## {part.id}", ""]
        if part.question:
            lines += ["> " + part.question.strip().replace("\n", "\n> "), ""]
        if options.no_answers:
            continue
        derivation = part.solution.derivation
        lines.append(derivation.markdown(_report_for(part, reports), **options.settings()))
        accepted = part.solution.accepted
        if accepted:
            lines.append("Also accepted:")
            lines += [
                f"- ${render(a.answer, **options.settings())}$ ({a.convention})" for a in accepted
            ]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# -- LaTeX -------------------------------------------------------------------------------------
def _unicode_declarations() -> str:
    """``\\DeclareUnicodeCharacter`` for the field's symbols: a safety net for pdflatex."""
    from symconv.core.latex import UNICODE_MATH

    return "\n".join(
        rf"\DeclareUnicodeCharacter{{{ord(char):04X}}}{{\ensuremath{{{command}}}}}"
        for char, command in UNICODE_MATH.items()
    )


TEX_PREAMBLE = (
    r"""\documentclass[11pt]{article}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage[margin=2cm]{geometry}
\usepackage{amsmath,amssymb}
\setcounter{MaxMatrixCols}{40}
\allowdisplaybreaks
\sloppy
"""
    + _unicode_declarations()
    + "\n"
)


def exercise_tex(
    problem_set: ProblemSet,
    exercise: Exercise,
    parts: Sequence[Part],
    reports: Mapping[str, CheckReport],
    options: RenderOptions,
) -> str:
    """A standalone document (article, amsmath) for one exercise."""
    body = [
        TEX_PREAMBLE,
        rf"\title{{{tex_text(exercise.id)}: {tex_text(exercise.title)}}}",
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
    ]
    if problem_set.source:
        body.append(rf"\noindent\emph{{Source: {tex_text(problem_set.source)}}}\par\medskip")
    if exercise.variant_note:
        body.append(rf"\noindent\emph{{{tex_text(exercise.variant_note)}}}\par\medskip")
    if exercise.statement:
        body.append(tex_text(exercise.statement.strip()) + r"\par")
    for part in parts:
        body.append(rf"\section*{{{tex_text(part.id)}}}")
        if part.question:
            body.append(r"\begin{quote}" + tex_text(part.question.strip()) + r"\end{quote}")
        if options.no_answers:
            continue
        derivation = part.solution.derivation
        settings = options.settings()
        if derivation.conventions:
            body.append(
                r"\noindent Conventions: " + tex_text("; ".join(derivation.conventions)) + "."
            )
        body.extend(tex_text(note) + r"\par" for note in derivation.notes)
        if derivation.steps:
            body.append(r"\[" + derivation.latex(**settings) + r"\]")
        body.append(r"\noindent\textbf{Answer:} $" + derivation.answer_latex(**settings) + "$")
        report = _report_for(part, reports)
        if report is not None:
            body.append(r"\par\noindent\emph{" + tex_text(report.summary()) + "}")
    body.append(r"\end{document}")
    return "\n\n".join(body) + "\n"


# -- JSON --------------------------------------------------------------------------------------
def exercise_json(
    exercise: Exercise,
    parts: Sequence[Part],
    reports: Mapping[str, CheckReport],
    options: RenderOptions,
) -> str:
    document = exercise.to_json(dict(reports), **options.settings())
    wanted = {part.id for part in parts}
    document["parts"] = [p for p in document["parts"] if p["id"] in wanted]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
