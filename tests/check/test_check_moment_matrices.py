"""The matrix of a stencil's Taylor conditions named after the stencil is written, and its
inverse written after words that say so: confirmed when exact, never confirmed otherwise.

The expected matrices are built here from their definition (``M[k][j] = offset_j ** k``) and
inverted with Fractions by Gauss–Jordan, not with the checker's code.
"""

from __future__ import annotations

from fractions import Fraction

from symconv.check.model import Judgement
from symconv.check.runner import check_text


def _rows(matrix: list[list[Fraction]]) -> str:
    def cell(value: Fraction) -> str:
        if value.denominator == 1:
            return str(value.numerator)
        sign = "-" if value < 0 else ""
        return f"{sign}\\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"

    return " \\\\\n".join(" & ".join(cell(v) for v in row) for row in matrix)


def _powers(offsets: list[int]) -> list[list[Fraction]]:
    return [[Fraction(o) ** k for o in offsets] for k in range(len(offsets))]


def _inverse(matrix: list[list[Fraction]]) -> list[list[Fraction]]:
    size = len(matrix)
    rows = [row[:] + [Fraction(int(i == j)) for j in range(size)] for i, row in enumerate(matrix)]
    for column in range(size):
        pivot = next(r for r in range(column, size) if rows[r][column] != 0)
        rows[column], rows[pivot] = rows[pivot], rows[column]
        lead = rows[column][column]
        rows[column] = [v / lead for v in rows[column]]
        for r in range(size):
            if r != column and rows[r][column] != 0:
                factor = rows[r][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[column], strict=True)]
    return [row[size:] for row in rows]


ANSATZ = (
    "# Backward differences\n\n"
    "Assume\n\n"
    "$$\\partial_x u_k = c_{-3} u_{k-3} + c_{-2} u_{k-2} + c_{-1} u_{k-1} + c_0 u_k$$\n\n"
)
OFFSETS = [-3, -2, -1, 0]


def _judgements(doc: str, kind: str = "md") -> list[Judgement]:
    return list(check_text(doc, kind=kind).judgements)


def _matrix_display(name: str, matrix: list[list[Fraction]]) -> str:
    prefix = f"{name} = " if name else ""
    return f"$$\n{prefix}\\begin{{bmatrix}}\n{_rows(matrix)}\n\\end{{bmatrix}}\n$$\n\n"


def _at(judgements: list[Judgement], line: int) -> list[Judgement]:
    return [j for j in judgements if j.claim.line <= line <= j.claim.end_line]


def test_the_matrix_of_the_taylor_conditions_and_its_inverse_are_confirmed():
    matrix = _powers(OFFSETS)
    doc = (
        ANSATZ
        + "The conditions on the weights are the system with the matrix\n\n"
        + _matrix_display("M", matrix)
        + "Inverting this matrix gives\n\n"
        + _matrix_display("", _inverse(matrix))
    )
    judgements = _judgements(doc)
    named = _at(judgements, 10)
    assert [j.verdict for j in named] == ["right"]
    assert "Taylor conditions of the stencil on line 5" in named[0].message
    inverse = _at(judgements, 22)
    assert [j.verdict for j in inverse] == ["right"]
    assert inverse[0].message.startswith("the inverse of M (line 10)")


def test_the_transpose_and_the_taylor_table_are_layouts_of_the_same_matrix():
    transposed = [list(row) for row in zip(*_powers(OFFSETS), strict=True)]
    doc = ANSATZ + "The matrix is\n\n" + _matrix_display("A", transposed)
    (judgement,) = _at(_judgements(doc), 10)
    assert judgement.verdict == "right" and "transpose" in judgement.message


def test_a_matrix_with_a_sign_slip_is_not_confirmed_and_a_wrong_named_inverse_is_caught():
    slipped = _powers(OFFSETS)
    slipped[1][0] = Fraction(3)  # (-3)^1 written as 3
    doc = ANSATZ + "The matrix is\n\n" + _matrix_display("M", slipped)
    assert all(j.verdict != "right" for j in _at(_judgements(doc), 10))

    matrix = _powers(OFFSETS)
    inverse = _inverse(matrix)
    inverse[0][1] = -inverse[0][1]
    doc = (
        ANSATZ
        + "The matrix is\n\n"
        + _matrix_display("M", matrix)
        + "and\n\n"
        + _matrix_display("M^{-1}", inverse)
    )
    assert [j.verdict for j in _at(_judgements(doc), 22)] == ["wrong"]


def test_an_unnamed_matrix_that_is_not_the_inverse_stays_unverified():
    matrix = _powers(OFFSETS)
    step = [row[:] for row in matrix]
    step[1] = [a + 3 * b for a, b in zip(step[1], step[0], strict=True)]  # a row operation
    doc = (
        ANSATZ
        + "The matrix is\n\n"
        + _matrix_display("M", matrix)
        + "To invert it we first add three times the first row to the second:\n\n"
        + _matrix_display("", step)
    )
    (judgement,) = _at(_judgements(doc), 22)
    assert judgement.verdict == "unverified"
    assert "not the inverse of M (line 10)" in judgement.message


def test_no_stencil_no_cue_no_verdict():
    matrix = _powers(OFFSETS)
    doc = "# Linear algebra\n\n" + _matrix_display("M", matrix) + "Then\n\n"
    doc += _matrix_display("", _inverse(matrix))
    judgements = _judgements(doc)
    assert all(j.verdict != "right" for j in judgements)


def test_latex_document_with_the_stencil_written_as_a_formula():
    matrix = _powers([-1, 0, 1])
    doc = (
        "\\section{Centred differences}\n\n"
        "\\begin{equation}\n"
        "\\partial_x^2 u_k = \\frac{u_{k-1} - 2u_{k} + u_{k+1}}{h^2} + \\mathcal{O}(h^2)\n"
        "\\end{equation}\n\n"
        "The Taylor conditions have the matrix\n"
        "\\begin{equation}\n"
        "M = \\begin{bmatrix}\n" + _rows(matrix) + "\n\\end{bmatrix}\n"
        "\\end{equation}\n"
    )
    named = [j for j in _judgements(doc, "tex") if j.claim.line >= 8]
    assert [j.verdict for j in named] == ["right"]


def _recipe_doc(sentence: str, matrix: list[list[Fraction]] | None = None) -> str:
    return (
        ANSATZ
        + "The matrix is\n\n"
        + _matrix_display("M", matrix if matrix is not None else _powers(OFFSETS))
        + sentence
        + "\n"
    )


VECTOR = "$\\left(u_{k-3}, u_{k-2}, u_{k-1}, u_{k}\\right)$"


def _recipe_verdicts(sentence: str, matrix: list[list[Fraction]] | None = None) -> list[str]:
    judgements = _judgements(_recipe_doc(sentence, matrix))
    return [(j.verdict, j.witness) for j in judgements if j.claim.line >= 18]


def test_the_weights_read_off_the_right_column_are_confirmed():
    sentence = (
        f"For the $m$th derivative, take the $m+1$ column of $M^{{-1}}$ times the vector {VECTOR} "
        "and multiply by $\\frac{m!}{h^{m}}$."
    )
    assert _recipe_verdicts(sentence) == [("right", None)]
    # the factor in the next sentence
    sentence = (
        f"For the $m$th derivative, take the $m+1$ column of $M^{{-1}}$ times the vector {VECTOR}. "
        "Then multiply by $\\frac{m!}{h^{m}}$."
    )
    assert [v for v, _ in _recipe_verdicts(sentence)] == ["right"]


def test_the_row_instead_of_the_column_and_a_missing_factorial_are_caught():
    sentence = (
        f"For the $m$th derivative, take the $m+1$ row of $M^{{-1}}$ times the vector {VECTOR}."
    )
    ((verdict, witness),) = _recipe_verdicts(sentence)
    assert verdict == "wrong" and witness.startswith("m = 1: row 2 is (")
    sentence = (
        f"For the $m$th derivative, take the $m+1$ column of $M^{{-1}}$ times the vector {VECTOR} "
        "and multiply by $\\frac{1}{h^{m}}$."
    )
    assert _recipe_verdicts(sentence) == [("wrong", "m = 2: 1 ≠ 2")]


def test_a_recipe_the_matrix_does_not_fix_stays_unverified():
    zero_based = f"For the $m$th derivative, take the $m$-th column of $M^{{-1}}$ times {VECTOR}."
    assert [v for v, _ in _recipe_verdicts(zero_based)] == ["unverified"]
    other = [
        [Fraction(v) for v in row]
        for row in ((2, 1, 0, 0), (1, 2, 1, 0), (0, 1, 2, 1), (0, 0, 1, 2))
    ]
    sentence = f"For the $m$th derivative, take the $m+1$ column of $M^{{-1}}$ times {VECTOR}."
    assert [v for v, _ in _recipe_verdicts(sentence, other)] == ["unverified"]


def test_a_matrix_restated_is_confirmed_and_a_new_one_of_the_name_is_not_judged():
    matrix = _powers(OFFSETS)
    other = _powers([0, 1, 2, 3])
    doc = (
        "# Matrices\n\n"
        + _matrix_display("M", matrix)
        + "Later, again:\n\n"
        + _matrix_display("M", matrix)
        + "For the forward stencil the name is reused:\n\n"
        + _matrix_display("M", other)
    )
    judgements = _judgements(doc)
    restated = _at(judgements, 16)
    assert [j.verdict for j in restated] == ["right"]
    assert restated[0].message.startswith("as defined on line 4")
    assert all(j.verdict != "wrong" for j in judgements)
