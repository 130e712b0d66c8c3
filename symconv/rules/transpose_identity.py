"""nndl exercise 5-7: the forward and backward passes of a convolution are transposes of each other.

Forward: ``vec(z) = C vec(x)`` with the convolution matrix C (nndl eq. 5.45). Backward: the
chain rule gives ``∂J/∂x_i = Σ_j (∂z_j/∂x_i) ∂J/∂z_j = (Cᵀ δz)_i``, so ``δx = Cᵀ δz``. And
multiplying by ``Cᵀ`` is a *wide* (full) convolution of ``δz`` with the kernel — a correlation of
the zero-padded ``δz`` with the kernel rotated by 180° — which is what the differentiator
produces from the index form, ``∂J/∂x[i, j] = Σ_{u,v} ∂J/∂z[i − u, j − v] w[u, v]`` (terms
outside ``z`` dropped). The derivation shows all three and checks them equal, exactly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import sympy as sp

from symconv.conv.forms import convolve, correlate
from symconv.conv.matrix import conv_matrix
from symconv.core.derivation import CheckResult, Derivation, Step
from symconv.core.latex import Notation
from symconv.core.tensors import entries
from symconv.errors import ShapeError


def _vec(tensor: sp.MatrixBase | sp.NDimArray) -> sp.ImmutableMatrix:
    return sp.ImmutableMatrix(list(sp.flatten(tensor.tolist())))


def _as_tensor(values: Sequence[sp.Expr], shape: tuple[int, ...]) -> sp.ImmutableMatrix | sp.Array:
    if len(shape) == 2:
        return sp.ImmutableMatrix(shape[0], shape[1], list(values))
    return sp.ImmutableDenseNDimArray(list(values), shape)


def forward_backward_transpose_derivation(
    input_shape: Sequence[int] = (3, 3),
    kernel_shape: Sequence[int] = (2, 2),
    *,
    notation: Notation = "subscript",
    base: int = 1,
) -> Derivation:
    """nndl 5-7 as a :class:`~symconv.core.derivation.Derivation` (module docstring), for a
    single-channel valid correlation of an ``input_shape`` input with a ``kernel_shape`` kernel
    (1-d or 2-d), entries named ``x_{11}``, ``w_{11}``, ``δ_{11}`` from ``base``.

    The answer is ``δx = Cᵀ δz`` as a tensor of x's shape.

    >>> d = forward_backward_transpose_derivation((3,), (2,))
    >>> d.answer
    [\\delta_{1}*w_{1}, \\delta_{1}*w_{2} + \\delta_{2}*w_{1}, \\delta_{2}*w_{2}]
    >>> d.check().passed
    True
    >>> print(d.steps[0].lhs_latex(), "&=", d.steps[0].rhs_latex())
    \\operatorname{vec}{\\left(z \\right)} &= C \\operatorname{vec}{\\left(x \\right)}
    """
    input_shape, kernel_shape = tuple(input_shape), tuple(kernel_shape)
    dims = len(input_shape)
    if dims not in (1, 2) or len(kernel_shape) != dims:
        raise ShapeError(
            f"input {input_shape} and kernel {kernel_shape}: give a 1-d or 2-d input and a "
            "kernel with as many axes"
        )
    output_shape = tuple(i - k + 1 for i, k in zip(input_shape, kernel_shape, strict=True))
    if min(output_shape) < 1:
        raise ShapeError(f"kernel {kernel_shape} is larger than the input {input_shape}")
    from symconv.rules.conv import SUBSCRIPT_INDICES, conv_rule

    C = conv_matrix(input_shape, kernel_shape, base=base)
    w = entries("w", kernel_shape, base=base)
    delta = entries(r"\delta", output_shape, base=base)
    delta_vec = _vec(delta)
    back = sp.ImmutableMatrix(C.T * delta_vec)
    answer = _as_tensor(list(back), input_shape)

    rule = conv_rule(
        dims=dims,
        batch=False,
        channels=False,
        tensor_names={"X": "x", "W": "w", "Z": "z"},
        index_names=SUBSCRIPT_INDICES,
    )
    engine = rule.engine_derivation("x")
    forward = rule.forward_formula
    vec = sp.Function("vec")
    x, z, C_symbol = sp.Symbol("x"), sp.Symbol("z"), sp.Symbol("C")
    delta_x, delta_z = sp.Symbol(r"\delta x"), sp.Symbol(r"\delta z")
    transpose = sp.Symbol(r"C^{\top}")
    steps = [
        Step(vec(z), C_symbol * vec(x), ":=", "forward: the layer as a matrix product"),
        Step(C_symbol, sp.ImmutableMatrix(C), "=", "the convolution matrix (nndl eq. 5.45)"),
        Step(forward.lhs, forward.rhs, ":=", "the same layer in index form"),
        *engine.steps,
        Step(
            vec(delta_x),
            transpose * vec(delta_z),
            "=",
            "chain rule: dJ/dx_i = sum_j (dz_j/dx_i) dJ/dz_j, and dz_j/dx_i = C_ji",
        ),
        Step(None, back, "=", "carried out"),
        Step(
            delta_x,
            answer,
            "=",
            "a wide (full) convolution of delta z with w: the padded delta z correlated with "
            "w rotated by 180 degrees",
        ),
    ]

    def engine_agrees(rng: np.random.Generator) -> CheckResult:
        tensors = {"w": _array(w), "∂J/∂z": _array(delta)}
        values = {str(s): v for s, v in zip(("I_1", "I_2"), input_shape, strict=False)}
        if dims == 1:
            values = {"I": input_shape[0]}
        closed = engine.details["backward"].evaluate(tensors, values)
        same = list(sp.flatten(closed.tolist())) == list(back)
        return CheckResult(
            "Cᵀ δz == the differentiator's closed form",
            same,
            f"{input_shape} input, {kernel_shape} kernel, entry by entry",
        )

    def full_convolution(rng: np.random.Generator) -> CheckResult:
        wide = convolve(delta, w, mode="full")
        same = _vec(sp.ImmutableDenseNDimArray(wide)) == back
        return CheckResult("Cᵀ δz == full convolution of δz with w", same, "exact")

    def rotated_correlation(rng: np.random.Generator) -> CheckResult:
        rotated = _rotate(w)
        padded = _pad(delta, [k - 1 for k in kernel_shape])
        same = _vec(sp.ImmutableDenseNDimArray(correlate(padded, rotated))) == back
        return CheckResult("Cᵀ δz == padded δz correlated with rot180(w)", same, "exact")

    return Derivation(
        title="Forward and backward passes are transposes (nndl 5-7)",
        steps=tuple(steps),
        answer=answer,
        answer_lhs=delta_x,
        conventions=(
            "cross-correlation (no kernel flip), valid, stride 1, one channel",
            "vec is row-major",
            f"entry names are {base}-based; index forms are 0-based",
            "δz = ∂J/∂z is the given gradient of the loss J with respect to z",
        ),
        checks=(engine_agrees, full_convolution, rotated_correlation),
        notation=notation,
        details={"C": C, "engine": engine, "rule": rule},
    )


def _array(tensor: sp.MatrixBase | sp.NDimArray) -> sp.ImmutableDenseNDimArray:
    return sp.ImmutableDenseNDimArray(tensor.tolist(), tensor.shape)


def _rotate(tensor: sp.MatrixBase | sp.NDimArray) -> sp.ImmutableDenseNDimArray:
    array = np.array(tensor.tolist(), dtype=object)
    flipped = array[tuple(slice(None, None, -1) for _ in range(array.ndim))]
    return sp.ImmutableDenseNDimArray(flipped.tolist(), flipped.shape)


def _pad(tensor: sp.MatrixBase | sp.NDimArray, widths: Sequence[int]) -> sp.ImmutableDenseNDimArray:
    array = np.array(tensor.tolist(), dtype=object)
    padded = np.pad(array, [(w, w) for w in widths], constant_values=sp.Integer(0))
    return sp.ImmutableDenseNDimArray(padded.tolist(), padded.shape)


__all__ = ["forward_backward_transpose_derivation"]
