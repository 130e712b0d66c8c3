"""``correlate``/``convolve``: NumPy in, NumPy out; text refused; ``mode="same"`` against SciPy.

With an even kernel a "same" layer pads one zero more on one side, and libraries disagree about
which: symconv puts it at the end by default for both operations (PyTorch's ``padding="same"``),
so ``convolve(x, w) == correlate(x, flip(w))`` holds in every mode. SciPy's convolutions
(``scipy.signal.convolve``, ``convolve2d``, ``np.convolve``) and ``scipy.signal.correlate`` take
the middle of the full output, which is ``same_extra="start"``; only ``correlate2d`` matches the
default. README's Conventions states this table; these tests hold it.
"""

from __future__ import annotations

from itertools import product

import numpy as np
import pytest
import scipy.signal
import sympy as sp

from symconv.conv.forms import convolve, correlate
from symconv.errors import ShapeError

RNG = np.random.default_rng(19)

#: (length of x, length of the kernel), kernel no longer than x.
SIZES_1D = [(n, k) for n, k in product(range(1, 9), range(1, 6)) if k <= n]


def _pair(n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    return RNG.normal(size=n), RNG.normal(size=k)


@pytest.mark.parametrize(("n", "k"), SIZES_1D)
def test_convolve_same_start_is_scipy_convolve(n, k):
    x, w = _pair(n, k)
    ours = convolve(x, w, mode="same", same_extra="start")
    np.testing.assert_allclose(ours, scipy.signal.convolve(x, w, mode="same"), atol=1e-12)
    np.testing.assert_allclose(ours, np.convolve(x, w, mode="same"), atol=1e-12)
    np.testing.assert_allclose(
        ours, scipy.signal.convolve2d(x[None], w[None], mode="same")[0], atol=1e-12
    )


@pytest.mark.parametrize(("n", "k"), SIZES_1D)
def test_convolve_same_default_differs_from_scipy_exactly_for_even_kernels(n, k):
    x, w = _pair(n, k)
    same_as_scipy = np.allclose(
        convolve(x, w, mode="same"), scipy.signal.convolve(x, w, mode="same"), atol=1e-12
    )
    assert same_as_scipy == (k % 2 == 1)


@pytest.mark.parametrize(("n", "k"), SIZES_1D)
def test_correlate_same_end_is_correlate2d_and_start_is_scipy_correlate(n, k):
    x, w = _pair(n, k)
    np.testing.assert_allclose(
        correlate(x, w, mode="same"),
        scipy.signal.correlate2d(x[None], w[None], mode="same")[0],
        atol=1e-12,
    )
    np.testing.assert_allclose(
        correlate(x, w, mode="same", same_extra="start"),
        scipy.signal.correlate(x, w, mode="same"),
        atol=1e-12,
    )


@pytest.mark.parametrize("extra", ["end", "start"])
def test_convolve_is_correlate_with_the_flipped_kernel_in_same_mode(extra):
    for n, k in SIZES_1D:
        x, w = _pair(n, k)
        np.testing.assert_allclose(
            convolve(x, w, mode="same", same_extra=extra),
            correlate(x, w[::-1], mode="same", same_extra=extra),
            atol=1e-12,
        )


def test_convolve_same_2d_even_kernel_against_scipy():
    x, w = RNG.normal(size=(5, 6)), RNG.normal(size=(2, 4))
    expected = scipy.signal.convolve(x, w, mode="same")
    np.testing.assert_allclose(convolve(x, w, mode="same", same_extra="start"), expected)
    np.testing.assert_allclose(scipy.signal.convolve2d(x, w, mode="same"), expected)
    assert not np.allclose(convolve(x, w, mode="same"), expected)


def test_exact_convolve_same_start_is_scipy_on_integers():
    x, w = [3, 1, 4, 1, 5, 9], [2, -7, 1, 8]
    exact = convolve(x, w, mode="same", same_extra="start")
    assert list(exact) == [int(v) for v in scipy.signal.convolve(x, w, mode="same")]


# ----------------------------------------------------------------------------------------------
# NumPy in, NumPy out
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("operation", [correlate, convolve])
def test_a_float_array_and_a_list_give_a_numpy_array(operation):
    x, w = np.array([1.0, 2.0, 4.0, 8.0]), [1, -1]
    for result in (operation(x, w), operation(list(x), np.array(w, dtype=float))):
        assert isinstance(result, np.ndarray) and result.dtype == np.float64
        np.testing.assert_allclose(result, operation(x, np.array(w, dtype=float)))


def test_float32_stays_float32_with_a_list_of_sympy_numbers():
    result = correlate(np.array([1.0, 2, 3], dtype=np.float32), [sp.Rational(1, 2), sp.Integer(1)])
    assert result.dtype == np.float32
    np.testing.assert_allclose(result, [2.5, 4.0])


def test_a_list_bias_joins_the_numeric_call():
    x, w = np.ones((1, 4)), np.ones((2, 1, 2))
    result = correlate(x, w, [10, 20])
    assert isinstance(result, np.ndarray)
    np.testing.assert_allclose(result, [[12.0] * 3, [22.0] * 3])


def test_symbols_keep_the_exact_path():
    a = sp.Symbol("a")
    result = correlate(np.array([1.0, 2.0]), [a])
    assert isinstance(result, sp.NDimArray) and result[1] == 2.0 * a


def test_integer_arrays_with_lists_stay_exact():
    result = correlate(np.array([1, 2, 3]), [1, -1])
    assert list(result) == [-1, -1] and all(isinstance(v, sp.Integer) for v in result)


@pytest.mark.parametrize(
    ("x", "w", "name"),
    [(["a"], [1], "x"), (np.ones(3), ["a"], "w"), ([1, 2], "ab", "w")],
)
def test_text_is_refused_with_a_shape_error(x, w, name):
    with pytest.raises(ShapeError, match=f"^{name} contains the text"):
        correlate(x, w)
