"""Numeric twins: fast NumPy forward and backward passes of a convolution layer.

Index forms become copies of shifted slices and BLAS matrix products, generated from the layer's
:class:`~symconv.conv.geometry.ConvSpec` — never a lambdified explicit expression (DESIGN.md). Every
array is brought to channels-first form (NCHW data, OIHW weights; a missing batch or channel axis
becomes an axis of size 1), a true convolution flips the kernel, and then one of two algorithms
runs:

*shift* (stride 1). With ``Xp`` the zero-padded input flattened per channel in row-major order
(row strides ``R_a = Π_{b>a} P_b``), output position ``j`` and tap ``k`` read the flat position
``Σ_a (j_a + d_a k_a) R_a = off(j) + off(dk)``: the tap only *shifts* the read. So
``Z[m, q] = Σ_{n,k} W[m, n, k] Xp[n, q + off(dk)]`` is a sum of matrix products with contiguous
shifted slices, computed on the flat range ``0 ≤ q ≤ Σ_a (O_a − 1) R_a`` and cropped (flat
positions with ``j_a ≥ O_a`` on a trailing axis are discarded). The taps of the last axis are
stacked into one copy ``B[(n, k_D), q] = Xp[n, q + d_D k_D]`` (im2col along one axis); the
other taps are stacked into the rows of one weight matrix and their products added back with
their shifts (kn2row: Vasudevan, Anderson & Gregg 2017, "Parallel multi channel convolution using
general matrix multiplication"). ``Xp`` itself is never built: ``B`` is filled from X directly.
A strided layer is the stride-1 layer sampled at ``s j`` (correct, but it computes every
position; ``auto`` uses *im2col* there).

*im2col* (any stride; Chellapilla et al. 2006). The windows ``V[n, k, j] = Xp[n, s j + d k]`` are
copied into a contiguous ``(C/G · ΠK, ΠO)`` matrix per image and group, and
``Z = W_(M/G, C/G · ΠK) · V`` is one matrix product.

Both work on batch chunks whose scratch memory stays near ``WORKSPACE_BYTES``, keep the dtype
(float32 in, float32 out), and are checked against naive loops in ``tests/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from math import prod
from typing import Any, Literal

import numpy as np
from numpy.lib.stride_tricks import as_strided, sliding_window_view

from symconv.conv.geometry import ConvSpec
from symconv.core.gradcheck import GradientCheck, assert_gradient, check_gradient
from symconv.errors import ConventionError, ShapeError

Algorithm = Literal["auto", "shift", "im2col"]
ALGORITHMS: tuple[str, ...] = ("auto", "shift", "im2col")

#: Scratch memory (bytes) one batch chunk may use: small enough to stay in cache and to be
#: reused by the allocator from call to call, large enough that the matrix products are efficient.
WORKSPACE_BYTES = 8 * 2**20

#: ``auto`` picks *shift* for stride 1 unless its flat range is this many times the output size
#: (a large kernel on a narrow input would then compute mostly discarded positions), and
#: *im2col* for a strided layer (*shift* would compute every stride-1 position).
SHIFT_WASTE_LIMIT = 2.0


# ----------------------------------------------------------------------------------------------
# The spec's geometry as plain integers
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Geometry:
    dims: int
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    dilation: tuple[int, ...]
    pad_before: tuple[int, ...]
    pad_after: tuple[int, ...]
    groups: int
    flip: bool

    @property
    def spatial_axes(self) -> tuple[int, ...]:
        return tuple(range(2, 2 + self.dims))

    def output_shape(self, spec: ConvSpec, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        """``O = ⌊(I + p + p' − d(K−1) − 1)/s⌋ + 1`` per axis (ShapeError with the formula)."""
        sizes = []
        for axis, size in enumerate(input_shape):
            extent = self.dilation[axis] * (self.kernel[axis] - 1) + 1
            padded = size + self.pad_before[axis] + self.pad_after[axis]
            out = (padded - extent) // self.stride[axis] + 1
            if out < 1:
                spec.output_size(axis, size)  # raises the ShapeError that shows the formula
                raise ShapeError(f"axis {axis}: output size {out} < 1")  # pragma: no cover
            sizes.append(out)
        return tuple(sizes)


@lru_cache(maxsize=256)
def _geometry(spec: ConvSpec) -> _Geometry:
    if not spec.is_concrete:
        raise ShapeError(
            "the numeric twin needs concrete stride, padding, dilation and kernel; "
            f"got kernel {spec.kernel_size}, stride {spec.stride}, padding {spec.padding}, "
            f"dilation {spec.dilation}"
        )
    return _Geometry(
        dims=spec.dims,
        kernel=tuple(int(k) for k in spec.kernel_size),
        stride=tuple(int(s) for s in spec.stride),
        dilation=tuple(int(d) for d in spec.dilation),
        pad_before=tuple(int(before) for before, _ in spec.padding),
        pad_after=tuple(int(after) for _, after in spec.padding),
        groups=int(spec.groups),
        flip=spec.op == "convolution",
    )


# ----------------------------------------------------------------------------------------------
# Layouts: everything inside runs on (N, C, spatial...) data and (M, C/G, kernel...) weights
# ----------------------------------------------------------------------------------------------
def _channels_first(spec: ConvSpec, x: np.ndarray) -> np.ndarray:
    """(N, C, spatial...) view, adding size-1 batch/channel axes where the spec has none."""
    if not spec.channels:
        x = np.expand_dims(x, 1 if spec.batch else 0)
    elif spec.layout == "NHWC":
        x = np.moveaxis(x, -1, 1 if spec.batch else 0)
    if not spec.batch:
        x = x[np.newaxis]
    return x


def _from_channels_first(spec: ConvSpec, z: np.ndarray) -> np.ndarray:
    """(N, C, spatial...) back to the spec's layout, C-contiguous."""
    if not spec.channels:
        z = z[:, 0]
    elif spec.layout == "NHWC":
        z = np.moveaxis(z, 1, -1)
    if not spec.batch:
        z = z[0]
    return np.ascontiguousarray(z)


def _weights_oihw(spec: ConvSpec, w: np.ndarray) -> np.ndarray:
    if not spec.channels:
        return w[np.newaxis, np.newaxis]
    if spec.weight_layout == "HWIO":
        return np.moveaxis(w, (-1, -2), (0, 1))
    return w


def _weights_from_oihw(spec: ConvSpec, w: np.ndarray) -> np.ndarray:
    if not spec.channels:
        return np.ascontiguousarray(w[0, 0])
    if spec.weight_layout == "HWIO":
        w = np.moveaxis(w, (0, 1), (-1, -2))
    return np.ascontiguousarray(w)


def _axes_names(spec: ConvSpec, tensor: Literal["x", "w"]) -> str:
    spatial = {1: ["L"], 2: ["H", "W"], 3: ["D", "H", "W"]}[spec.dims]
    if tensor == "w":
        if not spec.channels:
            return "(" + ", ".join(f"K{axis}" for axis in spatial) + ")"
        kernel = [f"K{axis}" for axis in spatial]
        names = ["M", "C/G", *kernel] if spec.weight_layout == "OIHW" else [*kernel, "C/G", "M"]
        return "(" + ", ".join(names) + ")"
    names = ["N"] if spec.batch else []
    if spec.channels and spec.layout == "NCHW":
        names.append("C")
    names += spatial
    if spec.channels and spec.layout == "NHWC":
        names.append("C")
    return "(" + ", ".join(names) + ")"


@dataclass(frozen=True)
class _Operands:
    geometry: _Geometry
    x: np.ndarray  # (N, C, I...) view of the user's x, any dtype
    w: np.ndarray  # (M, C/G, K...) in the working dtype, kernel already flipped for convolution
    dtype: np.dtype[Any]


def _operands(spec: ConvSpec, x: Any, w: Any, *others: Any) -> _Operands:
    """Check shapes against the spec and bring x and w to channels-first form."""
    geometry = _geometry(spec)
    x, w = np.asarray(x), np.asarray(w)
    dtype = np.result_type(x, w, *(np.asarray(o) for o in others if o is not None), np.float32)
    x_rank = geometry.dims + int(spec.batch) + int(spec.channels)
    w_rank = geometry.dims + (2 if spec.channels else 0)
    if x.ndim != x_rank or w.ndim != w_rank:
        raise ShapeError(
            f"x of shape {x.shape} and w of shape {w.shape} do not fit this {geometry.dims}-d "
            f"layer: expected x with axes {_axes_names(spec, 'x')} ({x_rank} axes) and w with axes "
            f"{_axes_names(spec, 'w')} ({w_rank} axes)"
        )
    xc = _channels_first(spec, x)
    wc = _weights_oihw(spec, w)
    if tuple(wc.shape[2:]) != geometry.kernel:
        raise ShapeError(
            f"w of shape {w.shape} has kernel {tuple(wc.shape[2:])}, "
            f"but the spec's kernel is {geometry.kernel}"
        )
    n_in, n_out, per_group_in = xc.shape[1], wc.shape[0], wc.shape[1]
    groups = geometry.groups
    if n_in != per_group_in * groups or n_out % groups:
        raise ShapeError(
            f"x has C={n_in} channels, w has M={n_out} outputs of C/G={per_group_in} inputs, "
            f"groups G={groups}: need C = (C/G)·G = {per_group_in}·{groups} and M divisible by G"
        )
    wc = wc.astype(dtype, copy=False)
    if geometry.flip:
        wc = np.flip(wc, axis=geometry.spatial_axes)
    return _Operands(geometry, xc, np.ascontiguousarray(wc), dtype)


def _pad(x: np.ndarray, before: tuple[int, ...], after: tuple[int, ...], dtype: Any) -> np.ndarray:
    """``x`` (N, C, I...) zero-padded, C-contiguous in ``dtype``; no copy when nothing changes."""
    if not any(before) and not any(after) and x.dtype == dtype and x.flags.c_contiguous:
        return x
    shape = (*x.shape[:2], *(i + b + a for i, b, a in zip(x.shape[2:], before, after, strict=True)))
    padded = np.zeros(shape, dtype)
    interior = tuple(slice(b, b + i) for b, i in zip(before, x.shape[2:], strict=True))
    padded[(slice(None), slice(None), *interior)] = x
    return padded


def _row_strides(grid: tuple[int, ...]) -> tuple[int, ...]:
    """Row-major strides of a grid, in elements: ``R_a = Π_{b>a} P_b``."""
    return tuple(prod(grid[axis + 1 :]) for axis in range(len(grid)))


def _flat_window(
    flat: np.ndarray, offset: int, shape: tuple[int, ...], rows: tuple[int, ...]
) -> np.ndarray:
    """The view ``V[..., j] = flat[..., offset + Σ_a j_a R_a]`` of shape ``(..., *shape)``."""
    start = flat[..., offset:]
    item = flat.itemsize
    return as_strided(
        start,
        shape=(*flat.shape[:-1], *shape),
        strides=(*flat.strides[:-1], *(r * item for r in rows)),
        writeable=flat.flags.writeable,
    )


def _chunk_size(batch: int, bytes_per_image: int) -> int:
    return max(1, min(batch, WORKSPACE_BYTES // max(1, bytes_per_image)))


def _shift_waste(grid: tuple[int, ...], out_shape: tuple[int, ...]) -> float:
    """Flat range computed by *shift* over the outputs kept."""
    rows = _row_strides(grid)
    span = sum((o - 1) * r for o, r in zip(out_shape, rows, strict=True)) + 1
    return span / prod(out_shape)


def _choose(
    algorithm: Algorithm, geometry: _Geometry, grid: tuple[int, ...], out_shape: tuple[int, ...]
) -> Literal["shift", "im2col"]:
    if algorithm not in ALGORITHMS:
        raise ConventionError(f"algorithm={algorithm!r}: expected one of {ALGORITHMS}")
    if algorithm != "auto":
        return algorithm
    if all(s == 1 for s in geometry.stride) and _shift_waste(grid, out_shape) <= SHIFT_WASTE_LIMIT:
        return "shift"
    return "im2col"


# ----------------------------------------------------------------------------------------------
# shift: stride-1 correlation as matrix products with shifted flat slices
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Placement:
    """A source array placed in a zero grid: source index ``j`` sits at ``before + step·j``.

    The forward pass places X with ``before = p`` and ``step = 1`` (zero padding); the input
    gradient places δ with ``before = d(K−1) − p`` and ``step = s`` (zero dilation; see the
    derivation above :func:`conv_backward`). Entries that land outside the grid are dropped.
    """

    grid: tuple[int, ...]
    before: tuple[int, ...]
    step: tuple[int, ...]

    def kept(
        self, source_shape: tuple[int, ...]
    ) -> tuple[tuple[slice, ...], tuple[int, ...], tuple[int, ...]] | None:
        """Source slices of the entries inside the grid, their first grid position and count."""
        slices, firsts, counts = [], [], []
        for size, grid, before, step in zip(
            source_shape, self.grid, self.before, self.step, strict=True
        ):
            first = 0 if before >= 0 else -(before // step)  # ⌈−before/step⌉
            last = min(size - 1, (grid - 1 - before) // step)
            if last < first:
                return None
            slices.append(slice(first, last + 1))
            firsts.append(before + step * first)
            counts.append(last - first + 1)
        return tuple(slices), tuple(firsts), tuple(counts)


@dataclass(frozen=True)
class _ShiftPlan:
    """Index bookkeeping of *shift* for a grid, a kernel, a dilation and the outputs kept.

    ``rest_offsets[r]`` is ``off(d k)`` of the r-th tap over all axes but the last; ``span`` is
    the flat range of the outputs; ``columns`` the columns of the stacked copy ``B``.
    """

    grid: tuple[int, ...]
    rows: tuple[int, ...]
    out_shape: tuple[int, ...]
    k_last: int
    d_last: int
    rest_offsets: tuple[int, ...]
    span: int
    columns: int

    @classmethod
    def make(
        cls,
        grid: tuple[int, ...],
        kernel: tuple[int, ...],
        dilation: tuple[int, ...],
        out_shape: tuple[int, ...],
    ) -> _ShiftPlan:
        # Every read stays inside the grid iff grid_a ≥ O_a + d_a(K_a − 1) on every axis: the
        # largest flat read is Σ_a (O_a − 1 + d_a(K_a − 1)) R_a ≤ Σ_a (P_a − 1) R_a = ΠP − 1.
        for axis, (size, out, k, d) in enumerate(
            zip(grid, out_shape, kernel, dilation, strict=True)
        ):
            if size < out + d * (k - 1):  # pragma: no cover - an internal invariant
                raise ShapeError(f"axis {axis}: grid {size} < O + d(K−1) = {out} + {d}·({k}−1)")
        rows = _row_strides(grid)
        rest_taps = product(*(range(k) for k in kernel[:-1]))
        rest_offsets = tuple(
            sum(d * k * r for d, k, r in zip(dilation[:-1], tap, rows[:-1], strict=True))
            for tap in rest_taps
        )
        span = sum((o - 1) * r for o, r in zip(out_shape, rows, strict=True)) + 1
        return cls(
            grid=grid,
            rows=rows,
            out_shape=out_shape,
            k_last=kernel[-1],
            d_last=dilation[-1],
            rest_offsets=rest_offsets,
            span=span,
            columns=max(rest_offsets) + span,
        )


class _Stack:
    """The stacked copy ``B[i, g, n, k_D, q] = G[i, g·C/G + n, q + d_D k_D]`` of a placed source.

    ``G`` (the zero grid holding the source) is never built: each k_D writes the source straight
    into its shifted place in a zero buffer, whose margins take the entries no product reads. The
    zeros stay put from chunk to chunk, since every chunk writes the same places.
    """

    def __init__(
        self,
        plan: _ShiftPlan,
        placement: _Placement,
        source_shape: tuple[int, ...],
        groups: int,
        chunk: int,
        dtype: Any,
    ) -> None:
        self.plan, self.groups = plan, groups
        self.per_group = source_shape[1] // groups
        self.kept = placement.kept(source_shape[2:])
        base, extent = 0, 0
        if self.kept is not None:
            _, firsts, counts = self.kept
            base = sum(f * r for f, r in zip(firsts, plan.rows, strict=True))
            extent = sum(
                (c - 1) * s * r for c, s, r in zip(counts, placement.step, plan.rows, strict=True)
            )
        self.base = base
        self.source_rows = tuple(s * r for s, r in zip(placement.step, plan.rows, strict=True))
        self.margin = max(0, plan.d_last * (plan.k_last - 1) - base)
        after = max(0, base + extent - (plan.columns - 1))
        length = self.margin + plan.columns + after
        self.buffer = np.zeros((chunk, groups, self.per_group, plan.k_last, length), dtype)

    def fill(self, source: np.ndarray) -> np.ndarray:
        """``B`` of a chunk of the source, as (chunk, G, C/G·K_D, columns) matrices."""
        plan, size = self.plan, source.shape[0]
        buffer = self.buffer[:size]
        if self.kept is not None:
            slices, _, counts = self.kept
            kept: tuple[Any, ...] = (slice(None), slice(None), *slices)
            values = source[kept].reshape(size, self.groups, self.per_group, *counts)
            for tap in range(plan.k_last):
                offset = self.margin + self.base - tap * plan.d_last
                target = _flat_window(buffer[:, :, :, tap], offset, counts, self.source_rows)
                np.copyto(target, values, casting="unsafe")
        window = buffer[..., self.margin : self.margin + plan.columns]
        return window.reshape(size, self.groups, self.per_group * plan.k_last, plan.columns)


def _shift_correlate(
    source: np.ndarray,
    placement: _Placement,
    w: np.ndarray,
    dilation: tuple[int, ...],
    out: np.ndarray,
) -> None:
    """``out[i, m, j] = Σ_{n,k} w[m, n, k] · G[i, g(m)·C/G + n, j + d k]`` (stride 1).

    ``G`` is the zero grid holding ``source`` as ``placement`` says, grid_a ≥ O_a + d_a(K_a − 1);
    ``out`` (N, M, O...) is C-contiguous. The stacked weights ``Ws[g, (r, m), (n, k_D)] =
    w[g·M/G + m, n, k_rest(r), k_D]`` multiply ``B`` once; ``P = Ws · B`` holds each rest-tap's
    partial sums, added with their shifts: ``Z[m, q] = Σ_r P[(r, m), q + off(d k_rest(r))]``.
    """
    batch, channels = source.shape[:2]
    n_out, per_group_in = w.shape[:2]
    kernel = tuple(w.shape[2:])
    groups = channels // per_group_in
    per_group_out = n_out // groups
    plan = _ShiftPlan.make(placement.grid, kernel, dilation, tuple(out.shape[2:]))
    n_rest = len(plan.rest_offsets)
    stacked_weights = np.ascontiguousarray(
        w.reshape(groups, per_group_out, per_group_in, n_rest, plan.k_last)
        .transpose(0, 3, 1, 2, 4)
        .reshape(groups, n_rest * per_group_out, per_group_in * plan.k_last)
    )
    out_groups = out.reshape(batch, groups, per_group_out, *plan.out_shape)
    direct = n_rest == 1 and len(plan.out_shape) == 1  # 1-d: P is the output itself
    per_image = groups * plan.columns * (per_group_in * plan.k_last + n_rest * per_group_out)
    chunk = _chunk_size(batch, per_image * out.itemsize)
    stack = _Stack(plan, placement, tuple(source.shape), groups, chunk, out.dtype)
    shape = (chunk, groups, n_rest * per_group_out, plan.columns)
    partial = None if direct else np.empty(shape, out.dtype)
    for start in range(0, batch, chunk):
        stop = min(batch, start + chunk)
        size = stop - start
        columns = stack.fill(source[start:stop])
        if partial is None:
            np.matmul(stacked_weights, columns, out=out_groups[start:stop])
            continue
        products = np.matmul(stacked_weights, columns, out=partial[:size])
        products = products.reshape(size, groups, n_rest, per_group_out, plan.columns)
        shifted = [
            _flat_window(products[:, :, r], offset, plan.out_shape, plan.rows)
            for r, offset in enumerate(plan.rest_offsets)
        ]
        target = out_groups[start:stop]
        if n_rest == 1:
            np.copyto(target, shifted[0])
            continue
        np.add(shifted[0], shifted[1], out=target)
        for view in shifted[2:]:
            target += view


def _shift_weight_grad(
    source: np.ndarray,
    placement: _Placement,
    delta: np.ndarray,
    delta_step: tuple[int, ...],
    kernel: tuple[int, ...],
    dilation: tuple[int, ...],
    groups: int,
) -> np.ndarray:
    """``dW[m, n, k] = Σ_{i,j} δ[i, m, j] · G[i, g(m)·C/G + n, s j + d k]``.

    ``δ`` is spread on the flat range at ``s j`` (zeros elsewhere, including the discarded
    positions), and with ``B`` as in :func:`_shift_correlate`:
    ``dWs[g, r, (n, k_D), m] = Σ_i Σ_q B[i, g, (n, k_D), q + off(d k_rest(r))] · δ[i, g, m, q]`` —
    one matrix product per rest-tap and image.
    """
    batch, channels = source.shape[:2]
    n_out = delta.shape[1]
    per_group_in = channels // groups
    per_group_out = n_out // groups
    delta_shape = tuple(delta.shape[2:])
    dense = tuple(s * (o - 1) + 1 for s, o in zip(delta_step, delta_shape, strict=True))
    plan = _ShiftPlan.make(placement.grid, kernel, dilation, dense)
    n_rest = len(plan.rest_offsets)
    per_image = groups * (plan.columns * per_group_in * plan.k_last + plan.span * per_group_out)
    chunk = _chunk_size(batch, per_image * delta.itemsize)
    stack = _Stack(plan, placement, tuple(source.shape), groups, chunk, delta.dtype)
    spread = np.zeros((chunk, groups, per_group_out, plan.span), delta.dtype)
    spread_rows = tuple(s * r for s, r in zip(delta_step, plan.rows, strict=True))
    delta_groups = delta.reshape(batch, groups, per_group_out, *delta_shape)
    total = np.zeros((groups, n_rest, per_group_in * plan.k_last, per_group_out), delta.dtype)
    products = np.empty((chunk, groups, per_group_in * plan.k_last, per_group_out), delta.dtype)
    for start in range(0, batch, chunk):
        stop = min(batch, start + chunk)
        size = stop - start
        columns = stack.fill(source[start:stop])
        np.copyto(
            _flat_window(spread[:size], 0, delta_shape, spread_rows), delta_groups[start:stop]
        )
        spread_t = spread[:size].transpose(0, 1, 3, 2)
        for r, offset in enumerate(plan.rest_offsets):
            np.matmul(columns[..., offset : offset + plan.span], spread_t, out=products[:size])
            total[:, r] += products[:size].sum(axis=0)
    # total[g, r, (n, k_D), m] → dW[(g, m), n, k_rest(r), k_D]
    dw = total.reshape(groups, n_rest, per_group_in, plan.k_last, per_group_out)
    return np.ascontiguousarray(dw.transpose(0, 4, 2, 1, 3).reshape(n_out, per_group_in, *kernel))


def _shift_input_grad(
    delta: np.ndarray, w: np.ndarray, geometry: _Geometry, input_shape: tuple[int, ...]
) -> np.ndarray:
    """``dX``: δ dilated by ``s − 1`` zeros, placed at ``d(K−1) − p`` in a zero grid of size
    ``I + d(K−1)``, correlated with the flipped kernel whose input and output channels are
    swapped (the derivation above :func:`conv_backward`)."""
    batch = delta.shape[0]
    groups = geometry.groups
    per_group_out, per_group_in = w.shape[0] // groups, w.shape[1]
    n_in = per_group_in * groups
    placement = _Placement(
        grid=tuple(
            i + d * (k - 1)
            for i, d, k in zip(input_shape, geometry.dilation, geometry.kernel, strict=True)
        ),
        before=tuple(
            d * (k - 1) - p
            for d, k, p in zip(geometry.dilation, geometry.kernel, geometry.pad_before, strict=True)
        ),
        step=geometry.stride,
    )
    swapped = np.flip(w, axis=geometry.spatial_axes)
    swapped = swapped.reshape(groups, per_group_out, per_group_in, *geometry.kernel)
    swapped = swapped.swapaxes(1, 2).reshape(n_in, per_group_out, *geometry.kernel)
    dx = np.empty((batch, n_in, *input_shape), delta.dtype)
    _shift_correlate(delta, placement, np.ascontiguousarray(swapped), geometry.dilation, dx)
    return dx


# ----------------------------------------------------------------------------------------------
# im2col: windows copied into a matrix, one product
# ----------------------------------------------------------------------------------------------
def _windows(padded: np.ndarray, geometry: _Geometry) -> np.ndarray:
    """``V[i, n, k..., j...] = Xp[i, n, s j + d k]`` as a strided view (no copy)."""
    extents = tuple(
        d * (k - 1) + 1 for k, d in zip(geometry.kernel, geometry.dilation, strict=True)
    )
    view = sliding_window_view(padded, extents, axis=geometry.spatial_axes)
    view = view[
        (
            slice(None),
            slice(None),
            *(slice(None, None, s) for s in geometry.stride),
            *(slice(None, None, d) for d in geometry.dilation),
        )
    ]
    dims = geometry.dims
    order = (0, 1, *range(2 + dims, 2 + 2 * dims), *range(2, 2 + dims))
    return view.transpose(order)


def _im2col_plan(
    padded: np.ndarray, geometry: _Geometry, out_shape: tuple[int, ...], n_out: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """The window view (cut to the output), a chunk buffer for its copy and the chunk size."""
    windows = _windows(padded, geometry)
    cut: tuple[Any, ...] = (Ellipsis, *(slice(0, o) for o in out_shape))
    windows = windows[cut]
    batch, channels = padded.shape[:2]
    per_image = prod(out_shape) * (channels * prod(geometry.kernel) + n_out)
    chunk = _chunk_size(batch, per_image * padded.itemsize)
    buffer = np.empty((chunk, channels, *geometry.kernel, *out_shape), padded.dtype)
    return windows, buffer, chunk


def _im2col_forward(
    padded: np.ndarray, w: np.ndarray, geometry: _Geometry, out: np.ndarray
) -> None:
    """``Z_i = W_(M/G, C/G·ΠK) · V_i`` per image and group."""
    batch, n_out, groups = padded.shape[0], w.shape[0], geometry.groups
    n_positions = prod(out.shape[2:])
    windows, buffer, chunk = _im2col_plan(padded, geometry, tuple(out.shape[2:]), n_out)
    weights = w.reshape(groups, n_out // groups, -1)
    out_groups = out.reshape(batch, groups, n_out // groups, n_positions)
    for start in range(0, batch, chunk):
        stop = min(batch, start + chunk)
        columns = buffer[: stop - start]
        np.copyto(columns, windows[start:stop])
        columns_g = columns.reshape(stop - start, groups, -1, n_positions)
        np.matmul(weights, columns_g, out=out_groups[start:stop])


def _im2col_backward(
    padded: np.ndarray, w: np.ndarray, delta: np.ndarray, geometry: _Geometry
) -> tuple[np.ndarray, np.ndarray]:
    """``dXp`` (still padded) and ``dW`` from the window matrix, chunk by chunk.

    ``dW_(M/G, C/G·ΠK) = Σ_i δ_i · V_iᵀ``, and ``dV_i = Wᵀ · δ_i`` scattered back by
    ``dXp[i, n, s j + d k] += dV_i[n, k, j]`` (col2im, the adjoint of the window copy).
    """
    batch = padded.shape[0]
    n_out, per_group_in = w.shape[:2]
    groups = geometry.groups
    per_group_out = n_out // groups
    out_shape = tuple(delta.shape[2:])
    n_positions = prod(out_shape)
    windows, buffer, chunk = _im2col_plan(padded, geometry, out_shape, n_out)
    delta_groups = delta.reshape(batch, groups, per_group_out, n_positions)
    weights_t = w.reshape(groups, per_group_out, -1).transpose(0, 2, 1)
    dw = np.zeros((groups, per_group_in * prod(geometry.kernel), per_group_out), padded.dtype)
    dxp = np.zeros(padded.shape, padded.dtype)
    regions = {
        tap: tuple(
            slice(d * k, d * k + s * (o - 1) + 1, s)
            for k, d, s, o in zip(tap, geometry.dilation, geometry.stride, out_shape, strict=True)
        )
        for tap in product(*(range(k) for k in geometry.kernel))
    }
    for start in range(0, batch, chunk):
        stop = min(batch, start + chunk)
        size = stop - start
        columns = buffer[:size]
        columns_g = columns.reshape(size, groups, -1, n_positions)
        np.copyto(columns, windows[start:stop])
        dw += np.matmul(columns_g, delta_groups[start:stop].transpose(0, 1, 3, 2)).sum(axis=0)
        np.matmul(weights_t, delta_groups[start:stop], out=columns_g)
        for tap, region in regions.items():
            target: tuple[Any, ...] = (slice(start, stop), slice(None), *region)
            source: tuple[Any, ...] = (slice(None), slice(None), *tap)
            dxp[target] += columns[source]
    weight_grad = dw.transpose(0, 2, 1).reshape(n_out, per_group_in, *geometry.kernel)
    return dxp, weight_grad


# ----------------------------------------------------------------------------------------------
# Public: forward and backward
# ----------------------------------------------------------------------------------------------
def conv_forward(
    spec: ConvSpec,
    x: np.ndarray,
    w: np.ndarray,
    bias: np.ndarray | None = None,
    *,
    algorithm: Algorithm = "auto",
) -> np.ndarray:
    """The layer of ``spec`` on NumPy arrays (in the spec's layouts), vectorised.

    ``algorithm`` is ``"shift"`` (stride 1; a strided layer is then the stride-1 result
    subsampled), ``"im2col"`` or ``"auto"`` (shift for stride 1, else im2col). The dtype is kept:
    float32 in, float32 out (integers compute in float64).

    >>> spec = ConvSpec.make(2, dims=1, batch=False, channels=False, stride=2, padding=1)
    >>> conv_forward(spec, np.array([1.0, 2, 3, 4, 5]), np.array([1.0, -1]))
    array([-1., -1., -1.])
    >>> conv_forward(spec, np.array([1.0, 2, 3, 4, 5]), np.array([1.0, -1]), algorithm="shift")
    array([-1., -1., -1.])
    """
    operands = _operands(spec, x, w, bias)
    geometry, dtype = operands.geometry, operands.dtype
    xc, wc = operands.x, operands.w
    batch, n_out = xc.shape[0], wc.shape[0]
    in_shape = tuple(xc.shape[2:])
    out_shape = geometry.output_shape(spec, in_shape)
    padding = _padding_placement(geometry, in_shape)
    chosen = _choose(algorithm, geometry, padding.grid, out_shape)
    out = np.empty((batch, n_out, *out_shape), dtype)
    if chosen == "im2col":
        padded = _pad(xc, geometry.pad_before, geometry.pad_after, dtype)
        _im2col_forward(padded, wc, geometry, out)
    elif all(s == 1 for s in geometry.stride):
        _shift_correlate(xc, padding, wc, geometry.dilation, out)
    else:
        # a strided layer is the stride-1 layer sampled at s·j
        dense_shape = tuple(
            s * (o - 1) + 1 for s, o in zip(geometry.stride, out_shape, strict=True)
        )
        dense = np.empty((batch, n_out, *dense_shape), dtype)
        _shift_correlate(xc, padding, wc, geometry.dilation, dense)
        sampled: tuple[Any, ...] = (slice(None), slice(None))
        out[...] = dense[sampled + tuple(slice(None, None, s) for s in geometry.stride)]
    if bias is not None:
        out += _bias_column(spec, bias, n_out, geometry.dims, dtype)
    return _from_channels_first(spec, out)


def _padding_placement(geometry: _Geometry, in_shape: tuple[int, ...]) -> _Placement:
    """X in the zero-padded grid: ``Xp[p + u] = X[u]``."""
    return _Placement(
        grid=tuple(
            i + b + a
            for i, b, a in zip(in_shape, geometry.pad_before, geometry.pad_after, strict=True)
        ),
        before=geometry.pad_before,
        step=(1,) * geometry.dims,
    )


def _bias_column(spec: ConvSpec, bias: Any, n_out: int, dims: int, dtype: Any) -> np.ndarray:
    b = np.asarray(bias, dtype=dtype)
    expected = (n_out,) if spec.channels else ()
    if b.shape != expected and not (not spec.channels and b.shape == (1,)):
        raise ShapeError(f"bias has shape {b.shape}; this layer needs shape {expected}")
    return b.reshape(1, -1, *([1] * dims))


# Backward pass of Z[i, m, j] = b[m] + Σ_{n,k} W[m, n, k] · Xp[i, g(m)·C/G + n, s j + d k]
# (correlation; channels-first; Xp = X zero-padded by p before and p' after; a true convolution
# runs the same with the flipped kernel and flips dW back). With δ[i, m, j] = ∂L/∂Z[i, m, j]:
#
#   ∂L/∂b[m]       = Σ_{i,j} δ[i, m, j]
#   ∂L/∂W[m, n, k] = Σ_{i,j} δ[i, m, j] · Xp[i, c, s j + d k]           (c = g(m)·C/G + n)
#                  — the correlation of Xp with δ, read at dilation s and stride d;
#   ∂L/∂X[i, c, u] = Σ_{m ∈ group(c)} Σ_k Σ_{j : s j + d k − p = u} δ[i, m, j] · W[m, n, k].
#
# Put the s − 1 zeros between the entries of δ: δ̃[s j] = δ[j] (zero elsewhere). Then the last
# sum is over every k with δ̃[u + p − d k], and with k' = K − 1 − k (the flipped kernel):
#
#   ∂L/∂X[i, c, u] = Σ_{m, k'} W[m, n, K−1−k'] · δ̃[u + d k' − (d(K−1) − p)],
#
# a stride-1 correlation of δ̃, zero-padded by d(K−1) − p before (a "full" correlation when p = 0),
# with the flipped kernel whose input and output channels are swapped, read for 0 ≤ u < I: the
# transposed convolution (Dumoulin & Visin 2016, "A guide to convolution arithmetic for deep
# learning", §4, relationships 13–14: the transpose of a stride-s convolution is a stride-1
# convolution of the input dilated by s − 1 zeros). Input positions no window reaches (u > s(O−1)
# + d(K−1) − p) only meet zeros and get 0. JAX derives the same rule in
# jax/_src/lax/convolution.py ("Understanding the convolution transpose rules";
# _conv_general_dilated_transpose_lhs: lhs_dilation = window_strides, rev(kernel), feature axes
# swapped, padding from _conv_general_vjp_lhs_padding), and dW in
# _conv_general_dilated_transpose_rhs (the input correlated with the output gradient).
#
# *shift* computes exactly these correlations; *im2col* computes dW as δ·Vᵀ and dX by scattering
# Wᵀ·δ back along the windows (col2im), the same sums in the other order, without the zeros of δ̃.
def conv_backward(
    spec: ConvSpec,
    x: np.ndarray,
    w: np.ndarray,
    grad_output: np.ndarray,
    *,
    algorithm: Algorithm = "auto",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients ``(dx, dw, db)`` of a scalar loss, given ``grad_output = ∂L/∂Z``.

    ``dx`` has x's shape and layout, ``dw`` w's, ``db`` shape ``(M,)`` (a 0-d array without
    channel axes). ``algorithm`` as in :func:`conv_forward`; ``"shift"`` dilates a strided
    layer's ``δ`` by ``s − 1`` zeros, as in the derivation above.

    >>> spec = ConvSpec.make(2, dims=1, batch=False, channels=False)
    >>> x, w = np.array([1.0, 2, 3, 4]), np.array([1.0, -1])
    >>> dx, dw, db = conv_backward(spec, x, w, np.array([1.0, 1, 1]))
    >>> dx, dw, db
    (array([ 1.,  0.,  0., -1.]), array([6., 9.]), array(3.))
    >>> strided = ConvSpec.make(2, dims=1, batch=False, channels=False, stride=2)
    >>> conv_backward(strided, x, w, np.array([1.0, 10]))[0]
    array([  1.,  -1.,  10., -10.])
    """
    operands = _operands(spec, x, w, grad_output)
    geometry, dtype = operands.geometry, operands.dtype
    xc, wc = operands.x, operands.w
    batch, n_out = xc.shape[0], wc.shape[0]
    in_shape = tuple(xc.shape[2:])
    out_shape = geometry.output_shape(spec, in_shape)
    grad = np.asarray(grad_output)
    expected = _from_channels_first(spec, np.empty((batch, n_out, *out_shape), np.int8)).shape
    if grad.shape != expected:
        raise ShapeError(
            f"grad_output has shape {grad.shape}; the layer maps x of shape {np.shape(x)} to an "
            f"output of shape {expected} (axes {_axes_names(spec, 'x')}, M={n_out} outputs)"
        )
    delta = np.ascontiguousarray(_channels_first(spec, grad), dtype=dtype)
    padding = _padding_placement(geometry, in_shape)
    chosen = _choose(algorithm, geometry, padding.grid, out_shape)
    if chosen == "im2col":
        padded = _pad(xc, geometry.pad_before, geometry.pad_after, dtype)
        dxp, dw = _im2col_backward(padded, wc, delta, geometry)
        interior = tuple(
            slice(before, before + size)
            for before, size in zip(geometry.pad_before, in_shape, strict=True)
        )
        dx = dxp[(slice(None), slice(None), *interior)]
    else:
        dx = _shift_input_grad(delta, wc, geometry, in_shape)
        dw = _shift_weight_grad(
            xc,
            padding,
            delta,
            geometry.stride,
            geometry.kernel,
            geometry.dilation,
            geometry.groups,
        )
    if geometry.flip:
        dw = np.flip(dw, axis=geometry.spatial_axes)
    db = delta.sum(axis=(0, *geometry.spatial_axes))
    return (
        _from_channels_first(spec, dx),
        _weights_from_oihw(spec, dw),
        db if spec.channels else db.reshape(()),
    )


def to_float_array(value: Any) -> np.ndarray:
    """A SymPy tensor of numbers (or nested lists) as a float64 NumPy array.

    >>> import sympy as sp
    >>> to_float_array(sp.Matrix([[1, sp.Rational(1, 2)]]))
    array([[1. , 0.5]])
    """
    return np.array(np.asarray(value, dtype=object).tolist(), dtype=float)


__all__ = [
    "ALGORITHMS",
    "GradientCheck",
    "assert_gradient",
    "check_gradient",
    "conv_backward",
    "conv_forward",
    "to_float_array",
]
