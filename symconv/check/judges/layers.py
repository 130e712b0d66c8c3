"""Sizes a document states about its own network: output shapes, parameters, receptive fields.

The claim's :class:`~symconv.check.networks.SizeFacts` hold the network as the document states it
(a table, code, a question's words) and the quantity; :func:`~symconv.check.network_sizes.expected`
computes it with the engine's formulas, and the verdict compares exactly:

* *right* when the written value is the value (a filter's parameters with or without its bias,
  the reading left open, both count);
* *wrong* when it is none of them — the working, in the document's own numbers, is the proof;
* *unverified* when the document does not state what the size needs, when the value follows
  from the layer written before it only if nothing sits between them (a table may leave layers
  out), or when the shape is written in another order than the document's input.

A shape may be written whole, without its batch, or without its channels; a single size stands
for every axis when they agree.

    >>> from symconv.check.context import NO_PROBLEM, DocumentContext
    >>> from symconv.check.model import Claim
    >>> from symconv.check.networks import Layer, LayerKind, Network, Quantity, SizeFacts, Volume
    >>> pool = Layer(LayerKind.POOL, kernel=(4, 4), stride=(4, 4), padding=(0, 0))
    >>> network = Network((pool,), Volume((128, 128), 12), "the question on line 63")
    >>> facts = SizeFacts(Quantity.OUTPUT_SHAPE, (8, 8, 12), network, 0, 1)
    >>> j = judge_size(Claim(65, 65, "8 × 8 × 12", "shape", facts=facts), DocumentContext(),
    ...                NO_PROBLEM)
    >>> j.verdict, j.message
    ('wrong', 'the output shape of the question on line 63 is 32 × 32 × 12, not 8 × 8 × 12')
    >>> j.witness
    '⌊(128 + 2·0 − 4)/4⌋ + 1 = 32'
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sympy as sp

from symconv.check.context import DocumentContext, ProblemContext
from symconv.check.judges.verdicts import add_warnings, right, unverified, wrong
from symconv.check.model import Claim, ClaimKind, Judgement
from symconv.check.network_sizes import Expected, SizeUnknownError, expected, volume_before
from symconv.check.networks import Quantity, SizeFacts

__all__ = ["judge_size"]

_SHAPES = (Quantity.OUTPUT_SHAPE, Quantity.INPUT_SHAPE)
#: How a message names each quantity.
_NOUNS = {
    Quantity.OUTPUT_CHANNELS: "number of output channels",
    Quantity.INPUT_CHANNELS: "number of input channels",
    Quantity.INPUT_FEATURES: "number of input features",
    Quantity.PARAMETERS: "number of parameters",
    Quantity.FILTER_PARAMETERS: "number of parameters of one filter",
    Quantity.FILTERS: "number of filters",
}
_AXES = {0: "height", 1: "width"}


def _noun(facts: SizeFacts) -> str:
    """``number of parameters``, ``input height``, ``output shape``."""
    if facts.quantity in (Quantity.INPUT_SIZE, Quantity.OUTPUT_SIZE) and facts.axis in _AXES:
        side = "input" if facts.quantity is Quantity.INPUT_SIZE else "output"
        return f"{side} {_AXES[facts.axis]}"
    return _NOUNS.get(facts.quantity, facts.quantity.value)


def judge_size(claim: Claim, context: DocumentContext, problem: ProblemContext) -> Judgement | None:
    """Judge a size stated about the document's network (None for any other claim)."""
    facts = claim.facts
    if not isinstance(facts, SizeFacts):
        return None
    judgement = _judge_size(claim, facts)
    if facts.computation is None:
        return judgement
    # The same words compute the value (``(28+2*0-7)/3+1=8``): one statement, one verdict —
    # wrong beats right beats unverified.
    from symconv.check.judges import judge as judge_claim

    computed = replace(judge_claim(facts.computation, context, problem), claim=claim)
    rank = {"wrong": 2, "right": 1, "unverified": 0}
    first, second = sorted((judgement, computed), key=lambda j: -rank[j.verdict])
    computes = facts.computation.kind in (ClaimKind.ARITHMETIC, ClaimKind.ALGEBRA)
    if second.verdict == "unverified" and first.verdict == "right" and computes:
        return add_warnings(first, second.message)  # e.g. a quotient the document floors
    return first


def _judge_size(claim: Claim, facts: SizeFacts) -> Judgement:
    where = facts.about or facts.network.source
    try:
        found = expected(facts)
    except SizeUnknownError as error:
        return unverified(claim, f"the {_noun(facts)} of {where}: {error}")
    written = facts.written
    forms = _forms(facts, found)
    same_length = [form for form in forms if _length(form) == _length(written) or _scalar(form)]
    if any(_agrees(written, form) for form in forms):
        return right(claim, f"the {_noun(facts)} of {where} is {_text(written)}: "
                            f"{found.working}")  # fmt: skip
    value = _text(found.value)
    if facts.quantity in _SHAPES and any(
        _agrees(written, form) for form in _other_orders(facts, found)
    ):
        return unverified(
            claim,
            f"{_text(written)} is the {_noun(facts)} {value} written in another order "
            f"than the input ({where})",
        )
    if not same_length:
        return unverified(
            claim,
            f"{_text(written)} has {_length(written)} sizes; the {_noun(facts)} of "
            f"{where} is {value}",
        )
    if facts.adjacent:
        return unverified(
            claim,
            f"the layer before gives {value} ({found.working}); {_text(written)} differs, which "
            "is a mistake unless a layer the document does not list sits between them",
        )
    return wrong(
        claim,
        f"the {_noun(facts)} of {where} is {value}, not {_text(written)}",
        expected=_latex_value(found.value),
        witness=found.working,
    )


def _forms(facts: SizeFacts, found: Expected) -> list[Any]:
    """The values the written one may be: the value, the readings left open, and a shape
    without its batch or its channels."""
    forms = [found.value, *found.accepted]
    if facts.quantity in _SHAPES:
        volume = _volume(facts)
        if volume is not None:
            for form in (
                (*volume.spatial, volume.channels) if not volume.channels_first else None,
                (volume.channels, *volume.spatial) if volume.channels_first else None,
                volume.spatial,
            ):
                if form is not None and None not in form and form:
                    forms.append(tuple(sp.Integer(v) for v in form))
    return forms


def _other_orders(facts: SizeFacts, found: Expected) -> list[Any]:
    volume = _volume(facts)
    if volume is None or volume.channels is None or not volume.spatial:
        return []
    if volume.channels_first:
        order = (*volume.spatial, volume.channels)
    else:
        order = (volume.channels, *volume.spatial)
    return [tuple(sp.Integer(v) for v in order)]


def _volume(facts: SizeFacts) -> Any:
    index = facts.stop if facts.quantity is Quantity.OUTPUT_SHAPE else max(facts.stop - 1, 0)
    try:
        volume, _ = volume_before(facts, index)
    except SizeUnknownError:
        return None
    return volume


def _length(value: Any) -> int:
    return len(value) if isinstance(value, tuple) else 1


def _scalar(value: Any) -> bool:
    return not isinstance(value, tuple)


def _agrees(written: Any, value: Any) -> bool:
    """Exact agreement; a single size stands for every axis of a tuple whose axes agree."""
    if isinstance(written, tuple) and isinstance(value, tuple):
        return len(written) == len(value) and all(
            a == b for a, b in zip(written, value, strict=True)
        )
    if isinstance(written, tuple):
        return len(written) > 0 and all(a == value for a in written)
    if isinstance(value, tuple):
        return len(value) > 0 and all(written == b for b in value)
    return bool(written == value)


def _text(value: Any) -> str:
    if isinstance(value, tuple):
        return " × ".join(str(v) for v in value)
    return str(value)


def _latex_value(value: Any) -> Any:
    return sp.Tuple(*value) if isinstance(value, tuple) else value
