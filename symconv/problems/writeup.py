"""Write-ups of solved exercises, one document per request (:class:`Handout`) in every format:

* Markdown — one page (GitHub/Jupyter MathJax): the set's title, source and conventions, each
  exercise a ``##`` section, each part a ``###`` section;
* LaTeX — one standalone document for pdflatex (:mod:`symconv.problems.render_tex`);
* JSON — one object: the set, its exercises, each with its parts (``docs/solve-report.md``).

Each part is checked before it is printed; the report goes into the write-up (a ``checked:`` line
in Markdown and LaTeX, the ``checks`` list in JSON). ``no_answers=True`` gives the problem sheet:
statements and questions only (with an answer space in LaTeX; empty answer fields in JSON).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from symconv.core.derivation import CheckReport, render
from symconv.problems.handout import Handout, RenderOptions
from symconv.problems.model import Exercise, Part, ProblemSet
from symconv.problems.prose import prose_markdown

#: Version of the document ``document_json`` writes (2: one object per request, the set at the
#: top; 1 was one object per exercise). The part objects are unchanged.
DOCUMENT_SCHEMA_VERSION = 2

Format = Literal["md", "tex", "json"]

__all__ = [
    "DOCUMENT_SCHEMA_VERSION",
    "Handout",
    "RenderOptions",
    "document",
    "document_json",
    "document_markdown",
    "document_tex",
    "exercise_markdown",
]


def document(handout: Handout, fmt: Format) -> str:
    """The handout as text in one format (``md``, ``tex`` or ``json``)."""
    if fmt == "md":
        return document_markdown(handout)
    if fmt == "tex":
        return document_tex(handout)
    return json.dumps(document_json(handout), indent=2, ensure_ascii=False) + "\n"


# -- LaTeX -------------------------------------------------------------------------------------
def document_tex(handout: Handout) -> str:
    """The handout as one standalone LaTeX document
    (:func:`symconv.problems.render_tex.document_tex`)."""
    # Imported here: the LaTeX layout (render_tex, tex_math) is loaded by the commands that
    # write LaTeX only — a Markdown or JSON write-up starts faster without it.
    from symconv.problems.render_tex import document_tex as render_document

    return render_document(handout)


# -- Markdown ----------------------------------------------------------------------------------
def document_markdown(handout: Handout) -> str:
    """One Markdown page: the set's title, source and conventions, then each exercise."""
    problem_set = handout.problem_set
    lines = [f"# {prose_markdown(problem_set.title or problem_set.id)}", ""]
    if problem_set.source:
        lines += [f"*Source: {prose_markdown(problem_set.source)}*", ""]
    if problem_set.conventions:
        lines += ["Conventions:", ""]
        lines += [f"- {prose_markdown(c)}" for c in problem_set.conventions]
        lines.append("")
    for exercise, parts in handout.exercises:
        lines.append(_exercise_body(exercise, parts, handout.reports, handout.options, level=2))
    return "\n".join(lines).rstrip() + "\n"


def exercise_markdown(
    problem_set: ProblemSet,
    exercise: Exercise,
    parts: Sequence[Part],
    reports: Mapping[str, CheckReport],
    options: RenderOptions,
) -> str:
    """One exercise as a Markdown page of its own (``# id: title``, a ``##`` per part)."""
    source = [f"*Source: {prose_markdown(problem_set.source)}*", ""] if problem_set.source else []
    body = _exercise_body(exercise, parts, reports, options, level=1, after_heading=source)
    return body.rstrip() + "\n"


def _exercise_body(
    exercise: Exercise,
    parts: Sequence[Part],
    reports: Mapping[str, CheckReport],
    options: RenderOptions,
    level: int,
    after_heading: Sequence[str] = (),
) -> str:
    lines = [f"{'#' * level} {exercise.id}: {prose_markdown(exercise.title)}", "", *after_heading]
    if exercise.variant_note:
        lines += [f"*{exercise.variant_note}*", ""]
    if exercise.statement:
        lines += [prose_markdown(exercise.statement), ""]
    for part in parts:
        lines += [f"{'#' * (level + 1)} {part.id}", ""]
        if part.question:
            lines += ["> " + prose_markdown(part.question).replace("\n", "\n> "), ""]
        if options.no_answers:
            continue
        derivation = part.solution.derivation
        lines.append(derivation.markdown(reports.get(part.id), **options.settings()))
        accepted = part.solution.accepted
        if accepted:
            lines.append("Also accepted:")
            lines += [
                f"- ${render(a.answer, **options.settings())}$ ({a.convention})" for a in accepted
            ]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# -- JSON --------------------------------------------------------------------------------------
#: The part fields that hold an answer or a step: empty under ``--no-answers``.
ANSWER_FIELDS = ("steps", "answer_latex", "answer_srepr", "accepted", "misconceptions", "checks")


def document_json(handout: Handout) -> dict[str, Any]:
    """One object: the set, its chosen exercises, each with its chosen parts (the part objects
    of DESIGN.md's contract, unchanged; see ``docs/solve-report.md``)."""
    problem_set = handout.problem_set
    return {
        "schema_version": DOCUMENT_SCHEMA_VERSION,
        "id": problem_set.id,
        "title": problem_set.title,
        "source": problem_set.source,
        "conventions": list(problem_set.conventions),
        "answers": not handout.options.no_answers,
        "exercises": [
            _exercise_json(handout, exercise, parts) for exercise, parts in handout.exercises
        ],
    }


def _exercise_json(handout: Handout, exercise: Exercise, parts: Sequence[Part]) -> dict[str, Any]:
    """An exercise object; ``variant`` (the student and the drawn data) only for an exercise
    whose data is drawn per student."""
    document: dict[str, Any] = {
        "id": exercise.id,
        "title": exercise.title,
        "statement": exercise.statement,
        "source": exercise.source,
        "conventions": list(exercise.conventions),
    }
    if exercise.variant is not None:
        document["variant"] = exercise.variant.to_json()
    document["parts"] = [_part_json(handout, part) for part in parts]
    return document


def _part_json(handout: Handout, part: Part) -> dict[str, Any]:
    if handout.options.no_answers:
        empty: dict[str, Any] = {"id": part.id, "question": part.question}
        empty.update({name: "" if name.startswith("answer") else [] for name in ANSWER_FIELDS})
        return empty
    return part.to_json(handout.reports.get(part.id), **handout.options.settings())
