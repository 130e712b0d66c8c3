"""N-D stencils: fd-d1, fd-d2, fd-d3, fd-e of shared/problems/fd-stencils.md, Laplacians of any
dimension, and the named members of stencil families (each checked by its defining property)."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
import sympy as sp

from symconv.errors import ConventionError, DerivationError
from symconv.stencils.nd import box, cross
from symconv.stencils.taylor import DiffOperator
from symconv.stencils.weights import stencil
from tests.reference_stencil import achieved_accuracy, laplacian_terms, leading_error

h, x, y, z = sp.symbols("h x y z")
f = sp.Function("f")
R = sp.Rational


def d(*pairs: tuple[sp.Symbol, int]) -> sp.Expr:
    coords = (x, y) if all(c in (x, y) for c, _ in pairs) else (x, y, z)
    return sp.Derivative(f(*coords), *pairs)


def fractions(weights) -> list[Fraction]:
    return [Fraction(int(w.p), int(w.q)) for w in weights]


def test_fd_d1_five_point_laplacian() -> None:
    # fd-d1: [[0,1,0],[1,−4,1],[0,1,0]] (fd-stencils.md).
    s = stencil(2, dims=2)
    assert s.answer() == sp.ImmutableMatrix([[0, 1, 0], [1, -4, 1], [0, 1, 0]])
    assert s.accuracy == 2
    assert sp.expand(s.error - h**2 / 12 * (d((x, 4)) + d((y, 4)))) == 0


def test_fd_d2_full_3x3_family() -> None:
    # fd-d2: [[2w,1−4w,2w],[1−4w,8w−4,1−4w],[2w,1−4w,2w]], rank 8 of 9, no symmetry assumed;
    # τ = (h²/12)(∂x⁴ + 24w ∂x²∂y² + ∂y⁴)f; no member reaches accuracy 4 (fd-stencils.md).
    s = stencil(2, offsets=box(1, 2))
    assert s.accuracy == 2
    (corner,) = s.free_parameters
    assert corner == sp.Symbol("w_{1,1}")
    assert "rank 8 of 9" in s.method
    w = sp.Symbol("w")
    family = s.reparametrize({corner: 2 * w})
    golden = sp.ImmutableMatrix(
        [[2 * w, 1 - 4 * w, 2 * w], [1 - 4 * w, 8 * w - 4, 1 - 4 * w], [2 * w, 1 - 4 * w, 2 * w]]
    )
    assert (family.answer() - golden).expand() == sp.zeros(3, 3)
    tau = h**2 / 12 * (d((x, 4)) + 24 * w * d((x, 2), (y, 2)) + d((y, 4)))
    assert sp.expand(family.error - tau) == 0
    with pytest.raises(DerivationError, match="reach accuracy 2"):
        stencil(2, 4, offsets=box(1, 2))


def test_fd_d2_named_members() -> None:
    s = stencil(2, offsets=box(1, 2))
    members = s.members
    # w = 0 is the 5-point stencil (also the tensor product and the sparsest).
    five = sp.ImmutableMatrix([[0, 1, 0], [1, -4, 1], [0, 1, 0]])
    for name in ("5-point", "tensor-product", "sparsest"):
        assert members[name].stencil.answer() == five
    # Isotropic: w = 1/12, [[1,4,1],[4,−20,4],[1,4,1]]/6, τ ∝ ∇⁴f.
    isotropic = members["isotropic"].stencil
    assert isotropic.answer() == sp.ImmutableMatrix([[1, 4, 1], [4, -20, 4], [1, 4, 1]]) / 6
    biharmonic = d((x, 4)) + 2 * d((x, 2), (y, 2)) + d((y, 4))
    assert sp.expand(isotropic.error - h**2 / 12 * biharmonic) == 0
    # Oono–Puri: w = 1/8 (corner 1/4, edge 1/2, centre −3), not isotropic.
    oono = members["Oono-Puri"].stencil
    assert oono.answer() == sp.ImmutableMatrix([[1, 2, 1], [2, -12, 2], [1, 2, 1]]) / 4
    assert members["Oono-Puri"].values == {sp.Symbol("w_{1,1}"): R(1, 4)}
    ratio = sp.cancel(oono.error / (h**2 / 12 * biharmonic))
    assert not ratio.is_number


def test_fd_d3_radius_two_cross_accuracy_4() -> None:
    # fd-d3: centre −5, (±1) 4/3, (±2) −1/12 on each axis.
    s = stencil(2, 4, dims=2)
    expected = {(0, 0): -5}
    for axis, (distance, weight) in itertools.product(range(2), [(1, R(4, 3)), (2, R(-1, 12))]):
        for sign in (1, -1):
            offset = [0, 0]
            offset[axis] = sign * distance
            expected[tuple(offset)] = weight
    got = {tuple(int(c) for c in o): w for o, w in zip(s.offsets, s.weights, strict=True)}
    assert got == expected
    assert s.accuracy == 4


def test_fd_e_mixed_derivative_family_and_standard_member() -> None:
    # fd-e: [[c,½−2c,c−½],[½−2c,4c−1,½−2c],[c−½,½−2c,c]]; standard c = ¼ (fd-stencils.md).
    s = stencil((1, 1), offsets=box(1, 2))
    (c,) = s.free_parameters
    half = R(1, 2)
    golden = sp.ImmutableMatrix(
        [
            [c, half - 2 * c, c - half],
            [half - 2 * c, 4 * c - 1, half - 2 * c],
            [c - half, half - 2 * c, c],
        ]
    )
    assert (s.answer() - golden).expand() == sp.zeros(3, 3)
    standard = sp.ImmutableMatrix([[R(1, 4), 0, R(-1, 4)], [0, 0, 0], [R(-1, 4), 0, R(1, 4)]])
    for name in ("symmetric", "tensor-product", "sparsest"):
        assert s.members[name].stencil.answer() == standard
    assert stencil((1, 1)).answer() == standard
    # The symmetric member is the unique one odd under x → −x.
    odd = s.members["symmetric"].stencil.answer()
    assert odd[::-1, :] == -odd


def test_fd_e_flipping_one_axis_negates_the_kernel() -> None:
    s = stencil((1, 1))
    ij = s.as_kernel().array
    flipped = s.as_kernel(layout=("-x", "y")).array
    assert flipped == -ij


@pytest.mark.parametrize(("dims", "accuracy"), [(1, 2), (2, 2), (2, 6), (3, 2), (3, 4), (4, 2)])
def test_laplacian_of_any_dimension_and_accuracy(dims: int, accuracy: int) -> None:
    s = stencil(2, accuracy, dims=dims)
    offsets = [tuple(Fraction(int(c)) for c in o) for o in s.offsets]
    terms = laplacian_terms(dims)
    assert s.accuracy == achieved_accuracy(terms, offsets, fractions(s.weights)) == accuracy
    expected = leading_error(terms, offsets, fractions(s.weights))
    coords = sp.symbols("x y z x_4")[:dims] if dims == 4 else (x, y, z)[:dims]
    if dims == 4:
        coords = tuple(sp.Symbol(f"x_{i + 1}") for i in range(4))
    total = sum(
        sp.Rational(v.numerator, v.denominator)
        * sp.Derivative(f(*coords), *[(c, k) for c, k in zip(coords, alpha, strict=True) if k])
        for alpha, v in expected.items()
    )
    assert sp.expand(s.error - h**accuracy * total) == 0


def test_laplacian_error_matches_a_sympy_series_2d() -> None:
    a, b = sp.symbols("a b")
    s = stencil(2, offsets=box(1, 2)).member("isotropic")
    g = sp.exp(a * x + b * y)
    applied = sum(
        w * g.subs({x: x + o[0] * h, y: y + o[1] * h}, simultaneous=True)
        for w, o in zip(s.weights, s.offsets, strict=True)
    )
    exact = sp.diff(g, x, 2) + sp.diff(g, y, 2)
    series = sp.series(applied / h**2 - exact, h, 0, 3).removeO()
    assert sp.simplify(series - s.error.subs(f(x, y), g).doit()) == 0


def test_3d_isotropic_line_and_its_named_members() -> None:
    # fd-stencils.md: on 3×3×3 with corner c and edge e, τ ∝ ∇⁴f is the line 2c + e = 1/6;
    # c = 0 is the 19-point stencil (faces 1/3, edges 1/6, centre −4);
    # c = 1/30 gives (corner 1, edge 3, face 14, centre −128)/30.
    s = stencil(2, offsets=box(1, 3))
    members = s.members
    line = members["isotropic"].stencil
    assert len(line.free_parameters) == 1

    def by_kind(member) -> dict[int, set]:
        kinds: dict[int, set] = {}
        for o, w in zip(member.offsets, member.weights, strict=True):
            kinds.setdefault(sum(1 for c in o if c), set()).add(w)
        return kinds

    line_kinds = by_kind(line)
    assert len(line.free_parameters) == 1
    corner, edge = line_kinds[3].pop(), line_kinds[2].pop()
    assert sp.expand(2 * corner + edge) == R(1, 6)
    assert by_kind(members["19-point"].stencil) == {0: {-4}, 1: {R(1, 3)}, 2: {R(1, 6)}, 3: {0}}
    assert by_kind(members["27-point"].stencil) == {
        0: {R(-128, 30)},
        1: {R(14, 30)},
        2: {R(3, 30)},
        3: {R(1, 30)},
    }
    laplacian4 = sum(
        sp.Derivative(f(x, y, z), *[(v, k) for v, k in zip((x, y, z), alpha, strict=True) if k])
        * sp.factorial(2)
        / sp.Mul(*[sp.factorial(k // 2) for k in alpha])
        for alpha in [(4, 0, 0), (0, 4, 0), (0, 0, 4), (2, 2, 0), (2, 0, 2), (0, 2, 2)]
    )
    for name in ("isotropic", "19-point", "27-point"):
        assert sp.expand(members[name].stencil.error - h**2 / 12 * laplacian4) == 0
    # The 7-point stencil is the axis-aligned member and not isotropic.
    seven = members["7-point"].stencil
    assert sorted(
        tuple(int(v) for v in o) for o, w in zip(seven.offsets, seven.weights, strict=True) if w
    ) == sorted(cross(1, 3))


def test_compact_27_point_has_h4_error_divisible_by_the_laplacian() -> None:
    # The defining property of the 27-point member, checked on its symbol: the degree-6 error
    # polynomial Σ m_α ξ^α is (ξ₁² + ξ₂² + ξ₃²) times a polynomial.
    member = stencil(2, offsets=box(1, 3)).member("27-point")
    xi = sp.symbols("xi1:4")
    symbol = sum(
        w * sum(c * v for c, v in zip(o, xi, strict=True)) ** 6 / sp.factorial(6)
        for o, w in zip(member.offsets, member.weights, strict=True)
    )
    quotient, remainder = sp.div(sp.expand(symbol), sum(v**2 for v in xi), *xi)
    assert remainder == 0 and quotient != 0


def test_general_operator_mapping() -> None:
    # ∂x² − ∂y² (a wave-like operator) on the 5-point cross.
    s = stencil({(2, 0): 1, (0, 2): -1}, offsets=cross(1, 2))
    got = {tuple(int(c) for c in o): w for o, w in zip(s.offsets, s.weights, strict=True)}
    assert got == {(-1, 0): 1, (0, -1): -1, (0, 0): 0, (0, 1): -1, (1, 0): 1}
    assert sp.expand(s.error - h**2 / 12 * (d((x, 4)) - d((y, 4)))) == 0


def test_biharmonic_tensor_product() -> None:
    s = stencil(4, dims=2)
    operator = DiffOperator.from_spec(4, dims=2)
    assert dict(operator.terms) == {(4, 0): 1, (2, 2): 2, (0, 4): 1}
    offsets = [tuple(Fraction(int(c)) for c in o) for o in s.offsets]
    terms = [(beta, int(c)) for beta, c in operator.terms]
    assert s.accuracy == achieved_accuracy(terms, offsets, fractions(s.weights)) == 2
    assert s.answer() == sp.ImmutableMatrix(
        [[0, 0, 1, 0, 0], [0, 2, -8, 2, 0], [1, -8, 20, -8, 1], [0, 2, -8, 2, 0], [0, 0, 1, 0, 0]]
    )


def test_odd_order_in_several_dimensions_needs_a_multi_index() -> None:
    with pytest.raises(ConventionError, match="multi-index"):
        stencil(1, dims=2)
