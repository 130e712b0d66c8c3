r"""The derivative of a cost the document defines, by an entry of a layer it reads entry by entry:
the output layer's error term of a backpropagation write-up.

    J(W, b; Y, X) = ½ (Y − h_{W,b}(X))²                        (the cost)
    h_{W,b}(X) = y^{(L)}                                       (the hypothesis is the output)
    y^{(l)} = f_a(x^{(l)})                                     (an activation, entry by entry)
    δ^{(L)}_j = ∂J/∂x^{(L)}_j = (h_{W,b}(X) − Y) · f_a'(x^{(L)}_j)   (the claim)

**Reading.** The document's definitions are substituted in turn: a function at its arguments
(``J(W, b; Y, X)``, ``h_{W,b}(X)``), a name at its layer — a layer tag is a pattern, so ``y^{(l)}
= f_a(x^{(l)})`` also says ``y^{(L)} = f_a(x^{(L)})`` — and an activation written for entries
(``y^{(l+1)}_j = f_a(x^{(l+1)}_j)``). A definition of another section counts when the claim's own
section has none (a derivation builds on what it stated above).

The cost names no entry: it is read **at the claim's entry j** — each name written without an
index, and each entry written at j, stands for its entry j (issue 18: "a derivative written
without indices inside an index-notation chain is the component at the left side's indices").
The reading is exact for a cost with one output (Y and h single numbers, as J is written), and for
a cost that sums one term per entry of quantities computed entry by entry (½‖Y − h‖²), since
∂/∂x_j Σ_k g(Y_k, f(x_k)) = ∂g(Y_j, f(x_j))/∂x_j (Bishop, *Pattern Recognition and Machine
Learning*, §5.3.1, eq. 5.54). So it is made only when everything it goes through acts entry by
entry: a sum, an entry at other indices, softmax, an absolute value or a matrix is another
judge's.

**Undefined functions stay undefined.** ``f_a`` is any activation: its value and its slope at the
entry are unknowns, and the two sides are compared as expressions in them — equal whatever they
are (right), or different for some values (wrong: a smooth function with these values at the
point exists, e.g. a line through them; the witness gives them).

    >>> from symconv.check.api import check
    >>> doc = (
    ...     "$$E = \\frac{1}{2}(t - o)^2$$\n\n"
    ...     "$$o = g(u)$$\n\n"
    ...     "$$\\frac{\\partial E}{\\partial u_k} = (o - t) g'(u_k)$$\n\n"
    ...     "$$\\frac{\\partial E}{\\partial u_k} = (t - o) g'(u_k)$$\n"
    ... )
    >>> import textwrap
    >>> for j in check(doc).judgements:
    ...     print(j.claim.line, j.verdict, textwrap.fill(j.message, 80), sep=": ")
    ...     print(j.witness) if j.witness else None
    5: right: ∂E/∂u[k] from E = (-o + t)^2/2 (line 1), o = g(u) (line 3), read at the
    entry k (one output, or one term per entry): (-t + g(u[k]))·g'(u[k]), as written,
    for any g (not defined: its value and slope at the entry are unknowns)
    7: wrong: ∂E/∂u[k] from E = (-o + t)^2/2 (line 1), o = g(u) (line 3), read at the
    entry k (one output, or one term per entry): it is (-t + g(u[k]))·g'(u[k]), for any
    g (not defined: its value and slope at the entry are unknowns), not the right side
    g'(u[k]) = 1, g(u[k]) = 1, t = 2: 1 ≠ -1
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symconv.check import nodes
from symconv.check.context import Definition, DocumentContext, claim_id, claim_scope
from symconv.check.defined_names import (
    at_layer,
    canonical_expr,
    latest_definition,
    layer_text,
    retagged,
    retagged_name,
)
from symconv.check.document_gradients import (
    Activation,
    canonical_name,
    definitions_before,
    layer_tag,
)
from symconv.check.equality import compare_at_points
from symconv.check.judges.batch_costs import judge_batch_gradient
from symconv.check.judges.functions import concrete
from symconv.check.judges.resolve import replaced
from symconv.check.judges.typos import diagnose
from symconv.check.judges.unknown_functions import with_unknowns
from symconv.check.judges.verdicts import right, unverified, wrong
from symconv.check.model import Claim, Judgement, LinkFacts
from symconv.check.shown import show
from symconv.check.symbols import name_key
from symconv.core.safe import as_sympy
from symconv.grad.notation import split_gradient_label

__all__ = ["judge_cost_derivative"]

#: Definitions referring to definitions are substituted at most this deep.
MAX_DEPTH = 8
#: Small integer points tried first for a witness (then random ones).
SMALL_POINTS = 64
#: Functions that act on a vector as a whole: never read entry by entry.
_WHOLE_VECTOR = frozenset({"softmax", "max", "min", "norm"})


class _Outside(Exception):
    """The claim is not read here (another judge's, or no derivative of a defined cost)."""


class _Unknown(Exception):
    """The claim is of this kind but cannot be decided: the message says why."""


@dataclass(frozen=True)
class _Used:
    """A definition the reading went through, as the message shows it."""

    line: int
    text: str
    #: Written in another section than the claim's.
    elsewhere: bool = False


@dataclass
class _Reading:
    """The document's definitions as the claim at ``order`` sees them, read at ``entry``."""

    context: DocumentContext
    order: int
    scope: int
    #: The tensor differentiated by (canonical name) and the entry's indices (``()``: a name).
    tensor: str
    entry: tuple[Any, ...]
    used: list[_Used] = field(default_factory=list)
    #: How a function was read (``σ read as the logistic function``).
    notes: list[str] = field(default_factory=list)

    # -- the entry reading ---------------------------------------------------------------------
    def scalar(self, name: str) -> sp.Symbol:
        """The scalar that ``name`` (or its entry at the claim's indices) stands for."""
        if not self.entry:
            return sp.Symbol(name)
        return sp.Symbol(f"{name}[{', '.join(str(i) for i in self.entry)}]")

    @property
    def variable(self) -> sp.Symbol:
        return self.scalar(self.tensor)

    def read(self, expr: Any, differentiated: bool = False) -> Any:
        """``expr`` with the definitions substituted and every name at the claim's entry;
        ``differentiated``: the value is differentiated by the entry, so a sum of one term per
        entry (``½ Σ_k (y_k − a_k)²``, ``½‖y − a‖²``) may keep its term at the entry alone."""
        if not isinstance(expr, sp.Basic) or isinstance(expr, sp.MatrixBase):
            raise _Outside
        current = canonical_expr(expr)
        for _ in range(MAX_DEPTH):
            if differentiated and self.entry:
                current = self._one_term(current)
            current = self._entries(current)
            mapping: dict[Any, Any] = {}
            for applied in sorted(current.atoms(AppliedUndef), key=str):
                value = self._applied(applied)
                if value is not None:
                    mapping[applied] = value
            for symbol in sorted(current.free_symbols, key=str):
                if isinstance(symbol, sp.Symbol) and symbol != self.variable:
                    value = self._named(symbol)
                    if value is not None:
                        mapping[symbol] = value
            if not mapping:
                self._entrywise(current)
                return current
            current = replaced(current, mapping)
        raise _Unknown("the definitions refer to each other too deeply")

    def _one_term(self, expr: Any) -> Any:
        """Each sum over the entries, ``Σ_k g_k`` whose terms read entries at k only, as its term
        at the claim's entry: ∂/∂x_j Σ_k g_k = ∂g_j/∂x_j when g_k reads x (through what is
        computed entry by entry) at k alone. ``‖v‖²`` is ``Σ_k v_k²``."""

        def norm_squared(node: Any) -> bool:
            if not (isinstance(node, sp.Pow) and node.exp == 2):
                return False
            inner = node.base
            return isinstance(inner, nodes.Norm) and (len(inner.args) == 1 or inner.args[1] == 2)

        expr = expr.replace(norm_squared, lambda node: node.base.args[0] ** 2)

        def per_entry(node: Any) -> bool:
            if not isinstance(node, sp.Sum):
                return False
            summed = tuple(limit[0] for limit in node.limits)
            if len(summed) != len(self.entry):
                return False
            body = node.function
            reads = body.atoms(sp.Indexed)
            alone = {s for s in body.free_symbols if isinstance(s, sp.Symbol)} - set(summed)
            return (
                bool(reads)
                and all(tuple(r.indices) == summed for r in reads)
                and not any(self._definition(s.name) or s.name == self.tensor for s in alone)
            )

        def at_entry(node: sp.Sum) -> Any:
            summed = tuple(limit[0] for limit in node.limits)
            note = f"the sum over {', '.join(map(str, summed))} keeps its term at the entry"
            if note not in self.notes:
                self.notes.append(note)
            return node.function.xreplace(dict(zip(summed, self.entry, strict=True)))

        return expr.replace(per_entry, at_entry)

    def _entries(self, expr: Any) -> Any:
        """Entries at the claim's indices as their scalars, the tensor differentiated by written
        alone as its entry; an entry elsewhere is not this reading's (a sum, a neighbour)."""
        # f'(u_k) is read Subs(f'(ξ), ξ, u[k]): evaluated first (SymPy compares a Subs by its
        # printed point, so u[k] and the scalar named "u[k]" would look the same to xreplace)
        expr = expr.replace(lambda node: isinstance(node, sp.Subs), lambda node: node.doit())
        mapping: dict[Any, Any] = {}
        for entry in expr.atoms(sp.Indexed):
            label = str(entry.base.label)
            if split_gradient_label(label) is not None or tuple(entry.indices) != self.entry:
                raise _Outside
            mapping[entry] = self.scalar(canonical_name(label))
        if mapping:
            expr = expr.xreplace(mapping)
        alone = sp.Symbol(self.tensor)
        if self.entry and alone in expr.free_symbols and not expr.atoms(sp.Indexed):
            expr = expr.xreplace({alone: self.variable})
        return expr

    def unified(self, *exprs: Any) -> list[Any]:
        """A name written alone and its entry at the claim's indices are one scalar (``Y`` in
        the cost, ``Y_j`` in the claim): the name read at the entry."""
        if not self.entry:
            return list(exprs)
        names = set().union(*(e.free_symbols for e in exprs))
        mapping = {
            symbol: self.scalar(symbol.name)
            for symbol in names
            if isinstance(symbol, sp.Symbol) and self.scalar(symbol.name) in names
        }
        return [e.xreplace(mapping) for e in exprs]

    def _entrywise(self, expr: Any) -> None:
        """Raise :class:`_Outside` unless ``expr`` acts entry by entry."""
        if expr.has(sp.Sum, sp.Product, sp.Abs, sp.Max, sp.Min, sp.Piecewise, *nodes.NODE_CLASSES):
            raise _Outside
        for applied in expr.atoms(AppliedUndef):
            if len(applied.args) != 1 or name_key(applied.func.__name__) in _WHOLE_VECTOR:
                raise _Outside

    # -- definitions -----------------------------------------------------------------------------
    def _definition(self, name: str, arity: int | None = None) -> Definition | None:
        """The latest definition of ``name`` before the claim — its own section's, else any —
        and of a function, the one with ``arity`` arguments (``J(W, b; Y, X)`` per sample,
        ``J(W, b)`` for the batch)."""
        return latest_definition(self.context, name, self.order, self.scope, arity)

    def _applied(self, applied: AppliedUndef) -> Any:
        """``h_{W,b}(X)`` → its definition at these arguments, or None (undefined)."""
        arguments = tuple(applied.args)
        definition = self._definition(applied.func.__name__, len(arguments))
        if definition is None or not isinstance(definition.value, sp.Lambda):
            return None
        function = definition.value
        unread = set(function.variables) - _read_by(function.expr)
        if unread and arguments != tuple(function.variables):
            # h(X) = y^{(L)}: the value at X, which says nothing of h at another argument
            raise _Unknown(
                f"{applied.func.__name__} is defined at {show(sp.Tuple(*function.variables))} "
                f"only (line {definition.line})"
            )
        self._note(definition, f"{show(applied.func(*function.variables))} = "
                   f"{show(function.expr)}")  # fmt: skip
        return canonical_expr(function(*arguments))

    def _named(self, symbol: sp.Symbol) -> Any:
        """The value of a name (its entry at the claim's indices), or None if none is written."""
        name = symbol.name.split("[", 1)[0]
        definition = self._definition(name)
        if definition is not None and isinstance(definition.value, sp.Lambda):
            # L for L(a, y) = …: a function named alone is its value at its own arguments
            function = definition.value
            self._note(definition, f"{show(sp.Function(name)(*function.variables))} = "
                       f"{show(function.expr)}")  # fmt: skip
            return canonical_expr(function.expr)
        if definition is not None:
            value = definition.value
            if isinstance(value, (sp.MatrixBase, sp.Tuple, sp.Set)) or not isinstance(
                value, sp.Expr
            ):
                raise _Outside
            self._note(definition, f"{show(definition.symbol)} = {show(value)}")
            return canonical_expr(value)
        for definition in self._pattern_definitions():
            moved = at_layer(str(definition.symbol), name)
            if moved is None or isinstance(definition.value, sp.Lambda):
                continue
            value = canonical_expr(definition.value)
            if not isinstance(value, sp.Expr):
                raise _Outside
            value = retagged(value, moved)
            self._note(definition, f"{show(definition.symbol)} = "
                       f"{show(definition.value)}, at layer {layer_text(name)}")  # fmt: skip
            return value
        for activation in reversed(definitions_before(self.context, self.order).activations):
            found = self._activation(activation, name)
            if found is not None:
                return found
        return None

    def _pattern_definitions(self) -> Iterator[Definition]:
        """Definitions of a name with a layer letter (``y^{(l)}``), latest first."""
        for definition in reversed(self.context.definitions):
            if definition.order >= self.order or not isinstance(definition.symbol, sp.Symbol):
                continue
            tag = layer_tag(canonical_name(definition.symbol.name))
            if tag is not None and tag[0].islower():
                yield definition

    def _activation(self, activation: Activation, name: str) -> Any:
        """``y^{(l+1)}_j = f_a(x^{(l+1)}_j)`` read for ``name`` at the claim's entry, or None."""
        if self.entry and activation.rank not in (0, len(self.entry)):
            return None
        if activation.output == name:
            moved: tuple[str, str, int] | None = ("", "", 0)
            input_name = activation.input
        else:
            moved = at_layer(activation.output, name)
            if moved is None:
                return None
            input_name = retagged_name(activation.input, moved)
        function = sp.Function(activation.function)
        if name_key(activation.function) in _WHOLE_VECTOR:
            raise _Outside
        where = "" if activation.output == name else f", at layer {layer_text(name)}"
        self._note(activation, f"{activation.output} = {activation.function}("
                   f"{activation.input}) entry by entry{where}")  # fmt: skip
        return function(sp.Symbol(input_name))

    def _note(self, written: Definition | Activation, text: str) -> None:
        """Record a definition the reading went through (a definition's section is kept: a
        verdict of *wrong* rests only on the claim's own section)."""
        if isinstance(written, Definition):
            scope: int | None = written.scope
        else:
            scope = _scope_of_line(self.context, written.line)
        elsewhere = scope is None or scope not in (self.scope, 0)
        used = _Used(written.line, text, elsewhere)
        if used not in self.used:
            self.used.append(used)

    @property
    def elsewhere(self) -> list[int]:
        """The lines of the definitions used that another section wrote."""
        return [used.line for used in self.used if used.elsewhere]

    def computed(self) -> set[str]:
        """The names the document computes from something (forward formulas' outputs)."""
        forwards = definitions_before(self.context, self.order).forwards
        # an element-wise layer with scalar parameters (ŷ_i = w x_i + b) is an entry
        # definition this judge reads itself
        return {f.output for f in forwards if not f.parameters}


# ----------------------------------------------------------------------------------------------
# The claim: a derivative by an entry
# ----------------------------------------------------------------------------------------------
def _by_entry(expr: Any, context: DocumentContext, order: int) -> tuple[Any, Any] | None:
    """``(of, entry)`` for a derivative ``∂of/∂entry`` written as such (``Partial``, a gradient
    entry ``∂J/∂x[j]``) or named (``δ^{(L)}_j`` after ``δ^{(L)}_j = ∂J/∂x^{(L)}_j``)."""
    if isinstance(expr, nodes.Partial) and len(expr.args) == 2:
        of, by = expr.args
        if isinstance(by, (sp.Indexed, sp.Symbol)):
            return of, by
        return None
    if isinstance(expr, sp.Derivative) and len(expr.variable_count) == 1:
        ((by, count),) = expr.variable_count
        if count == 1 and isinstance(by, sp.Symbol) and not isinstance(by, sp.Dummy):
            return expr.expr, by
        return None
    if isinstance(expr, sp.Indexed):
        parts = split_gradient_label(str(expr.base.label))
        if parts is not None:
            return sp.Symbol(parts[0]), sp.IndexedBase(parts[1])[expr.indices]
        return _named_gradient(expr, context, order)
    return None


def _named_gradient(entry: sp.Indexed, context: DocumentContext, order: int) -> tuple[Any, Any]:
    """``δ^{(L)}_j`` as ``(J, x^{(L)}_j)`` when an equation before wrote ``δ^{(t)}_i =
    ∂J/∂x^{(t)}_i`` (the same layer, or a layer letter as a pattern), else None."""
    label = canonical_name(str(entry.base.label))
    found = None
    for identifier in sorted(context.claims):
        claim = context.claims[identifier]
        if identifier >= order or not isinstance(claim.facts, LinkFacts) or len(claim.sides) != 2:
            continue
        if claim.facts.position != 0 or claim.relation not in ("=", ":="):
            continue
        found = _named_by(claim.sides[0], claim.sides[1], label, entry) or found
    for assumption in context.assumptions:
        if assumption.order < order:
            found = _named_by(assumption.lhs, assumption.rhs, label, entry) or found
    return found  # type: ignore[return-value]


def _named_by(lhs: Any, rhs: Any, label: str, entry: sp.Indexed) -> tuple[Any, Any] | None:
    if not (isinstance(lhs, sp.Indexed) and isinstance(rhs, nodes.Partial)):
        return None
    if len(rhs.args) != 2 or not isinstance(rhs.args[1], sp.Indexed):
        return None
    of, by = rhs.args
    if tuple(by.indices) != tuple(lhs.indices) or len(lhs.indices) != len(entry.indices):
        return None
    named = canonical_name(str(lhs.base.label))
    by_name = canonical_name(str(by.base.label))
    if named == label:
        tensor = by_name
    else:
        moved = at_layer(named, label)
        if moved is None or at_layer(by_name, retagged_name(by_name, moved)) is None:
            return None
        tensor = retagged_name(by_name, moved)
    mapping = dict(zip(lhs.indices, entry.indices, strict=True))
    return of, sp.IndexedBase(tensor)[tuple(as_sympy(i).xreplace(mapping) for i in by.indices)]


def _derivatives_by(expr: Any, variable: Any, context: DocumentContext, order: int) -> list[Any]:
    """The derivatives in ``expr`` (each ``∂of/∂variable``, as written)."""
    found = []
    for node in sp.preorder_traversal(expr):
        target = _by_entry(node, context, order) if isinstance(node, sp.Basic) else None
        if target is not None and target[1] == variable:
            found.append(node)
    return found


# ----------------------------------------------------------------------------------------------
# The judge
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Outcome:
    """``equal``: True (whatever the unknowns), False (``witness`` shows values where the sides
    differ), None (not compared: ``reason``)."""

    equal: bool | None
    witness: str | None = None
    reason: str = ""


def judge_cost_derivative(claim: Claim, context: DocumentContext) -> Judgement | None:
    """The verdict on ``∂J/∂x_j = …`` when J is a cost the document defines through names it
    computes entry by entry from x (module docstring); None when the claim is not one."""
    if claim.relation not in ("=", "≡") or len(claim.sides) != 2:
        return None
    lhs, rhs = claim.sides
    order, scope = claim_id(claim), claim_scope(claim)
    target = _by_entry(lhs, context, order)
    if target is None:
        return None
    of, by = target
    if not isinstance(of, sp.Basic):
        return None
    batch = judge_batch_gradient(claim, of, by, context)
    if batch is not None:
        return batch
    tensor = canonical_name(str(by.base.label) if isinstance(by, sp.Indexed) else by.name)
    entry = tuple(by.indices) if isinstance(by, sp.Indexed) else ()
    reading = _Reading(context, order, scope, tensor, entry)
    try:
        computed = _derivative(of, reading)
        written = _side(rhs, by, reading, context, order)
    except _Outside:
        return None
    except _Unknown as error:
        return unverified(claim, str(error))
    computed, written = reading.unified(computed, written)
    head = _head(of, by, reading)
    outcome = _outcome(computed, written, reading, claim)
    expected = _tidy(reading.unified(_in_own_terms(of, reading), written)[0])
    if outcome.equal is None:
        return unverified(claim, f"{head}: {outcome.reason}")
    if outcome.equal:
        return right(claim, f"{head}: {show(expected)}, as written{_unknowns_note(computed)}")

    if reading.elsewhere:
        # a section may be another exercise, with a cost of its own: never wrong across them
        lines = ", ".join(str(line) for line in reading.elsewhere)
        return unverified(
            claim,
            f"{head}: it would be {show(expected)}, not the right side, but line(s) {lines} are "
            "in another section (a new exercise may define its own cost)",
        )

    def holds(_: Any, candidate: Any) -> bool | None:
        try:
            sides = reading.unified(computed, _side(candidate, by, reading, context, order))
        except (_Outside, _Unknown):
            return None
        return _outcome(sides[0], sides[1], reading, claim).equal

    return wrong(
        claim,
        f"{head}: it is {show(expected)}{_unknowns_note(computed)}, not the right side",
        expected=expected,
        witness=outcome.witness,
        diagnosis=diagnose(lhs, rhs, holds),
    )


def _scope_of_line(context: DocumentContext, line: int) -> int | None:
    """The section of the statement written on ``line`` (an activation's equation), or None."""
    for claim in context.claims.values():
        if claim.line == line:
            return claim.origin.scope
    for assumption in context.assumptions:
        if assumption.line == line:
            return assumption.scope
    for definition in context.definitions:
        if definition.line == line:
            return definition.scope
    return None


def _read_by(expr: Any) -> set[Any]:
    """The names ``expr`` reads, also as the parameters of a function it applies (``W`` and
    ``b`` in ``h_{W,b}(X)``).

    >>> W, b, X = sp.symbols("W b X")
    >>> sorted(_read_by(sp.Function("h_{W,b}")(X)), key=str)
    [W, X, b]
    """
    read = set(expr.free_symbols)
    for applied in expr.atoms(AppliedUndef):
        match = re.search(r"_\{?([^{}]*)\}?$", applied.func.__name__)
        if match is not None:
            read |= {sp.Symbol(name.strip()) for name in match.group(1).split(",")}
    return read


def _head(of: Any, by: Any, reading: _Reading) -> str:
    """``∂J/∂x[j] from J = … (line 59), h(X) = y^{(L)} (line 26), read at the entry j``."""
    steps = ", ".join(f"{used.text} (line {used.line})" for used in reading.used)
    head = f"∂{show(of)}/∂{show(by)} from {steps}"
    if reading.entry:
        at = ", ".join(show(i) for i in reading.entry)
        head += f", read at the entry {at} (one output, or one term per entry)"
    if reading.notes:
        head += f" ({'; '.join(reading.notes)})"
    return head


def _tidy(expr: Any) -> Any:
    """The derivative in the shortest of the forms a person writes: ``(f(x) - Y)·f'(x)``."""
    forms = [sp.factor_terms(sp.expand(expr)), sp.factor(expr), expr]
    return min(forms, key=lambda form: len(show(form)))


def _derivative(of: Any, reading: _Reading) -> Any:
    """∂of/∂(the entry) with the document's definitions, read at the entry."""
    value = reading.read(of, differentiated=True)
    if not reading.used:
        raise _Outside  # nothing the document defines: the calculus judge's
    variable = reading.variable
    if variable not in value.free_symbols:
        if not reading.entry:
            raise _Outside  # ∂y/∂x with y = max(x_1, x_2): a gradient by a vector, not ours
        raise _Unknown(
            f"{show(of)} as the document defines it does not read {reading.tensor}: "
            "how it depends on it is not written"
        )
    if reading.entry and not _separable(value):
        raise _Outside  # ½(t − g(w x))²: w x may be a dot product, not one term per entry
    computed = reading.computed() - {reading.tensor}
    for symbol in value.free_symbols:
        name = getattr(symbol, "name", "").split("[", 1)[0]
        if name in computed:
            raise _Unknown(f"{name} is computed by a formula not read here")
    value, notes = concrete(value)
    reading.notes.extend(n for n in notes if n not in reading.notes)
    return sp.diff(value, variable)


def _in_own_terms(of: Any, reading: _Reading) -> Any:
    """∂of/∂(the entry) as a person writes it: in the functions the document uses, a known
    one's derivative by its identity (σ' = σ(1 − σ))."""
    from symconv.check.judges.calculus import DERIVATIVE_IDENTITIES  # (calculus calls this module)

    derivative = sp.diff(reading.read(of, differentiated=True), reading.variable)

    def known(node: Any) -> bool:
        return (
            isinstance(node, sp.Derivative)
            and isinstance(node.expr, sp.Function)
            and len(node.expr.args) == 1
            and node.variables == node.expr.args
            and node.expr.func.__name__ in DERIVATIVE_IDENTITIES
        )

    return derivative.replace(
        known, lambda node: DERIVATIVE_IDENTITIES[node.expr.func.__name__](node.expr.args[0])
    )


# Separable costs. A cost written without indices, ``½(Y − h)²``, ``−(Y log h + (1 − Y) log(1 −
# h))``, means the same whether Y, h are single numbers or vectors whose entries it sums: a sum of
# terms, each a number times one quantity computed entry by entry, its square, or the product of
# two (a dot product, Σ_k Y_k log h_k, is one term per entry too). A product of two names inside
# a function (``g(w x)``, a dot product or an entrywise one?) or a higher power (‖a‖⁴ or Σ a_k⁴?)
# could mean two things, and is not read at the entry.
def _separable(expr: Any) -> bool:
    """True if the cost reads the same with single numbers and summed over entries.

    >>> Y, h, w, x = sp.symbols("Y h w x")
    >>> g = sp.Function("g")
    >>> _separable((Y - g(x)) ** 2 / 2), _separable(-(Y * sp.log(h) + (1 - Y) * sp.log(1 - h)))
    (True, True)
    >>> _separable((Y - g(w * x)) ** 2), _separable((Y - h) ** 4)
    (False, False)
    """
    for term in sp.Add.make_args(expr):
        _, rest = term.as_coeff_Mul()
        factors = [f for f in sp.Mul.make_args(rest) if f.free_symbols]
        if len(factors) > 2:
            return False
        for factor in factors:
            if isinstance(factor, sp.Pow) and factor.exp == 2 and len(factors) == 1:
                factor = factor.base
            if not _entrywise_value(factor):
                return False
    return True


def _entrywise_value(expr: Any) -> bool:
    """A quantity computed entry by entry from single names: names, numbers, sums, a number
    times one of them, one-argument functions of them — no product of two names."""
    if not expr.free_symbols or isinstance(expr, sp.Symbol):
        return True
    if isinstance(expr, sp.Add):
        return all(_entrywise_value(term) for term in expr.args)
    if isinstance(expr, sp.Mul):
        named = [f for f in expr.args if f.free_symbols]
        return len(named) == 1 and _entrywise_value(named[0])
    if isinstance(expr, (AppliedUndef, sp.Function)) and len(expr.args) == 1:
        return _entrywise_value(expr.args[0])
    return False


def _side(expr: Any, by: Any, reading: _Reading, context: DocumentContext, order: int) -> Any:
    """The right side: its derivatives by the same entry computed, the rest read at the entry."""
    mapping = {}
    for node in _derivatives_by(expr, by, context, order):
        target = _by_entry(node, context, order)
        if target is not None:
            mapping[node] = _derivative(target[0], reading)
    if mapping:
        expr = expr.xreplace(mapping)
    value = reading.read(expr)
    value, _ = concrete(value)
    return value.doit()


def _outcome(computed: Any, written: Any, reading: _Reading, claim: Claim) -> _Outcome:
    """The two sides compared with each undefined function's values as unknowns: exactly for
    rational expressions, else at points (the algebra judge's way)."""
    (left, right_side), unknowns = with_unknowns(computed, written)
    strangers = right_side.free_symbols - left.free_symbols
    if strangers:
        names = ", ".join(sorted(str(s) for s in strangers))
        return _Outcome(
            None, reason=f"the right side reads {names}, which the derivative does not: what "
            "it stands for is not written",
        )  # fmt: skip
    if sp.cancel(sp.together(left - right_side)) == 0:
        return _Outcome(True)
    variables = sorted(left.free_symbols | right_side.free_symbols, key=str)
    small = [
        dict(zip(variables, map(sp.Integer, values), strict=True))
        for values in itertools.islice(
            itertools.product((1, 2, 0, 3), repeat=len(variables)), SMALL_POINTS
        )
    ]
    rng = reading.context.rng_for(claim.line, claim.text)
    comparison = compare_at_points(left, right_side, variables, rng, simple=small)
    if comparison.equal is None:
        return _Outcome(None, reason=comparison.reason)
    if comparison.equal:
        return _Outcome(True)
    point = dict(comparison.point or {})
    if not unknowns.realisable(point):
        return _Outcome(None, reason="the sides differ only where no function takes the values")
    return _Outcome(False, witness=comparison.witness())


def _unknowns_note(expr: Any) -> str:
    """``, for any f_a (not defined: …)`` when the derivative holds an undefined function."""
    functions = sorted({a.func.__name__ for a in expr.atoms(AppliedUndef)})
    if not functions:
        return ""
    names = ", ".join(functions)
    return f", for any {names} (not defined: its value and slope at the entry are unknowns)"
