"""Property tests (hypothesis): the engine's numeric paths agree with the naive references and with
each other on random geometries — not only on the grids written out in the other test files."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from symconv import ConvSpec, ShapeError, conv_matrix_sparse, conv_output_size, stencil
from symconv.conv.numeric import conv_forward
from tests.reference import conv_nd

geometry = st.fixed_dictionaries(
    {
        "size": st.tuples(st.integers(1, 7), st.integers(1, 7)),
        "kernel": st.tuples(st.integers(1, 3), st.integers(1, 3)),
        "stride": st.integers(1, 3),
        "dilation": st.integers(1, 2),
        "padding": st.tuples(st.integers(0, 2), st.integers(0, 2)),
        "flip": st.booleans(),
        "seed": st.integers(0, 2**16),
    }
)


def _fits(g: dict) -> bool:
    return all(
        n + 2 * p >= g["dilation"] * (k - 1) + 1
        for n, k, p in zip(g["size"], g["kernel"], g["padding"], strict=True)
    )


@settings(max_examples=60, deadline=None)
@given(geometry)
def test_numeric_twin_matches_the_naive_loops(g):
    spec_options = {
        "stride": g["stride"],
        "padding": list(g["padding"]),
        "dilation": g["dilation"],
        "op": "convolution" if g["flip"] else "correlation",
    }
    if not _fits(g):
        try:
            ConvSpec.make(g["kernel"], **spec_options).output_shape(g["size"])
        except ShapeError:
            return
        raise AssertionError("a kernel larger than the padded input was accepted")
    rng = np.random.default_rng(g["seed"])
    x = rng.standard_normal((1, 2, *g["size"]))
    w = rng.standard_normal((3, 2, *g["kernel"]))
    spec = ConvSpec.make(g["kernel"], **spec_options)
    expected = conv_nd(
        x, w, stride=(g["stride"],) * 2, padding=tuple((p, p) for p in g["padding"]),
        dilation=(g["dilation"],) * 2, flip=g["flip"],
    )  # fmt: skip
    np.testing.assert_allclose(conv_forward(spec, x, w), expected, rtol=1e-10, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(geometry)
def test_convolution_matrix_times_x_is_the_forward_pass(g):
    if not _fits(g):
        return
    rng = np.random.default_rng(g["seed"])
    x = rng.standard_normal(g["size"])
    w = rng.standard_normal(g["kernel"])
    options = {"stride": g["stride"], "padding": list(g["padding"]), "dilation": g["dilation"]}
    matrix = conv_matrix_sparse(g["size"], w, **options)
    spec = ConvSpec.make(g["kernel"], batch=False, channels=False, **options)
    np.testing.assert_allclose(matrix @ x.ravel(), conv_forward(spec, x, w).ravel(), atol=1e-12)


@settings(max_examples=80, deadline=None)
@given(
    st.integers(1, 40), st.integers(1, 6), st.integers(1, 4), st.integers(0, 3), st.integers(1, 3)
)
def test_output_size_counts_the_windows(i, k, s, p, d):
    windows = sum(1 for j in range(0, i + 2 * p) if j % s == 0 and j + d * (k - 1) < i + 2 * p)
    if windows == 0:
        try:
            conv_output_size(i, k, s, p, d)
        except ShapeError:
            return
        raise AssertionError("no window fits, yet a size was returned")
    assert conv_output_size(i, k, s, p, d).answer == windows


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.sampled_from([2, 4, 6]), st.sampled_from(["central", "forward"]))
def test_stencils_are_exact_on_polynomials_up_to_their_degree(derivative, accuracy, scheme):
    fd = stencil(derivative, accuracy, scheme=scheme)
    offsets = [o[0] if isinstance(o, tuple) else o for o in fd.offsets]
    top = derivative + fd.accuracy - 1  # exact on x^m for every m <= n + p - 1
    for m in range(top + 1):
        applied = sum(w * o**m for w, o in zip(fd.weights, offsets, strict=True))
        exact = 0 if m < derivative else _falling(m, derivative) * 0 ** (m - derivative)
        assert applied == exact, (m, applied, exact)


def _falling(m: int, n: int) -> int:
    out = 1
    for j in range(n):
        out *= m - j
    return out
