"""From the parse tree of a LaTeX formula to its SymPy meaning (the parser's "transformer").

The grammar gives syntax; this module gives meaning, deciding what the field's notation means:

* juxtaposition: ``2x(t)``, ``h x'(t)``, ``W[k] X[j+k]`` — a *name followed by parentheses* is
  an application if the name is a function (declared, conventional, or shown to be one in the
  same segment by ``f(x, y)``/``f'(x)``), a product if it is a quantity, and otherwise
  **ambiguous** (both readings are built and reported); a name followed by brackets is indexing;
* subscripts: ``x_{11}`` (digits) is the entry *name* ``x_{11}`` (as
  :func:`symconv.core.tensors.entries` names it), ``x_i``/``x_{ij}``/``x_{i,j}``/``x_{t-k+1}`` are
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

import re
from collections.abc import Callable
from functools import reduce
from typing import Any

import sympy as sp
from lark import Token, Tree

from symconv.check import nodes
from symconv.check.parsed import Chain, Side
from symconv.check.pool_words import pool_call_name
from symconv.check.read_base import DiffOperator, Item, Marker
from symconv.check.read_calculus import CalculusReader
from symconv.check.symbols import greek_name
from symconv.check.vocabulary import FUNCTION_SPELLING, MUL_NAMES, SHAPE_OPS
from symconv.core.patterns import lazy_compile
from symconv.errors import ParseError

__all__ = ["Builder"]

#: A row label: one word in ``\\text{}`` before the row's relation (``\\text{value} &= 6``).
_LABEL = lazy_compile(r"\s*\\(?:text|textrm|mathrm)\s*\{\s*([A-Za-z]{2,})\s*\}\s*")

#: Words that join a row to the one before (``\\text{so} &= …``), never its name.
_CONNECTIVES = frozenset(
    {"so", "thus", "hence", "then", "therefore", "and", "or", "where", "with", "since", "ie"}
)


class Builder(CalculusReader):
    """Builds the statements of one math text; one instance per reading (see
    :class:`~symconv.check.read_base.ReaderBase` for ``choices`` and ``evidence``)."""

    def chain(self, tree: Any, lead: str | None) -> Chain:
        children = tree.children
        sides: list[Side | None] = []
        relations: list[str] = []
        if isinstance(children[0], Token):
            sides.append(self._label_side(tree, lead))
        for child in children:
            if isinstance(child, Token):
                relations.append(self._relation(child))
            else:
                sides.append(self._side(child))
        start, end = self._span_with_left(tree)
        self._check_bar_determinants(sides, start, end)
        return Chain(tuple(sides), tuple(relations), self.text[start:end], start, end, lead)

    def _check_bar_determinants(self, sides: list[Side | None], start: int, end: int) -> None:
        """Refuse the determinant reading of ``\\begin{vmatrix}`` where the line may mean the
        matrix itself between bars, as many authors write a matrix (``|x_{11} … | * |w_{11} …|
        + b = |y_{11} …|``, ``∂L/∂Y = |…|``). ``|M|`` is read as ``det M`` only when it is the one
        matrix of the statement and every other side is built from its entries and numbers
        (``|a b; c d| = ad − bc = −2``); otherwise the reading is a guess, and a verdict on it
        could call a true line wrong (found on a backprop notebook that writes every matrix with
        ``vmatrix``). The statement is then not read: unverified, with this reason."""
        inside = [bar for bar in self.bar_determinants if start <= bar[0] and bar[1] <= end]
        if not inside:
            return
        others = [m for m in self.matrices if start <= m.start and m.end <= end]
        entries = frozenset().union(*(bar[2] for bar in inside))
        lone = len(inside) == 1 and len(others) == len(inside)
        for side in sides:
            if (
                not lone
                or side is None
                or (side.start <= inside[0][0] and inside[0][1] <= side.end)
            ):
                continue
            value = side.expr
            lone = (
                isinstance(value, sp.Expr)
                and not value.is_Symbol
                and not isinstance(value, sp.Indexed)
                and value.free_symbols <= entries
            )
        if not lone:
            raise ParseError(
                "a matrix between bars (vmatrix) is read as its determinant only where it is the "
                "one matrix of the statement and the other side is computed from its entries; "
                "here the bars may just write the matrix"
            )

    def _label_side(self, tree: Any, lead: str | None) -> Side | None:
        """``\\text{value} &= 6``: a row whose left side is a word names what it states (a new
        statement, the word its name); None for a continuation row ``&= 6``."""
        match = _LABEL.fullmatch(lead or "")
        if match is None or match.group(1).lower() in _CONNECTIVES:
            return None
        start, _ = self._span(tree)
        label_start = self.text.rfind(match.group(0).strip(), 0, start)
        if label_start < 0:
            return None
        name = match.group(1)
        label_end = label_start + len(match.group(0).strip())
        return Side(sp.Symbol(name), self.text[label_start:label_end], label_start, label_end)

    def _span_with_left(self, tree: Any) -> tuple[int, int]:
        """The span of a chain or side, with the ``\\left`` the grammar drops before a bracket."""
        start, end = self._span(tree)
        before = self.text[:start].rstrip()
        if before.endswith("\\left"):
            start = len(before) - len("\\left")
        return start, end

    def _side(self, tree: Any) -> Side:
        expr_tree = tree.children[0]
        value = self.expr(expr_tree)
        self._check_final(value, tree)
        start, end = self._span_with_left(tree)
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
            token.type == "MULOP" and MUL_NAMES.get(re.sub(r"\s+", "", token.value)) in SHAPE_OPS
            for token in operators
        ):
            return None
        return tuple(self.expr(child) for child in node.children if isinstance(child, Tree))

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

    def _sum(self, tree: Any) -> Any:
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
            if len(terms) > 1:
                for term in terms:
                    self._computable(term, "a sum")
            return sp.Add(*terms)  # one call: adding term by term is quadratic in SymPy
        return reduce(lambda a, b: self._add(a, b, tree), terms)

    def _sign(self, token: Any) -> int:
        text = token.value
        if text in ("\\pm", "±", "\\mp", "∓"):
            key = f"pm@{token.start_pos}"
            self.ambiguities[key] = (
                f"'{text}' at column {self._column(token)} stands for two formulas"
            )
            first = 1 if text in ("\\pm", "±") else -1
            return first if self.choices.get(key, 0) == 0 else -first
        return -1 if text in ("-", "−") else 1

    def _term(self, tree: Any, head: Callable[..., Any] | None = None) -> Any:
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

    def _combine(self, acc: Any, op_token: Any, rhs: Any, rhs_tree: Any) -> Any:
        op = MUL_NAMES.get(re.sub(r"\s+", "", op_token.value), None)
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

    def _items_of(self, tree: Any) -> list[Item]:
        if tree.data == "factor":
            return self._factor_items(tree)
        items: list[Item] = []
        for child in tree.children:
            if child.data == "bigop":
                start, end = self._span(child)
                items.append(Item("bigop", start, end, tree=child))
            else:
                items.extend(self._factor_items(child))
        return self._merge_delta(items)

    def _merge_delta(self, items: list[Item]) -> list[Item]:
        """``\\Delta t`` is one name (a time step); ``\\Delta`` alone stays ``Delta``."""
        merged: list[Item] = []
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

    def _factor_items(self, tree: Any) -> list[Item]:
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
            elif kind == "degree":
                last.degree = True
            elif kind == "percent":
                last.percent = True
            last.end = self._span(postfix)[1]
        return items

    def _atom_items(self, atom: Any) -> list[Item]:
        start, end = self._span(atom)
        if isinstance(atom, Token):
            kind = atom.type
            text = atom.value
            if kind == "WORD":
                return self._word_items(atom)
            if kind in ("NUMBER", "GNUMBER", "CNUMBER"):
                return [Item("number", start, end, raw=text, value=self._number(atom))]
            if kind == "GREEK":
                return [Item("name", start, end, name=text[1:], raw=text)]
            if kind == "GREEK_U":
                return [Item("name", start, end, name=greek_name(text), raw=text)]
            if kind in ("FUNC_CMD", "BIGWORD_FUNC"):
                name = text.lstrip("\\")
                return [Item("func", start, end, name=FUNCTION_SPELLING.get(name, name), raw=text)]
            if kind == "TEXT_CALL":
                # \text{max\_pool}(X) (read from Markdown as ``max _pool``): one name
                name = re.sub(r"^\\[A-Za-z]+\s*\{\s*|\s*\}$", "", text)
                name = re.sub(r"(?:\\| )_", "_", name)
                name = re.sub(r"\s+", "", name)  # \text{Max Pool}(X): MaxPool
                return [Item("func", start, end, name=FUNCTION_SPELLING.get(name, name), raw=text)]
            if kind == "POOL_CALL":
                # \mathrm{MaxPool}_{2\times 2}(X): the name with its subscript of parameters,
                # read by symconv/check/document_pooling.py (MaxPool_{2x2}, max_{2x2,s=2})
                return [Item("func", start, end, name=pool_call_name(text), raw=text)]
            if kind == "CONST":
                value = sp.oo if text in ("\\infty", "∞") else sp.S.EmptySet
                return [Item("value", start, end, raw=text, value=value)]
            if kind == "DOTS":
                return [Item("value", start, end, raw=text, value=nodes.Dots())]
            if kind == "PARTIAL":
                return [Item("partial", start, end, raw=text)]
            if kind == "NABLA":
                return [Item("nabla", start, end, raw=text)]
            if kind == "TOP":
                return [Item("value", start, end, raw=text, value=Marker("top"))]
            if kind == "PRIME_CMD":
                return [Item("value", start, end, raw=text, value=Marker("prime"))]
            if kind == "SCRIPT_CHAR":
                if text.isdigit():
                    return [Item("number", start, end, raw=text, value=sp.Integer(int(text)))]
                return [Item("name", start, end, name=text, raw=text)]
            if kind == "UNKNOWN_CMD":
                raise ParseError(f"unknown command {text} at column {start + 1} of {self.text!r}")
            raise ParseError(f"unexpected {text!r} at column {start + 1} of {self.text!r}")
        kind = atom.data
        if kind == "font":
            return [self._font(atom)]
        if kind == "word_cmd":
            name = re.sub(r"^\\operatorname\*?\s*\{\s*|\s*\}$", "", atom.children[0].value)
            name = re.sub(r"\\[,;:! ]|\s", "", name)
            return [Item("func", start, end, name=FUNCTION_SPELLING.get(name, name), raw=name)]
        if kind in ("paren", "bracket"):
            return [Item(kind, start, end, tree=atom)]
        return [Item("tree", start, end, tree=atom)]

    def _juxt(self, items: list[Item], head: Callable[..., Any] | None = None) -> Any:
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
                        f"{item.raw} without an argument at column {item.start + 1} of "
                        f"{self.text!r}"
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
            if isinstance(value, DiffOperator):
                if index >= count:
                    raise ParseError(
                        f"a derivative operator with nothing to act on in {self.text!r}"
                    )
                factors.append(value.apply(self._juxt(items[index:]), value.variables))
                break
            factors.append(value)
        return self._product(factors)

    def _unit(self, items: list[Item], index: int, operand: bool = False) -> tuple[Any, int]:
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
        if following is not None and following.kind == "paren" and not item.has_postfix:
            at = self.derivative_at(value, following)  # \frac{df}{dx}(x_0)
            if at is not None:
                return self._postfix_value(at, following), index + 2
        return self._postfix_value(value, item), index + 1
