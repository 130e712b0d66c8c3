"""The convolution matrix: a layer written as one matrix product, ``vec(z) = C vec(x) + b̃``.

A convolution layer is linear in its input, so per sample it is a matrix ``C`` with one row per
output entry and one column per input entry (nndl, eq. 5.45; Dumoulin & Visin 2016, §4.1;
Goodfellow et al. 2016, §9.1 "doubly block circulant"). Differentiating the index form

    Z[m, j] = b[m] + Σ_{n, k} W[m, n, k] · X[g(m)·C/G + n, s·j + d·k − p_before]

with respect to ``X[c, i]`` gives every entry of C at once:

    C[(m, j), (c, i)] = ∂Z[m, j]/∂X[c, i]
                      = Σ_{n, k} W[m, n, k] · δ(c, g(m)·C/G + n) · δ(i, s·j + d·k − p_before)

so row ``(m, j)`` holds the weight ``W[m, n, k]`` in column ``(g(m)·C/G + n, s·j + d·k − p_before)``
for every tap whose input position lies inside the input, and zeros elsewhere (zero padding: an
out-of-range position is simply no column). C is therefore *placed*, entry by entry, from the one
geometric relation :meth:`ConvSpec.input_position` — vectorised NumPy index arithmetic, never a
Jacobian of a big explicit expression. True convolution uses the flipped tap (the spec does that).

Conventions: ``vec`` is row-major (C order: the last axis runs fastest) unless ``vec_order="F"``;
the axes of x and z are per sample, in the layout's order — ``(C, spatial...)`` for NCHW,
``(spatial..., C)`` for NHWC — and the plain ``(spatial...)`` without channels.

The nndl exercise 5-5 (a 3×3 input, a 2×2 kernel, cross-correlation, 1-based names):

    >>> conv_matrix((3, 3), (2, 2))
    Matrix([
    [w_{11}, w_{12},      0, w_{21}, w_{22},      0,      0,      0,      0],
    [     0, w_{11}, w_{12},      0, w_{21}, w_{22},      0,      0,      0],
    [     0,      0,      0, w_{11}, w_{12},      0, w_{21}, w_{22},      0],
    [     0,      0,      0,      0, w_{11}, w_{12},      0, w_{21}, w_{22}]])
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from math import prod
from typing import Any, Literal, Unpack

import numpy as np
import scipy.sparse
import sympy as sp
from sympy.core.basic import Basic
from sympy.core.containers import Dict, Tuple
from sympy.core.sorting import _node_count

from symconv.conv.forms import explicit_forward, index_form_of
from symconv.conv.forms import reject_text as reject_text  # its home before conv.py needed it
from symconv.conv.geometry import ConvOptions, ConvSpec, conv_options
from symconv.core.derivation import CheckResult, Derivation, NumericTwin, Step
from symconv.core.latex import Notation
from symconv.core.safe import as_sympy
from symconv.core.tensors import as_array, entries
from symconv.errors import ConventionError, DerivationError, ShapeError

VecOrder = Literal["C", "F"]
VEC_ORDERS: tuple[str, ...] = ("C", "F")


class ConvMatrixOptions(ConvOptions, total=False):
    """The layer's options (:class:`~symconv.conv.geometry.ConvOptions`) and the order in which
    ``vec`` stacks the entries: what every function of this module takes."""

    vec_order: VecOrder


# ----------------------------------------------------------------------------------------------
# Geometry: where every nonzero of C sits
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ConvMatrixGeometry:
    """The layer, the per-sample shapes of x, z and the kernel, and the vec order.

    Shapes are in the layout's axis order: ``input_shape``/``output_shape`` are ``(C, spatial...)``
    (NCHW), ``(spatial..., C)`` (NHWC) or ``(spatial...)`` (no channels); ``kernel_shape`` is
    ``(M, C/G, K...)`` (OIHW), ``(K..., C/G, M)`` (HWIO) or ``(K...)``.
    """

    spec: ConvSpec
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    kernel_shape: tuple[int, ...]
    vec_order: VecOrder

    @property
    def rows(self) -> int:
        return prod(self.output_shape)

    @property
    def cols(self) -> int:
        return prod(self.input_shape)

    @property
    def channel_axis(self) -> int | None:
        """Axis of the channel in x and z (None without channels)."""
        if not self.spec.channels:
            return None
        return 0 if self.spec.layout == "NCHW" else self.spec.dims

    def placements(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(row, column, kernel entry)`` of every nonzero of C, as int64 arrays.

        The kernel entry is the flat (C order) index into the kernel tensor as given.
        """
        spec, dims = self.spec, self.spec.dims
        spatial_in = _spatial(self.input_shape, self.channel_axis)
        spatial_out = _spatial(self.output_shape, self.channel_axis)
        n_out = self.output_shape[self.channel_axis] if self.channel_axis is not None else 1
        groups = int(spec.groups)
        per_group_in = (
            self.kernel_shape[1 if spec.weight_layout == "OIHW" else dims] if (spec.channels) else 1
        )
        kernel = [int(size) for size in spec.kernel_size]

        # One broadcast grid over (m, n, j_1..j_D, k_1..k_D): output channel, input channel within
        # the group, output position, kernel tap.
        grid_shape = (n_out, per_group_in, *spatial_out, *kernel)
        rank = len(grid_shape)

        def along(axis: int) -> np.ndarray:
            shape = [1] * rank
            shape[axis] = grid_shape[axis]
            return np.arange(grid_shape[axis], dtype=np.int64).reshape(shape)

        m, n = along(0), along(1)
        out = [along(2 + axis) for axis in range(dims)]
        taps = [along(2 + dims + axis) for axis in range(dims)]
        positions = []
        inside = np.ones((1,) * rank, dtype=bool)
        for axis in range(dims):
            # input position = s·j + d·k − p_before (correlation) or s·j + d·(K−1−k) − p_before
            # (convolution): read off ConvSpec.input_position as an affine map of (j, k).
            slope_j, slope_k, offset = _affine_position(spec, axis)
            position = slope_j * out[axis] + slope_k * taps[axis] + offset
            inside = inside & (position >= 0) & (position < spatial_in[axis])
            positions.append(position)
        # Group g(m) = ⌊m / (M/G)⌋ reads input channels g·C/G … g·C/G + C/G − 1 (PyTorch Conv2d).
        in_channel = (m // (n_out // groups)) * per_group_in + n

        row = _flat_index(_in_layout(self, m, out), self.output_shape, self.vec_order)
        col = _flat_index(_in_layout(self, in_channel, positions), self.input_shape, self.vec_order)
        tap = _flat_index(_weight_coords(spec, m, n, taps), self.kernel_shape, "C")
        mask = np.broadcast_to(inside, grid_shape)
        return tuple(np.broadcast_to(index, grid_shape)[mask] for index in (row, col, tap))

    def output_channels(self) -> np.ndarray:
        """The output channel of every row of C (zeros without channels)."""
        if self.channel_axis is None:
            return np.zeros(self.rows, dtype=np.int64)
        coords = np.indices(self.output_shape)[self.channel_axis]
        return coords.ravel(order=self.vec_order)


def _spatial(shape: tuple[int, ...], channel_axis: int | None) -> list[int]:
    return [size for axis, size in enumerate(shape) if axis != channel_axis]


def _in_layout(
    geometry: ConvMatrixGeometry, channel: np.ndarray, spatial: Sequence[np.ndarray]
) -> list[np.ndarray]:
    """Coordinates of x or z in the layout's axis order."""
    if geometry.channel_axis is None:
        return list(spatial)
    if geometry.spec.layout == "NCHW":
        return [channel, *spatial]
    return [*spatial, channel]


def _weight_coords(
    spec: ConvSpec, m: np.ndarray, n: np.ndarray, taps: Sequence[np.ndarray]
) -> list[np.ndarray]:
    if not spec.channels:
        return list(taps)
    if spec.weight_layout == "OIHW":
        return [m, n, *taps]
    return [*taps, n, m]


def _flat_index(coords: Sequence[np.ndarray], shape: Sequence[int], order: str) -> np.ndarray:
    """Position of ``coords`` in ``vec``: Σ_a coord_a · stride_a with
    stride_a = Π_{b > a} shape_b (row-major, C order) or Π_{b < a} shape_b (column-major, F)."""
    total: np.ndarray = np.zeros((), dtype=np.int64)
    for axis, coord in enumerate(coords):
        neighbours = shape[axis + 1 :] if order == "C" else shape[:axis]
        total = total + coord * prod(neighbours)
    return total


def _affine_position(spec: ConvSpec, axis: int) -> tuple[int, int, int]:
    """``(a, b, c)`` with ``input_position(axis, j, k) = a·j + b·k + c``."""
    j, k = sp.Dummy("j", integer=True), sp.Dummy("k", integer=True)
    position = sp.expand(spec.input_position(axis, j, k))
    a, b = position.coeff(j), position.coeff(k)
    c = position.subs({j: 0, k: 0})
    if sp.expand(position - (a * j + b * k + c)) != 0 or not all(v.is_Integer for v in (a, b, c)):
        raise DerivationError(
            f"axis {axis}: input position {position} is not an affine map of (j, k) with integer "
            "coefficients; the convolution matrix needs concrete stride, dilation and padding"
        )
    return int(a), int(b), int(c)


def conv_matrix_geometry(
    input_shape: Sequence[int],
    kernel_shape: Sequence[int],
    *,
    vec_order: VecOrder = "C",
    **options: Unpack[ConvOptions],
) -> ConvMatrixGeometry:
    """Resolve the options for an input and a kernel of the given shapes (layout order).

    Channels are present when the kernel has one axis more than ``input_shape`` (``(M, C/G, K...)``
    against ``(C, spatial...)``); equal ranks mean a plain single-channel layer.

    >>> g = conv_matrix_geometry((2, 5, 5), (4, 1, 3, 3), groups=2, stride=2)
    >>> g.output_shape, (g.rows, g.cols)
    ((4, 2, 2), (16, 50))
    """
    resolved = conv_options(options, "conv_matrix_geometry")
    layout, weight_layout = resolved["layout"], resolved["weight_layout"]
    if vec_order not in VEC_ORDERS:
        raise ConventionError(f"vec_order={vec_order!r}: expected 'C' (row-major) or 'F'")
    in_shape = _as_shape(input_shape, "input_shape")
    k_shape = _as_shape(kernel_shape, "kernel shape")
    if len(k_shape) == len(in_shape):
        channels, dims = False, len(in_shape)
        kernel_spatial = k_shape
    elif len(k_shape) == len(in_shape) + 1:
        channels, dims = True, len(in_shape) - 1
        kernel_spatial = k_shape[2:] if weight_layout == "OIHW" else k_shape[:dims]
    else:
        raise ShapeError(
            f"input_shape {in_shape} and kernel of shape {k_shape}: expected a kernel with as many "
            "axes as the input (no channels) or one more ((M, C/G, K...) against (C, spatial...))"
        )
    if dims not in (1, 2, 3):
        raise ShapeError(
            f"input_shape {in_shape} and kernel of shape {k_shape}: {dims} spatial axes; "
            "symconv handles 1-, 2- and 3-d convolutions"
        )
    spec = ConvSpec.make(kernel_spatial, dims=dims, batch=False, channels=channels, **resolved)
    if not spec.is_concrete:
        raise ShapeError("the convolution matrix needs concrete stride, padding and dilation")
    spatial_in = in_shape if not channels else (in_shape[1:] if layout == "NCHW" else in_shape[:-1])
    spatial_out = tuple(int(size) for size in spec.output_shape(spatial_in))
    if channels:
        groups = int(spec.groups)
        n_in = in_shape[0] if layout == "NCHW" else in_shape[-1]
        n_out, per_group = (
            (k_shape[0], k_shape[1]) if weight_layout == "OIHW" else k_shape[::-1][:2]
        )
        if n_in != per_group * groups or n_out % groups:
            raise ShapeError(
                f"channels: the input {in_shape} has C={n_in}, the kernel {k_shape} has M={n_out} "
                f"outputs of C/G={per_group} inputs each, groups G={groups}: need C = (C/G)·G = "
                f"{per_group * groups} and M divisible by G"
            )
        out_shape = (n_out, *spatial_out) if layout == "NCHW" else (*spatial_out, n_out)
    else:
        out_shape = spatial_out
    return ConvMatrixGeometry(spec, in_shape, out_shape, k_shape, vec_order)


def _as_shape(shape: Sequence[Any], name: str) -> tuple[int, ...]:
    values = tuple(shape)
    if not values or any(not _is_int(size) or int(size) < 1 for size in values):
        raise ShapeError(f"{name} {values}: expected a tuple of positive integers")
    return tuple(int(size) for size in values)


def _is_int(value: Any) -> bool:
    return isinstance(value, int | np.integer | sp.Integer) and not isinstance(value, bool)


# ----------------------------------------------------------------------------------------------
# The symbolic matrix
# ----------------------------------------------------------------------------------------------
def kernel_entries(kernel: Any, base: int = 1) -> sp.ImmutableDenseNDimArray:
    """The kernel as a SymPy Array: named entries ``w_{11}…`` for a shape tuple, else as given.

    >>> kernel_entries((2,), base=0)
    [w_{0}, w_{1}]
    >>> kernel_entries([[1, 2], [3, 4]]).shape
    (2, 2)
    """
    if isinstance(kernel, tuple) and all(_is_int(size) for size in kernel):
        return as_array(entries("w", _as_shape(kernel, "kernel shape"), base=base), "kernel")
    reject_text(kernel, "kernel")
    return as_array(kernel, "kernel")


def conv_matrix(
    input_shape: Sequence[int],
    kernel: Any,
    *,
    vec_order: VecOrder = "C",
    base: int = 1,
    **options: Unpack[ConvOptions],
) -> sp.ImmutableSparseMatrix:
    """The matrix C with ``vec(z) = C vec(x)`` (per sample, bias apart), exact and sparse.

    ``input_shape`` is the spatial shape, or ``(C, spatial...)`` with channels (``(spatial..., C)``
    with ``layout="NHWC"``). ``kernel`` is a SymPy Matrix/Array or nested list of entries, or a
    shape tuple (then the entries are named ``w`` with index base ``base``): ``(K...)`` without
    channels, ``(M, C/G, K...)`` with them (``(K..., C/G, M)`` with ``weight_layout="HWIO"``).
    ``mode`` (valid | same | full) overrides ``padding``, which is ``p``, one value per axis, or
    ``(before, after)`` pairs; ``same`` puts an odd extra zero at the ``same_extra`` end.

    The 1-d example of nndl eq. 5.45 and the 4×16 matrix of Dumoulin & Visin (0-based names):

    >>> conv_matrix((5,), (3,))
    Matrix([
    [w_{1}, w_{2}, w_{3},     0,     0],
    [    0, w_{1}, w_{2}, w_{3},     0],
    [    0,     0, w_{1}, w_{2}, w_{3}]])
    >>> C = conv_matrix((4, 4), (3, 3), base=0)
    >>> C.shape, list(C.row(0)[:6])
    ((4, 16), [w_{00}, w_{01}, w_{02}, 0, w_{10}, w_{11}])
    >>> conv_matrix((3,), [1, -1], mode="full", op="convolution")
    Matrix([
    [ 1,  0, 0],
    [-1,  1, 0],
    [ 0, -1, 1],
    [ 0,  0, -1]])
    """
    kernel_array = kernel_entries(kernel, base)
    geometry = conv_matrix_geometry(
        input_shape,
        kernel_array.shape,
        vec_order=vec_order,
        **conv_options(options, "conv_matrix"),
    )
    return matrix_of(geometry, kernel_array)


def matrix_of(geometry: ConvMatrixGeometry, kernel: sp.NDimArray) -> sp.ImmutableSparseMatrix:
    """Place the kernel's entries at the geometry's positions (see the module docstring)."""
    rows, cols, taps = geometry.placements()
    values = [as_sympy(value) for value in sp.flatten(kernel)]
    return immutable_sparse(geometry.rows, geometry.cols, rows, cols, values, taps)


@contextmanager
def _garbage_collection_paused() -> Iterator[None]:
    """Building ~10⁵ small SymPy objects triggers the cyclic collector over and over (they hold
    no cycles): pausing it halves the build time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def immutable_sparse(
    n_rows: int,
    n_cols: int,
    rows: np.ndarray,
    cols: np.ndarray,
    values: Sequence[sp.Expr],
    value_index: np.ndarray,
) -> sp.ImmutableSparseMatrix:
    """``ImmutableSparseMatrix(n_rows, n_cols, {(r, c): values[v]})`` for unique ``(r, c)``, fast.

    SymPy's constructor sympifies every key and sorts its ``Dict`` of entries with
    ``sympy.ordered``, about 25 µs per entry (0.9 s for the 34 596 entries of a 64×64 input).
    Here the same object is assembled directly: ``ordered`` sorts by the node count of
    ``Tuple((r, c), v)`` (3 + nodes of v), then by ``default_sort_key`` — which compares the key
    ``(r, c)`` first, and keys are unique — so the canonical order is a NumPy ``lexsort`` by
    (nodes of v, r, c). ``tests/conv/test_convmatrix.py`` checks that args, hash, srepr and the
    internal domain equal the public constructor's; if SymPy's internals differ, the public one is
    used.

    >>> import numpy as np, sympy as sp
    >>> a = sp.Symbol("a")
    >>> immutable_sparse(2, 2, np.array([0, 1]), np.array([1, 0]), [a, sp.Integer(2)],
    ...                  np.array([0, 1]))
    Matrix([
    [0, a],
    [2, 0]])
    """
    keep = np.array([value != 0 for value in values], dtype=bool)
    if len(values):
        selected = keep[value_index]
        rows, cols, value_index = rows[selected], cols[selected], value_index[selected]
    nodes = np.array([_node_count(value) for value in values], dtype=float)
    order = np.lexsort((cols, rows, nodes[value_index] if len(values) else value_index))
    row_list = rows[order].tolist()
    col_list = cols[order].tolist()
    index_list = value_index[order].tolist()
    try:
        with _garbage_collection_paused():
            return _assemble(n_rows, n_cols, row_list, col_list, index_list, values)
    except AttributeError:  # pragma: no cover - a SymPy without these internals
        entries_by_key = {
            (r, c): values[v] for r, c, v in zip(row_list, col_list, index_list, strict=True)
        }
        return sp.ImmutableSparseMatrix(n_rows, n_cols, entries_by_key)


def _assemble(
    n_rows: int,
    n_cols: int,
    rows: list[int],
    cols: list[int],
    value_index: list[int],
    values: Sequence[sp.Expr],
) -> sp.ImmutableSparseMatrix:
    """What ``ImmutableSparseMatrix._new`` and ``Dict.__new__`` build, from canonical order."""
    new = Basic.__new__
    integers = [sp.Integer(i) for i in range(max(n_rows, n_cols))]
    keys = [new(Tuple, integers[r], integers[c]) for r, c in zip(rows, cols, strict=True)]
    chosen = [values[v] for v in value_index]
    items = [new(Tuple, key, value) for key, value in zip(keys, chosen, strict=True)]
    entry_dict = new(Dict, *items)
    entry_dict.elements = frozenset(items)
    entry_dict._dict = dict(zip(keys, chosen, strict=True))
    dod: dict[int, dict[int, sp.Expr]] = {}
    for r, c, value in zip(rows, cols, chosen, strict=True):
        row = dod.get(r)
        if row is None:
            dod[r] = row = {}
        row[c] = value
    types = {type(value) for value in chosen}
    rep = sp.ImmutableSparseMatrix._dod_to_DomainMatrix(n_rows, n_cols, dod, types)
    matrix = new(sp.ImmutableSparseMatrix, sp.Integer(n_rows), sp.Integer(n_cols), entry_dict)
    matrix._rows, matrix._cols, matrix._rep = n_rows, n_cols, rep
    return matrix


# ----------------------------------------------------------------------------------------------
# The numeric matrix
# ----------------------------------------------------------------------------------------------
def conv_matrix_sparse(
    input_shape: Sequence[int],
    kernel: Any,
    *,
    vec_order: VecOrder = "C",
    **options: Unpack[ConvOptions],
) -> scipy.sparse.csr_matrix:
    """The numeric C as a SciPy CSR matrix, for large sizes (same options as :func:`conv_matrix`).

    ``kernel`` is a NumPy array (or nested list) of numbers in the weight layout.

    >>> import numpy as np
    >>> C = conv_matrix_sparse((3, 3), np.array([[1.0, 2.0], [3.0, 4.0]]))
    >>> C.shape, C.nnz
    ((4, 9), 16)
    >>> C.toarray()[0]
    array([1., 2., 0., 3., 4., 0., 0., 0., 0.])
    """
    weights = _numeric_kernel(kernel)
    geometry = conv_matrix_geometry(
        input_shape,
        weights.shape,
        vec_order=vec_order,
        **conv_options(options, "conv_matrix_sparse"),
    )
    return sparse_matrix_of(geometry, weights)


def sparse_matrix_of(geometry: ConvMatrixGeometry, weights: np.ndarray) -> scipy.sparse.csr_matrix:
    """Place numeric weights at the geometry's positions (explicit zeros removed)."""
    rows, cols, taps = geometry.placements()
    matrix = scipy.sparse.csr_matrix(
        (weights.ravel()[taps], (rows, cols)), shape=(geometry.rows, geometry.cols)
    )
    matrix.eliminate_zeros()
    return matrix


def _numeric_kernel(kernel: Any) -> np.ndarray:
    reject_text(kernel, "kernel")
    try:
        weights = np.asarray(kernel)
        if weights.dtype == object:
            weights = weights.astype(float)
    except (TypeError, ValueError) as error:
        raise ShapeError(
            f"kernel {kernel!r}: the sparse numeric matrix needs numbers ({error}); "
            "use conv_matrix for symbolic entries"
        ) from error
    if not np.issubdtype(weights.dtype, np.number):
        raise ShapeError(f"kernel of dtype {weights.dtype}: expected numbers")
    return weights


# ----------------------------------------------------------------------------------------------
# Bias and the derivation
# ----------------------------------------------------------------------------------------------
def conv_bias_vector(
    input_shape: Sequence[int],
    kernel: Any,
    bias: Any,
    *,
    base: int = 1,
    **options: Unpack[ConvMatrixOptions],
) -> sp.ImmutableMatrix:
    """``b̃`` in ``vec(z) = C vec(x) + b̃``: entry r is the bias of the output channel of row r.

    ``bias`` is a list/Array of M entries, ``True`` (entries named ``b``), or one value without
    channels.

    >>> conv_bias_vector((2, 3), (2, 2, 2), True).T
    Matrix([[b_{1}, b_{1}, b_{2}, b_{2}]])
    >>> conv_bias_vector((3, 2), (2, 2, 2), True, layout="NHWC").T
    Matrix([[b_{1}, b_{2}, b_{1}, b_{2}]])
    """
    geometry = conv_matrix_geometry(input_shape, kernel_entries(kernel, base).shape, **options)
    return bias_vector_of(geometry, _bias_entries(geometry, bias, base))


def _bias_entries(geometry: ConvMatrixGeometry, bias: Any, base: int) -> list[sp.Expr]:
    """Bias per output channel; ``True`` names them ``b_{1}…`` (plain ``b`` without channels)."""
    n_out = geometry.output_shape[geometry.channel_axis] if geometry.channel_axis is not None else 1
    if bias is True:
        return (
            list(entries("b", (n_out,), base=base)) if geometry.spec.channels else [sp.Symbol("b")]
        )
    reject_text(bias, "bias")
    if isinstance(bias, list | tuple | sp.NDimArray | sp.MatrixBase | np.ndarray):
        values = list(sp.flatten(as_array(bias, "bias")))
    else:
        values = [as_sympy(bias)]  # a number or a SymPy expression, never text
    if len(values) != n_out:
        raise ShapeError(f"bias {bias!r} has {len(values)} entries; the layer has {n_out} outputs")
    return values


def bias_vector_of(geometry: ConvMatrixGeometry, bias: Sequence[sp.Expr]) -> sp.ImmutableMatrix:
    channels = geometry.output_channels()
    return sp.ImmutableMatrix([bias[m] for m in channels.tolist()])


def _vec(tensor: sp.NDimArray, order: VecOrder) -> sp.ImmutableMatrix:
    """``vec`` of a SymPy tensor as a column, row-major (C) or column-major (F)."""
    flat = np.array(sp.flatten(tensor), dtype=object).reshape(tensor.shape)
    return sp.ImmutableMatrix(flat.ravel(order=order).tolist())


def conv_matrix_derivation(
    input_shape: Sequence[int],
    kernel: Any,
    bias: Any = None,
    *,
    base: int = 1,
    notation: Notation = "subscript",
    **options: Unpack[ConvMatrixOptions],
) -> Derivation:
    """A :class:`Derivation` of ``vec(z) = C vec(x) (+ b̃)``: the entry rule, C, and the product.

    The steps differentiate the index form to the entry rule of C, show C placed from it, and
    carry out ``C vec(x)``. Checks: the numeric twin (the sparse C times random x against
    :func:`symconv.conv.numeric.conv_forward`), exactness (``C vec(x)`` against the explicit forward
    pass) and the symbolic C at random weights against the sparse numeric C.

    >>> d = conv_matrix_derivation((3,), (2,))
    >>> d.answer
    Matrix([
    [w_{1}, w_{2},     0],
    [    0, w_{1}, w_{2}]])
    >>> print(d.steps[-1].rhs)
    Matrix([[w_{1}*x_{1} + w_{2}*x_{2}], [w_{1}*x_{2} + w_{2}*x_{3}]])
    >>> d.check().passed
    True
    """
    kernel_array = kernel_entries(kernel, base)
    geometry = conv_matrix_geometry(input_shape, kernel_array.shape, **options)
    spec = geometry.spec
    matrix = matrix_of(geometry, kernel_array)
    x = as_array(entries("x", geometry.input_shape, base=base), "x")
    x_vec = _vec(x, geometry.vec_order)
    bias_vec = (
        bias_vector_of(geometry, _bias_entries(geometry, bias, base)) if bias is not None else None
    )
    vec = sp.Function("vec")
    z_vec, x_name, C = vec(sp.Symbol("z")), vec(sp.Symbol("x")), sp.Symbol("C")
    b_tilde = sp.Symbol(r"\tilde{b}")
    product = sp.MatMul(matrix, x_vec, evaluate=False)
    result = matrix * x_vec
    if bias_vec is not None:
        result = result + bias_vec
    steps = (
        Step(
            z_vec,
            C * x_name + (b_tilde if bias_vec is not None else 0),
            ":=",
            "the layer is linear in x: one row of C per output entry, one column per input entry",
        ),
        Step(
            _entry_lhs(geometry),
            _entry_rule(geometry),
            "=",
            "C is the Jacobian of vec(z) by vec(x): the index form differentiated; positions "
            "outside the input give no entry (zero padding)",
        ),
        Step(C, sp.ImmutableMatrix(matrix), "=", "each weight placed at its input position"),
        Step(
            z_vec,
            sp.MatAdd(product, bias_vec, evaluate=False) if bias_vec is not None else product,
            "=",
            "",
        ),
        Step(None, sp.ImmutableMatrix(result), "=", "carried out"),
    )
    conventions = (
        *spec.describe()[:-1],
        _vec_convention(geometry),
        f"entry names are {base}-based: {sp.flatten(x)[0]} is x[{', '.join('0' * x.rank())}]",
        f"C is {geometry.rows}×{geometry.cols} (per sample; one row per output entry)",
    )
    return Derivation(
        title="The convolution matrix: vec(z) = C vec(x)",
        steps=steps,
        answer=sp.ImmutableMatrix(matrix),
        answer_lhs=C,
        conventions=conventions,
        numeric=_matrix_twin(geometry),
        checks=(
            _exactness_check(geometry, kernel_array, matrix, x),
            _sparse_agreement_check(geometry, kernel_array, matrix),
        ),
        notation=notation,
        details={"geometry": geometry, "spec": spec, "bias_vector": bias_vec},
    )


def _vec_convention(geometry: ConvMatrixGeometry) -> str:
    axes = {
        None: "spatial axes",
        0: "axes (channel, spatial...)",
    }.get(geometry.channel_axis, "axes (spatial..., channel)")
    if geometry.vec_order == "C":
        return f"vec is row-major (C order) over the {axes}: the last axis runs fastest"
    return f"vec is column-major (F order) over the {axes}: the first axis runs fastest"


def _entry_lhs(geometry: ConvMatrixGeometry) -> sp.Indexed:
    """``C[m, j, c, i]``: C seen as a tensor with row index (m, j) and column index (c, i)."""
    form = index_form_of(geometry.spec, bias=False)
    spatial = _spatial_symbols(geometry.spec.dims, "i")
    x_index = _in_layout(geometry, sp.Symbol("c", integer=True), spatial)
    z_index = [index for index, _ in form.free_ranges]
    return sp.IndexedBase("C")[(*z_index, *x_index)]


def _entry_rule(geometry: ConvMatrixGeometry) -> sp.Expr:
    """``Σ W[...] δ(c, ...) δ(i, s j + d k − p)``: ∂Z/∂X[c, i] of the index form at these sizes."""
    spec = geometry.spec
    form = index_form_of(spec, bias=False)
    spatial = _spatial_symbols(spec.dims, "i")
    x_index = _in_layout(geometry, sp.Symbol("c", integer=True), spatial)
    derivative = sp.diff(form.expression, form.X[tuple(x_index)])
    sizes = {form.sizes[f"I{axis}"]: size for axis, size in enumerate(_input_spatial(geometry))}
    if spec.channels:
        channel_axis = geometry.channel_axis
        assert channel_axis is not None
        sizes[form.sizes["C"]] = geometry.input_shape[channel_axis]
        sizes[form.sizes["M"]] = geometry.output_shape[channel_axis]
    return derivative.xreplace({k: sp.Integer(v) for k, v in sizes.items()})


def _spatial_symbols(dims: int, stem: str) -> list[sp.Symbol]:
    names = [stem] if dims == 1 else [f"{stem}_{axis + 1}" for axis in range(dims)]
    return [sp.Symbol(name, integer=True) for name in names]


def _input_spatial(geometry: ConvMatrixGeometry) -> list[int]:
    return _spatial(geometry.input_shape, geometry.channel_axis)


def _numeric_values(tensor: sp.NDimArray, values: dict[sp.Symbol, float]) -> np.ndarray:
    flat = [float(as_sympy(v).xreplace(values)) for v in sp.flatten(tensor)]
    return np.array(flat, dtype=float).reshape(tensor.shape)


def _matrix_twin(geometry: ConvMatrixGeometry) -> NumericTwin:
    """The sparse numeric C times random x, against the vectorised forward pass."""
    from symconv.conv.numeric import conv_forward

    def sample(rng: np.random.Generator) -> dict[str, Any]:
        return {
            "x": rng.standard_normal(geometry.input_shape),
            "w": rng.standard_normal(geometry.kernel_shape),
        }

    def function(x: np.ndarray, w: np.ndarray) -> np.ndarray:
        z = sparse_matrix_of(geometry, w) @ x.ravel(order=geometry.vec_order)
        return np.asarray(z).reshape(geometry.output_shape, order=geometry.vec_order)

    def reference(x: np.ndarray, w: np.ndarray) -> np.ndarray:
        return conv_forward(geometry.spec, x, w)

    return NumericTwin("sparse C·vec(x) vs numeric.conv_forward", function, reference, sample)


def _exactness_check(
    geometry: ConvMatrixGeometry,
    kernel: sp.NDimArray,
    matrix: sp.ImmutableSparseMatrix,
    x: sp.NDimArray,
) -> Any:
    def check(rng: np.random.Generator) -> CheckResult:
        forward = explicit_forward(geometry.spec, x, kernel)
        expected = _vec(forward, geometry.vec_order)
        difference = (matrix * _vec(x, geometry.vec_order) - expected).expand()
        wrong = [r for r in range(difference.rows) if difference[r, 0] != 0]
        detail = (
            f"all {geometry.rows} entries of C·vec(x) equal the explicit forward pass"
            if not wrong
            else f"row {wrong[0]}: C·vec(x) − z = {difference[wrong[0], 0]}"
        )
        return CheckResult("exact: C·vec(x) = explicit forward", not wrong, detail)

    return check


def _sparse_agreement_check(
    geometry: ConvMatrixGeometry, kernel: sp.NDimArray, matrix: sp.ImmutableSparseMatrix
) -> Any:
    def check(rng: np.random.Generator) -> CheckResult:
        symbols = sorted(kernel.free_symbols, key=str)
        values = dict(zip(symbols, rng.standard_normal(len(symbols)).tolist(), strict=True))
        numeric = sparse_matrix_of(geometry, _numeric_values(kernel, values)).toarray()
        substituted = np.array(
            matrix.xreplace({k: sp.Float(v) for k, v in values.items()}).tolist(), dtype=float
        )
        worst = float(np.max(np.abs(numeric - substituted), initial=0.0))
        return CheckResult(
            "symbolic C at random weights = sparse numeric C",
            worst < 1e-12,
            f"{len(symbols)} weights drawn, max difference {worst:.1e}",
        )

    return check


__all__ = [
    "ConvMatrixGeometry",
    "ConvMatrixOptions",
    "VecOrder",
    "conv_bias_vector",
    "conv_matrix",
    "conv_matrix_derivation",
    "conv_matrix_geometry",
    "conv_matrix_sparse",
    "immutable_sparse",
    "kernel_entries",
    "reject_text",
]
