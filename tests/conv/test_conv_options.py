"""One options type for a convolution layer (issue 19, item 7): ConvOptions is declared once, every
function that takes a layer's geometry accepts it as keyword arguments (as before) or unpacked
from one ConvOptions, and none re-declares the list in its signature."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
import sympy as sp

from symconv import ConvOptions
from symconv.conv.forms import conv_forward_derivation, conv_index_form, convolve, correlate
from symconv.conv.geometry import CONV_DEFAULTS, ConvSpec
from symconv.conv.matrix import (
    ConvMatrixOptions,
    conv_matrix,
    conv_matrix_derivation,
    conv_matrix_geometry,
    conv_matrix_sparse,
)
from symconv.conv.transposed import conv_transpose
from symconv.rules.conv import conv_gradients, conv_rule

FUNCTIONS = [
    ConvSpec.make,
    conv_matrix_geometry,
    conv_matrix,
    conv_matrix_sparse,
    conv_matrix_derivation,
    conv_index_form,
    correlate,
    convolve,
    conv_forward_derivation,
    conv_transpose,
    conv_rule,
    conv_gradients,
]


def test_the_options_are_declared_once():
    assert set(ConvOptions.__annotations__) == set(CONV_DEFAULTS)
    assert set(ConvMatrixOptions.__annotations__) == {*CONV_DEFAULTS, "vec_order"}


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__qualname__)
def test_no_signature_repeats_the_list(function):
    parameters = inspect.signature(function).parameters
    assert not set(parameters) & set(CONV_DEFAULTS), function.__qualname__
    assert any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


def test_keyword_arguments_and_one_options_value_give_the_same_layer():
    options = ConvOptions(stride=2, padding=1, dilation=1)
    x = np.arange(25.0).reshape(5, 5)
    w = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert np.array_equal(correlate(x, w, **options), correlate(x, w, stride=2, padding=1))
    assert np.array_equal(
        conv_matrix_sparse((5, 5), w, **options).toarray(),
        conv_matrix_sparse((5, 5), w, stride=2, padding=1).toarray(),
    )
    assert conv_matrix((4,), (2,), **ConvOptions(stride=2)) == conv_matrix((4,), (2,), stride=2)
    spec = ConvSpec.make(3, dims=2, **options)
    assert spec.stride == (2, 2) and spec.padding == ((1, 1), (1, 1))
    form = conv_index_form(1, batch=False, **ConvOptions(stride=2, padding=1))
    assert "2 j + k - 1" in form.latex()


def test_correlation_and_convolution_agree_with_a_naive_loop_through_the_options():
    # a 1-d reference written here (no symconv): z[j] = Σ_k w[k] x[s j + d k − p]
    x, w = [3, -1, 4, 1, -5, 9, 2], [2, -1, 3]
    for stride, padding, dilation in [(1, 0, 1), (2, 1, 1), (1, 2, 2), (3, 0, 2)]:
        size = (len(x) + 2 * padding - dilation * (len(w) - 1) - 1) // stride + 1
        expected = [
            sum(
                w[k] * (x[p] if 0 <= (p := stride * j + dilation * k - padding) < len(x) else 0)
                for k in range(len(w))
            )
            for j in range(size)
        ]
        options = ConvOptions(stride=stride, padding=padding, dilation=dilation)
        assert list(correlate(x, w, **options)) == expected
        assert list(convolve(x, w[::-1], **options)) == expected


@pytest.mark.parametrize(
    "call",
    [
        lambda: correlate([1, 2, 3], [1, 1], strid=2),
        lambda: conv_matrix((3,), (2,), pading=1),
        lambda: ConvSpec.make(2, dims=1, dilaton=2),
        lambda: conv_rule(dims=1, stides=2),
    ],
)
def test_a_misspelt_option_is_refused_as_a_keyword_argument(call):
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        call()


def test_options_a_function_does_not_take_are_refused():
    with pytest.raises(TypeError, match=r"correlate\(\) got an unexpected keyword argument 'op'"):
        correlate([1, 2, 3], [1, 1], op="convolution")
    with pytest.raises(TypeError, match=r"conv_transpose\(\) .* 'mode'"):
        conv_transpose(sp.Matrix([[1, 2]]), sp.Matrix([[1, 1]]), mode="same")


def test_the_gradients_take_the_same_options():
    grads = conv_gradients(1, batch=False, channels=False, **ConvOptions(stride=2))
    assert set(grads) == {"X", "W"}
    assert grads["X"].check().passed
