"""Two kinds of rows the mutation study found unjudged in the catalog's nndl-5-6 write-up:

* a name its own aligned block defined, given another value (``y &:= \\max(x_1, x_2, x_3) \\\\ y &=
  x_1 [x_1 \\geq x_2 \\wedge x_1 \\geq x_3] + …``): the row claims the two values agree;
* the gradient of a scalar written as a column (``\\frac{\\partial y}{\\partial x} = [\\,[x_1
  \\text{ first max}], …]^T``): entry k is the partial derivative in x_k.
"""

from __future__ import annotations

import pytest

from symconv.check.api import check

MAX = r"y &:= \max\left(x_{1}, x_{2}, x_{3}\right)"
FIRST_MAX = (
    r"x_{1} \left[x_{1} \geq x_{2} \wedge x_{1} \geq x_{3}\right] + x_{2} \left[x_{2} \geq x_{3} "
    r"\wedge x_{2} > x_{1}\right] + x_{3} \left[x_{3} > x_{1} \wedge x_{3} > x_{2}\right]"
)
ONE_HOT = (
    r"\begin{bmatrix}\left[x_{1} \geq x_{2} \wedge x_{1} \geq x_{3}\right]\\\left[x_{2} \geq "
    r"x_{3} \wedge x_{2} > x_{1}\right]\\\left[x_{3} > x_{1} \wedge x_{3} > x_{2}\right]"
    r"\end{bmatrix}"
)


def block(*rows: str) -> list[tuple[str, str]]:
    text = "$$\n\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}\n$$\n"
    return [(j.verdict, j.message) for j in check(text).judgements]


def test_a_restated_name_is_compared_with_its_earlier_value() -> None:
    assert block(MAX, "y &= " + FIRST_MAX) == [
        ("right", "the two sides agree for every x_1, x_2, x_3 (exactly, at 84 points)")
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [("+ x_{3} \\left[", "+ w_{3} \\left["), ("x_{2} > x_{1}", "x_{2} > x_{3}")],
)
def test_a_restated_name_with_another_value_is_wrong(old: str, new: str) -> None:
    ((verdict, message),) = block(MAX, "y &= " + FIRST_MAX.replace(old, new, 1))
    assert verdict == "wrong"
    assert message.startswith("the two sides differ at ")


def test_a_name_defined_in_another_block_is_not_restated() -> None:
    text = f"$$\\begin{{aligned}}{MAX}\\end{{aligned}}$$\n\n$$y = x_1 + x_2$$\n"
    assert check(text).judgements == ()


def test_the_gradient_column_of_the_maximum_is_the_one_hot_argmax() -> None:
    verdicts = block(MAX, r"\frac{\partial y}{\partial x} &= " + ONE_HOT)
    assert verdicts == [
        ("right", "each entry is the partial derivative in its entry of x (x_1, x_2, x_3)")
    ]


def test_the_gradient_column_with_a_wrong_entry_names_it_and_a_witness() -> None:
    written = ONE_HOT.replace(r"x_{1} \geq x_{3}", r"x_{3} \geq x_{1}", 1)
    ((verdict, message),) = block(MAX, r"\frac{\partial y}{\partial x} &= " + written)
    assert verdict == "wrong"
    assert message.startswith(
        "the entry for x_1 is not the partial derivative in x_1: it differs at x_1 = "
    )


def test_the_argmax_has_gradient_zero() -> None:
    argmax = r"a &:= \left[x_{1} \geq x_{2}\right] + 2 \left[x_{2} > x_{1}\right]"
    zero = r"\frac{\partial a}{\partial x} &= \begin{bmatrix}0\\0\end{bmatrix}"
    one = r"\frac{\partial a}{\partial x} &= \begin{bmatrix}0\\1\end{bmatrix}"
    assert block(argmax, zero)[0][0] == "right"
    assert block(argmax, one)[0][0] == "wrong"
