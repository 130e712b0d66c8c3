"""Cost arithmetic of convolution layers: parameters, multiplications, additions, memory.

Every count is a :class:`~symconv.core.derivation.Derivation` whose steps are the worked formula
(the
formula in letters, the same with the user's numbers, the result) and whose conventions say what was
counted. Letters: kernel ``K_1 × K_2``, ``C`` input channels, ``M`` output channels (filters),
``G`` groups, output ``O_1 × O_2``, batch ``B``, ``b`` bytes per entry.

The NYU course's problem 3 (X of shape 48 × 64 × 10, W of shape 3 × 3 × 10 × 20, valid):

    >>> conv_params((3, 3), 10, 20).answer
    1820
    >>> conv_multiplications((3, 3), 10, 20, (46, 62)).answer
    5133600
    >>> print(conv_params((3, 3), 10, 20).latex())
    \\begin{aligned}
    N_{params} &= C K_{1} K_{2} M + M && \\text{weights (K\\_1, K\\_2, C, M) and one bias per
      output channel} \\\\
    &= 10 \\cdot 3 \\cdot 3 \\cdot 20 + 20 \\\\
    &= 1820
    \\end{aligned}

Space has several accepted conventions (weights only, weights with biases, weights plus the
feature maps); :func:`layer_cost` and :func:`stack_cost` take it as a required argument and state
it in the derivation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Literal, TypeAlias

import numpy as np
import sympy as sp

from symconv.core.derivation import Derivation, Step
from symconv.core.safe import as_sympy
from symconv.errors import ConventionError, ShapeError
from symconv.sizes.shapes import Padding, Size, conv_output_shape, written
from symconv.sizes.worked import size_parameter, symbolic_twin, worked_steps

SpaceConvention: TypeAlias = Literal[
    "weights", "weights+biases", "weights+maps", "weights+biases+maps"
]
SPACE_CONVENTIONS: tuple[str, ...] = (
    "weights",
    "weights+biases",
    "weights+maps",
    "weights+biases+maps",
)

#: What each space convention counts, as a sentence for the derivation's conventions.
SPACE_WORDING: dict[str, str] = {
    "weights": "space counts the weights only",
    "weights+biases": "space counts the weights and the biases",
    "weights+maps": "space counts the weights plus the input and output feature maps",
    "weights+biases+maps": "space counts the weights, the biases and the input and output maps",
}


# ----------------------------------------------------------------------------------------------
# Letters and validation
# ----------------------------------------------------------------------------------------------
def _letter(name: str) -> sp.Symbol:
    return sp.Symbol(name, integer=True, positive=True)


C_, M_, G_, B_, BYTES_ = (_letter(name) for name in ("C", "M", "G", "B", "b"))
N_PARAMS = sp.Symbol("N_params")
N_MULT = sp.Symbol("N_mult")
N_ADD = sp.Symbol("N_add")
N_ENTRIES = sp.Symbol("N_entries")
N_BYTES = sp.Symbol("N_bytes")


def _axis_letters(stem: str, dims: int) -> tuple[sp.Symbol, ...]:
    if dims == 1:
        return (_letter(stem),)
    return tuple(_letter(f"{stem}_{axis + 1}") for axis in range(dims))


def _sizes(value: Size | Sequence[Size], name: str) -> tuple[sp.Expr, ...]:
    values = list(value) if isinstance(value, list | tuple) else [value]
    if not values:
        raise ShapeError(f"{name}={value!r}: expected at least one size")
    return tuple(size_parameter(v, name, 1) for v in values)


def _groups_divide(groups: sp.Expr, in_channels: sp.Expr, out_channels: sp.Expr) -> None:
    for name, channels in (("in_channels C", in_channels), ("out_channels M", out_channels)):
        remainder = sp.Mod(channels, groups)
        if remainder.is_number and remainder != 0:
            raise ShapeError(
                f"groups G={groups} does not divide {name}={channels} ({channels} mod {groups} "
                f"= {remainder}): each group needs a whole number of channels"
            )


def _channels(
    in_channels: Size, out_channels: Size, groups: Size
) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    c = size_parameter(in_channels, "in_channels C", 1)
    m = size_parameter(out_channels, "out_channels M", 1)
    g = size_parameter(groups, "groups G", 1)
    _groups_divide(g, c, m)
    return c, m, g


def _per_group(letter: sp.Symbol, groups: sp.Expr) -> sp.Expr:
    """``C`` when there is one group, ``C/G`` otherwise (the letter G appears only if needed)."""
    return letter if groups == 1 else letter / G_


def _bias_note(bias: bool) -> str:
    return "one bias per output channel" if bias else "no bias"


# ----------------------------------------------------------------------------------------------
# Parameters
# ----------------------------------------------------------------------------------------------
def _count_parameters(kernel: Sequence[int], c: int, m: int, g: int, bias: bool) -> int:
    weights = np.empty((m, c // g, *kernel), dtype=np.int8)  # OIHW, as PyTorch stores it
    biases = np.empty((m,), dtype=np.int8) if bias else np.empty((0,), dtype=np.int8)
    return int(weights.size + biases.size)


def conv_params(
    kernel: Size | Sequence[Size],
    in_channels: Size,
    out_channels: Size,
    groups: Size = 1,
    bias: bool = True,
) -> Derivation:
    """Trainable parameters of a convolution layer: (C/G)·K_1·K_2·M weights + M biases.

    Each of the M filters has a (C/G)·K_1·K_2 kernel (a group of C/G input channels) and, with
    ``bias``, one bias (NYU course problem 3d: 3·3·10·20 + 20 = 1820).

    >>> conv_params((3, 3), 256, 64, bias=False).answer
    147456
    >>> conv_params(3, 8, 8, groups=8).answer      # depthwise 1-d: 8 filters of 1·3, 8 biases
    32
    """
    kernel_sizes = _sizes(kernel, "kernel size")
    c, m, g = _channels(in_channels, out_channels, groups)
    kernel_letters = _axis_letters("K", len(kernel_sizes))
    weights = sp.Mul(*kernel_letters, _per_group(C_, g), M_)
    formula = written(weights, M_) if bias else weights
    values: dict[sp.Symbol, sp.Expr] = {C_: c, M_: m, G_: g}
    values.update(zip(kernel_letters, kernel_sizes, strict=True))
    weight_count = sp.expand(weights.xreplace(values))
    answer = sp.expand(formula.xreplace(values))
    shape = ", ".join(str(letter) for letter in kernel_letters) + (
        ", C, M" if g == 1 else ", C/G, M"
    )
    reason = f"weights ({shape})" + (" and one bias per output channel" if bias else "")
    return Derivation(
        title="Parameters of a convolution layer",
        question=f"Trainable parameters of a layer with kernel {tuple(kernel_sizes)}, C = {c}, "
        f"M = {m}" + (f", G = {g}" if g != 1 else "") + ("" if bias else ", no bias"),
        steps=worked_steps(N_PARAMS, formula, values, answer, reason),
        answer=answer,
        answer_lhs=N_PARAMS,
        conventions=(
            "parameters = weights + biases" if bias else "parameters = weights only (no bias)",
            "weights HWIO (K_1, K_2, C/G, M), as the NYU course writes W[k1,k2,n,m] (PyTorch "
            "stores the same entries as (M, C/G, K_1, K_2))",
        ),
        numeric=symbolic_twin(
            "closed form vs entries of the weight and bias arrays",
            values,
            answer,
            formula.doit(),
            lambda **z: _count_parameters(
                [z[letter.name] for letter in kernel_letters], z["C"], z["M"], z["G"], bias
            ),
            lambda **z: z["C"] % z["G"] == 0 and z["M"] % z["G"] == 0 and _small_sample(z, 10**5),
        ),
        details={"weights": weight_count, "biases": m if bias else sp.Integer(0)},
    )


# ----------------------------------------------------------------------------------------------
# Multiplications and additions
# ----------------------------------------------------------------------------------------------
def _loop_count(
    output: Sequence[int], kernel: Sequence[int], c: int, m: int, g: int, batch: int, what: str
) -> int:
    """Run the loops of a naive convolution and count its multiplications or additions."""
    count = 0
    for _ in product(range(batch), range(m), *(range(o) for o in output)):
        products = 0
        for _ in product(range(c // g), *(range(k) for k in kernel)):
            products += 1  # one multiplication W·X
        if what == "multiplications":
            count += products
        else:
            count += products - 1 + (1 if what == "additions+bias" else 0)
    return count


def _cost_letters(
    kernel: Size | Sequence[Size], output_size: Size | Sequence[Size]
) -> tuple[tuple[sp.Expr, ...], tuple[sp.Expr, ...], tuple[sp.Symbol, ...], tuple[sp.Symbol, ...]]:
    kernel_sizes = _sizes(kernel, "kernel size")
    output_sizes = _sizes(output_size, "output size")
    if len(kernel_sizes) != len(output_sizes) and len(kernel_sizes) != 1:
        raise ShapeError(
            f"kernel {tuple(kernel_sizes)} has {len(kernel_sizes)} axes, the output "
            f"{tuple(output_sizes)} has {len(output_sizes)}"
        )
    if len(kernel_sizes) == 1 and len(output_sizes) > 1:
        kernel_sizes = kernel_sizes * len(output_sizes)
    dims = len(output_sizes)
    return kernel_sizes, output_sizes, _axis_letters("K", dims), _axis_letters("O", dims)


def _small_sample(values: Mapping[str, int], limit: int = 3000) -> bool:
    return math.prod(values.values()) <= limit


def _cost_derivation(
    what: Literal["multiplications", "additions"],
    kernel: Size | Sequence[Size],
    in_channels: Size,
    out_channels: Size,
    output_size: Size | Sequence[Size],
    groups: Size,
    bias: bool,
    batch: Size,
) -> Derivation:
    kernel_sizes, output_sizes, kernel_letters, output_letters = _cost_letters(kernel, output_size)
    c, m, g = _channels(in_channels, out_channels, groups)
    n = size_parameter(batch, "batch B", 1)
    products_per_entry = sp.Mul(*kernel_letters, _per_group(C_, g))
    entries = sp.Mul(*([] if n == 1 else [B_]), *output_letters, M_)
    if what == "multiplications":
        per_entry: sp.Expr = products_per_entry
        lhs, reason = N_MULT, "each output entry takes (C/G) K_1 K_2 products"
    elif bias:
        per_entry = written(products_per_entry, -1, 1)
        lhs, reason = N_ADD, "n - 1 additions sum n products, + 1 adds the bias"
    else:
        per_entry = written(products_per_entry, -1)
        lhs, reason = N_ADD, "n - 1 additions sum n products"
    formula = sp.Mul(entries, per_entry)
    values: dict[sp.Symbol, sp.Expr] = {C_: c, M_: m, G_: g, B_: n}
    values.update(zip(kernel_letters, kernel_sizes, strict=True))
    values.update(zip(output_letters, output_sizes, strict=True))
    answer = sp.expand(formula.xreplace(values))
    counted = "multiplications" if what == "multiplications" else f"additions{'+bias' * bias}"
    conventions = [
        "multiplications by padded zeros are counted (every output entry costs the same)"
    ]
    if n != 1:
        conventions.append(f"a batch of B = {n} inputs")
    if what == "additions":
        conventions.append(
            "additions: n - 1 to sum the n products of an output entry"
            + (", plus 1 for the bias" if bias else " (no bias)")
        )
    return Derivation(
        title=f"{what.capitalize()} of a convolution layer",
        question=f"{what.capitalize()} of a layer with kernel {tuple(kernel_sizes)}, C = {c}, "
        f"M = {m}, output {tuple(output_sizes)}" + (f", G = {g}" if g != 1 else ""),
        steps=worked_steps(lhs, formula, values, answer, reason),
        answer=answer,
        answer_lhs=lhs,
        conventions=tuple(conventions),
        numeric=symbolic_twin(
            f"closed form vs {what} counted in a loop convolution",
            values,
            answer,
            formula.doit(),
            lambda **z: _loop_count(
                [z[letter.name] for letter in output_letters],
                [z[letter.name] for letter in kernel_letters],
                z["C"],
                z["M"],
                z["G"],
                z["B"],
                counted,
            ),
            lambda **z: z["C"] % z["G"] == 0 and z["M"] % z["G"] == 0 and _small_sample(z),
        ),
        details={"per_output_entry": per_entry.xreplace(values).doit()},
    )


def conv_multiplications(
    kernel: Size | Sequence[Size],
    in_channels: Size,
    out_channels: Size,
    output_size: Size | Sequence[Size],
    *,
    groups: Size = 1,
    batch: Size = 1,
) -> Derivation:
    """Multiplications of a convolution layer: B·O_1·O_2·M output entries × (C/G)·K_1·K_2 each.

    ``output_size`` is the spatial output shape (see
    :func:`symconv.sizes.shapes.conv_output_shape`).
    Multiplications by padded zeros are counted (Qiu, nndl exercise 5-4).

    >>> conv_multiplications((3, 3), 256, 256, (100, 100)).answer
    5898240000
    >>> conv_multiplications((1, 1), 256, 64, (100, 100)).answer
    163840000
    """
    return _cost_derivation(
        "multiplications", kernel, in_channels, out_channels, output_size, groups, False, batch
    )


def conv_additions(
    kernel: Size | Sequence[Size],
    in_channels: Size,
    out_channels: Size,
    output_size: Size | Sequence[Size],
    *,
    groups: Size = 1,
    bias: bool = True,
    batch: Size = 1,
) -> Derivation:
    """Additions of a convolution layer: per output entry n − 1 to sum its n = (C/G)·K_1·K_2
    products, plus one for the bias.

    >>> conv_additions((3, 3), 10, 20, (46, 62)).answer      # = the multiplications, with bias
    5133600
    >>> conv_additions((3, 3), 10, 20, (46, 62), bias=False).answer
    5076560
    """
    return _cost_derivation(
        "additions", kernel, in_channels, out_channels, output_size, groups, bias, batch
    )


# ----------------------------------------------------------------------------------------------
# Memory
# ----------------------------------------------------------------------------------------------
def _bytes_steps(entries: sp.Expr, dtype_bytes: Size | None) -> tuple[tuple[Step, ...], sp.Expr]:
    if dtype_bytes is None:
        return (), entries
    size = size_parameter(dtype_bytes, "dtype_bytes b", 1)
    total = sp.expand(entries * size)
    steps = worked_steps(
        N_BYTES, BYTES_ * N_ENTRIES, {BYTES_: size, N_ENTRIES: entries}, total, "b bytes per entry"
    )
    return steps, total


def _bytes_note(dtype_bytes: Size | None) -> tuple[str, ...]:
    if dtype_bytes is None:
        return ("memory counted in entries (numbers stored), not bytes",)
    return (f"{dtype_bytes} bytes per entry (float32: 4, float64: 8, float16: 2)",)


def feature_map_memory(
    shape: Sequence[Size],
    dtype_bytes: Size | None = None,
    *,
    axis_names: Sequence[str] | None = None,
) -> Derivation:
    """Entries (or, with ``dtype_bytes``, bytes) of one feature map of the given shape.

    >>> feature_map_memory((100, 100, 256)).answer
    2560000
    >>> feature_map_memory((46, 62, 20), 4, axis_names=("H", "W", "M")).answer
    228160
    """
    sizes = _sizes(list(shape), "feature-map size")
    names = (
        list(axis_names) if axis_names is not None else [f"n_{a + 1}" for a in range(len(sizes))]
    )
    if len(names) != len(sizes):
        raise ShapeError(f"axis_names={tuple(names)!r}: expected {len(sizes)} names")
    letters = [_letter(name) for name in names]
    formula = sp.Mul(*letters)
    values = dict(zip(letters, sizes, strict=True))
    entries = sp.expand(formula.xreplace(values))
    bytes_steps, answer = _bytes_steps(entries, dtype_bytes)
    return Derivation(
        title="Memory of a feature map",
        question=f"Memory of a feature map of shape {tuple(sizes)}",
        steps=(
            *worked_steps(N_ENTRIES, formula, values, entries, "one entry per index"),
            *bytes_steps,
        ),
        answer=answer,
        answer_lhs=N_BYTES if dtype_bytes is not None else N_ENTRIES,
        conventions=_bytes_note(dtype_bytes),
        numeric=symbolic_twin(
            "closed form vs size of an allocated array",
            values,
            entries,
            formula,
            lambda **z: int(np.empty([z[letter.name] for letter in letters], np.int8).size),
            lambda **z: _small_sample(z, 10**5),
        ),
        details={"entries": entries},
    )


def weight_memory(
    kernel: Size | Sequence[Size],
    in_channels: Size,
    out_channels: Size,
    groups: Size = 1,
    *,
    biases: bool,
    dtype_bytes: Size | None = None,
) -> Derivation:
    """Entries (or bytes) of a layer's weights, with or without the biases (say which).

    >>> weight_memory((3, 3), 256, 256, biases=False).answer
    589824
    >>> weight_memory((3, 3), 256, 256, biases=True, dtype_bytes=4).answer
    2360320
    """
    params = conv_params(kernel, in_channels, out_channels, groups, bias=biases)
    entry_steps = (
        Step(N_ENTRIES, params.steps[0].rhs, reason=params.steps[0].reason),
        *params.steps[1:],
    )
    bytes_steps, answer = _bytes_steps(params.answer, dtype_bytes)
    return Derivation(
        title="Memory of the weights",
        question=params.question.replace("Trainable parameters", "Weight memory"),
        steps=(*entry_steps, *bytes_steps),
        answer=answer,
        answer_lhs=N_BYTES if dtype_bytes is not None else N_ENTRIES,
        conventions=(
            SPACE_WORDING["weights+biases" if biases else "weights"],
            *params.conventions[1:],
            *_bytes_note(dtype_bytes),
        ),
        numeric=params.numeric if dtype_bytes is None else None,
        details={**params.details, "entries": params.answer},
    )


# ----------------------------------------------------------------------------------------------
# A whole layer, and a stack of layers
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ConvLayer:
    """One convolution layer of a stack: its kernel, filters and geometry."""

    kernel: Size | Sequence[Size]
    out_channels: Size
    stride: Size | Sequence[Size] = 1
    padding: Padding = 0
    dilation: Size | Sequence[Size] = 1
    groups: Size = 1
    bias: bool = True


@dataclass(frozen=True)
class LayerCost:
    """Every count of one layer, each a Derivation."""

    output_shape: Derivation
    parameters: Derivation
    multiplications: Derivation
    additions: Derivation
    space: Derivation

    def derivations(self) -> dict[str, Derivation]:
        return {
            "output_shape": self.output_shape,
            "parameters": self.parameters,
            "multiplications": self.multiplications,
            "additions": self.additions,
            "space": self.space,
        }


def _space_convention(space: str) -> None:
    if space not in SPACE_CONVENTIONS:
        raise ConventionError(f"space={space!r}: expected one of {SPACE_CONVENTIONS}")


def _space_derivation(
    space: str,
    parts: Sequence[tuple[str, sp.Symbol, sp.Expr]],
    dtype_bytes: Size | None,
    title: str,
) -> Derivation:
    """S = sum of the counted parts (input map, weights, biases, output maps...)."""
    symbols = [symbol for _, symbol, _ in parts]
    values = {symbol: value for _, symbol, value in parts}
    formula = written(*symbols) if len(symbols) > 1 else symbols[0]
    entries = sp.expand(formula.xreplace(values))
    legend = {"X": "input map", "W": "weights", "b": "biases", "Z": "output map"}
    letters = dict.fromkeys(str(symbol)[0] for symbol in symbols)
    counted = ", ".join(f"{letter}: {legend[letter]}" for letter in letters)
    if any("_" in str(symbol) for symbol in symbols):
        counted += " (subscript: layer)"
    s_entries = sp.Symbol("S")
    steps = worked_steps(s_entries, formula, values, entries, counted)
    bytes_steps, answer = _bytes_steps(entries, dtype_bytes)
    return Derivation(
        title=title,
        question=f"{title}, counting {space}",
        steps=(*steps, *bytes_steps),
        answer=answer,
        answer_lhs=N_BYTES if dtype_bytes is not None else s_entries,
        conventions=(SPACE_WORDING[space], *_bytes_note(dtype_bytes)),
        details={"parts": {name: value for name, _, value in parts}, "entries": entries},
    )


def _space_parts(
    space: str, index: str, weights: sp.Expr, biases: sp.Expr, output_map: sp.Expr
) -> list[tuple[str, sp.Symbol, sp.Expr]]:
    parts = [(f"weights{index}", sp.Symbol(f"W{index}"), weights)]
    if "biases" in space:
        parts.append((f"biases{index}", sp.Symbol(f"b{index}"), biases))
    if "maps" in space:
        parts.append((f"output map{index}", sp.Symbol(f"Z{index}"), output_map))
    return parts


def layer_cost(
    input_size: Sequence[Size],
    in_channels: Size,
    kernel: Size | Sequence[Size],
    out_channels: Size,
    *,
    stride: Size | Sequence[Size] = 1,
    padding: Padding = 0,
    dilation: Size | Sequence[Size] = 1,
    groups: Size = 1,
    bias: bool = True,
    space: SpaceConvention,
    dtype_bytes: Size | None = None,
    batch: Size = 1,
    axis_names: Sequence[str] | None = None,
) -> LayerCost:
    """Output shape, parameters, multiplications, additions and space of one layer.

    ``space`` is required: "weights", "weights+biases", "weights+maps" (input map + weights +
    output map) or "weights+biases+maps".

    >>> cost = layer_cost((100, 100), 256, 3, 256, padding="same", space="weights+maps")
    >>> cost.multiplications.answer, cost.space.answer
    (5898240000, 5709824)
    """
    _space_convention(space)
    c = size_parameter(in_channels, "in_channels C", 1)
    n = size_parameter(batch, "batch B", 1)
    shape = conv_output_shape(
        input_size,
        kernel,
        stride,
        padding,
        dilation,
        out_channels=out_channels,
        axis_names=axis_names,
    )
    output_spatial = tuple(shape.answer[:-1])
    dims = len(output_spatial)
    kernel_sizes = list(kernel) if isinstance(kernel, list | tuple) else [kernel] * dims
    params = conv_params(kernel_sizes, c, out_channels, groups, bias)
    mults = conv_multiplications(
        kernel_sizes, c, out_channels, output_spatial, groups=groups, batch=n
    )
    adds = conv_additions(
        kernel_sizes, c, out_channels, output_spatial, groups=groups, bias=bias, batch=n
    )
    input_map = sp.expand(n * sp.Mul(*(as_sympy(v) for v in input_size)) * c)
    output_map = sp.expand(n * sp.Mul(*shape.answer))
    parts = []
    if "maps" in space:
        parts.append(("input map", sp.Symbol("X"), input_map))
    parts += _space_parts(
        space, "", params.details["weights"], params.details["biases"], output_map
    )
    return LayerCost(
        output_shape=shape,
        parameters=params,
        multiplications=mults,
        additions=adds,
        space=_space_derivation(space, parts, dtype_bytes, "Space of a convolution layer"),
    )


@dataclass(frozen=True)
class StackCost:
    """The costs of each layer of a stack and their totals."""

    layers: tuple[LayerCost, ...]
    multiplications: Derivation
    additions: Derivation
    parameters: Derivation
    space: Derivation


def _total(
    title: str, lhs: str, layers: Sequence[LayerCost], pick: str, conventions: tuple[str, ...]
) -> Derivation:
    parts = [
        (f"{pick} of layer {index}", sp.Symbol(f"{lhs},{index}"), getattr(layer, pick).answer)
        for index, layer in enumerate(layers, start=1)
    ]
    symbols = [symbol for _, symbol, _ in parts]
    values = {symbol: value for _, symbol, value in parts}
    formula = written(*symbols) if len(symbols) > 1 else symbols[0]
    answer = sp.expand(formula.xreplace(values))
    total = sp.Symbol(lhs)
    return Derivation(
        title=title,
        question=f"{title} of {len(layers)} layers",
        steps=worked_steps(total, formula, values, answer, "sum over the layers"),
        answer=answer,
        answer_lhs=total,
        conventions=conventions,
        details={"per_layer": tuple(values.values())},
    )


def stack_cost(
    input_size: Sequence[Size],
    in_channels: Size,
    layers: Sequence[ConvLayer],
    *,
    space: SpaceConvention,
    dtype_bytes: Size | None = None,
    batch: Size = 1,
) -> StackCost:
    """Costs of layers applied one after the other (each layer's output feeds the next).

    Space with maps counts the input, then each layer's weights (and biases) and output map:
    an intermediate map is counted once (Qiu, nndl exercise 5-4: 2,560,000 + 16,384 + 640,000 +
    147,456 + 2,560,000 = 5,923,840).

    >>> bottleneck = [ConvLayer(1, 64), ConvLayer(3, 256, padding="same")]
    >>> cost = stack_cost((100, 100), 256, bottleneck, space="weights+maps")
    >>> cost.multiplications.answer, cost.space.answer
    (1638400000, 5923840)
    """
    _space_convention(space)
    if not layers:
        raise ShapeError("stack_cost: expected at least one layer")
    costs: list[LayerCost] = []
    size, channels = list(input_size), in_channels
    for layer in layers:
        cost = layer_cost(
            size,
            channels,
            layer.kernel,
            layer.out_channels,
            stride=layer.stride,
            padding=layer.padding,
            dilation=layer.dilation,
            groups=layer.groups,
            bias=layer.bias,
            space=space,
            batch=batch,
        )
        costs.append(cost)
        size, channels = list(cost.output_shape.answer[:-1]), layer.out_channels
    parts = []
    if "maps" in space:
        first_input = costs[0].space.details["parts"]["input map"]
        parts.append(("input map", sp.Symbol("X"), first_input))
    for index, cost in enumerate(costs, start=1):
        layer_parts = cost.space.details["parts"]
        parts += _space_parts(
            space,
            f"_{index}",
            layer_parts["weights"],
            layer_parts.get("biases", sp.Integer(0)),
            layer_parts.get("output map", sp.Integer(0)),
        )
    first = costs[0]
    return StackCost(
        layers=tuple(costs),
        multiplications=_total(
            "Multiplications",
            "N_mult",
            costs,
            "multiplications",
            first.multiplications.conventions,
        ),
        additions=_total("Additions", "N_add", costs, "additions", first.additions.conventions),
        parameters=_total(
            "Parameters", "N_params", costs, "parameters", first.parameters.conventions
        ),
        space=_space_derivation(space, parts, dtype_bytes, "Space of the stack"),
    )


__all__: Sequence[str] = (
    "SPACE_CONVENTIONS",
    "ConvLayer",
    "LayerCost",
    "SpaceConvention",
    "StackCost",
    "conv_additions",
    "conv_multiplications",
    "conv_params",
    "feature_map_memory",
    "layer_cost",
    "stack_cost",
    "weight_memory",
)
