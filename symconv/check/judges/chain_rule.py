r"""A chain-rule product — a derivative written through one intermediate quantity — judged by
what the document defines.

    dz/dx = dz/dy · dy/dx                                         (y = f(x), z a function of y)
    ∂L/∂z_{n,i,j,f} = ∂L/∂x_{n,i,j,f} · ∂x_{n,i,j,f}/∂z_{n,i,j,f}   (x = f(z) entry by entry)

The chain rule for the derivative of A by B through C is ∂A/∂B = Σ_K ∂A/∂C_K ∂C_K/∂B, and it
holds when every path from B to A passes through C (Rudin, *Principles of Mathematical
Analysis*, Thm 9.15; for scalars, Thm 5.5). A product written with one factor per link is
therefore:

* **right** when the document makes C the only path and the product keeps every term that is not
  zero. For scalars: C is defined as a function of B (``y = f(x)``) or said to be one in words
  ("*z* is a function of *y*"), and A likewise of C — then dA/dB = dA/dC · dC/dB exactly. For
  entries: C = f(B) entry by entry (an activation, ``x_{n,i,j,f} = f(z_{n,i,j,f})``), nothing
  else in the document reads B, and the product reads C at B's own indices, or sums over C's
  indices without limits (∂C_K/∂B_I is f'(B_I) for K = I and zero otherwise, so the one term left
  is the product at K = I);
* **wrong** when C = f(B) entry by entry and the product reads C only at other indices than
  B's (``∂L/∂x_{i+1} ∂x_{i+1}/∂z_i``): its factor ∂C_J/∂B_I is zero there while the left side
  is f'(B_I) ∂A/∂C_I, zero only for a loss or a function that has no slope; the witness is the
  entry. (An index on the right only, ``∂L/∂x_j ∂x_j/∂z_i``, is the missing-sum lint's.)
* **unverified**, with the reason, when nothing before the line computes C from B (the product
  is right only if C depends on B entry by entry), or when B also feeds another quantity that
  the document defines (the product leaves that path out, right only if A does not depend on
  it).

A product through C where C is a forward formula of B (a convolution, a linear layer) is not
this judge's: the gradient judge derives it (:mod:`.gradients`).

    >>> from symconv.check.api import check
    >>> doc = ("$$x_i = \\sigma(z_i)$$\n\n$$\\frac{\\partial L}{\\partial z_i} = "
    ...        "\\frac{\\partial L}{\\partial x_i} \\frac{\\partial x_i}{\\partial z_i}$$\n")
    >>> import textwrap
    >>> judgement = [j for j in check(doc).judgements if j.claim.line == 3][0]
    >>> print(judgement.verdict, textwrap.fill(judgement.message, 90), sep=": ")
    right: the chain rule through x: x = sigma(z) entry by entry (line 1) and nothing else the
    document defines reads z, so the one path from z[i] to L is x[i]
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symconv.check import nodes
from symconv.check.context import DocumentContext, claim_id, claim_scope
from symconv.check.defined_names import is_cost_name
from symconv.check.document_gradients import (
    Activation,
    Forward,
    canonical_name,
    definitions_before,
    layer_tag,
    shifted_name,
    whole_activations,
)
from symconv.check.judges.verdicts import right, unverified, wrong
from symconv.check.model import Claim, ClaimKind, Judgement, LinkFacts
from symconv.check.shown import display_name
from symconv.check.symbols import name_key
from symconv.core.patterns import lazy_compile
from symconv.core.safe import as_sympy
from symconv.grad.notation import split_gradient_label

__all__ = ["judge_chain_rule"]


@dataclass(frozen=True)
class _Factor:
    """One derivative ``∂top/∂by`` of the product (``top`` a name or an entry)."""

    top: Any
    by: Any


@dataclass(frozen=True)
class _Chain:
    """``∂A/∂B = Σ_summed ∂A/∂C_1 ∂C_1/∂C_2 … ∂C_k/∂B``: the nodes A, C_1, …, B in order."""

    nodes: tuple[Any, ...]
    summed: tuple[tuple[Any, ...], ...]


def judge_chain_rule(claim: Claim, context: DocumentContext) -> Judgement | None:
    """The verdict on a chain-rule product; None when the claim is none, or when whether it holds
    is another judge's to derive (C a forward formula of B, a definition with more in it)."""
    if claim.relation != "=" or len(claim.sides) != 2:
        return None
    chain = _chain(*claim.sides)
    if chain is None:
        return None
    if all(isinstance(node, sp.Symbol) for node in chain.nodes) and not chain.summed:
        return _scalar(claim, chain, context)
    if len(chain.nodes) == 3 and all(isinstance(n, sp.Indexed) for n in chain.nodes[1:]):
        return _entries(claim, chain, context)
    return None


# ----------------------------------------------------------------------------------------------
# Reading the product
# ----------------------------------------------------------------------------------------------
def _factor(expr: Any) -> _Factor | None:
    """``∂J/∂W[k]`` (a gradient entry), ``∂y_i/∂z_j`` (a Partial), ``dz/dy`` (a Derivative by
    one symbol, once) as a factor; None for anything else."""
    if isinstance(expr, sp.Indexed):
        parts = split_gradient_label(str(expr.base.label))
        if parts is None:
            return None
        return _Factor(sp.Symbol(parts[0]), sp.IndexedBase(parts[1])[expr.indices])
    if isinstance(expr, nodes.Partial) and len(expr.args) == 2:
        return _Factor(expr.args[0], expr.args[1])
    if isinstance(expr, sp.Derivative) and len(expr.variable_count) == 1:
        ((variable, count),) = expr.variable_count
        if count == 1 and isinstance(expr.expr, sp.Symbol) and isinstance(variable, sp.Symbol):
            return _Factor(expr.expr, variable)
    return None


def _chain(lhs: Any, rhs: Any) -> _Chain | None:
    """The claim as a chain ``∂A/∂B = [Σ] ∂A/∂C … ∂C/∂B`` (factors in any order), or None."""
    whole = _factor(lhs)
    if whole is None or not isinstance(rhs, sp.Basic):
        return None
    summed: list[tuple[Any, ...]] = []
    while isinstance(rhs, sp.Sum):
        summed.extend(tuple(limit) for limit in rhs.limits)
        rhs = rhs.function
    factors = [_factor(f) for f in sp.Mul.make_args(rhs)]
    if len(factors) < 2 or any(f is None for f in factors):
        return None
    pending = [f for f in factors if f is not None]
    path = [whole.top]
    while pending:
        step = next((f for f in pending if f.top == path[-1]), None)
        if step is None:
            return None
        pending.remove(step)
        path.append(step.by)
    if path[-1] != whole.by:
        return None
    return _Chain(tuple(path), tuple(summed))


# ----------------------------------------------------------------------------------------------
# Scalars: dz/dx = dz/dy · dy/dx
# ----------------------------------------------------------------------------------------------
def _scalar(claim: Claim, chain: _Chain, context: DocumentContext) -> Judgement | None:
    reasons = []
    path = chain.nodes
    for outer, inner in itertools.pairwise(path):
        reason = _function_of(outer, inner, path, claim, context)
        if reason is None:
            return _through_activation(claim, chain, context)
        reasons.append(reason)
    first, last = path[0], path[-1]
    d = "∂" if "partial" in claim.text else "d"  # as written: ∂ or d
    middle = " · ".join(f"{d}{a}/{d}{b}" for a, b in itertools.pairwise(path))
    return right(
        claim,
        f"the chain rule: {'; '.join(reasons)}, so {d}{first}/{d}{last} = {middle}",
    )


def _through_activation(claim: Claim, chain: _Chain, context: DocumentContext) -> Judgement | None:
    """``∂L/∂z = ∂L/∂x · ∂x/∂z`` for whole tensors, with x computed from z entry by entry (``x =
    f(z)``, an activation written for entries, or said in words) and nothing else the document
    defines reading z: the one path from z to the loss L is x, entry by entry (as for entries,
    :func:`_entries`); None otherwise — and for a top that is no loss's name (``dz/dx`` with
    ``y = f(x)``: nothing says z is a function of y, the scalar rule's)."""
    if len(chain.nodes) != 3:
        return None
    loss, through, by = chain.nodes
    if not is_cost_name(loss.name):
        return None  # z of y = f(x): a function of x some other way too? only a loss is not
    order = claim_id(claim)
    middle, bottom = canonical_name(through.name), canonical_name(by.name)
    written = [
        *whole_activations(context, order),
        *_known_activations(context, order),
        *definitions_before(context, order).activations,
    ]
    found = [
        a
        for a in (_at(w, middle, bottom) for w in written)
        if a is not None and name_key(a.function) not in _WHOLE_VECTOR
    ]
    where = None
    if found:
        activation = found[-1]
        where = (
            f"{activation.output} = {display_name(activation.function)}({activation.input}) "
            "entry by entry "
            f"(line {activation.line})"
        )
    else:
        for rank in range(0, 5):
            said = _said_in_words(context, order, middle, bottom, rank)
            if said is not None:
                activation, how = said
                where = f"{middle} is computed from {bottom} entry by entry (said in words: {how})"
                break
    if where is None:
        return None
    if _other_path(context, claim, activation) is not None:
        return None  # z also feeds something else: the chain judge of entries says which
    if _unread_mention(context, claim, by.name) is not None:
        return None
    d = "∂" if "partial" in claim.text else "d"
    return right(
        claim,
        f"the chain rule through {through}: {where} and nothing else the document defines "
        f"reads {by}, so {d}{loss}/{d}{by} = {d}{loss}/{d}{through} · {d}{through}/{d}{by} "
        "entry by entry",
    )


#: Functions of a vector that are not applied entry by entry (softmax reads every entry).
_WHOLE_VECTOR = frozenset({"softmax", "max", "min", "norm"})


def _known_activations(context: DocumentContext, order: int) -> list[Activation]:
    """``v = tanh(u)``: a function SymPy knows (tanh, exp, log) of one name, defined before
    ``order``; it acts entry by entry."""
    found = []
    for definition in context.definitions:
        value, symbol = definition.value, definition.symbol
        if definition.order >= order or not isinstance(symbol, sp.Symbol):
            continue
        if isinstance(value, AppliedUndef) or not isinstance(value, sp.Function):
            continue
        if len(value.args) != 1 or not isinstance(value.args[0], sp.Symbol):
            continue
        output, input_ = canonical_name(symbol.name), canonical_name(value.args[0].name)
        found.append(Activation(definition.line, output, input_, value.func.__name__, 0))
    return found


def _function_of(
    outer: sp.Symbol, inner: sp.Symbol, path: Sequence[Any], claim: Claim, context: DocumentContext
) -> str | None:
    """Why ``outer`` is a function of ``inner`` alone (the other names in its definition are
    parameters, no name of the chain), or None."""
    order, scope = claim_id(claim), claim_scope(claim)
    definition = context.definition_of(outer, order=order, scope=scope)
    if definition is not None:
        value = definition.value
        if not isinstance(value, sp.Expr) or inner not in value.free_symbols:
            return None
        for symbol in value.free_symbols - {inner}:
            if symbol in path or context.definition_of(symbol, order=order, scope=scope):
                return None  # y = g(x, t) with t defined: maybe another path
        return f"{outer} = {value} (line {definition.line})"
    said = context.dependency_of(outer, inner, order=order, scope=scope)
    if said is not None:
        return f"{outer} is a function of {inner} (line {said.line})"
    return None


# ----------------------------------------------------------------------------------------------
# Entries: ∂L/∂z_I = ∂L/∂x_I ∂x_I/∂z_I
# ----------------------------------------------------------------------------------------------
def _entries(claim: Claim, chain: _Chain, context: DocumentContext) -> Judgement | None:
    loss, through, by = chain.nodes
    if not isinstance(loss, sp.Symbol) or len(through.indices) != len(by.indices):
        return None
    order = claim_id(claim)
    definitions = definitions_before(context, order)
    middle, bottom = canonical_name(str(through.base.label)), canonical_name(str(by.base.label))
    found = [a for a in map(lambda a: _at(a, middle, bottom), definitions.activations) if a]
    if found and found[-1].rank != len(by.indices):
        return None  # the activation has another number of indices: not this one
    activation = found[-1] if found else None
    where = None
    if activation is None:
        if any(_defines(f, middle) for f in definitions.forwards):
            return None  # C a forward formula of B: derived by the gradient judge
        said = _said_in_words(context, order, middle, bottom, len(by.indices))
        if said is not None:
            activation, where = said
    if activation is None:
        return unverified(
            claim,
            f"a chain rule through {through.base}: right if {through.base} is computed from "
            f"{by.base} entry by entry ({through.base} = f({by.base})), and no formula before "
            "the line says how it is computed",
        )
    other = _other_path(context, claim, activation)
    if other is not None:
        line, reader = other
        if reader == canonical_name(str(loss)):
            return unverified(
                claim,
                f"{loss} reads {by.base} directly (line {line}): the product through "
                f"{through.base} alone leaves that path out",
            )
        return unverified(
            claim,
            f"{by.base} also feeds {reader} (line {line}): the product through "
            f"{through.base} alone leaves that path out, right only if {loss} does not depend on "
            f"{reader}",
        )
    unread = _unread_mention(context, claim, str(by.base.label))
    if unread is not None:
        return unverified(
            claim,
            f"line {unread} could not be read and may compute something else from {by.base}: "
            f"then the product through {through.base} alone would leave that path out",
        )
    return _indices_judged(claim, chain, activation, where)


def _said_in_words(
    context: DocumentContext, order: int, output: str, input_name: str, rank: int
) -> tuple[Activation, str] | None:
    """The activation ``output = f(input)`` entry by entry as the document says it in words
    (:mod:`symconv.check.activation_words`: "*x* is *z* passed through the activation
    function", a dictionary's input and activation of one unit), at the layer of ``output`` (a
    tag is a pattern), with the words for the message; None if it says none."""
    for dependency in reversed(context.entrywise_dependencies(order=order)):
        if dependency.rank not in (0, rank):
            continue
        written = Activation(
            dependency.line, canonical_name(dependency.of), canonical_name(dependency.on), "f",
            rank,
        )  # fmt: skip
        at = _at(written, output, input_name)
        if at is not None:
            return at, dependency.how
    return None


def _at(activation: Activation, output: str, input_name: str) -> Activation | None:
    """The activation at the layer of ``output`` (a layer tag is a pattern: ``x^{(l)} =
    f(z^{(l)})`` also says ``x^{(l-1)} = f(z^{(l-1)})``), if its input is ``input_name``."""
    shift = _shift(activation.output, output)
    if shift is None or _moved(activation.input, shift) != input_name:
        return None
    return Activation(activation.line, output, input_name, activation.function, activation.rank)


def _moved(name: str, shift: int) -> str | None:
    return name if shift == 0 else shifted_name(name, shift)


def _shift(pattern: str, name: str) -> int | None:
    """The layer shift that takes ``pattern`` to ``name`` (0 for the same name), or None."""
    if pattern == name:
        return 0
    mine, theirs = layer_tag(name), layer_tag(pattern)
    if mine is None or theirs is None or not mine[0] or mine[0] != theirs[0]:
        return None
    shift = mine[1] - theirs[1]
    return shift if shifted_name(pattern, shift) == name else None


def _defines(forward: Forward, name: str) -> bool:
    return _shift(forward.output, name) is not None


def _other_path(
    context: DocumentContext, claim: Claim, activation: Activation
) -> tuple[int, str] | None:
    """``(line, name)`` of an equation of the document (on any line) that reads the
    activation's input and defines something other than its output — another way from B to the
    loss — or None."""
    for line, defined, rhs in _equations(context, claim):
        for read in _names_read(rhs):
            shift = _shift(read, activation.input)
            if shift is None:
                continue
            moved = _moved(defined, shift)
            if moved not in (activation.output, activation.input):
                return line, defined
    return None


def _equations(context: DocumentContext, claim: Claim) -> Iterator[tuple[int, str, sp.Basic]]:
    """``(line, name defined, right side)`` of every equation of the document other than the
    claim (stated, defined — ``u(i) = …`` as a function — or assumed), derivatives left out."""
    for identifier in sorted(context.claims):
        other = context.claims[identifier]
        facts = other.facts
        if (
            identifier == claim_id(claim)
            or other.relation not in ("=", ":=")
            or not isinstance(facts, LinkFacts)
            or facts.position != 0
            or len(other.sides) != 2
        ):
            continue
        found = _equation(other.line, *other.sides)
        if found is not None:
            yield found
    for definition in context.definitions:
        value = definition.value
        value = value.expr if isinstance(value, sp.Lambda) else value
        found = _equation(definition.line, sp.Symbol(definition.name), value)
        if found is not None:
            yield found
    for assumption in context.assumptions:
        found = _equation(assumption.line, assumption.lhs, assumption.rhs)
        if found is not None:
            yield found


def _equation(line: int, lhs: Any, rhs: Any) -> tuple[int, str, sp.Basic] | None:
    if not isinstance(lhs, sp.Basic) or not isinstance(rhs, sp.Basic):
        return None
    if _holds_derivative(lhs) or _holds_derivative(rhs):
        return None  # a claim about a gradient, not a definition
    defined = _name_of(lhs)
    return None if defined is None else (line, defined, rhs)


def _unread_mention(context: DocumentContext, claim: Claim, name: str) -> int | None:
    """The line of an equation the checker could not read (or read two ways) that may define
    something from ``name`` (its stem on the right of its first ``=``, no derivative on the
    left), or None."""
    stem = re.escape(re.split(r"[\^_]", name, maxsplit=1)[0])
    mention = re.compile(rf"(?<![A-Za-z\\]){stem}(?![A-Za-z])")
    for identifier in sorted(context.claims):
        other = context.claims[identifier]
        if identifier == claim_id(claim):
            continue
        if other.kind not in (ClaimKind.UNPARSED, ClaimKind.AMBIGUOUS) or "=" not in other.text:
            continue
        left, right_side = other.text.split("=", 1)
        if not _DERIVATIVE_TEXT.search(left) and mention.search(right_side):
            return other.line
    return None


#: A derivative written in LaTeX: ``\partial``, ``\nabla``, ``\frac{d…``, ``\delta``.
_DERIVATIVE_TEXT = lazy_compile(r"\\partial|\\nabla|\\frac\s*\{\s*d|\\delta|\\part\b")


def _holds_derivative(expr: sp.Basic) -> bool:
    if expr.has(nodes.Partial, sp.Derivative, sp.Subs):
        return True
    return any(split_gradient_label(str(b.label)) for b in expr.atoms(sp.IndexedBase))


def _name_of(expr: sp.Basic) -> str | None:
    if isinstance(expr, sp.Indexed):
        return canonical_name(str(expr.base.label))
    if isinstance(expr, sp.Symbol):
        return canonical_name(expr.name)
    if isinstance(expr, AppliedUndef):
        return canonical_name(type(expr).__name__)
    return None


def _names_read(expr: sp.Basic) -> set[str]:
    """The tensors and names the right side of an equation reads (canonical)."""
    found = {canonical_name(str(read.base.label)) for read in expr.atoms(sp.Indexed)}
    found |= {canonical_name(s.name) for s in expr.free_symbols if isinstance(s, sp.Symbol)}
    found |= {canonical_name(type(call).__name__) for call in expr.atoms(AppliedUndef)}
    return found


def _indices_judged(
    claim: Claim, chain: _Chain, activation: Activation, said: str | None = None
) -> Judgement | None:
    """The product judged by the indices it reads ``C`` at; ``said``: the activation as the
    document says it in words (for the message), when no formula writes it."""
    loss, through, by = chain.nodes
    summed = {limit[0]: limit for limit in chain.summed}
    wanted = tuple(by.indices)
    written = tuple(through.indices)
    free = set().union(*(as_sympy(i).free_symbols for i in wanted))
    collapsed: dict[Any, Any] = {}
    for position, index in zip(written, wanted, strict=True):
        if position in summed:
            _, low, high = summed[position]
            if position in collapsed or (low, high) != (-sp.oo, sp.oo):
                return None  # a sum with limits: is B's index in its range? (the gradient judge)
            collapsed[position] = index
    if set(summed) != set(collapsed):
        return None  # a sum over an index no factor reads at C: a count, not the chain rule
    reads = tuple(as_sympy(p).xreplace(collapsed) for p in written)
    if not set().union(*(as_sympy(r).free_symbols for r in reads)) <= free:
        return None  # an index on the right only: the missing-sum lint's
    if said is not None:
        where = (
            f"{activation.output} is computed from {activation.input} entry by entry (said in "
            f"words: {said})"
        )
    else:
        where = f"{activation.output} = {activation.function}({activation.input}) entry by entry"
        where += f" (line {activation.line})"
    if all(sp.simplify(r - i) == 0 for r, i in zip(reads, wanted, strict=True)):
        return right(
            claim,
            f"the chain rule through {through.base}: {where} and nothing else the document "
            f"defines reads {by.base}, so the one path from {by} to {loss} is "
            f"{through.base[wanted]}",
        )
    point = _differing_point(reads, wanted, sorted(free, key=str))
    if point is None:
        return None
    at_c = through.base[tuple(as_sympy(r).xreplace(point) for r in reads)]
    at_b = by.base[tuple(as_sympy(i).xreplace(point) for i in wanted)]
    return wrong(
        claim,
        f"the product reads {through.base} at other indices than {by.base}'s: {where}, so "
        f"∂{at_c}/∂{at_b} = 0",
        diagnosis="the factor of the chain rule that is not zero is the one at the same entry",
        witness=(
            f"at {_assignment(point)}: the right side is 0, the left side is "
            f"{activation.function}'({at_b}) ∂{loss}/∂{through.base[tuple(at_b.indices)]}"
        ),
    )


def _differing_point(
    reads: Sequence[Any], wanted: Sequence[Any], free: Sequence[sp.Symbol]
) -> dict[sp.Symbol, sp.Integer] | None:
    """Small non-negative values of the free indices at which the entry read differs from B's."""
    for values in itertools.product(range(4), repeat=len(free)):
        point = {s: sp.Integer(v) for s, v in zip(free, values, strict=True)}
        if any(
            as_sympy(r).xreplace(point) != as_sympy(i).xreplace(point)
            for r, i in zip(reads, wanted, strict=True)
        ):
            return point
    return None


def _assignment(point: dict[sp.Symbol, sp.Integer]) -> str:
    return ", ".join(f"{s} = {v}" for s, v in point.items()) or "the entry written"
