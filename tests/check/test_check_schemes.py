"""The local truncation error of a finite-difference scheme for a PDE the document states
(:mod:`symconv.check.judges.schemes`)."""

from __future__ import annotations

import pytest

from symconv.check.runner import check_text

_HEAT = "We solve $u_t = \\alpha u_{xx}$ on $x_j = j\\Delta x$, $t_n = n\\Delta t$.\n\n"
_ADVECTION = "We solve $u_t + c u_x = 0$ on $x_j = j\\Delta x$, $t_n = n\\Delta t$.\n\n"
_FTCS = (
    "$$u_j^{n+1} = u_j^n + \\frac{\\alpha\\Delta t}{\\Delta x^2}"
    "\\left(u_{j+1}^n - 2u_j^n + u_{j-1}^n\\right)$$\n\n"
)
_SLIP = _FTCS.replace("- 2u_j^n", "+ 2u_j^n")
_UPWIND = "$$\\frac{u_j^{n+1} - u_j^n}{\\Delta t} + c\\frac{u_j^n - u_{j-1}^n}{\\Delta x} = 0$$\n\n"
_CRANK_NICOLSON = (
    "$$\\frac{u_j^{n+1} - u_j^n}{\\Delta t} = \\frac{\\alpha}{2\\Delta x^2}\\left(u_{j+1}^{n+1}"
    " - 2u_j^{n+1} + u_{j-1}^{n+1} + u_{j+1}^n - 2u_j^n + u_{j-1}^n\\right)$$\n\n"
)


@pytest.mark.parametrize(
    ("pde", "scheme", "order", "verdict"),
    [
        (_HEAT, _FTCS, "O(\\Delta t + \\Delta x^2)", "right"),
        (_HEAT, _SLIP, "O(\\Delta t + \\Delta x^2)", "wrong"),  # not even consistent
        # O(Δt^2) holds for the update's residual, not for it divided by Δt
        (_HEAT, _FTCS, "O(\\Delta t^2 + \\Delta x^2)", "unverified"),
        # an order in one step: right with Δt tied to Δx^2 (a stability limit)
        (_HEAT, _FTCS, "O(\\Delta x^2)", "unverified"),
        (_ADVECTION, _UPWIND, "O(\\Delta t + \\Delta x)", "right"),
        (_ADVECTION, _UPWIND, "O(\\Delta t + \\Delta x^2)", "wrong"),
        (_HEAT, _CRANK_NICOLSON, "O(\\Delta t^2 + \\Delta x^2)", "right"),
        # no PDE stated: what the scheme approximates is not known
        ("Let $x_j = j\\Delta x$, $t_n = n\\Delta t$.\n\n", _FTCS, "O(\\Delta t + \\Delta x^2)",
         "unverified"),
    ],
)  # fmt: skip
def test_the_truncation_error_of_a_scheme(pde, scheme, order, verdict):
    doc = pde + scheme + f"Its local truncation error is ${order}$.\n"
    judgements = [j for j in check_text(doc).judgements if j.claim.text.startswith("O(")]
    assert [j.verdict for j in judgements] == [verdict], [j.message for j in judgements]


_WITH_R = "$$u_j^{n+1} = u_j^n + r\\cdot\\left(u_{j+1}^n - 2u_j^n + u_{j-1}^n\\right)$$\n\n"


@pytest.mark.parametrize(
    ("ratio", "verdict"),
    [
        ("Let $r = \\frac{\\alpha\\Delta t}{\\Delta x^2}$.\n\n", "right"),
        # r not related to the steps: a constant r would make the scheme inconsistent (was the
        # risk of a wrong verdict on a true claim)
        ("", "unverified"),
    ],
)
def test_a_schemes_ratio_is_read_through_its_definition(ratio, verdict):
    doc = _HEAT + ratio + _WITH_R + "Its local truncation error is $O(\\Delta t + \\Delta x^2)$.\n"
    judgements = [j for j in check_text(doc).judgements if j.claim.text.startswith("O(")]
    assert [j.verdict for j in judgements] == [verdict], [j.message for j in judgements]
