"""Tests for NumPy values that do not import NumPy.

NumPy takes about 50 ms to import, a sixth of ``import sympy``, and a ``symconv check`` of a short
document never touches an array. A value can only be a NumPy array (or scalar) if NumPy has been
imported, by the caller or by an engine that computes numerically, so these tests look NumPy up in
``sys.modules`` and answer ``False`` without importing it. Modules that compute with NumPy import
it where they compute (issue 19's latency target: ``symconv check`` on a one-line file within 2×
``python -c "import sympy"``).

>>> is_ndarray([1, 2]), is_numpy_scalar(3)
(False, False)
>>> import numpy
>>> is_ndarray(numpy.zeros(2)), is_numpy_scalar(numpy.int64(3)), is_numpy_scalar(3)
(True, True, False)
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, TypeGuard

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["is_ndarray", "is_numpy_scalar"]


def is_ndarray(value: object) -> TypeGuard[npt.NDArray[Any]]:
    """Whether ``value`` is a NumPy array (``False`` while NumPy is not imported)."""
    numpy = sys.modules.get("numpy")
    return numpy is not None and isinstance(value, numpy.ndarray)


def is_numpy_scalar(value: object) -> TypeGuard[np.generic]:
    """Whether ``value`` is a NumPy scalar such as ``numpy.int64(3)`` (``np.generic``)."""
    numpy = sys.modules.get("numpy")
    return numpy is not None and isinstance(value, numpy.generic)
