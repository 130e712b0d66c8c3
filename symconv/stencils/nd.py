"""N-D stencils: tensor products, grid symmetries, and the named members of a stencil family.

**Tensor products.** For ``L = Σ_β c_β ∂^β`` the tensor-product stencil is
``Σ_β c_β ⊗_i D^{(β_i)}`` with ``D^{(k)}`` the 1-D stencil of ``d^k/dx_i^k`` at the requested
accuracy (``D^{(0)} = [1]``): the sum of 1-D stencils along the axes for the Laplacian (the
5-point stencil in 2-D, the 7-point in 3-D, the radius-2 cross at accuracy 4: fd-d1, fd-d3), the
outer product of central first differences for ``∂²/∂x∂y`` (fd-e). Its accuracy is then
computed from the moments, not assumed.

**Families.** On an offset set with more points than conditions the Taylor-moment system leaves
a family (fd-d2: the full 3×3 Laplacian, rank 8 of 9). Its *named members* are defined here, each
by a condition solved exactly on the family (``completions``):

* ``symmetric`` — weights that transform as the operator under every signed permutation of the
  axes that maps the offset set onto itself: ``w(P o) = χ(P) w(o)`` with ``σ(Pξ) = χ(P) σ(ξ)``
  (``σ`` the operator's symbol). For ``∂²/∂x∂y`` on 3×3 this is the unique member odd under
  ``x → −x``: the tensor product (fd-e).
* ``tensor-product`` (``central`` in 1-D) — the tensor-product stencil above, when it lies in the
  family.
* ``<k>-point`` — the member supported on the coordinate axes (``5-point`` in 2-D, ``7-point`` in
  3-D), for operators without mixed terms.
* ``isotropic`` — a symmetric member whose leading error is ``K σ(ξ) |ξ|^p``: for the Laplacian
  ``τ ∝ h^p ∇^{p+2} f`` (Kumar 2004; Patra & Karttunen 2006). In 2-D on 3×3 this is ``w = 1/12`` of
  fd-d2, ``[[1,4,1],[4,−20,4],[1,4,1]]/6``. In 3-D on 3×3×3 the isotropic set is a line
  (corner ``c``, edge ``e`` with ``2c + e = 1/6``); its members are named by their number of
  nonzero weights: the one of smallest support (no corners, ``c = 0``: the ``19-point`` stencil,
  faces 1/3, edges 1/6, centre −4), the sparsest one (no edges, ``c = 1/12``: ``15-point``), and
  the *compact* one whose error terms through ``O(h^{p+2})`` are all ``σ(ξ)`` times a polynomial,
  so for ``∇²u = g`` they can be moved onto ``g`` (the Mehrstellen idea, Collatz 1960):
  ``c = 1/30``, the ``27-point`` stencil (corner 1, edge 3, face 14, centre −128)/30.
* ``Oono-Puri`` — 2-D Laplacian on 3×3 only: the symmetric member whose nearest-neighbour weight
  is twice the diagonal one (Oono & Puri 1988, Phys. Rev. A 38, 434: ½Σ_nn + ¼Σ_nnn − 3),
  ``w = 1/8`` of fd-d2. Also called isotropic in the literature; it is *not* isotropic in the
  ``τ ∝ ∇⁴f`` sense, hence its own name.
* ``sparsest`` — the symmetric member with the fewest nonzero weights among those fixed by
  setting weights to zero (ties go to the smaller support, ``Σ |o|²`` over the nonzero taps).

    >>> s = stencil_from((1, 1), box(1, 2))
    >>> s.free_parameters
    (w_{1,1},)
    >>> s.member("symmetric").answer()
    Matrix([
    [ 1/4, 0, -1/4],
    [   0, 0,    0],
    [-1/4, 0,  1/4]])
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import sympy as sp

from symconv.errors import DerivationError, UnsupportedError
from symconv.stencils.fornberg import fornberg_weights
from symconv.stencils.moment_system import EchelonSystem
from symconv.stencils.taylor import DiffOperator, MultiIndex, factorial_of, multi_indices, to_sympy

if TYPE_CHECKING:
    from symconv.stencils.weights import RationalFamily, Stencil

#: Above this many zero-patterns the sparsest-member search is not attempted.
SPARSEST_SEARCH_LIMIT = 20000


def box(radius: int, dims: int) -> list[tuple[int, ...]]:
    """Every offset with ``|o_i| ≤ radius``, lexicographic: the full ``(2r+1)^d`` grid.

    >>> box(1, 2)[:4]
    [(-1, -1), (-1, 0), (-1, 1), (0, -1)]
    """
    return list(itertools.product(range(-radius, radius + 1), repeat=dims))


def cross(radius: int, dims: int) -> list[tuple[int, ...]]:
    """The offsets on the coordinate axes with ``|o_i| ≤ radius`` (lexicographic).

    >>> cross(1, 2)
    [(-1, 0), (0, -1), (0, 0), (0, 1), (1, 0)]
    """
    return [o for o in box(radius, dims) if sum(1 for c in o if c) <= 1]


def stencil_from(derivative: Any, offsets: Sequence[Any], accuracy: int | None = None) -> Stencil:
    """Shorthand for ``stencil(derivative, accuracy, offsets=offsets)``."""
    from symconv.stencils.weights import stencil

    return stencil(derivative, accuracy, offsets=offsets)


# ----------------------------------------------------------------------------------------------
# Tensor products
# ----------------------------------------------------------------------------------------------
def one_dimensional_weights(order: int, accuracy: int, scheme: str) -> dict[Fraction, Fraction]:
    """``{offset: weight}`` of the 1-D ``d^k/dx^k`` scheme (``{0: 1}`` for ``k = 0``)."""
    from symconv.stencils.weights import scheme_offsets

    if order == 0:
        return {Fraction(0): Fraction(1)}
    points = scheme_offsets(order, accuracy, scheme)
    return dict(zip(points, fornberg_weights(order, points), strict=True))


def tensor_product(operator: DiffOperator, accuracy: int, scheme: str, spacing: sp.Expr) -> Stencil:
    """``Σ_β c_β ⊗_i D^{(β_i)}`` (see the module docstring); zero weights are dropped."""
    from symconv.stencils.weights import RationalFamily, from_family

    total: dict[tuple[Fraction, ...], Fraction] = {}
    for beta, coefficient in operator.terms:
        factors = [one_dimensional_weights(k, accuracy, scheme) for k in beta]
        for combination in itertools.product(*(f.items() for f in factors)):
            offset = tuple(o for o, _ in combination)
            weight = coefficient * math.prod((w for _, w in combination), start=Fraction(1))
            total[offset] = total.get(offset, Fraction(0)) + weight
    offsets = sorted(o for o, w in total.items() if w)
    family = RationalFamily(tuple(offsets), tuple(total[o] for o in offsets))
    method = f"tensor product of 1-D {scheme} differences of accuracy {accuracy}"
    return from_family(operator, family, spacing, method)


# ----------------------------------------------------------------------------------------------
# Polynomials in ξ as {multi-index: Fraction}
# ----------------------------------------------------------------------------------------------
Poly = dict[MultiIndex, Fraction]


def _multiply(a: Poly, b: Poly) -> Poly:
    result: Poly = {}
    for alpha, x in a.items():
        for beta, y in b.items():
            gamma = tuple(i + j for i, j in zip(alpha, beta, strict=True))
            result[gamma] = result.get(gamma, Fraction(0)) + x * y
    return {k: v for k, v in result.items() if v}


def operator_symbol(operator: DiffOperator) -> Poly:
    """``σ(ξ) = Σ c_β ξ^β``."""
    return {beta: c for beta, c in operator.terms}


def radial_power(power: int, dims: int) -> Poly:
    """``|ξ|^{2k}`` for ``power = 2k``."""
    result: Poly = {(0,) * dims: Fraction(1)}
    square = {tuple(2 if i == a else 0 for i in range(dims)): Fraction(1) for a in range(dims)}
    for _ in range(power // 2):
        result = _multiply(result, square)
    return result


def _transform(poly: Poly, permutation: Sequence[int], signs: Sequence[int]) -> Poly:
    """``σ(Pξ)`` with ``(Pξ)_i = s_i ξ_{π(i)}``."""
    result: Poly = {}
    for alpha, value in poly.items():
        beta = [0] * len(alpha)
        sign = 1
        for i, power in enumerate(alpha):
            beta[permutation[i]] += power
            sign *= signs[i] ** power
        key = tuple(beta)
        result[key] = result.get(key, Fraction(0)) + sign * value
    return {k: v for k, v in result.items() if v}


def grid_symmetries(
    offsets: Sequence[Sequence[Fraction]], operator: DiffOperator
) -> list[tuple[list[int], int]]:
    """For each signed permutation ``P`` preserving the offset set and ``σ`` up to a sign ``χ``:
    the index map ``j ↦ index of P o_j`` and ``χ``."""
    dims = operator.dims
    grid = math.lcm(*(c.denominator for o in offsets for c in o))
    points = [tuple(c.numerator * (grid // c.denominator) for c in o) for o in offsets]
    index = {o: j for j, o in enumerate(points)}
    sigma = operator_symbol(operator)
    negative = {k: -v for k, v in sigma.items()}
    result = []
    for permutation in itertools.permutations(range(dims)):
        for signs in itertools.product((1, -1), repeat=dims):
            transformed = _transform(sigma, permutation, signs)
            if transformed == sigma:
                character = 1
            elif transformed == negative:
                character = -1
            else:
                continue
            mapping = []
            for o in points:
                image = [0] * dims
                for i in range(dims):
                    image[permutation[i]] = signs[i] * o[i]
                target = index.get(tuple(image))
                if target is None:
                    break
                mapping.append(target)
            else:
                result.append((mapping, character))
    return result


# ----------------------------------------------------------------------------------------------
# Restricting a family by linear conditions on its weights
# ----------------------------------------------------------------------------------------------
WeightCondition = tuple[Sequence[Fraction], Fraction]  # a · w = b


def restrict(
    family: RationalFamily, conditions: Sequence[WeightCondition]
) -> RationalFamily | None:
    """The members satisfying ``a · w = b`` for every condition (None if there is none).

    With ``w = w⁰ + V t``: ``(a·V) t = b − a·w⁰``, solved exactly (:func:`restrict_parameters`)."""
    rows = []
    for a, b in conditions:
        row = [sum((x * v[j] for j, x in enumerate(a) if x), Fraction(0)) for v in family.basis]
        value = b - sum((x * family.particular[j] for j, x in enumerate(a) if x), Fraction(0))
        rows.append((row, value))
    return restrict_parameters(family, rows)


def restrict_parameters(
    family: RationalFamily, conditions: Sequence[tuple[Sequence[Fraction], Fraction]]
) -> RationalFamily | None:
    """The members whose parameters satisfy ``r · t = b``; the remaining parameters keep their
    names (each still the weight at its offset). None if the conditions contradict."""
    from symconv.stencils.weights import RationalFamily

    system = EchelonSystem(len(family.basis))
    for row, value in conditions:
        if not system.add(list(row), value):
            return None
    t0, directions, free = system.solve()
    particular = family.at(t0)
    basis = []
    for u in directions:
        vector = [Fraction(0)] * len(family.offsets)
        for coefficient, v in zip(u, family.basis, strict=True):
            if coefficient:
                vector = [x + coefficient * y for x, y in zip(vector, v, strict=True)]
        basis.append(tuple(vector))
    return RationalFamily(
        family.offsets,
        particular,
        tuple(basis),
        tuple(family.parameters[i] for i in free),
        tuple(family.columns[i] for i in free),
    )


def _unit(j: int, size: int) -> list[Fraction]:
    row = [Fraction(0)] * size
    row[j] = Fraction(1)
    return row


def symmetry_conditions(family: RationalFamily, operator: DiffOperator) -> list[WeightCondition]:
    size = len(family.offsets)
    conditions: list[WeightCondition] = []
    for mapping, character in grid_symmetries(family.offsets, operator):
        for j, image in enumerate(mapping):
            if image != j or character == -1:
                row = [Fraction(0)] * size
                row[image] += 1
                row[j] -= character
                if any(row):
                    conditions.append((row, Fraction(0)))
    return conditions


def _symbol_rows(
    family: RationalFamily, degree: int, operator: DiffOperator
) -> dict[MultiIndex, tuple[Fraction, list[Fraction]]]:
    """``E_degree(ξ; t) = Σ_{|α|=degree} m_α(t) ξ^α`` as ``{α: (constant, slopes)}``."""
    rows = {}
    for alpha in multi_indices(degree, operator.dims):

        def moment(weights: Sequence[Fraction], alpha: MultiIndex = alpha) -> Fraction:
            total = Fraction(0)
            for o, w in zip(family.offsets, weights, strict=True):
                if w:
                    term = w
                    for c, a in zip(o, alpha, strict=True):
                        if a:
                            term *= c**a
                    total += term
            return total / factorial_of(alpha)

        rows[alpha] = (
            moment(family.particular) - operator.coefficient(alpha),
            [moment(v) for v in family.basis],
        )
    return rows


def _divisibility(
    family: RationalFamily, operator: DiffOperator, degree: int, factor: Poly
) -> RationalFamily | None:
    """Members whose degree-``degree`` error symbol is ``factor(ξ) · Q(ξ)`` for some ``Q``.

    The unknowns are ``Q``'s coefficients (first) and the parameters ``t`` (last). After exact
    elimination, the rows whose pivot is a ``t`` column involve ``t`` only: they are exactly the
    conditions on the family; the rows with a ``Q`` pivot merely determine ``Q``."""
    dims = operator.dims
    factor_degree = sum(next(iter(factor)))
    quotient_monomials = list(multi_indices(degree - factor_degree, dims))
    width = len(quotient_monomials)
    system = EchelonSystem(width + len(family.basis))
    for gamma, (constant, slopes) in _symbol_rows(family, degree, operator).items():
        row = []
        for q in quotient_monomials:
            beta = tuple(g - x for g, x in zip(gamma, q, strict=True))
            row.append(-factor.get(beta, Fraction(0)) if min(beta) >= 0 else Fraction(0))
        if not system.add(row + list(slopes), -constant):
            return None
    conditions = [
        (row[width:], value)
        for row, value, pivot in zip(system.rows, system.rhs, system.pivots, strict=True)
        if pivot >= width
    ]
    return restrict_parameters(family, conditions)


def isotropic_family(
    family: RationalFamily, operator: DiffOperator, accuracy: int
) -> RationalFamily | None:
    """Members whose leading error symbol is ``K σ(ξ) |ξ|^p`` (``p`` even), K free."""
    if accuracy % 2:
        return None
    target = _multiply(operator_symbol(operator), radial_power(accuracy, operator.dims))
    return _divisibility(family, operator, operator.order + accuracy, target)


def compact_family(
    family: RationalFamily, operator: DiffOperator, accuracy: int
) -> RationalFamily | None:
    """Members whose error symbols of degree ``n+p+1`` and ``n+p+2`` are multiples of ``σ``."""
    sigma = operator_symbol(operator)
    result: RationalFamily | None = family
    for degree in (operator.order + accuracy + 1, operator.order + accuracy + 2):
        if result is None:
            return None
        result = _divisibility(result, operator, degree, sigma)
    return result


def sparsest_member(family: RationalFamily) -> RationalFamily | None:
    """The member with most zero weights among the vertices ``w_S = 0`` (|S| = #parameters)."""
    from symconv.stencils.weights import RationalFamily

    k = len(family.basis)
    if k == 0:
        return family
    candidates = [
        j
        for j in range(len(family.offsets))
        if family.particular[j] or any(v[j] for v in family.basis)
    ]
    if math.comb(len(candidates), k) > SPARSEST_SEARCH_LIMIT:
        return None
    best: tuple[Any, ...] | None = None
    best_weights: tuple[Fraction, ...] | None = None
    seen = set()
    for subset in itertools.combinations(candidates, k):
        system = EchelonSystem(k)
        ok = True
        for j in subset:
            if not system.add([v[j] for v in family.basis], -family.particular[j]):
                ok = False
                break
        if not ok or len(system.pivots) < k:
            continue
        t, _, _ = system.solve()
        weights = family.at(t)
        if weights in seen:
            continue
        seen.add(weights)
        nonzero = [j for j, w in enumerate(weights) if w]
        support = sum(sum(c * c for c in family.offsets[j]) for j in nonzero)
        key = (len(nonzero), support, tuple(-abs(w) for w in weights))
        if best is None or key < best:
            best, best_weights = key, weights
    if best_weights is None:
        return None
    return RationalFamily(family.offsets, best_weights)


def smallest_support_member(family: RationalFamily) -> RationalFamily | None:
    """The members using only offsets with ``|o|² ≤ r²`` for the least feasible ``r²``."""
    radii = sorted({sum(c * c for c in o) for o in family.offsets})
    size = len(family.offsets)
    for radius in radii:
        outside = [j for j, o in enumerate(family.offsets) if sum(c * c for c in o) > radius]
        sub = restrict(family, [(_unit(j, size), Fraction(0)) for j in outside])
        if sub is not None:
            return sub
    return None


# ----------------------------------------------------------------------------------------------
# Named members
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Member:
    """A named member (or sub-family) of a stencil family: its definition and parameter values."""

    name: str
    definition: str
    values: dict[sp.Symbol, sp.Expr]
    stencil: Stencil


def _member(stencil: Stencil, name: str, definition: str, sub: RationalFamily) -> Member:
    from symconv.stencils.weights import from_family

    family = stencil.family
    assert family is not None
    weights = sub.weights()
    values = {
        parameter: weights[column]
        for parameter, column in zip(family.parameters, family.columns, strict=True)
        if parameter not in sub.parameters
    }
    member = from_family(
        stencil.operator, sub, stencil.spacing, stencil.method, name=name, definition=definition
    )
    return Member(name, definition, values, member)


def _nonzero_count(family: RationalFamily) -> int:
    return sum(1 for w in family.particular if w)


def _is_laplacian_3x3(stencil: Stencil) -> bool:
    family = stencil.family
    assert family is not None
    return (
        stencil.dims == 2
        and stencil.operator.name == "laplacian"
        and sorted(family.offsets) == sorted(tuple(Fraction(c) for c in o) for o in box(1, 2))
    )


Completion = Callable[["Stencil", dict[str, Member]], None]


def _symmetric(stencil: Stencil, members: dict[str, Member]) -> None:
    family = stencil.family
    assert family is not None
    sub = restrict(family, symmetry_conditions(family, stencil.operator))
    if sub is not None and len(sub.basis) < len(family.basis):
        members["symmetric"] = _member(
            stencil,
            "symmetric",
            "weights transform as the operator under the grid's signed axis permutations",
            sub,
        )


def _tensor(stencil: Stencil, members: dict[str, Member]) -> None:
    family = stencil.family
    assert family is not None
    try:
        product = tensor_product(stencil.operator, stencil.accuracy, "central", stencil.spacing)
    except DerivationError:  # no central tensor product at this (odd) accuracy
        return
    assert product.family is not None
    index = {o: j for j, o in enumerate(family.offsets)}
    values = [Fraction(0)] * len(family.offsets)
    for o, w in zip(product.family.offsets, product.family.particular, strict=True):
        if o not in index:
            return
        values[index[o]] = w
    conditions = [(_unit(j, len(values)), v) for j, v in enumerate(values)]
    sub = restrict(family, conditions)
    if sub is not None:
        name = "central" if stencil.dims == 1 else "tensor-product"
        members[name] = _member(
            stencil, name, "the tensor product of 1-D central differences of the same accuracy", sub
        )


def _axis_aligned(stencil: Stencil, members: dict[str, Member]) -> None:
    family = stencil.family
    assert family is not None
    if stencil.dims == 1 or any(
        sum(1 for b in beta if b) > 1 for beta, _ in stencil.operator.terms
    ):
        return
    off_axis = [j for j, o in enumerate(family.offsets) if sum(1 for c in o if c) > 1]
    if not off_axis:
        return
    sub = restrict(family, [(_unit(j, len(family.offsets)), Fraction(0)) for j in off_axis])
    if sub is not None and not sub.basis:
        name = f"{_nonzero_count(sub)}-point"
        members[name] = _member(stencil, name, "the member supported on the coordinate axes", sub)


def _isotropic(stencil: Stencil, members: dict[str, Member]) -> None:
    family = stencil.family
    assert family is not None
    if stencil.dims == 1:
        return
    base = members["symmetric"].stencil.family if "symmetric" in members else family
    assert base is not None
    sub = isotropic_family(base, stencil.operator, stencil.accuracy)
    if sub is None:
        return
    definition = (
        f"leading error K sigma(xi)|xi|^{stencil.accuracy}: rotation-invariant to leading order"
    )
    members["isotropic"] = _member(stencil, "isotropic", definition, sub)
    if not sub.basis:
        return
    # The isotropic set is a sub-family: name its members by their number of nonzero weights.
    candidates = [
        (smallest_support_member(sub), "the isotropic member of smallest support radius"),
        (sparsest_member(sub), "the isotropic member with the most zero weights"),
        (
            compact_family(sub, stencil.operator, stencil.accuracy),
            "the isotropic member whose error terms through O(h^(p+2)) are sigma(xi) times a "
            "polynomial (Mehrstellen-compatible)",
        ),
    ]
    named: list[tuple[Fraction, ...]] = []
    for candidate, definition in candidates:
        if candidate is None or candidate.basis or candidate.particular in named:
            continue
        named.append(candidate.particular)
        name = f"{_nonzero_count(candidate)}-point"
        if name in members:
            name = f"{name} ({definition.split(' with ')[-1]})"
        members[name] = _member(stencil, name, definition, candidate)


def _oono_puri(stencil: Stencil, members: dict[str, Member]) -> None:
    family = stencil.family
    assert family is not None
    if not _is_laplacian_3x3(stencil):
        return
    base = members["symmetric"].stencil.family if "symmetric" in members else family
    assert base is not None
    index = {o: j for j, o in enumerate(family.offsets)}
    row = [Fraction(0)] * len(family.offsets)
    row[index[(Fraction(1), Fraction(0))]] = Fraction(1)
    row[index[(Fraction(1), Fraction(1))]] = Fraction(-2)
    sub = restrict(base, [(row, Fraction(0))])
    if sub is not None:
        members["Oono-Puri"] = _member(
            stencil,
            "Oono-Puri",
            "nearest-neighbour weight twice the diagonal weight (Oono & Puri 1988)",
            sub,
        )


def _sparsest(stencil: Stencil, members: dict[str, Member]) -> None:
    base = members["symmetric"].stencil.family if "symmetric" in members else stencil.family
    assert base is not None
    sub = sparsest_member(base)
    if sub is not None:
        members["sparsest"] = _member(
            stencil, "sparsest", "the symmetric member with the fewest nonzero weights", sub
        )


#: The named completions, in the order they are tried (later ones may use earlier ones).
COMPLETIONS: tuple[Completion, ...] = (
    _symmetric,
    _tensor,
    _axis_aligned,
    _isotropic,
    _oono_puri,
    _sparsest,
)


def completions(stencil: Stencil, until: str | None = None) -> dict[str, Member]:
    """Every named member of a family (empty for a single stencil); with ``until``, stop as soon
    as that name is found."""
    if not stencil.free_parameters:
        return {}
    if stencil.family is None:
        raise UnsupportedError("named members need the exact family (rational offsets)")
    members: dict[str, Member] = {}
    for completion in COMPLETIONS:
        completion(stencil, members)
        if until is not None and until in members:
            break
    return members


__all__ = ["Member", "box", "completions", "cross", "tensor_product", "to_sympy"]
