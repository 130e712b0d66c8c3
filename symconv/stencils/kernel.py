"""A stencil as a convolution kernel: exact entries, a separate scale, and an explicit layout.

A stencil ``D_h f(x) = h^{-n} Σ_j w_j f(x + o_j h)`` is a *cross-correlation* of the grid values
with the kernel ``K[r + o] = w_o`` (origin ``r``, the index of offset 0): what ``np.correlate``,
``scipy.ndimage.correlate`` and ``torch.nn.functional.conv2d`` compute. A true *convolution*
(``np.convolve``, ``scipy.ndimage.convolve``) flips the kernel,
``(K * f)[i] = Σ_a K[a] f[i − a + r]``, so the kernel to hand it is ``K'[r − o] = w_o`` — for an
odd-order derivative (antisymmetric weights) ``K' = −K`` (Goodfellow et al. 2016, §9.1; the kernel
pitfall of ``fd-stencils.md``).

The *layout* says which array axis is which coordinate and which way it points; it applies to the
data array as well as to the kernel. ``"ij"`` (the default) puts coordinate ``x`` on axis 0 with
the offset increasing with the index (offset −1 in the top row), ``y`` on axis 1 (−1 in the left
column), ``z`` on axis 2: ``fd-e``'s convention. ``"cartesian"`` is the 2-D picture with ``y`` up:
axis 0 is ``−y`` (offset +1 in the top row), axis 1 is ``x`` (pystencils' ``as_array``). Any
signed permutation may be given explicitly, e.g. ``("y", "-x")``.

Kernels are centred (extent ``−R … R`` on every axis, ``R`` the largest offset), so the origin is
the middle entry: ``mode="same"`` correlations in NumPy, SciPy and PyTorch (``padding=R``) apply
them without an origin shift. Offsets that are multiples of ``h/q`` use a grid of step ``h/q``.

    >>> import sympy as sp
    >>> from symconv.stencils.weights import stencil
    >>> k = stencil((1, 1)).as_kernel()
    >>> k.array
    Matrix([
    [ 1/4, 0, -1/4],
    [   0, 0,    0],
    [-1/4, 0,  1/4]])
    >>> k.scale
    h**(-2)
    >>> k.layout.describe()
    'correlation: entry [i, j] multiplies f(x + (i - 1)h, y + (j - 1)h);
    axis 0 = x (offset -1 at the top, increasing downward),
    axis 1 = y (offset -1 at the left, increasing to the right)'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import product
from typing import Any

import numpy as np
import sympy as sp

from symconv.conv.geometry import Op
from symconv.core.safe import as_sympy
from symconv.errors import ConventionError, DerivationError, UnsupportedError
from symconv.stencils.taylor import coordinates, to_fraction

#: Named layouts: one signed coordinate per array axis.
LAYOUT_NAMES: tuple[str, ...] = ("ij", "cartesian")


def resolve_layout(layout: str | Sequence[str] | None, dims: int) -> tuple[str, ...]:
    """``"ij"`` → ``("x", "y")``; ``"cartesian"`` → ``("-y", "x")``; explicit tuples checked.

    >>> resolve_layout("cartesian", 2)
    ('-y', 'x')
    """
    names = tuple(str(c) for c in coordinates(dims))
    if layout is None or layout == "ij":
        return names
    if layout == "cartesian":
        if dims != 2:
            raise ConventionError(
                f"layout='cartesian' is a 2-D picture; the stencil has {dims} dims"
            )
        return ("-y", "x")
    if isinstance(layout, str):
        raise ConventionError(
            f"layout={layout!r}: expected one of {list(LAYOUT_NAMES)} or one signed coordinate per "
            f"axis such as {('-y', 'x')!r}"
        )
    axes = tuple(str(a) for a in layout)
    bare = sorted(a.lstrip("+-") for a in axes)
    if (
        len(axes) != dims
        or bare != sorted(names)
        or any(a.count("-") + a.count("+") > 1 for a in axes)
    ):
        raise ConventionError(
            f"layout={layout!r}: expected each of {list(names)} exactly once, optionally signed "
            "('-y' means the index increases as y decreases)"
        )
    return tuple(a.lstrip("+") for a in axes)


@dataclass(frozen=True)
class KernelLayout:
    """Which array axis is which coordinate, which way it points, the origin, the op and step."""

    axes: tuple[str, ...]
    op: Op
    origin: tuple[int, ...]
    step: sp.Expr

    def _first_offset(self, axis: int) -> tuple[str, bool]:
        """The offset entry 0 of ``axis`` multiplies, as text, and whether offsets increase with
        the index: entry ``i`` multiplies ``origin + direction·(i − origin)`` steps, where the
        direction is reversed once by a ``-`` axis and once by the kernel flip of convolution."""
        direction = -1 if self.axes[axis].startswith("-") else 1
        if self.op == "convolution":
            direction = -direction
        offset = -direction * self.origin[axis]
        if self.step == sp.Symbol("h") or offset == 0:
            text = f"{offset:+d}" if offset else "0"
        else:
            text = str(offset * self.step)
            text = text if text.startswith("-") else f"+{text}"
        return text, direction > 0

    def _axis_words(self, axis: int) -> str:
        name = self.axes[axis].lstrip("-")
        first, increasing = self._first_offset(axis)
        reversed_ = not increasing
        if len(self.axes) == 1:
            direction = "decreasing" if reversed_ else "increasing"
            return f"axis 0 = {name} (offset {first} first, {direction} with the index)"
        where = (
            ("at the top", "increasing downward")
            if axis == 0
            else (
                ("at the left", "increasing to the right") if axis == 1 else ("first", "increasing")
            )
        )
        direction = where[1].replace("increasing", "decreasing") if reversed_ else where[1]
        return f"axis {axis} = {name} (offset {first} {where[0]}, {direction})"

    def describe(self) -> str:
        """One sentence: the op, what entry ``[i, j]`` multiplies, and each axis's direction."""
        letters = "ijk"[: len(self.axes)] if len(self.axes) <= 3 else None
        index_names = list(letters) if letters else [f"i{a}" for a in range(len(self.axes))]
        sign = "+" if self.op == "correlation" else "-"
        step = "h" if self.step == sp.Symbol("h") else f"({self.step})"
        arguments = []
        for coordinate in (str(c) for c in coordinates(len(self.axes))):
            axis = next(a for a, name in enumerate(self.axes) if name.lstrip("-") == coordinate)
            direction = (
                sign if not self.axes[axis].startswith("-") else ("-" if sign == "+" else "+")
            )
            index = index_names[axis]
            shift = f"({index} - {self.origin[axis]})" if self.origin[axis] else index
            arguments.append(f"{coordinate} {direction} {shift}{step}")
        what = "correlation" if self.op == "correlation" else "convolution (kernel flipped)"
        entry = ", ".join(index_names)
        axes = ", ".join(self._axis_words(a) for a in range(len(self.axes)))
        return f"{what}: entry [{entry}] multiplies f({', '.join(arguments)}); {axes}"

    def to_json(self) -> dict[str, Any]:
        return {
            "op": self.op,
            "axes": list(self.axes),
            "origin": list(self.origin),
            "step": str(self.step),
            "description": self.describe(),
        }


@dataclass(frozen=True)
class Kernel:
    """Exact kernel entries (``array``, without the scale), the scale ``1/hⁿ``, and the layout.

    The operator applied to grid values ``F`` is ``scale · (K ⋆ F)`` (correlation layout) or
    ``scale · (K * F)`` (convolution layout).
    """

    array: Any
    scale: sp.Expr
    layout: KernelLayout
    free_parameters: tuple[sp.Symbol, ...] = ()

    def numpy(self) -> np.ndarray:
        """The entries as a float64 array (without the scale)."""
        if self.free_parameters:
            raise DerivationError(
                f"the kernel still holds the free parameters {list(self.free_parameters)}: pick a "
                "member (Stencil.member(name) or Stencil.substitute({...})) before going numeric"
            )
        return np.array(np.asarray(self.array.tolist(), dtype=object).tolist(), dtype=float)

    def scaled_numpy(self, spacing: float) -> np.ndarray:
        """``scale · K`` at a numeric spacing ``h``: the weights a numeric library applies."""
        scale = (
            float(self.scale.subs(sp.Symbol("h"), spacing))
            if self.scale.free_symbols
            else float(self.scale)
        )
        return scale * self.numpy()

    def latex(self) -> str:
        """``\\frac{1}{h^{2}} \\begin{bmatrix} … \\end{bmatrix}`` and the layout in words."""
        from symconv.core.latex import latex

        rank = len(self.layout.axes)
        if rank == 1:
            body = _bmatrix([list(self.array.tolist())])
        elif rank == 2:
            body = _bmatrix(self.array.tolist())
        else:
            slices = []
            values = self.array.tolist()
            for index, block in enumerate(values):
                offset = index - self.layout.origin[0]
                shown = f"{offset:+d}" if offset else "0"
                label = rf"\text{{axis 0 at {shown}:}}\ "
                slices.append(label + _bmatrix(block))
            body = r",\quad ".join(slices)
        scale = "" if self.scale == 1 else latex(self.scale) + " "
        if self.scale != 1 and isinstance(self.scale, sp.Pow) and self.scale.exp.is_negative:
            scale = rf"\frac{{1}}{{{latex(1 / self.scale)}}} "
        words = self.layout.describe().replace("_", r"\_")
        return rf"{scale}{body} \quad \text{{({words})}}"

    def to_json(self) -> dict[str, Any]:
        return {
            "weights_srepr": _nested_srepr(self.array.tolist()),
            "scale_srepr": sp.srepr(self.scale),
            "layout": self.layout.to_json(),
        }


def _bmatrix(rows: Sequence[Sequence[Any]]) -> str:
    from symconv.core.latex import latex

    lines = [" & ".join(latex(as_sympy(v)) for v in row) for row in rows]
    return r"\begin{bmatrix}" + r" \\ ".join(lines) + r"\end{bmatrix}"


def _nested_srepr(value: Any) -> Any:
    if isinstance(value, list):
        return [_nested_srepr(v) for v in value]
    return sp.srepr(as_sympy(value))


def grid_step(offsets: Sequence[Sequence[Fraction]]) -> int:
    """The least ``q`` with every offset a multiple of ``1/q`` (1 for integer offsets)."""
    return math.lcm(*(c.denominator for o in offsets for c in o)) if offsets else 1


def build_kernel(
    offsets: Sequence[Sequence[Any]],
    weights: Sequence[Any],
    scale: sp.Expr,
    spacing: sp.Expr,
    *,
    op: Op = "correlation",
    layout: str | Sequence[str] | None = None,
    free_parameters: tuple[sp.Symbol, ...] = (),
) -> Kernel:
    """Place the weights in a centred array (see the module docstring)."""
    if op not in ("correlation", "convolution"):
        raise ConventionError(f"op={op!r}: expected 'correlation' or 'convolution'")
    try:
        exact = [tuple(to_fraction(c, "offset") for c in o) for o in offsets]
    except ConventionError as error:
        raise UnsupportedError(
            f"a kernel needs rational offsets; these are symbolic ({list(offsets)}): substitute "
            "numbers for the spacings first"
        ) from error
    dims = len(exact[0])
    axes = resolve_layout(layout, dims)
    q = grid_step(exact)
    names = [str(c) for c in coordinates(dims)]
    radius = [max(abs(int(o[a] * q)) for o in exact) for a in range(dims)]
    # Array axis k shows coordinate axes[k]; its radius is that coordinate's radius.
    coordinate_of_axis = [names.index(a.lstrip("-")) for a in axes]
    shape = tuple(2 * radius[c] + 1 for c in coordinate_of_axis)
    origin = tuple(radius[c] for c in coordinate_of_axis)
    entries: dict[tuple[int, ...], Any] = {}
    flip = -1 if op == "convolution" else 1
    for offset, weight in zip(exact, weights, strict=True):
        index = []
        for axis, coordinate in enumerate(coordinate_of_axis):
            sign = -1 if axes[axis].startswith("-") else 1
            index.append(origin[axis] + flip * sign * int(offset[coordinate] * q))
        key = tuple(index)
        entries[key] = entries.get(key, sp.Integer(0)) + weight
    flat = [entries.get(i, sp.Integer(0)) for i in product(*(range(s) for s in shape))]
    array: Any = (
        sp.ImmutableMatrix(shape[0], shape[1], flat)
        if dims == 2
        else sp.ImmutableDenseNDimArray(flat, shape)
    )
    step = spacing / q if q != 1 else spacing
    return Kernel(array, scale, KernelLayout(axes, op, origin, step), free_parameters)
