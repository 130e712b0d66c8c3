"""Gradient checking by one directional derivative (autograd's and JAX's ``check_grads`` style).

For a scalar function ``f`` and a claimed gradient ``g = ∇f(x)``, draw a random direction ``v``
(seeded, ``‖v‖ = 1`` over all arrays) and compare the central difference

    D_ε = (f(x + ε v) − f(x − ε v)) / (2 ε) = ⟨∇f(x), v⟩ + (ε²/6) f'''(x)[v, v, v] + O(ε⁴)

(Taylor's theorem; the even terms cancel) with ``⟨g, v⟩``. Rounding adds about
``u · |f(x)| / ε`` to ``D_ε`` (u = unit roundoff), so the error ``ε² + u/ε`` is smallest near
``ε = u^{1/3}`` (Nocedal & Wright 2006, §8.1), the default step here, scaled by ``max(1, ‖x‖_∞)``.
One direction tests every component at once: a wrong gradient passes only if its error is
nearly orthogonal to ``v``, which a random direction makes unlikely (change ``seed`` to draw
another).

    >>> import numpy as np
    >>> x = np.array([0.5, -1.0, 2.0])
    >>> check_gradient(lambda x: np.sum(x**3), x, lambda x: 3 * x**2).passed
    True
    >>> result = check_gradient(lambda x: np.sum(x**3), x, 2 * x**2)
    >>> result.passed
    False
    >>> print(result.detail.split(" (ε")[0])  # doctest: +ELLIPSIS
    directional derivative along v (seed 0): finite difference 11.0876... ≠ ⟨grad, v⟩ 7.3917...
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from symconv.core.derivation import CheckResult
from symconv.errors import ShapeError, VerificationError

#: Default relative tolerance by the lowest precision among the point's arrays.
DEFAULT_RTOL: dict[str, float] = {"float64": 1e-6, "float32": 1e-2, "float16": 1e-1}


@dataclass(frozen=True)
class GradientCheck(CheckResult):
    """A :class:`~symconv.core.derivation.CheckResult` with the numbers that were compared."""

    finite_difference: float = float("nan")
    directional: float = float("nan")
    eps: float = float("nan")
    seed: int = 0
    tolerance: float = float("nan")


def _leaves(point: Any) -> tuple[list[np.ndarray], Callable[[list[np.ndarray]], Any]]:
    """The arrays of a point (array, tuple/list or dict of arrays) and how to rebuild it."""
    if isinstance(point, Mapping):
        keys = list(point)
        return [np.asarray(point[k]) for k in keys], lambda arrays: dict(
            zip(keys, arrays, strict=True)
        )
    if isinstance(point, tuple | list):
        kind = type(point)
        return [np.asarray(p) for p in point], lambda arrays: kind(arrays)
    return [np.asarray(point)], lambda arrays: arrays[0]


def _call(f: Callable[..., Any], point: Any) -> Any:
    """Tuples and lists are positional arguments, dicts keyword arguments, an array one."""
    if isinstance(point, Mapping):
        return f(**point)
    if isinstance(point, tuple | list):
        return f(*point)
    return f(point)


def _scalar(value: Any, what: str) -> float:
    array = np.asarray(value)
    if array.size != 1:
        raise ShapeError(f"{what} must be a scalar; it returned shape {array.shape}")
    return float(array.reshape(()))


def _working_dtype(arrays: list[np.ndarray]) -> np.dtype[Any]:
    """The float type the perturbed point keeps: the lowest precision among floating arrays."""
    floats = [a.dtype for a in arrays if np.issubdtype(a.dtype, np.floating)]
    if not floats:
        return np.dtype(np.float64)
    return max(floats, key=lambda dtype: float(np.finfo(dtype).eps))


def _abbreviate(point: Any) -> str:
    arrays, _ = _leaves(point)
    with np.printoptions(threshold=6, edgeitems=2, precision=4):
        shown = [np.array2string(a, separator=", ").replace("\n", "") for a in arrays]
    if isinstance(point, Mapping):
        return "{" + ", ".join(f"{k!r}: {s}" for k, s in zip(point, shown, strict=True)) + "}"
    if isinstance(point, tuple | list):
        return "(" + ", ".join(shown) + ")"
    return shown[0]


def check_gradient(
    f: Callable[..., Any],
    x: Any,
    grad: Any,
    *,
    seed: int = 0,
    eps: float | None = None,
    rtol: float | None = None,
    atol: float | None = None,
    name: str = "gradient vs central difference",
) -> GradientCheck:
    """Compare ``⟨grad, v⟩`` with ``(f(x+εv) − f(x−εv))/(2ε)`` in one seeded random direction.

    ``x`` is an array, a tuple/list of arrays (``f(*x)``) or a dict of arrays (``f(**x)``);
    ``grad`` has the same structure, or is a callable taking the point like ``f``. They agree
    when ``|D_ε − ⟨grad, v⟩| ≤ atol + rtol · max(|D_ε|, |⟨grad, v⟩|)``; the default ``atol`` is
    the rounding error of the difference, ``16 u (|f(x+εv)| + |f(x−εv)|) / (2ε)``, and the default
    ``rtol`` is 1e-6 for float64 points (1e-2 for float32).
    """
    arrays, rebuild = _leaves(x)
    dtype = _working_dtype(arrays)
    rng = np.random.default_rng(seed)
    direction = [rng.standard_normal(a.shape) for a in arrays]
    norm = np.sqrt(sum(float(np.sum(v * v)) for v in direction))
    if norm == 0.0:
        raise ShapeError(f"the point {_abbreviate(x)} has no entries to perturb")
    direction = [v / norm for v in direction]
    unit = float(np.finfo(dtype).eps)
    scale = max([1.0, *(float(np.max(np.abs(a), initial=0.0)) for a in arrays)])
    step = eps if eps is not None else unit ** (1 / 3) * scale

    def shifted(sign: float) -> Any:
        moved = [
            (a + sign * step * v).astype(a.dtype if a.dtype.kind == "f" else np.float64)
            for a, v in zip(arrays, direction, strict=True)
        ]
        return rebuild(moved)

    forward = _scalar(_call(f, shifted(+1.0)), "f")
    backward = _scalar(_call(f, shifted(-1.0)), "f")
    finite_difference = (forward - backward) / (2 * step)

    claimed = _call(grad, x) if callable(grad) else grad
    grad_arrays, _ = _leaves(claimed)
    if len(grad_arrays) != len(arrays) or any(
        g.shape != a.shape for g, a in zip(grad_arrays, arrays, strict=True)
    ):
        raise ShapeError(
            f"grad has shapes {[g.shape for g in grad_arrays]}; the point has shapes "
            f"{[a.shape for a in arrays]}"
        )
    directional = sum(
        float(np.sum(np.asarray(g, dtype=np.float64) * v))
        for g, v in zip(grad_arrays, direction, strict=True)
    )
    if rtol is None:
        rtol = DEFAULT_RTOL.get(dtype.name, 1e-6)
    if atol is None:
        atol = 16 * unit * (abs(forward) + abs(backward)) / (2 * step)
    tolerance = atol + rtol * max(abs(finite_difference), abs(directional))
    difference = abs(finite_difference - directional)
    passed = bool(difference <= tolerance)
    relation = "=" if passed else "≠"
    detail = (
        f"directional derivative along v (seed {seed}): finite difference {finite_difference!r} "
        f"{relation} ⟨grad, v⟩ {directional!r} (ε = {step:.3g}, |difference| = {difference:.3g}, "
        f"tolerance {tolerance:.3g})"
    )
    if not passed:
        detail += f" at x = {_abbreviate(x)}"
    return GradientCheck(
        name=name,
        passed=passed,
        detail=detail,
        finite_difference=finite_difference,
        directional=directional,
        eps=step,
        seed=seed,
        tolerance=tolerance,
    )


def assert_gradient(
    f: Callable[..., Any],
    x: Any,
    grad: Any,
    *,
    seed: int = 0,
    eps: float | None = None,
    rtol: float | None = None,
    atol: float | None = None,
) -> GradientCheck:
    """:func:`check_gradient` that raises :class:`~symconv.errors.VerificationError` on failure.

    >>> import numpy as np
    >>> assert_gradient(lambda x: np.sum(np.sin(x)), np.zeros(3), np.ones(3)).passed
    True
    >>> assert_gradient(lambda x: np.sum(np.sin(x)), np.zeros(3), np.zeros(3))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symconv.errors.VerificationError: gradient check failed: directional derivative ...
    """
    result = check_gradient(f, x, grad, seed=seed, eps=eps, rtol=rtol, atol=atol)
    if not result.passed:
        raise VerificationError(f"gradient check failed: {result.detail}")
    return result
