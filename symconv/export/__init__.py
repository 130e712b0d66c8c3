"""Code export: NumPy (and PyTorch) functions generated from a derived layer's index formulas.

* :func:`export_layer` — a rule of the table, a ``derive_backward`` result or a forward formula,
  as an :class:`ExportedLayer` with ``forward``/``backward`` on NumPy arrays, ``source()`` (a
  standalone module) and ``torch_function()``;
* :func:`compile_formula` — one index formula as a vectorised NumPy :class:`Program`.
"""

from symconv.export.compiler import Program, compile_formula
from symconv.export.layer import DerivedLayer, ExportedLayer, export_layer
from symconv.export.torch_function import torch_available

__all__ = [
    "DerivedLayer",
    "ExportedLayer",
    "Program",
    "compile_formula",
    "export_layer",
    "torch_available",
]
