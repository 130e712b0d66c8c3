"""Worked formulas: the user's sizes validated, handcalcs-style steps, and their numeric twins.

Shared by the shape arithmetic (:mod:`symconv.sizes.shapes`) and the cost arithmetic
(:mod:`symconv.sizes.costs`): a size is checked once (:func:`size_parameter`), a formula is shown as
symbols → the user's numbers → the result (:func:`worked_steps`), and its closed form is compared
with an independent count at random sizes (:func:`symbolic_twin`).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import sympy as sp

from symconv.core.derivation import NumericTwin, Step
from symconv.core.safe import as_sympy
from symconv.errors import ShapeError


# ----------------------------------------------------------------------------------------------
# Validation of the user's sizes
# ----------------------------------------------------------------------------------------------
def size_parameter(value: object, name: str, minimum: int, hint: str = "") -> sp.Expr:
    """``value`` as a SymPy integer ≥ ``minimum``, or a ShapeError naming it and its value.

    Ints (not bools), NumPy integers and SymPy expressions known to be integers are accepted;
    a symbolic value is rejected only when it is known to be below ``minimum``.

    >>> size_parameter(3, "kernel size k", 1)
    3
    >>> size_parameter(0, "stride s", 1, "a stride of 0 never advances the window")
    Traceback (most recent call last):
    ...
    symconv.errors.ShapeError: stride s=0: must be an integer ≥ 1 (a stride of 0 never advances \
the window)
    >>> size_parameter(2.5, "padding p", 0)
    Traceback (most recent call last):
    ...
    symconv.errors.ShapeError: padding p=2.5: expected an integer (or a SymPy integer \
expression), got float
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral | sp.Expr):
        raise ShapeError(
            f"{name}={value!r}: expected an integer (or a SymPy integer expression), "
            f"got {type(value).__name__}"
        )
    expr = value if isinstance(value, sp.Expr) else sp.Integer(int(value))
    if expr.is_integer is not True:
        if expr.is_number:
            raise ShapeError(f"{name}={expr}: not an integer")
        unknown = sorted(str(symbol) for symbol in expr.free_symbols if not symbol.is_integer)
        raise ShapeError(
            f"{name}={expr}: not known to be an integer; declare its symbols as integers, "
            f"e.g. sp.Symbol({unknown[0] if unknown else 'n'!r}, integer=True)"
        )
    if (expr - minimum).is_negative:
        detail = f" ({hint})" if hint else ""
        raise ShapeError(f"{name}={expr}: must be an integer ≥ {minimum}{detail}")
    return expr


def display_size(expr: sp.Expr) -> str:
    """A size as it appears inside an error message: ``3``, ``k`` or ``(2*t + 1)``."""
    return str(expr) if expr.is_Atom else f"({expr})"


# ----------------------------------------------------------------------------------------------
# Worked steps and numeric twins shared by every formula
# ----------------------------------------------------------------------------------------------
def worked_steps(
    lhs: Any, formula: sp.Expr, values: Mapping[sp.Symbol, sp.Expr], result: Any, reason: str
) -> tuple[Step, ...]:
    """``lhs = formula = formula(with the values) = result``, without links that repeat.

    The substituted line is left to the LaTeX printer, which parenthesises compound values
    (``2t + 1``) and keeps the formula's shape.

    >>> import sympy as sp
    >>> o, k = sp.symbols("o k", integer=True)
    >>> steps = worked_steps(o, k + 1, {k: sp.Integer(3)}, sp.Integer(4), "")
    >>> [(step.lhs, step.rhs, dict(step.values or {})) for step in steps]
    [(o, k + 1, {}), (None, k + 1, {k: 3}), (None, 4, {})]
    """
    steps = [Step(lhs, formula, reason=reason)]
    relevant = {
        letter: value
        for letter, value in values.items()
        if letter in formula.free_symbols and letter != value
    }
    result = as_sympy(result)
    if relevant:
        steps.append(Step(None, formula, values=relevant))
        steps.append(Step(None, result))
    elif result != formula.doit():
        steps.append(Step(None, result))
    return tuple(steps)


def _sample_value(symbol: sp.Symbol, rng: np.random.Generator) -> int:
    low = 1 if symbol.is_positive else 0 if symbol.is_nonnegative else -4
    return int(rng.integers(low, 13))


def symbolic_twin(
    name: str,
    letters: Mapping[sp.Symbol, sp.Expr],
    answer: sp.Expr,
    general: sp.Expr,
    reference: Callable[..., int],
    valid: Callable[..., bool],
) -> NumericTwin | None:
    """The closed form, lambdified, against an independent brute-force ``reference``.

    ``letters`` maps the formula's letters to the user's values. When the values contain free
    symbols (``i``, ``t`` in ``k = 2t + 1``), the twin samples those symbols and compares the
    lambdified ``answer``; when they are all numbers, it samples the letters themselves and
    compares the lambdified ``general`` formula. ``reference`` and ``valid`` take the letters'
    integer values as keyword arguments named after the letters. Returns None when no legal
    sample exists (the twin would have nothing to compare).
    """
    free: set[sp.Symbol] = set()
    for value in letters.values():
        free |= as_sympy(value).free_symbols
    if free:
        expression, variables = answer, sorted(free, key=str)
        substitutions = dict(letters)
    else:
        # Letters absent from the general formula (G when there is one group) keep their value.
        expression = general
        variables = sorted(
            (letter for letter in letters if letter in general.free_symbols), key=str
        )
        substitutions = {
            letter: letter if letter in variables else as_sympy(value)
            for letter, value in letters.items()
        }
    names = [f"v{index}" for index in range(len(variables))]
    compiled: list[Callable[..., Any]] = []

    def sizes_at(point: Mapping[sp.Symbol, int]) -> dict[str, int]:
        return {
            letter.name: point[value] if value in point else int(value.xreplace(point))
            for letter, value in substitutions.items()
        }

    def draw(rng: np.random.Generator) -> dict[str, Any]:
        for _ in range(500):
            point = {symbol: _sample_value(symbol, rng) for symbol in variables}
            if valid(**sizes_at(point)):
                return dict(zip(names, (point[symbol] for symbol in variables), strict=True))
        raise ShapeError(f"{name}: no legal sizes found to sample the numeric twin")

    def function(**arguments: int) -> Any:
        if not compiled:
            compiled.append(sp.lambdify(variables, expression, modules="numpy"))
        return compiled[0](*(arguments[n] for n in names))

    def brute(**arguments: int) -> int:
        point = {symbol: arguments[n] for n, symbol in zip(names, variables, strict=True)}
        return reference(**sizes_at(point))

    if free:
        try:
            draw(np.random.default_rng(0))
        except ShapeError:
            return None
    return NumericTwin(name, function, brute, draw)
