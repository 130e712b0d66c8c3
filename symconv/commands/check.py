"""symconv check: say, line by line, what is right in a hand-written solution.

    symconv check FILE [--against SET|FILE] [--format text|json|md] [--no-reveal] [--csv FILE]
    symconv check DIR --csv FILE [--against SET|FILE]       # a batch, on every core
    options: --time-limit S (per claim, default 2), --file-time-limit S (default 60),
             --max-bytes N (default 1000000), --jobs N (batch processes, default: all cores)

Inputs: Markdown with $…$/$$…$$ math (.md, .txt), LaTeX (.tex), notebooks (.ipynb: Markdown
cells; lines are those of the .ipynb file). --format md prints the document annotated with a
verdict after each claim; --no-reveal leaves expected answers and witnesses out.

Each file is checked in a worker process, killed if it overruns the file's time budget (a
little more than --file-time-limit): the file is then reported as stopped ("time budget of 60 s
for the file spent: the check was stopped"), and a batch goes on with the other files.

Exit codes: 0 nothing wrong; 1 a wrong claim; 2 bad usage, no input could be read, or the one
file's check was stopped at its time budget.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from symconv.errors import SymconvError

FORMATS = ("text", "json", "md")
EXIT_OK, EXIT_WRONG, EXIT_USAGE = 0, 1, 2


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check",
        help="check a hand-written solution line by line (right, wrong, unverified)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", type=Path, metavar="FILE|DIR", help="a solution or a folder")
    parser.add_argument(
        "--against", metavar="SET|FILE", help="a problem set id (nyu-cnn) or a TOML set file"
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="output (text)")
    parser.add_argument("--csv", type=Path, metavar="FILE", help="one row per file and part")
    parser.add_argument(
        "--no-reveal", action="store_true", help="leave expected answers and witnesses out"
    )
    parser.add_argument(
        "--time-limit", type=float, default=2.0, metavar="S", help="seconds per claim (2)"
    )
    parser.add_argument(
        "--file-time-limit", type=float, default=60.0, metavar="S", help="seconds per file (60)"
    )
    parser.add_argument(
        "--max-bytes", type=int, default=1_000_000, metavar="N", help="size cap per file (1 MB)"
    )
    parser.add_argument("--jobs", type=int, metavar="N", help="batch processes (all cores)")
    parser.add_argument(
        "--color", choices=("auto", "always", "never"), default="auto", help="colour (auto)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from symconv.check.limits import Limits
    from symconv.errors import ParseError

    limits = Limits(args.time_limit, args.file_time_limit, args.max_bytes)
    if args.against is not None:
        from symconv.check.against import load_problem_set

        load_problem_set(args.against)  # a bad --against is bad usage: refuse before any work
    if args.input.is_dir():
        return _batch(args, limits)
    if not args.input.exists():
        raise ParseError(f"{args.input}: no such file or folder")
    return _single(args, limits)


def _single(args: argparse.Namespace, limits: Any) -> int:
    from symconv.check.batch import Stopped, fork_available, overrun_message, run_in_workers
    from symconv.errors import SymconvError, TimeLimitError

    if fork_available():

        def job(name: str) -> tuple[Any, tuple[Any, ...]]:
            return _checked, (args, limits)  # (the worker is forked: nothing is pickled)

        [(_, outcome)] = run_in_workers([str(args.input)], job, 1, limits.worker_seconds)
    else:  # no hard bound: the cooperative budget only (symconv.check.batch)
        outcome = _checked(args, limits)
    if isinstance(outcome, Stopped):
        reason = overrun_message(limits) if outcome.overrun else outcome.reason
        _write_error_row(args, reason)
        error = TimeLimitError if outcome.overrun else SymconvError
        raise error(f"{args.input}: {reason}")
    if outcome.error is not None:
        _write_error_row(args, str(outcome.error))
        raise outcome.error
    sys.stdout.write(outcome.output)
    if args.csv is not None:
        from symconv.check.batch import write_csv

        write_csv(args.csv, outcome.rows)
    return EXIT_WRONG if outcome.has_wrong else EXIT_OK


def _write_error_row(args: argparse.Namespace, reason: str) -> None:
    if args.csv is not None:
        from symconv.check.batch import write_csv
        from symconv.check.render import error_row

        write_csv(args.csv, [error_row(str(args.input), reason)])


@dataclass(frozen=True)
class _Checked:
    """One file's check as the worker hands it over: what to print, or the error to raise."""

    output: str = ""
    rows: list[dict[str, Any]] = field(default_factory=list)
    has_wrong: bool = False
    error: SymconvError | None = None


def _checked(args: argparse.Namespace, limits: Any) -> _Checked:
    """Read, check and render one file (in the worker)."""
    from symconv.check.documents import Document
    from symconv.check.render import csv_rows, render_json, render_markdown, render_text
    from symconv.check.runner import check_document
    from symconv.errors import SymconvError

    try:
        document = Document.from_path(args.input, limits.max_bytes)
        report = check_document(document, against=args.against, limits=limits)
    except SymconvError as error:
        return _Checked(error=error)
    reveal = not args.no_reveal
    if args.format == "json":
        output = render_json(report, reveal) + "\n"
    elif args.format == "md":
        output = render_markdown(
            report, document.text, reveal=reveal, kind=document.kind, cells=document.cells
        )
    else:
        output = render_text(
            report, document.text, reveal=reveal, color=_color(args), cells=document.cells
        )
    rows = list(csv_rows(report, reveal)) if args.csv is not None else []
    return _Checked(output, rows, report.has_wrong)


def _color(args: argparse.Namespace) -> bool:
    if args.color == "always":
        return True
    if args.color == "never":
        return False
    return sys.stdout.isatty()


def _batch(args: argparse.Namespace, limits: Any) -> int:
    import json

    from symconv.check.batch import check_files, files_in, write_csv
    from symconv.errors import ParseError

    if args.format == "md":
        raise ParseError("--format md annotates one file; for a folder use text, json or --csv")
    paths = files_in(args.input)
    if not paths:
        raise ParseError(
            f"{args.input}: no .md, .markdown, .txt, .tex or .ipynb file in this folder"
        )
    output = "json" if args.format == "json" else "text"
    result = check_files(
        paths,
        against=args.against,
        limits=limits,
        reveal=not args.no_reveal,
        output=output,
        workers=args.jobs,
    )
    if args.csv is not None:
        write_csv(args.csv, result.rows())
    if output == "json":
        reports = [r.report if r.report is not None else _error_json(r) for r in result.results]
        print(json.dumps(reports, ensure_ascii=False, indent=2))
    else:
        for item in result.results:
            status = f"error: {item.error}" if item.error else item.text
            print(f"{item.file}: {status}")
    unreadable = len(result.results) - result.readable - result.overruns
    stopped = f", {result.overruns} stopped at their time budget" if result.overruns else ""
    print(
        f"checked {len(result.results)} files ({unreadable} unreadable{stopped}) in "
        f"{result.seconds:.2f} s: {result.throughput:.1f} files/s",
        file=sys.stderr,
    )
    if result.readable == 0:
        return EXIT_USAGE
    return EXIT_WRONG if any(r.has_wrong for r in result.results) else EXIT_OK


def _error_json(result: Any) -> dict[str, Any]:
    if result.overrun:
        return {"file": result.file, "error": result.error, "overrun": True}
    return {"file": result.file, "error": result.error}
