"""symconv: a symbolic derivation engine for the mathematics of convolutional networks."""

from symconv.conv import (
    conv_forward_derivation,
    conv_index_form,
    convolve,
    correlate,
)
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
from symconv.geometry import ConvSpec
from symconv.grad import IndexFormula, compare_index_formulas, derive_backward, derive_gradients
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
from symconv.stencil import Stencil, from_weights, stencil
from symconv.stencil_nd import box, cross
from symconv.tensors import entries
from symconv.transposed import conv_transpose, transpose_output_padding

__all__ = [
    "CheckReport",
    "CheckResult",
    "ConvLayer",
    "ConvSpec",
    "ConventionError",
    "Derivation",
    "DerivationError",
    "IndexFormula",
    "NumericTwin",
    "ParseError",
    "ShapeError",
    "Stencil",
    "Step",
    "SymconvError",
    "UnsupportedError",
    "VerificationError",
    "box",
    "compare_index_formulas",
    "conv_additions",
    "conv_bias_vector",
    "conv_forward_derivation",
    "conv_index_form",
    "conv_matrix",
    "conv_matrix_derivation",
    "conv_matrix_sparse",
    "conv_multiplications",
    "conv_output_shape",
    "conv_output_size",
    "conv_params",
    "conv_transpose",
    "convolve",
    "correlate",
    "cross",
    "derive_backward",
    "derive_gradients",
    "dilated_kernel_extent",
    "entries",
    "feature_map_memory",
    "from_weights",
    "layer_cost",
    "output_padding_for",
    "pool_output_shape",
    "pool_output_size",
    "receptive_field",
    "same_padding",
    "stack_cost",
    "stencil",
    "transpose_output_padding",
    "transposed_equivalent_padding",
    "transposed_output_shape",
    "transposed_output_size",
    "weight_memory",
]

__version__ = "0.1.0"
