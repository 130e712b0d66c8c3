"""Cost arithmetic: counted against a naive convolution, PyTorch's parameters, catalog goldens."""

from __future__ import annotations

from itertools import product

import numpy as np
import pytest
import sympy as sp

from symconv.errors import ConventionError, ShapeError, SymconvError
from symconv.sizes.costs import (
    SPACE_CONVENTIONS,
    ConvLayer,
    conv_additions,
    conv_multiplications,
    conv_params,
    feature_map_memory,
    layer_cost,
    stack_cost,
    weight_memory,
)
from tests import reference_shapes as ref

# (height, width, channels, kernel, filters, stride, padding, groups)
LAYERS = [
    (5, 6, 2, 3, 4, 1, 0, 1),
    (5, 5, 3, 2, 2, 2, 1, 1),
    (4, 7, 4, 3, 6, 1, 1, 2),
    (6, 4, 6, 1, 3, 1, 0, 3),
    (3, 3, 1, 3, 1, 1, 1, 1),
]


@pytest.mark.parametrize("height,width,channels,kernel,filters,stride,padding,groups", LAYERS)
@pytest.mark.parametrize("bias", [True, False])
def test_counts_match_a_counting_naive_convolution(
    height, width, channels, kernel, filters, stride, padding, groups, bias
):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((height, width, channels))
    w = rng.standard_normal((kernel, kernel, channels // groups, filters))
    b = rng.standard_normal(filters) if bias else None
    z, multiplications, additions = ref.counted_conv2d(x, w, b, stride, padding, groups)
    output = z.shape[:2]
    assert conv_multiplications(kernel, channels, filters, output, groups=groups).answer == (
        multiplications
    )
    derived = conv_additions(kernel, channels, filters, output, groups=groups, bias=bias)
    assert derived.answer == additions
    params = conv_params((kernel, kernel), channels, filters, groups, bias)
    assert params.answer == w.size + (0 if b is None else b.size)


def test_batch_multiplies_the_counts():
    single = conv_multiplications((3, 3), 4, 5, (6, 7)).answer
    assert conv_multiplications((3, 3), 4, 5, (6, 7), batch=8).answer == 8 * single
    assert conv_additions((3, 3), 4, 5, (6, 7), batch=8).answer == 8 * single


def test_parameters_agree_with_pytorch():
    torch = pytest.importorskip("torch", reason="PyTorch counts its own parameters")
    for (channels, filters, groups), kernel, bias in product(
        [(4, 6, 1), (4, 6, 2), (6, 6, 6), (3, 9, 3)], [(1, 1), (3, 3), (3, 5)], [True, False]
    ):
        layer = torch.nn.Conv2d(channels, filters, kernel, groups=groups, bias=bias)
        expected = sum(parameter.numel() for parameter in layer.parameters())
        assert conv_params(kernel, channels, filters, groups, bias).answer == expected


def test_symbolic_counts():
    k1, k2, c, m, g, o1, o2 = sp.symbols("K1 K2 C M G O1 O2", integer=True, positive=True)
    assert conv_params((k1, k2), c, m, g).answer == sp.expand(k1 * k2 * c * m / g + m)
    assert conv_multiplications((k1, k2), c, m, (o1, o2)).answer == k1 * k2 * c * m * o1 * o2
    additions = conv_additions((k1, k2), c, m, (o1, o2), bias=False).answer
    assert sp.expand(additions - o1 * o2 * m * (k1 * k2 * c - 1)) == 0
    assert conv_params((k1, k2), c, m).check().passed


# ----------------------------------------------------------------------------------------------
# Catalog goldens: nyu-cnn 3, nndl 5-3 and 5-4
# ----------------------------------------------------------------------------------------------
def test_nyu_problem_3():
    assert conv_params((3, 3), 10, 20).answer == 1820  # 3d
    assert conv_params((3, 3), 10, 20).details == {"weights": 1800, "biases": 20}
    assert conv_multiplications((3, 3), 10, 20, (46, 62)).answer == 5_133_600  # 3c
    cost = layer_cost((48, 64), 10, (3, 3), 20, space="weights+biases")
    assert cost.output_shape.answer == sp.Tuple(46, 62, 20)  # 3a
    assert cost.parameters.answer == 1820
    assert cost.multiplications.answer == 5_133_600


def test_nndl_5_3_one_by_one_convolution():
    # A 1×1 layer from D to P channels: D·P weights + P biases, D·P multiplications per pixel.
    assert conv_params((1, 1), 256, 64).answer == 256 * 64 + 64
    assert conv_multiplications((1, 1), 256, 64, (1, 1)).answer == 256 * 64


def test_nndl_5_4_time():
    direct = layer_cost((100, 100), 256, 3, 256, padding="same", space="weights")
    assert direct.output_shape.answer == sp.Tuple(100, 100, 256)
    assert direct.multiplications.answer == 5_898_240_000
    bottleneck = [ConvLayer(1, 64), ConvLayer(3, 256, padding="same")]
    stack = stack_cost((100, 100), 256, bottleneck, space="weights")
    assert [layer.multiplications.answer for layer in stack.layers] == [
        163_840_000,
        1_474_560_000,
    ]
    assert stack.multiplications.answer == 1_638_400_000


@pytest.mark.parametrize(
    "space,direct,bottleneck",
    [
        ("weights", 589_824, 163_840),
        ("weights+biases", 590_080, 164_160),
        ("weights+maps", 5_709_824, 5_923_840),
    ],
)
def test_nndl_5_4_space_in_each_accepted_convention(space, direct, bottleneck):
    layers = [ConvLayer(1, 64), ConvLayer(3, 256, padding="same")]
    assert layer_cost((100, 100), 256, 3, 256, padding="same", space=space).space.answer == direct
    stack = stack_cost((100, 100), 256, layers, space=space)
    assert stack.space.answer == bottleneck
    assert stack.space.conventions[0].startswith("space counts the weights")


def test_weights_plus_maps_counts_the_intermediate_map_once():
    layers = [ConvLayer(1, 64), ConvLayer(3, 256, padding="same")]
    space = stack_cost((100, 100), 256, layers, space="weights+maps").space
    assert list(space.details["parts"].values()) == [2_560_000, 16_384, 640_000, 147_456, 2_560_000]


def test_memory():
    assert feature_map_memory((100, 100, 256)).answer == 2_560_000
    assert feature_map_memory((46, 62, 20), 4).answer == 46 * 62 * 20 * 4
    assert weight_memory((3, 3), 256, 256, biases=False).answer == 589_824
    assert weight_memory((3, 3), 256, 256, biases=True, dtype_bytes=4).answer == 590_080 * 4
    x = np.zeros((7, 3, 5), dtype=np.float32)
    assert feature_map_memory(x.shape, x.itemsize).answer == x.nbytes


def test_every_space_convention_is_stated():
    for space in SPACE_CONVENTIONS:
        cost = layer_cost((8, 8), 3, 3, 4, space=space)
        assert cost.space.conventions[0].startswith("space counts")


# ----------------------------------------------------------------------------------------------
# Worked LaTeX and the derivations' own checks
# ----------------------------------------------------------------------------------------------
def test_parameter_latex_is_golden():
    assert conv_params((3, 3), 10, 20).latex() == (
        "\\begin{aligned}\n"
        "N_{params} &= C K_{1} K_{2} M + M && "
        "\\text{weights (K\\_1, K\\_2, C, M) and one bias per output channel} \\\\\n"
        "&= 10 \\cdot 3 \\cdot 3 \\cdot 20 + 20 \\\\\n"
        "&= 1820\n"
        "\\end{aligned}"
    )


def test_multiplication_steps_show_the_numbers_and_the_grouped_result():
    rows = conv_multiplications((3, 3), 256, 256, (100, 100)).latex().splitlines()
    assert rows[2] == "&= 256 \\cdot 3 \\cdot 3 \\cdot 256 \\cdot 100 \\cdot 100 \\\\"
    assert rows[3] == "&= 5{,}898{,}240{,}000"


def test_stack_total_is_the_sum_of_the_layers():
    layers = [ConvLayer(1, 64), ConvLayer(3, 256, padding="same")]
    rows = stack_cost((100, 100), 256, layers, space="weights").multiplications.latex().splitlines()
    assert rows[1].startswith("N_{mult} &= N_{mult,1} + N_{mult,2}")
    assert rows[2] == "&= 163{,}840{,}000 + 1{,}474{,}560{,}000 \\\\"


DERIVATIONS = [
    lambda: conv_params((3, 3), 10, 20),
    lambda: conv_params(3, 8, 12, groups=4, bias=False),
    lambda: conv_multiplications((3, 3), 10, 20, (46, 62)),
    lambda: conv_multiplications((2, 2), 6, 4, (3, 3), groups=2, batch=2),
    lambda: conv_additions((3, 3), 10, 20, (46, 62)),
    lambda: conv_additions(3, 4, 4, 5, bias=False),
    lambda: feature_map_memory((46, 62, 20)),
    lambda: weight_memory((3, 3), 256, 256, biases=False),
]


@pytest.mark.parametrize("derive", DERIVATIONS)
def test_each_derivation_passes_its_twin(derive):
    derived = derive()
    report = derived.check(trials=4)
    assert report.results and report.passed, report.summary()
    assert derived.to_json()["answer_srepr"] == sp.srepr(derived.answer)


def test_a_wrong_count_fails_the_twin():
    from dataclasses import replace

    twin = conv_multiplications((3, 3), 10, 20, (46, 62)).numeric
    assert twin is not None
    wrong = replace(twin, function=lambda **kw: twin.function(**kw) + 1)
    assert not wrong.check(np.random.default_rng(0)).passed


# ----------------------------------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------------------------------
ERRORS = [
    (lambda: conv_params((3, 3), 10, 20, groups=3), "groups G=3 does not divide in_channels C=10"),
    (lambda: conv_params((3, 3), 12, 20, groups=3), "does not divide out_channels M=20"),
    (lambda: conv_params((3, 0), 10, 20), "kernel size=0: must be an integer ≥ 1"),
    (lambda: conv_params((3, 3), 0, 20), "in_channels C=0"),
    (lambda: conv_multiplications((3, 3), 10, 20, (46, 62, 5)), "kernel (3, 3) has 2 axes"),
    (lambda: conv_multiplications((3, 3), 10, 20, (46, -1)), "output size=-1"),
    (lambda: feature_map_memory((4, 4), 0), "dtype_bytes b=0"),
    (lambda: feature_map_memory((4, 4), axis_names=("H",)), "expected 2 names"),
    (lambda: stack_cost((8, 8), 3, [], space="weights"), "at least one layer"),
    (lambda: layer_cost((2, 2), 3, 3, 4, space="weights"), "axis H: o = ⌊(2 + 2·0"),
]


@pytest.mark.parametrize("call,message", ERRORS, ids=[row[1][:40] for row in ERRORS])
def test_errors_carry_the_numbers(call, message):
    with pytest.raises(ShapeError) as caught:
        call()
    assert message in str(caught.value)
    assert isinstance(caught.value, SymconvError) and isinstance(caught.value, ValueError)


def test_an_unknown_space_convention_is_a_convention_error():
    with pytest.raises(ConventionError, match="space='everything'"):
        layer_cost((8, 8), 3, 3, 4, space="everything")  # type: ignore[arg-type]
