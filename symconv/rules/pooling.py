"""Rules of the table: pooling — max pooling, average pooling, global average pooling,
sub-sampling — and the max and argmax of a vector (nndl 5-6).

Windows are 2-d, ``K_1 × K_2`` with stride ``s`` on both axes and no padding (whole windows:
PyTorch ``MaxPool2d``/``AvgPool2d`` with ``ceil_mode=False``), on NCHW data:

    Y[i, c, j_1, j_2] = pool_{k_1 < K_1, k_2 < K_2} X[i, c, s j_1 + k_1, s j_2 + k_2],
    0 ≤ j_a < O_a = ⌊(I_a − K_a)/s⌋ + 1.

The input entry ``u`` is read by output ``j`` through tap ``k`` when ``s j + k = u``: the backward
of every pooling gathers, for each tap, the output ``j = (u − k)/s`` — when ``s`` divides
``u − k`` and ``0 ≤ j < O`` (:func:`symconv.rules.forms.strided_source`), the same re-indexing
as the input gradient of a strided convolution.

**Max and ties.** ``max`` is differentiable wherever one entry is strictly largest; there its
gradient is the one-hot vector of that entry. Where several entries tie, it is not
differentiable; the table uses the subgradient libraries use — the whole gradient to the *first*
maximal entry in row-major window order (PyTorch's ``max_pool2d`` keeps the first index it meets
with ``>``, and so does ``argmax``). In index form the first maximum of a window is the Iverson
bracket

    F(k) = [ Σ_{k'} ([k' before k] [X(k') ≥ X(k)] + [k' after k] [X(k') > X(k)]) = 0 ],

so ``max_k X(k) = Σ_k X(k) F(k)``. ``F`` is piecewise constant in X — its derivative is zero
wherever no two entries tie — which is how the differentiator (whose Iverson brackets have zero
derivative) produces the max-pooling backward from this forward. (SymPy's own ``diff`` of
``Max`` splits the gradient equally at a tie, ``Heaviside(0) = 1/2``: the exact checks are
therefore made at points without ties, and the tie convention is tested separately.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import sympy as sp

from symconv.core.derivation import CheckResult, Derivation, Step
from symconv.core.latex import Notation
from symconv.grad.conditions import Iverson, divides
from symconv.grad.formula import IndexFormula, index_symbol
from symconv.rules.forms import formula, gradient, indices, sizes, strided_source, tensors
from symconv.rules.table import Rule, register

i, c, j1, j2, k1, k2, u1, u2 = indices("i c j_1 j_2 k_1 k_2 u_1 u_2")
N, C, I1, I2, K1, K2, s = sizes("N C I_1 I_2 K_1 K_2 s")
X, Y, M = tensors("X Y M")
O1 = sp.floor((I1 - K1) / s) + 1
O2 = sp.floor((I2 - K2) / s) + 1
POOL_SHAPES = {"X": (N, C, I1, I2), "Y": (N, C, O1, O2)}

POOL_CASES = (
    {"N": 1, "C": 1, "I_1": 4, "I_2": 3, "K_1": 2, "K_2": 2, "s": 2},
    {"N": 2, "C": 1, "I_1": 3, "I_2": 3, "K_1": 2, "K_2": 1, "s": 1},
)


def first_max(
    value: Callable[[Sequence[sp.Expr]], sp.Expr],
    taps: Sequence[sp.Symbol],
    extents: Sequence[sp.Expr],
) -> sp.Expr:
    """The Iverson bracket ``F(k)``: 1 where tap ``k`` holds the first maximum of
    ``value(k')`` over every tap ``k'`` (row-major order), 0 elsewhere (module docstring)."""
    primed = [index_symbol(_primed(k.name)) for k in taps]

    def order(point: Sequence[sp.Expr]) -> sp.Expr:
        flat: sp.Expr = sp.Integer(0)
        for tap, extent in zip(point, extents, strict=True):
            flat = flat * extent + tap
        return flat

    here, there = value(taps), value(primed)
    earlier = Iverson(sp.Lt(order(primed), order(taps))) * Iverson(sp.Ge(there, here))
    later = Iverson(sp.Gt(order(primed), order(taps))) * Iverson(sp.Gt(there, here))
    limits = [(k, 0, extent - 1) for k, extent in zip(primed, extents, strict=True)]
    return Iverson(sp.Eq(sp.Sum(earlier + later, *limits), 0))


def _primed(name: str) -> str:
    """``k_1`` → ``k'_1`` (the prime on the letter, as the differentiator writes it)."""
    stem, underscore, subscript = name.partition("_")
    return f"{stem}'{underscore}{subscript}"


def _window(j_a: sp.Expr, j_b: sp.Expr) -> Callable[[Sequence[sp.Expr]], sp.Expr]:
    return lambda taps: X[i, c, s * j_a + taps[0], s * j_b + taps[1]]


# ---------------------------------------------------------------------------------------------
# Max pooling (Goodfellow et al. 2016, §9.3; the backward "routes the gradient to the maximum":
# Zeiler & Fergus 2014 call the recorded argmax positions "switches").
#   Y[i, c, j_1, j_2] = max_k X[i, c, s j + k]
#                     = Σ_{k_1, k_2} X[i, c, s j_1 + k_1, s j_2 + k_2] F_j(k),
#   ∂Y[i, c, j]/∂X[i, c, u] = Σ_k F_j(k) δ(s j + k, u)       (F_j constant a.e., see above)
#   ∂J/∂X[i, c, u_1, u_2] = Σ_{k_1, k_2} [s | u − k, 0 ≤ (u − k)/s < O]
#                                         M[i, c, (u − k)/s, k] ∂J/∂Y[i, c, (u − k)/s],
# with the switches M[i, c, j, k] = F_j(k): each input entry collects the gradient of every window
# whose first maximum it is (windows overlap when s < K).
# ---------------------------------------------------------------------------------------------
def max_pool_forward() -> IndexFormula:
    taps = (k1, k2)
    body = X[i, c, s * j1 + k1, s * j2 + k2] * first_max(_window(j1, j2), taps, (K1, K2))
    return formula(Y[i, c, j1, j2], sp.Sum(body, (k1, 0, K1 - 1), (k2, 0, K2 - 1)), POOL_SHAPES)


def max_pool_switches() -> IndexFormula:
    indicator = first_max(_window(j1, j2), (k1, k2), (K1, K2))
    return formula(
        M[i, c, j1, j2, k1, k2],
        indicator,
        {**POOL_SHAPES, "M": (N, C, O1, O2, K1, K2)},
    )


def max_pool_backward() -> IndexFormula:
    source1, inside1 = strided_source(u1, k1, s, O1)
    source2, inside2 = strided_source(u2, k2, s, O2)
    dY = gradient("Y")
    body = inside1 * inside2 * M[i, c, source1, source2, k1, k2] * dY[i, c, source1, source2]
    return formula(
        gradient("X")[i, c, u1, u2],
        sp.Sum(body, (k1, 0, K1 - 1), (k2, 0, K2 - 1)),
        {
            **POOL_SHAPES,
            "M": (N, C, O1, O2, K1, K2),
            "∂J/∂Y": POOL_SHAPES["Y"],
            "∂J/∂X": POOL_SHAPES["X"],
        },
    )


def max_pool_explicit(tensors: Mapping[str, Any], case: Mapping[str, int]) -> np.ndarray:
    """Max pooling carried out with ``sympy.Max`` over each window (for ``sympy.diff``)."""
    x = np.asarray(tensors["X"], dtype=object)
    stride, kernel = case["s"], (case["K_1"], case["K_2"])
    out = [(size - k) // stride + 1 for size, k in zip(x.shape[2:], kernel, strict=True)]
    y = np.empty((x.shape[0], x.shape[1], *out), dtype=object)
    for index in np.ndindex(*y.shape):
        n, ch, a, b = index
        window = x[n, ch, stride * a : stride * a + kernel[0], stride * b : stride * b + kernel[1]]
        y[index] = sp.Max(*window.ravel())
    return y


MAX_POOL = register(
    Rule(
        name="max_pool2d",
        family="pooling",
        title="Max pooling",
        latex_name=r"\operatorname{maxpool}",
        forward=max_pool_forward,
        backward={"X": max_pool_backward},
        definitions=(max_pool_switches,),
        cases=POOL_CASES,
        smooth=False,
        explicit=max_pool_explicit,
        conventions=(
            "at a tie the gradient goes to the first maximal entry of the window in row-major "
            "order (a subgradient; PyTorch's choice)",
            "whole windows only, no padding",
        ),
        source="Goodfellow, Bengio & Courville (2016), §9.3; Zeiler & Fergus (2014), §2.1",
    )
)


# ---------------------------------------------------------------------------------------------
# Average pooling (Goodfellow et al. 2016, §9.3; Dumoulin & Visin 2016, §3):
#   Y[i, c, j] = (1/(K_1 K_2)) Σ_k X[i, c, s j + k],
#   ∂J/∂X[i, c, u] = (1/(K_1 K_2)) Σ_k [s | u − k, 0 ≤ (u − k)/s < O] ∂J/∂Y[i, c, (u − k)/s]
# — the transposed convolution of ∂J/∂Y with the constant kernel 1/(K_1 K_2), stride s.
# ---------------------------------------------------------------------------------------------
def avg_pool_forward() -> IndexFormula:
    body = X[i, c, s * j1 + k1, s * j2 + k2] / (K1 * K2)
    return formula(Y[i, c, j1, j2], sp.Sum(body, (k1, 0, K1 - 1), (k2, 0, K2 - 1)), POOL_SHAPES)


def avg_pool_backward() -> IndexFormula:
    source1, inside1 = strided_source(u1, k1, s, O1)
    source2, inside2 = strided_source(u2, k2, s, O2)
    body = inside1 * inside2 * gradient("Y")[i, c, source1, source2]
    return formula(
        gradient("X")[i, c, u1, u2],
        sp.Sum(body, (k1, 0, K1 - 1), (k2, 0, K2 - 1)) / (K1 * K2),
        {**POOL_SHAPES, "∂J/∂Y": POOL_SHAPES["Y"], "∂J/∂X": POOL_SHAPES["X"]},
    )


AVG_POOL = register(
    Rule(
        name="avg_pool2d",
        family="pooling",
        title="Average pooling",
        latex_name=r"\operatorname{avgpool}",
        forward=avg_pool_forward,
        backward={"X": avg_pool_backward},
        cases=POOL_CASES,
        conventions=("whole windows only, no padding",),
        source="Goodfellow, Bengio & Courville (2016), §9.3; Dumoulin & Visin (2016), §3",
    )
)

# Global average pooling (Lin, Chen & Yan 2014, §3.2): Y[i, c] = (1/(HW)) Σ_{h, w} X[i, c, h, w],
# each input entry is read once with weight 1/(HW):  ∂J/∂X[i, c, h, w] = ∂J/∂Y[i, c] / (H W).
GLOBAL_AVG_POOL = register(
    Rule(
        name="global_avg_pool",
        family="pooling",
        title="Global average pooling",
        latex_name=r"\operatorname{gap}",
        forward="Y[i,c] = sum_{h,w} X[i,c,h,w] / (H*W); X: (N, C, H, W)",
        backward={"X": "dJ/dX[i,c,h,w] = dJ/dY[i,c] / (H*W)"},
        cases=({"N": 2, "C": 1, "H": 2, "W": 2}, {"N": 1, "C": 2, "H": 3, "W": 1}),
        source="Lin, Chen & Yan (2014), 'Network in network', §3.2",
    )
)


# ---------------------------------------------------------------------------------------------
# Sub-sampling by s (NYU unit 10, problem 5; Goodfellow et al. 2016, eq. 9.8 with a 1 × 1
# kernel):  Y[i, c, j_1, j_2] = X[i, c, s j_1, s j_2],  0 ≤ j_a ≤ ⌊(I_a − 1)/s⌋.
#   ∂J/∂X[i, c, u_1, u_2] = [s | u_1] [s | u_2] ∂J/∂Y[i, c, u_1/s, u_2/s]
# — ∂J/∂Y spread out with s − 1 zeros between entries (the dilation of a strided backward).
# ---------------------------------------------------------------------------------------------
P1, P2 = sp.floor((I1 - 1) / s) + 1, sp.floor((I2 - 1) / s) + 1
SUBSAMPLE_SHAPES = {"X": (N, C, I1, I2), "Y": (N, C, P1, P2)}


def subsample_forward() -> IndexFormula:
    return formula(Y[i, c, j1, j2], X[i, c, s * j1, s * j2], SUBSAMPLE_SHAPES)


def subsample_backward() -> IndexFormula:
    spread = Iverson(sp.And(divides(s, u1), divides(s, u2)))
    return formula(
        gradient("X")[i, c, u1, u2],
        spread * gradient("Y")[i, c, sp.floor(u1 / s), sp.floor(u2 / s)],
        {**SUBSAMPLE_SHAPES, "∂J/∂Y": SUBSAMPLE_SHAPES["Y"], "∂J/∂X": SUBSAMPLE_SHAPES["X"]},
    )


SUBSAMPLE = register(
    Rule(
        name="subsample2d",
        family="pooling",
        title="Sub-sampling",
        latex_name=r"\operatorname{sub}_s",
        forward=subsample_forward,
        backward={"X": subsample_backward},
        cases=(
            {"N": 1, "C": 1, "I_1": 5, "I_2": 4, "s": 2},
            {"N": 2, "C": 1, "I_1": 3, "I_2": 2, "s": 3},
        ),
        conventions=("keeps x[s·k], k = 0 … ⌊(I − 1)/s⌋ (0-based)",),
        source="NYU Intro to ML, unit 10, problem 5; Goodfellow et al. (2016), eq. 9.8",
    )
)


# ---------------------------------------------------------------------------------------------
# Max and argmax of a vector (nndl exercise 5-6), batched: row i of X.
#   y[i] = max_k X[i, k] = Σ_k X[i, k] F_i(k),
#   ∂y[i]/∂X[i, k] = F_i(k) — the one-hot vector of the first argmax (nndl 5-6; a subgradient at
#   a tie), so ∂J/∂X[i, k] = ∂J/∂y[i] A[i, k] with A[i, k] = F_i(k).
#   a[i] = argmax_k X[i, k] = Σ_k k F_i(k) is piecewise constant: wherever the maximum is unique
#   it does not change under small perturbations, so ∂a[i]/∂X[i, k] = 0 almost everywhere; at a
#   tie it jumps (not differentiable, not even continuous). The table states the a.e. gradient 0.
# ---------------------------------------------------------------------------------------------
(k,) = indices("k")
(D,) = sizes("D")
A, V = tensors("A y")
ROW_SHAPES = {"X": (N, D), "y": (N,)}


def _row(taps: Sequence[sp.Expr]) -> sp.Expr:
    return X[i, taps[0]]


def vector_max_forward() -> IndexFormula:
    return formula(V[i], sp.Sum(X[i, k] * first_max(_row, (k,), (D,)), (k, 0, D - 1)), ROW_SHAPES)


def vector_max_onehot() -> IndexFormula:
    return formula(A[i, k], first_max(_row, (k,), (D,)), {**ROW_SHAPES, "A": (N, D)})


def vector_max_backward() -> IndexFormula:
    return formula(
        gradient("X")[i, k],
        gradient("y")[i] * A[i, k],
        {**ROW_SHAPES, "A": (N, D), "∂J/∂y": (N,), "∂J/∂X": (N, D)},
    )


def vector_max_explicit(tensors: Mapping[str, Any], case: Mapping[str, int]) -> np.ndarray:
    x = np.asarray(tensors["X"], dtype=object)
    y = np.empty(x.shape[0], dtype=object)
    for row in range(x.shape[0]):
        y[row] = sp.Max(*x[row])
    return y


VECTOR_MAX = register(
    Rule(
        name="max",
        family="pooling",
        title="Maximum of a vector",
        latex_name=r"\max",
        forward=vector_max_forward,
        backward={"X": vector_max_backward},
        definitions=(vector_max_onehot,),
        cases=({"N": 1, "D": 4}, {"N": 2, "D": 3}),
        smooth=False,
        explicit=vector_max_explicit,
        conventions=("at a tie the gradient is the one-hot vector of the first maximal entry",),
        source="nndl exercise 5-6; Goodfellow, Bengio & Courville (2016), §6.3.2",
    )
)


def argmax_forward() -> IndexFormula:
    body = k * first_max(_row, (k,), (D,))
    return formula(V[i], sp.Sum(body, (k, 0, D - 1)), ROW_SHAPES)


def argmax_backward() -> IndexFormula:
    return formula(
        gradient("X")[i, k],
        sp.Integer(0),
        {**ROW_SHAPES, "∂J/∂y": (N,), "∂J/∂X": (N, D)},
    )


def argmax_explicit(tensors: Mapping[str, Any], case: Mapping[str, int]) -> np.ndarray:
    """``argmax`` as a piecewise-constant SymPy expression of the entries (first index wins)."""
    x = np.asarray(tensors["X"], dtype=object)
    y = np.empty(x.shape[0], dtype=object)
    for row in range(x.shape[0]):
        y[row] = sp.Piecewise(*_argmax_pieces(list(x[row])))
    return y


def _argmax_pieces(values: Sequence[sp.Expr]) -> list[tuple[sp.Expr, Any]]:
    pieces = []
    for position, value in enumerate(values):
        earlier = [value > other for other in values[:position]]
        later = [value >= other for other in values[position + 1 :]]
        pieces.append((sp.Integer(position), sp.And(*earlier, *later)))
    pieces[-1] = (pieces[-1][0], sp.true)
    return pieces


ARGMAX = register(
    Rule(
        name="argmax",
        family="pooling",
        title="Argmax of a vector",
        latex_name=r"\operatorname{argmax}",
        forward=argmax_forward,
        backward={"X": argmax_backward},
        cases=({"N": 1, "D": 4}, {"N": 2, "D": 3}),
        smooth=False,
        explicit=argmax_explicit,
        conventions=(
            "argmax is piecewise constant: its gradient is 0 wherever the maximum is unique "
            "(almost everywhere); at a tie it jumps and has no derivative",
            "the first maximal index is returned at a tie",
        ),
        source="nndl exercise 5-6",
    )
)


# ---------------------------------------------------------------------------------------------
# nndl 5-6 as derivations of one vector x = (x_1, …, x_D)
# ---------------------------------------------------------------------------------------------
def _vector(size: int, base: int) -> tuple[sp.Symbol, ...]:
    return tuple(sp.Symbol(f"x_{{{n + base}}}", real=True) for n in range(size))


def first_argmax_indicators(x: Sequence[sp.Expr]) -> list[sp.Expr]:
    """``[x_n is the first maximum of x]`` for each n, as Iverson brackets of the entries."""
    brackets = []
    for position, value in enumerate(x):
        conditions = [value > other for other in x[:position]]
        conditions += [value >= other for other in x[position + 1 :]]
        brackets.append(Iverson(sp.And(*conditions)))
    return brackets


def max_gradient_derivation(
    size: int = 3, *, base: int = 1, notation: Notation = "subscript"
) -> Derivation:
    """nndl 5-6: the gradient of ``y = max(x_1, …, x_D)``, the one-hot vector of the (first)
    argmax, as a :class:`~symconv.core.derivation.Derivation` whose answer is a column of Iverson
    brackets in the entries.

    >>> d = max_gradient_derivation(2)
    >>> d.answer
    Matrix([
    [[x_{1} >= x_{2}]],
    [ [x_{2} > x_{1}]]])
    >>> print(d.answer_latex())
    \\frac{\\partial y}{\\partial x} = \\begin{bmatrix}\\left[x_{1} \\geq
    x_{2}\\right]\\\\\\left[x_{2} > x_{1}\\right]\\end{bmatrix}
    >>> d.check().passed
    True
    """
    x = _vector(size, base)
    y = sp.Symbol("y", real=True)
    brackets = first_argmax_indicators(x)
    answer = sp.ImmutableMatrix(brackets)
    gradient_symbol = sp.Symbol(r"\frac{\partial y}{\partial x}")
    steps = (
        Step(y, sp.Max(*x), ":=", "the largest entry"),
        Step(
            y,
            sp.Add(*(v * b for v, b in zip(x, brackets, strict=True)), evaluate=False),
            "=",
            "y is the entry that is the first maximum",
        ),
        Step(
            sp.Symbol(r"\frac{\partial y}{\partial x_{i}}"),
            sp.Symbol(r"[x_{i} \text{ is the first maximum}]"),
            "=",
            "the brackets are constant wherever no two entries tie",
        ),
        Step(gradient_symbol, answer, "=", "the one-hot vector of the argmax"),
    )

    def against_sympy(rng: np.random.Generator) -> CheckResult:
        for trial in range(3):
            values = rng.permutation(np.arange(-size - 2, size + 3))[:size]
            point = {v: sp.Rational(int(p), 2) for v, p in zip(x, values, strict=True)}
            for position, variable in enumerate(x):
                expected = sp.diff(sp.Max(*x), variable).xreplace(point)
                got = answer[position].xreplace(point)
                if expected != got:
                    return CheckResult(
                        "∂max/∂x == sympy.diff(Max)",
                        False,
                        f"trial {trial}, at {point}: entry {position} is {got}, sympy {expected}",
                    )
        return CheckResult("∂max/∂x == sympy.diff(Max)", True, "3 random points without ties")

    def tie_convention(rng: np.random.Generator) -> CheckResult:
        tied = {v: sp.Integer(1) for v in x}
        got = [answer[position].xreplace(tied) for position in range(size)]
        expected = [sp.Integer(1)] + [sp.Integer(0)] * (size - 1)
        return CheckResult(
            "tie: the first maximal entry takes the gradient",
            got == expected,
            f"all entries equal: {got}",
        )

    return Derivation(
        title="Gradient of the maximum of a vector (nndl 5-6)",
        steps=steps,
        answer=answer,
        answer_lhs=gradient_symbol,
        conventions=(
            "[c] is the Iverson bracket",
            "at a tie the whole gradient goes to the first maximal entry (a subgradient; "
            "SymPy's diff of Max would split it equally)",
        ),
        checks=(against_sympy, tie_convention),
        notation=notation,
    )


def argmax_gradient_derivation(
    size: int = 3, *, base: int = 1, notation: Notation = "subscript"
) -> Derivation:
    """nndl 5-6: the gradient of ``a = argmax(x_1, …, x_D)``: zero almost everywhere (``a`` is
    piecewise constant), undefined at ties, where ``a`` jumps.

    >>> d = argmax_gradient_derivation(3)
    >>> d.answer.T
    Matrix([[0, 0, 0]])
    >>> d.check().passed
    True
    """
    x = _vector(size, base)
    a = sp.Symbol("a", integer=True)
    brackets = first_argmax_indicators(x)
    answer = sp.ImmutableMatrix.zeros(size, 1)
    gradient_symbol = sp.Symbol(r"\frac{\partial a}{\partial x}")
    index_sum = sp.Add(
        *(sp.Integer(position + base) * b for position, b in enumerate(brackets)), evaluate=False
    )
    steps = (
        Step(a, index_sum, ":=", "the index of the first maximum"),
        Step(
            gradient_symbol,
            answer,
            "=",
            "each bracket is constant near any point where the maximum is unique",
        ),
    )

    def finite_differences(rng: np.random.Generator) -> CheckResult:
        from symconv.core.gradcheck import check_gradient

        def argmax(point: np.ndarray) -> float:
            return float(np.argmax(point) + base)

        point = rng.standard_normal(size)
        result = check_gradient(argmax, point, np.zeros(size), seed=int(rng.integers(2**31)))
        return CheckResult("∂argmax/∂x == 0 by central differences", result.passed, result.detail)

    def jumps_at_ties(rng: np.random.Generator) -> CheckResult:
        values = list(range(size))
        tied = [values[-1]] * size
        below = {v: t for v, t in zip(x, tied, strict=True)}
        above = dict(below)
        above[x[-1]] = tied[-1] + sp.Rational(1, 10**6)
        index = sum(position * b for position, b in enumerate(brackets))
        left, right = index.xreplace(below), index.xreplace(above)
        return CheckResult(
            "argmax jumps at a tie", left != right, f"tie: {left + base}; nudged: {right + base}"
        )

    return Derivation(
        title="Gradient of the argmax of a vector (nndl 5-6)",
        steps=steps,
        answer=answer,
        answer_lhs=gradient_symbol,
        conventions=(
            "argmax is piecewise constant: gradient 0 almost everywhere (wherever the maximum "
            "is unique); at a tie it jumps and has no derivative",
            "the first maximal index is returned at a tie",
        ),
        checks=(finite_differences, jumps_at_ties),
        notation=notation,
    )


__all__ = [
    "argmax_gradient_derivation",
    "first_argmax_indicators",
    "first_max",
    "max_gradient_derivation",
]
