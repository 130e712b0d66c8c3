"""Named engine derivations for problem sets written as data files.

A lecturer's problem set (:mod:`symconv.problems.problemset`) names, for each part, the engine
derivation that answers it and its arguments — plain data (integers, lists, strings), never code.
Every engine returns a :class:`~symconv.core.derivation.Derivation` built by symconv's engine;
none holds an answer. Strings are read by symconv's own grammars (index formulas) or as symbol
names; nothing is evaluated.

    >>> derivation = run_engine("conv_params", {"kernel": [3, 3], "in_channels": 10,
    ...                                         "out_channels": 20})
    >>> derivation.answer
    1820
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import sympy as sp

from symconv.core.derivation import CheckResult, Derivation, NumericTwin, Step
from symconv.core.notation import MaxOver
from symconv.core.patterns import lazy_compile
from symconv.errors import ConventionError, ShapeError
from symconv.problems import size_engines, stencil_engines, tensor_engines
from symconv.problems.arguments import (
    Axes,
    ConcreteShape,
    Count,
    Formula,
    IntMatrix,
    IntVector,
    Issue,
    Name,
    Names,
    Nonnegative,
    Shape,
    Size,
    did_you_mean,
)
from symconv.problems.registry import Engine

Extremum = Literal["max", "min", "zero", "max_negative"]
WeightLayout = Literal["HWIO", "OIHW"]

_IDENTIFIER = lazy_compile(r"^[A-Za-z][A-Za-z0-9_']*$")


def size_value(value: Any, name: str) -> Any:
    """An integer, or a size symbol named by a plain identifier (``"N"``, ``"s"``); a SymPy
    integer expression (what the registry converts a size to) is kept."""
    if isinstance(value, bool):
        raise ShapeError(f"{name}={value!r}: expected an integer or a symbol name")
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, sp.Expr) and value.is_integer:
        return value
    if isinstance(value, str) and _IDENTIFIER.match(value):
        return sp.Symbol(value, integer=True, positive=True)
    raise ShapeError(f"{name}={value!r}: expected an integer or a symbol name such as 'N'")


def _matrix(value: Any, name: str) -> sp.ImmutableMatrix:
    try:
        return sp.ImmutableMatrix([[sp.Integer(v) for v in row] for row in value])
    except (TypeError, ValueError) as error:
        raise ShapeError(f"{name}: expected a matrix of integers, got {value!r}") from error


# -- tensors of a data set ----------------------------------------------------------------------
def tensor_shape(axes: Axes) -> Derivation:
    """The shape of a data set from its named axes; an axis may be a product (240 Hz × 10 s).

    >>> d = tensor_shape([{"name": "recordings", "size": 40},
    ...                   {"name": "samples", "factors": [240, 10]},
    ...                   {"name": "channels", "size": 80}])
    >>> d.answer
    (40, 2400, 80)
    """
    steps = []
    sizes = []
    names = []
    for axis in axes:
        name = str(axis["name"])
        if "factors" in axis:
            factors = [size_value(f, name) for f in axis["factors"]]
            with sp.evaluate(False):
                product = sp.Mul(*factors)
            value = sp.Mul(*factors)
            steps.append(Step(sp.Symbol(rf"\text{{{name}}}"), product))
            steps.append(Step(None, value))
        else:
            value = size_value(axis["size"], name)
        sizes.append(value)
        names.append(name)
    shape = sp.Tuple(*sizes)
    steps.append(Step(sp.Symbol(r"\text{shape}"), shape, reason="axes: " + ", ".join(names)))

    def count_values(rng: np.random.Generator) -> CheckResult:
        # Independent count: every factor of every axis multiplied with Python integers.
        factors = [f for axis in axes for f in axis.get("factors", [axis.get("size")])]
        if not all(isinstance(f, int) for f in factors):
            return CheckResult("number of values", True, "symbolic sizes: nothing to count")
        expected = int(np.prod(np.array(factors, dtype=object)))
        got = int(sp.Mul(*shape))
        return CheckResult("number of values", got == expected, f"{got} = {expected}")

    return Derivation(
        title="Shape of the data tensor",
        steps=tuple(steps),
        answer=shape,
        conventions=("axes in the order " + " × ".join(names),),
        checks=(count_values,),
        details={"axes": tuple(names)},
    )


# -- a small 2-D correlation: its sums, its size, its extreme values --------------------------
def sum_limits(kernel: IntMatrix, names: Names = ("k_1", "k_2")) -> Derivation:
    """The ranges of the kernel indices of ``Z[i,j] = Σ W[k1,k2] X[i+k1, j+k2]`` (0-based)."""
    shape = _matrix(kernel, "kernel").shape
    steps = []
    ranges = []
    for name, size in zip(names, shape, strict=True):
        symbol = sp.Symbol(name, integer=True)
        steps.append(
            Step(symbol, sp.FiniteSet(*range(size)), "∈", reason=f"0 ≤ {name} ≤ {size} − 1")
        )
        ranges.append(sp.Tuple(0, size - 1))

    def limits_reproduce_correlation(rng: np.random.Generator) -> CheckResult:
        # Σ over exactly these limits, by loops, vs scipy's valid correlation of random tensors.
        from scipy.signal import correlate2d

        w = rng.standard_normal(shape)
        x = rng.standard_normal((shape[0] + 3, shape[1] + 2))
        rows, cols = x.shape[0] - shape[0] + 1, x.shape[1] - shape[1] + 1
        z = np.zeros((rows, cols))
        for i in range(rows):
            for j in range(cols):
                z[i, j] = sum(
                    w[k1, k2] * x[i + k1, j + k2]
                    for k1 in range(int(ranges[0][0]), int(ranges[0][1]) + 1)
                    for k2 in range(int(ranges[1][0]), int(ranges[1][1]) + 1)
                )
        passed = bool(np.allclose(z, correlate2d(x, w, mode="valid")))
        return CheckResult("sums over these limits vs scipy correlate2d", passed, f"{rows}×{cols}")

    return Derivation(
        title="Limits of the kernel sums",
        steps=tuple(steps),
        answer=sp.Tuple(*ranges),
        conventions=("0-based indices",),
        checks=(limits_reproduce_correlation,),
        # each entry of the answer is an index's range (first, last), not a list of values
        details={"ranges": tuple(names)},
    )


def correlation_extremum(x: IntMatrix, w: IntMatrix, which: Extremum) -> Derivation:
    """The largest (``max``), most negative (``min``) or ``zero`` entries of the valid correlation
    of ``x`` and ``w``, and every location where they occur; the answer is (value, first location).
    """
    from symconv.conv.forms import correlate

    if which not in ("max", "min", "zero", "max_negative"):
        raise ConventionError(f"which={which!r}: expected max, min, zero or max_negative")
    z = correlate(_matrix(x, "x"), _matrix(w, "w"))
    entries = [(z[r, c], (r, c)) for r in range(z.rows) for c in range(z.cols)]
    if which == "max":
        value = max(v for v, _ in entries)
    elif which == "min":
        value = min(v for v, _ in entries)
    elif which == "max_negative":
        negatives = [v for v, _ in entries if v < 0]
        if not negatives:
            raise ShapeError("no negative entry in the correlation")
        value = max(negatives)
    else:
        value = sp.Integer(0)
    locations = [loc for v, loc in entries if v == value]
    if not locations:
        raise ShapeError(f"no entry of Z equals {value}")
    where = sp.Tuple(*(sp.Tuple(*loc) for loc in locations))
    steps = (
        Step(sp.Symbol("Z"), sp.ImmutableMatrix(z), reason="valid correlation, 0-based"),
        Step(sp.Symbol(r"\text{value}"), value, reason=which),
        Step(sp.Symbol(r"\text{locations}"), where),
    )

    def against_scipy(rng: np.random.Generator) -> CheckResult:
        from scipy.signal import correlate2d

        numeric = correlate2d(np.array(x, dtype=float), np.array(w, dtype=float), mode="valid")
        found = [tuple(int(v) for v in loc) for loc in np.argwhere(numeric == float(value))]
        passed = np.array_equal(numeric, np.array(z.tolist(), dtype=float)) and found == locations
        return CheckResult(
            "Z and locations vs scipy correlate2d", passed, f"{len(found)} location(s)"
        )

    return Derivation(
        title=f"{which} of Z and where it occurs",
        checks=(against_scipy,),
        steps=steps,
        answer=sp.Tuple(value, where[0]),
        conventions=("cross-correlation (no kernel reversal)", "0-based (row, column)"),
        details={
            "value": value,
            "locations": tuple(where),
            "alternatives": tuple(
                (sp.Tuple(value, loc), "any location where the value occurs") for loc in where[1:]
            ),
        },
    )


def correlate_valid(x: IntMatrix, w: IntMatrix) -> Derivation:
    """The valid cross-correlation of two integer matrices, exactly (0-based, no reversal)."""
    from symconv.conv.forms import conv_forward_derivation

    return conv_forward_derivation(_matrix(x, "x"), _matrix(w, "w"))


def kernel_channels(kernel_shape: ConcreteShape, layout: WeightLayout = "HWIO") -> Derivation:
    """Input and output channels read off a weight shape (HWIO: ``W[k1,k2,n,m]``)."""
    if layout not in ("HWIO", "OIHW"):
        raise ConventionError(f"layout={layout!r}: expected HWIO or OIHW")
    shape = [int(v) for v in kernel_shape]
    c_in, c_out = (shape[-2], shape[-1]) if layout == "HWIO" else (shape[1], shape[0])
    axes = "(k1, k2, n, m)" if layout == "HWIO" else "(m, n, k1, k2)"

    def layer_accepts(rng: np.random.Generator) -> CheckResult:
        from symconv.conv.geometry import ConvSpec
        from symconv.conv.numeric import conv_forward

        kernel = shape[:2] if layout == "HWIO" else shape[2:]
        spec = ConvSpec.make(kernel, layout="NHWC", weight_layout=layout)
        x = rng.standard_normal((1, kernel[0] + 1, kernel[1] + 1, c_in))
        out = conv_forward(spec, x, rng.standard_normal(shape))
        return CheckResult(
            "a layer with these weights maps C to M channels",
            out.shape[-1] == c_out,
            str(out.shape),
        )

    return Derivation(
        title="Input and output channels",
        checks=(layer_accepts,),
        steps=(
            Step(sp.Symbol(r"\text{shape}(W)"), sp.Tuple(*shape), reason=f"axes {axes}"),
            Step(sp.Tuple(sp.Symbol("C"), sp.Symbol("M")), sp.Tuple(c_in, c_out)),
        ),
        answer=sp.Tuple(c_in, c_out),
        conventions=(f"weights {layout}",),
    )


# -- sub-sampling and pooling ---------------------------------------------------------------------
def _pool_twin(name: str, x: Sequence[int], numeric: Callable[[np.ndarray], Any], exact: Any):
    def sample(rng: np.random.Generator) -> dict[str, Any]:
        return {"values": rng.permutation(np.asarray(x, dtype=float))}

    def reference(values: np.ndarray) -> Any:
        return np.array([float(v) for v in exact([sp.Float(v) for v in values])], dtype=float)

    return NumericTwin(name, numeric, reference, sample)


def subsample(x: IntVector, stride: Count, offset: Nonnegative = 0) -> Derivation:
    """``y[k] = x[s k + offset]`` on a concrete signal."""
    from symconv.conv import pooling

    signal = [sp.Integer(v) for v in x]
    y = pooling.subsample(signal, stride, offset=offset)
    k = sp.Symbol("k", integer=True)
    x_base, y_base = sp.IndexedBase("x"), sp.IndexedBase("y")
    steps = (
        Step(y_base[k], x_base[stride * k + offset], ":=", "sub-sampling"),
        Step(sp.Symbol("y"), sp.Tuple(*y), reason=f"k = 0 … {len(y) - 1}"),
    )
    twin = _pool_twin(
        "numeric twin vs exact sub-sampling",
        x,
        lambda values: pooling.subsample_numeric(values, stride, offset=offset),
        lambda values: pooling.subsample(values, stride, offset=offset),
    )
    return Derivation(
        title="Sub-sampling",
        steps=steps,
        answer=sp.Tuple(*y),
        conventions=("0-based indices",),
        numeric=twin,
    )


def max_pool(x: IntVector, size: Count, stride: Count) -> Derivation:
    """``y[k] = max_{j<p} x[s k + j]``, windows past the end truncated."""
    from symconv.conv import pooling

    signal = [sp.Integer(v) for v in x]
    y = pooling.max_pool(signal, size, stride)
    k, j = sp.symbols("k j", integer=True)
    x_base, y_base = sp.IndexedBase("x"), sp.IndexedBase("y")
    steps = (
        Step(y_base[k], MaxOver(x_base[stride * k + j], (j, 0, size - 1)), ":=", "max pooling"),
        Step(sp.Symbol("y"), sp.Tuple(*y)),
    )
    twin = _pool_twin(
        "numeric twin vs exact max pooling",
        x,
        lambda values: pooling.max_pool_numeric(values, size, stride),
        lambda values: pooling.max_pool(values, size, stride),
    )
    return Derivation(
        title="Max pooling",
        steps=steps,
        answer=sp.Tuple(*y),
        conventions=("0-based indices", "windows running past the end are truncated"),
        numeric=twin,
    )


def pool_along_axis_shape(
    shape: Shape, axis: Nonnegative, stride: Size, count: Literal["exact", "floor"] = "exact"
) -> Derivation:
    """The output shape of sub-sampling or truncated pooling along ``axis``: N → ⌊(N−1)/s⌋ + 1.

    ``count="floor"`` gives the common misreading ⌊N/s⌋ (for a misconception entry).
    """
    from symconv.conv.pooling import output_length

    sizes = [size_value(v, f"shape[{n}]") for n, v in enumerate(shape)]
    if not 0 <= axis < len(sizes):
        raise ShapeError(
            f"axis={axis}: the shape {list(shape)} has axes 0 … {len(sizes) - 1} (0-based)"
        )
    s = size_value(stride, "stride")
    if count not in ("exact", "floor"):
        raise ConventionError(f"count={count!r}: expected 'exact' or 'floor'")
    length = output_length(sizes[axis], s) if count == "exact" else sp.floor(sizes[axis] / s)
    out = list(sizes)
    out[axis] = length
    letters = [name for name in ("i", "n", "l", "q") if name != "k"]
    indices = [
        sp.Symbol(letters[a] if a < axis else letters[a - 1], integer=True)
        for a in range(len(sizes))
    ]
    k, j = sp.symbols("k j", integer=True)
    p = sp.Symbol("p", integer=True, positive=True)
    indices[axis] = k
    X, Y = sp.IndexedBase("X"), sp.IndexedBase("Y")
    window = list(indices)
    window[axis] = s * k
    pooled = list(indices)
    pooled[axis] = s * k + j
    steps = (
        Step(Y[tuple(indices)], X[tuple(window)], ":=", "sub-sampling along the samples"),
        Step(Y[tuple(indices)], MaxOver(X[tuple(pooled)], (j, 0, p - 1)), ":=", "max pooling"),
        Step(sp.Symbol(r"\text{outputs}"), length, reason="k = 0 … ⌊(N − 1)/s⌋"),
        Step(None, sp.ceiling(sizes[axis] / s), reason="equal for every N ≥ 1"),
        Step(sp.Symbol(r"\text{shape}"), sp.Tuple(*out), reason="both operations"),
    )

    def count_at_random_sizes(rng: np.random.Generator) -> CheckResult:
        # Count the kept samples with a loop at random N and s (not only the problem's data):
        # the formula in general, then the answer as that formula at the problem's N and s.
        n_symbol, s_symbol = sp.symbols("N s", integer=True, positive=True)
        general = output_length(n_symbol, s_symbol)
        if general.xreplace({n_symbol: sizes[axis], s_symbol: s}) != length:
            return CheckResult(
                "output length vs counted samples", False, f"{length} is not {general} here"
            )
        trials = [(int(rng.integers(1, 40)), int(rng.integers(1, 7))) for _ in range(20)]
        for n_value, s_value in trials:
            counted = len(range(0, n_value, s_value))
            formula = general.xreplace({n_symbol: n_value, s_symbol: s_value})
            if formula != counted:
                return CheckResult(
                    "output length vs counted samples",
                    False,
                    f"N={n_value}, s={s_value}: formula {formula}, counted {counted}",
                )
        return CheckResult("output length vs counted samples", True, f"{len(trials)} random (N, s)")

    ceil_form = sp.Tuple(
        *[sp.ceiling(sizes[axis] / s) if a == axis else v for a, v in enumerate(sizes)]
    )
    return Derivation(
        title="Sub-sampling and max pooling along an axis",
        steps=steps,
        answer=sp.Tuple(*out),
        conventions=("0-based indices", "windows running past the end are truncated"),
        checks=(count_at_random_sizes,) if count == "exact" else (),
        # the answer is a shape: its axes, as the statement names them
        details={
            "alternatives": ((ceil_form, "⌈N/s⌉ = ⌊(N − 1)/s⌋ + 1"),),
            "axes": tuple(str(size) for size in sizes),
        },
    )


# -- gradients of an index formula ----------------------------------------------------------------
def derive_backward(
    forward: Formula,
    wrt: Name,
    upstream: Name = "J",
    notation: Literal["bracket", "subscript"] = "bracket",
) -> Derivation:
    """∂upstream/∂wrt of the index formula ``forward`` (:func:`symconv.grad.derive_backward`)."""
    from symconv.grad.differentiate import derive_backward as derive

    return derive(forward, wrt, upstream=upstream, notation=notation)


# -- the registry ---------------------------------------------------------------------------------
_SIZE_WORDS = size_engines.SIZE_ALIASES


def _words(*letters: str) -> dict[str, str]:
    """The word aliases (``kernel`` → ``k``) of the given letters."""
    return {word: letter for word, letter in _SIZE_WORDS.items() if letter in letters}


#: Every engine a problem set may name, in the order ``symconv solve --engines`` lists them.
ENGINE_LIST: tuple[Engine, ...] = (
    # -- data sets, sums and correlations on given data
    Engine(
        "tensor_shape",
        tensor_shape,
        "the shape of a data set from its named axes (an axis may be a product: 240 Hz × 10 s)",
    ),
    Engine(
        "correlate",
        tensor_engines.correlation,
        "the cross-correlation of given data (no flip; 1-D, 2-D or 3-D; padding, stride, "
        "dilation), exactly",
        aliases=("correlation",),
        argument_aliases={"mode": "padding"},
    ),
    Engine(
        "convolve",
        tensor_engines.convolution,
        "the convolution of given data (kernel flipped; 1-D, 2-D or 3-D; padding, stride, "
        "dilation), exactly",
        aliases=("convolution",),
        argument_aliases={"mode": "padding"},
    ),
    Engine(
        "sum_limits",
        sum_limits,
        "the ranges of the kernel indices of Z[i,j] = Σ W[k1,k2] X[i+k1, j+k2], from the kernel",
    ),
    Engine(
        "correlation_extremum",
        correlation_extremum,
        "the largest, most negative or zero entry of a valid 2-D correlation, and where it occurs",
    ),
    Engine(
        "kernel_channels",
        kernel_channels,
        "the input and output channels read off a weight shape (HWIO or OIHW)",
    ),
    Engine(
        "conv_matrix",
        tensor_engines.conv_matrix,
        "the convolution matrix C with vec(z) = C vec(x) (+ b): any stride, padding, dilation, "
        "1-D/2-D/3-D, channels and groups",
        aliases=("convmatrix",),
        argument_aliases={"input": "input_size", "mode": "padding"},
        one_of=(("kernel", "weights"),),
    ),
    # -- pooling on given data
    Engine(
        "subsample",
        subsample,
        "sub-sampling y[k] = x[s k + offset] of a given 1-D signal",
    ),
    Engine(
        "max_pool",
        max_pool,
        "max pooling of a given 1-D signal, a window past the end truncated (the NYU reading)",
    ),
    Engine(
        "pool_forward",
        tensor_engines.pool_forward,
        "max or average pooling of a given 1-D signal or 2-D matrix (whole windows, PyTorch)",
        argument_aliases={"window": "size"},
    ),
    Engine(
        "pool_backward",
        tensor_engines.pool_backward,
        "∂J/∂X of max or average pooling, on given data X and a given upstream ∂J/∂Y",
        argument_aliases={"window": "size"},
    ),
    # -- gradients
    Engine(
        "derive_backward",
        derive_backward,
        "∂J/∂(a tensor) of an index formula (strided, dilated, sums, activations), derived",
    ),
    Engine(
        "conv_gradient",
        tensor_engines.conv_gradient,
        "∂J/∂X, ∂J/∂W or ∂J/∂b of a convolution layer with any stride, padding, dilation, "
        "groups (symbolic sizes)",
        argument_aliases={"mode": "padding"},
    ),
    Engine(
        "rule_gradient",
        tensor_engines.rule_gradient,
        "∂J/∂(an argument) of an operation of the rule table (pooling, norms, activations, "
        "losses), derived and proven",
    ),
    Engine(
        "backward_as_transpose",
        tensor_engines.backward_as_transpose,
        "the input gradient of a valid correlation written as Cᵀ δ (nndl 5-7)",
        argument_aliases={"input": "input_size"},
    ),
    Engine(
        "softmax_jacobian",
        tensor_engines.softmax_jacobian,
        "the Jacobian of the softmax of one sample, diag(y) − y yᵀ",
    ),
    Engine(
        "vector_max_gradient",
        tensor_engines.vector_max_gradient,
        "the gradient of max(x) (the one-hot argmax) or of argmax(x) of a vector (nndl 5-6)",
    ),
    # -- sizes
    Engine(
        "conv_output_size",
        size_engines.conv_output_size,
        "the output size of a convolution along one axis, o = ⌊(i + 2p − d(k−1) − 1)/s⌋ + 1",
        argument_aliases=_words("i", "k", "s", "p", "d"),
    ),
    Engine(
        "conv_output_shape",
        size_engines.conv_output_shape,
        "the output shape of a convolution: one output size per spatial axis (and the channels)",
    ),
    Engine(
        "pool_output_size",
        size_engines.pool_output_size,
        "the output size of pooling along one axis (PyTorch's rule, floor or ceil_mode)",
        argument_aliases=_words("i", "k", "s", "p", "d"),
    ),
    Engine(
        "pool_output_shape",
        size_engines.pool_output_shape,
        "the output shape of pooling: one output size per axis (channels unchanged)",
    ),
    Engine(
        "pool_along_axis_shape",
        pool_along_axis_shape,
        "the shape after sub-sampling or truncated pooling along one axis: N → ⌊(N−1)/s⌋ + 1",
    ),
    Engine(
        "transposed_output_size",
        size_engines.transposed_output_size,
        "the output size of a transposed convolution, o' = s(i' − 1) − 2p + d(k − 1) + a + 1",
        argument_aliases=_words("i", "k", "s", "p", "d"),
    ),
    Engine(
        "transposed_output_shape",
        size_engines.transposed_output_shape,
        "the output shape of a transposed convolution: one output size per spatial axis",
    ),
    Engine(
        "output_padding",
        size_engines.output_padding,
        "the output_padding a that makes a transposed convolution map back to i entries",
        aliases=("output_padding_for",),
        argument_aliases=_words("i", "k", "s", "p", "d"),
    ),
    Engine(
        "same_padding",
        size_engines.same_padding,
        "the padding that keeps the width at stride 1, p = d(k − 1)/2",
        argument_aliases=_words("k", "d"),
    ),
    Engine(
        "dilated_kernel_extent",
        size_engines.dilated_kernel_extent,
        "the extent of a dilated kernel, k̂ = k + (k − 1)(d − 1)",
        argument_aliases=_words("k", "d"),
    ),
    Engine(
        "transposed_equivalent_padding",
        size_engines.transposed_equivalent_padding,
        "the padding p' = d(k − 1) − p of the direct convolution equal to a transposed one",
        argument_aliases=_words("k", "p", "d"),
    ),
    Engine(
        "receptive_field",
        size_engines.receptive_field,
        "the receptive field of a stack of layers (kernel, stride, dilation), input side first",
    ),
    # -- costs of a layer and of a stack
    Engine(
        "conv_params",
        size_engines.conv_params,
        "the trainable parameters of a convolution layer, (C/G)·K_1·K_2·M weights + M biases",
    ),
    Engine(
        "conv_multiplications",
        size_engines.conv_multiplications,
        "the multiplications of a convolution layer, B·O_1·O_2·M output entries × (C/G)·K_1·K_2",
    ),
    Engine(
        "conv_additions",
        size_engines.conv_additions,
        "the additions of a convolution layer (n − 1 per output entry, + 1 for the bias)",
    ),
    Engine(
        "feature_map_memory",
        size_engines.feature_map_memory,
        "the entries (or bytes) of a feature map of a given shape",
    ),
    Engine(
        "weight_memory",
        size_engines.weight_memory,
        "the entries (or bytes) of a layer's weights, with or without the biases",
    ),
    Engine(
        "layer_cost",
        size_engines.layer_cost,
        "one count of a whole layer from its input: output shape, parameters, multiplications, "
        "additions or space",
        constraints=(size_engines.space_is_stated,),
    ),
    Engine(
        "stack_cost",
        size_engines.stack_cost,
        "one count of a stack or block of layers (each feeding the next): output shape, "
        "parameters, multiplications, additions or space",
        constraints=(size_engines.space_is_stated,),
    ),
    # -- stencils
    Engine(
        "stencil",
        stencil_engines.stencil,
        "a finite-difference stencil: any derivative, accuracy, offsets (1-D, N-D, box/cross "
        "grids); a family with its named members",
        constraints=(stencil_engines.one_offset_set,),
    ),
)

#: Engine name → engine.
ENGINES: dict[str, Engine] = {engine.name: engine for engine in ENGINE_LIST}
#: Another name of an engine (an old name kept valid) → its name.
ENGINE_ALIASES: dict[str, str] = {
    alias: engine.name for engine in ENGINE_LIST for alias in engine.aliases
}


def find_engine(name: str) -> Engine | None:
    """The engine a name (or an alias) names, or ``None``."""
    return ENGINES.get(ENGINE_ALIASES.get(name, name))


def unknown_engine(name: str) -> str:
    """The message for an engine name no engine has, with the closest one.

    >>> print(unknown_engine("conv_output_sise"))
    unknown engine 'conv_output_sise' (did you mean 'conv_output_size'?); \
`symconv solve --engines` lists them
    """
    return (
        f"unknown engine {name!r}{did_you_mean(name, [*ENGINES, *ENGINE_ALIASES])}; "
        "`symconv solve --engines` lists them"
    )


def argument_issues(name: str, arguments: Mapping[str, Any]) -> list[tuple[str, Issue]]:
    """What is wrong with ``arguments`` of the engine ``name`` (which must exist)."""
    engine = find_engine(name)
    if engine is None:
        return [("engine", Issue(unknown_engine(name)))]
    return engine.issues(arguments)


def run_engine(name: str, arguments: Mapping[str, Any]) -> Derivation:
    """Run the engine derivation ``name`` on TOML-valued ``arguments`` (checked, converted).

    >>> run_engine("conv_output_size", {"input": "N", "kernel": 3}).answer
    N - 2
    >>> run_engine("conv_output_size", {"i": 7, "kernal": 3})
    Traceback (most recent call last):
    ...
    symconv.errors.ConventionError: engine 'conv_output_size': args.kernal: no argument 'kernal' \
(did you mean 'kernel'?); arguments: i (or input), k (or kernel), s (or stride), p (or padding), \
d (or dilation), padding_after; args.k: missing required argument
    """
    engine = find_engine(name)
    if engine is None:
        raise ConventionError(unknown_engine(name))
    issues = engine.issues(arguments)
    if issues:
        listed = "; ".join(f"args.{key}: {issue.message}" for key, issue in issues)
        raise ConventionError(f"engine {engine.name!r}: {listed}")
    derivation: Derivation = engine.call(arguments)
    return derivation
