"""``symconv solve``: listing, write-ups in Markdown/LaTeX/JSON, and LaTeX that compiles."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from derivations import catalog
from symconv.cli import main

SETS = {
    "nndl-5": [f"nndl-5-{n}" for n in range(1, 9)],
    "nyu-cnn": [f"nyu-cnn-{n}" for n in range(1, 6)],
    "conv-arith": [f"conv-arith-{n}" for n in range(1, 16)],
    "fd": ["fd-a", "fd-b", "fd-c", "fd-d1", "fd-d2", "fd-d3", "fd-e", "fd-f"],
}


def test_list_names_every_exercise_and_part_of_the_four_sets(capsys):
    assert main(["solve", "--list"]) == 0
    listed = {line.split()[0] for line in capsys.readouterr().out.splitlines()}
    for set_id, exercises in SETS.items():
        assert set_id in listed
        assert set(exercises) <= listed, set(exercises) - listed
    parts = {
        f"nyu-cnn-{n}{p}"
        for n, ps in ((1, "abc"), (2, "abcde"), (3, "abcd"), (4, "abcd"), (5, "abc"))
        for p in ps
    }
    parts |= {"nndl-5-1.1", "nndl-5-1.2", "nndl-5-4.1", "nndl-5-4.2", "nndl-5-6.1", "nndl-5-6.2"}
    assert parts <= listed, parts - listed


def test_every_part_json_follows_the_contract(capsys):
    assert main(["solve", "nyu-cnn-3", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert set(document) == {
        "schema_version", "id", "title", "source", "conventions", "answers", "exercises"
    }  # fmt: skip
    [exercise] = document["exercises"]
    assert set(exercise) == {"id", "title", "statement", "source", "conventions", "parts"}
    part = exercise["parts"][3]
    assert part["id"] == "nyu-cnn-3d"
    assert part["answer_srepr"] == "Integer(1820)"
    assert set(part) >= {
        "question",
        "steps",
        "answer_latex",
        "accepted",
        "misconceptions",
        "checks",
    }
    assert all(check["passed"] for check in part["checks"])
    assert {
        "answer_srepr": "Integer(1810)",
        "diagnosis": part["misconceptions"][0]["diagnosis"],
    } in (part["misconceptions"])


def test_markdown_of_nndl_5_5_shows_the_matrix(capsys):
    assert main(["solve", "nndl-5-5", "--format", "md"]) == 0
    text = capsys.readouterr().out
    assert r"w_{11} & w_{12} & 0 & w_{21} & w_{22} & 0 & 0 & 0 & 0" in text
    assert "checked:" in text


def test_fd_d2_shows_the_family_and_the_isotropic_member(capsys):
    assert main(["solve", "fd-d2"]) == 0
    text = capsys.readouterr().out
    assert r"2 w & 1 - 4 w & 2 w" in text
    assert "isotropic" in text


def test_no_answers_is_the_problem_sheet(capsys):
    assert main(["solve", "nyu-cnn-3", "--no-answers"]) == 0
    text = capsys.readouterr().out
    assert "1820" not in text and "Answer" not in text
    assert "trainable parameters" in text


def test_unknown_id_is_a_usage_error(capsys):
    assert main(["solve", "nyu-cnn-9"]) == 2
    assert "unknown id 'nyu-cnn-9'" in capsys.readouterr().err


def test_all_needs_out(capsys):
    assert main(["solve", "--all"]) == 2


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("solutions")
    assert main(["solve", "--all", "--out", str(out)]) == 0
    return out


def test_all_writes_one_file_per_set_and_format(written: Path):
    expected = {f"{s.id}.{suffix}" for s in catalog() for suffix in ("md", "tex", "json")}
    assert {path.name for path in written.iterdir() if path.suffix in (".md", ".tex", ".json")} == (
        expected
    )


@pytest.mark.skipif(
    shutil.which("pdflatex") is None,
    reason="pdflatex is not installed (apt-get install texlive-latex-base); CI installs it",
)
def test_every_tex_document_compiles(written: Path, tmp_path: Path):
    failures = []
    for document in sorted(written.glob("*.tex")):
        result = subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", document.name],
            cwd=written,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            failures.append((document.name, result.stdout[-800:]))
    assert not failures, failures


def test_output_knobs(capsys):
    assert main(["solve", "nndl-5-5", "--max-matrix", "4"]) == 0
    assert r"\cdots" in capsys.readouterr().out
    assert main(["solve", "nndl-5-4.1", "--number-format", "scientific"]) == 0
    assert r"5.89824 \times 10^{9}" in capsys.readouterr().out
    assert main(["solve", "nndl-5-4.1", "--max-matrix", "2"]) == 2
