"""The soundness contract of ``symconv check`` (the docstring of ``symconv/check/__init__.py``),
claim kind by claim kind.

For every kind of claim — arithmetic, algebra, an answer's value, a shape, a matrix, a kernel
family, an index formula, a derivative or approximation — one table row each for: a right claim
confirmed; a wrong claim, wrong with its proof (a witness, or the exact inequality, in the
judgement); and a claim that rests on a guess, unverified with a reason a student can read.
Then the issue's must-show cases: families solve only for declared parameters, and a document
that re-reads a set's conventions answers another question.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import sympy as sp

import derivations
from symconv.check.api import check
from symconv.check.model import AnswerFacts, Judgement
from symconv.check.render import redacted
from symconv.core.derivation import Derivation
from symconv.problems.model import Accepted, Exercise, Part, ProblemSet, Solution


# ----------------------------------------------------------------------------------------------
# The table: one right, one wrong (with its proof), one guess (with its reason) per claim kind
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    """A document, the set it is checked against (None: context-free), the kind of the claim
    judged, and the verdict with the one field that carries its proof or its reason."""

    name: str
    document: str
    against: str | None
    kind: str
    verdict: str
    field: str  # "message" or "witness": where the proof (or the reason) is
    shows: str  # that field, exactly


CONV_ROWS = [
    ["w_{11}", "w_{12}", "0", "w_{21}", "w_{22}", "0", "0", "0", "0"],
    ["0", "w_{11}", "w_{12}", "0", "w_{21}", "w_{22}", "0", "0", "0"],
    ["0", "0", "0", "w_{11}", "w_{12}", "0", "w_{21}", "w_{22}", "0"],
    ["0", "0", "0", "0", "w_{11}", "w_{12}", "0", "w_{21}", "w_{22}"],
]
SWAPPED_ROWS = [*CONV_ROWS[:3], ["0", "0", "0", "0", "w_{12}", "w_{11}", "0", "w_{21}", "w_{22}"]]


def bmatrix(rows: list[list[str]]) -> str:
    return "\\begin{bmatrix}" + " \\\\ ".join(" & ".join(row) for row in rows) + "\\end{bmatrix}"


def kernel_part(heading: str, rows: str) -> str:
    return f"## {heading}\n\n$$w = \\begin{{bmatrix}} {rows} \\end{{bmatrix}}$$\n"


STENCIL = "The stencil: $x''(t) \\approx x(t+1) + x(t-1) - 2x(t)$.\n\n"
MEMBER = "1/10 & 4/5 & 1/10 \\\\ 4/5 & -18/5 & 4/5 \\\\ 1/10 & 4/5 & 1/10"  # fd-d2 at w = 1/20
# weights summing to 0, but two corners differ: no member, nor any multiple of one
NOT_MEMBER = "1/10 & 4/5 & 1/5 \\\\ 4/5 & -18/5 & 4/5 \\\\ 0 & 4/5 & 1/10"
DZ = r"\frac{\partial J}{\partial Z[i, j_{1}, j_{2}, m]}"
DB = r"\frac{\partial J}{\partial b[m]} = "
SUMS = r"\sum_{i=0}^{I-1} \sum_{j_1=0}^{J_1-1} \sum_{j_2=0}^{J_2-1} "
DX = (
    r"\frac{\partial J}{\partial X[i, j_{1}, j_{2}, n]} = \sum_{m=0}^{M-1} \sum_{k_1=0}^{K_1-1} "
    r"\sum_{k_2=0}^{K_2-1} \frac{\partial J}{\partial Z[i, j_{1} - k_{1}, j_{2} - k_{2}, m]} "
    r"W[k_{1}, k_{2}, n, m]"
)

MATRIX23 = "$$w = \\begin{bmatrix} 1 & 2 & 3 \\\\ 4 & 5 & 6 \\end{bmatrix}$$\n\n"

CASES = [
    # arithmetic: exact numbers
    Case("arithmetic right", "$3 \\cdot 4 + 1 = 13$\n", None, "arithmetic", "right", "message",
         "3 \\cdot 4 + 1 = 13"),
    Case("arithmetic wrong", "$3 \\cdot 4 + 1 = 14$\n", None, "arithmetic", "wrong", "message",
         "3 \\cdot 4 + 1 = 13, not 14"),
    Case("arithmetic guess", "$\\frac{1}{0} = 3$\n", None, "arithmetic", "unverified", "message",
         "not verified: neither side could be evaluated to a number"),
    # algebra: identities in symbols
    Case("algebra right", "$(a+b)^2 = a^2 + 2ab + b^2$\n", None, "algebra", "right", "message",
         "the two sides agree for every a, b (exactly, at 30 points)"),
    Case("algebra wrong", "$(a+b)^2 = a^2 + b^2$\n", None, "algebra", "wrong", "witness",
         "a = 1, b = 1: 2 ≠ 4"),
    Case("algebra guess", "$g(x) + 1 = g(x) + 1 + 0 \\cdot x$\n", None, "algebra", "unverified",
         "message", "not verified: g is not defined (a function nothing here says what it is)"),
    # an answer's value, against the set
    Case("answer right", "## 3\n(d) $N = 1820$\n", "nyu-cnn", "answer", "right", "message",
         "1820 is the answer to nyu-cnn-3d"),
    Case("answer wrong", "## 3\n(d) $N = 1830$\n", "nyu-cnn", "answer", "wrong", "witness",
         "1830 ≠ 1820"),
    Case("answer guess", "## conv-arith-1\n$o = \\Gamma(i) - k + 1$\n", "conv-arith", "answer",
         "unverified", "message",
         "could not compare \\Gamma(i) - k + 1 with the answer to conv-arith-1: Gamma is not "
         "defined (a function nothing here says what it is)"),
    # a shape, against the set
    Case("shape right", "## 1\n(a) (100, 256, 256, 3)\n", "nyu-cnn", "answer", "right",
         "message", "(100, 256, 256, 3) is the answer to nyu-cnn-1a"),
    Case("shape wrong", "## 1\n(a) (100, 256, 3, 256)\n", "nyu-cnn", "answer", "wrong",
         "witness", "entry 3: 3 ≠ 256"),
    Case("shape guess", "## 5\n(c) shape $(B, \\Gamma(N), C)$\n", "nyu-cnn", "answer",
         "unverified", "message",
         "could not compare (B, \\Gamma(N), C) with the answer to nyu-cnn-5c: Gamma is not "
         "defined (a function nothing here says what it is)"),
    # a matrix: a conv matrix written by hand
    Case("matrix right", f"$$z = w \\otimes x = {bmatrix(CONV_ROWS)} x$$\n", None, "matrix",
         "right", "message", "the conv matrix of a 3×3 input and a 2×2 kernel"),
    Case("matrix wrong", f"$$z = w \\otimes x = {bmatrix(SWAPPED_ROWS)} x$$\n", None, "matrix",
         "wrong", "witness",
         "row 4 of (C − C')x = (w_{11} - w_{12})·(x_{22} - x_{23}), where C is the conv matrix "
         "and C' yours"),
    Case("matrix guess", "$$z = w \\otimes x = " + bmatrix([["a", "b"], ["c", "d"]]) + " x$$\n",
         None, "matrix", "unverified", "message",
         "not verified: the matrix's entries do not name the kernel w as w_{ij}"),
    # a kernel family: fd-d2's 3×3 Laplacians, and a kernel after the stencil it writes
    Case("family right", kernel_part("d2", MEMBER), "fd", "answer", "right", "message",
         "the matrix is the answer to fd-d2 (the member w = 1/20)"),
    Case("family wrong", kernel_part("d2", NOT_MEMBER), "fd", "answer", "wrong", "witness",
         "entry (1, 1) needs w = 1/20, entry (1, 3) needs w = 1/10: no w gives both"),
    Case("kernel guess", STENCIL + "As a kernel, $w = " + bmatrix([["a", "-2a", "a"]]) + "$.\n",
         None, "matrix", "unverified", "message",
         "not verified: the kernel carries the factor a, and nothing says what a is: it is the "
         "stencil of line 1 only for one value of it"),
    # an index formula, against the set (nyu-cnn-4)
    Case("index formula right", f"## 4(d)\n\n${DB}{SUMS}{DZ}$\n", "nyu-cnn", "answer", "right",
         "message", ""),  # checked below: equal at every entry in trials of random sizes
    Case("index formula wrong",
         f"## 4(d)\n\n${DB}{SUMS.replace('I-1', 'I-2')}{DZ}$\n", "nyu-cnn", "answer", "wrong",
         "witness", ""),  # the witness is checked below: a point of sizes where they differ
    Case("index formula guess", f"## 4(c)\n\n${DX.replace('K_1-1}', 'Q-1}')}$\n", "nyu-cnn",
         "answer", "unverified", "message", ""),  # checked below: Q is not a size
    # a derivative, an approximation
    Case("derivative right", "Let $f(x) = x^2 e^{x}$. Then $f'(x) = (2x + x^2) e^{x}$.\n", None,
         "derivative", "right", "message",
         "the derivative, computed, agrees with the right side at 12 points"),
    Case("derivative wrong", "Let $f(x) = x^2 e^{x}$. Then $f'(x) = 2x e^{x}$.\n", None,
         "derivative", "wrong", "witness", "x = 1: 5.43656 ≠ 8.15485"),
    Case("derivative guess", "$g'(x) = 2x$\n", None, "derivative", "unverified", "message",
         "not verified: g is not defined"),
    Case("approximation right", "$f(x+h) \\approx f(x) + h f'(x) + O(h^2)$\n", None,
         "approximation", "right", "message", "the expansions in h agree below O(h^2)"),
    Case("approximation wrong", "$f(x+h) \\approx f(x) + 2 h f'(x) + O(h^2)$\n", None,
         "approximation", "wrong", "witness", "coefficient of h: 2·h·f'(x) ≠ h·f'(x)"),
    # an update rule: the gradient-descent step
    Case("update right", "$$w \\leftarrow w - \\eta \\frac{\\partial L}{\\partial w}$$\n", None,
         "update", "right", "message",
         "the gradient-descent step: w minus the step η times the derivative of L with respect "
         "to w"),
    Case("update wrong", "We minimise $L$.\n\n$$w \\leftarrow w + \\eta \\frac{\\partial L}"
         "{\\partial w}$$\n", None, "update", "wrong", "witness",
         "L = w²/2 from w = 1 with η = 1/2: the step gives w = 3/2, and L grows from 1/2 to 9/8"),
    Case("update guess", "$$w \\leftarrow w - \\eta \\nabla L$$\n", None, "update",
         "unverified", "message",
         "not verified: ∇L does not say with respect to what, or at which point: write ∇_w L or "
         "∇L(w)"),
    # the shape of array code, by NumPy's rules
    Case("array shape right", f"{MATRIX23}Then $w.T$ has shape $(3, 2)$.\n", None, "shape",
         "right", "message", "w.T has shape (3, 2) (w (2, 3) (written on line 1)), as stated here"),
    Case("array shape wrong", f"{MATRIX23}Then $w.T$ has shape $(2, 3)$.\n", None, "shape",
         "wrong", "witness", "axis 1: 3 ≠ 2"),
    Case("array shape guess", f"{MATRIX23}Then $trans(w)$ has shape $(3, 2)$.\n", None, "shape",
         "unverified", "message",
         "not verified: the shape of trans(w) (trans is a function the document does not "
         "define) is not known here"),
]  # fmt: skip


def judged(case: Case) -> Judgement:
    report = check(case.document, against=case.against) if case.against else check(case.document)
    (judgement,) = [j for j in report.judgements if j.claim.kind == case.kind]
    return judgement


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_claim_kind_is_right_wrong_with_a_proof_or_unverified_with_a_reason(case: Case):
    judgement = judged(case)
    assert judgement.verdict == case.verdict, judgement.message
    if case.shows:
        assert getattr(judgement, case.field) == case.shows
    if case.verdict == "wrong":
        # the proof: a witness, or the exact inequality in the message
        assert judgement.witness or "not " in judgement.message
    if case.verdict == "unverified":
        assert judgement.message.strip() and judgement.witness is None


def test_the_index_formula_cases_carry_their_proof_and_their_reason():
    by_name = {case.name: case for case in CASES}
    wrong = judged(by_name["index formula wrong"])
    assert wrong.witness is not None and wrong.witness.startswith("at sizes")
    right = judged(by_name["index formula right"])
    assert right.message.startswith("the formula is the answer to nyu-cnn-4d (equal at every entry")
    guess = judged(by_name["index formula guess"])
    assert "Q" in guess.message and "not a size" in guess.message


# ----------------------------------------------------------------------------------------------
# Families: the parameters are declared by the derivation that makes the family
# ----------------------------------------------------------------------------------------------
def conv_matrix_answer(rows: list[list[str]]) -> str:
    return f"## 5-5\n\n$$C = {bmatrix(rows)}$$\n"


def test_a_conv_matrix_with_an_input_entry_in_a_kernel_entrys_place_is_wrong():
    # nndl-5-5: x_{12} (an entry of the input) where the kernel's w_{12} belongs, in every row
    written = [[entry.replace("w_{12}", "x_{12}") for entry in row] for row in CONV_ROWS]
    (judgement,) = check(conv_matrix_answer(written), against="nndl-5").judgements
    assert judgement.verdict == "wrong"
    # row 1 of (C_written − C) x: (x_12 − w_12) x_12, with x's entries named x_{ij}
    w12, x12 = sp.symbols("w_{12} x_{12}")
    difference = sp.factor((x12 - w12) * x12)
    assert judgement.witness == f"row 1 of (C_written − C) x is {difference}, not 0"
    (right,) = check(conv_matrix_answer(CONV_ROWS), against="nndl-5").judgements
    assert right.verdict == "right"


W = sp.Symbol("w")
FAMILY = sp.ImmutableMatrix([[2 * W, 1 - 4 * W], [1 - 4 * W, 8 * W - 4]])


def family_set(parameters: tuple[sp.Symbol, ...]) -> ProblemSet:
    """A one-part set whose answer is the w = 0 member and which accepts the family, declaring
    its parameter or not."""
    answer = FAMILY.subs(W, 0)
    accepted = Accepted(FAMILY, "any member of the family", parameters=parameters)
    part = Part(
        "fam-1",
        "A member of the family.",
        lambda: Solution(Derivation("family", (), sp.ImmutableMatrix(answer)), (accepted,)),
    )
    return ProblemSet("fam", "Families", "contract test", [Exercise("fam-1", "", "", [part])])


def test_a_family_answer_is_right_only_through_a_declared_parameter():
    member = "## fam-1\n\n$$K = \\begin{bmatrix} 2/7 & 3/7 \\\\ 3/7 & -20/7 \\end{bmatrix}$$\n"
    assert FAMILY.subs(W, sp.Rational(1, 7)) == sp.Matrix(
        [[sp.Rational(2, 7), sp.Rational(3, 7)], [sp.Rational(3, 7), sp.Rational(-20, 7)]]
    )
    (declared,) = check(member, against=family_set((W,))).judgements
    assert declared.verdict == "right" and declared.message.endswith("(the member w = 1/7)")
    # the same family without its parameter declared: w is a symbol the candidate lacks, which
    # makes it no parameter, so the member is not right
    (undeclared,) = check(member, against=family_set(())).judgements
    assert undeclared.verdict == "wrong"


FAMILY_SET = """
id = "diag"
title = "A lecturer's family"
source = "contract test"

[[exercise]]
id = "diag-1"
title = "Correlation with a 1×1 kernel"
statement = "Z = X ⊗ W with W = [1]."
data = { X = [[1, 2], [3, 4]], W = [[1]] }

[[exercise.part]]
id = "diag-1a"
question = "Z, or any matrix with Z's off-diagonal entries and equal diagonal entries."
engine = "correlate"
args = { x = "$X", w = "$W" }
[[exercise.part.accepted]]
answer = [["c", 2], [3, "c"]]
convention = "equal diagonal entries"
"""


@pytest.mark.parametrize(
    ("declaration", "verdict"), [('parameters = ["c"]\n', "right"), ("", "wrong")]
)
def test_a_set_file_declares_its_family_parameters(tmp_path: Path, declaration: str, verdict: str):
    path = tmp_path / "diag.toml"
    path.write_text(FAMILY_SET + declaration, encoding="utf-8")
    doc = "## 1\n(a) $$Z = \\begin{bmatrix} 5 & 2 \\\\ 3 & 5 \\end{bmatrix}$$\n"
    (judgement,) = check(doc, str(path)).judgements
    assert judgement.verdict == verdict, judgement.message


def test_the_catalog_families_declare_their_parameters():
    from derivations import catalog

    parts = {part.id: part for problem_set in catalog() for part in problem_set.parts()}
    assert parts["fd-d2"].solution.derivation.details["parameters"] == (W,)
    (family,) = [a for a in parts["fd-e"].solution.accepted if a.parameters]
    assert family.parameters == (sp.Symbol("c"),)
    (laplacians,) = [a for a in parts["nndl-5-1.2"].solution.accepted if a.parameters]
    assert len(laplacians.parameters) == 1


def test_a_member_spelled_with_the_parameter_in_all_but_one_entry_is_no_member():
    # fd-d2's family written with w, and one corner written with another name: no w fits
    rows = "2v & 1 - 4w & 2w \\\\ 1 - 4w & 8w - 4 & 1 - 4w \\\\ 2w & 1 - 4w & 2w"
    (judgement,) = check(kernel_part("d2", rows), against="fd").judgements
    assert judgement.verdict == "wrong"


def test_a_member_named_as_the_derivation_names_its_family_is_no_false_alarm():
    # fd-e's derivation writes the family w = [[c, 1/2 − 2c, c − 1/2], …] with c declared; a
    # member named w (c = 1/8) is right as the answer and not "wrong" entry by entry against c
    rows = "1/8 & 1/4 & -3/8 \\\\ 1/4 & -1/2 & 1/4 \\\\ -3/8 & 1/4 & 1/8"
    c = sp.Rational(1, 8)
    assert [c, sp.Rational(1, 2) - 2 * c, c - sp.Rational(1, 2), 4 * c - 1] == [
        sp.Rational(1, 8),
        sp.Rational(1, 4),
        sp.Rational(-3, 8),
        sp.Rational(-1, 2),
    ]
    report = check(kernel_part("e", rows), against="fd")
    assert [(j.verdict, j.message) for j in report.judgements] == [
        (
            "right",
            "the matrix is right for fd-e under the convention: any member of the family (c free) "
            "(the member c = 1/8)",
        )
    ]


def test_a_scaled_member_of_a_family_is_right_only_with_its_scale_stated():
    # fd-d2: [[1, 1, 1], [1, −8, 1], [1, 1, 1]] is 3 × the w = 1/6 member (2w = 1/3, 1 − 4w = 1/3,
    # 8w − 4 = −8/3)
    w = sp.Rational(1, 6)
    assert [3 * (2 * w), 3 * (1 - 4 * w), 3 * (8 * w - 4)] == [1, 1, -8]
    rows = "1 & 1 & 1 \\\\ 1 & -8 & 1 \\\\ 1 & 1 & 1"
    stated = kernel_part("d2", rows).replace("$$w", "This is $3h^2\\nabla^2$:\n$$w")
    (right,) = check(stated, against="fd").judgements
    assert right.verdict == "right"
    assert right.message.endswith("3 × a member of the answer to fd-d2 (the member w = 1/6), with "
                                  "the scale stated")  # fmt: skip
    (silent,) = check(kernel_part("d2", rows), against="fd").judgements
    assert (silent.verdict, silent.diagnosis) == ("wrong", "scaled by 3 without saying so")
    assert (
        silent.witness == "every entry is 3 × a member of the answer (the member w = 1/6) (3 ≠ 1)"
    )


# ----------------------------------------------------------------------------------------------
# Re-readings: the set's conventions fix what its symbols mean
# ----------------------------------------------------------------------------------------------
ONE_BASED = (
    "1-based re-reading of a 0-indexed set: the location's indices start at one, where the set's "
    "start at zero"
)
NYU_X = [[0, 0, 0, 0, 0], [0, 3, 3, 3, 0], [0, 3, 3, 3, 0], [0, 3, 2, 3, 0], [0, 3, 2, 3, 0],
         [0, 0, 0, 0, 0]]  # fmt: skip
NYU_W = [[1, -1], [1, -1]]
#: nyu-cnn-2's Z, by loops (valid cross-correlation, no symconv)
NYU_Z = [
    [sum(NYU_W[a][b] * NYU_X[i + a][j + b] for a in range(2) for b in range(2)) for j in range(4)]
    for i in range(5)
]


def test_a_one_based_location_in_a_zero_indexed_set_is_wrong_with_the_re_reading_named():
    # nyu-cnn-2c: the largest value 6 is at Z[1, 3] (0-based); Z[2, 4] is that place counted
    # from 1, and outside Z (5 × 4) read the set's way
    (largest,) = check("## 2\n(c) The largest value is $Z[2, 4] = 6$.\n", "nyu-cnn").judgements
    assert (largest.verdict, largest.diagnosis) == ("wrong", ONE_BASED)
    assert largest.witness == "Z has shape 5 × 4: indices (2, 4) are outside it (0-based)"
    # nyu-cnn-2d: the most negative value −6 is at Z[1, 0]; Z[2, 1] counted from 0 is 1
    (smallest,) = check("## 2\n(d) The most negative is $Z[2, 1] = -6$.\n", "nyu-cnn").judgements
    assert (smallest.verdict, smallest.diagnosis) == ("wrong", ONE_BASED)
    assert smallest.witness == f"Z[2, 1] = {NYU_Z[2][1]}" and NYU_Z[2][1] != -6 == NYU_Z[1][0]
    # in words: the location is checked against every location of the value
    (words,) = check("## 2\n(c) The largest value is 6, at (2, 4).\n", "nyu-cnn").judgements
    assert (words.verdict, words.diagnosis) == ("wrong", ONE_BASED)
    assert words.witness == "(2, 4) is none of the locations of 6: (1, 3), (2, 3), (3, 3)"
    assert [(i, j) for i, row in enumerate(NYU_Z) for j, z in enumerate(row) if z == 6] == [
        (1, 3),
        (2, 3),
        (3, 3),
    ]


def test_the_re_reading_is_named_without_revealing_the_answer():
    # --no-reveal drops what shows the expected answer; the re-reading names a convention only
    report = check("## 2\n(c) The largest value is $Z[2, 4] = 6$.\n", "nyu-cnn")
    (judgement,) = redacted(report).judgements
    assert (judgement.diagnosis, judgement.witness, judgement.expected_latex) == (
        ONE_BASED,
        None,
        None,
    )


def test_channels_first_where_the_catalog_set_does_not_accept_it_is_wrong():
    # nyu-cnn-5c: X has shape (B, N, C), channels last, and no channels-first order is accepted
    (judgement,) = check("## 5\n(c) shape $(B, C, \\lceil N/s \\rceil)$\n", "nyu-cnn").judgements
    assert (judgement.verdict, judgement.diagnosis) == ("wrong", CHANNELS_FIRST)
    # the witness: at C = 4, N = 5, s = 2 the second axis is 4 where ⌊(N − 1)/s⌋ + 1 = 3
    assert judgement.witness == "at C = 4, N = 5, s = 2: this gives 4, the answer is 3"
    assert (5 - 1) // 2 + 1 == 3


LIMITS_SET = """
id = "limits"
title = "Sum limits"
source = "contract test"
conventions = ["arrays are 0-indexed"]

[[exercise]]
id = "limits-1"
title = "A 3×3 kernel"
statement = "Z[i,j] = Σ W[k1,k2] X[i+k1, j+k2] with W of shape 3×3."
data = { W = [[1, 2, 3], [4, 5, 6], [7, 8, 9]] }

[[exercise.part]]
id = "limits-1a"
question = "The ranges of k1 and k2."
engine = "sum_limits"
args = { kernel = "$W" }
"""
INDICES_FROM_ONE = (
    "1-based re-reading of a 0-indexed set: the indices start at one, where the set's start at zero"
)


def test_index_ranges_are_every_index_and_a_one_based_range_is_a_re_reading(tmp_path: Path):
    path = tmp_path / "limits.toml"
    path.write_text(LIMITS_SET, encoding="utf-8")
    # a range (first, last) holds every index between: k1 ∈ {0, 1, 2} for a 3×3 kernel
    right = check("## 1\n(a) $k_1 \\in \\{0, 1, 2\\}$ and $k_2 \\in \\{0, 1, 2\\}$\n", str(path))
    assert [j.verdict for j in right.judgements] == ["right", "right"]
    shifted = check("## 1\n(a) $k_1 \\in \\{1, 2, 3\\}$ and $k_2 \\in \\{0, 1, 2\\}$\n", str(path))
    first, second = shifted.judgements
    assert (first.verdict, first.diagnosis) == ("wrong", INDICES_FROM_ONE)
    assert first.witness == "{1, 2, 3} ≠ {0, 1, 2}"
    assert second.verdict == "right"
    # the catalog's nyu-cnn-2a (a 2×2 kernel) likewise
    (k1, _k2) = check(
        "## 2\n(a) $k_1 \\in \\{1, 2\\}$ and $k_2 \\in \\{1, 2\\}$\n", "nyu-cnn"
    ).judgements
    assert (k1.verdict, k1.diagnosis, k1.witness) == ("wrong", INDICES_FROM_ONE, "{1, 2} ≠ {0, 1}")


def test_a_one_based_location_that_is_also_a_zero_based_one_is_right():
    # nyu-cnn-2e: Z[1, 2] = 0 holds read the set's way, whatever the writer meant
    (judgement,) = check("## 2\n(e) $Z[1, 2] = 0$\n", "nyu-cnn").judgements
    assert judgement.verdict == "right" and NYU_Z[1][2] == 0


def test_a_misreading_the_set_declares_keeps_its_diagnosis():
    # nyu-cnn-5a: the set names the 1-based reading of y[k] = x[sk] itself
    (judgement,) = check("## 5\n(a) $y = [2, 2, 10, 0]$\n", "nyu-cnn").judgements
    assert judgement.verdict == "wrong"
    assert judgement.diagnosis == (
        "1-based reading of y[k] = x[sk]: every s-th sample, starting at the s-th"
    )


NYU_TOML = Path(derivations.__file__).parent / "nyu_cnn.toml"


def test_the_one_based_reading_declared_accepted_is_right(tmp_path: Path):
    text = NYU_TOML.read_text(encoding="utf-8")
    anchor = 'args = { x = "$X", w = "$W", which = "max" }\n'
    assert text.count(anchor) == 1
    accepted = (
        anchor + "[[exercise.part.accepted]]\nanswer = [6, [2, 4]]\n"
        'convention = "positions counted from 1"\n'
    )
    path = tmp_path / "nyu_one_based.toml"
    path.write_text(text.replace(anchor, accepted), encoding="utf-8")
    (judgement,) = check("## 2\n(c) The largest value is $Z[2, 4] = 6$.\n", str(path)).judgements
    assert judgement.verdict == "right"
    facts = judgement.claim.facts
    assert isinstance(facts, AnswerFacts) and facts.convention == "positions counted from 1"


LAYOUT_SET = """
id = "layout"
title = "Layouts"
source = "contract test"
conventions = ["arrays are 0-indexed", "tensors are channels-last"]

[[exercise]]
id = "layout-1"
title = "Shapes"
statement = "Give the shape of the batch as a tensor."

[[exercise.part]]
id = "layout-1a"
question = "A batch of 8 colour images, each 32×32."
engine = "tensor_shape"
args = { axes = [
    { name = "images", size = 8 },
    { name = "height", size = 32 },
    { name = "width", size = 32 },
    { name = "colour channels", size = 3 },
] }
"""
CHANNELS_FIRST = (
    "channels-first re-reading of a channels-last set: the channel axis written second, after "
    "the first axis, where the set puts it last"
)


def test_channels_first_in_a_channels_last_set_is_wrong_with_the_re_reading_named(tmp_path: Path):
    path = tmp_path / "layout.toml"
    path.write_text(LAYOUT_SET, encoding="utf-8")
    (right,) = check("## 1\n(a) (8, 32, 32, 3)\n", str(path)).judgements
    assert right.verdict == "right"
    (first,) = check("## 1\n(a) (8, 3, 32, 32)\n", str(path)).judgements
    assert (first.verdict, first.diagnosis) == ("wrong", CHANNELS_FIRST)
    assert first.witness == "entry 2: 3 ≠ 32"


def test_channels_first_declared_accepted_is_right(tmp_path: Path):
    path = tmp_path / "layout.toml"
    path.write_text(
        LAYOUT_SET + "[[exercise.part.accepted]]\npermute = [0, 3, 1, 2]\n"
        'convention = "channels first (N, C, H, W), axes named"\n',
        encoding="utf-8",
    )
    doc = "## 1\n(a) (8, 3, 32, 32): images × channels × height × width\n"
    (judgement,) = check(doc, str(path)).judgements
    assert judgement.verdict == "right" and judgement.diagnosis is None
