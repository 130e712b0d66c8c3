"""Pointwise functions of index formulas that SymPy lacks, with the derivative the field uses.

* ``sigmoid(x) = 1/(1 + e^{-x})``, ``σ'(x) = σ(x)(1 − σ(x))`` (Goodfellow et al. 2016, eq. 3.31;
  nndl §4.1.1) — kept as a function so that the derivative reads ``σ(1 − σ)``, not
  ``e^{-x}/(1 + e^{-x})^2``;
* ``relu(x) = max(0, x)``, ``relu'(x) = H(x)`` with ``H(0) = 0`` — the subgradient deep-learning
  libraries use at the kink (PyTorch's ``threshold_backward``).

Both evaluate at numbers (exactly where the value is exact, numerically at floats), print as the
field writes them, and lambdify to NumPy.

    >>> import sympy as sp
    >>> from symconv.latex import latex
    >>> x = sp.Symbol("x")
    >>> sp.diff(sigmoid(x), x)
    (1 - sigmoid(x))*sigmoid(x)
    >>> sigmoid(0), relu(-3), relu(sp.Rational(5, 2))
    (1/2, 0, 5/2)
    >>> sp.diff(relu(x), x)
    Heaviside(x, 0)
    >>> print(latex(sigmoid(x)), latex(relu(x)))
    \\sigma\\left(x\\right) \\operatorname{relu}\\left(x\\right)
    >>> float(sp.lambdify(x, sigmoid(x), "numpy")(0.0))
    0.5
"""

from __future__ import annotations

from typing import Any

import sympy as sp


class sigmoid(sp.Function):
    """The logistic function ``σ(x) = 1/(1 + e^{-x})``."""

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_zero:
            return sp.Rational(1, 2)
        if isinstance(x, sp.Float):
            return 1 / (1 + sp.exp(-x))
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        return self * (1 - self)

    def _eval_rewrite_as_exp(self, x: sp.Expr, **kwargs: Any) -> sp.Expr:
        return 1 / (1 + sp.exp(-x))

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return (1 / (1 + sp.exp(-self.args[0])))._eval_evalf(prec)

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _eval_is_positive(self) -> bool | None:
        return True if self.args[0].is_real else None

    def _latex(self, printer: Any, exp: Any = None) -> str:
        text = rf"\sigma\left({printer._print(self.args[0])}\right)"
        return text if exp is None else rf"{text}^{{{exp}}}"

    def _numpycode(self, printer: Any) -> str:
        return str(printer._print(self.rewrite(sp.exp)))

    _pythoncode = _numpycode


class relu(sp.Function):
    """The rectifier ``max(0, x)``; its derivative at 0 is taken as 0 (libraries' subgradient)."""

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_number and x.is_real:
            return x if x > 0 else sp.Integer(0)
        if x.is_nonnegative:
            return x
        if x.is_nonpositive:
            return sp.Integer(0)
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        return sp.Heaviside(self.args[0], 0)

    def _eval_rewrite_as_Max(self, x: sp.Expr, **kwargs: Any) -> sp.Expr:
        return sp.Max(0, x)

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _eval_is_nonnegative(self) -> bool | None:
        return True if self.args[0].is_real else None

    def _latex(self, printer: Any, exp: Any = None) -> str:
        text = rf"\operatorname{{relu}}\left({printer._print(self.args[0])}\right)"
        return text if exp is None else rf"{text}^{{{exp}}}"

    def _numpycode(self, printer: Any) -> str:
        return f"{printer._module_format('numpy.maximum')}(0, {printer._print(self.args[0])})"


#: The functions the string form of an index formula knows, by the name written there.
FUNCTIONS: dict[str, Any] = {
    "exp": sp.exp,
    "log": sp.log,
    "sqrt": sp.sqrt,
    "tanh": sp.tanh,
    "sigmoid": sigmoid,
    "σ": sigmoid,
    "relu": relu,
    "max": sp.Max,
    "min": sp.Min,
    "abs": sp.Abs,
    "floor": sp.floor,
    "ceil": sp.ceiling,
}

#: How many arguments each function takes (``None``: two or more).
ARITY: dict[str, int | None] = {name: (None if name in ("max", "min") else 1) for name in FUNCTIONS}
