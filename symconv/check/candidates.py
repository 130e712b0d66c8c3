"""The answers a document offers: every value that could be a part's final answer, with its lines.

The problem-context judge (:mod:`symconv.check.against`) picks, for each part, the candidates
whose form fits the part's expected answer. Forms:

* ``number``/``expression`` — the last value of a chain (``3 \\times 3 \\times 10 \\times 20 + 20
  = 1830`` offers 1830, remembering the text it was computed from), or a bare value (``$0$``);
* ``tuple`` — a tuple or a shape (``(B, \\lfloor N/s \\rfloor, C)``, ``46 \\times 62 \\times 20``
  written without ``=``, ``(100, 256, 256, 3)`` in plain text, a vector ``[1, 3, 0, 1]``);
* ``matrix`` — a matrix literal, with the line of each row;
* ``formula`` — an index formula ``∂J/∂X[i, j_1, j_2, n] = …`` (left side with symbolic indices);
* ``location`` — a value at concrete indices, ``Z[2, 3] = 6``;
* ``set`` — ``k_1 \\in \\{0, 1\\}`` or ``0 \\le k_1 \\le 1``;
* ``piecewise`` — ``$A = 1$ if $i = \\arg\\max_j x_j$, else $0$`` (math and words together);
* ``text-number`` — an integer written in the words (``10 input channels``).

Nothing here judges: this module only reads, with the checker's own parser (no ``eval``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

import sympy as sp

from symconv.core.patterns import lazy_compile
from symconv.errors import ParseError, SymconvError

if TYPE_CHECKING:
    from symconv.check.claims import Reading
    from symconv.check.markdown import Segment
    from symconv.check.model import Claim
    from symconv.check.parsed import Chain, MathParse

Form = Literal[
    "number", "expression", "tuple", "matrix", "formula", "location", "set", "piecewise",
    "text-number",
]  # fmt: skip

_TEXT_TUPLE = lazy_compile(r"\((?:[^()\n]|\([^()\n]*\))*,(?:[^()\n]|\([^()\n]*\))*\)")
_TEXT_SHAPE = lazy_compile(r"(?<![\w.])\d+(?:\s*[×x]\s*\d+)+(?![\w.])")
_TEXT_INTEGER = lazy_compile(
    r"(?:(?<=[\s(=:])|^)[-−](?:\d{1,3}(?:,\d{3})+|\d+)(?!\w|\.\d)"  # a negative number: "-6"
    r"|(?<![\w.,/^_−-])(?:\d{1,3}(?:,\d{3})+|\d+)(?!\w|\.\d)"  # a sentence's full stop may follow
)
#: The words that state the number right after them as the answer: "**Answer:** 1830", "the
#: answer is 1830", "答案" and a full-width colon.
_ANSWER_CUE = lazy_compile(
    "(?:\\banswer\\b|答案)[*:\N{FULLWIDTH COLON}\\s]*(?:(?:is|equals|=)\\s*)?[*\\s]*$",
    re.IGNORECASE,
)
_IF = lazy_compile(r"^\s*(?:if|when|for|where)\s*$", re.I)
_ELSE = lazy_compile(r"^[\s,;]*(?:else|otherwise|and)\s*(?:it is\s*)?$", re.I)


@dataclass(frozen=True)
class Candidate:
    """A value the document offers as (part of) an answer, where it is and how it was written."""

    form: Form
    value: Any
    line: int
    end_line: int
    text: str
    lhs: Any = None
    derived_from: str | None = None
    row_lines: tuple[int, ...] = ()
    #: The document states it as an answer (:func:`stated_answer_lines`).
    stated: bool = field(default=False, compare=False)
    #: The aligned block it was written in, whether its row continues the row above
    #: (``&= B``), whether the row below continues it, and (a formula) the line of its chain's
    #: first row.
    block: int | None = field(default=None, compare=False)
    continuation: bool = field(default=False, compare=False)
    continued: bool = field(default=False, compare=False)
    chain: int | None = field(default=None, compare=False)
    #: Other readings of an ambiguous statement, as candidates of the same form.
    alternatives: tuple[Candidate, ...] = ()
    #: The text of the value itself (the last side of a chain), when it is part of ``text``.
    value_text: str | None = None
    #: The claim the same statement gave when the document was read (None: no claim, e.g. a
    #: bare number in prose): an answer verdict on this candidate is a verdict on that claim.
    claim: Claim | None = field(default=None, compare=False, repr=False)

    @property
    def name(self) -> str | None:
        """The name on the left (``P`` in ``P = …``, ``Z`` in ``Z[2, 3] = 6``), if any."""
        lhs = self.lhs
        if isinstance(lhs, sp.Indexed):
            return str(lhs.base.label)
        if isinstance(lhs, sp.Symbol):
            return lhs.name
        return None


def extract_candidates(segments: Sequence[Segment], reading: Reading) -> list[Candidate]:
    """Every candidate answer of the given segments, in document order, read from the parses of
    ``reading`` (the claims' reading of the same segments: each math segment is parsed once),
    each with the claim its statement gave."""
    found: list[tuple[int, int, Candidate]] = []
    ordered = list(segments)
    heads: dict[int, Candidate | None] = {}  # per aligned block: the formula its rows continue

    def parse_at(index: int) -> MathParse:
        parsed = reading.parses.get(index)
        if parsed is None:
            raise ParseError(f"segment {index} was not read")
        if isinstance(parsed, Exception):
            raise parsed
        return parsed

    for index, segment in enumerate(ordered):
        if segment.kind == "math":
            try:
                parsed = parse_at(index)
            except SymconvError:
                if segment.block is not None:
                    heads[segment.block] = None  # an unread row ends its chain (as in claims)
                continue
            for candidate in _math_candidates(segment, parsed, index, reading):
                if segment.block is not None:
                    candidate = _continued_formula(candidate, heads)
                found.append((segment.line, segment.offset, candidate))
            piecewise = _piecewise(ordered, index, parse_at)
            if piecewise is not None:
                # the value and its condition are one answer: the claim of its first statement
                piecewise = replace(piecewise, claim=reading.claim_of(index, 0))
                found.append((segment.line, segment.offset, piecewise))
        elif segment.kind == "text":
            for offset, candidate in _text_candidates(segment):
                claim = reading.text_claim_at(index, offset)
                if claim is not None:
                    candidate = replace(candidate, claim=claim)
                found.append((segment.line, segment.offset + offset, candidate))
    setting = setting_lines(ordered)
    found = [item for item in found if item[0] not in setting]
    _mark_continued(found)
    found.sort(key=lambda item: (item[0], item[1]))
    stated = stated_answer_lines(ordered)
    return [replace(c, stated=True) if c.line in stated else c for _, _, c in found]


_ANSWER_WORD = lazy_compile(r"\banswer|\baccepted\b|答案", re.IGNORECASE)
_LIST_ITEM = lazy_compile(r"\s*(?:[-*+]|\d+[.)])\s")


#: A line that states the setting, not an answer: "Conventions: …", "Assumptions: …",
#: "Notation: …", "Given: …" (after any emphasis or LaTeX font commands that open it).
_SETTING_CUE = lazy_compile(
    r"^(?:[\s*_{]|\\(?:small|footnotesize|itshape|textit|emph|textbf|bfseries)\b)*"
    r"(?:conventions?|assumptions?|notation|given)\s*[*_}]*\s*[:\N{FULLWIDTH COLON}]",
    re.IGNORECASE,
)


def setting_lines(segments: Sequence[Segment]) -> set[int]:
    """The lines that open with a setting cue (``Conventions:``, ``Assumptions:`` …): their math
    fixes what the symbols mean (``o' = s(i' − 1) − 2p + …`` in general), it answers nothing.

    >>> from symconv.check.markdown import split_document
    >>> doc = "{\\\\small\\\\textit{Conventions:} $o = i - k + 1$ here.}\\n\\nSo $o = 3$.\\n"
    >>> sorted(setting_lines(split_document(doc)))
    [1]
    """
    return {
        segment.line
        for segment in segments
        if segment.kind == "text" and segment.column == 1 and _SETTING_CUE.match(segment.text)
    }


def stated_answer_lines(segments: Sequence[Segment]) -> set[int]:
    r"""The lines whose math the document states as an answer: after the word *answer* on the
    line (``**Answer:** $…$``, "the final answer is $…$"), or on the line after one that ends
    with it, or in a list whose lead-in line names answers ("Also accepted:").

    >>> from symconv.check.documents import Document
    >>> text = "We get $x = 2$.\n\n**Answer:** $x = 3$\n\nAlso accepted:\n- $x = 4$\n"
    >>> sorted(stated_answer_lines(Document.from_text(text, "t", "md").segments))
    [3, 6]
    """
    words: dict[int, str] = {}
    first_math: dict[int, int] = {}
    for segment in segments:
        if segment.kind == "math":
            first_math.setdefault(segment.line, segment.column)
    for segment in segments:
        if segment.kind == "text" and segment.column < first_math.get(segment.line, 1 << 30):
            words[segment.line] = words.get(segment.line, "") + segment.text
    stated = set()
    for line in first_math:
        before = words.get(line, "")
        if _ANSWER_WORD.search(before):
            stated.add(line)
        elif not before.strip() and line - 1 not in first_math:
            if _ANSWER_WORD.search(words.get(line - 1, "")):
                stated.add(line)
        elif _LIST_ITEM.match(before):
            lead = line - 1
            while lead > 0 and (_LIST_ITEM.match(words.get(lead, "")) or lead in first_math):
                lead -= 1
            if _ANSWER_WORD.search(words.get(lead, "")):
                stated.add(line)
    return stated


def _mark_continued(found: list[tuple[int, int, Candidate]]) -> None:
    """``o &= A \\\\ &= B``: the row ``o = A`` is ``continued``, so ``A`` is not the value its
    chain states (that is the last row's)."""
    last: dict[int, int] = {}  # per block: the position in ``found`` of its latest row
    for position, (_, _, candidate) in enumerate(found):
        if candidate.block is None:
            continue
        if candidate.continuation and candidate.block in last:
            above = last[candidate.block]
            line, offset, row = found[above]
            found[above] = (line, offset, replace(row, continued=True))
        last[candidate.block] = position


def _continued_formula(candidate: Candidate, heads: dict[int, Candidate | None]) -> Candidate:
    """A continuation row ``&= B`` of an aligned block whose chain began with an index formula
    ``∂J/∂X[i, …] &= A`` claims ``∂J/∂X[i, …] = B``: it is offered as a formula with that left
    side (``chain``: the line of the chain's first row), so every row can be judged."""
    block = candidate.block
    if block is None:
        return candidate
    if not candidate.continuation:
        if candidate.form == "formula":
            candidate = replace(candidate, chain=candidate.line)
        heads[block] = candidate if candidate.form == "formula" else None
        return candidate
    head = heads.get(block)
    if head is None or candidate.form != "expression" or candidate.lhs is not None:
        heads[block] = None
        return candidate
    return replace(candidate, form="formula", lhs=head.lhs, chain=head.chain)


# ----------------------------------------------------------------------------------------------
# Math
# ----------------------------------------------------------------------------------------------
def _statement_chains(parsed: MathParse) -> list[tuple[Chain, tuple[Chain, ...]]]:
    """Each statement's chain, with the other readings of an ambiguous one (``D(K-1)``: an
    application or a product?) — the judge tries them all and names the one it used."""
    from symconv.check.parsed import Ambiguous

    chains: list[tuple[Chain, tuple[Chain, ...]]] = []
    for statement in parsed.statements:
        if isinstance(statement, Ambiguous):
            first, *others = statement.readings
            chains.append((first, tuple(others)))
            continue
        chains.append((statement, ()))
    return chains


def _math_candidates(
    segment: Segment, parsed: MathParse, index: int, reading: Reading
) -> list[Candidate]:
    candidates: list[Candidate] = []
    matrix_values = []
    for literal in parsed.matrices:
        rows = tuple(segment.line_of(start) for start, _ in literal.row_spans)
        value = sp.ImmutableMatrix(literal.value)
        matrix_values.append(value)
        position = _statement_at(parsed, literal.start)
        candidates.append(
            Candidate(
                "matrix",
                value,
                segment.line_of(literal.start),
                segment.line_of(max(literal.start, literal.end - 1)),
                parsed.text[literal.start : literal.end],
                row_lines=rows,
                claim=reading.claim_of(index, position) if position is not None else None,
            )
        )
    for position, (chain, others) in enumerate(_statement_chains(parsed)):
        line = segment.line_of(chain.start)
        end_line = segment.line_of(max(chain.start, chain.end - 1))
        candidate = _chain_candidate(chain, line, end_line)
        if candidate is None:
            continue
        candidate = replace(candidate, claim=reading.claim_of(index, position))
        if segment.block is not None:
            candidate = replace(candidate, block=segment.block, continuation=chain.is_continuation)
        readings = [_chain_candidate(other, line, end_line) for other in others]
        alternatives = tuple(
            replace(r, claim=candidate.claim)
            for r in readings
            if r is not None and r.form == candidate.form
        )
        if alternatives:
            candidate = replace(candidate, alternatives=alternatives)
        if candidate.form == "matrix" and (
            any(candidate.value == m for m in matrix_values)
            or not _ends_with_matrix(candidate.value_text or "")
        ):
            # the literal is a candidate already (it takes the chain's name: ``w = […]``);
            # ``[…] x`` is a product, not a matrix
            for k, earlier in enumerate(candidates):
                if (
                    earlier.form == "matrix"
                    and earlier.lhs is None
                    and earlier.value == candidate.value
                ):
                    candidates[k] = replace(earlier, lhs=candidate.lhs)
            continue
        candidates.append(candidate)
    return candidates


def _statement_at(parsed: MathParse, offset: int) -> int | None:
    """The position of the statement of ``parsed`` holding character ``offset``."""
    for position, statement in enumerate(parsed.statements):
        if statement.start <= offset < max(statement.end, statement.start + 1):
            return position
    return None


def _chain_candidate(chain: Chain, line: int, end_line: int) -> Candidate | None:
    sides = chain.sides
    last = sides[-1]
    if last is None:
        return None
    first = sides[0]
    relations = chain.relations
    text = chain.text
    lhs = first.expr if first is not None and len(sides) > 1 and _is_name(first.expr) else None
    if relations and relations[-1] in ("∈",) and isinstance(last.expr, sp.FiniteSet):
        return Candidate("set", last.expr, line, end_line, text, lhs=lhs)
    if len(sides) == 3 and first is not None and set(relations) <= {"≤", "<"}:
        middle = sides[1]
        assert middle is not None
        low, high = first.expr, last.expr
        if isinstance(middle.expr, sp.Symbol) and low.is_integer and high.is_integer:
            low = low + (1 if relations[0] == "<" else 0)
            high = high - (1 if relations[1] == "<" else 0)
            values = sp.FiniteSet(*range(int(low), int(high) + 1))
            return Candidate("set", values, line, end_line, text, lhs=middle.expr)
    if not relations:
        return _bare_candidate(last, line, end_line, text)
    if relations[-1] not in ("=", "≈", ":=", "≡"):
        return None
    if isinstance(lhs, sp.Indexed):
        if all(i.is_Integer for i in lhs.indices):
            return Candidate("location", last.expr, line, end_line, text, lhs=lhs)
        return Candidate("formula", last.expr, line, end_line, text, lhs=lhs)
    before = sides[-2] if len(sides) >= 2 else None
    derived = before.text if before is not None and _is_computation(before) else None
    value = last.expr
    if last.factors is not None and _looks_like_shape(last.text):
        return Candidate(
            "tuple", sp.Tuple(*last.factors), line, end_line, text, lhs=lhs, value_text=last.text
        )
    form: Form
    if isinstance(value, sp.MatrixBase):
        form = "matrix"
        value = sp.ImmutableMatrix(value)
    elif isinstance(value, sp.Tuple):
        form = "tuple"
    elif isinstance(value, sp.Basic) and value.is_number:
        form = "number"
    elif isinstance(value, sp.Expr):
        form = "expression"
    else:
        return None
    return Candidate(
        form, value, line, end_line, text, lhs=lhs, derived_from=derived, value_text=last.text
    )


def _ends_with_matrix(text: str) -> bool:
    return (
        re.search(r"(?:\\end\s*\{[a-zA-Z]*matrix\*?\}|[\])])\s*(?:\^\{?T\}?)?\s*$", text)
        is not None
    )


def _is_computation(side: Any) -> bool:
    """A side that is arithmetic on numbers (``3 \\times 3 + 2``), not a name or one number."""
    expr = side.expr
    written = re.search(r"\\times|\\cdot|\\frac|[-+*/×·^]", side.text) is not None
    return isinstance(expr, sp.Basic) and bool(expr.is_number) and written


def _is_name(expr: Any) -> bool:
    """A left side that names something (``P``, ``Z[2, 3]``, ``\\sigma'(z)``), not a number."""
    return isinstance(expr, sp.Basic) and not expr.is_number


def _looks_like_shape(text: str) -> bool:
    return bool(re.fullmatch(r"\s*[\[(]?[^=]*\\times[^=]*[\])]?\s*", text))


def _bare_candidate(side: Any, line: int, end_line: int, text: str) -> Candidate | None:
    value = side.expr
    if side.factors is not None:
        return Candidate("tuple", sp.Tuple(*side.factors), line, end_line, text)
    if isinstance(value, sp.Tuple):
        return Candidate("tuple", value, line, end_line, text)
    if isinstance(value, sp.MatrixBase):
        return Candidate("matrix", sp.ImmutableMatrix(value), line, end_line, text)
    if isinstance(value, sp.Basic) and value.is_number:
        return Candidate("number", value, line, end_line, text)
    if isinstance(value, sp.Expr) and not isinstance(value, sp.Symbol):
        return Candidate("expression", value, line, end_line, text)
    return None


def _piecewise(
    segments: Sequence[Segment], index: int, parse: Callable[[int], MathParse]
) -> Candidate | None:
    """``$A = v$ if $cond$, else $w$``: a value, a condition and an alternative, in words."""
    if index + 4 >= len(segments):
        return None
    first, word_if, condition, word_else, other = segments[index : index + 5]
    if not (
        word_if.kind == "text"
        and _IF.match(word_if.text)
        and condition.kind == "math"
        and word_else.kind == "text"
        and _ELSE.match(word_else.text)
        and other.kind == "math"
    ):
        return None
    try:
        head = parse(index).single()
        test = parse(index + 2).single()
        alternative = parse(index + 4).single()
    except (SymconvError, RecursionError):
        return None
    if len(head.sides) != 2 or head.sides[0] is None or head.sides[1] is None:
        return None
    if len(test.sides) != 2 or test.relations != ("=",) or len(alternative.sides) != 1:
        return None
    left, right = test.sides
    assert left is not None and right is not None and alternative.sides[0] is not None
    return Candidate(
        "piecewise",
        (head.sides[1].expr, (left.expr, right.expr), alternative.sides[0].expr),
        first.line,
        other.end_line,
        f"{first.text}{word_if.text}{condition.text}{word_else.text}{other.text}",
        lhs=head.sides[0].expr,
    )


# ----------------------------------------------------------------------------------------------
# Words
# ----------------------------------------------------------------------------------------------
_MARKER_PREFIX = lazy_compile(
    r"^\s*(?:(?:\*\*|__)?\s*(?:\(\s*\w{1,4}\s*\)|[a-z]\)|\d{1,2}[.)]|(?:part|problem|exercise|"
    r"question)\s*[\w.()-]+)\s*(?:\*\*|__)?[:.]?)",
    re.I,
)


def _text_candidates(segment: Segment) -> list[tuple[int, Candidate]]:
    from symconv.check.parser import parse_math

    text = segment.text
    if segment.column == 1:
        if text.lstrip().startswith("#") or text.lstrip().startswith("\\"):
            return []
        prefix = _MARKER_PREFIX.match(text)
        if prefix:
            text = " " * prefix.end() + text[prefix.end() :]
    found: list[tuple[int, Candidate]] = []
    taken: list[tuple[int, int]] = []
    for match in _TEXT_TUPLE.finditer(text):
        try:
            value = parse_math(match.group(0)).single().value
        except (SymconvError, ValueError, RecursionError):
            continue
        if isinstance(value, sp.Tuple):
            taken.append(match.span())
            found.append(
                (
                    match.start(),
                    Candidate("tuple", value, segment.line, segment.line, match.group(0)),
                )
            )
    for match in _TEXT_SHAPE.finditer(text):
        if _inside(match.span(), taken):
            continue
        sizes = [int(n) for n in re.findall(r"\d+", match.group(0))]
        taken.append(match.span())
        value = sp.Tuple(*map(sp.Integer, sizes))
        found.append(
            (match.start(), Candidate("tuple", value, segment.line, segment.line, match.group(0)))
        )
    for match in _TEXT_INTEGER.finditer(text):
        if _inside(match.span(), taken):
            continue
        number = sp.Integer(int(match.group(0).replace(",", "").replace("−", "-")))
        stated = _ANSWER_CUE.search(text[: match.start()]) is not None
        found.append(
            (
                match.start(),
                Candidate(
                    "text-number",
                    number,
                    segment.line,
                    segment.line,
                    match.group(0),
                    stated=stated,
                ),
            )
        )
    return found


def _inside(span: tuple[int, int], taken: Sequence[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in taken)
