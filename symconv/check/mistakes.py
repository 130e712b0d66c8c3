"""One mistake, counted once: a wrong statement that only carries an earlier wrong one of its part.

A student who drops a sum drops it once, but the statement can be judged more than once:

* in a chain ``∂J/∂w[k] = ∂J/∂y[i] ∂y[i]/∂w[k] = ∂J/∂y[i] x[2i + k]`` the first link is wrong
  (the missing-sum lint), and the chain's final value, compared as the part's answer, is wrong for
  the same reason — the second step itself (``∂y[i]/∂w[k] = x[2i + k]``) is not wrong;
* in an ``aligned`` derivation every row whose left side is the answer's name is compared as the
  answer, and each row after the wrong one carries its mistake down;
* a formula written in the working and restated on an **Answer:** line is judged twice.

Each verdict stands — each of those statements is wrong, and says so — but the part's tally
(:func:`symconv.check.against.part_statuses_for`) counts one mistake. A wrong judgement *repeats*
an earlier wrong judgement of the same part when

1. it continues that judgement's chain: following the document's chain links back
   (:attr:`~symconv.check.model.LinkFacts.previous`) from the statement it judges reaches a
   statement the earlier one judged, and its own step was not judged wrong on its own (a second
   slip further down the chain is a second mistake); or
2. it restates that judgement's statement: the same sides and relation (SymPy's structural
   equality of the parsed sides — the same claim, not similar text).

A repeat gets :attr:`~symconv.check.model.Judgement.carried_from` (the line of the mistake it
repeats) and a warning saying it is counted once; nothing else about it changes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace

from symconv.check.context import claim_id
from symconv.check.model import Claim, Judgement


def mark_repeated_mistakes(
    judgements: Sequence[Judgement], first_pass: Sequence[Judgement]
) -> list[Judgement]:
    """``judgements`` (the report's, in any order) with each wrong judgement that repeats an
    earlier wrong one of its part marked (module docstring). ``first_pass`` holds the line-by-line
    verdict of every statement the document's reading found, before the problem context's
    answers absorbed some of them: the steps and chain links the rules read.

    >>> from symconv.check.model import LinkFacts, Origin
    >>> def link(i, previous, lhs, rhs):
    ...     facts = LinkFacts(lhs, rhs, previous=previous)
    ...     return Claim(2, 2, f"{lhs} = {rhs}", "algebra", part="p", origin=Origin(id=i),
    ...                  facts=facts, sides=(lhs, rhs))
    >>> first = [Judgement(link(1, None, "a", "b"), "wrong", "a sum is missing"),
    ...          Judgement(link(2, 1, "b", "c"), "unverified", "not verified")]
    >>> answer = Claim(2, 2, "a = c", "answer", part="p", about=(2,))
    >>> report = [first[0], Judgement(answer, "wrong", "not the answer to p")]
    >>> [(j.verdict, j.carried_from, j.warnings) for j in mark_repeated_mistakes(report, first)]
    [('wrong', (), ()), ('wrong', (2,), ('the same mistake as line 2 (counted once)',))]
    """
    by_id = {claim_id(j.claim): j for j in first_pass if claim_id(j.claim) >= 0}
    order = sorted(
        range(len(judgements)),
        key=lambda i: (judgements[i].claim.line, judgements[i].claim.end_line, i),
    )
    result = list(judgements)
    earlier: dict[str | None, list[Judgement]] = {}
    for index in order:
        judgement = judgements[index]
        if judgement.verdict != "wrong":
            continue
        mistakes = earlier.setdefault(judgement.claim.part, [])
        source = next((m for m in mistakes if _repeats(judgement, m, by_id)), None)
        if source is not None:
            line = source.carried_from[0] if source.carried_from else source.claim.line
            judgement = replace(
                judgement,
                carried_from=(line,),
                warnings=(
                    *judgement.warnings,
                    f"the same mistake as line {line} (counted once)",
                ),
            )
            result[index] = judgement
        mistakes.append(judgement)
    return result


def _repeats(later: Judgement, mistake: Judgement, by_id: Mapping[int, Judgement]) -> bool:
    judged = set(_ids(mistake))
    statements = [by_id[i].claim for i in _ids(mistake) if i in by_id]
    for identifier in _ids(later):
        step = by_id.get(identifier)
        if step is None:
            continue
        if any(_same_statement(step.claim, other) for other in statements):
            return True
        if step.verdict != "wrong" and judged & set(_chain_before(step.claim, by_id)):
            return True
    return False


def _ids(judgement: Judgement) -> tuple[int, ...]:
    """The document's statements a judgement is about: its own claim's (a line-by-line verdict),
    or those its answer was read from (:attr:`~symconv.check.model.Claim.about`)."""
    own = claim_id(judgement.claim)
    return (own,) if own >= 0 else tuple(i for i in judgement.claim.about if i >= 0)


def _chain_before(claim: Claim, by_id: Mapping[int, Judgement]) -> Iterator[int]:
    """The ids of the earlier links of the claim's chain, nearest first."""
    seen = {claim_id(claim)}
    link = claim.link
    previous = link.previous if link is not None else None
    while previous is not None and previous not in seen:
        seen.add(previous)
        yield previous
        earlier = by_id.get(previous)
        link = earlier.claim.link if earlier is not None else None
        previous = link.previous if link is not None else None


def _same_statement(one: Claim, other: Claim) -> bool:
    """The same statement written twice: its parsed sides and relation equal (not its text)."""
    return bool(one.sides) and (one.sides, one.relation) == (other.sides, other.relation)
