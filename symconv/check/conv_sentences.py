"""The sentences of a document's prose, and what each fixes about the convolution it is about.

:mod:`symconv.check.conv_words` reads facts of convolution arithmetic from sentences; this module
gives it the sentences and the sizes in force:

* :func:`sentences` — the prose cut into sentences (a hard-wrapped paragraph is one text; a list
  item, a line ending in a Markdown hard break, a heading ends one), each with its inline math
  as placeholders ``⟨0⟩``, ``⟨1⟩`` … (:attr:`Sentence.maths` holds the math), TeX markup as
  words, and the sections it is in;
* :func:`amount` — a count as written: ``2``, *two*, *a single*, ``$f_h - 1$``, *kernel size − 1*;
* :class:`InForce` — the kernel, stride, padding and dilation the sentences so far have fixed,
  each in force in its section and the sections under it; a size said under *if* or *when* fixes
  nothing (*If we had used a different stride, …* is about every other stride).

    >>> from symconv.check.markdown import split_document
    >>> doc = ("## Backward\\n\\nConsider a $3 \\\\times 3$ kernel and\\na stride of 1. If we "
    ...        "had used a different stride, the result would differ.\\n")
    >>> found = sentences(split_document(doc))
    >>> [(s.line, s.end_line, s.text) for s in found]
    [(3, 4, 'Consider a ⟨0⟩ kernel and a stride of 1.'), \
(4, 4, 'If we had used a different stride, the result would differ.')]
    >>> force = InForce(found)
    >>> conv = force.at(found[1])
    >>> [pin.value for pin in conv.kernel], conv.stride.value, force.condition(found[1])
    ([3, 3], 1, 2)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from symconv.check.conv_facts import ConvInForce, Pinned
from symconv.check.lines import SourceLine, source_lines
from symconv.check.markdown import Segment
from symconv.core.patterns import lazy_compile
from symconv.errors import ParseError

__all__ = [
    "AMOUNT",
    "BACKWARD",
    "CONDITION",
    "SHAPE",
    "STRIDE",
    "InForce",
    "Sentence",
    "amount",
    "kernel_in",
    "math_name",
    "math_value",
    "plain_letters",
    "section_map",
    "sentences",
    "shape_of",
    "sizes_of",
]


@dataclass(frozen=True)
class Sentence:
    """One sentence: its words with each inline math as ``⟨n⟩`` (``maths[n]`` is the math, without
    delimiters, ``segments[n]`` the index of its segment), its lines, its place in the
    document."""

    text: str
    maths: tuple[str, ...]
    line: int
    end_line: int
    cell: int | None
    segments: tuple[int, ...]
    sections: tuple[int, ...]  # the headings it is under, outermost first
    paragraph: int
    order: int
    list_item: bool = False
    headings: tuple[str, ...] = field(default=(), compare=False)

    def math_of(self, placeholder: str) -> str | None:
        """The math a placeholder ``⟨n⟩`` stands for."""
        match = re.fullmatch(r"⟨(\d+)⟩", placeholder.strip())
        return self.maths[int(match.group(1))] if match is not None else None

    def within(self, other: Sentence) -> bool:
        """True if this sentence is in ``other``'s section or a section under it."""
        return self.sections[: len(other.sections)] == other.sections

    def spoken(self, text: str | None = None) -> str:
        """The sentence (or ``text``, a part of it) with its math written back between ``$``."""
        return re.sub(
            r"⟨(\d+)⟩",
            lambda m: f"${self.maths[int(m.group(1))]}$",
            self.text if text is None else text,
        )


# ----------------------------------------------------------------------------------------------
# Sentences
# ----------------------------------------------------------------------------------------------
_LIST_ITEM = lazy_compile(r"^\s*(?:>\s*)*(?:[-*+]|\d+[.)])\s+")
_QUOTE = lazy_compile(r"^\s*(?:>\s*)+")
_HARD_BREAK = lazy_compile(r"(?: {2,}|\\\\)\s*$")
_TABLE_ROW = lazy_compile(r"^\s*\|")
#: TeX markup read as its words: ``\textit{flipped}`` → ``flipped``; references dropped.
_TEX_WORDS = (
    (lazy_compile(r"\\(?:cite|label|ref|eqref|autoref|cref|Cref)\*?\s*\{[^{}]*\}"), ""),
    (lazy_compile(r"\\(?:textit|textbf|emph|texttt|textrm|text|underline)\s*\{([^{}]*)\}"), r"\1"),
    (lazy_compile(r"``|''"), '"'),
    (lazy_compile(r"\\(?:,|;|!| )"), " "),
    (lazy_compile(r"\*\*|__|`"), ""),
    (lazy_compile("[\u201c\u201d]"), '"'),
    (lazy_compile("[\u2018\u2019]"), "'"),
)
#: A sentence ends at . ! ? before a space or the end (not after e.g., i.e., w.r.t., etc., Fig.).
_END = lazy_compile(
    r"(?<![A-Za-z]\.[A-Za-z])(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bFig)"
    "[.!?\u3002\uff01\uff1f](?=\\s|$)"
)


def _words(text: str) -> str:
    for pattern, replacement in _TEX_WORDS:
        text = pattern.sub(replacement, text)
    return text


@dataclass
class _Open:
    """A sentence being assembled."""

    parts: list[str] = field(default_factory=list)
    maths: list[str] = field(default_factory=list)
    segments: list[int] = field(default_factory=list)
    line: int = 0
    end_line: int = 0

    def add(self, line: SourceLine, text: str, maths: list[str], segments: list[int]) -> None:
        if not maths and not text.strip():
            return  # the space after a sentence's end: the next sentence starts later
        if not self.parts:
            self.line = line.line
        self.end_line = line.line
        offset = len(self.maths)
        self.parts.append(re.sub(r"⟨(\d+)⟩", lambda m: f"⟨{int(m.group(1)) + offset}⟩", text))
        self.maths.extend(maths)
        self.segments.extend(segments)


def sentences(segments: Sequence[Segment]) -> list[Sentence]:
    """The document's prose as sentences, in order (tables, code and displays are no prose)."""
    found: list[Sentence] = []
    stack: list[tuple[int, int, str]] = []  # (level, heading id, heading text)
    paragraph = 0
    previous: SourceLine | None = None
    pending = _Open()
    list_item = False

    def close() -> None:
        nonlocal pending
        text = " ".join(part.strip() for part in pending.parts).strip()
        if text:
            found.append(
                Sentence(
                    re.sub(r"\s+", " ", text),
                    tuple(pending.maths),
                    pending.line,
                    pending.end_line,
                    previous.cell if previous is not None else None,
                    tuple(pending.segments),
                    tuple(h for _, h, _ in stack),
                    paragraph,
                    len(found),
                    list_item,
                    tuple(t for _, _, t in stack),
                )
            )
        pending = _Open()

    for line in source_lines(segments):
        raw = line.text
        level = line.heading
        breaks = (
            previous is None
            or previous.cell != line.cell
            or line.line != previous.line + 1
            or level is not None
            or _LIST_ITEM.match(raw) is not None
            or _TABLE_ROW.match(raw) is not None
            or _HARD_BREAK.search(previous.text) is not None
        )
        if breaks:
            close()
            paragraph += 1
            list_item = _LIST_ITEM.match(raw) is not None
        previous = line
        if level is not None:
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, line.line, _words(raw)))
            continue
        if _TABLE_ROW.match(raw) or raw.lstrip().startswith("$$"):
            continue
        for text, maths, pieces in _line_parts(line):
            if text == "\n":
                close()
            else:
                pending.add(line, text, maths, pieces)
    close()
    return found


def section_map(segments: Sequence[Segment]) -> dict[tuple[int | None, int], tuple[int, ...]]:
    """The headings each line of prose is under (as :attr:`Sentence.sections`), by (cell, line)."""
    stack: list[tuple[int, int]] = []
    found: dict[tuple[int | None, int], tuple[int, ...]] = {}
    for line in source_lines(segments):
        level = line.heading
        if level is not None:
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, line.line))
        found[(line.cell, line.line)] = tuple(h for _, h in stack)
    return found


def _line_parts(line: SourceLine) -> list[tuple[str, list[str], list[int]]]:
    """The line's words and math in order, cut where a sentence ends (``"\\n"`` marks an end)."""
    text_parts: list[str] = []
    maths: list[str] = []
    segments: list[int] = []
    out: list[tuple[str, list[str], list[int]]] = []
    for index, piece in enumerate(line.pieces):
        if piece.kind == "math":
            math = piece.text
            for opening, closing in (("$$", "$$"), ("$", "$"), ("\\(", "\\)")):
                if math.startswith(opening) and math.endswith(closing) and len(math) > 1:
                    math = math[len(opening) : len(math) - len(closing)]
                    break
            text_parts.append(f"⟨{len(maths)}⟩")
            maths.append(math)
            segments.append(piece.segment)
            continue
        words = piece.text
        if index == 0:
            words = _LIST_ITEM.sub("", _QUOTE.sub("", words))
        words = _words(words)
        start = 0
        for end in _END.finditer(words):
            text_parts.append(words[start : end.end()])
            out.append(("".join(text_parts), maths, segments))
            out.append(("\n", [], []))
            text_parts, maths, segments = [], [], []
            start = end.end()
        text_parts.append(words[start:])
    if text_parts:
        out.append(("".join(text_parts), maths, segments))
    return out


# ----------------------------------------------------------------------------------------------
# Counts and sizes as written
# ----------------------------------------------------------------------------------------------
_NUMBER_WORDS = {
    "zero": 0, "no": 0, "one": 1, "a single": 1, "a": 1, "an": 1, "two": 2, "three": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
#: A count as a sentence writes it (a placeholder, digits, a number word, a size in words).
AMOUNT = (
    r"(?:⟨\d+⟩|\d+|zero|one|two|three|four|five|six|seven|eight|nine|ten|a\s+single"
    r"|(?:the\s+)?(?:kernel|filter|stride)(?:\s+(?:size|width|height))?\s*(?:-|−|–|minus)\s*(?:1|one)"
    r"|(?<![\w'])[A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?\s*[-−–]\s*\d+(?![\w.]))"
)
#: A size in letters written as plain text: ``s − 1``, ``f_h - 1``.
_PLAIN_LETTERS = lazy_compile(r"[A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?\s*[-−–]\s*\d+")
_SIZE_MINUS = lazy_compile(
    r"(?:the\s+)?(kernel|filter|stride)(?:\s+(?:size|width|height))?\s*(?:-|−|–|minus)\s*(?:1|one)",
    re.IGNORECASE,
)
#: The letter a size in words stands for (the letters of :mod:`symconv.check.judges.words`).
WORD_LETTERS = {"kernel": "k", "filter": "k", "stride": "s"}


def amount(sentence: Sentence, text: str) -> Any:
    """The value of a count as written (None if it is none): an Integer, or an expression in
    the writer's letters (a size in words, *kernel size − 1*, is ``k - 1``).

    >>> s = Sentence("pad ⟨0⟩ rows", ("f_h - 1",), 1, 1, None, (), (), 1, 0)
    >>> amount(s, "⟨0⟩"), amount(s, "two"), amount(s, "kernel size - 1"), amount(s, "s − 1")
    (f_h - 1, 2, k - 1, s - 1)
    >>> amount(s, "many") is None
    True
    """
    written = text
    text = re.sub(r"\s+", " ", text.strip().lower())
    if text.isdigit():
        return sp.Integer(int(text))
    if text in _NUMBER_WORDS:
        return sp.Integer(_NUMBER_WORDS[text])
    words = _SIZE_MINUS.fullmatch(text)
    if words is not None:
        return sp.Symbol(WORD_LETTERS[words.group(1)]) - 1
    original = re.sub(r"\s+", " ", written.strip())
    if _PLAIN_LETTERS.fullmatch(original):
        return math_value(re.sub("[−–]", "-", original))
    math = sentence.math_of(text)
    if math is None:
        return None
    shape = shape_of(math)
    if shape is not None:  # a size per axis: one count if they agree (a stride of 2 × 2)
        return shape[0] if len(set(shape)) == 1 else None
    return math_value(math)


def math_value(math: str) -> Any:
    """The value of a math as the checker's parser reads it (None: not an expression)."""
    from symconv.check.parser import parse_expression

    try:
        value = parse_expression(math)
    except ParseError:
        return None
    return plain_letters(value) if isinstance(value, sp.Expr) else None


def plain_letters(value: Any) -> Any:
    """``value`` with each letter written with a subscript as one symbol: the parser reads
    ``m_h`` as the entry ``m[h]`` of a tensor; as a size it is the letter ``m_h``.

    >>> from sympy import IndexedBase, Symbol
    >>> plain_letters(IndexedBase("m")[Symbol("h")] + 1)
    m_h + 1
    """
    found = {}
    for entry in value.atoms(sp.Indexed):
        indices = [str(index) for index in entry.indices]
        if all(re.fullmatch(r"[A-Za-z0-9]+", index) for index in indices):
            script = indices[0] if len(indices) == 1 else "{" + "".join(indices) + "}"
            found[entry] = sp.Symbol(f"{entry.base.label}_{script}")
    return value.xreplace(found) if found else value


def shape_of(math: str) -> tuple[Any, ...] | None:
    """The factors of a shape written in math (``3 \\times 3``, ``f_h \\times f_w``), or None."""
    from symconv.check.parser import parse_shape

    if "\\times" not in math and "×" not in math:
        return None
    try:
        factors = parse_shape(math)
    except ParseError:
        return None
    if all(isinstance(f, sp.Expr) for f in factors):
        return tuple(plain_letters(f) for f in factors)
    return None


_MATH_NAME = lazy_compile(
    r"^\s*(?:\\frac\s*\{\s*\\partial\s*[^{}]*(?:\{[^{}]*\}[^{}]*)*\}\s*\{\s*\\partial\s*)?"
    r"(?:\\(?:mathbf|mathcal|mathrm|boldsymbol|bm)\s*\{\s*)?([A-Za-z])(?![A-Za-z])"
)


def math_name(math: str) -> str | None:
    """The name of the map a math names: ``Z(k)`` → ``Z``; ``\\frac{\\partial L}{\\partial Z}`` →
    ``Z``.

    >>> math_name("Z(k)"), math_name("\\\\frac{\\\\partial \\\\mathcal{L}}{\\\\partial Z(i, j, k)}")
    ('Z', 'Z')
    """
    match = _MATH_NAME.match(math)
    return match.group(1) if match is not None else None


# ----------------------------------------------------------------------------------------------
# What is in force
# ----------------------------------------------------------------------------------------------
_SHAPE_WORDS = r"(?:⟨\d+⟩|\d+\s*(?:x|×|\*)\s*\d+)"
_KERNEL_NOUN = r"(?:convolution(?:al)?\s+|conv\s+|flipped\s+|original\s+)?(?:kernel|filter)s?\b"
_KERNEL_BEFORE = lazy_compile(rf"({_SHAPE_WORDS})\s+{_KERNEL_NOUN}", re.IGNORECASE)
_KERNEL_AFTER = lazy_compile(
    r"\b(?:kernel|filter)s?\s+(?:of\s+size\s+|(?:size|width)\s*(?:of\s+|is\s+|=\s*|:\s*)?)"
    rf"({_SHAPE_WORDS}|\d+)"
    rf"|\b(?:kernel|filter)s?\s+({_SHAPE_WORDS})",
    re.IGNORECASE,
)
#: A stride as a sentence states it: *stride 2*, *a stride of 2*, *the stride used in the
#: original convolution was 1*.
STRIDE = lazy_compile(
    r"\bstrides?(?:\s+size)?(?:\s+(?:used|of|in|for)\b[^,;:.!?]{0,60}?\s+(?:is|was|=|equals)"
    r"|\s*(?:used\s+)?(?:is|was|of|=|:))?\s*(?:a\s+|an\s+|only\s+)?"
    r"(⟨\d+⟩|\d+|one|two|three|four)(?!\w)(?!\s*(?:[x×*]|\\times))",
    re.IGNORECASE,
)
_STRIDE_ABOVE = lazy_compile(
    r"\bstrides?\s*(?:s\s*)?(?:>|is\s+(?:greater|larger|bigger|more)\s+than|above|exceeding)\s*"
    r"(\d+|one|two)"
    r"|\bstrides?\s+(?:greater|larger|bigger|more)\s+than\s+(\d+|one|two)",
    re.IGNORECASE,
)
_STRIDE_OTHER = lazy_compile(
    r"\b(?:a\s+)?(?:different|another|other|larger|bigger)\s+strides?\b", re.IGNORECASE
)
_DILATION = lazy_compile(
    r"\bdilation(?:\s+(?:rate|factor))?\s*(?:is|was|of|=|:)?\s*(?:a\s+)?(⟨\d+⟩|\d+|one|two|three)(?!\w)",
    re.IGNORECASE,
)
_NO_PADDING = lazy_compile(
    r"\b(?:no|without(?:\s+any)?)\s+(?:zero[-\s]?)?padding\b|\bunpadded\b"
    r"|\b(?:padding|pad)\s*(?:is|of|=|:)\s*(?:0|zero|none)\b",
    re.IGNORECASE,
)
_PADDING = lazy_compile(
    r"\bpadding\s*(?:is|was|of|=|:)\s*(⟨\d+⟩|\d+|one|two|three)(?!\w)", re.IGNORECASE
)
_MAP = r"(?:\s+feature)?(?:\s+(?:maps?|volumes?|matrix|tensors?|images?))?(?:\s+values?)?"
#: A name the document gives a role: *the 3 × 3 filter W*, *the output map Z*, *input map Y*.
_NAMED = (
    (
        "kernel",
        lazy_compile(r"\b(?:filters?|kernels?|weights?)(?:\s+(?:matrix|tensor))?\s+(⟨\d+⟩)", re.I),
    ),
    ("output", lazy_compile(rf"\boutputs?{_MAP}\s+(⟨\d+⟩)", re.IGNORECASE)),
    ("input", lazy_compile(rf"\binputs?{_MAP}\s+(⟨\d+⟩)", re.IGNORECASE)),
)
#: Words that make a clause a condition or a supposition contrary to fact: a size said there
#: fixes nothing.
CONDITION = lazy_compile(
    r"\b(?:if|when|whenever|unless|had|would|could|suppose|supposing|assume|assuming|for\s+stride)\b",
    re.IGNORECASE,
)
#: Words of the backward pass (and of the transposed and 'full' convolutions).
BACKWARD = lazy_compile(
    r"\b(?:backward|back-?prop\w*|gradients?|derivatives?|deltas?|error\s+(?:maps?|terms?|signals?))\b"
    r"|δ|∂|\\partial|\\delta",
    re.IGNORECASE,
)


def _clauses(text: str) -> list[tuple[int, str]]:
    """The clauses of a sentence (cut at , ; :) with where each starts."""
    found = []
    start = 0
    for match in re.finditer(r"[,;:]\s", text):
        found.append((start, text[start : match.start()]))
        start = match.end()
    found.append((start, text[start:]))
    return found


@dataclass(frozen=True)
class _Event:
    """A size a sentence fixes: which, its value, the sentence."""

    what: str
    pinned: tuple[Pinned, ...]
    sentence: Sentence


class InForce:
    """The sizes the document's sentences fix, looked up for a sentence (see the module)."""

    def __init__(self, found: Sequence[Sentence]):
        self.sentences = list(found)
        self.events: list[_Event] = []
        for sentence in self.sentences:
            self.events.extend(self._events(sentence))

    def _events(self, sentence: Sentence) -> list[_Event]:
        events = []
        where = f"line {sentence.line}"
        for _, clause in _clauses(sentence.text):
            if CONDITION.search(clause):
                continue
            kernel = kernel_in(sentence, clause)
            if kernel is not None:
                shape = " × ".join(_shown(k) for k in kernel)
                words = f"the {shape} kernel of {where}"
                events.append(_Event("kernel", tuple(Pinned(k, words) for k in kernel), sentence))
            for datum, pattern in (("stride", STRIDE), ("dilation", _DILATION)):
                found = pattern.search(clause)
                value = amount(sentence, found.group(1)) if found is not None else None
                if value is not None:
                    pinned = Pinned(value, f"{datum} {_shown(value)} ({where})")
                    events.append(_Event(datum, (pinned,), sentence))
            for role, pattern in _NAMED:
                for match in pattern.finditer(clause):
                    math = sentence.math_of(match.group(1))
                    name = math_name(math) if math is not None else None
                    if name is not None:
                        words = sentence.spoken(match.group(0).strip())
                        pinned = Pinned(name, f"'{words}' on {where}")
                        events.append(_Event(f"{role} name", (pinned,), sentence))
            if BACKWARD.search(sentence.text) is None:
                padding = _padding_in(sentence, clause)
                if padding is not None:
                    events.append(
                        _Event(
                            "padding",
                            (Pinned(padding, f"padding {_shown(padding)} ({where})"),),
                            sentence,
                        )
                    )
        return events

    def _latest(self, what: str, sentence: Sentence, own: bool = True) -> _Event | None:
        found = None
        for event in self.events:
            if event.sentence.order > sentence.order or (
                not own and event.sentence.order == sentence.order
            ):
                break
            if event.what == what and sentence.within(event.sentence):
                found = event
        return found

    def at(self, sentence: Sentence, own: bool = True) -> ConvInForce:
        """The kernel, stride, padding and dilation in force at ``sentence`` (with ``own``, those
        it fixes itself too)."""
        kernel = self._latest("kernel", sentence, own)
        stride = self._latest("stride", sentence, own)
        padding = self._latest("padding", sentence, own)
        dilation = self._latest("dilation", sentence, own)
        return ConvInForce(
            kernel=kernel.pinned if kernel is not None else (),
            stride=stride.pinned[0] if stride is not None else None,
            padding=padding.pinned[0] if padding is not None else None,
            dilation=dilation.pinned[0] if dilation is not None else None,
        )

    def role_of(self, name: str, sentence: Sentence) -> Pinned | None:
        """The role the document gave ``name`` before ``sentence`` (*the filter W*: ``kernel``),
        anywhere before it (notation holds for the document), if it gave one role only; the
        words that gave it as :attr:`Pinned.where`."""
        roles: dict[str, Pinned] = {}
        for event in self.events:
            if event.sentence.order > sentence.order:
                break
            if event.what.endswith(" name") and event.pinned[0].value == name:
                roles.setdefault(event.what.removesuffix(" name"), event.pinned[0])
        if len(roles) != 1:
            return None
        ((role, pinned),) = roles.items()
        return Pinned(role, pinned.where)

    def mentions_dilation(self, sentence: Sentence) -> bool:
        """True if a sentence in force at ``sentence`` speaks of dilation (its value or not)."""
        return any(
            re.search(r"\bdilat|\batrous\b", s.text, re.IGNORECASE)
            for s in self.sentences[: sentence.order + 1]
            if sentence.within(s)
        )

    def condition(self, sentence: Sentence) -> int | None:
        """The least stride a sentence is about when it speaks of every stride above one (*for
        stride > 1*, *if we had used a different stride* when the stride in force is 1); a
        sentence whose verb is conditional (*would*) takes the condition of the sentence before it
        in its paragraph; a list item, that of the sentence that opens its list (*For stride > 1,
        we need the following:*)."""
        own = self._own_condition(sentence)
        if own is not None:
            return own
        before = self.sentences[sentence.order - 1] if sentence.order > 0 else None
        if before is None:
            return None
        if (
            re.search(r"\bwould\b", sentence.text)
            and before.paragraph == sentence.paragraph
            and re.search(r"\b(?:if|had)\b", before.text, re.IGNORECASE)
        ):
            return self._own_condition(before)
        if sentence.list_item:
            for opener in reversed(self.sentences[: sentence.order]):
                if not opener.list_item:
                    if opener.text.rstrip().endswith(":") or re.search(
                        r"\bfollowing\b", opener.text, re.IGNORECASE
                    ):
                        return self._own_condition(opener)
                    return None
        return None

    def _own_condition(self, sentence: Sentence) -> int | None:
        above = _STRIDE_ABOVE.search(sentence.text)
        if above is not None:
            value = amount(sentence, above.group(1) or above.group(2))
            return int(value) + 1 if isinstance(value, sp.Integer) else None
        for math in sentence.maths:
            match = re.fullmatch(r"\s*s\s*(>|\\gt|\\geq|\\ge|≥)\s*(\d+)\s*", math)
            if match is not None:
                return int(match.group(2)) + (1 if match.group(1) in (">", "\\gt") else 0)
        if _STRIDE_OTHER.search(sentence.text):
            stride = self._latest("stride", sentence)
            if stride is not None and stride.pinned[0].value == 1:
                return 2
        return None


#: A shape or a size as a sentence writes it: ``⟨0⟩`` (math), ``3x3``, ``3 × 3``, ``5``.
SHAPE = r"(?:⟨\d+⟩|\d+\s*(?:x|×|\*)\s*\d+|\d+)"


def sizes_of(sentence: Sentence, written: str) -> tuple[Any, ...] | None:
    """The sizes a shape as written gives (``3x3`` → ``(3, 3)``, ``5`` → ``(5,)``), or None.

    >>> s = Sentence("a ⟨0⟩ kernel", ("3 \\\\times 3",), 1, 1, None, (), (), 1, 0)
    >>> sizes_of(s, "⟨0⟩"), sizes_of(s, "5x5"), sizes_of(s, "7")
    ((3, 3), (5, 5), (7,))
    """
    math = sentence.math_of(written)
    if math is not None:
        shape = shape_of(math)
        if shape is not None:
            return shape
        value = math_value(math)
        return (value,) if isinstance(value, sp.Integer) else None
    numbers = re.findall(r"\d+", written)
    return tuple(sp.Integer(int(n)) for n in numbers) if numbers else None


def _shown(value: Any) -> str:
    from symconv.check.shown import show

    return show(value)


def kernel_in(sentence: Sentence, clause: str) -> tuple[Any, ...] | None:
    """The kernel size (per axis) ``clause`` states: *a 3 × 3 kernel*, *filter size 7*."""
    for pattern in (_KERNEL_BEFORE, _KERNEL_AFTER):
        match = pattern.search(clause)
        if match is None:
            continue
        written = next(g for g in match.groups() if g)
        math = sentence.math_of(written)
        if math is not None:
            shape = shape_of(math)
            if shape is None:
                value = math_value(math)
                shape = (value, value) if isinstance(value, sp.Integer) else None
            if shape is not None and len(shape) == 2:
                return shape
            continue
        numbers = [sp.Integer(int(n)) for n in re.findall(r"\d+", written)]
        if len(numbers) == 1:
            numbers = numbers * 2
        if len(numbers) == 2:
            return tuple(numbers)
    return None


def _padding_in(sentence: Sentence, clause: str) -> Any:
    if _NO_PADDING.search(clause):
        return sp.Integer(0)
    match = _PADDING.search(clause)
    if match is not None:
        value = amount(sentence, match.group(1))
        if isinstance(value, sp.Integer):
            return value
    return None
