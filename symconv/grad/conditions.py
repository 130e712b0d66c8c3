"""Range and divisibility conditions of closed-form gradients, and the Iverson bracket.

When a Kronecker delta fixes a summation index, ``δ(j + k, p)`` with ``0 ≤ j ≤ O − 1``, the
term survives only where the solution ``j = p − k`` is in range: the closed form carries the
condition as an Iverson bracket ``[0 ≤ p − k ≤ O − 1]`` (Knuth, *Two notes on notation*, 1992),
which is 1 where the condition holds and 0 elsewhere. With a stride, ``2 j + k = p`` also needs
``2 | p − k``, written ``(p − k) mod 2 = 0``.

    >>> import sympy as sp
    >>> from symconv.core.latex import latex
    >>> p, k, O = sp.symbols("p k O", integer=True)
    >>> bracket = Iverson(sp.And(InRange(p - k, 0, O - 1), divides(2, p - k)))
    >>> print(latex(bracket))
    \\left[\\left(- k + p\\right) \\bmod 2 = 0 \\wedge 0 \\leq - k + p \\leq O - 1\\right]
    >>> bracket.xreplace({p: 4, k: 2, O: 3})
    1
    >>> bracket.xreplace({p: 4, k: 1, O: 3}), bracket.xreplace({p: 9, k: 1, O: 3})
    (0, 0)
    >>> as_piecewise(bracket * k)
    Piecewise((k, (k - p <= 0) & (O >= -k + p + 1) & Eq(Mod(-k + p, 2), 0)), (0, True))
"""

from __future__ import annotations

from typing import Any

import sympy as sp
from sympy.logic.boolalg import Boolean

from symconv.core.safe import as_sympy


class InRange(Boolean):
    """``lower ≤ expr ≤ upper`` (either bound may be infinite); decides itself at numbers."""

    def __new__(cls, expr: Any, lower: Any, upper: Any) -> Any:
        expr, lower, upper = (as_sympy(v) for v in (expr, lower, upper))
        above = sp.true if lower is sp.S.NegativeInfinity else _decide(expr - lower)
        below = sp.true if upper is sp.S.Infinity else _decide(upper - expr)
        if above is sp.false or below is sp.false:
            return sp.false
        if above is sp.true and below is sp.true:
            return sp.true
        return super().__new__(cls, expr, lower, upper)

    @property
    def expr(self) -> sp.Expr:
        return self.args[0]

    @property
    def lower(self) -> sp.Expr:
        return self.args[1]

    @property
    def upper(self) -> sp.Expr:
        return self.args[2]

    @property
    def free_symbols(self) -> set[sp.Basic]:
        return set().union(*(arg.free_symbols for arg in self.args))

    def as_relational(self) -> Boolean:
        """The same condition as ``And`` of two relations (for code printers and ``Piecewise``)."""
        parts = []
        if self.lower is not sp.S.NegativeInfinity:
            parts.append(sp.GreaterThan(self.expr, self.lower, evaluate=False))
        if self.upper is not sp.S.Infinity:
            parts.append(sp.LessThan(self.expr, self.upper, evaluate=False))
        return sp.And(*parts)

    def _eval_rewrite_as_Piecewise(self, *args: Any, **kwargs: Any) -> Boolean:
        return self.as_relational()

    def _portable(self) -> Boolean:
        """Plain SymPy (``symconv.core.portable``): the ``And`` of two relations."""
        return self.as_relational()

    def _latex(self, printer: Any) -> str:
        text = printer._print(self.expr)
        if self.lower is not sp.S.NegativeInfinity:
            text = rf"{printer._print(self.lower)} \leq {text}"
        if self.upper is not sp.S.Infinity:
            text = rf"{text} \leq {printer._print(self.upper)}"
        return text

    def _sympystr(self, printer: Any) -> str:
        text = printer._print(self.expr)
        if self.lower is not sp.S.NegativeInfinity:
            text = f"{printer._print(self.lower)} <= {text}"
        if self.upper is not sp.S.Infinity:
            text = f"{text} <= {printer._print(self.upper)}"
        return f"InRange({text})"

    def _numpycode(self, printer: Any) -> str:
        return str(printer._print(self.as_relational()))

    _pythoncode = _numpycode


def _decide(difference: sp.Expr) -> Boolean | None:
    """``true``/``false`` when ``difference ≥ 0`` is decided (at numbers or by assumptions).

    A difference with a free index of either sign in a term of its own (``p − k``, ``O − 1 − 2j``)
    takes both signs, so no assumption decides it: it is left undecided without asking SymPy's
    assumption system, which would search every fact before saying so.

    >>> p, k = sp.symbols("p k", integer=True)
    >>> O = sp.Symbol("O", integer=True, positive=True)
    >>> _decide(O - 1 - 2 * p), _decide(O - 1), _decide(-O), _decide(k**2)
    (None, True, False, True)
    """
    if _takes_both_signs(difference):
        return None
    if difference.is_nonnegative:
        return sp.true
    if difference.is_negative:
        return sp.false
    return None


def _takes_both_signs(expr: sp.Expr) -> bool:
    """Whether ``expr`` is a sum with a term ``c·s`` (``c`` a nonzero rational) where ``s`` is a
    symbol of unknown sign found in no other term, and no infinity: ``s`` moves the sum to either
    side of 0, so ``expr ≥ 0`` holds for some values and fails for others."""
    if not isinstance(expr, sp.Add | sp.Symbol | sp.Mul) or expr.has(*_INFINITIES):
        return False
    terms = sp.Add.make_args(expr)
    for term in terms:
        symbol = _scaled_symbol(term)
        if (
            symbol is not None
            and symbol.is_nonnegative is None
            and symbol.is_nonpositive is None
            and not any(symbol in other.free_symbols for other in terms if other is not term)
        ):
            return True
    return False


def _scaled_symbol(term: sp.Expr) -> sp.Symbol | None:
    """``s`` for a term ``s`` or ``c·s`` with ``c`` a nonzero rational, else None."""
    if isinstance(term, sp.Symbol):
        return term
    if isinstance(term, sp.Mul) and len(term.args) == 2:
        coefficient, symbol = term.args
        if coefficient.is_Rational and coefficient != 0 and isinstance(symbol, sp.Symbol):
            return symbol
    return None


_INFINITIES = (sp.S.Infinity, sp.S.NegativeInfinity, sp.S.ComplexInfinity, sp.S.NaN)


def divides(divisor: Any, expr: Any) -> Boolean:
    """``expr mod divisor = 0`` (a stride's divisibility condition)."""
    divisor, expr = as_sympy(divisor), as_sympy(expr)
    if divisor == 1:
        return sp.true
    return sp.Eq(sp.Mod(expr, divisor), 0)


class Iverson(sp.Expr):
    """The Iverson bracket ``[condition]``: 1 where the condition holds, 0 elsewhere."""

    is_commutative = True
    is_integer = True
    is_nonnegative = True

    def __new__(cls, condition: Any) -> Any:
        condition = as_sympy(condition)
        if condition is sp.true:
            return sp.Integer(1)
        if condition is sp.false:
            return sp.Integer(0)
        return super().__new__(cls, condition)

    @property
    def condition(self) -> Boolean:
        return self.args[0]

    def _eval_derivative(self, symbol: Any) -> sp.Expr:
        # Conditions are on integer indices: the bracket is constant in every continuous variable.
        return sp.Integer(0)

    def _eval_rewrite_as_Piecewise(self, condition: Any, **kwargs: Any) -> sp.Expr:
        return sp.Piecewise((1, _relational(condition)), (0, True))

    def _portable(self) -> sp.Expr:
        """Plain SymPy (``symconv.core.portable``): ``Piecewise((1, condition), (0, True))``."""
        return sp.Piecewise((1, _relational(self.condition)), (0, True))

    def _latex(self, printer: Any) -> str:
        return rf"\left[{printer._print(self.condition)}\right]"

    def _sympystr(self, printer: Any) -> str:
        return f"[{printer._print(self.condition)}]"

    def _numpycode(self, printer: Any) -> str:
        where = printer._module_format("numpy.where")
        return f"{where}({printer._print(_relational(self.condition))}, 1, 0)"


def _relational(condition: Boolean) -> Boolean:
    return condition.replace(lambda c: isinstance(c, InRange), lambda c: c.as_relational())


def as_piecewise(expr: Any) -> Any:
    """Rewrite every Iverson bracket as ``Piecewise`` and every :class:`InRange` as relations.

    ``body · [c]`` becomes ``Piecewise((body, c), (0, True))`` — SymPy's own vocabulary, for
    ``lambdify`` and other tools that do not know the bracket.
    """

    def rewrite(node: sp.Basic) -> sp.Basic:
        if isinstance(node, sp.Mul):
            brackets = [f for f in node.args if isinstance(f, Iverson)]
            if brackets:
                rest = sp.Mul(*(rewrite(f) for f in node.args if not isinstance(f, Iverson)))
                condition = sp.And(*(_relational(b.condition) for b in brackets))
                return sp.Piecewise((rest, condition), (0, True))
        if isinstance(node, Iverson):
            return sp.Piecewise((1, _relational(node.condition)), (0, True))
        if isinstance(node, InRange):
            return node.as_relational()
        if node.is_Atom or not node.args:
            return node
        return node.func(*(rewrite(arg) for arg in node.args))

    return rewrite(as_sympy(expr))
