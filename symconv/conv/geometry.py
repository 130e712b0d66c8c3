"""The geometry of a convolution layer: which input entry each output entry reads.

One frozen :class:`ConvSpec` describes an N-d (1 ≤ N ≤ 3) correlation or convolution with stride
``s``, dilation ``d``, zero padding ``(p_before, p_after)`` per axis, groups, and whether batch and
channel axes exist. Everything else — the index form, the explicit form, the convolution matrix,
the numeric twin and the gradients — reads its geometry from here, so the one relation below is
written once:

    output position j, kernel tap k  →  input position  s·j + d·k − p_before          (correlation)
                                     →  input position  s·j + d·(K−1−k) − p_before    (convolution)

(true convolution is correlation with the kernel flipped along every spatial axis; Dumoulin &
Visin 2016, §1; Goodfellow et al. 2016, eq. 9.4–9.6). Positions outside ``[0, I)`` read zero.

Output size (Dumoulin & Visin 2016, relationship 15, with asymmetric padding):
``O = ⌊(I + p_before + p_after − d(K−1) − 1)/s⌋ + 1``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias, TypedDict, Unpack, cast

import sympy as sp

from symconv.core.safe import as_sympy
from symconv.errors import ConventionError, ShapeError, UnknownOptionError

Op = Literal["correlation", "convolution"]
Mode = Literal["valid", "same", "full"]
Layout = Literal["NCHW", "NHWC"]
WeightLayout = Literal["OIHW", "HWIO"]
SameExtra = Literal["end", "start"]

LAYOUTS: tuple[str, ...] = ("NCHW", "NHWC")
WEIGHT_LAYOUTS: tuple[str, ...] = ("OIHW", "HWIO")
OPS: tuple[str, ...] = ("correlation", "convolution")
MODES: tuple[str, ...] = ("valid", "same", "full")

IntLike: TypeAlias = int | sp.Expr


class ConvOptions(TypedDict, total=False):
    """The options of a convolution layer, declared once: every function of the engine that takes
    a layer's geometry (``ConvSpec.make``, ``conv_index_form``, ``correlate``, ``convolve``,
    ``conv_transpose``, ``conv_matrix``, ``conv_rule``, ``conv_gradients``, ...) accepts them as
    keyword arguments, and a caller can keep them together::

        options = ConvOptions(stride=2, padding=1)
        conv_matrix((5, 5), (3, 3), **options)

    ``padding`` is ``p``, one value per axis or ``(before, after)`` pairs; ``mode`` (valid | same |
    full) overrides it; ``same_extra`` is the end an odd ``same`` padding adds its extra zero at.
    Their defaults are :data:`CONV_DEFAULTS`.
    """

    stride: IntLike | Sequence[IntLike]
    padding: Any
    dilation: IntLike | Sequence[IntLike]
    mode: Mode | None
    same_extra: SameExtra
    groups: IntLike
    op: Op
    layout: Layout
    weight_layout: WeightLayout


#: The default of each option: stride 1, no padding, no dilation, one group, a correlation (what
#: deep-learning libraries call convolution) in PyTorch's NCHW/OIHW layouts.
CONV_DEFAULTS: ConvOptions = {
    "stride": 1,
    "padding": 0,
    "dilation": 1,
    "mode": None,
    "same_extra": "end",
    "groups": 1,
    "op": "correlation",
    "layout": "NCHW",
    "weight_layout": "OIHW",
}


def conv_options(
    given: Mapping[str, Any], function: str, refused: Collection[str] = ()
) -> ConvOptions:
    """``given`` (the keyword arguments a function received) as layer options, each missing one
    at its default; a name that is not an option, or one the function does not take, is refused
    as Python refuses an unexpected keyword argument.

    >>> conv_options({"stride": 2}, "f")["padding"]
    0
    >>> conv_options({"strid": 2}, "f")
    Traceback (most recent call last):
    ...
    symconv.errors.UnknownOptionError: f() got an unexpected keyword argument 'strid' (the \
layer's options it takes: stride, padding, dilation, mode, same_extra, groups, op, layout, \
weight_layout)
    """
    for name in given:
        if name not in CONV_DEFAULTS or name in refused:
            raise UnknownOptionError(
                f"{function}() got an unexpected keyword argument {name!r} (the layer's options "
                f"it takes: {', '.join(n for n in CONV_DEFAULTS if n not in refused)})"
            )
    resolved = dict(CONV_DEFAULTS)
    resolved.update(given)
    return cast(ConvOptions, resolved)


def _per_axis(value: IntLike | Sequence[IntLike], dims: int, name: str) -> tuple[sp.Expr, ...]:
    """Broadcast an int (or symbol) to one value per spatial axis."""
    values = list(value) if isinstance(value, list | tuple) else [value] * dims
    if len(values) != dims:
        raise ShapeError(f"{name}={value!r}: expected one value or {dims} values (one per axis)")
    return tuple(as_sympy(v) for v in values)


def _padding_pairs(
    padding: IntLike | Sequence[IntLike | Sequence[IntLike]], dims: int
) -> tuple[tuple[sp.Expr, sp.Expr], ...]:
    """``p``, ``(p1, p2)`` or ``((before1, after1), (before2, after2))`` → pairs per axis."""
    if isinstance(padding, list | tuple):
        if len(padding) != dims:
            raise ShapeError(
                f"padding={padding!r}: expected one value, {dims} values, or {dims} (before, after)"
                " pairs"
            )
        pairs = []
        for item in padding:
            if isinstance(item, list | tuple):
                if len(item) != 2:
                    raise ShapeError(f"padding={padding!r}: {item!r} is not a (before, after) pair")
                pairs.append((as_sympy(item[0]), as_sympy(item[1])))
            else:
                pairs.append((as_sympy(item), as_sympy(item)))
        return tuple(pairs)
    value = as_sympy(padding)
    return tuple((value, value) for _ in range(dims))


@dataclass(frozen=True)
class ConvSpec:
    """Geometry of one convolution layer (see the module docstring).

    Build it with :meth:`ConvSpec.make`, which resolves ``mode`` into padding and validates.
    """

    dims: int
    kernel_size: tuple[sp.Expr, ...]
    stride: tuple[sp.Expr, ...]
    dilation: tuple[sp.Expr, ...]
    padding: tuple[tuple[sp.Expr, sp.Expr], ...]
    groups: sp.Expr = sp.S.One
    op: Op = "correlation"
    layout: Layout = "NCHW"
    weight_layout: WeightLayout = "OIHW"
    batch: bool = True
    channels: bool = True

    @classmethod
    def make(
        cls,
        kernel_size: IntLike | Sequence[IntLike],
        *,
        dims: int | None = None,
        batch: bool = True,
        channels: bool = True,
        **options: Unpack[ConvOptions],
    ) -> ConvSpec:
        """Resolve the options (:class:`ConvOptions`) into a spec.

        ``mode`` overrides ``padding``: ``valid`` pads nothing, ``full`` pads ``d(K−1)`` on both
        sides, ``same`` pads ``d(K−1)`` in total (stride 1 only) and puts an odd extra zero at the
        ``same_extra`` end — ``"end"`` as PyTorch and ``scipy.signal.correlate2d``, ``"start"`` as
        ``scipy.signal.correlate`` and ``np.correlate``.

        >>> spec = ConvSpec.make(3, dims=2, mode="same")
        >>> spec.padding
        ((1, 1), (1, 1))
        >>> ConvSpec.make(2, dims=1, mode="same", same_extra="start").padding
        ((1, 0),)
        """
        resolved = conv_options(options, "make")
        stride, padding, dilation = resolved["stride"], resolved["padding"], resolved["dilation"]
        mode, same_extra, groups = resolved["mode"], resolved["same_extra"], resolved["groups"]
        op, layout, weight_layout = resolved["op"], resolved["layout"], resolved["weight_layout"]
        if dims is None:
            dims = len(kernel_size) if isinstance(kernel_size, list | tuple) else 2
        if dims not in (1, 2, 3):
            raise ShapeError(f"dims={dims}: symconv handles 1-, 2- and 3-d convolutions")
        if op not in OPS:
            raise ConventionError(f"op={op!r}: expected one of {OPS}")
        if layout not in LAYOUTS:
            raise ConventionError(f"layout={layout!r}: expected one of {LAYOUTS}")
        if weight_layout not in WEIGHT_LAYOUTS:
            raise ConventionError(
                f"weight_layout={weight_layout!r}: expected one of {WEIGHT_LAYOUTS}"
            )
        kernel = _per_axis(kernel_size, dims, "kernel_size")
        strides = _per_axis(stride, dims, "stride")
        dilations = _per_axis(dilation, dims, "dilation")
        if mode is None or mode == "valid":
            pads = _padding_pairs(padding if mode is None else 0, dims)
        elif mode == "full":
            pads = tuple((d * (k - 1), d * (k - 1)) for k, d in zip(kernel, dilations, strict=True))
        elif mode == "same":
            if any(s != 1 for s in strides):
                raise ShapeError(f"mode='same' needs stride 1 (got stride={stride!r})")
            if same_extra not in ("end", "start"):
                raise ConventionError(f"same_extra={same_extra!r}: expected 'end' or 'start'")
            pairs = []
            for k, d in zip(kernel, dilations, strict=True):
                total = d * (k - 1)
                small, large = sp.floor(total / 2), total - sp.floor(total / 2)
                pairs.append((small, large) if same_extra == "end" else (large, small))
            pads = tuple(pairs)
        else:
            raise ConventionError(f"mode={mode!r}: expected one of {MODES}")
        spec = cls(
            dims=dims,
            kernel_size=kernel,
            stride=strides,
            dilation=dilations,
            padding=pads,
            groups=as_sympy(groups),
            op=op,
            layout=layout,
            weight_layout=weight_layout,
            batch=batch,
            channels=channels,
        )
        spec.validate()
        return spec

    # -- validation -----------------------------------------------------------------------
    def validate(self) -> None:
        """Reject impossible parameters; symbolic ones are accepted as they are."""
        for name, values in (
            ("kernel_size", self.kernel_size),
            ("stride", self.stride),
            ("dilation", self.dilation),
        ):
            for axis, value in enumerate(values):
                if value.is_number and (not value.is_integer or value < 1):
                    raise ShapeError(
                        f"{name}={value} on axis {axis}: must be a positive integer"
                        + (" (a stride of 0 never advances the window)" if name == "stride" else "")
                    )
        for axis, pair in enumerate(self.padding):
            for value in pair:
                if value.is_number and (not value.is_integer or value < 0):
                    raise ShapeError(f"padding={value} on axis {axis}: must be an integer ≥ 0")
        if self.groups.is_number and (not self.groups.is_integer or self.groups < 1):
            raise ShapeError(f"groups={self.groups}: must be a positive integer")
        if not self.channels and self.groups != 1:
            raise ShapeError(f"groups={self.groups} needs channel axes (channels=True)")

    @property
    def is_concrete(self) -> bool:
        """True when every parameter is a number (the explicit form can be built)."""
        values = [*self.kernel_size, *self.stride, *self.dilation, self.groups]
        values += [v for pair in self.padding for v in pair]
        return all(v.is_number for v in values)

    # -- the one geometric relation ---------------------------------------------------------
    def input_position(self, axis: int, out_index: IntLike, tap: IntLike) -> sp.Expr:
        """Input position read by output ``out_index`` through kernel tap ``tap`` on ``axis``."""
        s, d, k = self.stride[axis], self.dilation[axis], self.kernel_size[axis]
        p_before = self.padding[axis][0]
        effective_tap = (k - 1 - tap) if self.op == "convolution" else as_sympy(tap)
        return s * out_index + d * effective_tap - p_before

    def output_size(self, axis: int, input_size: IntLike) -> sp.Expr:
        """``⌊(I + p_before + p_after − d(K−1) − 1)/s⌋ + 1``, checked ≥ 1 when numeric.

        >>> ConvSpec.make(3, dims=1, stride=2).output_size(0, 5)
        2
        """
        size = as_sympy(input_size)
        s, d, k = self.stride[axis], self.dilation[axis], self.kernel_size[axis]
        p_before, p_after = self.padding[axis]
        numerator = size + p_before + p_after - d * (k - 1) - 1
        out = sp.floor(numerator / s) + 1
        if out.is_number and out < 1:
            raise ShapeError(
                f"axis {axis}: output size ⌊(I + p_before + p_after − d(K−1) − 1)/s⌋ + 1 = "
                f"⌊({size} + {p_before} + {p_after} − {d}·({k}−1) − 1)/{s}⌋ + 1 = {out} < 1: "
                f"the dilated kernel (extent {d * (k - 1) + 1}) is larger than the padded input "
                f"({size + p_before + p_after})"
            )
        return out

    def output_shape(self, spatial_shape: Sequence[IntLike]) -> tuple[sp.Expr, ...]:
        if len(spatial_shape) != self.dims:
            raise ShapeError(
                f"spatial shape {tuple(spatial_shape)} has {len(spatial_shape)} axes; "
                f"the spec is {self.dims}-d"
            )
        return tuple(self.output_size(axis, size) for axis, size in enumerate(spatial_shape))

    def describe(self) -> tuple[str, ...]:
        """The conventions this spec assumes, as sentences for a write-up."""
        notes = [
            "cross-correlation (no kernel flip), as in deep-learning libraries"
            if self.op == "correlation"
            else "true convolution (kernel flipped along every spatial axis)"
        ]
        if self.channels:
            notes.append(
                f"data layout {self.layout}, weights {self.weight_layout}"
                + (f", {self.groups} groups" if self.groups != 1 else "")
            )
        notes.append("entries outside the input read as zero (zero padding)")
        notes.append("indices are 0-based")
        return tuple(notes)
