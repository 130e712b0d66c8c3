"""The vocabulary of the LaTeX front end: relations, operators, known functions, number literals.

Tables, not logic: what ``\\approx`` or ``\\le`` is called once normalised, which words name
functions (``Ceil(·)`` is ``ceiling``), which short subscripts are words (``C_{in}``) rather than
index lists (``x_{ij}``), and the limits that keep the reading of hostile input fast.

    >>> number_value("5.89824e9"), number_value("0.25"), number_value("5{,}898{,}240{,}000")
    (5898240000, 1/4, 5898240000)
    >>> subscripted("k", "1"), subscripted("x", "11")
    ('k_1', 'x_{11}')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import sympy as sp

from symconv.check import nodes
from symconv.core.patterns import lazy_compile
from symconv.errors import ParseError

#: Largest decimal exponent of a number literal (``1e400`` is fine, ``1e99999`` is refused).
MAX_LITERAL_EXPONENT = 1000
#: Powers and factorials of numbers whose result would exceed this many digits stay unevaluated.
MAX_RESULT_DIGITS = 5000
#: Largest power of a matrix literal that is multiplied out (symbolic entries grow fast).
MAX_MATRIX_POWER = 8
#: Largest matrix whose determinant (``|M|``, ``vmatrix``) is expanded; larger ones stay
#: ``Determinant(M)`` (a symbolic determinant of order n has n! terms).
MAX_DETERMINANT_ORDER = 4

REL_NAMES = {
    "=": "=", ":=": ":=", "=:": "=:", "\\coloneqq": ":=", "≔": ":=", "\\triangleq": ":=",
    "≜": ":=", "\\eqqcolon": "=:", "\\approx": "≈", "≈": "≈", "\\simeq": "≈", "≃": "≈",
    "\\approxeq": "≈", "\\doteq": "≈", "\\cong": "≡", "≅": "≡", "\\equiv": "≡", "≡": "≡",
    "\\sim": "\u223c", "\u223c": "\u223c", "\\neq": "≠", "\\ne": "≠", "!=": "≠", "≠": "≠", "<": "<",
    "\\lt": "<", ">": ">", "\\gt": ">", "\\le": "≤", "\\leq": "≤", "\\leqslant": "≤", "<=": "≤",
    "≤": "≤", "\\ge": "≥", "\\geq": "≥", "\\geqslant": "≥", ">=": "≥", "≥": "≥", "\\ll": "≪",
    "≪": "≪", "\\gg": "≫", "≫": "≫", "\\in": "∈", "∈": "∈", "\\notin": "∉", "∉": "∉",
    "\\subset": "⊂", "⊂": "⊂", "\\subseteq": "⊆", "⊆": "⊆", "\\supset": "⊃", "\\supseteq": "⊇",
    "\\propto": "∝", "∝": "∝", "\\to": "→", "\\rightarrow": "→", "\\longrightarrow": "→",
    "\\mapsto": "→", "→": "→", "..": "..",
}  # fmt: skip

MUL_NAMES = {
    "\\cdot": "·", "·": "·", "⋅": "·", "\\times": "×", "×": "×", "*": "*", "\\ast": "*",
    "∗": "*", "\\star": "*", "⋆": "*", "/": "/", "\\div": "/", "÷": "/", "\\otimes": "⊗",
    "⊗": "⊗", "\\odot": "⊙", "⊙": "⊙", "\\circledast": "⊛", "\\circledcirc": "⊛",
    "\\bmod": "mod", "\\oslash": "⊘",
}  # fmt: skip

#: Operators that write a shape when they join bare sizes: ``46 \\times 62 \\times 10`` (also
#: ``46 \\cdot 62 \\cdot 10`` and ``46 * 62 * 10``, which say the same).
SHAPE_OPS = frozenset({"×", "·", "*"})

BUILTIN_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "exp": sp.exp, "log": sp.log, "ln": sp.log, "lg": lambda x: sp.log(x, 10), "sin": sp.sin,
    "cos": sp.cos, "tan": sp.tan, "cot": sp.cot, "sec": sp.sec, "csc": sp.csc,
    "arcsin": sp.asin, "arccos": sp.acos, "arctan": sp.atan, "sinh": sp.sinh, "cosh": sp.cosh,
    "tanh": sp.tanh, "coth": sp.coth, "max": sp.Max, "min": sp.Min, "ceil": sp.ceiling,
    "floor": sp.floor, "abs": sp.Abs, "sign": sp.sign, "sgn": sp.sign, "sqrt": sp.sqrt,
    "gcd": sp.gcd, "O": nodes.BigO,
}  # fmt: skip

#: Function words normalised to one spelling (Ceil(·) is ceiling, ReLU is relu).
FUNCTION_SPELLING = {"Ceil": "ceil", "Floor": "floor", "ReLU": "relu", "Relu": "relu"}

#: Subscripts that are words, not index lists, although short: C_{in}, W_{out}, x_{max}.
NAME_SUBSCRIPTS = frozenset(
    [
        "in",
        "out",
        "max",
        "min",
        "avg",
        "eff",
        "new",
        "old",
        "tot",
        "pad",
        "dil",
        "ker",
        "ch",
        "obs",
        "std",
        "err",
        "opt",
        "ref",
        "est",
        "fwd",
        "bwd",
        "pool",
        "conv",
        "sum",
        "mean",
        "var",
        "lr",
        "dt",
        "dx",
    ]
)

TRANSPOSE_MARKS = frozenset(
    {"T", "\\top", "\\intercal", "\\transpose", "\\mathsf{T}", "\\mathrm{T}"}
)

BIGOPS = {
    "sum": "sum", "∑": "sum", "prod": "prod", "∏": "prod", "max": "max", "min": "min",
    "sup": "max", "inf": "min", "argmax": "argmax", "argmin": "argmin", "lim": "lim",
}  # fmt: skip

EXTREMA: dict[str, Any] = {
    "max": nodes.MaxOver,
    "min": nodes.MinOver,
    "argmax": nodes.ArgMaxOver,
    "argmin": nodes.ArgMinOver,
}


def subscripted(name: str, sub: str) -> str:
    """``k_1`` for a one-character subscript, ``x_{11}`` otherwise (as entries() names them)."""
    return f"{name}_{sub}" if len(sub) == 1 else f"{name}_{{{sub}}}"


def number_value(text: str) -> sp.Rational:
    """The exact value of a number as written: ``5.89824e9``, ``5{,}898{,}240``, ``1,638,400,000``.

    >>> number_value("5.89824e9"), number_value("0.25"), number_value("5{,}898{,}240{,}000")
    (5898240000, 1/4, 5898240000)
    """
    compact = re.sub(r"\{,\}|\\,|,", "", text)
    match = re.fullmatch(r"(\d*)(?:\.(\d+))?(?:[eE]([+-]?\d+))?", compact)
    if match is None or not (match.group(1) or match.group(2)):
        raise ParseError(f"cannot read the number {text!r}")
    whole, fraction, exponent = match.group(1) or "0", match.group(2) or "", match.group(3)
    power = int(exponent) if exponent else 0
    if abs(power) > MAX_LITERAL_EXPONENT:
        raise ParseError(
            f"the number {text!r} has exponent {power} (the limit is {MAX_LITERAL_EXPONENT})"
        )
    digits = sp.Integer(int(whole + fraction))
    return sp.Rational(digits) * sp.Rational(10) ** (power - len(fraction))


_FLOOR_WORDS = lazy_compile(
    r"\bfloor(?:s|ed)?\b|\bround(?:s|ed|ing)?\s+(?:it\s+)?down\b|向下取整|\\lfloor|⌊", re.I
)
_CEILING_WORDS = lazy_compile(
    r"\bceil(?:ing|s|ed)?\b|\bround(?:s|ed|ing)?\s+(?:it\s+)?up\b|向上取整|\\lceil|⌈", re.I
)


def stated_rounding(texts: Iterable[str]) -> str | None:
    """``"floor"`` or ``"ceiling"`` when a document states how it rounds a quotient to an
    integer ("the output width is floored", "round down", ``\\lfloor … \\rfloor``), in its prose
    or its formulas; None when it states neither, or both.

    >>> stated_rounding(["Output width will be floor down to integer."]), stated_rounding(["x"])
    ('floor', None)
    >>> stated_rounding(["rounded up", "\\\\lfloor n/s \\\\rfloor"]) is None
    True
    """
    floor = ceiling = False
    for text in texts:
        floor = floor or _FLOOR_WORDS.search(text) is not None
        ceiling = ceiling or _CEILING_WORDS.search(text) is not None
    if floor == ceiling:
        return None
    return "floor" if floor else "ceiling"
