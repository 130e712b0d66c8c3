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
from symconv.check.networks import Quantity, SizeFacts, SizeFormulaFacts

__all__ = ["judge_size", "judge_size_formula"]

_SHAPES = (Quantity.OUTPUT_SHAPE, Quantity.INPUT_SHAPE)
#: How a message names each quantity.
_NOUNS = {
    Quantity.OUTPUT_CHANNELS: "number of output channels",
    Quantity.INPUT_CHANNELS: "number of input channels",
    Quantity.INPUT_FEATURES: "number of input features",
    Quantity.PARAMETERS: "number of parameters",
    Quantity.TOTAL_PARAMETERS: "total number of parameters",
    Quantity.FILTER_PARAMETERS: "number of parameters of one filter",
    Quantity.FILTERS: "number of filters",
    Quantity.MULTIPLICATIONS: "number of multiplications",
}
_AXES = {0: "height", 1: "width"}


def _noun(facts: SizeFacts) -> str:
    """``number of parameters``, ``input height``, ``output shape``."""
    if facts.quantity in (Quantity.INPUT_SIZE, Quantity.OUTPUT_SIZE) and facts.axis in _AXES:
        side = "input" if facts.quantity is Quantity.INPUT_SIZE else "output"
        return f"{side} {_AXES[facts.axis]}"
    return _NOUNS.get(facts.quantity, facts.quantity.value)


def judge_size(claim: Claim, context: DocumentContext, problem: ProblemContext) -> Judgement | None:
    """Judge a size stated about the document's network, or a size formula whose letters the
    document names (None for any other claim)."""
    facts = claim.facts
    if isinstance(facts, SizeFormulaFacts):
        judgement = judge_size_formula(claim, facts, context)
    elif isinstance(facts, SizeFacts):
        judgement = _judge_size(claim, facts)
    else:
        return None
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
    same_length = [
        form
        for form in forms
        if _length(form) == _length(written) or (_scalar(form) and not _whole_shape(facts, written))
    ]
    if any(_agrees(written, form) for form in forms):
        return right(claim, f"the {_noun(facts)} of {where} is {_text(written)}: "
                            f"{found.working}")  # fmt: skip
    for other, why in found.open:
        if _agrees(written, other):
            return unverified(claim, f"the {_noun(facts)} of {where}: {why}")
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


def _whole_shape(facts: SizeFacts, written: Any) -> bool:
    """A shape with channels (``28 × 28 × 6``) where one size is asked for (an *output size*
    column): not the size, and not proven another size."""
    sizes = (Quantity.INPUT_SIZE, Quantity.OUTPUT_SIZE)
    return facts.quantity in sizes and isinstance(written, tuple) and len(written) > 2


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


# ----------------------------------------------------------------------------------------------
# Size formulas
# ----------------------------------------------------------------------------------------------
_LETTERS = {name: sp.Symbol(name) for name in ("i", "o", "k", "s", "p", "d", "r")}
_DEFAULTS = {"s": 1, "p": 0, "d": 1}


def _expected_formula(facts: SizeFormulaFacts) -> tuple[Any, str] | None:
    """The engine's formula in the role letters, with a role the written formula leaves out
    at its default (stride 1, no padding, no dilation), and the formula in words."""
    present = {str(symbol) for symbol in facts.written.free_symbols}
    i, k, s, p, d, r = (_LETTERS[n] for n in ("i", "k", "s", "p", "d", "r"))
    defaults = {_LETTERS[n]: sp.Integer(v) for n, v in _DEFAULTS.items() if n not in present}
    if facts.quantity == "output size":
        if not {"i", "k"} <= present:
            return None
        # Dumoulin & Visin (2016), relationship 15: o = ⌊(i + 2p − d(k − 1) − 1)/s⌋ + 1.
        formula = sp.floor((i + 2 * p - d * (k - 1) - 1) / s) + 1
        return formula.xreplace(defaults), "o = ⌊(i + 2p − d(k − 1) − 1)/s⌋ + 1"
    if facts.quantity == "receptive field":
        if not {"r", "k"} <= present:
            return None
        # One layer down (Araujo et al. 2019): r_in = s·r_out + (d(k − 1) + 1 − s).
        return (s * r + d * (k - 1) + 1 - s).xreplace(defaults), "r_in = s·r + (d(k − 1) + 1 − s)"
    return None


def _points() -> list[dict[Any, Any]]:
    """Sizes to compare at: every combination of small typical values where the window fits."""
    points = []
    for i in (5, 6, 7, 8, 12, 28, 31):
        for k in (1, 2, 3, 4, 5):
            for s in (1, 2, 3):
                for p in (0, 1, 2):
                    for d in (1, 2):
                        if i + 2 * p < d * (k - 1) + 1:
                            continue
                        for r in (1, 4):
                            values = {"i": i, "k": k, "s": s, "p": p, "d": d, "r": r}
                            points.append({_LETTERS[n]: sp.Integer(v) for n, v in values.items()})
    return points


def judge_size_formula(
    claim: Claim, facts: SizeFormulaFacts, context: DocumentContext
) -> Judgement:
    """A size formula against the engine's, at sizes where a layer exists: right when they
    agree everywhere (or, for a formula without its floor, wherever its quotient is whole and
    the document floors sizes), wrong at a point where they differ."""
    names = dict(facts.names)
    expected_formula = _expected_formula(facts)
    if expected_formula is None:
        return unverified(claim, f"a {facts.quantity} formula without the sizes it needs")
    expected_value, shown = expected_formula
    written = facts.written
    floorless = not written.has(sp.floor, sp.ceiling) and expected_value.has(sp.floor)
    skipped = 0
    for point in _points():
        value = written.xreplace(point)
        truth = expected_value.xreplace(point)
        if not (value.is_number and truth.is_number):
            continue
        if floorless and not value.is_integer:
            skipped += 1
            continue
        if value != truth:
            where = ", ".join(
                f"{names.get(str(symbol), str(symbol))} = {point[symbol]}"
                for symbol in sorted(written.free_symbols, key=str)
            )
            return wrong(
                claim,
                f"the {facts.quantity} is {shown}; at {where} yours gives {value}, not {truth}",
                witness=f"{where}: {value} ≠ {truth}",
            )
    read = ", ".join(f"{names[letter]} as the {_ROLE_NAMES[letter]}" for letter in names
                     if letter in _ROLE_NAMES and names[letter] != letter)  # fmt: skip
    present = {str(symbol) for symbol in written.free_symbols}
    left_out = [_LEFT_OUT[n] for n in ("s", "p", "d") if n not in present]
    if facts.quantity == "receptive field":
        left_out = [_LEFT_OUT[n] for n in ("d",) if n not in present]
    message = f"the {facts.quantity} is {shown}"
    if left_out:
        message += ", here with " + " and ".join(left_out)
    if read:
        message += f" (reading {read})"
    if floorless and skipped:
        if context.rounding == "floor":
            return right(claim, message + "; the document rounds sizes down")
        return right(
            claim,
            message + "; yours agrees wherever the division is exact",
            warnings=("without a floor it is not a size where the division is not exact",),
        )
    return right(claim, message)


_LEFT_OUT = {"s": "stride 1", "p": "no padding", "d": "no dilation"}
_ROLE_NAMES = {
    "i": "input size",
    "o": "output size",
    "k": "kernel size",
    "s": "stride",
    "p": "padding",
    "d": "dilation",
    "r": "receptive field on the output",
}
