"""Problem set ``fd``: finite-difference stencils as convolution kernels.

Sources: B. Fornberg, "Generation of finite difference formulas on arbitrarily spaced grids",
Math. Comp. 51(184), 1988, Table 1; SymPy's ``finite_diff_weights``; pystencils; Oono & Puri,
Phys. Rev. A 38 (1988) for the w = 1/8 Laplacian (restated in shared/problems/fd-stencils.md).
Every stencil is solved exactly by :mod:`symconv.stencils.weights` from its offsets; the error
convention is τ = (stencil applied to f) − (exact derivative).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import sympy as sp

from symconv.core.derivation import Check, CheckResult, Derivation
from symconv.problems.model import Accepted, Exercise, Misconception, Part, ProblemSet, Solution
from symconv.stencils.nd import box, cross
from symconv.stencils.weights import Stencil, stencil

SOURCE = (
    "B. Fornberg, Math. Comp. 51(184) (1988), Table 1; SymPy finite_diff_weights; pystencils "
    "(re-derived exactly)"
)
CONVENTIONS = (
    "offsets in units of h on uniform grids; the weights multiply f(x + offset h) and the sum is "
    "divided by h^order",
    "truncation error tau = (stencil applied to f) - (exact derivative)",
)

#: The kernel of a 2-D stencil, named apart from its weights and parameters.
KERNEL = sp.Symbol(r"\mathbf{K}")


def _solution(stencil_: Stencil, **extra: object) -> Solution:
    return Solution(stencil_.derivation(), **extra)  # type: ignore[arg-type]


def _members(family: Stencil, names: tuple[str, ...]) -> tuple[Accepted, ...]:
    return tuple(
        Accepted(family.member(name).answer(), f"the {name} member of the family") for name in names
    )


def _family_checks(family: Stencil, names: tuple[str, ...]) -> tuple[Check, ...]:
    """Checks of a family: each named member's own checks, and a random rational member's."""

    def member_check(name: str) -> Check:
        def check(rng: np.random.Generator) -> CheckResult:
            report = family.member(name).derivation().check(rng)
            return CheckResult(f"{name} member", report.passed, report.summary())

        return check

    def random_member(rng: np.random.Generator) -> CheckResult:
        value = sp.Rational(int(rng.integers(-20, 21)), int(rng.integers(1, 13)))
        member = family.substitute(dict.fromkeys(family.free_parameters, value))
        report = member.derivation().check(rng)
        return CheckResult(f"member at parameter {value}", report.passed, report.summary())

    return (*(member_check(name) for name in names), random_member)


def laplacian_family() -> Solution:
    """fd-d2: the full 3×3 set leaves a one-parameter family; corner weight 2w as in the table."""
    family = stencil(2, dims=2, offsets=box(1, 2))
    (corner,) = family.free_parameters
    w = sp.Symbol("w")
    named = family.reparametrize({corner: 2 * w})
    names = ("5-point", "isotropic", "Oono-Puri")
    derivation = replace(
        named.derivation(), answer_lhs=KERNEL, checks=_family_checks(family, names)
    )
    return Solution(derivation, _members(family, names))


def mixed_derivative() -> Solution:
    """fd-e: the family on 3×3 and its standard member, the tensor product (c = 1/4)."""
    family = stencil((1, 1), dims=2, offsets=box(1, 2))
    standard = family.member("tensor-product")
    (corner,) = family.free_parameters
    c = sp.Symbol("c")
    named = family.reparametrize({corner: c})
    derivation = named.derivation()
    derivation = replace(
        derivation,
        answer=standard.answer(),
        answer_lhs=KERNEL,
        checks=_family_checks(family, ("tensor-product",)),
        notes=(
            "The moment system leaves a one-parameter family (corner weight c); the standard "
            "answer is c = 1/4, the tensor product of central first differences, as the kernel "
            f"({standard.as_kernel().layout.describe()}).",
        ),
    )
    flipped = -standard.answer()
    return Solution(
        derivation,
        accepted=(
            Accepted(
                named.answer(),
                "any member of the family (c free)",
                parameters=named.free_parameters,
            ),
        ),
        misconceptions=(Misconception(flipped, "one axis's direction flipped (negated kernel)"),),
    )


def non_uniform() -> Solution:
    h_m, h_p = sp.symbols("h_m h_p", positive=True)
    return _solution(stencil(2, offsets=[-h_m, 0, h_p]))


PARTS: tuple[tuple[str, str, Callable[[], Solution]], ...] = (
    ("fd-a", "d²/dx², central, accuracy 2.", lambda: _solution(stencil(2, 2))),
    (
        "fd-b",
        "d⁴/dx⁴, central, accuracy 6 (offsets −4..4).",
        lambda: _solution(stencil(4, 6)),
    ),
    (
        "fd-c",
        "d/dx, forward one-sided, accuracy 4 (offsets 0..4).",
        lambda: _solution(stencil(1, 4, scheme="forward")),
    ),
    (
        "fd-d1",
        "2-D Laplacian, 5-point.",
        lambda: _solution(stencil(2, dims=2, offsets=cross(1, 2))),
    ),
    ("fd-d2", "2-D Laplacian on the full 3×3 offset set.", laplacian_family),
    (
        "fd-d3",
        "2-D Laplacian on the cross of radius 2, accuracy 4.",
        lambda: _solution(stencil(2, 4, dims=2, offsets=cross(2, 2))),
    ),
    ("fd-e", "∂²/∂x∂y, accuracy 2, on the 3×3 set.", mixed_derivative),
    ("fd-f", "d²/dx² on the non-uniform points (x − h_m, x, x + h_p).", non_uniform),
)


def problem_set() -> ProblemSet:
    exercises = [
        Exercise(
            identifier,
            question.rstrip("."),
            "",
            [Part(identifier, question, build)],
            SOURCE,
            CONVENTIONS,
        )
        for identifier, question, build in PARTS
    ]
    return ProblemSet(
        "fd", "Finite-difference stencils as convolution kernels", SOURCE, exercises, CONVENTIONS
    )


def derivation_of(identifier: str) -> Derivation:
    """The derivation of one fd part (for notebooks and tests)."""
    for part_id, _question, build in PARTS:
        if part_id == identifier:
            return build().derivation
    raise KeyError(identifier)
