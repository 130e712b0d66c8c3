"""The second reading of a document's displays: matrices judged against its own forward map.

The claims of :mod:`symconv.check.claims` are statements (a chain, a value); a display such as
``W a`` written as a matrix times a column, a gradient written as a matrix of sums of products,
or a max-unpooling ``P → U`` is a statement about each of its rows. :func:`judge_document_maps`
reads the document's model once (:func:`symconv.check.document_forward.read_model`: its tensors,
its forward maps, its flattening orders, what its ``*`` means), asks the judges of
:mod:`symconv.check.judges.linear_maps`, :mod:`~symconv.check.judges.unpooling` and
:mod:`~symconv.check.judges.numeric_forward` for a judgement per written line of each such
display, then :mod:`~symconv.check.judges.forward_statements` for the statements about the
maps (``h = W a``, ``∂F/∂a = Wᵀ ∂F/∂h``, ``∂h_{12}/∂k_{ij} = a_{i,j+1}``) the first reading
left undecided, and puts them in place of what the first reading could not decide (its
*unverified* judgements of the same segment or statement; a right or wrong judgement of the
first reading stays: one statement, one verdict).

    >>> from symconv.check.runner import check_text
    >>> doc = ("$$h = \\\\begin{bmatrix} k_{1} a_{1} + k_{2} a_{2} & k_{1} a_{2} + k_{2} a_{3}"
    ...        "\\\\end{bmatrix}$$\\n\\nso $$h = W a$$\\n")
    >>> [(j.claim.line, j.verdict) for j in check_text(doc).judgements if j.claim.line == 3]
    [(3, 'right')]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from symconv.check.document_forward import DocumentModel, PlacedDisplay, read_model
from symconv.check.judges.verdicts import Run, guarded
from symconv.check.model import Claim, ClaimKind, Judgement, Origin

__all__ = ["judge_document_maps"]


def _claim(placed: PlacedDisplay, line: int, end_line: int, text: str) -> Claim:
    return Claim(line, end_line, text, ClaimKind.MATRIX, origin=Origin(scope=placed.scope))


def judge_document_maps(
    segments: Sequence[Any], reading: Any, judgements: Sequence[Judgement], run: Run
) -> list[Judgement]:
    """``judgements`` (the first reading's) with the judgements of the document's matrix
    displays added, each display's undecided first-reading judgements replaced."""
    found: list[Judgement] = []
    models: list[DocumentModel] = []
    document = Claim(1, 1, "the document's forward maps", ClaimKind.MATRIX)

    def read() -> Judgement:
        models.append(read_model(segments, reading.parses))
        return Judgement(document, "right", "read")

    if guarded(run, read, document).message != "read" or not models:
        return list(judgements)
    model = models[0]
    from symconv.check.judges.numeric_forward import read_numeric

    numeric = read_numeric(model, segments, reading.parses)
    judged: set[int] = set()
    for placed in model.displays:
        mine = _judge_display(placed, model, numeric, run)
        if mine:
            found.extend(mine)
            judged.add(placed.index)
    replaced = {
        claim.origin.id
        for (index, _), claims in reading.statement_claims.items()
        if index in judged
        for claim in claims
    }
    if model.forwards or model.affine:
        decided, settled = _judge_statements(segments, reading, model, judgements, run)
        found.extend(decided)
        replaced |= settled
    if not found:
        return list(judgements)
    kept = [
        j
        for j in judgements
        if not (j.verdict == "unverified" and j.claim.origin.id in replaced and j.claim.id >= 0)
    ]
    return kept + found


def _judge_statements(
    segments: Sequence[Any],
    reading: Any,
    model: DocumentModel,
    judgements: Sequence[Judgement],
    run: Run,
) -> tuple[list[Judgement], set[int]]:
    """The statements about the document's forward maps (an entry restated, ``h = W a``, the
    backward rule, derivatives with free indices) that the first reading left undecided: their
    judgements, and the ids of the claims they replace."""
    from symconv.check.judges.forward_statements import (
        LinearForm,
        judge_statement,
        linear_form_judgement,
    )
    from symconv.check.parsed import MathParse

    verdicts = {j.claim.origin.id: j.verdict for j in judgements if j.claim.origin.id >= 0}
    found: list[Judgement] = []
    replaced: set[int] = set()
    stated: list[LinearForm] = []
    for index in sorted(reading.parses):
        parsed = reading.parses[index]
        if not isinstance(parsed, MathParse):
            continue
        segment = segments[index]
        for position, statement in enumerate(parsed.statements):
            claims = reading.statement_claims.get((index, position), ())
            if any(verdicts.get(c.origin.id, "unverified") != "unverified" for c in claims):
                continue
            claim = claims[-1] if len(claims) == 1 else None
            if claim is None:
                claim = Claim(segment.line, segment.end_line, statement.text, ClaimKind.ALGEBRA)
            forms: list[LinearForm] = []

            def thunk(
                statement: Any = statement, claim: Claim = claim, forms: list[Any] = forms
            ) -> Judgement:
                outcome = judge_statement(statement, claim, model, stated)
                if isinstance(outcome, LinearForm):
                    forms.append(outcome)
                    return linear_form_judgement(outcome, claim)
                return outcome if outcome is not None else Judgement(claim, "unverified", "")

            judgement = guarded(run, thunk, claim)
            if judgement.verdict == "unverified" and not judgement.message:
                continue
            stated.extend(forms)
            found.append(judgement)
            replaced.update(c.origin.id for c in claims)
    return found, replaced


def _judge_display(
    placed: PlacedDisplay, model: DocumentModel, numeric: Any, run: Run
) -> list[Judgement]:
    from symconv.check.judges.linear_maps import judge_display
    from symconv.check.judges.numeric_forward import judge_numeric_forward
    from symconv.check.judges.unpooling import judge_unpooling

    results: list[Judgement] = []
    claim = _claim(placed, placed.line, placed.end_line, placed.display.text.strip())

    def thunk() -> Judgement:
        results.extend(judge_display(placed, model, _claim))
        results.extend(judge_unpooling(placed, model, _claim))
        results.extend(judge_numeric_forward(placed, numeric, _claim))
        return Judgement(claim, "right", "judged")

    outcome = guarded(run, thunk, claim)
    if outcome.message == "judged":
        return results
    return [outcome]
