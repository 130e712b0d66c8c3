"""The second reading of a finite-difference text: the stencil under discussion, and what the
text says about it in words and in matrices.

The first reading judges statements one by one; a text about stencils also says things that
need the stencil it is talking about, which only the order of the document gives:

* **Counts in words** — *a centred difference of the first derivative to $O(h^n)$ needs a
  stencil of size $2n+1$*; *this requires a stencil of size 7*; *the second derivative with the
  same accuracy needs a stencil greater than the one we use by 1* — read by
  :mod:`symconv.check.stencil_words`, decided by :mod:`symconv.check.judges.stencil_sizes`.
  What a sentence leaves unsaid comes from the stencil in force: its kind from the section
  (a heading such as *Forward differences*, a sentence, a displayed stencil's offsets), its
  derivative and accuracy only when the sentence points back (*this*, *these derivatives*,
  *the same accuracy*). A count is never judged on a guess: a sentence that leaves the kind,
  the derivative or (for an absolute count) the accuracy open is *unverified*, and questions,
  intents and premises (*we want*, *consider*, *assume*) are not claims.
* **The matrix of the stencil** — ``M = [o_jᵏ]`` after the stencil is written: the Taylor
  conditions of its offsets (:func:`~symconv.check.judges.moment_matrices.moment_layout`).
* **Its inverse** written after words that say so (*inverting this matrix gives*, *resulting
  in* after *invert*): compared with the exact inverse of the matrix in force.

The stencil in force is set by a display that writes one — a derivative equated to a weighted
sum of samples ``f_{i+m}`` (or ``f(x + m h)``), or an ansatz with unknown weights — (its offsets
give the kind: symmetric is centred, all ``≥ 0`` forward, all ``≤ 0`` backward), by a sentence
that names a kind, a derivative or an accuracy, and is cleared by a heading.

The judgements found take the place of what the first reading could not decide on the same
statements (the *unverified* order terms of a sentence read here, an *unverified* named matrix).

    >>> from symconv.check.runner import check_text
    >>> doc = ("## Central differences\\n\\nA centred difference for the first derivative "
    ...        "accurate to $O(h^n)$ needs a stencil of $2n+1$ points.\\n")
    >>> [(j.claim.line, j.verdict, j.witness) for j in check_text(doc).judgements]
    [(3, 'wrong', 'n = 2: 3 points (2 of them with a nonzero weight), not 5')]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symconv.check import nodes
from symconv.check.judges.moment_matrices import (
    is_numeric_square,
    judge_column_recipe,
    judge_inverse,
    moment_layout,
)
from symconv.check.judges.stencil_sizes import StencilCount, judge_stencil_count, reason_unjudged
from symconv.check.judges.verdicts import right, unverified
from symconv.check.lines import heading_level
from symconv.check.model import Claim, ClaimKind, FactFacts, Judgement, LinkFacts, Origin
from symconv.check.parsed import MathParse
from symconv.check.stencil_words import (
    CURRENT,
    ColumnRecipe,
    Piece,
    StencilWords,
    accuracy_of,
    factor_in,
    other_method,
    read_column_recipe,
    read_stencil_words,
    scheme_in,
)
from symconv.core.patterns import lazy_compile
from symconv.core.safe import as_sympy
from symconv.stencils.points import ONE_SIDED

__all__ = ["StencilInForce", "judge_document_stencils"]

Run = Callable[[Callable[[], Judgement], Claim], Judgement]

#: How many lines back a sentence may point (*this requires …*) to the stencil in force.
RECENT_LINES = 12
#: LaTeX environments whose lines are code, not prose.
_VERBATIM = lazy_compile(r"\\begin\{(python|lstlisting|verbatim|Verbatim|minted|pycode|code)\}")
#: A line of LaTeX structure (no prose): ``\begin{center}``, ``\end{minipage}``, ``\vspace``.
_TEX_STRUCTURE = lazy_compile(
    r"^\s*\\(?:begin|end|vspace|hspace|maketitle|tableofcontents|label|"
    r"newpage|clearpage|centering|linebreak|item\b(?!\s*\w))"
)
#: Words that say the next matrix is an inverse.
_INVERSE_CUE = lazy_compile(r"\binver(?:t|ts|se|ses|ting|ted|sion)\b|\^\{?-1\}?|⁻¹", re.IGNORECASE)
#: A sentence ends at . ! ? before a space and a capital (or math, or the end of the piece).
_SENTENCE_END = lazy_compile(r"[.!?](?=\s+[A-Z\\$(]|\s*$)")
#: Words that go on from a display: a lower-case word or a punctuation mark first.
_GOES_ON = lazy_compile(r"^\s*(?:[,;:)]|[a-z])")
_ABBREVIATIONS = lazy_compile(
    r"(?:\b(?:e\.g|i\.e|cf|etc|vs|fig|eq|eqs|resp|approx)|\b[a-z])\.$", re.IGNORECASE
)


@dataclass(frozen=True)
class StencilInForce:
    """The stencil a passage is about: its kind, derivatives, accuracy, grid points and
    offsets (each None or empty when not known), where it was last set, in which section."""

    scheme: str | None = None
    derivatives: tuple[Any, ...] = ()
    accuracy: Any = None
    points: Any = None
    offsets: tuple[int, ...] | None = None
    line: int = 0
    section: int = 0
    #: The line that fixed ``points`` (a display, or a count confirmed in words).
    points_line: int | None = None


# ----------------------------------------------------------------------------------------------
# The document as events: headings, sentences, displays
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Heading:
    line: int
    text: str


@dataclass(frozen=True)
class _Sentence:
    pieces: tuple[Piece, ...]
    segments: tuple[int, ...]
    line: int
    end_line: int
    #: It goes on from the display before it (", a three-point stencil."): it points back.
    continues: bool = False

    @property
    def text(self) -> str:
        return "".join(f"${p.text}$" if p.math else p.text for p in self.pieces).strip()


@dataclass(frozen=True)
class _Display:
    index: int


_Event = _Heading | _Sentence | _Display


def _value(parsed: Any) -> Any:
    """The meaning of an inline math segment: its one expression, or None (``p = 2``)."""
    if not isinstance(parsed, MathParse) or len(parsed.chains) != 1:
        return None
    chain = parsed.chains[0]
    if chain.relations or len(chain.sides) != 1 or chain.sides[0] is None:
        return None
    return chain.sides[0].expr


def _split(paragraph: Sequence[tuple[Piece, int | None]]) -> list[_Sentence]:
    sentences: list[_Sentence] = []
    pieces: list[Piece] = []
    indices: list[int] = []

    def close() -> None:
        if any(not p.math and p.text.strip() for p in pieces) or indices:
            lines = [p.line for p in pieces]
            sentences.append(_Sentence(tuple(pieces), tuple(indices), min(lines), max(lines)))
        pieces.clear()
        indices.clear()

    for piece, index in paragraph:
        if piece.math:
            pieces.append(piece)
            if index is not None:
                indices.append(index)
            continue
        text, start = piece.text, 0
        for end in _SENTENCE_END.finditer(text):
            if _ABBREVIATIONS.search(text[: end.end()]):
                continue
            pieces.append(replace(piece, text=text[start : end.end()]))
            close()
            start = end.end()
        if text[start:].strip():
            pieces.append(replace(piece, text=text[start:]))
    close()
    return sentences


def _events(segments: Sequence[Any], parses: Any) -> list[_Event]:
    events: list[_Event] = []
    paragraph: list[tuple[Piece, int | None]] = []
    last_line, verbatim, cell = 0, None, None

    def flush() -> None:
        sentences = _split(paragraph)
        first = paragraph[0][0] if paragraph else None
        after_display = bool(events) and isinstance(events[-1], _Display)
        if sentences and first is not None and after_display and _GOES_ON.match(first.text):
            sentences[0] = replace(sentences[0], continues=True)
        events.extend(sentences)
        paragraph.clear()

    for index, segment in enumerate(segments):
        if segment.cell != cell:
            flush()
            cell, last_line = segment.cell, 0
        if segment.kind == "code":
            flush()
            continue
        if segment.kind == "text":
            text = segment.text
            if verbatim is not None:
                if f"\\end{{{verbatim}}}" in text:
                    verbatim = None
                continue
            begin = _VERBATIM.search(text)
            if begin is not None:
                flush()
                verbatim = begin.group(1)
                continue
            if heading_level(text) is not None:
                flush()
                events.append(_Heading(segment.line, text))
            elif _TEX_STRUCTURE.match(text):
                flush()
            else:
                if segment.line > last_line + 1:
                    flush()
                paragraph.append((Piece(text, line=segment.line), None))
            last_line = segment.end_line
            continue
        if segment.display or segment.end_line != segment.line:
            flush()
            events.append(_Display(index))
        else:
            if segment.line > last_line + 1:
                flush()
            value = _value(parses.get(index))
            paragraph.append((Piece(segment.text, value, True, segment.line), index))
        last_line = segment.end_line
    flush()
    return events


# ----------------------------------------------------------------------------------------------
# A stencil written in a display
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Written:
    offsets: tuple[int, ...]
    derivative: int | None
    accuracy: Any


def _integer_offsets(differences: Sequence[Any]) -> list[int] | None:
    """Offsets in units of one step from ``arg − base`` of each sample (``2Δt``, ``−d·x``);
    None if they are not whole multiples of one step (``h/2``: a staggered grid)."""
    units: set[Any] = set()
    offsets: list[int] = []
    for difference in differences:
        if difference == 0:
            offsets.append(0)
            continue
        coefficient, unit = as_sympy(difference).as_coeff_Mul()
        if not coefficient.is_Integer or (unit.is_number and unit != 1):
            return None
        units.add(unit)
        offsets.append(int(coefficient))
    return offsets if len(units) <= 1 else None


def _sample_offsets(expr: Any) -> tuple[set[int], Callable[[], bool]] | None:
    """The offsets of the samples ``f_{i+m}`` (or ``f(x + m h)``) in ``expr`` — the most
    sampled function's, along its one varying argument — and whether the weights are unknowns
    (asked only when needed)."""
    groups: dict[Any, list[tuple[Any, ...]]] = {}
    for entry in expr.atoms(sp.Indexed):
        if any(index.free_symbols for index in entry.indices):
            groups.setdefault(entry.base.label, []).append(tuple(entry.indices))
    for application in expr.atoms(AppliedUndef):
        groups.setdefault(application.func, []).append(tuple(application.args))
    if not groups:
        return None
    name, samples = max(groups.items(), key=lambda item: len(item[1]))
    if len(samples) < 2 or len({len(s) for s in samples}) != 1:
        return None
    varying = [k for k in range(len(samples[0])) if len({s[k] for s in samples}) > 1]
    if len(varying) != 1:
        return None
    arguments = [s[varying[0]] for s in samples]
    shared = set.intersection(*(set(a.free_symbols) for a in arguments))
    bases = [s for s in shared if all((a - s).free_symbols != a.free_symbols for a in arguments)]
    offsets = None
    for base in sorted(bases, key=str):
        offsets = _integer_offsets([sp.expand(a - base) for a in arguments])
        if offsets is not None:
            break
    if offsets is None:
        return None
    return set(offsets), lambda: _unknown_weights(expr, groups[name], name)


def _unknown_weights(expr: Any, samples: Sequence[tuple[Any, ...]], name: Any) -> bool:
    """True if a sample's weight is an unknown (``a_1``, ``a_{-2}``), not a number over steps."""
    expanded = sp.expand(expr)
    for arguments in samples:
        sample = name(*arguments) if callable(name) else sp.IndexedBase(name)[arguments]
        weight = expanded.coeff(sample)
        if any(not any(i.free_symbols for i in e.indices) for e in weight.atoms(sp.Indexed)):
            return True
        if any(not _is_step(symbol) for symbol in weight.free_symbols):
            return True
    return False


def _is_step(symbol: sp.Symbol) -> bool:
    return bool(re.fullmatch(r"(?:\\Delta\s*\w|h|d\w?|\\delta\s*\w|k|dx|dt|dy|dz)", symbol.name))


def _derivative_order(expr: Any) -> int | None:
    """The order of a derivative side: ``∂_x² f_i``, ``f''(x_i)`` (a derivative at a point),
    ``f''_i`` (primes on a sample's name)."""
    if isinstance(expr, sp.Subs):
        expr = expr.expr
    if isinstance(expr, sp.Derivative):
        return sum(int(count) for _, count in expr.variable_count)
    if isinstance(expr, sp.Indexed):
        primes = re.fullmatch(r".+?('+)", str(expr.base.label))
        return len(primes.group(1)) if primes else None
    return None


def _without_orders(expr: Any) -> Any:
    if not isinstance(expr, sp.Expr):
        return expr
    return expr.xreplace({term: sp.Integer(0) for term in expr.atoms(nodes.BigO)})


def written_stencil(parsed: Any) -> _Written | None:
    """The stencil a display writes (module docstring), or None."""
    if not isinstance(parsed, MathParse):
        return None
    for chain in reversed(parsed.chains):
        sides = [s.expr for s in chain.sides if s is not None and isinstance(s.expr, sp.Expr)]
        if not any(side.has(sp.Indexed, AppliedUndef) for side in sides):
            continue
        derivative, accuracy = None, None
        samples = []
        for side in sides:
            for term in side.atoms(nodes.BigO):
                accuracy = accuracy_of(term)
            core = _without_orders(side)
            order = _derivative_order(core)
            if order is not None:
                derivative = order
            elif not core.has(sp.Derivative):  # (a side with derivatives is a Taylor series)
                found = _sample_offsets(core)
                if found is not None:
                    samples.append(found)
        offsets = set().union(*(found[0] for found in samples))
        if len(offsets) < 2:
            continue
        if derivative is not None or any(found[1]() for found in samples):
            return _Written(tuple(sorted(offsets)), derivative, accuracy)
    return None


def _scheme_of(offsets: Sequence[int]) -> str | None:
    if set(offsets) | {0} == {-o for o in offsets} | {0} and max(offsets) > 0:
        return "central"
    if min(offsets) >= 0:
        return "forward"
    if max(offsets) <= 0:
        return "backward"
    return None


def _grid_points(offsets: Sequence[int], scheme: str | None) -> int:
    if scheme == "central":
        return 2 * max(offsets) + 1
    return max(offsets) - min(offsets) + 1


def _scheme_now(said: str | None, before: str | None) -> str | None:
    """The kind after a sentence: what it says, else the kind in force (*one-sided* after
    *forward* keeps *forward*)."""
    if said is None or (said == "one-sided" and before in ("forward", "backward")):
        return before
    return said


def _family(scheme: str | None) -> str | None:
    return "one-sided" if scheme in ONE_SIDED else scheme


# ----------------------------------------------------------------------------------------------
# The walk
# ----------------------------------------------------------------------------------------------
class _Walk:
    def __init__(
        self, segments: Sequence[Any], reading: Any, judgements: Sequence[Judgement], run: Run
    ) -> None:
        self.segments = segments
        self.reading = reading
        self.run = run
        self.verdicts = {j.claim.origin.id: j.verdict for j in judgements if j.claim.origin.id >= 0}
        self.state = StencilInForce()
        self.section = 0
        self.matrix: tuple[str, Any, int] | None = None  # the named matrix in force
        self.words: list[str] = []  # the words since the last display
        #: Why the section's counts are not those of plain 1-D stencils (a 2-D section, …).
        self.section_other: str | None = None
        self.found: list[Judgement] = []
        self.replaced: set[int] = set()

    def walk(self, events: Sequence[_Event]) -> None:
        for position, event in enumerate(events):
            if isinstance(event, _Heading):
                self.section += 1
                self.state = StencilInForce(
                    scheme_in(event.text)[0], line=event.line, section=self.section
                )
                self.matrix = None
                self.words = []
                self.section_other = other_method(event.text)
            elif isinstance(event, _Sentence):
                self.words.append(event.text)
                words = read_stencil_words(event.pieces)
                if words is not None:
                    self.sentence(event, words)
                recipe = read_column_recipe(event.pieces)
                if recipe is not None:
                    following = events[position + 1] if position + 1 < len(events) else None
                    after = following if isinstance(following, _Sentence) else None
                    self.recipe(event, recipe, words, after)
            else:
                self.display(event.index)
                self.words = []

    # -- sentences -----------------------------------------------------------------------------
    def _recent(self, line: int) -> StencilInForce | None:
        state = self.state
        if state.section != self.section or line - state.line > RECENT_LINES:
            return None
        return state

    def sentence(self, sentence: _Sentence, words: StencilWords) -> None:
        state = self.state if self.state.section == self.section else StencilInForce()
        recent = self._recent(sentence.line)
        scheme = _scheme_now(words.scheme, state.scheme)
        refers_back = words.refers_back or sentence.continues
        derivatives = words.derivatives
        if not derivatives and refers_back and recent is not None:
            derivatives = recent.derivatives
        accuracy = words.accuracy
        if accuracy is None and (words.same_accuracy or refers_back) and recent is not None:
            accuracy = recent.accuracy
        self.section_other = self.section_other or words.other
        named = words.mentions_stencil or words.scheme or words.derivatives or words.accuracy
        verdict = None
        if words.states_size and (named or (refers_back and recent is not None)):
            verdict = self._judge_count(sentence, words, scheme, derivatives, accuracy, state)
        # the stencil in force after the sentence
        if words.scheme is not None and _family(words.scheme) != _family(state.scheme):
            state = StencilInForce(section=self.section)
        points, points_line = state.points, state.points_line
        if verdict == "right" and words.points is not None and len(derivatives) == 1:
            points, points_line = words.points, sentence.line
        self.state = StencilInForce(
            scheme=scheme,
            derivatives=derivatives or state.derivatives,
            accuracy=accuracy if accuracy is not None else state.accuracy,
            points=points,
            offsets=state.offsets,
            line=sentence.end_line,
            section=self.section,
            points_line=points_line,
        )
        self._replace_orders(sentence)

    def _judge_count(
        self,
        sentence: _Sentence,
        words: StencilWords,
        scheme: str | None,
        derivatives: tuple[Any, ...],
        accuracy: Any,
        state: StencilInForce,
    ) -> str | None:
        if words.mood in ("question", "intent", "premise", "reported"):
            return None
        claim = Claim(
            sentence.line,
            sentence.end_line,
            sentence.text,
            ClaimKind.FACT,
            facts=FactFacts(words.points, "stencil size"),
            origin=Origin(scope=self.section),
        )
        relative = words.points is None
        reason = reason_unjudged(scheme, derivatives, accuracy, relative=relative)
        if words.mood != "claim":
            reason = {
                "bound": "a bound on the number of points (at least, at most), not a count",
                "negated": "a count that the sentence denies or qualifies",
                "possible": "a count that is possible (can be done with), not one that is needed",
            }[words.mood]
        elif words.conflict is not None:
            reason = f"the sentence names {words.conflict}"
        elif self.section_other is not None:
            reason = self.section_other
        elif len(words.derivatives) > 1 and words.points is not None:
            reason = (
                "a count stated beside several derivatives: which stencil it counts is not said"
            )
        if reason is not None or scheme is None:
            judgement = unverified(claim, reason or "no kind of difference")
        else:
            count = StencilCount(
                scheme=scheme,
                derivatives=derivatives,
                accuracy=accuracy,
                points=words.points,
                more=words.more,
                reference=words.reference,
                current=state.points if words.reference == CURRENT else None,
                current_line=state.points_line if words.reference == CURRENT else None,
            )
            judgement = self.run(lambda: judge_stencil_count(claim, count), claim)
        self.found.append(judgement)
        return judgement.verdict

    def _replace_orders(self, sentence: _Sentence) -> None:
        """The order terms of a sentence read here are its stencil's accuracy, not claims."""
        for index in sentence.segments:
            for (segment, _), claims in self.reading.statement_claims.items():
                if segment != index:
                    continue
                for claim in claims:
                    undecided = self.verdicts.get(claim.id) == "unverified"
                    if claim.kind == ClaimKind.ORDER and undecided:
                        self.replaced.add(claim.id)

    def recipe(
        self,
        sentence: _Sentence,
        recipe: ColumnRecipe,
        words: StencilWords | None,
        after: _Sentence | None,
    ) -> None:
        """The weights read off an inverse (*the (p+1)-th column of M⁻¹ times the samples*),
        with the factor the sentence, or the one after it, writes."""
        if self.matrix is None or self.matrix[0] != recipe.inverted:
            return
        name, matrix, line = self.matrix
        orders = words.derivatives if words is not None else ()
        if not orders and self.state.section == self.section:
            orders = self.state.derivatives
        end_line = sentence.end_line
        if recipe.factor is None and after is not None:
            factor = factor_in(after.pieces)
            if factor is not None:
                recipe = replace(recipe, factor=factor)
                end_line = after.end_line
        claim = Claim(
            sentence.line,
            end_line,
            sentence.text,
            ClaimKind.FACT,
            facts=FactFacts(None, "stencil weights"),
            origin=Origin(scope=self.section),
        )
        if len(orders) != 1:
            self.found.append(unverified(claim, "the sentence does not say which derivative"))
            return
        order = orders[0]
        judgement = self.run(
            lambda: judge_column_recipe(claim, recipe, order, matrix, name, line), claim
        )
        self.found.append(judgement)

    # -- displays ------------------------------------------------------------------------------
    def display(self, index: int) -> None:
        parsed = self.reading.parses.get(index)
        segment = self.segments[index]
        written = written_stencil(parsed)
        if written is not None:
            self._written(written, segment.line)
        self._named_matrices(index)
        if isinstance(parsed, MathParse):
            self._unnamed_matrix(index, parsed, segment)

    def _written(self, written: _Written, line: int) -> None:
        state = self.state if self.state.section == self.section else StencilInForce()
        scheme = _scheme_of(written.offsets)
        if _family(scheme) != _family(state.scheme) and state.scheme is not None:
            state = StencilInForce(section=self.section)
        same = state.offsets == written.offsets
        derivatives = (sp.Integer(written.derivative),) if written.derivative else state.derivatives
        self.state = StencilInForce(
            scheme=scheme or state.scheme,
            derivatives=derivatives,
            accuracy=written.accuracy if written.accuracy is not None else state.accuracy,
            points=_grid_points(written.offsets, scheme),
            offsets=written.offsets,
            line=state.line if same else line,
            section=self.section,
            points_line=state.points_line if same else line,
        )

    def _named_matrices(self, index: int) -> None:
        for (segment, _), claims in sorted(self.reading.statement_claims.items()):
            if segment != index:
                continue
            for claim in claims:
                facts = claim.facts
                if not isinstance(facts, LinkFacts) or facts.defines is None:
                    continue
                if len(claim.sides) != 2 or not is_numeric_square(claim.sides[1]):
                    continue
                self.matrix = (facts.defines, claim.sides[1], claim.line)
                if self.verdicts.get(claim.id) != "unverified":
                    continue
                judgement = self._moment_matrix(claim)
                if judgement is not None:
                    self.found.append(judgement)
                    self.replaced.add(claim.id)

    def _moment_matrix(self, claim: Claim) -> Judgement | None:
        state = self.state
        if state.section != self.section or state.offsets is None:
            return None
        layout = moment_layout(claim.sides[1], state.offsets)
        if layout is None:
            return None
        return right(
            claim,
            f"the matrix of the Taylor conditions of the stencil on line {state.line}: {layout}",
        )

    def _unnamed_matrix(self, index: int, parsed: MathParse, segment: Any) -> None:
        if self.matrix is None or len(parsed.chains) != 1:
            return
        chain = parsed.chains[0]
        if chain.relations or len(chain.sides) != 1 or chain.sides[0] is None:
            return
        written = chain.sides[0].expr
        if not is_numeric_square(written) or not _INVERSE_CUE.search(" ".join(self.words)):
            return
        name, matrix, line = self.matrix
        if sp.Matrix(written) == sp.Matrix(matrix):
            return
        first = [
            c.id
            for (i, _), found in self.reading.statement_claims.items()
            if i == index
            for c in found
        ]
        if any(self.verdicts.get(identifier) != "unverified" for identifier in first):
            return  # the first reading decided it
        self.replaced.update(first)
        claim = Claim(
            segment.line,
            segment.end_line,
            segment.text,
            ClaimKind.MATRIX,
            origin=Origin(scope=self.section),
        )
        judgement = self.run(lambda: judge_inverse(claim, written, matrix, name, line), claim)
        self.found.append(judgement)


def judge_document_stencils(
    segments: Sequence[Any], reading: Any, judgements: Sequence[Judgement], run: Run
) -> list[Judgement]:
    """``judgements`` with the judgements of the stencil passages added (module docstring), the
    first reading's undecided judgements of the same statements replaced."""
    walk = _Walk(segments, reading, judgements, run)
    walk.walk(_events(segments, reading.parses))
    if not walk.found and not walk.replaced:
        return list(judgements)
    kept = [
        j
        for j in judgements
        if not (j.verdict == "unverified" and j.claim.origin.id in walk.replaced)
    ]
    return kept + walk.found
