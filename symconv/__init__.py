"""symconv: a symbolic derivation engine for the mathematics of convolutional networks.

The public names below are imported lazily (PEP 562), so ``symconv --help`` and the checker start
without loading every engine module.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: Public name → the module that defines it.
_EXPORTS: dict[str, str] = {
    "CheckReport": "symconv.derivation",
    "CheckResult": "symconv.derivation",
    "ConvLayer": "symconv.costs",
    "ConvSpec": "symconv.geometry",
    "ConventionError": "symconv.errors",
    "Derivation": "symconv.derivation",
    "DerivationError": "symconv.errors",
    "ExportedLayer": "symconv.export",
    "GradientCheck": "symconv.gradcheck",
    "IndexFormula": "symconv.grad",
    "Network": "symconv.chain",
    "NumericTwin": "symconv.derivation",
    "ParseError": "symconv.errors",
    "Rule": "symconv.rules",
    "ShapeError": "symconv.errors",
    "Stencil": "symconv.stencils",
    "Step": "symconv.derivation",
    "SymbolTable": "symconv.check.symbols",
    "SymconvError": "symconv.errors",
    "UnsupportedError": "symconv.errors",
    "VerificationError": "symconv.errors",
    "all_rules": "symconv.rules",
    "argmax_gradient_derivation": "symconv.rules",
    "assert_gradient": "symconv.gradcheck",
    "box": "symconv.stencil_nd",
    "check": "symconv.check",
    "check_gradient": "symconv.gradcheck",
    "compare_index_formulas": "symconv.grad",
    "compose": "symconv.chain",
    "conv_additions": "symconv.costs",
    "conv_backward": "symconv.numeric",
    "conv_bias_vector": "symconv.convmatrix",
    "conv_forward": "symconv.numeric",
    "conv_forward_derivation": "symconv.conv",
    "conv_gradients": "symconv.rules",
    "conv_index_form": "symconv.conv",
    "conv_matrix": "symconv.convmatrix",
    "conv_matrix_derivation": "symconv.convmatrix",
    "conv_matrix_sparse": "symconv.convmatrix",
    "conv_multiplications": "symconv.costs",
    "conv_output_shape": "symconv.shapes",
    "conv_output_size": "symconv.shapes",
    "conv_params": "symconv.costs",
    "conv_rule": "symconv.rules",
    "conv_transpose": "symconv.transposed",
    "convolve": "symconv.conv",
    "correlate": "symconv.conv",
    "cross": "symconv.stencil_nd",
    "derive_backward": "symconv.grad",
    "derive_gradients": "symconv.grad",
    "dilated_kernel_extent": "symconv.shapes",
    "entries": "symconv.tensors",
    "export_layer": "symconv.export",
    "feature_map_memory": "symconv.costs",
    "forward_backward_transpose_derivation": "symconv.rules",
    "from_weights": "symconv.stencils",
    "get_rule": "symconv.rules",
    "layer_cost": "symconv.costs",
    "max_gradient_derivation": "symconv.rules",
    "output_padding_for": "symconv.shapes",
    "parse_math": "symconv.check.parser",
    "pool_output_shape": "symconv.shapes",
    "pool_output_size": "symconv.shapes",
    "receptive_field": "symconv.shapes",
    "same_padding": "symconv.shapes",
    "small_cnn": "symconv.chain",
    "softmax_jacobian_derivation": "symconv.rules",
    "solve": "symconv.problems",
    "split_document": "symconv.check.markdown",
    "stack_cost": "symconv.costs",
    "stencil": "symconv.stencils",
    "transpose_output_padding": "symconv.transposed",
    "transposed_equivalent_padding": "symconv.shapes",
    "transposed_output_shape": "symconv.shapes",
    "transposed_output_size": "symconv.shapes",
    "weight_memory": "symconv.costs",
}

__all__ = [
    "CheckReport",
    "CheckResult",
    "ConvLayer",
    "ConvSpec",
    "ConventionError",
    "Derivation",
    "DerivationError",
    "ExportedLayer",
    "GradientCheck",
    "IndexFormula",
    "Network",
    "NumericTwin",
    "ParseError",
    "Rule",
    "ShapeError",
    "Stencil",
    "Step",
    "SymbolTable",
    "SymconvError",
    "UnsupportedError",
    "VerificationError",
    "all_rules",
    "argmax_gradient_derivation",
    "assert_gradient",
    "box",
    "check",
    "check_gradient",
    "compare_index_formulas",
    "compose",
    "conv_additions",
    "conv_backward",
    "conv_bias_vector",
    "conv_forward",
    "conv_forward_derivation",
    "conv_gradients",
    "conv_index_form",
    "conv_matrix",
    "conv_matrix_derivation",
    "conv_matrix_sparse",
    "conv_multiplications",
    "conv_output_shape",
    "conv_output_size",
    "conv_params",
    "conv_rule",
    "conv_transpose",
    "convolve",
    "correlate",
    "cross",
    "derive_backward",
    "derive_gradients",
    "dilated_kernel_extent",
    "entries",
    "export_layer",
    "feature_map_memory",
    "forward_backward_transpose_derivation",
    "from_weights",
    "get_rule",
    "layer_cost",
    "max_gradient_derivation",
    "output_padding_for",
    "parse_math",
    "pool_output_shape",
    "pool_output_size",
    "receptive_field",
    "same_padding",
    "small_cnn",
    "softmax_jacobian_derivation",
    "solve",
    "split_document",
    "stack_cost",
    "stencil",
    "transpose_output_padding",
    "transposed_equivalent_padding",
    "transposed_output_shape",
    "transposed_output_size",
    "weight_memory",
]

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
    from symconv.chain import Network, compose, small_cnn
    from symconv.check.api import check
    from symconv.check.markdown import split_document
    from symconv.check.parser import parse_math
    from symconv.check.symbols import SymbolTable
    from symconv.conv import conv_forward_derivation, conv_index_form, convolve, correlate
    from symconv.convmatrix import (
        conv_bias_vector,
        conv_matrix,
        conv_matrix_derivation,
        conv_matrix_sparse,
    )
    from symconv.costs import (
        ConvLayer,
        conv_additions,
        conv_multiplications,
        conv_params,
        feature_map_memory,
        layer_cost,
        stack_cost,
        weight_memory,
    )
    from symconv.derivation import CheckReport, CheckResult, Derivation, NumericTwin, Step
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
    from symconv.geometry import ConvSpec
    from symconv.grad import IndexFormula, compare_index_formulas, derive_backward, derive_gradients
    from symconv.gradcheck import GradientCheck, assert_gradient, check_gradient
    from symconv.numeric import conv_backward, conv_forward
    from symconv.problems import solve
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
    from symconv.shapes import (
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
    from symconv.stencil_nd import box, cross
    from symconv.stencils import Stencil, from_weights, stencil
    from symconv.tensors import entries
    from symconv.transposed import conv_transpose, transpose_output_padding
