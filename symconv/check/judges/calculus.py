"""Derivative claims: the left side's derivative is computed with SymPy and compared.

* scalar: ``\\sigma'(z) = \\sigma(z)(1 - \\sigma(z))``, ``\\tanh'(z) = 1 - \\tanh^2(z)``,
  ``\\frac{d}{dx}(x^2 e^x) = …``, or the derivative of a name the document defined
  (``L = \\frac12 (y - t)^2``, then ``\\frac{\\partial L}{\\partial y} = y - t``);
* vector: ``\\frac{\\partial y_i}{\\partial z_j} = y_i(\\delta_{ij} - y_j)`` with
  ``y = \\mathrm{softmax}(z)`` and ``\\frac{\\partial L}{\\partial z} = y - t`` under
  ``\\sum_i t_i = 1``, read at length 3 (:mod:`.vectors`) for every value of the indices.

Gradient entries of an index formula (``\\frac{\\partial J}{\\partial W[k_1,k_2,n,m]}``) are not
judged here: the problem-context layer compares them with the problem's formula.

    >>> import sympy as sp
    >>> from symconv.check.context import NO_PROBLEM, DocumentContext
    >>> from symconv.check.model import Claim
    >>> z = sp.Symbol("z"); sigma = sp.Function("sigma")
    >>> claim = Claim(57, 57, "", "derivative", sides=(sp.Derivative(sigma(z), z),
    ...                                                 sigma(z) * (1 + sigma(z))))
    >>> j = judge_derivative(claim, DocumentContext(), NO_PROBLEM)
    >>> j.verdict, j.witness
    ('wrong', 'z = 0: 0.75 ≠ 0.25')
    >>> print(j.expected_latex)
    \\left(1 - \\sigma{\\left(z \\right)}\\right) \\sigma{\\left(z \\right)}
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Set
from dataclasses import replace
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symconv.check import nodes
from symconv.check.context import DocumentContext, ProblemContext, claim_id, claim_scope
from symconv.check.equality import evaluate, values_equal
from symconv.check.judges.algebra import claim_conditions, compare_identity
from symconv.check.judges.cost_gradients import judge_cost_derivative
from symconv.check.judges.functions import at_a_kink, concrete
from symconv.check.judges.resolve import resolve, undefined_functions
from symconv.check.judges.typos import diagnose
from symconv.check.judges.vectors import (
    StatedRanges,
    VectorError,
    VectorSpace,
    index_symbols,
    stated_ranges,
    vector_names,
)
from symconv.check.judges.verdicts import right, unverified, wrong
from symconv.check.model import Claim, Judgement
from symconv.check.shown import count_points, format_point, format_value, show

__all__ = ["DERIVATIVE_IDENTITIES", "judge_derivative"]

#: The derivative of a known function written with the function itself (for the expected side):
#: σ' = σ(1 − σ), tanh' = 1 − tanh², ζ' = σ (Goodfellow et al., *Deep Learning*, §3.10), exp' = exp,
#: ReLU' = 1 for x > 0 and 0 for x < 0 (undefined at the kink). Each is also proved in the tests
#: by SymPy's derivative and by central differences.
DERIVATIVE_IDENTITIES: dict[str, Callable[[Any], Any]] = {
    "sigma": lambda u: sp.Function("sigma")(u) * (1 - sp.Function("sigma")(u)),
    "sigmoid": lambda u: sp.Function("sigmoid")(u) * (1 - sp.Function("sigmoid")(u)),
    "tanh": lambda u: 1 - sp.tanh(u) ** 2,
    "softplus": lambda u: sp.Function("sigma")(u),
    "exp": sp.exp,
    "relu": lambda u: sp.Piecewise((0, u < 0), (1, u > 0)),
}
#: Length at which vectors of unstated length are read.
VECTOR_SIZE = 3
RANDOM_POINTS = 3
#: Typo candidates tried for a vector claim (each is a full instantiation).
VECTOR_TYPO_CANDIDATES = 8


def _is_gradient_entry(expr: Any) -> bool:
    return isinstance(expr, sp.Basic) and any(
        str(e.base.label).startswith("∂") for e in expr.atoms(sp.Indexed)
    )


def judge_derivative(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Judgement | None:
    """Judge a claim whose left side is a derivative (None if it is not one judged here).

    What the derivative of SymPy's expressions leaves undecided — a cost defined through the
    network's output and differentiated by an entry, an undefined activation, a batch's mean —
    is read by :func:`~symconv.check.judges.cost_gradients.judge_cost_derivative`.

    A transpose in the claim (``∂L/∂W = x δ^T``) says its names are vectors and matrices. The
    readings here treat them as numbers: that proves the one-by-one case, so a difference there
    is a witness (``wrong`` stands), but agreement is no proof for the vectors, where the
    order of the factors and the layout of the gradient decide (``right`` becomes
    *unverified*)."""
    judgement = _judge_derivative_any_shape(claim, context, problem)
    if judgement is not None and judgement.verdict == "right" and _has_transpose(claim):
        return unverified(
            claim,
            "a transpose makes these names vectors or matrices; read as numbers the sides agree, "
            "which does not decide the order of the factors or the layout of the gradient",
        )
    return judgement


def _has_transpose(claim: Claim) -> bool:
    return any(isinstance(side, sp.Basic) and side.has(nodes.Transposed) for side in claim.sides)


def _judge_derivative_any_shape(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Judgement | None:
    by_entry = isinstance(claim.sides[0], (nodes.Partial, sp.Indexed)) if claim.sides else False
    if by_entry:  # ∂J/∂x_j: the entry reading follows the document's entry equations
        through_cost = judge_cost_derivative(claim, context)
        if through_cost is not None and through_cost.verdict != "unverified":
            return through_cost
    judgement, doubted = _judge_derivative(claim, context, problem)
    if judgement is not None and judgement.verdict != "unverified":
        return judgement
    if not by_entry:
        through_cost = judge_cost_derivative(claim, context)
    if through_cost is None or (through_cost.verdict == "unverified" and doubted):
        return judgement  # the vector reading's reason says what would decide it
    return through_cost


def _judge_derivative(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> tuple[Judgement | None, bool]:
    """The verdict, and whether an *unverified* one says why a difference found is no proof
    (a vector reading that went through the document's definitions: more telling than a reading
    that could not follow them)."""
    if len(claim.sides) != 2 or claim.relation not in ("=", "≡"):
        return None, False
    lhs, rhs = claim.sides
    order, scope = claim_id(claim), claim_scope(claim)
    lhs = _defined_gradient(lhs, context, order, scope)
    if _is_gradient_entry(lhs) or _is_gradient_entry(rhs):
        return None, False
    claim = replace(claim, sides=(lhs, rhs))
    if not (isinstance(lhs, sp.Basic) and lhs.has(sp.Derivative, nodes.Partial)):
        return None, False
    definitions = {
        d.name: d.value
        for d in context.definitions_before(order=order, scope=scope)
        if not isinstance(d.value, (sp.MatrixBase, sp.Lambda))
    }
    definitions.update(_entry_definitions(context, order, definitions))
    relevant = _relevant(definitions, [lhs, rhs])
    vectors = vector_names([lhs, rhs]) | {
        name for name in relevant if vector_names([definitions[name]])
    }
    softmax = any(
        isinstance(definitions[name], AppliedUndef) and definitions[name].func.__name__ == "softmax"
        for name in relevant
    )
    if vectors or lhs.has(nodes.Partial) or softmax:
        computed = _computed_entries(
            claim, context, [lhs, rhs, *(definitions[n] for n in relevant)]
        )
        if computed is not None:
            return unverified(claim, computed), False
        constraints = [
            (a.lhs, a.rhs)
            for a in context.assumptions_before(order=order, scope=scope)
            if isinstance(a.lhs, sp.Sum)
        ]
        ranges = stated_ranges(
            [lhs, rhs, *(definitions[n] for n in relevant), *(c[0] for c in constraints)]
        )
        judgement, doubted = _vector(claim, context, definitions, constraints, vectors, ranges)
        indexed = vector_names([lhs, rhs]) or lhs.has(nodes.Partial)
        if judgement.verdict != "unverified" or indexed or doubted:
            return judgement, doubted
        # No index in the claim itself (``∂E/∂y = y - t``): read it with scalars.
        return _scalar(claim, context, problem, vector_names=vectors), False
    return _scalar(claim, context, problem), False


def _computed_entries(claim: Claim, context: DocumentContext, exprs: list[Any]) -> str | None:
    """Why the vectors cannot be read as free components: an entry the document computes from
    another tensor in an equation of entries (``a_p = \\tanh(s_p)``, a forward formula), which
    the instantiation at length 3 would take for an independent variable; None if none is."""
    from symconv.check.document_gradients import canonical_name, definitions_before

    written = definitions_before(context, claim_id(claim))
    outputs = {a.output: a.line for a in written.activations}
    # an element-wise layer with scalar parameters (ŷ_i = w x_i + b) is a function of i the
    # vector reading follows (its entry definition), unlike a formula that sums
    outputs.update((f.output, f.line) for f in written.forwards if not f.parameters)
    for name in sorted(set().union(*(_names(e) for e in exprs))):
        line = outputs.get(canonical_name(name))
        if line is not None:
            return (
                f"{name} is computed entry by entry on line {line}, which the reading of the "
                "vectors at a small size does not follow"
            )
    return None


def _names(expr: Any) -> set[str]:
    if not isinstance(expr, sp.Basic):
        return set()
    names = {s.name for s in expr.free_symbols if isinstance(s, sp.Symbol)}
    names |= {str(e.base.label) for e in expr.atoms(sp.Indexed)}
    return names


def _entry_definitions(
    context: DocumentContext, order: int, named: Mapping[str, Any]
) -> dict[str, sp.Lambda]:
    """Vectors the document defines entry by entry before the claim, ``p_k = e^{z_k} / Σ_j
    e^{z_j}``, as functions of their index (``p → Lambda(k, …)``): the vector reading
    (:class:`~symconv.check.judges.vectors.VectorSpace`) writes each entry out. Only a vector
    (one index, a plain letter) defined once, and not also defined as a whole."""
    from symconv.check.document_gradients import equations_of

    found: dict[str, sp.Lambda] = {}
    twice: set[str] = set()
    for written, _, lhs, rhs in equations_of(context):
        if written >= order or not isinstance(lhs, sp.Indexed) or len(lhs.indices) != 1:
            continue
        (index,) = lhs.indices
        name = str(lhs.base.label)
        if not isinstance(index, sp.Symbol) or name.startswith("∂") or name in named:
            continue
        if not isinstance(rhs, sp.Expr) or lhs.base in rhs.atoms(sp.IndexedBase):
            continue  # a recurrence is no definition
        if name in found:
            twice.add(name)
        found[name] = sp.Lambda(index, rhs)
    return {name: value for name, value in found.items() if name not in twice}


def _relevant(definitions: dict[str, Any], exprs: list[Any]) -> set[str]:
    """The defined names the expressions use, directly or through other definitions."""
    found: set[str] = set()
    todo = set().union(*(_names(e) for e in exprs))
    while todo:
        name = todo.pop()
        if name in definitions and name not in found:
            found.add(name)
            todo |= _names(definitions[name])
    return found


def _defined_gradient(expr: Any, context: DocumentContext, order: int, scope: int) -> Any:
    """``∂L/∂z[j]`` (a gradient entry) is the partial derivative of L when the document defined
    L: ``Partial(L, z[j])``."""
    if not (isinstance(expr, sp.Indexed) and str(expr.base.label).startswith("∂")):
        return expr
    label = str(expr.base.label)[1:]
    of, _, wrt = label.partition("/∂")
    if not wrt or context.definition_of(of, order=order, scope=scope) is None:
        return expr
    return nodes.Partial(sp.Symbol(of), sp.IndexedBase(wrt)[expr.indices])


# ----------------------------------------------------------------------------------------------
# Scalar derivatives
# ----------------------------------------------------------------------------------------------
def _undefined_derivative(expr: Any) -> str | None:
    for derivative in expr.atoms(sp.Derivative):
        inner = derivative.expr
        if not any(v in inner.free_symbols for v in derivative.variables):
            names = ", ".join(sorted(str(s) for s in inner.free_symbols)) or str(inner)
            return (
                f"{names} is not defined (its derivative with respect to "
                f"{', '.join(map(str, derivative.variables))} is unknown)"
            )
    return None


def _scalar(
    claim: Claim,
    context: DocumentContext,
    problem: ProblemContext,
    vector_names: Set[str] = frozenset(),
) -> Judgement:
    """The derivative of a scalar expression; names defined as vectors (``y =
    \\mathrm{softmax}(z)``) stay names when the claim reads them as scalars."""
    keep = [sp.Symbol(name) for name in vector_names]
    lhs, _ = resolve(claim.sides[0], claim, context, problem, keep=keep)
    rhs, _ = resolve(claim.sides[1], claim, context, problem, keep=keep)
    entries = _gradient_entries(lhs, rhs)
    if entries is not None:
        return _gradient(claim, context, entries)
    for side in (lhs, rhs):
        if isinstance(side, sp.MatrixBase) or not isinstance(side, sp.Basic):
            return unverified(claim, "a derivative of a matrix is not checked here")
    expected_text = _expected(lhs)
    lhs, notes_l = concrete(lhs)
    rhs, notes_r = concrete(rhs)
    notes = tuple(dict.fromkeys(notes_l + notes_r))
    for side in (lhs, rhs):
        reason = _undefined_derivative(side)
        if reason is not None:
            return unverified(claim, reason)
    undefined = undefined_functions(lhs) + undefined_functions(rhs)
    if undefined:
        return unverified(claim, f"{', '.join(sorted(set(undefined)))} is not defined")
    kink = at_a_kink(lhs)
    if kink is not None:
        return unverified(claim, kink)
    try:
        computed = lhs.doit()
    except (ValueError, TypeError, NotImplementedError) as error:
        return unverified(claim, f"could not differentiate: {error}")
    (computed, rhs), where = claim_conditions(claim, computed, rhs)
    rng = context.rng_for(claim.line, claim.text)
    comparison = compare_identity(computed, rhs, rng, where)
    suffix = f" ({'; '.join(notes)})" if notes else ""
    if comparison.equal is None:
        return unverified(claim, comparison.reason)
    if comparison.equal:
        return right(
            claim,
            f"the derivative, computed, agrees with the right side at "
            f"{count_points(comparison.points_tried)}{suffix}",
        )

    diagnosis = diagnose(
        claim.sides[0], claim.sides[1], lambda a, b: _holds_raw(a, b, claim, context, problem, keep)
    )
    place = comparison.witness()
    if comparison.point:
        message = f"the derivative differs from the right side at {place}{suffix}"
    else:
        message = (
            f"the derivative is {format_value(comparison.left)}, not "
            f"{format_value(comparison.right)}{suffix}"
        )
    return wrong(
        claim,
        message,
        expected=expected_text if expected_text is not None else computed,
        diagnosis=diagnosis,
        witness=comparison.witness(),
    )


# The gradient of a scalar written as a column: ∇_x y = [∂y/∂x_1, …, ∂y/∂x_n]^T (the
# denominator layout; a row is the same numbers in the numerator layout — Magnus & Neudecker,
# *Matrix Differential Calculus*, ch. 5), entry k the partial derivative in the entry x_k that the
# scalar's definition reads (x_1 … x_n, or x_0 … x_{n-1}).
def _gradient_entries(lhs: Any, rhs: Any) -> list[tuple[sp.Symbol, Any, Any]] | None:
    """``(x_k, ∂y/∂x_k, written entry k)`` for ``∂y/∂x = [column]`` when y reads x_1 … x_n."""
    if not (isinstance(lhs, sp.Derivative) and isinstance(rhs, sp.MatrixBase)):
        return None
    if len(lhs.variable_count) != 1 or lhs.variable_count[0][1] != 1 or 1 not in rhs.shape:
        return None
    vector = lhs.variable_count[0][0]
    if not isinstance(vector, sp.Symbol) or vector in lhs.expr.free_symbols:
        return None
    written = list(rhs)
    for first in (1, 0):
        names = [sp.Symbol(f"{vector.name}_{k}") for k in range(first, first + len(written))]
        if set(names) <= lhs.expr.free_symbols:
            return [
                (name, sp.Derivative(lhs.expr, name), entry)
                for name, entry in zip(names, written, strict=True)
            ]
    return None


def _gradient(
    claim: Claim, context: DocumentContext, entries: list[tuple[sp.Symbol, Any, Any]]
) -> Judgement:
    rng = context.rng_for(claim.line, claim.text)
    for name, derivative, written in entries:
        computed, _ = concrete(derivative)
        written, _ = concrete(written)
        (computed, written), where = claim_conditions(claim, computed.doit(), written)
        comparison = compare_identity(computed, written, rng, where)
        if comparison.equal is None:
            return unverified(claim, f"the entry for {name}: {comparison.reason}")
        if not comparison.equal:
            return wrong(
                claim,
                f"the entry for {name} is not the partial derivative in {name}: it differs at "
                f"{comparison.witness()}",
                expected=computed,
                witness=comparison.witness(),
            )
    names = ", ".join(str(name) for name, _, _ in entries)
    return right(claim, f"each entry is the partial derivative in its entry of x ({names})")


def _holds_raw(
    lhs: Any,
    rhs: Any,
    claim: Claim,
    context: DocumentContext,
    problem: ProblemContext,
    keep: list[sp.Symbol],
) -> bool | None:
    left, _ = concrete(resolve(lhs, claim, context, problem, keep=keep)[0])
    right_side, _ = concrete(resolve(rhs, claim, context, problem, keep=keep)[0])
    try:
        left = left.doit()
    except (ValueError, TypeError, NotImplementedError):
        return None
    (left, right_side), where = claim_conditions(claim, left, right_side)
    return compare_identity(left, right_side, context.rng_for(claim.line, claim.text), where).equal


def _expected(lhs: Any) -> Any:
    """``σ(z)(1 − σ(z))`` for ``σ'(z)``: the derivative of a known function in its own terms."""
    if not isinstance(lhs, sp.Derivative) or len(lhs.variable_count) != 1:
        return None
    (variable, count), inner = lhs.variable_count[0], lhs.expr
    if count != 1 or not isinstance(inner, sp.Function) or len(inner.args) != 1:
        return None
    if inner.args[0] != variable:
        return None
    identity = DERIVATIVE_IDENTITIES.get(inner.func.__name__)
    return identity(variable) if identity is not None else None


# ----------------------------------------------------------------------------------------------
# Vector derivatives
# ----------------------------------------------------------------------------------------------
def _vector(
    claim: Claim,
    context: DocumentContext,
    definitions: dict[str, Any],
    constraints: list[tuple[Any, Any]],
    vectors: set[str],
    ranges: StatedRanges | None,
) -> tuple[Judgement, bool]:
    """The verdict read with vectors of length 3, and whether a difference found was set aside
    as no proof (:func:`_misread_or_unstated`)."""
    lhs, rhs = claim.sides
    space = VectorSpace(VECTOR_SIZE, definitions, constraints, vectors, ranges)
    outcome = _vector_outcome(claim, context, space, lhs, rhs)
    if isinstance(outcome, str):
        return unverified(claim, outcome), False
    witness, points = outcome
    if witness is not None:
        doubt = _misread_or_unstated(
            claim, context, space, definitions, constraints, vectors, ranges
        )
        if doubt is not None:
            return unverified(claim, doubt), True

        def holds(a: Any, b: Any) -> bool | None:
            result = _vector_outcome(claim, context, space, a, b)
            return None if isinstance(result, str) else result[0] is None

        diagnosis = diagnose(lhs, rhs, holds, limit=VECTOR_TYPO_CANDIDATES)
        return wrong(
            claim,
            f"read at length {VECTOR_SIZE}, the sides differ at {witness}",
            witness=witness,
            diagnosis=diagnosis,
        ), False
    undefined = _undefined_and_constant(lhs, space, definitions, vectors)
    if undefined is not None:
        return unverified(claim, undefined), True
    assumed = ", ".join(f"{show(a)} = {show(b)}" for a, b in constraints)
    given = f" (with {assumed})" if assumed else ""
    return right(
        claim,
        f"read at length {VECTOR_SIZE}, the sides agree for every index value at "
        f"{points} points{given}",
    ), False


def _misread_or_unstated(
    claim: Claim,
    context: DocumentContext,
    space: VectorSpace,
    definitions: dict[str, Any],
    constraints: list[tuple[Any, Any]],
    vectors: set[str],
    ranges: StatedRanges | None,
) -> str | None:
    """Why a difference found at length 3 proves nothing (None: it does):

    * the left side is 0 at every point while the right is not: as read, the function does
      not involve the variable, so a definition the document gives it (``p_k = e^{z_k} / Σ_j
      e^{z_j}``) was not read — a misreading, never a witness;
    * the claim holds once the entries of one undefined vector sum to 1 (``∂L/∂z = p − y``
      for cross-entropy needs ``Σ_k y_k = 1``: one-hot labels), which the document leaves
      unsaid."""
    lhs, rhs = claim.sides
    indices = index_symbols([lhs, rhs])
    assignments = [
        dict(zip(indices, map(sp.Integer, values), strict=True))
        for values in itertools.product(space.indices(), repeat=len(indices))
    ]
    try:
        lefts = [space.value(lhs, a) for a in assignments]
    except VectorError:
        return None
    if all(not isinstance(left, sp.MatrixBase) and sp.simplify(left) == 0 for left in lefts):
        return (
            "as read, the left side is 0: the function does not involve the variable, so a "
            "definition it rests on could not be used"
        )
    # a vector only the right side names (the left side read with the document's definitions
    # does not involve it), which the document never defines (``p_i − t_i`` for the derivative
    # of a cross-entropy written out in z: p is the softmax the author has in mind): at a value
    # chosen for it the sides differ, which proves nothing
    on_left = _names(lhs) | {
        str(s).split("[")[0]
        for left in lefts
        if isinstance(left, sp.Basic)
        for s in left.free_symbols
    }
    written_right = rhs.atoms(sp.Indexed) if isinstance(rhs, sp.Basic) else set()
    only_right = sorted(
        name
        for name in {str(entry.base.label) for entry in written_right}
        if name not in on_left and name not in definitions and not name.startswith("∂")
    )
    if only_right:
        return (
            f"{', '.join(only_right)} appears only on the right side and the document does not "
            f"define it (write what {only_right[0]} is, e.g. {only_right[0]}_i = …)"
        )
    summed = {str(c[0].function.base.label) for c in constraints if isinstance(c[0], sp.Sum)}
    # the variables differentiated by are not targets (Σ z = 1 would tie what is varied)
    varied = _differentiated_names(lhs)
    for name in sorted(space.free):
        if name in definitions or name in summed or name in varied:
            continue
        k = sp.Symbol("k", integer=True)
        unit = (sp.Sum(sp.IndexedBase(name)[k], (k, -sp.oo, sp.oo)), sp.Integer(1))
        constrained = VectorSpace(VECTOR_SIZE, definitions, [*constraints, unit], vectors, ranges)
        outcome = _vector_outcome(claim, context, constrained, lhs, rhs)
        if not isinstance(outcome, str) and outcome[0] is None:
            return (
                f"it holds when the entries of {name} sum to 1 (one-hot labels, or a "
                f"distribution), which the document does not state (write Σ_k {name}_k = 1)"
            )
    return None


def _undefined_and_constant(
    lhs: Any, space: VectorSpace, definitions: dict[str, Any], vectors: set[str]
) -> str | None:
    """Why a derivative that reads 0 proves nothing: what it differentiates is a name the
    document never defines (``∂²f/∂x_i∂x_j`` with f unknown), so it reads as a constant; None
    otherwise."""
    differentiated: set[str] = set()
    for node in sp.preorder_traversal(lhs):
        if isinstance(node, sp.Derivative):
            differentiated |= {str(s) for s in node.expr.free_symbols}
        elif isinstance(node, nodes.Partial):
            differentiated |= {str(s) for s in node.args[0].free_symbols}
    varied = _differentiated_names(lhs)
    differentiated -= {str(index) for index in index_symbols([lhs])}
    differentiated = {name for name in differentiated if not name.isdigit()}
    unknown = sorted(
        name
        for name in differentiated - varied
        if name.split("[")[0] not in definitions
        and name.split("[")[0] not in varied
        and not any(name.startswith(f"{v}[") for v in vectors & set(definitions))
    )
    if not unknown or not differentiated:
        return None
    if differentiated & set(definitions):
        return None
    return (
        f"{', '.join(unknown)} is not defined: as read it does not depend on "
        f"{', '.join(sorted(varied))}, so its derivative reads 0"
    )


def _differentiated_names(expr: Any) -> set[str]:
    """The names ``expr`` differentiates by: ``z`` in ``∂L/∂z`` and in ``∂L/∂z_k``."""
    names: set[str] = set()
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Derivative):
            variables: list[Any] = list(node.variables)
        elif isinstance(node, nodes.Partial):
            variables = list(node.args[1:])
        else:
            continue
        for variable in variables:
            base = variable.base.label if isinstance(variable, sp.Indexed) else variable
            names.add(str(base))
    return names


def _vector_outcome(
    claim: Claim, context: DocumentContext, space: VectorSpace, lhs: Any, rhs: Any
) -> tuple[str | None, int] | str:
    """(the witness of a difference or None, the points tried), or why nothing was compared."""
    indices = index_symbols([lhs, rhs])
    if len(indices) > 3:
        return "more than three free indices"
    assignments = [
        dict(zip(indices, map(sp.Integer, values), strict=True))
        for values in itertools.product(space.indices(), repeat=len(indices))
    ]
    try:
        pairs = [(a, space.value(lhs, a), space.value(rhs, a)) for a in assignments]
    except VectorError as error:
        return str(error)
    for _, left, written in pairs:
        if isinstance(left, sp.MatrixBase) != isinstance(written, sp.MatrixBase):
            return "one side is a vector, the other a scalar"
        if undefined_functions(left) or undefined_functions(written):
            names = sorted(set(undefined_functions(left) + undefined_functions(written)))
            return f"{', '.join(names)} is not defined"
    variables = sorted(
        {s for _, a, b in pairs for s in _symbols(a) | _symbols(b)}, key=lambda s: s.name
    )
    rng = context.rng_for(claim.line, claim.text)
    points = [{v: sp.Integer(0) for v in variables}]
    points += [
        {v: sp.Rational(rng.randint(-30, 30), rng.randint(1, 9)) for v in variables}
        for _ in range(RANDOM_POINTS)
    ]
    _, where = claim_conditions(claim)
    checked = 0
    for point in points:
        for assignment, left, written in pairs:
            if where is not None and where({**point, **assignment}) is not True:
                continue
            a, b = evaluate(left, point), evaluate(written, point)
            same = values_equal(a, b)
            if same is None:
                continue
            checked += 1
            if not same:
                place = _where(point, assignment, space)
                return f"{place}: {format_value(b)} ≠ {format_value(a)}", len(points)
    if checked == 0:
        return "neither side could be evaluated"
    return None, len(points)


def _symbols(value: Any) -> set[sp.Symbol]:
    if isinstance(value, sp.MatrixBase):
        return {s for entry in value for s in _symbols(entry)}
    return {s for s in getattr(value, "free_symbols", set()) if isinstance(s, sp.Symbol)}


def _where(point: dict[Any, Any], assignment: dict[Any, Any], space: VectorSpace) -> str:
    scalars = {s: v for s, v in point.items() if "[" not in s.name}
    lengths = sorted(space.lengths, key=str)
    parts = [f"{length} = {VECTOR_SIZE}" for length in lengths] or [f"length {VECTOR_SIZE}"]
    for name in sorted(space.free):
        values = [evaluate(c, point) for c in space.components(name)]
        parts.append(f"{name} = ({', '.join(format_value(v) for v in values)})")
    if scalars:
        parts.append(format_point(scalars))
    if assignment:
        parts.append(format_point(assignment))
    return ", ".join(parts)
