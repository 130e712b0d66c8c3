"""The state and the arithmetic shared by every layer of the reader (see :mod:`.builder`).

The reader is one class built in layers, each in its own module: this base (state, source
positions, arithmetic that refuses non-numbers), names and scripts (:mod:`.read_names`),
brackets and matrices (:mod:`.read_brackets`), derivatives and big operators
(:mod:`.read_calculus`), and the expression grammar itself (:mod:`.builder`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

import sympy as sp
from lark import Token, Tree

from symconv.check import nodes
from symconv.check.parsed import Chain, MatrixLiteral
from symconv.check.symbols import SymbolTable
from symconv.check.vocabulary import (
    MAX_DETERMINANT_ORDER,
    MAX_MATRIX_POWER,
    MAX_RESULT_DIGITS,
    REL_NAMES,
)
from symconv.errors import ParseError

#: What written over ``=`` makes it a definition: ``\\overset{\\text{def}}{=}``,
#: ``\\stackrel{\\Delta}{=}`` (≜, as many notes write it), ``\\overset{\\triangle}{=}``.
_DEFINED_OVER = re.compile(r"def|\\(?:Delta|triangle|vartriangle)(?![A-Za-z])|[Δ△]")


# ----------------------------------------------------------------------------------------------
# Internal values that must not escape into a result
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PartialMark:
    """``\\partial J`` (operand J) or a bare ``\\partial``: half of a derivative."""

    operand: Any
    order: int
    column: int


@dataclass(frozen=True)
class PartialMarks:
    """``\\partial x \\partial y``: the denominator of a mixed derivative written with ``/``."""

    marks: tuple[PartialMark, ...]


@dataclass(frozen=True)
class DiffOperator:
    """``\\frac{\\partial}{\\partial x}`` or ``\\frac{d}{dt}``: applies to what follows."""

    variables: tuple[tuple[Any, int], ...]
    apply: Callable[[Any, Sequence[tuple[Any, int]]], Any]


@dataclass(frozen=True)
class Marker:
    """``\\top`` or ``\\prime`` outside a superscript."""

    name: str


INTERNAL = (PartialMark, PartialMarks, DiffOperator, Marker)


@dataclass
class Item:
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
    degree: bool = False  # 45^\circ: an angle in degrees
    percent: bool = False  # 92\%: a hundredth of 92
    roman: bool = False  # a multi-letter name written upright (\mathrm{...}): a function name

    @property
    def has_postfix(self) -> bool:
        return bool(
            self.subs or self.sups or self.primes or self.bang or self.degree or self.percent
        )


def is_matrix(value: Any) -> bool:
    return isinstance(value, sp.MatrixBase)


class ReaderBase:
    """State of one reading of a math text; ``choices`` picks a reading at each ambiguity key
    (0 = first, 1 = second), ``evidence`` holds what the segment showed (``"function:x"``,
    ``"tensor:W"``, ``"operator:d"``)."""

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
        #: Each ``vmatrix`` read as a determinant: its span and the symbols of its entries (see
        #: :meth:`~symconv.check.builder.Builder.chain`, which decides whether the line is one).
        self.bar_determinants: list[tuple[int, int, frozenset[sp.Basic]]] = []
        #: How deep the reading is inside subscripts (an entry's, a big operator's): a document's
        #: multi-letter index names (:attr:`SymbolTable.index_words`) are read whole there.
        self._script_depth = 0

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

    def _inner(self, node: Any) -> str:
        """The text of an argument or script without its braces."""
        raw = self._raw(node).strip()
        if isinstance(node, Tree) and node.data == "group":
            raw = raw[1:-1].strip()
        return raw

    def _check_final(self, value: Any, tree: Any) -> None:
        if isinstance(value, (PartialMark, PartialMarks)):
            raise ParseError(
                f"\\partial outside a derivative at column {self._span(tree)[0]} of "
                f"{self.text!r}: write \\frac{{\\partial J}}{{\\partial x}}"
            )
        if isinstance(value, DiffOperator):
            raise ParseError(f"a derivative operator with nothing to act on in {self.text!r}")
        if isinstance(value, Marker):
            raise ParseError(f"\\{value.name} outside a superscript in {self.text!r}")

    def _relation(self, token: Token) -> str:
        """The relation a token writes; over ``=``, ``def`` (``\\overset{\\text{def}}{=}``,
        ``\\stackrel{\\Delta}{=}``) makes a definition, ``?`` and ``!`` a question or a
        requirement (``≟``: not a claim that the sides are equal)."""
        text = re.sub(r"\s+", "", token.value)
        if text.startswith(("\\overset", "\\stackrel")):
            over, below = text[: text.rindex("{")], text[text.rindex("{") + 1 : -1]
            relation = REL_NAMES.get(below, "=")
            if relation == "=" and re.search(r"[?!]", over):
                # ``a \overset{?}{=} b`` asks whether a = b, ``\overset{!}{=}`` requires it:
                # neither says that it holds
                return "≟"
            return ":=" if _DEFINED_OVER.search(over) and relation == "=" else relation
        return REL_NAMES.get(text, text)

    def _symbol(self, name: str) -> Any:
        known = self.table.object_for(name)
        if isinstance(known, sp.Symbol):
            return known
        return sp.Symbol(name)

    def _scalar(self, value: Any, what: str) -> Any:
        """``value`` if it is an expression (not a set, tuple, matrix or condition)."""
        if isinstance(value, sp.Expr) and not isinstance(
            value, (nodes.ListPattern, sp.Tuple, sp.MatrixBase, sp.MatrixExpr)
        ):
            return value
        self._check_final(value, None)
        raise ParseError(f"{what} of {value}, which is not a number or a formula, in {self.text!r}")

    def _computable(self, value: Any, what: str) -> Any:
        """``value``, refused when it holds a number too large to compute with.

        SymPy's functions and arithmetic evaluate their arguments as they are built: the ceiling
        of ``exp(10^{10^{10}})`` asks mpmath for ``exp`` of a 10^10-digit number, which fills
        memory inside C where no time limit reaches (8.7 GB; tools/fuzz_checker.py, seed 1,
        30172), and ``10^{10^{10}} - 3`` expands the power. The number alone is kept: ``10^{10^{10}}
        = 5`` is decided without expanding it.
        """
        if isinstance(value, sp.Basic) and holds_huge_number(value):
            raise ParseError(f"{what} of a number too large to compute with in {self.text!r}")
        return value

    def _arithmetic(self, value: Any, what: str) -> Any:
        """``value`` if it can take part in arithmetic: an expression or a matrix."""
        if is_matrix(value) or isinstance(value, nodes.ListPattern):
            if any(not isinstance(entry, sp.Expr) for entry in entries_of(value)):
                raise ParseError(f"{what} of a matrix with non-numeric entries in {self.text!r}")
            return value
        return self._scalar(value, what)

    def _negate(self, value: Any) -> Any:
        return -self._arithmetic(value, "the negative")

    def _add(self, a: Any, b: Any, where: Any) -> Any:
        a, b = self._arithmetic(a, "a sum"), self._arithmetic(b, "a sum")
        self._computable(a, "a sum")
        self._computable(b, "a sum")
        if is_matrix(a) and is_matrix(b):
            if a.shape != b.shape:
                raise ParseError(
                    f"adding a {a.shape[0]}×{a.shape[1]} and a {b.shape[0]}×{b.shape[1]} matrix "
                    f"at column {self._column(where)} of {self.text!r}"
                )
            return a + b
        if is_matrix(a) or is_matrix(b) or isinstance(a, nodes.ListPattern):
            raise ParseError(f"cannot add {a} and {b} in {self.text!r}")
        return a + b

    def _divide(self, a: Any, b: Any) -> Any:
        a = self._arithmetic(a, "a quotient")
        b = self._scalar(b, "a division")
        if holds_huge_number(b) or (isinstance(a, sp.Expr) and holds_huge_number(a)):
            # dividing by 10^(10^10) kept unevaluated makes SymPy combine the exponents and
            # compute the power in C, where no time limit reaches (the hypothesis test, in CI)
            raise ParseError(f"a quotient of a number too large to compute with in {self.text!r}")
        return a / b

    def _mul(self, a: Any, b: Any) -> Any:
        a, b = self._arithmetic(a, "a product"), self._arithmetic(b, "a product")
        self._computable(a, "a product")
        self._computable(b, "a product")
        if is_matrix(a) and is_matrix(b):
            if a.shape[1] == b.shape[0]:
                return sp.ImmutableMatrix(a * b)
            return nodes.MatrixTimes(a, b)
        if is_matrix(a):
            # a matrix followed by a quantity is a matrix applied to it (C x), unless a number
            return a * b if getattr(b, "is_number", False) else nodes.MatrixTimes(a, b)
        if is_matrix(b):
            return b * a if getattr(a, "is_number", False) else sp.ImmutableMatrix(b * a)
        if isinstance(a, nodes.ListPattern) or isinstance(b, nodes.ListPattern):
            return nodes.MatrixTimes(a, b)
        return a * b

    def _product(self, factors: Sequence[Any]) -> Any:
        if not factors:
            raise ParseError(f"an empty product in {self.text!r}")
        marks = [f for f in factors if isinstance(f, PartialMark)]
        if marks:
            if len(marks) == len(factors):
                return marks[0] if len(marks) == 1 else PartialMarks(tuple(marks))
            raise ParseError(
                f"\\partial at column {marks[0].column} of {self.text!r} is not part of a "
                f"derivative \\frac{{\\partial ...}}{{\\partial ...}}"
            )
        for value in factors:
            self._check_final(value, None)
        if all(isinstance(f, sp.Expr) and not isinstance(f, nodes.ListPattern) for f in factors):
            return sp.Mul(*factors)  # one call: multiplying factor by factor is quadratic
        return reduce(self._mul, factors)

    def _star(self, a: Any, b: Any, token: Any) -> Any:
        if not (self._tensor_like(a) and self._tensor_like(b)):
            return self._mul(a, b)
        if self.table.star is not None:
            reading = 0 if self.table.star == "product" else 1
        else:
            key = f"star@{token.start_pos}"
            self.ambiguities[key] = (
                f"'*' at column {self._column(token)} between tensors {a} and {b}: a product or "
                f"the book's convolution? Write \\otimes for a convolution, \\cdot for a product"
            )
            reading = self.choices.get(key, 0)
        return self._mul(a, b) if reading == 0 else nodes.Convolution(a, b, "star")

    def _tensor_like(self, value: Any) -> bool:
        if is_matrix(value) or isinstance(
            value, (nodes.ListPattern, nodes.Convolution, nodes.Transposed)
        ):
            return True
        if isinstance(value, sp.Symbol):
            name = value.name
            return self.table.kind_of(name) == "tensor" or f"tensor:{name}" in self.found
        return False

    def _transpose(self, value: Any) -> Any:
        self._check_final(value, None)
        if is_matrix(value):
            return sp.ImmutableMatrix(value.T)
        if isinstance(value, nodes.ListPattern):
            return value.transposed()
        if isinstance(value, nodes.Transposed):
            return value.args[0]
        return nodes.Transposed(value)

    def _power(self, base: Any, exponent: Any) -> Any:
        self._check_final(base, None)
        if isinstance(exponent, Marker):
            if exponent.name == "top":
                return self._transpose(base)
            raise ParseError(f"^\\prime on {base} (not a function) in {self.text!r}")
        exponent = self._scalar(exponent, "an exponent")
        base = self._arithmetic(base, "a power")
        if is_matrix(base):
            square = base.shape[0] == base.shape[1]
            if exponent.is_Integer and square and abs(int(exponent)) <= MAX_MATRIX_POWER:
                return sp.ImmutableMatrix(base**exponent)
            raise ParseError(f"power {exponent} of a {base.shape} matrix in {self.text!r}")
        if isinstance(base, nodes.ListPattern):
            raise ParseError(f"a power of the pattern {base} in {self.text!r}")
        if base == sp.E:
            return sp.exp(exponent)
        if base.is_number and exponent.is_number:
            if holds_huge_number(exponent) or holds_huge_number(base):
                # a tower (46^(10^(10^10))): SymPy would expand the inner power to simplify a root
                # or a product of it (minutes; found by tools/fuzz_checker.py, seed 1, 26127)
                raise ParseError(f"a tower of powers too large to compute with in {self.text!r}")
            if too_large(base, exponent):
                return sp.Pow(base, exponent, evaluate=False)
        return base**exponent

    def _factorial(self, value: Any) -> Any:
        value = self._computable(self._scalar(value, "a factorial"), "a factorial")
        if value.is_Integer and value > 1000:
            return sp.factorial(value, evaluate=False)
        return sp.factorial(value)

    # -- defined by the layers above (declared here so that each layer type-checks) -----------
    def expr(self, tree: Any, head: Callable[..., Any] | None = None) -> Any:
        raise NotImplementedError

    def chain(self, tree: Any, lead: str | None) -> Chain:
        raise NotImplementedError

    def _juxt(self, items: list[Item], head: Callable[..., Any] | None = None) -> Any:
        raise NotImplementedError

    def _unit(self, items: list[Item], index: int, operand: bool = False) -> tuple[Any, int]:
        raise NotImplementedError

    def _items_of(self, tree: Any) -> list[Item]:
        raise NotImplementedError

    def _atom_items(self, atom: Any) -> list[Item]:
        raise NotImplementedError

    def _sign(self, token: Any) -> int:
        raise NotImplementedError

    def _shape_factors(self, expr_tree: Any) -> tuple[Any, ...] | None:
        raise NotImplementedError

    def _content_values(self, content: Any, allow_relations: bool) -> list[Any]:
        raise NotImplementedError

    def _split_comma_number(self, content: Any, values: list[Any]) -> list[Any]:
        raise NotImplementedError

    def _arg_value(self, arg: Any) -> Any:
        raise NotImplementedError

    def _bigop(self, tree: Any) -> Any:
        raise NotImplementedError


def determinant(matrix: Any) -> Any:
    if matrix.shape[0] <= MAX_DETERMINANT_ORDER or all(entry.is_number for entry in matrix):
        return matrix.det()
    return sp.Determinant(matrix)


def entries_of(value: Any) -> list[Any]:
    if isinstance(value, nodes.ListPattern):
        return [
            entry
            for element in value.elements
            for entry in (element if isinstance(element, sp.Tuple) else [element])
        ]
    return list(value)


def holds_relation(content: Tree) -> bool:
    """True if a bracket's content states a relation (``[0 \\le i]``): an Iverson bracket."""
    return any(
        isinstance(chain, Tree)
        and any(isinstance(part, Token) and part.type == "REL" for part in chain.children)
        for chain in content.children
    )


def holds_huge_number(expr: Any) -> bool:
    """True if ``expr`` holds a power of numbers that :func:`too_large` keeps unevaluated."""
    if not isinstance(expr, sp.Basic):
        return False
    return any(
        power.base.is_number and power.exp.is_number and too_large(power.base, power.exp)
        for power in expr.atoms(sp.Pow)
    ) or any(
        power.base.is_Pow or power.exp.is_Pow
        for power in expr.atoms(sp.Pow)
        if power.base.is_number and power.exp.is_number
    )


def too_large(base: Any, exponent: Any) -> bool:
    """True if ``base**exponent`` would have more than :data:`MAX_RESULT_DIGITS` digits."""
    if not (base.is_Rational and exponent.is_Integer):
        return False
    magnitude = max(abs(base.p), abs(base.q), 2)
    return abs(int(exponent)) * len(str(magnitude)) > MAX_RESULT_DIGITS
