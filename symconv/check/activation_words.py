r"""Activations said in words: which tensor the document computes from which, entry by entry.

A write-up often says in words what a chain rule through an activation rests on — that ``x`` is
computed from ``z`` entry by entry — instead of writing ``x = f(z)``:

* a dictionary of names, one item each: ``$z^{l}_{n,i,j,f}$ - the input to unit $i,j,f$ of layer
  $l$`` and ``$x^{l}_{n,i,j,f}$ - activation of feature $i,j,f$ of layer $l$``, or ``$x^{(l)}$ -
  value of node on layer l **before** application of activation function`` and ``$y^{(l)}$ -
  value … **after** application of activation function``: one name is a unit's input (its
  pre-activation), the other the same unit's activation — the activation function applied to
  that input;
* one sentence: ``$x^l$ is $z^l$ passed through the activation function``, ``$a$ is the
  activation of $z$``, ``$a$ is obtained by applying $\sigma$ to each entry of $z$``, ``applying
  the activation function element-wise to $z$ gives $a$``, and ``where $z$ is the input to layer
  $l$ and $x^l$ is the same input passed through the activation function``.

Each is read only where the words name the activation (function) or say entry by entry, the two
names have as many indices (the same unit), and, for a dictionary pair, the same layer tag. An
activation function acts on each entry by itself (Goodfellow et al., *Deep Learning*, §6.3: "an
element-wise nonlinear function"), except softmax, whose entries each read the whole vector: a
document that mentions softmax gets no activation from words (its output layer may be one).

    >>> from symconv.check.markdown import split_document
    >>> from symconv.check.parser import parse_math
    >>> doc = ("* $z^{l}_{i}$ - the input to unit $i$ of layer $l$\n"
    ...        "* $x^{l}_{i}$ - activation of unit $i$ of layer $l$\n")
    >>> segments = split_document(doc)
    >>> parses = {k: parse_math(s.text) for k, s in enumerate(segments) if s.kind == "math"}
    >>> [(a.output, a.input, a.rank, a.lines) for a in activations_in_words(segments, parses)]
    [('x^{(l)}', 'z^{(l)}', 1, (1, 2))]
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from symconv.check.document_gradients import canonical_name, layer_tag
from symconv.check.parsed import Chain
from symconv.core.patterns import TextPattern, lazy_compile
from symconv.grad.notation import split_gradient_label

__all__ = ["WordActivation", "activations_in_words"]


@dataclass(frozen=True)
class WordActivation:
    """``output`` is computed from ``input`` entry by entry, as the words on ``lines`` say
    (``how``); it holds after the segment of index ``segment``. Names are canonical
    (:func:`~symconv.check.document_gradients.canonical_name`); ``rank`` is the number of
    indices they are written with (0: written alone)."""

    output: str
    input: str
    rank: int
    lines: tuple[int, ...]
    segment: int
    how: str


#: A name in the words: ``⟦3⟧`` is the lone name of segment 3; ``⟨m⟩`` any other math.
_NAME = r"⟦(\d+)⟧"
_OTHER = "⟨m⟩"
_LIST_ITEM = lazy_compile(r"\s*(?:[-*+]\s|\d+[.)]\s)")
_HEADING = lazy_compile(r"\s{0,3}#{1,6}\s")
_SENTENCE_END = lazy_compile(r"[.!?](?=\s|$)|[;\u3002]")
_EMPHASIS = lazy_compile(r"\*{1,2}|(?<!\w)_{1,2}|_{1,2}(?!\w)")
_SOFTMAX = lazy_compile(r"soft-?max", re.IGNORECASE)

_UNIT = r"(?:the\s+)?(?:unit|node|neuron|feature|cell)s?"
_ACTIVATION_FUNCTION = (
    r"(?:the|an|its|their)\s+(?:non-?linear\s+)?(?:activation(?:\s+function)?|non-?linearity)"
)
#: A dictionary item's description of a unit's input (its pre-activation).
_BEFORE = lazy_compile(
    rf"\b(?:(?:weighted|net|total)\s+)?input\s+(?:to|of|into)\s+{_UNIT}"
    r"|\bpre-?activation"
    r"|\bbefore\s+(?:the\s+)?(?:application\s+of\s+(?:the\s+|an\s+)?)?activation",
    re.IGNORECASE,
)
#: A dictionary item's description of a unit's activation (the function applied to its input).
_AFTER = lazy_compile(
    rf"\bactivation\s+(?:value\s+)?of\s+{_UNIT}"
    r"|\bafter\s+(?:the\s+)?(?:application\s+of\s+(?:the\s+|an\s+)?)?activation"
    r"|\boutput\s+of\s+the\s+activation\s+function",
    re.IGNORECASE,
)
_ITEM = lazy_compile(
    rf"^\s*(?:[-*+]|\d+[.)])?\s*{_NAME}\s*(?:[-–—:]|\bis\b)\s*(?P<words>.*)$", re.S
)
_ENTRYWISE = r"(?:element-?wise|entry-?wise|component-?wise|entry\s+by\s+entry|pointwise)"
_EACH = r"(?:each|every)\s+(?:entry|element|component|unit)\s+of\s+"
#: One sentence: the output is the input passed through the activation function, and the like.
_SENTENCES: tuple[tuple[TextPattern, str], ...] = tuple(
    (lazy_compile(pattern, re.IGNORECASE), how)
    for pattern, how in (
        (
            rf"{_NAME}\s+is\s+(?:the\s+same\s+input|{_NAME})\s+(?:passed\s+through|after)\s+"
            rf"{_ACTIVATION_FUNCTION}",
            "passed through the activation function",
        ),
        (
            rf"{_NAME}\s+is\s+(?:the|an)\s+(?:element-?wise\s+)?activation\s+of\s+{_NAME}",
            "the activation of",
        ),
        (
            rf"{_NAME}\s+is\s+(?:obtained|computed|given)\s+by\s+applying\s+(?:"
            rf"{_ACTIVATION_FUNCTION}|{_NAME}|{_OTHER})\s*(?:{_ENTRYWISE}\s+)?to\s+{_EACH}{_NAME}",
            "the function applied to each entry of",
        ),
        (
            rf"{_NAME}\s+is\s+(?:obtained|computed|given)\s+by\s+applying\s+(?:"
            rf"{_ACTIVATION_FUNCTION}|{_NAME}|{_OTHER})\s+{_ENTRYWISE}\s+to\s+{_NAME}",
            "the function applied to each entry of",
        ),
        (
            rf"applying\s+(?:{_ACTIVATION_FUNCTION}|{_NAME}|{_OTHER})\s+(?:{_ENTRYWISE}\s+)?"
            rf"to\s+(?:{_EACH})?{_NAME}\s+(?:{_ENTRYWISE}\s+)?(?:gives|yields|produces)\s+{_NAME}",
            "the function applied to each entry of",
        ),
    )
)
#: ``where $z$ is the input to layer $l$``: what "the same input" refers to.
_THE_INPUT = lazy_compile(rf"{_NAME}\s+is\s+the\s+input\s+(?:to|of)\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Name:
    label: str
    rank: int


def activations_in_words(
    segments: Sequence[Any], parses: Mapping[int, Any]
) -> list[WordActivation]:
    """The activations a document states in words (module docstring), in document order."""
    if any(_SOFTMAX.search(s.text) for s in segments):
        return []
    names = {k: n for k, s in enumerate(segments) if (n := _lone_name(s, parses.get(k)))}
    found: list[WordActivation] = []
    for block in _list_blocks(segments):
        found.extend(_dictionary_pairs(block, segments, names))
    for sentence in _sentences(segments, names):
        found.extend(_sentence_activations(sentence, segments, names))
    return sorted(found, key=lambda a: a.segment)


def _lone_name(segment: Any, parsed: Any) -> _Name | None:
    """The tensor a math segment consists of alone (``$z^{l}_{n,i,j,f}$``, ``$x^l$``)."""
    if segment.kind != "math" or parsed is None or not hasattr(parsed, "statements"):
        return None
    if len(parsed.statements) != 1 or not isinstance(parsed.statements[0], Chain):
        return None
    chain = parsed.statements[0]
    if chain.relations or len(chain.sides) != 1 or chain.sides[0] is None:
        return None
    expr = chain.sides[0].expr
    if isinstance(expr, sp.Indexed) and split_gradient_label(str(expr.base.label)) is None:
        return _Name(canonical_name(str(expr.base.label)), len(expr.indices))
    if isinstance(expr, sp.Symbol):
        return _Name(canonical_name(expr.name), 0)
    return None


# ----------------------------------------------------------------------------------------------
# Pieces of prose: list items and sentences, math written as ⟦k⟧ / ⟨m⟩
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Piece:
    """Words with their math as marks, and the segments they span."""

    words: str
    first: int
    last: int


def _marked(segments: Sequence[Any], indices: Sequence[int], names: Mapping[int, _Name]) -> str:
    parts = []
    for k in indices:
        segment = segments[k]
        if segment.kind == "math":
            parts.append(f"⟦{k}⟧" if k in names else _OTHER)
        elif segment.kind == "text":
            parts.append(_EMPHASIS.sub("", segment.text))
    return "".join(parts)


def _list_blocks(segments: Sequence[Any]) -> list[list[list[int]]]:
    """Runs of consecutive list items (a blank line or other text ends a run), each item the
    indices of its segments (its first line)."""
    blocks: list[list[list[int]]] = []
    item: list[int] | None = None
    last_line = 0
    for k, segment in enumerate(segments):
        starts = segment.kind == "text" and segment.column == 1
        if starts and _LIST_ITEM.match(segment.text) and not _HEADING.match(segment.text):
            if item is None or segment.line > last_line + 1:
                blocks.append([])
            item = [k]
            blocks[-1].append(item)
        elif (
            item is not None
            and segment.line == last_line
            and segment.cell == segments[item[0]].cell
        ):
            item.append(k)
        else:
            item = None
        last_line = segment.end_line
    return blocks


def _sentences(segments: Sequence[Any], names: Mapping[int, _Name]) -> list[_Piece]:
    """Sentences of the prose (a list item, a heading, a blank line or a display ends one)."""
    pieces: list[_Piece] = []
    current: list[tuple[int, str]] = []
    last_line = 0

    def close() -> None:
        if current:
            pieces.append(_Piece("".join(w for _, w in current), current[0][0], current[-1][0]))
            current.clear()

    for k, segment in enumerate(segments):
        if segment.line > last_line + 1 or segment.display or segment.kind == "code":
            close()
        if (
            segment.kind == "text"
            and segment.column == 1
            and (_LIST_ITEM.match(segment.text) or _HEADING.match(segment.text))
        ):
            close()
        last_line = segment.end_line
        if segment.kind != "text":
            if not segment.display and segment.kind == "math":
                current.append((k, f"⟦{k}⟧" if k in names else _OTHER))
            continue
        text = _EMPHASIS.sub("", segment.text)
        start = 0
        for end in _SENTENCE_END.finditer(text):
            current.append((k, text[start : end.end()]))
            close()
            start = end.end()
        if text[start:]:
            current.append((k, text[start:]))
    close()
    return pieces


# ----------------------------------------------------------------------------------------------
# The two forms
# ----------------------------------------------------------------------------------------------
def _dictionary_pairs(
    block: list[list[int]], segments: Sequence[Any], names: Mapping[int, _Name]
) -> list[WordActivation]:
    """One unit's input and its activation described in the same list (same layer, rank)."""
    described: list[tuple[str, int, int]] = []  # (role, segment of the name, last segment)
    for item in block:
        match = _ITEM.match(_marked(segments, item, names))
        if match is None:
            continue
        words = match.group("words")
        before, after = _BEFORE.search(words), _AFTER.search(words)
        if (before is None) == (after is None):
            continue
        described.append(("input" if before else "output", int(match.group(1)), item[-1]))
    found = []
    for role, k, last in described:
        if role != "output":
            continue
        output = names[k]
        inputs = [
            (j, end)
            for other, j, end in described
            if other == "input"
            and names[j].rank == output.rank
            and layer_tag(names[j].label) == layer_tag(output.label)
            and names[j].label != output.label
        ]
        if len(inputs) != 1:
            continue  # none, or several inputs at that layer: which one?
        j, end = inputs[0]
        lines = tuple(sorted({segments[j].line, segments[k].line}))
        found.append(
            WordActivation(
                output.label, names[j].label, output.rank, lines, max(last, end),
                f"{output.label} is the activation of the unit whose input is {names[j].label}"
                f" ({_lines_text(lines)})",
            )
        )  # fmt: skip
    return found


def _sentence_activations(
    sentence: _Piece, segments: Sequence[Any], names: Mapping[int, _Name]
) -> list[WordActivation]:
    found = []
    for pattern, how in _SENTENCES:
        for match in pattern.finditer(sentence.words):
            marks = [int(g) for g in match.groups() if g is not None]
            if pattern is _SENTENCES[4][0]:
                marks = marks[-2:][::-1]  # applying … to z gives x: (x, z)
            else:
                marks = [marks[0], marks[-1]] if len(marks) > 1 else marks
            if len(marks) == 1 or (len(marks) == 2 and marks[0] == marks[1]):
                # "x is the same input passed through the activation function": the input named
                # earlier in the sentence ("where z is the input to layer l")
                earlier = _THE_INPUT.findall(sentence.words[: match.start()])
                if not earlier:
                    continue
                marks = [marks[0], int(earlier[-1])]
            out, into = (names.get(m) for m in marks[:2])
            if out is None or into is None or out.label == into.label:
                continue
            if out.rank and into.rank and out.rank != into.rank:
                continue
            line = segments[marks[0]].line
            found.append(
                WordActivation(
                    out.label, into.label, max(out.rank, into.rank), (line,), sentence.last,
                    (
                        f"{out.label} is {how} {into.label}"
                        if how != "passed through the activation function"
                        else f"{out.label} is {into.label} {how}"
                    )
                    + f" (line {line})",
                )
            )  # fmt: skip
    return found


def _lines_text(lines: Sequence[int]) -> str:
    if len(lines) == 1:
        return f"line {lines[0]}"
    return f"lines {lines[0]}–{lines[-1]}"
