"""Building judgements: one constructor per verdict, so every judge words them alike.

>>> from symconv.check.model import Claim
>>> claim = Claim(3, 3, "1 + 1 = 3", "arithmetic")
>>> j = wrong(claim, "1 + 1 = 2, not 3", expected=2)
>>> j.verdict, j.expected_latex, j.message
('wrong', '2', '1 + 1 = 2, not 3')
>>> unverified(claim, "prose").message
'not verified: prose'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from symconv.check.model import Claim, Judgement
from symconv.check.refusals import SYMPY_REFUSALS, raised_by_sympy
from symconv.errors import SymconvError

__all__ = ["add_warnings", "latex_of", "right", "unverified", "wrong"]


def latex_of(value: Any) -> str | None:
    """LaTeX of an expected value (exact, grouped digits), or None."""
    if value is None:
        return None
    from symconv.core.latex import latex

    try:
        return latex(value)
    except SYMPY_REFUSALS as error:  # a value SymPy's printer does not know: its plain form
        if not raised_by_sympy(error):
            raise
        return str(value)


def right(claim: Claim, message: str, *, warnings: tuple[str, ...] = ()) -> Judgement:
    return Judgement(claim, "right", message, warnings=warnings)


def wrong(
    claim: Claim,
    message: str,
    *,
    expected: Any = None,
    expected_latex: str | None = None,
    diagnosis: str | None = None,
    witness: str | None = None,
    warnings: tuple[str, ...] = (),
) -> Judgement:
    return Judgement(
        claim,
        "wrong",
        message,
        expected_latex=expected_latex if expected_latex is not None else latex_of(expected),
        diagnosis=diagnosis,
        witness=witness,
        warnings=warnings,
    )


def unverified(claim: Claim, reason: str, *, warnings: tuple[str, ...] = ()) -> Judgement:
    return Judgement(claim, "unverified", f"not verified: {reason}", warnings=warnings)


def add_warnings(judgement: Judgement, *warnings: str) -> Judgement:
    new = tuple(w for w in warnings if w not in judgement.warnings)
    return replace(judgement, warnings=judgement.warnings + new) if new else judgement


#: How a document pass runs one judgement under the file's time limit: ``run(thunk, claim)``.
Run = Callable[[Callable[[], Judgement], Claim], Judgement]


def guarded(run: Run, thunk: Callable[[], Judgement], claim: Claim) -> Judgement:
    """``run(thunk, claim)`` with SymPy's refusals and symconv's typed errors made *unverified*
    (the same exception raised by our own code is a bug, and still raises)."""

    def attempt() -> Judgement:
        try:
            return thunk()
        except SYMPY_REFUSALS as error:
            if not raised_by_sympy(error):
                raise
            return unverified(claim, f"could not be evaluated ({type(error).__name__}: {error})")
        except SymconvError as error:
            return unverified(claim, str(error))

    return run(attempt, claim)
