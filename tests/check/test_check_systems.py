"""The moment system ``T w = b`` of a stencil, judged with the document's own table ``T``: the
mutation study found every transposed Taylor table passed (the table alone is notation — any
orientation, order and scale of its rows — but the system written with it is not)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from derivations import catalog
from symconv.check.api import check
from symconv.problems.model import Part
from symconv.problems.writeup import RenderOptions, exercise_markdown

FD_A = next((s, e) for s in catalog() for e in s.exercises if e.id == "fd-a")
TABLE = (
    r"T &:= \begin{bmatrix}1 & 1 & 1\\-1 & 0 & 1\\\frac{1}{2} & 0 & \frac{1}{2}\\"
    r"- \frac{1}{6} & 0 & \frac{1}{6}\end{bmatrix}"
)
SYSTEM = r"T w &= \begin{bmatrix}0\\0\\1\\0\end{bmatrix}"


def _system_verdict(table: str, system: str) -> tuple[str, str]:
    problem_set, exercise = FD_A
    # The write-up with its Taylor table shown (a stencil's table is a supporting step, left out
    # of write-ups unless asked): the document a student who writes the table hands in.
    parts = [
        Part(
            part.id,
            part.question,
            lambda part=part: replace(
                part.solution, derivation=part.solution.derivation.with_all_steps_shown()
            ),
        )
        for part in exercise.parts
    ]
    reports = {part.id: part.solution.derivation.check() for part in parts}
    text = exercise_markdown(problem_set, exercise, parts, reports, RenderOptions())
    assert TABLE in text and SYSTEM in text
    text = text.replace(TABLE, table).replace(SYSTEM, system)
    report = check(text, against=problem_set, name="fd-a")
    [judgement] = [j for j in report.judgements if j.claim.text.startswith("T w")]
    return judgement.verdict, judgement.message


def test_the_catalogs_system_is_right() -> None:
    assert _system_verdict(TABLE, SYSTEM) == (
        "right",
        "T w = [0, 0, 1, 0] is the system T w = b of fd-a (the same solutions)",
    )


def test_a_system_with_the_table_transposed_is_wrong() -> None:
    transposed = (
        r"T &:= \begin{bmatrix}1 & -1 & \frac{1}{2} & - \frac{1}{6}\\1 & 0 & 0 & 0\\"
        r"1 & 1 & \frac{1}{2} & \frac{1}{6}\end{bmatrix}"
    )
    assert _system_verdict(transposed, SYSTEM) == (
        "wrong",
        "T w = [0, 0, 1, 0]: the table has 4 columns, but fd-a's w has 3 entries (the table "
        "transposed?)",
    )


def test_a_system_with_another_right_side_is_wrong_with_the_weights_as_witness() -> None:
    assert _system_verdict(TABLE, SYSTEM.replace(r"0\\1\\0", r"0\\2\\0")) == (
        "wrong",
        "T w = [0, 0, 2, 0] is not the system T w = b of fd-a: fd-a's w = [1, -2, 1] gives "
        "T w = [0, 0, 1, 0] ≠ [0, 0, 2, 0]",
    )


@pytest.mark.parametrize(
    ("label", "table", "system"),
    [
        (
            "rows without the factorials, the right side scaled with them",
            r"T &:= \begin{bmatrix}1 & 1 & 1\\-1 & 0 & 1\\1 & 0 & 1\\-1 & 0 & 1\end{bmatrix}",
            r"T w &= \begin{bmatrix}0\\0\\2\\0\end{bmatrix}",
        ),
        (
            "rows in another order, the right side in that order",
            r"T &:= \begin{bmatrix}\frac{1}{2} & 0 & \frac{1}{2}\\1 & 1 & 1\\-1 & 0 & 1\\"
            r"- \frac{1}{6} & 0 & \frac{1}{6}\end{bmatrix}",
            r"T w &= \begin{bmatrix}1\\0\\0\\0\end{bmatrix}",
        ),
        (
            "only the three equations that determine w",
            r"T &:= \begin{bmatrix}1 & 1 & 1\\-1 & 0 & 1\\\frac{1}{2} & 0 & \frac{1}{2}"
            r"\end{bmatrix}",
            r"T w &= \begin{bmatrix}0\\0\\1\end{bmatrix}",
        ),
        (
            "the offsets' columns in another order",
            r"T &:= \begin{bmatrix}1 & 1 & 1\\0 & -1 & 1\\0 & \frac{1}{2} & \frac{1}{2}\\"
            r"0 & - \frac{1}{6} & \frac{1}{6}\end{bmatrix}",
            SYSTEM,
        ),
    ],
)
def test_a_system_with_the_same_solutions_is_right(label: str, table: str, system: str) -> None:
    verdict, message = _system_verdict(table, system)
    assert verdict == "right", (label, message)


def test_a_system_that_does_not_determine_the_weights_is_wrong() -> None:
    two_rows = r"T &:= \begin{bmatrix}1 & 1 & 1\\-1 & 0 & 1\end{bmatrix}"
    assert _system_verdict(two_rows, r"T w &= \begin{bmatrix}0\\0\end{bmatrix}") == (
        "wrong",
        "T w = [0, 0] is not the system T w = b of fd-a: it has other solutions too: it does "
        "not determine w",
    )


def test_a_system_with_no_solution_is_wrong() -> None:
    assert _system_verdict(
        r"T &:= \begin{bmatrix}1 & 1 & 1\\1 & 1 & 1\\-1 & 0 & 1\end{bmatrix}",
        r"T w &= \begin{bmatrix}0\\1\\0\end{bmatrix}",
    )[1].endswith("it has no solution")


def test_a_system_with_a_wrong_table_is_reported_once_on_the_table() -> None:
    wrong_table = TABLE.replace(r"& 0 & \frac{1}{2}", r"& 4 & \frac{1}{2}", 1)
    verdict, message = _system_verdict(wrong_table, SYSTEM)
    assert (verdict, message) == (
        "unverified",
        "not verified: its table T is the one on line 17, judged wrong",
    )


def test_a_table_rescaled_with_its_columns_reordered_is_left_unverified() -> None:
    # which column is which offset is not written: the system cannot be compared
    table = r"T &:= \begin{bmatrix}1 & 1 & 1\\0 & -1 & 1\\0 & 1 & 1\\0 & -1 & 1\end{bmatrix}"
    verdict, message = _system_verdict(table, r"T w &= \begin{bmatrix}0\\0\\2\\0\end{bmatrix}")
    assert verdict == "unverified", message
