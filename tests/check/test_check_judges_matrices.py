"""Matrix claims: explicit equalities, products of literals, and conv matrices written by hand,
against the engine's conv matrix and a loop-built reference."""

from __future__ import annotations

import itertools

import pytest
import sympy as sp

from symconv.check.judges.matrices import compare_matrices, judge_conv_matrix_claim
from symconv.conv.matrix import conv_matrix
from tests import reference_check as ref
from tests.check_keys import judge_document


def latex_matrix(rows):
    return "\\begin{bmatrix}" + " \\\\ ".join(" & ".join(row) for row in rows) + "\\end{bmatrix}"


@pytest.mark.parametrize(
    "input_shape,kernel", [((3, 3), (2, 2)), ((4, 3), (2, 2)), ((3, 4), (2, 3))]
)
def test_the_reference_conv_matrix_is_judged_right(input_shape, kernel):
    rows = ref.conv_matrix_names(input_shape, kernel)
    assert sp.Matrix(conv_matrix(input_shape, kernel)) == sp.Matrix(
        [[sp.Symbol(e) if e != "0" else 0 for e in row] for row in rows]
    )
    (judgement,) = [
        j
        for j in judge_document(f"$$z = w \\otimes x = {latex_matrix(rows)} x$$\n")
        if j.claim.kind == "matrix"
    ]
    assert judgement.verdict == "right", judgement.message


def swapped_rows(rows, row, a, b):
    changed = [list(r) for r in rows]
    changed[row][a], changed[row][b] = changed[row][b], changed[row][a]
    return changed


def test_every_swap_of_two_kernel_entries_in_a_row_is_found():
    rows = ref.conv_matrix_names((3, 3), (2, 2))
    for row in range(len(rows)):
        taps = [c for c, entry in enumerate(rows[row]) if entry != "0"]
        for a, b in itertools.combinations(taps, 2):
            doc = f"$$z = w \\otimes x = {latex_matrix(swapped_rows(rows, row, a, b))} x$$\n"
            (judgement,) = [j for j in judge_document(doc) if j.claim.kind == "matrix"]
            assert judgement.verdict == "wrong"
            assert judgement.diagnosis.startswith(f"row {row + 1}: ")
            assert judgement.diagnosis.endswith(f"(columns {a + 1} and {b + 1})")


def test_a_flipped_kernel_is_the_convolution_convention():
    rows = [
        [e.replace("w_{11}", "A").replace("w_{22}", "w_{11}").replace("A", "w_{22}")
         .replace("w_{12}", "B").replace("w_{21}", "w_{12}").replace("B", "w_{21}") for e in row]
        for row in ref.conv_matrix_names((3, 3), (2, 2))
    ]  # fmt: skip
    (judgement,) = [
        j
        for j in judge_document(f"$$z = w \\otimes x = {latex_matrix(rows)} x$$\n")
        if j.claim.kind == "matrix"
    ]
    assert judgement.verdict == "right" and "true convolution" in judgement.message


def test_witness_for_the_nndl_swap():
    expected = sp.Matrix(conv_matrix((3, 3), (2, 2)))
    written = expected.copy()
    written[3, 4], written[3, 5] = written[3, 5], written[3, 4]
    result = judge_conv_matrix_claim(written, expected, row_lines=[37, 38, 39, 40])
    assert not result.equal and "line 40" in result.message
    assert result.witness == (
        "row 4 of (C − C')x = (w_{11} - w_{12})·(x_{22} - x_{23}), where C is the conv matrix "
        "and C' yours"
    )
    # the witness is true: row 4 of (C − C')x with x's entries named x_{ij}
    x = sp.Matrix([sp.Symbol(f"x_{{{i}{j}}}") for i in (1, 2, 3) for j in (1, 2, 3)])
    w11, w12, x22, x23 = sp.symbols("w_{11} w_{12} x_{22} x_{23}")
    assert sp.expand(((expected - written) * x)[3] - (w11 - w12) * (x22 - x23)) == 0


def test_transposed_and_wrongly_sized_matrices():
    expected = sp.Matrix(conv_matrix((4,), (2,)))
    assert judge_conv_matrix_claim(expected.T, expected).diagnosis == "transposed"
    assert "is 3×3" in judge_conv_matrix_claim(sp.eye(3), expected).message


def test_products_and_transposes_of_literals():
    doc = (
        "$\\begin{pmatrix}1 & 2\\\\3 & 4\\end{pmatrix}\\begin{pmatrix}0 & 1\\\\1 & 0\\end{pmatrix}"
        " = \\begin{pmatrix}2 & 1\\\\4 & 3\\end{pmatrix}$\n\n"
        "$\\begin{pmatrix}1 & 2\\\\3 & 4\\end{pmatrix}\\begin{pmatrix}0 & 1\\\\1 & 0\\end{pmatrix}"
        " = \\begin{pmatrix}1 & 2\\\\3 & 4\\end{pmatrix}$\n\n"
        "$\\begin{pmatrix}a & b\\\\c & d\\end{pmatrix}^T = "
        "\\begin{pmatrix}a & c\\\\b & d\\end{pmatrix}$\n\n"
        "$\\begin{pmatrix}1 & 2\\end{pmatrix}\\begin{pmatrix}x \\\\ y\\end{pmatrix} = x + 2y$\n"
    )
    judgements = judge_document(doc)
    assert [j.verdict for j in judgements] == ["right", "wrong", "right", "right"]
    assert judgements[1].diagnosis == "columns in reverse order (the kernel flipped?)"


def test_entry_comparison_names_the_first_wrong_entry():
    result = compare_matrices(
        sp.Matrix([[1, 5], [3, 4]]), sp.Matrix([[1, 2], [3, 4]]), row_lines=[7, 8]
    )
    assert result.message == "entry (1, 2) (line 7) is 5 where the expected matrix has 2"
    assert result.witness == "entry (1, 2): 5 ≠ 2"
