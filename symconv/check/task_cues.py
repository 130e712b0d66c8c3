"""The task a document restates is not a claim of its writer.

Students copy the question above their answer: "Ignoring activations, show that the forward
computation $z = Cx$ and the backpropagation $\\delta x = C^{T}\\delta z$ … are transposes of each
other." The math after an imperative *show that* / *prove that* / *verify that* (证明) on the same
line is what the task asks to establish, not something the writer asserts: it is neither a claim
nor an answer. "We show that $…$" (a subject before the verb) is the writer's own claim and stays.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from symconv.check.markdown import Segment
from symconv.core.patterns import lazy_compile

__all__ = ["without_restated_tasks"]

#: An imperative task verb: at the start of the line or of a clause (after punctuation), never
#: after a subject ("we show that" is a claim).
_CLAUSE_BREAK_ZH = (
    "\N{IDEOGRAPHIC FULL STOP}\N{FULLWIDTH SEMICOLON}\N{FULLWIDTH COMMA}\N{FULLWIDTH COLON}"
)
_TASK_CUE = lazy_compile(
    r"(?:^|[.;:,!?]\s*|\*\*\s*)(?:show|prove|verify|demonstrate)\s+that\b"
    rf"|(?:^|[{_CLAUSE_BREAK_ZH}])\s*证明",
    re.IGNORECASE,
)


def without_restated_tasks(segments: Sequence[Segment]) -> list[Segment]:
    """``segments`` less the inline math that follows a task cue on its line.

    >>> from symconv.check.markdown import split_document
    >>> doc = "Show that $z = Cx$ holds.\\n\\nWe show that $y = 2$.\\n"
    >>> [s.text for s in without_restated_tasks(split_document(doc)) if s.kind == "math"]
    ['y = 2']
    """
    cued_from: dict[int, int] = {}  # line -> offset of the first cue's end
    for segment in segments:
        if segment.kind != "text" or segment.line in cued_from:
            continue
        found = _TASK_CUE.search(segment.text.strip() if segment.column == 1 else segment.text)
        if found is not None and (segment.column == 1 or found.start() > 0):
            cued_from[segment.line] = segment.offset
    return [
        segment
        for segment in segments
        if not (
            segment.kind == "math"
            and not segment.display
            and segment.line in cued_from
            and segment.offset > cued_from[segment.line]
        )
    ]
