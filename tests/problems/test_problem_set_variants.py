"""A variant per student (issue 20, item 6): data drawn from ``{ choose = [...] }`` and
``{ range = [a, b], step = s }`` by a stable hash of the set, the exercise and the student's id.

The must-show: two student ids give two different variants; a submission right for its own
variant is correct there and incorrect against another student's. Also: a fixed id gives fixed
numbers (recomputed here from SHA-256, independently of symconv's code), a combination an engine
refuses is never drawn, and every mistake in a form is an error naming file, line, exercise, key.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import pytest

from symconv.check.api import check
from symconv.cli import main
from symconv.errors import ProblemSetError
from symconv.problems.problemset import load_problem_set, problem_set_from_text

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "sets" / "variant-lab.toml"

#: A set with one exercise whose two numbers are drawn per student (12 combinations).
SIZES = """id = "sizes-lab"
title = "Sizes, your own numbers"
quantities = ["i", "k"]

[[exercise]]
id = "sz-1"
title = "Output size"
statement = "An input of length {{i}} and a kernel of length {{k}} (valid, stride 1)."
data = { i = { choose = [28, 32, 48, 64] }, k = { range = [3, 7], step = 2 } }

[[exercise.part]]
id = "sz-1a"
question = "The output length."
engine = "conv_output_size"
args = { i = "$i", k = "$k" }
[[exercise.part.misconceptions]]
engine = "conv_output_size"
args = { i = "$i", k = "$k", p = 1 }
diagnosis = "a padding of 1 was assumed with k = {{k}}"
"""

#: Half the combinations are impossible: a kernel of 3 or 5 never fits an input of 2.
HALF_IMPOSSIBLE = """id = "half"

[[exercise]]
id = "h-1"
statement = "Input {{i}}, kernel {{k}}."
data = { i = { choose = [2, 8] }, k = { choose = [3, 5] } }

[[exercise.part]]
id = "h-1a"
engine = "conv_output_size"
args = { i = "$i", k = "$k" }
"""


# -- an independent reading of the documented algorithm (no symconv code) ----------------------
def reference_position(set_id: str, exercise_id: str, student: str, draw: int, total: int) -> int:
    text = f"{set_id}\n{exercise_id}\n{student}\n{draw}"
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest(), "big") % total


def reference_values(columns: list[tuple[str, list]], position: int) -> dict:
    """Mixed radix, the first variable fastest."""
    values = {}
    for name, entries in columns:
        position, index = divmod(position, len(entries))
        values[name] = entries[index]
    return values


SIZES_COLUMNS = [("i", [28, 32, 48, 64]), ("k", [3, 5, 7])]


def drawn(problem_set, exercise: int = 0) -> dict:
    return dict(problem_set.exercises[exercise].variant.values)


@pytest.fixture(scope="module")
def sizes():
    return problem_set_from_text(SIZES, "sizes.toml")


# -- stability ---------------------------------------------------------------------------------
def test_a_fixed_id_gives_fixed_numbers_recomputed_from_sha256(sizes):
    expected = {
        student: reference_values(
            SIZES_COLUMNS, reference_position("sizes-lab", "sz-1", student, 0, 12)
        )
        for student in ("alice", "bob", "carol")
    }
    # the values the documented algorithm gives, written out: they never change
    assert expected == {
        "alice": {"i": 32, "k": 5},
        "bob": {"i": 48, "k": 5},
        "carol": {"i": 28, "k": 3},
    }
    for student, values in expected.items():
        variant = sizes.for_student(student)
        assert drawn(variant) == values
        assert variant.exercises[0].statement == (
            f"An input of length {values['i']} and a kernel of length {values['k']} (valid, "
            "stride 1)."
        )
        # loaded again from scratch (another process would read the same): the same numbers
        assert drawn(problem_set_from_text(SIZES, "again.toml").for_student(student)) == values


def test_the_answers_accepted_answers_and_misconceptions_follow_the_variant(sizes):
    for student in ("alice", "bob", "carol"):
        values = drawn(sizes.for_student(student))
        solution = sizes.for_student(student).exercises[0].parts[0].solution
        assert solution.derivation.answer == values["i"] - values["k"] + 1
        (misconception,) = solution.misconceptions
        assert misconception.answer == values["i"] + 2 - values["k"] + 1
        assert misconception.diagnosis == f"a padding of 1 was assumed with k = {values['k']}"


def test_many_ids_reach_every_value(sizes):
    seen = {drawn(sizes.for_student(f"student{n}"))["i"] for n in range(60)}
    assert seen == {28, 32, 48, 64}


# -- the must-show -----------------------------------------------------------------------------
def test_two_student_ids_give_two_different_variants(sizes):
    alice, bob = sizes.for_student("alice"), sizes.for_student("bob")
    assert drawn(alice) != drawn(bob)
    assert alice.exercises[0].statement != bob.exercises[0].statement
    answer = [s.exercises[0].parts[0].solution.derivation.answer for s in (alice, bob)]
    assert answer[0] != answer[1]


def _grades(csv_path: Path) -> dict[tuple[str, str], dict[str, str]]:
    with csv_path.open(encoding="utf-8") as handle:
        return {(row["student"], row["part"]): row for row in csv.DictReader(handle)}


def test_a_submission_right_for_its_variant_is_correct_there_and_incorrect_for_another(
    tmp_path: Path, capsys
):
    path = tmp_path / "sizes.toml"
    path.write_text(SIZES, encoding="utf-8")
    written = {}
    for student in ("alice", "bob"):
        assert main(["solve", "--problems", str(path), "--variant", student]) == 0
        written[student] = capsys.readouterr().out
    assert "*Variant alice: i = 32, k = 5.*" in written["alice"]
    assert "o = 28" in written["alice"] and "o = 44" in written["bob"]

    submission = tmp_path / "alice.md"
    submission.write_text(written["alice"], encoding="utf-8")
    table = tmp_path / "grades.csv"
    for student, verdict in (("alice", "correct"), ("bob", "incorrect")):
        status = main(
            ["check", str(submission), "--against", str(path), "--variant", student,
             "--csv", str(table)]
        )  # fmt: skip
        assert status == (0 if verdict == "correct" else 1)
        row = _grades(table)[("alice", "sz-1a")]
        assert row["verdict"] == verdict
        assert row["expected"] == ("o = 28" if student == "alice" else "o = 44")
    capsys.readouterr()


def test_a_folder_is_checked_file_by_file_against_each_stems_variant(tmp_path: Path, capsys):
    path = tmp_path / "sizes.toml"
    path.write_text(SIZES, encoding="utf-8")
    folder = tmp_path / "submissions"
    folder.mkdir()
    for student in ("alice", "bob", "carol"):
        assert main(["solve", "--problems", str(path), "--variant", student]) == 0
        (folder / f"{student}.md").write_text(capsys.readouterr().out, encoding="utf-8")
    # mallory hands in alice's sheet: right for alice's numbers, not for mallory's
    mallory = problem_set_from_text(SIZES, "x").for_student("mallory")
    assert drawn(mallory) != {"i": 32, "k": 5}
    (folder / "mallory.md").write_text((folder / "alice.md").read_text("utf-8"), "utf-8")
    table, feedback = tmp_path / "grades.csv", tmp_path / "feedback"
    status = main(
        ["check", str(folder), "--against", str(path), "--variants", "--csv", str(table),
         "--feedback-dir", str(feedback), "--quiet", "--jobs", "2"]
    )  # fmt: skip
    capsys.readouterr()
    assert status == 1
    grades = _grades(table)
    verdicts = {student: grades[(student, "sz-1a")]["verdict"] for student in
                ("alice", "bob", "carol", "mallory")}  # fmt: skip
    assert verdicts == {
        "alice": "correct", "bob": "correct", "carol": "correct", "mallory": "incorrect",
    }  # fmt: skip
    expected_mallory = drawn(mallory)["i"] - drawn(mallory)["k"] + 1
    assert grades[("mallory", "sz-1a")]["expected"] == f"o = {expected_mallory}"
    # the feedback file names the student's numbers and their expected answer
    text = (feedback / "mallory.md").read_text(encoding="utf-8")
    values = drawn(mallory)
    assert f"variant mallory (sz-1: i = {values['i']}, k = {values['k']})" in text
    assert f"o = {expected_mallory}" in text


def test_the_gradescope_results_report_the_variants_expected_answer(tmp_path: Path, capsys):
    path = tmp_path / "sizes.toml"
    path.write_text(SIZES, encoding="utf-8")
    assert main(["solve", "--problems", str(path), "--variant", "alice"]) == 0
    submission = tmp_path / "submission.md"  # (an LMS names the file; the id comes apart)
    submission.write_text(capsys.readouterr().out, encoding="utf-8")
    for student, score in (("alice", 1.0), ("bob", 0.0)):
        main(["check", str(submission), "--against", str(path), "--variant", student,
              "--format", "gradescope"])  # fmt: skip
        results = json.loads(capsys.readouterr().out)
        assert results["score"] == score
        assert f"variant {student} (sz-1: " in results["output"]
        if score == 0.0:
            assert "Expected: o = 44" in results["tests"][0]["output"]


def test_the_json_report_names_the_variant(tmp_path: Path, capsys):
    path = tmp_path / "sizes.toml"
    path.write_text(SIZES, encoding="utf-8")
    submission = tmp_path / "alice.md"
    submission.write_text("## sz-1a\n\n**Answer:** $o = 28$\n", encoding="utf-8")
    assert main(["check", str(submission), "--against", str(path), "--variants",
                 "--format", "json"]) == 0  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert report["variant"] == "alice"
    assert [c["verdict"] for c in report["claims"] if c["kind"] == "answer"] == ["right"]


# -- impossible combinations -------------------------------------------------------------------
def test_a_combination_an_engine_refuses_is_never_drawn():
    problem_set = problem_set_from_text(HALF_IMPOSSIBLE, "half.toml")
    columns = [("i", [2, 8]), ("k", [3, 5])]
    redrawn = 0
    for n in range(200):
        student = f"s{n:03d}"
        variant = problem_set.for_student(student)
        values = drawn(variant)
        assert values["i"] == 8, (student, values)  # k = 3 or 5 never fits i = 2
        assert variant.exercises[0].parts[0].solution.derivation.answer == 8 - values["k"] + 1
        # the draw is the documented one: the first hash draw whose numbers fit
        tries = (reference_values(columns, reference_position("half", "h-1", student, d, 4))
                 for d in range(32))  # fmt: skip
        assert values == next(v for v in tries if v["i"] == 8)
        first = reference_values(columns, reference_position("half", "h-1", student, 0, 4))
        redrawn += first["i"] == 2
    assert redrawn > 50  # (about half of the ids needed a second draw)


def test_without_a_variant_the_first_values_are_used_and_said(tmp_path: Path, capsys):
    sizes = problem_set_from_text(SIZES, "sizes.toml")
    assert drawn(sizes) == {"i": 28, "k": 3}
    assert sizes.exercises[0].variant.student is None
    # the first combination is refused here: the next in order (i fastest) is taken
    assert drawn(problem_set_from_text(HALF_IMPOSSIBLE, "half.toml")) == {"i": 8, "k": 3}
    path = tmp_path / "sizes.toml"
    path.write_text(SIZES, encoding="utf-8")
    assert main(["solve", "--problems", str(path)]) == 0
    assert (
        "*Default variant (the first values; `symconv solve --variant ID` gives a student's): "
        "i = 28, k = 3.*" in capsys.readouterr().out
    )
    assert main(["solve", "--problems", str(path), "--format", "json"]) == 0
    (exercise,) = json.loads(capsys.readouterr().out)["exercises"]
    assert exercise["variant"] == {
        "student": None, "data": {"i": 28, "k": 3}, "position": 0, "refused": 0,
    }  # fmt: skip
    # checking without a variant says which numbers it used
    submission = tmp_path / "alice.md"
    submission.write_text("## sz-1a\n\n**Answer:** $o = 26$\n", encoding="utf-8")
    assert main(["check", str(submission), "--against", str(path)]) == 0
    err = capsys.readouterr().err
    assert "draws data per student; checking against its default variant (sz-1: i = 28, " in err


def test_a_set_with_no_valid_combination_is_an_error_naming_the_exercise(tmp_path: Path, capsys):
    text = HALF_IMPOSSIBLE.replace("choose = [2, 8]", "choose = [1, 2]")
    with pytest.raises(ProblemSetError) as caught:
        problem_set_from_text(text, "none.toml")
    message = str(caught.value)
    assert message.startswith(
        f"none.toml:{_line(text, 'data = ')}: exercise h-1: no combination of the variable data "
        "is accepted by the exercise's engines"
    )
    assert "(all 4 refused; data.i = { choose = [1, 2] }; data.k = { choose = [3, 5] })" in message
    assert "e.g. i = 1, k = 3: none.toml:" in message and "part h-1a" in message
    path = tmp_path / "none.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["solve", "--problems", str(path), "--variant", "alice"]) == 2
    assert "exercise h-1: no combination" in capsys.readouterr().err


# -- validation --------------------------------------------------------------------------------
def _line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


@pytest.mark.parametrize(
    ("data", "key", "message", "suggestion"),
    [
        ("i = { choose = [] }", "data.i.choose",
         "data.i: choose = []: an empty choice; list at least one value", None),
        ("k = { range = [3, 7], stepp = 2 }", "data.k.stepp",
         "data.k: unknown key 'stepp' in a range (did you mean 'step'?); a range is "
         "{ range = [first, last], step = s }", "step"),
        ("k = { range = [3, 7], step = 0 }", "data.k.step",
         "data.k: step = 0: the step is an integer ≥ 1", None),
        ("k = { range = [3, 7], step = -2 }", "data.k.step",
         "data.k: step = -2: the step is an integer ≥ 1", None),
        ("k = { range = [3.5, 7] }", "data.k.range",
         "data.k: range = [3.5, 7]: 3.5 is a float; the bounds are integers", None),
        ('k = { range = [3, "7"] }', "data.k.range",
         "data.k: range = [3, 7]: the string '7' is not an integer; the bounds are integers", None),
        ("k = { range = [3, 7], step = 1.5 }", "data.k.step",
         "data.k: step = 1.5: 1.5 is a float; the step is an integer ≥ 1", None),
        ("k = { range = [7, 3] }", "data.k.range",
         "data.k: range = [7, 3]: the first bound is larger than the last (write [3, 7])", None),
        ("k = { range = [3, 8], step = 2 }", "data.k.step",
         "data.k: range = [3, 8] with step 2 never reaches 8 (both ends are included): end at "
         "7 or 9", None),
        ("k = { chose = [3, 5] }", "data.k.chose",
         "data.k: a table value {chose = ...} is not a data form symconv knows (did you mean "
         "'choose'?)", "choose"),
        ("k = { choose = [3, 5], step = 2 }", "data.k.step",
         "data.k: step is a key of a range, not of a choice", None),
        ("k = { choose = [3, 5], range = [3, 5] }", "data.k.range",
         "data.k: give one of choose or range, not both", None),
        ("k = { choose = [3, 3] }", "data.k.choose",
         "data.k: choose lists 3 twice: list each value once", None),
        ("k = { choose = [3, 2.5] }", "data.k.choose",
         "data.k: choose entry 2: 2.5 is a float", None),
    ],
)  # fmt: skip
def test_a_bad_form_is_an_error_naming_file_line_exercise_and_key(data, key, message, suggestion):
    fixed = {"i": "i = 28", "k": "k = 5"}
    fixed[data[0]] = data
    text = SIZES.replace(
        "data = { i = { choose = [28, 32, 48, 64] }, k = { range = [3, 7], step = 2 } }",
        f"data = {{ {fixed['i']}, {fixed['k']} }}",
    )
    with pytest.raises(ProblemSetError) as caught:
        problem_set_from_text(text, "set.toml")
    problems = [p for p in caught.value.problems if p.key == key]
    assert len(problems) == 1, caught.value.messages
    (problem,) = problems
    where = f"set.toml:{_line(text, 'data = ')}: exercise sz-1: "
    assert problem.text("set.toml").startswith(where + message)
    assert (problem.exercise, problem.suggestion) == ("sz-1", suggestion)


def test_a_value_an_engine_refuses_names_the_data_key_it_came_from():
    # one entry of the choice is a size name where the engine computes on numbers
    text = (
        HALF_IMPOSSIBLE.replace("choose = [2, 8]", 'choose = [8, "N"]')
        .replace('engine = "conv_output_size"', 'engine = "conv_matrix"')
        .replace('args = { i = "$i", k = "$k" }', 'args = { input_size = ["$i"], kernel = ["$k"] }')
    )
    with pytest.raises(ProblemSetError) as caught:
        problem_set_from_text(text, "set.toml")
    (message,) = caught.value.messages
    assert message.startswith(f"set.toml:{_line(text, 'args = ')}: exercise h-1, part h-1a: ")
    assert "args.input_size: engine conv_matrix: " in message
    assert "needs a number here, got the size name 'N'" in message
    assert message.endswith("(with data.i = N, drawn per student)")


def test_a_placeholder_names_data_and_a_drawn_value_is_shown():
    text = SIZES.replace("kernel of length {{k}}", "kernel of length {{kk}}")
    with pytest.raises(ProblemSetError) as caught:
        problem_set_from_text(text, "set.toml")
    messages = caught.value.messages
    statement = _line(text, "statement = ")
    assert (
        f"set.toml:{statement}: exercise sz-1: statement: {{{{kk}}}} names no data (did you mean "
        "{{k}}?); data: i, k"
    ) in messages
    # k is then shown nowhere: a student's sheet would not say it
    assert any(
        m.startswith(f"set.toml:{_line(text, 'data = ')}: exercise sz-1: data.k = "
                     "{ range = [3, 7], step = 2 } is drawn per student, but no title")
        for m in messages
    )  # fmt: skip


def test_command_line_usage_errors_exit_2(tmp_path: Path, capsys):
    path = tmp_path / "sizes.toml"
    path.write_text(SIZES, encoding="utf-8")
    submission = tmp_path / "alice.md"
    submission.write_text("$1 + 1 = 2$\n", encoding="utf-8")
    cases = [
        (["check", str(submission), "--variants"], "--variants draws a student's numbers"),
        (["check", str(tmp_path), "--against", str(path), "--variant", "alice"],
         "for a folder give --variants"),
        (["check", str(submission), "--against", str(path), "--variant", "a", "--variants"],
         "not both"),
        (["solve", "--problems", str(path), "--variant", ""], "a student's id is not empty"),
    ]  # fmt: skip
    for argv, said in cases:
        assert main(argv) == 2, argv
        assert said in capsys.readouterr().err


def test_a_variant_of_a_set_with_fixed_data_is_the_set_and_stderr_says_so(tmp_path: Path, capsys):
    fixed = SIZES.replace("{ choose = [28, 32, 48, 64] }", "32").replace(
        "{ range = [3, 7], step = 2 }", "5"
    )
    problem_set = problem_set_from_text(fixed, "fixed.toml")
    assert not problem_set.has_variants and problem_set.for_student("alice") is problem_set
    path = tmp_path / "fixed.toml"
    path.write_text(fixed, encoding="utf-8")
    assert main(["solve", "--problems", str(path), "--variant", "alice"]) == 0
    captured = capsys.readouterr()
    assert "sizes-lab draws no data per student: --variant alice gives the same numbers" in (
        captured.err
    )
    assert "Variant" not in captured.out and "o = 28" in captured.out


# -- the example set ---------------------------------------------------------------------------
def test_the_example_set_draws_every_exercise_and_its_write_up_reads_back(tmp_path: Path):
    problem_set = load_problem_set(EXAMPLE)
    for student in ("alice", "bob"):
        variant = problem_set.for_student(student)
        assert all(exercise.variant is not None for exercise in variant.exercises)
        # the pooling exercise: a 3×3 input never meets a 4×4 window
        pooled = dict(variant.exercises[1].variant.values)
        assert not (len(pooled["X"]) == 3 and pooled["size"] == 4)
        out = tmp_path / student
        assert main(["solve", "--problems", str(EXAMPLE), "--variant", student, "--out",
                     str(out), "--format", "md"]) == 0  # fmt: skip
        # one request, one page: the set's, with every exercise of the student's variant
        page = (out / f"{problem_set.id}.md").read_text(encoding="utf-8")
        report = check(page, against=variant, name=f"{student}.md")
        wrong = [(j.claim.line, j.claim.text) for j in report.judgements if j.verdict == "wrong"]
        assert wrong == [], student
        for exercise in variant.exercises:
            assert all(p.status == "answered" and p.right >= 1 for p in report.parts
                       if p.id.startswith(exercise.id)), (student, exercise.id)  # fmt: skip


def test_the_docs_example_loads_and_its_algorithm_is_the_one_used():
    text = (ROOT / "docs" / "problem-sets.md").read_text(encoding="utf-8")
    section = text[text.index("## A variant per student") :].split("\n## ")[0]
    (example,) = re.findall(r"```toml\n(.*?)```", section, flags=re.DOTALL)
    problem_set = problem_set_from_text('id = "lab"\n' + example, "docs")
    (formula,) = re.findall(r"```python\n(.*?)\n```", section, flags=re.DOTALL)
    # the documented formula is, character for character, the reference of this file
    assert formula == (
        'int.from_bytes(hashlib.sha256(f"{T}\\n{E}\\n{S}\\n{n}".encode("utf-8")).digest(), '
        '"big") % total'
    )
    for student in ("alice", "bob"):
        position = reference_position("lab", "lab-1", student, 0, 9)
        expected = reference_values([("i", [32, 48, 64]), ("k", [3, 5, 7])], position)
        assert drawn(problem_set.for_student(student)) == expected
