"""The catalog's own write-ups, checked against their sets: the rows the problem context explains —
substitution steps, the set's quantities — are judged, not left unverified, and single edits are
caught (the unedited write-ups' round trip, 0 wrong and every part confirmed, is
``tests/check/test_check_round_trip.py``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from derivations import catalog
from symconv.check.api import check
from symconv.problems.model import Part
from symconv.problems.writeup import RenderOptions, exercise_markdown

EXERCISES = [(s, e) for s in catalog() for e in s.exercises]


def _writeup(problem_set, exercise, all_steps: bool = False) -> str:
    """The catalog's write-up; ``all_steps``: with its supporting steps (a Taylor table) shown."""
    parts = list(exercise.parts)
    if all_steps:
        parts = [
            Part(
                part.id,
                part.question,
                lambda part=part: replace(
                    part.solution, derivation=part.solution.derivation.with_all_steps_shown()
                ),
            )
            for part in parts
        ]
    reports = {part.id: part.solution.derivation.check() for part in parts}
    return exercise_markdown(problem_set, exercise, parts, reports, RenderOptions())


def _report(exercise_id: str):
    problem_set, exercise = next((s, e) for s, e in EXERCISES if e.id == exercise_id)
    return check(_writeup(problem_set, exercise), against=problem_set, name=exercise_id)


def test_substitution_steps_are_judged_with_the_problems_values():
    # nndl-5-3: C K_1 K_2 M + M = D·1·1·P + P holds for a 1×1 convolution from D to P channels
    messages = [j.message for j in _report("nndl-5-3").judgements if j.verdict == "right"]
    assert any(
        m.startswith("with the problem's values C = D, K_1 = 1, K_2 = 1, M = P") for m in messages
    )


def test_a_wrong_substitution_is_wrong_with_the_substituted_value():
    problem_set, exercise = next((s, e) for s, e in EXERCISES if e.id == "nndl-5-3")
    text = _writeup(problem_set, exercise).replace(
        r"&= D \cdot 1 \cdot 1 \cdot P + P", r"&= D \cdot 1 \cdot 1 \cdot P + D"
    )
    report = check(text, against=problem_set, name="nndl-5-3")
    [judgement] = [
        j for j in report.judgements if j.verdict == "wrong" and "problem's values" in j.message
    ]
    assert (
        judgement.message
        == "with the problem's values C = D, K_1 = 1, K_2 = 1, M = P, the left side is D*P + P"
    )


@pytest.mark.parametrize(
    ("exercise_id", "typo", "siblings"),
    [("nndl-5-3", "K_{3}", "K_1, K_2"), ("nyu-cnn-3", "K_{4}", "K_1, K_2")],
)
def test_a_size_the_problem_does_not_have_is_a_mistyped_subscript(exercise_id, typo, siblings):
    # mutation study (shift-index, digit): N_mult = C K_1 K_2 M O_1 O_2 with K_2 mistyped
    problem_set, exercise = next((s, e) for s, e in EXERCISES if e.id == exercise_id)
    text = _writeup(problem_set, exercise).replace(
        "N_{mult} &= C K_{1} K_{2}", f"N_{{mult}} &= C K_{{1}} {typo}"
    )
    report = check(text, against=problem_set, name=exercise_id)
    wrong = [(j.message, j.diagnosis) for j in report.judgements if j.verdict == "wrong"]
    name = typo.replace("{", "").replace("}", "")
    # the row N_mult = C K_1 K_3 … itself (against the derivation's formula), then the
    # substitution step it heads
    assert [diagnosis for _, diagnosis in wrong[:-1]] == [
        f"probable typo: {typo} where K_{{2}} was meant"
    ]
    assert wrong[-1] == (
        f"{name} is not a size of this problem (it has {siblings})",
        f"a mistyped subscript: {siblings.replace(', ', ' or ')} meant?",
    )


def test_the_sets_quantities_decide_products():
    # conv-arith declares s, d, p, ...: "s (i' - 1)" is a product, not an application of s
    report = _report("conv-arith-14")
    assert not [j.message for j in report.judgements if "ambiguous" in j.message]


def test_a_derivation_row_naming_the_answer_matrix_is_judged_on_its_line():
    # nndl-5-7: the row "\delta x &= [...]" before the Answer line; one entry mutated
    problem_set, exercise = next((s, e) for s, e in EXERCISES if e.id == "nndl-5-7")
    text = _writeup(problem_set, exercise)
    row = next(k for k, line in enumerate(text.splitlines(), 1) if line.startswith(r"\delta x &="))
    mutated = text.replace(
        r"\delta x &= \begin{bmatrix}\delta_{11} w_{11}",
        r"\delta x &= \begin{bmatrix}\delta_{11} w_{12}",
    )
    report = check(mutated, against=problem_set, name="nndl-5-7")
    assert [(j.claim.line, j.message) for j in report.judgements if j.verdict == "wrong"] == [
        (row, "the matrix is not the answer to nndl-5-7")
    ]


def test_an_answer_about_a_shifted_entry_is_compared_as_one_about_every_entry():
    # nyu-cnn-4c with X[i + 1, …] on the left: the claim X[i + 1] = f(i) is X[i] = f(i - 1)
    problem_set, exercise = next((s, e) for s, e in EXERCISES if e.id == "nyu-cnn-4")
    answer = r"**Answer:** $\frac{\partial J}{\partial X[i, j_{1}, j_{2}, n]}"
    shifted = answer.replace("X[i, ", "X[i + 1, ")
    report = check(
        _writeup(problem_set, exercise).replace(answer, shifted), against=problem_set, name="x"
    )
    [judgement] = [j for j in report.judgements if "X[i + 1" in j.claim.text]
    assert (judgement.verdict, judgement.message) == (
        "wrong",
        "the formula is not the answer to nyu-cnn-4c",
    )
    assert judgement.witness


def _wrong_after(
    exercise_id: str, old: str, new: str, all_steps: bool = False
) -> list[tuple[str, str]]:
    problem_set, exercise = next((s, e) for s, e in EXERCISES if e.id == exercise_id)
    text = _writeup(problem_set, exercise, all_steps)
    assert old in text
    report = check(text.replace(old, new), against=problem_set, name=exercise_id)
    return [(j.claim.text, j.message) for j in report.judgements if j.verdict == "wrong"]


def test_an_answer_line_naming_the_answer_is_judged_after_a_right_chain():
    # nyu-cnn-3d: the chain ends in 1820 (right); the Answer line says 1830 (mutation study)
    wrong = _wrong_after(
        "nyu-cnn-3", "**Answer:** $N_{params} = 1820$", "**Answer:** $N_{params} = 1830$"
    )
    assert wrong == [("N_{params} = 1830", "1830 is not the answer to nyu-cnn-3d")]


def test_a_row_stating_the_answer_tuple_is_judged_beside_the_answer_line():
    # nyu-cnn-3b: "(C, M) = (17, 20)" above a right Answer line "(10, 20)"
    old = r"\left( C, \  M\right) &= \left( 10, \  20\right)"
    wrong = _wrong_after("nyu-cnn-3", old, old.replace("10", "17"))
    assert wrong == [
        (
            r"\left( C, \ M\right) &= \left( 17, \ 20\right)",
            r"\left( 17, \ 20\right) is not the answer to nyu-cnn-3b",
        )
    ]


# Matrices the problem's derivation names (T, o of a stencil; Z of a given convolution): the
# mutation study's misses on these rows, now judged (symconv.check.judges.named).
TAYLOR_A = r"T &:= \begin{bmatrix}1 & 1 & 1\\-1 & 0 & 1\\\frac{1}{2} & 0 & \frac{1}{2}"
Z_2 = r"Z &= \begin{bmatrix}-3 & 0 & 0 & 3\\-6 & 0 & 0 & 6\\-6 & 1 & -1 & 6\\-6 & 2 & -2 & 6\\-3 & 1 & -1 & 3\end{bmatrix}"  # noqa: E501


def test_a_taylor_table_with_a_changed_entry_is_wrong():
    wrong = _wrong_after(
        "fd-a",
        TAYLOR_A,
        TAYLOR_A.replace(r"& 0 & \frac{1}{2}", r"& 4 & \frac{1}{2}"),
        all_steps=True,
    )
    assert [message for _, message in wrong] == [
        "T is not the matrix T of fd-a in any order of rows and columns or scale of rows"
    ]


def test_a_taylor_table_rescaled_or_transposed_is_right():
    problem_set, exercise = next((s, e) for s, e in EXERCISES if e.id == "fd-a")
    text = _writeup(problem_set, exercise, all_steps=True)
    start = text.index(TAYLOR_A)
    row = text[start : text.index(r"\end{bmatrix}", start) + len(r"\end{bmatrix}")]
    writings = {
        "without factorials": r"T &:= \begin{bmatrix}1 & 1 & 1\\-1 & 0 & 1\\1 & 0 & 1\\-1 & 0 & 1\end{bmatrix}",  # noqa: E501
        "transposed": r"T &:= \begin{bmatrix}1 & -1 & \frac{1}{2} & -\frac{1}{6}\\1 & 0 & 0 & 0\\1 & 1 & \frac{1}{2} & \frac{1}{6}\end{bmatrix}",  # noqa: E501
    }
    for label, writing in writings.items():
        report = check(text.replace(row, writing), against=problem_set, name="fd-a")
        [judgement] = [j for j in report.judgements if j.claim.text.startswith("T &:=")]
        assert judgement.verdict == "right", (label, judgement.message)


def test_offsets_with_a_changed_entry_are_wrong():
    old = r"o &:= \begin{bmatrix}-1 & 0 & 1\end{bmatrix}"
    wrong = _wrong_after("fd-a", old, old.replace("-1 & 0", "-2 & 0"))
    assert [message for _, message in wrong] == [
        "o is not the matrix o of fd-a in any order of its points, down or across"
    ]


# The offsets of a 2-D stencil, one point per column: the same points listed as rows, in another
# order or at one scale (h·o) are the same list; a coordinate rescaled alone, or the x and y
# rows swapped, are other points (fd-d2, 3×3 points).
O_D2 = (
    r"o &:= \begin{bmatrix}-1 & -1 & -1 & 0 & 0 & 0 & 1 & 1 & 1\\-1 & 0 & 1 & -1 & 0 & 1 & -1 & "
    r"0 & 1\end{bmatrix}"
)


@pytest.mark.parametrize(
    ("writing", "verdict", "message"),
    [
        (
            r"\begin{bmatrix}-1 & -1\\-1 & 0\\-1 & 1\\0 & -1\\0 & 0\\0 & 1\\1 & -1\\1 & 0"
            r"\\1 & 1"
            r"\end{bmatrix}",
            "right",
            "o is the matrix o of fd-d2, its points listed as rows",
        ),
        (
            r"\begin{bmatrix}1 & 1 & 1 & 0 & 0 & 0 & -1 & -1 & -1"
            r"\\1 & 0 & -1 & 1 & 0 & -1 & 1 & 0 & -1"
            r"\end{bmatrix}",
            "right",
            "o is the matrix o of fd-d2, its points in another order",
        ),
        (
            r"\begin{bmatrix}-h & -h & -h & 0 & 0 & 0 & h & h & h"
            r"\\-h & 0 & h & -h & 0 & h & -h & 0 & h"
            r"\end{bmatrix}",
            "right",
            "o is the matrix o of fd-d2, times h",
        ),
        (
            r"\begin{bmatrix}-2 & -2 & -2 & 0 & 0 & 0 & 2 & 2 & 2"
            r"\\-1 & 0 & 1 & -1 & 0 & 1 & -1 & 0 & 1"
            r"\end{bmatrix}",
            "wrong",
            "o is not the matrix o of fd-d2 in any order of its points, down or across",
        ),
    ],
    ids=["as rows", "reordered", "times h", "x rescaled"],
)
def test_offsets_are_a_list_of_points(writing, verdict, message):
    problem_set, exercise = next((s, e) for s, e in EXERCISES if e.id == "fd-d2")
    text = _writeup(problem_set, exercise)
    assert O_D2 in text
    report = check(text.replace(O_D2, "o &:= " + writing), against=problem_set, name="fd-d2")
    [judgement] = [j for j in report.judgements if j.claim.text.startswith("o &:=")]
    assert (judgement.verdict, judgement.message) == (verdict, message)


def test_a_transposed_output_of_a_given_convolution_is_wrong():
    # nyu-cnn-2c: the output Z written 4×5 (its derivation's Z is 5×4)
    problem_set = next(s for s, e in EXERCISES if e.id == "nyu-cnn-2")
    transposed = r"Z = \begin{bmatrix}-3 & -6 & -6 & -6 & -3\\0 & 0 & 1 & 2 & 1\\0 & 0 & -1 & -2 & -1\\3 & 6 & 6 & 6 & 3\end{bmatrix}"  # noqa: E501
    for written, verdict, message in [
        (transposed, "wrong", "Z is 4×5; the matrix Z of nyu-cnn-2c is 5×4"),
        (Z_2.replace("&=", "="), "right", "Z is the matrix Z of nyu-cnn-2c"),
    ]:
        report = check(f"## nyu-cnn-2c\n\n$${written}$$\n", against=problem_set, name="z")
        assert [(j.verdict, j.message) for j in report.judgements] == [(verdict, message)]


def test_a_column_ending_a_chain_is_judged_as_the_chains_first_side():
    # nndl-5-7: vec(δx) = Cᵀ vec(δz) = [column]; one entry of the column mutated
    old = r"&= \begin{bmatrix}\delta_{11} w_{11}\\\delta_{11} w_{12}"
    wrong = _wrong_after("nndl-5-7", old, old.replace(r"\delta_{11} w_{12}", r"\delta_{11} w_{21}"))
    assert [message for _, message in wrong] == [
        r"\operatorname{vec}{\left(\delta x \right)} is not the matrix "
        r"\operatorname{vec}{\left(\delta x \right)} of nndl-5-7: 1 entry differs, the first at "
        "row 2, column 1"
    ]


def test_rows_of_an_aligned_block_after_a_labelled_row_are_claims_of_their_own():
    # nyu-cnn-2c: "Z &= […]" followed by "\text{value} &= 6": the label starts a new statement,
    # so the Z row is judged, and so is the value
    report = _report("nyu-cnn-2")
    verdicts = {j.claim.text: (j.verdict, j.message) for j in report.judgements}
    assert verdicts[r"\text{value} = 6"] == ("right", r"value = 6 is \text{value} of nyu-cnn-2c")
    z_rows = [j for j in report.judgements if j.claim.text.startswith(r"Z = \begin{bmatrix}")]
    assert [j.verdict for j in z_rows] == ["right"] * 3
    wrong = _wrong_after("nyu-cnn-2", r"\text{value} &= 6", r"\text{value} &= 5")
    assert wrong == [(r"\text{value} = 5", r"value = 5, but \text{value} of nyu-cnn-2c is 6")]


def test_a_changed_truncation_error_is_wrong_and_its_negation_is_left_alone():
    old = r"\tau &= \frac{h^{2}}{12} f^{(4)}(x)"
    wrong = _wrong_after("fd-a", old, old.replace("{12}", "{13}"))
    assert [text for text, _ in wrong] == [r"\tau = \frac{h^{2}}{13} f^{(4)}(x)"]
    # τ taken as exact minus approximate: the other sign convention, not an error
    assert _wrong_after("fd-a", old, old.replace(r"&= \frac", r"&= -\frac")) == []


@pytest.mark.parametrize(
    ("exercise_id", "old", "new"),
    [
        (
            "fd-d2",
            r"\tau &= \frac{h^{2}}{12} \left(\frac{\partial^{4} f}{\partial x^{4}} + 24 w",
            "25 w",
        ),
        ("fd-d3", r"\tau &= -\frac{h^{4}}{90} \left(\frac{\partial^{6} f}{\partial x^{6}} +", " -"),
    ],
)
def test_a_changed_error_term_in_partial_derivatives_is_wrong(exercise_id, old, new):
    # ∂⁴f/∂x⁴ is read with f a plain symbol, whose derivative SymPy evaluates to 0: every τ
    # written with partial derivatives compared equal to the derivation's until f was made a
    # function of x and y (mutation study: a digit changed, a sign flipped)
    mutated = old[: -len(new)] + new
    wrong = _wrong_after(exercise_id, old, mutated)
    assert [(text[:5], message[:14]) for text, message in wrong] == [(r"\tau ", "tau is not tau")]


def test_a_bracket_with_one_entry_renamed_is_not_the_partial_derivative():
    # nndl-5-6: [x_2 ≥ x_3 ∧ x_2 > w_1] differs from [x_2 ≥ x_3 ∧ x_2 > x_1] only where x_2 lies
    # between x_1 and w_1; six random points missed it (mutation study), sixty find it
    old = (
        r"\frac{\partial y}{\partial x} &= \begin{bmatrix}\left[x_{1} \geq x_{2} \wedge "
        r"x_{1} \geq x_{3}\right]\\\left[x_{2} \geq x_{3} \wedge x_{2} > x_{1}"
    )
    wrong = _wrong_after("nndl-5-6", old, old[: -len("x_{1}")] + "w_{1}")
    assert [message[:54] for _, message in wrong] == [
        "the entry for x_2 is not the partial derivative in x_2"
    ]


# The head of a chain that names a general formula the derivation gives (N_mult = C K_1 K_2 M O_1
# O_2 = 256·3·…): compared with it; a name the row dropped takes the problem's value, a name it
# keeps stays general (mutation study: K_2 K_2, which the problem's K_1 = K_2 = 3 hides; − a,
# which its a = 0 hides — the link from that row to the next is then wrong too). ``about``: the
# rows looked at (the rewritten row alone where a later row is written for the original).
@pytest.mark.parametrize(
    ("exercise_id", "old", "new", "expected", "about"),
    [
        (
            "nndl-5-4",
            r"N_{mult} &= C K_{1} K_{2} M O_{1} O_{2}",
            r"N_{mult} &= C K_{2} K_{2} M O_{1} O_{2}",
            [r"N_{mult} is not N_mult as derived for nndl-5-4.1"],
            "",
        ),
        (
            "conv-arith-11",
            r"p' + a - d \left(k - 1\right) &&",
            r"p' - a - d \left(k - 1\right) &&",
            [r"o' is not o' as derived for conv-arith-11", "the two sides differ"],
            "",
        ),
        ("conv-arith-11", r"p' &= d \left(k - 1\right) - p", r"p' &= k - 1 - p", [], "p' ="),
    ],
    ids=["K_2 for K_1", "-a for +a", "d = 1 put in"],
)
def test_a_general_formula_is_compared_with_the_derivations(exercise_id, old, new, expected, about):
    wrong = _wrong_after(exercise_id, old, new)
    messages = [
        message.partition(",")[0].partition(" at ")[0]
        for claim, message in wrong
        if claim.startswith(about)
    ]
    assert messages == expected


def test_a_formula_put_in_with_the_problems_values_is_right():
    # conv-arith-11: p' = k − 1 − p is d(k − 1) − p at the problem's d = 1
    problem_set, exercise = next((s, e) for s, e in EXERCISES if e.id == "conv-arith-11")
    text = _writeup(problem_set, exercise)
    mutated = text.replace(r"p' &= d \left(k - 1\right) - p", r"p' &= k - 1 - p")
    report = check(mutated, against=problem_set, name="conv-arith-11")
    [row] = [j for j in report.judgements if j.claim.text.startswith("p' = k")]
    assert (row.verdict, row.message) == (
        "right",
        r"p' is p' as derived for conv-arith-11, d \left(k - 1\right) - p with the problem's "
        "values d = 1",
    )


# A value the document states as an answer is judged even when an earlier row gave the right one
# (mutation study: the **Answer:** line of nyu-cnn-5c, an "Also accepted" bullet of nndl-5-4).
@pytest.mark.parametrize(
    ("exercise_id", "old", "new", "expected"),
    [
        (
            "nyu-cnn-5",
            r"**Answer:** $\left( B, \  \left\lfloor{\frac{N - 1}{s}}\right\rfloor + 1",
            r"**Answer:** $\left( B, \  \left\lfloor{\frac{N - 1}{s}}\right\rfloor - 1",
            "is not the answer to nyu-cnn-5c",
        ),
        (
            "nndl-5-4",
            r"- $\left( 5{,}898{,}240{,}000, \  590{,}080\right)$",
            r"- $\left( 5{,}898{,}440{,}000, \  590{,}080\right)$",
            "is not the answer to nndl-5-4.1",
        ),
        (
            "nndl-5-1",
            r"- $\begin{bmatrix}w_{1,1} & 1 - 2 w_{1,1}",
            r"- $\begin{bmatrix}w_{2,1} & 1 - 2 w_{1,1}",
            "is not the answer to nndl-5-1.2",
        ),
    ],
    ids=["answer line", "accepted bullet", "accepted matrix"],
)
def test_a_value_stated_as_an_answer_is_judged(exercise_id, old, new, expected):
    wrong = _wrong_after(exercise_id, old, new)
    assert [message.endswith(expected) for _, message in wrong] == [True]


def test_two_values_on_an_answer_line_are_not_both_taken_for_answers():
    # "**Answer:** (N, C) from (B, N, C)": which one is the answer is the judge's choice, not
    # every tuple on the line
    problem_set = next(s for s, e in EXERCISES if e.id == "nyu-cnn-5")
    text = (
        "## nyu-cnn-5c\n\n**Answer:** from the input $(B, N, C)$ the output is "
        r"$\left( B, \left\lfloor{\frac{N - 1}{s}}\right\rfloor + 1, C\right)$" + "\n"
    )
    report = check(text, against=problem_set, name="two")
    assert [j.verdict for j in report.judgements if j.claim.kind == "answer"] == ["right"]


def test_a_stencil_on_a_non_uniform_grid_is_expanded_in_its_two_steps():
    # fd-f: h_{m}, h_{p} read as entries h[m], h[p] of a small name: both are small, and the
    # coefficients 2/(h_m (h_m + h_p)) … cancel exactly; one step mistyped (h_{p + 1}) is wrong
    report = _report("fd-f")
    [row] = [j for j in report.judgements if j.claim.text.startswith("f''(x) = ")]
    assert (row.verdict, row.message) == (
        "right",
        "the expansions in h_m, h_p agree below O(h_m^2)",
    )
    old = r"+ \frac{2}{h_{p} \left(h_{m} + h_{p}\right)} f(x + h_{p})"
    wrong = _wrong_after("fd-f", old, old.replace(r"{h_{p} \left", r"{h_{p + 1} \left"))
    assert [message[:31] for _, message in wrong] == ["the terms in h_m^-2 differ: the"]


def test_a_laplacian_stencil_with_its_error_term_is_expanded_in_two_variables():
    # fd-d2: ∇²f(x, y) = (1/h²)(…) − h²/12 (∂⁴f/∂x⁴ + …): the error term's derivatives are
    # written without arguments; one sign flipped in the stencil is wrong
    report = _report("fd-d2")
    [row] = [j for j in report.judgements if j.claim.text.startswith(r"\nabla^{2} f(x, y)")]
    assert (row.verdict, row.message) == ("right", "the expansions in h agree below O(h^4)")
    old = r"\left(2 w f(x - h, y - h) - \left"
    wrong = _wrong_after("fd-d2", old, old.replace(") - ", ") + ", 1))
    assert [text[:18] for text, _ in wrong] == [r"\nabla^{2} f(x, y)"]


# One layout per tensor: the mutation study found an answer paragraph with a tensor's axes
# swapped accepted as "another layout" after a chain that had read them in the problem's order.
ANSWER_4B = (
    r"**Answer:** $\frac{\partial J}{\partial W[k_{1}, k_{2}, n, m]} = \sum_{\substack{0 \leq i "
    r"\leq I - 1\\0 \leq j_{1} \leq J_{1} - 1\\0 \leq j_{2} \leq J_{2} - 1}} \frac{\partial J}"
    r"{\partial Z[i, j_{1}, j_{2}, m]} X[i, j_{1} + k_{1}, j_{2} + k_{2}, n]$"
)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("W[k_{1}, k_{2}, n, m]", "W[k_{2}, k_{1}, n, m]"),
        ("X[i, j_{1} + k_{1}, j_{2} + k_{2}, n]", "X[j_{1} + k_{1}, i, j_{2} + k_{2}, n]"),
    ],
)
def test_an_answer_after_a_right_chain_keeps_the_chains_layout(old, new):
    wrong = _wrong_after("nyu-cnn-4", ANSWER_4B, ANSWER_4B.replace(old, new))
    [(_, message)] = wrong
    assert message.startswith("the formula is not the answer to nyu-cnn-4b")


def test_a_layout_another_row_of_the_exercise_contradicts_is_not_inferred():
    # nyu-cnn-4c reads ∂J/∂X[i, j_1, j_2, n]; a 4b answer reading X[j_1 + k_1, i, …] alone
    # (its chain removed) is not X in another layout
    problem_set, exercise = next((s, e) for s, e in EXERCISES if e.id == "nyu-cnn-4")
    text = _writeup(problem_set, exercise)
    lines = text.splitlines()
    answer = lines.index(ANSWER_4B)
    chain = [n for n in range(answer) if r"\partial W[k_{1}, k_{2}, n, m]}" in lines[n]]
    kept = [line for n, line in enumerate(lines) if n not in chain[:1] and n != answer]
    swapped = ANSWER_4B.replace("X[i, j_{1} + k_{1}", "X[j_{1} + k_{1}, i")
    report = check(
        "\n".join([*kept, "", "### 4b again", "", swapped]), against=problem_set, name="nyu-cnn-4"
    )
    verdicts = [j.verdict for j in report.judgements if "X[j_{1} + k_{1}, i" in j.claim.text]
    assert "right" not in verdicts


def test_the_one_hot_gradient_of_a_maximum_takes_the_index_of_the_same_vector():
    # nndl-5-6a: ∂y/∂x_i = 1 if i = argmax_j w_j, else 0 — the index of the maximum of another
    # vector was checked as if it were x's (mutation study)
    problem_set = next(s for s, e in EXERCISES if e.id == "nndl-5-6")
    for vector, verdict in [("x", "right"), ("w", "wrong")]:
        text = (
            "## nndl-5-6.1\n\n"
            rf"$\frac{{\partial y}}{{\partial x_i}} = 1$ if $i = \arg\max_j {vector}_j$, else $0$."
            "\n"
        )
        report = check(text, against=problem_set, name="argmax")
        answers = [j for j in report.judgements if j.claim.kind == "answer"]
        assert [j.verdict for j in answers] == [verdict], [j.message for j in answers]
    assert answers[0].witness == "the index of the maximum of w, but the entries are those of x"


def test_a_product_in_a_chain_headed_by_a_named_column_is_still_multiplied_out():
    # nndl-5-5: vec(z) = C vec(x) = [column]; the head of a chain became a claim only for names
    # the derivation gives a formula, so the row C vec(x) = [column] is still computed (a change
    # that made every named head a claim let an entry of C change unseen: mutation study)
    old = r"\operatorname{vec}{\left(z \right)} &= \begin{bmatrix}w_{11} & w_{12}"
    wrong = _wrong_after("nndl-5-5", old, old.replace("w_{11} & w_{12}", "x_{11} & w_{12}"))
    assert wrong and all(text.startswith(r"\begin{bmatrix}x_{11}") for text, _ in wrong)


@pytest.mark.parametrize(
    ("exercise_id", "old", "new", "message"),
    [
        (
            "nndl-5-4",
            r"N_{mult} &= N_{mult,1} + N_{mult,2}",
            r"N_{mult} &= N_{mult,1} + N_{mult,3}",
            "N_{mult,2} was meant (a subscript mistyped)",
        ),
        (
            "fd-d2",
            r"D_h f(x, y) &:= \frac{1}{h^{2}} \sum_j w_j",
            r"D_h f(x, y) &:= \frac{1}{h^{2}} \sum_j x_j",
            "{x}_{j} where {w}_{j} was meant",
        ),
    ],
    ids=["N_{mult,3}", "x_j for w_j"],
)
def test_one_name_of_a_derived_formula_mistyped_is_wrong(exercise_id, old, new, message):
    # mutation study: the head of a chain (N_mult = N_{mult,1} + N_{mult,2}) and the stencil as
    # an operator (D_h f(x, y) := …, named by its text) against the derivation's formulas
    assert _wrong_after(exercise_id, old, old) == []  # as written: right
    wrong = _wrong_after(exercise_id, old, new)
    assert len(wrong) == 1 and wrong[0][1].endswith(message), wrong


def test_a_chain_rule_row_in_index_notation_is_compared_with_the_derivations_step():
    # nndl-5-7 answers with the matrix δx; its index-form chain rule ∂J/∂x_{i,j} = Σ ∂J/∂z
    # ∂z/∂x is a step, compared with the derivation's closed form once ∂z_{i',j'}/∂x_{i,j} is
    # read from the forward formula z_{i,j} := Σ w_{u,v} x_{i+u,j+v}
    report = _report("nndl-5-7")
    [row] = [
        j
        for j in report.judgements
        if j.claim.text.startswith(r"\frac{\partial J}{\partial x_{i,j}}")
    ]
    assert row.verdict == "right" and row.message.startswith("the row is ∂J/∂x as derived for")
    old = r"\frac{\partial J}{\partial x_{i,j}} &= \sum_{\substack{0 \leq i' \leq I_{1} - K_{1}"
    wrong = _wrong_after("nndl-5-7", old, old.replace("I_{1} - K_{1}", "I_{2} - K_{1}"))
    assert [message[:44] for _, message in wrong] == [
        "the row is not ∂J/∂x as derived for nndl-5-7"
    ]


def test_a_link_whose_tensors_another_link_bounds_is_judged_with_those_extents():
    # nndl-5-2: rows 1 and 2 of the chain sum over u, v only; x is bounded (1 ≤ a ≤ M) by the
    # third row. A sign flipped in row 1's x subscript was "not decided" (mutation study)
    old = r"x_{- U + i + u,- V + j + v}"
    wrong = _wrong_after("nndl-5-2", old, old.replace("- V + j", "- V - j"))
    assert [message[:80] for _, message in wrong] == [
        "the two sides differ on random tensors zero outside w[1..U, 1..V], x[1..M, 1..N]"
    ]


def test_an_index_step_reading_another_tensor_is_a_probable_typo():
    # nyu-cnn-5a: y[k] := w[2k] where the derivation's step reads x (mutation study, swap-w-x)
    wrong = _wrong_after("nyu-cnn-5", r"y[k] &:= x[2 k]", r"y[k] &:= w[2 k]")
    assert wrong == [
        ("y[k] &:= w[2 k]", "the row is not y as derived for nyu-cnn-5a: w where x was meant")
    ]


def test_locations_are_compared_as_a_set_of_index_tuples():
    # nyu-cnn-2c: where the maximum 6 of Z occurs, listed in any order; one tuple changed is
    # wrong, with what is extra and what is missing (mutation study, digit)
    old = r"\text{locations} &= \left( \left( 1, \  3\right), \  \left( 2, \  3\right), \  \left( 3, \  3\right)\right)"  # noqa: E501
    reordered = r"\text{locations} &= \left( \left( 3, \  3\right), \  \left( 1, \  3\right), \  \left( 2, \  3\right)\right)"  # noqa: E501
    assert _wrong_after("nyu-cnn-2", old, reordered) == []
    wrong = _wrong_after(
        "nyu-cnn-2", old, old.replace(r"\left( 3, \  3\right)", r"\left( 3, \  7\right)")
    )
    assert [message for _, message in wrong] == [
        "locations are not the locations of nyu-cnn-2c (0-based): (3, 7) not among them; "
        "(3, 3) missing"
    ]


def test_one_entry_of_a_bracket_formula_mistyped_is_wrong():
    # nndl-5-6b: a := [x_1 ≥ x_2 ∧ …] + 2 [x_2 ≥ x_3 ∧ x_2 > w_1] + …: w_1 where x_1 was meant,
    # though x_1 is read elsewhere in the row (mutation study, swap-w-x)
    old = r"2 \left[x_{2} \geq x_{3} \wedge x_{2} > x_{1}\right] + 3"
    wrong = _wrong_after("nndl-5-6", old, old.replace("> x_{1}", "> w_{1}"))
    assert len(wrong) == 1 and wrong[0][1].endswith("w_{1} where x_{1} was meant")


def test_a_max_pooling_step_is_evaluated_and_compared():
    # nyu-cnn-5b: y[k] := max_{j=0..1} x[j + 2k] — the exact evaluator reduces a \max over its
    # range (MaxOver.REDUCE); an empty window (j = 2..1) is wrong (mutation study, digit)
    report = _report("nyu-cnn-5")
    [row] = [j for j in report.judgements if j.claim.text.startswith(r"y[k] &:= \max")]
    assert row.verdict == "right", row.message
    old = r"y[k] &:= \max_{j=0,\dots,1} x[j + 2 k]"
    wrong = _wrong_after("nyu-cnn-5", old, old.replace("j=0", "j=2"))
    assert [message[:38] for _, message in wrong] == ["the row is not y as derived for nyu-cn"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            r"Y[i, k, n] &:= \max_{j=0,\dots,p - 1} X[i, j + k s, n]",
            r"Y[i, k, n] &:= \max_{j=0,\dots,p - 1} X[n, j + k s, i]",
            "the row is not Y as derived for nyu-cnn-5c (nor any of its 2 definitions): "
            "Y[i, k, n]: axis 0 of X is I (declared shape of X) but also N",
        ),
        (
            r"Y[i, k, n] &:= X[i, k s, n]",
            r"Y[i, n, k] &:= X[i, k s, n]",
            "the row is not Y as derived for nyu-cnn-5c (nor any of its 2 definitions)",
        ),
    ],
    ids=["X's axes swapped", "Y's axes swapped"],
)
def test_a_tensor_defined_twice_is_compared_with_both_definitions(old, new, message):
    # nyu-cnn-5c defines Y by sub-sampling and by max pooling: a row is right when it is either,
    # wrong when it differs from both (mutation study, swap-indices)
    assert _wrong_after("nyu-cnn-5", old, old) == []
    wrong = _wrong_after("nyu-cnn-5", old, new)
    assert len(wrong) == 1 and wrong[0][1].startswith(message), wrong
