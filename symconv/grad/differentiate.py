"""``derive_backward``: the backward pass of an index formula, derived in closed index form.

Given a forward formula ``Z[f] = rhs`` and a tensor ``A`` it reads, the gradient of a loss ``J``
with respect to an entry ``A[a]`` is, by the multivariate chain rule (Goodfellow et al. 2016,
eq. 6.46; the NYU notes on backpropagation in index form),

    ∂J/∂A[a] = Σ_f ∂J/∂Z[f] · ∂Z[f]/∂A[a],

summed over every entry ``f`` of ``Z``. Differentiating ``rhs`` entry by entry turns every read of
``A`` into a product of Kronecker deltas, ``∂A[p]/∂A[a] = Π_r δ(p_r, a_r)``, and pointwise
functions into their derivatives (``σ' = σ(1 − σ)``). The deltas are then eliminated by solving
their (linear, integer) index equations for summation indices, keeping the range and divisibility
conditions under which a solution exists (:mod:`symconv.grad.deltas`); out-of-range terms are zero.

    >>> d = derive_backward("Z[i,m,j] = b[m] + sum(W[m,n,k] * X[i,n,j+k])", wrt="W")
    >>> d.answer
    Sum(∂J/∂Z[i, m, j]*X[i, n, j + k], (i, 0, I - 1), (j, 0, N_j - 1))
    >>> print(d.answer_latex())
    \\frac{\\partial J}{\\partial W[m, n, k]} =
    \\sum_{\\substack{0 \\leq i \\leq I - 1\\\\0 \\leq j \\leq N_{j} - 1}}
    \\frac{\\partial J}{\\partial Z[i, m, j]} X[i, n, j + k]
    >>> derive_backward("Z[i,m,j] = b[m] + sum(W[m,n,k] * X[i,n,j+k])", wrt="X").answer
    Sum(∂J/∂Z[i, m, j - k]*W[m, n, k]*[InRange(0 <= j - k <= N_j - 1)],
        (m, 0, M - 1), (k, 0, K - 1))
    >>> derive_backward("U[i,j] = sigmoid(Z[i,j])", wrt="Z").answer
    (1 - U[i, j])*∂J/∂U[i, j]*U[i, j]
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any, Literal

import sympy as sp

from symconv.core.derivation import Derivation, Step
from symconv.core.latex import Notation
from symconv.errors import DerivationError, ShapeError
from symconv.grad.binders import fresh_bound, primed, readable_bound, relabel
from symconv.grad.conditions import Iverson
from symconv.grad.deltas import (
    Substitution,
    Term,
    assemble,
    collect_terms,
    drop_implied_conditions,
    eliminate_deltas,
)
from symconv.grad.formula import IndexFormula, index_symbol, tensor_name
from symconv.grad.front_end import read_forward
from symconv.grad.functions import relu
from symconv.grad.notation import Partial, gradient_base

#: Which summation indices the deltas are solved for first.
#: ``"output"``: the chain rule's sum over the output entries (the textbook form
#: ``∂J/∂X[j] = Σ_k ∂J/∂Z[j − k] W[k]``); ``"inner"``: the forward's own summation indices
#: (``∂J/∂X[p] = Σ_j ∂J/∂Z[j] W[p − j]``).
Elimination = Literal["output", "inner"]

#: Names tried, in order, for a gradient index no forward index lends its name to.
FRESH_INDEX_NAMES = ("p", "q", "r", "t", "u", "v", "a", "c", "e")


@dataclass(frozen=True)
class BackwardParts:
    """What :func:`derive_backward` computed, kept in the ``Derivation``'s ``details``."""

    forward: IndexFormula
    backward: IndexFormula
    wrt: str
    upstream: sp.IndexedBase
    substitutions: tuple[tuple[str, sp.Expr], ...]
    definitions: tuple[IndexFormula, ...]


def derive_backward(
    forward: Any,
    wrt: str | sp.IndexedBase,
    *,
    upstream: str = "J",
    eliminate: Elimination = "output",
    express_with_output: bool = True,
    notation: Notation = "bracket",
    title: str | None = None,
) -> Derivation:
    """The gradient ``∂J/∂A[a]`` of a loss ``J`` with respect to the tensor ``wrt`` read by
    ``forward``, in closed index form (see the module docstring).

    ``forward`` is an :class:`IndexFormula`, the string form, a SymPy ``Eq(Z[...], rhs)`` or a
    :class:`~symconv.conv.forms.ConvIndexForm`. The upstream gradient is the tensor ``∂J/∂Z``
    (:func:`symconv.grad.notation.gradient_base`). With ``express_with_output``, a pointwise
    layer's derivative is written with its output (``U(1 − U)`` rather than ``σ(Z)(1 − σ(Z))``).

    The result's ``answer`` is the index expression of ``∂J/∂A[a]`` and ``answer_lhs`` the entry
    ``∂J/∂A[a]``; ``details["backward"]`` is the same as an :class:`IndexFormula` (ready for
    :func:`symconv.grad.compare.compare_index_formulas` and for evaluation), ``details["parts"]``
    a :class:`BackwardParts`. ``check()`` compares it exactly with ``sympy.diff`` of the explicit
    forward pass and numerically with central differences, at small random sizes.
    """
    if eliminate not in ("output", "inner"):
        raise DerivationError(f"eliminate={eliminate!r}: expected 'output' or 'inner'")
    formula = read_forward(forward, upstream=upstream)
    target = formula.tensor(wrt)
    name = tensor_name(target)
    if name == tensor_name(formula.output):
        raise DerivationError(f"{formula}: cannot differentiate with respect to the output {name}")
    shape = formula.shapes.get(name)
    if shape is None:
        raise ShapeError(f"{formula}: no shape known for {name}")
    output = formula.output
    dZ = gradient_base(upstream, output)
    dA = gradient_base(upstream, name)
    gradient_index = tuple(sp.Dummy(f"a{axis}", integer=True) for axis in range(len(shape)))

    # ∂J/∂A[a] = Σ_f ∂J/∂Z[f] ∂Z[f]/∂A[a]   (chain rule over every entry f of Z)
    chain = fresh_bound(sp.Sum(dZ[formula.indices] * formula.rhs, *formula.ranges))
    chain_indices = [limit[0] for limit in chain.limits]
    differentiated = fresh_bound(differentiate(chain, target[gradient_index]), keep=chain_indices)
    leftovers = differentiated.atoms(sp.Derivative, sp.Subs)
    if leftovers:
        shown = {
            str(leftover.xreplace({d: sp.Symbol(d.name) for d in leftover.atoms(sp.Dummy)}))
            for leftover in leftovers
        }
        raise DerivationError(
            f"{formula}: cannot differentiate {sorted(shown)} with respect to "
            f"{name} (a function without a known derivative)"
        )

    terms = collect_terms(differentiated)
    solved: list[Term] = []
    substitutions: list[Substitution] = []
    for term in terms:
        preferred = (
            chain_indices
            if eliminate == "output"
            else [i for i in term.indices if i not in chain_indices]
        )
        result, found = eliminate_deltas(term, preferred)
        solved.append(result)
        substitutions.extend(found)
    free_ranges = {
        a: (sp.Integer(0), size - 1) for a, size in zip(gradient_index, shape, strict=True)
    }
    simplified = [t for t in (drop_implied_conditions(t, free_ranges) for t in solved) if t]
    raw_answer = sp.Add(*(assemble(t) for t in simplified))

    names = _gradient_index_names(formula, target, raw_answer, gradient_index, avoid={upstream})
    renaming = dict(zip(gradient_index, names, strict=True))
    taken = {n.name for n in names}

    def readable(expr: sp.Expr) -> sp.Expr:
        return readable_bound(relabel(expr, renaming), taken)

    answer = readable(raw_answer)
    definitions: tuple[IndexFormula, ...] = ()
    if express_with_output:
        answer, used_output = _with_output(answer, formula)
        if used_output:
            definitions = (formula,)

    lhs = dA[names]
    backward = IndexFormula(
        lhs=lhs,
        rhs=answer,
        ranges=tuple((n, sp.Integer(0), size - 1) for n, size in zip(names, shape, strict=True)),
        shapes={
            **formula.shapes,
            str(dA.label): tuple(shape),
            str(dZ.label): tuple(formula.shapes[tensor_name(output)]),
        },
    )
    chain_step = readable(
        sp.Sum(
            dZ[tuple(chain_indices)]
            * Partial(output[tuple(chain_indices)], target[gradient_index]),
            *chain.limits,
        )
    )
    steps = [
        Step(lhs, chain_step, "=", "chain rule: sum over every entry of the output"),
        Step(
            None,
            readable(differentiated),
            "=",
            "differentiate: the derivative of an entry by an entry is a product of "
            "Kronecker deltas",
        ),
    ]
    eliminated = readable(sp.Add(*(t.as_expr() for t in solved)))
    described = _describe_substitutions(substitutions, renaming, taken)
    if substitutions:
        steps.append(
            Step(
                None,
                eliminated,
                "=",
                "Kronecker deltas fix "
                + "; ".join(f"{i} = {v}" for i, v in described)
                + "; terms out of range are zero",
            )
        )
    if steps[-1].rhs != answer:
        steps.append(
            Step(
                None,
                answer,
                "=",
                "conditions the index ranges imply dropped; "
                "factors taken out of the sums"
                + ("; written with the layer's output" if definitions else ""),
            )
        )
    parts = BackwardParts(
        forward=formula,
        backward=backward,
        wrt=name,
        upstream=dZ,
        substitutions=tuple((str(i), v) for i, v in described),
        definitions=definitions,
    )
    from symconv.grad.verify import exact_gradient_check, numeric_gradient_check

    return Derivation(
        title=title or f"Backward pass of {tensor_name(output)} with respect to {name}",
        steps=tuple(steps),
        answer=answer,
        answer_lhs=lhs,
        conventions=_conventions(formula, answer, upstream),
        checks=(exact_gradient_check(parts), numeric_gradient_check(parts)),
        question=f"Given {dZ}, derive {dA} for {formula}",
        notation=notation,
        details={"forward": formula, "backward": backward, "parts": parts},
    )


def derive_gradients(
    forward: Any, wrt: Sequence[str] | None = None, **options: Any
) -> dict[str, Derivation]:
    """:func:`derive_backward` for several tensors (default: every tensor the formula reads).

    >>> sorted(derive_gradients("Z[i,m,j] = b[m] + sum(W[m,n,k] * X[i,n,j+k])"))
    ['W', 'X', 'b']
    """
    formula = read_forward(forward, upstream=options.get("upstream", "J"))
    names = list(wrt) if wrt is not None else list(formula.tensors)
    return {name: derive_backward(formula, name, **options) for name in names}


def differentiate(expr: sp.Expr, variable: sp.Expr) -> sp.Expr:
    """``∂expr/∂variable`` by the rules SymPy's ``diff`` applies, walked here through the sums,
    sums of terms and products the chain rule builds, each node once:

    * a ``Sum``: ``∂/∂x Σ_f g(f) = Σ_f ∂g(f)/∂x`` (linearity) when ``x`` is no bound index and no
      limit depends on it (``Sum._eval_derivative``, there one limit at a time);
    * ``a + b``: ``∂a/∂x + ∂b/∂x`` (``Add._eval_derivative``);
    * ``a b c``: the product rule, ``Σ_i a … ∂(factor i)/∂x … c`` over the factors whose
      derivative is not zero, multiplied in order (``Mul._eval_derivative``);
    * a node that does not depend on ``x`` (no free symbol in common): 0, as ``Derivative``;
    * a tensor entry: ``Indexed``'s own derivative (``Π_r δ(p_r, a_r)`` for ``∂X[p]/∂X[a]``);
    * a function: its own chain rule (``σ'(u) ∂u/∂x`` for ``σ(u)``, :func:`_own_rule`);
    * anything else (a power, a function whose rule leaves derivatives unevaluated), or a
      variable that is not a tensor entry: ``sympy.diff``.

    The same expression as ``sympy.diff``, without a ``Derivative`` object, its zero test and its
    tree walk at every node.

    >>> i, a = sp.symbols("i a", integer=True)
    >>> x, g = sp.IndexedBase("x"), sp.IndexedBase("g")
    >>> chain = sp.Sum(g[i] * (x[i] ** 2 + sp.Sum(x[i + a] * g[a], (a, 0, 1))), (i, 0, 3))
    >>> differentiate(chain, x[a])
    Sum((2*KroneckerDelta(a, i)*x[i] + Sum(KroneckerDelta(a, a + i)*g[a], (a, 0, 1)))*g[i],
        (i, 0, 3))
    >>> differentiate(chain, x[a]) == sp.diff(chain, x[a])
    True
    """
    if not isinstance(variable, sp.Indexed):
        return sp.diff(expr, variable)  # (SymPy differentiates products by a symbol otherwise)
    read = variable.free_symbols
    if not read & expr.free_symbols:
        return sp.S.Zero  # what Derivative gives a node without the variable
    if isinstance(expr, sp.Indexed):
        # an entry: SymPy's own rule (a product of Kronecker deltas, one per axis, for an entry
        # of the same tensor; 0 for another), the value Derivative returns for it
        return expr._eval_derivative(variable)
    if isinstance(expr, sp.Sum):
        bound = {limit[0] for limit in expr.limits}
        in_limits = set().union(*(lo.free_symbols | hi.free_symbols for _, lo, hi in expr.limits))
        if read & (bound | in_limits):
            # a limit that moves with the variable: SymPy leaves the derivative unevaluated
            return sp.diff(expr, variable)
        return sp.Sum(differentiate(expr.function, variable), *expr.limits)
    if isinstance(expr, sp.Add):
        return sp.Add(*(differentiate(term, variable) for term in expr.args))
    if isinstance(expr, sp.Mul):
        factors = list(expr.args)
        terms = []
        for position, factor in enumerate(factors):
            derivative = differentiate(factor, variable)
            if derivative:
                changed = [*factors[:position], derivative, *factors[position + 1 :]]
                terms.append(reduce(operator.mul, changed, sp.Integer(1)))
        return sp.Add(*terms)
    if isinstance(expr, sp.Function):
        # a function of the entries (σ(Z[i])): its own chain rule, σ'(u)·∂u/∂x, the value
        # Derivative returns for it unless the rule leaves derivatives unevaluated (an unknown
        # function's), which Derivative rewrites: sympy.diff then
        derivative = _own_rule(expr, variable)
        if derivative is not None:
            return derivative
    return sp.diff(expr, variable)


def _own_rule(expr: sp.Expr, variable: sp.Indexed) -> sp.Expr | None:
    """``expr``'s ``_eval_derivative`` where ``Derivative`` would return just that (its class
    has no rule for several derivatives at once, and the result holds no ``Derivative``)."""
    if type(expr)._eval_derivative_n_times is not sp.Basic._eval_derivative_n_times:
        return None
    derivative = expr._eval_derivative(variable)
    if derivative is None or derivative.has(sp.Derivative):
        return None
    return derivative


# ----------------------------------------------------------------------------------------------
# Naming the gradient's indices
# ----------------------------------------------------------------------------------------------
def _gradient_index_names(
    formula: IndexFormula,
    target: sp.IndexedBase,
    answer: sp.Expr,
    dummies: Sequence[sp.Dummy],
    avoid: set[str] | None = None,
) -> tuple[sp.Symbol, ...]:
    """Names for ``∂J/∂A[a]``: per axis, the index the forward reads that axis with when it is
    bare (``W[m, n, k]`` → ``m, n, k``), else the output index in its position (``X[i, j + k]``
    → ``j``, as the NYU notes write ``∂J/∂X[i, j_1, j_2, n]``), else a fresh letter — never a name
    the answer already uses, a tensor's name or a name in ``avoid`` (the loss)."""
    used = {s.name for s in answer.free_symbols if isinstance(s, sp.Symbol) and s not in dummies}
    used |= set(avoid or ()) | set(formula.shapes)  # the loss and every tensor name
    for node in sp.preorder_traversal(answer):
        if isinstance(node, sp.Sum):
            used |= {limit[0].name for limit in node.limits}
    occurrence = next(
        read
        for read in sp.preorder_traversal(formula.rhs)
        if isinstance(read, sp.Indexed) and read.base == target
    )
    chosen: list[str] = []
    for position in occurrence.indices:
        candidates: list[str] = []
        if isinstance(position, sp.Symbol):
            candidates.append(position.name)
        candidates += [i.name for i in formula.indices if i in position.free_symbols]
        candidates += [s.name for s in sorted(position.free_symbols, key=str)]
        candidates += list(FRESH_INDEX_NAMES)
        name = next((c for c in candidates if c not in used and c not in chosen), None)
        if name is None:
            name = candidates[0]
            while name in used or name in chosen:
                name = primed(name)
        chosen.append(name)
    return tuple(index_symbol(name) for name in chosen)


def _describe_substitutions(
    substitutions: Sequence[Substitution],
    renaming: Mapping[sp.Symbol, sp.Symbol],
    taken: set[str],
) -> list[tuple[str, sp.Expr]]:
    described = []
    for substitution in substitutions:
        name = substitution.index.name
        while name in taken:
            name = primed(name)
        value = substitution.value.xreplace(renaming)
        value = value.xreplace({d: sp.Symbol(d.name) for d in value.atoms(sp.Dummy)})
        described.append((name, value))
    return described


# ----------------------------------------------------------------------------------------------
# Writing a pointwise layer's derivative with its output
# ----------------------------------------------------------------------------------------------
def _with_output(answer: sp.Expr, formula: IndexFormula) -> tuple[sp.Expr, bool]:
    """Replace each copy of the forward right side (at any indices) by the output entry:
    ``σ(Z[i, j])`` → ``U[i, j]`` for ``U[i, j] = σ(Z[i, j])``. Only for formulas without sums."""
    if formula.rhs.has(sp.Sum) or not formula.rhs.has(sp.Function):
        return answer, False
    if not set(formula.indices) <= formula.rhs.free_symbols:
        # a broadcast (y[i, j] = σ(b[j])): σ(b[j]) is every y[i, j], no one entry of the output
        return answer, False
    wilds = [sp.Wild(f"w{axis}") for axis in range(len(formula.indices))]
    pattern = formula.rhs.xreplace(dict(zip(formula.indices, wilds, strict=True)))
    replaced = answer.replace(pattern, formula.output[tuple(wilds)])
    if replaced.has(sp.Wild):
        return answer, False
    return replaced, replaced != answer


def _conventions(formula: IndexFormula, answer: sp.Expr, upstream: str) -> tuple[str, ...]:
    notes = [
        f"∂{upstream}/∂{tensor_name(formula.output)} is the given gradient of the loss {upstream} "
        f"with respect to the output {tensor_name(formula.output)}",
        "indices are 0-based; entries outside a tensor read as zero",
    ]
    if answer.has(Iverson):
        notes.append("[c] is the Iverson bracket: 1 where c holds, 0 elsewhere")
    if formula.rhs.has(relu):
        notes.append("relu'(0) = 0 (the subgradient deep-learning libraries use)")
    if formula.rhs.has(sp.Max) or formula.rhs.has(sp.Min):
        notes.append("at a tie, max/min split the gradient equally (Heaviside(0) = 1/2)")
    return tuple(notes)
