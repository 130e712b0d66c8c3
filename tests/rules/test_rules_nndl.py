"""nndl 5-6 (gradients of max and argmax of a vector) and nndl 5-7 (the forward and backward
passes of a convolution are transposes) as derivations: exact answers, LaTeX, checks."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symconv.conv.forms import convolve
from symconv.conv.matrix import conv_matrix
from symconv.core.tensors import entries
from symconv.rules import (
    argmax_gradient_derivation,
    forward_backward_transpose_derivation,
    max_gradient_derivation,
)


@pytest.mark.parametrize("size", [2, 3, 5])
def test_max_gradient_is_the_one_hot_of_the_first_argmax(size: int) -> None:
    d = max_gradient_derivation(size)
    x = sorted(d.answer.free_symbols, key=lambda s: int(str(s)[3:-1]))
    rng = np.random.default_rng(size)
    for _ in range(4):
        values = [
            sp.Rational(int(v), 3) for v in rng.permutation(np.arange(-size, size + 1))[:size]
        ]
        point = dict(zip(x, values, strict=True))
        got = [d.answer[n].xreplace(point) for n in range(size)]
        expected = [sp.diff(sp.Max(*x), v).xreplace(point) for v in x]
        assert got == expected
        assert got.index(1) == int(np.argmax([float(v) for v in values]))
    tie = {v: sp.Integer(7) for v in x}
    assert [d.answer[n].xreplace(tie) for n in range(size)] == [1] + [0] * (size - 1)
    assert d.check().passed


def test_max_gradient_latex_in_subscript_notation() -> None:
    d = max_gradient_derivation(3)
    text = d.latex()
    assert r"y &:= \max\left(x_{1}, x_{2}, x_{3}\right)" in text
    assert r"\left[x_{1} \geq x_{2} \wedge x_{1} \geq x_{3}\right]" in d.answer_latex()
    assert d.to_json()["answer_srepr"].startswith("ImmutableDenseMatrix")


def test_argmax_gradient_is_zero_almost_everywhere() -> None:
    d = argmax_gradient_derivation(4)
    assert d.answer == sp.ImmutableMatrix.zeros(4, 1)
    assert any("almost everywhere" in c for c in d.conventions)
    report = d.check(np.random.default_rng(1))
    assert report.passed, report.summary()
    assert [r.name for r in report.results] == [
        "∂argmax/∂x == 0 by central differences",
        "argmax jumps at a tie",
    ]


@pytest.mark.parametrize(
    ("input_shape", "kernel_shape"), [((4,), (2,)), ((3, 3), (2, 2)), ((3, 4), (2, 3))]
)
def test_backward_is_c_transpose_and_a_full_convolution(
    input_shape: tuple[int, ...], kernel_shape: tuple[int, ...]
) -> None:
    d = forward_backward_transpose_derivation(input_shape, kernel_shape)
    output_shape = tuple(i - k + 1 for i, k in zip(input_shape, kernel_shape, strict=True))
    delta = entries(r"\delta", output_shape, base=1)
    C = conv_matrix(input_shape, kernel_shape, base=1)
    back = list(C.T * sp.Matrix(list(sp.flatten(delta.tolist()))))
    assert list(sp.flatten(d.answer.tolist())) == back
    full = convolve(delta, entries("w", kernel_shape, base=1), mode="full")
    assert list(sp.flatten(sp.Array(full).tolist())) == back
    assert d.check().passed


def test_transpose_derivation_shows_the_matrix_the_differentiator_and_the_transpose() -> None:
    d = forward_backward_transpose_derivation((3, 3), (2, 2))
    text = d.latex()
    assert r"C^{\top} \operatorname{vec}{\left(\delta z \right)}" in text
    assert r"\frac{\partial J}{\partial z_{i - u,j - v}} w_{u,v}" in text
    assert "Kronecker deltas fix" in text
    assert d.details["C"].shape == (4, 9)


def test_transpose_derivation_refuses_bad_shapes() -> None:
    with pytest.raises(ValueError, match="larger than the input"):
        forward_backward_transpose_derivation((2,), (3,))
    with pytest.raises(ValueError, match="1-d or 2-d"):
        forward_backward_transpose_derivation((2, 2, 2), (1, 1, 1))
