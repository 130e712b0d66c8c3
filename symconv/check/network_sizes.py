"""What a document's network implies: output shapes, parameter counts, receptive fields.

Each size is the engine's (:mod:`symconv.sizes.shapes`, :mod:`symconv.sizes.costs`), computed
from the layers as the document states them (:mod:`symconv.check.networks`), with the working in
the document's numbers for the message a student reads:

* a convolution's output, ``⌊(i + 2p − d(k − 1) − 1)/s⌋ + 1`` per axis (Dumoulin & Visin 2016,
  relationship 15); ``"same"`` padding keeps ``⌈i/s⌉`` (TensorFlow's rule,
  ``tf.nn.convolution``: "If padding == 'SAME': output_spatial_shape[i] =
  ceil(input_spatial_shape[i] / strides[i])"), ``"full"`` pads ``d(k − 1)`` on each side;
* pooling by the same rule, its stride the window by default (PyTorch and Keras);
* a fully connected layer's units; ``Flatten`` multiplies the sizes out;
* parameters ``k₁k₂C·M + M`` (:func:`symconv.sizes.costs.conv_params`), ``n·m + m`` for a fully
  connected layer;
* the receptive field of a stack, ``r = 1 + Σ_l d_l(k_l − 1)∏_{m<l} s_m``
  (:func:`symconv.sizes.shapes.receptive_field`, Araujo et al. 2019), one unit of the last
  layer seen on the input of the first.

    >>> from symconv.check.networks import Layer, LayerKind, Network, Quantity, SizeFacts, Volume
    >>> conv = Layer(LayerKind.CONV, kernel=(5, 5), stride=(2, 2), padding=(0, 0), out_channels=32)
    >>> network = Network((conv,), Volume((127, 127), 16))
    >>> found = expected(SizeFacts(Quantity.OUTPUT_SHAPE, None, network, 0, 1))
    >>> found.value, found.working
    ((62, 62, 32), '⌊(127 + 2·0 − 5)/2⌋ + 1 = 62; 32 filters')
    >>> expected(SizeFacts(Quantity.PARAMETERS, None, network, 0, 1)).working
    '(5·5·16 + 1)·32 = 12832'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import sympy as sp

from symconv.check.networks import Layer, LayerKind, Network, Quantity, SizeFacts, Volume
from symconv.errors import ShapeError, SymconvError

__all__ = ["Expected", "SizeUnknownError", "dense_input", "expected", "forward", "volume_before"]


class SizeUnknownError(SymconvError):
    """The document does not state a size the quantity needs (the checker says which)."""


@dataclass(frozen=True)
class Expected:
    """The value a quantity has, the working that gives it (in the document's numbers), and
    the other values a reading the document leaves open also gives (``accepted``: a filter's
    parameters with or without its bias)."""

    value: Any
    working: str
    accepted: tuple[Any, ...] = ()
    #: Values right under a convention the document does not fix, each with what it rests on
    #: (a layer's parameters counted without its biases): neither right nor a mistake.
    open: tuple[tuple[Any, str], ...] = ()


# ----------------------------------------------------------------------------------------------
# One layer
# ----------------------------------------------------------------------------------------------
def forward(layer: Layer, volume: Volume) -> tuple[Volume, str]:
    """The volume after ``layer`` and the working, axis by axis (equal axes shown once).

    >>> pool = Layer(LayerKind.POOL, kernel=(2, 2), stride=(2, 2), padding="same")
    >>> forward(pool, Volume((28, 28), 6))
    (Volume(spatial=(14, 14), channels=6, batch=None, channels_first=False), '⌈28/2⌉ = 14')
    """
    if layer.kind is LayerKind.FLATTEN:
        if volume.channels is None:
            raise SizeUnknownError("Flatten: the number of channels before it is not stated")
        features = math.prod(volume.spatial) * volume.channels
        factors = "·".join(map(str, (*volume.spatial, volume.channels)))
        flat = Volume((), features, volume.batch, volume.channels_first)
        return flat, f"{factors} = {features}"
    if layer.kind is LayerKind.DENSE:
        if layer.out_channels is None:
            raise SizeUnknownError("a fully connected layer whose number of units is not stated")
        volume = dense_input(layer, volume)
        return replace(volume, channels=layer.out_channels), f"{layer.out_channels} units"
    if not volume.spatial:
        raise SizeUnknownError(f"a {layer.kind.value} layer after the sizes were flattened")
    sizes: list[int] = []
    workings: list[str] = []
    for axis, size in enumerate(volume.spatial):
        value, working = _axis(layer, axis, size)
        sizes.append(value)
        if working not in workings:
            workings.append(working)
    channels = volume.channels
    if layer.kind is LayerKind.CONV:
        channels = layer.out_channels
        if channels is not None:
            workings.append(f"{channels} filters")
    return replace(volume, spatial=tuple(sizes), channels=channels), "; ".join(workings)


def dense_input(layer: Layer, volume: Volume) -> Volume:
    """What a fully connected layer acts on: the volume flattened when the layer takes it so (a
    table row, a layer in words: ``5 × 5 × 16`` is 400 features), the last axis when its code
    says so (Keras ``Dense``, PyTorch ``Linear``) — channels last, or a flat vector; the width of
    a channels-first map is not a size this module reads.

    >>> dense_input(Layer(LayerKind.DENSE, out_channels=120), Volume((5, 5), 16))
    Volume(spatial=(), channels=400, batch=None, channels_first=False)
    """
    if not volume.spatial:
        return volume
    if layer.last_axis:
        if volume.channels_first:
            raise SizeUnknownError("a Linear layer on the width of a channels-first map")
        return volume
    if volume.channels is None:
        raise SizeUnknownError("a fully connected layer after a map whose channels are not stated")
    return Volume((), math.prod(volume.spatial) * volume.channels, volume.batch,
                  volume.channels_first)  # fmt: skip


def _per_axis(values: tuple[int, ...] | None, axis: int, default: int) -> int:
    if values is None:
        return default
    return values[axis] if axis < len(values) else values[-1]


def _axis(layer: Layer, axis: int, size: int) -> tuple[int, str]:
    """One spatial size after ``layer``, and its working."""
    if layer.kind is LayerKind.PAD:
        pads = layer.padding if isinstance(layer.padding, tuple) else None
        p = _per_axis(pads, axis, 0)
        return size + 2 * p, f"{size} + 2·{p} = {size + 2 * p}"
    if layer.kernel is None:
        raise SizeUnknownError(f"a {layer.kind.value} layer whose window size is not stated")
    k = _per_axis(layer.kernel, axis, 1)
    pooling = layer.kind is LayerKind.POOL
    s = _per_axis(layer.stride, axis, k if pooling else 1)
    d = _per_axis(layer.dilation, axis, 1)
    padding: tuple[int, ...] | str | None = layer.padding
    if padding == "same":
        # TensorFlow's 'SAME': ceil(i/s) outputs, whatever the kernel (tf.nn.convolution).
        out = -(-size // s)
        return out, (f"⌈{size}/{s}⌉ = {out}" if s != 1 else f'{size} ("same")')
    if padding == "full":
        p = d * (k - 1)
    elif padding in (None, "valid"):
        p = 0
    elif isinstance(padding, tuple):
        p = _per_axis(padding, axis, 0)
    else:
        raise SizeUnknownError(f"padding {padding!r} is not a size or a mode")
    try:
        if pooling:
            from symconv.sizes.shapes import pool_output_size

            out = int(pool_output_size(size, k, s, p, d).answer)
        else:
            from symconv.sizes.shapes import conv_output_size

            out = int(conv_output_size(size, k, s, p, d).answer)
    except ShapeError as error:
        raise SizeUnknownError(f"{layer.describe()} on {size}: {error}") from error
    extent = f"{d}·({k} − 1) − 1" if d != 1 else f"{k}"
    return out, f"⌊({size} + 2·{p} − {extent})/{s}⌋ + 1 = {out}"


# ----------------------------------------------------------------------------------------------
# Through the network
# ----------------------------------------------------------------------------------------------
def volume_before(facts: SizeFacts, index: int) -> tuple[Volume, list[str]]:
    """The volume that reaches layer ``index`` (``len(layers)``: the network's output) for the
    statement ``facts``: its own input (``given``) sent through the layers from ``start``, or the
    network's input through all the layers before ``index``; and the working of each layer."""
    network = facts.network
    if facts.given is not None and index >= facts.start:
        volume, first = facts.given, facts.start
    elif network.input is not None:
        volume, first = network.input, 0
    else:
        raise SizeUnknownError(f"the input of {network.source or 'the network'} is not stated")
    workings = []
    for layer in network.layers[first:index]:
        volume, working = forward(layer, volume)
        workings.append(working)
    return volume, workings


def _trace(facts: SizeFacts, index: int) -> str:
    """The sizes from the statement's input to layer ``index``: ``28 × 28 × 1 → … → 7 × 7 × 16``
    (a layer that changes nothing, an activation, is not listed)."""
    network = facts.network
    if facts.given is not None and index >= facts.start:
        volume, first = facts.given, facts.start
    elif network.input is not None:
        volume, first = network.input, 0
    else:
        raise SizeUnknownError(f"the input of {network.source or 'the network'} is not stated")
    shown = [volume.text() if volume.spatial else f"{volume.channels}"]
    for layer in network.layers[first:index]:
        volume, _ = forward(layer, volume)
        text = volume.text() if volume.spatial else f"{volume.channels}"
        if text != shown[-1]:
            shown.append(text)
    return " → ".join(shown)


def _input_known(facts: SizeFacts) -> bool:
    return facts.given is not None or facts.network.input is not None


def _channels_before(facts: SizeFacts, index: int) -> Expected:
    """The channels that reach layer ``index`` when no input size is stated: from the channels
    the first layer says it takes (``in_channels=1``), each convolution giving its filters'."""
    layers = facts.network.layers
    first = layers[facts.start] if facts.start < len(layers) else None
    if first is None or first.in_channels is None or index <= facts.start:
        raise SizeUnknownError("the channels of the input are not stated")
    channels = first.in_channels
    working = f"{first.name or first.kind.value} takes {channels}"
    target = layers[index] if index < len(layers) else None
    maps = any(
        layer.kind in (LayerKind.CONV, LayerKind.POOL) for layer in layers[facts.start : index]
    )
    if target is not None and target.kind is LayerKind.DENSE and maps:
        # the features a fully connected layer takes after a map are its channels times its
        # sizes, which are not stated
        raise SizeUnknownError(
            "the sizes of the map before the fully connected layer are not stated"
        )
    for layer in layers[facts.start : index]:
        if layer.kind in (LayerKind.CONV, LayerKind.DENSE):
            if layer.out_channels is None:
                raise SizeUnknownError(f"{layer.name or 'a layer'}: its output count is not stated")
            channels = layer.out_channels
            working = f"{layer.name or 'the layer'} (line {layer.line}) puts out {channels}"
        elif layer.kind is LayerKind.FLATTEN:
            raise SizeUnknownError("the sizes before the flatten are not stated")
    return Expected(sp.Integer(channels), working)


def _layer(network: Network, index: int) -> Layer:
    if not 0 <= index < len(network.layers):
        raise SizeUnknownError(f"no layer {index + 1} in {network.source or 'the network'}")
    return network.layers[index]


def expected(facts: SizeFacts) -> Expected:
    """The value of the quantity ``facts`` states, with its working.

    Raises :class:`SizeUnknownError` when the document does not state what it needs.
    """
    quantity = facts.quantity
    index = facts.stop - 1
    if quantity is Quantity.RECEPTIVE_FIELD:
        return _receptive_field(facts)
    if quantity in (Quantity.OUTPUT_SHAPE, Quantity.OUTPUT_SIZE, Quantity.OUTPUT_CHANNELS):
        volume, workings = volume_before(facts, facts.stop)
        return _of_volume(quantity, volume, workings[-1:] if workings else [], facts.axis)
    if quantity in (
        Quantity.INPUT_SHAPE,
        Quantity.INPUT_SIZE,
        Quantity.INPUT_CHANNELS,
        Quantity.INPUT_FEATURES,
    ):
        if quantity in (Quantity.INPUT_CHANNELS, Quantity.INPUT_FEATURES) and not _input_known(
            facts
        ):
            return _channels_before(facts, max(index, 0))
        volume, workings = volume_before(facts, max(index, 0))
        trace = _trace(facts, max(index, 0))
        if quantity is Quantity.INPUT_FEATURES:
            features = math.prod(volume.spatial) * (volume.channels or 0)
            if volume.channels is None:
                raise SizeUnknownError("the number of channels before the layer is not stated")
            shown = "·".join(map(str, (*volume.spatial, volume.channels)))
            working = f"{trace}: {shown} = {features}" if volume.spatial else trace
            return Expected(sp.Integer(features), working)
        mapped = {
            Quantity.INPUT_SHAPE: Quantity.OUTPUT_SHAPE,
            Quantity.INPUT_SIZE: Quantity.OUTPUT_SIZE,
            Quantity.INPUT_CHANNELS: Quantity.OUTPUT_CHANNELS,
        }[quantity]
        return _of_volume(mapped, volume, [trace], facts.axis)
    if quantity is Quantity.TOTAL_PARAMETERS:
        return _total_parameters(facts)
    layer = _layer(facts.network, index)
    if quantity is Quantity.FILTERS:
        return _stated(layer.out_channels, "the number of filters", layer)
    if quantity is Quantity.KERNEL:
        return _stated_sizes(layer.kernel, "the kernel size", layer)
    if quantity is Quantity.STRIDE:
        default = layer.kernel if layer.kind is LayerKind.POOL else (1,)
        return _stated_sizes(layer.stride or default, "the stride", layer)
    if quantity is Quantity.PADDING:
        return _padding(layer)
    volume = _volume_for_weights(facts, index, layer, quantity)
    if quantity is Quantity.PARAMETERS:
        return _parameters_counted(facts, layer, volume)
    if quantity is Quantity.FILTER_PARAMETERS:
        return _filter_parameters(layer, volume)
    if quantity is Quantity.MULTIPLICATIONS:
        return _multiplications(layer, volume)
    raise SizeUnknownError(f"no rule for the {quantity.value}")


def _volume_for_weights(facts: SizeFacts, index: int, layer: Layer, quantity: Quantity) -> Volume:
    """What reaches layer ``index``; for its weights, when that is not stated, the channels the
    layer says it takes (PyTorch's ``in_channels``, ``in_features``: its weight tensor's size,
    whatever reaches it)."""
    try:
        volume, _ = volume_before(facts, index)
    except SizeUnknownError:
        weights = quantity in (Quantity.PARAMETERS, Quantity.FILTER_PARAMETERS)
        if not weights or layer.in_channels is None:
            raise
        if layer.kind is LayerKind.DENSE:
            return Volume((), layer.in_channels)
        if layer.kind is LayerKind.CONV:
            return Volume((), None)  # the layer's in_channels count
        raise
    return volume


def _of_volume(
    quantity: Quantity, volume: Volume, workings: list[str], axis: int | None
) -> Expected:
    working = "; ".join(workings)
    if quantity is Quantity.OUTPUT_CHANNELS:
        if volume.channels is None:
            raise SizeUnknownError("the number of channels is not stated")
        return Expected(sp.Integer(volume.channels), working or f"{volume.channels} channels")
    if quantity is Quantity.OUTPUT_SIZE:
        sizes = volume.spatial or ((volume.channels,) if volume.channels is not None else ())
        if not sizes:
            raise SizeUnknownError("the size is not stated")
        if axis is not None and axis < len(sizes):
            return Expected(sp.Integer(sizes[axis]), working or str(sizes[axis]))
        others = tuple(sp.Integer(s) for s in sizes[1:] if s != sizes[0])
        return Expected(sp.Integer(sizes[0]), working or str(sizes[0]), others)
    shape = tuple(sp.Integer(s) for s in volume.written())
    return Expected(shape, working or volume.text())


def _stated(value: int | None, what: str, layer: Layer) -> Expected:
    if value is None:
        raise SizeUnknownError(f"{what} of the {layer.kind.value} layer is not stated")
    return Expected(sp.Integer(value), _layer_words(layer))


def _stated_sizes(value: tuple[int, ...] | None, what: str, layer: Layer) -> Expected:
    if value is None:
        raise SizeUnknownError(f"{what} of the {layer.kind.value} layer is not stated")
    return Expected(tuple(sp.Integer(v) for v in value), _layer_words(layer))


def _layer_words(layer: Layer) -> str:
    """``Conv2D on line 15: convolution 2×2, 16 filters, stride 1, no padding``."""
    where = f"{layer.name} on line {layer.line}: " if layer.name and layer.line else ""
    return f"{where}{layer.describe()}"


def _padding(layer: Layer) -> Expected:
    padding = layer.padding
    if isinstance(padding, tuple):
        return Expected(tuple(sp.Integer(p) for p in padding), "padding " + str(padding))
    if padding in (None, "valid"):
        return Expected((sp.Integer(0),), "no padding")
    if layer.kernel is None:
        raise SizeUnknownError("a padding without a kernel size")
    if padding == "same":
        if layer.stride is not None and any(s != 1 for s in layer.stride):
            raise SizeUnknownError('"same" padding at a stride above 1 depends on the input size')
        from symconv.sizes.shapes import same_padding

        values, workings = [], []
        for axis, k in enumerate(layer.kernel):
            d = _per_axis(layer.dilation, axis, 1)
            try:
                p = int(same_padding(k, d).answer)
            except ShapeError as error:
                raise SizeUnknownError(str(error)) from error
            values.append(sp.Integer(p))
            shown = f"({k} − 1)/2 = {p}" if d == 1 else f"{d}·({k} − 1)/2 = {p}"
            if shown not in workings:
                workings.append(shown)
        return Expected(tuple(values), '"same" at stride 1: p = ' + "; ".join(workings))
    raise SizeUnknownError(f"padding {padding!r}")


def _parameters(layer: Layer, volume: Volume) -> Expected:
    if layer.kind in (LayerKind.POOL, LayerKind.FLATTEN, LayerKind.PAD):
        return Expected(sp.Integer(0), f"a {layer.kind.value} layer has no parameters")
    channels = volume.channels if volume.channels is not None else layer.in_channels
    if channels is None:
        raise SizeUnknownError("the number of input channels is not stated")
    if layer.out_channels is None:
        raise SizeUnknownError(f"the {layer.kind.value} layer's output count is not stated")
    m = layer.out_channels
    bias = f" + {m}" if layer.bias else ""
    if layer.kind is LayerKind.DENSE:
        flat = dense_input(layer, volume)
        if flat is not volume and flat.channels is not None:
            channels = flat.channels
        total = channels * m + (m if layer.bias else 0)
        return Expected(sp.Integer(total), f"{channels}·{m}{bias} = {total}")
    if layer.kernel is None:
        raise SizeUnknownError("a convolution whose kernel size is not stated")
    from symconv.sizes.costs import conv_params

    total = int(conv_params(layer.kernel, channels, m, bias=layer.bias).answer)
    taps = "·".join(map(str, (*layer.kernel, channels)))
    shown = f"({taps} + 1)·{m}" if layer.bias else f"{taps}·{m}"
    return Expected(sp.Integer(total), f"{shown} = {total}")


def _parameters_counted(facts: SizeFacts, layer: Layer, volume: Volume) -> Expected:
    """A layer's parameters as the words count them. Both counts are in use — with the biases
    (Keras's ``Param #``, PyTorch's ``numel`` of every parameter) and without (*the weights*) —
    so the words decide: *including the biases* or *without the biases* fix one; *parameters*
    alone is the count with them, the one without left open; *weights* the reverse."""
    found = _parameters(layer, volume)
    if not layer.bias or layer.kind not in (LayerKind.CONV, LayerKind.DENSE):
        return found
    bare = _parameters(replace(layer, bias=False), volume)
    if facts.biases is True:
        return found
    if facts.biases is False:
        return replace(bare, working=f"without the biases: {bare.working}")
    if facts.weights:
        why = (f"{found.value} counts the biases too ({found.working}); the layer has "
               f"{bare.value} weights ({bare.working})")  # fmt: skip
        return replace(bare, working=f"{bare.working} weights", open=((found.value, why),))
    why = (f"{bare.value} is the count without the biases ({bare.working}); with them, "
           f"{found.working} — right if the document counts weights alone")  # fmt: skip
    return replace(found, open=((bare.value, why),))


def _total_parameters(facts: SizeFacts) -> Expected:
    """The parameters of layers ``start … stop − 1`` together, each counted as the facts say
    (:func:`_parameters_counted`); the count the words leave open, if any, is the sum of the
    other counts."""
    total, bare = 0, 0
    shown = []
    for index in range(facts.start, facts.stop):
        layer = _layer(facts.network, index)
        volume = _volume_for_weights(facts, index, layer, Quantity.PARAMETERS)
        counted = _parameters_counted(facts, layer, volume)
        total += int(counted.value)
        bare += int(counted.open[0][0]) if counted.open else int(counted.value)
        shown.append(str(counted.value))
    working = f"{' + '.join(shown)} = {total}"
    if bare == total:
        return Expected(sp.Integer(total), working)
    why = f"{bare} leaves the biases out; with them, {working}"
    return Expected(sp.Integer(total), working, open=((sp.Integer(bare), why),))


def _multiplications(layer: Layer, volume: Volume) -> Expected:
    """One forward pass's multiplications, one per weight per output position (a MAC each): a
    convolution's ``H_out·W_out·M`` outputs times ``k₁k₂C`` taps each (zeros of the padding
    counted, as every framework's count does), a fully connected layer's ``n·m``. A FLOP count
    is not this: it counts the additions too, by conventions that differ (``2·MACs`` or not)."""
    if layer.kind is LayerKind.DENSE:
        flat = dense_input(layer, volume)
        if flat.channels is None or layer.out_channels is None or flat.spatial:
            raise SizeUnknownError("the sizes of the fully connected layer are not stated")
        total = flat.channels * layer.out_channels
        return Expected(sp.Integer(total), f"{flat.channels}·{layer.out_channels} = {total}")
    if layer.kind is not LayerKind.CONV or layer.kernel is None:
        raise SizeUnknownError(f"multiplications of a {layer.kind.value} layer")
    channels = volume.channels if volume.channels is not None else layer.in_channels
    if channels is None or layer.out_channels is None:
        raise SizeUnknownError("the channels of the convolution are not stated")
    output, _ = forward(layer, volume)
    factors = (*output.spatial, layer.out_channels, *layer.kernel, channels)
    total = math.prod(factors)
    return Expected(sp.Integer(total), f"{'·'.join(map(str, factors))} = {total}")


def _filter_parameters(layer: Layer, volume: Volume) -> Expected:
    if layer.kind is not LayerKind.CONV or layer.kernel is None:
        raise SizeUnknownError("parameters per filter of a layer that is not a convolution")
    channels = volume.channels if volume.channels is not None else layer.in_channels
    if channels is None:
        raise SizeUnknownError("the number of input channels is not stated")
    weights = math.prod(layer.kernel) * channels
    taps = "·".join(map(str, (*layer.kernel, channels)))
    if not layer.bias:
        return Expected(sp.Integer(weights), f"{taps} = {weights} weights")
    # Each filter holds k₁·k₂·C weights and one bias: "parameters per filter" is read with or
    # without the bias (both are said); either is right, anything else is not.
    return Expected(
        sp.Integer(weights + 1),
        f"{taps} = {weights} weights and 1 bias",
        (sp.Integer(weights),),
    )


def _receptive_field(facts: SizeFacts) -> Expected:
    layers = facts.network.layers[facts.start : facts.stop]
    if not layers:
        return Expected(sp.Integer(1), "one unit sees itself: 1")
    axes = max(len(layer.kernel or ()) for layer in layers) or 1
    from symconv.sizes.shapes import receptive_field

    values: list[sp.Integer] = []
    workings: list[str] = []
    for axis in range(axes):
        stack = []
        for layer in layers:
            if layer.kind is LayerKind.FLATTEN or layer.kind is LayerKind.DENSE:
                raise SizeUnknownError("a receptive field through a fully connected layer")
            if layer.kind is LayerKind.PAD:
                continue
            if layer.kernel is None:
                raise SizeUnknownError(f"{layer.name or 'a layer'}: its kernel size is not stated")
            k = _per_axis(layer.kernel, axis, 1)
            s = _per_axis(layer.stride, axis, k if layer.kind is LayerKind.POOL else 1)
            d = _per_axis(layer.dilation, axis, 1)
            stack.append((k, s, d))
        field = int(receptive_field(stack).answer)
        values.append(sp.Integer(field))
        working = _field_working(stack, field)
        if working not in workings:
            workings.append(working)
    value: Any = tuple(values) if len(values) > 1 else values[0]
    return Expected(value, "; ".join(workings))


def _field_working(stack: list[tuple[int, int, int]], value: int) -> str:
    """``r = s·r' + (k − s)`` from the last layer back: ``1 → 1·1 + (9 − 1) = 9 → …``."""
    shown = ["1"]
    r = 1
    for k, s, d in reversed(stack):
        extent = d * (k - 1) + 1
        new = s * r + (extent - s)
        shown.append(f"{s}·{r} + ({extent} − {s}) = {new}")
        r = new
    assert r == value, (stack, r, value)
    return " → ".join(shown)
