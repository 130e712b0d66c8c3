"""Statements about a document's own forward map: an entry restated, ``h = Wa``, the backward
rule ``∂F/∂a = Wᵀ ∂F/∂h``, and derivatives of the map with free indices.

Once a document has written its forward map (:mod:`symconv.check.document_forward`), what it
says next follows from that map and can be decided exactly, without a problem set:

* **an entry restated** — ``h_{12} = \\sum_{i,j} k_{ij} a_{i,j+1}`` after the matrix of the map:
  the same bilinear form as the map's entry (1, 2), or not;
* **``h = W a``** — the map is linear in ``a`` when each entry is a sum of ``a``'s entries times
  coefficients, with no other term: then a matrix ``W`` with ``h = W a`` exists (``∂h/∂a``);
* **the backward rule** — after ``h = W a``, ``∂F/∂a = Wᵀ ∂F/∂h`` is the chain rule
  (``∂F/∂a_p = Σ_q W_{qp} ∂F/∂h_q``); ``W ∂F/∂h`` is wrong when ``W`` is not square (the product
  is not even defined);
* **a derivative with free indices** — ``∂h_{12}/∂k_{ij} = a_{i,j+1}``,
  ``∂h_{i'j'}/∂k_{ij} = a_{i+i'-1,j+j'-1}``, ``∂F/∂k_{ij} = Σ_{i',j'} ∂F/∂h_{i'j'} a_{…}``:
  both sides worked out for every value of the free indices in the ranges of the tensors they
  index (the document's own sizes and index base), ``∂h_q/∂x_p`` from the map, ``∂F/∂x_p`` as
  ``Σ_q ∂F/∂h_q ∂h_q/∂x_p``. Right when they agree at every value, wrong with the first value
  where they differ.

:func:`judge_statement` returns the verdict (or None: a statement these do not decide).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from symconv.check import nodes
from symconv.check.document_forward import (
    DocumentModel,
    EntryKey,
    Forward,
    atom_of,
    canonical,
    entry_of,
    entry_symbol,
    evaluated,
    gradient_entry,
)
from symconv.check.judges.verdicts import right, unverified, wrong
from symconv.check.model import Claim, Judgement
from symconv.check.parsed import Ambiguous, Chain
from symconv.core.patterns import lazy_compile

__all__ = ["LinearForm", "judge_statement"]

#: Most index values tried for one statement (3 × 3 × 2 × 2 = 36 for a 3×3 kernel, 2×2 output).
MAX_ASSIGNMENTS = 400


@dataclass(frozen=True)
class LinearForm:
    """``h = W a`` as the document stated it on ``line``: the matrix name, the map, the operand."""

    matrix: str
    forward: Forward
    operand: str
    line: int


def judge_statement(
    statement: Chain | Ambiguous,
    claim: Claim,
    model: DocumentModel,
    stated: Sequence[LinearForm],
) -> Judgement | LinearForm | None:
    """The verdict on one statement (a :class:`LinearForm` for ``h = W a``, whose verdict the
    caller records), or None."""
    chains = statement.readings if isinstance(statement, Ambiguous) else (statement,)
    for chain in chains:
        if len(chain.sides) != 2 or chain.relations != ("=",) or None in chain.sides:
            continue
        lhs, rhs = (side.expr for side in chain.sides if side is not None)
        for judge in (_linear_form, _backward_rule):
            found = judge(lhs, rhs, claim, model, stated)
            if found is not None:
                return found
    if isinstance(statement, Ambiguous):
        return None
    if len(statement.sides) != 2 or statement.relations != ("=",) or None in statement.sides:
        return None
    lhs, rhs = (side.expr for side in statement.sides if side is not None)
    return _restated_entry(lhs, rhs, claim, model) or _derivative(
        lhs, rhs, claim, model, statement.text
    )


# ----------------------------------------------------------------------------------------------
# h = W a and ∂F/∂a = Wᵀ ∂F/∂h
# ----------------------------------------------------------------------------------------------
def _linear_form(
    lhs: Any, rhs: Any, claim: Claim, model: DocumentModel, stated: Sequence[LinearForm]
) -> Judgement | LinearForm | None:
    from symconv.check.document_forward import flattened_name

    lhs = flattened_name(lhs)
    if lhs is None or not isinstance(rhs, sp.Mul) or len(rhs.args) != 2:
        return None
    rhs = sp.Mul(*(flattened_name(arg) or arg for arg in rhs.args), evaluate=False)
    if not all(isinstance(arg, sp.Symbol) for arg in rhs.args):
        return None
    for forward in model.forwards_before(claim.line):
        if forward.output != lhs.name:
            continue
        names = [arg.name for arg in rhs.args]
        operand = next((o for o in forward.operands if o.name in names), None)
        if operand is None:
            continue
        matrix = next(n for n in names if n != operand.name)
        if matrix in {o.name for o in forward.operands} or matrix in model.defined:
            return None  # W given a value of its own: h = W a is then a claim about that W
        return LinearForm(matrix, forward, operand.name, claim.line)
    return None


def linear_form_judgement(form: LinearForm, claim: Claim) -> Judgement:
    """``h = W a`` is right: every entry of the map is a sum of ``a``'s entries times
    coefficients (its other operand's entries), with no other term."""
    forward = form.forward
    rows, columns = forward.output_shape
    size = 1
    operand = forward.operand(form.operand)
    assert operand is not None
    for s in operand.shape:
        size *= s
    return right(
        claim,
        f"{forward.output} is linear in {form.operand} (each entry of the map of lines "
        f"{forward.line}–{forward.end_line} is a sum of {form.operand}'s entries times "
        f"coefficients, with no other term): {forward.output} = {form.matrix} {form.operand} "
        f"for the {rows * columns}×{size} matrix {form.matrix} = ∂{forward.output}/∂{form.operand}",
    )


def _backward_rule(
    lhs: Any, rhs: Any, claim: Claim, model: DocumentModel, stated: Sequence[LinearForm]
) -> Judgement | None:
    if not isinstance(lhs, sp.Derivative) or not isinstance(rhs, sp.Mul) or len(rhs.args) != 2:
        return None
    if len(lhs.variables) != 1 or not isinstance(lhs.expr, sp.Symbol):
        return None
    scalar, wrt = lhs.expr, lhs.variables[0]
    gradient = next((a for a in rhs.args if isinstance(a, sp.Derivative)), None)
    factor = next((a for a in rhs.args if a is not gradient), None)
    if gradient is None or factor is None or gradient.expr != scalar:
        return None
    for form in reversed(stated):
        forward = form.forward
        if not isinstance(wrt, sp.Symbol) or wrt.name != form.operand:
            continue
        if gradient.variables != (sp.Symbol(forward.output or ""),):
            continue
        matrix = sp.Symbol(form.matrix)
        rows, columns = forward.output_shape
        operand = forward.operand(form.operand)
        assert operand is not None
        size = 1
        for s in operand.shape:
            size *= s
        if factor == nodes.Transposed(matrix):
            return right(
                claim,
                f"the chain rule for {forward.output} = {form.matrix} {form.operand} (line "
                f"{form.line}): ∂{scalar}/∂{form.operand}_p = Σ_q {form.matrix}_qp "
                f"∂{scalar}/∂{forward.output}_q, i.e. {form.matrix}ᵀ ∂{scalar}/∂{forward.output}",
            )
        if factor == matrix and rows * columns != size:
            return wrong(
                claim,
                f"{form.matrix} is {rows * columns}×{size} ({forward.output} = {form.matrix} "
                f"{form.operand}, line {form.line}): {form.matrix} ∂{scalar}/∂{forward.output} "
                f"is not defined; the chain rule gives {form.matrix}ᵀ ∂{scalar}/∂{forward.output}",
                witness=f"{form.matrix} has {size} columns, ∂{scalar}/∂{forward.output} "
                f"{rows * columns} entries",
            )
    return None


# ----------------------------------------------------------------------------------------------
# An entry restated
# ----------------------------------------------------------------------------------------------
def _restated_entry(lhs: Any, rhs: Any, claim: Claim, model: DocumentModel) -> Judgement | None:
    key = entry_of(canonical(lhs))
    if key is None or key[0].startswith("∂"):
        return None
    try:
        value = canonical(evaluated(rhs))
    except (TypeError, ValueError):
        return None
    # a map with a bias (y = X * W + b, DocumentModel.affine) only where it is defined by an
    # operation (source): a map written entry by entry is those very statements
    affine = [f for f in model.affine_before(claim.line) if f.source]
    for forward in [*model.forwards_before(claim.line), *affine]:
        if forward.output != key[0] or len(key[1]) != 2:
            continue
        row, column = (i - forward.output_base for i in key[1])
        rows, columns = forward.output_shape
        if not (0 <= row < rows and 0 <= column < columns):
            continue
        entry = forward.entries[row, column] + (forward.bias or 0)
        difference = sp.expand(value - entry)
        where = f"entry ({row + 1}, {column + 1}) of the map of lines {forward.line}–"
        where += f"{forward.end_line}"
        if difference == 0:
            return right(claim, f"{_shown(lhs)} is {where}")
        bias = difference if isinstance(difference, sp.Symbol) else -difference
        if isinstance(bias, sp.Symbol) and entry_of(bias) is None:
            # y_{11} = x_{11}w_{11} + … after X * W + b = Y: a bias left out on one side,
            # as writers do on purpose ("ignoring the bias"), not a slip to call wrong
            return unverified(
                claim, f"{_shown(lhs)} is {where} up to {_shown(bias)}: the bias is left out of one"
            )
        return wrong(
            claim,
            f"{_shown(lhs)} is {where}, {_shown(entry)}; this differs by {_shown(difference)}",
            expected=entry,
            witness=f"{_shown(value)} − ({_shown(entry)}) = {_shown(difference)}",
        )
    return None


# ----------------------------------------------------------------------------------------------
# Derivatives of the map with free indices
# ----------------------------------------------------------------------------------------------
_QUOTIENT = lazy_compile(r"^∂(.+)/∂(.+)$")


@dataclass(frozen=True)
class _Scope:
    """The map a statement is about and the scalar of its gradients."""

    forward: Forward
    scalar: str | None
    #: The document says entries outside a tensor are zero (``w_{kl} = 0`` outside the kernel):
    #: a read outside the tensor is 0, not undecided (:attr:`DocumentModel.zero_outside`).
    zero_outside: bool = False


def _derivative(
    lhs: Any, rhs: Any, claim: Claim, model: DocumentModel, text: str
) -> Judgement | None:
    both = _errors_named(sp.Tuple(lhs, rhs), model)
    if not (both.has(nodes.Partial) or both.has(sp.Derivative) or _has_quotient_base(both)):
        return None
    scope = _scope(both, model, claim.line)
    if scope is None:
        return None
    both = _split_products(both, scope.forward, text)
    ranges = _free_ranges(both, scope.forward)
    if ranges is None:
        return None
    names = sorted(ranges, key=str)
    assignments = list(itertools.product(*(ranges[n] for n in names)))
    if not assignments or len(assignments) > MAX_ASSIGNMENTS:
        return None
    undecided = False
    for values in assignments:
        point = dict(zip(names, values, strict=True))
        try:
            left = _value(both[0].xreplace(point), scope)
            right_value = _value(both[1].xreplace(point), scope)
        except _Unknown:
            undecided = True  # e.g. an entry outside the tensor at these indices
            continue
        difference = sp.expand(left - right_value)
        if difference != 0:
            at = ", ".join(f"{n} = {v}" for n, v in point.items())
            return wrong(
                claim,
                f"for {at or 'these indices'}: the left side is {_shown(left)}, the right side "
                f"{_shown(right_value)} (with the map of lines {scope.forward.line}–"
                f"{scope.forward.end_line})",
                witness=f"at {at}: {_shown(left)} ≠ {_shown(right_value)}",
            )
    if undecided:
        return None
    shown = ", ".join(f"{n} = {_range_words(ranges[n])}" for n in names)
    return right(
        claim,
        f"both sides agree{' for ' + shown if shown else ''}, worked out from the map of lines "
        f"{scope.forward.line}–{scope.forward.end_line}",
    )


def _errors_named(expr: Any, model: DocumentModel) -> Any:
    """``expr`` with each entry of a name the document gave an output's gradient
    (``\\delta_{12}`` after ``\\delta_{ij} = ∂J/∂z_{ij}``) written as that gradient's entry."""
    if not model.errors or not isinstance(expr, sp.Basic):
        return expr
    mapping: dict[Any, Any] = {}
    for atom in expr.atoms(sp.Symbol, sp.Indexed):
        key = entry_of(atom)
        if key is not None and key[0] in model.errors:
            scalar, output = model.errors[key[0]]
            mapping[atom] = gradient_entry(scalar, output, key[1])
        elif isinstance(atom, sp.Indexed) and str(atom.base.label) in model.errors:
            scalar, output = model.errors[str(atom.base.label)]
            mapping[atom] = sp.IndexedBase(f"∂{scalar}/∂{output}")[atom.indices]
    return expr.xreplace(mapping) if mapping else expr


class _Unknown(Exception):
    """A part of a side the map does not decide."""


def _has_quotient_base(expr: Any) -> bool:
    return any(_QUOTIENT.match(str(i.base.label)) for i in expr.atoms(sp.Indexed))


def _range_words(values: Sequence[int]) -> str:
    return f"{values[0]}…{values[-1]}" if len(values) > 1 else str(values[0])


def _tensor_names(expr: Any) -> set[str]:
    """Every tensor a side names: bases of entries, and both names of a quotient base."""
    found: set[str] = set()
    for atom in expr.atoms(sp.Indexed):
        label = str(atom.base.label)
        quotient = _QUOTIENT.match(label)
        if quotient:
            found.update(_plain(quotient.group(1)), _plain(quotient.group(2)))
        else:
            found.add(label)
    for atom in expr.atoms(sp.Symbol):
        key = entry_of(atom)
        if key is not None:
            found.add(key[0])
    for derivative in expr.atoms(sp.Derivative):
        for variable in derivative.variables:
            key = entry_of(variable)
            found.add(key[0] if key else str(variable))
        if isinstance(derivative.expr, sp.Symbol) and entry_of(derivative.expr) is None:
            found.add(derivative.expr.name)  # L of ∂L/∂x_{12}: the scalar differentiated
    return found


def _plain(name: str) -> str:
    """``h`` of ``h_{12}`` (an entry named in a quotient), else the name."""
    key = entry_indices_of(name)
    return key[0] if key else name


def entry_indices_of(name: str) -> tuple[str, tuple[int, ...]] | None:
    return entry_of(sp.Symbol(name))


def _scope(expr: Any, model: DocumentModel, line: int) -> _Scope | None:
    """The one map of the document (defined before ``line``) whose output and operands the
    statement names: its output by name, or an unnamed output when the statement names a
    gradient ``∂F/∂h`` and no map is called h."""
    names = _tensor_names(expr)
    maps = (*model.forwards, *model.affine)
    scalars = {
        name
        for name in names
        if not any(f.output == name or f.operand(name) or f.bias == sp.Symbol(name) for f in maps)
    }
    candidates = []
    for forward in (*model.forwards_before(line), *model.affine_before(line)):
        operands = {o.name for o in forward.operands}
        if forward.bias is not None:
            operands.add(forward.bias.name)  # ∂L/∂b: a gradient through the map
        if not names & operands:
            continue
        others = names - operands - {forward.output}
        if forward.output is not None and forward.output in names:
            candidates.append((0, forward, others))
        elif forward.output is None:
            candidates.append((1, forward, others))
    named = [c for c in candidates if c[0] == 0]
    chosen = named if named else candidates
    if len(chosen) != 1:
        return None
    _, forward, others = chosen[0]
    # what remains: one scalar (F), and at most the output's name if the output is unnamed
    rest = others & scalars
    if len(rest) > 2:
        return None
    scalar = next((n for n in sorted(rest) if len(n) == 1 and n.isupper()), None)
    return _Scope(forward, scalar, model.zero_outside)


def _split_products(expr: Any, forward: Forward, text: str) -> Any:
    """``h_{i'j'}`` read as ``h[i'·j']``: two indices of a tensor the map gives two axes, in
    the order the text writes them (the product forgets it)."""
    two_axes = {o.name for o in forward.operands if len(o.shape) == 2}
    if forward.output is not None:
        two_axes.add(forward.output)
    mapping = {}
    for atom in expr.atoms(sp.Indexed):
        label = str(atom.base.label)
        quotient = _QUOTIENT.match(label)
        tensor = _plain(quotient.group(2)) if quotient else label
        if tensor not in two_axes or len(atom.indices) != 1:
            continue
        index = atom.indices[0]
        pair = isinstance(index, sp.Mul) and len(index.args) == 2
        if pair and all(isinstance(a, sp.Symbol) for a in index.args):
            ordered = _written_order(index, tensor, text)
            if ordered is not None:
                mapping[atom] = atom.base[ordered[0], ordered[1]]
    return expr.xreplace(mapping) if mapping else expr


def _written_order(product: sp.Mul, tensor: str, text: str) -> tuple[Any, Any] | None:
    """The two factors of ``i'j'`` in the order the text writes them after ``tensor_``
    (None if the text shows no single order)."""
    first, second = product.args
    orders = set()
    for found in re.finditer(re.escape(tensor) + r"_\{([^{}]*)\}", text):
        written = re.sub(r"\s", "", found.group(1))
        if written == f"{first}{second}":
            orders.add((first, second))
        elif written == f"{second}{first}":
            orders.add((second, first))
    return orders.pop() if len(orders) == 1 else None


def _free_ranges(expr: Any, forward: Forward, summand: bool = False) -> dict[Any, list[int]] | None:
    """Each free index with the values it takes: the index range of the axis of the tensor it
    indexes directly (``k[i, j]``: i over k's rows). None when an index has no such axis.
    ``summand``: ``expr`` is the summand of a sum, its summation indices read as free."""
    bound: set[Any] = set()
    for total in expr.atoms(sp.Sum):
        bound |= {limit[0] for limit in total.limits}
    if summand:
        bound = set()
    ranges: dict[Any, list[int]] = {}
    free = set()
    for atom in expr.atoms(sp.Indexed):
        free |= {s for i in atom.indices for s in i.free_symbols} - bound
        label = str(atom.base.label)
        quotient = _QUOTIENT.match(label)
        tensor = _plain(quotient.group(2)) if quotient else label
        shape, base = _axes(tensor, forward)
        if shape is None:
            continue
        for axis, index in enumerate(atom.indices):
            if isinstance(index, sp.Symbol) and index not in bound and axis < len(shape):
                values = list(range(base, base + shape[axis]))
                # an index used by two tensors takes the values both have
                ranges[index] = [v for v in ranges.get(index, values) if v in values]
    if free - set(ranges):
        return None
    return ranges


def _axes(tensor: str, forward: Forward) -> tuple[tuple[int, ...] | None, int]:
    operand = forward.operand(tensor)
    if operand is not None:
        return operand.shape, operand.base
    if tensor == forward.output:
        return forward.output_shape, forward.output_base
    return None, 1


def _bounded_sums(expr: Any, forward: Forward) -> Any:
    """``expr`` with each sum written without bounds (``\\sum_{i,j}``, the parser's
    ``(i, -oo, oo)``) bounded by the range of the axis its index reads (``∂L/∂y_{ij}``: i over
    y's rows): the sum over every entry, as such sums mean. A sum with other bounds that are not
    numbers, or whose index reads no axis of the map's tensors, is :class:`_Unknown` — worked out
    by SymPy it would take ``∂y_{ij}/∂w_{11}`` for 0 (y[i, j] is no function of w_{11} to it).

    >>> from symconv.check.parser import parse_expression
    >>> from symconv.check.document_forward import Operand
    >>> x, w = Operand("x", (3, 3), 1), Operand("w", (2, 2), 1)
    >>> forward = Forward(sp.ImmutableMatrix([[0, 0], [0, 0]]), (x, w), 1, 1, "", "y")
    >>> written = parse_expression(r"\\sum_{i,j} \\frac{\\partial L}{\\partial y_{ij}}")
    >>> _bounded_sums(written, forward)
    Sum(∂L/∂y[i, j], (i, 1, 2), (j, 1, 2))
    """
    if not isinstance(expr, sp.Basic) or not expr.has(sp.Sum):
        return expr

    def bound(total: sp.Sum) -> sp.Sum:
        function = _bounded_sums(total.function, forward)
        limits = []
        for variable, low, high in total.limits:
            if low.is_Integer and high.is_Integer:
                limits.append((variable, low, high))
                continue
            if low != -sp.oo or high != sp.oo:
                raise _Unknown(f"the bounds of the sum over {variable}")
            ranges = _free_ranges(function, forward, summand=True)
            values = None if ranges is None else ranges.get(variable)
            if not values:
                raise _Unknown(f"the range of {variable}")
            limits.append((variable, sp.Integer(values[0]), sp.Integer(values[-1])))
        return sp.Sum(function, *limits)

    return expr.replace(lambda e: isinstance(e, sp.Sum), bound)


def _value(expr: Any, scope: _Scope) -> Any:
    """A side at integer indices: sums worked out, derivatives of the map taken."""
    expr = evaluated(_bounded_sums(expr, scope.forward))
    replacements: dict[Any, Any] = {}
    for atom in expr.atoms(sp.Indexed):
        label = str(atom.base.label)
        quotient = _QUOTIENT.match(label)
        if not all(isinstance(i, sp.Integer) for i in atom.indices):
            raise _Unknown(str(atom))
        indices = tuple(int(i) for i in atom.indices)
        if quotient is None:
            shape, base = _axes(label, scope.forward)
            if shape is not None and not all(
                base <= i < base + size for i, size in zip(indices, shape, strict=False)
            ):
                if not scope.zero_outside:
                    raise _Unknown(f"{label} at {indices}: outside the tensor")
                replacements[atom] = sp.Integer(0)  # "entries outside the kernel are zero"
            continue
        top, bottom = quotient.group(1), quotient.group(2)
        replacements[atom] = _quotient(top, (bottom, indices), scope)
    for partial in expr.atoms(nodes.Partial):
        top_atom, *bottom = partial.args
        if len(bottom) != 1:
            raise _Unknown(str(partial))
        top = entry_of(canonical(top_atom))
        below = entry_of(canonical(bottom[0]))
        if top is None or below is None:
            raise _Unknown(str(partial))
        replacements[partial] = _map_derivative(top, below, scope)
    for derivative in expr.atoms(sp.Derivative):
        if len(derivative.variables) != 1:
            raise _Unknown(str(derivative))
        below = entry_of(canonical(derivative.variables[0]))
        top = entry_of(canonical(derivative.expr))
        if below is None:
            replacements[derivative] = _by_bias(derivative, top, scope)
            continue
        if top is not None:  # ∂y_{11}/∂w_{11}: an entry of the map by an entry
            replacements[derivative] = _map_derivative(top, below, scope)
        elif isinstance(derivative.expr, sp.Symbol):
            replacements[derivative] = _quotient(derivative.expr.name, below, scope)
        else:
            raise _Unknown(str(derivative))
    value = expr.xreplace(replacements) if replacements else expr
    return canonical(sp.expand(value))


def _by_bias(derivative: sp.Derivative, top: EntryKey | None, scope: _Scope) -> Any:
    """A derivative by a name that is no entry: by the map's bias ``b`` (added to every output
    entry), ``∂y_{q}/∂b = 1`` and ``∂F/∂b = Σ_q ∂F/∂y_q``; by anything else unknown."""
    forward = scope.forward
    if forward.bias is None or derivative.variables[0] != forward.bias:
        raise _Unknown(str(derivative))
    output = forward.output or "h"
    rows, columns = forward.output_shape
    base = forward.output_base
    if top is not None:
        if top[0] != output or len(top[1]) != 2:
            raise _Unknown(str(derivative))
        row, column = (i - base for i in top[1])
        if not (0 <= row < rows and 0 <= column < columns):
            raise _Unknown("an output entry outside the map")
        return sp.Integer(1)
    scalar = scope.scalar
    if scalar is None or not isinstance(derivative.expr, sp.Symbol):
        raise _Unknown(str(derivative))
    if derivative.expr.name != scalar:
        raise _Unknown(str(derivative))
    return sp.Add(
        *(
            gradient_entry(scalar, output, (r + base, c + base))
            for r in range(rows)
            for c in range(columns)
        )
    )


def _quotient(top: str, below: tuple[str, tuple[int, ...]], scope: _Scope) -> Any:
    """``∂top/∂below``: a gradient entry of the scalar (for the output: itself; for an operand:
    ``Σ_q ∂F/∂h_q ∂h_q/∂x_p``) or a derivative of an output entry."""
    forward = scope.forward
    output = forward.output or "h"
    entry = entry_indices_of(top)
    if entry is not None:
        return _map_derivative(entry, below, scope)
    if scope.scalar is None or top != scope.scalar:
        raise _Unknown(top)
    name, indices = below
    if name in (forward.output, None) or (forward.output is None and name == output):
        rows, columns = forward.output_shape
        base = forward.output_base
        if len(indices) != 2 or not (
            0 <= indices[0] - base < rows and 0 <= indices[1] - base < columns
        ):
            if scope.zero_outside and len(indices) == 2:
                return sp.Integer(0)  # the gradient zero-padded, as the document says
            # ∂L/∂y_{21} where the map gives y_{11}, y_{12} only ("and so on"): the statement
            # is about entries the map does not write, so the map cannot decide it
            raise _Unknown("an output entry outside the map")
        return gradient_entry(top, name, indices)
    operand = forward.operand(name)
    if operand is None or operand.position(indices) is None:
        raise _Unknown(f"∂{top}/∂{name}")
    symbol = entry_symbol(name, indices)
    rows, columns = forward.output_shape
    base = forward.output_base
    total = sp.Integer(0)
    for r in range(rows):
        for c in range(columns):
            total += gradient_entry(top, output, (r + base, c + base)) * sp.diff(
                forward.entries[r, c], symbol
            )
    return sp.expand(total)


def _map_derivative(
    top: tuple[str, tuple[int, ...]], below: tuple[str, tuple[int, ...]], scope: _Scope
) -> Any:
    forward = scope.forward
    if top[0] != forward.output or len(top[1]) != 2:
        raise _Unknown(f"∂{top[0]}")
    row, column = (i - forward.output_base for i in top[1])
    rows, columns = forward.output_shape
    if not (0 <= row < rows and 0 <= column < columns):
        raise _Unknown("an output entry outside the map")
    operand = forward.operand(below[0])
    if operand is None:
        raise _Unknown(f"∂/∂{below[0]}")
    if operand.position(below[1]) is None:
        return sp.Integer(0)
    return sp.diff(forward.entries[row, column], atom_of(below))


def _shown(expr: Any) -> str:
    from symconv.check.judges.linear_maps import show

    return show(expr)
