"""Every engine ``symconv solve --engines`` lists runs on an example, its derivation's checks
pass, and — where a naive reference exists (``tests/reference*.py``, no symconv inside) — its
answer equals the reference's.

The table is data (STYLE.md, 6): one row per example; a new engine without a row fails
``test_every_listed_engine_has_an_example``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
import sympy as sp

from symconv.cli import main
from symconv.problems.engines import ENGINES, run_engine
from tests import reference as ref
from tests import reference_convmatrix as ref_matrix
from tests import reference_pooling as ref_pool
from tests import reference_shapes as ref_shapes
from tests import reference_stencil as ref_stencil

X3 = [[1, 2, 0], [0, 1, 3], [2, 2, 1]]
W2 = [[1, 0], [0, -1]]
SIGNAL = [1, 2, 3, 2, 0, 10, 1, 0]
X34 = [[1, 5, 2, 0], [3, 3, 1, 4], [0, 2, 6, 1]]
X44 = [[1, 5, 2, 0], [3, 3, 1, 4], [0, 2, 6, 1], [1, 1, 1, 1]]


def exact(value: Any) -> Any:
    """A SymPy answer (Integer, Rational, Tuple, Matrix, Array) as nested Fractions."""
    if isinstance(value, sp.MatrixBase | sp.NDimArray):
        return exact(value.tolist())
    if isinstance(value, list | tuple | sp.Tuple):
        return [exact(item) for item in value]
    number = sp.Rational(value)
    return Fraction(int(number.p), int(number.q))


def same(reference: Any) -> Callable[[Any], bool]:
    """The answer equals the reference value exactly (numbers, lists, arrays)."""

    def verify(answer: Any) -> bool:
        expected = reference.tolist() if isinstance(reference, np.ndarray) else reference
        return exact(answer) == exact_reference(expected)

    return verify


def exact_reference(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [exact_reference(item) for item in value]
    if isinstance(value, float):
        assert value == int(value), value  # the references run on integers here
        return Fraction(int(value))
    return Fraction(value)


def at_sizes(reference: Callable[..., int], **ranges: range) -> Callable[[Any], bool]:
    """A symbolic answer: at every point of the ranges, the answer with the symbols replaced
    equals the reference counted with loops at the same sizes."""

    def verify(answer: Any) -> bool:
        symbols = {s.name: s for s in answer.free_symbols}
        assert set(symbols) == set(ranges), (symbols, ranges)
        points = [dict(zip(ranges, values, strict=True)) for values in _grid(ranges)]
        for point in points:
            value = answer.xreplace({symbols[name]: v for name, v in point.items()})
            if exact(value) != exact_reference(reference(**point)):
                return False
        return True

    return verify


def _grid(ranges: dict[str, range]) -> list[tuple[int, ...]]:
    import itertools

    return list(itertools.product(*ranges.values()))


def spelled(text: str) -> Callable[[Any], bool]:
    return lambda answer: str(answer) == text


@dataclass(frozen=True)
class Case:
    engine: str
    arguments: dict[str, Any]
    verify: Callable[[Any], bool] | None = field(default=None, repr=False)


def _transposed_equivalent(k: int, p: int) -> int:
    """p' by search: the padding of the stretched input that makes the direct correlation (flipped
    kernel) equal the transposed convolution of the references, for a random input."""
    rng = np.random.default_rng(1)
    y, w = rng.integers(-3, 4, size=(1, 3)).astype(float), rng.integers(-3, 4, (1, 1, k))
    s = 2
    target = ref_matrix.conv_transpose_loops(
        y, w.astype(float), stride=(s,), padding=(p,), output_padding=(0,), dilation=(1,)
    )[0]
    stretched = np.zeros(s * (y.shape[1] - 1) + 1)
    stretched[::s] = y[0]
    for shift in range(0, k + 1):
        padded = np.pad(stretched, shift)[None]
        direct = ref_matrix.correlate_loops(
            padded, w[:, :, ::-1].astype(float), stride=(1,), padding=((0, 0),), dilation=(1,)
        )[0]
        if direct.shape == target.shape and np.allclose(direct, target):
            return shift
    raise AssertionError("no padding reproduces the transposed convolution")


def _same_padding(k: int, d: int) -> int:
    return next(p for p in range(d * k) if ref_shapes.conv_length(17, k, 1, p, p, d) == 17)


def _output_padding(i: int, k: int, s: int, p: int) -> int:
    out = ref_shapes.conv_length(i, k, s, p, p)
    return i - ref_shapes.transposed_length(out, k, s, p)


def _counted(x_shape: tuple[int, int, int], kernel: int, filters: int, padding: int, groups: int):
    x = np.ones(x_shape)
    w = np.ones((kernel, kernel, x_shape[2] // groups, filters))
    return ref_shapes.counted_conv2d(x, w, np.ones(filters), 1, padding, groups)


CASES: tuple[Case, ...] = (
    Case(
        "tensor_shape",
        {
            "axes": [
                {"name": "images", "size": 100},
                {"name": "samples", "factors": [240, 10]},
                {"name": "channels", "size": "C"},
            ]
        },
        spelled("(100, 2400, C)"),
    ),
    Case(
        "correlate",
        {"x": X3, "w": W2, "padding": 1, "stride": 2},
        same(
            ref_matrix.correlate_loops(
                np.array([X3]),
                np.array([[W2]]),
                stride=(2, 2),
                padding=((1, 1), (1, 1)),
                dilation=(1, 1),
            )[0]
        ),
    ),
    Case(
        "convolve",
        {"x": [1, 2, 3, 4], "w": [1, -1], "mode": "full"},
        same(
            ref_matrix.correlate_loops(
                np.array([[1, 2, 3, 4]]),
                np.array([[[1, -1]]]),
                stride=(1,),
                padding=((1, 1),),
                dilation=(1,),
                flip=True,
            )[0]
        ),
    ),
    Case("sum_limits", {"kernel": [[1, -1, 0], [1, -1, 0]]}, same([[0, 1], [0, 2]])),
    Case(
        "correlation_extremum",
        {"x": X3, "w": W2, "which": "min"},
        same([-2, [1, 0]]),  # valid correlation [[0, -1], [-2, 0]]: its minimum, first place
    ),
    Case("kernel_channels", {"kernel_shape": [20, 10, 3, 3], "layout": "OIHW"}, same([10, 20])),
    Case(
        "conv_matrix",
        {"input_size": [4, 4], "weights": X3, "stride": 2, "padding": 1},
        same(
            ref_matrix.conv_matrix_loops(
                (1, 4, 4),
                np.array([[X3]]),
                stride=(2, 2),
                padding=((1, 1), (1, 1)),
                dilation=(1, 1),
            )
        ),
    ),
    Case("conv_matrix", {"input": [3], "kernel": 2, "bias": True, "op": "convolution"}),
    Case(
        "subsample",
        {"x": SIGNAL, "stride": 3, "offset": 1},
        same(ref.subsample_1d(SIGNAL, 3, 1)),
    ),
    Case("max_pool", {"x": SIGNAL, "size": 3, "stride": 2}, same(ref.max_pool_1d(SIGNAL, 3, 2))),
    Case(
        "pool_forward",
        {"x": X34, "size": [2, 3], "stride": 1, "kind": "avg"},
        same(ref_pool.pool2d(X34, (2, 3), 1, "avg")),
    ),
    Case(
        "pool_forward",
        {"x": SIGNAL, "window": 3, "stride": 2},
        same(ref_pool.pool2d([SIGNAL], (1, 3), 2, "max")[0]),
    ),
    Case(
        "pool_backward",
        {"x": X44, "upstream": [[1, -2], [3, 4]], "size": 2},
        same(ref_pool.pool2d_backward(X44, [[1, -2], [3, 4]], (2, 2), 2, "max")),
    ),
    Case(
        "pool_backward",
        {"x": X34, "upstream": [[1, 2, 3], [4, 5, 6]], "size": 2, "stride": 1, "kind": "avg"},
        same(ref_pool.pool2d_backward(X34, [[1, 2, 3], [4, 5, 6]], (2, 2), 1, "avg")),
    ),
    Case("derive_backward", {"forward": "y[i] = sum(w[k] * x[2*i + 3*k])", "wrt": "x"}),
    Case("conv_gradient", {"wrt": "W", "dims": 1, "stride": 2, "dilation": 2, "padding": 1}),
    Case("rule_gradient", {"rule": "avg_pool2d", "wrt": "X"}),
    Case("backward_as_transpose", {"input_size": [3], "kernel": [2]}),
    Case("softmax_jacobian", {"classes": 2}),
    Case("vector_max_gradient", {"size": 3, "of": "argmax"}, same([[0], [0], [0]])),
    Case(
        "conv_output_size",
        {"i": "N", "k": 3, "s": 2, "p": 1, "d": 2},
        at_sizes(lambda N: ref_shapes.conv_length(N, 3, 2, 1, 1, 2), N=range(4, 30)),
    ),
    Case(
        "conv_output_size",
        {"input": 29, "kernel": 5, "stride": 3, "padding": 1},
        same(ref_shapes.conv_length(29, 5, 3, 1, 1)),
    ),
    Case(
        "conv_output_shape",
        {"input_size": [28, 32], "kernel": [3, 5], "padding": "same", "out_channels": 8},
        same([28, 32, 8]),
    ),
    Case(
        "pool_output_size",
        {"i": 7, "k": 2, "ceil_mode": True},
        same(ref_shapes.pool_ceil_length(7, 2, 2)),
    ),
    Case(
        "pool_output_shape",
        {"input_size": [5, 4], "kernel": 2, "ceil_mode": True, "channels": 3},
        same([ref_shapes.pool_ceil_length(5, 2, 2), ref_shapes.pool_ceil_length(4, 2, 2), 3]),
    ),
    Case(
        "pool_along_axis_shape",
        {"shape": [2, "N", 3], "axis": 1, "stride": "s"},
        lambda answer: all(
            exact(
                answer.xreplace({sym: n if sym.name == "N" else s for sym in answer.free_symbols})
            )
            == [2, len(range(0, n, s)), 3]
            for n in range(1, 15)
            for s in range(1, 5)
        ),
    ),
    Case(
        "transposed_output_size",
        {"i": "N", "k": 3, "s": 2, "p": 1, "output_padding": 1},
        at_sizes(lambda N: ref_shapes.transposed_length(N, 3, 2, 1, 1, 1), N=range(1, 12)),
    ),
    Case(
        "transposed_output_shape",
        {"input_size": [2, 3], "kernel": 3, "stride": 2, "padding": 1, "output_padding": 1},
        same(
            [
                ref_shapes.transposed_length(2, 3, 2, 1, 1, 1),
                ref_shapes.transposed_length(3, 3, 2, 1, 1, 1),
            ]
        ),
    ),
    Case("output_padding", {"i": 4, "k": 3, "s": 2, "p": 1}, same(_output_padding(4, 3, 2, 1))),
    Case("same_padding", {"kernel": 5, "dilation": 2}, same(_same_padding(5, 2))),
    Case(
        "dilated_kernel_extent",
        {"k": "K", "d": 2},
        at_sizes(lambda K: 2 * (K - 1) + 1 if K else 0, K=range(1, 8)),
    ),
    Case(
        "transposed_equivalent_padding",
        {"kernel": 3, "padding": 1},
        same(_transposed_equivalent(3, 1)),
    ),
    Case(
        "receptive_field",
        {"layers": [[3, 1], {"kernel": 3, "stride": 2}, [3, 1, 2]]},
        same(ref_shapes.receptive_field([(3, 1), (3, 2), (3, 1, 2)])),
    ),
    Case(
        "conv_params",
        {"kernel": ["K", "K"], "in_channels": "C", "out_channels": "M"},
        at_sizes(
            lambda K, C, M: np.empty((M, C, K, K)).size + np.empty(M).size,
            K=range(1, 4),
            C=range(1, 4),
            M=range(1, 4),
        ),
    ),
    Case(
        "conv_multiplications",
        {"kernel": [3, 3], "in_channels": 2, "out_channels": 3, "output_size": [4, 4]},
        same(_counted((6, 6, 2), 3, 3, 0, 1)[1]),
    ),
    Case(
        "conv_additions",
        {"kernel": 3, "in_channels": 4, "out_channels": 2, "output_size": [6, 6], "groups": 2},
        same(_counted((8, 8, 4), 3, 2, 0, 2)[2]),
    ),
    Case(
        "feature_map_memory",
        {"shape": ["B", "N", "C"], "dtype_bytes": 4},
        at_sizes(
            lambda B, N, C: np.empty((B, N, C), dtype=np.float32).nbytes,
            B=range(1, 3),
            N=range(1, 4),
            C=range(1, 3),
        ),
    ),
    Case(
        "weight_memory",
        {"kernel": [3, 3], "in_channels": 16, "out_channels": 32, "biases": True, "dtype_bytes": 4},
        same(np.empty((32, 16, 3, 3), np.float32).nbytes + np.empty(32, np.float32).nbytes),
    ),
    Case(
        "layer_cost",
        {
            "input_size": [32, 32],
            "in_channels": 3,
            "kernel": 5,
            "out_channels": 16,
            "count": "space",
            "space": "weights+biases+maps",
            "padding": 2,
        },
        same(
            32 * 32 * 3
            + np.empty((16, 3, 5, 5)).size
            + 16
            + ref_shapes.conv_length(32, 5, 1, 2, 2) ** 2 * 16
        ),
    ),
    Case(
        "stack_cost",
        {
            "input_size": [6, 6],
            "in_channels": 2,
            "layers": [
                {"kernel": 1, "out_channels": 3},
                {"kernel": 3, "out_channels": 2, "padding": "same"},
            ],
            "count": "multiplications",
        },
        same(_counted((6, 6, 2), 1, 3, 0, 1)[1] + _counted((6, 6, 3), 3, 2, 1, 1)[1]),
    ),
    Case(
        "stack_cost",
        {
            "input_size": ["H", "H"],
            "in_channels": 3,
            "layers": [
                {"kernel": 3, "out_channels": 8, "padding": 1},
                {"kernel": 3, "out_channels": 4, "stride": 2},
            ],
            "count": "output_shape",
        },
        lambda answer: all(
            exact(answer.xreplace({sym: h for sym in answer.free_symbols}))
            == [ref_shapes.conv_length(h, 3, 2)] * 2 + [4]
            for h in range(3, 20)
        ),
    ),
    Case(
        "stencil",
        {"derivative": 2, "accuracy": 4},
        same([[*ref_stencil.vandermonde_weights(2, [Fraction(o) for o in range(-2, 3)])]]),
    ),
    Case(
        "stencil",
        {"derivative": 1, "offsets": ["-1/2", "1/2", "3/2"], "spacing": "h"},
        same(
            [
                [
                    *ref_stencil.vandermonde_weights(
                        1, [Fraction(-1, 2), Fraction(1, 2), Fraction(3, 2)]
                    )
                ]
            ]
        ),
    ),
    Case("stencil", {"derivative": 2, "dims": 2, "box": 1}),
)


def _listed() -> list[dict[str, Any]]:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["solve", "--engines", "--format", "json"]) == 0
    return list(json.loads(out.getvalue())["engines"])


def test_every_listed_engine_has_an_example():
    listed = {engine["name"] for engine in _listed()}
    assert listed == set(ENGINES)
    assert listed == {case.engine for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=[f"{c.engine}-{i}" for i, c in enumerate(CASES)])
def test_an_engine_derives_and_its_checks_pass(case: Case):
    derivation = run_engine(case.engine, case.arguments)
    report = derivation.check()
    assert report.results, f"{case.engine}: no check attached"
    assert report.passed, report.summary()
    if case.verify is not None:
        assert case.verify(derivation.answer), derivation.answer


def test_a_corrupted_answer_fails_its_reference():
    # the table's comparisons can fail: a wrong answer is told apart from the right one
    case = next(c for c in CASES if c.engine == "pool_backward")
    answer = run_engine(case.engine, case.arguments).answer
    wrong = sp.Matrix(answer)
    wrong[0, 0] += 1
    assert case.verify is not None
    assert case.verify(answer) and not case.verify(sp.ImmutableMatrix(wrong))


def test_the_text_listing_names_each_engine_with_its_arguments(capsys):
    assert main(["solve", "--engines"]) == 0
    text = capsys.readouterr().out
    for engine in _listed():
        assert f"\n{engine['name']}" in text and engine["description"] in text
    block = text[text.index("\nconv_output_size") :].split("\n\n")[0]
    assert "i (or input)     required  size" in block
    assert "s (or stride)    optional  size  default 1" in block


def test_the_json_listing_reads_the_signatures():
    by_name = {engine["name"]: engine for engine in _listed()}
    arguments = {a["name"]: a for a in by_name["pool_output_size"]["arguments"]}
    assert [a["name"] for a in by_name["pool_output_size"]["arguments"]] == [
        "i",
        "k",
        "s",
        "p",
        "d",
        "ceil_mode",
    ]
    assert arguments["i"]["required"] and arguments["i"]["default"] is None
    assert arguments["ceil_mode"] == {
        "name": "ceil_mode",
        "aliases": [],
        "required": False,
        "default": False,
        "type": "boolean",
        "choices": [],
        "description": "true or false",
    }
    kind = {a["name"]: a for a in by_name["pool_forward"]["arguments"]}["kind"]
    assert kind["choices"] == ["max", "avg"] and kind["default"] == "max"
    assert by_name["conv_matrix"]["one_of"] == [["kernel", "weights"]]
    assert "convmatrix" in by_name["conv_matrix"]["aliases"]


@pytest.mark.parametrize(
    ("engine", "arguments"),
    [
        ("conv_output_size", {"i": "N", "k": 3}),
        ("conv_params", {"kernel": ["K", "K"], "in_channels": "C", "out_channels": "M"}),
        ("feature_map_memory", {"shape": ["B", "N", "C"]}),
        (
            "conv_multiplications",
            {"kernel": 3, "in_channels": "C", "out_channels": 8, "output_size": ["H", "W"]},
        ),
        ("receptive_field", {"layers": [["k", 1], ["k", "s"]]}),
    ],
)
def test_a_size_written_as_a_name_is_a_positive_integer_symbol(engine, arguments):
    answer = run_engine(engine, arguments).answer
    symbols = answer.free_symbols
    assert symbols and all(s.is_integer and s.is_positive for s in symbols)
