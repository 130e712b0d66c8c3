"""Entry derivatives ``∂Z[i', j'_1, j'_2, m']/∂X[i, j_1, j_2, n]`` in a derivation's rows, read from
the part's forward index formula.

For a layer linear in the input (a convolution: ``Z[i, j_1, j_2, m] = Σ W[k_1, k_2, n, m]
X[i, j_1 + k_1, j_2 + k_2, n] + b[m]``) the derivative of an output entry by an input entry is the
coefficient of that input entry: each read ``X[e_1, …]`` of the forward formula, taken at the
output entry written on top, becomes ``δ(e_1, i) ⋯`` (the derivative of an entry by an entry is a
product of Kronecker deltas), and what does not read ``X`` (the bias) drops out. The row then
evaluates exactly like any index formula.

A layer that is not linear in the entry (``U = σ(Z)``) has no such coefficient: its derivative
``σ'(Z)`` has no rational value, and the row stays unverified with that reason.

    >>> import sympy as sp
    >>> from symconv.grad.formula import IndexFormula
    >>> forward = IndexFormula.parse("Z[j] = sum_k W[k] X[j+k] + b[0]")
    >>> Z, X = sp.IndexedBase("Z"), sp.IndexedBase("X")
    >>> jp, j = sp.symbols("j' j")
    >>> entry_derivative(forward, Z[jp], X[j])  # the forward's k renamed: a Dummy, _k
    Sum(KroneckerDelta(j, _k + j')*W[_k], (_k, 0, K - 1))
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from symconv.check.symbols import name_key
from symconv.errors import SymconvError


class NotEvaluable(SymconvError):
    """An entry derivative that the forward formula does not give as a rational coefficient."""


def entry_derivative(forward: Any, top: sp.Indexed, bottom: sp.Indexed) -> sp.Expr:
    """``∂top/∂bottom`` from ``forward`` (an :class:`~symconv.grad.formula.IndexFormula`
    computing ``top``'s tensor); :class:`NotEvaluable` with the reason otherwise."""
    from symconv.grad.formula import tensor_name, tensor_reads

    shown = f"∂{top}/∂{bottom}"
    if name_key(tensor_name(top)) != name_key(tensor_name(forward.lhs)):
        raise NotEvaluable(f"{shown}: the part's forward formula computes {forward.lhs}")
    if len(top.indices) != len(forward.indices):
        raise NotEvaluable(f"{shown}: {forward.lhs} has {len(forward.indices)} indices")
    # Summation indices of the forward formula become fresh symbols: a written index of the
    # same name (``n`` in ``∂Z[…]/∂X[i, j_1, j_2, n]``) must not be captured by them.
    rhs = forward.rhs.xreplace(
        {
            limit[0]: sp.Dummy(limit[0].name, integer=True)
            for node in sp.preorder_traversal(forward.rhs)
            if isinstance(node, sp.Sum)
            for limit in node.limits
        }
    )
    rhs = rhs.xreplace(dict(zip(forward.indices, top.indices, strict=True)))
    wanted = name_key(tensor_name(bottom))
    reads = [r for r in tensor_reads(rhs) if name_key(tensor_name(r)) == wanted]
    if not reads:
        raise NotEvaluable(f"{shown}: {forward} does not read {tensor_name(bottom)}")
    if any(len(r.indices) != len(bottom.indices) for r in reads):
        raise NotEvaluable(f"{shown}: {tensor_name(bottom)} is read with another rank")
    scale = sp.Dummy("t")
    marked = rhs.xreplace({r: scale * _deltas(r.indices, bottom.indices) for r in reads})
    coefficient = sp.diff(marked, scale)
    if scale in coefficient.free_symbols or coefficient.has(sp.Derivative, sp.Subs):
        raise NotEvaluable(
            f"{shown}: {forward} is not linear in {tensor_name(bottom)}, so the derivative has "
            f"no rational value at integer entries"
        )
    return coefficient


def _deltas(read: Any, wanted: Any) -> sp.Expr:
    """``∂X[e_1, …]/∂X[a_1, …] = δ(a_1, e_1) ⋯``."""
    return sp.Mul(*(sp.KroneckerDelta(a, e) for e, a in zip(read, wanted, strict=True)))


def rewrite_entry_derivatives(value: Any, forward: Any) -> Any:
    """``value`` with every ``Partial(top, bottom)`` of two entries replaced by its coefficient
    (module docstring); :class:`NotEvaluable` names the first one that has none."""
    from symconv.check.nodes import Partial

    def coefficient(node: Any) -> Any:
        top, bottom = node.args
        if not (isinstance(top, sp.Indexed) and isinstance(bottom, sp.Indexed)):
            raise NotEvaluable(f"∂{top}/∂{bottom} is not a derivative of an entry by an entry")
        return entry_derivative(forward, top, bottom)

    return value.replace(lambda node: isinstance(node, Partial), coefficient)
