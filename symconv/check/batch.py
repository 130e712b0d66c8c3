"""Check every supported file of a folder (a TA's batch), using all cores.

Files are checked in a process pool (one process per core by default); each worker applies the
claim time limit and the file budget (:mod:`symconv.check.limits`). A file that cannot be read
(binary, not UTF-8, over the size cap, not a notebook) or whose check raises becomes an ``error``
row, and the batch goes on; if a worker process dies (a crash in native code), the files it had in
hand are checked again one at a time in a fresh process, and a file that kills its process again
gets an ``error`` row. Progress is shown on a terminal (rich) and not when the output is piped.

Each worker returns plain data (CSV rows, the report's JSON, the summary), never SymPy objects,
so results cross process boundaries cheaply.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from symconv.check.documents import supported
from symconv.check.limits import Limits


@dataclass(frozen=True)
class FileResult:
    """What a worker reports for one file."""

    file: str
    rows: tuple[dict[str, Any], ...]
    summary: dict[str, int] = field(default_factory=dict)
    report: dict[str, Any] | None = None
    text: str | None = None
    error: str | None = None

    @property
    def has_wrong(self) -> bool:
        return self.summary.get("wrong", 0) > 0


@dataclass(frozen=True)
class BatchResult:
    """All files of a batch, in file order, and how long it took."""

    results: tuple[FileResult, ...]
    seconds: float

    @property
    def throughput(self) -> float:
        return len(self.results) / self.seconds if self.seconds > 0 else float("inf")

    @property
    def readable(self) -> int:
        return sum(1 for r in self.results if r.error is None)

    def rows(self) -> list[dict[str, Any]]:
        return [row for result in self.results for row in result.rows]


def files_in(folder: Path) -> list[Path]:
    """The supported files under ``folder`` (recursively, sorted; hidden entries skipped)."""
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() and supported(path):
            found.append(path)
    return found


def check_one(
    path: str, against: str | None, limits: Limits, reveal: bool, output: str
) -> FileResult:
    """Check one file in a worker; every failure becomes an ``error`` result."""
    from symconv.check.render import csv_rows, error_row
    from symconv.errors import SymconvError

    try:
        from symconv.check.documents import Document
        from symconv.check.runner import check_document

        document = Document.from_path(path, limits.max_bytes)
        report = check_document(document, against=against, limits=limits)
    except SymconvError as error:
        return FileResult(path, (error_row(path, str(error)),), error=str(error))
    except Exception as error:  # a crash in the checker: an error row, the batch goes on
        reason = f"the checker failed on this file ({type(error).__name__}: {error})"
        return FileResult(path, (error_row(path, reason),), error=reason)
    text = None
    if output == "text":
        text = _one_line(report)
    json_report = None
    if output == "json":
        from symconv.check.render import redacted

        json_report = (report if reveal else redacted(report)).to_json(reveal)
    return FileResult(path, tuple(csv_rows(report, reveal)), report.summary(), json_report, text)


def _one_line(report: Any) -> str:
    summary = report.summary()
    return (
        f"{summary['right']} right, {summary['wrong']} wrong, {summary['unverified']} "
        f"unverified, {summary['unanswered']} unanswered"
    )


def check_files(
    paths: Sequence[Path],
    *,
    against: str | None = None,
    limits: Limits | None = None,
    reveal: bool = True,
    output: str = "text",
    workers: int | None = None,
    progress: bool | None = None,
) -> BatchResult:
    """Check ``paths`` in a process pool (see the module docstring)."""
    limits = limits or Limits()
    workers = max(1, workers or os.cpu_count() or 1)
    show = sys.stderr.isatty() if progress is None else progress
    started = time.perf_counter()
    names = [str(p) for p in paths]
    results: dict[str, FileResult] = {}

    def job(name: str) -> tuple[Callable[..., FileResult], tuple[Any, ...]]:
        return check_one, (name, against, limits, reveal, output)

    with _Progress(len(names), show) as bar:
        if workers == 1 or len(names) <= 1:
            for name in names:
                function, arguments = job(name)
                results[name] = function(*arguments)
                bar.advance()
        else:
            _run_pool(names, job, workers, results, bar)
    seconds = time.perf_counter() - started
    return BatchResult(tuple(results[name] for name in names), seconds)


def _run_pool(
    names: Sequence[str],
    job: Callable[[str], tuple[Callable[..., FileResult], tuple[Any, ...]]],
    workers: int,
    results: dict[str, FileResult],
    bar: _Progress,
) -> None:
    suspects: list[str] = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures: dict[Future[FileResult], str] = {}
        for name in names:
            function, arguments = job(name)
            futures[pool.submit(function, *arguments)] = name
        try:
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                bar.advance()
        except BrokenProcessPool:
            suspects = [name for name in names if name not in results]
    for name in suspects:  # a worker died: each remaining file alone, in a fresh process
        results[name] = _isolated(name, job)
        bar.advance()


def _isolated(
    name: str, job: Callable[[str], tuple[Callable[..., FileResult], tuple[Any, ...]]]
) -> FileResult:
    from symconv.check.render import error_row

    function, arguments = job(name)
    try:
        with ProcessPoolExecutor(max_workers=1) as pool:
            return pool.submit(function, *arguments).result()
    except BrokenProcessPool:
        reason = "the checker's process died on this file (a crash in native code)"
        return FileResult(name, (error_row(name, reason),), error=reason)


class _Progress:
    """A rich progress bar on stderr when shown; nothing otherwise."""

    def __init__(self, total: int, show: bool) -> None:
        self.total = total
        self.show = show and total > 1
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> _Progress:
        if self.show:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("checking"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(file=sys.stderr),
                transient=True,
            )
            self._progress.__enter__()
            self._task = self._progress.add_task("check", total=self.total)
        return self

    def advance(self) -> None:
        if self._progress is not None:
            self._progress.advance(self._task)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(None, None, None)


def write_csv(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """The CSV file of a batch (or of one file): DESIGN.md's columns, UTF-8."""
    import csv

    from symconv.check.render import CSV_COLUMNS

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
