"""Shape arithmetic: exact symbolic relationships, brute-force references, PyTorch, errors."""

from __future__ import annotations

from itertools import product

import numpy as np
import pytest
import sympy as sp

from symconv.conv.geometry import ConvSpec
from symconv.errors import ShapeError, SymconvError
from symconv.sizes.shapes import (
    CONV_OUTPUT,
    CONV_OUTPUT_ASYMMETRIC,
    DILATED_EXTENT,
    OUTPUT_PADDING,
    TRANSPOSED_OUTPUT,
    a_,
    conv_output_shape,
    conv_output_size,
    d_,
    dilated_kernel_extent,
    i_,
    i_prime_,
    k_,
    output_padding_for,
    p_,
    p_after_,
    p_before_,
    pool_output_shape,
    pool_output_size,
    receptive_field,
    s_,
    same_padding,
    transposed_equivalent_padding,
    transposed_output_shape,
    transposed_output_size,
)
from tests import reference_shapes as ref

i, k, s, p, d, t, q, a = sp.symbols("i k s p d t q a", integer=True, positive=True)
i_prime = sp.Symbol("i'", integer=True, positive=True)

# A small grid of legal and illegal sizes, shared by the brute-force comparisons.
GRID = list(product(range(1, 10), range(1, 5), range(1, 4), range(0, 3), range(1, 3)))


# ----------------------------------------------------------------------------------------------
# Dumoulin & Visin's 15 relationships, symbolically (conv-arith-1 ... conv-arith-15)
# ----------------------------------------------------------------------------------------------
RELATIONSHIPS = [
    ("conv-arith-1", lambda: conv_output_size(i, k).answer, i - k + 1),
    ("conv-arith-2", lambda: conv_output_size(i, k, 1, p).answer, i - k + 2 * p + 1),
    ("conv-arith-3", lambda: conv_output_size(i, 2 * t + 1, 1, t).answer, i),
    ("conv-arith-4", lambda: conv_output_size(i, k, 1, k - 1).answer, i + k - 1),
    ("conv-arith-5", lambda: conv_output_size(i, k, s).answer, sp.floor((i - k) / s) + 1),
    (
        "conv-arith-6",
        lambda: conv_output_size(i, k, s, p).answer,
        sp.floor((i + 2 * p - k) / s) + 1,
    ),
    ("conv-arith-7", lambda: pool_output_size(i, k, s).answer, sp.floor((i - k) / s) + 1),
    ("conv-arith-8", lambda: transposed_output_size(i_prime, k).answer, i_prime + k - 1),
    (
        "conv-arith-9",
        lambda: transposed_output_size(i_prime, k, 1, p).answer,
        i_prime + k - 1 - 2 * p,
    ),
    ("conv-arith-10", lambda: transposed_output_size(i_prime, 2 * t + 1, 1, t).answer, i_prime),
    (
        "conv-arith-11",
        lambda: transposed_output_size(i_prime, k, 1, k - 1).answer,
        i_prime - k + 1,
    ),
    (
        "conv-arith-12",
        lambda: transposed_output_size(i_prime, k, s).answer,
        s * (i_prime - 1) + k,
    ),
    (
        "conv-arith-13",
        lambda: transposed_output_size(i_prime, k, s, p).answer,
        s * (i_prime - 1) + k - 2 * p,
    ),
    (
        "conv-arith-14",
        lambda: transposed_output_size(i_prime, k, s, p, output_padding=a).answer,
        s * (i_prime - 1) + a + k - 2 * p,
    ),
    (
        "conv-arith-15",
        lambda: conv_output_size(i, k, s, p, d).answer,
        sp.floor((i + 2 * p - k - (k - 1) * (d - 1)) / s) + 1,
    ),
]


@pytest.mark.parametrize(
    "name,derive,expected", RELATIONSHIPS, ids=[row[0] for row in RELATIONSHIPS]
)
def test_relationship_holds_symbolically(name, derive, expected):
    assert sp.expand(derive() - expected) == 0


def test_relationship_3_with_p_written_as_floor_of_half_k():
    # Half padding is p = ⌊k/2⌋; with k = 2t + 1 SymPy reduces it to t by itself.
    assert conv_output_size(i, 2 * t + 1, 1, sp.floor((2 * t + 1) / 2)).answer == i


@pytest.mark.parametrize(
    "k_value,p_value,expected",
    [
        (k, 0, k - 1),  # conv-arith-8: p' = k − 1
        (k, p, k - p - 1),  # conv-arith-9
        (2 * t + 1, t, t),  # conv-arith-10: p' = p
        (k, k - 1, 0),  # conv-arith-11: p' = 0
    ],
)
def test_equivalent_padding_of_the_transposes(k_value, p_value, expected):
    assert sp.expand(transposed_equivalent_padding(k_value, p_value).answer - expected) == 0


def test_output_padding_vanishes_when_the_stride_divides_the_span():
    # conv-arith-12: i − k = s·q; conv-arith-13: i + 2p − k = s·q.
    assert output_padding_for(k + s * q, k, s).answer == 0
    assert output_padding_for(k - 2 * p + s * q, k, s, p).answer == 0


def test_output_padding_is_the_remainder_of_relationship_14():
    assert output_padding_for(i, k, s, p).answer == sp.Mod(i + 2 * p - k, s)


def test_display_formulas_evaluate_to_the_conv_spec_formula():
    # The written-order formulas shown in the steps are ConvSpec.output_size's formula.
    spec = ConvSpec.make(k_, dims=1, stride=s_, padding=p_, dilation=d_, channels=False)
    assert CONV_OUTPUT.doit() == spec.output_size(0, i_)
    pairs = ((p_before_, p_after_),)
    spec = ConvSpec.make(k_, dims=1, stride=s_, padding=pairs, dilation=d_, channels=False)
    assert CONV_OUTPUT_ASYMMETRIC.doit() == spec.output_size(0, i_)


def test_transpose_inverts_the_forward_size_symbolically():
    # With i' = o and a = (i + 2p − d(k−1) − 1) mod s, o' = s(o − 1) + a − 2p + d(k−1) + 1
    # = s⌊x/s⌋ + (x mod s) + ... with x = i + 2p − d(k−1) − 1, which is i because
    # s⌊x/s⌋ + (x mod s) = x. Put x = s·q + r with 0 ≤ r < s to let SymPy see it.
    r = sp.Symbol("r", integer=True, nonnegative=True)
    x = s * q + r
    size = x - 2 * p_ + d_ * (k_ - 1) + 1  # the input size with that x
    out = CONV_OUTPUT.doit().xreplace({i_: size, s_: s})
    extra = OUTPUT_PADDING.doit().xreplace({i_: size, s_: s}).xreplace({sp.Mod(r, s): r})
    back = TRANSPOSED_OUTPUT.doit().xreplace({i_prime_: out, a_: extra, s_: s})
    back = back.replace(sp.floor, lambda arg: sp.floor(sp.expand(arg)))  # ⌊q + r/s⌋ = q + ⌊r/s⌋
    assert sp.expand(back.xreplace({sp.floor(r / s): 0}) - size) == 0  # ⌊r/s⌋ = 0 for r < s


# ----------------------------------------------------------------------------------------------
# Every formula against a brute-force reference, and against PyTorch
# ----------------------------------------------------------------------------------------------
def test_conv_output_size_matches_counted_windows():
    for size, kernel, stride, pad, dilation in GRID:
        expected = ref.conv_length(size, kernel, stride, pad, pad, dilation)
        if expected < 1:
            with pytest.raises(ShapeError):
                conv_output_size(size, kernel, stride, pad, dilation)
            continue
        assert conv_output_size(size, kernel, stride, pad, dilation).answer == expected


def test_asymmetric_padding_matches_counted_windows():
    for size, kernel, before, after in product(range(1, 8), range(1, 5), range(3), range(3)):
        expected = ref.conv_length(size, kernel, 2, before, after, 1)
        if expected >= 1:
            derived = conv_output_size(size, kernel, 2, before, padding_after=after)
            assert derived.answer == expected


def test_pool_ceil_mode_matches_the_operational_rule():
    for size, kernel, stride, pad, dilation in GRID:
        if 2 * pad > kernel or ref.conv_length(size, kernel, stride, pad, pad, dilation) < 1:
            continue
        derived = pool_output_size(size, kernel, stride, pad, dilation, ceil_mode=True)
        assert derived.answer == ref.pool_ceil_length(size, kernel, stride, pad, dilation)


def test_transposed_output_size_matches_scatter_and_crop():
    for size, kernel, stride, pad, dilation in GRID:
        for extra in range(max(stride, dilation)):
            expected = ref.transposed_length(size, kernel, stride, pad, dilation, extra)
            if expected < 1:
                with pytest.raises(ShapeError):
                    transposed_output_size(size, kernel, stride, pad, dilation, extra)
                continue
            derived = transposed_output_size(size, kernel, stride, pad, dilation, extra)
            assert derived.answer == expected


def test_transpose_of_the_output_size_gives_back_the_input_size():
    for size, kernel, stride, pad, dilation in GRID:
        if ref.conv_length(size, kernel, stride, pad, pad, dilation) < 1:
            continue
        out = conv_output_size(size, kernel, stride, pad, dilation).answer
        extra = output_padding_for(size, kernel, stride, pad, dilation).answer
        back = transposed_output_size(out, kernel, stride, pad, dilation, extra)
        assert back.answer == size


def test_transposed_equals_stride_one_convolution_of_the_stretched_input():
    for size, kernel, stride, pad, dilation in GRID:
        if ref.transposed_length(size, kernel, stride, pad, dilation) < 1:
            continue
        derived = transposed_output_size(size, kernel, stride, pad, dilation)
        before, after = derived.details["equivalent_padding"]
        if before < 0:
            continue  # p' < 0 crops: no zero-padded direct convolution to compare with
        direct = ref.conv_length(
            derived.details["stretched_input"], kernel, 1, before, after, dilation
        )
        assert direct == derived.answer


@pytest.mark.parametrize("kernel,dilation", [(1, 1), (3, 1), (3, 2), (4, 3), (5, 4), (2, 7)])
def test_dilated_kernel_extent_is_the_span_of_the_taps(kernel, dilation):
    taps = [dilation * tap for tap in range(kernel)]
    assert dilated_kernel_extent(kernel, dilation).answer == taps[-1] - taps[0] + 1


def test_dilated_kernel_extent_symbolically():
    assert sp.expand(dilated_kernel_extent(k, d).answer - (d * (k - 1) + 1)) == 0
    assert DILATED_EXTENT.doit() == k + (k - 1) * (d - 1)


@pytest.mark.parametrize("kernel,dilation", [(1, 1), (3, 1), (5, 1), (3, 2), (2, 2), (4, 4)])
def test_same_padding_keeps_the_width(kernel, dilation):
    pad = same_padding(kernel, dilation).answer
    for size in (1, 6, 11):
        assert ref.conv_length(size, kernel, 1, pad, pad, dilation) == size


def test_same_padding_symbolic_and_nndl_5_8():
    big_k, big_d = sp.symbols("K D", integer=True, positive=True)
    assert same_padding(big_k, big_d).answer == (big_k - 1) * big_d / 2
    assert "requires d(k − 1) even" in same_padding(big_k, big_d).conventions


@pytest.mark.parametrize(
    "layers",
    [
        [(3, 1)],
        [(3, 1), (3, 1)],
        [(3, 2), (3, 2), (3, 1, 2)],
        [(5, 2), (2, 2), (3, 1, 3), (1, 1)],
        [(7, 2), (3, 2), (3, 1), (3, 2, 2)],
    ],
)
def test_receptive_field_matches_impulses(layers):
    derived = receptive_field(layers)
    assert derived.answer == ref.receptive_field(layers)
    jumps = derived.details["jumps"]
    assert jumps[-1] == np.prod([layer[1] for layer in layers])


def test_receptive_field_symbolic_closed_form():
    k1, k2, s1, d2 = sp.symbols("k1 k2 s1 d2", integer=True, positive=True)
    derived = receptive_field([(k1, s1), (k2, 1, d2)])
    assert sp.expand(derived.answer - (1 + (k1 - 1) + d2 * (k2 - 1) * s1)) == 0
    assert derived.check().passed


@pytest.fixture
def torch():
    return pytest.importorskip("torch", reason="PyTorch is the reference for its own shape rules")


def test_conv_and_transposed_sizes_agree_with_pytorch(torch):
    functional = torch.nn.functional
    for size, kernel, stride, pad, dilation in GRID[::3]:
        x = torch.zeros(1, 1, size)
        w = torch.zeros(1, 1, kernel)
        if ref.conv_length(size, kernel, stride, pad, pad, dilation) >= 1:
            out = functional.conv1d(x, w, stride=stride, padding=pad, dilation=dilation)
            assert conv_output_size(size, kernel, stride, pad, dilation).answer == out.shape[-1]
        for extra in range(max(stride, dilation)):
            try:
                out = functional.conv_transpose1d(
                    x, w, stride=stride, padding=pad, output_padding=extra, dilation=dilation
                )
            except RuntimeError:
                with pytest.raises(ShapeError):
                    transposed_output_size(size, kernel, stride, pad, dilation, extra)
                continue
            derived = transposed_output_size(size, kernel, stride, pad, dilation, extra)
            assert derived.answer == out.shape[-1]


def test_pool_sizes_agree_with_pytorch_in_both_modes(torch):
    for size, kernel, stride, pad, dilation in GRID:
        if 2 * pad > kernel or ref.conv_length(size, kernel, stride, pad, pad, dilation) < 1:
            continue
        x = torch.zeros(1, 1, size)
        for ceil_mode in (False, True):
            out = torch.nn.functional.max_pool1d(
                x, kernel, stride, pad, dilation=dilation, ceil_mode=ceil_mode
            )
            derived = pool_output_size(size, kernel, stride, pad, dilation, ceil_mode)
            assert derived.answer == out.shape[-1], (size, kernel, stride, pad, dilation)


def test_pytorch_rejects_the_pool_padding_we_reject(torch):
    with pytest.raises(RuntimeError):
        torch.nn.functional.max_pool1d(torch.zeros(1, 1, 9), 3, 1, 2)
    with pytest.raises(ShapeError, match="2p = 4 > k = 3"):
        pool_output_size(9, 3, 1, 2)


# ----------------------------------------------------------------------------------------------
# Golden numbers of the catalog
# ----------------------------------------------------------------------------------------------
def test_pooling_goldens_of_conv_arith():
    assert pool_output_size(5, 2, 2).answer == 2
    assert pool_output_size(5, 2, 2, ceil_mode=True).answer == 3
    assert pool_output_size(2, 2, 3, 1, ceil_mode=True).answer == 1


def test_output_padding_goldens_of_conv_arith():
    # i = 4, k = 3: (s, p) = (1, 0) needs a = 0; (2, 1) and (2, 0) need a = 1; i = 5, (2, 0): 0.
    assert output_padding_for(4, 3, 1, 0).answer == 0
    assert output_padding_for(4, 3, 2, 1).answer == 1
    assert output_padding_for(4, 3, 2, 0).answer == 1
    assert output_padding_for(5, 3, 2, 0).answer == 0
    assert transposed_output_size(2, 3, 2, 1).answer == 3  # without a: 3 × 3, not 4 × 4
    assert transposed_output_size(2, 3, 2, 1, output_padding=1).answer == 4


def test_nyu_problem_3a_shape():
    assert conv_output_shape((48, 64), (3, 3), out_channels=20).answer == sp.Tuple(46, 62, 20)


def test_shapes_with_modes_and_asymmetric_same_padding():
    assert conv_output_shape((100, 100), 3, padding="same").answer == sp.Tuple(100, 100)
    assert conv_output_shape((7,), 4, padding="same").answer == sp.Tuple(7)
    assert conv_output_shape((7, 5), (4, 2), padding="full").answer == sp.Tuple(10, 6)
    assert conv_output_shape((7, 5), 3, padding=((1, 0), (0, 2))).answer == sp.Tuple(6, 5)


def test_pool_and_transposed_shapes():
    assert pool_output_shape((5, 4), 2, ceil_mode=True, channels=3).answer == sp.Tuple(3, 2, 3)
    shape = transposed_output_shape((2, 3), 3, 2, 1, output_padding=(1, 0), out_channels=6)
    assert shape.answer == sp.Tuple(4, 5, 6)


# ----------------------------------------------------------------------------------------------
# Worked LaTeX (goldens) and the derivations' own checks
# ----------------------------------------------------------------------------------------------
def test_conv_output_size_steps_are_formula_then_numbers_then_result():
    derived = conv_output_size(48, 3)
    substituted = derived.steps[1]
    assert substituted.values is not None
    assert substituted.value == 46
    assert derived.steps[-1].rhs == 46
    assert derived.to_json()["steps"][2]["rhs"] == "46"


def test_same_padding_latex_is_golden():
    assert same_padding(3, 2).latex() == (
        "\\begin{aligned}\n"
        "p &= \\frac{d \\left(k - 1\\right)}{2} && "
        "\\text{stride 1: i + 2p - d(k - 1) = i (Qiu 2020, exercise 5-8)} \\\\\n"
        "&= \\frac{2 \\cdot \\left(3 - 1\\right)}{2} \\\\\n"
        "&= 2\n"
        "\\end{aligned}"
    )


def test_dilated_extent_latex_is_golden():
    rows = dilated_kernel_extent(3, 2).latex().splitlines()
    assert rows[2] == "&= 3 + \\left(2 - 1\\right) \\cdot \\left(3 - 1\\right) \\\\"


def test_receptive_field_steps_are_the_recursion():
    derived = receptive_field([(3, 2), (3, 1)])
    rows = derived.latex().splitlines()
    assert "r_{2} &= j_{1} \\left(k_{2} - 1\\right) + r_{1}" in rows[9]
    assert rows[10] == "&= 2 \\cdot \\left(3 - 1\\right) + 3 \\\\"
    assert derived.details["receptive_fields"] == (1, 3, 7)


def test_symbolic_derivation_shows_the_substituted_formula_then_the_simplified_answer():
    derived = conv_output_size(i, 2 * t + 1, 1, t)
    assert derived.steps[-1].rhs == i
    assert len(derived.steps) == 3
    assert "2 t + 1" in derived.latex().splitlines()[2]  # k = 2t + 1 put in, unsimplified
    assert derived.steps[1].value == i


DERIVATIONS = [
    lambda: conv_output_size(48, 3),
    lambda: conv_output_size(i, 2 * t + 1, 1, t),
    lambda: conv_output_size(i, k, s, p, d),
    lambda: conv_output_size(9, 3, 2, 1, padding_after=0),
    lambda: pool_output_size(5, 2, ceil_mode=True),
    lambda: pool_output_size(i, k, s, ceil_mode=True),
    lambda: transposed_output_size(3, 3, 2, 1, 1, 1),
    lambda: transposed_output_size(i_prime, k, s, p),
    lambda: output_padding_for(4, 3, 2, 1),
    lambda: output_padding_for(i, k, s, p, d),
    lambda: dilated_kernel_extent(k, d),
    lambda: same_padding(5, 3),
    lambda: receptive_field([(3, 2), (3, 2), (3, 1, 2)]),
    lambda: conv_output_shape((48, 64), 3, out_channels=20),
]


@pytest.mark.parametrize("derive", DERIVATIONS)
def test_each_derivation_passes_its_own_check_and_renders(derive):
    derived = derive()
    report = derived.check(trials=5)
    assert report.passed, report.summary()
    assert report.results, "a numeric twin or a check is attached"
    assert derived.latex().startswith("\\begin{aligned}")
    assert derived.to_json()["answer_srepr"] == sp.srepr(derived.answer)


def test_a_wrong_closed_form_fails_its_twin():
    # The twin is not vacuous: replace the formula by relationship 1 and it must disagree.
    from dataclasses import replace

    derived = conv_output_size(9, 3, 2, 1)
    assert derived.numeric is not None
    wrong = replace(derived.numeric, function=lambda **kw: 0)
    assert not wrong.check(np.random.default_rng(1)).passed


# ----------------------------------------------------------------------------------------------
# Errors: ShapeError, a SymconvError and a ValueError, with the user's numbers
# ----------------------------------------------------------------------------------------------
ERRORS = [
    (
        lambda: conv_output_size(2, 3),
        "o = ⌊(2 + 2·0 − 1·(3−1) − 1)/1⌋ + 1 = 0 < 1: the dilated kernel (extent d(k−1) + 1 = 3)"
        " is larger than the padded input (i + 2p = 2)",
    ),
    (lambda: conv_output_size(5, 3, 0), "stride s=0: must be an integer ≥ 1"),
    (lambda: conv_output_size(-1, 3), "input size i=-1: must be an integer ≥ 1"),
    (lambda: conv_output_size(5, 3, 1, -1), "padding p=-1: must be an integer ≥ 0"),
    (lambda: conv_output_size(5, 2.5), "kernel size k=2.5: expected an integer"),
    (lambda: conv_output_size(5, sp.Rational(5, 2)), "kernel size k=5/2: not an integer"),
    (lambda: conv_output_size(5, True), "kernel size k=True: expected an integer"),
    (lambda: conv_output_size(sp.Symbol("n"), 3), "not known to be an integer"),
    (lambda: conv_output_size(5, 3, 1, 0, 0), "dilation d=0: must be an integer ≥ 1"),
    (lambda: conv_output_size(3, 3, 1, 0, 2), "extent d(k−1) + 1 = 5"),
    (lambda: conv_output_size(2, 5, padding_after=1), "i + p_b + p_a = 3"),
    (lambda: pool_output_size(9, 3, 1, 2), "2p = 4 > k = 3"),
    (lambda: transposed_output_size(2, 3, 2, 1, output_padding=2), "output_padding a=2"),
    (
        lambda: transposed_output_size(1, 1, 1, 1),
        "o' = ĩ + p' + (p' + a) − d(k−1) = 1 + -1 + (-1 + 0) − 1·(1−1) = -1 < 1 "
        "(ĩ = 1·(1−1) + 1, p' = 1·(1−1) − 1)",
    ),
    (lambda: same_padding(4), "p = d(k−1)/2 = 1·(4−1)/2 = 3/2 is not an integer"),
    (lambda: same_padding(2, 3), "pad 1 before and 2 after"),
    (lambda: receptive_field([]), "at least one"),
    (lambda: receptive_field([(3,)]), "layer 1: (3,) is not a (k, s) or (k, s, d) tuple"),
    (lambda: receptive_field([(3, 1), (3, 0)]), "layer 2: stride s=0"),
    (lambda: conv_output_shape((48, 2), 3), "axis W: o = ⌊(2 + 2·0"),
    (lambda: conv_output_shape((48, 64), (3, 3, 3)), "kernel=(3, 3, 3): expected one value or 2"),
    (lambda: conv_output_shape((48, 64), 3, padding="half"), "padding='half'"),
    (lambda: conv_output_shape((8, 8), 3, 2, padding="same"), "mode='same' needs stride 1"),
]


@pytest.mark.parametrize("call,message", ERRORS, ids=[row[1][:40] for row in ERRORS])
def test_errors_carry_the_numbers(call, message):
    with pytest.raises(ShapeError) as caught:
        call()
    assert message in str(caught.value)
    assert isinstance(caught.value, SymconvError)
    assert isinstance(caught.value, ValueError)
