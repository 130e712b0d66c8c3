"""``print(derivation)`` and ``repr(derivation)``: one short line, however large the result."""

from __future__ import annotations

import sympy as sp

from symconv.conv.matrix import conv_matrix_derivation
from symconv.core.derivation import SHORT_ANSWER_CHARACTERS, Derivation, Step
from symconv.grad.differentiate import derive_backward
from symconv.sizes.shapes import conv_output_size


def test_a_big_convolution_matrix_prints_in_one_short_line():
    derivation = conv_matrix_derivation((8, 8), (3, 3))
    assert str(derivation) == (
        "The convolution matrix: vec(z) = C vec(x): C = 36×64 ImmutableDenseMatrix (5 steps)"
    )
    assert repr(derivation) == (
        "<Derivation 'The convolution matrix: vec(z) = C vec(x)': "
        "C = 36×64 ImmutableDenseMatrix, 5 steps>"
    )


def test_a_small_answer_is_shown_whole():
    derivation = conv_output_size(48, 3)
    assert str(derivation) == "Output size of a convolution: o = 46 (3 steps)"


def test_a_long_expression_is_cut():
    derivation = derive_backward("Z[i,m,j] = b[m] + sum(W[m,n,k] * X[i,n,j+k])", wrt="X")
    text = repr(derivation)
    assert text.startswith("<Derivation 'Backward pass of Z with respect to X': ∂J/∂X[i, n, j] = ")
    assert text.endswith("…, 4 steps>")
    assert len(text) < len(derivation.title) + 2 * SHORT_ANSWER_CHARACTERS + 40


def test_no_steps_and_one_step():
    assert repr(Derivation("t", (), sp.Integer(1))) == "<Derivation 't': 1, 0 steps>"
    one = Derivation("t", (Step(None, sp.Integer(2)),), sp.Integer(2))
    assert str(one) == "t: 2 (1 step)"
