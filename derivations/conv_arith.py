"""Problem set ``conv-arith``: the fifteen relationships of Dumoulin & Visin's guide.

Source: V. Dumoulin and F. Visin, "A guide to convolution arithmetic for deep learning" (2016),
arXiv:1603.07285, relationships 1–15; PyTorch's ``ConvTranspose`` ``output_padding`` for the
general transpose. Every answer is derived by :mod:`symconv.sizes.shapes` from the general formula
with the setting's values substituted — none is typed in. Sizes are symbols: input ``i``, kernel
``k``, stride ``s``, zero padding ``p`` (each side), dilation ``d``; transposed input ``i'``; an odd
kernel is written ``k = 2t + 1``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import sympy as sp

from symconv.core.derivation import Derivation
from symconv.problems.model import Exercise, Misconception, Part, ProblemSet, Solution
from symconv.sizes.shapes import (
    conv_output_size,
    pool_output_size,
    transposed_output_size,
)

SOURCE = (
    'V. Dumoulin and F. Visin, "A guide to convolution arithmetic for deep learning", '
    "arXiv:1603.07285 (2016)"
)
CONVENTIONS = (
    "convolution means cross-correlation, as in deep-learning libraries",
    "square input i, kernel k, stride s, zero padding p on each side, dilation d",
)


def _positive(name: str) -> sp.Symbol:
    return sp.Symbol(name, integer=True, positive=True)


def _nonnegative(name: str) -> sp.Symbol:
    return sp.Symbol(name, integer=True, nonnegative=True)


i, k, s, d, i_t = (_positive(name) for name in ("i", "k", "s", "d", "i'"))
p, t, a = (_nonnegative(name) for name in ("p", "t", "a"))


@dataclass(frozen=True)
class Relationship:
    """One row of the guide: its setting, and how the engine derives it."""

    number: int
    setting: str
    derive: Callable[[], Derivation]
    misconceptions: Callable[[], tuple[Misconception, ...]] = lambda: ()


def _floor_dropped(expr: sp.Expr) -> sp.Expr:
    return expr.replace(sp.floor, lambda arg: arg)


def _transpose_with_equivalent_padding(
    forward_padding: sp.Expr, kernel: sp.Expr = k, stride: sp.Expr = 1, output_padding: sp.Expr = 0
) -> Callable[[], Derivation]:
    """o' of the transpose, derived through the equivalent direct convolution (its padding p' is
    one of the steps); ``details["equivalent_padding"]`` is p'."""

    def derive() -> Derivation:
        size = transposed_output_size(i_t, kernel, stride, forward_padding, 1, output_padding)
        before, _after = size.details["equivalent_padding"]
        return replace(size, details={**size.details, "equivalent_padding": before})

    return derive


RELATIONSHIPS: tuple[Relationship, ...] = (
    Relationship(1, "s = 1, p = 0", lambda: conv_output_size(i, k)),
    Relationship(2, "s = 1, any p", lambda: conv_output_size(i, k, 1, p)),
    Relationship(
        3,
        "half ('same') padding: k = 2t + 1 odd, s = 1, p = ⌊k/2⌋ = t",
        lambda: conv_output_size(i, 2 * t + 1, 1, t),
        lambda: (
            Misconception(conv_output_size(i, 2 * t + 1).answer, "padding forgotten (valid size)"),
        ),
    ),
    Relationship(4, "full padding: s = 1, p = k − 1", lambda: conv_output_size(i, k, 1, k - 1)),
    Relationship(
        5,
        "p = 0, any s",
        lambda: conv_output_size(i, k, s),
        lambda: (
            Misconception(
                _floor_dropped(conv_output_size(i, k, s).answer),
                "floor omitted: exact only when s divides i − k",
            ),
        ),
    ),
    Relationship(6, "general: any p, any s", lambda: conv_output_size(i, k, s, p)),
    Relationship(7, "pooling, no padding, any s", lambda: pool_output_size(i, k, s)),
    Relationship(8, "transpose of (s = 1, p = 0)", _transpose_with_equivalent_padding(0)),
    Relationship(9, "transpose of (s = 1, any p)", _transpose_with_equivalent_padding(p)),
    Relationship(
        10,
        "transpose of half padding (k = 2t + 1, s = 1, p = t)",
        _transpose_with_equivalent_padding(t, kernel=2 * t + 1),
    ),
    Relationship(
        11,
        "transpose of full padding (s = 1, p = k − 1)",
        _transpose_with_equivalent_padding(k - 1),
    ),
    Relationship(
        12,
        "transpose of (p = 0, any s), i − k a multiple of s (so a = 0)",
        _transpose_with_equivalent_padding(0, stride=s),
    ),
    Relationship(
        13,
        "transpose of (any p, any s), i + 2p − k a multiple of s (so a = 0)",
        _transpose_with_equivalent_padding(p, stride=s),
    ),
    Relationship(
        14,
        "general transpose: a = (i + 2p − k) mod s extra zeros (PyTorch's output_padding)",
        _transpose_with_equivalent_padding(p, stride=s, output_padding=a),
        lambda: (
            Misconception(
                transposed_output_size(i_t, k, s, p).answer,
                "output_padding a omitted: the transpose cannot tell which input size i it came "
                "from when s does not divide i + 2p − k",
            ),
        ),
    ),
    Relationship(
        15,
        "dilation d, any p, any s",
        lambda: conv_output_size(i, k, s, p, d),
        lambda: (
            Misconception(
                conv_output_size(i, k * d, s, p).answer,
                "dilated kernel extent taken as k·d instead of k + (k − 1)(d − 1)",
            ),
        ),
    ),
)


def _part(relationship: Relationship) -> Part:
    identifier = f"conv-arith-{relationship.number}"

    def build() -> Solution:
        return Solution(relationship.derive(), misconceptions=relationship.misconceptions())

    question = f"Relationship {relationship.number}: the output size when {relationship.setting}."
    return Part(identifier, question, build)


def problem_set() -> ProblemSet:
    exercises = [
        Exercise(
            id=f"conv-arith-{r.number}",
            title=f"Relationship {r.number}: {r.setting}",
            statement="",
            parts=[_part(r)],
            source=SOURCE,
            conventions=CONVENTIONS,
        )
        for r in RELATIONSHIPS
    ]
    return ProblemSet(
        id="conv-arith",
        title="Convolution arithmetic (Dumoulin & Visin)",
        source=SOURCE,
        exercises=exercises,
        conventions=CONVENTIONS,
        # the sizes of Dumoulin & Visin's relationships: s (i' - 1) is s times (i' - 1)
        quantities=("i", "k", "s", "p", "d", "a", "o", "t", "i'", "o'", "p'"),
    )
