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
from symconv.tensors import entries
from symconv.transposed import conv_transpose, transpose_output_padding

__all__ = [
    "CheckReport",
    "CheckResult",
    "ConvSpec",
    "ConventionError",
    "Derivation",
    "DerivationError",
    "NumericTwin",
    "ParseError",
    "ShapeError",
    "Step",
    "SymconvError",
    "UnsupportedError",
    "VerificationError",
    "conv_bias_vector",
    "conv_forward_derivation",
    "conv_index_form",
    "conv_matrix",
    "conv_matrix_derivation",
    "conv_matrix_sparse",
    "conv_transpose",
    "convolve",
    "correlate",
    "entries",
    "transpose_output_padding",
]

__version__ = "0.1.0"
