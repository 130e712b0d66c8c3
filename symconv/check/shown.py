"""How messages show values, expressions, names and points: ``0.75`` for 3/4, ``f''(x)``,
``∂²f/∂x∂y``, ``Δt``, ``z = 0, h = 1/2``.

    >>> import sympy as sp
    >>> format_value(sp.Rational(3, 4)), format_value(sp.Rational(1, 3)), show(sp.Symbol("x") ** 2)
    ('0.75', '1/3', 'x^2')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.str import StrPrinter

__all__ = ["count_points", "display_name", "format_point", "format_value", "show"]


def format_value(value: Any) -> str:
    """An exact value as a person reads it: ``0.75`` for 3/4, ``1/3``, ``-6``, ``e + 1``."""
    if isinstance(value, sp.Rational) and not isinstance(value, sp.Integer):
        denominator = int(value.q)
        while denominator % 2 == 0:
            denominator //= 2
        while denominator % 5 == 0:
            denominator //= 5
        if denominator == 1 and len(str(value.q)) <= 6:
            text = f"{float(value):.10f}".rstrip("0").rstrip(".")
            if sp.Rational(text) == value:
                return text
        return f"{value.p}/{value.q}"
    if isinstance(value, sp.Float):
        return f"{float(value):.6g}"
    if isinstance(value, sp.MatrixBase):
        rows = [
            "[" + ", ".join(format_value(v) for v in value.row(r)) + "]" for r in range(value.rows)
        ]
        return "[" + ", ".join(rows) + "]" if value.rows > 1 else rows[0]
    if isinstance(value, sp.Basic) and value.is_number and not value.is_Rational:
        approx = value.evalf(8)
        if isinstance(approx, sp.Float):
            return f"{sp.sstr(value)} ≈ {float(approx):.6g}"
    return sp.sstr(value)


class _Shower(StrPrinter):
    """Messages print derivatives as the field writes them: ``f''(x)``, ``∂²f/∂x∂y``."""

    def _print_Derivative(self, expr: Any) -> str:
        inner = expr.expr
        counts = expr.variable_count
        if isinstance(inner, AppliedUndef) and len(counts) == 1 and len(inner.args) == 1:
            order = int(counts[0][1])
            name = _greek(inner.func.__name__)
            marks = "'" * order if order <= 3 else f"^({order})"
            return f"{name}{marks}({self._print(inner.args[0])})"
        order = sum(int(c) for _, c in counts)
        power = "" if order == 1 else _superscript(order)
        den = "".join(
            f"∂{self._print(v)}" + ("" if c == 1 else _superscript(int(c))) for v, c in counts
        )
        return f"∂{power}{self._print(inner)}/{den}"

    def _print_Sum(self, expr: Any) -> str:
        bounds = []
        for variable, low, high in expr.limits:
            if low == -sp.oo and high == sp.oo:
                bounds.append(self._print(variable))
            else:
                bounds.append(f"{self._print(variable)}={self._print(low)}..{self._print(high)}")
        return f"Σ_{','.join(bounds)} {self.parenthesize(expr.function, 40)}"

    def _print_KroneckerDelta(self, expr: Any) -> str:
        return f"δ({self._print(expr.args[0])}, {self._print(expr.args[1])})"

    def _print_Function(self, expr: Any) -> str:
        name = _greek(expr.func.__name__)
        return f"{name}({', '.join(self._print(a) for a in expr.args)})"


_GREEK_SHOW = {
    "sigma": "σ", "phi": "φ", "delta": "δ", "Delta": "Δ", "tau": "τ", "alpha": "α", "beta": "β",
    "gamma": "γ", "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ", "eta": "η", "theta": "θ",
    "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "rho": "ρ", "omega": "ω",
    "psi": "ψ", "chi": "χ", "Sigma": "Σ", "Phi": "Φ", "Gamma": "Γ", "Theta": "Θ", "Omega": "Ω",
}  # fmt: skip


def _greek(name: str) -> str:
    return _GREEK_SHOW.get(name, name)


def _superscript(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def display_name(name: str) -> str:
    """A name as a person writes it: ``Δt`` for ``\\Delta t``, ``σ`` for ``sigma``."""
    text = name.replace("\\", "")
    for spelled, letter in _GREEK_SHOW.items():
        if text == spelled or text.startswith(spelled + " ") or text.startswith(spelled + "_"):
            text = letter + text[len(spelled) :]
            break
    return text.replace(" ", "")


def show(expr: Any, order: str | None = None) -> str:
    """An expression as a message shows it: ``h·f''(x)/2``, ``D·(K - 1)/2``, ``x^2``
    (``order="none"`` keeps the terms in the order written)."""
    if not isinstance(expr, sp.Basic):
        return str(expr)
    text = _Shower({"order": order}).doprint(expr)
    return text.replace("**", "^").replace("*", "·")


def count_points(count: int) -> str:
    """``"1 point"``, ``"12 points"``."""
    return f"{count} point" if count == 1 else f"{count} points"


def format_point(point: Mapping[Any, Any]) -> str:
    return ", ".join(f"{sp.sstr(k)} = {format_value(v)}" for k, v in point.items())
