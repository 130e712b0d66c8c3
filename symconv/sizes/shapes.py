"""Shape arithmetic of convolution layers: output sizes, padding, transposes, receptive fields.

Every function takes sizes as Python ints or SymPy integer expressions and returns a
:class:`~symconv.core.derivation.Derivation` whose steps are the worked formula: the formula in
symbols,
the same with the user's numbers put in (``Step(values=...)``), the result. ``answer`` is the bare
value (an ``Integer``, a SymPy expression, or a ``Tuple`` for a shape). Notation: Dumoulin & Visin,
"A guide to convolution arithmetic for deep learning" (2016, arXiv:1603.07285) — input size ``i``,
kernel ``k``, stride ``s``, zero padding ``p`` on each side, dilation ``d``, output ``o``; the
transposed convolution's input is ``i'`` and its output ``o'``.

    >>> d = conv_output_size(48, 3)
    >>> d.answer
    46
    >>> print(d.latex())
    \\begin{aligned}
    o &= \\left\\lfloor{\\frac{i + 2 p - d \\left(k - 1\\right) - 1}{s}}\\right\\rfloor + 1
      && \\text{Dumoulin \\& Visin (2016), relationship 15} \\\\
    &= \\left\\lfloor{\\frac{48 + 2 \\cdot 0 - 1 \\cdot \\left(3 - 1\\right)
      - 1}{1}}\\right\\rfloor + 1 \\\\
    &= 46
    \\end{aligned}

Symbolic sizes give the relationships of the guide; with ``s = 1`` and ``p = 0`` the general
formula becomes relationship 1:

    >>> import sympy as sp
    >>> i, k = sp.symbols("i k", integer=True, positive=True)
    >>> conv_output_size(i, k).answer
    i - k + 1

Invalid sizes raise :class:`~symconv.errors.ShapeError` with the formula and the numbers:

    >>> conv_output_size(2, 3)
    Traceback (most recent call last):
    ...
    symconv.errors.ShapeError: o = ⌊(2 + 2·0 − 1·(3−1) − 1)/1⌋ + 1 = 0 < 1: the dilated kernel \
(extent d(k−1) + 1 = 3) is larger than the padded input (i + 2p = 2)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeAlias

import numpy as np
import sympy as sp

from symconv.conv.geometry import ConvSpec
from symconv.core.derivation import Check, CheckResult, Derivation, NumericTwin, Step
from symconv.core.safe import as_sympy
from symconv.errors import ShapeError
from symconv.sizes.worked import display_size as _num
from symconv.sizes.worked import size_parameter, symbolic_twin, worked_steps

Size: TypeAlias = int | sp.Expr

#: Dumoulin & Visin (2016) is the source of the size formulas below.
GUIDE = "Dumoulin & Visin (2016)"


# ----------------------------------------------------------------------------------------------
# Display symbols (Dumoulin & Visin's letters) and written-order formulas
# ----------------------------------------------------------------------------------------------
def _positive(name: str) -> sp.Symbol:
    return sp.Symbol(name, integer=True, positive=True)


def _nonnegative(name: str) -> sp.Symbol:
    return sp.Symbol(name, integer=True, nonnegative=True)


i_, k_, s_, d_ = (_positive(name) for name in ("i", "k", "s", "d"))
p_, a_ = _nonnegative("p"), _nonnegative("a")
p_before_, p_after_ = _nonnegative("p_b"), _nonnegative("p_a")
o_, o_prime_, i_prime_, p_prime_ = (
    sp.Symbol("o", integer=True),
    sp.Symbol("o'", integer=True),
    _positive("i'"),
    sp.Symbol("p'", integer=True),
)
extent_ = sp.Symbol(r"\hat{k}", integer=True, positive=True)


def written(*terms: Any) -> sp.Expr:
    """A sum kept in the order it is written (``evaluate=False``); its value is unchanged.

    The LaTeX printer sorts the terms of an ``Add`` unless it is told to keep their order; the
    substitution of numbers (``xreplace``) evaluates the sum as usual.
    """
    return sp.Add(*terms, evaluate=False)


# Dumoulin & Visin (2016), relationship 15, with p_b zeros before and p_a after the input:
#   o = ⌊(i + p_b + p_a − d(k − 1) − 1)/s⌋ + 1,
# the number of window positions s·j (j = 0, 1, ...) whose last tap s·j + d(k − 1) is still inside
# the padded input of length i + p_b + p_a. With p_b = p_a = p it is ⌊(i + 2p − d(k−1) − 1)/s⌋ + 1;
# relationships 1–7 are its special cases. The same formula, evaluated, is ConvSpec.output_size.
CONV_OUTPUT = sp.floor(written(i_, 2 * p_, -d_ * (k_ - 1), -1) / s_) + 1
CONV_OUTPUT_ASYMMETRIC = sp.floor(written(i_, p_before_, p_after_, -d_ * (k_ - 1), -1) / s_) + 1

# PyTorch's ceil_mode (aten/src/ATen/native/Pool.h, pooling_output_shape): round the window
# count up, o = ⌊(i + 2p − d(k − 1) − 1 + (s − 1))/s⌋ + 1, then drop the last window if it would
# start in the right padding, i.e. if (o − 1)·s ≥ i + p.
POOL_CEIL_OUTPUT = sp.floor(written(i_, 2 * p_, -d_ * (k_ - 1), -1, s_ - 1) / s_) + 1

# Dumoulin & Visin (2016), relationship 14 with dilation: the transposed convolution of a
# convolution (i, k, s, p, d) maps i' = o inputs back to
#   o' = s(i' − 1) − 2p + d(k − 1) + a + 1,
# with a = (i + 2p − d(k − 1) − 1) mod s the inputs the forward convolution left unread at the end
# (PyTorch's output_padding; ConvTranspose documentation).
TRANSPOSED_OUTPUT = written(s_ * (i_prime_ - 1), -2 * p_, d_ * (k_ - 1), a_, 1)
OUTPUT_PADDING = sp.Mod(written(i_, 2 * p_, -d_ * (k_ - 1), -1), s_, evaluate=False)

# The transposed convolution equals a direct convolution with stride 1 over the input stretched by
# s − 1 zeros between entries, padded p' = d(k − 1) − p before and p' + a after (Dumoulin & Visin
# 2016, relationships 8–14; for d = 1, p' = k − p − 1):
#   ĩ = i' + (i' − 1)(s − 1) = s(i' − 1) + 1 entries once stretched (relationship 12),
#   o' = ⌊(ĩ + p' + p' + a − d(k − 1) − 1)/1⌋ + 1 = ĩ + p' + p' + a − d(k − 1)  (relationship 15,
#   s = 1: n padded entries give n − d(k − 1) windows),
# which collects to TRANSPOSED_OUTPUT (relationship 14).
i_tilde_ = sp.Symbol(r"\tilde{i}", integer=True, positive=True)
STRETCHED_INPUT = written(s_ * (i_prime_ - 1), 1)
EQUIVALENT_PADDING = written(d_ * (k_ - 1), -p_)
STRETCHED_OUTPUT = written(i_tilde_, p_prime_, p_prime_, a_, -d_ * (k_ - 1))
STRETCHED_OUTPUT_EXPANDED = written(
    STRETCHED_INPUT, EQUIVALENT_PADDING, EQUIVALENT_PADDING, a_, -d_ * (k_ - 1)
)

# Dilated kernel extent (Dumoulin & Visin 2016, §5.1; Qiu, nndl §5.3.2.2): d − 1 holes between
# neighbouring taps, k̂ = k + (k − 1)(d − 1) = d(k − 1) + 1.
DILATED_EXTENT = written(k_, (k_ - 1) * (d_ - 1))

# Equal-width ("same") padding, stride 1 (Qiu, nndl exercise 5-8): o = i + 2p − d(k − 1) = i
# needs 2p = d(k − 1), so p = d(k − 1)/2, an integer only when d(k − 1) is even.
SAME_PADDING = d_ * (k_ - 1) / 2


# ----------------------------------------------------------------------------------------------
# Independent references for the twins: count what the formulas count, with loops.
# ----------------------------------------------------------------------------------------------
def count_windows(i: int, k: int, s: int, p_b: int, p_a: int, d: int) -> int:
    """Window positions s·j whose last tap s·j + d(k−1) lies inside the padded input."""
    count, start = 0, 0
    while start + d * (k - 1) <= i + p_b + p_a - 1:
        count, start = count + 1, start + s
    return count


def count_ceil_windows(i: int, k: int, s: int, p: int, d: int) -> int:
    """PyTorch ceil_mode: windows start at 0, s, 2s, … of the padded input; one counts while it
    runs past the padded end by fewer than s positions (the rounding up), and only if it starts
    inside the left padding or the input (a window starting in the right padding is dropped)."""
    extent, padded = d * (k - 1) + 1, i + 2 * p
    count, start = 0, 0
    while start + extent - padded <= s - 1 and start < i + p:
        count, start = count + 1, start + s
    return count


def smallest_input_for(outputs: int, k: int, s: int, p: int, d: int) -> int:
    """The smallest input size whose convolution has ``outputs`` outputs, by search."""
    # Below d(k − 1) + 1 − 2p not even one window fits; the search starts there (a "size" below 1
    # only arises with padding wider than the kernel, and is still a valid bookkeeping value).
    size = d * (k - 1) + 1 - 2 * p
    while count_windows(size, k, s, p, p, d) < outputs:
        size += 1
    if count_windows(size, k, s, p, p, d) != outputs:
        raise ShapeError(f"no input size gives {outputs} outputs with k={k}, s={s}, p={p}, d={d}")
    return size


def _conv_sizes_ok(
    i: int, k: int, s: int, d: int, p: int = 0, p_b: int = -1, p_a: int = -1
) -> bool:
    before, after = (p, p) if p_b < 0 else (p_b, p_a)
    return min(i, k, s, d) >= 1 and min(before, after) >= 0 and i + before + after > d * (k - 1)


def _count_conv(i: int, k: int, s: int, d: int, p: int = 0, p_b: int = -1, p_a: int = -1) -> int:
    before, after = (p, p) if p_b < 0 else (p_b, p_a)
    return count_windows(i, k, s, before, after, d)


# ----------------------------------------------------------------------------------------------
# Output size of a convolution
# ----------------------------------------------------------------------------------------------
def _conv_parameters(
    i: object, k: object, s: object, p: object, d: object
) -> tuple[sp.Expr, sp.Expr, sp.Expr, sp.Expr, sp.Expr]:
    return (
        size_parameter(i, "input size i", 1),
        size_parameter(k, "kernel size k", 1),
        size_parameter(s, "stride s", 1, "a stride of 0 never advances the window"),
        size_parameter(p, "padding p", 0),
        size_parameter(d, "dilation d", 1, "d = 1 is an ordinary kernel"),
    )


def _window_message(
    i: sp.Expr, k: sp.Expr, s: sp.Expr, p: sp.Expr, q: sp.Expr | None, d: sp.Expr, o: sp.Expr
) -> str:
    """``o = ⌊(2 + 2·0 − 1·(3−1) − 1)/1⌋ + 1 = 0 < 1: ...`` with the user's numbers."""
    if q is None:
        text = f"⌊({_num(i)} + 2·{_num(p)} − {_num(d)}·({_num(k)}−1) − 1)/{_num(s)}⌋ + 1"
        padded = f"i + 2p = {i + 2 * p}"
    else:
        text = f"⌊({_num(i)} + {_num(p)} + {_num(q)} − {_num(d)}·({_num(k)}−1) − 1)/{_num(s)}⌋ + 1"
        padded = f"i + p_b + p_a = {i + p + q}"
    return (
        f"o = {text} = {o} < 1: the dilated kernel (extent d(k−1) + 1 = {d * (k - 1) + 1}) "
        f"is larger than the padded input ({padded})"
    )


def conv_output_size(
    i: Size, k: Size, s: Size = 1, p: Size = 0, d: Size = 1, *, padding_after: Size | None = None
) -> Derivation:
    """Output size of a convolution along one axis: o = ⌊(i + 2p − d(k−1) − 1)/s⌋ + 1.

    ``p`` zeros pad each side, or, with ``padding_after``, ``p`` before and ``padding_after``
    after. Covers relationships 1–7 and 15 of Dumoulin & Visin (2016). The value is
    :meth:`ConvSpec.output_size <symconv.conv.geometry.ConvSpec.output_size>`'s.

    >>> conv_output_size(5, 3, s=2, p=1).answer
    3
    >>> conv_output_size(6, 2, padding_after=1).answer
    6
    >>> import sympy as sp
    >>> i, k, s = sp.symbols("i k s", integer=True, positive=True)
    >>> conv_output_size(i, k, s).answer   # relationship 5
    floor((i - k)/s) + 1
    """
    i, k, s, p, d = _conv_parameters(i, k, s, p, d)
    q = None if padding_after is None else size_parameter(padding_after, "padding_after p_a", 0)
    spec = ConvSpec.make(
        k,
        dims=1,
        stride=s,
        padding=((p, p if q is None else q),),
        dilation=d,
        batch=False,
        channels=False,
    )
    if q is None:
        formula, values = CONV_OUTPUT, {i_: i, k_: k, s_: s, p_: p, d_: d}
        padding_note = "p zeros on each side of the input"
    else:
        formula = CONV_OUTPUT_ASYMMETRIC
        values = {i_: i, k_: k, s_: s, p_before_: p, p_after_: q, d_: d}
        padding_note = "p_b zeros before the input and p_a after it"
    try:
        out = spec.output_size(0, i)
    except ShapeError as error:
        message = _window_message(i, k, s, p, q, d, formula.xreplace(values))
        raise ShapeError(message) from error
    answer = out if out.is_number else sp.simplify(out)
    return Derivation(
        title="Output size of a convolution",
        question=_question("Output size", values),
        steps=worked_steps(o_, formula, values, answer, f"{GUIDE}, relationship 15"),
        answer=answer,
        answer_lhs=o_,
        conventions=(
            "cross-correlation geometry (flipping the kernel changes no size)",
            padding_note,
            "a window counts only if it lies entirely inside the padded input (floor)",
            "dilation d puts d − 1 holes between neighbouring kernel taps",
        ),
        numeric=symbolic_twin(
            "closed form vs counted window positions",
            values,
            answer,
            formula.doit(),
            _count_conv,
            _conv_sizes_ok,
        ),
        details={"spec": spec},
    )


def _dedupe(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _question(what: str, values: Mapping[sp.Symbol, Any]) -> str:
    return f"{what} for " + ", ".join(f"{letter} = {value}" for letter, value in values.items())


# ----------------------------------------------------------------------------------------------
# Pooling (PyTorch's rule, with ceil_mode)
# ----------------------------------------------------------------------------------------------
def _pool_padding_ok(k: sp.Expr, p: sp.Expr) -> None:
    # PyTorch (max_pool1d/2d, avg_pool): "padding should be at most half of kernel size",
    # p ≤ k/2 with the undilated window size k, i.e. 2p ≤ k.
    if (2 * p - k).is_positive:
        raise ShapeError(
            f"pooling padding p={p} with window k={k}: 2p = {2 * p} > k = {k}; PyTorch allows "
            "at most half the window size as padding"
        )


def _pool_sizes_ok(i: int, k: int, s: int, p: int, d: int) -> bool:
    return _conv_sizes_ok(i, k, s, d, p) and 2 * p <= k


def _pool_ceil_sizes_ok(i: int, k: int, s: int, p: int, d: int) -> bool:
    """ceil_mode admits a window that runs up to s − 1 positions past the padded input."""
    return min(i, k, s, d) >= 1 and p >= 0 and 2 * p <= k and i + 2 * p + s - 1 > d * (k - 1)


def _ceil_window_message(
    i: sp.Expr, k: sp.Expr, s: sp.Expr, p: sp.Expr, d: sp.Expr, o: sp.Expr
) -> str:
    """``o = ⌈(1 + 2·0 − 1·(3−1) − 1)/1⌉ + 1 = -1 < 1: ...`` with the user's numbers."""
    text = f"⌈({_num(i)} + 2·{_num(p)} − {_num(d)}·({_num(k)}−1) − 1)/{_num(s)}⌉ + 1"
    extent = d * (k - 1) + 1
    return (
        f"o = {text} = {o} < 1: with ceil_mode a window may run past the padded input (i + 2p = "
        f"{i + 2 * p}) by at most s − 1 = {s - 1}, but the dilated kernel (extent d(k−1) + 1 = "
        f"{extent}) runs past it by {extent - i - 2 * p}"
    )


def pool_output_size(
    i: Size, k: Size, s: Size | None = None, p: Size = 0, d: Size = 1, ceil_mode: bool = False
) -> Derivation:
    """Output size of max/average pooling along one axis, by PyTorch's rule.

    The stride defaults to the window size ``k`` (PyTorch). Floor mode is the convolution's
    formula (Dumoulin & Visin 2016, relationship 7); ``ceil_mode`` rounds up, then drops a last
    window that would start in the right padding.

    >>> pool_output_size(5, 2).answer, pool_output_size(5, 2, ceil_mode=True).answer
    (2, 3)
    >>> d = pool_output_size(2, 2, s=3, p=1, ceil_mode=True)
    >>> d.answer
    1
    >>> print(d.steps[-1].reason)
    the last window would start at (o - 1)s = 3 >= i + p = 3, in the right padding only: dropped

    In ceil mode one window may run past the padded input by fewer than ``s`` positions, so a
    window longer than the input still gives an output when it starts inside the input:

    >>> pool_output_size(1, 2, ceil_mode=True).answer
    1
    >>> pool_output_size(1, 3, s=2, ceil_mode=True)
    Traceback (most recent call last):
    ...
    symconv.errors.ShapeError: o = ⌈(1 + 2·0 − 1·(3−1) − 1)/2⌉ + 1 = 0 < 1: with ceil_mode a \
window may run past the padded input (i + 2p = 1) by at most s − 1 = 1, but the dilated kernel \
(extent d(k−1) + 1 = 3) runs past it by 2
    """
    i, k, _, p, d = _conv_parameters(i, k, 1, p, d)
    s = k if s is None else size_parameter(s, "stride s", 1, "a stride of 0 never advances")
    _pool_padding_ok(k, p)
    conventions = (
        "stride defaults to the window size k (PyTorch)",
        "p zeros (or −∞ for max pooling) on each side, at most half the window (PyTorch)",
    )
    if not ceil_mode:
        floor_mode = conv_output_size(i, k, s, p, d)
        return Derivation(
            title="Output size of pooling",
            question=floor_mode.question,
            steps=(
                Step(o_, CONV_OUTPUT, reason=f"{GUIDE}, relationships 7 and 15"),
                *floor_mode.steps[1:],
            ),
            answer=floor_mode.answer,
            answer_lhs=o_,
            conventions=_dedupe((*conventions, *floor_mode.conventions[2:])),
            numeric=floor_mode.numeric,
            details=floor_mode.details,
        )
    # Not the floor-mode size first: a layer whose one window starts inside the input and runs
    # past the padded end (i = 1, k = 2, ceil_mode) is valid in ceil mode only.
    values = {i_: i, k_: k, s_: s, p_: p, d_: d}
    rounded_up = POOL_CEIL_OUTPUT.xreplace(values)
    if (rounded_up < 1) is sp.true:
        raise ShapeError(_ceil_window_message(i, k, s, p, d, rounded_up))
    starts_in_padding = as_sympy((rounded_up - 1) * s >= i + p)
    steps = list(
        worked_steps(o_, POOL_CEIL_OUTPUT, values, rounded_up, "PyTorch ceil_mode: round up")
    )
    if starts_in_padding is sp.true:
        answer = rounded_up - 1
        steps.append(
            Step(
                None,
                answer,
                reason=f"the last window would start at (o - 1)s = {(rounded_up - 1) * s} >= "
                f"i + p = {i + p}, in the right padding only: dropped",
            )
        )
    elif starts_in_padding is sp.false:
        answer = rounded_up
    else:
        answer = sp.Piecewise((rounded_up - 1, starts_in_padding), (rounded_up, True))
        steps.append(Step(None, answer, reason="drop a last window that starts in the padding"))
    general = sp.Piecewise(
        (POOL_CEIL_OUTPUT.doit() - 1, (POOL_CEIL_OUTPUT.doit() - 1) * s_ >= i_ + p_),
        (POOL_CEIL_OUTPUT.doit(), True),
    )
    return Derivation(
        title="Output size of pooling (ceil_mode)",
        question=_question("Pooling output size with ceil_mode", values),
        steps=tuple(steps),
        answer=answer,
        answer_lhs=o_,
        conventions=(
            *conventions,
            "ceil_mode: a last, partial window counts if it starts inside the input or the left "
            "padding (PyTorch: o −= 1 when (o − 1)s ≥ i + p)",
        ),
        numeric=symbolic_twin(
            "closed form vs counted windows (ceil_mode)",
            values,
            answer,
            general,
            count_ceil_windows,
            _pool_ceil_sizes_ok,
        ),
    )


# ----------------------------------------------------------------------------------------------
# Transposed convolution
# ----------------------------------------------------------------------------------------------
def _transposed_sizes_ok(i_prime: int, k: int, s: int, p: int, d: int, a: int) -> bool:
    size = s * (i_prime - 1) - 2 * p + d * (k - 1) + a + 1
    return min(i_prime, k, s, d) >= 1 and 0 <= a < s and p >= 0 and size >= 1
    # a < s: the samples stay where the transposed convolution is a forward convolution's
    # adjoint (PyTorch also allows s ≤ a < d).


def _brute_transposed(**sizes: int) -> int:
    return (
        smallest_input_for(sizes["i'"], sizes["k"], sizes["s"], sizes["p"], sizes["d"]) + sizes["a"]
    )


def transposed_output_size(
    i: Size, k: Size, s: Size = 1, p: Size = 0, d: Size = 1, output_padding: Size = 0
) -> Derivation:
    """Output size of the transposed convolution of ``(k, s, p, d)`` applied to ``i`` inputs,
    derived from the equivalent direct convolution (Dumoulin & Visin 2016, §4, relationships
    8–14): stretch the input with ``s − 1`` zeros between neighbouring entries
    (``ĩ = s(i' − 1) + 1``), pad it ``p' = d(k − 1) − p`` on each side and the output padding
    ``a`` once more at the end, then count the outputs of a stride-1 convolution with dilation
    ``d``: ``o' = ĩ + p' + (p' + a) − d(k − 1)``, which collects to relationship 14,
    ``o' = s(i' − 1) − 2p + d(k − 1) + a + 1`` (PyTorch's ``ConvTranspose``).

    ``p`` is the *forward* convolution's padding and ``a`` the ``output_padding`` (see
    :func:`output_padding_for`); ``p' < 0`` crops. ``details`` holds the stretched input size
    and the equivalent padding ``(p', p' + a)``.

    >>> d = transposed_output_size(2, 3, s=2, p=1, output_padding=1)
    >>> d.answer, d.details["stretched_input"], d.details["equivalent_padding"]
    (4, 3, (1, 2))
    >>> print(*[step.lhs for step in d.steps if step.lhs is not None])
    \\tilde{i} p' o'
    >>> import sympy as sp
    >>> i, k = sp.symbols("i' k", integer=True, positive=True)
    >>> transposed_output_size(i, k, s=1, p=0).answer
    i' + k - 1
    """
    i, k, s, p, d = _conv_parameters(i, k, s, p, d)
    a = size_parameter(output_padding, "output_padding a", 0)
    # PyTorch: "output padding must be smaller than either stride or dilation".
    if (a - sp.Max(s, d)).is_nonnegative:
        raise ShapeError(
            f"output_padding a={a}: must be smaller than the stride s={s} or the dilation "
            f"d={d} (PyTorch); a counts the inputs a stride-{s} convolution leaves unread"
        )
    values = {i_prime_: i, k_: k, s_: s, p_: p, d_: d, a_: a}
    stretched = STRETCHED_INPUT.xreplace(values)
    padding = EQUIVALENT_PADDING.xreplace(values)
    answer = STRETCHED_OUTPUT.xreplace({**values, i_tilde_: stretched, p_prime_: padding})
    if answer.is_number and answer < 1:
        raise ShapeError(
            f"o' = ĩ + p' + (p' + a) − d(k−1) = {_num(stretched)} + {_num(padding)} + "
            f"({_num(padding)} + {_num(a)}) − {_num(d)}·({_num(k)}−1) = {answer} < 1 "
            f"(ĩ = {_num(s)}·({_num(i)}−1) + 1, p' = {_num(d)}·({_num(k)}−1) − {_num(p)}): the "
            f"padding p={p} crops more than the transposed convolution produces"
        )
    # ĩ and p' are named by their general formulas only: the o' line puts those formulas in,
    # and a name whose line ended on this problem's value would mean two things at once (a
    # reader, like symconv check, may take either); the values come in once, on relationship 14
    steps = [
        Step(
            i_tilde_,
            STRETCHED_INPUT,
            reason=f"stretch: s − 1 zeros between neighbouring inputs ({GUIDE}, relationship 12)",
        ),
        Step(
            p_prime_,
            EQUIVALENT_PADDING,
            reason=f"padding of the equivalent direct convolution on each side ({GUIDE}, "
            "relationships 8–14; p' < 0 crops)",
        ),
        Step(
            o_prime_,
            STRETCHED_OUTPUT,
            reason="a stride-1 convolution of dilation d over the stretched input, padded p' "
            f"before and p' + a after ({GUIDE}, relationship 15 with s = 1)",
        ),
        Step(None, STRETCHED_OUTPUT_EXPANDED, reason="ĩ and p' from the lines above"),
        *worked_steps(
            None, TRANSPOSED_OUTPUT, values, answer, f"collected: {GUIDE}, relationship 14"
        ),
    ]
    closed_form = TRANSPOSED_OUTPUT.xreplace(values)
    return Derivation(
        title="Output size of a transposed convolution",
        question=_question("Transposed-convolution output size", values),
        steps=tuple(steps),
        answer=answer,
        answer_lhs=o_prime_,
        conventions=(
            "p is the padding of the forward convolution (PyTorch ConvTranspose), not p'",
            "a = output_padding: extra outputs at the end (the inputs the forward convolution "
            "left unread)",
            "equivalent to a stride-1 convolution over the input with s − 1 zeros between "
            "entries, padded p' = d(k − 1) − p before and p' + a after",
            "collected, o' = s(i' − 1) − 2p + d(k − 1) + a + 1 (Dumoulin & Visin 2016, "
            "relationship 14)",
        ),
        checks=(_same_as_closed_form(answer, closed_form),),
        numeric=symbolic_twin(
            "derived size vs smallest forward input size + a",
            values,
            answer,
            STRETCHED_OUTPUT.xreplace(
                {i_tilde_: STRETCHED_INPUT, p_prime_: EQUIVALENT_PADDING}
            ).doit(),
            _brute_transposed,
            lambda **z: _transposed_sizes_ok(z["i'"], z["k"], z["s"], z["p"], z["d"], z["a"]),
        ),
        details={
            "stretched_input": stretched,
            "equivalent_padding": (padding, padding + a),
            "closed_form": closed_form,
        },
    )


def _same_as_closed_form(derived: sp.Expr, closed_form: sp.Expr) -> Check:
    """A check: the size derived through the stretched convolution is relationship 14."""
    name = "stretched-convolution size vs relationship 14"

    def check(rng: np.random.Generator) -> CheckResult:
        difference = sp.expand(derived - closed_form)
        return CheckResult(name, difference == 0, f"{derived} − ({closed_form}) = {difference}")

    return check


def output_padding_for(i: Size, k: Size, s: Size = 1, p: Size = 0, d: Size = 1) -> Derivation:
    """The ``output_padding`` that makes the transpose map back to ``i`` entries.

    a = (i + 2p − d(k − 1) − 1) mod s: the inputs the forward convolution leaves unread at the end
    (Dumoulin & Visin 2016, relationship 14; PyTorch's ``output_padding``).

    >>> output_padding_for(4, 3, s=2, p=1).answer, output_padding_for(5, 3, s=2).answer
    (1, 0)
    """
    conv_output_size(i, k, s, p, d)  # the forward convolution must exist
    i, k, s, p, d = _conv_parameters(i, k, s, p, d)
    values = {i_: i, k_: k, s_: s, p_: p, d_: d}
    answer = sp.simplify(OUTPUT_PADDING.xreplace(values))
    return Derivation(
        title="Output padding of a transposed convolution",
        question=_question("output_padding", values),
        steps=worked_steps(a_, OUTPUT_PADDING, values, answer, f"{GUIDE}, relationship 14"),
        answer=answer,
        answer_lhs=a_,
        conventions=("a = output_padding of PyTorch's ConvTranspose",),
        numeric=symbolic_twin(
            "closed form vs input size minus the smallest one with the same outputs",
            values,
            answer,
            OUTPUT_PADDING.doit(),
            lambda i, k, s, p, d: (
                i - smallest_input_for(count_windows(i, k, s, p, p, d), k, s, p, d)
            ),
            lambda i, k, s, p, d: _conv_sizes_ok(i, k, s, d, p),
        ),
    )


def transposed_equivalent_padding(k: Size, p: Size = 0, d: Size = 1) -> Derivation:
    """Padding p' of the direct convolution equivalent to a transposed convolution.

    p' = d(k − 1) − p (Dumoulin & Visin 2016, relationships 8–14; for d = 1, p' = k − p − 1). The
    equivalent convolution has stride 1 and runs over the input stretched by s − 1 zeros between
    entries, padded p' before and p' + a after. PyTorch's ``ConvTranspose(padding=...)`` takes the
    forward padding ``p``, not ``p'``. A negative p' crops instead of padding.

    >>> transposed_equivalent_padding(3).answer, transposed_equivalent_padding(3, 1).answer
    (2, 1)
    """
    k = size_parameter(k, "kernel size k", 1)
    p = size_parameter(p, "padding p", 0)
    d = size_parameter(d, "dilation d", 1, "d = 1 is an ordinary kernel")
    values = {k_: k, p_: p, d_: d}
    answer = EQUIVALENT_PADDING.xreplace(values)
    return Derivation(
        title="Padding of the equivalent direct convolution",
        question=_question("p' of the transposed convolution", values),
        steps=worked_steps(
            p_prime_, EQUIVALENT_PADDING, values, answer, f"{GUIDE}, relationships 8-14"
        ),
        answer=answer,
        answer_lhs=p_prime_,
        conventions=(
            "p' pads the stretched input of the equivalent stride-1 convolution; PyTorch's "
            "ConvTranspose takes the forward padding p instead",
        ),
    )


def _span_of_taps(k: int, d: int) -> int:
    taps = [d * tap for tap in range(k)]
    return max(taps) - min(taps) + 1


def dilated_kernel_extent(k: Size, d: Size) -> Derivation:
    """Extent of a dilated kernel: k̂ = k + (k − 1)(d − 1) (= d(k − 1) + 1).

    >>> dilated_kernel_extent(3, 2).answer
    5
    >>> print(dilated_kernel_extent(3, 2).latex())
    \\begin{aligned}
    \\hat{k} &= k + \\left(d - 1\\right) \\left(k - 1\\right) && \\text{Dumoulin \\& Visin (2016),
      Sec. 5.1; Qiu (2020), Sec. 5.3.2.2} \\\\
    &= 3 + \\left(2 - 1\\right) \\cdot \\left(3 - 1\\right) \\\\
    &= 5
    \\end{aligned}
    """
    k = size_parameter(k, "kernel size k", 1)
    d = size_parameter(d, "dilation d", 1, "d = 1 is an ordinary kernel")
    values = {k_: k, d_: d}
    answer = sp.expand(DILATED_EXTENT.xreplace(values))
    return Derivation(
        title="Extent of a dilated kernel",
        question=_question("Dilated kernel extent", values),
        steps=worked_steps(
            extent_, DILATED_EXTENT, values, answer, f"{GUIDE}, Sec. 5.1; Qiu (2020), Sec. 5.3.2.2"
        ),
        answer=answer,
        answer_lhs=extent_,
        conventions=("dilation d puts d − 1 holes between neighbouring kernel taps",),
        numeric=symbolic_twin(
            "closed form vs span of the taps",
            values,
            answer,
            DILATED_EXTENT.doit(),
            _span_of_taps,
            lambda k, d: min(k, d) >= 1,
        ),
    )


def _search_same_padding(k: int, d: int) -> int:
    for p in range(d * k + 1):
        if all(count_windows(i, k, 1, p, p, d) == i for i in (d * k, d * k + 7)):
            return p
    raise ShapeError(f"no symmetric padding keeps the width for k={k}, d={d}")


def same_padding(k: Size, d: Size = 1) -> Derivation:
    """Zero padding (each side) that keeps the width at stride 1: p = d(k − 1)/2.

    Qiu, *Neural Networks and Deep Learning*, exercise 5-8 (P = (K − 1)·D/2). It exists only when
    d(k − 1) is even; otherwise the total d(k − 1) must be split unevenly (PyTorch's
    ``padding='same'`` puts the extra zero at the end).

    >>> same_padding(3, 2).answer
    2
    >>> print(same_padding(3, 2).latex())
    \\begin{aligned}
    p &= \\frac{d \\left(k - 1\\right)}{2} && \\text{stride 1: i + 2p - d(k - 1) = i (Qiu 2020, \
exercise 5-8)} \\\\
    &= \\frac{2 \\cdot \\left(3 - 1\\right)}{2} \\\\
    &= 2
    \\end{aligned}
    >>> same_padding(4)
    Traceback (most recent call last):
    ...
    symconv.errors.ShapeError: p = d(k−1)/2 = 1·(4−1)/2 = 3/2 is not an integer: with k=4, d=1 \
the d(k−1) = 3 padding zeros cannot be split evenly; pad 1 before and 2 after (PyTorch's \
padding='same' puts the extra zero at the end)
    """
    k = size_parameter(k, "kernel size k", 1)
    d = size_parameter(d, "dilation d", 1, "d = 1 is an ordinary kernel")
    values = {k_: k, d_: d}
    answer = SAME_PADDING.xreplace(values)
    total = d * (k - 1)
    if answer.is_integer is False:
        raise ShapeError(
            f"p = d(k−1)/2 = {_num(d)}·({_num(k)}−1)/2 = {answer} is not an integer: with k={k}, "
            f"d={d} the d(k−1) = {total} padding zeros cannot be split evenly; pad "
            f"{sp.floor(total / 2)} before and {total - sp.floor(total / 2)} after (PyTorch's "
            "padding='same' puts the extra zero at the end)"
        )
    conventions = ["stride 1", "p zeros on each side"]
    if answer.is_integer is None:
        conventions.append("requires d(k − 1) even")
    return Derivation(
        title="Equal-width ('same') padding",
        question=_question("Same padding", values),
        steps=worked_steps(
            p_,
            SAME_PADDING,
            values,
            answer,
            "stride 1: i + 2p - d(k - 1) = i (Qiu 2020, exercise 5-8)",
        ),
        answer=answer,
        answer_lhs=p_,
        conventions=tuple(conventions),
        numeric=symbolic_twin(
            "closed form vs searched padding",
            values,
            answer,
            SAME_PADDING,
            _search_same_padding,
            lambda k, d: min(k, d) >= 1 and d * (k - 1) % 2 == 0,
        ),
    )


# ----------------------------------------------------------------------------------------------
# Shapes: one size per spatial axis, plus the channel count
# ----------------------------------------------------------------------------------------------
Padding: TypeAlias = Size | str | Sequence[Size | Sequence[Size]]

#: Default axis names by number of spatial axes.
AXIS_NAMES: dict[int, tuple[str, ...]] = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}


def _per_axis(value: Any, dims: int, name: str) -> list[Any]:
    values = list(value) if isinstance(value, list | tuple) else [value] * dims
    if len(values) != dims:
        raise ShapeError(f"{name}={value!r}: expected one value or {dims} values (one per axis)")
    return values


def _resolve_padding(
    padding: Padding, kernel: list[Any], dilation: list[Any], stride: list[Any]
) -> list[tuple[Any, Any]]:
    """``p``, per-axis values, (before, after) pairs, or 'valid' / 'same' / 'full'."""
    dims = len(kernel)
    if isinstance(padding, str):
        if padding not in ("valid", "same", "full"):
            raise ShapeError(f"padding={padding!r}: expected a size, 'valid', 'same' or 'full'")
        spec = ConvSpec.make(
            [size_parameter(k, "kernel size k", 1) for k in kernel],
            dims=dims,
            stride=[size_parameter(s, "stride s", 1) for s in stride],
            dilation=[size_parameter(d, "dilation d", 1) for d in dilation],
            mode=padding,  # type: ignore[arg-type]
            batch=False,
            channels=False,
        )
        return [(before, after) for before, after in spec.padding]
    pairs = []
    for item in _per_axis(padding, dims, "padding"):
        if isinstance(item, list | tuple):
            if len(item) != 2:
                raise ShapeError(f"padding={padding!r}: {item!r} is not a (before, after) pair")
            pairs.append((item[0], item[1]))
        else:
            pairs.append((item, item))
    return pairs


def _shape_derivation(
    title: str,
    axes: Sequence[Derivation],
    names: Sequence[str],
    channels: tuple[str, Size] | None,
) -> Derivation:
    """Combine one derivation per axis into the shape: the formula once, then each axis."""
    steps: list[Step] = [axes[0].steps[0]]
    symbols = []
    for name, axis in zip(names, axes, strict=True):
        symbol = sp.Symbol(f"{axis.answer_lhs}_{name}")
        symbols.append(symbol)
        rest = axis.steps[1:] or (Step(None, axis.answer),)
        first = rest[0]
        steps.append(Step(symbol, first.rhs, first.relation, first.reason, first.values))
        steps.extend(rest[1:])
    sizes = [axis.answer for axis in axes]
    if channels is not None:
        channel_name, channel_count = channels
        symbols.append(sp.Symbol(channel_name))
        sizes.append(channel_count)
    answer = sp.Tuple(*sizes)
    steps.append(Step(sp.Tuple(*symbols), answer, reason="one size per axis"))
    checks: list[Check] = []
    for name, axis in zip(names, axes, strict=True):
        if axis.numeric is not None:
            checks.append(_named_check(axis.numeric, f"{name}: {axis.numeric.name}"))
    return Derivation(
        title=title,
        question=axes[0].question.split(" for ")[0] + " per axis",
        steps=tuple(steps),
        answer=answer,
        conventions=_dedupe([c for axis in axes for c in axis.conventions]),
        checks=tuple(checks),
        details={"axes": tuple(axes)},
    )


def _named_check(twin: NumericTwin, name: str) -> Check:
    def run(rng: np.random.Generator) -> CheckResult:
        result = twin.check(rng)
        return CheckResult(name, result.passed, result.detail)

    return run


def _each_axis(
    names: Sequence[str], build: Callable[..., Derivation], *columns: Sequence[Any]
) -> list[Derivation]:
    """``build`` on each axis' sizes; a ShapeError names the axis it came from."""
    axes = []
    for name, *sizes in zip(names, *columns, strict=True):
        try:
            axes.append(build(*sizes))
        except ShapeError as error:
            raise ShapeError(f"axis {name}: {error}") from error
    return axes


def _names(dims: int, axis_names: Sequence[str] | None) -> tuple[str, ...]:
    if axis_names is None:
        return AXIS_NAMES.get(dims, tuple(str(axis + 1) for axis in range(dims)))
    if len(axis_names) != dims:
        raise ShapeError(f"axis_names={tuple(axis_names)!r}: expected {dims} names")
    return tuple(axis_names)


def conv_output_shape(
    input_size: Sequence[Size],
    kernel: Size | Sequence[Size],
    stride: Size | Sequence[Size] = 1,
    padding: Padding = 0,
    dilation: Size | Sequence[Size] = 1,
    *,
    out_channels: Size | None = None,
    axis_names: Sequence[str] | None = None,
) -> Derivation:
    """Output shape of a convolution: one :func:`conv_output_size` per spatial axis.

    ``padding`` is one size, one per axis, a ``(before, after)`` pair per axis, or ``'valid'`` /
    ``'same'`` / ``'full'`` (an odd total of 'same' padding puts the extra zero at the end, as
    PyTorch). With ``out_channels`` the shape ends with the channel count (channels last, as the
    NYU course).

    >>> conv_output_shape((48, 64), 3, out_channels=20).answer
    (46, 62, 20)
    >>> conv_output_shape((100, 100), 3, padding="same").answer
    (100, 100)
    """
    sizes = list(input_size)
    dims = len(sizes)
    kernels = _per_axis(kernel, dims, "kernel")
    strides = _per_axis(stride, dims, "stride")
    dilations = _per_axis(dilation, dims, "dilation")
    pads = _resolve_padding(padding, kernels, dilations, strides)

    def one_axis(size: Size, k: Size, s: Size, pair: tuple[Size, Size], d: Size) -> Derivation:
        before, after = pair
        after_or_none = None if as_sympy(after) == as_sympy(before) else after
        return conv_output_size(size, k, s, before, d, padding_after=after_or_none)

    names = _names(dims, axis_names)
    axes = _each_axis(names, one_axis, sizes, kernels, strides, pads, dilations)
    channels = None
    if out_channels is not None:
        channels = ("M", size_parameter(out_channels, "out_channels M", 1))
    return _shape_derivation("Output shape of a convolution", axes, names, channels)


def pool_output_shape(
    input_size: Sequence[Size],
    kernel: Size | Sequence[Size],
    stride: Size | Sequence[Size] | None = None,
    padding: Size | Sequence[Size] = 0,
    dilation: Size | Sequence[Size] = 1,
    ceil_mode: bool = False,
    *,
    channels: Size | None = None,
    axis_names: Sequence[str] | None = None,
) -> Derivation:
    """Output shape of pooling: one :func:`pool_output_size` per axis (channels unchanged).

    >>> pool_output_shape((5, 4), 2, ceil_mode=True, channels=3).answer
    (3, 2, 3)
    """
    sizes = list(input_size)
    dims = len(sizes)
    kernels = _per_axis(kernel, dims, "kernel")
    strides = _per_axis(stride, dims, "stride")
    pads = _per_axis(padding, dims, "padding")
    dilations = _per_axis(dilation, dims, "dilation")
    names = _names(dims, axis_names)
    axes = _each_axis(
        names,
        lambda size, k, s, p, d: pool_output_size(size, k, s, p, d, ceil_mode),
        sizes,
        kernels,
        strides,
        pads,
        dilations,
    )
    kept = None if channels is None else ("C", size_parameter(channels, "channels C", 1))
    return _shape_derivation("Output shape of pooling", axes, names, kept)


def transposed_output_shape(
    input_size: Sequence[Size],
    kernel: Size | Sequence[Size],
    stride: Size | Sequence[Size] = 1,
    padding: Size | Sequence[Size] = 0,
    dilation: Size | Sequence[Size] = 1,
    output_padding: Size | Sequence[Size] = 0,
    *,
    out_channels: Size | None = None,
    axis_names: Sequence[str] | None = None,
) -> Derivation:
    """Output shape of a transposed convolution: :func:`transposed_output_size` per axis.

    >>> transposed_output_shape((2, 2), 3, stride=2, padding=1, output_padding=1).answer
    (4, 4)
    """
    sizes = list(input_size)
    dims = len(sizes)
    names = _names(dims, axis_names)
    axes = _each_axis(
        names,
        transposed_output_size,
        sizes,
        _per_axis(kernel, dims, "kernel"),
        _per_axis(stride, dims, "stride"),
        _per_axis(padding, dims, "padding"),
        _per_axis(dilation, dims, "dilation"),
        _per_axis(output_padding, dims, "output_padding"),
    )
    channels = None
    if out_channels is not None:
        channels = ("M", size_parameter(out_channels, "out_channels M", 1))
    return _shape_derivation("Output shape of a transposed convolution", axes, names, channels)


# ----------------------------------------------------------------------------------------------
# Receptive field of a stack of layers
# ----------------------------------------------------------------------------------------------
def _layer_symbols(index: int) -> tuple[sp.Symbol, sp.Symbol, sp.Symbol]:
    return _positive(f"k_{index}"), _positive(f"s_{index}"), _positive(f"d_{index}")


def _receptive_closed_form(count: int) -> sp.Expr:
    # Araujo, Norris & Sim, "Computing receptive fields of convolutional neural networks",
    # Distill (2019), eq. (2) with dilation: r_0 = 1 + Σ_l d_l (k_l − 1) ∏_{m<l} s_m.
    total: sp.Expr = sp.Integer(1)
    jump: sp.Expr = sp.Integer(1)
    for index in range(1, count + 1):
        k, s, d = _layer_symbols(index)
        total += d * (k - 1) * jump
        jump *= s
    return total


def brute_receptive_field(**sizes: int) -> int:
    """Input positions that reach one output of the stack, by propagating them layer by layer."""
    count = len(sizes) // 3
    positions = {0}
    for index in range(count, 0, -1):
        k, s, d = (sizes[f"{letter}_{index}"] for letter in "ksd")
        positions = {s * j + d * tap for j in positions for tap in range(k)}
    return max(positions) - min(positions) + 1


def receptive_field(layers: Sequence[Sequence[Size]]) -> Derivation:
    """Receptive field of a stack of ``(k, s)`` or ``(k, s, d)`` layers, input side first.

    The recursion (Araujo, Norris & Sim, Distill 2019) with the jump j (the input distance
    between neighbouring units of a layer):

        r_0 = 1, j_0 = 1,   r_l = r_{l−1} + d_l(k_l − 1)·j_{l−1},   j_l = j_{l−1}·s_l.

    >>> d = receptive_field([(3, 1), (3, 1)])
    >>> d.answer
    5
    >>> receptive_field([(3, 2), (3, 2), (3, 1, 2)]).details["jumps"]
    (1, 2, 4, 4)
    """
    if not layers:
        raise ShapeError("receptive_field: expected at least one (k, s) or (k, s, d) layer")
    r_prev: sp.Expr = sp.Integer(1)
    j_prev: sp.Expr = sp.Integer(1)
    fields, jumps = [r_prev], [j_prev]
    steps: list[Step] = [
        Step(sp.Symbol("r_0"), sp.Integer(1), ":=", "one input unit sees itself"),
        Step(sp.Symbol("j_0"), sp.Integer(1), ":=", "neighbouring inputs are 1 apart"),
    ]
    letters: dict[sp.Symbol, sp.Expr] = {}
    for index, layer in enumerate(layers, start=1):
        if not isinstance(layer, list | tuple) or len(layer) not in (2, 3):
            raise ShapeError(f"layer {index}: {layer!r} is not a (k, s) or (k, s, d) tuple")
        k = size_parameter(layer[0], f"layer {index}: kernel size k", 1)
        s = size_parameter(layer[1], f"layer {index}: stride s", 1, "a stride of 0 never advances")
        d = size_parameter(layer[2] if len(layer) == 3 else 1, f"layer {index}: dilation d", 1)
        k_sym, s_sym, d_sym = _layer_symbols(index)
        letters.update({k_sym: k, s_sym: s, d_sym: d})
        r_sym, r_before = sp.Symbol(f"r_{index}"), sp.Symbol(f"r_{index - 1}")
        j_sym, j_before = sp.Symbol(f"j_{index}"), sp.Symbol(f"j_{index - 1}")
        growth = (k_sym - 1) * j_before if d == 1 else d_sym * (k_sym - 1) * j_before
        r_next = sp.expand(r_prev + d * (k - 1) * j_prev)
        j_next = sp.expand(j_prev * s)
        known = {r_before: r_prev, j_before: j_prev, k_sym: k, d_sym: d, s_sym: s}
        reason = "Araujo et al. (2019): each extra tap reaches one jump further"
        steps += worked_steps(r_sym, written(r_before, growth), known, r_next, reason)
        steps += worked_steps(j_sym, j_before * s_sym, known, j_next, "the stride multiplies")
        r_prev, j_prev = r_next, j_next
        fields.append(r_prev)
        jumps.append(j_prev)
    count = len(layers)
    return Derivation(
        title="Receptive field of a stack of layers",
        question="Receptive field of the layers "
        + ", ".join(str(tuple(layer)) for layer in layers),
        steps=tuple(steps),
        answer=r_prev,
        answer_lhs=sp.Symbol(f"r_{count}"),
        conventions=(
            "layers listed from the input side; each (k, s) or (k, s, d)",
            "receptive field in input positions along one axis; padding does not change it",
        ),
        numeric=symbolic_twin(
            "closed form vs propagated input positions",
            letters,
            r_prev,
            _receptive_closed_form(count),
            brute_receptive_field,
            lambda **sizes: min(sizes.values()) >= 1,
        ),
        details={
            "receptive_fields": tuple(fields),
            "jumps": tuple(jumps),
            "closed_form": _receptive_closed_form(count),
        },
    )
