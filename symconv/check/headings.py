"""Map a document's headings to the parts of a problem set (``check --against``).

People name parts in many ways; each is read into a *label*, a tuple of tokens:

* headings: ``## 习题 5-4``, ``## Exercise 5-4``, ``## 5-4``, ``## Problem 2(c)``, ``## Q3``,
  ``## 3. Complexity``, ``\\section*{Exercise 5-4}`` (LaTeX);
* sub-part markers, relative to the exercise above them: ``### (b)``, ``(2)`` on its own line or
  at the start of a paragraph (``(1) Expand …``), ``**(a)**``, ``a)``, ``Part (b)``;
* numbered lists: ``1. …`` names exercise 1 outside an exercise, part 1 inside one.

A label matches an exercise when its leading tokens are a suffix of the exercise's id that covers
the exercise's own number (``5-4`` and ``4`` both name ``nndl-5-4``; ``1`` does not name
``fd-d1``); the remaining tokens name a part. Sub-part markers map to the set's part ids:
``(2)`` is ``nndl-5-4.2`` in a set numbering ``.1``/``.2`` and ``nyu-cnn-2b`` in one lettering
``a``/``b``; ``(ii)`` is the second part either way.

    >>> heading_label("## 习题 5-4"), heading_label("Problem 2(c):"), heading_label("(b)")
    (Label(tokens=('5', '4'), relative=False), Label(tokens=('2', 'c'), relative=False), \
Label(tokens=('b',), relative=True))
    >>> heading_label("# Chapter 5 exercises") is None
    True

A heading that looks like a label but names no part of the set is *unmatched*; its claims are
still judged context-free.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from symconv.core.patterns import lazy_compile

if TYPE_CHECKING:
    from symconv.check.markdown import Segment
    from symconv.problems.model import Exercise, Part, ProblemSet

MarkerKind = Literal["heading", "paragraph", "list"]

#: Words that introduce an exercise label (English, Chinese, German, French).
_KEYWORDS = (
    r"(?:exercises?|problems?|questions?|ex\.?|prob\.?|task|aufgabe|exercice|"
    r"习题|练习|问题|题目|作业|第|q)"
)
#: ``5-4``, ``5.4``, ``3``, followed by sub-parts ``(c)``, ``c``, ``(ii)``, ``(2)``.
_NUMBER = r"\d+(?:\s*[-–.]\s*\d+)*"
_SUB = r"(?:\s*\(\s*(?:[a-z]|[ivx]{1,4}|\d{1,2})\s*\)|(?<=\d)[a-z](?![a-z]))"
_ABSOLUTE = lazy_compile(
    rf"^(?:{_KEYWORDS}\s*)?(?P<number>{_NUMBER})(?P<subs>(?:{_SUB})*)(?P<rest>.*)$", re.I
)
_RELATIVE = lazy_compile(
    r"^(?:part\s*)?(?:\(\s*(?P<paren>[a-z]\d{0,2}|[ivx]{1,4}|\d{1,2})\s*\)|(?P<bare>[a-z])\s*[).:])"
    r"(?P<rest>.*)$",
    re.I,
)
#: A label led by a letter (``d2`` of the fd set, ``fd-d2``, ``nyu-cnn-2c``): after a keyword or
#: alone on the heading.
_LETTERED = lazy_compile(
    rf"^(?P<keyword>{_KEYWORDS}\s+)?(?P<label>(?:[a-z]+-)*(?:[a-z]\d{{0,2}}|\d+[a-z]?)(?:[-.]\d+[a-z]?)*)"
    r"(?P<rest>.*)$",
    re.I,
)
_PART_WORD = lazy_compile(r"^part\s+(?P<sub>[a-z]|\d{1,2})\b(?P<rest>.*)$", re.I)
#: What may follow a label: nothing, a separator and a title, or a title after a space.
_REST_OK = lazy_compile(r"^(?:$|\s*[:.\-–—)、。题]|\s+\S)")
_TEX_HEADING = lazy_compile(
    r"^\\(?P<command>section|subsection|subsubsection|paragraph|subparagraph)\*?\s*"
    # the title up to its closing brace, or to the first math in it (``$s = 1$`` is a segment
    # of its own, so the heading's text segment ends before it)
    r"\{(?P<title>.*?)(?:\}[^}]*)?$"
)
_TEX_ITEM = lazy_compile(r"^\\item\s*\[(?P<title>[^\]]*)\]")
_BOLD_START = lazy_compile(
    r"^(?:\\noindent\s*)?(?:\*\*|__|\\textbf\s*\{)(?P<title>.+?)(?:\*\*|__|\})"
)
_PARAGRAPH_MARKER = lazy_compile(
    r"^(?:\(\s*(?:[a-z]\d{0,2}|[ivx]{1,4}|\d{1,2})\s*\)|[a-z]\)(?=\s|$))", re.I
)
_LIST_ITEM = lazy_compile(r"^(?P<label>\d{1,2}|[a-z])[.)](?=\s)")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9}
_TEX_LEVELS = {"section": 2, "subsection": 3, "subsubsection": 4, "paragraph": 5, "subparagraph": 6}
#: Levels of markers that are not headings: a bold or parenthesised paragraph start, a list item.
PARAGRAPH_LEVEL, LIST_LEVEL = 7, 8


@dataclass(frozen=True)
class Label:
    """A part label: its tokens, and whether it is relative to the exercise above it."""

    tokens: tuple[str, ...]
    relative: bool


@dataclass(frozen=True)
class Marker:
    """A heading, paragraph marker or list item that may name a part, at a 1-based line."""

    line: int
    text: str
    level: int
    kind: MarkerKind
    label: Label | None
    indent: int = 0


@dataclass(frozen=True)
class Region:
    """Lines ``line`` … ``end_line`` (inclusive) and the exercise/part they answer.

    ``part`` is None for an exercise-level region of an exercise with several parts (its answers
    are matched to the parts by value) and outside any exercise. ``matched`` is False when the
    marker starting the region looks like a part label but names nothing in the set, or is a
    section heading outside every exercise.
    """

    line: int
    end_line: int
    exercise: str | None
    part: str | None
    marker: Marker | None
    matched: bool = True

    @property
    def name(self) -> str:
        """How the report names the region: its part id, else the heading as written."""
        if self.part is not None:
            return self.part
        if self.exercise is not None:
            return self.exercise
        return self.marker.text if self.marker is not None else "(preamble)"


@dataclass(frozen=True)
class PartMap:
    """The regions of a document, in order, covering every line."""

    regions: tuple[Region, ...]

    def region_at(self, line: int) -> Region | None:
        for region in self.regions:
            if region.line <= line <= region.end_line:
                return region
        return None

    def part_at(self, line: int) -> str | None:
        region = self.region_at(line)
        return region.part if region is not None else None

    def exercise_at(self, line: int) -> str | None:
        region = self.region_at(line)
        return region.exercise if region is not None else None

    def regions_of(self, exercise_id: str) -> list[Region]:
        return [r for r in self.regions if r.exercise == exercise_id]

    @property
    def unmatched(self) -> tuple[Region, ...]:
        return tuple(r for r in self.regions if not r.matched)


def _normalise(text: str) -> str:
    """Full-width forms to ASCII (NFKC: a full-width "(1)" → "(1)"), emphasis stripped."""
    text = unicodedata.normalize("NFKC", text).strip()
    text = re.sub(r"^#{1,6}\s*", "", text)
    return text.strip().strip("*_`").strip()


def _tokens(number: str) -> tuple[str, ...]:
    return tuple(t for t in re.split(r"\s*[-–.]\s*", number.strip()) if t)


def heading_label(text: str) -> Label | None:
    """The part label a heading names, or None (a title such as ``Chapter 5 exercises``)."""
    text = _normalise(text)
    if not text:
        return None
    relative = _RELATIVE.match(text)
    if relative:
        sub = (relative.group("paren") or relative.group("bare")).lower()
        return Label(_split_letters(sub), relative=True)
    part_word = _PART_WORD.match(text)
    if part_word and _REST_OK.match(part_word.group("rest")):
        return Label((part_word.group("sub").lower(),), relative=True)
    absolute = _ABSOLUTE.match(text)
    if absolute is not None and _REST_OK.match(absolute.group("rest")):
        subs = re.findall(r"[a-z]+|\d+", absolute.group("subs").lower())
        return Label(_tokens(absolute.group("number")) + tuple(subs), relative=False)
    lettered = _LETTERED.match(text)
    if lettered is not None:
        rest = lettered.group("rest")
        alone = not rest.strip() or re.match(r"^\s*[:.\-–—]", rest)
        label = lettered.group("label")
        if alone:
            return Label(id_tokens(label), relative=False)
    return None


def _split_letters(label: str) -> tuple[str, ...]:
    """``d2`` → ``('d', '2')``; a roman numeral or a single letter stays whole."""
    if label in _ROMAN or not re.search(r"\d", label) or label.isdigit():
        return (label,)
    return id_tokens(label)


def find_markers(segments: Iterable[Segment]) -> list[Marker]:
    """Headings, paragraph markers and list items of a document, from its text segments.

    Only a text segment that starts a line counts (a marker is written first on its line).

    >>> from symconv.check.markdown import split_document
    >>> doc = "## 5-4\\n\\n(1) time: $2 \\\\times 3 = 6$\\n\\n**(b)** shape\\n1. first\\n"
    >>> [(m.line, m.kind, m.label.tokens) for m in find_markers(split_document(doc))]
    [(1, 'heading', ('5', '4')), (3, 'paragraph', ('1',)), (5, 'paragraph', ('b',)), \
(6, 'list', ('1',))]
    """
    markers: list[Marker] = []
    for segment in segments:
        if segment.kind != "text" or segment.column != 1:
            continue
        marker = _marker(segment.text, segment.line)
        if marker is not None:
            markers.append(marker)
    return markers


def _marker(raw: str, line: int) -> Marker | None:
    text = unicodedata.normalize("NFKC", raw).strip()
    heading = re.match(r"^(#{1,6})\s+(.*)$", text)
    if heading:
        title = heading.group(2).strip().rstrip("#").strip()
        return Marker(line, title, len(heading.group(1)), "heading", heading_label(title))
    tex = _TEX_HEADING.match(text)
    if tex:
        title = tex.group("title").strip()
        return Marker(
            line, title, _TEX_LEVELS[tex.group("command")], "heading", heading_label(title)
        )
    item = _TEX_ITEM.match(text)
    if item:
        title = item.group("title").strip()
        label = heading_label(title)
        return Marker(line, title, PARAGRAPH_LEVEL, "paragraph", label) if label else None
    bold = _BOLD_START.match(text)
    if bold:
        title = bold.group("title").strip()
        label = heading_label(title)
        return Marker(line, title, PARAGRAPH_LEVEL, "paragraph", label) if label else None
    paragraph = _PARAGRAPH_MARKER.match(text)
    if paragraph:
        label = heading_label(paragraph.group(0))
        return Marker(line, paragraph.group(0), PARAGRAPH_LEVEL, "paragraph", label)
    listed = _LIST_ITEM.match(text)
    if listed:
        token = listed.group("label").lower()
        indent = len(raw) - len(raw.lstrip(" \t"))
        label = Label((token,), relative=False)
        return Marker(line, listed.group(0), LIST_LEVEL, "list", label, indent)
    return None


# ----------------------------------------------------------------------------------------------
# Matching labels with the set's ids
# ----------------------------------------------------------------------------------------------
def id_tokens(identifier: str) -> tuple[str, ...]:
    """``nyu-cnn-2c`` → ``('nyu', 'cnn', '2', 'c')``; ``nndl-5-4.1`` → ``(…, '5', '4', '1')``.

    >>> id_tokens("nyu-cnn-2c"), id_tokens("fd-d2")
    (('nyu', 'cnn', '2', 'c'), ('fd', 'd', '2'))
    """
    return tuple(t.lower() for t in re.findall(r"\d+|[A-Za-z]+", identifier))


def _part_labels(exercise: Exercise) -> list[tuple[str, ...]]:
    own = id_tokens(exercise.id)
    return [id_tokens(p.id)[len(own) :] for p in exercise.parts]


def _ordinal(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    if token in _ROMAN:
        return _ROMAN[token]
    if len(token) == 1 and token.isalpha():
        return ord(token) - ord("a") + 1
    return None


def resolve_sub(exercise: Exercise, tokens: Sequence[str]) -> Part | None:
    """The part of ``exercise`` a sub-part label names (``('b',)``, ``('2',)``, ``('ii',)``).

    An exercise that is its own single part absorbs every sub-part marker.
    """
    labels = _part_labels(exercise)
    if len(exercise.parts) == 1 and labels[0] == ():
        return exercise.parts[0]
    if not tokens:
        return None
    wanted = tuple(tokens)
    for part, label in zip(exercise.parts, labels, strict=True):
        if label == wanted or (label and label[0] == wanted[0] and len(wanted) == 1):
            return part
    first = wanted[0]
    letters = all(label and label[0].isalpha() for label in labels)
    digits = all(label and label[0].isdigit() for label in labels)
    ordinal = None
    if first in _ROMAN and not (letters and any(label[0] == first for label in labels)):
        ordinal = _ROMAN[first]
    elif (first.isdigit() and letters) or (first.isalpha() and digits):
        ordinal = _ordinal(first)
    if ordinal is not None and 1 <= ordinal <= len(exercise.parts):
        return exercise.parts[ordinal - 1]
    return None


def resolve_absolute(
    problem_set: ProblemSet, tokens: Sequence[str]
) -> tuple[Exercise, Part | None] | None:
    """The exercise (and part, if the label names one) that an absolute label names."""
    tokens = tuple(t.lower() for t in tokens)
    own_set = id_tokens(problem_set.id)
    for length in range(len(tokens), 0, -1):
        head, sub = tokens[:length], tokens[length:]
        for exercise in problem_set.exercises:
            full = id_tokens(exercise.id)
            relative = full[len(own_set) :] if full[: len(own_set)] == own_set else full
            if length < len(relative) or full[-length:] != head:
                continue
            if not sub:
                single = len(exercise.parts) == 1
                return exercise, (exercise.parts[0] if single else None)
            part = resolve_sub(exercise, sub)
            if part is not None:
                return exercise, part
    return None


def map_parts(markers: Sequence[Marker], problem_set: ProblemSet, last_line: int) -> PartMap:
    """Regions of the document, each with the exercise and part it answers (module docstring).

    >>> from symconv.problems.model import Exercise, Part, ProblemSet
    >>> parts = [Part(f"s-3{c}", "", build=lambda: None) for c in "ab"]  # type: ignore
    >>> problem_set = ProblemSet("s", "S", "", [Exercise("s-3", "", "", parts)])
    >>> markers = [Marker(1, "3", 2, "heading", Label(("3",), False)),
    ...            Marker(3, "(2)", 7, "paragraph", Label(("2",), True))]
    >>> [(r.line, r.end_line, r.part) for r in map_parts(markers, problem_set, 5).regions]
    [(1, 2, None), (3, 5, 's-3b')]
    """
    starts: list[tuple[int, str | None, str | None, Marker | None, bool]] = []
    exercise: Exercise | None = None
    exercise_level = 0
    opened_by: Marker | None = None
    #: the last absolute label named a part, not only an exercise
    part_named = False
    for marker in markers:
        label = marker.label
        if marker.kind == "list" and label is not None:
            outer = opened_by is not None and opened_by.kind == "list"
            if outer and opened_by is not None and marker.indent <= opened_by.indent:
                pass  # the next item of the list that numbers the exercises
            elif exercise is not None and len(exercise.parts) > 1:
                label = Label(label.tokens, relative=True)
            elif exercise is not None or not label.tokens[0].isdigit():
                continue
        if label is None:
            if marker.kind == "heading" and (exercise is None or marker.level <= exercise_level):
                exercise, exercise_level = None, marker.level
                starts.append((marker.line, None, None, marker, False))
            continue
        sibling = marker.level <= exercise_level and (opened_by is None or opened_by.kind != "list")
        if label.relative and (exercise is None or sibling):
            # "## (e)" after "## (d1)", or "**(c)**" after "**(a)**": a sibling, not a sub-part
            label = Label(label.tokens, relative=False)
        if label.relative:
            if exercise is None:
                starts.append((marker.line, None, None, marker, False))
                continue
            if part_named and marker.kind != "heading":
                # "(2)" under "\subsection*{nyu-cnn-2c}": a numbered point or note of part 2c
                # (the handout's reasons are numbered so), not a jump to part 2b
                continue
            part = resolve_sub(exercise, label.tokens)
            starts.append(
                (marker.line, exercise.id, part.id if part else None, marker, part is not None)
            )
            continue
        found = resolve_absolute(problem_set, label.tokens)
        if found is None:
            if marker.kind == "heading" or exercise is None or marker.level <= exercise_level:
                exercise, exercise_level = None, marker.level
            starts.append((marker.line, None, None, marker, False))
            continue
        exercise, found_part = found
        exercise_level = marker.level
        opened_by = marker
        part_named = found_part is not None
        starts.append(
            (marker.line, exercise.id, found_part.id if found_part else None, marker, True)
        )
    regions: list[Region] = []
    first = starts[0][0] if starts else last_line + 1
    if first > 1:
        regions.append(Region(1, first - 1, None, None, None, True))
    for index, (line, exercise_id, part_id, start_marker, matched) in enumerate(starts):
        end = starts[index + 1][0] - 1 if index + 1 < len(starts) else max(last_line, line)
        if end < line:
            continue
        regions.append(Region(line, end, exercise_id, part_id, start_marker, matched))
    return PartMap(tuple(regions))
