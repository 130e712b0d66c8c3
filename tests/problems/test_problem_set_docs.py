"""docs/problem-sets.md is the contract: its worked example loads, solves (every check passes) and
reads back through the checker; its key tables are the schema's; it names every engine; the
README links it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from symconv.check.api import check
from symconv.cli import main
from symconv.problems.engines import ENGINES
from symconv.problems.problemset import problem_set_from_text
from symconv.problems.schema import LEVELS

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "problem-sets.md"


def doc_text() -> str:
    return DOC.read_text(encoding="utf-8")


def worked_example() -> str:
    text = doc_text()
    section = text[text.index("## A complete worked example") :]
    blocks = re.findall(r"```toml\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) == 1
    return blocks[0]


@pytest.fixture(scope="module")
def example_set():
    return problem_set_from_text(worked_example(), "docs/problem-sets.md")


def test_the_worked_example_solves_and_every_check_passes(example_set):
    parts = list(example_set.parts())
    assert len(parts) >= 12
    for part in parts:
        report = part.solution.derivation.check()
        assert report.results and report.passed, (part.id, report.summary())
    assert any(part.points != 1 for part in parts)  # the example shows points
    assert any(part.solution.accepted for part in parts)
    assert any(part.solution.misconceptions for part in parts)


def test_the_worked_example_from_the_command_line(tmp_path: Path):
    path = tmp_path / "week9.toml"
    path.write_text(worked_example(), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["solve", "--problems", str(path), "--out", str(out), "--format", "md"]) == 0
    assert main(["solve", "--problems", str(path), "--list"]) == 0
    # one request, one document: the set's page, named by its id
    set_id = problem_set_from_text(worked_example(), "x").id
    assert sorted(p.stem for p in out.glob("*.md")) == [set_id]


def test_the_worked_examples_write_ups_read_back_right(example_set, tmp_path: Path):
    path = tmp_path / "week9.toml"
    path.write_text(worked_example(), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["solve", "--problems", str(path), "--out", str(out), "--format", "md"]) == 0
    markdown = out / f"{example_set.id}.md"
    report = check(markdown.read_text(encoding="utf-8"), against=example_set, name=markdown.name)
    wrong = [(j.claim.line, j.claim.text) for j in report.judgements if j.verdict == "wrong"]
    statuses = {part.id: part for part in report.parts}
    unconfirmed = [
        part.id
        for exercise in example_set.exercises
        for part in exercise.parts
        if statuses[part.id].status != "answered" or statuses[part.id].right < 1
    ]
    assert (wrong, unconfirmed) == ([], [])


#: The heading of each level's table in the doc.
HEADINGS = {
    "set": "### The set",
    "exercise": "### An exercise",
    "part": "### A part",
    "accepted": "### An accepted answer",
    "misconception": "### A misconception",
    "context entry": "### A context entry",
}


def _documented_keys() -> dict[str, dict[str, tuple[str, str, str]]]:
    """Each level's table in the doc: key → (type, required, default)."""
    text = doc_text()
    tables: dict[str, dict[str, tuple[str, str, str]]] = {}
    for level, heading in HEADINGS.items():
        section = text[text.index(heading) :].split("\n### ")[0].split("\n## ")[0]
        rows = re.findall(r"^\| `([a-z_]+)` \| ([^|]+) \| (yes|no) \| ([^|]*) \|", section, re.M)
        tables[level] = {
            key: (kind.strip(), required, default.strip().strip("`"))
            for key, kind, required, default in rows
        }
    return tables


def test_the_doc_tables_are_the_schema():
    documented = _documented_keys()
    assert set(HEADINGS) == {level.name for level in LEVELS}
    for level in LEVELS:
        expected = {
            key.name: (key.type, "yes" if key.required else "no", key.default) for key in level.keys
        }
        assert documented[level.name] == expected, level.name


def test_the_doc_names_every_engine_and_the_readme_links_it():
    text = doc_text()
    missing = [name for name in ENGINES if f"`{name}`" not in text]
    assert missing == []
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/problem-sets.md" in readme
