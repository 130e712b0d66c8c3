"""A derived gradient checked against the document's own forward formula.

A claim about the loss's gradient (``∂J/∂y^{(l)}_i = Σ_j W^{(l)}_{ji} δ^{(l+1)}_j``), about an
entry derivative (``∂Z(i, j, k)/∂W(i', j', k_in, k) = Y(i s_h + i', …)``) or a step of the chain
rule between them is compared with the engine's derivation of the forward formula the document
wrote before it (:mod:`symconv.check.document_gradients` reads it):

1. the claim's two sides are written in the formula's terms (canonical names, ``δ`` as the
   gradient it names, a subscripted size in a sum's limit as a name);
2. every gradient of a tensor the formula reads is replaced by its derivation
   (:func:`symconv.grad.differentiate.derive_backward`; ``∂J/∂x`` of an activation's input
   through ``y = f(x)``: ``f'(x) ∂J/∂y``, ``f'(x)`` an independent tensor, as ``f`` is any
   function), and every entry derivative by the forward formula's coefficient
   (:func:`symconv.check.entry_derivatives.entry_derivative`); the gradient of the formula's
   output is the upstream gradient, a free tensor;
3. the left side so evaluated is the reference, the right side the candidate, compared at every
   entry of the left side's free indices on random integer tensors of random sizes by
   :func:`symconv.grad.compare.compare_index_formulas` — an index free on the right only (a
   dropped ``\\sum``) is named, and a differing entry is the witness.

The document's index base is its formula's: the lower limits of its sums (``\\sum_{i=1}^{s_l}``
counts from 1, every index is read one lower); a formula that writes only counts
(``\\sum^{f^l}_a``) leaves it open, and the claim is decided only if it is decided the same way
counting from 0 and from 1. Anything else the claim rests on that the document does not fix —
two forward formulas that could be meant, a size the formula does not measure, a formula whose
index is also its summation index — leaves it *unverified*, with the reason.

    >>> from symconv.check.api import check
    >>> doc = ("$$x_j = \\\\sum_{i=0}^{n-1} W_{j,i} y_i + b_j$$\\n\\n"
    ...        "$$\\\\frac{\\\\partial J}{\\\\partial W_{j,i}} = y_j \\\\frac{\\\\partial J}"
    ...        "{\\\\partial x_i}$$\\n")
    >>> judgement = [j for j in check(doc).judgements if j.claim.line == 3][0]
    >>> print(judgement.verdict, judgement.message, sep=': ')
    wrong: not what the forward formula on line 1 gives: an index reads an axis of another size
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import sympy as sp

from symconv.check import nodes
from symconv.check.context import DocumentContext
from symconv.check.document_gradients import (
    LOSS,
    Activation,
    DeclaredRange,
    DocumentDefinitions,
    Forward,
    activation_at,
    canonical_name,
    definitions_before,
    engine_reading,
    equations_of,
    index_bases,
    layer_tag,
    losses_of,
    normalised,
    order_of,
    rebased,
    shifted_name,
    tag_text,
)
from symconv.check.judges.verdicts import right, unverified, wrong
from symconv.check.model import Claim, Judgement
from symconv.core.safe import as_sympy
from symconv.errors import SymconvError
from symconv.grad.notation import gradient_base, split_gradient_label

__all__ = [
    "judge_declared_range",
    "judge_document_gradient",
    "without_deltas",
]

#: Seconds for one comparison (a base), of the claim's limit.
_COMPARISON_SECONDS = 1.5


def _seconds_left() -> float:
    """The claim's time left, read from the alarm the checker set (``limits.time_limit``), kept
    short of it for wording the verdict; :data:`_COMPARISON_SECONDS` when no alarm is set."""
    import signal

    left = signal.getitimer(signal.ITIMER_REAL)[0] if hasattr(signal, "getitimer") else 0.0
    return max(left - 0.15, 0.2) if left > 0 else _COMPARISON_SECONDS


class _Undecided(SymconvError):
    """The claim rests on something the document does not fix: the reason, for the student."""


def judge_document_gradient(claim: Claim, context: DocumentContext) -> Judgement | None:
    """The verdict on a gradient claim against the document's forward formula; None when the
    claim is about no gradient of a formula the document wrote before it."""
    if claim.relation != "=" or len(claim.sides) != 2:
        return None
    left, right_side = claim.sides
    if not (isinstance(left, sp.Basic) and isinstance(right_side, sp.Basic)):
        return None
    if not (_differentiates(left) or _differentiates(right_side) or _names_gradient(claim)):
        return None
    definitions = _definitions(context, order_of(claim))
    if not (definitions.forwards or definitions.activations):
        return None
    if len(losses_of(left) | losses_of(right_side)) > 1:
        return None  # two losses (a batch's mean of per-sample costs): not one gradient
    lhs, rhs = normalised(left, definitions), normalised(right_side, definitions)
    if not _about_gradients(lhs):
        return None  # W = W − η ∂J/∂W updates W; y = W x … restates the layer
    system = _system_for(lhs, rhs, definitions)
    if system is None:
        return None
    if _outside_names(rhs, system):
        # (o − t) g'(u_k): the loss's own gradient written out through its definition (t, o
        # alone), which the forward formula does not give: not compared here (cost_gradients)
        return None
    lhs, rhs = system.renamed(lhs), system.renamed(rhs)
    try:
        return _judged(claim, lhs, rhs, system, context)
    except _Undecided as reason:
        return unverified(claim, str(reason))


def _differentiates(expr: Any) -> bool:
    if expr.has(nodes.Partial, sp.Derivative, sp.Subs):
        return True
    return any(split_gradient_label(str(b.label)) for b in expr.atoms(sp.IndexedBase))


def _names_gradient(claim: Claim) -> bool:
    """The claim may use a name of a gradient (``δ``): decided once the definitions are read."""
    return any(isinstance(s, sp.Basic) and s.atoms(sp.Indexed) for s in claim.sides)


def _about_gradients(expr: Any) -> bool:
    return _differentiates(expr)


# ----------------------------------------------------------------------------------------------
# The layer a claim is about
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _System:
    """The forward formula a claim is about (None: an activation alone), with the activations
    that feed its inputs (or the one the claim is about)."""

    forward: Forward | None
    activations: tuple[Activation, ...]
    #: What else the document defined before the claim (its declared ranges, its activations).
    known: DocumentDefinitions = field(default=DocumentDefinitions(), compare=False)
    #: The claim's names of the formula's tensors written without their layer tag
    #: (``b^{(l)}`` for the ``b_n`` of a formula of ``W^{(l)}`` and ``y^{(l)}``).
    aliases: tuple[tuple[str, str], ...] = ()

    def renamed(self, expr: Any) -> Any:
        """``expr`` with the aliases replaced by the formula's names (gradients too)."""
        if not self.aliases or not isinstance(expr, sp.Basic):
            return expr
        names = dict(self.aliases)
        mapping: dict[Any, Any] = {}
        for base in expr.atoms(sp.IndexedBase):
            label = str(base.label)
            parts = split_gradient_label(label)
            if parts is not None and parts[1] in names:
                mapping[base] = gradient_base(parts[0], names[parts[1]])
            elif label in names:
                mapping[base] = sp.IndexedBase(names[label])
        return expr.xreplace(mapping) if mapping else expr

    @property
    def line(self) -> int:
        if self.forward is not None:
            return self.forward.line
        return self.activations[0].line

    def names(self) -> dict[str, int]:
        found: dict[str, int] = {}
        if self.forward is not None:
            found[self.forward.output] = len(self.forward.lhs.indices)
            found.update(self.forward.inputs)
        for activation in self.activations:
            found[activation.output] = activation.rank
            found[activation.input] = activation.rank
            found[_derivative_name(activation)] = activation.rank
        return found


def _outside_names(expr: Any, system: _System) -> list[str]:
    """Names the right side reads alone (no index, outside a sum's limits) that the layer's
    tensors are not: a target ``t``, an output written without its indices. The layer's
    derivative cannot give them; comparing with them at random values would be no proof.

    >>> t, o = sp.symbols("t o")
    >>> _outside_names((o - t) * sp.IndexedBase("x")[sp.Symbol("k")], _System(None, ()))
    ['o', 't']
    """
    limits: set[Any] = set()
    bound: set[Any] = set()
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Sum):
            for index, *ends in node.limits:
                bound.add(index)
                limits |= set().union(*(as_sympy(end).free_symbols for end in ends))
    indices: set[Any] = set()
    for read in expr.atoms(sp.Indexed):
        indices |= set().union(*(as_sympy(i).free_symbols for i in read.indices))
        indices |= {read.base.label}
    known = {canonical_name(name) for name in system.names()}
    alone = expr.free_symbols - limits - bound - indices
    return sorted(
        s.name
        for s in alone
        if isinstance(s, sp.Symbol)
        and not isinstance(s, sp.Dummy)
        and canonical_name(s.name) not in known
    )


def _derivative_name(activation: Activation) -> str:
    return f"{activation.function}'({activation.input})"


def _tensors_of(expr: Any) -> dict[str, int]:
    """The tensors an expression names (also under a gradient ``∂J/∂x``), with their ranks."""
    found: dict[str, int] = {}
    for read in expr.atoms(sp.Indexed):
        label = str(read.base.label)
        parts = split_gradient_label(label)
        found[parts[1] if parts else label] = len(read.indices)
    return found


def _system_for(lhs: Any, rhs: Any, definitions: DocumentDefinitions) -> _System | None:
    """The one forward formula (with its activations) whose tensors are those of the claim;
    None when none is, :class:`_Undecided` never (two fitting formulas are decided later)."""
    wanted = {**_tensors_of(rhs), **_tensors_of(lhs)}
    fitting: list[_System] = []
    for forward in definitions.forwards:
        activations = _feeding(forward, definitions.activations)
        aliases = _untagged(forward, wanted)
        system = _System(forward, activations, definitions, tuple(aliases.items()))
        names = system.names()
        if all(names.get(aliases.get(name, name)) == rank for name, rank in wanted.items()):
            fitting.append(system)
    if not fitting:
        for activation in definitions.activations:
            system = _System(None, (activation,), definitions)
            names = system.names()
            if all(names.get(name) == rank for name, rank in wanted.items()):
                fitting.append(system)
    if not fitting:
        return None
    distinct = {(s.forward.lhs, s.forward.rhs) if s.forward else s.activations for s in fitting}
    if len(distinct) > 1:
        lines = ", ".join(str(s.line) for s in fitting)
        return _System(_ambiguous(fitting, lines), (), definitions)
    return fitting[-1]


def _untagged(forward: Forward, wanted: Mapping[str, int]) -> dict[str, str]:
    """The claim's ``b^{(l)}`` as the formula's ``b``: a tensor the formula reads without a
    layer tag while every tensor it reads with one carries the same tag ``l`` (``x^{(l+1)} =
    Σ W^{(l)} y^{(l)} + b``: the bias of that layer), named with that tag by the claim, when the
    formula has no tensor of that name already."""
    inputs = forward.inputs
    tags = {layer_tag(name) for name in inputs if layer_tag(name) is not None}
    if len(tags) != 1:
        return {}
    tag = tags.pop()
    assert tag is not None
    aliases = {}
    for name, rank in inputs.items():
        if layer_tag(name) is not None or "^" in name or "_" in name:
            continue
        tagged = canonical_name(f"{name}^{{({tag_text(tag)})}}")
        if tagged not in inputs and wanted.get(tagged) == rank:
            aliases[tagged] = name
    return aliases


def _ambiguous(fitting: Sequence[_System], lines: str) -> Forward:
    first = fitting[-1].forward
    assert first is not None  # several fitting systems have forward formulas
    reason = f"the forward formulas on lines {lines} could each be the one meant"
    return Forward(first.line, first.lhs, first.rhs, reason)


def _feeding(forward: Forward, activations: Iterable[Activation]) -> tuple[Activation, ...]:
    """The activations ``y = f(x)`` whose output is an input of the formula, the latest of each
    (a layer tag is a pattern: ``y^{(l+1)} = f_a(x^{(l+1)})`` also says ``y^{(l)} =
    f_a(x^{(l)})``)."""
    found: dict[str, Activation] = {}
    for name, rank in forward.inputs.items():
        for activation in activations:
            shifted = activation_at(activation, name)
            # y = f(z) with z the formula's own output is the layer after it (a document that
            # names both layers' maps Y), never what feeds it
            if shifted is not None and shifted.rank == rank and shifted.input != forward.output:
                found[name] = shifted
    return tuple(found.values())


# ----------------------------------------------------------------------------------------------
# Judging
# ----------------------------------------------------------------------------------------------
def _judged(
    claim: Claim, lhs: Any, rhs: Any, system: _System, context: DocumentContext
) -> Judgement:
    from symconv.grad.compare import compare_index_formulas

    forward = system.forward
    if forward is not None and forward.clash:
        raise _Undecided(forward.clash)
    other_path = _other_path(lhs, system, context, order_of(claim))
    if other_path is not None:
        raise _Undecided(other_path)
    bases = index_bases(forward, system.known.ranges)
    outcomes = []
    for base in bases:
        reference, candidate = _formulas(lhs, rhs, system, base)
        seed = context.rng_for(claim.line, claim.text).randrange(2**31)
        comparison = compare_index_formulas(
            candidate, reference, seed=seed, trials=3, max_size=3,
            time_budget=_seconds_left() / len(bases),
        )  # fmt: skip
        outcomes.append(comparison)
    where = f"the forward formula on line {system.line}"
    counted = "" if len(bases) == 1 else " (counting indices from 0 and from 1)"
    if all(c.equal is True for c in outcomes):
        return right(
            claim, f"the derivative of {where} gives the same{counted}: {outcomes[0].message}"
        )
    if all(c.equal is False and c.witness is not None for c in outcomes):
        issues = "; ".join(dict.fromkeys(i.message for i in outcomes[0].issues)) or None
        witness = outcomes[0].witness
        assert witness is not None
        return wrong(
            claim,
            f"not what {where} gives{counted}",
            diagnosis=issues,
            witness=witness.describe().replace("by the reference", f"by {where}"),
        )
    conflicts = [[i for i in c.issues if i.kind == "size_conflict"] for c in outcomes]
    if all(c.equal is None and found for c, found in zip(outcomes, conflicts, strict=True)):
        # under every reading an index runs over one size and reads an axis of another (the
        # same rule as the problem context's: answer_formulas.judge_index_formula)
        return wrong(
            claim,
            f"not what {where} gives{counted}: an index reads an axis of another size",
            diagnosis="indices in another order on one tensor than on the others?",
            witness=conflicts[0][0].message,
        )
    if len(outcomes) > 1 and {c.equal for c in outcomes} == {True, False}:
        raise _Undecided(
            f"right for one way of counting the indices of {where} and not for the other, and "
            "the document does not say whether they start at 0 or 1"
        )
    undecided = [c for c in outcomes if c.equal is None]
    reason = undecided[0].message if undecided else "no differing entry was found"
    raise _Undecided(f"could not compare it with {where}: {reason}")


def _other_path(lhs: Any, system: _System, context: DocumentContext, order: int) -> str | None:
    """Why the loss may reach the tensor the claim differentiates by another way than through
    the claim's formula: another equation of the document before the claim reads it too (``x =
    σ(z)`` and a skip connection ``u = x + z``: ∂L/∂z has a term through u). None when the
    formula is its only reader, as far as the document says."""
    wrt: dict[str, int] = {}
    for read in lhs.atoms(sp.Indexed) if isinstance(lhs, sp.Basic) else ():
        parts = split_gradient_label(str(read.base.label))
        if parts is not None:
            wrt[parts[1]] = len(read.indices)
    own_outputs = {activation.output for activation in system.activations}
    inputs = {activation.input: activation.rank for activation in system.activations}
    if system.forward is not None:
        own_outputs.add(system.forward.output)
        inputs.update(system.forward.inputs)
    # the formula's output's gradient is the given upstream (whatever reads the output leads
    # to the loss through it); only a tensor the formula reads can reach the loss elsewhere
    wrt = {name: rank for name, rank in wrt.items() if inputs.get(name) == rank}
    for earlier, line, left, right_side in equations_of(context):
        if earlier >= order or not isinstance(left, sp.Indexed):
            continue
        defined = canonical_name(str(left.base.label))
        if defined in own_outputs or split_gradient_label(defined) is not None:
            continue  # the formula restated, or a gradient named (δ = ∂J/∂x)
        if not isinstance(right_side, sp.Basic) or _about_gradients(right_side):
            continue  # a backward equation (δ = f'(x) Σ W δ), an update (W = W − η ∂J/∂W)
        for read in right_side.atoms(sp.Indexed):
            name = canonical_name(str(read.base.label))
            if wrt.get(name) == len(read.indices):
                return (
                    f"{name} is also read on line {line} ({defined} is computed from it): the "
                    f"loss reaches it there too, and that term is not part of line {system.line}"
                )
    return None


def _formulas(lhs: Any, rhs: Any, system: _System, base: int) -> tuple[Any, Any]:
    """The reference (the left side derived, an :class:`IndexFormula`) and the candidate (the
    right side, a pair) of the comparison, indices counted from 0."""
    from symconv.check.answer_formulas import open_sums
    from symconv.grad.formula import IndexFormula

    free = _free_indices(lhs)
    lhs0 = rebased(lhs, base, free)
    rhs0 = rebased(rhs, base, free)
    layer = _Layer(system, base)
    domains = {index: layer.domain_of(index, lhs0) for index in free}
    reference_rhs = layer.evaluated(lhs0)
    candidate_rhs = open_sums(layer.evaluated(rhs0))
    candidate_rhs = candidate_rhs.xreplace(layer.size_bindings(candidate_rhs, reference_rhs))
    output = sp.IndexedBase(_output_label(lhs))
    if not free:
        if not _is_parameter_gradient(lhs0):
            raise _Undecided("the left side has no index to compare the two sides at")
        # ∂L/∂w of a scalar parameter: one entry, compared at one index that reads nothing
        free = [sp.Symbol("⟨entry⟩", integer=True)]
        domains = {free[0]: (sp.Integer(0), sp.Integer(0))}
    entry = output[tuple(free)]
    shapes = dict(layer.shapes())
    shapes[str(output.label)] = tuple(hi + 1 for _, hi in domains.values())
    ranges = tuple((index, *domains[index]) for index in free)
    reference = IndexFormula(lhs=entry, rhs=reference_rhs, ranges=ranges, shapes=shapes)
    return reference, (entry, candidate_rhs)


def _is_parameter_gradient(lhs: Any) -> bool:
    """``∂J/∂w[0]``: the gradient of a scalar parameter (a one-entry tensor), counted from 0."""
    return (
        isinstance(lhs, sp.Indexed)
        and split_gradient_label(str(lhs.base.label)) is not None
        and tuple(lhs.indices) == (sp.Integer(0),)
    )


def _output_label(lhs: Any) -> str:
    if isinstance(lhs, sp.Indexed):
        return str(lhs.base.label)
    return "left side"


def _free_indices(expr: Any) -> list[sp.Symbol]:
    """The indices of the left side that no sum binds, in the order written."""
    bound = {
        limit[0] for node in sp.preorder_traversal(expr) if isinstance(node, sp.Sum)
        for limit in node.limits
    }  # fmt: skip
    found: list[sp.Symbol] = []
    for read in _entries(expr):
        for position in read.indices:
            for symbol in sorted(position.free_symbols, key=str):
                fresh = (
                    isinstance(symbol, sp.Symbol)
                    and symbol not in bound
                    and symbol not in found
                    and symbol != nodes.INDEX_BASE  # w[⟨index base⟩]: a scalar parameter
                )
                if fresh and sp.expand(position).coeff(symbol) in (1, -1):
                    found.append(symbol)
    return found


def _entries(expr: Any) -> list[sp.Indexed]:
    """The entries of an expression in the order written (``Partial(Z[…], W[…])``: Z first)."""
    found: list[sp.Indexed] = []
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Indexed) and node not in found:
            found.append(node)
    return found


class _Layer:
    """The claim's layer in 0-based indices: the forward formula read by the engine, its
    derivations, the domain and shape of each tensor."""

    def __init__(self, system: _System, base: int):
        self.system = system
        self.activations = {a.output: a for a in system.activations}
        self.by_input = {a.input: a for a in system.activations}
        self.base = base
        self.formula = None if system.forward is None else _engine_formula(system.forward, base)
        self._fresh: dict[tuple[str, int], sp.Symbol] = {}

    # -- shapes ------------------------------------------------------------------------------
    def axis_size(self, name: str, axis: int) -> sp.Expr:
        """The number of entries of axis ``axis`` of a tensor of the layer (its gradient's too)."""
        parts = split_gradient_label(name)
        name = parts[1] if parts else name
        if name in self.by_input:
            name = self.by_input[name].output  # x, f'(x) and ∂J/∂x have the shape of y = f(x)
        for activation in self.activations.values():
            if name == _derivative_name(activation):
                name = activation.output
        formula = self.formula
        if formula is None:
            key = (name, axis)
            if key not in self._fresh:
                self._fresh[key] = sp.Symbol(f"N_{len(self._fresh)}", integer=True, positive=True)
            return self._fresh[key]
        if name == str(formula.output.label):
            return formula.ranges[axis][2] + 1
        span = _read_top(formula, name, axis)
        if span is None:
            raise _Undecided(f"the entries of {name} that the forward formula reads are unclear")
        return span + 1

    def domain_of(self, index: sp.Symbol, expr: Any) -> tuple[sp.Expr, sp.Expr]:
        for read in _entries(expr):
            for axis, position in enumerate(read.indices):
                if position == index:
                    return sp.Integer(0), self.axis_size(str(read.base.label), axis) - 1
        raise _Undecided(f"the index {index} of the left side reads no tensor of the layer")

    def shapes(self) -> Mapping[str, tuple[sp.Expr, ...]]:
        found: dict[str, tuple[sp.Expr, ...]] = {}
        ranks = self.system.names()
        if self.formula is not None:
            upstream = str(gradient_base(LOSS, str(self.formula.output.label)).label)
            ranks[upstream] = len(self.formula.indices)
        for name, rank in ranks.items():
            found[name] = tuple(self.axis_size(name, a) for a in range(rank))
            if split_gradient_label(name) is None:
                gradient = str(gradient_base(LOSS, name).label)
                found.setdefault(gradient, found[name])
        return found

    # -- evaluation ----------------------------------------------------------------------------
    def evaluated(self, expr: Any) -> Any:
        """Gradients of the layer's inputs by their derivations, entry derivatives by their
        coefficients, ``f'(x)`` and ``f(x)`` of an activation as its tensors."""
        expr = self._activation_values(expr)
        expr = expr.replace(lambda n: isinstance(n, nodes.Partial), self._entry_derivative)
        expr = expr.replace(lambda n: isinstance(n, sp.Indexed), self._gradient)
        if expr.has(nodes.Partial, sp.Derivative, sp.Subs):
            raise _Undecided("it holds a derivative that the forward formula does not give")
        return expr

    def _activation_values(self, expr: Any) -> Any:
        for activation in self.activations.values():
            derivative = sp.IndexedBase(_derivative_name(activation))
            output = sp.IndexedBase(activation.output)

            def is_derivative(node: Any, a: Activation = activation) -> bool:
                return isinstance(node, sp.Subs) and _derivative_of(node, a) is not None

            def derivative_entry(node: Any, a: Activation = activation, d: Any = derivative) -> Any:
                entry = _derivative_of(node, a)
                assert entry is not None
                return d[entry.indices]

            def is_value(node: Any, a: Activation = activation) -> bool:
                return (
                    isinstance(node, sp.Function)
                    and len(node.args) == 1
                    and getattr(type(node), "__name__", "") == a.function
                    and isinstance(node.args[0], sp.Indexed)
                    and str(node.args[0].base.label) == a.input
                )

            expr = expr.replace(is_derivative, derivative_entry)
            expr = expr.replace(is_value, lambda node, o=output: o[node.args[0].indices])
        return expr

    def _entry_derivative(self, node: Any) -> Any:
        from symconv.check.entry_derivatives import NotEvaluable, entry_derivative

        top, bottom = node.args[0], node.args[1]
        if len(node.args) != 2 or not all(isinstance(e, sp.Indexed) for e in (top, bottom)):
            raise _Undecided(f"∂{top}/∂{bottom} is not a derivative of an entry by an entry")
        activation = self.activations.get(str(top.base.label))
        if activation is not None and str(bottom.base.label) == activation.input:
            deltas = sp.Mul(
                *(sp.KroneckerDelta(a, b) for a, b in zip(top.indices, bottom.indices, strict=True))
            )
            return deltas * sp.IndexedBase(_derivative_name(activation))[bottom.indices]
        if self.formula is None:
            raise _Undecided(f"no forward formula before the line gives ∂{top}/∂{bottom}")
        try:
            return without_deltas(entry_derivative(self.formula, top, bottom))
        except NotEvaluable as error:
            raise _Undecided(str(error)) from None

    def _gradient(self, entry: Any) -> Any:
        parts = split_gradient_label(str(entry.base.label))
        if parts is None:
            return entry
        name = parts[1]
        formula = self.formula
        if formula is not None and name == str(formula.output.label):
            return entry  # the upstream gradient
        activation = self.by_input.get(name)
        if activation is not None:
            derivative = sp.IndexedBase(_derivative_name(activation))[entry.indices]
            through = gradient_base(LOSS, activation.output)[entry.indices]
            return derivative * self._gradient(through)
        if name in self.activations and formula is None:
            return entry  # an activation alone: ∂J/∂y is the upstream gradient
        if formula is None or name not in self.system.names():
            raise _Undecided(f"no forward formula before the line computes from {name}")
        assert self.system.forward is not None
        return _derived(self.system.forward, self.base, name, tuple(entry.indices))

    # -- sizes ---------------------------------------------------------------------------------
    def size_bindings(self, candidate: Any, reference: Any) -> dict[sp.Symbol, sp.Expr]:
        """Sizes the candidate names that the forward formula names one layer off (``s_{l+1}``
        where the formula sums to ``s_l`` over ``y^{(l)}``): the size of the same axis of the
        tensor one layer on; :class:`_Undecided` for a size nothing binds."""
        formula = self.formula
        known = _size_names(reference) | (
            {s.name for s in (*formula.size_symbols, *formula.parameters)} if formula else set()
        )
        bindings: dict[sp.Symbol, sp.Expr] = {}
        from symconv.grad.formula import is_range_placeholder

        for symbol in sorted(_limit_symbols(candidate), key=str):
            if symbol.name in known or is_range_placeholder(symbol):
                continue
            bound = None
            if formula is not None:
                bound = self._declared(symbol)
                bound = self._layer_shifted(symbol) if bound is None else bound
            if bound is None:
                raise _Undecided(
                    f"the size {symbol} is not one the forward formula on line "
                    f"{self.system.line} measures"
                )
            bindings[symbol] = bound
        return bindings

    def _declared(self, symbol: sp.Symbol) -> sp.Expr | None:
        """The size of the axis a range declaration counts with ``symbol`` (``i ∈ [0,
        w^{(l+1)})`` under ``y^{(l+1)}_{i,j,n} = …``: the first axis of ``y^{(l+1)}``), also one
        layer off (a layer tag is a pattern: ``w^{(l)}`` counts the first axis of ``y^{(l)}``);
        None when no declaration or several different axes give it."""
        found: set[sp.Expr] = set()
        for declared in self.system.known.ranges:
            if declared.entry is None or declared.axis is None:
                continue
            entry = normalised(declared.entry, self.system.known)
            if not isinstance(entry, sp.Indexed):
                continue
            name = str(entry.base.label)
            if sp.expand(declared.count - symbol) != 0:
                count = declared.count
                if not isinstance(count, sp.Symbol):
                    continue
                mine, theirs = layer_tag(symbol.name), layer_tag(count.name)
                if mine is None or theirs is None or mine[0] != theirs[0] or not mine[0]:
                    continue
                shift = mine[1] - theirs[1]
                if shifted_name(count.name, shift) != symbol.name:
                    continue
                moved = _shifted_tensor(name, shift)
                if moved is None:
                    continue
                name = moved
            target = self._in_layer(name)
            if target is not None:
                found.add(self.axis_size(target, declared.axis))
        return found.pop() if len(found) == 1 else None

    def _in_layer(self, name: str) -> str | None:
        """The tensor of the layer that has the shape of ``name`` (itself, the input of an
        activation ``name = f(x)``, the tensor of a gradient ``∂J/∂x``), or None."""
        names = self.system.names()
        parts = split_gradient_label(name)
        plain = parts[1] if parts else name
        if plain in names:
            return plain
        moved = self._activation_output(plain)
        if moved is not None and moved in names:
            return moved
        return None

    def _layer_shifted(self, symbol: sp.Symbol) -> sp.Expr | None:
        formula = self.formula
        assert formula is not None
        tag = layer_tag(symbol.name)
        if tag is None or not tag[0]:
            return None
        found: set[sp.Expr] = set()
        for size in formula.size_symbols:
            theirs = layer_tag(size.name)
            if theirs is None or theirs[0] != tag[0] or theirs == tag:
                continue
            shift = tag[1] - theirs[1]
            if shifted_name(size.name, shift) != symbol.name:
                continue
            for name, rank in self.system.names().items():
                for axis in range(rank):
                    if self.axis_size(name, axis) != size:
                        continue
                    moved = shifted_name(name, shift)
                    if moved is None:
                        continue
                    moved = self._activation_output(moved) or moved
                    if moved in self.system.names():
                        found.add(self.axis_size(moved, axis))
        return found.pop() if len(found) == 1 else None

    def _activation_output(self, name: str) -> str | None:
        """``x^{(l+1)}`` for ``y^{(l+1)}`` when the document says ``y = f(x)`` at some layer."""
        for activation in self.system.activations:
            tag = layer_tag(name)
            theirs = layer_tag(activation.output)
            if tag is None or theirs is None or tag[0] != theirs[0]:
                continue
            moved = activation_at(activation, name)
            if moved is not None:
                return moved.input
        formula = self.formula
        if formula is not None:
            for activation in _document_activations(self.system):
                moved = activation_at(activation, name)
                if moved is not None:
                    return moved.input
        return None


def _document_activations(system: _System) -> tuple[Activation, ...]:
    return (*system.activations, *system.known.activations)


def _shifted_tensor(name: str, shift: int) -> str | None:
    """``name`` (or the tensor of the gradient ``∂J/∂name``) ``shift`` layers on."""
    parts = split_gradient_label(name)
    if parts is None:
        return shifted_name(name, shift)
    moved = shifted_name(parts[1], shift)
    return None if moved is None else str(gradient_base(parts[0], moved).label)


def without_deltas(expr: Any) -> Any:
    """``Σ_k δ(k, a) W[k]`` as ``[0 ≤ a ≤ K − 1] W[a]``: the Kronecker deltas of an entry
    derivative solved for its summation indices (:mod:`symconv.grad.deltas`, the engine's own
    elimination; the same value, evaluated without running over the sums)."""
    from symconv.grad.binders import fresh_bound
    from symconv.grad.deltas import assemble, collect_terms, eliminate_deltas

    terms = collect_terms(fresh_bound(expr))
    solved = []
    for term in terms:
        result, _ = eliminate_deltas(term, [limit[0] for limit in term.limits])
        solved.append(assemble(result))
    return sp.Add(*solved)


def _derivative_of(node: Any, activation: Activation) -> sp.Indexed | None:
    """``f'(x[e])`` (SymPy's ``Subs(Derivative(f(ξ), ξ), ξ, x[e])``) of the activation: x[e]."""
    if not isinstance(node, sp.Subs) or len(node.point) != 1:
        return None
    inner = node.expr
    point = node.point[0]
    if not (isinstance(inner, sp.Derivative) and isinstance(point, sp.Indexed)):
        return None
    function = inner.expr
    if getattr(type(function), "__name__", "") != activation.function:
        return None
    if str(point.base.label) != activation.input:
        return None
    return point


def _size_names(expr: Any) -> set[str]:
    return {s.name for s in _limit_symbols(expr)}


def _limit_symbols(expr: Any) -> set[sp.Symbol]:
    """The symbols of the sums' limits that no enclosing sum binds: sizes."""
    bound: set[Any] = set()
    found: set[sp.Symbol] = set()
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Sum):
            for index, low, high in node.limits:
                bound.add(index)
                found |= {
                    s for s in (low.free_symbols | high.free_symbols) if isinstance(s, sp.Symbol)
                }
    return {s for s in found if s not in bound and not isinstance(s, sp.Dummy)}


def _engine_formula(forward: Forward, base: int) -> Any:
    """The forward formula counted from 0, read by the engine (sizes inferred)."""
    try:
        return engine_reading(forward.lhs, forward.rhs, base)
    except SymconvError as error:
        raise _Undecided(
            f"the forward formula on line {forward.line} cannot be read: {error}"
        ) from None


def _derived(forward: Forward, base: int, name: str, at: tuple[Any, ...]) -> Any:
    """``∂J/∂name`` at the entry ``at``, by the engine's derivation of the forward formula."""
    from symconv.grad.binders import fresh_bound

    lhs, rhs = _derivation(forward.lhs, forward.rhs, base, name)
    rhs = fresh_bound(rhs)
    return rhs.xreplace(dict(zip(lhs.indices, at, strict=True)))


@lru_cache(maxsize=64)
def _derivation(lhs: sp.Indexed, rhs: sp.Expr, base: int, name: str) -> tuple[Any, Any]:
    from symconv.grad.differentiate import derive_backward

    try:
        derivation = derive_backward(engine_reading(lhs, rhs, base), wrt=name, upstream=LOSS)
    except SymconvError as error:
        raise _Undecided(f"the engine cannot differentiate the forward formula: {error}") from None
    backward = derivation.details["backward"]
    return backward.lhs, backward.rhs


def _read_top(formula: Any, name: str, axis: int) -> sp.Expr | None:
    """The largest index the formula reads on axis ``axis`` of ``name`` (strides and sizes
    positive), or None."""
    bounds: dict[Any, tuple[sp.Expr, sp.Expr]] = {
        index: (low, high) for index, low, high in formula.ranges
    }
    for node in sp.preorder_traversal(formula.rhs):
        if isinstance(node, sp.Sum):
            for index, low, high in node.limits:
                bounds[index] = (low, high)
    tops = []
    for read in formula.rhs.atoms(sp.Indexed):
        if str(read.base.label) != name or axis >= len(read.indices):
            continue
        expression = sp.expand(read.indices[axis])
        top = expression
        for index in expression.free_symbols & set(bounds):
            coefficient = expression.coeff(index)
            if coefficient.free_symbols & set(bounds):
                return None
            low, high = bounds[index]
            positive = (coefficient.is_number and coefficient >= 0) or not coefficient.is_number
            top = top.xreplace({index: high if positive else low})
        tops.append(sp.expand(top))
    if not tops:
        return None
    return tops[0] if len(set(tops)) == 1 else sp.Max(*tops)


#: The latest statement's definitions: its document's context itself (an id can be reused once
#: a context is freed), the statement's order, the document's size, the definitions.
_DEFINITIONS: list[tuple[DocumentContext, int, int, DocumentDefinitions]] = []


def _definitions(context: DocumentContext, order: int) -> DocumentDefinitions:
    """:func:`definitions_before`, read once per document and statement."""
    size = len(context.claims) + len(context.definitions)
    if _DEFINITIONS:
        cached_context, cached_order, cached_size, found = _DEFINITIONS[0]
        if cached_context is context and cached_order == order and cached_size == size:
            return found
    found = definitions_before(context, order)
    _DEFINITIONS[:] = [(context, order, size, found)]
    return found


# ----------------------------------------------------------------------------------------------
# Declared ranges
# ----------------------------------------------------------------------------------------------
def judge_declared_range(claim: Claim, context: DocumentContext) -> Judgement | None:
    """A range declaration (``a ∈ [0, f)``) against the forward formula it is written for:
    *right* when the formula gives the index exactly these values — a summation index its
    sum's range, a free index the extent of the axis the formula reads (``k ∈ [0, n^{(l)})``
    under ``δ^{(l)}_{i,j,k}``: the channels the layer's sum over ``k`` reads of ``y^{(l)}``);
    *unverified* otherwise (an output's size is the document's to choose). The formula may be
    written just after the declaration (symbols listed first)."""
    import sys

    from symconv.check.model import RangeFacts

    if not isinstance(claim.facts, RangeFacts):
        return None
    definitions = definitions_before(context, sys.maxsize)
    order = order_of(claim)
    declared = next((r for r in definitions.ranges if r.order == order), None)
    if declared is None or declared.formula is None:
        return unverified(
            claim, f"a range of {claim.facts.index}: no formula of the document uses the index"
        )
    summed = _summed_range(declared, definitions)
    if summed is not None:
        holds, message = summed
        return right(claim, message) if holds else unverified(claim, message)
    extent = _declared_extent(declared, definitions)
    if extent is None:
        return unverified(
            claim,
            f"a range of {declared.index}: the formula on line {declared.formula} does not "
            f"bound it (a size the document chooses)",
        )
    line, tensor, size, base = extent
    if sp.expand(size - declared.count) != 0 or declared.first != base:
        return unverified(
            claim,
            f"a range of {declared.index}: the forward formula on line {line} gives axis "
            f"{(declared.axis or 0) + 1} of {tensor} {size} entries from {base}",
        )
    return right(
        claim,
        f"the forward formula on line {line} gives axis {(declared.axis or 0) + 1} of {tensor} "
        f"exactly these {size} entries, from {base}",
    )


def _summed_range(
    declared: DeclaredRange, definitions: DocumentDefinitions
) -> tuple[bool, str] | None:
    """A summation index of a forward formula: whether its sum runs over the declared values,
    and what the sum runs over; None for any other index."""
    forward = next((f for f in definitions.forwards if f.line == declared.formula), None)
    if forward is None or declared.entry is not None:
        return None
    for node in sp.preorder_traversal(forward.rhs):
        if not isinstance(node, sp.Sum):
            continue
        for index, low, high in node.limits:
            if index != declared.index:
                continue
            count = sp.expand(high - low + 1)
            first_fits = not low.is_number or low == declared.first
            bases = index_bases(forward, definitions.ranges)
            if low.has(nodes.INDEX_BASE):
                first_fits = bases == (declared.first,)
            if sp.expand(count - declared.count) == 0 and first_fits:
                return True, (
                    f"the sum over {index} on line {forward.line} runs over the same {count} values"
                )
            return False, (
                f"a range of {index}: the sum over it on line {forward.line} runs over "
                f"{count} values" + ("" if low.has(nodes.INDEX_BASE) else f" from {low}")
            )
    return None


def _declared_extent(
    declared: DeclaredRange, definitions: DocumentDefinitions
) -> tuple[int, str, sp.Expr, int] | None:
    """``(formula line, tensor, number of entries, first index)`` of the axis a declared free
    index counts, as the one forward formula whose layer holds that tensor reads it; None when
    no formula, or several, or only a size of the engine's own (an output's) gives it."""
    if declared.entry is None or declared.axis is None:
        return None
    entry = normalised(declared.entry, definitions)
    if not isinstance(entry, sp.Indexed):
        return None
    name = str(entry.base.label)
    found = set()
    for forward in definitions.forwards:
        if forward.clash:
            continue
        system = _System(forward, _feeding(forward, definitions.activations), definitions)
        bases = index_bases(forward, definitions.ranges)
        if len(bases) != 1:
            continue
        try:
            layer = _Layer(system, bases[0])
        except _Undecided:
            continue
        target = layer._in_layer(name)
        if target is None or layer.formula is None:
            continue
        if target == str(layer.formula.output.label):
            continue  # the output's size: the document's to choose
        try:
            size = sp.expand(layer.axis_size(target, declared.axis))
        except _Undecided:
            continue
        internal = {s.name for s in layer.formula.size_symbols} - _document_sizes(forward)
        if any(s.name in internal for s in size.free_symbols):
            continue
        written = str(declared.entry.base.label)
        shown = written if written == name else f"{written} ({name})"
        found.add((forward.line, shown, size, bases[0]))
    return found.pop() if len(found) == 1 else None


def _document_sizes(forward: Forward) -> set[str]:
    """The size names the document writes in its formula's sums."""
    return {s.name for s in _limit_symbols(forward.rhs)}
