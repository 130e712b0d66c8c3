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
    activation = _activation(forward)
    if activation is not None and name_key(tensor_name(bottom)) == activation.input_key:
        return activation.derivative_entry(top, bottom)
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


#: What a writer calls the layer's pointwise function: ``\\sigma`` is the sigmoid.
_ACTIVATION_SPELLINGS = {"sigma": "sigmoid"}


class _Activation:
    """A forward formula ``U[e] = g(Z[e])`` that applies one function entry by entry, whose
    derivative is a function of its output: ``σ' = σ(1 − σ) = U(1 − U)``, ``tanh' = 1 − U²``
    (Goodfellow et al. 2016, eq. 3.31 and §6.3.2). Then ``∂U[e']/∂Z[e] = δ(e', e) g'(Z[e])`` is
    ``δ(e', e) U[e](1 − U[e])``, rational at integer entries, and a row that writes ``σ(Z[e])``
    means ``U[e]``."""

    def __init__(self, forward: Any, function: Any, derivative_in_output: sp.Lambda):
        from symconv.grad.formula import tensor_name

        self.derivative_in_output = derivative_in_output  # g' as a function of the output u
        self.output_base = sp.IndexedBase(tensor_name(forward.lhs))
        self.input_key = name_key(tensor_name(forward.rhs.args[0]))
        self.function_key = name_key(_function_name(function))

    def derivative_entry(self, top: sp.Indexed, bottom: sp.Indexed) -> sp.Expr:
        if len(top.indices) != len(bottom.indices):
            raise NotEvaluable(f"∂{top}/∂{bottom}: the two entries have another rank")
        output = self.output_base[bottom.indices]
        return _deltas(top.indices, bottom.indices) * self.derivative_in_output(output)

    def in_outputs(self, value: Any) -> Any:
        """``value`` with each ``g(Z[e])`` written as the output entry ``U[e]``."""
        from symconv.grad.formula import tensor_name

        def is_application(node: Any) -> bool:
            if not (isinstance(node, sp.Function) and len(node.args) == 1):
                return False
            spelled = name_key(_function_name(type(node)))
            spelled = _ACTIVATION_SPELLINGS.get(spelled, spelled)
            argument = node.args[0]
            return (
                spelled == self.function_key
                and isinstance(argument, sp.Indexed)
                and name_key(tensor_name(argument)) == self.input_key
            )

        return value.replace(is_application, lambda node: self.output_base[node.args[0].indices])


def _function_name(function: Any) -> str:
    return str(getattr(function, "__name__", function))


def _activation(forward: Any) -> _Activation | None:
    """The pointwise function the forward formula applies, if its derivative is a function of
    its output (None for a convolution, or for ReLU, whose derivative needs the input)."""
    rhs = getattr(forward, "rhs", None)
    if not (isinstance(rhs, sp.Function) and len(rhs.args) == 1):
        return None
    argument = rhs.args[0]
    if not (isinstance(argument, sp.Indexed) and tuple(argument.indices) == tuple(forward.indices)):
        return None
    t, u = sp.Dummy("t"), sp.Dummy("u")
    function = type(rhs)
    derivative = sp.diff(function(t), t).subs(function(t), u)
    if t in derivative.free_symbols or derivative.has(sp.Derivative, sp.Subs):
        return None
    return _Activation(forward, function, sp.Lambda(u, derivative))


def rewrite_activations(value: Any, forward: Any) -> Any:
    """``value`` with the forward's pointwise function of an input entry, ``σ(Z[e])``, written
    as the output entry ``U[e]`` (:class:`_Activation`); ``value`` itself for other layers.

    >>> from symconv.grad.formula import IndexFormula
    >>> forward = IndexFormula.parse("U[i] = sigmoid(Z[i])")
    >>> Z, i = sp.IndexedBase("Z"), sp.Symbol("i")
    >>> rewrite_activations((1 - sp.Function("sigma")(Z[i])) * sp.Function("sigma")(Z[i]), forward)
    (1 - U[i])*U[i]
    """
    activation = _activation(forward)
    return value if activation is None else activation.in_outputs(value)


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
