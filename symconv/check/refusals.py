"""SymPy's own refusals, told apart from bugs in symconv.

SymPy answers odd input by raising a built-in exception (``TypeError`` for an unhashable
argument, ``ValueError`` from a solver, ``AttributeError`` from a printer that meets an object it
does not know). On a student's text that is a refusal: the claim is *unverified*, never a crash.
The same exception raised by symconv's own code is a bug, and a bug must fail a test, not become
a polite *unverified*. :func:`raised_by_sympy` tells them apart by where the exception was raised:
the innermost frame of its traceback lies in SymPy (or mpmath, which SymPy computes with).

    >>> import sympy as sp
    >>> try:
    ...     sp.Matrix([[1, 2]]) * sp.Matrix([[1, 2]])
    ... except SYMPY_REFUSALS as error:
    ...     print(type(error).__name__, raised_by_sympy(error))
    ShapeError True
    >>> try:
    ...     {}["missing"]
    ... except SYMPY_REFUSALS as error:
    ...     print(type(error).__name__, raised_by_sympy(error))
    KeyError False
"""

from __future__ import annotations

from pathlib import PurePath

__all__ = ["SYMPY_REFUSALS", "raised_by_sympy"]

#: The built-in exceptions SymPy raises to refuse an input; which of them is a refusal (and not
#: a bug of ours) is decided by :func:`raised_by_sympy`.
SYMPY_REFUSALS: tuple[type[BaseException], ...] = (
    TypeError,
    ValueError,
    ArithmeticError,
    NotImplementedError,
    AttributeError,
    IndexError,
    KeyError,
    RecursionError,
)

_SYMPY_PACKAGES = frozenset({"sympy", "mpmath"})


def raised_by_sympy(error: BaseException) -> bool:
    """Was ``error`` raised inside SymPy (or mpmath)? A ``RecursionError`` always counts: SymPy
    recurses on deeply nested input and the innermost frame may be anywhere."""
    if isinstance(error, RecursionError):
        return True
    traceback = error.__traceback__
    if traceback is None:
        return False
    while traceback.tb_next is not None:
        traceback = traceback.tb_next
    parts = PurePath(traceback.tb_frame.f_code.co_filename).parts
    return any(part in _SYMPY_PACKAGES for part in parts)
