"""Split a hand-written solution into text and math segments, with exact 1-based line ranges.

Inputs: Markdown (``.md``, ``.txt``), LaTeX (``.tex``) and the Markdown cells of a notebook
(``.ipynb``). Math is ``$...$``, ``$$...$$`` (also over several lines), ``\\(...\\)``,
``\\[...\\]`` and the display environments (``equation``, ``align``, ``gather``, ...; also written
bare in Markdown, as MathJax allows). A display block whose content is an ``aligned``-like
environment (``aligned``, ``align``, ``gathered``, ``split``, ``eqnarray``) is split into its rows,
one math segment per row, each with the lines of that row — so that a claim in one row is
reported on that row. Matrices (``bmatrix``, ``pmatrix``) are never split: their rows belong to
one formula (the parser reports each matrix row's offsets, :meth:`Segment.line_of` maps them to
lines). An ``array`` whose cells start with a relation (``{rl} a &= b \\\\ &= c``) aligns a chain:
it is split like ``aligned``; any other ``array`` is a matrix.

    >>> doc = ("# 5-4\\n\\nTime: $3 \\\\times 3 = 9$ ops.\\n\\n"
    ...        "$$\\\\begin{aligned}\\na &= b \\\\\\\\\\n  &= c\\n\\\\end{aligned}$$\\n")
    >>> for s in split_document(doc):
    ...     print(s.kind, s.line, s.end_line, repr(s.text), s.environment, s.row)
    text 1 1 '# 5-4' None None
    text 3 3 'Time: ' None None
    math 3 3 '3 \\\\times 3 = 9' None None
    text 3 3 ' ops.' None None
    math 6 6 'a &= b' aligned 0
    math 7 7 '&= c' aligned 1

A row that only continues the expression of the row before it — amsmath's way of breaking a long
line, ``&= a \\\\ &\\quad + b`` or ``&\\; a \\\\ &+ b \\\\ &= c`` — is joined to that row (one
segment over both lines; the ``\\\\``, the reason column and the spacing between read as spaces, so
offsets stay the file's). A display that starts with a relation right after another display
(``$$a = b$$`` then ``$$= c$$``) continues its chain: both share ``block``.

A display broken with ``\\\\`` outside any environment (``$$a = b \\\\ c = d$$``, as MathJax sets
it) is split into rows the same way. A row that ends on its relation (``a =\\\\ = b``, or ``a
&= \\\\ &= b``) holds one statement with the next row: the trailing relation reads as space
when the next row repeats it.

Markdown as Jekyll, kramdown and note exporters escape it: ``\\\\( … \\\\)`` is inline math
(within one paragraph) and ``\\\\[ … \\\\]`` display math; inside Markdown math ``\\_`` and ``\\*``
are ``_`` and ``*``; math between escaped delimiters whose every backslash is doubled
(``\\\\times``), or between dollars where a doubled command shows it (``$\\\\frac{a}{b}$``,
``\\\\{1\\\\}``), is read with each run of backslashes halved. The removed backslashes read as
spaces, so offsets and columns stay the file's.

Plain-text computations in prose, table cells and code spans (``7*7*32 = 1568``, ``| (28-7)/3+1=8
|``, ```208/16=13```, ``14x14 = 196``: numbers and operators only, on both sides of ``=`` or
``≈``) are math segments of their own, with ``delimiter`` ``"plain"`` and ``x`` between two
numbers read as ``×`` (:func:`plain_arithmetic`); a heading never holds one.

A heading's math (``## Why $1 + 1 = 2$``) and a link's label and target (``[$a = b$](url)``) are
text: they name a part or point elsewhere, they are never claims.

Markdown as GitHub renders it: ``$`…`$`` is inline math, a ```` ```math ```` fence is display
math, and a blockquote's ``>`` markers are read as spaces (the quote holds the same text, lists
and math).

Markdown follows pandoc's rule for ``$``: an opening ``$`` is followed by a non-space, a closing
``$`` is preceded by a non-space and not followed by a digit (so "$5 and $10" is text), and
inline math does not cross a blank line. ``\\$`` is a dollar sign; code spans and fenced code
blocks (but a ```` ```math ```` fence) are code, never math.

Notebooks: segments of the Markdown cells only; ``cell`` is the cell's 1-based position among all
cells of the notebook (as they appear), and ``line``/``end_line`` count lines *within that cell*
(what Jupyter shows next to a cell), since a notebook's JSON lines are not what a person reads.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Literal

from symconv.check.grammar import continuation_lead, unboxed
from symconv.check.tex_macros import Budget, definitions, expand, in_force, usable
from symconv.core.patterns import lazy_compile
from symconv.errors import ParseError

#: A definition of a macro somewhere in the text (a quick test before reading them).
_DEFINES = lazy_compile(
    r"\\(?:newcommand|renewcommand|providecommand|DeclareMathOperator|def|gdef|let)(?![A-Za-z])"
)

SegmentKind = Literal["text", "math", "code"]
DocumentKind = Literal["md", "tex", "ipynb"]

_MATH_NAMES = ("equation", "align", "alignat", "gather", "multline", "eqnarray", "flalign",
               "math", "displaymath", "aligned", "gathered", "split")  # fmt: skip
_ROW_NAMES = ("align", "alignat", "gather", "eqnarray", "flalign", "aligned", "gathered", "split",
              "alignedat", "multline")  # fmt: skip
#: Environments that are math on their own (in LaTeX, and in Markdown rendered by MathJax).
MATH_ENVIRONMENTS = frozenset(name + star for name in _MATH_NAMES for star in ("", "*"))
#: Environments whose rows, separated by ``\\\\``, are separate formulas.
ROW_ENVIRONMENTS = frozenset(name + star for name in _ROW_NAMES for star in ("", "*"))

_EXTENSIONS: dict[str, DocumentKind] = {
    ".md": "md", ".markdown": "md", ".txt": "md", ".tex": "tex", ".ipynb": "ipynb",
}  # fmt: skip

#: Longest inline math searched for a closing ``$``: the parser's own cap, so that an overlong
#: formula reaches the parser and is refused there with a message (never silently read as text).
MAX_INLINE_MATH = 50_000

_BLANK_LINE = lazy_compile(r"\n[ \t]*\n")
#: A dollar that can close inline Markdown math: after a non-space, not before a digit, alone.
_MARKDOWN_CLOSER = lazy_compile(r"(?<=[^\s$])\$(?![\d$])")
_TEX_CLOSER = lazy_compile(r"(?<!\$)\$(?!\$)")
_FENCE = lazy_compile(r" {0,3}(`{3,}|~{3,})[^\n]*")
_BEGIN = lazy_compile(r"\\begin\s*\{\s*([A-Za-z]+\*?)\s*\}")
#: A row break: ``\\``, ``\\*`` (no page break there), with extra space ``\\[2pt]``.
_ROW_BREAK = lazy_compile(r"\\\\\*?(?:\s*\[[^\]\n]*\])?")
#: amsmath's words between the rows of an alignment (``\\intertext{so that}``,
#: ``\\shortintertext{…}``): prose, and a row break on both sides of it.
_INTERTEXT = lazy_compile(r"\\(?:short)?intertext\s*\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\}")
#: A blockquote's markers at the start of a line (``> ``, ``> > ``): not part of the math.
_QUOTE_MARKERS = lazy_compile(r"^(?: {0,3}>[ \t]?)+", re.M)
#: The start of a display that continues the chain of the display right before it (``= c``).
_RELATION_START = lazy_compile(
    r"\s*&?\s*(?:=|\\(?:approx|simeq|equiv|leq?|geq?|neq|sim)(?![A-Za-z])|[<>≈≤≥≠])"
)
#: A Markdown escape inside math: ``\\_`` and ``\\*`` (not ``\\\\_``, a row break then ``_``).
_MARKDOWN_ESCAPE = lazy_compile(r"(?<!\\)\\([_*])")
#: Mathematical alphanumeric symbols (italic w, bold x, italic delta, U+1D400–U+1D7FF): read
#: as the plain letter.
_MATH_ALPHANUMERIC = lazy_compile("[\U0001d400-\U0001d7ff]")
_BACKTICKS = lazy_compile("`+")
#: A title in TeX: a sectioning command's or a caption's argument (``\\section{Why $1 + 1 =
#: 2$}``, ``\\caption[…]{…}``), and the title of a theorem-like environment (``\\begin{theorem}[A
#: bound]``, a problem environment's own ``\\begin{problem}{2: Pooling}``): it names what
#: follows, its math is never a claim — as a Markdown heading's is not.
_TEX_TITLE = lazy_compile(
    r"\\(?:(?:part|chapter|section|subsection|subsubsection|paragraph|subparagraph|caption|title)"
    r"\*?\s*(?:\[[^\[\]]*\]\s*)?(?=\{)"
    r"|begin\s*\{(?!(?:enumerate|itemize|description|tabular\*?|array|minipage|figure|table"
    r"|center|document)\})[A-Za-z*]+\}[ \t]*(?=[\[{]))"
    r"(?:\[(?:[^\[\]{}]|\{[^{}]*\})*\]"
    r"|\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\})?"
)
#: A Markdown heading: never a claim.
_HEADING = lazy_compile(r" {0,3}#{1,6}(?:\s|$)")
#: Plain-text computations (:func:`plain_arithmetic`): a side is numbers and operators; a chain
#: is sides joined by ``=`` or ``≈`` (never ``==``, ``<=``, ``>=``, ``!=``).
_PLAIN_ENTRY = r"[-−]?\s*\d+(?:\.\d+)?"
_PLAIN_LIST = r"\[\s*" + _PLAIN_ENTRY + r"(?:\s*,\s*" + _PLAIN_ENTRY + r")*\s*\]"
#: An operand: a number, or a matrix written as nested lists (``[[1, 2], [3, 4]]``).
_PLAIN_NUMBER = r"(?:\d+(?:\.\d+)?|\[\s*" + _PLAIN_LIST + r"(?:\s*,\s*" + _PLAIN_LIST + r")*\s*\])"
_PLAIN_SIDE_TEXT = (
    r"[(]*\s*" + _PLAIN_NUMBER + r"(?:\s*[)]*\s*(?:[-+−*/×·÷^]|(?<=[\d)\s])[xX](?=\s*[\d(]))"
    r"\s*[(]*\s*" + _PLAIN_NUMBER + r")*[)]*"
)
_PLAIN_SIDE = lazy_compile(_PLAIN_SIDE_TEXT)
_PLAIN_RELATION = lazy_compile(r"(?<![=<>!])[=≈](?!=)")
#: A chain starts on its first number: never right after an operator that follows an operand
#: (``x*3 + 2 = 14``, ``n − 3 + 1 = …``, ``k ^ 2 + 1``): the chain would be the tail of a longer
#: expression, and that tail's value is not what the line states (a bullet ``- 3 + 4 = 7`` and
#: an emphasis ``*3 + 4 = 7*`` have no operand before their sign, and are read).
_PLAIN_CHAIN = lazy_compile(
    r"(?<![\w.,\\$^_{}()\[-])(?<![\w.,]\()"
    r"(?<![\w)\]}][*/×·÷+−^-])(?<![\w)\]}][*/×·÷+−^-]\s)(?<![\w)\]}]\s[*/×·÷+−^-]\s)"
    + _PLAIN_SIDE_TEXT
    + r"(?:\s*(?<![=<>!])[=≈](?!=)\s*" + _PLAIN_SIDE_TEXT + r")+(?!\w|[.,]\d|\()"
)  # fmt: skip
#: A Markdown-escaped times sign in prose (``3\*3\*64``, as editors escape ``*`` so that it is
#: not emphasis): ``*`` to :func:`plain_arithmetic` (not ``\\*``, an escaped backslash).
_ESCAPED_STAR = lazy_compile(r"(?<!\\)\\\*")
#: A run of the characters a plain computation is written with; a run longer than
#: :data:`_PLAIN_LONGEST` is not read (no one writes such a computation in prose, and the chain
#: pattern, tried at each start, would take quadratic time on it).
_PLAIN_RUN = lazy_compile(r"[\d\s.,+\-−*/×·÷^()=≈xX\[\]]+")
_PLAIN_LONGEST = 400
_PLAIN_BRACKETS = lazy_compile(r"\[[^=]*?\]\s*\]")
_PLAIN_OPERATOR = lazy_compile(r"[-+−*/×·÷^xX]")
#: A Markdown link or image from its ``[``: label (no nested brackets) and target.
_LINK_LABEL = lazy_compile(r"\[[^\[\]\n]*\]\([^()\s]*(?:\s+\"[^\"\n]*\")?\)")
#: Info strings of a fenced block of plain text, read for computations (a block in a programming
#: language is code, never read).
_PLAIN_BLOCKS = frozenset({"", "text", "txt", "plain", "plaintext", "none"})
#: A Markdown link (label and target), an autolink or a bare URL.
_LINK_OR_URL = lazy_compile(r"!?\[[^\[\]\n]*\]\([^()\s]*\)|<[a-z]+://[^>\s]*>|\b[a-z]+://\S+", re.I)
#: An HTML tag as Markdown allows it (``<img src="a.png" alt="…">``, ``</span>``, ``<br/>``):
#: a tag name, then attributes (a name, ``=`` and a quoted or bare value); within one line or
#: a few (attributes may wrap).
_HTML_TAG = lazy_compile(
    r"</?([A-Za-z][A-Za-z0-9-]*)(?:\s+[A-Za-z_:@][\w:.@-]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'"
    r"|[^\s\"'=<>`]+))?)*\s*/?>"
)
_HTML_COMMENT = lazy_compile(r"<!--.*?-->", re.S)
#: Elements whose content is code, never prose or math to read (a ``<script>`` is math only
#: when MathJax's type says so).
_HTML_ELEMENTS_OF_CODE = frozenset({"pre", "script", "style", "svg"})
_MATHJAX_SCRIPT = lazy_compile(r"type\s*=\s*[\"']?math/tex(?:;\s*mode\s*=\s*display)?", re.I)
#: YAML (``---``) or TOML (``+++``) front matter at the start of a post (Jekyll, Hugo): its
#: first line is a key (``title: …``, ``title = …``).
_FRONT_MATTER = lazy_compile(
    r"(?:---[ \t]*\n(?:[ \t]*\n)*[A-Za-z_][\w-]*[ \t]*:.*?\n(?:---|\.\.\.)[ \t]*(?:\n|$)"
    r"|\+\+\+[ \t]*\n(?:[ \t]*\n)*[A-Za-z_][\w-]*[ \t]*=.*?\n\+\+\+[ \t]*(?:\n|$))",
    re.S,
)
#: HTML character references as escaped math holds them (``&lt;``, ``&#8804;``).
_HTML_ENTITY = lazy_compile(
    r"&(?:(lt|gt|amp|nbsp|le|ge|ne|minus|times|middot|quot)|#(\d{1,6})"
    r"|#[xX]([0-9A-Fa-f]{1,6}));"
)
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "nbsp": " ", "le": "≤", "ge": "≥", "ne": "≠",
             "minus": "−", "times": "×", "middot": "·", "quot": '"'}  # fmt: skip
#: ``x`` between two numbers is a times sign (``28x28``).
_PLAIN_TIMES = lazy_compile(r"(?<=[\d)\s])[xX](?=\s*[\d(])")
#: An array's position and column specification (``[t]{rcl}``).
_ARRAY_SPEC = lazy_compile(r"\s*(?:\[[a-z]\])?\s*\{[lcr|@{}\s]*\}")
#: A cell of an array that starts with a relation (``&= 12``, ``& \\approx 3``): the array aligns
#: a chain, it is not a matrix.
_ALIGNED_CELL = lazy_compile(
    r"&\s*(?:=|\\(?:approx|simeq|equiv|leq?|geq?|neq)(?![A-Za-z])|[<>≈≤≥≠])"
)
#: A doubled backslash before a command name or a brace: an exporter escaped every backslash.
_DOUBLED_COMMAND = lazy_compile(r"(?<!\\)\\\\(?:[A-Za-z]{2,}|[{}])")
#: A row that ends on its relation (``a =`` before ``\\\\``): the other side is on the next row.
_DANGLING_RELATION = lazy_compile(
    r"&?\s*(?:=|\\(?:approx|simeq|equiv|leq?|geq?|neq|sim)(?![A-Za-z])|[<>≈≤≥≠])\s*$"
)
#: What may stand between two displays of one chain: delimiters, blank space, the end of an
#: environment and a row's ``&& \text{…}`` reason.
_BETWEEN_DISPLAYS = lazy_compile(
    r"(?:\s|\$\$|\\\]|\\\[|\\end\s*\{[A-Za-z]+\*?\}|```(?:math)?"
    r"|&&\s*\\text\w*\s*\{[^{}]*\})*"
)


@dataclass(frozen=True)
class Segment:
    """A piece of a document: text (one line at most), math, or code.

    ``text`` is the exact source (for math: without its delimiters, for a row: without ``\\\\``);
    ``offset`` is the 0-based position of ``text[0]`` in the document (or in the notebook cell),
    ``line``/``end_line`` the 1-based lines it spans and ``column`` the 1-based column where it
    starts. ``display`` is true for ``$$``, ``\\[``, environments and math fences;
    ``delimiter`` is ``$``, ``$$``, ``\\(``, ``\\[``, ``\\begin`` or ```` ```math ````;
    ``environment`` names the environment the segment is a row of (or is); ``row`` is the
    0-based row index inside it; segments from one display block (or one chain of displays)
    share ``block``.
    """

    kind: SegmentKind
    text: str
    line: int
    end_line: int
    column: int
    offset: int
    display: bool = False
    delimiter: str = ""
    environment: str | None = None
    row: int | None = None
    block: int | None = None
    cell: int | None = None

    def line_of(self, position: int) -> int:
        """The 1-based line of ``text[position]`` (e.g. of a matrix row the parser located)."""
        return self.line + self.text.count("\n", 0, max(0, min(position, len(self.text))))


def document_kind(path: str | PurePath) -> DocumentKind:
    """``"md"``, ``"tex"`` or ``"ipynb"`` from a file name; :class:`ParseError` otherwise.

    >>> document_kind("hw3.md"), document_kind("sol.TEX"), document_kind("a/b.ipynb")
    ('md', 'tex', 'ipynb')
    """
    suffix = PurePath(path).suffix.lower()
    if suffix not in _EXTENSIONS:
        known = ", ".join(sorted(_EXTENSIONS))
        raise ParseError(f"{path}: unsupported file type {suffix!r} (expected one of {known})")
    return _EXTENSIONS[suffix]


def split_document(text: str, kind: DocumentKind | str = "md") -> list[Segment]:
    """Text and math segments of a document, in order (see the module docstring).

    Boxes that only frame or scale a formula (``\\boxed{…}``, ``\\resizebox{…}{…}{…}``, a
    handout's ``\\symconvfit{…}{…}``) are opened first, at the same columns: a row
    ``&\\quad \\resizebox{…}{!}{{}\\times …}`` continues the one above as it reads."""
    if kind in ("md", "txt", "markdown"):
        return _expanded(_Splitter(unboxed(text), markdown=True).split(), text, markdown=True)
    if kind == "tex":
        read = unboxed(without_tex_comments(text))
        return _expanded(_Splitter(read, markdown=False).split(), text, markdown=False)
    if kind == "ipynb":
        return _split_notebook(text)
    raise ParseError(f"unknown document kind {kind!r}: expected 'md', 'tex' or 'ipynb'")


#: A TeX comment: ``%`` after an even number of backslashes (``\%`` is a percent sign, ``\\%``
#: a row break and then a comment), to the end of the line.
_TEX_COMMENT = lazy_compile(r"(?<!\\)((?:\\\\)*)%[^\n]*")


def without_tex_comments(text: str) -> str:
    r"""``text`` with each TeX comment blanked (same length, so lines and columns stay): inside
    a display too, where a comment's ``= 6`` or ``\\`` is no part of the formula.

    >>> without_tex_comments("a &= 2 + 3 % = 6 \\\\\n50\\% \\\\% c\n")
    'a &= 2 + 3         \n50\\% \\\\   \n'
    """
    return _TEX_COMMENT.sub(lambda m: m.group(1) + " " * (len(m.group()) - len(m.group(1))), text)


def _expanded(segments: list[Segment], text: str, markdown: bool) -> list[Segment]:
    """The segments with the document's own macros (``\\newcommand``, ``\\def``,
    ``\\DeclareMathOperator``) replaced by their text in each formula (:mod:`tex_macros`): the
    formula as TeX sets it. Offsets and lines stay the file's; a row's columns past a macro are
    those of the expanded text."""
    if "\\" not in text or not _DEFINES.search(text):
        return segments
    macros = usable(definitions(text, comments=not markdown))
    if not macros:
        return segments
    budget = Budget()
    return [
        replace(segment, text=expand(segment.text, in_force(macros, segment.offset), budget))
        if segment.kind == "math" and "\\" in segment.text
        else segment
        for segment in segments
    ]


def math_segments(segments: list[Segment]) -> list[Segment]:
    """Only the math segments."""
    return [segment for segment in segments if segment.kind == "math"]


def _split_notebook(text: str) -> list[Segment]:
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as error:
        raise ParseError(
            f"not a notebook (invalid JSON at line {error.lineno}): {error.msg}"
        ) from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise ParseError("not a notebook: no list of 'cells'")
    segments: list[Segment] = []
    blocks = 0
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(str(part) for part in source)
        for segment in _Splitter(str(source), markdown=True).split():
            block = None if segment.block is None else segment.block + blocks
            segments.append(replace(segment, cell=number, block=block))
        blocks = 1 + max((s.block for s in segments if s.block is not None), default=-1)
    return segments


class _Splitter:
    """A linear scan of one document."""

    def __init__(self, text: str, markdown: bool) -> None:
        #: The document as it is read: in Markdown, a blockquote's ``>`` markers at the start of
        #: a line are spaces (the same length, so offsets and lines are the source's): the
        #: quote holds the same text, lists and math as the lines would without it.
        self.text = _QUOTE_MARKERS.sub(_spaces, text) if markdown else text
        self.markdown = markdown
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.segments: list[Segment] = []
        self.pending = 0  # start of the text not yet emitted
        self.blocks = 0
        self._closers: list[int] | None = None
        self._doubles: list[int] | None = None
        self._blanks: list[int] = []
        #: Starts of the backtick runs of each length, and of the blank lines (code spans).
        self._ticks: dict[int, list[int]] | None = None
        self._paragraphs: list[int] = []

    # -- positions -----------------------------------------------------------------------------
    def _line(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset)

    def _column(self, offset: int) -> int:
        return offset - self.line_starts[self._line(offset) - 1] + 1

    # -- emitting ------------------------------------------------------------------------------
    def _flush_text(self, end: int) -> None:
        start = self.pending
        while start < end:
            newline = self.text.find("\n", start, end)
            stop = end if newline < 0 else newline
            if stop > start and self.text[start:stop].strip():
                self._emit_line(start, stop)
            start = stop + 1
        self.pending = end

    def _emit_line(self, start: int, stop: int) -> None:
        """One line of prose (a table row, a list item, code spans and all): text, with each
        plain-text computation in it (``7*7*32 = 1568``, ``14x14 = 196``) a math segment of its
        own (Markdown only; a heading is never a claim)."""
        position = start
        if self.markdown and not _HEADING.match(self.text, start, stop):
            for a, b in plain_arithmetic(self.text, start, stop):
                if self.text[position:a].strip():
                    self._emit("text", position, a)
                self._emit("math", a, b, delimiter="plain")
                position = b
        if self.text[position:stop].strip():
            self._emit("text", position, stop)

    def _emit(
        self,
        kind: SegmentKind,
        start: int,
        end: int,
        blanks: tuple[tuple[int, int], ...] = (),
        **fields: object,
    ) -> None:
        """A segment from ``start`` to ``end``; ``blanks`` are spans of a math segment read as
        spaces (what joins a continuation row to the row it continues)."""
        if kind != "text":
            while start < end and self.text[start].isspace():
                start += 1
            while end > start and self.text[end - 1].isspace():
                end -= 1
            if start == end:
                return
        last = max(start, end - 1)
        content = _blanked(self.text, start, end, blanks)
        if kind == "math" and _MATH_ALPHANUMERIC.search(content):
            # Italic and bold letters as editors and converters paste them: the letter itself.
            content = _MATH_ALPHANUMERIC.sub(_plain_letter, content)
        if fields.get("delimiter") == "plain":
            content = _PLAIN_TIMES.sub("×", content)
        if kind == "math" and self.markdown and "&" in content:
            # HTML-escaped math (blog exports, ``<p>`` pages): ``&lt;`` is ``<``, padded with
            # spaces so offsets stay the file's.
            content = _HTML_ENTITY.sub(_entity, content)
        if kind == "math" and self.markdown and "\\" in content:
            # Markdown-escaped LaTeX (Jekyll, kramdown, note exporters): ``x\_1``, ``a \* b``
            # are ``x_1`` and ``a * b``; the escaping backslash reads as a space.
            content = _MARKDOWN_ESCAPE.sub(r" \1", content)
            delimiter = str(fields.get("delimiter", ""))
            if delimiter.startswith("\\\\"):
                content = _undoubled(content)
            elif delimiter in ("$", "$$"):
                content = _undoubled(content, evidence=True)
        self.segments.append(
            Segment(
                kind=kind,
                text=content,
                line=self._line(start),
                end_line=self._line(last),
                column=self._column(start),
                offset=start,
                **fields,  # type: ignore[arg-type]
            )
        )

    def _emit_math(
        self,
        start: int,
        end: int,
        *,
        display: bool,
        delimiter: str,
        environment: str | None = None,
    ) -> None:
        """Math from ``start`` to ``end``; a row environment is split into its rows."""
        source = self.text[start:end]
        doubled = self.markdown and (
            (delimiter.startswith("\\\\") and _undoubled(source) != source)
            or (delimiter == "$$" and _undoubled(source, evidence=True) != source)
        )
        rows = self._row_environment(start, end) if display and not doubled else None
        if rows is None and display and not doubled and delimiter != "\\begin":
            rows = self._bare_rows(start, end)
        block = None
        if display:
            block = self._continued_block(start) if rows is None else None
            if block is None:
                block = self.blocks
                self.blocks += 1
        if rows is None:
            self._emit(
                "math", start, end, display=display, delimiter=delimiter,
                environment=environment, block=block,
            )  # fmt: skip
            return
        name, spans = rows
        for index, (row_start, row_end, blanks) in enumerate(spans):
            self._emit(
                "math", row_start, row_end, blanks, display=True,
                delimiter=delimiter, environment=name, row=index, block=block,
            )  # fmt: skip

    def _continued_block(self, start: int) -> int | None:
        """The block of the display right before a display that starts with a relation
        (``$$a = b$$ $$= c$$``, only space between them): one chain written as two displays."""
        if not self.segments or not _RELATION_START.match(self.text, start):
            return None
        last = self.segments[-1]
        if last.kind != "math" or not last.display or last.block is None:
            return None
        between = self.text[last.offset + len(last.text) : start]
        return last.block if _BETWEEN_DISPLAYS.fullmatch(between) else None

    def _row_environment(self, start: int, end: int) -> tuple[str | None, list[_Row]] | None:
        """If ``text[start:end]`` is one row environment (and nothing else), its name and rows."""
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1] in " \t\r\n.,;":
            end -= 1
        match = _BEGIN.match(self.text, start, end)
        if match is None:
            return None
        name = match.group(1)
        close = self._matching_end(match.end(), name, end)
        if close is None or close[1] != end:
            return None
        inner_start, inner_end = match.end(), close[0]
        if name in ("equation", "equation*"):
            inner = self._row_environment(inner_start, inner_end)
            if inner is None:
                inner = self._bare_rows(inner_start, inner_end)
            return inner
        if name == "array":
            # an array used to align a chain (``{rl}``, cells ``&= 12``): rows, as ``aligned``
            spec = _ARRAY_SPEC.match(self.text, inner_start, inner_end)
            if spec is None or not _ALIGNED_CELL.search(self.text, spec.end(), inner_end):
                return None
            inner_start = spec.end()
        elif name not in ROW_ENVIRONMENTS:
            return None
        if name.startswith("aligned") or name.startswith("alignat"):
            argument = re.match(r"\s*(?:\[[a-z]\]|\{\d+\})", self.text[inner_start:inner_end])
            if argument:
                inner_start += argument.end()
        # multline sets one equation too long for a line: its rows are one formula
        return name, self._rows(inner_start, inner_end, one_formula=name.startswith("multline"))

    def _bare_rows(self, start: int, end: int) -> tuple[None, list[_Row]] | None:
        """The rows of a display that breaks lines with ``\\\\`` outside any environment (as
        MathJax sets ``$$a = b \\\\ = c$$``), or None if it has no such break."""
        rows = self._rows(start, end)
        if len(rows) > 1 or any(blanks for _, _, blanks in rows):
            return None, rows
        return None

    def _rows(self, start: int, end: int, one_formula: bool = False) -> list[_Row]:
        """Split at ``\\\\`` outside braces and nested environments; a row that continues the
        expression of the row before it (``&\\quad + b`` after ``&= a``) is joined to it, and
        with ``one_formula`` (``multline``) every row is."""
        rows = []
        depth = 0
        row_start = start
        position = start
        text = self.text
        while position < end:
            char = text[position]
            if char == "\\":
                if text.startswith("\\\\", position) and depth == 0:
                    rows.append((row_start, position))
                    match = _ROW_BREAK.match(text, position)
                    position = match.end() if match else position + 2
                    row_start = position
                    continue
                intertext = _INTERTEXT.match(text, position, end) if depth == 0 else None
                if intertext is not None:
                    rows.append((row_start, position))
                    position = row_start = intertext.end()
                    continue
                if text.startswith("\\begin", position):
                    depth += 1
                elif text.startswith("\\end", position):
                    depth -= 1
                position += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            position += 1
        rows.append((row_start, end))
        return self._join_continuations(
            [(a, self._before_comment(a, b), b) for a, b in rows if text[a:b].strip()],
            one_formula,
        )

    def _join_continuations(
        self, rows: list[tuple[int, int, int]], one_formula: bool = False
    ) -> list[_Row]:
        """Rows ``(start, end before the reason column, end)`` with each continuation row joined
        to the row it continues (:func:`~symconv.check.grammar.continuation_lead`: ``&+ b``,
        ``&\\quad - c``, any row after ``a +``). The joined row reads the rows' ``\\\\``,
        the reason column of the row before and the mark and spacing before the operator as
        spaces: one expression, as amsmath sets it."""
        joined: list[_Row] = []
        previous_full_end = 0
        for row_start, row_end, full_end in rows:
            lead = None
            if joined:
                first_start, first_end, blanks = joined[-1]
                previous = _blanked(self.text, first_start, first_end, blanks)
                lead = continuation_lead(previous, self.text[row_start:row_end])
                if lead is None and one_formula:
                    lead = 0
            dangling = None
            if lead is None and joined:
                dangling = _DANGLING_RELATION.search(previous)
            if dangling is not None:
                # "a =\\ = b" (or "a = \\ b"): a row broken after its relation; the next row
                # holds the other side, repeating the relation or not. One statement: the
                # trailing relation is read as space when the next row repeats it.
                first_start, first_end, blanks = joined[-1]
                repeated = _RELATION_START.match(self.text, row_start, row_end)
                cut = first_start + dangling.start() if repeated else first_end
                joined[-1] = (first_start, row_end, (*blanks, (cut, row_start)))
            elif lead is not None:
                first_start, first_end, blanks = joined[-1]
                blank = (
                    *blanks,
                    (first_end, previous_full_end),
                    (previous_full_end, row_start + lead),
                )
                joined[-1] = (first_start, row_end, blank)
            else:
                joined.append((row_start, row_end, ()))
            previous_full_end = full_end
        return joined

    def _before_comment(self, start: int, end: int) -> int:
        """Where a row's ``&& \\text{reason}`` column starts (``end`` if it has none): what
        follows ``&&`` is the writer's remark, words and symbols mixed, never part of the claim."""
        depth = 0
        position = start
        while position < end:
            char = self.text[position]
            if char == "\\":
                if self.text.startswith("\\begin", position):
                    depth += 1
                elif self.text.startswith("\\end", position):
                    depth -= 1
                position += 2
                continue
            if char in "{}":
                depth += 1 if char == "{" else -1
            elif depth == 0 and self.text.startswith("&&", position):
                return position
            position += 1
        return end

    def _matching_end(self, position: int, name: str, limit: int) -> tuple[int, int] | None:
        """The span of the ``\\end{name}`` closing an environment opened before ``position``."""
        pattern = re.compile(r"\\(begin|end)\s*\{\s*" + re.escape(name) + r"\s*\}")
        depth = 1
        for match in pattern.finditer(self.text, position, limit):
            depth += 1 if match.group(1) == "begin" else -1
            if depth == 0:
                return match.start(), match.end()
        return None

    # -- scanning ------------------------------------------------------------------------------
    def split(self) -> list[Segment]:
        text = self.text
        length = len(text)
        position = 0
        while position < length:
            at_line_start = position == 0 or text[position - 1] == "\n"
            if self.markdown and at_line_start:
                fence = _FENCE.match(text, position)
                if fence:
                    info = text[fence.end(1) : fence.end()].strip().lower()
                    position = self._code_block(
                        position, fence.group(1), info.split()[0] if info else ""
                    )
                    continue
                heading = _HEADING.match(text, position)
                if heading:  # a heading names a part; its math is never a claim
                    newline = text.find("\n", position)
                    position = length if newline < 0 else newline
                    continue
            if self.markdown and position == 0:
                front = _FRONT_MATTER.match(text)
                if front:  # a post's metadata (title, date, summary): never a claim
                    self._emit("code", 0, front.end())
                    position = self.pending = front.end()
                    continue
            char = text[position]
            if self.markdown and char == "<":
                position = self._html(position)
                continue
            if self.markdown and char == "[":
                label = _LINK_LABEL.match(text, position)
                if label:  # a link's label and target: never a claim
                    position = label.end()
                    continue
            if char == "%" and not self.markdown:
                newline = text.find("\n", position)
                position = length if newline < 0 else newline
                continue
            if char == "\\":
                position = self._backslash(position)
                continue
            if char == "`" and self.markdown:
                position = self._code_span(position)
                continue
            if char == "$":
                position = self._dollar(position)
                continue
            position += 1
        self._flush_text(length)
        return self.segments

    def _html(self, start: int) -> int:
        """Past HTML in Markdown (what blog engines and notebook exports write): a comment, a
        ``<pre>``, ``<style>`` or program ``<script>`` element is code (never read); a MathJax
        ``<script type="math/tex">`` holds math (``; mode=display``: a display); any other tag
        (``<img alt="…">``, ``<span class="math">``, ``<br>``) stays in the text, its attributes
        never read as math or plain computations (:func:`plain_arithmetic` skips tags)."""
        text = self.text
        comment = _HTML_COMMENT.match(text, start)
        if comment:
            self._flush_text(start)
            self._emit("code", start, comment.end())
            self.pending = comment.end()
            return comment.end()
        tag = _HTML_TAG.match(text, start)
        if tag is None:
            return start + 1
        name = tag.group(1).lower()
        if name not in _HTML_ELEMENTS_OF_CODE:
            return tag.end()
        closing = re.compile(rf"</\s*{name}\s*>", re.I).search(text, tag.end())
        end = closing.end() if closing else len(text)
        self._flush_text(start)
        kind = _MATHJAX_SCRIPT.search(tag.group()) if name == "script" else None
        if kind is not None and closing is not None:
            self._emit_math(tag.end(), closing.start(), display="display" in kind.group(),
                            delimiter="<script>")  # fmt: skip
        else:
            self._emit("code", start, end)
        self.pending = end
        return end

    def _code_block(self, start: int, fence: str, info: str = "") -> int:
        """A fenced block: code, or display math for a ```` ```math ```` fence (GitHub and GitLab
        set its content as a display)."""
        text = self.text
        first_end = text.find("\n", start)
        if first_end < 0:
            first_end = len(text)
        closing = re.compile(
            r"^ {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$", re.M
        )
        match = closing.search(text, first_end + 1) if first_end < len(text) else None
        end = match.end() if match else len(text)
        self._flush_text(start)
        if info == "math":
            content_end = match.start() if match else len(text)
            self._emit_math(min(first_end + 1, content_end), content_end, display=True,
                            delimiter="```math")  # fmt: skip
        else:
            cursor = start
            if info in _PLAIN_BLOCKS:
                # a block of plain text (no language): its computations are the writer's
                content_end = match.start() if match else len(text)
                for a, b in plain_arithmetic(text, min(first_end + 1, content_end), content_end):
                    self._emit("code", cursor, a)
                    self._emit("math", a, b, delimiter="plain")
                    cursor = b
            self._emit("code", cursor, end)
        self.pending = end
        return end

    def _code_span(self, start: int) -> int:
        """Past a code span (it stays in the text segment, unscanned), or past its backticks
        when nothing closes them within the paragraph (they are text, as CommonMark reads an
        unmatched run: what follows is read)."""
        text = self.text
        opening = _BACKTICKS.match(text, start)
        assert opening is not None
        run = len(opening.group())
        if self._ticks is None:  # once per document: linear time however many spans
            self._ticks = {}
            for match in _BACKTICKS.finditer(text):
                self._ticks.setdefault(len(match.group()), []).append(match.start())
            self._paragraphs = [m.start() for m in _BLANK_LINE.finditer(text)]
        blank = bisect.bisect_right(self._paragraphs, start)
        limit = self._paragraphs[blank] if blank < len(self._paragraphs) else len(text)
        same = self._ticks.get(run, [])
        index = bisect.bisect_left(same, start + run)
        if index < len(same) and same[index] < limit:
            return same[index] + run
        return start + run

    def _backslash(self, start: int) -> int:
        text = self.text
        if self.markdown and (text.startswith("\\\\(", start) or text.startswith("\\\\[", start)):
            escaped = self._escaped_math(start)
            if escaped is not None:
                return escaped
        if text.startswith("\\[", start) or text.startswith("\\(", start):
            closer = "\\]" if text[start + 1] == "[" else "\\)"
            close = self._find_unescaped(closer, start + 2)
            if close < 0:
                return start + 2
            self._flush_text(start)
            self._emit_math(
                start + 2, close, display=closer == "\\]", delimiter=text[start : start + 2]
            )
            self.pending = close + 2
            return close + 2
        match = _BEGIN.match(text, start)
        if match and match.group(1) in MATH_ENVIRONMENTS:
            ending = self._matching_end(match.end(), match.group(1), len(text))
            if ending is None:
                return match.end()
            self._flush_text(start)
            name = match.group(1)
            if name in ROW_ENVIRONMENTS:
                self._emit_math(start, ending[1], display=True, delimiter="\\begin")
            else:  # equation, math, displaymath: the formula inside
                self._emit_math(
                    match.end(), ending[0], display=True, delimiter="\\begin", environment=name
                )
            self.pending = ending[1]
            return ending[1]
        if not self.markdown:
            title = _TEX_TITLE.match(text, start)
            if title is not None and title.end() > start + 2:
                return title.end()  # the title's words and math are text (as a heading's are)
        if self.markdown and start + 1 < len(text) and text[start + 1] == "\n":
            return start + 1
        return start + 2  # an escaped character: \$ is a dollar sign

    def _escaped_math(self, start: int) -> int | None:
        """Math written as kramdown and note exporters write it, with its delimiters' backslash
        escaped: ``\\\\( … \\\\)`` inline (within one paragraph), ``\\\\[ … \\\\]``
        display. None (the ``\\\\`` is text) when no closer follows."""
        text = self.text
        inline = text[start + 2] == "("
        closer = "\\\\)" if inline else "\\\\]"
        limit = len(text)
        if inline:
            blank = _BLANK_LINE.search(text, start)
            limit = blank.start() if blank else limit
        close = text.find(closer, start + 3, limit)
        if close < 0:
            return None
        self._flush_text(start)
        self._emit_math(start + 3, close, display=not inline, delimiter=text[start : start + 3])
        self.pending = close + 3
        return close + 3

    def _find_unescaped(self, needle: str, start: int) -> int:
        text = self.text
        position = text.find(needle, start)
        while position >= 0 and _escaped(text, position):
            position = text.find(needle, position + 1)
        return position

    def _dollar(self, start: int) -> int:
        text = self.text
        if text.startswith("$$", start):
            close = self._find_unescaped("$$", start + 2)
            if close < 0:
                return start + 2
            self._flush_text(start)
            self._emit_math(start + 2, close, display=True, delimiter="$$")
            self.pending = close + 2
            return close + 2
        if self.markdown and text.startswith("$`", start):
            # GitHub's inline math, $`O = (I - K)/S + 1`$: the backticks belong to the delimiters
            blank = _BLANK_LINE.search(text, start)
            close = text.find("`$", start + 2, blank.start() if blank else len(text))
            if close > start + 2 and "`" not in text[start + 2 : close]:
                self._flush_text(start)
                self._emit_math(start + 2, close, display=False, delimiter="$`")
                self.pending = close + 2
                return close + 2
        inline = self._inline_close(start)
        if inline is None:
            return start + 1
        close = inline
        self._flush_text(start)
        self._emit_math(start + 1, close, display=False, delimiter="$")
        self.pending = close + 1
        return close + 1

    def _inline_close(self, start: int) -> int | None:
        """The closing ``$`` of inline math opened at ``start``, or None (a literal dollar).

        Inline math ends before a blank line, a ``$$`` and :data:`MAX_INLINE_MATH` characters.
        The candidate closers are found once for the whole document, so that a text full of
        lone dollars is still split in linear time.
        """
        text = self.text
        if start + 1 >= len(text) or (self.markdown and text[start + 1].isspace()):
            return None
        if self._closers is None:
            self._index_dollars()
        assert self._closers is not None and self._doubles is not None
        limit = min(len(text), start + 1 + MAX_INLINE_MATH)
        blank = bisect.bisect_right(self._blanks, start)
        if blank < len(self._blanks):
            limit = min(limit, self._blanks[blank])
        double = bisect.bisect_right(self._doubles, start)
        if double < len(self._doubles):
            limit = min(limit, self._doubles[double])
        index = bisect.bisect_right(self._closers, start)
        if index < len(self._closers) and self._closers[index] < limit:
            return self._closers[index]
        return None

    def _index_dollars(self) -> None:
        """Positions of blank lines, of ``$$`` and of the dollars that can close inline math."""
        text = self.text
        self._blanks = [m.start() for m in _BLANK_LINE.finditer(text)]
        self._doubles = [
            m.start() for m in re.finditer(r"\$\$", text) if not _escaped(text, m.start())
        ]
        closer = _MARKDOWN_CLOSER if self.markdown else _TEX_CLOSER
        self._closers = [m.start() for m in closer.finditer(text) if not _escaped(text, m.start())]


#: A row: its start, its end (before its reason column) and the spans read as spaces.
_Row = tuple[int, int, tuple[tuple[int, int], ...]]


def _blanked(text: str, start: int, end: int, blanks: tuple[tuple[int, int], ...]) -> str:
    """``text[start:end]`` with the spans ``blanks`` read as spaces."""
    content = text[start:end]
    for blank_start, blank_end in blanks:
        a, b = max(0, blank_start - start), max(0, blank_end - start)
        content = content[:a] + _spaces(content[a:b]) + content[b:]
    return content


def plain_arithmetic(text: str, start: int = 0, stop: int | None = None) -> list[tuple[int, int]]:
    """The spans of ``text[start:stop]`` that are computations written in plain text: numbers,
    matrices as nested lists, ``+ - − * / × · ÷ ^``, parentheses and ``x`` between two numbers,
    with ``=`` or ``≈`` between at least two sides and an operator on some side
    (``2 × 2 × 16 + 16 = 80``, ``(28+2*0-7)/3+1=8``, ``14x14 = 196``). A side must stand
    alone: not glued to a name (``W1 = 2 + 1``, ``f(1) = 2 + 1``), a decimal point, a comma or
    a ``==``.

    >>> line = "so 7*7*32 = 1568 weights, and f(2) = 1 + 1; `208/16=13` | 28x28 |"
    >>> [line[a:b] for a, b in plain_arithmetic(line)]
    ['7*7*32 = 1568', '208/16=13']
    >>> line = "so 2 * [[1, 2], [3, -4]] = [[2, 4], [6, -8]]."
    >>> [line[a:b] for a, b in plain_arithmetic(line)]
    ['2 * [[1, 2], [3, -4]] = [[2, 4], [6, -8]]']
    >>> plain_arithmetic("see [2 + 2 = 4](https://x.org/?q=3+4=7) or https://x.org/a?n=1+1=2")
    []
    """
    found: list[tuple[int, int]] = []
    stop = len(text) if stop is None else stop
    if _ESCAPED_STAR.search(text, start, stop):
        # ``32\*16\*5\*5 + 32 = 12832``: read with each ``\*`` as `` *`` (one character for
        # one, so offsets stay the text's); the segment's content drops the backslash the same way.
        low, high = max(0, start - 2), min(len(text), stop + 1)
        window = (text[low:start] + _ESCAPED_STAR.sub(" *", text[start:stop])
                  + text[stop:high])  # fmt: skip
        return [(a + low, b + low) for a, b in plain_arithmetic(window, start - low, stop - low)]
    links = [m.span() for m in _LINK_OR_URL.finditer(text, start, stop)]
    # an HTML tag's attributes (``<img alt="(32 - 5)/1 + 1 = 28">``): never a claim
    links += [m.span() for m in _HTML_TAG.finditer(text, start, stop)]
    matches = [
        match
        for run in _PLAIN_RUN.finditer(text, start, stop)
        if len(run.group()) <= _PLAIN_LONGEST and _PLAIN_RELATION.search(run.group())
        # one character past the run: what follows it (``1568weights``) is seen, never taken
        for match in _PLAIN_CHAIN.finditer(text, run.start(), min(len(text), run.end() + 1))
    ]
    for match in matches:
        if any(a < match.end() and match.start() < b for a, b in links):
            continue  # a link's label, its target or a bare URL: never a claim
        sides = _PLAIN_RELATION.split(match.group())
        sides = [side.strip() for side in sides]
        sides[-1] = sides[-1].rstrip(".")
        if not all(_PLAIN_SIDE.fullmatch(side) and _balanced(side) for side in sides):
            continue
        if not any(_PLAIN_OPERATOR.search(_PLAIN_BRACKETS.sub("", side)) for side in sides):
            continue
        end = match.start() + len(match.group().rstrip().rstrip(".").rstrip())
        found.append((match.start(), end))
    return found


def _balanced(side: str) -> bool:
    depth = 0
    for char in side:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _plain_letter(match: re.Match[str]) -> str:
    """A mathematical alphanumeric symbol as its plain letter or digit (one character for one,
    so that columns stay the file's)."""
    plain = unicodedata.normalize("NFKC", match.group())
    return plain if len(plain) == 1 else match.group()


def _undoubled(content: str, evidence: bool = False) -> str:
    """Math whose every backslash is doubled (an exporter escaped them all: ``\\\\times``,
    ``\\\\\\\\`` for a row break) with each run halved, the removed backslashes read as spaces;
    anything else unchanged. Between ``\\\\(`` and ``\\\\)`` even runs are enough; between
    dollars (``evidence``) a doubled command (``\\\\frac``, ``\\\\{``) must show it, since
    ``$$a \\\\ b$$`` is a row break.

    >>> print(_undoubled("\\\\\\\\frac{a}{b} = \\\\\\\\{1\\\\\\\\}", evidence=True))
     \\frac{a}{b} =  \\{1 \\}
    >>> print(_undoubled("a = 1 \\\\\\\\ b = 2", evidence=True))
    a = 1 \\\\ b = 2
    """
    runs = [len(m.group()) for m in re.finditer(r"\\+", content)]
    if not runs or any(run % 2 for run in runs):
        return content
    if evidence and not _DOUBLED_COMMAND.search(content):
        return content
    return re.sub(r"\\+", lambda m: " " * (len(m.group()) // 2) + "\\" * (len(m.group()) // 2),
                  content)  # fmt: skip


def _entity(match: re.Match[str]) -> str:
    """An HTML character reference as its character, padded with spaces to its length.

    >>> _HTML_ENTITY.sub(_entity, "x &lt; 2 &amp;&#61;")
    'x <    2 &    =    '
    """
    name, decimal, hexadecimal = match.groups()
    if name:
        char = _ENTITIES[name]
    else:
        code = int(decimal) if decimal else int(hexadecimal, 16)
        char = chr(code) if 0 < code <= 0x10FFFF and chr(code).isprintable() else " "
    return char + " " * (len(match.group()) - 1)


def _spaces(text: str | re.Match[str]) -> str:
    """``text`` with every character but a newline turned into a space."""
    value = text if isinstance(text, str) else text.group()
    return re.sub(r"[^\n]", " ", value)


def _escaped(text: str, position: int) -> bool:
    """True if the character at ``position`` is preceded by an odd number of backslashes."""
    count = 0
    while position - count - 1 >= 0 and text[position - count - 1] == "\\":
        count += 1
    return count % 2 == 1
