"""Arithmetic claims: both sides are numbers once earlier definitions are substituted.

Numbers are exact (``5.89824e9``, ``5{,}898{,}240{,}000`` and ``5.89824 \\times 10^{9}`` are all
the integer 5898240000), so ``=`` is decided exactly. ``≈`` between numbers holds when the written
number is the exact value rounded to the digits written (``1/3 ≈ 0.333``; ``5898240000 ≈ 5.9
\\times 10^{9}``). A wrong result names the right one; a result that is the right one with two
adjacent digits swapped, or with the sign flipped, is diagnosed as a probable typo.

    >>> import sympy as sp
    >>> from symconv.check.context import NO_PROBLEM, DocumentContext
    >>> from symconv.check.model import Claim, LinkFacts
    >>> lhs_text = r"3 \\times 3 \\times 10 \\times 20 + 20"
    >>> claim = Claim(55, 55, lhs_text + " = 1830", "arithmetic",
    ...               sides=(sp.Integer(1820), sp.Integer(1830)),
    ...               facts=LinkFacts(lhs_text, "1830"))
    >>> j = judge_arithmetic(claim, DocumentContext(), NO_PROBLEM)
    >>> j.verdict, j.message, j.expected_latex
    ('wrong', '3 \\\\times 3 \\\\times 10 \\\\times 20 + 20 = 1820, not 1830', '1820')
    >>> written_precision("5.9 \\\\times 10^{9}"), written_precision("0.333")
    (100000000, 1/1000)
    >>> written_precision("1200")
    100
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import sympy as sp

from symconv.check.context import DocumentContext, ProblemContext
from symconv.check.equality import evaluate, values_equal
from symconv.check.judges.functions import at_a_kink, concrete
from symconv.check.judges.resolve import resolve
from symconv.check.judges.verdicts import right, unverified, wrong
from symconv.check.model import Claim, Judgement
from symconv.check.shown import format_value
from symconv.core.patterns import lazy_compile

__all__ = ["digit_typo", "is_numeric", "judge_arithmetic", "number_of", "written_precision"]

_ORDERINGS = {
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "≤": lambda a, b: a <= b,
    "≥": lambda a, b: a >= b,
}


def is_numeric(expr: Any) -> bool:
    return (
        isinstance(expr, sp.Basic)
        and not isinstance(expr, sp.MatrixBase)
        and expr.is_number is True
    )


def number_of(expr: Any) -> Any:
    """The exact value of a numeric expression, or a 60-digit Float, or None (undefined)."""
    return evaluate(expr, {}) if is_numeric(expr) else None


def judge_arithmetic(
    claim: Claim, context: DocumentContext, problem: ProblemContext
) -> Judgement | None:
    """Judge a claim whose two sides are numbers (None if they are not); the field's functions
    of a number (``σ(2) ≈ 0.88``) are read as :mod:`~symconv.check.judges.functions` reads
    them, and the message says so."""
    if len(claim.sides) != 2:
        return None
    lhs, _ = resolve(claim.sides[0], claim, context, problem)
    rhs, _ = resolve(claim.sides[1], claim, context, problem)
    (lhs, left_notes), (rhs, right_notes) = concrete(lhs), concrete(rhs)
    lhs, rhs = _derivatives_taken(lhs), _derivatives_taken(rhs)
    if not (is_numeric(lhs) and is_numeric(rhs)):
        return None
    judgement = _numbers(claim, context, lhs, rhs)
    notes = tuple(dict.fromkeys((*left_notes, *right_notes)))
    if judgement is None or not notes:
        return judgement
    return replace(judgement, message=f"{judgement.message} ({'; '.join(notes)})")


def _derivatives_taken(value: Any) -> Any:
    """``σ'(2)`` (a derivative of a known function at a number) as its value; anything else,
    or a derivative of a function the document leaves unknown, as it is."""
    if not isinstance(value, sp.Basic) or value.free_symbols:
        return value
    if not value.has(sp.Subs, sp.Derivative) or at_a_kink(value) is not None:
        return value
    try:
        return value.doit()
    except (ValueError, TypeError, NotImplementedError):
        return value


def _numbers(claim: Claim, context: DocumentContext, lhs: Any, rhs: Any) -> Judgement | None:
    left, written = number_of(lhs), number_of(rhs)
    if left is None or written is None:
        return None
    link = claim.link
    lhs_text = link.lhs_text if link is not None else format_value(left)
    rhs_text = link.rhs_text if link is not None else format_value(written)
    relation = claim.relation
    if relation == "≈":
        return _approximately(claim, left, written, lhs_text, rhs_text)
    if relation in _ORDERINGS:
        holds = bool(_ORDERINGS[relation](left, written))
        text = f"{format_value(left)} {relation} {format_value(written)}"
        if holds:
            return right(claim, f"{text} holds")
        return wrong(claim, f"{text} does not hold ({lhs_text} = {format_value(left)})")
    same = values_equal(left, written)
    if same is None:
        return None
    if relation == "≠":
        if same:
            return wrong(claim, f"both sides are {format_value(left)}")
        return right(claim, f"{format_value(left)} ≠ {format_value(written)}")
    if relation not in ("=", ":=", "≡"):
        return None
    if same:
        shown = format_value(left)
        message = (
            f"{lhs_text} = {shown}" if lhs_text.strip() != shown else f"both sides are {shown}"
        )
        return right(claim, message)
    rounded = _rounded_division(lhs_text, left, written)
    if rounded is not None and rounded[0] == context.rounding:
        return right(
            claim,
            f"{lhs_text} = {format_value(left)}, whose {rounded[0]} is {format_value(written)}"
            f" (the document rounds sizes {rounded[1]})",
        )
    if rounded is not None:
        return unverified(
            claim,
            f"{lhs_text} = {format_value(left)}, whose {rounded[0]} is {format_value(written)}"
            f" (right where sizes are rounded {rounded[1]}, as an output-size formula floors)",
        )
    message = f"{lhs_text} = {format_value(left)}, not {format_value(written)}"
    if _is_literal(lhs_text) and not _is_literal(rhs_text):
        message = f"{rhs_text} = {format_value(written)}, not {format_value(left)}"
    return wrong(claim, message, expected=left, diagnosis=digit_typo(left, written))


def _rounded_division(lhs_text: str, left: Any, written: Any) -> tuple[str, str] | None:
    """``("floor", "down")`` or ``("ceiling", "up")`` when ``left``, a quotient that is not an
    integer, rounds to the integer ``written`` (``(28 - 7)/2 + 1 = 11``: a size formula
    floors); None otherwise.

    >>> _rounded_division("(28-7)/2+1", sp.Rational(23, 2), sp.Integer(11))
    ('floor', 'down')
    >>> _rounded_division("(28-7)/2+1", sp.Rational(23, 2), sp.Integer(10)) is None
    True
    """
    if not (isinstance(left, sp.Rational) and isinstance(written, sp.Integer)):
        return None
    if left.is_Integer or not re.search(r"/|\\frac|÷", lhs_text):
        return None
    if written == sp.floor(left):
        return "floor", "down"
    if written == sp.ceiling(left):
        return "ceiling", "up"
    return None


def _approximately(
    claim: Claim, left: Any, written: Any, lhs_text: str, rhs_text: str
) -> Judgement:
    """``exact ≈ written``: the written number is the exact one rounded to its digits."""
    exact, shown, shown_text = left, written, rhs_text
    unit = written_precision(rhs_text)
    if unit is None and written_precision(lhs_text) is not None:
        exact, shown, shown_text = written, left, lhs_text
        unit = written_precision(lhs_text)
    if unit is None:
        unit = abs(sp.Rational(shown)) / 100 if shown != 0 else sp.Rational(1, 100)
        convention = "within 1 %"
    else:
        convention = "to the digits written"
    error = (
        abs(sp.Rational(exact) - sp.Rational(shown))
        if exact.is_Rational
        else abs(sp.Float(exact, 30) - sp.Float(shown, 30))
    )
    if error <= sp.Rational(unit) / 2:
        return right(claim, f"{format_value(exact)} ≈ {shown_text} ({convention})")
    return wrong(
        claim,
        f"the value is {format_value(exact)}; {shown_text} is not it rounded {convention}",
        expected=exact,
    )


_SCIENTIFIC = lazy_compile(
    r"^\s*([+-]?\d[\d,{}]*(?:\.\d+)?)\s*(?:(?:\\times|\\cdot|×|\*)\s*10\s*\^\s*\{?\s*([+-]?\d+)\s*\}?"
    r"|[eE]([+-]?\d+))?\s*$"
)


def written_precision(text: str) -> Any:
    """The unit of the last digit written (``0.333`` → 1/1000, ``5.9 \\times 10^{9}`` → 10⁸,
    ``1200`` → 100: trailing zeros of an integer are not significant), or None if ``text`` is
    not a plain number."""
    match = _SCIENTIFIC.match(text)
    if match is None:
        return None
    mantissa = re.sub(r"\{,\}|,|[{}]", "", match.group(1)).lstrip("+-")
    exponent = int(match.group(2) or match.group(3) or 0)
    if "." in mantissa:
        decimals = len(mantissa.split(".", 1)[1])
        return sp.Rational(10) ** (exponent - decimals)
    stripped = mantissa.rstrip("0")
    zeros = len(mantissa) - len(stripped) if stripped else 0
    return sp.Rational(10) ** (exponent + zeros)


def _is_literal(text: str) -> bool:
    return written_precision(text) is not None


def digit_typo(expected: Any, written: Any) -> str | None:
    """A probable typo: two adjacent digits swapped, or the sign flipped.

    >>> digit_typo(sp.Integer(1820), sp.Integer(1280)), digit_typo(sp.Integer(5), sp.Integer(-5))
    ('probable typo: digits swapped (1820 written as 1280)', 'probable sign error: -5 for 5')
    """
    if not (isinstance(expected, sp.Integer) and isinstance(written, sp.Integer)):
        return None
    if written == -expected and expected != 0:
        return f"probable sign error: {written} for {expected}"
    a, b = str(expected), str(written)
    if len(a) != len(b) or a == b:
        return None
    differences = [k for k in range(len(a)) if a[k] != b[k]]
    if len(differences) == 2 and differences[1] == differences[0] + 1:
        k = differences[0]
        if a[k] == b[k + 1] and a[k + 1] == b[k]:
            return f"probable typo: digits swapped ({a} written as {b})"
    return None
