"""What a sentence states about convolution arithmetic in words, as typed facts of a claim.

:mod:`symconv.check.conv_words` reads the sentences (*the gradient … with a padding of 2*, *one
row/column of zeros has been added between the elements*, *if the padding is 1 you add 2 to the
height*); :mod:`symconv.check.judges.conv_words` derives each truth with the engine. Between them
travel these records: one per kind of statement, each with the sizes the document fixes for the
convolution the sentence is about (:class:`ConvInForce`, every size with the words that fixed it).

    >>> import sympy as sp
    >>> kernel = Pinned(sp.Integer(3), "a 3 × 3 kernel (line 111)")
    >>> conv = ConvInForce(kernel=(kernel, kernel))
    >>> conv.kernel_on(1).value, conv.dilation_value()
    (3, 1)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from symconv.core.safe import as_sympy

__all__ = [
    "BackwardPadding",
    "BackwardSize",
    "ChannelNames",
    "ConvInForce",
    "ConvSizes",
    "ConvStatement",
    "ConvWordFacts",
    "DilatedExtent",
    "PaddingGrowth",
    "Pinned",
    "Rounding",
    "SameLayer",
    "SameSize",
    "StackField",
    "Stretch",
    "TransposedSizes",
    "Upsampled",
]


@dataclass(frozen=True)
class Pinned:
    """A size the document fixes (an integer, or an expression in its own letters) and the words
    that fix it, for the messages (``"a 3 × 3 kernel (line 111)"``)."""

    value: Any
    where: str


@dataclass(frozen=True)
class ConvInForce:
    """What the document has fixed, by the sentence, about the convolution it is about: the
    kernel (one size per axis, height first; one size for every axis), the stride, the forward
    convolution's padding on each side and the dilation (None: not fixed). ``least_stride``:
    the sentence is about every stride from this one up (*for stride > 1*)."""

    kernel: tuple[Pinned, ...] = ()
    stride: Pinned | None = None
    padding: Pinned | None = None
    dilation: Pinned | None = None
    least_stride: int | None = None

    def kernel_on(self, axis: int | None) -> Pinned | None:
        """The kernel size along ``axis`` (None: every axis, if they agree)."""
        if not self.kernel:
            return None
        if axis is None:
            values = {as_sympy(pin.value) for pin in self.kernel}
            return self.kernel[0] if len(values) == 1 else None
        return self.kernel[axis] if axis < len(self.kernel) else self.kernel[-1]

    def dilation_value(self) -> Any:
        """The dilation: the one fixed, or 1 (an ordinary kernel) when the document says none."""
        return sp.Integer(1) if self.dilation is None else self.dilation.value


@dataclass(frozen=True)
class BackwardPadding:
    """*Pad the gradient with 2 zeros* / *add f_h − 1 rows on top and bottom*: the zeros around the
    map the backward pass (a transposed or 'full' convolution) convolves, per axis (``None``:
    every axis), on each side (``total``: the two sides together)."""

    amounts: tuple[tuple[int | None, Any], ...]
    conv: ConvInForce
    total: bool = False
    map_name: str | None = None  # the map padded, when the sentence names it (Z of ∂L/∂Z)


@dataclass(frozen=True)
class Stretch:
    """*One row/column of zeros between the elements of the gradient*: zeros between neighbouring
    entries of the map a transposed convolution reads (``of_kernel``: of the kernel, by its
    dilation). ``count`` None: *zeros* without a number (at least one)."""

    count: Any
    conv: ConvInForce
    of_kernel: bool = False


@dataclass(frozen=True)
class PaddingGrowth:
    """*If the padding is 1 you add 2 to the height*: how much a padding adds to a size
    (``per_side``: to each side). ``doubled``: where the document's own formula pads ``2p`` (its
    padding counts one side), or None."""

    padding: Any
    growth: tuple[Any, ...]
    per_side: bool = False
    doubled: str | None = None


@dataclass(frozen=True)
class SameLayer:
    """A layer with 'same' padding of the network in force: its name, input size and stride
    along one axis, and the engine's output size there."""

    name: str
    size: int
    stride: int
    output: int


@dataclass(frozen=True)
class SameSize:
    """*With "same" padding the output size is INPUT_SIZE/STRIDE_SIZE*: ``rounding`` is
    ``"exact"`` (the quotient as it stands), ``"ceiling"`` or ``"floor"``; ``layers`` the
    'same' layers of the network in force (empty: a statement about every size)."""

    rounding: str
    layers: tuple[SameLayer, ...] = ()
    network: str = ""


@dataclass(frozen=True)
class Rounding:
    """*The output width is floored when it is not an integer*: ``direction`` is ``"floor"``,
    ``"ceiling"`` or ``"nearest"``; ``pooling``: said of a pooling layer."""

    direction: str
    pooling: bool = False


@dataclass(frozen=True)
class ChannelNames:
    """*out_channel = number of filters = output depth*: names said to be one quantity, each with
    the quantity its words name (:class:`symconv.check.size_words.Field` values); ``ignored``:
    the words that name no size (*layer*, *dimension*)."""

    terms: tuple[tuple[str, str], ...]
    ignored: tuple[str, ...] = ()


@dataclass(frozen=True)
class BackwardSize:
    """*The Y derivative map has size (n_h + f_h − 1) × (n_w + f_w − 1), where n_h, n_w are the
    height and width of the Z map*: the size of what the backward convolution the section
    describes gives — the map it pads (``map_sizes``, per axis), by ``padding`` on each side,
    convolved with the kernel of ``conv`` at its stride."""

    sizes: tuple[Any, ...]
    map_sizes: tuple[Any, ...]
    padding: tuple[Any, ...]
    conv: ConvInForce
    procedure: str = ""  # where the section describes the backward convolution


@dataclass(frozen=True)
class Upsampled:
    """*For stride > 1, ∂L/∂W must be upsampled*: the gradient the sentence says the backward
    pass stretches, by the name of the tensor it is taken with respect to, and the role the
    document gives that name (``"kernel"``, ``"output"``, ``"input"``: *the 3 × 3 filter W*,
    *the output map Z*; None when it gives none), with the words that gave it."""

    name: str
    role: str | None
    conv: ConvInForce
    named: str = ""


@dataclass(frozen=True)
class DilatedExtent:
    """*A 3 × 3 kernel with dilation 2 covers a 5 × 5 region*: the extent the sentence says a
    dilated kernel spans, per axis (one size: every axis)."""

    kernel: tuple[Pinned, ...]
    dilation: Pinned
    extent: tuple[Any, ...]


@dataclass(frozen=True)
class StackField:
    """*Three stacked 3 × 3 convolutions have a 7 × 7 receptive field*: ``layers`` layers of the
    kernel (per axis), the receptive field the sentence states (per axis) and the stride it or
    the document fixes (None: none is stated). ``layers`` may be a letter (*L stacked 3 × 3
    convolutions*): the field is then a formula in it (*2L + 1*)."""

    layers: Any
    kernel: tuple[Any, ...]
    field: tuple[Any, ...]
    stride: Pinned | None = None


@dataclass(frozen=True)
class StackParameters:
    """*Three stacked 3 × 3 convs … with 27C² parameters*, *49C² for a single 7 × 7 layer*: the
    weights of ``layers`` layers of the kernel, each with ``channels`` (a letter) in and out, as
    the sentence writes them (a formula in that letter)."""

    layers: int
    kernel: tuple[Any, ...]
    channels: Any
    count: Any


@dataclass(frozen=True)
class ConvSizes:
    """*We convolve the 3 × 3 map over the 5 × 5 input to create the 3 × 3 result*: the sizes a
    sentence gives a convolution without padding (input, kernel, result; per axis) and the
    stride and padding it or the document fixes (None: not stated)."""

    input: tuple[Any, ...]
    kernel: tuple[Any, ...]
    result: tuple[Any, ...]
    stride: Pinned | None = None
    padding: Pinned | None = None


@dataclass(frozen=True)
class TransposedSizes:
    """*If a convolution produces 2 × 2 maps given 4 × 4 maps, the corresponding transposed
    convolution produces 4 × 4 maps given 2 × 2*: the forward pair (input, output) and the pair
    the sentence says the transposed convolution maps (input, output), with the kernel, stride
    and dilation in force."""

    forward: tuple[tuple[Any, ...], tuple[Any, ...]]
    transposed: tuple[tuple[Any, ...], tuple[Any, ...]]
    conv: ConvInForce


ConvStatement = (
    BackwardPadding
    | Stretch
    | PaddingGrowth
    | SameSize
    | Rounding
    | ChannelNames
    | BackwardSize
    | Upsampled
    | DilatedExtent
    | StackField
    | StackParameters
    | ConvSizes
    | TransposedSizes
)


@dataclass(frozen=True)
class ConvWordFacts:
    """A fact of convolution arithmetic a sentence states in words (one of
    :data:`ConvStatement`)."""

    statement: ConvStatement
