"""The stencil engine: a finite-difference stencil of any derivative, accuracy and offsets.

A typed front of :func:`symconv.stencils.weights.stencil` — 1-D schemes and offsets (rationals,
or spacing names for a non-uniform grid), N-D tensor products and Laplacians, and the families an
under-determined offset set leaves (``box``/``cross`` grids), with their named members offered as
accepted answers. The derivation is the library's (Taylor table, τ, checks).

    >>> stencil(2).answer
    Matrix([[1, -2, 1]])
    >>> family = stencil(2, dims=2, box=1)
    >>> family.details["parameters"]
    (w_{1,1},)
    >>> [convention for _, convention in family.details["alternatives"]][:2]
    ['the tensor-product member of the family', 'the 5-point member of the family']
    >>> stencil([1, 1], box=1, member="tensor-product").answer
    Matrix([
    [ 1/4, 0, -1/4],
    [   0, 0,    0],
    [-1/4, 0,  1/4]])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Literal

from symconv.core.derivation import Derivation
from symconv.errors import ConventionError
from symconv.problems.arguments import Count, Derivative, Issue, Offsets, Spacing, Text

Scheme = Literal["central", "forward", "backward"]


def stencil(
    derivative: Derivative,
    accuracy: Count | None = None,
    scheme: Scheme = "central",
    offsets: Offsets | None = None,
    box: Count | None = None,
    cross: Count | None = None,
    dims: Count = 1,
    spacing: Spacing | None = None,
    member: Text | None = None,
) -> Derivation:
    """The stencil (or family) and its derivation; ``member`` picks a named member of a family."""
    from symconv.stencils import nd
    from symconv.stencils.weights import stencil as derive

    if isinstance(derivative, list | tuple):
        derivative = tuple(derivative)
        if dims not in (1, len(derivative)):
            raise ConventionError(
                f"derivative={list(derivative)} is a {len(derivative)}-D multi-index; dims={dims}"
            )
        dims = len(derivative)
    grids = [
        name for name, value in (("offsets", offsets), ("box", box), ("cross", cross)) if value
    ]
    if len(grids) > 1:
        raise ConventionError(f"{' and '.join(grids)} both give the offsets: keep one")
    points: Any = offsets
    if box is not None:
        points = nd.box(box, dims)
    elif cross is not None:
        points = nd.cross(cross, dims)
    if points is not None and scheme != "central":
        raise ConventionError(f"scheme={scheme!r} and offsets both given: the offsets decide")
    result = derive(derivative, accuracy, scheme=scheme, offsets=points, dims=dims, spacing=spacing)
    if member is not None:
        return result.member(member).derivation()
    derivation = result.derivation()
    if not result.is_family:
        return derivation
    alternatives = tuple(
        (named.stencil.answer(), f"the {name} member of the family")
        for name, named in result.members.items()
        if not named.stencil.is_family  # a sub-family would need its own parameters
    )
    return replace(derivation, details={**derivation.details, "alternatives": alternatives})


def one_offset_set(arguments: Mapping[str, Any]) -> tuple[str, Issue] | None:
    """At most one of ``offsets``, ``box`` and ``cross`` (the load-time check of the engine)."""
    given = [name for name in ("offsets", "box", "cross") if name in arguments]
    if len(given) > 1:
        return given[1], Issue(f"{' and '.join(given)} both give the offsets: keep one")
    return None
