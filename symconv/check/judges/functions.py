"""The functions of the field by name: what ``\\sigma(z)``, ``\\mathrm{ReLU}(z)`` mean in a claim.

The parser keeps ``\\sigma(z)`` as an applied undefined function ``sigma(z)`` (it cannot know
what σ is); the judges read the conventional names as these functions, and say so in their
messages. A name the document defines itself (``\\sigma(z) = \\max(0, z)``) is substituted from
the document context first (:mod:`symconv.check.judges.resolve`), so its own meaning wins.

    >>> import sympy as sp
    >>> z = sp.Symbol("z")
    >>> expr, notes = concrete(sp.Function("sigma")(z) + sp.Function("relu")(z))
    >>> expr
    Max(0, z) + 1/(1 + exp(-z))
    >>> notes
    ('σ read as the logistic function 1/(1 + e^{-z})',)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

__all__ = ["ELEMENTWISE", "concrete", "is_known"]


# σ(x) = 1 / (1 + e^{−x}), the logistic sigmoid; ζ(x) = log(1 + e^x), the softplus
# (Goodfellow, Bengio & Courville, *Deep Learning*, 2016, §3.10); ReLU(x) = max(0, x)
# (ibid. §6.3.1).
def _logistic(x: Any) -> Any:
    return 1 / (1 + sp.exp(-x))


#: Name → (the function of one argument, the note a message carries, or "").
ELEMENTWISE: dict[str, tuple[Callable[[Any], Any], str]] = {
    "sigma": (_logistic, "σ read as the logistic function 1/(1 + e^{-z})"),
    "sigmoid": (_logistic, ""),
    "logistic": (_logistic, ""),
    "relu": (lambda x: sp.Max(0, x), ""),
    "softplus": (lambda x: sp.log(1 + sp.exp(x)), ""),
    "tanh": (sp.tanh, ""),
    "exp": (sp.exp, ""),
    "log": (sp.log, ""),
}


def is_known(name: str) -> bool:
    return name in ELEMENTWISE


def concrete(expr: Any) -> tuple[Any, tuple[str, ...]]:
    """``expr`` with the conventional functions of one argument made concrete, and the notes
    saying how a name was read."""
    if isinstance(expr, sp.MatrixBase):
        notes: list[str] = []
        entries = []
        for entry in expr:
            value, more = concrete(entry)
            entries.append(value)
            notes.extend(more)
        return sp.ImmutableMatrix(expr.rows, expr.cols, entries), tuple(dict.fromkeys(notes))
    if not isinstance(expr, sp.Basic):
        return expr, ()
    mapping = {}
    notes = []
    for applied in expr.atoms(AppliedUndef):
        name = applied.func.__name__
        if name in ELEMENTWISE and len(applied.args) == 1:
            function, note = ELEMENTWISE[name]
            mapping[applied] = function(applied.args[0])
            if note:
                notes.append(note)
    if not mapping:
        return expr, ()
    # Inner applications first (σ(σ(z))): repeat until nothing is left to replace.
    result = expr.xreplace(mapping)
    if result.atoms(AppliedUndef) & set(mapping):
        result, more = concrete(result)
        notes.extend(more)
    return result, tuple(dict.fromkeys(notes))


def at_a_kink(expr: Any) -> str | None:
    """Why a derivative taken at a number proves nothing there: the point is a kink of the
    function (``ReLU'(0)``: a step whose value at 0 is a convention — 0 in most libraries, 1 or
    ½ in others — not a derivative); None otherwise."""
    if not isinstance(expr, sp.Basic):
        return None
    for at in expr.atoms(sp.Subs):
        derivative = at.expr
        if not isinstance(derivative, sp.Derivative):
            continue
        try:
            taken = derivative.doit()
        except (ValueError, TypeError, NotImplementedError):
            continue
        steps = taken.atoms(sp.Heaviside, sp.sign, sp.DiracDelta) if taken is not None else set()
        point = dict(zip(at.variables, at.point, strict=True))
        for step in steps:
            if sp.simplify(step.args[0].xreplace(point)) == 0:
                return (
                    "the function has a kink there: its derivative at that point is a "
                    "convention (0, 1 or ½ by library), not a value to check"
                )
    return None
