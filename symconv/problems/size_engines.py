"""Engines of shape and cost arithmetic: output sizes, paddings, receptive fields, parameters,
multiplications, memory — of one layer and of a stack of layers.

Each engine is a thin typed front of a function of :mod:`symconv.sizes.shapes` or
:mod:`symconv.sizes.costs` (no new mathematics): its signature declares the argument kinds a
problem-set file may write (:mod:`symconv.problems.arguments`), so a size written as a name
(``i = "N"``) arrives as a positive integer symbol and the library derives symbolically. The
derivations keep their checks; where the library's derivation is a sum of checked pieces (the
space of a layer, the totals of a stack), the pieces' checks are attached to it.

    >>> from symconv.problems.arguments import size_symbol
    >>> from symconv.sizes.costs import ConvLayer
    >>> conv_output_size(size_symbol("N"), 3, s=2).answer
    floor(N/2 - 3/2) + 1
    >>> d = stack_cost((32, 32), 3, [ConvLayer(3, 16, padding=1), ConvLayer(3, 32, stride=2)],
    ...                count="parameters")
    >>> d.answer, len(d.check().results)
    (5088, 2)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal

from symconv.core.derivation import Check, CheckResult, Derivation, combine
from symconv.errors import ConventionError
from symconv.problems.arguments import (
    ConvLayers,
    Flag,
    Issue,
    Names,
    Padding,
    ReceptiveLayers,
    Shape,
    Size,
    Sizes,
)

if TYPE_CHECKING:
    import numpy as np

    from symconv.sizes.costs import LayerCost

Space = Literal["weights", "weights+biases", "weights+maps", "weights+biases+maps"]
LayerCount = Literal["output_shape", "parameters", "multiplications", "additions", "space"]

#: The short names of Dumoulin & Visin's letters, for a lecturer who writes words.
SIZE_ALIASES = {"input": "i", "kernel": "k", "stride": "s", "padding": "p", "dilation": "d"}


# ----------------------------------------------------------------------------------------------
# One axis
# ----------------------------------------------------------------------------------------------
def conv_output_size(
    i: Size,
    k: Size,
    s: Size = 1,
    p: Size = 0,
    d: Size = 1,
    padding_after: Size | None = None,
) -> Derivation:
    from symconv.sizes import shapes

    return shapes.conv_output_size(i, k, s, p, d, padding_after=padding_after)


def pool_output_size(
    i: Size, k: Size, s: Size | None = None, p: Size = 0, d: Size = 1, ceil_mode: Flag = False
) -> Derivation:
    from symconv.sizes import shapes

    return shapes.pool_output_size(i, k, s, p, d, ceil_mode)


def transposed_output_size(
    i: Size, k: Size, s: Size = 1, p: Size = 0, d: Size = 1, output_padding: Size = 0
) -> Derivation:
    from symconv.sizes import shapes

    return shapes.transposed_output_size(i, k, s, p, d, output_padding)


def output_padding(i: Size, k: Size, s: Size = 1, p: Size = 0, d: Size = 1) -> Derivation:
    from symconv.sizes import shapes

    return shapes.output_padding_for(i, k, s, p, d)


def same_padding(k: Size, d: Size = 1) -> Derivation:
    from symconv.sizes import shapes

    return shapes.same_padding(k, d)


def dilated_kernel_extent(k: Size, d: Size) -> Derivation:
    from symconv.sizes import shapes

    return shapes.dilated_kernel_extent(k, d)


def transposed_equivalent_padding(k: Size, p: Size = 0, d: Size = 1) -> Derivation:
    from symconv.sizes import shapes

    derivation = shapes.transposed_equivalent_padding(k, p, d)
    return replace(
        derivation,
        checks=(*derivation.checks, _equivalent_padding_check(derivation.answer, k, p, d)),
    )


def _equivalent_padding_check(answer: Any, k: Any, p: Any, d: Any) -> Check:
    """p' checked by what it means (Dumoulin & Visin 2016, relationships 8-14): the library's
    transposed convolution of a random input equals the stride-1 correlation, with the flipped
    dilated kernel, of the input stretched by s − 1 zeros and padded (or cropped) by p' — at
    random i' and s, and at random values of any size symbol."""

    def run(rng: np.random.Generator) -> CheckResult:
        import numpy as np
        import sympy as sp

        from symconv.conv.transposed import conv_transpose

        sizes = [sp.Integer(v) if isinstance(v, int) else v for v in (k, p, d)]
        symbols = set().union(*(v.free_symbols for v in sizes))
        trials = 0
        for _ in range(40):
            values = {symbol: int(rng.integers(1, 6)) for symbol in symbols}
            k_, p_, d_ = (int(v.xreplace(values)) for v in sizes)
            shift = int(answer.xreplace(values))
            n, s = int(rng.integers(1, 5)), int(rng.integers(1, 4))
            if s * (n - 1) - 2 * p_ + d_ * (k_ - 1) + 1 < 1 or k_ < 1 or d_ < 1 or p_ < 0:
                continue
            y, w = rng.standard_normal(n), rng.standard_normal(k_)
            stretched = np.zeros(s * (n - 1) + 1)
            stretched[::s] = y
            if shift >= 0:
                padded = np.pad(stretched, shift)
            else:
                padded = stretched[-shift : len(stretched) + shift]
            dilated = np.zeros(d_ * (k_ - 1) + 1)
            dilated[::d_] = w
            direct = np.correlate(padded, dilated[::-1], mode="valid")
            library = conv_transpose(y, w, stride=s, padding=p_, dilation=d_)
            if direct.shape != library.shape or not np.allclose(direct, library):
                return CheckResult(
                    "p' vs the library's transposed convolution",
                    False,
                    f"k={k_}, p={p_}, d={d_}, i'={n}, s={s}: p'={shift} gives {direct.shape}",
                )
            trials += 1
        return CheckResult(
            "p' vs the library's transposed convolution", trials > 0, f"{trials} random layers"
        )

    return run


# ----------------------------------------------------------------------------------------------
# Shapes
# ----------------------------------------------------------------------------------------------
def conv_output_shape(
    input_size: Shape,
    kernel: Sizes,
    stride: Sizes = 1,
    padding: Padding = 0,
    dilation: Sizes = 1,
    out_channels: Size | None = None,
    axis_names: Names | None = None,
) -> Derivation:
    from symconv.sizes import shapes

    return shapes.conv_output_shape(
        input_size,
        kernel,
        stride,
        padding,
        dilation,
        out_channels=out_channels,
        axis_names=axis_names,
    )


def pool_output_shape(
    input_size: Shape,
    kernel: Sizes,
    stride: Sizes | None = None,
    padding: Sizes = 0,
    dilation: Sizes = 1,
    ceil_mode: Flag = False,
    channels: Size | None = None,
    axis_names: Names | None = None,
) -> Derivation:
    from symconv.sizes import shapes

    return shapes.pool_output_shape(
        input_size,
        kernel,
        stride,
        padding,
        dilation,
        ceil_mode,
        channels=channels,
        axis_names=axis_names,
    )


def transposed_output_shape(
    input_size: Shape,
    kernel: Sizes,
    stride: Sizes = 1,
    padding: Sizes = 0,
    dilation: Sizes = 1,
    output_padding: Sizes = 0,
    out_channels: Size | None = None,
    axis_names: Names | None = None,
) -> Derivation:
    from symconv.sizes import shapes

    return shapes.transposed_output_shape(
        input_size,
        kernel,
        stride,
        padding,
        dilation,
        output_padding,
        out_channels=out_channels,
        axis_names=axis_names,
    )


def receptive_field(layers: ReceptiveLayers) -> Derivation:
    from symconv.sizes import shapes

    return shapes.receptive_field(layers)


# ----------------------------------------------------------------------------------------------
# Costs of one layer
# ----------------------------------------------------------------------------------------------
def conv_params(
    kernel: Sizes, in_channels: Size, out_channels: Size, groups: Size = 1, bias: Flag = True
) -> Derivation:
    from symconv.sizes import costs

    return costs.conv_params(kernel, in_channels, out_channels, groups, bias)


def conv_multiplications(
    kernel: Sizes,
    in_channels: Size,
    out_channels: Size,
    output_size: Sizes,
    groups: Size = 1,
    batch: Size = 1,
) -> Derivation:
    from symconv.sizes import costs

    return costs.conv_multiplications(
        kernel, in_channels, out_channels, output_size, groups=groups, batch=batch
    )


def conv_additions(
    kernel: Sizes,
    in_channels: Size,
    out_channels: Size,
    output_size: Sizes,
    groups: Size = 1,
    bias: Flag = True,
    batch: Size = 1,
) -> Derivation:
    from symconv.sizes import costs

    return costs.conv_additions(
        kernel, in_channels, out_channels, output_size, groups=groups, bias=bias, batch=batch
    )


def feature_map_memory(
    shape: Shape, dtype_bytes: Size | None = None, axis_names: Names | None = None
) -> Derivation:
    from symconv.sizes import costs

    return costs.feature_map_memory(shape, dtype_bytes, axis_names=axis_names)


def weight_memory(
    kernel: Sizes,
    in_channels: Size,
    out_channels: Size,
    biases: Flag,
    groups: Size = 1,
    dtype_bytes: Size | None = None,
) -> Derivation:
    from symconv.sizes import costs

    derivation = costs.weight_memory(
        kernel, in_channels, out_channels, groups, biases=biases, dtype_bytes=dtype_bytes
    )
    if dtype_bytes is None:
        return derivation
    # The bytes are b × the entries: the entries' count carries the checks.
    entries = costs.weight_memory(kernel, in_channels, out_channels, groups, biases=biases)
    return _with_checks(derivation, (("entries", entries),))


# ----------------------------------------------------------------------------------------------
# A whole layer, and a stack of layers (a block)
# ----------------------------------------------------------------------------------------------
def _relabelled(check: Check, prefix: str) -> Check:
    def run(rng: np.random.Generator) -> CheckResult:
        result = check(rng)
        return CheckResult(f"{prefix}: {result.name}", result.passed, result.detail)

    return run


def _checks_of(derivation: Derivation, prefix: str) -> tuple[Check, ...]:
    """A derivation's numeric twin and checks, as checks named after where they come from."""
    checks: list[Check] = []
    if derivation.numeric is not None:
        checks.append(_relabelled(derivation.numeric.check, prefix))
    checks.extend(_relabelled(check, prefix) for check in derivation.checks)
    return tuple(checks)


def _with_checks(derivation: Derivation, sources: Sequence[tuple[str, Derivation]]) -> Derivation:
    """``derivation`` with the checks of the pieces it adds up attached (a sum of checked
    counts is checked through its terms)."""
    extra = tuple(check for prefix, source in sources for check in _checks_of(source, prefix))
    return replace(derivation, checks=(*derivation.checks, *extra))


def _needs_space(count: str, space: str | None) -> None:
    if count == "space" and space is None:
        raise ConventionError(
            'count = "space" needs the space convention: space = "weights", '
            '"weights+biases", "weights+maps" or "weights+biases+maps"'
        )


def space_is_stated(arguments: Mapping[str, Any]) -> tuple[str, Issue] | None:
    """The load-time form of :func:`_needs_space`, for the engine registry."""
    if arguments.get("count") == "space" and "space" not in arguments:
        return (
            "space",
            Issue(
                'count = "space" needs the space convention: space = "weights", '
                '"weights+biases", "weights+maps" or "weights+biases+maps"'
            ),
        )
    return None


def _layer_piece(cost: LayerCost, count: str) -> Derivation:
    if count == "space":
        return _with_checks(
            cost.space,
            (("weights", cost.parameters), ("output map", cost.output_shape)),
        )
    piece: Derivation = getattr(cost, count)
    return piece


def layer_cost(
    input_size: Shape,
    in_channels: Size,
    kernel: Sizes,
    out_channels: Size,
    count: LayerCount,
    stride: Sizes = 1,
    padding: Padding = 0,
    dilation: Sizes = 1,
    groups: Size = 1,
    bias: Flag = True,
    space: Space | None = None,
    dtype_bytes: Size | None = None,
    batch: Size = 1,
) -> Derivation:
    from symconv.sizes import costs

    _needs_space(count, space)
    cost = costs.layer_cost(
        input_size,
        in_channels,
        kernel,
        out_channels,
        stride=stride,
        padding=padding,
        dilation=dilation,
        groups=groups,
        bias=bias,
        space=space or "weights",
        dtype_bytes=dtype_bytes,
        batch=batch,
    )
    return _layer_piece(cost, count)


def stack_cost(
    input_size: Shape,
    in_channels: Size,
    layers: ConvLayers,
    count: LayerCount,
    space: Space | None = None,
    dtype_bytes: Size | None = None,
    batch: Size = 1,
) -> Derivation:
    from symconv.sizes import costs

    _needs_space(count, space)
    stack = costs.stack_cost(
        input_size,
        in_channels,
        list(layers),
        space=space or "weights",
        dtype_bytes=dtype_bytes,
        batch=batch,
    )
    if count == "output_shape":
        shapes = [layer.output_shape for layer in stack.layers]
        return combine(
            "Output shapes of the layers of the stack",
            shapes,
            shapes[-1].answer,
            answer_lhs=shapes[-1].answer_lhs,
            details={"per_layer": tuple(shape.answer for shape in shapes)},
        )
    total: Derivation = getattr(stack, count)
    pieces: list[tuple[str, Derivation]] = []
    for index, layer in enumerate(stack.layers, start=1):
        if count == "space":
            pieces += [
                (f"layer {index} weights", layer.parameters),
                (f"layer {index} output map", layer.output_shape),
            ]
        else:
            pieces.append((f"layer {index}", getattr(layer, count)))
    return _with_checks(total, pieces)
