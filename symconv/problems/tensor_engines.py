"""Engines on tensors: the convolution matrix, correlation and convolution of given data, pooling
forward and backward on given data, and the gradients of the rule table.

Each engine is a typed front of a library function (:mod:`symconv.conv.matrix`,
:mod:`symconv.conv.forms`, :mod:`symconv.rules`): the arguments a problem-set file writes
(:mod:`symconv.problems.arguments`) are converted once, the library derives, and its derivation
keeps its checks. Pooling on data evaluates the rule table's index forms (``max_pool2d``,
``avg_pool2d``: whole windows, one stride, PyTorch's first-maximum rule at a tie) on the given
tensors — a 1-D signal is the single row of a 2-D one — and is checked against a plain NumPy
sliding-window pass and a routing loop that share no code with the rule.

    >>> conv_matrix([3], kernel=2).answer
    Matrix([
    [w_{1}, w_{2},     0],
    [    0, w_{1}, w_{2}]])
    >>> d = pool_forward([[1, 5, 2, 0], [3, 3, 1, 4], [0, 2, 6, 1]], size=2, stride=1)
    >>> d.answer
    Matrix([
    [5, 5, 4],
    [3, 6, 6]])
    >>> g = pool_backward([[1, 5, 2, 0], [3, 3, 1, 4], [0, 2, 6, 1]], [[1, 2, 3], [4, 5, 6]],
    ...                   size=2, stride=1)
    >>> g.answer
    Matrix([
    [0, 3,  0, 0],
    [4, 0,  0, 3],
    [0, 0, 11, 0]])
    >>> g.check().passed
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction
from typing import Annotated, Any, Literal

import numpy as np
import sympy as sp

from symconv.core.derivation import CheckResult, Derivation, Step
from symconv.errors import ConventionError, ShapeError
from symconv.problems.arguments import (
    ArgKind,
    Bias,
    ConcretePadding,
    ConcreteShape,
    Count,
    Counts,
    Flag,
    Issue,
    Name,
    NumericTensor,
    Padding,
    Size,
    Sizes,
    Tensor,
    did_you_mean,
)

Op = Literal["correlation", "convolution"]
Notation = Literal["bracket", "subscript"]
PoolKind = Literal["max", "avg"]

#: The most entries (rows × columns) of a convolution matrix a problem set derives: the exact
#: check multiplies C by a symbolic vector, and a write-up prints C.
MAX_MATRIX_ENTRIES = 50_000


# ----------------------------------------------------------------------------------------------
# The convolution matrix
# ----------------------------------------------------------------------------------------------
def _per_axis(value: int | Sequence[int], dims: int, name: str) -> tuple[int, ...]:
    values = tuple(int(v) for v in value) if isinstance(value, Sequence) else (int(value),) * dims
    if len(values) != dims:
        raise ShapeError(
            f"{name}={list(values)}: {len(values)} values for an input of {dims} spatial axes"
        )
    return values


def _padding_options(padding: Any) -> dict[str, Any]:
    return {"mode": padding} if isinstance(padding, str) else {"padding": padding}


def conv_matrix(
    input_size: ConcreteShape,
    kernel: Counts | None = None,
    weights: Tensor | None = None,
    stride: Counts = 1,
    padding: ConcretePadding = 0,
    dilation: Counts = 1,
    op: Op = "correlation",
    in_channels: Count | None = None,
    out_channels: Count | None = None,
    groups: Count = 1,
    bias: Bias = False,
    base: Literal[0, 1] = 1,
    vec_order: Literal["C", "F"] = "C",
    notation: Notation = "subscript",
) -> Derivation:
    """``vec(z) = C vec(x) (+ b̃)``: :func:`symconv.conv.matrix.conv_matrix_derivation`.

    ``kernel`` is the window (entries named ``w``), ``weights`` the entries themselves; with
    ``in_channels``/``out_channels`` the input is ``(C, spatial...)`` and the kernel
    ``(M, C/G, window...)``.
    """
    from symconv.conv.matrix import conv_matrix_derivation, conv_matrix_geometry, kernel_entries

    dims = len(input_size)
    channels = in_channels is not None or out_channels is not None
    if channels and (in_channels is None or out_channels is None):
        raise ShapeError(
            f"in_channels={in_channels}, out_channels={out_channels}: give both (a layer with "
            "channels has C inputs and M outputs) or neither"
        )
    input_shape: tuple[int, ...] = (
        (int(in_channels), *input_size) if in_channels is not None else tuple(input_size)
    )
    if weights is not None:
        kernel_value: Any = weights
    else:
        window = _per_axis(kernel if kernel is not None else 1, dims, "kernel")
        if in_channels is not None and out_channels is not None:
            if in_channels % groups:
                raise ShapeError(f"groups={groups} does not divide in_channels={in_channels}")
            kernel_value = (int(out_channels), int(in_channels) // groups, *window)
        else:
            kernel_value = window
    options: dict[str, Any] = {
        "stride": _per_axis(stride, dims, "stride"),
        "dilation": _per_axis(dilation, dims, "dilation"),
        "groups": groups,
        "op": op,
        "vec_order": vec_order,
        **_padding_options(padding),
    }
    geometry = conv_matrix_geometry(
        input_shape, kernel_entries(kernel_value, base).shape, **options
    )
    if geometry.rows * geometry.cols > MAX_MATRIX_ENTRIES:
        raise ShapeError(
            f"input {list(input_shape)}, kernel {list(geometry.kernel_shape)}: C would be "
            f"{geometry.rows}×{geometry.cols} = {geometry.rows * geometry.cols} entries, more "
            f"than the {MAX_MATRIX_ENTRIES} a problem set derives and prints"
        )
    return conv_matrix_derivation(
        input_shape,
        kernel_value,
        None if bias is False else bias,
        base=base,
        notation=notation,
        **options,
    )


# ----------------------------------------------------------------------------------------------
# Correlation and convolution of given data
# ----------------------------------------------------------------------------------------------
def _forward(op: Op, x: Any, w: Any, padding: Any, stride: Any, dilation: Any) -> Derivation:
    from symconv.conv.forms import conv_forward_derivation

    derivation = conv_forward_derivation(
        x, w, op=op, stride=stride, dilation=dilation, **_padding_options(padding)
    )
    # A title of its own words: the library's "2-d correlation" reads as a part heading "(2)".
    what = "Cross-correlation" if op == "correlation" else "Convolution"
    return replace(
        derivation, title=f"{what} of the given data ({derivation.details['spec'].dims}-D)"
    )


def correlation(
    x: Tensor,
    w: Tensor,
    padding: ConcretePadding = 0,
    stride: Counts = 1,
    dilation: Counts = 1,
) -> Derivation:
    """The cross-correlation of given data (no kernel flip), 1-D, 2-D or 3-D, exactly."""
    return _forward("correlation", x, w, padding, stride, dilation)


def convolution(
    x: Tensor,
    w: Tensor,
    padding: ConcretePadding = 0,
    stride: Counts = 1,
    dilation: Counts = 1,
) -> Derivation:
    """The convolution of given data (the kernel flipped), 1-D, 2-D or 3-D, exactly."""
    return _forward("convolution", x, w, padding, stride, dilation)


# ----------------------------------------------------------------------------------------------
# Pooling on given data (the rule table's max_pool2d and avg_pool2d, evaluated)
# ----------------------------------------------------------------------------------------------
def _as_rows(x: Any) -> tuple[np.ndarray, bool]:
    """Data as an object array of exact rows (a 1-D signal is one row), and whether it was 1-D."""
    from symconv.core.safe import as_sympy

    array = np.array(x, dtype=object)
    if array.ndim not in (1, 2):
        raise ShapeError(
            f"pooling takes a 1-D list or a 2-D matrix; the data has {array.ndim} axes"
        )
    exact = np.vectorize(as_sympy, otypes=[object])(array)
    return (exact.reshape(1, -1), True) if array.ndim == 1 else (exact, False)


def _window(size: int | tuple[int, ...], one_dimensional: bool) -> tuple[int, int]:
    if isinstance(size, tuple):
        if one_dimensional and len(size) == 1:
            return 1, size[0]
        if len(size) != (1 if one_dimensional else 2):
            raise ShapeError(
                f"size={list(size)}: a {'1' if one_dimensional else '2'}-D input takes "
                f"{'one window size' if one_dimensional else 'one or two window sizes'}"
            )
        return size[0], size[1]
    return (1, size) if one_dimensional else (size, size)


def _stride(stride: int | None, window: tuple[int, int], one_dimensional: bool) -> int:
    """The stride, by default the window (PyTorch) — one number, so a square window."""
    if stride is not None:
        return stride
    if one_dimensional:
        return window[1]
    if window[0] != window[1]:
        raise ConventionError(
            f"a {window[0]}×{window[1]} window has no single default stride: give stride "
            "(one stride serves both axes)"
        )
    return window[0]


def _pool_case(rows: np.ndarray, window: tuple[int, int], stride: int) -> dict[str, int]:
    for axis, (length, k) in enumerate(zip(rows.shape, window, strict=True)):
        if k > length:
            raise ShapeError(
                f"window {k} is longer than axis {axis + 1} of the input (length {length}): "
                "pooling keeps whole windows only"
            )
    return {"K_1": window[0], "K_2": window[1], "s": stride}


def _batched(rows: np.ndarray) -> np.ndarray:
    return rows.reshape(1, 1, *rows.shape)


def _numeric_pool(values: np.ndarray, window: tuple[int, int], stride: int, kind: str) -> Any:
    """Pooling by NumPy's sliding windows (the reference of the checks; no rule involved)."""
    windows = np.lib.stride_tricks.sliding_window_view(values, window)[::stride, ::stride]
    return windows.max(axis=(-2, -1)) if kind == "max" else windows.mean(axis=(-2, -1))


def _answer(rows: Any, one_dimensional: bool) -> Any:
    matrix = sp.ImmutableMatrix(np.asarray(rows, dtype=object).tolist())
    return sp.Tuple(*matrix.row(0)) if one_dimensional else matrix


def _rule(kind: str) -> Any:
    from symconv.rules import get_rule

    return get_rule("max_pool2d" if kind == "max" else "avg_pool2d")


def _random_rows(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Distinct integers (no ties) of the given shape, as SymPy integers."""
    size = int(np.prod(shape))
    values = rng.permutation(np.arange(-size, size + 1))[:size].reshape(shape)
    return np.vectorize(sp.Integer, otypes=[object])(values)


def pool_forward(
    x: NumericTensor, size: Counts, stride: Count | None = None, kind: PoolKind = "max"
) -> Derivation:
    """Max or average pooling of given data (whole windows; stride defaults to the window)."""
    rows, one_dimensional = _as_rows(x)
    window = _window(size, one_dimensional)
    step = _stride(stride, window, one_dimensional)
    case = _pool_case(rows, window, step)
    rule = _rule(kind)
    values = rule.forward_formula.evaluate({"X": _batched(rows)}, case)
    result = np.asarray(values.tolist(), dtype=object)[0, 0]
    answer = _answer(result, one_dimensional)
    j1, j2, k1, k2 = sp.symbols("j_1 j_2 k_1 k_2", integer=True)
    X, Y = sp.IndexedBase("X"), sp.IndexedBase("Y")
    from symconv.core.notation import MaxOver

    tap = X[step * j1 + k1, step * j2 + k2]
    if kind == "max":
        definition: Any = MaxOver(tap, (k1, 0, window[0] - 1), (k2, 0, window[1] - 1))
    else:
        definition = sp.Sum(tap, (k1, 0, window[0] - 1), (k2, 0, window[1] - 1)) / (
            window[0] * window[1]
        )
    out_shape = result.shape
    steps = (
        Step(
            Y[j1, j2],
            definition,
            ":=",
            f"{kind} pooling, {window[0]}×{window[1]} windows, stride {step}",
        ),
        Step(
            sp.Symbol(r"\text{outputs}"),
            sp.Tuple(*out_shape),
            "=",
            "⌊(I − K)/s⌋ + 1 whole windows per axis",
        ),
        Step(sp.Symbol("Y"), answer, "=", "each window carried out"),
    )

    def against_numpy(rng: np.random.Generator) -> CheckResult:
        numeric = _numeric_pool(np.asarray(rows, dtype=float), window, step, kind)
        exact = np.asarray(result, dtype=float)
        passed = numeric.shape == exact.shape and bool(np.allclose(numeric, exact))
        return CheckResult("Y vs NumPy sliding windows", passed, f"{numeric.shape} outputs")

    def method_on_random_data(rng: np.random.Generator) -> CheckResult:
        other = _random_rows(rows.shape, rng)
        evaluated = rule.forward_formula.evaluate({"X": _batched(other)}, case)
        got = np.asarray(np.asarray(evaluated.tolist(), dtype=object)[0, 0], dtype=float)
        expected = _numeric_pool(np.asarray(other, dtype=float), window, step, kind)
        return CheckResult(
            "the rule on random data vs NumPy sliding windows",
            bool(np.allclose(got, expected)),
            f"random {rows.shape[0]}×{rows.shape[1]} input",
        )

    return Derivation(
        title=f"{'Max' if kind == 'max' else 'Average'} pooling",
        steps=steps,
        answer=answer,
        answer_lhs=sp.Symbol("Y"),
        conventions=(
            "0-based indices",
            "whole windows only, no padding (PyTorch, ceil_mode=False)",
            *(("a 1-D signal is pooled as one row",) if one_dimensional else ()),
        ),
        checks=(against_numpy, method_on_random_data),
        details={"rule": rule.name, "window": window, "stride": step},
    )


def _routed(
    rows: np.ndarray, upstream: np.ndarray, window: tuple[int, int], stride: int, kind: str
) -> list[list[Fraction]]:
    """∂J/∂X by loops: each window's upstream value to its first maximum (row-major, PyTorch's
    tie rule), or spread evenly over the window (average). Independent of the rule table."""
    gradient = [[Fraction(0)] * rows.shape[1] for _ in range(rows.shape[0])]
    for a in range(upstream.shape[0]):
        for b in range(upstream.shape[1]):
            cells = [
                (stride * a + r, stride * b + c) for r in range(window[0]) for c in range(window[1])
            ]
            g = Fraction(str(upstream[a, b]))
            if kind == "max":
                best = cells[0]
                for cell in cells[1:]:
                    if Fraction(str(rows[cell])) > Fraction(str(rows[best])):
                        best = cell
                gradient[best[0]][best[1]] += g
            else:
                for cell in cells:
                    gradient[cell[0]][cell[1]] += g / len(cells)
    return gradient


def pool_backward(
    x: NumericTensor,
    upstream: NumericTensor,
    size: Counts,
    stride: Count | None = None,
    kind: PoolKind = "max",
) -> Derivation:
    """∂J/∂X of max or average pooling on given data X and a given upstream ∂J/∂Y."""
    from symconv.rules.proof import evaluate_backward

    rows, one_dimensional = _as_rows(x)
    up_rows, up_one_dimensional = _as_rows(upstream)
    window = _window(size, one_dimensional)
    step = _stride(stride, window, one_dimensional)
    case = _pool_case(rows, window, step)
    out_shape = tuple((n - k) // step + 1 for n, k in zip(rows.shape, window, strict=True))
    if up_rows.shape != out_shape or up_one_dimensional != one_dimensional:
        shown = out_shape[1:] if one_dimensional else out_shape
        raise ShapeError(
            f"upstream has shape {list(np.shape(upstream))}; pooling this input with "
            f"{window[0]}×{window[1]} windows and stride {step} gives {list(shown)} outputs"
        )
    rule = _rule(kind)
    formula = rule.backward_formula("X")
    tensors = {"X": _batched(rows), "∂J/∂Y": _batched(up_rows)}
    result = evaluate_backward(formula, rule.definition_formulas, tensors, case)[0, 0]
    answer = _answer(result, one_dimensional)
    steps = (
        Step(formula.lhs, formula.rhs, "=", f"the rule {rule.name} (N = C = 1 here)"),
        Step(sp.Symbol(r"\frac{\partial J}{\partial Y}"), _answer(up_rows, one_dimensional)),
        Step(
            sp.Symbol(r"\frac{\partial J}{\partial X}"),
            answer,
            "=",
            "each window's gradient routed to its first maximum (row-major)"
            if kind == "max"
            else "each window's gradient spread evenly over its K_1 K_2 entries",
        ),
    )

    def against_loops(rng: np.random.Generator) -> CheckResult:
        expected = _routed(rows, up_rows, window, step, kind)
        got = [[Fraction(str(v)) for v in row] for row in np.asarray(result).tolist()]
        return CheckResult("∂J/∂X vs routing loops", got == expected, f"{len(got)} row(s)")

    def against_differences(rng: np.random.Generator) -> CheckResult:
        # The method at a random point without ties: the rule's backward against central
        # differences of NumPy's pooling (J = Σ G·Y).
        from symconv.core.gradcheck import check_gradient

        point = _random_rows(rows.shape, rng)
        g = _random_rows(out_shape, rng)
        at_point = {"X": _batched(point), "∂J/∂Y": _batched(g)}
        exact = evaluate_backward(formula, rule.definition_formulas, at_point, case)[0, 0]
        weights = np.asarray(g, dtype=float)

        def loss(values: np.ndarray) -> float:
            return float(np.sum(weights * _numeric_pool(values, window, step, kind)))

        outcome = check_gradient(
            loss,
            np.asarray(point, dtype=float),
            np.asarray(exact, dtype=float),
            seed=int(rng.integers(2**31)),
        )
        return CheckResult(
            "the rule at a random point vs central differences", outcome.passed, outcome.detail
        )

    return Derivation(
        title=f"Backward of {'max' if kind == 'max' else 'average'} pooling on given data",
        steps=steps,
        answer=answer,
        answer_lhs=sp.Symbol(r"\frac{\partial J}{\partial X}"),
        conventions=(
            "0-based indices",
            "whole windows only, no padding",
            *(
                ("at a tie the gradient goes to the first maximal entry (PyTorch)",)
                if kind == "max"
                else ()
            ),
        ),
        checks=(against_loops, against_differences),
        details={"rule": rule.name, "window": window, "stride": step},
    )


# ----------------------------------------------------------------------------------------------
# Gradients: the rule table, a convolution layer with any options, nndl 5-6/5-7
# ----------------------------------------------------------------------------------------------
def _rule_names() -> tuple[str, ...]:
    from symconv.rules import all_rules

    return tuple(rule.name for rule in all_rules())


def _rule_issue(value: Any) -> Issue | None:
    if not isinstance(value, str):
        return Issue(f'expected a rule name such as "max_pool2d", got {value!r}')
    names = _rule_names()
    if value not in names:
        return Issue(f"no rule {value!r}{did_you_mean(value, names)}; rules: {', '.join(names)}")
    return None


RULE = ArgKind(
    "rule",
    'a rule of the table: "conv2d", "max_pool2d", "sigmoid", "batch_norm", ... '
    "(symconv.rules.all_rules())",
    _rule_issue,
)


RuleName = Annotated[str, RULE]


def rule_gradient(rule: RuleName, wrt: Name, notation: Notation = "bracket") -> Derivation:
    """∂J/∂wrt of an operation of the rule table, derived and proven."""
    from symconv.rules import get_rule

    return get_rule(rule).gradient(wrt, notation=notation)


def conv_gradient(
    wrt: Literal["X", "W", "b"],
    dims: Literal[1, 2, 3] = 2,
    kernel: Sizes | None = None,
    stride: Sizes = 1,
    padding: Padding = 0,
    dilation: Sizes = 1,
    groups: Size = 1,
    op: Op = "correlation",
    batch: Flag = True,
    channels: Flag = True,
    notation: Notation = "bracket",
) -> Derivation:
    """A convolution layer's gradient, any options (:func:`symconv.rules.conv_gradients`)."""
    from symconv.rules import conv_gradients

    gradients = conv_gradients(
        dims,
        kernel_size=kernel,
        stride=stride,
        groups=groups,
        op=op,
        batch=batch,
        channels=channels,
        notation=notation,
        dilation=dilation,
        **({"mode": padding} if isinstance(padding, str) else {"padding": padding}),
    )
    if wrt not in gradients:
        raise ConventionError(
            f"wrt={wrt!r}: this layer has gradients for {', '.join(gradients)} (no bias without "
            "channels)"
        )
    return gradients[wrt]


def backward_as_transpose(
    input_size: ConcreteShape, kernel: ConcreteShape, base: Literal[0, 1] = 1
) -> Derivation:
    """nndl 5-7: the input gradient of a valid correlation is Cᵀ δ."""
    from symconv.rules import forward_backward_transpose_derivation

    return forward_backward_transpose_derivation(input_size, kernel, base=base)


def softmax_jacobian(classes: Count = 3, notation: Notation = "bracket") -> Derivation:
    """∂y/∂x of the softmax of one sample: diag(y) − y yᵀ."""
    from symconv.rules import softmax_jacobian_derivation

    return softmax_jacobian_derivation(classes, notation=notation)


def vector_max_gradient(
    size: Count = 3, of: Literal["max", "argmax"] = "max", base: Literal[0, 1] = 1
) -> Derivation:
    """nndl 5-6: the gradient of max(x) (the one-hot argmax) or of argmax(x) (zero)."""
    from symconv.rules import argmax_gradient_derivation, max_gradient_derivation

    derive = max_gradient_derivation if of == "max" else argmax_gradient_derivation
    return derive(size, base=base)
