"""The round trip a lecturer relies on: what ``symconv solve`` writes, ``symconv check --against``
reads back with no wrong claim, and every part of the set is confirmed — answered, at least one
claim right, none wrong.

Every catalog set, every TOML set in the repository (``derivations/*.toml``, the lecturer's sets
under ``examples/sets/``) goes through the command line exactly as a user runs it: ``solve --all
--out DIR`` (or ``solve --problems FILE --out DIR``), then ``check`` of each written ``SET.md``
(one page per set).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from derivations import catalog
from symconv.check.api import check
from symconv.cli import main
from symconv.problems.problemset import load_problem_set

ROOT = Path(__file__).resolve().parents[2]
TOML_SETS = sorted([*ROOT.glob("derivations/*.toml"), *ROOT.glob("examples/sets/*.toml")])


@pytest.fixture(scope="module")
def catalog_writeups(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("catalog")
    assert main(["solve", "--all", "--out", str(out), "--format", "md"]) == 0
    return out


def _exercises_of_catalog() -> list[tuple[str, str]]:
    return [(s.id, e.id) for s in catalog() for e in s.exercises]


_REPORTS: dict[Path, object] = {}


def _report(markdown: Path, problem_set: object) -> object:
    """The check of one written page (a set's page serves each of its exercises' tests)."""
    if markdown not in _REPORTS:
        text = markdown.read_text(encoding="utf-8")
        _REPORTS[markdown] = check(text, against=problem_set, name=markdown.name)
    return _REPORTS[markdown]


def _round_trip_failures(markdown: Path, problem_set: object, exercise_parts: list[str]) -> dict:
    report = _report(markdown, problem_set)
    wanted = set(exercise_parts)
    wrong = [
        (j.claim.line, j.claim.text, j.message)
        for j in report.judgements  # type: ignore[attr-defined]
        if j.verdict == "wrong" and (j.claim.part in wanted or j.claim.part is None)
    ]
    statuses = {part.id: part for part in report.parts}  # type: ignore[attr-defined]
    unconfirmed = [
        (part_id, statuses[part_id].status, statuses[part_id].right, statuses[part_id].wrong)
        for part_id in exercise_parts
        if not (
            statuses[part_id].status == "answered"
            and statuses[part_id].right >= 1
            and statuses[part_id].wrong == 0
        )
    ]
    return {"wrong": wrong, "unconfirmed parts": unconfirmed}


@pytest.mark.parametrize(("set_id", "exercise_id"), _exercises_of_catalog())
def test_a_catalog_writeup_reads_back_right(catalog_writeups, set_id, exercise_id):
    problem_set = next(s for s in catalog() if s.id == set_id)
    exercise = next(e for e in problem_set.exercises if e.id == exercise_id)
    failures = _round_trip_failures(
        catalog_writeups / f"{set_id}.md", problem_set, [p.id for p in exercise.parts]
    )
    assert failures == {"wrong": [], "unconfirmed parts": []}


@pytest.fixture(scope="module")
def catalog_handouts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("catalog-tex")
    assert main(["solve", "--all", "--out", str(out), "--format", "tex"]) == 0
    return out


@pytest.mark.parametrize("set_id", [s.id for s in catalog()])
def test_a_catalog_handout_in_latex_reads_back_right(catalog_handouts, set_id):
    # the print-ready LaTeX document: its \section*/\subsection* headings name the parts (its
    # numbered reasons "(2)" under a part are notes, not part b), its boxes that fit a formula to
    # the line (\symconvfit) are read through, the conventions paragraph answers nothing and the
    # statement restated above the answer ("40 recordings, 80 channels …") is no answer either
    problem_set = next(s for s in catalog() if s.id == set_id)
    failures = _round_trip_failures(
        catalog_handouts / f"{set_id}.tex", problem_set, [p.id for p in problem_set.parts()]
    )
    assert failures == {"wrong": [], "unconfirmed parts": []}


@pytest.mark.parametrize("path", TOML_SETS, ids=[p.stem for p in TOML_SETS])
def test_a_toml_set_written_by_solve_reads_back_right(tmp_path, path):
    assert main(["solve", "--problems", str(path), "--out", str(tmp_path), "--format", "md"]) == 0
    problem_set = load_problem_set(path)
    failures = _round_trip_failures(
        tmp_path / f"{problem_set.id}.md", problem_set, [p.id for p in problem_set.parts()]
    )
    assert failures == {"wrong": [], "unconfirmed parts": []}


def test_the_repository_holds_a_lecturers_own_set():
    # the round trip is not only the catalog's: a set written as data by a lecturer is read too
    assert any(path.parent.name == "sets" for path in TOML_SETS)


def test_a_link_between_a_layers_output_and_its_input_is_not_read_as_independent(tmp_path):
    # nyu-cnn-4a with σ' written e^{-Z}/(1 + e^{-Z})^2 (the paraphrase study): the next link,
    # = (1 − U) ∂J/∂U U, holds U and Z, and U = σ(Z) in this exercise — random independent U and Z
    # are a misreading of it, never a witness
    problem_set = next(s for s in catalog() if s.id == "nyu-cnn")
    assert main(["solve", "nyu-cnn-4", "--out", str(tmp_path), "--format", "md"]) == 0
    text = (tmp_path / "nyu-cnn-4.md").read_text(encoding="utf-8")
    entry = r"Z[i, j_{1}, j_{2}, m]"
    sigma = rf"\left(1 - \sigma\left({entry}\right)\right) \sigma\left({entry}\right)"
    assert sigma in text
    rewritten = text.replace(
        sigma, rf"\frac{{e^{{-{entry}}}}}{{\left(1 + e^{{-{entry}}}\right)^{{2}}}}"
    )
    report = check(rewritten, against=problem_set, name="nyu-cnn-4")
    assert [(j.claim.line, j.message) for j in report.judgements if j.verdict == "wrong"] == []
