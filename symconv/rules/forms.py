"""Small builders for the rule table's formulas written in SymPy (where the string form has no
word for a construct: ``mod``, Iverson brackets, a shape that is not inferred).

    >>> i, j = indices("i j")
    >>> N, D = sizes("N D")
    >>> X, Y = tensors("X Y")
    >>> f = formula(Y[i, j], 2 * X[i, j], {"X": (N, D), "Y": (N, D)})
    >>> f.ranges, f.shapes["Y"]
    (((i, 0, N - 1), (j, 0, D - 1)), (N, D))
    >>> u, k = indices("u k")
    >>> s, O = sizes("s O")
    >>> print(strided_source(u, k, s, O))
    (floor((-k + u)/s), [Eq(Mod(-k + u, s), 0) & InRange(0 <= floor((-k + u)/s) <= O - 1)])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sympy as sp

from symconv.core.safe import as_sympy
from symconv.errors import ShapeError
from symconv.grad.conditions import InRange, Iverson, divides
from symconv.grad.formula import IndexFormula, index_symbol, size_symbol, tensor_name
from symconv.grad.notation import GradientBase, gradient_base


def indices(names: str) -> tuple[sp.Symbol, ...]:
    """Index symbols (integers), as the foundation makes them."""
    return tuple(index_symbol(name) for name in names.split())


def sizes(names: str) -> tuple[sp.Symbol, ...]:
    """Size symbols (positive integers)."""
    return tuple(size_symbol(name) for name in names.split())


def tensors(names: str) -> tuple[sp.IndexedBase, ...]:
    return tuple(sp.IndexedBase(name) for name in names.split())


def gradient(of_tensor: str) -> GradientBase:
    """The tensor ``∂J/∂of_tensor``."""
    return gradient_base("J", of_tensor)


def formula(
    lhs: sp.Indexed,
    rhs: Any,
    shapes: Mapping[str, Sequence[Any]],
    ranges: Sequence[Any] | None = None,
) -> IndexFormula:
    """``lhs = rhs`` with the given shapes; the left side's ranges are ``0 … size − 1`` of the
    left tensor's shape (given, or inferred from ``ranges``: one size per index)."""
    name = tensor_name(lhs)
    all_shapes = {key: tuple(as_sympy(v) for v in value) for key, value in shapes.items()}
    if ranges is None:
        if name not in all_shapes:
            raise ShapeError(f"give the shape of {name} or the ranges of its indices")
        ranges = all_shapes[name]
    all_shapes.setdefault(name, tuple(as_sympy(r) for r in ranges))
    return IndexFormula(
        lhs=lhs,
        rhs=as_sympy(rhs),
        ranges=tuple(
            (index, sp.Integer(0), as_sympy(size) - 1)
            for index, size in zip(lhs.indices, ranges, strict=True)
        ),
        shapes=all_shapes,
    )


def strided_source(
    position: sp.Expr, tap: sp.Expr, stride: sp.Expr, count: sp.Expr
) -> tuple[sp.Expr, sp.Expr]:
    """The output index ``j`` that reads input ``position`` through ``tap``: ``s j + tap =
    position``, so ``j = (position − tap)/s`` when ``s`` divides it and ``0 ≤ j ≤ count − 1``.
    Returns ``(⌊(position − tap)/s⌋, [conditions])`` — the Iverson bracket of the conditions."""
    offset = position - tap
    source = sp.floor(offset / stride)
    condition = sp.And(divides(stride, offset), InRange(source, 0, count - 1))
    return source, Iverson(condition)


def rename(
    formula_: IndexFormula,
    tensor_names: Mapping[str, str] | None = None,
    index_names: Mapping[str, str] | None = None,
) -> IndexFormula:
    """``formula_`` with tensors (and their gradients ``∂J/∂X``) and index symbols renamed —
    to write a rule in the notation of a source (nndl's ``y``, ``w``, ``x`` and ``u, v``).

    >>> f = IndexFormula.parse("Z[j] = sum_k W[k] X[j + k]")
    >>> print(rename(f, {"Z": "y", "W": "w", "X": "x"}, {"j": "i", "k": "u"}).rhs)
    Sum(w[u]*x[i + u], (u, 0, K - 1))
    """
    tensor_names = dict(tensor_names or {})
    index_names = dict(index_names or {})
    mapping: dict[sp.Basic, sp.Basic] = {}
    symbols = set(formula_.rhs.free_symbols) | set(formula_.lhs.free_symbols)
    for node in sp.preorder_traversal(formula_.rhs):
        if isinstance(node, sp.Sum):
            symbols |= {limit[0] for limit in node.limits}
    for symbol in symbols:
        if isinstance(symbol, sp.Symbol) and symbol.name in index_names:
            mapping[symbol] = index_symbol(index_names[symbol.name])
    bases = {
        read.base for read in sp.preorder_traversal(formula_.rhs) if isinstance(read, sp.Indexed)
    }
    bases.add(formula_.lhs.base)
    for base in bases:
        label = str(base.label)
        parts = label[1:].split("/∂") if label.startswith("∂") else None
        if parts and len(parts) == 2 and parts[1] in tensor_names:
            mapping[base] = gradient_base(parts[0], tensor_names[parts[1]])
        elif label in tensor_names:
            mapping[base] = sp.IndexedBase(tensor_names[label])
    renamed = formula_.rhs.xreplace(mapping)
    lhs = formula_.lhs.xreplace(mapping)
    shapes = {}
    for name, shape in formula_.shapes.items():
        parts = name[1:].split("/∂") if name.startswith("∂") else None
        if parts and len(parts) == 2 and parts[1] in tensor_names:
            shapes[f"∂{parts[0]}/∂{tensor_names[parts[1]]}"] = shape
        else:
            shapes[tensor_names.get(name, name)] = shape
    ranges = tuple((index.xreplace(mapping), low, high) for index, low, high in formula_.ranges)
    return IndexFormula(lhs=lhs, rhs=renamed, ranges=ranges, shapes=shapes)
