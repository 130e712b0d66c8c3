"""The document's own forward formulas, and the gradients they give (issue 18: "without
``--against``, a forward formula written earlier in the document is enough to check a derived
gradient").

A hand derivation states its layer first and then derives by hand what the loss's gradient is::

    x^{(l+1)}_j = \\sum_{i=1}^{s_l} W^{(l)}_{ji} y^{(l)}_i + b_j            (the forward formula)
    \\delta^{(l)}_i = \\frac{\\partial}{\\partial x^{(l)}_i} J              (a name for a gradient)
    \\frac{\\partial J}{\\partial y^{(l)}_i} = \\sum_j W^{(l)}_{ji} \\delta^{(l+1)}_j   (a claim)

This module reads, from the claims and definitions made before a line (:func:`definitions_before`):

* **forward formulas** — an entry defined by sums of products of other tensors' entries, plus a
  bias: every index of the right side is summed or on the left (``Z(i', j', k) = Y(i, j, k_in)
  W(i − i', …)``, one term written as the whole sum, is no definition); a left index that the
  right side also sums over is an *index clash*, and nothing resting on that formula is decided;
* **activations** — an entry defined as a function of another tensor's entry at the same indices
  (``y^{(l)}_i = f_a(x^{(l)}_i)``, ``Y(i, j, k) = f(Z(i, j, k))``);
* **names of gradients** — ``\\delta^{(l)}_i = \\partial J / \\partial x^{(l)}_i``: the error
  term names the loss's gradient by ``x``;
* **declared ranges** — ``i \\in [0, w^{(l+1)}_{img})`` (:mod:`symconv.check.index_ranges`), each
  with the formula it is written for (:func:`_attached`: the one whose left side it indexes, or
  whose sum it bounds): where the document counts from (:func:`index_bases`) and what a size
  counts (``w^{(l+1)}_{img}``: the first axis of that formula's left side).

The cost is read as the loss whatever its arguments (``J``, ``J(W, b; Y, X)``, ``\\mathcal{L}``):
``\\frac{\\partial}{\\partial W_{abnk}} J(W, b; Y, X)`` is an entry of the upstream gradient
``∂J/∂W``.

Names are read the way the field writes them (:func:`canonical_name`): a layer tag with or
without parentheses (``y^l`` is ``y^{(l)}``), and a tag is a pattern — ``\\delta^{(l+1)}`` is
``\\partial J/\\partial x^{(l+1)}`` when ``\\delta^{(l)}`` was defined as ``\\partial J/\\partial
x^{(l)}``. A size named with a layer tag (``s_{l+1}``, ``n^{l+1}``) measures what the size of the
same stem measures in the forward formula (``s_l`` counts the entries of ``y^{(l)}``), one layer
on (:func:`layer_shifted_sizes`).

The judge (:mod:`symconv.check.judges.gradients`) then compares a claim with the engine's
derivation (:func:`symconv.grad.differentiate.derive_backward`) of the document's formula, with
the comparator the problem context uses (:func:`symconv.grad.compare.compare_index_formulas`).

    >>> import sympy as sp
    >>> canonical_name("y^{l}"), canonical_name("x^{(l+1)}"), canonical_name("W_{abnk}^{(l)}")
    ('y^{(l)}', 'x^{(l+1)}', 'W^{(l)}_{abnk}')
    >>> layer_tag("x^{(l+1)}"), layer_tag("s_{l+1}"), layer_tag("Z")
    (('l', 1), ('l', 1), None)
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symconv.check import nodes
from symconv.check.context import DocumentContext, claim_id
from symconv.check.model import Claim, LinkFacts
from symconv.core.patterns import lazy_compile
from symconv.core.safe import as_sympy
from symconv.grad.notation import gradient_base, split_gradient_label

__all__ = [
    "LOSS",
    "Activation",
    "DeclaredRange",
    "DocumentDefinitions",
    "EntryEquation",
    "Forward",
    "GradientName",
    "activation_at",
    "canonical_name",
    "definitions_before",
    "engine_reading",
    "entry_equations",
    "forward_written_by",
    "index_bases",
    "layer_tag",
    "normalised",
    "rebased",
    "tag_text",
    "whole_activations",
    "written_by",
]

#: The loss every gradient of a claim is taken of, once the claim's own loss is recognised.
LOSS = "J"

# A name: a stem, then (in either order) a subscript and a superscript.
_SUPERSCRIPT = lazy_compile(r"\^(?:\{\(?([^{}()]*)\)?\}|\(([^()]*)\)|([A-Za-z0-9]))")
_SUBSCRIPT = lazy_compile(r"_(?:\{([^{}]*)\}|([A-Za-z0-9]))")
#: A layer tag: a letter and an offset (``l``, ``l+1``, ``L``, ``l-1``) or a layer number.
_TAG = lazy_compile(r"^\s*([A-Za-z])\s*(?:([+-])\s*(\d+))?\s*$|^\s*(\d+)\s*$")


def _scripts(name: str) -> tuple[str, str | None, str | None]:
    """``(stem, superscript, subscript)`` of a name as the parser spells it."""
    sup = _SUPERSCRIPT.search(name)
    sub = _SUBSCRIPT.search(name)
    cut = min([m.start() for m in (sup, sub) if m is not None], default=len(name))
    stem = name[:cut]
    superscript = None if sup is None else next(g for g in sup.groups() if g is not None)
    subscript = None if sub is None else next(g for g in sub.groups() if g is not None)
    return stem, superscript, subscript


def _tag(text: str | None) -> tuple[str, int] | None:
    """``("l", 1)`` for ``l+1``; ``("", 3)`` for a layer number 3; None if not a tag."""
    if text is None:
        return None
    match = _TAG.match(text)
    if match is None:
        return None
    letter, sign, offset, number = match.groups()
    if number is not None:
        return "", int(number)
    shift = int(offset or 0) * (-1 if sign == "-" else 1)
    return letter, shift


def tag_text(tag: tuple[str, int]) -> str:
    """``l+1`` for ``("l", 1)``, ``3`` for a layer number."""
    letter, offset = tag
    if not letter:
        return str(offset)
    if offset == 0:
        return letter
    return f"{letter}{'+' if offset > 0 else '-'}{abs(offset)}"


def canonical_name(name: str) -> str:
    """The name with its layer tag written one way: ``stem^{(tag)}``, then its subscript (a
    superscript that is no layer tag is kept as written)."""
    stem, superscript, subscript = _scripts(name)
    tag = _tag(superscript)
    if superscript is not None and tag is None:
        return name
    result = stem if tag is None else f"{stem}^{{({tag_text(tag)})}}"
    return result if subscript is None else f"{result}_{{{subscript}}}"


def layer_tag(name: str) -> tuple[str, int] | None:
    """The layer tag of a name (superscript ``x^{(l+1)}``, or for a size its subscript
    ``s_{l+1}``) as ``(letter, offset)``, or None."""
    _, superscript, subscript = _scripts(name)
    if superscript is not None:
        return _tag(superscript)
    return _tag(subscript)


def shifted_name(name: str, shift: int) -> str | None:
    """The same stem ``shift`` layers on (``y^{(l)}`` → ``y^{(l+1)}``), or None."""
    stem, superscript, subscript = _scripts(name)
    tag = _tag(superscript) if superscript is not None else None
    if tag is not None and tag[0]:
        moved = f"{stem}^{{({tag_text((tag[0], tag[1] + shift))})}}"
        return moved if subscript is None else f"{moved}_{{{subscript}}}"
    sub_tag = _tag(subscript) if superscript is None else None
    if sub_tag is not None and sub_tag[0]:
        return f"{stem}_{{{tag_text((sub_tag[0], sub_tag[1] + shift))}}}"
    return None


# ----------------------------------------------------------------------------------------------
# What the document defined
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Forward:
    """``lhs = rhs``: an entry defined by sums of products of other entries (plus a bias), as
    written on ``line`` (canonical names, the document's own indices). ``clash`` says why the
    formula cannot be read one way (an index of the left side also summed on the right)."""

    line: int
    lhs: sp.Indexed
    rhs: sp.Expr
    clash: str | None = None
    #: Scalars the formula multiplies by or adds (``w``, ``b`` of ``y_i = w x_i + b``), read as
    #: one-entry tensors ``w[⟨index base⟩]`` so that ``∂L/∂w`` is a gradient entry like any
    #: other (:func:`_scalar_parameters`).
    parameters: tuple[str, ...] = ()

    @property
    def output(self) -> str:
        return str(self.lhs.base.label)

    @property
    def inputs(self) -> dict[str, int]:
        """The tensors the right side reads, with their ranks."""
        return {str(read.base.label): len(read.indices) for read in _reads(self.rhs)}


@dataclass(frozen=True)
class Activation:
    """``output[e] = function(input[e])`` written on ``line``."""

    line: int
    output: str
    input: str
    function: str
    rank: int


@dataclass(frozen=True)
class GradientName:
    """``name[e] = ∂J/∂wrt[e]`` written on ``line`` (δ is the loss's gradient by x)."""

    line: int
    name: str
    wrt: str


@dataclass(frozen=True)
class DeclaredRange:
    """``index ∈ [first, last]`` declared on ``line`` (:mod:`symconv.check.index_ranges`), for the
    formula it is written with (:func:`_attached`): ``entry`` is that formula's left side when
    the index is free there (at ``axis``: the range counts that axis's entries), None when the
    index is one of the formula's summation indices; ``formula`` the formula's line (None: no
    formula uses the index)."""

    line: int
    index: sp.Symbol
    first: sp.Expr
    last: sp.Expr
    entry: sp.Indexed | None = None
    axis: int | None = None
    formula: int | None = None
    #: The declaration's statement (its claim's id).
    order: int = -1

    @property
    def count(self) -> sp.Expr:
        return sp.expand(self.last - self.first + 1)


@dataclass(frozen=True)
class DocumentDefinitions:
    """What the document defined before a line (each kind in document order)."""

    forwards: tuple[Forward, ...] = ()
    activations: tuple[Activation, ...] = ()
    gradient_names: tuple[GradientName, ...] = ()
    ranges: tuple[DeclaredRange, ...] = ()

    def tensor_names(self) -> dict[str, int]:
        """Every tensor the definitions name, with its rank."""
        names: dict[str, int] = {}
        for forward in self.forwards:
            names[forward.output] = len(forward.lhs.indices)
            names.update(forward.inputs)
        for activation in self.activations:
            names[activation.output] = activation.rank
            names[activation.input] = activation.rank
        return names


def activation_at(activation: Activation, output: str) -> Activation | None:
    """The activation ``output = f(…)`` that ``activation`` says at another layer (a layer tag
    is a pattern: ``y^{(l)} = f(x^{(l)})`` also says ``y^{(l+1)} = f(x^{(l+1)})``), or None."""
    if activation.output == output:
        return activation
    mine, theirs = layer_tag(output), layer_tag(activation.output)
    if mine is None or theirs is None or mine[0] != theirs[0] or not mine[0]:
        return None
    if layer_tag(activation.input) != theirs:
        return None
    shift = mine[1] - theirs[1]
    if shifted_name(activation.output, shift) != output:
        return None
    moved = shifted_name(activation.input, shift)
    if moved is None:
        return None
    return Activation(activation.line, output, moved, activation.function, activation.rank)


def _reads(expr: Any) -> list[sp.Indexed]:
    """The tensor reads of ``expr`` (entries of named tensors, not of sizes in sum limits)."""
    if not isinstance(expr, sp.Basic):
        return []
    limits = set()
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Sum):
            for limit in node.limits:
                for bound in limit[1:]:
                    limits |= bound.atoms(sp.Indexed)
    return [read for read in expr.atoms(sp.Indexed) if read not in limits]


def definitions_before(context: DocumentContext, order: int) -> DocumentDefinitions:
    """The forward formulas, activations and gradient names the document wrote before the
    statement of ``order`` (in any section: a derivation builds on what it stated above)."""
    forwards: list[Forward] = []
    activations: list[Activation] = []
    names: list[GradientName] = []
    ranges: list[DeclaredRange] = []
    for written, found in _classified(context):
        if written >= order:
            continue
        if isinstance(found, Forward):
            forwards.append(found)
        elif isinstance(found, Activation):
            activations.append(found)
        elif isinstance(found, DeclaredRange):
            ranges.append(found)
        else:
            names.append(found)
    return DocumentDefinitions(tuple(forwards), tuple(activations), tuple(names), tuple(ranges))


#: The latest document read: its context itself (an id can be reused once a context is freed,
#: and another document's definitions would be read for it), its sizes, what it defines.
_CLASSIFIED: list[tuple[DocumentContext, tuple[int, int, int], list[tuple[int, Any]]]] = []


def _classified(context: DocumentContext) -> list[tuple[int, Any]]:
    """Every definition of the document, with the order it was written at (read once per
    document: the cache holds the latest context only)."""
    key = (len(context.claims), len(context.definitions), len(context.assumptions))
    if _CLASSIFIED and _CLASSIFIED[0][0] is context and _CLASSIFIED[0][1] == key:
        return _CLASSIFIED[0][2]
    equations = equations_of(context)
    tensors = _applied_tensor_names((line, lhs, rhs) for _, line, lhs, rhs in equations)
    # names the document gives a value of their own (μ = (1/m) Σ x_i): never a free parameter
    valued = frozenset(
        canonical_name(lhs.name) for _, _, lhs, _ in equations if isinstance(lhs, sp.Symbol)
    )
    found: list[tuple[int, Any]] = []
    for order, line, lhs, rhs in equations:
        item = _classify(line, lhs, rhs, tensors, valued)
        if item is not None:
            found.append((order, item))
    found.extend(_declared_ranges(context, equations, tensors))
    found.sort(key=lambda item: item[0])
    _CLASSIFIED[:] = [(context, key, found)]
    return found


def equations_of(context: DocumentContext) -> list[tuple[int, int, Any, Any]]:
    """``(order, line, lhs, rhs)`` of every equation the document states or defines."""
    equations: list[tuple[int, int, Any, Any]] = []
    for identifier in sorted(context.claims):
        claim = context.claims[identifier]
        if claim.relation not in ("=", ":="):
            continue
        facts = claim.facts
        if not isinstance(facts, LinkFacts) or facts.position != 0 or len(claim.sides) != 2:
            continue
        equations.append((identifier, claim.line, claim.sides[0], claim.sides[1]))
    for definition in context.definitions:
        value = definition.value
        if isinstance(value, sp.Lambda) and all(isinstance(a, sp.Symbol) for a in value.variables):
            entry = sp.IndexedBase(str(definition.symbol))[tuple(value.variables)]
            equations.append((definition.order, definition.line, entry, value.expr))
    for assumption in context.assumptions:  # "we define $δ_i = ∂J/∂x_i$"
        equations.append((assumption.order, assumption.line, assumption.lhs, assumption.rhs))
    equations.sort(key=lambda item: (item[1], item[0]))
    return equations


def forward_written_by(context: DocumentContext, claim: Claim) -> Forward | None:
    """The forward formula the claim itself writes (read as :func:`definitions_before` reads
    the document's), or None."""
    found = written_by(context, claim)
    return found if isinstance(found, Forward) else None


def written_by(context: DocumentContext, claim: Claim) -> Forward | Activation | None:
    """What the claim itself defines, read as :func:`definitions_before` reads the document: a
    forward formula, an activation, or None."""
    identifier = claim_id(claim)
    for order, found in _classified(context):
        if order == identifier and isinstance(found, (Forward, Activation)):
            return found
    return None


def whole_activations(context: DocumentContext, order: int) -> list[Activation]:
    """The activations the document defines for whole tensors before ``order`` (``y^{(l)} =
    f_a(x^{(l)})``, a function of one tensor named alone): an activation acts entry by entry,
    so each is also ``y[e] = f_a(x[e])`` at any indices (rank 0 here: any rank)."""
    found = []
    for definition in context.definitions:
        value, symbol = definition.value, definition.symbol
        if definition.order >= order or not isinstance(symbol, sp.Symbol):
            continue
        if not (isinstance(value, AppliedUndef) and len(value.args) == 1):
            continue
        argument = value.args[0]
        if not isinstance(argument, sp.Symbol) or argument == symbol:
            continue
        output, input_ = canonical_name(symbol.name), canonical_name(argument.name)
        function = str(getattr(type(value), "__name__", type(value)))
        found.append(Activation(definition.line, output, input_, function, 0))
    return found


def _declared_ranges(
    context: DocumentContext,
    equations: Iterable[tuple[int, int, Any, Any]],
    tensors: frozenset[str],
) -> list[tuple[int, DeclaredRange]]:
    """The ranges the document declares (``i ∈ [0, n)``, claims with :class:`RangeFacts`), each
    with the formula it is written for (:func:`_attached`)."""
    from symconv.check.model import RangeFacts

    scopes = {d.order: d.scope for d in context.definitions}
    scopes.update((a.order, a.scope) for a in context.assumptions)
    scopes.update((order, claim.origin.scope) for order, claim in context.claims.items())
    written = []
    for order, line, lhs, rhs in equations:
        lhs = as_entries(lhs, tensors)
        if not isinstance(lhs, sp.Indexed) or not isinstance(rhs, sp.Basic):
            continue
        entry = _with_canonical_names(lhs)
        scope = scopes.get(order, 0)
        written.append((order, line, scope, entry, _summation_indices(rhs)))
    found = []
    for identifier in sorted(context.claims):
        claim = context.claims[identifier]
        facts = claim.facts
        if not isinstance(facts, RangeFacts):
            continue
        first, last = (_with_canonical_names(end) for end in (facts.first, facts.last))
        declared = DeclaredRange(claim.line, facts.index, first, last, order=identifier)
        attached = _attached(identifier, claim.origin.scope, facts.index, written)
        if attached is not None:
            line, entry, axis = attached
            declared = replace(declared, entry=entry, axis=axis, formula=line)
        found.append((identifier, declared))
    return found


def _summation_indices(expr: Any) -> frozenset[Any]:
    if not isinstance(expr, sp.Basic):
        return frozenset()
    return frozenset(
        limit[0] for node in sp.preorder_traversal(expr) if isinstance(node, sp.Sum)
        for limit in node.limits
    )  # fmt: skip


def _attached(
    order: int,
    scope: int,
    index: sp.Symbol,
    written: Iterable[tuple[int, int, int, sp.Indexed, frozenset[Any]]],
) -> tuple[int, sp.Indexed | None, int | None] | None:
    """The formula a range declaration is written for, in its section: the nearest formula
    before it whose left side has the index free (``Value ranges: i ∈ […]`` under the
    formula), else the nearest after it; else the nearest one that sums over the index, before
    it, then after it (``a ∈ [0, f)`` in a list of symbols before the formula). Its line, its
    left side and the axis the index is (None for a summation index)."""
    free: list[tuple[int, int, sp.Indexed, int]] = []
    summed: list[tuple[int, int]] = []
    for written_order, line, written_scope, entry, sums in written:
        if written_scope != scope:
            continue
        axes = [axis for axis, position in enumerate(entry.indices) if position == index]
        if len(axes) == 1:
            free.append((written_order, line, entry, axes[0]))
        elif index in sums:
            summed.append((written_order, line))
    before = [f for f in free if f[0] < order]
    after = [f for f in free if f[0] > order]
    if before or after:
        chosen = max(before, key=_first) if before else min(after, key=_first)
        return chosen[1], chosen[2], chosen[3]
    sums_before = [s for s in summed if s[0] < order]
    sums_after = [s for s in summed if s[0] > order]
    if sums_before or sums_after:
        line = (max(sums_before, key=_first) if sums_before else min(sums_after, key=_first))[1]
        return line, None, None
    return None


def _first(item: tuple[Any, ...]) -> Any:
    return item[0]


def _classify(
    line: int, lhs: Any, rhs: Any, tensors: frozenset[str], valued: frozenset[str] = frozenset()
) -> Any:
    """The equation as a forward formula, an activation or a gradient's name, or None."""
    written = _entry_equation(lhs, rhs, tensors)
    if written is None:
        return None
    lhs, rhs = written
    return (
        _activation(line, lhs, rhs)
        or _gradient_name(line, lhs, rhs)
        or _forward(line, lhs, rhs)
        or _scaled_forward(line, lhs, rhs, valued)
    )


def _entry_equation(lhs: Any, rhs: Any, tensors: frozenset[str]) -> tuple[sp.Indexed, Any] | None:
    """``entry = rhs`` in the document's terms (canonical names, function-style and run-together
    indices as entries, sizes in sums' limits as names), the entry's indices distinct names; or
    None."""
    lhs, rhs = as_entries(lhs, tensors), as_entries(rhs, tensors)
    if not isinstance(lhs, sp.Indexed) or not isinstance(rhs, sp.Basic):
        return None
    lhs, rhs = _with_canonical_names(lhs), _sizes_in_limits(_with_canonical_names(rhs))
    if not isinstance(lhs, sp.Indexed):
        return None
    rhs = _run_together_in_definition(lhs, rhs)
    if not all(isinstance(i, sp.Symbol) for i in lhs.indices):
        return None
    if len(set(lhs.indices)) != len(lhs.indices):
        return None
    return lhs, rhs


@dataclass(frozen=True)
class EntryEquation:
    """``lhs = rhs`` stated on ``line`` (statement ``order``), an entry defined in the
    document's terms (:func:`entry_equations`)."""

    order: int
    line: int
    lhs: sp.Indexed
    rhs: Any


#: The latest document's entry equations (its context itself, its sizes, the equations).
_ENTRY_EQUATIONS: list[tuple[DocumentContext, tuple[int, int, int], list[EntryEquation]]] = []


def entry_equations(context: DocumentContext) -> list[EntryEquation]:
    """Every equation of the document that gives an entry a value (``x_j = …``), in the
    document's terms, in the order written (read once per document)."""
    key = (len(context.claims), len(context.definitions), len(context.assumptions))
    if _ENTRY_EQUATIONS and _ENTRY_EQUATIONS[0][0] is context and _ENTRY_EQUATIONS[0][1] == key:
        return _ENTRY_EQUATIONS[0][2]
    equations = equations_of(context)
    tensors = _applied_tensor_names((line, lhs, rhs) for _, line, lhs, rhs in equations)
    found = []
    for order, line, lhs, rhs in equations:
        written = _entry_equation(lhs, rhs, tensors)
        if written is not None:
            found.append(EntryEquation(order, line, *written))
    _ENTRY_EQUATIONS[:] = [(context, key, found)]
    return found


def _applied_tensor_names(equations: Iterable[tuple[int, Any, Any]]) -> frozenset[str]:
    """Names written with function-style indices that the document defines by an entry
    (``Z(i, j, k) = b_k + …``) or reads inside one (``Y(i s_h + i', …)``): tensors."""
    names: set[str] = set()
    for _, lhs, rhs in equations:
        if isinstance(lhs, sp.Indexed) and isinstance(rhs, sp.Basic):
            for node in rhs.atoms(AppliedUndef):
                if _index_like(node.args) and len(node.args) >= 2:
                    names.add(type(node).__name__)
            names.add(str(lhs.base.label))
    return frozenset(names)


def _index_like(arguments: Iterable[Any]) -> bool:
    """Arguments that are indices: integers, or expressions of index names (``i s_h + i'``,
    ``k_{in}``), never a bare quantity (``J(W, b; Y, X)``)."""
    arguments = list(arguments)
    for argument in arguments:
        if not isinstance(argument, sp.Expr) or argument.has(AppliedUndef):
            return False
        if argument.is_Integer:
            continue
        symbols = [s for s in argument.free_symbols if isinstance(s, sp.Symbol)]
        if not any(_is_index_name(s) for s in symbols):
            return False
        if isinstance(argument, sp.Symbol) and not _is_index_name(argument):
            return False
    return bool(arguments)


def as_entries(expr: Any, tensors: Iterable[str]) -> Any:
    """``Z(i, j, k)`` as the entry ``Z[i, j, k]`` for the names in ``tensors``."""
    wanted = set(tensors)
    if not isinstance(expr, sp.Basic) or not wanted:
        return expr

    def is_entry(node: Any) -> bool:
        return (
            isinstance(node, AppliedUndef)
            and type(node).__name__ in wanted
            and len(node.args) >= 2
            and _index_like(node.args)
        )

    return expr.replace(is_entry, lambda node: sp.IndexedBase(type(node).__name__)[node.args])


def _with_canonical_names(expr: Any) -> Any:
    """Every tensor, gradient and size named canonically (:func:`canonical_name`)."""
    if not isinstance(expr, sp.Basic):
        return expr
    mapping: dict[Any, Any] = {}
    for base in expr.atoms(sp.IndexedBase):
        label = str(base.label)
        parts = split_gradient_label(label)
        if parts is not None:
            renamed = gradient_base(parts[0], canonical_name(parts[1]))
        else:
            renamed = sp.IndexedBase(canonical_name(label))
        if str(renamed.label) != label:
            mapping[base] = renamed
    for symbol in expr.atoms(sp.Symbol):
        name = canonical_name(symbol.name)
        if name != symbol.name:
            mapping[symbol] = sp.Symbol(name, **symbol.assumptions0)
    return expr.xreplace(mapping) if mapping else expr


def _activation(line: int, lhs: sp.Indexed, rhs: Any) -> Activation | None:
    if not (isinstance(rhs, sp.Function) and len(rhs.args) == 1):
        return None
    argument = rhs.args[0]
    if not isinstance(argument, sp.Indexed) or tuple(argument.indices) != tuple(lhs.indices):
        return None
    if split_gradient_label(str(argument.base.label)) is not None:
        return None
    function = str(getattr(type(rhs), "__name__", type(rhs)))
    return Activation(
        line, str(lhs.base.label), str(argument.base.label), function, len(lhs.indices)
    )


def _gradient_name(line: int, lhs: sp.Indexed, rhs: Any) -> GradientName | None:
    """``δ_i = ∂J/∂x_i`` (a gradient entry, or ``Partial(J, x[i])``, at the left's indices)."""
    entry = _loss_gradient_entry(rhs)
    if entry is None or tuple(entry.indices) != tuple(lhs.indices):
        return None
    parts = split_gradient_label(str(entry.base.label))
    if parts is None:
        return None
    return GradientName(line, str(lhs.base.label), parts[1])


def _loss_gradient_entry(expr: Any) -> sp.Indexed | None:
    """``expr`` as a gradient entry ``∂J/∂x[i]`` of some loss, or None."""
    if isinstance(expr, sp.Indexed) and split_gradient_label(str(expr.base.label)):
        return expr
    if isinstance(expr, nodes.Partial) and len(expr.args) == 2:
        of, wrt = expr.args
        if isinstance(wrt, sp.Indexed) and _is_loss(of):
            return gradient_base(LOSS, str(wrt.base.label))[wrt.indices]
    return None


def _is_loss(expr: Any) -> bool:
    """A scalar the document differentiates: a name, or a name applied to its arguments
    (``J(W, b; Y, X)``, also when read as an entry ``J[W, b, Y, X]`` before the document shows
    ``J`` is a function), never a tensor entry."""
    if isinstance(expr, sp.Indexed):
        return not _index_like(expr.indices)
    return isinstance(expr, sp.Symbol) or (
        isinstance(expr, AppliedUndef) and not _index_like(expr.args)
    )


def _forward(line: int, lhs: sp.Indexed, rhs: Any) -> Forward | None:
    """A forward formula, or None: a sum of tensor reads' products (plus a bias), every index of
    the right side summed or on the left, no derivative or function of a tensor."""
    if rhs.has(nodes.Partial, sp.Derivative, sp.Subs, AppliedUndef):
        return None
    reads = _reads(rhs)
    if not reads or any(split_gradient_label(str(r.base.label)) for r in reads):
        return None
    label = lhs.base.label
    if any(r.base.label == label for r in reads):
        return None
    if not any(_product_of_reads(term) for term in sp.Add.make_args(sp.expand(rhs))):
        return None
    summed = {limit[0] for node in sp.preorder_traversal(rhs) if isinstance(node, sp.Sum)
              for limit in node.limits}  # fmt: skip
    indices = set(lhs.indices)
    for read in reads:
        for position in read.indices:
            for symbol in position.free_symbols:
                if symbol in summed or symbol in indices:
                    continue
                if _is_index_name(symbol) and _read_in_index_only(symbol, rhs):
                    return None  # a free index on the right only: one term of a sum
    clash = sorted((s for s in indices & summed), key=str)
    reason = None
    if clash:
        names = ", ".join(s.name for s in clash)
        reason = (
            f"the forward formula on line {line} uses {names} both as an index of "
            f"{lhs} and as a summation index, so it can be read two ways"
        )
    return Forward(line, lhs, rhs, reason)


#: Names of a batch's statistics and sizes (μ, σ, ε, m): in ``x_i − μ`` the mean depends on every
#: ``x_j``, so such a name is never read as a free parameter of the layer.
_STATISTICS = frozenset(
    {"mu", "sigma", "epsilon", "varepsilon", "eps", "mean", "var", "std", "m", "n", "M", "N"}
)


def _scalar_parameters(
    lhs: sp.Indexed, rhs: Any, valued: frozenset[str]
) -> tuple[sp.Symbol, ...] | None:
    """The scalars of an element-wise affine layer (``y_i = w x_i + b``, batch norm's
    ``y_i = γ x̂_i + β``, ``y_i = a x_i``): every term a number times one read at the left
    side's indices, times one scalar or not, or a number times a scalar alone, and some term a
    scalar times a read. None for anything else (a sum, a square, a scalar the document gives
    a value, a batch statistic)."""
    if rhs.has(sp.Sum, sp.Pow, sp.Function):
        return None
    found: set[sp.Symbol] = set()
    scaled = False
    for term in sp.Add.make_args(sp.expand(rhs)):
        coefficient, factors = term.as_coeff_mul()
        if not coefficient.is_Rational:
            return None
        reads = [f for f in factors if isinstance(f, sp.Indexed)]
        scalars = [f for f in factors if isinstance(f, sp.Symbol)]
        if len(reads) + len(scalars) != len(factors) or len(reads) > 1 or len(scalars) > 1:
            return None
        if not factors or (reads and tuple(reads[0].indices) != tuple(lhs.indices)):
            return None
        found.update(scalars)
        scaled |= bool(reads and scalars)
    if not scaled or any(
        s.name in _STATISTICS or canonical_name(s.name) in valued or s in lhs.indices for s in found
    ):
        return None
    return tuple(sorted(found, key=str))


def parameter_entry(name: str) -> sp.Indexed:
    """The scalar parameter ``name`` as the one entry of a tensor (counted from the document's
    index base, so that it is entry 0 once counted from 0)."""
    return sp.IndexedBase(name)[nodes.INDEX_BASE]


def _scaled_forward(line: int, lhs: sp.Indexed, rhs: Any, valued: frozenset[str]) -> Forward | None:
    """``y_i = w x_i + b``: a forward formula whose scalars are one-entry tensors, so that
    ``∂L/∂w = Σ_i ∂L/∂y_i x_i`` is derived as any gradient is."""
    if not isinstance(rhs, sp.Expr) or rhs.has(nodes.Partial, sp.Derivative, sp.Subs, AppliedUndef):
        return None
    reads = _reads(rhs)
    if any(split_gradient_label(str(r.base.label)) or r.base.label == lhs.base.label
           for r in reads):  # fmt: skip
        return None
    scalars = _scalar_parameters(lhs, rhs, valued)
    if not scalars:
        return None
    entries = {s: parameter_entry(s.name) for s in scalars}
    return Forward(line, lhs, rhs.xreplace(entries), None, tuple(s.name for s in scalars))


def parameters_as_entries(expr: Any, names: Iterable[str]) -> Any:
    """``expr`` with the forward formulas' scalar parameters as their one-entry tensors:
    ``∂L/∂w`` the gradient entry, ``w`` the entry. Unchanged when a parameter's name is also
    an index of ``expr`` (``∂L/∂W_{ab}`` with a bias ``b``)."""
    names = set(names)
    if not names or not isinstance(expr, sp.Basic):
        return expr
    indices: set[Any] = set()
    for read in expr.atoms(sp.Indexed):
        indices |= set().union(*(as_sympy(i).free_symbols for i in read.indices))
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Sum):
            indices |= {limit[0] for limit in node.limits}
    symbols = {s for s in expr.atoms(sp.Symbol) if s.name in names}
    if not symbols or symbols & indices:
        return expr

    def by_parameter(node: Any) -> bool:
        return (
            isinstance(node, sp.Derivative)
            and len(node.variables) == 1
            and node.variables[0] in symbols
            and node.derivative_count == 1
            and _is_loss(node.expr)
        )

    expr = expr.replace(
        by_parameter,
        lambda node: gradient_base(LOSS, node.variables[0].name)[nodes.INDEX_BASE],
    )
    return expr.xreplace({s: parameter_entry(s.name) for s in symbols})


def _product_of_reads(term: Any) -> bool:
    while isinstance(term, sp.Sum):
        term = term.function
    return sum(1 for factor in sp.Mul.make_args(term) if isinstance(factor, sp.Indexed)) >= 2 or (
        isinstance(term, sp.Sum)
    )


#: An index's name: a letter, then subscripts or primes (``i``, ``j_1``, ``i'``, ``k_{in}``), or
#: a run of two or three letters (``oc``, ``ch``: read as one symbol only where the document
#: writes it as an index, :func:`symconv.check.read_names.index_words`).
_INDEX_NAME = lazy_compile(r"^(?:[a-z](?:_\{?[a-z0-9]+\}?|'+)*|[a-z]{2,3})$")


def _is_index_name(symbol: sp.Symbol) -> bool:
    return bool(_INDEX_NAME.match(symbol.name.replace(" ", "")))


def _read_in_index_only(symbol: sp.Symbol, expr: Any) -> bool:
    """The symbol stands alone (coefficient ±1) in some tensor read's index: an index, not a
    stride or a padding."""
    for read in _reads(expr):
        for position in read.indices:
            if symbol in position.free_symbols:
                coefficient = sp.expand(position).coeff(symbol)
                if coefficient in (1, -1):
                    return True
    return False


# ----------------------------------------------------------------------------------------------
# A claim in the document's terms
# ----------------------------------------------------------------------------------------------
def normalised(expr: Any, definitions: DocumentDefinitions) -> Any:
    """``expr`` in the definitions' terms: canonical names, function-style and run-together
    indices as entries (``W^{(l)}_{abnk}`` of a rank-4 ``W^{(l)}``), every derivative of a loss
    as an entry of its gradient ``∂J/∂x``, gradient names replaced (``δ^{(l+1)}_j`` is
    ``∂J/∂x^{(l+1)}_j``), subscripted sizes in sum limits as names (``s_{l+1}``)."""
    tensors = definitions.tensor_names()
    expr = as_entries(expr, tensors)
    expr = _with_canonical_names(expr)
    expr = _run_together_entries(expr, tensors)
    expr = _sizes_in_limits(expr)
    expr = parameters_as_entries(expr, [p for f in definitions.forwards for p in f.parameters])
    expr = _loss_gradients(expr)
    return _named_gradients(expr, definitions.gradient_names)


def _run_together_entries(expr: Any, tensors: Mapping[str, int]) -> Any:
    """``W^{(l)}_{abnk}`` (one symbol) as ``W^{(l)}[a, b, n, k]`` when ``W^{(l)}`` is a tensor of
    rank 4 and the subscript is 4 letters."""
    if not isinstance(expr, sp.Basic):
        return expr
    mapping = {}
    for symbol in expr.atoms(sp.Symbol):
        stem, superscript, subscript = _scripts(symbol.name)
        if subscript is None or not subscript.isalpha():
            continue
        base = canonical_name(stem if superscript is None else f"{stem}^{{{superscript}}}")
        if tensors.get(base) == len(subscript) and len(subscript) > 1:
            letters = [sp.Symbol(letter) for letter in subscript]
            mapping[symbol] = sp.IndexedBase(base)[tuple(letters)]
    if not mapping:
        return expr

    def by_entry(node: Any) -> bool:  # ∂J/∂W_{abnk}: SymPy would call it 0 once W is an entry
        return (
            isinstance(node, sp.Derivative)
            and len(node.variables) == 1
            and node.variables[0] in mapping
            and _is_loss(node.expr)
        )

    def gradient(node: Any) -> Any:
        entry = mapping[node.variables[0]]
        return gradient_base(LOSS, str(entry.base.label))[entry.indices]

    expr = expr.replace(by_entry, gradient)
    return expr.xreplace(mapping)


def _run_together_in_definition(lhs: sp.Indexed, rhs: Any) -> Any:
    """``W^{(l)}_{abnk}`` in a definition whose indices (its left side's and its sums') are
    ``a, b, n, k``: the entry ``W^{(l)}[a, b, n, k]``."""
    summed = {limit[0].name for node in sp.preorder_traversal(rhs) if isinstance(node, sp.Sum)
              for limit in node.limits}  # fmt: skip
    indices = summed | {i.name for i in lhs.indices if isinstance(i, sp.Symbol)}
    mapping = {}
    for symbol in rhs.atoms(sp.Symbol):
        stem, superscript, subscript = _scripts(symbol.name)
        if subscript is None or len(subscript) < 2 or not subscript.isalpha():
            continue
        if all(letter in indices for letter in subscript):
            base = canonical_name(stem if superscript is None else f"{stem}^{{{superscript}}}")
            mapping[symbol] = sp.IndexedBase(base)[tuple(sp.Symbol(c) for c in subscript)]
    return rhs.xreplace(mapping) if mapping else rhs


def _sizes_in_limits(expr: Any) -> Any:
    """``\\sum_{i=1}^{s_{l}}``: the parser's ``s[l]`` in a limit is the size named ``s_{l}``."""
    from symconv.check.index_ranges import as_sizes

    if not isinstance(expr, sp.Basic):
        return expr

    def fix(node: sp.Sum) -> sp.Sum:
        limits = []
        for index, *bounds in node.limits:
            limits.append((index, *(as_sizes(bound) for bound in bounds)))
        return sp.Sum(node.function, *limits)

    return expr.replace(lambda node: isinstance(node, sp.Sum), fix)


def _loss_gradients(expr: Any) -> Any:
    """Every ``∂L/∂x[i]`` (a gradient entry or ``Partial(L(…), x[i])``, also SymPy's derivative
    by an entry's symbol) as an entry of ``∂J/∂x``; a claim that differentiates two different
    losses keeps them apart (see :func:`losses_of`)."""
    if not isinstance(expr, sp.Basic):
        return expr

    def is_partial(node: Any) -> bool:
        return _loss_gradient_entry(node) is not None and isinstance(node, nodes.Partial)

    expr = expr.replace(is_partial, lambda node: _loss_gradient_entry(node))
    mapping = {}
    for base in expr.atoms(sp.IndexedBase):
        parts = split_gradient_label(str(base.label))
        if parts is not None and parts[0] != LOSS:
            mapping[base] = gradient_base(LOSS, parts[1])

    def is_derivative(node: Any) -> bool:
        return (
            isinstance(node, sp.Derivative)
            and len(node.variable_count) == 1
            and node.variable_count[0][1] == 1
            and isinstance(node.variable_count[0][0], sp.Indexed)
            and _is_loss(node.expr)
        )

    expr = expr.replace(
        is_derivative,
        lambda node: gradient_base(LOSS, str(node.variables[0].base.label))[
            node.variables[0].indices
        ],
    )
    return expr.xreplace(mapping) if mapping else expr


def losses_of(expr: Any) -> set[Any]:
    """The losses a claim differentiates, as written (``J(W, b, Y, X)``, ``\\mathcal{L}``)."""
    found: set[Any] = set()
    if not isinstance(expr, sp.Basic):
        return found
    for node in sp.preorder_traversal(expr):
        if isinstance(node, nodes.Partial) and len(node.args) == 2 and _is_loss(node.args[0]):
            found.add(node.args[0])
        elif (
            isinstance(node, sp.Derivative)
            and _is_loss(node.expr)
            and not any(isinstance(v, sp.Dummy) for v in node.variables)  # f'(x) is no loss's
        ):
            found.add(node.expr)
    for base in expr.atoms(sp.IndexedBase):
        parts = split_gradient_label(str(base.label))
        if parts is not None:
            found.add(sp.Symbol(parts[0]))
    return found


def _named_gradients(expr: Any, names: Iterable[GradientName]) -> Any:
    """``δ^{(l+1)}_j`` as ``∂J/∂x^{(l+1)}_j`` when ``δ^{(t)} = ∂J/∂x^{(t)}`` was written for some
    layer ``t`` (a tag is a pattern), or ``δ_j`` when ``δ = ∂J/∂x`` was."""
    names = list(names)
    if not isinstance(expr, sp.Basic) or not names:
        return expr
    mapping = {}
    for base in expr.atoms(sp.IndexedBase):
        label = str(base.label)
        for name in reversed(names):
            wrt = _matching_gradient(label, name)
            if wrt is not None:
                mapping[base] = gradient_base(LOSS, wrt)
                break
    return expr.xreplace(mapping) if mapping else expr


def _matching_gradient(label: str, name: GradientName) -> str | None:
    """The tensor whose gradient ``label`` names: ``name.wrt`` for the name itself; for the same
    stem at another layer, ``name.wrt`` at that layer — the definition has one tag on both
    sides (``δ^{(L)} = ∂J/∂x^{(L)}``), so it says what the error term of any layer is."""
    if label == name.name:
        return name.wrt
    mine, theirs = layer_tag(label), layer_tag(name.name)
    if mine is None or theirs is None or layer_tag(name.wrt) != theirs:
        return None
    if _scripts(label)[0] != _scripts(name.name)[0]:
        return None
    stem, _, subscript = _scripts(name.wrt)
    tagged = f"{stem}^{{({tag_text(mine)})}}"
    return tagged if subscript is None else f"{tagged}_{{{subscript}}}"


# ----------------------------------------------------------------------------------------------
# The formula in the engine's terms
# ----------------------------------------------------------------------------------------------
def index_bases(forward: Forward | None, ranges: Sequence[DeclaredRange] = ()) -> tuple[int, ...]:
    """The index base the formula's sums count from: (0,), (1,), or both when it writes no
    lower limit (only counts, ``\\sum^{N}_a``) or mixes them — unless the ranges the document
    declares for the formula's indices (``a \\in [0, f)``) all start at 0, or all at 1."""
    if forward is None:
        return (0,)
    lowers = set()
    for node in sp.preorder_traversal(forward.rhs):
        if isinstance(node, sp.Sum):
            for _, lower, _ in node.limits:
                if lower.is_Integer:
                    lowers.add(int(lower))
    if lowers == {0}:
        return (0,)
    if lowers == {1}:
        return (1,)
    if not lowers:
        declared = {r.first for r in ranges if r.formula == forward.line}
        if declared == {0}:
            return (0,)
        if declared == {1}:
            return (1,)
    return (0, 1)


def rebased(expr: Any, base: int, free: Sequence[sp.Symbol]) -> Any:
    """The expression with indices counted from 0: each entry read one ``base`` lower, each
    index (summed or free) one ``base`` higher — the same values, stored from 0."""
    from symconv.grad.binders import fresh_bound

    expr = fresh_bound(expr.xreplace({nodes.INDEX_BASE: sp.Integer(base)}))
    if base == 0:
        return expr
    shift = sp.Integer(base)

    def lower(entry: sp.Indexed) -> sp.Indexed:
        return entry.base[tuple(i - shift for i in entry.indices)]

    expr = expr.replace(lambda n: isinstance(n, sp.Indexed), lower)

    def recounted(node: sp.Sum) -> sp.Sum:
        body = node.function
        limits = []
        for index, low, high in node.limits:
            body = body.xreplace({index: index + shift})
            limits.append((index, low - shift, high - shift))
        return sp.Sum(body, *limits)

    expr = expr.replace(lambda n: isinstance(n, sp.Sum), recounted)
    return expr.xreplace({index: index + shift for index in free})


@lru_cache(maxsize=64)
def engine_reading(lhs: sp.Indexed, rhs: sp.Expr, base: int) -> Any:
    """``lhs = rhs`` counted from 0 (the document counting from ``base``), read by the engine
    (:class:`~symconv.grad.formula.IndexFormula`, sizes inferred)."""
    from symconv.grad.formula import IndexFormula

    free = list(lhs.indices)
    return IndexFormula.from_equation((lhs, _opened(rebased(rhs, base, free))))


def _opened(rhs: Any) -> Any:
    """``Σ_d Σ_r Σ_c W_{f,d,r,c} X_{d,i+r,j+c}`` written without limits: each sum over every
    value (entries outside a tensor are zero) is the sum over the axis its index reads bare
    (``r`` of ``W_{f,d,r,c}``: outside it the kernel is zero), as the engine infers it. Kept
    as written when some such index reads no axis bare (its range would be a guess)."""
    from symconv.check.answer_formulas import open_sums

    open_indices = {
        limit[0]
        for node in sp.preorder_traversal(rhs)
        if isinstance(node, sp.Sum)
        for limit in node.limits
        if len(limit) == 3 and limit[1] == -sp.oo and limit[2] == sp.oo
    }
    if not open_indices:
        return rhs
    bare = {position for read in _reads(rhs) for position in read.indices}
    if not open_indices <= bare:
        return rhs
    return open_sums(rhs)


def order_of(claim: Claim) -> int:
    """The claim's position among the document's statements (what it may build on)."""
    identifier = claim_id(claim)
    return identifier if identifier >= 0 else sys.maxsize
