"""Brackets and what they hold: tuples, vectors, sets, matrices, cases, floors, roots.

``(a, b)`` is a ``Tuple`` (a shape or a location), ``[a, b]`` a 1×n matrix (``^T`` makes it a
column), ``[0, \\dots, 1, \\dots, 0]`` a :class:`~symconv.check.nodes.ListPattern`, ``\\{0, 1\\}`` a
``FiniteSet`` and ``\\{0, \\dots, 9\\}`` a ``Range``, ``[a, b)`` and ``(a, b]`` an ``Interval``; a
one-element bracket is plain grouping.
``(100,256,256)`` is a tuple although ``5,898,240,000`` elsewhere is a number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import sympy as sp
from lark import Token, Tree

from symconv.check import nodes
from symconv.check.parsed import Chain, MatrixLiteral
from symconv.check.read_base import (
    Item,
    determinant,
    holds_huge_number,
    holds_relation,
    is_matrix,
)
from symconv.check.read_names import NameReader
from symconv.errors import ParseError


class BracketReader(NameReader):
    """Bracketed atoms and the contents of brackets."""

    def _item_value(self, item: Item) -> Any:
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

    def _paren(self, item: Item) -> Any:
        content = item.tree.children[1]
        values = self._content_values(content, allow_relations=True)
        values = self._split_comma_number(content, values)
        if not values:
            raise ParseError(f"empty parentheses at column {item.start + 1} of {self.text!r}")
        if len(values) == 1:
            return values[0]
        return sp.Tuple(*values)

    def _bracket(self, item: Item) -> Any:
        content = item.tree.children[1]
        if holds_relation(content):
            return self._iverson(content)
        values = self._split_comma_number(content, self._content_values(content, False))
        if not values:
            raise ParseError(f"empty brackets at column {item.start + 1} of {self.text!r}")
        if len(values) == 1:
            return values[0]
        if any(isinstance(v, nodes.Dots) for v in values):
            return nodes.ListPattern(values)
        if all(is_matrix(v) and v.shape[0] == 1 for v in values):
            widths = {v.shape[1] for v in values}
            if len(widths) != 1:
                raise ParseError(f"rows of different lengths in {self._raw(item.tree)!r}")
            matrix = sp.ImmutableMatrix([list(v) for v in values])
            self._record_matrix(matrix, item.tree, [])
            return matrix
        if any(is_matrix(v) or isinstance(v, (sp.Tuple, sp.Set)) for v in values):
            raise ParseError(f"cannot read {self._raw(item.tree)!r} as a vector or a matrix")
        return sp.ImmutableMatrix([[self._scalar(v, "a vector entry") for v in values]])

    def _split_comma_number(self, content: Any, values: list[Any]) -> list[Any]:
        """``(100,256,256)`` is a tuple, although ``5,898,240,000`` elsewhere is a number."""
        if len(values) != 1:
            return values
        token = sole_token(content)
        if token is not None and token.type == "CNUMBER":
            return [sp.Integer(int(part)) for part in token.value.split(",")]
        return values

    def _tree_braces(self, tree: Any) -> Any:
        values = self._content_values(tree.children[1], allow_relations=False)
        dots = [k for k, v in enumerate(values) if isinstance(v, nodes.Dots)]
        if dots:
            if len(dots) == 1 and 0 < dots[0] == len(values) - 2:
                first, last = values[0], values[-1]
                if first.is_Integer and last.is_Integer:
                    return sp.Range(first, last + 1)
            return nodes.ListPattern(values)
        return sp.FiniteSet(*values)

    def _tree_group(self, tree: Any) -> Any:
        values = self._content_values(tree.children[1], allow_relations=True)
        if len(values) != 1:
            if not values:
                raise ParseError(f"empty braces at column {self._column(tree)} of {self.text!r}")
            return sp.Tuple(*values)
        return values[0]

    def _single(self, tree: Any, what: str) -> Any:
        values = self._content_values(tree.children[1], allow_relations=False)
        if len(values) != 1:
            raise ParseError(f"{what} holds {len(values)} values in {self._raw(tree)!r}")
        return values[0]

    def _tree_abs(self, tree: Any) -> Any:
        value = self._computable(self._single(tree, "|...|"), "|...|")
        if is_matrix(value) and value.shape[0] == value.shape[1]:
            return determinant(value)
        return sp.Abs(self._scalar(value, "|...|"))

    def _tree_norm(self, tree: Any) -> Any:
        return nodes.Norm(self._arithmetic(self._single(tree, "\\|...\\|"), "a norm"))

    def _tree_interval(self, tree: Any) -> Any:
        """``[a, b)`` (closed at a, open at b) and ``(a, b]``: a real interval (an index's range
        once the index is an integer, :func:`symconv.check.read_calculus.integer_bounds`)."""
        opening = tree.children[0].type
        values = self._content_values(tree.children[1], allow_relations=False)
        if len(values) != 2:
            raise ParseError(
                f"the interval {self._raw(tree)!r} holds {len(values)} values, not two ends"
            )
        low, high = (self._scalar(value, "an end of an interval") for value in values)
        return sp.Interval(low, high, left_open=opening == "LPAR", right_open=opening == "LSQB")

    def _tree_floor(self, tree: Any) -> Any:
        value = self._scalar(self._single(tree, "\\lfloor...\\rfloor"), "\\lfloor")
        return sp.floor(self._computable(value, "the floor"))

    def _tree_ceil(self, tree: Any) -> Any:
        value = self._scalar(self._single(tree, "\\lceil...\\rceil"), "\\lceil")
        return sp.ceiling(self._computable(value, "the ceiling"))

    def _tree_binom(self, tree: Any) -> Any:
        _, n, k = tree.children
        n_value = self._computable(self._scalar(self._arg_value(n), "\\binom"), "\\binom")
        k_value = self._computable(self._scalar(self._arg_value(k), "\\binom"), "\\binom")
        # Evaluate only small concrete binomials: SymPy's evaluation of anything else may evalf a
        # tower such as 46^(10^(10^10)) while deciding signs (found by tools/fuzz_checker.py).
        if n_value.is_Integer and k_value.is_Integer and n_value <= 1000:
            return sp.binomial(n_value, k_value)
        if n_value.is_number and k_value.is_number:
            # kept unevaluated, it would still be evalf'd (mpmath's gamma of a 10^26-digit
            # argument: gigabytes) by any floor, ceiling or sign test around it (fuzz seed 1, 862)
            raise ParseError(
                f"\\binom{{{n_value}}}{{{k_value}}} is not computed (only integers up to 1000)"
                f" in {self.text!r}"
            )
        return sp.binomial(n_value, k_value, evaluate=False)

    def _tree_sqrt(self, tree: Any) -> Any:
        children = tree.children
        value = self._scalar(self._arg_value(children[-1]), "\\sqrt")
        if len(children) == 5:  # \sqrt [ n ] arg
            index = self._scalar(
                self._single(Tree("x", [None, children[2]]), "\\sqrt[...]"), "\\sqrt"
            )
            return sp.root(value, index)
        return sp.sqrt(value)

    def _tree_matrix(self, tree: Any) -> Any:
        begin = tree.children[0].value
        rows = self._rows(tree.children[1])
        if any(isinstance(v, nodes.Dots) for row in rows for v in row):
            return nodes.ListPattern([sp.Tuple(*row) for row in rows])
        rows = [[self._scalar(entry, "a matrix entry") for entry in row] for row in rows]
        matrix = sp.ImmutableMatrix(rows)
        self._record_matrix(matrix, tree, tree.children[1].children)
        if "vmatrix" in begin:
            start, end = self._span(tree)
            self.bar_determinants.append((start, end, frozenset(matrix.free_symbols)))
            return determinant(matrix)
        return matrix

    def _tree_substack(self, tree: Any) -> Any:
        raise ParseError(
            f"\\substack outside the limits of a sum at column {self._column(tree)} of "
            f"{self.text!r}: write \\sum_{{\\substack{{...}}}}"
        )

    def _tree_cases(self, tree: Any) -> Any:
        pieces = []
        for row in tree.children[1].children:
            if not isinstance(row, Tree):
                continue
            cells = [c for c in row.children if isinstance(c, Tree)]
            if all(not cell.children or only_separators(cell) for cell in cells):
                continue
            if len(cells) != 2:
                raise ParseError(f"a cases row needs 'value & condition' in {self._raw(row)!r}")
            value = self._cell_value(cells[0])
            condition = self._condition(cells[1])
            if holds_huge_number(condition):
                # Piecewise decides its conditions at once; SymPy would expand the tower to do so
                # (a 10^10-digit integer: minutes and gigabytes; found by tools/fuzz_checker.py)
                raise ParseError(
                    f"the condition {self._raw(cells[1])!r} holds a number too large to decide"
                )
            pieces.append((value, condition))
        if not pieces:
            raise ParseError(f"empty cases in {self.text!r}")
        return sp.Piecewise(*pieces)

    def _condition(self, cell: Any) -> Any:
        chains = [c for c in cell.children if isinstance(c, Tree) and c.data == "chain"]
        words = " ".join(
            re.sub(r"\\[a-z]+\s*\{|\}", "", c.value) for c in cell.children if isinstance(c, Token)
        ).strip()
        if not chains:
            if "otherwise" in words or "else" in words or not words:
                return sp.true
            raise ParseError(f"cannot read the condition {words!r} in {self.text!r}")
        return self._relational(chains[0])

    def _rows(self, rows_tree: Any) -> list[list[Any]]:
        rows: list[list[Any]] = []
        for row in rows_tree.children:
            if not isinstance(row, Tree):
                continue
            cells = [c for c in row.children if isinstance(c, Tree)]
            if all(not cell.children or only_separators(cell) for cell in cells):
                continue
            rows.append([self._cell_value(cell) for cell in cells])
        if not rows:
            raise ParseError(f"an empty matrix in {self.text!r}")
        widths = {len(row) for row in rows}
        if len(widths) != 1:
            lengths = ", ".join(str(len(row)) for row in rows)
            raise ParseError(f"matrix rows of different lengths ({lengths}) in {self.text!r}")
        return rows

    def _cell_value(self, cell: Any) -> Any:
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

    def _content_values(self, content: Any, allow_relations: bool) -> list[Any]:
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
        """The statements of a big operator's subscript: ``k=0``, ``k_1, k_2``, or the rows of
        ``\\substack{0 \\le i \\le I-1 \\\\ 0 \\le j \\le J-1}`` (one statement each)."""
        self._script_depth += 1
        try:
            return self._script_statements(script)
        finally:
            self._script_depth -= 1

    def _script_statements(self, script: Any) -> list[tuple[list[Any], list[str]]]:
        script = substack_of(script) or script
        if not (isinstance(script, Tree) and script.data in ("group", "substack")):
            return [([self._script_value(script)], [])]
        result = []
        content = script.children[2] if script.data == "substack" else script.children[1]
        for child in content.children:
            if isinstance(child, Tree):
                chain = self.chain(child, None)
                if chain.sides[0] is None:
                    raise ParseError(f"a relation without a left side in {chain.text!r}")
                result.append(
                    ([s.expr for s in chain.sides if s is not None], list(chain.relations))
                )
        return result

    def _relational(self, tree: Any, chain: Chain | None = None) -> Any:
        chain = chain or self.chain(tree, None)
        if len(chain.sides) != 2 or chain.sides[0] is None or chain.sides[1] is None:
            raise ParseError(f"cannot read {chain.text!r} as one relation")
        return self._relation_condition(
            chain.sides[0].expr, chain.relations[0], chain.sides[1].expr, chain
        )

    def _relation_condition(self, a: Any, relation: str, b: Any, chain: Chain) -> Any:
        """``a relation b`` as an unevaluated SymPy condition (decided later, not here)."""
        if relation not in _CONDITIONS:
            raise ParseError(f"cannot read {chain.text!r} as a condition")
        try:
            return _CONDITIONS[relation](a, b)
        except (TypeError, ValueError) as error:
            raise ParseError(f"cannot read {chain.text!r} as a condition: {error}") from None

    def _chained_condition(self, tree: Any) -> Any:
        """``0 \\le i \\le I - 1``: the conjunction of its links (``0 ≤ i`` and ``i ≤ I − 1``)."""
        chain = self.chain(tree, None)
        if not chain.relations or any(side is None for side in chain.sides):
            raise ParseError(
                f"expected a condition such as 0 \\le i \\le I - 1, got {chain.text!r} in "
                f"{self.text!r}"
            )
        links = [
            self._relation_condition(left.expr, relation, right.expr, chain)
            for left, relation, right in zip(
                chain.sides, chain.relations, chain.sides[1:], strict=False
            )
            if left is not None and right is not None
        ]
        return sp.And(*links)

    def _iverson(self, content: Any) -> Any:
        """The Iverson bracket ``[0 \\le i \\le I-1 \\wedge 0 \\le j - k]`` (Knuth, *Two notes on
        notation*, 1992): 1 where the condition holds, 0 elsewhere, as symconv.grad writes it.
        Conditions are joined by ``\\wedge``/``\\land`` (and), ``\\vee``/``\\lor`` (or)."""
        from symconv.grad.conditions import Iverson

        alternatives: list[list[Any]] = [[]]
        expecting = True  # a condition must come first and after every connective
        for child in content.children:
            if isinstance(child, Tree):
                alternatives[-1].append(self._chained_condition(child))
                expecting = False
                continue
            word = re.sub(r"\\text\w*\s*\{|\}|\s", "", child.value)
            if word not in _CONNECTIVES:
                raise ParseError(
                    f"{child.value!r} at column {self._column(child)} of {self.text!r} between "
                    f"conditions: join conditions with \\wedge or \\vee"
                )
            if expecting:
                break
            expecting = True
            if _CONNECTIVES[word] == "or":
                alternatives.append([])
        if expecting:
            raise ParseError(f"a condition is missing around \\wedge/\\vee in {self.text!r}")
        return Iverson(sp.Or(*(sp.And(*group) for group in alternatives)))


#: Words that join the conditions of an Iverson bracket, and what they mean.
_CONNECTIVES = {
    "\\wedge": "and", "\\land": "and", "\u2227": "and", "and": "and",
    "\\vee": "or", "\\lor": "or", "\u2228": "or", "or": "or",
}  # fmt: skip

_CONDITIONS: dict[str, Callable[[Any, Any], Any]] = {
    "=": lambda x, y: sp.Eq(x, y, evaluate=False),
    "≠": lambda x, y: sp.Ne(x, y, evaluate=False),
    "<": lambda x, y: sp.Lt(x, y, evaluate=False),
    ">": lambda x, y: sp.Gt(x, y, evaluate=False),
    "≤": lambda x, y: sp.Le(x, y, evaluate=False),
    "≥": lambda x, y: sp.Ge(x, y, evaluate=False),
    "∈": lambda x, y: sp.Contains(x, y, evaluate=False),
}


def substack_of(script: Any) -> Tree | None:
    """The ``substack`` tree of a script ``{\\substack{...}}`` or ``\\substack{...}``, if any."""
    if not isinstance(script, Tree):
        return None
    if script.data == "substack":
        return script
    if script.data != "group":
        return None
    chains = [c for c in script.children[1].children if isinstance(c, Tree)]
    if len(chains) != 1 or len(chains[0].children) != 1:
        return None
    expr = chains[0].children[0].children[0]
    if expr.data == "factor" and len(expr.children) == 1:
        atom = expr.children[0]
        if isinstance(atom, Tree) and atom.data == "substack":
            return atom
    return None


def sole_token(content: Tree) -> Token | None:
    """The only token of a bracket's content, if it is a single bare number."""
    chains = [c for c in content.children if isinstance(c, Tree)]
    if len(chains) != 1 or len(chains[0].children) != 1:
        return None
    expr = chains[0].children[0].children[0]
    if expr.data == "factor" and len(expr.children) == 1 and isinstance(expr.children[0], Token):
        return expr.children[0]
    return None


def only_separators(cell: Any) -> bool:
    return all(isinstance(child, Token) for child in cell.children)
