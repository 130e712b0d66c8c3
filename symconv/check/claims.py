"""Claims of a hand-written solution: every checkable statement, with its narrowest line range.

:func:`extract_claims` walks the segments of a document (:func:`~symconv.check.markdown.
split_document`), parses each math segment with the symbols known so far, and emits one
:class:`~symconv.check.model.Claim` per checkable statement:

* each link of a chain ``a = b ≈ c`` (a continuation row ``&= c`` of an ``aligned`` block links
  to the previous row's last side and spans its own row);
* ``name = value``: recorded as a definition in the :class:`~symconv.check.context.
  DocumentContext`, and a claim when it is one (``\\mathbf{y} = [1, 3, 0, 1]`` is an ``answer``;
  ``P = \\frac{(K-1)D}{2}`` after "the padding is" a ``definition`` with a fact to check);
  after a cue (``with $h = 1$``, ``For $y = \\mathrm{softmax}(z)$``, ``设``) only recorded;
* shapes (``shape (40, 2400, 80)``; ``$46 \\times 62 \\times 20$`` after "have shape"),
  shape/cost facts in words (``The effective kernel size is $K + (K-1)(D-1)$``), orders
  (``has error $O(h^2)$``) and plain-text answers around inline math ("10 input channels and
  20 output channels", "the largest value is 6, at (1,3)").

Kinds: ``arithmetic``, ``algebra``, ``approximation`` (``≈`` and equalities with ``O(·)``),
``order``, ``derivative``, ``matrix``, ``definition``, ``answer``, ``shape``, ``fact``,
``index-formula`` (left for the problem-context layer), ``ambiguous`` and ``unparsed``.

Each claim is a :class:`~symconv.check.model.ClaimKind` with typed facts
(:data:`~symconv.check.model.ClaimFacts`): a link of a chain
(:class:`~symconv.check.model.LinkFacts`: its sides as written, the previous link's id, its
matrix literals with the line of each row, the chain's final value on its final link — a
candidate answer also when the claim itself is arithmetic: ``3 \\times 3 \\times 10 \\times 20
+ 10 = 1810`` is right arithmetic and maybe a wrong answer —, the name it defines, its
conditions, the fact its sentence names), a value alone (``ValueFacts``), an order and its
approximation (``OrderFacts``), a shape and its subjects (``ShapeFacts``), a fact in words
(``FactFacts``), answers in prose (``ProseAnswerFacts``), or why it was not read
(``UnreadFacts``); and its :class:`~symconv.check.model.Origin`: its id (the statement's order;
also its key in the context), section, heading, cell, surrounding words and symbol table.

:func:`read_claims` gives the whole :class:`Reading`: the claims, each math segment's parse and
the claims of each statement, from which the problem context reads its answer candidates
(:func:`symconv.check.candidates.extract_candidates`) without parsing again.

    >>> from symconv.check.markdown import split_document
    >>> doc = ("## 3\\n\\n$3 \\\\times 3 \\\\times 10 \\\\times 20 + 20 = 1830$\\n\\n"
    ...        "Shape is (40, 2400, 80).\\n")
    >>> for claim in extract_claims(split_document(doc)):
    ...     print(claim.line, claim.kind, claim.text, claim.answer)
    3 arithmetic 3 \\times 3 \\times 10 \\times 20 + 20 = 1830 1830
    5 shape Shape is (40, 2400, 80) (40, 2400, 80)
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symconv.check import nodes
from symconv.check.activation_words import WordActivation, activations_in_words
from symconv.check.call_entries import applies_as_function, entry_calls
from symconv.check.claim_kinds import (
    defined_name,
    defines_by_itself,
    defines_function,
    is_condition_like,
    is_shape,
    kind_of,
    numeric_indices,
)
from symconv.check.claim_text import text_answers
from symconv.check.connections import connection_in
from symconv.check.context import NO_PROBLEM, DocumentContext, ProblemContext
from symconv.check.defined_names import is_cost_name
from symconv.check.index_ranges import IndexRange, declared_range, range_runs
from symconv.check.judges.missing_sum import unsummed_indices
from symconv.check.judges.phrases import (
    MATH_MARK,
    answer_cue,
    cost_in_words,
    dependencies_in_words,
    fact_in_words,
    fact_of_sentence,
    is_assumption,
    is_condition,
    is_premise,
    order_cue,
    premise_cue,
    shape_cue,
)
from symconv.check.markdown import Segment
from symconv.check.model import (
    Claim,
    ClaimFacts,
    ClaimKind,
    ConnectionFacts,
    FactFacts,
    LinkFacts,
    OrderFacts,
    Origin,
    ProseAnswerFacts,
    RangeFacts,
    ShapeFacts,
    UnreadFacts,
    ValueFacts,
)
from symconv.check.parsed import Ambiguous, Chain, MathParse, Side
from symconv.check.symbols import SymbolTable, name_key, object_name_key
from symconv.core.patterns import TextPattern, lazy_compile
from symconv.errors import NotationError, ParseError, ReadTimeLimitError

__all__ = ["KINDS", "Reading", "extract_claims", "read_claims"]

#: The kinds of claim a document's reading gives (``value`` claims come from the problem context).
KINDS = tuple(kind for kind in ClaimKind if kind is not ClaimKind.VALUE)

_RELATION_TEXT = lazy_compile(r"=|\\approx|\\neq|\\ne\b|\\le|\\ge|<|>|\\in\b|≈|≠|≤|≥|\\equiv")
_HEADING_MD = lazy_compile(r"^\s{0,3}(#{1,6})\s+(.*)$")
_HEADING_TEX = lazy_compile(r"\\(sub)*section\*?\s*\{([^}]*)\}")
#: Sentence ends: . ! ? (before a space or the end), and their full-width forms.
_SENTENCE_END = lazy_compile("(?:[.!?](?=\\s|$)|[\u3002\uff01\uff1f])")
_BLANK_LINE = lazy_compile(r"\n[ \t]*\n")
#: Relations an assumed condition states (``for $x > 0$``, ``assume $i \\neq j$``).
_CONDITION_RELATIONS = frozenset([">", "<", "≥", "≤", "≠"])


@dataclass
class _Placed:
    """A side with the segment it was written in."""

    side: Side
    segment: Segment


@dataclass(frozen=True)
class Reading:
    """One reading of a document: each math segment parsed once (``parses``, by segment index),
    the claims found, and which claims each statement gave (``statement_claims``, by segment
    index and the statement's position in it; a plain-text answer by segment index and the
    offset of its first character, as ``(index, -1 - offset)``) — so the answer candidates
    of :mod:`symconv.check.candidates` are read from the same parse and know their claim."""

    claims: tuple[Claim, ...]
    parses: Mapping[int, MathParse | ParseError]
    statement_claims: Mapping[tuple[int, int], tuple[Claim, ...]]

    def claim_of(self, index: int, position: int) -> Claim | None:
        """The claim a statement ends with (the last link of a chain: its final value)."""
        found = self.statement_claims.get((index, position), ())
        return found[-1] if found else None

    def text_claim_at(self, index: int, offset: int) -> Claim | None:
        """The plain-text answer claim of segment ``index`` covering character ``offset``."""
        for (segment, key), found in self.statement_claims.items():
            if segment != index or key >= 0:
                continue
            for claim in found:
                facts = claim.facts
                if not isinstance(facts, (ShapeFacts, ProseAnswerFacts)) or facts.span is None:
                    continue
                if facts.span[0] <= offset < facts.span[1]:
                    return claim
        return None


def extract_claims(
    segments: Sequence[Segment],
    symbols: SymbolTable | None = None,
    context: DocumentContext | None = None,
    read_seconds: float | None = None,
    problem: ProblemContext = NO_PROBLEM,
) -> list[Claim]:
    """The claims of a document, in order (see the module docstring).

    ``symbols`` declares the problem's names; ``context`` (if given) receives the document's
    definitions, assumptions and claims, for :func:`symconv.check.judges.judge`;
    ``read_seconds`` bounds the reading of each math segment (one over it is unreadable);
    ``problem`` says which names the problem's derivations name or give values (a definition
    of one of them is a claim).
    """
    return list(read_claims(segments, symbols, context, read_seconds, problem).claims)


def read_claims(
    segments: Sequence[Segment],
    symbols: SymbolTable | None = None,
    context: DocumentContext | None = None,
    read_seconds: float | None = None,
    problem: ProblemContext = NO_PROBLEM,
) -> Reading:
    """The :class:`Reading` of a document (arguments as :func:`extract_claims`)."""
    table = symbols if symbols is not None else SymbolTable()
    if context is None:
        context = DocumentContext(symbols=table)
    extractor = _Extractor(list(segments), table, context, read_seconds, problem)
    read = extractor.run()
    # update rules (w ← w − η ∂L/∂w) and sizes stated about the document's network (tables,
    # code, questions): claims of their own, in place of what the reading made of their words
    from symconv.check.read_sizes import add_size_claims
    from symconv.check.read_updates import add_update_claims

    claims, by_statement = add_update_claims(segments, read, extractor.statement_claims, context)
    sized = add_size_claims(segments, claims, by_statement, context)
    # shapes of arrays stated, defined by NumPy code, differentiated (never a size claim's words)
    shaped, by_statement = sized.claims, dict(sized.statement_claims)
    if mentions(segments, ARRAY_WORDS):
        from symconv.check.read_arrays import add_array_claims

        shaped, by_statement = add_array_claims(
            segments, shaped, by_statement, context, with_problem=_has_problem(problem)
        )
    # facts of convolution arithmetic stated in words (paddings, strides, 'same' sizes): read
    # only where the words of one could stand (the reader and its sentences load otherwise)
    worded = shaped
    if mentions(segments, CONV_FACT_WORDS):
        from symconv.check.conv_words import add_word_claims

        worded, by_statement = add_word_claims(segments, shaped, by_statement, context)
    return Reading(worded, dict(extractor.parses), by_statement)


#: Words one of the facts of convolution arithmetic needs (:mod:`symconv.check.conv_words`):
#: its statements are all about these.
CONV_FACT_WORDS = lazy_compile(
    r"pad|stride|zero|same|valid|floor|ceil|round|integer|dilat|receptive|upsampl|transpos"
    r"|deconv|fractional|channel|depth|filter|kernel|convol|backward|gradient|derivative"
    r"|卷积|步长|填充|通道|滤波",
    re.IGNORECASE,
)


#: Words an array statement needs (:mod:`symconv.check.read_arrays`): a shape said, NumPy code,
#: a matrix product, a real space ``\\mathbb{R}^{…}``.
ARRAY_WORDS = lazy_compile(
    r"shape|dim|reshape|transpos|tensordot|einsum|维度|形状|np\.|numpy|array|matri|矩阵|im2col"
    r"|unfold|axis|\.T\b|@|\^\s*\{?\s*T\b|\N{DOUBLE-STRUCK CAPITAL R}|mathbb\s*\{?R|\\in\b"
    r"|\\times|×|\(\s*\d+\s*,",
    re.IGNORECASE,
)


def mentions(segments: Sequence[Segment], words: TextPattern) -> bool:
    """True if any text or math of the document holds one of ``words``."""
    return any(words.search(segment.text) for segment in segments)


def _has_problem(problem: ProblemContext) -> bool:
    """True if a problem set is checked against (its names, its data)."""
    return bool(problem.named_names or problem.formula_names or problem.quantities or problem.given)


class _Extractor:
    def __init__(
        self,
        segments: list[Segment],
        table: SymbolTable,
        context: DocumentContext,
        read_seconds: float | None = None,
        problem: ProblemContext = NO_PROBLEM,
    ):
        self.read_seconds = read_seconds
        self.problem = problem
        self.segments = segments
        self.table = table
        self.context = context
        self.claims: list[Claim] = []
        self.order = 0
        self.sentence_order = 0
        self.scope = 0
        self.heading: int | None = None
        self.sentence: list[str] = []
        self.sentence_math: list[tuple[Segment, Any]] = []
        self.conditions: list[tuple[Any, str, Any]] = []
        #: Inequalities a premise states (``Assume $x > 0$.``): conditions of the claims of the
        #: rest of its paragraph (see :meth:`_assume_condition`).
        self.premises: list[tuple[Any, str, Any]] = []
        #: Math segments read as the conditions after a claim (``$f = 1$ for $z > 0$``).
        self.trailing: set[int] = set()
        self.parses: dict[int, MathParse | ParseError] = {}
        self.last_line = 0
        #: The math being read is followed at once by "?" ("Is $2 + 2 = 5$?"): a question.
        self.asked = False
        #: Statements of the formula being read that solve an equation for a name
        #: (``E(p) = 28 \\implies p = 2``), by position, with the reason they are not judged.
        self.solving: dict[int, str] = {}
        self.block_last: dict[int, _Placed] = {}
        self.block_claim: dict[int, int] = {}
        #: The names each aligned block has defined so far (``y &:= \max(…) \\ y &= …``).
        self.block_defined: dict[int, set[str]] = {}
        self.scope_level = _scope_level(segments)
        self.first_heading_seen = False
        #: The claims of each statement: (segment index, position) -> claims (see Reading).
        self.statement_claims: dict[tuple[int, int], list[Claim]] = {}
        self.statement: tuple[int, int] | None = None

    # -- driver --------------------------------------------------------------------------------
    def run(self) -> list[Claim]:
        self.parses = self._parse_all()
        said = activations_in_words(self.segments, self.parses)
        cell = None
        for index, segment in enumerate(self.segments):
            while said and said[0].segment < index:  # an activation said in words, recorded
                self._said_activation(said.pop(0))  # once its words are read
            if segment.cell != cell:  # a notebook's cells number their lines from 1 each
                cell = segment.cell
                self._reset_sentence()
                self.premises = []
                self.last_line = 0
            self.statement = None
            if segment.kind == "text":
                self._text(index, segment)
            elif segment.kind == "math":
                self._math(index, segment, self.parses.get(index))
            else:
                self._reset_sentence()
                self.premises = []
        return self.claims

    def _with_magnitude(self, index: int) -> str:
        """A math segment's text, with the magnitude the prose right after it gives its last
        number (``$… \\approx 0.4$K FLOPs``: :func:`~symconv.check.magnitudes.prose_suffix`)."""
        from symconv.check.magnitudes import prose_suffix

        segment = self.segments[index]
        following = self.segments[index + 1] if index + 1 < len(self.segments) else None
        if following is None or following.kind != "text" or following.line != segment.end_line:
            return segment.text
        return segment.text + prose_suffix(segment.text, following.text)

    def _starred(self, index: int, table: SymbolTable) -> SymbolTable:
        """``table`` for math segment ``index``, with ``*`` a convolution when the words before
        it in its section declare so (*Here $*$ denotes cross-correlation*:
        :mod:`symconv.check.star_words`); which convolution is the model's to read."""
        if index in self._declared_star and table.star is None:
            return table.merged(SymbolTable(star="convolution"))
        return table

    def _parse_all(self) -> dict[int, MathParse | ParseError]:
        """Parse every math segment with what the document showed before it; segments left
        ambiguous are read again with what the whole document showed (``x'(t)`` three lines
        below shows that ``x`` is a function)."""
        from symconv.check.read_names import index_words
        from symconv.check.star_words import declared_by_segment

        self._declared_star = declared_by_segment(self.segments)

        results: dict[int, MathParse | ParseError] = {}
        # ch of W_{f,ch,r,c} is one index name on every line of the document (\sum_{ch=1}^{C})
        words = index_words([s.text for s in self.segments if s.kind == "math"])
        if words:
            self.table = self.table.merged(SymbolTable(index_words=words))
        learned = self.table
        read_with: dict[int, SymbolTable] = {}
        scalars: set[str] = set()
        for index, segment in enumerate(self.segments):
            if segment.kind != "math":
                continue
            defined = defined_functions(segment.text)
            if defined:
                learned = learned.merged(SymbolTable.declare(functions=defined))
            read_with[index] = learned
            try:
                parsed = _parse(
                    self._with_magnitude(index), self._starred(index, learned), self.read_seconds
                )
            except ParseError as error:
                results[index] = error
                continue
            results[index] = parsed
            learned = learned.merged(_learned(parsed))
            scalars |= _defined_scalars(parsed)
            scalars |= self._named_quantity(index, parsed)
        # A name the document defines as a quantity (``L = 3``) is not a function: read
        # ``L(K-1)`` elsewhere as a product.
        quantities = scalars - learned.functions - learned.tensors
        if quantities:
            learned = learned.merged(SymbolTable.declare(scalars=quantities))
        # W(i - i', …) is an entry once the document differentiates by W(i', …), on any line
        calls = SymbolTable(
            entry_calls=entry_calls(r for r in results.values() if isinstance(r, MathParse))
        )
        learned = learned.merged(calls)
        for index, result in list(results.items()):
            if isinstance(result, ReadTimeLimitError):
                continue
            if not isinstance(result, ParseError) and not (
                result.ambiguous or _function_read_as_entry(result, learned)
            ):
                if applies_as_function(result, calls.entry_calls):
                    # read as it was, with the entries the whole document showed
                    with contextlib.suppress(ParseError):
                        text = self._with_magnitude(index)
                        table = self._starred(index, read_with[index].merged(calls))
                        results[index] = _parse(text, table, self.read_seconds)
                continue
            if (
                isinstance(result, ParseError)
                or result.ambiguous
                or _function_read_as_entry(result, learned)
            ):
                table = learned
                if fact_in_words(self._line_text(index)) is not None:
                    # "The effective kernel size is $D(K-1)+1$": sizes, not functions.
                    table = learned.merged(
                        SymbolTable.declare(scalars=_SIZE_LETTERS - table.functions)
                    )
                with contextlib.suppress(ParseError):
                    table = self._starred(index, table)
                    results[index] = _parse(self._with_magnitude(index), table, self.read_seconds)
        return results

    def _line_text(self, index: int) -> str:
        """The prose on the line of segment ``index``."""
        line = self.segments[index].line
        return " ".join(s.text for s in self.segments if s.kind == "text" and s.line == line)

    def _named_quantity(self, index: int, parsed: MathParse) -> set[str]:
        """``a dilation $D$``, ``kernel size $K$``: a bare name after a size word is a quantity."""
        if index == 0 or len(parsed.statements) != 1:
            return set()
        statement = parsed.statements[0]
        if not isinstance(statement, Chain) or statement.relations:
            return set()
        side = statement.sides[0]
        previous = self.segments[index - 1]
        if side is None or not isinstance(side.expr, sp.Symbol) or previous.kind != "text":
            return set()
        if previous.end_line != self.segments[index].line or not _QUANTITY_WORD.search(
            previous.text
        ):
            return set()
        return {side.expr.name}

    # -- text ----------------------------------------------------------------------------------
    def _text(self, index: int, segment: Segment) -> None:
        heading = _heading_level(segment.text)
        if heading is not None:
            self._reset_sentence()
            self.premises = []
            if heading <= self.scope_level and (
                self.first_heading_seen or heading == self.scope_level
            ):
                self.scope += 1
                self.heading = segment.line
            self.first_heading_seen = True
            self.last_line = segment.end_line
            return
        if segment.line > self.last_line + 1 or (
            segment.column == 1 and _LIST_ITEM.match(segment.text)
        ):
            self._reset_sentence()
        if segment.line > self.last_line + 1 or _BLANK_LINE.search(segment.text):
            self.premises = []  # a premise holds for its paragraph
        self._text_answers(index, segment)
        self._dependencies(index, segment)
        text = segment.text
        ends = list(_SENTENCE_END.finditer(text))
        if ends:
            self._reset_sentence()
            text = text[ends[-1].end() :]
        self.sentence.append(text)
        self.last_line = segment.end_line

    def _said_activation(self, said: WordActivation) -> None:
        """``$x^l$ is $z^l$ passed through the activation function``: recorded for the judges (a
        chain rule through x rests on it) as an entry-by-entry dependency."""
        self.context.depend(
            said.output, said.input, line=said.lines[-1], scope=self.scope, order=self.order,
            entrywise=True, rank=said.rank, how=said.how,
        )  # fmt: skip

    def _dependencies(self, index: int, segment: Segment) -> None:
        """ "*z* is a function of *y*", "$u$ is a function of $x$": recorded for the judges (a
        chain rule ``dz/dx = dz/dy · dy/dx`` rests on it)."""
        words = self._math_name(index - 1) + segment.text + self._math_name(index + 1)
        for of, on in dependencies_in_words(words):
            self.context.depend(of, on, line=segment.line, scope=self.scope, order=self.order)

    def _math_name(self, index: int) -> str:
        """The name a math segment next to the words consists of (``$z$``), else ''."""
        if not 0 <= index < len(self.segments) or self.segments[index].kind != "math":
            return ""
        parsed = self.parses.get(index)
        if not isinstance(parsed, MathParse) or len(parsed.chains) != 1:
            return ""
        chain = parsed.chains[0]
        side = chain.sides[0] if len(chain.sides) == 1 else None
        if side is None or not isinstance(side.expr, sp.Symbol):
            return ""
        return f" {side.expr.name} "

    def _introduced(self) -> bool:
        """True if the sentence so far ends with a colon (``and assume:``): it introduces the
        display after it, even across a blank line."""
        words = "".join(self.sentence).rstrip()
        return words.endswith((":", "\uff1a"))

    def _reset_sentence(self) -> None:
        self.sentence_order = self.order
        self.sentence = []
        self.sentence_math = []
        self.conditions = []

    def _words_after(self, index: int) -> str:
        segment = self.segments[index]
        pieces = []
        for following in self.segments[index + 1 :]:
            if following.line != segment.end_line or following.cell != segment.cell:
                break
            if following.kind == "math":
                pieces.append(MATH_MARK)
                continue
            end = _SENTENCE_END.search(following.text)
            if end is not None:
                pieces.append(following.text[: end.start()])
                break
            pieces.append(following.text)
        return "".join(pieces)

    def _continued(self, index: int) -> bool:
        """True if the next math segment is a row of the same block that continues this one."""
        segment = self.segments[index]
        if segment.block is None:
            return False
        for following in self.segments[index + 1 :]:
            if following.kind != "math":
                continue
            if following.block != segment.block:
                return False
            parsed = self.parses.get(self.segments.index(following))
            if isinstance(parsed, MathParse) and parsed.statements:
                first = parsed.statements[0]
                return isinstance(first, Chain) and first.is_continuation
            return False
        return False

    def _conditions_after(self, index: int) -> list[tuple[Any, str, Any]]:
        """Relations stated as conditions after a claim in its sentence: ``$f'(x) = 1$ for
        $x > 0$``, ``if $i = j$`` (up to ``else``/``otherwise``)."""
        segment = self.segments[index]
        conditions: list[tuple[Any, str, Any]] = []
        cued = False
        for following in self.segments[index + 1 :]:
            if following.line != segment.end_line or following.cell != segment.cell:
                break
            if following.kind == "text":
                if _SENTENCE_END.search(following.text) or _ELSE.search(following.text):
                    break
                cued = _CONDITION_AFTER.search(following.text) is not None
                continue
            parsed = self.parses.get(self.segments.index(following))
            if not (cued and isinstance(parsed, MathParse)):
                break
            for chain in parsed.chains:
                sides = [s.expr for s in chain.sides if s is not None]
                if len(sides) != len(chain.relations) + 1 or not is_condition_like(sides[0]):
                    return conditions
                for k, relation in enumerate(chain.relations):
                    conditions.append((sides[k], relation, sides[k + 1]))
            self.trailing.add(self.segments.index(following))
            cued = False
        return conditions

    # -- math ----------------------------------------------------------------------------------
    def _math(self, index: int, segment: Segment, parsed: MathParse | ParseError | None) -> None:
        if segment.line > self.last_line + 1 and not self._introduced():
            self._reset_sentence()
            self.premises = []
        words_before = "".join(self.sentence)
        words_after = self._words_after(index)
        following = self.segments[index + 1] if index + 1 < len(self.segments) else None
        self.asked = (
            following is not None
            and following.kind == "text"
            and following.line == segment.end_line
            and following.text.startswith(("?", "\uff1f"))
        )
        if isinstance(parsed, ParseError) or parsed is None:
            self._forget_row(segment)
            if _RELATION_TEXT.search(segment.text):
                reason = str(parsed) if parsed is not None else "not read"
                facts = UnreadFacts(reason, contradiction=isinstance(parsed, NotationError))
                self._emit(segment, segment.line, segment.end_line, segment.text, "unparsed", (),
                           "=", facts, words_before, words_after)  # fmt: skip
        else:
            lead_words = words_before
            after = self._conditions_after(index)
            continued = self._continued(index)
            # "with $a = 127, p = 0, f = 5$": every binding of a list after the cue is assumed
            listed = is_assumption(words_before, words_after) and segment.block is None
            # i = 0, \dots, n-1: one range declaration, never the definition i = 0
            runs = {start: (end, found) for start, end, found in range_runs(parsed.statements)}
            self.solving = _solving(parsed.statements, self._defined_before)
            skip_to = -1
            for position, statement in enumerate(parsed.statements):
                if position <= skip_to:
                    continue
                if statement.lead:
                    lead = _lead_text(statement.lead)
                    listed = listed and lead.strip() in (",", ";", ", and", "and")
                    if listed:
                        lead_words = words_before
                    else:
                        lead_words = lead_words + MATH_MARK + " " + lead + " "
                self.statement = (index, position)
                run = runs.get(position)
                if run is not None:
                    skip_to = run[0]
                    written = parsed.statements[position : run[0] + 1]
                    self._declare_range(segment, written, run[1], lead_words, words_after)
                    continue
                declared = declared_range(statement) if isinstance(statement, Chain) else None
                if declared is not None and self._declares(declared, lead_words):
                    self._declare_range(segment, [statement], declared, lead_words, words_after)
                    continue
                last = position == len(parsed.statements) - 1
                self.statement = (index, position)
                self._statement(segment, parsed, statement, lead_words, words_after, after,
                                continued=continued and last)  # fmt: skip
            self._connection(segment, parsed, words_before, words_after)
            self.sentence_math.append((segment, parsed))
        self.sentence.append(MATH_MARK)
        self.last_line = segment.end_line

    def _connection(
        self, segment: Segment, parsed: MathParse, words_before: str, words_after: str
    ) -> None:
        """``$W_{ji}$ is the weight between $y_i$ and $x_j$`` once its last entry is read: a
        fact about the document's layer (:mod:`symconv.check.connections`)."""
        current = _alone_value(parsed)
        if current is None:
            return
        earlier = [_alone_value(p) for _, p in self.sentence_math]
        found = connection_in(words_before, earlier, current)
        if found is None:
            return
        used = [s for s, _ in self.sentence_math[found.start :]] + [segment]
        pieces = words_before[found.offset :].split(MATH_MARK)  # words around each math
        text = pieces[0]
        for math, words in zip(used, pieces[1:], strict=False):
            text += "$" + math.text + "$" + words
        text += "$" + segment.text + "$"
        facts = ConnectionFacts(found.weight, found.first, found.second)
        self.statement = None
        self._emit(segment, used[0].line, segment.end_line, text, "fact",
                   (found.weight, found.first, found.second), "=", facts, words_before,
                   words_after)  # fmt: skip

    def _statement(
        self,
        segment: Segment,
        parsed: MathParse,
        statement: Chain | Ambiguous,
        words_before: str,
        words_after: str,
        conditions_after: Sequence[tuple[Any, str, Any]] = (),
        *,
        continued: bool = False,
    ) -> None:
        """Claims of one statement; ``continued``: the next row of the block continues it
        (``&= …``), so its last side is not the chain's final value."""
        if (
            isinstance(statement, Chain)
            and statement.relations
            and not segment.display
            and self.asked
        ):
            # "Is $2 + 2 = 5$?": a question asks whether the relation holds, it does not say so
            self._forget_row(segment)
            line = segment.line_of(statement.start)
            end = segment.line_of(max(statement.start, statement.end - 1))
            self._emit(segment, line, end, statement.text, "ambiguous", (), "=",
                       UnreadFacts("a question (it ends in ?), not a claim that it holds"),
                       words_before, words_after)  # fmt: skip
            return
        solving = self.solving.get(self.statement[1]) if self.statement is not None else None
        if isinstance(statement, Chain) and solving is not None:
            self._forget_row(segment)
            line = segment.line_of(statement.start)
            end = segment.line_of(max(statement.start, statement.end - 1))
            self._emit(segment, line, end, statement.text, "ambiguous", (), "=",
                       UnreadFacts(solving), words_before, words_after)  # fmt: skip
            return
        if isinstance(statement, Ambiguous):
            self._forget_row(segment)
            claimed = statement.readings[0].relations or answer_cue(words_before)
            if claimed and not is_condition(words_before):
                line = segment.line_of(statement.start)
                end = segment.line_of(max(statement.start, statement.end - 1))
                self._emit(segment, line, end, statement.text, "ambiguous", (), "=",
                           UnreadFacts(statement.message), words_before, words_after)  # fmt: skip
            return
        chain = statement
        placed: list[_Placed | None] = [
            None if side is None else _Placed(side, segment) for side in chain.sides
        ]
        relations = list(chain.relations)
        continuation = placed[0] is None
        if continuation:
            previous = self.block_last.get(segment.block) if segment.block is not None else None
            if previous is None:
                placed, relations = placed[1:], relations[1:]
            else:
                placed[0] = previous
        sides = [p for p in placed if p is not None]
        if segment.block is not None and sides:
            self.block_last[segment.block] = sides[-1]
        if not relations:
            if sides:
                self._single(segment, parsed, sides[0], words_before, words_after)
            return
        condition = is_condition(words_before)
        premise = is_premise(words_before, words_after)
        assumption = premise or is_assumption(words_before, words_after)
        final = sides[-1].side.expr
        previous_id: int | None = None
        if continuation and segment.block is not None:
            previous_id = self.block_claim.get(segment.block)
        defined: _Placed | None = None
        for k, relation in enumerate(relations):
            lhs, rhs = sides[k], sides[k + 1]
            first = k == 0
            # "We define the cost as (one-half) squared error: J = …": checkable by its name
            cost = self._named_cost(lhs, relation, words_before) if first else None
            if condition:
                # "at $z = 0$", "if $i = j$": holds for this sentence's claims only.
                if is_condition_like(lhs.side.expr) and relation != "≈":
                    self.conditions.append((lhs.side.expr, relation, rhs.side.expr))
                    continue
                condition = False
            if (
                assumption
                and first
                and cost is None
                and (
                    defined_name(lhs.side.expr, relation) is not None
                    or is_condition_like(lhs.side.expr)
                    # "assume: ∂_x f_i = a_{-1} f_{i-1} + …": an ansatz, the unknowns' definition
                    or (premise and relation in ("=", ":=", "≡"))
                )
                # "For L = -t_i log y_i": an assumption that drops a sum is a claim to lint.
                and not self._missing_sum(lhs.side.expr, rhs.side.expr)
                # "With padding 1, $(32 - 3 + 2)/1 + 1 = 31$": numbers only assume nothing;
                # the computation is a claim.
                and not _numbers_only(lhs.side.expr, rhs.side.expr)
            ):
                self._assume(lhs, relation, rhs, final, segment)
                self._assume_condition(lhs, relation, rhs, premise=premise)
                continue
            # f(x_1) = f(x_0) + h f'(x_0) + …: a relation of f to itself, not what f is
            defines = (
                first
                and defined_name(lhs.side.expr, relation) is not None
                and not defines_by_itself(lhs.side.expr, rhs.side.expr)
                # N_1(h) = f'(x_0) + \\frac{h^2}{6} f^{(3)}(x_0) + O(h^4): an expansion of what
                # the text defined, never a definition (no definition leaves an order term open)
                and not (isinstance(rhs.side.expr, sp.Basic) and rhs.side.expr.has(nodes.BigO))
            )
            kind = kind_of(lhs.side.expr, relation, rhs.side.expr, first=first)
            is_final = k == len(relations) - 1 and not continued
            if defines:
                defined = lhs
            if cost is not None:
                kind = "definition"
            elif defines and not is_final:
                # the head of a chain (N_mult = C K_1 K_2 M O_1 O_2 = …) is a claim when the
                # sentence states a fact, or the problem's derivation gives the name a formula
                if fact_in_words(_clause_words(words_before)) is None and not (
                    object_name_key(lhs.side.expr) in self.problem.formula_names
                    and isinstance(rhs.side.expr, sp.Expr)
                    and not rhs.side.expr.is_number
                ):
                    continue
                kind = "definition"
            if defines and is_final and defines_function(lhs.side.expr) and cost is None:
                continue  # f(x) = 3x^2 + 2x: what f is, not a claim about it
            if (
                kind == "definition"
                and cost is None
                and not self._restated(lhs, segment)
                and not self._checkable_definition(lhs, rhs, words_before)
            ):
                # y = Wx + b: recorded in the context (the problem-context layer reads
                # context.definitions for answers given as formulas), not a claim.
                continue
            facts = LinkFacts(
                lhs_text=lhs.side.text,
                rhs_text=rhs.side.text,
                position=k,
                links=len(relations),
                previous=previous_id,
                matrices=tuple(_matrices_between(parsed, lhs, rhs)),
                final=final if is_final else None,
                defines=defined_name(lhs.side.expr, relation) if defines else None,
                restated=bool(defines) and self._restated(lhs, segment),
                conditions=(*self.premises, *self.conditions, *conditions_after),
                fact=cost
                or fact_of_sentence(
                    fact_in_words(_clause_words(words_before) + " " + words_after),
                    words_before + " " + words_after,
                ),
            )
            line, end_line, text = _link_place(lhs, rhs, continuation and first)
            claim = self._emit(segment, line, end_line, text, kind,
                               (lhs.side.expr, rhs.side.expr), relation, facts,
                               words_before, words_after)  # fmt: skip
            previous_id = claim.id
        if segment.block is not None and previous_id is not None:
            self.block_claim[segment.block] = previous_id
        if defined is not None:
            # A definition made by a chain (``P = (K-1)/2 = 1``) is decided by its last link.
            self._define(defined, final, segment, claim=previous_id)
            name = defined_name(defined.side.expr, "=")
            if segment.block is not None and name is not None:
                self.block_defined.setdefault(segment.block, set()).add(name)

    def _named_cost(self, lhs: _Placed, relation: str, words_before: str) -> str | None:
        """The standard cost the sentence says a cost's definition is (``"one-half squared
        error"``, ``"cross-entropy"``): the left side a cost's name (``J``, ``L(θ)``,
        ``\\mathcal{L}``) being defined; None otherwise."""
        name = defined_name(lhs.side.expr, relation)
        if name is None or not is_cost_name(name):
            return None
        named = cost_in_words(words_before)
        if named is None:
            return None
        cost, half = named
        return f"one-half {cost}" if half and cost == "squared error" else cost

    def _declares(self, declared: IndexRange, words_before: str) -> bool:
        """``i ∈ [0, n)`` declares the range of i unless it is a condition (``if 0 ≤ i < n``)
        or i has a value here (``i = 3``, then ``i ∈ [0, n)`` claims that 3 is in it)."""
        if is_condition(words_before):
            return False
        return (
            self.context.definition_of(declared.index, order=self.order + 1, scope=self.scope)
            is None
        )

    def _declare_range(
        self,
        segment: Segment,
        written: Sequence[Chain | Ambiguous],
        declared: IndexRange,
        words_before: str,
        words_after: str,
    ) -> None:
        """A range declaration: a claim (judged against the document's own formulas), which the
        document's later formulas read (:mod:`symconv.check.document_gradients`)."""
        start, end = written[0].start, written[-1].end
        text = segment.text[start:end]
        line = segment.line_of(start)
        end_line = segment.line_of(max(start, end - 1))
        facts = RangeFacts(declared.index, declared.first, declared.last)
        interval = sp.Interval(declared.first, declared.last)
        self._emit(segment, line, end_line, text, "definition", (declared.index, interval), "∈",
                   facts, words_before, words_after)  # fmt: skip

    def _restated(self, lhs: _Placed, segment: Segment) -> bool:
        """A name its own aligned block has defined, given another value: ``y &:= \\max(x_1,
        x_2) \\\\ y &= x_1 [x_1 \\geq x_2] + x_2 [x_2 > x_1]`` claims the two values agree."""
        name = defined_name(lhs.side.expr, "=")
        return segment.block is not None and name in self.block_defined.get(segment.block, ())

    def _defined_before(self, name: sp.Symbol) -> bool:
        """Whether an earlier line defines ``name`` (in this section or the preamble)."""
        found = self.context.definition_of(name, order=self.order + 1, scope=self.scope)
        return found is not None

    def _forget_row(self, segment: Segment) -> None:
        """A row that could not be read leaves its block with no known last value: a following
        ``&= …`` row is not compared with an older row's value."""
        if segment.block is not None:
            self.block_last.pop(segment.block, None)
            self.block_claim.pop(segment.block, None)

    def _missing_sum(self, lhs: Any, rhs: Any) -> bool:
        """``L = -t_i \\log y_i``: a definition with an index free on the right only, which the
        missing-sum lint calls wrong (not a name the document defined before)."""
        if not (isinstance(lhs, sp.Basic) and isinstance(rhs, sp.Basic)):
            return False
        return any(
            self.context.definition_of(index, order=sys.maxsize, scope=self.scope) is None
            for index in unsummed_indices(lhs, rhs)
        )

    def _checkable_definition(self, lhs: _Placed, rhs: _Placed, words_before: str) -> bool:
        """A formula definition is a claim when something can judge it: a fact named in the
        sentence, a function the field names (σ), a name the problem gives a value, or a value
        the problem's derivation names (``Z = [...]``, ``τ = …``)."""
        target = lhs.side.expr
        if (
            isinstance(rhs.side.expr, (sp.MatrixBase, sp.Expr))
            and isinstance(target, sp.Symbol)
            and object_name_key(target) in self.problem.named_names
        ):
            return True
        if fact_in_words(_clause_words(words_before)) is not None:
            return True
        if isinstance(target, AppliedUndef):
            return True  # conventional functions only (others were skipped above)
        if self._missing_sum(target, rhs.side.expr):
            return True
        if self._ansatz_unknown(target):
            return True  # a = -\frac{3}{2h} after "find a, b, c with a f(x_0) + … = f'(x_0) + …"
        name = getattr(target, "name", None)
        return name is not None and self.problem.given_value(name) is not None

    def _ansatz_unknown(self, target: Any) -> bool:
        """Whether ``target`` is a weight of an earlier approximation of the section that
        multiplies its function values (``a`` in ``a f(x_0) + b f(x_1) = f'(x_0) + O(h)``): a
        name outside every function's arguments and derivative, on the side without the
        derivative. Its stated value is then judged against that ansatz
        (:func:`~symconv.check.judges.approximation.judge_ansatz_answer`)."""
        if not isinstance(target, sp.Symbol):
            return False
        for claim in reversed(self.claims):
            if claim.kind != ClaimKind.APPROXIMATION or claim.origin.scope != self.scope:
                continue
            sides = [side for side in claim.sides if isinstance(side, sp.Expr)]
            if len(sides) != 2:
                continue
            holding = [side for side in sides if target in side.free_symbols]
            if len(holding) != 1 or holding[0].has(sp.Derivative):
                continue
            inside = {
                symbol
                for application in holding[0].atoms(AppliedUndef)
                for symbol in application.free_symbols
            } | {entry.base.label for entry in holding[0].atoms(sp.Indexed)}  # D of D_h f(x)
            if target not in inside and holding[0].atoms(AppliedUndef):
                return True
        return False

    def _assume_condition(
        self, lhs: _Placed, relation: str, rhs: _Placed, *, premise: bool
    ) -> None:
        """An inequality after a cue on a condition-like side (``For all $x \\geq 0$ we have
        …``, ``With $z \\le 0$, …``) is a condition of its sentence's claims, as ``if $x > 0$``
        is; after a premise's cue (``Assume $x > 0$. Then …``, ``Let $x < 0$.``) it holds for
        the rest of its paragraph. Points outside it are never witnesses."""
        if relation not in _CONDITION_RELATIONS or not is_condition_like(lhs.side.expr):
            return
        if self.statement is not None and self.statement[0] in self.trailing:
            return  # "$f'(z) = 1$ for $z > 0$": the condition of the claim before it only
        condition = (lhs.side.expr, relation, rhs.side.expr)
        self.conditions.append(condition)
        if premise:
            self.premises.append(condition)

    def _assume(self, lhs: _Placed, relation: str, rhs: _Placed, final: Any, seg: Segment) -> None:
        """A relation after a cue: a definition of a name, or an assumed relation."""
        if relation not in ("=", ":=", "≡"):
            return
        if defined_name(lhs.side.expr, relation) is not None:
            self._define(lhs, final, seg, claim=None, assumed=True)
            return
        self.order += 1
        self.context.assume(
            lhs.side.expr, rhs.side.expr, line=seg.line_of(lhs.side.start), scope=self.scope,
            order=self.sentence_order,
        )  # fmt: skip

    def _define(
        self,
        lhs: _Placed,
        value: Any,
        segment: Segment,
        *,
        claim: int | None,
        assumed: bool = False,
    ) -> None:
        target = lhs.side.expr
        if isinstance(target, AppliedUndef):
            if defines_by_itself(target, value):
                return  # f(x_1) = f(x_0) + h f'(x_0): a relation to judge, not what f is
            arguments = target.args
            value = sp.Lambda(arguments, value)
            symbol: Any = target.func.__name__
        else:
            symbol = target
            if isinstance(value, sp.Basic) and isinstance(target, sp.Basic) and value.has(target):
                return  # w = w - η ∂L/∂w: a relation to judge (an update), not what w is
            if defines_by_itself(target, value):
                return  # f_1 = f_0 + h f'(x_0) + …: a sample of f expanded, not what f_1 is
        self.order += 1
        # An assumption holds for its whole sentence: "…, with $y = \mathrm{softmax}(z)$."
        order = self.sentence_order if assumed else self.order
        self.context.define(
            symbol, value, line=segment.line_of(lhs.side.start), scope=self.scope,
            order=order, assumed=assumed, claim=claim,
        )  # fmt: skip

    # -- single values -------------------------------------------------------------------------
    def _single(
        self, segment: Segment, parsed: MathParse, placed: _Placed, before: str, after: str
    ) -> None:
        side = placed.side
        value = side.expr
        line = segment.line_of(side.start)
        end_line = segment.line_of(max(side.start, side.end - 1))
        clause = _clause_words(before)
        if isinstance(value, nodes.BigO):
            # "… has error $O(h^2)$", also "with error $O(h^4)$": an order claimed, not assumed
            if not order_cue(clause):
                return
            order = OrderFacts(value, self._referred_approximation(line, clause))
            self._emit(segment, line, end_line, side.text, "order", (value,), "=", order,
                       before, after)  # fmt: skip
            return
        if is_condition(before) or is_assumption(before, after):
            return
        if isinstance(value, sp.Symbol) or (
            isinstance(value, sp.Indexed) and not numeric_indices(value)
        ):
            return  # a name mentioned: the subject of what follows
        shape = side.as_shape()
        subjects = self._subjects()
        if shape is not None and is_shape(shape) and premise_cue(" ".join(self.sentence)):
            # "suppose a has shape (16, 3, 128, 128)": a new example's data, which redefines
            # its subject from here on (an earlier a = [4 × 4 matrix] no longer applies)
            for name in subjects:
                self.order += 1
                self.context.define(sp.Symbol(name), sp.Symbol(name), line=line,
                                    scope=self.scope, order=self.order, assumed=True)  # fmt: skip
            return
        if (shape is not None and is_shape(shape)) and (
            shape_cue(clause) or (answer_cue(before) and subjects)
        ):
            stated = ShapeFacts(tuple(shape), tuple(subjects))
            self._emit(segment, line, end_line, side.text, "shape", (sp.Tuple(*shape),),
                       "=", stated, before, after)  # fmt: skip
            return
        fact = fact_in_words(clause + " " + after) or fact_in_words(" ".join(self.sentence))
        fact = fact_of_sentence(fact, "".join(self.sentence) + " " + after)
        if fact is not None and answer_cue(before):
            named = FactFacts(value, fact, tuple(self._sentence_values()))
            self._emit(segment, line, end_line, side.text, "fact", (value,), "=", named,
                       before, after)  # fmt: skip
            return
        if answer_cue(before):
            alone = ValueFacts(value, side.text)
            self._emit(segment, line, end_line, side.text, "answer", (value,), "=", alone,
                       before, after)  # fmt: skip

    def _subjects(self) -> list[str]:
        """The names a shape stated now is about: those written since the sentence's last
        value (``$a$ is $(16, 3)$, $w$ is $(8, 3)$, the stride $(1, 1)$``: the subject of
        ``(8, 3)`` is w alone, and the stride's tuple has none)."""
        names: list[str] = []
        for _, parsed in self.sentence_math:
            for statement in parsed.statements:
                value = None
                if isinstance(statement, Chain) and len(statement.sides) == 1:
                    value = statement.sides[0].expr if statement.sides[0] is not None else None
                if isinstance(value, sp.Symbol):
                    names.append(value.name)
                else:
                    names = []
        return names

    def _sentence_values(self) -> list[tuple[str, Any, tuple[Any, ...] | None]]:
        values = []
        for _, parsed in self.sentence_math:
            for statement in parsed.chains:
                for side in statement.sides:
                    if side is not None:
                        values.append((side.text, side.expr, side.as_shape()))
        return values

    def _referred_approximation(self, line: int, clause: str = "") -> int | None:
        """The approximation an order term refers to: the latest one written just before it
        (:meth:`_latest_approximation`), or — where its sentence writes math before it (*the
        extrapolated value $D = …$ has error $O(h^4)$*) — that math's, and none when that math
        is no approximation (never one of an earlier line). Math in the order's own clause is
        what it speaks of (*the central difference $$…$$ has error $O(h^2)$, while the forward
        difference $\\frac{f(x+h) - f(x)}{h}$ has error $O(h)$*): none when it is not the
        approximation's."""
        found = self._latest_approximation(line)
        if not self.sentence_math or found is None:
            return found
        claim = next(c for c in reversed(self.claims) if c.id == found)
        if MATH_MARK in clause:
            segment = self.sentence_math[-1][0]
            return found if segment.line <= claim.line <= segment.end_line else None
        in_sentence = any(
            segment.line <= claim.line <= segment.end_line for segment, _ in self.sentence_math
        )
        return found if in_sentence else None

    def _latest_approximation(self, line: int) -> int | None:
        for claim in reversed(self.claims):
            if claim.line < line - 2:
                break
            if claim.kind == "approximation":
                return claim.id
        return None

    # -- plain-text answers --------------------------------------------------------------------
    def _text_answers(self, index: int, segment: Segment) -> None:
        for found in text_answers(segment.text, self.table):
            self.statement = (index, -1 - found.start)
            span = (found.start, found.end)
            facts: ClaimFacts
            if found.kind == "shape" and premise_cue("".join(self.sentence) + segment.text):
                continue  # "suppose the input has shape (16, 3, 128, 128)": a premise
            if found.kind == "shape" and found.shape is not None:
                facts = ShapeFacts(tuple(found.shape), tuple(self._subjects()), span)
            else:
                facts = ProseAnswerFacts(tuple(found.values), tuple(found.labels), span)
            self._emit(segment, segment.line, segment.end_line, found.text, found.kind,
                       (found.answer,), "=", facts, "", "")  # fmt: skip

    # -- emitting ------------------------------------------------------------------------------
    def _emit(
        self,
        segment: Segment,
        line: int,
        end_line: int,
        text: str,
        kind: str,
        sides: tuple[Any, ...],
        relation: str,
        facts: ClaimFacts | None,
        words_before: str,
        words_after: str,
    ) -> Claim:
        self.order += 1
        origin = Origin(
            id=self.order,
            scope=self.scope,
            heading=self.heading,
            cell=segment.cell,
            words_before=words_before,
            words_after=words_after,
            table=self.table,
        )
        claim = Claim(
            line, end_line, text.strip(), ClaimKind(kind), None, sides, relation, facts, origin
        )
        self.claims.append(claim)
        self.context.add_claim(claim)
        if self.statement is not None:
            self.statement_claims.setdefault(self.statement, []).append(claim)
        return claim


# ----------------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------------


_CONDITION_AFTER = lazy_compile(
    r"(?:\b(?:for|if|when|whenever|provided|unless|iff)\b|若|如果|当|对于)\s*(?:all\s+|every\s+)?$",
    re.IGNORECASE,
)
#: Letters read as sizes in a sentence about a shape or cost fact.
_SIZE_LETTERS = frozenset(["K", "D", "S", "P", "N", "L", "C", "M", "H", "W", "R"])
_QUANTITY_WORD = lazy_compile(
    r"\b(?:dilation|stride|padding|kernel(?:\s+size)?|filter(?:\s+size)?|size|width|height"
    r"|length|depth|channels?|layers?|batch(?:\s+size)?|number|rate|step)\s*$"
    r"|(?:膨胀率|步长|填充|卷积核大小|大小|层数|通道数)\s*$",
    re.IGNORECASE,
)
_LIST_ITEM = lazy_compile(r"\s*(?:[-*+]\s|\d+[.)]\s|\(\w{1,3}\)\s|\*\*)")
_ELSE = lazy_compile(r"\b(?:else|otherwise)\b|否则", re.IGNORECASE)


def _alone_value(parsed: MathParse) -> Any:
    """The value of a piece of math that is one expression alone (``$y_{i,j}$``), else None."""
    if len(parsed.statements) != 1:
        return None
    statement = parsed.statements[0]
    if not isinstance(statement, Chain) or statement.relations or len(statement.sides) != 1:
        return None
    side = statement.sides[0]
    return None if side is None else side.expr


def _function_read_as_entry(parsed: MathParse, table: SymbolTable) -> bool:
    """``f_a(x_j)`` read as the product ``f[a] x[j]`` before the document showed that ``f_a`` is
    a function (``{f_a}'(x)`` further down): the segment is read again with what it showed.

    >>> from symconv.check.parser import parse_math
    >>> parsed = parse_math("y_j = f_a(x_j)")
    >>> _function_read_as_entry(parsed, SymbolTable.declare(functions="f_a"))
    True
    >>> _function_read_as_entry(parsed, SymbolTable())
    False
    """
    if not table.functions:
        return False
    for chain in parsed.chains:
        for side in chain.sides:
            expr = side.expr if side is not None else None
            if not isinstance(expr, sp.Basic):
                continue
            for entry in expr.atoms(sp.Indexed):
                inside = ",".join(str(index) for index in entry.indices)
                if name_key(f"{entry.base.label}_{{{inside}}}") in table.functions:
                    return True
    return False


def _defined_scalars(parsed: MathParse) -> set[str]:
    """Names a segment defines as quantities: ``L = 3``, ``n = 4``."""
    names = set()
    for chain in parsed.chains:
        first = chain.sides[0]
        if (
            first is not None
            and isinstance(first.expr, sp.Symbol)
            and chain.relations[:1] == ("=",)
        ):
            second = chain.sides[1]
            if second is not None and getattr(second.expr, "is_number", False):
                names.add(first.expr.name)
    return names


def _parse(text: str, table: SymbolTable, seconds: float | None = None) -> MathParse:
    from symconv.check.parser import parse_math

    return parse_math(text, symbols=table, seconds=seconds)


#: A function defined by its value at a bare argument, as a chain's first side: ``N_1(h) =
#: \frac{f(x_0+h)-f(x_0-h)}{2h}``, ``D(h) := …``, ``T(\Delta t) = …`` (Richardson's table, a
#: step function): the name applied to one or more bare names, then a defining relation.
_FUNCTION_DEFINITION = lazy_compile(
    r"(?:^|\\\\|[,;&]|\\q?quad)\s*(?P<name>\\?[A-Za-z]+(?:_\{?[A-Za-z0-9]+\}?)?)\s*"
    r"\(\s*(?P<args>\\?[A-Za-z]+(?:\s*[A-Za-z])?(?:\s*,\s*\\?[A-Za-z]+(?:\s*[A-Za-z])?)*)\s*\)"
    r"\s*(?::=|=|\\coloneqq|\\equiv|\\triangleq"
    r"|\\(?:overset|stackrel)\s*\{(?:[^{}]|\{[^{}]*\})*\}\s*\{\s*=\s*\})"  # \overset{def}{=}
    r"(?P<rest>[^&]*?)(?=\\\\|$)"
)


def defined_functions(text: str) -> set[str]:
    """The names a math segment defines as functions of their argument: ``N(h) = …`` whose
    right side holds every argument (``D(h) = \\frac{f(x+h) - f(x-h)}{2h}``); a right side
    without it (``P(A) = 0.5``) or an argument that is no bare name (``a(b + c) = ab + ac``)
    defines nothing: the name stays open to both readings.

    >>> sorted(defined_functions("N_1(h) = \\frac{f(x_0+h)-f(x_0-h)}{2h}"))
    ['N_1']
    >>> defined_functions("P(A) = 0.5"), defined_functions("a(b + c) = ab + ac")
    (set(), set())
    """
    names: set[str] = set()
    for match in _FUNCTION_DEFINITION.finditer(text):
        args = [a.strip() for a in match.group("args").split(",")]
        rest = match.group("rest")
        if all(
            re.search(rf"(?<![A-Za-z\\]){re.escape(a)}(?![A-Za-z])", rest) for a in args
        ) and match.group("name") not in ("d", "\\partial"):
            names.add(match.group("name"))
    return names


def _learned(result: MathParse) -> SymbolTable:
    return SymbolTable.declare(
        functions=result.functions - {"O"}, tensors=result.tensors, operators=result.operators
    )


def _numbers_only(*sides: Any) -> bool:
    """True if every side is a number or a computation of numbers (no name in it)."""
    return all(isinstance(side, sp.Expr) and side.is_number for side in sides)


def _heading_level(text: str) -> int | None:
    match = _HEADING_MD.match(text)
    if match is not None:
        return len(match.group(1))
    match = _HEADING_TEX.search(text)
    if match is not None:
        return 2 + text[: match.end()].count("sub")
    return None


def _scope_level(segments: Sequence[Segment]) -> int:
    """The heading level that separates sections: the highest level used more than once."""
    levels: dict[int, int] = {}
    for segment in segments:
        if segment.kind == "text":
            level = _heading_level(segment.text)
            if level is not None:
                levels[level] = levels.get(level, 0) + 1
    repeated = [level for level, count in levels.items() if count > 1]
    if repeated:
        return min(repeated)
    return min(levels) if levels else 0


#: What leads a conclusion drawn from the statement before it: ``\implies``, ``\Rightarrow``,
#: ``\iff``, ``\therefore``.
_CONCLUDES = lazy_compile(r"\\(?:implies|iff|therefore|Rightarrow|Longrightarrow|Leftrightarrow)")


def _solving(
    statements: Sequence[Any], defined_before: Callable[[sp.Symbol], bool]
) -> dict[int, str]:
    """The statements of a formula that solve an equation for a name: ``E(p) = 28 \\implies 2p
    = 4 \\implies p = 2`` — every statement mentioning p up to the one that gives its value
    after an implication. Their p is the unknown of this formula, whatever an earlier line
    (another part's p) set it to: the equations are neither checked at that value nor is the
    value checked against it (both were, a wrong and a right on a line solved wrong). A name
    no earlier line defines is the formula's own already: its equations and value are read as
    they always are (the value, an answer, is compared with the problem's)."""
    found: dict[int, str] = {}
    for position, statement in enumerate(statements):
        if not isinstance(statement, Chain) or len(statement.sides) != 2:
            continue
        if not statement.lead or not _CONCLUDES.search(statement.lead):
            continue
        left, right_side = statement.sides
        if left is None or right_side is None or not isinstance(left.expr, sp.Symbol):
            continue
        if not (isinstance(right_side.expr, sp.Basic) and right_side.expr.is_number):
            continue
        name = left.expr
        if not defined_before(name):
            continue
        before = [
            k
            for k in range(position)
            if isinstance(statements[k], Chain)
            and any(
                s is not None and isinstance(s.expr, sp.Basic) and name in s.expr.free_symbols
                for s in statements[k].sides
            )
        ]
        if not before:
            continue
        reason = (
            f"an equation this line solves for {name} ({name} = {right_side.text.strip()} "
            f"after it): {name} is its unknown here, and the solving is not checked"
        )
        for k in (*before, position):
            found.setdefault(k, reason)
    return found


def _lead_text(lead: str) -> str:
    text = re.sub(r"\\text\w*\s*\{([^}]*)\}", r"\1", lead)
    text = re.sub(r"\\(?:quad|qquad|Rightarrow|implies|;|,)", " ", text)
    return text.strip()


def _clause_words(words: str) -> str:
    parts = re.split("[,:;\uff0c\uff1a\uff1b]", words)  # also the full-width , : ;
    return parts[-1] if parts else words


def _link_place(lhs: _Placed, rhs: _Placed, continuation: bool) -> tuple[int, int, str]:
    segment = rhs.segment
    end_line = segment.line_of(max(rhs.side.start, rhs.side.end - 1))
    if continuation or lhs.segment is not segment:
        row = segment.text[: rhs.side.end].lstrip("& \t")
        text = f"{lhs.side.text} {row}" if row.startswith(("=", "\\approx", "≈")) else row
        return segment.line, end_line, _without_alignment(text)
    start = segment.line_of(lhs.side.start)
    return start, end_line, _without_alignment(segment.text[lhs.side.start : rhs.side.end])


def _without_alignment(text: str) -> str:
    """``a &= b`` → ``a = b`` (alignment marks before relations; matrix ``&`` stay)."""
    return re.sub(r"&\s*(?=[=<>≈≤≥]|\\approx|\\le|\\ge|\\ne)", "", text).lstrip("& ")


def _matrices_between(
    parsed: MathParse, lhs: _Placed, rhs: _Placed
) -> list[tuple[Any, tuple[int, ...]]]:
    segment = rhs.segment
    start = lhs.side.start if lhs.segment is segment else 0
    found = []
    for literal in parsed.matrices:
        if start <= literal.start and literal.end <= rhs.side.end:
            rows = tuple(segment.line_of(a) for a, _ in literal.row_spans)
            found.append((literal.value, rows))
    return found
