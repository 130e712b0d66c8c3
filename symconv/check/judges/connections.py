"""Which two entries a weight connects, decided by the document's own forward formula.

"``W^{(l)}_{abnk}`` is the weight between ``y^{(l)}_{i,j,k}`` and ``x^{(l+1)}_{(i+a),(j+b),n}``"
(:mod:`symconv.check.connections` reads such sentences) says: in the forward formula that
computes the one entry from the other, the other is multiplied by that weight — for a layer
linear in its input, ``∂x/∂y = W`` at every value of the indices where the three entries exist.
Either entry may be written first; the formula says which one it computes.

The derivative is the formula's own: its output entry written out at concrete sizes (the sums
over their ranges) and the coefficient of the input entry read off, compared exactly with the
weight entry (both are sums of weight entries with integer coefficients), at every value of the
indices in the tensors' ranges, at several small sizes. A value where they differ is the
witness — the formula's coefficient there, and what it is in general
(:func:`symconv.check.entry_derivatives.entry_derivative`, its deltas solved:
``W^{(l)}[−a, −b, n, k]``). Indices are counted as the document counts them
(:func:`~symconv.check.document_gradients.index_bases`: from 0 and from 1 when it does not say,
and the verdict must hold both ways).

    >>> from symconv.check.api import check
    >>> doc = ("$$z_{t} = \\\\sum_{m=0}^{K-1} v_{m} u_{t+m}$$\\n\\n"
    ...        "Here $v_m$ is the weight between $u_{t}$ and $z_{t+m}$.\\n")
    >>> j = [j for j in check(doc).judgements if j.claim.line == 3][0]
    >>> print(j.verdict, j.message, sep=": ")  # doctest: +ELLIPSIS
    wrong: not what the forward formula on line 1 gives: ∂z[m + t]/∂u[t] = v[-m] ...
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from symconv.check.context import DocumentContext
from symconv.check.document_gradients import (
    DocumentDefinitions,
    Forward,
    definitions_before,
    engine_reading,
    index_bases,
    normalised,
    order_of,
    rebased,
)
from symconv.check.judges.verdicts import right, unverified, wrong
from symconv.check.model import Claim, ConnectionFacts, Judgement
from symconv.core.safe import as_sympy
from symconv.errors import SymconvError

__all__ = ["judge_connection"]

#: Size draws per index base, and the most index values tried in one draw.
_TRIALS = 3
_MAX_POINTS = 4000


@dataclass(frozen=True)
class _Outcome:
    """One base's verdict: ``holds`` (None: no value where the three entries exist), the
    witness text when it does not."""

    holds: bool | None
    witness: str = ""
    general: str = ""


def judge_connection(claim: Claim, context: DocumentContext) -> Judgement | None:
    """The verdict on a sentence saying which entries a weight connects; None for any other
    claim or when no forward formula of the document computes one entry from the other."""
    facts = claim.facts
    if not isinstance(facts, ConnectionFacts):
        return None
    definitions = definitions_before(context, order_of(claim))
    entries = [normalised(e, definitions) for e in (facts.weight, facts.first, facts.second)]
    if not all(isinstance(e, sp.Indexed) for e in entries):
        return unverified(claim, "the weight or an entry it connects is no entry of a tensor")
    weight, first, second = entries
    found = _formula_for(weight, first, second, definitions)
    if found is None:
        return unverified(
            claim,
            f"no forward formula before the line computes {second.base} from {first.base} "
            f"with {weight.base} (or {first.base} from {second.base})",
        )
    forward, output, source = found
    if forward.clash:
        return unverified(claim, forward.clash)
    where = f"the forward formula on line {forward.line}"
    outcomes = []
    for base in index_bases(forward, definitions.ranges):
        try:
            outcome = _decided(forward, base, weight, source, output, claim, context)
        except SymconvError as error:
            return unverified(claim, f"could not differentiate {where}: {error}")
        outcomes.append(outcome)
    counted = "" if len(outcomes) == 1 else " (counting indices from 0 and from 1)"
    if all(o.holds is True for o in outcomes):
        return right(
            claim,
            f"{where} multiplies {source} by {weight}{counted}: ∂{output}/∂{source} = {weight} "
            "at every value of the indices",
        )
    if all(o.holds is False for o in outcomes):
        return wrong(
            claim, f"not what {where} gives{counted}: {outcomes[0].general}",
            witness=outcomes[0].witness,
        )  # fmt: skip
    if any(o.holds is None for o in outcomes):
        return unverified(
            claim, f"no value of the indices where the three entries exist in {where}"
        )
    return unverified(
        claim,
        f"right for one way of counting the indices of {where} and not for the other, and the "
        "document does not say whether they start at 0 or 1",
    )


def _formula_for(
    weight: sp.Indexed, first: sp.Indexed, second: sp.Indexed, definitions: DocumentDefinitions
) -> tuple[Forward, sp.Indexed, sp.Indexed] | None:
    """The latest forward formula that computes one of the two entries and reads the other and
    the weight: ``(formula, output entry, input entry)``."""
    for forward in reversed(definitions.forwards):
        inputs = forward.inputs
        weights = str(weight.base.label)
        if inputs.get(weights) != len(weight.indices):
            continue
        for output, source in ((second, first), (first, second)):
            if str(output.base.label) != forward.output:
                continue
            if len(output.indices) != len(forward.lhs.indices):
                continue
            if inputs.get(str(source.base.label)) == len(source.indices):
                return forward, output, source
    return None


def _decided(
    forward: Forward,
    base: int,
    weight: sp.Indexed,
    source: sp.Indexed,
    output: sp.Indexed,
    claim: Claim,
    context: DocumentContext,
) -> _Outcome:
    """The statement at one index base: at small sizes, every value of its indices where the
    three entries exist (indices counted from 0)."""
    formula = engine_reading(forward.lhs, forward.rhs, base)
    symbols: set[Any] = set().union(
        *(i.free_symbols for e in (weight, source, output) for i in e.indices)
    )
    free = sorted(
        (s for s in symbols if isinstance(s, sp.Symbol) and not _is_size(s, formula)), key=str
    )
    weight0, source0, output0 = (rebased(e, base, free) for e in (weight, source, output))
    general = _general(formula, output0, source0, weight0, base)
    rng = random.Random(context.rng_for(claim.line, claim.text).randrange(2**31))
    tried = False
    for _ in range(_TRIALS):
        sizes = _sizes(formula, rng)
        shapes = {name: tuple(int(s.xreplace(sizes)) for s in shape)
                  for name, shape in formula.shapes.items()}  # fmt: skip
        domains = _domains(free, (weight0, source0, output0), shapes)
        if domains is None:
            return _Outcome(None)
        expansions: dict[tuple[int, ...], dict[Any, sp.Expr]] = {}
        entries = [_Positions(e, free, shapes) for e in (weight0, source0, output0)]
        points = itertools.islice(itertools.product(*domains), _MAX_POINTS)
        for values in points:
            at = [e.at(values) for e in entries]
            if any(position is None for position in at):
                continue  # an entry that does not exist here
            w_at, a_at, b_at = (p for p in at if p is not None)
            tried = True
            if b_at not in expansions:
                expansions[b_at] = _coefficients(formula, b_at, sizes, str(source0.base.label))
            got = expansions[b_at].get(a_at, sp.Integer(0))
            w, a, b = (e.entry(p) for e, p in zip(entries, (w_at, a_at, b_at), strict=True))
            if got != w:
                shown = ", ".join(f"{s} = {v + base}" for s, v in zip(free, values, strict=True))
                sized = ", ".join(
                    f"{e.base} {'×'.join(map(str, shapes[str(e.base.label)]))}"
                    for e in (output0, source0, weight0)
                )
                witness = (
                    f"at {shown} (sizes {sized}): the forward formula gives "
                    f"∂{_shown(b, base)}/∂{_shown(a, base)} = {_shown_value(got, base)}, "
                    f"not {_shown(w, base)}"
                )
                return _Outcome(False, witness, general)
    return _Outcome(True if tried else None, "", general)


class _Positions:
    """An entry's indices as integer affine forms of the statement's indices, evaluated
    without SymPy at each value (the same values ``xreplace`` gives)."""

    def __init__(self, entry: sp.Indexed, free: Sequence[sp.Symbol], shapes: Mapping[str, Any]):
        self.base = entry.base
        self.shape = tuple(shapes.get(str(entry.base.label), ()))
        self.forms: list[tuple[int, tuple[int, ...]] | None] = []
        for position in entry.indices:
            expression = sp.expand(position)
            coefficients = [expression.coeff(s) for s in free]
            linear = sum(c * s for c, s in zip(coefficients, free, strict=True))
            constant = sp.expand(expression - linear)
            if constant.is_Integer and all(c.is_Integer for c in coefficients):
                self.forms.append((int(constant), tuple(int(c) for c in coefficients)))
            else:
                self.forms.append(None)
        self.entry_ = entry
        self.free = tuple(free)

    def at(self, values: Sequence[int]) -> tuple[int, ...] | None:
        """The entry's indices at these values, None when it is outside its tensor."""
        if len(self.shape) != len(self.forms):
            return None
        found = []
        for form, size in zip(self.forms, self.shape, strict=True):
            if form is None:
                at = dict(zip(self.free, map(sp.Integer, values), strict=True))
                return self._slow(at)
            constant, coefficients = form
            index = constant + sum(c * v for c, v in zip(coefficients, values, strict=True))
            if not 0 <= index < size:
                return None
            found.append(index)
        return tuple(found)

    def _slow(self, at: Mapping[Any, Any]) -> tuple[int, ...] | None:
        entry = self.entry_.xreplace(dict(at))
        shapes = {str(self.base.label): self.shape}
        if not _inside(entry, shapes):
            return None
        return tuple(int(i) for i in entry.indices)

    def entry(self, position: tuple[int, ...]) -> sp.Indexed:
        return self.base[tuple(sp.Integer(i) for i in position)]


def _is_size(symbol: sp.Symbol, formula: Any) -> bool:
    return symbol.name in {s.name for s in (*formula.size_symbols, *formula.parameters)}


def _general(formula: Any, output: sp.Indexed, source: sp.Indexed, weight: Any, base: int) -> str:
    """``∂x[…]/∂y[…] = W[−a, …]`` in general (the deltas solved), shown as written."""
    from symconv.check.entry_derivatives import entry_derivative
    from symconv.check.judges.gradients import without_deltas

    # NotEvaluable (a SymconvError) when the layer is not linear in the entry: no weight joins
    # the two, and the caller leaves the statement unverified with the reason
    value = without_deltas(entry_derivative(formula, output, source))
    kept = [t for t in sp.Add.make_args(value)]
    conditioned = False
    terms = []
    for term in kept:  # [0 ≤ −a ≤ F − 1]·W[−a]: the entry, where it exists
        factors = sp.Mul.make_args(term)
        entries = [f for f in factors if f.has(sp.Indexed)]
        conditioned = conditioned or len(entries) < len(factors)
        terms.append(sp.Mul(*entries) if entries else term)
    where = " (where that entry exists, else 0)" if conditioned else ""
    return (
        f"∂{_shown(output, base)}/∂{_shown(source, base)} = "
        f"{_shown_value(sp.Add(*terms), base)}{where}, not {_shown(weight, base)}"
    )


def _shown(entry: Any, base: int) -> str:
    """An entry in the document's counting: counted from 0, an index symbol ``i`` stands for
    the document's ``i − base`` and each position is ``base`` lower."""
    return str(_recounted(entry, base))


def _recounted(entry: Any, base: int) -> Any:
    if not isinstance(entry, sp.Indexed) or base == 0:
        return entry
    back = {s: s - base for i in entry.indices for s in i.free_symbols}
    return entry.base[tuple(sp.expand(i.xreplace(back) + base) for i in entry.indices)]


def _shown_value(value: Any, base: int) -> str:
    if base == 0 or not isinstance(value, sp.Basic):
        return str(value)
    return str(value.replace(lambda n: isinstance(n, sp.Indexed), lambda n: _recounted(n, base)))


def _sizes(formula: Any, rng: random.Random) -> dict[sp.Symbol, sp.Integer]:
    """Small sizes for the formula's size symbols (a read tensor's unknown extent is made large
    enough for every read: the input a window slides over)."""
    symbols = set(formula.size_symbols) | {
        s for shape in formula.shapes.values() for size in shape for s in size.free_symbols
    }
    for _, low, high in formula.ranges:
        symbols |= low.free_symbols | high.free_symbols
    sizes = {s: sp.Integer(rng.randint(2, 3)) for s in sorted(symbols, key=str)}
    for name, shape in formula.shapes.items():
        for axis, size in enumerate(shape):
            if isinstance(size, sp.Symbol) and size.name.startswith("n^"):
                top = _read_top(formula, name, axis, sizes)
                if top is not None:
                    sizes[size] = sp.Integer(max(top + 1, 1))
    return sizes


def _read_top(formula: Any, name: str, axis: int, sizes: Mapping[Any, Any]) -> int | None:
    """The largest index the formula reads on axis ``axis`` of ``name`` at these sizes."""
    bounds = {index: (low, high) for index, low, high in formula.ranges}
    for node in sp.preorder_traversal(formula.rhs):
        if isinstance(node, sp.Sum):
            for index, low, high in node.limits:
                bounds[index] = (low, high)
    tops = []
    for read in formula.rhs.atoms(sp.Indexed):
        if str(read.base.label) != name:
            continue
        position = sp.expand(read.indices[axis])
        values = []
        indices = [i for i in position.free_symbols if i in bounds]
        ranges = []
        for index in indices:
            low, high = (int(as_sympy(b).xreplace(sizes)) for b in bounds[index])
            ranges.append(range(low, high + 1))
        for point in itertools.product(*ranges):
            at = dict(zip(indices, map(sp.Integer, point), strict=True))
            value = as_sympy(position.xreplace(at)).xreplace(sizes)
            if not value.is_Integer:
                return None
            values.append(int(value))
        if values:
            tops.append(max(values))
    return max(tops) if tops else None


def _domains(
    free: Sequence[sp.Symbol], entries: Sequence[sp.Indexed], shapes: Mapping[str, tuple[int, ...]]
) -> list[range] | None:
    """Each index over the axis of the first entry (weight, then the others) it stands alone
    in; None when one stands alone nowhere."""
    domains = []
    for index in free:
        found = None
        for entry in entries:
            shape = shapes.get(str(entry.base.label))
            if shape is None:
                continue
            for axis, position in enumerate(entry.indices):
                if position == index and axis < len(shape):
                    found = range(shape[axis])
                    break
            if found is not None:
                break
        if found is None:
            return None
        domains.append(found)
    return domains


def _inside(entry: sp.Indexed, shapes: Mapping[str, tuple[int, ...]]) -> bool:
    shape = shapes.get(str(entry.base.label))
    if shape is None or len(shape) != len(entry.indices):
        return False
    return all(
        index.is_Integer and 0 <= int(index) < size
        for index, size in zip(entry.indices, shape, strict=True)
    )


def _coefficients(
    formula: Any, at: tuple[int, ...], sizes: Mapping[Any, Any], source: str
) -> dict[tuple[int, ...], sp.Expr]:
    """The output entry ``at`` written out at these sizes: the coefficient of each entry of
    ``source`` it reads (a sum of the other tensors' entries)."""
    fast = _summed_coefficients(formula, at, sizes, source)
    return fast if fast is not None else _expanded_coefficients(formula, at, sizes, source)


def _summed_coefficients(
    formula: Any, at: tuple[int, ...], sizes: Mapping[Any, Any], source: str
) -> dict[tuple[int, ...], sp.Expr] | None:
    """:func:`_coefficients` for a sum of products of reads at affine indices (a layer), run
    over its sums with integers; None for any other formula."""
    found: dict[tuple[int, ...], sp.Expr] = {}
    outputs = list(formula.indices)
    for term in sp.Add.make_args(formula.rhs):
        limits: list[tuple[Any, int, int]] = []
        body = term
        while isinstance(body, sp.Sum):
            for index, low, high in body.limits:
                low, high = (as_sympy(b).xreplace(dict(sizes)) for b in (low, high))
                if not (low.is_Integer and high.is_Integer):
                    return None
                limits.append((index, int(low), int(high)))
            body = body.function
        coefficient, factors = body.as_coeff_mul()
        reads = [f for f in factors if isinstance(f, sp.Indexed)]
        if len(reads) != len(factors) or not coefficient.is_Rational:
            return None
        mine = [r for r in reads if str(r.base.label) == source]
        if not mine:
            continue  # the bias
        if len(mine) != 1:
            return None
        variables = outputs + [index for index, _, _ in limits]
        shapes = {str(r.base.label): (10**9,) * len(r.indices) for r in reads}
        positions = [_Positions(r, variables, shapes) for r in reads]
        if any(form is None for p in positions for form in p.forms):
            return None
        ranges = [range(low, high + 1) for _, low, high in limits]
        for point in itertools.product(*ranges):
            values = (*at, *point)
            places = [_affine_at(p, values) for p in positions]
            product = sp.Integer(coefficient)
            key: tuple[int, ...] = ()
            for read, place in zip(reads, places, strict=True):
                if str(read.base.label) == source:
                    key = place
                else:
                    product = product * read.base[tuple(sp.Integer(i) for i in place)]
            found[key] = found.get(key, sp.Integer(0)) + product
    return found


def _affine_at(positions: _Positions, values: Sequence[int]) -> tuple[int, ...]:
    """The indices of a read at these values of its variables (its forms are all affine)."""
    found = []
    for form in positions.forms:
        assert form is not None
        constant, coefficients = form
        found.append(constant + sum(c * v for c, v in zip(coefficients, values, strict=True)))
    return tuple(found)


def _expanded_coefficients(
    formula: Any, at: tuple[int, ...], sizes: Mapping[Any, Any], source: str
) -> dict[tuple[int, ...], sp.Expr]:
    from symconv.check.document_forward import evaluated

    rhs = formula.rhs.xreplace(dict(zip(formula.indices, map(sp.Integer, at), strict=True)))
    expanded = sp.expand(evaluated(rhs.xreplace(dict(sizes))))
    found: dict[tuple[int, ...], sp.Expr] = {}
    for term in sp.Add.make_args(expanded):
        reads = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.Indexed)]
        mine = [r for r in reads if str(r.base.label) == source]
        if len(mine) != 1:
            continue  # the bias, or a term the input enters twice (not linear: never equal)
        key = tuple(int(i) for i in mine[0].indices)
        found[key] = found.get(key, sp.Integer(0)) + term / mine[0]
    return found
