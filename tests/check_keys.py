"""Answer keys of checked solutions (the ``*.KEY.md`` tables) and the rule a checker must meet.

A key row is ``| lines | part | claim | verdict | why |`` with ``lines`` ``14`` or ``36–41`` and
``verdict`` ``RIGHT``, ``WRONG`` or ``RIGHT or unverified``. The rule (the checker's brief):
every WRONG row gets a ``wrong`` judgement on its lines, no RIGHT row gets one, and at least 80 %
of the RIGHT rows are confirmed ``right``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class KeyRow:
    start: int
    end: int
    verdict: str  # "RIGHT", "WRONG" or "RIGHT or unverified"
    claim: str

    def overlaps(self, line: int, end_line: int) -> bool:
        return line <= self.end and end_line >= self.start


_ROW = re.compile(r"^\|\s*(\d+)(?:\s*[–-]\s*(\d+))?\s*\|([^|]*)\|([^|]*)\|\s*([^|]+?)\s*\|")


def read_key(path: Path | str) -> list[KeyRow]:
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if match is None:
            continue
        start = int(match.group(1))
        end = int(match.group(2) or start)
        rows.append(KeyRow(start, end, match.group(5).strip(), match.group(4).strip()))
    return rows


def key_failures(
    judgements: Iterable[Any], rows: Sequence[KeyRow], *, lines: Iterable[int] | None = None
) -> list[str]:
    """What breaks the rule (empty: the key is reproduced). ``lines`` limits the rows checked to
    those that start on one of these lines."""
    judged = list(judgements)
    wanted = None if lines is None else set(lines)
    chosen = [row for row in rows if wanted is None or row.start in wanted]
    failures = []
    confirmed = total = 0
    for row in chosen:
        here = [j for j in judged if row.overlaps(j.claim.line, j.claim.end_line)]
        wrong = [j for j in here if j.verdict == "wrong"]
        if row.verdict == "WRONG":
            if not wrong:
                verdicts = [(j.claim.line, j.verdict, j.message) for j in here]
                failures.append(
                    f"lines {row.start}-{row.end} ({row.claim}): no wrong claim; got {verdicts}"
                )
        elif wrong:
            failures.append(
                f"lines {row.start}-{row.end} ({row.claim}): RIGHT row judged wrong: "
                f"{[(j.claim.text, j.message) for j in wrong]}"
            )
        if row.verdict == "RIGHT":
            total += 1
            if any(j.verdict == "right" for j in here):
                confirmed += 1
    if total and confirmed < 0.8 * total:
        failures.append(f"only {confirmed} of {total} RIGHT rows confirmed right (< 80 %)")
    return failures


def judge_document(text: str, kind: str = "md", given: dict | None = None, seed: int = 0) -> list:
    """Extract the claims of ``text`` and judge them in order (no problem set)."""
    from symconv.check.claims import extract_claims
    from symconv.check.context import DocumentContext, ProblemContext
    from symconv.check.judges import judge_all
    from symconv.check.markdown import split_document

    context = DocumentContext(seed=seed)
    problem = ProblemContext(given=given or {})
    claims = extract_claims(split_document(text, kind), context=context, problem=problem)
    return judge_all(claims, context, problem_at=lambda claim: problem)


def verdicts(text: str, **options: Any) -> list[tuple[int, str, str]]:
    """``(line, kind, verdict)`` of each claim of ``text``."""
    return [(j.claim.line, j.claim.kind, j.verdict) for j in judge_document(text, **options)]
