"""Answers in plain SymPy: what the JSON contract's ``answer_srepr`` holds.

symconv's engines build answers with classes of their own (the Iverson bracket, a range
condition, the gradient tensor ``∂J/∂Z``): they print as the field writes them, but their
``srepr`` names classes that plain SymPy does not have, so ``sympy.sympify(srepr)`` in a program
that does not import symconv fails or reads an undefined function. :func:`portable` rewrites such
an answer into SymPy's own vocabulary, the same mathematical object:

* a class of symconv offers ``_portable()`` (type dispatch, like SymPy's ``_latex``), returning
  its value in SymPy's classes — ``[c]`` is ``Piecewise((1, c), (0, True))``, ``lo ≤ e ≤ hi`` is
  ``And(e >= lo, e <= hi)``, an entry of ``∂J/∂Z`` is ``Indexed(IndexedBase('∂J/∂Z'), …)``;
* everything else is rebuilt from its portable arguments.

    >>> import sympy as sp
    >>> from symconv.grad.conditions import InRange, Iverson
    >>> j, k, O = sp.symbols("j k O", integer=True)
    >>> answer = k * Iverson(InRange(j - k, 0, O - 1))
    >>> portable(answer)
    k*Piecewise((1, (j - k >= 0) & (O >= j - k + 1)), (0, True))
    >>> print(portable_srepr(sp.Integer(1820)))
    Integer(1820)

The LaTeX of an answer is printed from the original (``answer_latex`` keeps the bracket).
"""

from __future__ import annotations

from typing import Any

import sympy as sp


def portable(value: Any) -> Any:
    """``value`` with every symconv class replaced by its plain-SymPy equal (module docstring)."""
    if not isinstance(value, sp.Basic):
        return value
    rewrite = getattr(value, "_portable", None)
    if callable(rewrite):
        return portable(rewrite())
    if value.is_Atom or not value.args:
        return value
    if isinstance(value, sp.MatrixBase):
        return value.applyfunc(portable)
    arguments = tuple(portable(argument) for argument in value.args)
    if arguments == value.args:
        return value
    return value.func(*arguments)


def portable_srepr(value: Any) -> str:
    """``sympy.srepr`` of :func:`portable` ``(value)``: text plain SymPy reads back to ``value``.

    >>> import sympy as sp
    >>> from symconv.grad.notation import gradient_base
    >>> i = sp.Symbol("i", integer=True)
    >>> print(portable_srepr(gradient_base("J", "Z")[i]))
    Indexed(IndexedBase(Symbol('∂J/∂Z')), Symbol('i', integer=True))
    """
    return sp.srepr(portable(value))
