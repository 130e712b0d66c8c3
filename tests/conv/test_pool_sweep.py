"""Pooling sizes swept exhaustively against PyTorch's rule, and pooling errors as ShapeErrors.

Every layer with input 1..8, window 1..4, stride 1..4, padding 0..k//2, dilation 1..2, in floor
and ceil mode: ``pool_output_size`` must give what ``torch.nn.MaxPool1d`` gives (when torch is
installed), and always what an independent count of window positions gives, written here from
PyTorch's documentation rather than from symconv's formula. A layer PyTorch refuses must be a
``ShapeError``.
"""

from __future__ import annotations

from functools import cache
from itertools import product

import numpy as np
import pytest

from symconv.conv.pooling import avg_pool, max_pool, max_pool_numeric, subsample, subsample_numeric
from symconv.errors import ShapeError
from symconv.sizes.shapes import pool_output_size

#: (input, kernel, stride, padding, dilation, ceil_mode): every small layer PyTorch may accept.
SWEEP = [
    (i, k, s, p, d, ceil)
    for i, k, s, d in product(range(1, 9), range(1, 5), range(1, 5), range(1, 3))
    for p in range(k // 2 + 1)
    for ceil in (False, True)
]


def documented_length(i: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """Count the windows of ``MaxPool1d`` one by one (0 when there is none).

    PyTorch's documentation: the input gets ``p`` entries on each side, windows of extent
    ``d(k − 1) + 1`` start at ``0, s, 2s, …`` of the padded input, and
    ``L_out = ⌊(L_in + 2p − d(k − 1) − 1)/s + 1⌋``, with ⌈…⌉ instead of ⌊…⌋ in ceil mode. Read as
    a rule on windows: in floor mode a window counts when it lies inside the padded input; in ceil
    mode the rounding up admits a window that runs past the padded end by at most ``s − 1``
    positions, and "sliding windows are allowed to go off-bounds if they start within the left
    padding or the input; sliding windows that would start in the right padded region are
    ignored": the last window must start inside the input or the left padding.
    """
    padded_end = i + 2 * p  # one past the last padded position
    overhang_allowed = s - 1 if ceil_mode else 0
    count = 0
    for start in range(0, padded_end + s * (k + 2), s):
        last_tap = start + d * (k - 1)
        fits = last_tap - (padded_end - 1) <= overhang_allowed
        starts_inside = start < p + i  # left padding [0, p) or input [p, p + i)
        if fits and (starts_inside or not ceil_mode):
            count += 1
    return count


@cache
def _symconv_length(i: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """symconv's answer, or 0 when it refuses the layer (always with a ShapeError)."""
    try:
        derivation = pool_output_size(i, k, s, p, d, ceil_mode=ceil_mode)
    except ShapeError:
        return 0
    assert derivation.check().passed, (i, k, s, p, d, ceil_mode)
    return int(derivation.answer)


def test_the_documented_rule_on_the_examples_of_the_issue():
    assert documented_length(1, 2, 2, 0, 1, ceil_mode=True) == 1  # one window, runs past the end
    assert documented_length(1, 2, 2, 0, 1, ceil_mode=False) == 0
    assert documented_length(5, 2, 2, 0, 1, ceil_mode=True) == 3
    assert documented_length(2, 2, 3, 1, 1, ceil_mode=True) == 1  # the 2nd starts in the padding


def test_pool_output_size_against_the_documented_count():
    wrong = [
        (layer, _symconv_length(*layer), documented_length(*layer))
        for layer in SWEEP
        if _symconv_length(*layer) != documented_length(*layer)
    ]
    assert not wrong, wrong[:10]


def test_the_window_longer_than_the_input_of_the_issue():
    assert pool_output_size(1, 2, ceil_mode=True).answer == 1
    with pytest.raises(ShapeError, match=r"by at most s − 1 = 1, .* runs past it by 2"):
        pool_output_size(1, 3, 2, ceil_mode=True)


def test_pool_output_size_against_torch_max_pool1d():
    torch = pytest.importorskip("torch", reason="PyTorch is the reference for its own shape rule")
    wrong = []
    for i, k, s, p, d, ceil_mode in SWEEP:
        layer = torch.nn.MaxPool1d(k, s, p, d, ceil_mode=ceil_mode)
        try:
            expected = layer(torch.zeros(1, 1, i)).shape[-1]
        except RuntimeError:  # "Output size is too small"
            expected = 0
        got = _symconv_length(i, k, s, p, d, ceil_mode)
        if got != expected:
            wrong.append(((i, k, s, p, d, ceil_mode), got, expected))
    assert not wrong, wrong[:10]


# ----------------------------------------------------------------------------------------------
# The numeric twins refuse what the exact functions refuse, with the same ShapeError
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("length", "size", "stride", "truncate"),
    [
        (2, 3, 1, False),  # a window longer than the input, whole windows only
        (4, 2, 0, True),  # stride 0
        (4, 2, 0, False),
        (4, 0, 1, True),  # pool size 0
        (1, 1, -1, True),
    ],
)
def test_max_pool_numeric_raises_what_max_pool_raises(length, size, stride, truncate):
    values = list(range(length))
    with pytest.raises(ShapeError) as exact:
        max_pool(values, size, stride, truncate=truncate)
    with pytest.raises(ShapeError) as numeric:
        max_pool_numeric(np.array(values, dtype=float), size, stride, truncate=truncate)
    assert str(numeric.value) == str(exact.value)


def test_subsample_numeric_refuses_stride_0_as_subsample_does():
    with pytest.raises(ShapeError, match="stride s=0") as exact:
        subsample([1, 2, 3], 0)
    with pytest.raises(ShapeError) as numeric:
        subsample_numeric(np.arange(3.0), 0)
    assert str(numeric.value) == str(exact.value)


def test_avg_pool_names_the_window_that_does_not_fit():
    with pytest.raises(ShapeError, match="pool size p=4 exceeds the input length N=3"):
        avg_pool([1, 2, 3], 4, 1)


def test_the_numeric_twin_still_agrees_where_both_succeed():
    for length, size, stride, truncate in product(range(1, 7), range(1, 4), range(1, 4), [1, 0]):
        if not truncate and size > length:
            continue
        values = np.random.default_rng(length).normal(size=length)
        exact = max_pool(list(values), size, stride, truncate=bool(truncate))
        numeric = max_pool_numeric(values, size, stride, truncate=bool(truncate))
        assert numeric.tolist() == [float(v) for v in exact]
