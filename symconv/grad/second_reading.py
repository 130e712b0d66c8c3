"""A second, independent reading of a forward formula's text, for the numeric self-check.

The differentiator reads the text with the grammar (:mod:`symconv.grad.grammar`); if that reading
were wrong, a check built on it would confirm the wrong gradient. So the numeric check evaluates
the forward pass from this reading instead, which shares no code with the grammar or the
inference: a documented textual normalisation to a Python expression, ``ast.parse``, and a small
evaluator that walks the tree with a whitelist (nothing is ever ``eval``-ed). It shares only the
registry of elementwise functions (:mod:`symconv.grad.functions`), whose entries are proven
separately.

The normalisation, in order:

1. the equation is split from its declarations (after ``;``, ``where`` or a comma outside
   brackets); bindings ``d = 2`` are kept, shapes and ranges are not needed (the caller gives the
   tensors, and the output's index ranges);
2. the text is cut into numbers, names and operators (any other character is refused); a decimal
   ``0.25`` becomes ``(25/100)``, ``^`` becomes ``**``, braces become parentheses and ``Σ`` is
   ``sum``; ``dJ/dZ[...]`` gradients are not needed for forwards and are refused;
3. a subscripted sum, ``sum_{n,k} P``, ``sum_k P`` or ``sum_{k=0}^{B} P``, becomes the call
   ``sum(P, n, k)`` or ``sum(P, (k, 0, B))``, where ``P`` is the product that follows (factors
   joined by ``*``, ``/``, powers or juxtaposition);
4. juxtaposition is multiplication: ``*`` goes between the end of an operand and the start of the
   next, except a name right before ``(`` (a call) or ``[`` (a tensor entry).

``sum(body)`` without names sums over the indices of ``body`` (names read bare as a tensor's
position, ``k`` in ``W[k]``) that are neither on the left nor summed outside and that appear
outside nested ``sum(...)`` calls, or in more than one. A summed index runs over its explicit
limits, else over the length of an axis it reads bare, else over the range the caller gives.
Entries outside a tensor read as zero.

    >>> import numpy as np
    >>> reading = read_forward_text("y[t] = sum_k w[k] x[t - d k]; d = 2")
    >>> reading.python
    'sum(w[k] * x[t - d * k], k)'
    >>> reading.evaluate({"x": np.arange(5.0), "w": np.array([1.0, 10.0])}, [(0, 4)])
    array([ 0.,  1.,  2., 13., 24.])
    >>> read_forward_text("y[i] = y[i-1] + x[i]")
    Traceback (most recent call last):
    ...
    symconv.errors.SecondReadingError: y[i] = y[i-1] + x[i]: the output y is read on the right
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import product
from typing import Any

import numpy as np

from symconv.core.patterns import lazy_compile
from symconv.errors import SecondReadingError, SymconvError

_TOKEN = lazy_compile(
    r"(?P<space>\s+)"
    r"|(?P<number>\d+(?:\.\d+)?)"
    r"|(?P<sumsub>(?:sum|Σ)_)"
    r"|(?P<name>[^\W\d]\w*'*)"
    r"|(?P<op>\*\*|[-+*/^()\[\]{},=])"
)
_OPERAND_END = {"number", "name", ")", "]"}
_OPERAND_START = {"number", "name", "(", "sumsub"}


@dataclass(frozen=True)
class _Token:
    kind: str  # "number", "name", "sumsub" or the operator itself
    text: str


def _tokens(text: str, where: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise SecondReadingError(f"{where}: cannot read {text[position]!r} at {position + 1}")
        position = match.end()
        kind = match.lastgroup or ""
        if kind == "space":
            continue
        value = match.group()
        if kind == "op":
            tokens.append(_Token(value, value))
        elif kind == "name" and value in ("Σ", "sum"):
            tokens.append(_Token("name", "sum"))
        else:
            tokens.append(_Token(kind, value))
    return tokens


# ----------------------------------------------------------------------------------------------
# Step 1: equation and declarations
# ----------------------------------------------------------------------------------------------
def _split_top_level(text: str) -> list[str]:
    """Pieces separated by ``;``, ``where`` or a comma outside brackets."""
    pieces, depth, start, position = [], 0, 0, 0
    while position < len(text):
        char = text[position]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth == 0 and (char in ";," or text.startswith("where", position)):
            before = text[position - 1] if position else " "
            after = text[position + 5] if position + 5 < len(text) else " "
            is_word = char == "w" and not (before.isalnum() or after.isalnum() or after == "_")
            if char in ";," or is_word:
                pieces.append(text[start:position])
                position += 5 if char == "w" else 1
                start = position
                continue
        position += 1
    pieces.append(text[start:])
    return [piece for piece in pieces if piece.strip()]


# ----------------------------------------------------------------------------------------------
# Steps 2-4: tokens to a Python expression
# ----------------------------------------------------------------------------------------------
class _Normaliser:
    def __init__(self, tokens: list[_Token], where: str) -> None:
        self.tokens = tokens
        self.where = where

    def fail(self, message: str) -> SecondReadingError:
        return SecondReadingError(f"{self.where}: {message}")

    def closing(self, start: int) -> int:
        """The index of the bracket closing the one at ``start``."""
        pairs = {"(": ")", "[": "]", "{": "}"}
        depth = 0
        for position in range(start, len(self.tokens)):
            kind = self.tokens[position].kind
            if kind in pairs:
                depth += 1
            elif kind in pairs.values():
                depth -= 1
                if depth == 0:
                    return position
        raise self.fail("a bracket is not closed")

    def primary_end(self, position: int) -> int:
        """One past the end of the operand starting at ``position`` (power included)."""
        if position >= len(self.tokens):
            raise self.fail("the formula ends where an operand was expected")
        token = self.tokens[position]
        if token.kind == "sumsub":
            end = self.product_end(self.header_end(position))
        elif token.kind in ("(", "{"):
            end = self.closing(position) + 1
        elif token.kind == "number":
            end = position + 1
        elif token.kind == "name":
            end = position + 1
            if end < len(self.tokens) and self.tokens[end].kind in ("[", "("):
                end = self.closing(end) + 1
        else:
            raise self.fail(f"unexpected {token.text!r}")
        if end < len(self.tokens) and self.tokens[end].kind in ("^", "**"):
            exponent = end + 1
            while exponent < len(self.tokens) and self.tokens[exponent].kind in "+-":
                exponent += 1
            end = self.primary_end(exponent)
        return end

    def product_end(self, position: int) -> int:
        """One past the end of the product starting at ``position`` (a subscripted sum's body)."""
        while position < len(self.tokens) and self.tokens[position].kind in "+-":
            position += 1
        end = self.primary_end(position)
        while end < len(self.tokens):
            kind = self.tokens[end].kind
            if kind in ("*", "/"):
                following = end + 1
                while following < len(self.tokens) and self.tokens[following].kind in "+-":
                    following += 1
                end = self.primary_end(following)
            elif kind in _OPERAND_START:
                end = self.primary_end(end)
            else:
                break
        return end

    def header_end(self, position: int) -> int:
        """One past a sum's subscript (and superscript)."""
        following = position + 1
        if following < len(self.tokens) and self.tokens[following].kind == "{":
            end = self.closing(following) + 1
            if end < len(self.tokens) and self.tokens[end].kind in ("^", "**"):
                bound = end + 1
                if bound < len(self.tokens) and self.tokens[bound].kind == "{":
                    return self.closing(bound) + 1
                return bound + 1
            return end
        return following + 1

    def rewrite(self, start: int, stop: int) -> list[_Token]:
        """Tokens ``start:stop`` with subscripted sums as calls (step 3)."""
        result: list[_Token] = []
        position = start
        while position < stop:
            token = self.tokens[position]
            if token.kind != "sumsub":
                result.append(token)
                position += 1
                continue
            header = self.header_end(position)
            end = self.product_end(header)
            limits = self.limits(position + 1, header)
            result += [_Token("name", "sum"), _Token("(", "(")]
            result += self.rewrite(header, end)
            result += [*limits, _Token(")", ")")]
            position = end
        return result

    def limits(self, start: int, stop: int) -> list[_Token]:
        """``, n, k`` or ``, (k, lower, upper)`` for the subscript ``start:stop``."""
        inside = self.tokens[start:stop]
        if len(inside) == 1 and inside[0].kind == "name":
            return [_Token(",", ","), inside[0]]
        if not inside or inside[0].kind != "{":
            raise self.fail("cannot read a sum's subscript")
        close = self.closing(start)
        subscript = self.tokens[start + 1 : close]
        if any(t.kind == "=" for t in subscript):
            name, _, *lower = subscript
            upper = self.tokens[close + 2 : stop]
            if upper and upper[0].kind == "{":
                upper = upper[1:-1]
            return [
                _Token(",", ","),
                _Token("(", "("),
                name,
                _Token(",", ","),
                *self.rewrite_list(lower),
                _Token(",", ","),
                *self.rewrite_list(upper),
                _Token(")", ")"),
            ]
        result: list[_Token] = []
        for token in subscript:
            if token.kind == "name":
                result += [_Token(",", ","), token]
            elif token.kind != ",":
                raise self.fail("a sum's subscript lists names")
        return result

    def rewrite_list(self, tokens: list[_Token]) -> list[_Token]:
        return _Normaliser(tokens, self.where).rewrite(0, len(tokens))


def _python(tokens: list[_Token], names: dict[str, str]) -> str:
    """Step 2 and 4 on rewritten tokens: Python text, every name replaced by a safe one."""
    out: list[str] = []
    previous = ""
    for position, token in enumerate(tokens):
        kind = token.kind
        call = previous == "name" and kind == "("
        if previous in _OPERAND_END and kind in ("number", "name", "(") and not call:
            out.append("*")
        if kind == "number":
            whole, _, decimals = token.text.partition(".")
            out.append(f"({int(whole + decimals)}/{10 ** len(decimals)})" if decimals else whole)
        elif kind == "name":
            if (
                token.text == "sum"
                and position + 1 < len(tokens)
                and tokens[position + 1].kind == "("
            ):
                out.append("sum")
            else:
                out.append(names.setdefault(token.text, f"_v{len(names)}"))
        elif kind == "^":
            out.append("**")
        elif kind in ("{", "}"):
            out.append("(" if kind == "{" else ")")
        elif kind == "=":
            raise SecondReadingError(f"unexpected '=' in {''.join(t.text for t in tokens)}")
        else:
            out.append(kind)
        previous = "name" if kind == "name" else ")" if kind == "}" else kind
    return " ".join(out)


# ----------------------------------------------------------------------------------------------
# The reading
# ----------------------------------------------------------------------------------------------
_ALLOWED_BINARY = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)


@dataclass(frozen=True)
class SecondReading:
    """A forward formula read from its text by :func:`read_forward_text`."""

    text: str
    output: str
    left: tuple[str, ...]
    rhs: ast.expr
    bindings: Mapping[str, ast.expr]
    names: Mapping[str, str]  # safe name → the name written
    python: str = field(compare=False)

    def evaluate(
        self,
        tensors: Mapping[str, Any],
        ranges: Sequence[tuple[int, int]],
        values: Mapping[str, Any] | None = None,
        index_ranges: Mapping[str, tuple[int, int]] | None = None,
    ) -> np.ndarray:
        """The right side at every value of the left indices (``ranges``, inclusive), on the
        ``tensors`` (by name); ``values`` give parameters and sizes by name, ``index_ranges`` the
        range of a summed index that neither limits nor a bare axis decide."""
        if len(ranges) != len(self.left):
            raise SecondReadingError(
                f"{self.text}: {len(self.left)} left indices, {len(ranges)} ranges"
            )
        run = _Run(
            self, {k: np.asarray(v) for k, v in tensors.items()}, values or {}, index_ranges or {}
        )
        spans = [range(low, high + 1) for low, high in ranges]
        flat = [
            float(run.value(self.rhs, dict(zip(self.left, point, strict=True))))
            for point in product(*spans)
        ]
        return np.array(flat, dtype=float).reshape([len(s) for s in spans])


def read_forward_text(text: str) -> SecondReading:
    """Read ``text`` (a forward formula in the string form) the second way (module docstring)."""
    if re.search(r"(?<![A-Za-z0-9_])d\w+/d\w+\s*\[", text):
        raise SecondReadingError(f"{text}: a gradient dJ/dZ[...] is not part of a forward")
    pieces = _split_top_level(text)
    if not pieces or "=" not in pieces[0]:
        raise SecondReadingError(f"{text}: no equation")
    lhs_text, _, rhs_text = pieces[0].partition("=")
    lhs = _tokens(lhs_text, text)
    if (
        len(lhs) < 4
        or lhs[0].kind != "name"
        or lhs[1].kind != "["
        or lhs[-1].kind != "]"
        or any(t.kind not in ("name", ",") for t in lhs[2:-1])
    ):
        raise SecondReadingError(f"{text}: the left side is not an entry with plain indices")
    output = lhs[0].text
    left = tuple(t.text for t in lhs[2:-1] if t.kind == "name")
    if len(set(left)) != len(left):
        raise SecondReadingError(f"{text}: an index repeats on the left")
    names: dict[str, str] = {}
    rhs_python = _normalise(rhs_text, text, names)
    bindings: dict[str, ast.expr] = {}
    for declaration in pieces[1:]:
        match = re.fullmatch(r"\s*([^\W\d]\w*)\s*=(.*)", declaration, flags=re.S)
        if match and "<" not in declaration:
            value = _normalise(match.group(2), text, names)
            bindings[match.group(1)] = _parse(value, text)
    rhs = _parse(rhs_python, text)
    safe_names = {safe: written for written, safe in names.items()}
    renamed = _Renamer(safe_names).visit(rhs)
    bindings = {name: _Renamer(safe_names).visit(value) for name, value in bindings.items()}
    reading = SecondReading(text, output, left, renamed, bindings, safe_names, _unparse(renamed))
    if any(_tensor_of(node) == output for node in ast.walk(renamed)):
        raise SecondReadingError(f"{text}: the output {output} is read on the right")
    return reading


def _normalise(text: str, where: str, names: dict[str, str]) -> str:
    tokens = _tokens(text, where)
    rewritten = _Normaliser(tokens, where).rewrite(0, len(tokens))
    return _python(rewritten, names)


def _parse(python: str, where: str) -> ast.expr:
    try:
        tree = ast.parse(python, mode="eval")
    except SyntaxError as error:
        raise SecondReadingError(f"{where}: cannot read it ({error.msg})") from None
    for node in ast.walk(tree):
        allowed = (
            ast.Expression,
            ast.BinOp,
            ast.UnaryOp,
            ast.Constant,
            ast.Name,
            ast.Load,
            ast.Subscript,
            ast.Tuple,
            ast.Call,
            *_ALLOWED_BINARY,
            ast.USub,
            ast.UAdd,
        )
        if not isinstance(node, allowed):
            raise SecondReadingError(f"{where}: {type(node).__name__} is not part of a formula")
        if isinstance(node, ast.Constant) and not isinstance(node.value, int):
            raise SecondReadingError(f"{where}: the constant {node.value!r} is not a number")
        if isinstance(node, ast.Call) and (node.keywords or not isinstance(node.func, ast.Name)):
            raise SecondReadingError(f"{where}: a call is a name and arguments")
        if isinstance(node, ast.Subscript) and not isinstance(node.value, ast.Name):
            raise SecondReadingError(f"{where}: only a tensor name is indexed")
    return tree.body


class _Renamer(ast.NodeTransformer):
    def __init__(self, names: Mapping[str, str]) -> None:
        self.names = names

    def visit_Name(self, node: ast.Name) -> ast.Name:
        return ast.Name(id=self.names.get(node.id, node.id), ctx=ast.Load())


def _unparse(node: ast.expr) -> str:
    return ast.unparse(node)


def _tensor_of(node: ast.AST) -> str | None:
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        return node.value.id
    return None


def _positions(node: ast.Subscript) -> list[ast.expr]:
    return list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]


def _bare_names(node: ast.AST) -> set[str]:
    """Names read bare as a tensor position anywhere in ``node``."""
    found: set[str] = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.Subscript):
            found |= {p.id for p in _positions(inner) if isinstance(p, ast.Name)}
    return found


def _is_sum(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "sum"


def _explicit_names(node: ast.Call) -> list[str]:
    names = []
    for limit in node.args[1:]:
        target = limit.elts[0] if isinstance(limit, ast.Tuple) and limit.elts else limit
        if not isinstance(target, ast.Name):
            raise SecondReadingError(f"{ast.unparse(node)}: a sum's index is a name")
        names.append(target.id)
    return names


def _names_in(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


class _Run:
    """One evaluation: tensors, values, and the inferred indices of each ``sum(body)``."""

    def __init__(
        self,
        reading: SecondReading,
        tensors: Mapping[str, np.ndarray],
        values: Mapping[str, Any],
        index_ranges: Mapping[str, tuple[int, int]],
    ) -> None:
        self.reading = reading
        self.tensors = tensors
        self.values = values
        self.index_ranges = index_ranges
        self.indices = set(reading.left) | _bare_names(reading.rhs)
        for node in ast.walk(reading.rhs):
            if _is_sum(node) and isinstance(node, ast.Call):
                self.indices |= set(_explicit_names(node))
        self.own: dict[int, list[str]] = {}
        self.binding_stack: list[str] = []
        #: The range of a summed index that no limit gives, by the axes it reads (fixed for one
        #: run: the tensors do not change; found once, not again at every output entry).
        self.axis_spans: dict[str, range] = {}

    def fail(self, message: str) -> SecondReadingError:
        return SecondReadingError(f"{self.reading.text}: {message}")

    # -- the names of sum(body) ----------------------------------------------------------------
    def own_indices(self, node: ast.Call, bound: set[str]) -> list[str]:
        if id(node) in self.own:
            return self.own[id(node)]
        if len(node.args) > 1:
            names = _explicit_names(node)
        else:
            candidates = self.indices - bound
            outside: set[str] = set()
            nested: dict[str, int] = {}

            def walk(inner: ast.AST) -> None:
                if _is_sum(inner) and isinstance(inner, ast.Call):
                    mentioned = _names_in(inner.args[0]) & candidates if inner.args else set()
                    if len(inner.args) > 1:
                        outside.update(mentioned - set(_explicit_names(inner)))
                    else:
                        for name in mentioned:
                            nested[name] = nested.get(name, 0) + 1
                    return
                if isinstance(inner, ast.Name) and inner.id in candidates:
                    outside.add(inner.id)
                for child in ast.iter_child_nodes(inner):
                    walk(child)

            if len(node.args) != 1:
                raise self.fail("sum() takes a body")
            walk(node.args[0])
            names = sorted(outside | {n for n, count in nested.items() if count > 1})
            if not names:
                raise self.fail(f"{ast.unparse(node)} has no index to sum over")
        self.own[id(node)] = names
        return names

    def span(self, node: ast.Call, name: str, env: dict[str, Any]) -> range:
        for limit in node.args[1:]:
            parts = limit.elts if isinstance(limit, ast.Tuple) else []
            if parts and isinstance(parts[0], ast.Name) and parts[0].id == name:
                if len(parts) != 3:
                    raise self.fail("a sum's limits are (index, lower, upper)")
                low = self.integer(self.value(parts[1], env))
                high = self.integer(self.value(parts[2], env))
                return range(low, high + 1)
        if name not in self.axis_spans:
            self.axis_spans[name] = self.axis_span(name)
        return self.axis_spans[name]

    def axis_span(self, name: str) -> range:
        """The range of ``name`` from the lengths of the axes it reads (or the ranges given)."""
        lengths = set()
        for inner in ast.walk(self.reading.rhs):
            tensor = _tensor_of(inner)
            if tensor is None or not isinstance(inner, ast.Subscript):
                continue
            for axis, position in enumerate(_positions(inner)):
                if isinstance(position, ast.Name) and position.id == name:
                    if tensor not in self.tensors:
                        raise self.fail(f"no tensor {tensor} given")
                    lengths.add(int(np.shape(self.tensors[tensor])[axis]))
        if len(lengths) > 1:
            raise self.fail(f"index {name} reads axes of lengths {sorted(lengths)}")
        if lengths:
            return range(lengths.pop())
        for spelling in (name, re.sub(r"([A-Za-z]+)(\d+)", r"\1_\2", name)):
            if spelling in self.index_ranges:
                low, high = self.index_ranges[spelling]
                return range(low, high + 1)
        raise self.fail(f"no range for the summed index {name}")

    # -- values ----------------------------------------------------------------------------
    def integer(self, value: Any) -> int:
        if isinstance(value, int):
            return value
        if isinstance(value, Fraction) and value.denominator == 1:
            return int(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise self.fail(f"index value {value} is not an integer")

    def name(self, identifier: str, env: dict[str, Any]) -> Any:
        if identifier in env:
            return env[identifier]
        for spelling in (identifier, re.sub(r"([A-Za-z]+)(\d+)", r"\1_\2", identifier)):
            if spelling in self.reading.bindings:
                if spelling in self.binding_stack:
                    raise self.fail(f"the binding of {spelling} refers to itself")
                self.binding_stack.append(spelling)
                try:
                    return self.value(self.reading.bindings[spelling], {})
                finally:
                    self.binding_stack.pop()
            if spelling in self.values:
                value = self.values[spelling]
                number = float(value)
                return int(number) if number.is_integer() else number
        if identifier in self.indices:
            raise self.fail(f"index {identifier} is neither on the left nor summed")
        raise self.fail(f"{identifier} has no value")

    def value(self, node: ast.AST, env: dict[str, Any]) -> Any:
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return Fraction(node.value)
        if isinstance(node, ast.Name):
            return self.name(node.id, env)
        if isinstance(node, ast.UnaryOp):
            operand = self.value(node.operand, env)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            left, right = self.value(node.left, env), self.value(node.right, env)
            try:
                if isinstance(node.op, ast.Add):
                    return left + right
                if isinstance(node.op, ast.Sub):
                    return left - right
                if isinstance(node.op, ast.Mult):
                    return left * right
                if isinstance(node.op, ast.Div):
                    return left / right
                result = left**right
            except (ZeroDivisionError, OverflowError) as error:
                raise self.fail(f"{ast.unparse(node)}: {error}") from None
            if isinstance(result, complex):
                raise self.fail(f"{ast.unparse(node)} is not real here")
            return result
        if isinstance(node, ast.Subscript):
            return self.read(node, env)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self.call(node, env)
        raise self.fail(f"cannot evaluate {ast.unparse(node)}")

    def read(self, node: ast.Subscript, env: dict[str, Any]) -> Any:
        tensor_name = _tensor_of(node)
        if tensor_name is None or tensor_name not in self.tensors:
            raise self.fail(f"no tensor {tensor_name} given")
        tensor = self.tensors[tensor_name]
        point = tuple(self.integer(self.value(p, env)) for p in _positions(node))
        if len(point) != tensor.ndim:
            raise self.fail(f"{tensor_name} has {tensor.ndim} axes, read with {len(point)}")
        if any(not 0 <= p < size for p, size in zip(point, tensor.shape, strict=True)):
            return 0
        return float(tensor[point])

    def call(self, node: ast.Call, env: dict[str, Any]) -> Any:
        assert isinstance(node.func, ast.Name)
        function = node.func.id
        if function == "sum":
            return self.summation(node, env)
        args = [self.value(arg, env) for arg in node.args]
        if function in ("max", "min") and len(args) >= 2:
            return max(args) if function == "max" else min(args)
        if function in ("floor", "ceil") and len(args) == 1:
            return math.floor(args[0]) if function == "floor" else math.ceil(args[0])
        from symconv.grad.functions import function_entry

        try:
            entry = function_entry(function)
            return entry.numeric(*(float(a) for a in args))
        except SymconvError as error:
            raise self.fail(f"{function}(...): {error}") from None
        except (TypeError, ValueError, OverflowError) as error:
            raise self.fail(f"{function}{tuple(float(a) for a in args)}: {error}") from None

    def summation(self, node: ast.Call, env: dict[str, Any]) -> Any:
        if not node.args:
            raise self.fail("sum() takes a body")
        names = self.own_indices(node, set(env))
        spans = [self.span(node, name, env) for name in names]
        total: Any = 0
        for point in product(*spans):
            inner = {**env, **dict(zip(names, point, strict=True))}
            total = total + self.value(node.args[0], inner)
        return total


__all__ = ["SecondReading", "read_forward_text"]
