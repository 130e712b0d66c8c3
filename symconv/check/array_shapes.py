"""Shapes and values of array code (:mod:`symconv.check.array_code`), by NumPy's rules.

:func:`shape_of` evaluates a tree to its shape — a tuple of SymPy sizes, so that a document's
size names (``B``, ``C^l``, ``H^l·W^l``) go through the algebra exactly — following NumPy's
documented semantics, each rule below with its source in the NumPy reference:

* ``reshape``: the new shape, one ``-1`` inferred as the total divided by the rest
  ("One shape dimension can be -1. In this case, the value is inferred from the length of the
  array and remaining dimensions", ``numpy.reshape``); ``.flatten()``/``.ravel()``: the total;
* ``transpose(axes)``: ``axes`` a permutation; none, or ``.T``: the axes reversed
  (``numpy.transpose``: "the i'th axis of the returned array will correspond to the axis
  numbered axes[i] of the input. If not specified, defaults to range(a.ndim)[::-1]");
  ``swapaxes``, ``moveaxis``, ``expand_dims``, ``squeeze`` as documented;
* ``tensordot(a, b, axes)``: ``axes`` an int N (the last N axes of ``a`` against the first N of
  ``b``) or two sequences of axes; the result is ``a``'s other axes, then ``b``'s
  (``numpy.tensordot``);
* ``dot``, ``matmul``/``@`` (and two matrices written side by side): ``numpy.matmul``'s rules —
  the last two axes multiply as matrices, the others broadcast; ``dot`` of N-d arrays pairs the
  last axis of ``a`` with the second-to-last of ``b``;
* ``sum``/``mean``/``max``/``min``/``prod`` over ``axis`` (an int, a tuple, None), with
  ``keepdims``; ``einsum`` by its subscripts;
* ``+``, ``-``, ``⊙``: broadcasting (``numpy`` "General broadcasting rules": sizes equal, or one
  of them 1, compared from the last axis);
* the transpose of math, ``x^T``, of a matrix (two axes).

Sizes are compared exactly: equal when their difference expands to 0, different when both are
numbers that differ; two different names are *not known* to differ (the document may relate
them). A rule the numbers break raises :class:`ArrayShapeError` (with the numbers); a rule the
names leave open gives None (the shape is not known). ``array_values.value_of`` evaluates the
same tree to an array with NumPy itself, at given sizes — what the layout and gradient checks
compare.

    >>> import sympy as sp
    >>> from symconv.check.array_code import read_array_code
    >>> B, C, H, W = sp.symbols("B C H W")
    >>> shapes = {"delta": (B, C, H, W)}
    >>> code = read_array_code(r"\\delta.transpose([0, 2, 3, 1]).reshape(B, H\\cdot W, -1)")
    >>> shape_of(code, shapes.get)
    (B, H*W, C)
    >>> shape_of(read_array_code("np.sum(delta, axis=(0,2,3))"), shapes.get)
    (C,)
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import sympy as sp

from symconv.check.array_code import (
    Arg,
    ArrayCall,
    ArrayIndex,
    ArrayName,
    ArrayNode,
    ArrayProduct,
    ArrayScalar,
    ArraySum,
    ArrayTranspose,
    Method,
    normalised,
    split_top_level,
)
from symconv.core.safe import as_sympy
from symconv.errors import ParseError, SymconvError

__all__ = [
    "ArrayShapeError",
    "Shape",
    "read_shape",
    "same_size",
    "shape_of",
    "size_expression",
]

#: A shape: one SymPy size per axis.
Shape = tuple[Any, ...]
#: What a name's shape is (None: not known).
Lookup = Callable[[str], "Shape | None"]


class ArrayShapeError(SymconvError):
    """Array code whose shapes break a NumPy rule, with the sizes that disagree."""


# ----------------------------------------------------------------------------------------------
# Sizes
# ----------------------------------------------------------------------------------------------
@lru_cache(maxsize=1024)
def size_expression(text: str) -> Any:
    """A size written in the document (``3*2*2``, ``H^l\\cdot W^l``, ``C^{l-1}h^lw^l``), exact.

    >>> size_expression("3*2*2"), size_expression(r"H^l\\cdot W^l")
    (12, H^{l}*W^{l})
    """
    from symconv.check.parser import parse_expression

    text = text.strip()
    if re.fullmatch(r"[-+]?\d+", text):
        return sp.Integer(int(text))
    value = parse_expression(text)
    if not isinstance(value, sp.Expr) or value.has(sp.Indexed, sp.Function, sp.Derivative):
        raise ParseError(f"{text!r} is not a size")
    return value


def read_shape(text: str) -> tuple[Any, ...] | None:
    """A shape written as a tuple of sizes: ``(16, 3, 128, 128)``, ``(C^l,)``, ``(3*2*2,2)``,
    ``(8)`` (one size), ``(B, H^l\\cdot W^l, C^l)``; None if ``text`` is not one.

    >>> read_shape("(3*2*2,2)"), read_shape("(C^l,)"), read_shape("(8)"), read_shape("(a + b)")
    ((12, 2), (C^{l},), (8,), None)
    """
    text = normalised(text).strip().strip("$").strip()
    if not (text.startswith("(") and text.endswith(")")):
        return None
    inner = text[1:-1]
    if re.search(r"(?<![\^_{])[(\[]", inner.replace("{(", "{").replace("{[", "{")):
        return None  # a tuple inside: not one shape
    pieces = [piece for piece in split_top_level(inner) if piece.strip()]
    if not pieces:
        return None
    sizes = []
    for piece in pieces:
        try:
            size = size_expression(piece)
        except ParseError:
            return None
        if isinstance(size, sp.Add) or not (size.is_number or size.free_symbols):
            return None  # a sum is a point's coordinate more often than a size
        if size.is_number and not (size.is_Integer and size > 0):
            return None
        sizes.append(size)
    return tuple(sizes)


def same_size(one: Any, other: Any) -> bool | None:
    """True if two sizes are equal, False if they are numbers that differ, None when only the
    document's relations between its names could tell.

    >>> B, C = sp.symbols("B C")
    >>> same_size(2 * B, B + B), same_size(3, 4), same_size(B, C)
    (True, False, None)
    """
    difference = sp.expand(as_sympy(one) - as_sympy(other))
    if difference == 0:
        return True
    if difference.is_number:
        return False
    return None


def _product(shape: Shape) -> Any:
    return sp.Mul(*shape) if shape else sp.Integer(1)


# ----------------------------------------------------------------------------------------------
# Shapes
# ----------------------------------------------------------------------------------------------
def shape_of(node: ArrayNode, lookup: Lookup, declared: Lookup | None = None) -> Shape | None:
    """The shape of ``node`` (module docstring): ``lookup`` gives each name's shape by its key,
    ``declared`` (optional) the shape the document states for a whole expression (by
    :func:`~symconv.check.array_code.describe`). None when it is not known; raises
    :class:`ArrayShapeError` when the numbers break a rule."""
    try:
        return _Shapes(lookup, declared).of(node)
    except _Undecided:
        return None


class _Shapes:
    def __init__(self, lookup: Lookup, declared: Lookup | None):
        self.lookup = lookup
        self.declared = declared

    def of(self, node: ArrayNode) -> Shape | None:
        if self.declared is not None:
            from symconv.check.array_code import describe

            stated = self.declared(describe(node))
            if stated is not None:
                return stated
        if isinstance(node, ArrayName):
            return self.lookup(node.key)
        if isinstance(node, ArrayScalar):
            return ()
        if isinstance(node, ArrayTranspose):
            inner = self.of(node.target)
            if inner is None or len(inner) != 2:
                return None  # the transpose of math is a matrix's
            return (inner[1], inner[0])
        if isinstance(node, ArraySum):
            return _broadcast(self.of(node.left), self.of(node.right))
        if isinstance(node, ArrayProduct):
            left, right = self.of(node.left), self.of(node.right)
            if node.operator == "matmul":
                return _matmul(left, right)
            scaled = isinstance(node.left, ArrayScalar) or isinstance(node.right, ArrayScalar)
            if node.operator == "odot" or scaled:
                return _broadcast(left, right)  # element-wise, or a number times an array
            return None  # "*" between arrays: a convolution or a product, as the document means
        if isinstance(node, ArrayIndex):
            return _indexed(self.of(node.target), node.items)
        if isinstance(node, Method):
            return self.method(node)
        return self.call(node)

    def method(self, node: Method) -> Shape | None:
        shape = self.of(node.target)
        if shape is None and node.name == "reshape" and node.called:
            # whatever it reshapes, a reshape to sizes all written has those sizes
            target = _reshape_target(node.args)
            return None if target is None or any(size == -1 for size in target) else target
        if shape is None:
            return None
        name = node.name
        if not node.called:
            return tuple(reversed(shape)) if name == "T" else None
        return _NUMPY_RULES[name](shape, node.args, self) if name in _NUMPY_RULES else None

    def call(self, node: ArrayCall) -> Shape | None:
        if not node.numpy:
            return None  # a function the document names (trans, im2col): not NumPy's
        name = node.function
        if name in ("dot", "matmul", "tensordot", "einsum"):
            return _TWO_ARRAY_RULES[name](node.args, self)
        if name not in _NUMPY_RULES or not node.args or node.args[0].node is None:
            return None
        first = node.args[0].node
        shape = self.of(first)
        if shape is None:
            return None
        return _NUMPY_RULES[name](shape, node.args[1:], self)

    def array(self, arg: Arg) -> Shape | None:
        return self.of(arg.node) if arg.node is not None else None


def _broadcast(left: Shape | None, right: Shape | None) -> Shape | None:
    """NumPy's broadcasting of two shapes (compared from the last axis)."""
    if left is None or right is None:
        return None
    result: list[Any] = []
    for offset in range(1, max(len(left), len(right)) + 1):
        a = left[-offset] if offset <= len(left) else sp.Integer(1)
        b = right[-offset] if offset <= len(right) else sp.Integer(1)
        if a == 1:
            result.append(b)
        elif b == 1 or same_size(a, b):
            result.append(a)
        elif same_size(a, b) is False:
            raise ArrayShapeError(
                f"shapes {_shown(left)} and {_shown(right)} do not broadcast: {a} against {b}"
            )
        else:
            return None
    return tuple(reversed(result))


def _matmul(left: Shape | None, right: Shape | None) -> Shape | None:
    """``numpy.matmul``: 1-d operands promoted and their axis removed, the last two axes
    multiplied, the others broadcast."""
    if left is None or right is None or not left or not right:
        return None
    a = (sp.Integer(1), *left) if len(left) == 1 else left
    b = (*right, sp.Integer(1)) if len(right) == 1 else right
    _contracted(a[-1], b[-2], left, right)
    batch = _broadcast(a[:-2], b[:-2])
    if batch is None:
        return None
    shape = (*batch, a[-2], b[-1])
    if len(left) == 1:
        shape = shape[:-2] + shape[-1:]
    if len(right) == 1:
        shape = shape[:-1]
    return shape


def _contracted(a: Any, b: Any, left: Shape, right: Shape) -> None:
    if same_size(a, b) is False:
        raise ArrayShapeError(
            f"{_shown(left)} times {_shown(right)}: the axes multiplied have sizes {a} and {b}"
        )
    if same_size(a, b) is None:
        raise _Undecided()


class _Undecided(Exception):
    """Two sizes only the document's relations could tell equal: the shape is not known."""


def _shown(shape: Shape) -> str:
    return "(" + ", ".join(str(size) for size in shape) + ("," if len(shape) == 1 else "") + ")"


def _axis(value: Any, ndim: int, shape: Shape) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _Undecided()
    if not -ndim <= value < ndim:
        raise ArrayShapeError(f"axis {value} of an array of shape {_shown(shape)}")
    return value % ndim


def literal_argument(args: Sequence[Arg], index: int, keyword: str, default: Any = None) -> Any:
    """The literal of the argument named ``keyword``, else of the ``index``-th positional one,
    else ``default`` (``axis=(0, 2)`` or the ``(0, 2)`` in ``np.sum(x, (0, 2))``)."""
    for arg in args:
        if arg.keyword == keyword:
            return arg.literal
    positional = [arg for arg in args if arg.keyword is None]
    if index < len(positional):
        return positional[index].literal
    return default


def _reshape_target(args: Sequence[Arg]) -> Shape | None:
    """The sizes a reshape is written with (``-1`` kept), or None if one is not a size."""
    positional = [arg for arg in args if arg.keyword is None]
    if len(positional) == 1 and isinstance(positional[0].literal, tuple):
        texts = [str(v) for v in positional[0].literal]
    elif len(positional) == 1 and positional[0].text.startswith(("(", "[")):
        texts = split_top_level(positional[0].text.strip()[1:-1])
        texts = [t for t in texts if t.strip()]
    else:
        texts = [arg.text for arg in positional]
    try:
        return tuple(size_expression(text) for text in texts)
    except ParseError:
        return None


def _reshape(shape: Shape, args: Sequence[Arg], shapes: _Shapes) -> Shape | None:
    written = _reshape_target(args)
    if written is None:
        return None
    target = list(written)
    total = _product(shape)
    unknown = [i for i, size in enumerate(target) if size == -1]
    if len(unknown) > 1:
        raise ArrayShapeError(f"reshape{_shown(tuple(target))}: more than one -1")
    if unknown:
        rest = _product(tuple(s for i, s in enumerate(target) if i != unknown[0]))
        inferred = sp.cancel(total / rest)
        denominator = sp.fraction(inferred)[1]
        if inferred.is_number and not inferred.is_integer:
            raise ArrayShapeError(
                f"reshape{_shown(tuple(target))} of {_shown(shape)}: {total} is not a multiple "
                f"of {rest}"
            )
        if not denominator.is_number:
            return None
        target[unknown[0]] = inferred
    elif same_size(_product(tuple(target)), total) is False:
        raise ArrayShapeError(
            f"reshape{_shown(tuple(target))} of {_shown(shape)}: {_product(tuple(target))} "
            f"entries from {total}"
        )
    return tuple(target)


def _transpose(shape: Shape, args: Sequence[Arg], shapes: _Shapes) -> Shape | None:
    positional = [arg for arg in args if arg.keyword is None]
    axes_arg = [arg for arg in args if arg.keyword == "axes"]
    if axes_arg:
        positional = axes_arg
    if not positional:
        return tuple(reversed(shape))
    if len(positional) == 1 and isinstance(positional[0].literal, tuple):
        axes = positional[0].literal
    else:
        axes = tuple(arg.literal for arg in positional)
    if len(axes) != len(shape) or not all(isinstance(a, int) for a in axes):
        raise ArrayShapeError(
            f"transpose{_shown(tuple(axes))} of an array of shape {_shown(shape)}: the axes are "
            "not a permutation of its axes"
        )
    normal = [_axis(a, len(shape), shape) for a in axes]
    if sorted(normal) != list(range(len(shape))):
        raise ArrayShapeError(f"transpose{_shown(tuple(axes))}: not a permutation")
    return tuple(shape[a] for a in normal)


def _reduce(shape: Shape, args: Sequence[Arg], shapes: _Shapes) -> Shape | None:
    axis = literal_argument(args, 0, "axis")
    keepdims = bool(literal_argument(args, 2, "keepdims", False))
    if axis is None:
        return tuple(sp.Integer(1) for _ in shape) if keepdims else ()
    axes = axis if isinstance(axis, tuple) else (axis,)
    normal = {_axis(a, len(shape), shape) for a in axes}
    if keepdims:
        return tuple(sp.Integer(1) if i in normal else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i not in normal)


def _flatten(shape: Shape, args: Sequence[Arg], shapes: _Shapes) -> Shape | None:
    return (_product(shape),)


def _swapaxes(shape: Shape, args: Sequence[Arg], shapes: _Shapes) -> Shape | None:
    first, second = literal_argument(args, 0, "axis1"), literal_argument(args, 1, "axis2")
    i, j = _axis(first, len(shape), shape), _axis(second, len(shape), shape)
    result = list(shape)
    result[i], result[j] = result[j], result[i]
    return tuple(result)


def _expand_dims(shape: Shape, args: Sequence[Arg], shapes: _Shapes) -> Shape | None:
    axis = literal_argument(args, 0, "axis")
    axes = axis if isinstance(axis, tuple) else (axis,)
    ndim = len(shape) + len(axes)
    normal = {_axis(a, ndim, shape) for a in axes}
    source = iter(shape)
    return tuple(sp.Integer(1) if i in normal else next(source) for i in range(ndim))


def _squeeze(shape: Shape, args: Sequence[Arg], shapes: _Shapes) -> Shape | None:
    axis = literal_argument(args, 0, "axis")
    if axis is None:
        if any(not s.is_number for s in shape):
            return None
        return tuple(s for s in shape if s != 1)
    axes = axis if isinstance(axis, tuple) else (axis,)
    normal = {_axis(a, len(shape), shape) for a in axes}
    for i in normal:
        if same_size(shape[i], 1) is False:
            raise ArrayShapeError(f"squeeze axis {i} of size {shape[i]}")
    return tuple(s for i, s in enumerate(shape) if i not in normal)


def _same(shape: Shape, args: Sequence[Arg], shapes: _Shapes) -> Shape | None:
    return shape


_NUMPY_RULES: dict[str, Callable[[Shape, Sequence[Arg], _Shapes], Shape | None]] = {
    "reshape": _reshape,
    "transpose": _transpose,
    "sum": _reduce,
    "mean": _reduce,
    "max": _reduce,
    "min": _reduce,
    "prod": _reduce,
    "flatten": _flatten,
    "ravel": _flatten,
    "swapaxes": _swapaxes,
    "expand_dims": _expand_dims,
    "squeeze": _squeeze,
    "flip": _same,
    "copy": _same,
    "exp": _same,
    "abs": _same,
}


def _tensordot(args: Sequence[Arg], shapes: _Shapes) -> Shape | None:
    arrays = [arg for arg in args if arg.keyword is None][:2]
    if len(arrays) != 2:
        return None
    a, b = shapes.array(arrays[0]), shapes.array(arrays[1])
    if a is None or b is None:
        return None
    axes = literal_argument(args, 2, "axes", 2)
    if isinstance(axes, int):
        first, second = tuple(range(len(a) - axes, len(a))), tuple(range(axes))
    elif isinstance(axes, tuple) and len(axes) == 2:
        first = axes[0] if isinstance(axes[0], tuple) else (axes[0],)
        second = axes[1] if isinstance(axes[1], tuple) else (axes[1],)
    else:
        return None
    if len(first) != len(second):
        raise ArrayShapeError(f"tensordot over {len(first)} and {len(second)} axes")
    ia = [_axis(i, len(a), a) for i in first]
    ib = [_axis(i, len(b), b) for i in second]
    for i, j in zip(ia, ib, strict=True):
        if same_size(a[i], b[j]) is False:
            raise ArrayShapeError(
                f"tensordot of {_shown(a)} and {_shown(b)}: axis {i} (size {a[i]}) against axis "
                f"{j} (size {b[j]})"
            )
        if same_size(a[i], b[j]) is None:
            return None
    return tuple(s for i, s in enumerate(a) if i not in ia) + tuple(
        s for j, s in enumerate(b) if j not in ib
    )


def _dot(args: Sequence[Arg], shapes: _Shapes) -> Shape | None:
    arrays = [arg for arg in args if arg.keyword is None][:2]
    if len(arrays) != 2:
        return None
    a, b = shapes.array(arrays[0]), shapes.array(arrays[1])
    if a is None or b is None:
        return None
    if len(a) <= 2 and len(b) <= 2:
        return _matmul(a, b)
    if len(b) == 1:
        _contracted(a[-1], b[0], a, b)
        return a[:-1]
    _contracted(a[-1], b[-2], a, b)
    return (*a[:-1], *b[:-2], b[-1])


def _matmul_call(args: Sequence[Arg], shapes: _Shapes) -> Shape | None:
    arrays = [arg for arg in args if arg.keyword is None][:2]
    if len(arrays) != 2:
        return None
    return _matmul(shapes.array(arrays[0]), shapes.array(arrays[1]))


def _einsum(args: Sequence[Arg], shapes: _Shapes) -> Shape | None:
    if not args:
        return None
    subscripts = args[0].text.strip().strip("'\"").replace(" ", "")
    inputs, arrow, output = subscripts.partition("->")
    letters = inputs.split(",")
    operands = [shapes.array(arg) for arg in args[1:]]
    if len(letters) != len(operands) or any(op is None for op in operands):
        return None
    sizes: dict[str, Any] = {}
    for word, shape in zip(letters, operands, strict=True):
        assert shape is not None
        if "." in word or len(word) != len(shape):
            return None
        for letter, size in zip(word, shape, strict=True):
            if letter in sizes and same_size(sizes[letter], size) is False:
                raise ArrayShapeError(
                    f"einsum {subscripts}: index {letter} has sizes {sizes[letter]} and {size}"
                )
            if letter in sizes and same_size(sizes[letter], size) is None:
                return None
            sizes.setdefault(letter, size)
    if not arrow:
        counted = "".join(letters)
        output = "".join(sorted(c for c in set(counted) if counted.count(c) == 1))
    if any(letter not in sizes for letter in output):
        return None
    return tuple(sizes[letter] for letter in output)


_TWO_ARRAY_RULES: dict[str, Callable[[Sequence[Arg], _Shapes], Shape | None]] = {
    "tensordot": _tensordot,
    "dot": _dot,
    "matmul": _matmul_call,
    "einsum": _einsum,
}


def _indexed(shape: Shape | None, items: Sequence[Any]) -> Shape | None:
    """Basic indexing: an int drops its axis, a slice keeps it, None adds one."""
    if shape is None or "..." in items:
        return None
    used = [item for item in items if item is not None]
    if len(used) > len(shape):
        raise ArrayShapeError(f"{len(used)} indices for an array of shape {_shown(shape)}")
    result: list[Any] = []
    axis = 0
    for item in items:
        if item is None:
            result.append(sp.Integer(1))
            continue
        if item != ":":
            size = shape[axis]
            if size.is_number and not -int(size) <= item < int(size):
                raise ArrayShapeError(f"index {item} of an axis of size {size}")
        else:
            result.append(shape[axis])
        axis += 1
    return (*result, *shape[axis:])


def total_size(shape: Shape, sizes: Mapping[Any, int]) -> int:
    """The number of entries of a shape at the given sizes."""
    return math.prod(int(as_sympy(size).xreplace(dict(sizes))) for size in shape)
