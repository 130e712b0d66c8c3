"""Facts of convolution arithmetic stated in words, against the engine's derivations.

Each statement :mod:`symconv.check.conv_words` reads is compared with what the engine derives
for the sizes the sentence gives or the document has fixed (:class:`~symconv.check.conv_facts.
ConvInForce`); a size neither fixes leaves the statement *unverified*, with what is missing:

* zeros around the gradient of the backward pass: ``p' = d(k − 1) − p`` on each side, ``p`` the
  forward padding (:func:`symconv.sizes.shapes.transposed_equivalent_padding`; Dumoulin & Visin
  2016, relationships 8–14); a 'full' convolution pads ``d(k − 1)``. With no forward padding
  stated, ``d(k − 1)`` is right (the gradient of the input the convolution read, padding
  included) and more than it is wrong for every padding; less is left unverified;
* zeros between the gradient's entries: ``s − 1`` (the stretched input ``s(i' − 1) + 1`` of
  :func:`symconv.sizes.shapes.transposed_output_size`); between a dilated kernel's taps ``d − 1``
  (:func:`symconv.sizes.shapes.dilated_kernel_extent`);
* a padding ``p`` adds ``2p`` to a size, ``p`` to each side (:func:`~symconv.sizes.shapes.
  conv_output_size` of a 1-wide window at stride 1 counts the padded positions);
* "same" padding keeps ``⌈n/s⌉`` (TensorFlow's rule, :func:`symconv.check.network_sizes.forward`);
* an output size is ``⌊(i + 2p − d(k − 1) − 1)/s⌋ + 1``: the quotient is floored
  (:func:`~symconv.sizes.shapes.conv_output_size`);
* a convolution's output channels are its filters ``M``, its input channels ``C``
  (:func:`~symconv.sizes.shapes.conv_output_shape`);
* the size of the backward convolution a section describes: the engine's output size of that
  convolution (its map, padding, kernel and stride).

    >>> import sympy as sp
    >>> from symconv.check.conv_facts import BackwardPadding, ConvInForce, ConvWordFacts, Pinned
    >>> from symconv.check.model import Claim
    >>> k3 = Pinned(sp.Integer(3), "a 3 × 3 kernel (line 2)")
    >>> def said(value):
    ...     fact = BackwardPadding(((None, value),), ConvInForce(kernel=(k3, k3)))
    ...     return judge_conv_words(Claim(5, 5, "…", "fact", facts=ConvWordFacts(fact)))
    >>> said(sp.Integer(2)).verdict, said(sp.Integer(3)).verdict, said(sp.Integer(1)).verdict
    ('right', 'wrong', 'unverified')
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import sympy as sp

from symconv.check.conv_facts import (
    BackwardPadding,
    BackwardSize,
    ChannelNames,
    ConvInForce,
    ConvSizes,
    ConvWordFacts,
    DilatedExtent,
    PaddingGrowth,
    Pinned,
    Rounding,
    SameSize,
    StackField,
    StackParameters,
    Stretch,
    TransposedSizes,
    Upsampled,
)
from symconv.check.judges.verdicts import right, unverified, wrong
from symconv.check.model import Claim, Judgement
from symconv.check.shown import show
from symconv.core.safe import as_sympy
from symconv.errors import ShapeError

__all__ = ["judge_conv_words"]

GUIDE = "Dumoulin & Visin (2016)"


def judge_conv_words(claim: Claim) -> Judgement | None:
    """The verdict on a fact of convolution arithmetic read from words (None for any other)."""
    facts = claim.facts
    if not isinstance(facts, ConvWordFacts):
        return None
    statement = facts.statement
    judge = _JUDGES.get(type(statement), _backward_size)
    return judge(claim, statement)


# ----------------------------------------------------------------------------------------------
# The engine in the writer's letters
# ----------------------------------------------------------------------------------------------
def _derive(function: Callable[..., Any], *sizes: Any, **options: Any) -> Any:
    """The engine's answer for sizes in the writer's letters: each letter goes in as a positive
    integer symbol of its name and comes back as the writer's symbol."""
    letters: set[Any] = set()
    for size in (*sizes, *options.values()):
        letters |= getattr(size, "free_symbols", set())
    surrogates = {s: sp.Symbol(s.name, integer=True, positive=True) for s in letters}
    back = {v: k for k, v in surrogates.items()}
    arguments = [as_sympy(size).xreplace(surrogates) for size in sizes]
    named = {key: as_sympy(value).xreplace(surrogates) for key, value in options.items()}
    return as_sympy(function(*arguments, **named).answer).xreplace(back)


def _witness(written: Any, expected: Any, fixed: dict[Any, Any] | None = None) -> str | None:
    """A point in the letters where ``written`` and ``expected`` differ (``"k = 3: 3 ≠ 2"``)."""
    fixed = fixed or {}
    written, expected = as_sympy(written), as_sympy(expected)
    letters = sorted(
        (written.free_symbols | expected.free_symbols) - set(fixed), key=lambda s: s.name
    )
    for values in itertools.islice(itertools.product((3, 2, 4, 5, 1, 6), repeat=len(letters)), 400):
        point = {**fixed, **dict(zip(letters, map(sp.Integer, values), strict=True))}
        mine, truth = written.xreplace(point), expected.xreplace(point)
        if mine.is_number and truth.is_number and sp.simplify(mine - truth) != 0:
            where = ", ".join(f"{s} = {v}" for s, v in point.items() if s in set(letters))
            shown = f"{show(sp.nsimplify(mine))} ≠ {show(sp.nsimplify(truth))}"
            return f"{where}: {shown}" if where else shown
    return None


def _exceeds(written: Any, most: Any) -> str | None:
    """A point of the letters where ``written`` is more than ``most`` (``"k = 3: 3 > 2"``)."""
    written, most = as_sympy(written), as_sympy(most)
    letters = sorted(written.free_symbols | most.free_symbols, key=lambda s: s.name)
    for values in itertools.islice(itertools.product((3, 2, 4, 5, 1), repeat=len(letters)), 200):
        point = dict(zip(letters, map(sp.Integer, values), strict=True))
        mine, bound = written.xreplace(point), most.xreplace(point)
        if mine.is_number and bound.is_number and mine > bound:
            where = ", ".join(f"{s} = {v}" for s, v in point.items())
            shown = f"{show(mine)} > {show(bound)}"
            return f"{where}: {shown}" if where else shown
    return None


def _same(written: Any, expected: Any) -> bool:
    return sp.simplify(as_sympy(written) - as_sympy(expected)) == 0


def _named(pin: Pinned | None, default: str) -> str:
    return default if pin is None else pin.where


# ----------------------------------------------------------------------------------------------
# Zeros around the gradient
# ----------------------------------------------------------------------------------------------
_KERNEL_LETTERS = frozenset(
    {"k", "K", "f", "F", "k_h", "k_w", "K_h", "K_w", "f_h", "f_w", "F_h", "F_w"}
)
_PADDING_LETTERS = frozenset({"p", "P"})
_DILATION_LETTERS = frozenset({"d", "D"})
_STRIDE_LETTERS = frozenset({"s", "S"})


def _kernel_for(written: Any, conv: ConvInForce, axis: int | None) -> tuple[Any, str] | None:
    """The kernel size a count is about: the one in force, or the kernel letter it is written in."""
    pinned = conv.kernel_on(axis)
    letters = {s.name: s for s in getattr(as_sympy(written), "free_symbols", set())}
    if pinned is not None:
        value = as_sympy(pinned.value)
        if value.free_symbols:
            return value, pinned.where  # the document's own letters for this kernel
        if letters:
            kernel_letters = [n for n in letters if n in _KERNEL_LETTERS]
            if len(kernel_letters) == 1:
                return letters[kernel_letters[0]], f"the kernel size {kernel_letters[0]}"
        return value, pinned.where
    kernel_letters = [n for n in letters if n in _KERNEL_LETTERS]
    if len(kernel_letters) == 1:
        return letters[kernel_letters[0]], f"the kernel size {kernel_letters[0]}"
    return None


def _backward_padding(claim: Claim, fact: BackwardPadding) -> Judgement:
    from symconv.sizes.shapes import transposed_equivalent_padding

    results = []
    for axis, written in fact.amounts:
        written = as_sympy(written)
        found = _kernel_for(written, fact.conv, axis)
        if found is None:
            return unverified(
                claim,
                "the padding of the backward pass is d(k − 1) − p: the kernel size k this "
                "sentence is about is not stated before it",
            )
        k, kernel_words = found
        letters = {s.name: s for s in written.free_symbols}
        d = fact.conv.dilation_value()
        d = next((letters[n] for n in letters if n in _DILATION_LETTERS), d)
        p_letter = next((letters[n] for n in letters if n in _PADDING_LETTERS), None)
        p = (
            p_letter
            if p_letter is not None
            else (as_sympy(fact.conv.padding.value) if fact.conv.padding is not None else None)
        )
        known = set(getattr(k, "free_symbols", set())) | getattr(d, "free_symbols", set())
        for pin in fact.conv.kernel:  # the kernel's other sizes: a count may use the wrong one
            known |= getattr(as_sympy(pin.value), "free_symbols", set())
        if p is not None:
            known |= getattr(p, "free_symbols", set())
        if not written.free_symbols <= known:
            names = ", ".join(sorted(s.name for s in written.free_symbols - known))
            return unverified(claim, f"the letters {names} of this padding name no size")
        most = _derive(transposed_equivalent_padding, k, 0, d)
        expected = most if p is None else _derive(transposed_equivalent_padding, k, p, d)
        if fact.total:
            most, expected = 2 * most, 2 * expected
        results.append((axis, written, expected, most, p, kernel_words))
    side = "in all" if fact.total else "on each side"
    shown = []
    for axis, written, expected, most, p, kernel_words in results:
        where = {0: "rows (top and bottom)", 1: "columns (left and right)"}.get(
            -1 if axis is None else axis, "zeros"
        )
        if _same(written, expected):
            forward = "no forward padding stated" if p is None else f"forward padding p = {show(p)}"
            shown.append(
                f"{show(written)} {where} {side}: p' = d(k − 1) − p = {show(expected)} "
                f"with k from {kernel_words} ({forward})"
            )
            continue
        witness = _witness(written, expected)
        beyond = _exceeds(written, most)
        if p is not None and _same(written, most):
            return unverified(
                claim,
                f"{show(written)} {side} is d(k − 1): the gradient of the input padded by the "
                f"forward padding p = {show(p)}, which is then cropped; the gradient of the "
                f"input itself pads p' = d(k − 1) − p = {show(expected)} ({GUIDE}, "
                "relationships 8–14)",
            )
        if p is not None or beyond is not None:
            if p is None:
                witness = beyond
            why = (
                f"the backward pass pads p' = d(k − 1) − p = {show(expected)} {side} ({GUIDE}, "
                f"relationships 8–14; k from {kernel_words}), not {show(written)}"
            )
            if p is None:
                why += " — more than d(k − 1) for any forward padding p ≥ 0"
            return wrong(claim, why, expected=expected, witness=witness)
        return unverified(
            claim,
            f"the backward pass pads p' = d(k − 1) − p {side}: {show(most)} with no forward "
            f"padding; {show(written)} needs a forward padding the document does not state",
        )
    return right(claim, "; ".join(shown) + f" ({GUIDE}, relationships 8–14)")


# ----------------------------------------------------------------------------------------------
# Zeros between the entries
# ----------------------------------------------------------------------------------------------
def _between(stride: Any) -> Any:
    """Zeros between neighbouring entries of the stretched input: (ĩ − i')/(i' − 1) = s − 1."""
    from symconv.sizes.shapes import transposed_output_size

    inputs = sp.Symbol("n", integer=True, positive=True)
    stretched = _derive_details(transposed_output_size, inputs + 1, 1, stride)
    return sp.simplify((stretched - (inputs + 1)) / inputs)


def _derive_details(function: Callable[..., Any], *sizes: Any) -> Any:
    letters: set[Any] = set()
    for size in sizes:
        letters |= getattr(size, "free_symbols", set())
    surrogates = {s: sp.Symbol(s.name, integer=True, positive=True) for s in letters}
    back = {v: k for k, v in surrogates.items()}
    derivation = function(*(as_sympy(size).xreplace(surrogates) for size in sizes))
    return as_sympy(derivation.details["stretched_input"]).xreplace(back)


def _holes(dilation: Any) -> Any:
    """Holes between neighbouring taps of a dilated kernel: (k̂ − k)/(k − 1) = d − 1."""
    from symconv.sizes.shapes import dilated_kernel_extent

    k = sp.Symbol("k", integer=True, positive=True)
    extent = _derive(dilated_kernel_extent, k + 1, dilation)
    return sp.simplify((extent - (k + 1)) / k)


def _stretch(claim: Claim, fact: Stretch) -> Judgement:
    conv = fact.conv
    count = None if fact.count is None else as_sympy(fact.count)
    if fact.of_kernel:
        pinned = conv.dilation
        letter = _letter_in(count, _DILATION_LETTERS)
        if letter is None and pinned is None:
            return unverified(
                claim, "zeros between a kernel's taps are d − 1: no dilation d is stated"
            )
        value = letter if letter is not None else as_sympy(pinned.value)  # type: ignore[union-attr]
        expected = _holes(value)
        what, source = "taps of the dilated kernel", _named(pinned, f"the dilation {value}")
        rule = (
            f"a dilation d puts d − 1 = {show(expected)} holes between neighbouring taps "
            f"({GUIDE}, Sec. 5.1)"
        )
    else:
        letter = _letter_in(count, _STRIDE_LETTERS)
        if letter is not None:
            value = letter
        elif conv.stride is not None:
            value = as_sympy(conv.stride.value)
        elif conv.least_stride is not None:
            return _stretch_for_every_stride(claim, count, conv.least_stride)
        else:
            return unverified(claim, "zeros between the entries are s − 1: no stride s is stated")
        expected = _between(value)
        what = "entries of the map the transposed convolution reads"
        source = _named(conv.stride, f"the stride {value}")
        rule = (
            f"a stride s puts s − 1 = {show(expected)} zeros between neighbouring entries "
            f"({GUIDE}, relationship 12)"
        )
    if count is None:
        if expected.is_number and expected >= 1:
            return right(claim, f"{rule}, with {source}: zeros between the {what}")
        # at stride (dilation) 1 none go between; a sentence that says some may mean another
        # convolution than the one in force: no proof either way
        return unverified(
            claim, f"{rule}: zeros only when it is above 1, and {source} is 1 or not a number"
        )
    if count.free_symbols - expected.free_symbols:
        names = ", ".join(sorted(s.name for s in count.free_symbols - expected.free_symbols))
        return unverified(claim, f"the letters {names} of this count name no size")
    if _same(count, expected):
        return right(claim, f"{rule}, with {source}")
    return wrong(
        claim,
        f"{rule}, with {source}, not {show(count)}",
        expected=expected,
        witness=_witness(count, expected),
    )


def _letter_in(count: Any, names: frozenset[str]) -> Any:
    if count is None:
        return None
    return next((s for s in count.free_symbols if s.name in names), None)


def _stretch_for_every_stride(claim: Claim, count: Any, least: int) -> Judgement:
    strides = range(least, least + 4)
    needed = {s: _between(sp.Integer(s)) for s in strides}
    if count is None:
        return right(
            claim,
            f"for every stride s ≥ {least}, s − 1 ≥ {least - 1} zeros go between neighbouring "
            f"entries ({GUIDE}, relationship 12)",
        )
    return unverified(
        claim,
        "a stride s puts s − 1 zeros between neighbouring entries: "
        + ", ".join(f"{n} at stride {s}" for s, n in needed.items())
        + "; the sentence is about every stride above 1",
    )


# ----------------------------------------------------------------------------------------------
# The gradient a strided convolution's backward pass stretches
# ----------------------------------------------------------------------------------------------
def _kernel_gradient_width(i: int, k: int, s: int) -> tuple[int, int, int]:
    """The output width, the stretched output gradient's width and the width of the kernel's
    gradient (the input correlated with that stretched gradient) of a stride-s convolution."""
    from symconv.sizes.shapes import conv_output_size, transposed_output_size

    outputs = int(conv_output_size(i, k, s).answer)
    stretched = int(transposed_output_size(outputs, k, s).details["stretched_input"])
    return outputs, stretched, int(conv_output_size(i, stretched).answer)


def _upsampled(claim: Claim, fact: Upsampled) -> Judgement:
    conv = fact.conv
    stride = None if conv.stride is None else as_sympy(conv.stride.value)
    above_one = conv.least_stride is not None or (
        stride is not None and stride.is_number and stride > 1
    )
    if fact.role == "kernel":
        i, k, s = 5, 3, 2
        outputs, stretched, width = _kernel_gradient_width(i, k, s)
        return wrong(
            claim,
            f"the gradient with respect to {fact.name}, the kernel ({fact.named}), has the "
            f"kernel's size at every stride, nothing to upsample; the backward pass stretches the "
            f"output's gradient, s − 1 zeros between its entries ({GUIDE}, relationship 12) — "
            f"e.g. input {i}, kernel {k}, stride {s}: {outputs} outputs, stretched to "
            f"{stretched}, and the input correlated with them is {width} wide, the kernel's size",
            witness=f"i = {i}, k = {k}, s = {s}: the kernel gradient is {width} wide",
        )
    if fact.role == "output" and above_one:
        return right(
            claim,
            f"the backward pass of a strided convolution stretches the gradient of its output "
            f"{fact.name} ({fact.named}) with s − 1 ≥ 1 zeros between its entries ({GUIDE}, "
            "relationship 12)",
        )
    if fact.role is None:
        return unverified(
            claim, f"which tensor {fact.name} is (the kernel, the output, the input) is not stated"
        )
    return unverified(
        claim,
        f"the backward pass stretches the output's gradient only at a stride above 1; "
        f"{fact.name} is the {fact.role} ({fact.named}) and the stride here is not above 1",
    )


# ----------------------------------------------------------------------------------------------
# A dilated kernel's extent, a stack's receptive field
# ----------------------------------------------------------------------------------------------
def _per_axis(values: tuple[Any, ...], count: int) -> tuple[Any, ...] | None:
    """``values`` for ``count`` axes (one value: every axis), or None if they do not fit."""
    if len(values) == count:
        return values
    if len(values) == 1:
        return values * count
    return None


def _dilated_extent(claim: Claim, fact: DilatedExtent) -> Judgement:
    from symconv.sizes.shapes import dilated_kernel_extent

    kernels = [as_sympy(pin.value) for pin in fact.kernel]
    stated = _per_axis(tuple(as_sympy(v) for v in fact.extent), len(kernels))
    if stated is None:
        return unverified(claim, "the extent has another number of axes than the kernel")
    d = as_sympy(fact.dilation.value)
    extents = [as_sympy(dilated_kernel_extent(k, d).answer) for k in kernels]
    shown = " × ".join(str(e) for e in extents)
    rule = (
        f"a kernel of size k with dilation d spans d(k − 1) + 1 ({GUIDE}, Sec. 5.1): "
        f"{fact.kernel[0].where} with {fact.dilation.where} spans {shown}"
    )
    if list(stated) == extents:
        return right(claim, rule)
    return wrong(
        claim,
        f"{rule}, not {' × '.join(str(v) for v in stated)}",
        expected=sp.Tuple(*extents) if len(extents) > 1 else extents[0],
    )


def _strides_reach(field: int, k: int, layers: int) -> bool:
    """True if some strides s_1 … s_{L−1} ≥ 1 give ``layers`` k-wide layers the ``field``.

    With equal kernels the recursion of :func:`symconv.sizes.shapes.receptive_field` (Araujo et
    al. 2019) is r = 1 + (k − 1)·m, m = 1 + s_1(1 + s_2(1 + … )): m − 1 must be a multiple s_1
    of a number the other L − 1 layers reach.
    """
    if k == 1:
        return field == 1
    m, rest = divmod(field - 1, k - 1)
    return rest == 0 and _reaches(m, layers)


def _reaches(m: int, layers: int) -> bool:
    if layers == 1:
        return m == 1
    return any((m - 1) % s == 0 and _reaches((m - 1) // s, layers - 1) for s in range(1, max(m, 1)))


def _stack_field(claim: Claim, fact: StackField) -> Judgement:
    from symconv.sizes.shapes import receptive_field

    kernels = [as_sympy(k) for k in fact.kernel]
    stated = _per_axis(tuple(as_sympy(v) for v in fact.field), len(kernels))
    if stated is None or not all(k.is_Integer and k >= 1 for k in kernels):
        return unverified(claim, "the receptive field has another number of axes than the kernel")
    stride = None if fact.stride is None else as_sympy(fact.stride.value)
    if stride is not None and not stride.is_Integer:
        return unverified(claim, f"the stride {show(stride)} is not a number")
    s = 1 if stride is None else int(stride)
    if isinstance(fact.layers, sp.Symbol):
        return _stack_formula(claim, fact, kernels, stated, stride)
    fields = [as_sympy(receptive_field([(int(k), s)] * fact.layers).answer) for k in kernels]
    shown = " × ".join(str(f) for f in fields)
    where = "stride 1, none stated" if fact.stride is None else fact.stride.where
    rule = (
        f"{fact.layers} stacked layers of a {' × '.join(str(k) for k in kernels)} kernel ({where}) "
        f"see r = 1 + Σ (k − 1)·(product of the strides before) = {shown} inputs (Araujo et "
        "al. 2019)"
    )
    if list(stated) == fields:
        return right(claim, rule)
    if stride is None:
        for value, k in zip(stated, kernels, strict=True):
            if (
                value != 1 + fact.layers * (k - 1)
                and value.is_Integer
                and _strides_reach(int(value), int(k), fact.layers)
            ):
                return unverified(
                    claim,
                    f"{rule}; {value} is the field of strides above 1, and the document states "
                    "no stride",
                )
    return wrong(
        claim,
        f"{rule}, not {' × '.join(str(v) for v in stated)}"
        + ("" if stride is not None else " (larger strides only widen it, never to this)"),
        expected=sp.Tuple(*fields) if len(fields) > 1 else fields[0],
    )


def _stack_parameters(claim: Claim, fact: StackParameters) -> Judgement:
    """*27C² parameters* for three stacked 3 × 3 layers of C channels in and out: each layer has
    k₁k₂·C·C weights (and C biases, if counted): L·k₁k₂·C² without biases, L(k₁k₂C² + C) with
    them. A count that is a multiple of C² alone (the form of a count without biases) and is
    neither is wrong; any other form is not judged (it may count another convention)."""
    c = fact.channels
    kernels = [as_sympy(k) for k in fact.kernel]
    written = sp.expand(as_sympy(fact.count))
    area = sp.Mul(*kernels)
    weights = sp.expand(fact.layers * area * c**2)
    biased = sp.expand(weights + fact.layers * c)
    each = " × ".join(str(k) for k in kernels)
    rule = (
        f"{fact.layers} layer{'s' if fact.layers != 1 else ''} of {each} kernels with {c} "
        f"channels in and out have {fact.layers}·({area}·{c}·{c}) = {show(weights)} weights"
    )
    if written == weights:
        return right(claim, f"{rule} (biases not counted)")
    if written == biased:
        return right(claim, f"{rule}, and {show(biased)} with their {fact.layers}·{c} biases")
    coefficient = sp.simplify(written / c**2)
    if coefficient.is_Integer:
        return wrong(claim, f"{rule}, not {show(written)}", expected=weights)
    return unverified(claim, f"{rule}; {show(written)} is another form (another convention?)")


#: The counts of layers a formula for a stack's field is tried at (a witness names the first
#: that differs).
_STACK_COUNTS = (1, 2, 3, 4, 5, 6)


def _stack_formula(
    claim: Claim, fact: StackField, kernels: list[Any], stated: tuple[Any, ...], stride: Any
) -> Judgement:
    """*The receptive field of L stacked 3 × 3 convolutions is 2L + 1*: the formula, a polynomial
    in L, against r = 1 + L(k − 1) (stride 1: each layer widens the field by k − 1). Two
    polynomials of degree < 7 that agree at 7 counts are equal; where no stride is stated, a
    count whose written field no strides can give (:func:`_strides_reach`) proves it wrong."""
    count = fact.layers
    if len(set(kernels)) != 1 or stride not in (None, 1):
        return unverified(claim, "a formula for a stack's field with strides above 1")
    (k,) = set(kernels)
    written = stated[0]
    if not written.is_polynomial(count) or sp.degree(sp.expand(written), count) > 6:
        return unverified(claim, f"{show(written)} is not a polynomial in {count}")
    expected = 1 + count * (k - 1)
    where = "stride 1, none stated" if fact.stride is None else fact.stride.where
    rule = (
        f"{count} stacked layers of a {k} × {k} kernel ({where}) see r = 1 + {count}·(k − 1) = "
        f"{show(sp.expand(expected))} inputs per axis (Araujo et al. 2019)"
    )
    if sp.expand(written - expected) == 0:
        return right(claim, rule)
    for n in (0, *_STACK_COUNTS):
        if n == 0:
            continue
        value = written.subs(count, n)
        truth = expected.subs(count, n)
        if value == truth:
            continue
        if (
            stride is None
            and value.is_Integer
            and value >= 1
            and _strides_reach(int(value), int(k), n)
        ):
            continue  # some strides above 1 give it: not proven wrong at this count
        return wrong(
            claim,
            f"{rule}, not {show(written)}: at {count} = {n} the field is {truth}, not {value}",
            expected=sp.expand(expected),
            witness=f"{count} = {n}: {value} ≠ {truth}",
        )
    return unverified(
        claim,
        f"{rule}; {show(written)} differs, but the document states no stride (larger strides "
        "widen the field)",
    )


# ----------------------------------------------------------------------------------------------
# The sizes of a convolution said in one sentence, and of its transpose
# ----------------------------------------------------------------------------------------------
def _conv_sizes(claim: Claim, fact: ConvSizes) -> Judgement:
    from symconv.sizes.shapes import conv_output_size

    stride = 1 if fact.stride is None else as_sympy(fact.stride.value)
    padding = 0 if fact.padding is None else as_sympy(fact.padding.value)
    if not (as_sympy(stride).is_Integer and as_sympy(padding).is_Integer):
        return unverified(claim, "the stride or the padding of this convolution is not a number")
    try:
        truth = [
            as_sympy(conv_output_size(i, k, stride, padding).answer)
            for i, k in zip(fact.input, fact.kernel, strict=True)
        ]
    except ShapeError as error:
        return unverified(claim, f"no such convolution: {error}")
    assumed = []
    if fact.stride is None:
        assumed.append("stride 1")
    if fact.padding is None:
        assumed.append("no padding")
    said = "; ".join(
        [*(p.where for p in (fact.stride, fact.padding) if p is not None),
         *([f"{' and '.join(assumed)}: none stated"] if assumed else [])]
    )  # fmt: skip
    shape = " × ".join(str(v) for v in truth)
    rule = (
        f"a {' × '.join(map(str, fact.kernel))} kernel over a {' × '.join(map(str, fact.input))} "
        f"input gives ⌊(i + 2p − k)/s⌋ + 1 = {shape} ({GUIDE}, relationship 15; {said})"
    )
    if list(fact.result) == truth:
        return right(claim, rule)
    if assumed:
        return unverified(
            claim, f"{rule}: {' × '.join(map(str, fact.result))} needs another stride or padding"
        )
    return wrong(
        claim,
        f"{rule}, not {' × '.join(map(str, fact.result))}",
        expected=sp.Tuple(*truth),
    )


def _dims(values: Any) -> str:
    return " × ".join(str(v) for v in values)


def _transposed_sizes(claim: Claim, fact: TransposedSizes) -> Judgement:
    from symconv.sizes.shapes import conv_output_size, output_padding_for, transposed_output_size

    conv = fact.conv
    (inputs, outputs), (given, made) = fact.forward, fact.transposed
    if not len(inputs) == len(outputs) == len(given) == len(made):
        return unverified(claim, "the sizes have different numbers of axes")
    if list(given) != list(outputs):
        return unverified(
            claim,
            "the transposed convolution is said to take another size than the convolution gives",
        )
    s = sp.Integer(1) if conv.stride is None else as_sympy(conv.stride.value)
    d = as_sympy(conv.dilation_value())
    if not (s.is_Integer and d.is_Integer):
        return unverified(claim, "the stride or the dilation is not a number")
    recovered: list[set[int]] = []
    for axis, (i, o) in enumerate(zip(inputs, outputs, strict=True)):
        pinned = conv.kernel_on(axis)
        k = None if pinned is None else as_sympy(pinned.value)
        if pinned is None or k is None or not k.is_Integer:
            return unverified(claim, "the kernel size of the convolution is not stated")
        sizes = set()
        for p in range(int(d * (k - 1)) + 1):  # the paddings that make the forward sizes
            try:
                if int(conv_output_size(i, k, s, p, d).answer) != int(o):
                    continue
            except ShapeError:
                continue
            a = output_padding_for(i, k, s, p, d).answer
            sizes.add(int(transposed_output_size(o, k, s, p, d, a).answer))
        if not sizes:
            return unverified(
                claim, f"no padding makes {pinned.where} map {i} inputs to {o} at stride {s}"
            )
        recovered.append(sizes)
    if any(len(sizes) != 1 for sizes in recovered):
        return unverified(
            claim, "the transposed convolution's size depends on a padding not stated"
        )
    back = [sizes.pop() for sizes in recovered]
    rule = (
        f"the transposed convolution of a convolution from {_dims(inputs)} to {_dims(outputs)} "
        f"(its output padding a included) maps {_dims(outputs)} to {_dims(back)} ({GUIDE}, "
        "relationship 14)"
    )
    if list(made) == back:
        return right(claim, rule)
    return wrong(claim, f"{rule}, not to {_dims(made)}", expected=sp.Tuple(*back))


# ----------------------------------------------------------------------------------------------
# What a padding adds
# ----------------------------------------------------------------------------------------------
def _padding_growth(claim: Claim, fact: PaddingGrowth) -> Judgement:
    from symconv.sizes.shapes import conv_output_size

    size = sp.Symbol("n")
    p = as_sympy(fact.padding)
    added = sp.expand(_derive(conv_output_size, size, 1, 1, p) - size)  # 2p
    expected = added / 2 if fact.per_side else added
    where = "to each side" if fact.per_side else "to the size"
    for growth in fact.growth:
        growth = as_sympy(growth)
        if growth.free_symbols - p.free_symbols:
            return unverified(claim, f"the growth {show(growth)} is not in the padding's letters")
        if _same(growth, expected):
            continue
        if not fact.per_side and _same(growth, p):
            if fact.doubled is None:
                return unverified(
                    claim,
                    f"a padding p on each side adds 2p = {show(added)}; {show(growth)} holds "
                    "only if the padding counts both sides together",
                )
            return wrong(
                claim,
                f"a padding p adds 2p = {show(added)} (p zeros on each side, as your formula on "
                f"{fact.doubled} pads 2p), not {show(growth)}",
                expected=added,
            )
        return wrong(
            claim,
            f"a padding of {show(p)} adds {show(expected)} {where}, not {show(growth)}",
            expected=expected,
            witness=_witness(growth, expected),
        )
    return right(
        claim,
        f"a padding of {show(p)} (p zeros on each side) adds {show(expected)} {where}: "
        f"the padded size is n + 2p",
    )


# ----------------------------------------------------------------------------------------------
# "same" padding
# ----------------------------------------------------------------------------------------------
def _rounded(size: int, stride: int, rounding: str) -> Any:
    quotient = sp.Rational(size, stride)
    if rounding == "ceiling":
        return sp.ceiling(quotient)
    if rounding == "floor":
        return sp.floor(quotient)
    return quotient


def _same_output(size: int, stride: int) -> int:
    """The engine's output size of a 'same' layer (TensorFlow's rule, network_sizes.forward)."""
    from symconv.check.network_sizes import forward
    from symconv.check.networks import Layer, LayerKind, Volume

    layer = Layer(LayerKind.CONV, kernel=(3,), stride=(stride,), padding="same")
    after, _ = forward(layer, Volume((size,)))
    return after.spatial[0]


def _same_size(claim: Claim, fact: SameSize) -> Judgement:
    form = {"exact": "n/s", "ceiling": "⌈n/s⌉", "floor": "⌊n/s⌋"}[fact.rounding]
    rule = "'same' padding keeps ⌈n/s⌉ outputs (TensorFlow's 'SAME')"
    if fact.layers:
        shown = []
        for layer in fact.layers:
            value = _rounded(layer.size, layer.stride, fact.rounding)
            if value != layer.output:
                return wrong(
                    claim,
                    f"{rule}: {layer.name} of {fact.network} takes {layer.size} at stride "
                    f"{layer.stride}, so ⌈{layer.size}/{layer.stride}⌉ = {layer.output}; "
                    f"{form} gives {show(value)}",
                    expected=sp.Integer(layer.output),
                )
            shown.append(f"{layer.size}/{layer.stride} = {layer.output}")
        return right(
            claim,
            f"{rule}, and {form} is exact for every 'same' layer of {fact.network}: "
            + ", ".join(dict.fromkeys(shown)),
        )
    if fact.rounding == "exact":
        return unverified(
            claim,
            f"{rule}; n/s is that size only when the stride divides the input size, and the "
            "sentence names no layer",
        )
    for size, stride in itertools.product(range(1, 13), range(1, 5)):
        truth = _same_output(size, stride)
        value = _rounded(size, stride, fact.rounding)
        if value != truth:
            return wrong(
                claim,
                f"{rule}: n = {size}, s = {stride} gives {truth}, {form} gives {value}",
                expected=sp.Integer(truth),
                witness=f"n = {size}, s = {stride}: {value} ≠ {truth}",
            )
    return right(claim, f"{rule}: {form} for every input size n and stride s")


# ----------------------------------------------------------------------------------------------
# Rounding of an output size
# ----------------------------------------------------------------------------------------------
def _rounding(claim: Claim, fact: Rounding) -> Judgement:
    from symconv.sizes.shapes import conv_output_size, pool_output_size

    if fact.pooling and fact.direction == "ceiling":
        return unverified(
            claim,
            "a pooling layer floors by default and rounds up with ceil_mode: which one the "
            "document uses is not stated",
        )
    engine = pool_output_size if fact.pooling else conv_output_size
    name = "pooling" if fact.pooling else "convolution"
    for i, k, s, p in itertools.product(range(5, 13), range(1, 6), range(1, 4), range(0, 2)):
        try:
            truth = engine(i, k, s, p).answer
        except ShapeError:
            continue
        quotient = sp.Rational(i + 2 * p - k, s) + 1
        value = {
            "floor": sp.floor(quotient),
            "ceiling": sp.ceiling(quotient),
            "nearest": sp.floor(quotient + sp.Rational(1, 2)),
        }[fact.direction]
        if value != truth:
            return wrong(
                claim,
                f"a {name}'s output size is ⌊(i + 2p − k)/s⌋ + 1 ({GUIDE}, relationship 15): "
                f"the quotient is floored; i = {i}, k = {k}, s = {s}, p = {p} gives "
                f"(i + 2p − k)/s + 1 = {show(quotient)}, so {truth} outputs, not {value}",
                expected=truth,
                witness=f"i = {i}, k = {k}, s = {s}, p = {p}: {value} ≠ {truth}",
            )
    return right(
        claim,
        f"a {name}'s output size is ⌊(i + 2p − k)/s⌋ + 1 ({GUIDE}, relationship 15): a "
        "quotient that is no integer is floored",
    )


# ----------------------------------------------------------------------------------------------
# Names of one quantity
# ----------------------------------------------------------------------------------------------
def _channel_names(claim: Claim, fact: ChannelNames) -> Judgement:
    from symconv.sizes.shapes import conv_output_shape

    i, k, s, p, d, c, m = sp.symbols("i k s p d C M", integer=True, positive=True)
    shape = conv_output_shape((i, i), k, s, p, d, out_channels=m).answer
    quantities = {
        "filters": (m, "the number of filters M"),
        "output channels": (shape[-1], "the output's channels (one map per filter, M)"),
        "input channels": (c, "the input's channels C"),
        "kernel size": (k, "the kernel size k"),
        "stride": (s, "the stride s"),
        "padding": (p, "the padding p"),
        "dilation": (d, "the dilation d"),
    }
    first_words, first_field = fact.terms[0]
    first, first_name = quantities[first_field]
    point = {i: 28, k: 5, s: 1, p: 0, d: 1, c: 3, m: 16}
    for words, field in fact.terms[1:]:
        value, name = quantities[field]
        if _same(value, first):
            continue
        left = as_sympy(first).xreplace(point)
        other = as_sympy(value).xreplace(point)
        return wrong(
            claim,
            f"'{first_words}' is {first_name} and '{words}' is {name}: a convolution of "
            f"{point[c]} input channels, {point[m]} filters of size {point[k]} on a "
            f"{point[i]}-wide input has {left} and {other}",
            witness=f"C = {point[c]}, M = {point[m]}, i = {point[i]}, k = {point[k]}: "
            f"{left} ≠ {other}",
        )
    names = " = ".join(f"'{w}'" for w, _ in fact.terms)
    note = f" ('{', '.join(fact.ignored)}' name no size)" if fact.ignored else ""
    return right(claim, f"{names}: each is {first_name}{note}")


# ----------------------------------------------------------------------------------------------
# The size of the backward convolution's result
# ----------------------------------------------------------------------------------------------
def _factor(value: Any) -> str:
    """A factor of a shape as a message writes it: ``(n_h + f_h − 1)`` in brackets."""
    text = show(value)
    return f"({text})" if isinstance(value, sp.Add) else text


def _backward_size(claim: Claim, fact: BackwardSize) -> Judgement:
    from symconv.sizes.shapes import conv_output_size

    stride = fact.conv.stride
    if stride is None or as_sympy(stride.value) != 1:
        return unverified(
            claim,
            "the size of the backward convolution's result: its stride is not stated as 1",
        )
    expected = []
    for axis in (0, 1):
        kernel = fact.conv.kernel_on(axis)
        if kernel is None:
            return unverified(claim, "the kernel size of the backward convolution is not stated")
        size = as_sympy(fact.map_sizes[axis])
        padding = as_sympy(fact.padding[axis])
        expected.append(_derive(conv_output_size, size, kernel.value, 1, padding))
    written = [as_sympy(s) for s in fact.sizes]
    known: set[Any] = set()
    for value in (*fact.map_sizes, *fact.padding, *(k.value for k in fact.conv.kernel)):
        known |= getattr(as_sympy(value), "free_symbols", set())
    for value in written:
        if value.free_symbols - known:
            names = ", ".join(sorted(s.name for s in value.free_symbols - known))
            return unverified(
                claim, f"the letters {names} of this size name no size of the section"
            )
    shown = " × ".join(_factor(e) for e in expected)
    procedure = (
        f"the convolution of {fact.procedure} (the map of size "
        f"{' × '.join(_factor(as_sympy(v)) for v in fact.map_sizes)}, padded "
        f"{', '.join(show(as_sympy(v)) for v in fact.padding)} on each side, the kernel, stride 1)"
    )
    for mine, truth in zip(written, expected, strict=True):
        if not _same(mine, truth):
            return wrong(
                claim,
                f"{procedure} gives {shown} ({GUIDE}, relationship 15), not "
                f"{' × '.join(_factor(w) for w in written)}",
                expected=sp.Tuple(*expected),
                witness=_witness(mine, truth),
            )
    return right(
        claim,
        f"{procedure} gives {shown} ({GUIDE}, relationship 15): the size of the input a "
        f"stride-1 convolution of that kernel maps to the map (relationship 14)",
    )


#: The judge of each kind of statement (a backward convolution's size otherwise).
_JUDGES: dict[type, Callable[[Claim, Any], Judgement | None]] = {
    BackwardPadding: _backward_padding,
    Stretch: _stretch,
    PaddingGrowth: _padding_growth,
    SameSize: _same_size,
    Rounding: _rounding,
    ChannelNames: _channel_names,
    Upsampled: _upsampled,
    DilatedExtent: _dilated_extent,
    StackField: _stack_field,
    StackParameters: _stack_parameters,
    ConvSizes: _conv_sizes,
    TransposedSizes: _transposed_sizes,
}
