"""``symconv check``: outputs (text, JSON, annotated Markdown, CSV), --no-reveal, exit codes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from symconv.cli import main

SOLUTION = """# Homework

## 3

### (c)

$46 \\times 62 \\times 20 \\times 3 \\times 3 \\times 10 = 5133600$ multiplications.

### (d)

$3 \\times 3 \\times 10 \\times 20 + 20 = 1830$

## Exercise 9

$1 + 1 = 2$
"""

RIGHT = "## 3\n\n### (d)\n\n$3 \\times 3 \\times 10 \\times 20 + 20 = 1820$\n"


@pytest.fixture
def solution(tmp_path: Path) -> Path:
    path = tmp_path / "hw.md"
    path.write_text(SOLUTION, encoding="utf-8")
    return path


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["check", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_text_output_quotes_lines_and_exits_1_on_a_wrong_claim(
    solution: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run([str(solution), "--against", "nyu-cnn"], capsys)
    assert code == 1
    assert "line 11  (nyu-cnn-3d)" in out
    assert "│ $3 \\times 3 \\times 10 \\times 20 + 20 = 1830$" in out
    assert "✘ wrong" in out and "expected: 1820" in out
    assert "\x1b[" not in out  # no colour when piped
    assert "Summary:" in out and "unanswered" in out


def test_colour_on_request(solution: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run([str(solution), "--color", "always"], capsys)
    assert "\x1b[" in out


def test_exit_0_when_nothing_is_wrong(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ok.md"
    path.write_text(RIGHT, encoding="utf-8")
    code, out, _ = run([str(path), "--against", "nyu-cnn"], capsys)
    assert code == 0 and "✔ right" in out


def test_json_follows_the_contract(solution: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([str(solution), "--against", "nyu-cnn", "--format", "json"], capsys)
    document = json.loads(out)
    assert code == 1
    assert list(document) == [
        "schema_version", "file", "against", "assumed_conventions", "claims", "parts",
        "warnings", "summary",
    ]  # fmt: skip
    assert document["against"] == "nyu-cnn" and document["file"] == str(solution)
    for claim in document["claims"]:
        assert list(claim) == [
            "line", "end_line", "part", "text", "kind", "verdict", "message", "expected_latex",
            "diagnosis", "witness", "warnings",
        ]  # fmt: skip
        assert claim["verdict"] in ("right", "wrong", "unverified")
    for part in document["parts"]:
        assert list(part) == ["id", "status", "right", "wrong", "unverified"]
        assert part["status"] in ("answered", "unanswered", "unmatched")
    assert list(document["summary"]) == ["right", "wrong", "unverified", "unanswered"]
    answer = next(c for c in document["claims"] if c["kind"] == "answer" and c["line"] == 11)
    assert answer["part"] == "nyu-cnn-3d" and answer["expected_latex"] == "1820"
    unmatched = [p for p in document["parts"] if p["status"] == "unmatched"]
    assert [p["id"] for p in unmatched] == ["Exercise 9"]


def test_no_reveal_leaves_expected_answers_and_witnesses_out(
    solution: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(
        [str(solution), "--against", "nyu-cnn", "--format", "json", "--no-reveal"], capsys
    )
    claims = json.loads(out)["claims"]
    assert all(c["expected_latex"] is None and c["witness"] is None for c in claims)
    wrong = [c for c in claims if c["verdict"] == "wrong"]
    assert wrong and all("1820" not in c["message"] for c in wrong)
    _, text, _ = run([str(solution), "--against", "nyu-cnn", "--no-reveal"], capsys)
    assert "1820" not in text and "expected:" not in text


def test_markdown_output_annotates_the_document_in_place(
    solution: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run([str(solution), "--against", "nyu-cnn", "--format", "md"], capsys)
    lines = out.splitlines()
    assert code == 1
    assert lines[: len(SOLUTION.splitlines())] != SOLUTION.splitlines()  # annotations inserted
    original = [line for line in lines if not line.startswith(("> **symconv**", ">"))]
    assert [line for line in original if line] == [line for line in SOLUTION.splitlines() if line]
    at = lines.index("$3 \\times 3 \\times 10 \\times 20 + 20 = 1830$")
    notes = lines[at + 1 : at + 4]
    assert notes[0] == "" and notes[1].startswith("> **symconv** · line 11 · ✘ **wrong**")


def test_annotations_never_split_a_display_formula(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "display.md"
    path.write_text("## 3\n### (d)\n$$\n3 \\times 3 \\times 10 \\times 20 + 20\n= 1830\n$$\nok\n")
    _, out, _ = run([str(path), "--against", "nyu-cnn", "--format", "md"], capsys)
    lines = out.splitlines()
    first_note = next(i for i, line in enumerate(lines) if line.startswith("> **symconv**"))
    assert lines[first_note - 2] == "ok" and lines[: first_note - 1].count("$$") == 2


def test_csv_has_one_row_per_part(
    solution: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "grades.csv"
    run([str(solution), "--against", "nyu-cnn", "--csv", str(table)], capsys)
    with table.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # the first CSV's columns come first; the grade book's follow
    assert list(rows[0])[:8] == [
        "file", "part", "status", "right", "wrong", "unverified", "first_wrong_line", "diagnosis",
    ]  # fmt: skip
    by_part = {row["part"]: row for row in rows}
    assert len(rows) == 20  # the 19 parts of the set and the unmatched heading
    assert by_part["nyu-cnn-3d"]["status"] == "answered"
    assert by_part["nyu-cnn-3d"]["first_wrong_line"] == "11"
    assert by_part["nyu-cnn-3d"]["wrong"] == "1"  # one claim, one verdict: counted once
    assert by_part["nyu-cnn-1a"]["status"] == "unanswered"
    assert by_part["Exercise 9"]["status"] == "unmatched"


def test_unreadable_inputs_and_bad_usage_exit_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run([str(tmp_path / "missing.md")], capsys)
    assert code == 2 and "missing.md: no such file" in err
    big = tmp_path / "big.md"
    big.write_text("$1+1=2$\n" * 100, encoding="utf-8")
    code, _, err = run([str(big), "--max-bytes", "100"], capsys)
    assert code == 2 and "big.md" in err and "size cap" in err
    binary = tmp_path / "photo.md"
    binary.write_bytes(b"\0\1\2")
    table = tmp_path / "rows.csv"
    code, _, err = run([str(binary), "--csv", str(table)], capsys)
    assert code == 2 and "binary data" in err
    assert "error" in table.read_text(encoding="utf-8")
    code, _, err = run([str(big), "--against", "no-such-set"], capsys)
    assert code == 2 and "no such problem set" in err
    code, _, err = run([str(big), "--time-limit", "0"], capsys)
    assert code == 2 and "must be positive" in err
    unsupported = tmp_path / "notes.docx"
    unsupported.write_bytes(b"PK")
    code, _, err = run([str(unsupported)], capsys)
    assert code == 2 and "unsupported file type" in err


def test_a_folder_cannot_be_annotated_as_one_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.md").write_text(RIGHT, encoding="utf-8")
    code, _, err = run([str(tmp_path), "--format", "md"], capsys)
    assert code == 2 and "--format md annotates one file" in err


def test_a_notebook_is_quoted_and_annotated_by_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notebook = {
        "cells": [
            {"cell_type": "markdown", "source": ["## 3\n", "### (d)\n", RIGHT.splitlines()[-1]]},
            {"cell_type": "code", "source": ["x = 1\n"], "outputs": []},
            {"cell_type": "markdown", "source": ["## 5\n", "(a) $\\mathbf{y} = [2, 2, 10, 0]$"]},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "hw.ipynb"
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    file_lines = path.read_text(encoding="utf-8").splitlines()
    wrong_line = next(i for i, line in enumerate(file_lines, 1) if "[2, 2, 10, 0]" in line)
    code, out, _ = run([str(path), "--against", "nyu-cnn"], capsys)
    assert code == 1
    assert f"line {wrong_line} (cell 3, line 2)  (nyu-cnn-5a)" in out
    assert "│ (a) $\\mathbf{y} = [2, 2, 10, 0]$" in out
    _, annotated, _ = run([str(path), "--against", "nyu-cnn", "--format", "md"], capsys)
    assert annotated.startswith("<!-- cell 1 -->")
    assert f"> **symconv** · cell 3, line 2 (file line {wrong_line}) · ✘ **wrong**" in annotated
    assert "1-based reading of y[k] = x[sk]" in annotated


def test_latex_is_annotated_with_comments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "hw.tex"
    path.write_text(
        "\\section*{Exercise 3}\n\\textbf{(d)} $3 \\times 3 \\times 10 \\times 20 = 1800$.\n\n"
        "Done.\n",
        encoding="utf-8",
    )
    _, out, _ = run([str(path), "--against", "nyu-cnn", "--format", "md"], capsys)
    lines = out.splitlines()
    # one claim, one verdict: the answer's (its arithmetic being right does not count apart)
    assert lines[2].startswith("% symconv · line 2 · ✘ wrong") and "bias omitted" in lines[2]
    assert lines[3:] == ["", "Done."]


LECTURER_SET = """
id = "week10"
title = "Convolution practice"
source = "Course notes, week 10"

[[exercise]]
id = "week10-1"
title = "Output size"
statement = "A 7×7 input and a 3×3 kernel, valid."
data = { i = 7, k = 3 }

[[exercise.part]]
id = "week10-1a"
question = "The size of the valid output."
engine = "conv_output_size"
args = { i = "$i", k = "$k" }

[[exercise.part.misconceptions]]
engine = "conv_output_size"
args = { i = "$i", k = "$k", p = 1 }
diagnosis = "padding assumed"
"""


def test_a_lecturers_problem_set_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    problems = tmp_path / "week10.toml"
    problems.write_text(LECTURER_SET, encoding="utf-8")
    solution = tmp_path / "s.md"
    solution.write_text("## Problem 1\n(a) The output is $7 - 3 + 2 + 1 = 7$ wide.\n")
    code, out, _ = run([str(solution), "--against", str(problems), "--format", "json"], capsys)
    document = json.loads(out)
    answer = next(c for c in document["claims"] if c["kind"] == "answer")
    assert code == 1 and document["against"] == str(problems)
    assert (answer["part"], answer["verdict"], answer["diagnosis"]) == (
        "week10-1a",
        "wrong",
        "padding assumed",
    )
    assert answer["expected_latex"] == "5" and 7 - 3 + 1 == 5


def test_a_notebook_cell_written_as_one_string_names_the_line_that_holds_the_claim(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # every line of a one-string cell sits on one file line: the cell line is the claim's own
    source = "# Lab\n\nSome words.\n\nSo $(4 - 2)/2 + 1 = 3$ here."
    notebook = {"cells": [{"cell_type": "markdown", "source": source}], "nbformat": 4}
    path = tmp_path / "lab.ipynb"
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    code, out, _ = run([str(path)], capsys)
    assert code == 1
    assert "(cell 1, line 5)" in out and "So $(4 - 2)/2 + 1 = 3$ here." in out
    assert "# Lab" not in out


def test_a_quoted_tex_row_keeps_its_row_break_and_spacing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # ``\\[2pt]`` ends a row with extra space: quoted as written, not read as console markup
    path = tmp_path / "rows.tex"
    path.write_text("\\begin{align*}\na &= 1 + 1 = 2 \\\\[2pt]\nb &= 3\n\\end{align*}\n")
    _, out, _ = run([str(path)], capsys)
    assert "│ a &= 1 + 1 = 2 \\\\[2pt]" in out
