"""Pooling on the document's own data: a pooled map, or the gradient pooling sends back.

Tutorials show pooling on explicit numbers: ``MaxPool(X) = [[6, 4], [7, 9]]`` after
``X = [[1, 3, 2, 4], …]``, *average pooling gives* ``[[3.75, 2.25], [4, 5.25]]``, and the backward
pass on a symbolic upstream — ``∂L/∂Y = [[a, b], [c, d]]``, so ``∂L/∂X`` has ``a`` at the
maximum of the first window and zeros elsewhere (max pooling), or ``a/4`` on each entry of it
(average pooling). The value is computed by the engine
(:func:`symconv.problems.tensor_engines.pool_forward` and
:func:`~symconv.problems.tensor_engines.pool_backward`: whole windows, one stride on both axes,
the gradient of a max to its window's maximum), never here.

**The window and the stride** are the ones the words of the section state
(:mod:`symconv.check.pool_words`); a parameter the words leave open takes every value that gives
the written shape (a window of at least 2 on each pooled axis: a window of 1 does not pool).
The statement is *right* only if it is right under every such setting, *wrong* only if it is
wrong under every one (the witness: a position, the value written and the value pooling gives),
otherwise *unverified*, naming what the words leave open.

**The backward of a max at a tie** is a convention (the first maximum, the last, the gradient
split): a window of the data whose maximum is not unique makes a max-pooling gradient
*unverified*; the forward value of a max is the same whatever the convention.

A value written as a decimal (``3.33`` for ``10/3``) agrees when the exact value has more
digits than written and is cut or rounded to it (``3.34`` is neither).

    >>> import sympy as sp
    >>> from symconv.check.model import Claim
    >>> X = sp.Matrix([[1, 3, 2, 4], [5, 6, 1, 2], [7, 2, 9, 1], [3, 4, 5, 6]])
    >>> claim = Claim(1, 1, "MaxPool(X) = …", "matrix")
    >>> settings = candidate_settings(X.shape, (2, 2), {(2,)}, set(), one_dimensional=False)
    >>> settings
    (Setting(window=(2, 2), stride=2),)
    >>> judge_pooled(claim, X, sp.Matrix([[6, 4], [7, 9]]), "max", settings, "").message
    'max pooling of the data (2×2 windows, stride 2) gives this'
    >>> j = judge_pooled(claim, X, sp.Matrix([[6, 4], [7, 6]]), "max", settings, "")
    >>> j.verdict, j.witness
    ('wrong', 'row 2, column 2: written 6, max pooling gives 9')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import sympy as sp

from symconv.check.judges.verdicts import right, unverified, wrong
from symconv.check.model import Claim, Judgement
from symconv.core.safe import as_sympy
from symconv.errors import SymconvError

__all__ = [
    "Setting",
    "candidate_settings",
    "judge_pool_gradient",
    "judge_pool_gradient_entry",
    "judge_pooled",
]

_KIND_WORDS = {"max": "max pooling", "avg": "average pooling"}


@dataclass(frozen=True)
class Setting:
    """One window (rows × columns; ``(1, k)`` for a 1-D signal) and one stride."""

    window: tuple[int, int]
    stride: int

    def describe(self, one_dimensional: bool) -> str:
        if one_dimensional:
            return f"windows of {self.window[1]}, stride {self.stride}"
        return f"{self.window[0]}×{self.window[1]} windows, stride {self.stride}"

    def whole(self, shape: tuple[int, int]) -> bool:
        """The windows cover each axis to its end ((n − k) divisible by the stride): ceil mode
        gives the same map."""
        return all((n - k) % self.stride == 0 for n, k in zip(shape, self.window, strict=True))


def _output_shape(shape: tuple[int, int], setting: Setting) -> tuple[int, int] | None:
    sizes = []
    for length, k in zip(shape, setting.window, strict=True):
        if k > length:
            return None
        sizes.append((length - k) // setting.stride + 1)
    return sizes[0], sizes[1]


def candidate_settings(
    data_shape: tuple[int, int],
    out_shape: tuple[int, int],
    windows: Iterable[tuple[int, ...]],
    strides: Iterable[int],
    *,
    one_dimensional: bool,
) -> tuple[Setting, ...]:
    """Every setting the words allow that takes ``data_shape`` to ``out_shape``: the stated
    windows (else every window of 2 or more), the stated strides (else every stride), the
    windows equal to the stride first (the usual non-overlapping pooling).

    >>> candidate_settings((4, 4), (2, 2), set(), set(), one_dimensional=False)
    (Setting(window=(2, 2), stride=2), Setting(window=(3, 3), stride=1))
    >>> candidate_settings((1, 4), (1, 2), {(2,)}, set(), one_dimensional=True)
    (Setting(window=(1, 2), stride=2),)
    """
    rows, columns = data_shape
    stated = set(windows)
    shapes: set[tuple[int, int]] = set()
    for window in stated:
        if one_dimensional:
            if len(window) == 1:
                shapes.add((1, window[0]))
        else:
            shapes.add((window[0], window[-1]))
    if not stated:
        if one_dimensional:
            shapes = {(1, k) for k in range(2, columns + 1)}
        else:
            shapes = {(a, b) for a in range(2, rows + 1) for b in range(2, columns + 1)}
    steps = set(strides) or set(range(1, max(rows, columns) + 1))
    found = [
        Setting(window, step)
        for window in shapes
        for step in steps
        if _output_shape(data_shape, Setting(window, step)) == tuple(out_shape)
    ]
    found.sort(key=lambda s: (s.stride != s.window[-1], s.window, s.stride))
    return tuple(found)


def _rows(matrix: sp.MatrixBase, one_dimensional: bool) -> Any:
    return list(matrix.row(0)) if one_dimensional else matrix.tolist()


def _as_matrix(value: Any) -> sp.Matrix:
    if isinstance(value, sp.Tuple):
        return sp.Matrix([list(value)])
    return sp.Matrix(value)


def _engine_kind(kind: str) -> Literal["max", "avg"]:
    """The engine's name of a pooling kind (``max`` or ``avg``, the only two this judge reads)."""
    if kind == "max":
        return "max"
    if kind == "avg":
        return "avg"
    raise ValueError(f"no pooling of kind {kind!r}")


def _forward(data: sp.MatrixBase, kind: str, setting: Setting, one_dimensional: bool) -> Any:
    from symconv.problems.tensor_engines import pool_forward

    size: Any = setting.window[1] if one_dimensional else setting.window
    return _as_matrix(
        pool_forward(_rows(data, one_dimensional), size, setting.stride, _engine_kind(kind)).answer
    )


def _backward(
    data: sp.MatrixBase, upstream: sp.MatrixBase, kind: str, setting: Setting, one_dimensional: bool
) -> Any:
    from symconv.problems.tensor_engines import pool_backward

    size: Any = setting.window[1] if one_dimensional else setting.window
    return _as_matrix(
        pool_backward(
            _rows(data, one_dimensional),
            _rows(upstream, one_dimensional),
            size,
            setting.stride,
            _engine_kind(kind),
        ).answer
    )


def _decimals(value: Any) -> int | None:
    """The number of decimals of a value written as a decimal (a denominator 10^d), or None."""
    if not isinstance(value, sp.Rational) or value.q == 1:
        return None
    q, digits = int(value.q), 0
    while q % 10 == 0:
        q //= 10
        digits += 1
    while q % 2 == 0 or q % 5 == 0:  # 1/4 = 0.25: a denominator that divides 10^d
        q //= 2 if q % 2 == 0 else 5
        digits += 1
    return digits if q == 1 else None


def _agrees(expected: Any, written: Any) -> bool:
    difference = sp.expand(expected - written)
    if difference == 0:
        return True
    digits = _decimals(written)
    if digits is None or not expected.is_Rational:
        return False
    scaled = expected * 10**digits
    if scaled.q == 1:
        return False  # 2.5 written 2.6: no more digits than written, and not equal
    # 10/3 written 3.33 (cut or rounded to the digits written; 3.34 is neither)
    cut = sp.sign(scaled) * sp.floor(abs(scaled))
    nearest = {sp.floor(scaled + sp.Rational(1, 2)), sp.ceiling(scaled - sp.Rational(1, 2))}
    return written * 10**digits in {cut, *nearest}


def agrees(expected: Any, written: Any) -> bool:
    """The written entry is the exact one, or the exact one cut or rounded to its digits.

    >>> third, R = sp.Rational(10, 3), sp.Rational
    >>> agrees(third, R(333, 100)), agrees(third, R(334, 100)), agrees(R(-2, 3), R(-67, 100))
    (True, False, True)
    >>> agrees(R(13, 4), R(33, 10)), agrees(R(5, 2), R(26, 10))
    (True, False)
    """
    return _agrees(expected, written)


def _first_difference(expected: sp.MatrixBase, written: sp.MatrixBase) -> tuple[int, int] | None:
    for r in range(expected.rows):
        for c in range(expected.cols):
            if not _agrees(expected[r, c], written[r, c]):
                return r, c
    return None


def shown_number(value: Any) -> str:
    """A value as a reader writes it: ``3.75`` for 15/4, ``10/3``, ``a/4``.

    >>> shown_number(sp.Rational(15, 4)), shown_number(sp.Rational(10, 3))
    ('3.75', '10/3')
    """
    digits = _decimals(value)
    if digits is not None and digits <= 8:
        return f"{float(value):.{digits}f}"
    return sp.sstr(value)


def shown_matrix(value: sp.MatrixBase, one_dimensional: bool = False) -> str:
    """``[[6, 4], [7, 9]]`` (``[3, 5]`` for a 1-D signal)."""
    rows = ["[" + ", ".join(shown_number(v) for v in value.row(r)) + "]" for r in range(value.rows)]
    return rows[0] if one_dimensional else "[" + ", ".join(rows) + "]"


def _position(r: int, c: int, one_dimensional: bool) -> str:
    return f"entry {c + 1}" if one_dimensional else f"row {r + 1}, column {c + 1}"


def _describe_open(open_words: str) -> str:
    return f" ({open_words})" if open_words else ""


def _decide(
    claim: Claim,
    written: sp.MatrixBase,
    outcomes: Sequence[tuple[Setting, Any]],
    what: str,
    one_dimensional: bool,
    open_words: str,
    diagnose: Any = None,
) -> Judgement:
    """Right if every setting gives ``written``, wrong if none does, else unverified."""
    agreeing = [s for s, value in outcomes if _first_difference(value, written) is None]
    if len(agreeing) == len(outcomes):
        settings = "; ".join(s.describe(one_dimensional) for s, _ in outcomes)
        message = f"{what} ({settings}) gives this"
        if len(outcomes) > 1:
            message = f"{what} gives this with every window and stride the text allows ({settings})"
        return right(claim, message)
    if not agreeing:
        setting, value = outcomes[0]
        r, c = _first_difference(value, written) or (0, 0)
        witness = (
            f"{_position(r, c, one_dimensional)}: written {shown_number(written[r, c])}, "
            f"{what.split(' of ')[0]} gives {shown_number(value[r, c])}"
        )
        others = " (and under every other window and stride the text allows)" * (len(outcomes) > 1)
        return wrong(
            claim,
            f"{what} ({setting.describe(one_dimensional)}) gives "
            f"{shown_matrix(value, one_dimensional)}, not this{others}",
            expected=_shown(value, one_dimensional),
            witness=witness,
            diagnosis=diagnose(setting, value) if diagnose is not None else None,
        )
    first = agreeing[0].describe(one_dimensional)
    other = next(s for s, _ in outcomes if s not in agreeing).describe(one_dimensional)
    return unverified(
        claim,
        f"right with {first}, not with {other}; the text does not say which"
        + _describe_open(open_words),
    )


def _shown(value: sp.MatrixBase, one_dimensional: bool) -> Any:
    return sp.Tuple(*value.row(0)) if one_dimensional else sp.ImmutableMatrix(value)


def judge_pooled(
    claim: Claim,
    data: sp.MatrixBase,
    written: sp.MatrixBase,
    kind: str,
    settings: Sequence[Setting],
    open_words: str,
    *,
    one_dimensional: bool = False,
) -> Judgement:
    """A pooled map written for the data: compared with the engine's under each setting."""
    what = f"{_KIND_WORDS[kind]} of the data"
    if not settings:
        return unverified(
            claim,
            f"no window and stride the text allows take the data ({data.rows}×{data.cols}) "
            f"to the {written.rows}×{written.cols} written",
        )
    outcomes = [(s, _forward(data, kind, s, one_dimensional)) for s in settings]
    other = "avg" if kind == "max" else "max"

    def diagnose(setting: Setting, value: sp.MatrixBase) -> str | None:
        if value.shape[::-1] == written.shape and _first_difference(value.T, written) is None:
            return "the pooled map transposed"
        try:
            alternative = _forward(data, other, setting, one_dimensional)
        except SymconvError:
            return None
        if _first_difference(alternative, written) is None:
            return f"this is {_KIND_WORDS[other]}, not {_KIND_WORDS[kind]}"
        return None

    return _decide(claim, written, outcomes, what, one_dimensional, open_words, diagnose)


def _windows(data: sp.MatrixBase, setting: Setting) -> Iterable[tuple[int, int, list[Any]]]:
    """Each window's top-left corner and entries."""
    out = _output_shape(data.shape, setting)
    if out is None:
        return
    k1, k2 = setting.window
    for a in range(out[0]):
        for b in range(out[1]):
            top, left = a * setting.stride, b * setting.stride
            yield top, left, [data[top + i, left + j] for i in range(k1) for j in range(k2)]


def _tie(data: sp.MatrixBase, setting: Setting, one_dimensional: bool) -> str | None:
    """Where a window of the data reaches its maximum more than once, in words, or None."""
    for top, left, window in _windows(data, setting):
        largest = max(window)
        if sum(1 for v in window if v == largest) > 1:
            k1, k2 = setting.window
            if one_dimensional:
                where = f"the window of entries {left + 1}–{left + k2}"
            else:
                where = f"the window of rows {top + 1}–{top + k1}, columns {left + 1}–{left + k2}"
            return f"{where} has its maximum {shown_number(largest)} twice"
    return None


def judge_pool_gradient(
    claim: Claim,
    data: sp.MatrixBase,
    upstream: sp.MatrixBase,
    written: sp.MatrixBase,
    kind: str,
    settings: Sequence[Setting],
    open_words: str,
    *,
    one_dimensional: bool = False,
) -> Judgement:
    """∂L/∂X written for the data and the document's upstream ∂L/∂Y (see the module)."""
    if not settings:
        return unverified(
            claim,
            f"no window and stride the text allows take the data ({data.rows}×{data.cols}) "
            f"to the upstream gradient ({upstream.rows}×{upstream.cols})",
        )
    unknown = written.free_symbols - upstream.free_symbols
    if unknown:
        names = ", ".join(sorted(str(s) for s in unknown))
        return unverified(claim, f"{names}: not entries of the upstream gradient written before")
    ties = [(s, t) for s in settings if (t := _tie(data, s, one_dimensional)) is not None]
    if kind == "max" and ties:
        setting, where = ties[0]
        several = len(settings) > 1
        under = f" (with {setting.describe(one_dimensional)})" * several
        still_open = f"; {open_words}" if open_words and several else ""
        return unverified(
            claim,
            f"{where}{under}: where the gradient goes is then a convention (the first maximum, "
            f"or split between them){still_open}",
        )
    outcomes = [(s, _backward(data, upstream, kind, s, one_dimensional)) for s in settings]
    what = f"the gradient through {_KIND_WORDS[kind]} of the data"

    def diagnose(setting: Setting, value: sp.MatrixBase) -> str | None:
        if kind == "max" and sorted(map(str, value)) == sorted(map(str, written)):
            return "an upstream entry routed to a position that is not its window's maximum"
        return None

    return _decide(claim, written, outcomes, what, one_dimensional, open_words, diagnose)


def _tie_at(
    data: sp.MatrixBase, setting: Setting, entry: tuple[int, int], one_dimensional: bool
) -> str | None:
    """A window covering ``entry`` whose maximum is not unique, in words, or None."""
    k1, k2 = setting.window
    for top, left, window in _windows(data, setting):
        inside = top <= entry[0] < top + k1 and left <= entry[1] < left + k2
        largest = max(window)
        if inside and sum(1 for v in window if v == largest) > 1:
            if one_dimensional:
                where = f"the window of entries {left + 1}–{left + k2}"
            else:
                where = f"the window of rows {top + 1}–{top + k1}, columns {left + 1}–{left + k2}"
            return f"{where} has its maximum {shown_number(largest)} twice"
    return None


def judge_pool_gradient_entry(
    claim: Claim,
    data: sp.MatrixBase,
    upstream: sp.MatrixBase,
    entry: tuple[int, int],
    written: Any,
    kind: str,
    settings: Sequence[Setting],
    open_words: str,
    *,
    one_dimensional: bool = False,
) -> Judgement:
    """One entry of ∂L/∂X (``entry``: 0-based row and column) written for the data and the
    document's upstream ∂L/∂Y: right if every setting gives it, wrong if none does.

    >>> X = sp.Matrix([[1, 3, 2, 4], [5, 6, 1, 2], [7, 2, 9, 1], [3, 4, 5, 6]])
    >>> a, b, c, d = sp.symbols("a b c d")
    >>> U, claim = sp.Matrix([[a, b], [c, d]]), Claim(1, 1, "∂L/∂x_{11} = a/4", "derivative")
    >>> setting = (Setting((2, 2), 2),)
    >>> judge_pool_gradient_entry(claim, X, U, (0, 0), a / 4, "avg", setting, "").verdict
    'right'
    >>> j = judge_pool_gradient_entry(claim, X, U, (0, 0), a, "max", setting, "")
    >>> j.verdict, j.witness
    ('wrong', 'row 1, column 1: written a, the gradient through max pooling gives 0')
    """
    where = _position(*entry, one_dimensional)
    if not settings:
        return unverified(
            claim,
            f"no window and stride the text allows take the data ({data.rows}×{data.cols}) "
            f"to the upstream gradient ({upstream.rows}×{upstream.cols})",
        )
    unknown = as_sympy(written).free_symbols - upstream.free_symbols
    if unknown:
        names = ", ".join(sorted(str(s) for s in unknown))
        return unverified(claim, f"{names}: not entries of the upstream gradient written before")
    if kind == "max":
        ties = [(s, t) for s in settings if (t := _tie_at(data, s, entry, one_dimensional))]
        if ties:
            return unverified(
                claim,
                f"{ties[0][1]}: where the gradient goes is then a convention (the first "
                "maximum, or split between them)",
            )
    what = f"the gradient through {_KIND_WORDS[kind]}"
    values = [(s, _backward(data, upstream, kind, s, one_dimensional)[entry]) for s in settings]
    agreeing = [s for s, value in values if _agrees(value, written)]
    if len(agreeing) == len(values):
        shown = "; ".join(s.describe(one_dimensional) for s, _ in values)
        return right(claim, f"{what} of the data ({shown}) gives this at {where}")
    if not agreeing:
        setting, value = values[0]
        others = " (and under every other window and stride the text allows)" * (len(values) > 1)
        return wrong(
            claim,
            f"{what} of the data ({setting.describe(one_dimensional)}) gives "
            f"{shown_number(value)} at {where}, not this{others}",
            expected=value,
            witness=f"{where}: written {shown_number(written)}, {what} gives {shown_number(value)}",
        )
    first = agreeing[0].describe(one_dimensional)
    other = next(s for s, _ in values if s not in agreeing).describe(one_dimensional)
    return unverified(
        claim,
        f"right with {first}, not with {other}; the text does not say which"
        + _describe_open(open_words),
    )
