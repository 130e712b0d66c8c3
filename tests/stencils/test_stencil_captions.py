"""A kernel's caption says which offset its first entry multiplies, per axis: read from the
kernel's actual placement, for every radius, scheme, operation and layout.

The check is independent of the caption's code: the caption is parsed (first offset, whether
offsets increase with the index), each stencil weight is placed where the caption says its offset
sits, and the kernel array must hold exactly those weights there.
"""

from __future__ import annotations

import re
from fractions import Fraction
from itertools import product

import pytest
import sympy as sp

from symconv.stencils.weights import stencil

AXIS = re.compile(
    r"axis (\d) = (-?[a-z]) \(offset ([+-]?[0-9/]+|0) (?:first|at the top|at the left), "
    r"(increasing|decreasing)"
)

STENCILS = {
    "d1 radius 1": lambda: stencil(1),
    "d2 radius 2": lambda: stencil(2, accuracy=4),
    "d2 radius 3": lambda: stencil(2, accuracy=6),
    "d1 forward": lambda: stencil(1, accuracy=2, scheme="forward"),
    "d1 backward": lambda: stencil(1, accuracy=3, scheme="backward"),
    "d1 uneven": lambda: stencil(1, offsets=[-2, 0, 1]),
    "mixed partial": lambda: stencil((1, 1)),
    "laplacian radius 2": lambda: stencil(2, dims=2, accuracy=4),
    "d_xxy": lambda: stencil((2, 1)),
}


def _caption_axes(description: str) -> list[tuple[int, int, int]]:
    """Per array axis: (coordinate number, first offset, +1 if increasing else -1)."""
    found = []
    for _axis, name, first, direction in AXIS.findall(description):
        coordinate = "xyz".index(name.lstrip("-"))
        found.append((coordinate, int(Fraction(first)), 1 if direction == "increasing" else -1))
    assert [int(axis) for axis, *_ in AXIS.findall(description)] == list(range(len(found)))
    return found


@pytest.mark.parametrize(
    ("name", "op", "layout"),
    [
        (name, op, layout)
        for name, op, layout in product(STENCILS, ["correlation", "convolution"], [None, "c"])
        if layout is None or name in ("mixed partial", "laplacian radius 2", "d_xxy")
    ],
)
def test_the_caption_names_the_offset_of_the_first_entry(name, op, layout):
    s = STENCILS[name]()
    kernel = s.as_kernel(op, "cartesian" if layout else None)
    description = kernel.layout.describe()
    axes = _caption_axes(description)
    array = sp.Array(kernel.array.tolist()) if hasattr(kernel.array, "tolist") else kernel.array
    shape = array.shape
    assert len(axes) == len(shape) == s.dims, description
    expected: dict[tuple[int, ...], sp.Expr] = {}
    for offset, weight in zip(s.offsets, s.weights, strict=True):
        index = tuple(
            (int(offset[coordinate]) - first) * direction for coordinate, first, direction in axes
        )
        assert all(0 <= i < size for i, size in zip(index, shape, strict=True)), description
        expected[index] = expected.get(index, sp.Integer(0)) + weight
    for index in product(*(range(size) for size in shape)):
        assert array[index] == expected.get(index, 0), (description, index)


def test_a_radius_2_stencil_starts_at_offset_minus_2():
    description = stencil(2, accuracy=4).as_kernel().layout.describe()
    assert description.endswith("axis 0 = x (offset -2 first, increasing with the index)")


def test_a_convolution_kernel_starts_at_the_other_end():
    description = stencil(1).as_kernel("convolution").layout.describe()
    assert description.endswith("axis 0 = x (offset +1 first, decreasing with the index)")


def test_half_offsets_are_stated_in_units_of_h():
    half = stencil(1, offsets=[Fraction(-1, 2), Fraction(1, 2)]).as_kernel()
    assert "axis 0 = x (offset -h/2 first, increasing with the index)" in half.layout.describe()
