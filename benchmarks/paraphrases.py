"""Paraphrase study of ``symconv check``: meaning-preserving rewrites of right lines never become
*wrong*.

The twin of ``benchmarks/mutations.py`` (both start from ``benchmarks/originals.py``): where a
mutation changes what a line says and must be flagged, a paraphrase says the same thing another
way — another layout, another notation, other words around the math — and must never be called
wrong.

Originals: the catalog's own write-ups (every exercise of ``symconv solve``, checked against its
set) and the lines of ``shared/practice/*.md`` that the answer key marks RIGHT. A rewrite never
touches a line that a ``wrong`` claim of the unrewritten original covers.

Each rewrite kind is a small function (the table :data:`KINDS`) that returns the edits it makes
to one original; all edits of one kind go into one rewritten document (one ``check`` per kind and
original), and each rewritten line is one rewrite. Per rewrite, the verdicts of the claims that
cover its lines are compared before and after:

* *wrong*: a ``wrong`` claim overlaps the rewritten lines — the checker misreads the paraphrase;
* *right*: a ``right`` claim covers them after the rewrite (and none is wrong);
* *unverified*: a ``right`` claim covered them before, none does after (a loss, not an error);
* *not right before*: no ``right`` claim covered them before the rewrite (nothing to keep);
* *elsewhere*: a ``wrong`` claim the original did not have (by its text), on lines no rewrite
  covers — a later link that reads a rewritten row (one per claim, listed with the failures);
* *n/a*: originals with nothing this kind can rewrite.

    python benchmarks/paraphrases.py --limit 10 --seed 8 --workers 1

``--limit N`` keeps N originals per kind (drawn with ``--seed``); progress goes to stderr, the
table and the list of every rewrite that became wrong to stdout.
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.originals import Original, catalog_originals, practice_originals  # noqa: E402

# -- edits and rewrites ------------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """One rewritten stretch of an edit: ``original[start:end]`` became ``new[new_start:new_end]``
    (offsets in the document, and in the edit's replacement text)."""

    start: int
    end: int
    new_start: int
    new_end: int


@dataclass(frozen=True)
class Edit:
    """``original.text[start:end]`` replaced by ``new``; ``pieces`` (default: the whole edit) are
    the rewrites it counts as, one per rewritten line or row."""

    start: int
    end: int
    new: str
    pieces: tuple[Piece, ...] = ()

    def all_pieces(self) -> tuple[Piece, ...]:
        return self.pieces or (Piece(self.start, self.end, 0, len(self.new)),)


@dataclass(frozen=True)
class Rewrite:
    """One rewrite: its lines in the original and in the rewritten document, before and after."""

    kind: str
    original: str
    lines: frozenset[int]
    new_lines: frozenset[int]
    before: str
    after: str


@dataclass(frozen=True)
class Rewritten:
    """An original with every edit of one kind applied."""

    kind: str
    original: Original
    text: str
    rewrites: tuple[Rewrite, ...]


@dataclass(frozen=True)
class Verdict:
    """A judgement of the checker, reduced to what the study compares."""

    verdict: str
    lines: frozenset[int]
    claim: str
    message: str


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _lines(text: str, start: int, end: int) -> frozenset[int]:
    return frozenset(range(_line_of(text, start), _line_of(text, max(start, end - 1)) + 1))


def apply_edits(kind: str, original: Original, edits: Iterable[Edit]) -> Rewritten | None:
    """The rewritten document (edits that overlap an earlier one are left out); None if no edit
    changes anything."""
    chosen: list[Edit] = []
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if original.text[edit.start : edit.end] == edit.new:
            continue
        if chosen and edit.start < chosen[-1].end:
            continue
        chosen.append(edit)
    if not chosen:
        return None
    parts: list[str] = []
    position = 0
    placed: list[tuple[Edit, int]] = []
    length = 0
    for edit in chosen:
        parts.append(original.text[position : edit.start])
        length += edit.start - position
        placed.append((edit, length))
        parts.append(edit.new)
        length += len(edit.new)
        position = edit.end
    parts.append(original.text[position:])
    text = "".join(parts)
    rewrites = []
    for edit, at in placed:
        for piece in edit.all_pieces():
            rewrites.append(
                Rewrite(
                    kind,
                    original.name,
                    _lines(original.text, piece.start, piece.end),
                    _lines(text, at + piece.new_start, at + piece.new_end),
                    original.text[piece.start : piece.end].strip(),
                    edit.new[piece.new_start : piece.new_end].strip(),
                )
            )
    return Rewritten(kind, original, text, tuple(rewrites))


# -- where a rewrite may go --------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """A math segment that may be rewritten: the checker's own segment, on lines the original
    has right (for the practice files: RIGHT in the key) and no wrong claim covers."""

    start: int
    end: int
    text: str
    display: bool
    delimiter: str
    environment: str | None
    row: int | None
    block: int | None


@dataclass(frozen=True)
class Block:
    """A display ``$$ … $$`` holding one row environment (``aligned``, ``align*``, …): the span
    with its delimiters, the environment's name and its rows (the checker's segments)."""

    start: int
    end: int
    environment: str
    rows: tuple[Site, ...]
    inner_start: int  # after \begin{…}
    inner_end: int  # before \end{…}


@dataclass
class Context:
    """What the rewrite functions read of one original."""

    original: Original
    forbidden: frozenset[int]
    sites: list[Site] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.original.text

    def allowed(self, start: int, end: int) -> bool:
        lines = _lines(self.text, start, end)
        return bool(lines & self.original.lines) and not lines & self.forbidden


def context_of(original: Original, wrong_lines: frozenset[int]) -> Context:
    from symconv.check.documents import Document

    context = Context(original, wrong_lines)
    segments = Document.from_text(original.text, original.name, "md").segments
    by_block: dict[int, list[Site]] = {}
    for segment in segments:
        if segment.kind != "math":
            continue
        site = Site(
            segment.offset,
            segment.offset + len(segment.text),
            segment.text,
            segment.display,
            segment.delimiter,
            segment.environment,
            segment.row,
            segment.block,
        )
        if context.allowed(site.start, site.end):
            context.sites.append(site)
        if segment.row is not None and segment.block is not None:
            by_block.setdefault(segment.block, []).append(site)
    for rows in by_block.values():
        block = _dollar_block(original.text, rows)
        if block is not None and all(context.allowed(r.start, r.end) for r in rows):
            context.blocks.append(block)
    return context


_BEGIN = re.compile(r"\\begin\{([A-Za-z]+\*?)\}")


def _dollar_block(text: str, rows: list[Site]) -> Block | None:
    """The ``$$ \\begin{env} … \\end{env} $$`` around the rows of one environment, if so written."""
    opening = text.rfind("$$", 0, rows[0].start)
    closing = text.find("$$", rows[-1].end)
    if opening < 0 or closing < 0:
        return None
    begin = _BEGIN.search(text, opening + 2, rows[0].start)
    if begin is None or text[opening + 2 : begin.start()].strip():
        return None
    name = begin.group(1)
    end_tag = f"\\end{{{name}}}"
    end = text.rfind(end_tag, rows[-1].end, closing)
    if end < 0 or text[end + len(end_tag) : closing].strip(" \t\n.,;"):
        return None
    return Block(opening, closing + 2, name, tuple(rows), begin.end(), end)


# -- helpers on LaTeX --------------------------------------------------------------------------


def _group_end(text: str, start: int) -> int:
    """The end of the brace group opening at ``start`` (-1 if it never closes)."""
    depth = 0
    for position in range(start, len(text)):
        char = text[position]
        if char == "\\":
            continue
        if char == "{" and (position == 0 or text[position - 1] != "\\"):
            depth += 1
        elif char == "}" and (position == 0 or text[position - 1] != "\\"):
            depth -= 1
            if depth == 0:
                return position + 1
    return -1


_OPEN = {"(": ")", "[": "]", "{": "}"}
_RELATIONS = ("=", "\\approx", "\\leq", "\\geq", "\\le", "\\ge", "\\neq", "<", ">", ":=")


#: Commands after which ``+``/``-`` is a sign, not a binary operator.
_NOT_OPERANDS = ("\\cdot", "\\times", "\\approx", "\\leq", "\\geq", "\\quad")


#: How a command changes the nesting depth.
_DEPTH_CHANGE = {"left": 1, "begin": 1, "{": 1, "right": -1, "end": -1, "}": -1}


def _latex_tokens(math: str) -> Iterator[tuple[int, str, int]]:
    """``(position, token, depth)`` of each command (``\\left`` and ``\\right`` with their
    bracket) or character, with the nesting depth before it: brackets, braces, ``\\{ \\}``,
    ``\\left … \\right`` and environments."""
    depth = 0
    position = 0
    while position < len(math):
        if math[position] == "\\":
            command = re.match(r"\\([A-Za-z]+|.)", math[position:])
            name = command.group(1) if command else ""
            length = len(command.group(0)) if command else 1
            if name in ("left", "right"):
                length += 1  # the bracket that follows
            yield position, math[position : position + length], depth
            depth += _DEPTH_CHANGE.get(name, 0)
            position += length
            continue
        char = math[position]
        yield position, char, depth
        depth += 1 if char in "([{" else -1 if char in ")]}" else 0
        position += 1


def _top_level_operators(math: str, operators: str = "+-") -> list[int]:
    """Positions of binary ``+``/``-`` outside every bracket, brace and environment (not after
    another operator, a relation, ``^``, ``_`` or at the start)."""
    found = []
    previous = ""  # the last non-space token outside commands' own braces
    for position, token, depth in _latex_tokens(math):
        if token.startswith("\\"):
            name = re.match(r"\\([A-Za-z]+|.)", token)
            command = name.group(1) if name else ""
            if command not in ("{", "}", ",", ";", " "):
                previous = "\\" + command
            continue
        if (
            token in operators
            and depth == 0
            and previous
            and previous not in "+-=<>^_&(,"
            and previous not in _NOT_OPERANDS
        ):
            found.append(position)
        if not token.isspace():
            previous = token
    return found


def _relation_at(math: str) -> list[tuple[int, int]]:
    """Spans of the top-level relations of a math text (``=``, ``\\approx``, ``\\leq``, ...)."""
    spans = []
    for position, token, depth in _latex_tokens(math):
        if depth != 0:
            continue
        if token in _RELATIONS[1:7]:
            spans.append((position, position + len(token)))
        elif token in "=<>" and math[position - 1 : position] not in ":<>!":
            start = position - 1 if math[position - 1 : position] == ":" else position
            spans.append((start, position + 1))
    return spans


def _annotation_free(text: str) -> bool:
    return "&&" not in text and "\\text" not in text


# -- rewrite kinds: layout ---------------------------------------------------------------------


def rows_as_displays(context: Context) -> list[Edit]:
    """An ``aligned`` block as separate ``$$ … $$`` rows, a chain's continuation ``&= c``
    written as a display ``$$= c$$`` right after the previous one: the same equalities, in the
    same order, each continuing the one before (an ``&& \\text{…}`` reason follows its row after
    ``\\qquad``)."""
    edits = []
    for block in context.blocks:
        pieces = []
        parts: list[str] = []
        length = 0
        for row in block.rows:
            reason = _reason_after(context.text, row, block)
            body = _without_marks(row.text).strip()
            suffix = " \\qquad " + reason if reason else ""
            display = f"$${body}{suffix}$$"
            if parts:
                parts.append("\n\n")
                length += 2
            pieces.append(Piece(row.start, row.end, length, length + len(display)))
            parts.append(display)
            length += len(display)
        edits.append(Edit(block.start, block.end, "".join(parts), tuple(pieces)))
    return edits


def _without_marks(math: str) -> str:
    """``math`` without its alignment marks (``&`` outside braces and environments; a matrix's
    column separators stay)."""
    out = []
    depth = 0
    for position, char in enumerate(math):
        if math.startswith("\\begin", position) or char == "{":
            depth += 1
        elif math.startswith("\\end", position) or char == "}":
            depth -= 1
        if char == "&" and depth == 0:
            out.append(" ")
            continue
        out.append(char)
    return "".join(out)


def _reason_after(text: str, row: Site, block: Block) -> str:
    """The ``\\text{…}`` of a row's ``&& \\text{…}`` column when it is words only (empty
    otherwise: ``\\text{u' = U+1} - \\text{u}`` after ``\\qquad`` would be math, so such a
    remark is left out)."""
    following = [r.start for r in block.rows if r.start > row.start]
    stop = following[0] if following else block.inner_end
    rest = text[row.end : stop]
    found = re.match(r"\s*&&\s*(\\text\s*\{[^{}]*\})\s*(?:\\\\)?\s*$", rest, re.DOTALL)
    return found.group(1) if found else ""


def rows_joined(context: Context) -> list[Edit]:
    """The rows of an ``aligned`` chain joined into one row, their ``&`` marks kept
    (``a &= b \\\\ &= c`` as ``a &= b &= c``): LaTeX sets one long line, the chain says the
    same. Only a row that continues the chain (it starts with its relation) is joined, and only
    the rows so joined count; the ``&& \\text{…}`` reasons, which are remarks, are left out."""
    edits = []
    for block in context.blocks:
        joins = [
            index > 0 and re.match(r"\s*&\s*(=|\\approx|\\leq|\\geq)", row.text) is not None
            for index, row in enumerate(block.rows)
        ]
        if not any(joins):
            continue
        pieces = []
        parts = [f"\\begin{{{block.environment}}}\n"]
        length = len(parts[0])
        for index, row in enumerate(block.rows):
            if index:
                separator = "\n" if joins[index] else " \\\\\n"
                parts.append(separator)
                length += len(separator)
            if joins[index] or (index + 1 < len(joins) and joins[index + 1]):
                pieces.append(Piece(row.start, row.end, length, length + len(row.text)))
            parts.append(row.text)
            length += len(row.text)
        parts.append(f"\n\\end{{{block.environment}}}")
        start = block.inner_start - len(f"\\begin{{{block.environment}}}")
        end = block.inner_end + len(f"\\end{{{block.environment}}}")
        edits.append(Edit(start, end, "".join(parts), tuple(pieces)))
    return edits


def bare_rows(context: Context) -> list[Edit]:
    """``\\\\`` inside ``$$ … $$`` without an environment (MathJax and KaTeX set the rows as
    ``aligned`` would): the same rows, the same chain."""
    edits = []
    for block in context.blocks:
        begin = f"\\begin{{{block.environment}}}"
        end = f"\\end{{{block.environment}}}"
        start = block.inner_start - len(begin)
        inner = context.text[block.inner_start : block.inner_end]
        pieces = tuple(
            Piece(r.start, r.end, r.start - block.inner_start, r.end - block.inner_start)
            for r in block.rows
        )
        edits.append(Edit(start, block.inner_end + len(end), inner, pieces))
    return edits


def continuation_rows(context: Context) -> list[Edit]:
    """A long sum on the right of ``=`` split into continuation rows ``&= a \\\\ &\\quad + b
    \\\\ &\\quad + c``: amsmath's way of breaking a long line; the rows continue one
    expression."""
    edits = []
    for site in context.sites:
        if site.delimiter == "$" or "\\begin{bmatrix}" in site.text:
            continue
        relations = _relation_at(site.text)
        if not relations:
            continue
        rhs_start = relations[-1][1]
        rhs = site.text[rhs_start:]
        cuts = [rhs_start + p for p in _top_level_operators(rhs)][:3]
        if not cuts:
            continue
        head = site.text[: relations[-1][0]]
        relation = site.text[relations[-1][0] : relations[-1][1]]
        bounds = [rhs_start, *cuts, len(site.text)]
        terms = [site.text[a:b].strip() for a, b in itertools.pairwise(bounds)]
        head = head.rstrip()
        mark = "" if head.endswith("&") else " &"
        first = f"{head}{mark}{relation} {terms[0]}".lstrip()
        rows = [first] + [f"&\\quad {term}" for term in terms[1:]]
        new = " \\\\\n".join(rows)
        if site.row is None:
            new = "\\begin{aligned}\n" + new + "\n\\end{aligned}"
        edits.append(Edit(site.start, site.end, new))
    return edits


def sum_rows(context: Context) -> list[Edit]:
    """A sum on the left of ``=`` typed as an ``align*`` block whose rows continue it
    (``&\\; a \\\\ &+ b \\\\ &+ c \\\\ &= d``): the rows add up to one side, equal to ``d``."""
    edits = []
    for site in context.sites:
        if site.row is not None or "\\begin" in site.text:
            continue
        relations = _relation_at(site.text)
        if len(relations) != 1 or site.text[relations[0][0] : relations[0][1]] != "=":
            continue
        lhs = site.text[: relations[0][0]]
        cuts = _top_level_operators(lhs)
        if not cuts:
            continue
        bounds = [0, *cuts, len(lhs)]
        terms = [lhs[a:b].strip() for a, b in itertools.pairwise(bounds)]
        rows = [f"&\\; {terms[0]}"] + [f"&{term}" for term in terms[1:]]
        rows.append(f"&= {site.text[relations[0][1] :].strip()}")
        body = "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"
        start, end = _with_delimiters(context.text, site)
        edits.append(Edit(start, end, f"\n\n{body}\n\n"))
    return edits


def _with_delimiters(text: str, site: Site) -> tuple[int, int]:
    """The span of a math segment with its delimiters (``$``, ``$$``, ``\\(``, ``\\[``)."""
    opening = {"$": "$", "$$": "$$", "\\(": "\\(", "\\[": "\\["}[site.delimiter]
    closing = {"$": "$", "$$": "$$", "\\(": "\\)", "\\[": "\\]"}[site.delimiter]
    start = text.rfind(opening, 0, site.start)
    end = text.find(closing, site.end)
    return (start if start >= 0 else site.start), end + len(closing)


def bracket_delimiters(context: Context) -> list[Edit]:
    """``\\[ … \\]`` for ``$$ … $$`` and ``\\( … \\)`` for ``$ … $``: LaTeX's own delimiters
    of display and inline math."""
    edits = []
    done: set[int] = set()
    for site in context.sites:
        if site.delimiter not in ("$", "$$"):
            continue
        start, end = _with_delimiters(context.text, site)
        if start in done:
            continue
        done.add(start)
        width = len(site.delimiter)
        inner = context.text[start + width : end - width]
        opening, closing = ("\\(", "\\)") if width == 1 else ("\\[", "\\]")
        pieces = _row_pieces(context, start, end, width)
        edits.append(Edit(start, end, opening + inner + closing, pieces))
    return edits


def _row_pieces(context: Context, start: int, end: int, shift: int) -> tuple[Piece, ...]:
    """One piece per site inside ``start:end`` (the rows of a block), in a replacement whose
    text is the original's from ``start`` with the first delimiter ``shift`` longer or
    shorter."""
    inside = [s for s in context.sites if start <= s.start and s.end <= end]
    return tuple(Piece(s.start, s.end, s.start - start, s.end - start) for s in inside) or (
        Piece(start, end, 0, end - start),
    )


def math_fence(context: Context) -> list[Edit]:
    """A display ``$$ … $$`` (on lines of its own) as a ```` ```math ```` fence: GitHub and
    GitLab render the fence's content as display math."""
    edits = []
    done: set[int] = set()
    for site in context.sites:
        if site.delimiter != "$$":
            continue
        start, end = _with_delimiters(context.text, site)
        if start in done:
            continue
        done.add(start)
        at_line_start = start == 0 or context.text[start - 1] == "\n"
        at_line_end = end == len(context.text) or context.text[end] == "\n"
        if not (at_line_start and at_line_end):
            continue
        inner = context.text[start + 2 : end - 2].strip("\n")
        new = "```math\n" + inner + "\n```"
        offset = context.text.index(inner, start) - start
        pieces = tuple(
            Piece(p.start, p.end, p.new_start - offset + 8, p.new_end - offset + 8)
            for p in _row_pieces(context, start, end, 0)
        )
        edits.append(Edit(start, end, new, pieces))
    return edits


# -- rewrite kinds: notation -------------------------------------------------------------------


def _site_edits(
    context: Context, transform: Callable[[str], str], *, inline_only: bool = False
) -> list[Edit]:
    edits = []
    for site in context.sites:
        if inline_only and site.display:
            continue
        new = transform(site.text)
        if new != site.text:
            edits.append(Edit(site.start, site.end, new))
    return edits


_CDOT = re.compile(r"\\cdot(?![A-Za-z])")
_TIMES = re.compile(r"\\times(?![A-Za-z])")


def times_for_cdot(context: Context) -> list[Edit]:
    """``\\times`` for ``\\cdot``: both are the product of two numbers or scalars."""
    return _site_edits(context, lambda math: _CDOT.sub(r"\\times", math))


def cdot_for_times(context: Context) -> list[Edit]:
    """``\\cdot`` for ``\\times``: both are the product of two numbers or scalars."""
    return _site_edits(context, lambda math: _TIMES.sub(r"\\cdot", math))


def star_for_product(context: Context) -> list[Edit]:
    """``*`` for ``\\cdot`` and ``\\times``: the programmer's product sign."""
    return _site_edits(context, lambda math: _TIMES.sub("*", _CDOT.sub("*", math)))


def juxtaposition(context: Context) -> list[Edit]:
    """A product sign dropped where juxtaposition reads the same: never between two numbers
    (``3 3`` is not 9), never before a number (``x 2``), never before a bracket after a name
    (``f (x)`` could be an application)."""

    def transform(math: str) -> str:
        out = []
        position = 0
        for match in re.finditer(r"\s*\\(?:cdot|times)(?![A-Za-z])\s*", math):
            before = math[: match.start()].rstrip()
            after = math[match.end() :]
            left = before[-1:] if before else ""
            right = after[:1]
            if not left or right.isdigit() or right in "-+" or left in "=+-(&{,":
                continue
            if (right == "(" or after.startswith("\\left")) and (left.isalpha() or left in "]}'"):
                continue
            out.append(math[position : match.start()])
            out.append(" ")
            position = match.end()
        out.append(math[position:])
        return "".join(out)

    return _site_edits(context, transform)


def explicit_product(context: Context) -> list[Edit]:
    """``\\cdot`` between a number and the name it multiplies (``2 t`` as ``2 \\cdot t``): the
    product juxtaposition meant."""
    pattern = re.compile(r"(?<![\w^_{.\\])(\d+) +(?=[A-Za-z](?![A-Za-z]))")
    return _site_edits(context, lambda math: pattern.sub(r"\1 \\cdot ", math))


def part_for_partial(context: Context) -> list[Edit]:
    """``\\part`` for ``\\partial``: MathJax and KaTeX set both as ∂."""
    return _site_edits(context, lambda math: re.sub(r"\\partial(?![A-Za-z])", r"\\part", math))


_ATOM = re.compile(r"-?\d+(?:\.\d+)?|[A-Za-z](?:_\{[^{}]*\}|_\w)?|\\[A-Za-z]+")
_LEFT_OK = "=(&{,+-<>["
_RIGHT_OK = "=)},+-&<>]"


_LEIBNIZ = re.compile(r"\s*(\\partial|\\part|d\b|d\s*[A-Za-z]|\\mathrm\{d\})")


def _slashed(math: str, *, derivatives: bool) -> str:
    """``math`` with each ``\\frac{a}{b}`` (of quotients, or of derivatives) written ``a/b``;
    see :func:`slash_for_frac` and :func:`derivative_slash`."""

    def side(text: str) -> str:
        text = text.strip()
        return text if derivatives or _ATOM.fullmatch(text) else f"({text})"

    position = 0
    out = []
    while True:
        found = math.find("\\frac", position)
        if found < 0:
            break
        numerator_end = _group_end(math, found + 5) if math[found + 5 : found + 6] == "{" else -1
        if numerator_end < 0 or math[numerator_end : numerator_end + 1] != "{":
            out.append(math[position : found + 5])
            position = found + 5
            continue
        denominator_end = _group_end(math, numerator_end)
        if denominator_end < 0:
            break
        numerator = math[found + 6 : numerator_end - 1]
        denominator = math[numerator_end + 1 : denominator_end - 1]
        before = math[:found].rstrip()
        after = math[denominator_end:].lstrip()
        left = before[-1:]
        if (
            (_LEIBNIZ.match(numerator) is not None) != derivatives
            or "\\frac" in numerator + denominator
            or left.isalpha()
            or (left != "" and left in "]}'")
        ):
            out.append(math[position:denominator_end])
            position = denominator_end
            continue
        quotient = f"{side(numerator)}/{side(denominator)}"
        alone = (not left or left in _LEFT_OK or before.endswith(_RELATIONS)) and (
            not after
            or after[0] in _RIGHT_OK
            or after.startswith(("\\\\", "\\right", "\\approx", "\\leq", "\\geq", "\\end"))
        )
        out.append(math[position:found])
        out.append(quotient if alone else f"({quotient})")
        position = denominator_end
    out.append(math[position:])
    return "".join(out)


def slash_for_frac(context: Context) -> list[Edit]:
    """``\\frac{a}{b}`` as ``a/b``, each side in parentheses unless it is one name or number,
    the whole in parentheses unless it stands alone between operators (``x (1/2)`` could be an
    application, so a fraction right after a name is left as it is). Derivatives are the next
    kind's."""
    return _site_edits(context, lambda math: _slashed(math, derivatives=False))


def derivative_slash(context: Context) -> list[Edit]:
    """Leibniz's ``\\frac{\\partial J}{\\partial W[k]}`` written inline, ``\\partial J/\\partial
    W[k]``, in parentheses unless it stands alone (``(∂J/∂Z[i]) X[i]``: without them the
    product would be under the slash)."""
    return _site_edits(context, lambda math: _slashed(math, derivatives=True))


_UNICODE = {
    "\\times": "×", "\\cdot": "·", "\\leq": "≤", "\\geq": "≥", "\\approx": "≈",
    "\\partial": "∂", "\\neq": "≠",
}  # fmt: skip
_COMMAND = re.compile(r"\\(?:times|cdot|leq|geq|approx|partial|neq)(?![A-Za-z])")


def unicode_symbols(context: Context) -> list[Edit]:
    """``×``, ``·``, ``≤``, ``≥``, ``≈``, ``∂``, ``≠`` typed as characters instead of their
    commands: the same symbols."""
    return _site_edits(context, lambda math: _COMMAND.sub(lambda m: _UNICODE[m.group()], math))


def display_fractions(context: Context) -> list[Edit]:
    """``\\dfrac`` for ``\\frac``: the same fraction, set larger."""
    return _site_edits(context, lambda math: re.sub(r"\\frac(?![A-Za-z])", r"\\dfrac", math))


_SLASH_OPERAND = r"(?:\((?:[^()]|\([^()]*\))*\)|\d+|[A-Za-z](?:_\{[^{}]*\}|_\w)?)"
_SLASH = re.compile(rf"(?<![\w\\}}\]])({_SLASH_OPERAND})\s*/\s*({_SLASH_OPERAND})(?![\w(\[{{^_])")


def frac_for_slash(context: Context) -> list[Edit]:
    """``a/b`` (each side one name, number or parenthesised group) as ``\\frac{a}{b}``, the
    group's parentheses dropped: the same quotient."""

    def inner(operand: str) -> str:
        return operand[1:-1] if operand.startswith("(") else operand

    return _site_edits(
        context,
        lambda math: _SLASH.sub(
            lambda m: f"\\frac{{{inner(m.group(1))}}}{{{inner(m.group(2))}}}", math
        ),
    )


_SIZED = re.compile(r"\\(left|right)\s*(?=[()\[\]|]|\\[lr](?:floor|ceil)|\\[{}])")


def drop_left_right(context: Context) -> list[Edit]:
    """``\\left(`` and ``\\right)`` as plain ``(`` and ``)``: the size of a bracket is
    typography."""
    return _site_edits(context, lambda math: _SIZED.sub("", math))


def extra_braces(context: Context) -> list[Edit]:
    """One-character scripts in braces (``x_1`` as ``x_{1}``, ``h^2`` as ``h^{2}``) and a brace
    group around each ``\\sum`` (``{\\sum_k …}`` reads the same)."""
    pattern = re.compile(r"(?<!\\)([_^])([A-Za-z0-9])")
    return _site_edits(context, lambda math: pattern.sub(r"\1{\2}", math))


def tight_spaces(context: Context) -> list[Edit]:
    """No spaces around ``=``, ``+``, ``-`` and after commas: TeX spaces math itself."""

    def transform(math: str) -> str:
        math = re.sub(r"(?<![\\{])\s*,\s*(?![}\d])", ",", math)
        return re.sub(r"(?<![\\:<>!])\s*([=+])\s*(?![:])", r"\1", math)

    return _site_edits(context, transform)


def loose_spaces(context: Context) -> list[Edit]:
    """Spaces inside brackets, after commas and around ``=`` and ``+``: TeX ignores them."""

    def transform(math: str) -> str:
        math = re.sub(r"(?<![\\{\d]),(?![}\d])", " , ", math)
        math = re.sub(r"(?<![\\:<>!])([=+])(?![:])", r" \1 ", math)
        return re.sub(r"(?<!\\)([(\[])", r"\1 ", math)

    return _site_edits(context, transform)


_SIGMA = r"\\sigma\s*(?:\\left)?\((?P<arg>[^()]*?)(?:\\right)?\)"


def sigma_derivative(context: Context) -> list[Edit]:
    """σ' written as ``\\sigma(z)(1-\\sigma(z))`` and as ``\\frac{e^{-z}}{(1+e^{-z})^2}``: the
    same function (σ(z)(1 − σ(z)) = e^{−z}/(1 + e^{−z})²), where either form occurs."""
    sigma = _SIGMA.replace("(?P<arg>", "(?P<{}>")
    product = re.compile(
        r"\\left\(1 - " + sigma.format("a") + r"\\right\)\s*" + sigma.format("b")
        + "|" + sigma.format("c") + r"\s*\\left\(1 - " + sigma.format("d") + r"\\right\)"
    )  # fmt: skip
    exponential = re.compile(
        r"\\frac\{e\^\{-(?P<a>[^{}]+)\}\}\{\\left\(1 \+ e\^\{-(?P=a)\}\\right\)\^\{?2\}?\}"
    )

    def transform(math: str) -> str:
        def as_exponential(match: re.Match[str]) -> str:
            first, second = (match.group("a"), match.group("b")) if match.group("a") else (
                match.group("c"), match.group("d"))  # fmt: skip
            if first.strip() != second.strip():
                return match.group()
            z = first.strip()
            return f"\\frac{{e^{{-{z}}}}}{{\\left(1 + e^{{-{z}}}\\right)^{{2}}}}"

        def as_product(match: re.Match[str]) -> str:
            z = match.group("a")
            return f"\\sigma({z}) \\left(1 - \\sigma({z})\\right)"

        return exponential.sub(as_product, product.sub(as_exponential, math))

    return _site_edits(context, transform)


def index_base(context: Context) -> list[Edit]:
    """Indices shifted to the other base — only where the problem leaves the base open. Every
    original's problem fixes it: the write-ups' conventions say "0-based indices" (NYU) or
    "1-based subscripts, as in the book" (nndl), or the problem names the entries itself
    (``w_{11}``, ``x_1``, ``Z[2, 3]``); so this kind has nothing to rewrite, and says so in the
    table (n/a) rather than leaving the table."""
    return []


def size_names(context: Context) -> list[Edit]:
    """Other names for the sizes (``H``, ``W`` for ``J_1``, ``J_2``) — only where the problem
    leaves the names open. Every original's problem names its sizes, so this kind has nothing to
    rewrite."""
    return []


# -- rewrite kinds: prose ----------------------------------------------------------------------


def _line_span(text: str, start: int, end: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return line_start, len(text) if line_end < 0 else line_end


def _math_lines(context: Context) -> list[tuple[int, int]]:
    """The whole lines that hold each allowed math segment with its delimiters (merged)."""
    spans: list[tuple[int, int]] = []
    for site in context.sites:
        if site.delimiter in ("\\begin",):
            continue
        start, end = _with_delimiters(context.text, site)
        line_start, line_end = _line_span(context.text, start, end)
        if spans and line_start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], line_end))
        else:
            spans.append((line_start, line_end))
    return spans


def prose_before(context: Context) -> list[Edit]:
    """A sentence before the math: "Hence we get" on the line before a display, "Hence, " before
    a line of inline math — words, not claims."""
    edits = []
    for start, end in _math_lines(context):
        line = context.text[start:end]
        if line.startswith("$$") or line.startswith("\\["):
            new = "Hence we get\n\n" + line
        elif line.startswith(("#", "|", ">", "-", "*  ")):
            continue
        else:
            new = "Hence, " + line
        offset = len(new) - len(line)
        edits.append(Edit(start, end, new, (Piece(start, end, offset, len(new)),)))
    return edits


def prose_after(context: Context) -> list[Edit]:
    """A sentence after the math: ", which is what we get." after inline math, "as claimed." on
    the line after a display — words, not claims."""
    edits = []
    for start, end in _math_lines(context):
        line = context.text[start:end]
        if line.startswith(("#", "|", ">")):
            continue
        if line.rstrip().endswith(("$$", "\\]")):
            new = line + "\n\nas claimed."
        else:
            new = line.rstrip(".") + ", which is what we get."
        edits.append(Edit(start, end, new, (Piece(start, end, 0, len(line)),)))
    return edits


def answer_moved(context: Context) -> list[Edit]:
    """``**Answer:** $x$`` as ``$x$ is the **answer**.``: the label after the math."""
    edits = []
    for match in re.finditer(r"^\*\*Answer:\*\* (\$[^\n]*\$)[ \t]*$", context.text, re.M):
        if not context.allowed(match.start(1), match.end(1)):
            continue
        new = f"{match.group(1)} is the **answer**."
        edits.append(Edit(match.start(), match.end(), new))
    return edits


def list_item(context: Context) -> list[Edit]:
    """The math inside a list item: ``- `` before its first line, its other lines indented to
    the item."""
    edits = []
    for start, end in _math_lines(context):
        line = context.text[start:end]
        if line.startswith(("#", "|", ">", "-", "*")):
            continue
        new = "- " + line.replace("\n", "\n  ")
        edits.append(Edit(start, end, new))
    return edits


def blockquote(context: Context) -> list[Edit]:
    """The math inside a blockquote: ``> `` before each of its lines."""
    edits = []
    for start, end in _math_lines(context):
        line = context.text[start:end]
        if line.startswith(("#", "|", ">")):
            continue
        new = "> " + line.replace("\n", "\n> ")
        edits.append(Edit(start, end, new))
    return edits


#: Every rewrite kind: its name and the function that finds its edits in one original.
KINDS: dict[str, Callable[[Context], list[Edit]]] = {
    "rows-as-displays": rows_as_displays,
    "rows-joined": rows_joined,
    "bare-rows": bare_rows,
    "continuation-rows": continuation_rows,
    "sum-rows": sum_rows,
    "bracket-delimiters": bracket_delimiters,
    "math-fence": math_fence,
    "times-for-cdot": times_for_cdot,
    "cdot-for-times": cdot_for_times,
    "star-product": star_for_product,
    "juxtaposition": juxtaposition,
    "explicit-product": explicit_product,
    "part-for-partial": part_for_partial,
    "slash-for-frac": slash_for_frac,
    "frac-for-slash": frac_for_slash,
    "derivative-slash": derivative_slash,
    "unicode-symbols": unicode_symbols,
    "dfrac": display_fractions,
    "drop-left-right": drop_left_right,
    "extra-braces": extra_braces,
    "tight-spaces": tight_spaces,
    "loose-spaces": loose_spaces,
    "sigma-derivative": sigma_derivative,
    "index-base": index_base,
    "size-names": size_names,
    "prose-before": prose_before,
    "prose-after": prose_after,
    "answer-moved": answer_moved,
    "list-item": list_item,
    "blockquote": blockquote,
}


# -- checking ----------------------------------------------------------------------------------


def against_of(original: Original) -> object:
    """What to check an original against, as a value a worker process can receive."""
    against = original.against
    return against if isinstance(against, str) else getattr(against, "id", against)


def verdicts(job: tuple[str, str, object]) -> list[Verdict]:
    """The checker's verdicts on one document (run in a worker)."""
    from symconv.check.api import check

    name, text, against = job
    report = check(text, against=against, name=name)  # type: ignore[arg-type]
    return [
        Verdict(
            j.verdict,
            frozenset(range(j.claim.line, j.claim.end_line + 1)),
            j.claim.text,
            j.message,
        )
        for j in report.judgements
    ]


def _pool_map(
    jobs: list[tuple[str, str, object]], workers: int, label: str
) -> Iterator[tuple[int, list[Verdict]]]:
    if workers <= 1:
        for number, job in enumerate(jobs):
            print(f"\r{label}: {number + 1}/{len(jobs)}", end="", file=sys.stderr, flush=True)
            yield number, verdicts(job)
    else:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            numbered = pool.imap_unordered(_numbered, list(enumerate(jobs)))
            for done, (number, found) in enumerate(numbered, 1):
                print(f"\r{label}: {done}/{len(jobs)}", end="", file=sys.stderr, flush=True)
                yield number, found
    print(file=sys.stderr)


def _numbered(item: tuple[int, tuple[str, str, object]]) -> tuple[int, list[Verdict]]:
    return item[0], verdicts(item[1])


@dataclass(frozen=True)
class Outcome:
    """What became of one rewrite."""

    rewrite: Rewrite
    status: str  # wrong | right | unverified | not right before
    message: str = ""


STATUSES = ("wrong", "right", "unverified", "not right before")


def outcomes(
    rewritten: Rewritten, before: list[Verdict], after: list[Verdict]
) -> tuple[list[Outcome], list[Verdict]]:
    """Each rewrite's outcome, and the new wrong claims on lines no rewrite covers."""
    known_wrong = {v.claim for v in before if v.verdict == "wrong"}  # messages cite lines
    found = []
    covered: set[int] = set()
    for rewrite in rewritten.rewrites:
        covered |= rewrite.new_lines
        was = {v.verdict for v in before if v.lines & rewrite.lines}
        now = [v for v in after if v.lines & rewrite.new_lines]
        wrong = [v for v in now if v.verdict == "wrong"]
        if wrong:
            found.append(Outcome(rewrite, "wrong", f"{wrong[0].claim!r}: {wrong[0].message}"))
        elif any(v.verdict == "right" for v in now):
            found.append(Outcome(rewrite, "right"))
        elif "right" in was:
            found.append(Outcome(rewrite, "unverified"))
        else:
            found.append(Outcome(rewrite, "not right before"))
    elsewhere = [
        v
        for v in after
        if v.verdict == "wrong" and not v.lines & covered and v.claim not in known_wrong
    ]
    return found, elsewhere


# -- the study ---------------------------------------------------------------------------------


@dataclass
class Study:
    """Outcomes per kind, the new wrong claims elsewhere, and the originals each kind skipped."""

    outcomes: dict[str, list[Outcome]] = field(default_factory=dict)
    elsewhere: dict[str, list[tuple[str, Verdict]]] = field(default_factory=dict)
    not_applicable: Counter[str] = field(default_factory=Counter)


def run_study(
    originals: list[Original],
    kinds: Iterable[str],
    *,
    workers: int = 1,
    limit: int | None = None,
    seed: int = 8,
) -> Study:
    """Check every original, rewrite it with each kind, check the rewrites, compare."""
    kinds = list(kinds)
    base_jobs = [(o.name, o.text, against_of(o)) for o in originals]
    baseline: dict[str, list[Verdict]] = {}
    for number, found in _pool_map(base_jobs, workers, "originals"):
        baseline[originals[number].name] = found
    study = Study()
    documents: list[Rewritten] = []
    for kind in kinds:
        study.outcomes[kind] = []
        study.elsewhere[kind] = []
        chosen = list(originals)
        if limit is not None:
            random.Random(f"{seed}:{kind}").shuffle(chosen)
            chosen = chosen[:limit]
        for original in chosen:
            wrong_lines = frozenset(
                line for v in baseline[original.name] if v.verdict == "wrong" for line in v.lines
            )
            context = context_of(original, wrong_lines)
            rewritten = apply_edits(kind, original, KINDS[kind](context))
            if rewritten is None:
                study.not_applicable[kind] += 1
            else:
                documents.append(rewritten)
    jobs = [(d.original.name, d.text, against_of(d.original)) for d in documents]
    for number, found in _pool_map(jobs, workers, "rewritten documents"):
        document = documents[number]
        results, elsewhere = outcomes(document, baseline[document.original.name], found)
        study.outcomes[document.kind].extend(results)
        study.elsewhere[document.kind].extend((document.original.name, v) for v in elsewhere)
    return study


def table(study: Study) -> str:
    """The study's table: per kind, rewrites and their outcomes, and a total row."""
    header = (
        f"{'kind':19} {'rewrites':>8} {'wrong':>6} {'right':>6} {'unverif':>8} "
        f"{'not right':>9} {'elsewhere':>9} {'n/a':>4}"
    )
    rows = [header, "-" * len(header)]
    totals = Counter[str]()
    for kind, found in study.outcomes.items():
        counts = Counter(outcome.status for outcome in found)
        counts["rewrites"] = len(found)
        counts["elsewhere"] = len(study.elsewhere[kind])
        counts["n/a"] = study.not_applicable[kind]
        totals.update(counts)
        rows.append(_row(kind, counts))
    rows.append("-" * len(header))
    rows.append(_row("all", totals))
    return "\n".join(rows)


def _row(kind: str, counts: Counter[str]) -> str:
    return (
        f"{kind:19} {counts['rewrites']:8} {counts['wrong']:6} {counts['right']:6} "
        f"{counts['unverified']:8} {counts['not right before']:9} {counts['elsewhere']:9} "
        f"{counts['n/a']:4}"
    )


def failures(study: Study) -> list[str]:
    """Every rewrite that became wrong, and every new wrong claim elsewhere."""
    lines = []
    for kind, found in study.outcomes.items():
        for outcome in found:
            if outcome.status != "wrong":
                continue
            rewrite = outcome.rewrite
            lines.append(
                f"{kind} {rewrite.original} line {min(rewrite.lines)}: "
                f"{_short(rewrite.before)!r} -> {_short(rewrite.after)!r}\n    {outcome.message}"
            )
        for name, verdict in study.elsewhere[kind]:
            lines.append(
                f"{kind} {name} line {min(verdict.lines)} (elsewhere): {verdict.claim!r}: "
                f"{verdict.message}"
            )
    return lines


def _short(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def main(argv: list[str] | None = None) -> int:
    assert __doc__ is not None
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="at most N originals per kind")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--kinds", nargs="*", default=list(KINDS), choices=list(KINDS))
    parser.add_argument("--workers", type=int, default=1, choices=(1, 2))
    parser.add_argument("--show", choices=("wrong", "unverified"), default=None,
                        help="also list the rewrites that became unverified")  # fmt: skip
    args = parser.parse_args(argv)
    started = time.perf_counter()
    originals = practice_originals() + catalog_originals()
    print(f"{len(originals)} originals", file=sys.stderr)
    study = run_study(originals, args.kinds, workers=args.workers, limit=args.limit, seed=args.seed)
    print(table(study))
    found = failures(study)
    print(f"\nrewrites that became wrong ({len(found)}):")
    for line in found:
        print("  " + line)
    if args.show == "unverified":
        print("\nrewrites that became unverified:")
        for kind, outcomes_of_kind in study.outcomes.items():
            for outcome in outcomes_of_kind:
                if outcome.status == "unverified":
                    r = outcome.rewrite
                    print(f"  {kind} {r.original} line {min(r.lines)}: {_short(r.after)!r}")
    print(
        f"\nseed {args.seed}, limit {args.limit}, workers {args.workers}, "
        f"{time.perf_counter() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
