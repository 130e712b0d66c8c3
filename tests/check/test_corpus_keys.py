"""The corpus keys' parser (``tests/corpus_keys.py``) and the scoring rule ``benchmarks/corpus.py``
uses."""

from __future__ import annotations

import pytest

from symconv.check.model import Claim, Judgement
from tests.corpus_keys import (
    FileKey,
    KeyFormatError,
    KeyRow,
    caught_one_to_one,
    parse_keys,
    parse_lines,
    read_keys,
    score_file,
    score_row,
)
from tests.shared_files import SHARED

CORPUS = SHARED / "corpus"


def require_corpus() -> None:
    """Skip the calling test when the development corpus is not beside the repository."""
    if not (CORPUS / "KEYS.md").is_file():
        pytest.skip(f"the development corpus is not at {CORPUS} (set SYMCONV_SHARED)")


def judged(line: int, verdict: str, end_line: int | None = None) -> Judgement:
    claim = Claim(line, line if end_line is None else end_line, "x = 1", "algebra")
    return Judgement(claim, verdict, f"{verdict} at {line}")  # type: ignore[arg-type]


def row(spans: tuple[tuple[int, int], ...], verdict: str = "RIGHT") -> KeyRow:
    return KeyRow("a.md", spans, "claim", verdict, "why")  # type: ignore[arg-type]


# ---- the lines cell --------------------------------------------------------------------------

LINE_FORMS = [
    ("14", ((14, 14),)),
    ("25–36", ((25, 36),)),
    ("4-10", ((4, 10),)),
    ("79, 83", ((79, 79), (83, 83))),
    ("101, 102, 105, 106", ((101, 101), (102, 102), (105, 105), (106, 106))),
    ("190–191, 197–198", ((190, 191), (197, 198))),
    ("218, 222, 226", ((218, 218), (222, 222), (226, 226))),
    (" 7 – 7 ", ((7, 7),)),
]


@pytest.mark.parametrize(("cell", "spans"), LINE_FORMS)
def test_line_forms(cell: str, spans: tuple[tuple[int, int], ...]) -> None:
    assert parse_lines(cell) == spans


@pytest.mark.parametrize("cell", ["", "line 4", "36–12", "0", "3,", "4–", "1.5"])
def test_bad_line_references_raise(cell: str) -> None:
    with pytest.raises(KeyFormatError):
        parse_lines(cell)


def test_row_lines_and_overlap() -> None:
    split = row(((190, 191), (197, 198)))
    assert split.lines == frozenset({190, 191, 197, 198})
    assert split.label == "190–191, 197–198"
    assert not split.overlaps(192, 196)
    assert split.overlaps(185, 190) and split.overlaps(198, 200) and split.overlaps(150, 250)
    assert split.overlaps(191, 0)  # an end before the start is the start line alone


# ---- a synthetic KEYS.md ---------------------------------------------------------------------

SYNTHETIC = """# Keys

Totals over 2 files: RIGHT 2 · WRONG 1 · DEBATABLE 1 · PROSE 1 (before the review:
RIGHT 9 · WRONG 9 · DEBATABLE 9 · PROSE 9).

## a.md

Problem: arithmetic.

RIGHT 1 · WRONG 1 · DEBATABLE 0 · PROSE 0

| lines | claim | verdict | why |
|---|---|---|---|
| 3 | 1 + 1 = 2 | RIGHT | arithmetic |
| 3, 8–9 | 2 + 2 = 5 | WRONG | it is 4 |

## b.tex

RIGHT 1 · WRONG 0 · DEBATABLE 1 · PROSE 1

| lines | claim | verdict | why |
|---|---|---|---|
| 1–2 | a definition | RIGHT | definition |
| 5 | a slip | DEBATABLE | typo |
| 7 | see the figure | PROSE | removed |

## Second review

| 3 | not a key row | WRONG | changed |
"""


def test_synthetic_keys() -> None:
    keys = parse_keys(SYNTHETIC)
    assert [key.file for key in keys.files] == ["a.md", "b.tex"]
    assert dict(keys.stated) == {"RIGHT": 2, "WRONG": 1, "DEBATABLE": 1, "PROSE": 1}
    assert keys.count() == dict(keys.stated)
    for key in keys.files:
        assert key.count() == dict(key.stated)
    first = keys.files[0]
    assert first.problem == "Problem: arithmetic."
    assert [(r.spans, r.verdict, r.claim) for r in first.rows] == [
        (((3, 3),), "RIGHT", "1 + 1 = 2"),
        (((3, 3), (8, 9)), "WRONG", "2 + 2 = 5"),
    ]
    assert [first.shared(r) for r in first.rows] == [True, False]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# K\n## a.md\nRIGHT 0 · WRONG 0 · DEBATABLE 0 · PROSE 0\n", "totals before"),
        (SYNTHETIC.replace("| RIGHT | arithmetic |", "| TRUE | arithmetic |"), "unknown verdict"),
        (SYNTHETIC.replace("| 1 + 1 = 2 |", "| 1 | 1 = 2 |"), "5 cells"),
        (SYNTHETIC.replace("RIGHT 1 · WRONG 0 · DEBATABLE 1 · PROSE 1\n", ""), "b.tex: no totals"),
        (SYNTHETIC.replace("| 3 | 1 + 1", "| three | 1 + 1"), "'three'"),
    ],
)
def test_malformed_keys_raise(text: str, message: str) -> None:
    with pytest.raises(KeyFormatError, match=message):
        parse_keys(text)


# ---- the corpus's own KEYS.md ------------------------------------------------------------------


def test_corpus_totals_per_file_match_their_stated_line() -> None:
    require_corpus()
    keys = read_keys(CORPUS / "KEYS.md")
    assert len(keys.files) == 11
    for key in keys.files:
        assert key.count() == dict(key.stated), key.file


def test_corpus_grand_totals() -> None:
    require_corpus()
    keys = read_keys(CORPUS / "KEYS.md")
    expected = {"RIGHT": 211, "WRONG": 29, "DEBATABLE": 41, "PROSE": 6}
    assert dict(keys.stated) == expected
    assert keys.count() == expected
    assert sum(len(key.rows) for key in keys.files) == 287


def test_corpus_rows_lie_in_their_documents() -> None:
    require_corpus()
    keys = read_keys(CORPUS / "KEYS.md")
    for key in keys.files:
        path = CORPUS / key.file
        assert path.is_file(), key.file
        length = len(path.read_text(encoding="utf-8").splitlines())
        for r in key.rows:
            assert max(r.lines) <= length, (key.file, r.label)


def test_corpus_line_forms_and_shared_rows() -> None:
    require_corpus()
    keys = read_keys(CORPUS / "KEYS.md")
    rows = {(r.file, r.label): r for key in keys.files for r in key.rows}
    scthe = "scthe-math-behind-cnn-backprop.md"
    assert rows[(scthe, "190–191, 197–198")].spans == ((190, 191), (197, 198))
    assert rows[(scthe, "79, 83")].lines == frozenset({79, 83})
    assert rows[(scthe, "25–36")].spans == ((25, 36),)
    werneck = "werneck-finite-differences.tex"
    assert rows[(werneck, "101, 102, 105, 106")].verdict == "RIGHT"
    # the RIGHT rows KEYS.md itself leaves unscored: they share a line with WRONG/DEBATABLE rows
    shared = [(r.file, r.label) for key in keys.files for r in key.rows if key.shared(r)]
    assert shared == [
        (werneck, "327"),
        ("hui126-cnn-numpy-derivation-zh.md", "158"),
        ("hui126-cnn-numpy-derivation-zh.md", "158"),
    ]


# ---- the scoring rule --------------------------------------------------------------------------

SCORING = [
    # (key verdict, judgements as (line, end_line, verdict), outcome) for a row on lines 10–12
    ("RIGHT", [], "not extracted"),
    ("RIGHT", [(8, 9, "wrong"), (13, 20, "right")], "not extracted"),
    ("RIGHT", [(11, 11, "unverified")], "unverified"),
    ("RIGHT", [(11, 11, "unverified"), (12, 14, "right")], "confirmed"),
    ("RIGHT", [(5, 10, "wrong"), (11, 11, "right")], "flagged"),
    ("RIGHT", [(1, 40, "wrong")], "flagged"),
    ("WRONG", [(10, 10, "right"), (12, 12, "unverified")], "missed"),
    ("WRONG", [(10, 10, "right"), (12, 12, "wrong")], "caught"),
    ("WRONG", [(13, 13, "wrong")], "missed"),
    ("DEBATABLE", [(12, 12, "wrong")], "flagged"),
    ("DEBATABLE", [(12, 12, "right")], "not flagged"),
    ("PROSE", [(10, 10, "unverified")], "quiet"),
    ("PROSE", [(10, 10, "wrong")], "flagged"),
    ("PROSE", [(10, 10, "wrong"), (11, 11, "right")], "called right"),
]


@pytest.mark.parametrize(("verdict", "found", "outcome"), SCORING)
def test_scoring_rule(verdict: str, found: list[tuple[int, int, str]], outcome: str) -> None:
    judgements = [judged(line, v, end) for line, end, v in found]
    score = score_row(row(((10, 12),), verdict), judgements)
    assert score.outcome == outcome
    assert {(j.claim.line, j.claim.end_line) for j in score.judgements} == {
        (line, end) for line, end, _ in found if line <= 12 and end >= 10
    }


def test_one_judgement_counts_for_every_row_it_overlaps() -> None:
    block = judged(140, "wrong", 146)
    key = FileKey(
        "a.md",
        "",
        (("RIGHT", 1), ("WRONG", 2), ("DEBATABLE", 0), ("PROSE", 0)),
        (row(((142, 142),), "WRONG"), row(((143, 143),), "WRONG"), row(((144, 144),), "RIGHT")),
    )
    outcomes = [s.outcome for s in score_file(key, [block])]
    assert outcomes == ["caught", "caught", "flagged"]
    assert caught_one_to_one(key.rows, [block]) == 1
    assert caught_one_to_one(key.rows, [block, judged(143, "wrong")]) == 2


def test_shared_right_rows_are_marked_not_dropped() -> None:
    key = FileKey(
        "a.md",
        "",
        (("RIGHT", 2), ("WRONG", 1), ("DEBATABLE", 0), ("PROSE", 0)),
        (row(((158, 158),), "WRONG"), row(((158, 158),)), row(((159, 160),))),
    )
    scores = score_file(key, [judged(158, "wrong"), judged(160, "right")])
    assert [(s.outcome, s.shared) for s in scores] == [
        ("caught", False),
        ("flagged", True),
        ("confirmed", False),
    ]


def test_one_to_one_matching_finds_the_maximum() -> None:
    # a greedy choice (the wide judgement to the first row) would leave the second row unmatched
    rows = [row(((5, 5),), "WRONG"), row(((9, 9),), "WRONG")]
    wide, narrow = judged(5, "wrong", 9), judged(5, "wrong")
    assert caught_one_to_one(rows, [wide, narrow]) == 2
    assert caught_one_to_one(rows, [judged(5, "right", 9)]) == 0
