"""symconv: a symbolic derivation engine for the mathematics of convolutional networks."""

from symconv.conv import (
    conv_forward_derivation,
    conv_index_form,
    convolve,
    correlate,
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
    "conv_forward_derivation",
    "conv_index_form",
    "convolve",
    "correlate",
    "entries",
]

__version__ = "0.1.0"
