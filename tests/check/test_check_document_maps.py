"""Issue 18: matrices checked against the document's own forward map, row by row, line by line.

Without ``--against``, a forward map written in the document (entries as sums, a convolution of
two written tensors) fixes the matrix of the map, its transpose, the gradients written out or as a
convolution, max unpooling, and statements about them. Every document here is synthetic (a 3×3
input ``x``, a 2×2 kernel ``w``, a 2×2 output ``z``); the right gradients are computed by the
plain loops below, which import nothing from symconv.
"""

from __future__ import annotations

import pytest

from symconv.check.runner import check_text

# -- a naive reference: valid cross-correlation z = x ⋆ w, 1-based entries ----------------------

X, W, Z = 3, 2, 2  # input, kernel and output sides


def forward_row(r: int, c: int) -> list[str]:
    """Row (r, c) of the matrix C with vec(z) = C vec(x), x flattened row by row (1-based)."""
    row = []
    for p in range(1, X + 1):
        for q in range(1, X + 1):
            u, v = p - r + 1, q - c + 1
            row.append(f"w_{{{u}{v}}}" if 1 <= u <= W and 1 <= v <= W else "0")
    return row


def input_gradient(p: int, q: int, error: str = "delta") -> str:
    """∂L/∂x_{pq} = Σ_{r,c} δ_{rc} w_{p−r+1, q−c+1} as written by hand."""
    terms = []
    for r in range(1, Z + 1):
        for c in range(1, Z + 1):
            u, v = p - r + 1, q - c + 1
            if 1 <= u <= W and 1 <= v <= W:
                terms.append(f"w_{{{u}{v}}}\\{error}_{{{r}{c}}}")
    return "+".join(terms) if terms else "0"


def verdict_lines(doc: str, kind: str = "md") -> dict[int, str]:
    """The verdict on each line (wrong beats right beats unverified), from every judgement."""
    rank = {"wrong": 2, "right": 1, "unverified": 0}
    found: dict[int, str] = {}
    for judgement in check_text(doc, kind=kind).judgements:
        for line in range(judgement.claim.line, judgement.claim.end_line + 1):
            if rank[judgement.verdict] >= rank.get(found.get(line, "unverified"), -1):
                found[line] = judgement.verdict
    return found


def matrix(rows: list[list[str]], env: str = "bmatrix") -> str:
    body = " \\\\\n".join(" & ".join(row) for row in rows)
    return f"\\begin{{{env}}}\n{body}\n\\end{{{env}}}"


TENSORS = (
    "The input and the kernel:\n\n"
    "$$x = \\begin{bmatrix} x_{11} & x_{12} & x_{13} \\\\ x_{21} & x_{22} & x_{23} \\\\ "
    "x_{31} & x_{32} & x_{33} \\end{bmatrix}, \\quad "
    "w = \\begin{bmatrix} w_{11} & w_{12} \\\\ w_{21} & w_{22} \\end{bmatrix}$$\n\n"
)
FORWARD = (
    "The output is\n\n$$z = \\begin{bmatrix}\n"
    "\\sum_{i=1}^2 \\sum_{j=1}^2 w_{ij} x_{ij} & "
    "\\sum_{i=1}^2 \\sum_{j=1}^2 w_{ij} x_{i,j+1} \\\\\n"
    "\\sum_{i=1}^2 \\sum_{j=1}^2 w_{ij} x_{i+1,j} & "
    "\\sum_{i=1}^2 \\sum_{j=1}^2 w_{ij} x_{i+1,j+1}\n\\end{bmatrix}$$\n\n"
)
COLUMN_OF_X = (
    "\\begin{bmatrix} x_{11} \\\\ x_{12} \\\\ x_{13} \\\\ x_{21} \\\\ \\vdots \\\\ x_{33} "
    "\\end{bmatrix}"
)


def lines_of(doc: str, *needles: str) -> list[int]:
    """The 1-based line of the first line holding each needle."""
    lines = doc.splitlines()
    return [next(i + 1 for i, line in enumerate(lines) if needle in line) for needle in needles]


# -- the matrix of the map ------------------------------------------------------------------------


def test_each_row_of_the_matrix_of_the_map_is_judged_on_its_own_line() -> None:
    rows = [forward_row(r, c) for r in (1, 2) for c in (1, 2)]
    rows[3][7], rows[3][8] = rows[3][8], rows[3][7]  # row 4: w_{21}, w_{22} swapped
    shown = matrix([row for row in rows])
    doc = TENSORS + FORWARD + f"Flattened, $z = C x$:\n\n$${shown}\n{COLUMN_OF_X}$$\n"
    found = verdict_lines(doc)
    first = lines_of(doc, " & ".join(rows[0]))[-1]
    assert [found.get(first + k) for k in range(4)] == ["right", "right", "right", "wrong"]


def test_rows_written_with_elisions_are_judged_on_the_entries_whose_place_is_certain() -> None:
    rows = [forward_row(r, c) for r in (1, 2) for c in (1, 2)]
    elided = [[*row[:5], "\\dots", row[-1]] for row in rows]
    elided[1][4] = "w_{11}"  # row 2, entry 5 is w_{21}
    doc = TENSORS + FORWARD + f"$${matrix(elided)}\n{COLUMN_OF_X}$$\n"
    found = verdict_lines(doc)
    first = lines_of(doc, " & ".join(elided[0]))[0]
    assert [found.get(first + k) for k in range(4)] == ["right", "wrong", "right", "right"]


def test_a_row_whose_entries_stand_between_two_elisions_is_not_judged() -> None:
    row = forward_row(1, 1)
    written = [[row[0], "\\dots", row[4], "\\dots", row[8]]] + [
        forward_row(r, c) for r, c in ((1, 2), (2, 1), (2, 2))
    ]
    written[0][2] = "w_{12}"  # between the elisions: its column is not certain, never judged
    doc = TENSORS + FORWARD + f"$${matrix(written)}\n{COLUMN_OF_X}$$\n"
    found = verdict_lines(doc)
    first = lines_of(doc, " & ".join(written[0]))[0]
    assert found.get(first) == "right"  # the two entries whose place is certain are right


def test_the_transpose_is_judged_row_by_row_in_the_order_the_document_flattens_x() -> None:
    rows = [forward_row(r, c) for r in (1, 2) for c in (1, 2)]
    transposed = [[rows[q][p] for q in range(4)] for p in range(9)]
    transposed[4][0] = "w_{11}"  # row 5 (x_{22}), entry 1: ∂z_{11}/∂x_{22} = w_{22}
    gradient = "\\begin{bmatrix} \\frac{\\partial F}{\\partial z_{11}} \\\\ \\frac{\\partial F}"
    gradient += "{\\partial z_{12}} \\\\ \\frac{\\partial F}{\\partial z_{21}} \\\\ "
    gradient += "\\frac{\\partial F}{\\partial z_{22}} \\end{bmatrix}"
    forward = f"$${matrix(rows)}\n{COLUMN_OF_X}$$\n\n"
    doc = TENSORS + FORWARD + forward + f"Back:\n\n$${matrix(transposed)}\n{gradient}$$\n"
    found = verdict_lines(doc)
    first = lines_of(doc, "Back:")[0] + 3
    assert doc.splitlines()[first - 1] == " & ".join(transposed[0]) + " \\\\"
    assert [found.get(first + k) for k in range(9)] == ["right"] * 4 + ["wrong"] + ["right"] * 4


def test_the_transpose_is_unverified_when_the_document_never_shows_how_it_flattens_x() -> None:
    rows = [forward_row(r, c) for r in (1, 2) for c in (1, 2)]
    transposed = [[rows[q][p] for q in range(4)] for p in range(9)]
    gradient = "\\begin{bmatrix} \\frac{\\partial F}{\\partial z_{11}} \\\\ \\frac{\\partial F}"
    gradient += "{\\partial z_{12}} \\\\ \\frac{\\partial F}{\\partial z_{21}} \\\\ "
    gradient += "\\frac{\\partial F}{\\partial z_{22}} \\end{bmatrix}"
    doc = TENSORS + FORWARD + f"$${matrix(transposed)}\n{gradient}$$\n"
    report = check_text(doc)
    rows_judged = [j for j in report.judgements if "flattens" in j.message]
    assert len(rows_judged) == 9
    assert {j.verdict for j in rows_judged} == {"unverified"}


# -- gradients written out ------------------------------------------------------------------------


GRADIENT_SETUP = (
    "$$x = \\begin{bmatrix} x_{11} & x_{12} & x_{13} \\\\ x_{21} & x_{22} & x_{23} \\\\ "
    "x_{31} & x_{32} & x_{33} \\end{bmatrix}$$\n\nkernel, stride 1:\n\n"
    "$$w = \\begin{bmatrix} w_{11} & w_{12} \\\\ w_{21} & w_{22} \\end{bmatrix}$$\n\n"
    "the output's error:\n\n"
    "$$\\delta = \\begin{bmatrix} \\delta_{11} & \\delta_{12} \\\\ \\delta_{21} & \\delta_{22}"
    " \\end{bmatrix}$$\n\nthe gradient of the loss with respect to x:\n\n"
)


def test_a_gradient_written_out_is_judged_line_by_line_even_inside_one_row() -> None:
    entries = [[input_gradient(p, q) for q in (1, 2, 3)] for p in (1, 2, 3)]
    # w_{12}δ_{12} + w_{22}δ_{22}; wrong read as a correlation and as a true convolution too
    entries[1][2] = "w_{12}\\delta_{12}+w_{21}\\delta_{22}"
    # row 2 is split over two lines, its last entry alone on the second
    body = (
        " & ".join(entries[0]) + " \\\\\n" + " & ".join(entries[1][:2]) + " &\n"
        + entries[1][2] + " \\\\\n" + " & ".join(entries[2])
    )  # fmt: skip
    doc = GRADIENT_SETUP + f"$$\\begin{{bmatrix}}\n{body}\n\\end{{bmatrix}}$$\n"
    found = verdict_lines(doc)
    first = lines_of(doc, entries[0][0] + " & ")[0]
    assert [found.get(first + k) for k in range(4)] == ["right", "right", "wrong", "right"]


def test_a_row_right_only_under_another_reading_than_the_rest_of_its_matrix_is_not_confirmed() -> (
    None
):
    # rows 1 and 3 are the gradient of a cross-correlation, row 2 that of a true convolution:
    # the matrix is read as the former; row 2 is never confirmed, and never called wrong
    correlation = [[input_gradient(p, q) for q in (1, 2, 3)] for p in (1, 2, 3)]
    flipped = [[e.replace("w_{11}", "W11").replace("w_{22}", "w_{11}").replace("W11", "w_{22}")
                .replace("w_{12}", "W12").replace("w_{21}", "w_{12}").replace("W12", "w_{21}")
                for e in row] for row in correlation]  # fmt: skip
    mixed = [correlation[0], flipped[1], correlation[2]]
    doc = GRADIENT_SETUP + f"$${matrix(mixed)}$$\n"
    found = verdict_lines(doc)
    first = lines_of(doc, " & ".join(mixed[0]))[0]
    assert [found.get(first + k) for k in range(3)] == ["right", "unverified", "right"]


# -- convolutions that give a gradient, and the result of A * K ---------------------------------

OPERATION = (
    "$$\\begin{bmatrix} x_{11} & x_{12} & x_{13} \\\\ x_{21} & x_{22} & x_{23} \\\\ "
    "x_{31} & x_{32} & x_{33} \\end{bmatrix} * "
    "\\begin{bmatrix} w_{11} & w_{12} \\\\ w_{21} & w_{22} \\end{bmatrix}$$\n\n"
    "with stride 1. The result of this convolution is\n\n$$\\begin{bmatrix}\n"
    "\\sum_{i=1}^2 \\sum_{j=1}^2 w_{ij} x_{ij} & "
    "\\sum_{i=1}^2 \\sum_{j=1}^2 w_{ij} x_{i,j+1} \\\\\n"
    "\\sum_{i=1}^2 \\sum_{j=1}^2 w_{ij} x_{i+1,j} & "
    "\\sum_{i=1}^2 \\sum_{j=1}^2 w_{ij} x_{i+2,j+1}\n\\end{bmatrix}$$\n\n"
    "which we call $z_{11}, z_{12}, z_{21}, z_{22}$: "
    "$z_{12} = \\sum_{i=1}^2 \\sum_{j=1}^2 w_{ij} x_{i,j+1}$.\n\n"
)
#: The same with the result written right: ``*`` is the cross-correlation in this document.
RIGHT_OPERATION = OPERATION.replace("x_{i+2,j+1}", "x_{i+1,j+1}")


def test_the_result_written_after_a_convolution_is_judged_row_by_row() -> None:
    found = verdict_lines(OPERATION)
    first, second = lines_of(OPERATION, "w_{ij} x_{ij} &", "x_{i+2,j+1}")
    assert (found.get(first), found.get(second)) == ("right", "wrong")


def grad(name: str) -> str:
    return f"\\frac{{\\partial F}}{{\\partial z_{{{name}}}}}"


def test_a_convolution_that_gives_the_kernel_gradient_is_right() -> None:
    doc = (
        TENSORS
        + FORWARD
        + (
            "The kernel's gradient is the convolution\n\n$$"
            + matrix([[f"x_{{{p}{q}}}" for q in (1, 2, 3)] for p in (1, 2, 3)])
            + " * "
            + matrix([[grad("11"), grad("12")], [grad("21"), grad("22")]])
            + "$$\n"
        )
    )
    report = check_text(doc)
    (found,) = [j for j in report.judgements if "convolution" in j.message]
    assert found.verdict == "right", found.message
    assert "∂L/∂w" in found.message


def test_a_convolution_with_the_kernel_not_flipped_is_not_the_input_gradient() -> None:
    zero = "0"
    padded = [
        [zero] * 4,
        [zero, grad("11"), grad("12"), zero],
        [zero, grad("21"), grad("22"), zero],
        [zero] * 4,
    ]
    kernel = [["w_{11}", "w_{12}"], ["w_{21}", "w_{22}"]]
    flipped = [["w_{22}", "w_{21}"], ["w_{12}", "w_{11}"]]
    right_doc = RIGHT_OPERATION + (
        "Back, with stride 1:\n\n$$" + matrix(padded) + " * " + matrix(flipped) + "$$\n"
    )
    wrong_doc = RIGHT_OPERATION + (
        "Back, with stride 1:\n\n$$" + matrix(padded) + " * " + matrix(kernel) + "$$\n"
    )
    for doc, expected in ((right_doc, "right"), (wrong_doc, "wrong")):
        judged = [j for j in check_text(doc).judgements if "this convolution" in j.message]
        assert [j.verdict for j in judged] == [expected], [j.message for j in judged]


# -- statements about the map ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("z = C x", "right"),
        ("\\frac{\\partial F}{\\partial x} = C^T \\frac{\\partial F}{\\partial z}", "right"),
        ("\\frac{\\partial F}{\\partial x} = C \\frac{\\partial F}{\\partial z}", "wrong"),
        ("z_{21} = \\sum_{i=1}^2 \\sum_{j=1}^2 w_{ij} x_{i+1,j}", "right"),
        ("z_{21} = \\sum_{i=1}^2 \\sum_{j=1}^2 w_{ij} x_{i,j+1}", "wrong"),
        ("\\frac{\\partial z_{12}}{\\partial w_{ij}} = x_{i,j+1}", "right"),
        ("\\frac{\\partial z_{12}}{\\partial w_{ij}} = x_{i+1,j}", "wrong"),
        (
            "\\frac{\\partial F}{\\partial w_{ij}} = \\sum_{p=1}^2 \\sum_{q=1}^2 "
            "\\frac{\\partial F}{\\partial z_{pq}} x_{i+p-1,j+q-1}",
            "right",
        ),
        (
            "\\frac{\\partial F}{\\partial w_{ij}} = \\sum_{p=1}^2 \\sum_{q=1}^2 "
            "\\frac{\\partial F}{\\partial z_{pq}} x_{i+p,j+q-1}",
            "wrong",  # at i = j = 1 every entry exists and the sides differ
        ),
        (
            "\\frac{\\partial F}{\\partial w_{12}} = \\sum_{p=1}^2 \\sum_{q=1}^2 "
            "\\frac{\\partial F}{\\partial z_{pq}} x_{p,q}",
            "wrong",
        ),
    ],
)
def test_statements_about_the_map_are_decided_from_it(statement: str, expected: str) -> None:
    doc = TENSORS + FORWARD + "Flattened, $z = C x$.\n\nThen\n\n$$" + statement + "$$\n"
    if statement == "z = C x":
        doc = TENSORS + FORWARD + "Then\n\n$$z = C x$$\n"
    line = len(doc.splitlines())
    judged = [j for j in check_text(doc).judgements if j.claim.line == line]
    assert [j.verdict for j in judged] == [expected], [j.message for j in judged]


# -- max pooling and unpooling ---------------------------------------------------------------------


def test_max_pooling_and_unpooling_place_each_named_maximum() -> None:
    doc = (
        "\\section{Pooling}\nA max pooling with kernel size 2 and stride 2 keeps the maxima "
        "(in bold):\n\\begin{equation*}\n"
        "\\begin{bmatrix} b_{11} & \\mathbf{b_{12}} & b_{13} & b_{14} \\\\\n"
        "b_{21} & b_{22} & b_{23} & \\mathbf{b_{24}} \\\\\n"
        "\\mathbf{b_{31}} & b_{32} & b_{33} & b_{34} \\\\\n"
        "b_{41} & b_{42} & \\mathbf{b_{43}} & b_{44} \\end{bmatrix} \\rightarrow\n"
        "\\begin{bmatrix} b_{12} & b_{24} \\\\\nb_{31} & b_{34} \\end{bmatrix}\n"
        "\\end{equation*}\nand back:\n\\begin{equation*}\n"
        "\\begin{bmatrix} b_{12} & b_{24} \\\\ b_{31} & b_{43} \\end{bmatrix} \\rightarrow\n"
        "\\begin{bmatrix} 0 & b_{12} & 0 & 0 \\\\\n0 & 0 & 0 & b_{42} \\\\\n"
        "b_{31} & 0 & 0 & 0 \\\\\n0 & 0 & b_{43} & 0 \\end{bmatrix}\n\\end{equation*}\n"
    )
    found = verdict_lines(doc, kind="tex")
    pooled_1, pooled_2 = lines_of(doc, "b_{12} & b_{24} \\\\\n".strip(), "b_{31} & b_{34}")
    assert (found.get(pooled_1), found.get(pooled_2)) == ("right", "wrong")  # b_{43} is marked
    rows = lines_of(doc, "0 & b_{12} & 0 & 0", "0 & 0 & 0 & b_{42}", "b_{31} & 0 & 0 & 0")
    assert [found.get(line) for line in rows] == ["right", "wrong", "right"]


# -- a hand convolution with numbers, against the document's NumPy-style formula -----------------


def correlate_channels(
    inputs: list[list[list[int]]], kernels: list[list[list[int]]], bias: int
) -> list[list[int]]:
    """Σ_c inputs[c] ⋆ kernels[c] + bias, valid, stride 1, by plain loops."""
    side = len(inputs[0]) - len(kernels[0]) + 1
    k = len(kernels[0])
    return [
        [
            bias
            + sum(
                inputs[c][r + u][s + v] * kernels[c][u][v]
                for c in range(len(inputs))
                for u in range(k)
                for v in range(k)
            )
            for s in range(side)
        ]
        for r in range(side)
    ]


def test_output_maps_computed_by_hand_are_checked_against_the_slice_formula() -> None:
    a = [[[1, 2, 0], [3, 1, 4], [0, 2, 2]], [[2, 0, 1], [1, 1, 3], [4, 0, 2]]]
    w = [[[1, 0], [2, 1]], [[0, 3], [1, 1]]]
    z = correlate_channels(a, w, bias=5)
    z[1][0] += 1  # one wrong number on the second row

    def block(rows: list[list[int]]) -> str:
        return matrix([[str(v) for v in row] for row in rows])

    doc = (
        "Data with stride $(1, 1)$:\n\n"
        f"$$a[0,0,:,:] = {block(a[0])}, a[0,1,:,:] = {block(a[1])}$$\n\n"
        f"$$w[0,0,:,:] = {block(w[0])}, w[0,1,:,:] = {block(w[1])}$$\n\n"
        "and $b = [5]$. The layer is\n\n"
        "$$z[i,j,:,:] = \\sum_{k=0}^{1} a[i,k,:,:] * w[j,k,:,:] + b[j]$$\n\n"
        f"so\n\n$$z[0,0,:,:] = {block(z)}$$\n"
    )
    found = verdict_lines(doc)
    first = lines_of(doc, " & ".join(str(v) for v in z[0]))[-1]
    assert [found.get(first), found.get(first + 1)] == ["right", "wrong"]


def test_an_im2col_matrix_is_checked_window_by_window() -> None:
    a = [[[1, 2, 0], [3, 1, 4], [0, 2, 2]], [[2, 0, 1], [1, 1, 3], [4, 0, 2]]]
    w = [[[1, 0], [2, 1]], [[0, 3], [1, 1]]]
    # one row per 2×2 window (row by row), the window flattened channel, row, column
    windows = [
        [a[c][r + u][s + v] for c in (0, 1) for u in (0, 1) for v in (0, 1)]
        for r in (0, 1)
        for s in (0, 1)
    ]
    windows[2][5] += 1  # the third window, one value off

    def block(rows: list[list[int]]) -> str:
        return matrix([[str(v) for v in row] for row in rows])

    doc = (
        "Data with stride $(1, 1)$:\n\n"
        f"$$a[0,0,:,:] = {block(a[0])}, a[0,1,:,:] = {block(a[1])}$$\n\n"
        f"$$w[0,0,:,:] = {block(w[0])}, w[0,1,:,:] = {block(w[1])}$$\n\n"
        "$$z[i,j,:,:] = \\sum_{k=0}^{1} a[i,k,:,:] * w[j,k,:,:]$$\n\n"
        f"The windows of the input as rows:\n\n$$a_t[0] = {block(windows)}$$\n"
    )
    found = verdict_lines(doc)
    first = lines_of(doc, " & ".join(str(v) for v in windows[0]))[-1]
    assert [found.get(first + k) for k in range(4)] == ["right", "right", "wrong", "right"]


# -- what is not the map's: never judged against it -------------------------------------------


def test_another_matrix_applied_to_the_input_is_not_judged_as_the_map() -> None:
    quarter = "\\frac{1}{4}"
    pool = [
        [quarter if (p - r) in (0, 1) and (q - c) in (0, 1) else "0" for p in (1, 2, 3)
         for q in (1, 2, 3)]
        for r in (1, 2) for c in (1, 2)
    ]  # fmt: skip
    doc = TENSORS + FORWARD + f"An average pooling of x:\n\n$${matrix(pool)}\n{COLUMN_OF_X}$$\n"
    first = lines_of(doc, " & ".join(pool[0]))[0]
    found = verdict_lines(doc)
    assert "wrong" not in {found.get(first + k) for k in range(4)}


def test_an_upsampling_that_repeats_the_values_is_not_judged_as_an_unpooling() -> None:
    b = [[f"b_{{{r}{c}}}" for c in (1, 2, 3, 4)] for r in (1, 2, 3, 4)]
    doc = (
        f"The map $$b = {matrix(b)}$$ and\n\n"
        "$$\\begin{bmatrix} b_{11} & b_{13} \\\\ b_{31} & b_{33} \\end{bmatrix} \\rightarrow "
        "\\begin{bmatrix} b_{11} & b_{11} & b_{13} & b_{13} \\\\\n"
        "0 & 0 & 0 & 0 \\\\\nb_{31} & b_{31} & b_{33} & b_{33} \\\\\n"
        "0 & 0 & 0 & 0 \\end{bmatrix}$$\n"
    )
    assert "wrong" not in verdict_lines(doc).values()


def test_h_equals_w_a_is_not_confirmed_when_w_is_a_matrix_the_document_wrote() -> None:
    doc = (
        TENSORS + FORWARD + "$$C = \\begin{bmatrix} 1 & 0 \\\\ 0 & 1 \\end{bmatrix}$$\n\n"
        "so that\n\n$$z = C x$$\n"
    )
    line = len(doc.splitlines())
    judged = [j for j in check_text(doc).judgements if j.claim.line == line]
    assert all(j.verdict != "right" for j in judged)


# -- maps defined entry by entry, or as an operation of two written tensors ----------------------


def test_a_map_defined_entry_by_entry_fixes_the_matrix_of_the_map() -> None:
    entries = "".join(
        f"$$z_{{{r}{c}}} = \\sum_{{i=1}}^2 \\sum_{{j=1}}^2 w_{{ij}} x_{{i+{r - 1},j+{c - 1}}}$$\n\n"
        for r in (1, 2)
        for c in (1, 2)
    )
    rows = [forward_row(r, c) for r in (1, 2) for c in (1, 2)]
    rows[2][3] = "w_{12}"  # row 3 (z_{21}), entry 4 (x_{21}) is w_{11}
    doc = TENSORS + entries + f"$${matrix(rows)}\n{COLUMN_OF_X}$$\n"
    found = verdict_lines(doc)
    first = lines_of(doc, " & ".join(rows[0]))[-1]
    assert [found.get(first + k) for k in range(4)] == ["right", "right", "wrong", "right"]


def test_a_convolution_written_as_an_operation_fixes_the_map_under_the_readings_it_leaves() -> None:
    operation = (
        "$$z = \\begin{bmatrix} x_{11} & x_{12} & x_{13} \\\\ x_{21} & x_{22} & x_{23} \\\\ "
        "x_{31} & x_{32} & x_{33} \\end{bmatrix} * "
        "\\begin{bmatrix} w_{11} & w_{12} \\\\ w_{21} & w_{22} \\end{bmatrix}$$\n\n"
        "with stride 1.\n\n"
    )
    rows = [forward_row(r, c) for r in (1, 2) for c in (1, 2)]
    rotated = {"w_{11}": "w_{22}", "w_{22}": "w_{11}", "w_{12}": "w_{21}", "w_{21}": "w_{12}"}
    rows[0] = [rotated.get(e, e) for e in rows[0]]  # right for a true convolution only
    doc = operation + f"$${matrix(rows)}\n{COLUMN_OF_X}$$\n"
    found = verdict_lines(doc)
    first = lines_of(doc, " & ".join(rows[0]))[-1]
    # the words do not fix *: rows 2–4 are right for the cross-correlation, the reading most
    # lines fit; row 1 only for a true convolution: not confirmed, not called wrong
    assert [found.get(first + k) for k in range(4)] == ["unverified", "right", "right", "right"]


def test_a_named_matrix_of_the_map_is_judged_row_by_row() -> None:
    rows = [forward_row(r, c) for r in (1, 2) for c in (1, 2)]
    rows[1][5] = "0"  # row 2 (z_{12}), entry 6 (x_{23}) is w_{22}
    doc = (
        TENSORS + FORWARD + f"With $x$ flattened as $${COLUMN_OF_X}$$ we have $z = C x$, where\n\n"
        f"$$C = {matrix(rows)}$$\n"
    )
    found = verdict_lines(doc)
    first = lines_of(doc, " & ".join(rows[0]))[-1]
    assert [found.get(first + k) for k in range(4)] == ["right", "wrong", "right", "right"]


def test_the_matrix_of_vec_z_equals_c_vec_x_is_the_map_s() -> None:
    rows = [forward_row(r, c) for r in (1, 2) for c in (1, 2)]
    rows[0][0] = "w_{12}"
    doc = (
        TENSORS + FORWARD + f"Flattened as $${COLUMN_OF_X}$$ the convolution is "
        "$\\operatorname{vec}(z) = C \\operatorname{vec}(x)$ with\n\n"
        f"$$C = {matrix(rows)}$$\n"
    )
    found = verdict_lines(doc)
    first = lines_of(doc, " & ".join(rows[0]))[-1]
    assert [found.get(first + k) for k in range(4)] == ["wrong", "right", "right", "right"]


def kernel_gradient(u: int, v: int) -> str:
    """∂L/∂w_{uv} = Σ_{r,c} δ_{rc} x_{r+u−1, c+v−1} as written by hand."""
    return "+".join(
        f"x_{{{r + u - 1}{c + v - 1}}}\\delta_{{{r}{c}}}"
        for r in range(1, Z + 1)
        for c in range(1, Z + 1)
    )


def test_a_kernel_gradient_written_out_is_judged_line_by_line() -> None:
    entries = [[kernel_gradient(u, v) for v in (1, 2)] for u in (1, 2)]
    entries[1][1] = entries[1][1].replace("x_{33}", "x_{32}")
    doc = GRADIENT_SETUP.replace("with respect to x", "with respect to w") + (
        f"$${matrix(entries)}$$\n"
    )
    found = verdict_lines(doc)
    first = lines_of(doc, " & ".join(entries[0]))[0]
    assert [found.get(first), found.get(first + 1)] == ["right", "wrong"]


# -- gradients of a loss through a map written entry by entry --------------------------------------

ENTRY_BY_ENTRY = "".join(
    f"$$y_{{{r}{c}}} = x_{{{r}{c}}}w_{{11}} + x_{{{r}{c + 1}}}w_{{12}} + x_{{{r + 1}{c}}}w_{{21}}"
    f" + x_{{{r + 1}{c + 1}}}w_{{22}}$$\n\n"
    for r in (1, 2)
    for c in (1, 2)
)


def dL(name: str) -> str:
    return f"\\frac{{\\partial L}}{{\\partial {name}}}"


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        # the chain rule over every output, the sum written without bounds (over all of y)
        (f"{dL('w_{11}')} = \\sum_{{i,j}} {dL('y_{ij}')}\\frac{{\\partial y_{{ij}}}}"
         "{\\partial w_{11}}", "right"),
        (f"{dL('x_{22}')} = \\sum_{{i,j}} {dL('y_{ij}')}\\frac{{\\partial y_{{ij}}}}"
         "{\\partial x_{22}}", "right"),
        (f"{dL('w_{11}')} = \\sum_{{i,j}} {dL('y_{ij}')} x_{{ij}}", "right"),
        (f"{dL('w_{12}')} = \\sum_{{i,j}} {dL('y_{ij}')} x_{{ij}}", "wrong"),
        # bounds that are not numbers: the sum is not worked out (never 0 by SymPy)
        (f"{dL('w_{11}')} = \\sum_{{i=1}}^{{n}} \\sum_{{j=1}}^{{n}} {dL('y_{ij}')}"
         "\\frac{\\partial y_{ij}}{\\partial w_{11}}", "unverified"),
        # the gradient of one input entry, term by term
        (f"{dL('x_{12}')} = {dL('y_{11}')} w_{{12}} + {dL('y_{12}')} w_{{11}}", "right"),
        (f"{dL('x_{12}')} = {dL('y_{11}')} w_{{11}} + {dL('y_{12}')} w_{{12}}", "wrong"),
        (f"{dL('x_{33}')} = {dL('y_{22}')} w_{{22}}", "right"),
        (f"{dL('w_{21}')} = {dL('y_{11}')} x_{{21}} + {dL('y_{12}')} x_{{22}} + "
         f"{dL('y_{21}')} x_{{31}} + {dL('y_{22}')} x_{{33}}", "wrong"),
    ],
)  # fmt: skip
def test_gradients_through_a_map_written_entry_by_entry(statement: str, expected: str) -> None:
    doc = ENTRY_BY_ENTRY + "By the chain rule,\n\n$$" + statement + "$$\n"
    line = len(doc.splitlines())
    judged = [j for j in check_text(doc).judgements if j.claim.line == line]
    assert [j.verdict for j in judged] == [expected], [j.message for j in judged]


WITH_BIAS = ENTRY_BY_ENTRY.replace("}$$\n", "} + b$$\n")


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (f"{dL('x_{12}')} = {dL('y_{11}')} w_{{12}} + {dL('y_{12}')} w_{{11}}", "right"),
        (f"{dL('x_{12}')} = {dL('y_{11}')} w_{{11}} + {dL('y_{12}')} w_{{12}}", "wrong"),
        (f"{dL('w_{11}')} = \\sum_{{i,j}} {dL('y_{ij}')} x_{{ij}}", "right"),
        # the bias is added to every entry: its gradient is the sum of the output's
        (f"{dL('b')} = {dL('y_{11}')} + {dL('y_{12}')} + {dL('y_{21}')} + {dL('y_{22}')}",
         "right"),
        (f"{dL('b')} = \\sum_{{i,j}} {dL('y_{ij}')}", "right"),
        (f"{dL('b')} = {dL('y_{11}')}", "wrong"),
        ("\\frac{\\partial y_{21}}{\\partial b} = 1", "right"),
    ],
)  # fmt: skip
def test_a_bias_added_to_every_entry_changes_no_gradient_of_the_operands(
    statement: str, expected: str
) -> None:
    doc = WITH_BIAS + "By the chain rule,\n\n$$" + statement + "$$\n"
    line = len(doc.splitlines())
    judged = [j for j in check_text(doc).judgements if j.claim.line == line]
    assert [j.verdict for j in judged] == [expected], [j.message for j in judged]


def test_a_bias_that_differs_from_entry_to_entry_makes_no_map() -> None:
    doc = ENTRY_BY_ENTRY.replace("}$$\n", "} + b$$\n", 3).replace("}$$\n", "} + c$$\n", 1)
    doc += f"$${dL('x_{12}')} = {dL('y_{11}')} w_{{12}} + {dL('y_{12}')} w_{{11}}$$\n"
    line = len(doc.splitlines())
    assert [j.verdict for j in check_text(doc).judgements if j.claim.line == line] == ["unverified"]


def test_the_input_gradient_as_a_convolution_is_judged_against_a_map_with_a_bias() -> None:
    error = [[0, 0, 0, 0], [0, "11", "12", 0], [0, "21", "22", 0], [0, 0, 0, 0]]
    padded = [[dL(f"y_{{{e}}}") if e else "0" for e in row] for row in error]
    rotated = matrix([["w_{22}", "w_{21}"], ["w_{12}", "w_{11}"]])
    # transposed: the gradient neither for a cross-correlation nor for a true convolution
    transposed = matrix([["w_{11}", "w_{21}"], ["w_{12}", "w_{22}"]])
    for kernel, expected in ((rotated, "right"), (transposed, "unverified")):
        doc = (
            WITH_BIAS
            + f"so $$\\frac{{\\partial L}}{{\\partial x}} = {matrix(padded)} * {kernel}$$\n"
        )
        found = {j.verdict for j in check_text(doc).judgements if j.claim.line > 8}
        assert found == {expected}, found


def test_a_map_with_a_bias_is_not_linear_in_its_input() -> None:
    doc = WITH_BIAS + "Flattened,\n\n$$y = C x$$\n"
    line = len(doc.splitlines())
    assert all(j.verdict != "right" for j in check_text(doc).judgements if j.claim.line == line)


# -- an output's gradient under a name of the document's (δ_{ij} = ∂J/∂z_{ij}) ------------------

NAMED_ERROR = (
    ENTRY_BY_ENTRY
    + "Let $$\\delta_{ij} = \\frac{\\partial J}{\\partial y_{ij}}$$\n\n"
    + "The gradients are\n\n"
)
TWO_BY_TWO = (
    "\\begin{pmatrix} \\delta_{11} & \\delta_{12} \\\\ \\delta_{21} & \\delta_{22} \\end{pmatrix}"
)
X_WRITTEN = (
    "\\begin{pmatrix} x_{11} & x_{12} & x_{13} \\\\ x_{21} & x_{22} & x_{23} \\\\ "
    "x_{31} & x_{32} & x_{33} \\end{pmatrix}"
)


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("\\frac{\\partial J}{\\partial x_{12}} = \\delta_{11}w_{12} + \\delta_{12}w_{11}",
         "right"),
        ("\\frac{\\partial J}{\\partial x_{12}} = \\delta_{11}w_{11} + \\delta_{12}w_{12}",
         "wrong"),
        ("\\frac{\\partial J}{\\partial w_{22}} = \\delta_{11}x_{22} + \\delta_{12}x_{23} + "
         "\\delta_{21}x_{32} + \\delta_{22}x_{33}", "right"),
        (f"\\frac{{\\partial J}}{{\\partial W}} = {X_WRITTEN} * {TWO_BY_TWO}", "right"),
        # the convolution is ∂J/∂w, but the line calls it ∂J/∂x
        (f"\\frac{{\\partial J}}{{\\partial X}} = {X_WRITTEN} * {TWO_BY_TWO}", "unverified"),
    ],
)  # fmt: skip
def test_an_outputs_gradient_named_by_the_document_is_read_as_that_gradient(
    statement: str, expected: str
) -> None:
    doc = NAMED_ERROR + "$$" + statement + "$$\n"
    line = len(doc.splitlines())
    judged = [j for j in check_text(doc).judgements if j.claim.line == line]
    assert [j.verdict for j in judged] == [expected], [j.message for j in judged]


# -- X * W + b = Y after words that say what * is ------------------------------------------------

W_WRITTEN = "\\begin{pmatrix} w_{11} & w_{12} \\\\ w_{21} & w_{22} \\end{pmatrix}"
Y_WRITTEN = "\\begin{pmatrix} y_{11} & y_{12} \\\\ y_{21} & y_{22} \\end{pmatrix}"


def declared_operation(words: str, bias: str = "") -> str:
    return (
        f"Take a 3x3 input and a 2x2 kernel. {words}\n\n"
        f"$$\n{X_WRITTEN}\n*\n{W_WRITTEN}\n{bias}=\n{Y_WRITTEN}\n$$\n\n"
    )


CORRELATION_SAID = "Here $*$ denotes cross-correlation (what libraries call convolution)."
Y11 = "y_{11} = x_{11}w_{11} + x_{12}w_{12} + x_{21}w_{21} + x_{22}w_{22}"
Y12 = "y_{12} = x_{12}w_{11} + x_{13}w_{12} + x_{22}w_{21} + x_{23}w_{22}"
DX22 = (
    "\\frac{\\partial L}{\\partial x_{22}} = \\frac{\\partial L}{\\partial y_{11}} w_{22} + "
    "\\frac{\\partial L}{\\partial y_{12}} w_{21} + \\frac{\\partial L}{\\partial y_{21}} w_{12} + "
    "\\frac{\\partial L}{\\partial y_{22}} w_{11}"
)
DX22_UNFLIPPED = (
    "\\frac{\\partial L}{\\partial x_{22}} = \\frac{\\partial L}{\\partial y_{11}} w_{11} + "
    "\\frac{\\partial L}{\\partial y_{12}} w_{12} + \\frac{\\partial L}{\\partial y_{21}} w_{21} + "
    "\\frac{\\partial L}{\\partial y_{22}} w_{22}"
)
DW11 = (
    "\\frac{\\partial L}{\\partial w_{11}} = \\frac{\\partial L}{\\partial y_{11}} x_{11} + "
    "\\frac{\\partial L}{\\partial y_{12}} x_{12} + \\frac{\\partial L}{\\partial y_{21}} x_{21} + "
    "\\frac{\\partial L}{\\partial y_{22}} x_{22}"
)


def last_verdict(doc: str) -> list[str]:
    line = len(doc.splitlines())
    return [j.verdict for j in check_text(doc).judgements if j.claim.line == line]


@pytest.mark.parametrize(
    ("words", "statement", "expected"),
    [
        (CORRELATION_SAID, DX22, "right"),
        (CORRELATION_SAID, DX22_UNFLIPPED, "wrong"),
        (CORRELATION_SAID, DW11, "right"),
        ("In what follows `*` is correlation, not a mathematical convolution.", DW11, "right"),
        # a true convolution flips the kernel: the same line is then wrong
        ("Here $*$ is the true (mathematical) convolution, the kernel flipped.", DW11, "wrong"),
        # "convolution" alone: which one is not said, so no map
        ("where $*$ is the (valid) convolution", DW11, "unverified"),
        # nothing said: a product or a convolution
        ("Then:", DW11, "unverified"),
    ],
)
def test_an_operation_after_words_that_say_what_star_is_defines_the_map(
    words: str, statement: str, expected: str
) -> None:
    # the entries are written only in part ("and so on"): the map is the operation's
    doc = (
        declared_operation(words) + f"so $${Y11}$$\n\n$${Y12}$$\n\nand so on.\n\n$${statement}$$\n"
    )
    assert last_verdict(doc) == [expected]


def test_entries_restated_after_the_declared_operation_are_judged_against_it() -> None:
    doc = declared_operation(CORRELATION_SAID, "+ b ") + f"$${Y11} + b$$\n\n$${Y12}$$\n"
    judged = verdict_lines(doc)
    first, second = lines_of(doc, "y_{11} = x", "y_{12} = x")
    assert judged[first] == "right"
    # the bias left out of the restated entry: not called wrong
    assert judged.get(second, "unverified") == "unverified"
    wrong_entry = Y12.replace("x_{23}w_{22}", "x_{33}w_{22}")
    doc = declared_operation(CORRELATION_SAID) + f"$${wrong_entry}$$\n"
    assert last_verdict(doc) == ["wrong"]


def test_entries_written_in_part_are_no_map() -> None:
    # y_{11}, y_{12} of the 2×2 y the display writes: the gradient lines depend on unwritten
    # entries, so they are not judged (the true ones were called wrong)
    doc = declared_operation("Then:") + f"$${Y11}$$\n\n$${Y12}$$\n\n$${DW11}$$\n"
    assert last_verdict(doc) == ["unverified"]
    doc = (
        "The first entries are\n\n"
        f"$${Y11}$$\n\n$${Y12}$$\n\n$$\\dots$$\n\n"
        "$$\\frac{\\partial L}{\\partial x_{22}} = \\frac{\\partial L}{\\partial y_{11}} w_{22} + "
        "\\frac{\\partial L}{\\partial y_{12}} w_{21}$$\n"
    )
    assert last_verdict(doc) != ["right"]


# -- a read past the kernel's edge, when the document says such entries are zero ---------------

ALL_ENTRIES = declared_operation(CORRELATION_SAID) + "".join(
    f"$$y_{{{r}{c}}} = "
    + " + ".join(f"x_{{{r + i}{c + j}}}w_{{{i + 1}{j + 1}}}" for i in range(2) for j in range(2))
    + "$$\n\n"
    for r in (1, 2)
    for c in (1, 2)
)
CORNER = (
    "\\frac{{\\partial L}}{{\\partial x_{{33}}}} = \\sum_{{i,j}} \\frac{{\\partial L}}"
    "{{\\partial y_{{ij}}}} w_{{{0}-i,{0}-j}}"
)


@pytest.mark.parametrize(
    ("words", "shift", "expected"),
    [
        ("Take $w_{kl} = 0$ for indices outside the kernel.", 4, "right"),
        ("Take $w_{kl} = 0$ for indices outside the kernel.", 3, "wrong"),
        # nothing said of entries past the edge: w_{3,3} is no entry the map knows
        ("The corner is", 4, "unverified"),
        ("Out-of-range entries are not zero here.", 4, "unverified"),
    ],
)
def test_reads_past_the_kernel_are_zero_when_the_document_says_so(
    words: str, shift: int, expected: str
) -> None:
    doc = ALL_ENTRIES + f"{words}\n\n$${CORNER.format(shift)}$$\n"
    assert last_verdict(doc) == [expected]


def test_the_declared_operation_itself_is_read_as_a_definition() -> None:
    doc = declared_operation(CORRELATION_SAID)
    (judgement,) = [j for j in check_text(doc).judgements if j.claim.line == 4]
    assert judgement.verdict == "unverified"
    assert "defines them" in judgement.message


def test_a_declared_operation_of_matrices_between_bars_is_still_the_map() -> None:
    # the words say * is a cross-correlation of tensors: |X| * |W| are no determinants there
    doc = declared_operation(CORRELATION_SAID).replace("pmatrix", "vmatrix")
    doc += f"$${DW11}$$\n"
    assert last_verdict(doc) == ["right"]
    doc = declared_operation("Then:").replace("pmatrix", "vmatrix") + f"$${DW11}$$\n"
    assert last_verdict(doc) == ["unverified"]
