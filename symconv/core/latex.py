"""LaTeX rendering: one printer, dispatched by type, configured by one settings dict.

The field writes tensor entries two ways, and a write-up must follow the source it answers:

* **bracket** notation, ``X[i, j_{1} + k_{1}]`` (the NYU course, code, 0-based);
* **subscript** notation, ``x_{i,j}`` / ``w_{uv}`` (the nndl book, Dumoulin & Visin).

Numbers are printed exactly; large integers are grouped (``5{,}898{,}240{,}000``) or written in
scientific form (``5.89824 \\times 10^{9}``) on request. A step that shows a formula *with the
numbers substituted* (``⌊(48 + 2·0 − 3)/1⌋ + 1``) is printed by replacing symbols at print time,
so the formula keeps its shape instead of being evaluated by SymPy.

    >>> import sympy as sp
    >>> X = sp.IndexedBase("X"); i, j, k = sp.symbols("i j k", integer=True)
    >>> print(latex(X[i, j + k]))
    X[i, j + k]
    >>> print(latex(X[i, j + k], notation="subscript"))
    X_{i,j + k}
    >>> print(latex(sp.Integer(5898240000)))
    5{,}898{,}240{,}000
    >>> print(latex(sp.Integer(5898240000), number_format="scientific"))
    5.89824 \\times 10^{9}
    >>> o, s = sp.symbols("o s", integer=True)
    >>> print(latex(sp.floor((i - k) / s) + 1, values={i: 48, k: 3, s: 1}))
    \\left\\lfloor{\\frac{48 - 3}{1}}\\right\\rfloor + 1
    >>> t = sp.Symbol("t", integer=True)
    >>> print(latex(s * (i - 1), values={s: t + 1, i: i}))
    \\left(t + 1\\right) \\cdot \\left(i - 1\\right)
    >>> print(latex(sp.Matrix([[1, 2], [3, 4]])))
    \\begin{bmatrix}1 & 2\\\\3 & 4\\end{bmatrix}
    >>> print(latex(sp.Matrix(5, 5, range(25)), max_matrix_size=4))
    \\begin{bmatrix}0 & 1 & \\cdots & 4\\\\5 & 6 & \\cdots & 9\\\\\\vdots & \\vdots
    & \\ddots & \\vdots\\\\20 & 21 & \\cdots & 24\\end{bmatrix}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

import sympy as sp
from sympy.printing.latex import LatexPrinter

from symconv.core.safe import as_sympy
from symconv.errors import ConventionError

Notation = Literal["bracket", "subscript"]
NumberFormat = Literal["grouped", "scientific", "plain"]

#: Integers with at least this many digits are grouped with ``{,}`` (typographic custom:
#: four-digit numbers stay ungrouped).
GROUPING_MIN_DIGITS = 5


class SymconvLatexPrinter(LatexPrinter):
    """SymPy's LaTeX printer with the field's index notations, number formats and substitution."""

    _default_settings: ClassVar[dict[str, Any]] = {
        **LatexPrinter._default_settings,
        "notation": "bracket",
        "number_format": "grouped",
        "values": None,
        "max_matrix_size": None,
        "mat_str": "bmatrix",
        "mat_delim": "",
    }

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        settings = dict(settings or {})
        self._given_settings = dict(settings)
        if settings.get("values"):
            # Substituted numbers sit next to each other: make every product explicit.
            settings.setdefault("mul_symbol", "dot")
        super().__init__(settings)
        if self._settings["notation"] not in ("bracket", "subscript"):
            raise ConventionError(
                f"notation={self._settings['notation']!r}: expected 'bracket' or 'subscript'"
            )
        if self._settings["number_format"] not in ("grouped", "scientific", "plain"):
            raise ConventionError(
                f"number_format={self._settings['number_format']!r}: "
                "expected 'grouped', 'scientific' or 'plain'"
            )

    # -- substitution of values at print time -------------------------------------------
    def _substituted(self, expr: sp.Basic) -> str | None:
        values = self._settings["values"]
        if not values or expr not in values:
            return None
        value = as_sympy(values[expr])
        # Print the value itself without substitution (a value may mention the symbol it replaces).
        plain = type(self)({**self._given_settings, "values": None})
        text = str(plain.doprint(value))
        compound = value.is_Add or value.could_extract_minus_sign()
        return rf"\left({text}\right)" if compound else text

    # -- sums keep the order they were written in (Add(..., evaluate=False)) -----------------
    def _print_Add(self, expr: sp.Add, order: str | None = None) -> str:
        if order is None and expr.args != sp.Add(*expr.args).args:
            order = "none"
        return str(super()._print_Add(expr, order))

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        substituted = self._substituted(expr)
        if substituted is not None:
            return substituted
        return str(super()._print_Symbol(expr, style=style))

    # -- tensor entries ----------------------------------------------------------------
    def _print_Indexed(self, expr: sp.Indexed) -> str:
        substituted = self._substituted(expr)
        if substituted is not None:
            return substituted
        base = self._print(expr.base.label)
        indices = [self._print(index) for index in expr.indices]
        if self._settings["notation"] == "bracket":
            return f"{base}[{', '.join(indices)}]"
        return f"{base}_{{{','.join(indices)}}}"

    def _print_IndexedBase(self, expr: sp.IndexedBase) -> str:
        return str(self._print(expr.label))

    # -- matrices: bmatrix, elided past max_matrix_size rows/columns ----------------------------
    def _print_matrix_contents(self, expr: Any) -> str:
        limit = self._settings["max_matrix_size"]
        rows, cols = _kept(expr.rows, limit), _kept(expr.cols, limit)
        lines = []
        for row in rows:
            if row is None:
                cells = [r"\ddots" if col is None else r"\vdots" for col in cols]
            else:
                cells = [r"\cdots" if col is None else self._print(expr[row, col]) for col in cols]
            lines.append(" & ".join(cells))
        mat_str = self._settings["mat_str"] or "bmatrix"
        return rf"\begin{{{mat_str}}}" + r"\\".join(lines) + rf"\end{{{mat_str}}}"

    # -- numbers -----------------------------------------------------------------------
    def _print_Integer(self, expr: sp.Integer) -> str:
        return format_integer(int(expr), self._settings["number_format"])


def _kept(size: int, limit: int | None) -> list[int | None]:
    """Indices shown of an axis of ``size``: all, or the first ``limit − 2``, a gap, the last."""
    if limit is None or size <= limit:
        return list(range(size))
    return [*range(limit - 2), None, size - 1]


def format_integer(value: int, number_format: NumberFormat = "grouped") -> str:
    """Print an integer in LaTeX: ``5{,}898{,}240{,}000``, ``5.89824 \\times 10^{9}`` or plain.

    >>> print(format_integer(1820), format_integer(5133600))
    1820 5{,}133{,}600
    >>> print(format_integer(-5133600, "scientific"))
    -5.1336 \\times 10^{6}
    """
    digits = str(abs(value))
    sign = "-" if value < 0 else ""
    if number_format == "plain" or len(digits) < GROUPING_MIN_DIGITS:
        return f"{value}"
    if number_format == "scientific":
        mantissa = digits[0] + ("." + digits[1:].rstrip("0") if digits[1:].rstrip("0") else "")
        return rf"{sign}{mantissa} \times 10^{{{len(digits) - 1}}}"
    groups = []
    while digits:
        groups.append(digits[-3:])
        digits = digits[:-3]
    return sign + "{,}".join(reversed(groups))


#: Unicode of the field's prose and its LaTeX math (used for step reasons: ``\\text{}`` segments
#: around math, which both MathJax and pdflatex render).
UNICODE_MATH: dict[str, str] = {
    "−": "-", "≤": r"\leq", "≥": r"\geq", "≠": r"\neq", "≈": r"\approx", "×": r"\times",
    "·": r"\cdot", "⌊": r"\lfloor", "⌋": r"\rfloor", "⌈": r"\lceil", "⌉": r"\rceil",
    "…": r"\dots", "→": r"\to", "∂": r"\partial", "∇": r"\nabla", "Σ": r"\Sigma",
    "σ": r"\sigma", "δ": r"\delta", "τ": r"\tau", "ε": r"\varepsilon", "⊗": r"\otimes",
    "∈": r"\in", "∞": r"\infty", "²": "^{2}", "³": "^{3}", "⁴": "^{4}", "ᵀ": "^{T}",
    "\u2032": "'", "⊙": r"\odot", "∑": r"\sum", "√": r"\surd", "±": r"\pm",
}  # fmt: skip


#: ASCII that ``\\text{}`` cannot hold in pdflatex, set as math instead.
_TEXT_UNSAFE: dict[str, str] = {"^": r"\hat{}", "~": r"\sim", "\\": r"\backslash"}


def text_latex(text: str) -> str:
    """Prose as LaTeX: ``\\text{}`` runs, with the field's Unicode symbols set as math.

    >>> print(text_latex("0 ≤ k_1 ≤ 2 − 1"))
    \\text{0 } \\leq \\text{ k\\_1 } \\leq \\text{ 2 } - \\text{ 1}
    """
    pieces: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            escaped = "".join(run)
            for char in "&%$#_{}":
                escaped = escaped.replace(char, "\\" + char)
            pieces.append(rf"\text{{{escaped}}}")
            run.clear()

    for char in text:
        if char in UNICODE_MATH or char in _TEXT_UNSAFE:
            flush()
            pieces.append(UNICODE_MATH.get(char) or _TEXT_UNSAFE[char])
        else:
            run.append(char)
    flush()
    return " ".join(pieces)


def latex(
    expr: Any,
    *,
    notation: Notation = "bracket",
    number_format: NumberFormat = "grouped",
    values: Mapping[Any, Any] | None = None,
    **settings: Any,
) -> str:
    """Render ``expr`` as LaTeX in symconv's conventions (see the module docstring)."""
    printer = SymconvLatexPrinter(
        {"notation": notation, "number_format": number_format, "values": values, **settings}
    )
    return str(printer.doprint(expr))
