"""A lecturer's week, the grading half (issue 20): a folder of submissions — right, wrong, blank,
partly right, a PDF and an empty file — graded against a TOML set into a grade book (``--csv``),
totals (``--totals``), one feedback file per submission (``--feedback-dir``), and one
submission's Gradescope and PrairieLearn results objects, checked field by field against the
formats those systems document.

The set is the repository's ``examples/sets/strided-lab.toml`` with points given to two parts;
the expected points are computed here from the TOML itself (``tomllib``), not copied from
symconv.
"""

from __future__ import annotations

import csv
import json
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from symconv.cli import main

ROOT = Path(__file__).resolve().parents[2]
LAB = ROOT / "examples" / "sets" / "strided-lab.toml"

ALICE = r"""# Lab 7 — Alice

## lab-1a
$o = \lfloor (29 + 2 \cdot 1 - 5)/3 \rfloor + 1 = 9$

## lab-1c
$N = 3 \cdot 5 \cdot 5 \cdot 16 + 16 = 1216$

## lab-2a
$\frac{\partial J}{\partial w[k]} = \sum_{i} \frac{\partial J}{\partial y[i]} x[2 i + k]$

## lab-3a
$y = (4, 7, 8, 8, 5)$
"""

# Every answer wrong; lab-2a drops the sum over i in an aligned chain whose two rows both name
# the answer: one mistake, counted once.
BOB = r"""# Lab 7 — Bob

## lab-1a
$o = (29 - 5)/3 + 1 = 9 + 1 = 10$

## lab-1c
$N = 3 \cdot 5 \cdot 5 \cdot 16 = 1200$

## lab-2a
$$
\begin{aligned}
\frac{\partial J}{\partial w[k]}
  &= \frac{\partial J}{\partial y[i]} \frac{\partial y[i]}{\partial w[k]} \\
  &= \frac{\partial J}{\partial y[i]} x[2 i + k]
\end{aligned}
$$
"""

CAROL = "# Lab 7\n\nI did not have time for this lab.\n"

# Partly right: one part right, one wrong, one answered in words the checker cannot judge.
DAVE = r"""# Lab 7 — Dave

## lab-1a
$o = \lfloor (29 + 2 \cdot 1 - 5)/3 \rfloor + 1 = 9$

## lab-1c
$N = 3 \cdot 5 \cdot 5 \cdot 16 + 16 = 1215$

## lab-1e
The receptive field grows with every layer, I am not sure by how much.
"""

#: What each submission should get, part by part (parts not listed: blank).
VERDICTS = {
    "alice": {"lab-1a": "correct", "lab-1c": "correct", "lab-2a": "correct", "lab-3a": "correct"},
    "bob": {"lab-1a": "incorrect", "lab-1c": "incorrect", "lab-2a": "incorrect"},
    "carol": {},
    "dave": {"lab-1a": "correct", "lab-1c": "incorrect", "lab-1e": "unverified"},
}
UNREADABLE = {"erin": "a PDF", "frank": "empty"}


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """strided-lab with 2 points for lab-1c and half a point for lab-1e."""
    text = LAB.read_text(encoding="utf-8")
    text = text.replace('id = "lab-1c"\n', 'id = "lab-1c"\npoints = 2\n')
    text = text.replace('id = "lab-1e"\n', 'id = "lab-1e"\npoints = 0.5\n')
    path = tmp_path_factory.mktemp("set") / "lab.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def points(lab: Path) -> dict[str, Decimal]:
    """Each part's points, read from the TOML (1 where it gives none)."""
    document = tomllib.loads(lab.read_text(encoding="utf-8"))
    return {
        part["id"]: Decimal(str(part.get("points", 1)))
        for exercise in document["exercise"]
        for part in exercise["part"]
    }


@pytest.fixture(scope="module")
def submissions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("submissions")
    for name, text in (("alice", ALICE), ("bob", BOB), ("carol", CAROL), ("dave", DAVE)):
        (folder / f"{name}.md").write_text(text, encoding="utf-8")
    (folder / "erin.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n")
    (folder / "frank.md").write_text("", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def graded(submissions: Path, lab: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One run of the grade book; the folder holding its outputs."""
    out = tmp_path_factory.mktemp("out")
    code = main(
        ["check", str(submissions), "--against", str(lab), "--csv", str(out / "grades.csv"),
         "--totals", str(out / "totals.csv"), "--feedback-dir", str(out / "feedback"),
         "--jobs", "2", "--quiet"]
    )  # fmt: skip
    assert code == 1  # wrong answers in the batch
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# ----------------------------------------------------------------------------------------------
# The grade book
# ----------------------------------------------------------------------------------------------
def test_the_grade_book_has_a_row_per_student_and_part_with_verdict_and_points(
    graded: Path, points: dict[str, Decimal]
) -> None:
    rows = read_csv(graded / "grades.csv")
    assert list(rows[0])[:8] == [
        "file",
        "part",
        "status",
        "right",
        "wrong",
        "unverified",
        "first_wrong_line",
        "diagnosis",
    ]  # fmt: skip  (today's columns, kept first for existing users)
    assert {"student", "verdict", "points", "max_points", "expected"} <= set(rows[0])
    for student, verdicts in VERDICTS.items():
        mine = {row["part"]: row for row in rows if row["student"] == student}
        assert list(mine) == list(points)  # every part of the set, in its order
        for part, row in mine.items():
            verdict = verdicts.get(part, "blank")
            assert row["verdict"] == verdict, (student, part, row)
            assert Decimal(row["max_points"]) == points[part]
            if verdict == "correct":
                assert Decimal(row["points"]) == points[part]
            elif verdict == "unverified":
                assert row["points"] == ""  # a person's to give
            else:
                assert Decimal(row["points"]) == 0
            assert row["expected"]  # the answer key, in plain text
    alice = {row["part"]: row for row in rows if row["student"] == "alice"}
    assert alice["lab-1a"]["expected"] == "o = 9" and alice["lab-1c"]["expected"].endswith("1216")


def test_a_wrong_row_says_where_and_why(graded: Path) -> None:
    rows = {(r["student"], r["part"]): r for r in read_csv(graded / "grades.csv")}
    slip = rows["dave", "lab-1c"]
    assert slip["first_wrong_line"] == "7" and "arithmetic slip" in slip["diagnosis"]
    dropped = rows["bob", "lab-2a"]
    assert "missing sum over i" in dropped["diagnosis"]
    # the sum dropped once, judged on two rows of the chain: one mistake in the tally
    assert dropped["wrong"] == "1" and dropped["first_wrong_line"] == "12"
    assert "not the answer" in rows["bob", "lab-1c"]["message"]
    assert rows["dave", "lab-1e"]["message"]  # why it waits for a person


def test_unreadable_files_are_error_rows_never_skipped(graded: Path, submissions: Path) -> None:
    rows = read_csv(graded / "grades.csv")
    errors = {row["student"]: row for row in rows if row["verdict"] == "error"}
    assert set(errors) == set(UNREADABLE)
    for student, reason in UNREADABLE.items():
        row = errors[student]
        assert row["part"] == "" and row["status"] == "error" and row["points"] == ""
        assert reason in row["diagnosis"]
    assert errors["erin"]["file"] == str(submissions / "erin.pdf")


def test_totals_add_up_the_graded_parts(graded: Path, points: dict[str, Decimal]) -> None:
    totals = {row["student"]: row for row in read_csv(graded / "totals.csv")}
    assert set(totals) == set(VERDICTS) | set(UNREADABLE)
    maximum = sum(points.values(), Decimal(0))
    for student, verdicts in VERDICTS.items():
        row = totals[student]
        earned = sum((points[p] for p, v in verdicts.items() if v == "correct"), Decimal(0))
        assert Decimal(row["points"]) == earned and Decimal(row["max_points"]) == maximum
        waiting = "unverified" in verdicts.values()
        assert row["status"] == ("unverified" if waiting else "complete")
        for part in points:  # one column per part, holding its points
            expected = points[part] if verdicts.get(part) == "correct" else Decimal(0)
            if verdicts.get(part) == "unverified":
                assert row[part] == ""
            else:
                assert Decimal(row[part]) == expected
    assert totals["dave"]["diagnosis"] == "to grade by hand: lab-1e"
    assert totals["erin"]["status"] == "error" and totals["erin"]["points"] == ""


def test_one_feedback_file_per_submission(graded: Path) -> None:
    feedback = graded / "feedback"
    assert sorted(p.name for p in feedback.iterdir()) == sorted(
        f"{name}.md" for name in [*VERDICTS, *UNREADABLE]
    )
    bob = (feedback / "bob.md").read_text(encoding="utf-8")
    assert bob.startswith("# Feedback: bob\n")
    assert "| lab-1c | ✘ incorrect | 0 / 2 |" in bob  # the parts' table, with the set's points
    # his own lines, each with its verdict, the expected answer, the diagnosis and the witness
    line = "$N = 3 \\cdot 5 \\cdot 5 \\cdot 16 = 1200$"
    assert f"{line}\n\n> **symconv** · line 7 · ✘ **wrong**" in bob
    assert "expected $1216$" in bob and "witness: 1200 ≠ 1216" in bob
    assert "a missing sum over i" in bob
    erin = (feedback / "erin.md").read_text(encoding="utf-8")
    assert "could not be checked" in erin and "a PDF" in erin


def test_no_reveal_keeps_expected_answers_out_of_the_grade_book_and_feedback(
    submissions: Path, lab: Path, tmp_path: Path
) -> None:
    code = main(
        ["check", str(submissions), "--against", str(lab), "--csv", str(tmp_path / "g.csv"),
         "--feedback-dir", str(tmp_path / "fb"), "--no-reveal", "--jobs", "2", "--quiet"]
    )  # fmt: skip
    assert code == 1
    rows = read_csv(tmp_path / "g.csv")
    assert all(row["expected"] == "" for row in rows)
    assert {r["verdict"] for r in rows if r["student"] == "bob"} == {"incorrect", "blank"}
    bob = (tmp_path / "fb" / "bob.md").read_text(encoding="utf-8")
    assert "1216" not in bob and "expected" not in bob and "witness" not in bob


def test_a_feedback_folder_inside_the_submissions_is_refused(
    submissions: Path, lab: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", str(submissions), "--against", str(lab), "--feedback-dir",
                 str(submissions / "feedback")])  # fmt: skip
    assert code == 2 and "inside the submissions folder" in capsys.readouterr().err
    assert not (submissions / "feedback").exists()


def test_progress_is_shown_file_by_file_when_asked(
    submissions: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from symconv.check.batch import check_files

    paths = [submissions / "alice.md", submissions / "carol.md"]
    check_files(paths, workers=1, progress=True)
    assert capsys.readouterr().err.splitlines() == ["[1/2] alice.md", "[2/2] carol.md"]
    check_files(paths, workers=1, progress=False)
    assert capsys.readouterr().err == ""


# ----------------------------------------------------------------------------------------------
# Gradescope and PrairieLearn
# ----------------------------------------------------------------------------------------------
#: Gradescope's autograder output format, "Output format" and "Controlling Test Case Visibility"
#: of https://gradescope-autograders.readthedocs.io/en/latest/specs/: every field is optional but
#: a score, at the top or on each test.
GRADESCOPE_TOP = {
    "score": (int, float), "execution_time": (int, float), "output": str, "output_format": str,
    "test_output_format": str, "test_name_format": str, "visibility": str,
    "stdout_visibility": str, "extra_data": dict, "tests": list, "leaderboard": list,
}  # fmt: skip
GRADESCOPE_TEST = {
    "score": (int, float), "max_score": (int, float), "status": str, "name": str,
    "name_format": str, "number": str, "output": str, "output_format": str, "tags": list,
    "visibility": str, "extra_data": dict,
}  # fmt: skip
FORMATS = {"text", "simple_format", "html", "md", "ansi"}
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}


def validate_gradescope(results: dict[str, Any]) -> None:
    """Fail unless ``results`` holds only the documented fields, with their documented types."""
    for name, value in results.items():
        assert name in GRADESCOPE_TOP, f"undocumented top-level field {name!r}"
        assert isinstance(value, GRADESCOPE_TOP[name]), (name, value)
    for name in ("output_format", "test_output_format", "test_name_format"):
        assert results.get(name, "md") in FORMATS
    for name in ("visibility", "stdout_visibility"):
        assert results.get(name, "visible") in VISIBILITIES
    tests = results.get("tests", [])
    assert "score" in results or all("score" in test for test in tests)
    for test in tests:
        for name, value in test.items():
            assert name in GRADESCOPE_TEST, f"undocumented test field {name!r}"
            assert isinstance(value, GRADESCOPE_TEST[name]), (name, value)
        assert test.get("status", "passed") in {"passed", "failed"}
        assert test.get("output_format", "text") in FORMATS
        assert test.get("visibility", "visible") in VISIBILITIES
        assert 0 <= test["score"] <= test["max_score"]


def run_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    code = main(["check", *args])
    return code, json.loads(capsys.readouterr().out)


def test_gradescope_results_follow_the_documented_format(
    submissions: Path, lab: Path, points: dict[str, Decimal], capsys: pytest.CaptureFixture[str]
) -> None:
    code, results = run_json(
        [str(submissions / "dave.md"), "--against", str(lab), "--format", "gradescope"], capsys
    )
    assert code == 1
    validate_gradescope(results)
    tests = {test["name"].split(":")[0]: test for test in results["tests"]}
    assert list(tests) == list(points)  # one test per part, in the set's order
    for part, test in tests.items():
        verdict = VERDICTS["dave"].get(part, "blank")
        assert test["max_score"] == float(points[part])
        assert test["score"] == (float(points[part]) if verdict == "correct" else 0.0)
        assert test["status"] == ("passed" if verdict == "correct" else "failed")
        assert test["extra_data"] == {"verdict": verdict}
    assert results["score"] == sum(test["score"] for test in results["tests"])
    assert results["extra_data"]["max_score"] == float(sum(points.values()))
    slip = tests["lab-1c"]["output"]
    assert "line 7" in slip and "arithmetic slip" in slip and "Expected: N_params = 1216" in slip
    assert tests["lab-1a"]["name"] == "lab-1a: The output length of the 1-D layer."


def test_gradescope_respects_no_reveal(
    submissions: Path, lab: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, results = run_json(
        [str(submissions / "bob.md"), "--against", str(lab), "--format", "gradescope",
         "--no-reveal"], capsys
    )  # fmt: skip
    validate_gradescope(results)
    outputs = "\n".join(test["output"] for test in results["tests"])
    assert "1216" not in outputs and "Expected" not in outputs and "witness" not in outputs
    assert "line 7" in outputs  # the feedback is still there, without the answers


def test_an_unreadable_submission_still_gets_a_results_object(
    submissions: Path, lab: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, results = run_json(
        [str(submissions / "erin.pdf"), "--against", str(lab), "--format", "gradescope"], capsys
    )
    assert code == 2  # and Gradescope still reads why
    validate_gradescope(results)
    assert results["score"] == 0 and "could not be checked" in results["output"]
    assert all(test["status"] == "failed" and test["score"] == 0 for test in results["tests"])
    code, results = run_json(
        [str(submissions / "frank.md"), "--against", str(lab), "--format", "prairielearn"], capsys
    )
    assert code == 2
    assert results["gradable"] is False and "empty" in results["format_errors"][0]


def test_prairielearn_results_carry_a_fraction_and_points_per_test(
    submissions: Path, lab: Path, points: dict[str, Decimal], capsys: pytest.CaptureFixture[str]
) -> None:
    # PrairieLearn's docs/externalGrading.md, "Grading results": score in [0, 1]; tests with
    # name, description, points, max_points, message, output
    _, results = run_json(
        [str(submissions / "alice.md"), "--against", str(lab), "--format", "prairielearn"], capsys
    )
    earned = sum(points[p] for p in VERDICTS["alice"])
    assert results["gradable"] is True
    assert results["score"] == pytest.approx(float(earned / sum(points.values())))
    for test in results["tests"]:
        assert set(test) == {"name", "description", "points", "max_points", "message", "output"}
        assert test["max_points"] == float(points[test["name"]])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "gradescope"], "give --against SET"),
        (["--totals", "t.csv"], "give the set with --against SET"),
    ],
)
def test_lms_formats_and_totals_need_a_set(
    submissions: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["check", str(submissions / "alice.md"), *args]) == 2
    assert message in capsys.readouterr().err


def test_gradescope_grades_one_submission_not_a_folder(
    submissions: Path, lab: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", str(submissions), "--against", str(lab), "--format", "gradescope"])
    assert code == 2 and "grades one submission" in capsys.readouterr().err


# ----------------------------------------------------------------------------------------------
# One mistake, counted once
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("solution", "wrong"),
    [
        # a dropped sum on the chain's first link, carried to its final value (the answer)
        (r"$\frac{\partial J}{\partial w[k]} = \frac{\partial J}{\partial y[i]} "
         r"\frac{\partial y[i]}{\partial w[k]} = \frac{\partial J}{\partial y[i]} x[2 i + k]$", 1),
        # the same formula written, then restated on an Answer line
        (r"$\frac{\partial J}{\partial w[k]} = \frac{\partial J}{\partial y[i]} x[2 i + k]$"
         "\n\n**Answer:** "
         r"$\frac{\partial J}{\partial w[k]} = \frac{\partial J}{\partial y[i]} x[2 i + k]$", 1),
    ],
)  # fmt: skip
def test_one_dropped_sum_is_one_wrong_in_the_part(solution: str, wrong: int) -> None:
    from symconv.check.api import check

    report = check(f"## lab-2a\n{solution}\n", against=str(LAB))
    [part] = [p for p in report.parts if p.id == "lab-2a"]
    assert sum(j.verdict == "wrong" for j in report.judgements) == 2  # both statements say so
    assert part.wrong == wrong


def test_two_slips_in_one_chain_are_two_mistakes() -> None:
    from symconv.check.api import check

    chain = "$N = 3 \\cdot 5 \\cdot 5 \\cdot 16 = 1300 = 1310$"
    report = check(f"## lab-1c\n{chain}\n", against=str(LAB))
    [part] = [p for p in report.parts if p.id == "lab-1c"]
    assert part.wrong == 2  # 3·5·5·16 is not 1300, and 1300 is not 1310
