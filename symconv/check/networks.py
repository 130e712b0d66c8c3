"""The network a document describes, as typed data: its layers, its input and the sizes it states.

A document about sizes describes layers — in a table (``| CONV1 | 28 | 1 | 16 | 7 | 2 | 0 |``),
in code (``Conv2D(16, (2, 2), input_shape=(224, 224, 3))``), in a question's words ("an input
volume that is 127 × 127 × 16 … 32 filters of 5 × 5, using a stride of 2 and no padding") — and
states sizes of them: an output shape, a parameter count, a receptive field. The readers
(:mod:`symconv.check.read_sizes`) turn what is written into a :class:`Network` and one
:class:`SizeFacts` per stated size; :mod:`symconv.check.network_sizes` computes what the network
implies and :mod:`symconv.check.judges.layers` compares.

Only data here (no reading, no arithmetic), so that :mod:`symconv.check.model` can name
:class:`SizeFacts` among a claim's facts without importing the engine.

    >>> conv = Layer(LayerKind.CONV, kernel=(5, 5), stride=(2, 2), padding=(0, 0), out_channels=32)
    >>> conv.describe()
    'convolution 5×5, 32 filters, stride 2, no padding'
    >>> Volume((127, 127), 16).text()
    '127 × 127 × 16'
    >>> Volume((126, 126), 8, batch=16, channels_first=True).text()
    '16 × 8 × 126 × 126'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from symconv.check.model import Claim

__all__ = [
    "Layer",
    "LayerKind",
    "Network",
    "PlacedNetwork",
    "Quantity",
    "SizeFacts",
    "SizeFormulaFacts",
    "SizeStatement",
    "Volume",
]


class LayerKind(StrEnum):
    """What a layer does to the sizes."""

    CONV = "convolution"
    POOL = "pooling"
    DENSE = "fully connected"
    FLATTEN = "flatten"
    PAD = "zero padding"


#: Padding written as a mode: ``"same"``, ``"valid"`` or ``"full"``.
PADDING_MODES = ("same", "valid", "full")


@dataclass(frozen=True)
class Layer:
    """One layer as the document writes it; a size it does not state is None.

    ``padding`` is one size per spatial axis (zeros on each side) or a mode (``"same"``,
    ``"valid"``, ``"full"``); ``out_channels`` is a convolution's number of filters or a fully
    connected layer's number of units; ``in_channels`` what the document states the layer takes
    (``in_channels=6``, ``in_features=784``), checked against what reaches it. ``line`` is where
    it is written, ``name`` how (``CONV1``, ``Layer_3``, ``Conv2D``).
    """

    kind: LayerKind
    kernel: tuple[int, ...] | None = None
    stride: tuple[int, ...] | None = None
    padding: tuple[int, ...] | str | None = None
    dilation: tuple[int, ...] | None = None
    out_channels: int | None = None
    in_channels: int | None = None
    bias: bool = True
    name: str = ""
    line: int = 0
    #: A fully connected layer of code that acts on the last axis of what reaches it (Keras
    #: ``Dense``: "the dense layer … operates along the last axis of the inputs"; PyTorch
    #: ``Linear``: ``(*, H_in)``). Any other fully connected layer — a table row, a layer in
    #: words — takes what reaches it flattened, as such descriptions mean.
    last_axis: bool = False

    def describe(self) -> str:
        """The layer in words: ``convolution 5×5, 32 filters, stride 2, no padding``."""
        parts = [self.kind.value]
        if self.kernel is not None:
            parts[0] += " " + "×".join(map(str, self.kernel))
        details = []
        if self.out_channels is not None and self.kind is LayerKind.CONV:
            details.append(f"{self.out_channels} filters")
        if self.out_channels is not None and self.kind is LayerKind.DENSE:
            details.append(f"{self.out_channels} units")
        if self.stride is not None and self.kind is not LayerKind.PAD:
            details.append(f"stride {_axes(self.stride)}")
        if self.dilation is not None and any(d != 1 for d in self.dilation):
            details.append(f"dilation {_axes(self.dilation)}")
        padding = self.padding
        if isinstance(padding, str):
            details.append(f'"{padding}" padding')
        elif padding is not None and any(padding):
            details.append(f"padding {_axes(padding)}")
        elif padding is not None and self.kind is not LayerKind.PAD:
            details.append("no padding")
        return ", ".join([*parts, *details])


def _axes(values: tuple[int, ...]) -> str:
    """``2`` for ``(2, 2)``, ``(2, 1)`` otherwise."""
    if len(set(values)) == 1:
        return str(values[0])
    return "(" + ", ".join(map(str, values)) + ")"


@dataclass(frozen=True)
class Volume:
    """A tensor's sizes: spatial sizes (height, width, …), channels, and the batch if written.

    ``channels_first`` keeps the order the document writes it in (``(16, 3, 128, 128)``: batch,
    channels, height, width, as PyTorch; ``127 × 127 × 16``: height, width, channels), so that
    a size computed from it is shown — and compared — in the document's own order. A flat vector
    (after ``Flatten``, a fully connected layer) has no spatial sizes and ``channels`` features.
    """

    spatial: tuple[int, ...]
    channels: int | None = None
    batch: int | None = None
    channels_first: bool = False

    def written(self) -> tuple[int, ...]:
        """The sizes in the document's order (channels omitted when unknown)."""
        channels = () if self.channels is None else (self.channels,)
        batch = () if self.batch is None else (self.batch,)
        if self.channels_first:
            return (*batch, *channels, *self.spatial)
        return (*batch, *self.spatial, *channels)

    def text(self) -> str:
        return " × ".join(map(str, self.written()))


@dataclass(frozen=True)
class Network:
    """Layers in order, the input they take (if the document states it) and where it is."""

    layers: tuple[Layer, ...]
    input: Volume | None = None
    #: Where the document states it, for messages: ``the question on line 33``.
    source: str = ""


class Quantity(StrEnum):
    """What a stated size is (the value a :class:`SizeFacts` claims)."""

    OUTPUT_SHAPE = "output shape"
    OUTPUT_SIZE = "output size"
    OUTPUT_CHANNELS = "output channels"
    INPUT_SHAPE = "input shape"
    INPUT_SIZE = "input size"
    INPUT_CHANNELS = "input channels"
    INPUT_FEATURES = "input features"
    PARAMETERS = "parameters"
    FILTER_PARAMETERS = "parameters per filter"
    FILTERS = "filters"
    KERNEL = "kernel size"
    STRIDE = "stride"
    PADDING = "padding"
    RECEPTIVE_FIELD = "receptive field"
    #: Multiplications of one forward pass (one per multiply-accumulate): a convolution's
    #: ``H_out·W_out·M · k₁k₂C``, a fully connected layer's ``n·m``.
    MULTIPLICATIONS = "multiplications"
    #: The parameters of every layer ``start … stop − 1`` together (Keras's *Total params*).
    TOTAL_PARAMETERS = "total parameters"


@dataclass(frozen=True)
class SizeFacts:
    """A size the document states about its network.

    The quantity is computed over ``network.layers[start:stop]`` (for most quantities the layer
    ``stop − 1`` is the one it is about: the output of the first three layers, the parameters of
    the second), from ``given`` when the statement carries its own input (a table row's *input
    width* column), else from the network's input sent through the layers before ``start``. A
    receptive field spans its layers: one unit after layer ``stop − 1``, seen on the input of
    layer ``start`` (``start == stop``: the unit itself, 1).

    ``written`` is the value as written (a SymPy integer or a tuple of them); ``axis`` the
    spatial axis a single size is about, when the document says which; ``about`` words for the
    message (``row Layer_3 of the table on lines 23–29``). ``adjacent`` marks a value that
    follows from the layer written just before only if nothing sits between them (a table may
    leave layers out): equal, it is right; different, it is not proven wrong. ``computation``
    is the claim the same words were read as when they compute the value (``(28+2*0-7)/3+1=8``):
    the statement's one verdict covers both.
    """

    quantity: Quantity
    written: Any
    network: Network
    start: int
    stop: int
    given: Volume | None = None
    axis: int | None = None
    about: str = ""
    adjacent: bool = False
    computation: Claim | None = field(default=None, compare=False)
    #: Whether the words count a layer's biases among its parameters: True (*including the
    #: biases*), False (*without the biases*, *不算偏置*), None (they do not say). ``weights``:
    #: the words name weights, not parameters (*432 weights*).
    biases: bool | None = None
    weights: bool = False


@dataclass(frozen=True)
class SizeFormulaFacts:
    """A size formula the document writes, its letters named by their roles.

    ``written`` is the formula with each letter replaced by its role's (``i`` input size, ``o``
    output size, ``k`` kernel, ``s`` stride, ``p`` padding, ``d`` dilation, ``r`` the receptive
    field on a layer's output); ``quantity`` what it computes (``output size``, ``receptive
    field``: the field on the layer's input); ``names`` each role letter with the document's
    own name for it (for the message).
    """

    quantity: str
    written: Any
    names: tuple[tuple[str, str], ...] = ()
    computation: Claim | None = field(default=None, compare=False)


@dataclass(frozen=True)
class SizeStatement:
    """A size the document states, as a reader found it: its lines, notebook cell and text, what
    it claims, and what it was read from — math segments (by index) or spans of text segments
    ``(segment, start, end)`` — so that a claim the reading already made of the same words is
    this statement's (:func:`symconv.check.read_sizes.add_size_claims`)."""

    line: int
    end_line: int
    text: str
    facts: SizeFacts | SizeFormulaFacts
    cell: int | None = None
    segments: tuple[int, ...] = ()
    spans: tuple[tuple[int, int, int], ...] = ()


@dataclass(frozen=True)
class PlacedNetwork:
    """A network and where the document states it; a question's network keeps the quantity
    the question asks for (its ticked option states it).

    ``reach`` says where the network holds: ``"section"`` (a question, code, a table: what the
    rest of its problem says of it, data or results); ``"example"`` (data a sentence supposes,
    *假设输入特征图 … 卷积核 …*: the results its section states — what is said later of a
    padding or a stride may be about another tensor); ``"paragraph"`` (a layer a sentence
    describes on its way: the results its own paragraph states)."""

    line: int
    cell: int | None
    network: Network
    asked: Quantity | None = None
    reach: str = "section"
    #: Whether the question counts the layer's biases (:attr:`SizeFacts.biases`).
    biases: bool | None = None
