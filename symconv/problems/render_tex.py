"""The handout as one standalone LaTeX document, for pdflatex with Debian's
``texlive-latex-base`` and ``texlive-latex-recommended`` only (article, amsmath, amssymb,
geometry, graphicx; lmodern and microtype when present).

Layout (one document per request, :class:`~symconv.problems.handout.Handout`):

* the set's title and source, its conventions as a list;
* each exercise a section (its id and title), its statement; each part a subsection with its
  question — or, when the exercise is its own single part, the question under the section;
* each solution: the conventions it assumed, its notes, the steps as ``align*`` rows with each
  step's reason as a numbered note under the display (never a column beside it), the answer,
  the answers also accepted, and the line of checks;
* under ``--no-answers``: each question with a ruled answer space, sized by the length of the
  model solution.

Every formula is laid out to fit the line (:mod:`symconv.problems.tex_math`: long rows broken,
wide matrices elided with a note) and guarded by ``\\symconvfit``, which TeX scales down only when
a row still measures wider than its room — so no line runs into the margin; the log says
``symconv-fit:`` when it happens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from symconv.core.derivation import RELATION_LATEX, CheckReport, Derivation, render
from symconv.problems.handout import Handout
from symconv.problems.model import Accepted, Exercise, Part
from symconv.problems.prose import SYMBOLS, prose_tex, subscript_words
from symconv.problems.tex_math import is_tall, layout_formula, width

#: The text width in points: A4 with 2 cm margins.
LINE_WIDTH = 483.7
#: The part of it the estimated widths may fill (they err by up to 6 %).
FILL = 0.93
#: Room the equals sign takes with its spaces, and a note's tag.
RELATION_WIDTH = 16.0
TAG_WIDTH = 30.0
#: The continuation indent (``\\quad``).
INDENT = 11.0
#: An answer no wider than this stays in the line after "Answer:".
INLINE_ANSWER = 0.7 * LINE_WIDTH

PREAMBLE = r"""\documentclass[11pt,a4paper]{article}
\usepackage[utf8]{inputenc}
\IfFileExists{lmodern.sty}{\usepackage[T1]{fontenc}\usepackage{lmodern}}{}
\usepackage[margin=2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{graphicx}
\IfFileExists{microtype.sty}{\usepackage{microtype}}{}
\setcounter{MaxMatrixCols}{40}
\allowdisplaybreaks
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.5\baselineskip plus 2pt}
\emergencystretch=2em
% A formula in its room: scaled down only if TeX measures it wider (the log says so).
\newsavebox{\symconvbox}
\newlength{\symconvlhs}
\newlength{\symconvtmp}
\newcommand{\symconvfit}[2]{%
  \sbox{\symconvbox}{$\displaystyle #2$}%
  \setlength{\symconvtmp}{#1}%
  \ifdim\wd\symconvbox>\symconvtmp
    \typeout{symconv-fit: a formula of \the\wd\symconvbox\space scaled to \the\symconvtmp}%
    \resizebox{\symconvtmp}{!}{\usebox{\symconvbox}}%
  \else\usebox{\symconvbox}\fi}
% The widest left side of a display, measured.
\newcommand{\symconvleft}[1]{%
  \settowidth{\symconvtmp}{$\displaystyle #1$}%
  \ifdim\symconvtmp>\symconvlhs\setlength{\symconvlhs}{\symconvtmp}\fi}
% The reasons of a display's steps, numbered as the tags of its rows.
\newenvironment{symconvnotes}{\par\vspace{-0.5\parskip}\small
  \begin{list}{}{\setlength{\leftmargin}{2.4em}\setlength{\labelwidth}{2em}%
    \setlength{\labelsep}{0.4em}\setlength{\itemsep}{1pt}\setlength{\parsep}{0pt}%
    \setlength{\topsep}{0pt}}}{\end{list}}
% An answer space under --no-answers.
\newcommand{\symconvspace}[1]{\par\noindent\fbox{\parbox[t][#1][t]{%
  \dimexpr\linewidth-2\fboxsep-2\fboxrule\relax}{\footnotesize\itshape Answer}}\par}
"""


def _unicode_declarations() -> str:
    """``\\DeclareUnicodeCharacter`` for the field's symbols: a safety net for text that reaches
    pdflatex unconverted."""
    return "\n".join(
        rf"\DeclareUnicodeCharacter{{{ord(char):04X}}}{{\ensuremath{{{command}}}}}"
        for char, command in SYMBOLS.items()
        if len(char) == 1 and ord(char) > 127 and command and char not in "\u2032\u2033̃"
    )


def document_tex(handout: Handout) -> str:
    """The handout as one LaTeX document (see the module docstring)."""
    problem_set = handout.problem_set
    body = [
        PREAMBLE + _unicode_declarations(),
        r"\pagestyle{myheadings}",
        rf"\markright{{{prose_tex(problem_set.id)}}}",
        r"\begin{document}",
        *_title(handout),
    ]
    for exercise, parts in handout.exercises:
        body += _exercise_tex(handout, exercise, parts)
    body.append(r"\end{document}")
    return "\n\n".join(body) + "\n"


def _title(handout: Handout) -> list[str]:
    problem_set = handout.problem_set
    title = problem_set.title or problem_set.id
    lines = [
        r"\begin{center}",
        rf"{{\LARGE\bfseries {prose_tex(title)}\par}}",
    ]
    if problem_set.source:
        lines.append(rf"\smallskip{{\small\itshape {prose_tex(problem_set.source)}\par}}")
    if handout.options.no_answers:
        lines.append(r"\medskip{\large Problem sheet\par}")
    lines.append(r"\end{center}")
    out = ["\n".join(lines)]
    if problem_set.conventions:
        items = "\n".join(rf"  \item {prose_tex(c)}" for c in problem_set.conventions)
        out.append(
            r"\textbf{Conventions.}" + "\n" + r"\begin{itemize}\setlength{\itemsep}{0pt}"
            "\n" + items + "\n" + r"\end{itemize}"
        )
    return out


def _exercise_tex(handout: Handout, exercise: Exercise, parts: Sequence[Part]) -> list[str]:
    heading = prose_tex(exercise.id)
    if exercise.title:  # "id: title", as the Markdown page and the checker's headings read
        heading += ": " + prose_tex(exercise.title)
    out = [rf"\section*{{{heading}}}"]
    if exercise.variant_note:
        out += [rf"\emph{{{prose_tex(exercise.variant_note)}}}", ""]
    if exercise.statement:
        out.append(prose_tex(exercise.statement))
    single = len(exercise.parts) == 1 and parts and parts[0].id == exercise.id
    for part in parts:
        if not single:
            out.append(rf"\subsection*{{{prose_tex(part.id)}}}")
        out += _part_tex(handout, part)
    return out


def _part_tex(handout: Handout, part: Part) -> list[str]:
    out = []
    if part.question:
        out.append(prose_tex(part.question))
    derivation = part.solution.derivation
    if handout.options.no_answers:
        height = min(3.0 + 1.0 * len(derivation.steps), 12.0)
        out.append(rf"\symconvspace{{{height:.0f}cm}}")
        return out
    settings = {"notation": derivation.notation, **handout.options.settings()}
    if derivation.conventions:
        conventions = "; ".join(prose_tex(c) for c in derivation.conventions)
        out.append(rf"{{\small\textit{{Conventions:}} {conventions}.\par}}")
    out += [prose_tex(note) for note in derivation.notes]
    if derivation.steps:
        out.append(display_tex(steps_of(derivation, settings)))
    out.append(_answer_tex(derivation, settings))
    out += _accepted_tex(part.solution.accepted, settings)
    report = handout.reports.get(part.id)
    if report is not None:
        out.append(_report_tex(report))
    return out


# -- displays -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Equation:
    """One row of a display: ``lhs relation rhs`` and the reason that goes in its note."""

    lhs: str
    relation: str
    rhs: str
    reason: str = ""


def steps_of(derivation: Derivation, settings: dict[str, object]) -> list[Equation]:
    """The derivation's steps as display rows (LaTeX of each side, words in scripts upright)."""
    return [
        Equation(
            subscript_words(step.lhs_latex(**settings)),
            RELATION_LATEX[step.relation],
            subscript_words(step.rhs_latex(**settings)),
            step.reason,
        )
        for step in derivation.steps
    ]


def display_tex(equations: Sequence[Equation]) -> str:
    """An ``align*`` display of the rows, each laid out to fit, its notes numbered beneath.

    >>> text = display_tex([Equation("o", "=", "5 - 3 + 1", "valid correlation")])
    >>> print(text.replace(r"\\dimexpr\\linewidth-\\symconvlhs-5em\\relax", "ROOM"))
    \\setlength{\\symconvlhs}{0pt}\\symconvleft{o}
    \\begin{align*}
    o &= \\symconvfit{ROOM}{5 - 3 + 1} \\tag*{\\footnotesize(1)}
    \\end{align*}
    \\begin{symconvnotes}
    \\item[(1)] valid correlation.
    \\end{symconvnotes}
    """
    room = LINE_WIDTH * FILL
    lhs_widths = {eq.lhs: width(eq.lhs) for eq in equations if eq.lhs}
    long_lhs = {lhs for lhs, w in lhs_widths.items() if w > 0.4 * room}
    left = max((w for lhs, w in lhs_widths.items() if lhs not in long_lhs), default=0.0)
    rows: list[str] = []
    notes: list[str] = []
    for equation in equations:
        relation_width = RELATION_WIDTH if equation.relation else 0.0
        first = room - left - relation_width
        reason = equation.reason
        tagged = bool(reason)
        first -= TAG_WIDTH if tagged else 0.0
        layout = layout_formula(equation.rhs, first, room - left - relation_width - INDENT)
        texts = [prose_tex(reason)] if reason else []
        texts += [prose_tex(note) for note in layout.notes]
        tag = ""
        if texts:
            notes.append(" ".join(t if t.endswith((".", ")")) else t + "." for t in texts))
            tag = rf" \tag*{{\footnotesize({len(notes)})}}"
        lhs = equation.lhs
        if lhs in long_lhs:
            rows.append(rf"& \symconvfit{{\dimexpr\linewidth-\symconvlhs-1em\relax}}{{{lhs}}}")
            lhs = ""
        for index, row in enumerate(layout.rows):
            extra = 2.0 + (3.0 if tag and index == 0 else 0.0) + (1.0 if row.continued else 0.0)
            fitted = rf"\symconvfit{{\dimexpr\linewidth-\symconvlhs-{extra:g}em\relax}}"
            fitted += f"{{{row.latex}}}"
            if row.continued:
                rows.append(rf"&\quad {fitted}")
            else:
                prefix = f"{lhs} &{equation.relation}" if equation.relation else f"{lhs} &"
                rows.append(f"{prefix} {fitted}".lstrip() + (tag if index == 0 else ""))
    measure = r"\setlength{\symconvlhs}{0pt}" + "".join(
        rf"\symconvleft{{{lhs}}}" for lhs in lhs_widths if lhs not in long_lhs
    )
    out = [measure, r"\begin{align*}", " \\\\\n".join(rows), r"\end{align*}"]
    if notes:
        out.append(r"\begin{symconvnotes}")
        out += [rf"\item[({number})] {text}" for number, text in enumerate(notes, 1)]
        out.append(r"\end{symconvnotes}")
    return "\n".join(out)


def _answer_tex(derivation: Derivation, settings: dict[str, object]) -> str:
    answer = subscript_words(render(derivation.answer, **settings))
    lhs = ""
    if derivation.answer_lhs is not None:
        lhs = subscript_words(render(derivation.answer_lhs, **settings))
    whole = f"{lhs} = {answer}" if lhs else answer
    if width(whole) <= INLINE_ANSWER and not is_tall(whole):
        return rf"\textbf{{Answer:}} ${whole}$"
    display = display_tex([Equation(lhs, "=" if lhs else "", answer)])
    return r"\textbf{Answer:}" + "\n" + display


def _accepted_tex(accepted: Sequence[Accepted], settings: dict[str, object]) -> list[str]:
    if not accepted:
        return []
    items = []
    for alternative in accepted:
        answer = subscript_words(render(alternative.answer, **settings))
        convention = prose_tex(alternative.convention)
        if width(answer) <= INLINE_ANSWER - 100 and not is_tall(answer):
            items.append(rf"  \item ${answer}$ ({convention})")
        else:
            items.append(
                rf"  \item ({convention})" + "\n" + display_tex([Equation("", "", answer)])
            )
    return [
        r"Also accepted:"
        + "\n"
        + r"\begin{itemize}"
        + "\n"
        + "\n".join(items)
        + "\n"
        + r"\end{itemize}"
    ]


def _report_tex(report: CheckReport) -> str:
    return rf"{{\footnotesize\itshape {prose_tex(report.summary())}\par}}"
