"""Infer the ranges of indices and the axis sizes of tensors in an index formula.

The reading the field uses (the NYU notes; Goodfellow et al. 2016, §9.1): an index that reads a
tensor axis *bare*, as ``k`` in ``W[m, n, k]``, runs over that whole axis; an index that only
appears shifted, as ``j`` in ``X[i, n, j + k]``, gets its range from the left side (the output
axis). Every axis an index reads bare therefore has the index's size, and each class of axes and
indices tied this way gets one size symbol: the upper-case index name (``k`` → ``K``, ``j_1`` →
``J_1``; ``N_j`` when that name is taken, e.g. by the loss ``J``) or ``n^X_2`` for an axis no index
reads bare. Declared sizes, ranges and explicit sum limits pin a class to their value.

``sum(body)`` without named indices (an :class:`AutoSum`) sums over every index of ``body`` that is
neither on the left nor bound by an enclosing sum; an index that appears only inside a nested
``sum(...)`` belongs to that inner sum.

    >>> import sympy as sp
    >>> from symconv.grad.formula import index_symbol
    >>> i, j, k = (index_symbol(n) for n in "ijk")
    >>> X, A, y = sp.IndexedBase("X"), sp.IndexedBase("A"), sp.IndexedBase("y")
    >>> f = infer_formula(y[i], AutoSum(X[i, j] * A[j, k] * X[i, k]))
    >>> f.rhs
    Sum(A[j, k]*X[i, j]*X[i, k], (j, 0, K - 1), (k, 0, K - 1))
    >>> f.shapes
    {'y': (I,), 'A': (K, K), 'X': (I, K)}
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sympy as sp

from symconv.core.safe import as_sympy
from symconv.errors import ParseError, ShapeError
from symconv.grad.formula import (
    IndexFormula,
    index_symbol,
    is_range_placeholder,
    range_placeholder,
    size_symbol,
    tensor_name,
    tensor_reads,
)
from symconv.grad.notation import split_gradient_label

#: Names a generated size symbol never takes: ``J`` is the loss of ``∂J/∂Z`` by default.
RESERVED_NAMES = frozenset({"J"})


class SizeConflict(ShapeError):
    """An index that runs over one size and reads an axis of another (``U[i, j_2, j_1, m]``
    where ``j_2`` ranges over ``J_2`` and axis 1 of ``U`` has size ``J_1``): the formula reads
    outside the tensor for every shape where the two sizes differ."""


class AutoSum(sp.Function):
    """``sum(body)``: the summed indices are inferred (see the module docstring)."""

    nargs = 1

    def _latex(self, printer: Any) -> str:
        return rf"\sum {printer._print(self.args[0])}"


# ----------------------------------------------------------------------------------------------
# Union-find over tensor axes and indices
# ----------------------------------------------------------------------------------------------
Key = tuple[str, Any, int]  # ("axis", tensor, r) or ("index", symbol, 0)


class _Classes:
    def __init__(self) -> None:
        self.parent: dict[Key, Key] = {}
        self.order: list[Key] = []

    def add(self, key: Key) -> None:
        if key not in self.parent:
            self.parent[key] = key
            self.order.append(key)

    def find(self, key: Key) -> Key:
        self.add(key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: Key, b: Key) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[root_b] = root_a

    def members(self) -> dict[Key, list[Key]]:
        groups: dict[Key, list[Key]] = {}
        for key in self.order:
            groups.setdefault(self.find(key), []).append(key)
        return groups


def _axis(name: str, axis: int) -> Key:
    return ("axis", name, axis)


def _index(symbol: sp.Symbol) -> Key:
    return ("index", symbol, 0)


def _describe(key: Key) -> str:
    return f"axis {key[2]} of {key[1]}" if key[0] == "axis" else f"the range of {key[1]}"


# ----------------------------------------------------------------------------------------------
# Size names
# ----------------------------------------------------------------------------------------------
def size_name_candidates(index: sp.Symbol) -> list[str]:
    """``k`` → ``["K", "N_k"]``; ``j_1`` → ``["J_1", "N_{j_1}"]``."""
    stem, _, subscript = index.name.partition("_")
    upper = stem.upper() + (f"_{subscript}" if subscript else "")
    return [upper, f"N_{index.name}" if not subscript else f"N_{{{index.name}}}"]


def axis_size_name(tensor: str, axis: int) -> str:
    """The size of an axis no index reads bare: ``n^X_2``."""
    return f"n^{tensor}_{axis}"


# ----------------------------------------------------------------------------------------------
# The inference
# ----------------------------------------------------------------------------------------------
def infer_formula(
    lhs: sp.Indexed,
    rhs: sp.Expr,
    *,
    shapes: Mapping[str, Sequence[Any]] | None = None,
    ranges: Mapping[Any, Any] | None = None,
    bind: Mapping[Any, Any] | None = None,
    reserved: Iterable[str] = RESERVED_NAMES,
    text: str = "",
) -> IndexFormula:
    """Build an :class:`IndexFormula` from ``lhs = rhs``, inferring what is not declared.

    ``shapes`` maps tensor names to axis sizes, ``ranges`` maps an index to its size (``0 ≤ j <
    size``) or to an inclusive ``(lower, upper)`` pair, ``bind`` gives sizes or parameters a value
    (a number or an expression of other sizes). Strings are read with the formula grammar.
    """
    if not isinstance(lhs, sp.Indexed):
        raise ParseError(f"{text or lhs}: the left side must be a tensor entry such as Z[i, j]")
    free = list(lhs.indices)
    if not all(isinstance(i, sp.Symbol) for i in free) or len(set(free)) != len(free):
        raise ParseError(f"{text or lhs}: the left side must list distinct index names (got {lhs})")
    declared_ranges = _read_ranges(ranges or {}, free)
    rhs = resolve_auto_sums(rhs, free, declared_ranges, text or f"{lhs} = {rhs}")

    # An explicit 0-based sum limit ties the index to the axes it reads bare, unless a declared
    # shape says otherwise (``sum_{k=0}^{1} W[k]`` with ``W: (K)``): then the sum keeps its own
    # range and the axis its size.
    fixed: dict[sp.Symbol, tuple[sp.Expr, sp.Expr]] = {}
    while True:
        try:
            classes, values, arities, ranged = _unify(
                lhs, rhs, free, shapes or {}, declared_ranges, fixed, text or str(lhs)
            )
            break
        except _LimitConflict as conflict:
            fixed[conflict.index] = conflict.limits

    sizes_of = _name_classes(classes, values, arities, rhs, free, reserved)

    def size_of(key: Key) -> sp.Expr:
        return sizes_of[classes.find(key)]

    placeholders = {
        range_placeholder(index): size_of(_index(index))
        for index, _, _ in _limits(rhs)
        if _index(index) in classes.parent
    }
    rhs = rhs.xreplace(placeholders)
    result_shapes = {
        name: tuple(size_of(_axis(name, axis)) for axis in range(arity))
        for name, arity in arities.items()
    }
    result_ranges = tuple(
        (index, *ranged[index])
        if index in ranged
        else (index, sp.Integer(0), size_of(_index(index)) - 1)
        for index in free
    )
    formula = IndexFormula(lhs=lhs, rhs=rhs, ranges=result_ranges, shapes=result_shapes, text=text)
    return apply_bindings(formula, bind or {}) if bind else formula


class _LimitConflict(Exception):
    def __init__(self, index: sp.Symbol, limits: tuple[sp.Expr, sp.Expr]):
        super().__init__(str(index))
        self.index = index
        self.limits = limits


def _unify(
    lhs: sp.Indexed,
    rhs: sp.Expr,
    free: Sequence[sp.Symbol],
    shapes: Mapping[str, Sequence[Any]],
    declared_ranges: Mapping[sp.Symbol, tuple[sp.Expr, sp.Expr]],
    fixed: Mapping[sp.Symbol, tuple[sp.Expr, sp.Expr]],
    text: str,
) -> tuple[_Classes, dict[Key, sp.Expr], dict[str, int], dict[sp.Symbol, tuple[sp.Expr, sp.Expr]]]:
    """Tie axes and indices into classes and pin the declared sizes (module docstring)."""
    classes = _Classes()
    values: dict[Key, sp.Expr] = {}
    fixed = dict(fixed)

    def pin(key: Key, value: sp.Expr, source: str) -> None:
        root = classes.find(key)
        if root in values and sp.simplify(values[root] - value) != 0:
            raise SizeConflict(
                f"{text}: {_describe(key)} is {value} ({source}) but also {values[root]}"
            )
        values[root] = value

    # Declared and explicit ranges: 0-based ones pin a size, others are kept as they are.
    for index, (lower, upper) in declared_ranges.items():
        if lower == 0:
            classes.add(_index(index))
        else:
            fixed[index] = (lower, upper)
    for limit in _limits(rhs):
        index, lower, upper = limit
        if is_range_placeholder(upper + 1) or lower == 0:
            classes.add(_index(index))
        else:
            fixed.setdefault(index, (lower, upper))

    arities: dict[str, int] = {}
    reads = [lhs, *tensor_reads(rhs)]
    for read in reads:
        name = tensor_name(read)
        if arities.setdefault(name, len(read.indices)) != len(read.indices):
            raise ShapeError(
                f"{text}: tensor {name} is read with {arities[name]} and with "
                f"{len(read.indices)} indices ({read})"
            )
        for axis, position in enumerate(read.indices):
            classes.add(_axis(name, axis))
            if (
                isinstance(position, sp.Symbol)
                and position not in fixed
                and (
                    position in free
                    or _index(position) in classes.parent
                    or _is_bare_index(position, rhs)
                )
            ):
                classes.union(_index(position), _axis(name, axis))
    # A gradient ∂J/∂T has the shape of T.
    for name, arity in arities.items():
        parts = split_gradient_label(name)
        if parts and parts[1] in arities | dict(shapes):
            for axis in range(arity):
                classes.union(_axis(parts[1], axis), _axis(name, axis))

    for name, sizes in shapes.items():
        sizes = tuple(sizes)
        if name in arities and len(sizes) != arities[name]:
            raise ShapeError(
                f"{text}: shape {sizes} declared for {name}, which is read with "
                f"{arities[name]} indices"
            )
        arities.setdefault(name, len(sizes))
        for axis, size in enumerate(sizes):
            pin(_axis(name, axis), _size_value(size), f"declared shape of {name}")
    for index, (lower, upper) in declared_ranges.items():
        if lower == 0:
            pin(_index(index), upper + 1, f"declared range of {index}")
    for index, lower, upper in _limits(rhs):
        if lower == 0 and not is_range_placeholder(upper + 1) and index not in fixed:
            try:
                pin(_index(index), upper + 1, f"limit of the sum over {index}")
            except ShapeError:
                raise _LimitConflict(index, (lower, upper)) from None
    return classes, values, arities, fixed


def _is_bare_index(symbol: sp.Symbol, rhs: sp.Expr) -> bool:
    """A bare position is an index when some sum binds it (parameters are never bare)."""
    return any(limit[0] == symbol for limit in _limits(rhs))


def _limits(expr: sp.Basic) -> list[tuple[Any, Any, Any]]:
    found: list[tuple[Any, Any, Any]] = []
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Sum):
            found.extend(tuple(limit) for limit in node.limits)
    return found


def _size_value(size: Any) -> sp.Expr:
    if isinstance(size, str):
        from symconv.grad.grammar import parse_size_expression

        return parse_size_expression(size)
    value = as_sympy(size)
    if value.is_number and not (value.is_integer and value.is_positive):
        raise ShapeError(f"size {size!r}: must be a positive integer or a size expression")
    return value


def _read_ranges(
    ranges: Mapping[Any, Any], free: Sequence[sp.Symbol]
) -> dict[sp.Symbol, tuple[sp.Expr, sp.Expr]]:
    result: dict[sp.Symbol, tuple[sp.Expr, sp.Expr]] = {}
    by_name = {s.name: s for s in free}
    for key, value in ranges.items():
        if isinstance(key, sp.Symbol):
            index = key
        else:
            name = _normal_name(str(key))
            index = by_name.get(name, index_symbol(name))
        if isinstance(value, tuple | list):
            lower, upper = (_size_value(v) if isinstance(v, str) else as_sympy(v) for v in value)
            result[index] = (lower, upper)
        else:
            result[index] = (sp.Integer(0), _size_value(value) - 1)
    return result


def _normal_name(name: str) -> str:
    """``j1`` → ``j_1`` (the subscript the field writes)."""
    match = re.fullmatch(r"([A-Za-z]+)(\d+)", name)
    return f"{match.group(1)}_{match.group(2)}" if match else name


def _name_classes(
    classes: _Classes,
    values: Mapping[Key, sp.Expr],
    arities: Mapping[str, int],
    rhs: sp.Expr,
    free: Sequence[sp.Symbol],
    reserved: Iterable[str],
) -> dict[Key, sp.Expr]:
    taken = set(reserved) | set(arities)
    # A size named in a declaration but not pinned to a class of its own (``K`` in ``j < I − K +
    # 1``) is adopted by the class whose index it names (``k``).
    owned = {value.name for value in values.values() if isinstance(value, sp.Symbol)}
    adoptable: dict[str, sp.Symbol] = {}
    for value in values.values():
        for symbol in value.free_symbols:
            if symbol.name not in owned:
                adoptable[symbol.name] = symbol
        taken |= {s.name for s in value.free_symbols}
    taken |= {s.name for s in rhs.free_symbols if isinstance(s, sp.Symbol)}
    taken |= {limit[0].name for limit in _limits(rhs)} | {s.name for s in free}
    result: dict[Key, sp.Expr] = {}
    groups = classes.members()

    # Classes holding a free index are named first, in the order of the left side.
    def priority(root: Key) -> tuple[int, int]:
        members = groups[root]
        for position, index in enumerate(free):
            if _index(index) in members:
                return (0, position)
        return (1, classes.order.index(root))

    for root in sorted(groups, key=priority):
        if root in values:
            result[root] = values[root]
            continue
        members = groups[root]
        candidates: list[str] = []
        indices = [key[1] for key in members if key[0] == "index"]
        indices.sort(key=lambda s: (s not in free, free.index(s) if s in free else 0))
        for rank in range(2):  # every upper-case name first, then the N_j forms
            candidates += [size_name_candidates(index)[rank] for index in indices]
        candidates += [axis_size_name(key[1], key[2]) for key in members if key[0] == "axis"]
        adopted = next((c for c in candidates if c in adoptable), None)
        if adopted is not None:
            result[root] = adoptable.pop(adopted)
            continue
        name = next((c for c in candidates if c not in taken), None)
        if name is None:
            name = _unused(candidates[0], taken)
        taken.add(name)
        result[root] = size_symbol(name)
    return result


def _unused(stem: str, taken: set[str]) -> str:
    suffix = 2
    while f"{stem}'{suffix}" in taken:
        suffix += 1
    return f"{stem}'{suffix}"


# ----------------------------------------------------------------------------------------------
# sum(...) without named indices
# ----------------------------------------------------------------------------------------------
def resolve_auto_sums(
    rhs: sp.Expr,
    free: Sequence[sp.Symbol],
    declared: Mapping[sp.Symbol, Any],
    text: str,
) -> sp.Expr:
    """Replace every :class:`AutoSum` by a ``Sum`` over its inferred indices (ranges to infer)."""
    if not rhs.has(AutoSum):
        return rhs
    index_names = _index_symbols(rhs, free, declared)

    def resolve(node: sp.Basic, bound: frozenset[sp.Symbol]) -> sp.Basic:
        if isinstance(node, AutoSum):
            body = node.args[0]
            own = _own_indices(body, index_names - bound)
            if not own:
                raise ParseError(
                    f"{text}: sum({body}) has no index to sum over (every index in it is on the "
                    "left side or summed outside)"
                )
            inner = resolve(body, bound | frozenset(own))
            return sp.Sum(inner, *((k, 0, range_placeholder(k) - 1) for k in own))
        if isinstance(node, sp.Sum):
            limits = [tuple(limit) for limit in node.limits]
            inner_bound = bound | frozenset(limit[0] for limit in limits)
            return sp.Sum(resolve(node.function, inner_bound), *limits)
        if node.is_Atom or not node.args:
            return node
        return node.func(*(resolve(arg, bound) for arg in node.args))

    return resolve(rhs, frozenset(free))


def _index_symbols(
    rhs: sp.Expr, free: Sequence[sp.Symbol], declared: Mapping[sp.Symbol, Any]
) -> frozenset[sp.Symbol]:
    """Indices: the free ones, the bound ones, any that reads an axis bare, declared ones."""
    found = set(free) | set(declared)
    found |= {limit[0] for limit in _limits(rhs)}
    for read in tensor_reads(rhs):
        found |= {p for p in read.indices if isinstance(p, sp.Symbol)}
    return frozenset(found)


def _own_indices(body: sp.Expr, candidates: frozenset[sp.Symbol]) -> list[sp.Symbol]:
    """The candidates ``sum(body)`` binds: those in ``body`` outside nested ``sum(...)``, or in
    more than one nested one; order of first appearance."""
    outside: list[sp.Symbol] = []
    nested_count: dict[sp.Symbol, int] = {}

    def walk(node: sp.Basic, depth: int) -> None:
        if isinstance(node, AutoSum) and depth == 0:
            for symbol in _ordered_symbols(node.args[0]):
                if symbol in candidates:
                    nested_count[symbol] = nested_count.get(symbol, 0) + 1
            return
        if isinstance(node, sp.Symbol):
            if node in candidates and node not in outside:
                outside.append(node)
            return
        if isinstance(node, sp.Sum):
            bound = {limit[0] for limit in node.limits}
            for symbol in _ordered_symbols(node):
                if symbol in candidates and symbol not in bound and symbol not in outside:
                    outside.append(symbol)
            return
        for arg in node.args:
            walk(arg, depth)

    walk(body, 0)
    order = list(_ordered_symbols(body))
    chosen = set(outside) | {s for s, n in nested_count.items() if n > 1}
    return [s for s in order if s in chosen]


def _ordered_symbols(expr: sp.Basic) -> list[sp.Symbol]:
    seen: list[sp.Symbol] = []
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Symbol) and node not in seen:
            seen.append(node)
    # preorder follows SymPy's canonical argument order; prefer the order of tensor reads
    reads_order: list[sp.Symbol] = []
    for read in tensor_reads(expr):
        for position in read.indices:
            for symbol in sorted(position.free_symbols, key=str):
                if symbol not in reads_order:
                    reads_order.append(symbol)
    return reads_order + [s for s in seen if s not in reads_order]


# ----------------------------------------------------------------------------------------------
# Bindings
# ----------------------------------------------------------------------------------------------
def apply_bindings(formula: IndexFormula, bind: Mapping[Any, Any]) -> IndexFormula:
    """Give sizes or parameters values (numbers or expressions of other sizes), by name."""
    known = {s.name: s for s in (*formula.size_symbols, *formula.parameters)}
    mapping: dict[sp.Symbol, sp.Expr] = {}
    for key, value in bind.items():
        name = key.name if isinstance(key, sp.Symbol) else _normal_name(str(key))
        if name not in known:
            raise ShapeError(
                f"{formula}: cannot bind {name}: it is neither a size nor a parameter of the "
                f"formula (sizes and parameters: {sorted(known)})"
            )
        expression = _size_value(value) if isinstance(value, str) else as_sympy(value)
        mapping[known[name]] = expression.xreplace(
            {s: known[s.name] for s in expression.free_symbols if getattr(s, "name", None) in known}
        )
    # Apply repeatedly so that a binding may use another bound name.
    bound = formula
    for _ in range(len(mapping) + 1):
        before = bound
        bound = bound.substitute(mapping)
        if bound == before:
            break
    return bound
