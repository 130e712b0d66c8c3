"""The development corpus's answer keys (``shared/corpus/KEYS.md``) and how a checker is scored.

``KEYS.md`` holds one section per document: a heading ``## NAME.md`` (or ``.tex``), the problem
statement, a totals line ``RIGHT n · WRONG n · DEBATABLE n · PROSE n`` and a table
``| lines | claim | verdict | why |``. The ``lines`` cell is a comma-separated list of 1-based lines
or ranges of the file as saved (``14``, ``25–36`` with an en dash or a hyphen, ``79, 83``,
``190–191, 197–198``); several rows may share a line when it holds several claims.

**Scoring rule** (:func:`score_row`). A judgement *overlaps* a row when one of the lines
``claim.line``..``claim.end_line`` (inclusive) is one of the row's lines. Rows are told apart by
their lines only, so every row is scored on *all* the judgements that overlap it, and one
judgement counts for every row it overlaps (a display block judged as one claim meets each row
keyed inside it; one ``wrong`` on a line catches every WRONG row of that line):

* WRONG: **caught** when some overlapping judgement is ``wrong``, else **missed**.
  :func:`caught_one_to_one` also gives the stricter count where one ``wrong`` judgement catches at
  most one WRONG row (a maximum matching of rows to judgements).
* RIGHT: **flagged** when some overlapping judgement is ``wrong`` (the worst outcome); else
  **confirmed** when some is ``right``; else **unverified** when there is at least one (all
  ``unverified``); else **not extracted**.
* DEBATABLE: **flagged** when some overlapping judgement is ``wrong``, else **not flagged**;
  counted, never scored (both are acceptable).
* PROSE: **called right** when some overlapping judgement is ``right`` (a false confirmation),
  else **flagged** when some is ``wrong``, else **quiet**.

A RIGHT row that shares a line with a WRONG or DEBATABLE row of the same document is **shared**:
its outcome is computed but it is left out of the RIGHT totals (confirmed, flagged, unverified,
not extracted and the percentages), because a judgement on that line cannot be attributed to one
claim of the line — a ``wrong`` there is what the WRONG row asks for. This is the keys' own
convention (``KEYS.md`` leaves such rows out of its scored list: werneck line 327, hui126 line 158).

    >>> from symconv.check.model import Claim, Judgement
    >>> row = KeyRow("a.md", ((3, 5),), "x = 1", "RIGHT", "")
    >>> def judged(line, end, verdict):
    ...     return Judgement(Claim(line, end, "x = 1", "algebra"), verdict, "")
    >>> score_row(row, [judged(1, 2, "wrong"), judged(5, 6, "right")]).outcome
    'confirmed'
    >>> score_row(row, [judged(4, 4, "unverified"), judged(2, 3, "wrong")]).outcome
    'flagged'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

KeyVerdict = Literal["RIGHT", "WRONG", "DEBATABLE", "PROSE"]
KEY_VERDICTS: tuple[KeyVerdict, ...] = ("RIGHT", "WRONG", "DEBATABLE", "PROSE")

#: The outcomes :func:`score_row` gives, per key verdict.
OUTCOMES: dict[KeyVerdict, tuple[str, ...]] = {
    "RIGHT": ("confirmed", "flagged", "unverified", "not extracted"),
    "WRONG": ("caught", "missed"),
    "DEBATABLE": ("flagged", "not flagged"),
    "PROSE": ("called right", "flagged", "quiet"),
}

DOCUMENT_SUFFIXES = (".md", ".tex", ".ipynb", ".txt")

_DASHES = "–—-"  # en dash (as KEYS.md writes ranges), em dash, hyphen
_RANGE = re.compile(rf"^\s*(\d+)\s*(?:[{_DASHES}]\s*(\d+)\s*)?$")
_TOTALS = re.compile(
    r"RIGHT\s+(\d+)\s*·\s*WRONG\s+(\d+)\s*·\s*DEBATABLE\s+(\d+)\s*·\s*PROSE\s+(\d+)"
)
_HEADING = re.compile(r"^##\s+(.+?)\s*$")


class KeyFormatError(ValueError):
    """A line of ``KEYS.md`` that looks like a key row or a totals line but cannot be read."""


def parse_lines(cell: str) -> tuple[tuple[int, int], ...]:
    """The ``lines`` cell as ``(start, end)`` ranges (1-based, inclusive), in the order written.

    >>> parse_lines("14")
    ((14, 14),)
    >>> parse_lines("25–36")
    ((25, 36),)
    >>> parse_lines("190–191, 197–198")
    ((190, 191), (197, 198))
    >>> parse_lines("101, 102, 105, 106")
    ((101, 101), (102, 102), (105, 105), (106, 106))
    >>> parse_lines("36-12")
    Traceback (most recent call last):
    ...
    tests.corpus_keys.KeyFormatError: line range '36-12' ends before it starts
    """
    spans = []
    for part in cell.split(","):
        match = _RANGE.match(part)
        if match is None:
            raise KeyFormatError(f"cannot read the line reference {part.strip()!r} in {cell!r}")
        start = int(match.group(1))
        end = int(match.group(2) or start)
        if start < 1:
            raise KeyFormatError(f"line {start} in {cell!r}: lines are 1-based")
        if end < start:
            raise KeyFormatError(f"line range {part.strip()!r} ends before it starts")
        spans.append((start, end))
    return tuple(spans)


@dataclass(frozen=True)
class KeyRow:
    """One row of a document's key: its lines, the claim as the grader paraphrased it, the
    verdict and the grader's reason."""

    file: str
    spans: tuple[tuple[int, int], ...]
    claim: str
    verdict: KeyVerdict
    why: str

    @property
    def lines(self) -> frozenset[int]:
        return frozenset(n for start, end in self.spans for n in range(start, end + 1))

    @property
    def label(self) -> str:
        """The lines as KEYS.md writes them (``190–191, 197–198``)."""
        return ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in self.spans)

    def overlaps(self, line: int, end_line: int) -> bool:
        """Whether the inclusive span ``line``..``end_line`` meets one of the row's lines.

        >>> row = KeyRow("a.md", ((79, 79), (83, 83)), "", "RIGHT", "")
        >>> row.overlaps(80, 82), row.overlaps(82, 90), row.overlaps(83, 83)
        (False, True, True)
        """
        end_line = max(line, end_line)
        return any(start <= end_line and line <= end for start, end in self.spans)


@dataclass(frozen=True)
class FileKey:
    """One document's section of KEYS.md."""

    file: str
    problem: str
    stated: tuple[tuple[KeyVerdict, int], ...]  # the totals line under the heading
    rows: tuple[KeyRow, ...]

    def count(self) -> dict[KeyVerdict, int]:
        """Rows per verdict, as parsed."""
        counts = Counter(row.verdict for row in self.rows)
        return {verdict: counts[verdict] for verdict in KEY_VERDICTS}

    def shared(self, row: KeyRow) -> bool:
        """Whether a RIGHT ``row`` shares a line with a WRONG or DEBATABLE row of this file."""
        if row.verdict != "RIGHT":
            return False
        return any(
            other.verdict in ("WRONG", "DEBATABLE") and other.lines & row.lines
            for other in self.rows
        )


@dataclass(frozen=True)
class Keys:
    """All of KEYS.md: the sections in file order and the grand totals stated in its header."""

    files: tuple[FileKey, ...]
    stated: tuple[tuple[KeyVerdict, int], ...]

    def count(self) -> dict[KeyVerdict, int]:
        totals: Counter[str] = Counter()
        for key in self.files:
            totals.update(key.count())
        return {verdict: totals[verdict] for verdict in KEY_VERDICTS}


def _totals(text: str) -> tuple[tuple[KeyVerdict, int], ...] | None:
    match = _TOTALS.search(text)
    if match is None:
        return None
    return tuple(zip(KEY_VERDICTS, (int(n) for n in match.groups()), strict=True))


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def parse_keys(text: str) -> Keys:
    """Read KEYS.md. A section counts as a document's key when its ``##`` heading names a file
    (ends in ``.md``, ``.tex``, ``.ipynb`` or ``.txt``); other sections (the second review) are
    skipped. The grand totals are the first totals line before the first section.

    >>> keys = parse_keys('''# Keys
    ... Totals: RIGHT 1 · WRONG 1 · DEBATABLE 0 · PROSE 0
    ... ## a.md
    ... Problem: add.
    ...
    ... RIGHT 1 · WRONG 1 · DEBATABLE 0 · PROSE 0
    ...
    ... | lines | claim | verdict | why |
    ... |---|---|---|---|
    ... | 3 | 1 + 1 = 2 | RIGHT | arithmetic |
    ... | 4–5, 9 | 2 + 2 = 5 | WRONG | it is 4 |
    ... ## Second review
    ... | 7 | not a key | RIGHT | – |
    ... ''')
    >>> [(row.file, row.spans, row.verdict) for key in keys.files for row in key.rows]
    [('a.md', ((3, 3),), 'RIGHT'), ('a.md', ((4, 5), (9, 9)), 'WRONG')]
    >>> keys.files[0].problem, dict(keys.stated) == keys.count()
    ('Problem: add.', True)
    """
    header: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading is not None:
            sections.append((heading.group(1), []))
        elif sections:
            sections[-1][1].append(line)
        else:
            header.append(line)
    stated = _totals("\n".join(header))
    if stated is None:
        raise KeyFormatError(
            "no 'RIGHT n · WRONG n · DEBATABLE n · PROSE n' totals before the tables"
        )
    files = []
    for name, body in sections:
        if not name.lower().endswith(DOCUMENT_SUFFIXES):
            continue
        files.append(_parse_section(name, body))
    return Keys(tuple(files), stated)


def _parse_section(name: str, body: list[str]) -> FileKey:
    problem = next((line.strip() for line in body if line.startswith("Problem")), "")
    stated = next((t for line in body if not line.startswith("|") and (t := _totals(line))), None)
    if stated is None:
        raise KeyFormatError(f"{name}: no totals line under the heading")
    rows = []
    for line in body:
        if not line.startswith("|"):
            continue
        cells = _cells(line)
        if len(cells) != 4:
            raise KeyFormatError(f"{name}: a key row has {len(cells)} cells, not 4: {line!r}")
        lines, claim, verdict, why = cells
        if lines == "lines" or set(lines) <= set("-: "):
            continue  # the table's head and its rule
        if verdict not in KEY_VERDICTS:
            raise KeyFormatError(f"{name}: unknown verdict {verdict!r} in {line!r}")
        rows.append(KeyRow(name, parse_lines(lines), claim, verdict, why))
    return FileKey(name, problem, stated, tuple(rows))


def read_keys(path: Path | str) -> Keys:
    return parse_keys(Path(path).read_text(encoding="utf-8"))


class _Claim(Protocol):
    @property
    def line(self) -> int: ...
    @property
    def end_line(self) -> int: ...


class Judged(Protocol):
    """What scoring reads of a judgement (:class:`symconv.check.model.Judgement` has it)."""

    @property
    def claim(self) -> _Claim: ...
    @property
    def verdict(self) -> str: ...
    @property
    def message(self) -> str: ...


@dataclass(frozen=True)
class RowScore:
    """A key row, its outcome, the judgements on its lines, and whether it is a shared RIGHT
    row (outcome not counted)."""

    row: KeyRow
    outcome: str
    judgements: tuple[Judged, ...]
    shared: bool = False


def overlapping(row: KeyRow, judgements: Iterable[Judged]) -> tuple[Judged, ...]:
    return tuple(j for j in judgements if row.overlaps(j.claim.line, j.claim.end_line))


def score_row(row: KeyRow, judgements: Iterable[Judged], *, shared: bool = False) -> RowScore:
    """The outcome of one key row given the document's judgements (the module's rule).

    >>> from symconv.check.model import Claim, Judgement
    >>> def judged(line, verdict):
    ...     return Judgement(Claim(line, line, "", "algebra"), verdict, "")
    >>> wrong = KeyRow("a.md", ((7, 7),), "", "WRONG", "")
    >>> score_row(wrong, [judged(7, "right"), judged(7, "wrong")]).outcome
    'caught'
    >>> score_row(wrong, [judged(7, "right"), judged(8, "wrong")]).outcome
    'missed'
    >>> right = KeyRow("a.md", ((7, 7),), "", "RIGHT", "")
    >>> [score_row(right, js).outcome for js in ([], [judged(7, "unverified")])]
    ['not extracted', 'unverified']
    """
    here = overlapping(row, judgements)
    verdicts = {j.verdict for j in here}
    outcome: str
    if row.verdict == "WRONG":
        outcome = "caught" if "wrong" in verdicts else "missed"
    elif row.verdict == "RIGHT":
        if "wrong" in verdicts:
            outcome = "flagged"
        elif "right" in verdicts:
            outcome = "confirmed"
        else:
            outcome = "unverified" if here else "not extracted"
    elif row.verdict == "DEBATABLE":
        outcome = "flagged" if "wrong" in verdicts else "not flagged"
    elif "right" in verdicts:
        outcome = "called right"
    else:
        outcome = "flagged" if "wrong" in verdicts else "quiet"
    return RowScore(row, outcome, here, shared)


def score_file(key: FileKey, judgements: Sequence[Judged]) -> tuple[RowScore, ...]:
    """Every row of ``key`` scored on one document's judgements, in key order."""
    return tuple(score_row(row, judgements, shared=key.shared(row)) for row in key.rows)


def caught_one_to_one(rows: Sequence[KeyRow], judgements: Sequence[Judged]) -> int:
    """How many WRONG ``rows`` are caught when each ``wrong`` judgement may catch only one row:
    the size of a maximum matching between WRONG rows and overlapping ``wrong`` judgements.

    >>> from symconv.check.model import Claim, Judgement
    >>> block = Judgement(Claim(1, 9, "", "matrix"), "wrong", "")
    >>> rows = [KeyRow("a.md", ((n, n),), "", "WRONG", "") for n in (2, 3)]
    >>> caught_one_to_one(rows, [block]), caught_one_to_one(rows, [block, block])
    (1, 2)
    """
    wrong_rows = [row for row in rows if row.verdict == "WRONG"]
    wrongs = [j for j in judgements if j.verdict == "wrong"]
    edges = [
        [k for k, j in enumerate(wrongs) if row.overlaps(j.claim.line, j.claim.end_line)]
        for row in wrong_rows
    ]
    owner: dict[int, int] = {}  # judgement index -> row index

    def augment(r: int, seen: set[int]) -> bool:
        for k in edges[r]:
            if k in seen:
                continue
            seen.add(k)
            if k not in owner or augment(owner[k], seen):
                owner[k] = r
                return True
        return False

    return sum(1 for r in range(len(wrong_rows)) if augment(r, set()))
