"""What the checker produces: claims, their verdicts, part statuses and the file's report.

A *claim* is one checkable statement of a document, with the 1-based lines it spans (as narrow as
the claim: one row of an ``aligned`` block spans that row). A *judgement* is the verdict on one
claim: ``right`` (actually verified), ``wrong`` (with what was expected, a diagnosis when the answer
is a known misconception or a probable typo, and a witness for formulas), or ``unverified`` (with
why). A report is the JSON object of DESIGN.md's ``check --format json`` contract.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Verdict = Literal["right", "wrong", "unverified"]
PartStatusName = Literal["answered", "unanswered", "unmatched"]

VERDICTS: tuple[str, ...] = ("right", "wrong", "unverified")

#: Version of the JSON written by :meth:`Report.to_json`.
REPORT_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Claim:
    """One checkable statement: where it is, what it says, and its parsed sides."""

    line: int
    end_line: int
    text: str
    kind: str
    part: str | None = None
    sides: tuple[Any, ...] = ()
    relation: str = "="
    data: dict[str, Any] = field(default_factory=dict, compare=False)
    #: For a claim the problem context made of an answer: the ids of the document's claims it
    #: was read from (the statement it judges; see :func:`symconv.check.context.claim_id`).
    about: tuple[int, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Judgement:
    """The verdict on one claim."""

    claim: Claim
    verdict: Verdict
    message: str
    expected_latex: str | None = None
    diagnosis: str | None = None
    witness: str | None = None
    warnings: tuple[str, ...] = ()

    def to_json(self, reveal: bool = True) -> dict[str, Any]:
        return {
            "line": self.claim.line,
            "end_line": self.claim.end_line,
            "part": self.claim.part,
            "text": self.claim.text,
            "kind": self.claim.kind,
            "verdict": self.verdict,
            "message": self.message,
            "expected_latex": self.expected_latex if reveal else None,
            "diagnosis": self.diagnosis,
            "witness": self.witness if reveal else None,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class PartStatus:
    """How one part of the problem set fared in the document."""

    id: str
    status: PartStatusName
    right: int = 0
    wrong: int = 0
    unverified: int = 0
    first_wrong_line: int | None = None
    diagnosis: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "right": self.right,
            "wrong": self.wrong,
            "unverified": self.unverified,
        }


@dataclass(frozen=True)
class Report:
    """The checker's report on one file (DESIGN.md's ``check --format json``)."""

    file: str
    against: str | None
    judgements: tuple[Judgement, ...]
    parts: tuple[PartStatus, ...] = ()
    assumed_conventions: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    error: str | None = None

    def count(self, verdict: Verdict) -> int:
        return sum(1 for j in self.judgements if j.verdict == verdict)

    @property
    def unanswered(self) -> int:
        return sum(1 for p in self.parts if p.status == "unanswered")

    @property
    def has_wrong(self) -> bool:
        return self.count("wrong") > 0

    def summary(self) -> dict[str, int]:
        return {
            "right": self.count("right"),
            "wrong": self.count("wrong"),
            "unverified": self.count("unverified"),
            "unanswered": self.unanswered,
        }

    def to_json(self, reveal: bool = True) -> dict[str, Any]:
        document: dict[str, Any] = {
            "schema_version": REPORT_SCHEMA_VERSION,
            "file": self.file,
            "against": self.against,
            "assumed_conventions": list(self.assumed_conventions),
            "claims": [j.to_json(reveal) for j in self.judgements],
            "parts": [p.to_json() for p in self.parts],
            "warnings": list(self.warnings),
            "summary": self.summary(),
        }
        if self.error is not None:
            document["error"] = self.error
        return document


def part_statuses(
    judgements: Sequence[Judgement], expected_parts: Sequence[str], answered: set[str]
) -> tuple[PartStatus, ...]:
    """Tally verdicts per part; a part of the set with no answer in the document is unanswered.

    >>> claim = Claim(3, 3, "1+1 = 2", "arithmetic", part="s-1")
    >>> [p.status for p in part_statuses([Judgement(claim, "right", "")], ["s-1", "s-2"], {"s-1"})]
    ['answered', 'unanswered']
    """
    statuses = []
    seen = set(expected_parts)
    order = list(expected_parts) + sorted(
        {j.claim.part for j in judgements if j.claim.part and j.claim.part not in seen}
    )
    for part in order:
        mine = [j for j in judgements if j.claim.part == part]
        wrong = [j for j in mine if j.verdict == "wrong"]
        if part not in seen:
            status: PartStatusName = "unmatched"
        else:
            status = "answered" if part in answered or mine else "unanswered"
        statuses.append(
            PartStatus(
                id=part,
                status=status,
                right=sum(1 for j in mine if j.verdict == "right"),
                wrong=len(wrong),
                unverified=sum(1 for j in mine if j.verdict == "unverified"),
                first_wrong_line=min((j.claim.line for j in wrong), default=None),
                diagnosis=next((j.diagnosis for j in wrong if j.diagnosis), None),
            )
        )
    return tuple(statuses)
