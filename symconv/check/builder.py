"""From the parse tree of a LaTeX formula to its SymPy meaning (the parser's "transformer").

The grammar gives syntax; this module gives meaning, deciding what the field's notation means:

* juxtaposition: ``2x(t)``, ``h x'(t)``, ``W[k] X[j+k]`` — a *name followed by parentheses* is
  an application if the name is a function (declared, conventional, or shown to be one in the
  same segment by ``f(x, y)``/``f'(x)``), a product if it is a quantity, and otherwise
  **ambiguous** (both readings are built and reported); a name followed by brackets is indexing;
* subscripts: ``x_{11}`` (digits) is the entry *name* ``x_{11}`` (as
  :func:`symconv.tensors.entries` names it), ``x_i``/``x_{ij}``/``x_{i,j}``/``x_{t-k+1}`` are
  *indexing* (``Indexed``), ``C_{in}``/``x_{\\text{out}}`` are names, ``\\delta_{ij}`` is
  Kronecker's delta;
* superscripts: ``x^T`` transposes, ``f^{(4)}(x)`` and primes differentiate an application,
  ``x'`` and ``x^{(l)}`` alone are names, ``e^{-z}`` is ``exp(-z)``;
* derivatives: ``\\frac{\\partial J}{\\partial W[k]}`` is the entry ``∂J/∂W[k]`` of the gradient
  tensor (an ``IndexedBase`` labelled ``∂J/∂W``, as :mod:`symconv.grad` labels it),
  ``\\frac{\\partial y_i}{\\partial z_j}`` a :class:`~symconv.check.nodes.Partial`, and
  ``\\frac{\\partial^2 f}{\\partial x \\partial y}``/``\\frac{d}{dx}`` a SymPy ``Derivative``;
* operators: ``\\otimes``, ``\\tilde{\\otimes}``, ``\\odot``, ``*`` between tensors (a product or a
  convolution: ambiguous unless declared), the operator ``d`` (``d^2 x(t)``), ``\\nabla^2``.

Numbers are exact: ``5.89824e9`` and ``5.89824 \\times 10^{9}`` are the integer 5898240000.
Nothing here evaluates user text as code; every failure is a :class:`ParseError`.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

import sympy as sp
from lark import Token, Tree

from symconv.check import nodes
from symconv.check.parsed import Chain, MatrixLiteral, Side
from symconv.check.symbols import SymbolTable, greek_name, name_key
from symconv.errors import ParseError

#: Largest decimal exponent of a number literal (``1e400`` is fine, ``1e99999`` is refused).
MAX_LITERAL_EXPONENT = 1000
#: Powers and factorials of numbers whose result would exceed this many digits stay unevaluated.
MAX_RESULT_DIGITS = 5000
#: Largest power of a matrix literal that is multiplied out (symbolic entries grow fast).
MAX_MATRIX_POWER = 8
#: Largest matrix whose determinant (``|M|``, ``vmatrix``) is expanded; larger ones stay
#: ``Determinant(M)`` (a symbolic determinant of order n has n! terms).
MAX_DETERMINANT_ORDER = 4

_REL_NAMES = {
    "=": "=", ":=": ":=", "=:": "=:", "\\coloneqq": ":=", "≔": ":=", "\\triangleq": ":=",
    "≜": ":=", "\\eqqcolon": "=:", "\\approx": "≈", "≈": "≈", "\\simeq": "≈", "≃": "≈",
    "\\approxeq": "≈", "\\doteq": "≈", "\\cong": "≡", "≅": "≡", "\\equiv": "≡", "≡": "≡",
    "\\sim": "∼", "∼": "∼", "\\neq": "≠", "\\ne": "≠", "!=": "≠", "≠": "≠", "<": "<",
    "\\lt": "<", ">": ">", "\\gt": ">", "\\le": "≤", "\\leq": "≤", "\\leqslant": "≤", "<=": "≤",
    "≤": "≤", "\\ge": "≥", "\\geq": "≥", "\\geqslant": "≥", ">=": "≥", "≥": "≥", "\\ll": "≪",
    "≪": "≪", "\\gg": "≫", "≫": "≫", "\\in": "∈", "∈": "∈", "\\notin": "∉", "∉": "∉",
    "\\subset": "⊂", "⊂": "⊂", "\\subseteq": "⊆", "⊆": "⊆", "\\supset": "⊃", "\\supseteq": "⊇",
    "\\propto": "∝", "∝": "∝", "\\to": "→", "\\rightarrow": "→", "\\longrightarrow": "→",
    "\\mapsto": "→", "→": "→", "..": "..",
}  # fmt: skip

_MUL_NAMES = {
    "\\cdot": "·", "·": "·", "⋅": "·", "\\times": "×", "×": "×", "*": "*", "\\ast": "*",
    "∗": "*", "\\star": "*", "⋆": "*", "/": "/", "\\div": "/", "÷": "/", "\\otimes": "⊗",
    "⊗": "⊗", "\\odot": "⊙", "⊙": "⊙", "\\circledast": "⊛", "\\circledcirc": "⊛",
    "\\bmod": "mod", "\\oslash": "⊘",
}  # fmt: skip

#: Operators that write a shape when they join bare sizes: ``46 \\times 62 \\times 10``.
_SHAPE_OPS = frozenset({"×", "*"})

_BUILTIN_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "exp": sp.exp, "log": sp.log, "ln": sp.log, "lg": lambda x: sp.log(x, 10), "sin": sp.sin,
    "cos": sp.cos, "tan": sp.tan, "cot": sp.cot, "sec": sp.sec, "csc": sp.csc,
    "arcsin": sp.asin, "arccos": sp.acos, "arctan": sp.atan, "sinh": sp.sinh, "cosh": sp.cosh,
    "tanh": sp.tanh, "coth": sp.coth, "max": sp.Max, "min": sp.Min, "ceil": sp.ceiling,
    "floor": sp.floor, "abs": sp.Abs, "sign": sp.sign, "sgn": sp.sign, "sqrt": sp.sqrt,
    "gcd": sp.gcd, "O": nodes.BigO,
}  # fmt: skip

#: Function words normalised to one spelling (Ceil(·) is ceiling, ReLU is relu).
_FUNCTION_SPELLING = {"Ceil": "ceil", "Floor": "floor", "ReLU": "relu", "Relu": "relu"}

#: Subscripts that are words, not index lists, although short: C_{in}, W_{out}, x_{max}.
_NAME_SUBSCRIPTS = frozenset(
    "in out max min avg eff new old tot pad dil ker ch obs std err opt ref est fwd bwd "
    "pool conv sum mean var lr dt dx".split()
)

_TRANSPOSE_MARKS = frozenset({"T", "\\top", "\\intercal", "\\transpose", "\\mathsf{T}", "\\mathrm{T}"})  # fmt: skip

_BIGOPS = {
    "sum": "sum", "∑": "sum", "prod": "prod", "∏": "prod", "max": "max", "min": "min",
    "sup": "max", "inf": "min", "argmax": "argmax", "argmin": "argmin", "lim": "lim",
}  # fmt: skip

_EXTREMA: dict[str, Any] = {
    "max": nodes.MaxOver, "min": nodes.MinOver, "argmax": nodes.ArgMaxOver, "argmin": nodes.ArgMinOver,
}  # fmt: skip


# ----------------------------------------------------------------------------------------------
# Internal values that must not escape into a result
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _PartialMark:
    """``\\partial J`` (operand J) or a bare ``\\partial``: half of a derivative."""

    operand: Any
    order: int
    column: int


@dataclass(frozen=True)
class _PartialMarks:
    """``\\partial x \\partial y``: the denominator of a mixed derivative written with ``/``."""

    marks: tuple[_PartialMark, ...]


@dataclass(frozen=True)
class _DiffOperator:
    """``\\frac{\\partial}{\\partial x}`` or ``\\frac{d}{dt}``: applies to what follows."""

    variables: tuple[tuple[Any, int], ...]
    apply: Callable[[Any, Sequence[tuple[Any, int]]], Any]


@dataclass(frozen=True)
class _Marker:
    """``\\top`` or ``\\prime`` outside a superscript."""

    name: str


_INTERNAL = (_PartialMark, _PartialMarks, _DiffOperator, _Marker)


@dataclass
class _Item:
    """One factor of a juxtaposition, before its meaning is decided."""

    kind: str  # name | func | number | partial | nabla | value | paren | bracket | tree | bigop
    start: int
    end: int
    name: str = ""
    raw: str = ""
    tree: Any = None
    value: Any = None
    subs: list[Any] = field(default_factory=list)
    sups: list[Any] = field(default_factory=list)
    primes: int = 0
    bang: bool = False
    roman: bool = False  # a multi-letter name written upright (\mathrm{...}): a function name

    @property
    def has_postfix(self) -> bool:
        return bool(self.subs or self.sups or self.primes or self.bang)


def _is_matrix(value: Any) -> bool:
    return isinstance(value, sp.MatrixBase)


class Builder:
    """Builds statements of one math text; one instance per reading.

    ``choices`` picks a reading at each ambiguity key (0 = first, 1 = second); ``evidence`` holds
    what the segment showed (``"function:x"``, ``"tensor:W"``, ``"operator:d"``).
    """

    def __init__(
        self,
        text: str,
        table: SymbolTable,
        choices: dict[str, int] | None = None,
        evidence: set[str] | None = None,
    ) -> None:
        self.text = text
        self.table = table
        self.choices = choices or {}
        self.evidence = set(evidence or ())
        self.found: set[str] = set()
        self.missing: set[str] = set()
        self.ambiguities: dict[str, str] = {}
        self.matrices: list[MatrixLiteral] = []

    # ------------------------------------------------------------------------------------------
    # Statements, chains, sides
    # ------------------------------------------------------------------------------------------
    def chain(self, tree: Tree, lead: str | None) -> Chain:
        children = tree.children
        sides: list[Side | None] = []
        relations: list[str] = []
        if isinstance(children[0], Token):
            sides.append(None)
        for child in children:
            if isinstance(child, Token):
                relations.append(self._relation(child))
            else:
                sides.append(self._side(child))
        start, end = self._span(tree)
        return Chain(tuple(sides), tuple(relations), self.text[start:end], start, end, lead)

    def _side(self, tree: Tree) -> Side:
        expr_tree = tree.children[0]
        value = self.expr(expr_tree)
        self._check_final(value, tree)
        start, end = self._span(tree)
        factors = self._shape_factors(expr_tree)
        return Side(value, self.text[start:end], start, end, factors)

    def _shape_factors(self, expr_tree: Any) -> tuple[Any, ...] | None:
        """The factors of ``a \\times b \\times c`` (also in brackets, ``[5\\times4]``)."""
        node = expr_tree
        if (
            node.data == "factor"
            and len(node.children) == 1
            and isinstance(node.children[0], Tree)
            and node.children[0].data in ("bracket", "paren")
        ):
            chains = [c for c in node.children[0].children[1].children if isinstance(c, Tree)]
            if len(chains) == 1 and len(chains[0].children) == 1:
                node = chains[0].children[0].children[0]
        if node.data != "term":
            return None
        operators = [child for child in node.children if isinstance(child, Token)]
        if not all(
            token.type == "MULOP" and _MUL_NAMES.get(re.sub(r"\s+", "", token.value)) in _SHAPE_OPS
            for token in operators
        ):
            return None
        return tuple(self.expr(child) for child in node.children if isinstance(child, Tree))

    def _check_final(self, value: Any, tree: Any) -> None:
        if isinstance(value, (_PartialMark, _PartialMarks)):
            raise ParseError(
                f"\\partial outside a derivative at column {self._span(tree)[0]} of "
                f"{self.text!r}: write \\frac{{\\partial J}}{{\\partial x}}"
            )
        if isinstance(value, _DiffOperator):
            raise ParseError(f"a derivative operator with nothing to act on in {self.text!r}")
        if isinstance(value, _Marker):
            raise ParseError(f"\\{value.name} outside a superscript in {self.text!r}")

    def _relation(self, token: Token) -> str:
        text = re.sub(r"\s+", "", token.value)
        if text.startswith(("\\overset", "\\stackrel")):
            over, below = text[: text.rindex("{")], text[text.rindex("{") + 1 : -1]
            relation = _REL_NAMES.get(below, "=")
            return ":=" if "def" in over and relation == "=" else relation
        return _REL_NAMES.get(text, text)

    def _span(self, node: Any) -> tuple[int, int]:
        if node is None:
            return 0, 0
        if isinstance(node, Token):
            return node.start_pos or 0, node.end_pos or 0
        meta = node.meta
        if getattr(meta, "empty", True):
            return 0, 0
        return meta.start_pos, meta.end_pos

    def _raw(self, node: Any) -> str:
        start, end = self._span(node)
        return self.text[start:end]

    def _column(self, node: Any) -> int:
        return self._span(node)[0] + 1

    # ------------------------------------------------------------------------------------------
    # Expressions
    # ------------------------------------------------------------------------------------------
    def expr(self, tree: Any, head: Callable[..., Any] | None = None) -> Any:
        kind = tree.data
        if kind == "sum":
            return self._sum(tree)
        if kind == "term":
            return self._term(tree, head)
        if kind in ("piece", "factor"):
            return self._juxt(self._items_of(tree), head)
        if kind == "bigop":
            return self._bigop(tree)
        raise ParseError(f"unexpected {kind} in {self.text!r}")  # pragma: no cover

    def _sum(self, tree: Tree) -> Any:
        terms: list[Any] = []
        sign = 1
        for child in tree.children:
            if isinstance(child, Token):
                sign *= self._sign(child)
                continue
            value = self.expr(child)
            self._check_final(value, child)
            terms.append(self._negate(value) if sign < 0 else value)
            sign = 1
        if all(isinstance(term, sp.Expr) for term in terms):
            return sp.Add(*terms)  # one call: adding term by term is quadratic in SymPy
        return reduce(lambda a, b: self._add(a, b, tree), terms)

    def _sign(self, token: Token) -> int:
        text = token.value
        if text in ("\\pm", "±", "\\mp", "∓"):
            key = f"pm@{token.start_pos}"
            self.ambiguities[key] = (
                f"'{text}' at column {token.start_pos + 1} stands for two formulas"
            )
            first = 1 if text in ("\\pm", "±") else -1
            return first if self.choices.get(key, 0) == 0 else -first
        return -1 if text in ("-", "−") else 1

    def _scalar(self, value: Any, what: str) -> Any:
        """``value`` if it is an expression (not a set, tuple, matrix or condition)."""
        if isinstance(value, sp.Expr) and not isinstance(
            value, (nodes.ListPattern, sp.Tuple, sp.MatrixBase, sp.MatrixExpr)
        ):
            return value
        self._check_final(value, None)
        raise ParseError(f"{what} of {value}, which is not a number or a formula, in {self.text!r}")

    def _arithmetic(self, value: Any, what: str) -> Any:
        """``value`` if it can take part in arithmetic: an expression or a matrix."""
        if _is_matrix(value) or isinstance(value, nodes.ListPattern):
            if any(not isinstance(entry, sp.Expr) for entry in _entries(value)):
                raise ParseError(f"{what} of a matrix with non-numeric entries in {self.text!r}")
            return value
        return self._scalar(value, what)

    def _negate(self, value: Any) -> Any:
        return -self._arithmetic(value, "the negative")

    def _add(self, a: Any, b: Any, where: Any) -> Any:
        a, b = self._arithmetic(a, "a sum"), self._arithmetic(b, "a sum")
        if _is_matrix(a) and _is_matrix(b):
            if a.shape != b.shape:
                raise ParseError(
                    f"adding a {a.shape[0]}×{a.shape[1]} and a {b.shape[0]}×{b.shape[1]} matrix "
                    f"at column {self._column(where)} of {self.text!r}"
                )
            return a + b
        if _is_matrix(a) or _is_matrix(b) or isinstance(a, nodes.ListPattern):
            raise ParseError(f"cannot add {a} and {b} in {self.text!r}")
        return a + b

    def _term(self, tree: Tree, head: Callable[..., Any] | None = None) -> Any:
        children = tree.children
        acc = self.expr(children[0], head)
        index = 1
        while index < len(children):
            op_token = children[index]
            index += 1
            sign = 1
            if isinstance(children[index], Token):  # a sign: a \times -1
                sign = self._sign(children[index])
                index += 1
            rhs_tree = children[index]
            index += 1
            rhs = self.expr(rhs_tree)
            if sign < 0:
                rhs = self._negate(rhs)
            acc = self._combine(acc, op_token, rhs, rhs_tree)
        return acc

    def _combine(self, acc: Any, op_token: Token, rhs: Any, rhs_tree: Any) -> Any:
        op = _MUL_NAMES.get(re.sub(r"\s+", "", op_token.value), None)
        if op is None:  # \tilde{\otimes}
            op = "⊗̃"
        if op == "/":
            return self._slash(acc, rhs, rhs_tree, op_token)
        for value in (acc, rhs):
            self._check_final(value, op_token)
        if op in ("·", "×"):
            return self._mul(acc, rhs)
        if op == "*":
            return self._star(acc, rhs, op_token)
        if op == "⊗":
            return nodes.Convolution(acc, rhs, "otimes")
        if op == "⊗̃":
            return nodes.Convolution(acc, rhs, "wide")
        if op == "⊛":
            return nodes.Convolution(acc, rhs, "circledast")
        if op == "⊙":
            return nodes.Hadamard(acc, rhs)
        if op == "mod":
            return sp.Mod(acc, rhs)
        raise ParseError(f"operator {op_token.value!r} is not supported (in {self.text!r})")

    def _slash(self, acc: Any, rhs: Any, rhs_tree: Any, op_token: Token) -> Any:
        marks_num = acc if isinstance(acc, _PartialMark) else None
        marks_den = rhs.marks if isinstance(rhs, _PartialMarks) else None
        if isinstance(rhs, _PartialMark):
            marks_den = (rhs,)
        if marks_num is not None and marks_den is not None:
            variables = []
            for mark in marks_den:
                if mark.operand is None:
                    raise ParseError(f"\\partial without a variable in {self.text!r}")
                variables.append(self._variable_and_order(mark.operand, mark.order))
            if marks_num.operand is None:
                return _DiffOperator(tuple(variables), self._derivative)
            return self._derivative(marks_num.operand, variables)
        self._check_final(acc, op_token)
        self._check_final(rhs, op_token)
        items = self._items_of(rhs_tree) if rhs_tree.data in ("piece", "factor") else []
        if len(items) >= 2 and not any(item.kind == "bigop" for item in items):
            key = f"slash@{op_token.start_pos}"
            right = self._raw(rhs_tree)
            self.ambiguities[key] = (
                f"'/{right}' at column {op_token.start_pos + 1}: divide by the whole of {right!r}, "
                f"or by its first factor only? Write \\frac{{...}}{{...}} or parentheses"
            )
            if self.choices.get(key, 0) == 1:
                first = self._juxt(items[:1])
                rest = self._juxt(items[1:])
                return self._mul(self._divide(acc, first), rest)
        return self._divide(acc, rhs)

    def _variable_and_order(self, operand: Any, order: int) -> tuple[Any, int]:
        """``x^2`` in ``\\partial x^2`` is the variable x, twice."""
        if isinstance(operand, sp.Pow) and operand.exp.is_Integer and operand.exp > 0:
            return operand.base, int(operand.exp) * order
        return operand, order

    def _divide(self, a: Any, b: Any) -> Any:
        a = self._arithmetic(a, "a quotient")
        b = self._scalar(b, "a division")
        return a / b

    def _mul(self, a: Any, b: Any) -> Any:
        a, b = self._arithmetic(a, "a product"), self._arithmetic(b, "a product")
        if _is_matrix(a) and _is_matrix(b):
            if a.shape[1] == b.shape[0]:
                return sp.ImmutableMatrix(a * b)
            return nodes.MatrixTimes(a, b)
        if _is_matrix(a):
            # a matrix followed by a quantity is a matrix applied to it (C x), unless a number
            return a * b if getattr(b, "is_number", False) else nodes.MatrixTimes(a, b)
        if _is_matrix(b):
            return b * a if getattr(a, "is_number", False) else sp.ImmutableMatrix(b * a)
        if isinstance(a, nodes.ListPattern) or isinstance(b, nodes.ListPattern):
            return nodes.MatrixTimes(a, b)
        return a * b

    def _product(self, factors: Sequence[Any]) -> Any:
        if not factors:
            raise ParseError(f"an empty product in {self.text!r}")
        marks = [f for f in factors if isinstance(f, _PartialMark)]
        if marks:
            if len(marks) == len(factors):
                return marks[0] if len(marks) == 1 else _PartialMarks(tuple(marks))
            raise ParseError(
                f"\\partial at column {marks[0].column} of {self.text!r} is not part of a "
                f"derivative \\frac{{\\partial ...}}{{\\partial ...}}"
            )
        for value in factors:
            self._check_final(value, None)
        if all(isinstance(f, sp.Expr) and not isinstance(f, nodes.ListPattern) for f in factors):
            return sp.Mul(*factors)  # one call: multiplying factor by factor is quadratic
        return reduce(self._mul, factors)

    def _star(self, a: Any, b: Any, token: Token) -> Any:
        if not (self._tensor_like(a) and self._tensor_like(b)):
            return self._mul(a, b)
        if self.table.star is not None:
            reading = 0 if self.table.star == "product" else 1
        else:
            key = f"star@{token.start_pos}"
            self.ambiguities[key] = (
                f"'*' at column {token.start_pos + 1} between tensors {a} and {b}: a product or "
                f"the book's convolution? Write \\otimes for a convolution, \\cdot for a product"
            )
            reading = self.choices.get(key, 0)
        return self._mul(a, b) if reading == 0 else nodes.Convolution(a, b, "star")

    def _tensor_like(self, value: Any) -> bool:
        if _is_matrix(value) or isinstance(
            value, (nodes.ListPattern, nodes.Convolution, nodes.Transposed)
        ):
            return True
        if isinstance(value, sp.Symbol):
            name = value.name
            return self.table.kind_of(name) == "tensor" or f"tensor:{name}" in self.found
        return False

    # ------------------------------------------------------------------------------------------
    # Juxtaposition: items and units
    # ------------------------------------------------------------------------------------------
    def _items_of(self, tree: Tree) -> list[_Item]:
        if tree.data == "factor":
            return self._factor_items(tree)
        items: list[_Item] = []
        for child in tree.children:
            if child.data == "bigop":
                start, end = self._span(child)
                items.append(_Item("bigop", start, end, tree=child))
            else:
                items.extend(self._factor_items(child))
        return self._merge_delta(items)

    def _merge_delta(self, items: list[_Item]) -> list[_Item]:
        """``\\Delta t`` is one name (a time step); ``\\Delta`` alone stays ``Delta``."""
        merged: list[_Item] = []
        for item in items:
            previous = merged[-1] if merged else None
            if (
                previous is not None
                and previous.kind == "name"
                and previous.name == "Delta"
                and not previous.has_postfix
                and item.kind == "name"
                and len(item.name) == 1
                and self.table.kind_of("Delta") is None
            ):
                item.name = f"\\Delta {item.name}"
                item.start = previous.start
                merged[-1] = item
                continue
            merged.append(item)
        return merged

    def _factor_items(self, tree: Tree) -> list[_Item]:
        atom, *postfixes = tree.children
        items = self._atom_items(atom)
        last = items[-1]
        for postfix in postfixes:
            kind = postfix.data
            if kind == "sub":
                if last.subs:
                    raise ParseError(
                        f"a double subscript at column {self._column(postfix)} of {self.text!r}"
                    )
                last.subs.append(postfix.children[1])
            elif kind == "sup":
                if any(not isinstance(sup, Token) or sup.type != "SUP_CHAR" for sup in last.sups):
                    raise ParseError(
                        f"a double superscript at column {self._column(postfix)} of "
                        f"{self.text!r}: write x^{{a b}} or {{x^a}}^b"
                    )
                last.sups.append(postfix.children[1])
            elif kind == "prime":
                token = postfix.children[0].value
                last.primes += 2 * token.count("″") + len(token.replace("″", ""))
            elif kind == "sup_char":
                last.sups.append(postfix.children[0])
            elif kind == "bang":
                last.bang = True
            last.end = self._span(postfix)[1]
        return items

    def _atom_items(self, atom: Any) -> list[_Item]:
        start, end = self._span(atom)
        if isinstance(atom, Token):
            kind = atom.type
            text = atom.value
            if kind == "WORD":
                return self._word_items(atom)
            if kind in ("NUMBER", "GNUMBER", "CNUMBER"):
                return [_Item("number", start, end, raw=text, value=self._number(atom))]
            if kind == "GREEK":
                return [_Item("name", start, end, name=text[1:], raw=text)]
            if kind == "GREEK_U":
                return [_Item("name", start, end, name=greek_name(text), raw=text)]
            if kind in ("FUNC_CMD", "BIGWORD_FUNC"):
                name = text.lstrip("\\")
                return [
                    _Item("func", start, end, name=_FUNCTION_SPELLING.get(name, name), raw=text)
                ]
            if kind == "TEXT_CALL":
                name = re.sub(r"^\\[A-Za-z]+\s*\{\s*|\s*\}$", "", text)
                return [
                    _Item("func", start, end, name=_FUNCTION_SPELLING.get(name, name), raw=text)
                ]
            if kind == "CONST":
                value = sp.oo if text in ("\\infty", "∞") else sp.S.EmptySet
                return [_Item("value", start, end, raw=text, value=value)]
            if kind == "DOTS":
                return [_Item("value", start, end, raw=text, value=nodes.Dots())]
            if kind == "PARTIAL":
                return [_Item("partial", start, end, raw=text)]
            if kind == "NABLA":
                return [_Item("nabla", start, end, raw=text)]
            if kind == "TOP":
                return [_Item("value", start, end, raw=text, value=_Marker("top"))]
            if kind == "PRIME_CMD":
                return [_Item("value", start, end, raw=text, value=_Marker("prime"))]
            if kind == "SCRIPT_CHAR":
                if text.isdigit():
                    return [_Item("number", start, end, raw=text, value=sp.Integer(int(text)))]
                return [_Item("name", start, end, name=text, raw=text)]
            if kind == "UNKNOWN_CMD":
                raise ParseError(f"unknown command {text} at column {start + 1} of {self.text!r}")
            raise ParseError(f"unexpected {text!r} at column {start + 1} of {self.text!r}")
        kind = atom.data
        if kind == "font":
            return [self._font(atom)]
        if kind == "word_cmd":
            name = re.sub(r"^\\operatorname\*?\s*\{\s*|\s*\}$", "", atom.children[0].value)
            name = re.sub(r"\\[,;:! ]|\s", "", name)
            return [_Item("func", start, end, name=_FUNCTION_SPELLING.get(name, name), raw=name)]
        if kind in ("paren", "bracket"):
            return [_Item(kind, start, end, tree=atom)]
        return [_Item("tree", start, end, tree=atom)]

    def _number(self, token: Token) -> Any:
        return number_value(token.value)

    def _word_items(self, token: Token) -> list[_Item]:
        """``sk`` is s·k; ``k1`` is the name k_1; a declared multi-letter name stays whole."""
        word = token.value
        start = token.start_pos or 0
        if len(word) > 1 and self.table.kind_of(word) is not None:
            return [_Item("name", start, start + len(word), name=word, raw=word)]
        items = []
        for match in re.finditer(r"[A-Za-z]\d*", word):
            piece = match.group()
            letter, digits = piece[0], piece[1:]
            name = letter if not digits else _subscripted(letter, digits)
            items.append(
                _Item("name", start + match.start(), start + match.end(), name=name, raw=piece)
            )
        return items

    def _font(self, tree: Tree) -> _Item:
        command_token, arg = tree.children
        command = command_token.value.lstrip("\\")
        start, end = self._span(tree)
        inner = self._inner(arg)
        if command == "mathbb":
            sets = {"R": sp.Reals, "Z": sp.Integers, "N": sp.Naturals0, "Q": sp.Rationals,
                    "C": sp.Complexes}  # fmt: skip
            if inner not in sets:
                raise ParseError(f"\\mathbb{{{inner}}} is not a number set (in {self.text!r})")
            return _Item("value", start, end, raw=inner, value=sets[inner])
        if inner.isdigit():
            return _Item("number", start, end, raw=inner, value=sp.Integer(int(inner)))
        name = self._plain_name(inner)
        if command in ("mathbf", "boldsymbol", "bm", "pmb", "vec", "mathit"):
            if name is None:
                raise ParseError(f"\\{command}{{{inner}}}: expected a name (in {self.text!r})")
            return _Item("name", start, end, name=name, raw=inner)
        if command in ("mathrm", "mathsf", "mathtt"):
            if name is None:
                raise ParseError(f"\\{command}{{{inner}}}: expected a name (in {self.text!r})")
            spelled = _FUNCTION_SPELLING.get(name, name)
            if spelled in _BUILTIN_FUNCTIONS or spelled in ("softmax", "relu", "sigmoid", "rot180"):
                return _Item("func", start, end, name=spelled, raw=inner)
            return _Item("name", start, end, name=name, raw=inner, roman=len(name) > 1)
        # \hat{y}, \mathcal{L}, \bar{x}: a name of its own, printed as written
        return _Item("name", start, end, name=f"\\{command}{{{inner}}}", raw=inner)

    def _plain_name(self, inner: str) -> str | None:
        """``y`` for ``y``, ``sigma`` for ``\\sigma``, None for anything more complex."""
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", inner):
            return inner
        match = re.fullmatch(r"\\([A-Za-z]+)", inner)
        if match:
            return match.group(1)
        if len(inner) == 1 and not inner.isascii():
            try:
                return greek_name(inner)
            except KeyError:
                return None
        return None

    def _inner(self, node: Any) -> str:
        """The text of an argument or script without its braces."""
        raw = self._raw(node).strip()
        if isinstance(node, Tree) and node.data == "group":
            raw = raw[1:-1].strip()
        return raw

    def _juxt(self, items: list[_Item], head: Callable[..., Any] | None = None) -> Any:
        factors: list[Any] = []
        index = 0
        if head is not None:
            if not items or items[0].kind != "paren":
                raise ParseError(f"\\max/\\min needs (arguments) or a subscript (in {self.text!r})")
            value = self._call_value(head, self._args(items[0]), 0, items[0])
            factors.append(self._postfix_value(value, items[0]))
            index = 1
        count = len(items)
        while index < count:
            item = items[index]
            if item.kind == "partial":
                value, index = self._partial(items, index)
                factors.append(value)
                continue
            if item.kind == "nabla":
                if index + 1 >= count:
                    raise ParseError(f"\\nabla with nothing to act on in {self.text!r}")
                power = self._int_sup(item, default=1)
                wrt = [self._script_value(sub) for sub in item.subs]
                factors.append(nodes.Nabla(self._juxt(items[index + 1 :]), power, *wrt))
                break
            if item.kind == "func" and not (index + 1 < count and items[index + 1].kind == "paren"):
                stop = index + 1
                while stop < count and items[stop].kind not in (
                    "func",
                    "partial",
                    "nabla",
                    "bigop",
                ):
                    stop += 1
                if stop == index + 1 and stop < count and items[stop].kind == "bigop":
                    stop += 1
                if stop == index + 1:
                    raise ParseError(
                        f"{item.raw} without an argument at column {item.start + 1} of {self.text!r}"
                    )
                argument = self._juxt(items[index + 1 : stop])
                factors.append(self._apply_func_item(item, [argument]))
                index = stop
                continue
            if item.kind == "name" and item.name == "d" and self._is_d_operator(items, index):
                order = self._int_sup(item, default=1)
                wrt = [self._script_value(sub) for sub in item.subs]
                if index + 1 >= count:
                    raise ParseError(f"the operator d with nothing to act on in {self.text!r}")
                operand, index = self._unit(items, index + 1, operand=True)
                factors.append(nodes.OperatorD(operand, order, *wrt))
                continue
            value, index = self._unit(items, index)
            if isinstance(value, _DiffOperator):
                if index >= count:
                    raise ParseError(
                        f"a derivative operator with nothing to act on in {self.text!r}"
                    )
                factors.append(value.apply(self._juxt(items[index:]), value.variables))
                break
            factors.append(value)
        return self._product(factors)

    def _is_d_operator(self, items: list[_Item], index: int) -> bool:
        """``d`` is the differential operator in ``d^2 x(t)``, ``d_x^2 f``, and — once the
        segment has used it so, or the table declares it — in ``d x(t)``/``d(dx(t))``."""
        item = items[index]
        if index + 1 >= len(items) or item.primes or item.bang:
            return False
        kind = self.table.kind_of("d")
        if kind in ("scalar", "tensor", "function"):
            return False
        if item.subs or item.sups:
            self.found.add("operator:d")
            return True
        if kind == "operator" or "operator:d" in self.evidence or "operator:d" in self.found:
            return True
        self.missing.add("operator:d")
        return False

    def _partial(self, items: list[_Item], index: int) -> tuple[Any, int]:
        item = items[index]
        order = self._int_sup(item, default=1)
        if item.subs:  # \partial_x f, \partial_x^2 f
            variables = [(self._script_value(sub), order) for sub in item.subs]
            if index + 1 >= len(items):
                raise ParseError(f"\\partial_{{...}} with nothing to act on in {self.text!r}")
            operand, index = self._unit(items, index + 1, operand=True)
            return self._derivative(operand, variables), index
        if index + 1 < len(items) and items[index + 1].kind != "partial":
            operand, after = self._unit(items, index + 1, operand=True)
            return _PartialMark(operand, order, item.start + 1), after
        return _PartialMark(None, order, item.start + 1), index + 1

    def _unit(self, items: list[_Item], index: int, operand: bool = False) -> tuple[Any, int]:
        """The value of the item at ``index`` with what it takes: ``f(x)``, ``W[k]``, ``2 3``.

        ``operand``: the unit is what an operator (``d``, ``\\partial``) acts on, so a name
        followed by parentheses is an application: ``d^2 x(t)``.
        """
        item = items[index]
        following = items[index + 1] if index + 1 < len(items) else None
        if item.kind == "number":
            return self._number_unit(items, index)
        if item.kind == "name":
            return self._name_unit(item, following, index, operand)
        if item.kind == "func":
            if following is None or following.kind != "paren":
                raise ParseError(f"{item.raw} without an argument in {self.text!r}")
            args = self._args(following)
            value = self._apply_func_item(item, args)
            return self._postfix_value(value, following), index + 2
        if item.kind == "partial":
            return self._partial(items, index)
        value = self._item_value(item)
        return self._postfix_value(value, item), index + 1

    def _number_unit(self, items: list[_Item], index: int) -> tuple[Any, int]:
        """Digits set apart by spaces render together (``5 898 240`` is 5898240)."""
        item = items[index]
        stop = index + 1
        if item.raw.isdigit():
            raw = item.raw
            while (
                stop < len(items)
                and not items[stop - 1].has_postfix
                and items[stop].kind == "number"
                and items[stop].raw.isdigit()
            ):
                raw += items[stop].raw
                stop += 1
            if stop > index + 1:
                value = sp.Integer(int(raw))
                return self._postfix_value(value, items[stop - 1]), stop
        return self._postfix_value(item.value, item), stop

    def _name_unit(
        self, item: _Item, following: _Item | None, index: int, operand: bool = False
    ) -> tuple[Any, int]:
        name, indices = self._subscripted_name(item)
        sups = [self._classify_sup(sup) for sup in item.sups]
        orders = [payload for kind, payload in sups if kind == "order"]
        if following is not None and following.kind == "paren" and indices is None:
            forced = bool(item.primes or orders or operand)
            if self._is_call(name, following, forced, item):
                order = item.primes + sum(int(o) for o in orders)
                value = self._apply_name(name, self._args(following), order, item)
                value = self._apply_sups(value, [s for s in sups if s[0] != "order"], item)
                return self._postfix_value(value, following), index + 2
        if (
            following is not None
            and following.kind == "bracket"
            and indices is None
            and not (item.primes or item.sups or item.bang)
            and self.table.kind_of(name) != "scalar"
        ):
            indices = tuple(self._args(following))
            value = self._name_value(name, indices)
            return self._postfix_value(value, following), index + 2
        for kind, payload in sups:
            if kind == "order":
                name = f"{name}^{{({payload})}}"
            elif kind == "extend":
                name = f"{name}^{{{payload}}}"
        if item.primes:
            name += "'" * item.primes
        value = self._name_value(name, indices)
        rest = [s for s in sups if s[0] not in ("order", "extend")]
        value = self._apply_sups(value, rest, item)
        if item.bang:
            value = self._factorial(value)
        return value, index + 1

    # ------------------------------------------------------------------------------------------
    # Names, subscripts and superscripts
    # ------------------------------------------------------------------------------------------
    def _subscripted_name(self, item: _Item) -> tuple[str, tuple[Any, ...] | None]:
        name = item.name
        indices: tuple[Any, ...] | None = None
        for sub in item.subs:
            if indices is not None:
                raise ParseError(f"two subscripts on {name} in {self.text!r}")
            kind, payload = self._subscript(name, sub)
            if kind == "name":
                name = payload
            else:
                indices = payload
        return name, indices

    def _subscript(self, name: str, sub: Any) -> tuple[str, Any]:
        inner = self._inner(sub)
        compact = re.sub(r"\s+", "", inner)
        if compact.isdigit():
            return "name", _subscripted(name, compact)
        if re.fullmatch(r"\d+(,\d+)+", compact):
            return "name", f"{name}_{{{compact}}}"
        declared_whole = self.table.kind_of(_subscripted(name, compact)) is not None
        if declared_whole or self.table.kind_of(name) == "scalar":
            return "name", _subscripted(name, compact)
        if re.fullmatch(r"[A-Za-z]+", compact):
            if compact in _NAME_SUBSCRIPTS or len(compact) > 3:
                return "name", f"{name}_{{{compact}}}"
            return "index", tuple(self._symbol(letter) for letter in compact)
        if compact.startswith(("\\text", "\\mathrm", "\\operatorname", "\\mathit", "\\textrm")):
            return "name", f"{name}_{{{compact}}}"
        values = self._script_values(sub)
        return "index", tuple(values)

    def _name_value(self, name: str, indices: tuple[Any, ...] | None) -> Any:
        if indices is not None:
            if name == "delta" and len(indices) == 2 and self.table.kind_of("delta") is None:
                return sp.KroneckerDelta(*indices)
            base = self.table.object_for(name)
            if not isinstance(base, sp.IndexedBase):
                base = sp.IndexedBase(name)
            self.found.add(f"tensor:{name}")
            return base[indices]
        known = self.table.object_for(name)
        if isinstance(known, sp.Basic) and not isinstance(known, (sp.FunctionClass, sp.Lambda)):
            return known
        if self.table.kind_of(name) is None:
            if name == "e":
                return sp.E
            if name == "pi":
                return sp.pi
        return self._symbol(name)

    def _symbol(self, name: str) -> Any:
        known = self.table.object_for(name)
        if isinstance(known, sp.Symbol):
            return known
        return sp.Symbol(name)

    def _classify_sup(self, sup: Any) -> tuple[str, Any]:
        if isinstance(sup, Token) and sup.type == "SUP_CHAR":
            if sup.value == "ᵀ":
                return "transpose", None
            return "power", sp.Integer("⁰¹²³⁴⁵⁶⁷⁸⁹".index(sup.value))
        inner = re.sub(r"\s+", "", self._inner(sup))
        if inner in _TRANSPOSE_MARKS and self.table.kind_of("T") is None:
            return "transpose", None
        if re.fullmatch(r"(\\prime)+", inner):
            return "primes", inner.count("\\prime")
        order = re.fullmatch(r"\((\d+|[A-Za-z])\)", inner)
        if order:
            return "order", order.group(1)
        if inner.startswith("[") and inner.endswith("]"):
            return "extend", inner
        if isinstance(sup, Tree) and sup.data == "script_op":
            return "extend", inner
        if inner in ("*", "\\ast", "\\star", "\\dagger", "+", "-"):
            return "extend", inner
        if isinstance(sup, Tree) and sup.data == "group":
            chains = [c for c in sup.children[1].children if isinstance(c, Tree)]
            if len(chains) == 1 and len(chains[0].children) == 1:
                factors = self._shape_factors(chains[0].children[0].children[0])
                if factors is not None:  # R^{m \\times n}
                    return "space", factors
        return "power", self._script_value(sup)

    def _apply_sups(self, value: Any, sups: Sequence[tuple[str, Any]], item: _Item) -> Any:
        for kind, payload in sups:
            if kind == "transpose":
                value = self._transpose(value)
            elif kind == "power" and isinstance(value, sp.Set):
                value = nodes.TensorSpace(value, sp.Tuple(payload))
            elif kind == "space":
                if isinstance(value, sp.Set):
                    value = nodes.TensorSpace(value, sp.Tuple(*payload))
                else:
                    value = self._power(value, reduce(operator.mul, payload))
            elif kind == "power":
                value = self._power(value, payload)
            elif kind == "primes":
                raise ParseError(f"^\\prime on {value} (not a function) in {self.text!r}")
            elif kind in ("order", "extend"):
                raise ParseError(
                    f"superscript ({payload}) on {value} at column {item.start + 1} of {self.text!r}"
                )
        return value

    def _transpose(self, value: Any) -> Any:
        if _is_matrix(value):
            return sp.ImmutableMatrix(value.T)
        if isinstance(value, nodes.ListPattern):
            return value.transposed()
        if isinstance(value, nodes.Transposed):
            return value.args[0]
        return nodes.Transposed(value)

    def _power(self, base: Any, exponent: Any) -> Any:
        self._check_final(base, None)
        if isinstance(exponent, _Marker):
            if exponent.name == "top":
                return self._transpose(base)
            raise ParseError(f"^\\prime on {base} (not a function) in {self.text!r}")
        exponent = self._scalar(exponent, "an exponent")
        base = self._arithmetic(base, "a power")
        if _is_matrix(base):
            square = base.shape[0] == base.shape[1]
            if exponent.is_Integer and square and abs(int(exponent)) <= MAX_MATRIX_POWER:
                return sp.ImmutableMatrix(base**exponent)
            raise ParseError(f"power {exponent} of a {base.shape} matrix in {self.text!r}")
        if isinstance(base, nodes.ListPattern):
            raise ParseError(f"a power of the pattern {base} in {self.text!r}")
        if base == sp.E:
            return sp.exp(exponent)
        if base.is_number and exponent.is_number and _too_large(base, exponent):
            return sp.Pow(base, exponent, evaluate=False)
        return base**exponent

    def _factorial(self, value: Any) -> Any:
        value = self._scalar(value, "a factorial")
        if value.is_Integer and value > 1000:
            return sp.factorial(value, evaluate=False)
        return sp.factorial(value)

    def _int_sup(self, item: _Item, default: int) -> int:
        if not item.sups:
            return default
        if len(item.sups) > 1:
            raise ParseError(f"two superscripts at column {item.start + 1} of {self.text!r}")
        value = self._script_value(item.sups[0])
        if not (isinstance(value, sp.Integer) and value > 0):
            raise ParseError(f"an order {value} that is not a positive integer in {self.text!r}")
        return int(value)

    # ------------------------------------------------------------------------------------------
    # Application or product
    # ------------------------------------------------------------------------------------------
    def _is_call(self, name: str, paren: _Item, forced: bool, item: _Item) -> bool:
        kind = self.table.kind_of(name)
        count = len(self._args(paren))
        if kind == "function" or forced or item.roman:
            self.found.add(f"function:{name}")
            return True
        if kind in ("scalar", "tensor", "operator"):
            if count > 1:
                raise ParseError(
                    f"{name} is declared a {kind} but is applied to {count} arguments in "
                    f"{self.text!r}"
                )
            return False
        if name in ("e", "pi"):
            return False
        if count > 1:
            self.found.add(f"function:{name}")
            return True
        evidence = f"function:{name}"
        if evidence in self.evidence or evidence in self.found:
            return True
        if f"tensor:{name}" in self.evidence or f"tensor:{name}" in self.found:
            return False
        self.missing.add(evidence)
        key = f"call:{name}"
        written = self.text[item.start : paren.end]
        self.ambiguities[key] = (
            f"{written!r}: {name} applied to ({self._inner_paren(paren)}), or {name} times it? "
            f"Declare {name} as a function or as a quantity"
        )
        return self.choices.get(key, 0) == 0

    def _inner_paren(self, paren: _Item) -> str:
        return self.text[paren.start + 1 : paren.end - 1].strip()

    def _args(self, item: _Item) -> list[Any]:
        if item.value is not None and isinstance(item.value, list):
            return list(item.value)
        content = item.tree.children[1]
        values = self._content_values(content, allow_relations=False)
        if not values:
            raise ParseError(f"empty brackets at column {item.start + 1} of {self.text!r}")
        values = self._split_comma_number(content, values)
        item.value = values
        return list(values)

    def _apply_name(self, name: str, args: list[Any], order: int, item: _Item) -> Any:
        spelled = _FUNCTION_SPELLING.get(name, name)
        known = self.table.object_for(name)
        if known is not None and (
            isinstance(known, (sp.FunctionClass, sp.Lambda)) or callable(known)
        ):
            function: Any = known
        elif spelled in _BUILTIN_FUNCTIONS and self.table.kind_of(name) in (None, "function"):
            function = _BUILTIN_FUNCTIONS[spelled]
        else:
            function = sp.Function(name)
        return self._call_value(function, args, order, item)

    def _apply_func_item(self, item: _Item, args: list[Any]) -> Any:
        name = item.name
        function: Any = _BUILTIN_FUNCTIONS.get(name) or sp.Function(name)
        if name in ("log", "lg", "ln") and item.subs:
            base = self._script_value(item.subs[0])
            if len(args) != 1:
                raise ParseError(f"\\log_{{{base}}} of {len(args)} arguments in {self.text!r}")
            value = sp.log(args[0], base)
        else:
            value = self._call_value(function, args, item.primes, item)
        sups = [self._classify_sup(sup) for sup in item.sups]
        return self._apply_sups(value, sups, item)

    def _call_value(self, function: Any, args: list[Any], order: int, item: _Item) -> Any:
        for arg in args:
            self._check_final(arg, None)
        name = getattr(function, "__name__", str(function))
        args = [self._arithmetic(arg, f"{name}(...)") for arg in args]
        try:
            if order == 0:
                return function(*args)
            if len(args) != 1:
                raise ParseError(
                    f"a derivative of order {order} of a function of {len(args)} arguments at "
                    f"column {item.start + 1} of {self.text!r}: which argument?"
                )
            (arg,) = args
            if isinstance(arg, sp.Symbol):
                return sp.Derivative(function(arg), (arg, order), evaluate=False)
            dummy = sp.Dummy("xi")
            return sp.Subs(sp.Derivative(function(dummy), (dummy, order)), dummy, arg)
        except ParseError:
            raise
        except (TypeError, ValueError, AttributeError) as error:
            raise ParseError(
                f"cannot apply {function} to {args} at column {item.start + 1} of {self.text!r}: "
                f"{error}"
            ) from None

    def _postfix_value(self, value: Any, item: _Item) -> Any:
        """Apply the superscripts and ``!`` written after a bracket or atom: ``(a+b)^2``."""
        if item.subs:
            if isinstance(value, nodes.Norm) and len(item.subs) == 1:
                return self._apply_sups(
                    nodes.Norm(value.args[0], self._script_value(item.subs[0])),
                    [self._classify_sup(s) for s in item.sups],
                    item,
                )
            raise ParseError(f"a subscript on {value} at column {item.start + 1} of {self.text!r}")
        if item.primes:
            raise ParseError(f"a prime on {value} at column {item.start + 1} of {self.text!r}")
        sups = [self._classify_sup(s) for s in item.sups]
        value = self._apply_sups(value, sups, item)
        if item.bang:
            value = self._factorial(value)
        return value

    # ------------------------------------------------------------------------------------------
    # Atoms that are trees: brackets, fractions, roots, matrices ...
    # ------------------------------------------------------------------------------------------
    def _item_value(self, item: _Item) -> Any:
        if item.kind == "value" or (item.kind == "number"):
            return item.value
        if item.kind == "bigop":
            return self._bigop(item.tree)
        if item.kind == "paren":
            return self._paren(item)
        if item.kind == "bracket":
            return self._bracket(item)
        if item.kind == "nabla":
            raise ParseError(f"\\nabla with nothing to act on in {self.text!r}")
        tree = item.tree
        kind = tree.data
        method = getattr(self, f"_tree_{kind}", None)
        if method is None:  # pragma: no cover - every atom rule has a method
            raise ParseError(f"unsupported {kind} in {self.text!r}")
        return method(tree)

    def _paren(self, item: _Item) -> Any:
        content = item.tree.children[1]
        values = self._content_values(content, allow_relations=True)
        values = self._split_comma_number(content, values)
        if not values:
            raise ParseError(f"empty parentheses at column {item.start + 1} of {self.text!r}")
        if len(values) == 1:
            return values[0]
        return sp.Tuple(*values)

    def _bracket(self, item: _Item) -> Any:
        content = item.tree.children[1]
        values = self._split_comma_number(content, self._content_values(content, False))
        if not values:
            raise ParseError(f"empty brackets at column {item.start + 1} of {self.text!r}")
        if len(values) == 1:
            return values[0]
        if any(isinstance(v, nodes.Dots) for v in values):
            return nodes.ListPattern(values)
        if all(_is_matrix(v) and v.shape[0] == 1 for v in values):
            widths = {v.shape[1] for v in values}
            if len(widths) != 1:
                raise ParseError(f"rows of different lengths in {self._raw(item.tree)!r}")
            matrix = sp.ImmutableMatrix([list(v) for v in values])
            self._record_matrix(matrix, item.tree, [])
            return matrix
        if any(_is_matrix(v) or isinstance(v, (sp.Tuple, sp.Set)) for v in values):
            raise ParseError(f"cannot read {self._raw(item.tree)!r} as a vector or a matrix")
        return sp.ImmutableMatrix([[self._scalar(v, "a vector entry") for v in values]])

    def _split_comma_number(self, content: Tree, values: list[Any]) -> list[Any]:
        """``(100,256,256)`` is a tuple, although ``5,898,240,000`` elsewhere is a number."""
        if len(values) != 1:
            return values
        token = _sole_token(content)
        if token is not None and token.type == "CNUMBER":
            return [sp.Integer(int(part)) for part in token.value.split(",")]
        return values

    def _tree_braces(self, tree: Tree) -> Any:
        values = self._content_values(tree.children[1], allow_relations=False)
        dots = [k for k, v in enumerate(values) if isinstance(v, nodes.Dots)]
        if dots:
            if len(dots) == 1 and 0 < dots[0] == len(values) - 2:
                first, last = values[0], values[-1]
                if first.is_Integer and last.is_Integer:
                    return sp.Range(first, last + 1)
            return nodes.ListPattern(values)
        return sp.FiniteSet(*values)

    def _tree_group(self, tree: Tree) -> Any:
        values = self._content_values(tree.children[1], allow_relations=True)
        if len(values) != 1:
            if not values:
                raise ParseError(f"empty braces at column {self._column(tree)} of {self.text!r}")
            return sp.Tuple(*values)
        return values[0]

    def _single(self, tree: Tree, what: str) -> Any:
        values = self._content_values(tree.children[1], allow_relations=False)
        if len(values) != 1:
            raise ParseError(f"{what} holds {len(values)} values in {self._raw(tree)!r}")
        return values[0]

    def _tree_abs(self, tree: Tree) -> Any:
        value = self._single(tree, "|...|")
        if _is_matrix(value) and value.shape[0] == value.shape[1]:
            return _determinant(value)
        return sp.Abs(self._scalar(value, "|...|"))

    def _tree_norm(self, tree: Tree) -> Any:
        return nodes.Norm(self._arithmetic(self._single(tree, "\\|...\\|"), "a norm"))

    def _tree_floor(self, tree: Tree) -> Any:
        return sp.floor(self._scalar(self._single(tree, "\\lfloor...\\rfloor"), "\\lfloor"))

    def _tree_ceil(self, tree: Tree) -> Any:
        return sp.ceiling(self._scalar(self._single(tree, "\\lceil...\\rceil"), "\\lceil"))

    def _tree_frac(self, tree: Tree) -> Any:
        _, numerator, denominator = tree.children
        derivative = self._derivative_fraction(numerator, denominator)
        if derivative is not None:
            return derivative
        num = self._arg_value(numerator)
        den = self._arg_value(denominator)
        self._check_final(num, tree)
        self._check_final(den, tree)
        return self._divide(num, den)

    def _tree_binom(self, tree: Tree) -> Any:
        _, n, k = tree.children
        n_value = self._scalar(self._arg_value(n), "\\binom")
        k_value = self._scalar(self._arg_value(k), "\\binom")
        if n_value.is_Integer and n_value > 1000:
            return sp.binomial(n_value, k_value, evaluate=False)
        return sp.binomial(n_value, k_value)

    def _tree_sqrt(self, tree: Tree) -> Any:
        children = tree.children
        value = self._scalar(self._arg_value(children[-1]), "\\sqrt")
        if len(children) == 5:  # \sqrt [ n ] arg
            index = self._scalar(self._single(Tree("x", [None, children[2]]), "\\sqrt[...]"), "\\sqrt")
            return sp.root(value, index)
        return sp.sqrt(value)

    def _tree_matrix(self, tree: Tree) -> Any:
        begin = tree.children[0].value
        rows = self._rows(tree.children[1])
        if any(isinstance(v, nodes.Dots) for row in rows for v in row):
            return nodes.ListPattern([sp.Tuple(*row) for row in rows])
        rows = [[self._scalar(entry, "a matrix entry") for entry in row] for row in rows]
        matrix = sp.ImmutableMatrix(rows)
        self._record_matrix(matrix, tree, tree.children[1].children)
        if "vmatrix" in begin:
            return _determinant(matrix)
        return matrix

    def _tree_cases(self, tree: Tree) -> Any:
        pieces = []
        for row in tree.children[1].children:
            if not isinstance(row, Tree):
                continue
            cells = [c for c in row.children if isinstance(c, Tree)]
            if all(not cell.children or _only_separators(cell) for cell in cells):
                continue
            if len(cells) != 2:
                raise ParseError(f"a cases row needs 'value & condition' in {self._raw(row)!r}")
            value = self._cell_value(cells[0])
            condition = self._condition(cells[1])
            pieces.append((value, condition))
        if not pieces:
            raise ParseError(f"empty cases in {self.text!r}")
        return sp.Piecewise(*pieces)

    def _condition(self, cell: Tree) -> Any:
        chains = [c for c in cell.children if isinstance(c, Tree) and c.data == "chain"]
        words = " ".join(
            re.sub(r"\\[a-z]+\s*\{|\}", "", c.value) for c in cell.children if isinstance(c, Token)
        ).strip()
        if not chains:
            if "otherwise" in words or "else" in words or not words:
                return sp.true
            raise ParseError(f"cannot read the condition {words!r} in {self.text!r}")
        return self._relational(chains[0])

    def _rows(self, rows_tree: Tree) -> list[list[Any]]:
        rows: list[list[Any]] = []
        for row in rows_tree.children:
            if not isinstance(row, Tree):
                continue
            cells = [c for c in row.children if isinstance(c, Tree)]
            if all(not cell.children or _only_separators(cell) for cell in cells):
                continue
            rows.append([self._cell_value(cell) for cell in cells])
        if not rows:
            raise ParseError(f"an empty matrix in {self.text!r}")
        widths = {len(row) for row in rows}
        if len(widths) != 1:
            lengths = ", ".join(str(len(row)) for row in rows)
            raise ParseError(f"matrix rows of different lengths ({lengths}) in {self.text!r}")
        return rows

    def _cell_value(self, cell: Tree) -> Any:
        chains = [c for c in cell.children if isinstance(c, Tree) and c.data == "chain"]
        if len(chains) != 1:
            raise ParseError(
                f"an empty matrix entry at column {self._column(cell)} of {self.text!r}"
            )
        chain = self.chain(chains[0], None)
        if len(chain.sides) != 1 or chain.sides[0] is None:
            raise ParseError(f"a relation inside a matrix entry in {chain.text!r}")
        return chain.sides[0].expr

    def _record_matrix(self, matrix: Any, tree: Tree, rows: Sequence[Any]) -> None:
        start, end = self._span(tree)
        spans = []
        for row in rows:
            if isinstance(row, Tree) and not getattr(row.meta, "empty", True):
                spans.append(self._span(row))
        self.matrices.append(MatrixLiteral(matrix, start, end, tuple(spans)))

    # ------------------------------------------------------------------------------------------
    # Derivatives
    # ------------------------------------------------------------------------------------------
    def _arg_items(self, arg: Any) -> list[_Item] | None:
        if isinstance(arg, Token):
            return self._atom_items(arg)
        if arg.data == "font":
            return [self._font(arg)]
        if arg.data != "group":
            return None
        chains = [c for c in arg.children[1].children if isinstance(c, Tree)]
        if len(chains) != 1 or len(chains[0].children) != 1:
            return None
        expr_tree = chains[0].children[0].children[0]
        if expr_tree.data not in ("piece", "factor"):
            return None
        return self._items_of(expr_tree)

    def _arg_value(self, arg: Any) -> Any:
        items = self._arg_items(arg)
        if items is not None:
            return self._juxt(items)
        return self._tree_group(arg)

    def _diff_mark(self, item: _Item) -> str | None:
        if item.kind == "partial" and not item.subs:
            return "partial"
        if (
            item.kind == "name"
            and item.name == "d"
            and not (item.subs or item.primes or item.bang)
            and self.table.kind_of("d") not in ("scalar", "tensor", "function")
        ):
            return "d"
        return None

    def _derivative_fraction(self, numerator: Any, denominator: Any) -> Any:
        """``\\frac{\\partial^n f}{\\partial x \\partial y}`` and ``\\frac{d^2 y}{dx^2}``."""
        num_items = self._arg_items(numerator)
        den_items = self._arg_items(denominator)
        if not num_items or not den_items:
            return None
        mark = self._diff_mark(num_items[0])
        if mark is None or self._diff_mark(den_items[0]) != mark:
            return None
        order = self._int_sup(num_items[0], default=1) if num_items[0].sups else None
        groups: list[list[_Item]] = []
        for item in den_items:
            if self._diff_mark(item) == mark:
                groups.append([])
            else:
                groups[-1].append(item)
        variables = []
        for group in groups:
            if not group:
                return None
            last = group[-1]
            var_order = 1
            if last.sups and last.kind == "name":
                var_order = self._int_sup(last, default=1)
                last = _Item(**{**last.__dict__, "sups": []})
                group = [*group[:-1], last]
            variables.append((self._juxt(group), var_order))
        total = sum(n for _, n in variables)
        if order is not None and order != total:
            raise ParseError(
                f"a derivative of order {order} over variables of total order {total} in "
                f"{self.text!r}"
            )
        if len(num_items) == 1:
            return _DiffOperator(tuple(variables), self._derivative)
        return self._derivative(self._juxt(num_items[1:]), variables)

    def _derivative(self, of: Any, variables: Sequence[tuple[Any, int]]) -> Any:
        """∂J/∂W[k] → the entry of the gradient tensor ``∂J/∂W``; ∂y_i/∂z_j → ``Partial``;
        derivatives with respect to symbols → SymPy ``Derivative`` (unevaluated)."""
        self._check_final(of, None)
        if all(isinstance(var, sp.Symbol) for var, _ in variables):
            try:
                return sp.Derivative(of, *variables, evaluate=False)
            except (TypeError, ValueError) as error:
                raise ParseError(f"cannot differentiate {of} in {self.text!r}: {error}") from None
        for var, _ in variables:
            if not isinstance(var, (sp.Symbol, sp.Indexed)):
                raise ParseError(f"a derivative with respect to {var} in {self.text!r}")
        if len(variables) == 1 and variables[0][1] == 1 and isinstance(of, sp.Symbol):
            ((var, _),) = variables
            base = self._gradient_base(of.name, str(var.base.label))
            return base[var.indices]
        expanded = [var for var, n in variables for _ in range(n)]
        return nodes.Partial(of, *expanded)

    def _gradient_base(self, of: str, wrt: str) -> Any:
        if self.table.gradient_base is not None:
            return self.table.gradient_base(of, wrt)
        return sp.IndexedBase(f"∂{of}/∂{wrt}")

    # ------------------------------------------------------------------------------------------
    # Big operators: sums, products, extrema, limits
    # ------------------------------------------------------------------------------------------
    def _bigop(self, tree: Tree) -> Any:
        token, *rest = tree.children
        op = self._bigop_name(token.value)
        subs = [
            limit.children[1]
            for limit in rest
            if isinstance(limit, Tree) and limit.data == "limit" and limit.children[0].type == "SUB"
        ]  # noqa: E501
        sups = [
            limit.children[1]
            for limit in rest
            if isinstance(limit, Tree) and limit.data == "limit" and limit.children[0].type == "SUP"
        ]  # noqa: E501
        sign = 1
        for child in rest:
            if isinstance(child, Token):
                sign = self._sign(child)
        body_tree = rest[-1]
        if not subs and not sups:
            if op in ("max", "min"):
                function = sp.Max if op == "max" else sp.Min
                return sign * self.expr(body_tree, head=function)
            if op in ("argmax", "argmin"):
                return sign * self.expr(body_tree, head=sp.Function(op))
            raise ParseError(
                f"{token.value} without an index at column {token.start_pos + 1} of "
                f"{self.text!r}: write {token.value}_{{k}} or {token.value}_{{k=0}}^{{K-1}}"
            )
        if len(subs) > 1 or len(sups) > 1:
            raise ParseError(f"two subscripts or superscripts on {token.value} in {self.text!r}")
        body = self._arithmetic(self.expr(body_tree), f"{token.value}")
        if sign < 0:
            body = -body
        if op == "lim":
            return self._limit(body, subs, sups, token)
        limits = self._limits(subs[0] if subs else None, sups[0] if sups else None, op, token)
        if op == "sum":
            return sp.Sum(body, *limits)
        if op == "prod":
            return sp.Product(body, *limits)
        return _EXTREMA[op](body, *limits)

    def _bigop_name(self, text: str) -> str:
        compact = re.sub(r"\\operatorname\*?|\\mathrm|\\text|[{}\\,;:!\s*]", "", text)
        return _BIGOPS.get(compact, compact)

    def _limit(self, body: Any, subs: list[Any], sups: list[Any], token: Token) -> Any:
        statements = self._statement_values(subs[0]) if subs else []
        if sups or len(statements) != 1 or statements[0][1] != ["→"]:
            raise ParseError(f"\\lim needs a subscript like h \\to 0 (in {self.text!r})")
        (variable, point), _ = statements[0]
        return sp.Limit(body, variable, point)

    def _limits(self, sub: Any, sup: Any, op: str, token: Token) -> list[tuple[Any, ...]]:
        """The limits of a sum or extremum from its subscript (and superscript):
        ``k=0``+``K-1``, ``k_1,k_2,n``, ``j=0..p-1``, ``j=0,\\dots,p-1``, ``0 \\le j < p``,
        ``k \\in \\{0, 1\\}``. A bare index sums over all its values: ``(k, -oo, oo)`` (entries
        outside a tensor read as zero, DESIGN.md), ``(k,)`` for an extremum."""
        upper = self._script_value(sup) if sup is not None else None
        statements = self._statement_values(sub) if sub is not None else []
        where = f"{token.value} at column {token.start_pos + 1} of {self.text!r}"

        def variable(value: Any) -> Any:
            if not isinstance(value, sp.Symbol):
                raise ParseError(f"the index {value} of {where} is not a name")
            return value

        def unbounded(value: Any) -> tuple[Any, ...]:
            symbol = variable(value)
            return (symbol, -sp.oo, sp.oo)

        if not statements:
            raise ParseError(f"{where}: no index")
        if len(statements) == 3 and isinstance(statements[1][0][0], nodes.Dots):
            (values, relations), _, (last, _) = statements
            if relations == ["="] and len(last) == 1:
                return [(variable(values[0]), values[1], last[0])]
        if len(statements) > 1 or (len(statements) == 1 and not statements[0][1]):
            if upper is not None and len(statements) > 1:
                raise ParseError(f"{where}: an upper limit for several indices")
            limits = []
            for values, relations in statements:
                if relations:
                    raise ParseError(f"{where}: mixed bounded and unbounded indices")
                if upper is not None:
                    raise ParseError(f"{where}: an upper limit without a lower one")
                limits.append(unbounded(values[0]))
            return limits
        values, relations = statements[0]
        if relations == ["="] and upper is not None:
            return [(variable(values[0]), values[1], upper)]
        if relations == ["=", ".."] and upper is None:
            return [(variable(values[0]), values[1], values[2])]
        if len(relations) == 2 and all(r in ("<", "≤") for r in relations) and upper is None:
            low, var, high = values
            low = low if relations[0] == "≤" else low + 1
            high = high if relations[1] == "≤" else high - 1
            return [(variable(var), low, high)]
        if relations == ["∈"] and upper is None:
            var, domain = values
            bounds = _integer_bounds(domain)
            if bounds is None:
                raise ParseError(f"{where}: the index set {domain} is not a range of integers")
            return [(variable(var), *bounds)]
        raise ParseError(f"{where}: cannot read the limits {self._inner(sub)!r}")

    # ------------------------------------------------------------------------------------------
    # Contents of brackets and scripts
    # ------------------------------------------------------------------------------------------
    def _content_values(self, content: Tree, allow_relations: bool) -> list[Any]:
        values = []
        for child in content.children:
            if not isinstance(child, Tree):
                continue
            chain = self.chain(child, None)
            if len(chain.sides) == 1 and chain.sides[0] is not None:
                values.append(chain.sides[0].expr)
            elif allow_relations:
                values.append(self._relational(child, chain))
            else:
                raise ParseError(f"a relation where a value is expected: {chain.text!r}")
        return values

    def _statement_values(self, script: Any) -> list[tuple[list[Any], list[str]]]:
        if not (isinstance(script, Tree) and script.data == "group"):
            return [([self._script_value(script)], [])]
        result = []
        for child in script.children[1].children:
            if isinstance(child, Tree):
                chain = self.chain(child, None)
                if chain.sides[0] is None:
                    raise ParseError(f"a relation without a left side in {chain.text!r}")
                result.append(
                    ([s.expr for s in chain.sides if s is not None], list(chain.relations))
                )
        return result

    def _relational(self, tree: Tree, chain: Chain | None = None) -> Any:
        chain = chain or self.chain(tree, None)
        if len(chain.sides) != 2 or chain.sides[0] is None or chain.sides[1] is None:
            raise ParseError(f"cannot read {chain.text!r} as one relation")
        a, b = chain.sides[0].expr, chain.sides[1].expr
        relation = chain.relations[0]
        makers: dict[str, Callable[[Any, Any], Any]] = {
            "=": lambda x, y: sp.Eq(x, y, evaluate=False),
            "≠": lambda x, y: sp.Ne(x, y, evaluate=False),
            "<": lambda x, y: sp.Lt(x, y, evaluate=False),
            ">": lambda x, y: sp.Gt(x, y, evaluate=False),
            "≤": lambda x, y: sp.Le(x, y, evaluate=False),
            "≥": lambda x, y: sp.Ge(x, y, evaluate=False),
            "∈": lambda x, y: sp.Contains(x, y, evaluate=False),
        }
        if relation not in makers:
            raise ParseError(f"cannot read {chain.text!r} as a condition")
        try:
            return makers[relation](a, b)
        except (TypeError, ValueError) as error:
            raise ParseError(f"cannot read {chain.text!r} as a condition: {error}") from None

    def _script_values(self, script: Any) -> list[Any]:
        if isinstance(script, Tree) and script.data == "group":
            return self._content_values(script.children[1], allow_relations=False)
        return [self._script_value(script)]

    def _script_value(self, script: Any) -> Any:
        if isinstance(script, Tree) and script.data == "group":
            values = self._content_values(script.children[1], allow_relations=False)
            if len(values) != 1:
                raise ParseError(f"expected one value in {self._raw(script)!r}")
            return values[0]
        if isinstance(script, Tree) and script.data == "script_op":
            raise ParseError(f"unexpected {self._raw(script)!r} in {self.text!r}")
        items = (
            self._atom_items(script)
            if isinstance(script, Token)
            else [self._font(script)]
            if script.data == "font"
            else self._atom_items(script)
        )  # noqa: E501
        return self._juxt(items)


def _subscripted(name: str, sub: str) -> str:
    """``k_1`` for a one-character subscript, ``x_{11}`` otherwise (as entries() names them)."""
    return f"{name}_{sub}" if len(sub) == 1 else f"{name}_{{{sub}}}"


def _determinant(matrix: Any) -> Any:
    if matrix.shape[0] <= MAX_DETERMINANT_ORDER or all(entry.is_number for entry in matrix):
        return matrix.det()
    return sp.Determinant(matrix)


def _entries(value: Any) -> list[Any]:
    if isinstance(value, nodes.ListPattern):
        return [
            entry
            for element in value.elements
            for entry in (element if isinstance(element, sp.Tuple) else [element])
        ]
    return list(value)


def _sole_token(content: Tree) -> Token | None:
    """The only token of a bracket's content, if it is a single bare number."""
    chains = [c for c in content.children if isinstance(c, Tree)]
    if len(chains) != 1 or len(chains[0].children) != 1:
        return None
    expr = chains[0].children[0].children[0]
    if expr.data == "factor" and len(expr.children) == 1 and isinstance(expr.children[0], Token):
        return expr.children[0]
    return None


def _only_separators(cell: Tree) -> bool:
    return all(isinstance(child, Token) for child in cell.children)


def _integer_bounds(domain: Any) -> tuple[Any, Any] | None:
    if isinstance(domain, sp.Range) and domain.step == 1:
        return domain.inf, domain.sup
    if isinstance(domain, sp.FiniteSet) and all(v.is_Integer for v in domain):
        values = sorted(int(v) for v in domain)
        if values == list(range(values[0], values[-1] + 1)):
            return sp.Integer(values[0]), sp.Integer(values[-1])
        return None
    if isinstance(domain, nodes.ListPattern):
        elements = domain.elements
        if len(elements) >= 3 and isinstance(elements[-2], nodes.Dots):
            return elements[0], elements[-1]
    return None


def _too_large(base: Any, exponent: Any) -> bool:
    """True if ``base**exponent`` would have more than :data:`MAX_RESULT_DIGITS` digits."""
    if not (base.is_Rational and exponent.is_Integer):
        return False
    magnitude = max(abs(base.p), abs(base.q), 2)
    return abs(int(exponent)) * len(str(magnitude)) > MAX_RESULT_DIGITS


def number_value(text: str) -> sp.Rational:
    """The exact value of a number as written: ``5.89824e9``, ``5{,}898{,}240``, ``1,638,400,000``.

    >>> number_value("5.89824e9"), number_value("0.25"), number_value("5{,}898{,}240{,}000")
    (5898240000, 1/4, 5898240000)
    """
    compact = re.sub(r"\{,\}|\\,|,", "", text)
    match = re.fullmatch(r"(\d*)(?:\.(\d+))?(?:[eE]([+-]?\d+))?", compact)
    if match is None or not (match.group(1) or match.group(2)):
        raise ParseError(f"cannot read the number {text!r}")
    whole, fraction, exponent = match.group(1) or "0", match.group(2) or "", match.group(3)
    power = int(exponent) if exponent else 0
    if abs(power) > MAX_LITERAL_EXPONENT:
        raise ParseError(
            f"the number {text!r} has exponent {power} (the limit is {MAX_LITERAL_EXPONENT})"
        )
    digits = sp.Integer(int(whole + fraction))
    return sp.Rational(digits) * sp.Rational(10) ** (power - len(fraction))
