"""The strict front end of the differentiator and of export: a forward formula is read, then
refused when it cannot mean what a derivation would assume.

The grammar (:mod:`symconv.grad.grammar`) is total: every text is read or refused with a caret,
and every function name is looked up in the registry (:mod:`symconv.grad.functions`). The
comparator reads candidates with the same grammar but keeps free indices, to lint them as missing
sums. A *forward* pass must also be well formed (:func:`check_well_formed`):

* every index on the right is on the left or summed — ``y[i] = w[k] x[i+k]`` is refused
  (:class:`~symconv.errors.UnboundIndexError`), not read as a gradient for one fixed ``k``;
* the output is not read on the right — ``y[i] = y[i-1] + x[i]`` is a recurrence, which the
  chain rule over independent entries does not differentiate
  (:class:`~symconv.errors.RecurrenceError`);
* the loss name of the upstream gradient is no name of the formula, and generated sizes avoid it.

Each error carries the formula text and a caret under the offending name.

    >>> read_forward("y[i] = w[k] * x[i+k]")
    Traceback (most recent call last):
    ...
    symconv.errors.UnboundIndexError: index k on the right is neither on the left nor summed: \
did you mean sum(...) over k, or k on the left?
      y[i] = w[k] * x[i+k]
               ^
    >>> read_forward("y[i] = y[i-1] + x[i]")
    Traceback (most recent call last):
    ...
    symconv.errors.RecurrenceError: the output y is read on the right side: recurrences (an \
output defined by its own entries) are not supported; give the earlier values another name
      y[i] = y[i-1] + x[i]
             ^
    >>> read_forward("y[i] = sum(w[l] * x[i+l])", upstream="L").rhs
    Sum(w[l]*x[i + l], (l, 0, N_l - 1))
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import sympy as sp

from symconv.errors import ConventionError, RecurrenceError, UnboundIndexError
from symconv.grad.formula import IndexFormula, as_index_formula, size_symbol, tensor_name
from symconv.grad.functions import RegisteredFunction, is_builtin_function

_NAME_CHAR = r"[A-Za-z0-9_']"


def read_forward(forward: Any, *, upstream: str = "J", **declarations: Any) -> IndexFormula:
    """``forward`` (the string form, an :class:`IndexFormula`, a SymPy ``Eq`` or a convolution
    index form) as a well-formed :class:`IndexFormula` whose generated names avoid ``upstream``.

    A text read without declarations is read once per ``upstream``: the formula (immutable) is
    kept for the next derivation from the same text (each input of one layer), unless it applies
    a function a user registered (a registration may replace it).
    """
    text_key = (forward, upstream) if isinstance(forward, str) and not declarations else None
    if text_key is not None and text_key in _READ:
        return _READ[text_key]
    if isinstance(forward, str):
        from symconv.grad.grammar import parse_index_formula

        formula = parse_index_formula(forward, reserved=(upstream,), **declarations)
    else:
        formula = avoid_names(as_index_formula(forward, **declarations), {upstream})
    check_well_formed(formula)
    check_loss_name(formula, upstream)
    if text_key is not None and _builtin_functions_only(formula):
        if len(_READ) >= _READ_KEPT:
            del _READ[next(iter(_READ))]
        _READ[text_key] = formula
    return formula


#: Formulas read from text by :func:`read_forward`, by ``(text, upstream)``, the oldest first.
_READ: dict[tuple[str, str], IndexFormula] = {}
_READ_KEPT = 32


def _builtin_functions_only(formula: IndexFormula) -> bool:
    return all(
        is_builtin_function(applied.registry_name)
        for applied in formula.rhs.atoms(RegisteredFunction)
    )


def formula_text(formula: IndexFormula) -> str:
    """The text errors quote: the user's own where the formula was read from text.

    >>> import sympy as sp
    >>> i, x, y = sp.Symbol("i", integer=True), sp.IndexedBase("x"), sp.IndexedBase("y")
    >>> formula_text(IndexFormula.from_equation(sp.Eq(y[i], 2 * x[i])))
    'y[i] = 2*x[i]'
    """
    return formula.text if formula.from_text else f"{formula.lhs} = {formula.rhs}"


def check_well_formed(formula: IndexFormula) -> None:
    """Refuse a recurrence and an unbound index (see the module docstring)."""
    text = formula_text(formula)
    output = tensor_name(formula.output)
    if output in formula.tensors:
        raise RecurrenceError(output, text, locate(text, output, tensor=True))
    free_on_right = formula.rhs.free_symbols
    left = set(formula.indices)
    for read in _reads_in_order(formula.rhs):
        for position in read.indices:
            if isinstance(position, sp.Symbol) and position in free_on_right - left:
                raise UnboundIndexError(position.name, text, locate(text, position.name))


def check_loss_name(formula: IndexFormula, upstream: str) -> None:
    """The loss ``upstream`` names no tensor, size or parameter the user wrote.

    >>> check_loss_name(IndexFormula.parse("y[i] = L[i]"), "L")
    Traceback (most recent call last):
    ...
    symconv.errors.ConventionError: y[i] = L[i]: the loss name upstream='L' is also a name of the \
formula; ∂L/∂... would be ambiguous: choose another loss name
    >>> check_loss_name(IndexFormula.parse("y[i] = x[i]"), "")
    Traceback (most recent call last):
    ...
    symconv.errors.ConventionError: the loss upstream='' is not a name: write one word (J, L)
    """
    if not upstream.isidentifier():
        raise ConventionError(
            f"the loss upstream={upstream!r} is not a name: write one word (J, L)"
        )
    names = {
        *formula.shapes,
        *(s.name for s in formula.size_symbols),
        *(s.name for s in formula.parameters),
        *(s.name for s in formula.indices),
    }
    if upstream in names:
        text = formula_text(formula)
        raise ConventionError(
            f"{text}: the loss name upstream={upstream!r} is also a name of the formula; "
            f"∂{upstream}/∂... would be ambiguous: choose another loss name"
        )


def avoid_names(formula: IndexFormula, reserved: Iterable[str]) -> IndexFormula:
    """Rename the sizes of a formula built elsewhere that take a reserved name (``L`` for
    ``upstream="L"``): ``L`` → ``L'2``.

    >>> import sympy as sp
    >>> i, l = sp.Symbol("i", integer=True), sp.Symbol("l", integer=True)
    >>> w, x, y = sp.IndexedBase("w"), sp.IndexedBase("x"), sp.IndexedBase("y")
    >>> formula = IndexFormula.from_equation(
    ...     (y[i], sp.Sum(w[l] * x[i + l], (l, 0, size_symbol("L") - 1))))
    >>> avoid_names(formula, {"L"}).rhs
    Sum(w[l]*x[i + l], (l, 0, L'2 - 1))
    """
    avoided = set(reserved)
    taken = {*formula.shapes, *(s.name for s in formula.size_symbols), *avoided}
    taken |= {s.name for s in formula.rhs.free_symbols if isinstance(s, sp.Symbol)}
    mapping: dict[sp.Symbol, sp.Symbol] = {}
    for size in formula.size_symbols:
        if size.name in avoided:
            suffix = 2
            while f"{size.name}'{suffix}" in taken:
                suffix += 1
            name = f"{size.name}'{suffix}"
            taken.add(name)
            mapping[size] = size_symbol(name)
    return formula.substitute(mapping) if mapping else formula


def locate(text: str, name: str, *, tensor: bool = False) -> int | None:
    """The 1-based column of ``name`` on the right side of ``text``: a tensor read (``name[``)
    or an index (``name`` not followed by ``[`` or ``(``); ``j_1`` is also found as ``j1``.

    >>> locate("Z[i,j1] = X[i, j2] + j2", "j_2"), locate("y[i] = y[i-1]", "y", tensor=True)
    (16, 8)
    """
    start = text.find("=") + 1
    spellings = {name, name.replace("_", "")}
    for spelling in sorted(spellings, key=len, reverse=True):
        tail = r"\s*\[" if tensor else r"(?!\s*[\[(])"
        pattern = rf"(?<!{_NAME_CHAR}){re.escape(spelling)}(?!{_NAME_CHAR}){tail}"
        match = re.compile(pattern).search(text, start)
        if match:
            return match.start() + 1
    return None


def _reads_in_order(expr: sp.Basic) -> list[sp.Indexed]:
    return [node for node in sp.preorder_traversal(expr) if isinstance(node, sp.Indexed)]


__all__ = [
    "avoid_names",
    "check_loss_name",
    "check_well_formed",
    "formula_text",
    "locate",
    "read_forward",
]
