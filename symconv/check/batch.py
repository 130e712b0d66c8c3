"""Check every supported file of a folder (a TA's batch), using all cores; and run one file's
check in a worker process that is killed when it overruns the file's time budget.

**Workers.** Files are checked in worker processes *forked* from this one (``multiprocessing``'s
``fork`` context) after the checker's modules are imported, so a worker starts in milliseconds
with everything loaded. A worker checks one file at a time and keeps SymPy's caches and the
problem set's solutions for its next file (the answer key is built before the workers are forked,
so they start with the set's solutions built). Inside, the claim time limit and the cooperative file
budget apply (:mod:`symconv.check.limits`); the parent holds the hard bound: a worker that has not
answered within :attr:`~symconv.check.limits.Limits.worker_seconds` (the file budget and a little
time to word the report) is killed, its file becomes an ``error`` row saying "time budget of 60 s
for the file spent: the check was stopped" (``FileResult.overrun``; ``"overrun": true`` in JSON),
and a fresh worker takes the next file. So no file, however it hangs (inside one SymPy call that
the alarm cannot reach, in native code), holds up the batch past its budget, and whatever an
interrupted check left half-done dies with its process.

A file that cannot be read (binary, not UTF-8, over the size cap, not a notebook) or whose check
raises becomes an ``error`` row, and the batch goes on; a worker process that dies (a crash in
native code) costs only the file it had in hand. Workers return plain data (CSV rows, the
report's JSON, the summary, the grade), never SymPy objects, so results cross process boundaries
cheaply.

**Submissions.** A grade book's folder holds what students handed in, whatever it is:
:func:`submissions_in` lists every file (hidden ones and the command's own outputs aside), and a
file symconv cannot read — a PDF, a Word file, an image, an empty file — is an ``error`` row with
the reason, never skipped in silence. With an answer key (:mod:`symconv.check.gradebook`) each
result carries the student's grade, and, asked for, the annotated feedback file
(:mod:`symconv.check.feedback`). Progress goes to stderr on a terminal, one ``[3/40] alice.md``
line rewritten in place.

**Without fork** (Windows): files are checked in a :class:`~concurrent.futures.ProcessPoolExecutor`
(in this process for one worker), bounded by the cooperative budget only — a check stuck inside
one SymPy call can then outlast its file's budget, and nothing is killed.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from functools import partial
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from symconv.check.documents import SUPPORTED_SUFFIXES, supported
from symconv.check.gradebook import (
    AnswerKey,
    StudentGrade,
    error_grade,
    grade_report,
    student_of,
    variant_key,
)
from symconv.check.limits import Limits

#: ``job(name) -> (function, arguments)``: a worker runs ``function(*arguments)`` for ``name``.
Job = Callable[[str], tuple[Callable[..., Any], tuple[Any, ...]]]


@dataclass(frozen=True)
class FileResult:
    """What a worker reports for one file."""

    file: str
    rows: tuple[dict[str, Any], ...]
    summary: dict[str, int] = field(default_factory=dict)
    report: dict[str, Any] | None = None
    text: str | None = None
    error: str | None = None
    #: The check was stopped at the file's time budget (its worker killed); ``error`` says so.
    overrun: bool = False
    #: The student's grade (with an answer key: points per part; else the tallies only).
    grade: StudentGrade | None = None
    #: The student's annotated feedback (Markdown), when asked for.
    feedback: str | None = None

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

    @property
    def overruns(self) -> int:
        """Files whose check was stopped at their time budget."""
        return sum(1 for r in self.results if r.overrun)

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


def submissions_in(folder: Path, skip: Sequence[Path] = ()) -> list[Path]:
    """Every file under ``folder`` (recursively, sorted), hidden entries and ``skip`` (the
    command's own outputs and problem set, and whatever lies under them) aside: what a grade book
    must account for, readable or not."""
    skipped = [p.resolve() for p in skip]
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        resolved = path.resolve()
        if any(resolved == s or s in resolved.parents for s in skipped):
            continue
        found.append(path)
    return found


#: What a file that is no solution's source is, by its suffix, for the reason a student reads.
_KNOWN_FORMATS = {
    ".pdf": "a PDF", ".doc": "a Word document", ".docx": "a Word document",
    ".odt": "an OpenDocument text", ".rtf": "an RTF document", ".pages": "a Pages document",
    ".png": "an image", ".jpg": "an image", ".jpeg": "an image", ".gif": "an image",
    ".heic": "an image", ".zip": "an archive", ".html": "a web page", ".py": "Python code",
}  # fmt: skip


def unreadable_reason(path: Path) -> str | None:
    """Why a file cannot be checked before it is read (its format), or None.

    >>> print(unreadable_reason(Path("hw/erin.pdf")))
    hw/erin.pdf: a PDF, not a solution's source: symconv reads .md, .markdown, .txt, .tex and \
.ipynb files (export the source, or the text: pdftotext)
    >>> unreadable_reason(Path("hw/alice.md")) is None
    True
    """
    if supported(path):
        return None
    suffix = path.suffix.lower()
    what = _KNOWN_FORMATS.get(suffix, f"a {suffix} file" if suffix else "a file with no suffix")
    known = ", ".join(SUPPORTED_SUFFIXES[:-1]) + f" and {SUPPORTED_SUFFIXES[-1]}"
    hint = " (export the source, or the text: pdftotext)" if suffix == ".pdf" else ""
    return f"{path}: {what}, not a solution's source: symconv reads {known} files{hint}"


#: Why an empty file is not checked.
EMPTY = "the file is empty: nothing was submitted"


def check_one(
    path: str,
    against: str | None,
    limits: Limits,
    reveal: bool,
    output: str,
    *,
    key: AnswerKey | None = None,
    feedback: bool = False,
    variants: bool = False,
) -> FileResult:
    """Check one file in a worker; every failure becomes an ``error`` result. With ``key`` the
    result holds the student's grade; with ``feedback``, the annotated feedback file too; with
    ``variants``, the file is checked against its student's variant of the set (the student is
    the file's stem) and graded with that variant's answer key."""
    from symconv.check.render import csv_rows, error_row
    from symconv.errors import SymconvError

    def failed(reason: str) -> FileResult:
        grade = error_grade(path, reason, key)
        text = _error_feedback(grade, key) if feedback else None
        return FileResult(
            path, (error_row(path, reason),), error=reason, grade=grade, feedback=text
        )

    reason = unreadable_reason(Path(path))
    if reason is not None:
        return failed(reason)
    try:
        from symconv.check.documents import Document
        from symconv.check.runner import check_document

        document = Document.from_path(path, limits.max_bytes)
        if not document.text.strip():
            return failed(f"{path}: {EMPTY}")
        variant = None
        if variants and against is not None:
            variant = student_of(path)
            key = variant_key(against, variant) if key is not None else None
        report = check_document(document, against=against, limits=limits, variant=variant)
    except SymconvError as error:
        return failed(str(error))
    except Exception as error:  # a crash in the checker: an error row, the batch goes on
        return failed(f"the checker failed on this file ({type(error).__name__}: {error})")
    text = None
    if output == "text":
        text = _one_line(report)
    json_report = None
    if output == "json":
        from symconv.check.render import redacted

        json_report = (report if reveal else redacted(report)).to_json(reveal)
    grade = grade_report(report, key, reveal)
    annotated = None
    if feedback:
        from symconv.check.feedback import feedback_document

        annotated = feedback_document(report, document, grade, key, reveal)
    return FileResult(
        path,
        tuple(csv_rows(report, reveal)),
        report.summary(),
        json_report,
        text,
        grade=grade,
        feedback=annotated,
    )


def _error_feedback(grade: StudentGrade, key: AnswerKey | None) -> str:
    from symconv.check.feedback import error_feedback

    return error_feedback(grade, key)


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
    key: AnswerKey | None = None,
    feedback: bool = False,
    variants: bool = False,
) -> BatchResult:
    """Check ``paths`` in worker processes (see the module docstring). ``key``: grade each file
    against it; ``feedback``: write each student's annotated feedback; ``variants``: check each
    file against its student's variant of the set (:func:`check_one`); ``progress``: show it on
    stderr (default: when stderr is a terminal)."""
    limits = limits or Limits()
    workers = max(1, workers or os.cpu_count() or 1)
    show = sys.stderr.isatty() if progress is None else progress
    started = time.perf_counter()
    names = [str(p) for p in paths]
    results: dict[str, FileResult] = {}

    def job(name: str) -> tuple[Callable[..., FileResult], tuple[Any, ...]]:
        return partial(check_one, key=key, feedback=feedback, variants=variants), (
            name, against, limits, reveal, output,
        )  # fmt: skip

    with _Progress(len(names), show) as bar:
        if fork_available():
            preload_checker()
            _run_pool(names, job, workers, results, bar, limits)
        elif workers == 1 or len(names) <= 1:
            for name in names:
                function, arguments = job(name)
                results[name] = function(*arguments)
                bar.advance(name)
        else:
            _run_spawned_pool(names, job, workers, results, bar)
    seconds = time.perf_counter() - started
    ordered = (_graded(results[name], key, feedback) for name in names)
    return BatchResult(tuple(ordered), seconds)


def _graded(result: FileResult, key: AnswerKey | None, feedback: bool) -> FileResult:
    """A result with its grade: a file stopped at its budget, or whose worker died, has none yet
    (the parent made it)."""
    if result.grade is not None or result.error is None:
        return result
    grade = error_grade(result.file, result.error, key)
    text = _error_feedback(grade, key) if feedback else None
    return replace(result, grade=grade, feedback=text)


def fork_available() -> bool:
    """Whether workers can be forked (POSIX); elsewhere checks run without a hard time bound."""
    return "fork" in multiprocessing.get_all_start_methods()


def preload_checker() -> None:
    """Import the checker's modules here, before workers are forked, so that each starts loaded."""
    import symconv.check.render
    import symconv.check.runner

    try:
        import symconv.check.claims
        import symconv.check.judges  # noqa: F401
    except ImportError:  # the claim layer is not installed: the runner says so in each report
        pass


def _run_pool(
    names: Sequence[str],
    job: Job,
    workers: int,
    results: dict[str, FileResult],
    bar: _Progress,
    limits: Limits | None = None,
) -> None:
    """Check ``names`` in forked workers; with ``limits``, a file is stopped at its budget."""
    from symconv.check.render import error_row

    seconds = limits.worker_seconds if limits is not None else None
    for name, outcome in run_in_workers(names, job, workers, seconds):
        if isinstance(outcome, Stopped):
            reason = outcome.reason
            if outcome.overrun and limits is not None:
                reason = overrun_message(limits)
            outcome = FileResult(
                name, (error_row(name, reason),), error=reason, overrun=outcome.overrun
            )
        results[name] = outcome
        bar.advance(name)


def overrun_message(limits: Limits) -> str:
    """What a file stopped at its budget is told.

    >>> overrun_message(Limits(file_seconds=60))
    'time budget of 60 s for the file spent: the check was stopped'
    """
    return f"time budget of {limits.file_seconds:g} s for the file spent: the check was stopped"


@dataclass(frozen=True)
class Stopped:
    """A job whose worker gave no answer: killed at its time bound (``overrun``), or died."""

    reason: str
    overrun: bool


#: Why a worker gave no answer, when it died on its own.
DIED = "the checker's process died on this file (a crash in native code)"


def died_message(exit_code: int | None) -> str:
    """Why a worker that died gave no answer, with how it ended.

    >>> died_message(-11)
    "the checker's process died on this file (a crash in native code: signal SIGSEGV)"
    >>> died_message(1)
    "the checker's process died on this file (exit code 1; its error, if any, is printed above)"
    """
    if exit_code is not None and exit_code < 0:
        try:
            name = signal.Signals(-exit_code).name
        except ValueError:  # a signal Python has no name for
            name = str(-exit_code)
        return f"{DIED.removesuffix(')')}: signal {name})"
    if exit_code is not None:
        return (
            f"the checker's process died on this file (exit code {exit_code}; its error, if any,"
            " is printed above)"
        )
    return DIED


def run_in_workers(
    names: Sequence[str], job: Job, workers: int, seconds: float | None
) -> Iterator[tuple[str, Any]]:
    """``(name, what job(name) returned)`` for each name as its worker answers, or
    ``(name, Stopped(...))`` when the worker overran ``seconds`` (it is killed) or died.

    At most ``workers`` processes, forked from this one when needed and reused while they answer;
    all are gone when this returns (or is closed early).

    >>> sorted(run_in_workers(["a", "bb", "ccc"], lambda name: (len, (name,)), 2, 5.0))
    [('a', 1), ('bb', 2), ('ccc', 3)]
    """
    context = multiprocessing.get_context("fork")
    waiting = deque(names)
    idle: list[_Worker] = []
    busy: dict[Connection, _Worker] = {}
    try:
        while waiting or busy:
            while waiting and len(busy) < workers:
                worker = idle.pop() if idle else _Worker(context, job)
                worker.give(waiting.popleft(), seconds)
                busy[worker.connection] = worker
            nearest = min(worker.deadline for worker in busy.values())
            timeout = None if math.isinf(nearest) else max(0.0, nearest - time.monotonic())
            for ready in wait(list(busy), timeout):
                worker = busy.pop(ready)  # type: ignore[call-overload]
                name, outcome = worker.take()
                if not isinstance(outcome, Stopped):
                    idle.append(worker)  # (a worker that died is gone)
                yield name, outcome
            now = time.monotonic()
            for connection, worker in list(busy.items()):
                if worker.deadline <= now:
                    del busy[connection]
                    worker.stop()
                    yield worker.name, Stopped(f"stopped after its {seconds:g} s", overrun=True)
    finally:
        for worker in idle:
            worker.dismiss()
        for worker in busy.values():
            worker.stop()


class _Worker:
    """A forked process that runs ``job`` for the names it is given, one at a time."""

    def __init__(self, context: Any, job: Job) -> None:
        self.connection, child_end = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child_end, job, os.getpid()), daemon=True
        )
        self.process.start()
        child_end.close()  # the worker holds the only copy: its death reads as end of file here
        self.name = ""
        self.deadline = math.inf

    def give(self, name: str, seconds: float | None) -> None:
        self.name = name
        self.deadline = math.inf if seconds is None else time.monotonic() + seconds
        with contextlib.suppress(OSError):  # it died while idle: :meth:`take` finds out
            self.connection.send(name)

    def take(self) -> tuple[str, Any]:
        """The answer for the name in hand (the worker has answered or died)."""
        try:
            return self.name, self.connection.recv()
        except (EOFError, OSError):
            exit_code = self.stop(grace=1.0)
            return self.name, Stopped(died_message(exit_code), overrun=False)

    def stop(self, grace: float = 0.0) -> int | None:
        """Kill the process (it overran, or died; after ``grace`` s for it to end on its own),
        wait for it, and return its exit code."""
        self.process.join(timeout=grace)
        self.process.kill()
        self.process.join()
        exit_code = self.process.exitcode
        self.process.close()
        self.connection.close()
        return exit_code

    def dismiss(self) -> None:
        """Let an idle worker end on its own (it is killed if it does not, within a second)."""
        with contextlib.suppress(OSError):  # (it died meanwhile)
            self.connection.send(None)
        self.process.join(timeout=1.0)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.process.close()
        self.connection.close()


def _serve(connection: Connection, job: Job, parent: int) -> None:
    """A worker's loop: a name in, ``job``'s result for it out, until told to stop (``None``).

    Ctrl-C is the parent's to handle (it stops its workers): a worker does not print a traceback.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with(parent)
    while True:
        try:
            name = connection.recv()
        except EOFError:
            return
        if name is None:
            return
        function, arguments = job(name)
        connection.send(function(*arguments))


def _die_with(parent: int) -> None:
    """On Linux, have the kernel kill this worker when ``parent`` ends (a batch killed with
    SIGTERM, or whose terminal closed, leaves no worker behind busy with a hanging file)."""
    if sys.platform != "linux":
        return
    import ctypes

    pr_set_pdeathsig = 1
    try:
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):  # no prctl in this C library: the worker may outlive it
        return
    if os.getppid() != parent:  # the parent ended before prctl took effect
        os._exit(0)


def _run_spawned_pool(
    names: Sequence[str],
    job: Job,
    workers: int,
    results: dict[str, FileResult],
    bar: _Progress,
) -> None:
    """Without fork: a process pool; only the cooperative budget bounds a file."""
    suspects: list[str] = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures: dict[Future[FileResult], str] = {}
        for name in names:
            function, arguments = job(name)
            futures[pool.submit(function, *arguments)] = name
        try:
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                bar.advance(futures[future])
        except BrokenProcessPool:
            suspects = [name for name in names if name not in results]
    for name in suspects:  # a worker died: each remaining file alone, in a fresh process
        results[name] = _isolated(name, job)
        bar.advance(name)


def _isolated(name: str, job: Job) -> FileResult:
    from symconv.check.render import error_row

    function, arguments = job(name)
    try:
        with ProcessPoolExecutor(max_workers=1) as pool:
            return pool.submit(function, *arguments).result()
    except BrokenProcessPool:
        return FileResult(name, (error_row(name, DIED),), error=DIED)


class _Progress:
    """``[3/40] alice.md`` on stderr as each file is done, when shown: rewritten in place on a
    terminal (and cleared at the end), one line per file on anything else."""

    def __init__(self, total: int, show: bool, stream: Any = None) -> None:
        self.total = total
        self.show = show and total > 1
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0
        self.in_place = bool(getattr(self.stream, "isatty", lambda: False)())

    def __enter__(self) -> _Progress:
        return self

    def advance(self, name: str = "") -> None:
        self.done += 1
        if not self.show:
            return
        line = f"[{self.done}/{self.total}] {Path(name).name if name else ''}".rstrip()
        if self.in_place:
            self.stream.write(f"\r\x1b[K{line}")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def __exit__(self, *exc: object) -> None:
        if self.show and self.in_place and self.done:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def write_csv(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """The CSV file of a batch (or of one file): DESIGN.md's columns, UTF-8."""
    import csv

    from symconv.check.render import CSV_COLUMNS

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
