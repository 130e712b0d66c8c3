"""The shape model of array code (symconv/check/array_shapes.py) against NumPy itself.

Each row is array code as a document writes it, the shapes of its names (with size names), and
the same operation written here directly in NumPy. At several random values of the sizes, the
model's symbolic shape, evaluated, must be the shape NumPy computes — and where NumPy refuses
the operation, the model must refuse it too (numbers) or leave it unknown (names). The value
evaluator (``value_of``) must give NumPy's array, entry for entry.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
import sympy as sp

from symconv.check.array_code import read_array_code
from symconv.check.array_shapes import ArrayShapeError, same_size, shape_of
from symconv.check.array_values import value_of

B, C, H, W, K, M = sp.symbols("B C H W K M")
SIZES = (B, C, H, W, K, M)


@dataclass(frozen=True)
class Row:
    code: str
    shapes: dict[str, tuple]
    numpy: Callable[..., np.ndarray]  # the same operation on arrays of those shapes, by name


ROWS = [
    Row("x.reshape(B, H\\cdot W, C)", {"x": (B, H, W, C)},
        lambda x, s: x.reshape(s[B], s[H] * s[W], s[C])),
    Row("x.reshape(-1, C).T", {"x": (M, C, K, K)}, lambda x, s: x.reshape(-1, s[C]).T),
    Row("x.reshape(M, -1).T", {"x": (M, C, K, K)}, lambda x, s: x.reshape(s[M], -1).T),
    Row("x.reshape((B, -1))", {"x": (B, C, H)}, lambda x, s: x.reshape((s[B], -1))),
    Row("x.transpose([0, 2, 3, 1])", {"x": (B, C, H, W)}, lambda x, s: x.transpose([0, 2, 3, 1])),
    Row("x.transpose(0, 2, 1)", {"x": (B, C, H)}, lambda x, s: x.transpose(0, 2, 1)),
    Row("x.transpose()", {"x": (B, C, H)}, lambda x, s: x.transpose()),
    Row("x.T", {"x": (B, C, H)}, lambda x, s: x.T),
    Row("np.transpose(x, (1, 0, 2))", {"x": (B, C, H)}, lambda x, s: np.transpose(x, (1, 0, 2))),
    Row("x.transpose([0, 2, 1]).reshape(B, C, H, W)", {"x": (B, H * W, C)},
        lambda x, s: x.transpose([0, 2, 1]).reshape(s[B], s[C], s[H], s[W])),
    Row("np.tensordot(x, y, [(2),(0)])", {"x": (B, H, C), "y": (C, K)},
        lambda x, y, s: np.tensordot(x, y, [(2), (0)])),
    Row("np.tensordot(x, y, [(0,1),(0,1)])", {"x": (B, H, K), "y": (B, H, C)},
        lambda x, y, s: np.tensordot(x, y, [(0, 1), (0, 1)])),
    Row("np.tensordot(x, y, axes=1)", {"x": (B, H), "y": (H, K)},
        lambda x, y, s: np.tensordot(x, y, axes=1)),
    Row("np.tensordot(x, y)", {"x": (B, H, W), "y": (H, W, K)},
        lambda x, y, s: np.tensordot(x, y)),
    Row("np.sum(x, axis=(0,1))", {"x": (B, H, C)}, lambda x, s: np.sum(x, axis=(0, 1))),
    Row("x.sum(axis=-1, keepdims=True)", {"x": (B, H, C)},
        lambda x, s: x.sum(axis=-1, keepdims=True)),
    Row("np.mean(x)", {"x": (B, H)}, lambda x, s: np.mean(x)),
    Row("x y", {"x": (B, H, K), "y": (K, C)}, lambda x, y, s: x @ y),
    Row("x @ y", {"x": (B, H, K), "y": (B, K, C)}, lambda x, y, s: x @ y),
    Row("x @ y", {"x": (H, K), "y": (K,)}, lambda x, y, s: x @ y),
    Row("np.dot(x, y)", {"x": (B, H, K), "y": (C, K, M)}, lambda x, y, s: np.dot(x, y)),
    Row("np.dot(x, y)", {"x": (B, K), "y": (K,)}, lambda x, y, s: np.dot(x, y)),
    Row("np.matmul(x, y)", {"x": (B, H, K), "y": (K, C)}, lambda x, y, s: np.matmul(x, y)),
    Row("x + y.reshape(1, -1, 1, 1)", {"x": (B, C, H, W), "y": (C,)},
        lambda x, y, s: x + y.reshape(1, -1, 1, 1)),
    Row("x - y", {"x": (B, H, C), "y": (C,)}, lambda x, y, s: x - y),
    Row("x \\odot y", {"x": (B, H, C), "y": (H, 1)}, lambda x, y, s: x * y),
    Row("(x)^T", {"x": (H, K)}, lambda x, s: x.T),
    Row("x[0] y", {"x": (B, H, K), "y": (K, C)}, lambda x, y, s: x[0] @ y),
    Row("x[:, None]", {"x": (B, H)}, lambda x, s: x[:, None]),
    Row("x.swapaxes(0, 2)", {"x": (B, H, C)}, lambda x, s: x.swapaxes(0, 2)),
    Row("np.expand_dims(x, 1)", {"x": (B, H)}, lambda x, s: np.expand_dims(x, 1)),
    Row("x.flatten()", {"x": (B, H, C)}, lambda x, s: x.flatten()),
    Row("np.einsum('bhk,kc->bhc', x, y)", {"x": (B, H, K), "y": (K, C)},
        lambda x, y, s: np.einsum("bhk,kc->bhc", x, y)),
    Row("np.einsum('ij,jk', x, y)", {"x": (H, K), "y": (K, C)},
        lambda x, y, s: np.einsum("ij,jk", x, y)),
]  # fmt: skip


def _values(rng: random.Random) -> dict:
    return {size: rng.randint(2, 5) for size in SIZES}


def _concrete(shape: tuple, values: dict) -> tuple[int, ...]:
    return tuple(int(sp.sympify(size).xreplace(values)) for size in shape)


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.code} {i}" for i, r in enumerate(ROWS)])
def test_the_shape_model_is_numpys(row: Row):
    rng = random.Random(row.code)
    node = read_array_code(row.code)
    symbolic = shape_of(node, {key: tuple(shape) for key, shape in row.shapes.items()}.get)
    assert symbolic is not None
    for _ in range(4):
        values = _values(rng)
        arrays = {
            name: np.arange(np.prod(_concrete(shape, values)), dtype=np.int64).reshape(
                _concrete(shape, values)
            )
            for name, shape in row.shapes.items()
        }
        expected = row.numpy(*arrays.values(), values)
        assert _concrete(symbolic, values) == expected.shape
        # and the value evaluator is NumPy's, entry for entry
        computed = value_of(node, arrays, values)
        assert np.array_equal(computed, expected)


REFUSED = [
    ("np.tensordot(x, y, [(2),(0)])", {"x": (2, 3, 4), "y": (5, 6)}),
    ("x y", {"x": (2, 3), "y": (4, 5)}),
    ("x.reshape(5, -1)", {"x": (2, 3)}),
    ("x.reshape(4, 2)", {"x": (2, 3)}),
    ("x.transpose([0, 1])", {"x": (2, 3, 4)}),
    ("x + y", {"x": (2, 3), "y": (4,)}),
    ("np.sum(x, axis=3)", {"x": (2, 3)}),
]


@pytest.mark.parametrize("code, shapes", REFUSED, ids=[c for c, _ in REFUSED])
def test_what_numpy_refuses_the_model_refuses(code, shapes):
    node = read_array_code(code)
    integer_shapes = {k: tuple(sp.Integer(v) for v in s) for k, s in shapes.items()}
    with pytest.raises(ArrayShapeError):
        shape_of(node, integer_shapes.get)
    arrays = {k: np.zeros(s) for k, s in shapes.items()}
    with pytest.raises((ValueError, IndexError, np.exceptions.AxisError)):
        _numpy_directly(code, arrays)


def _numpy_directly(code: str, arrays: dict) -> np.ndarray:
    """The refused rows written in NumPy (the reference raises for the same reason)."""
    x, y = arrays.get("x"), arrays.get("y")
    return {
        "np.tensordot(x, y, [(2),(0)])": lambda: np.tensordot(x, y, [(2), (0)]),
        "x y": lambda: x @ y,
        "x.reshape(5, -1)": lambda: x.reshape(5, -1),
        "x.reshape(4, 2)": lambda: x.reshape(4, 2),
        "x.transpose([0, 1])": lambda: x.transpose([0, 1]),
        "x + y": lambda: x + y,
        "np.sum(x, axis=3)": lambda: np.sum(x, axis=3),
    }[code]()


def test_names_that_only_the_document_could_relate_leave_the_shape_open():
    """C and K are different names, not different sizes: a product over them is not known."""
    node = read_array_code("np.tensordot(x, y, [(2),(0)])")
    assert shape_of(node, {"x": (B, H, C), "y": (K, M)}.get) is None
    assert same_size(C, K) is None


def test_an_unknown_function_has_no_shape():
    node = read_array_code("trans(x)")
    assert shape_of(node, {"x": (B, C, H, W)}.get) is None
