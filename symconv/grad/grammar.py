"""The string form of an index formula, read by the project's own LALR grammar (never ``eval``).

The grammar is ``index_formula.lark`` (next to this module). It reads

* tensor entries ``X[i, n, 2*j + k - 1]`` and gradients ``dJ/dZ[i, m, j]`` (or ``∂J/∂Z[...]``);
* ``+ - * /``, powers ``x^2``/``x**2``, implicit products ``W[m,n,k] X[i,n,j+k]``, ``2 j``;
* integers and decimals, read as exact rationals (``0.5`` is ``1/2``);
* functions: every name right before ``(`` is looked up in the registry of elementwise functions
  (:mod:`symconv.grad.functions`: ``sigmoid`` (``σ``), ``tanh``, ``relu``, ``leaky_relu``,
  ``elu``, ``gelu``, ``gelu_tanh``, ``silu``/``swish``, ``softplus``, ``exp``, ``log``, ``sqrt``,
  ``abs`` and the user's own) or is ``max``/``min``/``floor``/``ceil``; an unknown name is an
  :class:`~symconv.errors.UnknownFunctionError`, never a product;
* sums: ``sum(body)`` (indices inferred), ``sum(body, n, k)``, ``sum_{n,k} body``, ``sum_k body``,
  ``sum_{k=0}^{K-1} body`` (also ``Σ``); a subscripted sum's body is the product that follows it;
* after the equation, declarations separated by ``;``, ``,`` or ``where``: a shape ``X: (N, C, I)``,
  a range ``0 <= j < O``, ``j < O`` or ``1 <= j <= O``, a binding ``s = 2`` or ``O = I - K + 1``.

Index and size names written with digits get the subscript the field writes: ``j1`` is ``j_1``.
Names inside brackets are indices (when they read an axis bare, are on the left, or are summed) or
integer parameters (a stride ``s``); names in limits and declarations are sizes; other names are
real scalars.

    >>> f = parse_index_formula("Z[i,m,j] = sum_{n,k} W[m,n,k] X[i,n,2*j+k-1]")
    >>> f.rhs
    Sum(W[m, n, k]*X[i, n, 2*j + k - 1], (n, 0, N - 1), (k, 0, K - 1))
    >>> parse_index_formula("y[t] = sum_k w[k] x[t - d k]; d = 2").rhs
    Sum(w[k]*x[-2*k + t], (k, 0, K - 1))
    >>> parse_index_formula("Z[i,j] = X[i,j] ^ 2 / 2").rhs
    X[i, j]**2/2

Errors name the text, the column and what was expected:

    >>> parse_index_formula("y[i] = gelu(x[i]) + mish(x[i])")
    Traceback (most recent call last):
    ...
    symconv.errors.UnknownFunctionError: unknown function mish(...): the known functions are abs, \
ceil, elu, exp, floor, gelu, gelu_tanh, leaky_relu, log, max, min, relu, sigmoid, silu, softplus, \
sqrt, swish, tanh, σ; register your own with symconv.grad.functions.register_function(name, \
forward, derivative) (for a product, write mish*(...))
      y[i] = gelu(x[i]) + mish(x[i])
                          ^

    >>> parse_index_formula("Z[i,j] = X[i,j +")
    Traceback (most recent call last):
    ...
    symconv.grad.grammar.FormulaParseError: cannot read the index formula at column 17:
    expected one of '(', '+', '-', '{', a function, a gradient dJ/dZ[...], a name, a number, a sum
      Z[i,j] = X[i,j +
                      ^
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import sympy as sp
from lark import Lark, Token, Transformer, UnexpectedInput, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken, VisitError

from symconv.core.parser_tables import ParserSpec
from symconv.core.safe import as_sympy
from symconv.errors import FormulaError, SymconvError, UnknownFunctionError
from symconv.grad.formula import IndexFormula, index_symbol, range_placeholder, size_symbol
from symconv.grad.functions import apply_function, known_function_names
from symconv.grad.inference import RESERVED_NAMES, AutoSum, infer_formula
from symconv.grad.notation import GradientBase, gradient_label

GRAMMAR_FILE = "index_formula.lark"

#: How a terminal is named in an error message.
TERMINAL_NAMES: dict[str, str] = {
    "NAME": "a name",
    "NUMBER": "a number",
    "FUNCTION": "a function",
    "CALL_NAME": "a function",
    "SUM": "a sum",
    "SUM_SUB": "a sum",
    "GRADIENT": "a gradient dJ/dZ[...]",
    "_LE": "'<='",
    "_LT": "'<'",
    "_POW": "'^'",
    "$END": "the end of the formula",
}


class FormulaParseError(FormulaError):
    """An index formula that could not be read: the ``text``, the 1-based ``column`` and what
    was ``expected`` there."""


#: The grammar and its options; its LALR tables ship beside it (:mod:`symconv.core.parser_tables`).
PARSER = ParserSpec(
    "symconv.grad",
    GRAMMAR_FILE,
    {"start": ["start", "size_start"], "propagate_positions": True},
)


@cache
def _parser() -> Lark:
    return PARSER.load()


def _literal_names() -> dict[str, str]:
    names = dict(TERMINAL_NAMES)
    for terminal in _parser().terminals:
        pattern = terminal.pattern
        if pattern.type == "str":
            names.setdefault(terminal.name, f"'{pattern.value}'")
    return names


def _expected(names: Sequence[str] | set[str]) -> list[str]:
    readable = _literal_names()
    return sorted({readable.get(name, name) for name in names})


def _normal_name(name: str) -> str:
    """``j1`` → ``j_1`` (the subscript the field writes)."""
    match = re.fullmatch(r"([A-Za-z]+)(\d+)", name)
    return f"{match.group(1)}_{match.group(2)}" if match else name


@dataclass(frozen=True)
class _Declaration:
    kind: str  # "shape", "range", "bind"
    name: str
    values: tuple[Any, ...]


@v_args(inline=True)
class _ToSympy(Transformer):
    """Builds SymPy from the parse tree with *plain* symbols; assumptions come afterwards."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def number(self, token: Token) -> sp.Rational:
        return sp.Rational(str(token))

    def name(self, token: Token) -> sp.Symbol:
        return sp.Symbol(_normal_name(str(token)))

    def add(self, left: Any, right: Any) -> Any:
        return left + right

    def subtract(self, left: Any, right: Any) -> Any:
        return left - right

    def multiply(self, left: Any, right: Any) -> Any:
        return left * right

    def divide(self, left: Any, right: Any) -> Any:
        return left / right

    def negate(self, value: Any) -> Any:
        return -value

    def power(self, base: Any, exponent: Any) -> Any:
        return base**exponent

    def tensor_entry(self, name: Token, *indices: Any) -> sp.Indexed:
        return sp.IndexedBase(str(name))[indices]

    def gradient_entry(self, token: Token, *indices: Any) -> sp.Indexed:
        of, wrt = re.split(r"/", str(token), maxsplit=1)
        return GradientBase(gradient_label(of[1:], wrt[1:]))[indices]

    def call(self, function: Token, *args: Any) -> Any:
        name = str(function)
        try:
            return apply_function(name, args)
        except UnknownFunctionError:
            raise UnknownFunctionError(
                name, known_function_names(), self.text, getattr(function, "column", None)
            ) from None
        except TypeError as error:
            raise _SemanticError(str(error), function) from None

    def auto_sum(self, _sum: Token, body: Any) -> Any:
        return AutoSum(body)

    def named_sum_call(self, _sum: Token, body: Any, *names: Token) -> sp.Sum:
        return _open_sum(body, names)

    def named_sum(self, _sum: Token, *parts: Any) -> sp.Sum:
        *names, body = parts
        return _open_sum(body, names)

    def limited_sum(self, _sum: Token, name: Token, lower: Any, upper: Any, body: Any) -> sp.Sum:
        return sp.Sum(body, (sp.Symbol(_normal_name(str(name))), lower, upper))

    def equation(self, lhs: Any, rhs: Any) -> tuple[Any, Any]:
        return lhs, rhs

    def shape_declaration(self, name: Token, *sizes: Any) -> _Declaration:
        return _Declaration("shape", str(name), tuple(s for s in sizes if s is not None))

    def range_below(self, name: Token, upper: Any) -> _Declaration:
        return _Declaration("range", _normal_name(str(name)), (sp.Integer(0), upper - 1))

    def range_between(self, lower: Any, name: Token, upper: Any) -> _Declaration:
        return _Declaration("range", _normal_name(str(name)), (lower, upper - 1))

    def range_inclusive(self, lower: Any, name: Token, upper: Any) -> _Declaration:
        return _Declaration("range", _normal_name(str(name)), (lower, upper))

    def binding(self, name: Token, value: Any) -> _Declaration:
        return _Declaration("bind", _normal_name(str(name)), (value,))

    def start(self, equation: tuple[Any, Any], *declarations: _Declaration) -> Any:
        return equation, declarations

    def size_start(self, value: Any) -> Any:
        return value


def _open_sum(body: Any, names: Sequence[Token]) -> sp.Sum:
    symbols = [sp.Symbol(_normal_name(str(n))) for n in names]
    if len(set(symbols)) != len(symbols):
        raise _SemanticError(
            f"an index is summed twice in sum_{{{', '.join(map(str, names))}}}", names[0]
        )
    return sp.Sum(body, *((k, 0, range_placeholder(k) - 1) for k in symbols))


class _SemanticError(Exception):
    def __init__(self, message: str, token: Token | None):
        super().__init__(message)
        self.column = getattr(token, "column", None)


def _parse_tree(text: str, start: str) -> Any:
    if not text.strip():
        raise FormulaParseError("the index formula is empty", text, None, ["an equation"])
    try:
        tree = _parser().parse(text, start=start)
        return _ToSympy(text).transform(tree)
    except UnexpectedCharacters as error:
        expected = _expected(error.allowed or set())
        raise FormulaParseError(
            f"cannot read the index formula at column {error.column}: unexpected character "
            f"{text[error.pos_in_stream or 0]!r}; expected one of {', '.join(expected)}",
            text,
            error.column,
            expected,
        ) from None
    except UnexpectedEOF as error:
        expected = _expected(error.expected)
        column = len(text) + 1
        raise FormulaParseError(
            f"cannot read the index formula at column {column}: it ends too early; expected one of "
            f"{', '.join(expected)}",
            text,
            column,
            expected,
        ) from None
    except UnexpectedToken as error:
        expected = _expected(error.expected)
        column = error.column if isinstance(error.column, int) else len(text) + 1
        found = "the end" if error.token.type == "$END" else repr(str(error.token))
        if error.token.type == "$END":
            column = len(text) + 1
            message = (
                f"cannot read the index formula at column {column}: expected one of "
                + ", ".join(expected)
            )
        else:
            message = (
                f"cannot read the index formula at column {column}: unexpected {found}; "
                f"expected one of {', '.join(expected)}"
            )
        raise FormulaParseError(message, text, column, expected) from None
    except UnexpectedInput as error:  # pragma: no cover - the three above are exhaustive
        raise FormulaParseError(
            f"cannot read the index formula: {error}", text, getattr(error, "column", None), []
        ) from None
    except VisitError as error:
        original = error.orig_exc
        if isinstance(original, _SemanticError):
            raise FormulaParseError(
                f"cannot read the index formula: {original}", text, original.column, []
            ) from None
        if isinstance(original, SymconvError):
            raise original from None
        raise FormulaParseError(
            f"cannot read the index formula: {original}", text, None, []
        ) from None


def parse_size_expression(text: str) -> sp.Expr:
    """A size expression such as ``I - K + 1`` or ``floor((I + 2 p - K)/s) + 1``; its names are
    size symbols (positive integers).

    >>> parse_size_expression("I1 - K1 + 1")
    I_1 - K_1 + 1
    """
    value = _parse_tree(text, "size_start")
    value = as_sympy(value)
    return value.xreplace(
        {s: size_symbol(s.name) for s in value.free_symbols if isinstance(s, sp.Symbol)}
    )


def parse_index_formula(
    text: str,
    *,
    shapes: Mapping[str, Sequence[Any]] | None = None,
    ranges: Mapping[str, Any] | None = None,
    bind: Mapping[str, Any] | None = None,
    known_shapes: Mapping[str, Sequence[Any]] | None = None,
    reserved: Sequence[str] = (),
) -> IndexFormula:
    """Read the string form into an :class:`IndexFormula` (see the module docstring).

    ``known_shapes`` are shapes another formula already fixed (a checker compares a candidate with
    a reference this way); they are used for the tensors the text reads and ignored for the rest.
    ``reserved`` are names a generated size must not take besides ``J`` and every name the text
    writes (the loss of ``upstream="L"``).
    """
    (lhs, rhs), declarations = _parse_tree(text, "start")
    if not isinstance(lhs, sp.Indexed):  # pragma: no cover - the grammar only allows entries
        raise FormulaParseError("the left side must be a tensor entry", text, 1, ["a tensor entry"])
    declared_shapes: dict[str, tuple[Any, ...]] = {}
    declared_ranges: dict[str, Any] = {}
    bindings: dict[str, Any] = {}
    for declaration in declarations:
        if declaration.kind == "shape":
            declared_shapes[declaration.name] = declaration.values
        elif declaration.kind == "range":
            declared_ranges[declaration.name] = declaration.values
        else:
            bindings[declaration.name] = declaration.values[0]
    lhs, rhs, typed = _assign_kinds(lhs, as_sympy(rhs), declared_ranges, declarations)
    declared_shapes = {
        name: tuple(as_sympy(v).xreplace(typed) for v in values)
        for name, values in declared_shapes.items()
    }
    declared_ranges = {
        name: tuple(as_sympy(v).xreplace(typed) for v in values)
        for name, values in declared_ranges.items()
    }
    bindings = {name: as_sympy(v).xreplace(typed) for name, v in bindings.items()}
    read_names = {
        str(r.base.label) for r in sp.preorder_traversal(rhs) if isinstance(r, sp.Indexed)
    }
    read_names.add(str(lhs.base.label))
    merged_shapes: dict[str, Any] = {
        name: tuple(values) for name, values in (known_shapes or {}).items() if name in read_names
    }
    merged_shapes.update(declared_shapes)
    merged_shapes.update(shapes or {})
    formula = infer_formula(
        lhs,
        rhs,
        shapes=merged_shapes,
        ranges={**declared_ranges, **(ranges or {})},
        bind={**bindings, **(bind or {})},
        reserved=RESERVED_NAMES | set(reserved),
        text=text,
    )
    # The text is the whole formula unless bindings were given beside it: then the second,
    # independent reading of the text (symconv.grad.second_reading) can check it.
    return replace(formula, from_text=not bind)


def _assign_kinds(
    lhs: sp.Indexed,
    rhs: sp.Expr,
    declared_ranges: Mapping[str, Any],
    declarations: Sequence[_Declaration],
) -> tuple[sp.Indexed, sp.Expr, dict[sp.Symbol, sp.Symbol]]:
    """Give every plain symbol its kind: index, integer parameter, size or real scalar."""
    index_names = {s.name for s in lhs.indices if isinstance(s, sp.Symbol)} | set(declared_ranges)
    in_positions: set[str] = set()
    in_limits: set[str] = set()
    for node in sp.preorder_traversal(rhs):
        if isinstance(node, sp.Indexed):
            for position in node.indices:
                if isinstance(position, sp.Symbol):
                    index_names.add(position.name)
                in_positions |= {s.name for s in position.free_symbols}
        elif isinstance(node, sp.Sum):
            for limit in node.limits:
                index_names.add(limit[0].name)
                in_limits |= {s.name for part in limit[1:] for s in part.free_symbols}
    for declaration in declarations:
        for value in declaration.values:
            in_limits |= {s.name for s in as_sympy(value).free_symbols}
    typed: dict[sp.Symbol, sp.Symbol] = {}
    everything = set(lhs.free_symbols) | set(rhs.free_symbols)
    for node in sp.preorder_traversal(rhs):
        if isinstance(node, sp.Sum):
            everything |= {limit[0] for limit in node.limits}
    for declaration in declarations:
        for value in declaration.values:
            everything |= as_sympy(value).free_symbols
    for symbol in everything:
        if not isinstance(symbol, sp.Symbol) or symbol.name.startswith("⟨"):
            continue
        name = symbol.name
        if name in index_names:
            typed[symbol] = index_symbol(name)
        elif name in in_limits:
            typed[symbol] = size_symbol(name)
        elif name in in_positions:
            typed[symbol] = sp.Symbol(name, integer=True, nonnegative=True)
        else:
            typed[symbol] = sp.Symbol(name, real=True)
    # Placeholders are keyed by the plain index; re-key them by the typed one.
    placeholders = {
        range_placeholder(plain): range_placeholder(typed[plain])
        for plain in typed
        if typed[plain].name in index_names
    }
    mapping = {**typed, **placeholders}
    return lhs.xreplace(mapping), rhs.xreplace(mapping), typed


def parse_equation_sides(text: str) -> tuple[sp.Indexed, sp.Expr]:
    """The two sides of the string form with kinds assigned and sizes not yet inferred."""
    (lhs, rhs), declarations = _parse_tree(text, "start")
    lhs, rhs, _ = _assign_kinds(lhs, as_sympy(rhs), {}, declarations)
    return lhs, rhs


__all__ = [
    "FormulaParseError",
    "parse_equation_sides",
    "parse_index_formula",
    "parse_size_expression",
]
