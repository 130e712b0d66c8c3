"""Problem set ``nndl-5``: exercises 5-1 … 5-8 of Qiu Xipeng, *Neural Networks and Deep
Learning* (神经网络与深度学习), China Machine Press, 2020, chapter 5 (restated in
shared/problems/nndl-ch5.md).

Book conventions: 1-based subscripts (``w_{11}``); from §5.3 on "convolution" ⊗ is
cross-correlation; the wide convolution ``W ⊗̃ X`` is the cross-correlation of W with X
zero-padded by U−1, V−1 on each side. Every answer below is built by the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import sympy as sp

from symconv.conv.forms import correlate
from symconv.conv.matrix import conv_matrix_derivation
from symconv.core.derivation import CheckResult, Derivation, Step, combine
from symconv.core.tensors import entries
from symconv.problems.model import Accepted, Exercise, Misconception, Part, ProblemSet, Solution
from symconv.rules import (
    argmax_gradient_derivation,
    forward_backward_transpose_derivation,
    max_gradient_derivation,
)
from symconv.sizes.costs import ConvLayer, layer_cost, stack_cost
from symconv.sizes.shapes import same_padding
from symconv.stencils.nd import box, cross
from symconv.stencils.weights import stencil

SOURCE = (
    "Qiu Xipeng, Neural Networks and Deep Learning (2020), chapter 5 exercises "
    "(China Machine Press)"
)
CONVENTIONS = (
    "1-based subscripts, as in the book",
    "from section 5.3 on, convolution means cross-correlation",
)


def _positive(name: str) -> sp.Symbol:
    return sp.Symbol(name, integer=True, positive=True)


# -- 5-1: second derivatives as kernels (the book's eq. 5.6 and its 2-D analogue) ---------------
def second_difference() -> Solution:
    derivation = stencil(2, 2).derivation()
    return Solution(
        replace(
            derivation,
            notes=(
                "With step h = 1 this is the book's eq. (5.6), x''(t) ≈ x(t+1) + x(t−1) − 2x(t): "
                "the kernel w = [1, −2, 1], with error O(h²).",
            ),
        ),
        accepted=(Accepted(-derivation.answer, "the negated kernel (−d²/dx²)"),),
    )


def laplacian_kernel() -> Solution:
    five_point = stencil(2, dims=2, offsets=cross(1, 2))
    family = stencil(2, dims=2, offsets=box(1, 2))
    # The family of shared/problems (fd-d2) has corner weight 2w; its w = 1/6 member, times 3,
    # is the often-quoted [[1,1,1],[1,−8,1],[1,1,1]].
    (corner,) = family.free_parameters
    sixth = family.substitute({corner: 2 * sp.Rational(1, 6)}).answer()
    accepted = (
        Accepted(-five_point.answer(), "the negated kernel (−∇²)"),
        Accepted(family.member("isotropic").answer(), "the isotropic member of the 3×3 family"),
        Accepted(
            family.answer(),
            "any member of the 3×3 family (corner weight free)",
            parameters=family.free_parameters,
        ),
        Accepted(3 * sixth, "3h²∇² (3 × the w = 1/6 member): right only with the scale stated"),
    )
    return Solution(five_point.derivation(), accepted)


# -- 5-2: wide convolution is commutative --------------------------------------------------
# Book, §5.3.1: W ⊗̃ X is the cross-correlation of W with X zero-padded by U−1 and V−1, so, with
# out-of-range entries of X read as 0 (1-based),
#   (rot180(W) ⊗̃ X)_{ij} = Σ_{u,v} W_{U+1−u, V+1−v} X_{i+u−U, j+v−V}
#                        = Σ_{u',v'} W_{u'v'} X_{i−u'+1, j−v'+1}        (u' = U+1−u, v' = V+1−v)
# which is the full true convolution (W * X)_{ij}; the substitution a = i − u' + 1, b = j − v' + 1
# turns it into Σ_{a,b} X_{ab} W_{i−a+1, j−b+1} = (X * W)_{ij} = (rot180(X) ⊗̃ W)_{ij}.
def wide_convolution_commutes() -> Derivation:
    W, X = sp.IndexedBase("w"), sp.IndexedBase("x")
    i, j, u, v, a, b = (sp.Symbol(n, integer=True) for n in ("i", "j", "u", "v", "a", "b"))
    U, V, M, N = (_positive(n) for n in ("U", "V", "M", "N"))
    rotated_w = sp.Sum(W[U + 1 - u, V + 1 - v] * X[i + u - U, j + v - V], (u, 1, U), (v, 1, V))
    full_conv = sp.Sum(W[u, v] * X[i - u + 1, j - v + 1], (u, 1, U), (v, 1, V))
    swapped = sp.Sum(X[a, b] * W[i - a + 1, j - b + 1], (a, 1, M), (b, 1, N))
    lhs = sp.Symbol(r"(\mathrm{rot180}(W) \tilde{\otimes} X)_{ij}")
    rhs = sp.Symbol(r"(\mathrm{rot180}(X) \tilde{\otimes} W)_{ij}")
    steps = (
        Step(lhs, rotated_w, reason="wide convolution: X zero-padded, out-of-range entries 0"),
        Step(None, full_conv, reason="u' = U+1−u, v' = V+1−v"),
        Step(None, swapped, reason="a = i−u+1, b = j−v+1 (only in-range terms are non-zero)"),
        Step(None, rhs, reason="the same identity with W and X exchanged"),
    )

    def exact_at_small_sizes(_rng: object) -> CheckResult:
        sizes = [((2, 2), (3, 3)), ((3, 2), (2, 4)), ((1, 3), (4, 2))]
        for w_shape, x_shape in sizes:
            w, x = entries("w", w_shape), entries("x", x_shape)
            left = correlate(x, sp.Matrix(w[::-1, ::-1]), mode="full")
            right = correlate(w, sp.Matrix(x[::-1, ::-1]), mode="full")
            if (left - right).applyfunc(sp.expand) != sp.zeros(*left.shape):
                return CheckResult("exact at small sizes", False, f"W {w_shape}, X {x_shape}")
        return CheckResult(
            "exact at small sizes", True, f"{len(sizes)} size pairs, symbolic entries"
        )

    return Derivation(
        title="Wide convolution is commutative",
        steps=steps,
        answer=full_conv,
        answer_lhs=sp.Symbol(r"(W * X)_{ij}"),
        conventions=(*CONVENTIONS, "x_{ab} = 0 outside 1 ≤ a ≤ M, 1 ≤ b ≤ N"),
        checks=(exact_at_small_sizes,),
        notation="subscript",
        notes=(
            "Both sides equal the full (true) convolution W * X; the proof is a change of the "
            "summation variables.",
        ),
    )


# -- 5-3: 1×1 convolutions ---------------------------------------------------------------
def one_by_one_convolution() -> Derivation:
    from symconv.sizes.costs import conv_multiplications, conv_params

    D, P, M, N = (_positive(n) for n in ("D", "P", "M", "N"))
    parameters = conv_params((1, 1), D, P)
    multiplications = conv_multiplications((1, 1), D, P, (M, N))
    return combine(
        "The cost of a 1×1 convolution from D to P channels",
        (parameters, multiplications),
        sp.Tuple(parameters.answer, multiplications.answer),
        notation="subscript",
        notes=(
            "A 1×1 convolution mixes the D channels at each position with a P×D matrix (plus a "
            "bias): a per-pixel fully connected layer across channels. It changes the number of "
            "feature maps without touching the spatial size, so it is used to reduce (or expand) "
            "the channel dimension before costly k×k convolutions (bottlenecks, as in GoogLeNet "
            "and ResNet) and, followed by a non-linearity, adds depth at little cost.",
        ),
    )


# -- 5-4: complexity with and without a 1×1 bottleneck ----------------------------------------
SPACE_VARIANTS = {
    "weights": "space counted as weights only",
    "weights+biases": "space counted as weights and biases",
    "weights+maps": "space counted as weights plus the input and output feature maps",
}


def _complexity(space: str, bottleneck: bool) -> tuple[Derivation, Derivation]:
    """Multiplications and space; for the stack, each layer's count is checked on its own."""
    if not bottleneck:
        cost = layer_cost((100, 100), 256, (3, 3), 256, padding="same", space=space)  # type: ignore[arg-type]
        return cost.multiplications, cost.space
    stack = stack_cost(
        (100, 100),
        256,
        [ConvLayer((1, 1), 64), ConvLayer((3, 3), 256, padding="same")],
        space=space,  # type: ignore[arg-type]
    )
    layer_checks = tuple(
        layer.multiplications.numeric.check
        for layer in stack.layers
        if layer.multiplications.numeric is not None
    )
    time = replace(stack.multiplications, checks=stack.multiplications.checks + layer_checks)
    return time, stack.space


def complexity_solution(bottleneck: bool) -> Solution:
    time, space = _complexity("weights", bottleneck)
    derivation = combine(
        "Time (multiplications) and space" + (" with a 1×1 bottleneck" if bottleneck else ""),
        (time, space),
        sp.Tuple(time.answer, space.answer),
        notation="subscript",
    )
    accepted = tuple(
        Accepted(sp.Tuple(t.answer, s.answer), SPACE_VARIANTS[variant])
        for variant in ("weights+biases", "weights+maps")
        for t, s in [_complexity(variant, bottleneck)]
    )
    misconceptions: tuple[Misconception, ...] = ()
    if not bottleneck:
        valid = layer_cost((100, 100), 256, (3, 3), 256, space="weights")
        misconceptions = (
            Misconception(
                sp.Tuple(valid.multiplications.answer, valid.space.answer),
                "equal-width padding ignored (a 98×98 output)",
            ),
        )
    return Solution(derivation, accepted, misconceptions)


# -- 5-8: equal-width dilated convolution ---------------------------------------------------
def equal_width_padding() -> Solution:
    K, D = _positive("K"), _positive("D")
    derivation = same_padding(K, D)
    ignored = same_padding(K, 1)
    return Solution(
        derivation,
        misconceptions=(Misconception(ignored.answer, "dilation ignored: P = (K − 1)/2"),),
    )


def _single(identifier: str, title: str, question: str, build: Callable[[], Solution]) -> Exercise:
    return Exercise(identifier, title, "", [Part(identifier, question, build)], SOURCE, CONVENTIONS)


def problem_set() -> ProblemSet:
    exercises = [
        Exercise(
            "nndl-5-1",
            "Second derivatives as convolution kernels",
            "",
            [
                Part(
                    "nndl-5-1.1",
                    "Show that x''(t) ≈ x(t+1) + x(t−1) − 2x(t) (the book's eq. 5.6) approximates "
                    "the second derivative of x(t).",
                    second_difference,
                ),
                Part(
                    "nndl-5-1.2",
                    "Design a 2-D kernel that approximates the Laplacian of a 2-D signal.",
                    laplacian_kernel,
                ),
            ],
            SOURCE,
            CONVENTIONS,
        ),
        _single(
            "nndl-5-2",
            "Wide convolution is commutative",
            "Prove that rot180(W) ⊗̃ X = rot180(X) ⊗̃ W.",
            lambda: Solution(wide_convolution_commutes()),
        ),
        _single(
            "nndl-5-3",
            "The role of 1×1 convolutions",
            "Explain the role of 1×1 convolution kernels in a CNN (with the parameter and cost "
            "arithmetic of a 1×1 layer mapping D input channels to P output channels).",
            lambda: Solution(one_by_one_convolution()),
        ),
        Exercise(
            "nndl-5-4",
            "Time and space complexity with a 1×1 bottleneck",
            "A layer maps a 100×100×256 feature-map group to 100×100×256 with 3×3 kernels "
            "(equal-width).",
            [
                Part(
                    "nndl-5-4.1",
                    "Time and space complexity of the 3×3 layer.",
                    lambda: complexity_solution(bottleneck=False),
                ),
                Part(
                    "nndl-5-4.2",
                    "With a 1×1 convolution to 100×100×64 first, then the 3×3 convolution to "
                    "100×100×256: time and space complexity.",
                    lambda: complexity_solution(bottleneck=True),
                ),
            ],
            SOURCE,
            CONVENTIONS,
        ),
        _single(
            "nndl-5-5",
            "Convolution as an affine transformation",
            "A 3×3 input cross-correlated with a 2×2 kernel as z = Cx (x row-major).",
            lambda: Solution(conv_matrix_derivation((3, 3), (2, 2), base=1, notation="subscript")),
        ),
        Exercise(
            "nndl-5-6",
            "Gradients of max and argmax",
            "",
            [
                Part(
                    "nndl-5-6.1",
                    "The gradient of y = max(x_1, …, x_D).",
                    lambda: Solution(max_gradient_derivation()),
                ),
                Part(
                    "nndl-5-6.2",
                    "The gradient of y = argmax(x_1, …, x_D).",
                    lambda: Solution(argmax_gradient_derivation()),
                ),
            ],
            SOURCE,
            CONVENTIONS,
        ),
        _single(
            "nndl-5-7",
            "Forward and backward passes are transposes",
            "Ignoring activations, show that the forward computation z = Cx and the "
            "backpropagation δx = Cᵀδz of a convolutional layer are transposes of each other.",
            lambda: Solution(forward_backward_transpose_derivation()),
        ),
        _single(
            "nndl-5-8",
            "Equal-width dilated convolution",
            "Kernel size K, dilation D, stride 1: the zero padding P that keeps the width.",
            equal_width_padding,
        ),
    ]
    return ProblemSet(
        "nndl-5", "Neural Networks and Deep Learning, chapter 5", SOURCE, exercises, CONVENTIONS
    )
