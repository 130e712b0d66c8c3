"""symconv: a symbolic derivation engine for the mathematics of convolutional networks.

The public names below are imported lazily (PEP 562), so ``symconv --help`` and the checker start
without loading every engine module.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: Public name → the module that defines it.
_EXPORTS: dict[str, str] = {
    "CheckReport": "symconv.core.derivation",
    "CheckResult": "symconv.core.derivation",
    "ConvLayer": "symconv.sizes.costs",
    "ConvOptions": "symconv.conv.geometry",
    "ConvSpec": "symconv.conv.geometry",
    "ConventionError": "symconv.errors",
    "Derivation": "symconv.core.derivation",
    "DerivationError": "symconv.errors",
    "ExportedLayer": "symconv.export",
    "GradientCheck": "symconv.core.gradcheck",
    "IndexFormula": "symconv.grad",
    "Network": "symconv.rules.chain",
    "NumericTwin": "symconv.core.derivation",
    "ParseError": "symconv.errors",
    "Rule": "symconv.rules",
    "ShapeError": "symconv.errors",
    "Stencil": "symconv.stencils.weights",
    "Step": "symconv.core.derivation",
    "SymbolTable": "symconv.check.symbols",
    "SymconvError": "symconv.errors",
    "UnsupportedError": "symconv.errors",
    "VerificationError": "symconv.errors",
    "all_rules": "symconv.rules",
    "argmax_gradient_derivation": "symconv.rules",
    "assert_gradient": "symconv.core.gradcheck",
    "box": "symconv.stencils.nd",
    "check": "symconv.check",
    "check_gradient": "symconv.core.gradcheck",
    "compare_index_formulas": "symconv.grad",
    "compose": "symconv.rules.chain",
    "conv_additions": "symconv.sizes.costs",
    "conv_backward": "symconv.conv.numeric",
    "conv_bias_vector": "symconv.conv.matrix",
    "conv_forward": "symconv.conv.numeric",
    "conv_forward_derivation": "symconv.conv.forms",
    "conv_gradients": "symconv.rules",
    "conv_index_form": "symconv.conv.forms",
    "conv_matrix": "symconv.conv.matrix",
    "conv_matrix_derivation": "symconv.conv.matrix",
    "conv_matrix_sparse": "symconv.conv.matrix",
    "conv_multiplications": "symconv.sizes.costs",
    "conv_output_shape": "symconv.sizes.shapes",
    "conv_output_size": "symconv.sizes.shapes",
    "conv_params": "symconv.sizes.costs",
    "conv_rule": "symconv.rules",
    "conv_transpose": "symconv.conv.transposed",
    "convolve": "symconv.conv.forms",
    "correlate": "symconv.conv.forms",
    "cross": "symconv.stencils.nd",
    "derive_backward": "symconv.grad",
    "derive_gradients": "symconv.grad",
    "dilated_kernel_extent": "symconv.sizes.shapes",
    "entries": "symconv.core.tensors",
    "export_layer": "symconv.export",
    "feature_map_memory": "symconv.sizes.costs",
    "forward_backward_transpose_derivation": "symconv.rules",
    "from_weights": "symconv.stencils.weights",
    "get_rule": "symconv.rules",
    "layer_cost": "symconv.sizes.costs",
    "max_gradient_derivation": "symconv.rules",
    "output_padding_for": "symconv.sizes.shapes",
    "parse_math": "symconv.check.parser",
    "pool_output_shape": "symconv.sizes.shapes",
    "pool_output_size": "symconv.sizes.shapes",
    "receptive_field": "symconv.sizes.shapes",
    "same_padding": "symconv.sizes.shapes",
    "small_cnn": "symconv.rules.chain",
    "softmax_jacobian_derivation": "symconv.rules",
    "solve": "derivations",
    "split_document": "symconv.check.markdown",
    "stack_cost": "symconv.sizes.costs",
    "stencil": "symconv.stencils.weights",
    "transpose_output_padding": "symconv.conv.transposed",
    "transposed_equivalent_padding": "symconv.sizes.shapes",
    "transposed_output_shape": "symconv.sizes.shapes",
    "transposed_output_size": "symconv.sizes.shapes",
    "weight_memory": "symconv.sizes.costs",
}

#: The public API, listed once: ``__all__`` is its keys (the ``TYPE_CHECKING`` imports below only
#: tell static analysers the same names; tests/test_public_api.py keeps the two in step).
__all__ = sorted(_EXPORTS)

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "check":  # the package itself is callable (symconv/check/__init__.py)
        return importlib.import_module("symconv.check")
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'symconv' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


if TYPE_CHECKING:  # pragma: no cover - static analysers see the eager imports
    from derivations import solve
    from symconv.check.api import check
    from symconv.check.markdown import split_document
    from symconv.check.parser import parse_math
    from symconv.check.symbols import SymbolTable
    from symconv.conv.forms import conv_forward_derivation, conv_index_form, convolve, correlate
    from symconv.conv.geometry import ConvOptions, ConvSpec
    from symconv.conv.matrix import (
        conv_bias_vector,
        conv_matrix,
        conv_matrix_derivation,
        conv_matrix_sparse,
    )
    from symconv.conv.numeric import conv_backward, conv_forward
    from symconv.conv.transposed import conv_transpose, transpose_output_padding
    from symconv.core.derivation import CheckReport, CheckResult, Derivation, NumericTwin, Step
    from symconv.core.gradcheck import GradientCheck, assert_gradient, check_gradient
    from symconv.core.tensors import entries
    from symconv.errors import (
        ConventionError,
        DerivationError,
        ParseError,
        ShapeError,
        SymconvError,
        UnsupportedError,
        VerificationError,
    )
    from symconv.export import ExportedLayer, export_layer
    from symconv.grad import IndexFormula, compare_index_formulas, derive_backward, derive_gradients
    from symconv.rules import (
        Rule,
        all_rules,
        argmax_gradient_derivation,
        conv_gradients,
        conv_rule,
        forward_backward_transpose_derivation,
        get_rule,
        max_gradient_derivation,
        softmax_jacobian_derivation,
    )
    from symconv.rules.chain import Network, compose, small_cnn
    from symconv.sizes.costs import (
        ConvLayer,
        conv_additions,
        conv_multiplications,
        conv_params,
        feature_map_memory,
        layer_cost,
        stack_cost,
        weight_memory,
    )
    from symconv.sizes.shapes import (
        conv_output_shape,
        conv_output_size,
        dilated_kernel_extent,
        output_padding_for,
        pool_output_shape,
        pool_output_size,
        receptive_field,
        same_padding,
        transposed_equivalent_padding,
        transposed_output_shape,
        transposed_output_size,
    )
    from symconv.stencils.nd import box, cross
    from symconv.stencils.weights import Stencil, from_weights, stencil
