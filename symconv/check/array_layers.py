"""A convolution layer's arrays read by their layouts, and the matrices im2col makes of them.

A document that states a layer's shapes — an input ``(16, 3, 128, 128)``, a kernel ``(8, 3, 3,
3)`` — rarely says which axis is which. A :class:`Reading` is one answer: the input as
``(N, C, H, W)`` or ``(N, H, W, C)``, the kernel as ``(M, C, k_h, k_w)`` (PyTorch's
``Conv2d.weight``) or ``(k_h, k_w, C, M)`` (TensorFlow's ``tf.nn.conv2d`` filter).
:func:`readings` keeps those under which the kernel takes the input's channels; a verdict the
document's shapes support must hold under every one of them.

im2col (Chellapilla, Puri & Simard 2006; Caffe's ``im2col``) writes a convolution as one matrix
product: the kernel becomes a ``(C·k_h·k_w, M)`` matrix, one column per filter
(:func:`kernel_matrices`), the input a ``(B, H_out·W_out, C·k_h·k_w)`` array, one row per window
position (:func:`input_matrices`) — or the transposes, ``(B, C·k_h·k_w, H_out·W_out)`` as
``torch.nn.Unfold`` returns it; without the batch when it is 1, or with the batch folded into
the positions.

    >>> import sympy as sp
    >>> kernel, data = (2, 3, 2, 2), (1, 3, 4, 4)
    >>> [r.words() for r in readings(kernel, data)]
    ['(N, C, H, W) with a kernel (M, C, k_h, k_w)']
    >>> (reading,) = readings(kernel, data)
    >>> kernel_matrices(kernel, reading)
    ([(12, 2), (2, 12)], 'C·k_h·k_w = 3·2·2 = 12, 2 filters')
    >>> positions = positions_of(data, kernel, reading, (1, 1), (0, 0))
    >>> input_matrices(data, kernel, reading, positions)[0][:2]
    [(1, 9, 12), (1, 12, 9)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from symconv.check.array_shapes import Shape, same_size
from symconv.check.shown import show
from symconv.core.safe import as_sympy
from symconv.errors import ShapeError

__all__ = [
    "READINGS",
    "Positions",
    "Reading",
    "input_matrices",
    "kernel_matrices",
    "positions_of",
    "readings",
]


@dataclass(frozen=True)
class Reading:
    """One way to read a layer's shapes: the input's layout (``NCHW``: (N, C, H, W); ``NHWC``)
    and the kernel's (``OIHW``: (M, C, k_h, k_w); ``HWIO``: (k_h, k_w, C, M))."""

    data: str
    kernel: str

    def channels(self, data: Shape) -> Any:
        return data[1] if self.data == "NCHW" else data[3]

    def spatial(self, data: Shape) -> tuple[Any, Any]:
        return (data[2], data[3]) if self.data == "NCHW" else (data[1], data[2])

    def inputs(self, kernel: Shape) -> Any:
        return kernel[1] if self.kernel == "OIHW" else kernel[2]

    def filters(self, kernel: Shape) -> Any:
        return kernel[0] if self.kernel == "OIHW" else kernel[3]

    def window(self, kernel: Shape) -> tuple[Any, Any]:
        return (kernel[2], kernel[3]) if self.kernel == "OIHW" else (kernel[0], kernel[1])

    def words(self) -> str:
        data = "(N, C, H, W)" if self.data == "NCHW" else "(N, H, W, C)"
        kernel = "(M, C, k_h, k_w)" if self.kernel == "OIHW" else "(k_h, k_w, C, M)"
        return f"{data} with a kernel {kernel}"


READINGS = tuple(Reading(d, k) for d in ("NCHW", "NHWC") for k in ("OIHW", "HWIO"))


def readings(kernel: Shape, data: Shape) -> list[Reading]:
    """The readings under which a 2-d kernel takes the input's channels (a document that says
    nothing of its layouts leaves every such reading open).

    >>> [r.words() for r in readings((8, 3, 3, 3), (16, 3, 128, 128))]
    ['(N, C, H, W) with a kernel (M, C, k_h, k_w)', '(N, C, H, W) with a kernel (k_h, k_w, C, M)']
    """
    if len(kernel) != 4 or len(data) != 4:
        return []
    return [r for r in READINGS if same_size(r.inputs(kernel), r.channels(data)) is True]


@dataclass(frozen=True)
class Positions:
    """The output's height and width (the window positions), and how they are known."""

    height: Any
    width: Any
    working: str


def positions_of(
    data: Shape,
    kernel: Shape,
    reading: Reading,
    stride: tuple[int, ...],
    padding: tuple[int, ...],
) -> Positions | None:
    """The output's size per axis, by the engine's rule (:func:`symconv.sizes.shapes.
    conv_output_size`: ``⌊(i + 2p − k)/s⌋ + 1``); None for sizes that are not numbers."""
    from symconv.sizes.shapes import conv_output_size

    sizes = []
    for axis, (size, window) in enumerate(
        zip(reading.spatial(data), reading.window(kernel), strict=True)
    ):
        s, p = stride[min(axis, len(stride) - 1)], padding[min(axis, len(padding) - 1)]
        if not (as_sympy(size).is_number and as_sympy(window).is_number):
            return None
        try:
            sizes.append(conv_output_size(int(size), int(window), s, p).answer)
        except ShapeError:
            return None
    height, width = sizes
    (i, _), (k, _) = reading.spatial(data), reading.window(kernel)
    working = f"⌊({i} + 2·{padding[0]} − {k})/{stride[0]}⌋ + 1 = {height} per side"
    return Positions(height, width, working)


def kernel_matrices(kernel: Shape, reading: Reading) -> tuple[list[Shape], str]:
    """The kernel as im2col's matrix, ``(C·k_h·k_w, M)``, or its transpose; and the working."""
    filters, channels = reading.filters(kernel), reading.inputs(kernel)
    kh, kw = reading.window(kernel)
    window = sp.Mul(channels, kh, kw)
    working = f"C·k_h·k_w = {channels}·{kh}·{kw} = {show(window)}, {filters} filters"
    return [(window, filters), (filters, window)], working


def input_matrices(
    data: Shape, kernel: Shape, reading: Reading, positions: Positions
) -> tuple[list[Shape], str]:
    """The input as im2col's matrix, one row per window position: ``(B, H_out·W_out,
    C·k_h·k_w)``, its transpose per batch, without the batch when it is 1, or with the batch
    folded into the positions; and the working."""
    channels = reading.inputs(kernel)
    kh, kw = reading.window(kernel)
    window = sp.Mul(channels, kh, kw)
    batch = data[0]
    count = sp.Mul(positions.height, positions.width)
    shapes: list[Shape] = [(batch, count, window), (batch, window, count)]
    if batch == 1:
        shapes += [(count, window), (window, count)]
    shapes += [(sp.Mul(batch, count), window), (window, sp.Mul(batch, count))]
    working = (
        f"{show(count)} window positions ({positions.working}), C·k_h·k_w = "
        f"{channels}·{kh}·{kw} = {show(window)}"
    )
    return shapes, working
