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

    >>> d = derive_backward("y[i] = sum(X[i,j] * A[j,k] * X[i,k])", wrt="A")
    >>> print(d.answer_latex())
    \\frac{\\partial J}{\\partial A[j, k]} =
    \\sum_{i=0}^{I - 1} \\frac{\\partial J}{\\partial y[i]} X[i, j] X[i, k]
"""

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
