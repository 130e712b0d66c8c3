"""The shared practice solutions, checked against their problem sets, reproduce their answer keys.

The keys (``shared/practice/*.KEY.md``) are read here, not copied: a key passes when every WRONG
row gets a ``wrong`` claim on its lines, no RIGHT row gets one, and at least 80 % of the RIGHT
rows are confirmed ``right`` (a row marked "RIGHT or unverified" must not be wrong and is not
counted). The whole checker is tested first; then the problem context alone, on the rows it
decides by itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from symconv.check.api import check
from symconv.check.documents import Document
from symconv.check.model import Judgement, Report
from symconv.check.runner import check_document
from tests.shared_files import PRACTICE, require_shared

PRACTICE_SETS = [("nyu-cnn-practice", "nyu-cnn"), ("nndl-ch5-practice", "nndl-5")]


@dataclass(frozen=True)
class KeyRow:
    first: int
    last: int
    part: str
    claim: str
    verdict: str  # RIGHT, WRONG or OPTIONAL ("RIGHT or unverified")
    why: str


def parse_key(path: Path) -> list[KeyRow]:
    """The rows of a key's table: ``| lines | part | claim | verdict | why |``."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not re.fullmatch(r"\d+(?:\s*[–-]\s*\d+)?", cells[0]):
            continue
        numbers = [int(n) for n in re.findall(r"\d+", cells[0])]
        verdict = cells[3].upper()
        if verdict not in ("RIGHT", "WRONG"):
            assert "RIGHT" in verdict and "UNVERIFIED" in verdict, f"unknown verdict {cells[3]!r}"
            verdict = "OPTIONAL"
        rows.append(KeyRow(numbers[0], numbers[-1], cells[1], cells[2], verdict, cells[4]))
    return rows


def on_lines(report: Report, row: KeyRow) -> list[Judgement]:
    return [
        j for j in report.judgements if j.claim.line <= row.last and row.first <= j.claim.end_line
    ]


def key_failures(report: Report, rows: list[KeyRow]) -> tuple[list[str], float]:
    """What the report gets wrong against the key, and the share of RIGHT rows confirmed."""
    failures = []
    confirmed = right_rows = 0
    for row in rows:
        verdicts = [j.verdict for j in on_lines(report, row)]
        where = f"lines {row.first}–{row.last} ({row.part}: {row.claim})"
        if row.verdict == "WRONG" and "wrong" not in verdicts:
            failures.append(f"{where}: WRONG in the key, judged {verdicts}")
        if row.verdict in ("RIGHT", "OPTIONAL") and "wrong" in verdicts:
            failures.append(f"{where}: RIGHT in the key, judged {verdicts}")
        if row.verdict == "RIGHT":
            right_rows += 1
            confirmed += "right" in verdicts and "wrong" not in verdicts
    return failures, confirmed / right_rows


def test_the_keys_are_read_from_their_tables() -> None:
    require_shared()
    rows = parse_key(PRACTICE / "nyu-cnn-practice.KEY.md")
    assert len(rows) == 20 and sum(r.verdict == "WRONG" for r in rows) == 4
    assert rows[12] == KeyRow(61, 63, "4(a)", "∂J/∂U · U(1−U)", "RIGHT", "")
    nndl = parse_key(PRACTICE / "nndl-ch5-practice.KEY.md")
    assert [r.verdict for r in nndl].count("OPTIONAL") == 1


@pytest.mark.parametrize(("name", "against"), PRACTICE_SETS)
def test_the_practice_solutions_reproduce_their_keys(name: str, against: str) -> None:
    require_shared()
    rows = parse_key(PRACTICE / f"{name}.KEY.md")
    report = check(PRACTICE / f"{name}.md", against=against)
    failures, share = key_failures(report, rows)
    assert failures == []
    assert share >= 0.8, f"only {share:.0%} of the RIGHT rows confirmed"


@pytest.mark.parametrize(("name", "against"), PRACTICE_SETS)
def test_reruns_give_identical_reports(name: str, against: str) -> None:
    require_shared()
    first = check(PRACTICE / f"{name}.md", against=against).to_json()
    assert check(PRACTICE / f"{name}.md", against=against).to_json() == first


# ----------------------------------------------------------------------------------------------
# The problem context alone, on the rows it decides
# ----------------------------------------------------------------------------------------------
def problem_context_only(name: str, against: str) -> Report:
    document = Document.from_path(PRACTICE / f"{name}.md")
    return check_document(document, against=against, judge_claims=lambda *args: [])


#: Rows the problem context cannot decide alone: nyu 5(c)'s equations (the catalog holds the
#: output shape, not reference equations) and nndl 5-8's effective kernel size (a fact in words,
#: judged by the context-free layer).
NOT_PROBLEM_CONTEXT = {("nyu-cnn-practice", 93), ("nndl-ch5-practice", 51)}
#: The nndl rows that belong to the problem context: 5-4, 5-5, 5-6 and 5-8.
NNDL_PARTS = ("5-4", "5-5", "5-6", "5-8")


def owned_rows(name: str) -> list[KeyRow]:
    rows = parse_key(PRACTICE / f"{name}.KEY.md")
    if name.startswith("nndl"):
        rows = [r for r in rows if r.part.startswith(NNDL_PARTS)]
    return [r for r in rows if (name, r.first) not in NOT_PROBLEM_CONTEXT]


@pytest.mark.parametrize(("name", "against"), PRACTICE_SETS)
def test_the_problem_context_alone_decides_its_rows(name: str, against: str) -> None:
    require_shared()
    report = problem_context_only(name, against)
    rows = owned_rows(name)
    failures, share = key_failures(report, rows)
    assert failures == []
    assert share == 1.0


def test_nyu_wrong_rows_carry_their_witnesses_and_diagnoses() -> None:
    require_shared()
    report = problem_context_only("nyu-cnn-practice", "nyu-cnn")
    by_line = {j.claim.line: j for j in report.judgements if j.verdict == "wrong"}
    assert by_line[37].witness == "Z[0, 3] = 3"
    assert by_line[55].diagnosis == "arithmetic slip: the expression is right, its value is not"
    assert by_line[55].expected_latex == "1820"
    assert by_line[78].witness is not None and "by the candidate" in by_line[78].witness
    assert by_line[95].witness == "at N = 5, s = 2: this gives 2, the answer is 3"
    statuses = {p.id: p.status for p in report.parts}
    assert set(statuses.values()) == {"answered"}  # every part, 4d (∂J/∂b under 4(b)) too


def test_nndl_wrong_rows_parts_and_conventions() -> None:
    require_shared()
    report = problem_context_only("nndl-ch5-practice", "nndl-5")
    wrong = {j.claim.line: j for j in report.judgements if j.verdict == "wrong"}
    assert wrong[40].witness == (
        "row 4 of (C_written − C) x is -(w_{11} - w_{12})*(x_{22} - x_{23}), not 0"
    )
    assert wrong[53].witness == "at D = 2, K = 3: this gives 3, the answer is 2"
    statuses = {p.id: p.status for p in report.parts}
    assert [p for p, s in statuses.items() if s == "unanswered"] == [
        "nndl-5-2",
        "nndl-5-3",
        "nndl-5-7",
    ]
    assert report.warnings == ()  # space counted as weights only in both parts of 5-4
