"""Gradients of index formulas: the differentiator and the index-formula comparator.

* :class:`IndexFormula` — an index equation with symbolic index ranges and tensor sizes, read
  from the string form (``IndexFormula.parse``), a SymPy ``Eq`` or a convolution index form;
* :func:`derive_backward` — the backward pass ``∂J/∂A[a]`` in closed index form, as a
  ``Derivation`` (chain rule, Kronecker deltas, re-indexing);
* :func:`compare_index_formulas` — lint the free indices, then decide equality by exact evaluation
  on random tensors, with a witness on disagreement.

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
from symconv.grad.functions import relu, sigmoid
from symconv.grad.grammar import FormulaParseError, parse_index_formula
from symconv.grad.notation import GradientBase, GradientIndexed, Partial, gradient_base

__all__ = [
    "BackwardParts",
    "Comparison",
    "FormulaParseError",
    "GradientBase",
    "GradientIndexed",
    "InRange",
    "IndexFormula",
    "Iverson",
    "LintIssue",
    "Partial",
    "Witness",
    "as_index_formula",
    "as_piecewise",
    "compare_index_formulas",
    "derive_backward",
    "derive_gradients",
    "gradient_base",
    "layout_permutation",
    "lint_free_indices",
    "open_sum",
    "parse_index_formula",
    "relu",
    "sigmoid",
]
