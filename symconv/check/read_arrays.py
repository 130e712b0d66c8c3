"""Statements about arrays, read from a document's math and prose, as claims.

A derivation that implements a layer with NumPy states shapes and writes code in its math:
shapes stated for names and for code, definitions and gradients written as NumPy code, im2col
matrices. :mod:`symconv.check.array_math` reads the math, :mod:`symconv.check.array_prose` the
prose; :func:`array_scope` puts their statements in document order
(:class:`~symconv.check.array_statements.ArrayScope`), numbers the layer each group of shapes
with roles describes (one sentence, one run of glossary lines) and ties *the result has shape
…* to the display before it. :func:`add_array_claims` makes a claim of kind ``shape`` of each
statement that says something to check, in place of what the reading made of the same math or
words when nothing else could judge it (an unparsed formula; without a problem set, a fact or
an answer; code the reading took for notation) — never of a size claim
(:mod:`symconv.check.read_sizes`) or another judge's. They are judged by
:mod:`symconv.check.judges.arrays`.

    >>> from symconv.check.markdown import split_document
    >>> doc = ("Suppose the input $a$ has shape $(1,3,4,4)$ and the kernel $w$ has shape "
    ...        "$(2, 3, 2, 2)$.\\n\\n$$w_t = w.reshape(2, -1).T$$\\n")
    >>> for s in array_scope(split_document(doc)).statements:
    ...     print(s.line, s.form.value, s.role and s.role.value, s.stated)
    1 stated input (1, 3, 4, 4)
    1 stated kernel (2, 3, 2, 2)
    3 defined None None
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import sympy as sp

from symconv.check.array_code import ArrayName
from symconv.check.array_env import environment, layer_marks
from symconv.check.array_math import in_space, math_statements, may_be_code
from symconv.check.array_prose import RESULT_WORDS, glossary_lead, prose_statements
from symconv.check.array_statements import (
    ArrayFacts,
    ArrayForm,
    ArrayScope,
    ArrayStatement,
    Role,
)
from symconv.check.claim_places import ClaimPlacer, origin_before
from symconv.check.context import DocumentContext
from symconv.check.lines import SourceLine, source_lines
from symconv.check.markdown import Segment
from symconv.check.model import Claim, ClaimKind, Origin
from symconv.check.networks import SizeFacts, SizeFormulaFacts
from symconv.core.patterns import lazy_compile

__all__ = ["add_array_claims", "array_scope"]


# ----------------------------------------------------------------------------------------------
# The scope
# ----------------------------------------------------------------------------------------------
def _context_words(lines: Sequence[SourceLine]) -> dict[int, str]:
    """For each line, the prose of its section up to the end of its paragraph (the im2col cue
    may be a sentence before the shape, or the line itself)."""
    words: dict[int, str] = {}
    section: list[str] = []
    for line in lines:
        if line.heading is not None:
            section = []
            continue
        section.append(line.text)
        words[line.line] = " ".join(section)
    return words


def _sections(lines: Sequence[SourceLine]) -> Callable[[int | None, int], int]:
    """The section number of a line: how many headings come before it (in its cell)."""
    headings = [(line.cell or 0, line.line) for line in lines if line.heading is not None]

    def section(cell: int | None, line: int) -> int:
        return sum(1 for where in headings if where <= (cell or 0, line))

    return section


def _words_at(context: Mapping[int, str], line: int) -> str:
    """The section's prose up to ``line``, and the prose line right after it in its section
    (where a display's function is often described: *其中 trans(a) 为…*, *where im2col …*)."""
    before = [number for number in context if number <= line]
    words = context[max(before)] if before else ""
    after = [number for number in context if line < number <= line + 3]
    if after and context[min(after)].startswith(words):
        return context[min(after)]
    return words


def array_scope(segments: Sequence[Segment]) -> ArrayScope:
    """The document's array statements in order, with their layer groups (module docstring)."""
    lines = source_lines(segments)
    context = _context_words(lines)
    keyed: list[tuple[int, int, int, ArrayStatement]] = []
    for index, segment in enumerate(segments):
        if segment.kind != "math":
            continue
        space = in_space(index, segment, lines)
        if space is not None:
            keyed.append((segment.cell or 0, segment.line, segment.column, space))
            continue
        if not may_be_code(segment.text):
            continue
        words = _words_at(context, segment.line)
        for offset, statement in math_statements(index, segment):
            statement = replace(statement, words=words)
            keyed.append((segment.cell or 0, segment.line, segment.column + offset, statement))
    for line_number, offset, statement in prose_statements(lines, context):
        keyed.append((statement.cell or 0, line_number, offset, statement))
    keyed.sort(key=lambda item: item[:3])
    sections = _sections(lines)
    ordered = [replace(item[3], section=sections(item[3].cell, item[3].line)) for item in keyed]
    statements = _with_results(_grouped(ordered, lines))
    return ArrayScope(tuple(statements))


def _grouped(statements: list[ArrayStatement], lines: Sequence[SourceLine]) -> list[ArrayStatement]:
    """Number the statements that describe one layer together: shapes with roles stated in one
    paragraph, or in one run of glossary lines."""
    paragraph: dict[int, int] = {}
    glossary_run: dict[int, int] = {}
    number = run = 0
    previous: SourceLine | None = None
    in_run = False
    for line in lines:
        if previous is None or line.line != previous.line + 1 or line.heading is not None:
            number += 1
        paragraph[line.line] = number
        if glossary_lead(line) is not None:
            if not in_run:
                run += 1
            in_run = True
            glossary_run[line.line] = run
        elif line.text.strip():
            in_run = False
        previous = line
    result = []
    for statement in statements:
        if statement.role is None or statement.form is not ArrayForm.STATED:
            result.append(statement)
            continue
        if statement.line in glossary_run:
            group = 1_000_000 + glossary_run[statement.line]
        else:
            group = paragraph.get(statement.line, 0)
        result.append(replace(statement, group=group))
    return result


def _with_results(statements: list[ArrayStatement]) -> list[ArrayStatement]:
    """*结果的维度为 (…)*: the shape of the code of the display just before it."""
    result: list[ArrayStatement] = []
    for statement in statements:
        if statement.words == RESULT_WORDS and statement.subject is None:
            earlier = [
                s
                for s in result
                if s.code is not None
                and 0 <= statement.line - s.end_line <= 4
                and s.cell == statement.cell
            ]
            if not earlier:
                continue
            text = f"the result of line {earlier[-1].line}: {statement.text}"
            statement = replace(statement, subject=earlier[-1].code, text=text)
        result.append(statement)
    return result


# ----------------------------------------------------------------------------------------------
# Claims
# ----------------------------------------------------------------------------------------------
def _claimable(scope: ArrayScope, position: int) -> bool:
    """A statement that says something to check: a shape stated for code (or for a name code
    defined), a definition with a shape to meet, a gradient, an im2col matrix, a layer's
    shapes stated together."""
    statement = scope.statements[position]
    subject = statement.subject
    marks = layer_marks(statement.text)
    if statement.form is ArrayForm.CONVERTED:
        return True
    if statement.form is ArrayForm.GRADIENT:
        # a gradient of an array whose shape the document gives (else: an index formula's
        # business, judged as a derivative)
        env = environment(scope, position)
        return isinstance(subject, ArrayName) and env.binding(subject.key, marks) is not None
    if statement.form is ArrayForm.DEFINED:
        if subject is None:
            return False
        if statement.stated is not None or statement.displayed is not None:
            return True
        if _rearranges_an_error(statement):
            return True  # the error of what an earlier line rearranged, rearranged back
        env = environment(scope, position)
        found = env.binding(subject.key, marks) if isinstance(subject, ArrayName) else None
        if found is None or not found.stated or found.marks != marks:
            return False
        evaluated = env.evaluate(statement.code, marks) if statement.code is not None else None
        return evaluated is not None and (
            evaluated.shape is not None or evaluated.error is not None
        )
    if not isinstance(subject, ArrayName):
        return subject is not None
    env = environment(scope, position)
    found = env.binding(subject.key, marks)
    if found is not None and not found.stated:
        return True  # the shape of what code defined
    if statement.role is None or statement.group is None:
        return False
    members = [s for s in scope.statements if s.group == statement.group and s.role]
    roles = {s.role for s in members}
    kernels = [s.stated for s in members if s.role is Role.KERNEL]
    # a 2-d convolution's layer: a kernel of four axes and the input it takes
    return Role.INPUT in roles and any(k is not None and len(k) == 4 for k in kernels)


def _rearranges_an_error(statement: ArrayStatement) -> bool:
    from symconv.check.array_values import is_error, rearranged

    if statement.code is None or isinstance(statement.code, ArrayName):
        return False
    moved = rearranged(statement.code)
    return moved is not None and is_error(moved.key)


def add_array_claims(
    segments: Sequence[Segment],
    claims: Sequence[Claim],
    statement_claims: Mapping[tuple[int, int], Sequence[Claim]],
    context: DocumentContext,
    *,
    with_problem: bool = False,
) -> tuple[tuple[Claim, ...], dict[tuple[int, int], tuple[Claim, ...]]]:
    """The claims with each array statement that says something to check as a claim of kind
    ``shape`` (module docstring), recorded in ``context``. A statement takes the place of the
    reading's claims of the same math that nothing could judge (an unparsed formula; without a
    problem set — ``with_problem`` False — also a fact, an answer, an algebra claim), and a
    definition that is no claim of its own still takes an unparsed formula's place (its shape
    is a better message than "could not read")."""
    scope = array_scope(segments)
    if not scope.statements:
        return tuple(claims), {key: tuple(found) for key, found in statement_claims.items()}
    placer = ClaimPlacer(claims, statement_claims)
    kinds = _UNREAD if with_problem else _UNREAD | _UNCHECKED
    for position, statement in enumerate(scope.statements):
        covered = _covered(statement, segments, claims, placer.by_statement, kinds)
        unread = any(claim.kind in _UNREAD for claim in covered)
        rereads = unread and statement.form is ArrayForm.DEFINED and statement.subject is not None
        if not _claimable(scope, position) and not rereads:
            continue
        if any(isinstance(claim.facts, (SizeFacts, SizeFormulaFacts)) for claim in covered):
            continue  # the size statement's claim judges these words
        if statement.form in (ArrayForm.DEFINED, ArrayForm.STATED) and _judged_elsewhere(
            statement, claims, placer.by_statement
        ):
            continue  # a matrix, an index formula: another judge decides the same math

        def make(
            origin: Origin, statement: ArrayStatement = statement, at: int = position
        ) -> Claim:
            sides = (sp.Tuple(*statement.stated),) if statement.stated is not None else ()
            return Claim(statement.line, statement.end_line, statement.text, ClaimKind.SHAPE,
                         None, sides, "=", ArrayFacts(at, scope), origin)  # fmt: skip

        origin = origin_before(claims, statement.cell, statement.line)
        context.add_claim(placer.add(make, covered, origin))
    return placer.result()


#: Claims of the reading a statement takes the place of: formulas nothing could read, and —
#: without a problem set, whose answers they may be — what nothing else judges in the
#: document alone.
_UNREAD = frozenset({ClaimKind.UNPARSED, ClaimKind.AMBIGUOUS})
_UNCHECKED = frozenset(
    {ClaimKind.FACT, ClaimKind.ANSWER, ClaimKind.SHAPE, ClaimKind.ALGEBRA, ClaimKind.DEFINITION}
)


#: Code, not notation: a method call, ``np.``, ``.T``.
_CODE_TEXT = lazy_compile(r"\.\s*[A-Za-z_]\w*\s*\(|\bnp\.|\.T\b")
#: What the reading makes of code it takes for notation (``w_t = w.T``: an index formula).
_MISREAD_CODE = frozenset({ClaimKind.INDEX_FORMULA, ClaimKind.ALGEBRA, ClaimKind.MATRIX})


def _judged_elsewhere(
    statement: ArrayStatement,
    claims: Sequence[Claim],
    by_statement: Mapping[tuple[int, int], Sequence[Claim]],
) -> bool:
    """True if the reading made a claim of the statement's math that another judge decides
    (not one nothing could read or check)."""
    indices = set(statement.segments)
    code = _CODE_TEXT.search(statement.text) is not None
    for key, found in by_statement.items():
        if key[0] not in indices:
            continue
        for claim in found:
            if claim.kind in _UNREAD or claim.kind in _UNCHECKED:
                continue
            if code and claim.kind in _MISREAD_CODE:
                continue  # NumPy code read as index notation or algebra: a misreading
            if statement.line <= claim.line <= statement.end_line:
                return True
    return False


def _covered(
    statement: ArrayStatement,
    segments: Sequence[Segment],
    claims: Sequence[Claim],
    by_statement: Mapping[tuple[int, int], Sequence[Claim]],
    kinds: frozenset[ClaimKind],
) -> list[Claim]:
    """The claims the reading made of the statement's segments, on its lines."""
    indices = set(statement.segments)
    within = {
        claim.id for key, found in by_statement.items() if key[0] in indices for claim in found
    }
    for index, start, end in statement.spans:  # words in plain text: the claims read from them
        within |= {
            claim.id
            for key, found in by_statement.items()
            if key[0] == index and key[1] < 0
            for claim in found
            if _overlaps(claim, start, end)
        }
    texts = [segments[i].text.strip() for i in indices]
    covered = []
    for claim in claims:
        if claim.origin.cell != statement.cell:
            continue
        if claim.line > statement.end_line or claim.end_line < statement.line:
            continue
        if isinstance(claim.facts, (SizeFacts, SizeFormulaFacts)):
            if any(text and text in claim.text for text in texts):
                covered.append(claim)
            continue
        if claim.kind not in kinds and not (
            claim.kind in _MISREAD_CODE and _CODE_TEXT.search(statement.text)
        ):
            continue
        written = any(text and (text in claim.text or claim.text in text) for text in texts)
        if claim.id in within or written:
            covered.append(claim)
    return covered


def _overlaps(claim: Claim, start: int, end: int) -> bool:
    """True if a claim read from prose covers characters ``start:end`` of its segment."""
    span = getattr(claim.facts, "span", None)
    return span is not None and span[0] < end and start < span[1]
