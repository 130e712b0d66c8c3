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
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

import sympy as sp

from symconv.check.array_statements import ArrayFacts
from symconv.check.conv_facts import ConvWordFacts
from symconv.check.networks import SizeFacts, SizeFormulaFacts

if TYPE_CHECKING:
    from symconv.check.symbols import SymbolTable

Verdict = Literal["right", "wrong", "unverified"]
PartStatusName = Literal["answered", "unanswered", "unmatched"]

VERDICTS: tuple[str, ...] = ("right", "wrong", "unverified")

#: Version of the JSON written by :meth:`Report.to_json`.
REPORT_SCHEMA_VERSION = 1


class ClaimKind(StrEnum):
    """What a claim states, which decides the judges that try it
    (:func:`symconv.check.judges.judge_table`). A :class:`~enum.StrEnum`: ``claim.kind ==
    "answer"`` holds, and the JSON report writes the plain name.

    >>> ClaimKind("index-formula") is ClaimKind.INDEX_FORMULA, ClaimKind.ANSWER == "answer"
    (True, True)
    """

    ARITHMETIC = "arithmetic"
    ALGEBRA = "algebra"
    APPROXIMATION = "approximation"
    ORDER = "order"
    DERIVATIVE = "derivative"
    MATRIX = "matrix"
    DEFINITION = "definition"
    ANSWER = "answer"
    SHAPE = "shape"
    FACT = "fact"
    INDEX_FORMULA = "index-formula"
    AMBIGUOUS = "ambiguous"
    UNPARSED = "unparsed"
    #: A value of the exercise's data (``Z[2, 3] = 6``), judged by the problem context.
    VALUE = "value"
    #: An update rule: a parameter assigned from itself (``w \\leftarrow w - \\eta \\partial
    #: L/\\partial w``, ``p_{n+1} = p_n - \\eta \\nabla F(p_n)``).
    UPDATE = "update"


@dataclass(frozen=True)
class Origin:
    """Where a claim stands in its document: ``id`` (its order among the document's statements,
    also its key in the :class:`~symconv.check.context.DocumentContext`; -1 for a claim made
    elsewhere), ``scope`` (section number), ``heading`` (the section's heading line), ``cell``
    (a notebook's cell), the words around it and the symbol table it was read with."""

    id: int = -1
    scope: int = 0
    heading: int | None = None
    cell: int | None = None
    words_before: str = ""
    words_after: str = ""
    table: SymbolTable | None = None

    @property
    def sentence(self) -> str:
        from symconv.check.judges.phrases import MATH_MARK

        return self.words_before + MATH_MARK + self.words_after


#: A condition a claim is stated under: ``(lhs, relation, rhs)`` (``z > 0``, ``i = j``).
Condition = tuple[Any, str, Any]
#: A matrix literal of a claim, with the line of each of its rows.
MatrixLiteral = tuple[Any, tuple[int, ...]]


@dataclass(frozen=True)
class LinkFacts:
    """One link ``lhs relation rhs`` of a chain (``a = b ≈ c`` has two): the sides as written,
    which link it is, the previous link's claim id, the matrix literals between its sides, the
    chain's final value (on its final link: a candidate answer, also when the claim itself is
    arithmetic), the name it defines (and whether its own block defined that name before), the
    conditions it is stated under and the shape/cost fact its sentence names."""

    lhs_text: str
    rhs_text: str
    position: int = 0
    links: int = 1
    previous: int | None = None
    matrices: tuple[MatrixLiteral, ...] = ()
    final: Any = None
    defines: str | None = None
    restated: bool = False
    conditions: tuple[Condition, ...] = ()
    fact: str | None = None


@dataclass(frozen=True)
class ValueFacts:
    """A value stated alone after a cue (``the answer is $1820$``)."""

    value: Any
    value_text: str = ""


@dataclass(frozen=True)
class OrderFacts:
    """An order claimed for the error of an approximation (``has error $O(h^2)$``): the id of
    the approximation's claim, if one is written just before."""

    value: Any
    approximation: int | None = None


@dataclass(frozen=True)
class ShapeFacts:
    """A shape (``shape (40, 2400, 80)``), with the names it is stated for (``Y``)."""

    shape: tuple[Any, ...]
    subjects: tuple[str, ...] = ()
    #: Offsets in its line of prose (a shape written in words).
    span: tuple[int, int] | None = None


@dataclass(frozen=True)
class FactFacts:
    """A value of a shape or cost fact named in words (``the padding is $1$``), with the values
    of the other math of its sentence (``(text, value, shape or None)``)."""

    value: Any
    fact: str
    sentence_values: tuple[tuple[str, Any, tuple[Any, ...] | None], ...] = ()


@dataclass(frozen=True)
class ProseAnswerFacts:
    """Answers in prose (``10 input channels and 20 output channels``): values and labels."""

    values: tuple[Any, ...]
    labels: tuple[str, ...] = ()
    span: tuple[int, int] | None = None


@dataclass(frozen=True)
class UnreadFacts:
    """Why a statement could not be read (unparsed) or was read two ways (ambiguous);
    ``contradiction``: it reads, but contradicts itself (:class:`~symconv.errors.NotationError`)."""

    reason: str
    contradiction: bool = False


@dataclass(frozen=True)
class RangeFacts:
    """A range declared for an index (``i \\in [0, n)``, ``0 \\le i < n``, ``i = 0, \\dots,
    n-1``): the index runs over the integers ``first … last``
    (:class:`~symconv.check.index_ranges.IndexRange`)."""

    index: Any
    first: Any
    last: Any


@dataclass(frozen=True)
class ConnectionFacts:
    """A sentence saying which two entries a weight connects (``$W_{ji}$ is the weight between
    $y_i$ and $x_j$``; :mod:`symconv.check.connections`): the entries as written."""

    weight: Any
    first: Any
    second: Any


@dataclass(frozen=True)
class AnswerFacts:
    """What the problem context says of an answer it judged: the form it was read in, the
    convention of the accepted answer it matched (or the variant), the component of a matrix
    answer and the computation its value was written after (``3 \\times 3 + 2``)."""

    form: str
    convention: str | None = None
    variant: str | None = None
    component: int | None = None
    derived_from: str | None = None


@dataclass(frozen=True)
class UpdateFacts:
    """An update rule as written: ``target operator current + step · derivative``.

    ``target`` is what is assigned (``w``, ``p_{n+1}``), ``current`` the value it starts from
    on the right (``w``, ``p_n``), ``operator`` how it is assigned (``←``, ``:=``, ``=``,
    ``-=``, ``+=``; ``Δ=`` for the change written alone, ``Δw = −η ∂L/∂w``). When the rest
    of the right side is one derivative times a coefficient, ``derivative`` is that term (a
    ``Derivative``, ``Partial`` or ``Nabla``), ``step`` its coefficient with its sign as the
    update applies it (``-η`` for ``w - η ∂L/∂w``), ``objective`` the name of what is
    differentiated, ``variable`` what it is differentiated with respect to (None: the
    notation does not say) and ``point`` where it is evaluated (``F(p_n)``: ``p_n``; None if
    not written). ``rest`` is the right side minus ``current`` when it is not of that form.
    ``direction`` is what the words around say the update does: ``"descent"`` (minimise,
    gradient descent), ``"ascent"`` (maximise) or None."""

    target: Any
    current: Any
    operator: str
    step: Any = None
    derivative: Any = None
    objective: str | None = None
    variable: Any = None
    point: Any = None
    rest: Any = None
    direction: str | None = None


ClaimFacts = (
    LinkFacts
    | UpdateFacts
    | ArrayFacts
    | SizeFacts
    | SizeFormulaFacts
    | ValueFacts
    | OrderFacts
    | ShapeFacts
    | FactFacts
    | ProseAnswerFacts
    | UnreadFacts
    | AnswerFacts
    | RangeFacts
    | ConnectionFacts
    | ConvWordFacts
)


@dataclass(frozen=True)
class Claim:
    """One checkable statement: where it is, what it says, its parsed sides and the typed facts
    its reading found (:data:`ClaimFacts`: a link of a chain, a value, a shape, …)."""

    line: int
    end_line: int
    text: str
    kind: ClaimKind
    part: str | None = None
    sides: tuple[Any, ...] = ()
    relation: str = "="
    facts: ClaimFacts | None = field(default=None, compare=False)
    origin: Origin = field(default_factory=Origin, compare=False)
    #: For a claim the problem context made of an answer: the ids of the document's claims it
    #: was read from (the statement it judges; see :attr:`Origin.id`).
    about: tuple[int, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ClaimKind(self.kind))

    @property
    def id(self) -> int:
        return self.origin.id

    @property
    def link(self) -> LinkFacts | None:
        """The facts of a chain's link, or None for any other claim."""
        return self.facts if isinstance(self.facts, LinkFacts) else None

    @property
    def matrices(self) -> tuple[MatrixLiteral, ...]:
        """The matrix literals written in the claim, each with the line of each row."""
        return self.link.matrices if self.link is not None else ()

    @property
    def fact(self) -> str | None:
        """The shape or cost fact its sentence names (``padding``), if any."""
        facts = self.facts
        return facts.fact if isinstance(facts, (LinkFacts, FactFacts)) else None

    @property
    def answer(self) -> Any:
        """The value the claim offers as an answer (a chain's final value, a value, a shape,
        prose answers), or None."""
        facts = self.facts
        if isinstance(facts, LinkFacts):
            return facts.final
        if isinstance(facts, (ValueFacts, FactFacts, OrderFacts)):
            return facts.value
        if isinstance(facts, ShapeFacts):
            return sp.Tuple(*facts.shape)
        if isinstance(facts, ProseAnswerFacts):
            values = facts.values
            return values[0] if len(values) == 1 else sp.Tuple(*values)
        return None


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
    #: Lines of earlier wrong claims this right claim was computed from (error carried forward);
    #: on a wrong claim, the line of the mistake of its part it repeats (counted once in the
    #: part's tally, :mod:`symconv.check.mistakes`).
    carried_from: tuple[int, ...] = field(default=(), compare=False)
    #: On a wrong claim written over several rows: ``(line, what)`` of each row that holds on
    #: its own (a series' other rows), each confirmed on its line after judging.
    rows_right: tuple[tuple[int, str], ...] = field(default=(), compare=False)

    def to_json(self, reveal: bool = True) -> dict[str, Any]:
        return {
            "line": self.claim.line,
            "end_line": self.claim.end_line,
            "part": self.claim.part,
            "text": self.claim.text,
            "kind": str(self.claim.kind),
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
    #: The student whose numbers the set was checked with (``--variant``, ``--variants``).
    variant: str | None = None

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
        if self.variant is not None:
            document["variant"] = self.variant
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
