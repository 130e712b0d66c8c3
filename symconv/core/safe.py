"""The one door from Python values to SymPy: never text.

SymPy's ``sympify`` evaluates strings with ``eval``. symconv never lets user text reach it (nor
``eval``/``exec``/``parse_expr``/``parse_latex``): text is read by symconv's own grammars, and
every other conversion goes through :func:`as_sympy`, which refuses strings. A test walks the
source tree (``tests/test_no_eval.py``) and fails on any other call.

    >>> as_sympy(3), as_sympy([1, 2])
    (3, [1, 2])
    >>> as_sympy("__import__('os')")
    Traceback (most recent call last):
    ...
    symconv.errors.ParseError: text is never evaluated: got the string "__import__('os')" where a \
number or a SymPy expression was expected
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from symconv.core.numpy_values import is_ndarray
from symconv.errors import ParseError


def as_sympy(value: Any) -> Any:
    """A number, SymPy object, or (nested) list/tuple/array of them, as SymPy — never a string."""
    if isinstance(value, str | bytes):
        raise ParseError(
            f'text is never evaluated: got the string "{value!s}" where a number or a SymPy '
            "expression was expected"
        )
    if isinstance(value, list | tuple):
        return type(value)(as_sympy(item) for item in value)
    if is_ndarray(value):
        return sp.Array([as_sympy(item) for item in value.ravel().tolist()], value.shape)
    try:
        return sp.sympify(value, strict=True)
    except sp.SympifyError as error:
        raise ParseError(f"cannot use {value!r} ({type(value).__name__}) as a number") from error
