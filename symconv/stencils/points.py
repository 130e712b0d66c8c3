"""How many points a finite-difference stencil needs: the ``p``-th derivative to ``O(hⁿ)``.

The counts of Fornberg (1988), Table 1, derived from the Taylor moments. A stencil
``Σ_j w_j f(x + o_j h) / hᵖ`` approximates ``f⁽ᵖ⁾(x)`` with error ``O(hⁿ)`` exactly when its
moments ``μ_k = Σ_j w_j o_jᵏ`` are ``k! δ_{kp}`` for ``k = 0 … p + n − 1``: ``p + n`` linear
conditions on the weights (a Vandermonde system in the offsets).

* **One-sided** (forward ``o = 0 … N−1``, backward ``o = −(N−1) … 0``): the ``N`` weights meet
  ``p + n`` conditions when ``N ≥ p + n`` (the Vandermonde matrix of distinct offsets is
  invertible), and with ``N = p + n`` the next moment ``μ_{p+n}`` is not zero: ``N = p + n``.
* **Central** (``o = −r … r``, ``N = 2r + 1``): the weights of the unique stencil are even in the
  offset for even ``p`` and odd for odd ``p``, so the moments of the other parity vanish by
  themselves, and the accuracy ``n`` is even. Odd ``p``: unknowns ``w_1 … w_r`` (``w_0 = 0``),
  conditions the odd ``k ≤ p + n − 2``, ``(p + n − 1)/2`` of them: ``N = p + n``. Even ``p``:
  unknowns ``w_0 … w_r``, conditions the even ``k ≤ p + n − 2``, ``(p + n)/2`` of them:
  ``N = p + n − 1``. Both: ``N = 2⌊(p + 1)/2⌋ − 1 + n`` — the count of SymPy's and findiff's
  central schemes.
* **Staggered central** (``o = ±1/2, ±3/2, …``, ``N = 2r`` points, the derivative at a midpoint):
  the same parity argument gives ``r`` unknowns; odd ``p``: ``(p + n − 1)/2`` conditions, ``N = p
  + n − 1``; even ``p``: ``(p + n)/2`` conditions, ``N = p + n``. Both: ``N = 2⌊p/2⌋ + n``.

The weight at the centre of a central stencil of an odd derivative is 0: such a stencil samples
``N − 1`` points (the centred first difference ``(f(x+h) − f(x−h))/2h`` is the "3-point" and the
"2-point" formula, by the two counts).

Every count works on numbers and on SymPy expressions (a symbolic ``n``; a symbolic ``p`` with
:func:`sympy.floor` left unevaluated).

    >>> import sympy as sp
    >>> n = sp.Symbol("n")
    >>> points_needed(1, 4, "central"), points_needed(2, 4, "central")
    (5, 5)
    >>> points_needed(1, 6, "forward")
    7
    >>> points_needed(1, n, "central"), points_needed(2, n, "backward")
    (n + 1, n + 2)
    >>> points_sampled(1, 4, "central"), staggered_points(1, 4)
    (4, 4)
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from symconv.core.safe import as_sympy
from symconv.errors import ConventionError

__all__ = ["ONE_SIDED", "SCHEMES", "points_needed", "points_sampled", "staggered_points"]

#: The schemes a count is known for; ``one-sided`` is forward or backward.
ONE_SIDED = ("forward", "backward", "one-sided")
SCHEMES = ("central", *ONE_SIDED)


def _floor_half(value: Any) -> Any:
    """``⌊value/2⌋`` on an integer or a SymPy expression."""
    if isinstance(value, int):
        return value // 2
    return sp.floor(as_sympy(value) / 2)


def points_needed(order: Any, accuracy: Any, scheme: str) -> Any:
    """The grid points of the smallest ``scheme`` stencil for the ``order``-th derivative with
    error ``O(h^accuracy)`` (the zero-weight centre of a central odd derivative counted)."""
    if scheme == "central":
        return 2 * _floor_half(order + 1) - 1 + accuracy
    if scheme in ONE_SIDED:
        return order + accuracy
    raise ConventionError(f"scheme={scheme!r}: expected one of {list(SCHEMES)}")


def points_sampled(order: Any, accuracy: Any, scheme: str) -> Any:
    """The points with a nonzero weight: one fewer than :func:`points_needed` for a central
    stencil of an odd derivative (its centre weight is 0), the same otherwise."""
    needed = points_needed(order, accuracy, scheme)
    if scheme != "central":
        return needed
    # N − 1 for odd p, N for even p: N − (p − 2⌊p/2⌋)
    return needed - (order - 2 * _floor_half(order))


def staggered_points(order: Any, accuracy: Any) -> Any:
    """The points of the smallest staggered central stencil (offsets ``±1/2, ±3/2, …``)."""
    return 2 * _floor_half(order) + accuracy
