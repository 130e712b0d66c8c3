"""Convolution and correlation in both forms: the index form and the explicit form.

*Index form* (symbolic sizes, the source of truth), for NCHW data and OIHW weights::

    Z[i, m, j_1, j_2] = b[m] + Σ_{n=0}^{C/G−1} Σ_{k_1=0}^{K_1−1} Σ_{k_2=0}^{K_2−1}
                        W[m, n, k_1, k_2]
                        · X[i, g(m)·C/G + n, s_1 j_1 + d_1 k_1 − p_1, s_2 j_2 + d_2 k_2 − p_2]

with ``g(m) = ⌊m G / M⌋`` the group of output channel ``m``, out-of-range entries of X read as
zero (zero padding), and ``0 ≤ j_a < O_a = ⌊(I_a + p_a + p'_a − d_a(K_a−1) − 1)/s_a⌋ + 1``
(Dumoulin & Visin 2016, relationship 15; PyTorch ``Conv2d`` documentation). True convolution flips
the kernel: ``k_a`` becomes ``K_a − 1 − k_a`` in the position of X (Goodfellow et al. 2016, §9.1).

*Explicit form*: the same sum carried out over concrete tensors of entry symbols (``x_{11}``),
exactly. ``correlate``/``convolve`` take SymPy tensors (exact result) or NumPy arrays (the numeric
twin, :func:`symconv.conv.numeric.conv_forward`).

The figure of Dumoulin & Visin (2016, fig. 1.1), exactly and through the numeric twin:

    >>> x = [[3,3,2,1,0],[0,0,1,3,1],[3,1,2,2,3],[2,0,0,2,2],[2,0,0,0,1]]
    >>> w = [[0,1,2],[2,2,0],[0,1,2]]
    >>> correlate(x, w)
    Matrix([
    [12, 12, 17],
    [10, 17, 19],
    [ 9,  6, 14]])
    >>> import numpy as np
    >>> correlate(np.array(x, dtype=float), np.array(w, dtype=float))
    array([[12., 12., 17.],
           [10., 17., 19.],
           [ 9.,  6., 14.]])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any, Unpack

import numpy as np
import sympy as sp

from symconv.conv.geometry import CONV_DEFAULTS, ConvOptions, ConvSpec, IntLike, Op, conv_options
from symconv.core.derivation import Derivation, NumericTwin, Step
from symconv.core.indexing import evaluate
from symconv.core.latex import Notation, latex
from symconv.core.safe import as_sympy
from symconv.core.tensors import as_array, from_array, is_numeric_input
from symconv.errors import ShapeError


# ----------------------------------------------------------------------------------------------
# Names of the axes of each tensor
# ----------------------------------------------------------------------------------------------
def _spatial_names(dims: int, stem: str) -> list[str]:
    return [stem] if dims == 1 else [f"{stem}_{axis + 1}" for axis in range(dims)]


def _index(name: str) -> sp.Symbol:
    return sp.Symbol(name, integer=True)


def _size(name: str) -> sp.Symbol:
    return sp.Symbol(name, integer=True, positive=True)


def data_axes(spec: ConvSpec, batch: Any, channel: Any, spatial: Sequence[Any]) -> list[Any]:
    """Order the axes of a data tensor (X or Z) by the spec's layout."""
    axes: list[Any] = [batch] if spec.batch else []
    if not spec.channels:
        return axes + list(spatial)
    if spec.layout == "NCHW":
        return [*axes, channel, *spatial]
    return [*axes, *spatial, channel]


def weight_axes(spec: ConvSpec, out: Any, inp: Any, spatial: Sequence[Any]) -> list[Any]:
    """Order the axes of the weight tensor by the spec's weight layout."""
    if not spec.channels:
        return list(spatial)
    if spec.weight_layout == "OIHW":
        return [out, inp, *spatial]
    return [*spatial, inp, out]


# ----------------------------------------------------------------------------------------------
# Index form
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ConvIndexForm:
    """``Z[...] = b[m] + Σ W[...] X[...]`` with symbolic sizes (see the module docstring)."""

    spec: ConvSpec
    output: sp.Indexed
    expression: sp.Expr
    free_ranges: tuple[tuple[sp.Symbol, sp.Expr], ...]
    sizes: Mapping[str, sp.Expr]
    X: sp.IndexedBase
    W: sp.IndexedBase
    Z: sp.IndexedBase
    b: sp.IndexedBase | None

    def equation(self) -> sp.Eq:
        return sp.Eq(self.output, self.expression, evaluate=False)

    def latex(self, notation: Notation = "bracket") -> str:
        """``Z[i, m, j_{1}, j_{2}] = b[m] + \\sum ...``."""
        return (
            f"{latex(self.output, notation=notation)} = {latex(self.expression, notation=notation)}"
        )

    def size_values(self, x: Any, w: Any) -> dict[sp.Symbol, sp.Integer]:
        """Bind the size symbols to the shapes of concrete ``x`` and ``w``."""
        spec = self.spec
        x_shape, w_shape = tuple(np.shape(x)), tuple(np.shape(w))
        names = self.sizes
        x_axes = data_axes(spec, "N", "C", [f"I{a}" for a in range(spec.dims)])
        w_axes = weight_axes(spec, "M", "Cg", [f"K{a}" for a in range(spec.dims)])
        if len(x_shape) != len(x_axes) or len(w_shape) != len(w_axes):
            raise ShapeError(
                f"x of shape {x_shape} and w of shape {w_shape} do not fit a "
                f"{spec.dims}-d {'batched ' if spec.batch else ''}"
                f"{'multi-channel ' if spec.channels else ''}layer: expected x with axes "
                f"{x_axes} and w with axes {w_axes}"
            )
        x_sizes = dict(zip(x_axes, x_shape, strict=True))
        w_sizes = dict(zip(w_axes, w_shape, strict=True))
        values: dict[sp.Symbol, sp.Integer] = {}
        for axis in range(spec.dims):
            values[names[f"I{axis}"]] = sp.Integer(x_sizes[f"I{axis}"])
            kernel = spec.kernel_size[axis]
            if kernel.free_symbols:
                values[kernel] = sp.Integer(w_sizes[f"K{axis}"])
            elif kernel != w_sizes[f"K{axis}"]:
                raise ShapeError(f"kernel size {kernel} on axis {axis}, but w has shape {w_shape}")
        if spec.batch:
            values[names["N"]] = sp.Integer(x_sizes["N"])
        if spec.channels:
            values[names["C"]] = sp.Integer(x_sizes["C"])
            values[names["M"]] = sp.Integer(w_sizes["M"])
            groups = spec.groups.xreplace(values)
            if x_sizes["C"] != w_sizes["Cg"] * groups or w_sizes["M"] % groups:
                raise ShapeError(
                    f"channels: x has C={x_sizes['C']}, w has M={w_sizes['M']} outputs of "
                    f"C/G={w_sizes['Cg']} inputs each, groups G={groups}: need C = (C/G)·G and "
                    "M divisible by G"
                )
        return values

    def instantiate(
        self,
        x: Any,
        w: Any,
        bias: Any = None,
        values: Mapping[sp.Symbol, Any] | None = None,
    ) -> sp.ImmutableDenseNDimArray:
        """Evaluate the index form on concrete tensors (exact; out-of-range reads zero).

        ``values`` binds any symbolic parameter of the spec (stride ``s``, padding ``p``...).
        """
        sizes = {**self.size_values(x, w), **{k: as_sympy(v) for k, v in (values or {}).items()}}
        tensors: dict[Any, Any] = {self.X: as_array(x, "x"), self.W: as_array(w, "w")}
        if self.b is not None:
            if bias is None:
                raise ShapeError("this index form has a bias b[m]: pass bias=...")
            tensors[self.b] = as_array(bias, "bias")
        ranges = []
        for index, size in self.free_ranges:
            concrete = size.xreplace(sizes)
            if not concrete.is_number:
                raise ShapeError(f"range of {index} is {concrete}: bind its symbols with values=")
            ranges.append(range(int(concrete)))
        expression = self.expression.xreplace(sizes)
        out_shape = tuple(len(r) for r in ranges)
        flat = [
            evaluate(
                expression, tensors, dict(zip((i for i, _ in self.free_ranges), point, strict=True))
            )
            for point in product(*ranges)
        ]
        return sp.ImmutableDenseNDimArray(flat, out_shape)


def conv_index_form(
    dims: int = 2,
    *,
    kernel_size: IntLike | Sequence[IntLike] | None = None,
    batch: bool = True,
    channels: bool = True,
    bias: bool | None = None,
    **options: Unpack[ConvOptions],
) -> ConvIndexForm:
    """The index form of a convolution layer, with symbolic sizes.

    Kernel sizes default to the symbols ``K_1, K_2, ...`` (``K`` in 1-d); the layer's
    :class:`~symconv.conv.geometry.ConvOptions` may each be a number or a symbol.

    >>> form = conv_index_form(2, batch=False, channels=False)
    >>> print(form.latex())
    Z[j_{1}, j_{2}] = \\sum_{\\substack{0 \\leq k_{1} \\leq K_{1} - 1\\\\0 \\leq k_{2}
    \\leq K_{2} - 1}}
    W[k_{1}, k_{2}] X[j_{1} + k_{1}, j_{2} + k_{2}]
    >>> form = conv_index_form(1, stride=2, padding=1, batch=False)
    >>> print(form.latex())
    Z[m, j] = b[m] + \\sum_{\\substack{0 \\leq n \\leq C - 1\\\\0 \\leq k \\leq K - 1}}
    W[m, n, k] X[n, 2 j + k - 1]
    """
    kernel_names = _spatial_names(dims, "K")
    kernel = kernel_size if kernel_size is not None else [_size(name) for name in kernel_names]
    spec = ConvSpec.make(
        kernel,
        dims=dims,
        batch=batch,
        channels=channels,
        **conv_options(options, "conv_index_form"),
    )
    if bias is None:
        bias = channels
    return index_form_of(spec, bias=bias)


def index_form_of(spec: ConvSpec, *, bias: bool = True) -> ConvIndexForm:
    """Build the index form of an existing :class:`ConvSpec`."""
    dims = spec.dims
    X, W, Z = sp.IndexedBase("X"), sp.IndexedBase("W"), sp.IndexedBase("Z")
    b = sp.IndexedBase("b") if bias and spec.channels else None
    out_idx = [_index(name) for name in _spatial_names(dims, "j")]
    taps = [_index(name) for name in _spatial_names(dims, "k")]
    input_sizes = [_size(name) for name in _spatial_names(dims, "I")]
    sizes: dict[str, sp.Expr] = {f"I{a}": input_sizes[a] for a in range(dims)}
    batch_i, out_m, in_n = _index("i"), _index("m"), _index("n")
    N, C, M = _size("N"), _size("C"), _size("M")
    sizes.update({"N": N, "C": C, "M": M})

    positions = [spec.input_position(a, out_idx[a], taps[a]) for a in range(dims)]
    limits: list[tuple[sp.Symbol, sp.Expr, sp.Expr]] = []
    if spec.channels:
        G = spec.groups
        per_group = C / G
        channel = in_n if G == 1 else sp.floor(out_m * G / M) * per_group + in_n
        limits.append((in_n, sp.Integer(0), per_group - 1))
    else:
        channel = None
    limits += [(taps[a], sp.Integer(0), spec.kernel_size[a] - 1) for a in range(dims)]
    x_entry = X[tuple(data_axes(spec, batch_i, channel, positions))]
    w_entry = W[tuple(weight_axes(spec, out_m, in_n, taps))]
    expression: sp.Expr = sp.Sum(w_entry * x_entry, *limits)
    if b is not None:
        expression = expression + b[out_m]

    output_sizes = [spec.output_size(a, input_sizes[a]) for a in range(dims)]
    free = data_axes(spec, batch_i, out_m, out_idx)
    free_sizes = data_axes(spec, N, M, output_sizes)
    return ConvIndexForm(
        spec=spec,
        output=Z[tuple(free)],
        expression=expression,
        free_ranges=tuple(zip(free, free_sizes, strict=True)),
        sizes=sizes,
        X=X,
        W=W,
        Z=Z,
        b=b,
    )


# ----------------------------------------------------------------------------------------------
# Explicit form
# ----------------------------------------------------------------------------------------------
def explicit_forward(
    spec: ConvSpec, x: Any, w: Any, bias: Any = None
) -> sp.ImmutableDenseNDimArray:
    """The layer carried out entry by entry on concrete SymPy tensors (exact).

    This is the explicit form a write-up shows; it shares only the geometry with the index form.
    """
    if not spec.is_concrete:
        raise ShapeError("the explicit form needs concrete stride, padding, dilation and kernel")
    X, Wt = as_array(x, "x"), as_array(w, "w")
    form = index_form_of(spec, bias=False)
    sizes = form.size_values(X, Wt)
    dims = spec.dims
    in_sizes = [int(sizes[form.sizes[f"I{a}"]]) for a in range(dims)]
    out_sizes = [int(spec.output_size(a, in_sizes[a])) for a in range(dims)]
    n_batch = int(sizes[form.sizes["N"]]) if spec.batch else 1
    n_in = int(sizes[form.sizes["C"]]) if spec.channels else 1
    n_out = int(sizes[form.sizes["M"]]) if spec.channels else 1
    groups = int(spec.groups)
    per_group_in, per_group_out = n_in // groups, n_out // groups
    bias_values = as_array(bias, "bias") if bias is not None else None
    if bias_values is not None and spec.channels and bias_values.shape != (n_out,):
        raise ShapeError(f"bias has shape {bias_values.shape}; expected ({n_out},)")

    def x_at(i: int, c: int, pos: Sequence[int]) -> Any:
        if any(not 0 <= p < size for p, size in zip(pos, in_sizes, strict=True)):
            return sp.Integer(0)
        return X[tuple(data_axes(spec, i, c, pos))]

    result = {}
    for i, m, out in product(range(n_batch), range(n_out), product(*map(range, out_sizes))):
        group = m // per_group_out
        total: Any = sp.Integer(0)
        for n in range(per_group_in):
            for tap in product(*(range(int(k)) for k in spec.kernel_size)):
                pos = [int(spec.input_position(a, out[a], tap[a])) for a in range(dims)]
                total += Wt[tuple(weight_axes(spec, m, n, tap))] * x_at(
                    i, group * per_group_in + n, pos
                )
        if bias_values is not None:
            total += bias_values[m] if spec.channels else bias_values[()]
        result[tuple(data_axes(spec, i, m, out))] = total
    shape = tuple(data_axes(spec, n_batch, n_out, out_sizes))
    flat = [result[index] for index in product(*map(range, shape))]
    return sp.ImmutableDenseNDimArray(flat, shape)


# ----------------------------------------------------------------------------------------------
# Public entry points
# ----------------------------------------------------------------------------------------------
def infer_spec(
    x_ndim: int,
    w_ndim: int,
    w_shape: Sequence[int],
    dims: int | None,
    **options: Unpack[ConvOptions],
) -> ConvSpec:
    """Decide which axes are batch/channel from the ranks (see :func:`correlate`)."""
    if dims is None:
        dims = w_ndim if w_ndim == x_ndim and w_ndim <= 3 else w_ndim - 2
    leading = x_ndim - dims
    if dims not in (1, 2, 3) or leading not in (0, 1, 2):
        raise ShapeError(
            f"x has {x_ndim} axes and w has {w_ndim}: expected x = (N?, C?, spatial...) and "
            "w = (M, C/G, kernel...) or kernel only; pass dims= to disambiguate"
        )
    channels = leading > 0
    if channels and w_ndim != dims + 2:
        raise ShapeError(f"x has channels, so w needs {dims + 2} axes (got {w_ndim})")
    if not channels and w_ndim != dims:
        raise ShapeError(f"x has no channel axis, so w needs {dims} axes (got {w_ndim})")
    weight_layout = options.get("weight_layout", CONV_DEFAULTS["weight_layout"])
    spatial_axes = range(2, 2 + dims) if channels and weight_layout == "OIHW" else range(dims)
    kernel = [int(w_shape[a]) for a in spatial_axes]
    return ConvSpec.make(kernel, dims=dims, batch=leading == 2, channels=channels, **options)


def reject_text(value: Any, name: str) -> None:
    """Refuse strings inside a tensor argument: entries are SymPy objects or numbers, and user
    text is never parsed (DESIGN.md)."""
    if isinstance(value, str | bytes):
        raise ShapeError(
            f"{name} contains the text {value!r}: give SymPy symbols (symconv.entries) or numbers"
        )
    if isinstance(value, list | tuple):
        for item in value:
            reject_text(item, name)
    elif isinstance(value, np.ndarray) and (value.dtype.kind in "USO"):
        for item in value.ravel().tolist():
            reject_text(item, name)


def numeric_operands(x: Any, w: Any, bias: Any) -> tuple[Any, Any, Any] | None:
    """The operands as NumPy arrays when the call is numeric, else None (the exact path).

    NumPy in, NumPy out: the call is numeric when every operand is a NumPy array of numbers, or
    when ``x`` or ``w`` is a NumPy array of floats and the others are numbers (nested lists,
    SymPy numbers); those are then converted to the floats' dtype (``float32`` stays
    ``float32``). A tensor of symbols, or text, keeps the exact path.

    >>> x, w, _ = numeric_operands(np.array([1.0, 2.0], dtype=np.float32), [1, -1], None)
    >>> w, w.dtype
    (array([ 1., -1.], dtype=float32), dtype('float32'))
    >>> numeric_operands(np.array([1.0, 2.0]), [sp.Symbol("w")], None) is None
    True
    """
    operands = (x, w, bias)
    if is_numeric_input(*operands):
        return operands
    floats = [v for v in (x, w) if isinstance(v, np.ndarray) and v.dtype.kind == "f"]
    if not floats:
        return None
    dtype = np.result_type(*floats)
    converted = []
    for value in operands:
        if value is None or (isinstance(value, np.ndarray) and value.dtype.kind == "f"):
            converted.append(value)
            continue
        if isinstance(value, str | bytes):
            return None
        try:
            array = np.asarray(value)
            if array.dtype.kind not in "biuf" and array.dtype != object:
                return None  # text: refused on the exact path
            converted.append(array.astype(dtype))
        except (TypeError, ValueError):  # symbols (no float value) or ragged lists
            return None
    return converted[0], converted[1], converted[2]


def _run(
    function: str, op: Op, x: Any, w: Any, bias: Any, dims: int | None, options: ConvOptions
) -> Any:
    """:func:`correlate` or :func:`convolve` (``op``), the one option they do not take."""
    layer = conv_options(options, function, refused=("op",))
    layer["op"] = op
    numeric = numeric_operands(x, w, bias)
    if numeric is not None:
        from symconv.conv.numeric import conv_forward

        x_array, w_array, bias_array = numeric
        spec = infer_spec(x_array.ndim, w_array.ndim, w_array.shape, dims, **layer)
        return conv_forward(spec, x_array, w_array, bias_array)
    for value, name in ((x, "x"), (w, "w"), (bias, "bias")):
        reject_text(value, name)
    x_shape, w_shape = as_array(x, "x").shape, as_array(w, "w").shape
    spec = infer_spec(len(x_shape), len(w_shape), w_shape, dims, **layer)
    return from_array(explicit_forward(spec, x, w, bias), x)


def correlate(
    x: Any,
    w: Any,
    bias: Any = None,
    *,
    dims: int | None = None,
    **options: Unpack[ConvOptions],
) -> Any:
    """Cross-correlation (no kernel flip; what deep-learning libraries call convolution).

    ``x`` and ``w`` are SymPy matrices/arrays or nested lists (exact result, same type) or NumPy
    arrays (the numeric twin). Ranks decide the axes: equal ranks ≤ 3 are a plain
    correlation; ``x`` of ``dims+1`` axes is (C, spatial...), of ``dims+2`` axes (N, C, spatial...)
    (``layout="NHWC"`` puts the channel last); ``w`` then is (M, C/G, kernel...) — or
    (kernel..., C/G, M) with ``weight_layout="HWIO"``. Pass ``dims`` where ranks are ambiguous
    (a batched 1-d layer). ``options`` are the layer's
    :class:`~symconv.conv.geometry.ConvOptions` but ``op`` (this is the correlation).

    >>> import sympy as sp
    >>> from symconv.core.tensors import entries
    >>> correlate(entries("x", (3, 3)), entries("w", (2, 2)))[0, 0]
    w_{11}*x_{11} + w_{12}*x_{12} + w_{21}*x_{21} + w_{22}*x_{22}
    >>> correlate([1, 2, 3, 4], [1, -1], mode="full")
    [-1, -1, -1, -1, 4]
    """
    return _run("correlate", "correlation", x, w, bias, dims, options)


def convolve(
    x: Any,
    w: Any,
    bias: Any = None,
    *,
    dims: int | None = None,
    **options: Unpack[ConvOptions],
) -> Any:
    """True convolution: correlation with the kernel flipped along every spatial axis.

    Same arguments as :func:`correlate`.

    >>> convolve([1, 2, 3, 4], [1, -1], mode="full")
    [1, 1, 1, 1, -4]
    >>> convolve([[1, 2], [3, 4]], [[0, 1], [1, 0]])
    Matrix([[5]])
    """
    return _run("convolve", "convolution", x, w, bias, dims, options)


def conv_forward_derivation(
    x: Any,
    w: Any,
    bias: Any = None,
    *,
    notation: Notation = "bracket",
    dims: int | None = None,
    **options: Unpack[ConvOptions],
) -> Derivation:
    """A :class:`Derivation` of a layer's output: the index form, then the explicit result.

    Its numeric twin (:func:`symconv.conv.numeric.conv_forward`) is checked against the explicit
    SymPy result evaluated at random entry values.

    >>> d = conv_forward_derivation([[1, 2, 0], [0, 1, 3], [2, 2, 1]], [[1, 0], [0, -1]])
    >>> d.answer
    Matrix([
    [ 0, -1],
    [-2,  0]])
    >>> d.check().passed
    True
    """
    X, Wt = as_array(x, "x"), as_array(w, "w")
    layer = conv_options(options, "conv_forward_derivation")
    op = layer["op"]
    spec = infer_spec(X.rank(), Wt.rank(), Wt.shape, dims, **layer)
    form = index_form_of(spec, bias=bias is not None and spec.channels)
    explicit = explicit_forward(spec, X, Wt, bias)
    answer = sp.ImmutableMatrix(explicit.tolist()) if explicit.rank() == 2 else explicit
    steps = (
        Step(form.output, form.expression, ":=", "definition (index form)"),
        Step(form.Z, answer, "=", "carried out entry by entry"),
    )
    entry_symbols = sorted(
        (
            X.free_symbols
            | Wt.free_symbols
            | (as_array(bias).free_symbols if bias is not None else set())
        ),
        key=str,
    )
    numeric = _forward_twin(spec, X, Wt, bias, explicit, entry_symbols)
    return Derivation(
        title=f"{spec.dims}-d {op}",
        steps=steps,
        answer=answer,
        answer_lhs=form.Z,
        conventions=spec.describe(),
        numeric=numeric,
        notation=notation,
        details={"spec": spec, "index_form": form},
    )


def _forward_twin(
    spec: ConvSpec,
    X: sp.NDimArray,
    Wt: sp.NDimArray,
    bias: Any,
    explicit: sp.NDimArray,
    entry_symbols: list[sp.Symbol],
) -> NumericTwin:
    """Numeric twin of a forward pass: vectorised NumPy vs the explicit result, random entries."""
    from symconv.conv.numeric import conv_forward

    bias_array = as_array(bias) if bias is not None else None

    def sample(rng: np.random.Generator) -> dict[str, Any]:
        return {
            "values": {
                s: float(v)
                for s, v in zip(entry_symbols, rng.standard_normal(len(entry_symbols)), strict=True)
            }
        }

    def to_numpy(tensor: sp.NDimArray, values: dict[sp.Symbol, float]) -> np.ndarray:
        return np.array(tensor.xreplace(values).tolist(), dtype=float).reshape(tensor.shape)

    def function(values: dict[sp.Symbol, float]) -> np.ndarray:
        b = to_numpy(bias_array, values) if bias_array is not None else None
        return conv_forward(spec, to_numpy(X, values), to_numpy(Wt, values), b)

    def reference(values: dict[sp.Symbol, float]) -> np.ndarray:
        return to_numpy(explicit, values)

    return NumericTwin("numeric twin vs explicit form", function, reference, sample)
