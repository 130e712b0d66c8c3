r"""The gradient of a batch cost: ``∂J(W, b)/∂W = (1/m) Σ_k ∂J(W, b; Y^{(k)}, X^{(k)})/∂W``.

Differentiation is linear, ∂/∂w (c Σ_k J_k) = c Σ_k ∂J_k/∂w (Rudin, *Principles of Mathematical
Analysis*, Thm 5.3), and a batch cost is the mean of the per-sample costs (Goodfellow et al.,
*Deep Learning*, §5.9, eq. 5.96) — when the document says so. The claim is

* **right** when the document defines the batch cost as that factor times that sum of the
  per-sample costs (``J(W, b) = \frac1m \sum_k J(W, b; Y^{(k)}, X^{(k)})``);
* **wrong** when it defines it with another factor (the sum, and the claim takes the mean);
* **unverified** when it does not define it, with what would make it right.

    >>> from symconv.check.api import check
    >>> doc = ("$$J(W,b;Y,X) = \\frac{1}{2}(Y - h_{W,b}(X))^2$$\n\n"
    ...        "$$\\frac{\\partial}{\\partial W_{ji}} J(W,b) = \\frac{1}{m}\\sum_{k=1}^m "
    ...        "\\frac{\\partial}{\\partial W_{ji}} J(W,b; Y^{(k)}, X^{(k)})$$\n")
    >>> import textwrap
    >>> print(textwrap.fill(check(doc).judgements[-1].message, 90))
    not verified: J(W, b) is not defined: right if it is the mean of the per-sample costs, 1/m
    Σ_k J(W, b, Y^{(k)}, X^{(k)})
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

from symconv.check import nodes
from symconv.check.context import Definition, DocumentContext, claim_id, claim_scope
from symconv.check.defined_names import latest_definition
from symconv.check.judges.verdicts import right, unverified, wrong
from symconv.check.model import Claim, Judgement
from symconv.check.shown import show

__all__ = ["judge_batch_gradient"]


@dataclass(frozen=True)
class _Total:
    """``factor · Σ_{index=low}^{high} term``."""

    factor: Any
    term: Any
    index: Any
    low: Any
    high: Any

    def renamed(self, index: Any) -> _Total:
        term = self.term.xreplace({self.index: index})
        return _Total(self.factor, term, index, self.low, self.high)

    @property
    def count(self) -> Any:
        return sp.simplify(self.high - self.low + 1)


def _total(expr: Any) -> _Total | None:
    """``expr`` as ``c · Σ_k term`` over one index with limits, or None."""
    if not isinstance(expr, sp.Basic):
        return None
    factor, rest = sp.Integer(1), expr
    if isinstance(expr, sp.Mul):
        sums = [a for a in expr.args if isinstance(a, sp.Sum)]
        if len(sums) != 1:
            return None
        rest = sums[0]
        factor = sp.Mul(*[a for a in expr.args if a is not rest])
    if not isinstance(rest, sp.Sum) or len(rest.limits) != 1:
        return None
    index, low, high = rest.limits[0]
    if index in factor.free_symbols or low in (-sp.oo,) or high in (sp.oo,):
        return None
    return _Total(factor, rest.function, index, low, high)


def judge_batch_gradient(
    claim: Claim, of: Any, by: Any, context: DocumentContext
) -> Judgement | None:
    """``∂J/∂w = (1/m) Σ_k ∂J_k/∂w``: right when the document defines J as that mean of the
    J_k; unverified with what is missing when it does not."""
    written = _total(claim.sides[1])
    if written is None:
        return None
    term = written.term
    if not (isinstance(term, nodes.Partial) and len(term.args) == 2 and term.args[1] == by):
        return None
    per_sample = term.args[0]
    if not _mentions(per_sample, written.index) or _mentions(of, written.index):
        return None
    mean = sp.simplify(written.factor * written.count - 1) == 0
    order, scope = claim_id(claim), claim_scope(claim)
    definition, value = _value_of(of, context, order, scope)
    if value is None:
        kind = "the mean" if mean else f"{show(written.factor)} times the sum"
        return unverified(
            claim,
            f"{show(of)} is not defined: right if it is {kind} of the per-sample costs, "
            f"{show(written.factor)} Σ_{show(written.index)} {show(per_sample)}",
        )
    defined = _total(value)
    if defined is None or definition is None:
        return None
    defined = defined.renamed(written.index)
    if (defined.term, defined.low, defined.high) != (per_sample, written.low, written.high):
        return None
    line = definition.line
    if sp.simplify(defined.factor - written.factor) == 0:
        return right(
            claim,
            f"{show(of)} = {show(value)} (line {line}): the derivative of a sum is the sum of "
            "the derivatives",
        )
    if definition.scope not in (scope, 0):
        return unverified(
            claim,
            f"{show(of)} = {show(value)} (line {line}) would give {show(defined.factor)} Σ, but "
            "that line is in another section (a new exercise may define its own cost)",
        )
    return wrong(
        claim,
        f"{show(of)} = {show(value)} (line {line}), so its derivative is "
        f"{show(defined.factor)} Σ_{show(written.index)} ∂{show(per_sample)}/∂{show(by)}",
        expected=defined.factor * sp.Sum(term, (written.index, written.low, written.high)),
        witness=(
            f"when every per-sample derivative is 1: {show(written.factor * written.count)} ≠ "
            f"{show(defined.factor * defined.count)}"
        ),
    )


def _mentions(expr: Any, index: Any) -> bool:
    """True if ``expr`` reads ``index``: as a symbol, or as the tag of a name (``Y^{(k)}``,
    ``X_{k}``: the k-th sample).

    >>> k = sp.Symbol("k")
    >>> _mentions(sp.Function("J")(sp.Symbol("Y^{(k)}")), k), _mentions(sp.Symbol("Y"), k)
    (True, False)
    """
    if index in expr.free_symbols:
        return True
    tag = re.compile(rf"[\^_]\{{?\(?{re.escape(str(index))}\)?\}}?(?![A-Za-z0-9])")
    names = [s.name for s in expr.free_symbols if isinstance(s, sp.Symbol)]
    names += [str(b.label) for b in expr.atoms(sp.IndexedBase)]
    return any(tag.search(name) for name in names)


def _value_of(
    of: Any, context: DocumentContext, order: int, scope: int
) -> tuple[Definition | None, Any]:
    """The definition of ``of`` (a name, or a function at its arguments) and its value there."""
    if isinstance(of, sp.Symbol):
        definition = latest_definition(context, of.name, order, scope)
        if definition is None or isinstance(definition.value, sp.Lambda):
            return None, None
        return definition, definition.value
    if isinstance(of, AppliedUndef):
        definition = latest_definition(context, of.func.__name__, order, scope, len(of.args))
        if definition is None:
            return None, None
        return definition, definition.value(*of.args)
    return None, None
