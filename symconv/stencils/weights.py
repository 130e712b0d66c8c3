"""Finite-difference stencils: exact weights for any derivative, accuracy, offsets and dimension.

``stencil(derivative, accuracy, ...)`` returns a :class:`Stencil`: the weights ``w_j`` on offsets
``o_j`` (in units of the spacing ``h``, symbolic by default) with

    D_h f(x) = h^{-n} Σ_j w_j f(x + o_j h),          τ = D_h f − L f       (DESIGN.md),

its achieved accuracy and its leading truncation error ``τ``, both computed from the Taylor
moments in exact arithmetic (:mod:`symconv.stencils.taylor`). 1-D weights come from Fornberg's
recursion (:mod:`symconv.stencils.fornberg`); N-D stencils are tensor products of 1-D ones or exact
solutions of the Taylor-moment system on any offset set (:mod:`symconv.stencils.moment_system`),
returned as the whole family with its free parameters and its named members
(:mod:`symconv.stencils.nd`).

The goldens of ``shared/problems/fd-stencils.md``:

    >>> s = stencil(2)                                            # fd-a
    >>> s.weights, s.accuracy, s.error
    ((1, -2, 1), 2, h**2*Derivative(f(x), (x, 4))/12)
    >>> print(s.formula_latex())
    f''(x) = \\frac{f(x - h) - 2 f(x) + f(x + h)}{h^{2}} - \\frac{h^{2}}{12} f^{(4)}(x)
      + \\mathcal{O}(h^{4})
    >>> stencil(4, 6).weights                                     # fd-b
    (7/240, -2/5, 169/60, -122/15, 91/8, -122/15, 169/60, -2/5, 7/240)
    >>> s = stencil(1, 4, scheme="forward")                       # fd-c
    >>> s.weights, s.error
    ((-25/12, 4, -3, 4/3, -1/4), -h**4*Derivative(f(x), (x, 5))/5)
    >>> stencil(1, scheme="forward").error                        # (f(x+h) − f(x))/h
    h*Derivative(f(x), (x, 2))/2
    >>> stencil(2, dims=2).answer()                               # fd-d1
    Matrix([
    [0,  1, 0],
    [1, -4, 1],
    [0,  1, 0]])

A family (fd-d2: the full 3×3 set; the free parameter is the weight at offset (1, 1)):

    >>> from symconv.stencils.nd import box
    >>> family = stencil(2, offsets=box(1, 2))
    >>> family.free_parameters, family.accuracy
    ((w_{1,1},), 2)
    >>> family.member("isotropic").answer()
    Matrix([
    [1/6,   2/3, 1/6],
    [2/3, -10/3, 2/3],
    [1/6,   2/3, 1/6]])
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

import sympy as sp

from symconv.conv.geometry import Op
from symconv.core.safe import as_sympy
from symconv.errors import ConventionError, DerivationError, UnsupportedError
from symconv.stencils.fornberg import integer_weights
from symconv.stencils.moment_system import MomentSolution, format_offsets, solve_moment_system
from symconv.stencils.points import points_needed
from symconv.stencils.spacing_field import interpolation_weights, points_in_field, to_expression
from symconv.stencils.taylor import (
    DiffOperator,
    ErrorSeries,
    MomentFunction,
    MultiIndex,
    coordinates,
    factorial_of,
    integer_series,
    series_from_moments,
    to_fraction,
    to_sympy,
)

if TYPE_CHECKING:
    from symconv.core.derivation import Derivation
    from symconv.stencils.kernel import Kernel
    from symconv.stencils.nd import Member

Scheme = Literal["central", "forward", "backward"]
SCHEMES: tuple[str, ...] = ("central", "forward", "backward")

#: The default symbolic spacing.
H = sp.Symbol("h")

#: The error convention, printed with every stencil.
TAU_CONVENTION = "tau = (stencil applied to f) - (exact derivative)"


# ----------------------------------------------------------------------------------------------
# An exact family of weights on rational offsets
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RationalFamily:
    """``w = particular + Σ_k t_k basis[k]`` on rational offsets, ``t_k`` = ``parameters[k]``."""

    offsets: tuple[tuple[Fraction, ...], ...]
    particular: tuple[Fraction, ...]
    basis: tuple[tuple[Fraction, ...], ...] = ()
    parameters: tuple[sp.Symbol, ...] = ()
    #: ``columns[k]``: the offset whose weight ``parameters[k]`` stands for.
    columns: tuple[int, ...] = ()

    def weights(self) -> tuple[sp.Expr, ...]:
        result = []
        for j, value in enumerate(self.particular):
            expression: sp.Expr = to_sympy(value)
            for vector, parameter in zip(self.basis, self.parameters, strict=True):
                if vector[j]:
                    expression = expression + to_sympy(vector[j]) * parameter
            result.append(expression)
        return tuple(result)

    def moment_function(self, operator: DiffOperator) -> MomentFunction:
        """``α ↦ m_α − c_α`` over the whole family (affine in the parameters).

        Kept in integers: with offsets ``o_j = O_j / q`` and a vector's weights ``W_j / D``,
        ``m_α = S_α / (D α! q^{|α|})`` with ``S_α = Σ_j W_j O_j^α`` an integer, so zero tests are
        integer tests and only nonzero moments become ``Rational`` s."""
        grid = math.lcm(*(c.denominator for o in self.offsets for c in o))
        points = [[c.numerator * (grid // c.denominator) for c in o] for o in self.offsets]
        dims = len(points[0]) if points else 0
        vectors = []
        for vector in (self.particular, *self.basis):
            common = math.lcm(*(w.denominator for w in vector))
            integers = [w.numerator * (common // w.denominator) for w in vector]
            used = [j for j, w in enumerate(integers) if w]
            vectors.append((common, integers, used))
        powers: dict[tuple[int, int], list[int]] = {}

        def power(axis: int, k: int) -> list[int]:
            key = (axis, k)
            if key not in powers:
                powers[key] = [o[axis] ** k for o in points]
            return powers[key]

        def moments(alpha: MultiIndex) -> list[Fraction]:
            tables = [power(axis, k) for axis, k in enumerate(alpha) if k]
            scale = factorial_of(alpha) * grid ** sum(alpha)
            result = []
            for common, integers, used in vectors:
                total = 0
                for j in used:
                    term = integers[j]
                    for table in tables:
                        term *= table[j]
                    total += term
                result.append(Fraction(total, common * scale) if total else Fraction(0))
            return result

        def moment_of(alpha: MultiIndex) -> tuple[bool, sp.Expr]:
            constant, *slopes = moments(alpha) if dims else [Fraction(0)]
            constant -= operator.coefficient(alpha)
            zero = constant == 0 and not any(slopes)
            if zero:
                return True, sp.Integer(0)
            value: sp.Expr = to_sympy(constant)
            for slope, parameter in zip(slopes, self.parameters, strict=True):
                if slope:
                    value = value + to_sympy(slope) * parameter
            return False, value

        return moment_of

    def at(self, values: Sequence[Fraction]) -> tuple[Fraction, ...]:
        """The member with ``t = values``."""
        weights = list(self.particular)
        for vector, t in zip(self.basis, values, strict=True):
            if t:
                weights = [w + t * v for w, v in zip(weights, vector, strict=True)]
        return tuple(weights)


def parameter_symbol(offset: Sequence[Fraction]) -> sp.Symbol:
    """The free parameter standing for the weight at ``offset``: ``w_{1,1}``, ``w_{-2}``."""
    return sp.Symbol("w_{" + ",".join(str(c) for c in offset) + "}")


# ----------------------------------------------------------------------------------------------
# The result
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Stencil:
    """A finite-difference stencil (or a family of them) with its exact accuracy and error.

    ``weights`` are exact and without the scale ``1/hⁿ``, in the order of ``offsets``;
    ``error`` is ``τ`` to leading order, ``error_next_order`` the ``q`` of ``+ O(h^q)``.
    ``free_parameters`` is empty for a single stencil; a family's weights are affine in them.
    ``absolute`` marks offsets that already carry the spacings (``-h_m, 0, h_p``).
    """

    operator: DiffOperator
    offsets: tuple[tuple[sp.Expr, ...], ...]
    weights: tuple[sp.Expr, ...]
    spacing: sp.Expr
    accuracy: int
    error: sp.Expr
    error_next_order: int | None
    method: str
    free_parameters: tuple[sp.Symbol, ...] = ()
    absolute: bool = False
    family: RationalFamily | None = field(default=None, repr=False)
    name: str = ""
    definition: str = ""

    # -- basic facts -------------------------------------------------------------------------
    @property
    def order(self) -> int:
        return self.operator.order

    @property
    def dims(self) -> int:
        return self.operator.dims

    @property
    def scale(self) -> sp.Expr:
        """``h^{-n}`` (1 when the offsets carry the spacings)."""
        return sp.Integer(1) if self.absolute else self.spacing ** (-self.order)

    @property
    def is_family(self) -> bool:
        return bool(self.free_parameters)

    def offsets_1d(self) -> tuple[sp.Expr, ...]:
        if self.dims != 1:
            raise ConventionError(f"the stencil has {self.dims} dimensions, not 1")
        return tuple(o[0] for o in self.offsets)

    def answer(self) -> Any:
        """The exact weights without the scale: a 1×N ``ImmutableMatrix`` in offset order (1-D),
        the kernel in the ``"ij"`` layout (2-D ``ImmutableMatrix``, 3-D ``Array``) for N-D."""
        if self.dims == 1:
            return sp.ImmutableMatrix([list(self.weights)])
        return self.as_kernel().array

    # -- the family ----------------------------------------------------------------------------
    @cached_property
    def members(self) -> dict[str, Member]:
        """Named completions of a family (see :mod:`symconv.stencils.nd`), by name."""
        from symconv.stencils.nd import completions

        return completions(self)

    def member(self, name: str) -> Stencil:
        """The named member: ``"isotropic"``, ``"5-point"``, ``"sparsest"``, …"""
        if "members" in self.__dict__:
            members = self.members
        else:
            # Stop at the named completion (later ones are not needed for it).
            from symconv.stencils.nd import completions

            members = completions(self, until=name)
        if name not in members:
            raise ConventionError(
                f"member {name!r}: this {self.describe()} has the named members {list(members)}"
            )
        return members[name].stencil

    def substitute(self, values: Mapping[sp.Symbol, Any]) -> Stencil:
        """The member (or sub-family) with some free parameters fixed; accuracy and ``τ`` are
        recomputed (a member may be more accurate than its family)."""
        family = self._require_family()
        fixed = {}
        for symbol, value in values.items():
            if symbol not in family.parameters:
                raise ConventionError(
                    f"{symbol} is not a free parameter of this stencil ({list(family.parameters)})"
                )
            fixed[symbol] = to_fraction(value, f"value of {symbol}")
        particular = list(family.particular)
        basis, parameters, columns = [], [], []
        for vector, parameter, column in zip(
            family.basis, family.parameters, family.columns, strict=True
        ):
            if parameter in fixed:
                t = fixed[parameter]
                particular = [w + t * v for w, v in zip(particular, vector, strict=True)]
            else:
                basis.append(vector)
                parameters.append(parameter)
                columns.append(column)
        restricted = RationalFamily(
            family.offsets, tuple(particular), tuple(basis), tuple(parameters), tuple(columns)
        )
        return from_family(self.operator, restricted, self.spacing, self.method)

    def reparametrize(self, mapping: Mapping[sp.Symbol, sp.Expr]) -> Stencil:
        """Rename or rescale free parameters, e.g. ``{w_{1,1}: 2*w}`` for fd-d2's ``w``.

        Only the displayed weights and ``τ`` change; the family is the same set of stencils.
        """
        for symbol in mapping:
            if symbol not in self.free_parameters:
                raise ConventionError(
                    f"{symbol} is not a free parameter ({list(self.free_parameters)})"
                )
        new_parameters = tuple(
            sorted(
                set().union(*(as_sympy(e).free_symbols for e in mapping.values()))
                | (set(self.free_parameters) - set(mapping)),
                key=str,
            )
        )
        weights = tuple(sp.expand(w.xreplace(mapping)) for w in self.weights)
        error = sp.expand(self.error.xreplace(mapping))
        return replace(
            self, weights=weights, error=error, free_parameters=new_parameters, family=None
        )

    def _require_family(self) -> RationalFamily:
        if self.family is None:
            raise UnsupportedError(
                "this operation needs the exact family on rational offsets; the stencil has "
                "symbolic offsets or was reparametrized"
            )
        return self.family

    # -- kernels and matrices -----------------------------------------------------------------
    def as_kernel(
        self, op: Op = "correlation", layout: str | Sequence[str] | None = None
    ) -> Kernel:
        """The stencil as a centred kernel (exact, without the scale) with its layout stated.

        >>> print(stencil(1).as_kernel("convolution").latex())
        \\frac{1}{h} \\begin{bmatrix}\\frac{1}{2} & 0 & - \\frac{1}{2}\\end{bmatrix} \\quad
        \\text{(convolution (kernel flipped): entry [i] multiplies f(x - (i - 1)h);
        axis 0 = x (offset +1 first, decreasing with the index))}
        """
        from symconv.stencils.kernel import build_kernel

        return build_kernel(
            self.offsets,
            self.weights,
            self.scale,
            self.spacing,
            op=op,
            layout=layout,
            free_parameters=self.free_parameters,
        )

    def differentiation_matrix(
        self, size: int | Sequence[int], mode: str = "same"
    ) -> sp.ImmutableSparseMatrix:
        """The matrix ``D`` (scale included) of the stencil on a grid of ``size`` points per axis,
        grid values in row-major order: ``mode="same"`` reads zeros outside the grid,
        ``"valid"`` keeps only the points whose whole stencil lies inside.

        >>> stencil(2).differentiation_matrix(4, "valid")
        Matrix([
        [h**(-2), -2/h**2,  h**(-2),       0],
        [      0, h**(-2), -2/h**2, h**(-2)]])
        """
        kernel = self.as_kernel()
        shape = (size,) * self.dims if isinstance(size, int) else tuple(size)
        if len(shape) != self.dims:
            raise ConventionError(f"size={size!r}: expected {self.dims} sizes")
        if mode not in ("same", "valid"):
            raise ConventionError(f"mode={mode!r}: expected 'same' or 'valid'")
        if kernel.layout.step != self.spacing:
            raise UnsupportedError("a differentiation matrix needs integer offsets")
        taps = [
            (tuple(int(c) for c in offset), weight * self.scale)
            for offset, weight in zip(self.offsets, self.weights, strict=True)
        ]
        low = [min(0, *(o[a] for o, _ in taps)) for a in range(self.dims)]
        high = [max(0, *(o[a] for o, _ in taps)) for a in range(self.dims)]
        if mode == "valid":
            points = [range(-low[a], shape[a] - high[a]) for a in range(self.dims)]
        else:
            points = [range(shape[a]) for a in range(self.dims)]
        rows = list(_product(points))
        if not rows:
            raise ConventionError(f"a grid of {shape} points is smaller than the stencil")
        entries: dict[tuple[int, int], sp.Expr] = {}
        for row, point in enumerate(rows):
            for offset, weight in taps:
                target = tuple(p + o for p, o in zip(point, offset, strict=True))
                if all(0 <= t < s for t, s in zip(target, shape, strict=True)):
                    column = _row_major(target, shape)
                    entries[(row, column)] = entries.get((row, column), 0) + weight
        return sp.ImmutableSparseMatrix(len(rows), math.prod(shape), entries)

    # -- rendering --------------------------------------------------------------------------
    def describe(self) -> str:
        what = f"{self.dims}-D stencil for {self.operator.name}"
        if self.is_family:
            what += f" (a family in {', '.join(map(str, self.free_parameters))})"
        return what

    def formula_latex(self) -> str:
        """``L f = D_h f − τ + O(h^q)`` written out, e.g. fd-a's
        ``f''(x) = (f(x−h) − 2f(x) + f(x+h))/h² − (h²/12) f⁽⁴⁾(x) + O(h⁴)``."""
        from symconv.stencils.latex import formula_latex

        return formula_latex(self)

    def latex(self) -> str:
        return self.formula_latex()

    def _repr_latex_(self) -> str:
        return "$$" + self.formula_latex() + "$$"

    def derivation(self, show_moments: bool = False) -> Derivation:
        """The Taylor-table derivation as a :class:`~symconv.core.derivation.Derivation` whose
        ``answer`` is :meth:`answer` and whose ``details`` hold this stencil and its members.

        The Taylor table and its moment system are supporting steps, rendered only with
        ``show_moments`` (``symconv stencil --show-moments``):

        >>> short = stencil(2).derivation()
        >>> [str(step.lhs) for step in short.steps if not step.shown]
        ['T', 'T w']
        >>> "T &:=" in short.latex(), "T &:=" in stencil(2).derivation(show_moments=True).latex()
        (False, True)
        """
        from symconv.stencils.latex import stencil_derivation

        return stencil_derivation(self, show_moments)

    def check(self, rng: Any = None) -> Any:
        """Run the derivation's checks (numeric twin, polynomial exactness, observed order)."""
        return self.derivation().check(rng)

    def to_json(self) -> dict[str, Any]:
        """DESIGN.md's ``stencil --format json`` object."""
        from symconv.stencils.latex import stencil_json

        return stencil_json(self)


def _product(ranges: Sequence[range]) -> Any:
    from itertools import product

    return product(*ranges)


def _row_major(index: Sequence[int], shape: Sequence[int]) -> int:
    flat = 0
    for i, size in zip(index, shape, strict=True):
        flat = flat * size + i
    return flat


# ----------------------------------------------------------------------------------------------
# Building stencils
# ----------------------------------------------------------------------------------------------
def from_family(
    operator: DiffOperator,
    family: RationalFamily,
    spacing: sp.Expr,
    method: str,
    *,
    name: str = "",
    definition: str = "",
) -> Stencil:
    """Accuracy and ``τ`` of an exact family from all its moments (degree 0 upward)."""
    series = series_from_moments(
        operator, family.moment_function(operator), spacing, len(family.offsets)
    )
    return Stencil(
        operator=operator,
        offsets=tuple(tuple(to_sympy(c) for c in o) for o in family.offsets),
        weights=family.weights(),
        spacing=spacing,
        accuracy=series.accuracy,
        error=series.leading,
        error_next_order=series.next_order,
        method=method,
        free_parameters=family.parameters,
        family=family,
        name=name,
        definition=definition,
    )


def from_solution(
    operator: DiffOperator,
    offsets: Sequence[tuple[Fraction, ...]],
    solution: MomentSolution,
    spacing: sp.Expr,
) -> Stencil:
    parameters = tuple(parameter_symbol(offsets[c]) for c in solution.free)
    family = RationalFamily(
        tuple(offsets),
        tuple(solution.particular),
        tuple(tuple(v) for v in solution.basis),
        parameters,
        tuple(solution.free),
    )
    method = (
        f"exact solution of the Taylor-moment system ({solution.equations} equations, rank "
        f"{solution.rank} of {len(offsets)} unknowns"
        + (f"; free: {', '.join(map(str, parameters))})" if parameters else ")")
    )
    return from_family(operator, family, spacing, method)


def scheme_offsets(order: int, accuracy: int, scheme: str) -> list[Fraction]:
    """The offsets of the standard schemes (as in SymPy, findiff and Fornberg's Table 1).

    Central: ``2⌊(n+1)/2⌋ − 1 + p`` points symmetric about 0 (``p`` even); forward ``0 … n+p−1``;
    backward ``−(n+p−1) … 0`` (the counts of :func:`symconv.stencils.points.points_needed`).

    >>> [str(o) for o in scheme_offsets(4, 6, "central")]
    ['-4', '-3', '-2', '-1', '0', '1', '2', '3', '4']
    """
    if scheme not in SCHEMES:
        raise ConventionError(f"scheme={scheme!r}: expected one of {list(SCHEMES)}")
    if accuracy < 1:
        raise ConventionError(f"accuracy={accuracy}: expected a positive integer")
    if scheme == "central":
        if accuracy % 2:
            raise DerivationError(
                f"accuracy={accuracy} with scheme='central': symmetric stencils have even "
                f"accuracy only (the odd moments cancel); ask for {accuracy + 1}, or a one-sided "
                "scheme or explicit offsets"
            )
        radius = (points_needed(order, accuracy, "central") - 1) // 2
        return [Fraction(i) for i in range(-radius, radius + 1)]
    count = points_needed(order, accuracy, scheme)
    if scheme == "forward":
        return [Fraction(i) for i in range(count)]
    return [Fraction(i) for i in range(-count + 1, 1)]


def default_accuracy(scheme: str) -> int:
    """2 for central differences, 1 for one-sided ones (the textbook forward difference)."""
    return 2 if scheme == "central" else 1


def interpolation_stencil(
    operator: DiffOperator, offsets: Sequence[Fraction], spacing: sp.Expr, method: str
) -> Stencil:
    """The unique 1-D stencil on ``offsets`` exact for polynomials of degree ``N − 1`` (the
    weights of Fornberg's recursion, here in closed form on integers; see
    :func:`symconv.stencils.fornberg.integer_weights`), with accuracy and τ from integer moments."""
    order = operator.order
    coefficient = operator.terms[0][1]
    grid = math.lcm(*(o.denominator for o in offsets))
    points = [o.numerator * (grid // o.denominator) for o in offsets]
    numerators, denominators = integer_weights(order, points)
    common = math.lcm(*(abs(d) for d in denominators))
    scaled = [n * (common // d) for n, d in zip(numerators, denominators, strict=True)]
    series = integer_series(operator, points, scaled, common, grid, spacing)
    top, bottom = coefficient.numerator * grid**order, coefficient.denominator * common
    weights = tuple(Fraction(top * w, bottom) for w in scaled)
    return Stencil(
        operator=operator,
        offsets=tuple((to_sympy(o),) for o in offsets),
        weights=tuple(to_sympy(w) for w in weights),
        spacing=spacing,
        accuracy=series.accuracy,
        error=series.leading,
        error_next_order=series.next_order,
        method=method,
        family=RationalFamily(tuple((o,) for o in offsets), weights),
    )


def _parse_spacing(spacing: Any) -> sp.Expr:
    if spacing is None:
        return H
    if isinstance(spacing, sp.Symbol):
        return spacing
    if isinstance(spacing, sp.Expr) and not spacing.is_number:
        if spacing.atoms(sp.Float):
            raise ConventionError(f"spacing={spacing!r} holds a float: exact arithmetic only")
        return spacing
    value = to_fraction(spacing, "spacing")
    if value <= 0:
        raise ConventionError(f"spacing={spacing!r}: expected a positive spacing")
    return to_sympy(value)


def _parse_offsets(offsets: Sequence[Any], dims: int) -> tuple[list[tuple[Any, ...]], bool]:
    """Offsets as tuples of Fractions (exact) or of SymPy expressions (symbolic spacings)."""
    if isinstance(offsets, str | bytes) or not isinstance(offsets, Sequence | range):
        raise ConventionError(f"offsets={offsets!r}: expected a sequence of offsets")
    parsed: list[tuple[Any, ...]] = []
    symbolic = False
    for item in offsets:
        point = tuple(item) if isinstance(item, tuple | list) else (item,)
        if len(point) != dims:
            raise ConventionError(
                f"offset {item!r} has {len(point)} coordinates; the operator has {dims} dims"
            )
        coordinates_: list[Any] = []
        for value in point:
            if isinstance(value, sp.Expr) and not value.is_number:
                if value.atoms(sp.Float):
                    raise ConventionError(f"offset {value!r} holds a float: exact arithmetic only")
                symbolic = True
                coordinates_.append(value)
            else:
                coordinates_.append(to_fraction(value, "offset"))
        parsed.append(tuple(coordinates_))
    if symbolic:
        parsed = [tuple(to_sympy(c) if isinstance(c, Fraction) else c for c in p) for p in parsed]
    seen = set()
    for point in parsed:
        key = tuple(sp.expand(c) for c in point) if symbolic else point
        if key in seen:
            raise ConventionError(f"offsets {list(offsets)!r}: {point} appears twice")
        seen.add(key)
    if len(parsed) < 1:
        raise ConventionError("offsets: at least one offset is needed")
    return parsed, symbolic


def stencil(
    derivative: int | tuple[int, ...] | Mapping[tuple[int, ...], Any] | DiffOperator,
    accuracy: int | None = None,
    *,
    scheme: Scheme = "central",
    offsets: Sequence[Any] | None = None,
    dims: int = 1,
    spacing: Any = None,
) -> Stencil:
    """A finite-difference stencil, exact, with its accuracy and truncation error.

    ``derivative``: an order ``n`` (1-D ``dⁿ/dxⁿ``; with ``dims = d > 1`` an even ``n`` is the
    polyharmonic ``(∇²)^{n/2}``, so ``stencil(2, dims=3)`` is the 3-D Laplacian), a multi-index
    (``(1, 1)`` = ∂²/∂x∂y), or ``{multi-index: coefficient}``.

    ``accuracy``: the order ``p`` in ``τ = O(hᵖ)``. With a ``scheme`` it defaults to 2 (central) or
    1 (forward/backward); with ``offsets`` to the highest accuracy they reach. The *reported*
    ``accuracy`` is always the achieved one, computed from the moments.

    ``offsets``: integers or rationals in units of ``h`` (tuples in N-D), or 1-D SymPy
    expressions carrying their own spacings (``[-h_m, 0, h_p]``: then the weights contain the
    spacings and the scale is 1). Offsets that leave the moment system under-determined give the
    whole family (``free_parameters``), never one member chosen silently.

    ``spacing``: ``h`` (default), another symbol, or an exact number.

    >>> import sympy as sp
    >>> hm, hp = sp.symbols("h_m h_p")
    >>> s = stencil(2, offsets=[-hm, 0, hp])                      # fd-f
    >>> s.weights
    (2/(h_m*(h_m + h_p)), -2/(h_m*h_p), 2/(h_p*(h_m + h_p)))
    >>> s.accuracy, s.error
    (1, (-h_m/3 + h_p/3)*Derivative(f(x), (x, 3)))
    >>> stencil(2, offsets=[sp.Rational(-3, 20), 0, sp.Rational(1, 5)], spacing=1).weights
    (800/21, -200/3, 200/7)
    >>> stencil(2, 2, offsets=range(-2, 3)).free_parameters     # 5 points, 4 conditions
    (w_{2},)
    """
    if offsets is not None and dims == 1 and isinstance(derivative, int):
        dims = _offset_dims(offsets)
    operator = DiffOperator.from_spec(derivative, dims)
    dims = operator.dims
    if accuracy is not None and (isinstance(accuracy, bool) or not isinstance(accuracy, int)):
        raise ConventionError(f"accuracy={accuracy!r}: expected a positive integer")
    if accuracy is not None and accuracy < 1:
        raise ConventionError(f"accuracy={accuracy}: expected a positive integer")
    if offsets is None:
        step = _parse_spacing(spacing)
        p = accuracy if accuracy is not None else default_accuracy(scheme)
        if dims == 1:
            points = scheme_offsets(operator.order, p, scheme)
            method = f"Fornberg's weights on the {scheme} offsets"
            result = interpolation_stencil(operator, points, step, method)
            return _require_accuracy(result, p)
        from symconv.stencils.nd import tensor_product

        return _require_accuracy(tensor_product(operator, p, scheme, step), p)
    if scheme != "central":
        raise ConventionError(
            f"scheme={scheme!r} and offsets={offsets!r} were both given: the offsets define the "
            "stencil; drop one"
        )
    parsed, symbolic = _parse_offsets(offsets, dims)
    if symbolic:
        if spacing is not None:
            raise ConventionError(
                f"offsets {list(offsets)!r} carry their own spacings; spacing={spacing!r} would "
                "scale them again"
            )
        return _symbolic_stencil(operator, [p[0] for p in parsed], accuracy)
    step = _parse_spacing(spacing)
    exact = [tuple(c for c in p) for p in parsed]
    if (
        dims == 1
        and operator.terms[0][0] == (operator.order,)
        and (accuracy is None or operator.order + accuracy >= len(exact))
    ):
        if len(exact) <= operator.order:
            raise DerivationError(
                f"{len(exact)} offsets {format_offsets(exact)} cannot give a derivative of order "
                f"{operator.order}: at least {operator.order + 1} are needed"
            )
        method = "Fornberg's weights on the given offsets"
        result = interpolation_stencil(operator, [o[0] for o in exact], step, method)
        return _require_accuracy(result, accuracy)
    solution = solve_moment_system(exact, operator, accuracy)
    return from_solution(operator, exact, solution, step)


def _offset_dims(offsets: Sequence[Any]) -> int:
    """The dimension the offsets live in: 1 for numbers, the tuple length for tuples."""
    first = next(iter(offsets), None)
    return len(first) if isinstance(first, tuple | list) else 1


def _require_accuracy(result: Stencil, accuracy: int | None) -> Stencil:
    if accuracy is not None and result.accuracy < accuracy:
        offsets = [tuple(o) for o in result.offsets]
        raise DerivationError(
            f"the offsets {offsets} reach accuracy {result.accuracy} for {result.operator.name}; "
            f"accuracy {accuracy} was asked for"
        )
    return result


def _symbolic_stencil(
    operator: DiffOperator, points: Sequence[sp.Expr], accuracy: int | None
) -> Stencil:
    """1-D stencil on offsets with symbolic spacings (exact in the spacing symbols)."""
    if operator.dims != 1:
        raise UnsupportedError("symbolic (non-uniform) offsets are supported in 1-D only")
    order = operator.order
    if len(points) <= order:
        raise DerivationError(
            f"{len(points)} offsets cannot give a derivative of order {order}: at least "
            f"{order + 1} are needed"
        )
    if accuracy is not None and order + accuracy < len(points):
        raise UnsupportedError(
            f"accuracy={accuracy} on {len(points)} symbolic offsets leaves a family of stencils; "
            "families are supported on rational offsets (give numbers, or drop accuracy)"
        )
    target, elements = points_in_field(points)
    for i, a in enumerate(elements):
        for j in range(i + 1, len(elements)):
            if a == elements[j]:
                raise ConventionError(
                    f"offsets {list(points)}: {points[i]} and {points[j]} coincide"
                )
    weights = interpolation_weights(order, elements, target)
    coefficient = to_sympy(operator.terms[0][1])
    count = len(elements)
    cache: dict[int, Any] = {}

    # The interpolation weights are exact for degrees 0 … N−1 by construction (Fornberg 1988,
    # §2), so the moments are walked from degree N on.
    def moment_of(alpha: MultiIndex) -> tuple[bool, sp.Expr]:
        (k,) = alpha
        if k not in cache:
            cache[k] = weights.moment_sum(k) / math.factorial(k)
        value = cache[k]
        if value == 0:
            return True, sp.Integer(0)
        return False, coefficient * to_expression(value)

    series = series_from_moments(
        operator, moment_of, sp.Integer(1), count, absolute=True, start=count
    )
    result = Stencil(
        operator=operator,
        offsets=tuple((as_sympy(p),) for p in points),
        weights=tuple(coefficient * w for w in weights.expressions()),
        spacing=sp.Integer(1),
        accuracy=series.accuracy,
        error=series.leading,
        error_next_order=series.next_order,
        method="Fornberg's weights in closed form, exact in the spacing symbols",
        absolute=True,
    )
    return _require_accuracy(result, accuracy)


def from_weights(
    derivative: int | tuple[int, ...] | Mapping[tuple[int, ...], Any] | DiffOperator,
    offsets: Sequence[Any],
    weights: Sequence[Any],
    *,
    dims: int = 1,
    spacing: Any = None,
) -> Stencil:
    """Analyse given weights: the accuracy they achieve and their ``τ`` (e.g. a hand-written
    stencil). Raises :class:`DerivationError` if they do not approximate the operator.

    >>> from_weights(1, [-1, 0], [-1, 1]).error      # the backward difference (f(x) − f(x−h))/h
    -h*Derivative(f(x), (x, 2))/2
    """
    operator = DiffOperator.from_spec(derivative, dims)
    parsed, symbolic = _parse_offsets(offsets, operator.dims)
    if symbolic:
        raise UnsupportedError("from_weights: symbolic offsets are not supported; use stencil()")
    if len(weights) != len(parsed):
        raise ConventionError(f"{len(weights)} weights for {len(parsed)} offsets")
    exact_weights = tuple(to_fraction(w, "weight") for w in weights)
    family = RationalFamily(tuple(parsed), exact_weights)
    return from_family(operator, family, _parse_spacing(spacing), "given weights")


__all__ = [
    "SCHEMES",
    "TAU_CONVENTION",
    "ErrorSeries",
    "H",
    "RationalFamily",
    "Stencil",
    "coordinates",
    "from_weights",
    "scheme_offsets",
    "stencil",
]
