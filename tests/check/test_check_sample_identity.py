"""An entry equated to a weighted sum of samples: an identity when the weights leave the entry,
wrong when they leave another multiple of it, and never a verdict on a definition, a recurrence,
an update or a discrete equation."""

from __future__ import annotations

from symconv.check.runner import check_text


def _verdicts(doc: str, kind: str = "md") -> dict[int, tuple[str, str, str | None]]:
    return {
        j.claim.line: (j.verdict, j.message, j.witness)
        for j in check_text(doc, kind=kind).judgements
    }


def test_a_column_of_unit_weights_gives_the_sample_itself():
    doc = (
        "Taking the first column of the inverse, $p = 0$:\n\n"
        "$$\\frac{0!}{h^{0}}\\left(0u_{k-1} + 1u_{k} + 0u_{k+1}\\right) = u_{k}$$\n\n"
        "and in LaTeX with a step written out\n\n"
        "\\begin{equation}\n"
        "\\frac{1}{\\Delta y^{0}}\\left(u_{k} + 0u_{k+1} + 0u_{k+2}\\right) = u_{k}\n"
        "\\end{equation}\n"
    )
    found = _verdicts(doc)
    assert found[3][0] == "right" and "identity" in found[3][1]
    assert found[8][0] == "right"


def test_weights_that_leave_another_multiple_are_wrong_with_a_witness():
    doc = (
        "The zeroth derivative from the weights:\n\n"
        "$$u_{k} = 0u_{k-1} + 2u_{k} + 0u_{k+1}$$\n\n"
        "$$g_{j} = \\frac{1}{2}\\left(g_{j} + 0 g_{j+1}\\right)$$\n"
    )
    found = _verdicts(doc)
    verdict, message, witness = found[3]
    assert verdict == "wrong"
    assert witness == "u[k] = 1: 2 ≠ 1"
    assert "2·u[k]" in message
    assert found[5][0] == "wrong" and found[5][2] == "g[j] = 1: 0.5 ≠ 1"


def test_a_sum_with_a_stray_weight_on_a_neighbour_is_wrong():
    # written with the weights on the left: the link is an identity between index expressions
    doc = "$$\\left(0u_{k-1} + u_{k} + \\frac{1}{2}u_{k+1}\\right) = u_{k}$$\n"
    (judgement,) = check_text(doc).judgements
    assert judgement.verdict == "wrong"


def test_definitions_recurrences_updates_and_equations_are_not_judged_as_identities():
    doc = (
        "$$d_{k} = u_{k+1} - u_{k}$$\n\n"  # a name defined from the samples
        "$$s_{k} = s_{k-1} + u_{k}$$\n\n"  # a recurrence
        "$$w_{k} = w_{k} - \\eta g_{k}$$\n\n"  # an update written as an equation
        "$$u_{k} = \\frac{u_{k-1} + u_{k} + u_{k+1}}{3}$$\n\n"  # a discrete equation
        "$$c_{0} = -c_{0}$$\n"  # a step of solving for a weight (so c_0 = 0)
    )
    for line, (verdict, message, _) in _verdicts(doc).items():
        assert verdict == "unverified", (line, message)
