"""Sub-sampling and pooling: exact vs naive reference vs numeric twin (NYU problem 5)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symconv.conv.pooling import (
    avg_pool,
    max_pool,
    max_pool_numeric,
    output_length,
    subsample,
    subsample_numeric,
)
from tests.reference import max_pool_1d, subsample_1d

NYU_X = [1, 2, 3, 2, 0, 10, 1, 0]


def test_nyu_problem_5():
    assert subsample(NYU_X, 2) == [1, 3, 0, 1]
    assert subsample(NYU_X, 2, offset=1) == [2, 2, 10, 0]  # the 1-based misreading
    assert max_pool(NYU_X, 2, 2) == [2, 3, 10, 1]


@pytest.mark.parametrize("n", range(1, 12))
@pytest.mark.parametrize("s", [1, 2, 3])
@pytest.mark.parametrize("p", [1, 2, 3])
def test_against_reference_and_twin(n, s, p):
    rng = np.random.default_rng(n * 100 + s * 10 + p)
    x = [int(v) for v in rng.integers(-9, 9, n)]
    assert subsample(x, s) == subsample_1d(x, s)
    assert max_pool(x, p, s) == max_pool_1d(x, p, s)
    np.testing.assert_array_equal(subsample_numeric(np.array(x), s), subsample_1d(x, s))
    np.testing.assert_array_equal(max_pool_numeric(np.array(x), p, s), max_pool_1d(x, p, s))
    assert output_length(n, s) == len(subsample_1d(x, s))


def test_output_length_is_ceil_not_floor():
    # ⌊(N−1)/s⌋ + 1 = ⌈N/s⌉ for all N ≥ 1; ⌊N/s⌋ differs when s does not divide N.
    for n in range(1, 30):
        for s in range(1, 6):
            assert output_length(n, s) == -(-n // s)
    assert output_length(5, 2) != 5 // 2


def test_numeric_along_an_axis_of_a_batch():
    x = np.arange(2 * 7 * 3).reshape(2, 7, 3).astype(float)  # (B, N, C)
    y = max_pool_numeric(x, 2, 2, axis=1)
    assert y.shape == (2, 4, 3)
    assert y[1, 3, 2] == x[1, 6, 2]
    assert subsample_numeric(x, 3, axis=1).shape == (2, 3, 3)


def test_average_pool_is_exact():
    assert avg_pool([1, 2, 4, 4], 2, 2) == [sp.Rational(3, 2), 4]
