"""Sizes a document states about its own network, read as claims beside the others.

A solution about layer sizes rarely writes them as equations: it fills a table, lists labelled
values, ticks a quiz option, configures a layer in code. The readers of this concept each turn
one way of writing into :class:`~symconv.check.networks.SizeStatement` s — a value and the
:class:`~symconv.check.networks.Network` it is about:

* :mod:`symconv.check.size_tables` — layer tables and tables of their sizes;
* :mod:`symconv.check.size_code` — Keras and PyTorch layer calls in code blocks and spans;
* :mod:`symconv.check.size_prose` — a question's or an example's data in words
  (:mod:`~symconv.check.size_premises`) and what is said of it: labelled values, ticked options,
  a formula's bindings, a named tensor's shape, a list of layers, a data set's images;
* :mod:`symconv.check.size_formulas` — size formulas whose letters a glossary or the field's
  notation names;

and :func:`add_size_claims` makes them claims of the document's one reading (kind ``shape`` for a
shape, ``fact`` for a formula, ``answer`` for any other size), judged by
:mod:`symconv.check.judges.layers`. The networks stay where they are stated: a question's for its
section, code and tables until a new problem starts, data a sentence supposes for the results of
its section. A statement
read from a computation the reading already holds as a claim (``| (28+2*0-7)/3+1=8 |``) *is*
that claim: it takes its place and its id, and its verdict covers both — the arithmetic and the
size (one statement, one verdict).

    >>> from symconv.check.claims import read_claims
    >>> from symconv.check.markdown import split_document
    >>> doc = ("| | input width | filter num | filter width | stride | padding | output width |\\n"
    ...        "|--|--|--|--|--|--|--|\\n"
    ...        "| CONV1 | 28 | 16 | 7 | 2 | 0 | (28+2*0-7)/2+1=12 |\\n")
    >>> [(c.line, c.kind.value, c.text) for c in read_claims(split_document(doc)).claims]
    [(3, 'answer', '(28+2*0-7)/2+1=12')]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import sympy as sp

from symconv.check.context import DocumentContext
from symconv.check.lines import SourceLine, source_lines
from symconv.check.markdown import Segment
from symconv.check.model import Claim, ClaimKind, Origin
from symconv.check.networks import PlacedNetwork, Quantity, SizeFormulaFacts, SizeStatement
from symconv.check.size_code import code_networks, code_statements, summary_statements
from symconv.check.size_formulas import formula_statements
from symconv.check.size_prose import inputs_before, prose_statements
from symconv.check.size_tables import read_tables, table_statements
from symconv.check.size_words import dataset_input
from symconv.core.patterns import lazy_compile

__all__ = ["SizedReading", "add_size_claims", "size_statements"]

#: Kinds of claim a size statement may take the place of (the same statement read as a
#: computation, a value, a shape, or an entry of a tensor: ``w_{o} = (h + 2p − f)/s + 1`` where
#: the words call ``w_{o}`` the output width).
_REPLACEABLE = frozenset(
    {
        ClaimKind.ARITHMETIC,
        ClaimKind.ANSWER,
        ClaimKind.SHAPE,
        ClaimKind.FACT,
        ClaimKind.DEFINITION,
        ClaimKind.INDEX_FORMULA,
    }
)


@dataclass(frozen=True)
class SizedReading:
    """The claims with the size claims in, and which claims each statement gave."""

    claims: tuple[Claim, ...]
    statement_claims: Mapping[tuple[int, int], tuple[Claim, ...]]


def size_statements(segments: Sequence[Segment]) -> list[SizeStatement]:
    """Every size the document states about its network, in document order."""
    lines = source_lines(segments)
    tables = read_tables(lines)
    spans = [(table.cell, table.line, table.end_line) for table in tables]
    found, placed = table_statements(tables, inputs_before(lines, spans))
    for network, statements in _code(segments, lines):
        found.extend(statements)
        placed.append(network)
    in_prose, _ = prose_statements(lines, placed)
    found.extend(in_prose)
    found.extend(formula_statements(lines))
    return sorted(found, key=lambda s: (s.cell or 0, s.line))


_FENCE_LINE = lazy_compile(r"^\s{0,3}(?:`{3,}|~{3,})")
_CODE_SPAN = lazy_compile(r"(`+)([^`]+?)\1")


def _code(
    segments: Sequence[Segment], lines: Sequence[SourceLine]
) -> list[tuple[PlacedNetwork, list[SizeStatement]]]:
    """The networks of the code blocks and code spans, each with the channels its layers say
    they take; a network without an input size takes the data set its section names."""
    found: list[tuple[PlacedNetwork, list[SizeStatement]]] = []
    previous: Segment | None = None  # the code block just before (whose network a summary prints)
    for segment in segments:
        if segment.kind != "code":
            continue
        rows = segment.text.split("\n")
        first = segment.line
        if rows and _FENCE_LINE.match(rows[0]):
            rows, first = rows[1:], first + 1
        if rows and _FENCE_LINE.match(rows[-1]):
            rows = rows[:-1]
        networks = code_networks("\n".join(rows), first)
        if not networks and found and previous is not None and previous.cell == segment.cell:
            # a model.summary() printed right after the code (no heading between): its rows
            # are that code's layers
            last = found[-1][0]
            if not any(
                source.heading is not None and source.cell == segment.cell
                and previous.line < source.line < first for source in lines
            ):  # fmt: skip
                found[-1][1].extend(summary_statements(rows, first, last.network, segment.cell))
        for code in networks:
            given = dataset_input(_section_before(lines, code.line, segment.cell))
            network, statements = code_statements(code, given, segment.cell)
            found.append((PlacedNetwork(code.line, segment.cell, network), statements))
        previous = segment if networks else None
    for line in lines:
        for piece in line.pieces:
            if piece.kind != "text" or "`" not in piece.text:
                continue
            for span in _CODE_SPAN.finditer(piece.text):
                for code in code_networks(span.group(2), line.line):
                    given = dataset_input(_section_before(lines, line.line, line.cell))
                    network, statements = code_statements(code, given, line.cell)
                    found.append((PlacedNetwork(line.line, line.cell, network), statements))
    return found


def _section_before(lines: Sequence[SourceLine], line: int, cell: int | None) -> str:
    """The prose of the section holding ``line``, up to it (from its heading)."""
    texts: list[str] = []
    for source in lines:
        if source.cell != cell or source.line > line:
            continue
        if source.heading is not None:
            texts = []
        texts.append(source.text)
    return " ".join(texts)


def add_size_claims(
    segments: Sequence[Segment],
    claims: Sequence[Claim],
    statement_claims: Mapping[tuple[int, int], Sequence[Claim]],
    context: DocumentContext,
) -> SizedReading:
    """The reading's claims with each size statement as a claim (module docstring); the new
    claims are recorded in ``context``."""
    statements = size_statements(segments)
    by_statement = {key: tuple(found) for key, found in statement_claims.items()}
    if not statements:
        return SizedReading(tuple(claims), by_statement)
    by_segment: dict[int, list[tuple[tuple[int, int], Claim]]] = {}
    for key, found in by_statement.items():
        for claim in found:
            by_segment.setdefault(key[0], []).append((key, claim))
    replaced: dict[int, Claim] = {}
    added: list[Claim] = []
    next_id = max((claim.id for claim in claims), default=0) + 1
    for statement in statements:
        covered = [
            pair
            for index in statement.segments
            for pair in by_segment.get(index, [])
            if pair[0][1] >= 0
        ]
        covered += [
            pair
            for index, start, end in statement.spans
            for pair in by_segment.get(index, [])
            if pair[0][1] < 0 and _overlaps(pair[1], start, end)
        ]
        original = covered[0][1] if len(covered) == 1 else None
        if original is not None and (original.kind not in _REPLACEABLE or original.id in replaced):
            original = None
        if original is not None:
            claim = _claim(statement, original.origin, original)
            replaced[original.id] = claim
            key = covered[0][0]
            by_statement[key] = tuple(
                claim if c.id == original.id else c for c in by_statement[key]
            )
        else:
            claim = _claim(statement, _origin(statement, claims, next_id), None)
            next_id += 1
            added.append(claim)
        context.add_claim(claim)
    merged = [replaced.get(claim.id, claim) for claim in claims]
    merged.extend(added)
    return SizedReading(tuple(merged), by_statement)


def _overlaps(claim: Claim, start: int, end: int) -> bool:
    """True if a claim read from prose covers characters ``start:end`` of its segment."""
    span = getattr(claim.facts, "span", None)
    return span is not None and span[0] < end and start < span[1]


def _claim(statement: SizeStatement, origin: Origin, original: Claim | None) -> Claim:
    facts = statement.facts
    if original is not None:
        facts = replace(facts, computation=original)
    if isinstance(facts, SizeFormulaFacts):
        kind = ClaimKind.FACT
    elif facts.quantity in (Quantity.OUTPUT_SHAPE, Quantity.INPUT_SHAPE):
        kind = ClaimKind.SHAPE
    else:
        kind = ClaimKind.ANSWER
    line = original.line if original is not None else statement.line
    end_line = original.end_line if original is not None else statement.end_line
    text = original.text if original is not None else statement.text
    sides = (_side(facts.written),)
    return Claim(line, end_line, text, kind, None, sides, "=", facts, origin)


def _side(value: Any) -> Any:
    return sp.Tuple(*value) if isinstance(value, tuple) else value


def _origin(statement: SizeStatement, claims: Sequence[Claim], identifier: int) -> Origin:
    """An origin for a new claim: the section of the claim written just before it."""
    before = [c for c in claims if c.origin.cell == statement.cell and c.line <= statement.line]
    if before:
        near = before[-1].origin
        return Origin(id=identifier, scope=near.scope, heading=near.heading, cell=statement.cell)
    return Origin(id=identifier, cell=statement.cell)
