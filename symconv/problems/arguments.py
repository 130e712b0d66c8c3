"""The kinds of value a problem-set file passes to an engine, checked and converted once.

A problem set is plain TOML: integers, strings, booleans, lists and tables. Each argument of an
engine (:mod:`symconv.problems.engines`) declares what it takes as an :class:`ArgKind` in its
signature (``size: Size`` is ``Annotated[sp.Expr, SIZE]``): the kind says, in a user's words, what
the value may be (``--engines`` prints it), checks a TOML value at load time (an :class:`Issue`
names what is wrong, never a traceback), and converts it to what the library function takes — a
size written as a name, ``"N"``, becomes the positive integer symbol ``N`` where the library
derives symbolically; an argument that needs numbers (a convolution matrix, pooling on data) is a
*concrete* kind that refuses a name with a message saying so.

Nothing is evaluated: a string is a symbol name, a rational ``"1/2"`` or an index formula read by
symconv's own grammar later.

    >>> SIZE.convert("N"), SIZE.convert(5)
    (N, 5)
    >>> SIZE.convert("N").is_positive
    True
    >>> print(SIZE.check("3x").message)
    '3x' is neither an integer nor a size name (a letter, then letters, digits or _)
    >>> print(COUNT.check("N").message)
    needs a number here, got the size name 'N' (this engine computes on concrete values)
    >>> did_you_mean("questoin", ["id", "question", "engine"])
    " (did you mean 'question'?)"
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Annotated, Any, TypeAlias

import sympy as sp

from symconv.core.patterns import lazy_compile

#: A size name: a letter, then letters, digits, underscores or primes (``N``, ``C_in``, ``i'``).
IDENTIFIER = lazy_compile(r"^[A-Za-z][A-Za-z0-9_']*$")
#: A signed name of a spacing in an offset (``-h_m``, ``h_p``).
SIGNED_NAME = lazy_compile(r"^([+-]?)([A-Za-z][A-Za-z0-9_]*)$")
#: An exact rational written as text (``-1/2``, ``3``).
RATIONAL_TEXT = lazy_compile(r"^[+-]?\d+(/\d+)?$")


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest known word (difflib), or an empty string."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def closest(word: str, known: Iterable[str]) -> str | None:
    """The closest known word (difflib), or ``None``."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


@dataclass(frozen=True)
class Issue:
    """What is wrong with one value: the ``message``, and the ``key`` (the innermost TOML key it
    was written under, when it is deeper than the argument) that places it in the file."""

    message: str
    key: str | None = None


def _describe(value: Any) -> str:
    """A TOML value as the user wrote it, for a message: ``'N'``, ``3.5``, ``true``, ``a table``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class ArgKind:
    """One kind of engine argument (see the module docstring).

    ``check`` returns an :class:`Issue` for a value this kind refuses (``None`` when it accepts
    it); ``convert`` turns an accepted value into what the engine's function takes; ``choices``
    lists the allowed words of a choice.
    """

    name: str
    description: str
    check: Callable[[Any], Issue | None] = field(repr=False)
    convert: Callable[[Any], Any] = field(default=_same, repr=False)
    choices: tuple[Any, ...] = ()


# ----------------------------------------------------------------------------------------------
# Scalars
# ----------------------------------------------------------------------------------------------
def size_symbol(name: str) -> sp.Symbol:
    """A size written as a name: a positive integer symbol (as every size formula assumes)."""
    return sp.Symbol(name, integer=True, positive=True)


def _integer_issue(value: Any, minimum: int | None, what: str) -> Issue | None:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float):
            return Issue(f"{value!r} is a float: {what} is an exact integer")
        return Issue(f"expected {what}, got {_describe(value)}")
    if minimum is not None and value < minimum:
        return Issue(f"{value} is below {minimum}: expected {what}")
    return None


def _size_issue(value: Any) -> Issue | None:
    if isinstance(value, str):
        if IDENTIFIER.match(value):
            return None
        return Issue(
            f"{value!r} is neither an integer nor a size name (a letter, then letters, digits or _)"
        )
    return _integer_issue(value, 0, 'an integer ≥ 0 or a size name such as "N"')


def _size(value: Any) -> sp.Expr:
    return size_symbol(value) if isinstance(value, str) else sp.Integer(value)


SIZE = ArgKind(
    "size",
    'an integer ≥ 0, or a size name such as "N" (a positive integer symbol)',
    _size_issue,
    _size,
)


def _count_issue(value: Any) -> Issue | None:
    if isinstance(value, str) and IDENTIFIER.match(value):
        return Issue(
            f"needs a number here, got the size name {value!r} (this engine computes on "
            "concrete values)"
        )
    return _integer_issue(value, 1, "an integer ≥ 1")


COUNT = ArgKind("count", "an integer ≥ 1 (a concrete number, not a name)", _count_issue, int)


def integer(minimum: int | None = None) -> ArgKind:
    """An integer kind, with an optional lower bound."""
    what = "an integer" if minimum is None else f"an integer ≥ {minimum}"

    def check(value: Any) -> Issue | None:
        return _integer_issue(value, minimum, what)

    return ArgKind("integer" if minimum is None else f"integer ≥ {minimum}", what, check, int)


INTEGER = integer()
NONNEGATIVE = integer(0)


def _bool_issue(value: Any) -> Issue | None:
    return None if isinstance(value, bool) else Issue(f"expected true or false, got {value!r}")


BOOL = ArgKind("boolean", "true or false", _bool_issue)


def _text_issue(value: Any) -> Issue | None:
    return None if isinstance(value, str) else Issue(f"expected a string, got {_describe(value)}")


TEXT = ArgKind("string", "a string", _text_issue)


def _name_issue(value: Any) -> Issue | None:
    if not isinstance(value, str):
        return Issue(f'expected a name such as "W", got {_describe(value)}')
    if not IDENTIFIER.match(value):
        return Issue(f"{value!r} is not a name (a letter, then letters, digits or _)")
    return None


NAME = ArgKind("name", 'a name such as "W" (a tensor or a symbol)', _name_issue)


def _formula_issue(value: Any) -> Issue | None:
    if not isinstance(value, str) or not value.strip():
        return Issue(
            f'expected an index formula such as "y[i] = sum(w[k] * x[i + k])", got '
            f"{_describe(value)}"
        )
    if "=" not in value:
        return Issue(f"{value!r} is not an index formula: it has no '=' (write \"Z[i] = ...\")")
    return None


FORMULA = ArgKind(
    "formula",
    'an index formula, e.g. "Z[i,j] = sum(W[k1,k2] * X[i+k1, j+k2])"',
    _formula_issue,
)


def choice(values: Sequence[Any]) -> ArgKind:
    """One of a fixed list of words (or numbers); a near miss gets a suggestion."""
    allowed = tuple(values)

    def check(value: Any) -> Issue | None:
        if isinstance(value, bool) or value not in allowed:
            listed = ", ".join(repr(v) for v in allowed)
            hint = did_you_mean(value, [str(v) for v in allowed]) if isinstance(value, str) else ""
            return Issue(f"{_describe(value)} is not one of {listed}{hint}")
        return None

    listed = " | ".join(str(v) for v in allowed)
    return ArgKind("choice", f"one of {listed}", check, choices=allowed)


def _rational_issue(value: Any) -> Issue | None:
    if isinstance(value, bool | float):
        return Issue(f'{_describe(value)}: expected an integer or an exact rational "p/q"')
    if isinstance(value, int):
        return None
    if isinstance(value, str) and RATIONAL_TEXT.match(value.strip()):
        return Issue(f"{value!r} divides by zero") if _zero_denominator(value) else None
    return Issue(f'{_describe(value)}: expected an integer or an exact rational such as "-1/2"')


def _rational(value: Any) -> Fraction:
    return Fraction(value.strip()) if isinstance(value, str) else Fraction(value)


def _zero_denominator(value: Any) -> bool:
    return isinstance(value, str) and bool(re.search(r"/0+$", value.strip()))


def _spacing_issue(value: Any) -> Issue | None:
    if isinstance(value, str) and IDENTIFIER.match(value):
        return None
    issue = _rational_issue(value)
    if issue is not None:
        return Issue(issue.message + ' or a spacing name such as "h"')
    if _rational(value) <= 0:
        return Issue(f"{_describe(value)}: a spacing is positive")
    return None


def _spacing(value: Any) -> Any:
    return (
        sp.Symbol(value) if isinstance(value, str) and IDENTIFIER.match(value) else _rational(value)
    )


SPACING = ArgKind(
    "spacing",
    'a spacing name such as "h", or a positive integer or rational "p/q"',
    _spacing_issue,
    _spacing,
)


# ----------------------------------------------------------------------------------------------
# Lists of scalars
# ----------------------------------------------------------------------------------------------
def _each(values: Sequence[Any], check: Callable[[Any], Issue | None]) -> Issue | None:
    for position, value in enumerate(values):
        issue = check(value)
        if issue is not None:
            return Issue(f"entry {position + 1}: {issue.message}", issue.key)
    return None


def _sizes_issue(value: Any) -> Issue | None:
    if isinstance(value, list):
        if not value:
            return Issue("an empty list: give one size, or one per axis")
        return _each(value, _size_issue)
    return _size_issue(value)


def _sizes(value: Any) -> Any:
    return tuple(_size(v) for v in value) if isinstance(value, list) else _size(value)


SIZES = ArgKind(
    "size or sizes",
    "a size (every axis), or a list of sizes (one per axis)",
    _sizes_issue,
    _sizes,
)


def _shape_issue(value: Any) -> Issue | None:
    if not isinstance(value, list) or not value:
        return Issue(
            f'expected a list of sizes such as [32, 32] or ["B", "N"], got {_describe(value)}'
        )
    return _each(value, _size_issue)


SHAPE = ArgKind(
    "shape",
    'a list of sizes, e.g. [48, 64] or ["B", "N", "C"]',
    _shape_issue,
    lambda v: tuple(_size(x) for x in v),
)


def _counts_issue(value: Any) -> Issue | None:
    if isinstance(value, list):
        if not value:
            return Issue("an empty list: give one integer, or one per axis")
        return _each(value, _count_issue)
    return _count_issue(value)


COUNTS = ArgKind(
    "count or counts",
    "an integer ≥ 1 (every axis), or a list of them (one per axis); concrete numbers",
    _counts_issue,
    lambda v: tuple(int(x) for x in v) if isinstance(v, list) else int(v),
)


def _concrete_shape_issue(value: Any) -> Issue | None:
    if not isinstance(value, list) or not value:
        return Issue(f"expected a list of integers such as [5, 5], got {_describe(value)}")
    return _each(value, _count_issue)


CONCRETE_SHAPE = ArgKind(
    "concrete shape",
    "a list of integers ≥ 1, e.g. [3, 3] (concrete numbers)",
    _concrete_shape_issue,
    lambda v: tuple(int(x) for x in v),
)


def _names_issue(value: Any) -> Issue | None:
    if not isinstance(value, list):
        return Issue(f'expected a list of names such as ["H", "W"], got {_describe(value)}')
    return _each(value, _text_issue)


NAMES = ArgKind("names", 'a list of strings, e.g. ["H", "W"]', _names_issue, tuple)


# ----------------------------------------------------------------------------------------------
# Data: vectors, matrices and small tensors of exact entries
# ----------------------------------------------------------------------------------------------
def _entry_issue(value: Any) -> Issue | None:
    if isinstance(value, str) and IDENTIFIER.match(value):
        return None
    if isinstance(value, str) and RATIONAL_TEXT.match(value.strip()):
        return None if not _zero_denominator(value) else Issue(f"{value!r} divides by zero")
    if isinstance(value, int) and not isinstance(value, bool):
        return None
    return Issue(
        f'{_describe(value)} is not an exact entry (an integer, a rational "p/q", or a name '
        'such as "w_1"; floats are not exact)'
    )


def _entry(value: Any) -> sp.Expr:
    if isinstance(value, str):
        if IDENTIFIER.match(value):
            return sp.Symbol(value)
        return sp.Rational(value.strip())
    return sp.Integer(value)


def _depth(value: Any) -> int:
    return 1 + _depth(value[0]) if isinstance(value, list) and value else 0


def _tensor_issue(value: Any, most: int, numbers_only: bool) -> Issue | None:
    if not isinstance(value, list) or not value:
        return Issue(f"expected a list (or a list of lists) of entries, got {_describe(value)}")
    depth = _depth(value)
    if depth > most:
        return Issue(f"a list nested {depth} deep: at most {most} axes here")

    def walk(item: Any, level: int, where: str) -> Issue | None:
        if level < depth:
            if not isinstance(item, list) or not item:
                return Issue(f"entry {where}: {_describe(item)} where a row (a list) was expected")
            for position, inner in enumerate(item):
                issue = walk(inner, level + 1, f"{where}[{position}]")
                if issue is not None:
                    return issue
            return None
        if isinstance(item, list):
            return Issue(f"entry {where}: a list where a number was expected (uneven nesting)")
        issue = _entry_issue(item)
        if issue is None and numbers_only and isinstance(item, str) and IDENTIFIER.match(item):
            issue = Issue(f"{item!r} is a name: this engine computes on numbers")
        return None if issue is None else Issue(f"entry {where}: {issue.message}")

    issue = walk(value, 0, "")
    if issue is not None:
        return issue
    return _ragged(value)


def _ragged(value: list[Any]) -> Issue | None:
    """Rows of one tensor must have equal lengths, at every depth."""
    if not value or not isinstance(value[0], list):
        return None
    lengths = {len(row) for row in value}
    if len(lengths) > 1:
        return Issue(f"rows of unequal lengths {sorted(lengths)}: not a rectangular tensor")
    for row in value:
        issue = _ragged(row)
        if issue is not None:
            return issue
    return None


def _convert_tensor(value: Any) -> Any:
    if isinstance(value, list):
        return [_convert_tensor(item) for item in value]
    return _entry(value)


def tensor(most: int = 4, *, numbers_only: bool = False) -> ArgKind:
    """Exact data: a list of entries (1-D), a list of rows (2-D), … up to ``most`` axes."""
    what = "numbers" if numbers_only else 'numbers or names such as "w_1"'

    def check(value: Any) -> Issue | None:
        return _tensor_issue(value, most, numbers_only)

    return ArgKind(
        "numeric tensor" if numbers_only else "tensor",
        f"a list (1-D) or a list of rows (2-D{', ...' if most > 2 else ''}) of exact entries: "
        f'{what}, rationals as "p/q"',
        check,
        _convert_tensor,
    )


def _raw_matrix_issue(value: Any) -> Issue | None:
    if not isinstance(value, list) or not value or not all(isinstance(r, list) for r in value):
        return Issue(f"expected a matrix (a list of rows of integers), got {_describe(value)}")
    for row_number, row in enumerate(value):
        issue = _each(row, lambda v: _integer_issue(v, None, "an integer"))
        if issue is not None:
            return Issue(f"row {row_number + 1}, {issue.message}")
    return _ragged(value)


#: A matrix of integers passed as written (the NYU engines read it as nested lists).
INT_MATRIX = ArgKind(
    "integer matrix", "a list of rows of integers, e.g. [[1, -1], [1, -1]]", _raw_matrix_issue
)


def _raw_vector_issue(value: Any) -> Issue | None:
    if not isinstance(value, list) or not value:
        return Issue(f"expected a list of integers, got {_describe(value)}")
    return _each(value, lambda v: _integer_issue(v, None, "an integer"))


INT_VECTOR = ArgKind("integer list", "a list of integers, e.g. [1, 2, 3]", _raw_vector_issue)


# ----------------------------------------------------------------------------------------------
# Tables: layers, axes
# ----------------------------------------------------------------------------------------------
def table_issue(
    value: Any, required: Sequence[str], optional: Sequence[str], what: str
) -> Issue | None:
    """A table's keys: none missing, none unknown (with a suggestion)."""
    if not isinstance(value, dict):
        return Issue(f"expected {what} table {{ ... }}, got {_describe(value)}")
    known = (*required, *optional)
    for key in value:
        if key not in known:
            return Issue(
                f"unknown key {key!r} in {what}{did_you_mean(key, known)}; keys: "
                + ", ".join(known),
                key,
            )
    for key in required:
        if key not in value:
            return Issue(f"{what} without {key!r} (required: {', '.join(required)})")
    return None


def _list_of(value: Any, one: Callable[[Any], Issue | None], what: str) -> Issue | None:
    if not isinstance(value, list) or not value:
        return Issue(f"expected a non-empty list of {what}, got {_describe(value)}")
    for position, item in enumerate(value):
        issue = one(item)
        if issue is not None:
            return Issue(f"{what[:-1]} {position + 1}: {issue.message}", issue.key)
    return None


def _rf_layer_issue(value: Any) -> Issue | None:
    if isinstance(value, list):
        if len(value) not in (2, 3):
            return Issue(f"{_describe(value)}: expected [k, s] or [k, s, d]")
        return _each(value, _size_issue)
    issue = table_issue(value, ("kernel",), ("stride", "dilation"), "a layer")
    if issue is not None:
        return issue
    for key, item in value.items():
        inner = _size_issue(item)
        if inner is not None:
            return Issue(f"{key}: {inner.message}", key)
    return None


def _rf_layers(value: Any) -> tuple[tuple[sp.Expr, ...], ...]:
    layers = []
    for layer in value:
        if isinstance(layer, dict):
            layer = [layer["kernel"], layer.get("stride", 1), layer.get("dilation", 1)]
        layers.append(tuple(_size(v) for v in layer))
    return tuple(layers)


RECEPTIVE_LAYERS = ArgKind(
    "layers (k, s, d)",
    "a list of layers from the input side, each [k, s], [k, s, d] or "
    "{ kernel = k, stride = s, dilation = d }; sizes or size names",
    lambda v: _list_of(v, _rf_layer_issue, "layers"),
    _rf_layers,
)


def _axis_issue(value: Any) -> Issue | None:
    issue = table_issue(value, ("name",), ("size", "factors"), "an axis")
    if issue is not None:
        return issue
    if ("size" in value) == ("factors" in value):
        return Issue("an axis has either `size` or `factors` (a product such as [240, 10])")
    if not isinstance(value["name"], str):
        return Issue(f"name: expected a string, got {_describe(value['name'])}", "name")
    if "size" in value:
        size = _size_issue(value["size"])
        return None if size is None else Issue(f"size: {size.message}", "size")
    factors = value["factors"]
    if not isinstance(factors, list) or not factors:
        return Issue("factors: expected a list of sizes", "factors")
    inner = _each(factors, _size_issue)
    return None if inner is None else Issue(f"factors: {inner.message}", "factors")


AXES = ArgKind(
    "axes",
    'a list of axes, each { name = "...", size = n } or { name = "...", factors = [a, b] }',
    lambda v: _list_of(v, _axis_issue, "axes"),
)


# ----------------------------------------------------------------------------------------------
# Convolution options
# ----------------------------------------------------------------------------------------------
PADDING_WORDS = ("valid", "same", "full")


def _padding_issue(value: Any, concrete: bool) -> Issue | None:
    def single(item: Any) -> Issue | None:
        if concrete:
            return _integer_issue(item, 0, "an integer ≥ 0")
        return _size_issue(item)

    if isinstance(value, str) and value in PADDING_WORDS:
        return None
    if isinstance(value, str) and closest(value, PADDING_WORDS) is not None:
        # a size name that reads like a misspelt word is taken for the word
        return Issue(
            f"{value!r} is not a padding{did_you_mean(value, PADDING_WORDS)}: a size, 'valid', "
            "'same' or 'full'"
        )
    if isinstance(value, str) and not IDENTIFIER.match(value):
        hint = did_you_mean(value, PADDING_WORDS)
        return Issue(f"{value!r} is not a padding: a size, 'valid', 'same' or 'full'{hint}")
    if isinstance(value, str) and concrete:
        return Issue(
            f"needs a number here, got the size name {value!r} (or 'valid', 'same', 'full')"
            + did_you_mean(value, PADDING_WORDS)
        )
    if isinstance(value, list):
        if not value:
            return Issue("an empty padding list: one value per axis")
        for position, item in enumerate(value):
            if isinstance(item, list):
                if len(item) != 2:
                    return Issue(f"axis {position + 1}: {item!r} is not a [before, after] pair")
                issue = _each(item, single)
            else:
                issue = single(item)
            if issue is not None:
                return Issue(f"axis {position + 1}: {issue.message}")
        return None
    return single(value)


def _padding(value: Any) -> Any:
    if isinstance(value, str) and value in PADDING_WORDS:
        return value
    if isinstance(value, list):
        return tuple(
            tuple(_size(v) for v in item) if isinstance(item, list) else _size(item)
            for item in value
        )
    return _size(value)


PADDING = ArgKind(
    "padding",
    "zeros on each side: a size, one per axis, [before, after] pairs, or 'valid' | 'same' | 'full'",
    lambda v: _padding_issue(v, concrete=False),
    _padding,
)


def _concrete_padding(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(tuple(item) if isinstance(item, list) else item for item in value)
    return value


CONCRETE_PADDING = ArgKind(
    "padding (concrete)",
    "zeros on each side: an integer, one per axis, [before, after] pairs, or 'valid' | "
    "'same' | 'full'",
    lambda v: _padding_issue(v, concrete=True),
    _concrete_padding,
)


def _bias_issue(value: Any) -> Issue | None:
    if isinstance(value, bool):
        return None
    return _tensor_issue(value, 1, numbers_only=False)


BIAS = ArgKind(
    "bias",
    "true (entries named b), false, or a list of entries, one per output channel",
    _bias_issue,
    lambda v: v if isinstance(v, bool) else _convert_tensor(v),
)


# ----------------------------------------------------------------------------------------------
# The layers of a stack
# ----------------------------------------------------------------------------------------------
#: Every key of a convolution layer of a stack, with its kind.
LAYER_KEYS: dict[str, ArgKind] = {
    "kernel": SIZES,
    "out_channels": SIZE,
    "stride": SIZES,
    "padding": PADDING,
    "dilation": SIZES,
    "groups": SIZE,
    "bias": BOOL,
}


def _layer_issue(value: Any) -> Issue | None:
    issue = table_issue(
        value,
        ("kernel", "out_channels"),
        ("stride", "padding", "dilation", "groups", "bias"),
        "a layer",
    )
    if issue is not None:
        return issue
    for key, item in value.items():
        inner = LAYER_KEYS[key].check(item)
        if inner is not None:
            return Issue(f"{key}: {inner.message}", inner.key or key)
    return None


def _layers_issue(value: Any) -> Issue | None:
    return _list_of(value, _layer_issue, "layers")


def _convert_layers(value: Any) -> tuple[Any, ...]:
    from symconv.sizes.costs import ConvLayer

    return tuple(
        ConvLayer(**{key: LAYER_KEYS[key].convert(item) for key, item in layer.items()})
        for layer in value
    )


CONV_LAYERS = ArgKind(
    "layers",
    "a list of layer tables from the input side, each { kernel, out_channels, stride, padding, "
    "dilation, groups, bias } (kernel and out_channels required)",
    _layers_issue,
    _convert_layers,
)


# ----------------------------------------------------------------------------------------------
# Stencils
# ----------------------------------------------------------------------------------------------
def _offset_issue(value: Any) -> Issue | None:
    if isinstance(value, list):
        if not value:
            return Issue("an empty point")
        return _each(value, _rational_issue)
    if isinstance(value, str) and SIGNED_NAME.match(value):
        return None
    return _rational_issue(value)


def _offsets_issue(value: Any) -> Issue | None:
    if not isinstance(value, list) or not value:
        return Issue(
            'expected a list of offsets: [-1, 0, 1], ["-1/2", "1/2"], ["-h_m", 0, "h_p"] '
            f"or points [[0, 0], [1, 0], ...], got {_describe(value)}"
        )
    points = {isinstance(item, list) for item in value}
    if len(points) > 1:
        return Issue("mixes numbers and points: every offset is a number (1-D) or a point (N-D)")
    if True in points and len({len(item) for item in value}) > 1:
        return Issue("points of different dimensions")
    return _each(value, _offset_issue)


def _offset(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_rational(v) for v in value)
    if isinstance(value, str):
        match = SIGNED_NAME.match(value)
        if match:
            symbol = sp.Symbol(match.group(2))
            return -symbol if match.group(1) == "-" else symbol
    return _rational(value)


OFFSETS = ArgKind(
    "offsets",
    'offsets in units of h: numbers or rationals "p/q" (1-D), points [x, y] (N-D), or signed '
    'spacing names such as "-h_m"',
    _offsets_issue,
    lambda v: [_offset(item) for item in v],
)


def _derivative_issue(value: Any) -> Issue | None:
    if isinstance(value, list):
        if not value:
            return Issue("an empty multi-index")
        issue = _each(value, lambda v: _integer_issue(v, 0, "an integer ≥ 0"))
        if issue is None and sum(value) < 1:
            return Issue(f"{value!r}: the multi-index has order 0")
        return issue
    return _integer_issue(value, 1, "an order ≥ 1 or a multi-index such as [1, 1]")


DERIVATIVE = ArgKind(
    "derivative",
    "an order n ≥ 1 (d^n/dx^n; the Laplacian power in N-D), or a multi-index [1, 1] (∂²/∂x∂y)",
    _derivative_issue,
    lambda v: tuple(v) if isinstance(v, list) else int(v),
)


# ----------------------------------------------------------------------------------------------
# Annotated aliases: what an engine's signature says
# ----------------------------------------------------------------------------------------------
Size: TypeAlias = Annotated[sp.Expr, SIZE]
Sizes: TypeAlias = Annotated[Any, SIZES]
Shape: TypeAlias = Annotated[tuple[sp.Expr, ...], SHAPE]
Count: TypeAlias = Annotated[int, COUNT]
Counts: TypeAlias = Annotated[Any, COUNTS]
ConcreteShape: TypeAlias = Annotated[tuple[int, ...], CONCRETE_SHAPE]
Integer: TypeAlias = Annotated[int, INTEGER]
Nonnegative: TypeAlias = Annotated[int, NONNEGATIVE]
Flag: TypeAlias = Annotated[bool, BOOL]
Text: TypeAlias = Annotated[str, TEXT]
Name: TypeAlias = Annotated[str, NAME]
Names: TypeAlias = Annotated[Sequence[str], NAMES]
Formula: TypeAlias = Annotated[str, FORMULA]
Tensor: TypeAlias = Annotated[Any, tensor()]
NumericTensor: TypeAlias = Annotated[Any, tensor(2, numbers_only=True)]
IntMatrix: TypeAlias = Annotated[Any, INT_MATRIX]
IntVector: TypeAlias = Annotated[Sequence[int], INT_VECTOR]
Padding: TypeAlias = Annotated[Any, PADDING]
ConcretePadding: TypeAlias = Annotated[Any, CONCRETE_PADDING]
Bias: TypeAlias = Annotated[Any, BIAS]
ConvLayers: TypeAlias = Annotated[Any, CONV_LAYERS]
ReceptiveLayers: TypeAlias = Annotated[Any, RECEPTIVE_LAYERS]
Axes: TypeAlias = Annotated[Sequence[Mapping[str, Any]], AXES]
Offsets: TypeAlias = Annotated[Any, OFFSETS]
Derivative: TypeAlias = Annotated[Any, DERIVATIVE]
Spacing: TypeAlias = Annotated[Any, SPACING]


# ----------------------------------------------------------------------------------------------
# Size names: what a set's formulas read as quantities
# ----------------------------------------------------------------------------------------------
def size_names(kind: ArgKind, value: Any) -> set[str]:
    """The size names (``"N"``, ``"s"``) a value of ``kind`` holds: they become symbols of the
    derivation, quantities of the set (``quantities`` inferred from the data).

    >>> sorted(size_names(SHAPE, ["B", "N", 3]))
    ['B', 'N']
    >>> sorted(size_names(AXES, [{"name": "images", "size": "B"}]))
    ['B']
    >>> size_names(FORMULA, "y[i] = x[i]")
    set()
    """
    if kind is AXES:
        found: set[str] = set()
        for axis in value if isinstance(value, list) else []:
            if isinstance(axis, dict):
                found |= _identifiers([axis.get("size"), axis.get("factors")])
        return found
    if kind in (SIZE, SIZES, SHAPE, PADDING, RECEPTIVE_LAYERS, CONV_LAYERS):
        return _identifiers(value)
    return set()


def _identifiers(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value} if IDENTIFIER.match(value) and value not in PADDING_WORDS else set()
    if isinstance(value, list):
        return set().union(*(_identifiers(item) for item in value)) if value else set()
    if isinstance(value, dict):
        return _identifiers(list(value.values()))
    return set()
