"""A TA's batch: every supported file of a folder, in a process pool; unreadable or crashing files
become ``error`` rows and the batch goes on."""

from __future__ import annotations

import csv
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from symconv.check import batch
from symconv.check.batch import FileResult, check_files, check_one, files_in
from symconv.check.limits import Limits
from symconv.cli import main

RIGHT = "## 3\n### (d)\n$3 \\times 3 \\times 10 \\times 20 + 20 = 1820$\n"
WRONG = "## 3\n### (d)\n$3 \\times 3 \\times 10 \\times 20 = 1800$\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "alice.md").write_text(RIGHT, encoding="utf-8")
    (tmp_path / "bob.txt").write_text(WRONG, encoding="utf-8")
    (tmp_path / "carol.md").write_bytes(b"\x89PNG\r\n\x1a\n\0")
    (tmp_path / "dave.tex").write_bytes("Größe $1$".encode("latin-1"))
    (tmp_path / "erin.ipynb").write_text("{broken", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    sub = tmp_path / "late"
    sub.mkdir()
    (sub / "frank.md").write_text(RIGHT, encoding="utf-8")
    hidden = tmp_path / ".git"
    hidden.mkdir()
    (hidden / "x.md").write_text(WRONG, encoding="utf-8")
    return tmp_path


def test_supported_files_are_found_recursively_and_hidden_ones_skipped(folder: Path) -> None:
    names = [p.relative_to(folder).as_posix() for p in files_in(folder)]
    assert names == ["alice.md", "bob.txt", "carol.md", "dave.tex", "erin.ipynb", "late/frank.md"]


def test_a_batch_in_a_pool_gives_rows_and_error_rows(folder: Path) -> None:
    result = check_files(files_in(folder), against="nyu-cnn", workers=2, progress=False)
    by_name = {Path(r.file).name: r for r in result.results}
    assert [Path(r.file).name for r in result.results] == [
        "alice.md", "bob.txt", "carol.md", "dave.tex", "erin.ipynb", "frank.md"
    ]  # fmt: skip
    assert not by_name["alice.md"].has_wrong and by_name["bob.txt"].has_wrong
    assert "binary data" in (by_name["carol.md"].error or "")
    assert "not valid UTF-8" in (by_name["dave.tex"].error or "")
    assert "not a notebook" in (by_name["erin.ipynb"].error or "")
    assert result.readable == 3 and result.throughput > 0
    rows = result.rows()
    errors = [r for r in rows if r["status"] == "error"]
    assert len(errors) == 3 and all(r["part"] == "" and r["right"] == 0 for r in errors)
    bob = [r for r in rows if r["file"].endswith("bob.txt") and r["part"] == "nyu-cnn-3d"]
    assert bob == [
        {
            "file": str(folder / "bob.txt"),
            "part": "nyu-cnn-3d",
            "status": "answered",
            "right": 0,  # one claim, one verdict: 3·3·10·20 = 1800 is not the answer,
            "wrong": 1,  # its arithmetic being right does not count apart
            "unverified": 0,
            "first_wrong_line": 3,
            "diagnosis": "bias omitted",
        }
    ]


def test_files_over_the_limits_become_error_rows(folder: Path) -> None:
    big = folder / "huge.md"
    big.write_text("$1 + 1 = 2$\n" * 1000, encoding="utf-8")
    result = check_files([big, folder / "alice.md"], limits=Limits(max_bytes=5000), workers=1)
    assert "over the size cap" in (result.results[0].error or "")
    assert result.results[1].error is None


def test_a_crash_inside_the_checker_is_an_error_row(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import symconv.check.runner as runner

    def explode(*args: object, **kwargs: object) -> object:
        raise RuntimeError("parser crashed")

    monkeypatch.setattr(runner, "check_document", explode)
    result = check_one(str(folder / "alice.md"), None, Limits(), True, "text")
    assert result.error == "the checker failed on this file (RuntimeError: parser crashed)"
    assert result.rows[0]["status"] == "error"


def die_on_crash(path: str, *args: object) -> FileResult:
    """A worker job that kills its process on files named crash*: a crash in native code."""
    if Path(path).name.startswith("crash"):
        os._exit(3)
    return FileResult(path, ({"file": path, "status": "answered"},), {"wrong": 0})


@pytest.mark.parametrize("runner", [batch._run_pool, batch._run_spawned_pool])
def test_a_worker_process_that_dies_costs_only_its_own_file(tmp_path: Path, runner: Any) -> None:
    # _run_pool forks its workers; _run_spawned_pool is the process pool used where fork is not
    names = [str(tmp_path / n) for n in ("a.md", "crash.md", "b.md", "c.md")]
    results: dict[str, FileResult] = {}

    def job(name: str) -> tuple[object, tuple[object, ...]]:
        return die_on_crash, (name,)

    with batch._Progress(len(names), False) as bar:
        runner(names, job, 2, results, bar)
    assert set(results) == set(names)
    assert "process died" in (results[names[1]].error or "")
    assert all(results[n].error is None for n in names if n != names[1])


# ----------------------------------------------------------------------------------------------
# A file that overruns its time budget
# ----------------------------------------------------------------------------------------------
def hang(*args: object) -> list[object]:
    """A first pass that never ends and never lets a limit in (``run`` is not called): as a SymPy
    call the alarm cannot interrupt would, or native code."""
    while True:
        time.sleep(1)


@pytest.fixture
def slow_files_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files named slow* hang (the workers are forked from this process: they inherit this)."""
    import symconv.check.runner as runner

    check_document = runner.check_document

    def hanging_on_slow_files(document: Any, **options: Any) -> Any:
        if Path(document.name).name.startswith("slow"):
            options["judge_claims"] = hang
        return check_document(document, **options)

    monkeypatch.setattr(runner, "check_document", hanging_on_slow_files)


#: A small budget, still ample for the other files (a fresh worker builds nyu-cnn's solutions
#: in about 0.5 s): the hanging file's worker is killed 3 s · 1.05 + 1 s after it took it.
SMALL_BUDGET = Limits(file_seconds=3)
STOPPED = "time budget of 3 s for the file spent: the check was stopped"


@pytest.mark.parametrize("workers", [1, 2])
def test_a_file_over_its_budget_is_stopped_and_the_batch_goes_on(
    folder: Path, slow_files_hang: None, workers: int
) -> None:
    (folder / "slow.md").write_text(RIGHT, encoding="utf-8")
    paths = [folder / "slow.md", folder / "alice.md", folder / "bob.txt"]
    started = time.perf_counter()
    result = check_files(
        paths, against="nyu-cnn", limits=SMALL_BUDGET, workers=workers, progress=False
    )
    assert time.perf_counter() - started < 30  # (the hang alone is endless)
    slow, alice, bob = result.results
    assert slow.overrun and slow.error == STOPPED
    assert slow.rows == (
        {
            "file": str(folder / "slow.md"),
            "part": "",
            "status": "error",
            "right": 0,
            "wrong": 0,
            "unverified": 0,
            "first_wrong_line": "",
            "diagnosis": STOPPED,
        },
    )
    # the other files, one of them checked by the worker that replaced the killed one
    assert alice.error is None and not alice.overrun and alice.text is not None
    assert alice.summary["right"] >= 1 and not alice.has_wrong
    assert bob.error is None and bob.has_wrong
    assert result.overruns == 1 and result.readable == 2


def test_the_command_reports_a_stopped_file_and_goes_on(
    folder: Path, slow_files_hang: None, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "slow.md").write_text(RIGHT, encoding="utf-8")
    code = main(
        ["check", str(folder), "--against", "nyu-cnn", "--format", "json",
         "--file-time-limit", "3", "--jobs", "2"]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 1  # bob has a wrong answer
    reports = {Path(r["file"]).name: r for r in json.loads(captured.out)}
    assert reports["slow.md"] == {
        "file": str(folder / "slow.md"),
        "error": STOPPED,
        "overrun": True,
    }
    assert "overrun" not in reports["carol.md"]  # unreadable files keep their fields
    assert "a PDF" in reports["notes.pdf"]["error"]  # reported, never skipped in silence
    assert "checked 8 files (4 unreadable, 1 stopped at their time budget)" in captured.err


def test_one_file_over_its_budget_is_stopped_with_a_message(
    folder: Path, slow_files_hang: None, capsys: pytest.CaptureFixture[str]
) -> None:
    slow = folder / "slow.md"
    slow.write_text(RIGHT, encoding="utf-8")
    table = folder / "out.csv"
    code = main(["check", str(slow), "--file-time-limit", "3", "--csv", str(table)])
    assert code == 2
    assert f"symconv check: error: {slow}: {STOPPED}" in capsys.readouterr().err
    with table.open(encoding="utf-8") as handle:
        assert [(r["status"], r["diagnosis"]) for r in csv.DictReader(handle)] == [
            ("error", STOPPED)
        ]


def kill_yourself(name: str) -> None:
    """A crash in native code, as the worker's parent sees it: killed by a signal."""
    import signal

    os.kill(os.getpid(), signal.SIGKILL)


def test_a_dead_worker_is_reported_with_how_it_ended() -> None:
    answers = dict(
        batch.run_in_workers(
            ["killed", "exited", "fine"],
            lambda name: {"killed": (kill_yourself, (name,)), "exited": (os._exit, (3,))}.get(
                name, (len, (name,))
            ),
            2,
            5.0,
        )
    )
    assert answers == {
        "killed": batch.Stopped(
            "the checker's process died on this file (a crash in native code: signal SIGKILL)",
            overrun=False,
        ),
        "exited": batch.Stopped(
            "the checker's process died on this file (exit code 3; its error, if any, is "
            "printed above)",
            overrun=False,
        ),
        "fine": 4,
    }


def test_a_worker_takes_file_after_file() -> None:
    # the caches a worker builds (SymPy's, a problem set's solutions) serve its next files
    answers = dict(batch.run_in_workers(list("abcd"), lambda name: (os.getpid, ()), 1, 5.0))
    assert len(set(answers.values())) == 1 and os.getpid() not in answers.values()


def test_the_command_writes_the_csv_and_reports_throughput(
    folder: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path_factory.mktemp("out") / "grades.csv"
    code = main(["check", str(folder), "--against", "nyu-cnn", "--csv", str(table), "--jobs", "2"])
    captured = capsys.readouterr()
    assert code == 1  # bob has a wrong answer
    assert "files/s" in captured.err and "checked 7 files (4 unreadable)" in captured.err
    assert "carol.md: error: " in captured.out and "notes.pdf: error: " in captured.out
    with table.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["status"] for row in rows} == {"answered", "unanswered", "error"}
    assert sum(row["status"] == "error" for row in rows) == 4


def test_a_folder_with_no_readable_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.md").write_bytes(b"\0")
    assert main(["check", str(tmp_path)]) == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["check", str(empty)]) == 2
    assert "no file in this folder" in capsys.readouterr().err
