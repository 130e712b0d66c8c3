"""Derivatives, the operator ``d``, sums, products, extrema and limits.

* ``\\frac{\\partial J}{\\partial W[k]}`` is the entry ``∂J/∂W[k]`` of the gradient tensor (an
  ``IndexedBase`` labelled ``∂J/∂W``, as :mod:`symconv.grad` labels it), so that an index formula
  can be evaluated with the gradient as a tensor; ``\\frac{\\partial y_i}{\\partial z_j}`` is a
  :class:`~symconv.check.nodes.Partial`; derivatives with respect to symbols
  (``\\frac{\\partial^2 f}{\\partial x \\partial y}``, ``\\frac{d}{dx}``, ``\\partial_x``) are SymPy
  ``Derivative``; ``d^2 x(t)`` is the operator :class:`~symconv.check.nodes.OperatorD`.
* ``\\sum_{k=0}^{K-1}``, ``\\sum_{k_1,k_2,n}`` (every value: ``(k, -oo, oo)``; out-of-range entries
  read as zero), ``\\max_{j=0..p-1}``, ``\\sum_{0 \\le k < K}``, ``\\sum_{k \\in \\{0, 1\\}}``.
  The body of a big operator extends over explicit products (``\\sum_k W[k] \\cdot X[k]``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import sympy as sp
from lark import Token, Tree
from sympy.core.function import AppliedUndef

from symconv.check import nodes
from symconv.check.read_base import DiffOperator, Item, PartialMark, PartialMarks
from symconv.check.read_brackets import BracketReader
from symconv.check.read_names import indices_only, point_stem
from symconv.check.vocabulary import BIGOPS, EXTREMA
from symconv.errors import NotationError, ParseError


class CalculusReader(BracketReader):
    """Derivatives and big operators."""

    def _tree_frac(self, tree: Any) -> Any:
        _, numerator, denominator = tree.children
        derivative = self._derivative_fraction(numerator, denominator)
        if derivative is not None:
            return derivative
        num = self._arg_value(numerator)
        den = self._arg_value(denominator)
        self._check_final(num, tree)
        self._check_final(den, tree)
        return self._divide(num, den)

    def _arg_items(self, arg: Any) -> list[Item] | None:
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

    def _diff_mark(self, item: Item) -> str | None:
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
        groups: list[list[Item]] = []
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
            if (
                last.sups
                and last.kind == "name"
                and all(self._classify_sup(sup)[0] == "power" for sup in last.sups)
                and all(self._classify_sup(sup)[1].is_Integer for sup in last.sups)
            ):  # ∂x^2 is an order; ∂y^{(l)}_i is the entry of the layer's y^{(l)}
                var_order = self._int_sup(last, default=1)
                last = Item(**{**last.__dict__, "sups": []})
                group = [*group[:-1], last]
            variables.append((self._juxt(group), var_order))
        total = sum(n for _, n in variables)
        if order is not None and order != total:
            # a contradiction only where every variable is a plain name (∂x^3 ∂y); a group or a
            # layer-tagged name (∂(w^{(l)})^2) may carry an order this reading missed
            plain = all(
                re.fullmatch(r"[^()\[\]{}^]+", str(variable)) is not None
                for variable, _ in variables
            )
            raise (NotationError if plain else ParseError)(
                f"a derivative of order {order} over variables of total order {total} in "
                f"{self.text!r}"
            )
        if len(num_items) == 1:
            return DiffOperator(tuple(variables), self._derivative)
        return self._derivative(self._juxt(num_items[1:]), variables)

    def _derivative(self, of: Any, variables: Sequence[tuple[Any, int]]) -> Any:
        """∂J/∂W[k] → the entry of the gradient tensor ``∂J/∂W``; ∂y_i/∂z_j → ``Partial``;
        derivatives with respect to symbols → SymPy ``Derivative`` (unevaluated)."""
        self._check_final(of, None)
        # ∂L/∂Z(i, j, k): a quantity written with function-style indices is differentiated by
        # its entry Z[i, j, k] (a function's value at a point is no variable)
        variables = [(self._as_entry(var), n) for var, n in variables]
        if any(isinstance(var, sp.Indexed) for var, _ in variables):
            of = self._as_entry(of)
        for var, _ in variables:
            if isinstance(var, sp.Symbol):
                self.found.add(f"variable:{var.name}")
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

    def derivative_at(self, value: Any, paren: Item) -> Any:
        """``\\frac{df}{dx}(x_0)``, ``\\frac{d^2 f}{dx^2}(x)``, ``\\frac{\\partial u}{\\partial
        t}(x_j, t_n)``: the derivative of the function ``f`` evaluated at a point, as calculus
        and numerical-PDE texts write it — never ``f'`` times the point. Read so when each
        argument is a point of one variable (``x``, ``x_0``, ``x_j``, ``x + h``, ``t_n``: see
        :func:`~symconv.check.read_names.point_stem`), the variables differ, and each variable
        of the derivative is one of them (one argument: the derivative's only variable, or an
        integer); None otherwise (``\\frac{\\partial L}{\\partial z}(y - t)`` stays a product).
        """
        if not (
            isinstance(value, sp.Derivative)
            and isinstance(value.expr, sp.Symbol)
            and all(isinstance(v, sp.Symbol) for v in value.variables)
        ):
            return None
        args = self._args(paren)
        counts = list(value.variable_count)
        stems = [point_stem(arg) for arg in args]
        if len(args) == 1 and len(counts) == 1 and getattr(args[0], "is_Integer", False):
            stems = [counts[0][0].name]
        if None in stems or len(set(stems)) != len(stems):
            return None
        if any(variable.name not in stems for variable, _ in counts):
            return None
        function = sp.Function(value.expr.name)
        self.found.add(f"function:{value.expr.name}")
        at_symbols = {v.name: args[stems.index(v.name)] for v, _ in counts}
        if all(
            isinstance(arg, sp.Symbol) and sum(arg in other.free_symbols for other in args) == 1
            for arg in at_symbols.values()
        ):  # f''(x), u_t(x_0, t): a derivative by the argument itself, as f'(x_0) reads
            variables = [(at_symbols[v.name], n) for v, n in counts]
            return sp.Derivative(function(*args), *variables, evaluate=False)
        dummies = [sp.Dummy(f"xi{position}") for position in range(len(args))]
        at = {stem: dummy for stem, dummy in zip(stems, dummies, strict=True)}
        inner = sp.Derivative(
            function(*dummies), *[(at[v.name], n) for v, n in counts], evaluate=False
        )
        if len(args) == 1:
            return sp.Subs(inner, dummies[0], args[0])
        return sp.Subs(inner, tuple(dummies), tuple(args))

    def _as_entry(self, value: Any) -> Any:
        """``Y(i, j, k_{in})`` as the entry ``Y[i, j, k_{in}]`` when Y is no function the
        field names (σ, tanh …) and its arguments are indices (no number but integers)."""
        if not isinstance(value, AppliedUndef) or len(value.args) < 2:
            return value
        if any(not (arg.is_Integer or arg.free_symbols) for arg in value.args):
            return value
        name = value.func.__name__
        if self._named_function(name) or (
            self.table.kind_of(name) == "function" and not indices_only(value.args)
        ):
            return value
        self.found.add(f"tensor:{name}")
        return sp.IndexedBase(name)[value.args]

    def _named_function(self, name: str) -> bool:
        """A function the field or the problem names (σ, tanh, a declared ``f``): never a tensor
        written with function-style indices. A name the document only applied before
        (``Y(i, j, k) = f(Z(i, j, k))``) is not one: differentiating by it shows it is a tensor."""
        from symconv.check.symbols import CONVENTIONAL_FUNCTIONS, name_key

        known = self.table.object_for(name)
        if known is not None:
            return self.table.kind_of(name) == "function"
        return name_key(name) in CONVENTIONAL_FUNCTIONS and self.table.conventional

    def _gradient_base(self, of: str, wrt: str) -> Any:
        if self.table.gradient_base is not None:
            return self.table.gradient_base(of, wrt)
        return sp.IndexedBase(f"∂{of}/∂{wrt}")

    def _partial(self, items: list[Item], index: int) -> tuple[Any, int]:
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
            return PartialMark(operand, order, item.start + 1), after
        return PartialMark(None, order, item.start + 1), index + 1

    def _is_d_operator(self, items: list[Item], index: int) -> bool:
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

    def _slash(self, acc: Any, rhs: Any, rhs_tree: Any, op_token: Token) -> Any:
        marks_num = acc if isinstance(acc, PartialMark) else None
        marks_den = rhs.marks if isinstance(rhs, PartialMarks) else None
        if isinstance(rhs, PartialMark):
            marks_den = (rhs,)
        if marks_num is not None and marks_den is not None:
            variables = []
            for mark in marks_den:
                if mark.operand is None:
                    raise ParseError(f"\\partial without a variable in {self.text!r}")
                variables.append(self._variable_and_order(mark.operand, mark.order))
            if marks_num.operand is None:
                return DiffOperator(tuple(variables), self._derivative)
            return self._derivative(marks_num.operand, variables)
        self._check_final(acc, op_token)
        self._check_final(rhs, op_token)
        items = self._items_of(rhs_tree) if rhs_tree.data in ("piece", "factor") else []
        if len(items) >= 2 and not any(item.kind == "bigop" for item in items):
            key = f"slash@{op_token.start_pos}"
            right = self._raw(rhs_tree)
            self.ambiguities[key] = (
                f"'/{right}' at column {self._column(op_token)}: divide by the whole of {right!r}, "
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

    def _bigop(self, tree: Any) -> Any:
        token, *rest = tree.children
        op = self._bigop_name(token.value)
        subs, sups = _limit_scripts(rest, "SUB"), _limit_scripts(rest, "SUP")
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
                f"{token.value} without an index at column {self._column(token)} of "
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
        return EXTREMA[op](body, *limits)

    def _bigop_name(self, text: str) -> str:
        compact = re.sub(r"\\operatorname\*?|\\mathrm|\\text|[{}\\,;:!\s*]", "", text)
        return BIGOPS.get(compact, compact)

    def _limit(self, body: Any, subs: list[Any], sups: list[Any], token: Any) -> Any:
        statements = self._statement_values(subs[0]) if subs else []
        if sups or len(statements) != 1 or statements[0][1] != ["→"]:
            raise ParseError(f"\\lim needs a subscript like h \\to 0 (in {self.text!r})")
        (variable, point), _ = statements[0]
        return sp.Limit(body, variable, point)

    def _limits(self, sub: Any, sup: Any, op: str, token: Any) -> list[tuple[Any, ...]]:
        """The limits of a sum or extremum from its subscript (and superscript):
        ``k=0``+``K-1``, ``k_1,k_2,n``, ``j=0..p-1``, ``j=0,\\dots,p-1``, ``0 \\le j < p``,
        ``k \\in \\{0, 1\\}``. A bare index sums over all its values: ``(k, -oo, oo)`` (entries
        outside a tensor read as zero, DESIGN.md), ``(k,)`` for an extremum."""
        upper = self._script_value(sup) if sup is not None else None
        statements = self._statement_values(sub) if sub is not None else []
        where = f"{token.value} at column {self._column(token)} of {self.text!r}"

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
        if len(statements) > 1 and all(relations for _, relations in statements):
            if upper is not None:
                raise ParseError(f"{where}: an upper limit for several indices")
            # the rows of \substack, outermost index first; SymPy lists the innermost first
            # (as \sum_{i=0}^{I-1} \sum_{j=0}^{J-1} reads: Sum(body, (j, ...), (i, ...)))
            bounded = [
                self._range_limit(values, relations, where) for values, relations in statements
            ]
            return bounded[::-1]
        if len(statements) == 1 and not statements[0][1] and upper is not None:
            # \sum^{N}_{k}: N terms, counted from the document's first index (nodes.INDEX_BASE)
            base = nodes.INDEX_BASE
            return [(variable(statements[0][0][0]), base, base + upper - 1)]
        if len(statements) == 1 and not statements[0][1] and upper is None:
            letters = _run_of_indices(statements[0][0][0])
            if letters is not None:
                # \sum_{ij}: the sum over i and over j (a product i·j is no summation index)
                return [unbounded(letter) for letter in letters]
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
            return [self._range_limit(values, relations, where)]
        if relations == ["∈"] and upper is None:
            var, domain = values
            bounds = integer_bounds(domain)
            if bounds is None:
                raise ParseError(f"{where}: the index set {domain} is not a range of integers")
            return [(variable(var), *bounds)]
        raise ParseError(f"{where}: cannot read the limits {self._inner(sub)!r}")

    def _range_limit(self, values: list[Any], relations: list[str], where: str) -> tuple[Any, ...]:
        """``0 \\le k \\le K-1`` or ``0 \\le k < K`` (a strict bound moves by one):
        ``(k, 0, K - 1)``."""
        if len(relations) != 2 or not all(r in ("<", "≤") for r in relations):
            written = " ".join(str(v) for v in values)
            raise ParseError(f"{where}: cannot read the range {written!r} ({relations})")
        low, var, high = values
        if not isinstance(var, sp.Symbol):
            raise ParseError(f"the index {var} of {where} is not a name")
        low = low if relations[0] == "≤" else low + 1
        high = high if relations[1] == "≤" else high - 1
        return (var, low, high)


def _run_of_indices(value: Any) -> list[sp.Symbol] | None:
    """``i·j`` read from ``\\sum_{ij}``: its one-letter names in the order written (SymPy
    keeps the letters of a product sorted, as runs are written: ``ij``, ``mn``, ``pq``), or
    None when ``value`` is no product of distinct one-letter names."""
    if not isinstance(value, sp.Mul):
        return None
    factors = list(value.args)
    if not all(isinstance(f, sp.Symbol) and len(f.name) == 1 for f in factors):
        return None
    if len(set(factors)) != len(factors):
        return None
    return sorted(factors, key=lambda f: f.name)


def integer_bounds(domain: Any) -> tuple[Any, Any] | None:
    """The first and last value of an index that runs over ``domain``: a range of integers,
    ``\\{0, \\dots, n-1\\}``, or an interval whose ends are integers or sizes (``[0, n)``
    holds the integers 0 … n − 1); None for anything else.

    >>> n = sp.Symbol("n")
    >>> integer_bounds(sp.Interval(0, n, right_open=True)), integer_bounds(sp.Interval(0, 2.5))
    ((0, n - 1), None)
    """
    if isinstance(domain, sp.Interval):
        ends = (domain.start, domain.end)
        if not all(isinstance(e, sp.Expr) and (e.is_Integer or not e.is_number) for e in ends):
            return None
        low = domain.start + 1 if domain.left_open else domain.start
        return low, domain.end - 1 if domain.right_open else domain.end
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


def _limit_scripts(parts: Sequence[Any], kind: str) -> list[Any]:
    """The scripts of a big operator's limits of one kind (``SUB`` or ``SUP``)."""
    scripts = []
    for part in parts:
        if isinstance(part, Tree) and part.data == "limit":
            marker: Any = part.children[0]
            if marker.type == kind:
                scripts.append(part.children[1])
    return scripts
