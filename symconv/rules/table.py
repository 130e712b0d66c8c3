"""The rule table: one :class:`Rule` per operation — its index-form forward, one backward per
differentiable argument, its LaTeX name — and the registry that holds them.

Each backward is *derived*, then stored in a readable form: the differentiator
(:func:`symconv.grad.differentiate.derive_backward`) produces it from the forward, and the
simplified form written in the table is proven equal to what it produces (exactly, at the rule's
cases: :mod:`symconv.rules.proof`). Where the differentiator cannot produce it, the rule carries
the hand derivation as steps (``by_hand``), with its source, and is proven by the same
obligations. The derivation of every rule is written in a comment above its registration, in the
field's notation, citing its source (STYLE.md, points 1–2); the families live in their own modules
(:mod:`~symconv.rules.conv`, :mod:`~symconv.rules.pooling`, :mod:`~symconv.rules.normalization`,
:mod:`~symconv.rules.activations`, :mod:`~symconv.rules.losses`,
:mod:`~symconv.rules.structural`).

    >>> from symconv.rules import get_rule
    >>> sigmoid = get_rule("sigmoid")
    >>> print(sigmoid.forward_formula.latex())
    U[i, j] = \\sigma\\left(Z[i, j]\\right)
    >>> print(sigmoid.backward_formula("Z").latex())
    \\frac{\\partial J}{\\partial Z[i, j]} = \\left(1 - U[i, j]\\right)
    \\frac{\\partial J}{\\partial U[i, j]} U[i, j]
    >>> d = sigmoid.gradient("Z")
    >>> [step.reason.split(":")[0] for step in d.steps][:2]
    ['chain rule', 'differentiate']
    >>> d.check().passed
    True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import sympy as sp

from symconv.core.derivation import Derivation, Step
from symconv.core.latex import Notation, latex
from symconv.core.safe import as_sympy
from symconv.errors import ConventionError, DerivationError, ShapeError
from symconv.grad.formula import IndexFormula, as_index_formula, size_symbol, tensor_name
from symconv.grad.notation import gradient_base, gradient_label

#: Where a rule's inputs are drawn from in its checks: any real number, positive numbers (the
#: argument of a log), rows that are probability vectors (sum 1 along the last axis), or values
#: that are all distinct (no ties at a max; nonzero at a kink).
Domain = Literal["real", "positive", "probability", "distinct"]
DOMAINS: tuple[str, ...] = ("real", "positive", "probability", "distinct")

#: A formula as the table writes it: the string form, an ``IndexFormula``, or a function
#: building one (a big rule is a named function right above its registration).
FormulaSource = str | IndexFormula | Callable[[], IndexFormula]

#: The scalar the table differentiates.
UPSTREAM = "J"


@dataclass(frozen=True)
class Rule:
    """One operation of the table (see the module docstring).

    ``forward`` and each ``backward[name]`` are formula sources; ``definitions`` are tensors the
    backward formulas read that the forward computes (``U = σ(Z)`` in ``U(1 − U)``); ``cases``
    bind the sizes and parameters (by name) at which every obligation is checked — a rule without
    cases is refused; ``positive`` names symbols assumed positive (a stride ``s``); ``by_hand``
    maps an argument the differentiator cannot handle to its hand derivation; ``smooth=False``
    marks a piecewise rule (max, ReLU), checked at points off its kinks; ``check_at_points``
    compares with ``sympy.diff`` at rational points rather than over symbols (radicals, where
    symbolic simplification is slow). ``explicit`` computes the forward entry by entry on
    SymPy tensors where the index form cannot be carried out over symbols (a max compares
    entries): the exact check differentiates it.
    """

    name: str
    family: str
    title: str
    latex_name: str
    forward: FormulaSource
    backward: Mapping[str, FormulaSource]
    cases: tuple[Mapping[str, int], ...]
    source: str
    conventions: tuple[str, ...] = ()
    definitions: tuple[FormulaSource, ...] = ()
    domains: Mapping[str, Domain] = field(default_factory=dict)
    positive: tuple[str, ...] = ()
    smooth: bool = True
    check_at_points: bool = False
    explicit: Callable[[Mapping[str, Any], Mapping[str, int]], Any] | None = None

    def __post_init__(self) -> None:
        if not self.cases:
            raise ShapeError(f"rule {self.name}: give at least one case (sizes to check it at)")
        for tensor, domain in self.domains.items():
            if domain not in DOMAINS:
                raise ConventionError(f"rule {self.name}: domain {domain!r} of {tensor}")

    # -- formulas ------------------------------------------------------------------------------
    @cached_property
    def forward_formula(self) -> IndexFormula:
        """The forward pass in index form."""
        return self._assume(_build(self.forward, {}))

    @cached_property
    def definition_formulas(self) -> tuple[IndexFormula, ...]:
        known = dict(self.forward_formula.shapes)
        formulas = []
        for source in self.definitions:
            formula = self._unify(self._assume(_build(source, known)))
            formulas.append(formula)
            known[tensor_name(formula.output)] = _output_shape(formula)
        return tuple(formulas)

    @property
    def arguments(self) -> tuple[str, ...]:
        """The tensors with a backward pass, in table order."""
        return tuple(self.backward)

    @property
    def output(self) -> str:
        return tensor_name(self.forward_formula.output)

    def backward_formula(self, wrt: str) -> IndexFormula:
        """The stored, readable ``∂J/∂wrt`` in index form."""
        return self._backward_formulas[self._argument(wrt)]

    def backward_formulas(self) -> dict[str, IndexFormula]:
        return dict(self._backward_formulas)

    @cached_property
    def _backward_formulas(self) -> dict[str, IndexFormula]:
        forward = self.forward_formula
        known: dict[str, tuple[sp.Expr, ...]] = dict(forward.shapes)
        for definition in self.definition_formulas:
            known[tensor_name(definition.output)] = _output_shape(definition)
        known[gradient_label(UPSTREAM, self.output)] = _output_shape(forward)
        formulas = {}
        for wrt, source in self.backward.items():
            shapes = {**known, gradient_label(UPSTREAM, wrt): tuple(forward.shapes[wrt])}
            formulas[wrt] = self._unify(self._assume(_build(source, shapes)))
        return formulas

    def _unify(self, formula: IndexFormula) -> IndexFormula:
        """Sizes and parameters written in a backward or definition as in the forward: a ``C``
        read outside any limit is the forward's size ``C``, not a new real scalar."""
        forward = self.forward_formula
        by_name = {s.name: s for s in (*forward.size_symbols, *forward.parameters)}
        mapping = {
            s: by_name[s.name]
            for s in _all_symbols(formula)
            if isinstance(s, sp.Symbol) and s.name in by_name and s != by_name[s.name]
        }
        unified = substitute(formula, mapping)
        shapes = {**forward.shapes, **unified.shapes}
        return IndexFormula(unified.lhs, unified.rhs, unified.ranges, shapes, unified.text)

    def _assume(self, formula: IndexFormula) -> IndexFormula:
        """Symbols named in ``positive`` made positive integers (so that a stride divides)."""
        if not self.positive:
            return formula
        mapping = {
            s: size_symbol(s.name)
            for s in _all_symbols(formula)
            if isinstance(s, sp.Symbol) and s.name in self.positive
        }
        return substitute(formula, mapping)

    def _argument(self, wrt: str) -> str:
        if wrt not in self.backward:
            raise DerivationError(
                f"rule {self.name} has no backward pass for {wrt!r} (it has {list(self.backward)})"
            )
        return wrt

    @property
    def parameters(self) -> tuple[str, ...]:
        """Names of the forward's parameters (stride ``s``, ``ε``, slope ``a``...)."""
        return tuple(s.name for s in self.forward_formula.parameters)

    # -- derivations ---------------------------------------------------------------------------
    def engine_derivation(self, wrt: str) -> Derivation:
        """What :func:`~symconv.grad.differentiate.derive_backward` produces for ``wrt``."""
        return self._engine[self._argument(wrt)]

    @cached_property
    def _engine(self) -> _EngineCache:
        return _EngineCache(self)

    def gradient(self, wrt: str, *, notation: Notation = "bracket") -> Derivation:
        """``∂J/∂wrt`` as a :class:`~symconv.core.derivation.Derivation`: the differentiator's steps
        (chain rule, Kronecker deltas, re-indexing), then the stored readable form; its checks
        are the three proof obligations at the rule's first case."""
        from symconv.grad.differentiate import BackwardParts
        from symconv.rules.proof import derivation_checks

        wrt = self._argument(wrt)
        stored = self.backward_formula(wrt)
        conventions = list(self.conventions)
        engine = self.engine_derivation(wrt)
        steps = list(engine.steps)
        conventions += [c for c in engine.conventions if c not in conventions]
        if latex(engine.answer) != latex(stored.rhs):
            steps.append(
                Step(
                    None,
                    stored.rhs,
                    "=",
                    "the rule table's readable form (proven equal to the line above)",
                )
            )
        upstream = gradient_base(UPSTREAM, self.output)
        parts = BackwardParts(
            forward=self.forward_formula,
            backward=stored,
            wrt=wrt,
            upstream=upstream,
            substitutions=(),
            definitions=self.definition_formulas,
        )
        return Derivation(
            title=f"{self.title}: gradient with respect to {wrt}",
            steps=tuple(steps),
            answer=stored.rhs,
            answer_lhs=stored.lhs,
            conventions=tuple(conventions),
            checks=derivation_checks(self, wrt),
            question=f"Given {upstream}, derive ∂{UPSTREAM}/∂{wrt} for {self.title.lower()}",
            notation=notation,
            details={
                "rule": self,
                "forward": self.forward_formula,
                "backward": stored,
                "parts": parts,
                "engine": engine,
            },
        )

    def gradients(self, *, notation: Notation = "bracket") -> dict[str, Derivation]:
        """:meth:`gradient` for every argument."""
        return {wrt: self.gradient(wrt, notation=notation) for wrt in self.arguments}

    def latex(self, notation: Notation = "bracket") -> str:
        """The rule's row of the table: forward and every backward, one ``aligned`` block."""
        rows = [_equation_row(self.forward_formula, notation, "forward")]
        for wrt in self.arguments:
            rows.append(_equation_row(self.backward_formula(wrt), notation, f"backward, {wrt}"))
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def export(self, values: Mapping[str, Any] | None = None) -> Any:
        """The rule as NumPy (and PyTorch) code: :func:`symconv.export.export_layer`."""
        from symconv.export import export_layer

        return export_layer(self, values=values, name=self.name)


class _EngineCache:
    """``derive_backward`` results of one rule, computed on first use."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.cache: dict[str, Derivation] = {}

    def __getitem__(self, wrt: str) -> Derivation:
        if wrt not in self.cache:
            from symconv.grad.differentiate import derive_backward

            self.cache[wrt] = derive_backward(self.rule.forward_formula, wrt, upstream=UPSTREAM)
        return self.cache[wrt]


def _equation_row(formula: IndexFormula, notation: Notation, reason: str) -> str:
    lhs = latex(formula.lhs, notation=notation)
    rhs = latex(formula.rhs, notation=notation)
    return f"{lhs} &= {rhs} && \\text{{{reason}}}"


def _build(source: FormulaSource, known: Mapping[str, Sequence[sp.Expr]]) -> IndexFormula:
    if isinstance(source, IndexFormula):
        return source
    if isinstance(source, str):
        from symconv.grad.grammar import parse_index_formula

        return parse_index_formula(source, known_shapes=known)
    if callable(source):
        return as_index_formula(source())
    raise ShapeError(f"cannot read {source!r} as a formula of the rule table")


def _output_shape(formula: IndexFormula) -> tuple[sp.Expr, ...]:
    return tuple(upper - lower + 1 for _, lower, upper in formula.ranges)


def _all_symbols(formula: IndexFormula) -> set[sp.Basic]:
    found: set[sp.Basic] = set(formula.rhs.free_symbols)
    for _, lower, upper in formula.ranges:
        found |= lower.free_symbols | upper.free_symbols
    for sizes in formula.shapes.values():
        for size in sizes:
            found |= as_sympy(size).free_symbols
    for node in sp.preorder_traversal(formula.rhs):
        if isinstance(node, sp.Sum):
            for limit in node.limits:
                for part in limit[1:]:
                    found |= part.free_symbols
    return found


def substitute(formula: IndexFormula, mapping: Mapping[sp.Basic, sp.Basic]) -> IndexFormula:
    """``formula`` with symbols (or tensor bases) replaced everywhere: left side, right side,
    ranges and shapes."""
    if not mapping:
        return formula
    return IndexFormula(
        lhs=formula.lhs.xreplace(mapping),
        rhs=formula.rhs.xreplace(mapping),
        ranges=tuple(
            (index.xreplace(mapping), lower.xreplace(mapping), upper.xreplace(mapping))
            for index, lower, upper in formula.ranges
        ),
        shapes={
            name: tuple(as_sympy(size).xreplace(mapping) for size in sizes)
            for name, sizes in formula.shapes.items()
        },
        text=formula.text,
    )


# ----------------------------------------------------------------------------------------------
# The registry
# ----------------------------------------------------------------------------------------------
RULES: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    """Add ``rule`` to the table (names are unique)."""
    if rule.name in RULES:
        raise ConventionError(f"a rule named {rule.name!r} is already registered")
    RULES[rule.name] = rule
    return rule


def get_rule(name: str) -> Rule:
    """The registered rule ``name``."""
    _load_families()
    if name not in RULES:
        raise ConventionError(f"no rule named {name!r}; the table has {sorted(RULES)}")
    return RULES[name]


def all_rules(family: str | None = None) -> tuple[Rule, ...]:
    """Every registered rule (of one family), in registration order."""
    _load_families()
    return tuple(r for r in RULES.values() if family is None or r.family == family)


FAMILIES: tuple[str, ...] = (
    "conv",
    "pooling",
    "structural",
    "normalization",
    "activations",
    "losses",
)


def _load_families() -> None:
    import importlib

    for family in FAMILIES:
        importlib.import_module(f"symconv.rules.{family}")


__all__ = [
    "DOMAINS",
    "FAMILIES",
    "RULES",
    "Domain",
    "FormulaSource",
    "Rule",
    "all_rules",
    "get_rule",
    "register",
    "substitute",
]
