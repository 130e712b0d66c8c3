"""Compare two index formulas: lint the free indices, then decide equality by exact evaluation.

This is how a hand-written index formula is judged against the engine's (DESIGN.md, "Checking
hand derivations", level 3):

1. **lint** — an index on the right side that is neither summed nor on the left is a *missing sum*
   (named, with the likely intent when a summed or left index shares its letter: ``j`` for
   ``j_1``);
2. **evaluate** — both right sides, in exact rationals, on random integer tensors at several small
   random sizes (seeded: a rerun gives the same verdict), out-of-range reads being zero, at every
   value of the left side's indices; tensors whose axes the candidate orders differently (NYU's
   ``W[k_1, k_2, n, m]`` against ``(out, in, kh, kw)``) are transposed first (``layouts``);
3. on disagreement, a **witness**: the sizes, the index tuple and both values.

Renamed dummy indices and sums in another order are equal formulas and are accepted.

    >>> reference = "dJ/dW[m,n,k] = sum_{i,j} dJ/dZ[i,m,j] X[i,n,j+k]"
    >>> compare_index_formulas("dJ/dW[m,n,k] = sum_{a,b} dJ/dZ[b,m,a] X[b,n,a+k]",
    ...                        reference, seed=1).equal
    True
    >>> result = compare_index_formulas("dJ/dW[m,n,k] = sum_{j} dJ/dZ[i,m,j] X[i,n,j+k]",
    ...                                 reference, seed=1)
    >>> result.equal, [issue.message for issue in result.issues]
    (False, ['index i on the right is neither summed nor on the left: a missing sum over i'])
    >>> print(result.witness.describe())  # doctest: +ELLIPSIS
    at sizes ...: ∂J/∂W[...] is ... by the candidate (with i = 0) and ... by the reference
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any, Literal

import numpy as np
import sympy as sp

from symconv.core.safe import as_sympy
from symconv.errors import ParseError, ShapeError, SymconvError
from symconv.grad.evaluator import compile_expression
from symconv.grad.formula import (
    IndexFormula,
    as_index_formula,
    summation_indices,
    tensor_name,
    tensor_reads,
)
from symconv.grad.inference import SizeConflict
from symconv.grad.notation import split_gradient_label

IssueKind = Literal[
    "missing_sum", "unknown_tensor", "unknown_size", "left_side", "unreadable", "size_conflict"
]

#: Values of the random integer tensors lie in ``[-RANDOM_RANGE, RANDOM_RANGE]``.
RANDOM_RANGE = 4


@dataclass(frozen=True)
class LintIssue:
    """A problem found before evaluating: ``kind``, the ``name`` concerned and a ``message``."""

    kind: IssueKind
    name: str
    message: str
    likely: tuple[str, ...] = ()


@dataclass(frozen=True)
class Witness:
    """A counter-example: at these sizes, the left side at ``index`` has two different values.

    ``index`` is in the candidate's axis order; ``unbound`` holds the values given to indices the
    candidate leaves unsummed; ``tensors`` the random inputs (in the reference's layouts).
    """

    sizes: Mapping[str, int]
    lhs: str
    index: tuple[int, ...]
    candidate: sp.Expr
    reference: sp.Expr
    unbound: Mapping[str, int] = field(default_factory=dict)
    seed: int = 0
    tensors: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def describe(self) -> str:
        """The counter-example in the tensors' own terms: their shapes (not the size symbols the
        inference names, such as ``n^X_1``), the entry, and both values."""
        entry = f"{self.lhs}[{', '.join(map(str, self.index))}]"
        unbound = ""
        if self.unbound:
            unbound = " (with " + ", ".join(f"{k} = {v}" for k, v in self.unbound.items()) + ")"
        return (
            f"at sizes {self.shapes()}: {entry} is {self.candidate} by the candidate{unbound} "
            f"and {self.reference} by the reference"
        )

    def shapes(self) -> str:
        """``X 4×5, W 2×2`` from the random inputs; the size values when no tensor is kept."""
        described = [
            f"{name} {'×'.join(map(str, np.shape(tensor)))}"
            for name, tensor in sorted(self.tensors.items())
            if np.ndim(tensor) > 0
        ]
        if described:
            return ", ".join(described)
        return ", ".join(f"{name}={value}" for name, value in self.sizes.items())


@dataclass(frozen=True)
class Comparison:
    """The verdict: ``equal`` is ``True``, ``False`` or ``None`` (could not decide: see
    ``message``), with the lint ``issues``, a ``witness`` when one was found, and how many size
    draws (``trials``) were evaluated in full."""

    equal: bool | None
    issues: tuple[LintIssue, ...]
    witness: Witness | None
    trials: int
    message: str
    seed: int

    @property
    def verdict(self) -> str:
        return {True: "equal", False: "different", None: "undecided"}[self.equal]


# ----------------------------------------------------------------------------------------------
# Layouts
# ----------------------------------------------------------------------------------------------
def layout_permutation(layout: str | Sequence[int]) -> tuple[int, ...]:
    """Axis ``r`` of the candidate's tensor is axis ``perm[r]`` of the reference's — the
    ``np.transpose`` convention; ``"OIHW->HWIO"`` names the reference's axes, then the
    candidate's.

    >>> layout_permutation("OIHW->HWIO")
    (2, 3, 1, 0)
    """
    if isinstance(layout, str):
        if "->" not in layout:
            raise ShapeError(
                f"layout {layout!r}: write the reference's axes, '->', the candidate's"
            )
        source, target = (part.strip() for part in layout.split("->"))
        if sorted(source) != sorted(target) or len(set(source)) != len(source):
            raise ShapeError(f"layout {layout!r}: both sides must name the same distinct axes")
        return tuple(source.index(axis) for axis in target)
    permutation = tuple(int(a) for a in layout)
    if sorted(permutation) != list(range(len(permutation))):
        raise ShapeError(f"layout {layout!r} is not a permutation of 0..{len(permutation) - 1}")
    return permutation


def _layout_for(name: str, layouts: Mapping[str, Any]) -> tuple[int, ...] | None:
    if name in layouts:
        return layout_permutation(layouts[name])
    parts = split_gradient_label(name)
    if parts and parts[1] in layouts:
        return layout_permutation(layouts[parts[1]])
    return None


# ----------------------------------------------------------------------------------------------
# Lint
# ----------------------------------------------------------------------------------------------
def lint_free_indices(formula: IndexFormula, known: Sequence[str] = ()) -> tuple[LintIssue, ...]:
    """Report every symbol on the right that is neither summed, nor on the left, nor a known size
    or parameter (``known``, by name): a missing sum.

    >>> f = IndexFormula.parse("dJ/db[m] = sum_{j1,j2} dJ/dZ[i,j1,j2,m]")
    >>> [issue.message for issue in lint_free_indices(f)]
    ['index i on the right is neither summed nor on the left: a missing sum over i']
    """
    allowed = (
        set(known) | {s.name for s in formula.size_symbols} | {s.name for s in formula.indices}
    )
    bound = {symbol.name for symbol in summation_indices(formula.rhs)}
    labels = {str(read.base.label) for read in tensor_reads(formula.rhs)}
    issues = []
    for symbol in sorted(formula.rhs.free_symbols, key=str):
        if not isinstance(symbol, sp.Symbol) or symbol.name in allowed or symbol.name in labels:
            continue
        if not (symbol.is_integer or _in_index_position(symbol, formula.rhs)):
            continue
        likely = _likely_intent(symbol.name, bound | {s.name for s in formula.indices})
        hint = f" (probably {' or '.join(likely)})" if likely else ""
        issues.append(
            LintIssue(
                "missing_sum",
                symbol.name,
                f"index {symbol.name} on the right is neither summed nor on the left: "
                f"a missing sum over {symbol.name}{hint}",
                likely,
            )
        )
    return tuple(issues)


def _in_index_position(symbol: sp.Symbol, expr: sp.Expr) -> bool:
    return any(
        symbol in position.free_symbols for read in tensor_reads(expr) for position in read.indices
    )


def _stem(name: str) -> str:
    return name.partition("_")[0].rstrip("'")


def _likely_intent(name: str, names: set[str]) -> tuple[str, ...]:
    """Indices sharing the letter of ``name`` (``j`` → ``j_1``, ``j_2``)."""
    return tuple(sorted(n for n in names if n != name and _stem(n) == _stem(name)))


# ----------------------------------------------------------------------------------------------
# The comparison
# ----------------------------------------------------------------------------------------------
def compare_index_formulas(
    candidate: Any,
    reference: Any,
    *,
    seed: int,
    layouts: Mapping[str, str | Sequence[int]] | None = None,
    definitions: Sequence[Any] = (),
    trials: int = 3,
    max_size: int = 3,
    time_budget: float = 2.0,
) -> Comparison:
    """Decide whether ``candidate`` and ``reference`` are the same index formula (module
    docstring).

    Each side is an :class:`IndexFormula`, the string form, an ``Eq(lhs, rhs)`` (sums may lack
    limits: see :func:`symconv.grad.formula.open_sum`) or, for the reference, a ``Derivation``
    from :func:`symconv.grad.differentiate.derive_backward`. The candidate's sizes and sum ranges
    are read from the reference's tensors. ``layouts`` maps a tensor name to the permutation from
    the reference's axes to the candidate's (``"OIHW->HWIO"`` or ``(2, 3, 1, 0)``); a gradient
    ``∂J/∂W`` follows ``W``'s. ``definitions`` are formulas for tensors both sides may read that
    are computed from the others (the layer's output ``U`` in ``U(1 − U)``). Sizes are drawn in
    ``[1, max_size]`` (the first trial) and ``[2, max_size]`` (the others); the whole comparison
    stops after ``time_budget`` seconds with ``equal=None``.
    """
    started = time.perf_counter()
    layouts = dict(layouts or {})
    reference_formula, extra_definitions = _as_reference(reference)
    definition_formulas = [as_index_formula(d) for d in (*extra_definitions, *definitions)]
    known_shapes = _candidate_shapes(reference_formula, definition_formulas, layouts)
    try:
        candidate_formula = _as_candidate(candidate, known_shapes)
    except (ParseError, ShapeError) as error:
        message = f"cannot read the candidate: {error}"
        if isinstance(error, SizeConflict):  # the issue says which sizes disagree
            issue = LintIssue("size_conflict", str(candidate), str(error))
        else:
            issue = LintIssue("unreadable", str(candidate), message)
        return Comparison(None, (issue,), None, 0, message, seed)

    known_names = {
        s.name
        for f in (reference_formula, *definition_formulas)
        for s in (*f.size_symbols, *f.parameters)
    }
    issues = list(lint_free_indices(candidate_formula, sorted(known_names)))
    missing_sums = {i.name for i in issues}
    issues += [
        issue
        for issue in _structure_issues(
            candidate_formula, reference_formula, definition_formulas, known_names
        )
        if not (issue.kind == "unknown_size" and issue.name in missing_sums)
    ]
    blocking = [i for i in issues if i.kind != "missing_sum"]
    if blocking:
        return Comparison(
            None, tuple(issues), None, 0, "; ".join(i.message for i in blocking), seed
        )
    missing = {i.name for i in issues if i.kind == "missing_sum"}
    unbound = {
        s: 0
        for s in sorted(candidate_formula.rhs.free_symbols, key=str)
        if isinstance(s, sp.Symbol) and s.name in missing
    }

    try:
        return _evaluate_trials(
            candidate_formula,
            reference_formula,
            definition_formulas,
            issues,
            unbound,
            layouts,
            seed=seed,
            trials=trials,
            max_size=max_size,
            time_budget=time_budget,
            started=started,
        )
    except SymconvError as error:
        # Sizes the comparison cannot use (e.g. groups that do not divide the channels drawn):
        # say it was not decided, never raise into the checker.
        message = f"not decided: {error}"
        return Comparison(None, tuple(issues), None, 0, message, seed)


def _evaluate_trials(
    candidate_formula: IndexFormula,
    reference_formula: IndexFormula,
    definition_formulas: Sequence[IndexFormula],
    issues: list[LintIssue],
    unbound: dict[sp.Symbol, int],
    layouts: Mapping[str, Any],
    *,
    seed: int,
    trials: int,
    max_size: int,
    time_budget: float,
    started: float,
) -> Comparison:
    """Evaluate both sides at random sizes and tensors until a witness or ``trials`` draws."""
    rng = np.random.default_rng(seed)
    lhs_permutation = _layout_for(tensor_name(reference_formula.output), layouts)
    completed = 0
    for trial in range(trials):
        values = _draw_sizes(
            reference_formula,
            definition_formulas,
            rng,
            1 if trial == 0 else 2,
            max_size,
            order=_SIZE_ORDERS.get(trial),
        )
        tensors = _random_tensors(reference_formula, definition_formulas, values, rng)
        candidate_tensors = _transposed(tensors, layouts)
        expected = reference_formula.evaluate(tensors, values)
        candidate_rhs = compile_expression(
            candidate_formula.rhs.xreplace(sizes_by_name(candidate_formula, values))
        )
        sizes = {str(k): int(v) for k, v in values.items()}
        bound = reference_formula.value_map(values)  # once per trial, not per entry
        lows = tuple(int(lo.xreplace(bound)) for _, lo, _ in reference_formula.ranges)
        for point in product(*map(range, expected.shape)):
            if time.perf_counter() - started > time_budget:
                message = (
                    f"time budget of {time_budget} s exhausted after {completed} full "
                    f"trial(s): not decided"
                )
                return Comparison(None, tuple(issues), None, completed, message, seed)
            reference_point = tuple(low + p for low, p in zip(lows, point, strict=True))
            candidate_point = (
                tuple(reference_point[axis] for axis in lhs_permutation)
                if lhs_permutation
                else reference_point
            )
            env = dict(
                zip(candidate_formula.indices, map(sp.Integer, candidate_point), strict=True)
            )
            env.update({s: sp.Integer(v) for s, v in unbound.items()})
            got = candidate_rhs(candidate_tensors, env)
            want = expected[point]
            if not _same(got, want):
                witness = Witness(
                    sizes=sizes,
                    lhs=tensor_name(candidate_formula.output),
                    index=candidate_point,
                    candidate=got,
                    reference=want,
                    unbound={str(s): v for s, v in unbound.items()},
                    seed=seed,
                    tensors={k: v for k, v in tensors.items()},
                )
                return Comparison(
                    False,
                    tuple(issues),
                    witness,
                    completed,
                    "the formulas differ: " + witness.describe(),
                    seed,
                )
        completed += 1
    if issues:
        message = "; ".join(i.message for i in issues) + (
            f" (no differing entry found in {completed} trials)"
        )
        return Comparison(False, tuple(issues), None, completed, message, seed)
    return Comparison(
        True,
        (),
        None,
        completed,
        f"equal at every entry in {completed} trials of random sizes",
        seed,
    )


def sizes_by_name(formula: IndexFormula, values: Mapping[Any, Any]) -> dict[sp.Symbol, sp.Expr]:
    """``values`` (drawn for the reference's size symbols) keyed by ``formula``'s own symbols of
    the same names: a hand-written ``K_1`` in ``\\sum_{k_1=0}^{K_1-1}`` is a plain symbol, not the
    reference's positive-integer ``K_1``, and an identity-keyed map would leave it unbound.

    >>> K = sp.Symbol("K", integer=True, positive=True)
    >>> f = IndexFormula.from_equation(
    ...     (sp.IndexedBase("y")[sp.Symbol("i")],
    ...      sp.Sum(sp.IndexedBase("x")[sp.Symbol("k")], (sp.Symbol("k"), 0, sp.Symbol("K") - 1))),
    ...     shapes={"x": (K,), "y": (K,)})
    >>> sorted((s.name, bool(s.is_positive), v) for s, v in sizes_by_name(f, {K: 3}).items())
    [('K', False, 3), ('K', True, 3)]
    """
    by_name = {str(symbol): as_sympy(value) for symbol, value in values.items()}
    bound = summation_indices(formula.rhs)
    symbols = (*formula.size_symbols, *formula.parameters, *formula.rhs.free_symbols)
    return {
        symbol: by_name[symbol.name]
        for symbol in symbols
        if isinstance(symbol, sp.Symbol)
        and symbol.name in by_name
        and symbol not in bound
        and symbol not in formula.indices
    }


def _as_reference(reference: Any) -> tuple[IndexFormula, tuple[IndexFormula, ...]]:
    details = getattr(reference, "details", None)
    if isinstance(details, Mapping) and "backward" in details:
        parts = details.get("parts")
        return details["backward"], tuple(getattr(parts, "definitions", ()))
    return as_index_formula(reference), ()


def _candidate_shapes(
    reference: IndexFormula, definitions: Sequence[IndexFormula], layouts: Mapping[str, Any]
) -> dict[str, tuple[sp.Expr, ...]]:
    shapes: dict[str, tuple[sp.Expr, ...]] = {}
    for formula in (*definitions, reference):
        for name, sizes in formula.shapes.items():
            permutation = _layout_for(name, layouts)
            if permutation is not None and len(permutation) != len(sizes):
                raise ShapeError(
                    f"layout of {name} has {len(permutation)} axes; {name} has {len(sizes)}"
                )
            shapes[name] = tuple(sizes[a] for a in permutation) if permutation else tuple(sizes)
    return shapes


def _as_candidate(candidate: Any, shapes: Mapping[str, tuple[sp.Expr, ...]]) -> IndexFormula:
    if isinstance(candidate, IndexFormula):
        return candidate
    if isinstance(candidate, str):
        from symconv.grad.grammar import parse_index_formula

        return parse_index_formula(candidate, known_shapes=shapes)
    if isinstance(candidate, sp.Eq | tuple):
        lhs, rhs = (candidate.lhs, candidate.rhs) if isinstance(candidate, sp.Eq) else candidate
        reads = {tensor_name(r) for r in tensor_reads(rhs)} | {tensor_name(lhs)}
        return IndexFormula.from_equation(
            (lhs, rhs), shapes={k: v for k, v in shapes.items() if k in reads}
        )
    raise ParseError(f"cannot read {candidate!r} as an index formula")


def _structure_issues(
    candidate: IndexFormula,
    reference: IndexFormula,
    definitions: Sequence[IndexFormula],
    known_names: set[str],
) -> list[LintIssue]:
    issues = []
    want, got = tensor_name(reference.output), tensor_name(candidate.output)
    if want != got or len(candidate.indices) != len(reference.indices):
        issues.append(
            LintIssue(
                "left_side",
                got,
                f"the left side is {candidate.lhs}; the reference computes {reference.lhs}",
            )
        )
    available = set(reference.tensors) | {tensor_name(d.output) for d in definitions}
    for definition in definitions:
        available |= set(definition.tensors)
    for name in candidate.tensors:
        if name not in available:
            issues.append(
                LintIssue(
                    "unknown_tensor",
                    name,
                    f"the candidate reads {name}, which the reference does not know "
                    f"(it reads {sorted(available)})",
                )
            )
    for symbol in (*candidate.size_symbols, *_condition_sizes(candidate)):
        if symbol.name not in known_names:
            issues.append(
                LintIssue(
                    "unknown_size",
                    symbol.name,
                    f"size {symbol.name} of the candidate is not a size of the reference "
                    f"({sorted(known_names)})",
                )
            )
    return issues


def _condition_sizes(formula: IndexFormula) -> tuple[sp.Symbol, ...]:
    """Symbols a bracket ``[j_1 - k_1 \\le Q - 1]`` compares with that are neither indices of the
    formula nor summed: sizes, which the reference must know for the bracket to be decided."""
    from symconv.grad.conditions import InRange, Iverson

    indices = set(formula.indices) | summation_indices(formula.rhs)
    found: set[sp.Symbol] = set()
    for node in sp.preorder_traversal(formula.rhs):
        if isinstance(node, Iverson | InRange):
            found |= {s for s in node.free_symbols if isinstance(s, sp.Symbol)}
    names = {s.name for s in indices}
    return tuple(sorted((s for s in found if s.name not in names), key=str))


#: Trials whose sizes are dealt in name order, up then down (``I_1, I_2 = 2, 3`` then ``3, 2``):
#: two sizes of one family (``I_1``, ``I_2``) differ, each way round, so a size name swapped in a
#: sum limit is seen even where the geometry is valid (every read inside its tensor).
_SIZE_ORDERS = {1: "up", 2: "down"}


def _draw_sizes(
    reference: IndexFormula,
    definitions: Sequence[IndexFormula],
    rng: np.random.Generator,
    low: int,
    high: int,
    order: str | None = None,
) -> dict[sp.Symbol, sp.Integer]:
    values = reference.random_sizes(rng, low, high)
    names = {s.name for s in values}
    for definition in definitions:
        for symbol in (*definition.size_symbols, *definition.parameters):
            if symbol.name not in names:
                values[symbol] = sp.Integer(int(rng.integers(low, high + 1)))
                names.add(symbol.name)
    if order is not None and high > low:
        dealt = _dealt_sizes(values, low, high, descending=order == "down")
        if all(formula._sizes_valid(dealt) for formula in (*definitions, reference)):
            values = dealt
    for formula in (*definitions, reference):
        values.update(_reach_sizes(formula, values))
    return values


def _dealt_sizes(
    values: Mapping[sp.Symbol, sp.Integer], low: int, high: int, *, descending: bool
) -> dict[sp.Symbol, sp.Integer]:
    """The size symbols in name order given ``low, low + 1, …, high, low, …`` (or the reverse).

    >>> I1, I2, K = sp.symbols("I_1 I_2 K")
    >>> _dealt_sizes({K: 0, I2: 0, I1: 0}, 2, 3, descending=False)
    {I_1: 2, I_2: 3, K: 2}
    """
    span = high - low + 1
    ordered = sorted(values, key=str)
    return {
        symbol: sp.Integer(high - position % span if descending else low + position % span)
        for position, symbol in enumerate(ordered)
    }


def _reach_sizes(
    formula: IndexFormula, values: Mapping[sp.Symbol, sp.Integer]
) -> dict[sp.Symbol, sp.Integer]:
    """A valid geometry for a witness: each axis whose size no index decides (``n^X_1``, the input
    of ``X[i, j + k]``) gets the length its affine reads imply, so a witness never shows an input
    shorter than its kernel. Reads that reach from ``lo`` to ``hi`` imply ``hi + 1`` entries when
    ``lo ≥ 0`` (a forward window, ``x[i + k]``: ``O + K − 1``) and ``hi + lo + 1`` when the reads
    start before 0 (zero padding on that side: a backward read ``∂J/∂y[i − k]`` gives
    ``I − K + 1``, the forward's output; ``x[i + k − 1]`` with ``K = 3`` keeps ``O``). Axes read
    by a non-affine expression (a stride's floor) keep their random draw.

    >>> f = IndexFormula.parse("y[i] = sum(w[k] * x[2*i + k])")
    >>> I, K = (sp.Symbol(n, integer=True, positive=True) for n in "IK")
    >>> [(str(k), v) for k, v in _reach_sizes(f, {I: sp.Integer(3), K: sp.Integer(2)}).items()]
    [('n^x_0', 6)]
    >>> g = IndexFormula.parse("dx[i] = sum(dy[i - k] * w[k])")
    >>> [(str(k), v) for k, v in _reach_sizes(g, {I: sp.Integer(5), K: sp.Integer(2)}).items()]
    [('n^dy_0', 4)]
    """
    bounds: dict[sp.Symbol, tuple[sp.Expr, sp.Expr]] = {
        index: (low, high) for index, low, high in formula.ranges
    }
    for node in sp.preorder_traversal(formula.rhs):
        if isinstance(node, sp.Sum):
            for index, low, high in node.limits:
                bounds[index] = (low, high)
    by_name = {str(k): v for k, v in values.items()}
    reach: dict[sp.Symbol, sp.Integer] = {}
    for name, sizes in formula.shapes.items():
        for axis, size in enumerate(sizes):
            if not (isinstance(size, sp.Symbol) and size.name.startswith("n^")):
                continue
            span = _read_span(formula, name, axis, bounds, by_name)
            if span is None:
                continue
            lowest, highest = span
            length = highest + min(lowest, 0) + 1
            if length >= 1:
                reach[size] = sp.Integer(length)
    return reach


def _read_span(
    formula: IndexFormula,
    name: str,
    axis: int,
    bounds: Mapping[sp.Symbol, tuple[sp.Expr, sp.Expr]],
    sizes: Mapping[str, Any],
) -> tuple[int, int] | None:
    """The smallest and largest index the reads of axis ``axis`` of ``name`` take, or None when
    a read is not affine in bounded indices."""
    span: tuple[int, int] | None = None
    for read in formula.rhs.atoms(sp.Indexed):
        if tensor_name(read) != name or axis >= len(read.indices):
            continue
        expression = sp.expand(read.indices[axis])
        if expression.has(sp.floor, sp.ceiling, sp.Mod):
            return None
        top, bottom = expression, expression
        for index in expression.free_symbols & set(bounds):
            coefficient = expression.coeff(index)
            if not coefficient.is_number:
                return None
            low, high = bounds[index]
            top = top.subs(index, high if coefficient >= 0 else low)
            bottom = bottom.subs(index, low if coefficient >= 0 else high)
        known = {
            s: sizes[str(s)] for s in (top.free_symbols | bottom.free_symbols) if str(s) in sizes
        }
        top, bottom = top.xreplace(known), bottom.xreplace(known)
        if not (top.is_Integer and bottom.is_Integer):
            return None
        span = (
            (int(bottom), int(top))
            if span is None
            else (min(span[0], int(bottom)), max(span[1], int(top)))
        )
    return span


def _random_tensors(
    reference: IndexFormula,
    definitions: Sequence[IndexFormula],
    values: Mapping[sp.Symbol, sp.Integer],
    rng: np.random.Generator,
) -> dict[str, Any]:
    by_name = {str(k): v for k, v in values.items()}
    computed = {tensor_name(d.output) for d in definitions}
    tensors: dict[str, Any] = {}
    for formula in (*definitions, reference):
        for name in formula.tensors:
            if name in tensors or name in computed:
                continue
            shape = formula.shape(name, by_name)
            tensors[name] = rng.integers(-RANDOM_RANGE, RANDOM_RANGE + 1, size=shape)
    for definition in definitions:
        tensors[tensor_name(definition.output)] = definition.evaluate(tensors, by_name)
    return tensors


def _transposed(tensors: Mapping[str, Any], layouts: Mapping[str, Any]) -> dict[str, Any]:
    result = {}
    for name, tensor in tensors.items():
        permutation = _layout_for(name, layouts)
        if permutation is None:
            result[name] = tensor
        elif isinstance(tensor, np.ndarray):
            result[name] = np.transpose(tensor, permutation)
        else:
            result[name] = sp.permutedims(tensor, permutation)
    return result


def _same(left: Any, right: Any) -> bool:
    left, right = as_sympy(left), as_sympy(right)
    if left.is_Rational and right.is_Rational:
        return bool(left == right)
    difference = sp.expand(left - right)
    if difference == 0:
        return True
    if difference.free_symbols:
        return False
    try:
        return bool(abs(sp.N(difference, 40)) < sp.Float(10) ** -30)
    except (TypeError, SymconvError):  # pragma: no cover - complex or undecidable values
        return False
