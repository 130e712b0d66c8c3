"""Problem context: headings mapped to parts, answers judged against the catalog's Derivations.

The documents here are written in the styles people use (Markdown headings, ``(2)`` paragraphs,
Chinese headings, numbered lists, LaTeX sections, plain-text answers) with planted mistakes. The
problem-context layer is tested alone (no context-free claims), so every verdict below is its own.
Expected values that the witnesses show are recomputed here with plain Python integers.
"""

from __future__ import annotations

import pytest
import sympy as sp

from symconv.check.against import load_problem_set
from symconv.check.documents import Document
from symconv.check.equality import decide_equal, family_member, scale_between, search_points
from symconv.check.headings import Label, find_markers, heading_label, map_parts
from symconv.check.model import Judgement, Report
from symconv.check.runner import check_document
from symconv.errors import ParseError


def problem_context(doc: str, against: str, kind: str = "md") -> Report:
    """The report with only the problem context's judgements."""
    document = Document.from_text(doc, f"solution.{kind}", kind)
    return check_document(document, against=against, judge_claims=lambda *args: [])


def answers(report: Report) -> list[Judgement]:
    return [j for j in report.judgements if j.claim.kind == "answer"]


def verdicts(report: Report) -> list[tuple[int, str | None, str]]:
    return [(j.claim.line, j.claim.part, j.verdict) for j in answers(report)]


def naive_correlate(x: list[list[int]], w: list[list[int]]) -> list[list[int]]:
    """Valid cross-correlation with loops (no symconv)."""
    rows, cols = len(x) - len(w) + 1, len(x[0]) - len(w[0]) + 1
    return [
        [
            sum(w[a][b] * x[i + a][j + b] for a in range(len(w)) for b in range(len(w[0])))
            for j in range(cols)
        ]
        for i in range(rows)
    ]


NYU_X = [[0, 0, 0, 0, 0], [0, 3, 3, 3, 0], [0, 3, 3, 3, 0], [0, 3, 2, 3, 0], [0, 3, 2, 3, 0],
         [0, 0, 0, 0, 0]]  # fmt: skip
NYU_W = [[1, -1], [1, -1]]


# ----------------------------------------------------------------------------------------------
# Headings
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("heading", "tokens", "relative"),
    [
        ("## 习题 5-4", ("5", "4"), False),
        ("Exercise 5-4", ("5", "4"), False),
        ("5-4", ("5", "4"), False),
        ("Exercise 5.4: complexity", ("5", "4"), False),
        ("3", ("3",), False),
        ("3. Complexity and number of parameters", ("3",), False),
        ("(b)", ("b",), True),
        ("Problem 2(c)", ("2", "c"), False),
        ("Problem 2 (c):", ("2", "c"), False),
        ("Q3(a)", ("3", "a"), False),
        ("第3题", ("3",), False),
        ("习题5-4\uff081\uff09", ("5", "4", "1"), False),  # full-width (1)
        ("Part (b)", ("b",), True),
        ("Part b", ("b",), True),
        ("(ii)", ("ii",), True),
        ("a)", ("a",), True),
        ("2c", ("2", "c"), False),
        ("Problem d2", ("d", "2"), False),
        ("fd-d2", ("fd", "d", "2"), False),
        ("nyu-cnn-2c", ("nyu", "cnn", "2", "c"), False),
        ("**Problem 3**", ("3",), False),
    ],
)
def test_heading_labels(heading: str, tokens: tuple[str, ...], relative: bool) -> None:
    assert heading_label(heading) == Label(tokens, relative)


@pytest.mark.parametrize(
    "heading",
    ["Chapter 5 exercises", "Extra: activations and losses", "Solution", "Summary 2",
     "Homework 10", "# CNN problem set — solutions"],
)  # fmt: skip
def test_titles_name_no_part(heading: str) -> None:
    assert heading_label(heading) is None


def regions(doc: str, against: str, kind: str = "md") -> list[tuple[int, int, str | None]]:
    document = Document.from_text(doc, f"x.{kind}", kind)
    part_map = map_parts(
        find_markers(document.segments), load_problem_set(against), document.last_line
    )
    return [(r.line, r.end_line, r.part) for r in part_map.regions]


def test_exercise_headings_then_sub_part_headings() -> None:
    doc = "# Title\n## 3\n### (b)\nx\n### (d)\ny\n## 5\n### (c)\nz\n"
    assert regions(doc, "nyu-cnn") == [
        (1, 1, None),
        (2, 2, None),
        (3, 4, "nyu-cnn-3b"),
        (5, 6, "nyu-cnn-3d"),
        (7, 7, None),
        (8, 9, "nyu-cnn-5c"),
    ]


def test_paragraph_markers_map_to_dotted_parts_in_nndl_and_letters_in_nyu() -> None:
    nndl = "## 习题 5-4\n\n(1) time: $1$\n\n\uff082\uff09time: $2$\n"  # full-width (2)
    assert [r[2] for r in regions(nndl, "nndl-5")] == [None, "nndl-5-4.1", "nndl-5-4.2"]
    nyu = "## Problem 3\n\n(2) channels\n\n(iv) parameters\n"
    assert [r[2] for r in regions(nyu, "nyu-cnn")] == [None, "nyu-cnn-3b", "nyu-cnn-3d"]


def test_direct_part_labels_numbered_lists_and_latex_sections() -> None:
    assert [r[2] for r in regions("## Problem 2(c)\nx\n", "nyu-cnn")] == ["nyu-cnn-2c"]
    listed = "1. shapes\n   a) first\n   b) second\n2. conv\n"
    assert [r[2] for r in regions(listed, "nyu-cnn")] == [None, "nyu-cnn-1a", "nyu-cnn-1b", None]
    tex = "\\section*{Exercise 5-4}\n\\textbf{(2)} the second part\n\\section*{Exercise 5-8}\n"
    assert [r[2] for r in regions(tex, "nndl-5", "tex")] == [None, "nndl-5-4.2", "nndl-5-8"]


def test_a_top_level_lettered_heading_heads_an_exercise_of_a_lettered_set() -> None:
    doc = "## Problem d2\nx\n## (e)\ny\n"
    assert [r[2] for r in regions(doc, "fd")] == ["fd-d2", "fd-e"]


def test_bold_markers_of_one_level_are_siblings() -> None:
    doc = "**(a)** x\n\n**(c)** y\n\n**(d1)** z\n"
    assert [r[2] for r in regions(doc, "fd")] == ["fd-a", "fd-c", "fd-d1"]
    nested = "## 3\n**(b)** channels\n\n**(d)** parameters\n"
    assert [r[2] for r in regions(nested, "nyu-cnn")] == [None, "nyu-cnn-3b", "nyu-cnn-3d"]


def test_headings_that_name_no_part_are_unmatched_and_titles_end_an_exercise() -> None:
    doc = "## 5-8\n$P = 1$\n## Exercise 9\n$1 + 1 = 2$\n## Extra\n$x = 1$\n"
    document = Document.from_text(doc, "x.md")
    part_map = map_parts(find_markers(document.segments), load_problem_set("nndl-5"), 6)
    assert [(r.part, r.matched) for r in part_map.regions] == [
        ("nndl-5-8", True),
        (None, False),
        (None, False),
    ]


# ----------------------------------------------------------------------------------------------
# Shapes, layouts, symbolic shapes
# ----------------------------------------------------------------------------------------------
def test_shapes_channels_last_and_channels_first_with_named_axes() -> None:
    doc = (
        "## 1\n(a) (100, 256, 256, 3)\n\n(b) (N, C, T) = (40, 80, 2400)\n\n"
        "(c) $32 \\times 300 \\times 512 \\times 3 \\times 512$\n"
    )
    report = problem_context(doc, "nyu-cnn")
    first, second, third = answers(report)
    assert first.verdict == "right"
    assert first.claim.facts.convention == (
        "axes in the order images × height × width × colour channels"
    )
    assert second.verdict == "right"
    assert second.claim.facts.convention == "channels first (N, C, samples), axes named"
    assert second.warnings == ()
    assert third.verdict == "wrong" and third.claim.line == 6


def test_channels_first_without_named_axes_is_right_with_a_warning() -> None:
    report = problem_context("## 1\n(a) (100, 3, 256, 256)\n", "nyu-cnn")
    (judgement,) = answers(report)
    assert judgement.verdict == "right"
    assert judgement.warnings == ("name the axes: this order is right only with the axes named",)


def test_a_shape_right_only_when_s_divides_n_is_wrong_with_a_witness() -> None:
    doc = "## 5\n(c) Both outputs have shape $(B, \\lfloor N/s \\rfloor, C)$.\n"
    (judgement,) = answers(problem_context(doc, "nyu-cnn"))
    assert judgement.verdict == "wrong"
    assert judgement.diagnosis is not None and judgement.diagnosis.startswith("⌊N/s⌋ instead of")
    assert judgement.witness == "at N = 5, s = 2: this gives 2, the answer is 3"
    # the witness, recomputed: samples 0, 2, 4 are kept (3 of them), ⌊5/2⌋ = 2
    assert len(range(0, 5, 2)) == 3 and 5 // 2 == 2
    # and the problem's own data (N = 8, s = 2) cannot tell them apart
    assert len(range(0, 8, 2)) == 8 // 2


@pytest.mark.parametrize(
    "written",
    ["(B, \\lceil N/s \\rceil, C)", "(B, \\lfloor (N-1)/s \\rfloor + 1, C)"],
)
def test_equivalent_forms_of_the_pooled_shape_are_right(written: str) -> None:
    (judgement,) = answers(problem_context(f"## 5\n(c) shape ${written}$\n", "nyu-cnn"))
    assert judgement.verdict == "right"


# ----------------------------------------------------------------------------------------------
# Values and locations on the exercise's data
# ----------------------------------------------------------------------------------------------
def test_locations_any_location_the_misreading_and_claims_evaluated_on_the_data() -> None:
    z = naive_correlate(NYU_X, NYU_W)
    doc = (
        "## 2\n"
        "### (c)\nThe largest value is 6, at (3, 3).\n"
        "### (d)\n$Z[2,2] = -1$\n"
        "### (e)\n$Z[0, 3] = 0$\n"
    )
    report = problem_context(doc, "nyu-cnn")
    by_part = {j.claim.part: j for j in answers(report)}
    assert z[3][3] == 6 and by_part["nyu-cnn-2c"].verdict == "right"
    assert by_part["nyu-cnn-2c"].claim.facts.convention == "any location where the value occurs"
    assert z[2][2] == -1 and by_part["nyu-cnn-2d"].verdict == "wrong"
    assert "most negative" in (by_part["nyu-cnn-2d"].diagnosis or "")
    assert by_part["nyu-cnn-2e"].verdict == "wrong"
    assert by_part["nyu-cnn-2e"].witness == f"Z[0, 3] = {z[0][3]}" == "Z[0, 3] = 3"


def test_a_claim_about_the_data_outside_the_answer_is_evaluated_too() -> None:
    z = naive_correlate(NYU_X, NYU_W)
    doc = "## 2\n### (c)\nNote $Z[1, 0] = 6$ and the largest is $Z[1, 3] = 6$.\n"
    report = problem_context(doc, "nyu-cnn")
    facts = [j for j in report.judgements if j.claim.kind == "value"]
    assert [(j.claim.text, j.verdict, j.witness) for j in facts] == [
        ("Z[1, 0] = 6", "wrong", f"Z[1, 0] = {z[1][0]}")
    ]
    assert z[1][3] == 6 and answers(report)[0].verdict == "right"


def test_an_index_outside_the_data_is_wrong() -> None:
    report = problem_context("## 2\n### (e)\n$Z[7, 0] = 0$\n", "nyu-cnn")
    (judgement,) = answers(report)
    assert judgement.verdict == "wrong"


# ----------------------------------------------------------------------------------------------
# Numbers: misconceptions, arithmetic slips, error carried forward
# ----------------------------------------------------------------------------------------------
def test_numbers_with_known_misreadings() -> None:
    doc = "## 3\n### (d)\n$3 \\cdot 3 \\cdot 10 \\cdot 20 = 1800$ parameters.\n"
    (judgement,) = answers(problem_context(doc, "nyu-cnn"))
    assert (judgement.verdict, judgement.diagnosis) == ("wrong", "bias omitted")
    assert judgement.expected_latex == "1820"
    old = "## 3\n### (d)\n$3 \\times 3 \\times 20 \\times 10 + 10 = 1810$\n"
    (judgement,) = answers(problem_context(old, "nyu-cnn"))
    assert judgement.diagnosis == "old version of the problem with W of shape (3,3,20,10)"


def test_a_right_expression_with_a_wrong_value_is_an_arithmetic_slip() -> None:
    doc = "## 3\n### (d)\n$3 \\times 3 \\times 10 \\times 20 + 20 = 1830$\n"
    (judgement,) = answers(problem_context(doc, "nyu-cnn"))
    assert judgement.verdict == "wrong"
    assert judgement.diagnosis == "arithmetic slip: the expression is right, its value is not"
    assert 3 * 3 * 10 * 20 + 20 == 1820


def test_plain_text_numbers_answer_a_part() -> None:
    report = problem_context(
        "## 3\n### (b)\n10 input channels and 20 output channels.\n", "nyu-cnn"
    )
    assert [j.verdict for j in answers(report)] == ["right", "right"]
    swapped = problem_context("## 3\n### (b)\n20 input channels, 10 output channels.\n", "nyu-cnn")
    assert [j.verdict for j in answers(swapped)] == ["wrong", "wrong"]


def test_an_answer_computed_from_an_earlier_wrong_answer_is_an_error_carried_forward() -> None:
    doc = (
        "## 3\n### (a)\n$Z$ has shape $46 \\times 62 \\times 10$.\n"
        "### (c)\n$46 \\times 62 \\times 10 \\times 3 \\times 3 \\times 10 = 2566800$\n"
    )
    report = problem_context(doc, "nyu-cnn")
    shape, count = answers(report)
    assert shape.verdict == "wrong" and count.verdict == "wrong"
    assert count.diagnosis == "error carried forward from nyu-cnn-3a (line 3)"
    assert 46 * 62 * 20 * 3 * 3 * 10 == 5133600  # the answer, with the 20 channels restored


# ----------------------------------------------------------------------------------------------
# Index formulas
# ----------------------------------------------------------------------------------------------
def test_index_formulas_right_wrong_with_a_witness_and_layouts_mapped() -> None:
    doc = (
        "## 4\n"
        "(b) $$\\frac{\\partial J}{\\partial W[m,n,k_1,k_2]} = \\sum_{i,j_1,j_2} "
        "\\frac{\\partial J}{\\partial Z[i,j_1,j_2,m]} X[i, j_1+k_1, j_2+k_2, n]$$\n\n"
        "$$\\frac{\\partial J}{\\partial b[m]} = \\sum_{j_1,j_2} \\frac{\\partial J}"
        "{\\partial Z[i,j_1,j_2,m]}$$\n\n"
        "(c) $$\\frac{\\partial J}{\\partial X[i,j_1,j_2,n]} = \\sum_{k_1,k_2,m} "
        "\\frac{\\partial J}{\\partial Z[i,j_1+k_1,j_2+k_2,m]} W[k_1,k_2,n,m]$$\n"
    )
    report = problem_context(doc, "nyu-cnn")
    by_part = {j.claim.part: j for j in answers(report)}
    assert by_part["nyu-cnn-4b"].verdict == "right"
    assert "∂J/∂W[m, n, k_1, k_2]" in by_part["nyu-cnn-4b"].claim.facts.convention
    assert by_part["nyu-cnn-4d"].verdict == "wrong"  # db under (b), with the sum over i missing
    assert "missing sum over i" in (by_part["nyu-cnn-4d"].diagnosis or "")
    wrong = by_part["nyu-cnn-4c"]
    assert wrong.verdict == "wrong" and wrong.witness and wrong.witness.startswith("at sizes")


# ----------------------------------------------------------------------------------------------
# Matrices: conv matrix, stencil families, scale, negation
# ----------------------------------------------------------------------------------------------
CONV_ROWS = [
    "w_{11} & w_{12} & 0 & w_{21} & w_{22} & 0 & 0 & 0 & 0",
    "0 & w_{11} & w_{12} & 0 & w_{21} & w_{22} & 0 & 0 & 0",
    "0 & 0 & 0 & w_{11} & w_{12} & 0 & w_{21} & w_{22} & 0",
    "0 & 0 & 0 & 0 & w_{11} & w_{12} & 0 & w_{21} & w_{22}",
]


def conv_matrix_doc(rows: list[str]) -> str:
    body = " \\\\\n".join(rows)
    return f"## 5-5\n\n$$C = \\begin{{bmatrix}}\n{body}\n\\end{{bmatrix}}$$\n"


def test_the_conv_matrix_right_and_with_a_swapped_row() -> None:
    (judgement,) = answers(problem_context(conv_matrix_doc(CONV_ROWS), "nndl-5"))
    assert judgement.verdict == "right"
    swapped = [*CONV_ROWS[:3], "0 & 0 & 0 & 0 & w_{12} & w_{11} & 0 & w_{21} & w_{22}"]
    (judgement,) = answers(problem_context(conv_matrix_doc(swapped), "nndl-5"))
    assert judgement.verdict == "wrong"
    assert judgement.claim.line == 7  # the line of row 4
    # row 4 of (C' − C) x = (w12 − w11) x22 + (w11 − w12) x23
    w11, w12, x22, x23 = sp.symbols("w_{11} w_{12} x_{22} x_{23}")
    difference = (w12 - w11) * x22 + (w11 - w12) * x23
    assert judgement.witness == f"row 4 of (C_written − C) x is {sp.factor(difference)}, not 0"


def kernel_doc(heading: str, matrix: str, words: str = "") -> str:
    return f"## {heading}\n\n{words}\n$$w = \\begin{{bmatrix}} {matrix} \\end{{bmatrix}}$$\n"


def test_members_of_a_stencil_family_are_right_with_the_parameter_solved_exactly() -> None:
    isotropic = "1/6 & 2/3 & 1/6 \\\\ 2/3 & -10/3 & 2/3 \\\\ 1/6 & 2/3 & 1/6"
    (judgement,) = answers(problem_context(kernel_doc("d2", isotropic), "fd"))
    assert judgement.verdict == "right" and "w = 1/12" in judgement.message
    member = "1/10 & 4/5 & 1/10 \\\\ 4/5 & -18/5 & 4/5 \\\\ 1/10 & 4/5 & 1/10"
    (judgement,) = answers(problem_context(kernel_doc("d2", member), "fd"))
    assert judgement.verdict == "right" and "w = 1/20" in judgement.message
    # a family member has weights 2w, 1 − 4w, 8w − 4: at w = 1/20 these are the written ones
    w = sp.Rational(1, 20)
    assert (2 * w, 1 - 4 * w, 8 * w - 4) == (
        sp.Rational(1, 10),
        sp.Rational(4, 5),
        sp.Rational(-18, 5),
    )
    not_member = "1/10 & 3/5 & 1/10 \\\\ 3/5 & -14/5 & 3/5 \\\\ 1/10 & 3/5 & 1/10"
    (judgement,) = answers(problem_context(kernel_doc("d2", not_member), "fd"))
    assert judgement.verdict == "wrong"


def test_a_scaled_laplacian_needs_its_scale_stated_and_a_non_laplacian_is_wrong() -> None:
    scaled = "1 & 1 & 1 \\\\ 1 & -8 & 1 \\\\ 1 & 1 & 1"
    silent = problem_context(kernel_doc("5-1\n(2)", scaled), "nndl-5")
    assert [j.verdict for j in answers(silent)] == ["wrong"]
    assert "scale" in (answers(silent)[0].diagnosis or "")
    stated = problem_context(kernel_doc("5-1\n(2)", scaled, "This is $3h^2\\nabla^2$:"), "nndl-5")
    assert [j.verdict for j in answers(stated)] == ["right"]
    corners = "1 & 1 & 1 \\\\ 1 & -4 & 1 \\\\ 1 & 1 & 1"
    (judgement,) = answers(problem_context(kernel_doc("5-1\n(2)", corners), "nndl-5"))
    assert judgement.verdict == "wrong"
    assert judgement.witness == (
        "on f ≡ 1 the kernel gives 4 (the sum of its weights), the operator gives 0"
    )


def test_the_negated_kernel_is_accepted_where_the_set_accepts_it() -> None:
    negated = "0 & -1 & 0 \\\\ -1 & 4 & -1 \\\\ 0 & -1 & 0"
    (judgement,) = answers(problem_context(kernel_doc("5-1\n(2)", negated), "nndl-5"))
    assert judgement.verdict == "right"
    assert judgement.claim.facts.convention == "the negated kernel (−∇²)"
    (flipped,) = answers(
        problem_context(kernel_doc("e", "-1/4 & 0 & 1/4 \\\\ 0 & 0 & 0 \\\\ 1/4 & 0 & -1/4"), "fd")
    )
    assert (flipped.verdict, flipped.diagnosis) == (
        "wrong",
        "one axis's direction flipped (negated kernel)",
    )


# ----------------------------------------------------------------------------------------------
# Expressions, conditions, conventions, parts
# ----------------------------------------------------------------------------------------------
def test_symbolic_answers_right_wrong_with_witness_and_misreading() -> None:
    right = problem_context("## 5-8\nThe padding is $P = \\frac{D(K-1)}{2}$.\n", "nndl-5")
    assert [j.verdict for j in answers(right)] == ["right"]
    wrong = problem_context("## 5-8\n$P = \\frac{(K-1)(1+D)}{2}$\n", "nndl-5")
    (judgement,) = answers(wrong)
    assert judgement.witness == "at D = 2, K = 3: this gives 3, the answer is 2"
    assert ((3 - 1) * (1 + 2)) // 2 == 3 and (2 * (3 - 1)) // 2 == 2
    ignored = problem_context("## 5-8\n$P = (K-1)/2$\n", "nndl-5")
    assert answers(ignored)[0].diagnosis == "dilation ignored: P = (K − 1)/2"
    floor = problem_context("## conv-arith-5\n$o = \\frac{i-k}{s} + 1$\n", "conv-arith")
    assert answers(floor)[0].diagnosis == "floor omitted: exact only when s divides i − k"


def test_a_one_hot_gradient_written_in_words_is_compared_at_every_ordering() -> None:
    right = (
        "## 5-6\n(1) $\\frac{\\partial y}{\\partial x_i} = 1$ if $i = \\arg\\max_j x_j$, "
        "else $0$.\n"
    )
    assert [j.verdict for j in answers(problem_context(right, "nndl-5"))] == ["right"]
    wrong = right.replace("= 1$ if", "= 0$ if").replace("else $0$", "else $1$")
    (judgement,) = answers(problem_context(wrong, "nndl-5"))
    assert judgement.verdict == "wrong" and judgement.witness


def test_space_counted_differently_in_the_two_parts_gets_a_warning() -> None:
    doc = (
        "## 习题 5-4\n\n(1) time $5898240000$, space $590080$ (weights and biases)\n\n"
        "(2) time $1638400000$, space $163840$\n"
    )
    report = problem_context(doc, "nndl-5")
    assert [j.verdict for j in answers(report)] == ["right"] * 4
    assert report.warnings == (
        "nndl-5-4: the parts use different conventions: nndl-5-4.1 (space counted as weights and "
        "biases), nndl-5-4.2 (space counts the weights only); nndl-5-4.2 left out the biases. "
        "Count the same way in every part.",
    )
    consistent = doc.replace("$163840$", "$164160$")
    assert problem_context(consistent, "nndl-5").warnings == ()


def test_unanswered_and_unmatched_parts() -> None:
    doc = "## 5-8\n$P = \\frac{D(K-1)}{2}$\n## Exercise 9\n$P = 3$\n"
    report = problem_context(doc, "nndl-5")
    statuses = {p.id: p.status for p in report.parts}
    assert statuses["nndl-5-8"] == "answered"
    assert statuses["nndl-5-5"] == "unanswered"
    assert report.summary()["unanswered"] == len(statuses) - 1
    assert report.against == "nndl-5"


def test_an_unknown_set_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ParseError, match=r"no such problem set.*nyu-cnn"):
        load_problem_set("nyu")


# ----------------------------------------------------------------------------------------------
# Equality: the witness search
# ----------------------------------------------------------------------------------------------
def test_points_are_distinct_integers_by_sum() -> None:
    a, b, c = sp.symbols("a b c")
    points = [tuple(p.values()) for p in search_points([a, b, c], 8)]
    assert points[:3] == [(2, 3, 4), (2, 4, 3), (3, 2, 4)]
    assert all(len(set(p)) == 3 for p in points)
    assert [sum(p) for p in points] == sorted(sum(p) for p in points)


def test_decide_equal_proves_by_simplification_and_refutes_by_a_point() -> None:
    k = sp.Symbol("k", integer=True, positive=True)
    assert decide_equal(2 * sp.Symbol("k") - 2, 2 * (k - 1)).equal is True
    decision = decide_equal(sp.Symbol("k") ** 2, k * 2)
    assert decision.equal is False and decision.witness == "at k = 3: this gives 9, the answer is 6"
    assert decide_equal(sp.Tuple(1, 2), sp.Tuple(1, 2, 3)).detail == "2 entries where 3 belong"


def test_family_member_and_scale() -> None:
    w = sp.Symbol("w")
    family = sp.Matrix([[2 * w, 1 - 4 * w], [1 - 4 * w, 8 * w - 4]])
    member = family.subs(w, sp.Rational(1, 7))
    assert family_member(sp.ImmutableMatrix(member), sp.ImmutableMatrix(family), (w,)) == {
        w: sp.Rational(1, 7)
    }
    ones = sp.ImmutableMatrix([[1, 1], [1, 1]])
    assert family_member(ones, sp.ImmutableMatrix(family), (w,)) is None
    assert scale_between(sp.Matrix([[3, -6]]), sp.Matrix([[1, -2]])) == 3
    assert scale_between(sp.Matrix([[3, -5]]), sp.Matrix([[1, -2]])) is None
