"""Gradients of index formulas: the differentiator and the index-formula comparator.

* :class:`IndexFormula` — an index equation with symbolic index ranges and tensor sizes, read
  from the string form (``IndexFormula.parse``), a SymPy ``Eq`` or a convolution index form;
* :func:`derive_backward` — the backward pass ``∂J/∂A[a]`` in closed index form, as a
  ``Derivation`` (chain rule, Kronecker deltas, re-indexing);
* :func:`compare_index_formulas` — lint the free indices, then decide equality by exact evaluation
  on random tensors, with a witness on disagreement;
* :func:`register_function` — add an elementwise function (with its derivative, checked against
  ``sympy.diff``) to the one registry every function name of a formula is looked up in;
* :func:`read_forward` — the strict front end: a forward formula that reads an unknown function,
  leaves an index unbound or reads its own output is refused with a caret under the culprit.

    >>> from symconv.grad import derive_backward
    >>> d = derive_backward("y[i] = sum(X[i,j] * A[j,k] * X[i,k])", wrt="A")
    >>> print(d.answer_latex())
    \\frac{\\partial J}{\\partial A[j, k]} =
    \\sum_{i=0}^{I - 1} \\frac{\\partial J}{\\partial y[i]} X[i, j] X[i, k]
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# The names below are imported lazily (PEP 562): a module that needs one part of the package
# (the checker reads ``symconv.grad.conditions``) does not load the differentiator, the
# comparator and the grammar with it.

#: Public name → the module that defines it.
_EXPORTS: dict[str, str] = {
    "BackwardParts": "symconv.grad.differentiate",
    "Comparison": "symconv.grad.compare",
    "ElementwiseFunction": "symconv.grad.functions",
    "FormulaParseError": "symconv.grad.grammar",
    "GradientBase": "symconv.grad.notation",
    "GradientIndexed": "symconv.grad.notation",
    "InRange": "symconv.grad.conditions",
    "IndexFormula": "symconv.grad.formula",
    "Iverson": "symconv.grad.conditions",
    "LintIssue": "symconv.grad.compare",
    "Partial": "symconv.grad.notation",
    "SecondReading": "symconv.grad.second_reading",
    "Witness": "symconv.grad.compare",
    "as_index_formula": "symconv.grad.formula",
    "as_piecewise": "symconv.grad.conditions",
    "compare_index_formulas": "symconv.grad.compare",
    "derive_backward": "symconv.grad.differentiate",
    "derive_gradients": "symconv.grad.differentiate",
    "function_entry": "symconv.grad.functions",
    "gradient_base": "symconv.grad.notation",
    "layout_permutation": "symconv.grad.compare",
    "lint_free_indices": "symconv.grad.compare",
    "open_sum": "symconv.grad.formula",
    "parse_index_formula": "symconv.grad.grammar",
    "read_forward": "symconv.grad.front_end",
    "read_forward_text": "symconv.grad.second_reading",
    "register_function": "symconv.grad.functions",
    "relu": "symconv.grad.functions",
    "sigmoid": "symconv.grad.functions",
    "unregister_function": "symconv.grad.functions",
}

#: The same names (tests/grad/test_grad_package.py keeps the two in step).
__all__ = [
    "BackwardParts",
    "Comparison",
    "ElementwiseFunction",
    "FormulaParseError",
    "GradientBase",
    "GradientIndexed",
    "InRange",
    "IndexFormula",
    "Iverson",
    "LintIssue",
    "Partial",
    "SecondReading",
    "Witness",
    "as_index_formula",
    "as_piecewise",
    "compare_index_formulas",
    "derive_backward",
    "derive_gradients",
    "function_entry",
    "gradient_base",
    "layout_permutation",
    "lint_free_indices",
    "open_sum",
    "parse_index_formula",
    "read_forward",
    "read_forward_text",
    "register_function",
    "relu",
    "sigmoid",
    "unregister_function",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'symconv.grad' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


if TYPE_CHECKING:  # pragma: no cover - static analysers see the eager imports
    from symconv.grad.compare import (
        Comparison,
        LintIssue,
        Witness,
        compare_index_formulas,
        layout_permutation,
        lint_free_indices,
    )
    from symconv.grad.conditions import InRange, Iverson, as_piecewise
    from symconv.grad.differentiate import BackwardParts, derive_backward, derive_gradients
    from symconv.grad.formula import IndexFormula, as_index_formula, open_sum
    from symconv.grad.front_end import read_forward
    from symconv.grad.functions import (
        ElementwiseFunction,
        function_entry,
        register_function,
        relu,
        sigmoid,
        unregister_function,
    )
    from symconv.grad.grammar import FormulaParseError, parse_index_formula
    from symconv.grad.notation import GradientBase, GradientIndexed, Partial, gradient_base
    from symconv.grad.second_reading import SecondReading, read_forward_text
